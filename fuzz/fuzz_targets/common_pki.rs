//! A self-signed server certificate made once per fuzzing process.

use std::sync::{Arc, OnceLock};
use tlskit_handshake::verify::WebPkiServerVerifier;
use tlskit_handshake::{CertifiedKey, ClientConfig, ServerConfig};

pub struct Pki {
    pub server: Arc<ServerConfig>,
    pub client: Arc<ClientConfig>,
}

pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let provider = tlskit_providers::default_provider().expect("ring");
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
        params.is_ca = rcgen::IsCa::NoCa;
        let cert = params.self_signed(&key).expect("cert");
        let certified = CertifiedKey::from_pem(provider, cert.pem().as_bytes(), key.serialize_pem().as_bytes())
            .expect("certified key");
        let server = ServerConfig::new(provider, Arc::new(certified)).expect("server config");
        let verifier = WebPkiServerVerifier::from_pem(cert.pem().as_bytes(), provider).expect("verifier");
        let client = ClientConfig::new(provider, Arc::new(verifier));
        Pki { server: Arc::new(server), client: Arc::new(client) }
    })
}
