//! Interleaved A/B timing for the ratios issues 2 and 6 set targets on: tlskit (ring) vs
//! rustls (ring) per handshake, and the record layer / connection path vs raw AEAD per
//! backend.
//!
//! On a shared two-core machine, criterion entries measured minutes apart drift by 10–30 %
//! (other processes, the hypervisor), more than the margins in question. Here the
//! contenders run in alternating blocks of about 10 ms (the order rotating each round), so a
//! slow period hits all of them alike; each round gives one ratio, and the report is the
//! median of those ratios with its interquartile range. The workloads are exactly those of
//! the criterion bench (`workloads.rs`).
//!
//! Run: `cargo bench -p tlskit-handshake --bench handshake_paired [-- --rounds N --block-ms M]`

#[path = "../handshake/peer.rs"]
mod peer;
#[path = "../handshake/pki.rs"]
mod pki;
#[path = "../handshake/stacks.rs"]
mod stacks;
#[path = "../handshake/workloads.rs"]
mod workloads;

use stacks::Case;
use std::time::{Duration, Instant};
use workloads::{Bulk, Handshaker, Placement};

/// Runs `n` operations and returns (total time, server-side time).
type Block = Box<dyn FnMut(u32) -> (Duration, Duration)>;

struct Contender {
    name: String,
    block: Block,
    ops_per_block: u32,
    /// Per-round (time per operation, server time per operation), nanoseconds.
    samples: Vec<(f64, f64)>,
}

impl Contender {
    fn new(name: impl Into<String>, block: Block) -> Self {
        Contender {
            name: name.into(),
            block,
            ops_per_block: 1,
            samples: Vec::new(),
        }
    }
}

fn handshakes(mut handshaker: Box<dyn Handshaker>) -> Block {
    Box::new(move |n| {
        let mut server = Duration::ZERO;
        let started = Instant::now();
        for _ in 0..n {
            handshaker.run(&mut server);
        }
        (started.elapsed(), server)
    })
}

fn bulk(mut work: Box<dyn Bulk>) -> Block {
    Box::new(move |n| {
        let started = Instant::now();
        for _ in 0..n {
            work.run();
        }
        (started.elapsed(), Duration::ZERO)
    })
}

struct Settings {
    rounds: usize,
    block: Duration,
}

impl Settings {
    fn from_args() -> Self {
        let mut settings = Settings {
            rounds: 40,
            block: Duration::from_millis(10),
        };
        let args: Vec<String> = std::env::args().collect();
        for pair in args.windows(2) {
            match (pair[0].as_str(), pair[1].parse::<u64>()) {
                ("--rounds", Ok(v)) if v > 0 => settings.rounds = v as usize,
                ("--block-ms", Ok(v)) if v > 0 => settings.block = Duration::from_millis(v),
                _ => {}
            }
        }
        settings
    }
}

/// Sizes each contender's block to about `settings.block`, runs one warm-up round, then
/// `settings.rounds` rounds in rotating order.
fn interleave(contenders: &mut [Contender], settings: &Settings) {
    for c in contenders.iter_mut() {
        let mut n = 1u32;
        loop {
            let (took, _) = (c.block)(n);
            if took >= settings.block / 4 || n >= 1 << 20 {
                let per_op = took.as_secs_f64() / f64::from(n);
                c.ops_per_block = ((settings.block.as_secs_f64() / per_op) as u32).max(1);
                break;
            }
            n *= 2;
        }
    }
    for c in contenders.iter_mut() {
        (c.block)(c.ops_per_block);
    }
    let count = contenders.len();
    for round in 0..settings.rounds {
        for k in 0..count {
            let c = &mut contenders[(round + k) % count];
            let n = c.ops_per_block;
            let (total, server) = (c.block)(n);
            c.samples.push((
                total.as_nanos() as f64 / f64::from(n),
                server.as_nanos() as f64 / f64::from(n),
            ));
        }
    }
}

/// (25th percentile, median, 75th percentile).
fn quartiles(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    (at(0.25), at(0.5), at(0.75))
}

fn us(ns: f64) -> String {
    format!("{:.2} µs", ns / 1e3)
}

fn ratio_cell(a: &Contender, b: &Contender, pick: fn(&(f64, f64)) -> f64) -> String {
    let ratios = a
        .samples
        .iter()
        .zip(&b.samples)
        .map(|(x, y)| pick(x) / pick(y))
        .collect();
    let (lo, mid, hi) = quartiles(ratios);
    format!("**{mid:.3}** [{lo:.3}–{hi:.3}]")
}

fn time_cell(c: &Contender, pick: fn(&(f64, f64)) -> f64) -> String {
    let (lo, mid, hi) = quartiles(c.samples.iter().map(pick).collect());
    format!("{} [{}–{}]", us(mid), us(lo), us(hi))
}

/// tlskit (ring, optionally with the client's verified-chain cache) and rustls (ring)
/// doing `case`, interleaved.
fn tlskit_vs_rustls(
    ring: &'static dyn tlskit_crypto::CryptoProvider,
    case: Case,
    chain_cache: bool,
    settings: &Settings,
) -> [Contender; 2] {
    let tlskit = if chain_cache {
        workloads::tlskit_handshaker_with(ring, case, true)
    } else {
        workloads::tlskit_handshaker(ring, case)
    };
    let mut contenders = [
        Contender::new("tlskit-ring", handshakes(tlskit)),
        Contender::new(
            "rustls-ring",
            handshakes(workloads::rustls_handshaker(case)),
        ),
    ];
    interleave(&mut contenders, settings);
    contenders
}

