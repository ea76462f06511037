//! AEAD (RFC 5116): AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 (RFC 8439) through
//! `EVP_CIPHER_CTX`, sealing and opening in place.
//!
//! `new_key` builds two contexts per key, one initialised for encryption and one for
//! decryption, each with the fetched cipher and the key (so the AES key schedule / GHASH
//! table is computed once). Each record then only re-initialises the nonce
//! (`EVP_CipherInit_ex(ctx, NULL, NULL, NULL, iv)`), absorbs the AAD, runs the cipher over
//! the caller's buffer in place, and finalises. No allocation happens per record.
//!
//! `AeadKey` methods take `&self` and keys must be `Send + Sync`, while an
//! `EVP_CIPHER_CTX` is mutable state: each context sits behind a `Mutex`. A TLS connection
//! uses one key per direction from one thread at a time, so the lock is uncontended; the
//! separate seal and open contexts mean a key used both ways never blocks itself.

use crate::algorithms;
use openssl::cipher_ctx::CipherCtx;
use std::sync::{Mutex, MutexGuard, PoisonError};
use tlskit_crypto::{Aead, AeadAlgorithm, AeadKey, CryptoError, NONCE_LEN, TAG_LEN};

/// One AEAD algorithm.
#[derive(Debug)]
pub(crate) struct OpensslAead {
    algorithm: AeadAlgorithm,
}

pub(crate) static AES_128_GCM: OpensslAead = OpensslAead {
    algorithm: AeadAlgorithm::Aes128Gcm,
};
pub(crate) static AES_256_GCM: OpensslAead = OpensslAead {
    algorithm: AeadAlgorithm::Aes256Gcm,
};
pub(crate) static CHACHA20_POLY1305: OpensslAead = OpensslAead {
    algorithm: AeadAlgorithm::ChaCha20Poly1305,
};

/// The static AEAD object for `algorithm`, if the loaded OpenSSL providers offer it.
pub(crate) fn for_algorithm(algorithm: AeadAlgorithm) -> Option<&'static OpensslAead> {
    algorithms::cipher(algorithm)?;
    Some(match algorithm {
        AeadAlgorithm::Aes128Gcm => &AES_128_GCM,
        AeadAlgorithm::Aes256Gcm => &AES_256_GCM,
        AeadAlgorithm::ChaCha20Poly1305 => &CHACHA20_POLY1305,
    })
}

impl Aead for OpensslAead {
    fn algorithm(&self) -> AeadAlgorithm {
        self.algorithm
    }

    fn new_key(&self, key: &[u8]) -> Result<Box<dyn AeadKey>, CryptoError> {
        if key.len() != self.algorithm.key_len() {
            return Err(CryptoError::InvalidKey);
        }
        let cipher =
            algorithms::cipher(self.algorithm).ok_or(CryptoError::Unsupported("AEAD cipher"))?;
        // Both AEADs default to a 12-byte IV (RFC 5116 §3.2, RFC 8439 §2.8); check rather
        // than assume, since the nonce is passed without a length.
        if cipher.iv_length() != NONCE_LEN || cipher.key_length() != key.len() {
            return Err(CryptoError::Unsupported("AEAD cipher parameters"));
        }

        let mut seal = CipherCtx::new().map_err(|_| CryptoError::InvalidKey)?;
        seal.encrypt_init(Some(cipher), Some(key), None)
            .map_err(|_| CryptoError::InvalidKey)?;
        let mut open = CipherCtx::new().map_err(|_| CryptoError::InvalidKey)?;
        open.decrypt_init(Some(cipher), Some(key), None)
            .map_err(|_| CryptoError::InvalidKey)?;

        Ok(Box::new(OpensslAeadKey {
            algorithm: self.algorithm,
            seal: Mutex::new(seal),
            open: Mutex::new(open),
        }))
    }
}

/// A key with its two prepared contexts. OpenSSL wipes the key schedule when the contexts
/// are freed (`EVP_CIPHER_CTX_free` → the provider's `OPENSSL_clear_free`).
struct OpensslAeadKey {
    algorithm: AeadAlgorithm,
    seal: Mutex<CipherCtx>,
    open: Mutex<CipherCtx>,
}

