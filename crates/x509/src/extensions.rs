//! Certificate extensions (RFC 5280 §4.2) decoded from their DER values.
//!
//! Each known extension is parsed strictly when the certificate is parsed, so a
//! malformed value is a parse error; what the profile thinks of a well-formed value
//! (criticality, presence) is checked during validation (`profile.rs`).

use crate::der::{check_oid, tag, DerError, Reader};
use crate::name::{GeneralName, GeneralNames};
use crate::oid;

/// One raw extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extension<'a> {
    /// extnID contents.
    pub oid: &'a [u8],
    /// The critical flag.
    pub critical: bool,
    /// extnValue contents (the DER of the extension's own type).
    pub value: &'a [u8],
}

/// A decoded extension with its critical flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ext<T> {
    /// Whether the extension was marked critical.
    pub critical: bool,
    /// The decoded value.
    pub value: T,
}

/// basicConstraints (RFC 5280 §4.2.1.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasicConstraints {
    /// cA.
    pub ca: bool,
    /// pathLenConstraint.
    pub path_len: Option<u64>,
}

/// keyUsage bits (RFC 5280 §4.2.1.3); bit n of the BIT STRING is `1 << n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyUsage(pub u16);

impl KeyUsage {
    /// digitalSignature (0)
    pub const DIGITAL_SIGNATURE: u16 = 1 << 0;
    /// nonRepudiation / contentCommitment (1)
    pub const CONTENT_COMMITMENT: u16 = 1 << 1;
    /// keyEncipherment (2)
    pub const KEY_ENCIPHERMENT: u16 = 1 << 2;
    /// dataEncipherment (3)
    pub const DATA_ENCIPHERMENT: u16 = 1 << 3;
    /// keyAgreement (4)
    pub const KEY_AGREEMENT: u16 = 1 << 4;
    /// keyCertSign (5)
    pub const KEY_CERT_SIGN: u16 = 1 << 5;
    /// cRLSign (6)
    pub const CRL_SIGN: u16 = 1 << 6;
    /// encipherOnly (7)
    pub const ENCIPHER_ONLY: u16 = 1 << 7;
    /// decipherOnly (8)
    pub const DECIPHER_ONLY: u16 = 1 << 8;

    /// The RFC 5280 name of the lowest bit set in `bits`, for messages.
    pub fn names(bits: u16) -> &'static str {
        const NAMES: [&str; 9] = [
            "digitalSignature",
            "contentCommitment",
            "keyEncipherment",
            "dataEncipherment",
            "keyAgreement",
            "keyCertSign",
            "cRLSign",
            "encipherOnly",
            "decipherOnly",
        ];
        NAMES
            .get(bits.trailing_zeros() as usize)
            .copied()
            .unwrap_or("keyUsage")
    }

    /// The bit of an RFC 5280 keyUsage name (`"digitalSignature"`, …).
    pub fn from_name(name: &str) -> Option<u16> {
        (0..9)
            .map(|b| 1u16 << b)
            .find(|&bit| Self::names(bit) == name)
    }

    /// Whether every bit of `bits` is set.
    pub fn has(self, bits: u16) -> bool {
        self.0 & bits == bits
    }

    fn parse(value: &[u8]) -> Result<Self, DerError> {
        let mut r = Reader::new(value);
        let (_, bytes) = r.read_bit_string("keyUsage")?;
        r.finish("keyUsage")?;
        if bytes.len() > 2 {
            return Err(DerError("keyUsage too long"));
        }
        let mut bits = 0u16;
        for (i, &byte) in bytes.iter().enumerate() {
            for bit in 0..8 {
                if byte & (0x80 >> bit) != 0 {
                    bits |= 1 << (i * 8 + bit);
                }
            }
        }
        // §4.2.1.3: "at least one of the bits MUST be set to 1".
        if bits == 0 {
            return Err(DerError("keyUsage with no bits set"));
        }
        Ok(KeyUsage(bits))
    }
}

