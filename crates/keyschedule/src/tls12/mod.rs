//! TLS 1.2 key derivation: master secret (RFC 5246 §8.1), extended master secret
//! (RFC 7627 §4), key block for the AEAD suites (RFC 5246 §6.3, RFC 5288 §3,
//! RFC 7905 §2), Finished (RFC 5246 §7.4.9) and exporters (RFC 5705).
//!
//! ```text
//! pre_master_secret ──PRF "master secret" / "extended master secret"──▶ MasterSecret
//! MasterSecret ──PRF "key expansion"──▶ KeyBlock { client WriteKeys, server WriteKeys }
//! MasterSecret ──PRF "client finished" / "server finished"──▶ VerifyData (12 bytes)
//! ```

mod prf;

pub use prf::Prf;

use crate::keylog::{KeyLog, KeyLogLabel, CLIENT_RANDOM_LEN};
use crate::nonce::{GcmSalt, Iv, Tls12Iv, GCM_SALT_LEN};
use crate::{KeyScheduleError, Side, VerifyData};
use std::fmt;
use tlskit_crypto::{AeadAlgorithm, AeadKey, CryptoError, CryptoProvider, Digest, Secret};
use zeroize::Zeroizing;

/// Length of `ClientHello.random` and `ServerHello.random`.
pub const RANDOM_LEN: usize = 32;
/// Length of the master secret (RFC 5246 §8.1).
pub const MASTER_SECRET_LEN: usize = 48;
/// Length of Finished `verify_data` for every TLS 1.2 suite tlskit offers (RFC 5246 §7.4.9).
pub const VERIFY_DATA_LEN: usize = 12;

/// Exporter labels RFC 5705 §4 forbids because TLS itself uses them with the PRF.
const RESERVED_EXPORTER_LABELS: [&[u8]; 5] = [
    b"client finished",
    b"server finished",
    b"master secret",
    b"extended master secret",
    b"key expansion",
];

/// The 48-byte TLS 1.2 master secret with its PRF. Zeroized on drop; `Debug` redacts.
#[derive(Clone)]
pub struct MasterSecret {
    prf: Prf,
    secret: Secret,
}

impl MasterSecret {
    /// RFC 5246 §8.1: `PRF(pre_master_secret, "master secret", ClientHello.random +
    /// ServerHello.random)[0..47]`.
    pub fn from_pre_master_secret(
        prf: Prf,
        pre_master_secret: &[u8],
        client_random: &[u8; RANDOM_LEN],
        server_random: &[u8; RANDOM_LEN],
    ) -> Result<Self, KeyScheduleError> {
        Self::derive(
            prf,
            pre_master_secret,
            b"master secret",
            &[client_random, server_random],
        )
    }

    /// RFC 7627 §4: `PRF(pre_master_secret, "extended master secret", session_hash)
    /// [0..47]`, where `session_hash` is the transcript hash (with the PRF's hash) of
    /// ClientHello through ClientKeyExchange.
    pub fn extended(
        prf: Prf,
        pre_master_secret: &[u8],
        session_hash: &Digest,
    ) -> Result<Self, KeyScheduleError> {
        check_hash_len(&prf, session_hash)?;
        Self::derive(
            prf,
            pre_master_secret,
            b"extended master secret",
            &[session_hash.as_bytes()],
        )
    }

    /// A master secret restored from a session (resumption by ID or ticket).
    pub fn from_bytes(prf: Prf, bytes: &[u8]) -> Result<Self, KeyScheduleError> {
        if bytes.len() != MASTER_SECRET_LEN {
            return Err(KeyScheduleError::SecretLengthMismatch {
                expected: MASTER_SECRET_LEN,
                got: bytes.len(),
            });
        }
        Ok(MasterSecret {
            prf,
            secret: Secret::new(bytes)?,
        })
    }

    fn derive(
        prf: Prf,
        pre_master_secret: &[u8],
        label: &[u8],
        seed: &[&[u8]],
    ) -> Result<Self, KeyScheduleError> {
        let mut secret = Secret::zeroes(MASTER_SECRET_LEN);
        prf.derive(pre_master_secret, label, seed, secret.as_mut_bytes())?;
        Ok(MasterSecret { prf, secret })
    }

