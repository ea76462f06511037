//! The secure RNG: the operating system's generator through `getrandom`
//! (`getrandom(2)` on Linux), with no user-space state to fork or reseed.

use tlskit_crypto::CryptoError;

/// The RNG handed to RustCrypto APIs that take one (`TryCryptoRng`): failures come back as
/// errors, never as panics.
pub(crate) use getrandom::SysRng as SystemRng;

/// Fills `out` from the operating system's CSPRNG.
pub(crate) fn fill_random(out: &mut [u8]) -> Result<(), CryptoError> {
    getrandom::fill(out).map_err(|_| CryptoError::Rng)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_and_differs() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        fill_random(&mut a).unwrap();
        fill_random(&mut b).unwrap();
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 32]);
        fill_random(&mut []).unwrap();
    }
}
