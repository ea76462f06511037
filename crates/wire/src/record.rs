//! The record layer's framing: headers, size limits, and a streaming [`Deframer`].
//! RFC 8446 §5.1–§5.2, RFC 5246 §6.2.

use crate::alert::AlertDescription;
use crate::codec::{Reader, Writer};
use crate::enums::{ContentType, ProtocolVersion};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};

/// Bytes in a record header: type(1) legacy_record_version(2) length(2).
pub const RECORD_HEADER_LEN: usize = 5;
/// The largest plaintext fragment: 2^14 (RFC 8446 §5.1, RFC 5246 §6.2.1).
pub const MAX_PLAINTEXT_LEN: usize = 1 << 14;
/// TLS 1.2 ciphertext limit: 2^14 + 2048 (RFC 5246 §6.2.3).
pub const MAX_CIPHERTEXT_LEN_TLS12: usize = MAX_PLAINTEXT_LEN + 2048;
/// TLS 1.3 ciphertext limit: 2^14 + 256 (RFC 8446 §5.2).
pub const MAX_CIPHERTEXT_LEN_TLS13: usize = MAX_PLAINTEXT_LEN + 256;
/// TLS 1.3 inner plaintext limit: 2^14 + 1 (content plus the type byte, RFC 8446 §5.4).
pub const MAX_INNER_PLAINTEXT_LEN_TLS13: usize = MAX_PLAINTEXT_LEN + 1;

/// The legal content types on the wire, as the record layer accepts them.
const fn is_known_content_type(t: ContentType) -> bool {
    matches!(t.0, 20..=23)
}

/// A record header (RFC 8446 §5.1 TLSPlaintext / TLSCiphertext without the fragment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordHeader {
    /// type
    pub content_type: ContentType,
    /// legacy_record_version
    pub version: ProtocolVersion,
    /// length of the fragment
    pub length: u16,
}

impl RecordHeader {
    /// The five header bytes.
    pub fn to_bytes(&self) -> [u8; RECORD_HEADER_LEN] {
        let [v0, v1] = self.version.0.to_be_bytes();
        let [l0, l1] = self.length.to_be_bytes();
        [self.content_type.0, v0, v1, l0, l1]
    }

    /// Parses and checks a header: known content type (else `unexpected_message`),
    /// major version 3 (else `decode_error`), length ≤ `max_fragment_len` (else
    /// `record_overflow`).
    pub fn decode(bytes: &[u8], max_fragment_len: usize) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes, "TLSPlaintext");
        let content_type = ContentType(r.u8()?);
        let version = ProtocolVersion(r.u16()?);
        let length = r.u16()?;
        r.finish()?;
        let header = RecordHeader {
            content_type,
            version,
            length,
        };
        header.check(max_fragment_len)?;
        Ok(header)
    }

    fn check(&self, max_fragment_len: usize) -> Result<(), DecodeError> {
        if !is_known_content_type(self.content_type) {
            return Err(DecodeError::unexpected("TLSPlaintext.type"));
        }
        if self.version.0 >> 8 != 0x03 {
            return Err(DecodeError::new(
                DecodeErrorKind::IllegalValue,
                AlertDescription::DecodeError,
                "TLSPlaintext.legacy_record_version",
            ));
        }
        if usize::from(self.length) > max_fragment_len {
            return Err(record_overflow());
        }
        Ok(())
    }
}

fn record_overflow() -> DecodeError {
    DecodeError::new(
        DecodeErrorKind::TooLarge,
        AlertDescription::RecordOverflow,
        "TLSPlaintext.length",
    )
}

/// A whole record borrowed from the deframer's buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// type
    pub content_type: ContentType,
    /// legacy_record_version
    pub version: ProtocolVersion,
    /// fragment (plaintext or ciphertext, as it came)
    pub payload: &'a [u8],
}

impl Record<'_> {
    /// Appends header and payload. Fails if the payload exceeds the TLS 1.2 ciphertext
    /// limit (the largest any version allows).
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let length = checked_record_len(self.payload.len())?;
        let header = RecordHeader {
            content_type: self.content_type,
            version: self.version,
            length,
        };
        let mut w = Writer::new(out);
        w.bytes(&header.to_bytes());
        w.bytes(self.payload);
        Ok(())
    }
}

