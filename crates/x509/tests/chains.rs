//! Path validation on chains made at test time with rcgen.

mod common;

use common::pki::{self, Alg, Ca};
use std::sync::Arc;
use tlskit_crypto::{CryptoProvider, Curve, KeyType};
use tlskit_x509::{
    verify_chain, CertError, ClientCertVerifier, OwnedCrl, PathElement, Purpose, RevocationPolicy,
    RootStore, ServerCertVerifier, ServerName, TrustAnchor, UnixTime, VerifyOptions,
    WebPkiClientVerifier, WebPkiServerVerifier,
};

fn ring() -> &'static dyn CryptoProvider {
    tlskit_providers::by_name("ring").expect("ring provider")
}

fn store(roots: &[&Ca]) -> RootStore {
    let mut store = RootStore::new();
    for r in roots {
        store.add_der(&r.der).expect("root parses");
    }
    store
}

fn name(s: &str) -> ServerName {
    ServerName::try_from_str(s).expect("valid name")
}

fn verify(
    roots: &RootStore,
    leaf: &[u8],
    intermediates: &[&[u8]],
    server: &str,
    options: &VerifyOptions,
) -> Result<tlskit_x509::VerifiedPath, CertError> {
    verify_chain(
        ring(),
        roots,
        leaf,
        intermediates,
        pki::now(),
        Purpose::ServerAuth,
        Some(&name(server)),
        options,
    )
}

struct Chain {
    root: Ca,
    ica: Ca,
    leaf: Vec<u8>,
}

fn chain(alg: Alg) -> Chain {
    let root = pki::root("Test Root", alg);
    let ica = pki::intermediate("Test ICA", &root, alg);
    let leaf = pki::leaf(&["example.com", "www.example.com"], &ica, alg);
    Chain { root, ica, leaf }
}

#[test]
fn valid_three_certificate_chains_with_every_provider_and_key_type() {
    for (alg, key_type) in [
        (Alg::EcdsaP256, KeyType::Ecdsa(Curve::P256)),
        (Alg::EcdsaP384, KeyType::Ecdsa(Curve::P384)),
        (Alg::Ed25519, KeyType::Ed25519),
        (Alg::Rsa2048(0), KeyType::Rsa),
    ] {
        let c = chain(alg);
        let roots = store(&[&c.root]);
        for provider in tlskit_providers::all() {
            let path = verify_chain(
                provider,
                &roots,
                &c.leaf,
                &[&c.ica.der],
                pki::now(),
                Purpose::ServerAuth,
                Some(&name("www.example.com")),
                &VerifyOptions::default(),
            );
            let path = path.unwrap_or_else(|e| panic!("{alg:?} with {}: {e}", provider.name()));
            assert_eq!(
                path.elements(),
                &[
                    PathElement::EndEntity,
                    PathElement::Intermediate(0),
                    PathElement::Anchor(0)
                ]
            );
            assert_eq!(path.end_entity_key().key_type, key_type);
        }
    }
}

#[test]
fn intermediates_in_any_order_with_extras_and_duplicates() {
    let c = chain(Alg::EcdsaP256);
    let other_root = pki::root("Other Root", Alg::EcdsaP256);
    let unrelated = pki::intermediate("Unrelated ICA", &other_root, Alg::EcdsaP256);
    let roots = store(&[&c.root]);
    let offered: [&[u8]; 5] = [
        &unrelated.der,
        &c.root.der,
        &[0x30, 0x03, 0x02, 0x01],
        &c.ica.der,
        &c.ica.der,
    ];
    let path = verify(
        &roots,
        &c.leaf,
        &offered,
        "example.com",
        &VerifyOptions::default(),
    )
    .expect("valid");
    assert_eq!(path.intermediates_used(), vec![3]);
}

