//! The system `openssl` binary as a test peer: `s_server` and `s_client` child processes
//! that are always killed on drop, with every wait bounded by a deadline, plus a tlskit
//! echo server on a background thread for `s_client` to talk to.
//!
//! Ports are never fixed: `s_server` is started with `-accept 127.0.0.1:0` and its
//! `ACCEPT 127.0.0.1:PORT` line is read back; the tlskit server binds port 0 itself.
//!
//! Both s_server and s_client can also be driven interactively (stdin kept open, output
//! awaited line by line) for the commands they read from stdin, such as TLS 1.3 KeyUpdate
//! (`K` / `k`). [`fixture`] writes the rcgen test PKI as PEM files for them.
#![allow(dead_code)]

pub mod fixture;

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};
use tlskit_handshake::{ServerConfig, ServerConnection, Stream, TraceSink};

/// How long any single step (process start, handshake, one read) may take.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(10);

/// The `openssl` binary to drive (`TLSKIT_OPENSSL` overrides the `PATH` lookup).
///
/// Panics with an explanation when it cannot be run: the interop tests must fail, not
/// pass silently, on a machine without OpenSSL (CI installs it).
pub fn openssl() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let bin = std::env::var_os("TLSKIT_OPENSSL")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("openssl"));
        let out = Command::new(&bin)
            .arg("version")
            .stdin(Stdio::null())
            .output();
        match out {
            Ok(o) if o.status.success() => {
                let version = String::from_utf8_lossy(&o.stdout);
                let version = version.trim();
                assert!(
                    version.starts_with("OpenSSL 3."),
                    "the interop tests need the OpenSSL 3 command-line tool; {bin:?} is {version:?}"
                );
                eprintln!("interop peer: {version}");
                bin
            }
            Ok(o) => panic!(
                "`{} version` failed ({}): the OpenSSL interop tests need a working `openssl` \
                 binary (install the openssl package; set TLSKIT_OPENSSL to use another path)",
                bin.display(),
                o.status
            ),
            Err(e) => panic!(
                "cannot run `{}` ({e}): the OpenSSL interop tests need the `openssl` command-line \
                 tool on PATH (install the openssl package, as CI does; set TLSKIT_OPENSSL to \
                 use another path)",
                bin.display()
            ),
        }
    })
}

/// A private temporary directory, removed on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "tlskit-interop-{tag}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `contents` to `name` inside the directory and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, contents).expect("write temp file");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Bytes a child process wrote to one of its pipes, collected by a reader thread.
#[derive(Clone, Debug, Default)]
pub struct Captured(Arc<(Mutex<CaptureState>, Condvar)>);

#[derive(Debug, Default)]
struct CaptureState {
    bytes: Vec<u8>,
    closed: bool,
}

impl Captured {
    fn spawn_reader(mut pipe: impl Read + Send + 'static) -> (Self, JoinHandle<()>) {
        let cap = Captured::default();
        let sink = cap.clone();
        let handle = thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let n = pipe.read(&mut buf).unwrap_or(0);
                let (lock, cv) = &*sink.0;
                let mut st = lock.lock().unwrap_or_else(|e| e.into_inner());
                if n == 0 {
                    st.closed = true;
                    cv.notify_all();
                    return;
                }
                st.bytes.extend_from_slice(&buf[..n]);
                cv.notify_all();
            }
        });
        (cap, handle)
    }

    /// Everything captured so far, lossily decoded.
    pub fn text(&self) -> String {
        let st = self.0 .0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&st.bytes).into_owned()
    }

    /// Waits until `find` returns `Some` on the captured text, the pipe closes, or the
    /// deadline passes.
    pub fn wait_for<T>(&self, timeout: Duration, find: impl Fn(&str) -> Option<T>) -> Option<T> {
        let deadline = Instant::now() + timeout;
        let (lock, cv) = &*self.0;
        let mut st = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(t) = find(&String::from_utf8_lossy(&st.bytes)) {
                return Some(t);
            }
            let now = Instant::now();
            if st.closed || now >= deadline {
                return None;
            }
            st = cv
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// A child process that is killed (and reaped) when dropped, with its output captured.
#[derive(Debug)]
pub struct ChildGuard {
    what: String,
    child: Child,
    pub stdout: Captured,
    pub stderr: Captured,
    readers: Vec<JoinHandle<()>>,
}

impl ChildGuard {
    /// Spawns `openssl args…` in `cwd` with piped stdout/stderr and the given stdin.
    fn spawn(args: &[String], cwd: &Path, stdin: Stdio) -> Self {
        let what = format!("openssl {}", args.join(" "));
        let mut child = Command::new(openssl())
            .args(args)
            .current_dir(cwd)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {what}: {e}"));
        let (stdout, h1) = Captured::spawn_reader(child.stdout.take().expect("piped stdout"));
        let (stderr, h2) = Captured::spawn_reader(child.stderr.take().expect("piped stderr"));
        ChildGuard {
            what,
            child,
            stdout,
            stderr,
            readers: vec![h1, h2],
        }
    }

    /// Waits for the process to exit, killing it at the deadline. `None` on timeout.
    fn wait_deadline(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    // The pipes close when the process exits; collect the rest.
                    for h in self.readers.drain(..) {
                        let _ = h.join();
                    }
                    return Some(status);
                }
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return None;
                }
            }
        }
    }

    fn diagnostics(&self) -> String {
        format!(
            "{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.what,
            self.stdout.text(),
            self.stderr.text()
        )
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        for h in self.readers.drain(..) {
            let _ = h.join();
        }
    }
}

