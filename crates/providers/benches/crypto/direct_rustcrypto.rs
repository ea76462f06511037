//! The `direct` entries for the RustCrypto crates (aes-gcm, chacha20poly1305, x25519-dalek,
//! p256, rsa, ed25519-dalek): their own APIs, no tlskit type in the loop.

use crate::cases::{work, KeyFile, RecordBuf, SigCase, Work, AAD, MESSAGE, NONCE};
use aes_gcm::aead::{AeadInOut, KeyInit};
use getrandom::rand_core::UnwrapErr;
use getrandom::SysRng;
use p256::ecdsa::signature::{RandomizedSigner, SignatureEncoding, Signer, Verifier};
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::elliptic_curve::Generate;
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey};
use std::hint::black_box;
use tlskit_crypto::{AeadAlgorithm, NamedGroup, SignatureScheme};

/// `AeadInOut::encrypt_inout_detached` (the aead 0.6 successor of the deprecated
/// `encrypt_in_place_detached`, which now forwards to it) on a keyed cipher.
fn seal_with<C>(key: &[u8], n: usize) -> Work
where
    C: AeadInOut<NonceSize = aes_gcm::aead::consts::U12> + KeyInit + 'static,
{
    let cipher = C::new_from_slice(key).expect("key");
    let nonce = aes_gcm::aead::Nonce::<C>::from(NONCE);
    let mut buf = RecordBuf::new(n);
    work(move || {
        cipher
            .encrypt_inout_detached(&nonce, &AAD, black_box(buf.bytes()).into())
            .expect("seal")
    })
}

pub(crate) fn seal(alg: AeadAlgorithm, key: &[u8], n: usize) -> Work {
    match alg {
        AeadAlgorithm::Aes128Gcm => seal_with::<aes_gcm::Aes128Gcm>(key, n),
        AeadAlgorithm::Aes256Gcm => seal_with::<aes_gcm::Aes256Gcm>(key, n),
        AeadAlgorithm::ChaCha20Poly1305 => seal_with::<chacha20poly1305::ChaCha20Poly1305>(key, n),
    }
}

/// X25519: `EphemeralSecret::random_from_rng` + `PublicKey::from` + `diffie_hellman`.
/// P-256: `ecdh::EphemeralSecret` + the uncompressed public point + `PublicKey::from_sec1_bytes`
/// + `diffie_hellman`. Both draw from the operating system RNG, as the backend does.
pub(crate) fn key_agreement(named: NamedGroup, peer: &[u8]) -> Work {
    let peer = peer.to_vec();
    match named {
        NamedGroup::X25519 => {
            let peer: [u8; 32] = peer.try_into().expect("x25519 share");
            work(move || {
                let ours = x25519_dalek::EphemeralSecret::random_from_rng(&mut UnwrapErr(SysRng));
                black_box(x25519_dalek::PublicKey::from(&ours).to_bytes());
                let shared = ours.diffie_hellman(&x25519_dalek::PublicKey::from(black_box(peer)));
                assert!(shared.was_contributory());
                shared.to_bytes()
            })
        }
        NamedGroup::Secp256r1 => work(move || {
            let ours =
                p256::ecdh::EphemeralSecret::try_generate_from_rng(&mut SysRng).expect("gen");
            black_box(ours.public_key().to_sec1_point(false));
            let peer = p256::PublicKey::from_sec1_bytes(black_box(&peer)).expect("peer");
            let shared = ours.diffie_hellman(&peer);
            let mut out = [0u8; 32];
            out.copy_from_slice(shared.raw_secret_bytes());
            out
        }),
        NamedGroup::Secp384r1 => panic!("P-384 is not in the bench"),
    }
}

