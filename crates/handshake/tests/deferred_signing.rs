//! The server's handshake signature can be made elsewhere: the handshake pauses with a
//! `SignatureRequest`, another thread signs, `supply_signature` resumes it.

mod common;

use common::*;
use std::sync::Arc;
use tlskit_handshake::suites::ProtocolVersion;
use tlskit_handshake::{ClientConnection, ServerConnection};

#[test]
fn deferred_signature_pauses_and_resumes_tls12_and_tls13() {
    let pki = Pki::new();
    for p in tlskit_providers::all() {
        for version in [ProtocolVersion::Tls12, ProtocolVersion::Tls13] {
            let mut sc = server_config(p, &pki.server(KeyKind::EcdsaP256));
            sc.defer_signatures = true;
            let mut cc = client_config(p, &pki);
            cc.common.only_version(version);
            let mut client = ClientConnection::new(Arc::new(cc), "localhost").unwrap();
            let mut server = ServerConnection::new(Arc::new(sc)).unwrap();
            // The first exchange stops at the signature: nothing more to send.
            drive(&mut client, &mut server).unwrap();
            assert!(server.is_handshaking() && client.is_handshaking());
            let request = server
                .signature_request()
                .expect("paused for a signature")
                .clone();
            // Sign on another thread (an HSM or a remote signer in real life).
            let signature = std::thread::spawn(move || request.sign())
                .join()
                .unwrap()
                .unwrap();
            server.supply_signature(signature).unwrap();
            assert!(server.signature_request().is_none());
            drive(&mut client, &mut server)
                .unwrap_or_else(|e| panic!("{} {version:?}: {e}", p.name()));
            assert_eq!(client.negotiated().version, Some(version));
            exchange_data(&mut client, &mut server, b"signed elsewhere").unwrap();
        }
    }
}

#[test]
fn a_wrong_deferred_signature_is_caught_by_the_client() {
    let pki = Pki::new();
    let p = tlskit_providers::default_provider().unwrap();
    for version in [ProtocolVersion::Tls12, ProtocolVersion::Tls13] {
        let mut sc = server_config(p, &pki.server(KeyKind::EcdsaP256));
        sc.defer_signatures = true;
        let mut cc = client_config(p, &pki);
        cc.common.only_version(version);
        let mut client = ClientConnection::new(Arc::new(cc), "localhost").unwrap();
        let mut server = ServerConnection::new(Arc::new(sc)).unwrap();
        drive(&mut client, &mut server).unwrap();
        let mut request = server.signature_request().unwrap().clone();
        request.message.push(0); // sign something else
        server.supply_signature(request.sign().unwrap()).unwrap();
        let err = drive(&mut client, &mut server).unwrap_err();
        assert!(err.contains("decrypt_error"), "{version:?}: {err}");
    }
}
