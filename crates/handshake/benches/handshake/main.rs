//! TLS handshakes and bulk transfer in memory: tlskit on each crypto backend next to rustls
//! (ring provider) in the same groups, so the comparison is measured in one run.
//!
//! Handshake groups (`tls12_full`, `tls12_resumed_ticket`, `tls12_resumed_session_id`,
//! `tls13_full`, `tls13_resumed_psk`; see `stacks.rs` for the exact parameters) hold two
//! entries per stack:
//! - `<stack>/pair`: a client and a server connection created, driven through the whole
//!   handshake in memory, and dropped: the cost of one handshake to both sides;
//! - `<stack>/server`: the server's share of the same run only (creating the server
//!   connection, `read_tls` + `process_new_packets` of each client flight, `write_tls` of
//!   its answers, dropping it). A ClientHello carries fresh randoms and key shares, so the
//!   client cannot be pre-recorded; the server is instead timed within the pair.
//!
//! `bulk_16KiB` sends 16 KiB of application data (one full record) per iteration from an
//! established client to its server through the connection API (writer → write_tls →
//! read_tls → process_new_packets → reader), for TLS 1.2 and TLS 1.3 with AES-128-GCM; the
//! record layer alone (`RecordCipher::seal_record` + `open_record`, no connection buffers);
//! and a raw AEAD seal + open of the same 16 KiB through the backend's `AeadKey`.
//!
//! Run: `cargo bench -p tlskit-handshake --bench handshake -- --warm-up-time 1 --measurement-time 3`

mod peer;
mod pki;
mod stacks;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use peer::{handshake, transfer, Peer, Wire};
use pki::{Pki, SERVER_NAME};
use stacks::Case;
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tlskit_crypto::{AeadAlgorithm, CryptoProvider};
use tlskit_handshake::record::{NonceScheme, RecordCipher, HEADER_LEN};
use tlskit_handshake::{ClientConnection, ServerConnection};

type Group<'a> = BenchmarkGroup<'a, WallTime>;

/// ContentType application_data (RFC 8446 §5.1, RFC 5246 §6.2.1).
const APPLICATION_DATA: u8 = 23;

/// Bulk transfer unit: one full TLS record of plaintext (RFC 8446 §5.1, RFC 5246 §6.2.1).
const BULK_LEN: usize = 16 * 1024;

/// The PKI is made once per process: rcgen key generation is not what is measured.
fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(Pki::new)
}

fn rustls_server_name() -> rustls::pki_types::ServerName<'static> {
    rustls::pki_types::ServerName::try_from(SERVER_NAME).expect("server name")
}

/// Checks the setup before measuring: the handshake completes, resumes exactly when it
/// should, and (printed) how many bytes each direction carries, so the two stacks can be
/// seen to exchange the same flights. The first run also primes resumption.
fn check_case<C: Peer, S: Peer>(
    stack: &str,
    case: Case,
    new_client: &impl Fn() -> C,
    new_server: &impl Fn() -> S,
    resumed: impl Fn(&C, &S) -> bool,
) {
    let mut wire = Wire::default();
    for round in 0..3 {
        let mut client = new_client();
        let mut server = new_server();
        let mut server_time = Duration::ZERO;
        handshake(&mut client, &mut server, &mut wire, &mut server_time)
            .unwrap_or_else(|e| panic!("{stack} {}: {e}", case.group_name()));
        let (up, down) = wire.take_counts();
        if round > 0 {
            assert_eq!(
                resumed(&client, &server),
                case.resumes(),
                "{stack} {}: resumption state",
                case.group_name()
            );
        }
        if round == 2 {
            eprintln!(
                "flow {:<26} {stack:<18} client->server {up:>5} B, server->client {down:>5} B, resumed {}",
                case.group_name(),
                resumed(&client, &server)
            );
        }
    }
}