/// A running `openssl s_server` on 127.0.0.1 with an ephemeral port.
#[derive(Debug)]
pub struct SServer {
    child: ChildGuard,
    /// Kept open for an interactive server (see [`SServer::start_interactive`]).
    stdin: Option<ChildStdin>,
    pub port: u16,
}

impl SServer {
    /// Starts `openssl s_server -accept 127.0.0.1:0 <args>` in `cwd` and waits for its
    /// `ACCEPT` line.
    pub fn start(args: &[&str], cwd: &Path) -> Self {
        Self::spawn(args, cwd, false)
    }

    /// As [`SServer::start`], with stdin kept open for [`SServer::send_stdin`]: in its
    /// plain mode (no `-www`/`-rev`) s_server sends stdin lines to the client and obeys
    /// commands such as `K` (KeyUpdate, update_requested) and `k` (update_not_requested).
    pub fn start_interactive(args: &[&str], cwd: &Path) -> Self {
        Self::spawn(args, cwd, true)
    }

    fn spawn(args: &[&str], cwd: &Path, interactive: bool) -> Self {
        let mut all: Vec<String> = vec!["s_server".into(), "-accept".into(), "127.0.0.1:0".into()];
        all.extend(args.iter().map(|s| s.to_string()));
        let stdin = if interactive {
            Stdio::piped()
        } else {
            Stdio::null()
        };
        let mut child = ChildGuard::spawn(&all, cwd, stdin);
        let stdin = child.child.stdin.take();
        let port = child.stdout.wait_for(STEP_TIMEOUT, |text| {
            text.lines()
                .find_map(|l| l.strip_prefix("ACCEPT 127.0.0.1:"))
                .and_then(|p| p.trim().parse::<u16>().ok())
        });
        match port {
            Some(port) => SServer { child, stdin, port },
            None => panic!("s_server did not start:\n{}", child.diagnostics()),
        }
    }

    /// Writes `bytes` to an interactive s_server's stdin.
    pub fn send_stdin(&mut self, bytes: &[u8]) -> Result<(), String> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or("s_server was not started interactively")?;
        stdin
            .write_all(bytes)
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("write to s_server stdin: {e}"))
    }

    /// s_server's standard output so far, to wait on (its `-msg` log goes there too).
    pub fn stdout(&self) -> &Captured {
        &self.child.stdout
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// What s_server printed so far (for failure messages).
    pub fn diagnostics(&self) -> String {
        self.child.diagnostics()
    }
}

/// The result of one `openssl s_client` run.
#[derive(Debug)]
pub struct ClientRun {
    /// `None` if it had to be killed at the deadline.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    pub command: String,
}

impl ClientRun {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    pub fn report(&self) -> String {
        format!(
            "{}\nstatus: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command, self.status, self.stdout, self.stderr
        )
    }

    /// The lines `New, TLSv1.2, Cipher is X` / `Reused, TLSv1.2, Cipher is X` in order.
    pub fn sessions(&self) -> Vec<(bool, String)> {
        self.stdout
            .lines()
            .filter_map(|l| {
                let (reused, rest) = if let Some(r) = l.strip_prefix("Reused, ") {
                    (true, r)
                } else {
                    (false, l.strip_prefix("New, ")?)
                };
                let cipher = rest.split("Cipher is ").nth(1)?;
                Some((reused, cipher.trim().to_string()))
            })
            .collect()
    }
}

