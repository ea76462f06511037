//! Certificates generated at start-up for the in-process benchmark server, so a load runs on
//! a fresh machine with no files: a CA, a server certificate for `localhost` / 127.0.0.1
//! and a client certificate (for `--client-auth`), all of the `--cert` type. The CA is of the
//! same type as the leaves, so an RSA load verifies RSA signatures end to end.

use std::fmt;

use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType, SignatureAlgorithm,
};
use zeroize::Zeroizing;

use crate::session::CertKind;

/// The name the generated server certificate is issued to (and the default `--server-name`
/// of an in-process load).
pub const SERVER_NAME: &str = "localhost";

/// A generated key and its certificate chain.
pub struct Identity {
    /// Leaf first, then the CA certificate (DER).
    pub chain_der: Vec<Vec<u8>>,
    /// The same chain as PEM.
    pub chain_pem: String,
    /// The private key, PKCS#8 DER.
    pub key_pkcs8_der: Zeroizing<Vec<u8>>,
    /// The private key, PKCS#8 PEM.
    pub key_pem: Zeroizing<String>,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("chain_len", &self.chain_der.len())
            .field("key", &"<redacted>")
            .finish()
    }
}

/// Everything an in-process load needs: the trust anchor and both identities.
#[derive(Debug)]
pub struct Credentials {
    /// The certificate type.
    pub kind: CertKind,
    /// The CA certificate (DER): the client's trust anchor, and the server's for client
    /// certificates.
    pub ca_der: Vec<u8>,
    /// The CA certificate (PEM).
    pub ca_pem: String,
    /// The server's key and chain (issued to [`SERVER_NAME`] and 127.0.0.1).
    pub server: Identity,
    /// A client key and chain for `--client-auth`.
    pub client: Identity,
}

fn algorithm(kind: CertKind) -> &'static SignatureAlgorithm {
    match kind {
        CertKind::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        CertKind::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        CertKind::Rsa2048 => &rcgen::PKCS_RSA_SHA256,
        CertKind::Ed25519 => &rcgen::PKCS_ED25519,
    }
}

fn new_key(kind: CertKind) -> Result<KeyPair, String> {
    let alg = algorithm(kind);
    if kind == CertKind::Rsa2048 {
        // ring (rcgen's backend here) signs with RSA keys but does not generate them.
        let rsa = Rsa::generate(2048).map_err(|e| format!("RSA key generation: {e}"))?;
        let pkey = PKey::from_rsa(rsa).map_err(|e| format!("RSA key: {e}"))?;
        let pem = Zeroizing::new(
            pkey.private_key_to_pem_pkcs8()
                .map_err(|e| format!("RSA key PEM: {e}"))?,
        );
        let pem = std::str::from_utf8(&pem).map_err(|e| format!("RSA key PEM: {e}"))?;
        KeyPair::from_pkcs8_pem_and_sign_algo(pem, alg).map_err(|e| format!("RSA key: {e}"))
    } else {
        KeyPair::generate_for(alg).map_err(|e| format!("{kind:?} key generation: {e}"))
    }
}

fn identity(cert_der: &[u8], cert_pem: String, ca: &Credentials0, key: &KeyPair) -> Identity {
    Identity {
        chain_der: vec![cert_der.to_vec(), ca.der.clone()],
        chain_pem: format!("{cert_pem}{}", ca.pem),
        key_pkcs8_der: Zeroizing::new(key.serialize_der()),
        key_pem: Zeroizing::new(key.serialize_pem()),
    }
}

/// The CA while the leaves are being issued.
struct Credentials0 {
    der: Vec<u8>,
    pem: String,
}

/// Generates a CA, a server and a client certificate of type `kind`.
pub fn generate(kind: CertKind) -> Result<Credentials, String> {
    let err = |what: &'static str| {
        move |e: rcgen::Error| format!("generating the {what} certificate: {e}")
    };

    let ca_key = new_key(kind)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err("CA"))?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "tlsbench CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(err("CA"))?;
    let ca = Credentials0 {
        der: ca_cert.der().to_vec(),
        pem: ca_cert.pem(),
    };
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = new_key(kind)?;
    let mut server_params =
        CertificateParams::new(vec![SERVER_NAME.to_string()]).map_err(err("server"))?;
    server_params
        .subject_alt_names
        .push(SanType::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()));
    server_params
        .distinguished_name
        .push(DnType::CommonName, "tlsbench server");
    server_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    // RFC 5280 §4.2.1.1: tlskit-x509 (CA/B profile) requires the authority key identifier.
    server_params.use_authority_key_identifier_extension = true;
    let server_cert = server_params
        .signed_by(&server_key, &issuer)
        .map_err(err("server"))?;

    let client_key = new_key(kind)?;
    let mut client_params = CertificateParams::new(Vec::<String>::new()).map_err(err("client"))?;
    client_params
        .distinguished_name
        .push(DnType::CommonName, "tlsbench client");
    client_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    client_params.use_authority_key_identifier_extension = true;
    let client_cert = client_params
        .signed_by(&client_key, &issuer)
        .map_err(err("client"))?;

    Ok(Credentials {
        kind,
        server: identity(server_cert.der(), server_cert.pem(), &ca, &server_key),
        client: identity(client_cert.der(), client_cert.pem(), &ca, &client_key),
        ca_der: ca.der,
        ca_pem: ca.pem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::stack::Stack;
    use openssl::x509::store::X509StoreBuilder;
    use openssl::x509::{X509StoreContext, X509};

    /// Verifies `leaf` against `ca` with OpenSSL (an independent implementation).
    fn verifies(ca_der: &[u8], leaf_der: &[u8]) -> bool {
        let ca = X509::from_der(ca_der).unwrap();
        let leaf = X509::from_der(leaf_der).unwrap();
        let mut store = X509StoreBuilder::new().unwrap();
        store.add_cert(ca).unwrap();
        let store = store.build();
        let mut ctx = X509StoreContext::new().unwrap();
        ctx.init(&store, &leaf, &Stack::new().unwrap(), |c| c.verify_cert())
            .unwrap()
    }

    #[test]
    fn generated_chains_verify_for_every_fast_kind() {
        for kind in [CertKind::EcdsaP256, CertKind::EcdsaP384, CertKind::Ed25519] {
            let creds = generate(kind).unwrap();
            assert_eq!(creds.server.chain_der.len(), 2);
            assert!(
                verifies(&creds.ca_der, &creds.server.chain_der[0]),
                "{kind:?} server"
            );
            assert!(
                verifies(&creds.ca_der, &creds.client.chain_der[0]),
                "{kind:?} client"
            );
            assert!(creds.server.key_pem.contains("PRIVATE KEY"));
            assert!(!format!("{creds:?}").contains("PRIVATE"));
        }
    }

    #[test]
    fn rsa_chain_uses_2048_bit_keys() {
        let creds = generate(CertKind::Rsa2048).unwrap();
        assert!(verifies(&creds.ca_der, &creds.server.chain_der[0]));
        let leaf = X509::from_der(&creds.server.chain_der[0]).unwrap();
        assert_eq!(leaf.public_key().unwrap().bits(), 2048);
        let names: Vec<String> = leaf
            .subject_alt_names()
            .unwrap()
            .iter()
            .filter_map(|n| n.dnsname().map(str::to_string))
            .collect();
        assert_eq!(names, vec![SERVER_NAME.to_string()]);
    }
}