/// extKeyUsage (RFC 5280 §4.2.1.12): a non-empty list of purpose OIDs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtendedKeyUsage<'a> {
    contents: &'a [u8],
}

impl<'a> ExtendedKeyUsage<'a> {
    fn parse(value: &'a [u8]) -> Result<Self, DerError> {
        let mut r = Reader::new(value);
        let contents = r.read(tag::SEQUENCE, "extKeyUsage")?;
        r.finish("extKeyUsage")?;
        if contents.is_empty() {
            return Err(DerError("empty extKeyUsage"));
        }
        let mut items = Reader::new(contents);
        while !items.is_empty() {
            check_oid(items.read(tag::OID, "KeyPurposeId")?, "KeyPurposeId")?;
        }
        Ok(ExtendedKeyUsage { contents })
    }

    /// The purpose OIDs.
    pub fn purposes(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let mut r = Reader::new(self.contents);
        std::iter::from_fn(move || r.read(tag::OID, "KeyPurposeId").ok())
    }

    /// Whether `purpose` is listed.
    pub fn contains(&self, purpose: &[u8]) -> bool {
        self.purposes().any(|p| p == purpose)
    }
}

/// One `GeneralSubtree` of a name constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GeneralSubtree<'a> {
    /// The base name.
    pub base: GeneralName<'a>,
    /// True when `minimum` is non-zero or `maximum` is present: RFC 5280 §4.2.1.10 says
    /// both MUST be absent in this profile.
    pub has_min_or_max: bool,
}

/// nameConstraints (RFC 5280 §4.2.1.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameConstraints<'a> {
    permitted: Option<&'a [u8]>,
    excluded: Option<&'a [u8]>,
}

impl<'a> NameConstraints<'a> {
    /// Parses the DER value of a nameConstraints extension.
    pub fn parse_value(value: &'a [u8]) -> Result<Self, DerError> {
        Self::parse(value)
    }

    fn parse(value: &'a [u8]) -> Result<Self, DerError> {
        let mut r = Reader::new(value);
        let mut body = r.read_sequence("nameConstraints")?;
        r.finish("nameConstraints")?;
        let permitted = body.read_optional(tag::context_constructed(0), "permittedSubtrees")?;
        let excluded = body.read_optional(tag::context_constructed(1), "excludedSubtrees")?;
        body.finish("nameConstraints")?;
        // §4.2.1.10: "Conforming CAs MUST NOT issue certificates where name constraints
        // is an empty sequence"; GeneralSubtrees is SIZE (1..MAX).
        if permitted.is_none() && excluded.is_none() {
            return Err(DerError("empty nameConstraints"));
        }
        for subtrees in [permitted, excluded].into_iter().flatten() {
            if subtrees.is_empty() {
                return Err(DerError("empty GeneralSubtrees"));
            }
            let mut r = Reader::new(subtrees);
            while !r.is_empty() {
                read_subtree(&mut r)?;
            }
        }
        Ok(NameConstraints {
            permitted,
            excluded,
        })
    }

    /// permittedSubtrees, if present.
    pub fn permitted(&self) -> Option<impl Iterator<Item = GeneralSubtree<'a>> + 'a> {
        self.permitted.map(subtrees)
    }

    /// excludedSubtrees, if present.
    pub fn excluded(&self) -> Option<impl Iterator<Item = GeneralSubtree<'a>> + 'a> {
        self.excluded.map(subtrees)
    }

    /// Total number of subtrees (for the work budget).
    pub fn len(&self) -> usize {
        self.permitted().map_or(0, |i| i.count()) + self.excluded().map_or(0, |i| i.count())
    }

    /// Never true for a parsed value (empty constraints are rejected); for clippy.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn subtrees(contents: &[u8]) -> impl Iterator<Item = GeneralSubtree<'_>> + '_ {
    let mut r = Reader::new(contents);
    std::iter::from_fn(move || read_subtree(&mut r).ok())
}

