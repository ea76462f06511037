//! The `direct` entries for the `openssl` crate (the system OpenSSL 3): `CipherCtx`,
//! `Deriver`, `Signer` / `Verifier`, no tlskit type in the loop.

use crate::cases::{work, KeyFile, RecordBuf, SigCase, Work, AAD, MESSAGE, NONCE};
use openssl::bn::BigNumContext;
use openssl::cipher::Cipher;
use openssl::cipher_ctx::CipherCtx;
use openssl::derive::Deriver;
use openssl::ec::{EcGroup, EcKey, EcPoint, PointConversionForm};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey};
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Signer, Verifier};
use std::hint::black_box;
use tlskit_crypto::{AeadAlgorithm, NamedGroup, SignatureScheme};

/// A `CipherCtx` keyed once; per record: set the nonce, absorb the AAD, encrypt in place,
/// finalise, read the tag.
pub(crate) fn seal(alg: AeadAlgorithm, key: &[u8], n: usize) -> Work {
    // An explicitly fetched cipher (OpenSSL 3's recommended form); the key schedule is
    // computed once here.
    let cipher = Cipher::fetch(None, alg.name(), None).expect("fetch");
    let mut ctx = CipherCtx::new().expect("ctx");
    ctx.encrypt_init(Some(&cipher), Some(key), None)
        .expect("init");
    let mut buf = RecordBuf::new(n);
    let mut tag = [0u8; 16];
    work(move || {
        ctx.encrypt_init(None, None, Some(&NONCE)).expect("nonce");
        ctx.cipher_update(&AAD, None).expect("aad");
        let buf = buf.bytes();
        let len = buf.len();
        ctx.cipher_update_inplace(black_box(buf), len)
            .expect("update");
        ctx.cipher_final(&mut []).expect("final");
        ctx.tag(&mut tag).expect("tag");
        black_box(&tag);
    })
}

/// X25519: `PKey::generate_x25519` + raw public key + `Deriver`. P-256: `EcKey::generate` +
/// the uncompressed point + the peer point decoded + `Deriver`.
pub(crate) fn key_agreement(named: NamedGroup, peer: &[u8]) -> Work {
    let peer = peer.to_vec();
    match named {
        NamedGroup::X25519 => work(move || {
            let ours = PKey::generate_x25519().expect("gen");
            black_box(ours.raw_public_key().expect("public"));
            let peer = PKey::public_key_from_raw_bytes(black_box(&peer), Id::X25519).expect("peer");
            let mut deriver = Deriver::new(&ours).expect("deriver");
            deriver.set_peer(&peer).expect("set peer");
            let mut out = [0u8; 32];
            deriver.derive(&mut out).expect("derive");
            out
        }),
        NamedGroup::Secp256r1 => {
            let ec = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("group");
            work(move || {
                let mut bn = BigNumContext::new().expect("bn");
                let ours = EcKey::generate(&ec).expect("gen");
                black_box(
                    ours.public_key()
                        .to_bytes(&ec, PointConversionForm::UNCOMPRESSED, &mut bn)
                        .expect("public"),
                );
                let ours = PKey::from_ec_key(ours).expect("pkey");
                let point = EcPoint::from_bytes(&ec, black_box(&peer), &mut bn).expect("peer");
                let peer = PKey::from_ec_key(EcKey::from_public_key(&ec, &point).expect("key"))
                    .expect("pkey");
                let mut deriver = Deriver::new(&ours).expect("deriver");
                deriver.set_peer(&peer).expect("set peer");
                let mut out = [0u8; 32];
                deriver.derive(&mut out).expect("derive");
                out
            })
        }
        NamedGroup::Secp384r1 => panic!("P-384 is not in the bench"),
    }
}

/// `Signer::new` (+ RSA padding settings) + `sign_oneshot_to_vec` per signature.
pub(crate) fn sign(case: SigCase) -> Work {
    let pkey = PKey::private_key_from_pkcs8(&case.key.pkcs8_der()).expect("key");
    work(move || {
        let mut signer = match case.key {
            KeyFile::Ed25519 => Signer::new_without_digest(&pkey).expect("signer"),
            _ => Signer::new(MessageDigest::sha256(), &pkey).expect("signer"),
        };
        match case.scheme {
            SignatureScheme::RsaPssRsaeSha256 => {
                signer.set_rsa_padding(Padding::PKCS1_PSS).expect("pss");
                signer
                    .set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
                    .expect("salt");
                signer
                    .set_rsa_mgf1_md(MessageDigest::sha256())
                    .expect("mgf1");
            }
            SignatureScheme::RsaPkcs1Sha256 => {
                signer.set_rsa_padding(Padding::PKCS1).expect("pkcs1");
            }
            _ => {}
        }
        signer
            .sign_oneshot_to_vec(black_box(&MESSAGE))
            .expect("sign")
    })
}

/// `PKey::public_key_from_der` (the SPKI) + `Verifier` per verification, like the `trait`
/// entry, which also starts from the SPKI.
pub(crate) fn verify(case: SigCase, spki: &[u8], sig: &[u8]) -> Work {
    let (spki, sig) = (spki.to_vec(), sig.to_vec());
    work(move || {
        let public = PKey::public_key_from_der(black_box(&spki)).expect("spki");
        let mut verifier = match case.key {
            KeyFile::Ed25519 => Verifier::new_without_digest(&public).expect("verifier"),
            _ => Verifier::new(MessageDigest::sha256(), &public).expect("verifier"),
        };
        match case.scheme {
            SignatureScheme::RsaPssRsaeSha256 => {
                verifier.set_rsa_padding(Padding::PKCS1_PSS).expect("pss");
                verifier
                    .set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
                    .expect("salt");
                verifier
                    .set_rsa_mgf1_md(MessageDigest::sha256())
                    .expect("mgf1");
            }
            SignatureScheme::RsaPkcs1Sha256 => {
                verifier.set_rsa_padding(Padding::PKCS1).expect("pkcs1");
            }
            _ => {}
        }
        assert!(verifier.verify_oneshot(&sig, &MESSAGE).expect("verify"));
    })
}
