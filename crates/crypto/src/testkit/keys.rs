//! Key loading (PKCS#8, SEC 1, PKCS#1; PEM and DER) and sign → verify round trips with the
//! checked-in test keys under `testdata/keys/` (made with the `openssl` CLI, see its README).

use super::{note_skip, read_testdata, CheckResult};
use crate::sign::schemes_for_key_type;
use crate::{CryptoError, CryptoProvider, Curve, KeyType, PrivateKeyDer, SigningKey};
use std::sync::Arc;

/// A checked-in test key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TestKey {
    /// File under `testdata/keys/`.
    pub file: &'static str,
    /// The key type it holds.
    pub key_type: KeyType,
    /// The SubjectPublicKeyInfo OpenSSL wrote for it.
    pub spki_file: &'static str,
}

/// P-256, PKCS#8 PEM.
pub const P256_PKCS8_PEM: TestKey = TestKey {
    file: "p256.pkcs8.pem",
    key_type: KeyType::Ecdsa(Curve::P256),
    spki_file: "p256.spki.der",
};
/// P-256, PKCS#8 DER.
pub const P256_PKCS8_DER: TestKey = TestKey {
    file: "p256.pkcs8.der",
    ..P256_PKCS8_PEM
};
/// P-256, SEC 1 PEM ("EC PRIVATE KEY").
pub const P256_SEC1_PEM: TestKey = TestKey {
    file: "p256.sec1.pem",
    ..P256_PKCS8_PEM
};
/// P-256, SEC 1 DER.
pub const P256_SEC1_DER: TestKey = TestKey {
    file: "p256.sec1.der",
    ..P256_PKCS8_PEM
};
/// P-384, PKCS#8 PEM.
pub const P384_PKCS8: TestKey = TestKey {
    file: "p384.pkcs8.pem",
    key_type: KeyType::Ecdsa(Curve::P384),
    spki_file: "p384.spki.der",
};
/// RSA-2048, PKCS#8 PEM.
pub const RSA2048_PKCS8: TestKey = TestKey {
    file: "rsa2048.pkcs8.pem",
    key_type: KeyType::Rsa,
    spki_file: "rsa2048.spki.der",
};
/// RSA-2048, PKCS#1 PEM ("RSA PRIVATE KEY").
pub const RSA2048_PKCS1_PEM: TestKey = TestKey {
    file: "rsa2048.pkcs1.pem",
    ..RSA2048_PKCS8
};
/// RSA-2048, PKCS#1 DER.
pub const RSA2048_PKCS1_DER: TestKey = TestKey {
    file: "rsa2048.pkcs1.der",
    ..RSA2048_PKCS8
};
/// Ed25519, PKCS#8 v1 PEM (as OpenSSL writes it).
pub const ED25519_PKCS8: TestKey = TestKey {
    file: "ed25519.pkcs8.pem",
    key_type: KeyType::Ed25519,
    spki_file: "ed25519.spki.der",
};

/// One PKCS#8 key of each type, for round trips and cross-backend checks.
pub const ONE_OF_EACH: [TestKey; 4] = [P256_PKCS8_PEM, P384_PKCS8, RSA2048_PKCS8, ED25519_PKCS8];

impl TestKey {
    /// The private key, parsed from its PEM or DER file.
    pub fn private_key(&self) -> Result<PrivateKeyDer, String> {
        let bytes = read_testdata(&format!("keys/{}", self.file))?;
        PrivateKeyDer::from_pem_or_der(&bytes).map_err(|e| format!("{}: {e}", self.file))
    }

    /// The SubjectPublicKeyInfo OpenSSL wrote.
    pub fn spki(&self) -> Result<Vec<u8>, String> {
        read_testdata(&format!("keys/{}", self.spki_file))
    }
}

/// Whether `provider` claims it can sign with keys of this type.
fn can_sign(p: &dyn CryptoProvider, key_type: KeyType) -> bool {
    schemes_for_key_type(key_type)
        .iter()
        .any(|s| p.supported_signing_schemes().contains(s))
}

/// Loads `key` with `provider`: `Ok(None)` (after printing why) when the provider lacks the
/// key type or answers `Unsupported` for the container.
pub fn load(p: &dyn CryptoProvider, key: TestKey) -> Result<Option<Arc<dyn SigningKey>>, String> {
    if !can_sign(p, key.key_type) {
        note_skip(
            p,
            &format!("cannot sign with {:?} keys ({})", key.key_type, key.file),
        );
        return Ok(None);
    }
    match p.load_signing_key(&key.private_key()?) {
        Ok(k) => Ok(Some(k)),
        Err(CryptoError::Unsupported(why)) => {
            note_skip(p, &format!("cannot load {}: {why}", key.file));
            Ok(None)
        }
        Err(e) => Err(format!("loading {}: {e}", key.file)),
    }
}

