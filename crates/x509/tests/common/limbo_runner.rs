//! Runs x509-limbo test cases (C2SP x509-limbo, `testdata/limbo/`) against tlskit-x509.
//! Shared by `examples/limbo.rs` and `tests/limbo.rs`.

#![allow(dead_code)]

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use tlskit_crypto::CryptoProvider;
use tlskit_x509::{
    verify_chain, ClientCertVerifier, KeyUsage, OwnedCrl, Purpose, RevocationPolicy, RootStore,
    ServerCertVerifier, ServerName, UnixTime, VerifyOptions, WebPkiClientVerifier,
    WebPkiServerVerifier,
};

#[derive(Debug, Deserialize)]
pub struct Suite {
    pub version: u32,
    pub testcases: Vec<TestCase>,
}

#[derive(Debug, Deserialize)]
pub struct PeerName {
    pub kind: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
pub struct TestCase {
    pub id: String,
    #[serde(default)]
    pub features: Option<Vec<String>>,
    #[serde(default)]
    pub conflicts_with: Option<Vec<String>>,
    pub validation_kind: String,
    pub trusted_certs: Vec<String>,
    pub untrusted_intermediates: Vec<String>,
    pub peer_certificate: String,
    pub validation_time: Option<String>,
    #[serde(default)]
    pub extended_key_usage: Option<Vec<String>>,
    #[serde(default)]
    pub key_usage: Option<Vec<String>>,
    pub expected_result: String,
    pub expected_peer_name: Option<PeerName>,
    pub max_chain_depth: Option<usize>,
    #[serde(default)]
    pub crls: Option<Vec<String>>,
}

/// Cases deliberately not run, with the reason. Each is one side of a pair that
/// x509-limbo marks as conflicting (`conflicts_with`): the two expect opposite results
/// for the same chain, so a validator follows one profile and skips the other case.
pub const DELIBERATE_SKIPS: &[(&str, &str)] = &[
    (
        "rfc5280::nc::permitted-dns-match-noncritical",
        "conflicts with webpki::nc::permitted-dns-match-noncritical: the CA/B Forum profile lets nameConstraints be non-critical",
    ),
    (
        "webpki::ca-as-leaf",
        "conflicts with rfc5280::ca-as-leaf: RFC 5280 lets a (consistent) CA certificate be validated as the leaf",
    ),
    (
        "webpki::eku::ee-without-eku",
        "conflicts with rfc5280::eku::ee-without-eku: a leaf without extKeyUsage is accepted, as browsers do",
    ),
];

/// Features this validator does not implement; a case needing one is skipped.
pub const UNSUPPORTED_FEATURES: &[(&str, &str)] = &[(
    "pedantic-rfc5280",
    "feature pedantic-rfc5280: authorityKeyIdentifier is not required on trust anchor certificates (a cross-signed CA may be trusted directly, as in cve::cve-2024-0567)",
)];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// Invalid chain accepted.
    UnexpectedAccept,
    /// Valid chain rejected, with the error.
    UnexpectedReject(String),
    Skipped(String),
}

pub struct CaseResult {
    pub id: String,
    pub outcome: Outcome,
    /// What the validator said (for passes too).
    pub detail: String,
    /// How long the case took.
    pub elapsed: std::time::Duration,
}

/// Parses an RFC 3339 time (`2024-03-01T00:00:00.999Z`, `…+00:00`), floored to seconds.
pub fn parse_rfc3339(s: &str) -> Option<UnixTime> {
    let (date, time) = s.split_once('T')?;
    let mut d = date.split('-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    let (clock, offset_secs) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0i64)
    } else {
        let pos = time.rfind(['+', '-'])?;
        let (c, off) = time.split_at(pos);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (h, m) = off.get(1..)?.split_once(':')?;
        (
            c,
            sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60),
        )
    };
    let clock = clock.split('.').next()?;
    let mut c = clock.split(':');
    let hour: u32 = c.next()?.parse().ok()?;
    let minute: u32 = c.next()?.parse().ok()?;
    let second: u32 = c.next()?.parse().ok()?;
    let t = UnixTime::from_utc(year, month, day, hour, minute, second)?;
    Some(UnixTime::from_unix_secs(t.as_unix_secs() - offset_secs))
}

fn pem_der(pem: &str) -> Result<Vec<u8>, String> {
    tlskit_x509::certificates_from_pem(pem.as_bytes())
        .into_iter()
        .next()
        .ok_or_else(|| "PEM without a certificate".to_string())
}

/// Runs one case. `Err` from the validator is a rejection.
pub fn run_case(case: &TestCase, provider: &'static dyn CryptoProvider) -> CaseResult {
    let started = std::time::Instant::now();
    let result = |outcome, detail: String| CaseResult {
        id: case.id.clone(),
        outcome,
        detail,
        elapsed: started.elapsed(),
    };
    if let Some((_, reason)) = DELIBERATE_SKIPS.iter().find(|(id, _)| *id == case.id) {
        return result(Outcome::Skipped(reason.to_string()), String::new());
    }
    for feature in case.features.iter().flatten() {
        if let Some((_, reason)) = UNSUPPORTED_FEATURES.iter().find(|(f, _)| f == feature) {
            return result(Outcome::Skipped(reason.to_string()), String::new());
        }
    }
    let verdict = validate(case, provider);
    let expect_success = case.expected_result == "SUCCESS";
    match (verdict, expect_success) {
        (Ok(detail), true) => result(Outcome::Pass, detail),
        (Err(e), false) => result(Outcome::Pass, e),
        (Ok(detail), false) => result(Outcome::UnexpectedAccept, detail),
        (Err(e), true) => result(Outcome::UnexpectedReject(e.clone()), e),
    }
}

