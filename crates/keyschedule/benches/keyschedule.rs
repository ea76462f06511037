//! Key schedule benches, every backend side by side in each group.
//!
//! - `tls13_schedule/*`: one full TLS 1.3 (EC)DHE schedule from the shared secret and the
//!   transcript hashes: Early → Handshake secret, both handshake traffic secrets and their
//!   keys and Finished `verify_data`, Master secret, both application traffic secrets and
//!   their keys, the exporter and resumption master secrets and one ticket PSK.
//! - `tls12_key_block`: the AES-128-GCM key block from a master secret (SHA-256 PRF).
//! - `tls12_ems_key_block_finished`: extended master secret from a 32-byte pre-master
//!   secret, the key block and both Finished messages.
//!
//! Run: `cargo bench -p tlskit-keyschedule -- --warm-up-time 1 --measurement-time 3`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use tlskit_crypto::{AeadAlgorithm, CryptoProvider, Digest, HashAlgorithm};
use tlskit_keyschedule::tls12::{MasterSecret as Tls12MasterSecret, Prf};
use tlskit_keyschedule::tls13::{EarlySecret, Kdf};
use tlskit_keyschedule::{KeyScheduleError, Side};

/// One TLS 1.3 full-handshake schedule; returns something that depends on every step.
fn tls13_schedule(
    kdf: Kdf,
    aead: AeadAlgorithm,
    shared_secret: &[u8],
    hashes: &[Digest; 4],
) -> Result<u8, KeyScheduleError> {
    let [hello, server_finished_context, server_finished, client_finished] = hashes;
    let handshake = EarlySecret::new(kdf, None)?.into_handshake_secret(Some(shared_secret))?;
    let c_hs = handshake.handshake_traffic_secret(Side::Client, hello)?;
    let s_hs = handshake.handshake_traffic_secret(Side::Server, hello)?;
    let c_hs_keys = c_hs.traffic_keys(aead)?;
    let s_hs_keys = s_hs.traffic_keys(aead)?;
    let s_fin = s_hs.finished_key()?.verify_data(server_finished_context)?;
    let c_fin = c_hs.finished_key()?.verify_data(server_finished)?;
    let master = handshake.into_master_secret()?;
    let c_ap = master.application_traffic_secret(Side::Client, server_finished)?;
    let s_ap = master.application_traffic_secret(Side::Server, server_finished)?;
    let c_ap_keys = c_ap.traffic_keys(aead)?;
    let s_ap_keys = s_ap.traffic_keys(aead)?;
    let exporter = master.exporter_master_secret(server_finished)?;
    let resumption = master.into_resumption_master_secret(client_finished)?;
    let psk = resumption.ticket_psk(&[0, 0, 0, 1])?;
    Ok(c_hs_keys.key()[0]
        ^ s_hs_keys.iv().as_bytes()[0]
        ^ s_fin.as_bytes()[0]
        ^ c_fin.as_bytes()[0]
        ^ c_ap_keys.key()[0]
        ^ s_ap_keys.iv().as_bytes()[0]
        ^ exporter.as_bytes()[0]
        ^ psk.as_bytes()[0])
}

fn bench_tls13(c: &mut Criterion, providers: &[&'static dyn CryptoProvider]) {
    for (hash, aead, name) in [
        (
            HashAlgorithm::Sha256,
            AeadAlgorithm::Aes128Gcm,
            "tls13_schedule/TLS_AES_128_GCM_SHA256",
        ),
        (
            HashAlgorithm::Sha384,
            AeadAlgorithm::Aes256Gcm,
            "tls13_schedule/TLS_AES_256_GCM_SHA384",
        ),
    ] {
        let mut group = c.benchmark_group(name);
        for &provider in providers {
            let kdf = Kdf::new(provider, hash).expect("kdf");
            let len = hash.output_len();
            let hashes = [
                Digest::new(&vec![1; len]),
                Digest::new(&vec![2; len]),
                Digest::new(&vec![3; len]),
                Digest::new(&vec![4; len]),
            ];
            let shared = [0x42u8; 32];
            group.bench_function(provider.name(), |b| {
                b.iter(|| tls13_schedule(kdf, aead, black_box(&shared), black_box(&hashes)))
            });
        }
        group.finish();
    }
}

fn bench_tls12(c: &mut Criterion, providers: &[&'static dyn CryptoProvider]) {
    let client_random = [0x11u8; 32];
    let server_random = [0x22u8; 32];
    let mut group = c.benchmark_group("tls12_key_block");
    for &provider in providers {
        let prf = Prf::new(provider, HashAlgorithm::Sha256).expect("prf");
        let master = Tls12MasterSecret::from_bytes(prf, &[0x33; 48]).expect("master");
        group.bench_function(provider.name(), |b| {
            b.iter(|| {
                master.key_block(
                    AeadAlgorithm::Aes128Gcm,
                    black_box(&client_random),
                    black_box(&server_random),
                )
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("tls12_ems_key_block_finished");
    for &provider in providers {
        let prf = Prf::new(provider, HashAlgorithm::Sha256).expect("prf");
        let session_hash = Digest::new(&[0x44; 32]);
        let handshake_hash = Digest::new(&[0x55; 32]);
        let pre_master = [0x66u8; 32];
        group.bench_function(provider.name(), |b| {
            b.iter(|| -> Result<u8, KeyScheduleError> {
                let master =
                    Tls12MasterSecret::extended(prf, black_box(&pre_master), &session_hash)?;
                let block =
                    master.key_block(AeadAlgorithm::Aes128Gcm, &client_random, &server_random)?;
                let client = master.finished_verify_data(Side::Client, &handshake_hash)?;
                let server = master.finished_verify_data(Side::Server, &handshake_hash)?;
                Ok(block.client().key()[0] ^ client.as_bytes()[0] ^ server.as_bytes()[0])
            })
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    let providers = tlskit_providers::all();
    assert!(!providers.is_empty(), "no crypto provider compiled in");
    bench_tls13(c, &providers);
    bench_tls12(c, &providers);
}

criterion_group!(keyschedule, benches);
criterion_main!(keyschedule);
