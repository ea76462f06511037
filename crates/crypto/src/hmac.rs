//! HMAC (RFC 2104) with a key set up once and used many times (the TLS 1.2 PRF and the
//! TLS 1.3 HKDF calls reuse one key for several blocks).

use crate::{CryptoError, HashAlgorithm};
use std::fmt;

/// An HMAC tag, up to 64 bytes inline.
pub type Tag = crate::Digest;

/// HMAC over one hash function.
pub trait Hmac: Send + Sync + fmt::Debug {
    /// The underlying hash.
    fn hash_algorithm(&self) -> HashAlgorithm;

    /// Prepares a key (any length, per RFC 2104).
    fn with_key(&self, key: &[u8]) -> Result<Box<dyn HmacKey>, CryptoError>;

    /// One-shot HMAC of the concatenation of `data`.
    fn mac(&self, key: &[u8], data: &[&[u8]]) -> Result<Tag, CryptoError> {
        Ok(self.with_key(key)?.sign(data))
    }
}

/// A prepared HMAC key.
pub trait HmacKey: Send + Sync {
    /// HMAC of the concatenation of the `data` slices.
    fn sign(&self, data: &[&[u8]]) -> Tag;

    /// Tag length in bytes.
    fn tag_len(&self) -> usize;
}

impl fmt::Debug for dyn HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacKey(redacted)")
    }
}