fn checked_record_len(len: usize) -> Result<u16, EncodeError> {
    if len > MAX_CIPHERTEXT_LEN_TLS12 {
        return Err(EncodeError::too_long("TLSPlaintext.fragment"));
    }
    u16::try_from(len).map_err(|_| EncodeError::too_long("TLSPlaintext.fragment"))
}

/// A whole record whose payload may be changed in place (decryption).
#[derive(Debug)]
pub struct RecordMut<'a> {
    /// The header as it came (the TLS 1.3 AEAD additional data, RFC 8446 §5.2).
    pub header: RecordHeader,
    /// fragment, mutable
    pub payload: &'a mut [u8],
}

/// Appends `payload` as plaintext records of at most `max_fragment` bytes each
/// (clamped to 1..=2^14). An empty payload writes one empty record, which only
/// application_data may use (RFC 8446 §5.1); callers must not pass empty handshake data.
pub fn write_fragmented(
    out: &mut Vec<u8>,
    content_type: ContentType,
    version: ProtocolVersion,
    payload: &[u8],
    max_fragment: usize,
) -> Result<(), EncodeError> {
    let max = max_fragment.clamp(1, MAX_PLAINTEXT_LEN);
    if payload.is_empty() {
        return Record {
            content_type,
            version,
            payload,
        }
        .encode(out);
    }
    for chunk in payload.chunks(max) {
        Record {
            content_type,
            version,
            payload: chunk,
        }
        .encode(out)?;
    }
    Ok(())
}

/// ChangeCipherSpec (RFC 5246 §7.1; RFC 8446 §5 middlebox compatibility): one byte, 0x01.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChangeCipherSpec;

impl ChangeCipherSpec {
    /// The record payload.
    pub const BYTES: [u8; 1] = [1];

    /// Checks a change_cipher_spec payload: length 1 (else `decode_error`), value 1 (else
    /// `unexpected_message`, RFC 8446 §5).
    pub fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(payload, "ChangeCipherSpec");
        let v = r.u8()?;
        r.finish()?;
        if v != 1 {
            return Err(DecodeError::unexpected("ChangeCipherSpec.type"));
        }
        Ok(ChangeCipherSpec)
    }

    /// Appends the payload byte.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&Self::BYTES);
    }
}

impl core::fmt::Display for ChangeCipherSpec {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ChangeCipherSpec { type: change_cipher_spec(1) }")
    }
}

/// Turns a byte stream fed in arbitrary chunks into whole records.
///
/// Bytes go in with [`Deframer::push`] (copying from a caller's slice) or
/// [`Deframer::spare_mut`] + [`Deframer::commit`] (reading straight into the buffer);
/// records come out with [`Deframer::pop`] (borrowed) or [`Deframer::pop_mut`] (mutable,
/// to decrypt in place). The buffer never holds more than `buffer_limit` bytes: `push`
/// accepts only what fits and says how much it took. A header is checked as soon as its
/// five bytes arrive, so garbage or an oversized length is rejected without waiting for
/// the payload. After an error the deframer stays failed.
#[derive(Debug)]
pub struct Deframer {
    buf: Vec<u8>,
    start: usize,
    end: usize,
    max_fragment_len: usize,
    buffer_limit: usize,
    failed: Option<DecodeError>,
}

impl Default for Deframer {
    fn default() -> Self {
        Self::new()
    }
}

impl Deframer {
    /// A deframer accepting fragments up to the TLS 1.2 ciphertext limit
    /// (2^14 + 2048) and buffering at most one such record.
    pub fn new() -> Self {
        Self::with_limits(
            MAX_CIPHERTEXT_LEN_TLS12,
            RECORD_HEADER_LEN + MAX_CIPHERTEXT_LEN_TLS12,
        )
    }

    /// A deframer with an explicit fragment limit (clamped to ≤ 2^14 + 2048) and buffer
    /// limit (raised to hold at least one maximal record).
    pub fn with_limits(max_fragment_len: usize, buffer_limit: usize) -> Self {
        let max_fragment_len = max_fragment_len.min(MAX_CIPHERTEXT_LEN_TLS12);
        Deframer {
            buf: Vec::new(),
            start: 0,
            end: 0,
            max_fragment_len,
            buffer_limit: buffer_limit.max(RECORD_HEADER_LEN + max_fragment_len),
            failed: None,
        }
    }

