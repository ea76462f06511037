//! Cross-backend tests: every pair of backends must interoperate.
//! Signatures made by one verify under the other, ECDH agrees, AEAD output opens.

use tlskit_crypto::testkit::cross;

fn pairs() -> Vec<(
    &'static dyn tlskit_crypto::CryptoProvider,
    &'static dyn tlskit_crypto::CryptoProvider,
)> {
    let all = tlskit_providers::all();
    let mut out = Vec::new();
    for &a in &all {
        for &b in &all {
            out.push((a, b));
        }
    }
    out
}

#[test]
fn cross_backend_signatures_verify_everywhere() {
    for (a, b) in pairs() {
        cross::signatures(a, b).unwrap_or_else(|e| panic!("{} -> {}: {e}", a.name(), b.name()));
    }
}

#[test]
fn cross_backend_ecdh_agrees() {
    for (a, b) in pairs() {
        cross::ecdh(a, b).unwrap_or_else(|e| panic!("{} <-> {}: {e}", a.name(), b.name()));
    }
}

#[test]
fn cross_backend_aead_opens_everywhere() {
    for (a, b) in pairs() {
        cross::aead(a, b).unwrap_or_else(|e| panic!("{} -> {}: {e}", a.name(), b.name()));
    }
}
