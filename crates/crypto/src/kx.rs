//! Ephemeral key exchange: X25519 (RFC 7748) and ECDH on P-256/P-384 (RFC 8422, SEC 1).

use crate::{CryptoError, SharedSecret};
use std::fmt;

/// TLS NamedGroup (RFC 8446 §4.2.7, RFC 8422 §5.1.1) for the groups tlskit supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NamedGroup {
    /// x25519 (0x001d).
    X25519,
    /// secp256r1 / P-256 (0x0017).
    Secp256r1,
    /// secp384r1 / P-384 (0x0018).
    Secp384r1,
}

impl NamedGroup {
    /// The TLS code point.
    pub const fn code(self) -> u16 {
        match self {
            NamedGroup::Secp256r1 => 0x0017,
            NamedGroup::Secp384r1 => 0x0018,
            NamedGroup::X25519 => 0x001d,
        }
    }

    /// From a TLS code point, if supported.
    pub const fn from_code(code: u16) -> Option<Self> {
        match code {
            0x0017 => Some(NamedGroup::Secp256r1),
            0x0018 => Some(NamedGroup::Secp384r1),
            0x001d => Some(NamedGroup::X25519),
            _ => None,
        }
    }

    /// Name as OpenSSL and the TLS registry spell it.
    pub const fn name(self) -> &'static str {
        match self {
            NamedGroup::X25519 => "x25519",
            NamedGroup::Secp256r1 => "secp256r1",
            NamedGroup::Secp384r1 => "secp384r1",
        }
    }

    /// Length of the public value on the wire: 32 for X25519, an uncompressed point
    /// (0x04 || X || Y) for the NIST curves.
    pub const fn public_key_len(self) -> usize {
        match self {
            NamedGroup::X25519 => 32,
            NamedGroup::Secp256r1 => 65,
            NamedGroup::Secp384r1 => 97,
        }
    }

    /// All groups, for iteration.
    pub const ALL: [NamedGroup; 3] = [
        NamedGroup::X25519,
        NamedGroup::Secp256r1,
        NamedGroup::Secp384r1,
    ];
}

/// A key-exchange group a provider offers.
pub trait KeyExchange: Send + Sync + fmt::Debug {
    /// Which group.
    fn group(&self) -> NamedGroup;

    /// Generates a fresh ephemeral key pair with the provider's secure RNG.
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, CryptoError>;

    /// Builds the key pair from a known private key, for known-answer tests (RFC 7748,
    /// RFC 8448, Wycheproof). X25519: 32 raw bytes; NIST curves: the big-endian scalar.
    /// Backends that cannot import a private key return [`CryptoError::Unsupported`].
    fn start_with_private_key(
        &self,
        private_key: &[u8],
    ) -> Result<Box<dyn ActiveKeyExchange>, CryptoError>;
}

/// One side's ephemeral key pair, waiting for the peer's public value.
pub trait ActiveKeyExchange: Send {
    /// Which group.
    fn group(&self) -> NamedGroup;

    /// Our public value in TLS wire form (see [`NamedGroup::public_key_len`]).
    fn public_key(&self) -> &[u8];

    /// Computes the shared secret with the peer's public value, consuming the private key.
    /// Invalid peer values (wrong length, not on the curve, the point at infinity, an
    /// all-zero X25519 result) are [`CryptoError::InvalidPeerKey`]. NIST curves return the
    /// x-coordinate (RFC 8422 §5.10); X25519 the 32-byte u-coordinate.
    fn complete(self: Box<Self>, peer_public_key: &[u8]) -> Result<SharedSecret, CryptoError>;
}

impl fmt::Debug for dyn ActiveKeyExchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ActiveKeyExchange({})", self.group().name())
    }
}
