//! TLS 1.2 handshakes between tlskit clients and servers in memory: every suite × group ×
//! certificate type for all 3×3 client-backend × server-backend pairs, client auth, and
//! resumption by session id and by ticket.

mod common;

use common::*;
use std::sync::Arc;
use tlskit_crypto::{CryptoProvider, KeyType, NamedGroup};
use tlskit_handshake::suites::{self, ProtocolVersion};
use tlskit_handshake::{ClientConnection, Error, ServerConnection};

/// A client that offers only TLS 1.2 (the server then negotiates 1.2).
fn cc12(p: &'static dyn CryptoProvider, pki: &Pki) -> tlskit_handshake::ClientConfig {
    let mut c = client_config(p, pki);
    c.common.only_version(ProtocolVersion::Tls12);
    c
}

fn can_sign(p: &dyn CryptoProvider, kind: KeyKind) -> bool {
    let kt = match kind {
        KeyKind::EcdsaP256 => KeyType::Ecdsa(tlskit_crypto::Curve::P256),
        KeyKind::EcdsaP384 => KeyType::Ecdsa(tlskit_crypto::Curve::P384),
        KeyKind::Rsa2048 => KeyType::Rsa,
        KeyKind::Ed25519 => KeyType::Ed25519,
    };
    p.supported_signing_schemes()
        .iter()
        .any(|s| s.key_type() == kt)
}

#[test]
fn tls12_matrix_suites_groups_certs_all_backend_pairs() {
    let pki = Pki::new();
    let ids: Vec<(KeyKind, Identity)> = ALL_KINDS.iter().map(|k| (*k, pki.server(*k))).collect();
    let mut count = 0;
    for server_p in tlskit_providers::all() {
        for client_p in tlskit_providers::all() {
            for (kind, id) in &ids {
                if !can_sign(server_p, *kind) {
                    continue;
                }
                let loaded = tlskit_handshake::CertifiedKey::from_pem(
                    server_p,
                    id.chain_pem.as_bytes(),
                    id.key_pem.as_bytes(),
                );
                let key_type = match loaded {
                    Ok(k) => k.key.key_type(),
                    Err(e) => panic!(
                        "{} cannot load the {kind:?} key made by rcgen: {e}",
                        server_p.name()
                    ),
                };
                for suite in suites::ALL_SUITES
                    .iter()
                    .filter(|s| s.version == ProtocolVersion::Tls12)
                {
                    if !suite.tls12_auth.is_some_and(|a| a.accepts(key_type)) {
                        continue;
                    }
                    for group in NamedGroup::ALL {
                        let mut cc = cc12(client_p, &pki);
                        cc.common.cipher_suites = vec![*suite];
                        // The client must also list an ECDSA certificate's curve
                        // (RFC 8422 §5.1); the server's only group is the one under test.
                        cc.common.groups = vec![group];
                        let cert_group = match key_type {
                            KeyType::Ecdsa(tlskit_crypto::Curve::P256) => {
                                Some(NamedGroup::Secp256r1)
                            }
                            KeyType::Ecdsa(tlskit_crypto::Curve::P384) => {
                                Some(NamedGroup::Secp384r1)
                            }
                            _ => None,
                        };
                        if let Some(g) = cert_group.filter(|g| *g != group) {
                            cc.common.groups.push(g);
                        }
                        cc.common.versions = vec![ProtocolVersion::Tls12];
                        let mut sc = server_config(server_p, id);
                        sc.common.groups = vec![group];
                        let mut client = ClientConnection::new(Arc::new(cc), "localhost").unwrap();
                        let mut server = ServerConnection::new(Arc::new(sc)).unwrap();
                        let what = format!(
                            "{} -> {} {kind:?} {} {}",
                            client_p.name(),
                            server_p.name(),
                            suite.name,
                            group.name()
                        );
                        drive(&mut client, &mut server).unwrap_or_else(|e| panic!("{what}: {e}"));
                        assert!(
                            !client.is_handshaking() && !server.is_handshaking(),
                            "{what}"
                        );
                        assert_eq!(client.negotiated().suite, Some(*suite));
                        assert_eq!(server.negotiated().group, Some(group));
                        exchange_data(&mut client, &mut server, b"ping over TLS 1.2")
                            .unwrap_or_else(|e| panic!("{what}: {e}"));
                        count += 1;
                    }
                }
            }
        }
    }
    assert!(count >= 9 * 3 * 3, "only {count} handshakes ran");
    println!("{count} TLS 1.2 handshakes completed");
}

