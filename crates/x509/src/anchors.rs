//! Trust anchors (RFC 5280 §6.1.1 (d)): from certificates, PEM bundles, the system
//! store, or (feature `webpki-roots`) the embedded Mozilla root set.

use crate::cert::Certificate;
use crate::der::{tag, DerError, Reader};
use std::collections::HashMap;
use std::path::Path;

/// One trust anchor: a name and a key, optional name constraints, and the certificate
/// it came from when there is one. Anchors with a certificate are checked like any CA
/// certificate during validation (validity, basicConstraints, keyUsage, …, see
/// [`crate::VerifyOptions::check_anchor_certificates`]).
#[derive(Clone, PartialEq, Eq)]
pub struct TrustAnchor {
    subject: Vec<u8>,
    spki: Vec<u8>,
    name_constraints: Option<Vec<u8>>,
    certificate: Option<Vec<u8>>,
}

impl std::fmt::Debug for TrustAnchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = crate::name::DistinguishedName::from_der(&self.subject)
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "<malformed>".into());
        write!(f, "TrustAnchor({name})")
    }
}

impl TrustAnchor {
    /// An anchor from a DER certificate (which must parse).
    pub fn from_certificate_der(der: &[u8]) -> Result<Self, DerError> {
        let cert = Certificate::from_der(der)?;
        Ok(TrustAnchor {
            subject: cert.subject.der().to_vec(),
            spki: cert.spki.to_vec(),
            name_constraints: None,
            certificate: Some(der.to_vec()),
        })
    }

    /// A bare anchor: subject Name DER (with its SEQUENCE header), SubjectPublicKeyInfo
    /// DER, and optionally the DER value of a nameConstraints extension.
    pub fn from_subject_and_spki(
        subject: Vec<u8>,
        spki: Vec<u8>,
        name_constraints: Option<Vec<u8>>,
    ) -> Result<Self, DerError> {
        crate::name::DistinguishedName::from_der(&subject)?;
        let mut r = Reader::new(&spki);
        r.read(tag::SEQUENCE, "subjectPublicKeyInfo")?;
        r.finish("subjectPublicKeyInfo")?;
        if let Some(nc) = &name_constraints {
            crate::extensions::NameConstraints::parse_value(nc)?;
        }
        Ok(TrustAnchor {
            subject,
            spki,
            name_constraints,
            certificate: None,
        })
    }

    /// The subject Name DER.
    pub fn subject(&self) -> &[u8] {
        &self.subject
    }

    /// The SubjectPublicKeyInfo DER.
    pub fn spki(&self) -> &[u8] {
        &self.spki
    }

    /// The nameConstraints value of a bare anchor.
    pub fn name_constraints(&self) -> Option<&[u8]> {
        self.name_constraints.as_deref()
    }

    /// The certificate, if the anchor came from one.
    pub fn certificate(&self) -> Option<&[u8]> {
        self.certificate.as_deref()
    }
}

/// What loading a PEM bundle did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Certificates added.
    pub added: usize,
    /// Certificates that did not parse strictly: (position in the bundle, reason).
    pub skipped: Vec<(usize, DerError)>,
}

/// A set of trust anchors, indexed by subject.
#[derive(Clone, Debug, Default)]
pub struct RootStore {
    anchors: Vec<TrustAnchor>,
    by_subject: HashMap<Vec<u8>, Vec<usize>>,
}

/// Where [`RootStore::system`] looks, in order (after `SSL_CERT_FILE`).
pub const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

impl RootStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an anchor.
    pub fn add(&mut self, anchor: TrustAnchor) {
        let idx = self.anchors.len();
        self.by_subject
            .entry(anchor.subject.clone())
            .or_default()
            .push(idx);
        self.anchors.push(anchor);
    }

    /// The anchor at `index` (the index a [`crate::VerifiedPath::anchor`] reports).
    pub fn get(&self, index: usize) -> Option<&TrustAnchor> {
        self.anchors.get(index)
    }

    /// Adds a DER certificate as an anchor.
    pub fn add_der(&mut self, der: &[u8]) -> Result<(), DerError> {
        self.add(TrustAnchor::from_certificate_der(der)?);
        Ok(())
    }

    /// Adds every `CERTIFICATE` of a PEM text; certificates that do not parse are
    /// skipped and reported.
    pub fn add_pem(&mut self, pem: &[u8]) -> LoadReport {
        let mut report = LoadReport::default();
        for (i, der) in crate::cert::certificates_from_pem(pem).iter().enumerate() {
            match self.add_der(der) {
                Ok(()) => report.added += 1,
                Err(e) => report.skipped.push((i, e)),
            }
        }
        report
    }

    /// A store from a PEM bundle file.
    pub fn from_pem_file(path: impl AsRef<Path>) -> std::io::Result<(Self, LoadReport)> {
        let pem = std::fs::read(path)?;
        let mut store = Self::new();
        let report = store.add_pem(&pem);
        Ok((store, report))
    }

    /// The system's bundle: `$SSL_CERT_FILE` if set, else the first of
    /// [`SYSTEM_BUNDLES`] that exists.
    pub fn system() -> std::io::Result<(Self, LoadReport)> {
        if let Some(path) = std::env::var_os("SSL_CERT_FILE") {
            return Self::from_pem_file(path);
        }
        for path in SYSTEM_BUNDLES {
            if Path::new(path).exists() {
                return Self::from_pem_file(path);
            }
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no system CA bundle found",
        ))
    }

    /// The Mozilla root set embedded by the `webpki-roots` crate (bare anchors).
    #[cfg(feature = "webpki-roots")]
    pub fn mozilla() -> Self {
        let mut store = Self::new();
        for ta in webpki_roots::TLS_SERVER_ROOTS {
            // webpki-roots stores the Name and SPKI contents without their SEQUENCE
            // headers; put them back.
            let subject = crate::der::encode_sequence(ta.subject.as_ref());
            let spki = crate::der::encode_sequence(ta.subject_public_key_info.as_ref());
            let nc = ta.name_constraints.as_ref().map(|nc| nc.as_ref().to_vec());
            if let Ok(anchor) = TrustAnchor::from_subject_and_spki(subject, spki, nc) {
                store.add(anchor);
            }
        }
        store
    }

    /// Number of anchors.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// The anchors.
    pub fn anchors(&self) -> &[TrustAnchor] {
        &self.anchors
    }

    /// The anchors whose subject is `name` (DER), with their indices.
    pub fn by_subject(&self, name: &[u8]) -> impl Iterator<Item = (usize, &TrustAnchor)> + '_ {
        self.by_subject
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.anchors.get(i).map(|a| (i, a)))
    }

    /// Every anchor's subject DER (for a CertificateRequest's certificate_authorities).
    pub fn subjects(&self) -> Vec<Vec<u8>> {
        self.anchors.iter().map(|a| a.subject.clone()).collect()
    }
}
