//! TLS 1.3 resumption: the PSK a NewSessionTicket carries (RFC 8446 §4.6.1).

use super::Kdf;
use crate::KeyScheduleError;
use std::fmt;
use tlskit_crypto::Secret;

/// `resumption_master_secret`. Zeroized on drop; `Debug` redacts.
#[derive(Clone)]
pub struct ResumptionMasterSecret {
    kdf: Kdf,
    secret: Secret,
}

impl ResumptionMasterSecret {
    pub(super) fn new(kdf: Kdf, secret: Secret) -> Self {
        ResumptionMasterSecret { kdf, secret }
    }

    /// The KDF of the schedule it came from (a resumed session uses the same hash).
    pub fn kdf(&self) -> &Kdf {
        &self.kdf
    }

    /// RFC 8446 §4.6.1: the PSK of the ticket with `ticket_nonce`:
    /// `HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce,
    /// Hash.length)`.
    pub fn ticket_psk(&self, ticket_nonce: &[u8]) -> Result<Secret, KeyScheduleError> {
        self.kdf.expand_label(
            self.secret.as_bytes(),
            b"resumption",
            ticket_nonce,
            self.kdf.hash_len(),
        )
    }

    /// The secret bytes. Handle with care.
    pub fn as_bytes(&self) -> &[u8] {
        self.secret.as_bytes()
    }
}

impl fmt::Debug for ResumptionMasterSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResumptionMasterSecret")
            .field("kdf", &self.kdf)
            .field("secret", &self.secret)
            .finish()
    }
}
