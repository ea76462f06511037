//! Interop with tlslite-ng (pure-Python TLS 1.2/1.3, `tls.py` from PyPI `tlslite-ng`), a
//! third implementation next to OpenSSL and GnuTLS, both directions:
//!
//! - tlskit client → `tls.py server` (HTTP): every tlskit suite × ECDSA P-256, RSA-2048
//!   and Ed25519 certificates on ring (a subset on rustcrypto and openssl), the three
//!   groups against a server limited to one (`--groups`, a HelloRetryRequest in TLS 1.3
//!   when it is not our first key share), a client certificate (`--reqcert`) and
//!   resumption (session id in TLS 1.2, PSK from tickets in TLS 1.3);
//! - `tls.py client` → tlskit HTTP server: the suites (pinned on the tlskit side) ×
//!   certificates, groups, a client certificate, ALPN and `--resumption`.
//!
//! tlslite-ng's own report of each connection (version, suite, group, resumed, client
//! certificate) is checked against what tlskit negotiated. `tls.py client` cannot be given
//! trust anchors, so that direction does not verify tlskit's chain (tlskit's clients are
//! checked against the root here, as everywhere). Without tlslite-ng these tests FAIL
//! (scripts/setup.sh installs it). Run with `--nocapture` to see the matrices.

mod common;
mod peer;
mod tlslite_peer;

use common::{certified, client_config, require_client_auth, server_config, KeyKind};
use peer::matrix::Matrix;
use peer::pki_files::{key_type, PkiFiles as Fixture};
use peer::process::{path_arg as path, ProcRun};
use peer::suites::{hrr_expected, is_ring, GROUPS, VERSIONS};
use peer::tlskit_client::{TlskitClient, GET, HRR_RECEIVED};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tlskit_crypto::{CryptoProvider, NamedGroup};
use tlskit_handshake::suites::{self, CipherSuite, ProtocolVersion};
use tlskit_handshake::{ClientConfig, ServerConfig};
use tlslite_peer::{field, tlslite_client, HttpReport, HttpServer, TlsliteServer};

/// A whole `tls.py client` run (one or two connections) may take this long.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(20);

const CERT_KINDS: [KeyKind; 3] = [KeyKind::EcdsaP256, KeyKind::Rsa2048, KeyKind::Ed25519];

/// `tls1.2` / `tls1.3` for `--max-ver`.
fn max_ver(v: ProtocolVersion) -> String {
    match v {
        ProtocolVersion::Tls12 => "--max-ver=tls1.2".into(),
        _ => "--max-ver=tls1.3".into(),
    }
}

/// `TLS 1.2` / `TLS 1.3`, as tls.py prints versions.
fn tlslite_version(v: ProtocolVersion) -> &'static str {
    match v {
        ProtocolVersion::Tls12 => "TLS 1.2",
        _ => "TLS 1.3",
    }
}

fn suites_for(p: &dyn CryptoProvider, kind: KeyKind) -> Vec<CipherSuite> {
    let all = suites::ALL_SUITES
        .iter()
        .copied()
        .filter(|s| s.tls12_auth.is_none_or(|a| a.accepts(key_type(kind))));
    if is_ring(p) {
        all.collect()
    } else {
        // One suite per version for the other backends.
        all.filter(|s| matches!(s.code, 0x1303 | 0xc02c | 0xc030))
            .collect()
    }
}

/// Checks tls.py's report of a connection (`block`) against tlskit's view.
fn check_block(
    block: &str,
    version: Option<&str>,
    suite: Option<&str>,
    group: Option<&str>,
    resumed: bool,
) -> Result<String, String> {
    let theirs = (
        field(block, "Version"),
        field(block, "Ciphersuite"),
        field(block, "Session Resumed"),
    );
    let want_version = version.map(|v| {
        if v == "TLSv1.2" {
            tlslite_version(ProtocolVersion::Tls12)
        } else {
            tlslite_version(ProtocolVersion::Tls13)
        }
    });
    let want_resumed = if resumed { "True" } else { "False" };
    if theirs != (want_version, suite, Some(want_resumed)) {
        return Err(format!(
            "tlslite says {theirs:?}, tlskit ({want_version:?}, {suite:?}, {want_resumed})\n{block}"
        ));
    }
    // tls.py reports the group of TLS 1.3 (EC)DHE exchanges, resumed ones included, and
    // of its own TLS 1.2 client handshakes (not of its TLS 1.2 server handshakes).
    let their_group = field(block, "Group used for key exchange");
    if group.is_some() && their_group.is_some() && their_group != group {
        return Err(format!(
            "tlslite used group {their_group:?}, tlskit {group:?}\n{block}"
        ));
    }
    Ok(format!(
        "{} {} {}{}",
        want_version.unwrap_or("?"),
        suite.unwrap_or("?"),
        group.unwrap_or("-"),
        if resumed { " resumed" } else { "" }
    ))
}

