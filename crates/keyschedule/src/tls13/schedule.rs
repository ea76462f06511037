//! The TLS 1.3 key schedule as a chain of types (RFC 8446 §7.1):
//!
//! ```text
//!              0
//!              |
//!    PSK ->  HKDF-Extract = Early Secret ───────────── EarlySecret
//!              +-----> Derive-Secret(., "ext binder" | "res binder", "")   binder_key
//!              +-----> Derive-Secret(., "c e traffic", ClientHello)       client_early_traffic_secret
//!              +-----> Derive-Secret(., "e exp master", ClientHello)      early_exporter_master_secret
//!              v
//!        Derive-Secret(., "derived", "")
//!              |
//!  (EC)DHE -> HKDF-Extract = Handshake Secret ──────── HandshakeSecret
//!              +-----> Derive-Secret(., "c hs traffic", ClientHello...ServerHello)
//!              +-----> Derive-Secret(., "s hs traffic", ClientHello...ServerHello)
//!              v
//!        Derive-Secret(., "derived", "")
//!              |
//!     0 -> HKDF-Extract = Master Secret ────────────── MasterSecret
//!              +-----> Derive-Secret(., "c ap traffic", ClientHello...server Finished)
//!              +-----> Derive-Secret(., "s ap traffic", ClientHello...server Finished)
//!              +-----> Derive-Secret(., "exp master", ClientHello...server Finished)
//!              +-----> Derive-Secret(., "res master", ClientHello...client Finished)
//! ```
//!
//! Moving to the next stage consumes the previous one, so a secret of a finished stage
//! cannot be used by mistake; each stage offers only the derivations the RFC makes from
//! it. All secrets zeroize on drop and print only their length.

use super::exporter::ExporterMasterSecret;
use super::resumption::ResumptionMasterSecret;
use super::traffic::{
    ApplicationTrafficSecret, EarlyTrafficSecret, FinishedKey, HandshakeTrafficSecret,
};
use super::Kdf;
use crate::{KeyScheduleError, Side, VerifyData};
use std::fmt;
use tlskit_crypto::secret::MAX_SECRET_LEN;
use tlskit_crypto::{Digest, Secret};

/// Where a PSK came from, which picks the binder label (RFC 8446 §7.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PskKind {
    /// Provisioned outside TLS: `"ext binder"`.
    External,
    /// From a NewSessionTicket: `"res binder"`.
    Resumption,
}

/// `HKDF-Extract(salt, IKM)` with `Hash.length` zeros standing in for an absent IKM.
fn extract_or_zeros(
    kdf: &Kdf,
    salt: &[u8],
    ikm: Option<&[u8]>,
) -> Result<Secret, KeyScheduleError> {
    let zeros = [0u8; MAX_SECRET_LEN];
    let zeros = zeros
        .get(..kdf.hash_len())
        .ok_or(KeyScheduleError::OutputTooLong)?;
    kdf.extract(salt, ikm.unwrap_or(zeros))
}

/// `Derive-Secret(secret, "derived", "")`, the salt of the next stage.
fn derived(kdf: &Kdf, secret: &Secret) -> Result<Secret, KeyScheduleError> {
    kdf.derive_secret(secret.as_bytes(), b"derived", kdf.empty_transcript_hash())
}

/// The Early Secret: `HKDF-Extract(0, PSK)`, or over zeros without a PSK.
pub struct EarlySecret {
    kdf: Kdf,
    secret: Secret,
}

impl EarlySecret {
    /// RFC 8446 §7.1: the salt is `Hash.length` zeros; the IKM is the PSK, or
    /// `Hash.length` zeros when none is in use.
    pub fn new(kdf: Kdf, psk: Option<&[u8]>) -> Result<Self, KeyScheduleError> {
        let zeros = [0u8; MAX_SECRET_LEN];
        let salt = zeros
            .get(..kdf.hash_len())
            .ok_or(KeyScheduleError::OutputTooLong)?;
        let secret = extract_or_zeros(&kdf, salt, psk)?;
        Ok(EarlySecret { kdf, secret })
    }

