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
/// returns `WouldBlock`.
#[derive(Debug)]
pub struct Transport {
    /// The socket.
    pub stream: TcpStream,
    /// The socket may have bytes to read (or an EOF/error to report).
    pub read_ready: bool,
    /// The socket may accept bytes.
    pub write_ready: bool,
    /// The peer closed its sending side (read returned 0).
    pub eof: bool,
    /// Bytes seen, when this connection is traced (client side only).
    pub tracer: Option<Tracer>,
}

/// Copies what passes through into the tracer.
struct Tap<'a> {
    stream: &'a mut TcpStream,
    tracer: Option<&'a mut Tracer>,
}

impl Read for Tap<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.stream.read(buf)?;
        if let Some(t) = self.tracer.as_deref_mut() {
            t.bytes(false, buf.get(..n).unwrap_or_default());
        }
        Ok(n)
    }
}

impl Write for Tap<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.stream.write(buf)?;
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
    /// A socket whose readiness is not known yet (`ready`: assume both directions ready,
    /// right for freshly accepted sockets; a connecting socket waits for its first event).
    pub fn new(stream: TcpStream, ready: bool) -> Self {
        Transport {
            stream,
            read_ready: ready,
            write_ready: ready,
            eof: false,
            tracer: None,
        }
    }

    /// Applies a poller event.
    pub fn on_event(&mut self, event: &mio::event::Event) {
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
            };
            match session.write_tls(&mut tap) {
                Ok(0) => return Err(Failure::new("io/WriteZero", "socket accepted no bytes")),
                Ok(_) => moved = true,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.write_ready = false,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Failure::io("io", &e)),
            }
        }
        Ok(moved)
    }

    /// Reads once from the socket into the session and processes the records. Returns
    /// whether anything happened (bytes or EOF).
    pub fn receive(&mut self, session: &mut dyn Session) -> Result<bool, Failure> {
        if !self.read_ready || self.eof {
            return Ok(false);
        }
        let mut tap = Tap {
            stream: &mut self.stream,
            tracer: self.tracer.as_mut(),
        };
        match session.read_tls(&mut tap) {
            Ok(0) => {
                self.eof = true;
                Ok(true)
            }
            Ok(_) => {
                session
                    .process_new_packets()
                    .map_err(|e| Failure::tls(&e))?;
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.read_ready = false;
                Ok(false)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(true),
            Err(e) => Err(Failure::io("io", &e)),
        }
    }

    /// After a TLS error: sends whatever alert the session queued, ignoring socket errors.
    pub fn flush_alert(&mut self, session: &mut dyn Session) {
        let _ = self.flush(session);
    }
}
