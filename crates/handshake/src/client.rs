//! The client's first flight and the ServerHello that decides the version.

use crate::config::ClientConfig;
use crate::conn::{Connection, Core, Side};
use crate::error::Error;
use crate::session::ClientSession;
use crate::state::{unexpected, Msg, State};
use crate::suites::{self, CipherSuite, ProtocolVersion};
use crate::tls12;
use crate::trace::Direction;
use std::sync::Arc;
use tlskit_keyschedule::HandshakeHashBuffer;
use tlskit_wire::{
    AlertDescription, CipherSuite as WireSuite, ClientHello, Compression, EcPointFormat, Extension,
    ExtensionType, Extensions, HandshakeMessage, List, NamedGroup as WireGroup, ProtocolName,
    ProtocolVersion as WireVersion, Random, ServerName, ServerNameType, SessionId,
    SignatureScheme as WireScheme,
};

/// What the client offered, for checking the server's choices.
pub(crate) struct Offer {
    pub(crate) config: Arc<ClientConfig>,
    pub(crate) server_name: String,
    pub(crate) random: [u8; 32],
    pub(crate) session_id: Vec<u8>,
    pub(crate) resuming: Option<ClientSession>,
    pub(crate) sent_ticket: bool,
    pub(crate) transcript: HandshakeHashBuffer,
}

/// Whether `name` is an IP literal (SNI is then not sent, RFC 6066 §3).
fn is_ip_literal(name: &str) -> bool {
    name.parse::<std::net::IpAddr>().is_ok()
}

/// Builds and queues the ClientHello (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2).
pub(crate) fn start(
    core: &mut Core,
    config: Arc<ClientConfig>,
    server_name: &str,
) -> Result<Box<dyn State>, Error> {
    let common = &config.common;
    if !common.supports(ProtocolVersion::Tls12) {
        return Err(Error::Config(
            "TLS 1.3 client handshakes are not implemented yet; enable TLS 1.2".into(),
        ));
    }
    let mut random = [0u8; 32];
    core.provider
        .fill_random(&mut random)
        .map_err(Error::from)?;

    // Resumption (RFC 5077 §3.4): a stored ticket is sent with a fresh session id so the
    // ServerHello's echo tells whether the server resumed.
    let resuming = config
        .session_store
        .as_ref()
        .and_then(|s| s.get(server_name))
        .filter(|s| s.value.version == ProtocolVersion::Tls12.code())
        .filter(|s| {
            suites::find(s.value.cipher_suite).is_some_and(|cs| common.cipher_suites.contains(&cs))
        });
    let mut session_id = Vec::new();
    let mut ticket: &[u8] = &[];
    if let Some(session) = &resuming {
        if !session.ticket.is_empty() && config.enable_tickets {
            ticket = &session.ticket;
            session_id = vec![0u8; 32];
            core.provider
                .fill_random(&mut session_id)
                .map_err(Error::from)?;
        } else {
            session_id = session.session_id.clone();
        }
    }

    let suite_codes: Vec<WireSuite> = common
        .suites_for(ProtocolVersion::Tls12)
        .map(|s| WireSuite(s.code))
        .collect();
    if suite_codes.is_empty() {
        return Err(Error::Config("no TLS 1.2 cipher suite is enabled".into()));
    }
    let groups: Vec<WireGroup> = common.groups.iter().map(|g| WireGroup(g.code())).collect();
    let schemes: Vec<WireScheme> = common
        .signature_schemes
        .iter()
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

    let mut exts: Vec<Extension<'_>> = Vec::with_capacity(10);
    if config.enable_sni && !is_ip_literal(server_name) && !server_name.is_empty() {
        exts.push(Extension::ServerName(List::new(&sni)));
    }
    exts.push(Extension::SupportedGroups(List::new(&groups)));
    exts.push(Extension::EcPointFormats(List::new(&point_formats)));
    exts.push(Extension::SignatureAlgorithms(List::new(&schemes)));
    if !alpn.is_empty() {
        exts.push(Extension::Alpn(List::new(&alpn)));
    }
    exts.push(Extension::ExtendedMasterSecret);
    exts.push(Extension::RenegotiationInfo(&[]));
    if config.enable_tickets {
        exts.push(Extension::SessionTicket(ticket));
    }
    let compression = [Compression::NULL];
    let hello = ClientHello {
        legacy_version: WireVersion::TLS12,
        random: Random(random),
        legacy_session_id: SessionId(&session_id),
        cipher_suites: List::new(&suite_codes),
        compression_methods: List::new(&compression),
        extensions: Extensions::new(&exts),
    };
    let range = core.queue_handshake(&HandshakeMessage::ClientHello(hello))?;
    let mut transcript = HandshakeHashBuffer::new();
    transcript.add_message(core.flight_bytes(range));
    // A TLS 1.2 CertificateVerify signs the raw messages: keep them when we may sign.
    if config.client_cert.is_some() {
        transcript.retain_messages();
    }
    core.flush_flight()?;
    core.negotiated.server_name = Some(server_name.to_string());
    let sent_ticket = config.enable_tickets;
    Ok(Box::new(ExpectServerHello(Offer {
        config,
        server_name: server_name.to_string(),
        random,
        session_id,
        resuming,
        sent_ticket,
        transcript,
    })))
}

