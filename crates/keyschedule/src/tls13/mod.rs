//! TLS 1.3 key derivation (RFC 8446 §7): HKDF-Expand-Label and Derive-Secret ([`Kdf`]),
//! the Early → Handshake → Master secret chain ([`EarlySecret`], [`HandshakeSecret`],
//! [`MasterSecret`]), traffic secrets and their keys and IVs, Finished keys, PSK binders,
//! exporters, resumption PSKs and KeyUpdate.
//!
//! A full handshake, server side:
//!
//! ```text
//! let kdf = Kdf::new(provider, HashAlgorithm::Sha256)?;
//! let early = EarlySecret::new(kdf, None)?;
//! let hs = early.into_handshake_secret(Some(ecdhe.as_bytes()))?;
//! let s_hs = hs.handshake_traffic_secret(Side::Server, &transcript.current())?;
//! let keys = s_hs.traffic_keys(AeadAlgorithm::Aes128Gcm)?;
//! let finished = s_hs.finished_key()?.verify_data(&transcript.current())?;
//! let master = hs.into_master_secret()?;
//! let s_ap = master.application_traffic_secret(Side::Server, &transcript.current())?;
//! ```

mod exporter;
mod kdf;
mod resumption;
mod schedule;
mod traffic;

pub use exporter::ExporterMasterSecret;
pub use kdf::{hkdf_label, Kdf, LABEL_PREFIX, MAX_CONTEXT_LEN, MAX_LABEL_LEN};
pub use resumption::ResumptionMasterSecret;
pub use schedule::{BinderKey, EarlySecret, HandshakeSecret, MasterSecret, PskKind};
pub use traffic::{
    ApplicationTrafficSecret, EarlyTrafficSecret, FinishedKey, HandshakeTrafficSecret, TrafficKeys,
};
