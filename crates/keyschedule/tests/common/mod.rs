//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod rfc8448;

use std::process::Command;
use tlskit_crypto::CryptoProvider;

/// Every compiled-in backend; fails the test when there is none.
pub fn providers() -> Vec<&'static dyn CryptoProvider> {
    let all = tlskit_providers::all();
    assert!(!all.is_empty(), "no crypto provider compiled in");
    all
}

/// Bytes from hex, ignoring whitespace and colons.
pub fn unhex(s: &str) -> Vec<u8> {
    let digits: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect();
    hex::decode(digits).expect("valid hex in test data")
}

/// Random bytes from the provider's RNG.
pub fn random(provider: &dyn CryptoProvider, len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    provider.fill_random(&mut out).expect("rng");
    out
}

/// Runs `openssl kdf` with `args` and returns the derived bytes. Panics (failing the test)
/// with a clear message when the `openssl` binary is missing or fails: these cross-checks
/// must not pass silently.
pub fn openssl_kdf(args: &[String]) -> Vec<u8> {
    let output = Command::new("openssl")
        .arg("kdf")
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run the `openssl` command-line tool ({e}); the TLS PRF/HKDF \
                 cross-checks need OpenSSL 3.x's `openssl kdf` on PATH (install the openssl package)"
            )
        });
    assert!(
        output.status.success(),
        "openssl kdf {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("openssl prints ASCII hex");
    unhex(text.trim())
}

/// OpenSSL's name for a hash.
pub fn openssl_digest_name(hash: tlskit_crypto::HashAlgorithm) -> &'static str {
    match hash {
        tlskit_crypto::HashAlgorithm::Sha256 => "SHA256",
        tlskit_crypto::HashAlgorithm::Sha384 => "SHA384",
        tlskit_crypto::HashAlgorithm::Sha512 => "SHA512",
    }
}

/// HKDF-Extract(salt, ikm) by `openssl kdf ... HKDF` (RFC 5869 §2.2).
pub fn openssl_hkdf_extract(
    hash: tlskit_crypto::HashAlgorithm,
    salt: &[u8],
    ikm: &[u8],
) -> Vec<u8> {
    openssl_kdf(&[
        "-keylen".into(),
        hash.output_len().to_string(),
        "-kdfopt".into(),
        format!("digest:{}", openssl_digest_name(hash)),
        "-kdfopt".into(),
        "mode:EXTRACT_ONLY".into(),
        "-kdfopt".into(),
        format!("hexkey:{}", hex::encode(ikm)),
        "-kdfopt".into(),
        format!("hexsalt:{}", hex::encode(salt)),
        "HKDF".into(),
    ])
}

/// HKDF-Expand-Label(secret, label, context, len) by `openssl kdf ... TLS13-KDF`
/// (RFC 8446 §7.1), OpenSSL's own implementation of the TLS 1.3 label encoding.
pub fn openssl_expand_label(
    hash: tlskit_crypto::HashAlgorithm,
    secret: &[u8],
    label: &[u8],
    context: &[u8],
    len: usize,
) -> Vec<u8> {
    openssl_kdf(&[
        "-keylen".into(),
        len.to_string(),
        "-kdfopt".into(),
        format!("digest:{}", openssl_digest_name(hash)),
        "-kdfopt".into(),
        "mode:EXPAND_ONLY".into(),
        "-kdfopt".into(),
        format!("hexkey:{}", hex::encode(secret)),
        "-kdfopt".into(),
        format!("hexprefix:{}", hex::encode(b"tls13 ")),
        "-kdfopt".into(),
        format!("hexlabel:{}", hex::encode(label)),
        "-kdfopt".into(),
        format!("hexdata:{}", hex::encode(context)),
        "TLS13-KDF".into(),
    ])
}

/// Runs `openssl <args>` with `input` on stdin and returns stdout.
fn openssl_with_stdin(args: &[&str], input: &[u8]) -> Vec<u8> {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run the `openssl` command-line tool ({e}); install OpenSSL 3.x")
        });
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write to openssl");
    let output = child.wait_with_output().expect("openssl output");
    assert!(
        output.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Hash(data) by `openssl dgst`.
pub fn openssl_digest(hash: tlskit_crypto::HashAlgorithm, data: &[u8]) -> Vec<u8> {
    let flag = format!("-{}", openssl_digest_name(hash).to_lowercase());
    openssl_with_stdin(&["dgst", &flag, "-binary"], data)
}

/// HMAC(key, data) by `openssl mac`.
pub fn openssl_hmac(hash: tlskit_crypto::HashAlgorithm, key: &[u8], data: &[u8]) -> Vec<u8> {
    let key = format!("hexkey:{}", hex::encode(key));
    let out = openssl_with_stdin(
        &[
            "mac",
            "-digest",
            openssl_digest_name(hash),
            "-macopt",
            &key,
            "HMAC",
        ],
        data,
    );
    unhex(String::from_utf8(out).expect("hex").trim())
}
