//! tlskit servers on 127.0.0.1 (ephemeral port) for the peer tools' clients to talk to:
//! [`TlskitServer`] accepts on a background thread, serves each connection on its own
//! thread with socket timeouts and sends one report per connection back on a channel;
//! [`EchoServer`] answers lines (`echo: <line>`, `quit` closes).

use super::process::ProcRun;
use super::{TraceLog, STEP_TIMEOUT};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::ops::Deref;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;
use tlskit_handshake::{ServerConfig, ServerConnection, Stream, TraceSink};

/// An acceptor thread on 127.0.0.1 (ephemeral port) running `serve(socket, accept
/// index)` on a thread per connection; each result comes back on a channel. Stopped and
/// joined on drop.
#[derive(Debug)]
pub struct TlskitServer<R> {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
    reports: Receiver<R>,
}

impl<R: Send + 'static> TlskitServer<R> {
    pub fn start(serve: impl Fn(TcpStream, usize) -> R + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, reports) = mpsc::channel();
        let stop2 = stop.clone();
        let serve = Arc::new(serve);
        let acceptor = thread::spawn(move || {
            let mut index = 0;
            for sock in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(sock) = sock else { continue };
                let (serve, tx) = (serve.clone(), tx.clone());
                let i = index;
                index += 1;
                thread::spawn(move || {
                    let _ = tx.send(serve(sock, i));
                });
            }
        });
        TlskitServer {
            addr,
            stop,
            acceptor: Some(acceptor),
            reports,
        }
    }

    /// Collects `n` reports in arrival order, waiting at most [`STEP_TIMEOUT`] for each;
    /// `missing(index from 1, reports so far, why)` describes a report that did not come.
    pub fn reports(
        &self,
        n: usize,
        missing: impl FnOnce(usize, &[R], RecvTimeoutError) -> String,
    ) -> Result<Vec<R>, String> {
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            match self.reports.recv_timeout(STEP_TIMEOUT) {
                Ok(r) => out.push(r),
                Err(e) => return Err(missing(i + 1, &out, e)),
            }
        }
        Ok(out)
    }

    /// Any report that arrived without waiting.
    pub fn stray_reports(&self) -> Vec<R> {
        self.reports.try_iter().collect()
    }
}

impl<R> Drop for TlskitServer<R> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.acceptor.take() {
            let _ = h.join();
        }
    }
}

/// A server connection on `sock` (socket timeouts of [`STEP_TIMEOUT`], no delay), before
/// its handshake.
pub fn server_stream(
    config: Arc<ServerConfig>,
    sock: TcpStream,
    trace: Option<TraceSink>,
) -> Result<Stream<ServerConnection, TcpStream>, String> {
    let _ = sock.set_read_timeout(Some(STEP_TIMEOUT));
    let _ = sock.set_write_timeout(Some(STEP_TIMEOUT));
    let _ = sock.set_nodelay(true);
    let conn = ServerConnection::with_trace(config, trace)
        .map_err(|e| format!("ServerConnection::new: {e}"))?;
    Ok(Stream::new(conn, sock))
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
    /// For a server started with [`EchoServer::start_exporting`]: 32 bytes of keying
    /// material exported after the handshake (RFC 5705 / RFC 8446 §7.5, no context), or
    /// the error.
    pub exporter: Option<Result<Vec<u8>, String>>,
    /// The handshake trace, for a server started with [`EchoServer::start_traced`].
    pub trace: Vec<String>,
    /// Lines received (without the newline), including the final `quit`.
    pub lines: Vec<Vec<u8>>,
    /// Whether the peer's close_notify arrived.
    pub peer_closed: bool,
    /// The handshake or I/O error that ended the connection, if any.
    pub error: Option<String>,
}

impl ConnReport {
    /// How many trace lines contain `needle`.
    pub fn traced(&self, needle: &str) -> usize {
        count_lines(&self.trace, needle)
    }
}

/// How many of `lines` contain `needle`.
pub fn count_lines(lines: &[String], needle: &str) -> usize {
    lines.iter().filter(|l| l.contains(needle)).count()
}

/// A tlskit server that answers each line with `echo: <line>` and, on a `quit` line,
/// sends close_notify and closes; a [`ConnReport`] per connection.
#[derive(Debug)]
pub struct EchoServer {
    pub addr: SocketAddr,
    server: TlskitServer<ConnReport>,
}

impl EchoServer {
    pub fn start(config: Arc<ServerConfig>) -> Self {
        Self::spawn(config, false, None)
    }

