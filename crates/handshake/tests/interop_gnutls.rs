//! Interop with GnuTLS 3.7 (`gnutls-serv`, `gnutls-cli` from Debian's gnutls-bin), a TLS
//! implementation independent of both tlskit and OpenSSL, in both directions, TLS 1.2
//! and TLS 1.3:
//!
//! - tlskit client → `gnutls-serv --http`: every tlskit suite × ECDSA P-256 / P-384,
//!   RSA-2048 and Ed25519 certificates, the three groups against a server limited to one
//!   (a HelloRetryRequest in TLS 1.3 when it is not our first key share), client
//!   certificates (`--require-client-cert`), resumption by ticket and by session id
//!   (TLS 1.2) and by PSK (TLS 1.3), ALPN, a pinned-version server, refusals;
//! - `gnutls-cli` → tlskit echo server: the same suites × certificates × groups with
//!   `--priority` pinning GnuTLS to one version, suite, key exchange and group, the chain
//!   verified by gnutls-cli against the test root, client certificates, `--resume`,
//!   ALPN, a wrong trust anchor and a version mismatch;
//! - both ways: bulk application data (96 KiB echoed by gnutls-serv, 2000 lines from
//!   gnutls-cli), TLS 1.3 KeyUpdate started by either side (RFC 8446 §4.6.3), TLS 1.2
//!   renegotiation refused with a warning no_renegotiation (HelloRequest from gnutls-serv,
//!   ClientHello from gnutls-cli), and 0-RTT from gnutls-cli declined and skipped
//!   (RFC 8446 §4.2.10).
//!
//!
//! The ring backend runs the whole matrix; rustcrypto and openssl a subset of each part.
//! GnuTLS's own view (its `- Description:` line or status page) is checked against what
//! tlskit negotiated. One gnutls-serv serves every connection of a configuration; cells
//! run sequentially with bounded waits and every child is killed on drop. Without the
//! GnuTLS tools these tests FAIL (CI installs gnutls-bin, see scripts/setup.sh). Run with
//! `--nocapture` to see the matrices.

mod common;
mod gnutls_peer;
mod peer;

use common::{certified, client_config, require_client_auth, server_config, KeyKind};
use gnutls_peer::fixture::{Fixture, CERT_KINDS};
use gnutls_peer::{gnutls_cli, CliRun, GnutlsServer};
use peer::matrix::Matrix;
use peer::suites::{is_ring, matrix_suites, GROUPS, VERSIONS};
use peer::tlskit_client::{tlskit_request, Outcome, TlskitClient, Trace, GET};
use peer::tlskit_server::{ConnReport, EchoRun, EchoServer};
use std::io::Read;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;
use tlskit_crypto::{CryptoProvider, NamedGroup};
use tlskit_handshake::suites::{self, CipherSuite, ProtocolVersion};
use tlskit_handshake::{ClientConfig, ServerConfig};

/// A whole gnutls-cli run (handshakes, echo, close) may take this long.
const CLI_TIMEOUT: Duration = Duration::from_secs(15);

// ---------------------------------------------------------------------------------------
// Names on the GnuTLS side
// ---------------------------------------------------------------------------------------

/// `TLS1.2` / `TLS1.3`, as GnuTLS names versions in priority strings and descriptions.
fn gnutls_version(v: ProtocolVersion) -> &'static str {
    match v {
        ProtocolVersion::Tls12 => "TLS1.2",
        _ => "TLS1.3",
    }
}

/// The GnuTLS cipher name of a suite's AEAD.
fn gnutls_cipher(s: CipherSuite) -> &'static str {
    match s.code {
        0x1301 | 0xc02b | 0xc02f => "AES-128-GCM",
        0x1302 | 0xc02c | 0xc030 => "AES-256-GCM",
        _ => "CHACHA20-POLY1305",
    }
}

/// The GnuTLS name of a group (`GROUP-…` in priorities, `ECDHE-…` in descriptions).
fn gnutls_group(g: NamedGroup) -> &'static str {
    match g {
        NamedGroup::X25519 => "X25519",
        NamedGroup::Secp256r1 => "SECP256R1",
        _ => "SECP384R1",
    }
}

/// The TLS 1.2 key exchange a `kind` certificate authenticates.
fn gnutls_kx(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Rsa2048 => "ECDHE-RSA",
        _ => "ECDHE-ECDSA",
    }
}

/// A priority string pinning GnuTLS to `v` and, when given, one suite (cipher and, in
/// TLS 1.2, key exchange) and one group.
fn priority(
    v: ProtocolVersion,
    suite: Option<(CipherSuite, KeyKind)>,
    group: Option<NamedGroup>,
) -> String {
    let mut p = format!("--priority=NORMAL:-VERS-ALL:+VERS-{}", gnutls_version(v));
    if let Some((s, kind)) = suite {
        p.push_str(&format!(":-CIPHER-ALL:+{}", gnutls_cipher(s)));
        if v == ProtocolVersion::Tls12 {
            p.push_str(&format!(":-KX-ALL:+{}", gnutls_kx(kind)));
        }
    }
    if let Some(g) = group {
        p.push_str(&format!(":-GROUP-ALL:+GROUP-{}", gnutls_group(g)));
    }
    p
}

