//! Certificate verification as the handshake sees it: a chain in, accept or an alert out.
//! The real implementations wrap `tlskit-x509` ([`WebPkiServerVerifier`],
//! [`WebPkiClientVerifier`]); tests and benchmarks may opt into [`danger`].

use crate::chain_cache::ChainCache;
pub use crate::chain_cache::ChainCacheStats;
use crate::error::Error;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

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

    /// Whether the client asks the server to staple an OCSP response (status_request,
    /// RFC 6066 §8; RFC 8446 §4.4.2.1).
    fn requests_ocsp_staple(&self) -> bool {
        false
    }

    /// As [`ServerCertVerifier::verify_server_cert`], with the DER OCSPResponse the server
    /// stapled for its leaf, if any. The default ignores the staple.
    fn verify_server_cert_stapled(
        &self,
        end_entity: &[u8],
        intermediates: &[&[u8]],
        server_name: &str,
        ocsp_response: Option<&[u8]>,
        now: u64,
    ) -> Result<(), Error> {
        let _ = ocsp_response;
        self.verify_server_cert(end_entity, intermediates, server_name, now)
    }
}

/// What a [`WebPkiServerVerifier`] does with OCSP stapling (RFC 6066 §8, RFC 6960).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OcspPolicy {
    /// Do not ask for staples; ignore any.
    Ignore,
    /// Ask for a staple and check it when the server sends one: a revoked leaf is
    /// `certificate_revoked`; an invalid, stale or unknown-status response is
    /// `bad_certificate_status_response`. No staple is fine. The default.
    #[default]
    IfStapled,
    /// As `IfStapled`, and a server that staples nothing is refused
    /// (`bad_certificate_status_response`): "must staple" for every server.
    Required,
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
/// CA/Browser Forum profile, RFC 6125 names, CRLs): the default. Optionally remembers
/// accepted chains ([`WebPkiServerVerifier::with_verified_chain_cache`]).
#[derive(Debug, Clone)]
pub struct WebPkiServerVerifier {
    inner: tlskit_x509::WebPkiServerVerifier,
    roots: Arc<tlskit_x509::RootStore>,
    provider: &'static dyn tlskit_crypto::CryptoProvider,
    ocsp: OcspPolicy,
    cache: Option<Arc<ChainCache>>,
}

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
        let roots = Arc::new(roots);
        WebPkiServerVerifier {
            inner: tlskit_x509::WebPkiServerVerifier::new(roots.clone(), provider, options),
            roots,
            provider,
            ocsp: OcspPolicy::default(),
            cache: None,
        }
    }

    /// Trusts the CERTIFICATE blocks of a PEM bundle.
    pub fn from_pem(
        pem: &[u8],
        provider: &'static dyn tlskit_crypto::CryptoProvider,
    ) -> Result<Self, Error> {
        Ok(Self::new(roots_from_pem(pem)?, provider))
    }

    /// Remembers up to `capacity` accepted (chain, server name) pairs for at most
    /// `max_age`, so that reconnecting to the same server skips the chain's signature
    /// checks (each handshake still checks the server's own signature over the
    /// handshake). An entry stops answering when any certificate on its path expires, and
    /// failures are never remembered. Off by default; ignored when CRLs are configured
    /// (their freshness is time-dependent). Clones share the cache.
    pub fn with_verified_chain_cache(mut self, capacity: usize, max_age: Duration) -> Self {
        self.cache = self
            .inner
            .options()
            .crls
            .is_empty()
            .then(|| Arc::new(ChainCache::new(capacity, max_age.as_secs())));
        self
    }

    /// Hits and misses of the verified-chain cache, if one is on.
    pub fn chain_cache_stats(&self) -> Option<ChainCacheStats> {
        self.cache.as_ref().map(|c| c.stats())
    }

    /// Sets what is done with stapled OCSP responses (default [`OcspPolicy::IfStapled`]).
    pub fn with_ocsp_policy(mut self, policy: OcspPolicy) -> Self {
        self.ocsp = policy;
        self
    }

    /// Checks a stapled response for the leaf of `path`; returns until when (Unix seconds)
    /// its answer stands.
    fn check_staple(
        &self,
        path: &tlskit_x509::VerifiedPath,
        end_entity: &[u8],
        intermediates: &[&[u8]],
        response: &[u8],
        now: u64,
    ) -> Result<u64, Error> {
        use tlskit_wire::AlertDescription;
        use tlskit_x509::{OcspIssuer, OcspStatus, PathElement};
        let bad = |reason: String| Error::Certificate {
            alert: AlertDescription::BadCertificateStatusResponse,
            reason,
        };
        let leaf = tlskit_x509::Certificate::from_der(end_entity)
            .map_err(|e| bad(format!("leaf: {e}")))?;
        // The leaf's issuer: the next element of the validated path.
        let issuer_cert;
        let issuer = match path.elements().get(1) {
            Some(PathElement::Intermediate(i)) => {
                let der = intermediates
                    .get(*i)
                    .ok_or_else(|| bad("issuer missing".into()))?;
                issuer_cert = tlskit_x509::Certificate::from_der(der)
                    .map_err(|e| bad(format!("issuer: {e}")))?;
                OcspIssuer {
                    subject: issuer_cert.subject.der(),
                    spki: issuer_cert.spki,
                }
            }
            Some(PathElement::Anchor(i)) => {
                let anchor = self
                    .roots
                    .get(*i)
                    .ok_or_else(|| bad("issuer missing".into()))?;
                OcspIssuer {
                    subject: anchor.subject(),
                    spki: anchor.spki(),
                }
            }
            _ => return Err(bad("no issuer for the stapled response".into())),
        };
        let options = tlskit_x509::OcspOptions::default();
        let verified = tlskit_x509::verify_ocsp_response(
            self.provider,
            response,
            &leaf,
            issuer,
            unix(now),
            &options,
        )
        .map_err(|e| bad(format!("stapled OCSP response: {e}")))?;
        match verified.status {
            OcspStatus::Good => {
                let until = verified.next_update.map_or_else(
                    || {
                        verified
                            .this_update
                            .as_unix_secs()
                            .saturating_add(options.max_age_without_next_update_secs)
                    },
                    |t| t.as_unix_secs(),
                );
                Ok(u64::try_from(until).unwrap_or(0))
            }
            OcspStatus::Revoked { revoked_at, .. } => Err(Error::Certificate {
                alert: AlertDescription::CertificateRevoked,
                reason: format!("stapled OCSP response: revoked at {revoked_at}"),
            }),
            OcspStatus::Unknown => Err(bad("stapled OCSP response: status unknown".into())),
        }
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
        self.verify_server_cert_stapled(end_entity, intermediates, server_name, None, now)
    }

    fn requests_ocsp_staple(&self) -> bool {
        self.ocsp != OcspPolicy::Ignore
    }

    fn verify_server_cert_stapled(
        &self,
        end_entity: &[u8],
        intermediates: &[&[u8]],
        server_name: &str,
        ocsp_response: Option<&[u8]>,
        now: u64,
    ) -> Result<(), Error> {
        use tlskit_x509::ServerCertVerifier as _;
        let name = tlskit_x509::ServerName::try_from_str(server_name)
            .map_err(|e| Error::Config(format!("invalid server name {server_name:?}: {e:?}")))?;
        let staple = ocsp_response.filter(|_| self.ocsp != OcspPolicy::Ignore);
        if staple.is_none() && self.ocsp == OcspPolicy::Required {
            return Err(Error::Certificate {
                alert: tlskit_wire::AlertDescription::BadCertificateStatusResponse,
                reason: "no stapled OCSP response (required by policy)".into(),
            });
        }
        // The staple is part of what was verified: a new staple is checked anew.
        let cached = self.cache.as_ref().map(|cache| {
            let mut key = ChainCache::key(server_name, end_entity, intermediates);
            if let Some(response) = staple {
                key.extend_from_slice(response);
            }
            (cache, key)
        });
        if let Some((cache, key)) = &cached {
            if cache.contains_valid(key, now) {
                return Ok(());
            }
        }
        let path = self
            .inner
            .verify_server_cert(end_entity, intermediates, &name, unix(now))
            .map_err(cert_error)?;
        let staple_until = match staple {
            Some(response) => self.check_staple(&path, end_entity, intermediates, response, now)?,
            None => u64::MAX,
        };
        if let Some((cache, key)) = cached {
            let check_anchor = self.inner.options().check_anchor_certificates;
            let not_after =
                path_not_after(&path, end_entity, intermediates, &self.roots, check_anchor);
            cache.insert(key, now, not_after.min(staple_until));
        }
        Ok(())
    }
}

