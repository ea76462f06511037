//! The benchmark PKI, made once per run with rcgen: a P-256 root CA, a P-256 intermediate,
//! and a P-256 server leaf for `localhost`. Both stacks get the same certificates, send the
//! same two-certificate chain and verify it against the same root.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};

/// The server name the clients connect to.
pub(crate) const SERVER_NAME: &str = "localhost";

/// Root, chain and server key, in the forms the two stacks read.
pub(crate) struct Pki {
    /// The root certificate, DER (rustls's root store).
    pub(crate) root_der: Vec<u8>,
    /// The root certificate, PEM (tlskit's verifier).
    pub(crate) root_pem: String,
    /// Leaf then intermediate, DER.
    pub(crate) chain_der: Vec<Vec<u8>>,
    /// Leaf then intermediate, PEM.
    pub(crate) chain_pem: String,
    /// The leaf's PKCS#8 private key, DER.
    pub(crate) key_pkcs8_der: Vec<u8>,
    /// The same key, PEM.
    pub(crate) key_pem: String,
}

fn p256_key() -> KeyPair {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("P-256 key generation")
}

fn ca_params(common_name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.use_authority_key_identifier_extension = true;
    params
}

impl Pki {
    pub(crate) fn new() -> Self {
        let root_key = p256_key();
        let root_params = ca_params("tlskit bench root");
        let root = root_params.self_signed(&root_key).expect("root");
        let root_issuer = Issuer::new(root_params, &root_key);

        let inter_key = p256_key();
        let inter_params = ca_params("tlskit bench intermediate");
        let inter = inter_params
            .signed_by(&inter_key, &root_issuer)
            .expect("intermediate");
        let inter_issuer = Issuer::new(inter_params, &inter_key);

        let leaf_key = p256_key();
        let mut leaf_params = CertificateParams::new(Vec::<String>::new()).expect("leaf");
        leaf_params
            .distinguished_name
            .push(DnType::CommonName, "tlskit bench server");
        leaf_params.subject_alt_names =
            vec![SanType::DnsName(SERVER_NAME.try_into().expect("DNS name"))];
        leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf_params.use_authority_key_identifier_extension = true;
        let leaf = leaf_params
            .signed_by(&leaf_key, &inter_issuer)
            .expect("leaf");

        Pki {
            root_der: root.der().to_vec(),
            root_pem: root.pem(),
            chain_der: vec![leaf.der().to_vec(), inter.der().to_vec()],
            chain_pem: format!("{}{}", leaf.pem(), inter.pem()),
            key_pkcs8_der: leaf_key.serialize_der(),
            key_pem: leaf_key.serialize_pem(),
        }
    }
}
