//! One non-blocking TCP socket under an edge-triggered poller: remembers readiness between
//! events and moves bytes between the socket and a [`Session`].

use std::io::{self, Read, Write};

use mio::net::TcpStream;

use crate::session::{Session, SessionError};
use crate::trace::Tracer;

/// Why a connection failed: a stable kind for the tally and a detail for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// e.g. `io/ConnectionReset`, `tls/alert:decode_error`, `timeout/handshake`.
    pub kind: String,
    /// Full description.
    pub message: String,
}

impl Failure {
    /// A failure of `kind`.
    pub fn new(kind: impl Into<String>, message: impl Into<String>) -> Self {
        Failure {
            kind: kind.into(),
            message: message.into(),
        }
    }

    /// A socket error, classified by its errno name (`ECONNRESET`, `EMFILE`, ...), or its
    /// `io::ErrorKind` when it did not come from the OS.
    pub fn io(prefix: &str, e: &io::Error) -> Self {
        Failure::new(format!("{prefix}/{}", error_name(e)), e.to_string())
    }

    /// A TLS error from the session.
    pub fn tls(e: &SessionError) -> Self {
        Failure::new(format!("tls/{}", e.kind), e.message.clone())
    }
}

/// A short stable name for an I/O error: the errno name when there is one.
pub fn error_name(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => format!("{:?}", nix::errno::Errno::from_raw(code)),
        None => format!("{:?}", e.kind()),
    }
}

/// A socket and its readiness. mio is edge-triggered: a flag stays set until an operation
/// shows the socket has nothing more to give (or take) right now.
///
/// Syscalls are saved the way nginx's event loop saves them, without losing an event:
/// - A read that fills less than the buffer it was given drained the socket (Linux TCP
///   `recvmsg` copies everything queued, up to the length asked for), so the next read
///   would only return `EAGAIN`; `read_ready` is cleared instead of making that call. Every
///   segment queued afterwards wakes the socket's wait queue and makes epoll report the
///   socket again (edge-triggered epoll re-arms on each wake-up, not only on an
///   empty-to-non-empty change), so no data is stranded. The exception is the peer's FIN or
///   a socket error that the poller has already reported (`read_closed`): no further edge
///   comes for it, so reads go on until one returns 0 (EOF) or the error.
/// - Likewise a write that takes less than it was offered filled the send buffer; the
///   kernel signals writability again once acknowledgements free space.
#[derive(Debug)]
pub struct Transport {
    /// The socket.
    pub stream: TcpStream,
    /// The socket may have bytes to read (or an EOF/error to report).
    pub read_ready: bool,
    /// The socket may accept bytes.
    pub write_ready: bool,
    /// The poller reported the peer's FIN or a socket error: read until it shows.
    read_closed: bool,
    /// The peer closed its sending side (read returned 0).
    pub eof: bool,
    /// Whether any byte was written yet: a client's first write doubles as the check that
    /// its non-blocking connect succeeded (its error is the connect error).
    pub wrote_any: bool,
    /// Bytes seen, when this connection is traced (client side only).
    pub tracer: Option<Tracer>,
}

/// Copies what passes through into the tracer, and notes a short write.
struct Tap<'a> {
    stream: &'a mut TcpStream,
    tracer: Option<&'a mut Tracer>,
    short_write: bool,
}

impl Write for Tap<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.stream.write(buf)?;
        if n < buf.len() {
            self.short_write = true;
        }
        if let Some(t) = self.tracer.as_deref_mut() {
            t.bytes(true, buf.get(..n).unwrap_or_default());
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Transport {
    /// A socket whose readiness is not known yet (`ready`: assume both directions ready;
    /// otherwise the first poller event says, which epoll delivers at registration for
    /// a socket that is already readable or writable).
    pub fn new(stream: TcpStream, ready: bool) -> Self {
        Transport {
            stream,
            read_ready: ready,
            write_ready: ready,
            read_closed: false,
            eof: false,
            wrote_any: false,
            tracer: None,
        }
    }

    /// Applies a poller event.
    pub fn on_event(&mut self, event: &mio::event::Event) {
        if event.is_read_closed() || event.is_error() {
            self.read_closed = true;
        }
        if event.is_readable() || event.is_read_closed() || event.is_error() {
            self.read_ready = true;
        }
        if event.is_writable() || event.is_write_closed() || event.is_error() {
            self.write_ready = true;
        }
    }

    /// Writes the session's pending TLS bytes while the socket takes them. Returns whether
    /// any byte moved.
    pub fn flush(&mut self, session: &mut dyn Session) -> Result<bool, Failure> {
        let mut moved = false;
        while self.write_ready && session.wants_write() {
            let mut tap = Tap {
                stream: &mut self.stream,
                tracer: self.tracer.as_mut(),
                short_write: false,
            };
            match session.write_tls(&mut tap) {
                Ok(0) => return Err(Failure::new("io/WriteZero", "socket accepted no bytes")),
                Ok(_) => {
                    moved = true;
                    self.wrote_any = true;
                    // The send buffer is full: the next write would say EAGAIN.
                    if tap.short_write {
                        self.write_ready = false;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.write_ready = false,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let prefix = if self.wrote_any { "io" } else { "connect" };
                    return Err(Failure::io(prefix, &e));
                }
            }
        }
        Ok(moved)
    }

    /// Reads once from the socket into `rx` (the worker's receive buffer, shared by all its
    /// connections), hands the bytes to the session and processes the records. Returns
    /// whether anything happened (bytes or EOF).
    pub fn receive(&mut self, session: &mut dyn Session, rx: &mut [u8]) -> Result<bool, Failure> {
        if !self.read_ready || self.eof {
            return Ok(false);
        }
        let n = match self.stream.read(rx) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.read_ready = false;
                return Ok(false);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(true),
            Err(e) => {
                let prefix = if self.wrote_any { "io" } else { "connect" };
                return Err(Failure::io(prefix, &e));
            }
        };
        let received = rx.get(..n).unwrap_or_default();
        if let Some(t) = self.tracer.as_mut() {
            t.bytes(false, received);
        }
        if n == 0 {
            self.eof = true;
            // Tell the session too (an empty reader reads as end of file).
            let _ = session.read_tls(&mut io::empty());
            return Ok(true);
        }
        if n < rx.len() && !self.read_closed {
            // Drained: see the type's documentation.
            self.read_ready = false;
        }
        let mut input = received;
        while !input.is_empty() {
            match session.read_tls(&mut input) {
                // The session reads no more (it has the peer's close_notify): the rest is
                // ignored, as a TLS stack ignores bytes after close_notify.
                Ok(0) => break,
                Ok(_) => session
                    .process_new_packets()
                    .map_err(|e| Failure::tls(&e))?,
                Err(e) => return Err(Failure::io("tls/read_tls", &e)),
            }
        }
        Ok(true)
    }

    /// After a TLS error: sends whatever alert the session queued, ignoring socket errors.
    pub fn flush_alert(&mut self, session: &mut dyn Session) {
        let _ = self.flush(session);
    }
}