/// Locks a context. A poisoned lock (a panic elsewhere while it was held) is harmless here:
/// every use starts by re-initialising the nonce, which resets the per-message state.
fn lock(ctx: &Mutex<CipherCtx>) -> MutexGuard<'_, CipherCtx> {
    ctx.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `EVP_CipherUpdate` takes an `int` length; longer inputs are refused, not truncated.
fn fits_c_int(len: usize) -> bool {
    i32::try_from(len).is_ok()
}

impl AeadKey for OpensslAeadKey {
    fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &mut [u8; TAG_LEN],
    ) -> Result<(), CryptoError> {
        if !fits_c_int(aad.len()) || !fits_c_int(in_out.len()) {
            return Err(CryptoError::InvalidInput);
        }
        let mut ctx = lock(&self.seal);
        ctx.encrypt_init(None, None, Some(nonce))
            .map_err(|_| CryptoError::InvalidInput)?;
        if !aad.is_empty() {
            ctx.cipher_update(aad, None)
                .map_err(|_| CryptoError::InvalidInput)?;
        }
        if !in_out.is_empty() {
            let len = in_out.len();
            let written = ctx
                .cipher_update_inplace(in_out, len)
                .map_err(|_| CryptoError::InvalidInput)?;
            // GCM and ChaCha20-Poly1305 are stream modes: all output comes from update.
            if written != len {
                return Err(CryptoError::InvalidInput);
            }
        }
        let mut trailing = [0u8; TAG_LEN];
        let written = ctx
            .cipher_final(&mut trailing)
            .map_err(|_| CryptoError::InvalidInput)?;
        if written != 0 {
            return Err(CryptoError::InvalidInput);
        }
        ctx.tag(tag).map_err(|_| CryptoError::InvalidInput)
    }

    fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), CryptoError> {
        if !fits_c_int(aad.len()) || !fits_c_int(in_out.len()) {
            return Err(CryptoError::DecryptFailed);
        }
        let mut ctx = lock(&self.open);
        let result = open_with(&mut ctx, nonce, aad, in_out, tag);
        if result.is_err() {
            // Never leave unauthenticated plaintext in the caller's buffer.
            in_out.fill(0);
        }
        result
    }

    fn algorithm(&self) -> AeadAlgorithm {
        self.algorithm
    }
}

