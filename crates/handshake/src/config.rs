//! Client and server configuration, with secure defaults: TLS 1.3 and 1.2, AEAD suites only,
//! ECDHE only, extended master secret required, renegotiation refused, certificates verified.

use crate::error::Error;
use crate::session::{ClientSessionStore, ServerSessionCache};
use crate::suites::{CipherSuite, ProtocolVersion, ALL_SUITES};
use crate::ticketer::Ticketer;
use crate::verify::{ClientCertVerifier, ServerCertVerifier};
use std::fmt;
use std::sync::Arc;
use tlskit_crypto::{CryptoProvider, NamedGroup, PrivateKeyDer, SignatureScheme, SigningKey};
use tlskit_keyschedule::KeyLog;

/// A certificate chain (leaf first, DER) and the private key for the leaf.
#[derive(Clone)]
pub struct CertifiedKey {
    /// DER certificates, end-entity first.
    pub chain: Vec<Vec<u8>>,
    /// The leaf's private key.
    pub key: Arc<dyn SigningKey>,
    /// A DER OCSPResponse for the leaf, stapled for clients that send status_request
    /// (RFC 6066 §8, RFC 8446 §4.4.2.1). Refreshing it is the application's job.
    pub ocsp: Option<Vec<u8>>,
}

impl fmt::Debug for CertifiedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertifiedKey")
            .field("chain_len", &self.chain.len())
            .field("key", &self.key.key_type())
            .field("ocsp", &self.ocsp.as_ref().map(|r| r.len()))
            .finish()
    }
}

impl CertifiedKey {
    /// Loads a PEM chain and a PEM/DER private key with `provider`.
    pub fn from_pem(
        provider: &'static dyn CryptoProvider,
        chain_pem: &[u8],
        key_pem: &[u8],
    ) -> Result<Self, Error> {
        let chain = tlskit_crypto::pem::parse_label(chain_pem, "CERTIFICATE");
        if chain.is_empty() {
            return Err(Error::Config(
                "no CERTIFICATE block in the chain file".into(),
            ));
        }
        let key_der = PrivateKeyDer::from_pem_or_der(key_pem)
            .map_err(|e| Error::Config(format!("private key: {e}")))?;
        let key = provider
            .load_signing_key(&key_der)
            .map_err(|e| Error::Config(format!("private key: {e}")))?;
        check_key_matches_leaf(&*key, &chain)?;
        Ok(CertifiedKey {
            chain,
            key,
            ocsp: None,
        })
    }

    /// Staples `response` (a DER OCSPResponse for the leaf) to handshakes whose client
    /// asks for it.
    pub fn with_ocsp(mut self, response: Vec<u8>) -> Self {
        self.ocsp = Some(response);
        self
    }
}

/// The private key must belong to the leaf certificate: a mismatch would only show as
/// every peer failing the handshake signature (decrypt_error), far from its cause.
fn check_key_matches_leaf(key: &dyn SigningKey, chain: &[Vec<u8>]) -> Result<(), Error> {
    let leaf = chain
        .first()
        .ok_or_else(|| Error::Config("empty certificate chain".into()))?;
    let cert = tlskit_x509::Certificate::from_der(leaf)
        .map_err(|e| Error::Config(format!("leaf certificate: {e}")))?;
    let from_cert = tlskit_crypto::SubjectPublicKeyInfo::from_der(cert.spki)
        .map_err(|e| Error::Config(format!("leaf certificate key: {e}")))?;
    let ours = key.public_key_spki();
    let from_key = tlskit_crypto::SubjectPublicKeyInfo::from_der(&ours)
        .map_err(|e| Error::Config(format!("private key: {e}")))?;
    if from_cert.key != from_key.key {
        return Err(Error::Config(
            "the private key does not match the leaf certificate's public key".into(),
        ));
    }
    Ok(())
}

