//! One load: start the in-process server (unless `--connect`), run the client workers, show
//! progress, sample memory, and turn the merged measurements into a [`LoadResult`].

use std::io::IsTerminal;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::aead::{aead_of_suite, seal_rate};
use crate::cli::{cores, LoadArgs};
use crate::credentials::SERVER_NAME;
use crate::engine::client::{ClientPlan, ClientWorker};
use crate::engine::server::{ServerPlan, ServerWorker, StopHandle};
use crate::engine::CHUNK;
use crate::engine::{Budget, Progress, ServerMode, StartGate, Workload};
use crate::interrupt::{self, Interrupt};
use crate::report::{BulkComparison, FailedRun, LoadResult, MemoryReport, RunReport, SideReport};
use crate::session::{build_factory, SessionFactory, Sides, TlsOptions, NULL_BACKEND};
use crate::stats::SideStats;
use crate::sys::{self, CpuTime};

/// How often the coordinator refreshes the progress bar and samples memory.
const SAMPLE_EVERY: Duration = Duration::from_millis(25);
/// Descriptors kept free for everything that is not a connection.
const SPARE_FDS: u64 = 256;

/// Where the load goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Target {
    /// An in-process server with this many worker threads.
    InProcess {
        /// Server worker threads.
        threads: usize,
    },
    /// An external server.
    Connect {
        /// Resolved address.
        addr: SocketAddr,
        /// As given.
        spec: String,
        /// Process to sample CPU time from.
        server_pid: Option<u32>,
    },
}

/// A load fully resolved from the command line, for one backend.
#[derive(Debug, Clone, Serialize)]
pub struct LoadConfig {
    /// Backend name.
    pub backend: String,
    /// Connection count (or `None` with a duration).
    pub conns: Option<u64>,
    /// Seconds to keep starting connections (or `None` with a count).
    pub duration: Option<f64>,
    /// Connections open at once.
    pub concurrency: usize,
    /// Client worker threads.
    pub client_threads: usize,
    /// The server.
    pub target: Target,
    /// SNI / verification name.
    pub server_name: String,
    /// Per-connection work.
    pub workload: Workload,
    /// Idle hold after the exchange.
    pub hold_s: f64,
    /// Per-connection timeout.
    pub timeout_s: f64,
    /// Everything for the session factory.
    #[serde(skip)]
    pub tls: TlsOptions,
    /// Trace the first connection.
    pub trace: bool,
    /// `--label`.
    pub label: Option<String>,
    /// `--pin-threads`: server workers on CPUs 0.., client workers on the CPUs after them.
    #[serde(default)]
    pub pin_threads: bool,
}