    /// Tightens (or relaxes) the fragment limit, e.g. to 2^14 + 256 once TLS 1.3 is
    /// negotiated, or to a record_size_limit (RFC 8449). Never above 2^14 + 2048.
    pub fn set_max_fragment_len(&mut self, max: usize) {
        self.max_fragment_len = max.min(MAX_CIPHERTEXT_LEN_TLS12);
        self.buffer_limit = self
            .buffer_limit
            .max(RECORD_HEADER_LEN + self.max_fragment_len);
    }

    /// The current fragment limit.
    pub fn max_fragment_len(&self) -> usize {
        self.max_fragment_len
    }

    /// Bytes buffered and not yet returned as records.
    pub fn buffered(&self) -> usize {
        self.end - self.start
    }

    /// Whether a partial record is buffered.
    pub fn has_partial_record(&self) -> bool {
        self.buffered() > 0
    }

    /// Room left for [`Deframer::push`].
    pub fn free_space(&self) -> usize {
        self.buffer_limit - self.buffered()
    }

    fn compact(&mut self) {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
    }

    /// Copies as much of `data` as fits and returns how many bytes were taken. Call
    /// [`Deframer::pop`] until it yields `None`, then push the rest.
    pub fn push(&mut self, data: &[u8]) -> usize {
        self.compact();
        let n = data.len().min(self.buffer_limit - self.end);
        let new_end = self.end + n;
        if self.buf.len() < new_end {
            self.buf.resize(new_end, 0);
        }
        if let (Some(dst), Some(src)) = (self.buf.get_mut(self.end..new_end), data.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.end = new_end;
        n
    }

    /// The free part of the buffer, to read into directly; follow with
    /// [`Deframer::commit`].
    pub fn spare_mut(&mut self) -> &mut [u8] {
        self.compact();
        if self.buf.len() < self.buffer_limit {
            self.buf.resize(self.buffer_limit, 0);
        }
        let end = self.end;
        self.buf.get_mut(end..).unwrap_or(&mut [])
    }

    /// Marks `n` bytes written through [`Deframer::spare_mut`] as data (clamped to the
    /// space there was).
    pub fn commit(&mut self, n: usize) {
        self.end = (self.end + n).min(self.buf.len());
    }

    /// Finds the next whole record: `Ok(Some((header, payload_range)))`.
    fn next_frame(&mut self) -> Result<Option<(RecordHeader, usize, usize)>, DecodeError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let avail = self.buf.get(self.start..self.end).unwrap_or(&[]);
        // Check what we have of the header early: a wrong type or version byte fails now.
        if let Some(&t) = avail.first() {
            if !is_known_content_type(ContentType(t)) {
                return Err(self.fail(DecodeError::unexpected("TLSPlaintext.type")));
            }
        }
        let Some(header_bytes) = avail.get(..RECORD_HEADER_LEN) else {
            return Ok(None);
        };
        let header = match RecordHeader::decode(header_bytes, self.max_fragment_len) {
            Ok(h) => h,
            Err(e) => return Err(self.fail(e)),
        };
        let total = RECORD_HEADER_LEN + usize::from(header.length);
        if avail.len() < total {
            return Ok(None);
        }
        let payload_start = self.start + RECORD_HEADER_LEN;
        let payload_end = self.start + total;
        self.start = payload_end;
        Ok(Some((header, payload_start, payload_end)))
    }

    fn fail(&mut self, e: DecodeError) -> DecodeError {
        self.failed = Some(e);
        e
    }

