//! A minimal, strict DER reader: just enough for the provider layer to recognise key
//! containers and SubjectPublicKeyInfo. (Certificates are parsed by `tlskit-x509`.)
//!
//! Every read is bounds-checked; malformed input yields `None`, never a panic.

use crate::PrivateKeyDer;

/// DER tag numbers used here.
pub mod tag {
    /// INTEGER
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING
    pub const OCTET_STRING: u8 = 0x04;
    /// NULL
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER
    pub const OID: u8 = 0x06;
    /// SEQUENCE (constructed)
    pub const SEQUENCE: u8 = 0x30;
}

/// A cursor over DER bytes.
#[derive(Clone, Copy, Debug)]
pub struct DerReader<'a> {
    rest: &'a [u8],
}

impl<'a> DerReader<'a> {
    /// Starts reading `input`.
    pub fn new(input: &'a [u8]) -> Self {
        DerReader { rest: input }
    }

    /// True when all input is consumed.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// Reads one TLV; returns (tag, contents). Only single-byte tags and definite,
    /// minimally encoded lengths are accepted (X.690 §10.1).
    pub fn read_any(&mut self) -> Option<(u8, &'a [u8])> {
        let (&tag, rest) = self.rest.split_first()?;
        if tag & 0x1f == 0x1f {
            return None; // high tag numbers never occur in the structures read here
        }
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            first as usize
        } else {
            let n = (first & 0x7f) as usize;
            if n == 0 || n > 4 {
                return None;
            }
            let (len_bytes, after) = rest.split_at_checked(n)?;
            rest = after;
            let mut len = 0usize;
            for &b in len_bytes {
                len = (len << 8) | b as usize;
            }
            // Minimal encoding: long form only for >= 128, no leading zero byte.
            if len < 0x80 || len_bytes.first() == Some(&0) {
                return None;
            }
            len
        };
        let (contents, after) = rest.split_at_checked(len)?;
        self.rest = after;
        Some((tag, contents))
    }

    /// Reads one TLV that must carry `expected` as its tag.
    pub fn read(&mut self, expected: u8) -> Option<&'a [u8]> {
        let (tag, contents) = self.read_any()?;
        (tag == expected).then_some(contents)
    }

    /// Peeks at the next tag without consuming.
    pub fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Reads a small non-negative INTEGER (e.g. a version number).
    pub fn read_small_uint(&mut self) -> Option<u64> {
        let bytes = self.read(tag::INTEGER)?;
        if bytes.is_empty() || bytes.len() > 8 || bytes[0] & 0x80 != 0 {
            return None;
        }
        Some(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64))
    }
}

/// Object identifiers (DER contents, without tag and length) the provider layer needs.
pub mod oid {
    /// id-ecPublicKey 1.2.840.10045.2.1
    pub const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    /// secp256r1 1.2.840.10045.3.1.7
    pub const SECP256R1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    /// secp384r1 1.3.132.0.34
    pub const SECP384R1: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    /// rsaEncryption 1.2.840.113549.1.1.1
    pub const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    /// id-RSASSA-PSS 1.2.840.113549.1.1.10
    pub const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
    /// id-Ed25519 1.3.101.112
    pub const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
}

/// Guesses the container of a DER private key from its structure:
/// PKCS#8 = SEQUENCE { INTEGER 0|1, SEQUENCE { OID … }, OCTET STRING … };
/// SEC 1 = SEQUENCE { INTEGER 1, OCTET STRING … };
/// PKCS#1 = SEQUENCE { INTEGER 0, INTEGER n, INTEGER e, … }.
pub fn classify_private_key(der: &[u8]) -> Option<PrivateKeyDer> {
    let mut outer = DerReader::new(der);
    let body = outer.read(tag::SEQUENCE)?;
    if !outer.is_empty() {
        return None;
    }
    let mut r = DerReader::new(body);
    let version = r.read_small_uint()?;
    match r.peek_tag()? {
        tag::SEQUENCE if version <= 1 => Some(PrivateKeyDer::Pkcs8(der.to_vec())),
        tag::OCTET_STRING if version == 1 => Some(PrivateKeyDer::Sec1(der.to_vec())),
        tag::INTEGER if version == 0 => Some(PrivateKeyDer::Pkcs1(der.to_vec())),
        _ => None,
    }
}

/// Encodes a DER length.
fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = (len as u32).to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (4 - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// Encodes one TLV.
pub fn encode_tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(contents.len() + 6);
    out.push(tag);
    push_len(&mut out, contents.len());
    out.extend_from_slice(contents);
    out
}

/// Wraps a SEC 1 `ECPrivateKey` into a PKCS#8 `PrivateKeyInfo` (RFC 5915 §3 / RFC 5208),
/// for libraries that load only PKCS#8. The curve comes from the SEC 1 parameters.
pub fn sec1_to_pkcs8(sec1: &[u8]) -> Option<Vec<u8>> {
    let curve_oid = sec1_curve_oid(sec1)?;
    let mut alg = encode_tlv(tag::OID, oid::EC_PUBLIC_KEY);
    alg.extend_from_slice(&encode_tlv(tag::OID, curve_oid));
    let mut body = encode_tlv(tag::INTEGER, &[0]);
    body.extend_from_slice(&encode_tlv(tag::SEQUENCE, &alg));
    body.extend_from_slice(&encode_tlv(tag::OCTET_STRING, sec1));
    Some(encode_tlv(tag::SEQUENCE, &body))
}

/// The named-curve OID inside a SEC 1 key's `[0] parameters`, if present.
pub fn sec1_curve_oid(sec1: &[u8]) -> Option<&[u8]> {
    let mut outer = DerReader::new(sec1);
    let mut r = DerReader::new(outer.read(tag::SEQUENCE)?);
    if r.read_small_uint()? != 1 {
        return None;
    }
    r.read(tag::OCTET_STRING)?;
    while let Some((t, contents)) = r.read_any() {
        if t == 0xa0 {
            return DerReader::new(contents).read(tag::OID);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_minimal_lengths_and_truncation() {
        assert!(DerReader::new(&[0x04, 0x81, 0x05, 1, 2, 3, 4, 5])
            .read_any()
            .is_none());
        assert!(DerReader::new(&[0x04, 0x05, 1, 2]).read_any().is_none());
        assert!(DerReader::new(&[0x04, 0x80]).read_any().is_none());
        assert_eq!(
            DerReader::new(&[0x04, 0x02, 1, 2]).read(0x04),
            Some(&[1u8, 2][..])
        );
    }

    #[test]
    fn long_lengths_round_trip() {
        let data = vec![7u8; 300];
        let tlv = encode_tlv(tag::OCTET_STRING, &data);
        assert_eq!(&tlv[..4], &[0x04, 0x82, 0x01, 0x2c]);
        assert_eq!(
            DerReader::new(&tlv).read(tag::OCTET_STRING),
            Some(&data[..])
        );
    }

    #[test]
    fn garbage_is_not_a_key() {
        for input in [&b""[..], b"\x30", b"\x30\x00", b"\x30\x03\x02\x01\x05"] {
            assert!(classify_private_key(input).is_none());
        }
    }
}