/// `RandomizedSigner::try_sign_with_rng` for ECDSA (hedged RFC 6979 nonces, DER output, as
/// the backend signs), RSA-PSS and PKCS#1 v1.5 (`rsa::{pss,pkcs1v15}::SigningKey`, which
/// blind with the RNG), and `Signer::sign` for Ed25519.
pub(crate) fn sign(case: SigCase) -> Work {
    let der = case.key.pkcs8_der();
    match (case.key, case.scheme) {
        (KeyFile::P256, _) => {
            let key = p256::ecdsa::SigningKey::from_pkcs8_der(&der).expect("ecdsa key");
            work(move || {
                let sig: p256::ecdsa::DerSignature = key
                    .try_sign_with_rng(&mut SysRng, black_box(&MESSAGE))
                    .expect("sign");
                sig
            })
        }
        (KeyFile::Rsa2048, SignatureScheme::RsaPssRsaeSha256) => {
            let key = rsa::pss::SigningKey::<sha2::Sha256>::from_pkcs8_der(&der).expect("rsa key");
            work(move || {
                key.try_sign_with_rng(&mut SysRng, black_box(&MESSAGE))
                    .expect("sign")
                    .to_vec()
            })
        }
        (KeyFile::Rsa2048, SignatureScheme::RsaPkcs1Sha256) => {
            let key =
                rsa::pkcs1v15::SigningKey::<sha2::Sha256>::from_pkcs8_der(&der).expect("rsa key");
            work(move || {
                key.try_sign_with_rng(&mut SysRng, black_box(&MESSAGE))
                    .expect("sign")
                    .to_vec()
            })
        }
        (KeyFile::Ed25519, _) => {
            let key = ed25519_dalek::SigningKey::from_pkcs8_der(&der).expect("ed25519 key");
            work(move || {
                let sig: ed25519_dalek::Signature = key.sign(black_box(&MESSAGE));
                sig
            })
        }
        (key, scheme) => panic!(
            "no direct RustCrypto bench for {scheme:?} on {}",
            key_name(key)
        ),
    }
}

fn key_name(key: KeyFile) -> &'static str {
    match key {
        KeyFile::P256 => "P-256",
        KeyFile::Rsa2048 => "RSA-2048",
        KeyFile::Ed25519 => "Ed25519",
    }
}

/// Verification starting from the DER SubjectPublicKeyInfo (`DecodePublicKey`), like the
/// `trait` entry.
pub(crate) fn verify(case: SigCase, spki: &[u8], sig: &[u8]) -> Work {
    let (spki, sig) = (spki.to_vec(), sig.to_vec());
    match case.scheme {
        SignatureScheme::EcdsaSecp256r1Sha256 => work(move || {
            let key =
                p256::ecdsa::VerifyingKey::from_public_key_der(black_box(&spki)).expect("spki");
            let sig = p256::ecdsa::DerSignature::from_bytes(&sig).expect("der");
            key.verify(&MESSAGE, &sig).expect("verify")
        }),
        SignatureScheme::RsaPssRsaeSha256 => work(move || {
            let key = rsa::pss::VerifyingKey::<sha2::Sha256>::from_public_key_der(black_box(&spki))
                .expect("spki");
            let sig = rsa::pss::Signature::try_from(&sig[..]).expect("sig");
            key.verify(&MESSAGE, &sig).expect("verify")
        }),
        SignatureScheme::RsaPkcs1Sha256 => work(move || {
            let key =
                rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::from_public_key_der(black_box(&spki))
                    .expect("spki");
            let sig = rsa::pkcs1v15::Signature::try_from(&sig[..]).expect("sig");
            key.verify(&MESSAGE, &sig).expect("verify")
        }),
        SignatureScheme::Ed25519 => work(move || {
            let key =
                ed25519_dalek::VerifyingKey::from_public_key_der(black_box(&spki)).expect("spki");
            let sig = ed25519_dalek::Signature::from_slice(&sig).expect("sig");
            key.verify(&MESSAGE, &sig).expect("verify")
        }),
        other => panic!("no direct RustCrypto bench for {other:?}"),
    }
}
