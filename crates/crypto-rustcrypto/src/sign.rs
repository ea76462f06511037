//! Signing keys loaded from PKCS#8 (RFC 5208 / RFC 5958), SEC 1 (RFC 5915) and PKCS#1
//! (RFC 8017 A.1.2): ECDSA P-256/P-384 on `p256`/`p384`, RSA-PSS and RSA PKCS#1 v1.5 on
//! `rsa`, Ed25519 on `ed25519-dalek`.

use crate::hash::hash;
use crate::rng::SystemRng;
use crate::verify::{rsa_modulus_bits, RSA_MODULUS_BITS};
use ecdsa::signature::{RandomizedSigner, Signer};
use std::sync::Arc;
use tlskit_crypto::der::{oid, tag, DerReader};
use tlskit_crypto::sign::schemes_for_key_type;
use tlskit_crypto::spki::{encode_spki, PublicKeyAlgorithm};
use tlskit_crypto::{
    CryptoError, Curve, HashAlgorithm, KeyType, PrivateKeyDer, SignatureScheme, SigningKey,
};

/// Loads a private key; its type comes from the key's own structure.
pub(crate) fn load_signing_key(key: &PrivateKeyDer) -> Result<Arc<dyn SigningKey>, CryptoError> {
    match key {
        PrivateKeyDer::Pkcs8(der) => match pkcs8_key_type(der)? {
            KeyType::Ecdsa(Curve::P256) => Ok(Arc::new(EcdsaP256Key::from_pkcs8(der)?)),
            KeyType::Ecdsa(Curve::P384) => Ok(Arc::new(EcdsaP384Key::from_pkcs8(der)?)),
            KeyType::Rsa => Ok(Arc::new(RsaKey::from_pkcs8(der)?)),
            KeyType::Ed25519 => Ok(Arc::new(Ed25519Key::from_pkcs8(der)?)),
        },
        PrivateKeyDer::Sec1(der) => match sec1_curve(der)? {
            Curve::P256 => Ok(Arc::new(EcdsaP256Key::from_sec1(der)?)),
            Curve::P384 => Ok(Arc::new(EcdsaP384Key::from_sec1(der)?)),
        },
        PrivateKeyDer::Pkcs1(der) => Ok(Arc::new(RsaKey::from_pkcs1(der)?)),
    }
}

/// The key type named by a PKCS#8 `PrivateKeyInfo`'s `privateKeyAlgorithm`
/// (RFC 5208 §5): SEQUENCE { version, AlgorithmIdentifier, OCTET STRING, … }.
fn pkcs8_key_type(der: &[u8]) -> Result<KeyType, CryptoError> {
    let mut outer = DerReader::new(der);
    let mut info = DerReader::new(outer.read(tag::SEQUENCE).ok_or(CryptoError::InvalidKey)?);
    let version = info.read_small_uint().ok_or(CryptoError::InvalidKey)?;
    if version > 1 {
        return Err(CryptoError::InvalidKey);
    }
    let mut algorithm = DerReader::new(info.read(tag::SEQUENCE).ok_or(CryptoError::InvalidKey)?);
    let algorithm_oid = algorithm.read(tag::OID).ok_or(CryptoError::InvalidKey)?;
    if algorithm_oid == oid::EC_PUBLIC_KEY {
        // RFC 5480 §2.1.1: namedCurve parameters.
        let curve = algorithm.read(tag::OID).ok_or(CryptoError::InvalidKey)?;
        curve_from_oid(curve).map(KeyType::Ecdsa)
    } else if algorithm_oid == oid::RSA_ENCRYPTION {
        Ok(KeyType::Rsa)
    } else if algorithm_oid == oid::ED25519 {
        Ok(KeyType::Ed25519)
    } else if algorithm_oid == oid::RSASSA_PSS {
        Err(CryptoError::Unsupported(
            "id-RSASSA-PSS private keys (rsa_pss_pss_* schemes)",
        ))
    } else {
        Err(CryptoError::Unsupported("private key algorithm"))
    }
}

fn curve_from_oid(curve: &[u8]) -> Result<Curve, CryptoError> {
    if curve == oid::SECP256R1 {
        Ok(Curve::P256)
    } else if curve == oid::SECP384R1 {
        Ok(Curve::P384)
    } else {
        Err(CryptoError::Unsupported("elliptic curve"))
    }
}

