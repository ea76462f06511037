//! TLS 1.3 traffic secrets, the keys and IVs they expand to (RFC 8446 §7.3), the
//! Finished keys they give (§4.4.4) and KeyUpdate's next secret (§7.2).
//!
//! A secret's type says where it may be used: an [`EarlyTrafficSecret`] protects 0-RTT
//! data only, a [`HandshakeTrafficSecret`] protects the handshake and keys its side's
//! Finished, and only an [`ApplicationTrafficSecret`] can be updated.

use super::Kdf;
use crate::keylog::{KeyLog, KeyLogLabel, CLIENT_RANDOM_LEN};
use crate::nonce::Iv;
use crate::{KeyScheduleError, Side, VerifyData};
use std::fmt;
use tlskit_crypto::{
    AeadAlgorithm, AeadKey, CryptoError, CryptoProvider, Digest, Secret, NONCE_LEN,
};

/// What every traffic secret holds.
#[derive(Clone)]
struct TrafficSecretCore {
    kdf: Kdf,
    secret: Secret,
}

impl TrafficSecretCore {
    /// A secret obtained outside this schedule; it must be `Hash.length` bytes.
    fn from_bytes(kdf: Kdf, secret: &[u8]) -> Result<Self, KeyScheduleError> {
        Ok(TrafficSecretCore {
            kdf,
            secret: secret_of_hash_len(&kdf, secret)?,
        })
    }

    /// RFC 8446 §7.3: `[sender]_write_key = HKDF-Expand-Label(Secret, "key", "",
    /// key_length)`, `[sender]_write_iv = HKDF-Expand-Label(Secret, "iv", "", iv_length)`.
    fn traffic_keys(&self, aead: AeadAlgorithm) -> Result<TrafficKeys, KeyScheduleError> {
        let secret = self.secret.as_bytes();
        let key = self.kdf.expand_label(secret, b"key", b"", aead.key_len())?;
        let mut iv = [0u8; NONCE_LEN];
        self.kdf.expand_label_into(secret, b"iv", b"", &mut iv)?;
        Ok(TrafficKeys {
            aead,
            key,
            iv: Iv::new(iv),
        })
    }

    /// RFC 8446 §4.4.4: `finished_key = HKDF-Expand-Label(BaseKey, "finished", "",
    /// Hash.length)`.
    fn finished_key(&self) -> Result<FinishedKey, KeyScheduleError> {
        FinishedKey::from_base_key(self.kdf, self.secret.as_bytes())
    }
}

macro_rules! traffic_secret_common {
    ($name:ident) => {
        impl $name {
            /// The traffic keys and IV for `aead` (RFC 8446 §7.3).
            pub fn traffic_keys(
                &self,
                aead: AeadAlgorithm,
            ) -> Result<TrafficKeys, KeyScheduleError> {
                self.core.traffic_keys(aead)
            }

            /// The secret bytes (for a key log or kernel TLS). Handle with care.
            pub fn as_bytes(&self) -> &[u8] {
                self.core.secret.as_bytes()
            }

            /// The KDF this secret belongs to.
            pub fn kdf(&self) -> &Kdf {
                &self.core.kdf
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("side", &self.side())
                    .field("secret", &self.core.secret)
                    .finish()
            }
        }
    };
}

/// `client_early_traffic_secret` (RFC 8446 §7.1): protects 0-RTT data.
#[derive(Clone)]
pub struct EarlyTrafficSecret {
    core: TrafficSecretCore,
}

traffic_secret_common!(EarlyTrafficSecret);

impl EarlyTrafficSecret {
    pub(super) fn new(kdf: Kdf, secret: Secret) -> Self {
        EarlyTrafficSecret {
            core: TrafficSecretCore { kdf, secret },
        }
    }

    /// Always the client: only the client sends early data.
    pub fn side(&self) -> Side {
        Side::Client
    }

    /// Writes the `CLIENT_EARLY_TRAFFIC_SECRET` key log line.
    pub fn log(&self, key_log: &dyn KeyLog, client_random: &[u8; CLIENT_RANDOM_LEN]) {
        log_secret(
            key_log,
            KeyLogLabel::ClientEarlyTrafficSecret,
            client_random,
            self.as_bytes(),
        );
    }
}

