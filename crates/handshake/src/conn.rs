//! The sans-I/O connection: bytes in (`read_tls`), processing (`process_new_packets`),
//! bytes out (`write_tls`), plaintext through `reader()` / `writer()`. No sockets inside.
//!
//! ```text
//! read_tls ─▶ RecvBuffer ─▶ open in place ─▶ HandshakeJoiner ─▶ state machine
//!                                         └─▶ reader() (application data, read where opened)
//! write_tls ◀─ sendable ◀─ seal in place ◀─ flight buffer / writer()
//! ```
//!
//! Application data is copied once on each side between the caller and the TLS buffers
//! (`writer()` into `sendable`, where it is sealed in place; `reader()` out of the receive
//! buffer, where it was opened in place), plus the transport copies of `write_tls` and
//! `read_tls`. Record payloads are placed on 64-byte boundaries where that costs nothing
//! (the first record written into an empty send buffer, the first record read into an
//! empty receive buffer).

mod recv_buffer;

use crate::error::Error;
use crate::record::{RecordCipher, HEADER_LEN, MAX_FRAGMENT_LEN};
use crate::state::{Msg, State};
use crate::suites::{CipherSuite, ProtocolVersion};
use crate::trace::{Direction, TraceSink};
use recv_buffer::{align_skip, RecvBuffer, PAYLOAD_ALIGN};
use std::io;
use tlskit_crypto::{CryptoProvider, NamedGroup, SignatureScheme};
use tlskit_wire::{
    Alert, AlertDescription, AlertLevel, ContentType, HandshakeJoiner, HandshakeMessage,
    TlsVersion, MAX_CIPHERTEXT_LEN_TLS13,
};

pub use tlskit_keyschedule::Side;

/// What was negotiated, for applications and reports.
#[derive(Clone, Debug, Default)]
pub struct Negotiated {
    /// Protocol version.
    pub version: Option<ProtocolVersion>,
    /// Cipher suite.
    pub suite: Option<CipherSuite>,
    /// Key-exchange group (`None` on a TLS 1.2 resumption, which has no key exchange).
    pub group: Option<NamedGroup>,
    /// Signature scheme the server (certificate owner) signed with.
    pub signature_scheme: Option<SignatureScheme>,
    /// ALPN protocol.
    pub alpn: Option<Vec<u8>>,
    /// Whether the session was resumed.
    pub resumed: bool,
    /// Whether the TLS 1.2 extended master secret was used.
    pub extended_master_secret: bool,
    /// SNI the client sent (server side) or the name connected to (client side).
    pub server_name: Option<String>,
    /// The peer's certificate chain (DER, end-entity first), if it sent one.
    pub peer_certificates: Vec<Vec<u8>>,
}

