//! TLS 1.3 handshakes between tlskit clients and servers in memory: every suite × group ×
//! certificate type for all 3×3 backend pairs, HelloRetryRequest, PSK resumption, client
//! authentication, KeyUpdate, and version negotiation with TLS 1.2-only peers.

mod common;

use common::*;
use std::io::{Read, Write};
use std::sync::Arc;
use tlskit_crypto::{CryptoProvider, KeyType, NamedGroup};
use tlskit_handshake::suites::{self, ProtocolVersion};
use tlskit_handshake::{ClientConnection, ServerConnection};

fn can_sign(p: &dyn CryptoProvider, kind: KeyKind) -> bool {
    let kt = match kind {
        KeyKind::EcdsaP256 => KeyType::Ecdsa(tlskit_crypto::Curve::P256),
        KeyKind::EcdsaP384 => KeyType::Ecdsa(tlskit_crypto::Curve::P384),
        KeyKind::Rsa2048 => KeyType::Rsa,
        KeyKind::Ed25519 => KeyType::Ed25519,
    };
    p.supported_signing_schemes()
        .iter()
        .any(|s| s.key_type() == kt && tlskit_crypto::SignatureScheme::RsaPkcs1Sha256 != *s)
}

#[test]
fn tls13_matrix_suites_groups_certs_all_backend_pairs() {
    let pki = Pki::new();
    let ids: Vec<(KeyKind, Identity)> = ALL_KINDS.iter().map(|k| (*k, pki.server(*k))).collect();
    let mut count = 0;
    for server_p in tlskit_providers::all() {
        for client_p in tlskit_providers::all() {
            for (kind, id) in &ids {
                if !can_sign(server_p, *kind) {
                    continue;
                }
                let sc = Arc::new(server_config(server_p, id));
                for suite in suites::ALL_SUITES
                    .iter()
                    .filter(|s| s.version == ProtocolVersion::Tls13)
                {
                    for group in NamedGroup::ALL {
                        let mut cc = client_config(client_p, &pki);
                        cc.common.cipher_suites = vec![*suite];
                        cc.common.groups = vec![group];
                        cc.session_store = None;
                        let mut client = ClientConnection::new(Arc::new(cc), "localhost").unwrap();
                        let mut server = ServerConnection::new(sc.clone()).unwrap();
                        let what = format!(
                            "{} -> {} {kind:?} {} {}",
                            client_p.name(),
                            server_p.name(),
                            suite.name,
                            group.name()
                        );
                        drive(&mut client, &mut server).unwrap_or_else(|e| panic!("{what}: {e}"));
                        assert_eq!(
                            client.negotiated().version,
                            Some(ProtocolVersion::Tls13),
                            "{what}"
                        );
                        assert_eq!(server.negotiated().suite, Some(*suite));
                        assert_eq!(client.negotiated().group, Some(group));
                        exchange_data(&mut client, &mut server, b"ping over TLS 1.3")
                            .unwrap_or_else(|e| panic!("{what}: {e}"));
                        count += 1;
                    }
                }
            }
        }
    }
    assert!(count >= 9 * 3 * 3);
    println!("{count} TLS 1.3 handshakes completed");
}

#[test]
fn tls13_hello_retry_request_when_the_client_guesses_wrong() {
    let pki = Pki::new();
    for p in tlskit_providers::all() {
        let mut sc = server_config(p, &pki.server(KeyKind::EcdsaP256));
        sc.common.groups = vec![NamedGroup::Secp384r1];
        let mut cc = client_config(p, &pki);
        cc.common.groups = vec![NamedGroup::X25519, NamedGroup::Secp384r1];
        let mut client = ClientConnection::new(Arc::new(cc), "localhost").unwrap();
        let mut server = ServerConnection::new(Arc::new(sc)).unwrap();
        drive(&mut client, &mut server).unwrap_or_else(|e| panic!("{}: {e}", p.name()));
        assert_eq!(client.negotiated().group, Some(NamedGroup::Secp384r1));
        exchange_data(&mut client, &mut server, b"after HRR").unwrap();
    }
}

