//! Signature verification from a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) for every
//! [`VerifyAlgorithm`]: ECDSA (RFC 5480 keys, DER `Ecdsa-Sig-Value`), RSASSA-PKCS1-v1_5 and
//! RSASSA-PSS (RFC 8017 §8), Ed25519 (RFC 8410 keys, RFC 8032 signatures).
//!
//! The SPKI is decoded by tlskit's strict parser first; the key must fit the algorithm
//! (an RSA key for ECDSA, or a P-384 key for a P-256 algorithm, is `BadSignature`), EC
//! points must be uncompressed, RSA keys must have a 2048..=8192-bit modulus and an odd
//! exponent in 3..=2^33-1 (the policy of the ring and RustCrypto backends).

use crate::algorithms;
use openssl::bn::BigNumRef;
use openssl::ec::{EcKey, EcPoint};
use openssl::md_ctx::MdCtx;
use openssl::pkey::{HasPublic, Id, PKey, Public};
use openssl::rsa::{Padding, Rsa, RsaRef};
use openssl::sign::RsaPssSaltlen;
use tlskit_crypto::der::{tag, DerReader};
use tlskit_crypto::spki::{PublicKeyAlgorithm, SubjectPublicKeyInfo};
use tlskit_crypto::{CryptoError, Curve, HashAlgorithm, VerifyAlgorithm};

/// RSA modulus sizes accepted for verification and signing.
const RSA_MIN_BITS: u32 = 2048;
const RSA_MAX_BITS: u32 = 8192;
/// The largest public exponent accepted, as in ring and the `rsa` crate.
const RSA_MAX_EXPONENT_BITS: i32 = 33;

/// True when `der` is exactly one DER SEQUENCE with nothing after it.
pub(crate) fn exactly_one_der_sequence(der: &[u8]) -> bool {
    let mut reader = DerReader::new(der);
    reader.read(tag::SEQUENCE).is_some() && reader.is_empty()
}

/// tlskit's RSA key policy: 2048 ≤ |n| ≤ 8192 bits, e odd with 3 ≤ e ≤ 2^33 - 1.
pub(crate) fn check_rsa_key_policy<T>(rsa: &RsaRef<T>) -> Result<(), CryptoError>
where
    T: HasPublic,
{
    let bits = u32::try_from(rsa.n().num_bits()).map_err(|_| CryptoError::InvalidKey)?;
    if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
        return Err(CryptoError::BadSignature);
    }
    if !exponent_ok(rsa.e()) {
        return Err(CryptoError::BadSignature);
    }
    Ok(())
}

fn exponent_ok(e: &BigNumRef) -> bool {
    let bits = e.num_bits();
    // e ≥ 3 and odd: an odd number of at least two bits; e ≤ 2^33 - 1: at most 33 bits.
    e.is_odd() && !e.is_negative() && (2..=RSA_MAX_EXPONENT_BITS).contains(&bits)
}

/// Verifies `signature` over `message` with the key in `spki` (see the module docs).
pub(crate) fn verify(
    algorithm: VerifyAlgorithm,
    spki: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    let info = SubjectPublicKeyInfo::from_der(spki).map_err(|e| match e {
        // A key of an algorithm or curve tlskit does not know cannot fit `algorithm`.
        CryptoError::Unsupported(_) => CryptoError::BadSignature,
        other => other,
    })?;

    let mut ctx = MdCtx::new().map_err(|_| CryptoError::BadSignature)?;
    let verified = match algorithm {
        VerifyAlgorithm::Ecdsa { curve, hash } => {
            if info.algorithm != PublicKeyAlgorithm::Ec(curve) {
                return Err(CryptoError::BadSignature);
            }
            let key = ec_public_key(curve, info.key)?;
            ctx.digest_verify_init(Some(digest(hash)?), &key)
                .map_err(|_| CryptoError::BadSignature)?;
            ctx.digest_verify(message, signature)
        }
        VerifyAlgorithm::RsaPkcs1 { hash } => {
            if info.algorithm != PublicKeyAlgorithm::Rsa {
                return Err(CryptoError::BadSignature);
            }
            let key = rsa_public_key(&info)?;
            check_signature_len(&key, signature)?;
            let pctx = ctx
                .digest_verify_init(Some(digest(hash)?), &key)
                .map_err(|_| CryptoError::BadSignature)?;
            pctx.set_rsa_padding(Padding::PKCS1)
                .map_err(|_| CryptoError::BadSignature)?;
            ctx.digest_verify(message, signature)
        }
        VerifyAlgorithm::RsaPss { hash } => {
            if !matches!(
                info.algorithm,
                PublicKeyAlgorithm::Rsa | PublicKeyAlgorithm::RsaPss
            ) {
                return Err(CryptoError::BadSignature);
            }
            let key = rsa_public_key(&info)?;
            check_signature_len(&key, signature)?;
            let md = digest(hash)?;
            let pctx = ctx
                .digest_verify_init(Some(md), &key)
                .map_err(|_| CryptoError::BadSignature)?;
            // MGF1 with the message hash; the salt must be exactly the hash length
            // (RFC 8446 §4.2.3). An id-RSASSA-PSS key whose parameters say otherwise is
            // refused by OpenSSL here.
            pctx.set_rsa_padding(Padding::PKCS1_PSS)
                .and_then(|()| pctx.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH))
                .and_then(|()| pctx.set_rsa_mgf1_md(md))
                .map_err(|_| CryptoError::BadSignature)?;
            ctx.digest_verify(message, signature)
        }
        VerifyAlgorithm::Ed25519 => {
            if info.algorithm != PublicKeyAlgorithm::Ed25519 {
                return Err(CryptoError::BadSignature);
            }
            let key = PKey::public_key_from_raw_bytes(info.key, Id::ED25519)
                .map_err(|_| CryptoError::InvalidKey)?;
            ctx.digest_verify_init(None, &key)
                .map_err(|_| CryptoError::BadSignature)?;
            ctx.digest_verify(message, signature)
        }
    };
    match verified {
        Ok(true) => Ok(()),
        _ => Err(CryptoError::BadSignature),
    }
}

