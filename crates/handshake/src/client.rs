//! The client's first flight (ClientHello, RFC 5246 §7.4.1.2 / RFC 8446 §4.1.2) and the
//! ServerHello or HelloRetryRequest that decides the version.

use crate::config::ClientConfig;
use crate::conn::{Connection, Core, Side};
use crate::error::Error;
use crate::session::{unix_now, ClientSession};
use crate::state::{unexpected, Msg, State};
use crate::suites::{self, CipherSuite, ProtocolVersion};
use crate::trace::Direction;
use crate::{tls12, tls13};
use std::sync::Arc;
use tlskit_crypto::{ActiveKeyExchange, Digest, NamedGroup};
use tlskit_keyschedule::tls13::{EarlySecret, Kdf, PskKind};
use tlskit_keyschedule::{HandshakeHashBuffer, TranscriptHash};
use tlskit_wire::{
    AlertDescription, CertificateStatusRequest, CipherSuite as WireSuite, ClientHello, Compression,
    EcPointFormat, Extension, ExtensionType, Extensions, HandshakeMessage, KeyShareEntry, List,
    NamedGroup as WireGroup, OfferedPsks, ProtocolName, ProtocolVersion as WireVersion, PskBinder,
    PskIdentity, PskKeyExchangeMode, Random, ServerHello, ServerName, ServerNameType, SessionId,
    SignatureScheme as WireScheme,
};

/// A TLS 1.3 session the client offers to resume (RFC 8446 §4.2.11).
pub(crate) struct ResumePsk {
    pub(crate) session: ClientSession,
    pub(crate) suite: CipherSuite,
}

/// The transcript before and after the hash is known.
pub(crate) enum ClientTranscript {
    /// Before the ServerHello: the ClientHello bytes.
    Buffer(HandshakeHashBuffer),
    /// After a HelloRetryRequest: message_hash(CH1) || HRR || CH2 under the HRR's suite.
    Started(TranscriptHash),
}

/// What the client offered, for checking the server's choices.
pub(crate) struct Offer {
    pub(crate) config: Arc<ClientConfig>,
    pub(crate) server_name: String,
    pub(crate) random: [u8; 32],
    pub(crate) session_id: Vec<u8>,
    /// A TLS 1.2 session offered for resumption.
    pub(crate) resuming12: Option<ClientSession>,
    pub(crate) sent_ticket12: bool,
    /// Our TLS 1.3 key share, if 1.3 was offered.
    pub(crate) key_share: Option<Box<dyn ActiveKeyExchange>>,
    pub(crate) psk: Option<ResumePsk>,
    pub(crate) transcript: ClientTranscript,
    /// The suite a HelloRetryRequest fixed.
    pub(crate) hrr_suite: Option<CipherSuite>,
}

/// Whether `name` is an IP literal (SNI is then not sent, RFC 6066 §3).
fn is_ip_literal(name: &str) -> bool {
    name.parse::<std::net::IpAddr>().is_ok()
}

/// The variable parts of a ClientHello (a retry after HelloRetryRequest changes some).
pub(crate) struct HelloParts<'a> {
    pub(crate) random: [u8; 32],
    pub(crate) session_id: &'a [u8],
    pub(crate) key_share: Option<(NamedGroup, &'a [u8])>,
    pub(crate) cookie: Option<&'a [u8]>,
    pub(crate) psk: Option<&'a ResumePsk>,
    pub(crate) ticket12: &'a [u8],
}

