//! The PASS/FAIL/SKIP matrix every interop suite fills: one cell per combination,
//! printed as a table with counts (visible with `--nocapture`), failing the test on any
//! failed cell.

use super::pki_files::{
    client_cert_kinds, missing_algorithm, missing_group, missing_signer, missing_verifier,
};
use crate::common::KeyKind;
use tlskit_crypto::{CryptoProvider, NamedGroup};
use tlskit_handshake::suites::{CipherSuite, ProtocolVersion};

/// One cell of an interop matrix.
#[derive(Debug)]
pub struct Cell {
    pub status: &'static str,
    pub direction: &'static str,
    pub backend: &'static str,
    pub what: String,
    pub detail: String,
}

/// Collects outcomes and prints them as a table (visible with `--nocapture`).
#[derive(Debug, Default)]
pub struct Matrix {
    pub cells: Vec<Cell>,
}

impl Matrix {
    /// Records a combination that ran: `Ok(summary)` passed, `Err(why)` failed.
    pub fn record(
        &mut self,
        direction: &'static str,
        backend: &'static str,
        what: impl Into<String>,
        outcome: Result<String, String>,
    ) {
        let (status, detail) = match outcome {
            Ok(d) => ("PASS", d),
            Err(d) => ("FAIL", d),
        };
        self.cells.push(Cell {
            status,
            direction,
            backend,
            what: what.into(),
            detail,
        });
    }

    /// Records a combination that cannot run because the backend lacks an algorithm.
    pub fn skip(
        &mut self,
        direction: &'static str,
        backend: &'static str,
        what: impl Into<String>,
        why: &str,
    ) {
        self.cells.push(Cell {
            status: "SKIP",
            direction,
            backend,
            what: what.into(),
            detail: why.to_string(),
        });
    }

    /// One combination: skipped with the reason `missing` gives (what the backend
    /// lacks), else run and recorded.
    pub fn cell(
        &mut self,
        direction: &'static str,
        backend: &'static str,
        what: impl Into<String>,
        missing: Option<&str>,
        run: impl FnOnce() -> Result<String, String>,
    ) {
        match missing {
            Some(why) => self.skip(direction, backend, what, why),
            None => {
                let outcome = run();
                self.record(direction, backend, what, outcome);
            }
        }
    }

    /// One cell per version of `versions`, in order, named `<label>, <version>`.
    pub fn per_version(
        &mut self,
        direction: &'static str,
        backend: &'static str,
        label: &str,
        versions: &[ProtocolVersion],
        mut run: impl FnMut(ProtocolVersion) -> Result<String, String>,
    ) {
        for &v in versions {
            let outcome = run(v);
            self.record(
                direction,
                backend,
                format!("{label}, {}", v.name()),
                outcome,
            );
        }
    }

    /// One cell per resumption case `(version, how, extra)` of `cases`, in order, named
    /// `resumption <how>, <version>`.
    pub fn per_resumption<T>(
        &mut self,
        direction: &'static str,
        backend: &'static str,
        cases: impl IntoIterator<Item = (ProtocolVersion, &'static str, T)>,
        mut run: impl FnMut(ProtocolVersion, &'static str, T) -> Result<String, String>,
    ) {
        for (v, how, extra) in cases {
            let outcome = run(v, how, extra);
            self.record(
                direction,
                backend,
                format!("resumption {how}, {}", v.name()),
                outcome,
            );
        }
    }

    /// One cell per suite of `suites` with a `kind` certificate on backend `p`, named
    /// `<kind> <suite>`, skipped where `p` lacks the algorithm (as server when
    /// `signing`).
    pub fn per_suite(
        &mut self,
        direction: &'static str,
        p: &dyn CryptoProvider,
        kind: KeyKind,
        signing: bool,
        suites: Vec<CipherSuite>,
        mut run: impl FnMut(CipherSuite) -> Result<String, String>,
    ) {
        for suite in suites {
            let what = format!("{kind:?} {}", suite.name);
            let missing = missing_algorithm(p, suite, kind, signing);
            self.cell(direction, p.name(), what, missing, || run(suite));
        }
    }

    /// One cell of the group rows, where `limited` (the certificate and the side limited to
    /// one group, e.g. `P256 cert, Go`) is limited to `group` in version `v`: named
    /// `<limited> <group> only, <version>`, skipped where `p` lacks the group.
    pub fn group_cell(
        &mut self,
        direction: &'static str,
        p: &dyn CryptoProvider,
        limited: &str,
        group: NamedGroup,
        v: ProtocolVersion,
        run: impl FnOnce() -> Result<String, String>,
    ) {
        let what = format!("{limited} {} only, {}", group.name(), v.name());
        self.cell(direction, p.name(), what, missing_group(p, group), run);
    }

    /// One cell per client-certificate type of `p` ([`client_cert_kinds`]) in version `v`,
    /// named `client cert <kind>, <version>`, skipped where `p` cannot sign with the key
    /// (when `signing`: the tlskit client presents it) or verify it (the tlskit server).
    pub fn per_client_cert(
        &mut self,
        direction: &'static str,
        p: &dyn CryptoProvider,
        v: ProtocolVersion,
        signing: bool,
        mut run: impl FnMut(KeyKind) -> Result<String, String>,
    ) {
        for &kind in client_cert_kinds(p) {
            let what = format!("client cert {kind:?}, {}", v.name());
            let missing = if signing {
                missing_signer(p, kind, v)
            } else {
                missing_verifier(p, kind)
            };
            self.cell(direction, p.name(), what, missing, || run(kind));
        }
    }

    /// Prints the table and panics listing every failed cell.
    pub fn finish(self, title: &str) {
        let mut out = format!("\n=== interop matrix: {title} ===\n");
        for c in &self.cells {
            let first_line = c.detail.lines().next().unwrap_or("");
            out.push_str(&format!(
                "{} {:30} {:10} {:42} {}\n",
                c.status, c.direction, c.backend, c.what, first_line
            ));
        }
        let count = |st: &str| self.cells.iter().filter(|c| c.status == st).count();
        out.push_str(&format!(
            "=== {title}: {} passed, {} failed, {} skipped ===\n",
            count("PASS"),
            count("FAIL"),
            count("SKIP")
        ));
        println!("{out}");
        assert!(count("PASS") > 0, "{title}: nothing passed");
        let failed: Vec<String> = self
            .cells
            .iter()
            .filter(|c| c.status == "FAIL")
            .map(|c| format!("{} {} {}:\n{}", c.direction, c.backend, c.what, c.detail))
            .collect();
        if !failed.is_empty() {
            panic!(
                "{title}: {} of {} combinations failed:\n{}",
                failed.len(),
                self.cells.len(),
                failed.join("\n\n")
            );
        }
    }
}
