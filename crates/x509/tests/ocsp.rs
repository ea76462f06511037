//! OCSP response verification (RFC 6960): responses built here field by field and signed
//! with the provider, plus responses made by the `openssl ocsp` responder.

mod common;

use common::pki::{self, Alg};
use rcgen::{ExtendedKeyUsagePurpose, KeyPair};
use sha1::{Digest, Sha1};
use tlskit_crypto::{CryptoProvider, PrivateKeyDer, SignatureScheme};
use tlskit_x509::{
    verify_ocsp_response, Certificate, OcspError, OcspIssuer, OcspOptions, OcspStatus, UnixTime,
};

fn provider() -> &'static dyn CryptoProvider {
    tlskit_providers::default_provider().expect("a provider")
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend_from_slice(&[0x81, len as u8]);
    } else {
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn gtime(s: &str) -> Vec<u8> {
    tlv(0x18, s.as_bytes())
}

const ECDSA_SHA256_ALG: &[u8] = &[
    0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
];
const SHA1_ALG: &[u8] = &[
    0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00,
];
const SHA256_ALG: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
];

fn key_bits(spki: &[u8]) -> Vec<u8> {
    // The last TLV of the SPKI SEQUENCE is the BIT STRING; skip its unused-bits octet.
    let mut r = tlskit_x509::der::Reader::new(spki);
    let mut s = r.read_sequence("spki").expect("spki");
    s.read_tlv("alg").expect("alg");
    let (_, bits) = s.read_bit_string("key").expect("key");
    bits.to_vec()
}

#[derive(Clone, Copy)]
enum CertIdHash {
    Sha1,
    Sha256,
}

#[derive(Clone, Copy)]
enum Responder {
    ByName,
    ByKey,
}

#[derive(Clone)]
enum Status {
    Good,
    Revoked(Option<u8>),
    Unknown,
}

/// One response to build.
#[derive(Clone)]
struct Spec {
    response_status: u8,
    serial: Vec<u8>,
    hash: CertIdHash,
    status: Status,
    this_update: &'static str,
    next_update: Option<&'static str>,
    responder: Responder,
    /// The signer's subject and SPKI (for responderID) and key.
    signer_subject: Vec<u8>,
    signer_spki: Vec<u8>,
    signer_pkcs8: Vec<u8>,
    certs: Vec<Vec<u8>>,
    issuer_subject: Vec<u8>,
    issuer_spki: Vec<u8>,
}

impl Spec {
    fn build(&self) -> Vec<u8> {
        let (alg, name_hash, key_hash) = match self.hash {
            CertIdHash::Sha1 => (
                SHA1_ALG,
                Sha1::digest(&self.issuer_subject).to_vec(),
                Sha1::digest(key_bits(&self.issuer_spki)).to_vec(),
            ),
            CertIdHash::Sha256 => {
                let h = provider()
                    .hash(tlskit_crypto::HashAlgorithm::Sha256)
                    .expect("sha256");
                (
                    SHA256_ALG,
                    h.hash(&self.issuer_subject).as_ref().to_vec(),
                    h.hash(&key_bits(&self.issuer_spki)).as_ref().to_vec(),
                )
            }
        };
        let cert_id = seq(&[
            alg,
            &tlv(0x04, &name_hash),
            &tlv(0x04, &key_hash),
            &tlv(0x02, &self.serial),
        ]);
        let status = match &self.status {
            Status::Good => vec![0x80, 0x00],
            Status::Unknown => vec![0x82, 0x00],
            Status::Revoked(reason) => {
                let mut info = gtime("20240601000000Z");
                if let Some(r) = reason {
                    info.extend_from_slice(&tlv(0xa0, &tlv(0x0a, &[*r])));
                }
                tlv(0xa1, &info)
            }
        };
        let mut single = [cert_id, status, gtime(self.this_update)].concat();
        if let Some(next) = self.next_update {
            single.extend_from_slice(&tlv(0xa0, &gtime(next)));
        }
        let responder_id = match self.responder {
            Responder::ByName => tlv(0xa1, &self.signer_subject),
            Responder::ByKey => tlv(0xa2, &tlv(0x04, &Sha1::digest(key_bits(&self.signer_spki)))),
        };
        let tbs = seq(&[
            &responder_id,
            &gtime(self.this_update),
            &seq(&[&tlv(0x30, &single)]),
        ]);
        let key = provider()
            .load_signing_key(&PrivateKeyDer::Pkcs8(self.signer_pkcs8.clone()))
            .expect("signing key");
        let signature = key
            .sign(SignatureScheme::EcdsaSecp256r1Sha256, &tbs)
            .expect("sign");
        let mut bits = vec![0u8];
        bits.extend_from_slice(&signature);
        let mut basic = [tbs, ECDSA_SHA256_ALG.to_vec(), tlv(0x03, &bits)].concat();
        if !self.certs.is_empty() {
            let list: Vec<u8> = self.certs.concat();
            basic.extend_from_slice(&tlv(0xa0, &tlv(0x30, &list)));
        }
        let basic = tlv(0x30, &basic);
        let ocsp_basic = tlv(
            0x06,
            &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01],
        );
        let response_bytes = seq(&[&ocsp_basic, &tlv(0x04, &basic)]);
        seq(&[
            &tlv(0x0a, &[self.response_status]),
            &tlv(0xa0, &response_bytes),
        ])
    }
}