impl LoadConfig {
    /// Resolves `args` for `backend` (one backend: `--backend all` is expanded by the
    /// caller).
    pub fn from_args(args: &LoadArgs, backend: &str) -> Result<Self, String> {
        if args.concurrency == 0 {
            return Err("--concurrency must be at least 1".into());
        }
        let client_threads = args.threads.unwrap_or_else(cores).max(1);
        let (target, default_name) = match &args.connect {
            Some(spec) => {
                let addr = spec
                    .to_socket_addrs()
                    .map_err(|e| format!("--connect {spec}: {e}"))?
                    .next()
                    .ok_or_else(|| format!("--connect {spec}: no address"))?;
                let host = spec.rsplit_once(':').map_or(spec.as_str(), |(h, _)| h);
                let host = host.trim_start_matches('[').trim_end_matches(']');
                (
                    Target::Connect {
                        addr,
                        spec: spec.clone(),
                        server_pid: args.server_pid,
                    },
                    host.to_string(),
                )
            }
            None => {
                if args.ca.is_some() {
                    return Err(
                        "--ca applies to --connect; the in-process server's CA is generated".into(),
                    );
                }
                let threads = args.server_threads.unwrap_or_else(cores).max(1);
                (Target::InProcess { threads }, SERVER_NAME.to_string())
            }
        };
        if args.connect.is_some() && args.client_auth && args.client_cert.is_none() {
            return Err(crate::tlskit::CLIENT_AUTH_NEEDS_CERT.into());
        }
        if args.connect.is_some() && args.server_threads.is_some() {
            return Err("--server-threads applies to the in-process server, not --connect".into());
        }
        let workload = if args.http {
            Workload::Http
        } else if args.bytes > 0 {
            Workload::Echo { bytes: args.bytes }
        } else {
            Workload::Handshake
        };
        if workload == Workload::Http && args.connect.is_none() {
            return Err(
                "--http needs --connect (the in-process server echoes; use --bytes)".into(),
            );
        }
        sys::seconds(args.hold).map_err(|e| format!("--hold: {e}"))?;
        sys::seconds(args.timeout).map_err(|e| format!("--timeout: {e}"))?;
        if let Some(d) = args.duration {
            sys::seconds(d).map_err(|e| format!("--duration: {e}"))?;
        }
        Ok(LoadConfig {
            backend: backend.to_string(),
            conns: if args.duration.is_some() {
                None
            } else {
                Some(args.conns.unwrap_or(1000))
            },
            duration: args.duration,
            concurrency: args.concurrency,
            client_threads,
            target,
            server_name: args.server_name.clone().unwrap_or(default_name),
            workload,
            hold_s: args.hold,
            timeout_s: args.timeout,
            tls: args.tls_options(),
            trace: args.trace,
            label: args.label.clone(),
            pin_threads: args.pin_threads,
        })
    }

    fn sides(&self) -> Sides {
        match self.target {
            Target::InProcess { .. } => Sides::Both,
            Target::Connect { .. } => Sides::ClientOnly,
        }
    }
}

/// Runs one load with the factory `build_factory` makes for `config`.
pub fn run(config: &LoadConfig) -> Result<LoadResult, String> {
    run_until(config, &Interrupt::new())
}

/// [`run`], stopping early when `interrupt` is set (see [`run_with_interrupt`]).
pub fn run_until(config: &LoadConfig, interrupt: &Interrupt) -> Result<LoadResult, String> {
    let factory = build_factory(&config.backend, &config.tls, config.sides())?;
    run_with_interrupt(config, factory, interrupt)
}

/// Splits `total` into `parts` shares that differ by at most one.
fn shares(total: usize, parts: usize) -> Vec<usize> {
    let parts = parts.max(1);
    (0..parts)
        .map(|i| total / parts + usize::from(i < total % parts))
        .collect()
}

/// Runs one load with a given factory (tests pass their own).
pub fn run_with(
    config: &LoadConfig,
    factory: Arc<dyn SessionFactory>,
) -> Result<LoadResult, String> {
    run_with_interrupt(config, factory, &Interrupt::new())
}

