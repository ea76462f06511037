//! Signature verification from a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) with ring.

use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use tlskit_crypto::spki::{PublicKeyAlgorithm, SubjectPublicKeyInfo};
use tlskit_crypto::{CryptoError, Curve, HashAlgorithm, VerifyAlgorithm};

/// Everything ring verifies. It lacks ECDSA with SHA-512 on either curve.
pub(crate) static SUPPORTED: [VerifyAlgorithm; 11] = [
    VerifyAlgorithm::Ecdsa {
        curve: Curve::P256,
        hash: HashAlgorithm::Sha256,
    },
    VerifyAlgorithm::Ecdsa {
        curve: Curve::P256,
        hash: HashAlgorithm::Sha384,
    },
    VerifyAlgorithm::Ecdsa {
        curve: Curve::P384,
        hash: HashAlgorithm::Sha256,
    },
    VerifyAlgorithm::Ecdsa {
        curve: Curve::P384,
        hash: HashAlgorithm::Sha384,
    },
    VerifyAlgorithm::RsaPkcs1 {
        hash: HashAlgorithm::Sha256,
    },
    VerifyAlgorithm::RsaPkcs1 {
        hash: HashAlgorithm::Sha384,
    },
    VerifyAlgorithm::RsaPkcs1 {
        hash: HashAlgorithm::Sha512,
    },
    VerifyAlgorithm::RsaPss {
        hash: HashAlgorithm::Sha256,
    },
    VerifyAlgorithm::RsaPss {
        hash: HashAlgorithm::Sha384,
    },
    VerifyAlgorithm::RsaPss {
        hash: HashAlgorithm::Sha512,
    },
    VerifyAlgorithm::Ed25519,
];

/// ring's algorithm for `algorithm`, if it has one.
fn ring_algorithm(algorithm: VerifyAlgorithm) -> Option<&'static dyn VerificationAlgorithm> {
    use HashAlgorithm::*;
    Some(match algorithm {
        VerifyAlgorithm::Ecdsa { curve, hash } => match (curve, hash) {
            (Curve::P256, Sha256) => &signature::ECDSA_P256_SHA256_ASN1,
            (Curve::P256, Sha384) => &signature::ECDSA_P256_SHA384_ASN1,
            (Curve::P384, Sha256) => &signature::ECDSA_P384_SHA256_ASN1,
            (Curve::P384, Sha384) => &signature::ECDSA_P384_SHA384_ASN1,
            (_, Sha512) => return None,
        },
        VerifyAlgorithm::RsaPkcs1 { hash } => match hash {
            Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            Sha384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            Sha512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        },
        VerifyAlgorithm::RsaPss { hash } => match hash {
            Sha256 => &signature::RSA_PSS_2048_8192_SHA256,
            Sha384 => &signature::RSA_PSS_2048_8192_SHA384,
            Sha512 => &signature::RSA_PSS_2048_8192_SHA512,
        },
        VerifyAlgorithm::Ed25519 => &signature::ED25519,
    })
}

/// Whether an SPKI's key type may be used with `algorithm`.
fn key_fits(key: PublicKeyAlgorithm, algorithm: VerifyAlgorithm) -> bool {
    match algorithm {
        VerifyAlgorithm::Ecdsa { curve, .. } => key == PublicKeyAlgorithm::Ec(curve),
        VerifyAlgorithm::RsaPkcs1 { .. } => key == PublicKeyAlgorithm::Rsa,
        // RFC 8446 §4.2.3: rsa_pss_rsae uses rsaEncryption keys; an id-RSASSA-PSS key may
        // only make PSS signatures (RFC 4055 §1.2).
        VerifyAlgorithm::RsaPss { .. } => {
            key == PublicKeyAlgorithm::Rsa || key == PublicKeyAlgorithm::RsaPss
        }
        VerifyAlgorithm::Ed25519 => key == PublicKeyAlgorithm::Ed25519,
    }
}

/// Verifies `signature` over `message` with the key in `spki`.
pub(crate) fn verify(
    algorithm: VerifyAlgorithm,
    spki: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    let ring_alg = ring_algorithm(algorithm).ok_or(CryptoError::Unsupported(
        "ECDSA with SHA-512 (ring lacks it)",
    ))?;
    let spki = match SubjectPublicKeyInfo::from_der(spki) {
        Ok(spki) => spki,
        // A key of a curve or algorithm ring does not know cannot fit `algorithm`.
        Err(CryptoError::Unsupported(_)) => return Err(CryptoError::BadSignature),
        Err(e) => return Err(e),
    };
    if !key_fits(spki.algorithm, algorithm) {
        return Err(CryptoError::BadSignature);
    }
    UnparsedPublicKey::new(ring_alg, spki.key)
        .verify(message, signature)
        .map_err(|_| CryptoError::BadSignature)
}
