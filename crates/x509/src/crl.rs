//! Certificate revocation lists (RFC 5280 §5) and the revocation check (§6.3).

use crate::der::{range_within, tag, DerError, Reader};
use crate::extensions::{iter_extensions, read_distribution_point_name, AuthorityKeyIdentifier};
use crate::name::{DistinguishedName, GeneralNames};
use crate::oid;
use crate::time::{read_time, UnixTime};
use std::ops::Range;

/// What happens when a certificate on the path has no CRL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RevocationPolicy {
    /// Every certificate below the trust anchor must be covered by a valid CRL from its
    /// issuer.
    Require,
    /// CRLs that apply are checked (and must be valid); certificates no CRL covers pass.
    #[default]
    IfPresent,
    /// CRLs are ignored.
    Off,
}

/// issuingDistributionPoint (RFC 5280 §5.2.5), the parts that decide a CRL's scope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct IssuingDistributionPoint {
    /// distributionPoint fullName entries (raw GeneralName TLVs).
    full_names: Option<Vec<Vec<u8>>>,
    relative_name: bool,
    only_user_certs: bool,
    only_ca_certs: bool,
    only_some_reasons: bool,
    indirect: bool,
    only_attribute_certs: bool,
}

/// A revoked entry.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    serial: Range<usize>,
    /// reasonCode removeFromCRL (8): only meaningful in delta CRLs.
    remove_from_crl: bool,
    /// An entry extension that changes its meaning and that tlskit does not process
    /// (certificateIssuer, or an unknown critical one).
    unsupported: bool,
}

/// A parsed CRL that owns its DER. Parsed once; the revoked serials are kept sorted
/// (as ranges into the DER), so a lookup is a binary search and nothing is copied.
#[derive(Clone, PartialEq, Eq)]
pub struct OwnedCrl {
    der: Vec<u8>,
    tbs: Range<usize>,
    tbs_signature_algorithm: Range<usize>,
    signature_algorithm: Range<usize>,
    signature: Range<usize>,
    issuer: Range<usize>,
    /// thisUpdate.
    pub this_update: UnixTime,
    /// nextUpdate.
    pub next_update: Option<UnixTime>,
    version: u8,
    crl_number: Option<bool>,
    aki_key_id: Option<Range<usize>>,
    idp: Option<IssuingDistributionPoint>,
    delta: bool,
    unknown_critical: bool,
    entries: Vec<Entry>,
}

impl std::fmt::Debug for OwnedCrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let issuer = DistinguishedName::from_der(self.issuer())
            .map(|n| n.to_string())
            .unwrap_or_default();
        f.debug_struct("OwnedCrl")
            .field("issuer", &issuer)
            .field("this_update", &self.this_update)
            .field("next_update", &self.next_update)
            .field("revoked", &self.entries.len())
            .finish()
    }
}

fn range(outer: &[u8], inner: &[u8]) -> Result<Range<usize>, DerError> {
    range_within(outer, inner).ok_or(DerError("internal range"))
}

