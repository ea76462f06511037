//! The three tlskit crypto backends side by side, and the cost of the tlskit abstraction.
//!
//! Every group holds, for each backend of [`tlskit_providers::all`], two entries:
//! - `<what>/<backend>/trait`: the operation through the `CryptoProvider` trait objects, as
//!   the TLS code calls it;
//! - `<what>/<backend>/direct`: the same operation written directly against the library the
//!   backend wraps (ring, the RustCrypto crates, the `openssl` crate), the way its own
//!   documentation suggests, at the very versions the backend links (the dev-dependencies
//!   repeat the backends' version requirements, so Cargo unifies them).
//!
//! `trait` / `direct` time is the cost of the abstraction (issue 2, "What it must show" (a)).
//!
//! Groups: AEAD seal of 16 KiB and 1 KiB records (AES-128-GCM, AES-256-GCM,
//! ChaCha20-Poly1305), X25519 and P-256 key agreement (key generation + agreement), ECDSA
//! P-256, RSA-2048 (PSS and PKCS#1 v1.5, SHA-256) and Ed25519 signing and verification.
//! Keys are the test keys in `crates/crypto/testdata/keys/`.
//!
//! Run: `cargo bench -p tlskit-providers --bench crypto -- --warm-up-time 1 --measurement-time 3`

mod direct_openssl;
mod direct_ring;
mod direct_rustcrypto;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode,
    Throughput,
};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;
use tlskit_crypto::{
    AeadAlgorithm, CryptoProvider, NamedGroup, PrivateKeyDer, SignatureScheme, SigningKey,
};

/// A benchmark group as criterion hands it out.
pub(crate) type Group<'a> = BenchmarkGroup<'a, WallTime>;

/// The AEAD inputs: a fixed nonce and a TLS 1.2-style 13-byte AAD (a benchmark re-seals the
/// same buffer, which is fine for timing and never done with real keys).
pub(crate) const NONCE: [u8; 12] = [7; 12];
pub(crate) const AAD: [u8; 13] = [0, 0, 0, 0, 0, 0, 0, 1, 0x17, 0x03, 0x03, 0x40, 0x00];

/// About the size of a TLS 1.3 CertificateVerify input (64 spaces, the context string, a
/// zero byte and a SHA-256 transcript hash).
pub(crate) const MESSAGE: [u8; 130] = [0x5a; 130];

const P256_PEM: &[u8] = include_bytes!("../../../crypto/testdata/keys/p256.pkcs8.pem");
const RSA2048_PEM: &[u8] = include_bytes!("../../../crypto/testdata/keys/rsa2048.pkcs8.pem");
const ED25519_PEM: &[u8] = include_bytes!("../../../crypto/testdata/keys/ed25519.pkcs8.pem");

/// A signature benchmark: which key, which scheme, and a short name for the id.
#[derive(Clone, Copy)]
pub(crate) struct SigCase {
    pub(crate) name: &'static str,
    pub(crate) scheme: SignatureScheme,
    pub(crate) key: KeyFile,
}

/// The test key a case uses.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyFile {
    P256,
    Rsa2048,
    Ed25519,
}

impl KeyFile {
    /// The PKCS#8 DER of the key (the files are PEM; decoding is setup, not measured).
    pub(crate) fn pkcs8_der(self) -> Vec<u8> {
        let pem = match self {
            KeyFile::P256 => P256_PEM,
            KeyFile::Rsa2048 => RSA2048_PEM,
            KeyFile::Ed25519 => ED25519_PEM,
        };
        let key = PrivateKeyDer::from_pem_or_der(pem).expect("test key PEM");
        assert!(
            matches!(key, PrivateKeyDer::Pkcs8(_)),
            "test key is not PKCS#8"
        );
        key.der().to_vec()
    }
}