/// The state shared by both sides: record layer, buffers, negotiated parameters.
pub(crate) struct Core {
    pub(crate) side: Side,
    pub(crate) provider: &'static dyn CryptoProvider,
    /// Received bytes, records opened in place, and unread application data.
    recv: RecvBuffer,
    joiner: HandshakeJoiner,
    pub(crate) read_cipher: Option<RecordCipher>,
    pub(crate) write_cipher: Option<RecordCipher>,
    /// A write cipher derived but not yet in use (waiting for our ChangeCipherSpec).
    pub(crate) pending_write: Option<RecordCipher>,
    /// The version that decides message forms (TLS 1.2 until 1.3 is negotiated).
    pub(crate) wire_version: TlsVersion,
    /// Handshake messages of the flight being built; framed into records on flush.
    flight: Vec<u8>,
    /// Encoded TLS records waiting for `write_tls`.
    sendable: Vec<u8>,
    sendable_pos: usize,
    /// Application data written before the handshake finished.
    early_plaintext_out: Vec<u8>,
    pub(crate) handshake_complete: bool,
    pub(crate) negotiated: Negotiated,
    peer_closed: bool,
    close_sent: bool,
    transport_eof: bool,
    error: Option<Error>,
    /// TLS 1.3: the peer may send one ChangeCipherSpec before its Finished (middlebox
    /// compatibility, RFC 8446 §5 / Appendix D.4).
    pub(crate) tolerate_ccs: bool,
    pub(crate) trace: Option<TraceSink>,
    /// TLS 1.3 server that declined 0-RTT: bytes of undecryptable early data it may still
    /// skip (RFC 8446 §4.2.10); `None` once a record decrypts under the handshake key.
    pub(crate) early_data_skip: Option<usize>,
    /// After a HelloRetryRequest to a client that offered 0-RTT: application_data records
    /// are dropped until the second ClientHello (RFC 8446 §4.2.10).
    pub(crate) skip_plaintext_early_data: bool,
    /// Pause the handshake for the application to make the server's signature.
    pub(crate) defer_signatures: bool,
    /// TLS 1.3 application traffic secrets, once the handshake is done.
    pub(crate) tls13_traffic: Option<crate::tls13::Tls13Traffic>,
    /// Keying material exporter, once the handshake is done (RFC 5705, RFC 8446 §7.5).
    pub(crate) exporter: Option<crate::exporter::Exporter>,
    /// Largest plaintext fragment of a protected record we send: 2^14, or less when the
    /// peer's record_size_limit asks (RFC 8449 §4).
    pub(crate) send_fragment_limit: usize,
    /// Largest protected record plaintext we accept (the limit we advertised, RFC 8449
    /// §4); larger is `record_overflow`.
    pub(crate) recv_fragment_limit: usize,
    /// Records one write key may seal before it must change; `None`: by the AEAD (see
    /// [`Core::confidentiality_limit`]). Tests set a small value.
    pub(crate) record_limit_override: Option<u64>,
    /// Application data received while keys are changing is rejected.
    pub(crate) max_plaintext_buffer: usize,
}

impl Core {
    pub(crate) fn new(
        side: Side,
        provider: &'static dyn CryptoProvider,
        max_handshake: usize,
    ) -> Self {
        Core {
            side,
            provider,
            recv: RecvBuffer::new(),
            joiner: HandshakeJoiner::with_max_message_len(max_handshake),
            read_cipher: None,
            write_cipher: None,
            pending_write: None,
            wire_version: TlsVersion::Tls12,
            flight: Vec::new(),
            sendable: Vec::new(),
            sendable_pos: 0,
            early_plaintext_out: Vec::new(),
            handshake_complete: false,
            negotiated: Negotiated::default(),
            peer_closed: false,
            close_sent: false,
            transport_eof: false,
            error: None,
            tolerate_ccs: false,
            trace: None,
            tls13_traffic: None,
            exporter: None,
            send_fragment_limit: MAX_FRAGMENT_LEN,
            recv_fragment_limit: MAX_FRAGMENT_LEN,
            record_limit_override: None,
            defer_signatures: false,
            early_data_skip: None,
            skip_plaintext_early_data: false,
            max_plaintext_buffer: 16 * 1024 * 1024,
        }
    }

    /// Records the negotiated version and tightens record limits accordingly.
    pub(crate) fn set_version(&mut self, v: ProtocolVersion) {
        self.negotiated.version = Some(v);
        if v == ProtocolVersion::Tls13 {
            self.wire_version = TlsVersion::Tls13;
            self.recv.set_max_fragment_len(MAX_CIPHERTEXT_LEN_TLS13);
        }
    }

    pub(crate) fn trace(&self, dir: Direction, what: std::fmt::Arguments<'_>) {
        if let Some(t) = &self.trace {
            t.emit(self.side, dir, what);
        }
    }

    /// Appends an encoded handshake message to the current flight (and returns its bytes
    /// for the transcript).
    pub(crate) fn queue_handshake(
        &mut self,
        msg: &HandshakeMessage<'_>,
    ) -> Result<std::ops::Range<usize>, Error> {
        let range = msg
            .encode(&mut self.flight)
            .map_err(|e| Error::internal(format!("encode: {e}")))?;
        if self.trace.is_some() {
            self.trace(
                Direction::Sent,
                format_args!("{}", crate::trace::describe(msg)),
            );
        }
        Ok(range)
    }

