//! TLS 1.3 exporters (RFC 8446 §7.5).

use super::traffic::{log_secret, secret_of_hash_len};
use super::Kdf;
use crate::keylog::{KeyLog, KeyLogLabel, CLIENT_RANDOM_LEN};
use crate::KeyScheduleError;
use std::fmt;
use tlskit_crypto::Secret;

/// `exporter_master_secret` or `early_exporter_master_secret`. Zeroized on drop;
/// `Debug` redacts.
#[derive(Clone)]
pub struct ExporterMasterSecret {
    kdf: Kdf,
    secret: Secret,
    early: bool,
}

impl ExporterMasterSecret {
    pub(super) fn new(kdf: Kdf, secret: Secret, early: bool) -> Self {
        ExporterMasterSecret { kdf, secret, early }
    }

    /// An exporter master secret obtained outside this schedule (from a key log, or a
    /// connection handed over); `secret` must be `Hash.length` bytes.
    pub fn from_bytes(kdf: Kdf, secret: &[u8], early: bool) -> Result<Self, KeyScheduleError> {
        Ok(ExporterMasterSecret {
            kdf,
            secret: secret_of_hash_len(&kdf, secret)?,
            early,
        })
    }

    /// Whether this is the early (0-RTT) exporter secret.
    pub fn is_early(&self) -> bool {
        self.early
    }

    /// RFC 8446 §7.5: fills `out` with
    ///
    /// ```text
    /// TLS-Exporter(label, context_value, key_length) =
    ///     HKDF-Expand-Label(Derive-Secret(Secret, label, ""),
    ///                       "exporter", Hash(context_value), key_length)
    /// ```
    ///
    /// In TLS 1.3 an absent context and an empty one are the same.
    pub fn export(
        &self,
        label: &[u8],
        context: &[u8],
        out: &mut [u8],
    ) -> Result<(), KeyScheduleError> {
        let kdf = &self.kdf;
        let per_label =
            kdf.derive_secret(self.secret.as_bytes(), label, kdf.empty_transcript_hash())?;
        let context_hash = kdf.hash().hash(context);
        kdf.expand_label_into(
            per_label.as_bytes(),
            b"exporter",
            context_hash.as_bytes(),
            out,
        )
    }

    /// The secret bytes. Handle with care.
    pub fn as_bytes(&self) -> &[u8] {
        self.secret.as_bytes()
    }

    /// Writes the `EXPORTER_SECRET` (or `EARLY_EXPORTER_SECRET`) key log line.
    pub fn log(&self, key_log: &dyn KeyLog, client_random: &[u8; CLIENT_RANDOM_LEN]) {
        let label = if self.early {
            KeyLogLabel::EarlyExporterSecret
        } else {
            KeyLogLabel::ExporterSecret
        };
        log_secret(key_log, label, client_random, self.as_bytes());
    }
}

impl fmt::Debug for ExporterMasterSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExporterMasterSecret")
            .field("early", &self.early)
            .field("secret", &self.secret)
            .finish()
    }
}
