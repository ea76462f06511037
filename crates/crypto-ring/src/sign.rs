//! Signing keys over ring: ECDSA P-256/P-384 (ASN.1 DER signatures, RFC 8446 §4.2.3),
//! Ed25519 (RFC 8032), RSA-PSS and RSASSA-PKCS1-v1_5 (RFC 8017) with SHA-256/384/512.
//!
//! Keys arrive as PKCS#8, SEC 1 (wrapped into PKCS#8, which is all ring reads) or PKCS#1.

use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};
use std::sync::Arc;
use tlskit_crypto::der::{oid, sec1_to_pkcs8, tag, DerReader};
use tlskit_crypto::sign::schemes_for_key_type;
use tlskit_crypto::spki::{encode_spki, PublicKeyAlgorithm};
use tlskit_crypto::{CryptoError, Curve, KeyType, PrivateKeyDer, SignatureScheme, SigningKey};

/// Loads a private key in any container ring can be made to read.
pub(crate) fn load(key: &PrivateKeyDer) -> Result<Arc<dyn SigningKey>, CryptoError> {
    match key {
        PrivateKeyDer::Pkcs8(der) => load_pkcs8(der),
        PrivateKeyDer::Sec1(der) => {
            // RFC 5915 §3: ring reads EC keys only inside PKCS#8, so wrap; the curve must be
            // named in the SEC 1 parameters.
            let pkcs8 = zeroize::Zeroizing::new(sec1_to_pkcs8(der).ok_or(CryptoError::InvalidKey)?);
            load_pkcs8(&pkcs8)
        }
        PrivateKeyDer::Pkcs1(der) => {
            let pair = RsaKeyPair::from_der(der).map_err(|_| CryptoError::InvalidKey)?;
            Ok(Arc::new(RingRsaKey::new(pair)))
        }
    }
}

/// The algorithm OID and (for EC keys) the curve OID of a PKCS#8 `PrivateKeyInfo`
/// (RFC 5208 §5, RFC 5958 §2).
fn pkcs8_algorithm(der: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
    let mut outer = DerReader::new(der);
    let mut info = DerReader::new(outer.read(tag::SEQUENCE)?);
    if info.read_small_uint()? > 1 {
        return None;
    }
    let mut alg = DerReader::new(info.read(tag::SEQUENCE)?);
    let alg_oid = alg.read(tag::OID)?;
    let param = if alg.peek_tag() == Some(tag::OID) {
        alg.read(tag::OID)
    } else {
        None
    };
    Some((alg_oid, param))
}

fn load_pkcs8(der: &[u8]) -> Result<Arc<dyn SigningKey>, CryptoError> {
    let (alg, param) = pkcs8_algorithm(der).ok_or(CryptoError::InvalidKey)?;
    if alg == oid::EC_PUBLIC_KEY {
        let (curve, ring_alg) = match param {
            Some(c) if c == oid::SECP256R1 => {
                (Curve::P256, &signature::ECDSA_P256_SHA256_ASN1_SIGNING)
            }
            Some(c) if c == oid::SECP384R1 => {
                (Curve::P384, &signature::ECDSA_P384_SHA384_ASN1_SIGNING)
            }
            Some(_) => return Err(CryptoError::Unsupported("elliptic curve")),
            None => return Err(CryptoError::InvalidKey),
        };
        let pair = EcdsaKeyPair::from_pkcs8(ring_alg, der, &SystemRandom::new())
            .map_err(|_| CryptoError::InvalidKey)?;
        let spki = encode_spki(PublicKeyAlgorithm::Ec(curve), pair.public_key().as_ref());
        Ok(Arc::new(RingEcdsaKey { curve, pair, spki }))
    } else if alg == oid::ED25519 {
        // OpenSSL writes PKCS#8 v1 (no public key); ring then derives the public key.
        let pair =
            Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(|_| CryptoError::InvalidKey)?;
        let spki = encode_spki(PublicKeyAlgorithm::Ed25519, pair.public_key().as_ref());
        Ok(Arc::new(RingEd25519Key { pair, spki }))
    } else if alg == oid::RSA_ENCRYPTION {
        let pair = RsaKeyPair::from_pkcs8(der).map_err(|_| CryptoError::InvalidKey)?;
        Ok(Arc::new(RingRsaKey::new(pair)))
    } else {
        Err(CryptoError::Unsupported("private key algorithm"))
    }
}

/// An ECDSA key on P-256 or P-384.
struct RingEcdsaKey {
    curve: Curve,
    pair: EcdsaKeyPair,
    spki: Vec<u8>,
}

impl SigningKey for RingEcdsaKey {
    fn key_type(&self) -> KeyType {
        KeyType::Ecdsa(self.curve)
    }

    fn schemes(&self) -> &[SignatureScheme] {
        schemes_for_key_type(self.key_type())
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if !self.schemes().contains(&scheme) {
            return Err(CryptoError::Unsupported("signature scheme for this key"));
        }
        self.pair
            .sign(&SystemRandom::new(), message)
            .map(|sig| sig.as_ref().to_vec())
            .map_err(|_| CryptoError::Rng)
    }

    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
}

/// An Ed25519 key.
struct RingEd25519Key {
    pair: Ed25519KeyPair,
    spki: Vec<u8>,
}

impl SigningKey for RingEd25519Key {
    fn key_type(&self) -> KeyType {
        KeyType::Ed25519
    }

    fn schemes(&self) -> &[SignatureScheme] {
        schemes_for_key_type(KeyType::Ed25519)
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if scheme != SignatureScheme::Ed25519 {
            return Err(CryptoError::Unsupported("signature scheme for this key"));
        }
        Ok(self.pair.sign(message).as_ref().to_vec())
    }

    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
}

/// An RSA key (ring signs with 2048- to 8192-bit moduli).
struct RingRsaKey {
    pair: RsaKeyPair,
    spki: Vec<u8>,
}

impl RingRsaKey {
    fn new(pair: RsaKeyPair) -> Self {
        let spki = encode_spki(PublicKeyAlgorithm::Rsa, pair.public().as_ref());
        RingRsaKey { pair, spki }
    }
}

/// ring's padding for a TLS RSA scheme.
fn rsa_padding(scheme: SignatureScheme) -> Option<&'static dyn signature::RsaEncoding> {
    Some(match scheme {
        SignatureScheme::RsaPkcs1Sha256 => &signature::RSA_PKCS1_SHA256,
        SignatureScheme::RsaPkcs1Sha384 => &signature::RSA_PKCS1_SHA384,
        SignatureScheme::RsaPkcs1Sha512 => &signature::RSA_PKCS1_SHA512,
        SignatureScheme::RsaPssRsaeSha256 => &signature::RSA_PSS_SHA256,
        SignatureScheme::RsaPssRsaeSha384 => &signature::RSA_PSS_SHA384,
        SignatureScheme::RsaPssRsaeSha512 => &signature::RSA_PSS_SHA512,
        _ => return None,
    })
}

impl SigningKey for RingRsaKey {
    fn key_type(&self) -> KeyType {
        KeyType::Rsa
    }

    fn schemes(&self) -> &[SignatureScheme] {
        schemes_for_key_type(KeyType::Rsa)
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let padding =
            rsa_padding(scheme).ok_or(CryptoError::Unsupported("signature scheme for this key"))?;
        let mut signature = vec![0u8; self.pair.public().modulus_len()];
        self.pair
            .sign(padding, &SystemRandom::new(), message, &mut signature)
            .map_err(|_| CryptoError::Rng)?;
        Ok(signature)
    }

    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
}
