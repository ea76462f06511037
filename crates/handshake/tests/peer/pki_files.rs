//! The rcgen test PKI of `common` (root → intermediate → leaf) written as PEM files in a
//! temporary directory, in the forms the peer tools read (the leaf and intermediate apart
//! for `openssl`, the chain in one file for GnuTLS and tlslite-ng, keys as PKCS#8 v1),
//! plus an unrelated root for negative tests and the certificate-type helpers the
//! matrices share.

use super::process::{path_arg, TempDir};
use crate::common::{Identity, KeyKind, Pki};
use std::path::PathBuf;
use tlskit_crypto::{CryptoProvider, KeyType, NamedGroup, SignatureScheme};
use tlskit_handshake::suites::{CipherSuite, ProtocolVersion};

/// The certificate types of the matrices: ECDSA P-256 and P-384, RSA-2048 (PKCS#1 v1.5 in
/// TLS 1.2, RSA-PSS in TLS 1.3) and Ed25519.
pub const CERT_KINDS: [KeyKind; 4] = [
    KeyKind::EcdsaP256,
    KeyKind::EcdsaP384,
    KeyKind::Rsa2048,
    KeyKind::Ed25519,
];

/// PEM files of one identity.
pub struct IdentityFiles {
    pub id: Identity,
    /// The leaf alone.
    pub leaf: PathBuf,
    /// The intermediate alone.
    pub intermediate: PathBuf,
    /// Leaf then intermediate.
    pub chain: PathBuf,
    /// The key as OpenSSL 3.0 and GnuTLS read it (see [`openssl_readable_key`]).
    pub key: PathBuf,
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
            path_arg(&self.key),
        ]
    }

    /// `--x509certfile=<chain> --x509keyfile=<key>`, as gnutls-serv and gnutls-cli take
    /// them.
    pub fn gnutls_args(&self) -> Vec<String> {
        vec![
            format!("--x509certfile={}", path_arg(&self.chain)),
            format!("--x509keyfile={}", path_arg(&self.key)),
        ]
    }
}

/// The test PKI in a temporary directory (removed on drop).
pub struct PkiFiles {
    pub dir: TempDir,
    pub pki: Pki,
    /// The trust anchor of both sides.
    pub root: PathBuf,
    /// A root that issued nothing here: trusting only it must fail verification.
    pub wrong_root: PathBuf,
    servers: Vec<(KeyKind, IdentityFiles)>,
    clients: Vec<(KeyKind, IdentityFiles)>,
}

impl PkiFiles {
    /// A fresh PKI with a server and a client identity of every [`CERT_KINDS`] type.
    pub fn new(tag: &str) -> Self {
        let dir = TempDir::new(tag);
        let pki = Pki::new();
        let root = dir.write("root.pem", &pki.root_pem);
        let wrong_root = dir.write("wrong-root.pem", Pki::new().root_pem);
        let write = |prefix: String, id: Identity| -> IdentityFiles {
            let (leaf_pem, inter_pem) = split_first_pem(&id.chain_pem);
            IdentityFiles {
                leaf: dir.write(&format!("{prefix}-leaf.pem"), leaf_pem),
                intermediate: dir.write(&format!("{prefix}-inter.pem"), inter_pem),
                chain: dir.write(&format!("{prefix}-chain.pem"), &id.chain_pem),
                key: dir.write(&format!("{prefix}-key.pem"), openssl_readable_key(&id)),
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
        PkiFiles {
            dir,
            pki,
            root,
            wrong_root,
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

    /// `--x509cafile=<root>`.
    pub fn ca_arg(&self) -> String {
        format!("--x509cafile={}", path_arg(&self.root))
    }

    /// `--x509cafile=<a root that issued nothing here>`.
    pub fn wrong_ca_arg(&self) -> String {
        format!("--x509cafile={}", path_arg(&self.wrong_root))
    }
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
/// the public key), which OpenSSL 3.0's decoder rejects ("unsupported"); OpenSSL (and
/// GnuTLS) get the same key as PKCS#8 v1 (RFC 8410 §7). Other keys are passed through.
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
            v1.extend_from_slice(rest.get(..32).unwrap_or_default());
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

/// Whether `p` can sign with a `kind` key (some scheme, TLS 1.2).
pub fn can_sign(p: &dyn CryptoProvider, kind: KeyKind) -> bool {
    p.supported_signing_schemes()
        .iter()
        .any(|s| s.key_type() == key_type(kind))
}

/// Whether `p` can verify some TLS 1.2 signature scheme of a `kind` key.
pub fn can_verify(p: &dyn CryptoProvider, kind: KeyKind) -> bool {
    let verifiable = p.supported_verify_algorithms();
    SignatureScheme::ALL
        .into_iter()
        .any(|s| s.key_type() == key_type(kind) && verifiable.contains(&s.verify_algorithm()))
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

/// Whether `p` can run `suite` with a `kind` certificate (as server when `signing`).
pub fn runnable(p: &dyn CryptoProvider, suite: CipherSuite, kind: KeyKind, signing: bool) -> bool {
    let auth = match (suite.version, signing) {
        (ProtocolVersion::Tls12, true) => can_sign(p, kind),
        (ProtocolVersion::Tls12, false) => can_verify(p, kind),
        (_, true) => can_sign13(p, kind),
        (_, false) => can_verify13(p, kind),
    };
    auth && p.aead(suite.aead).is_some()
}

/// `Some("backend lacks the algorithm")` unless `p` can run `suite` with a `kind`
/// certificate (as server when `signing`); for [`Matrix::cell`](super::matrix::Matrix::cell).
pub fn missing_algorithm(
    p: &dyn CryptoProvider,
    suite: CipherSuite,
    kind: KeyKind,
    signing: bool,
) -> Option<&'static str> {
    (!runnable(p, suite, kind, signing)).then_some("backend lacks the algorithm")
}

/// `Some("backend cannot sign with this key")` unless `p` can sign with a `kind` key in
/// version `v` (a client certificate's CertificateVerify).
pub fn missing_signer(
    p: &dyn CryptoProvider,
    kind: KeyKind,
    v: ProtocolVersion,
) -> Option<&'static str> {
    let signable = match v {
        ProtocolVersion::Tls12 => can_sign(p, kind),
        _ => can_sign13(p, kind),
    };
    (!signable).then_some("backend cannot sign with this key")
}

/// `Some("backend cannot verify this key type")` unless `p` can verify a `kind` key (a
/// client certificate's CertificateVerify).
pub fn missing_verifier(p: &dyn CryptoProvider, kind: KeyKind) -> Option<&'static str> {
    (!can_verify(p, kind)).then_some("backend cannot verify this key type")
}

/// `Some("backend lacks the group")` unless `p` implements `group`.
pub fn missing_group(p: &dyn CryptoProvider, group: NamedGroup) -> Option<&'static str> {
    p.key_exchange(group)
        .is_none()
        .then_some("backend lacks the group")
}

/// The client-certificate types of a matrix row: ECDSA P-256, RSA and Ed25519 for ring,
/// ECDSA P-256 alone for the other backends.
pub fn client_cert_kinds(p: &dyn CryptoProvider) -> &'static [KeyKind] {
    if p.name() == "ring" {
        &[KeyKind::EcdsaP256, KeyKind::Rsa2048, KeyKind::Ed25519]
    } else {
        &[KeyKind::EcdsaP256]
    }
}