/// Runs one load with a given factory until it completes or `interrupt` is set. Once set:
/// no new connection starts, open ones get [`interrupt::GRACE`] to finish, and those
/// still open then are aborted (`aborted/interrupted`); the result so far is returned,
/// marked `interrupted`.
pub fn run_with_interrupt(
    config: &LoadConfig,
    factory: Arc<dyn SessionFactory>,
    interrupt: &Interrupt,
) -> Result<LoadResult, String> {
    let per_conn_fds = if config.sides() == Sides::Both { 2 } else { 1 };
    let wanted = config.concurrency as u64 * per_conn_fds + SPARE_FDS;
    let limit = sys::raise_nofile_limit(wanted)?;
    if limit < wanted {
        eprintln!(
            "tlsbench: warning: --concurrency {} needs about {wanted} file descriptors here, but RLIMIT_NOFILE \
             is {limit}; connections beyond it will fail with accept/connect errors",
            config.concurrency
        );
    }
    let timeout = sys::seconds(config.timeout_s)?;
    let hold = sys::seconds(config.hold_s)?;
    let client_threads = config.client_threads.clamp(1, config.concurrency);
    let open_shares = shares(config.concurrency, client_threads);

    let (addr, server) = match &config.target {
        Target::InProcess { threads } => {
            let listener = sys::listen(SocketAddr::from(([127, 0, 0, 1], 0)))?;
            let addr = listener
                .local_addr()
                .map_err(|e| format!("listener address: {e}"))?;
            let mut workers = Vec::new();
            for _ in 0..*threads {
                workers.push(ServerWorker::new(&listener)?);
            }
            (addr, Some(workers))
        }
        Target::Connect { addr, .. } => (*addr, None),
    };
    let plan = ClientPlan {
        addr,
        server_name: config.server_name.clone(),
        workload: config.workload,
        hold,
        timeout,
    };
    let server_plan = ServerPlan {
        mode: ServerMode::Echo,
        timeout: timeout + hold + Duration::from_secs(1),
        log_failures: false,
    };
    let budget = match (config.conns, config.duration) {
        (_, Some(d)) => Budget::duration(sys::seconds(d)?),
        (Some(n), None) => Budget::count(n),
        (None, None) => Budget::count(1000),
    };
    let progress = Progress::default();
    let external_pid = match config.target {
        Target::Connect { server_pid, .. } => server_pid,
        Target::InProcess { .. } => None,
    };
    let external_cpu_before = external_pid.map(sys::process_cpu_of).transpose()?;

    let server_workers = server.into_iter().flatten().collect::<Vec<_>>();
    let gate = StartGate::new(server_workers.len() + open_shares.len());
    let outcome = std::thread::scope(|scope| -> Result<Measured, String> {
        let mut server_handles = Vec::new();
        let mut stop_handles = Vec::new();
        // If a thread cannot be spawned, let the others through and wind them down.
        let abort = |stops: &[StopHandle], e: std::io::Error| {
            budget.stop();
            gate.release();
            stops.iter().for_each(StopHandle::stop);
            format!("spawning a worker thread: {e}")
        };
        let server_count = server_workers.len();
        let pin = |cpu: usize| {
            if config.pin_threads {
                sys::pin_current_thread(cpu);
            }
        };
        for (i, (worker, stop)) in server_workers.into_iter().enumerate() {
            stop_handles.push(stop);
            let (factory, server_plan, gate) = (factory.as_ref(), &server_plan, &gate);
            let spawned = std::thread::Builder::new()
                .name("tlsbench-server".into())
                .spawn_scoped(scope, move || {
                    pin(i);
                    worker.run(server_plan, factory, Some(gate))
                });
            server_handles.push(spawned.map_err(|e| abort(&stop_handles, e))?);
        }
        let mut client_handles = Vec::new();
        for (i, &max_open) in open_shares.iter().enumerate() {
            let worker = ClientWorker {
                plan: &plan,
                factory: factory.as_ref(),
                budget: &budget,
                progress: &progress,
                max_open,
                trace_first: config.trace && i == 0,
                gate: Some(&gate),
            };
            let spawned = std::thread::Builder::new()
                .name("tlsbench-client".into())
                .spawn_scoped(scope, move || {
                    pin(server_count + i);
                    worker.run()
                });
            client_handles.push(spawned.map_err(|e| abort(&stop_handles, e))?);
        }
        let mut rss = sys::RssProbe::open();
        let (baseline, start) = gate.open(|| (rss.sample().current, Instant::now()));
        let bar = progress_bar(&budget);
        let mut memory = MemoryReport {
            rss_baseline_bytes: baseline,
            ..MemoryReport::default()
        };
        let mut interrupted_at: Option<Instant> = None;
        while !client_handles.iter().all(|h| h.is_finished()) {
            std::thread::sleep(SAMPLE_EVERY);
            match interrupted_at {
                None if interrupt.is_set() => {
                    interrupted_at = Some(Instant::now());
                    budget.stop();
                }
                Some(at) if at.elapsed() >= interrupt::GRACE => budget.abort(),
                _ => {}
            }
            let open = Progress::get(&progress.open);
            // The most RSS seen while the most connections were open: the first sample at
            // a new peak may come before those connections' handshakes allocated their
            // state, so later samples at the same count are taken too.
            if open > memory.peak_open_connections {
                memory.peak_open_connections = open;
                memory.rss_at_peak_open_bytes = rss.sample().current;
            } else if open == memory.peak_open_connections && open > 0 {
                memory.rss_at_peak_open_bytes =
                    memory.rss_at_peak_open_bytes.max(rss.sample().current);
            }
            update_bar(&bar, &budget, &progress, start);
        }
        let wall = start.elapsed();
        bar.finish_and_clear();
        let clients: Vec<SideStats> = client_handles
            .into_iter()
            .map(|h| {
                h.join()
                    .map_err(|_| "a client thread panicked".to_string())?
            })
            .collect::<Result<_, _>>()?;
        for stop in &stop_handles {
            stop.stop();
        }
        let servers: Vec<SideStats> = server_handles
            .into_iter()
            .map(|h| {
                h.join()
                    .map_err(|_| "a server thread panicked".to_string())?
            })
            .collect::<Result<_, _>>()?;
        memory.rss_peak_bytes = rss.sample().peak;
        Ok(Measured {
            wall,
            clients,
            servers,
            memory,
            interrupted: interrupted_at.is_some(),
        })
    })?;

    let external_cpu = match (external_pid, external_cpu_before) {
        (Some(pid), Some(before)) => Some(sys::process_cpu_of(pid)?.since(before)),
        _ => None,
    };
    Ok(summarise(config, factory.as_ref(), outcome, external_cpu))
}

