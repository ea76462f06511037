//! AEADs (RFC 5116, RFC 8439) on `aes-gcm` and `chacha20poly1305`, sealing and opening in
//! place with a detached tag. The key schedule (AES round keys, the GHASH key H) runs once in
//! [`Aead::new_key`]; seal and open work on the caller's buffer and never allocate.

use aes_gcm::aead::{AeadInOut, KeyInit};
use std::fmt;
use std::marker::PhantomData;
use tlskit_crypto::{Aead, AeadAlgorithm, AeadKey, CryptoError, NONCE_LEN, TAG_LEN};

/// A cipher from the `aead` 0.6 family with 12-byte nonces and 16-byte tags.
trait Cipher:
    AeadInOut<NonceSize = aes_gcm::aead::consts::U12, TagSize = aes_gcm::aead::consts::U16>
    + KeyInit
    + Send
    + Sync
    + 'static
{
}

impl Cipher for aes_gcm::Aes128Gcm {}
impl Cipher for aes_gcm::Aes256Gcm {}
impl Cipher for chacha20poly1305::ChaCha20Poly1305 {}

/// One AEAD algorithm, one static value each.
pub(crate) struct RcAead<C> {
    algorithm: AeadAlgorithm,
    _cipher: PhantomData<fn() -> C>,
}

impl<C> RcAead<C> {
    const fn new(algorithm: AeadAlgorithm) -> Self {
        RcAead {
            algorithm,
            _cipher: PhantomData,
        }
    }
}

impl<C> fmt::Debug for RcAead<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RustCrypto {}", self.algorithm.name())
    }
}

pub(crate) static AES_128_GCM: RcAead<aes_gcm::Aes128Gcm> = RcAead::new(AeadAlgorithm::Aes128Gcm);
pub(crate) static AES_256_GCM: RcAead<aes_gcm::Aes256Gcm> = RcAead::new(AeadAlgorithm::Aes256Gcm);
pub(crate) static CHACHA20_POLY1305: RcAead<chacha20poly1305::ChaCha20Poly1305> =
    RcAead::new(AeadAlgorithm::ChaCha20Poly1305);

/// The AEAD for `algorithm`.
pub(crate) fn aead(algorithm: AeadAlgorithm) -> &'static dyn Aead {
    match algorithm {
        AeadAlgorithm::Aes128Gcm => &AES_128_GCM,
        AeadAlgorithm::Aes256Gcm => &AES_256_GCM,
        AeadAlgorithm::ChaCha20Poly1305 => &CHACHA20_POLY1305,
    }
}

impl<C: Cipher> Aead for RcAead<C> {
    fn algorithm(&self) -> AeadAlgorithm {
        self.algorithm
    }

    fn new_key(&self, key: &[u8]) -> Result<Box<dyn AeadKey>, CryptoError> {
        if key.len() != self.algorithm.key_len() {
            return Err(CryptoError::InvalidKey);
        }
        let cipher = C::new_from_slice(key).map_err(|_| CryptoError::InvalidKey)?;
        Ok(Box::new(RcAeadKey {
            cipher,
            algorithm: self.algorithm,
        }))
    }
}

/// An expanded key. The crates' `zeroize` features wipe the round keys on drop.
struct RcAeadKey<C> {
    cipher: C,
    algorithm: AeadAlgorithm,
}

