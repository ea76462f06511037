//! The seam between the load engine and a TLS implementation.
//!
//! The engine drives any sans-I/O connection that implements [`Session`] (the operations of
//! rustls' `ClientConnection`/`ServerConnection`, which tlskit-handshake mirrors), created by a
//! [`SessionFactory`]. [`build_factory`] turns the command-line TLS options into a factory;
//! every option reaches the factory, which accepts it or refuses it with a clear error.
//!
//! This module also holds [`NullFactory`]: a pass-through "TLS" with a fixed hello exchange and
//! a 3-byte record framing, no cryptography. It exists to test the engine (event loops,
//! partial reads, flow control, accounting) over real loopback TCP; its figures say nothing
//! about TLS.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// One TLS connection, client or server side, driven by the engine without owning a socket.
///
/// Semantics the engine relies on (rustls' contract):
/// - [`read_tls`](Session::read_tls) moves bytes from the socket into the connection;
///   `Ok(0)` means the socket reached end of file.
/// - [`process_new_packets`](Session::process_new_packets) parses what was read; it may queue
///   bytes to send and plaintext to read. On `Err` the connection has queued the alert it
///   wants to send, if any: the engine still calls `write_tls` once, then closes.
/// - [`read_plaintext`](Session::read_plaintext) returns `Ok(n > 0)` for received application
///   data, `Ok(0)` once the peer's `close_notify` has been processed (clean end of stream),
///   and `Err(WouldBlock)` when no plaintext is available right now.
/// - [`write_plaintext`](Session::write_plaintext) queues application data and returns how
///   much it accepted (the engine only calls it once the handshake is done and the previous
///   output has been flushed, so an implementation may accept everything).
pub trait Session: Send {
    /// Reads TLS bytes from `rd` into the connection; `Ok(0)` at end of file.
    fn read_tls(&mut self, rd: &mut dyn io::Read) -> io::Result<usize>;
    /// Processes the bytes read so far.
    fn process_new_packets(&mut self) -> Result<(), SessionError>;
    /// Writes pending TLS bytes to `wr`.
    fn write_tls(&mut self, wr: &mut dyn io::Write) -> io::Result<usize>;
    /// Whether the connection wants more bytes from the peer.
    fn wants_read(&self) -> bool;
    /// Whether the connection has bytes to send.
    fn wants_write(&self) -> bool;
    /// Whether the handshake is still in progress.
    fn is_handshaking(&self) -> bool;
    /// Reads received application data (see the trait documentation for `Ok(0)`).
    fn read_plaintext(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// Queues application data to send; returns the number of bytes accepted.
    fn write_plaintext(&mut self, data: &[u8]) -> io::Result<usize>;
    /// Queues a `close_notify` alert.
    fn send_close_notify(&mut self);
    /// What the handshake negotiated, for `--trace` and the JSON (e.g. `TLSv1.3
    /// TLS_AES_128_GCM_SHA256 x25519`). Empty when unknown.
    fn describe(&self) -> String {
        String::new()
    }
    /// Whether the completed handshake resumed a session; `None` when unknown.
    fn resumed(&self) -> Option<bool> {
        None
    }
}

/// Creates sessions. One factory serves every worker thread of a run, so a resumption cache
/// kept in it is shared across connections the way a real client shares its config.
pub trait SessionFactory: Send + Sync {
    /// A short name for reports, e.g. `null` or `tlskit/ring`.
    fn name(&self) -> String;
    /// A new client connection to `server_name`.
    fn new_client(&self, server_name: &str) -> Result<Box<dyn Session>, SessionError>;
    /// A new server connection.
    fn new_server(&self) -> Result<Box<dyn Session>, SessionError>;
    /// A client connection that prints its own handshake flow (for `--trace`); by default
    /// the same as [`SessionFactory::new_client`].
    fn new_client_traced(&self, server_name: &str) -> Result<Box<dyn Session>, SessionError> {
        self.new_client(server_name)
    }
}

impl fmt::Debug for dyn SessionFactory + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionFactory({})", self.name())
    }
}