#[test]
fn expired_and_not_yet_valid() {
    let root = pki::root("Root", Alg::EcdsaP256);
    let ica = pki::intermediate("ICA", &root, Alg::EcdsaP256);
    let roots = store(&[&root]);
    let expired = pki::leaf_with(
        pki::with_validity(
            pki::leaf_params(&["example.com"]),
            (2023, 1, 1),
            (2024, 12, 31),
        ),
        &ica,
        Alg::EcdsaP256,
    );
    let err = verify(
        &roots,
        &expired,
        &[&ica.der],
        "example.com",
        &VerifyOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, CertError::Expired { index: 0, .. }), "{err}");
    assert!(
        err.to_string().contains("expired at 2024-12-31T00:00:00Z"),
        "{err}"
    );
    let future = pki::leaf_with(
        pki::with_validity(
            pki::leaf_params(&["example.com"]),
            (2025, 1, 2),
            (2026, 1, 1),
        ),
        &ica,
        Alg::EcdsaP256,
    );
    let err = verify(
        &roots,
        &future,
        &[&ica.der],
        "example.com",
        &VerifyOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, CertError::NotYetValid { index: 0, .. }),
        "{err}"
    );
    // An expired intermediate is reported at index 1.
    let old_ica = pki::intermediate_with(
        pki::with_validity(pki::ca_params("Old ICA", None), (2020, 1, 1), (2024, 1, 1)),
        &root,
        Alg::EcdsaP256,
    );
    let leaf = pki::leaf(&["example.com"], &old_ica, Alg::EcdsaP256);
    let err = verify(
        &roots,
        &leaf,
        &[&old_ica.der],
        "example.com",
        &VerifyOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, CertError::Expired { index: 1, .. }), "{err}");
}