    /// Appends an already-encoded handshake message (a ClientHello whose PSK binders were
    /// filled in after encoding) to the current flight.
    pub(crate) fn queue_encoded_handshake(&mut self, encoded: &[u8]) {
        self.flight.extend_from_slice(encoded);
    }

    /// The bytes of a message just queued (valid until the next flush).
    pub(crate) fn flight_bytes(&self, range: std::ops::Range<usize>) -> &[u8] {
        self.flight.get(range).unwrap_or(&[])
    }

    /// Frames the queued handshake messages into records (sealed if a write key is set).
    pub(crate) fn flush_flight(&mut self) -> Result<(), Error> {
        if self.flight.is_empty() {
            return Ok(());
        }
        let flight = std::mem::take(&mut self.flight);
        let fragment = if self.write_cipher.is_some() {
            self.send_fragment_limit
        } else {
            MAX_FRAGMENT_LEN
        };
        for chunk in flight.chunks(fragment) {
            self.send_record(ContentType::HANDSHAKE.0, chunk)?;
        }
        let mut flight = flight;
        flight.clear();
        self.flight = flight;
        Ok(())
    }

    fn send_record(&mut self, content_type: u8, payload: &[u8]) -> Result<(), Error> {
        match self.write_cipher.as_mut() {
            Some(cipher) => {
                cipher.seal_record(content_type, [3, 3], payload, &mut self.sendable)?
            }
            None => {
                // RFC 8446 §5.1: the first ClientHello may use 0x0301 for compatibility.
                let version = if self.side == Side::Client
                    && !self.handshake_complete
                    && self.negotiated.version.is_none()
                {
                    [3, 1]
                } else {
                    [3, 3]
                };
                self.sendable.push(content_type);
                self.sendable.extend_from_slice(&version);
                self.sendable
                    .extend_from_slice(&(payload.len() as u16).to_be_bytes());
                self.sendable.extend_from_slice(payload);
            }
        }
        Ok(())
    }

    /// Sends ChangeCipherSpec (after flushing the flight so far).
    pub(crate) fn send_ccs(&mut self) -> Result<(), Error> {
        self.flush_flight()?;
        self.trace(Direction::Sent, format_args!("ChangeCipherSpec"));
        self.sendable.extend_from_slice(&[20, 3, 3, 0, 1, 1]);
        Ok(())
    }

    pub(crate) fn send_alert(&mut self, level: AlertLevel, description: AlertDescription) {
        let alert = Alert { level, description };
        let mut payload = Vec::with_capacity(2);
        if alert.encode(&mut payload).is_ok() {
            let _ = self.flush_flight();
            self.trace(
                Direction::Sent,
                format_args!("Alert {} {}", level.name(), description.name()),
            );
            let _ = self.send_record(ContentType::ALERT.0, &payload);
        }
    }

    /// How many records one write key may protect. RFC 8446 §5.5: AES-GCM keys are
    /// good for about 2^24.5 full-size records (2^-57 safety margin); tlskit changes keys
    /// at 2^24. ChaCha20-Poly1305's limit is beyond the sequence number space, where
    /// RFC 5246 §6.1 / RFC 8446 §5.3 stop a key anyway (with a margin here).
    fn confidentiality_limit(&self) -> u64 {
        self.record_limit_override
            .unwrap_or_else(|| match self.negotiated.suite.map(|s| s.aead) {
                Some(tlskit_crypto::AeadAlgorithm::ChaCha20Poly1305) | None => u64::MAX - (1 << 16),
                Some(_) => 1 << 24,
            })
    }