fn validate(case: &TestCase, provider: &'static dyn CryptoProvider) -> Result<String, String> {
    let mut roots = RootStore::new();
    let mut notes = String::new();
    for (i, pem) in case.trusted_certs.iter().enumerate() {
        // A trust store skips certificates it cannot parse.
        let loaded = pem_der(pem).and_then(|der| roots.add_der(&der).map_err(|e| e.to_string()));
        if let Err(e) = loaded {
            notes.push_str(&format!(" [trusted cert {i} not loaded: {e}]"));
        }
    }
    let intermediates: Vec<Vec<u8>> = case
        .untrusted_intermediates
        .iter()
        .filter_map(|p| pem_der(p).ok())
        .collect();
    let intermediate_refs: Vec<&[u8]> = intermediates.iter().map(Vec::as_slice).collect();
    let leaf = pem_der(&case.peer_certificate)?;
    let now = match &case.validation_time {
        Some(t) => parse_rfc3339(t).ok_or_else(|| format!("bad validation_time {t}"))?,
        None => UnixTime::now(),
    };
    let mut crls = Vec::new();
    for pem in case.crls.iter().flatten() {
        let parsed = OwnedCrl::from_pem(pem.as_bytes()).map_err(|e| format!("CRL: {e}"))?;
        crls.extend(parsed);
    }
    let mut options = VerifyOptions {
        crls: Arc::new(crls),
        revocation: RevocationPolicy::IfPresent,
        ..VerifyOptions::default()
    };
    // The case names the leaf key usages it requires (e.g. digitalSignature).
    options.leaf_key_usage = 0;
    for name in case.key_usage.iter().flatten() {
        options.leaf_key_usage |=
            KeyUsage::from_name(name).ok_or_else(|| format!("unknown key usage {name}"))?;
    }
    if let Some(depth) = case.max_chain_depth {
        options.max_intermediates = depth;
    }
    let roots = Arc::new(roots);
    let verdict = if case.validation_kind == "CLIENT" {
        if case
            .extended_key_usage
            .iter()
            .flatten()
            .any(|e| e != "clientAuth")
        {
            return Err("requested extKeyUsage other than clientAuth".into());
        }
        WebPkiClientVerifier::new(roots, provider, options).verify_client_cert(
            &leaf,
            &intermediate_refs,
            now,
        )
    } else {
        if case
            .extended_key_usage
            .iter()
            .flatten()
            .any(|e| e != "serverAuth")
        {
            return Err("requested extKeyUsage other than serverAuth".into());
        }
        match &case.expected_peer_name {
            Some(n) if n.kind == "DNS" || n.kind == "IP" => {
                let name = ServerName::try_from_str(&n.value).map_err(|e| e.to_string())?;
                WebPkiServerVerifier::new(roots, provider, options).verify_server_cert(
                    &leaf,
                    &intermediate_refs,
                    &name,
                    now,
                )
            }
            Some(n) => return Err(format!("unsupported peer name kind {}", n.kind)),
            // No expected name: validate the path for serverAuth only.
            None => verify_chain(
                provider,
                &roots,
                &leaf,
                &intermediate_refs,
                now,
                Purpose::ServerAuth,
                None,
                &options,
            ),
        }
    };
    verdict
        .map(|path| format!("accepted ({} certificates){notes}", path.elements().len()))
        .map_err(|e| format!("{e}{notes}"))
}

/// Tallies per family (the id prefix before `::`).
#[derive(Default, Debug, Clone, Copy)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub unexpected_accepts: usize,
    pub unexpected_rejects: usize,
}

pub struct Report {
    pub results: Vec<CaseResult>,
    pub total: Tally,
    pub families: BTreeMap<String, Tally>,
    /// By validation kind (`SERVER`, `CLIENT`).
    pub kinds: BTreeMap<String, Tally>,
}

pub fn run_suite(
    suite: &Suite,
    provider: &'static dyn CryptoProvider,
    filter: impl Fn(&TestCase) -> bool,
) -> Report {
    let mut report = Report {
        results: Vec::new(),
        total: Tally::default(),
        families: BTreeMap::new(),
        kinds: BTreeMap::new(),
    };
    for case in suite.testcases.iter().filter(|c| filter(c)) {
        let r = run_case(case, provider);
        let family = case.id.split("::").next().unwrap_or("").to_string();
        let fam = report.families.entry(family).or_default();
        let kind = report
            .kinds
            .entry(case.validation_kind.clone())
            .or_default();
        for t in [&mut report.total, fam, kind] {
            match &r.outcome {
                Outcome::Pass => t.passed += 1,
                Outcome::Skipped(_) => t.skipped += 1,
                Outcome::UnexpectedAccept => {
                    t.failed += 1;
                    t.unexpected_accepts += 1;
                }
                Outcome::UnexpectedReject(_) => {
                    t.failed += 1;
                    t.unexpected_rejects += 1;
                }
            }
        }
        report.results.push(r);
    }
    report
}

pub fn load_suite(path: &std::path::Path) -> Result<Suite, String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))
}