#[test]
fn wrong_name_and_ip_addresses() {
    let root = pki::root("Root", Alg::EcdsaP256);
    let roots = store(&[&root]);
    let mut params = pki::leaf_params(&["example.com"]);
    pki::ip_san(&mut params, "192.0.2.7".parse().unwrap());
    pki::ip_san(&mut params, "2001:db8::1".parse().unwrap());
    let leaf = pki::leaf_with(params, &root, Alg::EcdsaP256);
    let opts = VerifyOptions::default();
    verify(&roots, &leaf, &[], "example.com", &opts).expect("dns");
    verify(&roots, &leaf, &[], "EXAMPLE.com.", &opts).expect("case and trailing dot");
    verify(&roots, &leaf, &[], "192.0.2.7", &opts).expect("ipv4");
    verify(&roots, &leaf, &[], "2001:db8:0::1", &opts).expect("ipv6");
    match verify(&roots, &leaf, &[], "example.org", &opts) {
        Err(CertError::NameMismatch {
            expected,
            presented,
        }) => {
            assert_eq!(expected, "example.org");
            assert_eq!(presented, vec!["example.com", "192.0.2.7", "2001:db8::1"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        verify(&roots, &leaf, &[], "192.0.2.8", &opts),
        Err(CertError::NameMismatch { .. })
    ));
}

#[test]
fn wildcard_rules() {
    let root = pki::root("Root", Alg::EcdsaP256);
    let roots = store(&[&root]);
    let opts = VerifyOptions::default();
    let wild = pki::leaf(&["*.example.com"], &root, Alg::EcdsaP256);
    verify(&roots, &wild, &[], "foo.example.com", &opts).expect("one label");
    for bad in ["example.com", "a.b.example.com"] {
        assert!(
            matches!(
                verify(&roots, &wild, &[], bad, &opts),
                Err(CertError::NameMismatch { .. })
            ),
            "{bad}"
        );
    }
    // A wildcard over a public suffix never matches.
    let tld = pki::leaf(&["*.com"], &root, Alg::EcdsaP256);
    assert!(matches!(
        verify(&roots, &tld, &[], "example.com", &opts),
        Err(CertError::NameMismatch { .. })
    ));
    // Partial-label wildcards are malformed SANs.
    let partial = pki::leaf(&["f*.example.com"], &root, Alg::EcdsaP256);
    assert!(matches!(
        verify(&roots, &partial, &[], "foo.example.com", &opts),
        Err(CertError::InvalidSubjectAltName { index: 0, .. })
    ));
}

#[test]
fn missing_intermediate_and_untrusted_root() {
    let c = chain(Alg::EcdsaP256);
    let roots = store(&[&c.root]);
    let err = verify(
        &roots,
        &c.leaf,
        &[],
        "example.com",
        &VerifyOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err, CertError::UnknownIssuer { index: 0 });
    assert_eq!(err.alert_description(), 48);
    let other = pki::root("Other Root", Alg::EcdsaP256);
    let roots = store(&[&other]);
    let err = verify(
        &roots,
        &c.leaf,
        &[&c.ica.der, &c.root.der],
        "example.com",
        &VerifyOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, CertError::UnknownIssuer { .. }), "{err}");
}

#[test]
fn cross_signed_alternative_path_is_found() {
    // Old root B is not trusted; B is cross-signed by trusted root A, once with an
    // expired certificate and once validly. B's own self-signed certificate is also
    // offered and comes first, so the builder must back out of two dead ends.
    let a = pki::root("Root A", Alg::EcdsaP256);
    let b = pki::root("Root B", Alg::EcdsaP256);
    let ica = pki::intermediate("ICA under B", &b, Alg::EcdsaP256);
    let leaf = pki::leaf(&["example.com"], &ica, Alg::EcdsaP256);
    let b_by_a_expired = pki::cross_sign(&b, &a, 2024);
    let b_by_a = pki::cross_sign(&b, &a, 2029);
    let roots = store(&[&a]);
    let offered: [&[u8]; 4] = [&b.der, &b_by_a_expired, &ica.der, &b_by_a];
    let path = verify(
        &roots,
        &leaf,
        &offered,
        "example.com",
        &VerifyOptions::default(),
    )
    .expect("cross-signed path");
    assert_eq!(path.intermediates_used(), vec![2, 3]);
    // Trusting B directly gives the shorter path.
    let roots = store(&[&a, &b]);
    let path = verify(
        &roots,
        &leaf,
        &offered,
        "example.com",
        &VerifyOptions::default(),
    )
    .expect("direct");
    assert_eq!(path.elements().len(), 3);
    // Without the valid cross-sign, the expiry is what is reported.
    let roots = store(&[&a]);
    let err = verify(
        &roots,
        &leaf,
        &[&b.der, &b_by_a_expired, &ica.der],
        "example.com",
        &VerifyOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, CertError::Expired { index: 2, .. }), "{err}");
}

#[test]
fn path_len_and_max_depth() {
    let root = pki::root("Root", Alg::EcdsaP256);
    let ica1 = pki::intermediate_with(pki::ca_params("ICA1", Some(0)), &root, Alg::EcdsaP256);
    let ica2 = pki::intermediate("ICA2", &ica1, Alg::EcdsaP256);
    let leaf = pki::leaf(&["example.com"], &ica2, Alg::EcdsaP256);
    let roots = store(&[&root]);
    let err = verify(
        &roots,
        &leaf,
        &[&ica2.der, &ica1.der],
        "example.com",
        &VerifyOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        CertError::PathLenExceeded {
            index: 2,
            path_len: 0
        }
    );
    // pathLen 0 still allows a leaf directly below.
    let leaf1 = pki::leaf(&["example.com"], &ica1, Alg::EcdsaP256);
    verify(
        &roots,
        &leaf1,
        &[&ica1.der],
        "example.com",
        &VerifyOptions::default(),
    )
    .expect("pathLen 0 + leaf");

    let ica_free = pki::intermediate("ICA free", &root, Alg::EcdsaP256);
    let ica_b = pki::intermediate("ICA b", &ica_free, Alg::EcdsaP256);
    let leaf2 = pki::leaf(&["example.com"], &ica_b, Alg::EcdsaP256);
    let one = VerifyOptions {
        max_intermediates: 1,
        ..VerifyOptions::default()
    };
    let err = verify(
        &roots,
        &leaf2,
        &[&ica_b.der, &ica_free.der],
        "example.com",
        &one,
    )
    .unwrap_err();
    assert!(
        matches!(err, CertError::MaxDepthExceeded { index: 2, max: 1 }),
        "{err}"
    );
    verify(
        &roots,
        &leaf2,
        &[&ica_b.der, &ica_free.der],
        "example.com",
        &VerifyOptions::default(),
    )
    .expect("depth 2");
}

