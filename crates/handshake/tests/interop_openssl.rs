//! TLS 1.2 interop with the system OpenSSL 3 command-line tool, both directions:
//!
//! - tlskit client → `openssl s_server -tls1_2` (`-www`, `-WWW`, `-rev`, `-Verify`,
//!   `-no_ticket`): every suite × certificate type × backend, groups, client auth,
//!   resumption by ticket and by session id, bulk data both ways;
//! - `openssl s_client -tls1_2` → tlskit echo server: every suite × certificate type ×
//!   backend, groups, client auth (required / optional / missing), resumption with
//!   `-sess_out`/`-sess_in` and `-reconnect` (tickets and session ids), bulk data.
//!
//! Certificates come from the rcgen PKI in `common` (root → intermediate → leaf), written
//! as PEM files to a temporary directory. Every child process is killed on drop, every
//! wait has a deadline, ports are ephemeral. Without an `openssl` binary these tests FAIL
//! with an explanation (CI installs it). Run with `--nocapture` to see the matrices.

mod common;
mod openssl_peer;
mod peer;

use common::{certified, client_config, require_client_auth, server_config, Identity, KeyKind};
use openssl_peer::fixture::{can_sign, can_verify, path_arg, strs, Fixture, CERT_KINDS};
use openssl_peer::{s_client, ClientRun, ConnReport, EchoServer, Matrix, SServer, STEP_TIMEOUT};
use peer::suites::suites12_for;
use peer::tlskit_client::{tlskit_request as request, Outcome, Trace, GET};
use peer::tlskit_server::EchoRun;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;
use tlskit_crypto::{CryptoProvider, NamedGroup};
use tlskit_handshake::suites::{openssl_name, CipherSuite, ProtocolVersion};
use tlskit_handshake::{ClientConfig, ClientConnection, ServerConfig, Stream};

/// A whole `s_client` run may take this long (handshake + echo + close).
const CLIENT_RUN_TIMEOUT: Duration = Duration::from_secs(20);

/// The TLS 1.2 argument lists of this suite.
trait Tls12Args {
    /// `s_server` arguments serving `kind`'s chain.
    fn s_server_cert_args(&self, kind: KeyKind) -> Vec<String>;
    /// `s_client` arguments for a verified TLS 1.2 connection to `server`.
    fn s_client_args(&self, server: &EchoServer) -> Vec<String>;
}

impl Tls12Args for Fixture {
    fn s_server_cert_args(&self, kind: KeyKind) -> Vec<String> {
        let mut args = vec!["-tls1_2".to_string()];
        args.extend(self.server(kind).openssl_args());
        args
    }

    fn s_client_args(&self, server: &EchoServer) -> Vec<String> {
        vec![
            "-connect".into(),
            server.connect_arg(),
            "-tls1_2".into(),
            "-servername".into(),
            "localhost".into(),
            "-verify_hostname".into(),
            "localhost".into(),
            "-CAfile".into(),
            path_arg(&self.root),
            "-verify_return_error".into(),
            "-ign_eof".into(),
            "-nocommands".into(),
        ]
    }
}

fn tls12_client_config(p: &'static dyn CryptoProvider, fx: &Fixture) -> ClientConfig {
    let mut cc = client_config(p, &fx.pki);
    cc.common.versions = vec![ProtocolVersion::Tls12];
    cc
}

fn tls12_server_config(p: &'static dyn CryptoProvider, id: &Identity) -> ServerConfig {
    let mut sc = server_config(p, id);
    sc.common.versions = vec![ProtocolVersion::Tls12];
    sc
}

// ---------------------------------------------------------------------------------------
// tlskit client → openssl s_server
// ---------------------------------------------------------------------------------------

/// Connects to `addr` as `localhost`, sends `request`, reads until the server's
/// close_notify, recording the handshake trace when `with_trace`.
fn tlskit_request(
    config: &Arc<ClientConfig>,
    addr: SocketAddr,
    request_bytes: &[u8],
    with_trace: bool,
) -> Result<Outcome, String> {
    let mode = if with_trace {
        Trace::Record
    } else {
        Trace::Off
    };
    request(config, addr, request_bytes, mode)
}