    /// The PRF this secret is used with.
    pub fn prf(&self) -> &Prf {
        &self.prf
    }

    /// The 48 secret bytes, to store in a session. Handle with care.
    pub fn as_bytes(&self) -> &[u8] {
        self.secret.as_bytes()
    }

    /// RFC 5246 §6.3: `key_block = PRF(master_secret, "key expansion",
    /// server_random + client_random)`, cut for an AEAD suite (no MAC keys) into
    /// `client_write_key, server_write_key, client_write_IV, server_write_IV`. The IVs
    /// are 4-byte salts for AES-GCM (RFC 5288 §3) and 12-byte IVs for
    /// ChaCha20-Poly1305 (RFC 7905 §2).
    pub fn key_block(
        &self,
        aead: AeadAlgorithm,
        client_random: &[u8; RANDOM_LEN],
        server_random: &[u8; RANDOM_LEN],
    ) -> Result<KeyBlock, KeyScheduleError> {
        let key_len = aead.key_len();
        let iv_len = fixed_iv_len(aead);
        // At most 2 × 32 + 2 × 12 = 88 bytes.
        let mut block = Zeroizing::new([0u8; 2 * 32 + 2 * 12]);
        let block = block
            .get_mut(..2 * (key_len + iv_len))
            .ok_or(KeyScheduleError::OutputTooLong)?;
        self.prf.derive(
            self.secret.as_bytes(),
            b"key expansion",
            &[server_random, client_random],
            block,
        )?;
        let too_short = KeyScheduleError::OutputTooLong;
        let (client_key, rest) = block.split_at_checked(key_len).ok_or(too_short)?;
        let (server_key, rest) = rest.split_at_checked(key_len).ok_or(too_short)?;
        let (client_iv, server_iv) = rest.split_at_checked(iv_len).ok_or(too_short)?;
        Ok(KeyBlock {
            client: WriteKeys::new(aead, client_key, client_iv)?,
            server: WriteKeys::new(aead, server_key, server_iv)?,
        })
    }

    /// RFC 5246 §7.4.9: `verify_data = PRF(master_secret, finished_label,
    /// Hash(handshake_messages))[0..11]`, with `"client finished"` when `sender` is the
    /// client and `"server finished"` when it is the server.
    pub fn finished_verify_data(
        &self,
        sender: Side,
        handshake_hash: &Digest,
    ) -> Result<VerifyData, KeyScheduleError> {
        check_hash_len(&self.prf, handshake_hash)?;
        let label: &[u8] = match sender {
            Side::Client => b"client finished",
            Side::Server => b"server finished",
        };
        let mut out = [0u8; VERIFY_DATA_LEN];
        self.prf.derive(
            self.secret.as_bytes(),
            label,
            &[handshake_hash.as_bytes()],
            &mut out,
        )?;
        Ok(VerifyData::new(&out))
    }

    /// Checks a received Finished from `sender` in constant time.
    pub fn check_finished(
        &self,
        sender: Side,
        handshake_hash: &Digest,
        received: &[u8],
    ) -> Result<(), KeyScheduleError> {
        self.finished_verify_data(sender, handshake_hash)?
            .check_finished(received)
    }

    /// RFC 5705 §4: fills `out` with `PRF(master_secret, label, client_random +
    /// server_random [+ context_value_length + context_value])`. `None` and
    /// `Some(&[])` differ, as the RFC requires.
    pub fn export(
        &self,
        label: &[u8],
        context: Option<&[u8]>,
        client_random: &[u8; RANDOM_LEN],
        server_random: &[u8; RANDOM_LEN],
        out: &mut [u8],
    ) -> Result<(), KeyScheduleError> {
        if RESERVED_EXPORTER_LABELS.contains(&label) {
            return Err(KeyScheduleError::ReservedExporterLabel);
        }
        match context {
            None => self.prf.derive(
                self.secret.as_bytes(),
                label,
                &[client_random, server_random],
                out,
            ),
            Some(context) => {
                let len = u16::try_from(context.len())
                    .map_err(|_| KeyScheduleError::ContextTooLong)?
                    .to_be_bytes();
                self.prf.derive(
                    self.secret.as_bytes(),
                    label,
                    &[client_random, server_random, &len, context],
                    out,
                )
            }
        }
    }

