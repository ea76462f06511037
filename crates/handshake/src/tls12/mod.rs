//! TLS 1.2 (RFC 5246 with RFC 8422 ECDHE, RFC 7627 EMS, RFC 5077 tickets, RFC 5746):
//! shared key handling for both sides.

pub(crate) mod client;
pub(crate) mod server;

use crate::error::Error;
use crate::record::{NonceScheme, RecordCipher};
use crate::suites::CipherSuite;
use tlskit_crypto::{
    CryptoProvider, Curve, KeyType, SignatureScheme, SubjectPublicKeyInfo, VerifyAlgorithm,
};
use tlskit_keyschedule::tls12::Prf;
use tlskit_keyschedule::tls12::{KeyBlock, MasterSecret, WriteKeys};
use tlskit_keyschedule::{Side, Tls12Iv, TranscriptHash};
use tlskit_wire::AlertDescription;

/// Turns one direction's key-block keys into a record cipher.
pub(crate) fn record_cipher(
    provider: &dyn CryptoProvider,
    keys: &WriteKeys,
) -> Result<RecordCipher, Error> {
    let key = keys
        .new_aead_key(provider)
        .map_err(|e| Error::internal(e.to_string()))?;
    let scheme = match keys.iv() {
        Tls12Iv::Gcm(salt) => NonceScheme::Tls12Explicit {
            salt: *salt.as_bytes(),
        },
        Tls12Iv::Xor(iv) => NonceScheme::Tls12Xor { iv: *iv.as_bytes() },
    };
    Ok(RecordCipher::new(key, scheme))
}

/// The negotiated secrets of a TLS 1.2 connection once the master secret is known.
pub(crate) struct Tls12Secrets {
    pub(crate) master: MasterSecret,
    pub(crate) write: RecordCipher,
    pub(crate) read: RecordCipher,
}

/// Derives the key block and both record ciphers (RFC 5246 §6.3).
pub(crate) fn derive_ciphers(
    provider: &dyn CryptoProvider,
    master: MasterSecret,
    suite: CipherSuite,
    client_random: &[u8; 32],
    server_random: &[u8; 32],
    side: Side,
) -> Result<Tls12Secrets, Error> {
    let block: KeyBlock = master
        .key_block(suite.aead, client_random, server_random)
        .map_err(|e| Error::internal(e.to_string()))?;
    let (write, read) = block.into_write_and_read(side);
    Ok(Tls12Secrets {
        write: record_cipher(provider, &write)?,
        read: record_cipher(provider, &read)?,
        master,
    })
}

/// Computes the master secret: extended (RFC 7627 §4, session hash = transcript through
/// ClientKeyExchange) or classic (RFC 5246 §8.1).
pub(crate) fn master_secret(
    provider: &dyn CryptoProvider,
    suite: CipherSuite,
    pre_master: &[u8],
    ems: bool,
    transcript: &TranscriptHash,
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> Result<MasterSecret, Error> {
    let prf = Prf::new(provider, suite.hash).map_err(|e| Error::internal(e.to_string()))?;
    let result = if ems {
        MasterSecret::extended(prf, pre_master, &transcript.current())
    } else {
        MasterSecret::from_pre_master_secret(prf, pre_master, client_random, server_random)
    };
    result.map_err(|e| Error::internal(e.to_string()))
}

/// The verify_data `sender` must send given the transcript so far (RFC 5246 §7.4.9).
pub(crate) fn verify_data(
    master: &MasterSecret,
    sender: Side,
    transcript: &TranscriptHash,
) -> Result<Vec<u8>, Error> {
    master
        .finished_verify_data(sender, &transcript.current())
        .map(|v| v.as_bytes().to_vec())
        .map_err(|e| Error::internal(e.to_string()))
}

/// Checks the peer's Finished in constant time; a mismatch is `decrypt_error`
/// (RFC 5246 §7.4.9).
pub(crate) fn check_finished(
    master: &MasterSecret,
    sender: Side,
    transcript: &TranscriptHash,
    received: &[u8],
) -> Result<(), Error> {
    master
        .check_finished(sender, &transcript.current(), received)
        .map_err(|_| {
            Error::fatal(
                AlertDescription::DecryptError,
                "Finished verify_data mismatch",
            )
        })
}

/// The verification algorithm for a TLS 1.2 signature `scheme` made by the key in `spki`.
/// In TLS 1.2 the ECDSA code points name only the hash; the curve comes from the key
/// (RFC 5246 §7.4.1.4.1, RFC 8422 §5.4).
pub(crate) fn tls12_verify_algorithm(
    scheme: SignatureScheme,
    spki: &[u8],
) -> Result<VerifyAlgorithm, Error> {
    let info = SubjectPublicKeyInfo::from_der(spki).map_err(|_| {
        Error::fatal(
            AlertDescription::BadCertificate,
            "unreadable certificate public key",
        )
    })?;
    let algorithm = match scheme.verify_algorithm() {
        VerifyAlgorithm::Ecdsa { hash, .. } => match info.algorithm {
            tlskit_crypto::PublicKeyAlgorithm::Ec(curve) => VerifyAlgorithm::Ecdsa { curve, hash },
            _ => {
                return Err(Error::illegal(format!(
                    "{} does not fit the certificate key",
                    scheme.name()
                )))
            }
        },
        other => other,
    };
    Ok(algorithm)
}

/// The key type of a certificate's SubjectPublicKeyInfo.
pub(crate) fn spki_key_type(spki: &[u8]) -> Option<KeyType> {
    let info = SubjectPublicKeyInfo::from_der(spki).ok()?;
    Some(match info.algorithm {
        tlskit_crypto::PublicKeyAlgorithm::Ec(c) => KeyType::Ecdsa(c),
        tlskit_crypto::PublicKeyAlgorithm::Rsa | tlskit_crypto::PublicKeyAlgorithm::RsaPss => {
            KeyType::Rsa
        }
        tlskit_crypto::PublicKeyAlgorithm::Ed25519 => KeyType::Ed25519,
    })
}

/// Whether a scheme can be made by a key of `key_type` in TLS 1.2 (ECDSA codes work with
/// any curve there).
pub(crate) fn scheme_fits_key_tls12(scheme: SignatureScheme, key_type: KeyType) -> bool {
    match (scheme.key_type(), key_type) {
        (KeyType::Ecdsa(_), KeyType::Ecdsa(_)) => true,
        (a, b) => a == b,
    }
}

/// For a TLS 1.2 ECDSA signature with a key on `curve`, the code point to send: the one
/// whose hash matches the curve (what OpenSSL expects by default).
pub(crate) fn preferred_curve_scheme(curve: Curve) -> SignatureScheme {
    match curve {
        Curve::P256 => SignatureScheme::EcdsaSecp256r1Sha256,
        Curve::P384 => SignatureScheme::EcdsaSecp384r1Sha384,
    }
}