    /// Before sealing application data: a write key at its usage limit is replaced (TLS
    /// 1.3: KeyUpdate, not asking the peer to update, RFC 8446 §4.6.3) or, in TLS 1.2,
    /// which cannot change keys, the connection is closed with close_notify and the
    /// write refused.
    fn renew_write_key_if_worn(&mut self) -> Result<(), Error> {
        let used = self.write_cipher.as_ref().map_or(0, RecordCipher::sequence);
        if used < self.confidentiality_limit() {
            return Ok(());
        }
        if self.negotiated.version == Some(ProtocolVersion::Tls13) {
            self.trace(
                Direction::Local,
                format_args!("write key used for {used} records: KeyUpdate"),
            );
            return self.send_key_update(tlskit_wire::KeyUpdateRequest::UpdateNotRequested);
        }
        if !self.close_sent {
            self.close_sent = true;
            self.send_alert(AlertLevel::Warning, AlertDescription::CloseNotify);
        }
        Err(Error::Config(format!(
            "TLS 1.2 write key used for {used} records, its safe limit: connection closed"
        )))
    }

    /// Sends application data, fragmenting into full records: each fragment is copied
    /// once, straight to its payload position in the send buffer, and sealed there.
    pub(crate) fn send_application_data(&mut self, data: &[u8]) -> Result<(), Error> {
        let cipher = self
            .write_cipher
            .as_mut()
            .ok_or_else(|| Error::internal("application data before keys"))?;
        if self.sendable_pos >= self.sendable.len() {
            // Nothing pending: start the first record where its payload is aligned.
            let records = data.len().div_ceil(self.send_fragment_limit);
            let overhead = cipher.prefix_len() + cipher.suffix_len();
            self.sendable.clear();
            self.sendable
                .reserve(PAYLOAD_ALIGN + data.len() + records * overhead);
            let skip = align_skip(self.sendable.as_ptr() as usize, cipher.prefix_len());
            self.sendable.resize(skip, 0);
            self.sendable_pos = skip;
        }
        let fragment = self.send_fragment_limit;
        for chunk in data.chunks(fragment) {
            self.renew_write_key_if_worn()?;
            let cipher = self
                .write_cipher
                .as_mut()
                .ok_or_else(|| Error::internal("application data before keys"))?;
            cipher.seal_record(
                ContentType::APPLICATION_DATA.0,
                [3, 3],
                chunk,
                &mut self.sendable,
            )?;
        }
        Ok(())
    }

    /// Marks the handshake done and sends application data buffered meanwhile.
    pub(crate) fn complete_handshake(&mut self) -> Result<(), Error> {
        self.handshake_complete = true;
        self.joiner_check_aligned()?;
        let pending = std::mem::take(&mut self.early_plaintext_out);
        if !pending.is_empty() {
            self.send_application_data(&pending)?;
        }
        Ok(())
    }

    /// RFC 8449 §4: both record_size_limit values are known (`peer`'s and the one we
    /// advertised). The limit counts the TLS 1.3 inner content type; both are capped at the
    /// protocol's 2^14.
    pub(crate) fn set_record_size_limits(&mut self, peer: u16, ours: u16, tls13: bool) {
        let plaintext = |limit: u16| {
            usize::from(limit)
                .saturating_sub(usize::from(tls13))
                .min(MAX_FRAGMENT_LEN)
        };
        self.send_fragment_limit = plaintext(peer).max(1);
        self.recv_fragment_limit = plaintext(ours);
        self.trace(
            Direction::Local,
            format_args!("record_size_limit: peer {peer}, ours {ours}"),
        );
    }

    /// Key changes must happen on a record boundary (RFC 8446 §5.1, RFC 5246 §7.1).
    pub(crate) fn joiner_check_aligned(&self) -> Result<(), Error> {
        self.joiner.check_aligned().map_err(Error::from)
    }
}

/// One connection's core plus its handshake state; wrapped by [`crate::ClientConnection`]
/// and [`crate::ServerConnection`].
pub struct Connection {
    pub(crate) core: Core,
    state: Option<Box<dyn State>>,
    scratch: Vec<u8>,
}

impl Connection {
    pub(crate) fn new(core: Core, state: Box<dyn State>) -> Self {
        Connection {
            core,
            state: Some(state),
            scratch: Vec::new(),
        }
    }

