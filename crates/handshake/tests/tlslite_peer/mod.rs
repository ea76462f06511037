//! tlslite-ng (a pure-Python TLS 1.2/1.3 implementation, PyPI `tlslite-ng`) as a test
//! peer through its `tls.py` script: `tls.py server` (HTTP file server or `--echo`) and
//! `tls.py client` (one GET, optionally a resumed second connection). Processes come
//! from [`crate::peer::process`] (killed on drop, bounded waits, ports read back from
//! `/proc`); a tlskit HTTP server on a [`TlskitServer`] answers `tls.py client`. Needs
//! the test crate to declare `mod common;` and `mod peer;` next to `mod tlslite_peer;`.
//!
//! tlslite-ng is looked for in a virtual environment, `$TLSKIT_TLSLITE_VENV` or
//! `${XDG_DATA_HOME:-$HOME/.local/share}/tlskit/tlslite-venv` (scripts/setup.sh creates
//! it); without it the tests FAIL with an explanation.
#![allow(dead_code)]

use crate::peer::process::{listening_port, Proc, ProcRun};
use crate::peer::tlskit_server::{count_lines, server_stream, TlskitServer};
use crate::peer::{TraceLog, STEP_TIMEOUT};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::{Duration, Instant};
use tlskit_handshake::{ServerConfig, TraceSink};

/// The virtual environment holding tlslite-ng.
fn venv() -> PathBuf {
    if let Some(v) = std::env::var_os("TLSKIT_TLSLITE_VENV") {
        return PathBuf::from(v);
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("/nonexistent"));
    data.join("tlskit/tlslite-venv")
}

/// `(python, tls.py)` of the tlslite-ng environment; panics with an explanation when
/// it is missing (the interop tests must fail, not pass silently).
pub fn tls_py() -> &'static (PathBuf, PathBuf) {
    static BIN: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    BIN.get_or_init(|| {
        let v = venv();
        let (python, script) = (v.join("bin/python"), v.join("bin/tls.py"));
        let out = std::process::Command::new(&python)
            .args(["-c", "import tlslite; print(tlslite.__version__)"])
            .stdin(Stdio::null())
            .output();
        match out {
            Ok(o) if o.status.success() && script.is_file() => {
                let version = String::from_utf8_lossy(&o.stdout).trim().to_string();
                eprintln!("interop peer: tlslite-ng {version}");
                (python, script)
            }
            other => panic!(
                "tlslite-ng is not installed in {} ({:?}): the tlslite interop tests need it \
                 (run scripts/setup.sh, as CI does, or set TLSKIT_TLSLITE_VENV to a virtual \
                 environment with `pip install tlslite-ng`)",
                v.display(),
                other.map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
            ),
        }
    })
}

/// Starts `python -u tls.py <mode> <args> <address>` in `cwd`, unbuffered.
fn spawn_tls_py(mode: &str, args: &[String], address: String, cwd: &Path) -> Proc {
    let (python, script) = tls_py();
    let mut all = vec![
        "-u".to_string(),
        script.to_str().expect("utf-8 venv path").to_string(),
        mode.to_string(),
    ];
    all.extend_from_slice(args);
    all.push(address);
    Proc::spawn_env(
        python,
        &all,
        &[("PYTHONUNBUFFERED", "1")],
        cwd,
        Stdio::null(),
    )
}

/// The line `tls.py server` prints as it accepts a connection.
const MARK: &str = "About to handshake...";

/// A running `tls.py server` on 127.0.0.1 (ephemeral port).
#[derive(Debug)]
pub struct TlsliteServer {
    proc: Proc,
    pub port: u16,
}