/// Checks an `s_server -www` status page: HTTP 200, and s_server's own view of the
/// session (`New`/`Reused`, TLSv1.2, the cipher).
fn check_www_page(out: &Outcome, suite: Option<CipherSuite>, reused: bool) -> Result<(), String> {
    let page = String::from_utf8_lossy(&out.response);
    if !page.starts_with("HTTP/1.0 200 ok") {
        return Err(format!("unexpected response: {page:.200}"));
    }
    let prefix = if reused {
        "Reused, TLSv1.2, Cipher is "
    } else {
        "New, TLSv1.2, Cipher is "
    };
    let Some(line) = page.lines().find(|l| l.starts_with(prefix)) else {
        return Err(format!("s_server page lacks {prefix:?}: {page:.2000}"));
    };
    if let Some(s) = suite {
        if line.trim_end() != format!("{prefix}{}", openssl_name(s)) {
            return Err(format!("s_server says {line:?}, we negotiated {}", s.name));
        }
        if out.suite_name() != Some(s.name) {
            return Err(format!(
                "we negotiated {:?}, expected {}",
                out.suite_name(),
                s.name
            ));
        }
    }
    if out.resumed != reused {
        return Err(format!(
            "tlskit resumed = {}, expected {reused}",
            out.resumed
        ));
    }
    if !out.extended_master_secret {
        return Err("no extended master secret".into());
    }
    Ok(())
}

#[test]
fn tlskit_client_to_s_server_suites_certs_groups_all_backends() {
    let fx = Fixture::new("c2s-matrix");
    let mut m = Matrix::default();
    for kind in CERT_KINDS {
        let args = fx.s_server_cert_args(kind);
        let mut args = strs(&args);
        args.push("-www");
        let server = SServer::start(&args, fx.dir.path());
        for p in tlskit_providers::all() {
            if !can_verify(p, kind) {
                m.skip(
                    "tlskit → s_server",
                    p.name(),
                    format!("{kind:?}"),
                    "backend cannot verify this key type",
                );
                continue;
            }
            for suite in suites12_for(kind) {
                let mut cc = tls12_client_config(p, &fx);
                cc.common.cipher_suites = vec![suite];
                let result = tlskit_request(&Arc::new(cc), server.addr(), GET, false)
                    .and_then(|out| check_www_page(&out, Some(suite), false).map(|()| out))
                    .map(|out| {
                        format!(
                            "{} {}",
                            out.suite_name().unwrap_or("?"),
                            out.group.map_or("?", |g| g.name())
                        )
                    })
                    .map_err(|e| format!("{e}\n{}", server.diagnostics()));
                m.record(
                    "tlskit → s_server",
                    p.name(),
                    format!("{kind:?} {}", openssl_name(suite)),
                    result,
                );
            }
        }
    }
    // Key-exchange groups: s_server enables one; the client offers it and P-256 (the
    // certificate's curve, which OpenSSL's server requires in the list, RFC 8422 §5.1).
    for (group, name) in [
        (NamedGroup::X25519, "X25519"),
        (NamedGroup::Secp256r1, "P-256"),
        (NamedGroup::Secp384r1, "P-384"),
    ] {
        let args = fx.s_server_cert_args(KeyKind::EcdsaP256);
        let mut args = strs(&args);
        args.extend(["-www", "-groups", name]);
        let server = SServer::start(&args, fx.dir.path());
        for p in tlskit_providers::all() {
            if p.key_exchange(group).is_none() {
                m.skip(
                    "tlskit → s_server",
                    p.name(),
                    format!("s_server -groups {name}"),
                    "backend lacks the group",
                );
                continue;
            }
            let mut cc = tls12_client_config(p, &fx);
            cc.common.groups = vec![group];
            if group != NamedGroup::Secp256r1 {
                cc.common.groups.push(NamedGroup::Secp256r1);
            }
            let result = tlskit_request(&Arc::new(cc), server.addr(), GET, false).and_then(|out| {
                check_www_page(&out, None, false)?;
                if out.group == Some(group) {
                    Ok(format!(
                        "{} {}",
                        out.suite_name().unwrap_or("?"),
                        group.name()
                    ))
                } else {
                    Err(format!(
                        "negotiated {:?}, s_server has only {name}",
                        out.group
                    ))
                }
            });
            m.record(
                "tlskit → s_server",
                p.name(),
                format!("P256 cert, s_server -groups {name}"),
                result,
            );
        }
    }
    m.finish("tlskit client → openssl s_server: suites × certificates × groups");
}

