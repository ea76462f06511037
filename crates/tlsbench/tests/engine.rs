//! The load engine end to end over loopback TCP with the null session: accounting, echo
//! integrity, the serve/--connect pair, failures by kind, timeouts, holding connections
//! open, and the JSON. Small counts, bounded time.

use std::io;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use tlsbench::cli::{Cli, Command, LoadArgs};
use tlsbench::engine::Workload;
use tlsbench::interrupt::{Interrupt, GRACE};
use tlsbench::load::{self, LoadConfig};
use tlsbench::report::LoadResult;
use tlsbench::session::{
    NullFactory, NullSession, Session, SessionError, SessionFactory, TlsOptions,
};

fn load_args(args: &[&str]) -> LoadArgs {
    Cli::try_parse_from(std::iter::once("tlsbench").chain(args.iter().copied()))
        .unwrap()
        .load
}

fn run_null(args: &[&str]) -> LoadResult {
    let args = load_args(args);
    load::run(&LoadConfig::from_args(&args, "null").unwrap()).unwrap()
}

/// Every started connection ended exactly once, and every failure has a kind.
fn assert_accounted(r: &LoadResult) {
    assert_eq!(r.connections, r.succeeded + r.failed, "{r:#?}");
    assert_eq!(r.errors.values().sum::<u64>(), r.failed, "{r:#?}");
}

#[test]
fn two_hundred_connections_at_concurrency_fifty() {
    let r = run_null(&[
        "--backend",
        "null",
        "--conns",
        "200",
        "--concurrency",
        "50",
        "--threads",
        "2",
        "--server-threads",
        "2",
    ]);
    assert_accounted(&r);
    assert_eq!(
        (r.connections, r.succeeded, r.failed, r.handshakes),
        (200, 200, 0, 200),
        "{:?}",
        r.errors
    );
    assert_eq!(r.unclean_closes, 0);
    let server = r.server.as_ref().unwrap();
    assert_eq!(
        (server.handshakes, server.succeeded, server.failed),
        (200, 200, 0),
        "{:?}",
        server.errors
    );
    assert_eq!((r.client_threads, r.server_threads), (2, Some(2)));
    assert!(r.client.cpu.total_s() > 0.0 && server.cpu.total_s() > 0.0);
    assert!(r.client.handshakes_per_cpu_s.is_some() && server.cpu_us_per_handshake.is_some());
    assert_eq!(r.handshake_latency.count, 200);
    assert_eq!(r.connection_latency.count, 200);
    assert!(r.handshake_latency.p50_us <= r.handshake_latency.p99_us);
    assert!(r.handshake_latency.p99_us <= r.handshake_latency.max_us);
    assert!(r.handshake_latency.max_us <= r.connection_latency.max_us);
    assert!(r.memory.peak_open_connections <= 50);
    assert_eq!(r.negotiated.as_deref(), Some("null (no TLS)"));
    assert!(r.handshakes_per_s > 0.0 && r.wall_s > 0.0);
}

#[test]
fn echoed_bytes_arrive_intact_in_both_directions() {
    let r = run_null(&[
        "--conns",
        "12",
        "--concurrency",
        "4",
        "--threads",
        "2",
        "--server-threads",
        "1",
        "--bytes",
        "200k",
    ]);
    assert_accounted(&r);
    assert_eq!(r.failed, 0, "{:?}", r.errors);
    let per_conn = 200 * 1024;
    assert_eq!(
        (r.app_bytes_sent, r.app_bytes_received),
        (12 * per_conn, 12 * per_conn)
    );
    let server = r.server.as_ref().unwrap();
    assert_eq!(
        (server.bytes_received, server.bytes_sent),
        (12 * per_conn, 12 * per_conn)
    );
    assert!(r.app_bytes_per_s > 0.0);
}

