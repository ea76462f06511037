//! A client worker: one thread, one mio poller, up to `max_open` connections at once.
//!
//! Each connection: non-blocking connect, handshake, the [`Workload`], close_notify, wait for
//! the server's close, then an abortive close (no TIME_WAIT, so long runs do not exhaust
//! ephemeral ports). Every connection ends exactly once, as a success or as one failure kind.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

use super::slab::Slab;
use super::transport::{Failure, Transport};
use super::{io_chunk, Budget, Pattern, Progress, StartGate, Workload, CHUNK, RX_BUFFER, TICK};
use crate::session::{Session, SessionFactory};
use crate::stats::SideStats;
use crate::sys;
use crate::trace::Tracer;

/// The request sent in [`Workload::Http`].
pub const HTTP_REQUEST: &[u8] = b"GET / HTTP/1.0\r\nUser-Agent: tlsbench\r\n\r\n";

/// What every connection of a client worker does.
#[derive(Debug, Clone)]
pub struct ClientPlan {
    /// The server.
    pub addr: SocketAddr,
    /// The name sent in SNI and checked against the certificate.
    pub server_name: String,
    /// What to do after the handshake.
    pub workload: Workload,
    /// How long to keep each connection open, idle, before closing it.
    pub hold: Duration,
    /// Limit on each connection's life (not counting `hold`).
    pub timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Connecting,
    Handshaking,
    Exchanging,
    Holding(Instant),
    Closing,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::Connecting => "connect",
            Phase::Handshaking => "handshake",
            Phase::Exchanging => "exchange",
            Phase::Holding(_) => "hold",
            Phase::Closing => "close",
        }
    }
}

enum Outcome {
    Pending,
    Done { clean: bool },
    Failed(Failure),
}

struct ClientConn {
    transport: Transport,
    session: Box<dyn Session>,
    phase: Phase,
    started: Instant,
    deadline: Instant,
    sent: u64,
    received: u64,
    peer_closed: bool,
}

/// Per-worker context handed to each connection's driver.
struct Ctx<'a> {
    plan: &'a ClientPlan,
    stats: &'a mut SideStats,
    progress: &'a Progress,
    scratch: &'a mut [u8],
    /// The worker's socket receive buffer ([`RX_BUFFER`] bytes, shared by its connections).
    rx: &'a mut [u8],
    /// Bytes per socket call for now ([`io_chunk`] of the open connections).
    io_chunk: usize,
    pattern: &'a Pattern,
}

impl ClientConn {
    fn drive(&mut self, cx: &mut Ctx<'_>) -> Outcome {
        match self.step(cx) {
            Ok(outcome) => outcome,
            Err(failure) => {
                self.transport.flush_alert(self.session.as_mut());
                Outcome::Failed(failure)
            }
        }
    }

    /// Advances the connection as far as the socket allows.
    fn step(&mut self, cx: &mut Ctx<'_>) -> Result<Outcome, Failure> {
        loop {
            let mut progressed = false;
            if self.phase == Phase::Connecting {
                if !self.connected() {
                    return Ok(Outcome::Pending);
                }
                progressed = true;
            }
            match self.transport.flush(self.session.as_mut()) {
                Ok(moved) => progressed |= moved,
                // The server may close right after its close_notify: our own close_notify
                // then has nowhere to go, which is fine.
                Err(_)
                    if self.phase == Phase::Closing && (self.peer_closed || self.transport.eof) =>
                {
                    return Ok(Outcome::Done {
                        clean: self.peer_closed,
                    });
                }
                Err(f) => return Err(f),
            }
            if self.phase == Phase::Handshaking && !self.session.is_handshaking() {
                self.handshake_done(cx)?;
                progressed = true;
            }
            if !matches!(self.phase, Phase::Connecting | Phase::Handshaking) {
                progressed |= self.read_plaintext(cx)?;
            }
            match self.phase {
                Phase::Exchanging => {
                    let (moved, finished) = self.exchange(cx)?;
                    progressed |= moved;
                    if finished {
                        self.phase = if cx.plan.hold.is_zero() {
                            self.session.send_close_notify();
                            Phase::Closing
                        } else {
                            Phase::Holding(Instant::now() + cx.plan.hold)
                        };
                        progressed = true;
                    }
                }
                Phase::Holding(until) if Instant::now() >= until => {
                    self.session.send_close_notify();
                    self.phase = Phase::Closing;
                    progressed = true;
                }
                Phase::Closing
                    if (self.peer_closed || self.transport.eof) && !self.session.wants_write() =>
                {
                    return Ok(Outcome::Done {
                        clean: self.peer_closed,
                    });
                }
                _ => {}
            }
            let rx = cx.rx.get_mut(..cx.io_chunk).unwrap_or_default();
            progressed |= self.transport.receive(self.session.as_mut(), rx)?;
            if self.transport.eof {
                match self.phase {
                    Phase::Handshaking => {
                        return Err(Failure::new(
                            "eof/handshake",
                            "server closed the connection during the handshake",
                        ))
                    }
                    Phase::Holding(_) => {
                        return Err(Failure::new(
                            "eof/hold",
                            "server closed the connection while it was held open",
                        ))
                    }
                    Phase::Exchanging
                        if cx.plan.workload != Workload::Http && !self.peer_closed =>
                    {
                        return Err(Failure::new(
                            "eof/exchange",
                            "server closed the connection mid-exchange",
                        ))
                    }
                    _ => {}
                }
            }
            if !progressed {
                return Ok(Outcome::Pending);
            }
        }
    }

