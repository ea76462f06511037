//! A blocking tlskit client for the interop suites: connects to a peer as `localhost`
//! with every socket operation bounded by [`STEP_TIMEOUT`], records the handshake trace,
//! sends, reads until a marker or the peer's close, and reports what was negotiated.

use super::{TraceLog, STEP_TIMEOUT};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use tlskit_crypto::{NamedGroup, SignatureScheme};
use tlskit_handshake::suites::{CipherSuite, ProtocolVersion};
use tlskit_handshake::{ClientConfig, ClientConnection, Stream};

/// `GET /` as the HTTP peers take it.
pub const GET: &[u8] = b"GET / HTTP/1.0\r\n\r\n";

/// The trace line of a HelloRetryRequest received by a tlskit client.
pub const HRR_RECEIVED: &str = "Server → Client: HelloRetryRequest";

/// Whether a client records its handshake trace, and whether its errors show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trace {
    /// No trace sink.
    Off,
    /// The trace is recorded (for [`Outcome::trace`]); errors are one line.
    Record,
    /// The trace is recorded and appended to handshake errors (and, in
    /// [`tlskit_request`], read errors).
    Report,
}

/// A connected tlskit client (handshake done).
pub struct TlskitClient {
    pub stream: Stream<ClientConnection, TcpStream>,
    trace: TraceLog,
    mode: Trace,
    /// Bytes read past the last [`TlskitClient::read_until`] marker.
    received: Vec<u8>,
}

/// What a tlskit client connection negotiated and received.
#[derive(Debug)]
pub struct Outcome {
    pub version: Option<ProtocolVersion>,
    pub suite: Option<CipherSuite>,
    pub group: Option<NamedGroup>,
    pub resumed: bool,
    pub extended_master_secret: bool,
    pub scheme: Option<SignatureScheme>,
    pub alpn: Option<Vec<u8>>,
    /// Everything the server sent, until its close.
    pub response: Vec<u8>,
    /// The handshake trace (empty with [`Trace::Off`]).
    pub trace: Vec<String>,
}

impl Outcome {
    /// How many trace lines contain `needle`.
    pub fn traced(&self, needle: &str) -> usize {
        super::tlskit_server::count_lines(&self.trace, needle)
    }

    /// Whether this connection to a server limited to `group` took a HelloRetryRequest;
    /// an error unless that is what [`hrr_expected`](super::suites::hrr_expected) says.
    pub fn checked_hrr(&self, v: ProtocolVersion, group: NamedGroup) -> Result<bool, String> {
        let hrr = self.traced(HRR_RECEIVED) > 0;
        let want_hrr = super::suites::hrr_expected(v, group);
        if hrr != want_hrr {
            return Err(format!("HelloRetryRequest = {hrr}, expected {want_hrr}"));
        }
        Ok(hrr)
    }

    pub fn version_name(&self) -> Option<&'static str> {
        self.version.map(|v| v.name())
    }

    pub fn suite_name(&self) -> Option<&'static str> {
        self.suite.map(|s| s.name)
    }

    pub fn group_name(&self) -> Option<&'static str> {
        self.group.map(|g| g.name())
    }

    /// `version suite group scheme`, `?`/`-` for what is missing.
    pub fn summary(&self) -> String {
        format!(
            "{} {} {} {}",
            self.version_name().unwrap_or("?"),
            self.suite_name().unwrap_or("?"),
            self.group_name().unwrap_or("?"),
            self.scheme.map_or("-", |s| s.name())
        )
    }
}

impl TlskitClient {
    /// Connects to `addr` as `localhost` and completes the handshake, recording the trace.
    pub fn connect(config: &Arc<ClientConfig>, addr: SocketAddr) -> Result<Self, String> {
        Self::connect_with(config, addr, Trace::Record)
    }

