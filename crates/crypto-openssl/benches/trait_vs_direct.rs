//! The cost of the tlskit abstraction: each operation through the `CryptoProvider` trait
//! next to the same operation written directly against the `openssl` crate.
//!
//! `direct` is the best-practice use of the crate (a prepared `CipherCtx` per key, the
//! standard `PKey`/`Deriver`/`Signer` calls); `direct_oneshot` for AEAD is the crate's
//! convenience `symm::encrypt_aead`, which builds a context and looks the cipher up per call.
//! Run: `cargo bench -p tlskit-crypto-openssl`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use openssl::bn::BigNumContext;
use openssl::cipher::Cipher;
use openssl::cipher_ctx::CipherCtx;
use openssl::derive::Deriver;
use openssl::ec::{EcGroup, EcKey, EcPoint, PointConversionForm};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private};
use openssl::rsa::{Padding, Rsa};
use openssl::sign::{RsaPssSaltlen, Signer};
use std::hint::black_box;
use std::time::Duration;
use tlskit_crypto::{AeadAlgorithm, NamedGroup, PrivateKeyDer, SignatureScheme};

fn provider() -> &'static dyn tlskit_crypto::CryptoProvider {
    tlskit_crypto_openssl::provider()
}

fn aead_seal(c: &mut Criterion) {
    for size in [16 * 1024, 1024] {
        let mut group = c.benchmark_group(format!("aead_seal_{}k", size / 1024));
        group.throughput(Throughput::Bytes(size as u64));
        for (alg, cipher_name) in [
            (AeadAlgorithm::Aes128Gcm, "AES-128-GCM"),
            (AeadAlgorithm::Aes256Gcm, "AES-256-GCM"),
            (AeadAlgorithm::ChaCha20Poly1305, "ChaCha20-Poly1305"),
        ] {
            let key_bytes = vec![0x42u8; alg.key_len()];
            let nonce = [7u8; 12];
            let aad = [0x17, 0x03, 0x03, 0x40, 0x11];
            let mut buf = vec![0u8; size];
            let mut tag = [0u8; 16];

            let key = provider()
                .aead(alg)
                .expect("aead")
                .new_key(&key_bytes)
                .expect("key");
            group.bench_function(BenchmarkId::new("trait", alg.name()), |b| {
                b.iter(|| {
                    key.seal_in_place(&nonce, &aad, black_box(&mut buf), &mut tag)
                        .expect("seal")
                })
            });

            let cipher = Cipher::fetch(None, cipher_name, None).expect("fetch");
            let mut ctx = CipherCtx::new().expect("ctx");
            ctx.encrypt_init(Some(&cipher), Some(&key_bytes), None)
                .expect("init");
            group.bench_function(BenchmarkId::new("direct", alg.name()), |b| {
                b.iter(|| {
                    ctx.encrypt_init(None, None, Some(&nonce)).expect("iv");
                    ctx.cipher_update(&aad, None).expect("aad");
                    let len = buf.len();
                    ctx.cipher_update_inplace(black_box(&mut buf), len)
                        .expect("update");
                    ctx.cipher_final(&mut [0u8; 16]).expect("final");
                    ctx.tag(&mut tag).expect("tag");
                })
            });

            let legacy = match alg {
                AeadAlgorithm::Aes128Gcm => openssl::symm::Cipher::aes_128_gcm(),
                AeadAlgorithm::Aes256Gcm => openssl::symm::Cipher::aes_256_gcm(),
                AeadAlgorithm::ChaCha20Poly1305 => openssl::symm::Cipher::chacha20_poly1305(),
            };
            group.bench_function(BenchmarkId::new("direct_oneshot", alg.name()), |b| {
                b.iter(|| {
                    openssl::symm::encrypt_aead(
                        legacy,
                        &key_bytes,
                        Some(&nonce),
                        &aad,
                        black_box(&buf),
                        &mut tag,
                    )
                    .expect("seal")
                })
            });
        }
        group.finish();
    }
}

fn key_agreement(c: &mut Criterion) {
    let mut group = c.benchmark_group("key_agreement");
    for named in [NamedGroup::X25519, NamedGroup::Secp256r1] {
        let kx = provider().key_exchange(named).expect("group");
        let peer_public = kx.start().expect("peer").public_key().to_vec();
        group.bench_function(BenchmarkId::new("trait", named.name()), |b| {
            b.iter(|| {
                let ours = kx.start().expect("start");
                black_box(ours.public_key());
                ours.complete(black_box(&peer_public)).expect("complete")
            })
        });
    }

    let x_peer = PKey::generate_x25519().expect("peer");
    let x_peer_raw = x_peer.raw_public_key().expect("raw");
    group.bench_function(BenchmarkId::new("direct", "x25519"), |b| {
        b.iter(|| {
            let ours = PKey::generate_x25519().expect("gen");
            black_box(ours.raw_public_key().expect("pub"));
            let peer =
                PKey::public_key_from_raw_bytes(black_box(&x_peer_raw), Id::X25519).expect("peer");
            let mut deriver = Deriver::new(&ours).expect("deriver");
            deriver.set_peer(&peer).expect("peer");
            deriver.derive_to_vec().expect("derive")
        })
    });

    let ec_group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("group");
    let mut bn = BigNumContext::new().expect("bn");
    let p_peer = EcKey::generate(&ec_group).expect("peer");
    let p_peer_point = p_peer
        .public_key()
        .to_bytes(&ec_group, PointConversionForm::UNCOMPRESSED, &mut bn)
        .expect("point");
    group.bench_function(BenchmarkId::new("direct", "secp256r1"), |b| {
        b.iter(|| {
            let mut bn = BigNumContext::new().expect("bn");
            let ours = EcKey::generate(&ec_group).expect("gen");
            black_box(
                ours.public_key()
                    .to_bytes(&ec_group, PointConversionForm::UNCOMPRESSED, &mut bn)
                    .expect("pub"),
            );
            let ours = PKey::from_ec_key(ours).expect("pkey");
            let point =
                EcPoint::from_bytes(&ec_group, black_box(&p_peer_point), &mut bn).expect("point");
            let peer = PKey::from_ec_key(EcKey::from_public_key(&ec_group, &point).expect("key"))
                .expect("pkey");
            let mut deriver = Deriver::new(&ours).expect("deriver");
            deriver.set_peer(&peer).expect("peer");
            deriver.derive_to_vec().expect("derive")
        })
    });
    group.finish();
}

