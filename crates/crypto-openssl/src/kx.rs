//! Ephemeral key exchange: X25519 (RFC 7748) and ECDH on P-256 / P-384 (SEC 1 §3.3.1,
//! RFC 8422 §5.10, RFC 8446 §4.2.8.2).
//!
//! X25519 goes through `EVP_PKEY_derive`. The NIST curves use the `EC_GROUP` built once
//! per process and compute `d · Q` with `EC_POINT_mul`, which is exactly what OpenSSL's
//! `ECDH_compute_key` does for these cofactor-1 curves (constant-time ladder / nistz256),
//! without building two `EVP_PKEY`s and an `EVP_PKEY_CTX` (and their implicit fetches) per
//! handshake.

use crate::algorithms;
use openssl::bn::{BigNum, BigNumContext, BigNumRef};
use openssl::derive::Deriver;
use openssl::ec::{EcGroupRef, EcKey, EcPoint, PointConversionForm};
use openssl::error::ErrorStack;
use openssl::pkey::{Id, PKey, Private};
use std::fmt;
use tlskit_crypto::secret::constant_time_eq;
use tlskit_crypto::{ActiveKeyExchange, CryptoError, Curve, KeyExchange, NamedGroup, SharedSecret};

/// X25519 key and output length (RFC 7748 §5).
const X25519_LEN: usize = 32;

/// One key-exchange group.
#[derive(Debug)]
pub(crate) struct OpensslKeyExchange {
    group: NamedGroup,
}

pub(crate) static X25519: OpensslKeyExchange = OpensslKeyExchange {
    group: NamedGroup::X25519,
};
pub(crate) static SECP256R1: OpensslKeyExchange = OpensslKeyExchange {
    group: NamedGroup::Secp256r1,
};
pub(crate) static SECP384R1: OpensslKeyExchange = OpensslKeyExchange {
    group: NamedGroup::Secp384r1,
};

/// The static key-exchange object for `group`.
pub(crate) fn for_group(group: NamedGroup) -> Option<&'static OpensslKeyExchange> {
    match group {
        NamedGroup::X25519 => Some(&X25519),
        NamedGroup::Secp256r1 => {
            algorithms::ec_group(Curve::P256)?;
            Some(&SECP256R1)
        }
        NamedGroup::Secp384r1 => {
            algorithms::ec_group(Curve::P384)?;
            Some(&SECP384R1)
        }
    }
}

const fn curve_of(group: NamedGroup) -> Option<Curve> {
    match group {
        NamedGroup::X25519 => None,
        NamedGroup::Secp256r1 => Some(Curve::P256),
        NamedGroup::Secp384r1 => Some(Curve::P384),
    }
}

impl KeyExchange for OpensslKeyExchange {
    fn group(&self) -> NamedGroup {
        self.group
    }

    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, CryptoError> {
        match curve_of(self.group) {
            None => {
                let key = PKey::generate_x25519().map_err(|_| CryptoError::Rng)?;
                Ok(Box::new(X25519KeyPair::from_private(key)?))
            }
            Some(curve) => {
                let group = nist_group(curve)?;
                let key = EcKey::generate(group).map_err(|_| CryptoError::Rng)?;
                Ok(Box::new(EcdhKeyPair::from_key(self.group, group, key)?))
            }
        }
    }

    fn start_with_private_key(
        &self,
        private_key: &[u8],
    ) -> Result<Box<dyn ActiveKeyExchange>, CryptoError> {
        match curve_of(self.group) {
            None => {
                if private_key.len() != X25519_LEN {
                    return Err(CryptoError::InvalidKey);
                }
                // RFC 7748 §5: the scalar is clamped when used; any 32 bytes are a key.
                let key = PKey::private_key_from_raw_bytes(private_key, Id::X25519)
                    .map_err(|_| CryptoError::InvalidKey)?;
                Ok(Box::new(X25519KeyPair::from_private(key)?))
            }
            Some(curve) => {
                let group = nist_group(curve)?;
                let key = ec_key_from_scalar(group, private_key)?;
                Ok(Box::new(EcdhKeyPair::from_key(self.group, group, key)?))
            }
        }
    }
}

fn nist_group(curve: Curve) -> Result<&'static EcGroupRef, CryptoError> {
    algorithms::ec_group(curve).ok_or(CryptoError::Unsupported("elliptic curve"))
}

