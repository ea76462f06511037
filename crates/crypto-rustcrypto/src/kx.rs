//! Ephemeral key exchange: X25519 (RFC 7748) on `x25519-dalek`, ECDH on P-256 and P-384
//! (RFC 8422 §5.10, SEC 1 §3.3.1) on `p256` / `p384`.

use crate::rng::{fill_random, SystemRng};
use tlskit_crypto::{ActiveKeyExchange, CryptoError, KeyExchange, NamedGroup, SharedSecret};
use zeroize::Zeroizing;

/// The key exchange for `group`.
pub(crate) fn key_exchange(group: NamedGroup) -> &'static dyn KeyExchange {
    match group {
        NamedGroup::X25519 => &X25519,
        NamedGroup::Secp256r1 => &P256,
        NamedGroup::Secp384r1 => &P384,
    }
}

/// X25519 (RFC 7748 §5).
#[derive(Debug)]
pub(crate) struct X25519Kx;

pub(crate) static X25519: X25519Kx = X25519Kx;

impl KeyExchange for X25519Kx {
    fn group(&self) -> NamedGroup {
        NamedGroup::X25519
    }

    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, CryptoError> {
        let mut scalar = Zeroizing::new([0u8; 32]);
        fill_random(scalar.as_mut_slice())?;
        Ok(Box::new(X25519Active::new(*scalar)))
    }

    fn start_with_private_key(
        &self,
        private_key: &[u8],
    ) -> Result<Box<dyn ActiveKeyExchange>, CryptoError> {
        let scalar: Zeroizing<[u8; 32]> = Zeroizing::new(
            private_key
                .try_into()
                .map_err(|_| CryptoError::InvalidKey)?,
        );
        Ok(Box::new(X25519Active::new(*scalar)))
    }
}

/// An X25519 key pair. `StaticSecret` zeroizes on drop; clamping happens inside the crate
/// (RFC 7748 §5 decodeScalar25519).
struct X25519Active {
    secret: x25519_dalek::StaticSecret,
    public: [u8; 32],
}

impl X25519Active {
    fn new(scalar: [u8; 32]) -> Self {
        let secret = x25519_dalek::StaticSecret::from(scalar);
        let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
        X25519Active { secret, public }
    }
}

impl ActiveKeyExchange for X25519Active {
    fn group(&self) -> NamedGroup {
        NamedGroup::X25519
    }

    fn public_key(&self) -> &[u8] {
        &self.public
    }

    fn complete(self: Box<Self>, peer_public_key: &[u8]) -> Result<SharedSecret, CryptoError> {
        let peer: [u8; 32] = peer_public_key
            .try_into()
            .map_err(|_| CryptoError::InvalidPeerKey)?;
        // RFC 7748 §5: the u-coordinate's top bit is masked, non-canonical values reduced.
        let shared = self
            .secret
            .diffie_hellman(&x25519_dalek::PublicKey::from(peer));
        // RFC 7748 §6.1 / RFC 8446 §7.4.2: an all-zero result (a small-order peer point)
        // must be rejected. `was_contributory` is that check, in constant time.
        if !shared.was_contributory() {
            return Err(CryptoError::InvalidPeerKey);
        }
        Ok(SharedSecret::new(shared.as_bytes().to_vec()))
    }
}

/// Copies a big-endian scalar into a field-sized buffer, accepting the shorter or
/// zero-prefixed forms test vectors use; longer non-zero values are rejected.
fn left_pad_scalar<const N: usize>(scalar: &[u8]) -> Result<Zeroizing<[u8; N]>, CryptoError> {
    let leading_zeros = scalar.iter().take_while(|&&b| b == 0).count();
    let significant = scalar.get(leading_zeros..).unwrap_or_default();
    let offset = N
        .checked_sub(significant.len())
        .ok_or(CryptoError::InvalidKey)?;
    let mut out = Zeroizing::new([0u8; N]);
    out.get_mut(offset..)
        .ok_or(CryptoError::InvalidKey)?
        .copy_from_slice(significant);
    Ok(out)
}

/// ECDH on a NIST curve from the `p256`/`p384` crates. A macro rather than generics: the
/// `elliptic-curve` trait bounds would dwarf the code.
macro_rules! nist_ecdh {
    ($kx:ident, $static_name:ident, $active:ident, $krate:ident, $group:expr, $field_len:expr) => {
        #[doc = concat!("ECDH on ", stringify!($krate), " (RFC 8422 §5.10).")]
        #[derive(Debug)]
        pub(crate) struct $kx;

        pub(crate) static $static_name: $kx = $kx;

        impl KeyExchange for $kx {
            fn group(&self) -> NamedGroup {
                $group
            }

            fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, CryptoError> {
                use $krate::elliptic_curve::Generate;
                let secret = $krate::SecretKey::try_generate_from_rng(&mut SystemRng)
                    .map_err(|_| CryptoError::Rng)?;
                Ok(Box::new($active::new(secret)))
            }

            fn start_with_private_key(
                &self,
                private_key: &[u8],
            ) -> Result<Box<dyn ActiveKeyExchange>, CryptoError> {
                let bytes = left_pad_scalar::<$field_len>(private_key)?;
                // Rejects zero and scalars >= the group order.
                let secret = $krate::SecretKey::from_slice(bytes.as_slice())
                    .map_err(|_| CryptoError::InvalidKey)?;
                Ok(Box::new($active::new(secret)))
            }
        }

        struct $active {
            secret: $krate::SecretKey,
            public: [u8; 1 + 2 * $field_len],
        }

        impl $active {
            fn new(secret: $krate::SecretKey) -> Self {
                use $krate::elliptic_curve::sec1::ToSec1Point;
                let point = secret.public_key().as_affine().to_sec1_point(false);
                let mut public = [0u8; 1 + 2 * $field_len];
                // An uncompressed point of a valid key is exactly this long.
                if let Some(dst) = public.get_mut(..point.as_bytes().len()) {
                    dst.copy_from_slice(point.as_bytes());
                }
                $active { secret, public }
            }
        }

        impl ActiveKeyExchange for $active {
            fn group(&self) -> NamedGroup {
                $group
            }

            fn public_key(&self) -> &[u8] {
                &self.public
            }

            fn complete(
                self: Box<Self>,
                peer_public_key: &[u8],
            ) -> Result<SharedSecret, CryptoError> {
                // RFC 8446 §4.2.8.2 / RFC 8422 §5.4.1: only the uncompressed form
                // 0x04 || X || Y is allowed, so compressed points and the one-byte identity
                // encoding are refused before decoding.
                if peer_public_key.len() != 1 + 2 * $field_len
                    || peer_public_key.first() != Some(&0x04)
                {
                    return Err(CryptoError::InvalidPeerKey);
                }
                // Checks that the coordinates are field elements and the point is on the
                // curve (SEC 1 §3.2.2.1); the curves have cofactor 1.
                let peer = $krate::PublicKey::from_sec1_bytes(peer_public_key)
                    .map_err(|_| CryptoError::InvalidPeerKey)?;
                let shared = $krate::elliptic_curve::ecdh::diffie_hellman(
                    self.secret.to_nonzero_scalar(),
                    peer.as_affine(),
                );
                Ok(SharedSecret::new(shared.raw_secret_bytes().to_vec()))
            }
        }
    };
}