/// Client-certificate verification by `tlskit-x509` (extKeyUsage clientAuth). Optionally
/// remembers accepted chains, as [`WebPkiServerVerifier`] does.
#[derive(Debug, Clone)]
pub struct WebPkiClientVerifier {
    inner: tlskit_x509::WebPkiClientVerifier,
    roots: Arc<tlskit_x509::RootStore>,
    cache: Option<Arc<ChainCache>>,
}

impl WebPkiClientVerifier {
    /// Trusts `roots` for client certificates.
    pub fn new(
        roots: tlskit_x509::RootStore,
        provider: &'static dyn tlskit_crypto::CryptoProvider,
    ) -> Self {
        let roots = Arc::new(roots);
        WebPkiClientVerifier {
            inner: tlskit_x509::WebPkiClientVerifier::new(
                roots.clone(),
                provider,
                tlskit_x509::VerifyOptions::default(),
            ),
            roots,
            cache: None,
        }
    }

    /// Trusts the CERTIFICATE blocks of a PEM bundle.
    pub fn from_pem(
        pem: &[u8],
        provider: &'static dyn tlskit_crypto::CryptoProvider,
    ) -> Result<Self, Error> {
        Ok(Self::new(roots_from_pem(pem)?, provider))
    }

    /// As [`WebPkiServerVerifier::with_verified_chain_cache`], keyed by the chain alone.
    pub fn with_verified_chain_cache(mut self, capacity: usize, max_age: Duration) -> Self {
        self.cache = Some(Arc::new(ChainCache::new(capacity, max_age.as_secs())));
        self
    }

