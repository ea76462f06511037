//! HMAC (RFC 2104) on the `hmac` crate. A key is absorbed once into the inner and outer
//! hash states ([`Hmac::with_key`]); each tag clones those states, so the TLS 1.2 PRF and
//! HKDF-Expand pay the key schedule once per key, not once per block.

use hmac::{KeyInit, Mac};
use std::fmt;
use std::marker::PhantomData;
use tlskit_crypto::{CryptoError, HashAlgorithm, Hmac, HmacKey, Tag};

/// HMAC over one `sha2` hash, one static value per algorithm.
pub(crate) struct RcHmac<D> {
    algorithm: HashAlgorithm,
    _digest: PhantomData<fn() -> D>,
}

impl<D> RcHmac<D> {
    const fn new(algorithm: HashAlgorithm) -> Self {
        RcHmac {
            algorithm,
            _digest: PhantomData,
        }
    }
}

impl<D> fmt::Debug for RcHmac<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RustCrypto HMAC-{:?}", self.algorithm)
    }
}

pub(crate) static HMAC_SHA256: RcHmac<sha2::Sha256> = RcHmac::new(HashAlgorithm::Sha256);
pub(crate) static HMAC_SHA384: RcHmac<sha2::Sha384> = RcHmac::new(HashAlgorithm::Sha384);
pub(crate) static HMAC_SHA512: RcHmac<sha2::Sha512> = RcHmac::new(HashAlgorithm::Sha512);

/// The HMAC for `algorithm`.
pub(crate) fn hmac(algorithm: HashAlgorithm) -> &'static dyn Hmac {
    match algorithm {
        HashAlgorithm::Sha256 => &HMAC_SHA256,
        HashAlgorithm::Sha384 => &HMAC_SHA384,
        HashAlgorithm::Sha512 => &HMAC_SHA512,
    }
}

impl<D> Hmac for RcHmac<D>
where
    D: hmac::EagerHash + 'static,
    hmac::Hmac<D>: Mac + KeyInit + Clone + Send + Sync,
{
    fn hash_algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    fn with_key(&self, key: &[u8]) -> Result<Box<dyn HmacKey>, CryptoError> {
        // RFC 2104 §2: any key length; longer keys are hashed first (done by the crate).
        let state =
            <hmac::Hmac<D> as KeyInit>::new_from_slice(key).map_err(|_| CryptoError::InvalidKey)?;
        Ok(Box::new(RcHmacKey {
            state,
            tag_len: self.algorithm.output_len(),
        }))
    }

    fn mac(&self, key: &[u8], data: &[&[u8]]) -> Result<Tag, CryptoError> {
        // One-shot: no need to box a keyed state.
        let mut state =
            <hmac::Hmac<D> as KeyInit>::new_from_slice(key).map_err(|_| CryptoError::InvalidKey)?;
        for part in data {
            state.update(part);
        }
        Ok(Tag::new(&state.finalize().into_bytes()))
    }
}

/// A keyed HMAC state (inner and outer hash states after absorbing the padded key).
/// The `hmac` crate's `zeroize` feature wipes it on drop.
struct RcHmacKey<D: hmac::EagerHash> {
    state: hmac::Hmac<D>,
    tag_len: usize,
}

impl<D> HmacKey for RcHmacKey<D>
where
    D: hmac::EagerHash + 'static,
    hmac::Hmac<D>: Mac + Clone + Send + Sync,
{
    fn sign(&self, data: &[&[u8]]) -> Tag {
        let mut state = self.state.clone();
        for part in data {
            state.update(part);
        }
        Tag::new(&state.finalize().into_bytes())
    }

    fn tag_len(&self) -> usize {
        self.tag_len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // RFC 4231 §4.3, test case 2 (key "Jefe").
    #[test]
    fn kat_rfc4231_case2() {
        let data: &[u8] = b"what do ya want for nothing?";
        let expected = [
            (
                HashAlgorithm::Sha256,
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                HashAlgorithm::Sha384,
                "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e\
                 8e2240ca5e69e2c78b3239ecfab21649",
            ),
            (
                HashAlgorithm::Sha512,
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554\
                 9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
            ),
        ];
        for (algorithm, tag) in expected {
            let h = hmac(algorithm);
            assert_eq!(h.mac(b"Jefe", &[data]).unwrap().as_bytes(), unhex(tag));
            // Split input and a reused key give the same tag.
            let key = h.with_key(b"Jefe").unwrap();
            assert_eq!(key.sign(&[&data[..4], &data[4..]]).as_bytes(), unhex(tag));
            assert_eq!(key.sign(&[data]).as_bytes(), unhex(tag));
            assert_eq!(key.tag_len(), algorithm.output_len());
        }
    }

    // RFC 4231 §4.7, test case 6: a key longer than the block size is hashed first.
    #[test]
    fn kat_rfc4231_case6_long_key() {
        let key = [0xaa; 131];
        let tag = hmac(HashAlgorithm::Sha256)
            .mac(
                &key,
                &[b"Test Using Larger Than Block-Size Key - Hash Key First"],
            )
            .unwrap();
        assert_eq!(
            tag.as_bytes(),
            unhex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        );
    }
}
