//! HKDF-Expand-Label and Derive-Secret (RFC 8446 §7.1) over a provider's HKDF.

use crate::KeyScheduleError;
use std::fmt;
use tlskit_crypto::hkdf::hkdf_expand_with;
use tlskit_crypto::{
    hkdf::hkdf_extract_with, CryptoProvider, Digest, Hash, HashAlgorithm, Hkdf, Hmac, Secret,
};

/// The prefix every TLS 1.3 HKDF label carries.
pub const LABEL_PREFIX: &[u8] = b"tls13 ";
/// The longest label without its prefix: `opaque label<7..255>` holds `"tls13 "` + label.
pub const MAX_LABEL_LEN: usize = 255 - LABEL_PREFIX.len();
/// The longest `HkdfLabel.context` (`opaque context<0..255>`).
pub const MAX_CONTEXT_LEN: usize = 255;

/// The TLS 1.3 key derivation functions over one hash: HKDF-Extract, HKDF-Expand-Label
/// and Derive-Secret. Cheap to copy (it holds `&'static` provider objects and the
/// empty-transcript hash).
#[derive(Clone, Copy)]
pub struct Kdf {
    hash: &'static dyn Hash,
    hmac: &'static dyn Hmac,
    hkdf: Option<&'static dyn Hkdf>,
    empty_hash: Digest,
}

impl Kdf {
    /// The KDF over the provider's `algorithm`: its native HKDF when it has one, else
    /// HKDF built from its HMAC (RFC 5869).
    pub fn new(
        provider: &dyn CryptoProvider,
        algorithm: HashAlgorithm,
    ) -> Result<Self, KeyScheduleError> {
        let unsupported = KeyScheduleError::UnsupportedHash(algorithm);
        let hash = provider.hash(algorithm).ok_or(unsupported)?;
        let hmac = provider.hmac(algorithm).ok_or(unsupported)?;
        Ok(Kdf {
            hash,
            hmac,
            hkdf: provider.hkdf(algorithm),
            empty_hash: hash.hash(&[]),
        })
    }

    /// The suite's hash.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.hash.algorithm()
    }

    /// `Hash.length`.
    pub fn hash_len(&self) -> usize {
        self.algorithm().output_len()
    }

    /// The provider's hash function (for a [`crate::TranscriptHash`]).
    pub fn hash(&self) -> &'static dyn Hash {
        self.hash
    }

    /// `Transcript-Hash("")`, the context of Derive-Secret over no messages.
    pub fn empty_transcript_hash(&self) -> &Digest {
        &self.empty_hash
    }

    /// HKDF-Extract(salt, IKM) (RFC 5869 §2.2); an empty salt means `Hash.length` zeros.
    pub fn extract(&self, salt: &[u8], ikm: &[u8]) -> Result<Secret, KeyScheduleError> {
        Ok(match self.hkdf {
            Some(hkdf) => hkdf.extract(salt, ikm)?,
            None => hkdf_extract_with(self.hmac, salt, ikm)?,
        })
    }

    /// RFC 8446 §7.1: fills `out` with
    /// `HKDF-Expand(Secret, HkdfLabel { length: out.len(), "tls13 " + label, context })`.
    pub fn expand_label_into(
        &self,
        secret: &[u8],
        label: &[u8],
        context: &[u8],
        out: &mut [u8],
    ) -> Result<(), KeyScheduleError> {
        if out.len() > 255 * self.hash_len() {
            return Err(KeyScheduleError::OutputTooLong);
        }
        let header = HkdfLabelHeader::new(out.len(), label, context)?;
        let info = header.info(label, context);
        match self.hkdf {
            Some(hkdf) => hkdf.expand(secret, &info, out)?,
            None => hkdf_expand_with(self.hmac, secret, &info, out)?,
        }
        Ok(())
    }

    /// HKDF-Expand-Label into a new [`Secret`] of `len` bytes (at most 64).
    pub fn expand_label(
        &self,
        secret: &[u8],
        label: &[u8],
        context: &[u8],
        len: usize,
    ) -> Result<Secret, KeyScheduleError> {
        if len > tlskit_crypto::secret::MAX_SECRET_LEN {
            return Err(KeyScheduleError::OutputTooLong);
        }
        let mut out = Secret::zeroes(len);
        self.expand_label_into(secret, label, context, out.as_mut_bytes())?;
        Ok(out)
    }

    /// RFC 8446 §7.1: `Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret,
    /// Label, Transcript-Hash(Messages), Hash.length)`, given the transcript hash.
    pub fn derive_secret(
        &self,
        secret: &[u8],
        label: &[u8],
        transcript_hash: &Digest,
    ) -> Result<Secret, KeyScheduleError> {
        self.check_hash(transcript_hash)?;
        self.expand_label(secret, label, transcript_hash.as_bytes(), self.hash_len())
    }

    /// HMAC with the suite's hash (Finished and binders, RFC 8446 §4.4.4).
    pub fn hmac(&self, key: &[u8], data: &[u8]) -> Result<Digest, KeyScheduleError> {
        Ok(self.hmac.mac(key, &[data])?)
    }

    /// Fails unless `hash` has this KDF's `Hash.length`.
    pub fn check_hash(&self, hash: &Digest) -> Result<(), KeyScheduleError> {
        let expected = self.hash_len();
        let got = hash.as_bytes().len();
        if got == expected {
            Ok(())
        } else {
            Err(KeyScheduleError::HashLengthMismatch { expected, got })
        }
    }
}

