//! Ephemeral key exchange over `ring::agreement`: X25519 (RFC 7748) and ECDH on P-256 and
//! P-384 (RFC 8422 §5.10, uncompressed points only as RFC 8446 §4.2.8.2 requires).

use ring::agreement;
use ring::rand::SystemRandom;
use tlskit_crypto::{ActiveKeyExchange, CryptoError, KeyExchange, NamedGroup, SharedSecret};
use zeroize::Zeroizing;

/// One of ring's key-agreement groups.
#[derive(Debug)]
pub struct RingKx {
    ours: NamedGroup,
    ring: &'static agreement::Algorithm,
}

pub(crate) static X25519: RingKx = RingKx {
    ours: NamedGroup::X25519,
    ring: &agreement::X25519,
};
pub(crate) static SECP256R1: RingKx = RingKx {
    ours: NamedGroup::Secp256r1,
    ring: &agreement::ECDH_P256,
};
pub(crate) static SECP384R1: RingKx = RingKx {
    ours: NamedGroup::Secp384r1,
    ring: &agreement::ECDH_P384,
};

/// The ring group for `group`.
pub(crate) fn lookup(group: NamedGroup) -> &'static RingKx {
    match group {
        NamedGroup::X25519 => &X25519,
        NamedGroup::Secp256r1 => &SECP256R1,
        NamedGroup::Secp384r1 => &SECP384R1,
    }
}

/// Length of a private scalar: 32 bytes for X25519 and P-256, 48 for P-384.
const fn scalar_len(group: NamedGroup) -> usize {
    match group {
        NamedGroup::X25519 | NamedGroup::Secp256r1 => 32,
        NamedGroup::Secp384r1 => 48,
    }
}

impl RingKx {
    fn finish_start(
        &self,
        private_key: agreement::EphemeralPrivateKey,
    ) -> Result<Box<dyn ActiveKeyExchange>, CryptoError> {
        let public = private_key
            .compute_public_key()
            .map_err(|_| CryptoError::InvalidKey)?;
        let mut public_key = [0u8; 97];
        let public = public.as_ref();
        let len = public.len();
        public_key
            .get_mut(..len)
            .ok_or(CryptoError::InvalidKey)?
            .copy_from_slice(public);
        Ok(Box::new(RingActiveKx {
            group: self.ours,
            private_key,
            public_key,
            public_key_len: len,
        }))
    }
}

impl KeyExchange for RingKx {
    fn group(&self) -> NamedGroup {
        self.ours
    }

    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, CryptoError> {
        let private_key = agreement::EphemeralPrivateKey::generate(self.ring, &SystemRandom::new())
            .map_err(|_| CryptoError::Rng)?;
        self.finish_start(private_key)
    }

    /// ring has no private-key import for agreement; its key generation draws the scalar
    /// from the RNG it is given, so a fixed-output RNG (ring's `test::rand::FixedSliceRandom`,
    /// a deprecated, doc-hidden test helper) imports a known key. NIST scalars are given
    /// big-endian and may carry leading zero bytes (Wycheproof); they are normalised to the
    /// field length. ring rejects 0 and scalars ≥ n.
    fn start_with_private_key(
        &self,
        private_key: &[u8],
    ) -> Result<Box<dyn ActiveKeyExchange>, CryptoError> {
        let len = scalar_len(self.ours);
        let mut scalar = Zeroizing::new([0u8; 48]);
        let dest = scalar.get_mut(..len).ok_or(CryptoError::InvalidKey)?;
        if self.ours == NamedGroup::X25519 {
            if private_key.len() != len {
                return Err(CryptoError::InvalidKey);
            }
            dest.copy_from_slice(private_key);
        } else {
            let first_nonzero = private_key
                .iter()
                .position(|&b| b != 0)
                .unwrap_or(private_key.len());
            let significant = private_key
                .get(first_nonzero..)
                .ok_or(CryptoError::InvalidKey)?;
            let offset = len
                .checked_sub(significant.len())
                .ok_or(CryptoError::InvalidKey)?;
            dest.get_mut(offset..)
                .ok_or(CryptoError::InvalidKey)?
                .copy_from_slice(significant);
        }
        #[allow(deprecated)]
        let rng = ring::test::rand::FixedSliceRandom { bytes: dest };
        let private_key = agreement::EphemeralPrivateKey::generate(self.ring, &rng)
            .map_err(|_| CryptoError::InvalidKey)?;
        self.finish_start(private_key)
    }
}

/// A ring ephemeral key pair waiting for the peer's share.
struct RingActiveKx {
    group: NamedGroup,
    private_key: agreement::EphemeralPrivateKey,
    public_key: [u8; 97],
    public_key_len: usize,
}

impl ActiveKeyExchange for RingActiveKx {
    fn group(&self) -> NamedGroup {
        self.group
    }

    fn public_key(&self) -> &[u8] {
        self.public_key
            .get(..self.public_key_len)
            .unwrap_or_default()
    }

    /// ring checks the peer value (length, uncompressed form, on the curve) and rejects an
    /// all-zero X25519 output (RFC 7748 §6.1, RFC 8446 §7.4.2).
    fn complete(self: Box<Self>, peer_public_key: &[u8]) -> Result<SharedSecret, CryptoError> {
        let algorithm = self.private_key.algorithm();
        agreement::agree_ephemeral(
            self.private_key,
            &agreement::UnparsedPublicKey::new(algorithm, peer_public_key),
            |secret| SharedSecret::new(secret.to_vec()),
        )
        .map_err(|_| CryptoError::InvalidPeerKey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_agree_on_every_group() {
        for kx in [&X25519, &SECP256R1, &SECP384R1] {
            let a = kx.start().unwrap();
            let b = kx.start().unwrap();
            assert_eq!(a.public_key().len(), kx.ours.public_key_len());
            let b_pub = b.public_key().to_vec();
            let s1 = a.complete(&b_pub).unwrap();
            let a2 = kx.start().unwrap();
            assert!(a2.complete(&[1, 2, 3]).is_err());
            assert!(!s1.as_bytes().is_empty());
        }
    }

    #[test]
    fn imported_p256_key_gives_known_public_key() {
        // Scalar 1 gives the generator G (SEC 2 §2.4.2).
        let mut one = [0u8; 33];
        one[32] = 1;
        let active = SECP256R1.start_with_private_key(&one).unwrap();
        let public = active.public_key();
        assert_eq!(public[0], 0x04);
        assert_eq!(public[1..5], [0x6b, 0x17, 0xd1, 0xf2]);
        assert!(SECP256R1.start_with_private_key(&[0u8; 32]).is_err());
        assert!(SECP256R1.start_with_private_key(&[0xffu8; 32]).is_err());
        assert!(SECP256R1.start_with_private_key(&[1u8; 33]).is_err());
    }
}