/// Imports a big-endian private scalar `d`, requiring 1 ≤ d < n (SEC 1 §3.2.1); leading
/// zero bytes are accepted, values of n or more are not reduced.
fn ec_key_from_scalar(group: &EcGroupRef, scalar: &[u8]) -> Result<EcKey<Private>, CryptoError> {
    let mut ctx = BigNumContext::new().map_err(|_| CryptoError::InvalidKey)?;
    let mut order = BigNum::new().map_err(|_| CryptoError::InvalidKey)?;
    group
        .order(&mut order, &mut ctx)
        .map_err(|_| CryptoError::InvalidKey)?;
    let order_len = usize::try_from(order.num_bytes()).map_err(|_| CryptoError::InvalidKey)?;
    // Bound the input before handing it to BN_bin2bn (its length is an `int`).
    if scalar.is_empty() || scalar.len() > order_len + 1 {
        return Err(CryptoError::InvalidKey);
    }
    // A secure BIGNUM is wiped when freed.
    let mut d = BigNum::new_secure().map_err(|_| CryptoError::InvalidKey)?;
    d.copy_from_slice(scalar)
        .map_err(|_| CryptoError::InvalidKey)?;
    d.set_const_time();
    if d.num_bits() == 0 || d.ucmp(&order) != std::cmp::Ordering::Less {
        return Err(CryptoError::InvalidKey);
    }
    let mut public = EcPoint::new(group).map_err(|_| CryptoError::InvalidKey)?;
    public
        .mul_generator2(group, &d, &mut ctx)
        .map_err(|_| CryptoError::InvalidKey)?;
    EcKey::from_private_components(group, &d, &public).map_err(|_| CryptoError::InvalidKey)
}

/// An X25519 key pair; OpenSSL wipes the private key when the `EVP_PKEY` is freed.
struct X25519KeyPair {
    private: PKey<Private>,
    public: [u8; X25519_LEN],
}

impl X25519KeyPair {
    fn from_private(private: PKey<Private>) -> Result<Self, CryptoError> {
        let raw = private
            .raw_public_key()
            .map_err(|_| CryptoError::InvalidKey)?;
        let public: [u8; X25519_LEN] = raw.try_into().map_err(|_| CryptoError::InvalidKey)?;
        Ok(X25519KeyPair { private, public })
    }

    fn derive(&self, peer_public_key: &[u8]) -> Result<SharedSecret, CryptoError> {
        if peer_public_key.len() != X25519_LEN {
            return Err(CryptoError::InvalidPeerKey);
        }
        let peer = PKey::public_key_from_raw_bytes(peer_public_key, Id::X25519)
            .map_err(|_| CryptoError::InvalidPeerKey)?;
        let mut secret = vec![0u8; X25519_LEN];
        let written = derive_into(&self.private, &peer, &mut secret)
            .map_err(|_| CryptoError::InvalidPeerKey)?;
        let secret = SharedSecret::new(secret);
        // RFC 7748 §6.1 / RFC 8446 §7.4.2: an all-zero output (a small-order peer point)
        // MUST be rejected. OpenSSL refuses it too; check anyway, in constant time.
        if written != X25519_LEN || constant_time_eq(secret.as_bytes(), &[0u8; X25519_LEN]) {
            return Err(CryptoError::InvalidPeerKey);
        }
        Ok(secret)
    }
}

fn derive_into(
    private: &PKey<Private>,
    peer: &PKey<openssl::pkey::Public>,
    out: &mut [u8],
) -> Result<usize, ErrorStack> {
    let mut deriver = Deriver::new(private)?;
    deriver.set_peer(peer)?;
    deriver.derive(out)
}

impl ActiveKeyExchange for X25519KeyPair {
    fn group(&self) -> NamedGroup {
        NamedGroup::X25519
    }

    fn public_key(&self) -> &[u8] {
        &self.public
    }

    fn complete(self: Box<Self>, peer_public_key: &[u8]) -> Result<SharedSecret, CryptoError> {
        self.derive(peer_public_key)
    }
}

/// An ECDH key pair on a NIST curve: the private `EC_KEY` (its scalar is freed with
/// `BN_clear_free`) and our uncompressed public point.
struct EcdhKeyPair {
    named_group: NamedGroup,
    group: &'static EcGroupRef,
    key: EcKey<Private>,
    public: Vec<u8>,
}

impl EcdhKeyPair {
    fn from_key(
        named_group: NamedGroup,
        group: &'static EcGroupRef,
        key: EcKey<Private>,
    ) -> Result<Self, CryptoError> {
        let mut ctx = BigNumContext::new().map_err(|_| CryptoError::InvalidKey)?;
        let public = key
            .public_key()
            .to_bytes(group, PointConversionForm::UNCOMPRESSED, &mut ctx)
            .map_err(|_| CryptoError::InvalidKey)?;
        if public.len() != named_group.public_key_len() {
            return Err(CryptoError::InvalidKey);
        }
        Ok(EcdhKeyPair {
            named_group,
            group,
            key,
            public,
        })
    }

