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