// ---------------------------------------------------------------------------------------
// tlskit client → tls.py server
// ---------------------------------------------------------------------------------------

/// What one tlskit client connection did.
struct ClientOutcome {
    version: Option<&'static str>,
    suite: Option<&'static str>,
    group: Option<&'static str>,
    resumed: bool,
    hrr: bool,
}

/// Connects as `localhost`, sends a GET, reads the response until the server closes.
fn tlskit_get(config: &Arc<ClientConfig>, addr: SocketAddr) -> Result<ClientOutcome, String> {
    let mut c = TlskitClient::connect(config, addr)?;
    c.send(GET)?;
    let response = c.read_to_eof()?;
    c.close();
    if !response.starts_with(b"HTTP/1.0 200") {
        return Err(format!(
            "unexpected response {:?}",
            String::from_utf8_lossy(&response)
        ));
    }
    let out = c.outcome(response);
    Ok(ClientOutcome {
        version: out.version_name(),
        suite: out.suite_name(),
        group: out.group_name(),
        resumed: out.resumed,
        hrr: out.traced(HRR_RECEIVED) > 0,
    })
}

fn client_for(p: &'static dyn CryptoProvider, fx: &Fixture, v: ProtocolVersion) -> ClientConfig {
    let mut cc = client_config(p, &fx.pki);
    cc.common.only_version(v);
    cc
}

/// `tls.py server` serving `kind`'s chain over HTTP from the fixture's `www` folder.
fn http_server(fx: &Fixture, kind: KeyKind, extra: &[String]) -> TlsliteServer {
    let id = fx.server(kind);
    let www = fx.dir.path().join("www");
    std::fs::create_dir_all(&www).expect("www dir");
    std::fs::write(www.join("index.html"), "hello from tlslite\n").expect("index");
    let mut args = vec![
        "-c".to_string(),
        path(&id.chain),
        "-k".to_string(),
        path(&id.key),
        "-d".to_string(),
        path(&www),
    ];
    args.extend_from_slice(extra);
    TlsliteServer::start(&args, fx.dir.path())
}

/// One GET through `server`, checked against tls.py's report of it.
fn get_checked(
    cc: &Arc<ClientConfig>,
    server: &TlsliteServer,
    resumed: bool,
) -> Result<(ClientOutcome, String), String> {
    let index = server.connections();
    let out =
        tlskit_get(cc, server.addr()).map_err(|e| format!("{e}\n{}", server.diagnostics()))?;
    let block = server.connection(index, "Session Resumed");
    if out.resumed != resumed {
        return Err(format!("tlskit resumed = {}", out.resumed));
    }
    // tlslite-ng 0.8's server never reports a TLS 1.3 PSK handshake as resumed (its
    // `_serverTLS13Handshake` ends with `_handshakeDone(resumed=False)`); that it was
    // one shows in the missing CertificateVerify ("Key exchange signature").
    let psk13 = resumed && out.version == Some(ProtocolVersion::Tls13.name());
    if psk13 && field(&block, "Key exchange signature").is_some() {
        return Err(format!(
            "tls.py signed a CertificateVerify: no PSK handshake\n{block}"
        ));
    }
    let summary = check_block(&block, out.version, out.suite, out.group, resumed && !psk13)?;
    Ok((
        out,
        if psk13 {
            format!("{summary} PSK")
        } else {
            summary
        },
    ))
}

