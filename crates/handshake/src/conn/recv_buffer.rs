//! The receive side of a connection: TLS bytes in, whole records out (RFC 8446 §5.1,
//! RFC 5246 §6.2), opened in place by the caller, and the plaintext of application_data
//! records served to `reader()` from where it was decrypted, without another copy.
//!
//! ```text
//! buf: [ .. | held plaintext (opened records) | unprocessed bytes | spare .. ]
//!             ^plaintext.front()               ^start             ^end
//! ```
//!
//! Bytes before `start` belong to records already handed out; the ranges in `plaintext`
//! (all before `start`) are the decrypted application data not yet read. Everything else
//! before `start` is dead (headers, tags, other records). When no plaintext is held, the
//! unprocessed bytes are moved on the next `spare_mut` so that the next record's payload
//! starts on a 64-byte boundary; while plaintext is held they move only when space runs
//! out, together with the held plaintext.

use std::collections::VecDeque;
use std::ops::Range;
use tlskit_wire::{DecodeError, RecordHeader, MAX_CIPHERTEXT_LEN_TLS12, RECORD_HEADER_LEN};

/// Most bytes buffered and not yet deframed: one maximal TLS 1.2 record.
const UNPROCESSED_LIMIT: usize = RECORD_HEADER_LEN + MAX_CIPHERTEXT_LEN_TLS12;

/// The receive window a connection starts with: enough for every handshake record of a
/// typical exchange. It grows (never shrinks) to [`UNPROCESSED_LIMIT`] when a record
/// needs more, so an idle or handshake-only connection holds 4 KiB, not 18 KiB, and a
/// bulk one reads a maximal record per call.
const INITIAL_WINDOW: usize = 4096;

/// Payload alignment: a cache line, and the widest vector the AEADs use (AVX-512).
pub(crate) const PAYLOAD_ALIGN: usize = 64;

/// Bytes to skip from `addr` so that `addr + skip + offset` is a multiple of
/// [`PAYLOAD_ALIGN`].
pub(crate) fn align_skip(addr: usize, offset: usize) -> usize {
    let misalignment = addr.wrapping_add(offset) % PAYLOAD_ALIGN;
    (PAYLOAD_ALIGN - misalignment) % PAYLOAD_ALIGN
}

/// A growable receive buffer that deframes records and holds opened plaintext.
#[derive(Debug)]
pub(crate) struct RecvBuffer {
    buf: Vec<u8>,
    /// First byte not yet returned as (part of) a record.
    start: usize,
    /// End of the received bytes.
    end: usize,
    /// Unread application data, oldest first, as ranges of `buf` before `start`.
    plaintext: VecDeque<Range<usize>>,
    /// Total length of `plaintext`.
    plaintext_len: usize,
    max_fragment_len: usize,
    /// Most unprocessed bytes to hold now: [`INITIAL_WINDOW`], grown as records need.
    window: usize,
    /// A framing error is final: every later call reports it again.
    failed: Option<DecodeError>,
}

impl RecvBuffer {
    /// An empty buffer accepting fragments up to the TLS 1.2 ciphertext limit.
    pub(crate) fn new() -> Self {
        RecvBuffer {
            buf: Vec::new(),
            start: 0,
            end: 0,
            plaintext: VecDeque::new(),
            plaintext_len: 0,
            max_fragment_len: MAX_CIPHERTEXT_LEN_TLS12,
            window: INITIAL_WINDOW,
            failed: None,
        }
    }

    /// Sets the fragment limit (e.g. 2^14 + 256 once TLS 1.3 is negotiated, RFC 8446
    /// §5.2); never above the TLS 1.2 limit of 2^14 + 2048 (RFC 5246 §6.2.3).
    pub(crate) fn set_max_fragment_len(&mut self, max: usize) {
        self.max_fragment_len = max.min(MAX_CIPHERTEXT_LEN_TLS12);
    }

