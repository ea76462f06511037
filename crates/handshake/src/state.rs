//! The handshake state machine's shape: each state is a type that says what it waits for;
//! handling a message consumes the state and returns the next one. A message a state does
//! not expect is `unexpected_message`, never a panic.

use crate::conn::Core;
use crate::error::Error;
use tlskit_wire::HandshakeMessage;

/// An input to the state machine.
#[derive(Debug)]
pub(crate) enum Msg<'a> {
    /// A decoded handshake message and its exact encoding (for the transcript).
    Handshake {
        /// The message.
        msg: HandshakeMessage<'a>,
        /// Its bytes, header included.
        encoded: &'a [u8],
    },
    /// A TLS 1.2 ChangeCipherSpec.
    ChangeCipherSpec,
}

impl Msg<'_> {
    /// A short name for error messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Msg::Handshake { msg, .. } => format!("{:?}", msg.typ()),
            Msg::ChangeCipherSpec => "ChangeCipherSpec".into(),
        }
    }
}

/// One handshake state.
pub(crate) trait State: Send {
    /// Handles one input, returning the next state.
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error>;

    /// The signature this state waits for, if it is paused for one.
    fn signature_request(&self) -> Option<&SignatureRequest> {
        None
    }

    /// Resumes a paused handshake with the application's signature.
    fn supply_signature(
        self: Box<Self>,
        _core: &mut Core,
        _signature: Vec<u8>,
    ) -> Result<Box<dyn State>, Error> {
        Err(Error::Config("no signature was requested".into()))
    }
}

/// The error for a message that the state `expected` did not want.
pub(crate) fn unexpected(expected: &str, got: &Msg<'_>) -> Error {
    Error::unexpected(expected, got.describe())
}

/// A handshake signature the application makes itself (on another thread, in an HSM, on a
/// remote signer): sign `message` with `key` using `scheme`, then hand the signature to
/// the connection's `supply_signature`. While it waits, the handshake is paused the way
/// BoringSSL's `ssl_hs_wait_t` pauses it.
#[derive(Clone)]
pub struct SignatureRequest {
    /// The scheme to sign with.
    pub scheme: tlskit_crypto::SignatureScheme,
    /// The exact bytes to sign (the scheme's hash is applied by the signer).
    pub message: Vec<u8>,
    /// The certificate's private key (a signer may use its own handle instead).
    pub key: std::sync::Arc<dyn tlskit_crypto::SigningKey>,
}

impl std::fmt::Debug for SignatureRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignatureRequest")
            .field("scheme", &self.scheme)
            .field("message_len", &self.message.len())
            .finish_non_exhaustive()
    }
}

impl SignatureRequest {
    /// Makes the signature with the certificate's key (what a worker thread would do).
    pub fn sign(&self) -> Result<Vec<u8>, tlskit_crypto::CryptoError> {
        self.key.sign(self.scheme, &self.message)
    }
}

/// What to do once the signature arrives.
pub(crate) type Resume =
    Box<dyn FnOnce(&mut Core, Vec<u8>) -> Result<Box<dyn State>, Error> + Send>;

/// The paused state: no peer message is acceptable until the signature is supplied.
pub(crate) struct AwaitingSignature {
    request: SignatureRequest,
    resume: Resume,
}

impl AwaitingSignature {
    pub(crate) fn boxed(request: SignatureRequest, resume: Resume) -> Box<dyn State> {
        Box::new(AwaitingSignature { request, resume })
    }
}

impl State for AwaitingSignature {
    fn handle(self: Box<Self>, _: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        Err(unexpected("nothing while the server signs", &msg))
    }

    fn signature_request(&self) -> Option<&SignatureRequest> {
        Some(&self.request)
    }

    fn supply_signature(
        self: Box<Self>,
        core: &mut Core,
        signature: Vec<u8>,
    ) -> Result<Box<dyn State>, Error> {
        (self.resume)(core, signature)
    }
}
