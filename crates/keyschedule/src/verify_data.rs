//! Finished `verify_data` and PSK binders, compared in constant time.

use crate::KeyScheduleError;
use std::fmt;
use tlskit_crypto::secret::constant_time_eq;
use tlskit_crypto::Digest;

/// The contents of a Finished message (12 bytes in TLS 1.2, `Hash.length` in TLS 1.3) or
/// a PSK binder. Equality with what a peer sent is checked in constant time.
#[derive(Clone, Copy)]
pub struct VerifyData(Digest);

impl VerifyData {
    pub(crate) fn new(bytes: &[u8]) -> Self {
        VerifyData(Digest::new(bytes))
    }

    /// The bytes to send.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Constant-time comparison with `received` (lengths are public).
    pub fn matches(&self, received: &[u8]) -> bool {
        constant_time_eq(self.as_bytes(), received)
    }

    /// `Ok` when `received` matches, else [`KeyScheduleError::FinishedMismatch`].
    pub fn check_finished(&self, received: &[u8]) -> Result<(), KeyScheduleError> {
        if self.matches(received) {
            Ok(())
        } else {
            Err(KeyScheduleError::FinishedMismatch)
        }
    }
}

impl AsRef<[u8]> for VerifyData {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

/// Not a secret once sent, but only ever compared in constant time: `PartialEq` is
/// deliberately not derived, use [`VerifyData::matches`].
impl fmt::Debug for VerifyData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyData({} bytes)", self.as_bytes().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_only_identical_bytes() {
        let v = VerifyData::new(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        assert!(v.matches(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
        assert!(!v.matches(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13]));
        assert!(!v.matches(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
        assert!(!v.matches(&[]));
        assert_eq!(
            v.check_finished(&[0; 12]),
            Err(KeyScheduleError::FinishedMismatch)
        );
        assert_eq!(format!("{v:?}"), "VerifyData(12 bytes)");
    }
}