/// Checks a GnuTLS description such as
/// `(TLS1.3-X.509)-(ECDHE-X25519)-(ECDSA-SECP256R1-SHA256)-(AES-256-GCM)` or
/// `(TLS1.2)-(ECDHE-SECP256R1)-(RSA-SHA256)-(AES-128-GCM)`.
fn check_description(
    desc: &str,
    v: ProtocolVersion,
    suite: Option<CipherSuite>,
    group: Option<NamedGroup>,
) -> Result<(), String> {
    if !desc.starts_with(&format!("({}", gnutls_version(v))) {
        return Err(format!("GnuTLS says {desc:?}, expected {}", v.name()));
    }
    if let Some(s) = suite {
        if !desc.ends_with(&format!("({})", gnutls_cipher(s))) {
            return Err(format!("GnuTLS says {desc:?}, expected {}", s.name));
        }
    }
    if let Some(g) = group {
        if !desc.contains(&format!("(ECDHE-{})", gnutls_group(g))) {
            return Err(format!("GnuTLS says {desc:?}, expected {}", g.name()));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// tlskit client → gnutls-serv
// ---------------------------------------------------------------------------------------

/// GnuTLS's view of a tlskit client connection to `gnutls-serv --http`.
trait StatusPage {
    /// The `Description` row of a `gnutls-serv --http` status page.
    fn page_description(&self) -> Result<String, String>;
    fn check(
        &self,
        v: ProtocolVersion,
        suite: Option<CipherSuite>,
        group: Option<NamedGroup>,
        resumed: bool,
    ) -> Result<String, String>;
}

impl StatusPage for Outcome {
    fn page_description(&self) -> Result<String, String> {
        let page = String::from_utf8_lossy(&self.response);
        if !page.starts_with("HTTP/1.0 200 OK") {
            return Err(format!("unexpected response: {page:.300}"));
        }
        const ROW: &str = "Description:</TD><TD>";
        page.split_once(ROW)
            .and_then(|(_, rest)| rest.split_once("</TD>"))
            .map(|(d, _)| d.to_string())
            .ok_or_else(|| format!("no description on the status page: {page:.2000}"))
    }

    fn check(
        &self,
        v: ProtocolVersion,
        suite: Option<CipherSuite>,
        group: Option<NamedGroup>,
        resumed: bool,
    ) -> Result<String, String> {
        let desc = self.page_description()?;
        if self.version != Some(v) {
            return Err(format!(
                "tlskit negotiated {:?}, expected {v:?}",
                self.version
            ));
        }
        let ours = self.suite.ok_or("tlskit negotiated no suite")?;
        if suite.is_some_and(|s| s != ours) {
            return Err(format!("tlskit negotiated {}", ours.name));
        }
        // A resumed TLS 1.3 session still runs (EC)DHE (psk_dhe_ke), a resumed 1.2 one
        // does not; GnuTLS's description omits the group for both.
        let ours_group = if resumed { None } else { self.group };
        if let (Some(g), Some(ours)) = (group, self.group) {
            if g != ours && !resumed {
                return Err(format!("tlskit negotiated {}", ours.name()));
            }
        }
        check_description(&desc, v, Some(ours), ours_group)?;
        if self.resumed != resumed {
            return Err(format!(
                "tlskit resumed = {}, expected {resumed}",
                self.resumed
            ));
        }
        if v == ProtocolVersion::Tls12 && !self.extended_master_secret {
            return Err("no extended master secret".into());
        }
        Ok(desc)
    }
}

/// Connects to `addr` as `localhost`, sends a GET, reads the response until the server
/// closes. Every socket operation is bounded by [`STEP_TIMEOUT`].
fn tlskit_get(config: &Arc<ClientConfig>, addr: SocketAddr) -> Result<Outcome, String> {
    tlskit_request(config, addr, GET, Trace::Record)
}

/// A client config trusting the fixture root, limited to `v`.
fn client_for(p: &'static dyn CryptoProvider, fx: &Fixture, v: ProtocolVersion) -> ClientConfig {
    let mut cc = client_config(p, &fx.pki);
    cc.common.only_version(v);
    cc
}

/// `gnutls-serv --http` serving `kind`'s chain, with `extra` arguments. Unless `extra`
/// requires a client certificate, the server asks for none (`--disable-client-cert`), so
/// each cell tests one thing; its default (an optional request, with the empty TLS 1.3
/// status_request of RFC 8446 §4.4.2.1) has its own cells.
fn http_server(fx: &Fixture, kind: KeyKind, extra: &[String]) -> GnutlsServer {
    let mut args = fx.server(kind).gnutls_args();
    args.push("--http".into());
    if !extra.iter().any(|a| a == "--require-client-cert") {
        args.push("--disable-client-cert".into());
    }
    args.extend_from_slice(extra);
    GnutlsServer::start(&args, fx.dir.path())
}

#[test]
fn tlskit_client_to_gnutls_serv_suites_certs_groups() {
    let fx = Fixture::new("gnutls-c2s-matrix");
    let mut m = Matrix::default();
    const DIR: &str = "tlskit → gnutls-serv";
    for kind in CERT_KINDS {
        let server = http_server(&fx, kind, &[]);
        for p in tlskit_providers::all() {
            m.per_suite(DIR, p, kind, false, matrix_suites(p, kind), |suite| {
                let mut cc = client_for(p, &fx, suite.version);
                cc.common.cipher_suites = vec![suite];
                tlskit_get(&Arc::new(cc), server.addr())
                    .and_then(|out| out.check(suite.version, Some(suite), None, false))
                    .map_err(|e| format!("{e}\n{}", server.diagnostics()))
            });
        }
    }
    // Groups: gnutls-serv limited to one; tlskit offers all three (X25519 first), so a
    // TLS 1.3 server without X25519 answers with a HelloRetryRequest (RFC 8446 §4.1.4).
    for group in GROUPS {
        let server = http_server(
            &fx,
            KeyKind::EcdsaP256,
            &[format!(
                "--priority=NORMAL:-GROUP-ALL:+GROUP-{}",
                gnutls_group(group)
            )],
        );
        for p in tlskit_providers::all() {
            for v in VERSIONS {
                m.group_cell(DIR, p, "P256 cert, gnutls-serv", group, v, || {
                    let cc = Arc::new(client_for(p, &fx, v));
                    let out = tlskit_get(&cc, server.addr())?;
                    let desc = out.check(v, None, Some(group), false)?;
                    Ok(if out.checked_hrr(v, group)? {
                        format!("{desc} after HRR")
                    } else {
                        desc
                    })
                });
            }
        }
    }
    m.finish("tlskit client → gnutls-serv: suites × certificates × groups");
}

#[test]
fn tlskit_client_to_gnutls_serv_client_auth_alpn_resumption() {
    let fx = Fixture::new("gnutls-c2s-features");
    let mut m = Matrix::default();
    const DIR: &str = "tlskit → gnutls-serv";

    // Client certificates: gnutls-serv requires one and verifies it against the root.
    let server = http_server(
        &fx,
        KeyKind::EcdsaP256,
        &["--require-client-cert".into(), fx.ca_arg()],
    );
    for p in tlskit_providers::all() {
        for v in VERSIONS {
            m.per_client_cert(DIR, p, v, true, |kind| {
                let mut cc = client_for(p, &fx, v);
                cc.client_cert = Some(certified(p, &fx.client(kind).id));
                tlskit_get(&Arc::new(cc), server.addr())
                    .and_then(|out| out.check(v, None, None, false))
                    .map_err(|e| format!("{e}\n{}", server.diagnostics()))
            });
            // No certificate (an empty Certificate message): gnutls-serv refuses with
            // certificate_required in TLS 1.3 (RFC 8446 §4.4.2.4); in TLS 1.2 GnuTLS 3.7
            // maps its "No certificate was found" to decode_error (OpenSSL's s_client
            // gets the same alert from it).
            let alert = match v {
                ProtocolVersion::Tls12 => "peer sent fatal alert decode_error",
                _ => "peer sent fatal alert certificate_required",
            };
            let cc = Arc::new(client_for(p, &fx, v));
            let result = match tlskit_get(&cc, server.addr()) {
                Ok(out) => Err(format!(
                    "handshake without a client certificate succeeded: {:?}",
                    out.page_description()
                )),
                Err(e) if e.contains(alert) => Ok(e),
                Err(e) => Err(format!("expected {alert:?}, got: {e}")),
            };
            let what = format!("no client cert refused, {}", v.name());
            m.record(DIR, p.name(), what, result);
        }
    }
    drop(server);

    // ALPN: gnutls-serv accepts h2 and http/1.1; tlskit offers an unknown one first.
    let server = http_server(
        &fx,
        KeyKind::EcdsaP256,
        &["--alpn=h2".into(), "--alpn=http/1.1".into()],
    );
    for p in tlskit_providers::all() {
        m.per_version(DIR, p.name(), "ALPN", &VERSIONS, |v| {
            let mut cc = client_for(p, &fx, v);
            cc.common.alpn_protocols = vec![b"spdy/1".to_vec(), b"http/1.1".to_vec()];
            let out = tlskit_get(&Arc::new(cc), server.addr())?;
            out.check(v, None, None, false)?;
            match out.alpn.as_deref() {
                Some(b"http/1.1") => Ok("ALPN http/1.1".to_string()),
                other => Err(format!("ALPN {:?}", other.map(String::from_utf8_lossy))),
            }
        });
    }
    drop(server);

    // Resumption: tickets (default) and session ids (--noticket) in TLS 1.2, PSK from a
    // NewSessionTicket in TLS 1.3.
    let with_tickets = http_server(&fx, KeyKind::EcdsaP256, &[]);
    let ids_only = http_server(&fx, KeyKind::EcdsaP256, &["--noticket".into()]);
    for p in tlskit_providers::all() {
        let cases = [
            (ProtocolVersion::Tls12, "by ticket", &with_tickets),
            (ProtocolVersion::Tls12, "by session id", &ids_only),
            (ProtocolVersion::Tls13, "by PSK", &with_tickets),
        ];
        m.per_resumption(DIR, p.name(), cases, |v, how, server| {
            let cc = Arc::new(client_for(p, &fx, v));
            (|| -> Result<String, String> {
                let first = tlskit_get(&cc, server.addr())?;
                first
                    .check(v, None, None, false)
                    .map_err(|e| format!("first: {e}"))?;
                let stored = cc
                    .session_store
                    .as_ref()
                    .and_then(|s| s.get("localhost"))
                    .ok_or("no session stored after the first handshake")?;
                let has_ticket = !stored.ticket.is_empty();
                if v == ProtocolVersion::Tls12 && has_ticket != (how == "by ticket") {
                    return Err(format!("stored a {}-byte ticket", stored.ticket.len()));
                }
                let second = tlskit_get(&cc, server.addr())?;
                let desc = second
                    .check(v, first.suite, None, true)
                    .map_err(|e| format!("second: {e}"))?;
                Ok(format!("full, then resumed: {desc}"))
            })()
            .map_err(|e| format!("{e}\n{}", server.diagnostics()))
        });
    }
    m.finish("tlskit client → gnutls-serv: client auth, ALPN, resumption");
}

#[test]
fn tlskit_client_to_gnutls_serv_versions_and_refusals() {
    let fx = Fixture::new("gnutls-c2s-refusals");
    let mut m = Matrix::default();
    const DIR: &str = "tlskit → gnutls-serv";
    // gnutls-serv as it comes: it asks for an optional client certificate (in TLS 1.3
    // its CertificateRequest carries an empty status_request, RFC 8446 §4.4.2.1).
    let mut args = fx.server(KeyKind::EcdsaP256).gnutls_args();
    args.push("--http".into());
    let default_server = GnutlsServer::start(&args, fx.dir.path());
    for p in tlskit_providers::all() {
        let label = "gnutls-serv asking for an optional cert";
        m.per_version(DIR, p.name(), label, &VERSIONS, |v| {
            let cc = Arc::new(client_for(p, &fx, v));
            tlskit_get(&cc, default_server.addr()).and_then(|out| out.check(v, None, None, false))
        });
    }
    drop(default_server);
    let only12 = http_server(
        &fx,
        KeyKind::EcdsaP256,
        &[priority(ProtocolVersion::Tls12, None, None)],
    );
    let only13 = http_server(
        &fx,
        KeyKind::EcdsaP256,
        &[priority(ProtocolVersion::Tls13, None, None)],
    );
    for p in tlskit_providers::all() {
        // A 1.3+1.2 client meets a 1.2-only server: 1.2, with no downgrade alarm.
        let cc = Arc::new(client_config(p, &fx.pki));
        let result = tlskit_get(&cc, only12.addr())
            .and_then(|out| out.check(ProtocolVersion::Tls12, None, None, false));
        m.record(DIR, p.name(), "1.3+1.2 client, 1.2-only server", result);
        let result = tlskit_get(&cc, only13.addr())
            .and_then(|out| out.check(ProtocolVersion::Tls13, None, None, false));
        m.record(DIR, p.name(), "1.3+1.2 client, 1.3-only server", result);
        if !is_ring(p) {
            continue;
        }
        // A 1.2-only client meets a 1.3-only server: protocol_version (RFC 8446 §4.2.1).
        let cc = Arc::new(client_for(p, &fx, ProtocolVersion::Tls12));
        let result = match tlskit_get(&cc, only13.addr()) {
            Ok(out) => Err(format!("connected: {:?}", out.page_description())),
            Err(e) if e.contains("protocol_version") || e.contains("handshake_failure") => Ok(e),
            Err(e) => Err(format!("unexpected error: {e}")),
        };
        m.record(DIR, p.name(), "1.2-only client, 1.3-only server", result);
        // A client trusting another root refuses gnutls-serv's chain.
        m.per_version(DIR, p.name(), "untrusted root refused", &VERSIONS, |v| {
            let other = common::Pki::new();
            let mut cc = client_config(p, &other);
            cc.common.only_version(v);
            match tlskit_get(&Arc::new(cc), only_for(v, &only12, &only13).addr()) {
                Ok(_) => Err("connected to a server of an untrusted root".into()),
                Err(e) if e.contains("certificate") => Ok(e),
                Err(e) => Err(format!("unexpected error: {e}")),
            }
        });
    }
    m.finish("tlskit client → gnutls-serv: versions and refusals");
}

fn only_for<'a>(
    v: ProtocolVersion,
    s12: &'a GnutlsServer,
    s13: &'a GnutlsServer,
) -> &'a GnutlsServer {
    if v == ProtocolVersion::Tls12 {
        s12
    } else {
        s13
    }
}

// ---------------------------------------------------------------------------------------
// gnutls-cli → tlskit server
// ---------------------------------------------------------------------------------------

const HELLO_QUIT: &[u8] = b"hello\nquit\n";

/// A tlskit server config for `kind`'s chain.
fn server_for(p: &'static dyn CryptoProvider, fx: &Fixture, kind: KeyKind) -> ServerConfig {
    server_config(p, &fx.server(kind).id)
}

/// `gnutls-cli` arguments reaching `server` on 127.0.0.1, verifying the chain against
/// the test root for the name `localhost`.
fn cli_args(fx: &Fixture, server: &EchoServer) -> Vec<String> {
    vec![
        "127.0.0.1".into(),
        format!("--port={}", server.port()),
        "--sni-hostname=localhost".into(),
        "--verify-hostname=localhost".into(),
        fx.ca_arg(),
    ]
}

/// One gnutls-cli run against the echo server and the reports of its `connections`.
struct Session(EchoRun<CliRun>);

impl Deref for Session {
    type Target = EchoRun<CliRun>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Session {
    fn run(fx: &Fixture, server: &EchoServer, extra: &[String], connections: usize) -> Self {
        Self::run_input(fx, server, extra, HELLO_QUIT, connections)
    }

    /// As [`Session::run`], typing `input` (which must end with `quit\n`).
    fn run_input(
        fx: &Fixture,
        server: &EchoServer,
        extra: &[String],
        input: &[u8],
        connections: usize,
    ) -> Self {
        let mut args = cli_args(fx, server);
        args.extend_from_slice(extra);
        Self::launch(fx, server, &args, input, connections)
    }

    /// One gnutls-cli run with exactly `args` (see [`cli_args`]), typing `input`.
    fn launch(
        fx: &Fixture,
        server: &EchoServer,
        args: &[String],
        input: &[u8],
        connections: usize,
    ) -> Self {
        let run = gnutls_cli(args, input, Some("bye"), fx.dir.path(), CLI_TIMEOUT);
        let reports = server.reports(connections);
        Session(EchoRun { run, reports })
    }

    /// A run that tlskit must refuse: gnutls-cli failed and tlskit's error contains
    /// `alert`; otherwise `not_refused` heads the failure.
    fn refused_with(&self, alert: &str, not_refused: &str) -> Result<String, String> {
        match self.first_error() {
            Ok(Some(e)) if !self.run.success() && e.contains(alert) => Ok(e),
            other => Err(format!("{not_refused}: {other:?}\n{}", self.run.report())),
        }
    }

    /// Checks both sides: gnutls-cli verified our chain, got the echo; tlskit got the
    /// lines; GnuTLS's description matches what tlskit negotiated (and the expectations).
    fn check(
        &self,
        v: ProtocolVersion,
        suite: Option<CipherSuite>,
        group: Option<NamedGroup>,
    ) -> Result<(&ConnReport, String), String> {
        let run = &self.run;
        self.check_tool(
            "gnutls-cli",
            &[
                "- Status: The certificate is trusted.",
                "echo: hello",
                "bye",
            ],
        )?;
        let report = self.last_report()?;
        if report.lines != [b"hello".to_vec(), b"quit".to_vec()] {
            return Err(format!("tlskit received {:?}", report.lines));
        }
        let desc = run.descriptions().pop().ok_or("no description line")?;
        if report.version != Some(v.name()) {
            return Err(format!("tlskit negotiated {:?}", report.version));
        }
        let ours = report
            .suite
            .and_then(suites::by_name)
            .ok_or("tlskit negotiated no suite")?;
        if suite.is_some_and(|s| s != ours) {
            return Err(format!("tlskit negotiated {}", ours.name));
        }
        let resumed = report.resumed;
        let ours_group = report
            .group
            .and_then(|name| GROUPS.into_iter().find(|g| g.name() == name));
        if let Some(g) = group {
            if ours_group != Some(g) && !(resumed && v == ProtocolVersion::Tls12) {
                return Err(format!("tlskit negotiated {:?}", report.group));
            }
        }
        check_description(
            &desc,
            v,
            Some(ours),
            if resumed { None } else { ours_group },
        )
        .map_err(|e| format!("{e}\n{}", run.report()))?;
        if v == ProtocolVersion::Tls12 && !report.extended_master_secret {
            return Err("tlskit: no extended master secret".into());
        }
        Ok((report, desc))
    }
}

#[test]
fn gnutls_cli_to_tlskit_server_suites_certs_groups() {
    let fx = Fixture::new("gnutls-s2c-matrix");
    let mut m = Matrix::default();
    const DIR: &str = "gnutls-cli → tlskit";
    for p in tlskit_providers::all() {
        for kind in CERT_KINDS {
            let server = EchoServer::start(Arc::new(server_for(p, &fx, kind)));
            m.per_suite(DIR, p, kind, true, matrix_suites(p, kind), |suite| {
                let prio = priority(suite.version, Some((suite, kind)), None);
                let s = Session::run(&fx, &server, &[prio], 1);
                s.check(suite.version, Some(suite), None).map(|(_, d)| d)
            });
        }
        // Groups: gnutls-cli pinned to one group; in TLS 1.3 it sends that key share. In
        // TLS 1.2 the certificate is RSA: an ECDSA P-256 one would need P-256 among the
        // client's groups (checked separately below).
        let ecdsa = EchoServer::start(Arc::new(server_for(p, &fx, KeyKind::EcdsaP256)));
        let rsa = EchoServer::start(Arc::new(server_for(p, &fx, KeyKind::Rsa2048)));
        for v in VERSIONS {
            let (server, cert) = match v {
                ProtocolVersion::Tls12 => (&rsa, "RSA"),
                _ => (&ecdsa, "P256"),
            };
            let limited = format!("{cert} cert, gnutls-cli");
            for group in GROUPS {
                m.group_cell(DIR, p, &limited, group, v, || {
                    let s = Session::run(&fx, server, &[priority(v, None, Some(group))], 1);
                    s.check(v, None, Some(group)).map(|(_, d)| d)
                });
            }
        }
        // TLS 1.2, ECDSA P-256 certificate, client groups without P-256: tlskit refuses
        // with handshake_failure, as OpenSSL does (RFC 8422 §5.1: the client's
        // supported_groups also bound the certificate's curve). GnuTLS as a server is
        // more lenient and serves such a client anyway.
        if is_ring(p) {
            let prio = priority(ProtocolVersion::Tls12, None, Some(NamedGroup::X25519));
            let s = Session::run(&fx, &ecdsa, &[prio], 1);
            let result = s.refused_with("handshake_failure", "not refused");
            m.record(
                DIR,
                p.name(),
                "P256 cert, gnutls-cli x25519 only, TLSv1.2: refused",
                result,
            );
        }
        drop((ecdsa, rsa));
        // HelloRetryRequest from tlskit: GnuTLS's first key share is X25519, ours P-384 only.
        if p.key_exchange(NamedGroup::Secp384r1).is_some() {
            let mut sc = server_for(p, &fx, KeyKind::EcdsaP256);
            sc.common.groups = vec![NamedGroup::Secp384r1];
            let server = EchoServer::start_traced(Arc::new(sc));
            let v = ProtocolVersion::Tls13;
            let s = Session::run(&fx, &server, &[priority(v, None, None)], 1);
            let result = s
                .check(v, None, Some(NamedGroup::Secp384r1))
                .and_then(|(r, d)| {
                    if r.traced("HelloRetryRequest") > 0 {
                        Ok(format!("{d} after HRR"))
                    } else {
                        Err(format!("no HelloRetryRequest sent: {:?}", r.trace))
                    }
                });
            m.record(
                DIR,
                p.name(),
                "tlskit P-384 only → HelloRetryRequest, TLS 1.3",
                result,
            );
        }
    }
    m.finish("gnutls-cli → tlskit server: suites × certificates × groups");
}

#[test]
fn gnutls_cli_to_tlskit_server_client_auth_alpn_resumption() {
    let fx = Fixture::new("gnutls-s2c-features");
    let mut m = Matrix::default();
    const DIR: &str = "gnutls-cli → tlskit";
    for p in tlskit_providers::all() {
        // Client certificates, required by tlskit and verified against the root.
        let mut sc = server_for(p, &fx, KeyKind::EcdsaP256);
        require_client_auth(&mut sc, p, &fx.pki, true);
        let server = EchoServer::start(Arc::new(sc));
        for v in VERSIONS {
            m.per_client_cert(DIR, p, v, false, |kind| {
                let mut extra = fx.client(kind).gnutls_args();
                extra.push(priority(v, None, None));
                let s = Session::run(&fx, &server, &extra, 1);
                let (r, d) = s.check(v, None, None)?;
                if r.peer_certificates == 2 {
                    Ok(d)
                } else {
                    Err(format!(
                        "tlskit saw {} client certificates",
                        r.peer_certificates
                    ))
                }
            });
            // No certificate: tlskit refuses (certificate_required in 1.3,
            // handshake_failure in 1.2), and gnutls-cli reports the alert.
            let s = Session::run(&fx, &server, &[priority(v, None, None)], 1);
            let result = match s.first_error() {
                Ok(Some(e)) if !s.run.success() || !s.run.stdout.contains("echo: hello") => {
                    let alert = match v {
                        ProtocolVersion::Tls12 => "handshake_failure",
                        _ => "certificate_required",
                    };
                    if e.contains(alert) {
                        Ok(e)
                    } else {
                        Err(format!("tlskit error {e:?} lacks {alert}"))
                    }
                }
                other => Err(format!("not refused: {other:?}\n{}", s.run.report())),
            };
            m.record(
                DIR,
                p.name(),
                format!("no client cert refused, {}", v.name()),
                result,
            );
        }
        drop(server);

        // ALPN: tlskit prefers h2; gnutls-cli offers http/1.1 and h2.
        let mut sc = server_for(p, &fx, KeyKind::EcdsaP256);
        sc.common.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let server = EchoServer::start(Arc::new(sc));
        m.per_version(DIR, p.name(), "ALPN", &VERSIONS, |v| {
            let extra = [
                priority(v, None, None),
                "--alpn=http/1.1".to_string(),
                "--alpn=h2".to_string(),
            ];
            let s = Session::run(&fx, &server, &extra, 1);
            let (r, _) = s.check(v, None, None)?;
            match (s.run.alpn().as_deref(), r.alpn.as_deref()) {
                (Some("h2"), Some(b"h2")) => Ok("ALPN h2 on both sides".to_string()),
                (theirs, ours) => Err(format!(
                    "gnutls-cli ALPN {theirs:?}, tlskit {:?}",
                    ours.map(String::from_utf8_lossy)
                )),
            }
        });
        drop(server);

        // Resumption with `gnutls-cli --resume`: a full handshake, then a resumed one.
        let server = EchoServer::start(Arc::new(server_for(p, &fx, KeyKind::EcdsaP256)));
        let cases = [
            (ProtocolVersion::Tls12, "by ticket", None),
            (ProtocolVersion::Tls12, "by session id", Some("--noticket")),
            (ProtocolVersion::Tls13, "by PSK", Some("--waitresumption")),
        ];
        m.per_resumption(DIR, p.name(), cases, |v, _, extra| {
            let mut args = vec![priority(v, None, None), "--resume".to_string()];
            args.extend(extra.map(String::from));
            let s = Session::run(&fx, &server, &args, 2);
            s.check(v, None, None).and_then(|(r, d)| {
                if r.resumed && s.run.resumed() {
                    Ok(format!("full, then resumed: {d}"))
                } else {
                    Err(format!(
                        "resumed: tlskit {}, gnutls-cli {}\n{}",
                        r.resumed,
                        s.run.resumed(),
                        s.run.report()
                    ))
                }
            })
        });
    }
    m.finish("gnutls-cli → tlskit server: client auth, ALPN, resumption");
}

#[test]
fn gnutls_cli_to_tlskit_server_refusals() {
    let fx = Fixture::new("gnutls-s2c-refusals");
    let mut m = Matrix::default();
    const DIR: &str = "gnutls-cli → tlskit";
    let p = tlskit_providers::by_name("ring").expect("the ring backend");
    let server = EchoServer::start(Arc::new(server_for(p, &fx, KeyKind::EcdsaP256)));
    // gnutls-cli trusting another root rejects our chain and tells us so.
    m.per_version(DIR, p.name(), "gnutls-cli wrong CA", &VERSIONS, |v| {
        let mut args = cli_args(&fx, &server);
        args.retain(|a| !a.starts_with("--x509cafile"));
        args.push(fx.wrong_ca_arg());
        args.push(priority(v, None, None));
        let s = Session::launch(&fx, &server, &args, HELLO_QUIT, 1);
        match (&s.run.success(), s.first_error()) {
            (false, Ok(Some(e))) if s.run.stdout.contains("NOT trusted") => Ok(e),
            (ok, r) => Err(format!(
                "gnutls-cli success = {ok}, tlskit: {r:?}\n{}",
                s.run.report()
            )),
        }
    });
    drop(server);
    // gnutls-cli limited to TLS 1.3 meets a TLS 1.2-only tlskit server, and the reverse.
    for (client_v, server_v) in [
        (ProtocolVersion::Tls13, ProtocolVersion::Tls12),
        (ProtocolVersion::Tls12, ProtocolVersion::Tls13),
    ] {
        let mut sc = server_for(p, &fx, KeyKind::EcdsaP256);
        sc.common.only_version(server_v);
        let server = EchoServer::start(Arc::new(sc));
        let s = Session::run(&fx, &server, &[priority(client_v, None, None)], 1);
        let result = s.refused_with("protocol_version", "not refused with protocol_version");
        m.record(
            DIR,
            p.name(),
            format!(
                "{}-only gnutls-cli, {}-only tlskit",
                client_v.name(),
                server_v.name()
            ),
            result,
        );
    }
    m.finish("gnutls-cli → tlskit server: refusals");
}

// ---------------------------------------------------------------------------------------
// Application data and KeyUpdate, both directions
// ---------------------------------------------------------------------------------------

/// The trace line of a KeyUpdate followed (either side).
const PEER_UPDATED: &str = "peer updated its traffic keys";

/// `n` bytes of printable text in 64-byte lines (no `\r`, never starting with `**`, which
/// gnutls-serv's echo mode would take for a command).
fn text_bytes(n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| match i % 64 {
            63 => b'\n',
            j => b'a' + ((i / 64 + j) % 26) as u8,
        })
        .collect()
}

/// `gnutls-serv --echo` with the ECDSA P-256 chain, asking for no client certificate.
fn echo_server(fx: &Fixture) -> GnutlsServer {
    let mut args = fx.server(KeyKind::EcdsaP256).gnutls_args();
    args.extend(["--echo".to_string(), "--disable-client-cert".to_string()]);
    GnutlsServer::start(&args, fx.dir.path())
}

/// tlskit client → `gnutls-serv --echo`: `data` up in one write (several full records),
/// read back in full; in TLS 1.3 with a KeyUpdate (update_requested) between two halves,
/// which GnuTLS must answer with its own. Returns a summary.
fn echo_through_gnutls(
    config: &Arc<ClientConfig>,
    addr: SocketAddr,
    data: &[u8],
    key_update: bool,
) -> Result<String, String> {
    let mut c = TlskitClient::connect(config, addr)?;
    let half = data.len() / 2;
    let mut echoed = Vec::with_capacity(data.len());
    let mut buf = vec![0u8; 32 * 1024];
    for (i, part) in [&data[..half], &data[half..]].into_iter().enumerate() {
        if key_update && i == 1 {
            c.stream
                .conn
                .refresh_traffic_keys()
                .map_err(|e| format!("KeyUpdate: {e}"))?;
        }
        c.send(part)?;
        let want = echoed.len() + part.len();
        while echoed.len() < want {
            match c.stream.read(&mut buf) {
                Ok(0) => return Err(format!("closed after {} echoed bytes", echoed.len())),
                Ok(n) => echoed.extend_from_slice(&buf[..n]),
                Err(e) => return Err(format!("read after {} bytes: {e}", echoed.len())),
            }
        }
    }
    c.close();
    if echoed != data {
        return Err(format!("echo differs ({} bytes back)", echoed.len()));
    }
    let (sent, received) = (
        c.traced("Client → Server: KeyUpdate"),
        c.traced("Server → Client: KeyUpdate"),
    );
    let want = usize::from(key_update);
    if sent != want || received != want || c.traced(PEER_UPDATED) != want {
        return Err(format!(
            "KeyUpdate sent {sent}, received {received}, expected {want} each\n{}",
            c.trace_text()
        ));
    }
    let n = c.stream.conn.negotiated();
    Ok(format!(
        "{} B echoed, {}{}",
        data.len(),
        n.suite.map_or("?", |s| s.name),
        if key_update {
            ", KeyUpdate answered"
        } else {
            ""
        }
    ))
}

#[test]
fn application_data_and_key_update_both_ways() {
    let fx = Fixture::new("gnutls-data");
    let mut m = Matrix::default();
    let data = text_bytes(96 * 1024);

    // tlskit client → gnutls-serv --echo.
    const C2S: &str = "tlskit → gnutls-serv";
    let server = echo_server(&fx);
    for p in tlskit_providers::all() {
        m.per_version(C2S, p.name(), "96 KiB echoed", &VERSIONS, |v| {
            let cc = Arc::new(client_for(p, &fx, v));
            echo_through_gnutls(&cc, server.addr(), &data, false)
                .map_err(|e| format!("{e}\n{}", server.diagnostics()))
        });
        let cc = Arc::new(client_for(p, &fx, ProtocolVersion::Tls13));
        let result = echo_through_gnutls(&cc, server.addr(), &data, true)
            .map_err(|e| format!("{e}\n{}", server.diagnostics()));
        m.record(
            C2S,
            p.name(),
            "KeyUpdate requested by tlskit, TLSv1.3",
            result,
        );
    }
    drop(server);

    // gnutls-cli → tlskit echo server.
    const S2C: &str = "gnutls-cli → tlskit";
    let lines = 2000;
    let mut bulk: Vec<u8> = (0..lines)
        .flat_map(|i| format!("line {i:05} {}\n", "x".repeat(60)).into_bytes())
        .collect();
    bulk.extend_from_slice(b"quit\n");
    for p in tlskit_providers::all() {
        let server = EchoServer::start_traced(Arc::new(server_for(p, &fx, KeyKind::EcdsaP256)));
        let label = format!("{lines} lines echoed");
        m.per_version(S2C, p.name(), &label, &VERSIONS, |v| {
            let s = Session::run_input(&fx, &server, &[priority(v, None, None)], &bulk, 1);
            let r = s.last_report()?;
            let echoed = s.run.stdout.matches("echo: line ").count();
            if s.run.success() && r.lines.len() == lines + 1 && echoed == lines {
                Ok(format!("{} B up, {lines} lines echoed", bulk.len()))
            } else {
                Err(format!(
                    "tlskit got {} lines, gnutls-cli {echoed} echoes\n{}",
                    r.lines.len(),
                    s.run.report()
                ))
            }
        });
        // KeyUpdate from GnuTLS (inline commands): ^rekey^ asks tlskit to update too,
        // ^rekey1^ does not; data flows after each.
        let input = b"one\n^rekey^\ntwo\n^rekey1^\nthree\nquit\n";
        let extra = [
            priority(ProtocolVersion::Tls13, None, None),
            "--inline-commands".to_string(),
        ];
        let s = Session::run_input(&fx, &server, &extra, input, 1);
        let result = s.last_report().and_then(|r| {
            let followed = r.traced(PEER_UPDATED);
            let sent = r.traced("Server → Client: KeyUpdate");
            let rekeyed = s.run.stdout.matches("Rekey was completed").count();
            let ok = r.lines == [&b"one"[..], b"two", b"three", b"quit"]
                && s.run.stdout.contains("echo: three")
                && (followed, sent, rekeyed) == (2, 1, 2);
            if ok {
                Ok("two KeyUpdates followed, the requested one answered".to_string())
            } else {
                Err(format!(
                    "tlskit followed {followed}, sent {sent}; gnutls-cli rekeyed {rekeyed}; \
                     lines {:?}\n{}\n{}",
                    r.lines,
                    r.trace.join("\n"),
                    s.run.report()
                ))
            }
        });
        m.record(S2C, p.name(), "KeyUpdate from gnutls-cli, TLSv1.3", result);
    }
    m.finish("application data and KeyUpdate, both directions");
}

// ---------------------------------------------------------------------------------------
// Renegotiation (refused) and 0-RTT (declined)
// ---------------------------------------------------------------------------------------

/// tlskit client → `gnutls-serv --echo`, TLS 1.2: the `**REHANDSHAKE**` command makes
/// GnuTLS send a HelloRequest, which tlskit declines with a warning no_renegotiation
/// (RFC 5246 §7.4.1.1, §7.2.2) without failing itself.
fn hello_request_declined(config: &Arc<ClientConfig>, addr: SocketAddr) -> Result<String, String> {
    let mut c = TlskitClient::connect(config, addr)?;
    c.send(b"**REHANDSHAKE**\n")?;
    let declined = |t: &[String]| {
        t.iter()
            .any(|l| l.contains("Client → Server: Alert warning no_renegotiation"))
    };
    let mut buf = [0u8; 1024];
    // Bounded: at most a few reads, each bounded by the socket timeout.
    for _ in 0..8 {
        if declined(&c.trace()) {
            break;
        }
        match c.stream.read(&mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("read: {e}\n{}", c.trace_text())),
        }
    }
    let t = c.trace();
    let hello_request = t
        .iter()
        .any(|l| l.contains("Server → Client: HelloRequest"));
    let fatal = t.iter().any(|l| l.contains("Client → Server: Alert fatal"));
    if hello_request && declined(&t) && !fatal {
        Ok("HelloRequest answered with warning no_renegotiation".into())
    } else {
        Err(format!(
            "HelloRequest {hello_request}, declined {}, fatal {fatal}\n{}",
            declined(&t),
            t.join("\n")
        ))
    }
}