/// `client_handshake_traffic_secret` or `server_handshake_traffic_secret`
/// (RFC 8446 §7.1).
#[derive(Clone)]
pub struct HandshakeTrafficSecret {
    side: Side,
    core: TrafficSecretCore,
}

traffic_secret_common!(HandshakeTrafficSecret);

impl HandshakeTrafficSecret {
    pub(super) fn new(side: Side, kdf: Kdf, secret: Secret) -> Self {
        HandshakeTrafficSecret {
            side,
            core: TrafficSecretCore { kdf, secret },
        }
    }

    /// A handshake traffic secret obtained outside this schedule (from a key log, or
    /// handed over by another process); `secret` must be `Hash.length` bytes.
    pub fn from_bytes(side: Side, kdf: Kdf, secret: &[u8]) -> Result<Self, KeyScheduleError> {
        Ok(HandshakeTrafficSecret {
            side,
            core: TrafficSecretCore::from_bytes(kdf, secret)?,
        })
    }

    /// Whose writes it protects.
    pub fn side(&self) -> Side {
        self.side
    }

    /// The key of this side's Finished (RFC 8446 §4.4.4: the BaseKey of a handshake
    /// Finished is the sender's handshake traffic secret).
    pub fn finished_key(&self) -> Result<FinishedKey, KeyScheduleError> {
        self.core.finished_key()
    }

    /// Writes the `CLIENT_HANDSHAKE_TRAFFIC_SECRET` or `SERVER_HANDSHAKE_TRAFFIC_SECRET`
    /// key log line.
    pub fn log(&self, key_log: &dyn KeyLog, client_random: &[u8; CLIENT_RANDOM_LEN]) {
        let label = match self.side {
            Side::Client => KeyLogLabel::ClientHandshakeTrafficSecret,
            Side::Server => KeyLogLabel::ServerHandshakeTrafficSecret,
        };
        log_secret(key_log, label, client_random, self.as_bytes());
    }
}

/// `client_application_traffic_secret_N` or `server_application_traffic_secret_N`
/// (RFC 8446 §7.1, §7.2).
#[derive(Clone)]
pub struct ApplicationTrafficSecret {
    side: Side,
    generation: u64,
    core: TrafficSecretCore,
}

traffic_secret_common!(ApplicationTrafficSecret);

impl ApplicationTrafficSecret {
    pub(super) fn new(side: Side, kdf: Kdf, secret: Secret) -> Self {
        ApplicationTrafficSecret {
            side,
            generation: 0,
            core: TrafficSecretCore { kdf, secret },
        }
    }

    /// `application_traffic_secret_N` obtained outside this schedule (from a key log, or a
    /// connection handed over to kernel TLS or another process); `secret` must be
    /// `Hash.length` bytes.
    pub fn from_bytes(
        side: Side,
        generation: u64,
        kdf: Kdf,
        secret: &[u8],
    ) -> Result<Self, KeyScheduleError> {
        Ok(ApplicationTrafficSecret {
            side,
            generation,
            core: TrafficSecretCore::from_bytes(kdf, secret)?,
        })
    }

    /// Whose writes it protects.
    pub fn side(&self) -> Side {
        self.side
    }

    /// `N`: 0 from the handshake, +1 per KeyUpdate.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// RFC 8446 §7.2: `application_traffic_secret_N+1 =
    /// HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length)`.
    /// The caller drops `self` once the new keys are installed.
    pub fn next(&self) -> Result<ApplicationTrafficSecret, KeyScheduleError> {
        let kdf = self.core.kdf;
        let secret = kdf.expand_label(
            self.core.secret.as_bytes(),
            b"traffic upd",
            b"",
            kdf.hash_len(),
        )?;
        Ok(ApplicationTrafficSecret {
            side: self.side,
            generation: self.generation.saturating_add(1),
            core: TrafficSecretCore { kdf, secret },
        })
    }

    /// The Finished key of post-handshake client authentication (RFC 8446 §4.4: its
    /// BaseKey is `client_application_traffic_secret_N`).
    pub fn finished_key(&self) -> Result<FinishedKey, KeyScheduleError> {
        self.core.finished_key()
    }

