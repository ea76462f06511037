//! # tlskit-x509
//!
//! X.509 certificate validation for tlskit, usable alone:
//!
//! - **Parsing** ([`Certificate`], [`OwnedCrl`]): strict DER, zero-copy, every known
//!   extension decoded (basicConstraints, keyUsage, extKeyUsage, subjectAltName,
//!   nameConstraints, key identifiers, cRLDistributionPoints, authorityInfoAccess,
//!   policy constraints); unknown critical extensions recognised as such. Times follow
//!   RFC 5280 §4.1.2.5 exactly (UTCTime `YYMMDDHHMMSSZ`, GeneralizedTime from 2050).
//! - **Path building** ([`verify_chain`]): RFC 5280 §6 from the leaf through any offered
//!   intermediates to a [`TrustAnchor`], trying alternatives, with bounded depth and
//!   work; signatures through the [`tlskit_crypto::CryptoProvider`].
//! - **Profile**: the CA/Browser Forum rules a client can check (see `profile.rs`).
//! - **Names** ([`ServerName`]): RFC 6125/9525 matching, no Common Name fallback.
//! - **Revocation**: caller-supplied CRLs ([`RevocationPolicy`]).
//! - **Verifiers** for the handshake: [`ServerCertVerifier`], [`ClientCertVerifier`].
//!
//! Certificate indices in errors count from the leaf (0) up to the trust anchor.

#![forbid(unsafe_code)]

mod algorithm;
mod anchors;
mod cert;
mod crl;
pub mod der;
mod error;
mod extensions;
mod name;
mod name_constraints;
mod ocsp;
pub mod oid;
mod profile;
mod server_name;
mod time;
mod verifier;
mod verify;

pub use algorithm::{check_public_key, AlgorithmProblem, KeyInfo, KeyProblem, SignatureAlgorithm};
pub use anchors::{LoadReport, RootStore, TrustAnchor, SYSTEM_BUNDLES};
pub use cert::{certificates_from_pem, Certificate};
pub use crl::{OwnedCrl, RevocationPolicy};
pub use error::{CertError, Purpose};
pub use extensions::{
    AuthorityKeyIdentifier, BasicConstraints, CrlDistributionPoints, DistributionPoint, Ext,
    ExtendedKeyUsage, Extension, Extensions, GeneralSubtree, KeyUsage, NameConstraints,
    PolicyConstraints,
};
pub use name::{Attribute, DistinguishedName, GeneralName, GeneralNameKind, GeneralNames};
pub use name_constraints::DEFAULT_NAME_CONSTRAINT_BUDGET;
pub use ocsp::{
    verify_ocsp_response, OcspError, OcspIssuer, OcspOptions, OcspStatus, OcspVerified,
};
pub use server_name::{DnsName, InvalidName, ServerName};
pub use time::{parse_time, UnixTime};
pub use verifier::{
    ClientCertVerifier, ServerCertVerifier, WebPkiClientVerifier, WebPkiServerVerifier,
};
pub use verify::{
    audit_anchors, check_name, end_entity_key, verify_chain, EndEntityKey, PathElement,
    VerifiedPath, VerifyOptions, HARD_MAX_PATH_LEN,
};
