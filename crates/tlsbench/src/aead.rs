//! `tlsbench aead`: the AEAD ceiling. Seals `--size`-byte records in place with each
//! backend, first on one thread, then on `--threads` threads (rayon), and reports MB/s.

use crate::report::{AeadRow, RunReport};
use clap::Args;
use rayon::prelude::*;
use std::time::{Duration, Instant};
use tlskit_crypto::{AeadAlgorithm, CryptoProvider, NONCE_LEN, TAG_LEN};

/// Options of `tlsbench aead`.
#[derive(Args, Debug, serde::Serialize)]
pub struct AeadArgs {
    /// ring, rustcrypto, openssl or all.
    #[arg(long, default_value = "all")]
    backend: String,
    /// Record size in bytes.
    #[arg(long, default_value_t = 16384)]
    size: usize,
    /// Threads for the multi-core run (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Seconds per measurement.
    #[arg(long, default_value_t = 1.0)]
    seconds: f64,
    /// aes128gcm, aes256gcm, chacha20poly1305 or all.
    #[arg(long, default_value = "all")]
    aead: String,
    /// Also write the figures as JSON to this file.
    #[arg(long, value_name = "PATH")]
    json: Option<std::path::PathBuf>,
}

fn parse_aeads(choice: &str) -> Result<Vec<AeadAlgorithm>, String> {
    Ok(match choice {
        "all" => AeadAlgorithm::ALL.to_vec(),
        "aes128gcm" => vec![AeadAlgorithm::Aes128Gcm],
        "aes256gcm" => vec![AeadAlgorithm::Aes256Gcm],
        "chacha20poly1305" => vec![AeadAlgorithm::ChaCha20Poly1305],
        other => return Err(format!("unknown AEAD {other:?}")),
    })
}

/// Seals records for `budget` on the current thread; returns bytes sealed per second.
pub fn seal_rate(
    provider: &dyn CryptoProvider,
    alg: AeadAlgorithm,
    size: usize,
    budget: Duration,
) -> Result<f64, String> {
    let aead = provider
        .aead(alg)
        .ok_or_else(|| format!("{} lacks {}", provider.name(), alg.name()))?;
    let key_bytes = vec![0x42u8; alg.key_len()];
    let key = aead.new_key(&key_bytes).map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; size];
    let mut tag = [0u8; TAG_LEN];
    let aad = [0x17u8, 0x03, 0x03, 0, 0];
    let start = Instant::now();
    let mut sealed: u64 = 0;
    let mut seq: u64 = 0;
    while start.elapsed() < budget {
        for _ in 0..64 {
            let mut nonce = [0u8; NONCE_LEN];
            nonce[4..].copy_from_slice(&seq.to_be_bytes());
            key.seal_in_place(&nonce, &aad, &mut buf, &mut tag)
                .map_err(|e| e.to_string())?;
            seq += 1;
            sealed += size as u64;
        }
    }
    Ok(sealed as f64 / start.elapsed().as_secs_f64())
}

/// Runs the AEAD ceiling measurement and prints a table.
pub fn run(args: &AeadArgs) -> Result<(), String> {
    let providers = tlskit_providers::select(&args.backend)?;
    let aeads = parse_aeads(&args.aead)?;
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let budget = Duration::from_secs_f64(args.seconds.max(0.05));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| e.to_string())?;
    let machine = crate::machine::MachineInfo::current();
    println!(
        "AEAD seal ceiling, {}-byte records, CPU: {} ({} cpus)",
        args.size, machine.cpu_model, machine.cpus
    );
    println!(
        "{:<12} {:<18} {:>12} {:>14} {:>9}",
        "backend",
        "aead",
        "1 core MB/s",
        format!("{threads} thr MB/s"),
        "scaling"
    );
    let mut rows = Vec::new();
    for provider in &providers {
        for &alg in &aeads {
            let mut row = AeadRow {
                backend: provider.name().to_string(),
                aead: alg.name().to_string(),
                size: args.size,
                threads,
                ..AeadRow::default()
            };
            if provider.aead(alg).is_none() {
                println!(
                    "{:<12} {:<18} {:>12}",
                    provider.name(),
                    alg.name(),
                    "unsupported"
                );
                rows.push(row);
                continue;
            }
            let single = seal_rate(*provider, alg, args.size, budget)?;
            let multi: Result<Vec<f64>, String> = pool.install(|| {
                (0..threads)
                    .into_par_iter()
                    .map(|_| seal_rate(*provider, alg, args.size, budget))
                    .collect()
            });
            let multi: f64 = multi?.iter().sum();
            println!(
                "{:<12} {:<18} {:>12.0} {:>14.0} {:>8.2}x",
                provider.name(),
                alg.name(),
                single / 1e6,
                multi / 1e6,
                multi / single
            );
            row.single_core_bytes_per_s = Some(single);
            row.multi_core_bytes_per_s = Some(multi);
            rows.push(row);
        }
    }
    if let Some(path) = &args.json {
        let options = serde_json::to_value(args).map_err(|e| format!("options: {e}"))?;
        let mut report = RunReport::new("aead", options);
        report.aead = rows;
        let written = report.write(Some(path))?;
        eprintln!("tlsbench: results written to {}", written.display());
    }
    Ok(())
}

/// The AEAD of a negotiated cipher suite, from its IANA name (as in `describe()`).
pub fn aead_of_suite(negotiated: &str) -> Option<AeadAlgorithm> {
    if negotiated.contains("AES_128_GCM") {
        Some(AeadAlgorithm::Aes128Gcm)
    } else if negotiated.contains("AES_256_GCM") {
        Some(AeadAlgorithm::Aes256Gcm)
    } else if negotiated.contains("CHACHA20_POLY1305") {
        Some(AeadAlgorithm::ChaCha20Poly1305)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suites_map_to_their_aead() {
        assert_eq!(
            aead_of_suite("TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 x25519"),
            Some(AeadAlgorithm::Aes128Gcm)
        );
        assert_eq!(
            aead_of_suite("TLSv1.3 TLS_AES_256_GCM_SHA384 x25519"),
            Some(AeadAlgorithm::Aes256Gcm)
        );
        assert_eq!(
            aead_of_suite("TLSv1.3 TLS_CHACHA20_POLY1305_SHA256 x25519"),
            Some(AeadAlgorithm::ChaCha20Poly1305)
        );
        assert_eq!(aead_of_suite("null (no TLS)"), None);
    }

    #[test]
    fn seal_rate_is_positive() {
        let p = tlskit_providers::all()[0];
        let rate = seal_rate(p, AeadAlgorithm::Aes128Gcm, 1024, Duration::from_millis(5));
        assert!(rate.unwrap() > 0.0);
    }
}
