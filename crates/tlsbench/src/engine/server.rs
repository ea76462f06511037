//! A server worker: one thread, one mio poller, all the connections it accepted.
//!
//! Accepting: every server worker registers its own handle (a `dup`) of the one listening
//! socket and accepts at most [`ACCEPT_BATCH`] connections per wake-up, re-arming the
//! listener when it stopped early. The worker that is idle wakes first and takes the new
//! connections, so load spreads to whichever thread has time, without a separate acceptor
//! thread (whose CPU would be hard to attribute) and without SO_REUSEPORT's hashing, which
//! spreads unevenly over few threads and strands queued connections when a listener closes.
//!
//! One bad connection never stops a worker: every failure ends that connection only, is
//! counted by kind, and (in `tlsbench serve`) logged on one line.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mio::net::TcpListener;
use mio::{Events, Interest, Poll, Token, Waker};

use super::slab::Slab;
use super::transport::{error_name, Failure, Transport};
use super::{io_chunk, ServerMode, StartGate, CHUNK, RX_BUFFER, TICK};
use crate::session::{Session, SessionFactory};
use crate::stats::SideStats;
use crate::sys;

/// Most connections accepted per wake-up before the worker turns to its own connections.
pub const ACCEPT_BATCH: usize = 64;
/// Largest HTTP request head accepted in [`ServerMode::Www`].
const MAX_REQUEST_HEAD: usize = 16 * 1024;
const LISTENER: Token = Token(usize::MAX);
const WAKER: Token = Token(usize::MAX - 1);

/// What every connection of a server worker does.
#[derive(Debug, Clone)]
pub struct ServerPlan {
    /// Echo or `-www` behaviour.
    pub mode: ServerMode,
    /// Limit on each connection's life.
    pub timeout: Duration,
    /// Log one line per failed connection to stderr (`tlsbench serve`).
    pub log_failures: bool,
}

/// Handle to stop a running server worker from another thread.
#[derive(Debug, Clone)]
pub struct StopHandle {
    flag: Arc<AtomicBool>,
    waker: Arc<Waker>,
}

impl StopHandle {
    /// Asks the worker to finish: it stops accepting and returns its measurements.
    pub fn stop(&self) {
        self.flag.store(true, Ordering::Release);
        let _ = self.waker.wake();
    }
}

/// A server worker ready to run on its own thread.
#[derive(Debug)]
pub struct ServerWorker {
    poll: Poll,
    listener: TcpListener,
    stop: Arc<AtomicBool>,
    /// Whether accepted sockets come with TCP_NODELAY from the listener (Linux copies it;
    /// see [`sys::listen`]): checked on the first connection, then trusted, so the common
    /// case costs no setsockopt per connection. `None` until checked.
    nodelay_inherited: Option<bool>,
}