struct ExpectServerHello(Offer);

impl State for ExpectServerHello {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::ServerHello(sh),
            encoded,
        } = msg
        else {
            return Err(unexpected("ServerHello", &msg));
        };
        let offer = self.0;
        let version = sh.selected_version();
        if version != WireVersion::TLS12 {
            return Err(Error::fatal(
                AlertDescription::ProtocolVersion,
                format!("server chose {version:?}; this client offered TLS 1.2"),
            ));
        }
        // RFC 8446 §4.1.3: a TLS 1.3 client must check the downgrade sentinel. Only
        // relevant when we offered 1.3; a sentinel is then `illegal_parameter`.
        if offer.config.common.supports(ProtocolVersion::Tls13)
            && sh.random.downgrade_sentinel().is_some()
        {
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
            ) || (t == ExtensionType::SESSION_TICKET && offer.sent_ticket)
                || (t == ExtensionType::ALPN && !offer.config.common.alpn_protocols.is_empty());
            if !offered {
                return Err(Error::fatal(
                    AlertDescription::UnsupportedExtension,
                    format!("ServerHello carries unrequested extension {t:?}"),
                ));
            }
        }
        // RFC 5746 §3.4: renegotiated_connection must be empty on an initial handshake.
        if let Some(ri) = sh.extensions.renegotiation_info() {
            if !ri.is_empty() {
                return Err(Error::handshake_failure("non-empty renegotiation_info"));
            }
        }
        let ems = sh
            .extensions
            .contains(ExtensionType::EXTENDED_MASTER_SECRET);
        let alpn = match sh.extensions.alpn() {
            Some(list) => {
                let mut it = list.iter();
                let chosen = it.next().ok_or_else(|| Error::decode("empty ALPN"))?;
                if it.next().is_some()
                    || !offer
                        .config
                        .common
                        .alpn_protocols
                        .iter()
                        .any(|p| p[..] == *chosen.0)
                {
                    return Err(Error::illegal("server ALPN choice was not offered"));
                }
                Some(chosen.0.to_vec())
            }
            None => None,
        };
        let ticket_expected = sh.extensions.contains(ExtensionType::SESSION_TICKET);
        let server_random = sh.random.0;
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
            resuming,
            transcript,
            ..
        } = offer;
        let mut transcript = transcript.start(hash);
        transcript.add_message(encoded);
        core.set_version(ProtocolVersion::Tls12);
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
            server_random,
            suite,
            transcript,
            ems,
            session_id: echo.clone(),
            ticket_expected,
        };
        // Resumption: the server echoed the id we offered (RFC 5246 §7.4.1.3).
        if let Some(session) = resuming {
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
