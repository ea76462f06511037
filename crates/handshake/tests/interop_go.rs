//! Interop with Go's crypto/tls (Go 1.19, Debian's golang-go), a fourth TLS implementation
//! independent of tlskit, OpenSSL, GnuTLS and tlslite-ng, in both directions, TLS 1.2 and
//! TLS 1.3. The Go side is `tests/go_peer/peer.go` (standard library only, built offline
//! once per run, see [`go_peer`]):
//!
//! - every tlskit suite × ECDSA P-256 / P-384, RSA-2048 and Ed25519 certificates, both
//!   ways (Go 1.19 cannot pin a TLS 1.3 suite: tlskit pins it, Go's choice is checked);
//!   X25519 / P-256 / P-384 with the Go side limited to one; a HelloRetryRequest each way;
//! - application data both ways on every connection (a line echoed by either side, Go's
//!   own view of the connection sent back in-band by the Go server);
//! - exporters: Go's `ExportKeyingMaterial(label, nil, 32)` equals tlskit's
//!   `export_keying_material(out, label, None)` on every TLS 1.3 connection;
//! - client certificates both ways, resumption both ways (TLS 1.2 tickets: Go's server
//!   has no session-id cache and its client resumes by ticket only; TLS 1.3 PSK), ALPN,
//!   OCSP stapling both ways (responses from `openssl ocsp`), refusals (wrong trust
//!   anchor, version mismatch).
//!
//! Go 1.19 does not implement the extended master secret (RFC 7627; crypto/tls has it
//! from Go 1.21). tlskit requires it by default, so a default tlskit refuses Go's TLS 1.2
//! with handshake_failure (cells below check that, both ways); every other TLS 1.2 cell
//! runs with tlskit's opt-in `require_ems = false`. Without EMS tlskit declines to export
//! keying material (RFC 7627 §5.4) while Go 1.19 exports anyway: the TLS 1.2 exporter
//! cells check tlskit's refusal, not equality.
//!
//! ring runs everything; rustcrypto and openssl a subset. Without `go` these tests FAIL
//! (CI installs golang-go, see scripts/setup.sh). Run with `--nocapture` for the matrices.

mod common;
mod go_peer;
mod openssl_peer;
mod peer;

use common::{certified, client_config, require_client_auth, server_config, KeyKind};
use go_peer::{go_client, hex, GoConn, GoServer};
use peer::matrix::Matrix;
use peer::ocsp::{ocsp_response, OcspSays};
use peer::pki_files::{PkiFiles, CERT_KINDS};
use peer::process::path_arg;
use peer::suites::{is_ring, matrix_suites, GROUPS, VERSIONS};
use peer::tlskit_client::{Outcome, TlskitClient};
use peer::tlskit_server::{first_error, ConnReport, EchoServer};
use std::sync::Arc;
use std::time::Duration;
use tlskit_crypto::{CryptoProvider, NamedGroup};
use tlskit_handshake::suites::{self, CipherSuite, ProtocolVersion};
use tlskit_handshake::{ClientConfig, ServerConfig};

/// A whole Go client run (up to two connections) may take this long.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(15);

/// How Go resumes: by ticket in TLS 1.2 (Go's server keeps no session-id cache and its
/// client resumes by ticket only), by PSK in TLS 1.3.
const RESUMPTIONS: [(ProtocolVersion, &str, ()); 2] = [
    (ProtocolVersion::Tls12, "by ticket", ()),
    (ProtocolVersion::Tls13, "by PSK", ()),
];

/// The exporter label both sides use (the peer's default `-label`).
const LABEL: &[u8] = b"EXPORTER-tlskit-interop";

// ---------------------------------------------------------------------------------------
// Names and flags on the Go side
// ---------------------------------------------------------------------------------------

/// `-min V -max V`.
fn go_version(v: ProtocolVersion) -> Vec<String> {
    let v = match v {
        ProtocolVersion::Tls12 => "1.2",
        ProtocolVersion::Tls13 => "1.3",
    };
    vec!["-min".into(), v.into(), "-max".into(), v.into()]
}

fn go_curve(g: NamedGroup) -> &'static str {
    match g {
        NamedGroup::X25519 => "x25519",
        NamedGroup::Secp256r1 => "p256",
        _ => "p384",
    }
}

fn go_curves(groups: &[NamedGroup]) -> Vec<String> {
    let list: Vec<&str> = groups.iter().map(|g| go_curve(*g)).collect();
    vec!["-curves".into(), list.join(",")]
}

/// `-cert chain -key key` of an identity.
fn go_identity(files: &peer::pki_files::IdentityFiles) -> Vec<String> {
    vec![
        "-cert".into(),
        path_arg(&files.chain),
        "-key".into(),
        path_arg(&files.key),
    ]
}

// ---------------------------------------------------------------------------------------
// Both sides' view of one connection
// ---------------------------------------------------------------------------------------

