//! Test PKI made at test time with rcgen: root CA → intermediate → leaf, for servers and
//! clients, with the leaf key type chosen per test.
#![allow(dead_code)]

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use std::sync::Arc;
use tlskit_crypto::CryptoProvider;
use tlskit_handshake::verify::{WebPkiClientVerifier, WebPkiServerVerifier};
use tlskit_handshake::{
    CertifiedKey, ClientAuth, ClientConfig, ClientConnection, ServerConfig, ServerConnection,
};

/// Leaf key types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    EcdsaP256,
    EcdsaP384,
    Rsa2048,
    Ed25519,
}

pub const ALL_KINDS: [KeyKind; 4] = [
    KeyKind::EcdsaP256,
    KeyKind::EcdsaP384,
    KeyKind::Rsa2048,
    KeyKind::Ed25519,
];

const RSA_PEM: &str = include_str!("../../../crypto/testdata/keys/rsa2048.pkcs8.pem");

fn key(kind: KeyKind) -> KeyPair {
    match kind {
        KeyKind::EcdsaP256 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256),
        KeyKind::EcdsaP384 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384),
        KeyKind::Ed25519 => KeyPair::generate_for(&rcgen::PKCS_ED25519),
        KeyKind::Rsa2048 => KeyPair::from_pkcs8_pem_and_sign_algo(RSA_PEM, &rcgen::PKCS_RSA_SHA256),
    }
    .expect("key generation")
}

fn ca_params(name: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
    p.distinguished_name.push(DnType::CommonName, name);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p.use_authority_key_identifier_extension = true;
    p
}

/// A calendar date: (year, month, day).
pub type Ymd = (i32, u8, u8);

/// A PEM-able chain and key.
pub struct Identity {
    pub chain: Vec<Vec<u8>>,
    pub key_pkcs8: Vec<u8>,
    pub chain_pem: String,
    pub key_pem: String,
}

/// A root CA and an intermediate that issue leaves.
pub struct Pki {
    pub root_der: Vec<u8>,
    pub root_pem: String,
    inter_params: CertificateParams,
    inter_key: KeyPair,
    inter_der: Vec<u8>,
    inter_pem: String,
}

impl Pki {
    pub fn new() -> Self {
        let root_key = key(KeyKind::EcdsaP256);
        let root_params = ca_params("tlskit test root");
        let root = root_params.self_signed(&root_key).expect("root");
        let root_issuer = Issuer::new(root_params, &root_key);
        let inter_key = key(KeyKind::EcdsaP256);
        let inter_params = ca_params("tlskit test intermediate");
        let inter = inter_params
            .signed_by(&inter_key, &root_issuer)
            .expect("intermediate");
        Pki {
            root_der: root.der().to_vec(),
            root_pem: root.pem(),
            inter_der: inter.der().to_vec(),
            inter_pem: inter.pem(),
            inter_params,
            inter_key,
        }
    }

    fn leaf(&self, kind: KeyKind, names: &[&str], eku: ExtendedKeyUsagePurpose) -> Identity {
        self.leaf_with(kind, names, eku, None)
    }

    /// A server certificate valid only between two (year, month, day) dates.
    pub fn server_with_validity(
        &self,
        kind: KeyKind,
        from: (i32, u8, u8),
        to: (i32, u8, u8),
    ) -> Identity {
        self.leaf_with(
            kind,
            &["localhost"],
            ExtendedKeyUsagePurpose::ServerAuth,
            Some((from, to)),
        )
    }

    fn leaf_with(
        &self,
        kind: KeyKind,
        names: &[&str],
        eku: ExtendedKeyUsagePurpose,
        validity: Option<(Ymd, Ymd)>,
    ) -> Identity {
        let k = key(kind);
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
        if let Some((from, to)) = validity {
            p.not_before = rcgen::date_time_ymd(from.0, from.1, from.2);
            p.not_after = rcgen::date_time_ymd(to.0, to.1, to.2);
        }
        p.distinguished_name
            .push(DnType::CommonName, "tlskit test leaf");
        for n in names {
            match n.parse::<std::net::IpAddr>() {
                Ok(ip) => p.subject_alt_names.push(SanType::IpAddress(ip)),
                Err(_) => p
                    .subject_alt_names
                    .push(SanType::DnsName((*n).try_into().expect("dns name"))),
            }
        }
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.extended_key_usages = vec![eku];
        p.use_authority_key_identifier_extension = true;
        let issuer = Issuer::new(self.inter_params.clone(), &self.inter_key);
        let leaf = p.signed_by(&k, &issuer).expect("leaf");
        Identity {
            chain: vec![leaf.der().to_vec(), self.inter_der.clone()],
            key_pkcs8: k.serialize_der(),
            chain_pem: format!("{}{}", leaf.pem(), self.inter_pem),
            key_pem: k.serialize_pem(),
        }
    }

