//! Signature algorithms of certificates and CRLs (RFC 5280 §4.1.1.2, RFC 4055,
//! RFC 5758, RFC 8410) mapped to the provider's [`VerifyAlgorithm`], and the key policy
//! of a TLS client (CA/B Forum BR §6.1.5, §7.1.3).

use crate::der::{tag, DerError, Reader};
use crate::oid;
use tlskit_crypto::{
    Curve, HashAlgorithm, KeyType, PublicKeyAlgorithm, SubjectPublicKeyInfo, VerifyAlgorithm,
};

/// A signature algorithm as named by an AlgorithmIdentifier, before the key is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 (sha{256,384,512}WithRSAEncryption).
    RsaPkcs1(HashAlgorithm),
    /// RSASSA-PSS with MGF1 over the same hash and salt = hash length.
    RsaPss(HashAlgorithm),
    /// ECDSA (ecdsa-with-SHA{256,384,512}).
    Ecdsa(HashAlgorithm),
    /// Ed25519.
    Ed25519,
}

/// Why a signature algorithm or key cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlgorithmProblem {
    /// Not one tlskit verifies (SHA-1, DSA, PSS with odd parameters, …).
    Unsupported,
    /// The AlgorithmIdentifier is malformed.
    Malformed,
    /// The algorithm does not fit the signer's key (ECDSA with an RSA key, …).
    KeyMismatch,
}

impl SignatureAlgorithm {
    /// Decodes a whole AlgorithmIdentifier TLV.
    pub fn from_der(alg: &[u8]) -> Result<Self, AlgorithmProblem> {
        let mut outer = Reader::new(alg);
        let mut body = outer
            .read_sequence("AlgorithmIdentifier")
            .map_err(|_| AlgorithmProblem::Malformed)?;
        outer.finish("").map_err(|_| AlgorithmProblem::Malformed)?;
        let id = body
            .read(tag::OID, "algorithm")
            .map_err(|_| AlgorithmProblem::Malformed)?;
        let params = body.read_tlv("parameters").ok();
        body.finish("").map_err(|_| AlgorithmProblem::Malformed)?;
        let null_params = matches!(params, Some(p) if p.tag == tag::NULL && p.value.is_empty());
        let rsa = |hash| {
            // RFC 4055 §5: the parameters MUST be NULL.
            if null_params {
                Ok(SignatureAlgorithm::RsaPkcs1(hash))
            } else {
                Err(AlgorithmProblem::Malformed)
            }
        };
        let ecdsa = |hash| {
            // RFC 5758 §3.2: the parameters MUST be absent.
            if params.is_none() {
                Ok(SignatureAlgorithm::Ecdsa(hash))
            } else {
                Err(AlgorithmProblem::Malformed)
            }
        };
        match id {
            oid::SHA256_WITH_RSA => rsa(HashAlgorithm::Sha256),
            oid::SHA384_WITH_RSA => rsa(HashAlgorithm::Sha384),
            oid::SHA512_WITH_RSA => rsa(HashAlgorithm::Sha512),
            oid::ECDSA_WITH_SHA256 => ecdsa(HashAlgorithm::Sha256),
            oid::ECDSA_WITH_SHA384 => ecdsa(HashAlgorithm::Sha384),
            oid::ECDSA_WITH_SHA512 => ecdsa(HashAlgorithm::Sha512),
            oid::ED25519 => {
                // RFC 8410 §3: parameters MUST be absent.
                if params.is_none() {
                    Ok(SignatureAlgorithm::Ed25519)
                } else {
                    Err(AlgorithmProblem::Malformed)
                }
            }
            oid::RSASSA_PSS => match params {
                Some(p) if p.tag == tag::SEQUENCE => {
                    pss_params(p.value).map(SignatureAlgorithm::RsaPss)
                }
                _ => Err(AlgorithmProblem::Unsupported),
            },
            _ => Err(AlgorithmProblem::Unsupported),
        }
    }