/// What tlskit negotiated on one connection (either role).
struct Ours {
    version: Option<&'static str>,
    suite: Option<CipherSuite>,
    group: Option<&'static str>,
    resumed: bool,
    ems: bool,
    ekm: Result<Vec<u8>, String>,
}

impl Ours {
    fn from_client(out: &Outcome, ekm: Result<Vec<u8>, String>) -> Self {
        Ours {
            version: out.version_name(),
            suite: out.suite,
            group: out.group_name(),
            resumed: out.resumed,
            ems: out.extended_master_secret,
            ekm,
        }
    }

    fn from_server(r: &ConnReport) -> Self {
        Ours {
            version: r.version,
            suite: r.suite.and_then(suites::by_name),
            group: r.group,
            resumed: r.resumed,
            ems: r.extended_master_secret,
            ekm: r
                .exporter
                .clone()
                .unwrap_or_else(|| Err("no exporter taken".into())),
        }
    }
}

/// Checks that both sides agree (version, suite, resumption, exporter) and meet the
/// expectations; returns a one-line summary.
fn agree(
    v: ProtocolVersion,
    suite: Option<CipherSuite>,
    resumed: bool,
    ours: &Ours,
    go: &GoConn,
) -> Result<String, String> {
    if ours.version != Some(v.name()) || go.version != v.name() {
        return Err(format!(
            "version: tlskit {:?}, Go {}, expected {}",
            ours.version,
            go.version,
            v.name()
        ));
    }
    let s = ours.suite.ok_or("tlskit negotiated no suite")?;
    if s.code != go.suite || suite.is_some_and(|want| want != s) {
        return Err(format!(
            "suite: tlskit {}, Go {} ({:04x}), expected {:?}",
            s.name,
            go.suite_name,
            go.suite,
            suite.map(|s| s.name)
        ));
    }
    if ours.resumed != resumed || go.resumed != resumed {
        return Err(format!(
            "resumed: tlskit {}, Go {}, expected {resumed}",
            ours.resumed, go.resumed
        ));
    }
    let exporter = match (v, &ours.ekm, &go.ekm) {
        (ProtocolVersion::Tls13, Ok(a), Ok(b)) if a == b && a.len() == 32 => "EKM equal",
        (ProtocolVersion::Tls13, a, b) => {
            return Err(format!(
                "exporters differ: tlskit {:?}, Go {:?}",
                a.as_ref().map(|x| hex(x)),
                b.as_ref().map(|x| hex(x))
            ))
        }
        // Go 1.19 has no EMS: tlskit (RFC 7627 §5.4) declines to export, Go does not.
        (_, Err(e), Ok(_)) if !ours.ems && e.contains("extended master secret") => {
            "no EMS: tlskit declines EKM"
        }
        (_, a, b) => {
            return Err(format!(
                "TLS 1.2 exporters: tlskit (EMS {}) {a:?}, Go {b:?}",
                ours.ems
            ))
        }
    };
    Ok(format!(
        "{} {}{} {}{}",
        v.name(),
        s.name,
        ours.group.map_or(String::new(), |g| format!(" {g}")),
        exporter,
        if resumed { ", resumed" } else { "" }
    ))
}

// ---------------------------------------------------------------------------------------
// tlskit client → Go server
// ---------------------------------------------------------------------------------------

/// One tlskit client connection to a Go server and both sides' views of it.
struct ToGo {
    out: Outcome,
    ekm: Result<Vec<u8>, String>,
    go: GoConn,
}

impl ToGo {
    fn ours(&self) -> Ours {
        Ours::from_client(&self.out, self.ekm.clone())
    }

    fn agree(
        &self,
        v: ProtocolVersion,
        suite: Option<CipherSuite>,
        resumed: bool,
    ) -> Result<String, String> {
        agree(v, suite, resumed, &self.ours(), &self.go)
    }
}

/// Connects to the Go server, exports keying material, sends `hello`, `info` and `quit`
/// and reads the answers up to the server's close_notify: `echo: hello`, Go's summary of
/// the connection, `bye`.
fn tlskit_to_go(cc: &Arc<ClientConfig>, server: &GoServer) -> Result<ToGo, String> {
    let i = server.next_conn();
    let go_side = |e: String| match server.conn(i) {
        Err(go) => format!("{e}\n{go}"),
        Ok(_) => format!("{e}\n(the Go server completed its handshake)"),
    };
    let mut c = TlskitClient::connect(cc, server.addr()).map_err(go_side)?;
    let mut ekm = vec![0u8; 32];
    let ekm = c
        .stream
        .conn
        .export_keying_material(&mut ekm, LABEL, None)
        .map(|()| ekm)
        .map_err(|e| e.to_string());
    c.send(b"hello\ninfo\nquit\n")?;
    let response = c.read_to_close().map_err(|e| c.error(e))?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let go = server.conn(i)?;
    let lines: Vec<&str> = text.lines().collect();
    match lines.as_slice() {
        ["echo: hello", info, "bye"]
            if info
                .strip_prefix("info: ")
                .is_some_and(|s| GoConn::parse(s).as_ref() == Ok(&go)) => {}
        _ => return Err(format!("unexpected answers from the Go server: {text:?}")),
    }
    let out = c.outcome(response);
    Ok(ToGo { out, ekm, go })
}

