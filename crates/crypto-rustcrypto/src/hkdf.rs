//! HKDF (RFC 5869) on the `hkdf` crate.

use std::fmt;
use std::marker::PhantomData;
use tlskit_crypto::{CryptoError, HashAlgorithm, Hkdf, Secret};
use zeroize::Zeroize;

/// HKDF over one `sha2` hash, one static value per algorithm.
pub(crate) struct RcHkdf<D> {
    algorithm: HashAlgorithm,
    _digest: PhantomData<fn() -> D>,
}

impl<D> RcHkdf<D> {
    const fn new(algorithm: HashAlgorithm) -> Self {
        RcHkdf {
            algorithm,
            _digest: PhantomData,
        }
    }
}

impl<D> fmt::Debug for RcHkdf<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RustCrypto HKDF-{:?}", self.algorithm)
    }
}

pub(crate) static HKDF_SHA256: RcHkdf<sha2::Sha256> = RcHkdf::new(HashAlgorithm::Sha256);
pub(crate) static HKDF_SHA384: RcHkdf<sha2::Sha384> = RcHkdf::new(HashAlgorithm::Sha384);
pub(crate) static HKDF_SHA512: RcHkdf<sha2::Sha512> = RcHkdf::new(HashAlgorithm::Sha512);

/// The HKDF for `algorithm`.
pub(crate) fn hkdf(algorithm: HashAlgorithm) -> &'static dyn Hkdf {
    match algorithm {
        HashAlgorithm::Sha256 => &HKDF_SHA256,
        HashAlgorithm::Sha384 => &HKDF_SHA384,
        HashAlgorithm::Sha512 => &HKDF_SHA512,
    }
}

impl<D> Hkdf for RcHkdf<D>
where
    D: hmac::EagerHash + 'static,
    hmac::Hmac<D>: hkdf::HmacImpl,
{
    fn hash_algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    /// RFC 5869 §2.2. An empty salt is HMAC with an empty key, which RFC 2104 pads to the
    /// same block as "HashLen zero bytes", so passing it through is exact.
    fn extract(&self, salt: &[u8], ikm: &[u8]) -> Result<Secret, CryptoError> {
        let (mut prk, _) = hkdf::GenericHkdf::<hmac::Hmac<D>>::extract(Some(salt), ikm);
        let secret = Secret::new(&prk);
        prk.as_mut_slice().zeroize();
        secret
    }

    /// RFC 5869 §2.3.
    fn expand(&self, prk: &[u8], info: &[&[u8]], out: &mut [u8]) -> Result<(), CryptoError> {
        let hkdf = hkdf::GenericHkdf::<hmac::Hmac<D>>::from_prk(prk)
            .map_err(|_| CryptoError::InvalidInput)?;
        hkdf.expand_multi_info(info, out)
            .map_err(|_| CryptoError::InvalidInput)
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

    // RFC 5869 appendix A.1 (SHA-256, basic) and A.3 (empty salt and info).
    #[test]
    fn kat_rfc5869_a1_a3() {
        let h = hkdf(HashAlgorithm::Sha256);
        let ikm = [0x0b; 22];
        let prk = h
            .extract(&unhex("000102030405060708090a0b0c"), &ikm)
            .unwrap();
        assert_eq!(
            prk.as_bytes(),
            unhex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
        );
        let mut okm = [0u8; 42];
        let info = unhex("f0f1f2f3f4f5f6f7f8f9");
        h.expand(prk.as_bytes(), &[&info[..3], &info[3..]], &mut okm)
            .unwrap();
        assert_eq!(
            okm.to_vec(),
            unhex(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf\
                 34007208d5b887185865"
            )
        );

        let prk = h.extract(&[], &ikm).unwrap();
        assert_eq!(
            prk.as_bytes(),
            unhex("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04")
        );
        h.expand(prk.as_bytes(), &[], &mut okm).unwrap();
        assert_eq!(
            okm.to_vec(),
            unhex(
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d\
                 9d201395faa4b61a96c8"
            )
        );
    }

    #[test]
    fn expand_limits() {
        let h = hkdf(HashAlgorithm::Sha256);
        let mut too_long = vec![0u8; 255 * 32 + 1];
        assert_eq!(
            h.expand(&[1; 32], &[], &mut too_long),
            Err(CryptoError::InvalidInput)
        );
        let mut max = vec![0u8; 255 * 32];
        assert!(h.expand(&[1; 32], &[], &mut max).is_ok());
        assert_eq!(
            h.expand(&[1; 31], &[], &mut [0; 8]),
            Err(CryptoError::InvalidInput)
        );
    }
}
