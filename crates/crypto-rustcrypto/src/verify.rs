//! Signature verification from a DER SubjectPublicKeyInfo, for every
//! [`VerifyAlgorithm`]: ECDSA (RFC 5480, DER `Ecdsa-Sig-Value`), RSASSA-PKCS1-v1_5 and
//! RSASSA-PSS (RFC 8017 §8), Ed25519 (RFC 8032).

use crate::hash::hash;
use ecdsa::signature::hazmat::PrehashVerifier;
use std::ops::RangeInclusive;
use tlskit_crypto::der::{tag, DerReader};
use tlskit_crypto::{
    CryptoError, Curve, HashAlgorithm, PublicKeyAlgorithm, SubjectPublicKeyInfo, VerifyAlgorithm,
};

/// RSA modulus sizes this backend accepts, for verifying and for signing keys.
pub(crate) const RSA_MODULUS_BITS: RangeInclusive<usize> = 2048..=8192;

/// Verifies `signature` over `message` with the key in `spki`.
pub(crate) fn verify(
    algorithm: VerifyAlgorithm,
    spki: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    let spki = SubjectPublicKeyInfo::from_der(spki)?;
    match (algorithm, spki.algorithm) {
        (VerifyAlgorithm::Ecdsa { curve, hash }, PublicKeyAlgorithm::Ec(key_curve))
            if curve == key_curve =>
        {
            let digest = crate::hash::hash(hash).hash(message);
            match curve {
                Curve::P256 => verify_ecdsa_p256(spki.key, digest.as_bytes(), signature),
                Curve::P384 => verify_ecdsa_p384(spki.key, digest.as_bytes(), signature),
            }
        }
        (VerifyAlgorithm::RsaPkcs1 { hash }, PublicKeyAlgorithm::Rsa) => {
            verify_rsa(spki.key, RsaPadding::Pkcs1, hash, message, signature)
        }
        // An id-RSASSA-PSS key may only make PSS signatures (RFC 4055 §1.2).
        (
            VerifyAlgorithm::RsaPss { hash },
            PublicKeyAlgorithm::Rsa | PublicKeyAlgorithm::RsaPss,
        ) => verify_rsa(spki.key, RsaPadding::Pss, hash, message, signature),
        (VerifyAlgorithm::Ed25519, PublicKeyAlgorithm::Ed25519) => {
            verify_ed25519(spki.key, message, signature)
        }
        // A key that does not fit the algorithm (RSA key for ECDSA, P-384 key for P-256).
        _ => Err(CryptoError::BadSignature),
    }
}

/// ECDSA verification (SEC 1 §4.1.4) over a digest computed here, so any hash fits any
/// curve, as X.509 allows. The signature must be strict DER with 0 < r, s < n;
/// high-S values are accepted (TLS and X.509 do not require low-S).
macro_rules! ecdsa_verifier {
    ($name:ident, $krate:ident) => {
        fn $name(point: &[u8], digest: &[u8], signature: &[u8]) -> Result<(), CryptoError> {
            // Rejects points off the curve, the identity and bad encodings.
            let key = $krate::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|_| CryptoError::InvalidKey)?;
            let signature = $krate::ecdsa::DerSignature::from_bytes(signature)
                .map_err(|_| CryptoError::BadSignature)?;
            PrehashVerifier::<$krate::ecdsa::DerSignature>::verify_prehash(
                &key, digest, &signature,
            )
            .map_err(|_| CryptoError::BadSignature)
        }
    };
}

ecdsa_verifier!(verify_ecdsa_p256, p256);
ecdsa_verifier!(verify_ecdsa_p384, p384);

#[derive(Clone, Copy)]
enum RsaPadding {
    Pkcs1,
    Pss,
}

/// The bit length of the modulus in a PKCS#1 `RSAPublicKey` (RFC 8017 A.1.1), read
/// without the `rsa` crate so size policy is applied before any arithmetic.
pub(crate) fn rsa_modulus_bits(rsa_public_key: &[u8]) -> Option<usize> {
    let mut outer = DerReader::new(rsa_public_key);
    let mut key = DerReader::new(outer.read(tag::SEQUENCE)?);
    let modulus = key.read(tag::INTEGER)?;
    let leading_zeros = modulus.iter().take_while(|&&b| b == 0).count();
    let significant = modulus.get(leading_zeros..)?;
    let first = *significant.first()?;
    Some((significant.len() - 1) * 8 + (8 - first.leading_zeros() as usize))
}

/// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.2) or RSASSA-PSS with MGF1 of the same hash and a
/// salt as long as the hash (RFC 8017 §8.1.2, RFC 8446 §4.2.3).
fn verify_rsa(
    rsa_public_key: &[u8],
    padding: RsaPadding,
    hash_algorithm: HashAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    let bits = rsa_modulus_bits(rsa_public_key).ok_or(CryptoError::InvalidKey)?;
    if !RSA_MODULUS_BITS.contains(&bits) {
        return Err(CryptoError::Unsupported(
            "RSA modulus outside 2048..=8192 bits",
        ));
    }
    let key =
        rsa::PublicKey::from_pkcs1_der(rsa_public_key).map_err(|_| CryptoError::InvalidKey)?;
    let digest = hash(hash_algorithm).hash(message);
    let digest = digest.as_bytes();
    use HashAlgorithm::*;
    let result = match (padding, hash_algorithm) {
        (RsaPadding::Pkcs1, Sha256) => {
            key.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), digest, signature)
        }
        (RsaPadding::Pkcs1, Sha384) => {
            key.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha384>(), digest, signature)
        }
        (RsaPadding::Pkcs1, Sha512) => {
            key.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha512>(), digest, signature)
        }
        (RsaPadding::Pss, Sha256) => key.verify(rsa::Pss::<sha2::Sha256>::new(), digest, signature),
        (RsaPadding::Pss, Sha384) => key.verify(rsa::Pss::<sha2::Sha384>::new(), digest, signature),
        (RsaPadding::Pss, Sha512) => key.verify(rsa::Pss::<sha2::Sha512>::new(), digest, signature),
    };
    result.map_err(|_| CryptoError::BadSignature)
}

/// Ed25519 (RFC 8032 §5.1.7): the public key must decode to a curve point and S must be
/// canonical (S < L).
fn verify_ed25519(public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), CryptoError> {
    use ed25519_dalek::Verifier;
    let public_key: &[u8; 32] = public_key
        .try_into()
        .map_err(|_| CryptoError::InvalidKey)?;
    let key =
        ed25519_dalek::VerifyingKey::from_bytes(public_key).map_err(|_| CryptoError::InvalidKey)?;
    let signature: &[u8; 64] = signature
        .try_into()
        .map_err(|_| CryptoError::BadSignature)?;
    let signature = ed25519_dalek::Signature::from_bytes(signature);
    key.verify(message, &signature)
        .map_err(|_| CryptoError::BadSignature)
}