#[test]
fn a_duration_budget_stops_starting_connections() {
    let start = Instant::now();
    let r = run_null(&[
        "--duration",
        "0.3",
        "--concurrency",
        "8",
        "--threads",
        "1",
        "--server-threads",
        "1",
    ]);
    assert_accounted(&r);
    assert!(r.succeeded > 0 && r.failed == 0, "{r:?}");
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn held_connections_stay_open_together_and_give_memory_per_connection() {
    let r = run_null(&[
        "--conns",
        "300",
        "--concurrency",
        "300",
        "--threads",
        "2",
        "--server-threads",
        "1",
        "--hold",
        "0.4",
    ]);
    assert_accounted(&r);
    assert_eq!(r.failed, 0, "{:?}", r.errors);
    assert_eq!(r.memory.peak_open_connections, 300);
    assert!(r.memory.rss_peak_bytes > 0 && r.memory.rss_baseline_bytes > 0);
    assert!(
        r.connection_latency.p50_us >= 400_000,
        "{:?}",
        r.connection_latency
    );
}

#[test]
fn serve_answers_http_clients_through_connect() {
    let cli = Cli::try_parse_from([
        "tlsbench",
        "serve",
        "--backend",
        "null",
        "--listen",
        "127.0.0.1:0",
        "--threads",
        "2",
    ])
    .unwrap();
    let Some(Command::Serve(serve_args)) = cli.command else {
        panic!("serve")
    };
    let server = tlsbench::serve::start(&serve_args).unwrap();
    let connect = server.addr.to_string();
    let args = load_args(&[
        "--backend",
        "null",
        "--connect",
        &connect,
        "--http",
        "--conns",
        "100",
        "--concurrency",
        "20",
        "--threads",
        "2",
    ]);
    let config = LoadConfig::from_args(&args, "null").unwrap();
    assert_eq!(config.workload, Workload::Http);
    let r = load::run(&config).unwrap();
    let served = server.stop().unwrap();
    assert_accounted(&r);
    assert_eq!((r.succeeded, r.failed), (100, 0), "{:?}", r.errors);
    assert!(
        r.server.is_none(),
        "an external server's CPU is not measured without --server-pid"
    );
    assert_eq!(
        (served.handshakes, served.succeeded, served.failed),
        (100, 100, 0),
        "{:?}",
        served.errors
    );
    // Each client got a complete HTTP answer.
    assert!(r.app_bytes_received >= 100 * 40, "{}", r.app_bytes_received);
    assert_eq!(served.bytes_sent, r.app_bytes_received);
}

#[test]
fn server_pid_measures_an_external_process_cpu() {
    let cli = Cli::try_parse_from([
        "tlsbench",
        "serve",
        "--backend",
        "null",
        "--listen",
        "127.0.0.1:0",
        "--echo",
    ])
    .unwrap();
    let Some(Command::Serve(serve_args)) = cli.command else {
        panic!("serve")
    };
    let server = tlsbench::serve::start(&serve_args).unwrap();
    let (connect, pid) = (server.addr.to_string(), std::process::id().to_string());
    let r = run_null(&[
        "--connect",
        &connect,
        "--server-pid",
        &pid,
        "--conns",
        "50",
        "--concurrency",
        "10",
        "--bytes",
        "4k",
    ]);
    server.stop().unwrap();
    assert_accounted(&r);
    assert_eq!(r.failed, 0, "{:?}", r.errors);
    let s = r.server.unwrap();
    assert_eq!(s.handshakes, 50);
    assert!(s.cpu_source.contains("/proc/"));
}

#[test]
fn refused_connections_are_counted_by_kind() {
    // Bind then drop: nothing listens on this port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let connect = format!("127.0.0.1:{port}");
    let r = run_null(&[
        "--connect",
        &connect,
        "--conns",
        "20",
        "--concurrency",
        "5",
        "--threads",
        "1",
    ]);
    assert_accounted(&r);
    assert_eq!((r.succeeded, r.failed), (0, 20));
    assert_eq!(
        r.errors.get("connect/ECONNREFUSED"),
        Some(&20),
        "{:?}",
        r.errors
    );
}

#[test]
fn a_silent_server_times_out_in_the_handshake() {
    // Connections complete in the kernel's accept queue, but nobody answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let connect = silent.local_addr().unwrap().to_string();
    let start = Instant::now();
    let r = run_null(&[
        "--connect",
        &connect,
        "--conns",
        "6",
        "--concurrency",
        "6",
        "--threads",
        "1",
        "--timeout",
        "0.2",
    ]);
    assert_accounted(&r);
    assert_eq!(
        r.errors.get("timeout/handshake"),
        Some(&6),
        "{:?}",
        r.errors
    );
    assert!(start.elapsed() < Duration::from_secs(5));
    drop(silent);
}

/// A server session that rejects every hello, as a TLS server would with an alert.
struct RejectingFactory;

struct RejectingSession(NullSession);

impl Session for RejectingSession {
    fn read_tls(&mut self, rd: &mut dyn io::Read) -> io::Result<usize> {
        self.0.read_tls(rd)
    }
    fn process_new_packets(&mut self) -> Result<(), SessionError> {
        Err(SessionError::new(
            "alert:handshake_failure",
            "test server refuses everyone",
        ))
    }
    fn write_tls(&mut self, wr: &mut dyn io::Write) -> io::Result<usize> {
        self.0.write_tls(wr)
    }
    fn wants_read(&self) -> bool {
        self.0.wants_read()
    }
    fn wants_write(&self) -> bool {
        self.0.wants_write()
    }
    fn is_handshaking(&self) -> bool {
        self.0.is_handshaking()
    }
    fn read_plaintext(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read_plaintext(buf)
    }
    fn write_plaintext(&mut self, data: &[u8]) -> io::Result<usize> {
        self.0.write_plaintext(data)
    }
    fn send_close_notify(&mut self) {
        self.0.send_close_notify();
    }
}

impl SessionFactory for RejectingFactory {
    fn name(&self) -> String {
        "rejecting".into()
    }
    fn new_client(&self, _server_name: &str) -> Result<Box<dyn Session>, SessionError> {
        Ok(Box::new(NullSession::client()))
    }
    fn new_server(&self) -> Result<Box<dyn Session>, SessionError> {
        Ok(Box::new(RejectingSession(NullSession::server())))
    }
}

#[test]
fn server_side_handshake_failures_are_counted_on_both_sides() {
    let args = load_args(&[
        "--conns",
        "40",
        "--concurrency",
        "10",
        "--threads",
        "2",
        "--server-threads",
        "2",
    ]);
    let config = LoadConfig::from_args(&args, "null").unwrap();
    let r = load::run_with(&config, Arc::new(RejectingFactory)).unwrap();
    assert_accounted(&r);
    assert_eq!((r.succeeded, r.failed, r.handshakes), (0, 40, 0));
    // The client sees the server hang up mid-handshake.
    assert_eq!(r.errors.get("eof/handshake"), Some(&40), "{:?}", r.errors);
    let server = r.server.unwrap();
    assert_eq!(
        server.errors.get("tls/alert:handshake_failure"),
        Some(&40),
        "{:?}",
        server.errors
    );
    assert_eq!(r.session, "rejecting");
}

#[test]
fn load_command_json_has_machine_options_and_results() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("run.json");
    let json_arg = json.to_str().unwrap();
    let args = load_args(&[
        "--backend",
        "null",
        "--conns",
        "30",
        "--concurrency",
        "10",
        "--json",
        json_arg,
        "--label",
        "smoke",
    ]);
    let report = load::command(&args, &Interrupt::new()).unwrap();
    report.write(args.json.as_deref()).unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["kind"], "load");
    assert!(v["machine"]["cpu_model"].is_string() && v["machine"]["cpus"].as_u64().unwrap() >= 1);
    assert_eq!(v["options"]["conns"], 30);
    assert_eq!(v["options"]["backend"], "null");
    let r = &v["results"][0];
    assert_eq!(r["label"], "smoke");
    assert_eq!(r["succeeded"], 30);
    for key in [
        "handshakes_per_s",
        "client",
        "server",
        "handshake_latency",
        "connection_latency",
        "errors",
        "memory",
    ] {
        assert!(r.get(key).is_some(), "results[0].{key}");
    }
    for key in ["p50_us", "p90_us", "p99_us", "p999_us", "max_us", "curve"] {
        assert!(
            r["handshake_latency"].get(key).is_some(),
            "handshake_latency.{key}"
        );
    }
    assert!(r["client"]["handshakes_per_cpu_s"].is_number());
    assert!(r["server"]["cpu_us_per_handshake"].is_number());
}

