//! Codec primitives: a [`Reader`] over borrowed bytes that refuses trailing bytes, and a
//! [`Writer`] that appends to a caller's `Vec<u8>` and back-fills length prefixes.
//! RFC 8446 §3 (presentation language): big-endian integers, vectors with 1-, 2- or
//! 3-byte length prefixes.

use crate::error::{DecodeError, EncodeError};

/// Width of a vector's length prefix (RFC 8446 §3.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LenPrefix {
    /// `<..2^8-1>`
    U8,
    /// `<..2^16-1>`
    U16,
    /// `<..2^24-1>`
    U24,
}

impl LenPrefix {
    /// Number of bytes the prefix occupies.
    pub const fn width(self) -> usize {
        match self {
            LenPrefix::U8 => 1,
            LenPrefix::U16 => 2,
            LenPrefix::U24 => 3,
        }
    }

    /// The largest length the prefix can express.
    pub const fn max(self) -> usize {
        match self {
            LenPrefix::U8 => 0xff,
            LenPrefix::U16 => 0xffff,
            LenPrefix::U24 => 0xff_ffff,
        }
    }
}

/// Reads big-endian values from a borrowed slice. Every read is bounds-checked; nothing
/// panics. [`Reader::finish`] rejects trailing bytes.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// A reader over `buf`; `what` names the structure for error messages.
    pub const fn new(buf: &'a [u8], what: &'static str) -> Self {
        Reader { buf, pos: 0, what }
    }

    /// Name used in errors.
    pub const fn what(&self) -> &'static str {
        self.what
    }

    /// Bytes not read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or(&[])
    }

    /// Number of bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    /// Whether all bytes were read.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// Bytes consumed so far.
    pub const fn position(&self) -> usize {
        self.pos
    }

    /// Takes exactly `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(DecodeError::truncated(self.what))?;
        let out = self
            .buf
            .get(self.pos..end)
            .ok_or(DecodeError::truncated(self.what))?;
        self.pos = end;
        Ok(out)
    }

    /// Takes all remaining bytes.
    pub fn take_rest(&mut self) -> &'a [u8] {
        let out = self.rest();
        self.pos = self.buf.len();
        out
    }

    /// Takes a fixed-size array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let bytes = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// uint8
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }

    /// uint16
    pub fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    /// uint24
    pub fn u24(&mut self) -> Result<u32, DecodeError> {
        let [a, b, c] = self.array()?;
        Ok(u32::from_be_bytes([0, a, b, c]))
    }

    /// uint32
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    /// A length prefix of the given width.
    pub fn len_prefix(&mut self, prefix: LenPrefix) -> Result<usize, DecodeError> {
        Ok(match prefix {
            LenPrefix::U8 => usize::from(self.u8()?),
            LenPrefix::U16 => usize::from(self.u16()?),
            LenPrefix::U24 => self.u24()? as usize,
        })
    }

    /// A length-prefixed opaque vector whose length must lie in `min..=max`
    /// (else `decode_error`, RFC 8446 §3.4).
    pub fn vec(
        &mut self,
        prefix: LenPrefix,
        min: usize,
        max: usize,
        field: &'static str,
    ) -> Result<&'a [u8], DecodeError> {
        let len = self
            .len_prefix(prefix)
            .map_err(|_| DecodeError::truncated(field))?;
        if len < min || len > max {
            return Err(DecodeError::length(field));
        }
        self.take(len).map_err(|_| DecodeError::truncated(field))
    }

    /// A sub-reader over a length-prefixed vector.
    pub fn sub(
        &mut self,
        prefix: LenPrefix,
        min: usize,
        max: usize,
        field: &'static str,
    ) -> Result<Reader<'a>, DecodeError> {
        Ok(Reader::new(self.vec(prefix, min, max, field)?, field))
    }

    /// Ends decoding: fails with `decode_error` if bytes remain.
    pub fn finish(&self) -> Result<(), DecodeError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::trailing(self.what))
        }
    }
}

/// Appends big-endian values to a caller's buffer.
#[derive(Debug)]
pub struct Writer<'b> {
    out: &'b mut Vec<u8>,
}

impl<'b> Writer<'b> {
    /// Writes into `out` after its current contents.
    pub fn new(out: &'b mut Vec<u8>) -> Self {
        Writer { out }
    }

    /// The underlying buffer.
    pub fn buf(&mut self) -> &mut Vec<u8> {
        self.out
    }

    /// Bytes in the buffer (including what was there before this writer).
    pub fn len(&self) -> usize {
        self.out.len()
    }

    /// Whether the underlying buffer is empty.
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// uint8
    pub fn u8(&mut self, v: u8) {
        self.out.push(v);
    }