/// Runs `openssl s_client <args>` in `cwd`, feeding it `input` on stdin, bounded by
/// `timeout` (killed at the deadline).
pub fn s_client(args: &[&str], input: &[u8], cwd: &Path, timeout: Duration) -> ClientRun {
    let mut all: Vec<String> = vec!["s_client".into()];
    all.extend(args.iter().map(|s| s.to_string()));
    let mut child = ChildGuard::spawn(&all, cwd, Stdio::piped());
    let stdin = child.child.stdin.take().expect("piped stdin");
    let input = input.to_vec();
    // A writer thread: a large input must not block us if s_client stops reading.
    let writer = thread::spawn(move || {
        let mut stdin = stdin;
        let _ = stdin.write_all(&input);
        // Dropping stdin closes it; s_client runs with -ign_eof where it must keep going.
    });
    let status = child.wait_deadline(timeout);
    let _ = writer.join();
    ClientRun {
        status,
        stdout: child.stdout.text(),
        stderr: child.stderr.text(),
        command: child.what.clone(),
    }
}

/// An `openssl s_client` driven line by line: stdin stays open (without `-ign_eof`,
/// s_client would quit at its end), so commands such as `K` (KeyUpdate) can be typed
/// between awaited answers. Killed on drop.
#[derive(Debug)]
pub struct InteractiveClient {
    child: ChildGuard,
    stdin: Option<ChildStdin>,
}

impl InteractiveClient {
    /// Starts `openssl s_client <args>` in `cwd`.
    pub fn start(args: &[&str], cwd: &Path) -> Self {
        let mut all: Vec<String> = vec!["s_client".into()];
        all.extend(args.iter().map(|s| s.to_string()));
        let mut child = ChildGuard::spawn(&all, cwd, Stdio::piped());
        let stdin = child.child.stdin.take();
        InteractiveClient { child, stdin }
    }

    /// Types `bytes` on s_client's stdin.
    pub fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        let stdin = self.stdin.as_mut().ok_or("s_client stdin already closed")?;
        stdin
            .write_all(bytes)
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("write to s_client stdin: {e}\n{}", self.child.diagnostics()))
    }

    /// Waits (at most [`STEP_TIMEOUT`]) until stdout contains `needle` after byte offset
    /// `from`; returns the offset just past it.
    pub fn wait_stdout(&self, from: usize, needle: &str) -> Result<usize, String> {
        self.child
            .stdout
            .wait_for(STEP_TIMEOUT, |text| {
                text.get(from..)
                    .and_then(|t| t.find(needle))
                    .map(|i| from + i + needle.len())
            })
            .ok_or_else(|| {
                format!(
                    "s_client did not print {needle:?} in time\n{}",
                    self.child.diagnostics()
                )
            })
    }

    /// Waits (at most [`STEP_TIMEOUT`]) until stderr contains `needle` after byte offset
    /// `from`; returns the offset just past it.
    pub fn wait_stderr(&self, from: usize, needle: &str) -> Result<usize, String> {
        self.child
            .stderr
            .wait_for(STEP_TIMEOUT, |text| {
                text.get(from..)
                    .and_then(|t| t.find(needle))
                    .map(|i| from + i + needle.len())
            })
            .ok_or_else(|| {
                format!(
                    "s_client did not report {needle:?} in time\n{}",
                    self.child.diagnostics()
                )
            })
    }

    /// Standard output so far.
    pub fn stdout(&self) -> String {
        self.child.stdout.text()
    }

    /// Closes stdin and waits for the exit (killed after `timeout`).
    pub fn finish(mut self, timeout: Duration) -> ClientRun {
        drop(self.stdin.take());
        let status = self.child.wait_deadline(timeout);
        ClientRun {
            status,
            stdout: self.child.stdout.text(),
            stderr: self.child.stderr.text(),
            command: self.child.what.clone(),
        }
    }
}

/// What the tlskit echo server saw on one connection.
#[derive(Clone, Debug, Default)]
pub struct ConnReport {
    /// Accept order, from 0.
    pub index: usize,
    /// `TLSv1.3` or `TLSv1.2`.
    pub version: Option<&'static str>,
    pub suite: Option<&'static str>,
    pub group: Option<&'static str>,
    pub resumed: bool,
    pub extended_master_secret: bool,
    pub peer_certificates: usize,
    pub server_name: Option<String>,
    /// The scheme of the server's CertificateVerify / ServerKeyExchange signature.
    pub signature_scheme: Option<&'static str>,
    /// The ALPN protocol chosen.
    pub alpn: Option<Vec<u8>>,
    /// The handshake trace, for a server started with [`EchoServer::start_traced`].
    pub trace: Vec<String>,
    /// Lines received (without the newline), including the final `quit`.
    pub lines: Vec<Vec<u8>>,
    /// Whether the peer's close_notify arrived.
    pub peer_closed: bool,
    /// The handshake or I/O error that ended the connection, if any.
    pub error: Option<String>,
}