/// The `pair` and `server` entries of one stack in one handshake group.
fn bench_case<C: Peer, S: Peer>(
    group: &mut Group<'_>,
    stack: &str,
    case: Case,
    new_client: impl Fn() -> C,
    new_server: impl Fn() -> S,
    resumed: impl Fn(&C, &S) -> bool,
) {
    check_case(stack, case, &new_client, &new_server, resumed);
    let mut wire = Wire::default();
    group.bench_function(BenchmarkId::new(stack, "pair"), |b| {
        b.iter(|| {
            let mut client = new_client();
            let mut server = new_server();
            let mut server_time = Duration::ZERO;
            handshake(&mut client, &mut server, &mut wire, &mut server_time).expect("handshake");
        })
    });
    group.bench_function(BenchmarkId::new(stack, "server"), |b| {
        b.iter_custom(|iters| {
            let mut server_time = Duration::ZERO;
            for _ in 0..iters {
                let mut client = new_client();
                let started = Instant::now();
                let mut server = new_server();
                server_time += started.elapsed();
                handshake(&mut client, &mut server, &mut wire, &mut server_time)
                    .expect("handshake");
                let started = Instant::now();
                drop(black_box(server));
                server_time += started.elapsed();
            }
            server_time
        })
    });
}

fn handshakes(c: &mut Criterion) {
    let pki = pki();
    for case in Case::ALL {
        let mut group = c.benchmark_group(case.group_name());
        for provider in tlskit_providers::all() {
            let (client_config, server_config) = stacks::tlskit_configs(provider, pki, case);
            bench_case(
                &mut group,
                &format!("tlskit-{}", provider.name()),
                case,
                || ClientConnection::new(client_config.clone(), SERVER_NAME).expect("client"),
                || ServerConnection::new(server_config.clone()).expect("server"),
                |c: &ClientConnection, s: &ServerConnection| {
                    c.negotiated().resumed && s.negotiated().resumed
                },
            );
        }
        let (client_config, server_config) = stacks::rustls_configs(pki, case);
        bench_case(
            &mut group,
            "rustls-ring",
            case,
            || {
                rustls::ClientConnection::new(client_config.clone(), rustls_server_name())
                    .expect("client")
            },
            || rustls::ServerConnection::new(server_config.clone()).expect("server"),
            |c: &rustls::ClientConnection, s: &rustls::ServerConnection| {
                c.handshake_kind() == Some(rustls::HandshakeKind::Resumed)
                    && s.handshake_kind() == Some(rustls::HandshakeKind::Resumed)
            },
        );
        group.finish();
    }
}

/// One established connection pair moving 16 KiB client → server per iteration.
fn bench_transfer<C: Peer, S: Peer>(
    group: &mut Group<'_>,
    id: BenchmarkId,
    mut client: C,
    mut server: S,
) {
    let mut wire = Wire::default();
    let mut server_time = Duration::ZERO;
    handshake(&mut client, &mut server, &mut wire, &mut server_time).expect("handshake");
    let data = vec![0x5au8; BULK_LEN];
    let mut out = vec![0u8; BULK_LEN];
    transfer(&mut client, &mut server, &mut wire, &data, &mut out).expect("first transfer");
    assert_eq!(out, data, "the server read back different bytes");
    group.bench_function(id, |b| {
        b.iter(|| {
            transfer(
                &mut client,
                &mut server,
                &mut wire,
                black_box(&data),
                &mut out,
            )
        })
    });
}