    /// Writes `CLIENT_TRAFFIC_SECRET_0` / `SERVER_TRAFFIC_SECRET_0`. Later generations
    /// have no NSS label (Wireshark follows KeyUpdate itself) and are not logged.
    pub fn log(&self, key_log: &dyn KeyLog, client_random: &[u8; CLIENT_RANDOM_LEN]) {
        if self.generation != 0 {
            return;
        }
        let label = match self.side {
            Side::Client => KeyLogLabel::ClientTrafficSecret0,
            Side::Server => KeyLogLabel::ServerTrafficSecret0,
        };
        log_secret(key_log, label, client_random, self.as_bytes());
    }
}

/// Copies `secret`, which must be `Hash.length` bytes, into a [`Secret`].
pub(super) fn secret_of_hash_len(kdf: &Kdf, secret: &[u8]) -> Result<Secret, KeyScheduleError> {
    if secret.len() != kdf.hash_len() {
        return Err(KeyScheduleError::SecretLengthMismatch {
            expected: kdf.hash_len(),
            got: secret.len(),
        });
    }
    Ok(Secret::new(secret)?)
}

pub(super) fn log_secret(
    key_log: &dyn KeyLog,
    label: KeyLogLabel,
    client_random: &[u8; CLIENT_RANDOM_LEN],
    secret: &[u8],
) {
    if key_log.will_log(label) {
        key_log.log(label, client_random, secret);
    }
}

/// One direction's AEAD key and IV (RFC 8446 §7.3). Zeroized on drop; `Debug` redacts.
#[derive(Clone)]
pub struct TrafficKeys {
    aead: AeadAlgorithm,
    key: Secret,
    iv: Iv,
}

impl TrafficKeys {
    /// The AEAD algorithm.
    pub fn aead(&self) -> AeadAlgorithm {
        self.aead
    }

    /// The write key. Handle with care.
    pub fn key(&self) -> &[u8] {
        self.key.as_bytes()
    }

    /// The write IV.
    pub fn iv(&self) -> &Iv {
        &self.iv
    }

    /// The per-record nonce (RFC 8446 §5.3): the IV XOR the padded sequence number.
    pub fn nonce_for(&self, sequence_number: u64) -> [u8; NONCE_LEN] {
        self.iv.nonce_for(sequence_number)
    }

    /// Sets the key up with the provider's AEAD, once per direction.
    pub fn new_aead_key(
        &self,
        provider: &dyn CryptoProvider,
    ) -> Result<Box<dyn AeadKey>, KeyScheduleError> {
        let aead = provider
            .aead(self.aead)
            .ok_or(CryptoError::Unsupported(self.aead.name()))?;
        Ok(aead.new_key(self.key.as_bytes())?)
    }
}

impl fmt::Debug for TrafficKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrafficKeys")
            .field("aead", &self.aead)
            .field("key", &self.key)
            .field("iv", &self.iv)
            .finish()
    }
}

/// A Finished (or binder) HMAC key: `HKDF-Expand-Label(BaseKey, "finished", "",
/// Hash.length)` (RFC 8446 §4.4.4). Zeroized on drop; `Debug` redacts.
#[derive(Clone)]
pub struct FinishedKey {
    kdf: Kdf,
    key: Secret,
}

impl FinishedKey {
    pub(super) fn from_base_key(kdf: Kdf, base_key: &[u8]) -> Result<Self, KeyScheduleError> {
        let key = kdf.expand_label(base_key, b"finished", b"", kdf.hash_len())?;
        Ok(FinishedKey { kdf, key })
    }

    /// RFC 8446 §4.4.4: `verify_data = HMAC(finished_key, Transcript-Hash(Handshake
    /// Context, Certificate*, CertificateVerify*))`.
    pub fn verify_data(&self, transcript_hash: &Digest) -> Result<VerifyData, KeyScheduleError> {
        self.kdf.check_hash(transcript_hash)?;
        let tag = self
            .kdf
            .hmac(self.key.as_bytes(), transcript_hash.as_bytes())?;
        Ok(VerifyData::new(tag.as_bytes()))
    }

    /// Checks a received Finished in constant time: [`KeyScheduleError::FinishedMismatch`]
    /// (alert `decrypt_error`) when it is wrong.
    pub fn check(&self, transcript_hash: &Digest, received: &[u8]) -> Result<(), KeyScheduleError> {
        self.verify_data(transcript_hash)?.check_finished(received)
    }

    /// The key bytes. Handle with care.
    pub fn as_bytes(&self) -> &[u8] {
        self.key.as_bytes()
    }
}

impl fmt::Debug for FinishedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FinishedKey")
            .field("key", &self.key)
            .finish()
    }
}
