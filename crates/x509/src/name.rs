//! Distinguished names (RFC 5280 §4.1.2.4) and general names (§4.2.1.6).

use crate::der::{check_oid, tag, DerError, Reader};
use crate::oid;
use std::fmt;

/// A `Name` (an RDNSequence), borrowed from its certificate. Compared bytewise, as
/// path building matches issuer to subject (RFC 5280 §7.1 permits binary comparison).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DistinguishedName<'a> {
    raw: &'a [u8],
    contents: &'a [u8],
}

/// One attribute of a name: its type OID and its (tag, value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// The attribute type OID contents.
    pub oid: &'a [u8],
    /// The value's tag (PrintableString, UTF8String, …).
    pub value_tag: u8,
    /// The value's contents.
    pub value: &'a [u8],
}

impl<'a> DistinguishedName<'a> {
    /// Parses and checks a Name TLV (`raw` includes the SEQUENCE header): each RDN is a
    /// non-empty SET of `SEQUENCE { OID, ANY }`.
    pub fn from_der(raw: &'a [u8]) -> Result<Self, DerError> {
        let mut outer = Reader::new(raw);
        let contents = outer.read(tag::SEQUENCE, "Name")?;
        outer.finish("Name")?;
        let name = DistinguishedName { raw, contents };
        let mut rdns = Reader::new(contents);
        while !rdns.is_empty() {
            let rdn = rdns.read(tag::SET, "RelativeDistinguishedName")?;
            if rdn.is_empty() {
                return Err(DerError("empty RelativeDistinguishedName"));
            }
            let mut atvs = Reader::new(rdn);
            while !atvs.is_empty() {
                let mut atv = atvs.read_sequence("AttributeTypeAndValue")?;
                check_oid(atv.read(tag::OID, "attribute type")?, "attribute type")?;
                atv.read_tlv("attribute value")?;
                atv.finish("AttributeTypeAndValue")?;
            }
        }
        Ok(name)
    }

    /// The whole DER encoding, SEQUENCE header included.
    pub fn der(&self) -> &'a [u8] {
        self.raw
    }

    /// True for an empty RDNSequence.
    pub fn is_empty(&self) -> bool {
        self.contents.is_empty()
    }

    /// The RDNs in order, each as the raw contents of its SET.
    pub fn rdns(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let mut r = Reader::new(self.contents);
        std::iter::from_fn(move || r.read(tag::SET, "RDN").ok())
    }

    /// Every attribute, in order.
    pub fn attributes(&self) -> impl Iterator<Item = Attribute<'a>> + 'a {
        self.rdns().flat_map(|rdn| {
            let mut r = Reader::new(rdn);
            std::iter::from_fn(move || {
                let mut atv = r.read_sequence("ATV").ok()?;
                let oid = atv.read(tag::OID, "type").ok()?;
                let value = atv.read_tlv("value").ok()?;
                Some(Attribute {
                    oid,
                    value_tag: value.tag,
                    value: value.value,
                })
            })
        })
    }

    /// The commonName attributes.
    pub fn common_names(&self) -> impl Iterator<Item = Attribute<'a>> + 'a {
        self.attributes().filter(|a| a.oid == oid::AT_COMMON_NAME)
    }

    /// RFC 5280 §4.2.1.10 directoryName constraint: `self` is within `base` when
    /// `base`'s RDNs are a prefix of `self`'s (compared bytewise).
    pub fn is_within(&self, base: &DistinguishedName<'_>) -> bool {
        let mut mine = self.rdns();
        base.rdns().all(|b| mine.next() == Some(b))
    }
}

impl fmt::Debug for DistinguishedName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DistinguishedName({self})")
    }
}

