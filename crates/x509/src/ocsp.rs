//! OCSP responses (RFC 6960) as a TLS client meets them: stapled by the server (RFC 6066
//! §8, RFC 8446 §4.4.2.1). [`verify_ocsp_response`] checks that a response is a
//! successful basic response, signed by the certificate's issuer or by a responder the
//! issuer delegated to (§4.2.2.2), that it speaks of this very certificate (§4.1.1
//! CertID), and that it is fresh (§4.2.2.1); then it returns the status.

use crate::cert::Certificate;
use crate::der::{tag, DerError, Reader};
use crate::oid;
use crate::time::{parse_generalized_time, UnixTime};
use sha1::{Digest, Sha1};
use std::fmt;
use tlskit_crypto::CryptoProvider;

/// id-pkix-ocsp-basic (RFC 6960 §4.2.1).
const OCSP_BASIC: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01];
/// id-kp-OCSPSigning (RFC 6960 §4.2.2.2).
const KP_OCSP_SIGNING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09];
/// id-sha1 (CertID hashes; RFC 5019 §2.1.1 makes it the common choice).
const SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a];

/// What a valid response says about the certificate (RFC 6960 §2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OcspStatus {
    /// Not revoked.
    Good,
    /// Revoked at `revoked_at`, with the CRLReason code if given.
    Revoked {
        /// revocationTime.
        revoked_at: UnixTime,
        /// revocationReason (RFC 5280 §5.3.1), if present.
        reason: Option<u8>,
    },
    /// The responder does not know the certificate.
    Unknown,
}

/// A response that passed every check, and what it says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OcspVerified {
    /// The certificate's status.
    pub status: OcspStatus,
    /// thisUpdate of the matching SingleResponse.
    pub this_update: UnixTime,
    /// nextUpdate, if given: the response is stale after it.
    pub next_update: Option<UnixTime>,
}

/// Why a response is not acceptable. Every variant maps to the TLS alert
/// `bad_certificate_status_response` (RFC 6066 §8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OcspError {
    /// Not valid DER or not the RFC 6960 structure; names what was being read.
    Malformed(&'static str),
    /// responseStatus other than successful (0).
    Unsuccessful(u8),
    /// A responseType other than id-pkix-ocsp-basic.
    UnsupportedResponseType,
    /// No SingleResponse names this certificate (CertID mismatch).
    NoMatchingResponse,
    /// The signer is neither the issuer nor a responder the issuer authorized.
    UnauthorizedSigner,
    /// The signature algorithm is unsupported or does not fit the key.
    UnsupportedSignatureAlgorithm,
    /// The signature does not verify.
    BadSignature,
    /// thisUpdate is in the future (beyond the allowed clock skew).
    NotYetValid,
    /// Past nextUpdate, or (without nextUpdate) older than the allowed age.
    Stale,
}

impl OcspError {
    /// The TLS alert for a client that received this staple: bad_certificate_status_response.
    pub fn alert_description(&self) -> u8 {
        113
    }
}

impl fmt::Display for OcspError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OcspError::Malformed(what) => write!(f, "malformed OCSP response ({what})"),
            OcspError::Unsuccessful(s) => write!(f, "OCSP responseStatus {s} (not successful)"),
            OcspError::UnsupportedResponseType => {
                f.write_str("OCSP response is not a basic response")
            }
            OcspError::NoMatchingResponse => {
                f.write_str("OCSP response does not cover this certificate")
            }
            OcspError::UnauthorizedSigner => f.write_str(
                "OCSP response signed by neither the issuer nor its delegated responder",
            ),
            OcspError::UnsupportedSignatureAlgorithm => {
                f.write_str("OCSP response signature algorithm unsupported")
            }
            OcspError::BadSignature => f.write_str("OCSP response signature does not verify"),
            OcspError::NotYetValid => f.write_str("OCSP response thisUpdate is in the future"),
            OcspError::Stale => f.write_str("OCSP response is stale"),
        }
    }
}

impl std::error::Error for OcspError {}

impl From<DerError> for OcspError {
    fn from(e: DerError) -> Self {
        OcspError::Malformed(e.0)
    }
}

/// The certificate's issuer as the response must name it: its subject Name and its
/// SubjectPublicKeyInfo (both whole DER TLVs).
#[derive(Clone, Copy, Debug)]
pub struct OcspIssuer<'a> {
    /// The issuer's subject (Name TLV).
    pub subject: &'a [u8],
    /// The issuer's SubjectPublicKeyInfo TLV.
    pub spki: &'a [u8],
}