fn read_subtree<'a>(r: &mut Reader<'a>) -> Result<GeneralSubtree<'a>, DerError> {
    let mut s = r.read_sequence("GeneralSubtree")?;
    let base = GeneralName::read(&mut s)?;
    let mut has_min_or_max = false;
    if let Some(min) = s.read_optional(tag::context(0), "minimum")? {
        crate::der::check_integer(min, "minimum")?;
        // DER: a DEFAULT 0 must be omitted, so an encoded minimum is non-zero.
        if min == [0] {
            return Err(DerError("minimum encoded with its default"));
        }
        has_min_or_max = true;
    }
    if let Some(max) = s.read_optional(tag::context(1), "maximum")? {
        crate::der::check_integer(max, "maximum")?;
        has_min_or_max = true;
    }
    s.finish("GeneralSubtree")?;
    Ok(GeneralSubtree {
        base,
        has_min_or_max,
    })
}

/// authorityKeyIdentifier (RFC 5280 §4.2.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthorityKeyIdentifier<'a> {
    /// keyIdentifier.
    pub key_id: Option<&'a [u8]>,
    /// authorityCertIssuer.
    pub issuer: Option<GeneralNames<'a>>,
    /// authorityCertSerialNumber.
    pub serial: Option<&'a [u8]>,
}

impl<'a> AuthorityKeyIdentifier<'a> {
    /// Parses the value of an AKI extension (also used in CRLs).
    pub fn parse(value: &'a [u8]) -> Result<Self, DerError> {
        let mut r = Reader::new(value);
        let mut body = r.read_sequence("authorityKeyIdentifier")?;
        r.finish("authorityKeyIdentifier")?;
        let key_id = body.read_optional(tag::context(0), "keyIdentifier")?;
        let issuer = body
            .read_optional(tag::context_constructed(1), "authorityCertIssuer")?
            .map(GeneralNames::from_contents)
            .transpose()?;
        let serial = body.read_optional(tag::context(2), "authorityCertSerialNumber")?;
        if let Some(serial) = serial {
            crate::der::check_integer(serial, "authorityCertSerialNumber")?;
        }
        body.finish("authorityKeyIdentifier")?;
        // §4.2.1.1 (ASN.1 comment): issuer and serial are both present or both absent.
        if issuer.is_some() != serial.is_some() {
            return Err(DerError(
                "authorityCertIssuer without serial (or vice versa)",
            ));
        }
        Ok(AuthorityKeyIdentifier {
            key_id,
            issuer,
            serial,
        })
    }
}

/// One DistributionPoint of cRLDistributionPoints (RFC 5280 §4.2.1.13).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DistributionPoint<'a> {
    /// distributionPoint fullName, if given that way.
    pub full_name: Option<GeneralNames<'a>>,
    /// True if the point uses nameRelativeToCRLIssuer.
    pub relative_name: bool,
    /// reasons present.
    pub has_reasons: bool,
    /// cRLIssuer.
    pub crl_issuer: Option<GeneralNames<'a>>,
}

/// cRLDistributionPoints (RFC 5280 §4.2.1.13).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CrlDistributionPoints<'a> {
    contents: &'a [u8],
}

impl<'a> CrlDistributionPoints<'a> {
    fn parse(value: &'a [u8]) -> Result<Self, DerError> {
        let mut r = Reader::new(value);
        let contents = r.read(tag::SEQUENCE, "cRLDistributionPoints")?;
        r.finish("cRLDistributionPoints")?;
        if contents.is_empty() {
            return Err(DerError("empty cRLDistributionPoints"));
        }
        let mut items = Reader::new(contents);
        while !items.is_empty() {
            read_distribution_point(&mut items)?;
        }
        Ok(CrlDistributionPoints { contents })
    }

