//! Results: the JSON schema, the final table, and writing the JSON file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::clock::Utc;
use crate::machine::MachineInfo;
use crate::stats::LatencySummary;
use crate::sys::CpuTime;

/// Version of the JSON layout below; bump on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// One side's CPU account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SideReport {
    /// Worker threads (0 for an external server measured through /proc).
    pub threads: usize,
    /// CPU time of this side.
    pub cpu: CpuTime,
    /// Handshakes this side completed.
    pub handshakes: u64,
    /// CPU microseconds per handshake (null without handshakes).
    pub cpu_us_per_handshake: Option<f64>,
    /// Handshakes per CPU-second of this side: the figure comparable across machines
    /// where client and server share cores.
    pub handshakes_per_cpu_s: Option<f64>,
    /// How the CPU time was measured.
    pub cpu_source: String,
    /// Connections this side finished cleanly / with a failure.
    pub succeeded: u64,
    /// Failures on this side (server failures are not visible to the client's count).
    pub failed: u64,
    /// Failures by kind.
    pub errors: BTreeMap<String, u64>,
    /// Server: accept refusals by kind (retried; not connection failures).
    #[serde(default)]
    pub accept_errors: BTreeMap<String, u64>,
    /// Application bytes this side sent and received.
    pub bytes_sent: u64,
    /// See `bytes_sent`.
    pub bytes_received: u64,
}

impl SideReport {
    /// Derives the per-handshake figures.
    pub fn with_rates(mut self) -> Self {
        let cpu = self.cpu.total_s();
        if self.handshakes > 0 {
            self.cpu_us_per_handshake = Some(cpu * 1e6 / self.handshakes as f64);
        }
        if cpu > 0.0 {
            self.handshakes_per_cpu_s = Some(self.handshakes as f64 / cpu);
        }
        self
    }
}

/// Resident memory during the load.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryReport {
    /// RSS just before the clients started (server already listening), bytes.
    pub rss_baseline_bytes: u64,
    /// Peak RSS of the process (VmHWM), bytes.
    pub rss_peak_bytes: u64,
    /// Most client connections open at one sample.
    pub peak_open_connections: u64,
    /// Most RSS sampled while that many were open, bytes.
    pub rss_at_peak_open_bytes: u64,
    /// (RSS at peak open - baseline) / peak open connections. In-process, this is one
    /// client and one server connection together.
    pub bytes_per_open_connection: Option<f64>,
}

/// The result of one load against one backend.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadResult {
    /// Backend name (`ring`, ..., `null`).
    pub backend: String,
    /// The session factory that ran it.
    pub session: String,
    /// The provider's self-description (library and version), when a crypto backend.
    pub backend_version: Option<String>,
    /// What the first handshake negotiated.
    pub negotiated: Option<String>,
    /// Configuration label (`--label`).
    pub label: Option<String>,
    /// What each connection did after its handshake.
    #[serde(default)]
    pub workload: Option<crate::engine::Workload>,
    /// The target: `in-process` or the --connect address.
    pub target: String,
    /// Client threads, server threads (null for --connect), concurrency.
    pub client_threads: usize,
    /// See `client_threads`.
    pub server_threads: Option<usize>,
    /// Connections open at once.
    pub concurrency: usize,
    /// Seconds from the first connect to the last close.
    pub wall_s: f64,
    /// Client connections started.
    pub connections: u64,
    /// ... that completed.
    pub succeeded: u64,
    /// ... that failed (each counted once in `errors`).
    pub failed: u64,
    /// Completed client handshakes.
    pub handshakes: u64,
    /// Of which resumed (as reported by the session).
    pub resumed: u64,
    /// Connections the server closed without close_notify.
    pub unclean_closes: u64,
    /// Completed handshakes per wall-clock second.
    pub handshakes_per_s: f64,
    /// Client side CPU.
    pub client: SideReport,
    /// Server side CPU (null for --connect without --server-pid).
    pub server: Option<SideReport>,
    /// Connect to handshake done, µs.
    pub handshake_latency: LatencySummary,
    /// Connect to close, µs (successful connections).
    pub connection_latency: LatencySummary,
    /// Application bytes the clients sent.
    pub app_bytes_sent: u64,
    /// Application bytes the clients received.
    pub app_bytes_received: u64,
    /// Received application bytes per wall-clock second (one direction; an echo moves the
    /// same amount the other way).
    pub app_bytes_per_s: f64,
    /// Client failures by kind.
    pub errors: BTreeMap<String, u64>,
    /// Memory.
    pub memory: MemoryReport,
    /// Bulk comparisons (`--baseline` with `--bytes`): this run against the same load
    /// without TLS and against the AEAD's single-core seal rate.
    #[serde(default)]
    pub bulk: Option<BulkComparison>,
    /// The load was interrupted (Ctrl-C / SIGTERM): the figures cover the part that ran,
    /// and connections still open after the grace period count as `aborted/interrupted`.
    #[serde(default)]
    pub interrupted: bool,
}