impl ServerWorker {
    /// Prepares a worker on its own handle of `listener`; returns it with its stop handle.
    pub fn new(listener: &std::net::TcpListener) -> Result<(ServerWorker, StopHandle), String> {
        let own = listener
            .try_clone()
            .map_err(|e| format!("duplicating the listener: {e}"))?;
        own.set_nonblocking(true)
            .map_err(|e| format!("listener: {e}"))?;
        let mut listener = TcpListener::from_std(own);
        let poll = Poll::new().map_err(|e| format!("creating a poller: {e}"))?;
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)
            .map_err(|e| format!("registering the listener: {e}"))?;
        let waker =
            Waker::new(poll.registry(), WAKER).map_err(|e| format!("creating a waker: {e}"))?;
        let flag = Arc::new(AtomicBool::new(false));
        let handle = StopHandle {
            flag: flag.clone(),
            waker: Arc::new(waker),
        };
        Ok((
            ServerWorker {
                poll,
                listener,
                stop: flag,
                nodelay_inherited: None,
            },
            handle,
        ))
    }

    /// Serves until stopped. Returns the worker's measurements, including its CPU time.
    /// Connections still open when it stops are counted as `aborted/at_stop`.
    /// `gate`, if any, is passed once the worker's fixed state is allocated.
    pub fn run(
        mut self,
        plan: &ServerPlan,
        factory: &dyn SessionFactory,
        gate: Option<&StartGate>,
    ) -> Result<SideStats, String> {
        let cpu_start = sys::thread_cpu();
        let mut events = Events::with_capacity(1024);
        let mut conns: Slab<ServerConn> = Slab::default();
        let mut stats = SideStats {
            threads: 1,
            ..SideStats::default()
        };
        let mut bufs = Buffers {
            scratch: vec![0u8; CHUNK],
            rx: vec![0u8; RX_BUFFER],
            io_chunk: RX_BUFFER,
        };
        if let Some(gate) = gate {
            gate.pass();
        }
        let mut next_scan = Instant::now() + TICK;
        let mut rearm_listener = false;

        while !self.stop.load(Ordering::Acquire) {
            match self.poll.poll(&mut events, Some(TICK)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("poll: {e}")),
            }
            bufs.io_chunk = io_chunk(conns.len());
            for event in events.iter() {
                match event.token() {
                    LISTENER => {
                        rearm_listener |= self.accept(plan, factory, &mut conns, &mut stats)
                    }
                    WAKER => {}
                    Token(key) => {
                        let Some(conn) = conns.get_mut(key) else {
                            continue;
                        };
                        conn.transport.on_event(event);
                        let outcome = conn.drive(plan, &mut stats, &mut bufs);
                        settle(key, outcome, &mut conns, plan, &mut stats);
                    }
                }
            }
            let now = Instant::now();
            if rearm_listener {
                // Edge-triggered: re-registering reports the connections still queued.
                rearm_listener = false;
                let _ = self.poll.registry().reregister(
                    &mut self.listener,
                    LISTENER,
                    Interest::READABLE,
                );
            }
            if now >= next_scan {
                next_scan = now + TICK;
                for key in conns.keys() {
                    let expired = conns.get_mut(key).is_some_and(|c| now >= c.deadline);
                    if expired {
                        let phase = conns.get_mut(key).map_or("?", |c| c.phase.name());
                        let f = Failure::new(
                            format!("timeout/{phase}"),
                            format!("no progress within {:?}", plan.timeout),
                        );
                        settle(key, Outcome::Failed(f), &mut conns, plan, &mut stats);
                    }
                }
            }
        }
        for key in conns.keys() {
            let f = Failure::new(
                "aborted/at_stop",
                "connection still open when the server stopped",
            );
            settle(key, Outcome::Failed(f), &mut conns, plan, &mut stats);
        }
        stats.cpu = sys::thread_cpu().since(cpu_start);
        Ok(stats)
    }

    /// Accepts up to [`ACCEPT_BATCH`] connections. Returns true when the listener must be
    /// re-armed (the batch filled up, or accept failed for lack of resources).
    fn accept(
        &mut self,
        plan: &ServerPlan,
        factory: &dyn SessionFactory,
        conns: &mut Slab<ServerConn>,
        stats: &mut SideStats,
    ) -> bool {
        for _ in 0..ACCEPT_BATCH {
            let (stream, peer) = match self.listener.accept() {
                Ok(pair) => pair,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    // EMFILE, ENFILE, ENOBUFS...: the connection stays queued; count the
                    // refusal (not as a connection: the same one is retried) and try again
                    // on the next tick.
                    *stats
                        .accept_errors
                        .entry(format!("accept/{}", error_name(&e)))
                        .or_insert(0) += 1;
                    if plan.log_failures {
                        eprintln!("tlsbench serve: accept failed: {e}");
                    }
                    std::thread::sleep(TICK);
                    return true;
                }
            };
            stats.started += 1;
            let session = match factory.new_server() {
                Ok(s) => s,
                Err(e) => {
                    let f = Failure::new(format!("session/{}", e.kind), e.message);
                    log_failure(plan, peer, "setup", &f);
                    stats.fail(f.kind);
                    continue;
                }
            };
            let inherited = *self
                .nodelay_inherited
                .get_or_insert_with(|| sys::nodelay(&stream).unwrap_or(false));
            if !inherited {
                let _ = sys::set_nodelay(&stream);
            }
            let now = Instant::now();
            let key = conns.insert(ServerConn {
                // Not read at once: the ClientHello often trails the accept, and that read
                // would say EAGAIN. Registering reports whatever is already there.
                transport: Transport::new(stream, false),
                session,
                peer,
                phase: Phase::Handshaking,
                accepted: now,
                deadline: now + plan.timeout,
                request: Vec::new(),
            });
            if let Some(conn) = conns.get_mut(key) {
                let registered = self.poll.registry().register(
                    &mut conn.transport.stream,
                    Token(key),
                    Interest::READABLE | Interest::WRITABLE,
                );
                if let Err(e) = registered {
                    let f = Failure::io("register", &e);
                    settle(key, Outcome::Failed(f), conns, plan, stats);
                }
            }
        }
        true
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Handshaking,
    Serving,
    Closing,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::Handshaking => "handshake",
            Phase::Serving => "exchange",
            Phase::Closing => "close",
        }
    }
}