/// Freshness policy.
#[derive(Clone, Copy, Debug)]
pub struct OcspOptions {
    /// Clock difference tolerated on thisUpdate and nextUpdate, in seconds.
    pub clock_skew_secs: i64,
    /// How old a response without nextUpdate may be, in seconds.
    pub max_age_without_next_update_secs: i64,
}

impl Default for OcspOptions {
    fn default() -> Self {
        OcspOptions {
            clock_skew_secs: 300,
            max_age_without_next_update_secs: 7 * 86_400,
        }
    }
}

/// Verifies a DER `OCSPResponse` for `cert` issued by `issuer` at time `now`.
pub fn verify_ocsp_response(
    provider: &dyn CryptoProvider,
    response: &[u8],
    cert: &Certificate<'_>,
    issuer: OcspIssuer<'_>,
    now: UnixTime,
    options: &OcspOptions,
) -> Result<OcspVerified, OcspError> {
    let basic = BasicResponse::parse(response)?;
    check_signer(provider, &basic, issuer, now)?;
    let single = basic.find(provider, cert, issuer)?;
    let skew = options.clock_skew_secs;
    let now_s = now.as_unix_secs();
    if single.this_update.as_unix_secs() > now_s.saturating_add(skew) {
        return Err(OcspError::NotYetValid);
    }
    let fresh = match single.next_update {
        Some(next) => now_s <= next.as_unix_secs().saturating_add(skew),
        None => {
            now_s
                <= single
                    .this_update
                    .as_unix_secs()
                    .saturating_add(options.max_age_without_next_update_secs)
        }
    };
    if !fresh {
        return Err(OcspError::Stale);
    }
    Ok(OcspVerified {
        status: single.status,
        this_update: single.this_update,
        next_update: single.next_update,
    })
}

/// The parts of a BasicOCSPResponse (RFC 6960 §4.2.1) that the checks use.
struct BasicResponse<'a> {
    tbs: &'a [u8],
    signature_algorithm: &'a [u8],
    signature: &'a [u8],
    responder: ResponderId<'a>,
    responses: &'a [u8],
    certs: Vec<&'a [u8]>,
}