    /// The points.
    pub fn iter(&self) -> impl Iterator<Item = DistributionPoint<'a>> + 'a {
        let mut r = Reader::new(self.contents);
        std::iter::from_fn(move || read_distribution_point(&mut r).ok())
    }
}

/// Reads a `DistributionPointName ::= CHOICE { fullName [0] GeneralNames,
/// nameRelativeToCRLIssuer [1] RelativeDistinguishedName }` from its `[0]` wrapper's
/// contents. Returns (fullName, relative?).
pub(crate) fn read_distribution_point_name(
    contents: &[u8],
) -> Result<(Option<GeneralNames<'_>>, bool), DerError> {
    let mut r = Reader::new(contents);
    let tlv = r.read_tlv("DistributionPointName")?;
    r.finish("DistributionPointName")?;
    match tlv.tag {
        0xa0 => Ok((Some(GeneralNames::from_contents(tlv.value)?), false)),
        0xa1 => Ok((None, true)),
        _ => Err(DerError("DistributionPointName")),
    }
}

fn read_distribution_point<'a>(r: &mut Reader<'a>) -> Result<DistributionPoint<'a>, DerError> {
    let mut dp = r.read_sequence("DistributionPoint")?;
    let (full_name, relative_name) = match dp.read_optional(0xa0, "distributionPoint")? {
        Some(name) => read_distribution_point_name(name)?,
        None => (None, false),
    };
    let reasons = dp.read_optional(tag::context(1), "reasons")?;
    if let Some(reasons) = reasons {
        crate::der::bit_string(reasons, "reasons")?;
    }
    let crl_issuer = dp
        .read_optional(0xa2, "cRLIssuer")?
        .map(GeneralNames::from_contents)
        .transpose()?;
    dp.finish("DistributionPoint")?;
    // §4.2.1.13: either distributionPoint or cRLIssuer MUST be present.
    if full_name.is_none() && !relative_name && crl_issuer.is_none() {
        return Err(DerError("DistributionPoint with neither name nor issuer"));
    }
    Ok(DistributionPoint {
        full_name,
        relative_name,
        has_reasons: reasons.is_some(),
        crl_issuer,
    })
}

/// policyConstraints (RFC 5280 §4.2.1.11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyConstraints {
    /// requireExplicitPolicy.
    pub require_explicit_policy: Option<u64>,
    /// inhibitPolicyMapping.
    pub inhibit_policy_mapping: Option<u64>,
}

impl PolicyConstraints {
    fn parse(value: &[u8]) -> Result<Self, DerError> {
        let mut r = Reader::new(value);
        let mut body = r.read_sequence("policyConstraints")?;
        r.finish("policyConstraints")?;
        let skip =
            |v: Option<&[u8]>, what| v.map(|v| crate::der::integer_to_u64(v, what)).transpose();
        let require_explicit_policy = skip(
            body.read_optional(tag::context(0), "requireExplicitPolicy")?,
            "requireExplicitPolicy",
        )?;
        let inhibit_policy_mapping = skip(
            body.read_optional(tag::context(1), "inhibitPolicyMapping")?,
            "inhibitPolicyMapping",
        )?;
        body.finish("policyConstraints")?;
        // "Conforming CAs MUST NOT issue certificates where policyConstraints is an
        // empty sequence."
        if require_explicit_policy.is_none() && inhibit_policy_mapping.is_none() {
            return Err(DerError("empty policyConstraints"));
        }
        Ok(PolicyConstraints {
            require_explicit_policy,
            inhibit_policy_mapping,
        })
    }
}

fn parse_subject_key_id(value: &[u8]) -> Result<&[u8], DerError> {
    let mut r = Reader::new(value);
    let id = r.read(tag::OCTET_STRING, "subjectKeyIdentifier")?;
    r.finish("subjectKeyIdentifier")?;
    Ok(id)
}

