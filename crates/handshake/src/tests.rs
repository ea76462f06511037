//! Tests that need the connection's internals: renegotiation attempts are refused with a
//! `no_renegotiation` warning and the connection survives (RFC 5746 §4).

#[path = "../tests/common/mod.rs"]
mod common;

use crate::suites::ProtocolVersion;
use crate::{ClientConnection, ServerConnection};
use common::*;
use std::sync::Arc;
use tlskit_wire::{HandshakeMessage, TlsVersion};

#[test]
fn tls12_renegotiation_attempts_are_refused_and_the_connection_survives() {
    let pki = Pki::new();
    let p = tlskit_providers::default_provider().expect("provider");
    let mut cc = client_config(p, &pki);
    cc.common.only_version(ProtocolVersion::Tls12);
    let cc = Arc::new(cc);
    let sc = Arc::new(server_config(p, &pki.server(KeyKind::EcdsaP256)));
    let mut client = ClientConnection::new(cc.clone(), "localhost").expect("client");
    let mut server = ServerConnection::new(sc).expect("server");
    drive(&mut client, &mut server).expect("handshake");

    // Client-initiated: a fresh ClientHello inside the encrypted connection.
    let mut other = ClientConnection::new(cc, "localhost").expect("client");
    let mut hello = Vec::new();
    other.write_tls(&mut hello).expect("hello");
    let body = hello.get(5..).expect("record").to_vec();
    assert!(HandshakeMessage::decode(&body, TlsVersion::Tls12).is_ok());
    client.inner.core.queue_encoded_handshake(&body);
    client.inner.core.flush_flight().expect("flush");
    drive(&mut client, &mut server).expect("refused with a warning, not an error");
    exchange_data(&mut client, &mut server, b"still alive").expect("data after refusal");

    // Server-initiated: HelloRequest.
    server
        .inner
        .core
        .queue_handshake(&HandshakeMessage::HelloRequest)
        .expect("queue");
    server.inner.core.flush_flight().expect("flush");
    drive(&mut client, &mut server).expect("refused with a warning, not an error");
    exchange_data(&mut client, &mut server, b"still alive").expect("data after refusal");
}

/// RFC 8446 §5.5: a TLS 1.3 write key at its usage limit is replaced by KeyUpdate before
/// the next record; the peer follows and the data keeps flowing.
#[test]
fn tls13_worn_write_keys_are_updated() {
    let pki = Pki::new();
    let p = tlskit_providers::default_provider().expect("provider");
    let mut cc = client_config(p, &pki);
    cc.common.only_version(ProtocolVersion::Tls13);
    let sc = Arc::new(server_config(p, &pki.server(KeyKind::EcdsaP256)));
    let mut client = ClientConnection::new(Arc::new(cc), "localhost").expect("client");
    let mut server = ServerConnection::new(sc).expect("server");
    drive(&mut client, &mut server).expect("handshake");
    client.inner.core.record_limit_override = Some(3);
    for i in 0..10u8 {
        exchange_data(&mut client, &mut server, &[i; 100]).expect("data across key updates");
        let used = client
            .inner
            .core
            .write_cipher
            .as_ref()
            .map(|c| c.sequence());
        assert!(
            used.is_some_and(|n| n <= 3),
            "record {i}: key used {used:?} times"
        );
    }
}

/// TLS 1.2 cannot change keys: at the limit the sender closes with close_notify and
/// refuses the write.
#[test]
fn tls12_worn_write_keys_close_the_connection() {
    use std::io::Write;
    let pki = Pki::new();
    let p = tlskit_providers::default_provider().expect("provider");
    let mut cc = client_config(p, &pki);
    cc.common.only_version(ProtocolVersion::Tls12);
    let sc = Arc::new(server_config(p, &pki.server(KeyKind::EcdsaP256)));
    let mut client = ClientConnection::new(Arc::new(cc), "localhost").expect("client");
    let mut server = ServerConnection::new(sc).expect("server");
    drive(&mut client, &mut server).expect("handshake");
    let used = client
        .inner
        .core
        .write_cipher
        .as_ref()
        .map_or(0, |c| c.sequence());
    client.inner.core.record_limit_override = Some(used + 2);
    exchange_data(&mut client, &mut server, b"one").expect("first record");
    exchange_data(&mut client, &mut server, b"two").expect("second record");
    let err = client
        .writer()
        .write_all(b"three")
        .expect_err("key worn out");
    assert!(err.to_string().contains("safe limit"), "{err}");
    drive(&mut client, &mut server).expect("close_notify delivered");
    assert!(server.peer_has_closed());
}

/// A TLS 1.2-only client meets a TLS 1.3-only server: protocol_version (RFC 8446 §4.2.1),
/// and the server's error names the version it does speak (it used to say "TLS 1.2").
#[test]
fn version_mismatch_names_the_server_versions() {
    let pki = Pki::new();
    let p = tlskit_providers::default_provider().expect("provider");
    let mut cc = client_config(p, &pki);
    cc.common.only_version(ProtocolVersion::Tls12);
    let mut sc = server_config(p, &pki.server(KeyKind::EcdsaP256));
    sc.common.only_version(ProtocolVersion::Tls13);
    let mut client = ClientConnection::new(Arc::new(cc), "localhost").expect("client");
    let mut server = ServerConnection::new(Arc::new(sc)).expect("server");
    let mut hello = Vec::new();
    client.write_tls(&mut hello).expect("hello");
    server.read_tls(&mut hello.as_slice()).expect("read");
    let text = server
        .process_new_packets()
        .expect_err("refused")
        .to_string();
    assert!(text.contains("protocol_version"), "{text}");
    assert!(text.contains("this server speaks TLSv1.3"), "{text}");
}