/// A client config trusting the test root, limited to `v`; in TLS 1.2 without requiring
/// the extended master secret, which Go 1.19 lacks.
fn client_for(p: &'static dyn CryptoProvider, fx: &PkiFiles, v: ProtocolVersion) -> ClientConfig {
    let mut cc = client_config(p, &fx.pki);
    cc.common.only_version(v);
    cc.common.require_ems = v == ProtocolVersion::Tls13;
    cc
}

/// A Go server with `kind`'s chain and `extra` flags.
fn go_server(fx: &PkiFiles, kind: KeyKind, extra: &[String]) -> GoServer {
    let mut args = go_identity(fx.server(kind));
    args.extend_from_slice(extra);
    GoServer::start(&args, fx.dir.path())
}

/// The first line of an error.
fn first_line(e: &str) -> String {
    e.lines().next().unwrap_or("").into()
}

/// A tlskit → Go connection that must fail: passes with the first line of the error when
/// it contains every one of `needles`; `connected` describes a connection that was made,
/// `unexpected` prefixes any other error.
fn refused_by_go(
    result: Result<ToGo, String>,
    needles: &[&str],
    connected: impl FnOnce(ToGo) -> String,
    unexpected: &str,
) -> Result<String, String> {
    match result {
        Ok(x) => Err(connected(x)),
        Err(e) if needles.iter().all(|n| e.contains(n)) => Ok(first_line(&e)),
        Err(e) => Err(format!("{unexpected}: {e}")),
    }
}

#[test]
fn tlskit_client_to_go_server_suites_certs_groups() {
    let fx = PkiFiles::new("go-c2s-matrix");
    let mut m = Matrix::default();
    const DIR: &str = "tlskit → Go server";
    for kind in CERT_KINDS {
        let server = go_server(&fx, kind, &[]);
        for p in tlskit_providers::all() {
            m.per_suite(DIR, p, kind, false, matrix_suites(p, kind), |suite| {
                let mut cc = client_for(p, &fx, suite.version);
                cc.common.cipher_suites = vec![suite];
                tlskit_to_go(&Arc::new(cc), &server)
                    .and_then(|x| x.agree(suite.version, Some(suite), false))
                    .map_err(|e| format!("{e}\n{}", server.diagnostics()))
            });
        }
    }
    // Groups: the Go server limited to one; tlskit offers all three with one key share
    // (X25519), so a TLS 1.3 Go server without X25519 asks again (RFC 8446 §4.1.4).
    for group in GROUPS {
        let server = go_server(&fx, KeyKind::EcdsaP256, &go_curves(&[group]));
        for p in tlskit_providers::all() {
            if !is_ring(p) && group == NamedGroup::Secp256r1 {
                continue;
            }
            for v in VERSIONS {
                m.group_cell(DIR, p, "P256 cert, Go", group, v, || {
                    let x = tlskit_to_go(&Arc::new(client_for(p, &fx, v)), &server)?;
                    let summary = x.agree(v, None, false)?;
                    if x.out.group != Some(group) {
                        return Err(format!("tlskit negotiated {:?}", x.out.group_name()));
                    }
                    let hrr = x.out.checked_hrr(v, group)?;
                    Ok(format!("{summary}{}", if hrr { " after HRR" } else { "" }))
                });
            }
        }
    }
    m.finish("tlskit client → Go crypto/tls server: suites × certificates × groups");
}

