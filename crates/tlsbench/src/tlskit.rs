//! The adapter between the engine and tlskit's own connections
//! (`tlskit_handshake::{ClientConnection, ServerConnection}`): builds client and server
//! configs from the command-line [`TlsOptions`] and hands out sessions.

use crate::credentials::{self, Credentials};
use crate::session::{
    CertKind, ResumeMode, Session, SessionError, SessionFactory, Sides, TlsOptions, TlsVersion,
};
use std::sync::Arc;
use tlskit_crypto::{CryptoProvider, NamedGroup};
use tlskit_handshake::suites::{self, ProtocolVersion};
use tlskit_handshake::verify::{WebPkiClientVerifier, WebPkiServerVerifier};
use tlskit_handshake::{
    CertifiedKey, ClientAuth, ClientConfig, ClientConnection, CommonConfig, Error, ServerConfig,
    ServerConnection,
};

/// The short label an error is counted under: the alert we sent or received.
fn error_kind(e: &Error) -> String {
    match e {
        Error::Fatal { alert, .. } | Error::Certificate { alert, .. } => {
            format!("alert-sent:{}", alert.name())
        }
        Error::PeerAlert(alert) => format!("alert-received:{}", alert.name()),
        Error::UnexpectedEof => "eof".into(),
        Error::Closed => "closed".into(),
        Error::Config(_) => "config".into(),
    }
}

fn describe(n: &tlskit_handshake::Negotiated) -> String {
    let version = n.version.map(|v| v.name()).unwrap_or("?");
    let suite = n.suite.map(|s| s.name).unwrap_or("?");
    let group = n.group.map(|g| g.name()).unwrap_or("-");
    format!("{version} {suite} {group}")
}

crate::impl_session!(
    ClientConnection,
    kind = error_kind,
    describe = |c: &ClientConnection| describe(c.negotiated()),
    resumed = |c: &ClientConnection| Some(c.negotiated().resumed)
);
crate::impl_session!(
    ServerConnection,
    kind = error_kind,
    describe = |c: &ServerConnection| describe(c.negotiated()),
    resumed = |c: &ServerConnection| Some(c.negotiated().resumed)
);

/// Creates tlskit sessions with configs shared by every connection of a run (so the client
/// session store and the server's cache and ticketer give resumption across connections).
pub struct TlskitFactory {
    name: String,
    client: Option<Arc<ClientConfig>>,
    server: Option<Arc<ServerConfig>>,
}

impl std::fmt::Debug for TlskitFactory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlskitFactory")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

fn parse_group(name: &str) -> Result<NamedGroup, String> {
    match name.to_ascii_lowercase().as_str() {
        "x25519" => Ok(NamedGroup::X25519),
        "secp256r1" | "p-256" | "p256" | "prime256v1" => Ok(NamedGroup::Secp256r1),
        "secp384r1" | "p-384" | "p384" => Ok(NamedGroup::Secp384r1),
        other => Err(format!(
            "unknown group {other:?}: x25519, secp256r1 or secp384r1"
        )),
    }
}

fn read(path: &std::path::Path, what: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("reading {what} {}: {e}", path.display()))
}

/// The client's certificate for `--client-auth`: `--client-cert`/`--client-key` when
/// given, else the generated client identity of an in-process run.
fn client_certificate(
    provider: &'static dyn CryptoProvider,
    opts: &TlsOptions,
    generated: Option<&Credentials>,
) -> Result<Arc<CertifiedKey>, String> {
    let key = match (&opts.client_cert_file, &opts.client_key_file, generated) {
        (Some(chain), Some(key), _) => {
            let chain = read(chain, "--client-cert")?;
            let key = zeroize::Zeroizing::new(read(key, "--client-key")?);
            CertifiedKey::from_pem(provider, &chain, &key)
        }
        (Some(_), None, _) | (None, Some(_), _) => {
            return Err("--client-cert and --client-key go together".into())
        }
        (None, None, Some(creds)) => CertifiedKey::from_pem(
            provider,
            creds.client.chain_pem.as_bytes(),
            creds.client.key_pem.as_bytes(),
        ),
        (None, None, None) => return Err(CLIENT_AUTH_NEEDS_CERT.into()),
    };
    key.map(Arc::new)
        .map_err(|e| format!("client certificate: {e}"))
}

/// The error for `--connect --client-auth` without a client certificate.
pub const CLIENT_AUTH_NEEDS_CERT: &str =
    "--client-auth with --connect needs the client's certificate: --client-cert CHAIN.pem --client-key KEY.pem";