/// A session failure: `kind` is a short stable label used to count errors by kind (e.g.
/// `alert:handshake_failure`, `decode_error`); `message` is the full description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionError {
    /// Stable label for the error tally.
    pub kind: String,
    /// Human-readable detail (for one-line logs).
    pub message: String,
}

impl SessionError {
    /// Builds an error from a kind label and a message.
    pub fn new(kind: impl Into<String>, message: impl Into<String>) -> Self {
        SessionError {
            kind: kind.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for SessionError {}

/// Protocol version requested with `--tls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum TlsVersion {
    /// TLS 1.2 (RFC 5246).
    #[value(name = "1.2")]
    #[serde(rename = "1.2")]
    Tls12,
    /// TLS 1.3 (RFC 8446).
    #[value(name = "1.3")]
    #[serde(rename = "1.3")]
    Tls13,
}

/// Server certificate type requested with `--cert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum CertKind {
    /// ECDSA on P-256 with SHA-256.
    EcdsaP256,
    /// ECDSA on P-384 with SHA-384.
    EcdsaP384,
    /// RSA 2048-bit key (PKCS#1 v1.5 / PSS signatures).
    #[value(name = "rsa-2048")]
    #[serde(rename = "rsa-2048")]
    Rsa2048,
    /// Ed25519.
    Ed25519,
}

/// Session resumption requested with `--resume`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ResumeMode {
    /// Every connection is a full handshake.
    None,
    /// Session IDs (TLS 1.2, RFC 5246 §7.4.1.2).
    Id,
    /// Session tickets (RFC 5077 for TLS 1.2, PSK tickets for TLS 1.3, RFC 8446 §4.6.1).
    Ticket,
}

/// Which sides of the connection this process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sides {
    /// Client and in-process server (the default load).
    Both,
    /// Client only (`--connect`).
    ClientOnly,
    /// Server only (`tlsbench serve`).
    ServerOnly,
}

/// Every TLS option from the command line. `None` means "not given": the factory's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsOptions {
    /// `--tls`.
    pub version: Option<TlsVersion>,
    /// `--suite` (IANA or OpenSSL-style name; the factory parses it).
    pub suite: Option<String>,
    /// `--group`.
    pub group: Option<String>,
    /// `--cert` (in-process server: the type of the generated certificate).
    pub cert_kind: Option<CertKind>,
    /// `--resume`.
    pub resume: Option<ResumeMode>,
    /// `--client-auth`: the client presents a certificate, the server requires one.
    pub client_auth: bool,
    /// `--ca` (client trust anchors, PEM).
    pub ca_file: Option<PathBuf>,
    /// `--client-cert` (client chain for `--connect --client-auth`, PEM).
    #[serde(default)]
    pub client_cert_file: Option<PathBuf>,
    /// `--client-key` (client private key for `--connect --client-auth`, PEM).
    #[serde(default)]
    pub client_key_file: Option<PathBuf>,
    /// `serve --cert` (server chain, PEM).
    pub cert_chain_file: Option<PathBuf>,
    /// `serve --key` (server private key, PEM).
    pub key_file: Option<PathBuf>,
    /// `serve --client-ca` (trust anchors for client certificates, PEM).
    pub client_ca_file: Option<PathBuf>,
    /// `serve --alpn` protocols, in preference order.
    pub alpn: Vec<String>,
    /// `SSLKEYLOGFILE` from the environment, if set.
    pub keylog_file: Option<PathBuf>,
    /// Client: remember verified certificate chains (on unless `--no-verify-cache`): a
    /// reconnect to the same server skips the chain's signature checks; the server's
    /// handshake signature is still verified every time.
    #[serde(default)]
    pub verify_cache: bool,
    /// `serve --ocsp`: a DER OCSP response to staple.
    #[serde(default)]
    pub ocsp_file: Option<PathBuf>,
}