#[test]
fn tlskit_client_to_go_server_features() {
    let fx = PkiFiles::new("go-c2s-features");
    let mut m = Matrix::default();
    const DIR: &str = "tlskit → Go server";

    // Client certificates: the Go server requires one and verifies it against the root.
    let server = go_server(
        &fx,
        KeyKind::EcdsaP256,
        &["-clientauth".into(), "-ca".into(), fx.root_arg()],
    );
    for p in tlskit_providers::all() {
        for v in VERSIONS {
            m.per_client_cert(DIR, p, v, true, |kind| {
                let mut cc = client_for(p, &fx, v);
                cc.client_cert = Some(certified(p, &fx.client(kind).id));
                let x = tlskit_to_go(&Arc::new(cc), &server)?;
                let summary = x.agree(v, None, false)?;
                match x.go.peer_certs {
                    2 => Ok(format!("{summary}, Go verified our 2 certs")),
                    n => Err(format!("Go saw {n} client certificates")),
                }
            });
        }
        // Without a certificate Go 1.19 refuses with bad_certificate in both versions
        // (handshake_server.go / handshake_server_tls13.go), where RFC 8446 §4.4.2.4
        // suggests certificate_required in TLS 1.3: Go's choice, accepted here.
        if is_ring(p) {
            m.per_version(DIR, p.name(), "no client cert refused", &VERSIONS, |v| {
                let alert = "bad_certificate";
                refused_by_go(
                    tlskit_to_go(&Arc::new(client_for(p, &fx, v)), &server),
                    &[alert],
                    |x| format!("connected without a certificate: {:?}", x.go),
                    &format!("expected {alert}"),
                )
            });
        }
    }
    drop(server);

    // ALPN: Go accepts h2 and http/1.1; tlskit offers an unknown one first.
    let server = go_server(
        &fx,
        KeyKind::EcdsaP256,
        &["-alpn".into(), "h2,http/1.1".into()],
    );
    for p in tlskit_providers::all() {
        m.per_version(DIR, p.name(), "ALPN", &VERSIONS, |v| {
            let mut cc = client_for(p, &fx, v);
            cc.common.alpn_protocols = vec![b"spdy/1".to_vec(), b"http/1.1".to_vec()];
            let x = tlskit_to_go(&Arc::new(cc), &server)?;
            let summary = x.agree(v, None, false)?;
            match (x.out.alpn.as_deref(), x.go.alpn.as_deref()) {
                (Some(b"http/1.1"), Some("http/1.1")) => Ok(format!("{summary}, ALPN http/1.1")),
                (ours, go) => Err(format!(
                    "ALPN tlskit {:?}, Go {go:?}",
                    ours.map(String::from_utf8_lossy)
                )),
            }
        });
    }
    drop(server);

    // Resumption: a ticket in TLS 1.2 (Go's server keeps no session-id cache), a PSK from
    // a NewSessionTicket in TLS 1.3. The same server echoes bulk data first.
    let server = go_server(&fx, KeyKind::EcdsaP256, &[]);
    for p in tlskit_providers::all() {
        m.per_version(DIR, p.name(), "2000 lines echoed", &VERSIONS, |v| {
            bulk_to_go(&Arc::new(client_for(p, &fx, v)), &server, 2000)
        });
    }
    for p in tlskit_providers::all() {
        m.per_resumption(DIR, p.name(), RESUMPTIONS, |v, _, ()| {
            let cc = Arc::new(client_for(p, &fx, v));
            (|| -> Result<String, String> {
                let first = tlskit_to_go(&cc, &server)?;
                first
                    .agree(v, None, false)
                    .map_err(|e| format!("first: {e}"))?;
                let second = tlskit_to_go(&cc, &server)?;
                let summary = second
                    .agree(v, first.out.suite, true)
                    .map_err(|e| format!("second: {e}"))?;
                Ok(format!("full, then {summary}"))
            })()
            .map_err(|e| format!("{e}\n{}", server.diagnostics()))
        });
    }
    drop(server);
    m.finish("tlskit client → Go crypto/tls server: client auth, ALPN, resumption");
}

