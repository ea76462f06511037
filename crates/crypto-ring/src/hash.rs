//! SHA-2 (FIPS 180-4) over `ring::digest`; contexts fork by cloning ring's state.

use ring::digest;
use tlskit_crypto::{Digest, Hash, HashAlgorithm, HashContext};

/// A ring hash function.
#[derive(Debug)]
pub struct RingHash {
    ours: HashAlgorithm,
    ring: &'static digest::Algorithm,
}

pub(crate) static SHA256: RingHash = RingHash {
    ours: HashAlgorithm::Sha256,
    ring: &digest::SHA256,
};
pub(crate) static SHA384: RingHash = RingHash {
    ours: HashAlgorithm::Sha384,
    ring: &digest::SHA384,
};
pub(crate) static SHA512: RingHash = RingHash {
    ours: HashAlgorithm::Sha512,
    ring: &digest::SHA512,
};

/// The ring hash for `algorithm`.
pub(crate) fn lookup(algorithm: HashAlgorithm) -> &'static RingHash {
    match algorithm {
        HashAlgorithm::Sha256 => &SHA256,
        HashAlgorithm::Sha384 => &SHA384,
        HashAlgorithm::Sha512 => &SHA512,
    }
}

impl Hash for RingHash {
    fn algorithm(&self) -> HashAlgorithm {
        self.ours
    }

    fn start(&self) -> Box<dyn HashContext> {
        Box::new(RingHashContext(digest::Context::new(self.ring)))
    }

    fn hash(&self, data: &[u8]) -> Digest {
        Digest::new(digest::digest(self.ring, data).as_ref())
    }
}

/// An in-progress ring digest.
struct RingHashContext(digest::Context);

impl HashContext for RingHashContext {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    fn fork(&self) -> Box<dyn HashContext> {
        Box::new(RingHashContext(self.0.clone()))
    }

    fn finish(self: Box<Self>) -> Digest {
        Digest::new(self.0.finish().as_ref())
    }

    fn current(&self) -> Digest {
        Digest::new(self.0.clone().finish().as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fork_continues_independently() {
        let mut a = SHA256.start();
        a.update(b"ab");
        let mut b = a.fork();
        a.update(b"c");
        b.update(b"d");
        assert_eq!(a.finish(), SHA256.hash(b"abc"));
        assert_eq!(b.current(), SHA256.hash(b"abd"));
    }
}
