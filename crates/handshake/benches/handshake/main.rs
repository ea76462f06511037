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
//! record layer alone, in place (`RecordCipher::seal_in_place` + `open_record` of a record
//! whose payload is 64-byte aligned, no connection buffers); and a raw AEAD seal + open of
//! the same 16 KiB in place through the backend's `AeadKey`. `..._record_layer_record_aligned`
//! is the record layer with the record (not its payload) on a 64-byte boundary, to show what
//! payload alignment is worth per backend. `raw_aead_seal_open_plus_4_copies` adds to the
//! raw AEAD the four 16 KiB copies a copy-in/copy-out connection API makes (writer,
//! write_tls, read_tls, reader): the floor for the connection entries.
//!
//! Entries measured minutes apart on a shared machine drift by more than the margins the
//! targets ask about; the `handshake_paired` bench measures the ratios with interleaved
//! blocks instead.
//!
//! Run: `cargo bench -p tlskit-handshake --bench handshake -- --warm-up-time 1 --measurement-time 3`

mod peer;
mod pki;
mod stacks;
mod workloads;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use stacks::Case;
use std::time::Duration;
use workloads::{Bulk, Handshaker, Placement, BULK_LEN};

type Group<'a> = BenchmarkGroup<'a, WallTime>;

/// The `pair` and `server` entries of one stack in one handshake group.
fn bench_handshakes(group: &mut Group<'_>, stack: &str, mut handshaker: Box<dyn Handshaker>) {
    // The pair entry times everything; the server's share accumulates here unused.
    let mut server_share = Duration::ZERO;
    group.bench_function(BenchmarkId::new(stack, "pair"), |b| {
        b.iter(|| handshaker.run(&mut server_share))
    });
    group.bench_function(BenchmarkId::new(stack, "server"), |b| {
        b.iter_custom(|iters| {
            let mut server_time = Duration::ZERO;
            for _ in 0..iters {
                handshaker.run(&mut server_time);
            }
            server_time
        })
    });
}

fn handshakes(c: &mut Criterion) {
    for case in Case::ALL {
        let mut group = c.benchmark_group(case.group_name());
        for provider in tlskit_providers::all() {
            let stack = format!("tlskit-{}", provider.name());
            bench_handshakes(
                &mut group,
                &stack,
                workloads::tlskit_handshaker(provider, case),
            );
        }
        bench_handshakes(
            &mut group,
            "rustls-ring",
            workloads::rustls_handshaker(case),
        );
        group.finish();
    }
}

fn bench_bulk(group: &mut Group<'_>, stack: &str, label: &str, mut work: Box<dyn Bulk>) {
    group.bench_function(BenchmarkId::new(stack, label), |b| b.iter(|| work.run()));
}

fn bulk(c: &mut Criterion) {
    let mut group = c.benchmark_group("bulk_16KiB");
    group.throughput(Throughput::Bytes(BULK_LEN as u64));
    let versions = [
        (Case::Tls12Full, "tls12_connection", "tls12_record_layer"),
        (Case::Tls13Full, "tls13_connection", "tls13_record_layer"),
    ];
    for provider in tlskit_providers::all() {
        let stack = format!("tlskit-{}", provider.name());
        for (case, connection, _) in versions {
            let work = workloads::tlskit_transfer(provider, case);
            bench_bulk(&mut group, &stack, connection, work);
        }
        for (case, _, record_layer) in versions {
            let work = workloads::record_layer(provider, case, Placement::PayloadAligned);
            bench_bulk(&mut group, &stack, record_layer, work);
            let work = workloads::record_layer(provider, case, Placement::RecordAligned);
            let label = format!("{record_layer}_record_aligned");
            bench_bulk(&mut group, &stack, &label, work);
        }
        let work = workloads::raw_aead(provider);
        bench_bulk(&mut group, &stack, "raw_aead_seal_open", work);
        let work = workloads::raw_aead_with_copies(provider);
        bench_bulk(&mut group, &stack, "raw_aead_seal_open_plus_4_copies", work);
    }
    for (case, connection, _) in versions {
        bench_bulk(
            &mut group,
            "rustls-ring",
            connection,
            workloads::rustls_transfer(case),
        );
    }
    group.finish();
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
