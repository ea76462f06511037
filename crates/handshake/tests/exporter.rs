//! Keying material exporters (RFC 5705, RFC 8446 §7.5): both tlskit peers derive the same
//! bytes, and so does `openssl s_client -keymatexport` against a tlskit server.

mod common;
mod openssl_peer;
mod peer;

use common::{client_config, drive, server_config, KeyKind, Pki};
use openssl_peer::s_client;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use tlskit_handshake::{ClientConnection, ProtocolVersion, ServerConnection, Stream};

const LABEL: &[u8] = b"EXPERIMENTAL-tlskit-exporter";

fn pair(
    provider: &'static dyn tlskit_crypto::CryptoProvider,
    pki: &Pki,
    version: ProtocolVersion,
) -> (ClientConnection, ServerConnection) {
    let mut cc = client_config(provider, pki);
    cc.common.versions = vec![version];
    let sc = server_config(provider, &pki.server(KeyKind::EcdsaP256));
    (
        ClientConnection::new(Arc::new(cc), "localhost").expect("client"),
        ServerConnection::new(Arc::new(sc)).expect("server"),
    )
}

fn export(
    f: impl Fn(&mut [u8], &[u8], Option<&[u8]>) -> Result<(), tlskit_handshake::Error>,
    label: &[u8],
    context: Option<&[u8]>,
) -> Vec<u8> {
    let mut out = vec![0u8; 32];
    f(&mut out, label, context).expect("export");
    out
}

#[test]
fn both_peers_agree_and_inputs_matter() {
    let pki = Pki::new();
    for provider in tlskit_providers::all() {
        for version in [ProtocolVersion::Tls12, ProtocolVersion::Tls13] {
            let (mut client, mut server) = pair(provider, &pki, version);
            let mut early = [0u8; 16];
            assert!(
                client
                    .export_keying_material(&mut early, LABEL, None)
                    .is_err(),
                "no keying material before the handshake"
            );
            drive(&mut client, &mut server).expect("handshake");
            let c =
                |o: &mut [u8], l: &[u8], x: Option<&[u8]>| client.export_keying_material(o, l, x);
            let s =
                |o: &mut [u8], l: &[u8], x: Option<&[u8]>| server.export_keying_material(o, l, x);
            for context in [None, Some(&b""[..]), Some(&b"context"[..])] {
                assert_eq!(
                    export(c, LABEL, context),
                    export(s, LABEL, context),
                    "{} {version:?} {context:?}",
                    provider.name()
                );
            }
            assert_ne!(
                export(c, LABEL, None),
                export(c, b"EXPERIMENTAL-other", None)
            );
            assert_ne!(export(c, LABEL, Some(b"a")), export(c, LABEL, Some(b"b")));
            match version {
                // RFC 5705 §4: no context and an empty context differ.
                ProtocolVersion::Tls12 => {
                    assert_ne!(export(c, LABEL, None), export(c, LABEL, Some(b"")));
                    let mut out = [0u8; 16];
                    assert!(
                        client
                            .export_keying_material(&mut out, b"master secret", None)
                            .is_err(),
                        "reserved label"
                    );
                }
                // RFC 8446 §7.5: they are the same.
                ProtocolVersion::Tls13 => {
                    assert_eq!(export(c, LABEL, None), export(c, LABEL, Some(b"")))
                }
            }
        }
    }
}

/// `openssl s_client -keymatexport LABEL -keymatexportlen 32` prints the material it
/// derived (no context); our server derives the same.
#[test]
fn openssl_client_derives_the_same_material() {
    let pki = Pki::new();
    let dir = openssl_peer::TempDir::new("exporter");
    let root = dir.write("root.pem", &pki.root_pem);
    let provider = tlskit_providers::by_name("ring").expect("ring");
    let config = Arc::new(server_config(provider, &pki.server(KeyKind::EcdsaP256)));
    for (version, flag) in [
        (ProtocolVersion::Tls12, "-tls1_2"),
        (ProtocolVersion::Tls13, "-tls1_3"),
    ] {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server_config = config.clone();
        let server = std::thread::spawn(move || -> Result<Vec<u8>, String> {
            let (tcp, _) = listener.accept().map_err(|e| e.to_string())?;
            tcp.set_read_timeout(Some(Duration::from_secs(10)))
                .map_err(|e| e.to_string())?;
            let conn = ServerConnection::new(server_config).map_err(|e| e.to_string())?;
            let mut stream = Stream::new(conn, tcp);
            let mut buf = [0u8; 64];
            let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
            stream.write_all(&buf[..n]).map_err(|e| e.to_string())?;
            stream.flush().map_err(|e| e.to_string())?;
            let mut material = vec![0u8; 32];
            stream
                .conn
                .export_keying_material(&mut material, LABEL, None)
                .map_err(|e| e.to_string())?;
            Ok(material)
        });
        let label = std::str::from_utf8(LABEL).expect("ascii label");
        let run = s_client(
            &[
                "-connect",
                &addr.to_string(),
                flag,
                "-CAfile",
                &openssl_peer::fixture::path_arg(&root),
                "-servername",
                "localhost",
                "-keymatexport",
                label,
                "-keymatexportlen",
                "32",
            ],
            b"ping\n",
            dir.path(),
            Duration::from_secs(10),
        );
        let ours = server
            .join()
            .expect("server thread")
            .unwrap_or_else(|e| panic!("{version:?} server: {e}\n{}", run.report()));
        let theirs = run
            .stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix("Keying material: "))
            .unwrap_or_else(|| panic!("{version:?}: no keying material\n{}", run.report()))
            .trim()
            .to_ascii_lowercase();
        let ours_hex: String = ours.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(ours_hex, theirs, "{version:?}");
    }
}
