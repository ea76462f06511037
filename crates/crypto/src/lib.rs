//! # tlskit-crypto
//!
//! The crypto-provider interface of tlskit. A *provider* is a value implementing
//! [`CryptoProvider`]; the TLS code never names a crypto library, it asks its provider.
//! Three backends exist: `tlskit-crypto-ring`, `tlskit-crypto-rustcrypto` and
//! `tlskit-crypto-openssl`; `tlskit-providers` picks one by name at run time.
//!
//! Design rules (see the workspace `DESIGN.md`):
//! - AEADs seal and open **in place** on the caller's buffer with a nonce and AAD the caller
//!   computed; the record layer owns framing, a backend cannot get the record format wrong.
//! - Keys are set up once ([`Aead::new_key`], [`Hmac::with_key`]) and used many times;
//!   nothing allocates per seal/open.
//! - What a backend cannot do it reports in [`CryptoProvider::capabilities`] and answers
//!   with [`CryptoError::Unsupported`]: never a panic, never a silent fallback.
//! - Secret material ([`Secret`], [`SharedSecret`]) is zeroized on drop and never printed.

#![forbid(unsafe_code)]

pub mod aead;
pub mod der;
pub mod error;
pub mod hash;
pub mod hkdf;
pub mod hmac;
pub mod kx;
pub mod pem;
pub mod provider;
pub mod secret;
pub mod sign;
pub mod spki;

#[cfg(feature = "testkit")]
pub mod testkit;

pub use aead::{Aead, AeadAlgorithm, AeadKey, NONCE_LEN, TAG_LEN};
pub use error::CryptoError;
pub use hash::{Digest, Hash, HashAlgorithm, HashContext};
pub use hkdf::{Hkdf, HmacHkdf};
pub use hmac::{Hmac, HmacKey, Tag};
pub use kx::{ActiveKeyExchange, KeyExchange, NamedGroup};
pub use provider::{Capabilities, CryptoProvider};
pub use secret::{Secret, SharedSecret};
pub use sign::{Curve, KeyType, PrivateKeyDer, SignatureScheme, SigningKey, VerifyAlgorithm};
pub use spki::{PublicKeyAlgorithm, SubjectPublicKeyInfo};