/// A tlskit server on 127.0.0.1 (ephemeral port) that answers each line with
/// `echo: <line>` and, on a `quit` line, sends close_notify and closes. Each connection
/// runs on its own thread with socket timeouts; a [`ConnReport`] per connection comes
/// back on a channel.
#[derive(Debug)]
pub struct EchoServer {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
    reports: Receiver<ConnReport>,
}

impl EchoServer {
    pub fn start(config: Arc<ServerConfig>) -> Self {
        Self::spawn(config, false)
    }

    /// As [`EchoServer::start`], recording each connection's handshake trace (the
    /// messages both ways, key updates, HelloRetryRequest) in [`ConnReport::trace`].
    pub fn start_traced(config: Arc<ServerConfig>) -> Self {
        Self::spawn(config, true)
    }

    fn spawn(config: Arc<ServerConfig>, traced: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, reports) = mpsc::channel();
        let stop2 = stop.clone();
        let acceptor = thread::spawn(move || {
            let mut index = 0;
            for sock in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(sock) = sock else { continue };
                let config = config.clone();
                let tx: Sender<ConnReport> = tx.clone();
                let i = index;
                index += 1;
                thread::spawn(move || {
                    let report = serve_echo(config, sock, i, traced);
                    let _ = tx.send(report);
                });
            }
        });
        EchoServer {
            addr,
            stop,
            acceptor: Some(acceptor),
            reports,
        }
    }

    pub fn port(&self) -> String {
        self.addr.port().to_string()
    }

    pub fn connect_arg(&self) -> String {
        format!("127.0.0.1:{}", self.addr.port())
    }

    /// Collects `n` connection reports (sorted by accept order), waiting at most
    /// [`STEP_TIMEOUT`] for each.
    pub fn reports(&self, n: usize) -> Result<Vec<ConnReport>, String> {
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            match self.reports.recv_timeout(STEP_TIMEOUT) {
                Ok(r) => out.push(r),
                Err(e) => {
                    return Err(format!(
                        "connection report {}/{n} did not arrive ({e}); got {out:?}",
                        i + 1
                    ))
                }
            }
        }
        out.sort_by_key(|r| r.index);
        Ok(out)
    }

    /// Any report that arrived without waiting (should be none after `reports(n)`).
    pub fn stray_reports(&self) -> Vec<ConnReport> {
        self.reports.try_iter().collect()
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.acceptor.take() {
            let _ = h.join();
        }
    }
}

fn serve_echo(
    config: Arc<ServerConfig>,
    sock: TcpStream,
    index: usize,
    traced: bool,
) -> ConnReport {
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = traced.then(|| {
        let lines = lines.clone();
        TraceSink::new(move |l| {
            if let Ok(mut v) = lines.lock() {
                v.push(l.to_string());
            }
        })
    });
    let mut report = echo_session(config, sock, index, sink);
    report.trace = lines.lock().map(|v| v.clone()).unwrap_or_default();
    report
}

