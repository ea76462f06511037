//! The three tlskit crypto backends side by side, and the cost of the tlskit abstraction.
//!
//! Every group holds, for each backend of [`tlskit_providers::all`], two entries:
//! - `<operation>/<backend>/trait`: the operation through the `CryptoProvider` trait objects,
//!   as the TLS code calls it;
//! - `<operation>/<backend>/direct`: the same operation written directly against the library
//!   the backend wraps (ring, the RustCrypto crates, the `openssl` crate), the way its own
//!   documentation suggests, at the very versions the backend links (the dev-dependencies
//!   repeat the backends' version requirements, so Cargo unifies them).
//!
//! `trait` / `direct` is the cost of the abstraction (issue 2, "What it must show" (a)).
//!
//! Groups: AEAD seal of 16 KiB and 1 KiB records (AES-128-GCM, AES-256-GCM,
//! ChaCha20-Poly1305), X25519 and P-256 key agreement (key generation + agreement), ECDSA
//! P-256, RSA-2048 (PSS and PKCS#1 v1.5, SHA-256) and Ed25519 signing and verification.
//! Keys are the test keys in `crates/crypto/testdata/keys/`.
//!
//! Entries measured seconds apart on a shared machine drift by more than 5 %; the
//! `crypto_paired` bench measures the trait / direct ratios with interleaved blocks.
//!
//! Run: `cargo bench -p tlskit-providers --bench crypto -- --warm-up-time 1 --measurement-time 3`

mod cases;
mod direct_openssl;
mod direct_ring;
mod direct_rustcrypto;

use cases::GROUPS;
use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use std::time::Duration;

fn all_groups(c: &mut Criterion) {
    for name in GROUPS {
        let mut group = c.benchmark_group(name);
        if name == "sign_rsa2048" {
            // RSA private-key operations take about a millisecond: fewer, flat samples keep
            // the run within its time budget without changing what is measured.
            group.sampling_mode(SamplingMode::Flat);
            group.sample_size(30);
        }
        for mut case in cases::cases(name) {
            if let Some(bytes) = case.bytes {
                group.throughput(Throughput::Bytes(bytes));
            }
            let label = format!("{}/{}", case.operation, case.backend);
            group.bench_function(BenchmarkId::new(label.clone(), "trait"), |b| {
                b.iter(|| (case.trait_path)())
            });
            group.bench_function(BenchmarkId::new(label, "direct"), |b| {
                b.iter(|| (case.direct)())
            });
        }
        group.finish();
    }
}

fn config() -> Criterion {
    // Command-line flags (`--warm-up-time`, `--measurement-time`) override these.
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = all_groups
}
criterion_main!(benches);
