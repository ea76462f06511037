//! Signatures: TLS SignatureScheme code points, the verification algorithms X.509 needs,
//! private keys in PKCS#8 / SEC1 / PKCS#1, and the signing-key trait.

use crate::{CryptoError, HashAlgorithm};
use std::fmt;

/// The elliptic curves used for ECDSA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
}

/// TLS SignatureScheme (RFC 8446 §4.2.3) for the schemes tlskit supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignatureScheme {
    /// rsa_pkcs1_sha256 (0x0401)
    RsaPkcs1Sha256,
    /// rsa_pkcs1_sha384 (0x0501)
    RsaPkcs1Sha384,
    /// rsa_pkcs1_sha512 (0x0601)
    RsaPkcs1Sha512,
    /// ecdsa_secp256r1_sha256 (0x0403)
    EcdsaSecp256r1Sha256,
    /// ecdsa_secp384r1_sha384 (0x0503)
    EcdsaSecp384r1Sha384,
    /// rsa_pss_rsae_sha256 (0x0804)
    RsaPssRsaeSha256,
    /// rsa_pss_rsae_sha384 (0x0805)
    RsaPssRsaeSha384,
    /// rsa_pss_rsae_sha512 (0x0806)
    RsaPssRsaeSha512,
    /// ed25519 (0x0807)
    Ed25519,
}

impl SignatureScheme {
    /// Every scheme, in tlskit's default preference order (RFC 8446 §4.2.3 lets the sender
    /// choose): ECDSA and Ed25519 first, RSA-PSS before PKCS#1 v1.5.
    pub const ALL: [SignatureScheme; 9] = [
        SignatureScheme::EcdsaSecp256r1Sha256,
        SignatureScheme::EcdsaSecp384r1Sha384,
        SignatureScheme::Ed25519,
        SignatureScheme::RsaPssRsaeSha256,
        SignatureScheme::RsaPssRsaeSha384,
        SignatureScheme::RsaPssRsaeSha512,
        SignatureScheme::RsaPkcs1Sha256,
        SignatureScheme::RsaPkcs1Sha384,
        SignatureScheme::RsaPkcs1Sha512,
    ];

    /// The TLS code point.
    pub const fn code(self) -> u16 {
        match self {
            SignatureScheme::RsaPkcs1Sha256 => 0x0401,
            SignatureScheme::RsaPkcs1Sha384 => 0x0501,
            SignatureScheme::RsaPkcs1Sha512 => 0x0601,
            SignatureScheme::EcdsaSecp256r1Sha256 => 0x0403,
            SignatureScheme::EcdsaSecp384r1Sha384 => 0x0503,
            SignatureScheme::RsaPssRsaeSha256 => 0x0804,
            SignatureScheme::RsaPssRsaeSha384 => 0x0805,
            SignatureScheme::RsaPssRsaeSha512 => 0x0806,
            SignatureScheme::Ed25519 => 0x0807,
        }
    }

    /// From a TLS code point, if supported.
    pub fn from_code(code: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The IANA name.
    pub const fn name(self) -> &'static str {
        match self {
            SignatureScheme::RsaPkcs1Sha256 => "rsa_pkcs1_sha256",
            SignatureScheme::RsaPkcs1Sha384 => "rsa_pkcs1_sha384",
            SignatureScheme::RsaPkcs1Sha512 => "rsa_pkcs1_sha512",
            SignatureScheme::EcdsaSecp256r1Sha256 => "ecdsa_secp256r1_sha256",
            SignatureScheme::EcdsaSecp384r1Sha384 => "ecdsa_secp384r1_sha384",
            SignatureScheme::RsaPssRsaeSha256 => "rsa_pss_rsae_sha256",
            SignatureScheme::RsaPssRsaeSha384 => "rsa_pss_rsae_sha384",
            SignatureScheme::RsaPssRsaeSha512 => "rsa_pss_rsae_sha512",
            SignatureScheme::Ed25519 => "ed25519",
        }
    }