/// Chooses the server's certificate for a ClientHello (by SNI, by the client's signature
/// schemes). Implement it to serve several names from one config.
pub trait ResolvesServerCert: Send + Sync + fmt::Debug {
    /// The certificate for `server_name` (None if no SNI was sent) usable with one of
    /// `schemes`; `None` aborts the handshake with `handshake_failure` (or
    /// `unrecognized_name` when SNI matched nothing).
    fn resolve(
        &self,
        server_name: Option<&str>,
        schemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>>;
}

/// Serves one certificate whatever the SNI (a benchmark server's usual setup).
#[derive(Debug, Clone)]
pub struct SingleCert(pub Arc<CertifiedKey>);

impl ResolvesServerCert for SingleCert {
    fn resolve(&self, _: Option<&str>, _: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

/// Serves a certificate per host name, with an optional default.
#[derive(Debug, Default, Clone)]
pub struct CertsBySni {
    by_name: Vec<(String, Arc<CertifiedKey>)>,
    default: Option<Arc<CertifiedKey>>,
}

impl CertsBySni {
    /// An empty resolver.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds `cert` for `name` (compared case-insensitively).
    pub fn add(&mut self, name: &str, cert: Arc<CertifiedKey>) {
        self.by_name.push((name.to_ascii_lowercase(), cert));
    }
    /// Sets the certificate used when SNI is absent or unknown.
    pub fn set_default(&mut self, cert: Arc<CertifiedKey>) {
        self.default = Some(cert);
    }
}

impl ResolvesServerCert for CertsBySni {
    fn resolve(&self, name: Option<&str>, _: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        name.and_then(|n| {
            let n = n.to_ascii_lowercase();
            self.by_name
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, c)| c.clone())
        })
        .or_else(|| self.default.clone())
    }
}

/// What the server does about client certificates (RFC 5246 §7.4.4, RFC 8446 §4.3.2).
#[derive(Clone, Debug)]
pub enum ClientAuth {
    /// Do not ask for one.
    Off,
    /// Ask; continue unauthenticated if the client sends none (a bad one still fails).
    Optional(Arc<dyn ClientCertVerifier>),
    /// Ask and require one: no certificate ends the handshake (`certificate_required` in
    /// TLS 1.3, `handshake_failure` in TLS 1.2).
    Required(Arc<dyn ClientCertVerifier>),
}

/// The largest record_size_limit TLS 1.3 allows: 2^14 plus the inner content type (RFC 8449
/// §4); TLS 1.2's is 2^14.
pub const RECORD_SIZE_LIMIT_MAX_TLS13: u16 = (1 << 14) + 1;

/// Settings shared by both sides.
#[derive(Clone)]
pub struct CommonConfig {
    /// The crypto backend.
    pub provider: &'static dyn CryptoProvider,
    /// Enabled versions (default TLS 1.3 and 1.2).
    pub versions: Vec<ProtocolVersion>,
    /// Enabled suites in preference order (default: every suite the provider can run).
    pub cipher_suites: Vec<CipherSuite>,
    /// Enabled key-exchange groups in preference order (default X25519, P-256, P-384).
    pub groups: Vec<NamedGroup>,
    /// Signature schemes accepted from the peer and offered, in preference order.
    pub signature_schemes: Vec<SignatureScheme>,
    /// ALPN protocols in preference order (RFC 7301); empty = no ALPN.
    pub alpn_protocols: Vec<Vec<u8>>,
    /// Where secrets are logged (NSS key-log format); default: `SSLKEYLOGFILE` if set.
    pub key_log: Arc<dyn KeyLog>,
    /// Require the extended master secret in TLS 1.2 (RFC 7627). Default true; turning it
    /// off is the opt-in `insecure_allow_no_ems`.
    pub require_ems: bool,
    /// Largest handshake message accepted (bytes).
    pub max_handshake_message: usize,
    /// record_size_limit (RFC 8449) to advertise: the largest protected record plaintext
    /// we accept (TLS 1.3 counts the inner content type: at most 2^14 + 1). `None` neither
    /// sends nor answers the extension. The peer's limit is honoured when sending. Default
    /// `Some(16385)`: accept full records and let constrained peers ask for smaller ones.
    pub record_size_limit: Option<u16>,
}

impl fmt::Debug for CommonConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommonConfig")
            .field("provider", &self.provider.name())
            .field("versions", &self.versions)
            .field(
                "cipher_suites",
                &self
                    .cipher_suites
                    .iter()
                    .map(|s| s.name)
                    .collect::<Vec<_>>(),
            )
            .field("groups", &self.groups)
            .field("require_ems", &self.require_ems)
            .finish_non_exhaustive()
    }
}

impl CommonConfig {
    /// Secure defaults for `provider`: everything it supports that tlskit implements.
    pub fn new(provider: &'static dyn CryptoProvider) -> Self {
        let cipher_suites = ALL_SUITES
            .iter()
            .copied()
            .filter(|s| provider.aead(s.aead).is_some() && provider.hkdf(s.hash).is_some())
            .collect();
        let groups = [
            NamedGroup::X25519,
            NamedGroup::Secp256r1,
            NamedGroup::Secp384r1,
        ]
        .into_iter()
        .filter(|g| provider.key_exchange(*g).is_some())
        .collect();
        let verifiable = provider.supported_verify_algorithms();
        let signature_schemes = SignatureScheme::ALL
            .into_iter()
            .filter(|s| verifiable.contains(&s.verify_algorithm()))
            .collect();
        CommonConfig {
            provider,
            versions: vec![ProtocolVersion::Tls13, ProtocolVersion::Tls12],
            cipher_suites,
            groups,
            signature_schemes,
            alpn_protocols: Vec::new(),
            key_log: Arc::new(tlskit_keyschedule::KeyLogFile::from_env()),
            require_ems: true,
            max_handshake_message: 64 * 1024,
            record_size_limit: Some(RECORD_SIZE_LIMIT_MAX_TLS13),
        }
    }