/// The curve of a SEC 1 `ECPrivateKey` (RFC 5915 §3): from its `parameters` when present,
/// else from the private key's length (32 bytes: P-256, 48 bytes: P-384).
fn sec1_curve(der: &[u8]) -> Result<Curve, CryptoError> {
    if let Some(curve) = tlskit_crypto::der::sec1_curve_oid(der) {
        return curve_from_oid(curve);
    }
    let mut outer = DerReader::new(der);
    let mut key = DerReader::new(outer.read(tag::SEQUENCE).ok_or(CryptoError::InvalidKey)?);
    if key.read_small_uint() != Some(1) {
        return Err(CryptoError::InvalidKey);
    }
    match key.read(tag::OCTET_STRING).map(<[u8]>::len) {
        Some(32) => Ok(Curve::P256),
        Some(48) => Ok(Curve::P384),
        _ => Err(CryptoError::InvalidKey),
    }
}

/// ECDSA signing keys. Signatures are DER `Ecdsa-Sig-Value` (RFC 8446 §4.2.3) and use
/// RFC 6979 nonces hedged with fresh randomness (RFC 6979 §3.6 additional data), so a
/// faulty RNG cannot leak the key and a fault attack cannot replay a nonce.
macro_rules! ecdsa_key {
    ($name:ident, $krate:ident, $curve:expr, $scheme:expr) => {
        struct $name {
            key: $krate::ecdsa::SigningKey,
            spki: Vec<u8>,
        }

        impl $name {
            fn from_secret(secret: $krate::SecretKey) -> Self {
                use $krate::elliptic_curve::sec1::ToSec1Point;
                let key = $krate::ecdsa::SigningKey::from(secret);
                let point = key.verifying_key().as_affine().to_sec1_point(false);
                let spki = encode_spki(PublicKeyAlgorithm::Ec($curve), point.as_bytes());
                $name { key, spki }
            }

            fn from_pkcs8(der: &[u8]) -> Result<Self, CryptoError> {
                use $krate::pkcs8::DecodePrivateKey;
                let secret =
                    $krate::SecretKey::from_pkcs8_der(der).map_err(|_| CryptoError::InvalidKey)?;
                Ok(Self::from_secret(secret))
            }

            fn from_sec1(der: &[u8]) -> Result<Self, CryptoError> {
                let secret =
                    $krate::SecretKey::from_sec1_der(der).map_err(|_| CryptoError::InvalidKey)?;
                Ok(Self::from_secret(secret))
            }
        }

        impl SigningKey for $name {
            fn key_type(&self) -> KeyType {
                KeyType::Ecdsa($curve)
            }

            fn schemes(&self) -> &[SignatureScheme] {
                schemes_for_key_type(self.key_type())
            }

            fn sign(
                &self,
                scheme: SignatureScheme,
                message: &[u8],
            ) -> Result<Vec<u8>, CryptoError> {
                if scheme != $scheme {
                    return Err(CryptoError::Unsupported("scheme does not fit this key"));
                }
                let signature: $krate::ecdsa::DerSignature = self
                    .key
                    .try_sign_with_rng(&mut SystemRng, message)
                    .map_err(|_| CryptoError::Rng)?;
                Ok(signature.as_bytes().to_vec())
            }

            fn public_key_spki(&self) -> Vec<u8> {
                self.spki.clone()
            }
        }
    };
}

ecdsa_key!(
    EcdsaP256Key,
    p256,
    Curve::P256,
    SignatureScheme::EcdsaSecp256r1Sha256
);
ecdsa_key!(
    EcdsaP384Key,
    p384,
    Curve::P384,
    SignatureScheme::EcdsaSecp384r1Sha384
);

/// An RSA private key: RSASSA-PSS (salt = hash length, MGF1 with the same hash,
/// RFC 8446 §4.2.3) and RSASSA-PKCS1-v1_5 (RFC 8017 §8.2). The `rsa` crate blinds the
/// private operation (base, exponent and CRT moduli) with the system RNG on every call.
struct RsaKey {
    key: rsa::PrivateKey,
    spki: Vec<u8>,
}

impl RsaKey {
    fn from_pkcs8(der: &[u8]) -> Result<Self, CryptoError> {
        use rsa::pkcs8::DecodePrivateKey;
        Self::new(rsa::PrivateKey::from_pkcs8_der(der).map_err(|_| CryptoError::InvalidKey)?)
    }

    fn from_pkcs1(der: &[u8]) -> Result<Self, CryptoError> {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        Self::new(rsa::PrivateKey::from_pkcs1_der(der).map_err(|_| CryptoError::InvalidKey)?)
    }