impl OwnedCrl {
    /// Parses a DER `CertificateList` (RFC 5280 §5.1).
    pub fn from_der(der: Vec<u8>) -> Result<Self, DerError> {
        let d = der.as_slice();
        let mut outer = Reader::new(d);
        let mut list = outer.read_sequence("CertificateList")?;
        outer.finish("trailing data after CertificateList")?;
        let tbs = list.read_tagged(tag::SEQUENCE, "tbsCertList")?;
        let signature_algorithm = list.read_tagged(tag::SEQUENCE, "signatureAlgorithm")?.raw;
        let signature = list.read_octet_aligned_bit_string("signatureValue")?;
        list.finish("CertificateList")?;

        let mut t = Reader::new(tbs.value);
        let version = if t.peek_tag() == Some(tag::INTEGER) {
            match t.read_u64("version")? {
                1 => 1,
                _ => return Err(DerError("CRL version")),
            }
        } else {
            0
        };
        let tbs_signature_algorithm = t.read_tagged(tag::SEQUENCE, "signature")?.raw;
        let issuer_raw = t.read_tagged(tag::SEQUENCE, "issuer")?.raw;
        DistinguishedName::from_der(issuer_raw)?;
        let this_update = read_time(&mut t, "thisUpdate")?;
        let next_update = match t.peek_tag() {
            Some(tag::UTC_TIME | tag::GENERALIZED_TIME) => Some(read_time(&mut t, "nextUpdate")?),
            _ => None,
        };
        let mut entries = Vec::new();
        if let Some(revoked) = t.read_optional(tag::SEQUENCE, "revokedCertificates")? {
            let mut r = Reader::new(revoked);
            while !r.is_empty() {
                let mut e = r.read_sequence("revoked entry")?;
                let serial = e.read_integer("userCertificate")?;
                read_time(&mut e, "revocationDate")?;
                let mut entry = Entry {
                    serial: range(d, serial)?,
                    remove_from_crl: false,
                    unsupported: false,
                };
                if !e.is_empty() {
                    if version != 1 {
                        return Err(DerError("entry extensions in a v1 CRL"));
                    }
                    let exts = e.read(tag::SEQUENCE, "crlEntryExtensions")?;
                    for ext in iter_extensions(exts) {
                        let ext = ext?;
                        match ext.oid {
                            oid::CRL_REASON => {
                                let mut v = Reader::new(ext.value);
                                let code = v.read(tag::ENUMERATED, "reasonCode")?;
                                v.finish("reasonCode")?;
                                entry.remove_from_crl = code == [8];
                            }
                            oid::INVALIDITY_DATE => {}
                            oid::CERTIFICATE_ISSUER => entry.unsupported = true,
                            _ => entry.unsupported |= ext.critical,
                        }
                    }
                }
                e.finish("revoked entry")?;
                entries.push(entry);
            }
        }
        let mut crl_number = None;
        let mut aki_key_id = None;
        let mut idp = None;
        let mut delta = false;
        let mut unknown_critical = false;
        if let Some(exts) = t.read_optional(tag::context_constructed(0), "crlExtensions")? {
            if version != 1 {
                return Err(DerError("extensions in a v1 CRL"));
            }
            let mut r = Reader::new(exts);
            let seq = r.read(tag::SEQUENCE, "crlExtensions")?;
            r.finish("crlExtensions")?;
            let mut seen: Vec<&[u8]> = Vec::new();
            for ext in iter_extensions(seq) {
                let ext = ext?;
                if seen.contains(&ext.oid) {
                    return Err(DerError("duplicate CRL extension"));
                }
                seen.push(ext.oid);
                match ext.oid {
                    oid::CRL_NUMBER => {
                        let mut v = Reader::new(ext.value);
                        v.read_integer("cRLNumber")?;
                        v.finish("cRLNumber")?;
                        crl_number = Some(ext.critical);
                    }
                    oid::AUTHORITY_KEY_IDENTIFIER => {
                        let aki = AuthorityKeyIdentifier::parse(ext.value)?;
                        aki_key_id = aki.key_id.map(|k| range(d, k)).transpose()?;
                    }
                    oid::ISSUING_DISTRIBUTION_POINT => idp = Some(parse_idp(ext.value)?),
                    oid::DELTA_CRL_INDICATOR => delta = true,
                    _ => unknown_critical |= ext.critical,
                }
            }
        }
        t.finish("tbsCertList")?;
        let mut crl = OwnedCrl {
            tbs: range(d, tbs.raw)?,
            tbs_signature_algorithm: range(d, tbs_signature_algorithm)?,
            signature_algorithm: range(d, signature_algorithm)?,
            signature: range(d, signature)?,
            issuer: range(d, issuer_raw)?,
            this_update,
            next_update,
            version,
            crl_number,
            aki_key_id,
            idp,
            delta,
            unknown_critical,
            entries,
            der: Vec::new(),
        };
        crl.entries
            .sort_by(|a, b| der.get(a.serial.clone()).cmp(&der.get(b.serial.clone())));
        crl.der = der;
        Ok(crl)
    }

    /// Parses every `X509 CRL` block of a PEM text.
    pub fn from_pem(pem: &[u8]) -> Result<Vec<Self>, DerError> {
        tlskit_crypto::pem::parse_label(pem, "X509 CRL")
            .into_iter()
            .map(Self::from_der)
            .collect()
    }

    fn slice(&self, r: &Range<usize>) -> &[u8] {
        self.der.get(r.clone()).unwrap_or_default()
    }

