//! TLS 1.3 interop with the system OpenSSL 3 command-line tool, both directions, on every
//! backend of `tlskit_providers::all()`:
//!
//! - suites × certificates × groups: tlskit client → `openssl s_server -tls1_3 -www` and
//!   `openssl s_client -tls1_3 -ciphersuites S -groups G` → tlskit echo server, for the
//!   three TLS 1.3 suites, X25519 / P-256 / P-384 and ECDSA P-256, P-384, RSA-2048
//!   (RSA-PSS, RFC 8446 §4.4.3) and Ed25519 certificates; the group of each cell rotates
//!   so that every (suite, group), (certificate, group) and (suite, certificate) pair runs;
//! - HelloRetryRequest both ways (RFC 8446 §4.1.4), with and without resumption;
//! - PSK resumption by ticket both ways (RFC 8446 §4.6.1, §4.2.11): tlskit client against
//!   s_server, and s_client `-sess_out`/`-sess_in` and `-reconnect` against tlskit;
//! - client authentication both ways, including a missing certificate, which a server
//!   requiring one refuses with `certificate_required` (RFC 8446 §4.4.2.4);
//! - KeyUpdate (RFC 8446 §4.6.3) started by either side, with and without a request;
//! - application data both ways (200 KiB down, 64 KiB up, 80 KiB echoed), including
//!   with records padded (`-record_padding`, RFC 8446 §5.4) and in small fragments;
//! - version negotiation: a 1.3+1.2 side meeting a 1.2-only OpenSSL, with the RFC 8446
//!   §4.1.3 downgrade sentinel checked on the wire;
//! - ALPN in EncryptedExtensions (RFC 7301), middlebox-compatibility ChangeCipherSpec
//!   (RFC 8446 Appendix D.4), and (ignored until fixed) early data offered to a server
//!   that does not accept it (RFC 8446 §4.2.10).
//!
//! Every child process is killed on drop, every wait has a deadline, ports are ephemeral,
//! files live in a temporary directory. Without an `openssl` binary these tests FAIL
//! (CI installs it). Run with `--nocapture` to see the matrices.

mod common;
mod openssl_peer;
mod peer;

use common::{certified, client_config, require_client_auth, server_config, KeyKind};
use openssl_peer::fixture::{can_sign13, can_verify13, path_arg, strs, Fixture, CERT_KINDS};
use openssl_peer::{
    s_client, ClientRun, ConnReport, EchoServer, InteractiveClient, Matrix, SServer, STEP_TIMEOUT,
};
use peer::suites::suites13;
use peer::tlskit_client::{Outcome, TlskitClient, Trace, GET};
use peer::tlskit_server::EchoRun;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;
use tlskit_crypto::{CryptoProvider, NamedGroup, SignatureScheme};
use tlskit_handshake::suites::{self, CipherSuite, ProtocolVersion};
use tlskit_handshake::{ClientConfig, ServerConfig};
use tlskit_wire::HELLO_RETRY_REQUEST_RANDOM;

/// The groups, with their OpenSSL `-groups` names.
const GROUPS: [(NamedGroup, &str); 3] = [
    (NamedGroup::X25519, "X25519"),
    (NamedGroup::Secp256r1, "P-256"),
    (NamedGroup::Secp384r1, "P-384"),
];

/// A whole `s_client` run may take this long (handshake + echo + close).
const CLIENT_RUN_TIMEOUT: Duration = Duration::from_secs(20);

/// The trace line of a HelloRetryRequest received by a tlskit client.
const HRR_RECEIVED: &str = "[client] Server → Client: HelloRetryRequest";
/// The trace line of a HelloRetryRequest sent by a tlskit server.
const HRR_SENT: &str = "[server] Server → Client: HelloRetryRequest";
/// The trace line of a KeyUpdate followed (either side).
const PEER_UPDATED: &str = "peer updated its traffic keys";

fn tls13_client_config(p: &'static dyn CryptoProvider, fx: &Fixture) -> ClientConfig {
    let mut cc = client_config(p, &fx.pki);
    cc.common.versions = vec![ProtocolVersion::Tls13];
    cc
}

fn tls13_server_config(
    p: &'static dyn CryptoProvider,
    fx: &Fixture,
    kind: KeyKind,
) -> ServerConfig {
    let mut sc = server_config(p, &fx.server(kind).id);
    sc.common.versions = vec![ProtocolVersion::Tls13];
    sc
}

/// Whether `p` runs `suite`'s AEAD and hash.
fn runs_suite(p: &dyn CryptoProvider, suite: CipherSuite) -> bool {
    p.aead(suite.aead).is_some() && p.hkdf(suite.hash).is_some()
}

/// `s_server -tls1_3` arguments serving `kind`'s chain.
fn s_server13(fx: &Fixture, kind: KeyKind, extra: &[&str]) -> SServer {
    let mut args = vec!["-tls1_3".to_string()];
    args.extend(fx.server(kind).openssl_args());
    let mut args = strs(&args);
    args.extend_from_slice(extra);
    SServer::start(&args, fx.dir.path())
}

fn is_rsa_pss(s: Option<SignatureScheme>) -> bool {
    matches!(
        s,
        Some(
            SignatureScheme::RsaPssRsaeSha256
                | SignatureScheme::RsaPssRsaeSha384
                | SignatureScheme::RsaPssRsaeSha512
        )
    )
}

/// Counts the handshake messages of `kind` in a `-msg` log (`<<<` received, `>>>` sent)
/// that start with `prefix`, e.g. a KeyUpdate `18 00 00 01 01` (update_requested).
fn count_msg(log: &str, direction: &str, kind: &str, prefix: &[u8]) -> usize {
    msg_bytes(log, direction, kind)
        .iter()
        .filter(|m| m.starts_with(prefix))
        .count()
}

