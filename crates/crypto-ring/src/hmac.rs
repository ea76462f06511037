//! HMAC (RFC 2104) over `ring::hmac` and HKDF (RFC 5869) over `ring::hkdf`.

use ring::{hkdf, hmac};
use tlskit_crypto::{CryptoError, HashAlgorithm, Hkdf, Hmac, HmacKey, Secret, Tag};

/// HMAC with one of ring's hashes.
#[derive(Debug)]
pub struct RingHmac {
    ours: HashAlgorithm,
    ring: hmac::Algorithm,
}

pub(crate) static HMAC_SHA256: RingHmac = RingHmac {
    ours: HashAlgorithm::Sha256,
    ring: hmac::HMAC_SHA256,
};
pub(crate) static HMAC_SHA384: RingHmac = RingHmac {
    ours: HashAlgorithm::Sha384,
    ring: hmac::HMAC_SHA384,
};
pub(crate) static HMAC_SHA512: RingHmac = RingHmac {
    ours: HashAlgorithm::Sha512,
    ring: hmac::HMAC_SHA512,
};

/// The ring HMAC for `algorithm`.
pub(crate) fn lookup(algorithm: HashAlgorithm) -> &'static RingHmac {
    match algorithm {
        HashAlgorithm::Sha256 => &HMAC_SHA256,
        HashAlgorithm::Sha384 => &HMAC_SHA384,
        HashAlgorithm::Sha512 => &HMAC_SHA512,
    }
}

impl Hmac for RingHmac {
    fn hash_algorithm(&self) -> HashAlgorithm {
        self.ours
    }

    fn with_key(&self, key: &[u8]) -> Result<Box<dyn HmacKey>, CryptoError> {
        Ok(Box::new(RingHmacKey {
            key: hmac::Key::new(self.ring, key),
            tag_len: self.ours.output_len(),
        }))
    }

    fn mac(&self, key: &[u8], data: &[&[u8]]) -> Result<Tag, CryptoError> {
        Ok(sign_parts(&hmac::Key::new(self.ring, key), data))
    }
}

/// HMAC over the concatenation of `data`.
fn sign_parts(key: &hmac::Key, data: &[&[u8]]) -> Tag {
    let mut ctx = hmac::Context::with_key(key);
    for part in data {
        ctx.update(part);
    }
    Tag::new(ctx.sign().as_ref())
}

/// A prepared ring HMAC key (ring keeps the inner and outer pad states, not the key).
struct RingHmacKey {
    key: hmac::Key,
    tag_len: usize,
}

impl HmacKey for RingHmacKey {
    fn sign(&self, data: &[&[u8]]) -> Tag {
        sign_parts(&self.key, data)
    }

    fn tag_len(&self) -> usize {
        self.tag_len
    }
}

/// HKDF with one of ring's hashes.
#[derive(Debug)]
pub struct RingHkdf {
    hmac: &'static RingHmac,
    ring: hkdf::Algorithm,
}

pub(crate) static HKDF_SHA256: RingHkdf = RingHkdf {
    hmac: &HMAC_SHA256,
    ring: hkdf::HKDF_SHA256,
};
pub(crate) static HKDF_SHA384: RingHkdf = RingHkdf {
    hmac: &HMAC_SHA384,
    ring: hkdf::HKDF_SHA384,
};
pub(crate) static HKDF_SHA512: RingHkdf = RingHkdf {
    hmac: &HMAC_SHA512,
    ring: hkdf::HKDF_SHA512,
};

/// The ring HKDF for `algorithm`.
pub(crate) fn lookup_hkdf(algorithm: HashAlgorithm) -> &'static RingHkdf {
    match algorithm {
        HashAlgorithm::Sha256 => &HKDF_SHA256,
        HashAlgorithm::Sha384 => &HKDF_SHA384,
        HashAlgorithm::Sha512 => &HKDF_SHA512,
    }
}

/// An output length for `ring::hkdf::Prk::expand`.
struct OutLen(usize);

impl hkdf::KeyType for OutLen {
    fn len(&self) -> usize {
        self.0
    }
}

impl Hkdf for RingHkdf {
    fn hash_algorithm(&self) -> HashAlgorithm {
        self.hmac.ours
    }

    /// RFC 5869 §2.2. ring's `Salt::extract` hides the PRK, and TLS 1.3 needs its bytes
    /// (the key schedule feeds it back as a secret), so extract is one ring HMAC.
    fn extract(&self, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError> {
        tlskit_crypto::hkdf::hkdf_extract_with(self.hmac, salt, ikm)
    }

    /// RFC 5869 §2.3 with ring's expand.
    fn expand(&self, prk: &[u8], info: &[&[u8]], out: &mut [u8]) -> Result<(), CryptoError> {
        let hash_len = self.hmac.ours.output_len();
        if prk.len() < hash_len || out.len() > 255 * hash_len {
            return Err(CryptoError::InvalidInput);
        }
        hkdf::Prk::new_less_safe(self.ring, prk)
            .expand(info, OutLen(out.len()))
            .and_then(|okm| okm.fill(out))
            .map_err(|_| CryptoError::InvalidInput)
    }
}