    /// The whole DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The issuer Name (DER).
    pub fn issuer(&self) -> &[u8] {
        self.slice(&self.issuer)
    }

    /// Whether `serial` (INTEGER contents) is listed, and how.
    fn lookup(&self, serial: &[u8]) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| self.slice(&e.serial).cmp(serial))
            .ok()
            .and_then(|i| self.entries.get(i))
    }

    /// Number of revoked entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is revoked.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn parse_idp(value: &[u8]) -> Result<IssuingDistributionPoint, DerError> {
    let mut r = Reader::new(value);
    let mut body = r.read_sequence("issuingDistributionPoint")?;
    r.finish("issuingDistributionPoint")?;
    let mut idp = IssuingDistributionPoint::default();
    if let Some(name) = body.read_optional(0xa0, "distributionPoint")? {
        let (full, relative) = read_distribution_point_name(name)?;
        idp.relative_name = relative;
        idp.full_names = full.map(|names| names_raw(&names));
    }
    let mut flag = |n: u8, what| -> Result<bool, DerError> {
        match body.read_optional(tag::context(n), what)? {
            None => Ok(false),
            Some([0xff]) => Ok(true),
            Some(_) => Err(DerError(what)), // FALSE is the DEFAULT, so DER omits it
        }
    };
    idp.only_user_certs = flag(1, "onlyContainsUserCerts")?;
    idp.only_ca_certs = flag(2, "onlyContainsCACerts")?;
    if let Some(reasons) = body.read_optional(tag::context(3), "onlySomeReasons")? {
        crate::der::bit_string(reasons, "onlySomeReasons")?;
        idp.only_some_reasons = true;
    }
    let mut flag = |n: u8, what| -> Result<bool, DerError> {
        match body.read_optional(tag::context(n), what)? {
            None => Ok(false),
            Some([0xff]) => Ok(true),
            Some(_) => Err(DerError(what)),
        }
    };
    idp.indirect = flag(4, "indirectCRL")?;
    idp.only_attribute_certs = flag(5, "onlyContainsAttributeCerts")?;
    body.finish("issuingDistributionPoint")?;
    Ok(idp)
}

fn names_raw(names: &GeneralNames<'_>) -> Vec<Vec<u8>> {
    names.raw_iter().map(<[u8]>::to_vec).collect()
}

/// What the revocation check needs to know about the certificate and its issuer.
pub(crate) struct RevocationSubject<'a> {
    pub index: usize,
    pub issuer_name: &'a [u8],
    pub serial: &'a [u8],
    pub is_ca: bool,
    /// The certificate's cRLDistributionPoints fullName entries (raw TLVs).
    pub distribution_points: Vec<&'a [u8]>,
}

/// The issuer's key and usage, for verifying its CRLs.
pub(crate) struct CrlSigner<'a> {
    pub spki: &'a [u8],
    pub subject_key_id: Option<&'a [u8]>,
    /// keyUsage bits if the extension is present.
    pub key_usage: Option<crate::extensions::KeyUsage>,
}

/// Verifies a signature: (signer SPKI, AlgorithmIdentifier, message, signature).
pub(crate) type VerifyFn<'f> =
    dyn FnMut(&[u8], &[u8], &[u8], &[u8]) -> Result<(), crate::error::CertError> + 'f;