    /// Writes the `CLIENT_RANDOM` key log line.
    pub fn log(&self, key_log: &dyn KeyLog, client_random: &[u8; CLIENT_RANDOM_LEN]) {
        if key_log.will_log(KeyLogLabel::ClientRandom) {
            key_log.log(KeyLogLabel::ClientRandom, client_random, self.as_bytes());
        }
    }
}

impl fmt::Debug for MasterSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("tls12::MasterSecret")
            .field("prf", &self.prf)
            .field("secret", &self.secret)
            .finish()
    }
}

fn check_hash_len(prf: &Prf, hash: &Digest) -> Result<(), KeyScheduleError> {
    let expected = prf.algorithm().output_len();
    let got = hash.as_bytes().len();
    if got == expected {
        Ok(())
    } else {
        Err(KeyScheduleError::HashLengthMismatch { expected, got })
    }
}

/// `fixed_iv_length` of a TLS 1.2 AEAD suite: 4 for AES-GCM (RFC 5288 §3), 12 for
/// ChaCha20-Poly1305 (RFC 7905 §2).
pub const fn fixed_iv_len(aead: AeadAlgorithm) -> usize {
    match aead {
        AeadAlgorithm::Aes128Gcm | AeadAlgorithm::Aes256Gcm => GCM_SALT_LEN,
        AeadAlgorithm::ChaCha20Poly1305 => tlskit_crypto::NONCE_LEN,
    }
}

/// The two directions' keys cut from a key block.
#[derive(Debug)]
pub struct KeyBlock {
    client: WriteKeys,
    server: WriteKeys,
}

impl KeyBlock {
    /// What the client writes with (and the server reads with).
    pub fn client(&self) -> &WriteKeys {
        &self.client
    }

    /// What the server writes with (and the client reads with).
    pub fn server(&self) -> &WriteKeys {
        &self.server
    }

    /// `(write keys, read keys)` for the endpoint that is `local`.
    pub fn into_write_and_read(self, local: Side) -> (WriteKeys, WriteKeys) {
        match local {
            Side::Client => (self.client, self.server),
            Side::Server => (self.server, self.client),
        }
    }
}

/// One direction's AEAD key and IV. Zeroized on drop; `Debug` redacts.
#[derive(Clone)]
pub struct WriteKeys {
    aead: AeadAlgorithm,
    key: Secret,
    iv: Tls12Iv,
}

impl WriteKeys {
    fn new(aead: AeadAlgorithm, key: &[u8], iv: &[u8]) -> Result<Self, KeyScheduleError> {
        let iv = match aead {
            AeadAlgorithm::Aes128Gcm | AeadAlgorithm::Aes256Gcm => {
                let salt: [u8; GCM_SALT_LEN] =
                    iv.try_into()
                        .map_err(|_| KeyScheduleError::SecretLengthMismatch {
                            expected: GCM_SALT_LEN,
                            got: iv.len(),
                        })?;
                Tls12Iv::Gcm(GcmSalt::new(salt))
            }
            AeadAlgorithm::ChaCha20Poly1305 => Tls12Iv::Xor(Iv::from_slice(iv)?),
        };
        Ok(WriteKeys {
            aead,
            key: Secret::new(key)?,
            iv,
        })
    }

    /// The AEAD algorithm.
    pub fn aead(&self) -> AeadAlgorithm {
        self.aead
    }

    /// The write key. Handle with care.
    pub fn key(&self) -> &[u8] {
        self.key.as_bytes()
    }

    /// The write IV and the nonce rule that goes with it.
    pub fn iv(&self) -> &Tls12Iv {
        &self.iv
    }

    /// Sets the key up with the provider's AEAD, once per connection and direction.
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

impl fmt::Debug for WriteKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("tls12::WriteKeys")
            .field("aead", &self.aead)
            .field("key", &self.key)
            .field("iv", &self.iv)
            .finish()
    }
}