impl<C: Cipher> AeadKey for RcAeadKey<C> {
    fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &mut [u8; TAG_LEN],
    ) -> Result<(), CryptoError> {
        let nonce = aes_gcm::aead::Nonce::<C>::from(*nonce);
        // Fails only for inputs past the algorithm's length limits (2^36 bytes for GCM).
        let computed = self
            .cipher
            .encrypt_inout_detached(&nonce, aad, in_out.into())
            .map_err(|_| CryptoError::InvalidInput)?;
        tag.copy_from_slice(&computed);
        Ok(())
    }

    fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), CryptoError> {
        let nonce = aes_gcm::aead::Nonce::<C>::from(*nonce);
        let tag = aes_gcm::aead::Tag::<C>::from(*tag);
        // The crates compare the tag in constant time and decrypt only after it matched.
        self.cipher
            .decrypt_inout_detached(&nonce, aad, in_out.into(), &tag)
            .map_err(|_| CryptoError::DecryptFailed)
    }

    fn algorithm(&self) -> AeadAlgorithm {
        self.algorithm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // RFC 8439 §2.8.2: the AEAD_CHACHA20_POLY1305 example.
    #[test]
    fn kat_rfc8439_aead() {
        let key = unhex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        let nonce: [u8; 12] = unhex("070000004041424344454647").try_into().unwrap();
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

        let k = aead(AeadAlgorithm::ChaCha20Poly1305).new_key(&key).unwrap();
        let mut buf = plaintext.to_vec();
        let mut tag = [0u8; 16];
        k.seal_in_place(&nonce, &aad, &mut buf, &mut tag).unwrap();
        assert_eq!(buf, expected_ct);
        assert_eq!(tag.to_vec(), expected_tag);

        k.open_in_place(&nonce, &aad, &mut buf, &tag).unwrap();
        assert_eq!(&buf[..], &plaintext[..]);
    }

    // NIST GCM spec (McGrew & Viega), test case 3 (AES-128, no AAD).
    #[test]
    fn kat_gcm_test_case_3() {
        let key = unhex("feffe9928665731c6d6a8f9467308308");
        let nonce: [u8; 12] = unhex("cafebabefacedbaddecaf888").try_into().unwrap();
        let mut buf = unhex(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
             1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
        );
        let k = aead(AeadAlgorithm::Aes128Gcm).new_key(&key).unwrap();
        let mut tag = [0u8; 16];
        k.seal_in_place(&nonce, &[], &mut buf, &mut tag).unwrap();
        assert_eq!(
            buf,
            unhex(
                "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e\
                 21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"
            )
        );
        assert_eq!(tag.to_vec(), unhex("4d5c2af327cd64a62cf35abd2ba6fab4"));
    }

    #[test]
    fn tampering_is_detected_and_sizes_are_checked() {
        for algorithm in AeadAlgorithm::ALL {
            let a = aead(algorithm);
            assert_eq!(
                a.new_key(&[0; 15]).err(),
                Some(CryptoError::InvalidKey),
                "{algorithm:?}"
            );
            let k = a.new_key(&vec![7; algorithm.key_len()]).unwrap();
            let nonce = [1u8; 12];
            let mut buf = b"record body".to_vec();
            let mut tag = [0u8; 16];
            k.seal_in_place(&nonce, b"hdr", &mut buf, &mut tag).unwrap();

            let mut bad_tag = tag;
            bad_tag[0] ^= 1;
            let mut copy = buf.clone();
            assert_eq!(
                k.open_in_place(&nonce, b"hdr", &mut copy, &bad_tag),
                Err(CryptoError::DecryptFailed)
            );
            let mut copy = buf.clone();
            assert_eq!(
                k.open_in_place(&nonce, b"hdR", &mut copy, &tag),
                Err(CryptoError::DecryptFailed)
            );

            // Combined form: ciphertext || tag.
            let mut combined = buf.clone();
            combined.extend_from_slice(&tag);
            let n = k
                .open_combined_in_place(&nonce, b"hdr", &mut combined)
                .unwrap();
            assert_eq!(&combined[..n], b"record body");
            assert_eq!(
                k.open_combined_in_place(&nonce, b"hdr", &mut [0u8; 15]),
                Err(CryptoError::DecryptFailed)
            );

            // Empty plaintext still authenticates the AAD.
            let mut empty = [0u8; 0];
            k.seal_in_place(&nonce, b"aad", &mut empty, &mut tag)
                .unwrap();
            assert!(k.open_in_place(&nonce, b"aad", &mut empty, &tag).is_ok());
            assert_eq!(k.algorithm(), algorithm);
        }
    }
}
