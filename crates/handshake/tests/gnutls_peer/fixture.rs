//! The rcgen test PKI of `common` (root → intermediate → leaf) written as the PEM files
//! `gnutls-serv` / `gnutls-cli` read: the chain (leaf then intermediate) for
//! `--x509certfile`, the key for `--x509keyfile`, the root for `--x509cafile`, plus an
//! unrelated root for negative tests.

use crate::common::{Identity, KeyKind, Pki};
use crate::openssl_peer::fixture::{openssl_readable_key, path_arg};
use crate::openssl_peer::TempDir;
use std::path::PathBuf;

/// The certificate types of the GnuTLS matrices.
pub const CERT_KINDS: [KeyKind; 4] = [
    KeyKind::EcdsaP256,
    KeyKind::EcdsaP384,
    KeyKind::Rsa2048,
    KeyKind::Ed25519,
];

/// PEM files of one identity.
pub struct IdentityFiles {
    pub id: Identity,
    /// Leaf then intermediate.
    pub chain: PathBuf,
    /// PKCS#8 v1 (GnuTLS, like OpenSSL 3.0, is given Ed25519 keys without the public key).
    pub key: PathBuf,
}

impl IdentityFiles {
    /// `--x509certfile=… --x509keyfile=…`.
    pub fn args(&self) -> Vec<String> {
        vec![
            format!("--x509certfile={}", path_arg(&self.chain)),
            format!("--x509keyfile={}", path_arg(&self.key)),
        ]
    }
}

/// The test PKI in a temporary directory (removed on drop).
pub struct Fixture {
    pub dir: TempDir,
    pub pki: Pki,
    /// The trust anchor of both sides.
    pub root: PathBuf,
    /// A root that issued nothing here: trusting only it must fail verification.
    pub wrong_root: PathBuf,
    servers: Vec<(KeyKind, IdentityFiles)>,
    clients: Vec<(KeyKind, IdentityFiles)>,
}

impl Fixture {
    /// A fresh PKI with a server and a client identity of every [`CERT_KINDS`] type.
    /// Panics first, with an explanation, when the GnuTLS tools are missing.
    pub fn new(tag: &str) -> Self {
        super::gnutls_cli_bin();
        super::gnutls_serv_bin();
        Self::files_only(tag)
    }

    /// The same files, without looking for the GnuTLS tools (for other peers).
    pub fn files_only(tag: &str) -> Self {
        let dir = TempDir::new(tag);
        let pki = Pki::new();
        let root = dir.write("root.pem", &pki.root_pem);
        let wrong_root = dir.write("wrong-root.pem", Pki::new().root_pem);
        let write = |prefix: String, id: Identity| -> IdentityFiles {
            IdentityFiles {
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
        Fixture {
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

    /// `--x509cafile=<root>`.
    pub fn ca_arg(&self) -> String {
        format!("--x509cafile={}", path_arg(&self.root))
    }

    /// `--x509cafile=<a root that issued nothing here>`.
    pub fn wrong_ca_arg(&self) -> String {
        format!("--x509cafile={}", path_arg(&self.wrong_root))
    }
}