impl TlsOptions {
    /// The command-line names of the options that were given, for error messages.
    pub fn given(&self) -> Vec<&'static str> {
        let mut given = Vec::new();
        let flags: [(&'static str, bool); 12] = [
            ("--tls", self.version.is_some()),
            ("--suite", self.suite.is_some()),
            ("--group", self.group.is_some()),
            (
                "--cert",
                self.cert_kind.is_some() || self.cert_chain_file.is_some(),
            ),
            ("--key", self.key_file.is_some()),
            (
                "--resume",
                !matches!(self.resume, None | Some(ResumeMode::None)),
            ),
            ("--client-auth", self.client_auth),
            ("--ca", self.ca_file.is_some()),
            ("--client-cert", self.client_cert_file.is_some()),
            ("--client-key", self.client_key_file.is_some()),
            ("--client-ca", self.client_ca_file.is_some()),
            ("--alpn", !self.alpn.is_empty()),
        ];
        for (name, on) in flags {
            if on {
                given.push(name);
            }
        }
        given
    }
}

/// Name of the engine self-test backend.
pub const NULL_BACKEND: &str = "null";

/// Builds the session factory for `backend` (`null` or a crypto provider name) and `opts`.
pub fn build_factory(
    backend: &str,
    opts: &TlsOptions,
    sides: Sides,
) -> Result<Arc<dyn SessionFactory>, String> {
    if backend == NULL_BACKEND {
        return NullFactory::new(opts).map(|f| Arc::new(f) as Arc<dyn SessionFactory>);
    }
    let provider = tlskit_providers::by_name(backend).ok_or_else(|| {
        format!(
            "unknown backend {backend:?}; compiled-in backends: {}, or {NULL_BACKEND} (engine self-test)",
            tlskit_providers::NAMES.join(", ")
        )
    })?;
    tlskit_factory(provider, opts, sides)
}

/// The factory for tlskit's own connections over `provider` (see [`crate::tlskit`]).
fn tlskit_factory(
    provider: &'static dyn tlskit_crypto::CryptoProvider,
    opts: &TlsOptions,
    sides: Sides,
) -> Result<Arc<dyn SessionFactory>, String> {
    crate::tlskit::TlskitFactory::new(provider, opts, sides)
        .map(|f| Arc::new(f) as Arc<dyn SessionFactory>)
}

/// Implements [`Session`] for a connection type with rustls' inherent API (`read_tls`,
/// `process_new_packets`, `write_tls`, `wants_read`, `wants_write`, `is_handshaking`,
/// `reader()`, `writer()`, `send_close_notify`), such as tlskit-handshake's
/// `ClientConnection` and `ServerConnection`, by forwarding each call.
///
/// `kind` maps the connection's error to the short label errors are counted by (for a TLS
/// error: the alert, e.g. `alert:decode_error`); the optional `describe` and `resumed`
/// closures fill in [`Session::describe`] and [`Session::resumed`].
///
/// ```text
/// tlsbench::impl_session!(tlskit_handshake::ClientConnection, kind = |e: &tlskit_handshake::Error| e.to_string());
/// ```
#[macro_export]
macro_rules! impl_session {
    ($ty:ty, kind = $kind:expr $(, describe = $describe:expr)? $(, resumed = $resumed:expr)? $(,)?) => {
        impl $crate::session::Session for $ty {
            fn read_tls(&mut self, rd: &mut dyn ::std::io::Read) -> ::std::io::Result<usize> {
                <$ty>::read_tls(self, rd)
            }
            fn process_new_packets(&mut self) -> ::std::result::Result<(), $crate::session::SessionError> {
                match <$ty>::process_new_packets(self) {
                    Ok(_) => Ok(()),
                    Err(e) => Err($crate::session::SessionError::new(($kind)(&e), e.to_string())),
                }
            }
            fn write_tls(&mut self, wr: &mut dyn ::std::io::Write) -> ::std::io::Result<usize> {
                <$ty>::write_tls(self, wr)
            }
            fn wants_read(&self) -> bool {
                <$ty>::wants_read(self)
            }
            fn wants_write(&self) -> bool {
                <$ty>::wants_write(self)
            }
            fn is_handshaking(&self) -> bool {
                <$ty>::is_handshaking(self)
            }
            fn read_plaintext(&mut self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                ::std::io::Read::read(&mut <$ty>::reader(self), buf)
            }
            fn write_plaintext(&mut self, data: &[u8]) -> ::std::io::Result<usize> {
                ::std::io::Write::write(&mut <$ty>::writer(self), data)
            }
            fn send_close_notify(&mut self) {
                <$ty>::send_close_notify(self)
            }
            $(fn describe(&self) -> String {
                ($describe)(self)
            })?
            $(fn resumed(&self) -> Option<bool> {
                ($resumed)(self)
            })?
        }
    };
}