#[test]
fn tlskit_client_to_go_server_ocsp_and_refusals() {
    let fx = PkiFiles::new("go-c2s-ocsp");
    let mut m = Matrix::default();
    const DIR: &str = "tlskit → Go server";
    let p = tlskit_providers::by_name("ring").expect("the ring backend");

    // OCSP: the Go server staples (tls.Certificate.OCSPStaple); tlskit's default policy
    // checks a staple when there is one: good passes, revoked is certificate_revoked.
    let files = fx.server(KeyKind::EcdsaP256);
    let openssl = openssl_peer::openssl();
    for says in [OcspSays::Good, OcspSays::Revoked] {
        let tag = format!("{says:?}");
        let staple = ocsp_response(openssl, &fx, &files.leaf, says, &tag)
            .unwrap_or_else(|e| panic!("making the OCSP response: {e}"));
        let staple_path = fx.dir.write(&format!("staple-{tag}.der"), &staple);
        let server = go_server(
            &fx,
            KeyKind::EcdsaP256,
            &["-ocsp".into(), path_arg(&staple_path)],
        );
        let label = format!("Go staples a {says:?} response");
        m.per_version(DIR, p.name(), &label, &VERSIONS, |v| {
            let result = tlskit_to_go(&Arc::new(client_for(p, &fx, v)), &server);
            let checked = format!("stapled OCSP response ({} bytes) checked", staple.len());
            match (says, result) {
                (OcspSays::Good, Ok(x)) if x.out.traced(&checked) == 1 => {
                    Ok(format!("{}, {checked}", x.agree(v, None, false)?))
                }
                (OcspSays::Good, Ok(x)) => {
                    Err(format!("no staple checked:\n{}", x.out.trace.join("\n")))
                }
                (OcspSays::Revoked, Err(e)) if e.contains("certificate_revoked") => {
                    Ok(first_line(&e))
                }
                (_, r) => Err(format!("unexpected: {:?}", r.map(|x| x.out.summary()))),
            }
        });
    }

    // Refusals.
    let only13 = go_server(&fx, KeyKind::EcdsaP256, &go_version(ProtocolVersion::Tls13));
    let only12 = go_server(&fx, KeyKind::EcdsaP256, &go_version(ProtocolVersion::Tls12));
    // A 1.3+1.2 client meets each single-version Go server.
    for (server, v) in [
        (&only12, ProtocolVersion::Tls12),
        (&only13, ProtocolVersion::Tls13),
    ] {
        let mut cc = client_config(p, &fx.pki);
        cc.common.require_ems = false;
        let result = tlskit_to_go(&Arc::new(cc), server).and_then(|x| x.agree(v, None, false));
        m.record(
            DIR,
            p.name(),
            format!("1.3+1.2 client, Go {} only", v.name()),
            result,
        );
    }
    // A 1.2-only client meets a 1.3-only Go server: protocol_version (RFC 8446 §4.2.1).
    let result = refused_by_go(
        tlskit_to_go(
            &Arc::new(client_for(p, &fx, ProtocolVersion::Tls12)),
            &only13,
        ),
        &["protocol_version"],
        |x| format!("connected: {}", x.out.summary()),
        "expected protocol_version",
    );
    m.record(DIR, p.name(), "1.2-only client, Go 1.3 only", result);
    // tlskit's default (EMS required) meets Go 1.19's TLS 1.2, which has no EMS.
    let mut cc = client_config(p, &fx.pki);
    cc.common.only_version(ProtocolVersion::Tls12);
    let result = refused_by_go(
        tlskit_to_go(&Arc::new(cc), &only12),
        &["extended master secret"],
        |x| format!("connected without EMS: {}", x.out.summary()),
        "expected the EMS refusal",
    );
    m.record(
        DIR,
        p.name(),
        "EMS required (default), Go TLS 1.2: refused",
        result,
    );
    // A client trusting another root refuses Go's chain with unknown_ca, which Go reports.
    m.per_version(DIR, p.name(), "untrusted root refused", &VERSIONS, |v| {
        let other = common::Pki::new();
        let mut cc = client_config(p, &other);
        cc.common.only_version(v);
        cc.common.require_ems = false;
        let server = if v == ProtocolVersion::Tls12 {
            &only12
        } else {
            &only13
        };
        refused_by_go(
            tlskit_to_go(&Arc::new(cc), server),
            &[
                "unknown_ca",
                "remote error: tls: unknown certificate authority",
            ],
            |_| "connected to a server of an untrusted root".into(),
            "unexpected error",
        )
    });
    m.finish("tlskit client → Go crypto/tls server: OCSP stapling, refusals");
}

/// `line NNNNN xxx…` lines, as both bulk cells send them.
fn bulk_line(i: usize) -> String {
    format!("line {i:05} {}", "x".repeat(60))
}

/// tlskit client → Go server: `lines` lines up in one write, every echo read back, then
/// `quit` and the Go server's close_notify.
fn bulk_to_go(cc: &Arc<ClientConfig>, server: &GoServer, lines: usize) -> Result<String, String> {
    let i = server.next_conn();
    let mut c = TlskitClient::connect(cc, server.addr())?;
    let mut up = String::new();
    let mut want = String::new();
    for j in 0..lines {
        up.push_str(&format!("{}\n", bulk_line(j)));
        want.push_str(&format!("echo: {}\n", bulk_line(j)));
    }
    up.push_str("quit\n");
    want.push_str("bye\n");
    c.send(up.as_bytes())?;
    let back = c.read_to_close().map_err(|e| c.error(e))?;
    let go = server.conn(i)?;
    if back != want.as_bytes() {
        return Err(format!(
            "{} bytes back, expected {} ({})",
            back.len(),
            want.len(),
            go.describe()
        ));
    }
    Ok(format!(
        "{} B up, {} B echoed, {}",
        up.len(),
        back.len(),
        go.describe()
    ))
}

// ---------------------------------------------------------------------------------------
// Go client → tlskit server
// ---------------------------------------------------------------------------------------

/// A tlskit server config for `kind`'s chain, in TLS 1.2 without requiring the extended
/// master secret (Go 1.19 lacks it).
fn server_for(p: &'static dyn CryptoProvider, fx: &PkiFiles, kind: KeyKind) -> ServerConfig {
    let mut sc = server_config(p, &fx.server(kind).id);
    sc.common.require_ems = false;
    sc
}

/// A tlskit echo server exporting keying material on each connection.
fn echo(sc: ServerConfig) -> EchoServer {
    EchoServer::start_exporting(Arc::new(sc), LABEL)
}