#[test]
fn tlskit_client_to_s_server_bulk_data_both_ways() {
    let fx = Fixture::new("c2s-bulk");
    // -WWW serves files from its working directory: 200 KiB down (full 16 KiB records).
    let file: Vec<u8> = (0..200 * 1024u32).map(|i| b'a' + (i % 26) as u8).collect();
    fx.dir.write("big.txt", &file);
    let args = fx.s_server_cert_args(KeyKind::EcdsaP256);
    let mut www_args = strs(&args);
    www_args.push("-WWW");
    let www = SServer::start(&www_args, fx.dir.path());
    // -rev answers each line reversed: 64 KiB up in one write (several full records).
    let mut rev_args = strs(&args);
    rev_args.push("-rev");
    let rev = SServer::start(&rev_args, fx.dir.path());
    let lines: Vec<String> = (0..64)
        .map(|i| format!("{i:04}:{}", "0123456789abcdef".repeat(63)))
        .collect();
    let mut upload = lines.join("\n").into_bytes();
    upload.extend_from_slice(b"\nCLOSE\n");
    let expected: String = lines
        .iter()
        .map(|l| format!("{}\n", l.chars().rev().collect::<String>()))
        .collect();

    let mut m = Matrix::default();
    for p in tlskit_providers::all() {
        let cc = Arc::new(tls12_client_config(p, &fx));
        let down = tlskit_request(&cc, www.addr(), b"GET /big.txt HTTP/1.0\r\n\r\n", false)
            .and_then(|out| {
                let head_end = out
                    .response
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .ok_or("no end of HTTP header")?;
                let body = &out.response[head_end + 4..];
                if body == file.as_slice() {
                    Ok(format!("{} bytes received intact", body.len()))
                } else {
                    Err(format!(
                        "body differs: {} bytes, expected {}",
                        body.len(),
                        file.len()
                    ))
                }
            });
        m.record("tlskit → s_server -WWW", p.name(), "200 KiB download", down);

        let up = rev_exchange(&cc, rev.addr(), &upload).and_then(|got| {
            if got.starts_with(&expected) {
                Ok(format!(
                    "{} bytes sent, {} reversed back",
                    upload.len(),
                    expected.len()
                ))
            } else {
                Err(format!(
                    "reply differs ({} bytes, expected {}): {:.200}",
                    got.len(),
                    expected.len(),
                    got
                ))
            }
        });
        m.record(
            "tlskit → s_server -rev",
            p.name(),
            "64 KiB upload, lines reversed",
            up,
        );
    }
    m.finish("tlskit client → openssl s_server: bulk data");
}

/// Sends `upload` to an `s_server -rev` and reads its answers until the connection ends
/// (after `CLOSE`, s_server closes; a close_notify is not required here).
fn rev_exchange(
    config: &Arc<ClientConfig>,
    addr: SocketAddr,
    upload: &[u8],
) -> Result<String, String> {
    let sock =
        TcpStream::connect_timeout(&addr, STEP_TIMEOUT).map_err(|e| format!("connect: {e}"))?;
    sock.set_read_timeout(Some(STEP_TIMEOUT))
        .map_err(|e| e.to_string())?;
    sock.set_write_timeout(Some(STEP_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let conn = ClientConnection::new(config.clone(), "localhost").map_err(|e| e.to_string())?;
    let mut stream = Stream::new(conn, sock);
    stream
        .write_all(upload)
        .map_err(|e| format!("write: {e}"))?;
    let mut got = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(format!("read after {} bytes: {e}", got.len())),
        }
    }
    Ok(String::from_utf8_lossy(&got).into_owned())
}