    /// SEC 1 §3.3.1: P = d · Q, the shared secret is x(P) as a field-size octet string
    /// (RFC 8422 §5.10, RFC 8446 §7.4.2).
    fn derive(&self, peer_public_key: &[u8]) -> Result<SharedSecret, CryptoError> {
        // RFC 8446 §4.2.8.2 / RFC 8422 §5.4.1: only the uncompressed form 0x04 || X || Y.
        // The exact length also rules out the one-byte encoding of the point at infinity.
        if peer_public_key.len() != self.named_group.public_key_len()
            || peer_public_key.first() != Some(&0x04)
        {
            return Err(CryptoError::InvalidPeerKey);
        }
        let mut ctx = BigNumContext::new_secure().map_err(|_| CryptoError::InvalidPeerKey)?;
        // EC_POINT_oct2point rejects coordinates ≥ p and points not on the curve
        // (SEC 1 §3.2.2.1 partial validation; full validation since the cofactor is 1).
        let peer = EcPoint::from_bytes(self.group, peer_public_key, &mut ctx)
            .map_err(|_| CryptoError::InvalidPeerKey)?;
        if peer.is_infinity(self.group)
            || !peer
                .is_on_curve(self.group, &mut ctx)
                .map_err(|_| CryptoError::InvalidPeerKey)?
        {
            return Err(CryptoError::InvalidPeerKey);
        }
        let mut shared = EcPoint::new(self.group).map_err(|_| CryptoError::InvalidPeerKey)?;
        shared
            .mul2(self.group, &peer, self.key.private_key(), &mut ctx)
            .map_err(|_| CryptoError::InvalidPeerKey)?;
        if shared.is_infinity(self.group) {
            return Err(CryptoError::InvalidPeerKey);
        }
        let mut x = BigNum::new_secure().map_err(|_| CryptoError::InvalidPeerKey)?;
        let mut y = BigNum::new_secure().map_err(|_| CryptoError::InvalidPeerKey)?;
        shared
            .affine_coordinates(self.group, &mut x, &mut y, &mut ctx)
            .map_err(|_| CryptoError::InvalidPeerKey)?;
        let field_len = (self.named_group.public_key_len() - 1) / 2;
        field_bytes(&x, field_len).map(SharedSecret::new)
    }
}

/// `x` as a big-endian octet string of exactly `len` bytes (SEC 1 §2.3.5).
fn field_bytes(x: &BigNumRef, len: usize) -> Result<Vec<u8>, CryptoError> {
    let len_c = i32::try_from(len).map_err(|_| CryptoError::InvalidPeerKey)?;
    x.to_vec_padded(len_c)
        .map_err(|_| CryptoError::InvalidPeerKey)
}

impl ActiveKeyExchange for EcdhKeyPair {
    fn group(&self) -> NamedGroup {
        self.named_group
    }

    fn public_key(&self) -> &[u8] {
        &self.public
    }

    fn complete(self: Box<Self>, peer_public_key: &[u8]) -> Result<SharedSecret, CryptoError> {
        self.derive(peer_public_key)
    }
}

impl fmt::Debug for EcdhKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EcdhKeyPair({}, redacted)", self.named_group.name())
    }
}