/// The fixed-size fields of `HkdfLabel` (RFC 8446 §7.1):
///
/// ```text
/// struct {
///     uint16 length = Length;
///     opaque label<7..255> = "tls13 " + Label;
///     opaque context<0..255> = Context;
/// } HkdfLabel;
/// ```
struct HkdfLabelHeader {
    length: [u8; 2],
    label_len: [u8; 1],
    context_len: [u8; 1],
}

impl HkdfLabelHeader {
    fn new(out_len: usize, label: &[u8], context: &[u8]) -> Result<Self, KeyScheduleError> {
        let length = u16::try_from(out_len).map_err(|_| KeyScheduleError::OutputTooLong)?;
        if label.is_empty() || label.len() > MAX_LABEL_LEN {
            return Err(KeyScheduleError::InvalidLabelLength);
        }
        let label_len = u8::try_from(LABEL_PREFIX.len() + label.len())
            .map_err(|_| KeyScheduleError::InvalidLabelLength)?;
        let context_len =
            u8::try_from(context.len()).map_err(|_| KeyScheduleError::ContextTooLong)?;
        Ok(HkdfLabelHeader {
            length: length.to_be_bytes(),
            label_len: [label_len],
            context_len: [context_len],
        })
    }

    /// The encoded `HkdfLabel`, as the slices HKDF-Expand concatenates for `info`.
    fn info<'a>(&'a self, label: &'a [u8], context: &'a [u8]) -> [&'a [u8]; 6] {
        [
            &self.length,
            &self.label_len,
            LABEL_PREFIX,
            label,
            &self.context_len,
            context,
        ]
    }
}

/// The encoded `HkdfLabel` for `(Length, Label, Context)` (RFC 8446 §7.1), the `info`
/// HKDF-Expand-Label passes to HKDF-Expand. For checking against published traces.
pub fn hkdf_label(
    length: usize,
    label: &[u8],
    context: &[u8],
) -> Result<Vec<u8>, KeyScheduleError> {
    let header = HkdfLabelHeader::new(length, label, context)?;
    Ok(header.info(label, context).concat())
}

impl fmt::Debug for Kdf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("tls13::Kdf")
            .field("algorithm", &self.algorithm())
            .field("native_hkdf", &self.hkdf.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
        digits
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
            .collect()
    }

    #[test]
    fn hkdf_label_matches_rfc8448_info_fields() {
        // RFC 8448 §3, "derive write traffic keys for handshake data": key info, iv info.
        assert_eq!(
            hkdf_label(16, b"key", b"").unwrap(),
            unhex("00 10 09 74 6c 73 31 33 20 6b 65 79 00")
        );
        assert_eq!(
            hkdf_label(12, b"iv", b"").unwrap(),
            unhex("00 0c 08 74 6c 73 31 33 20 69 76 00")
        );
        // "calculate finished": finished key info.
        assert_eq!(
            hkdf_label(32, b"finished", b"").unwrap(),
            unhex("00 20 0e 74 6c 73 31 33 20 66 69 6e 69 73 68 65 64 00")
        );
        // "tls13 resumption" with ticket nonce 00 00.
        assert_eq!(
            hkdf_label(32, b"resumption", &[0, 0]).unwrap(),
            unhex("00 20 10 74 6c 73 31 33 20 72 65 73 75 6d 70 74 69 6f 6e 02 00 00")
        );
        // "derived" with Hash("") for SHA-256.
        let empty_sha256 =
            unhex("e3 b0 c4 42 98 fc 1c 14 9a fb f4 c8 99 6f b9 24 27 ae 41 e4 64 9b 93 4c a4 95 99 1b 78 52 b8 55");
        let mut expected = unhex("00 20 0d 74 6c 73 31 33 20 64 65 72 69 76 65 64 20");
        expected.extend_from_slice(&empty_sha256);
        assert_eq!(hkdf_label(32, b"derived", &empty_sha256).unwrap(), expected);
    }

    #[test]
    fn hkdf_label_bounds() {
        assert_eq!(
            hkdf_label(32, b"", b""),
            Err(KeyScheduleError::InvalidLabelLength)
        );
        assert!(hkdf_label(32, &[b'a'; MAX_LABEL_LEN], b"").is_ok());
        assert_eq!(
            hkdf_label(32, &[b'a'; MAX_LABEL_LEN + 1], b""),
            Err(KeyScheduleError::InvalidLabelLength)
        );
        assert!(hkdf_label(32, b"x", &[0; MAX_CONTEXT_LEN]).is_ok());
        assert_eq!(
            hkdf_label(32, b"x", &[0; MAX_CONTEXT_LEN + 1]),
            Err(KeyScheduleError::ContextTooLong)
        );
        assert_eq!(
            hkdf_label(65536, b"x", b""),
            Err(KeyScheduleError::OutputTooLong)
        );
        let max = hkdf_label(65535, b"x", b"").unwrap();
        assert_eq!(&max[..2], &[0xff, 0xff]);
    }
}
