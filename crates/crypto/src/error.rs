//! The one error type of the provider interface.

use std::fmt;

/// What went wrong in a crypto operation.
///
/// The variants are deliberately coarse: an AEAD open failure or a bad signature must not
/// reveal *why* it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CryptoError {
    /// The backend does not implement this algorithm or key format (see its capabilities).
    Unsupported(&'static str),
    /// A key (symmetric key, private key, public key) is malformed or of the wrong size.
    InvalidKey,
    /// An input other than a key is malformed (wrong nonce length, output too long, …).
    InvalidInput,
    /// AEAD authentication failed: the record was forged or corrupted.
    DecryptFailed,
    /// A signature did not verify.
    BadSignature,
    /// The peer's key-exchange public value is invalid (off the curve, wrong length,
    /// or it yields an all-zero X25519 secret).
    InvalidPeerKey,
    /// The random number generator failed.
    Rng,
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CryptoError::Unsupported(what) => write!(f, "unsupported by this provider: {what}"),
            CryptoError::InvalidKey => f.write_str("invalid key"),
            CryptoError::InvalidInput => f.write_str("invalid input"),
            CryptoError::DecryptFailed => f.write_str("AEAD authentication failed"),
            CryptoError::BadSignature => f.write_str("signature verification failed"),
            CryptoError::InvalidPeerKey => f.write_str("invalid peer key-exchange value"),
            CryptoError::Rng => f.write_str("random number generator failed"),
        }
    }
}

impl std::error::Error for CryptoError {}
