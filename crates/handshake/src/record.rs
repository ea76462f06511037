//! The record layer's protection: AEAD sealing and opening of TLS records in place, with
//! per-direction sequence numbers. The nonce, the additional data and the header are built
//! here; the provider only sees "seal/open these bytes with this nonce and AAD".
//!
//! - TLS 1.2 AES-GCM (RFC 5288 §3): nonce = 4-byte salt from the key block || 8-byte explicit
//!   nonce sent in the record; tlskit uses the sequence number as the explicit part.
//! - TLS 1.2 ChaCha20-Poly1305 (RFC 7905 §2): nonce = 12-byte IV xor padded sequence number.
//! - TLS 1.2 AAD (RFC 5246 §6.2.3.3): seq_num || type || version || plaintext length.
//! - TLS 1.3 (RFC 8446 §5.2, §5.3): nonce = IV xor padded sequence number; the plaintext is
//!   `TLSInnerPlaintext` (content || type || zero padding); the AAD is the record header.

use tlskit_crypto::{AeadKey, CryptoError, NONCE_LEN, TAG_LEN};

/// Record header length: type(1) || legacy_version(2) || length(2).
pub const HEADER_LEN: usize = 5;
/// Maximum plaintext fragment length (RFC 8446 §5.1, RFC 5246 §6.2.1).
pub const MAX_FRAGMENT_LEN: usize = 1 << 14;
/// TLS 1.2 explicit nonce length for AES-GCM (RFC 5288 §3).
pub const EXPLICIT_NONCE_LEN: usize = 8;

/// ContentType application_data (RFC 8446 §5.1), the outer type of every TLS 1.3 record.
const APPLICATION_DATA: u8 = 23;

/// Why a record could not be protected or unprotected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordError {
    /// Authentication failed or the ciphertext was malformed: `bad_record_mac`.
    BadRecordMac,
    /// The plaintext exceeds 2^14 bytes (or the ciphertext its expansion limit):
    /// `record_overflow`.
    Overflow,
    /// A TLS 1.3 record carried no non-zero content type: `unexpected_message`.
    NoContentType,
    /// The sequence number would wrap (RFC 8446 §5.3): the connection must end or rekey.
    SequenceExhausted,
    /// The provider failed in an unexpected way: `internal_error`.
    Crypto(CryptoError),
}

/// How nonces are formed for a connection's negotiated version and AEAD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonceScheme {
    /// TLS 1.2 AES-GCM: 4-byte implicit salt || 8-byte explicit nonce on the wire.
    Tls12Explicit {
        /// The client/server write IV ("salt") from the key block.
        salt: [u8; 4],
    },
    /// TLS 1.2 ChaCha20-Poly1305: IV xor sequence number, nothing explicit on the wire.
    Tls12Xor {
        /// The 12-byte write IV from the key block.
        iv: [u8; NONCE_LEN],
    },
    /// TLS 1.3: IV xor sequence number, inner content type, header as AAD.
    Tls13 {
        /// The 12-byte write IV from the traffic secret.
        iv: [u8; NONCE_LEN],
    },
}

/// IV xor the big-endian sequence number, left-padded to 12 bytes (RFC 8446 §5.3).
fn xor_nonce(iv: &[u8; NONCE_LEN], seq: u64) -> [u8; NONCE_LEN] {
    let mut nonce = *iv;
    for (n, s) in nonce[NONCE_LEN - 8..].iter_mut().zip(seq.to_be_bytes()) {
        *n ^= s;
    }
    nonce
}

/// One direction's record protection state: a key, a nonce scheme and a sequence number.
pub struct RecordCipher {
    key: Box<dyn AeadKey>,
    scheme: NonceScheme,
    seq: u64,
}

impl std::fmt::Debug for RecordCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordCipher")
            .field("aead", &self.key.algorithm())
            .field("seq", &self.seq)
            .finish_non_exhaustive()
    }
}

impl RecordCipher {
    /// A cipher starting at sequence number 0.
    pub fn new(key: Box<dyn AeadKey>, scheme: NonceScheme) -> Self {
        RecordCipher {
            key,
            scheme,
            seq: 0,
        }
    }