/// Encodes a ClientHello; with a PSK, computes and fills in its binder over the truncated
/// message (RFC 8446 §4.2.11.2) using `prefix_hash` for the transcript before it.
pub(crate) fn encode_client_hello(
    core: &Core,
    config: &ClientConfig,
    server_name: &str,
    parts: &HelloParts<'_>,
    prefix_hash: &dyn Fn(&'static dyn tlskit_crypto::Hash, &[u8]) -> Digest,
) -> Result<Vec<u8>, Error> {
    let common = &config.common;
    let offer13 = common.supports(ProtocolVersion::Tls13);
    let offer12 = common.supports(ProtocolVersion::Tls12);
    let mut suite_codes: Vec<WireSuite> = Vec::new();
    if offer13 {
        suite_codes.extend(
            common
                .suites_for(ProtocolVersion::Tls13)
                .map(|s| WireSuite(s.code)),
        );
    }
    if offer12 {
        suite_codes.extend(
            common
                .suites_for(ProtocolVersion::Tls12)
                .map(|s| WireSuite(s.code)),
        );
    }
    if suite_codes.is_empty() {
        return Err(Error::Config(
            "no cipher suite is enabled for the enabled versions".into(),
        ));
    }
    let groups: Vec<WireGroup> = common.groups.iter().map(|g| WireGroup(g.code())).collect();
    let schemes: Vec<WireScheme> = common
        .signature_schemes
        .iter()
        .filter(|s| offer12 || tls13::usable_in_tls13(**s))
        .map(|s| WireScheme(s.code()))
        .collect();
    let alpn: Vec<ProtocolName<'_>> = common
        .alpn_protocols
        .iter()
        .map(|p| ProtocolName(p))
        .collect();
    let sni = [ServerName {
        name_type: ServerNameType::HOST_NAME,
        name: server_name.as_bytes(),
    }];
    let point_formats = [EcPointFormat::UNCOMPRESSED];
    let mut versions = Vec::new();
    if offer13 {
        versions.push(WireVersion::TLS13);
    }
    if offer12 {
        versions.push(WireVersion::TLS12);
    }
    let shares: Vec<KeyShareEntry<'_>> = parts
        .key_share
        .iter()
        .map(|(g, public)| KeyShareEntry {
            group: WireGroup(g.code()),
            key_exchange: public,
        })
        .collect();
    let modes = [PskKeyExchangeMode::PSK_DHE_KE];

    let mut exts: Vec<Extension<'_>> = Vec::with_capacity(16);
    if config.enable_sni && !is_ip_literal(server_name) && !server_name.is_empty() {
        exts.push(Extension::ServerName(List::new(&sni)));
    }
    exts.push(Extension::SupportedGroups(List::new(&groups)));
    exts.push(Extension::SignatureAlgorithms(List::new(&schemes)));
    if !alpn.is_empty() {
        exts.push(Extension::Alpn(List::new(&alpn)));
    }
    // RFC 8449 §4: the largest record we accept (2^14 + 1 counts TLS 1.3's inner type).
    if let Some(limit) = config.common.record_size_limit {
        let limit = if offer13 { limit } else { limit.min(1 << 14) };
        exts.push(Extension::RecordSizeLimit(limit));
    }
    // RFC 6066 §8: ask for a stapled OCSP response when the verifier checks one.
    if config.verifier.requests_ocsp_staple() {
        exts.push(Extension::StatusRequest(CertificateStatusRequest::Ocsp {
            responder_id_list: List::new(&[]),
            request_extensions: &[],
        }));
    }
    if offer12 {
        exts.push(Extension::EcPointFormats(List::new(&point_formats)));
        exts.push(Extension::ExtendedMasterSecret);
        exts.push(Extension::RenegotiationInfo(&[]));
        if config.enable_tickets {
            exts.push(Extension::SessionTicket(parts.ticket12));
        }
    }
    if offer13 {
        exts.push(Extension::SupportedVersions(List::new(&versions)));
        exts.push(Extension::KeyShareClient(List::new(&shares)));
        exts.push(Extension::PskKeyExchangeModes(List::new(&modes)));
        if let Some(cookie) = parts.cookie {
            exts.push(Extension::Cookie(cookie));
        }
    }
    // pre_shared_key must be last (RFC 8446 §4.2.11); binders are placeholders for now.
    let now = unix_now();
    let identities;
    let placeholder;
    let binders;
    let mut binder_hash = None;
    if let Some(psk) = parts.psk.filter(|_| offer13) {
        let age_ms = now
            .saturating_sub(psk.session.received_at)
            .saturating_mul(1000) as u32;
        identities = [PskIdentity {
            identity: &psk.session.ticket,
            obfuscated_ticket_age: age_ms.wrapping_add(psk.session.value.age_add),
        }];
        placeholder = vec![0u8; psk.suite.hash.output_len()];
        binders = [PskBinder(&placeholder)];
        exts.push(Extension::PreSharedKey(OfferedPsks {
            identities: List::new(&identities),
            binders: List::new(&binders),
        }));
        binder_hash = Some(psk);
    }
    let compression = [Compression::NULL];
    let hello = ClientHello {
        legacy_version: WireVersion::TLS12,
        random: Random(parts.random),
        legacy_session_id: SessionId(parts.session_id),
        cipher_suites: List::new(&suite_codes),
        compression_methods: List::new(&compression),
        extensions: Extensions::new(&exts),
    };
    let msg = HandshakeMessage::ClientHello(hello);
    let mut encoded = msg
        .to_vec()
        .map_err(|e| Error::internal(format!("encode ClientHello: {e}")))?;
    if core.trace.is_some() {
        core.trace(
            Direction::Sent,
            format_args!("{}", crate::trace::describe(&msg)),
        );
    }
    if let Some(psk) = binder_hash {
        let offset = hello
            .psk_binders_offset()
            .ok_or_else(|| Error::internal("binder offset"))?;
        let kdf = Kdf::new(core.provider, psk.suite.hash).map_err(tls13::ks)?;
        let early =
            EarlySecret::new(kdf, Some(psk.session.value.secret.as_bytes())).map_err(tls13::ks)?;
        let truncated = encoded
            .get(..offset)
            .ok_or_else(|| Error::internal("binder offset"))?;
        let hash = prefix_hash(kdf.hash(), truncated);
        let binder = early
            .binder_key(PskKind::Resumption)
            .and_then(|k| k.binder(&hash))
            .map_err(tls13::ks)?;
        tlskit_wire::fill_psk_binders(&mut encoded, offset, &[binder.as_bytes()])
            .map_err(|e| Error::internal(format!("binder: {e}")))?;
    }
    Ok(encoded)
}

/// Builds and queues the ClientHello.
pub(crate) fn start(
    core: &mut Core,
    config: Arc<ClientConfig>,
    server_name: &str,
) -> Result<Box<dyn State>, Error> {
    let common = &config.common;
    let offer13 = common.supports(ProtocolVersion::Tls13);
    let mut random = [0u8; 32];
    core.provider
        .fill_random(&mut random)
        .map_err(Error::from)?;

    let stored = config
        .session_store
        .as_ref()
        .and_then(|s| s.get(server_name));
    let usable = |s: &ClientSession| {
        suites::find(s.value.cipher_suite).filter(|cs| common.cipher_suites.contains(cs))
    };
    let mut resuming12 = None;
    let mut psk = None;
    match stored {
        Some(s) if s.value.version == ProtocolVersion::Tls13.code() && offer13 => {
            if let Some(suite) = usable(&s) {
                psk = Some(ResumePsk { session: s, suite });
            }
        }
        Some(s)
            if s.value.version == ProtocolVersion::Tls12.code()
                && common.supports(ProtocolVersion::Tls12)
                && usable(&s).is_some() =>
        {
            resuming12 = Some(s);
        }
        _ => {}
    }
    // RFC 5077 §3.4: a 1.2 ticket goes with a fresh session id so the echo shows whether
    // the server resumed. RFC 8446 Appendix D.4: a 1.3 client in compatibility mode
    // sends a random 32-byte id.
    let mut session_id = Vec::new();
    let mut ticket12: &[u8] = &[];
    if let Some(session) = &resuming12 {
        if !session.ticket.is_empty() && config.enable_tickets {
            ticket12 = &session.ticket;
        } else {
            session_id = session.session_id.clone();
        }
    }
    if session_id.is_empty() && (offer13 || !ticket12.is_empty()) {
        session_id = vec![0u8; 32];
        core.provider.fill_random(&mut session_id)?;
    }
    let key_share = if offer13 {
        let group = *common
            .groups
            .first()
            .ok_or_else(|| Error::Config("no groups enabled".into()))?;
        let kx = core
            .provider
            .key_exchange(group)
            .ok_or_else(|| Error::Config(format!("provider lacks {}", group.name())))?;
        Some(kx.start()?)
    } else {
        None
    };
    let parts = HelloParts {
        random,
        session_id: &session_id,
        key_share: key_share.as_ref().map(|k| (k.group(), k.public_key())),
        cookie: None,
        psk: psk.as_ref(),
        ticket12,
    };
    let encoded = encode_client_hello(core, &config, server_name, &parts, &|hash, partial| {
        hash.hash(partial)
    })?;
    core.queue_encoded_handshake(&encoded);
    let mut transcript = HandshakeHashBuffer::new();
    transcript.add_message(&encoded);
    // A TLS 1.2 CertificateVerify signs the raw messages: keep them when we may sign.
    if config.client_cert.is_some() {
        transcript.retain_messages();
    }
    core.flush_flight()?;
    core.negotiated.server_name = Some(server_name.to_string());
    if offer13 {
        core.tolerate_ccs = true;
    }
    let sent_ticket12 = config.enable_tickets && common.supports(ProtocolVersion::Tls12);
    Ok(Box::new(ExpectServerHello(Offer {
        config,
        server_name: server_name.to_string(),
        random,
        session_id,
        resuming12,
        sent_ticket12,
        key_share,
        psk,
        transcript: ClientTranscript::Buffer(transcript),
        hrr_suite: None,
    })))
}

pub(crate) struct ExpectServerHello(pub(crate) Offer);

impl State for ExpectServerHello {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        match msg {
            Msg::Handshake {
                msg: HandshakeMessage::ServerHello(sh),
                encoded,
            } => {
                if sh.selected_version() == WireVersion::TLS13 {
                    if self.0.key_share.is_none() {
                        return Err(Error::fatal(
                            AlertDescription::ProtocolVersion,
                            "server chose TLS 1.3, not offered",
                        ));
                    }
                    return tls13::client::handle_server_hello(core, self.0, &sh, encoded);
                }
                if self.0.hrr_suite.is_some() {
                    return Err(Error::illegal(
                        "TLS 1.2 ServerHello after a HelloRetryRequest",
                    ));
                }
                handle_server_hello12(core, self.0, &sh, encoded)
            }
            Msg::Handshake {
                msg: HandshakeMessage::HelloRetryRequest(hrr),
                encoded,
            } => {
                if self.0.hrr_suite.is_some() {
                    return Err(Error::unexpected(
                        "ServerHello",
                        "a second HelloRetryRequest",
                    ));
                }
                tls13::client::handle_hello_retry_request(core, self.0, &hrr, encoded)
            }
            other => Err(unexpected("ServerHello", &other)),
        }
    }
}

