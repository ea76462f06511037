//! Session tickets (RFC 5077 §4, RFC 8446 §4.6.1): the server's session state, encrypted
//! and authenticated under a server-only key, handed to the client to bring back.
//!
//! Format: key_name (16) || nonce (12) || AES-256-GCM(state) || tag (16), with key_name as
//! AAD. Keys rotate every `rotation` period; tickets under the previous key still open, so a
//! ticket lives at least one period and at most two.

use crate::session::{unix_now, SessionValue};
use std::sync::Mutex;
use tlskit_crypto::{AeadAlgorithm, AeadKey, CryptoProvider, NONCE_LEN, TAG_LEN};

const KEY_NAME_LEN: usize = 16;

struct TicketKey {
    name: [u8; KEY_NAME_LEN],
    key: Box<dyn AeadKey>,
    created: u64,
}

/// Encrypts and decrypts session tickets with rotating keys.
pub struct Ticketer {
    provider: &'static dyn CryptoProvider,
    rotation_secs: u64,
    keys: Mutex<(TicketKey, Option<TicketKey>)>,
}

impl std::fmt::Debug for Ticketer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ticketer")
            .field("rotation_secs", &self.rotation_secs)
            .finish_non_exhaustive()
    }
}

impl Ticketer {
    /// A ticketer whose keys rotate every `rotation_secs` seconds.
    pub fn new(
        provider: &'static dyn CryptoProvider,
        rotation_secs: u64,
    ) -> Result<Self, tlskit_crypto::CryptoError> {
        let first = Self::fresh_key(provider, unix_now())?;
        Ok(Ticketer {
            provider,
            rotation_secs: rotation_secs.max(1),
            keys: Mutex::new((first, None)),
        })
    }

    fn fresh_key(
        provider: &'static dyn CryptoProvider,
        now: u64,
    ) -> Result<TicketKey, tlskit_crypto::CryptoError> {
        let aead = provider.aead(AeadAlgorithm::Aes256Gcm).ok_or(
            tlskit_crypto::CryptoError::Unsupported("AES-256-GCM for tickets"),
        )?;
        let mut name = [0u8; KEY_NAME_LEN];
        provider.fill_random(&mut name)?;
        let mut key_bytes = zeroize::Zeroizing::new([0u8; 32]);
        provider.fill_random(&mut key_bytes[..])?;
        Ok(TicketKey {
            name,
            key: aead.new_key(&key_bytes[..])?,
            created: now,
        })
    }

    /// Rotates when the current key is older than the period (called on each encryption).
    fn maybe_rotate(&self, keys: &mut (TicketKey, Option<TicketKey>), now: u64) {
        if now.saturating_sub(keys.0.created) >= self.rotation_secs {
            if let Ok(next) = Self::fresh_key(self.provider, now) {
                let previous = std::mem::replace(&mut keys.0, next);
                keys.1 = Some(previous);
            }
        }
    }

    /// Encrypts a session into a ticket.
    pub fn encrypt(&self, value: &SessionValue) -> Option<Vec<u8>> {
        let mut keys = self.keys.lock().ok()?;
        self.maybe_rotate(&mut keys, unix_now());
        let current = &keys.0;
        let mut nonce = [0u8; NONCE_LEN];
        self.provider.fill_random(&mut nonce).ok()?;
        let plain = zeroize::Zeroizing::new(value.encode());
        let mut out = Vec::with_capacity(KEY_NAME_LEN + NONCE_LEN + plain.len() + TAG_LEN);
        out.extend_from_slice(&current.name);
        out.extend_from_slice(&nonce);
        let start = out.len();
        out.extend_from_slice(&plain);
        let mut tag = [0u8; TAG_LEN];
        current
            .key
            .seal_in_place(&nonce, &current.name, out.get_mut(start..)?, &mut tag)
            .ok()?;
        out.extend_from_slice(&tag);
        Some(out)
    }

    /// Decrypts a ticket; `None` if it is malformed, forged, under an unknown or retired
    /// key, or expired.
    pub fn decrypt(&self, ticket: &[u8]) -> Option<SessionValue> {
        let (name, rest) = ticket.split_at_checked(KEY_NAME_LEN)?;
        let (nonce, sealed) = rest.split_at_checked(NONCE_LEN)?;
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let mut buf = zeroize::Zeroizing::new(sealed.to_vec());
        let keys = self.keys.lock().ok()?;
        let key = if keys.0.name[..] == *name {
            &keys.0
        } else {
            keys.1.as_ref().filter(|k| k.name[..] == *name)?
        };
        let len = key
            .key
            .open_combined_in_place(&nonce, name, &mut buf[..])
            .ok()?;
        let value = SessionValue::decode(buf.get(..len)?)?;
        value.is_fresh(unix_now()).then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlskit_crypto::Secret;

    fn value() -> SessionValue {
        SessionValue {
            version: 0x0303,
            cipher_suite: 0xc02f,
            secret: Secret::new(&[3; 48]).unwrap(),
            extended_master_secret: true,
            server_name: None,
            alpn: None,
            client_authenticated: true,
            created: unix_now(),
            lifetime: 3600,
            age_add: 0,
        }
    }

    #[test]
    fn tickets_round_trip_and_resist_tampering() {
        for provider in tlskit_providers::all() {
            let t = Ticketer::new(provider, 3600).unwrap();
            let ticket = t.encrypt(&value()).unwrap();
            assert_eq!(t.decrypt(&ticket), Some(value()));
            for i in [0, 16, 30, ticket.len() - 1] {
                let mut bad = ticket.clone();
                bad[i] ^= 0x80;
                assert_eq!(t.decrypt(&bad), None, "{} byte {i}", provider.name());
            }
            for cut in 0..ticket.len() {
                assert_eq!(t.decrypt(&ticket[..cut]), None);
            }
            // Another server's ticketer cannot open it.
            let other = Ticketer::new(provider, 3600).unwrap();
            assert_eq!(other.decrypt(&ticket), None);
        }
    }

    #[test]
    fn rotation_keeps_the_previous_key_only() {
        let p = tlskit_providers::default_provider().unwrap();
        let t = Ticketer::new(p, 1).unwrap();
        let old = t.encrypt(&value()).unwrap();
        {
            let mut keys = t.keys.lock().unwrap();
            let now = unix_now() + 10;
            t.maybe_rotate(&mut keys, now);
        }
        assert_eq!(t.decrypt(&old), Some(value()), "previous key still opens");
        {
            let mut keys = t.keys.lock().unwrap();
            let now = unix_now() + 20;
            keys.0.created = 0;
            t.maybe_rotate(&mut keys, now);
        }
        assert_eq!(t.decrypt(&old), None, "two rotations retire the key");
    }
}