fn parse_basic_constraints(value: &[u8]) -> Result<BasicConstraints, DerError> {
    let mut r = Reader::new(value);
    let mut body = r.read_sequence("basicConstraints")?;
    r.finish("basicConstraints")?;
    let ca = if body.peek_tag() == Some(tag::BOOLEAN) {
        // DER: DEFAULT FALSE must be omitted.
        if !body.read_bool("cA")? {
            return Err(DerError("cA FALSE encoded explicitly"));
        }
        true
    } else {
        false
    };
    let path_len = if body.peek_tag() == Some(tag::INTEGER) {
        Some(body.read_u64("pathLenConstraint")?)
    } else {
        None
    };
    body.finish("basicConstraints")?;
    Ok(BasicConstraints { ca, path_len })
}

fn parse_subject_alt_name(value: &[u8]) -> Result<GeneralNames<'_>, DerError> {
    let mut r = Reader::new(value);
    let contents = r.read(tag::SEQUENCE, "subjectAltName")?;
    r.finish("subjectAltName")?;
    GeneralNames::from_contents(contents)
}

/// AuthorityInfoAccessSyntax (RFC 5280 §4.2.2.1): `SEQUENCE SIZE (1..MAX) OF
/// AccessDescription`; also used for subjectInfoAccess.
fn check_info_access(value: &[u8]) -> Result<(), DerError> {
    let mut r = Reader::new(value);
    let contents = r.read(tag::SEQUENCE, "InfoAccessSyntax")?;
    r.finish("InfoAccessSyntax")?;
    if contents.is_empty() {
        return Err(DerError("empty InfoAccessSyntax"));
    }
    let mut items = Reader::new(contents);
    while !items.is_empty() {
        let mut ad = items.read_sequence("AccessDescription")?;
        check_oid(ad.read(tag::OID, "accessMethod")?, "accessMethod")?;
        GeneralName::read(&mut ad)?;
        ad.finish("AccessDescription")?;
    }
    Ok(())
}

/// certificatePolicies (RFC 5280 §4.2.1.4): structure only; tlskit does not process
/// policies (see the crate docs).
fn check_certificate_policies(value: &[u8]) -> Result<(), DerError> {
    let mut r = Reader::new(value);
    let contents = r.read(tag::SEQUENCE, "certificatePolicies")?;
    r.finish("certificatePolicies")?;
    if contents.is_empty() {
        return Err(DerError("empty certificatePolicies"));
    }
    let mut items = Reader::new(contents);
    while !items.is_empty() {
        let mut info = items.read_sequence("PolicyInformation")?;
        check_oid(info.read(tag::OID, "policyIdentifier")?, "policyIdentifier")?;
        if !info.is_empty() {
            let qualifiers = info.read(tag::SEQUENCE, "policyQualifiers")?;
            if qualifiers.is_empty() {
                return Err(DerError("empty policyQualifiers"));
            }
            info.finish("PolicyInformation")?;
        }
    }
    Ok(())
}

/// All extensions of a certificate, with the known ones decoded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Extensions<'a> {
    raw: &'a [u8],
    /// basicConstraints.
    pub basic_constraints: Option<Ext<BasicConstraints>>,
    /// keyUsage.
    pub key_usage: Option<Ext<KeyUsage>>,
    /// extKeyUsage.
    pub extended_key_usage: Option<Ext<ExtendedKeyUsage<'a>>>,
    /// subjectAltName.
    pub subject_alt_name: Option<Ext<GeneralNames<'a>>>,
    /// nameConstraints.
    pub name_constraints: Option<Ext<NameConstraints<'a>>>,
    /// authorityKeyIdentifier.
    pub authority_key_id: Option<Ext<AuthorityKeyIdentifier<'a>>>,
    /// subjectKeyIdentifier.
    pub subject_key_id: Option<Ext<&'a [u8]>>,
    /// cRLDistributionPoints.
    pub crl_distribution_points: Option<Ext<CrlDistributionPoints<'a>>>,
    /// policyConstraints.
    pub policy_constraints: Option<Ext<PolicyConstraints>>,
    /// authorityInfoAccess present (structure checked), with its criticality.
    pub authority_info_access: Option<Ext<()>>,
    /// certificatePolicies present (structure checked).
    pub certificate_policies: Option<Ext<()>>,
    /// The first critical extension tlskit does not process.
    pub unknown_critical: Option<&'a [u8]>,
}