enum ResponderId<'a> {
    /// byName: the responder's subject Name TLV.
    Name(&'a [u8]),
    /// byKey: SHA-1 of the responder's subjectPublicKey BIT STRING value.
    KeyHash(&'a [u8]),
}

struct SingleResponse {
    status: OcspStatus,
    this_update: UnixTime,
    next_update: Option<UnixTime>,
}

impl<'a> BasicResponse<'a> {
    fn parse(der: &'a [u8]) -> Result<Self, OcspError> {
        // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT
        //   ResponseBytes OPTIONAL }
        let mut outer = Reader::new(der);
        let mut response = outer.read_sequence("OCSPResponse")?;
        outer.finish("OCSPResponse trailing data")?;
        let status = response.read(tag::ENUMERATED, "responseStatus")?;
        match status {
            [0] => {}
            [s] => return Err(OcspError::Unsuccessful(*s)),
            _ => return Err(OcspError::Malformed("responseStatus")),
        }
        let bytes = response.read(0xa0, "responseBytes")?;
        response.finish("OCSPResponse")?;
        // ResponseBytes ::= SEQUENCE { responseType OID, response OCTET STRING }
        let mut bytes = Reader::new(bytes);
        let mut rb = bytes.read_sequence("ResponseBytes")?;
        bytes.finish("ResponseBytes")?;
        if rb.read(tag::OID, "responseType")? != OCSP_BASIC {
            return Err(OcspError::UnsupportedResponseType);
        }
        let basic_der = rb.read(tag::OCTET_STRING, "response")?;
        rb.finish("ResponseBytes")?;

        // BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm, signature
        //   BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
        let mut basic_outer = Reader::new(basic_der);
        let mut basic = basic_outer.read_sequence("BasicOCSPResponse")?;
        basic_outer.finish("BasicOCSPResponse")?;
        let tbs = basic.read_tagged(tag::SEQUENCE, "tbsResponseData")?;
        let signature_algorithm = basic.read_tagged(tag::SEQUENCE, "signatureAlgorithm")?.raw;
        let (unused, signature) = basic.read_bit_string("signature")?;
        if unused != 0 {
            return Err(OcspError::Malformed("signature"));
        }
        let mut certs = Vec::new();
        if basic.peek_tag() == Some(0xa0) {
            let wrapped = basic.read(0xa0, "certs")?;
            let mut w = Reader::new(wrapped);
            let mut list = w.read_sequence("certs")?;
            w.finish("certs")?;
            while !list.is_empty() {
                certs.push(list.read_tagged(tag::SEQUENCE, "certs")?.raw);
            }
        }
        basic.finish("BasicOCSPResponse")?;

        // ResponseData ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, responderID,
        //   producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse,
        //   responseExtensions [1] EXPLICIT OPTIONAL }
        let mut data = Reader::new(tbs.value);
        if data.peek_tag() == Some(0xa0) {
            let mut v = Reader::new(data.read(0xa0, "version")?);
            if v.read(tag::INTEGER, "version")? != [0] {
                return Err(OcspError::Malformed("version"));
            }
            v.finish("version")?;
        }
        let responder_tlv = data.read_tlv("responderID")?;
        let responder = match responder_tlv.tag {
            0xa1 => {
                let mut r = Reader::new(responder_tlv.value);
                let name = r.read_tagged(tag::SEQUENCE, "responderID byName")?.raw;
                r.finish("responderID")?;
                ResponderId::Name(name)
            }
            0xa2 => {
                let mut r = Reader::new(responder_tlv.value);
                let hash = r.read(tag::OCTET_STRING, "responderID byKey")?;
                r.finish("responderID")?;
                ResponderId::KeyHash(hash)
            }
            _ => return Err(OcspError::Malformed("responderID")),
        };
        let produced = data.read_tlv("producedAt")?;
        if produced.tag != tag::GENERALIZED_TIME {
            return Err(OcspError::Malformed("producedAt"));
        }
        parse_generalized_time(produced.value, "producedAt")?;
        let responses = data.read(tag::SEQUENCE, "responses")?;
        if data.peek_tag() == Some(0xa1) {
            data.read(0xa1, "responseExtensions")?;
        }
        data.finish("ResponseData")?;
        Ok(BasicResponse {
            tbs: tbs.raw,
            signature_algorithm,
            signature,
            responder,
            responses,
            certs,
        })
    }

    /// The SingleResponse whose CertID names `cert` as issued by `issuer` (§4.1.1).
    fn find(
        &self,
        provider: &dyn CryptoProvider,
        cert: &Certificate<'_>,
        issuer: OcspIssuer<'_>,
    ) -> Result<SingleResponse, OcspError> {
        let sha256 = |data: &[u8]| {
            provider
                .hash(tlskit_crypto::HashAlgorithm::Sha256)
                .map(|h| h.hash(data).as_ref().to_vec())
        };
        let issuer_key = subject_public_key_bits(issuer.spki)?;
        let mut list = Reader::new(self.responses);
        while !list.is_empty() {
            let mut single = list.read_sequence("SingleResponse")?;
            let mut cert_id = single.read_sequence("CertID")?;
            let mut alg = cert_id.read_sequence("hashAlgorithm")?;
            let alg_oid = alg.read(tag::OID, "hashAlgorithm")?;
            if !alg.is_empty() {
                alg.read(tag::NULL, "hashAlgorithm parameters")?;
            }
            alg.finish("hashAlgorithm")?;
            let name_hash = cert_id.read(tag::OCTET_STRING, "issuerNameHash")?;
            let key_hash = cert_id.read(tag::OCTET_STRING, "issuerKeyHash")?;
            let serial = cert_id.read(tag::INTEGER, "serialNumber")?;
            cert_id.finish("CertID")?;
            let status = read_cert_status(&mut single)?;
            let this_update = read_generalized_time(&mut single, "thisUpdate")?;
            let mut next_update = None;
            if single.peek_tag() == Some(0xa0) {
                let mut n = Reader::new(single.read(0xa0, "nextUpdate")?);
                next_update = Some(read_generalized_time(&mut n, "nextUpdate")?);
                n.finish("nextUpdate")?;
            }
            if single.peek_tag() == Some(0xa1) {
                single.read(0xa1, "singleExtensions")?;
            }
            single.finish("SingleResponse")?;

            let matches = serial == cert.serial
                && match alg_oid {
                    SHA1 => {
                        name_hash == Sha1::digest(issuer.subject).as_slice()
                            && key_hash == Sha1::digest(issuer_key).as_slice()
                    }
                    oid::SHA256 => {
                        sha256(issuer.subject).is_some_and(|h| name_hash == h.as_slice())
                            && sha256(issuer_key).is_some_and(|h| key_hash == h.as_slice())
                    }
                    _ => false,
                };
            if matches {
                return Ok(SingleResponse {
                    status,
                    this_update,
                    next_update,
                });
            }
        }
        Err(OcspError::NoMatchingResponse)
    }
}

fn read_generalized_time(r: &mut Reader<'_>, what: &'static str) -> Result<UnixTime, OcspError> {
    let tlv = r.read_tlv(what)?;
    if tlv.tag != tag::GENERALIZED_TIME {
        return Err(OcspError::Malformed(what));
    }
    Ok(parse_generalized_time(tlv.value, what)?)
}

/// CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo,
/// unknown [2] IMPLICIT NULL }
fn read_cert_status(r: &mut Reader<'_>) -> Result<OcspStatus, OcspError> {
    let tlv = r.read_tlv("certStatus")?;
    match (tlv.tag, tlv.value) {
        (0x80, []) => Ok(OcspStatus::Good),
        (0x82, []) => Ok(OcspStatus::Unknown),
        (0xa1, info) => {
            let mut info = Reader::new(info);
            let revoked_at = read_generalized_time(&mut info, "revocationTime")?;
            let mut reason = None;
            if info.peek_tag() == Some(0xa0) {
                let mut wrapped = Reader::new(info.read(0xa0, "revocationReason")?);
                match wrapped.read(tag::ENUMERATED, "revocationReason")? {
                    [code] => reason = Some(*code),
                    _ => return Err(OcspError::Malformed("revocationReason")),
                }
                wrapped.finish("revocationReason")?;
            }
            info.finish("RevokedInfo")?;
            Ok(OcspStatus::Revoked { revoked_at, reason })
        }
        _ => Err(OcspError::Malformed("certStatus")),
    }
}

/// The subjectPublicKey BIT STRING's key bits (without the unused-bits octet).
fn subject_public_key_bits(spki: &[u8]) -> Result<&[u8], OcspError> {
    let mut outer = Reader::new(spki);
    let mut seq = outer.read_sequence("SubjectPublicKeyInfo")?;
    seq.read(tag::SEQUENCE, "algorithm")?;
    let (unused, bits) = seq.read_bit_string("subjectPublicKey")?;
    if unused != 0 {
        return Err(OcspError::Malformed("subjectPublicKey"));
    }
    Ok(bits)
}

fn responder_matches(id: &ResponderId<'_>, subject: &[u8], spki: &[u8]) -> bool {
    match id {
        ResponderId::Name(name) => *name == subject,
        ResponderId::KeyHash(hash) => subject_public_key_bits(spki)
            .map(|bits| *hash == Sha1::digest(bits).as_slice())
            .unwrap_or(false),
    }
}

/// RFC 6960 §4.2.2.2: the issuer signs itself, or a certificate in `certs` issued by the
/// issuer, carrying id-kp-OCSPSigning and valid now, does.
fn check_signer(
    provider: &dyn CryptoProvider,
    basic: &BasicResponse<'_>,
    issuer: OcspIssuer<'_>,
    now: UnixTime,
) -> Result<(), OcspError> {
    let verify = |spki: &[u8], alg: &[u8], msg: &[u8], sig: &[u8]| {
        crate::verify::verify_signed(provider, spki, alg, msg, sig, 0).map_err(|e| match e {
            crate::CertError::UnsupportedSignatureAlgorithm { .. } => {
                OcspError::UnsupportedSignatureAlgorithm
            }
            _ => OcspError::BadSignature,
        })
    };
    if responder_matches(&basic.responder, issuer.subject, issuer.spki) {
        return verify(
            issuer.spki,
            basic.signature_algorithm,
            basic.tbs,
            basic.signature,
        );
    }
    for der in &basic.certs {
        let Ok(responder) = Certificate::from_der(der) else {
            continue;
        };
        if !responder_matches(&basic.responder, responder.subject.der(), responder.spki) {
            continue;
        }
        let delegated = responder.issuer.der() == issuer.subject
            && responder
                .extensions
                .extended_key_usage
                .is_some_and(|eku| eku.value.purposes().any(|p| p == KP_OCSP_SIGNING))
            && responder.not_before <= now
            && now <= responder.not_after;
        if !delegated {
            return Err(OcspError::UnauthorizedSigner);
        }
        verify(
            issuer.spki,
            responder.signature_algorithm,
            responder.tbs(),
            responder.signature,
        )
        .map_err(|_| OcspError::UnauthorizedSigner)?;
        return verify(
            responder.spki,
            basic.signature_algorithm,
            basic.tbs,
            basic.signature,
        );
    }
    Err(OcspError::UnauthorizedSigner)
}