    fn new(key: rsa::PrivateKey) -> Result<Self, CryptoError> {
        use rsa::pkcs1::EncodeRsaPublicKey;
        let public = key
            .to_public_key()
            .to_pkcs1_der()
            .map_err(|_| CryptoError::InvalidKey)?;
        let bits = rsa_modulus_bits(public.as_bytes()).ok_or(CryptoError::InvalidKey)?;
        if !RSA_MODULUS_BITS.contains(&bits) {
            return Err(CryptoError::Unsupported(
                "RSA modulus outside 2048..=8192 bits",
            ));
        }
        let spki = encode_spki(PublicKeyAlgorithm::Rsa, public.as_bytes());
        Ok(RsaKey { key, spki })
    }
}

impl SigningKey for RsaKey {
    fn key_type(&self) -> KeyType {
        KeyType::Rsa
    }

    fn schemes(&self) -> &[SignatureScheme] {
        schemes_for_key_type(KeyType::Rsa)
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        use HashAlgorithm::*;
        use SignatureScheme::*;
        let (hash_algorithm, pss) = match scheme {
            RsaPssRsaeSha256 => (Sha256, true),
            RsaPssRsaeSha384 => (Sha384, true),
            RsaPssRsaeSha512 => (Sha512, true),
            RsaPkcs1Sha256 => (Sha256, false),
            RsaPkcs1Sha384 => (Sha384, false),
            RsaPkcs1Sha512 => (Sha512, false),
            _ => return Err(CryptoError::Unsupported("scheme does not fit this key")),
        };
        let digest = hash(hash_algorithm).hash(message);
        let digest = digest.as_bytes();
        let rng = &mut SystemRng;
        let signed = match (hash_algorithm, pss) {
            (Sha256, true) => self
                .key
                .sign_with_rng(rng, rsa::Pss::<sha2::Sha256>::new(), digest),
            (Sha384, true) => self
                .key
                .sign_with_rng(rng, rsa::Pss::<sha2::Sha384>::new(), digest),
            (Sha512, true) => self
                .key
                .sign_with_rng(rng, rsa::Pss::<sha2::Sha512>::new(), digest),
            (Sha256, false) => {
                let padding = rsa::Pkcs1v15Sign::new::<sha2::Sha256>();
                self.key.sign_with_rng(rng, padding, digest)
            }
            (Sha384, false) => {
                let padding = rsa::Pkcs1v15Sign::new::<sha2::Sha384>();
                self.key.sign_with_rng(rng, padding, digest)
            }
            (Sha512, false) => {
                let padding = rsa::Pkcs1v15Sign::new::<sha2::Sha512>();
                self.key.sign_with_rng(rng, padding, digest)
            }
        };
        // The only failures left are RNG failures and internal errors of the key.
        signed.map_err(|_| CryptoError::Rng)
    }

    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
}

/// An Ed25519 key (RFC 8032 §5.1.6, pure Ed25519), from PKCS#8 v1 or v2 (RFC 8410 §7);
/// a v2 key's embedded public key must match the private key.
struct Ed25519Key {
    key: ed25519_dalek::SigningKey,
    spki: Vec<u8>,
}

impl Ed25519Key {
    fn from_pkcs8(der: &[u8]) -> Result<Self, CryptoError> {
        use ed25519_dalek::pkcs8::DecodePrivateKey;
        let key =
            ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(|_| CryptoError::InvalidKey)?;
        let spki = encode_spki(PublicKeyAlgorithm::Ed25519, key.verifying_key().as_bytes());
        Ok(Ed25519Key { key, spki })
    }
}

impl SigningKey for Ed25519Key {
    fn key_type(&self) -> KeyType {
        KeyType::Ed25519
    }

    fn schemes(&self) -> &[SignatureScheme] {
        schemes_for_key_type(KeyType::Ed25519)
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if scheme != SignatureScheme::Ed25519 {
            return Err(CryptoError::Unsupported("scheme does not fit this key"));
        }
        let signature: ed25519_dalek::Signature = self.key.sign(message);
        Ok(signature.to_bytes().to_vec())
    }

    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlskit_crypto::der::encode_tlv;
    use tlskit_crypto::VerifyAlgorithm;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// PKCS#8 v1 (RFC 8410 §7) for the RFC 8032 §7.1 TEST 1 seed.
    fn ed25519_pkcs8() -> Vec<u8> {
        let mut der = unhex("302e020100300506032b657004220420");
        der.extend(unhex(
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        ));
        der
    }

    #[test]
    fn kat_rfc8032_ed25519_signing() {
        let key = load_signing_key(&PrivateKeyDer::Pkcs8(ed25519_pkcs8())).unwrap();
        assert_eq!(key.key_type(), KeyType::Ed25519);
        let signature = key.sign(SignatureScheme::Ed25519, b"").unwrap();
        assert_eq!(
            signature,
            unhex(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155\
                 5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
            )
        );
        let spki = key.public_key_spki();
        assert_eq!(
            crate::verify::verify(VerifyAlgorithm::Ed25519, &spki, b"", &signature),
            Ok(())
        );
        assert!(matches!(
            key.sign(SignatureScheme::EcdsaSecp256r1Sha256, b""),
            Err(CryptoError::Unsupported(_))
        ));
    }