    /// Reads TLS bytes from `rd` into the connection. Returns 0 at EOF.
    pub(crate) fn read_tls(&mut self, rd: &mut dyn io::Read) -> io::Result<usize> {
        if self.core.transport_eof || self.core.peer_closed {
            return Ok(0);
        }
        let payload_offset = self
            .core
            .read_cipher
            .as_ref()
            .map_or(HEADER_LEN, RecordCipher::prefix_len);
        let spare = self.core.recv.spare_mut(payload_offset);
        if spare.is_empty() {
            return Err(io::Error::other(
                "TLS receive buffer full: call process_new_packets",
            ));
        }
        let n = rd.read(spare)?;
        self.core.recv.commit(n);
        if n == 0 {
            self.core.transport_eof = true;
        }
        Ok(n)
    }

    /// Writes pending TLS bytes to `wr`.
    pub(crate) fn write_tls(&mut self, wr: &mut dyn io::Write) -> io::Result<usize> {
        let pending = self
            .core
            .sendable
            .get(self.core.sendable_pos..)
            .unwrap_or(&[]);
        if pending.is_empty() {
            return Ok(0);
        }
        let n = wr.write(pending)?;
        self.core.sendable_pos += n;
        if self.core.sendable_pos >= self.core.sendable.len() {
            self.core.sendable.clear();
            self.core.sendable_pos = 0;
        }
        Ok(n)
    }

    pub(crate) fn wants_write(&self) -> bool {
        self.core.sendable.len() > self.core.sendable_pos
    }

    pub(crate) fn wants_read(&self) -> bool {
        self.core.error.is_none()
            && !self.core.peer_closed
            && !self.core.transport_eof
            && (!self.core.handshake_complete || self.core.recv.pending_plaintext() == 0)
    }

    pub(crate) fn is_handshaking(&self) -> bool {
        !self.core.handshake_complete && self.core.error.is_none()
    }

    /// Processes every whole record received so far.
    pub(crate) fn process_new_packets(&mut self) -> Result<(), Error> {
        if let Some(e) = &self.core.error {
            return Err(e.clone());
        }
        match self.process_records() {
            Ok(()) => {
                if self.core.transport_eof
                    && !self.core.peer_closed
                    && !self.core.handshake_complete
                {
                    let e = Error::UnexpectedEof;
                    self.core.error = Some(e.clone());
                    self.state = None;
                    return Err(e);
                }
                Ok(())
            }
            Err(e) => {
                if let Some(alert) = e.alert() {
                    self.core.send_alert(AlertLevel::Fatal, alert);
                }
                self.core
                    .trace(Direction::Local, format_args!("connection failed: {e}"));
                self.core.error = Some(e.clone());
                self.state = None;
                Err(e)
            }
        }
    }

