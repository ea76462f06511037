//! OCSP stapling (RFC 6066 §8 for TLS 1.2, RFC 8446 §4.4.2.1 for TLS 1.3): responses made
//! by the `openssl ocsp` responder for the test PKI; a tlskit server staples them, a tlskit
//! client checks them; and both directions against `openssl s_server -status_file` /
//! `openssl s_client -status`.

mod common;
mod openssl_peer;
mod peer;

use common::{certified, drive, server_config, KeyKind};
use openssl_peer::fixture::{path_arg, Fixture};
use openssl_peer::{openssl, s_client, SServer};
use peer::ocsp::OcspSays as Says;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;
use tlskit_handshake::verify::{OcspPolicy, WebPkiServerVerifier};
use tlskit_handshake::{
    ClientConfig, ClientConnection, ProtocolVersion, ServerConfig, ServerConnection, Stream,
};

const VERSIONS: [ProtocolVersion; 2] = [ProtocolVersion::Tls12, ProtocolVersion::Tls13];

fn provider() -> &'static dyn tlskit_crypto::CryptoProvider {
    tlskit_providers::by_name("ring").expect("ring backend")
}

/// An OCSP response about the leaf at `leaf_path` from the `openssl ocsp` responder.
fn ocsp_response(fx: &Fixture, leaf_path: &std::path::Path, says: Says, tag: &str) -> Vec<u8> {
    peer::ocsp::ocsp_response(openssl(), fx, leaf_path, says, tag).expect("OCSP response")
}

fn client_config_with(fx: &Fixture, version: ProtocolVersion, policy: OcspPolicy) -> ClientConfig {
    let verifier = WebPkiServerVerifier::from_pem(fx.pki.root_pem.as_bytes(), provider())
        .expect("verifier")
        .with_ocsp_policy(policy);
    let mut config = ClientConfig::new(provider(), Arc::new(verifier));
    config.common.versions = vec![version];
    config
}

fn stapling_server(fx: &Fixture, staple: Option<Vec<u8>>) -> Arc<ServerConfig> {
    let id = &fx.server(KeyKind::EcdsaP256).id;
    let mut key = Arc::unwrap_or_clone(certified(provider(), id));
    if let Some(response) = staple {
        key = key.with_ocsp(response);
    }
    let mut config = server_config(provider(), id);
    config.cert_resolver = Arc::new(tlskit_handshake::config::SingleCert(Arc::new(key)));
    Arc::new(config)
}

/// One in-memory handshake; the client's error, if any.
fn handshake(client: ClientConfig, server: &Arc<ServerConfig>) -> Result<(), String> {
    let mut c = ClientConnection::new(Arc::new(client), "localhost").expect("client");
    let mut s = ServerConnection::new(server.clone()).expect("server");
    drive(&mut c, &mut s)
}

fn alert_of(result: &Result<(), String>) -> Option<String> {
    result.as_ref().err().cloned()
}

#[test]
fn stapled_responses_are_checked_in_memory() {
    let fx = Fixture::new("ocsp-mem");
    let leaf = fx.server(KeyKind::EcdsaP256).leaf.clone();
    let good = ocsp_response(&fx, &leaf, Says::Good, "good");
    let revoked = ocsp_response(&fx, &leaf, Says::Revoked, "revoked");
    // A response about some other certificate (another leaf of the same issuer).
    let other_leaf = fx.server(KeyKind::EcdsaP384).leaf.clone();
    let other = ocsp_response(&fx, &other_leaf, Says::Good, "other");
    for version in VERSIONS {
        let with = |staple: Option<&Vec<u8>>, policy| {
            handshake(
                client_config_with(&fx, version, policy),
                &stapling_server(&fx, staple.cloned()),
            )
        };
        assert_eq!(
            with(Some(&good), OcspPolicy::IfStapled),
            Ok(()),
            "{version:?}"
        );
        assert_eq!(
            with(Some(&good), OcspPolicy::Required),
            Ok(()),
            "{version:?}"
        );
        assert_eq!(with(None, OcspPolicy::IfStapled), Ok(()), "{version:?}");
        let revoked_result = with(Some(&revoked), OcspPolicy::IfStapled);
        assert!(
            alert_of(&revoked_result).is_some_and(|e| e.contains("certificate_revoked")),
            "{version:?}: {revoked_result:?}"
        );
        let other_result = with(Some(&other), OcspPolicy::IfStapled);
        assert!(
            alert_of(&other_result).is_some_and(|e| e.contains("bad_certificate_status_response")),
            "{version:?}: {other_result:?}"
        );
        let missing = with(None, OcspPolicy::Required);
        assert!(
            alert_of(&missing).is_some_and(|e| e.contains("bad_certificate_status_response")),
            "{version:?}: {missing:?}"
        );
        // A client that does not ask gets no staple, so even a revoked one is not seen.
        assert_eq!(
            with(Some(&revoked), OcspPolicy::Ignore),
            Ok(()),
            "{version:?}"
        );
    }
}