fn digest(hash: HashAlgorithm) -> Result<&'static openssl::md::MdRef, CryptoError> {
    algorithms::digest(hash).ok_or(CryptoError::Unsupported("digest"))
}

/// An EC public key from the SPKI's point: uncompressed only (as ring, and as TLS
/// requires), on the curve (checked by `EC_POINT_oct2point`).
fn ec_public_key(curve: Curve, point: &[u8]) -> Result<PKey<Public>, CryptoError> {
    let group = algorithms::ec_group(curve).ok_or(CryptoError::Unsupported("elliptic curve"))?;
    let expected_len = match curve {
        Curve::P256 => 65,
        Curve::P384 => 97,
    };
    if point.len() != expected_len || point.first() != Some(&0x04) {
        return Err(CryptoError::InvalidKey);
    }
    let mut ctx = openssl::bn::BigNumContext::new().map_err(|_| CryptoError::InvalidKey)?;
    let point = EcPoint::from_bytes(group, point, &mut ctx).map_err(|_| CryptoError::InvalidKey)?;
    let key = EcKey::from_public_key(group, &point).map_err(|_| CryptoError::InvalidKey)?;
    PKey::from_ec_key(key).map_err(|_| CryptoError::InvalidKey)
}

/// An RSA public key. rsaEncryption keys are read from their PKCS#1 `RSAPublicKey`
/// directly; id-RSASSA-PSS keys go through OpenSSL's SPKI decoder, which keeps the
/// parameters' restrictions (hash, MGF1 hash, minimum salt) attached to the key.
fn rsa_public_key(info: &SubjectPublicKeyInfo<'_>) -> Result<PKey<Public>, CryptoError> {
    if !exactly_one_der_sequence(info.key) {
        return Err(CryptoError::InvalidKey);
    }
    let key = match info.algorithm {
        PublicKeyAlgorithm::RsaPss => {
            PKey::public_key_from_der(info.der).map_err(|_| CryptoError::InvalidKey)?
        }
        _ => {
            let rsa =
                Rsa::public_key_from_der_pkcs1(info.key).map_err(|_| CryptoError::InvalidKey)?;
            PKey::from_rsa(rsa).map_err(|_| CryptoError::InvalidKey)?
        }
    };
    let rsa = key.rsa().map_err(|_| CryptoError::InvalidKey)?;
    check_rsa_key_policy(&rsa)?;
    Ok(key)
}

