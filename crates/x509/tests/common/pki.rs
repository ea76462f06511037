//! Test PKI built at run time with rcgen: roots, intermediates, leaves, CRLs.
//! Shared by the integration tests and the benchmark.

#![allow(dead_code)]

use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, CertificateRevocationListParams,
    DistinguishedName, DnType, ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyIdMethod,
    KeyPair, KeyUsagePurpose, NameConstraints, RevocationReason, RevokedCertParams, SanType,
    SerialNumber, SignatureAlgorithm,
};
use tlskit_x509::UnixTime;

/// 2025-01-01T00:00:00Z: inside every default validity period below.
pub fn now() -> UnixTime {
    UnixTime::from_utc(2025, 1, 1, 0, 0, 0).expect("valid date")
}

/// Key algorithms the test PKI can use.
#[derive(Clone, Copy, Debug)]
pub enum Alg {
    EcdsaP256,
    EcdsaP384,
    Ed25519,
    /// RSA-2048 from the checked-in keys (ring cannot generate RSA keys); `n` picks
    /// one of the three fixtures.
    Rsa2048(usize),
}

const RSA_KEYS: [&str; 3] = [
    include_str!("../../testdata/keys/rsa2048-root.pem"),
    include_str!("../../testdata/keys/rsa2048-ica.pem"),
    include_str!("../../testdata/keys/rsa2048-leaf.pem"),
];

pub fn key(alg: Alg) -> KeyPair {
    let sig: &'static SignatureAlgorithm = match alg {
        Alg::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        Alg::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        Alg::Ed25519 => &rcgen::PKCS_ED25519,
        Alg::Rsa2048(n) => {
            return KeyPair::from_pem_and_sign_algo(RSA_KEYS[n % 3], &rcgen::PKCS_RSA_SHA256)
                .expect("RSA fixture")
        }
    };
    KeyPair::generate_for(sig).expect("keygen")
}

/// A CA: its certificate, parameters and key.
pub struct Ca {
    pub der: Vec<u8>,
    pub params: CertificateParams,
    pub key: KeyPair,
}

impl Ca {
    pub fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.params, &self.key)
    }
}

fn dn(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "tlskit test");
    dn.push(DnType::CommonName, cn);
    dn
}

pub fn ca_params(cn: &str, path_len: Option<u8>) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(cn);
    p.is_ca = IsCa::Ca(match path_len {
        Some(n) => BasicConstraints::Constrained(n),
        None => BasicConstraints::Unconstrained,
    });
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = date_time_ymd(2024, 1, 1);
    p.not_after = date_time_ymd(2030, 1, 1);
    p.key_identifier_method = KeyIdMethod::Sha256;
    p
}

pub fn root(cn: &str, alg: Alg) -> Ca {
    root_with(ca_params(cn, None), alg)
}

pub fn root_with(params: CertificateParams, alg: Alg) -> Ca {
    let key = key(alg);
    let der = params.self_signed(&key).expect("self-sign").der().to_vec();
    Ca { der, params, key }
}

pub fn intermediate(cn: &str, issuer: &Ca, alg: Alg) -> Ca {
    intermediate_with(ca_params(cn, None), issuer, alg)
}

pub fn intermediate_with(mut params: CertificateParams, issuer: &Ca, alg: Alg) -> Ca {
    params.use_authority_key_identifier_extension = true;
    let key = key(alg);
    let der = params
        .signed_by(&key, &issuer.issuer())
        .expect("sign")
        .der()
        .to_vec();
    Ca { der, params, key }
}

/// The same CA (name and key) certified again by another issuer (a cross-sign).
pub fn cross_sign(ca: &Ca, by: &Ca, not_after_year: i32) -> Vec<u8> {
    let mut params = ca.params.clone();
    params.use_authority_key_identifier_extension = true;
    params.not_after = date_time_ymd(not_after_year, 1, 1);
    params
        .signed_by(&ca.key, &by.issuer())
        .expect("sign")
        .der()
        .to_vec()
}

pub fn leaf_params(names: &[&str]) -> CertificateParams {
    let mut p = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .expect("names");
    p.distinguished_name = DistinguishedName::new();
    p.distinguished_name
        .push(DnType::OrganizationName, "tlskit test leaf");
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.not_before = date_time_ymd(2024, 6, 1);
    p.not_after = date_time_ymd(2025, 6, 1);
    p.use_authority_key_identifier_extension = true;
    p
}

pub fn leaf(names: &[&str], issuer: &Ca, alg: Alg) -> Vec<u8> {
    leaf_with(leaf_params(names), issuer, alg)
}

pub fn leaf_with(params: CertificateParams, issuer: &Ca, alg: Alg) -> Vec<u8> {
    let key = key(alg);
    params
        .signed_by(&key, &issuer.issuer())
        .expect("sign")
        .der()
        .to_vec()
}

pub fn with_serial(mut params: CertificateParams, serial: u64) -> CertificateParams {
    params.serial_number = Some(SerialNumber::from(serial));
    params
}

pub fn with_validity(
    mut params: CertificateParams,
    from: (i32, u8, u8),
    to: (i32, u8, u8),
) -> CertificateParams {
    params.not_before = date_time_ymd(from.0, from.1, from.2);
    params.not_after = date_time_ymd(to.0, to.1, to.2);
    params
}

pub fn permit_dns(
    mut params: CertificateParams,
    permitted: &[&str],
    excluded: &[&str],
) -> CertificateParams {
    params.name_constraints = Some(NameConstraints {
        permitted_subtrees: permitted
            .iter()
            .map(|d| GeneralSubtree::DnsName(d.to_string()))
            .collect(),
        excluded_subtrees: excluded
            .iter()
            .map(|d| GeneralSubtree::DnsName(d.to_string()))
            .collect(),
    });
    params
}

pub fn ip_san(params: &mut CertificateParams, ip: std::net::IpAddr) {
    params.subject_alt_names.push(SanType::IpAddress(ip));
}

/// A CRL by `issuer` revoking `serials`, valid from `this` to `next` (years).
pub fn crl(issuer: &Ca, serials: &[u64], this_year: i32, next_year: i32) -> Vec<u8> {
    let params = CertificateRevocationListParams {
        this_update: date_time_ymd(this_year, 1, 1),
        next_update: date_time_ymd(next_year, 1, 1),
        crl_number: SerialNumber::from(7u64),
        issuing_distribution_point: None,
        revoked_certs: serials
            .iter()
            .map(|&s| RevokedCertParams {
                serial_number: SerialNumber::from(s),
                revocation_time: date_time_ymd(this_year, 1, 1),
                reason_code: Some(RevocationReason::KeyCompromise),
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    };
    params
        .signed_by(&issuer.issuer())
        .expect("CRL")
        .der()
        .to_vec()
}
