//! # tlskit-crypto-openssl
//!
//! A [`CryptoProvider`] on the system OpenSSL 3 library, through the `openssl` crate.
//!
//! ```
//! let provider = tlskit_crypto_openssl::provider();
//! assert_eq!(provider.name(), "openssl");
//! let sha256 = provider.hash(tlskit_crypto::HashAlgorithm::Sha256).expect("SHA-256");
//! assert_eq!(sha256.hash(b"").as_bytes().len(), 32);
//! ```
//!
//! How it uses OpenSSL (see the crate README for the whole picture):
//! - every `EVP_CIPHER` / `EVP_MD` is fetched once per process (module `algorithms`), never
//!   per record or per message: implicit fetches take global locks in OpenSSL 3
//!   (openssl#23388);
//! - an AEAD key owns two `EVP_CIPHER_CTX`s with the key schedule already set up; a record
//!   only sets the nonce, and nothing allocates per seal/open;
//! - hash contexts and HMAC keys are copies of prepared digest states;
//! - HKDF is tlskit's RFC 5869 construction over this crate's HMAC.
//!
//! OpenSSL 3.0 or newer is required (`EVP_*_fetch`).

#![forbid(unsafe_code)]

mod aead;
mod algorithms;
mod hash;
mod hmac;
mod kx;
mod sign;
mod verify;

use std::sync::Arc;
use tlskit_crypto::{
    Aead, AeadAlgorithm, CryptoError, CryptoProvider, Hash, HashAlgorithm, Hkdf, HmacHkdf,
    KeyExchange, NamedGroup, PrivateKeyDer, SignatureScheme, SigningKey, VerifyAlgorithm,
};

/// The OpenSSL backend. Stateless: the prepared algorithm objects live in process-wide
/// `OnceLock`s shared by every use. Use [`PROVIDER`] or [`provider()`].
#[derive(Debug)]
pub struct OpensslProvider {
    _private: (),
}

/// The provider value.
pub static PROVIDER: OpensslProvider = OpensslProvider { _private: () };

/// The provider as a trait object, for run-time selection by name.
pub fn provider() -> &'static dyn CryptoProvider {
    &PROVIDER
}

static HKDF_SHA256: HmacHkdf = HmacHkdf(&hmac::HMAC_SHA256);
static HKDF_SHA384: HmacHkdf = HmacHkdf(&hmac::HMAC_SHA384);
static HKDF_SHA512: HmacHkdf = HmacHkdf(&hmac::HMAC_SHA512);

/// `RAND_bytes` takes an `int` length; larger requests are filled in pieces.
const RAND_CHUNK: usize = 1 << 30;