#[test]
fn tls12_client_auth_and_resumption_all_backend_pairs() {
    let pki = Pki::new();
    let server_id = pki.server(KeyKind::EcdsaP256);
    let client_id = pki.client(KeyKind::EcdsaP256);
    for server_p in tlskit_providers::all() {
        for client_p in tlskit_providers::all() {
            let what = format!("{} -> {}", client_p.name(), server_p.name());
            // Mandatory client auth.
            let mut sc = server_config(server_p, &server_id);
            require_client_auth(&mut sc, server_p, &pki, true);
            let sc = Arc::new(sc);
            let mut cc = cc12(client_p, &pki);
            cc.client_cert = Some(certified(client_p, &client_id));
            let cc = Arc::new(cc);
            let mut client = ClientConnection::new(cc.clone(), "localhost").unwrap();
            let mut server = ServerConnection::new(sc.clone()).unwrap();
            drive(&mut client, &mut server).unwrap_or_else(|e| panic!("{what} client auth: {e}"));
            assert_eq!(server.negotiated().peer_certificates.len(), 2, "{what}");
            exchange_data(&mut client, &mut server, b"authenticated").unwrap();

            // Resumption by ticket (the client stored the ticket from the first handshake).
            let mut client = ClientConnection::new(cc.clone(), "localhost").unwrap();
            let mut server = ServerConnection::new(sc.clone()).unwrap();
            drive(&mut client, &mut server)
                .unwrap_or_else(|e| panic!("{what} ticket resumption: {e}"));
            assert!(
                client.negotiated().resumed && server.negotiated().resumed,
                "{what}: ticket resumption"
            );
            exchange_data(&mut client, &mut server, b"resumed by ticket").unwrap();

            // Resumption by session id: a server without tickets.
            let mut sc2 = server_config(server_p, &server_id);
            sc2.ticketer = None;
            let sc2 = Arc::new(sc2);
            let cc2 = Arc::new(cc12(client_p, &pki));
            let mut client = ClientConnection::new(cc2.clone(), "localhost").unwrap();
            let mut server = ServerConnection::new(sc2.clone()).unwrap();
            drive(&mut client, &mut server).unwrap();
            assert!(!client.negotiated().resumed);
            let mut client = ClientConnection::new(cc2.clone(), "localhost").unwrap();
            let mut server = ServerConnection::new(sc2.clone()).unwrap();
            drive(&mut client, &mut server).unwrap_or_else(|e| panic!("{what} id resumption: {e}"));
            assert!(
                client.negotiated().resumed && server.negotiated().resumed,
                "{what}: id resumption"
            );
            exchange_data(&mut client, &mut server, b"resumed by id").unwrap();
        }
    }
}

#[test]
fn tls12_missing_client_cert_is_rejected_or_allowed_by_policy() {
    let pki = Pki::new();
    let p = tlskit_providers::default_provider().unwrap();
    let id = pki.server(KeyKind::EcdsaP256);
    for mandatory in [true, false] {
        let mut sc = server_config(p, &id);
        require_client_auth(&mut sc, p, &pki, mandatory);
        let mut client = ClientConnection::new(Arc::new(cc12(p, &pki)), "localhost").unwrap();
        let mut server = ServerConnection::new(Arc::new(sc)).unwrap();
        let result = drive(&mut client, &mut server);
        if mandatory {
            let err = result.unwrap_err();
            assert!(err.contains("handshake_failure"), "{err}");
        } else {
            result.unwrap();
            assert!(server.negotiated().peer_certificates.is_empty());
        }
    }
}

