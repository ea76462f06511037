//! # tlskit-crypto-ring
//!
//! A [`CryptoProvider`] backed by [ring](https://github.com/briansmith/ring) 0.17: SHA-2,
//! HMAC, HKDF, AES-GCM and ChaCha20-Poly1305 sealing in place, X25519/P-256/P-384 ECDH,
//! ECDSA/Ed25519/RSA signing and verification, and ring's `SystemRandom`.
//!
//! What ring cannot do is listed in [`CryptoProvider::notes`] and the crate README.

#![forbid(unsafe_code)]

mod aead;
mod hash;
mod hmac;
mod kx;
mod sign;
mod verify;

use ring::rand::SecureRandom;
use std::sync::Arc;
use tlskit_crypto::{
    Aead, AeadAlgorithm, CryptoError, CryptoProvider, Hash, HashAlgorithm, Hkdf, Hmac, KeyExchange,
    NamedGroup, PrivateKeyDer, SignatureScheme, SigningKey, VerifyAlgorithm,
};

pub use aead::RingAead;
pub use hash::RingHash;
pub use hmac::{RingHkdf, RingHmac};
pub use kx::RingKx;

/// The ring provider (zero-sized; every algorithm object is a `static`).
#[derive(Debug, Clone, Copy, Default)]
pub struct RingProvider;

/// The one instance.
pub static PROVIDER: RingProvider = RingProvider;

/// The ring provider as a trait object, for `tlskit-providers`.
pub fn provider() -> &'static dyn CryptoProvider {
    &PROVIDER
}

/// The ring release this crate is written and measured against.
pub const RING_VERSION: &str = "0.17.14";

static NOTES: [&str; 7] = [
    "ECDSA verification with SHA-512 (P-256 and P-384) is not implemented by ring",
    "RSA verification accepts 2048- to 8192-bit moduli; RSA signing keys must be 2048 to 4096 bits",
    "SEC 1 EC keys are wrapped into PKCS#8 (ring reads only PKCS#8) and must name their curve",
    "Ed25519 PKCS#8 v1 keys (OpenSSL's format) carry no public key, so ring cannot cross-check it",
    "key-exchange private-key import (tests only) uses ring's deprecated test RNG `FixedSliceRandom`",
    "RSA-PSS signs and verifies only with salt length = hash length (RFC 8446 §4.2.3)",
    "ring does not zeroize its internal key state (AEAD key schedules, HMAC pads, private keys) on drop",
];

impl CryptoProvider for RingProvider {
    fn name(&self) -> &'static str {
        "ring"
    }

    fn description(&self) -> String {
        format!("ring {RING_VERSION}")
    }

    fn hash(&self, algorithm: HashAlgorithm) -> Option<&'static dyn Hash> {
        Some(hash::lookup(algorithm))
    }

    fn hmac(&self, algorithm: HashAlgorithm) -> Option<&'static dyn Hmac> {
        Some(hmac::lookup(algorithm))
    }

    fn hkdf(&self, algorithm: HashAlgorithm) -> Option<&'static dyn Hkdf> {
        Some(hmac::lookup_hkdf(algorithm))
    }

    fn aead(&self, algorithm: AeadAlgorithm) -> Option<&'static dyn Aead> {
        Some(aead::lookup(algorithm))
    }

    fn key_exchange(&self, group: NamedGroup) -> Option<&'static dyn KeyExchange> {
        Some(kx::lookup(group))
    }

    fn load_signing_key(&self, key: &PrivateKeyDer) -> Result<Arc<dyn SigningKey>, CryptoError> {
        sign::load(key)
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
        ring::rand::SystemRandom::new()
            .fill(out)
            .map_err(|_| CryptoError::Rng)
    }

    fn notes(&self) -> &'static [&'static str] {
        &NOTES
    }

    fn supported_signing_schemes(&self) -> &'static [SignatureScheme] {
        &SignatureScheme::ALL
    }

    fn supported_verify_algorithms(&self) -> &'static [VerifyAlgorithm] {
        &verify::SUPPORTED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_name_everything() {
        let caps = provider().capabilities();
        assert_eq!(caps.provider, "ring");
        assert_eq!(caps.aeads.len(), 3);
        assert_eq!(caps.groups.len(), 3);
        assert_eq!(caps.signing.len(), 9);
        assert_eq!(caps.verifying.len(), 11);
        assert!(!caps.notes.is_empty());
    }

    #[test]
    fn random_is_filled() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        provider().fill_random(&mut a).unwrap();
        provider().fill_random(&mut b).unwrap();
        assert_ne!(a, b);
    }
}
