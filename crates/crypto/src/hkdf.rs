//! HKDF (RFC 5869): extract and expand.
//!
//! [`HmacHkdf`] implements HKDF generically over any provider's [`Hmac`]; backends with a
//! native HKDF may offer their own [`Hkdf`].

use crate::{CryptoError, HashAlgorithm, Hmac, Secret};
use std::fmt;

/// HKDF over one hash function.
pub trait Hkdf: Send + Sync + fmt::Debug {
    /// The underlying hash.
    fn hash_algorithm(&self) -> HashAlgorithm;

    /// HKDF-Extract(salt, IKM) → PRK (RFC 5869 §2.2). An empty salt means HashLen zeros.
    fn extract(&self, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError>;

    /// HKDF-Expand(PRK, info, L) into `out` (RFC 5869 §2.3); `info` is the concatenation of
    /// the slices. Fails if `out` is longer than 255 × HashLen or the PRK is shorter than
    /// HashLen.
    fn expand(&self, prk: &[u8], info: &[&[u8]], out: &mut [u8]) -> Result<(), CryptoError>;
}

/// HKDF built from an [`Hmac`] (what every backend can offer).
#[derive(Debug)]
pub struct HmacHkdf(pub &'static dyn Hmac);

impl Hkdf for HmacHkdf {
    fn hash_algorithm(&self) -> HashAlgorithm {
        self.0.hash_algorithm()
    }

    fn extract(&self, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError> {
        hkdf_extract_with(self.0, salt, ikm)
    }

    fn expand(&self, prk: &[u8], info: &[&[u8]], out: &mut [u8]) -> Result<(), CryptoError> {
        hkdf_expand_with(self.0, prk, info, out)
    }
}

/// RFC 5869 §2.2 over any HMAC.
pub fn hkdf_extract_with(hmac: &dyn Hmac, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError> {
    let zeros = [0u8; 64];
    let hash_len = hmac.hash_algorithm().output_len();
    let salt = if salt.is_empty() {
        &zeros[..hash_len]
    } else {
        salt
    };
    let prk = hmac.mac(salt, &[ikm])?;
    Secret::new(prk.as_bytes())
}

/// RFC 5869 §2.3 over any HMAC.
pub fn hkdf_expand_with(
    hmac: &dyn Hmac,
    prk: &[u8],
    info: &[&[u8]],
    out: &mut [u8],
) -> Result<(), CryptoError> {
    let hash_len = hmac.hash_algorithm().output_len();
    if prk.len() < hash_len || out.len() > 255 * hash_len {
        return Err(CryptoError::InvalidInput);
    }
    let key = hmac.with_key(prk)?;
    // T(0) is empty; T(i) = HMAC(PRK, T(i-1) || info || i).
    let mut previous = crate::Digest::new(&[]);
    for (i, chunk) in out.chunks_mut(hash_len).enumerate() {
        let counter = [(i + 1) as u8];
        let mut parts: Vec<&[u8]> = Vec::with_capacity(info.len() + 2);
        parts.push(previous.as_bytes());
        parts.extend_from_slice(info);
        parts.push(&counter);
        let t = key.sign(&parts);
        drop(parts);
        chunk.copy_from_slice(&t.as_bytes()[..chunk.len()]);
        previous = t;
    }
    Ok(())
}