struct Fixture {
    ca: pki::Ca,
    leaf: Vec<u8>,
    base: Spec,
}

fn subject_and_spki(der: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let c = Certificate::from_der(der).expect("cert");
    (c.subject.der().to_vec(), c.spki.to_vec())
}

fn fixture() -> Fixture {
    let ca = pki::root("tlskit OCSP test CA", Alg::EcdsaP256);
    let leaf = pki::leaf_with(
        pki::with_serial(pki::leaf_params(&["example.com"]), 0x1234),
        &ca,
        Alg::EcdsaP256,
    );
    let (subject, spki) = subject_and_spki(&ca.der);
    let base = Spec {
        response_status: 0,
        serial: vec![0x12, 0x34],
        hash: CertIdHash::Sha1,
        status: Status::Good,
        this_update: "20241231000000Z",
        next_update: Some("20250107000000Z"),
        responder: Responder::ByName,
        signer_subject: subject.clone(),
        signer_spki: spki.clone(),
        signer_pkcs8: ca.key.serialize_der(),
        certs: Vec::new(),
        issuer_subject: subject,
        issuer_spki: spki,
    };
    Fixture { ca, leaf, base }
}

fn check(f: &Fixture, response: &[u8], now: UnixTime) -> Result<OcspStatus, OcspError> {
    let leaf = Certificate::from_der(&f.leaf).expect("leaf");
    let (subject, spki) = subject_and_spki(&f.ca.der);
    let issuer = OcspIssuer {
        subject: &subject,
        spki: &spki,
    };
    verify_ocsp_response(
        provider(),
        response,
        &leaf,
        issuer,
        now,
        &OcspOptions::default(),
    )
    .map(|v| v.status)
}

#[test]
fn issuer_signed_responses() {
    let f = fixture();
    let now = pki::now();
    assert_eq!(check(&f, &f.base.build(), now), Ok(OcspStatus::Good));
    let by_key_sha256 = Spec {
        hash: CertIdHash::Sha256,
        responder: Responder::ByKey,
        ..f.base.clone()
    };
    assert_eq!(check(&f, &by_key_sha256.build(), now), Ok(OcspStatus::Good));
    let revoked = Spec {
        status: Status::Revoked(Some(1)),
        ..f.base.clone()
    };
    assert!(matches!(
        check(&f, &revoked.build(), now),
        Ok(OcspStatus::Revoked {
            reason: Some(1),
            ..
        })
    ));
    let unknown = Spec {
        status: Status::Unknown,
        ..f.base.clone()
    };
    assert_eq!(check(&f, &unknown.build(), now), Ok(OcspStatus::Unknown));
}

#[test]
fn wrong_certificate_signer_or_status() {
    let f = fixture();
    let now = pki::now();
    let other_serial = Spec {
        serial: vec![0x12, 0x35],
        ..f.base.clone()
    };
    assert_eq!(
        check(&f, &other_serial.build(), now),
        Err(OcspError::NoMatchingResponse)
    );
    let try_later = Spec {
        response_status: 3,
        ..f.base.clone()
    };
    assert_eq!(
        check(&f, &try_later.build(), now),
        Err(OcspError::Unsuccessful(3))
    );
    // Another key claiming the issuer's name.
    let impostor = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let forged = Spec {
        signer_pkcs8: impostor.serialize_der(),
        ..f.base.clone()
    };
    assert_eq!(
        check(&f, &forged.build(), now),
        Err(OcspError::BadSignature)
    );
    // A flipped bit in the signed data.
    let mut tampered = f.base.build();
    let at = tampered.len() / 2;
    tampered[at] ^= 0x01;
    assert!(check(&f, &tampered, now).is_err());
}

