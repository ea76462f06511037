//! The load engine: client and server worker threads, each running its own non-blocking
//! mio event loop over many connections (never a thread per connection), driving
//! [`Session`](crate::session::Session)s over TCP.

pub mod client;
pub mod server;
mod slab;
mod transport;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// How often each event loop wakes up to check timers (hold, timeouts) when idle.
pub const TICK: Duration = Duration::from_millis(10);

/// Application-data plaintext moved per `write_plaintext` call: one full TLS record.
pub const CHUNK: usize = 16384;

/// The worker's receive buffer: one per worker thread, shared by all its connections
/// (allocated and zeroed once, not per connection). Large enough to take several records
/// per syscall in bulk transfers; a handshake flight uses a sliver of it.
pub const RX_BUFFER: usize = 256 * 1024;

/// Bytes a connection moves per socket call (read size; an echo client's burst of queued
/// records) when its worker has `open` connections. A read's bytes end up decrypted in
/// the session's plaintext buffer and, in an echo, sealed again in its send buffer, whose
/// capacities a connection keeps: so the full [`RX_BUFFER`] is used only while few
/// connections are open (bulk runs), and a worker with many keeps each one to two records
/// per call, as before, instead of letting memory per connection grow.
pub fn io_chunk(open: usize) -> usize {
    if open <= FEW_CONNECTIONS {
        RX_BUFFER
    } else {
        2 * CHUNK
    }
}

/// See [`io_chunk`].
const FEW_CONNECTIONS: usize = 16;

/// What a client does on each connection once the handshake is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Workload {
    /// Nothing: send close_notify straight away (a handshake-rate load).
    Handshake,
    /// Send this many bytes and read them back from an echo server (bulk AEAD load).
    Echo {
        /// Bytes sent (and expected back) per connection.
        bytes: u64,
    },
    /// Send `GET / HTTP/1.0` and read the response until the server closes (for servers
    /// in `s_server -www` style, including `tlsbench serve`).
    Http,
}

/// What a server does once the handshake is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerMode {
    /// Echo application data back until the client's close_notify, then close.
    Echo,
    /// Like `openssl s_server -www`: read an HTTP request up to the blank line, answer 200,
    /// send close_notify, close.
    Www,
}

/// Live counters shared by the workers and the progress display (relaxed atomics: they
/// are for display and sampling; the exact figures come from the merged [`SideStats`]).
///
/// [`SideStats`]: crate::stats::SideStats
#[derive(Debug, Default)]
pub struct Progress {
    /// Client connections started.
    pub started: AtomicU64,
    /// Client connections finished successfully.
    pub succeeded: AtomicU64,
    /// Client connections failed.
    pub failed: AtomicU64,
    /// Client connections open now.
    pub open: AtomicU64,
    /// Completed client handshakes.
    pub handshakes: AtomicU64,
    /// Application bytes received by clients.
    pub bytes_received: AtomicU64,
}

impl Progress {
    fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    fn sub(counter: &AtomicU64, n: u64) {
        counter.fetch_sub(n, Ordering::Relaxed);
    }

    /// Reads a counter.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// How many connections the clients may start: a count, a deadline, or both.
#[derive(Debug)]
pub struct Budget {
    total: Option<u64>,
    deadline: Option<Instant>,
    issued: AtomicU64,
    stopped: AtomicBool,
    aborted: AtomicBool,
}

impl Budget {
    /// Exactly `n` connections.
    pub fn count(n: u64) -> Self {
        Budget {
            total: Some(n),
            deadline: None,
            issued: AtomicU64::new(0),
            stopped: AtomicBool::new(false),
            aborted: AtomicBool::new(false),
        }
    }

    /// As many connections as start before `duration` has passed.
    pub fn duration(duration: Duration) -> Self {
        Budget {
            total: None,
            deadline: Instant::now().checked_add(duration),
            issued: AtomicU64::new(0),
            stopped: AtomicBool::new(false),
            aborted: AtomicBool::new(false),
        }
    }

    /// Claims one connection; false once the budget is spent.
    pub fn take(&self) -> bool {
        if self.exhausted() {
            return false;
        }
        match self.total {
            Some(total) => self
                .issued
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                    (n < total).then_some(n + 1)
                })
                .is_ok(),
            None => {
                self.issued.fetch_add(1, Ordering::Relaxed);
                true
            }
        }
    }

    /// Whether no more connections will be handed out.
    pub fn exhausted(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
            || self.deadline.is_some_and(|d| Instant::now() >= d)
            || self
                .total
                .is_some_and(|t| self.issued.load(Ordering::Relaxed) >= t)
    }

    /// Hands out nothing more (in-flight connections still finish).
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
    }

    /// Hands out nothing more and tells the workers to abort their open connections now
    /// (an interrupted load whose grace period ran out).
    pub fn abort(&self) {
        self.stop();
        self.aborted.store(true, Ordering::Relaxed);
    }

    /// Whether open connections must be aborted.
    pub fn aborted(&self) -> bool {
        self.aborted.load(Ordering::Relaxed)
    }

    /// The connection count, when the budget is a count.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// The deadline, when the budget is a duration.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }
}