const ECDSA_P256: SigCase = SigCase {
    name: "ecdsa_p256_sha256",
    scheme: SignatureScheme::EcdsaSecp256r1Sha256,
    key: KeyFile::P256,
};
const RSA_PSS: SigCase = SigCase {
    name: "rsa2048_pss_sha256",
    scheme: SignatureScheme::RsaPssRsaeSha256,
    key: KeyFile::Rsa2048,
};
const RSA_PKCS1: SigCase = SigCase {
    name: "rsa2048_pkcs1_sha256",
    scheme: SignatureScheme::RsaPkcs1Sha256,
    key: KeyFile::Rsa2048,
};
const ED25519: SigCase = SigCase {
    name: "ed25519",
    scheme: SignatureScheme::Ed25519,
    key: KeyFile::Ed25519,
};

fn backends() -> Vec<&'static dyn CryptoProvider> {
    let all = tlskit_providers::all();
    assert_eq!(
        all.len(),
        3,
        "the crypto bench compares all three backends; build with default features"
    );
    all
}

/// The `direct` entry of `backend` for one AEAD seal.
fn direct_seal(
    group: &mut Group<'_>,
    backend: &str,
    id: BenchmarkId,
    alg: AeadAlgorithm,
    n: usize,
) {
    let key = vec![0x42u8; alg.key_len()];
    match backend {
        "ring" => direct_ring::seal(group, id, alg, &key, n),
        "rustcrypto" => direct_rustcrypto::seal(group, id, alg, &key, n),
        "openssl" => direct_openssl::seal(group, id, alg, &key, n),
        other => panic!("no direct AEAD bench for backend {other}"),
    }
}

fn aead_seal(c: &mut Criterion) {
    for size in [16 * 1024, 1024] {
        let mut group = c.benchmark_group(format!("aead_seal_{}KiB", size / 1024));
        group.throughput(Throughput::Bytes(size as u64));
        for alg in AeadAlgorithm::ALL {
            for provider in backends() {
                let label = format!("{}/{}", alg.name(), provider.name());
                match provider.aead(alg) {
                    Some(aead) => {
                        let key = aead.new_key(&vec![0x42u8; alg.key_len()]).expect("key");
                        let mut buf = vec![0u8; size];
                        let mut tag = [0u8; 16];
                        group.bench_function(BenchmarkId::new(label.clone(), "trait"), |b| {
                            b.iter(|| {
                                key.seal_in_place(&NONCE, &AAD, black_box(&mut buf), &mut tag)
                                    .expect("seal");
                                black_box(&tag);
                            })
                        });
                    }
                    None => eprintln!("{label}: not offered by this backend, skipped"),
                }
                let id = BenchmarkId::new(label, "direct");
                direct_seal(&mut group, provider.name(), id, alg, size);
            }
        }
        group.finish();
    }
}

fn key_agreement(c: &mut Criterion) {
    for named in [NamedGroup::X25519, NamedGroup::Secp256r1] {
        let mut group = c.benchmark_group(format!("kx_{}", named.name()));
        for provider in backends() {
            let label = format!("{}/{}", named.name(), provider.name());
            let Some(kx) = provider.key_exchange(named) else {
                eprintln!("{label}: not offered by this backend, skipped");
                continue;
            };
            // The peer's share comes from the same backend, made once.
            let peer_public = kx.start().expect("peer").public_key().to_vec();
            group.bench_function(BenchmarkId::new(label.clone(), "trait"), |b| {
                b.iter(|| {
                    let ours = kx.start().expect("start");
                    black_box(ours.public_key());
                    ours.complete(black_box(&peer_public)).expect("complete")
                })
            });
            let id = BenchmarkId::new(label, "direct");
            match provider.name() {
                "ring" => direct_ring::key_agreement(&mut group, id, named, &peer_public),
                "rustcrypto" => {
                    direct_rustcrypto::key_agreement(&mut group, id, named, &peer_public)
                }
                "openssl" => direct_openssl::key_agreement(&mut group, id, named, &peer_public),
                other => panic!("no direct key agreement for backend {other}"),
            }
        }
        group.finish();
    }
}