    /// The verification algorithm this scheme denotes.
    pub const fn verify_algorithm(self) -> VerifyAlgorithm {
        use HashAlgorithm::*;
        match self {
            SignatureScheme::RsaPkcs1Sha256 => VerifyAlgorithm::RsaPkcs1 { hash: Sha256 },
            SignatureScheme::RsaPkcs1Sha384 => VerifyAlgorithm::RsaPkcs1 { hash: Sha384 },
            SignatureScheme::RsaPkcs1Sha512 => VerifyAlgorithm::RsaPkcs1 { hash: Sha512 },
            SignatureScheme::EcdsaSecp256r1Sha256 => VerifyAlgorithm::Ecdsa {
                curve: Curve::P256,
                hash: Sha256,
            },
            SignatureScheme::EcdsaSecp384r1Sha384 => VerifyAlgorithm::Ecdsa {
                curve: Curve::P384,
                hash: Sha384,
            },
            SignatureScheme::RsaPssRsaeSha256 => VerifyAlgorithm::RsaPss { hash: Sha256 },
            SignatureScheme::RsaPssRsaeSha384 => VerifyAlgorithm::RsaPss { hash: Sha384 },
            SignatureScheme::RsaPssRsaeSha512 => VerifyAlgorithm::RsaPss { hash: Sha512 },
            SignatureScheme::Ed25519 => VerifyAlgorithm::Ed25519,
        }
    }

    /// The key type that can make this signature.
    pub const fn key_type(self) -> KeyType {
        match self.verify_algorithm() {
            VerifyAlgorithm::Ecdsa { curve, .. } => KeyType::Ecdsa(curve),
            VerifyAlgorithm::RsaPkcs1 { .. } | VerifyAlgorithm::RsaPss { .. } => KeyType::Rsa,
            VerifyAlgorithm::Ed25519 => KeyType::Ed25519,
        }
    }
}

/// A signature verification algorithm, general enough for X.509 (which, unlike TLS 1.3,
/// allows e.g. ECDSA P-384 with SHA-256).
///
/// ECDSA signatures are DER `Ecdsa-Sig-Value` (RFC 5480 / RFC 8422 §5.4); RSA-PSS uses MGF1
/// with the same hash and a salt as long as the hash (RFC 8446 §4.2.3); RSA moduli from 2048
/// to 8192 bits (backends may accept 1024 where their library does, see capabilities).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VerifyAlgorithm {
    /// ECDSA on `curve` over `hash`, DER signature.
    Ecdsa {
        /// The key's curve.
        curve: Curve,
        /// The message digest.
        hash: HashAlgorithm,
    },
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2).
    RsaPkcs1 {
        /// The message digest.
        hash: HashAlgorithm,
    },
    /// RSASSA-PSS (RFC 8017 §8.1), MGF1 with `hash`, salt length = hash length.
    RsaPss {
        /// The message and MGF1 digest.
        hash: HashAlgorithm,
    },
    /// Ed25519 (RFC 8032), pure.
    Ed25519,
}

impl VerifyAlgorithm {
    /// Every verification algorithm tlskit knows, for capability lists.
    pub const ALL: [VerifyAlgorithm; 13] = {
        use Curve::*;
        use HashAlgorithm::*;
        [
            VerifyAlgorithm::Ecdsa {
                curve: P256,
                hash: Sha256,
            },
            VerifyAlgorithm::Ecdsa {
                curve: P256,
                hash: Sha384,
            },
            VerifyAlgorithm::Ecdsa {
                curve: P256,
                hash: Sha512,
            },
            VerifyAlgorithm::Ecdsa {
                curve: P384,
                hash: Sha256,
            },
            VerifyAlgorithm::Ecdsa {
                curve: P384,
                hash: Sha384,
            },
            VerifyAlgorithm::Ecdsa {
                curve: P384,
                hash: Sha512,
            },
            VerifyAlgorithm::RsaPkcs1 { hash: Sha256 },
            VerifyAlgorithm::RsaPkcs1 { hash: Sha384 },
            VerifyAlgorithm::RsaPkcs1 { hash: Sha512 },
            VerifyAlgorithm::RsaPss { hash: Sha256 },
            VerifyAlgorithm::RsaPss { hash: Sha384 },
            VerifyAlgorithm::RsaPss { hash: Sha512 },
            VerifyAlgorithm::Ed25519,
        ]
    };
}

/// The kind of a key pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyType {
    /// ECDSA on a NIST curve.
    Ecdsa(Curve),
    /// RSA (PKCS#1 v1.5 and PSS signatures).
    Rsa,
    /// Ed25519.
    Ed25519,
}