struct Measured {
    wall: Duration,
    clients: Vec<SideStats>,
    servers: Vec<SideStats>,
    memory: MemoryReport,
    interrupted: bool,
}

fn side_report(stats: &SideStats, source: &str) -> SideReport {
    SideReport {
        threads: stats.threads,
        cpu: stats.cpu,
        handshakes: stats.handshakes,
        cpu_source: source.to_string(),
        succeeded: stats.succeeded,
        failed: stats.failed,
        errors: stats.errors.clone(),
        accept_errors: stats.accept_errors.clone(),
        bytes_sent: stats.bytes_sent,
        bytes_received: stats.bytes_received,
        ..SideReport::default()
    }
    .with_rates()
}

const THREAD_CPU: &str = "getrusage(RUSAGE_THREAD), summed over the worker threads";

fn summarise(
    config: &LoadConfig,
    factory: &dyn SessionFactory,
    m: Measured,
    external_cpu: Option<CpuTime>,
) -> LoadResult {
    let client = SideStats::merge_all(&m.clients);
    let wall_s = m.wall.as_secs_f64().max(f64::MIN_POSITIVE);
    let server = match (&config.target, external_cpu) {
        (Target::InProcess { .. }, _) => {
            Some(side_report(&SideStats::merge_all(&m.servers), THREAD_CPU))
        }
        (
            Target::Connect {
                server_pid: Some(pid),
                ..
            },
            Some(cpu),
        ) => Some(
            SideReport {
                cpu,
                handshakes: client.handshakes,
                cpu_source: format!(
                    "/proc/{pid}/stat utime+stime; handshakes as counted by the client"
                ),
                ..SideReport::default()
            }
            .with_rates(),
        ),
        _ => None,
    };
    let mut memory = m.memory;
    if memory.peak_open_connections > 0 && memory.rss_at_peak_open_bytes > memory.rss_baseline_bytes
    {
        memory.bytes_per_open_connection = Some(
            (memory.rss_at_peak_open_bytes - memory.rss_baseline_bytes) as f64
                / memory.peak_open_connections as f64,
        );
    }
    LoadResult {
        backend: config.backend.clone(),
        session: factory.name(),
        backend_version: tlskit_providers::by_name(&config.backend)
            .map(|p| p.description().to_string()),
        negotiated: client.negotiated.clone(),
        label: config.label.clone(),
        workload: Some(config.workload),
        target: match &config.target {
            Target::InProcess { .. } => "in-process".into(),
            Target::Connect { spec, .. } => spec.clone(),
        },
        client_threads: client.threads,
        server_threads: match config.target {
            Target::InProcess { threads } => Some(threads),
            Target::Connect { .. } => None,
        },
        concurrency: config.concurrency,
        wall_s,
        connections: client.started,
        succeeded: client.succeeded,
        failed: client.failed,
        handshakes: client.handshakes,
        resumed: client.resumed,
        unclean_closes: client.unclean_closes,
        handshakes_per_s: client.handshakes as f64 / wall_s,
        client: side_report(&client, THREAD_CPU),
        server,
        handshake_latency: client.handshake_latency.summary(),
        connection_latency: client.connection_latency.summary(),
        app_bytes_sent: client.bytes_sent,
        app_bytes_received: client.bytes_received,
        app_bytes_per_s: client.bytes_received as f64 / wall_s,
        errors: client.errors.clone(),
        memory,
        bulk: None,
        interrupted: m.interrupted,
    }
}