fn load_key(provider: &'static dyn CryptoProvider, file: KeyFile) -> Arc<dyn SigningKey> {
    provider
        .load_signing_key(&PrivateKeyDer::Pkcs8(file.pkcs8_der()))
        .unwrap_or_else(|e| panic!("{} cannot load a test key: {e}", provider.name()))
}

/// RSA private-key operations take about a millisecond: fewer, flat samples keep the run
/// within its time budget without changing what is measured.
fn slow_group(group: &mut Group<'_>) {
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(30);
}

fn signing(c: &mut Criterion) {
    for (group_name, cases) in [
        ("sign_ecdsa_p256", &[ECDSA_P256][..]),
        ("sign_rsa2048", &[RSA_PSS, RSA_PKCS1][..]),
        ("sign_ed25519", &[ED25519][..]),
    ] {
        let mut group = c.benchmark_group(group_name);
        if group_name == "sign_rsa2048" {
            slow_group(&mut group);
        }
        for case in cases {
            for provider in backends() {
                let label = format!("{}/{}", case.name, provider.name());
                if !provider.supported_signing_schemes().contains(&case.scheme) {
                    eprintln!("{label}: not offered by this backend, skipped");
                    continue;
                }
                let key = load_key(provider, case.key);
                group.bench_function(BenchmarkId::new(label.clone(), "trait"), |b| {
                    b.iter(|| key.sign(case.scheme, black_box(&MESSAGE)).expect("sign"))
                });
                let id = BenchmarkId::new(label, "direct");
                match provider.name() {
                    "ring" => direct_ring::sign(&mut group, id, *case),
                    "rustcrypto" => direct_rustcrypto::sign(&mut group, id, *case),
                    "openssl" => direct_openssl::sign(&mut group, id, *case),
                    other => panic!("no direct signing for backend {other}"),
                }
            }
        }
        group.finish();
    }
}

fn verifying(c: &mut Criterion) {
    for (group_name, cases) in [
        ("verify_ecdsa_p256", &[ECDSA_P256][..]),
        ("verify_rsa2048", &[RSA_PSS, RSA_PKCS1][..]),
        ("verify_ed25519", &[ED25519][..]),
    ] {
        let mut group = c.benchmark_group(group_name);
        for case in cases {
            for provider in backends() {
                let label = format!("{}/{}", case.name, provider.name());
                let alg = case.scheme.verify_algorithm();
                if !provider.supported_verify_algorithms().contains(&alg) {
                    eprintln!("{label}: not offered by this backend, skipped");
                    continue;
                }
                // The signature comes from the same backend's signer when it has one,
                // otherwise from ring (any valid signature verifies the same way).
                let signer = if provider.supported_signing_schemes().contains(&case.scheme) {
                    provider
                } else {
                    tlskit_providers::by_name("ring").expect("ring backend")
                };
                let key = load_key(signer, case.key);
                let spki = key.public_key_spki();
                let signature = key.sign(case.scheme, &MESSAGE).expect("sign");
                // Through the trait a verification starts from the DER SubjectPublicKeyInfo
                // (as X.509 and CertificateVerify do): the SPKI decode is part of the cost.
                group.bench_function(BenchmarkId::new(label.clone(), "trait"), |b| {
                    b.iter(|| {
                        provider
                            .verify(alg, black_box(&spki), &MESSAGE, &signature)
                            .expect("verify")
                    })
                });
                let id = BenchmarkId::new(label, "direct");
                match provider.name() {
                    "ring" => direct_ring::verify(&mut group, id, *case, &spki, &signature),
                    "rustcrypto" => {
                        direct_rustcrypto::verify(&mut group, id, *case, &spki, &signature)
                    }
                    "openssl" => direct_openssl::verify(&mut group, id, *case, &spki, &signature),
                    other => panic!("no direct verification for backend {other}"),
                }
            }
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
    targets = aead_seal, key_agreement, signing, verifying
}
criterion_main!(benches);