/// One Go client run (`conns` connections sharing a session cache, trusting the test
/// root, limited to `v`, with `extra` flags) against `server`, and the server's reports of
/// them (check each with [`check_go_conn`] or [`refused_by_tlskit`]).
fn go_to_tlskit(
    fx: &PkiFiles,
    server: &EchoServer,
    v: ProtocolVersion,
    extra: &[String],
    conns: usize,
) -> (go_peer::ClientRun, Result<Vec<ConnReport>, String>) {
    let mut args = vec!["-ca".to_string(), fx.root_arg()];
    args.extend(go_version(v));
    args.extend_from_slice(extra);
    if conns > 1 {
        args.extend(["-conns".to_string(), conns.to_string()]);
    }
    let run = go_client(server.addr, &args, fx.dir.path(), CLIENT_TIMEOUT);
    let reports = server.reports(conns);
    (run, reports)
}

/// Connection 0 of a [`go_to_tlskit`] run that tlskit must refuse: tlskit's error and
/// Go's, when tlskit's contains every one of `ours` and Go's contains `theirs`.
fn refused_by_tlskit(
    run: &go_peer::ClientRun,
    reports: &Result<Vec<ConnReport>, String>,
    ours: &[&str],
    theirs: &str,
) -> Result<(String, String), String> {
    let tlskit = first_error(reports).ok().flatten();
    match (tlskit, run.conn(0)) {
        (Some(e), Err(go)) if ours.iter().all(|n| e.contains(n)) && go.contains(theirs) => {
            Ok((e, go))
        }
        (ours, go) => Err(format!("tlskit {ours:?}, Go {go:?}")),
    }
}

/// Checks connection `i` of a [`go_to_tlskit`] run on both sides: Go's echo worked,
/// tlskit received `hello` and `quit`, and [`agree`].
fn check_go_conn(
    run: &go_peer::ClientRun,
    reports: &Result<Vec<ConnReport>, String>,
    i: usize,
    v: ProtocolVersion,
    suite: Option<CipherSuite>,
    resumed: bool,
) -> Result<(String, ConnReport), String> {
    let go = run.conn(i).map_err(|e| {
        let ours = match reports {
            Ok(r) => format!("{:?}", r.iter().map(|r| &r.error).collect::<Vec<_>>()),
            Err(e) => e.clone(),
        };
        format!("{e}\ntlskit: {ours}")
    })?;
    if !run.success() {
        return Err(format!("the Go client failed\n{}", run.report()));
    }
    let reports = reports.as_ref().map_err(Clone::clone)?;
    let r = reports.get(i).ok_or("no tlskit report")?;
    if let Some(e) = &r.error {
        return Err(format!("tlskit server: {e}\n{}", run.report()));
    }
    // `hello`, the bulk lines of a `-lines` run, `quit`.
    let middle = r.lines.get(1..r.lines.len().saturating_sub(1));
    let framed = r.lines.first().is_some_and(|l| l == b"hello")
        && r.lines.last().is_some_and(|l| l == b"quit")
        && middle.is_some_and(|m| m.iter().all(|l| l.starts_with(b"line ")));
    if !framed || !r.peer_closed {
        return Err(format!(
            "tlskit received {:?}, close_notify {}",
            r.lines, r.peer_closed
        ));
    }
    let summary = agree(v, suite, resumed, &Ours::from_server(r), &go)?;
    Ok((summary, r.clone()))
}

#[test]
fn go_client_to_tlskit_server_suites_certs_groups() {
    let fx = PkiFiles::new("go-s2c-matrix");
    let mut m = Matrix::default();
    const DIR: &str = "Go client → tlskit";
    for p in tlskit_providers::all() {
        for kind in CERT_KINDS {
            // Go 1.19 offers every TLS 1.3 suite and cannot be limited to one: tlskit is
            // pinned to the suite instead (and to the TLS 1.2 one as well, which Go pins too).
            m.per_suite(DIR, p, kind, true, matrix_suites(p, kind), |suite| {
                let mut sc = server_for(p, &fx, kind);
                sc.common.cipher_suites = vec![suite];
                let server = echo(sc);
                let mut extra = Vec::new();
                if suite.version == ProtocolVersion::Tls12 {
                    extra.extend(["-suites".to_string(), format!("{:04x}", suite.code)]);
                }
                let (run, reports) = go_to_tlskit(&fx, &server, suite.version, &extra, 1);
                check_go_conn(&run, &reports, 0, suite.version, Some(suite), false).map(|(s, _)| s)
            });
        }
        // Groups: the Go client limited to one (its key share in TLS 1.3). In TLS 1.2 the
        // certificate is RSA: an ECDSA one would need P-256 among the client's groups.
        let ecdsa = echo(server_for(p, &fx, KeyKind::EcdsaP256));
        let rsa = echo(server_for(p, &fx, KeyKind::Rsa2048));
        for v in VERSIONS {
            let (server, cert) = match v {
                ProtocolVersion::Tls12 => (&rsa, "RSA"),
                _ => (&ecdsa, "P256"),
            };
            let limited = format!("{cert} cert, Go");
            for group in GROUPS {
                if !is_ring(p) && group == NamedGroup::Secp256r1 {
                    continue;
                }
                m.group_cell(DIR, p, &limited, group, v, || {
                    let (run, reports) = go_to_tlskit(&fx, server, v, &go_curves(&[group]), 1);
                    let (summary, r) = check_go_conn(&run, &reports, 0, v, None, false)?;
                    if r.group != Some(group.name()) {
                        return Err(format!("tlskit negotiated {:?}", r.group));
                    }
                    Ok(summary)
                });
            }
        }
        drop((ecdsa, rsa));
        // HelloRetryRequest from tlskit: Go's key share is X25519 (its first preference),
        // tlskit takes P-384 only.
        if p.key_exchange(NamedGroup::Secp384r1).is_some() {
            let mut sc = server_for(p, &fx, KeyKind::EcdsaP256);
            sc.common.groups = vec![NamedGroup::Secp384r1];
            let server = echo(sc);
            let v = ProtocolVersion::Tls13;
            let (run, reports) = go_to_tlskit(
                &fx,
                &server,
                v,
                &go_curves(&[NamedGroup::X25519, NamedGroup::Secp384r1]),
                1,
            );
            let result = check_go_conn(&run, &reports, 0, v, None, false).and_then(|(s, r)| {
                if r.traced("HelloRetryRequest") > 0 && r.group == Some("secp384r1") {
                    Ok(format!("{s} after HRR"))
                } else {
                    Err(format!(
                        "no HelloRetryRequest to P-384: {:?} {:?}",
                        r.group, r.trace
                    ))
                }
            });
            m.record(
                DIR,
                p.name(),
                "tlskit P-384 only → HelloRetryRequest, TLSv1.3",
                result,
            );
        }
    }
    m.finish("Go crypto/tls client → tlskit server: suites × certificates × groups");
}