fn progress_bar(budget: &Budget) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let len = match (budget.total(), budget.deadline()) {
        (Some(n), _) => n,
        (None, Some(d)) => d.saturating_duration_since(Instant::now()).as_millis() as u64,
        (None, None) => 0,
    };
    let bar = ProgressBar::with_draw_target(Some(len), target);
    let template = if budget.total().is_some() {
        "{elapsed_precise} [{bar:30}] {pos}/{len} connections  {msg}"
    } else {
        "{elapsed_precise} [{bar:30}] {msg}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn update_bar(bar: &ProgressBar, budget: &Budget, p: &Progress, start: Instant) {
    let done = Progress::get(&p.succeeded) + Progress::get(&p.failed);
    let elapsed = start.elapsed().as_secs_f64().max(1e-9);
    if budget.total().is_some() {
        bar.set_position(done);
    } else {
        bar.set_position(start.elapsed().as_millis() as u64);
    }
    bar.set_message(format!(
        "{:.0} handshakes/s  open {}  failed {}",
        Progress::get(&p.handshakes) as f64 / elapsed,
        Progress::get(&p.open),
        Progress::get(&p.failed)
    ));
}

/// The default command: runs the load once per backend named by `--backend` and collects
/// the results. A backend that cannot run is recorded in `failed_runs`, and the others
/// still run.
///
/// When `interrupt` is set (Ctrl-C), the running load winds down (see
/// [`run_with_interrupt`]), no further backend starts, and the report is marked
/// `interrupted`.
pub fn command(args: &LoadArgs, interrupt: &Interrupt) -> Result<RunReport, String> {
    let options = serde_json::to_value(args).map_err(|e| format!("options: {e}"))?;
    let mut report = RunReport::new("load", options);
    let null_baseline = if args.baseline && args.backend != NULL_BACKEND {
        let result = null_baseline(args, interrupt)?;
        report.interrupted |= result.interrupted;
        let rate = result.app_bytes_per_s;
        report.results.push(result);
        Some(rate)
    } else {
        None
    };
    for backend in backends(&args.backend) {
        if interrupt.is_set() {
            report.interrupted = true;
            break;
        }
        let config = LoadConfig::from_args(args, &backend)?;
        announce(&config);
        match run_until(&config, interrupt) {
            Ok(mut result) => {
                report.interrupted |= result.interrupted;
                if args.baseline && !interrupt.is_set() {
                    result.bulk = Some(compare_bulk(&result, null_baseline));
                }
                report.results.push(result)
            }
            Err(error) => {
                report.failed_runs.push(FailedRun { backend, error });
            }
        }
    }
    Ok(report)
}