    /// The provider algorithm for this signature made by the key in `spki`.
    pub fn for_key(
        self,
        spki: &SubjectPublicKeyInfo<'_>,
    ) -> Result<VerifyAlgorithm, AlgorithmProblem> {
        match (self, spki.algorithm) {
            (SignatureAlgorithm::RsaPkcs1(hash), PublicKeyAlgorithm::Rsa) => {
                Ok(VerifyAlgorithm::RsaPkcs1 { hash })
            }
            (
                SignatureAlgorithm::RsaPss(hash),
                PublicKeyAlgorithm::Rsa | PublicKeyAlgorithm::RsaPss,
            ) => Ok(VerifyAlgorithm::RsaPss { hash }),
            (SignatureAlgorithm::Ecdsa(hash), PublicKeyAlgorithm::Ec(curve)) => {
                Ok(VerifyAlgorithm::Ecdsa { curve, hash })
            }
            (SignatureAlgorithm::Ed25519, PublicKeyAlgorithm::Ed25519) => {
                Ok(VerifyAlgorithm::Ed25519)
            }
            _ => Err(AlgorithmProblem::KeyMismatch),
        }
    }
}

/// A hash AlgorithmIdentifier inside PSS parameters: SHA-2 with absent or NULL
/// parameters (RFC 4055 §2.1 allows both in practice).
fn hash_algorithm(r: &mut Reader<'_>) -> Result<HashAlgorithm, DerError> {
    let mut alg = r.read_sequence("hash AlgorithmIdentifier")?;
    let id = alg.read(tag::OID, "hash OID")?;
    if !alg.is_empty() {
        if !alg.read(tag::NULL, "hash parameters")?.is_empty() {
            return Err(DerError("hash parameters"));
        }
        alg.finish("hash AlgorithmIdentifier")?;
    }
    match id {
        oid::SHA256 => Ok(HashAlgorithm::Sha256),
        oid::SHA384 => Ok(HashAlgorithm::Sha384),
        oid::SHA512 => Ok(HashAlgorithm::Sha512),
        _ => Err(DerError("unsupported hash")),
    }
}

/// RSASSA-PSS-params (RFC 4055 §3.1): only SHA-256/384/512 with MGF1 over the same hash,
/// a salt as long as the hash, and the default trailer — what the provider's
/// `VerifyAlgorithm::RsaPss` implements. Everything else is unsupported.
fn pss_params(contents: &[u8]) -> Result<HashAlgorithm, AlgorithmProblem> {
    let parse = || -> Result<Option<HashAlgorithm>, DerError> {
        let mut r = Reader::new(contents);
        // The SHA-1 defaults of absent fields are not supported.
        let Some(hash) = r.read_optional(tag::context_constructed(0), "hashAlgorithm")? else {
            return Ok(None);
        };
        let hash = {
            let mut h = Reader::new(hash);
            let alg = hash_algorithm(&mut h)?;
            h.finish("hashAlgorithm")?;
            alg
        };
        let Some(mgf) = r.read_optional(tag::context_constructed(1), "maskGenAlgorithm")? else {
            return Ok(None);
        };
        let mgf_hash = {
            let mut m = Reader::new(mgf);
            let mut alg = m.read_sequence("MaskGenAlgorithm")?;
            m.finish("maskGenAlgorithm")?;
            if alg.read(tag::OID, "mgf OID")? != oid::MGF1 {
                return Ok(None);
            }
            let h = hash_algorithm(&mut alg)?;
            alg.finish("MaskGenAlgorithm")?;
            h
        };
        let Some(salt) = r.read_optional(tag::context_constructed(2), "saltLength")? else {
            return Ok(None);
        };
        let salt = {
            let mut s = Reader::new(salt);
            let n = s.read_u64("saltLength")?;
            s.finish("saltLength")?;
            n
        };
        // trailerField DEFAULT 1: DER omits it; anything else is unsupported.
        if !r.is_empty() {
            return Ok(None);
        }
        let ok = mgf_hash == hash && usize::try_from(salt).ok() == Some(hash.output_len());
        Ok(ok.then_some(hash))
    };
    match parse() {
        Ok(Some(hash)) => Ok(hash),
        Ok(None) => Err(AlgorithmProblem::Unsupported),
        Err(_) => Err(AlgorithmProblem::Malformed),
    }
}

/// A public key that passes the client key policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyInfo<'a> {
    /// The decoded SPKI.
    pub spki: SubjectPublicKeyInfo<'a>,
    /// The key type, for the handshake's signature checks.
    pub key_type: KeyType,
    /// RSA modulus length in bits.
    pub rsa_bits: Option<usize>,
}

/// Why a key is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyProblem {
    /// Algorithm or curve tlskit does not accept (DSA, P-192, explicit curve parameters…).
    Unsupported,
    /// RSA modulus under 2048 bits or not a multiple of 8 (BR §6.1.5).
    WeakRsa(usize),
    /// Malformed key.
    Malformed,
}