    /// The intermediate CA (the leaves' issuer) as PEM, and its private key (PKCS#8 PEM),
    /// e.g. to sign OCSP responses for the leaves.
    pub fn intermediate_pem_and_key(&self) -> (String, String) {
        (self.inter_pem.clone(), self.inter_key.serialize_pem())
    }

    pub fn server(&self, kind: KeyKind) -> Identity {
        self.leaf(
            kind,
            &["localhost", "127.0.0.1"],
            ExtendedKeyUsagePurpose::ServerAuth,
        )
    }

    pub fn client(&self, kind: KeyKind) -> Identity {
        self.leaf(
            kind,
            &["client.example"],
            ExtendedKeyUsagePurpose::ClientAuth,
        )
    }
}

pub fn certified(provider: &'static dyn CryptoProvider, id: &Identity) -> Arc<CertifiedKey> {
    Arc::new(
        CertifiedKey::from_pem(provider, id.chain_pem.as_bytes(), id.key_pem.as_bytes())
            .expect("certified key"),
    )
}

pub fn client_config(provider: &'static dyn CryptoProvider, pki: &Pki) -> ClientConfig {
    let verifier =
        WebPkiServerVerifier::from_pem(pki.root_pem.as_bytes(), provider).expect("verifier");
    ClientConfig::new(provider, Arc::new(verifier))
}

pub fn server_config(provider: &'static dyn CryptoProvider, id: &Identity) -> ServerConfig {
    ServerConfig::new(provider, certified(provider, id)).expect("server config")
}

pub fn require_client_auth(
    config: &mut ServerConfig,
    provider: &'static dyn CryptoProvider,
    pki: &Pki,
    mandatory: bool,
) {
    let v = Arc::new(
        WebPkiClientVerifier::from_pem(pki.root_pem.as_bytes(), provider).expect("client verifier"),
    );
    config.client_auth = if mandatory {
        ClientAuth::Required(v)
    } else {
        ClientAuth::Optional(v)
    };
}

/// Moves bytes between two in-memory connections until neither has anything to say.
/// Returns the first error of either side.
pub fn drive(client: &mut ClientConnection, server: &mut ServerConnection) -> Result<(), String> {
    for _ in 0..64 {
        let mut progressed = false;
        let mut buf = Vec::new();
        while client.wants_write() {
            client.write_tls(&mut buf).map_err(|e| e.to_string())?;
        }
        if !buf.is_empty() {
            progressed = true;
            let mut rd = &buf[..];
            while !rd.is_empty() {
                server.read_tls(&mut rd).map_err(|e| e.to_string())?;
                server
                    .process_new_packets()
                    .map_err(|e| format!("server: {e}"))?;
            }
        }
        let mut buf = Vec::new();
        while server.wants_write() {
            server.write_tls(&mut buf).map_err(|e| e.to_string())?;
        }
        if !buf.is_empty() {
            progressed = true;
            let mut rd = &buf[..];
            while !rd.is_empty() {
                client.read_tls(&mut rd).map_err(|e| e.to_string())?;
                client
                    .process_new_packets()
                    .map_err(|e| format!("client: {e}"))?;
            }
        }
        if !progressed {
            return Ok(());
        }
    }
    Err("no convergence".into())
}

/// Sends `data` each way and checks it arrives.
pub fn exchange_data(
    client: &mut ClientConnection,
    server: &mut ServerConnection,
    data: &[u8],
) -> Result<(), String> {
    use std::io::{Read, Write};
    client.writer().write_all(data).map_err(|e| e.to_string())?;
    server.writer().write_all(data).map_err(|e| e.to_string())?;
    drive(client, server)?;
    let mut got = vec![0u8; data.len()];
    server
        .reader()
        .read_exact(&mut got)
        .map_err(|e| format!("server read: {e}"))?;
    if got != data {
        return Err("server received different bytes".into());
    }
    client
        .reader()
        .read_exact(&mut got)
        .map_err(|e| format!("client read: {e}"))?;
    if got != data {
        return Err("client received different bytes".into());
    }
    Ok(())
}

/// Delivers whatever `from` has pending (e.g. a fatal alert) to `to` and processes it.
pub fn deliver_pending(
    from: &mut ClientConnection,
    to: &mut ServerConnection,
) -> Result<(), tlskit_handshake::Error> {
    let mut buf = Vec::new();
    while from.wants_write() {
        from.write_tls(&mut buf).expect("write to vec");
    }
    to.read_tls(&mut &buf[..]).expect("read from slice");
    to.process_new_packets()
}