#[test]
fn tls_options_reach_the_factory_and_null_refuses_them() {
    let args = load_args(&[
        "--backend",
        "null",
        "--tls",
        "1.3",
        "--resume",
        "ticket",
        "--conns",
        "1",
    ]);
    let err = load::run(&LoadConfig::from_args(&args, "null").unwrap()).unwrap_err();
    assert!(err.contains("--tls") && err.contains("--resume"), "{err}");
    assert!(NullFactory::new(&TlsOptions::default()).is_ok());
}

#[test]
fn an_interrupted_load_winds_down_within_the_grace_period_and_says_so() {
    // Connections are held open for 30 s: only the interrupt can end this load early.
    let args = load_args(&[
        "--backend",
        "null",
        "--duration",
        "30",
        "--concurrency",
        "20",
        "--threads",
        "1",
        "--server-threads",
        "1",
        "--hold",
        "30",
        "--label",
        "interrupted",
    ]);
    let interrupt = Interrupt::new();
    let fire = interrupt.clone();
    let start = Instant::now();
    let trigger = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        fire.fire();
    });
    let report = load::command(&args, &interrupt).unwrap();
    trigger.join().unwrap();
    assert!(
        start.elapsed() < Duration::from_millis(300) + GRACE + Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert!(report.interrupted);
    let r = &report.results[0];
    assert!(r.interrupted);
    assert_accounted(r);
    // The held connections were aborted after the grace period, and counted so.
    assert_eq!(
        r.errors.get("aborted/interrupted"),
        Some(&20),
        "{:?}",
        r.errors
    );
    assert_eq!((r.handshakes, r.succeeded), (20, 0));
    let table = tlsbench::report::table(&report.results);
    assert!(table.contains("INTERRUPTED"), "{table}");
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(v["interrupted"], true);
    assert_eq!(v["results"][0]["interrupted"], true);

    // An interrupt already set when the command starts runs nothing.
    let report = load::command(&args, &interrupt).unwrap();
    assert!(report.interrupted && report.results.is_empty());
}