impl TlsliteServer {
    /// Starts `tls.py server <args> 127.0.0.1:0` in `cwd` and waits until it listens.
    pub fn start(args: &[String], cwd: &Path) -> Self {
        let mut proc = spawn_tls_py("server", args, "127.0.0.1:0".into(), cwd);
        let port = proc.wait_listening("tls.py server", listening_port);
        TlsliteServer { proc, port }
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// How many connections the server has started to handle (its `About to
    /// handshake...` lines): the index the next connection's report will have.
    pub fn connections(&self) -> usize {
        self.proc.stdout.text().matches(MARK).count()
    }

    /// What the server printed about connection `index` (from 0), waiting up to
    /// [`STEP_TIMEOUT`] for `needle` in it.
    pub fn connection(&self, index: usize, needle: &str) -> String {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            let text = self.proc.stdout.text();
            let block = text
                .split(MARK)
                .nth(index + 1)
                .map_or(String::new(), str::to_string);
            if block.contains(needle) || Instant::now() >= deadline {
                return block;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn diagnostics(&self) -> String {
        self.proc.diagnostics()
    }
}

/// Runs `tls.py client <args> localhost:<port>` in `cwd`, bounded by `timeout`.
pub fn tlslite_client(args: &[String], port: u16, cwd: &Path, timeout: Duration) -> ProcRun {
    let mut proc = spawn_tls_py("client", args, format!("localhost:{port}"), cwd);
    let status = proc.wait_deadline(timeout);
    proc.run(status)
}

/// The `  Key: value` lines `tls.py` prints for one connection (`printGoodConnection`).
pub fn field<'a>(block: &'a str, key: &str) -> Option<&'a str> {
    block.lines().find_map(|l| {
        l.trim_start()
            .strip_prefix(key)
            .and_then(|r| r.strip_prefix(':'))
            .map(str::trim)
    })
}

/// What the tlskit HTTP server saw on one connection.
#[derive(Clone, Debug, Default)]
pub struct HttpReport {
    pub version: Option<&'static str>,
    pub suite: Option<&'static str>,
    pub group: Option<&'static str>,
    pub resumed: bool,
    pub peer_certificates: usize,
    pub alpn: Option<Vec<u8>>,
    /// The request head received (empty when the client closed without one, as
    /// `tls.py client` does on its resumed connection).
    pub request: Vec<u8>,
    pub error: Option<String>,
    /// The handshake trace.
    pub trace: Vec<String>,
}

impl HttpReport {
    /// How many trace lines contain `needle`.
    pub fn traced(&self, needle: &str) -> usize {
        count_lines(&self.trace, needle)
    }
}

/// A tlskit server on 127.0.0.1 (ephemeral port) answering each request head with a
/// small HTTP/1.0 page, then close_notify. One thread per connection, socket timeouts,
/// a report per connection on a channel.
#[derive(Debug)]
pub struct HttpServer {
    pub addr: SocketAddr,
    server: TlskitServer<HttpReport>,
}

/// The page the tlskit HTTP server sends.
pub const PAGE: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from tlskit\n";

impl HttpServer {
    pub fn start(config: Arc<ServerConfig>) -> Self {
        let server = TlskitServer::start(move |sock, _| {
            let log = TraceLog::default();
            let mut report = serve_traced(config.clone(), sock, log.sink());
            report.trace = log.lines();
            report
        });
        HttpServer {
            addr: server.addr,
            server,
        }
    }

    /// Collects `n` reports, waiting at most [`STEP_TIMEOUT`] for each.
    pub fn reports(&self, n: usize) -> Result<Vec<HttpReport>, String> {
        self.server
            .reports(n, |i, _, e| format!("report {i}/{n} did not arrive ({e})"))
    }
}

fn serve_traced(config: Arc<ServerConfig>, sock: TcpStream, sink: TraceSink) -> HttpReport {
    let mut report = HttpReport::default();
    let mut stream = match server_stream(config, sock, Some(sink)) {
        Ok(s) => s,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    let handshake = stream.handshake();
    let n = stream.conn.negotiated();
    report.version = n.version.map(|v| v.name());
    report.suite = n.suite.map(|s| s.name);
    report.group = n.group.map(|g| g.name());
    report.resumed = n.resumed;
    report.peer_certificates = n.peer_certificates.len();
    report.alpn = n.alpn.clone();
    if let Err(e) = handshake {
        report.error = Some(format!("handshake: {e}"));
        return report;
    }
    let mut buf = [0u8; 4096];
    // Bounded: the request head is small; each read is bounded by the socket timeout.
    while !report.request.windows(4).any(|w| w == b"\r\n\r\n") && report.request.len() < 65536 {
        match stream.read(&mut buf) {
            Ok(0) if report.request.is_empty() => {
                // Closed (with close_notify) without a request: answer the close only.
                let _ = stream.close();
                return report;
            }
            Ok(0) => break,
            Ok(n) => report
                .request
                .extend_from_slice(buf.get(..n).unwrap_or_default()),
            Err(e) => {
                report.error = Some(format!("read: {e}"));
                return report;
            }
        }
    }
    let result = stream
        .write_all(PAGE)
        .and_then(|()| stream.close())
        .and_then(|()| stream.sock.shutdown(Shutdown::Write));
    if let Err(e) = result {
        report.error = Some(format!("write: {e}"));
    }
    report
}