/// RFC 8017 §8.1.2 / §8.2.2 step 1: the signature is exactly k = |n| bytes.
fn check_signature_len(key: &PKey<Public>, signature: &[u8]) -> Result<(), CryptoError> {
    if signature.len() != key.size() {
        return Err(CryptoError::BadSignature);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::bn::BigNum;
    use tlskit_crypto::spki::encode_spki;

    fn rsa_spki(bits: u32, e: u32) -> Vec<u8> {
        let exponent = BigNum::from_u32(e).expect("e");
        let rsa = Rsa::generate_with_e(bits, &exponent).expect("rsa");
        encode_spki(
            PublicKeyAlgorithm::Rsa,
            &rsa.public_key_to_der_pkcs1().expect("der"),
        )
    }

    #[test]
    fn key_algorithm_must_fit_the_verify_algorithm() {
        let rsa = rsa_spki(2048, 65537);
        let ecdsa = VerifyAlgorithm::Ecdsa {
            curve: Curve::P256,
            hash: HashAlgorithm::Sha256,
        };
        assert_eq!(
            verify(ecdsa, &rsa, b"m", &[0x30, 0]),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            verify(VerifyAlgorithm::Ed25519, &rsa, b"m", &[0; 64]),
            Err(CryptoError::BadSignature)
        );
        // A valid P-384 key does not fit a P-256 algorithm.
        let group = algorithms::ec_group(Curve::P384).expect("group");
        let key = EcKey::generate(group).expect("ec");
        let mut ctx = openssl::bn::BigNumContext::new().expect("ctx");
        let point = key
            .public_key()
            .to_bytes(
                group,
                openssl::ec::PointConversionForm::UNCOMPRESSED,
                &mut ctx,
            )
            .expect("point");
        let p384 = encode_spki(PublicKeyAlgorithm::Ec(Curve::P384), &point);
        assert_eq!(
            verify(ecdsa, &p384, b"m", &[0x30, 0]),
            Err(CryptoError::BadSignature)
        );
        let ed = encode_spki(PublicKeyAlgorithm::Ed25519, &[9; 32]);
        assert_eq!(
            verify(
                VerifyAlgorithm::RsaPkcs1 {
                    hash: HashAlgorithm::Sha256
                },
                &ed,
                b"m",
                &[0; 256]
            ),
            Err(CryptoError::BadSignature)
        );
    }

    #[test]
    fn compressed_points_and_malformed_keys_are_refused() {
        let group = algorithms::ec_group(Curve::P256).expect("group");
        let key = EcKey::generate(group).expect("ec");
        let mut ctx = openssl::bn::BigNumContext::new().expect("ctx");
        let compressed = key
            .public_key()
            .to_bytes(
                group,
                openssl::ec::PointConversionForm::COMPRESSED,
                &mut ctx,
            )
            .expect("point");
        let spki = encode_spki(PublicKeyAlgorithm::Ec(Curve::P256), &compressed);
        let alg = VerifyAlgorithm::Ecdsa {
            curve: Curve::P256,
            hash: HashAlgorithm::Sha256,
        };
        assert!(verify(alg, &spki, b"m", &[0x30, 0]).is_err());
        assert!(verify(alg, b"\x30\x00", b"m", &[0x30, 0]).is_err());
        assert!(verify(alg, b"", b"m", &[0x30, 0]).is_err());
    }

    /// An id-RSASSA-PSS key restricted to SHA-256 (see testdata/README.md) verifies
    /// RSA-PSS-SHA256 and nothing its parameters exclude.
    #[test]
    fn rsassa_pss_spki_keeps_its_restrictions() {
        let spki = include_bytes!("../testdata/rsa-pss-sha256.spki.der");
        let sig = include_bytes!("../testdata/rsa-pss-sha256.sig");
        let msg = b"tlskit RSA-PSS test message";
        let pss = |hash| VerifyAlgorithm::RsaPss { hash };
        verify(pss(HashAlgorithm::Sha256), spki, msg, sig).expect("verifies");
        assert_eq!(
            verify(pss(HashAlgorithm::Sha256), spki, b"other message", sig),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            verify(pss(HashAlgorithm::Sha384), spki, msg, sig),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            verify(
                VerifyAlgorithm::RsaPkcs1 {
                    hash: HashAlgorithm::Sha256
                },
                spki,
                msg,
                sig
            ),
            Err(CryptoError::BadSignature)
        );
    }

    #[test]
    fn rsa_size_and_exponent_policy() {
        assert!(exponent_ok(&BigNum::from_u32(3).expect("bn")));
        assert!(exponent_ok(&BigNum::from_u32(65537).expect("bn")));
        assert!(!exponent_ok(&BigNum::from_u32(1).expect("bn")));
        assert!(!exponent_ok(&BigNum::from_u32(65536).expect("bn")));
        let big = BigNum::from_dec_str("8589934591").expect("2^33-1");
        assert!(exponent_ok(&big));
        let too_big = BigNum::from_dec_str("8589934593").expect("2^33+1");
        assert!(!exponent_ok(&too_big));

        let small = rsa_spki(1024, 65537);
        let alg = VerifyAlgorithm::RsaPkcs1 {
            hash: HashAlgorithm::Sha256,
        };
        assert_eq!(
            verify(alg, &small, b"m", &[0; 128]),
            Err(CryptoError::BadSignature)
        );
    }
}