    fn process_records(&mut self) -> Result<(), Error> {
        loop {
            let core = &mut self.core;
            let Some((record_header, record_range)) = core.recv.next_record()? else {
                return Ok(());
            };
            let header = record_header.to_bytes();
            let mut content_type = record_header.content_type;
            let payload_range;
            let payload_all = core.recv.payload_mut(record_range.clone());
            // A ChangeCipherSpec is never encrypted (TLS 1.2 sends it before switching,
            // TLS 1.3 compatibility CCS is plaintext).
            let encrypted =
                core.read_cipher.is_some() && content_type != ContentType::CHANGE_CIPHER_SPEC;
            if encrypted {
                let cipher = core
                    .read_cipher
                    .as_mut()
                    .ok_or_else(|| Error::internal("no cipher"))?;
                if core.wire_version == TlsVersion::Tls13
                    && content_type != ContentType::APPLICATION_DATA
                {
                    return Err(Error::unexpected(
                        "encrypted record",
                        format!("{content_type:?} record"),
                    ));
                }
                let payload_len = payload_all.len();
                match cipher.open_record(header, payload_all) {
                    Ok((_, range)) if range.len() > core.recv_fragment_limit => {
                        return Err(Error::fatal(
                            AlertDescription::RecordOverflow,
                            "record larger than our record_size_limit (RFC 8449 §4)",
                        ));
                    }
                    Ok((t, range)) => {
                        core.early_data_skip = None;
                        content_type = ContentType(t);
                        payload_range = range;
                    }
                    // RFC 8446 §4.2.10: a server that declined 0-RTT skips records it
                    // cannot decrypt, up to a limit.
                    Err(crate::record::RecordError::BadRecordMac)
                        if core.early_data_skip.is_some_and(|left| left >= payload_len) =>
                    {
                        core.early_data_skip = core.early_data_skip.map(|left| left - payload_len);
                        core.trace(
                            Direction::Local,
                            format_args!("skipped {payload_len} bytes of declined 0-RTT data"),
                        );
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                }
            } else {
                // RFC 8446 §5.1 / RFC 5246 §6.2.1: a plaintext record carries at most 2^14
                // bytes (the deframer allows the larger protected-record size).
                if payload_all.len() > crate::record::MAX_FRAGMENT_LEN {
                    return Err(Error::fatal(
                        AlertDescription::RecordOverflow,
                        "plaintext record longer than 2^14 bytes",
                    ));
                }
                payload_range = 0..payload_all.len();
            }
            let payload = payload_all.get(payload_range.clone()).unwrap_or(&[]);
            match content_type {
                ContentType::ALERT => {
                    // RFC 8446 §5.1: no other record inside a fragmented handshake message.
                    core.joiner.check_aligned()?;
                    let alert = Alert::decode(payload)?;
                    core.trace(
                        Direction::Received,
                        format_args!("Alert {} {}", alert.level.name(), alert.description.name()),
                    );
                    if alert.description == AlertDescription::CloseNotify {
                        core.peer_closed = true;
                        if !core.handshake_complete {
                            // A close during the handshake ends it; report as EOF.
                            return Err(Error::UnexpectedEof);
                        }
                        return Ok(());
                    }
                    // RFC 8446 §6: in TLS 1.3 every alert but close_notify/user_canceled is fatal.
                    let fatal =
                        alert.level == AlertLevel::Fatal || core.wire_version == TlsVersion::Tls13;
                    if fatal && alert.description != AlertDescription::UserCanceled {
                        return Err(Error::PeerAlert(alert.description));
                    }
                    // TLS 1.2 warnings (e.g. no_renegotiation) are noted and ignored.
                }
                ContentType::HANDSHAKE => {
                    if payload.is_empty() {
                        return Err(Error::unexpected(
                            "handshake data",
                            "empty handshake record",
                        ));
                    }
                    core.joiner.push(payload)?;
                    self.process_handshake_messages()?;
                }
                ContentType::CHANGE_CIPHER_SPEC => {
                    if payload != [1] {
                        return Err(Error::decode("ChangeCipherSpec must be the single byte 1"));
                    }
                    core.joiner_check_aligned()?;
                    if core.wire_version == TlsVersion::Tls13
                        || (core.negotiated.version.is_none() && core.tolerate_ccs)
                    {
                        if core.tolerate_ccs && !core.handshake_complete {
                            core.tolerate_ccs = false;
                            core.trace(
                                Direction::Received,
                                format_args!("ChangeCipherSpec (compatibility, ignored)"),
                            );
                            continue;
                        }
                        return Err(Error::unexpected("handshake message", "ChangeCipherSpec"));
                    }
                    core.trace(Direction::Received, format_args!("ChangeCipherSpec"));
                    self.deliver(Msg::ChangeCipherSpec)?;
                }
                ContentType::APPLICATION_DATA => {
                    if core.skip_plaintext_early_data && core.read_cipher.is_none() {
                        core.trace(
                            Direction::Local,
                            format_args!("dropped declined 0-RTT data after HelloRetryRequest"),
                        );
                        continue;
                    }
                    if !core.handshake_complete || core.read_cipher.is_none() {
                        return Err(Error::unexpected("handshake message", "application data"));
                    }
                    core.joiner.check_aligned()?;
                    if core.peer_closed {
                        return Err(Error::unexpected(
                            "nothing after close_notify",
                            "application data",
                        ));
                    }
                    let len = payload.len();
                    if core.recv.pending_plaintext() + len > core.max_plaintext_buffer {
                        return Err(Error::internal("plaintext buffer full: read with reader()"));
                    }
                    // Served to reader() from where it was opened.
                    let opened = record_range.start + payload_range.start
                        ..record_range.start + payload_range.end;
                    core.recv.push_plaintext(opened);
                }
                other => {
                    return Err(Error::unexpected(
                        "a TLS content type",
                        format!("{other:?}"),
                    ))
                }
            }
        }
    }

    fn process_handshake_messages(&mut self) -> Result<(), Error> {
        loop {
            let mut scratch = std::mem::take(&mut self.scratch);
            scratch.clear();
            match self.core.joiner.pop()? {
                Some(raw) => scratch.extend_from_slice(raw.encoded),
                None => {
                    self.scratch = scratch;
                    return Ok(());
                }
            }
            let msg = HandshakeMessage::decode(&scratch, self.core.wire_version)?;
            if self.core.trace.is_some() {
                self.core.trace(
                    Direction::Received,
                    format_args!("{}", crate::trace::describe(&msg)),
                );
            }
            let result = self.deliver(Msg::Handshake {
                msg,
                encoded: &scratch,
            });
            self.scratch = scratch;
            result?;
        }
    }

    fn deliver(&mut self, msg: Msg<'_>) -> Result<(), Error> {
        let state = self.state.take().ok_or(Error::Closed)?;
        let next = state.handle(&mut self.core, msg)?;
        self.state = Some(next);
        Ok(())
    }

    /// Plaintext available to read.
    pub(crate) fn read_plaintext(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let core = &mut self.core;
        if core.recv.pending_plaintext() == 0 {
            if core.peer_closed {
                return Ok(0);
            }
            if core.transport_eof {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "peer closed without close_notify",
                ));
            }
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(core.recv.read_plaintext(buf))
    }

