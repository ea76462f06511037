//! Shared by the connection targets: a fixed test PKI (`fuzz/pki/`) and a deterministic
//! crypto provider, so one input always drives the same handshake.
//!
//! [`DetProvider`] is ring with two changes: `fill_random` and ephemeral key generation draw
//! from a per-side seeded stream (reset with [`reseed`] at the start of every input), so
//! randoms, session ids, key shares and ticket keys repeat from run to run. The Ed25519
//! certificates sign deterministically too, which is what lets a recorded client flight
//! (`gen_seeds`) pass the server's Finished check when replayed into `server_connection`.
#![allow(dead_code)]

use std::cell::Cell;
use std::sync::{Arc, OnceLock};
use tlskit_crypto::{
    ActiveKeyExchange, Aead, AeadAlgorithm, CryptoError, CryptoProvider, Hash, HashAlgorithm, Hkdf,
    Hmac, KeyExchange, NamedGroup, PrivateKeyDer, SignatureScheme, SigningKey, VerifyAlgorithm,
};
use tlskit_handshake::verify::{WebPkiClientVerifier, WebPkiServerVerifier};
use tlskit_handshake::{CertifiedKey, ClientAuth, ClientConfig, ProtocolVersion, ServerConfig};

const CA: &str = include_str!("../pki/ca.crt");
const SERVER_CERT: &str = include_str!("../pki/server.crt");
const SERVER_KEY: &str = include_str!("../pki/server.key");
const SERVER256_CERT: &str = include_str!("../pki/server256.crt");
const SERVER256_KEY: &str = include_str!("../pki/server256.key");
const CLIENT_CERT: &str = include_str!("../pki/client.crt");
const CLIENT_KEY: &str = include_str!("../pki/client.key");

thread_local! {
    /// One splitmix64 state per side, so the client's draws never shift the server's.
    static STREAMS: [Cell<u64>; 2] = const { [Cell::new(0), Cell::new(0)] };
}

/// Resets both sides' random streams; call first thing in every fuzz input.
pub fn reseed(seed: u64) {
    STREAMS.with(|s| {
        s[0].set(seed ^ 0x0c11_e47c_11e4_7c11);
        s[1].set(seed ^ 0x5e7e_75e7_e75e_7e75);
    });
}

fn next_u64(stream: usize) -> u64 {
    STREAMS.with(|s| {
        let cell = &s[stream % 2];
        let mut z = cell.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        cell.set(z);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
}

fn fill(stream: usize, out: &mut [u8]) {
    for chunk in out.chunks_mut(8) {
        let word = next_u64(stream).to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
}

fn ring() -> &'static dyn CryptoProvider {
    tlskit_providers::by_name("ring").expect("ring provider compiled in")
}

/// ring, with seeded randomness (see the module doc). NOT secure: fuzzing only.
#[derive(Debug)]
pub struct DetProvider {
    stream: usize,
    kx: [DetKx; 3],
}

/// The client's provider (stream 0) and the server's (stream 1).
pub static CLIENT_PROVIDER: DetProvider = DetProvider::new(0);
pub static SERVER_PROVIDER: DetProvider = DetProvider::new(1);

impl DetProvider {
    const fn new(stream: usize) -> Self {
        DetProvider {
            stream,
            kx: [
                DetKx {
                    stream,
                    group: NamedGroup::X25519,
                },
                DetKx {
                    stream,
                    group: NamedGroup::Secp256r1,
                },
                DetKx {
                    stream,
                    group: NamedGroup::Secp384r1,
                },
            ],
        }
    }
}

impl CryptoProvider for DetProvider {
    fn name(&self) -> &'static str {
        "ring"
    }
    fn description(&self) -> String {
        format!("{} with a seeded RNG (fuzzing only)", ring().description())
    }
    fn hash(&self, a: HashAlgorithm) -> Option<&'static dyn Hash> {
        ring().hash(a)
    }
    fn hmac(&self, a: HashAlgorithm) -> Option<&'static dyn Hmac> {
        ring().hmac(a)
    }
    fn hkdf(&self, a: HashAlgorithm) -> Option<&'static dyn Hkdf> {
        ring().hkdf(a)
    }
    fn aead(&self, a: AeadAlgorithm) -> Option<&'static dyn Aead> {
        ring().aead(a)
    }
    fn key_exchange(&self, group: NamedGroup) -> Option<&'static dyn KeyExchange> {
        ring().key_exchange(group)?;
        let stream = self.stream;
        let provider: &'static DetProvider = if stream == 0 {
            &CLIENT_PROVIDER
        } else {
            &SERVER_PROVIDER
        };
        provider
            .kx
            .iter()
            .find(|k| k.group == group)
            .map(|k| k as &'static dyn KeyExchange)
    }
    fn load_signing_key(&self, key: &PrivateKeyDer) -> Result<Arc<dyn SigningKey>, CryptoError> {
        ring().load_signing_key(key)
    }
    fn verify(
        &self,
        a: VerifyAlgorithm,
        spki: &[u8],
        msg: &[u8],
        sig: &[u8],
    ) -> Result<(), CryptoError> {
        ring().verify(a, spki, msg, sig)
    }
    fn fill_random(&self, out: &mut [u8]) -> Result<(), CryptoError> {
        fill(self.stream, out);
        Ok(())
    }
    fn supported_signing_schemes(&self) -> &'static [SignatureScheme] {
        ring().supported_signing_schemes()
    }
    fn supported_verify_algorithms(&self) -> &'static [VerifyAlgorithm] {
        ring().supported_verify_algorithms()
    }
}

