//! Path validation cost per provider: a 3-certificate ECDSA P-256 chain and a
//! 3-certificate RSA-2048 chain (leaf, intermediate, root), plus parsing alone.
//!
//! `cargo bench -p tlskit-x509 --bench validate`

#[path = "../tests/common/pki.rs"]
mod pki;

use criterion::{criterion_group, criterion_main, Criterion};
use pki::Alg;
use std::hint::black_box;
use tlskit_x509::{verify_chain, Certificate, Purpose, RootStore, ServerName, VerifyOptions};

struct Chain {
    roots: RootStore,
    root: Vec<u8>,
    ica: Vec<u8>,
    leaf: Vec<u8>,
}

fn chain(alg: fn(usize) -> Alg) -> Chain {
    let root = pki::root("Bench Root", alg(0));
    let ica = pki::intermediate("Bench ICA", &root, alg(1));
    let leaf = pki::leaf(&["bench.example.com"], &ica, alg(2));
    let mut roots = RootStore::new();
    roots.add_der(&root.der).expect("root");
    Chain {
        roots,
        root: root.der,
        ica: ica.der,
        leaf,
    }
}

fn bench(c: &mut Criterion) {
    let chains = [
        ("ecdsa-p256", chain(|_| Alg::EcdsaP256)),
        ("rsa-2048", chain(Alg::Rsa2048)),
    ];
    let name = ServerName::try_from_str("bench.example.com").expect("name");
    let options = VerifyOptions::default();
    let now = pki::now();
    let mut group = c.benchmark_group("validate-3-cert-chain");
    for provider in tlskit_providers::all() {
        for (label, ch) in &chains {
            // Fail loudly rather than time an error path.
            verify_chain(
                provider,
                &ch.roots,
                &ch.leaf,
                &[&ch.ica],
                now,
                Purpose::ServerAuth,
                Some(&name),
                &options,
            )
            .expect("bench chain validates");
            group.bench_function(format!("{}/{label}", provider.name()), |b| {
                b.iter(|| {
                    verify_chain(
                        provider,
                        black_box(&ch.roots),
                        black_box(&ch.leaf),
                        &[black_box(&ch.ica)],
                        now,
                        Purpose::ServerAuth,
                        Some(&name),
                        &options,
                    )
                })
            });
        }
    }
    group.finish();

    // The two signature checks alone, straight through the provider: the floor under
    // full validation, so the difference is the validator's own cost.
    let mut group = c.benchmark_group("two-signatures-only");
    for provider in tlskit_providers::all() {
        for (label, ch) in &chains {
            let pairs: Vec<(Vec<u8>, &[u8])> = [(&ch.leaf, &ch.ica), (&ch.ica, &ch.root)]
                .into_iter()
                .map(|(child, issuer)| {
                    let issuer = Certificate::from_der(issuer).expect("issuer").spki.to_vec();
                    (issuer, child.as_slice())
                })
                .collect();
            let checks: Vec<_> = pairs
                .iter()
                .map(|(spki, child)| {
                    let cert = Certificate::from_der(child).expect("child");
                    let key = tlskit_crypto::SubjectPublicKeyInfo::from_der(spki).expect("spki");
                    let alg = tlskit_x509::SignatureAlgorithm::from_der(cert.signature_algorithm)
                        .and_then(|a| a.for_key(&key))
                        .expect("algorithm");
                    (
                        alg,
                        spki.clone(),
                        cert.tbs().to_vec(),
                        cert.signature.to_vec(),
                    )
                })
                .collect();
            group.bench_function(format!("{}/{label}", provider.name()), |b| {
                b.iter(|| {
                    for (alg, spki, msg, sig) in &checks {
                        provider
                            .verify(*alg, spki, black_box(msg), sig)
                            .expect("verifies");
                    }
                })
            });
        }
    }
    group.finish();
    let mut group = c.benchmark_group("parse");
    for (label, ch) in &chains {
        group.bench_function(format!("leaf/{label}"), |b| {
            b.iter(|| Certificate::from_der(black_box(&ch.leaf)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
