//! # tlskit-crypto-rustcrypto
//!
//! A [`CryptoProvider`] built on the pure-Rust RustCrypto crates: `sha2`, `hmac`, `hkdf`,
//! `aes-gcm`, `chacha20poly1305`, `x25519-dalek`, `p256`, `p384`, `ecdsa`, `rsa` and
//! `ed25519-dalek`, with the operating system's RNG through `getrandom`.
//!
//! ```
//! use tlskit_crypto::{AeadAlgorithm, CryptoProvider};
//! let provider = tlskit_crypto_rustcrypto::provider();
//! assert_eq!(provider.name(), "rustcrypto");
//! assert!(provider.aead(AeadAlgorithm::Aes128Gcm).is_some());
//! ```
//!
//! Everything the trait names is implemented; see [`RustCryptoProvider::notes`] and the
//! crate README for policy choices (RSA sizes, key formats).

#![forbid(unsafe_code)]

mod aead;
mod hash;
mod hkdf;
mod hmac;
mod kx;
mod rng;
mod sign;
mod verify;

use std::sync::Arc;
use tlskit_crypto::{
    Aead, AeadAlgorithm, CryptoError, CryptoProvider, Hash, HashAlgorithm, Hkdf, Hmac, KeyExchange,
    NamedGroup, PrivateKeyDer, SignatureScheme, SigningKey, VerifyAlgorithm,
};

/// The RustCrypto provider. Zero-sized: every algorithm object is a `static`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RustCryptoProvider;

/// The provider value, for `&'static dyn CryptoProvider` use.
pub static PROVIDER: RustCryptoProvider = RustCryptoProvider;

/// The provider as a trait object (what `tlskit-providers` hands out for `"rustcrypto"`).
pub fn provider() -> &'static dyn CryptoProvider {
    &PROVIDER
}

/// Limitations and policy choices, shown in capability reports.
const NOTES: &[&str] = &[
    "RSA: moduli of 2048..=8192 bits only, for verifying and for signing keys; others are Unsupported",
    "RSA: id-RSASSA-PSS private keys (rsa_pss_pss_* schemes) are not loaded; id-RSASSA-PSS SPKIs verify PSS with salt = hash length, their parameters are not checked",
    "ECDSA: signatures use RFC 6979 nonces hedged with fresh randomness; verification accepts high-S",
    "sha2 0.11 has no `asm` feature: SHA-NI / AVX2 are selected at run time instead",
];

impl CryptoProvider for RustCryptoProvider {
    fn name(&self) -> &'static str {
        "rustcrypto"
    }

    fn description(&self) -> String {
        "RustCrypto (aes-gcm 0.11, chacha20poly1305 0.11, sha2 0.11, hmac 0.13, hkdf 0.13, \
         x25519-dalek 3, p256/p384 0.14, ecdsa 0.17, rsa 0.10, ed25519-dalek 3)"
            .to_string()
    }

    fn hash(&self, algorithm: HashAlgorithm) -> Option<&'static dyn Hash> {
        Some(hash::hash(algorithm))
    }

    fn hmac(&self, algorithm: HashAlgorithm) -> Option<&'static dyn Hmac> {
        Some(hmac::hmac(algorithm))
    }

    fn hkdf(&self, algorithm: HashAlgorithm) -> Option<&'static dyn Hkdf> {
        Some(hkdf::hkdf(algorithm))
    }

    fn aead(&self, algorithm: AeadAlgorithm) -> Option<&'static dyn Aead> {
        Some(aead::aead(algorithm))
    }

    fn key_exchange(&self, group: NamedGroup) -> Option<&'static dyn KeyExchange> {
        Some(kx::key_exchange(group))
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
        rng::fill_random(out)
    }

    fn notes(&self) -> &'static [&'static str] {
        NOTES
    }

    fn supported_signing_schemes(&self) -> &'static [SignatureScheme] {
        &SignatureScheme::ALL
    }

    fn supported_verify_algorithms(&self) -> &'static [VerifyAlgorithm] {
        &VerifyAlgorithm::ALL
    }
}
