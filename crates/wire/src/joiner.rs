//! The handshake joiner: reassembles handshake messages from record payloads, whether one
//! message spans several records or one record carries several messages (RFC 8446 §5.1,
//! RFC 5246 §6.2.1). Each message comes out with its exact encoded bytes, which is what
//! the transcript hash takes.

use crate::alert::AlertDescription;
use crate::enums::HandshakeType;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::handshake::{HandshakeMessage, TlsVersion, HANDSHAKE_HEADER_LEN};

/// Default per-message limit: 64 KiB covers any sane certificate chain.
pub const DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN: usize = 0x1_0000;

/// One complete handshake message as it came: for the transcript and for decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawHandshake<'a> {
    /// msg_type
    pub typ: HandshakeType,
    /// the body (after the 4-byte header)
    pub body: &'a [u8],
    /// header and body: the exact bytes for the transcript hash
    pub encoded: &'a [u8],
}

impl<'a> RawHandshake<'a> {
    /// Decodes the message for `version`.
    pub fn decode(&self, version: TlsVersion) -> Result<HandshakeMessage<'a>, DecodeError> {
        HandshakeMessage::decode_body(self.typ, self.body, version)
    }
}

/// Reassembles handshake messages.
///
/// Push each handshake record's (decrypted) payload with [`HandshakeJoiner::push`], then
/// take messages with [`HandshakeJoiner::pop`] until it yields `None`. A message whose
/// header announces more than the limit fails at once, before its body is buffered.
#[derive(Debug)]
pub struct HandshakeJoiner {
    buf: Vec<u8>,
    start: usize,
    max_message_len: usize,
    failed: Option<DecodeError>,
}

impl Default for HandshakeJoiner {
    fn default() -> Self {
        Self::new()
    }
}

impl HandshakeJoiner {
    /// A joiner with [`DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN`].
    pub fn new() -> Self {
        Self::with_max_message_len(DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN)
    }

    /// A joiner refusing message bodies longer than `max` bytes.
    pub fn with_max_message_len(max: usize) -> Self {
        HandshakeJoiner {
            buf: Vec::new(),
            start: 0,
            max_message_len: max,
            failed: None,
        }
    }

    /// Whether nothing is buffered. TLS 1.3 requires this at every key change: a message
    /// must not span a key change (RFC 8446 §5.1).
    pub fn is_empty(&self) -> bool {
        self.start >= self.buf.len()
    }

    /// `unexpected_message` if bytes of an unfinished message are buffered: call before
    /// changing keys (RFC 8446 §5.1) and when a non-handshake record interrupts a message.
    pub fn check_aligned(&self) -> Result<(), DecodeError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::unexpected(
                "handshake message spans a record boundary",
            ))
        }
    }

    /// Adds one handshake record's payload. An empty payload is `unexpected_message`
    /// (RFC 8446 §5.1: handshake records are never empty).
    pub fn push(&mut self, fragment: &[u8]) -> Result<(), DecodeError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        if fragment.is_empty() {
            return Err(self.fail(DecodeError::unexpected("empty handshake record")));
        }
        if self.start > 0 {
            self.buf.drain(..self.start.min(self.buf.len()));
            self.start = 0;
        }
        self.buf.extend_from_slice(fragment);
        // Check every complete header now, so an oversized announcement fails before the
        // rest of its body is waited for.
        let mut pos = 0;
        while let Some(&[_, l0, l1, l2]) = self.buf.get(pos..pos + HANDSHAKE_HEADER_LEN) {
            let len = usize::from(l0) << 16 | usize::from(l1) << 8 | usize::from(l2);
            if len > self.max_message_len {
                return Err(self.fail(DecodeError::new(
                    DecodeErrorKind::TooLarge,
                    AlertDescription::IllegalParameter,
                    "Handshake.length",
                )));
            }
            pos += HANDSHAKE_HEADER_LEN + len;
        }
        Ok(())
    }

    fn fail(&mut self, e: DecodeError) -> DecodeError {
        self.failed = Some(e);
        e
    }

    /// The next complete message, if one is buffered.
    pub fn pop(&mut self) -> Result<Option<RawHandshake<'_>>, DecodeError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let avail = self.buf.get(self.start..).unwrap_or(&[]);
        let Some(&[typ, l0, l1, l2]) = avail.get(..HANDSHAKE_HEADER_LEN) else {
            return Ok(None);
        };
        let len = usize::from(l0) << 16 | usize::from(l1) << 8 | usize::from(l2);
        let total = HANDSHAKE_HEADER_LEN + len;
        let Some(encoded) = avail.get(..total) else {
            return Ok(None);
        };
        self.start += total;
        Ok(Some(RawHandshake {
            typ: HandshakeType(typ),
            body: encoded.get(HANDSHAKE_HEADER_LEN..).unwrap_or(&[]),
            encoded,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msgs() -> Vec<u8> {
        let mut out = Vec::new();
        HandshakeMessage::Finished(&[1; 12])
            .encode(&mut out)
            .unwrap();
        HandshakeMessage::ServerHelloDone.encode(&mut out).unwrap();
        HandshakeMessage::Finished(&[2; 300])
            .encode(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn joins_across_records_and_splits_within() {
        let stream = msgs();
        for chunk in [1usize, 3, 4, 5, 17, 1000] {
            let mut j = HandshakeJoiner::new();
            let mut got = Vec::new();
            for piece in stream.chunks(chunk) {
                j.push(piece).unwrap();
                while let Some(m) = j.pop().unwrap() {
                    got.push((
                        m.typ,
                        m.encoded.to_vec(),
                        m.decode(TlsVersion::Tls12).unwrap().typ(),
                    ));
                }
            }
            assert!(j.is_empty());
            assert_eq!(got.len(), 3);
            assert_eq!(got[1].1, [14, 0, 0, 0]);
            let joined: Vec<u8> = got.iter().flat_map(|g| g.1.clone()).collect();
            assert_eq!(joined, stream);
        }
    }

    #[test]
    fn partial_message_is_not_aligned() {
        let stream = msgs();
        let mut j = HandshakeJoiner::new();
        j.push(&stream[..22]).unwrap();
        assert!(j.pop().unwrap().is_some());
        assert!(j.pop().unwrap().is_some());
        assert!(j.pop().unwrap().is_none());
        assert_eq!(
            j.check_aligned().unwrap_err().alert(),
            AlertDescription::UnexpectedMessage
        );
    }

    #[test]
    fn oversized_message_fails_on_header() {
        let mut j = HandshakeJoiner::with_max_message_len(100);
        let e = j.push(&[11, 0, 0, 101]).unwrap_err();
        assert_eq!(e.kind(), DecodeErrorKind::TooLarge);
        assert!(j.pop().is_err());
        let mut j = HandshakeJoiner::new();
        assert_eq!(
            j.push(&[]).unwrap_err().alert(),
            AlertDescription::UnexpectedMessage
        );
    }
}