/// The handshake messages of `kind` in a `-msg` log, with their bytes.
fn msg_bytes(log: &str, direction: &str, kind: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut lines = log.lines().peekable();
    while let Some(line) = lines.next() {
        let header = line.starts_with(direction)
            && line.contains(", Handshake [length ")
            && line.ends_with(&format!("], {kind}"));
        if !header {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(next) = lines.peek() {
            if !next.starts_with("    ") {
                break;
            }
            bytes.extend(
                next.split_whitespace()
                    .filter_map(|h| u8::from_str_radix(h, 16).ok()),
            );
            lines.next();
        }
        out.push(bytes);
    }
    out
}

/// The last 8 bytes of the ServerHello.random in a `-msg` log (RFC 8446 §4.1.3 sentinel
/// position): handshake header (4) + legacy_version (2) + random (32).
fn server_random_tail(log: &str) -> Option<Vec<u8>> {
    let hello = msg_bytes(log, "<<<", "ServerHello").into_iter().next()?;
    hello.get(30..38).map(<[u8]>::to_vec)
}

// ---------------------------------------------------------------------------------------
// tlskit client side
// ---------------------------------------------------------------------------------------

/// Connects as `localhost` (handshake done, trace recorded and shown in errors).
fn connect(config: &Arc<ClientConfig>, addr: SocketAddr) -> Result<TlskitClient, String> {
    TlskitClient::connect_with(config, addr, Trace::Report)
}

/// Connects, sends `request`, reads until close_notify.
fn tlskit_request(
    config: &Arc<ClientConfig>,
    addr: SocketAddr,
    request: &[u8],
) -> Result<Outcome, String> {
    peer::tlskit_client::tlskit_request(config, addr, request, Trace::Report)
}

/// Checks an `s_server -www` status page: HTTP 200 and s_server's view of the session
/// (`New`/`Reused`, version, cipher) matching ours.
fn check_www_page(out: &Outcome, version: ProtocolVersion, reused: bool) -> Result<(), String> {
    let page = String::from_utf8_lossy(&out.response);
    if !page.starts_with("HTTP/1.0 200 ok") {
        return Err(format!("unexpected response: {page:.200}"));
    }
    let prefix = format!(
        "{}, {}, Cipher is ",
        if reused { "Reused" } else { "New" },
        version.name()
    );
    let Some(line) = page.lines().find(|l| l.starts_with(&prefix)) else {
        return Err(format!("s_server page lacks {prefix:?}: {page:.3000}"));
    };
    let theirs = line.trim_end().trim_start_matches(&prefix);
    let ours = out.suite.map(suites::openssl_name);
    if ours != Some(theirs) {
        return Err(format!(
            "s_server says {line:?}, we negotiated {:?}",
            out.suite_name()
        ));
    }
    if out.version != Some(version) {
        return Err(format!("we negotiated {:?}", out.version));
    }
    if out.resumed != reused {
        return Err(format!(
            "tlskit resumed = {}, expected {reused}",
            out.resumed
        ));
    }
    Ok(())
}

#[test]
fn tls13_tlskit_client_to_s_server_suites_certs_groups_all_backends() {
    let fx = Fixture::new("c2s13-matrix");
    let mut m = Matrix::default();
    for (i, kind) in CERT_KINDS.into_iter().enumerate() {
        let server = s_server13(&fx, kind, &["-www"]);
        for p in tlskit_providers::all() {
            if !can_verify13(p, kind) {
                m.skip(
                    "tlskit → s_server",
                    p.name(),
                    format!("{kind:?}"),
                    "backend cannot verify this key type in TLS 1.3",
                );
                continue;
            }
            for (j, suite) in suites13().into_iter().enumerate() {
                let (group, _) = GROUPS[(i + j) % GROUPS.len()];
                let what = format!("{kind:?} {} {}", suite.name, group.name());
                if !runs_suite(p, suite) || p.key_exchange(group).is_none() {
                    m.skip("tlskit → s_server", p.name(), what, "backend lacks it");
                    continue;
                }
                let mut cc = tls13_client_config(p, &fx);
                cc.common.cipher_suites = vec![suite];
                cc.common.groups = vec![group];
                let result = tlskit_request(&Arc::new(cc), server.addr(), GET)
                    .and_then(|out| {
                        check_www_page(&out, ProtocolVersion::Tls13, false)?;
                        if out.suite_name() != Some(suite.name) || out.group != Some(group) {
                            return Err(format!("negotiated {}", out.summary()));
                        }
                        if kind == KeyKind::Rsa2048 && !is_rsa_pss(out.scheme) {
                            return Err(format!("RSA signed with {:?}, not RSA-PSS", out.scheme));
                        }
                        Ok(out.summary())
                    })
                    .map_err(|e| format!("{e}\n{}", server.diagnostics()));
                m.record("tlskit → s_server", p.name(), what, result);
            }
        }
    }
    m.finish("TLS 1.3 tlskit client → openssl s_server: suites × certificates × groups");
}

// ---------------------------------------------------------------------------------------
// s_client side
// ---------------------------------------------------------------------------------------

/// `s_client` arguments for a verified connection to `server` (`version`: `-tls1_3`,
/// `-tls1_2`, or empty for OpenSSL's default 1.2–1.3).
fn s_client_args(fx: &Fixture, server: &EchoServer, version: &str) -> Vec<String> {
    let mut args = vec!["-connect".to_string(), server.connect_arg()];
    if !version.is_empty() {
        args.push(version.to_string());
    }
    args.extend(
        [
            "-servername",
            "localhost",
            "-verify_hostname",
            "localhost",
            "-CAfile",
        ]
        .map(String::from),
    );
    args.push(fx.root_arg());
    args.push("-verify_return_error".into());
    args
}

const HELLO_QUIT: &[u8] = b"hello\nquit\n";

/// s_client's sessions: (reused?, cipher) per connection.
type Sessions = Vec<(bool, String)>;

/// One `s_client` run (`-ign_eof -nocommands`, input on stdin) against the echo server,
/// with the reports of the `connections` connections it made.
struct Session(EchoRun<ClientRun>);

impl Deref for Session {
    type Target = EchoRun<ClientRun>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Session {
    fn new(
        fx: &Fixture,
        server: &EchoServer,
        version: &str,
        extra: &[String],
        input: &[u8],
        connections: usize,
    ) -> Self {
        let mut args = s_client_args(fx, server, version);
        args.extend(["-ign_eof".to_string(), "-nocommands".to_string()]);
        args.extend_from_slice(extra);
        let run = s_client(&strs(&args), input, fx.dir.path(), CLIENT_RUN_TIMEOUT);
        let reports = server.reports(connections);
        Session(EchoRun { run, reports })
    }

    /// The s_client side: exit 0, verified chain, the echo of `hello` and the `bye`
    /// before close. Returns the sessions s_client printed.
    fn check_client(&self) -> Result<Sessions, String> {
        let run = &self.run;
        self.check_tool(
            "s_client",
            &["Verify return code: 0 (ok)", "echo: hello", "bye"],
        )?;
        let sessions = run.sessions();
        if sessions.is_empty() {
            return Err(format!(
                "no session line in the s_client output\n{}",
                run.report()
            ));
        }
        Ok(sessions)
    }

    /// Both sides succeeded with `version` (`TLSv1.3`/`TLSv1.2`).
    fn check(&self, version: &str) -> Result<(Sessions, &ConnReport), String> {
        let sessions = self.check_client()?;
        let report = self.report()?;
        if report.lines.first().map(Vec::as_slice) != Some(b"hello".as_slice())
            || report.lines.last().map(Vec::as_slice) != Some(b"quit".as_slice())
        {
            return Err(format!("tlskit received {:?}", report.lines));
        }
        if report.version != Some(version) {
            return Err(format!("tlskit negotiated {:?}", report.version));
        }
        let line = format!(", {version}, Cipher is ");
        if !self.run.stdout.lines().any(|l| l.contains(&line)) {
            return Err(format!(
                "s_client did not print {line:?}\n{}",
                self.run.report()
            ));
        }
        Ok((sessions, report))
    }

    /// s_client's `Peer signature type:` line.
    fn peer_signature_type(&self) -> &str {
        self.run
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("Peer signature type: "))
            .unwrap_or("?")
    }
}

#[test]
fn tls13_s_client_to_tlskit_server_suites_certs_groups_all_backends() {
    let fx = Fixture::new("s2c13-matrix");
    let mut m = Matrix::default();
    for p in tlskit_providers::all() {
        for (i, kind) in CERT_KINDS.into_iter().enumerate() {
            if !can_sign13(p, kind) {
                m.skip(
                    "s_client → tlskit",
                    p.name(),
                    format!("{kind:?}"),
                    "backend cannot sign with this key type in TLS 1.3",
                );
                continue;
            }
            let server = EchoServer::start(Arc::new(tls13_server_config(p, &fx, kind)));
            for (j, suite) in suites13().into_iter().enumerate() {
                let (group, group_arg) = GROUPS[(i + j) % GROUPS.len()];
                let what = format!("{kind:?} {} {}", suite.name, group.name());
                if !runs_suite(p, suite) || p.key_exchange(group).is_none() {
                    m.skip("s_client → tlskit", p.name(), what, "backend lacks it");
                    continue;
                }
                let extra = [
                    "-ciphersuites".to_string(),
                    suite.name.to_string(),
                    "-groups".to_string(),
                    group_arg.to_string(),
                ];
                let s = Session::new(&fx, &server, "-tls1_3", &extra, HELLO_QUIT, 1);
                let result = s.check("TLSv1.3").and_then(|(sessions, report)| {
                    if sessions != [(false, suite.name.to_string())]
                        || report.suite != Some(suite.name)
                        || report.group != Some(group.name())
                    {
                        return Err(format!(
                            "s_client {sessions:?}; tlskit {:?} {:?}",
                            report.suite, report.group
                        ));
                    }
                    let sig = s.peer_signature_type();
                    if kind == KeyKind::Rsa2048 && sig != "RSA-PSS" {
                        return Err(format!("s_client saw an RSA signature of type {sig}"));
                    }
                    Ok(format!(
                        "{} {}; s_client saw {sig}",
                        report.group.unwrap_or("?"),
                        report.signature_scheme.unwrap_or("?")
                    ))
                });
                m.record("s_client → tlskit", p.name(), what, result);
            }
        }
    }
    m.finish("TLS 1.3 openssl s_client → tlskit server: suites × certificates × groups");
}

// ---------------------------------------------------------------------------------------
// HelloRetryRequest
// ---------------------------------------------------------------------------------------

#[test]
fn tls13_hello_retry_request_both_ways() {
    let fx = Fixture::new("hrr13");
    let mut m = Matrix::default();
    // tlskit offers X25519 first (a key share for it only); s_server allows one group.
    let servers: Vec<(NamedGroup, &str, SServer)> = GROUPS
        .iter()
        .map(|(g, name)| {
            (
                *g,
                *name,
                s_server13(&fx, KeyKind::EcdsaP256, &["-www", "-groups", name]),
            )
        })
        .collect();
    for p in tlskit_providers::all() {
        let cc = Arc::new(tls13_client_config(p, &fx));
        let first = cc.common.groups.first().copied();
        for (group, name, server) in &servers {
            let what = format!(
                "{} first; s_server -groups {name}",
                first.map_or("?", |g| g.name())
            );
            if p.key_exchange(*group).is_none() {
                m.skip(
                    "tlskit → s_server",
                    p.name(),
                    what,
                    "backend lacks the group",
                );
                continue;
            }
            let expect_hrr = first != Some(*group);
            let result = tlskit_request(&cc, server.addr(), GET).and_then(|out| {
                check_www_page(&out, ProtocolVersion::Tls13, false)?;
                let hrr = out.traced(HRR_RECEIVED);
                if out.group != Some(*group) || hrr != usize::from(expect_hrr) {
                    return Err(format!(
                        "group {:?}, {hrr} HelloRetryRequest(s); trace:\n{}",
                        out.group,
                        out.trace.join("\n")
                    ));
                }
                Ok(format!("{} HRR, then {}", hrr, out.summary()))
            });
            m.record("tlskit → s_server", p.name(), what, result);
        }
    }

    // s_client sends a key share for its first group only; the tlskit server accepts
    // one group.
    for p in tlskit_providers::all() {
        for (offer, group, expect_hrr) in [
            ("X25519:P-384", NamedGroup::Secp384r1, true),
            ("X25519:P-256", NamedGroup::Secp256r1, true),
            ("P-384:X25519", NamedGroup::Secp384r1, false),
        ] {
            let what = format!("-groups {offer} → server {} only", group.name());
            if p.key_exchange(group).is_none() {
                m.skip(
                    "s_client → tlskit",
                    p.name(),
                    what,
                    "backend lacks the group",
                );
                continue;
            }
            let mut config = tls13_server_config(p, &fx, KeyKind::EcdsaP256);
            config.common.groups = vec![group];
            let server = EchoServer::start_traced(Arc::new(config));
            let extra = ["-groups".to_string(), offer.to_string(), "-msg".to_string()];
            let s = Session::new(&fx, &server, "-tls1_3", &extra, HELLO_QUIT, 1);
            let result = s.check("TLSv1.3").and_then(|(_, report)| {
                let ours = report.trace.iter().filter(|l| l.contains(HRR_SENT)).count();
                // s_client -msg prints a HelloRetryRequest as a ServerHello: the one whose
                // random is the RFC 8446 §4.1.3 magic value.
                let hellos = msg_bytes(&s.run.stdout, "<<<", "ServerHello");
                let theirs = hellos
                    .iter()
                    .filter(|h| h.get(6..38) == Some(&HELLO_RETRY_REQUEST_RANDOM[..]))
                    .count();
                if report.group != Some(group.name())
                    || ours != usize::from(expect_hrr)
                    || theirs != ours
                    || hellos.len() != 1 + ours
                {
                    return Err(format!(
                        "group {:?}; tlskit sent {ours} HRR, s_client saw {theirs} HRR in {} \
                         ServerHello(s)",
                        report.group,
                        hellos.len()
                    ));
                }
                Ok(format!(
                    "{ours} HRR (seen by s_client too), {}",
                    report.group.unwrap_or("?")
                ))
            });
            m.record("s_client → tlskit", p.name(), what, result);
        }
    }
    m.finish("TLS 1.3 HelloRetryRequest both ways");
}

// ---------------------------------------------------------------------------------------
// Resumption
// ---------------------------------------------------------------------------------------

#[test]
fn tls13_resumption_both_ways() {
    let fx = Fixture::new("resume13");
    let mut m = Matrix::default();
    // tlskit client → s_server: tickets plain; through HRR on both the full and the
    // resumed handshake (the binder then covers message_hash || HRR, RFC 8446 §4.2.11.2);
    // tickets that allow early data (tlskit must resume without attempting 0-RTT); and a
    // client-authenticated session at an s_server requiring certificates.
    let root = fx.root_arg();
    let plain = s_server13(&fx, KeyKind::EcdsaP256, &["-www"]);
    let hrr = s_server13(&fx, KeyKind::EcdsaP256, &["-www", "-groups", "P-384"]);
    let early = s_server13(
        &fx,
        KeyKind::EcdsaP256,
        &["-www", "-max_early_data", "16384"],
    );
    let verify = s_server13(
        &fx,
        KeyKind::EcdsaP256,
        &[
            "-www",
            "-Verify",
            "1",
            "-verify_return_error",
            "-CAfile",
            &root,
        ],
    );
    for p in tlskit_providers::all() {
        for (how, server, hrr_expected, with_cert) in [
            ("ticket", &plain, 0, false),
            ("ticket after HRR", &hrr, 1, false),
            ("ticket allowing early data", &early, 0, false),
            ("ticket, client-authenticated", &verify, 0, true),
        ] {
            let mut cc = tls13_client_config(p, &fx);
            if with_cert {
                cc.client_cert = Some(certified(p, &fx.client(KeyKind::EcdsaP256).id));
            }
            let cc = Arc::new(cc);
            let result = (|| -> Result<String, String> {
                let first = tlskit_request(&cc, server.addr(), GET)?;
                check_www_page(&first, ProtocolVersion::Tls13, false)
                    .map_err(|e| format!("first: {e}"))?;
                let tickets = first.traced("NewSessionTicket");
                if tickets == 0 {
                    return Err(format!("no NewSessionTicket:\n{}", first.trace.join("\n")));
                }
                let second = tlskit_request(&cc, server.addr(), GET)?;
                check_www_page(&second, ProtocolVersion::Tls13, true)
                    .map_err(|e| format!("second: {e}\n{}", second.trace.join("\n")))?;
                let hrrs = (first.traced(HRR_RECEIVED), second.traced(HRR_RECEIVED));
                if hrrs != (hrr_expected, hrr_expected) {
                    return Err(format!("HelloRetryRequests: {hrrs:?}"));
                }
                let hello = second
                    .trace
                    .iter()
                    .find(|l| l.contains("Client → Server: ClientHello"))
                    .ok_or("no ClientHello traced")?;
                if hello.contains("early_data") || !hello.contains("pre_shared_key") {
                    return Err(format!("resuming ClientHello: {hello}"));
                }
                Ok(format!(
                    "New then Reused ({tickets} tickets), {} {}",
                    second.suite_name().unwrap_or("?"),
                    second.group.map_or("?", |g| g.name())
                ))
            })()
            .map_err(|e| format!("{e}\n{}", server.diagnostics()));
            m.record(
                "tlskit → s_server",
                p.name(),
                format!("resumption by {how}"),
                result,
            );
        }
    }

    // s_client → tlskit: -sess_out then -sess_in, plain; through HRR; with psk_ke offered
    // next to psk_dhe_ke (tlskit must still pick psk_dhe_ke, with a key share); and a
    // client-authenticated session at a server requiring certificates (RFC 8446 §4.6.1:
    // the resumed connection keeps the original authentication, no CertificateRequest).
    for p in tlskit_providers::all() {
        let cert_args = fx.client(KeyKind::EcdsaP256).openssl_args();
        let variants: [(&str, Option<NamedGroup>, Vec<String>, bool); 4] = [
            ("ticket", None, vec![], false),
            (
                "ticket after HRR",
                Some(NamedGroup::Secp384r1),
                vec!["-groups".into(), "X25519:P-384".into()],
                false,
            ),
            (
                "ticket, -allow_no_dhe_kex",
                None,
                vec!["-allow_no_dhe_kex".into()],
                false,
            ),
            ("ticket, client-authenticated", None, cert_args, true),
        ];
        for (i, (how, group, extra, auth)) in variants.into_iter().enumerate() {
            let mut config = tls13_server_config(p, &fx, KeyKind::EcdsaP256);
            if let Some(g) = group {
                config.common.groups = vec![g];
            }
            if auth {
                require_client_auth(&mut config, p, &fx.pki, true);
            }
            let server = EchoServer::start_traced(Arc::new(config));
            let sess = path_arg(&fx.dir.path().join(format!("sess13-{}-{i}.pem", p.name())));
            let result = (|| -> Result<String, String> {
                let mut first = extra.clone();
                first.extend(["-sess_out".to_string(), sess.clone()]);
                let s1 = Session::new(&fx, &server, "-tls1_3", &first, HELLO_QUIT, 1);
                let (c1, r1) = s1.check("TLSv1.3")?;
                let mut second = extra.clone();
                second.extend(["-sess_in".to_string(), sess.clone()]);
                let s2 = Session::new(&fx, &server, "-tls1_3", &second, HELLO_QUIT, 1);
                let (c2, r2) = s2.check("TLSv1.3")?;
                let hrr_sent = |r: &ConnReport| r.trace.iter().any(|l| l.contains(HRR_SENT));
                if group.is_some() && !(hrr_sent(r1) && hrr_sent(r2)) {
                    return Err("expected a HelloRetryRequest on both connections".into());
                }
                if r2.group.is_none() {
                    return Err("resumed without a key exchange (psk_ke)".into());
                }
                if auth && r1.peer_certificates != 2 {
                    return Err(format!("first: {} client certs", r1.peer_certificates));
                }
                let asked = r2
                    .trace
                    .iter()
                    .any(|l| l.contains("Server → Client: CertificateRequest"));
                if asked {
                    return Err("CertificateRequest on a resumed handshake".into());
                }
                match (c1.first(), c2.first(), r1.resumed, r2.resumed) {
                    (Some((false, _)), Some((true, c)), false, true) => {
                        Ok(format!("New then Reused, {c} {}", r2.group.unwrap_or("?")))
                    }
                    _ => Err(format!(
                        "s_client {c1:?} then {c2:?}; tlskit resumed {} then {}",
                        r1.resumed, r2.resumed
                    )),
                }
            })();
            m.record(
                "s_client → tlskit",
                p.name(),
                format!("-sess_out/-sess_in by {how}"),
                result,
            );
        }
    }

    // s_client -reconnect: OpenSSL 3.0's s_client drops each connection right after the
    // handshake, before the TLS 1.3 tickets arrive, so it cannot resume in TLS 1.3
    // (openssl/openssl#10714). The check: all six connections work, both sides agree
    // on each, and the pattern is the one s_server itself produces.
    let control = {
        let www = s_server13(&fx, KeyKind::EcdsaP256, &["-www"]);
        let args = [
            "-connect".to_string(),
            format!("127.0.0.1:{}", www.port),
            "-tls1_3".to_string(),
            "-CAfile".to_string(),
            fx.root_arg(),
            "-ign_eof".to_string(),
            "-reconnect".to_string(),
        ];
        let run = s_client(&strs(&args), GET, fx.dir.path(), CLIENT_RUN_TIMEOUT);
        let handshakes: Vec<bool> = run
            .stdout
            .lines()
            .filter(|l| l.starts_with("New, TLSv1.3,") || l.starts_with("Reused, TLSv1.3,"))
            .map(|l| l.starts_with("Reused"))
            .collect();
        // The six connections' lines, not the -www page's copy of the last one.
        handshakes.into_iter().take(6).collect::<Vec<bool>>()
    };
    for p in tlskit_providers::all() {
        let server = EchoServer::start(Arc::new(tls13_server_config(p, &fx, KeyKind::EcdsaP256)));
        let s = Session::new(
            &fx,
            &server,
            "-tls1_3",
            &["-reconnect".to_string()],
            HELLO_QUIT,
            6,
        );
        let result = s.check_client().and_then(|sessions| {
            let reports = s.reports.as_ref().map_err(Clone::clone)?;
            if let Some(r) = reports.iter().find(|r| r.error.is_some()) {
                return Err(format!("tlskit server: {r:?}"));
            }
            let tlskit: Vec<bool> = reports.iter().map(|r| r.resumed).collect();
            let openssl: Vec<bool> = sessions.iter().take(6).map(|s| s.0).collect();
            if tlskit == openssl && openssl == control && openssl.len() == 6 {
                let reused = openssl.iter().filter(|r| **r).count();
                Ok(format!(
                    "6 connections, {reused} resumed; both sides agree; same as against s_server \
                     (openssl#10714)"
                ))
            } else {
                Err(format!(
                    "s_client reused {openssl:?}; tlskit resumed {tlskit:?}; against s_server \
                     s_client reused {control:?}"
                ))
            }
        });
        m.record(
            "s_client → tlskit",
            p.name(),
            "-reconnect (6 connections)",
            result,
        );
    }
    m.finish("TLS 1.3 resumption both ways");
}

// ---------------------------------------------------------------------------------------
// Client authentication
// ---------------------------------------------------------------------------------------

#[test]
fn tls13_client_auth_both_ways() {
    let fx = Fixture::new("auth13");
    let mut m = Matrix::default();
    let root = fx.root_arg();
    let verify = s_server13(
        &fx,
        KeyKind::EcdsaP256,
        &[
            "-www",
            "-Verify",
            "1",
            "-verify_return_error",
            "-CAfile",
            &root,
        ],
    );
    for p in tlskit_providers::all() {
        for kind in CERT_KINDS {
            if !can_sign13(p, kind) {
                m.skip(
                    "tlskit → s_server -Verify",
                    p.name(),
                    format!("client cert {kind:?}"),
                    "backend cannot sign with this key type in TLS 1.3",
                );
                continue;
            }
            let mut cc = tls13_client_config(p, &fx);
            cc.client_cert = Some(certified(p, &fx.client(kind).id));
            let result = tlskit_request(&Arc::new(cc), verify.addr(), GET).and_then(|out| {
                check_www_page(&out, ProtocolVersion::Tls13, false)?;
                let page = String::from_utf8_lossy(&out.response);
                if page.contains("no client certificate available") {
                    return Err(format!("s_server saw no client certificate: {page:.3000}"));
                }
                let cv = out
                    .trace
                    .iter()
                    .find(|l| l.contains("Client → Server: CertificateVerify"))
                    .map(|l| {
                        l.split("CertificateVerify")
                            .nth(1)
                            .unwrap_or("")
                            .trim()
                            .to_string()
                    })
                    .unwrap_or_default();
                Ok(format!("authenticated; CertificateVerify {cv:.40}"))
            });
            m.record(
                "tlskit → s_server -Verify",
                p.name(),
                format!("client cert {kind:?}"),
                result,
            );
        }
        // No certificate: in TLS 1.3 the client's handshake is over when s_server
        // decides, so its certificate_required alert ends the first read.
        let cc = Arc::new(tls13_client_config(p, &fx));
        let result = match tlskit_request(&cc, verify.addr(), GET) {
            Ok(_) => Err("s_server served a client without a certificate".to_string()),
            Err(e) if e.contains("certificate_required") => {
                Ok(format!("refused: {}", e.lines().next().unwrap_or("")))
            }
            Err(e) => Err(format!("refused, but not with certificate_required: {e}")),
        };
        m.record(
            "tlskit → s_server -Verify",
            p.name(),
            "no client cert → refused",
            result,
        );
    }

    for p in tlskit_providers::all() {
        let mut required = tls13_server_config(p, &fx, KeyKind::EcdsaP256);
        require_client_auth(&mut required, p, &fx.pki, true);
        let required = EchoServer::start(Arc::new(required));
        for kind in CERT_KINDS {
            if !can_verify13(p, kind) {
                m.skip(
                    "s_client → tlskit (required)",
                    p.name(),
                    format!("client cert {kind:?}"),
                    "backend cannot verify this key type in TLS 1.3",
                );
                continue;
            }
            let extra = fx.client(kind).openssl_args();
            let s = Session::new(&fx, &required, "-tls1_3", &extra, HELLO_QUIT, 1);
            let result = s.check("TLSv1.3").and_then(|(_, report)| {
                if report.peer_certificates == 2 {
                    Ok("client chain of 2 verified".to_string())
                } else {
                    Err(format!(
                        "tlskit saw {} client certificates",
                        report.peer_certificates
                    ))
                }
            });
            m.record(
                "s_client → tlskit (required)",
                p.name(),
                format!("client cert {kind:?}"),
                result,
            );
        }
        // Required, and s_client has none: RFC 8446 §4.4.2.4 certificate_required.
        let s = Session::new(&fx, &required, "-tls1_3", &[], HELLO_QUIT, 1);
        let result = match s.report() {
            Ok(r) => Err(format!("tlskit accepted the connection: {r:?}")),
            Err(e) if e.contains("sent certificate_required") => {
                if s.run.stderr.contains("certificate required") {
                    Ok("refused: certificate_required sent, s_client saw it".into())
                } else {
                    Err(format!(
                        "s_client did not report the alert\n{}",
                        s.run.report()
                    ))
                }
            }
            Err(e) => Err(format!("unexpected tlskit outcome: {e}")),
        };
        m.record(
            "s_client → tlskit (required)",
            p.name(),
            "no client cert → refused",
            result,
        );

        let mut optional = tls13_server_config(p, &fx, KeyKind::EcdsaP256);
        require_client_auth(&mut optional, p, &fx.pki, false);
        let optional = EchoServer::start(Arc::new(optional));
        let s = Session::new(&fx, &optional, "-tls1_3", &[], HELLO_QUIT, 1);
        let result = s.check("TLSv1.3").and_then(|(_, report)| {
            if report.peer_certificates == 0 {
                Ok("unauthenticated client accepted".into())
            } else {
                Err(format!("{} client certificates?", report.peer_certificates))
            }
        });
        m.record(
            "s_client → tlskit (optional)",
            p.name(),
            "no client cert → accepted",
            result,
        );
    }
    m.finish("TLS 1.3 client authentication both ways");
}

// ---------------------------------------------------------------------------------------
// KeyUpdate
// ---------------------------------------------------------------------------------------

/// KeyUpdate messages (RFC 8446 §4.6.3): type 24, length 1, request_update.
const KU_REQUESTED: &[u8] = &[0x18, 0, 0, 1, 1];
const KU_NOT_REQUESTED: &[u8] = &[0x18, 0, 0, 1, 0];

/// s_client types `K` (update_requested) and `k` (update_not_requested) between lines.
fn s_client_key_updates(fx: &Fixture, p: &'static dyn CryptoProvider) -> Result<String, String> {
    let server = EchoServer::start_traced(Arc::new(tls13_server_config(p, fx, KeyKind::EcdsaP256)));
    // No -ign_eof: commands are read from stdin only without it.
    let mut args = s_client_args(fx, &server, "-tls1_3");
    args.push("-msg".into());
    let mut c = InteractiveClient::start(&strs(&args), fx.dir.path());
    let mut err_at = 0;
    c.send(b"hello\n")?;
    let mut at = c.wait_stdout(0, "echo: hello\n")?;
    // One command per read: wait for s_client to act on each before typing on.
    for (command, line) in [(&b"K\n"[..], "after K"), (b"k\n", "after k")] {
        c.send(command)?;
        err_at = c.wait_stderr(err_at, "KEYUPDATE")?;
        c.send(format!("{line}\n").as_bytes())?;
        at = c.wait_stdout(at, &format!("echo: {line}\n"))?;
    }
    c.send(b"quit\n")?;
    c.wait_stdout(at, "bye\n")?;
    let run = c.finish(CLIENT_RUN_TIMEOUT);
    let report = server.reports(1)?.remove(0);
    if let Some(e) = &report.error {
        return Err(format!("tlskit server: {e}\n{}", run.report()));
    }
    if report.lines != [&b"hello"[..], b"after K", b"after k", b"quit"] {
        return Err(format!("tlskit received {:?}", report.lines));
    }
    let followed = report
        .trace
        .iter()
        .filter(|l| l.contains(PEER_UPDATED))
        .count();
    let sent = report
        .trace
        .iter()
        .filter(|l| l.contains("Server → Client: KeyUpdate"))
        .count();
    // s_client's view: it sent requested then not-requested; it got exactly one answer.
    let out = &run.stdout;
    let s_sent = (
        count_msg(out, ">>>", "KeyUpdate", KU_REQUESTED),
        count_msg(out, ">>>", "KeyUpdate", KU_NOT_REQUESTED),
    );
    let s_got = (
        count_msg(out, "<<<", "KeyUpdate", KU_REQUESTED),
        count_msg(out, "<<<", "KeyUpdate", KU_NOT_REQUESTED),
    );
    if followed != 2 || sent != 1 || s_sent != (1, 1) || s_got != (0, 1) {
        return Err(format!(
            "tlskit followed {followed} and sent {sent} KeyUpdate(s); s_client sent \
             (requested, not) = {s_sent:?} and received {s_got:?}\n{}",
            report.trace.join("\n")
        ));
    }
    Ok("K and k followed, K answered with update_not_requested, data after each".into())
}

/// An interactive `s_server -tls1_3 -msg` (plain mode: what the client sends is printed,
/// stdin lines are sent, `K` on stdin makes a KeyUpdate).
///
/// Not `-rev`: its loop sleeps a second after every read that returns no data, which a
/// KeyUpdate causes.
fn interactive_s_server13(fx: &Fixture) -> SServer {
    let mut args = vec!["-tls1_3".to_string(), "-msg".to_string()];
    args.extend(fx.server(KeyKind::EcdsaP256).openssl_args());
    SServer::start_interactive(&strs(&args), fx.dir.path())
}

/// Waits until s_server's output contains `needle`.
fn wait_server(server: &SServer, needle: &str) -> Result<(), String> {
    server
        .stdout()
        .wait_for(STEP_TIMEOUT, |log| log.contains(needle).then_some(()))
        .ok_or_else(|| {
            format!(
                "s_server did not print {needle:?}\n{}",
                server.diagnostics()
            )
        })
}

/// tlskit calls `refresh_traffic_keys()` twice; after each, data goes both ways.
fn tlskit_refreshes_keys(fx: &Fixture, p: &'static dyn CryptoProvider) -> Result<String, String> {
    let mut server = interactive_s_server13(fx);
    let cc = Arc::new(tls13_client_config(p, fx));
    let mut c = connect(&cc, server.addr())?;
    for i in 1..=2 {
        c.stream
            .conn
            .refresh_traffic_keys()
            .map_err(|e| format!("refresh_traffic_keys: {e}"))?;
        let up = format!("tlskit line {i} after its update");
        c.send(format!("{up}\n").as_bytes())?;
        wait_server(&server, &up)?;
        // s_server answered our update_requested before this line.
        let down = format!("answer {i} from s_server");
        server.send_stdin(format!("{down}\n").as_bytes())?;
        c.read_until(format!("{down}\n").as_bytes())
            .map_err(|e| format!("{e}\n{}\n{}", c.trace_text(), server.diagnostics()))?;
    }
    let followed = c.outcome(Vec::new()).traced(PEER_UPDATED);
    let _ = c.stream.close();
    // s_server's -msg log: two requested updates in, two not-requested answers out. (The
    // log is a pipe apart from the socket: wait for it to catch up, bounded.)
    let counts = |log: &str| {
        (
            count_msg(log, "<<<", "KeyUpdate", KU_REQUESTED),
            count_msg(log, ">>>", "KeyUpdate", KU_NOT_REQUESTED),
        )
    };
    let (got, sent) = server
        .stdout()
        .wait_for(STEP_TIMEOUT, |log| {
            let c = counts(log);
            (c.0 >= 2 && c.1 >= 2).then_some(c)
        })
        .unwrap_or_else(|| counts(&server.stdout().text()));
    if followed != 2 || (got, sent) != (2, 2) {
        return Err(format!(
            "tlskit followed {followed} answers; s_server got {got} requests, sent {sent} \
             answers\n{}",
            c.trace_text()
        ));
    }
    Ok("2 updates requested and answered; data both ways after each".into())
}

/// s_server types `K` on its stdin: tlskit must answer (update_not_requested).
fn s_server_requests_update(
    fx: &Fixture,
    p: &'static dyn CryptoProvider,
) -> Result<String, String> {
    let mut server = interactive_s_server13(fx);
    let cc = Arc::new(tls13_client_config(p, fx));
    let mut c = connect(&cc, server.addr())?;
    c.send(b"hello from tlskit\n")?;
    wait_server(&server, "hello from tlskit")?;
    server.send_stdin(b"K\n")?;
    // (s_server's own "SSL_do_handshake -> 1" goes through buffered stdio: wait for the
    // flushed -msg record instead.)
    server
        .stdout()
        .wait_for(STEP_TIMEOUT, |log| {
            (count_msg(log, ">>>", "KeyUpdate", KU_REQUESTED) == 1).then_some(())
        })
        .ok_or_else(|| format!("s_server sent no KeyUpdate\n{}", server.diagnostics()))?;
    server.send_stdin(b"data after the update\n")?;
    c.read_until(b"data after the update\n")?;
    c.send(b"tlskit answered\n")?;
    // Our KeyUpdate answer precedes this line on the wire; s_server logs it first.
    wait_server(&server, "tlskit answered")?;
    let log = server.stdout().text();
    let followed = c.outcome(Vec::new()).traced(PEER_UPDATED);
    let sent = count_msg(&log, ">>>", "KeyUpdate", KU_REQUESTED);
    let answered = count_msg(&log, "<<<", "KeyUpdate", KU_NOT_REQUESTED);
    let _ = c.stream.close();
    if followed != 1 || sent != 1 || answered != 1 {
        return Err(format!(
            "tlskit followed {followed}; s_server sent {sent} requested and got {answered} \
             answers\n{}",
            c.trace_text()
        ));
    }
    Ok("s_server's update_requested followed and answered; data both ways after".into())
}

#[test]
fn tls13_key_update_both_ways() {
    let fx = Fixture::new("keyupdate13");
    let mut m = Matrix::default();
    for p in tlskit_providers::all() {
        m.record(
            "s_client K/k → tlskit",
            p.name(),
            "KeyUpdate from s_client",
            s_client_key_updates(&fx, p),
        );
        m.record(
            "tlskit → s_server",
            p.name(),
            "refresh_traffic_keys() ×2",
            tlskit_refreshes_keys(&fx, p),
        );
        m.record(
            "s_server K → tlskit",
            p.name(),
            "KeyUpdate from s_server",
            s_server_requests_update(&fx, p),
        );
    }
    m.finish("TLS 1.3 KeyUpdate both ways");
}

// ---------------------------------------------------------------------------------------
// Application data
// ---------------------------------------------------------------------------------------

#[test]
fn tls13_application_data_both_ways() {
    let fx = Fixture::new("data13");
    // -WWW serves files from its working directory: 200 KiB down in full records.
    let file: Vec<u8> = (0..200 * 1024u32).map(|i| b'a' + (i % 26) as u8).collect();
    fx.dir.write("big13.txt", &file);
    // Plain; records padded to 4096-byte blocks (RFC 8446 §5.4: the receiver strips the
    // zeros); 512-byte fragments.
    let www_servers = [
        (
            "full records",
            s_server13(&fx, KeyKind::EcdsaP256, &["-WWW"]),
        ),
        (
            "-record_padding 4096",
            s_server13(
                &fx,
                KeyKind::EcdsaP256,
                &["-WWW", "-record_padding", "4096"],
            ),
        ),
        (
            "-max_send_frag 512",
            s_server13(&fx, KeyKind::EcdsaP256, &["-WWW", "-max_send_frag", "512"]),
        ),
    ];
    let rev = s_server13(&fx, KeyKind::EcdsaP256, &["-rev"]);
    // -rev answers each line reversed: 64 KiB up in one write.
    let lines: Vec<String> = (0..64)
        .map(|i| format!("{i:04}:{}", "0123456789abcdef".repeat(63)))
        .collect();
    let mut upload = lines.join("\n").into_bytes();
    upload.push(b'\n');
    let expected: String = lines
        .iter()
        .map(|l| format!("{}\n", l.chars().rev().collect::<String>()))
        .collect();
    // s_client → tlskit echo: 80 KiB up in lines, echoed back.
    let big: Vec<String> = (0..4)
        .map(|i| format!("{i}:{}", "xyzw".repeat(5000)))
        .collect();
    let mut input = b"hello\n".to_vec();
    for l in &big {
        input.extend_from_slice(l.as_bytes());
        input.push(b'\n');
    }
    input.extend_from_slice(b"quit\n");

    let mut m = Matrix::default();
    for p in tlskit_providers::all() {
        let cc = Arc::new(tls13_client_config(p, &fx));
        for (how, www) in &www_servers {
            let down = tlskit_request(&cc, www.addr(), b"GET /big13.txt HTTP/1.0\r\n\r\n")
                .and_then(|out| {
                    let head_end = out
                        .response
                        .windows(4)
                        .position(|w| w == b"\r\n\r\n")
                        .ok_or("no end of HTTP header")?;
                    let body = out.response.get(head_end + 4..).unwrap_or(&[]);
                    if body == file.as_slice() && out.version == Some(ProtocolVersion::Tls13) {
                        Ok(format!("{} bytes received intact", body.len()))
                    } else {
                        Err(format!(
                            "body: {} bytes, expected {}",
                            body.len(),
                            file.len()
                        ))
                    }
                });
            m.record(
                "tlskit → s_server -WWW",
                p.name(),
                format!("200 KiB download, {how}"),
                down,
            );
        }

        let up = connect(&cc, rev.addr()).and_then(|mut c| {
            c.send(&upload)?;
            let last = expected.lines().last().unwrap_or("");
            c.read_until(format!("{last}\n").as_bytes())?;
            let _ = c.send(b"CLOSE\n");
            Ok(format!(
                "{} bytes up, every line reversed back in order",
                upload.len()
            ))
        });
        m.record(
            "tlskit → s_server -rev",
            p.name(),
            "64 KiB upload, lines reversed",
            up,
        );

        let server = EchoServer::start(Arc::new(tls13_server_config(p, &fx, KeyKind::EcdsaP256)));
        let s = Session::new(&fx, &server, "-tls1_3", &[], &input, 1);
        let result = s.check("TLSv1.3").and_then(|(_, report)| {
            if report.lines.len() != big.len() + 2 {
                return Err(format!(
                    "tlskit server received {} lines",
                    report.lines.len()
                ));
            }
            for l in &big {
                if !s.run.stdout.contains(&format!("echo: {l}")) {
                    return Err(format!("echo of a {}-byte line missing", l.len()));
                }
            }
            Ok(format!("{} bytes each way", input.len()))
        });
        m.record(
            "s_client → tlskit",
            p.name(),
            "80 KiB up, echoed back",
            result,
        );

        let padded = ["-record_padding".to_string(), "4096".to_string()];
        let s = Session::new(&fx, &server, "-tls1_3", &padded, HELLO_QUIT, 1);
        let result = s
            .check("TLSv1.3")
            .map(|_| "padded records read, echo sent".to_string());
        m.record(
            "s_client → tlskit",
            p.name(),
            "-record_padding 4096",
            result,
        );
    }
    m.finish("TLS 1.3 application data both ways");
}

// ---------------------------------------------------------------------------------------
// Version negotiation
// ---------------------------------------------------------------------------------------

/// RFC 8446 §4.1.3: the last 8 bytes of a 1.3-capable server's random when it negotiates
/// TLS 1.2.
const DOWNGRADE_TLS12: &[u8] = b"DOWNGRD\x01";

#[test]
fn tls13_version_negotiation_with_tls12_peers() {
    let fx = Fixture::new("versions13");
    let mut m = Matrix::default();
    let mut tls12_only = fx.server(KeyKind::EcdsaP256).openssl_args();
    tls12_only.extend(["-www".to_string(), "-tls1_2".to_string()]);
    let s12 = SServer::start(&strs(&tls12_only), fx.dir.path());
    let mut both = fx.server(KeyKind::EcdsaP256).openssl_args();
    both.push("-www".to_string());
    let s_default = SServer::start(&strs(&both), fx.dir.path());
    for p in tlskit_providers::all() {
        // Our default client offers 1.3 and 1.2; a 1.2-only s_server sends no sentinel
        // (its highest version is 1.2), so the downgrade check must stay quiet.
        let default_client = Arc::new(client_config(p, &fx.pki));
        let result = tlskit_request(&default_client, s12.addr(), GET).and_then(|out| {
            check_www_page(&out, ProtocolVersion::Tls12, false)?;
            Ok(out.summary())
        });
        m.record(
            "tlskit (1.3+1.2) → s_server",
            p.name(),
            "s_server -tls1_2",
            result,
        );

        let result = tlskit_request(&default_client, s_default.addr(), GET).and_then(|out| {
            check_www_page(&out, ProtocolVersion::Tls13, false)?;
            Ok(out.summary())
        });
        m.record(
            "tlskit (1.3+1.2) → s_server",
            p.name(),
            "s_server default",
            result,
        );

        // A 1.2-only client meets the 1.3-capable s_server, which marks its random
        // (DOWNGRD\x01); RFC 8446 §4.1.3 has only 1.3 clients reject that value.
        let mut cc = client_config(p, &fx.pki);
        cc.common.versions = vec![ProtocolVersion::Tls12];
        let result = tlskit_request(&Arc::new(cc), s_default.addr(), GET).and_then(|out| {
            check_www_page(&out, ProtocolVersion::Tls12, false)?;
            Ok(out.summary())
        });
        m.record(
            "tlskit (1.2 only) → s_server",
            p.name(),
            "s_server default",
            result,
        );
    }

    for p in tlskit_providers::all() {
        let server = EchoServer::start(Arc::new(server_config(
            p,
            &fx.server(KeyKind::EcdsaP256).id,
        )));
        // s_client -tls1_2 against our 1.3-capable server: 1.2, and the sentinel is set.
        let s = Session::new(
            &fx,
            &server,
            "-tls1_2",
            &["-msg".to_string()],
            HELLO_QUIT,
            1,
        );
        let result = s
            .check("TLSv1.2")
            .and_then(|_| match server_random_tail(&s.run.stdout) {
                Some(t) if t == DOWNGRADE_TLS12 => {
                    Ok("TLSv1.2; ServerHello.random ends DOWNGRD\\x01".into())
                }
                other => Err(format!(
                    "ServerHello.random ends {other:02x?}, not DOWNGRD\\x01"
                )),
            });
        m.record(
            "s_client -tls1_2 → tlskit (1.3+1.2)",
            p.name(),
            "1.2 + downgrade sentinel",
            result,
        );

        let s = Session::new(&fx, &server, "", &[], HELLO_QUIT, 1);
        let result = s
            .check("TLSv1.3")
            .map(|(_, r)| format!("{} {}", r.suite.unwrap_or("?"), r.group.unwrap_or("?")));
        m.record(
            "s_client (default) → tlskit (1.3+1.2)",
            p.name(),
            "TLS 1.3 chosen",
            result,
        );

        // A 1.2-only tlskit server must not set the sentinel: OpenSSL's 1.3-capable
        // client checks it and would abort.
        let mut config = server_config(p, &fx.server(KeyKind::EcdsaP256).id);
        config.common.versions = vec![ProtocolVersion::Tls12];
        let server12 = EchoServer::start(Arc::new(config));
        let s = Session::new(&fx, &server12, "", &["-msg".to_string()], HELLO_QUIT, 1);
        let result = s
            .check("TLSv1.2")
            .and_then(|_| match server_random_tail(&s.run.stdout) {
                Some(t) if t.starts_with(b"DOWNGRD") => {
                    Err(format!("sentinel {t:02x?} from a 1.2-only server"))
                }
                Some(_) => Ok("TLSv1.2, no sentinel; s_client's downgrade check passed".into()),
                None => Err("no ServerHello in the -msg log".into()),
            });
        m.record(
            "s_client (default) → tlskit (1.2 only)",
            p.name(),
            "1.2, no sentinel",
            result,
        );
    }
    m.finish("TLS 1.3 ↔ 1.2 version negotiation");
}

// ---------------------------------------------------------------------------------------
// ALPN (EncryptedExtensions in TLS 1.3)
// ---------------------------------------------------------------------------------------

#[test]
fn tls13_alpn_both_ways() {
    let fx = Fixture::new("alpn13");
    let mut m = Matrix::default();
    let server = s_server13(&fx, KeyKind::EcdsaP256, &["-www", "-alpn", "http/1.1"]);
    for p in tlskit_providers::all() {
        let mut cc = tls13_client_config(p, &fx);
        cc.common.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let result = tlskit_request(&Arc::new(cc), server.addr(), GET).and_then(|out| {
            check_www_page(&out, ProtocolVersion::Tls13, false)?;
            match out.alpn.as_deref() {
                Some(b"http/1.1") => Ok("http/1.1 from EncryptedExtensions".to_string()),
                other => Err(format!("ALPN {other:?}")),
            }
        });
        m.record(
            "tlskit → s_server -alpn http/1.1",
            p.name(),
            "offers h2, http/1.1",
            result,
        );
        // No overlap: OpenSSL 3.0's s_server refuses (RFC 7301 §3.2), and tlskit must
        // report the alert during its handshake.
        let mut cc = tls13_client_config(p, &fx);
        cc.common.alpn_protocols = vec![b"h2".to_vec()];
        let result = match tlskit_request(&Arc::new(cc), server.addr(), GET) {
            Ok(out) => Err(format!("served with ALPN {:?}", out.alpn)),
            Err(e) if e.starts_with("handshake:") && e.contains("no_application_protocol") => {
                Ok("refused: no_application_protocol".to_string())
            }
            Err(e) => Err(format!("unexpected failure: {e}")),
        };
        m.record(
            "tlskit → s_server -alpn http/1.1",
            p.name(),
            "offers h2 → refused",
            result,
        );
    }
    for p in tlskit_providers::all() {
        let mut config = tls13_server_config(p, &fx, KeyKind::EcdsaP256);
        config.common.alpn_protocols = vec![b"http/1.1".to_vec()];
        let server = EchoServer::start(Arc::new(config));
        let extra = ["-alpn".to_string(), "h2,http/1.1".to_string()];
        let s = Session::new(&fx, &server, "-tls1_3", &extra, HELLO_QUIT, 1);
        let result = s.check("TLSv1.3").and_then(|(_, report)| {
            if report.alpn.as_deref() == Some(b"http/1.1".as_slice())
                && s.run.stdout.contains("ALPN protocol: http/1.1")
            {
                Ok("http/1.1 on both sides".to_string())
            } else {
                Err(format!("tlskit ALPN {:?}\n{}", report.alpn, s.run.report()))
            }
        });
        m.record(
            "s_client → tlskit (http/1.1)",
            p.name(),
            "-alpn h2,http/1.1",
            result,
        );

        // RFC 7301 §3.2: no protocol in common is fatal, no_application_protocol.
        let extra = ["-alpn".to_string(), "h2".to_string()];
        let s = Session::new(&fx, &server, "-tls1_3", &extra, HELLO_QUIT, 1);
        let result = match s.report() {
            Ok(r) => Err(format!("tlskit accepted: {r:?}")),
            Err(e) if e.contains("sent no_application_protocol") => {
                if s.run.stderr.contains("no application protocol") {
                    Ok("refused with no_application_protocol, s_client saw it".into())
                } else {
                    Err(format!(
                        "s_client did not report the alert\n{}",
                        s.run.report()
                    ))
                }
            }
            Err(e) => Err(format!("unexpected tlskit outcome: {e}")),
        };
        m.record(
            "s_client → tlskit (http/1.1)",
            p.name(),
            "-alpn h2 → refused",
            result,
        );
    }
    m.finish("TLS 1.3 ALPN both ways");
}

// ---------------------------------------------------------------------------------------
// Middlebox compatibility mode (RFC 8446 Appendix D.4)
// ---------------------------------------------------------------------------------------

/// The ChangeCipherSpec records a `-msg` log shows as received: OpenSSL drops a TLS 1.3
/// compatibility CCS in its record layer, so only the record header `14 03 03 00 01`
/// appears.
fn ccs_received(log: &str) -> usize {
    let mut lines = log.lines().peekable();
    let mut n = 0;
    while let Some(line) = lines.next() {
        if line.starts_with("<<< ") && line.contains(", RecordHeader [length 0005]") {
            if let Some(next) = lines.peek() {
                if next.trim_start().starts_with("14 03 03 00 01") {
                    n += 1;
                }
            }
        }
    }
    n
}

#[test]
fn tls13_middlebox_compatibility_ccs() {
    let fx = Fixture::new("ccs13");
    let mut m = Matrix::default();
    for p in tlskit_providers::all() {
        // The tlskit server sends exactly one CCS when the client sent a session id (after
        // its first flight: the ServerHello, or the HelloRetryRequest), none otherwise.
        for (what, extra, group, expected) in [
            ("s_client default (session id)", vec![], None, 1),
            (
                "s_client -no_middlebox",
                vec!["-no_middlebox".to_string()],
                None,
                0,
            ),
            (
                "s_client default, HRR",
                vec!["-groups".to_string(), "X25519:P-384".to_string()],
                Some(NamedGroup::Secp384r1),
                1,
            ),
        ] {
            let mut config = tls13_server_config(p, &fx, KeyKind::EcdsaP256);
            if let Some(g) = group {
                config.common.groups = vec![g];
            }
            let server = EchoServer::start(Arc::new(config));
            let mut args = extra.clone();
            args.push("-msg".to_string());
            let s = Session::new(&fx, &server, "-tls1_3", &args, HELLO_QUIT, 1);
            let result = s.check("TLSv1.3").and_then(|_| {
                let n = ccs_received(&s.run.stdout);
                if n == expected {
                    Ok(format!("{n} CCS from tlskit"))
                } else {
                    Err(format!("{n} CCS from tlskit, expected {expected}"))
                }
            });
            m.record("s_client → tlskit", p.name(), what, result);
        }
        // The tlskit client sends one CCS before its second flight, with or without HRR.
        for (what, extra) in [
            ("s_server default", vec!["-msg"]),
            (
                "s_server -groups P-384 (HRR)",
                vec!["-msg", "-groups", "P-384"],
            ),
            ("s_server -no_middlebox", vec!["-msg", "-no_middlebox"]),
        ] {
            let mut args = extra.clone();
            args.push("-www");
            let server = s_server13(&fx, KeyKind::EcdsaP256, &args);
            let cc = Arc::new(tls13_client_config(p, &fx));
            let result = tlskit_request(&cc, server.addr(), GET).and_then(|out| {
                check_www_page(&out, ProtocolVersion::Tls13, false)?;
                // Our CCS precedes our Finished: once s_server's log shows the Finished,
                // it shows every CCS we sent.
                let log = server
                    .stdout()
                    .wait_for(STEP_TIMEOUT, |log| {
                        (!msg_bytes(log, "<<<", "Finished").is_empty()).then(|| log.to_string())
                    })
                    .ok_or("s_server logged no Finished from tlskit")?;
                let n = ccs_received(&log);
                if n == 1 {
                    Ok(format!("1 CCS from tlskit; {}", out.summary()))
                } else {
                    Err(format!("{n} CCS from tlskit, expected 1"))
                }
            });
            m.record("tlskit → s_server", p.name(), what, result);
        }
    }
    m.finish("TLS 1.3 middlebox compatibility CCS");
}

// ---------------------------------------------------------------------------------------
// Early data offered to a server that does not accept it
// ---------------------------------------------------------------------------------------

/// RFC 8446 §4.2.10: a server that ignores `early_data` "skips past early data by
/// attempting to deprotect received records using the handshake traffic key, discarding
/// records which fail deprotection (up to the configured max_early_data_size)", and after
/// a HelloRetryRequest "ignores early data by skipping all records with an external
/// content type of application_data". A client holding a ticket that allowed 0-RTT (here
/// from an `s_server -max_early_data`; in practice from another node of a server farm)
/// sends early data right after its ClientHello; the handshake must go on 1-RTT.
///
/// s_server without `-max_early_data` (whose ticket keys differ) is the control and
/// passes; the tlskit server aborts: with bad_record_mac when it tries the early data
/// under the client handshake key, and with unexpected_message after a HelloRetryRequest.
#[test]
fn tls13_server_skips_early_data_it_does_not_accept() {
    let fx = Fixture::new("early13");
    let mut m = Matrix::default();
    // A session whose ticket allows 16 KiB of early data, for SNI localhost.
    let issuer = s_server13(
        &fx,
        KeyKind::EcdsaP256,
        &["-www", "-max_early_data", "16384"],
    );
    let sess = path_arg(&fx.dir.path().join("early.sess"));
    let args = [
        "-connect".to_string(),
        format!("127.0.0.1:{}", issuer.port),
        "-tls1_3".to_string(),
        "-servername".to_string(),
        "localhost".to_string(),
        "-CAfile".to_string(),
        fx.root_arg(),
        "-ign_eof".to_string(),
        "-sess_out".to_string(),
        sess.clone(),
    ];
    let run = s_client(&strs(&args), GET, fx.dir.path(), CLIENT_RUN_TIMEOUT);
    assert!(
        run.stdout.contains("Max Early Data: 16384"),
        "no early-data ticket from s_server:\n{}",
        run.report()
    );
    let early_file = path_arg(&fx.dir.write("early.txt", "early\n"));
    let early = |groups: &str| {
        let mut v = vec![
            "-sess_in".to_string(),
            sess.clone(),
            "-early_data".to_string(),
            early_file.clone(),
        ];
        if !groups.is_empty() {
            v.extend(["-groups".to_string(), groups.to_string()]);
        }
        v
    };

    // Controls: s_server skips the early data, 1-RTT and after HRR.
    for (what, extra) in [("1-RTT", vec![]), ("after HRR", vec!["-groups", "P-384"])] {
        let mut args = vec!["-www"];
        args.extend(extra);
        let control = s_server13(&fx, KeyKind::EcdsaP256, &args);
        let mut a = vec![
            "-connect".to_string(),
            format!("127.0.0.1:{}", control.port),
            "-tls1_3".to_string(),
            "-servername".to_string(),
            "localhost".to_string(),
            "-CAfile".to_string(),
            fx.root_arg(),
            "-ign_eof".to_string(),
        ];
        a.extend(early("X25519:P-384"));
        let run = s_client(&strs(&a), GET, fx.dir.path(), CLIENT_RUN_TIMEOUT);
        let ok = run.stdout.contains("Early data was rejected")
            && run.stdout.contains("HTTP/1.0 200 ok");
        m.record(
            "s_client 0-RTT → s_server",
            "control",
            format!("early data rejected, {what}"),
            if ok {
                Ok("rejected, then served 1-RTT".into())
            } else {
                Err(run.report())
            },
        );
    }

    for p in tlskit_providers::all() {
        for (what, group) in [("1-RTT", None), ("after HRR", Some(NamedGroup::Secp384r1))] {
            let mut config = tls13_server_config(p, &fx, KeyKind::EcdsaP256);
            if let Some(g) = group {
                config.common.groups = vec![g];
            }
            let server = EchoServer::start(Arc::new(config));
            let s = Session::new(
                &fx,
                &server,
                "-tls1_3",
                &early("X25519:P-384"),
                HELLO_QUIT,
                1,
            );
            let result = s.check("TLSv1.3").and_then(|(_, report)| {
                if !s.run.stdout.contains("Early data was rejected") {
                    return Err(format!("s_client:\n{}", s.run.report()));
                }
                if report.lines.iter().any(|l| l == b"early") {
                    return Err("tlskit delivered rejected early data".into());
                }
                Ok("early data skipped, 1-RTT handshake and echo".into())
            });
            m.record(
                "s_client 0-RTT → tlskit",
                p.name(),
                format!("early data rejected, {what}"),
                result,
            );
        }
    }
    m.finish("TLS 1.3 early data offered to a server that does not accept it");
}