/// Loads a key and checks its type, schemes and public key (against OpenSSL's SPKI).
pub fn check_key_loading(p: &dyn CryptoProvider, key: TestKey) -> CheckResult {
    let Some(loaded) = load(p, key)? else {
        return Ok(());
    };
    if loaded.key_type() != key.key_type {
        return Err(format!("{}: loaded as {:?}", key.file, loaded.key_type()));
    }
    let allowed = schemes_for_key_type(key.key_type);
    if loaded.schemes().is_empty() || loaded.schemes().iter().any(|s| !allowed.contains(s)) {
        return Err(format!("{}: schemes {:?}", key.file, loaded.schemes()));
    }
    if loaded.public_key_spki() != key.spki()? {
        return Err(format!(
            "{}: public_key_spki() differs from OpenSSL's {}",
            key.file, key.spki_file
        ));
    }
    Ok(())
}

/// Signs with every scheme the key offers (and the provider lists), verifies each signature
/// with the provider from the key's `public_key_spki()` and from OpenSSL's SPKI, and checks
/// that a modified message or signature fails and unknown schemes are refused.
pub fn check_sign_roundtrip(p: &dyn CryptoProvider, key: TestKey) -> CheckResult {
    let Some(loaded) = load(p, key)? else {
        return Ok(());
    };
    let spki = loaded.public_key_spki();
    let openssl_spki = key.spki()?;
    let message = b"tlskit sign/verify round trip: the quick brown fox";
    let mut signed = 0;
    for &scheme in loaded.schemes() {
        if !p.supported_signing_schemes().contains(&scheme) {
            note_skip(p, &format!("signing with {}", scheme.name()));
            continue;
        }
        let sig = loaded
            .sign(scheme, message)
            .map_err(|e| format!("{}: sign: {e}", scheme.name()))?;
        signed += 1;
        let alg = scheme.verify_algorithm();
        if !p.supported_verify_algorithms().contains(&alg) {
            note_skip(p, &format!("verifying {alg:?}"));
            continue;
        }
        for (which, spki) in [("own SPKI", &spki), ("OpenSSL SPKI", &openssl_spki)] {
            p.verify(alg, spki, message, &sig)
                .map_err(|e| format!("{} with {which}: verify: {e}", scheme.name()))?;
        }
        let mut tampered = message.to_vec();
        tampered[0] ^= 1;
        if p.verify(alg, &spki, &tampered, &sig) != Err(CryptoError::BadSignature) {
            return Err(format!(
                "{}: a modified message must be BadSignature",
                scheme.name()
            ));
        }
        let mut bad_sig = sig.clone();
        let mid = bad_sig.len() / 2;
        bad_sig[mid] ^= 0x10;
        if p.verify(alg, &spki, message, &bad_sig) != Err(CryptoError::BadSignature) {
            return Err(format!(
                "{}: a modified signature must be BadSignature",
                scheme.name()
            ));
        }
    }
    if signed == 0 {
        note_skip(p, &format!("no scheme of {} is offered", key.file));
    }
    for other in crate::SignatureScheme::ALL {
        if !loaded.schemes().contains(&other) && loaded.sign(other, message).is_ok() {
            return Err(format!(
                "{}: signed with foreign scheme {}",
                key.file,
                other.name()
            ));
        }
    }
    Ok(())
}

/// `key_loading_p256_pkcs8_pem`.
pub fn key_loading_p256_pkcs8_pem(p: &dyn CryptoProvider) -> CheckResult {
    check_key_loading(p, P256_PKCS8_PEM)
}
/// `key_loading_p256_pkcs8_der`.
pub fn key_loading_p256_pkcs8_der(p: &dyn CryptoProvider) -> CheckResult {
    check_key_loading(p, P256_PKCS8_DER)
}
/// `key_loading_p256_sec1_pem`.
pub fn key_loading_p256_sec1_pem(p: &dyn CryptoProvider) -> CheckResult {
    check_key_loading(p, P256_SEC1_PEM)
}
/// `key_loading_p256_sec1_der`.
pub fn key_loading_p256_sec1_der(p: &dyn CryptoProvider) -> CheckResult {
    check_key_loading(p, P256_SEC1_DER)
}
/// `key_loading_p384_pkcs8`.
pub fn key_loading_p384_pkcs8(p: &dyn CryptoProvider) -> CheckResult {
    check_key_loading(p, P384_PKCS8)
}
/// `key_loading_rsa2048_pkcs8`.
pub fn key_loading_rsa2048_pkcs8(p: &dyn CryptoProvider) -> CheckResult {
    check_key_loading(p, RSA2048_PKCS8)
}
/// `key_loading_rsa2048_pkcs1_pem`.
pub fn key_loading_rsa2048_pkcs1_pem(p: &dyn CryptoProvider) -> CheckResult {
    check_key_loading(p, RSA2048_PKCS1_PEM)
}
/// `key_loading_rsa2048_pkcs1_der`.
pub fn key_loading_rsa2048_pkcs1_der(p: &dyn CryptoProvider) -> CheckResult {
    check_key_loading(p, RSA2048_PKCS1_DER)
}
/// `key_loading_ed25519_pkcs8`.
pub fn key_loading_ed25519_pkcs8(p: &dyn CryptoProvider) -> CheckResult {
    check_key_loading(p, ED25519_PKCS8)
}