/// Decrypts in place and checks the tag; OpenSSL compares tags with `CRYPTO_memcmp`
/// (constant time) in the final call.
fn open_with(
    ctx: &mut CipherCtx,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    in_out: &mut [u8],
    tag: &[u8; TAG_LEN],
) -> Result<(), CryptoError> {
    ctx.decrypt_init(None, None, Some(nonce))
        .map_err(|_| CryptoError::DecryptFailed)?;
    if !aad.is_empty() {
        ctx.cipher_update(aad, None)
            .map_err(|_| CryptoError::DecryptFailed)?;
    }
    if !in_out.is_empty() {
        let len = in_out.len();
        let written = ctx
            .cipher_update_inplace(in_out, len)
            .map_err(|_| CryptoError::DecryptFailed)?;
        if written != len {
            return Err(CryptoError::DecryptFailed);
        }
    }
    ctx.set_tag(tag).map_err(|_| CryptoError::DecryptFailed)?;
    let mut trailing = [0u8; TAG_LEN];
    match ctx.cipher_final(&mut trailing) {
        Ok(0) => Ok(()),
        _ => Err(CryptoError::DecryptFailed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        hex::decode(s).expect("test vector hex")
    }

    /// RFC 8439 §2.8.2 AEAD_CHACHA20_POLY1305 example.
    #[test]
    fn rfc8439_chacha20_poly1305_known_answer() {
        let key = unhex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        let nonce: [u8; 12] = unhex("070000004041424344454647").try_into().expect("nonce");
        let aad = unhex("50515253c0c1c2c3c4c5c6c7");
        let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you \
only one tip for the future, sunscreen would be it.";
        let expected_ct = unhex(
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6\
             3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36\
             92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc\
             3ff4def08e4b7a9de576d26586cec64b6116",
        );
        let expected_tag = unhex("1ae10b594f09e26a7e902ecbd0600691");

        let k = CHACHA20_POLY1305.new_key(&key).expect("key");
        let mut buf = plaintext.to_vec();
        let mut tag = [0u8; 16];
        k.seal_in_place(&nonce, &aad, &mut buf, &mut tag)
            .expect("seal");
        assert_eq!(buf, expected_ct);
        assert_eq!(tag.to_vec(), expected_tag);

        k.open_in_place(&nonce, &aad, &mut buf, &tag).expect("open");
        assert_eq!(&buf[..], &plaintext[..]);
    }

    /// McGrew & Viega, "The Galois/Counter Mode of Operation", test case 4 (AES-128,
    /// 60-byte plaintext, 20-byte AAD) — the standard GCM vector.
    #[test]
    fn gcm_spec_test_case_4() {
        let key = unhex("feffe9928665731c6d6a8f9467308308");
        let nonce: [u8; 12] = unhex("cafebabefacedbaddecaf888").try_into().expect("nonce");
        let pt = unhex(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
             1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        );
        let aad = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        let ct = unhex(
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e\
             21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
        );
        let expected_tag = unhex("5bc94fbc3221a5db94fae95ae7121a47");

        let k = AES_128_GCM.new_key(&key).expect("key");
        let mut buf = pt.clone();
        let mut tag = [0u8; 16];
        k.seal_in_place(&nonce, &aad, &mut buf, &mut tag)
            .expect("seal");
        assert_eq!(buf, ct);
        assert_eq!(tag.to_vec(), expected_tag);
        k.open_in_place(&nonce, &aad, &mut buf, &tag).expect("open");
        assert_eq!(buf, pt);
    }

    #[test]
    fn key_is_reused_across_records_and_tampering_is_detected() {
        for aead in [&AES_128_GCM, &AES_256_GCM, &CHACHA20_POLY1305] {
            let key = vec![7u8; aead.algorithm.key_len()];
            let sealer = aead.new_key(&key).expect("key");
            let opener = aead.new_key(&key).expect("key");
            for seq in 0u8..4 {
                let nonce = [seq; 12];
                let aad = [0x17, 0x03, 0x03, 0x00, seq];
                let mut record = vec![seq; 100 + usize::from(seq)];
                let mut tag = [0u8; 16];
                sealer
                    .seal_in_place(&nonce, &aad, &mut record, &mut tag)
                    .expect("seal");
                let mut combined = record.clone();
                combined.extend_from_slice(&tag);
                let n = opener
                    .open_combined_in_place(&nonce, &aad, &mut combined)
                    .expect("open");
                assert_eq!(&combined[..n], &vec![seq; 100 + usize::from(seq)][..]);

                // A flipped ciphertext bit, a wrong AAD, or a wrong tag all fail, and the
                // buffer is wiped.
                let mut bad = record.clone();
                bad[0] ^= 1;
                assert_eq!(
                    opener.open_in_place(&nonce, &aad, &mut bad, &tag),
                    Err(CryptoError::DecryptFailed)
                );
                assert!(bad.iter().all(|&b| b == 0));
                let mut copy = record.clone();
                assert_eq!(
                    opener.open_in_place(&nonce, &[1], &mut copy, &tag),
                    Err(CryptoError::DecryptFailed)
                );
                let mut bad_tag = tag;
                bad_tag[15] ^= 0x80;
                let mut copy = record.clone();
                assert_eq!(
                    opener.open_in_place(&nonce, &aad, &mut copy, &bad_tag),
                    Err(CryptoError::DecryptFailed)
                );
                // And the opener still works after failures.
                let mut copy = record.clone();
                opener
                    .open_in_place(&nonce, &aad, &mut copy, &tag)
                    .expect("open after failures");
            }
        }
    }

    #[test]
    fn empty_plaintext_and_wrong_key_length() {
        let k = AES_256_GCM.new_key(&[1; 32]).expect("key");
        let mut tag = [0u8; 16];
        k.seal_in_place(&[0; 12], b"", &mut [], &mut tag)
            .expect("seal empty");
        k.open_in_place(&[0; 12], b"", &mut [], &tag)
            .expect("open empty");
        assert!(matches!(
            AES_128_GCM.new_key(&[0; 15]),
            Err(CryptoError::InvalidKey)
        ));
        assert!(matches!(
            CHACHA20_POLY1305.new_key(&[0; 16]),
            Err(CryptoError::InvalidKey)
        ));
        let mut short = [0u8; 15];
        assert_eq!(
            k.open_combined_in_place(&[0; 12], b"", &mut short),
            Err(CryptoError::DecryptFailed)
        );
    }
}