enum Outcome {
    Pending,
    Done { clean: bool },
    Failed(Failure),
}

/// A worker's buffers, shared by its connections: plaintext scratch and socket receive
/// buffer.
struct Buffers {
    scratch: Vec<u8>,
    rx: Vec<u8>,
    /// Bytes per read for now ([`io_chunk`] of the open connections).
    io_chunk: usize,
}

struct ServerConn {
    transport: Transport,
    session: Box<dyn Session>,
    peer: SocketAddr,
    phase: Phase,
    accepted: Instant,
    deadline: Instant,
    /// `Www` mode: the request head received so far.
    request: Vec<u8>,
}

impl ServerConn {
    fn drive(&mut self, plan: &ServerPlan, stats: &mut SideStats, bufs: &mut Buffers) -> Outcome {
        match self.step(plan, stats, bufs) {
            Ok(outcome) => outcome,
            Err(failure) => {
                self.transport.flush_alert(self.session.as_mut());
                Outcome::Failed(failure)
            }
        }
    }

    fn step(
        &mut self,
        plan: &ServerPlan,
        stats: &mut SideStats,
        bufs: &mut Buffers,
    ) -> Result<Outcome, Failure> {
        loop {
            let mut progressed = self.transport.flush(self.session.as_mut())?;
            if self.phase == Phase::Handshaking && !self.session.is_handshaking() {
                stats.handshakes += 1;
                stats.handshake_latency.record(self.accepted.elapsed());
                if self.session.resumed() == Some(true) {
                    stats.resumed += 1;
                }
                if stats.negotiated.is_none() {
                    stats.negotiated = Some(self.session.describe());
                }
                self.phase = Phase::Serving;
                progressed = true;
            }
            // Back-pressure: take in nothing new while earlier output is still queued.
            let output_drained = !self.session.wants_write();
            if self.phase == Phase::Serving && output_drained {
                progressed |= match plan.mode {
                    ServerMode::Echo => self.echo(stats, &mut bufs.scratch)?,
                    ServerMode::Www => self.answer_http(stats, &mut bufs.scratch)?,
                };
            }
            if self.phase == Phase::Closing && !self.session.wants_write() {
                return Ok(Outcome::Done { clean: true });
            }
            if output_drained && self.phase != Phase::Closing {
                progressed |= self.transport.receive(
                    self.session.as_mut(),
                    bufs.rx.get_mut(..bufs.io_chunk).unwrap_or_default(),
                )?;
            }
            if self.transport.eof && self.phase != Phase::Closing {
                if self.phase == Phase::Handshaking {
                    return Err(Failure::new(
                        "eof/handshake",
                        "client closed the connection during the handshake",
                    ));
                }
                // The client left without close_notify; anything it sent was handled.
                return Ok(Outcome::Done { clean: false });
            }
            if !progressed {
                return Ok(Outcome::Pending);
            }
        }
    }

