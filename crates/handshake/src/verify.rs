//! Certificate verification as the handshake sees it: a chain in, accept or an alert out.
//! The real implementations wrap `tlskit-x509` ([`WebPkiServerVerifier`],
//! [`WebPkiClientVerifier`]); tests and benchmarks may opt into [`danger`].

use crate::error::Error;
use std::fmt;

/// Checks a server's certificate chain and its name.
pub trait ServerCertVerifier: Send + Sync + fmt::Debug {
    /// `end_entity` and `intermediates` are DER as received; `server_name` is the name the
    /// client connected to (DNS name or IP literal); `now` is Unix seconds. On failure,
    /// return [`Error::Certificate`] with the alert to send.
    fn verify_server_cert(
        &self,
        end_entity: &[u8],
        intermediates: &[&[u8]],
        server_name: &str,
        now: u64,
    ) -> Result<(), Error>;
}

/// Checks a client's certificate chain.
pub trait ClientCertVerifier: Send + Sync + fmt::Debug {
    /// As [`ServerCertVerifier::verify_server_cert`], without a name.
    fn verify_client_cert(
        &self,
        end_entity: &[u8],
        intermediates: &[&[u8]],
        now: u64,
    ) -> Result<(), Error>;
}

/// Verifiers that skip checks. Only for measuring (tlsbench against a self-signed server)
/// and tests; never the default, and named so that a reader sees the danger.
pub mod danger {
    use super::*;

    /// Accepts any server certificate. Signatures over the handshake are still checked
    /// against the presented key, but the key is not tied to any trusted identity.
    #[derive(Debug, Default)]
    pub struct NoServerVerification;

    impl ServerCertVerifier for NoServerVerification {
        fn verify_server_cert(&self, _: &[u8], _: &[&[u8]], _: &str, _: u64) -> Result<(), Error> {
            Ok(())
        }
    }
}

/// Maps a `tlskit-x509` failure to the handshake error with its alert.
fn cert_error(e: tlskit_x509::CertError) -> Error {
    Error::Certificate {
        alert: tlskit_wire::AlertDescription::from_u8(e.alert_description()),
        reason: e.to_string(),
    }
}

fn unix(now: u64) -> tlskit_x509::UnixTime {
    tlskit_x509::UnixTime::from_unix_secs(i64::try_from(now).unwrap_or(i64::MAX))
}

/// Server-certificate verification by `tlskit-x509` (RFC 5280 path validation, the
/// CA/Browser Forum profile, RFC 6125 names, CRLs): the default.
#[derive(Debug, Clone)]
pub struct WebPkiServerVerifier(tlskit_x509::WebPkiServerVerifier);

impl WebPkiServerVerifier {
    /// Trusts `roots`, with default options.
    pub fn new(
        roots: tlskit_x509::RootStore,
        provider: &'static dyn tlskit_crypto::CryptoProvider,
    ) -> Self {
        Self::with_options(roots, provider, tlskit_x509::VerifyOptions::default())
    }

    /// Trusts `roots` with explicit options (CRLs, revocation policy, depth).
    pub fn with_options(
        roots: tlskit_x509::RootStore,
        provider: &'static dyn tlskit_crypto::CryptoProvider,
        options: tlskit_x509::VerifyOptions,
    ) -> Self {
        WebPkiServerVerifier(tlskit_x509::WebPkiServerVerifier::new(
            roots, provider, options,
        ))
    }

    /// Trusts the CERTIFICATE blocks of a PEM bundle.
    pub fn from_pem(
        pem: &[u8],
        provider: &'static dyn tlskit_crypto::CryptoProvider,
    ) -> Result<Self, Error> {
        let mut roots = tlskit_x509::RootStore::new();
        roots.add_pem(pem);
        if roots.is_empty() {
            return Err(Error::Config(
                "no usable CA certificate in the PEM bundle".into(),
            ));
        }
        Ok(Self::new(roots, provider))
    }
}

impl ServerCertVerifier for WebPkiServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &[u8],
        intermediates: &[&[u8]],
        server_name: &str,
        now: u64,
    ) -> Result<(), Error> {
        use tlskit_x509::ServerCertVerifier as _;
        let name = tlskit_x509::ServerName::try_from_str(server_name)
            .map_err(|e| Error::Config(format!("invalid server name {server_name:?}: {e:?}")))?;
        self.0
            .verify_server_cert(end_entity, intermediates, &name, unix(now))
            .map(|_| ())
            .map_err(cert_error)
    }
}