fn signing(c: &mut Criterion) {
    let ec_group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("group");
    let keys: [(&str, SignatureScheme, PKey<Private>); 3] = [
        (
            "ecdsa_p256_sha256",
            SignatureScheme::EcdsaSecp256r1Sha256,
            PKey::from_ec_key(EcKey::generate(&ec_group).expect("ec")).expect("pkey"),
        ),
        (
            "rsa2048_pss_sha256",
            SignatureScheme::RsaPssRsaeSha256,
            PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("pkey"),
        ),
        (
            "ed25519",
            SignatureScheme::Ed25519,
            PKey::generate_ed25519().expect("ed25519"),
        ),
    ];
    let message = [0x5au8; 130]; // about the size of a TLS 1.3 CertificateVerify input
    let mut group = c.benchmark_group("sign");
    for (name, scheme, pkey) in &keys {
        let der = PrivateKeyDer::Pkcs8(pkey.private_key_to_pkcs8().expect("pkcs8"));
        let key = provider().load_signing_key(&der).expect("load");
        group.bench_function(BenchmarkId::new("trait", name), |b| {
            b.iter(|| key.sign(*scheme, black_box(&message)).expect("sign"))
        });
        group.bench_function(BenchmarkId::new("direct", name), |b| {
            b.iter(|| {
                let mut signer = match scheme {
                    SignatureScheme::Ed25519 => Signer::new_without_digest(pkey).expect("signer"),
                    _ => Signer::new(MessageDigest::sha256(), pkey).expect("signer"),
                };
                if *scheme == SignatureScheme::RsaPssRsaeSha256 {
                    signer.set_rsa_padding(Padding::PKCS1_PSS).expect("pss");
                    signer
                        .set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
                        .expect("salt");
                    signer
                        .set_rsa_mgf1_md(MessageDigest::sha256())
                        .expect("mgf1");
                }
                signer
                    .sign_oneshot_to_vec(black_box(&message))
                    .expect("sign")
            })
        });
    }
    group.finish();
}

fn verifying(c: &mut Criterion) {
    // Through the trait a verification starts from the DER SubjectPublicKeyInfo (as X.509
    // and CertificateVerify do), so the SPKI decode is part of the measured cost.
    let ec_group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("group");
    let keys: [(&str, SignatureScheme, PKey<Private>); 3] = [
        (
            "ecdsa_p256_sha256",
            SignatureScheme::EcdsaSecp256r1Sha256,
            PKey::from_ec_key(EcKey::generate(&ec_group).expect("ec")).expect("pkey"),
        ),
        (
            "rsa2048_pss_sha256",
            SignatureScheme::RsaPssRsaeSha256,
            PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("pkey"),
        ),
        (
            "ed25519",
            SignatureScheme::Ed25519,
            PKey::generate_ed25519().expect("ed25519"),
        ),
    ];
    let message = [0x5au8; 130];
    let mut group = c.benchmark_group("verify_from_spki");
    for (name, scheme, pkey) in &keys {
        let der = PrivateKeyDer::Pkcs8(pkey.private_key_to_pkcs8().expect("pkcs8"));
        let key = provider().load_signing_key(&der).expect("load");
        let spki = key.public_key_spki();
        let sig = key.sign(*scheme, &message).expect("sign");
        let alg = scheme.verify_algorithm();
        group.bench_function(BenchmarkId::new("trait", name), |b| {
            b.iter(|| {
                provider()
                    .verify(alg, black_box(&spki), &message, &sig)
                    .expect("verify")
            })
        });
        group.bench_function(BenchmarkId::new("direct", name), |b| {
            b.iter(|| {
                let public = PKey::public_key_from_der(black_box(&spki)).expect("spki");
                let mut verifier = match scheme {
                    SignatureScheme::Ed25519 => {
                        openssl::sign::Verifier::new_without_digest(&public).expect("verifier")
                    }
                    _ => openssl::sign::Verifier::new(MessageDigest::sha256(), &public)
                        .expect("verifier"),
                };
                if *scheme == SignatureScheme::RsaPssRsaeSha256 {
                    verifier.set_rsa_padding(Padding::PKCS1_PSS).expect("pss");
                    verifier
                        .set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
                        .expect("salt");
                    verifier
                        .set_rsa_mgf1_md(MessageDigest::sha256())
                        .expect("mgf1");
                }
                assert!(verifier.verify_oneshot(&sig, &message).expect("verify"));
            })
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = aead_seal, key_agreement, signing, verifying
}
criterion_main!(benches);
