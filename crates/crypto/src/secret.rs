//! Secret byte strings that zeroize on drop and never print.

use std::fmt;
use zeroize::Zeroize;

/// Maximum length of a [`Secret`]: the longest hash output tlskit uses (SHA-512).
pub const MAX_SECRET_LEN: usize = 64;

/// A fixed-capacity secret (a PRK, a traffic secret, a master secret, a MAC key).
///
/// Lives on the stack, zeroizes on drop, and its `Debug` shows only the length.
#[derive(Clone)]
pub struct Secret {
    bytes: [u8; MAX_SECRET_LEN],
    len: usize,
}

impl Secret {
    /// Copies `bytes` into a new secret. Fails if longer than [`MAX_SECRET_LEN`].
    pub fn new(bytes: &[u8]) -> Result<Self, crate::CryptoError> {
        if bytes.len() > MAX_SECRET_LEN {
            return Err(crate::CryptoError::InvalidInput);
        }
        let mut s = Secret {
            bytes: [0; MAX_SECRET_LEN],
            len: bytes.len(),
        };
        s.bytes[..bytes.len()].copy_from_slice(bytes);
        Ok(s)
    }

    /// An all-zero secret of `len` bytes (e.g. the TLS 1.3 zero IKM), `len` ≤ 64.
    pub fn zeroes(len: usize) -> Self {
        Secret {
            bytes: [0; MAX_SECRET_LEN],
            len: len.min(MAX_SECRET_LEN),
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The secret bytes. Handle with care.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Mutable access for backends filling a secret in place (length fixed at creation).
    pub fn as_mut_bytes(&mut self) -> &mut [u8] {
        &mut self.bytes[..self.len]
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes, redacted)", self.len)
    }
}

/// Constant-time equality of two byte strings (lengths are not secret).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b) {
        diff |= x ^ y;
    }
    // Keep the optimiser from short-circuiting the loop above.
    std::hint::black_box(diff) == 0
}

impl PartialEq for Secret {
    /// Constant time in the contents.
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(self.as_bytes(), other.as_bytes())
    }
}
impl Eq for Secret {}

/// The output of a key exchange (an ECDH shared secret / TLS pre-master secret).
/// Heap-allocated because its length varies by group; zeroized on drop.
pub struct SharedSecret(Vec<u8>);

impl SharedSecret {
    /// Wraps bytes produced by a backend.
    pub fn new(bytes: Vec<u8>) -> Self {
        SharedSecret(bytes)
    }

    /// The secret bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for SharedSecret {
    fn from(v: Vec<u8>) -> Self {
        SharedSecret(v)
    }
}

impl Drop for SharedSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SharedSecret({} bytes, redacted)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted() {
        let s = Secret::new(&[0xAB; 32]).unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.to_lowercase().contains("ab"), "{shown}");
        assert!(shown.contains("32 bytes"));
    }

    #[test]
    fn constant_time_eq_compares_contents_and_lengths() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn secret_rejects_oversize() {
        assert!(Secret::new(&[0; 65]).is_err());
        assert_eq!(Secret::zeroes(48).len(), 48);
    }
}