/// Client-certificate verification by `tlskit-x509` (extKeyUsage clientAuth).
#[derive(Debug, Clone)]
pub struct WebPkiClientVerifier(tlskit_x509::WebPkiClientVerifier);

impl WebPkiClientVerifier {
    /// Trusts `roots` for client certificates.
    pub fn new(
        roots: tlskit_x509::RootStore,
        provider: &'static dyn tlskit_crypto::CryptoProvider,
    ) -> Self {
        WebPkiClientVerifier(tlskit_x509::WebPkiClientVerifier::new(
            roots,
            provider,
            tlskit_x509::VerifyOptions::default(),
        ))
    }

    /// Trusts the CERTIFICATE blocks of a PEM bundle.
    pub fn from_pem(
        pem: &[u8],
        provider: &'static dyn tlskit_crypto::CryptoProvider,
    ) -> Result<Self, Error> {
        let mut roots = tlskit_x509::RootStore::new();
        roots.add_pem(pem);
        if roots.is_empty() {
            return Err(Error::Config(
                "no usable CA certificate in the PEM bundle".into(),
            ));
        }
        Ok(Self::new(roots, provider))
    }
}

impl ClientCertVerifier for WebPkiClientVerifier {
    fn verify_client_cert(
        &self,
        end_entity: &[u8],
        intermediates: &[&[u8]],
        now: u64,
    ) -> Result<(), Error> {
        use tlskit_x509::ClientCertVerifier as _;
        self.0
            .verify_client_cert(end_entity, intermediates, unix(now))
            .map(|_| ())
            .map_err(cert_error)
    }
}

/// The leaf's SubjectPublicKeyInfo (DER), for checking the peer's handshake signature.
pub(crate) fn leaf_spki(leaf: &[u8]) -> Result<Vec<u8>, Error> {
    tlskit_x509::Certificate::from_der(leaf)
        .map(|c| c.spki.to_vec())
        .map_err(|e| {
            Error::fatal(
                tlskit_wire::AlertDescription::BadCertificate,
                format!("leaf certificate: {e:?}"),
            )
        })
}

/// The seed's four checks on a server's chain (trusted chain, revocation, validity, host
/// name) by `verifier`; returns the leaf's SubjectPublicKeyInfo. An empty chain is
/// `decode_error` (RFC 8446 §4.4.2.4, RFC 5246 §7.4.2).
pub(crate) fn verify_server_chain(
    core: &crate::conn::Core,
    verifier: &dyn ServerCertVerifier,
    chain: &[Vec<u8>],
    server_name: &str,
) -> Result<Vec<u8>, Error> {
    let Some((leaf, rest)) = chain.split_first() else {
        return Err(Error::fatal(
            tlskit_wire::AlertDescription::DecodeError,
            "server sent no certificate",
        ));
    };
    let intermediates: Vec<&[u8]> = rest.iter().map(|c| c.as_slice()).collect();
    verifier.verify_server_cert(
        leaf,
        &intermediates,
        server_name,
        crate::session::unix_now(),
    )?;
    core.trace(
        crate::trace::Direction::Local,
        format_args!(
            "server certificate chain ({} certs) verified for {server_name}",
            chain.len()
        ),
    );
    leaf_spki(leaf)
}

/// A client's chain checked by `verifier`; returns the leaf's SubjectPublicKeyInfo. The
/// caller handles the empty chain (policy decides).
pub(crate) fn verify_client_chain(
    core: &crate::conn::Core,
    verifier: &dyn ClientCertVerifier,
    leaf: &[u8],
    rest: &[Vec<u8>],
) -> Result<Vec<u8>, Error> {
    let intermediates: Vec<&[u8]> = rest.iter().map(|c| c.as_slice()).collect();
    verifier.verify_client_cert(leaf, &intermediates, crate::session::unix_now())?;
    core.trace(
        crate::trace::Direction::Local,
        format_args!(
            "client certificate chain ({} certs) verified",
            rest.len() + 1
        ),
    );
    leaf_spki(leaf)
}