    /// Restricts to one version.
    pub fn only_version(&mut self, version: ProtocolVersion) {
        self.versions = vec![version];
    }

    pub(crate) fn supports(&self, v: ProtocolVersion) -> bool {
        self.versions.contains(&v)
    }

    pub(crate) fn suites_for(&self, v: ProtocolVersion) -> impl Iterator<Item = CipherSuite> + '_ {
        self.cipher_suites
            .iter()
            .copied()
            .filter(move |s| s.version == v)
    }
}

/// Client configuration.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Shared settings.
    pub common: CommonConfig,
    /// Verifies the server's certificate chain and name.
    pub verifier: Arc<dyn ServerCertVerifier>,
    /// Certificate to present when the server asks (client authentication).
    pub client_cert: Option<Arc<CertifiedKey>>,
    /// Where sessions are kept for resumption (`None` disables resumption).
    pub session_store: Option<Arc<ClientSessionStore>>,
    /// Ask for RFC 5077 tickets in TLS 1.2 (default true).
    pub enable_tickets: bool,
    /// Send SNI (default true; never for IP addresses, RFC 6066 §3).
    pub enable_sni: bool,
}

impl ClientConfig {
    /// A config with secure defaults, verifying servers with `verifier`.
    pub fn new(
        provider: &'static dyn CryptoProvider,
        verifier: Arc<dyn ServerCertVerifier>,
    ) -> Self {
        ClientConfig {
            common: CommonConfig::new(provider),
            verifier,
            client_cert: None,
            session_store: Some(Arc::new(ClientSessionStore::new(256))),
            enable_tickets: true,
            enable_sni: true,
        }
    }
}

/// Server configuration.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Shared settings.
    pub common: CommonConfig,
    /// Picks the certificate.
    pub cert_resolver: Arc<dyn ResolvesServerCert>,
    /// Client-certificate policy.
    pub client_auth: ClientAuth,
    /// Session-id cache for TLS 1.2 resumption (`None` disables it).
    pub session_cache: Option<Arc<ServerSessionCache>>,
    /// Ticket encryption (`None` disables tickets in 1.2 and resumption in 1.3).
    pub ticketer: Option<Arc<Ticketer>>,
    /// TLS 1.3 NewSessionTickets sent after the handshake (default 1).
    pub tls13_tickets: usize,
    /// Prefer the server's suite order over the client's (default true).
    pub prefer_server_order: bool,
    /// Pause each full handshake at the server's signature (TLS 1.2 ServerKeyExchange,
    /// TLS 1.3 CertificateVerify) so the application can sign elsewhere — another thread,
    /// an HSM, a remote signer — and resume with `supply_signature` (default false).
    pub defer_signatures: bool,
}

impl ServerConfig {
    /// A config with secure defaults serving `cert`, a session cache of 4096 entries and
    /// tickets under keys rotated every 6 hours.
    pub fn new(
        provider: &'static dyn CryptoProvider,
        cert: Arc<CertifiedKey>,
    ) -> Result<Self, Error> {
        let ticketer = Ticketer::new(provider, 6 * 3600)
            .map(Arc::new)
            .map_err(|e| Error::Config(format!("ticketer: {e}")))?;
        Ok(ServerConfig {
            common: CommonConfig::new(provider),
            cert_resolver: Arc::new(SingleCert(cert)),
            client_auth: ClientAuth::Off,
            session_cache: Some(Arc::new(ServerSessionCache::new(4096))),
            ticketer: Some(ticketer),
            tls13_tickets: 1,
            prefer_server_order: true,
            defer_signatures: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider() -> &'static dyn CryptoProvider {
        tlskit_providers::by_name("ring").expect("ring")
    }

    #[test]
    fn certified_key_needs_the_leafs_own_key() {
        let key = rcgen::KeyPair::generate().expect("key");
        let other = rcgen::KeyPair::generate().expect("key");
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        let chain = cert.pem();
        assert!(CertifiedKey::from_pem(
            provider(),
            chain.as_bytes(),
            key.serialize_pem().as_bytes()
        )
        .is_ok());
        let err = CertifiedKey::from_pem(
            provider(),
            chain.as_bytes(),
            other.serialize_pem().as_bytes(),
        )
        .expect_err("a key of another certificate");
        assert!(err.to_string().contains("does not match"), "{err}");
    }
}