#[test]
fn go_client_to_tlskit_server_features() {
    let fx = PkiFiles::new("go-s2c-features");
    let mut m = Matrix::default();
    const DIR: &str = "Go client → tlskit";
    for p in tlskit_providers::all() {
        // Client certificates, required by tlskit and verified against the root.
        let mut sc = server_for(p, &fx, KeyKind::EcdsaP256);
        require_client_auth(&mut sc, p, &fx.pki, true);
        let server = echo(sc);
        for v in VERSIONS {
            m.per_client_cert(DIR, p, v, false, |kind| {
                let extra = go_identity(fx.client(kind));
                let (run, reports) = go_to_tlskit(&fx, &server, v, &extra, 1);
                let (summary, r) = check_go_conn(&run, &reports, 0, v, None, false)?;
                match r.peer_certificates {
                    2 => Ok(format!("{summary}, tlskit verified 2 certs")),
                    n => Err(format!("tlskit saw {n} client certificates")),
                }
            });
            // No certificate: tlskit refuses (certificate_required in TLS 1.3,
            // handshake_failure in TLS 1.2) and Go reports the alert.
            if is_ring(p) {
                let (run, reports) = go_to_tlskit(&fx, &server, v, &[], 1);
                let (alert, go_alert) = match v {
                    ProtocolVersion::Tls12 => ("handshake_failure", "handshake failure"),
                    _ => ("certificate_required", "certificate required"),
                };
                let result = refused_by_tlskit(&run, &reports, &[alert], go_alert)
                    .map(|(e, go)| format!("{e}; Go: {}", first_line(&go)))
                    .map_err(|e| format!("expected {alert}: {e}"));
                m.record(
                    DIR,
                    p.name(),
                    format!("no client cert refused, {}", v.name()),
                    result,
                );
            }
        }
        drop(server);

        // ALPN: tlskit prefers h2; Go offers http/1.1 then h2.
        let mut sc = server_for(p, &fx, KeyKind::EcdsaP256);
        sc.common.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let server = echo(sc);
        m.per_version(DIR, p.name(), "ALPN", &VERSIONS, |v| {
            let (run, reports) = go_to_tlskit(
                &fx,
                &server,
                v,
                &["-alpn".to_string(), "http/1.1,h2".to_string()],
                1,
            );
            let (summary, r) = check_go_conn(&run, &reports, 0, v, None, false)?;
            let go = run.conn(0)?;
            match (go.alpn.as_deref(), r.alpn.as_deref()) {
                (Some("h2"), Some(b"h2")) => Ok(format!("{summary}, ALPN h2")),
                (go, ours) => Err(format!(
                    "ALPN Go {go:?}, tlskit {:?}",
                    ours.map(String::from_utf8_lossy)
                )),
            }
        });
        drop(server);

        // Resumption: two connections sharing Go's LRU session cache. The same server
        // echoes bulk data first.
        let server = echo(server_for(p, &fx, KeyKind::EcdsaP256));
        m.per_version(DIR, p.name(), "2000 lines echoed", &VERSIONS, |v| {
            let (run, reports) = go_to_tlskit(
                &fx,
                &server,
                v,
                &["-lines".to_string(), "2000".to_string()],
                1,
            );
            let (summary, r) = check_go_conn(&run, &reports, 0, v, None, false)?;
            let bulk_ok = r.lines.len() == 2002
                && r.lines.get(1..2001).is_some_and(|l| {
                    l.iter()
                        .enumerate()
                        .all(|(j, l)| *l == bulk_line(j).as_bytes())
                });
            if bulk_ok {
                Ok(format!("{summary}, 2000 lines echoed"))
            } else {
                Err(format!("tlskit received {} lines", r.lines.len()))
            }
        });
        m.per_resumption(DIR, p.name(), RESUMPTIONS, |v, _, ()| {
            let (run, reports) = go_to_tlskit(&fx, &server, v, &[], 2);
            check_go_conn(&run, &reports, 0, v, None, false)
                .map_err(|e| format!("first: {e}"))
                .and_then(|_| {
                    let (s, _) = check_go_conn(&run, &reports, 1, v, None, true)
                        .map_err(|e| format!("second: {e}"))?;
                    Ok(format!("full, then {s}"))
                })
        });
    }
    m.finish("Go crypto/tls client → tlskit server: client auth, ALPN, resumption");
}