    /// A non-blocking connect is complete, or has failed, once the socket reports its
    /// first event. No `getsockopt(SO_ERROR)`/`getpeername` round: the first write (the
    /// ClientHello) reports a failed connect's error itself, and the transport names it
    /// `connect/<errno>` because no byte was written before.
    fn connected(&mut self) -> bool {
        let t = &self.transport;
        if !(t.read_ready || t.write_ready) {
            return false;
        }
        self.phase = Phase::Handshaking;
        true
    }

    fn handshake_done(&mut self, cx: &mut Ctx<'_>) -> Result<(), Failure> {
        cx.stats.handshakes += 1;
        Progress::add(&cx.progress.handshakes, 1);
        cx.stats.handshake_latency.record(self.started.elapsed());
        if self.session.resumed() == Some(true) {
            cx.stats.resumed += 1;
        }
        if cx.stats.negotiated.is_none() {
            cx.stats.negotiated = Some(self.session.describe());
        }
        if let Some(t) = self.transport.tracer.as_mut() {
            t.note(&format!("handshake done: {}", self.session.describe()));
        }
        self.phase = Phase::Exchanging;
        if cx.plan.workload == Workload::Http {
            self.write_all(HTTP_REQUEST)?;
        }
        Ok(())
    }

    fn write_all(&mut self, mut data: &[u8]) -> Result<(), Failure> {
        while !data.is_empty() {
            match self.session.write_plaintext(data) {
                Ok(0) => {
                    return Err(Failure::new(
                        "tls/write_zero",
                        "session accepted no plaintext",
                    ))
                }
                Ok(n) => {
                    self.sent += n as u64;
                    data = data.get(n..).unwrap_or_default();
                }
                Err(e) => return Err(Failure::io("tls/write_plaintext", &e)),
            }
        }
        Ok(())
    }