#[test]
fn tls12_wrong_name_and_unknown_ca_fail_with_alerts() {
    let pki = Pki::new();
    let other = Pki::new();
    let p = tlskit_providers::default_provider().unwrap();
    let sc = Arc::new(server_config(p, &pki.server(KeyKind::EcdsaP256)));
    // Wrong host name.
    let mut client = ClientConnection::new(Arc::new(cc12(p, &pki)), "wrong.example").unwrap();
    let mut server = ServerConnection::new(sc.clone()).unwrap();
    let err = drive(&mut client, &mut server).unwrap_err();
    assert!(
        err.starts_with("client:") || err.starts_with("server:"),
        "{err}"
    );
    assert!(
        err.contains("bad_certificate") || err.contains("certificate"),
        "{err}"
    );
    assert!(
        matches!(
            deliver_pending(&mut client, &mut server),
            Err(Error::PeerAlert(_))
        ),
        "server saw the client's alert"
    );
    // Untrusted root.
    let mut client = ClientConnection::new(Arc::new(cc12(p, &other)), "localhost").unwrap();
    let mut server = ServerConnection::new(sc).unwrap();
    let err = drive(&mut client, &mut server).unwrap_err();
    assert!(err.contains("unknown_ca"), "{err}");
    assert!(matches!(
        deliver_pending(&mut client, &mut server),
        Err(Error::PeerAlert(_))
    ));
}

#[test]
fn tls12_no_shared_suite_is_handshake_failure() {
    let pki = Pki::new();
    let p = tlskit_providers::default_provider().unwrap();
    let mut cc = cc12(p, &pki);
    cc.common.cipher_suites = vec![suites::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256];
    let sc = server_config(p, &pki.server(KeyKind::EcdsaP256));
    let mut client = ClientConnection::new(Arc::new(cc), "localhost").unwrap();
    let mut server = ServerConnection::new(Arc::new(sc)).unwrap();
    let err = drive(&mut client, &mut server).unwrap_err();
    assert!(err.contains("handshake_failure"), "{err}");
}

#[test]
fn garbage_truncated_and_out_of_order_input_end_cleanly() {
    let pki = Pki::new();
    let p = tlskit_providers::default_provider().unwrap();
    let sc = Arc::new(server_config(p, &pki.server(KeyKind::EcdsaP256)));
    // Garbage record type.
    let mut server = ServerConnection::new(sc.clone()).unwrap();
    server.read_tls(&mut &[0x99u8, 3, 3, 0, 1, 0][..]).unwrap();
    assert!(server.process_new_packets().is_err());
    // Out of order: a Finished first.
    let mut server = ServerConnection::new(sc.clone()).unwrap();
    server
        .read_tls(&mut &[22u8, 3, 3, 0, 5, 20, 0, 0, 1, 0][..])
        .unwrap();
    let err = server.process_new_packets().unwrap_err();
    assert!(err.to_string().contains("unexpected_message"), "{err}");
    // Every truncation of a real ClientHello, then EOF: no panic, clean error.
    let mut client = ClientConnection::new(Arc::new(cc12(p, &pki)), "localhost").unwrap();
    let mut hello = Vec::new();
    client.write_tls(&mut hello).unwrap();
    for cut in 1..hello.len() {
        let mut server = ServerConnection::new(sc.clone()).unwrap();
        server.read_tls(&mut &hello[..cut]).unwrap();
        server.process_new_packets().unwrap();
        assert_eq!(server.read_tls(&mut &[][..]).unwrap(), 0);
        assert!(server.process_new_packets().is_err());
    }
    // Every single-byte corruption of the ClientHello: never a panic.
    for i in 0..hello.len() {
        let mut bad = hello.clone();
        bad[i] ^= 0x55;
        let mut server = ServerConnection::new(sc.clone()).unwrap();
        server.read_tls(&mut &bad[..]).unwrap();
        let _ = server.process_new_packets();
    }
}

#[test]
fn tls12_ecdsa_certificate_curve_must_be_in_the_clients_groups() {
    // RFC 8422 §5.1: a client offering only X25519 cannot verify a P-256 certificate's
    // curve agreement; the server refuses instead of sending what the client rejects.
    let pki = Pki::new();
    let p = tlskit_providers::default_provider().unwrap();
    let mut cc = cc12(p, &pki);
    cc.common.groups = vec![NamedGroup::X25519];
    let sc = server_config(p, &pki.server(KeyKind::EcdsaP256));
    let mut client = ClientConnection::new(Arc::new(cc), "localhost").unwrap();
    let mut server = ServerConnection::new(Arc::new(sc)).unwrap();
    let err = drive(&mut client, &mut server).unwrap_err();
    assert!(err.contains("handshake_failure"), "{err}");
}