#[test]
fn go_client_to_tlskit_server_ocsp_and_refusals() {
    let fx = PkiFiles::new("go-s2c-ocsp");
    let mut m = Matrix::default();
    const DIR: &str = "Go client → tlskit";
    let p = tlskit_providers::by_name("ring").expect("the ring backend");

    // OCSP: tlskit staples (CertifiedKey::with_ocsp); Go's OCSPResponse is that staple.
    let id = &fx.server(KeyKind::EcdsaP256).id;
    let staple = ocsp_response(
        openssl_peer::openssl(),
        &fx,
        &fx.server(KeyKind::EcdsaP256).leaf,
        OcspSays::Good,
        "good",
    )
    .unwrap_or_else(|e| panic!("making the OCSP response: {e}"));
    let key = Arc::unwrap_or_clone(certified(p, id)).with_ocsp(staple.clone());
    let mut sc = server_for(p, &fx, KeyKind::EcdsaP256);
    sc.cert_resolver = Arc::new(tlskit_handshake::config::SingleCert(Arc::new(key)));
    let server = echo(sc);
    m.per_version(
        DIR,
        p.name(),
        "tlskit staples an OCSP response",
        &VERSIONS,
        |v| {
            let (run, reports) = go_to_tlskit(&fx, &server, v, &[], 1);
            let (summary, _) = check_go_conn(&run, &reports, 0, v, None, false)?;
            match run.conn(0)?.ocsp {
                Some(r) if r == staple => {
                    Ok(format!("{summary}, Go got the {}-byte staple", r.len()))
                }
                other => Err(format!("Go's OCSPResponse: {:?}", other.map(|r| r.len()))),
            }
        },
    );
    drop(server);

    let server = echo(server_for(p, &fx, KeyKind::EcdsaP256));
    // A Go client trusting another root rejects our chain and tells us so.
    m.per_version(DIR, p.name(), "Go client wrong root", &VERSIONS, |v| {
        let (run, reports) = go_to_tlskit(
            &fx,
            &server,
            v,
            &["-ca".to_string(), path_arg(&fx.wrong_root)],
            1,
        );
        refused_by_tlskit(&run, &reports, &["bad_certificate"], "x509").map(|(e, _)| e)
    });
    // tlskit's default (EMS required) meets Go 1.19's TLS 1.2, which has no EMS.
    let strict = echo(server_config(p, id));
    let (run, reports) = go_to_tlskit(&fx, &strict, ProtocolVersion::Tls12, &[], 1);
    let result = refused_by_tlskit(
        &run,
        &reports,
        &["extended master secret"],
        "handshake failure",
    )
    .map(|(e, _)| e);
    m.record(
        DIR,
        p.name(),
        "EMS required (default), Go TLS 1.2: refused",
        result,
    );
    drop(strict);
    // Version mismatches: protocol_version (RFC 8446 §4.2.1, RFC 5246 §E.1).
    for (go_v, ours_v) in [
        (ProtocolVersion::Tls13, ProtocolVersion::Tls12),
        (ProtocolVersion::Tls12, ProtocolVersion::Tls13),
    ] {
        let mut sc = server_for(p, &fx, KeyKind::EcdsaP256);
        sc.common.only_version(ours_v);
        let server = echo(sc);
        let (run, reports) = go_to_tlskit(&fx, &server, go_v, &[], 1);
        // The error names what the server does speak.
        let speaks = format!("speaks {}", ours_v.name());
        let result = refused_by_tlskit(
            &run,
            &reports,
            &["protocol_version", &speaks],
            "protocol version",
        )
        .map(|(e, _)| e);
        m.record(
            DIR,
            p.name(),
            format!("Go {}-only, tlskit {}-only", go_v.name(), ours_v.name()),
            result,
        );
    }
    m.finish("Go crypto/tls client → tlskit server: OCSP stapling, refusals");
}