/// A key-exchange group whose private keys come from the side's seeded stream.
#[derive(Debug)]
struct DetKx {
    stream: usize,
    group: NamedGroup,
}

impl KeyExchange for DetKx {
    fn group(&self) -> NamedGroup {
        self.group
    }
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, CryptoError> {
        let inner = ring()
            .key_exchange(self.group)
            .ok_or(CryptoError::Unsupported("group"))?;
        let len = if self.group == NamedGroup::Secp384r1 {
            48
        } else {
            32
        };
        let mut scalar = [0u8; 48];
        // A NIST scalar >= the order is rejected; another draw fixes that (p ≈ 2^-32).
        for _ in 0..8 {
            fill(self.stream, &mut scalar[..len]);
            if let Ok(active) = inner.start_with_private_key(&scalar[..len]) {
                return Ok(active);
            }
        }
        Err(CryptoError::InvalidKey)
    }
    fn start_with_private_key(
        &self,
        key: &[u8],
    ) -> Result<Box<dyn ActiveKeyExchange>, CryptoError> {
        ring()
            .key_exchange(self.group)
            .ok_or(CryptoError::Unsupported("group"))?
            .start_with_private_key(key)
    }
}

/// Certificates and keys, loaded once per process.
pub struct Pki {
    /// Ed25519 server leaf (deterministic signatures).
    pub server_ed25519: Arc<CertifiedKey>,
    /// ECDSA P-256 server leaf (ring's ECDSA signatures are randomized).
    pub server_p256: Arc<CertifiedKey>,
    /// Ed25519 client leaf for client authentication.
    pub client: Arc<CertifiedKey>,
    pub server_verifier: Arc<WebPkiServerVerifier>,
    pub client_verifier: Arc<WebPkiClientVerifier>,
}

pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let load = |provider: &'static DetProvider, cert: &str, key: &str| {
            Arc::new(
                CertifiedKey::from_pem(provider, cert.as_bytes(), key.as_bytes())
                    .expect("test key"),
            )
        };
        let mut server_chain = SERVER_CERT.to_string();
        server_chain.push_str(CA);
        Pki {
            server_ed25519: load(&SERVER_PROVIDER, &server_chain, SERVER_KEY),
            server_p256: load(&SERVER_PROVIDER, SERVER256_CERT, SERVER256_KEY),
            client: load(&CLIENT_PROVIDER, CLIENT_CERT, CLIENT_KEY),
            server_verifier: Arc::new(
                WebPkiServerVerifier::from_pem(CA.as_bytes(), &CLIENT_PROVIDER).expect("roots"),
            ),
            client_verifier: Arc::new(
                WebPkiClientVerifier::from_pem(CA.as_bytes(), &SERVER_PROVIDER).expect("roots"),
            ),
        }
    })
}

/// Connection options, decoded from one input byte by the targets.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Only TLS 1.2 (else 1.3 and 1.2, so 1.3 is negotiated).
    pub tls12: bool,
    /// The server asks for a client certificate (Optional) and the client has one.
    pub client_auth: bool,
    /// Both sides offer ALPN.
    pub alpn: bool,
    /// The client prefers X25519 but the server only takes P-256: TLS 1.3 HelloRetryRequest.
    pub hrr: bool,
    /// The server uses the P-256 certificate instead of Ed25519.
    pub p256_cert: bool,
}

impl Options {
    pub fn from_byte(b: u8) -> Self {
        Options {
            tls12: b & 1 != 0,
            client_auth: b & 2 != 0,
            alpn: b & 4 != 0,
            hrr: b & 8 != 0,
            p256_cert: b & 16 != 0,
        }
    }
}

/// A fresh server config (own session cache and ticketer, so inputs do not share state).
pub fn server_config(o: Options) -> ServerConfig {
    let pki = pki();
    let cert = if o.p256_cert {
        pki.server_p256.clone()
    } else {
        pki.server_ed25519.clone()
    };
    let mut c = ServerConfig::new(&SERVER_PROVIDER, cert).expect("server config");
    if o.client_auth {
        c.client_auth = ClientAuth::Optional(pki.client_verifier.clone());
    }
    if o.alpn {
        c.common.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    }
    if o.hrr {
        c.common.groups = vec![NamedGroup::Secp256r1];
    }
    c
}

/// A fresh client config (own session store).
pub fn client_config(o: Options) -> ClientConfig {
    let pki = pki();
    let mut c = ClientConfig::new(&CLIENT_PROVIDER, pki.server_verifier.clone());
    if o.tls12 {
        c.common.only_version(ProtocolVersion::Tls12);
    }
    if o.client_auth {
        c.client_cert = Some(pki.client.clone());
    }
    if o.alpn {
        c.common.alpn_protocols = vec![b"http/1.1".to_vec(), b"h2".to_vec()];
    }
    c
}