#[test]
fn extended_key_usage() {
    let root = pki::root("Root", Alg::EcdsaP256);
    let roots = Arc::new(store(&[&root]));
    let mut params = pki::leaf_params(&["client.example.com"]);
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    let client_leaf = pki::leaf_with(params, &root, Alg::EcdsaP256);
    let server = WebPkiServerVerifier::new(Arc::clone(&roots), ring(), VerifyOptions::default());
    let err = server
        .verify_server_cert(&client_leaf, &[], &name("client.example.com"), pki::now())
        .unwrap_err();
    assert_eq!(
        err,
        CertError::ExtendedKeyUsageMismatch {
            index: 0,
            required: Purpose::ServerAuth
        }
    );
    let client = WebPkiClientVerifier::new(Arc::clone(&roots), ring(), VerifyOptions::default());
    client
        .verify_client_cert(&client_leaf, &[], pki::now())
        .expect("clientAuth");
    assert!(client.client_auth_mandatory());
    assert_eq!(client.root_subjects().len(), 1);
    let server_leaf = pki::leaf(&["example.com"], &root, Alg::EcdsaP256);
    assert!(matches!(
        client.verify_client_cert(&server_leaf, &[], pki::now()),
        Err(CertError::ExtendedKeyUsageMismatch { index: 0, .. })
    ));
}

fn with_crls(policy: RevocationPolicy, crls: &[&Vec<u8>]) -> VerifyOptions {
    VerifyOptions {
        crls: Arc::new(
            crls.iter()
                .map(|d| OwnedCrl::from_der(d.to_vec()).expect("CRL parses"))
                .collect(),
        ),
        revocation: policy,
        ..VerifyOptions::default()
    }
}