impl CryptoProvider for OpensslProvider {
    fn name(&self) -> &'static str {
        "openssl"
    }

    fn description(&self) -> String {
        format!(
            "OpenSSL backend (system library via the openssl crate): {}",
            openssl::version::version()
        )
    }

    fn hash(&self, algorithm: HashAlgorithm) -> Option<&'static dyn Hash> {
        hash::for_algorithm(algorithm).map(|h| h as &'static dyn Hash)
    }

    fn hmac(&self, algorithm: HashAlgorithm) -> Option<&'static dyn tlskit_crypto::Hmac> {
        hmac::for_algorithm(algorithm).map(|h| h as &'static dyn tlskit_crypto::Hmac)
    }

    fn hkdf(&self, algorithm: HashAlgorithm) -> Option<&'static dyn Hkdf> {
        hmac::for_algorithm(algorithm)?;
        Some(match algorithm {
            HashAlgorithm::Sha256 => &HKDF_SHA256,
            HashAlgorithm::Sha384 => &HKDF_SHA384,
            HashAlgorithm::Sha512 => &HKDF_SHA512,
        })
    }

    fn aead(&self, algorithm: AeadAlgorithm) -> Option<&'static dyn Aead> {
        aead::for_algorithm(algorithm).map(|a| a as &'static dyn Aead)
    }

    fn key_exchange(&self, group: NamedGroup) -> Option<&'static dyn KeyExchange> {
        kx::for_group(group).map(|k| k as &'static dyn KeyExchange)
    }

    fn load_signing_key(&self, key: &PrivateKeyDer) -> Result<Arc<dyn SigningKey>, CryptoError> {
        sign::load_signing_key(key)
    }

    fn verify(
        &self,
        algorithm: VerifyAlgorithm,
        spki: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        verify::verify(algorithm, spki, message, signature)
    }

    fn fill_random(&self, out: &mut [u8]) -> Result<(), CryptoError> {
        for chunk in out.chunks_mut(RAND_CHUNK) {
            openssl::rand::rand_bytes(chunk).map_err(|_| CryptoError::Rng)?;
        }
        Ok(())
    }

    fn notes(&self) -> &'static [&'static str] {
        &[
            "requires OpenSSL 3.0 or newer (the system library; not vendored)",
            "RSA keys: 2048..=8192-bit modulus, odd exponent 3..=2^33-1, for signing and verifying",
            "ECDSA/ECDH public keys must be uncompressed points",
            "Ed25519 PKCS#8 (v1 and v2) is parsed by tlskit: OpenSSL 3.0 reads only v1",
            "id-RSASSA-PSS public keys verify with their parameters' restrictions; \
             id-RSASSA-PSS private keys are not loaded",
            "per-handshake asymmetric operations (key generation, X25519 derive, sign, verify) \
             use EVP_PKEY APIs that look up their implementations inside OpenSSL on each call; \
             only ciphers and digests are pre-fetched",
        ]
    }

    fn supported_signing_schemes(&self) -> &'static [SignatureScheme] {
        &SignatureScheme::ALL
    }

    fn supported_verify_algorithms(&self) -> &'static [VerifyAlgorithm] {
        &VerifyAlgorithm::ALL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_cover_everything_tlskit_defines() {
        let caps = provider().capabilities();
        assert_eq!(caps.provider, "openssl");
        assert_eq!(caps.hashes, HashAlgorithm::ALL.to_vec());
        assert_eq!(caps.hmacs, HashAlgorithm::ALL.to_vec());
        assert_eq!(caps.hkdfs, HashAlgorithm::ALL.to_vec());
        assert_eq!(caps.aeads, AeadAlgorithm::ALL.to_vec());
        assert_eq!(caps.groups, NamedGroup::ALL.to_vec());
        assert_eq!(caps.signing.len(), SignatureScheme::ALL.len());
        assert_eq!(caps.verifying.len(), VerifyAlgorithm::ALL.len());
        assert!(provider().description().contains("OpenSSL 3"));
    }

    #[test]
    fn random_bytes_are_filled_and_differ() {
        let mut a = [0u8; 64];
        let mut b = [0u8; 64];
        provider().fill_random(&mut a).expect("rng");
        provider().fill_random(&mut b).expect("rng");
        assert_ne!(a, b);
        provider().fill_random(&mut []).expect("empty request");
    }

    /// RFC 5869 §A.1 (test case 1) and §A.2 extract, through the provider's HKDF.
    #[test]
    fn rfc5869_hkdf_known_answer() {
        let hkdf = provider().hkdf(HashAlgorithm::Sha256).expect("hkdf");
        let ikm = [0x0b; 22];
        let salt = hex::decode("000102030405060708090a0b0c").expect("hex");
        let info = hex::decode("f0f1f2f3f4f5f6f7f8f9").expect("hex");
        let prk = hkdf.extract(&salt, &ikm).expect("extract");
        assert_eq!(
            hex::encode(prk.as_bytes()),
            "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"
        );
        let mut okm = [0u8; 42];
        hkdf.expand(prk.as_bytes(), &[&info[..4], &info[4..]], &mut okm)
            .expect("expand");
        assert_eq!(
            hex::encode(okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf\
             34007208d5b887185865"
        );
    }
}