fn bulk(c: &mut Criterion) {
    let pki = pki();
    let mut group = c.benchmark_group("bulk_16KiB");
    group.throughput(Throughput::Bytes(BULK_LEN as u64));
    for provider in tlskit_providers::all() {
        let stack = format!("tlskit-{}", provider.name());
        for case in [Case::Tls12Full, Case::Tls13Full] {
            let (client_config, server_config) = stacks::tlskit_configs(provider, pki, case);
            bench_transfer(
                &mut group,
                BenchmarkId::new(&stack, connection_label(case)),
                ClientConnection::new(client_config, SERVER_NAME).expect("client"),
                ServerConnection::new(server_config).expect("server"),
            );
        }
        bench_record_layer(&mut group, &stack, provider);
        // The same work without the record layer: seal 16 KiB in place under one key, open
        // it under the peer's copy of the key.
        let aead = provider
            .aead(AeadAlgorithm::Aes128Gcm)
            .expect("AES-128-GCM");
        let seal_key = aead.new_key(&[0x42; 16]).expect("key");
        let open_key = aead.new_key(&[0x42; 16]).expect("key");
        let nonce = [7u8; 12];
        let aad = [0x17, 0x03, 0x03, 0x40, 0x11];
        let mut buf = vec![0x5au8; BULK_LEN];
        let mut tag = [0u8; 16];
        group.bench_function(BenchmarkId::new(&stack, "raw_aead_seal_open"), |b| {
            b.iter(|| {
                seal_key
                    .seal_in_place(&nonce, &aad, black_box(&mut buf), &mut tag)
                    .expect("seal");
                open_key
                    .open_in_place(&nonce, &aad, black_box(&mut buf), &tag)
                    .expect("open");
            })
        });
    }
    for case in [Case::Tls12Full, Case::Tls13Full] {
        let (client_config, server_config) = stacks::rustls_configs(pki, case);
        bench_transfer(
            &mut group,
            BenchmarkId::new("rustls-ring", connection_label(case)),
            rustls::ClientConnection::new(client_config, rustls_server_name()).expect("client"),
            rustls::ServerConnection::new(server_config).expect("server"),
        );
    }
    group.finish();
}

/// The record layer alone, without connection buffers: `RecordCipher::seal_record` of 16 KiB
/// into a reused buffer (header, explicit nonce or inner content type, tag), then
/// `open_record` of it in place, for a TLS 1.2 AES-GCM and a TLS 1.3 cipher.
fn bench_record_layer(group: &mut Group<'_>, stack: &str, provider: &'static dyn CryptoProvider) {
    let aead = provider
        .aead(AeadAlgorithm::Aes128Gcm)
        .expect("AES-128-GCM");
    for (label, scheme) in [
        (
            "tls12_record_layer",
            NonceScheme::Tls12Explicit { salt: [1, 2, 3, 4] },
        ),
        ("tls13_record_layer", NonceScheme::Tls13 { iv: [5; 12] }),
    ] {
        let mut sealer = RecordCipher::new(aead.new_key(&[0x42; 16]).expect("key"), scheme);
        let mut opener = RecordCipher::new(aead.new_key(&[0x42; 16]).expect("key"), scheme);
        let data = vec![0x5au8; BULK_LEN];
        let mut wire = Vec::with_capacity(BULK_LEN + 64);
        let mut round_trip = |wire: &mut Vec<u8>, data: &[u8]| {
            wire.clear();
            sealer
                .seal_record(APPLICATION_DATA, [3, 3], data, wire)
                .expect("seal");
            let (header, payload) = wire.split_at_mut(HEADER_LEN);
            let header: [u8; HEADER_LEN] = (&*header).try_into().expect("header");
            opener.open_record(header, payload).expect("open")
        };
        let (content_type, range) = round_trip(&mut wire, &data);
        assert_eq!(content_type, APPLICATION_DATA);
        assert_eq!(
            wire.get(HEADER_LEN..).and_then(|p| p.get(range)),
            Some(&data[..])
        );
        group.bench_function(BenchmarkId::new(stack, label), |b| {
            b.iter(|| round_trip(&mut wire, black_box(&data)))
        });
    }
}

fn connection_label(case: Case) -> &'static str {
    match case.version() {
        tlskit_handshake::ProtocolVersion::Tls12 => "tls12_connection",
        tlskit_handshake::ProtocolVersion::Tls13 => "tls13_connection",
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
    targets = handshakes, bulk
}
criterion_main!(benches);