#[test]
fn tlskit_client_to_tlslite_server() {
    let fx = Fixture::new("tlslite-c2s");
    tlslite_peer::tls_py();
    let mut m = Matrix::default();
    const DIR: &str = "tlskit → tls.py server";
    for kind in CERT_KINDS {
        let server = http_server(&fx, kind, &[]);
        for p in tlskit_providers::all() {
            m.per_suite(DIR, p, kind, false, suites_for(p, kind), |suite| {
                let mut cc = client_for(p, &fx, suite.version);
                cc.common.cipher_suites = vec![suite];
                let (o, s) = get_checked(&Arc::new(cc), &server, false)?;
                if o.suite == Some(suite.name) {
                    Ok(s)
                } else {
                    Err(format!("negotiated {:?}", o.suite))
                }
            });
        }
    }
    // Groups: tls.py limited to one; tlskit offers all three, X25519 first.
    for group in GROUPS {
        let server = http_server(
            &fx,
            KeyKind::EcdsaP256,
            &[format!("--groups={}", group.name())],
        );
        for p in tlskit_providers::all().into_iter().filter(|p| is_ring(*p)) {
            let label = format!("tls.py --groups {}", group.name());
            m.per_version(DIR, p.name(), &label, &VERSIONS, |v| {
                let cc = Arc::new(client_for(p, &fx, v));
                let (o, s) = get_checked(&cc, &server, false)?;
                let want_hrr = hrr_expected(v, group);
                if o.group != Some(group.name()) || o.hrr != want_hrr {
                    Err(format!("group {:?}, HelloRetryRequest {}", o.group, o.hrr))
                } else if o.hrr {
                    Ok(format!("{s} after HRR"))
                } else {
                    Ok(s)
                }
            });
        }
    }
    // A client certificate, asked for with --reqcert.
    let server = http_server(&fx, KeyKind::EcdsaP256, &["--reqcert".into()]);
    for p in tlskit_providers::all() {
        m.per_version(DIR, p.name(), "client cert P256", &VERSIONS, |v| {
            let mut cc = client_for(p, &fx, v);
            cc.client_cert = Some(certified(p, &fx.client(KeyKind::EcdsaP256).id));
            let index = server.connections();
            let (_, s) = get_checked(&Arc::new(cc), &server, false)?;
            let block = server.connection(index, "Session Resumed");
            if field(&block, "Client X.509 SHA1 fingerprint").is_some() {
                Ok(format!("{s}, client cert seen"))
            } else {
                Err(format!("tls.py saw no client certificate\n{block}"))
            }
        });
    }
    drop(server);
    // Resumption: session id (TLS 1.2), PSK from a ticket (TLS 1.3).
    let server = http_server(&fx, KeyKind::EcdsaP256, &[]);
    for p in tlskit_providers::all() {
        m.per_version(DIR, p.name(), "resumption", &VERSIONS, |v| {
            let cc = Arc::new(client_for(p, &fx, v));
            get_checked(&cc, &server, false)
                .map_err(|e| format!("first: {e}"))
                .and_then(|_| get_checked(&cc, &server, true).map_err(|e| format!("second: {e}")))
                .map(|(_, s)| format!("full, then {s}"))
        });
    }
    m.finish("tlskit client → tls.py server");
}

// ---------------------------------------------------------------------------------------
// tls.py client → tlskit server
// ---------------------------------------------------------------------------------------

/// One `tls.py client` run against `server` and the reports of its `connections`.
fn client_run(
    fx: &Fixture,
    server: &HttpServer,
    args: &[String],
    connections: usize,
) -> Result<(ProcRun, Vec<HttpReport>), String> {
    let run = tlslite_client(args, server.addr.port(), fx.dir.path(), CLIENT_TIMEOUT);
    let reports = server.reports(connections)?;
    if let Some(r) = reports.iter().find(|r| r.error.is_some()) {
        return Err(format!(
            "tlskit: {}\n{}\n{}",
            r.error.as_deref().unwrap_or_default(),
            r.trace.join("\n"),
            run.report()
        ));
    }
    if !run.success() || !run.stdout.contains("Handshake success") {
        return Err(format!("tls.py client failed\n{}", run.report()));
    }
    if reports
        .first()
        .is_none_or(|r| !r.request.starts_with(b"GET / HTTP/1.0"))
    {
        return Err(format!("no request received: {reports:?}"));
    }
    Ok((run, reports))
}

/// The blocks `tls.py client` printed per connection.
fn client_blocks(stdout: &str) -> Vec<String> {
    stdout
        .split("Handshake success")
        .skip(1)
        .map(str::to_string)
        .collect()
}

fn server_for(p: &'static dyn CryptoProvider, fx: &Fixture, kind: KeyKind) -> ServerConfig {
    server_config(p, &fx.server(kind).id)
}