#[test]
fn tlskit_client_to_s_server_client_auth() {
    let fx = Fixture::new("c2s-auth");
    let args = fx.s_server_cert_args(KeyKind::EcdsaP256);
    let root = path_arg(&fx.root);
    let mut args = strs(&args);
    args.extend([
        "-www",
        "-Verify",
        "1",
        "-verify_return_error",
        "-CAfile",
        &root,
    ]);
    let server = SServer::start(&args, fx.dir.path());
    let mut m = Matrix::default();
    for p in tlskit_providers::all() {
        for kind in CERT_KINDS {
            if !can_sign(p, kind) {
                m.skip(
                    "tlskit → s_server -Verify",
                    p.name(),
                    format!("client cert {kind:?}"),
                    "backend cannot sign with this key type",
                );
                continue;
            }
            let mut cc = tls12_client_config(p, &fx);
            cc.client_cert = Some(certified(p, &fx.client(kind).id));
            let result = tlskit_request(&Arc::new(cc), server.addr(), GET, false).and_then(|out| {
                check_www_page(&out, None, false)?;
                let page = String::from_utf8_lossy(&out.response);
                if page.contains("no client certificate available") {
                    return Err(format!("s_server saw no client certificate: {page:.3000}"));
                }
                Ok(format!(
                    "authenticated, {}",
                    out.suite_name().unwrap_or("?")
                ))
            });
            m.record(
                "tlskit → s_server -Verify",
                p.name(),
                format!("client cert {kind:?}"),
                result,
            );
        }
        // No certificate: s_server must refuse (handshake_failure in TLS 1.2).
        let cc = Arc::new(tls12_client_config(p, &fx));
        let result = match tlskit_request(&cc, server.addr(), GET, false) {
            Ok(_) => Err("handshake succeeded without a client certificate".to_string()),
            Err(e) if e.contains("handshake_failure") => Ok(format!("refused: {e}")),
            Err(e) => Err(format!("refused, but not with handshake_failure: {e}")),
        };
        m.record(
            "tlskit → s_server -Verify",
            p.name(),
            "no client cert → refused",
            result,
        );
    }
    m.finish("tlskit client → openssl s_server: client authentication");
}

#[test]
fn tlskit_client_resumes_with_s_server_by_ticket_and_by_id() {
    let fx = Fixture::new("c2s-resume");
    let args = fx.s_server_cert_args(KeyKind::EcdsaP256);
    let mut with_tickets = strs(&args);
    with_tickets.push("-www");
    let mut ids_only = with_tickets.clone();
    ids_only.push("-no_ticket");
    let servers = [
        ("by ticket", SServer::start(&with_tickets, fx.dir.path())),
        ("by session id", SServer::start(&ids_only, fx.dir.path())),
    ];
    let mut m = Matrix::default();
    for p in tlskit_providers::all() {
        for (how, server) in &servers {
            let expect_ticket = *how == "by ticket";
            let cc = Arc::new(tls12_client_config(p, &fx));
            let result = (|| -> Result<String, String> {
                let first = tlskit_request(&cc, server.addr(), GET, true)?;
                check_www_page(&first, None, false).map_err(|e| format!("first: {e}"))?;
                let got_ticket = first.trace.iter().any(|l| l.contains("NewSessionTicket"));
                if got_ticket != expect_ticket {
                    return Err(format!(
                        "NewSessionTicket received = {got_ticket}; trace:\n{}",
                        first.trace.join("\n")
                    ));
                }
                let stored = cc
                    .session_store
                    .as_ref()
                    .and_then(|s| s.get("localhost"))
                    .ok_or("no session stored after the first handshake")?;
                if stored.ticket.is_empty() == expect_ticket {
                    return Err(format!(
                        "stored session has a {}-byte ticket",
                        stored.ticket.len()
                    ));
                }
                let second = tlskit_request(&cc, server.addr(), GET, false)?;
                check_www_page(&second, first.suite, true).map_err(|e| format!("second: {e}"))?;
                Ok(format!(
                    "full then resumed, {}",
                    second.suite_name().unwrap_or("?")
                ))
            })();
            m.record(
                "tlskit → s_server",
                p.name(),
                format!("resumption {how}"),
                result,
            );
        }
    }
    m.finish("tlskit client → openssl s_server: resumption");
}

