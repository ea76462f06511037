//! Hash functions, incremental and forkable (the TLS transcript hash needs both).

use std::fmt;

/// Hash algorithms TLS 1.2/1.3 and X.509 use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgorithm {
    /// SHA-256 (FIPS 180-4).
    Sha256,
    /// SHA-384 (FIPS 180-4).
    Sha384,
    /// SHA-512 (FIPS 180-4); used by signatures only, no TLS suite hashes with it.
    Sha512,
}

impl HashAlgorithm {
    /// Output length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
            HashAlgorithm::Sha512 => 64,
        }
    }

    /// Internal block length in bytes (HMAC needs it).
    pub const fn block_len(self) -> usize {
        match self {
            HashAlgorithm::Sha256 => 64,
            HashAlgorithm::Sha384 | HashAlgorithm::Sha512 => 128,
        }
    }

    /// All algorithms, for iteration in tests and capability lists.
    pub const ALL: [HashAlgorithm; 3] = [
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ];
}

/// A hash output, up to 64 bytes, stored inline (no allocation).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Digest {
    bytes: [u8; 64],
    len: usize,
}

impl Digest {
    /// Builds a digest from backend output. Panics never: longer input is truncated to 64
    /// bytes, which no supported hash produces.
    pub fn new(bytes: &[u8]) -> Self {
        let len = bytes.len().min(64);
        let mut d = Digest {
            bytes: [0; 64],
            len,
        };
        d.bytes[..len].copy_from_slice(&bytes[..len]);
        d
    }

    /// The digest bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl AsRef<[u8]> for Digest {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Digest(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// A hash function a provider offers.
pub trait Hash: Send + Sync + fmt::Debug {
    /// Which algorithm this is.
    fn algorithm(&self) -> HashAlgorithm;

    /// Starts an incremental computation.
    fn start(&self) -> Box<dyn HashContext>;

    /// One-shot hash of `data`.
    fn hash(&self, data: &[u8]) -> Digest {
        let mut ctx = self.start();
        ctx.update(data);
        ctx.finish()
    }
}

/// An in-progress hash computation.
pub trait HashContext: Send + Sync {
    /// Absorbs more input.
    fn update(&mut self, data: &[u8]);

    /// A copy of the current state, so a transcript can be hashed "so far" and continue.
    fn fork(&self) -> Box<dyn HashContext>;

    /// Finishes and returns the digest.
    fn finish(self: Box<Self>) -> Digest;

    /// The digest of everything absorbed so far, leaving `self` usable.
    fn current(&self) -> Digest {
        self.fork().finish()
    }
}

impl fmt::Debug for dyn HashContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HashContext")
    }
}
