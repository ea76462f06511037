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
}

/// The error for a message that the state `expected` did not want.
pub(crate) fn unexpected(expected: &str, got: &Msg<'_>) -> Error {
    Error::unexpected(expected, got.describe())
}
