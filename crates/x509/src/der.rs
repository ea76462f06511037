//! A strict DER reader (X.690 §10) that borrows from its input.
//!
//! Only what X.509 needs: single-byte tags, definite minimal lengths up to 2^32-1,
//! DER BOOLEANs, minimally encoded INTEGERs, BIT STRINGs with zero padding. Every read
//! is bounds-checked; malformed input is a [`DerError`], never a panic.

use std::fmt;

/// Tag bytes (class, constructed bit and number in one octet).
pub mod tag {
    /// BOOLEAN
    pub const BOOLEAN: u8 = 0x01;
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
    /// ENUMERATED
    pub const ENUMERATED: u8 = 0x0a;
    /// UTF8String
    pub const UTF8_STRING: u8 = 0x0c;
    /// PrintableString
    pub const PRINTABLE_STRING: u8 = 0x13;
    /// TeletexString (T61String)
    pub const TELETEX_STRING: u8 = 0x14;
    /// IA5String
    pub const IA5_STRING: u8 = 0x16;
    /// UTCTime
    pub const UTC_TIME: u8 = 0x17;
    /// GeneralizedTime
    pub const GENERALIZED_TIME: u8 = 0x18;
    /// UniversalString
    pub const UNIVERSAL_STRING: u8 = 0x1c;
    /// BMPString
    pub const BMP_STRING: u8 = 0x1e;
    /// SEQUENCE / SEQUENCE OF (constructed)
    pub const SEQUENCE: u8 = 0x30;
    /// SET / SET OF (constructed)
    pub const SET: u8 = 0x31;

    /// `[n]` context-specific, primitive (IMPLICIT over a primitive type).
    pub const fn context(n: u8) -> u8 {
        0x80 | n
    }

    /// `[n]` context-specific, constructed (EXPLICIT, or IMPLICIT over a constructed type).
    pub const fn context_constructed(n: u8) -> u8 {
        0xa0 | n
    }
}

/// Why DER input was rejected: what was being read when it went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DerError(pub &'static str);

impl fmt::Display for DerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed DER: {}", self.0)
    }
}

impl std::error::Error for DerError {}

/// One decoded TLV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag octet.
    pub tag: u8,
    /// The contents octets.
    pub value: &'a [u8],
    /// The whole encoding (tag, length and contents).
    pub raw: &'a [u8],
}

