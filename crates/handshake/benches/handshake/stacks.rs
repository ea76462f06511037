//! The handshakes measured, and the tlskit and rustls configurations that produce them.
//!
//! Both stacks get the same parameters: TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256 or TLS 1.3
//! TLS_AES_128_GCM_SHA256, an X25519 key exchange, the P-256 chain of [`Pki`], the client
//! verifying the chain against the root, no client authentication. Clients list X25519 then
//! P-256 in supported_groups and send one X25519 key share: in TLS 1.2 the list also names
//! the curves the client accepts for ECDSA certificates (RFC 8422 §5.1), so a P-256
//! certificate needs P-256 listed. Servers issue tickets (one TLS 1.3
//! ticket per handshake, and a TLS 1.2 ticket when the client asks), as a deployed server
//! does. "Full" clients ask for tickets and forget them, so every handshake is a full one;
//! "resumed" clients keep them.

use crate::pki::Pki;
use rustls::client::{ClientSessionStore, Resumption, Tls12ClientSessionValue};
use rustls::client::{Tls12Resumption, Tls13ClientSessionValue};
use rustls::crypto::ring as rustls_ring;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::NamedGroup as RustlsGroup;
use std::sync::Arc;
use tlskit_crypto::{CryptoProvider, NamedGroup};
use tlskit_handshake::suites::{self, ProtocolVersion};
use tlskit_handshake::verify::WebPkiServerVerifier;
use tlskit_handshake::{CertifiedKey, ClientConfig, ServerConfig};

/// One handshake shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    /// TLS 1.2 full handshake (ECDHE, certificate chain verified, ServerKeyExchange signed).
    Tls12Full,
    /// TLS 1.2 abbreviated handshake resuming by RFC 5077 ticket.
    Tls12ResumedTicket,
    /// TLS 1.2 abbreviated handshake resuming by session id (server-side cache; the server
    /// issues no tickets).
    Tls12ResumedId,
    /// TLS 1.3 full handshake.
    Tls13Full,
    /// TLS 1.3 PSK resumption (psk_dhe_ke, so with an X25519 exchange).
    Tls13Resumed,
}

impl Case {
    pub(crate) const ALL: [Case; 5] = [
        Case::Tls12Full,
        Case::Tls12ResumedTicket,
        Case::Tls12ResumedId,
        Case::Tls13Full,
        Case::Tls13Resumed,
    ];

    /// The criterion group name.
    pub(crate) fn group_name(self) -> &'static str {
        match self {
            Case::Tls12Full => "tls12_full",
            Case::Tls12ResumedTicket => "tls12_resumed_ticket",
            Case::Tls12ResumedId => "tls12_resumed_session_id",
            Case::Tls13Full => "tls13_full",
            Case::Tls13Resumed => "tls13_resumed_psk",
        }
    }

    pub(crate) fn version(self) -> ProtocolVersion {
        match self {
            Case::Tls12Full | Case::Tls12ResumedTicket | Case::Tls12ResumedId => {
                ProtocolVersion::Tls12
            }
            Case::Tls13Full | Case::Tls13Resumed => ProtocolVersion::Tls13,
        }
    }

    pub(crate) fn resumes(self) -> bool {
        !matches!(self, Case::Tls12Full | Case::Tls13Full)
    }

    fn server_issues_tickets(self) -> bool {
        self != Case::Tls12ResumedId
    }
}

/// tlskit client and server configurations for `case` on `provider`.
pub(crate) fn tlskit_configs(
    provider: &'static dyn CryptoProvider,
    pki: &Pki,
    case: Case,
) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    tlskit_configs_with(provider, pki, case, false)
}