#[test]
fn tls13_resumption_client_auth_and_key_update_all_backend_pairs() {
    let pki = Pki::new();
    let server_id = pki.server(KeyKind::EcdsaP256);
    let client_id = pki.client(KeyKind::Ed25519);
    for server_p in tlskit_providers::all() {
        for client_p in tlskit_providers::all() {
            let what = format!("{} -> {}", client_p.name(), server_p.name());
            let mut sc = server_config(server_p, &server_id);
            require_client_auth(&mut sc, server_p, &pki, true);
            let sc = Arc::new(sc);
            let mut cc = client_config(client_p, &pki);
            if can_sign(client_p, KeyKind::Ed25519) {
                cc.client_cert = Some(certified(client_p, &client_id));
            } else {
                cc.client_cert = Some(certified(client_p, &pki.client(KeyKind::EcdsaP256)));
            }
            let cc = Arc::new(cc);
            let mut client = ClientConnection::new(cc.clone(), "localhost").unwrap();
            let mut server = ServerConnection::new(sc.clone()).unwrap();
            drive(&mut client, &mut server).unwrap_or_else(|e| panic!("{what} client auth: {e}"));
            assert_eq!(server.negotiated().peer_certificates.len(), 2, "{what}");
            assert!(!client.negotiated().resumed);
            exchange_data(&mut client, &mut server, b"authenticated 1.3").unwrap();

            let mut client = ClientConnection::new(cc.clone(), "localhost").unwrap();
            let mut server = ServerConnection::new(sc.clone()).unwrap();
            drive(&mut client, &mut server)
                .unwrap_or_else(|e| panic!("{what} PSK resumption: {e}"));
            assert!(
                client.negotiated().resumed && server.negotiated().resumed,
                "{what}: PSK resumption"
            );
            exchange_data(&mut client, &mut server, b"resumed 1.3").unwrap();
        }
    }
}

#[test]
fn tls13_key_update_from_the_peer_is_followed() {
    let pki = Pki::new();
    let p = tlskit_providers::default_provider().unwrap();
    let sc = Arc::new(server_config(p, &pki.server(KeyKind::EcdsaP256)));
    let mut client = ClientConnection::new(Arc::new(client_config(p, &pki)), "localhost").unwrap();
    let mut server = ServerConnection::new(sc).unwrap();
    drive(&mut client, &mut server).unwrap();
    // Lots of data both ways, in several records.
    let big = vec![0x5au8; 100_000];
    exchange_data(&mut client, &mut server, &big).unwrap();
    // The client updates its keys and asks the server to update too; data keeps flowing
    // both ways, several generations deep.
    for _ in 0..3 {
        client.refresh_traffic_keys().unwrap();
        server.refresh_traffic_keys().unwrap();
        drive(&mut client, &mut server).unwrap();
        exchange_data(&mut client, &mut server, b"after KeyUpdate").unwrap();
    }
    client.writer().write_all(b"tail").unwrap();
    drive(&mut client, &mut server).unwrap();
    let mut tail = [0u8; 4];
    server.reader().read_exact(&mut tail).unwrap();
    assert_eq!(&tail, b"tail");
}

#[test]
fn tls13_client_meets_tls12_only_server_and_vice_versa() {
    let pki = Pki::new();
    let p = tlskit_providers::default_provider().unwrap();
    let id = pki.server(KeyKind::EcdsaP256);
    // 1.3+1.2 client, 1.2-only server: TLS 1.2 without a downgrade sentinel.
    let mut sc = server_config(p, &id);
    sc.common.only_version(ProtocolVersion::Tls12);
    let mut client = ClientConnection::new(Arc::new(client_config(p, &pki)), "localhost").unwrap();
    let mut server = ServerConnection::new(Arc::new(sc)).unwrap();
    drive(&mut client, &mut server).unwrap();
    assert_eq!(client.negotiated().version, Some(ProtocolVersion::Tls12));
    // 1.2-only client, 1.3+1.2 server: TLS 1.2 with the sentinel, which a 1.2-only
    // client ignores.
    let mut cc = client_config(p, &pki);
    cc.common.only_version(ProtocolVersion::Tls12);
    let mut client = ClientConnection::new(Arc::new(cc), "localhost").unwrap();
    let mut server = ServerConnection::new(Arc::new(server_config(p, &id))).unwrap();
    drive(&mut client, &mut server).unwrap();
    assert_eq!(server.negotiated().version, Some(ProtocolVersion::Tls12));
    // 1.3-only client, 1.2-only server: protocol_version.
    let mut cc = client_config(p, &pki);
    cc.common.only_version(ProtocolVersion::Tls13);
    let mut sc = server_config(p, &id);
    sc.common.only_version(ProtocolVersion::Tls12);
    let mut client = ClientConnection::new(Arc::new(cc), "localhost").unwrap();
    let mut server = ServerConnection::new(Arc::new(sc)).unwrap();
    let err = drive(&mut client, &mut server).unwrap_err();
    assert!(err.contains("protocol_version"), "{err}");
}

#[test]
fn tls13_missing_client_certificate_is_certificate_required() {
    let pki = Pki::new();
    let p = tlskit_providers::default_provider().unwrap();
    let mut sc = server_config(p, &pki.server(KeyKind::EcdsaP256));
    require_client_auth(&mut sc, p, &pki, true);
    let mut client = ClientConnection::new(Arc::new(client_config(p, &pki)), "localhost").unwrap();
    let mut server = ServerConnection::new(Arc::new(sc)).unwrap();
    let err = drive(&mut client, &mut server).unwrap_err();
    assert!(err.contains("certificate_required"), "{err}");
}
