//! X.509 v3 certificates (RFC 5280 §4.1), parsed without copying.

use crate::der::{tag, DerError, Reader};
use crate::extensions::Extensions;
use crate::name::DistinguishedName;
use crate::time::{read_time, UnixTime};

/// A parsed certificate borrowing from its DER.
///
/// Parsing checks the DER and the structure (including every extension tlskit knows);
/// whether the certificate is acceptable in a path is decided by validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Certificate<'a> {
    der: &'a [u8],
    tbs: &'a [u8],
    /// Encoded version: 0 = v1, 1 = v2, 2 = v3.
    pub version: u8,
    /// serialNumber INTEGER contents (two's complement, minimal).
    pub serial: &'a [u8],
    /// The TBSCertificate's `signature` AlgorithmIdentifier (whole TLV).
    pub tbs_signature_algorithm: &'a [u8],
    /// issuer.
    pub issuer: DistinguishedName<'a>,
    /// subject.
    pub subject: DistinguishedName<'a>,
    /// notBefore.
    pub not_before: UnixTime,
    /// notAfter.
    pub not_after: UnixTime,
    /// subjectPublicKeyInfo (whole TLV).
    pub spki: &'a [u8],
    /// Extensions (empty for v1/v2).
    pub extensions: Extensions<'a>,
    /// The outer `signatureAlgorithm` (whole TLV).
    pub signature_algorithm: &'a [u8],
    /// signatureValue bits.
    pub signature: &'a [u8],
}

impl<'a> Certificate<'a> {
    /// Parses a DER certificate; no trailing bytes are allowed.
    pub fn from_der(der: &'a [u8]) -> Result<Self, DerError> {
        let mut outer = Reader::new(der);
        let mut cert = outer.read_sequence("Certificate")?;
        outer.finish("trailing data after Certificate")?;
        let tbs = cert.read_tagged(tag::SEQUENCE, "tbsCertificate")?;
        let signature_algorithm = cert.read_tagged(tag::SEQUENCE, "signatureAlgorithm")?.raw;
        let signature = cert.read_octet_aligned_bit_string("signatureValue")?;
        cert.finish("Certificate")?;

        let mut t = Reader::new(tbs.value);
        // version [0] EXPLICIT Version DEFAULT v1: DER omits v1.
        let version = match t.read_optional(tag::context_constructed(0), "version")? {
            Some(v) => {
                let mut r = Reader::new(v);
                let n = r.read_u64("version")?;
                r.finish("version")?;
                match n {
                    1 => 1,
                    2 => 2,
                    _ => return Err(DerError("version")),
                }
            }
            None => 0,
        };
        let serial = t.read_integer("serialNumber")?;
        let tbs_signature_algorithm = t.read_tagged(tag::SEQUENCE, "signature")?.raw;
        let issuer = DistinguishedName::from_der(t.read_tagged(tag::SEQUENCE, "issuer")?.raw)?;
        let mut validity = t.read_sequence("validity")?;
        let not_before = read_time(&mut validity, "notBefore")?;
        let not_after = read_time(&mut validity, "notAfter")?;
        validity.finish("validity")?;
        let subject = DistinguishedName::from_der(t.read_tagged(tag::SEQUENCE, "subject")?.raw)?;
        let spki = t.read_tagged(tag::SEQUENCE, "subjectPublicKeyInfo")?.raw;
        check_spki_structure(spki)?;
        if version >= 1 {
            if let Some(id) = t.read_optional(tag::context(1), "issuerUniqueID")? {
                crate::der::bit_string(id, "issuerUniqueID")?;
            }
            if let Some(id) = t.read_optional(tag::context(2), "subjectUniqueID")? {
                crate::der::bit_string(id, "subjectUniqueID")?;
            }
        }
        let extensions = if version == 2 {
            match t.read_optional(tag::context_constructed(3), "extensions")? {
                Some(exts) => Extensions::parse(exts)?,
                None => Extensions::default(),
            }
        } else {
            Extensions::default()
        };
        t.finish("tbsCertificate")?;
        Ok(Certificate {
            der,
            tbs: tbs.raw,
            version,
            serial,
            tbs_signature_algorithm,
            issuer,
            subject,
            not_before,
            not_after,
            spki,
            extensions,
            signature_algorithm,
            signature,
        })
    }

    /// The whole DER.
    pub fn der(&self) -> &'a [u8] {
        self.der
    }

    /// The signed bytes (the whole TBSCertificate TLV).
    pub fn tbs(&self) -> &'a [u8] {
        self.tbs
    }

    /// Issuer and subject are the same name (RFC 5280 §6.1: "self-issued").
    pub fn is_self_issued(&self) -> bool {
        self.issuer == self.subject
    }

    /// basicConstraints cA is asserted.
    pub fn is_ca(&self) -> bool {
        self.extensions
            .basic_constraints
            .is_some_and(|bc| bc.value.ca)
    }

    /// The serial number as lowercase hex, for messages.
    pub fn serial_hex(&self) -> String {
        self.serial.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The subject Name DER of a certificate that may not parse in full (reads only as far
/// as the subject), so that a malformed intermediate can still be named in an error.
pub(crate) fn peek_subject(der: &[u8]) -> Option<&[u8]> {
    let mut outer = Reader::new(der);
    let mut cert = outer.read_sequence("Certificate").ok()?;
    let mut t = cert.read_sequence("tbsCertificate").ok()?;
    t.read_optional(tag::context_constructed(0), "version")
        .ok()?;
    t.read_integer("serialNumber").ok()?;
    t.read_tagged(tag::SEQUENCE, "signature").ok()?;
    t.read_tagged(tag::SEQUENCE, "issuer").ok()?;
    t.read_tagged(tag::SEQUENCE, "validity").ok()?;
    Some(t.read_tagged(tag::SEQUENCE, "subject").ok()?.raw)
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey
/// BIT STRING }`; the algorithm itself is judged when the key is used.
fn check_spki_structure(spki: &[u8]) -> Result<(), DerError> {
    let mut outer = Reader::new(spki);
    let mut body = outer.read_sequence("subjectPublicKeyInfo")?;
    let mut alg = body.read_sequence("SPKI algorithm")?;
    crate::der::check_oid(alg.read(tag::OID, "SPKI algorithm")?, "SPKI algorithm")?;
    body.read_bit_string("subjectPublicKey")?;
    body.finish("subjectPublicKeyInfo")
}

/// Decodes every certificate in a PEM text (label `CERTIFICATE`), as owned DER.
pub fn certificates_from_pem(pem: &[u8]) -> Vec<Vec<u8>> {
    tlskit_crypto::pem::parse_label(pem, "CERTIFICATE")
}