impl fmt::Debug for X25519KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("X25519KeyPair(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        hex::decode(s).expect("test vector hex")
    }

    /// RFC 7748 §6.1 Diffie-Hellman example (shared secret as in RFC 8037 §A.6).
    #[test]
    fn rfc7748_x25519_known_answer() {
        let alice_priv = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        let alice_pub = unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        let bob_priv = unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        let bob_pub = unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        let shared = unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

        let alice = X25519.start_with_private_key(&alice_priv).expect("alice");
        assert_eq!(alice.public_key(), &alice_pub[..]);
        let bob = X25519.start_with_private_key(&bob_priv).expect("bob");
        assert_eq!(bob.public_key(), &bob_pub[..]);
        assert_eq!(
            alice.complete(&bob_pub).expect("alice").as_bytes(),
            &shared[..]
        );
        assert_eq!(
            bob.complete(&alice_pub).expect("bob").as_bytes(),
            &shared[..]
        );
    }

    /// RFC 7748 §5.2 first X25519 test vector (scalar, u-coordinate, output).
    #[test]
    fn rfc7748_x25519_function_vector() {
        let scalar = unhex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        let u = unhex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        let out = unhex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
        let kx = X25519.start_with_private_key(&scalar).expect("key");
        assert_eq!(kx.complete(&u).expect("derive").as_bytes(), &out[..]);
    }

    #[test]
    fn x25519_rejects_small_order_points_and_bad_lengths() {
        // u = 0 and u = 1 have small order: the output is all zeros.
        for u in [[0u8; 32], {
            let mut one = [0u8; 32];
            one[0] = 1;
            one
        }] {
            let kx = X25519.start().expect("start");
            assert_eq!(kx.complete(&u).unwrap_err(), CryptoError::InvalidPeerKey);
        }
        let kx = X25519.start().expect("start");
        assert_eq!(
            kx.complete(&[9u8; 31]).unwrap_err(),
            CryptoError::InvalidPeerKey
        );
        assert!(X25519.start_with_private_key(&[1; 31]).is_err());
    }

    #[test]
    fn ecdh_round_trips_on_both_curves() {
        for kx in [&SECP256R1, &SECP384R1] {
            let a = kx.start().expect("a");
            let b = kx.start().expect("b");
            assert_eq!(a.public_key().len(), kx.group.public_key_len());
            assert_eq!(a.public_key()[0], 0x04);
            let a_pub = a.public_key().to_vec();
            let b_pub = b.public_key().to_vec();
            let s1 = a.complete(&b_pub).expect("a completes");
            let s2 = b.complete(&a_pub).expect("b completes");
            assert_eq!(s1.as_bytes(), s2.as_bytes());
            assert_eq!(s1.as_bytes().len(), (kx.group.public_key_len() - 1) / 2);
        }
    }

    /// RFC 5903 §8.1: ECDH on P-256 with known private keys.
    #[test]
    fn rfc5903_p256_known_answer() {
        let i = unhex("c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433");
        let gix = "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180";
        let giy = "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3";
        let r = unhex("c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53");
        let grx = "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63";
        let gry = "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab";
        let girx = unhex("d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de");

        let initiator = SECP256R1.start_with_private_key(&i).expect("i");
        assert_eq!(hex::encode(initiator.public_key()), format!("04{gix}{giy}"));
        let responder = SECP256R1.start_with_private_key(&r).expect("r");
        assert_eq!(hex::encode(responder.public_key()), format!("04{grx}{gry}"));
        let gr = unhex(&format!("04{grx}{gry}"));
        assert_eq!(
            initiator.complete(&gr).expect("derive").as_bytes(),
            &girx[..]
        );
    }

    #[test]
    fn ecdh_rejects_invalid_peer_points() {
        let kx = SECP256R1.start().expect("start");
        let good = kx.public_key().to_vec();
        let mut compressed = vec![0x02 | (good[64] & 1)];
        compressed.extend_from_slice(&good[1..33]);
        let mut off_curve = good.clone();
        off_curve[64] ^= 1;
        let mut x_too_big = vec![0x04];
        x_too_big.extend_from_slice(&[0xff; 64]);
        let cases: [&[u8]; 6] = [
            &compressed,
            &off_curve,
            &[0x00],
            &[],
            &x_too_big,
            &good[..64],
        ];
        for peer in cases {
            let fresh = SECP256R1.start().expect("start");
            assert_eq!(
                fresh.complete(peer).unwrap_err(),
                CryptoError::InvalidPeerKey
            );
        }
        // A P-384 point is the wrong length for P-256.
        let p384 = SECP384R1.start().expect("start").public_key().to_vec();
        assert_eq!(kx.complete(&p384).unwrap_err(), CryptoError::InvalidPeerKey);
    }

    #[test]
    fn private_scalars_out_of_range_are_rejected() {
        assert!(SECP256R1.start_with_private_key(&[0u8; 32]).is_err());
        assert!(SECP256R1.start_with_private_key(&[0xff; 32]).is_err());
        assert!(SECP256R1.start_with_private_key(&[]).is_err());
        assert!(SECP256R1.start_with_private_key(&[1u8; 40]).is_err());
        // Leading zero bytes are fine (Wycheproof writes scalars that way).
        let mut padded = vec![0u8];
        padded.extend_from_slice(&[0x11; 32]);
        let a = SECP256R1.start_with_private_key(&padded).expect("padded");
        let b = SECP256R1
            .start_with_private_key(&[0x11; 32])
            .expect("plain");
        assert_eq!(a.public_key(), b.public_key());
    }
}