/// Our client against `openssl s_server -status_file`.
#[test]
fn our_client_checks_openssl_staples() {
    let fx = Fixture::new("ocsp-ours-client");
    let files = fx.server(KeyKind::EcdsaP256);
    let good = ocsp_response(&fx, &files.leaf, Says::Good, "good");
    let revoked = ocsp_response(&fx, &files.leaf, Says::Revoked, "revoked");
    let good_path = fx.dir.write("good.der", &good);
    let revoked_path = fx.dir.write("revoked.der", &revoked);
    let mut passed = 0;
    for (status_file, expect_ok) in [(&good_path, true), (&revoked_path, false)] {
        let mut args = files.openssl_args();
        args.extend(["-www".into(), "-status_file".into(), path_arg(status_file)]);
        let server = SServer::start(
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            fx.dir.path(),
        );
        for version in VERSIONS {
            let config = Arc::new(client_config_with(&fx, version, OcspPolicy::Required));
            let result = (|| -> Result<String, String> {
                let e = |e: std::io::Error| e.to_string();
                let tcp = TcpStream::connect(server.addr()).map_err(e)?;
                tcp.set_read_timeout(Some(Duration::from_secs(10)))
                    .map_err(e)?;
                let conn = ClientConnection::new(config, "localhost").map_err(|e| e.to_string())?;
                let mut stream = Stream::new(conn, tcp);
                stream.write_all(b"GET / HTTP/1.0\r\n\r\n").map_err(e)?;
                let mut page = Vec::new();
                stream.read_to_end(&mut page).map_err(e)?;
                Ok(String::from_utf8_lossy(&page).into_owned())
            })();
            match (&result, expect_ok) {
                (Ok(page), true) => assert!(page.starts_with("HTTP/1.0 200"), "{page:.200}"),
                (Err(e), false) => {
                    assert!(e.contains("certificate_revoked"), "{version:?}: {e}")
                }
                _ => panic!(
                    "{version:?} staple ok={expect_ok}: {result:?}\n{}",
                    server.diagnostics()
                ),
            }
            passed += 1;
        }
    }
    assert_eq!(passed, 4);
}

/// `openssl s_client -status` against our stapling server.
#[test]
fn openssl_client_receives_our_staples() {
    let fx = Fixture::new("ocsp-ours-server");
    let files = fx.server(KeyKind::EcdsaP256);
    let good = ocsp_response(&fx, &files.leaf, Says::Good, "good");
    let config = stapling_server(&fx, Some(good));
    for version in VERSIONS {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server_config = config.clone();
        let server = std::thread::spawn(move || -> Result<(), String> {
            let (tcp, _) = listener.accept().map_err(|e| e.to_string())?;
            tcp.set_read_timeout(Some(Duration::from_secs(10)))
                .map_err(|e| e.to_string())?;
            let conn = ServerConnection::new(server_config).map_err(|e| e.to_string())?;
            let mut stream = Stream::new(conn, tcp);
            let mut buf = [0u8; 64];
            let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
            stream.write_all(&buf[..n]).map_err(|e| e.to_string())?;
            stream.flush().map_err(|e| e.to_string())
        });
        let version_flag = match version {
            ProtocolVersion::Tls12 => "-tls1_2",
            ProtocolVersion::Tls13 => "-tls1_3",
        };
        let run = s_client(
            &[
                "-connect",
                &addr.to_string(),
                version_flag,
                "-status",
                "-CAfile",
                &fx.root_arg(),
                "-servername",
                "localhost",
            ],
            b"ping\n",
            fx.dir.path(),
            Duration::from_secs(10),
        );
        let _ = server.join();
        assert!(
            run.stdout.contains("OCSP Response Status: successful"),
            "{version:?}: {}",
            run.report()
        );
        assert!(
            run.stdout.contains("Cert Status: good"),
            "{version:?}: {}",
            run.report()
        );
    }
}