/// What a bulk (`--bytes`) result is worth next to its two references.
///
/// `vs_null` is what TLS costs over the very same socket path (engine, loopback TCP,
/// buffers) in the same invocation; `vs_aead_ceiling` is how close the echo gets to sealing
/// records in a loop on one core, which loopback TCP alone may already prevent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BulkComparison {
    /// App bytes per second of the same load with `--backend null` (no TLS).
    pub null_bytes_per_s: Option<f64>,
    /// This run's app bytes per second over `null_bytes_per_s`.
    pub vs_null: Option<f64>,
    /// The negotiated AEAD (e.g. `AES-128-GCM`), when known.
    pub aead: Option<String>,
    /// Single-core seal rate of that AEAD with this backend, 16 KiB records (as
    /// `tlsbench aead`).
    pub aead_ceiling_bytes_per_s: Option<f64>,
    /// This run's app bytes per second over `aead_ceiling_bytes_per_s`.
    pub vs_aead_ceiling: Option<f64>,
}

/// One step of a thread sweep.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScaleStep {
    /// Backend.
    pub backend: String,
    /// The swept thread count.
    pub threads: usize,
    /// Client and server threads at this step.
    pub client_threads: usize,
    /// See `client_threads`.
    pub server_threads: Option<usize>,
    /// Handshakes per wall-clock second.
    pub handshakes_per_s: f64,
    /// Relative to the first step.
    pub speedup: f64,
    /// `speedup / (threads / first step's threads)`.
    pub efficiency: f64,
    /// Handshakes per client CPU-second.
    pub client_handshakes_per_cpu_s: Option<f64>,
    /// Handshakes per server CPU-second.
    pub server_handshakes_per_cpu_s: Option<f64>,
    /// Failed connections at this step.
    pub failed: u64,
}

/// One AEAD ceiling measurement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AeadRow {
    /// Backend.
    pub backend: String,
    /// Algorithm.
    pub aead: String,
    /// Record size, bytes.
    pub size: usize,
    /// Seal throughput on one core, bytes/s (null if unsupported).
    pub single_core_bytes_per_s: Option<f64>,
    /// Across `threads` threads, bytes/s.
    pub multi_core_bytes_per_s: Option<f64>,
    /// Threads of the multi-core run.
    pub threads: usize,
}

/// A backend that could not run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedRun {
    /// Backend.
    pub backend: String,
    /// Why.
    pub error: String,
}

/// Everything one tlsbench invocation writes to its JSON file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunReport {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// `load`, `scale` or `aead`.
    pub kind: String,
    /// `tlsbench <version>`.
    pub tool: String,
    /// When it started (UTC).
    pub started_at: String,
    /// The command line as given.
    pub command: Vec<String>,
    /// The machine.
    pub machine: MachineInfo,
    /// Every option, parsed (the subcommand's options).
    pub options: serde_json::Value,
    /// Load results (one per backend; for `scale`, one per backend and step).
    #[serde(default)]
    pub results: Vec<LoadResult>,
    /// Sweep steps (`scale`).
    #[serde(default)]
    pub scale: Vec<ScaleStep>,
    /// AEAD ceiling rows (`aead`).
    #[serde(default)]
    pub aead: Vec<AeadRow>,
    /// Backends that could not run.
    #[serde(default)]
    pub failed_runs: Vec<FailedRun>,
    /// The run was interrupted (Ctrl-C / SIGTERM): results are partial.
    #[serde(default)]
    pub interrupted: bool,
}

impl RunReport {
    /// An empty report of `kind` for the current invocation.
    pub fn new(kind: &str, options: serde_json::Value) -> Self {
        RunReport {
            schema: SCHEMA_VERSION,
            kind: kind.to_string(),
            tool: format!("tlsbench {}", env!("CARGO_PKG_VERSION")),
            started_at: Utc::now().iso(),
            command: std::env::args().collect(),
            machine: MachineInfo::current(),
            options,
            results: Vec::new(),
            scale: Vec::new(),
            aead: Vec::new(),
            failed_runs: Vec::new(),
            interrupted: false,
        }
    }