impl TlskitFactory {
    /// Builds the configs the options ask for; refuses combinations that cannot work.
    pub fn new(
        provider: &'static dyn CryptoProvider,
        opts: &TlsOptions,
        sides: Sides,
    ) -> Result<Self, String> {
        let resume = opts.resume.unwrap_or(ResumeMode::None);
        let version = opts.version.map(|v| match v {
            TlsVersion::Tls12 => ProtocolVersion::Tls12,
            TlsVersion::Tls13 => ProtocolVersion::Tls13,
        });
        if resume == ResumeMode::Id && version == Some(ProtocolVersion::Tls13) {
            return Err("--resume id: TLS 1.3 has no session ids; use --resume ticket".into());
        }
        let mut common = CommonConfig::new(provider);
        if let Some(v) = version {
            common.only_version(v);
        }
        if let Some(name) = &opts.suite {
            let suite = suites::by_name(name)
                .ok_or_else(|| format!("unknown or unsupported suite {name:?}"))?;
            if version.is_some_and(|v| v != suite.version) {
                return Err(format!(
                    "--suite {name} is a {} suite",
                    suite.version.name()
                ));
            }
            common.cipher_suites = vec![suite];
            // A suite of one version pins the version.
            common.only_version(suite.version);
        }
        if let Some(g) = &opts.group {
            common.groups = vec![parse_group(g)?];
        }
        common.alpn_protocols = opts.alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
        if let Some(path) = &opts.keylog_file {
            let log = tlskit_keyschedule::KeyLogFile::open(path)
                .map_err(|e| format!("key log {}: {e}", path.display()))?;
            common.key_log = Arc::new(log);
        }

        // Credentials: generated for an in-process run, from files otherwise.
        let generated: Option<Credentials> = match sides {
            Sides::Both => Some(credentials::generate(
                opts.cert_kind.unwrap_or(CertKind::EcdsaP256),
            )?),
            _ => None,
        };

        let client = match sides {
            Sides::ServerOnly => None,
            _ => {
                let ca_pem =
                    match (&generated, &opts.ca_file) {
                        (_, Some(path)) => read(path, "--ca")?,
                        (Some(creds), None) => creds.ca_pem.clone().into_bytes(),
                        (None, None) => return Err(
                            "--connect needs --ca FILE: tlsbench verifies the server's certificate"
                                .into(),
                        ),
                    };
                let mut verifier =
                    WebPkiServerVerifier::from_pem(&ca_pem, provider).map_err(|e| e.to_string())?;
                if opts.verify_cache {
                    verifier = verifier
                        .with_verified_chain_cache(256, std::time::Duration::from_secs(300));
                }
                let mut cc = ClientConfig::new(provider, Arc::new(verifier));
                cc.common = common.clone();
                match resume {
                    ResumeMode::None => cc.session_store = None,
                    ResumeMode::Id => cc.enable_tickets = false,
                    ResumeMode::Ticket => {}
                }
                if opts.client_auth {
                    cc.client_cert = Some(client_certificate(provider, opts, generated.as_ref())?);
                }
                Some(Arc::new(cc))
            }
        };

        let server = match sides {
            Sides::ClientOnly => None,
            _ => {
                let (chain, key) = match (&generated, &opts.cert_chain_file, &opts.key_file) {
                    (_, Some(c), Some(k)) => (read(c, "--cert")?, read(k, "--key")?),
                    (Some(creds), _, _) => (
                        creds.server.chain_pem.clone().into_bytes(),
                        creds.server.key_pem.as_bytes().to_vec(),
                    ),
                    _ => return Err("the server needs --cert CHAIN.pem and --key KEY.pem".into()),
                };
                let mut key =
                    CertifiedKey::from_pem(provider, &chain, &key).map_err(|e| e.to_string())?;
                if let Some(path) = &opts.ocsp_file {
                    key = key.with_ocsp(read(path, "--ocsp")?);
                }
                let mut sc =
                    ServerConfig::new(provider, Arc::new(key)).map_err(|e| e.to_string())?;
                sc.common = common.clone();
                if resume == ResumeMode::Id {
                    sc.ticketer = None;
                }
                let client_ca = match (&opts.client_ca_file, &generated, opts.client_auth) {
                    (Some(path), _, _) => Some(read(path, "--client-ca")?),
                    (None, Some(creds), true) => Some(creds.ca_pem.clone().into_bytes()),
                    _ => None,
                };
                if let Some(pem) = client_ca {
                    let v = WebPkiClientVerifier::from_pem(&pem, provider)
                        .map_err(|e| e.to_string())?;
                    sc.client_auth = ClientAuth::Required(Arc::new(v));
                }
                Some(Arc::new(sc))
            }
        };
        Ok(TlskitFactory {
            name: format!("tlskit/{}", provider.name()),
            client,
            server,
        })
    }
}

impl SessionFactory for TlskitFactory {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn new_client(&self, server_name: &str) -> Result<Box<dyn Session>, SessionError> {
        let config = self
            .client
            .clone()
            .ok_or_else(|| SessionError::new("config", "no client config"))?;
        ClientConnection::new(config, server_name)
            .map(|c| Box::new(c) as Box<dyn Session>)
            .map_err(|e| SessionError::new(error_kind(&e), e.to_string()))
    }

    fn new_client_traced(&self, server_name: &str) -> Result<Box<dyn Session>, SessionError> {
        let config = self
            .client
            .clone()
            .ok_or_else(|| SessionError::new("config", "no client config"))?;
        ClientConnection::with_trace(
            config,
            server_name,
            Some(tlskit_handshake::TraceSink::stderr()),
        )
        .map(|c| Box::new(c) as Box<dyn Session>)
        .map_err(|e| SessionError::new(error_kind(&e), e.to_string()))
    }

    fn new_server(&self) -> Result<Box<dyn Session>, SessionError> {
        let config = self
            .server
            .clone()
            .ok_or_else(|| SessionError::new("config", "no server config"))?;
        ServerConnection::new(config)
            .map(|c| Box::new(c) as Box<dyn Session>)
            .map_err(|e| SessionError::new(error_kind(&e), e.to_string()))
    }
}