impl<'a> Extensions<'a> {
    /// Parses `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` (the contents of the
    /// `[3]` wrapper): no OID twice (§4.2), known values decoded strictly.
    pub fn parse(explicit_contents: &'a [u8]) -> Result<Self, DerError> {
        let mut outer = Reader::new(explicit_contents);
        let raw = outer.read(tag::SEQUENCE, "Extensions")?;
        outer.finish("Extensions")?;
        if raw.is_empty() {
            return Err(DerError("empty Extensions"));
        }
        let mut exts = Extensions {
            raw,
            ..Default::default()
        };
        let mut seen: Vec<&[u8]> = Vec::new();
        for ext in iter_extensions(raw) {
            let ext = ext?;
            if seen.contains(&ext.oid) {
                return Err(DerError("duplicate extension"));
            }
            seen.push(ext.oid);
            exts.decode(ext)?;
        }
        Ok(exts)
    }

    fn decode(&mut self, ext: Extension<'a>) -> Result<(), DerError> {
        let critical = ext.critical;
        fn wrap<T>(critical: bool, value: T) -> Option<Ext<T>> {
            Some(Ext { critical, value })
        }
        match ext.oid {
            oid::BASIC_CONSTRAINTS => {
                self.basic_constraints = wrap(critical, parse_basic_constraints(ext.value)?)
            }
            oid::KEY_USAGE => self.key_usage = wrap(critical, KeyUsage::parse(ext.value)?),
            oid::EXT_KEY_USAGE => {
                self.extended_key_usage = wrap(critical, ExtendedKeyUsage::parse(ext.value)?)
            }
            oid::SUBJECT_ALT_NAME => {
                self.subject_alt_name = wrap(critical, parse_subject_alt_name(ext.value)?)
            }
            oid::NAME_CONSTRAINTS => {
                self.name_constraints = wrap(critical, NameConstraints::parse(ext.value)?)
            }
            oid::AUTHORITY_KEY_IDENTIFIER => {
                self.authority_key_id = wrap(critical, AuthorityKeyIdentifier::parse(ext.value)?)
            }
            oid::SUBJECT_KEY_IDENTIFIER => {
                self.subject_key_id = wrap(critical, parse_subject_key_id(ext.value)?)
            }
            oid::CRL_DISTRIBUTION_POINTS => {
                self.crl_distribution_points =
                    wrap(critical, CrlDistributionPoints::parse(ext.value)?)
            }
            oid::POLICY_CONSTRAINTS => {
                self.policy_constraints = wrap(critical, PolicyConstraints::parse(ext.value)?)
            }
            oid::AUTHORITY_INFO_ACCESS => {
                check_info_access(ext.value)?;
                self.authority_info_access = wrap(critical, ());
            }
            oid::SUBJECT_INFO_ACCESS => {
                check_info_access(ext.value)?;
                self.note_unprocessed(ext);
            }
            oid::CERTIFICATE_POLICIES => {
                check_certificate_policies(ext.value)?;
                self.certificate_policies = wrap(critical, ());
            }
            // Recognised and processed elsewhere or harmless to ignore when the
            // validator does not require explicit policies (RFC 5280 §6.1 with
            // initial-policy-set = any-policy): the policy controls and CT.
            oid::POLICY_MAPPINGS | oid::INHIBIT_ANY_POLICY | oid::CT_SCT_LIST => {}
            _ => self.note_unprocessed(ext),
        }
        Ok(())
    }

