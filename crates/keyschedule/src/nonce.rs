//! Per-record AEAD nonces from a write IV and the record sequence number.
//!
//! TLS 1.3 (RFC 8446 §5.3) and TLS 1.2 ChaCha20-Poly1305 (RFC 7905 §2) XOR the 64-bit
//! sequence number, left-padded to 12 bytes, into a 12-byte IV; TLS 1.2 AES-GCM
//! (RFC 5288 §3) concatenates a 4-byte implicit salt and an 8-byte explicit nonce that
//! travels in the record.

use crate::KeyScheduleError;
use std::fmt;
use tlskit_crypto::NONCE_LEN;
use zeroize::Zeroize;

/// A 12-byte write IV. Zeroized on drop; `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Iv([u8; NONCE_LEN]);

impl Iv {
    /// Wraps 12 IV bytes.
    pub fn new(bytes: [u8; NONCE_LEN]) -> Self {
        Iv(bytes)
    }

    /// Copies an IV from a slice of exactly 12 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, KeyScheduleError> {
        let array: [u8; NONCE_LEN] =
            bytes
                .try_into()
                .map_err(|_| KeyScheduleError::SecretLengthMismatch {
                    expected: NONCE_LEN,
                    got: bytes.len(),
                })?;
        Ok(Iv(array))
    }

    /// The IV bytes.
    pub fn as_bytes(&self) -> &[u8; NONCE_LEN] {
        &self.0
    }

    /// RFC 8446 §5.3 / RFC 7905 §2: the sequence number in network byte order,
    /// left-padded with zeros to 12 bytes, XORed with the IV.
    pub fn nonce_for(&self, sequence_number: u64) -> [u8; NONCE_LEN] {
        let mut nonce = self.0;
        let seq = sequence_number.to_be_bytes();
        for (n, s) in nonce[NONCE_LEN - 8..].iter_mut().zip(seq) {
            *n ^= s;
        }
        nonce
    }
}

impl Drop for Iv {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Iv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Iv(redacted)")
    }
}

/// Length of the TLS 1.2 AES-GCM implicit salt (`fixed_iv_length`, RFC 5288 §3).
pub const GCM_SALT_LEN: usize = 4;
/// Length of the TLS 1.2 AES-GCM explicit nonce carried in each record (RFC 5288 §3).
pub const GCM_EXPLICIT_NONCE_LEN: usize = 8;

/// The TLS 1.2 AES-GCM implicit part of the nonce (`client_write_IV` /
/// `server_write_IV`, 4 bytes; RFC 5288 §3). Zeroized on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct GcmSalt([u8; GCM_SALT_LEN]);

impl GcmSalt {
    /// Wraps 4 salt bytes.
    pub fn new(bytes: [u8; GCM_SALT_LEN]) -> Self {
        GcmSalt(bytes)
    }

    /// The salt bytes.
    pub fn as_bytes(&self) -> &[u8; GCM_SALT_LEN] {
        &self.0
    }

    /// `salt || explicit_nonce` (RFC 5288 §3, `GCMNonce`).
    pub fn nonce_with(&self, explicit: &[u8; GCM_EXPLICIT_NONCE_LEN]) -> [u8; NONCE_LEN] {
        let mut nonce = [0u8; NONCE_LEN];
        let (salt, rest) = nonce.split_at_mut(GCM_SALT_LEN);
        salt.copy_from_slice(&self.0);
        rest.copy_from_slice(explicit);
        nonce
    }
}

impl Drop for GcmSalt {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for GcmSalt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GcmSalt(redacted)")
    }
}

/// The write IV of one direction of a TLS 1.2 AEAD connection.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Tls12Iv {
    /// AES-GCM: a 4-byte salt plus an 8-byte explicit nonce per record (RFC 5288 §3).
    Gcm(GcmSalt),
    /// ChaCha20-Poly1305: a 12-byte IV XORed with the sequence number (RFC 7905 §2).
    Xor(Iv),
}

impl Tls12Iv {
    /// Bytes of explicit nonce each record carries before its ciphertext: 8 for
    /// AES-GCM, 0 for ChaCha20-Poly1305.
    pub const fn explicit_nonce_len(&self) -> usize {
        match self {
            Tls12Iv::Gcm(_) => GCM_EXPLICIT_NONCE_LEN,
            Tls12Iv::Xor(_) => 0,
        }
    }

