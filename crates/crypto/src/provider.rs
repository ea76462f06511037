//! The provider: one value that hands out every primitive tlskit uses.

use crate::{
    Aead, AeadAlgorithm, CryptoError, Hash, HashAlgorithm, Hkdf, Hmac, KeyExchange, NamedGroup,
    PrivateKeyDer, SignatureScheme, SigningKey, VerifyAlgorithm,
};
use std::fmt;
use std::sync::Arc;

/// A crypto backend. Implementations are zero-sized or hold only prepared algorithm
/// objects, live in a `static`, and are passed around as `&'static dyn CryptoProvider`.
///
/// Every getter returns `None` (or [`CryptoError::Unsupported`]) for what the backend
/// cannot do; [`CryptoProvider::capabilities`] lists it all.
pub trait CryptoProvider: Send + Sync + fmt::Debug {
    /// The name used to pick it at run time: `"ring"`, `"rustcrypto"`, `"openssl"`.
    fn name(&self) -> &'static str;

    /// A one-line description with the library version, for reports.
    fn description(&self) -> String;

    /// A hash function.
    fn hash(&self, algorithm: HashAlgorithm) -> Option<&'static dyn Hash>;

    /// HMAC over a hash function.
    fn hmac(&self, algorithm: HashAlgorithm) -> Option<&'static dyn Hmac>;

    /// HKDF over a hash function.
    fn hkdf(&self, algorithm: HashAlgorithm) -> Option<&'static dyn Hkdf>;

    /// An AEAD cipher.
    fn aead(&self, algorithm: AeadAlgorithm) -> Option<&'static dyn Aead>;

    /// An ephemeral key-exchange group.
    fn key_exchange(&self, group: NamedGroup) -> Option<&'static dyn KeyExchange>;

    /// Loads a private key for signing. The key type (ECDSA P-256/P-384, RSA, Ed25519)
    /// comes from the key itself.
    fn load_signing_key(&self, key: &PrivateKeyDer) -> Result<Arc<dyn SigningKey>, CryptoError>;

    /// Verifies `signature` over `message` with the public key in the DER
    /// SubjectPublicKeyInfo `spki`. A key that does not fit `algorithm` (an RSA key for
    /// ECDSA, a P-384 key for a P-256 algorithm) is [`CryptoError::BadSignature`]; an
    /// algorithm the backend lacks is [`CryptoError::Unsupported`].
    fn verify(
        &self,
        algorithm: VerifyAlgorithm,
        spki: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError>;

    /// Fills `out` from a cryptographically secure RNG.
    fn fill_random(&self, out: &mut [u8]) -> Result<(), CryptoError>;

    /// Notes on what this backend cannot do or does differently, shown in capability
    /// reports (e.g. "Ed25519 private keys must be PKCS#8 v2").
    fn notes(&self) -> &'static [&'static str] {
        &[]
    }

    /// What this backend supports. The default probes the getters; backends override only
    /// to add what probing cannot see.
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            provider: self.name(),
            hashes: HashAlgorithm::ALL
                .into_iter()
                .filter(|&a| self.hash(a).is_some())
                .collect(),
            hmacs: HashAlgorithm::ALL
                .into_iter()
                .filter(|&a| self.hmac(a).is_some())
                .collect(),
            hkdfs: HashAlgorithm::ALL
                .into_iter()
                .filter(|&a| self.hkdf(a).is_some())
                .collect(),
            aeads: AeadAlgorithm::ALL
                .into_iter()
                .filter(|&a| self.aead(a).is_some())
                .collect(),
            groups: NamedGroup::ALL
                .into_iter()
                .filter(|&g| self.key_exchange(g).is_some())
                .collect(),
            signing: self.supported_signing_schemes().to_vec(),
            verifying: self.supported_verify_algorithms().to_vec(),
            notes: self.notes().to_vec(),
        }
    }

    /// The schemes keys loaded by this backend can sign with (depends on the library).
    fn supported_signing_schemes(&self) -> &'static [SignatureScheme];

    /// The verification algorithms this backend implements.
    fn supported_verify_algorithms(&self) -> &'static [VerifyAlgorithm];
}

/// What a provider supports, for reports and for tests that skip honestly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// Provider name.
    pub provider: &'static str,
    /// Hashes.
    pub hashes: Vec<HashAlgorithm>,
    /// HMACs.
    pub hmacs: Vec<HashAlgorithm>,
    /// HKDFs.
    pub hkdfs: Vec<HashAlgorithm>,
    /// AEADs.
    pub aeads: Vec<AeadAlgorithm>,
    /// Key-exchange groups.
    pub groups: Vec<NamedGroup>,
    /// Signature schemes it can sign with.
    pub signing: Vec<SignatureScheme>,
    /// Verification algorithms.
    pub verifying: Vec<VerifyAlgorithm>,
    /// Free-form limitations.
    pub notes: Vec<&'static str>,
}

impl fmt::Display for Capabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "provider {}", self.provider)?;
        writeln!(f, "  hashes:    {:?}", self.hashes)?;
        writeln!(f, "  hmac:      {:?}", self.hmacs)?;
        writeln!(f, "  hkdf:      {:?}", self.hkdfs)?;
        writeln!(
            f,
            "  aead:      {:?}",
            self.aeads.iter().map(|a| a.name()).collect::<Vec<_>>()
        )?;
        writeln!(
            f,
            "  groups:    {:?}",
            self.groups.iter().map(|g| g.name()).collect::<Vec<_>>()
        )?;
        writeln!(
            f,
            "  signing:   {:?}",
            self.signing.iter().map(|s| s.name()).collect::<Vec<_>>()
        )?;
        writeln!(f, "  verifying: {:?}", self.verifying)?;
        for note in &self.notes {
            writeln!(f, "  note: {note}")?;
        }
        Ok(())
    }
}