// ---------------------------------------------------------------------------------------
// The null session.
// ---------------------------------------------------------------------------------------

/// Largest null record payload, the same as a TLS plaintext record (RFC 8446 §5.1).
const NULL_MAX_PAYLOAD: usize = 16384;
/// Null record header: type (1 byte) and payload length (2 bytes, big endian).
const NULL_HEADER_LEN: usize = 3;
/// Receive buffer: one maximal record, like a TLS deframer's. Allocated (and zeroed) once
/// per connection, at its first read; records are parsed in place.
const NULL_READ_BUFFER: usize = NULL_MAX_PAYLOAD + NULL_HEADER_LEN;
/// The fixed hello each side sends.
const NULL_CLIENT_HELLO: &[u8] = b"tlsbench-null client hello";
const NULL_SERVER_HELLO: &[u8] = b"tlsbench-null server hello";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NullRecord {
    ClientHello = 1,
    ServerHello = 2,
    Data = 3,
    CloseNotify = 4,
}

impl NullRecord {
    fn from_byte(b: u8) -> Option<Self> {
        match b {
            1 => Some(NullRecord::ClientHello),
            2 => Some(NullRecord::ServerHello),
            3 => Some(NullRecord::Data),
            4 => Some(NullRecord::CloseNotify),
            _ => None,
        }
    }
}

/// Factory of [`NullSession`]s. Refuses every TLS option: the null session has no TLS.
#[derive(Debug, Default)]
pub struct NullFactory;

impl NullFactory {
    /// Accepts `opts` only if no TLS feature was asked for.
    pub fn new(opts: &TlsOptions) -> Result<Self, String> {
        let given = opts.given();
        if given.is_empty() {
            Ok(NullFactory)
        } else {
            Err(format!(
                "the {NULL_BACKEND} backend (the engine without TLS) cannot honour {}",
                given.join(", ")
            ))
        }
    }
}

impl SessionFactory for NullFactory {
    fn name(&self) -> String {
        NULL_BACKEND.to_string()
    }
    fn new_client(&self, _server_name: &str) -> Result<Box<dyn Session>, SessionError> {
        Ok(Box::new(NullSession::client()))
    }
    fn new_server(&self) -> Result<Box<dyn Session>, SessionError> {
        Ok(Box::new(NullSession::server()))
    }
}

/// A pass-through "TLS" connection: each side sends a fixed hello record, then application
/// data travels in length-prefixed records, and a close record plays `close_notify`.
#[derive(Debug)]
pub struct NullSession {
    is_client: bool,
    handshaking: bool,
    /// Receive buffer; `incoming[in_start..in_end]` is received and not yet parsed.
    incoming: Vec<u8>,
    in_start: usize,
    in_end: usize,
    outgoing: Vec<u8>,
    /// Offset of the first unsent byte of `outgoing`.
    outgoing_sent: usize,
    plaintext: Vec<u8>,
    plaintext_read: usize,
    peer_closed: bool,
    closed: bool,
}

impl NullSession {
    /// A client that has queued its hello.
    pub fn client() -> Self {
        let mut s = Self::empty(true);
        s.queue_record(NullRecord::ClientHello, NULL_CLIENT_HELLO);
        s
    }

    /// A server waiting for the client's hello.
    pub fn server() -> Self {
        Self::empty(false)
    }

    fn empty(is_client: bool) -> Self {
        NullSession {
            is_client,
            handshaking: true,
            incoming: Vec::new(),
            in_start: 0,
            in_end: 0,
            outgoing: Vec::new(),
            outgoing_sent: 0,
            plaintext: Vec::new(),
            plaintext_read: 0,
            peer_closed: false,
            closed: false,
        }
    }