/// A cursor over DER bytes.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Starts reading `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Reader { rest: input }
    }

    /// True when all input is consumed.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The tag of the next TLV, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Fails with `what` unless all input was consumed.
    pub fn finish(&self, what: &'static str) -> Result<(), DerError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(DerError(what))
        }
    }

    /// Reads one TLV of any tag (X.690 §8.1: single-octet tags, definite lengths;
    /// §10.1: the length in the minimum number of octets).
    pub fn read_tlv(&mut self, what: &'static str) -> Result<Tlv<'a>, DerError> {
        let input = self.rest;
        let (&tag, rest) = input.split_first().ok_or(DerError(what))?;
        if tag & 0x1f == 0x1f {
            return Err(DerError(what)); // high tag numbers never occur in X.509
        }
        let (&first, mut rest) = rest.split_first().ok_or(DerError(what))?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return Err(DerError(what)); // indefinite, or absurdly long
            }
            let (len_bytes, after) = rest.split_at_checked(n).ok_or(DerError(what))?;
            rest = after;
            if len_bytes.first() == Some(&0) {
                return Err(DerError(what));
            }
            let len = len_bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            if len < 0x80 {
                return Err(DerError(what));
            }
            len
        };
        let (value, after) = rest.split_at_checked(len).ok_or(DerError(what))?;
        let header_and_value = input.len() - after.len();
        let raw = input.get(..header_and_value).ok_or(DerError(what))?;
        self.rest = after;
        Ok(Tlv { tag, value, raw })
    }

    /// Reads one TLV that must carry `expected`; returns its contents.
    pub fn read(&mut self, expected: u8, what: &'static str) -> Result<&'a [u8], DerError> {
        Ok(self.read_tagged(expected, what)?.value)
    }

    /// Reads one TLV that must carry `expected`.
    pub fn read_tagged(&mut self, expected: u8, what: &'static str) -> Result<Tlv<'a>, DerError> {
        let tlv = self.read_tlv(what)?;
        if tlv.tag == expected {
            Ok(tlv)
        } else {
            Err(DerError(what))
        }
    }

    /// Reads the next TLV if it carries `expected`; otherwise reads nothing.
    pub fn read_optional(
        &mut self,
        expected: u8,
        what: &'static str,
    ) -> Result<Option<&'a [u8]>, DerError> {
        if self.peek_tag() == Some(expected) {
            self.read(expected, what).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Reads a DER BOOLEAN (X.690 §11.1: FALSE is 0x00, TRUE is 0xff).
    pub fn read_bool(&mut self, what: &'static str) -> Result<bool, DerError> {
        match self.read(tag::BOOLEAN, what)? {
            [0x00] => Ok(false),
            [0xff] => Ok(true),
            _ => Err(DerError(what)),
        }
    }

    /// Reads an INTEGER's contents, checking minimal encoding (X.690 §8.3.2).
    pub fn read_integer(&mut self, what: &'static str) -> Result<&'a [u8], DerError> {
        let bytes = self.read(tag::INTEGER, what)?;
        check_integer(bytes, what)?;
        Ok(bytes)
    }

    /// Reads a non-negative INTEGER that fits in a `u64`.
    pub fn read_u64(&mut self, what: &'static str) -> Result<u64, DerError> {
        integer_to_u64(self.read_integer(what)?, what)
    }

    /// Reads a BIT STRING; returns (unused bit count, contents without that octet).
    /// DER: the unused bits are zero and an empty string has no unused bits (§11.2).
    pub fn read_bit_string(&mut self, what: &'static str) -> Result<(u8, &'a [u8]), DerError> {
        bit_string(self.read(tag::BIT_STRING, what)?, what)
    }

    /// Reads a BIT STRING that must have no unused bits (keys, signatures).
    pub fn read_octet_aligned_bit_string(
        &mut self,
        what: &'static str,
    ) -> Result<&'a [u8], DerError> {
        match self.read_bit_string(what)? {
            (0, bytes) => Ok(bytes),
            _ => Err(DerError(what)),
        }
    }

    /// Reads a SEQUENCE and returns a reader over its contents.
    pub fn read_sequence(&mut self, what: &'static str) -> Result<Reader<'a>, DerError> {
        Ok(Reader::new(self.read(tag::SEQUENCE, what)?))
    }
}

/// Checks an INTEGER's contents are present and minimally encoded.
pub fn check_integer(bytes: &[u8], what: &'static str) -> Result<(), DerError> {
    match bytes {
        [] => Err(DerError(what)),
        [0x00, next, ..] if next & 0x80 == 0 => Err(DerError(what)),
        [0xff, next, ..] if next & 0x80 != 0 => Err(DerError(what)),
        _ => Ok(()),
    }
}

/// A minimally encoded, non-negative INTEGER's value, if it fits in a `u64`.
pub fn integer_to_u64(bytes: &[u8], what: &'static str) -> Result<u64, DerError> {
    let (&first, _) = bytes.split_first().ok_or(DerError(what))?;
    if first & 0x80 != 0 {
        return Err(DerError(what));
    }
    let magnitude = if first == 0 {
        bytes.get(1..).unwrap_or_default()
    } else {
        bytes
    };
    if magnitude.len() > 8 {
        return Err(DerError(what));
    }
    Ok(magnitude
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// Splits and checks BIT STRING contents (X.690 §8.6, §11.2).
pub fn bit_string<'a>(contents: &'a [u8], what: &'static str) -> Result<(u8, &'a [u8]), DerError> {
    let (&unused, bits) = contents.split_first().ok_or(DerError(what))?;
    if unused > 7 || (bits.is_empty() && unused != 0) {
        return Err(DerError(what));
    }
    if let Some(&last) = bits.last() {
        let mask = (1u8 << unused) - 1;
        if last & mask != 0 {
            return Err(DerError(what));
        }
    }
    Ok((unused, bits))
}

/// Checks the contents of an OBJECT IDENTIFIER (X.690 §8.19): non-empty, each
/// sub-identifier minimally encoded and terminated.
pub fn check_oid(bytes: &[u8], what: &'static str) -> Result<(), DerError> {
    let Some(&last) = bytes.last() else {
        return Err(DerError(what));
    };
    if last & 0x80 != 0 {
        return Err(DerError(what));
    }
    let mut at_start = true;
    for &b in bytes {
        if at_start && b == 0x80 {
            return Err(DerError(what)); // leading 0x80 is a non-minimal sub-identifier
        }
        at_start = b & 0x80 == 0;
    }
    Ok(())
}

/// Renders OID contents in dotted-decimal form, for error messages.
pub fn oid_to_string(bytes: &[u8]) -> String {
    let mut arcs: Vec<u128> = Vec::new();
    let mut acc: u128 = 0;
    for &b in bytes {
        acc = acc.saturating_mul(128).saturating_add(u128::from(b & 0x7f));
        if b & 0x80 == 0 {
            arcs.push(acc);
            acc = 0;
        }
    }
    let mut out = String::new();
    if let Some((&first, rest)) = arcs.split_first() {
        let (a, b) = match first {
            0..=39 => (0, first),
            40..=79 => (1, first - 40),
            _ => (2, first - 80),
        };
        out = format!("{a}.{b}");
        for arc in rest {
            out.push('.');
            out.push_str(&arc.to_string());
        }
    }
    out
}

/// Encodes `contents` as a SEQUENCE TLV.
pub fn encode_sequence(contents: &[u8]) -> Vec<u8> {
    tlskit_crypto::der::encode_tlv(tag::SEQUENCE, contents)
}

/// Where `inner` (a sub-slice of `outer`) starts and ends inside `outer`.
/// Used by owned types that keep one buffer and ranges into it.
pub(crate) fn range_within(outer: &[u8], inner: &[u8]) -> Option<std::ops::Range<usize>> {
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    let end = start.checked_add(inner.len())?;
    (end <= outer.len()).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_must_be_minimal_and_definite() {
        assert!(Reader::new(&[0x04, 0x81, 0x05, 1, 2, 3, 4, 5])
            .read_tlv("x")
            .is_err());
        assert!(Reader::new(&[0x04, 0x80, 0, 0]).read_tlv("x").is_err());
        assert!(Reader::new(&[0x04, 0x82, 0x00, 0x80])
            .read_tlv("x")
            .is_err());
        assert!(Reader::new(&[0x04, 0x05, 1, 2]).read_tlv("x").is_err());
        assert!(Reader::new(&[0x1f, 0x01, 0x00]).read_tlv("x").is_err());
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend_from_slice(&[7; 128]);
        let tlv = Reader::new(&long).read_tlv("x").unwrap();
        assert_eq!(tlv.value.len(), 128);
        assert_eq!(tlv.raw.len(), 131);
    }

    #[test]
    fn booleans_and_integers_are_der() {
        assert_eq!(Reader::new(&[1, 1, 0xff]).read_bool("b"), Ok(true));
        assert!(Reader::new(&[1, 1, 0x01]).read_bool("b").is_err());
        assert!(Reader::new(&[2, 2, 0, 1]).read_integer("i").is_err());
        assert!(Reader::new(&[2, 2, 0xff, 0x80]).read_integer("i").is_err());
        assert!(Reader::new(&[2, 0]).read_integer("i").is_err());
        assert_eq!(Reader::new(&[2, 2, 0, 0x80]).read_u64("i"), Ok(128));
        assert!(Reader::new(&[2, 1, 0x80]).read_u64("i").is_err());
    }

    #[test]
    fn bit_strings_have_zero_padding() {
        assert_eq!(bit_string(&[1, 0x80], "b"), Ok((1, &[0x80][..])));
        assert!(bit_string(&[1, 0x81], "b").is_err());
        assert!(bit_string(&[8, 0], "b").is_err());
        assert!(bit_string(&[1], "b").is_err());
        assert!(bit_string(&[], "b").is_err());
    }

    #[test]
    fn oids_render_and_check() {
        let ext = [0x55, 0x1d, 0x13];
        assert_eq!(oid_to_string(&ext), "2.5.29.19");
        assert!(check_oid(&ext, "o").is_ok());
        assert!(check_oid(&[0x55, 0x80, 0x01], "o").is_err());
        assert!(check_oid(&[0x55, 0x81], "o").is_err());
        assert!(check_oid(&[], "o").is_err());
    }

    #[test]
    fn ranges_locate_subslices() {
        let buf = [0u8; 10];
        assert_eq!(range_within(&buf, &buf[3..7]), Some(3..7));
        assert_eq!(range_within(&buf, &buf[10..]), Some(10..10));
        assert_eq!(range_within(&buf[2..], &buf[..4]), None);
    }
}