    /// The explicit nonce to send with record `sequence_number`: the sequence number
    /// itself for AES-GCM (unique per key, as RFC 5288 §3 requires, and what OpenSSL,
    /// BoringSSL and NSS send), `None` for ChaCha20-Poly1305.
    pub fn explicit_nonce(&self, sequence_number: u64) -> Option<[u8; GCM_EXPLICIT_NONCE_LEN]> {
        match self {
            Tls12Iv::Gcm(_) => Some(sequence_number.to_be_bytes()),
            Tls12Iv::Xor(_) => None,
        }
    }

    /// The nonce that seals record `sequence_number` (with
    /// [`Tls12Iv::explicit_nonce`] as the explicit part for AES-GCM).
    pub fn seal_nonce(&self, sequence_number: u64) -> [u8; NONCE_LEN] {
        match self {
            Tls12Iv::Gcm(salt) => salt.nonce_with(&sequence_number.to_be_bytes()),
            Tls12Iv::Xor(iv) => iv.nonce_for(sequence_number),
        }
    }

    /// The nonce that opens record `sequence_number` whose explicit nonce (the first
    /// [`Tls12Iv::explicit_nonce_len`] bytes of the record body) is `explicit`.
    pub fn open_nonce(
        &self,
        sequence_number: u64,
        explicit: &[u8],
    ) -> Result<[u8; NONCE_LEN], KeyScheduleError> {
        match self {
            Tls12Iv::Gcm(salt) => {
                let explicit: &[u8; GCM_EXPLICIT_NONCE_LEN] = explicit
                    .try_into()
                    .map_err(|_| KeyScheduleError::BadExplicitNonce)?;
                Ok(salt.nonce_with(explicit))
            }
            Tls12Iv::Xor(iv) if explicit.is_empty() => Ok(iv.nonce_for(sequence_number)),
            Tls12Iv::Xor(_) => Err(KeyScheduleError::BadExplicitNonce),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xor_nonce_pads_sequence_number_on_the_left() {
        let iv = Iv::new([
            0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
        ]);
        assert_eq!(iv.nonce_for(0), *iv.as_bytes());
        assert_eq!(
            iv.nonce_for(0x0102_0304_0506_0708),
            [0x10, 0x11, 0x12, 0x13, 0x15, 0x17, 0x15, 0x13, 0x1d, 0x1f, 0x1d, 0x13]
        );
        assert_eq!(
            iv.nonce_for(u64::MAX),
            [0x10, 0x11, 0x12, 0x13, 0xeb, 0xea, 0xe9, 0xe8, 0xe7, 0xe6, 0xe5, 0xe4]
        );
    }

    #[test]
    fn gcm_nonce_is_salt_then_explicit() {
        let iv = Tls12Iv::Gcm(GcmSalt::new([0xaa, 0xbb, 0xcc, 0xdd]));
        assert_eq!(iv.explicit_nonce_len(), 8);
        assert_eq!(iv.explicit_nonce(5), Some([0, 0, 0, 0, 0, 0, 0, 5]));
        let sealed = iv.seal_nonce(5);
        assert_eq!(sealed, [0xaa, 0xbb, 0xcc, 0xdd, 0, 0, 0, 0, 0, 0, 0, 5]);
        assert_eq!(iv.open_nonce(99, &[0, 0, 0, 0, 0, 0, 0, 5]), Ok(sealed));
        assert_eq!(
            iv.open_nonce(5, &[0; 7]),
            Err(KeyScheduleError::BadExplicitNonce)
        );
    }

    #[test]
    fn chacha_tls12_nonce_has_no_explicit_part() {
        let iv = Tls12Iv::Xor(Iv::new([0xff; 12]));
        assert_eq!(iv.explicit_nonce_len(), 0);
        assert_eq!(iv.explicit_nonce(1), None);
        let mut expected = [0xff; 12];
        expected[11] = 0xfe;
        assert_eq!(iv.seal_nonce(1), expected);
        assert_eq!(iv.open_nonce(1, &[]), Ok(expected));
        assert_eq!(
            iv.open_nonce(1, &[0; 8]),
            Err(KeyScheduleError::BadExplicitNonce)
        );
    }

    #[test]
    fn debug_hides_iv_bytes() {
        let shown = format!(
            "{:?} {:?}",
            Iv::new([0xab; 12]),
            Tls12Iv::Gcm(GcmSalt::new([0xcd; 4]))
        );
        assert!(!shown.contains("ab") && !shown.contains("cd") && !shown.contains("171"));
    }

    #[test]
    fn iv_from_slice_checks_length() {
        assert!(Iv::from_slice(&[0; 12]).is_ok());
        assert_eq!(
            Iv::from_slice(&[0; 11]),
            Err(KeyScheduleError::SecretLengthMismatch {
                expected: 12,
                got: 11
            })
        );
    }
}
