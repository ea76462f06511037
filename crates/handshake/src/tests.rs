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