/// Lets the coordinator take a baseline (RSS, clock) once every worker has allocated its
/// fixed state and before any connection exists. Each worker passes it once; the
/// coordinator opens it once, or releases it without waiting when start-up fails.
#[derive(Debug)]
pub struct StartGate {
    expected: usize,
    /// (workers arrived, gate open)
    state: Mutex<(usize, bool)>,
    changed: Condvar,
}

impl StartGate {
    /// A gate for `workers` workers and one coordinator.
    pub fn new(workers: usize) -> Self {
        StartGate {
            expected: workers,
            state: Mutex::new((0, false)),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, (usize, bool)> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Worker side: says it is ready, then waits until the gate opens.
    pub fn pass(&self) {
        let mut state = self.lock();
        state.0 += 1;
        self.changed.notify_all();
        while !state.1 {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Coordinator side: waits for every worker, runs `baseline`, then opens the gate.
    pub fn open<T>(&self, baseline: impl FnOnce() -> T) -> T {
        let mut state = self.lock();
        while state.0 < self.expected && !state.1 {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        let value = baseline();
        state.1 = true;
        self.changed.notify_all();
        value
    }

    /// Opens the gate without waiting (start-up failed part-way).
    pub fn release(&self) {
        self.lock().1 = true;
        self.changed.notify_all();
    }
}

/// A repeating byte pattern (period 251, a prime, so record boundaries never line up with
/// it) sent by echo clients and checked on the way back.
#[derive(Debug)]
pub struct Pattern(Vec<u8>);

const PATTERN_PERIOD: usize = 251;

impl Default for Pattern {
    fn default() -> Self {
        Pattern(
            (0..CHUNK + PATTERN_PERIOD)
                .map(|i| (i % PATTERN_PERIOD) as u8)
                .collect(),
        )
    }
}

impl Pattern {
    /// The `len` pattern bytes starting at stream offset `offset` (`len` is capped at
    /// [`CHUNK`]).
    pub fn at(&self, offset: u64, len: usize) -> &[u8] {
        let start = (offset % PATTERN_PERIOD as u64) as usize;
        self.0
            .get(start..start + len.min(CHUNK))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_budget_hands_out_exactly_n() {
        let b = Budget::count(3);
        assert!(b.take() && b.take() && b.take());
        assert!(!b.take());
        assert!(b.exhausted());
    }

    #[test]
    fn aborted_budget_is_stopped_too() {
        let b = Budget::count(10);
        assert!(!b.aborted());
        b.abort();
        assert!(b.aborted() && b.exhausted() && !b.take());
    }

    #[test]
    fn stopped_budget_hands_out_nothing() {
        let b = Budget::duration(Duration::from_secs(60));
        assert!(b.take());
        b.stop();
        assert!(!b.take());
    }

    #[test]
    fn start_gate_runs_the_baseline_before_releasing_workers() {
        let gate = StartGate::new(2);
        let passed = AtomicU64::new(0);
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    gate.pass();
                    passed.fetch_add(1, Ordering::SeqCst);
                });
            }
            let seen = gate.open(|| passed.load(Ordering::SeqCst));
            assert_eq!(seen, 0);
        });
        assert_eq!(passed.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_released_gate_lets_workers_through_without_the_rest() {
        let gate = StartGate::new(3);
        gate.release();
        gate.pass();
        assert_eq!(gate.open(|| 7), 7);
    }

    #[test]
    fn io_chunk_shrinks_with_many_connections() {
        assert_eq!(io_chunk(1), RX_BUFFER);
        assert_eq!(io_chunk(10_000), 2 * CHUNK);
        assert!(io_chunk(FEW_CONNECTIONS + 1) <= RX_BUFFER);
    }

    #[test]
    fn pattern_is_continuous_across_offsets() {
        let p = Pattern::default();
        let whole: Vec<u8> = p.at(0, 600).to_vec();
        assert_eq!(p.at(250, 10), &whole[250..260]);
        assert_eq!(p.at(251 * 1000 + 3, 5), &whole[3..8]);
        assert_eq!(p.at(7, CHUNK).len(), CHUNK);
    }
}