nist_ecdh!(P256Kx, P256, P256Active, p256, NamedGroup::Secp256r1, 32);
nist_ecdh!(P384Kx, P384, P384Active, p384, NamedGroup::Secp384r1, 48);

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // RFC 7748 §6.1: Alice and Bob.
    #[test]
    fn kat_rfc7748_x25519() {
        let alice_sk = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        let bob_sk = unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        let alice = X25519.start_with_private_key(&alice_sk).unwrap();
        let bob = X25519.start_with_private_key(&bob_sk).unwrap();
        assert_eq!(
            alice.public_key(),
            unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        );
        let bob_pub = bob.public_key().to_vec();
        assert_eq!(
            bob_pub,
            unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        );
        let expected = unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        let alice_pub = alice.public_key().to_vec();
        assert_eq!(alice.complete(&bob_pub).unwrap().as_bytes(), expected);
        assert_eq!(bob.complete(&alice_pub).unwrap().as_bytes(), expected);
    }

    #[test]
    fn x25519_rejects_small_order_and_bad_lengths() {
        let a = X25519.start().unwrap();
        assert_eq!(
            a.complete(&[0u8; 32]).err(),
            Some(CryptoError::InvalidPeerKey)
        );
        let a = X25519.start().unwrap();
        assert_eq!(
            a.complete(&[9u8; 31]).err(),
            Some(CryptoError::InvalidPeerKey)
        );
        assert!(X25519.start_with_private_key(&[1; 33]).is_err());
    }

    #[test]
    fn nist_round_trips_and_rejects_bad_points() {
        for group in [NamedGroup::Secp256r1, NamedGroup::Secp384r1] {
            let kx = key_exchange(group);
            let a = kx.start().unwrap();
            let b = kx.start().unwrap();
            assert_eq!(a.public_key().len(), group.public_key_len());
            assert_eq!(a.public_key()[0], 0x04);
            let (pa, pb) = (a.public_key().to_vec(), b.public_key().to_vec());
            let s1 = a.complete(&pb).unwrap();
            let s2 = b.complete(&pa).unwrap();
            assert_eq!(s1.as_bytes(), s2.as_bytes());
            assert_eq!(s1.as_bytes().len(), (group.public_key_len() - 1) / 2);

            // Off-curve point: flip a bit of Y.
            let mut off = pa.clone();
            *off.last_mut().unwrap() ^= 1;
            assert_eq!(
                kx.start().unwrap().complete(&off).err(),
                Some(CryptoError::InvalidPeerKey)
            );
            // Compressed form and the identity encoding are refused.
            let mut compressed = vec![0x02 | (pa.last().unwrap() & 1)];
            compressed.extend_from_slice(&pa[1..1 + (pa.len() - 1) / 2]);
            for bad in [&compressed[..], &[0u8][..], &[][..]] {
                assert_eq!(
                    kx.start().unwrap().complete(bad).err(),
                    Some(CryptoError::InvalidPeerKey)
                );
            }
            // Zero scalar and scalars too long are not keys.
            assert!(kx.start_with_private_key(&[0; 32]).is_err());
            assert!(kx.start_with_private_key(&[0xff; 49]).is_err());
        }
    }

    // RFC 5903 §8.1: ECDH on P-256 (the "ecp256" test vector).
    #[test]
    fn kat_rfc5903_p256() {
        let i = unhex("c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433");
        let r = unhex("c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53");
        let gir = unhex("d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de");
        let a = P256.start_with_private_key(&i).unwrap();
        assert_eq!(
            &a.public_key()[1..33],
            &unhex("dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180")[..]
        );
        let b = P256.start_with_private_key(&r).unwrap();
        let pb = b.public_key().to_vec();
        assert_eq!(a.complete(&pb).unwrap().as_bytes(), gir);
        // A zero-prefixed scalar (as in Wycheproof) is the same key.
        let mut prefixed = vec![0u8];
        prefixed.extend_from_slice(&i);
        let a2 = P256.start_with_private_key(&prefixed).unwrap();
        assert_eq!(a2.complete(&pb).unwrap().as_bytes(), gir);
    }
}
