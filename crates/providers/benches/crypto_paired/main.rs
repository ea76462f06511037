//! Interleaved A/B timing of the tlskit abstraction's cost: for each operation and backend,
//! the `trait` and `direct` workloads of the criterion `crypto` bench (same code, from
//! `cases.rs`) run in alternating blocks of about 10 ms, the order swapping every round.
//! On a shared machine, separate criterion entries drift by more than the 5 % margin
//! issue 2 asks about; here a slow period hits both sides alike. Each round gives one ratio
//! (direct time / trait time: ≥ 1 means the trait path is at least as fast); the report is
//! the median ratio with its interquartile range, as a Markdown table.
//!
//! Run: `cargo bench -p tlskit-providers --bench crypto_paired [-- --rounds N --block-ms M
//! --group SUBSTRING]`

#[path = "../crypto/cases.rs"]
mod cases;
#[path = "../crypto/direct_openssl.rs"]
mod direct_openssl;
#[path = "../crypto/direct_ring.rs"]
mod direct_ring;
#[path = "../crypto/direct_rustcrypto.rs"]
mod direct_rustcrypto;

use cases::{Work, GROUPS};
use std::time::{Duration, Instant};

struct Settings {
    rounds: usize,
    block: Duration,
    /// Only groups whose name contains this.
    group_filter: String,
}

impl Settings {
    fn from_args() -> Self {
        let mut settings = Settings {
            rounds: 30,
            block: Duration::from_millis(10),
            group_filter: String::new(),
        };
        let args: Vec<String> = std::env::args().collect();
        for pair in args.windows(2) {
            match (pair[0].as_str(), pair[1].parse::<u64>()) {
                ("--rounds", Ok(v)) if v > 0 => settings.rounds = v as usize,
                ("--block-ms", Ok(v)) if v > 0 => settings.block = Duration::from_millis(v),
                ("--group", _) => settings.group_filter = pair[1].clone(),
                _ => {}
            }
        }
        settings
    }
}

/// Time per operation over a block of `n` operations, in nanoseconds.
fn block(work: &mut Work, n: u32) -> f64 {
    let started = Instant::now();
    for _ in 0..n {
        work();
    }
    started.elapsed().as_nanos() as f64 / f64::from(n)
}

/// How many operations fill about `target`.
fn calibrate(work: &mut Work, target: Duration) -> u32 {
    let mut n = 1u32;
    loop {
        let per_op = block(work, n);
        if per_op * f64::from(n) >= target.as_nanos() as f64 / 4.0 || n >= 1 << 20 {
            return ((target.as_nanos() as f64 / per_op) as u32).max(1);
        }
        n *= 2;
    }
}

/// (25th percentile, median, 75th percentile).
fn quartiles(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    (at(0.25), at(0.5), at(0.75))
}

fn time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn main() {
    let settings = Settings::from_args();
    println!(
        "interleaved trait/direct: {} rounds, blocks of about {} ms; load average at start: {}\n",
        settings.rounds,
        settings.block.as_millis(),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    println!("| group | operation | backend | trait | direct | direct / trait [p25–p75] |");
    println!("|---|---|---|---:|---:|---:|");
    for group in GROUPS
        .into_iter()
        .filter(|g| g.contains(&settings.group_filter))
    {
        for mut case in cases::cases(group) {
            let n_trait = calibrate(&mut case.trait_path, settings.block);
            let n_direct = calibrate(&mut case.direct, settings.block);
            let (mut trait_times, mut direct_times, mut ratios) = (vec![], vec![], vec![]);
            for round in 0..settings.rounds {
                let (t, d) = if round % 2 == 0 {
                    let t = block(&mut case.trait_path, n_trait);
                    (t, block(&mut case.direct, n_direct))
                } else {
                    let d = block(&mut case.direct, n_direct);
                    (block(&mut case.trait_path, n_trait), d)
                };
                trait_times.push(t);
                direct_times.push(d);
                ratios.push(d / t);
            }
            let (_, t, _) = quartiles(trait_times);
            let (_, d, _) = quartiles(direct_times);
            let (lo, mid, hi) = quartiles(ratios);
            let with_rate = |ns: f64| match case.bytes {
                Some(bytes) => format!("{} ({:.2} GB/s)", time(ns), bytes as f64 / ns),
                None => time(ns),
            };
            println!(
                "| {group} | {} | {} | {} | {} | **{mid:.3}** [{lo:.3}–{hi:.3}] |",
                case.operation,
                case.backend,
                with_rate(t),
                with_rate(d)
            );
        }
    }
    println!(
        "\nload average at end: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}