    /// The KDF of this schedule.
    pub fn kdf(&self) -> &Kdf {
        &self.kdf
    }

    /// `binder_key = Derive-Secret(Early Secret, "ext binder" | "res binder", "")`.
    pub fn binder_key(&self, kind: PskKind) -> Result<BinderKey, KeyScheduleError> {
        let label: &[u8] = match kind {
            PskKind::External => b"ext binder",
            PskKind::Resumption => b"res binder",
        };
        let secret = self.kdf.derive_secret(
            self.secret.as_bytes(),
            label,
            self.kdf.empty_transcript_hash(),
        )?;
        Ok(BinderKey {
            kdf: self.kdf,
            secret,
        })
    }

    /// `client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic",
    /// ClientHello)`.
    pub fn client_early_traffic_secret(
        &self,
        client_hello_hash: &Digest,
    ) -> Result<EarlyTrafficSecret, KeyScheduleError> {
        let secret =
            self.kdf
                .derive_secret(self.secret.as_bytes(), b"c e traffic", client_hello_hash)?;
        Ok(EarlyTrafficSecret::new(self.kdf, secret))
    }

    /// `early_exporter_master_secret = Derive-Secret(Early Secret, "e exp master",
    /// ClientHello)`.
    pub fn early_exporter_master_secret(
        &self,
        client_hello_hash: &Digest,
    ) -> Result<ExporterMasterSecret, KeyScheduleError> {
        let secret =
            self.kdf
                .derive_secret(self.secret.as_bytes(), b"e exp master", client_hello_hash)?;
        Ok(ExporterMasterSecret::new(self.kdf, secret, true))
    }

    /// Next stage: `Handshake Secret = HKDF-Extract(Derive-Secret(., "derived", ""),
    /// (EC)DHE)`, with zeros for the IKM in `psk_ke` mode (no key exchange).
    pub fn into_handshake_secret(
        self,
        shared_secret: Option<&[u8]>,
    ) -> Result<HandshakeSecret, KeyScheduleError> {
        let salt = derived(&self.kdf, &self.secret)?;
        let secret = extract_or_zeros(&self.kdf, salt.as_bytes(), shared_secret)?;
        Ok(HandshakeSecret {
            kdf: self.kdf,
            secret,
        })
    }

    /// The secret bytes (to check against published traces). Handle with care.
    pub fn as_bytes(&self) -> &[u8] {
        self.secret.as_bytes()
    }
}

/// The Handshake Secret.
pub struct HandshakeSecret {
    kdf: Kdf,
    secret: Secret,
}

impl HandshakeSecret {
    /// The KDF of this schedule.
    pub fn kdf(&self) -> &Kdf {
        &self.kdf
    }

    /// `[sender]_handshake_traffic_secret = Derive-Secret(Handshake Secret,
    /// "c hs traffic" | "s hs traffic", ClientHello...ServerHello)`.
    pub fn handshake_traffic_secret(
        &self,
        side: Side,
        hello_hash: &Digest,
    ) -> Result<HandshakeTrafficSecret, KeyScheduleError> {
        let label: &[u8] = match side {
            Side::Client => b"c hs traffic",
            Side::Server => b"s hs traffic",
        };
        let secret = self
            .kdf
            .derive_secret(self.secret.as_bytes(), label, hello_hash)?;
        Ok(HandshakeTrafficSecret::new(side, self.kdf, secret))
    }

    /// Next stage: `Master Secret = HKDF-Extract(Derive-Secret(., "derived", ""), 0)`.
    pub fn into_master_secret(self) -> Result<MasterSecret, KeyScheduleError> {
        let salt = derived(&self.kdf, &self.secret)?;
        let secret = extract_or_zeros(&self.kdf, salt.as_bytes(), None)?;
        Ok(MasterSecret {
            kdf: self.kdf,
            secret,
        })
    }