    fn note_unprocessed(&mut self, ext: Extension<'a>) {
        if ext.critical && self.unknown_critical.is_none() {
            self.unknown_critical = Some(ext.oid);
        }
    }

    /// Every extension, raw.
    pub fn iter(&self) -> impl Iterator<Item = Extension<'a>> + 'a {
        iter_extensions(self.raw).map_while(Result::ok)
    }
}

/// Iterates `Extension` SEQUENCEs in `contents`.
pub(crate) fn iter_extensions(
    contents: &[u8],
) -> impl Iterator<Item = Result<Extension<'_>, DerError>> + '_ {
    let mut r = Reader::new(contents);
    std::iter::from_fn(move || {
        if r.is_empty() {
            return None;
        }
        Some(read_extension(&mut r))
    })
}

fn read_extension<'a>(r: &mut Reader<'a>) -> Result<Extension<'a>, DerError> {
    let mut e = r.read_sequence("Extension")?;
    let oid = e.read(tag::OID, "extnID")?;
    check_oid(oid, "extnID")?;
    let critical = if e.peek_tag() == Some(tag::BOOLEAN) {
        // DER: DEFAULT FALSE must be omitted (X.690 §11.5).
        if !e.read_bool("critical")? {
            return Err(DerError("critical FALSE encoded explicitly"));
        }
        true
    } else {
        false
    };
    let value = e.read(tag::OCTET_STRING, "extnValue")?;
    e.finish("Extension")?;
    Ok(Extension {
        oid,
        critical,
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_usage_bits() {
        // digitalSignature | keyCertSign: bits 0 and 5 -> 0b1000_0100, 2 unused bits.
        let ku = KeyUsage::parse(&[0x03, 0x02, 0x02, 0x84]).unwrap();
        assert!(ku.has(KeyUsage::DIGITAL_SIGNATURE | KeyUsage::KEY_CERT_SIGN));
        assert!(!ku.has(KeyUsage::CRL_SIGN));
        let decipher = KeyUsage::parse(&[0x03, 0x03, 0x07, 0x00, 0x80]).unwrap();
        assert!(decipher.has(KeyUsage::DECIPHER_ONLY));
        assert!(KeyUsage::parse(&[0x03, 0x01, 0x00]).is_err());
    }

    #[test]
    fn basic_constraints_forms() {
        assert_eq!(
            parse_basic_constraints(&[0x30, 0x00]).unwrap(),
            BasicConstraints {
                ca: false,
                path_len: None
            }
        );
        assert_eq!(
            parse_basic_constraints(&[0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00]).unwrap(),
            BasicConstraints {
                ca: true,
                path_len: Some(0)
            }
        );
        assert!(parse_basic_constraints(&[0x30, 0x03, 0x01, 0x01, 0x00]).is_err());
        assert!(parse_basic_constraints(&[0x30, 0x03, 0x02, 0x01, 0xff]).is_err());
    }

    #[test]
    fn extensions_reject_duplicates_and_note_unknown_critical() {
        let bc = [
            0x30, 0x0c, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x02, 0x30, 0x00,
        ];
        let unknown = [
            0x30, 0x0b, 0x06, 0x02, 0x2a, 0x03, 0x01, 0x01, 0xff, 0x04, 0x02, 0x05, 0x00,
        ];
        let mut seq = vec![0x30, (bc.len() + unknown.len()) as u8];
        seq.extend_from_slice(&bc);
        seq.extend_from_slice(&unknown);
        let exts = Extensions::parse(&seq).unwrap();
        assert!(exts.basic_constraints.unwrap().critical);
        assert_eq!(exts.unknown_critical, Some(&[0x2a, 0x03][..]));
        let mut dup = vec![0x30, (2 * bc.len()) as u8];
        dup.extend_from_slice(&bc);
        dup.extend_from_slice(&bc);
        assert!(Extensions::parse(&dup).is_err());
        assert!(Extensions::parse(&[0x30, 0x00]).is_err());
    }
}
