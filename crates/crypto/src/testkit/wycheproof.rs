//! Runners for the Project Wycheproof vector files in `testdata/wycheproof/` (Apache-2.0,
//! copied unmodified; see the README there).
//!
//! Each runner returns an [`Outcome`]. `valid` vectors must be accepted with the expected
//! output, `invalid` ones rejected, `acceptable` ones may go either way (but if accepted,
//! the output must still be right). A vector is skipped only with a named reason: it lies
//! outside what the TLS interface can express (a nonce that is not 12 bytes, a tag that is
//! not 16 bytes, AES-192, a compressed point TLS forbids) or the provider lacks the
//! algorithm.

use super::{unhex, Outcome};
use crate::spki::{PublicKeyAlgorithm, SubjectPublicKeyInfo};
use crate::{
    AeadAlgorithm, CryptoError, CryptoProvider, Curve, HashAlgorithm, NamedGroup, VerifyAlgorithm,
    NONCE_LEN, TAG_LEN,
};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

/// What the provider did with a vector.
enum Verdict {
    /// Accepted; `correct` says whether the output matched the vector.
    Accepted { correct: bool },
    /// Rejected, with the error.
    Rejected(String),
}

/// One test case of a file.
struct Case<'a> {
    id: u64,
    comment: &'a str,
    result: &'a str,
    test: &'a Value,
}

impl Case<'_> {
    fn hex(&self, field: &str) -> Result<Vec<u8>, String> {
        unhex(
            self.test
                .get(field)
                .and_then(Value::as_str)
                .unwrap_or_default(),
        )
    }

    fn is_valid(&self) -> bool {
        self.result == "valid"
    }
}

/// Scores a verdict against the expected result.
fn judge(out: &mut Outcome, case: &Case<'_>, verdict: Verdict) {
    match (case.result, verdict) {
        ("valid", Verdict::Accepted { correct: true })
        | ("invalid", Verdict::Rejected(_))
        | ("acceptable", Verdict::Accepted { correct: true })
        | ("acceptable", Verdict::Rejected(_)) => out.passed += 1,
        (_, Verdict::Accepted { correct: false }) => out.fail(
            case.id,
            case.comment,
            "accepted but produced the wrong output",
        ),
        ("invalid", Verdict::Accepted { .. }) => {
            out.fail(case.id, case.comment, "invalid vector was accepted")
        }
        ("valid", Verdict::Rejected(why)) => out.fail(
            case.id,
            case.comment,
            format!("valid vector was rejected: {why}"),
        ),
        (other, _) => out.fail(case.id, case.comment, format!("unknown result {other:?}")),
    }
}

/// Reads `file` and calls `each(outcome, group, case)` for every test case.
fn run_file(
    file: &str,
    mut each: impl FnMut(&mut Outcome, &Value, &Case<'_>) -> Result<(), String>,
) -> Outcome {
    let mut out = Outcome::new(file);
    let json: Value = match super::read_testdata(&format!("wycheproof/{file}"))
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| format!("{file}: {e}")))
    {
        Ok(v) => v,
        Err(e) => {
            out.unexpected.push(e);
            return out;
        }
    };
    let groups = json
        .get("testGroups")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for group in &groups {
        let tests = group
            .get("tests")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for test in tests {
            let case = Case {
                id: test.get("tcId").and_then(Value::as_u64).unwrap_or(0),
                comment: test.get("comment").and_then(Value::as_str).unwrap_or(""),
                result: test.get("result").and_then(Value::as_str).unwrap_or(""),
                test,
            };
            out.run += 1;
            if let Err(e) = each(&mut out, group, &case) {
                out.fail(case.id, case.comment, e);
            }
        }
    }
    if let Some(declared) = json.get("numberOfTests").and_then(Value::as_u64) {
        if declared as usize != out.run {
            out.unexpected
                .push(format!("file declares {declared} tests, {} read", out.run));
        }
    }
    out
}

fn group_str<'a>(group: &'a Value, field: &str) -> &'a str {
    group.get(field).and_then(Value::as_str).unwrap_or("")
}

fn group_hex(group: &Value, field: &str) -> Result<Vec<u8>, String> {
    unhex(group_str(group, field))
}