    /// Writes the report as pretty JSON to `path` (creating its directory), or to the
    /// default `bench-results/tlsbench-<kind>-<UTC time>.json`. Returns the path written.
    pub fn write(&self, path: Option<&Path>) -> Result<PathBuf, String> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => PathBuf::from("bench-results").join(format!(
                "tlsbench-{}-{}.json",
                self.kind,
                Utc::now().compact()
            )),
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let json = serde_json::to_string_pretty(self).map_err(|e| format!("JSON: {e}"))?;
        std::fs::write(&path, json + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    }
}

fn ms(us: u64) -> String {
    format!("{:.3}", us as f64 / 1000.0)
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.digits$}"))
}

/// The final table: one column per backend, one row per figure.
pub fn table(results: &[LoadResult]) -> String {
    type Row = (&'static str, fn(&LoadResult) -> String);
    let rows: &[Row] = &[
        ("negotiated", |r| {
            r.negotiated.clone().unwrap_or_else(|| "-".into())
        }),
        ("connections ok / failed", |r| {
            format!("{} / {}", r.succeeded, r.failed)
        }),
        ("handshakes (resumed)", |r| {
            format!("{} ({})", r.handshakes, r.resumed)
        }),
        ("wall time s", |r| format!("{:.3}", r.wall_s)),
        ("handshakes/s", |r| format!("{:.0}", r.handshakes_per_s)),
        ("client threads / CPU s", |r| {
            format!("{} / {:.3}", r.client.threads, r.client.cpu.total_s())
        }),
        ("client CPU µs/handshake", |r| {
            opt(r.client.cpu_us_per_handshake, 1)
        }),
        ("handshakes/client CPU-s", |r| {
            opt(r.client.handshakes_per_cpu_s, 0)
        }),
        ("server threads / CPU s", |r| match &r.server {
            Some(s) => format!("{} / {:.3}", s.threads, s.cpu.total_s()),
            None => "not measured".into(),
        }),
        ("server CPU µs/handshake", |r| {
            opt(r.server.as_ref().and_then(|s| s.cpu_us_per_handshake), 1)
        }),
        ("handshakes/server CPU-s", |r| {
            opt(r.server.as_ref().and_then(|s| s.handshakes_per_cpu_s), 0)
        }),
        ("handshake p50 ms", |r| ms(r.handshake_latency.p50_us)),
        ("handshake p90 ms", |r| ms(r.handshake_latency.p90_us)),
        ("handshake p99 ms", |r| ms(r.handshake_latency.p99_us)),
        ("handshake p99.9 ms", |r| ms(r.handshake_latency.p999_us)),
        ("handshake max ms", |r| ms(r.handshake_latency.max_us)),
        ("connection p50 ms", |r| ms(r.connection_latency.p50_us)),
        ("connection p90 ms", |r| ms(r.connection_latency.p90_us)),
        ("connection p99 ms", |r| ms(r.connection_latency.p99_us)),
        ("connection p99.9 ms", |r| ms(r.connection_latency.p999_us)),
        ("connection max ms", |r| ms(r.connection_latency.max_us)),
        ("app data MB/s (each way)", |r| {
            format!("{:.1}", r.app_bytes_per_s / 1e6)
        }),
        ("app data vs null (same path)", |r| {
            opt(r.bulk.as_ref().and_then(|b| b.vs_null), 3)
        }),
        ("app data vs AEAD 1-core", |r| {
            opt(r.bulk.as_ref().and_then(|b| b.vs_aead_ceiling), 3)
        }),
        ("peak RSS MiB", |r| {
            format!("{:.1}", r.memory.rss_peak_bytes as f64 / 1048576.0)
        }),
        ("peak open connections", |r| {
            r.memory.peak_open_connections.to_string()
        }),
        ("RSS per open conn KiB", |r| {
            opt(r.memory.bytes_per_open_connection.map(|b| b / 1024.0), 1)
        }),
        ("unclean closes", |r| r.unclean_closes.to_string()),
    ];
    let label_width = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|(_, f)| results.iter().map(f).collect())
        .collect();
    let widths: Vec<usize> = (0..results.len())
        .map(|i| {
            let header = results.get(i).map_or(0, |r| r.backend.chars().count());
            cells
                .iter()
                .filter_map(|row| row.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
                .max(header)
        })
        .collect();
    let mut out = String::new();
    let _ = write!(out, "{:label_width$}", "");
    for (r, w) in results.iter().zip(&widths) {
        let _ = write!(out, "  {:>w$}", r.backend);
    }
    out.push('\n');
    for ((label, _), row) in rows.iter().zip(&cells) {
        let _ = write!(out, "{label:label_width$}");
        for (cell, w) in row.iter().zip(&widths) {
            let _ = write!(out, "  {cell:>w$}");
        }
        out.push('\n');
    }
    for r in results.iter().filter(|r| r.interrupted) {
        let _ = writeln!(
            out,
            "{}: INTERRUPTED (Ctrl-C): partial results; connections still open after the grace period count as aborted/interrupted",
            r.backend
        );
    }
    for r in results {
        let server_errors = r.server.as_ref().map(|s| &s.errors);
        let accept_errors = r.server.as_ref().map(|s| &s.accept_errors);
        if r.errors.is_empty()
            && server_errors.is_none_or(|e| e.is_empty())
            && accept_errors.is_none_or(|e| e.is_empty())
        {
            continue;
        }
        let _ = writeln!(out, "errors ({}):", r.backend);
        for (kind, n) in &r.errors {
            let _ = writeln!(out, "  client {kind}: {n}");
        }
        for (kind, n) in server_errors.into_iter().flatten() {
            let _ = writeln!(out, "  server {kind}: {n}");
        }
        for (kind, n) in accept_errors.into_iter().flatten() {
            let _ = writeln!(out, "  server {kind}: {n} (refused accepts, retried)");
        }
    }
    out
}

/// The `scale` table.
pub fn scale_table(steps: &[ScaleStep]) -> String {
    let mut out = format!(
        "{:<12} {:>7} {:>7} {:>7} {:>12} {:>8} {:>10} {:>15} {:>15} {:>7}\n",
        "backend",
        "threads",
        "client",
        "server",
        "handshakes/s",
        "speedup",
        "efficiency",
        "hs/client CPU-s",
        "hs/server CPU-s",
        "failed"
    );
    for s in steps {
        let _ = writeln!(
            out,
            "{:<12} {:>7} {:>7} {:>7} {:>12.0} {:>7.2}x {:>9.0}% {:>15} {:>15} {:>7}",
            s.backend,
            s.threads,
            s.client_threads,
            s.server_threads
                .map_or_else(|| "-".into(), |t| t.to_string()),
            s.handshakes_per_s,
            s.speedup,
            s.efficiency * 100.0,
            opt(s.client_handshakes_per_cpu_s, 0),
            opt(s.server_handshakes_per_cpu_s, 0),
            s.failed,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(backend: &str) -> LoadResult {
        LoadResult {
            backend: backend.into(),
            session: backend.into(),
            succeeded: 10,
            handshakes: 10,
            handshakes_per_s: 1234.5,
            client: SideReport {
                threads: 2,
                cpu: CpuTime {
                    user_s: 0.5,
                    sys_s: 0.5,
                },
                handshakes: 10,
                ..Default::default()
            }
            .with_rates(),
            errors: BTreeMap::from([("io/ConnectionReset".to_string(), 2)]),
            ..LoadResult::default()
        }
    }

    #[test]
    fn side_rates_are_derived_from_cpu_and_count() {
        let s = sample("x").client;
        assert_eq!(s.cpu_us_per_handshake, Some(100_000.0));
        assert_eq!(s.handshakes_per_cpu_s, Some(10.0));
        assert_eq!(
            SideReport::default().with_rates().handshakes_per_cpu_s,
            None
        );
    }

    #[test]
    fn table_has_a_column_per_backend_and_lists_errors() {
        let t = table(&[sample("ring"), sample("openssl")]);
        let header = t.lines().next().unwrap();
        assert!(header.contains("ring") && header.contains("openssl"));
        assert!(t.contains("handshakes/s") && t.contains("1234") && t.contains("not measured"));
        assert!(t.contains("errors (ring):\n  client io/ConnectionReset: 2"));
    }

    #[test]
    fn json_round_trips_with_the_documented_top_level_keys() {
        let mut report = RunReport::new("load", serde_json::json!({"conns": 10}));
        report.results.push(sample("null"));
        let dir = tempfile::tempdir().unwrap();
        let path = report.write(Some(&dir.path().join("sub/r.json"))).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        for key in [
            "schema",
            "kind",
            "tool",
            "started_at",
            "command",
            "machine",
            "options",
            "results",
        ] {
            assert!(value.get(key).is_some(), "missing {key}");
        }
        for key in ["cpu_model", "cpus", "os"] {
            assert!(value["machine"].get(key).is_some(), "machine.{key}");
        }
        let back: RunReport = serde_json::from_str(&text).unwrap();
        assert_eq!(back.results, report.results);
    }
}
