//! The `direct` entries for ring: the library's own API, no tlskit type in the loop.

use crate::cases::{work, KeyFile, RecordBuf, SigCase, Work, AAD, MESSAGE, NONCE};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair};
use ring::{aead, agreement};
use std::hint::black_box;
use tlskit_crypto::{AeadAlgorithm, NamedGroup, SignatureScheme, SubjectPublicKeyInfo};

/// `LessSafeKey::seal_in_place_separate_tag` on a prepared key.
pub(crate) fn seal(alg: AeadAlgorithm, key: &[u8], n: usize) -> Work {
    let algorithm = match alg {
        AeadAlgorithm::Aes128Gcm => &aead::AES_128_GCM,
        AeadAlgorithm::Aes256Gcm => &aead::AES_256_GCM,
        AeadAlgorithm::ChaCha20Poly1305 => &aead::CHACHA20_POLY1305,
    };
    let key = aead::LessSafeKey::new(aead::UnboundKey::new(algorithm, key).expect("key"));
    let mut buf = RecordBuf::new(n);
    work(move || {
        key.seal_in_place_separate_tag(
            aead::Nonce::assume_unique_for_key(NONCE),
            aead::Aad::from(&AAD),
            black_box(buf.bytes()),
        )
        .expect("seal")
    })
}

/// `EphemeralPrivateKey::generate` + `compute_public_key` + `agree_ephemeral`.
pub(crate) fn key_agreement(named: NamedGroup, peer: &[u8]) -> Work {
    let peer = peer.to_vec();
    let algorithm = match named {
        NamedGroup::X25519 => &agreement::X25519,
        NamedGroup::Secp256r1 => &agreement::ECDH_P256,
        NamedGroup::Secp384r1 => &agreement::ECDH_P384,
    };
    let rng = SystemRandom::new();
    work(move || {
        let ours = agreement::EphemeralPrivateKey::generate(algorithm, &rng).expect("gen");
        black_box(ours.compute_public_key().expect("public"));
        let peer = agreement::UnparsedPublicKey::new(algorithm, black_box(&peer));
        agreement::agree_ephemeral(ours, &peer, |secret| {
            let mut out = [0u8; 48];
            out[..secret.len()].copy_from_slice(secret);
            out
        })
        .expect("agree")
    })
}

/// `EcdsaKeyPair::sign`, `RsaKeyPair::sign`, `Ed25519KeyPair::sign`.
pub(crate) fn sign(case: SigCase) -> Work {
    let der = case.key.pkcs8_der();
    let rng = SystemRandom::new();
    match case.key {
        KeyFile::P256 => {
            let alg = &signature::ECDSA_P256_SHA256_ASN1_SIGNING;
            let pair = EcdsaKeyPair::from_pkcs8(alg, &der, &rng).expect("ecdsa key");
            work(move || pair.sign(&rng, black_box(&MESSAGE)).expect("sign"))
        }
        KeyFile::Rsa2048 => {
            let pair = RsaKeyPair::from_pkcs8(&der).expect("rsa key");
            let padding: &'static dyn signature::RsaEncoding = match case.scheme {
                SignatureScheme::RsaPssRsaeSha256 => &signature::RSA_PSS_SHA256,
                SignatureScheme::RsaPkcs1Sha256 => &signature::RSA_PKCS1_SHA256,
                other => panic!("no direct ring bench for {other:?}"),
            };
            let mut out = vec![0u8; pair.public().modulus_len()];
            work(move || {
                pair.sign(padding, &rng, black_box(&MESSAGE), &mut out)
                    .expect("sign");
                black_box(&out);
            })
        }
        KeyFile::Ed25519 => {
            // OpenSSL writes PKCS#8 v1 (no public key), which only this constructor reads.
            let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).expect("ed25519 key");
            work(move || pair.sign(black_box(&MESSAGE)))
        }
    }
}

/// `UnparsedPublicKey::verify` on the raw public key. ring has no SPKI parser, so the key
/// is taken out of the SubjectPublicKeyInfo once, outside the loop: the `trait` entry also
/// pays for that decode.
pub(crate) fn verify(case: SigCase, spki: &[u8], sig: &[u8]) -> Work {
    let (spki, sig) = (spki.to_vec(), sig.to_vec());
    let alg: &'static dyn signature::VerificationAlgorithm = match case.scheme {
        SignatureScheme::EcdsaSecp256r1Sha256 => &signature::ECDSA_P256_SHA256_ASN1,
        SignatureScheme::RsaPssRsaeSha256 => &signature::RSA_PSS_2048_8192_SHA256,
        SignatureScheme::RsaPkcs1Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        SignatureScheme::Ed25519 => &signature::ED25519,
        other => panic!("no direct ring bench for {other:?}"),
    };
    let raw = SubjectPublicKeyInfo::from_der(&spki)
        .expect("spki")
        .key
        .to_vec();
    work(move || {
        signature::UnparsedPublicKey::new(alg, black_box(&raw))
            .verify(&MESSAGE, &sig)
            .expect("verify")
    })
}