    /// The next sequence number.
    pub fn sequence(&self) -> u64 {
        self.seq
    }

    /// Whether the sequence number is close to wrapping: a TLS 1.3 sender should send
    /// KeyUpdate, a TLS 1.2 sender must close (RFC 5246 §6.1).
    pub fn nearly_exhausted(&self) -> bool {
        self.seq >= u64::MAX - (1 << 16)
    }

    /// The sequence number the next record will use; it is consumed only when a record
    /// authenticates, so a record that fails (e.g. skipped 0-RTT data) leaves it unchanged.
    fn peek_seq(&self) -> Result<u64, RecordError> {
        if self.seq == u64::MAX {
            return Err(RecordError::SequenceExhausted);
        }
        Ok(self.seq)
    }

    /// Bytes this cipher adds to a plaintext of any length: explicit nonce, tag, and the
    /// TLS 1.3 inner content type byte.
    pub fn overhead(&self) -> usize {
        match self.scheme {
            NonceScheme::Tls12Explicit { .. } => EXPLICIT_NONCE_LEN + TAG_LEN,
            NonceScheme::Tls12Xor { .. } => TAG_LEN,
            NonceScheme::Tls13 { .. } => 1 + TAG_LEN,
        }
    }

    /// Bytes a sealed record holds before its plaintext: the header and, for TLS 1.2
    /// AES-GCM, the explicit nonce (RFC 5288 §3). This is where [`Self::seal_in_place`]
    /// expects the plaintext to start.
    pub fn prefix_len(&self) -> usize {
        match self.scheme {
            NonceScheme::Tls12Explicit { .. } => HEADER_LEN + EXPLICIT_NONCE_LEN,
            NonceScheme::Tls12Xor { .. } | NonceScheme::Tls13 { .. } => HEADER_LEN,
        }
    }

    /// Bytes a sealed record holds after its plaintext (without padding): the TLS 1.3
    /// inner content type byte, then the tag.
    pub fn suffix_len(&self) -> usize {
        match self.scheme {
            NonceScheme::Tls12Explicit { .. } | NonceScheme::Tls12Xor { .. } => TAG_LEN,
            NonceScheme::Tls13 { .. } => 1 + TAG_LEN,
        }
    }

    /// The whole record's length for `plaintext_len` bytes of content.
    pub fn record_len(&self, plaintext_len: usize) -> usize {
        self.prefix_len() + plaintext_len + self.suffix_len()
    }

    /// Seals one record in place. `record` is the whole record,
    /// `prefix_len() + plaintext + suffix_len()` bytes, with the plaintext already at
    /// `prefix_len()..record.len() - suffix_len()`; the other bytes' contents do not matter.
    /// The header, the TLS 1.2 explicit nonce, the TLS 1.3 inner content type and the tag
    /// are written in place and the plaintext is encrypted where it lies. `version` is the
    /// record-layer version field (TLS 1.3 always writes 0x0303).
    ///
    /// The sequence number advances only if the record is sealed; on error `record` may
    /// hold partial output and must not be sent.
    pub fn seal_in_place(
        &mut self,
        content_type: u8,
        version: [u8; 2],
        record: &mut [u8],
    ) -> Result<(), RecordError> {
        self.seal_in_place_padded(content_type, version, record, 0)
    }

