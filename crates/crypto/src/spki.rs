//! SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) decoding, shared by all backends.

use crate::der::{oid, tag, DerReader};
use crate::{CryptoError, Curve};

/// The public-key algorithm named in a SubjectPublicKeyInfo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicKeyAlgorithm {
    /// id-ecPublicKey with a named curve (RFC 5480).
    Ec(Curve),
    /// rsaEncryption (RFC 3279): key bits are a PKCS#1 `RSAPublicKey`.
    Rsa,
    /// id-RSASSA-PSS (RFC 4055) with or without parameters: key bits are a PKCS#1
    /// `RSAPublicKey`, restricted to PSS signatures.
    RsaPss,
    /// id-Ed25519 (RFC 8410): key bits are the 32-byte public key.
    Ed25519,
}

/// A decoded SubjectPublicKeyInfo, borrowing from its DER.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubjectPublicKeyInfo<'a> {
    /// The algorithm.
    pub algorithm: PublicKeyAlgorithm,
    /// The subjectPublicKey BIT STRING contents (without the unused-bits byte):
    /// an uncompressed/compressed EC point, a PKCS#1 RSAPublicKey, or an Ed25519 key.
    pub key: &'a [u8],
    /// The whole DER SubjectPublicKeyInfo.
    pub der: &'a [u8],
}

impl<'a> SubjectPublicKeyInfo<'a> {
    /// Decodes `der` strictly: no trailing bytes, a supported algorithm, a BIT STRING with
    /// zero unused bits. Unknown algorithms or curves are [`CryptoError::Unsupported`].
    pub fn from_der(der: &'a [u8]) -> Result<Self, CryptoError> {
        let mut outer = DerReader::new(der);
        let body = outer.read(tag::SEQUENCE).ok_or(CryptoError::InvalidKey)?;
        if !outer.is_empty() {
            return Err(CryptoError::InvalidKey);
        }
        let mut r = DerReader::new(body);
        let alg = r.read(tag::SEQUENCE).ok_or(CryptoError::InvalidKey)?;
        let bits = r.read(tag::BIT_STRING).ok_or(CryptoError::InvalidKey)?;
        if !r.is_empty() {
            return Err(CryptoError::InvalidKey);
        }
        let (&unused, key) = bits.split_first().ok_or(CryptoError::InvalidKey)?;
        if unused != 0 {
            return Err(CryptoError::InvalidKey);
        }
        let mut a = DerReader::new(alg);
        let alg_oid = a.read(tag::OID).ok_or(CryptoError::InvalidKey)?;
        let algorithm = if alg_oid == oid::EC_PUBLIC_KEY {
            let curve = a.read(tag::OID).ok_or(CryptoError::InvalidKey)?;
            if !a.is_empty() {
                return Err(CryptoError::InvalidKey);
            }
            if curve == oid::SECP256R1 {
                PublicKeyAlgorithm::Ec(Curve::P256)
            } else if curve == oid::SECP384R1 {
                PublicKeyAlgorithm::Ec(Curve::P384)
            } else {
                return Err(CryptoError::Unsupported("elliptic curve"));
            }
        } else if alg_oid == oid::RSA_ENCRYPTION {
            // RFC 3279 §2.3.1: parameters MUST be NULL.
            if a.read(tag::NULL) != Some(&[][..]) || !a.is_empty() {
                return Err(CryptoError::InvalidKey);
            }
            PublicKeyAlgorithm::Rsa
        } else if alg_oid == oid::RSASSA_PSS {
            PublicKeyAlgorithm::RsaPss
        } else if alg_oid == oid::ED25519 {
            // RFC 8410 §3: parameters MUST be absent.
            if !a.is_empty() {
                return Err(CryptoError::InvalidKey);
            }
            PublicKeyAlgorithm::Ed25519
        } else {
            return Err(CryptoError::Unsupported("public key algorithm"));
        };
        Ok(SubjectPublicKeyInfo {
            algorithm,
            key,
            der,
        })
    }
}

/// Builds a DER SubjectPublicKeyInfo from an algorithm and raw key bits.
pub fn encode_spki(algorithm: PublicKeyAlgorithm, key: &[u8]) -> Vec<u8> {
    use crate::der::encode_tlv;
    let alg = match algorithm {
        PublicKeyAlgorithm::Ec(curve) => {
            let mut v = encode_tlv(tag::OID, oid::EC_PUBLIC_KEY);
            let c = match curve {
                Curve::P256 => oid::SECP256R1,
                Curve::P384 => oid::SECP384R1,
            };
            v.extend_from_slice(&encode_tlv(tag::OID, c));
            v
        }
        PublicKeyAlgorithm::Rsa => {
            let mut v = encode_tlv(tag::OID, oid::RSA_ENCRYPTION);
            v.extend_from_slice(&encode_tlv(tag::NULL, &[]));
            v
        }
        PublicKeyAlgorithm::RsaPss => encode_tlv(tag::OID, oid::RSASSA_PSS),
        PublicKeyAlgorithm::Ed25519 => encode_tlv(tag::OID, oid::ED25519),
    };
    let mut bits = Vec::with_capacity(key.len() + 1);
    bits.push(0);
    bits.extend_from_slice(key);
    let mut body = encode_tlv(tag::SEQUENCE, &alg);
    body.extend_from_slice(&encode_tlv(tag::BIT_STRING, &bits));
    encode_tlv(tag::SEQUENCE, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spki_round_trips() {
        let point = [4u8; 65];
        let der = encode_spki(PublicKeyAlgorithm::Ec(Curve::P256), &point);
        let spki = SubjectPublicKeyInfo::from_der(&der).unwrap();
        assert_eq!(spki.algorithm, PublicKeyAlgorithm::Ec(Curve::P256));
        assert_eq!(spki.key, &point[..]);
        let ed = encode_spki(PublicKeyAlgorithm::Ed25519, &[1; 32]);
        assert_eq!(
            SubjectPublicKeyInfo::from_der(&ed).unwrap().algorithm,
            PublicKeyAlgorithm::Ed25519
        );
    }

    #[test]
    fn trailing_bytes_rejected() {
        let mut der = encode_spki(PublicKeyAlgorithm::Ed25519, &[1; 32]);
        der.push(0);
        assert!(SubjectPublicKeyInfo::from_der(&der).is_err());
    }
}