#[test]
fn renegotiation_refused_and_early_data_declined() {
    let fx = Fixture::new("gnutls-reneg");
    let mut m = Matrix::default();
    // tlskit client: a HelloRequest from gnutls-serv.
    let gs = echo_server(&fx);
    for p in tlskit_providers::all() {
        let cc = Arc::new(client_for(p, &fx, ProtocolVersion::Tls12));
        let result = hello_request_declined(&cc, gs.addr())
            .map_err(|e| format!("{e}\n{}", gs.diagnostics()));
        m.record(
            "tlskit → gnutls-serv",
            p.name(),
            "HelloRequest declined, TLSv1.2",
            result,
        );
    }
    drop(gs);

    const S2C: &str = "gnutls-cli → tlskit";
    for p in tlskit_providers::all() {
        let server = EchoServer::start_traced(Arc::new(server_for(p, &fx, KeyKind::EcdsaP256)));
        // gnutls-cli renegotiates (^renegotiate^) before sending data: tlskit answers each
        // renegotiation ClientHello with a warning no_renegotiation and never runs a
        // second handshake. (gnutls-cli retries on the warning and gives up with an
        // internal_error of its own; that is GnuTLS's choice, RFC 5246 §7.2.2.)
        let extra = [
            priority(ProtocolVersion::Tls12, None, None),
            "--inline-commands".to_string(),
        ];
        let s = Session::run_input(&fx, &server, &extra, b"^renegotiate^\none\nquit\n", 1);
        let result = match s.reports.as_ref().map(|r| r.first()) {
            Ok(Some(r)) => {
                let count = |needle: &str| r.traced(needle);
                let refusals = count("Server → Client: Alert warning no_renegotiation");
                let completed = count("handshake complete");
                let fatal_sent = count("Server → Client: Alert fatal");
                if refusals >= 1
                    && completed == 1
                    && fatal_sent == 0
                    && s.run.stdout.contains("Received alert [100]")
                {
                    Ok(format!(
                        "{refusals} renegotiation attempt(s) refused with a warning"
                    ))
                } else {
                    Err(format!(
                        "refusals {refusals}, handshakes {completed}, fatal alerts sent \
                         {fatal_sent}\n{}\n{}",
                        r.trace.join("\n"),
                        s.run.report()
                    ))
                }
            }
            other => Err(format!("no report: {other:?}")),
        };
        m.record(S2C, p.name(), "renegotiation refused, TLSv1.2", result);

        // 0-RTT: gnutls-cli resumes and sends early data; tlskit, which does not accept
        // early data, declines it and skips the records it cannot decrypt (RFC 8446
        // §4.2.10); the resumed connection then carries the 1-RTT data.
        let early = fx.dir.write("early.txt", "early\n");
        let extra = [
            priority(ProtocolVersion::Tls13, None, None),
            "--resume".to_string(),
            "--waitresumption".to_string(),
            format!("--earlydata={}", early.display()),
        ];
        let s = Session::run(&fx, &server, &extra, 2);
        let result = s
            .check(ProtocolVersion::Tls13, None, None)
            .and_then(|(r, d)| {
                let skipped = r.traced("declined 0-RTT") > 0;
                if r.resumed && s.run.resumed() && skipped {
                    Ok(format!("resumed, 0-RTT declined and skipped: {d}"))
                } else {
                    Err(format!(
                        "resumed {} / {}, 0-RTT skipped {skipped}\n{}",
                        r.resumed,
                        s.run.resumed(),
                        r.trace.join("\n")
                    ))
                }
            });
        m.record(S2C, p.name(), "0-RTT offered, declined, TLSv1.3", result);
    }
    m.finish("renegotiation refused, 0-RTT declined");
}