#[test]
fn revoked_leaf_and_intermediate() {
    let root = pki::root("Root", Alg::EcdsaP256);
    let ica = pki::intermediate_with(
        pki::with_serial(pki::ca_params("ICA", None), 0x1234),
        &root,
        Alg::EcdsaP256,
    );
    let leaf = pki::leaf_with(
        pki::with_serial(pki::leaf_params(&["example.com"]), 0x77),
        &ica,
        Alg::EcdsaP256,
    );
    let roots = store(&[&root]);
    let ica_crl_revoking_leaf = pki::crl(&ica, &[0x76, 0x77], 2024, 2026);
    let ica_crl_clean = pki::crl(&ica, &[0x76], 2024, 2026);
    let root_crl_clean = pki::crl(&root, &[], 2024, 2026);
    let root_crl_revoking_ica = pki::crl(&root, &[0x1234], 2024, 2026);
    let run = |opts: &VerifyOptions| verify(&roots, &leaf, &[&ica.der], "example.com", opts);

    let err = run(&with_crls(
        RevocationPolicy::IfPresent,
        &[&ica_crl_revoking_leaf],
    ))
    .unwrap_err();
    assert_eq!(
        err,
        CertError::Revoked {
            index: 0,
            serial: "77".into()
        }
    );
    assert_eq!(err.alert_description(), 44);
    let err = run(&with_crls(
        RevocationPolicy::IfPresent,
        &[&root_crl_revoking_ica],
    ))
    .unwrap_err();
    assert!(matches!(err, CertError::Revoked { index: 1, .. }), "{err}");
    run(&with_crls(RevocationPolicy::IfPresent, &[&ica_crl_clean])).expect("not revoked");
    run(&with_crls(RevocationPolicy::Off, &[&ica_crl_revoking_leaf])).expect("policy off");
    // Require: every certificate below the anchor needs a CRL.
    let err = run(&with_crls(RevocationPolicy::Require, &[&ica_crl_clean])).unwrap_err();
    assert_eq!(err, CertError::RevocationStatusUnknown { index: 1 });
    run(&with_crls(
        RevocationPolicy::Require,
        &[&ica_crl_clean, &root_crl_clean],
    ))
    .expect("both covered");
    // A stale CRL is refused, not ignored.
    let stale = pki::crl(&ica, &[], 2023, 2024);
    let err = run(&with_crls(RevocationPolicy::IfPresent, &[&stale])).unwrap_err();
    assert!(
        matches!(err, CertError::InvalidCrl { index: 0, .. }),
        "{err}"
    );
    // A CRL signed by another key under the same name is refused.
    // (it names another key in its authorityKeyIdentifier, so it does not cover the leaf).
    let impostor = pki::root("ICA", Alg::EcdsaP256);
    let forged = pki::crl(&impostor, &[0x77], 2024, 2026);
    run(&with_crls(RevocationPolicy::IfPresent, &[&forged])).expect("foreign CRL ignored");
    let err = run(&with_crls(
        RevocationPolicy::Require,
        &[&forged, &root_crl_revoking_ica_clean(&root)],
    ))
    .unwrap_err();
    assert_eq!(err, CertError::RevocationStatusUnknown { index: 0 });
}

fn root_crl_revoking_ica_clean(root: &Ca) -> Vec<u8> {
    pki::crl(root, &[], 2024, 2026)
}

#[test]
fn name_constraints_apply_to_leaf_sans() {
    let root = pki::root_with(
        pki::permit_dns(
            pki::ca_params("Constrained Root", None),
            &["example.com"],
            &["bad.example.com"],
        ),
        Alg::EcdsaP256,
    );
    let roots = store(&[&root]);
    let opts = VerifyOptions::default();
    let ok = pki::leaf(&["www.example.com"], &root, Alg::EcdsaP256);
    verify(&roots, &ok, &[], "www.example.com", &opts).expect("permitted");
    let outside = pki::leaf(&["www.example.com", "example.org"], &root, Alg::EcdsaP256);
    let err = verify(&roots, &outside, &[], "www.example.com", &opts).unwrap_err();
    assert!(
        matches!(&err, CertError::NameConstraintViolation { index: 0, constrained_by: 1, name } if name == "example.org"),
        "{err}"
    );
    let excluded = pki::leaf(&["x.bad.example.com"], &root, Alg::EcdsaP256);
    assert!(matches!(
        verify(&roots, &excluded, &[], "x.bad.example.com", &opts),
        Err(CertError::NameConstraintViolation { .. })
    ));
    // A wildcard that could match an excluded name is refused.
    let wild = pki::leaf(&["*.example.com"], &root, Alg::EcdsaP256);
    assert!(matches!(
        verify(&roots, &wild, &[], "www.example.com", &opts),
        Err(CertError::NameConstraintViolation { .. })
    ));
}