#[test]
fn tlslite_client_to_tlskit_server() {
    let fx = Fixture::new("tlslite-s2c");
    tlslite_peer::tls_py();
    let mut m = Matrix::default();
    const DIR: &str = "tls.py client → tlskit";
    for p in tlskit_providers::all() {
        // Python starts per cell: the other backends sign with two key types only.
        let kinds: &[KeyKind] = if is_ring(p) {
            &CERT_KINDS
        } else {
            &[KeyKind::EcdsaP256, KeyKind::Ed25519]
        };
        for &kind in kinds {
            m.per_suite(DIR, p, kind, true, suites_for(p, kind), |suite| {
                let mut sc = server_for(p, &fx, kind);
                sc.common.cipher_suites = vec![suite];
                let server = HttpServer::start(Arc::new(sc));
                let (run, reports) = client_run(&fx, &server, &[max_ver(suite.version)], 1)?;
                let r = reports.first().ok_or("no report")?;
                let block = client_blocks(&run.stdout).pop().unwrap_or_default();
                check_block(&block, r.version, r.suite, r.group, false)
            });
        }
        // Groups: tlskit limited to one; tls.py's first key shares are x25519 and
        // secp256r1, so P-384 takes a HelloRetryRequest in TLS 1.3.
        if is_ring(p) {
            for v in VERSIONS {
                for group in GROUPS {
                    let mut sc = server_for(p, &fx, KeyKind::EcdsaP256);
                    sc.common.groups = vec![group];
                    let server = HttpServer::start(Arc::new(sc));
                    let result =
                        client_run(&fx, &server, &[max_ver(v)], 1).and_then(|(run, reports)| {
                            let r = reports.first().ok_or("no report")?;
                            let block = client_blocks(&run.stdout).pop().unwrap_or_default();
                            if r.group != Some(group.name()) {
                                return Err(format!("tlskit negotiated {:?}", r.group));
                            }
                            let hrr = r.traced("HelloRetryRequest") > 0;
                            let want_hrr =
                                v == ProtocolVersion::Tls13 && group == NamedGroup::Secp384r1;
                            if hrr != want_hrr {
                                return Err(format!("HelloRetryRequest sent = {hrr}"));
                            }
                            check_block(&block, r.version, r.suite, r.group, false)
                        });
                    m.record(
                        DIR,
                        p.name(),
                        format!("tlskit {} only, {}", group.name(), v.name()),
                        result,
                    );
                }
            }
        }
        // A client certificate, required by tlskit and verified against the root.
        let mut sc = server_for(p, &fx, KeyKind::EcdsaP256);
        require_client_auth(&mut sc, p, &fx.pki, true);
        let server = HttpServer::start(Arc::new(sc));
        let id = fx.client(KeyKind::EcdsaP256);
        for v in VERSIONS {
            let args = [
                "-c".to_string(),
                path(&id.chain),
                "-k".to_string(),
                path(&id.key),
                max_ver(v),
            ];
            let result = client_run(&fx, &server, &args, 1);
            let (what, result) = if v == ProtocolVersion::Tls12 {
                let result = result.and_then(|(_, reports)| match reports.first() {
                    Some(r) if r.peer_certificates == 2 => Ok("client chain verified".into()),
                    other => Err(format!("tlskit saw {other:?}")),
                });
                ("client cert P256, TLSv1.2", result)
            } else {
                // A tlslite-ng 0.8.2 bug, not tlskit's: its client picks certificate
                // compression from its *own* ClientHello's compress_certificate
                // extension (`_clientTLS13Handshake` passes `clientHello` to
                // `_create_cert_msg`) instead of the server's CertificateRequest, so
                // it sends a CompressedCertificate (RFC 8879) that tlskit never
                // advertised. tlskit must refuse it with unexpected_message (RFC 8879
                // §3, RFC 8446 §6.2), and does.
                let result = match result {
                    Err(e) if e.contains("(sent unexpected_message)") => {
                        Ok("unsolicited CompressedCertificate refused".to_string())
                    }
                    Err(e) => Err(format!("expected unexpected_message, got: {e}")),
                    Ok(_) => Err("tls.py sent a plain Certificate: update this cell".into()),
                };
                ("client cert P256, TLSv1.3: peer's bug refused", result)
            };
            m.record(DIR, p.name(), what, result);
        }
        drop(server);
        // ALPN and resumption (tls.py --resumption: a second, resumed connection).
        let mut sc = server_for(p, &fx, KeyKind::EcdsaP256);
        sc.common.alpn_protocols = vec![b"h2".to_vec()];
        let server = HttpServer::start(Arc::new(sc));
        m.per_version(DIR, p.name(), "ALPN + resumption", &VERSIONS, |v| {
            let args = [
                max_ver(v),
                "-a".to_string(),
                "http/1.1".to_string(),
                "-a".to_string(),
                "h2".to_string(),
                "--resumption".to_string(),
            ];
            client_run(&fx, &server, &args, 2).and_then(|(run, reports)| {
                let blocks = client_blocks(&run.stdout);
                let (Some(first), Some(second)) = (reports.first(), reports.get(1)) else {
                    return Err("two connections expected".into());
                };
                if first.alpn.as_deref() != Some(b"h2")
                    || field(
                        blocks.first().map_or("", String::as_str),
                        "Application Layer Protocol negotiated",
                    ) != Some("h2")
                {
                    return Err(format!("ALPN: tlskit {:?}\n{}", first.alpn, run.report()));
                }
                let group = (v == ProtocolVersion::Tls13)
                    .then_some(second.group)
                    .flatten();
                let s = check_block(
                    blocks.get(1).map_or("", String::as_str),
                    second.version,
                    second.suite,
                    group,
                    true,
                )?;
                if second.resumed {
                    Ok(format!("ALPN h2, then {s}"))
                } else {
                    Err("tlskit did not resume".into())
                }
            })
        });
    }
    m.finish("tls.py client → tlskit server");
}
