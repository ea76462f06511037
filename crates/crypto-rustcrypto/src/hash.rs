//! SHA-2 (FIPS 180-4) on the `sha2` crate: incremental, and forkable by cloning the state
//! (the TLS transcript hash needs "the hash so far" without ending the computation).

use std::fmt;
use std::marker::PhantomData;
use tlskit_crypto::{Digest, Hash, HashAlgorithm, HashContext};

/// A `sha2` hash function, one static value per algorithm.
pub(crate) struct ShaHash<D> {
    algorithm: HashAlgorithm,
    _digest: PhantomData<fn() -> D>,
}

impl<D> ShaHash<D> {
    const fn new(algorithm: HashAlgorithm) -> Self {
        ShaHash {
            algorithm,
            _digest: PhantomData,
        }
    }
}

impl<D> fmt::Debug for ShaHash<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RustCrypto {:?}", self.algorithm)
    }
}

pub(crate) static SHA256: ShaHash<sha2::Sha256> = ShaHash::new(HashAlgorithm::Sha256);
pub(crate) static SHA384: ShaHash<sha2::Sha384> = ShaHash::new(HashAlgorithm::Sha384);
pub(crate) static SHA512: ShaHash<sha2::Sha512> = ShaHash::new(HashAlgorithm::Sha512);

/// The hash for `algorithm`.
pub(crate) fn hash(algorithm: HashAlgorithm) -> &'static dyn Hash {
    match algorithm {
        HashAlgorithm::Sha256 => &SHA256,
        HashAlgorithm::Sha384 => &SHA384,
        HashAlgorithm::Sha512 => &SHA512,
    }
}

impl<D> Hash for ShaHash<D>
where
    D: sha2::Digest + Clone + Send + Sync + 'static,
{
    fn algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    fn start(&self) -> Box<dyn HashContext> {
        Box::new(ShaContext(D::new()))
    }

    fn hash(&self, data: &[u8]) -> Digest {
        Digest::new(&D::digest(data))
    }
}

/// An in-progress SHA-2 computation.
struct ShaContext<D>(D);

impl<D> HashContext for ShaContext<D>
where
    D: sha2::Digest + Clone + Send + Sync + 'static,
{
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    fn fork(&self) -> Box<dyn HashContext> {
        Box::new(ShaContext(self.0.clone()))
    }

    fn finish(self: Box<Self>) -> Digest {
        Digest::new(&self.0.finalize())
    }

    fn current(&self) -> Digest {
        // No box needed: clone the state on the stack and finish the clone.
        Digest::new(&self.0.clone().finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    // FIPS 180-4 examples (NIST CSRC "SHA-256/384/512 example values"), message "abc".
    #[test]
    fn kat_fips180_abc() {
        assert_eq!(
            hex(hash(HashAlgorithm::Sha256).hash(b"abc").as_bytes()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(hash(HashAlgorithm::Sha384).hash(b"abc").as_bytes()),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
             8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(
            hex(hash(HashAlgorithm::Sha512).hash(b"abc").as_bytes()),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
    }

    #[test]
    fn fork_and_current_do_not_disturb_the_running_hash() {
        for algorithm in HashAlgorithm::ALL {
            let h = hash(algorithm);
            let mut ctx = h.start();
            ctx.update(b"ab");
            let fork = ctx.fork();
            assert_eq!(ctx.current(), h.hash(b"ab"));
            ctx.update(b"c");
            assert_eq!(ctx.current(), h.hash(b"abc"));
            assert_eq!(fork.finish(), h.hash(b"ab"));
            assert_eq!(ctx.finish(), h.hash(b"abc"));
            assert_eq!(h.hash(b"").as_bytes().len(), algorithm.output_len());
        }
    }
}
