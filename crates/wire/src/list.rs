//! [`List`]: a length-prefixed vector of items that is either a validated view over the
//! wire bytes (what decoding returns; no allocation) or a borrowed slice of items (what a
//! caller builds to encode). Both iterate the same way.

use crate::codec::{Codec, LenPrefix, Reader, Writer};
use crate::error::{DecodeError, EncodeError};

/// A vector of `T` (RFC 8446 §3.4) that borrows either wire bytes or a slice of items.
pub struct List<'a, T> {
    repr: Repr<'a, T>,
}

enum Repr<'a, T> {
    /// Bytes already validated to hold a whole number of `T`.
    Wire(&'a [u8]),
    /// Items supplied by the caller.
    Items(&'a [T]),
}

impl<T> Clone for Repr<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Repr<'_, T> {}
impl<T> Clone for List<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for List<'_, T> {}

impl<'a, T: Codec<'a>> List<'a, T> {
    /// A list over the caller's items (for encoding).
    pub const fn new(items: &'a [T]) -> Self {
        List {
            repr: Repr::Items(items),
        }
    }

    /// An empty list.
    pub const fn empty() -> Self {
        Self::new(&[])
    }

    /// Reads a vector with a `prefix`-wide length whose byte length must lie in
    /// `min_bytes..=max_bytes`; every item is decoded once to validate it.
    pub fn read(
        r: &mut Reader<'a>,
        prefix: LenPrefix,
        min_bytes: usize,
        max_bytes: usize,
        field: &'static str,
    ) -> Result<Self, DecodeError> {
        let bytes = r.vec(prefix, min_bytes, max_bytes, field)?;
        let mut items = Reader::new(bytes, field);
        while !items.is_empty() {
            T::read(&mut items)?;
        }
        Ok(List {
            repr: Repr::Wire(bytes),
        })
    }

    /// Like [`List::read`], but with a per-list validation of each item.
    pub fn read_checked(
        r: &mut Reader<'a>,
        prefix: LenPrefix,
        min_bytes: usize,
        max_bytes: usize,
        field: &'static str,
        mut check: impl FnMut(&T) -> Result<(), DecodeError>,
    ) -> Result<Self, DecodeError> {
        let list = Self::read(r, prefix, min_bytes, max_bytes, field)?;
        for item in list.iter() {
            check(&item)?;
        }
        Ok(list)
    }

    /// Writes the vector with a `prefix`-wide length.
    pub fn write(
        &self,
        w: &mut Writer<'_>,
        prefix: LenPrefix,
        field: &'static str,
    ) -> Result<(), EncodeError> {
        w.nested(prefix, field, |w| self.write_items(w))
    }

    /// Writes the items without a length prefix.
    pub fn write_items(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        match self.repr {
            Repr::Wire(bytes) => {
                w.bytes(bytes);
                Ok(())
            }
            Repr::Items(items) => items.iter().try_for_each(|i| i.write(w)),
        }
    }

    /// Iterates the items.
    pub fn iter(&self) -> ListIter<'a, T> {
        match self.repr {
            Repr::Wire(bytes) => ListIter::Wire(Reader::new(bytes, "list")),
            Repr::Items(items) => ListIter::Items(items.iter()),
        }
    }

    /// Number of items (counts them for a wire list).
    pub fn len(&self) -> usize {
        match self.repr {
            Repr::Items(items) => items.len(),
            Repr::Wire(_) => self.iter().count(),
        }
    }

    /// Whether the list has no item.
    pub fn is_empty(&self) -> bool {
        match self.repr {
            Repr::Items(items) => items.is_empty(),
            Repr::Wire(bytes) => bytes.is_empty(),
        }
    }

    /// The item at `index`, if any.
    pub fn get(&self, index: usize) -> Option<T> {
        self.iter().nth(index)
    }

    /// Whether `item` is in the list.
    pub fn contains(&self, item: &T) -> bool
    where
        T: PartialEq,
    {
        self.iter().any(|i| &i == item)
    }

    /// The wire bytes, when this list was decoded.
    pub fn wire_bytes(&self) -> Option<&'a [u8]> {
        match self.repr {
            Repr::Wire(bytes) => Some(bytes),
            Repr::Items(_) => None,
        }
    }
}