#[test]
fn an_interrupted_load_lets_open_connections_finish_in_the_grace_period() {
    // The interrupt stops new connections; those open finish normally within the grace.
    let args = load_args(&[
        "--backend",
        "null",
        "--duration",
        "30",
        "--concurrency",
        "4",
        "--threads",
        "1",
        "--server-threads",
        "1",
        "--bytes",
        "64k",
    ]);
    let interrupt = Interrupt::new();
    let fire = interrupt.clone();
    let trigger = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        fire.fire();
    });
    let report = load::command(&args, &interrupt).unwrap();
    trigger.join().unwrap();
    let r = &report.results[0];
    assert!(r.interrupted);
    assert_accounted(r);
    assert!(r.succeeded > 0, "{r:?}");
    assert_eq!(r.failed, 0, "{:?}", r.errors);
}

#[test]
fn serve_stops_on_interrupt_with_a_summary() {
    let cli = Cli::try_parse_from([
        "tlsbench",
        "serve",
        "--backend",
        "null",
        "--listen",
        "127.0.0.1:0",
        "--threads",
        "1",
        "--echo",
    ])
    .unwrap();
    let Some(Command::Serve(serve_args)) = cli.command else {
        panic!("serve")
    };
    let interrupt = Interrupt::new();
    let fire = interrupt.clone();
    let start = Instant::now();
    let trigger = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        fire.fire();
    });
    tlsbench::serve::run(&serve_args, &interrupt).unwrap();
    trigger.join().unwrap();
    assert!(start.elapsed() < Duration::from_secs(3));
    let stats = tlsbench::stats::SideStats {
        started: 3,
        succeeded: 2,
        failed: 1,
        handshakes: 2,
        ..Default::default()
    };
    let line = tlsbench::serve::summary_line(&stats, Duration::from_secs(2));
    assert!(
        line.contains("3 connections (2 ok, 1 failed), 2 handshakes"),
        "{line}"
    );
}

#[test]
fn baseline_puts_a_bulk_result_next_to_the_null_run_and_the_aead_ceiling() {
    let args = load_args(&[
        "--backend",
        "ring",
        "--bytes",
        "64k",
        "--conns",
        "2",
        "--concurrency",
        "1",
        "--threads",
        "1",
        "--server-threads",
        "1",
        "--baseline",
    ]);
    let report = load::command(&args, &Interrupt::new()).unwrap();
    let backends: Vec<&str> = report.results.iter().map(|r| r.backend.as_str()).collect();
    assert_eq!(backends, ["null", "ring"]);
    let null = &report.results[0];
    let tls = &report.results[1];
    assert_eq!(
        (null.failed, tls.failed),
        (0, 0),
        "{:?} {:?}",
        null.errors,
        tls.errors
    );
    assert!(null.bulk.is_none());
    let bulk = tls.bulk.as_ref().unwrap();
    assert_eq!(bulk.null_bytes_per_s, Some(null.app_bytes_per_s));
    let vs_null = bulk.vs_null.unwrap();
    assert!((vs_null - tls.app_bytes_per_s / null.app_bytes_per_s).abs() < 1e-9);
    assert!(bulk
        .aead
        .as_deref()
        .is_some_and(|a| a.contains("GCM") || a.contains("ChaCha")));
    assert!(bulk.aead_ceiling_bytes_per_s.unwrap() > 0.0);
    assert!(bulk.vs_aead_ceiling.unwrap() > 0.0);
    let table = tlsbench::report::table(&report.results);
    assert!(table.contains("app data vs null (same path)"), "{table}");
}