/// One echo connection: handshake, then `echo: <line>` per line until `quit`.
fn echo_session(
    config: Arc<ServerConfig>,
    sock: TcpStream,
    index: usize,
    trace: Option<TraceSink>,
) -> ConnReport {
    let mut report = ConnReport {
        index,
        ..ConnReport::default()
    };
    let _ = sock.set_read_timeout(Some(STEP_TIMEOUT));
    let _ = sock.set_write_timeout(Some(STEP_TIMEOUT));
    let _ = sock.set_nodelay(true);
    let conn = match ServerConnection::with_trace(config, trace) {
        Ok(c) => c,
        Err(e) => {
            report.error = Some(format!("ServerConnection::new: {e}"));
            return report;
        }
    };
    let mut stream = Stream::new(conn, sock);
    let handshake = stream.handshake();
    let n = stream.conn.negotiated();
    report.version = n.version.map(|v| v.name());
    report.signature_scheme = n.signature_scheme.map(|s| s.name());
    report.alpn = n.alpn.clone();
    report.suite = n.suite.map(|s| s.name);
    report.group = n.group.map(|g| g.name());
    report.resumed = n.resumed;
    report.extended_master_secret = n.extended_master_secret;
    report.peer_certificates = n.peer_certificates.len();
    report.server_name = n.server_name.clone();
    if let Err(e) = handshake {
        report.error = Some(format!("handshake: {e}"));
        return report;
    }
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => {
                report.peer_closed = stream.conn.peer_has_closed();
                // Answer the peer's close_notify with ours (RFC 5246 §7.2.1).
                let _ = stream.close();
                return report;
            }
            Ok(n) => pending.extend_from_slice(&buf[..n]),
            Err(e) => {
                report.error = Some(format!("read: {e}"));
                return report;
            }
        }
        while let Some(pos) = pending.iter().position(|b| *b == b'\n') {
            let mut line: Vec<u8> = pending.drain(..=pos).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let quit = line == b"quit";
            let result = if quit {
                stream
                    .write_all(b"bye\n")
                    .and_then(|()| stream.close())
                    .and_then(|()| stream.sock.shutdown(Shutdown::Write))
            } else {
                let mut reply = b"echo: ".to_vec();
                reply.extend_from_slice(&line);
                reply.push(b'\n');
                stream.write_all(&reply).and_then(|()| stream.flush())
            };
            report.lines.push(line);
            if let Err(e) = result {
                report.error = Some(format!("write: {e}"));
                return report;
            }
            if quit {
                // Wait (bounded by the socket timeout) for the peer's close_notify or EOF.
                loop {
                    match stream.read(&mut buf) {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(e)
                            if matches!(
                                e.kind(),
                                io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset
                            ) =>
                        {
                            break
                        }
                        Err(e) => {
                            report.error = Some(format!("after quit: {e}"));
                            break;
                        }
                    }
                }
                report.peer_closed = stream.conn.peer_has_closed();
                return report;
            }
        }
    }
}

/// One cell of an interop matrix.
#[derive(Debug)]
pub struct Cell {
    pub status: &'static str,
    pub direction: &'static str,
    pub backend: &'static str,
    pub what: String,
    pub detail: String,
}

/// Collects outcomes and prints them as a table (visible with `--nocapture`).
#[derive(Debug, Default)]
pub struct Matrix {
    pub cells: Vec<Cell>,
}

impl Matrix {
    /// Records a combination that ran: `Ok(summary)` passed, `Err(why)` failed.
    pub fn record(
        &mut self,
        direction: &'static str,
        backend: &'static str,
        what: impl Into<String>,
        outcome: Result<String, String>,
    ) {
        let (status, detail) = match outcome {
            Ok(d) => ("PASS", d),
            Err(d) => ("FAIL", d),
        };
        self.cells.push(Cell {
            status,
            direction,
            backend,
            what: what.into(),
            detail,
        });
    }

    /// Records a combination that cannot run because the backend lacks an algorithm.
    pub fn skip(
        &mut self,
        direction: &'static str,
        backend: &'static str,
        what: impl Into<String>,
        why: &str,
    ) {
        self.cells.push(Cell {
            status: "SKIP",
            direction,
            backend,
            what: what.into(),
            detail: why.to_string(),
        });
    }

    /// Prints the table and panics listing every failed cell.
    pub fn finish(self, title: &str) {
        let mut out = format!("\n=== interop matrix: {title} ===\n");
        for c in &self.cells {
            let first_line = c.detail.lines().next().unwrap_or("");
            out.push_str(&format!(
                "{} {:30} {:10} {:42} {}\n",
                c.status, c.direction, c.backend, c.what, first_line
            ));
        }
        let count = |st: &str| self.cells.iter().filter(|c| c.status == st).count();
        out.push_str(&format!(
            "=== {title}: {} passed, {} failed, {} skipped ===\n",
            count("PASS"),
            count("FAIL"),
            count("SKIP")
        ));
        println!("{out}");
        assert!(count("PASS") > 0, "{title}: nothing passed");
        let failed: Vec<String> = self
            .cells
            .iter()
            .filter(|c| c.status == "FAIL")
            .map(|c| format!("{} {} {}:\n{}", c.direction, c.backend, c.what, c.detail))
            .collect();
        if !failed.is_empty() {
            panic!(
                "{title}: {} of {} combinations failed:\n{}",
                failed.len(),
                self.cells.len(),
                failed.join("\n\n")
            );
        }
    }
}
