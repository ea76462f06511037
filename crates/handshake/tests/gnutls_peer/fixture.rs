//! The test PKI as PEM files ([`PkiFiles`]) for `gnutls-serv` / `gnutls-cli`
//! ([`IdentityFiles::gnutls_args`], [`PkiFiles::ca_arg`]), which are looked for first.

use crate::peer::pki_files::PkiFiles;
use std::ops::Deref;

pub use crate::peer::pki_files::{IdentityFiles, CERT_KINDS};

/// The test PKI in a temporary directory (removed on drop).
pub struct Fixture(PkiFiles);

impl Fixture {
    /// A fresh PKI with a server and a client identity of every [`CERT_KINDS`] type.
    /// Panics first, with an explanation, when the GnuTLS tools are missing.
    pub fn new(tag: &str) -> Self {
        super::gnutls_cli_bin();
        super::gnutls_serv_bin();
        Fixture(PkiFiles::new(tag))
    }
}

impl Deref for Fixture {
    type Target = PkiFiles;
    fn deref(&self) -> &PkiFiles {
        &self.0
    }
}