/// RFC 5280 §6.3 for one certificate: finds the CRLs that cover it, checks each (issuer,
/// scope, cRLNumber, critical extensions, cRLSign, signature, freshness) and looks the
/// serial up.
pub(crate) fn check_certificate(
    subject: &RevocationSubject<'_>,
    signer: &CrlSigner<'_>,
    crls: &[OwnedCrl],
    policy: RevocationPolicy,
    now: UnixTime,
    verify: &mut VerifyFn<'_>,
) -> Result<(), crate::error::CertError> {
    use crate::error::CertError;
    if policy == RevocationPolicy::Off {
        return Ok(());
    }
    let invalid = |reason| CertError::InvalidCrl {
        index: subject.index,
        reason,
    };
    let mut covered = false;
    for crl in crls.iter().filter(|c| c.issuer() == subject.issuer_name) {
        if let (Some(aki), Some(ski)) = (&crl.aki_key_id, signer.subject_key_id) {
            if crl.slice(aki) != ski {
                continue; // signed by another key of the same CA name
            }
        }
        if crl.delta {
            continue; // delta CRLs are not supported; a complete CRL is needed
        }
        if let Some(idp) = &crl.idp {
            if (idp.only_user_certs && subject.is_ca)
                || (idp.only_ca_certs && !subject.is_ca)
                || idp.only_some_reasons
                || idp.indirect
                || idp.only_attribute_certs
                || idp.relative_name
            {
                continue; // a partitioned CRL that does not (fully) cover this certificate
            }
            if let Some(names) = &idp.full_names {
                let listed = subject
                    .distribution_points
                    .iter()
                    .any(|dp| names.iter().any(|n| n.as_slice() == *dp));
                if !listed {
                    continue;
                }
            }
        }
        // RFC 5280 §5.2.3: cRLNumber MUST be present and non-critical.
        match crl.crl_number {
            None => return Err(invalid("cRLNumber missing")),
            Some(true) => return Err(invalid("cRLNumber marked critical")),
            Some(false) => {}
        }
        if crl.version != 1 {
            return Err(invalid("not a v2 CRL"));
        }
        if crl.unknown_critical {
            return Err(invalid("unsupported critical CRL extension"));
        }
        if crl.slice(&crl.signature_algorithm) != crl.slice(&crl.tbs_signature_algorithm) {
            return Err(invalid(
                "signatureAlgorithm differs from tbsCertList.signature",
            ));
        }
        // §6.3.3 (f): if the issuer has keyUsage, cRLSign must be set.
        if signer
            .key_usage
            .is_some_and(|ku| !ku.has(crate::extensions::KeyUsage::CRL_SIGN))
        {
            return Err(invalid("issuer keyUsage lacks cRLSign"));
        }
        verify(
            signer.spki,
            crl.slice(&crl.signature_algorithm),
            crl.slice(&crl.tbs),
            crl.slice(&crl.signature),
        )
        .map_err(|_| invalid("signature does not verify"))?;
        if crl.this_update > now {
            return Err(invalid("thisUpdate is in the future"));
        }
        if crl.next_update.is_some_and(|next| next < now) {
            return Err(invalid("nextUpdate has passed"));
        }
        if let Some(entry) = crl.lookup(subject.serial) {
            if entry.unsupported {
                return Err(invalid("unsupported CRL entry extension"));
            }
            if !entry.remove_from_crl {
                return Err(CertError::Revoked {
                    index: subject.index,
                    serial: subject.serial.iter().map(|b| format!("{b:02x}")).collect(),
                });
            }
        }
        covered = true;
    }
    if policy == RevocationPolicy::Require && !covered {
        return Err(CertError::RevocationStatusUnknown {
            index: subject.index,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::der::encode_sequence;
    use tlskit_crypto::der::encode_tlv;

    /// A minimal v2 CRL: issuer CN=x, thisUpdate, optional nextUpdate, entries, cRLNumber.
    fn crl(serials: &[&[u8]], with_number: Option<bool>) -> Vec<u8> {
        let alg = encode_sequence(&encode_tlv(tag::OID, oid::ECDSA_WITH_SHA256));
        let mut atv = encode_tlv(tag::OID, oid::AT_COMMON_NAME);
        atv.extend(encode_tlv(tag::UTF8_STRING, b"x"));
        let issuer = encode_sequence(&encode_tlv(tag::SET, &encode_sequence(&atv)));
        let mut tbs = encode_tlv(tag::INTEGER, &[1]);
        tbs.extend(&alg);
        tbs.extend(&issuer);
        tbs.extend(encode_tlv(tag::UTC_TIME, b"240101000000Z"));
        tbs.extend(encode_tlv(tag::UTC_TIME, b"260101000000Z"));
        if !serials.is_empty() {
            let mut entries = Vec::new();
            for s in serials {
                let mut e = encode_tlv(tag::INTEGER, s);
                e.extend(encode_tlv(tag::UTC_TIME, b"240101000000Z"));
                entries.extend(encode_sequence(&e));
            }
            tbs.extend(encode_sequence(&entries));
        }
        if let Some(critical) = with_number {
            let mut ext = encode_tlv(tag::OID, oid::CRL_NUMBER);
            if critical {
                ext.extend(encode_tlv(tag::BOOLEAN, &[0xff]));
            }
            ext.extend(encode_tlv(
                tag::OCTET_STRING,
                &encode_tlv(tag::INTEGER, &[5]),
            ));
            tbs.extend(encode_tlv(0xa0, &encode_sequence(&encode_sequence(&ext))));
        }
        let mut list = encode_sequence(&tbs);
        list.extend(&alg);
        list.extend(encode_tlv(tag::BIT_STRING, &[0, 1, 2, 3]));
        encode_sequence(&list)
    }

    #[test]
    fn parses_and_looks_up_serials() {
        let c = OwnedCrl::from_der(crl(&[&[0x05], &[0x01, 0x00], &[0x03]], Some(false))).unwrap();
        assert_eq!(c.len(), 3);
        assert!(c.lookup(&[0x03]).is_some());
        assert!(c.lookup(&[0x01, 0x00]).is_some());
        assert!(c.lookup(&[0x04]).is_none());
        assert_eq!(c.crl_number, Some(false));
        assert_eq!(c.this_update.to_string(), "2024-01-01T00:00:00Z");
        assert!(format!("{c:?}").contains("CN=x"));
    }

    #[test]
    fn checks_report_crl_problems() {
        let subject_name = {
            let c = OwnedCrl::from_der(crl(&[], None)).unwrap();
            c.issuer().to_vec()
        };
        let subject = RevocationSubject {
            index: 0,
            issuer_name: &subject_name,
            serial: &[0x03],
            is_ca: false,
            distribution_points: Vec::new(),
        };
        let signer = CrlSigner {
            spki: &[],
            subject_key_id: None,
            key_usage: None,
        };
        let now = UnixTime::from_utc(2025, 1, 1, 0, 0, 0).unwrap();
        let mut ok = |_: &[u8], _: &[u8], _: &[u8], _: &[u8]| Ok(());
        let run = |der, policy, verify: &mut VerifyFn<'_>| {
            let crls = [OwnedCrl::from_der(der).unwrap()];
            check_certificate(&subject, &signer, &crls, policy, now, verify)
        };
        use crate::error::CertError;
        assert!(matches!(
            run(
                crl(&[&[0x03]], Some(false)),
                RevocationPolicy::IfPresent,
                &mut ok
            ),
            Err(CertError::Revoked { index: 0, .. })
        ));
        assert!(run(
            crl(&[&[0x04]], Some(false)),
            RevocationPolicy::Require,
            &mut ok
        )
        .is_ok());
        assert!(run(crl(&[&[0x03]], Some(false)), RevocationPolicy::Off, &mut ok).is_ok());
        assert!(matches!(
            run(crl(&[], None), RevocationPolicy::IfPresent, &mut ok),
            Err(CertError::InvalidCrl {
                reason: "cRLNumber missing",
                ..
            })
        ));
        assert!(matches!(
            run(crl(&[], Some(true)), RevocationPolicy::IfPresent, &mut ok),
            Err(CertError::InvalidCrl {
                reason: "cRLNumber marked critical",
                ..
            })
        ));
        let mut bad_sig =
            |_: &[u8], _: &[u8], _: &[u8], _: &[u8]| Err(CertError::BadSignature { index: 0 });
        assert!(matches!(
            run(
                crl(&[], Some(false)),
                RevocationPolicy::IfPresent,
                &mut bad_sig
            ),
            Err(CertError::InvalidCrl { .. })
        ));
        let crls: [OwnedCrl; 0] = [];
        assert_eq!(
            check_certificate(
                &subject,
                &signer,
                &crls,
                RevocationPolicy::Require,
                now,
                &mut ok
            ),
            Err(CertError::RevocationStatusUnknown { index: 0 })
        );
    }

    #[test]
    fn malformed_crls_are_errors() {
        let good = crl(&[&[0x01]], Some(false));
        for cut in [0, 1, 10, good.len() - 1] {
            assert!(
                OwnedCrl::from_der(good[..cut].to_vec()).is_err(),
                "cut {cut}"
            );
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(OwnedCrl::from_der(trailing).is_err());
    }
}
