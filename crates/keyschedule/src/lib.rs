//! # tlskit-keyschedule
//!
//! Every key derivation of TLS 1.2 and TLS 1.3, as plain functions and small types over a
//! [`tlskit_crypto::CryptoProvider`]'s hash, HMAC and HKDF:
//!
//! - [`transcript`]: the handshake transcript hash — buffered until the suite's hash is
//!   known, incremental, forkable, with TLS 1.3's `message_hash` after a
//!   HelloRetryRequest (RFC 8446 §4.4.1).
//! - [`tls12`]: the PRF (RFC 5246 §5), master secret and extended master secret
//!   (RFC 7627), key block for AES-GCM (RFC 5288) and ChaCha20-Poly1305 (RFC 7905),
//!   Finished `verify_data`, exporters (RFC 5705).
//! - [`tls13`]: HKDF-Expand-Label and Derive-Secret, the Early → Handshake → Master
//!   chain of RFC 8446 §7.1 as types that each offer only their stage's derivations,
//!   traffic keys and IVs (§7.3), Finished keys, PSK binders, exporters (§7.5),
//!   resumption PSKs (§4.6.1), KeyUpdate (§7.2).
//! - [`nonce`]: per-record nonces (RFC 8446 §5.3, RFC 5288 §3, RFC 7905 §2).
//! - [`keylog`]: NSS key log lines (`SSLKEYLOGFILE`) for Wireshark.
//!
//! Secrets are [`tlskit_crypto::Secret`]s or types wrapping them: zeroized on drop,
//! `Debug` shows only their length. Finished messages and binders are compared in
//! constant time.
//!
//! Transcript hashes are passed as [`tlskit_crypto::Digest`]; a hash of the wrong length
//! for the schedule is an error, never a silent truncation.

#![forbid(unsafe_code)]

mod error;
pub mod keylog;
pub mod nonce;
pub mod tls12;
pub mod tls13;
pub mod transcript;
mod verify_data;

pub use error::KeyScheduleError;
pub use keylog::{KeyLog, KeyLogFile, KeyLogLabel, NoKeyLog};
pub use nonce::{Iv, Tls12Iv};
pub use transcript::{HandshakeHashBuffer, TranscriptHash};
pub use verify_data::VerifyData;

/// One end of a connection: whose secret, whose Finished, whose writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The client.
    Client,
    /// The server.
    Server,
}

impl Side {
    /// The other end.
    pub const fn peer(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
}
