//! AEAD ciphers (RFC 5116) sealing and opening in place.
//!
//! The caller (the record layer) computes the 12-byte nonce and the additional data; the
//! backend only encrypts/decrypts the given bytes and produces/checks the 16-byte tag.

use crate::CryptoError;
use std::fmt;

/// Nonce length of every TLS AEAD (RFC 5116 §5.1, RFC 8439).
pub const NONCE_LEN: usize = 12;
/// Tag length of every TLS AEAD.
pub const TAG_LEN: usize = 16;

/// The AEADs TLS 1.2 and 1.3 negotiate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AeadAlgorithm {
    /// AES-128-GCM (RFC 5116 AEAD_AES_128_GCM).
    Aes128Gcm,
    /// AES-256-GCM (RFC 5116 AEAD_AES_256_GCM).
    Aes256Gcm,
    /// ChaCha20-Poly1305 (RFC 8439).
    ChaCha20Poly1305,
}

impl AeadAlgorithm {
    /// Key length in bytes.
    pub const fn key_len(self) -> usize {
        match self {
            AeadAlgorithm::Aes128Gcm => 16,
            AeadAlgorithm::Aes256Gcm | AeadAlgorithm::ChaCha20Poly1305 => 32,
        }
    }

    /// Display name.
    pub const fn name(self) -> &'static str {
        match self {
            AeadAlgorithm::Aes128Gcm => "AES-128-GCM",
            AeadAlgorithm::Aes256Gcm => "AES-256-GCM",
            AeadAlgorithm::ChaCha20Poly1305 => "ChaCha20-Poly1305",
        }
    }

    /// All three, for iteration.
    pub const ALL: [AeadAlgorithm; 3] = [
        AeadAlgorithm::Aes128Gcm,
        AeadAlgorithm::Aes256Gcm,
        AeadAlgorithm::ChaCha20Poly1305,
    ];
}

/// An AEAD algorithm a provider offers.
pub trait Aead: Send + Sync + fmt::Debug {
    /// Which algorithm.
    fn algorithm(&self) -> AeadAlgorithm;

    /// Expands a key once (per connection and direction). `key` must be exactly
    /// `algorithm().key_len()` bytes, else [`CryptoError::InvalidKey`].
    fn new_key(&self, key: &[u8]) -> Result<Box<dyn AeadKey>, CryptoError>;
}

/// A ready-to-use AEAD key. `seal_in_place` and `open_in_place` must not allocate.
pub trait AeadKey: Send + Sync {
    /// Encrypts `in_out` in place and writes the tag to `tag`.
    fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &mut [u8; TAG_LEN],
    ) -> Result<(), CryptoError>;

    /// Decrypts `in_out` in place after checking `tag` (in constant time). On failure the
    /// contents of `in_out` are unspecified and must not be used.
    fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), CryptoError>;

    /// Opens a buffer holding `ciphertext || tag`; returns the plaintext length.
    fn open_combined_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let plain_len = in_out
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(CryptoError::DecryptFailed)?;
        let (body, tag) = in_out.split_at_mut(plain_len);
        let tag: &[u8; TAG_LEN] = (&*tag).try_into().map_err(|_| CryptoError::DecryptFailed)?;
        self.open_in_place(nonce, aad, body, tag)?;
        Ok(plain_len)
    }

    /// Which algorithm this key is for.
    fn algorithm(&self) -> AeadAlgorithm;
}

impl fmt::Debug for dyn AeadKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AeadKey({}, redacted)", self.algorithm().name())
    }
}
