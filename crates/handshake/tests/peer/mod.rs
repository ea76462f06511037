//! What the interop suites share, whatever the peer: child processes ([`process`]), the
//! test PKI as PEM files ([`pki_files`]), a blocking tlskit client ([`tlskit_client`]),
//! tlskit servers on background threads ([`tlskit_server`]), the PASS/FAIL matrix
//! ([`matrix`]), the versions, groups and suites it runs over ([`suites`]) and OCSP
//! responses from `openssl ocsp` ([`ocsp`]). The tool-specific layers (`openssl_peer`,
//! `gnutls_peer`, `tlslite_peer`, `go_peer`) sit on top.
//!
//! Needs the test crate to declare `mod common;` next to `mod peer;`.
#![allow(dead_code)]

pub mod matrix;
pub mod ocsp;
pub mod pki_files;
pub mod process;
pub mod suites;
pub mod tlskit_client;
pub mod tlskit_server;

use std::time::Duration;

/// How long any single step (process start, handshake, one read) may take.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(10);

use std::sync::{Arc, Mutex};
use tlskit_handshake::TraceSink;

/// A handshake trace collected line by line from a [`TraceSink`].
#[derive(Clone, Debug, Default)]
pub struct TraceLog(Arc<Mutex<Vec<String>>>);

impl TraceLog {
    /// A sink appending to this log.
    pub fn sink(&self) -> TraceSink {
        let lines = self.0.clone();
        TraceSink::new(move |l| {
            if let Ok(mut v) = lines.lock() {
                v.push(l.to_string());
            }
        })
    }

    /// The lines so far.
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// The lines so far, one per line.
    pub fn text(&self) -> String {
        self.0.lock().map(|v| v.join("\n")).unwrap_or_default()
    }

    /// How many lines so far contain `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.0
            .lock()
            .map(|v| v.iter().filter(|l| l.contains(needle)).count())
            .unwrap_or(0)
    }
}
