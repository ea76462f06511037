//! Object identifiers (DER contents octets) used by certificates and CRLs.

/// id-ce 2.5.29.14 subjectKeyIdentifier
pub const SUBJECT_KEY_IDENTIFIER: &[u8] = &[0x55, 0x1d, 0x0e];
/// id-ce 2.5.29.15 keyUsage
pub const KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
/// id-ce 2.5.29.17 subjectAltName
pub const SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
/// id-ce 2.5.29.18 issuerAltName
pub const ISSUER_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x12];
/// id-ce 2.5.29.19 basicConstraints
pub const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
/// id-ce 2.5.29.20 cRLNumber
pub const CRL_NUMBER: &[u8] = &[0x55, 0x1d, 0x14];
/// id-ce 2.5.29.21 reasonCode
pub const CRL_REASON: &[u8] = &[0x55, 0x1d, 0x15];
/// id-ce 2.5.29.24 invalidityDate
pub const INVALIDITY_DATE: &[u8] = &[0x55, 0x1d, 0x18];
/// id-ce 2.5.29.27 deltaCRLIndicator
pub const DELTA_CRL_INDICATOR: &[u8] = &[0x55, 0x1d, 0x1b];
/// id-ce 2.5.29.28 issuingDistributionPoint
pub const ISSUING_DISTRIBUTION_POINT: &[u8] = &[0x55, 0x1d, 0x1c];
/// id-ce 2.5.29.29 certificateIssuer
pub const CERTIFICATE_ISSUER: &[u8] = &[0x55, 0x1d, 0x1d];
/// id-ce 2.5.29.30 nameConstraints
pub const NAME_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x1e];
/// id-ce 2.5.29.31 cRLDistributionPoints
pub const CRL_DISTRIBUTION_POINTS: &[u8] = &[0x55, 0x1d, 0x1f];
/// id-ce 2.5.29.32 certificatePolicies
pub const CERTIFICATE_POLICIES: &[u8] = &[0x55, 0x1d, 0x20];
/// id-ce 2.5.29.33 policyMappings
pub const POLICY_MAPPINGS: &[u8] = &[0x55, 0x1d, 0x21];
/// id-ce 2.5.29.35 authorityKeyIdentifier
pub const AUTHORITY_KEY_IDENTIFIER: &[u8] = &[0x55, 0x1d, 0x23];
/// id-ce 2.5.29.36 policyConstraints
pub const POLICY_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x24];
/// id-ce 2.5.29.37 extKeyUsage
pub const EXT_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
/// id-ce 2.5.29.46 freshestCRL
pub const FRESHEST_CRL: &[u8] = &[0x55, 0x1d, 0x2e];
/// id-ce 2.5.29.54 inhibitAnyPolicy
pub const INHIBIT_ANY_POLICY: &[u8] = &[0x55, 0x1d, 0x36];
/// id-pe 1.3.6.1.5.5.7.1.1 authorityInfoAccess
pub const AUTHORITY_INFO_ACCESS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01];
/// id-pe 1.3.6.1.5.5.7.1.11 subjectInfoAccess
pub const SUBJECT_INFO_ACCESS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x0b];
/// 1.3.6.1.4.1.11129.2.4.2 embedded Signed Certificate Timestamp list (RFC 6962 §3.3)
pub const CT_SCT_LIST: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x02];
/// 1.3.6.1.4.1.11129.2.4.3 CT precertificate poison (RFC 6962 §3.1), always critical
pub const CT_POISON: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x03];

/// id-kp-serverAuth 1.3.6.1.5.5.7.3.1
pub const KP_SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
/// id-kp-clientAuth 1.3.6.1.5.5.7.3.2
pub const KP_CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
/// anyExtendedKeyUsage 2.5.29.37.0
pub const ANY_EXTENDED_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25, 0x00];

/// id-at-commonName 2.5.4.3
pub const AT_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
/// emailAddress 1.2.840.113549.1.9.1 (PKCS #9)
pub const AT_EMAIL_ADDRESS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01];

/// sha256WithRSAEncryption 1.2.840.113549.1.1.11
pub const SHA256_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
/// sha384WithRSAEncryption 1.2.840.113549.1.1.12
pub const SHA384_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c];
/// sha512WithRSAEncryption 1.2.840.113549.1.1.13
pub const SHA512_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d];
/// id-RSASSA-PSS 1.2.840.113549.1.1.10
pub const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
/// id-mgf1 1.2.840.113549.1.1.8
pub const MGF1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08];
/// ecdsa-with-SHA256 1.2.840.10045.4.3.2
pub const ECDSA_WITH_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
/// ecdsa-with-SHA384 1.2.840.10045.4.3.3
pub const ECDSA_WITH_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
/// ecdsa-with-SHA512 1.2.840.10045.4.3.4
pub const ECDSA_WITH_SHA512: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04];
/// id-Ed25519 1.3.101.112
pub const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
/// id-sha256 2.16.840.1.101.3.4.2.1
pub const SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
/// id-sha384 2.16.840.1.101.3.4.2.2
pub const SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
/// id-sha512 2.16.840.1.101.3.4.2.3
pub const SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];