    /// Drains received plaintext, checking echoed bytes. Returns whether anything arrived.
    fn read_plaintext(&mut self, cx: &mut Ctx<'_>) -> Result<bool, Failure> {
        let mut moved = false;
        loop {
            match self.session.read_plaintext(cx.scratch) {
                Ok(0) => {
                    if !self.peer_closed {
                        self.peer_closed = true;
                        moved = true;
                    }
                    return Ok(moved);
                }
                Ok(n) => {
                    let got = cx.scratch.get(..n).unwrap_or_default();
                    if let Workload::Echo { bytes } = cx.plan.workload {
                        if self.received + n as u64 > bytes {
                            return Err(Failure::new(
                                "echo/excess",
                                "server sent more than was echoed",
                            ));
                        }
                        if got != cx.pattern.at(self.received, n) {
                            return Err(Failure::new(
                                "echo/mismatch",
                                "echoed bytes differ from those sent",
                            ));
                        }
                    }
                    self.received += n as u64;
                    Progress::add(&cx.progress.bytes_received, n as u64);
                    moved = true;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(moved),
                Err(e) => return Err(Failure::io("tls/read_plaintext", &e)),
            }
        }
    }

    /// Sends the workload's data. Returns (progressed, finished).
    fn exchange(&mut self, cx: &mut Ctx<'_>) -> Result<(bool, bool), Failure> {
        match cx.plan.workload {
            Workload::Handshake => Ok((false, true)),
            Workload::Http => {
                let finished = self.peer_closed || self.transport.eof;
                if finished && self.received == 0 {
                    return Err(Failure::new(
                        "http/no_response",
                        "server closed without answering",
                    ));
                }
                Ok((false, finished))
            }
            Workload::Echo { bytes } => {
                if self.peer_closed {
                    return Err(Failure::new(
                        "echo/early_close",
                        "server sent close_notify before echoing everything",
                    ));
                }
                let mut moved = false;
                // Flow control: queue a burst of records only once the previous burst is on
                // the wire, so the session's buffer stays bounded.
                if !self.session.wants_write() {
                    let mut queued = 0;
                    // Plaintext queued per flush: sixteen records (256 KiB) with few
                    // connections open, two with many (see `io_chunk`).
                    while self.sent < bytes && queued < cx.io_chunk {
                        let len = (bytes - self.sent).min(CHUNK as u64) as usize;
                        let chunk = cx.pattern.at(self.sent, len);
                        match self.session.write_plaintext(chunk) {
                            Ok(0) => break,
                            Ok(n) => {
                                self.sent += n as u64;
                                queued += n;
                                moved = true;
                            }
                            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                            Err(e) => return Err(Failure::io("tls/write_plaintext", &e)),
                        }
                    }
                }
                Ok((moved, self.sent >= bytes && self.received >= bytes))
            }
        }
    }
}

/// One client worker thread's assignment.
#[derive(Debug, Clone, Copy)]
pub struct ClientWorker<'a> {
    /// What each connection does.
    pub plan: &'a ClientPlan,
    /// Creates the sessions.
    pub factory: &'a dyn SessionFactory,
    /// Shared connection budget.
    pub budget: &'a Budget,
    /// Live counters.
    pub progress: &'a Progress,
    /// Connections this worker keeps open at most.
    pub max_open: usize,
    /// Print the first connection's flow.
    pub trace_first: bool,
    /// Passed once set up, before the first connection.
    pub gate: Option<&'a StartGate>,
}

impl ClientWorker<'_> {
    /// Runs until the budget is spent and this worker's connections are finished. Returns
    /// the worker's measurements, including its own CPU time.
    pub fn run(self) -> Result<SideStats, String> {
        let cpu_start = sys::thread_cpu();
        let poll = Poll::new().map_err(|e| format!("creating a poller: {e}"));
        let events = Events::with_capacity(1024);
        let buffers = (vec![0u8; CHUNK], vec![0u8; RX_BUFFER]);
        if let Some(gate) = self.gate {
            gate.pass();
        }
        let mut stats = self.run_loop(poll?, events, buffers)?;
        stats.cpu = sys::thread_cpu().since(cpu_start);
        Ok(stats)
    }

    fn run_loop(
        self,
        mut poll: Poll,
        mut events: Events,
        (mut scratch, mut rx): (Vec<u8>, Vec<u8>),
    ) -> Result<SideStats, String> {
        let ClientWorker {
            plan,
            factory,
            budget,
            progress,
            max_open,
            trace_first,
            ..
        } = self;
        let mut conns: Slab<ClientConn> = Slab::default();
        let mut stats = SideStats {
            threads: 1,
            ..SideStats::default()
        };
        let pattern = Pattern::default();
        let mut trace_pending = trace_first;
        let mut next_scan = Instant::now() + TICK;
        let max_open = max_open.max(1);

        loop {
            while conns.len() < max_open && budget.take() {
                stats.started += 1;
                Progress::add(&progress.started, 1);
                match open(plan, factory, &mut poll, &mut conns, trace_pending) {
                    Ok(()) => {
                        trace_pending = false;
                        Progress::add(&progress.open, 1);
                    }
                    Err(f) => {
                        stats.fail(f.kind);
                        Progress::add(&progress.failed, 1);
                        // Out of descriptors or ports: let open connections finish first.
                        break;
                    }
                }
            }
            if budget.aborted() {
                let mut cx = Ctx {
                    plan,
                    stats: &mut stats,
                    progress,
                    scratch: &mut scratch,
                    rx: &mut rx,
                    io_chunk: CHUNK,
                    pattern: &pattern,
                };
                for key in conns.keys() {
                    let f = Failure::new(
                        "aborted/interrupted",
                        "still open when the interrupted load's grace period ended",
                    );
                    settle(key, Outcome::Failed(f), &mut conns, &mut cx);
                }
            }
            if conns.is_empty() && budget.exhausted() {
                break;
            }
            match poll.poll(&mut events, Some(TICK)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("poll: {e}")),
            }
            let mut cx = Ctx {
                plan,
                stats: &mut stats,
                progress,
                scratch: &mut scratch,
                rx: &mut rx,
                io_chunk: io_chunk(conns.len()),
                pattern: &pattern,
            };
            for event in events.iter() {
                let key = event.token().0;
                let Some(conn) = conns.get_mut(key) else {
                    continue;
                };
                conn.transport.on_event(event);
                let outcome = conn.drive(&mut cx);
                settle(key, outcome, &mut conns, &mut cx);
            }
            let now = Instant::now();
            if now >= next_scan {
                next_scan = now + TICK;
                for key in conns.keys() {
                    let Some(conn) = conns.get_mut(key) else {
                        continue;
                    };
                    let outcome = match conn.phase {
                        _ if now >= conn.deadline => Outcome::Failed(Failure::new(
                            format!("timeout/{}", conn.phase.name()),
                            format!("no progress within {:?}", plan.timeout),
                        )),
                        Phase::Holding(until) if now >= until => conn.drive(&mut cx),
                        _ => Outcome::Pending,
                    };
                    settle(key, outcome, &mut conns, &mut cx);
                }
            }
        }
        Ok(stats)
    }
}