fn main() {
    let settings = Settings::from_args();
    let ring = tlskit_providers::by_name("ring").expect("ring backend");
    println!(
        "interleaved: {} rounds, blocks of about {} ms; load average at start: {}",
        settings.rounds,
        settings.block.as_millis(),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );

    println!("\n| handshake | tlskit-ring pair | rustls-ring pair | pair ratio tlskit/rustls | tlskit-ring server | rustls-ring server | server ratio tlskit/rustls |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for case in Case::ALL {
        let [tlskit, rustls] = tlskit_vs_rustls(ring, case, false, &settings);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            case.group_name(),
            time_cell(&tlskit, |s| s.0),
            time_cell(&rustls, |s| s.0),
            ratio_cell(&tlskit, &rustls, |s| s.0),
            time_cell(&tlskit, |s| s.1),
            time_cell(&rustls, |s| s.1),
            ratio_cell(&tlskit, &rustls, |s| s.1),
        );
    }

    // The same full handshakes with tlskit's client remembering verified chains (an opt-in
    // verifier option; rustls verifies the chain every time): not like for like in work
    // done, reported separately.
    println!("\n| full handshake, tlskit client with verified-chain cache | tlskit-ring pair | rustls-ring pair | pair ratio tlskit/rustls |");
    println!("|---|---:|---:|---:|");
    for case in [Case::Tls12Full, Case::Tls13Full] {
        let [tlskit, rustls] = tlskit_vs_rustls(ring, case, true, &settings);
        println!(
            "| {} | {} | {} | {} |",
            case.group_name(),
            time_cell(&tlskit, |s| s.0),
            time_cell(&rustls, |s| s.0),
            ratio_cell(&tlskit, &rustls, |s| s.0),
        );
    }

    // Bulk: every backend's connection paths, record layer and raw AEAD, plus rustls, in one
    // interleaved set. Ratios are throughput ratios (the inverse of the time ratios).
    let mut contenders = Vec::new();
    for provider in tlskit_providers::all() {
        let stack = format!("tlskit-{}", provider.name());
        for case in [Case::Tls12Full, Case::Tls13Full] {
            let v = if case == Case::Tls12Full {
                "1.2"
            } else {
                "1.3"
            };
            contenders.push(Contender::new(
                format!("{stack} TLS {v} connection"),
                bulk(workloads::tlskit_transfer(provider, case)),
            ));
            contenders.push(Contender::new(
                format!("{stack} TLS {v} record layer"),
                bulk(workloads::record_layer(
                    provider,
                    case,
                    Placement::PayloadAligned,
                )),
            ));
            contenders.push(Contender::new(
                format!("{stack} TLS {v} record layer, record-aligned"),
                bulk(workloads::record_layer(
                    provider,
                    case,
                    Placement::RecordAligned,
                )),
            ));
        }
        contenders.push(Contender::new(
            format!("{stack} raw AEAD"),
            bulk(workloads::raw_aead(provider)),
        ));
        contenders.push(Contender::new(
            format!("{stack} raw AEAD + 4 copies"),
            bulk(workloads::raw_aead_with_copies(provider)),
        ));
    }
    for case in [Case::Tls12Full, Case::Tls13Full] {
        let v = if case == Case::Tls12Full {
            "1.2"
        } else {
            "1.3"
        };
        contenders.push(Contender::new(
            format!("rustls-ring TLS {v} connection"),
            bulk(workloads::rustls_transfer(case)),
        ));
    }
    interleave(&mut contenders, &settings);
    let find = |name: &str| {
        contenders
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no contender {name}"))
    };
    println!("\n| 16 KiB bulk | time per 16 KiB [p25–p75] | throughput vs raw AEAD of the same backend (median per-round ratio [p25–p75]) |");
    println!("|---|---:|---:|");
    for c in &contenders {
        let backend = c.name.split(' ').next().unwrap_or_default();
        let raw = format!("{backend} raw AEAD");
        let vs_raw = if c.name == raw || backend == "rustls-ring" {
            "–".to_string()
        } else {
            ratio_cell(find(&raw), c, |s| s.0)
        };
        println!("| {} | {} | {} |", c.name, time_cell(c, |s| s.0), vs_raw);
    }
    println!("\n| connection path vs its floor (raw AEAD + 4 copies of 16 KiB), throughput ratio | TLS 1.2 | TLS 1.3 |");
    println!("|---|---:|---:|");
    for provider in tlskit_providers::all() {
        let stack = format!("tlskit-{}", provider.name());
        let floor = find(&format!("{stack} raw AEAD + 4 copies"));
        let cell =
            |v: &str| ratio_cell(floor, find(&format!("{stack} TLS {v} connection")), |s| s.0);
        println!("| {stack} | {} | {} |", cell("1.2"), cell("1.3"));
    }
    for v in ["1.2", "1.3"] {
        let tlskit = find(&format!("tlskit-ring TLS {v} connection"));
        let rustls = find(&format!("rustls-ring TLS {v} connection"));
        println!(
            "\ntlskit-ring / rustls-ring bulk throughput, TLS {v}: {}",
            ratio_cell(rustls, tlskit, |s| s.0)
        );
    }
    println!(
        "\nload average at end: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}
