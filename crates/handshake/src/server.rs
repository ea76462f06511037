//! The server's entry: the ClientHello that decides version, suite, certificate and
//! resumption.

use crate::config::ServerConfig;
use crate::conn::{Connection, Core, Side};
use crate::error::Error;
use crate::state::{unexpected, Msg, State};
use crate::suites::ProtocolVersion;
use crate::{tls12, tls13};
use std::sync::Arc;
use tlskit_wire::{
    AlertDescription, CipherSuite as WireSuite, Compression, ExtensionType, HandshakeMessage,
    ProtocolVersion as WireVersion,
};

/// TLS_FALLBACK_SCSV (RFC 7507 §2).
const FALLBACK_SCSV: WireSuite = WireSuite(0x5600);

pub(crate) struct ExpectClientHello {
    pub(crate) config: Arc<ServerConfig>,
}

impl State for ExpectClientHello {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::ClientHello(ch),
            encoded,
        } = msg
        else {
            return Err(unexpected("ClientHello", &msg));
        };
        let config = self.config;
        let common = &config.common;
        // Version (RFC 8446 §4.2.1 / RFC 5246 Appendix E.1).
        let client_max = match ch.extensions.supported_versions() {
            Some(list) => list
                .iter()
                .filter(|v| v.0 >= 0x0301 && v.0 <= 0x0304)
                .max()
                .unwrap_or(WireVersion(0)),
            None => ch.legacy_version,
        };
        let offers_12 = match ch.extensions.supported_versions() {
            Some(list) => list.contains(&WireVersion::TLS12),
            None => ch.legacy_version.0 >= 0x0303,
        };
        // TLS 1.3 when both sides speak it (RFC 8446 §4.2.1: supported_versions decides).
        if common.supports(ProtocolVersion::Tls13) && ch.offers_tls13() {
            if ch.legacy_version.0 < 0x0303 {
                return Err(Error::fatal(
                    AlertDescription::ProtocolVersion,
                    "legacy_version below 0x0303",
                ));
            }
            return tls13::server::handle_client_hello(core, config, &ch, encoded, None);
        }
        if !(common.supports(ProtocolVersion::Tls12) && offers_12) {
            let ours: Vec<&str> = common.versions.iter().map(|v| v.name()).collect();
            return Err(Error::fatal(
                AlertDescription::ProtocolVersion,
                format!(
                    "client offers up to {client_max:?}; this server speaks {}",
                    ours.join(", ")
                ),
            ));
        }
        // RFC 7507 §3: a fallback retry while we support a higher version is an attack.
        let our_max = if common.supports(ProtocolVersion::Tls13) {
            0x0304
        } else {
            0x0303
        };
        if ch.cipher_suites.contains(&FALLBACK_SCSV) && client_max.0 < our_max {
            return Err(Error::fatal(
                AlertDescription::InappropriateFallback,
                "TLS_FALLBACK_SCSV with a lower version",
            ));
        }
        if !ch.compression_methods.contains(&Compression::NULL) {
            return Err(Error::illegal(
                "ClientHello without the null compression method",
            ));
        }
        if let Some(ri) = ch.extensions.renegotiation_info() {
            if !ri.is_empty() {
                return Err(Error::handshake_failure(
                    "non-empty renegotiation_info in an initial ClientHello",
                ));
            }
        }
        if ch.extensions.contains(ExtensionType::EARLY_DATA) && !ch.offers_tls13() {
            return Err(Error::illegal("early_data without TLS 1.3"));
        }
        core.set_version(ProtocolVersion::Tls12);
        tls12::server::handle_client_hello(core, config, &ch, encoded)
    }
}

/// A TLS server connection (sans-I/O).
pub struct ServerConnection {
    pub(crate) inner: Connection,
}

impl std::fmt::Debug for ServerConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConnection")
            .field("handshaking", &self.inner.is_handshaking())
            .field(
                "negotiated",
                &self.inner.core.negotiated.suite.map(|s| s.name),
            )
            .finish_non_exhaustive()
    }
}

impl ServerConnection {
    /// A connection waiting for a ClientHello.
    pub fn new(config: Arc<ServerConfig>) -> Result<Self, Error> {
        Self::with_trace(config, None)
    }

    /// As [`ServerConnection::new`], printing the handshake flow to `trace`.
    pub fn with_trace(
        config: Arc<ServerConfig>,
        trace: Option<crate::trace::TraceSink>,
    ) -> Result<Self, Error> {
        let mut core = Core::new(
            Side::Server,
            config.common.provider,
            config.common.max_handshake_message,
        );
        core.trace = trace;
        core.defer_signatures = config.defer_signatures;
        Ok(ServerConnection {
            inner: Connection::new(core, Box::new(ExpectClientHello { config })),
        })
    }
}