fn handle_server_hello12(
    core: &mut Core,
    offer: Offer,
    sh: &ServerHello<'_>,
    encoded: &[u8],
) -> Result<Box<dyn State>, Error> {
    let version = sh.selected_version();
    if version != WireVersion::TLS12 || !offer.config.common.supports(ProtocolVersion::Tls12) {
        return Err(Error::fatal(
            AlertDescription::ProtocolVersion,
            format!("server chose {version:?}, not offered"),
        ));
    }
    // RFC 8446 §4.1.3: a client that offered 1.3 must reject the downgrade sentinel.
    if offer.key_share.is_some() && sh.random.downgrade_sentinel().is_some() {
        return Err(Error::illegal("downgrade sentinel in ServerHello.random"));
    }
    let suite: CipherSuite = suites::find(sh.cipher_suite.0)
        .filter(|s| {
            s.version == ProtocolVersion::Tls12 && offer.config.common.cipher_suites.contains(s)
        })
        .ok_or_else(|| {
            Error::illegal(format!(
                "server chose a suite we did not offer: {:?}",
                sh.cipher_suite
            ))
        })?;
    if sh.compression_method != Compression::NULL {
        return Err(Error::illegal("server chose a compression method"));
    }
    // Every extension in the ServerHello must answer one we sent (RFC 5246 §7.4.1.4).
    for t in sh.extensions.types() {
        let offered = matches!(
            t,
            ExtensionType::SERVER_NAME
                | ExtensionType::EC_POINT_FORMATS
                | ExtensionType::EXTENDED_MASTER_SECRET
                | ExtensionType::RENEGOTIATION_INFO
        ) || (t == ExtensionType::SESSION_TICKET && offer.sent_ticket12)
            || (t == ExtensionType::ALPN && !offer.config.common.alpn_protocols.is_empty())
            || (t == ExtensionType::STATUS_REQUEST && offer.config.verifier.requests_ocsp_staple())
            || (t == ExtensionType::RECORD_SIZE_LIMIT
                && offer.config.common.record_size_limit.is_some());
        if !offered {
            return Err(Error::fatal(
                AlertDescription::UnsupportedExtension,
                format!("ServerHello carries unrequested extension {t:?}"),
            ));
        }
    }
    // RFC 5746 §3.4: renegotiated_connection must be empty on an initial handshake.
    if sh
        .extensions
        .renegotiation_info()
        .is_some_and(|ri| !ri.is_empty())
    {
        return Err(Error::handshake_failure("non-empty renegotiation_info"));
    }
    let ems = sh
        .extensions
        .contains(ExtensionType::EXTENDED_MASTER_SECRET);
    let alpn = checked_alpn(&offer.config, &sh.extensions)?;
    let ticket_expected = sh.extensions.contains(ExtensionType::SESSION_TICKET);
    if let (Some(peer), Some(ours)) = (
        sh.extensions.record_size_limit(),
        offer.config.common.record_size_limit,
    ) {
        core.set_record_size_limits(peer, ours.min(1 << 14), false);
    }
    // RFC 6066 §8: the ack means a CertificateStatus may follow the Certificate.
    let status_expected = sh.extensions.contains(ExtensionType::STATUS_REQUEST);
    let echo = sh.legacy_session_id_echo.0.to_vec();
    let hash = core
        .provider
        .hash(suite.hash)
        .ok_or_else(|| Error::internal(format!("provider lacks {:?}", suite.hash)))?;
    let Offer {
        config,
        server_name,
        random,
        session_id,
        resuming12,
        transcript,
        ..
    } = offer;
    let ClientTranscript::Buffer(buffer) = transcript else {
        return Err(Error::internal("TLS 1.2 after HelloRetryRequest"));
    };
    let mut transcript = buffer.start(hash);
    transcript.add_message(encoded);
    core.set_version(ProtocolVersion::Tls12);
    core.tolerate_ccs = false;
    core.negotiated.suite = Some(suite);
    core.negotiated.alpn = alpn;
    core.negotiated.extended_master_secret = ems;
    core.trace(
        Direction::Local,
        format_args!(
            "negotiated TLSv1.2 {} ems={ems} ticket={ticket_expected}",
            suite.name
        ),
    );

    let hs = tls12::client::ClientHs {
        config,
        server_name,
        client_random: random,
        server_random: sh.random.0,
        suite,
        transcript,
        ems,
        session_id: echo.clone(),
        ticket_expected,
        status_expected,
    };
    // Resumption: the server echoed the id we offered (RFC 5246 §7.4.1.3).
    if let Some(session) = resuming12 {
        if !echo.is_empty() && echo == session_id {
            return tls12::client::resume(core, hs, session);
        }
        if let Some(store) = &hs.config.session_store {
            store.remove(&hs.server_name);
        }
    }
    if hs.config.common.require_ems && !ems {
        return Err(Error::handshake_failure(
            "server does not support extended master secret (RFC 7627)",
        ));
    }
    Ok(tls12::client::expect_certificate(hs))
}