#[test]
fn pathological_mesh_is_bounded() {
    // 40 CAs with one name and one key: each "signs" every other. No root.
    let key_ca = pki::root("Mesh", Alg::EcdsaP256);
    let mut mesh = Vec::new();
    for i in 0..40 {
        let params = pki::with_serial(pki::ca_params("Mesh", None), 1000 + i);
        mesh.push(pki::cross_sign(
            &Ca {
                der: key_ca.der.clone(),
                params,
                key: rcgen::KeyPair::from_pem(&key_ca.key.serialize_pem()).expect("key"),
            },
            &key_ca,
            2029,
        ));
    }
    let leaf = pki::leaf(&["example.com"], &key_ca, Alg::EcdsaP256);
    let other = pki::root("Unrelated", Alg::EcdsaP256);
    let roots = store(&[&other]);
    let offered: Vec<&[u8]> = mesh.iter().map(Vec::as_slice).collect();
    let started = std::time::Instant::now();
    let err = verify(
        &roots,
        &leaf,
        &offered,
        "example.com",
        &VerifyOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            CertError::UnknownIssuer { .. } | CertError::BudgetExceeded { .. }
        ),
        "{err}"
    );
    // Loose bound; the point is that it terminates.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn bare_anchor_from_subject_and_key() {
    let c = chain(Alg::EcdsaP256);
    let root = tlskit_x509::Certificate::from_der(&c.root.der).expect("parses");
    let mut roots = RootStore::new();
    roots.add(
        TrustAnchor::from_subject_and_spki(root.subject.der().to_vec(), root.spki.to_vec(), None)
            .expect("anchor"),
    );
    verify(
        &roots,
        &c.leaf,
        &[&c.ica.der],
        "example.com",
        &VerifyOptions::default(),
    )
    .expect("bare anchor");
}

#[test]
fn pem_bundles_load_and_report_bad_entries() {
    let c = chain(Alg::EcdsaP256);
    let mut pem = tlskit_crypto::pem::encode("CERTIFICATE", &c.root.der);
    pem.push_str(&tlskit_crypto::pem::encode("CERTIFICATE", &[0x30, 0x00]));
    pem.push_str(&tlskit_crypto::pem::encode("CERTIFICATE", &c.ica.der));
    let mut roots = RootStore::new();
    let report = roots.add_pem(pem.as_bytes());
    assert_eq!(report.added, 2);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].0, 1);
    // The intermediate is now an anchor too: the path ends there.
    let path = verify(
        &roots,
        &c.leaf,
        &[&c.ica.der],
        "example.com",
        &VerifyOptions::default(),
    )
    .expect("valid");
    assert_eq!(
        path.elements(),
        &[PathElement::EndEntity, PathElement::Anchor(1)]
    );
}

#[test]
fn system_store_loads_when_present() {
    if !std::path::Path::new("/etc/ssl/certs/ca-certificates.crt").exists() {
        eprintln!("no system bundle; skipping");
        return;
    }
    let (roots, report) = RootStore::system().expect("system store");
    assert!(
        roots.len() > 50,
        "{} anchors, report {report:?}",
        roots.len()
    );
}

#[test]
fn a_trusted_self_signed_leaf_validates_alone() {
    let key = pki::key(Alg::EcdsaP256);
    let params = pki::leaf_params(&["localhost"]);
    let der = params.self_signed(&key).expect("self-sign").der().to_vec();
    let mut roots = RootStore::new();
    roots.add_der(&der).expect("parses");
    let path =
        verify(&roots, &der, &[], "localhost", &VerifyOptions::default()).expect("pinned leaf");
    assert_eq!(
        path.elements(),
        &[PathElement::EndEntity, PathElement::Anchor(0)]
    );
    assert!(matches!(
        verify(&roots, &der, &[], "example.com", &VerifyOptions::default()),
        Err(CertError::NameMismatch { .. })
    ));
    // Not trusted: no issuer.
    assert_eq!(
        verify(
            &RootStore::new(),
            &der,
            &[],
            "localhost",
            &VerifyOptions::default()
        )
        .unwrap_err(),
        CertError::UnknownIssuer { index: 0 }
    );
}

fn policy_ext(oid: &[u64], content: &[u8], critical: bool) -> rcgen::CustomExtension {
    let mut ext = rcgen::CustomExtension::from_oid_content(oid, content.to_vec());
    ext.set_criticality(critical);
    ext
}

