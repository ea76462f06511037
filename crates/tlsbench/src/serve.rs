//! `tlsbench serve`: the benchmark server alone, for `curl`, `wrk`, `h2load`, `openssl
//! s_time` or another tlsbench to drive.

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::cli::{cores, ServeArgs};
use crate::engine::server::{ServerPlan, ServerWorker, StopHandle};
use crate::engine::ServerMode;
use crate::interrupt::Interrupt;
use crate::session::{build_factory, SessionFactory, Sides};
use crate::stats::SideStats;
use crate::sys;

/// Descriptors to ask for: a busy server holds many connections.
const SERVE_FDS: u64 = 65_536;

/// A running server.
#[derive(Debug)]
pub struct RunningServer {
    /// The address it listens on.
    pub addr: SocketAddr,
    workers: Vec<JoinHandle<Result<SideStats, String>>>,
    stops: Vec<StopHandle>,
}

impl RunningServer {
    /// Stops every worker and returns their merged measurements.
    pub fn stop(self) -> Result<SideStats, String> {
        for s in &self.stops {
            s.stop();
        }
        self.join()
    }

    /// Waits for the workers (forever, unless one fails to poll).
    pub fn join(self) -> Result<SideStats, String> {
        let mut parts = Vec::new();
        for w in self.workers {
            parts.push(
                w.join()
                    .map_err(|_| "a server thread panicked".to_string())??,
            );
        }
        Ok(SideStats::merge_all(&parts))
    }
}

/// Starts the server described by `args` and returns once it is listening.
pub fn start(args: &ServeArgs) -> Result<RunningServer, String> {
    let factory = build_factory(&args.backend, &args.tls_options(), Sides::ServerOnly)?;
    start_with(args, factory)
}

/// Starts the server with a given factory.
pub fn start_with(
    args: &ServeArgs,
    factory: Arc<dyn SessionFactory>,
) -> Result<RunningServer, String> {
    let addr = args
        .listen
        .to_socket_addrs()
        .map_err(|e| format!("--listen {}: {e}", args.listen))?
        .next()
        .ok_or_else(|| format!("--listen {}: no address", args.listen))?;
    let _ = sys::raise_nofile_limit(SERVE_FDS)?;
    let listener = sys::listen(addr)?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("listener address: {e}"))?;
    let plan = Arc::new(ServerPlan {
        mode: if args.echo {
            ServerMode::Echo
        } else {
            ServerMode::Www
        },
        timeout: sys::seconds(args.timeout)
            .map_err(|e| format!("--timeout: {e}"))?
            .max(Duration::from_millis(1)),
        log_failures: true,
    });
    let threads = args.threads.unwrap_or_else(cores).max(1);
    let mut workers = Vec::new();
    let mut stops = Vec::new();
    for _ in 0..threads {
        let (worker, stop) = ServerWorker::new(&listener)?;
        let (plan, factory) = (plan.clone(), factory.clone());
        stops.push(stop);
        workers.push(
            std::thread::Builder::new()
                .name("tlsbench-serve".into())
                .spawn(move || worker.run(&plan, factory.as_ref(), None))
                .map_err(|e| format!("spawning a server thread: {e}"))?,
        );
    }
    Ok(RunningServer {
        addr,
        workers,
        stops,
    })
}

/// How often `serve` checks for Ctrl-C.
const POLL_INTERRUPT: Duration = Duration::from_millis(50);

/// `tlsbench serve`: serves until SIGINT/SIGTERM (`interrupt`), then stops the workers
/// (connections still open count as `aborted/at_stop`) and prints a summary line.
pub fn run(args: &ServeArgs, interrupt: &Interrupt) -> Result<(), String> {
    let server = start(args)?;
    eprintln!(
        "tlsbench serve: listening on {} (backend {}, {} mode, {} threads)",
        server.addr,
        args.backend,
        if args.echo { "echo" } else { "www" },
        server.workers.len()
    );
    let started = Instant::now();
    while !interrupt.is_set() {
        if server.workers.iter().any(|w| w.is_finished()) {
            // A worker ended on its own (its poller failed): stop and report it.
            break;
        }
        std::thread::sleep(POLL_INTERRUPT);
    }
    let stats = server.stop()?;
    eprintln!("{}", summary_line(&stats, started.elapsed()));
    Ok(())
}

/// The line `serve` prints when it stops.
pub fn summary_line(stats: &SideStats, uptime: Duration) -> String {
    let cpu = stats.cpu.total_s();
    let per_cpu_s = if cpu > 0.0 {
        format!("{:.0}", stats.handshakes as f64 / cpu)
    } else {
        "-".into()
    };
    format!(
        "tlsbench serve: stopped after {:.1} s: {} connections ({} ok, {} failed), {} handshakes \
         ({} resumed), {:.3} CPU s ({per_cpu_s} handshakes/CPU-s), {} bytes in, {} bytes out",
        uptime.as_secs_f64(),
        stats.started,
        stats.succeeded,
        stats.failed,
        stats.handshakes,
        stats.resumed,
        cpu,
        stats.bytes_received,
        stats.bytes_sent,
    )
}
