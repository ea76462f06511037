//! The test PKI as PEM files ([`PkiFiles`]) for the `openssl` command line, which is
//! looked for first, plus the certificate-type helpers the matrices share.

use crate::peer::pki_files::PkiFiles;
use std::ops::Deref;

pub use crate::peer::pki_files::{
    can_sign, can_sign13, can_verify, can_verify13, key_type, openssl_readable_key,
    split_first_pem, strs, tls13_scheme, IdentityFiles, CERT_KINDS,
};
pub use crate::peer::process::path_arg;

/// The test PKI written to a temporary directory (removed on drop).
pub struct Fixture(PkiFiles);

impl Fixture {
    /// A fresh PKI with a server and a client identity of every [`CERT_KINDS`] type.
    /// Panics first, with an explanation, when there is no usable `openssl` binary.
    pub fn new(tag: &str) -> Self {
        super::openssl();
        Fixture(PkiFiles::new(tag))
    }
}

impl Deref for Fixture {
    type Target = PkiFiles;
    fn deref(&self) -> &PkiFiles {
        &self.0
    }
}
