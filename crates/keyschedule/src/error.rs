//! The one error type of the key schedule.

use std::fmt;
use tlskit_crypto::{CryptoError, HashAlgorithm};

/// What went wrong while deriving or checking key material.
///
/// Only [`KeyScheduleError::FinishedMismatch`] and [`KeyScheduleError::BinderMismatch`]
/// (both `decrypt_error`, RFC 8446 §6.2) and [`KeyScheduleError::BadExplicitNonce`]
/// (`bad_record_mac`) can be caused by a peer; every other variant is a local bug or a
/// provider limitation (`internal_error`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyScheduleError {
    /// The provider failed (or lacks an algorithm it was asked for).
    Crypto(CryptoError),
    /// The provider offers no hash or no HMAC for this algorithm.
    UnsupportedHash(HashAlgorithm),
    /// An HKDF label is empty or, with its `"tls13 "` prefix, longer than 255 bytes
    /// (RFC 8446 §7.1: `opaque label<7..255>`).
    InvalidLabelLength,
    /// An HKDF context longer than 255 bytes (RFC 8446 §7.1: `opaque context<0..255>`),
    /// or a TLS 1.2 exporter context of 2^16 bytes or more (RFC 5705 §4).
    ContextTooLong,
    /// More output was requested than the derivation can produce (HKDF: 255 × HashLen,
    /// RFC 5869 §2.3; `HkdfLabel.length` is a `uint16`).
    OutputTooLong,
    /// A transcript hash of the wrong length for this schedule's hash function.
    HashLengthMismatch {
        /// The schedule's hash length.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// A secret of the wrong length (a TLS 1.2 master secret is 48 bytes).
    SecretLengthMismatch {
        /// The length required.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// A TLS 1.2 exporter label that collides with a label TLS itself uses
    /// (RFC 5705 §4).
    ReservedExporterLabel,
    /// The peer's Finished `verify_data` is wrong (RFC 8446 §4.4.4, RFC 5246 §7.4.9):
    /// alert `decrypt_error`.
    FinishedMismatch,
    /// A PSK binder does not verify (RFC 8446 §4.2.11): alert `decrypt_error`.
    BinderMismatch,
    /// A TLS 1.2 AES-GCM record's explicit nonce is not 8 bytes, or a ChaCha20-Poly1305
    /// record was given one (RFC 5288 §3, RFC 7905 §2): alert `bad_record_mac`.
    BadExplicitNonce,
}

impl fmt::Display for KeyScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyScheduleError::Crypto(e) => write!(f, "crypto provider: {e}"),
            KeyScheduleError::UnsupportedHash(a) => {
                write!(f, "the provider has no hash or HMAC for {a:?}")
            }
            KeyScheduleError::InvalidLabelLength => {
                f.write_str("HKDF label must be 1..=249 bytes (7..=255 with \"tls13 \")")
            }
            KeyScheduleError::ContextTooLong => f.write_str("context too long"),
            KeyScheduleError::OutputTooLong => f.write_str("requested output too long"),
            KeyScheduleError::HashLengthMismatch { expected, got } => write!(
                f,
                "transcript hash of {got} bytes given to a schedule hashing to {expected}"
            ),
            KeyScheduleError::SecretLengthMismatch { expected, got } => {
                write!(f, "secret of {got} bytes where {expected} are required")
            }
            KeyScheduleError::ReservedExporterLabel => {
                f.write_str("exporter label reserved by TLS (RFC 5705 §4)")
            }
            KeyScheduleError::FinishedMismatch => f.write_str("Finished verify_data mismatch"),
            KeyScheduleError::BinderMismatch => f.write_str("PSK binder mismatch"),
            KeyScheduleError::BadExplicitNonce => f.write_str("bad explicit record nonce"),
        }
    }
}

impl std::error::Error for KeyScheduleError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            KeyScheduleError::Crypto(e) => Some(e),
            _ => None,
        }
    }
}

impl From<CryptoError> for KeyScheduleError {
    fn from(e: CryptoError) -> Self {
        KeyScheduleError::Crypto(e)
    }
}