/// Decodes `spki_der` and applies the policy: ECDSA on P-256/P-384 with named curves
/// (BR §7.1.3.1.2), RSA with a modulus of at least 2048 bits divisible by 8 (BR
/// §6.1.5), or Ed25519.
pub fn check_public_key(spki_der: &[u8]) -> Result<KeyInfo<'_>, KeyProblem> {
    let spki = SubjectPublicKeyInfo::from_der(spki_der).map_err(|e| match e {
        tlskit_crypto::CryptoError::Unsupported(_) => KeyProblem::Unsupported,
        _ => KeyProblem::Malformed,
    })?;
    let (key_type, rsa_bits) = match spki.algorithm {
        PublicKeyAlgorithm::Ec(curve @ (Curve::P256 | Curve::P384)) => {
            (KeyType::Ecdsa(curve), None)
        }
        PublicKeyAlgorithm::Rsa | PublicKeyAlgorithm::RsaPss => {
            let bits = rsa_modulus_bits(spki.key).ok_or(KeyProblem::Malformed)?;
            if bits < 2048 || bits % 8 != 0 {
                return Err(KeyProblem::WeakRsa(bits));
            }
            (KeyType::Rsa, Some(bits))
        }
        PublicKeyAlgorithm::Ed25519 => (KeyType::Ed25519, None),
    };
    Ok(KeyInfo {
        spki,
        key_type,
        rsa_bits,
    })
}

/// The bit length of the modulus of a PKCS#1 RSAPublicKey.
fn rsa_modulus_bits(key: &[u8]) -> Option<usize> {
    let mut r = Reader::new(key);
    let mut body = r.read_sequence("RSAPublicKey").ok()?;
    r.finish("").ok()?;
    let modulus = body.read_integer("modulus").ok()?;
    body.read_integer("publicExponent").ok()?;
    body.finish("").ok()?;
    let (&first, _) = modulus.split_first()?;
    if first & 0x80 != 0 {
        return None; // negative modulus
    }
    let magnitude = if first == 0 {
        modulus.get(1..)?
    } else {
        modulus
    };
    let (&top, _) = magnitude.split_first()?;
    Some(magnitude.len() * 8 - top.leading_zeros() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alg(oid: &[u8], params: &[u8]) -> Vec<u8> {
        let mut body = vec![tag::OID, oid.len() as u8];
        body.extend_from_slice(oid);
        body.extend_from_slice(params);
        let mut out = vec![tag::SEQUENCE, body.len() as u8];
        out.extend(body);
        out
    }

    #[test]
    fn algorithm_identifiers() {
        assert_eq!(
            SignatureAlgorithm::from_der(&alg(oid::SHA256_WITH_RSA, &[5, 0])),
            Ok(SignatureAlgorithm::RsaPkcs1(HashAlgorithm::Sha256))
        );
        assert_eq!(
            SignatureAlgorithm::from_der(&alg(oid::SHA256_WITH_RSA, &[])),
            Err(AlgorithmProblem::Malformed)
        );
        assert_eq!(
            SignatureAlgorithm::from_der(&alg(oid::ECDSA_WITH_SHA384, &[])),
            Ok(SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha384))
        );
        // sha1WithRSAEncryption
        assert_eq!(
            SignatureAlgorithm::from_der(&alg(
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05],
                &[5, 0]
            )),
            Err(AlgorithmProblem::Unsupported)
        );
    }

    #[test]
    fn pss_parameters() {
        // RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32 (as OpenSSL writes it).
        let hex = "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120";
        let der: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        assert_eq!(
            SignatureAlgorithm::from_der(&der),
            Ok(SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256))
        );
        // Same with salt 20: unsupported.
        let mut salt20 = der.clone();
        let last = salt20.len() - 1;
        salt20[last] = 20;
        assert_eq!(
            SignatureAlgorithm::from_der(&salt20),
            Err(AlgorithmProblem::Unsupported)
        );
    }

    #[test]
    fn rsa_sizes() {
        let mut modulus = vec![0u8];
        modulus.extend(std::iter::repeat_n(0xff, 256));
        let mut key = vec![tag::INTEGER, 0x82, 0x01, 0x01];
        key.extend(&modulus);
        key.extend([tag::INTEGER, 3, 1, 0, 1]);
        let mut seq = vec![tag::SEQUENCE, 0x82];
        seq.extend((key.len() as u16).to_be_bytes());
        seq.extend(key);
        assert_eq!(rsa_modulus_bits(&seq), Some(2048));
    }
}
