//! The handshake transcript hash (RFC 8446 §4.4.1, RFC 5246 §7.4.9).
//!
//! A client sends its ClientHello before it knows which hash the negotiated suite uses,
//! so the transcript starts as a [`HandshakeHashBuffer`] that keeps the raw messages;
//! once the ServerHello (or HelloRetryRequest) fixes the hash, [`HandshakeHashBuffer::start`]
//! turns it into a running [`TranscriptHash`].
//!
//! Every message is added whole: the 4-byte handshake header (type and 24-bit length)
//! and the body, exactly as on the wire, without record headers.

use crate::KeyScheduleError;
use std::fmt;
use tlskit_crypto::{CryptoProvider, Digest, Hash, HashAlgorithm, HashContext};

/// Handshake type of the synthetic `message_hash` message (RFC 8446 §4).
pub const MESSAGE_HASH_TYPE: u8 = 254;

/// The transcript before the hash function is known: the messages themselves.
#[derive(Default)]
pub struct HandshakeHashBuffer {
    messages: Vec<u8>,
    retain: bool,
}

impl HandshakeHashBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one whole handshake message.
    pub fn add_message(&mut self, message: &[u8]) {
        self.messages.extend_from_slice(message);
    }

    /// Keeps the raw messages after [`HandshakeHashBuffer::start`], for a TLS 1.2
    /// CertificateVerify, which signs the messages themselves (RFC 5246 §7.4.8).
    pub fn retain_messages(&mut self) {
        self.retain = true;
    }

    /// `Hash(messages so far || partial)` without committing `partial`: the hash a PSK
    /// binder covers before the suite is known (RFC 8446 §4.2.11.2, the truncated
    /// ClientHello).
    pub fn hash_with_partial(&self, hash: &dyn Hash, partial: &[u8]) -> Digest {
        let mut ctx = hash.start();
        ctx.update(&self.messages);
        ctx.update(partial);
        ctx.finish()
    }

    /// Starts hashing with `hash`, absorbing everything buffered.
    pub fn start(self, hash: &'static dyn Hash) -> TranscriptHash {
        let mut ctx = hash.start();
        ctx.update(&self.messages);
        TranscriptHash {
            hash,
            ctx,
            retained: if self.retain {
                Some(self.messages)
            } else {
                None
            },
        }
    }

    /// [`HandshakeHashBuffer::start`] with the provider's `algorithm`.
    pub fn start_with(
        self,
        provider: &dyn CryptoProvider,
        algorithm: HashAlgorithm,
    ) -> Result<TranscriptHash, KeyScheduleError> {
        let hash = provider
            .hash(algorithm)
            .ok_or(KeyScheduleError::UnsupportedHash(algorithm))?;
        Ok(self.start(hash))
    }
}

impl fmt::Debug for HandshakeHashBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HandshakeHashBuffer")
            .field("buffered_bytes", &self.messages.len())
            .field("retain", &self.retain)
            .finish()
    }
}

/// A running transcript hash with a known hash function. Cloning forks it.
pub struct TranscriptHash {
    hash: &'static dyn Hash,
    ctx: Box<dyn HashContext>,
    retained: Option<Vec<u8>>,
}

impl TranscriptHash {
    /// An empty transcript hashed with `hash`.
    pub fn new(hash: &'static dyn Hash) -> Self {
        TranscriptHash {
            hash,
            ctx: hash.start(),
            retained: None,
        }
    }

    /// The transcript a server rebuilds from a stateless HelloRetryRequest cookie: it
    /// starts with `message_hash` over `client_hello1_hash` (RFC 8446 §4.4.1).
    pub fn starting_with_message_hash(
        hash: &'static dyn Hash,
        client_hello1_hash: &Digest,
    ) -> Result<Self, KeyScheduleError> {
        let expected = hash.algorithm().output_len();
        let got = client_hello1_hash.as_bytes().len();
        if got != expected {
            return Err(KeyScheduleError::HashLengthMismatch { expected, got });
        }
        let mut transcript = TranscriptHash::new(hash);
        transcript.add_message_hash(client_hello1_hash);
        Ok(transcript)
    }

    /// The hash algorithm.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.hash.algorithm()
    }

    /// Appends one whole handshake message.
    pub fn add_message(&mut self, message: &[u8]) {
        self.ctx.update(message);
        if let Some(retained) = &mut self.retained {
            retained.extend_from_slice(message);
        }
    }

    /// `Transcript-Hash` of everything added so far.
    pub fn current(&self) -> Digest {
        self.ctx.current()
    }

    /// `Transcript-Hash(messages so far || partial)` without committing `partial` (the
    /// truncated second ClientHello a PSK binder covers after a HelloRetryRequest,
    /// RFC 8446 §4.2.11.2).
    pub fn current_with_partial(&self, partial: &[u8]) -> Digest {
        let mut ctx = self.ctx.fork();
        ctx.update(partial);
        ctx.finish()
    }

    /// RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 is replaced by
    /// `message_hash(254) || 00 00 Hash.length || Hash(ClientHello1)`. Call this when the
    /// transcript holds exactly ClientHello1, before adding the HelloRetryRequest.
    pub fn replace_with_message_hash(&mut self) {
        let client_hello1_hash = self.current();
        self.ctx = self.hash.start();
        if let Some(retained) = &mut self.retained {
            retained.clear();
        }
        self.add_message_hash(&client_hello1_hash);
    }

    fn add_message_hash(&mut self, digest: &Digest) {
        let bytes = digest.as_bytes();
        // Hash lengths are at most 64, so the 24-bit length is `00 00 len`.
        let header = [MESSAGE_HASH_TYPE, 0, 0, bytes.len() as u8];
        self.add_message(&header);
        self.add_message(bytes);
    }

    /// The raw messages, when [`HandshakeHashBuffer::retain_messages`] asked for them.
    pub fn retained_messages(&self) -> Option<&[u8]> {
        self.retained.as_deref()
    }

    /// Stops keeping raw messages (once the TLS 1.2 CertificateVerify is done or known
    /// not to come).
    pub fn stop_retaining(&mut self) {
        self.retained = None;
    }
}

impl Clone for TranscriptHash {
    fn clone(&self) -> Self {
        TranscriptHash {
            hash: self.hash,
            ctx: self.ctx.fork(),
            retained: self.retained.clone(),
        }
    }
}

impl fmt::Debug for TranscriptHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TranscriptHash")
            .field("algorithm", &self.algorithm())
            .field("retained_bytes", &self.retained.as_ref().map(|r| r.len()))
            .finish()
    }
}