/// Starts one connection and registers it.
fn open(
    plan: &ClientPlan,
    factory: &dyn SessionFactory,
    poll: &mut Poll,
    conns: &mut Slab<ClientConn>,
    trace: bool,
) -> Result<(), Failure> {
    let session = if trace {
        factory.new_client_traced(&plan.server_name)
    } else {
        factory.new_client(&plan.server_name)
    }
    .map_err(|e| Failure::new(format!("session/{}", e.kind), e.message))?;
    let started = Instant::now();
    let stream = TcpStream::connect(plan.addr).map_err(|e| Failure::io("connect", &e))?;
    // Set while the connect is in flight: one setsockopt, no wait for completion.
    let _ = sys::set_nodelay(&stream);
    let mut transport = Transport::new(stream, false);
    if trace {
        let mut tracer = Tracer::default();
        tracer.note(&format!(
            "connecting to {} (server name {:?})",
            plan.addr, plan.server_name
        ));
        transport.tracer = Some(tracer);
    }
    let key = conns.insert(ClientConn {
        transport,
        session,
        phase: Phase::Connecting,
        started,
        deadline: started + plan.timeout + plan.hold,
        sent: 0,
        received: 0,
        peer_closed: false,
    });
    let registered = match conns.get_mut(key) {
        Some(conn) => poll
            .registry()
            .register(
                &mut conn.transport.stream,
                Token(key),
                Interest::READABLE | Interest::WRITABLE,
            )
            .map_err(|e| Failure::io("register", &e)),
        None => Err(Failure::new(
            "internal/slab",
            "connection vanished after insert",
        )),
    };
    if registered.is_err() {
        conns.remove(key);
    }
    registered
}

/// Ends a finished connection: accounting, abortive close.
fn settle(key: usize, outcome: Outcome, conns: &mut Slab<ClientConn>, cx: &mut Ctx<'_>) {
    if matches!(outcome, Outcome::Pending) {
        return;
    }
    let Some(mut conn) = conns.remove(key) else {
        return;
    };
    // No deregister: closing the socket (dropping `conn`) removes it from the epoll set, as
    // no other descriptor refers to it.
    // The TLS closure is over (or failed): reset instead of FIN, leaving no TIME_WAIT.
    let _ = sys::set_abortive_close(&conn.transport.stream);
    cx.stats.bytes_sent += conn.sent;
    cx.stats.bytes_received += conn.received;
    Progress::sub(&cx.progress.open, 1);
    match outcome {
        Outcome::Done { clean } => {
            cx.stats.succeeded += 1;
            if !clean {
                cx.stats.unclean_closes += 1;
            }
            cx.stats.connection_latency.record(conn.started.elapsed());
            Progress::add(&cx.progress.succeeded, 1);
            if let Some(t) = conn.transport.tracer.as_mut() {
                t.note(if clean {
                    "closed after the server's close_notify"
                } else {
                    "closed by the server without close_notify"
                });
            }
        }
        Outcome::Failed(f) => {
            if let Some(t) = conn.transport.tracer.as_mut() {
                t.note(&format!(
                    "failed in {}: {}: {}",
                    conn.phase.name(),
                    f.kind,
                    f.message
                ));
            }
            cx.stats.fail(f.kind);
            Progress::add(&cx.progress.failed, 1);
        }
        Outcome::Pending => {}
    }
}