    fn queue_record(&mut self, kind: NullRecord, payload: &[u8]) {
        debug_assert!(payload.len() <= NULL_MAX_PAYLOAD);
        let len = payload.len().min(NULL_MAX_PAYLOAD);
        self.outgoing.push(kind as u8);
        self.outgoing.extend_from_slice(&(len as u16).to_be_bytes());
        self.outgoing
            .extend_from_slice(payload.get(..len).unwrap_or_default());
    }

    /// Handles the record whose payload is `incoming[payload]`.
    fn handle_record(
        &mut self,
        kind: NullRecord,
        payload: std::ops::Range<usize>,
    ) -> Result<(), SessionError> {
        let payload = self.incoming.get(payload).unwrap_or_default();
        match (kind, self.is_client, self.handshaking) {
            (NullRecord::ClientHello, false, true) if payload == NULL_CLIENT_HELLO => {
                self.queue_record(NullRecord::ServerHello, NULL_SERVER_HELLO);
                self.handshaking = false;
            }
            (NullRecord::ServerHello, true, true) if payload == NULL_SERVER_HELLO => {
                self.handshaking = false;
            }
            (NullRecord::ClientHello | NullRecord::ServerHello, _, true) => {
                return Err(SessionError::new(
                    "null:bad_hello",
                    "unexpected hello contents",
                ));
            }
            (NullRecord::Data, _, false) if !self.peer_closed => {
                // Keep unread plaintext compact before appending.
                if self.plaintext_read == self.plaintext.len() {
                    self.plaintext.clear();
                    self.plaintext_read = 0;
                }
                self.plaintext.extend_from_slice(payload);
            }
            (NullRecord::CloseNotify, _, _) if payload.is_empty() => self.peer_closed = true,
            (kind, _, handshaking) => {
                return Err(SessionError::new(
                    "null:unexpected_message",
                    format!(
                        "{kind:?} record while {}",
                        if handshaking {
                            "handshaking"
                        } else {
                            "connected"
                        }
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Session for NullSession {
    fn read_tls(&mut self, rd: &mut dyn io::Read) -> io::Result<usize> {
        if self.in_start > 0 {
            self.incoming.copy_within(self.in_start..self.in_end, 0);
            self.in_end -= self.in_start;
            self.in_start = 0;
        }
        if self.incoming.len() < NULL_READ_BUFFER {
            self.incoming.resize(NULL_READ_BUFFER, 0);
        }
        let spare = self.incoming.get_mut(self.in_end..).unwrap_or_default();
        if spare.is_empty() {
            return Err(io::Error::other(
                "null session: receive buffer full: call process_new_packets",
            ));
        }
        let n = rd.read(spare)?;
        self.in_end = (self.in_end + n).min(self.incoming.len());
        Ok(n)
    }

    fn process_new_packets(&mut self) -> Result<(), SessionError> {
        loop {
            let rest = self
                .incoming
                .get(self.in_start..self.in_end)
                .unwrap_or_default();
            let Some((header, body)) = rest.split_at_checked(NULL_HEADER_LEN) else {
                break;
            };
            let &[kind, hi, lo] = header else { break };
            let len = usize::from(u16::from_be_bytes([hi, lo]));
            if len > NULL_MAX_PAYLOAD {
                return Err(SessionError::new(
                    "null:record_overflow",
                    format!("{len}-byte record"),
                ));
            }
            if body.len() < len {
                break;
            }
            let kind = NullRecord::from_byte(kind).ok_or_else(|| {
                SessionError::new("null:decode_error", format!("record type {kind}"))
            })?;
            let payload = self.in_start + NULL_HEADER_LEN..self.in_start + NULL_HEADER_LEN + len;
            self.in_start = payload.end;
            self.handle_record(kind, payload)?;
        }
        if self.in_start == self.in_end {
            self.in_start = 0;
            self.in_end = 0;
        }
        Ok(())
    }

    fn write_tls(&mut self, wr: &mut dyn io::Write) -> io::Result<usize> {
        let pending = self.outgoing.get(self.outgoing_sent..).unwrap_or_default();
        if pending.is_empty() {
            return Ok(0);
        }
        let n = wr.write(pending)?;
        self.outgoing_sent += n;
        if self.outgoing_sent == self.outgoing.len() {
            self.outgoing.clear();
            self.outgoing_sent = 0;
        }
        Ok(n)
    }

    fn wants_read(&self) -> bool {
        !self.peer_closed
    }

    fn wants_write(&self) -> bool {
        self.outgoing.len() > self.outgoing_sent
    }

    fn is_handshaking(&self) -> bool {
        self.handshaking
    }

    fn read_plaintext(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self
            .plaintext
            .get(self.plaintext_read..)
            .unwrap_or_default();
        if available.is_empty() {
            return if self.peer_closed {
                Ok(0)
            } else {
                Err(io::ErrorKind::WouldBlock.into())
            };
        }
        let n = available.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), available.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.plaintext_read += n;
        Ok(n)
    }

    fn write_plaintext(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.handshaking {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        if self.closed {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "close_notify already sent",
            ));
        }
        for chunk in data.chunks(NULL_MAX_PAYLOAD) {
            self.queue_record(NullRecord::Data, chunk);
        }
        Ok(data.len())
    }

    fn send_close_notify(&mut self) {
        if !self.closed {
            self.closed = true;
            self.queue_record(NullRecord::CloseNotify, &[]);
        }
    }

    fn describe(&self) -> String {
        "null (no TLS)".to_string()
    }

    fn resumed(&self) -> Option<bool> {
        Some(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Moves everything `from` wants to send into `to`, in `chunk`-byte reads.
    fn pump(
        from: &mut NullSession,
        to: &mut NullSession,
        chunk: usize,
    ) -> Result<(), SessionError> {
        let mut wire = Vec::new();
        while from.wants_write() {
            from.write_tls(&mut wire)
                .map_err(|e| SessionError::new("io", e.to_string()))?;
        }
        for piece in wire.chunks(chunk.max(1)) {
            let mut rd = piece;
            while !rd.is_empty() {
                to.read_tls(&mut rd)
                    .map_err(|e| SessionError::new("io", e.to_string()))?;
            }
            to.process_new_packets()?;
        }
        Ok(())
    }

    #[test]
    fn handshake_data_and_close_survive_one_byte_reads() {
        let mut client = NullSession::client();
        let mut server = NullSession::server();
        assert!(client.is_handshaking() && server.is_handshaking());
        pump(&mut client, &mut server, 1).unwrap();
        assert!(!server.is_handshaking());
        pump(&mut server, &mut client, 1).unwrap();
        assert!(!client.is_handshaking());

        let data: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(client.write_plaintext(&data).unwrap(), data.len());
        client.send_close_notify();
        pump(&mut client, &mut server, 7).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 1000];
        loop {
            match server.read_plaintext(&mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => panic!("unexpected {e}"),
            }
        }
        assert_eq!(got, data);
        assert!(!server.wants_read());
    }

    #[test]
    fn read_plaintext_would_block_until_data() {
        let mut client = NullSession::client();
        let mut server = NullSession::server();
        pump(&mut client, &mut server, 64).unwrap();
        let err = server.read_plaintext(&mut [0u8; 8]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    }

    #[test]
    fn garbage_is_a_typed_error_not_a_panic() {
        let mut server = NullSession::server();
        let mut rd: &[u8] = &[9, 0, 0];
        server.read_tls(&mut rd).unwrap();
        assert_eq!(
            server.process_new_packets().unwrap_err().kind,
            "null:decode_error"
        );

        let mut server = NullSession::server();
        let mut rd: &[u8] = &[3, 0xff, 0xff];
        server.read_tls(&mut rd).unwrap();
        assert_eq!(
            server.process_new_packets().unwrap_err().kind,
            "null:record_overflow"
        );

        let mut server = NullSession::server();
        let mut rd: &[u8] = &[3, 0, 1, b'x'];
        server.read_tls(&mut rd).unwrap();
        assert_eq!(
            server.process_new_packets().unwrap_err().kind,
            "null:unexpected_message"
        );
    }

    #[test]
    fn null_factory_refuses_tls_options_by_name() {
        assert!(NullFactory::new(&TlsOptions::default()).is_ok());
        let opts = TlsOptions {
            version: Some(TlsVersion::Tls13),
            cert_kind: Some(CertKind::Rsa2048),
            resume: Some(ResumeMode::Ticket),
            ..TlsOptions::default()
        };
        let err = NullFactory::new(&opts).unwrap_err();
        assert!(
            err.contains("--tls") && err.contains("--cert") && err.contains("--resume"),
            "{err}"
        );
        let explicit_none = TlsOptions {
            resume: Some(ResumeMode::None),
            ..TlsOptions::default()
        };
        assert!(NullFactory::new(&explicit_none).is_ok());
    }

    /// A connection type with exactly the inherent API announced for tlskit-handshake.
    struct AnnouncedApi(NullSession);

    #[derive(Debug)]
    struct AnnouncedError(&'static str);

    impl fmt::Display for AnnouncedError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "announced error: {}", self.0)
        }
    }

    struct PlainReader<'a>(&'a mut NullSession);
    impl io::Read for PlainReader<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.0.read_plaintext(buf)
        }
    }
    struct PlainWriter<'a>(&'a mut NullSession);
    impl io::Write for PlainWriter<'_> {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            self.0.write_plaintext(data)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl AnnouncedApi {
        fn read_tls(&mut self, rd: &mut dyn io::Read) -> io::Result<usize> {
            Session::read_tls(&mut self.0, rd)
        }
        fn process_new_packets(&mut self) -> Result<(), AnnouncedError> {
            Session::process_new_packets(&mut self.0).map_err(|_| AnnouncedError("decode_error"))
        }
        fn write_tls(&mut self, wr: &mut dyn io::Write) -> io::Result<usize> {
            Session::write_tls(&mut self.0, wr)
        }
        fn wants_read(&self) -> bool {
            Session::wants_read(&self.0)
        }
        fn wants_write(&self) -> bool {
            Session::wants_write(&self.0)
        }
        fn is_handshaking(&self) -> bool {
            Session::is_handshaking(&self.0)
        }
        fn reader(&mut self) -> impl io::Read + '_ {
            PlainReader(&mut self.0)
        }
        fn writer(&mut self) -> impl io::Write + '_ {
            PlainWriter(&mut self.0)
        }
        fn send_close_notify(&mut self) {
            Session::send_close_notify(&mut self.0)
        }
    }

    crate::impl_session!(
        AnnouncedApi,
        kind = |e: &AnnouncedError| format!("alert:{}", e.0),
        describe = |c: &AnnouncedApi| format!("via macro: {}", c.0.describe()),
    );

    #[test]
    fn impl_session_forwards_the_announced_api() {
        let mut client = AnnouncedApi(NullSession::client());
        let mut server = AnnouncedApi(NullSession::server());
        let mut wire = Vec::new();
        Session::write_tls(&mut client, &mut wire).unwrap();
        Session::read_tls(&mut server, &mut wire.as_slice()).unwrap();
        Session::process_new_packets(&mut server).unwrap();
        assert!(!Session::is_handshaking(&server));
        assert_eq!(Session::write_plaintext(&mut server, b"hi").unwrap(), 2);
        let mut buf = [0u8; 4];
        assert_eq!(
            Session::read_plaintext(&mut client, &mut buf)
                .unwrap_err()
                .kind(),
            io::ErrorKind::WouldBlock
        );
        assert_eq!(Session::describe(&server), "via macro: null (no TLS)");
        assert_eq!(
            Session::resumed(&server),
            None,
            "not given: the trait default"
        );
        let mut garbage: &[u8] = &[9, 0, 0];
        Session::read_tls(&mut client, &mut garbage).unwrap();
        let err = Session::process_new_packets(&mut client).unwrap_err();
        assert_eq!(
            err,
            SessionError::new("alert:decode_error", "announced error: decode_error")
        );
    }

    #[test]
    fn provider_backends_build_tlskit_factories() {
        for name in tlskit_providers::NAMES {
            let factory = build_factory(name, &TlsOptions::default(), Sides::Both).unwrap();
            assert_eq!(factory.name(), format!("tlskit/{name}"));
        }
        assert!(build_factory("bogus", &TlsOptions::default(), Sides::Both).is_err());
        assert_eq!(
            build_factory("null", &TlsOptions::default(), Sides::Both)
                .unwrap()
                .name(),
            "null"
        );
    }
}