    /// As [`TlskitClient::connect`], with the given trace `mode`.
    pub fn connect_with(
        config: &Arc<ClientConfig>,
        addr: SocketAddr,
        mode: Trace,
    ) -> Result<Self, String> {
        let trace = TraceLog::default();
        let sink = (mode != Trace::Off).then(|| trace.sink());
        let sock =
            TcpStream::connect_timeout(&addr, STEP_TIMEOUT).map_err(|e| format!("connect: {e}"))?;
        sock.set_read_timeout(Some(STEP_TIMEOUT))
            .and_then(|()| sock.set_write_timeout(Some(STEP_TIMEOUT)))
            .map_err(|e| e.to_string())?;
        let conn = ClientConnection::with_trace(config.clone(), "localhost", sink)
            .map_err(|e| format!("ClientConnection::new: {e}"))?;
        let mut client = TlskitClient {
            stream: Stream::new(conn, sock),
            trace,
            mode,
            received: Vec::new(),
        };
        client
            .stream
            .handshake()
            .map_err(|e| client.error(format!("handshake: {e}")))?;
        Ok(client)
    }

    /// `message`, followed by the trace in [`Trace::Report`] mode.
    pub fn error(&self, message: String) -> String {
        match self.mode {
            Trace::Report => format!("{message}\n{}", self.trace_text()),
            _ => message,
        }
    }

    /// The trace so far.
    pub fn trace(&self) -> Vec<String> {
        self.trace.lines()
    }

    pub fn trace_text(&self) -> String {
        self.trace.text()
    }

    /// How many trace lines so far contain `needle`.
    pub fn traced(&self, needle: &str) -> usize {
        self.trace.count(needle)
    }

    /// Writes `data` and flushes it.
    pub fn send(&mut self, data: &[u8]) -> Result<(), String> {
        self.stream
            .write_all(data)
            .and_then(|()| self.stream.flush())
            .map_err(|e| format!("write: {e}"))
    }

    /// Reads until `needle` has arrived (after what earlier calls consumed).
    pub fn read_until(&mut self, needle: &[u8]) -> Result<(), String> {
        let mut buf = [0u8; 16 * 1024];
        loop {
            if let Some(i) = self
                .received
                .windows(needle.len())
                .position(|w| w == needle)
            {
                self.received.drain(..i + needle.len());
                return Ok(());
            }
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    return Err(format!(
                        "connection ended before {:?}",
                        String::from_utf8_lossy(needle)
                    ))
                }
                Ok(n) => self
                    .received
                    .extend_from_slice(buf.get(..n).unwrap_or_default()),
                Err(e) => {
                    return Err(format!(
                        "read while waiting for {:?}: {e}",
                        String::from_utf8_lossy(needle)
                    ))
                }
            }
        }
    }

    /// Reads everything up to the end of the stream (close_notify or not), without
    /// closing.
    pub fn read_to_eof(&mut self) -> Result<Vec<u8>, String> {
        let mut response = std::mem::take(&mut self.received);
        self.stream
            .read_to_end(&mut response)
            .map_err(|e| format!("read (after {} bytes): {e}", response.len()))?;
        Ok(response)
    }

    /// Reads everything up to the server's close_notify (an error without one) and
    /// answers it with ours.
    pub fn read_to_close(&mut self) -> Result<Vec<u8>, String> {
        let response = self.read_to_eof()?;
        if !self.stream.conn.peer_has_closed() {
            return Err("the response did not end with close_notify".into());
        }
        let _ = self.stream.close();
        Ok(response)
    }

    /// Sends close_notify (errors ignored: the peer may be gone).
    pub fn close(&mut self) {
        let _ = self.stream.close();
    }

    /// What was negotiated, with `response` and the trace so far.
    pub fn outcome(&self, response: Vec<u8>) -> Outcome {
        let n = self.stream.conn.negotiated();
        Outcome {
            version: n.version,
            suite: n.suite,
            group: n.group,
            resumed: n.resumed,
            extended_master_secret: n.extended_master_secret,
            scheme: n.signature_scheme,
            alpn: n.alpn.clone(),
            response,
            trace: self.trace(),
        }
    }
}

/// Connects to `addr` as `localhost`, sends `request`, reads until the server's
/// close_notify (which is answered). In [`Trace::Report`] mode a failed read shows the
/// trace.
pub fn tlskit_request(
    config: &Arc<ClientConfig>,
    addr: SocketAddr,
    request: &[u8],
    mode: Trace,
) -> Result<Outcome, String> {
    let mut c = TlskitClient::connect_with(config, addr, mode)?;
    c.send(request)?;
    let response = c.read_to_close().map_err(|e| c.error(e))?;
    Ok(c.outcome(response))
}