    /// Room to read transport bytes into (empty when a maximal record's worth of
    /// unprocessed bytes is already buffered); follow with [`Self::commit`].
    /// `payload_offset` is where the next record's payload starts relative to its first
    /// byte (header plus any explicit nonce), used to align it when nothing is held.
    pub(crate) fn spare_mut(&mut self, payload_offset: usize) -> &mut [u8] {
        let unprocessed = self.end - self.start;
        // A partial record longer than the window widens it (up to one maximal record).
        let needed = self
            .buf
            .get(self.start + 3..self.start + RECORD_HEADER_LEN)
            .filter(|_| unprocessed >= RECORD_HEADER_LEN)
            .map_or(0, |len| {
                RECORD_HEADER_LEN + usize::from(u16::from_be_bytes([len[0], len[1]]))
            });
        self.window = self.window.max(needed).min(UNPROCESSED_LIMIT);
        let room = self.window.saturating_sub(unprocessed);
        if self.plaintext.is_empty() {
            let min_len = PAYLOAD_ALIGN + self.window;
            if self.buf.len() < min_len {
                self.buf.resize(min_len, 0);
            }
            // `skip` < PAYLOAD_ALIGN, so `skip + UNPROCESSED_LIMIT` fits.
            let skip = align_skip(self.buf.as_ptr() as usize, payload_offset);
            if self.start != skip {
                self.buf.copy_within(self.start..self.end, skip);
                self.start = skip;
                self.end = skip + unprocessed;
            }
        } else if self.buf.len() < self.end + room {
            let keep_from = self.plaintext.front().map_or(self.start, |r| r.start);
            if keep_from > 0 {
                self.buf.copy_within(keep_from..self.end, 0);
                for range in self.plaintext.iter_mut() {
                    *range = range.start - keep_from..range.end - keep_from;
                }
                self.start -= keep_from;
                self.end -= keep_from;
            }
            if self.buf.len() < self.end + room {
                self.buf.resize(self.end + room, 0);
            }
        }
        let end = self.end;
        self.buf.get_mut(end..end + room).unwrap_or(&mut [])
    }

    /// Marks `n` bytes written through [`Self::spare_mut`] as received (clamped to the
    /// buffer).
    pub(crate) fn commit(&mut self, n: usize) {
        self.end = self.end.saturating_add(n).min(self.buf.len());
    }

