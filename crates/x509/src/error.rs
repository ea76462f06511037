//! Validation errors: each names the check that failed and the certificate at fault.
//!
//! Certificate indices count along the path: 0 is the end-entity certificate, 1 its
//! issuer, and so on up to the trust anchor. For a certificate that is not on any path
//! (an intermediate that failed to parse), `index` is its position in the offered
//! intermediates plus one.

use crate::der::DerError;
use crate::time::UnixTime;
use std::fmt;

/// The usage a validation requires of the end-entity certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// id-kp-serverAuth.
    ServerAuth,
    /// id-kp-clientAuth.
    ClientAuth,
}

impl Purpose {
    pub(crate) fn oid(self) -> &'static [u8] {
        match self {
            Purpose::ServerAuth => crate::oid::KP_SERVER_AUTH,
            Purpose::ClientAuth => crate::oid::KP_CLIENT_AUTH,
        }
    }
}

/// Why a certificate or path was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertError {
    /// The certificate is not valid DER or not a well-formed X.509 certificate.
    BadEncoding {
        /// Certificate index.
        index: usize,
        /// What the parser was reading.
        what: &'static str,
    },
    /// Not an X.509 v3 certificate (BR §7.1.1).
    UnsupportedVersion {
        /// Certificate index.
        index: usize,
    },
    /// `now` is after notAfter.
    Expired {
        /// Certificate index.
        index: usize,
        /// notAfter.
        not_after: UnixTime,
        /// The validation time.
        now: UnixTime,
    },
    /// `now` is before notBefore.
    NotYetValid {
        /// Certificate index.
        index: usize,
        /// notBefore.
        not_before: UnixTime,
        /// The validation time.
        now: UnixTime,
    },
    /// No trust anchor or offered intermediate issued this certificate.
    UnknownIssuer {
        /// Index of the certificate whose issuer was not found.
        index: usize,
    },
    /// The signature on the certificate does not verify with its issuer's key.
    BadSignature {
        /// Index of the signed certificate.
        index: usize,
    },
    /// The signature algorithm is unsupported, malformed or does not fit the key.
    UnsupportedSignatureAlgorithm {
        /// Index of the signed certificate.
        index: usize,
    },
    /// signatureAlgorithm differs from the TBSCertificate's signature (RFC 5280 §4.1.1.2).
    SignatureAlgorithmMismatch {
        /// Certificate index.
        index: usize,
    },
    /// The public key is of a forbidden type, curve or size.
    UnacceptableKey {
        /// Certificate index.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// An issuer is not a CA: basicConstraints absent or cA false (RFC 5280 §4.2.1.9).
    NotACa {
        /// Certificate index.
        index: usize,
    },
    /// pathLenConstraint exceeded (RFC 5280 §4.2.1.9, §6.1.4 (m)).
    PathLenExceeded {
        /// Index of the CA whose constraint is exceeded.
        index: usize,
        /// Its pathLenConstraint.
        path_len: u64,
    },
    /// More intermediates than the configured maximum.
    MaxDepthExceeded {
        /// Index of the first certificate beyond the limit.
        index: usize,
        /// The configured maximum number of intermediates.
        max: usize,
    },
    /// keyUsage lacks a bit the role needs.
    KeyUsageMissing {
        /// Certificate index.
        index: usize,
        /// The missing usage.
        usage: &'static str,
    },
    /// extendedKeyUsage does not allow the required purpose.
    ExtendedKeyUsageMismatch {
        /// Certificate index.
        index: usize,
        /// The required purpose.
        required: Purpose,
    },
    /// A name violates a CA's nameConstraints (RFC 5280 §4.2.1.10).
    NameConstraintViolation {
        /// Index of the certificate carrying the name.
        index: usize,
        /// Index of the CA imposing the constraint.
        constrained_by: usize,
        /// The offending name.
        name: String,
    },
    /// A nameConstraints extension is malformed or uses a form tlskit cannot apply to
    /// the names present.
    InvalidNameConstraints {
        /// Index of the CA.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// A critical extension tlskit does not process (RFC 5280 §4.2).
    UnsupportedCriticalExtension {
        /// Certificate index.
        index: usize,
        /// The extension OID, dotted.
        oid: String,
    },
    /// A profile rule of RFC 5280 / CA/B Forum BR failed.
    Profile {
        /// Certificate index.
        index: usize,
        /// The rule.
        rule: &'static str,
    },
    /// The end-entity certificate is not valid for the expected name.
    NameMismatch {
        /// The reference identity.
        expected: String,
        /// The dNSName/iPAddress SANs presented.
        presented: Vec<String>,
    },
    /// A presented subjectAltName entry is malformed.
    InvalidSubjectAltName {
        /// Certificate index.
        index: usize,
        /// The offending value.
        name: String,
    },
    /// The certificate is listed on a CRL of its issuer.
    Revoked {
        /// Certificate index.
        index: usize,
        /// Its serial number, hex.
        serial: String,
    },
    /// Revocation is required but no usable CRL covers the certificate.
    RevocationStatusUnknown {
        /// Certificate index.
        index: usize,
    },
    /// A CRL that applies to the certificate cannot be used.
    InvalidCrl {
        /// Index of the certificate the CRL would cover.
        index: usize,
        /// What is wrong with the CRL.
        reason: &'static str,
    },
    /// Path building hit its work limit (signature checks or candidate paths).
    BudgetExceeded {
        /// Which budget.
        what: &'static str,
    },
}

impl CertError {
    /// The index of the certificate at fault, if one is.
    pub fn index(&self) -> Option<usize> {
        use CertError::*;
        match self {
            BadEncoding { index, .. }
            | UnsupportedVersion { index }
            | Expired { index, .. }
            | NotYetValid { index, .. }
            | UnknownIssuer { index }
            | BadSignature { index }
            | UnsupportedSignatureAlgorithm { index }
            | SignatureAlgorithmMismatch { index }
            | UnacceptableKey { index, .. }
            | NotACa { index }
            | PathLenExceeded { index, .. }
            | MaxDepthExceeded { index, .. }
            | KeyUsageMissing { index, .. }
            | ExtendedKeyUsageMismatch { index, .. }
            | NameConstraintViolation { index, .. }
            | InvalidNameConstraints { index, .. }
            | UnsupportedCriticalExtension { index, .. }
            | Profile { index, .. }
            | InvalidSubjectAltName { index, .. }
            | Revoked { index, .. }
            | RevocationStatusUnknown { index }
            | InvalidCrl { index, .. } => Some(*index),
            NameMismatch { .. } | BudgetExceeded { .. } => None,
        }
    }

    /// The TLS alert (RFC 8446 §6.2) a peer should receive for this error.
    pub fn alert_description(&self) -> u8 {
        const BAD_CERTIFICATE: u8 = 42;
        const UNSUPPORTED_CERTIFICATE: u8 = 43;
        const CERTIFICATE_REVOKED: u8 = 44;
        const CERTIFICATE_EXPIRED: u8 = 45;
        const UNKNOWN_CA: u8 = 48;
        use CertError::*;
        match self {
            Expired { .. } | NotYetValid { .. } => CERTIFICATE_EXPIRED,
            Revoked { .. } => CERTIFICATE_REVOKED,
            UnknownIssuer { .. } => UNKNOWN_CA,
            UnsupportedVersion { .. }
            | UnsupportedSignatureAlgorithm { .. }
            | UnacceptableKey { .. }
            | UnsupportedCriticalExtension { .. }
            | ExtendedKeyUsageMismatch { .. }
            | KeyUsageMissing { .. } => UNSUPPORTED_CERTIFICATE,
            _ => BAD_CERTIFICATE,
        }
    }

    pub(crate) fn from_der(index: usize, e: DerError) -> Self {
        CertError::BadEncoding { index, what: e.0 }
    }

    /// How specific the error is, for choosing which failure to report when every
    /// candidate path failed: anything beats "unknown issuer", deeper beats shallower.
    pub(crate) fn rank(&self) -> (u8, usize) {
        match self {
            CertError::UnknownIssuer { index } => (0, *index),
            CertError::BudgetExceeded { .. } => (2, usize::MAX),
            other => (1, other.index().unwrap_or(0)),
        }
    }
}

impl fmt::Display for CertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CertError::*;
        match self {
            BadEncoding { index, what } => write!(f, "certificate {index}: malformed ({what})"),
            UnsupportedVersion { index } => write!(f, "certificate {index}: not X.509 v3"),
            Expired { index, not_after, now } => {
                write!(f, "certificate {index}: expired at {not_after} (now {now})")
            }
            NotYetValid { index, not_before, now } => {
                write!(f, "certificate {index}: not valid before {not_before} (now {now})")
            }
            UnknownIssuer { index } => {
                write!(f, "certificate {index}: issuer not found among trust anchors and intermediates")
            }
            BadSignature { index } => write!(f, "certificate {index}: signature does not verify"),
            UnsupportedSignatureAlgorithm { index } => {
                write!(f, "certificate {index}: unsupported or mismatched signature algorithm")
            }
            SignatureAlgorithmMismatch { index } => write!(
                f,
                "certificate {index}: signatureAlgorithm differs from tbsCertificate.signature"
            ),
            UnacceptableKey { index, reason } => {
                write!(f, "certificate {index}: unacceptable public key ({reason})")
            }
            NotACa { index } => write!(f, "certificate {index}: issuer is not a CA"),
            PathLenExceeded { index, path_len } => {
                write!(f, "certificate {index}: pathLenConstraint {path_len} exceeded")
            }
            MaxDepthExceeded { index, max } => {
                write!(f, "certificate {index}: more than {max} intermediates")
            }
            KeyUsageMissing { index, usage } => {
                write!(f, "certificate {index}: keyUsage lacks {usage}")
            }
            ExtendedKeyUsageMismatch { index, required } => {
                write!(f, "certificate {index}: extendedKeyUsage does not allow {required:?}")
            }
            NameConstraintViolation {
                index,
                constrained_by,
                name,
            } => write!(
                f,
                "certificate {index}: name {name:?} violates name constraints of certificate {constrained_by}"
            ),
            InvalidNameConstraints { index, reason } => {
                write!(f, "certificate {index}: unusable nameConstraints ({reason})")
            }
            UnsupportedCriticalExtension { index, oid } => {
                write!(f, "certificate {index}: unsupported critical extension {oid}")
            }
            Profile { index, rule } => write!(f, "certificate {index}: {rule}"),
            NameMismatch { expected, presented } => write!(
                f,
                "certificate not valid for {expected:?} (presented: {})",
                presented.join(", ")
            ),
            InvalidSubjectAltName { index, name } => {
                write!(f, "certificate {index}: malformed subjectAltName {name:?}")
            }
            Revoked { index, serial } => {
                write!(f, "certificate {index}: revoked (serial {serial})")
            }
            RevocationStatusUnknown { index } => {
                write!(f, "certificate {index}: no usable CRL and revocation checking is required")
            }
            InvalidCrl { index, reason } => {
                write!(f, "certificate {index}: CRL from its issuer is unusable ({reason})")
            }
            BudgetExceeded { what } => write!(f, "path building gave up: {what} budget exhausted"),
        }
    }
}

impl std::error::Error for CertError {}