    /// uint16
    pub fn u16(&mut self, v: u16) {
        self.out.extend_from_slice(&v.to_be_bytes());
    }

    /// uint24; `v` must fit 24 bits, else an error.
    pub fn u24(&mut self, v: u32, field: &'static str) -> Result<(), EncodeError> {
        if v > 0xff_ffff {
            return Err(EncodeError::too_long(field));
        }
        self.out.extend_from_slice(&v.to_be_bytes()[1..]);
        Ok(())
    }

    /// uint32
    pub fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_be_bytes());
    }

    /// Raw bytes.
    pub fn bytes(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
    }

    /// A length-prefixed opaque vector.
    pub fn vec(
        &mut self,
        prefix: LenPrefix,
        b: &[u8],
        field: &'static str,
    ) -> Result<(), EncodeError> {
        self.nested(prefix, field, |w| {
            w.bytes(b);
            Ok(())
        })
    }

    /// Writes a length prefix, runs `body`, then back-fills the prefix with the number of
    /// bytes `body` wrote. Fails (leaving the buffer as it was) if they do not fit.
    pub fn nested<F>(
        &mut self,
        prefix: LenPrefix,
        field: &'static str,
        body: F,
    ) -> Result<(), EncodeError>
    where
        F: FnOnce(&mut Writer<'_>) -> Result<(), EncodeError>,
    {
        let start = self.out.len();
        self.out.resize(start + prefix.width(), 0);
        let result = body(&mut Writer::new(self.out));
        let len = self.out.len() - start - prefix.width();
        if let Err(e) = result {
            self.out.truncate(start);
            return Err(e);
        }
        if len > prefix.max() {
            self.out.truncate(start);
            return Err(EncodeError::too_long(field));
        }
        let be = (len as u32).to_be_bytes();
        let src = &be[4 - prefix.width()..];
        if let Some(dst) = self.out.get_mut(start..start + prefix.width()) {
            dst.copy_from_slice(src);
        }
        Ok(())
    }
}

/// A type with one fixed wire form, decodable from a [`Reader`] and encodable into a
/// [`Writer`]. Items of [`crate::List`] implement it.
pub trait Codec<'a>: Sized + Copy {
    /// Reads one value.
    fn read(r: &mut Reader<'a>) -> Result<Self, DecodeError>;
    /// Writes one value.
    fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError>;
}

impl<'a> Codec<'a> for u8 {
    fn read(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        r.u8()
    }
    fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.u8(*self);
        Ok(())
    }
}

/// Decodes a whole buffer as one `T`, rejecting trailing bytes.
pub fn decode_exact<'a, T: Codec<'a>>(
    bytes: &'a [u8],
    what: &'static str,
) -> Result<T, DecodeError> {
    let mut r = Reader::new(bytes, what);
    let v = T::read(&mut r)?;
    r.finish()?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::AlertDescription;

    #[test]
    fn reader_reads_big_endian_and_refuses_trailing_bytes() {
        let mut r = Reader::new(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "t");
        assert_eq!(r.u8().unwrap(), 1);
        assert_eq!(r.u16().unwrap(), 0x0203);
        assert_eq!(r.u24().unwrap(), 0x040506);
        assert_eq!(
            r.finish().unwrap_err().alert(),
            AlertDescription::DecodeError
        );
        assert_eq!(r.u32().unwrap(), 0x0708090a);
        r.finish().unwrap();
        assert!(r.u8().is_err());
    }

    #[test]
    fn vec_checks_bounds() {
        let mut r = Reader::new(&[0, 2, 0xaa, 0xbb], "t");
        assert_eq!(
            r.clone().vec(LenPrefix::U16, 0, 2, "v").unwrap(),
            &[0xaa, 0xbb]
        );
        assert!(r.clone().vec(LenPrefix::U16, 3, 10, "v").is_err());
        assert!(r.clone().vec(LenPrefix::U16, 0, 1, "v").is_err());
        assert!(Reader::new(&[0, 3, 1, 2], "t")
            .vec(LenPrefix::U16, 0, 9, "v")
            .is_err());
        assert_eq!(r.vec(LenPrefix::U8, 0, 9, "v").unwrap(), &[]);
    }

    #[test]
    fn nested_backfills_and_rejects_overflow() {
        let mut out = vec![0xff];
        let mut w = Writer::new(&mut out);
        w.vec(LenPrefix::U24, &[1, 2, 3], "x").unwrap();
        assert_eq!(out, [0xff, 0, 0, 3, 1, 2, 3]);
        let big = vec![0u8; 256];
        let mut w = Writer::new(&mut out);
        assert!(w.vec(LenPrefix::U8, &big, "x").is_err());
        assert_eq!(
            out.len(),
            7,
            "failed nested write leaves the buffer as it was"
        );
    }
}
