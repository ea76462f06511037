//! A bounded, deterministic mutation smoke test: corrupted certificates and CRLs from
//! the limbo suite must be rejected or accepted, never panic. (cargo-fuzz targets under
//! the workspace `fuzz/` go further; this runs in `cargo test`.)

mod common;

use tlskit_x509::{
    verify_chain, Certificate, OwnedCrl, Purpose, RootStore, ServerName, UnixTime, VerifyOptions,
};

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut XorShift, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..=rng.below(3) {
        let len = v.len();
        match rng.below(5) {
            0 if len > 0 => {
                let i = rng.below(len);
                v[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                v[i] = [0x00, 0x80, 0x81, 0xff, 0x30, 0x02][rng.below(6)];
            }
            2 => v.truncate(rng.below(len + 1)),
            3 => {
                let i = rng.below(len + 1);
                v.insert(i, rng.next() as u8);
            }
            _ if len > 4 => {
                let i = rng.below(len - 2);
                v.remove(i);
            }
            _ => {}
        }
    }
    v
}

#[test]
fn mutated_inputs_never_panic() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/limbo/limbo.json");
    let suite = common::limbo_runner::load_suite(&path).expect("suite");
    let mut certs: Vec<Vec<u8>> = Vec::new();
    let mut crls: Vec<Vec<u8>> = Vec::new();
    for case in suite.testcases.iter().take(120) {
        for pem in case
            .trusted_certs
            .iter()
            .chain(&case.untrusted_intermediates)
            .chain([&case.peer_certificate])
        {
            certs.extend(tlskit_x509::certificates_from_pem(pem.as_bytes()));
        }
        for pem in case.crls.iter().flatten() {
            crls.extend(tlskit_crypto::pem::parse_label(pem.as_bytes(), "X509 CRL"));
        }
    }
    assert!(certs.len() > 100 && !crls.is_empty());
    let provider = tlskit_providers::by_name("ring").expect("ring");
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut parsed = 0usize;
    for round in 0..6000 {
        let base = &certs[rng.below(certs.len())];
        let m = mutate(&mut rng, base);
        if let Ok(cert) = Certificate::from_der(&m) {
            parsed += 1;
            let _ = cert.extensions.iter().count();
            let _ = cert.subject.to_string();
        }
        if round % 10 == 0 {
            // A mutated leaf and a mutated anchor through the whole validator.
            let mut roots = RootStore::new();
            let pick = rng.below(certs.len());
            let _ = roots.add_der(&mutate(&mut rng, &certs[pick]));
            let _ = roots.add_der(&certs[rng.below(certs.len())]);
            let pick = rng.below(certs.len());
            let ica = mutate(&mut rng, &certs[pick]);
            let name = ServerName::try_from_str("example.com").expect("name");
            let _ = verify_chain(
                provider,
                &roots,
                &m,
                &[&ica, base],
                UnixTime::from_unix_secs(1_700_000_000),
                Purpose::ServerAuth,
                Some(&name),
                &VerifyOptions::default(),
            );
            let pick = rng.below(crls.len());
            let crl = mutate(&mut rng, &crls[pick]);
            let _ = OwnedCrl::from_der(crl);
        }
    }
    // Some single-bit flips land in signatures or names and still parse.
    assert!(parsed > 0);
}