    /// [`Self::seal_in_place`] with `padding` zero bytes after the TLS 1.3 inner content
    /// type (RFC 8446 §5.4), so `record` is `prefix_len() + plaintext + suffix_len() +
    /// padding` bytes. TLS 1.2 has no such padding: any `padding` other than 0 is refused.
    pub fn seal_in_place_padded(
        &mut self,
        content_type: u8,
        version: [u8; 2],
        record: &mut [u8],
        padding: usize,
    ) -> Result<(), RecordError> {
        let invalid = RecordError::Crypto(CryptoError::InvalidInput);
        let fixed = self.prefix_len() + self.suffix_len();
        let plaintext_len = record
            .len()
            .checked_sub(fixed)
            .and_then(|n| n.checked_sub(padding))
            .ok_or(invalid)?;
        if plaintext_len > MAX_FRAGMENT_LEN {
            return Err(RecordError::Overflow);
        }
        if padding > 0 {
            if !matches!(self.scheme, NonceScheme::Tls13 { .. }) {
                return Err(invalid);
            }
            // RFC 8446 §5.4: TLSInnerPlaintext (content, type, padding) ≤ 2^14 + 1 bytes.
            if plaintext_len + 1 + padding > MAX_FRAGMENT_LEN + 1 {
                return Err(RecordError::Overflow);
            }
        }
        let seq = self.peek_seq()?;
        // Fits in u16: at most 2^14 + 1 + 16 (TLS 1.3) or 2^14 + 8 + 16 (TLS 1.2).
        let body_len = record.len() - HEADER_LEN;
        let body_len_bytes = (body_len as u16).to_be_bytes();
        let (header, body) = record
            .split_first_chunk_mut::<HEADER_LEN>()
            .ok_or(invalid)?;
        let (data, tag) = body.split_last_chunk_mut::<TAG_LEN>().ok_or(invalid)?;
        let result = match self.scheme {
            NonceScheme::Tls12Explicit { salt } => {
                *header = [
                    content_type,
                    version[0],
                    version[1],
                    body_len_bytes[0],
                    body_len_bytes[1],
                ];
                let explicit = seq.to_be_bytes();
                let (explicit_out, plaintext) = data
                    .split_first_chunk_mut::<EXPLICIT_NONCE_LEN>()
                    .ok_or(invalid)?;
                *explicit_out = explicit;
                let mut nonce = [0u8; NONCE_LEN];
                nonce[..4].copy_from_slice(&salt);
                nonce[4..].copy_from_slice(&explicit);
                let aad = tls12_aad(seq, content_type, version, plaintext_len);
                self.key.seal_in_place(&nonce, &aad, plaintext, tag)
            }
            NonceScheme::Tls12Xor { iv } => {
                *header = [
                    content_type,
                    version[0],
                    version[1],
                    body_len_bytes[0],
                    body_len_bytes[1],
                ];
                let aad = tls12_aad(seq, content_type, version, plaintext_len);
                self.key
                    .seal_in_place(&xor_nonce(&iv, seq), &aad, data, tag)
            }
            NonceScheme::Tls13 { iv } => {
                *header = [
                    APPLICATION_DATA,
                    0x03,
                    0x03,
                    body_len_bytes[0],
                    body_len_bytes[1],
                ];
                // TLSInnerPlaintext: content || type || zeros (RFC 8446 §5.2).
                let (type_and_padding, _) = data
                    .get_mut(plaintext_len..)
                    .and_then(|rest| rest.split_first_mut())
                    .ok_or(invalid)?;
                *type_and_padding = content_type;
                if let Some(zeros) = data.get_mut(plaintext_len + 1..) {
                    zeros.fill(0);
                }
                self.key
                    .seal_in_place(&xor_nonce(&iv, seq), &header[..], data, tag)
            }
        };
        result.map_err(RecordError::Crypto)?;
        // Sealed: this record consumed its sequence number.
        self.seq = seq + 1;
        Ok(())
    }