impl<'a, T: Codec<'a>> From<&'a [T]> for List<'a, T> {
    fn from(items: &'a [T]) -> Self {
        List::new(items)
    }
}

impl<'a, T: Codec<'a>, const N: usize> From<&'a [T; N]> for List<'a, T> {
    fn from(items: &'a [T; N]) -> Self {
        List::new(items)
    }
}

impl<'a, T: Codec<'a>> IntoIterator for List<'a, T> {
    type Item = T;
    type IntoIter = ListIter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T: Codec<'a>> IntoIterator for &List<'a, T> {
    type Item = T;
    type IntoIter = ListIter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Iterator over a [`List`].
#[derive(Debug)]
pub enum ListIter<'a, T> {
    /// Over validated wire bytes.
    Wire(Reader<'a>),
    /// Over caller items.
    Items(core::slice::Iter<'a, T>),
}

impl<'a, T: Codec<'a>> Iterator for ListIter<'a, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        match self {
            // The bytes were validated when the list was read, so this never fails; if it
            // did, iteration would simply end.
            ListIter::Wire(r) if !r.is_empty() => T::read(r).ok(),
            ListIter::Wire(_) => None,
            ListIter::Items(it) => it.next().copied(),
        }
    }
}

impl<'a, T: Codec<'a> + PartialEq> PartialEq for List<'a, T> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl<'a, T: Codec<'a> + Eq> Eq for List<'a, T> {}

impl<'a, T: Codec<'a> + core::fmt::Debug> core::fmt::Debug for List<'a, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

macro_rules! opaque_item {
    ($(#[$doc:meta])* $name:ident, $prefix:expr, $min:expr, $max:expr, $field:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name<'a>(pub &'a [u8]);

        impl<'a> Codec<'a> for $name<'a> {
            fn read(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
                Ok($name(r.vec($prefix, $min, $max, $field)?))
            }
            fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
                if self.0.len() < $min {
                    return Err(EncodeError::too_long($field));
                }
                w.vec($prefix, self.0, $field)
            }
        }

        impl core::fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "{}({})", stringify!($name), crate::trace::Hex(self.0))
            }
        }
    };
}

opaque_item!(
    /// ProtocolName (RFC 7301 §3.1): `opaque ProtocolName<1..2^8-1>`.
    ProtocolName, LenPrefix::U8, 1, 0xff, "ProtocolName"
);
opaque_item!(
    /// DistinguishedName (RFC 8446 §4.2.4): `opaque DistinguishedName<1..2^16-1>`, DER.
    DistinguishedName, LenPrefix::U16, 1, 0xffff, "DistinguishedName"
);
opaque_item!(
    /// ASN.1Cert (RFC 5246 §7.4.2): `opaque ASN.1Cert<1..2^24-1>`, DER.
    CertificateDer, LenPrefix::U24, 1, 0xff_ffff, "ASN.1Cert"
);
opaque_item!(
    /// PskBinderEntry (RFC 8446 §4.2.11): `opaque PskBinderEntry<32..255>`.
    PskBinder, LenPrefix::U8, 32, 0xff, "PskBinderEntry"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::CipherSuite;

    #[test]
    fn wire_and_items_lists_agree() {
        let items = [CipherSuite::TLS13_AES_128_GCM_SHA256, CipherSuite(0x0a0a)];
        let list = List::new(&items);
        let mut out = Vec::new();
        list.write(&mut Writer::new(&mut out), LenPrefix::U16, "cs")
            .unwrap();
        assert_eq!(out, [0, 4, 0x13, 0x01, 0x0a, 0x0a]);
        let mut r = Reader::new(&out, "t");
        let decoded = List::<CipherSuite>::read(&mut r, LenPrefix::U16, 2, 0xfffe, "cs").unwrap();
        assert_eq!(decoded, list);
        assert_eq!(decoded.len(), 2);
        assert_eq!(decoded.get(1), Some(CipherSuite(0x0a0a)));
    }

    #[test]
    fn odd_length_u16_list_is_decode_error() {
        let bytes = [0, 3, 0x13, 0x01, 0x0a];
        let mut r = Reader::new(&bytes, "t");
        let e = List::<CipherSuite>::read(&mut r, LenPrefix::U16, 2, 0xfffe, "cs").unwrap_err();
        assert_eq!(e.alert(), crate::AlertDescription::DecodeError);
    }
}