    /// The secret bytes (to check against published traces). Handle with care.
    pub fn as_bytes(&self) -> &[u8] {
        self.secret.as_bytes()
    }
}

/// The Master Secret.
pub struct MasterSecret {
    kdf: Kdf,
    secret: Secret,
}

impl MasterSecret {
    /// The KDF of this schedule.
    pub fn kdf(&self) -> &Kdf {
        &self.kdf
    }

    /// `[sender]_application_traffic_secret_0 = Derive-Secret(Master Secret,
    /// "c ap traffic" | "s ap traffic", ClientHello...server Finished)`.
    pub fn application_traffic_secret(
        &self,
        side: Side,
        server_finished_hash: &Digest,
    ) -> Result<ApplicationTrafficSecret, KeyScheduleError> {
        let label: &[u8] = match side {
            Side::Client => b"c ap traffic",
            Side::Server => b"s ap traffic",
        };
        let secret = self
            .kdf
            .derive_secret(self.secret.as_bytes(), label, server_finished_hash)?;
        Ok(ApplicationTrafficSecret::new(side, self.kdf, secret))
    }

    /// `exporter_master_secret = Derive-Secret(Master Secret, "exp master",
    /// ClientHello...server Finished)`.
    pub fn exporter_master_secret(
        &self,
        server_finished_hash: &Digest,
    ) -> Result<ExporterMasterSecret, KeyScheduleError> {
        let secret =
            self.kdf
                .derive_secret(self.secret.as_bytes(), b"exp master", server_finished_hash)?;
        Ok(ExporterMasterSecret::new(self.kdf, secret, false))
    }

    /// Last stage: `resumption_master_secret = Derive-Secret(Master Secret,
    /// "res master", ClientHello...client Finished)`. Consumes the master secret, which
    /// has no use after this.
    pub fn into_resumption_master_secret(
        self,
        client_finished_hash: &Digest,
    ) -> Result<ResumptionMasterSecret, KeyScheduleError> {
        let secret =
            self.kdf
                .derive_secret(self.secret.as_bytes(), b"res master", client_finished_hash)?;
        Ok(ResumptionMasterSecret::new(self.kdf, secret))
    }

    /// The secret bytes (to check against published traces). Handle with care.
    pub fn as_bytes(&self) -> &[u8] {
        self.secret.as_bytes()
    }
}

/// A PSK binder key (RFC 8446 §4.2.11.2, §7.1).
pub struct BinderKey {
    kdf: Kdf,
    secret: Secret,
}

impl BinderKey {
    /// The HMAC key of the binder: the binder key's Finished key (RFC 8446 §4.2.11.2).
    pub fn finished_key(&self) -> Result<FinishedKey, KeyScheduleError> {
        FinishedKey::from_base_key(self.kdf, self.secret.as_bytes())
    }

    /// The binder over `Transcript-Hash(Truncate(ClientHello))` (with `message_hash` and
    /// the HelloRetryRequest before it after a retry).
    pub fn binder(&self, truncated_hash: &Digest) -> Result<VerifyData, KeyScheduleError> {
        self.finished_key()?.verify_data(truncated_hash)
    }

    /// Checks a received binder in constant time: [`KeyScheduleError::BinderMismatch`]
    /// (alert `decrypt_error`) when it is wrong.
    pub fn check_binder(
        &self,
        truncated_hash: &Digest,
        received: &[u8],
    ) -> Result<(), KeyScheduleError> {
        if self.binder(truncated_hash)?.matches(received) {
            Ok(())
        } else {
            Err(KeyScheduleError::BinderMismatch)
        }
    }

    /// The secret bytes (to check against published traces). Handle with care.
    pub fn as_bytes(&self) -> &[u8] {
        self.secret.as_bytes()
    }
}

macro_rules! redacted_debug {
    ($($name:ident),*) => {$(
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("kdf", &self.kdf)
                    .field("secret", &self.secret)
                    .finish()
            }
        }
    )*};
}

redacted_debug!(EarlySecret, HandshakeSecret, MasterSecret, BinderKey);
