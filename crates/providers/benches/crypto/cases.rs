//! What the crypto benches measure: for each operation and backend, a `trait` workload
//! (through the `CryptoProvider` trait objects, as the TLS code calls them) and a `direct`
//! workload (the library the backend wraps, called through its own API). Shared by the
//! criterion bench (`crypto`) and the interleaved A/B bench (`crypto_paired`).

use crate::{direct_openssl, direct_ring, direct_rustcrypto};
use std::hint::black_box;
use std::sync::Arc;
use tlskit_crypto::{
    AeadAlgorithm, CryptoProvider, NamedGroup, PrivateKeyDer, SignatureScheme, SigningKey,
};

/// One measured operation, run repeatedly.
pub(crate) type Work = Box<dyn FnMut()>;

/// Wraps an operation; its result goes through `black_box` so it is not optimised away.
pub(crate) fn work<T>(mut operation: impl FnMut() -> T + 'static) -> Work {
    Box::new(move || {
        black_box(operation());
    })
}

/// The AEAD inputs: a fixed nonce and a TLS 1.2-style 13-byte AAD (a benchmark re-seals the
/// same buffer, which is fine for timing and never done with real keys).
pub(crate) const NONCE: [u8; 12] = [7; 12];
pub(crate) const AAD: [u8; 13] = [0, 0, 0, 0, 0, 0, 0, 1, 0x17, 0x03, 0x03, 0x40, 0x00];

/// About the size of a TLS 1.3 CertificateVerify input (64 spaces, the context string, a
/// zero byte and a SHA-256 transcript hash).
pub(crate) const MESSAGE: [u8; 130] = [0x5a; 130];

/// A zeroed record buffer starting on a 64-byte boundary, so that the `trait` and `direct`
/// entries see the same alignment whatever the allocator hands out (vector loads that
/// straddle cache lines otherwise shift AEAD timings by a few per cent).
pub(crate) struct RecordBuf {
    storage: Vec<u8>,
    start: usize,
    len: usize,
}

impl RecordBuf {
    pub(crate) fn new(len: usize) -> Self {
        let storage = vec![0u8; len + 64];
        let start = storage.as_ptr().align_offset(64);
        RecordBuf {
            storage,
            start,
            len,
        }
    }

    pub(crate) fn bytes(&mut self) -> &mut [u8] {
        &mut self.storage[self.start..self.start + self.len]
    }
}

const P256_PEM: &[u8] = include_bytes!("../../../crypto/testdata/keys/p256.pkcs8.pem");
const RSA2048_PEM: &[u8] = include_bytes!("../../../crypto/testdata/keys/rsa2048.pkcs8.pem");
const ED25519_PEM: &[u8] = include_bytes!("../../../crypto/testdata/keys/ed25519.pkcs8.pem");

/// A signature benchmark: which key, which scheme, and a short name for the id.
#[derive(Clone, Copy)]
pub(crate) struct SigCase {
    pub(crate) name: &'static str,
    pub(crate) scheme: SignatureScheme,
    pub(crate) key: KeyFile,
}

/// The test key a case uses.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyFile {
    P256,
    Rsa2048,
    Ed25519,
}

impl KeyFile {
    /// The PKCS#8 DER of the key (the files are PEM; decoding is setup, not measured).
    pub(crate) fn pkcs8_der(self) -> Vec<u8> {
        let pem = match self {
            KeyFile::P256 => P256_PEM,
            KeyFile::Rsa2048 => RSA2048_PEM,
            KeyFile::Ed25519 => ED25519_PEM,
        };
        let key = PrivateKeyDer::from_pem_or_der(pem).expect("test key PEM");
        assert!(
            matches!(key, PrivateKeyDer::Pkcs8(_)),
            "test key is not PKCS#8"
        );
        key.der().to_vec()
    }
}

const ECDSA_P256: SigCase = SigCase {
    name: "ecdsa_p256_sha256",
    scheme: SignatureScheme::EcdsaSecp256r1Sha256,
    key: KeyFile::P256,
};
const RSA_PSS: SigCase = SigCase {
    name: "rsa2048_pss_sha256",
    scheme: SignatureScheme::RsaPssRsaeSha256,
    key: KeyFile::Rsa2048,
};
const RSA_PKCS1: SigCase = SigCase {
    name: "rsa2048_pkcs1_sha256",
    scheme: SignatureScheme::RsaPkcs1Sha256,
    key: KeyFile::Rsa2048,
};
const ED25519: SigCase = SigCase {
    name: "ed25519",
    scheme: SignatureScheme::Ed25519,
    key: KeyFile::Ed25519,
};

/// One operation of a group on one backend, both ways.
pub(crate) struct Case {
    /// The operation within the group: `AES-128-GCM`, `x25519`, `rsa2048_pss_sha256`, …
    pub(crate) operation: String,
    /// `ring`, `rustcrypto` or `openssl`.
    pub(crate) backend: &'static str,
    /// Bytes per operation, for AEAD throughput.
    pub(crate) bytes: Option<u64>,
    pub(crate) trait_path: Work,
    pub(crate) direct: Work,
}

/// The groups, in run order.
pub(crate) const GROUPS: [&str; 10] = [
    "aead_seal_16KiB",
    "aead_seal_1KiB",
    "kx_x25519",
    "kx_secp256r1",
    "sign_ecdsa_p256",
    "sign_rsa2048",
    "sign_ed25519",
    "verify_ecdsa_p256",
    "verify_rsa2048",
    "verify_ed25519",
];

fn backends() -> Vec<&'static dyn CryptoProvider> {
    let all = tlskit_providers::all();
    assert_eq!(
        all.len(),
        3,
        "the crypto benches compare all three backends; build with default features"
    );
    all
}