    /// Seals one record of `content_type` carrying `plaintext` (at most 2^14 bytes) and
    /// appends it to `out`: the plaintext is copied once into place and sealed there with
    /// [`Self::seal_in_place`]. On error `out` is left as it was.
    pub fn seal_record(
        &mut self,
        content_type: u8,
        version: [u8; 2],
        plaintext: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), RecordError> {
        if plaintext.len() > MAX_FRAGMENT_LEN {
            return Err(RecordError::Overflow);
        }
        let start = out.len();
        out.reserve(self.record_len(plaintext.len()));
        out.resize(start + self.prefix_len(), 0);
        out.extend_from_slice(plaintext);
        out.resize(out.len() + self.suffix_len(), 0);
        let result = match out.get_mut(start..) {
            Some(record) => self.seal_in_place(content_type, version, record),
            None => Err(RecordError::Crypto(CryptoError::InvalidInput)),
        };
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    /// Opens a protected record in place. `header` is the 5-byte record header as received;
    /// `payload` the record body. Returns the true content type and the plaintext's range
    /// within `payload`.
    pub fn open_record(
        &mut self,
        header: [u8; HEADER_LEN],
        payload: &mut [u8],
    ) -> Result<(u8, std::ops::Range<usize>), RecordError> {
        let outer_type = header[0];
        let version = [header[1], header[2]];
        match self.scheme {
            NonceScheme::Tls12Explicit { salt } => {
                // RFC 5246 §6.2.3: ciphertext may expand by at most 2048 bytes.
                if payload.len() > MAX_FRAGMENT_LEN + 2048 {
                    return Err(RecordError::Overflow);
                }
                let plain_len = payload
                    .len()
                    .checked_sub(EXPLICIT_NONCE_LEN + TAG_LEN)
                    .ok_or(RecordError::BadRecordMac)?;
                let (explicit, rest) = payload
                    .split_at_mut_checked(EXPLICIT_NONCE_LEN)
                    .ok_or(RecordError::BadRecordMac)?;
                let mut nonce = [0u8; NONCE_LEN];
                nonce[..4].copy_from_slice(&salt);
                nonce[4..].copy_from_slice(explicit);
                let seq = self.peek_seq()?;
                let aad = tls12_aad(seq, outer_type, version, plain_len);
                self.key
                    .open_combined_in_place(&nonce, &aad, rest)
                    .map_err(|_| RecordError::BadRecordMac)?;
                self.seq = seq + 1;
                if plain_len > MAX_FRAGMENT_LEN {
                    return Err(RecordError::Overflow);
                }
                Ok((
                    outer_type,
                    EXPLICIT_NONCE_LEN..EXPLICIT_NONCE_LEN + plain_len,
                ))
            }
            NonceScheme::Tls12Xor { iv } => {
                if payload.len() > MAX_FRAGMENT_LEN + 2048 {
                    return Err(RecordError::Overflow);
                }
                let plain_len = payload
                    .len()
                    .checked_sub(TAG_LEN)
                    .ok_or(RecordError::BadRecordMac)?;
                let seq = self.peek_seq()?;
                let nonce = xor_nonce(&iv, seq);
                let aad = tls12_aad(seq, outer_type, version, plain_len);
                self.key
                    .open_combined_in_place(&nonce, &aad, payload)
                    .map_err(|_| RecordError::BadRecordMac)?;
                if plain_len > MAX_FRAGMENT_LEN {
                    return Err(RecordError::Overflow);
                }
                self.seq = seq + 1;
                Ok((outer_type, 0..plain_len))
            }
            NonceScheme::Tls13 { iv } => {
                // RFC 8446 §5.2: length MUST NOT exceed 2^14 + 256.
                if payload.len() > MAX_FRAGMENT_LEN + 256 {
                    return Err(RecordError::Overflow);
                }
                let seq = self.peek_seq()?;
                let nonce = xor_nonce(&iv, seq);
                let inner_len = self
                    .key
                    .open_combined_in_place(&nonce, &header, payload)
                    .map_err(|_| RecordError::BadRecordMac)?;
                // Authenticated: this record consumed its sequence number.
                self.seq = seq + 1;
                let inner = payload.get(..inner_len).ok_or(RecordError::BadRecordMac)?;
                // RFC 8446 §5.4: strip zero padding; the last non-zero byte is the type.
                let type_pos = inner
                    .iter()
                    .rposition(|&b| b != 0)
                    .ok_or(RecordError::NoContentType)?;
                if type_pos > MAX_FRAGMENT_LEN {
                    return Err(RecordError::Overflow);
                }
                let content_type = inner
                    .get(type_pos)
                    .copied()
                    .ok_or(RecordError::NoContentType)?;
                Ok((content_type, 0..type_pos))
            }
        }
    }
}

/// RFC 5246 §6.2.3.3 additional data.
fn tls12_aad(seq: u64, content_type: u8, version: [u8; 2], len: usize) -> [u8; 13] {
    let mut aad = [0u8; 13];
    aad[..8].copy_from_slice(&seq.to_be_bytes());
    aad[8] = content_type;
    aad[9..11].copy_from_slice(&version);
    aad[11..].copy_from_slice(&(len as u16).to_be_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlskit_crypto::AeadAlgorithm;

    fn pair(scheme: NonceScheme, alg: AeadAlgorithm) -> (RecordCipher, RecordCipher) {
        let p = tlskit_providers::default_provider().expect("a provider");
        let aead = p.aead(alg).expect("aead");
        let key = vec![7u8; alg.key_len()];
        (
            RecordCipher::new(aead.new_key(&key).unwrap(), scheme),
            RecordCipher::new(aead.new_key(&key).unwrap(), scheme),
        )
    }

    fn schemes() -> Vec<(NonceScheme, AeadAlgorithm)> {
        vec![
            (
                NonceScheme::Tls12Explicit { salt: [1, 2, 3, 4] },
                AeadAlgorithm::Aes128Gcm,
            ),
            (
                NonceScheme::Tls12Xor { iv: [9; 12] },
                AeadAlgorithm::ChaCha20Poly1305,
            ),
            (NonceScheme::Tls13 { iv: [5; 12] }, AeadAlgorithm::Aes256Gcm),
        ]
    }

    fn split(record: &[u8]) -> ([u8; 5], Vec<u8>) {
        let header: [u8; 5] = record[..5].try_into().unwrap();
        (header, record[5..].to_vec())
    }

    #[test]
    fn seal_then_open_round_trips_in_every_scheme() {
        for (scheme, alg) in schemes() {
            let (mut tx, mut rx) = pair(scheme, alg);
            for len in [0usize, 1, 100, MAX_FRAGMENT_LEN] {
                let msg = vec![0xA5u8; len];
                let mut out = Vec::new();
                tx.seal_record(23, [3, 3], &msg, &mut out).unwrap();
                assert_eq!(out.len(), HEADER_LEN + len + tx.overhead());
                let (header, mut payload) = split(&out);
                assert_eq!(
                    u16::from_be_bytes([header[3], header[4]]) as usize,
                    payload.len()
                );
                let (ty, range) = rx.open_record(header, &mut payload).unwrap();
                assert_eq!(ty, 23);
                assert_eq!(&payload[range], &msg[..]);
            }
        }
    }

    #[test]
    fn a_record_that_fails_does_not_consume_a_sequence_number() {
        // What lets a TLS 1.3 server skip declined 0-RTT records (RFC 8446 §4.2.10).
        let (mut tx, mut rx) = pair(NonceScheme::Tls13 { iv: [3; 12] }, AeadAlgorithm::Aes128Gcm);
        let mut good = Vec::new();
        tx.seal_record(23, [3, 3], b"real", &mut good).unwrap();
        let (h, mut junk) = split(&good);
        junk[0] ^= 0xff;
        assert_eq!(rx.open_record(h, &mut junk), Err(RecordError::BadRecordMac));
        let (h, mut p) = split(&good);
        let (_, range) = rx.open_record(h, &mut p).unwrap();
        assert_eq!(&p[range], b"real");
        assert_eq!(rx.sequence(), 1);
    }

    #[test]
    fn tls13_hides_the_content_type() {
        let (mut tx, mut rx) = pair(NonceScheme::Tls13 { iv: [1; 12] }, AeadAlgorithm::Aes128Gcm);
        let mut out = Vec::new();
        tx.seal_record(22, [3, 3], b"handshake", &mut out).unwrap();
        assert_eq!(out[0], 23, "outer type is application_data");
        let (header, mut payload) = split(&out);
        assert_eq!(rx.open_record(header, &mut payload).unwrap().0, 22);
    }

    #[test]
    fn tampering_replay_and_reordering_fail() {
        for (scheme, alg) in schemes() {
            let (mut tx, mut rx) = pair(scheme, alg);
            let mut a = Vec::new();
            let mut b = Vec::new();
            tx.seal_record(23, [3, 3], b"first", &mut a).unwrap();
            tx.seal_record(23, [3, 3], b"second", &mut b).unwrap();
            // Flip one ciphertext bit.
            let (h, mut p) = split(&a);
            let last = p.len() - 1;
            p[last] ^= 1;
            assert_eq!(rx.open_record(h, &mut p), Err(RecordError::BadRecordMac));
            // A fresh receiver given the second record first: sequence mismatch.
            let (_, mut rx2) = pair(scheme, alg);
            let (h, mut p) = split(&b);
            // (For TLS 1.2 GCM the explicit nonce travels, but the AAD's sequence number
            // still binds the record to its position.)
            assert_eq!(rx2.open_record(h, &mut p), Err(RecordError::BadRecordMac));
            // Header tampering (type) fails too.
            let (mut h, mut p) = split(&a);
            h[0] = 22;
            let (_, mut rx3) = pair(scheme, alg);
            assert_eq!(rx3.open_record(h, &mut p), Err(RecordError::BadRecordMac));
        }
    }

    #[test]
    fn short_and_oversize_records_are_rejected() {
        for (scheme, alg) in schemes() {
            let (mut tx, mut rx) = pair(scheme, alg);
            assert_eq!(
                tx.seal_record(23, [3, 3], &vec![0; MAX_FRAGMENT_LEN + 1], &mut Vec::new()),
                Err(RecordError::Overflow)
            );
            let mut tiny = vec![0u8; 3];
            assert_eq!(
                rx.open_record([23, 3, 3, 0, 3], &mut tiny),
                Err(RecordError::BadRecordMac)
            );
            let mut huge = vec![0u8; MAX_FRAGMENT_LEN + 2049];
            assert_eq!(
                rx.open_record([23, 3, 3, 0, 0], &mut huge),
                Err(RecordError::Overflow)
            );
        }
    }

    #[test]
    fn tls13_all_zero_inner_plaintext_has_no_type() {
        let (mut tx, mut rx) = pair(NonceScheme::Tls13 { iv: [1; 12] }, AeadAlgorithm::Aes128Gcm);
        // Seal "content type 0" which is what an all-padding record looks like.
        let mut out = Vec::new();
        tx.seal_record(0, [3, 3], &[0, 0, 0], &mut out).unwrap();
        let (h, mut p) = split(&out);
        assert_eq!(rx.open_record(h, &mut p), Err(RecordError::NoContentType));
    }
    /// A record buffer for `plaintext` laid out for in-place sealing; the bytes around the
    /// plaintext are garbage that sealing must overwrite.
    fn in_place_buffer(cipher: &RecordCipher, plaintext: &[u8], padding: usize) -> Vec<u8> {
        let mut record = vec![0xEEu8; cipher.record_len(plaintext.len()) + padding];
        let p = cipher.prefix_len();
        record[p..p + plaintext.len()].copy_from_slice(plaintext);
        record
    }

    #[test]
    fn in_place_seal_matches_seal_record_and_opens() {
        for (scheme, alg) in schemes() {
            let (mut a, mut rx) = pair(scheme, alg);
            let (mut b, _) = pair(scheme, alg);
            for len in [0usize, 1, 17, 100, MAX_FRAGMENT_LEN] {
                let msg: Vec<u8> = (0..len).map(|i| i as u8).collect();
                let mut appended = Vec::new();
                a.seal_record(23, [3, 3], &msg, &mut appended).unwrap();
                let mut record = in_place_buffer(&b, &msg, 0);
                b.seal_in_place(23, [3, 3], &mut record).unwrap();
                assert_eq!(record, appended, "{scheme:?} len {len}");
                assert_eq!(record.len(), HEADER_LEN + len + b.overhead());
                assert_eq!(a.sequence(), b.sequence());
                let (header, mut payload) = split(&record);
                let (ty, range) = rx.open_record(header, &mut payload).unwrap();
                assert_eq!(ty, 23);
                assert_eq!(&payload[range], &msg[..]);
            }
        }
    }

    #[test]
    fn in_place_seal_writes_header_and_tls12_explicit_nonce() {
        let scheme = NonceScheme::Tls12Explicit { salt: [1, 2, 3, 4] };
        let (mut tx, _) = pair(scheme, AeadAlgorithm::Aes128Gcm);
        for seq in 0u64..3 {
            let mut record = in_place_buffer(&tx, b"abc", 0);
            tx.seal_in_place(22, [3, 3], &mut record).unwrap();
            // RFC 5246 §6.2.1 header; RFC 5288 §3: the explicit nonce is the sequence number.
            assert_eq!(&record[..HEADER_LEN], &[22, 3, 3, 0, 8 + 3 + 16]);
            assert_eq!(&record[HEADER_LEN..HEADER_LEN + 8], &seq.to_be_bytes());
        }
        assert_eq!(tx.prefix_len(), HEADER_LEN + EXPLICIT_NONCE_LEN);
        assert_eq!(tx.suffix_len(), TAG_LEN);
    }

    #[test]
    fn in_place_tls13_inner_type_and_padding() {
        let scheme = NonceScheme::Tls13 { iv: [2; 12] };
        let (mut tx, mut rx) = pair(scheme, AeadAlgorithm::ChaCha20Poly1305);
        for padding in [0usize, 1, 200] {
            let mut record = in_place_buffer(&tx, b"finished", padding);
            tx.seal_in_place_padded(22, [3, 3], &mut record, padding)
                .unwrap();
            assert_eq!(record[0], 23, "outer type is application_data");
            let body_len = 8 + 1 + padding + TAG_LEN;
            assert_eq!(&record[1..HEADER_LEN], &[3, 3, 0, body_len as u8]);
            let (header, mut payload) = split(&record);
            let (ty, range) = rx.open_record(header, &mut payload).unwrap();
            assert_eq!((ty, &payload[range]), (22, &b"finished"[..]));
        }
        // TLSInnerPlaintext over 2^14 + 1 bytes is refused (RFC 8446 §5.4).
        let seq = tx.sequence();
        let mut record = in_place_buffer(&tx, &[1; MAX_FRAGMENT_LEN], 1);
        assert_eq!(
            tx.seal_in_place_padded(23, [3, 3], &mut record, 1),
            Err(RecordError::Overflow)
        );
        assert_eq!(tx.sequence(), seq);
        // A full fragment with padding that still fits.
        let mut record = in_place_buffer(&tx, &[1; MAX_FRAGMENT_LEN - 5], 5);
        tx.seal_in_place_padded(23, [3, 3], &mut record, 5).unwrap();
        let (header, mut payload) = split(&record);
        let (_, range) = rx.open_record(header, &mut payload).unwrap();
        assert_eq!(range.len(), MAX_FRAGMENT_LEN - 5);
    }

    #[test]
    fn in_place_refuses_tls12_padding_and_short_buffers_without_consuming_sequence() {
        for (scheme, alg) in schemes() {
            let (mut tx, _) = pair(scheme, alg);
            let fixed = tx.prefix_len() + tx.suffix_len();
            let mut short = vec![0u8; fixed - 1];
            assert!(tx.seal_in_place(23, [3, 3], &mut short).is_err());
            let mut oversize = vec![0u8; fixed + MAX_FRAGMENT_LEN + 1];
            assert_eq!(
                tx.seal_in_place(23, [3, 3], &mut oversize),
                Err(RecordError::Overflow)
            );
            if !matches!(scheme, NonceScheme::Tls13 { .. }) {
                let mut padded = vec![0u8; fixed + 4];
                assert!(tx.seal_in_place_padded(23, [3, 3], &mut padded, 2).is_err());
            }
            assert_eq!(tx.sequence(), 0, "{scheme:?}: failures consume nothing");
            let mut exact = vec![0u8; fixed + MAX_FRAGMENT_LEN];
            tx.seal_in_place(23, [3, 3], &mut exact).unwrap();
            assert_eq!(tx.sequence(), 1);
        }
    }

    #[test]
    fn in_place_wrong_tag_is_bad_record_mac_and_keeps_the_sequence() {
        for (scheme, alg) in schemes() {
            let (mut tx, mut rx) = pair(scheme, alg);
            let mut record = in_place_buffer(&tx, &[9; 1000], 0);
            tx.seal_in_place(23, [3, 3], &mut record).unwrap();
            let (header, mut bad) = split(&record);
            let bad_last = bad.len() - 1;
            bad[bad_last] ^= 0x80;
            assert_eq!(
                rx.open_record(header, &mut bad),
                Err(RecordError::BadRecordMac)
            );
            assert_eq!(rx.sequence(), 0);
            let (header, mut good) = split(&record);
            let (_, range) = rx.open_record(header, &mut good).unwrap();
            assert_eq!(&good[range], &[9; 1000][..]);
            assert_eq!(rx.sequence(), 1);
        }
    }
}