fn hash_from_name(name: &str) -> Option<HashAlgorithm> {
    match name {
        "SHA-256" => Some(HashAlgorithm::Sha256),
        "SHA-384" => Some(HashAlgorithm::Sha384),
        "SHA-512" => Some(HashAlgorithm::Sha512),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// AEAD

fn run_aead(p: &dyn CryptoProvider, file: &str, chacha: bool) -> Outcome {
    run_file(file, |out, _group, case| {
        let key = case.hex("key")?;
        let iv = case.hex("iv")?;
        let aad = case.hex("aad")?;
        let msg = case.hex("msg")?;
        let ct = case.hex("ct")?;
        let tag = case.hex("tag")?;
        let alg = match (chacha, key.len()) {
            (true, 32) => AeadAlgorithm::ChaCha20Poly1305,
            (false, 16) => AeadAlgorithm::Aes128Gcm,
            (false, 32) => AeadAlgorithm::Aes256Gcm,
            (false, 24) => {
                out.skip("AES-192 is not a TLS cipher");
                return Ok(());
            }
            (_, n) => {
                out.skip(format!("{n}-byte key is not used by TLS"));
                return Ok(());
            }
        };
        let Ok(nonce) = <[u8; NONCE_LEN]>::try_from(iv.as_slice()) else {
            out.skip("IV is not 12 bytes (TLS AEAD nonces are 12 bytes, RFC 8446 §5.3)");
            return Ok(());
        };
        let Ok(tag) = <[u8; TAG_LEN]>::try_from(tag.as_slice()) else {
            out.skip("tag is not 16 bytes (TLS AEADs use full tags, RFC 5116 §5)");
            return Ok(());
        };
        let Some(aead) = p.aead(alg) else {
            out.skip(format!("provider lacks {}", alg.name()));
            return Ok(());
        };
        let key = match aead.new_key(&key) {
            Ok(k) => k,
            Err(e) => {
                judge(out, case, Verdict::Rejected(format!("new_key: {e}")));
                return Ok(());
            }
        };
        let mut opened = ct.clone();
        let verdict = match key.open_in_place(&nonce, &aad, &mut opened, &tag) {
            Err(e) => Verdict::Rejected(format!("open: {e}")),
            Ok(()) => {
                let mut sealed = msg.clone();
                let mut sealed_tag = [0u8; TAG_LEN];
                let seal_ok = key
                    .seal_in_place(&nonce, &aad, &mut sealed, &mut sealed_tag)
                    .is_ok();
                Verdict::Accepted {
                    correct: opened == msg && seal_ok && sealed == ct && sealed_tag == tag,
                }
            }
        };
        judge(out, case, verdict);
        Ok(())
    })
}

/// `aes_gcm_test.json`: AES-128-GCM and AES-256-GCM.
pub fn aes_gcm(p: &dyn CryptoProvider) -> Outcome {
    run_aead(p, "aes_gcm_test.json", false)
}

/// `chacha20_poly1305_test.json`.
pub fn chacha20_poly1305(p: &dyn CryptoProvider) -> Outcome {
    run_aead(p, "chacha20_poly1305_test.json", true)
}

// ---------------------------------------------------------------------------------------
// Key agreement

/// Runs one key agreement with a known private key. `None` when the provider cannot import
/// private keys (the caller skips).
fn agree(
    p: &dyn CryptoProvider,
    group: NamedGroup,
    private_key: &[u8],
    peer: &[u8],
    shared: &[u8],
) -> Result<Option<Verdict>, String> {
    let Some(kx) = p.key_exchange(group) else {
        return Ok(None);
    };
    let active = match kx.start_with_private_key(private_key) {
        Ok(a) => a,
        Err(CryptoError::Unsupported(_)) => return Ok(None),
        Err(e) => return Err(format!("private key rejected: {e}")),
    };
    Ok(Some(match active.complete(peer) {
        Ok(secret) => Verdict::Accepted {
            correct: secret.as_bytes() == shared,
        },
        Err(e) => Verdict::Rejected(format!("complete: {e}")),
    }))
}

fn skip_reason_for_group(p: &dyn CryptoProvider, group: NamedGroup) -> String {
    if p.key_exchange(group).is_none() {
        format!("provider lacks {}", group.name())
    } else {
        format!("provider cannot import a {} private key", group.name())
    }
}

/// `x25519_test.json` (RFC 7748). All-zero results are refused by the interface (RFC 8446
/// §7.4.2); Wycheproof marks those vectors `acceptable`.
pub fn x25519(p: &dyn CryptoProvider) -> Outcome {
    run_file("x25519_test.json", |out, _group, case| {
        let private_key = case.hex("private")?;
        let public = case.hex("public")?;
        let shared = case.hex("shared")?;
        match agree(p, NamedGroup::X25519, &private_key, &public, &shared)? {
            Some(verdict) => judge(out, case, verdict),
            None => out.skip(skip_reason_for_group(p, NamedGroup::X25519)),
        }
        Ok(())
    })
}

/// Left-pads or strips leading zeros of a big-endian scalar to `len` bytes (Wycheproof
/// writes scalars as ASN.1-style integers, sometimes with a leading 00).
fn fixed_scalar(bytes: &[u8], len: usize) -> Option<Vec<u8>> {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let significant = bytes.get(first..)?;
    let pad = len.checked_sub(significant.len())?;
    let mut out = vec![0u8; pad];
    out.extend_from_slice(significant);
    Some(out)
}

const COMPRESSED_SKIP: &str = "compressed point: TLS requires uncompressed (RFC 8422 §5.4.1)";

fn run_ecdh(p: &dyn CryptoProvider, file: &str, group: NamedGroup, spki_encoded: bool) -> Outcome {
    let (curve, scalar_len) = match group {
        NamedGroup::Secp384r1 => (Curve::P384, 48),
        _ => (Curve::P256, 32),
    };
    run_file(file, |out, _group, case| {
        if p.key_exchange(group).is_none() {
            out.skip(skip_reason_for_group(p, group));
            return Ok(());
        }
        let private_key = case.hex("private")?;
        let public = case.hex("public")?;
        let shared = case.hex("shared")?;
        let Some(private_key) = fixed_scalar(&private_key, scalar_len) else {
            return Err("private scalar longer than the curve order".into());
        };
        // The SPKI-encoded file tests the DER wrapper as well: one that does not decode to
        // a key on this curve is a rejected peer key.
        let point = if spki_encoded {
            match SubjectPublicKeyInfo::from_der(&public) {
                Ok(spki) if spki.algorithm == PublicKeyAlgorithm::Ec(curve) => spki.key.to_vec(),
                Ok(spki) => {
                    judge(
                        out,
                        case,
                        Verdict::Rejected(format!("SPKI is for {:?}", spki.algorithm)),
                    );
                    return Ok(());
                }
                Err(e) => {
                    judge(out, case, Verdict::Rejected(format!("SPKI: {e}")));
                    return Ok(());
                }
            }
        } else {
            public
        };
        if case.is_valid() && matches!(point.first(), Some(2 | 3)) {
            out.skip(COMPRESSED_SKIP);
            return Ok(());
        }
        match agree(p, group, &private_key, &point, &shared)? {
            Some(verdict) => judge(out, case, verdict),
            None => out.skip(skip_reason_for_group(p, group)),
        }
        Ok(())
    })
}

/// `ecdh_secp256r1_test.json`: peer keys as DER SubjectPublicKeyInfo.
pub fn ecdh_secp256r1(p: &dyn CryptoProvider) -> Outcome {
    run_ecdh(p, "ecdh_secp256r1_test.json", NamedGroup::Secp256r1, true)
}

/// `ecdh_secp256r1_ecpoint_test.json`: peer keys as raw SEC 1 points (the TLS form).
pub fn ecdh_secp256r1_ecpoint(p: &dyn CryptoProvider) -> Outcome {
    run_ecdh(
        p,
        "ecdh_secp256r1_ecpoint_test.json",
        NamedGroup::Secp256r1,
        false,
    )
}

/// `ecdh_secp384r1_test.json`: peer keys as DER SubjectPublicKeyInfo.
pub fn ecdh_secp384r1(p: &dyn CryptoProvider) -> Outcome {
    run_ecdh(p, "ecdh_secp384r1_test.json", NamedGroup::Secp384r1, true)
}

/// `ecdh_secp384r1_ecpoint_test.json`: peer keys as raw SEC 1 points.
pub fn ecdh_secp384r1_ecpoint(p: &dyn CryptoProvider) -> Outcome {
    run_ecdh(
        p,
        "ecdh_secp384r1_ecpoint_test.json",
        NamedGroup::Secp384r1,
        false,
    )
}

// ---------------------------------------------------------------------------------------
// Signatures

/// Runs a verify file. `algorithm` maps a test group to the verification algorithm, or to
/// a skip reason.
fn run_verify(
    p: &dyn CryptoProvider,
    file: &str,
    algorithm: impl Fn(&Value) -> Result<VerifyAlgorithm, String>,
) -> Outcome {
    run_file(file, |out, group, case| {
        let alg = match algorithm(group) {
            Ok(a) => a,
            Err(reason) => {
                out.skip(reason);
                return Ok(());
            }
        };
        if !p.supported_verify_algorithms().contains(&alg) {
            out.skip(format!("provider lacks {alg:?}"));
            return Ok(());
        }
        let spki = group_hex(group, "publicKeyDer")?;
        let msg = case.hex("msg")?;
        let sig = case.hex("sig")?;
        let verdict = match p.verify(alg, &spki, &msg, &sig) {
            Ok(()) => Verdict::Accepted { correct: true },
            Err(e @ CryptoError::Unsupported(_)) => {
                return Err(format!("listed algorithm answered {e}"));
            }
            Err(e) => Verdict::Rejected(e.to_string()),
        };
        judge(out, case, verdict);
        Ok(())
    })
}

fn ecdsa(p: &dyn CryptoProvider, file: &str) -> Outcome {
    run_verify(p, file, |group| {
        let curve = match group
            .get("publicKey")
            .and_then(|k| k.get("curve"))
            .and_then(Value::as_str)
        {
            Some("secp256r1") => Curve::P256,
            Some("secp384r1") => Curve::P384,
            other => return Err(format!("curve {other:?} is not used by tlskit")),
        };
        let hash = hash_from_name(group_str(group, "sha"))
            .ok_or_else(|| format!("hash {} is not used by tlskit", group_str(group, "sha")))?;
        Ok(VerifyAlgorithm::Ecdsa { curve, hash })
    })
}

/// `ecdsa_secp256r1_sha256_test.json` (DER signatures).
pub fn ecdsa_secp256r1_sha256(p: &dyn CryptoProvider) -> Outcome {
    ecdsa(p, "ecdsa_secp256r1_sha256_test.json")
}

/// `ecdsa_secp384r1_sha256_test.json` (X.509 allows P-384 with SHA-256).
pub fn ecdsa_secp384r1_sha256(p: &dyn CryptoProvider) -> Outcome {
    ecdsa(p, "ecdsa_secp384r1_sha256_test.json")
}

/// `ecdsa_secp384r1_sha384_test.json`.
pub fn ecdsa_secp384r1_sha384(p: &dyn CryptoProvider) -> Outcome {
    ecdsa(p, "ecdsa_secp384r1_sha384_test.json")
}

/// `ed25519_test.json` (RFC 8032).
pub fn ed25519(p: &dyn CryptoProvider) -> Outcome {
    run_verify(p, "ed25519_test.json", |_| Ok(VerifyAlgorithm::Ed25519))
}

fn rsa_pss(p: &dyn CryptoProvider, file: &str) -> Outcome {
    run_verify(p, file, |group| {
        let hash = hash_from_name(group_str(group, "sha"))
            .ok_or_else(|| format!("hash {} is not used by tlskit", group_str(group, "sha")))?;
        let salt = group.get("sLen").and_then(Value::as_u64);
        if group_str(group, "mgf") != "MGF1"
            || group_str(group, "mgfSha") != group_str(group, "sha")
            || salt != Some(hash.output_len() as u64)
        {
            return Err(
                "PSS parameters other than MGF1 with the same hash and salt = hash length \
                 (RFC 8446 §4.2.3)"
                    .into(),
            );
        }
        Ok(VerifyAlgorithm::RsaPss { hash })
    })
}

/// `rsa_pss_2048_sha256_mgf1_32_test.json`.
pub fn rsa_pss_2048_sha256_mgf1_32(p: &dyn CryptoProvider) -> Outcome {
    rsa_pss(p, "rsa_pss_2048_sha256_mgf1_32_test.json")
}

/// `rsa_pss_2048_sha384_mgf1_48_test.json`.
pub fn rsa_pss_2048_sha384_mgf1_48(p: &dyn CryptoProvider) -> Outcome {
    rsa_pss(p, "rsa_pss_2048_sha384_mgf1_48_test.json")
}

fn rsa_pkcs1(p: &dyn CryptoProvider, file: &str) -> Outcome {
    run_verify(p, file, |group| {
        let hash = hash_from_name(group_str(group, "sha"))
            .ok_or_else(|| format!("hash {} is not used by tlskit", group_str(group, "sha")))?;
        Ok(VerifyAlgorithm::RsaPkcs1 { hash })
    })
}

/// `rsa_signature_2048_sha256_test.json` (RSASSA-PKCS1-v1_5).
pub fn rsa_signature_2048_sha256(p: &dyn CryptoProvider) -> Outcome {
    rsa_pkcs1(p, "rsa_signature_2048_sha256_test.json")
}

/// `rsa_signature_2048_sha384_test.json`.
pub fn rsa_signature_2048_sha384(p: &dyn CryptoProvider) -> Outcome {
    rsa_pkcs1(p, "rsa_signature_2048_sha384_test.json")
}

/// `rsa_signature_2048_sha512_test.json`.
pub fn rsa_signature_2048_sha512(p: &dyn CryptoProvider) -> Outcome {
    rsa_pkcs1(p, "rsa_signature_2048_sha512_test.json")
}

/// `rsa_signature_3072_sha256_test.json`.
pub fn rsa_signature_3072_sha256(p: &dyn CryptoProvider) -> Outcome {
    rsa_pkcs1(p, "rsa_signature_3072_sha256_test.json")
}

// ---------------------------------------------------------------------------------------
// HKDF and HMAC

fn run_hkdf(p: &dyn CryptoProvider, file: &str, alg: HashAlgorithm) -> Outcome {
    run_file(file, |out, _group, case| {
        let Some(hkdf) = p.hkdf(alg) else {
            out.skip(format!("provider lacks HKDF-{alg:?}"));
            return Ok(());
        };
        let ikm = case.hex("ikm")?;
        let salt = case.hex("salt")?;
        let info = case.hex("info")?;
        let okm = case.hex("okm")?;
        let size = case.test.get("size").and_then(Value::as_u64).unwrap_or(0) as usize;
        // Refuse absurd sizes before allocating (the interface caps output at 255 × HashLen).
        let verdict = if size > 255 * alg.output_len() {
            let mut probe = vec![0u8; 255 * alg.output_len() + 1];
            match hkdf
                .extract(&salt, &ikm)
                .and_then(|prk| hkdf.expand(prk.as_bytes(), &[&info], &mut probe))
            {
                Ok(()) => Verdict::Accepted { correct: false },
                Err(e) => Verdict::Rejected(e.to_string()),
            }
        } else {
            let mut got = vec![0u8; size];
            match hkdf
                .extract(&salt, &ikm)
                .and_then(|prk| hkdf.expand(prk.as_bytes(), &[&info], &mut got))
            {
                Ok(()) => Verdict::Accepted {
                    correct: got == okm,
                },
                Err(e) => Verdict::Rejected(e.to_string()),
            }
        };
        judge(out, case, verdict);
        Ok(())
    })
}

/// `hkdf_sha256_test.json` (RFC 5869).
pub fn hkdf_sha256(p: &dyn CryptoProvider) -> Outcome {
    run_hkdf(p, "hkdf_sha256_test.json", HashAlgorithm::Sha256)
}

/// `hkdf_sha384_test.json`.
pub fn hkdf_sha384(p: &dyn CryptoProvider) -> Outcome {
    run_hkdf(p, "hkdf_sha384_test.json", HashAlgorithm::Sha384)
}

fn run_hmac(p: &dyn CryptoProvider, file: &str, alg: HashAlgorithm) -> Outcome {
    run_file(file, |out, _group, case| {
        let Some(hmac) = p.hmac(alg) else {
            out.skip(format!("provider lacks HMAC-{alg:?}"));
            return Ok(());
        };
        let key = case.hex("key")?;
        let msg = case.hex("msg")?;
        let want = case.hex("tag")?;
        if want.len() > alg.output_len() {
            return Err("tag longer than the hash output".into());
        }
        // Truncated tags (RFC 2104 §5) are compared on their prefix.
        let verdict = match hmac.mac(&key, &[&msg]) {
            Ok(tag) if tag.as_bytes().get(..want.len()) == Some(&want[..]) => {
                Verdict::Accepted { correct: true }
            }
            Ok(_) => Verdict::Rejected("tag mismatch".into()),
            Err(e) => Verdict::Rejected(e.to_string()),
        };
        judge(out, case, verdict);
        Ok(())
    })
}

/// `hmac_sha256_test.json` (RFC 2104).
pub fn hmac_sha256(p: &dyn CryptoProvider) -> Outcome {
    run_hmac(p, "hmac_sha256_test.json", HashAlgorithm::Sha256)
}

/// `hmac_sha384_test.json`.
pub fn hmac_sha384(p: &dyn CryptoProvider) -> Outcome {
    run_hmac(p, "hmac_sha384_test.json", HashAlgorithm::Sha384)
}

/// A Wycheproof runner.
pub type Runner = fn(&dyn CryptoProvider) -> Outcome;

/// Every runner by name, in table order.
pub const RUNNERS: [(&str, Runner); 21] = [
    ("aes_gcm", aes_gcm),
    ("chacha20_poly1305", chacha20_poly1305),
    ("x25519", x25519),
    ("ecdh_secp256r1", ecdh_secp256r1),
    ("ecdh_secp256r1_ecpoint", ecdh_secp256r1_ecpoint),
    ("ecdh_secp384r1", ecdh_secp384r1),
    ("ecdh_secp384r1_ecpoint", ecdh_secp384r1_ecpoint),
    ("ecdsa_secp256r1_sha256", ecdsa_secp256r1_sha256),
    ("ecdsa_secp384r1_sha256", ecdsa_secp384r1_sha256),
    ("ecdsa_secp384r1_sha384", ecdsa_secp384r1_sha384),
    ("ed25519", ed25519),
    ("rsa_pss_2048_sha256_mgf1_32", rsa_pss_2048_sha256_mgf1_32),
    ("rsa_pss_2048_sha384_mgf1_48", rsa_pss_2048_sha384_mgf1_48),
    ("rsa_signature_2048_sha256", rsa_signature_2048_sha256),
    ("rsa_signature_2048_sha384", rsa_signature_2048_sha384),
    ("rsa_signature_2048_sha512", rsa_signature_2048_sha512),
    ("rsa_signature_3072_sha256", rsa_signature_3072_sha256),
    ("hkdf_sha256", hkdf_sha256),
    ("hkdf_sha384", hkdf_sha384),
    ("hmac_sha256", hmac_sha256),
    ("hmac_sha384", hmac_sha384),
];

type OutcomeCell = Arc<OnceLock<Outcome>>;

/// The outcome of runner `name` for `p`, computed once per test process and shared, so the
/// per-file `wycheproof_*` tests and `wycheproof_summary` do not run the vectors twice.
/// Providers are told apart by name.
pub fn shared_outcome(p: &dyn CryptoProvider, name: &str) -> Outcome {
    static CACHE: OnceLock<Mutex<BTreeMap<(String, String), OutcomeCell>>> = OnceLock::new();
    let Some(&(_, runner)) = RUNNERS.iter().find(|(n, _)| *n == name) else {
        let mut out = Outcome::new(name);
        out.unexpected
            .push(format!("no Wycheproof runner named {name:?}"));
        return out;
    };
    let cell = {
        let mut map = CACHE
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(
            map.entry((p.name().to_string(), name.to_string()))
                .or_default(),
        )
    };
    cell.get_or_init(|| runner(p)).clone()
}

/// Every runner's outcome for `p`, in table order (shared with the per-file tests).
pub fn run_all(p: &dyn CryptoProvider) -> Vec<Outcome> {
    RUNNERS
        .iter()
        .map(|(name, _)| shared_outcome(p, name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_normalised_to_the_field_length() {
        assert_eq!(fixed_scalar(&[0, 0, 1], 4), Some(vec![0, 0, 0, 1]));
        assert_eq!(fixed_scalar(&[0, 0xff, 2], 2), Some(vec![0xff, 2]));
        assert_eq!(fixed_scalar(&[1, 2, 3], 2), None);
        assert_eq!(fixed_scalar(&[], 2), Some(vec![0, 0]));
    }

    #[test]
    fn acceptable_goes_either_way_but_not_wrong() {
        let test = Value::Null;
        let case = |result| Case {
            id: 1,
            comment: "",
            result,
            test: &test,
        };
        let mut out = Outcome::new("f");
        judge(&mut out, &case("acceptable"), Verdict::Rejected("x".into()));
        judge(
            &mut out,
            &case("acceptable"),
            Verdict::Accepted { correct: true },
        );
        judge(
            &mut out,
            &case("valid"),
            Verdict::Accepted { correct: true },
        );
        judge(&mut out, &case("invalid"), Verdict::Rejected("x".into()));
        assert_eq!((out.passed, out.unexpected.len()), (4, 0));
        judge(
            &mut out,
            &case("acceptable"),
            Verdict::Accepted { correct: false },
        );
        judge(&mut out, &case("valid"), Verdict::Rejected("x".into()));
        judge(
            &mut out,
            &case("invalid"),
            Verdict::Accepted { correct: true },
        );
        judge(&mut out, &case("bogus"), Verdict::Rejected("x".into()));
        assert_eq!((out.passed, out.unexpected.len()), (4, 4));
    }
}