fn load_key(provider: &'static dyn CryptoProvider, file: KeyFile) -> Arc<dyn SigningKey> {
    provider
        .load_signing_key(&PrivateKeyDer::Pkcs8(file.pkcs8_der()))
        .unwrap_or_else(|e| panic!("{} cannot load a test key: {e}", provider.name()))
}

fn aead_cases(out: &mut Vec<Case>, size: usize) {
    for alg in AeadAlgorithm::ALL {
        for provider in backends() {
            let aead = provider
                .aead(alg)
                .unwrap_or_else(|| panic!("{} lacks {}", provider.name(), alg.name()));
            let key_bytes = vec![0x42u8; alg.key_len()];
            let key = aead.new_key(&key_bytes).expect("key");
            let mut buf = RecordBuf::new(size);
            let mut tag = [0u8; 16];
            let trait_path = work(move || {
                key.seal_in_place(&NONCE, &AAD, black_box(buf.bytes()), &mut tag)
                    .expect("seal");
                tag
            });
            let direct = match provider.name() {
                "ring" => direct_ring::seal(alg, &key_bytes, size),
                "rustcrypto" => direct_rustcrypto::seal(alg, &key_bytes, size),
                "openssl" => direct_openssl::seal(alg, &key_bytes, size),
                other => panic!("no direct AEAD bench for backend {other}"),
            };
            out.push(Case {
                operation: alg.name().into(),
                backend: provider.name(),
                bytes: Some(size as u64),
                trait_path,
                direct,
            });
        }
    }
}

fn kx_cases(out: &mut Vec<Case>, named: NamedGroup) {
    for provider in backends() {
        let kx = provider
            .key_exchange(named)
            .unwrap_or_else(|| panic!("{} lacks {}", provider.name(), named.name()));
        // The peer's share comes from the same backend, made once.
        let peer = kx.start().expect("peer").public_key().to_vec();
        let direct = match provider.name() {
            "ring" => direct_ring::key_agreement(named, &peer),
            "rustcrypto" => direct_rustcrypto::key_agreement(named, &peer),
            "openssl" => direct_openssl::key_agreement(named, &peer),
            other => panic!("no direct key agreement for backend {other}"),
        };
        let trait_path = work(move || {
            let ours = kx.start().expect("start");
            black_box(ours.public_key());
            ours.complete(black_box(&peer)).expect("complete")
        });
        out.push(Case {
            operation: named.name().into(),
            backend: provider.name(),
            bytes: None,
            trait_path,
            direct,
        });
    }
}

fn sign_cases(out: &mut Vec<Case>, cases: &[SigCase]) {
    for case in cases {
        for provider in backends() {
            let key = load_key(provider, case.key);
            let scheme = case.scheme;
            let trait_path = work(move || key.sign(scheme, black_box(&MESSAGE)).expect("sign"));
            let direct = match provider.name() {
                "ring" => direct_ring::sign(*case),
                "rustcrypto" => direct_rustcrypto::sign(*case),
                "openssl" => direct_openssl::sign(*case),
                other => panic!("no direct signing for backend {other}"),
            };
            out.push(Case {
                operation: case.name.into(),
                backend: provider.name(),
                bytes: None,
                trait_path,
                direct,
            });
        }
    }
}

fn verify_cases(out: &mut Vec<Case>, cases: &[SigCase]) {
    for case in cases {
        for provider in backends() {
            let alg = case.scheme.verify_algorithm();
            let key = load_key(provider, case.key);
            let spki = key.public_key_spki();
            let signature = key.sign(case.scheme, &MESSAGE).expect("sign");
            let direct = match provider.name() {
                "ring" => direct_ring::verify(*case, &spki, &signature),
                "rustcrypto" => direct_rustcrypto::verify(*case, &spki, &signature),
                "openssl" => direct_openssl::verify(*case, &spki, &signature),
                other => panic!("no direct verification for backend {other}"),
            };
            // Through the trait a verification starts from the DER SubjectPublicKeyInfo (as
            // X.509 and CertificateVerify do): the SPKI decode is part of the cost.
            let trait_path = work(move || {
                provider
                    .verify(alg, black_box(&spki), &MESSAGE, &signature)
                    .expect("verify")
            });
            out.push(Case {
                operation: case.name.into(),
                backend: provider.name(),
                bytes: None,
                trait_path,
                direct,
            });
        }
    }
}

/// Every case of `group` (one of [`GROUPS`]); each workload is run once as a check.
pub(crate) fn cases(group: &str) -> Vec<Case> {
    let mut out = Vec::new();
    match group {
        "aead_seal_16KiB" => aead_cases(&mut out, 16 * 1024),
        "aead_seal_1KiB" => aead_cases(&mut out, 1024),
        "kx_x25519" => kx_cases(&mut out, NamedGroup::X25519),
        "kx_secp256r1" => kx_cases(&mut out, NamedGroup::Secp256r1),
        "sign_ecdsa_p256" => sign_cases(&mut out, &[ECDSA_P256]),
        "sign_rsa2048" => sign_cases(&mut out, &[RSA_PSS, RSA_PKCS1]),
        "sign_ed25519" => sign_cases(&mut out, &[ED25519]),
        "verify_ecdsa_p256" => verify_cases(&mut out, &[ECDSA_P256]),
        "verify_rsa2048" => verify_cases(&mut out, &[RSA_PSS, RSA_PKCS1]),
        "verify_ed25519" => verify_cases(&mut out, &[ED25519]),
        other => panic!("unknown group {other}"),
    }
    for case in &mut out {
        (case.trait_path)();
        (case.direct)();
    }
    out
}