    /// Echoes all available plaintext (at most one receive buffer's worth: the caller reads
    /// from the socket only once earlier output is flushed), so the records it seals leave
    /// in one write; answers close_notify with close_notify.
    fn echo(&mut self, stats: &mut SideStats, scratch: &mut [u8]) -> Result<bool, Failure> {
        let mut moved = false;
        loop {
            match self.session.read_plaintext(scratch) {
                Ok(0) => {
                    self.session.send_close_notify();
                    self.phase = Phase::Closing;
                    return Ok(true);
                }
                Ok(n) => {
                    let data = scratch.get(..n).unwrap_or_default();
                    stats.bytes_received += n as u64;
                    self.write_all(data, stats)?;
                    moved = true;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(moved),
                Err(e) => return Err(Failure::io("tls/read_plaintext", &e)),
            }
        }
    }

    /// Collects the request head; once the blank line arrives, answers and closes.
    fn answer_http(&mut self, stats: &mut SideStats, scratch: &mut [u8]) -> Result<bool, Failure> {
        let mut moved = false;
        loop {
            match self.session.read_plaintext(scratch) {
                Ok(0) => {
                    // The client closed before finishing a request: close politely.
                    self.session.send_close_notify();
                    self.phase = Phase::Closing;
                    return Ok(true);
                }
                Ok(n) => {
                    stats.bytes_received += n as u64;
                    self.request
                        .extend_from_slice(scratch.get(..n).unwrap_or_default());
                    moved = true;
                    if self.request.windows(4).any(|w| w == b"\r\n\r\n") {
                        let response = http_response(&self.request);
                        self.write_all(&response, stats)?;
                        self.session.send_close_notify();
                        self.phase = Phase::Closing;
                        return Ok(true);
                    }
                    if self.request.len() > MAX_REQUEST_HEAD {
                        return Err(Failure::new(
                            "http/request_too_large",
                            "no blank line within 16 KiB",
                        ));
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(moved),
                Err(e) => return Err(Failure::io("tls/read_plaintext", &e)),
            }
        }
    }

    fn write_all(&mut self, mut data: &[u8], stats: &mut SideStats) -> Result<(), Failure> {
        while !data.is_empty() {
            match self.session.write_plaintext(data) {
                Ok(0) => {
                    return Err(Failure::new(
                        "tls/write_zero",
                        "session accepted no plaintext",
                    ))
                }
                Ok(n) => {
                    stats.bytes_sent += n as u64;
                    data = data.get(n..).unwrap_or_default();
                }
                Err(e) => return Err(Failure::io("tls/write_plaintext", &e)),
            }
        }
        Ok(())
    }
}

/// The `-www`-style answer: 200 with a short plain-text body naming the request line.
fn http_response(request: &[u8]) -> Vec<u8> {
    let first_line = request
        .split(|&b| b == b'\r' || b == b'\n')
        .next()
        .unwrap_or_default();
    let shown: String = String::from_utf8_lossy(first_line)
        .chars()
        .take(200)
        .collect();
    let body = format!("tlsbench serve: ok\nrequest: {shown}\n");
    format!(
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn log_failure(plan: &ServerPlan, peer: SocketAddr, phase: &str, f: &Failure) {
    if plan.log_failures {
        eprintln!(
            "tlsbench serve: {peer}: {phase} failed: {}: {}",
            f.kind, f.message
        );
    }
}

/// Ends a finished connection: accounting, close.
fn settle(
    key: usize,
    outcome: Outcome,
    conns: &mut Slab<ServerConn>,
    plan: &ServerPlan,
    stats: &mut SideStats,
) {
    if matches!(outcome, Outcome::Pending) {
        return;
    }
    let Some(conn) = conns.remove(key) else {
        return;
    };
    // No deregister: closing the socket (dropping `conn` below) removes it from the epoll
    // set, as no other descriptor refers to it.
    match outcome {
        Outcome::Done { clean } => {
            stats.succeeded += 1;
            if !clean {
                stats.unclean_closes += 1;
            }
            stats.connection_latency.record(conn.accepted.elapsed());
        }
        Outcome::Failed(f) => {
            log_failure(plan, conn.peer, conn.phase.name(), &f);
            stats.fail(f.kind);
        }
        Outcome::Pending => {}
    }
    drop(conn);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_response_has_a_consistent_length() {
        let r = http_response(b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
        let text = String::from_utf8(r).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.0 200 OK"));
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
        assert!(body.contains("GET /x HTTP/1.1"));
    }

    #[test]
    fn http_response_tolerates_binary_requests() {
        let r = http_response(&[0xff, 0xfe, b'\r', b'\n', b'\r', b'\n']);
        assert!(r.starts_with(b"HTTP/1.0 200 OK"));
    }
}
