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
            PrehashVerifier::<$krate::ecdsa::DerSignature>::verify_prehash(&key, digest, &signature)
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
    let public_key: &[u8; 32] = public_key.try_into().map_err(|_| CryptoError::InvalidKey)?;
    let key =
        ed25519_dalek::VerifyingKey::from_bytes(public_key).map_err(|_| CryptoError::InvalidKey)?;
    let signature: &[u8; 64] = signature
        .try_into()
        .map_err(|_| CryptoError::BadSignature)?;
    let signature = ed25519_dalek::Signature::from_bytes(signature);
    key.verify(message, &signature)
        .map_err(|_| CryptoError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlskit_crypto::der::encode_tlv;
    use tlskit_crypto::spki::encode_spki;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    const P256_SHA256: VerifyAlgorithm = VerifyAlgorithm::Ecdsa {
        curve: Curve::P256,
        hash: HashAlgorithm::Sha256,
    };

    /// RFC 6979 A.2.5: the P-256 key and its SHA-256 signature of "sample".
    fn rfc6979_p256() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let mut point = vec![0x04];
        point.extend(unhex(
            "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6",
        ));
        point.extend(unhex(
            "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299",
        ));
        let r = unhex("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716");
        let s = unhex("f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");
        (
            encode_spki(PublicKeyAlgorithm::Ec(Curve::P256), &point),
            r,
            s,
        )
    }

    /// DER `Ecdsa-Sig-Value` from big-endian r and s (both with the top bit set here).
    fn der_signature(r: &[u8], s: &[u8]) -> Vec<u8> {
        let int = |v: &[u8]| {
            let mut body = vec![0u8];
            body.extend_from_slice(v);
            encode_tlv(tag::INTEGER, &body)
        };
        let mut body = int(r);
        body.extend(int(s));
        encode_tlv(tag::SEQUENCE, &body)
    }

    #[test]
    fn kat_rfc6979_p256_verifies_and_accepts_high_s() {
        let (spki, r, s) = rfc6979_p256();
        // s = f7cb… is above n/2: a "high-S" signature, which TLS and X.509 accept.
        let signature = der_signature(&r, &s);
        assert_eq!(verify(P256_SHA256, &spki, b"sample", &signature), Ok(()));
        assert_eq!(
            verify(P256_SHA256, &spki, b"samplE", &signature),
            Err(CryptoError::BadSignature)
        );
        // The low-S twin (n - s) is valid too.
        let high = p256::ecdsa::Signature::from_der(&signature).unwrap();
        let low = high.normalize_s();
        assert_ne!(low, high);
        assert_eq!(
            verify(P256_SHA256, &spki, b"sample", low.to_der().as_bytes()),
            Ok(())
        );
    }

    #[test]
    fn ecdsa_rejects_ber_and_raw_signatures() {
        let (spki, r, s) = rfc6979_p256();
        let der = der_signature(&r, &s);
        // Long-form length for a short SEQUENCE is BER, not DER.
        let mut ber = vec![0x30, 0x81];
        ber.extend_from_slice(&der[1..]);
        assert_eq!(
            verify(P256_SHA256, &spki, b"sample", &ber),
            Err(CryptoError::BadSignature)
        );
        // Fixed-width r || s is not the TLS encoding.
        let raw = [r.as_slice(), s.as_slice()].concat();
        assert_eq!(
            verify(P256_SHA256, &spki, b"sample", &raw),
            Err(CryptoError::BadSignature)
        );
        // Trailing bytes after the SEQUENCE.
        let mut trailing = der.clone();
        trailing.push(0);
        assert_eq!(
            verify(P256_SHA256, &spki, b"sample", &trailing),
            Err(CryptoError::BadSignature)
        );
    }

    #[test]
    fn key_that_does_not_fit_the_algorithm_is_a_bad_signature() {
        let (spki, r, s) = rfc6979_p256();
        let signature = der_signature(&r, &s);
        for algorithm in [
            VerifyAlgorithm::Ecdsa {
                curve: Curve::P384,
                hash: HashAlgorithm::Sha256,
            },
            VerifyAlgorithm::RsaPkcs1 {
                hash: HashAlgorithm::Sha256,
            },
            VerifyAlgorithm::RsaPss {
                hash: HashAlgorithm::Sha256,
            },
            VerifyAlgorithm::Ed25519,
        ] {
            assert_eq!(
                verify(algorithm, &spki, b"sample", &signature),
                Err(CryptoError::BadSignature),
                "{algorithm:?}"
            );
        }
        assert!(verify(P256_SHA256, &spki[1..], b"sample", &signature).is_err());
    }

    // RFC 8032 §7.1, TEST 1 (empty message).
    #[test]
    fn kat_rfc8032_ed25519() {
        let public = unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        let signature = unhex(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155\
             5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        );
        let spki = encode_spki(PublicKeyAlgorithm::Ed25519, &public);
        assert_eq!(
            verify(VerifyAlgorithm::Ed25519, &spki, b"", &signature),
            Ok(())
        );
        assert_eq!(
            verify(VerifyAlgorithm::Ed25519, &spki, b"x", &signature),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            verify(VerifyAlgorithm::Ed25519, &spki, b"", &signature[..63]),
            Err(CryptoError::BadSignature)
        );
    }

    /// An RSAPublicKey with a `bits`-bit modulus (not a real key: only the size matters).
    fn rsa_public_key(bits: usize) -> Vec<u8> {
        let mut modulus = vec![0u8; 1 + bits / 8];
        modulus[1] = 0xc0;
        *modulus.last_mut().unwrap() = 0x01;
        let mut body = encode_tlv(tag::INTEGER, &modulus);
        body.extend(encode_tlv(tag::INTEGER, &[0x01, 0x00, 0x01]));
        encode_tlv(tag::SEQUENCE, &body)
    }

    #[test]
    fn rsa_modulus_size_policy() {
        assert_eq!(rsa_modulus_bits(&rsa_public_key(2048)), Some(2048));
        assert_eq!(rsa_modulus_bits(&rsa_public_key(1024)), Some(1024));
        assert_eq!(rsa_modulus_bits(&[0x30, 0x00]), None);
        let algorithm = VerifyAlgorithm::RsaPkcs1 {
            hash: HashAlgorithm::Sha256,
        };
        for bits in [1024, 1536, 8200, 16384] {
            let spki = encode_spki(PublicKeyAlgorithm::Rsa, &rsa_public_key(bits));
            assert_eq!(
                verify(algorithm, &spki, b"m", &vec![1; bits / 8]),
                Err(CryptoError::Unsupported(
                    "RSA modulus outside 2048..=8192 bits"
                )),
                "{bits}"
            );
        }
    }
}