    /// The next whole record's header and the range of its payload in the buffer
    /// (for [`Self::payload_mut`]). The header is checked as soon as its bytes are here:
    /// a known content type (else `unexpected_message`), major version 3, length within
    /// the fragment limit (else `record_overflow`).
    pub(crate) fn next_record(
        &mut self,
    ) -> Result<Option<(RecordHeader, Range<usize>)>, DecodeError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let avail = self.buf.get(self.start..self.end).unwrap_or(&[]);
        if let Some(&t) = avail.first() {
            // RFC 8446 §5.1: change_cipher_spec(20) .. application_data(23).
            if !matches!(t, 20..=23) {
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
        let payload = self.start + RECORD_HEADER_LEN..self.start + total;
        self.start += total;
        Ok(Some((header, payload)))
    }

    fn fail(&mut self, e: DecodeError) -> DecodeError {
        self.failed = Some(e);
        e
    }

    /// A record payload returned by [`Self::next_record`], to open in place.
    pub(crate) fn payload_mut(&mut self, range: Range<usize>) -> &mut [u8] {
        self.buf.get_mut(range).unwrap_or(&mut [])
    }

    /// Queues `range` (within a payload returned by [`Self::next_record`], already
    /// decrypted) as application data for [`Self::read_plaintext`].
    pub(crate) fn push_plaintext(&mut self, range: Range<usize>) {
        if range.is_empty() || range.end > self.start {
            return;
        }
        self.plaintext_len += range.len();
        self.plaintext.push_back(range);
    }

    /// Bytes of application data waiting for [`Self::read_plaintext`].
    pub(crate) fn pending_plaintext(&self) -> usize {
        self.plaintext_len
    }

    /// Copies as much held application data as fits into `out`, oldest first.
    pub(crate) fn read_plaintext(&mut self, out: &mut [u8]) -> usize {
        let mut copied = 0;
        while let Some(range) = self.plaintext.front_mut() {
            let Some(dst) = out.get_mut(copied..).filter(|d| !d.is_empty()) else {
                break;
            };
            let n = range.len().min(dst.len());
            let src_range = range.start..range.start + n;
            if let (Some(d), Some(s)) = (dst.get_mut(..n), self.buf.get(src_range)) {
                d.copy_from_slice(s);
            }
            range.start += n;
            copied += n;
            if range.start >= range.end {
                self.plaintext.pop_front();
            }
        }
        self.plaintext_len -= copied;
        copied
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(t: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![t, 3, 3];
        out.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    fn feed(rb: &mut RecvBuffer, bytes: &[u8]) -> usize {
        let spare = rb.spare_mut(RECORD_HEADER_LEN);
        let n = spare.len().min(bytes.len());
        spare[..n].copy_from_slice(&bytes[..n]);
        rb.commit(n);
        n
    }

    #[test]
    fn payloads_start_aligned_when_nothing_is_held() {
        let mut rb = RecvBuffer::new();
        for offset in [RECORD_HEADER_LEN, RECORD_HEADER_LEN + 8] {
            let spare = rb.spare_mut(offset);
            let addr = spare.as_ptr() as usize;
            assert_eq!((addr + offset) % PAYLOAD_ALIGN, 0);
        }
        assert_eq!(align_skip(64, 5), 59);
        assert_eq!(align_skip(59, 5), 0);
    }

    #[test]
    fn records_split_across_reads_and_held_plaintext_survive_compaction() {
        let mut stream = Vec::new();
        for i in 0..40u8 {
            stream.extend(record(23, &vec![i; 1000 + usize::from(i)]));
        }
        for chunk in [1usize, 7, 999, 5000, 20000] {
            let mut rb = RecvBuffer::new();
            let mut rest = &stream[..];
            let mut records = 0u8;
            // Never read: everything stays held, forcing compaction and growth.
            while !rest.is_empty() {
                let n = feed(&mut rb, &rest[..chunk.min(rest.len())]);
                rest = &rest[n..];
                while let Some((h, range)) = rb.next_record().unwrap() {
                    assert_eq!(usize::from(h.length), range.len());
                    rb.push_plaintext(range);
                    records += 1;
                }
            }
            assert_eq!(records, 40);
            let mut out = vec![0u8; 3000];
            let mut all = Vec::new();
            loop {
                let n = rb.read_plaintext(&mut out);
                if n == 0 {
                    break;
                }
                all.extend_from_slice(&out[..n]);
            }
            let expected: Vec<u8> = (0..40u8)
                .flat_map(|i| vec![i; 1000 + usize::from(i)])
                .collect();
            assert_eq!(all, expected, "chunk {chunk}");
            assert_eq!(rb.pending_plaintext(), 0);
        }
    }

    #[test]
    fn bad_headers_fail_early_and_stay_failed() {
        let mut rb = RecvBuffer::new();
        feed(&mut rb, &[99]);
        assert!(rb.next_record().is_err());
        assert!(rb.next_record().is_err());
        let mut rb = RecvBuffer::new();
        rb.set_max_fragment_len(100);
        feed(&mut rb, &[23, 3, 3, 0, 101]);
        assert!(rb.next_record().is_err());
    }

    #[test]
    fn a_full_buffer_offers_no_room_until_records_are_taken() {
        let mut rb = RecvBuffer::new();
        // The window starts small and grows to one maximal record as its header asks.
        assert_eq!(rb.spare_mut(RECORD_HEADER_LEN).len(), INITIAL_WINDOW);
        let big = record(23, &vec![1; MAX_CIPHERTEXT_LEN_TLS12]);
        let mut fed = 0;
        while fed < big.len() {
            let n = feed(&mut rb, &big[fed..]);
            assert!(n > 0, "stalled at {fed}");
            fed += n;
        }
        assert!(rb.spare_mut(RECORD_HEADER_LEN).is_empty());
        assert!(rb.next_record().unwrap().is_some());
        assert_eq!(rb.spare_mut(RECORD_HEADER_LEN).len(), UNPROCESSED_LIMIT);
    }

    #[test]
    fn small_records_keep_the_window_small() {
        let mut rb = RecvBuffer::new();
        for _ in 0..10 {
            let r = record(22, &[7; 1000]);
            assert_eq!(feed(&mut rb, &r), r.len());
            assert!(rb.next_record().unwrap().is_some());
        }
        assert_eq!(rb.spare_mut(RECORD_HEADER_LEN).len(), INITIAL_WINDOW);
        assert!(rb.buf.len() <= PAYLOAD_ALIGN + INITIAL_WINDOW);
    }
}
