//! Regression gate on the x509-limbo suite (testdata/limbo, C2SP x509-limbo, Apache-2.0).
//! Runs every case with every compiled-in provider; the whole suite takes well under a
//! second per provider.

mod common;

use common::limbo_runner::{load_suite, run_suite, Outcome, DELIBERATE_SKIPS};

/// The count reached when this gate was set; raise it when the validator improves.
const MIN_PASSED: usize = 204;

#[test]
fn limbo_suite_has_no_regressions() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/limbo/limbo.json");
    let suite = load_suite(&path).expect("limbo.json loads");
    assert_eq!(suite.testcases.len(), 208);
    for provider in tlskit_providers::all() {
        let report = run_suite(&suite, provider, |_| true);
        let failures: Vec<String> = report
            .results
            .iter()
            .filter_map(|r| match &r.outcome {
                Outcome::UnexpectedAccept => Some(format!("{}: UNEXPECTED ACCEPT", r.id)),
                Outcome::UnexpectedReject(e) => Some(format!("{}: unexpected reject: {e}", r.id)),
                _ => None,
            })
            .collect();
        let t = report.total;
        println!(
            "{}: {} passed, {} failed, {} skipped",
            provider.name(),
            t.passed,
            t.failed,
            t.skipped
        );
        assert_eq!(
            t.unexpected_accepts,
            0,
            "{}: {failures:#?}",
            provider.name()
        );
        assert!(
            t.passed >= MIN_PASSED,
            "{}: {} passed; {failures:#?}",
            provider.name(),
            t.passed
        );
        assert_eq!(t.failed, 0, "{}: {failures:#?}", provider.name());
        // Only the documented skips: the conflicting halves and pedantic-rfc5280.
        assert_eq!(t.skipped, DELIBERATE_SKIPS.len() + 1);
    }
}

#[test]
fn rfc3339_times_floor_to_seconds() {
    use common::limbo_runner::parse_rfc3339;
    let t = parse_rfc3339("2024-03-01T00:00:00.999Z").unwrap();
    assert_eq!(t.to_string(), "2024-03-01T00:00:00Z");
    let offset = parse_rfc3339("2024-03-01T02:00:00+02:00").unwrap();
    assert_eq!(offset, t);
    assert!(parse_rfc3339("2024-03-01").is_none());
}

/// The embedded Mozilla roots (bare anchors, no certificates) validate the real-world
/// chains of the limbo `online::` family.
#[cfg(feature = "webpki-roots")]
#[test]
fn online_chains_validate_against_embedded_mozilla_roots() {
    use tlskit_x509::{verify_chain, Purpose, RootStore, ServerName, VerifyOptions};
    let roots = RootStore::mozilla();
    assert!(roots.len() > 100, "{} roots", roots.len());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/limbo/limbo.json");
    let suite = load_suite(&path).expect("limbo.json loads");
    let provider = tlskit_providers::by_name("ring").expect("ring");
    let mut checked = 0;
    for case in suite
        .testcases
        .iter()
        .filter(|c| c.id.starts_with("online::"))
    {
        let der = |pem: &str| tlskit_x509::certificates_from_pem(pem.as_bytes()).remove(0);
        let leaf = der(&case.peer_certificate);
        let intermediates: Vec<Vec<u8>> = case
            .untrusted_intermediates
            .iter()
            .map(|p| der(p))
            .collect();
        let refs: Vec<&[u8]> = intermediates.iter().map(Vec::as_slice).collect();
        let now =
            common::limbo_runner::parse_rfc3339(case.validation_time.as_deref().expect("time"))
                .expect("time");
        let name = ServerName::try_from_str(&case.expected_peer_name.as_ref().expect("name").value)
            .expect("name");
        verify_chain(
            provider,
            &roots,
            &leaf,
            &refs,
            now,
            Purpose::ServerAuth,
            Some(&name),
            &VerifyOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", case.id));
        checked += 1;
    }
    assert_eq!(checked, 14);
}