    /// SEC 1 `ECPrivateKey` with only version and key: no parameters, no public key.
    fn bare_sec1(scalar: &[u8]) -> Vec<u8> {
        let mut body = encode_tlv(tag::INTEGER, &[1]);
        body.extend(encode_tlv(tag::OCTET_STRING, scalar));
        encode_tlv(tag::SEQUENCE, &body)
    }

    #[test]
    fn ecdsa_keys_from_sec1_without_parameters_sign_and_verify() {
        for (len, curve, scheme, hash) in [
            (
                32,
                Curve::P256,
                SignatureScheme::EcdsaSecp256r1Sha256,
                HashAlgorithm::Sha256,
            ),
            (
                48,
                Curve::P384,
                SignatureScheme::EcdsaSecp384r1Sha384,
                HashAlgorithm::Sha384,
            ),
        ] {
            let mut scalar = vec![0x11u8; len];
            scalar[len - 1] = 0x42;
            let key = load_signing_key(&PrivateKeyDer::Sec1(bare_sec1(&scalar))).unwrap();
            assert_eq!(key.key_type(), KeyType::Ecdsa(curve));
            assert_eq!(key.schemes(), &[scheme]);
            let signature = key.sign(scheme, b"hello").unwrap();
            assert_eq!(signature.first(), Some(&0x30), "DER SEQUENCE");
            // Hedged nonces: two signatures of the same message differ.
            assert_ne!(signature, key.sign(scheme, b"hello").unwrap());
            let algorithm = VerifyAlgorithm::Ecdsa { curve, hash };
            let spki = key.public_key_spki();
            assert_eq!(
                crate::verify::verify(algorithm, &spki, b"hello", &signature),
                Ok(())
            );
            assert_eq!(
                crate::verify::verify(algorithm, &spki, b"hellO", &signature),
                Err(CryptoError::BadSignature)
            );
        }
        // A zero scalar and a 40-byte scalar are not keys.
        assert!(load_signing_key(&PrivateKeyDer::Sec1(bare_sec1(&[0; 32]))).is_err());
        assert!(load_signing_key(&PrivateKeyDer::Sec1(bare_sec1(&[1; 40]))).is_err());
    }

    #[test]
    fn pkcs8_algorithms_are_recognised() {
        assert_eq!(pkcs8_key_type(&ed25519_pkcs8()), Ok(KeyType::Ed25519));
        let pkcs8 = |algorithm: Vec<u8>| {
            let mut body = encode_tlv(tag::INTEGER, &[0]);
            body.extend(encode_tlv(tag::SEQUENCE, &algorithm));
            body.extend(encode_tlv(tag::OCTET_STRING, &[0; 4]));
            encode_tlv(tag::SEQUENCE, &body)
        };
        let mut ec = encode_tlv(tag::OID, oid::EC_PUBLIC_KEY);
        ec.extend(encode_tlv(tag::OID, oid::SECP384R1));
        assert_eq!(pkcs8_key_type(&pkcs8(ec)), Ok(KeyType::Ecdsa(Curve::P384)));
        let mut rsa = encode_tlv(tag::OID, oid::RSA_ENCRYPTION);
        rsa.extend(encode_tlv(tag::NULL, &[]));
        assert_eq!(pkcs8_key_type(&pkcs8(rsa)), Ok(KeyType::Rsa));
        let pss = encode_tlv(tag::OID, oid::RSASSA_PSS);
        assert!(matches!(
            pkcs8_key_type(&pkcs8(pss)),
            Err(CryptoError::Unsupported(_))
        ));
        // secp521r1 (1.3.132.0.35) is not supported.
        let mut p521 = encode_tlv(tag::OID, oid::EC_PUBLIC_KEY);
        p521.extend(encode_tlv(tag::OID, &[0x2b, 0x81, 0x04, 0x00, 0x23]));
        assert!(matches!(
            pkcs8_key_type(&pkcs8(p521)),
            Err(CryptoError::Unsupported(_))
        ));
        assert_eq!(pkcs8_key_type(&[0x30]), Err(CryptoError::InvalidKey));
        // An Ed25519 PKCS#8 whose key is truncated does not load.
        let mut short = ed25519_pkcs8();
        short.truncate(short.len() - 1);
        assert!(load_signing_key(&PrivateKeyDer::Pkcs8(short)).is_err());
    }
}
