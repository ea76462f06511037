//! Algorithm objects fetched from OpenSSL once per process and reused.
//!
//! In OpenSSL 3 every implicit algorithm lookup (`EVP_sha256()` passed to an init call,
//! `EVP_aes_128_gcm()`, …) runs a fetch through the provider store, which takes global
//! locks (openssl#23388). Fetching each `EVP_CIPHER` / `EVP_MD` once, caching it in a
//! `OnceLock`, and handing the fetched object to every init call keeps those locks off the
//! per-record and per-message paths.
//!
//! A fetch that fails (an algorithm the loaded providers do not offer, e.g. ChaCha20 under
//! a FIPS-only configuration) is remembered as `None`, and the provider reports the
//! algorithm as unsupported.

use openssl::cipher::{Cipher, CipherRef};
use openssl::ec::{EcGroup, EcGroupRef};
use openssl::hash::{Hasher, MessageDigest};
use openssl::md::{Md, MdRef};
use openssl::nid::Nid;
use std::sync::OnceLock;
use tlskit_crypto::{AeadAlgorithm, Curve, HashAlgorithm};

/// The OpenSSL name of an AEAD cipher.
const fn cipher_name(algorithm: AeadAlgorithm) -> &'static str {
    match algorithm {
        AeadAlgorithm::Aes128Gcm => "AES-128-GCM",
        AeadAlgorithm::Aes256Gcm => "AES-256-GCM",
        AeadAlgorithm::ChaCha20Poly1305 => "ChaCha20-Poly1305",
    }
}

const fn aead_index(algorithm: AeadAlgorithm) -> usize {
    match algorithm {
        AeadAlgorithm::Aes128Gcm => 0,
        AeadAlgorithm::Aes256Gcm => 1,
        AeadAlgorithm::ChaCha20Poly1305 => 2,
    }
}

/// The OpenSSL name of a digest.
const fn digest_name(algorithm: HashAlgorithm) -> &'static str {
    match algorithm {
        HashAlgorithm::Sha256 => "SHA2-256",
        HashAlgorithm::Sha384 => "SHA2-384",
        HashAlgorithm::Sha512 => "SHA2-512",
    }
}

const fn hash_index(algorithm: HashAlgorithm) -> usize {
    match algorithm {
        HashAlgorithm::Sha256 => 0,
        HashAlgorithm::Sha384 => 1,
        HashAlgorithm::Sha512 => 2,
    }
}

static CIPHERS: [OnceLock<Option<Cipher>>; 3] = [const { OnceLock::new() }; 3];
static DIGESTS: [OnceLock<Option<Md>>; 3] = [const { OnceLock::new() }; 3];
static HASHER_TEMPLATES: [OnceLock<Option<Hasher>>; 3] = [const { OnceLock::new() }; 3];
static EC_GROUPS: [OnceLock<Option<EcGroup>>; 2] = [const { OnceLock::new() }; 2];

/// The fetched `EVP_CIPHER` for `algorithm`, if the loaded providers offer it.
pub(crate) fn cipher(algorithm: AeadAlgorithm) -> Option<&'static CipherRef> {
    CIPHERS[aead_index(algorithm)]
        .get_or_init(|| Cipher::fetch(None, cipher_name(algorithm), None).ok())
        .as_deref()
}

/// The fetched `EVP_MD` for `algorithm`, for signature contexts.
pub(crate) fn digest(algorithm: HashAlgorithm) -> Option<&'static MdRef> {
    DIGESTS[hash_index(algorithm)]
        .get_or_init(|| Md::fetch(None, digest_name(algorithm), None).ok())
        .as_deref()
}

/// A freshly initialised hashing context for `algorithm`, to be cloned.
///
/// `Hasher::new` resolves the digest once (the one fetch); every clone copies the context
/// with `EVP_MD_CTX_copy_ex`, which shares the already-fetched `EVP_MD` by reference count
/// and does no further lookup. Hash contexts and HMAC keys all start from these clones.
pub(crate) fn hasher_template(algorithm: HashAlgorithm) -> Option<&'static Hasher> {
    HASHER_TEMPLATES[hash_index(algorithm)]
        .get_or_init(|| {
            let md = match algorithm {
                HashAlgorithm::Sha256 => MessageDigest::sha256(),
                HashAlgorithm::Sha384 => MessageDigest::sha384(),
                HashAlgorithm::Sha512 => MessageDigest::sha512(),
            };
            Hasher::new(md).ok()
        })
        .as_ref()
}

/// The `EC_GROUP` of a NIST curve, built once (group construction precomputes tables).
pub(crate) fn ec_group(curve: Curve) -> Option<&'static EcGroupRef> {
    let (index, nid) = match curve {
        Curve::P256 => (0, Nid::X9_62_PRIME256V1),
        Curve::P384 => (1, Nid::SECP384R1),
    };
    EC_GROUPS[index]
        .get_or_init(|| EcGroup::from_curve_name(nid).ok())
        .as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_is_fetched_once_and_cached() {
        for a in AeadAlgorithm::ALL {
            let first = cipher(a).expect("cipher available");
            let second = cipher(a).expect("cipher available");
            assert!(std::ptr::eq(first, second), "{a:?} fetched twice");
            assert_eq!(first.key_length(), a.key_len());
            assert_eq!(first.iv_length(), tlskit_crypto::NONCE_LEN);
        }
        for h in HashAlgorithm::ALL {
            let md = digest(h).expect("digest available");
            assert_eq!(md.size(), h.output_len());
            assert!(std::ptr::eq(md, digest(h).expect("digest available")));
            assert!(hasher_template(h).is_some());
        }
        for c in [Curve::P256, Curve::P384] {
            assert!(ec_group(c).is_some());
        }
    }
}