    /// As [`EchoServer::start_traced`], also exporting 32 bytes of keying material under
    /// `label` (no context) after each handshake, into [`ConnReport::exporter`].
    pub fn start_exporting(config: Arc<ServerConfig>, label: &'static [u8]) -> Self {
        Self::spawn(config, true, Some(label))
    }

    /// As [`EchoServer::start`], recording each connection's handshake trace (the
    /// messages both ways, key updates, HelloRetryRequest) in [`ConnReport::trace`].
    pub fn start_traced(config: Arc<ServerConfig>) -> Self {
        Self::spawn(config, true, None)
    }

    fn spawn(config: Arc<ServerConfig>, traced: bool, exporter: Option<&'static [u8]>) -> Self {
        let server = TlskitServer::start(move |sock, index| {
            let log = TraceLog::default();
            let sink = traced.then(|| log.sink());
            let mut report = echo_session(config.clone(), sock, index, sink, exporter);
            report.trace = log.lines();
            report
        });
        EchoServer {
            addr: server.addr,
            server,
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
        let mut out = self.server.reports(n, |i, got, e| {
            format!("connection report {i}/{n} did not arrive ({e}); got {got:?}")
        })?;
        out.sort_by_key(|r| r.index);
        Ok(out)
    }

    /// Any report that arrived without waiting (should be none after `reports(n)`).
    pub fn stray_reports(&self) -> Vec<ConnReport> {
        self.server.stray_reports()
    }
}

/// One echo connection: handshake, then `echo: <line>` per line until `quit`.
fn echo_session(
    config: Arc<ServerConfig>,
    sock: TcpStream,
    index: usize,
    trace: Option<TraceSink>,
    exporter: Option<&'static [u8]>,
) -> ConnReport {
    let mut report = ConnReport {
        index,
        ..ConnReport::default()
    };
    let mut stream = match server_stream(config, sock, trace) {
        Ok(s) => s,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
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
    if let Some(label) = exporter {
        let mut out = vec![0u8; 32];
        report.exporter = Some(
            stream
                .conn
                .export_keying_material(&mut out, label, None)
                .map(|()| out)
                .map_err(|e| e.to_string()),
        );
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
            Ok(n) => pending.extend_from_slice(buf.get(..n).unwrap_or_default()),
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

/// One run of a peer's client tool against an [`EchoServer`] and the server's reports of
/// its connections. `R` is the tool's run type (it dereferences to [`ProcRun`]).
#[derive(Debug)]
pub struct EchoRun<R> {
    pub run: R,
    pub reports: Result<Vec<ConnReport>, String>,
}

impl<R: Deref<Target = ProcRun>> EchoRun<R> {
    /// The first connection's report, an error if the tlskit side failed.
    pub fn report(&self) -> Result<&ConnReport, String> {
        let reports = self.reports.as_ref().map_err(Clone::clone)?;
        self.checked(reports.first())
    }

    /// The last connection's report (the one that carried the data), an error if the
    /// tlskit side failed.
    pub fn last_report(&self) -> Result<&ConnReport, String> {
        let reports = self.reports.as_ref().map_err(Clone::clone)?;
        self.checked(reports.last())
    }

    fn checked<'a>(&self, r: Option<&'a ConnReport>) -> Result<&'a ConnReport, String> {
        let r = r.ok_or("no connection")?;
        match &r.error {
            Some(e) => Err(format!("tlskit server: {e}\n{}", self.run.report())),
            None => Ok(r),
        }
    }

    /// The error that ended the first connection, if any.
    pub fn first_error(&self) -> Result<Option<String>, &String> {
        first_error(&self.reports)
    }

    /// The client side: `tool` exited 0 (else the tlskit errors are shown) and printed
    /// each of `needles`.
    pub fn check_tool(&self, tool: &str, needles: &[&str]) -> Result<(), String> {
        let run = &*self.run;
        if !run.success() {
            let ours = match &self.reports {
                Ok(r) => format!("{:?}", r.iter().map(|r| &r.error).collect::<Vec<_>>()),
                Err(e) => e.clone(),
            };
            return Err(format!("{tool} failed (tlskit: {ours})\n{}", run.report()));
        }
        for needle in needles {
            if !run.stdout.contains(needle) {
                return Err(format!("{tool} output lacks {needle:?}\n{}", run.report()));
            }
        }
        Ok(())
    }
}

/// The error that ended the first connection of `reports`, if any.
pub fn first_error(reports: &Result<Vec<ConnReport>, String>) -> Result<Option<String>, &String> {
    reports
        .as_ref()
        .map(|r| r.first().and_then(|r| r.error.clone()))
}