    /// The next whole record, if one is buffered.
    pub fn pop(&mut self) -> Result<Option<Record<'_>>, DecodeError> {
        let Some((header, s, e)) = self.next_frame()? else {
            return Ok(None);
        };
        let payload = self.buf.get(s..e).unwrap_or(&[]);
        Ok(Some(Record {
            content_type: header.content_type,
            version: header.version,
            payload,
        }))
    }

    /// The next whole record with a mutable payload (to open it in place).
    pub fn pop_mut(&mut self) -> Result<Option<RecordMut<'_>>, DecodeError> {
        let Some((header, s, e)) = self.next_frame()? else {
            return Ok(None);
        };
        let payload = self.buf.get_mut(s..e).unwrap_or(&mut []);
        Ok(Some(RecordMut { header, payload }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(t: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        Record {
            content_type: ContentType(t),
            version: ProtocolVersion::TLS12,
            payload,
        }
        .encode(&mut out)
        .unwrap();
        out
    }

    #[test]
    fn deframes_byte_by_byte_and_in_bulk() {
        let mut stream = rec(22, b"hello");
        stream.extend(rec(23, b""));
        stream.extend(rec(21, &[1, 0]));
        for chunk in [1usize, 2, 3, 7, 100] {
            let mut d = Deframer::new();
            let mut got = Vec::new();
            for piece in stream.chunks(chunk) {
                assert_eq!(d.push(piece), piece.len());
                while let Some(r) = d.pop().unwrap() {
                    got.push((r.content_type.0, r.payload.to_vec()));
                }
            }
            assert_eq!(
                got,
                vec![(22, b"hello".to_vec()), (23, vec![]), (21, vec![1, 0])]
            );
            assert!(!d.has_partial_record());
        }
    }

    #[test]
    fn oversize_record_is_record_overflow() {
        let mut d = Deframer::new();
        d.set_max_fragment_len(MAX_CIPHERTEXT_LEN_TLS13);
        let len = (MAX_CIPHERTEXT_LEN_TLS13 + 1) as u16;
        d.push(&[23, 3, 3, (len >> 8) as u8, len as u8]);
        assert_eq!(
            d.pop().unwrap_err().alert(),
            AlertDescription::RecordOverflow
        );
        // Stays failed.
        assert!(d.pop().is_err());
        let mut d = Deframer::new();
        let len = (MAX_CIPHERTEXT_LEN_TLS12 + 1) as u16;
        d.push(&[23, 3, 3, (len >> 8) as u8, len as u8]);
        assert_eq!(
            d.pop().unwrap_err().alert(),
            AlertDescription::RecordOverflow
        );
        let mut d = Deframer::new();
        let len = MAX_CIPHERTEXT_LEN_TLS12 as u16;
        d.push(&[23, 3, 3, (len >> 8) as u8, len as u8]);
        assert!(d.pop().unwrap().is_none());
    }

    #[test]
    fn bad_type_and_version_fail_early() {
        let mut d = Deframer::new();
        d.push(b"G");
        assert_eq!(
            d.pop().unwrap_err().alert(),
            AlertDescription::UnexpectedMessage
        );
        let mut d = Deframer::new();
        d.push(&[22, 2, 0, 0, 1]);
        assert_eq!(d.pop().unwrap_err().alert(), AlertDescription::DecodeError);
    }

    #[test]
    fn push_respects_buffer_limit_and_spare_mut_works() {
        let mut d = Deframer::with_limits(100, 0);
        let big = rec(23, &[7; 100]);
        let stream: Vec<u8> = big.iter().chain(big.iter()).copied().collect();
        let taken = d.push(&stream);
        assert_eq!(taken, 105);
        assert_eq!(d.pop().unwrap().unwrap().payload, &[7; 100][..]);
        let spare = d.spare_mut();
        assert_eq!(spare.len(), 105);
        spare[..105].copy_from_slice(&stream[105..]);
        d.commit(105);
        let r = d.pop_mut().unwrap().unwrap();
        r.payload[0] = 9;
        assert_eq!(r.header.length, 100);
    }

    #[test]
    fn change_cipher_spec_checks() {
        assert!(ChangeCipherSpec::decode(&[1]).is_ok());
        assert_eq!(
            ChangeCipherSpec::decode(&[2]).unwrap_err().alert(),
            AlertDescription::UnexpectedMessage
        );
        assert_eq!(
            ChangeCipherSpec::decode(&[1, 1]).unwrap_err().alert(),
            AlertDescription::DecodeError
        );
        assert_eq!(
            ChangeCipherSpec::decode(&[]).unwrap_err().alert(),
            AlertDescription::DecodeError
        );
    }

    #[test]
    fn fragmenting_splits_at_the_limit() {
        let mut out = Vec::new();
        write_fragmented(
            &mut out,
            ContentType::HANDSHAKE,
            ProtocolVersion::TLS12,
            &[1; 10],
            4,
        )
        .unwrap();
        let mut d = Deframer::new();
        d.push(&out);
        let mut lens = Vec::new();
        while let Some(r) = d.pop().unwrap() {
            lens.push(r.payload.len());
        }
        assert_eq!(lens, [4, 4, 2]);
    }
}