#[test]
fn require_explicit_policy() {
    // policyConstraints { requireExplicitPolicy 0 } (critical, RFC 5280 §4.2.1.11).
    let require = || policy_ext(&[2, 5, 29, 36], &[0x30, 0x03, 0x80, 0x01, 0x00], true);
    // certificatePolicies { 2.23.140.1.2.1 } (the CA/B Forum domain-validated OID).
    let policies = || {
        policy_ext(
            &[2, 5, 29, 32],
            &[
                0x30, 0x0a, 0x30, 0x08, 0x06, 0x06, 0x67, 0x81, 0x0c, 0x01, 0x02, 0x01,
            ],
            false,
        )
    };
    let root = pki::root("Root", Alg::EcdsaP256);
    let roots = store(&[&root]);
    let mut ica_params = pki::ca_params("Policy ICA", None);
    ica_params.custom_extensions = vec![require(), policies()];
    let ica = pki::intermediate_with(ica_params, &root, Alg::EcdsaP256);
    let bare_leaf = pki::leaf(&["example.com"], &ica, Alg::EcdsaP256);
    let err = verify(
        &roots,
        &bare_leaf,
        &[&ica.der],
        "example.com",
        &VerifyOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, CertError::Profile { index: 0, .. }), "{err}");
    let mut leaf_params = pki::leaf_params(&["example.com"]);
    leaf_params.custom_extensions = vec![policies()];
    let leaf = pki::leaf_with(leaf_params, &ica, Alg::EcdsaP256);
    verify(
        &roots,
        &leaf,
        &[&ica.der],
        "example.com",
        &VerifyOptions::default(),
    )
    .expect("policies present");
    // A non-critical policyConstraints is itself refused.
    let mut lax_params = pki::ca_params("Lax ICA", None);
    lax_params.custom_extensions = vec![policy_ext(
        &[2, 5, 29, 36],
        &[0x30, 0x03, 0x80, 0x01, 0x00],
        false,
    )];
    let lax = pki::intermediate_with(lax_params, &root, Alg::EcdsaP256);
    let leaf = pki::leaf(&["example.com"], &lax, Alg::EcdsaP256);
    assert!(matches!(
        verify(
            &roots,
            &leaf,
            &[&lax.der],
            "example.com",
            &VerifyOptions::default()
        ),
        Err(CertError::Profile { index: 1, .. })
    ));
}

#[test]
fn unknown_critical_extension_is_refused() {
    let root = pki::root("Root", Alg::EcdsaP256);
    let roots = store(&[&root]);
    let mut params = pki::leaf_params(&["example.com"]);
    params.custom_extensions = vec![policy_ext(
        &[1, 3, 6, 1, 4, 1, 55738, 666, 1],
        &[0x05, 0x00],
        true,
    )];
    let leaf = pki::leaf_with(params, &root, Alg::EcdsaP256);
    let err = verify(&roots, &leaf, &[], "example.com", &VerifyOptions::default()).unwrap_err();
    assert_eq!(
        err,
        CertError::UnsupportedCriticalExtension {
            index: 0,
            oid: "1.3.6.1.4.1.55738.666.1".into()
        }
    );
}

#[test]
fn time_is_compared_in_whole_seconds() {
    let c = chain(Alg::EcdsaP256);
    let roots = store(&[&c.root]);
    let not_after = tlskit_x509::Certificate::from_der(&c.leaf)
        .expect("parses")
        .not_after;
    let at = |t: UnixTime| {
        verify_chain(
            ring(),
            &roots,
            &c.leaf,
            &[&c.ica.der],
            t,
            Purpose::ServerAuth,
            None,
            &VerifyOptions::default(),
        )
    };
    at(not_after).expect("notAfter is inclusive");
    assert!(matches!(
        at(UnixTime::from_unix_secs(not_after.as_unix_secs() + 1)),
        Err(CertError::Expired { .. })
    ));
}
