//! The verifier interface the handshake plugs in.

use crate::anchors::RootStore;
use crate::error::{CertError, Purpose};
use crate::server_name::ServerName;
use crate::time::UnixTime;
use crate::verify::{verify_chain, VerifiedPath, VerifyOptions};
use std::fmt;
use std::sync::Arc;
use tlskit_crypto::CryptoProvider;

/// Decides whether a server's certificate chain is acceptable for `server_name`.
///
/// `end_entity` and `intermediates` are the DER certificates of the TLS Certificate
/// message (RFC 8446 §4.4.2), the leaf first; intermediates may come in any order.
pub trait ServerCertVerifier: Send + Sync + fmt::Debug {
    /// Validates the chain; on success returns the path and the leaf's key.
    fn verify_server_cert(
        &self,
        end_entity: &[u8],
        intermediates: &[&[u8]],
        server_name: &ServerName,
        now: UnixTime,
    ) -> Result<VerifiedPath, CertError>;
}

/// Decides whether a client's certificate chain is acceptable.
pub trait ClientCertVerifier: Send + Sync + fmt::Debug {
    /// Validates the chain; on success returns the path and the leaf's key.
    fn verify_client_cert(
        &self,
        end_entity: &[u8],
        intermediates: &[&[u8]],
        now: UnixTime,
    ) -> Result<VerifiedPath, CertError>;

    /// The DER subject names of the acceptable trust anchors, for the
    /// `certificate_authorities` of a CertificateRequest (RFC 8446 §4.2.4).
    fn root_subjects(&self) -> Vec<Vec<u8>>;

    /// Whether a client without a certificate is refused.
    fn client_auth_mandatory(&self) -> bool {
        true
    }
}

/// The standard server-certificate verifier: RFC 5280 path validation with the
/// CA/Browser Forum profile, against a root store, through a crypto provider.
#[derive(Clone)]
pub struct WebPkiServerVerifier {
    roots: Arc<RootStore>,
    provider: &'static dyn CryptoProvider,
    options: VerifyOptions,
}

impl fmt::Debug for WebPkiServerVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebPkiServerVerifier")
            .field("anchors", &self.roots.len())
            .field("provider", &self.provider.name())
            .field("options", &self.options)
            .finish()
    }
}

impl WebPkiServerVerifier {
    /// A verifier trusting `roots`, verifying signatures with `provider`.
    pub fn new(
        roots: impl Into<Arc<RootStore>>,
        provider: &'static dyn CryptoProvider,
        options: VerifyOptions,
    ) -> Self {
        WebPkiServerVerifier {
            roots: roots.into(),
            provider,
            options,
        }
    }

    /// The options in force.
    pub fn options(&self) -> &VerifyOptions {
        &self.options
    }
}

impl ServerCertVerifier for WebPkiServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &[u8],
        intermediates: &[&[u8]],
        server_name: &ServerName,
        now: UnixTime,
    ) -> Result<VerifiedPath, CertError> {
        verify_chain(
            self.provider,
            &self.roots,
            end_entity,
            intermediates,
            now,
            Purpose::ServerAuth,
            Some(server_name),
            &self.options,
        )
    }
}

/// The standard client-certificate verifier (extKeyUsage clientAuth, no name check).
#[derive(Clone)]
pub struct WebPkiClientVerifier {
    roots: Arc<RootStore>,
    provider: &'static dyn CryptoProvider,
    options: VerifyOptions,
    mandatory: bool,
}

impl fmt::Debug for WebPkiClientVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebPkiClientVerifier")
            .field("anchors", &self.roots.len())
            .field("provider", &self.provider.name())
            .field("mandatory", &self.mandatory)
            .field("options", &self.options)
            .finish()
    }
}

impl WebPkiClientVerifier {
    /// A verifier that requires a client certificate issued under `roots`.
    pub fn new(
        roots: impl Into<Arc<RootStore>>,
        provider: &'static dyn CryptoProvider,
        options: VerifyOptions,
    ) -> Self {
        WebPkiClientVerifier {
            roots: roots.into(),
            provider,
            options,
            mandatory: true,
        }
    }

    /// Also accept clients that send no certificate (a certificate that is sent must
    /// still validate).
    pub fn allow_unauthenticated(mut self) -> Self {
        self.mandatory = false;
        self
    }
}

impl ClientCertVerifier for WebPkiClientVerifier {
    fn verify_client_cert(
        &self,
        end_entity: &[u8],
        intermediates: &[&[u8]],
        now: UnixTime,
    ) -> Result<VerifiedPath, CertError> {
        verify_chain(
            self.provider,
            &self.roots,
            end_entity,
            intermediates,
            now,
            Purpose::ClientAuth,
            None,
            &self.options,
        )
    }

    fn root_subjects(&self) -> Vec<Vec<u8>> {
        self.roots.subjects()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_object_safe_send_sync(
        _: Option<&dyn ServerCertVerifier>,
        _: Option<&dyn ClientCertVerifier>,
    ) {
    }
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn traits_are_object_safe_and_thread_safe() {
        assert_object_safe_send_sync(None, None);
        assert_send_sync::<Arc<dyn ServerCertVerifier>>();
        assert_send_sync::<WebPkiServerVerifier>();
        assert_send_sync::<WebPkiClientVerifier>();
    }
}
