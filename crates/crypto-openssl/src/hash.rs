//! SHA-2 (FIPS 180-4) through `EVP_Digest*`, incremental and forkable for the TLS
//! transcript hash (RFC 8446 §4.4.1).

use crate::algorithms;
use openssl::hash::Hasher;
use tlskit_crypto::{Digest, Hash, HashAlgorithm, HashContext};

/// One SHA-2 function.
#[derive(Debug)]
pub(crate) struct OpensslHash {
    pub(crate) algorithm: HashAlgorithm,
}

pub(crate) static SHA256: OpensslHash = OpensslHash {
    algorithm: HashAlgorithm::Sha256,
};
pub(crate) static SHA384: OpensslHash = OpensslHash {
    algorithm: HashAlgorithm::Sha384,
};
pub(crate) static SHA512: OpensslHash = OpensslHash {
    algorithm: HashAlgorithm::Sha512,
};

/// The static hash object for `algorithm`, if OpenSSL offers the digest.
pub(crate) fn for_algorithm(algorithm: HashAlgorithm) -> Option<&'static OpensslHash> {
    algorithms::hasher_template(algorithm)?;
    Some(match algorithm {
        HashAlgorithm::Sha256 => &SHA256,
        HashAlgorithm::Sha384 => &SHA384,
        HashAlgorithm::Sha512 => &SHA512,
    })
}

/// A fresh context: a copy of the prepared template (no algorithm fetch).
///
/// # Panics
/// Only if OpenSSL cannot copy a digest context (allocation failure); the `openssl` crate's
/// `Clone for Hasher` aborts the same way. The template exists whenever this type was
/// handed out, see [`for_algorithm`].
pub(crate) fn fresh_hasher(algorithm: HashAlgorithm) -> Hasher {
    match algorithms::hasher_template(algorithm) {
        Some(template) => template.clone(),
        None => unreachable_digest(algorithm),
    }
}

#[cold]
fn unreachable_digest(algorithm: HashAlgorithm) -> ! {
    panic!("OpenSSL digest {algorithm:?} vanished after it was fetched")
}

/// Feeds `data` into `hasher`.
///
/// # Panics
/// `EVP_DigestUpdate` on an initialised SHA-2 context has no failure path in OpenSSL 3
/// (the provider's update returns 1 unconditionally); the trait's infallible signature
/// leaves a panic as the only honest answer should the library's state be corrupt.
pub(crate) fn update(hasher: &mut Hasher, data: &[u8]) {
    if let Err(e) = hasher.update(data) {
        panic!("EVP_DigestUpdate failed on a SHA-2 context: {e}");
    }
}

/// Finishes `hasher` into a [`Digest`]. Panics like [`update`], for the same reason.
pub(crate) fn finish(hasher: &mut Hasher) -> Digest {
    match hasher.finish() {
        Ok(bytes) => Digest::new(&bytes),
        Err(e) => panic!("EVP_DigestFinal_ex failed on a SHA-2 context: {e}"),
    }
}

impl Hash for OpensslHash {
    fn algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    fn start(&self) -> Box<dyn HashContext> {
        Box::new(OpensslHashContext {
            hasher: fresh_hasher(self.algorithm),
        })
    }
}

/// An in-progress hash; `fork` copies the OpenSSL context (`EVP_MD_CTX_copy_ex`).
struct OpensslHashContext {
    hasher: Hasher,
}

impl HashContext for OpensslHashContext {
    fn update(&mut self, data: &[u8]) {
        update(&mut self.hasher, data);
    }

    fn fork(&self) -> Box<dyn HashContext> {
        Box::new(OpensslHashContext {
            hasher: self.hasher.clone(),
        })
    }

    fn finish(mut self: Box<Self>) -> Digest {
        finish(&mut self.hasher)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(d: &Digest) -> String {
        d.as_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// FIPS 180-4 example "abc" (NIST CSRC example values).
    #[test]
    fn sha2_abc_known_answers() {
        assert_eq!(
            hex(&SHA256.hash(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&SHA384.hash(b"abc")),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
             8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(
            hex(&SHA512.hash(b"abc")),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
    }

    #[test]
    fn incremental_fork_and_current_agree_with_one_shot() {
        for h in [&SHA256, &SHA384, &SHA512] {
            let mut ctx = h.start();
            ctx.update(b"hello ");
            let fork = ctx.fork();
            assert_eq!(ctx.current(), h.hash(b"hello "));
            ctx.update(b"world");
            assert_eq!(ctx.finish(), h.hash(b"hello world"));
            // The fork continues independently of the original.
            let mut fork = fork;
            fork.update(b"there");
            assert_eq!(fork.finish(), h.hash(b"hello there"));
        }
    }

    #[test]
    fn empty_input_digest() {
        assert_eq!(
            hex(&SHA256.hash(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