/// As [`tlskit_configs`]; with `chain_cache` the client's verifier remembers the chains it
/// accepted (`WebPkiServerVerifier::with_verified_chain_cache`), so from the second
/// handshake on it skips the chain's signature checks (the ServerKeyExchange or
/// CertificateVerify signature is still verified every time). rustls has no such cache.
pub(crate) fn tlskit_configs_with(
    provider: &'static dyn CryptoProvider,
    pki: &Pki,
    case: Case,
    chain_cache: bool,
) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let suite = match case.version() {
        ProtocolVersion::Tls12 => suites::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ProtocolVersion::Tls13 => suites::TLS13_AES_128_GCM_SHA256,
    };
    let mut verifier =
        WebPkiServerVerifier::from_pem(pki.root_pem.as_bytes(), provider).expect("verifier");
    if chain_cache {
        verifier = verifier.with_verified_chain_cache(64, std::time::Duration::from_secs(300));
    }
    let mut client = ClientConfig::new(provider, Arc::new(verifier));
    client.common.only_version(case.version());
    client.common.cipher_suites = vec![suite];
    client.common.groups = vec![NamedGroup::X25519, NamedGroup::Secp256r1];
    client.enable_tickets = true;
    if !case.resumes() {
        client.session_store = None;
    }

    let key = CertifiedKey::from_pem(provider, pki.chain_pem.as_bytes(), pki.key_pem.as_bytes())
        .expect("server certificate and key");
    let mut server = ServerConfig::new(provider, Arc::new(key)).expect("server config");
    server.common.only_version(case.version());
    server.common.cipher_suites = vec![suite];
    server.common.groups = vec![NamedGroup::X25519, NamedGroup::Secp256r1];
    server.tls13_tickets = 1;
    if !case.server_issues_tickets() {
        server.ticketer = None;
    }
    (Arc::new(client), Arc::new(server))
}

/// A client session store that asks for tickets (the default TLS 1.2 policy) but keeps
/// nothing, for full handshakes: rustls's `Resumption::disabled()` would also stop asking.
#[derive(Debug)]
struct Forgetful;

impl ClientSessionStore for Forgetful {
    fn set_kx_hint(&self, _: ServerName<'static>, _: RustlsGroup) {}
    fn kx_hint(&self, _: &ServerName<'_>) -> Option<RustlsGroup> {
        None
    }
    fn set_tls12_session(&self, _: ServerName<'static>, _: Tls12ClientSessionValue) {}
    fn tls12_session(&self, _: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        None
    }
    fn remove_tls12_session(&self, _: &ServerName<'static>) {}
    fn insert_tls13_ticket(&self, _: ServerName<'static>, _: Tls13ClientSessionValue) {}
    fn take_tls13_ticket(&self, _: &ServerName<'static>) -> Option<Tls13ClientSessionValue> {
        None
    }
}

/// rustls (ring provider) client and server configurations for `case`.
pub(crate) fn rustls_configs(
    pki: &Pki,
    case: Case,
) -> (Arc<rustls::ClientConfig>, Arc<rustls::ServerConfig>) {
    let (suite, version) = match case.version() {
        ProtocolVersion::Tls12 => (
            rustls_ring::cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            &rustls::version::TLS12,
        ),
        ProtocolVersion::Tls13 => (
            rustls_ring::cipher_suite::TLS13_AES_128_GCM_SHA256,
            &rustls::version::TLS13,
        ),
    };
    let provider = Arc::new(rustls::crypto::CryptoProvider {
        cipher_suites: vec![suite],
        kx_groups: vec![
            rustls_ring::kx_group::X25519,
            rustls_ring::kx_group::SECP256R1,
        ],
        ..rustls_ring::default_provider()
    });

    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(pki.root_der.clone()))
        .expect("root certificate");
    let mut client = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[version])
        .expect("client versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    client.resumption = if case.resumes() {
        Resumption::in_memory_sessions(256)
    } else {
        Resumption::store(Arc::new(Forgetful))
    }
    .tls12_resumption(Tls12Resumption::SessionIdOrTickets);

    let chain = pki
        .chain_der
        .iter()
        .map(|der| CertificateDer::from(der.clone()))
        .collect();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.key_pkcs8_der.clone()));
    let mut server = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[version])
        .expect("server versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server certificate and key");
    server.send_tls13_tickets = 1;
    if case.server_issues_tickets() {
        server.ticketer = rustls_ring::Ticketer::new().expect("ticketer");
    }
    (Arc::new(client), Arc::new(server))
}
