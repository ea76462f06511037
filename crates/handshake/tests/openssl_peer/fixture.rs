//! The rcgen test PKI of `common` (root → intermediate → leaf) written as PEM files in a
//! temporary directory, in the forms the `openssl` command line reads, plus the
//! certificate-type helpers the interop matrices share.
//!
//! Needs the test crate to declare `mod common;` next to `mod openssl_peer;`.

use super::TempDir;
use crate::common::{Identity, KeyKind, Pki};
use std::path::{Path, PathBuf};
use tlskit_crypto::{CryptoProvider, KeyType, SignatureScheme};

/// The certificate types of the matrices: ECDSA P-256 and P-384, RSA-2048 (PKCS#1 v1.5 in
/// TLS 1.2, RSA-PSS in TLS 1.3) and Ed25519.
pub const CERT_KINDS: [KeyKind; 4] = [
    KeyKind::EcdsaP256,
    KeyKind::EcdsaP384,
    KeyKind::Rsa2048,
    KeyKind::Ed25519,
];

/// PEM files of one identity: the leaf alone, the intermediate alone, the key.
pub struct IdentityFiles {
    pub id: Identity,
    pub leaf: PathBuf,
    pub intermediate: PathBuf,
    /// The key as OpenSSL 3.0 can read it (see [`openssl_readable_key`]).
    pub openssl_key: PathBuf,
}

impl IdentityFiles {
    /// `-cert leaf -cert_chain intermediate -key key`, as s_server and s_client take them.
    pub fn openssl_args(&self) -> Vec<String> {
        vec![
            "-cert".into(),
            path_arg(&self.leaf),
            "-cert_chain".into(),
            path_arg(&self.intermediate),
            "-key".into(),
            path_arg(&self.openssl_key),
        ]
    }
}

/// The test PKI written to a temporary directory (removed on drop).
pub struct Fixture {
    pub dir: TempDir,
    pub pki: Pki,
    /// The root certificate (the trust anchor for both sides).
    pub root: PathBuf,
    servers: Vec<(KeyKind, IdentityFiles)>,
    clients: Vec<(KeyKind, IdentityFiles)>,
}

impl Fixture {
    /// A fresh PKI with a server and a client identity of every [`CERT_KINDS`] type.
    /// Panics first, with an explanation, when there is no usable `openssl` binary.
    pub fn new(tag: &str) -> Self {
        super::openssl();
        let dir = TempDir::new(tag);
        let pki = Pki::new();
        let root = dir.write("root.pem", &pki.root_pem);
        let write = |prefix: String, id: Identity| -> IdentityFiles {
            let (leaf_pem, inter_pem) = split_first_pem(&id.chain_pem);
            IdentityFiles {
                leaf: dir.write(&format!("{prefix}-leaf.pem"), leaf_pem),
                intermediate: dir.write(&format!("{prefix}-inter.pem"), inter_pem),
                openssl_key: dir.write(&format!("{prefix}-key.pem"), openssl_readable_key(&id)),
                id,
            }
        };
        let servers = CERT_KINDS
            .iter()
            .map(|k| (*k, write(format!("server-{k:?}"), pki.server(*k))))
            .collect();
        let clients = CERT_KINDS
            .iter()
            .map(|k| (*k, write(format!("client-{k:?}"), pki.client(*k))))
            .collect();
        Fixture {
            dir,
            pki,
            root,
            servers,
            clients,
        }
    }

    pub fn server(&self, kind: KeyKind) -> &IdentityFiles {
        &self
            .servers
            .iter()
            .find(|(k, _)| *k == kind)
            .expect("server identity")
            .1
    }

    pub fn client(&self, kind: KeyKind) -> &IdentityFiles {
        &self
            .clients
            .iter()
            .find(|(k, _)| *k == kind)
            .expect("client identity")
            .1
    }

    /// The root certificate path as an argument.
    pub fn root_arg(&self) -> String {
        path_arg(&self.root)
    }
}

pub fn path_arg(p: &Path) -> String {
    p.to_str().expect("utf-8 temp path").to_string()
}

pub fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Splits a PEM bundle after its first block.
pub fn split_first_pem(bundle: &str) -> (String, String) {
    const END: &str = "-----END CERTIFICATE-----";
    let cut = bundle.find(END).expect("a certificate block") + END.len();
    let (first, rest) = bundle.split_at(cut);
    (format!("{}\n", first.trim()), format!("{}\n", rest.trim()))
}

/// rcgen (through ring) writes Ed25519 keys as PKCS#8 v2 (RFC 5958 OneAsymmetricKey with
/// the public key), which OpenSSL 3.0's decoder rejects ("unsupported"); OpenSSL gets the
/// same key as PKCS#8 v1 (RFC 8410 §7). Other keys are passed through.
pub fn openssl_readable_key(id: &Identity) -> String {
    // SEQUENCE { INTEGER 1, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) },
    //            [1] IMPLICIT BIT STRING (public key) }, as ring writes it.
    const V2_PREFIX: [u8; 16] = [
        0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    const V1_PREFIX: [u8; 16] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    match id.key_pkcs8.strip_prefix(&V2_PREFIX[..]) {
        Some(rest) if rest.len() == 32 + 35 => {
            let mut v1 = V1_PREFIX.to_vec();
            v1.extend_from_slice(&rest[..32]);
            tlskit_crypto::pem::encode("PRIVATE KEY", &v1)
        }
        _ => id.key_pem.clone(),
    }
}

pub fn key_type(kind: KeyKind) -> KeyType {
    match kind {
        KeyKind::EcdsaP256 => KeyType::Ecdsa(tlskit_crypto::Curve::P256),
        KeyKind::EcdsaP384 => KeyType::Ecdsa(tlskit_crypto::Curve::P384),
        KeyKind::Rsa2048 => KeyType::Rsa,
        KeyKind::Ed25519 => KeyType::Ed25519,
    }
}

/// Whether a scheme may sign a TLS 1.3 CertificateVerify (RFC 8446 §4.4.3: not RSA
/// PKCS#1 v1.5).
pub fn tls13_scheme(s: SignatureScheme) -> bool {
    !matches!(
        s,
        SignatureScheme::RsaPkcs1Sha256
            | SignatureScheme::RsaPkcs1Sha384
            | SignatureScheme::RsaPkcs1Sha512
    )
}

/// Whether `p` can sign a TLS 1.3 CertificateVerify with a `kind` key.
pub fn can_sign13(p: &dyn CryptoProvider, kind: KeyKind) -> bool {
    p.supported_signing_schemes()
        .iter()
        .any(|s| s.key_type() == key_type(kind) && tls13_scheme(*s))
}

/// Whether `p` can verify a TLS 1.3 CertificateVerify of a `kind` key.
pub fn can_verify13(p: &dyn CryptoProvider, kind: KeyKind) -> bool {
    let verifiable = p.supported_verify_algorithms();
    SignatureScheme::ALL.into_iter().any(|s| {
        s.key_type() == key_type(kind)
            && tls13_scheme(s)
            && verifiable.contains(&s.verify_algorithm())
    })
}