    /// Queues plaintext for sending (buffered until the handshake completes).
    pub(crate) fn write_plaintext(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.core.close_sent || self.core.error.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "connection closed",
            ));
        }
        if self.core.handshake_complete {
            self.core
                .send_application_data(data)
                .map_err(io::Error::other)?;
        } else {
            self.core.early_plaintext_out.extend_from_slice(data);
        }
        Ok(data.len())
    }

    pub(crate) fn send_close_notify(&mut self) {
        if !self.core.close_sent {
            self.core.close_sent = true;
            self.core
                .send_alert(AlertLevel::Warning, AlertDescription::CloseNotify);
        }
    }

    /// The signature the paused handshake waits for.
    pub(crate) fn signature_request(&self) -> Option<&crate::state::SignatureRequest> {
        self.state.as_ref().and_then(|s| s.signature_request())
    }

    /// Resumes the handshake with the application's signature (bad signatures are caught
    /// by the peer, which then aborts).
    pub(crate) fn supply_signature(&mut self, signature: Vec<u8>) -> Result<(), Error> {
        let state = self.state.take().ok_or(Error::Closed)?;
        match state.supply_signature(&mut self.core, signature) {
            Ok(next) => {
                self.state = Some(next);
                // Records that arrived while paused can now be processed.
                self.process_new_packets()
            }
            Err(e) => {
                if let Some(alert) = e.alert() {
                    self.core.send_alert(AlertLevel::Fatal, alert);
                }
                self.core.error = Some(e.clone());
                Err(e)
            }
        }
    }

    /// TLS 1.3: sends KeyUpdate(update_requested) and switches to new write keys; the
    /// peer answers with its own update (RFC 8446 §4.6.3).
    pub(crate) fn refresh_traffic_keys(&mut self) -> Result<(), Error> {
        if !self.core.handshake_complete || self.core.error.is_some() {
            return Err(Error::Config(
                "KeyUpdate needs an established TLS 1.3 connection".into(),
            ));
        }
        self.core
            .send_key_update(tlskit_wire::KeyUpdateRequest::UpdateRequested)
    }

    pub(crate) fn peer_has_closed(&self) -> bool {
        self.core.peer_closed
    }
}
