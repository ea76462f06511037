//! HMAC (RFC 2104) over OpenSSL's SHA-2 contexts, with the key prepared once.
//!
//! `with_key` absorbs `K ⊕ ipad` and `K ⊕ opad` into two digest contexts; every `sign`
//! copies those two prepared states (`EVP_MD_CTX_copy_ex`) instead of re-deriving the padded
//! key, re-fetching the digest, or building an `EVP_PKEY`/`EVP_MAC` context per call. This
//! is the same precomputation OpenSSL's own `HMAC_Init_ex` does, minus the per-call setup.

use crate::algorithms;
use crate::hash::{finish, fresh_hasher, update};
use openssl::hash::Hasher;
use tlskit_crypto::{CryptoError, HashAlgorithm, Hmac, HmacKey, Tag};
use zeroize::Zeroize;

/// The longest SHA-2 block (SHA-384/512), RFC 2104's `B`.
const MAX_BLOCK_LEN: usize = 128;

/// HMAC over one SHA-2 function.
#[derive(Debug)]
pub(crate) struct OpensslHmac {
    pub(crate) algorithm: HashAlgorithm,
}

pub(crate) static HMAC_SHA256: OpensslHmac = OpensslHmac {
    algorithm: HashAlgorithm::Sha256,
};
pub(crate) static HMAC_SHA384: OpensslHmac = OpensslHmac {
    algorithm: HashAlgorithm::Sha384,
};
pub(crate) static HMAC_SHA512: OpensslHmac = OpensslHmac {
    algorithm: HashAlgorithm::Sha512,
};

/// The static HMAC object for `algorithm`, if OpenSSL offers the digest.
pub(crate) fn for_algorithm(algorithm: HashAlgorithm) -> Option<&'static OpensslHmac> {
    algorithms::hasher_template(algorithm)?;
    Some(match algorithm {
        HashAlgorithm::Sha256 => &HMAC_SHA256,
        HashAlgorithm::Sha384 => &HMAC_SHA384,
        HashAlgorithm::Sha512 => &HMAC_SHA512,
    })
}

impl Hmac for OpensslHmac {
    fn hash_algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    fn with_key(&self, key: &[u8]) -> Result<Box<dyn HmacKey>, CryptoError> {
        Ok(Box::new(PreparedHmacKey::new(self.algorithm, key)))
    }
}

/// The inner and outer digest states after absorbing the padded key (RFC 2104 §2).
/// OpenSSL frees digest contexts with `OPENSSL_clear_free`, so the key-dependent states
/// are wiped when this is dropped.
struct PreparedHmacKey {
    algorithm: HashAlgorithm,
    inner: Hasher,
    outer: Hasher,
}

impl PreparedHmacKey {
    fn new(algorithm: HashAlgorithm, key: &[u8]) -> Self {
        let block_len = algorithm.block_len();
        // RFC 2104 §2: keys longer than B are hashed first; shorter ones are zero-padded.
        let mut padded = [0u8; MAX_BLOCK_LEN];
        if key.len() > block_len {
            let mut h = fresh_hasher(algorithm);
            update(&mut h, key);
            let digest = finish(&mut h);
            let bytes = digest.as_bytes();
            padded[..bytes.len()].copy_from_slice(bytes);
        } else {
            padded[..key.len()].copy_from_slice(key);
        }
        let mut pad = [0u8; MAX_BLOCK_LEN];

        for (p, k) in pad.iter_mut().zip(padded.iter()) {
            *p = k ^ 0x36;
        }
        let mut inner = fresh_hasher(algorithm);
        update(&mut inner, &pad[..block_len]);

        for (p, k) in pad.iter_mut().zip(padded.iter()) {
            *p = k ^ 0x5c;
        }
        let mut outer = fresh_hasher(algorithm);
        update(&mut outer, &pad[..block_len]);

        pad.zeroize();
        padded.zeroize();
        PreparedHmacKey {
            algorithm,
            inner,
            outer,
        }
    }
}

impl HmacKey for PreparedHmacKey {
    fn sign(&self, data: &[&[u8]]) -> Tag {
        let mut inner = self.inner.clone();
        for part in data {
            update(&mut inner, part);
        }
        let inner_digest = finish(&mut inner);
        let mut outer = self.outer.clone();
        update(&mut outer, inner_digest.as_bytes());
        finish(&mut outer)
    }

    fn tag_len(&self) -> usize {
        self.algorithm.output_len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        hex::decode(s).expect("test vector hex")
    }

    /// RFC 4231 §4.2 (test case 1) and §4.7 (test case 6: key longer than the block).
    #[test]
    fn rfc4231_known_answers() {
        let key1 = [0x0b; 20];
        let t1 = HMAC_SHA256.mac(&key1, &[b"Hi There"]).expect("mac");
        assert_eq!(
            t1.as_bytes(),
            unhex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        );
        let t1_512 = HMAC_SHA512.mac(&key1, &[b"Hi ", b"There"]).expect("mac");
        assert_eq!(
            t1_512.as_bytes(),
            unhex(
                "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde\
                 daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"
            )
        );

        let key6 = [0xaa; 131];
        let msg6: &[u8] = b"Test Using Larger Than Block-Size Key - Hash Key First";
        let t6 = HMAC_SHA384.mac(&key6, &[msg6]).expect("mac");
        assert_eq!(
            t6.as_bytes(),
            unhex(
                "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6\
                 0c2ef6ab4030fe8296248df163f44952"
            )
        );
    }

    #[test]
    fn prepared_key_is_reusable() {
        let key = HMAC_SHA256.with_key(b"key").expect("key");
        let a = key.sign(&[b"The quick brown fox jumps over the lazy dog"]);
        let b = key.sign(&[b"The quick brown fox ", b"jumps over the lazy dog"]);
        assert_eq!(a, b);
        assert_eq!(
            a.as_bytes(),
            unhex("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
        );
        assert_eq!(key.tag_len(), 32);
    }
}