/// A private key's DER encoding, tagged with its container format.
#[derive(Clone, PartialEq, Eq)]
pub enum PrivateKeyDer {
    /// PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (RFC 5208, RFC 5958): "PRIVATE KEY".
    Pkcs8(Vec<u8>),
    /// SEC 1 `ECPrivateKey` (RFC 5915): "EC PRIVATE KEY".
    Sec1(Vec<u8>),
    /// PKCS#1 `RSAPrivateKey` (RFC 8017 appendix A.1.2): "RSA PRIVATE KEY".
    Pkcs1(Vec<u8>),
}

impl PrivateKeyDer {
    /// Reads a private key from PEM (the first "PRIVATE KEY", "EC PRIVATE KEY" or
    /// "RSA PRIVATE KEY" block) or from DER (format detected from the structure).
    pub fn from_pem_or_der(input: &[u8]) -> Result<Self, CryptoError> {
        if let Some(blocks) = crate::pem::parse_all(input) {
            for block in blocks {
                match block.label.as_str() {
                    "PRIVATE KEY" => return Ok(PrivateKeyDer::Pkcs8(block.der)),
                    "EC PRIVATE KEY" => return Ok(PrivateKeyDer::Sec1(block.der)),
                    "RSA PRIVATE KEY" => return Ok(PrivateKeyDer::Pkcs1(block.der)),
                    _ => continue,
                }
            }
            return Err(CryptoError::InvalidKey);
        }
        crate::der::classify_private_key(input).ok_or(CryptoError::InvalidKey)
    }

    /// The DER bytes.
    pub fn der(&self) -> &[u8] {
        match self {
            PrivateKeyDer::Pkcs8(d) | PrivateKeyDer::Sec1(d) | PrivateKeyDer::Pkcs1(d) => d,
        }
    }
}

impl Drop for PrivateKeyDer {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        match self {
            PrivateKeyDer::Pkcs8(d) | PrivateKeyDer::Sec1(d) | PrivateKeyDer::Pkcs1(d) => {
                d.zeroize()
            }
        }
    }
}

impl fmt::Debug for PrivateKeyDer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            PrivateKeyDer::Pkcs8(_) => "Pkcs8",
            PrivateKeyDer::Sec1(_) => "Sec1",
            PrivateKeyDer::Pkcs1(_) => "Pkcs1",
        };
        write!(
            f,
            "PrivateKeyDer::{kind}({} bytes, redacted)",
            self.der().len()
        )
    }
}

/// A loaded private key that signs.
pub trait SigningKey: Send + Sync {
    /// The key's type.
    fn key_type(&self) -> KeyType;

    /// The schemes this key can sign with, in preference order.
    fn schemes(&self) -> &[SignatureScheme];

    /// Signs `message` (the whole message; the scheme's hash is applied inside).
    /// ECDSA output is DER; a scheme not in [`SigningKey::schemes`] is
    /// [`CryptoError::Unsupported`].
    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, CryptoError>;

    /// The public key as a DER SubjectPublicKeyInfo.
    fn public_key_spki(&self) -> Vec<u8>;
}

impl fmt::Debug for dyn SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({:?}, redacted)", self.key_type())
    }
}

/// The schemes a key of `key_type` signs with, in tlskit's preference order.
pub fn schemes_for_key_type(key_type: KeyType) -> &'static [SignatureScheme] {
    match key_type {
        KeyType::Ecdsa(Curve::P256) => &[SignatureScheme::EcdsaSecp256r1Sha256],
        KeyType::Ecdsa(Curve::P384) => &[SignatureScheme::EcdsaSecp384r1Sha384],
        KeyType::Ed25519 => &[SignatureScheme::Ed25519],
        KeyType::Rsa => &[
            SignatureScheme::RsaPssRsaeSha256,
            SignatureScheme::RsaPssRsaeSha384,
            SignatureScheme::RsaPssRsaeSha512,
            SignatureScheme::RsaPkcs1Sha256,
            SignatureScheme::RsaPkcs1Sha384,
            SignatureScheme::RsaPkcs1Sha512,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_codes_round_trip() {
        for s in SignatureScheme::ALL {
            assert_eq!(SignatureScheme::from_code(s.code()), Some(s));
        }
        assert_eq!(SignatureScheme::from_code(0x0201), None);
    }
}