/// Malformed or mismatched key containers are errors, never panics.
pub fn key_loading_rejects_garbage(p: &dyn CryptoProvider) -> CheckResult {
    let p256 = P256_PKCS8_DER.private_key()?;
    let der = p256.der().to_vec();
    let rsa = RSA2048_PKCS1_DER.private_key()?;
    let cases = [
        ("empty PKCS#8", PrivateKeyDer::Pkcs8(vec![])),
        (
            "truncated PKCS#8",
            PrivateKeyDer::Pkcs8(der.get(..der.len() / 2).unwrap_or_default().to_vec()),
        ),
        (
            "PKCS#8 with trailing byte",
            PrivateKeyDer::Pkcs8([&der[..], &[0]].concat()),
        ),
        (
            "PKCS#8 bytes labelled SEC 1",
            PrivateKeyDer::Sec1(der.clone()),
        ),
        ("PKCS#8 bytes labelled PKCS#1", PrivateKeyDer::Pkcs1(der)),
        (
            "PKCS#1 bytes labelled PKCS#8",
            PrivateKeyDer::Pkcs8(rsa.der().to_vec()),
        ),
        (
            "garbage PKCS#1",
            PrivateKeyDer::Pkcs1(vec![0x30, 0x03, 0x02, 0x01, 0x00]),
        ),
    ];
    for (what, key) in cases {
        if p.load_signing_key(&key).is_ok() {
            return Err(format!("loading {what} must fail"));
        }
    }
    Ok(())
}

/// `sign_roundtrip_p256`.
pub fn sign_roundtrip_p256(p: &dyn CryptoProvider) -> CheckResult {
    check_sign_roundtrip(p, P256_PKCS8_PEM)?;
    check_sign_roundtrip(p, P256_SEC1_PEM)
}
/// `sign_roundtrip_p384`.
pub fn sign_roundtrip_p384(p: &dyn CryptoProvider) -> CheckResult {
    check_sign_roundtrip(p, P384_PKCS8)
}
/// `sign_roundtrip_rsa2048`.
pub fn sign_roundtrip_rsa2048(p: &dyn CryptoProvider) -> CheckResult {
    check_sign_roundtrip(p, RSA2048_PKCS8)?;
    check_sign_roundtrip(p, RSA2048_PKCS1_DER)
}
/// `sign_roundtrip_ed25519`.
pub fn sign_roundtrip_ed25519(p: &dyn CryptoProvider) -> CheckResult {
    check_sign_roundtrip(p, ED25519_PKCS8)
}

/// A valid signature checked against the wrong key or the wrong algorithm is
/// `BadSignature` (the provider contract for mismatched keys), not an error or a pass.
pub fn sign_roundtrip_wrong_key_type(p: &dyn CryptoProvider) -> CheckResult {
    let Some(p256) = load(p, P256_PKCS8_PEM)? else {
        return Ok(());
    };
    let scheme = crate::SignatureScheme::EcdsaSecp256r1Sha256;
    let sig = p256
        .sign(scheme, b"msg")
        .map_err(|e| format!("sign: {e}"))?;
    let alg = scheme.verify_algorithm();
    let mut others = vec![
        P384_PKCS8.spki()?,
        RSA2048_PKCS8.spki()?,
        ED25519_PKCS8.spki()?,
    ];
    others.push(vec![0x30, 0x00]);
    for spki in &others {
        match p.verify(alg, spki, b"msg", &sig) {
            Err(CryptoError::BadSignature) | Err(CryptoError::InvalidKey) => {}
            other => {
                return Err(format!(
                    "P-256 signature under a foreign key gave {other:?}"
                ))
            }
        }
    }
    let p384_alg = crate::VerifyAlgorithm::Ecdsa {
        curve: Curve::P384,
        hash: crate::HashAlgorithm::Sha384,
    };
    if p.supported_verify_algorithms().contains(&p384_alg)
        && p.verify(p384_alg, &p256.public_key_spki(), b"msg", &sig)
            != Err(CryptoError::BadSignature)
    {
        return Err("a P-256 key used with a P-384 algorithm must be BadSignature".into());
    }
    let p256_sha384 = crate::VerifyAlgorithm::Ecdsa {
        curve: Curve::P256,
        hash: crate::HashAlgorithm::Sha384,
    };
    if p.supported_verify_algorithms().contains(&p256_sha384)
        && p.verify(p256_sha384, &p256.public_key_spki(), b"msg", &sig)
            != Err(CryptoError::BadSignature)
    {
        return Err("an ECDSA SHA-256 signature must not verify as SHA-384".into());
    }
    Ok(())
}