/// The server's ALPN choice: exactly one protocol, one we offered (RFC 7301 §3.2).
pub(crate) fn checked_alpn(
    config: &ClientConfig,
    exts: &Extensions<'_>,
) -> Result<Option<Vec<u8>>, Error> {
    let Some(list) = exts.alpn() else {
        return Ok(None);
    };
    let mut it = list.iter();
    let chosen = it.next().ok_or_else(|| Error::decode("empty ALPN"))?;
    if it.next().is_some()
        || !config
            .common
            .alpn_protocols
            .iter()
            .any(|p| p[..] == *chosen.0)
    {
        return Err(Error::illegal("server ALPN choice was not offered"));
    }
    Ok(Some(chosen.0.to_vec()))
}

/// A TLS client connection (sans-I/O).
pub struct ClientConnection {
    pub(crate) inner: Connection,
}

impl std::fmt::Debug for ClientConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConnection")
            .field("handshaking", &self.inner.is_handshaking())
            .field(
                "negotiated",
                &self.inner.core.negotiated.suite.map(|s| s.name),
            )
            .finish_non_exhaustive()
    }
}

impl ClientConnection {
    /// Starts a handshake with `server_name` (a DNS name or an IP literal); the
    /// ClientHello is ready for `write_tls` at once.
    pub fn new(config: Arc<ClientConfig>, server_name: &str) -> Result<Self, Error> {
        Self::with_trace(config, server_name, None)
    }

    /// As [`ClientConnection::new`], printing the handshake flow to `trace`.
    pub fn with_trace(
        config: Arc<ClientConfig>,
        server_name: &str,
        trace: Option<crate::trace::TraceSink>,
    ) -> Result<Self, Error> {
        let mut core = Core::new(
            Side::Client,
            config.common.provider,
            config.common.max_handshake_message,
        );
        core.trace = trace;
        let state = start(&mut core, config, server_name)?;
        Ok(ClientConnection {
            inner: Connection::new(core, state),
        })
    }
}