impl fmt::Display for DistinguishedName<'_> {
    /// A readable rendering for messages (not RFC 4514 escaping).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for a in self.attributes() {
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            let label = match a.oid {
                [0x55, 0x04, 0x03] => "CN".to_string(),
                [0x55, 0x04, 0x06] => "C".to_string(),
                [0x55, 0x04, 0x07] => "L".to_string(),
                [0x55, 0x04, 0x08] => "ST".to_string(),
                [0x55, 0x04, 0x0a] => "O".to_string(),
                [0x55, 0x04, 0x0b] => "OU".to_string(),
                other => crate::der::oid_to_string(other),
            };
            write!(f, "{label}={}", String::from_utf8_lossy(a.value))?;
        }
        Ok(())
    }
}

/// A `GeneralName` (RFC 5280 §4.2.1.6). String forms are checked to be IA5 (ASCII).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeneralName<'a> {
    /// `[0] otherName`: the raw contents.
    OtherName(&'a [u8]),
    /// `[1] rfc822Name`.
    Rfc822Name(&'a [u8]),
    /// `[2] dNSName`.
    DnsName(&'a [u8]),
    /// `[3] x400Address`: raw.
    X400Address(&'a [u8]),
    /// `[4] directoryName`.
    DirectoryName(DistinguishedName<'a>),
    /// `[5] ediPartyName`: raw.
    EdiPartyName(&'a [u8]),
    /// `[6] uniformResourceIdentifier`.
    Uri(&'a [u8]),
    /// `[7] iPAddress`: 4 or 16 octets in a SAN; 8 or 32 (address and mask) in a name
    /// constraint. The length is checked by the user.
    IpAddress(&'a [u8]),
    /// `[8] registeredID`: OID contents.
    RegisteredId(&'a [u8]),
}

/// The name forms, for "which types are constrained".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GeneralNameKind {
    /// otherName
    OtherName,
    /// rfc822Name
    Rfc822Name,
    /// dNSName
    DnsName,
    /// x400Address
    X400Address,
    /// directoryName
    DirectoryName,
    /// ediPartyName
    EdiPartyName,
    /// uniformResourceIdentifier
    Uri,
    /// iPAddress
    IpAddress,
    /// registeredID
    RegisteredId,
}

impl<'a> GeneralName<'a> {
    /// Reads one GeneralName.
    pub fn read(reader: &mut Reader<'a>) -> Result<Self, DerError> {
        let tlv = reader.read_tlv("GeneralName")?;
        let ia5 = |v: &'a [u8], what| {
            if v.is_ascii() {
                Ok(v)
            } else {
                Err(DerError(what))
            }
        };
        Ok(match tlv.tag {
            0xa0 => {
                let mut r = Reader::new(tlv.value);
                check_oid(r.read(tag::OID, "otherName type")?, "otherName type")?;
                r.read(tag::context_constructed(0), "otherName value")?;
                r.finish("otherName")?;
                GeneralName::OtherName(tlv.value)
            }
            0x81 => GeneralName::Rfc822Name(ia5(tlv.value, "rfc822Name not IA5")?),
            0x82 => GeneralName::DnsName(ia5(tlv.value, "dNSName not IA5")?),
            0xa3 => GeneralName::X400Address(tlv.value),
            0xa4 => {
                let mut r = Reader::new(tlv.value);
                let name = r.read_tlv("directoryName")?;
                r.finish("directoryName")?;
                GeneralName::DirectoryName(DistinguishedName::from_der(name.raw)?)
            }
            0xa5 => GeneralName::EdiPartyName(tlv.value),
            0x86 => GeneralName::Uri(ia5(tlv.value, "URI not IA5")?),
            0x87 => GeneralName::IpAddress(tlv.value),
            0x88 => {
                check_oid(tlv.value, "registeredID")?;
                GeneralName::RegisteredId(tlv.value)
            }
            _ => return Err(DerError("GeneralName tag")),
        })
    }

    /// Which form this is.
    pub fn kind(&self) -> GeneralNameKind {
        match self {
            GeneralName::OtherName(_) => GeneralNameKind::OtherName,
            GeneralName::Rfc822Name(_) => GeneralNameKind::Rfc822Name,
            GeneralName::DnsName(_) => GeneralNameKind::DnsName,
            GeneralName::X400Address(_) => GeneralNameKind::X400Address,
            GeneralName::DirectoryName(_) => GeneralNameKind::DirectoryName,
            GeneralName::EdiPartyName(_) => GeneralNameKind::EdiPartyName,
            GeneralName::Uri(_) => GeneralNameKind::Uri,
            GeneralName::IpAddress(_) => GeneralNameKind::IpAddress,
            GeneralName::RegisteredId(_) => GeneralNameKind::RegisteredId,
        }
    }
}

/// `GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName`, checked once and then
/// iterated without allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GeneralNames<'a> {
    contents: &'a [u8],
}

impl<'a> GeneralNames<'a> {
    /// Checks the contents of a GeneralNames SEQUENCE (or of an IMPLICIT-tagged one).
    pub fn from_contents(contents: &'a [u8]) -> Result<Self, DerError> {
        if contents.is_empty() {
            return Err(DerError("empty GeneralNames"));
        }
        let mut r = Reader::new(contents);
        while !r.is_empty() {
            GeneralName::read(&mut r)?;
        }
        Ok(GeneralNames { contents })
    }

    /// The contents octets (the GeneralName TLVs back to back).
    pub fn contents(&self) -> &'a [u8] {
        self.contents
    }

    /// Each name's whole TLV, in order (for bytewise comparison).
    pub fn raw_iter(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let mut r = Reader::new(self.contents);
        std::iter::from_fn(move || r.read_tlv("GeneralName").ok().map(|t| t.raw))
    }

    /// The names, in order.
    pub fn iter(&self) -> impl Iterator<Item = GeneralName<'a>> + 'a {
        let mut r = Reader::new(self.contents);
        std::iter::from_fn(move || GeneralName::read(&mut r).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![tag, body.len() as u8];
        v.extend_from_slice(body);
        v
    }

    fn name(cns: &[&str]) -> Vec<u8> {
        let mut rdns = Vec::new();
        for cn in cns {
            let mut atv = tlv(tag::OID, oid::AT_COMMON_NAME);
            atv.extend(tlv(tag::UTF8_STRING, cn.as_bytes()));
            rdns.extend(tlv(tag::SET, &tlv(tag::SEQUENCE, &atv)));
        }
        tlv(tag::SEQUENCE, &rdns)
    }

    #[test]
    fn names_parse_and_compare_by_prefix() {
        let a = name(&["root", "sub"]);
        let b = name(&["root"]);
        let a = DistinguishedName::from_der(&a).unwrap();
        let b = DistinguishedName::from_der(&b).unwrap();
        assert!(a.is_within(&b));
        assert!(!b.is_within(&a));
        assert_eq!(a.common_names().count(), 2);
        assert_eq!(a.to_string(), "CN=root, CN=sub");
        let empty = [0x30, 0x00];
        assert!(DistinguishedName::from_der(&empty).unwrap().is_empty());
    }

    #[test]
    fn malformed_names_are_rejected() {
        assert!(DistinguishedName::from_der(&[0x30, 0x02, 0x31, 0x00]).is_err());
        assert!(DistinguishedName::from_der(&[0x30, 0x02, 0x30, 0x00]).is_err());
        let mut trailing = name(&["x"]);
        trailing.push(0);
        assert!(DistinguishedName::from_der(&trailing).is_err());
    }

    #[test]
    fn general_names_check_ia5() {
        let ok = tlv(0x82, b"example.com");
        assert!(GeneralNames::from_contents(&ok).is_ok());
        let bad = tlv(0x82, "é.com".as_bytes());
        assert!(GeneralNames::from_contents(&bad).is_err());
        assert!(GeneralNames::from_contents(&[]).is_err());
        assert!(GeneralNames::from_contents(&tlv(0x8f, b"x")).is_err());
    }
}