#[test]
fn delegated_responders() {
    let f = fixture();
    let now = pki::now();
    let responder_key = pki::key(Alg::EcdsaP256);
    let make_responder = |eku: bool, issuer: &pki::Ca| {
        let mut params = pki::leaf_params(&["ocsp.example.com"]);
        params.extended_key_usages = if eku {
            vec![ExtendedKeyUsagePurpose::OcspSigning]
        } else {
            vec![ExtendedKeyUsagePurpose::ServerAuth]
        };
        params
            .signed_by(&responder_key, &issuer.issuer())
            .expect("responder cert")
            .der()
            .to_vec()
    };
    let delegated = |cert: Vec<u8>| {
        let (subject, spki) = subject_and_spki(&cert);
        Spec {
            signer_subject: subject,
            signer_spki: spki,
            signer_pkcs8: responder_key.serialize_der(),
            certs: vec![cert],
            ..f.base.clone()
        }
    };
    let good = delegated(make_responder(true, &f.ca));
    assert_eq!(check(&f, &good.build(), now), Ok(OcspStatus::Good));
    let by_key = Spec {
        responder: Responder::ByKey,
        ..good.clone()
    };
    assert_eq!(check(&f, &by_key.build(), now), Ok(OcspStatus::Good));
    // Without id-kp-OCSPSigning.
    let no_eku = delegated(make_responder(false, &f.ca));
    assert_eq!(
        check(&f, &no_eku.build(), now),
        Err(OcspError::UnauthorizedSigner)
    );
    // Issued by some other CA.
    let other_ca = pki::root("other CA", Alg::EcdsaP256);
    let foreign = delegated(make_responder(true, &other_ca));
    assert_eq!(
        check(&f, &foreign.build(), now),
        Err(OcspError::UnauthorizedSigner)
    );
    // A responder certificate not included at all.
    let missing = Spec {
        certs: Vec::new(),
        ..good
    };
    assert_eq!(
        check(&f, &missing.build(), now),
        Err(OcspError::UnauthorizedSigner)
    );
}

#[test]
fn freshness() {
    let f = fixture();
    let at = |y, m, d| UnixTime::from_utc(y, m, d, 0, 0, 0).expect("date");
    let response = f.base.build();
    assert_eq!(check(&f, &response, at(2025, 1, 7)), Ok(OcspStatus::Good));
    assert_eq!(check(&f, &response, at(2025, 1, 8)), Err(OcspError::Stale));
    assert_eq!(
        check(&f, &response, at(2024, 12, 30)),
        Err(OcspError::NotYetValid)
    );
    let no_next = Spec {
        next_update: None,
        ..f.base.clone()
    };
    let response = no_next.build();
    assert_eq!(check(&f, &response, at(2025, 1, 6)), Ok(OcspStatus::Good));
    assert_eq!(check(&f, &response, at(2025, 1, 8)), Err(OcspError::Stale));
}

#[test]
fn truncations_and_corruptions_never_panic() {
    let f = fixture();
    let now = pki::now();
    let response = f.base.build();
    for len in 0..response.len() {
        assert!(check(&f, &response[..len], now).is_err(), "prefix {len}");
    }
    for i in 0..response.len() {
        let mut copy = response.clone();
        copy[i] ^= 0x80;
        let _ = check(&f, &copy, now);
    }
}

/// A response made by `openssl ocsp` acting as the CA's responder.
#[test]
fn openssl_responder_output_verifies() {
    use std::process::Command;
    let Ok(out) = Command::new("openssl").arg("version").output() else {
        panic!("the openssl binary is required (scripts/setup.sh installs it)");
    };
    assert!(out.status.success());
    let f = fixture();
    let dir = std::env::temp_dir().join(format!("tlskit-ocsp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let pem = |der: &[u8]| {
        use std::fmt::Write;
        let b64 = base64_encode(der);
        let mut s = String::from("-----BEGIN CERTIFICATE-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            let _ = writeln!(s, "{}", std::str::from_utf8(chunk).expect("ascii"));
        }
        s.push_str("-----END CERTIFICATE-----\n");
        s
    };
    std::fs::write(dir.join("ca.pem"), pem(&f.ca.der)).expect("write");
    std::fs::write(dir.join("ca.key"), f.ca.key.serialize_pem()).expect("write");
    std::fs::write(dir.join("leaf.pem"), pem(&f.leaf)).expect("write");
    for (status_line, expect_revoked) in [("V", false), ("R", true)] {
        let index = if status_line == "V" {
            "V\t300101000000Z\t\t1234\tunknown\t/CN=leaf\n".to_string()
        } else {
            "R\t300101000000Z\t240601000000Z,keyCompromise\t1234\tunknown\t/CN=leaf\n".to_string()
        };
        std::fs::write(dir.join("index.txt"), index).expect("write");
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .current_dir(&dir)
                .args(args)
                .output()
                .expect("openssl runs");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(&[
            "ocsp",
            "-issuer",
            "ca.pem",
            "-cert",
            "leaf.pem",
            "-no_nonce",
            "-reqout",
            "req.der",
        ]);
        run(&[
            "ocsp",
            "-index",
            "index.txt",
            "-CA",
            "ca.pem",
            "-rsigner",
            "ca.pem",
            "-rkey",
            "ca.key",
            "-reqin",
            "req.der",
            "-respout",
            "resp.der",
            "-ndays",
            "1",
        ]);
        let response = std::fs::read(dir.join("resp.der")).expect("response");
        let status = check(&f, &response, UnixTime::now()).expect("openssl's response verifies");
        assert_eq!(
            matches!(status, OcspStatus::Revoked { .. }),
            expect_revoked,
            "{status:?}"
        );
        if let OcspStatus::Revoked { reason, .. } = status {
            assert_eq!(reason, Some(1), "keyCompromise");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn base64_encode(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
