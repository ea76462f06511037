//! The TLS 1.2 pseudorandom function (RFC 5246 §5).

use crate::KeyScheduleError;
use std::fmt;
use tlskit_crypto::{CryptoProvider, Digest, Hash, HashAlgorithm, Hmac};

/// The TLS 1.2 PRF over one hash: `PRF(secret, label, seed) = P_<hash>(secret, label + seed)`.
/// SHA-256 for every suite except those that name SHA-384 (RFC 5246 §5, RFC 5288 §3).
#[derive(Clone, Copy)]
pub struct Prf {
    hmac: &'static dyn Hmac,
    hash: &'static dyn Hash,
}

impl Prf {
    /// The PRF over the provider's HMAC-`algorithm`.
    pub fn new(
        provider: &dyn CryptoProvider,
        algorithm: HashAlgorithm,
    ) -> Result<Self, KeyScheduleError> {
        let unsupported = KeyScheduleError::UnsupportedHash(algorithm);
        Ok(Prf {
            hmac: provider.hmac(algorithm).ok_or(unsupported)?,
            hash: provider.hash(algorithm).ok_or(unsupported)?,
        })
    }

    /// The hash the PRF (and the suite's transcript hash) uses.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.hmac.hash_algorithm()
    }

    /// The provider's hash function of the same algorithm (for the transcript).
    pub fn hash(&self) -> &'static dyn Hash {
        self.hash
    }

    /// Fills `out` with `PRF(secret, label, seed)`; `seed` is the concatenation of the
    /// slices. RFC 5246 §5:
    ///
    /// ```text
    /// P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) + HMAC_hash(secret, A(2) + seed) + ...
    /// A(0) = seed, A(i) = HMAC_hash(secret, A(i-1))
    /// ```
    pub fn derive(
        &self,
        secret: &[u8],
        label: &[u8],
        seed: &[&[u8]],
        out: &mut [u8],
    ) -> Result<(), KeyScheduleError> {
        let key = self.hmac.with_key(secret)?;
        let hash_len = self.algorithm().output_len();
        // One buffer `A(i) || label || seed`, allocated once; A(i) is overwritten in place.
        let seed_len: usize = seed.iter().map(|s| s.len()).sum();
        let mut input = Vec::with_capacity(hash_len + label.len() + seed_len);
        input.resize(hash_len, 0);
        input.extend_from_slice(label);
        for part in seed {
            input.extend_from_slice(part);
        }
        let (a_slot, label_and_seed) = input.split_at_mut(hash_len);

        // A(1) = HMAC(secret, A(0)), A(0) = label + seed.
        let mut a: Digest = key.sign(&[label_and_seed]);
        for chunk in out.chunks_mut(hash_len) {
            copy_prefix(a_slot, a.as_bytes());
            let block = key.sign(&[a_slot, label_and_seed]);
            copy_prefix(chunk, block.as_bytes());
            a = key.sign(&[a.as_bytes()]);
        }
        Ok(())
    }
}

/// Copies as much of `src` as fits into the front of `dst`.
fn copy_prefix(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
}

impl fmt::Debug for Prf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prf")
            .field("algorithm", &self.algorithm())
            .finish()
    }
}