// ---------------------------------------------------------------------------------------
// openssl s_client → tlskit server
// ---------------------------------------------------------------------------------------

const HELLO_QUIT: &[u8] = b"hello\nquit\n";

/// One `s_client` run against the echo server, with the reports of the `connections`
/// connections it made (always collected, so that one run's report never leaks into the
/// next check).
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
        extra: &[String],
        input: &[u8],
        connections: usize,
    ) -> Self {
        let mut args = fx.s_client_args(server);
        args.extend_from_slice(extra);
        let run = s_client(&strs(&args), input, fx.dir.path(), CLIENT_RUN_TIMEOUT);
        let reports = server.reports(connections);
        Session(EchoRun { run, reports })
    }

    /// Checks the s_client side: exit 0, verified chain, EMS, the echo of `hello` and the
    /// `bye` before close. Returns the sessions s_client printed (New/Reused, cipher).
    fn check_client(&self) -> Result<Vec<(bool, String)>, String> {
        let run = &self.run;
        self.check_tool(
            "s_client",
            &[
                "Verify return code: 0 (ok)",
                "Extended master secret: yes",
                "echo: hello",
                "bye",
            ],
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

    /// Both sides succeeded: s_client's sessions and the tlskit report.
    fn check(&self) -> Result<(Sessions, &ConnReport), String> {
        let sessions = self.check_client()?;
        let report = self.report()?;
        if report.lines.first().map(Vec::as_slice) != Some(b"hello".as_slice())
            || report.lines.last().map(Vec::as_slice) != Some(b"quit".as_slice())
        {
            return Err(format!("tlskit received {:?}", report.lines));
        }
        if !report.extended_master_secret {
            return Err("tlskit: no extended master secret".into());
        }
        Ok((sessions, report))
    }
}

fn echo_server(p: &'static dyn CryptoProvider, id: &Identity) -> EchoServer {
    EchoServer::start(Arc::new(tls12_server_config(p, id)))
}

#[test]
fn s_client_to_tlskit_server_suites_certs_groups_all_backends() {
    let fx = Fixture::new("s2c-matrix");
    let mut m = Matrix::default();
    for p in tlskit_providers::all() {
        for kind in CERT_KINDS {
            if !can_sign(p, kind) {
                m.skip(
                    "s_client → tlskit",
                    p.name(),
                    format!("{kind:?}"),
                    "backend cannot sign with this key type",
                );
                continue;
            }
            let server = echo_server(p, &fx.server(kind).id);
            for suite in suites12_for(kind) {
                let extra = ["-cipher".to_string(), openssl_name(suite).to_string()];
                let s = Session::new(&fx, &server, &extra, HELLO_QUIT, 1);
                let result = s.check().and_then(|(sessions, report)| {
                    let want = [(false, openssl_name(suite).to_string())];
                    if sessions != want || report.suite != Some(suite.name) {
                        return Err(format!("s_client {sessions:?}, tlskit {:?}", report.suite));
                    }
                    Ok(format!("{} {}", suite.name, report.group.unwrap_or("?")))
                });
                m.record(
                    "s_client → tlskit",
                    p.name(),
                    format!("{kind:?} {}", openssl_name(suite)),
                    result,
                );
            }
        }
        // Groups: the tlskit server enables one; s_client offers it and P-256 (the
        // certificate's curve, which RFC 8422 §5.1 makes it require in the list).
        for (group, name) in [
            (NamedGroup::X25519, "X25519"),
            (NamedGroup::Secp256r1, "P-256"),
            (NamedGroup::Secp384r1, "P-384"),
        ] {
            if p.key_exchange(group).is_none() {
                m.skip(
                    "s_client → tlskit",
                    p.name(),
                    format!("group {name}"),
                    "backend lacks the group",
                );
                continue;
            }
            let mut config = tls12_server_config(p, &fx.server(KeyKind::EcdsaP256).id);
            config.common.groups = vec![group];
            let server = EchoServer::start(Arc::new(config));
            let offer = if name == "P-256" {
                name.to_string()
            } else {
                format!("{name}:P-256")
            };
            let extra = ["-groups".to_string(), offer.clone()];
            let s = Session::new(&fx, &server, &extra, HELLO_QUIT, 1);
            let result = s.check().and_then(|(_, report)| {
                let tmp_key = s
                    .run
                    .stdout
                    .lines()
                    .find(|l| l.starts_with("Server Temp Key:"))
                    .unwrap_or("")
                    .to_string();
                match report.group {
                    Some(g) if g == group.name() => Ok(format!("{g}; s_client: {tmp_key}")),
                    other => Err(format!("tlskit chose {other:?}")),
                }
            });
            m.record(
                "s_client → tlskit",
                p.name(),
                format!("P256 cert, -groups {offer}"),
                result,
            );
        }
    }
    m.finish("openssl s_client → tlskit server: suites × certificates × groups");
}

/// RFC 8422 §5.1: "servers MUST NOT negotiate the use of an ECC cipher suite unless they
/// can complete the handshake while respecting the choice of curves specified by the
/// client", and §5.3: the ECDSA certificate's key "MUST use a curve ... supported by the
/// client". A client offering only X25519 cannot accept a P-256 certificate, so a server
/// holding only that certificate must refuse with handshake_failure. (Before commit
/// b35f817 tlskit went ahead and s_client aborted with "wrong curve".)
#[test]
fn s_client_offering_only_x25519_is_refused_by_a_p256_only_server() {
    let fx = Fixture::new("s2c-curve");
    let p = tlskit_providers::default_provider().expect("a backend");
    let server = echo_server(p, &fx.server(KeyKind::EcdsaP256).id);
    let extra = ["-groups".to_string(), "X25519".to_string()];
    let s = Session::new(&fx, &server, &extra, HELLO_QUIT, 1);
    assert!(!s.run.success(), "the handshake cannot succeed");
    let reports = s.reports.as_ref().expect("a connection report");
    let error = reports[0].error.as_deref().unwrap_or("");
    assert!(
        s.run.stderr.contains("alert handshake failure"),
        "s_client should report our alert:\n{}",
        s.run.stderr
    );
    assert!(
        error.contains("sent handshake_failure"),
        "expected the tlskit server to refuse with handshake_failure; it said {error:?} \
         and s_client said:\n{}",
        s.run.stderr
    );
}

#[test]
fn s_client_to_tlskit_server_bulk_data() {
    let fx = Fixture::new("s2c-bulk");
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
        let server = echo_server(p, &fx.server(KeyKind::EcdsaP256).id);
        let s = Session::new(&fx, &server, &[], &input, 1);
        let result = s.check().and_then(|(_, report)| {
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
    }
    m.finish("openssl s_client → tlskit server: bulk data");
}

#[test]
fn s_client_to_tlskit_server_client_auth() {
    let fx = Fixture::new("s2c-auth");
    let mut m = Matrix::default();
    for p in tlskit_providers::all() {
        let server_id = &fx.server(KeyKind::EcdsaP256).id;
        let mut required = tls12_server_config(p, server_id);
        require_client_auth(&mut required, p, &fx.pki, true);
        let required = EchoServer::start(Arc::new(required));
        for kind in CERT_KINDS {
            if !can_verify(p, kind) {
                m.skip(
                    "s_client → tlskit (required)",
                    p.name(),
                    format!("client cert {kind:?}"),
                    "backend cannot verify this key type",
                );
                continue;
            }
            let f = fx.client(kind);
            let extra = [
                "-cert".to_string(),
                path_arg(&f.leaf),
                "-cert_chain".to_string(),
                path_arg(&f.intermediate),
                "-key".to_string(),
                path_arg(&f.key),
            ];
            let s = Session::new(&fx, &required, &extra, HELLO_QUIT, 1);
            let result = s.check().and_then(|(_, report)| {
                if report.peer_certificates == 2 {
                    Ok(format!(
                        "client chain of 2 verified, {}",
                        report.suite.unwrap_or("?")
                    ))
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
        // Required, and s_client has no certificate: refused with handshake_failure.
        let s = Session::new(&fx, &required, &[], HELLO_QUIT, 1);
        let result = match s.report() {
            _ if s.run.success() => Err(format!("s_client got through\n{}", s.run.report())),
            Err(e) if e.contains("sent handshake_failure") => {
                if s.run.stderr.contains("alert handshake failure") {
                    Ok("refused: handshake_failure sent, s_client saw it".into())
                } else {
                    Err(format!(
                        "s_client did not report the alert\n{}",
                        s.run.report()
                    ))
                }
            }
            other => Err(format!("unexpected server outcome {other:?}")),
        };
        m.record(
            "s_client → tlskit (required)",
            p.name(),
            "no client cert → refused",
            result,
        );

        // Optional: no certificate is fine.
        let mut optional = tls12_server_config(p, server_id);
        require_client_auth(&mut optional, p, &fx.pki, false);
        let optional = EchoServer::start(Arc::new(optional));
        let s = Session::new(&fx, &optional, &[], HELLO_QUIT, 1);
        let result = s.check().and_then(|(_, report)| {
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
    m.finish("openssl s_client → tlskit server: client authentication");
}

#[test]
fn s_client_resumes_with_tlskit_server_sess_out_sess_in_and_reconnect() {
    let fx = Fixture::new("s2c-resume");
    let mut m = Matrix::default();
    for p in tlskit_providers::all() {
        let id = &fx.server(KeyKind::EcdsaP256).id;
        let by_ticket = tls12_server_config(p, id);
        let mut by_id = tls12_server_config(p, id);
        by_id.ticketer = None;
        for (how, config, extra) in [
            ("ticket", by_ticket, vec![]),
            ("session id", by_id, vec!["-no_ticket".to_string()]),
        ] {
            let server = EchoServer::start(Arc::new(config));
            // -sess_out, then -sess_in.
            let sess = path_arg(
                &fx.dir
                    .path()
                    .join(format!("session-{}-{how}.pem", p.name())),
            );
            let result = (|| -> Result<String, String> {
                let mut first = extra.clone();
                first.extend(["-sess_out".to_string(), sess.clone()]);
                let s1 = Session::new(&fx, &server, &first, HELLO_QUIT, 1);
                let (c1, r1) = s1.check()?;
                let mut second = extra.clone();
                second.extend(["-sess_in".to_string(), sess.clone()]);
                let s2 = Session::new(&fx, &server, &second, HELLO_QUIT, 1);
                let (c2, r2) = s2.check()?;
                match (c1.first(), c2.first(), r1.resumed, r2.resumed) {
                    (Some((false, _)), Some((true, c)), false, true) => {
                        Ok(format!("New then Reused, {c}"))
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

            // -reconnect: one full handshake and five resumptions.
            let mut args = extra.clone();
            args.push("-reconnect".to_string());
            let s = Session::new(&fx, &server, &args, HELLO_QUIT, 6);
            let result = s.check_client().and_then(|sessions| {
                let reports = s.reports.as_ref().map_err(Clone::clone)?;
                if let Some(r) = reports.iter().find(|r| r.error.is_some()) {
                    return Err(format!("tlskit server: {r:?}"));
                }
                let tlskit: Vec<bool> = reports.iter().map(|r| r.resumed).collect();
                let openssl: Vec<bool> = sessions.iter().take(6).map(|s| s.0).collect();
                let want = [false, true, true, true, true, true];
                if tlskit == want && openssl == want {
                    Ok("1 full + 5 resumed (both sides agree)".into())
                } else {
                    Err(format!(
                        "s_client reused {openssl:?}; tlskit resumed {tlskit:?}"
                    ))
                }
            });
            m.record(
                "s_client → tlskit",
                p.name(),
                format!("-reconnect by {how}"),
                result,
            );
        }
    }
    m.finish("openssl s_client → tlskit server: resumption");
}

/// s_client's sessions: (reused?, description) per connection.
type Sessions = Vec<(bool, String)>;
