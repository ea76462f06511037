//! AEADs (RFC 5116, RFC 8439) over `ring::aead::LessSafeKey`, sealing and opening in place
//! with a separate tag: no allocation per record.

use ring::aead;
use tlskit_crypto::{Aead, AeadAlgorithm, AeadKey, CryptoError, NONCE_LEN, TAG_LEN};

/// One of ring's AEAD algorithms.
#[derive(Debug)]
pub struct RingAead {
    ours: AeadAlgorithm,
    ring: &'static aead::Algorithm,
}

pub(crate) static AES_128_GCM: RingAead = RingAead {
    ours: AeadAlgorithm::Aes128Gcm,
    ring: &aead::AES_128_GCM,
};
pub(crate) static AES_256_GCM: RingAead = RingAead {
    ours: AeadAlgorithm::Aes256Gcm,
    ring: &aead::AES_256_GCM,
};
pub(crate) static CHACHA20_POLY1305: RingAead = RingAead {
    ours: AeadAlgorithm::ChaCha20Poly1305,
    ring: &aead::CHACHA20_POLY1305,
};

/// The ring AEAD for `algorithm`.
pub(crate) fn lookup(algorithm: AeadAlgorithm) -> &'static RingAead {
    match algorithm {
        AeadAlgorithm::Aes128Gcm => &AES_128_GCM,
        AeadAlgorithm::Aes256Gcm => &AES_256_GCM,
        AeadAlgorithm::ChaCha20Poly1305 => &CHACHA20_POLY1305,
    }
}

impl Aead for RingAead {
    fn algorithm(&self) -> AeadAlgorithm {
        self.ours
    }

    fn new_key(&self, key: &[u8]) -> Result<Box<dyn AeadKey>, CryptoError> {
        if key.len() != self.ours.key_len() {
            return Err(CryptoError::InvalidKey);
        }
        let unbound = aead::UnboundKey::new(self.ring, key).map_err(|_| CryptoError::InvalidKey)?;
        Ok(Box::new(RingAeadKey {
            ours: self.ours,
            key: aead::LessSafeKey::new(unbound),
        }))
    }
}

/// An expanded ring AEAD key. The key schedule lives inside ring's opaque type, which ring
/// does not zeroize on drop (listed in the provider notes).
struct RingAeadKey {
    ours: AeadAlgorithm,
    key: aead::LessSafeKey,
}

impl AeadKey for RingAeadKey {
    fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &mut [u8; TAG_LEN],
    ) -> Result<(), CryptoError> {
        let sealed = self
            .key
            .seal_in_place_separate_tag(
                aead::Nonce::assume_unique_for_key(*nonce),
                aead::Aad::from(aad),
                in_out,
            )
            .map_err(|_| CryptoError::InvalidInput)?;
        tag.copy_from_slice(sealed.as_ref());
        Ok(())
    }

    fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), CryptoError> {
        self.key
            .open_in_place_separate_tag(
                aead::Nonce::assume_unique_for_key(*nonce),
                aead::Aad::from(aad),
                aead::Tag::from(*tag),
                in_out,
                0..,
            )
            .map(|_| ())
            .map_err(|_| CryptoError::DecryptFailed)
    }

    fn algorithm(&self) -> AeadAlgorithm {
        self.ours
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_tamper() {
        for alg in [&AES_128_GCM, &AES_256_GCM, &CHACHA20_POLY1305] {
            let key = alg.new_key(&vec![7u8; alg.ours.key_len()]).unwrap();
            let nonce = [1u8; NONCE_LEN];
            let mut buf = *b"hello, record layer";
            let mut tag = [0u8; TAG_LEN];
            key.seal_in_place(&nonce, b"hdr", &mut buf, &mut tag)
                .unwrap();
            assert_ne!(&buf, b"hello, record layer");
            let mut copy = buf;
            key.open_in_place(&nonce, b"hdr", &mut copy, &tag).unwrap();
            assert_eq!(&copy, b"hello, record layer");
            let mut bad = buf;
            bad[0] ^= 1;
            assert_eq!(
                key.open_in_place(&nonce, b"hdr", &mut bad, &tag),
                Err(CryptoError::DecryptFailed)
            );
            assert!(alg.new_key(&[0u8; 5]).is_err());
        }
    }
}