    /// Hits and misses of the verified-chain cache, if one is on.
    pub fn chain_cache_stats(&self) -> Option<ChainCacheStats> {
        self.cache.as_ref().map(|c| c.stats())
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
        let cached = self
            .cache
            .as_ref()
            .map(|cache| (cache, ChainCache::key("", end_entity, intermediates)));
        if let Some((cache, key)) = &cached {
            if cache.contains_valid(key, now) {
                return Ok(());
            }
        }
        let path = self
            .inner
            .verify_client_cert(end_entity, intermediates, unix(now))
            .map_err(cert_error)?;
        if let Some((cache, key)) = cached {
            // The default options verify client chains: anchors are checked.
            let not_after = path_not_after(&path, end_entity, intermediates, &self.roots, true);
            cache.insert(key, now, not_after);
        }
        Ok(())
    }
}

fn roots_from_pem(pem: &[u8]) -> Result<tlskit_x509::RootStore, Error> {
    let mut roots = tlskit_x509::RootStore::new();
    roots.add_pem(pem);
    if roots.is_empty() {
        return Err(Error::Config(
            "no usable CA certificate in the PEM bundle".into(),
        ));
    }
    Ok(roots)
}

/// The earliest `notAfter` (Unix seconds) on an accepted path: how long its validation
/// result can stand (RFC 5280 §6.1.3 (a)(2)). The anchor counts when its certificate was
/// checked. Anything unparsable gives 0, which makes a cache entry never answer.
fn path_not_after(
    path: &tlskit_x509::VerifiedPath,
    end_entity: &[u8],
    intermediates: &[&[u8]],
    roots: &tlskit_x509::RootStore,
    check_anchor: bool,
) -> u64 {
    use tlskit_x509::PathElement;
    let mut earliest = u64::MAX;
    for element in path.elements() {
        let der = match *element {
            PathElement::EndEntity => Some(end_entity),
            PathElement::Intermediate(i) => intermediates.get(i).copied(),
            PathElement::Anchor(i) if check_anchor => {
                match roots.get(i).map(|a| a.certificate()) {
                    // A bare anchor (no certificate) has no validity to respect.
                    Some(None) => continue,
                    Some(Some(der)) => Some(der),
                    None => None,
                }
            }
            PathElement::Anchor(_) => continue,
        };
        let not_after = der
            .and_then(|der| tlskit_x509::Certificate::from_der(der).ok())
            .map(|c| u64::try_from(c.not_after.as_unix_secs()).unwrap_or(0))
            .unwrap_or(0);
        earliest = earliest.min(not_after);
    }
    earliest
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
    ocsp_response: Option<&[u8]>,
) -> Result<Vec<u8>, Error> {
    let Some((leaf, rest)) = chain.split_first() else {
        return Err(Error::fatal(
            tlskit_wire::AlertDescription::DecodeError,
            "server sent no certificate",
        ));
    };
    let intermediates: Vec<&[u8]> = rest.iter().map(|c| c.as_slice()).collect();
    verifier.verify_server_cert_stapled(
        leaf,
        &intermediates,
        server_name,
        ocsp_response,
        crate::session::unix_now(),
    )?;
    core.trace(
        crate::trace::Direction::Local,
        format_args!(
            "server certificate chain ({} certs) verified for {server_name}{}",
            chain.len(),
            match ocsp_response {
                Some(r) => format!(", stapled OCSP response ({} bytes) checked", r.len()),
                None => String::new(),
            }
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
