//! Checks that the provider test kit fails providers that misbehave and skips (with a
//! reason) what a provider does not offer, using ring as the honest baseline.

use std::sync::Arc;
use tlskit_crypto::testkit::{keys, wycheproof};
use tlskit_crypto::{
    Aead, AeadAlgorithm, CryptoError, CryptoProvider, Hash, HashAlgorithm, Hkdf, Hmac, KeyExchange,
    NamedGroup, PrivateKeyDer, SignatureScheme, SigningKey, VerifyAlgorithm,
};

/// ring, except that every signature verifies.
#[derive(Debug)]
struct AcceptsEverySignature;

impl CryptoProvider for AcceptsEverySignature {
    fn name(&self) -> &'static str {
        "accepts-every-signature"
    }
    fn description(&self) -> String {
        "ring with a broken verifier (test only)".into()
    }
    fn hash(&self, a: HashAlgorithm) -> Option<&'static dyn Hash> {
        tlskit_crypto_ring::PROVIDER.hash(a)
    }
    fn hmac(&self, a: HashAlgorithm) -> Option<&'static dyn Hmac> {
        tlskit_crypto_ring::PROVIDER.hmac(a)
    }
    fn hkdf(&self, a: HashAlgorithm) -> Option<&'static dyn Hkdf> {
        tlskit_crypto_ring::PROVIDER.hkdf(a)
    }
    fn aead(&self, a: AeadAlgorithm) -> Option<&'static dyn Aead> {
        tlskit_crypto_ring::PROVIDER.aead(a)
    }
    fn key_exchange(&self, g: NamedGroup) -> Option<&'static dyn KeyExchange> {
        tlskit_crypto_ring::PROVIDER.key_exchange(g)
    }
    fn load_signing_key(&self, key: &PrivateKeyDer) -> Result<Arc<dyn SigningKey>, CryptoError> {
        tlskit_crypto_ring::PROVIDER.load_signing_key(key)
    }
    fn verify(&self, _: VerifyAlgorithm, _: &[u8], _: &[u8], _: &[u8]) -> Result<(), CryptoError> {
        Ok(())
    }
    fn fill_random(&self, out: &mut [u8]) -> Result<(), CryptoError> {
        tlskit_crypto_ring::PROVIDER.fill_random(out)
    }
    fn supported_signing_schemes(&self) -> &'static [SignatureScheme] {
        tlskit_crypto_ring::PROVIDER.supported_signing_schemes()
    }
    fn supported_verify_algorithms(&self) -> &'static [VerifyAlgorithm] {
        tlskit_crypto_ring::PROVIDER.supported_verify_algorithms()
    }
}

/// A provider that offers nothing at all.
#[derive(Debug)]
struct OffersNothing;

impl CryptoProvider for OffersNothing {
    fn name(&self) -> &'static str {
        "offers-nothing"
    }
    fn description(&self) -> String {
        "an empty provider (test only)".into()
    }
    fn hash(&self, _: HashAlgorithm) -> Option<&'static dyn Hash> {
        None
    }
    fn hmac(&self, _: HashAlgorithm) -> Option<&'static dyn Hmac> {
        None
    }
    fn hkdf(&self, _: HashAlgorithm) -> Option<&'static dyn Hkdf> {
        None
    }
    fn aead(&self, _: AeadAlgorithm) -> Option<&'static dyn Aead> {
        None
    }
    fn key_exchange(&self, _: NamedGroup) -> Option<&'static dyn KeyExchange> {
        None
    }
    fn load_signing_key(&self, _: &PrivateKeyDer) -> Result<Arc<dyn SigningKey>, CryptoError> {
        Err(CryptoError::Unsupported("nothing"))
    }
    fn verify(&self, _: VerifyAlgorithm, _: &[u8], _: &[u8], _: &[u8]) -> Result<(), CryptoError> {
        Err(CryptoError::Unsupported("nothing"))
    }
    fn fill_random(&self, _: &mut [u8]) -> Result<(), CryptoError> {
        Err(CryptoError::Rng)
    }
    fn supported_signing_schemes(&self) -> &'static [SignatureScheme] {
        &[]
    }
    fn supported_verify_algorithms(&self) -> &'static [VerifyAlgorithm] {
        &[]
    }
}

#[test]
fn testkit_fails_a_verifier_that_accepts_everything() {
    let p = &AcceptsEverySignature;
    for outcome in [
        wycheproof::ecdsa_secp256r1_sha256(p),
        wycheproof::ed25519(p),
        wycheproof::rsa_pss_2048_sha256_mgf1_32(p),
        wycheproof::rsa_signature_2048_sha256(p),
    ] {
        assert!(
            outcome.unexpected.len() > 10 && outcome.check().is_err(),
            "{outcome}"
        );
        assert!(outcome.unexpected[0].contains("invalid vector was accepted"));
    }
    assert!(keys::sign_roundtrip_p256(p).is_err());
    assert!(keys::sign_roundtrip_wrong_key_type(p).is_err());
    assert!(tlskit_crypto::testkit::kat::capabilities_consistent(p).is_err());
    // What it does right still passes.
    assert_eq!(wycheproof::aes_gcm(p).check(), Ok(()));
    assert_eq!(tlskit_crypto::testkit::kat::hmac_rfc4231(p), Ok(()));
}

#[test]
fn testkit_skips_what_a_provider_lacks_with_reasons() {
    let p = &OffersNothing;
    for outcome in wycheproof::RUNNERS.iter().map(|(_, run)| run(p)) {
        assert_eq!(outcome.skipped, outcome.run, "{outcome}");
        assert!(outcome.unexpected.is_empty(), "{outcome}");
        assert!(
            outcome.skip_reasons.keys().all(|r| r.contains("provider")
                || r.contains("not a TLS cipher")
                || r.contains("not 12 bytes")),
            "{outcome}"
        );
        assert_eq!(outcome.check(), Ok(()));
    }
    assert_eq!(tlskit_crypto::testkit::kat::sha2(p), Ok(()));
    assert_eq!(tlskit_crypto::testkit::kat::x25519_rfc7748(p), Ok(()));
    assert_eq!(keys::sign_roundtrip_rsa2048(p), Ok(()));
    assert_eq!(keys::key_loading_p256_sec1_pem(p), Ok(()));
    assert!(tlskit_crypto::testkit::kat::random(p).is_err());
}