/// The `--baseline` reference: the same load with the null backend (TLS options dropped).
fn null_baseline(args: &LoadArgs, interrupt: &Interrupt) -> Result<LoadResult, String> {
    let mut null_args = args.clone();
    null_args.tls = Default::default();
    null_args.cert = None;
    null_args.resume = None;
    null_args.client_auth = false;
    null_args.client_cert = None;
    null_args.client_key = None;
    null_args.ca = None;
    let mut config = LoadConfig::from_args(&null_args, NULL_BACKEND)?;
    config.tls.keylog_file = None;
    config.label = Some("baseline: same load without TLS".into());
    announce(&config);
    run_until(&config, interrupt)
}

/// Seconds the AEAD ceiling is measured for, per `--baseline` result.
const CEILING_BUDGET: Duration = Duration::from_millis(500);

/// `result` against the null run and the AEAD's single-core seal rate.
fn compare_bulk(result: &LoadResult, null_bytes_per_s: Option<f64>) -> BulkComparison {
    let ratio = |den: Option<f64>| den.filter(|d| *d > 0.0).map(|d| result.app_bytes_per_s / d);
    let aead = result.negotiated.as_deref().and_then(aead_of_suite);
    let ceiling = aead.and_then(|alg| {
        let provider = tlskit_providers::by_name(&result.backend)?;
        seal_rate(provider, alg, CHUNK, CEILING_BUDGET).ok()
    });
    BulkComparison {
        null_bytes_per_s,
        vs_null: ratio(null_bytes_per_s),
        aead: aead.map(|a| a.name().to_string()),
        aead_ceiling_bytes_per_s: ceiling,
        vs_aead_ceiling: ratio(ceiling),
    }
}

/// One line on stderr saying what is about to run.
pub fn announce(c: &LoadConfig) {
    let amount = match (c.conns, c.duration) {
        (_, Some(d)) => format!("{d} s of connections"),
        (Some(n), None) => format!("{n} connections"),
        (None, None) => String::new(),
    };
    let target = match &c.target {
        Target::InProcess { threads } => format!("in-process server ({threads} threads)"),
        Target::Connect { spec, .. } => spec.clone(),
    };
    eprintln!(
        "tlsbench: {}: {amount}, concurrency {}, {} client threads, {:?} -> {target}",
        c.backend, c.concurrency, c.client_threads, c.workload
    );
}

/// The backends named by `--backend` (`all` expands to every compiled-in crypto backend).
pub fn backends(choice: &str) -> Vec<String> {
    if choice == "all" {
        tlskit_providers::NAMES
            .iter()
            .map(|s| s.to_string())
            .collect()
    } else {
        vec![choice.to_string()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_split_evenly() {
        assert_eq!(shares(10, 3), vec![4, 3, 3]);
        assert_eq!(shares(2, 2), vec![1, 1]);
        assert_eq!(shares(5, 0), vec![5]);
        assert_eq!(shares(10_000, 7).iter().sum::<usize>(), 10_000);
    }

    #[test]
    fn config_resolution_refuses_nonsense() {
        use clap::Parser;
        let args = |a: &[&str]| {
            crate::cli::Cli::try_parse_from(std::iter::once("tlsbench").chain(a.iter().copied()))
                .unwrap()
                .load
        };
        assert!(LoadConfig::from_args(&args(&["--concurrency", "0"]), "null").is_err());
        assert!(LoadConfig::from_args(&args(&["--ca", "x.pem"]), "null").is_err());
        assert!(LoadConfig::from_args(&args(&["--http"]), "null").is_err());
        assert!(LoadConfig::from_args(&args(&["--hold=-1"]), "null").is_err());
        let c = LoadConfig::from_args(&args(&["--connect", "127.0.0.1:4433", "--http"]), "null")
            .unwrap();
        assert_eq!(c.server_name, "127.0.0.1");
        assert_eq!(c.workload, Workload::Http);
        let c =
            LoadConfig::from_args(&args(&["--bytes", "1k", "--duration", "2"]), "null").unwrap();
        assert_eq!(
            (c.conns, c.duration, c.workload),
            (None, Some(2.0), Workload::Echo { bytes: 1024 })
        );
        assert_eq!(c.server_name, SERVER_NAME);
    }
}
