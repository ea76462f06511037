//! The application data path through the connection API, edge cases of the receive side:
//! records are opened in place in the receive buffer and `reader()` is served from there,
//! so partial reads, several records per `read_tls`, records split across `read_tls` calls,
//! plaintext held while more records arrive (buffer compaction and growth), close_notify
//! after data, transport EOF and TLS 1.3 KeyUpdate between held records must all keep the
//! byte stream intact. Every TLS 1.2 and TLS 1.3 AEAD (explicit-nonce AES-GCM, XOR-nonce
//! ChaCha20-Poly1305, TLS 1.3) on every backend.

mod common;

use common::*;
use std::io::{self, Read, Write};
use std::sync::Arc;
use tlskit_crypto::CryptoProvider;
use tlskit_handshake::suites::{self, CipherSuite, ProtocolVersion};
use tlskit_handshake::{ClientConnection, ServerConnection};

const SUITES: [(ProtocolVersion, CipherSuite); 4] = [
    (
        ProtocolVersion::Tls12,
        suites::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    ),
    (
        ProtocolVersion::Tls12,
        suites::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ),
    (ProtocolVersion::Tls13, suites::TLS13_AES_256_GCM_SHA384),
    (
        ProtocolVersion::Tls13,
        suites::TLS13_CHACHA20_POLY1305_SHA256,
    ),
];

fn connected(
    pki: &Pki,
    id: &Identity,
    provider: &'static dyn CryptoProvider,
    version: ProtocolVersion,
    suite: CipherSuite,
) -> (ClientConnection, ServerConnection) {
    let mut cc = client_config(provider, pki);
    cc.common.only_version(version);
    cc.common.cipher_suites = vec![suite];
    let sc = server_config(provider, id);
    let mut client = ClientConnection::new(Arc::new(cc), "localhost").unwrap();
    let mut server = ServerConnection::new(Arc::new(sc)).unwrap();
    drive(&mut client, &mut server).unwrap();
    assert!(!client.is_handshaking() && !server.is_handshaking());
    assert_eq!(client.negotiated().suite, Some(suite));
    (client, server)
}

/// Everything the client has to send.
fn client_output(client: &mut ClientConnection) -> Vec<u8> {
    let mut wire = Vec::new();
    while client.wants_write() {
        client.write_tls(&mut wire).unwrap();
    }
    wire
}

/// Hands `wire` to the server `chunk` bytes per `read_tls` (fewer if its buffer offers
/// less), processing after each, without reading any plaintext.
fn feed(server: &mut ServerConnection, wire: &[u8], chunk: usize) {
    let mut rest = wire;
    while !rest.is_empty() {
        let take = chunk.min(rest.len());
        let mut piece = &rest[..take];
        let n = server.read_tls(&mut piece).unwrap();
        assert!(n > 0, "the server took no bytes");
        rest = &rest[n..];
        server.process_new_packets().unwrap();
    }
}

/// Reads exactly `len` bytes in pieces of the given sizes (cycled).
fn read_in_pieces(server: &mut ServerConnection, len: usize, pieces: &[usize]) -> Vec<u8> {
    let mut got = Vec::with_capacity(len);
    let mut buf = vec![0u8; pieces.iter().copied().max().unwrap_or(1)];
    for &size in pieces.iter().cycle() {
        if got.len() == len {
            break;
        }
        let want = size.min(len - got.len());
        let n = server.reader().read(&mut buf[..want]).unwrap();
        assert!(n > 0);
        got.extend_from_slice(&buf[..n]);
    }
    got
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

fn for_each_connection(mut check: impl FnMut(&str, ClientConnection, ServerConnection)) {
    let pki = Pki::new();
    let id = pki.server(KeyKind::EcdsaP256);
    for provider in tlskit_providers::all() {
        for (version, suite) in SUITES {
            let (client, server) = connected(&pki, &id, provider, version, suite);
            check(
                &format!("{} {}", provider.name(), suite.name),
                client,
                server,
            );
        }
    }
}

#[test]
fn held_records_survive_compaction_and_read_back_in_pieces() {
    for_each_connection(|what, mut client, mut server| {
        // Many records of assorted sizes, all received before any is read: the receive
        // buffer holds their plaintext while it takes more bytes.
        let mut sent = Vec::new();
        for (i, len) in [1usize, 16_384, 16_385, 5, 100_000, 0, 3, 40_000]
            .into_iter()
            .enumerate()
        {
            let data = pattern(len, i as u8);
            client.writer().write_all(&data).unwrap();
            sent.extend_from_slice(&data);
        }
        let wire = client_output(&mut client);
        feed(&mut server, &wire, usize::MAX);
        assert!(!server.wants_read(), "{what}: plaintext is pending");
        let got = read_in_pieces(&mut server, sent.len(), &[1, 7, 16_384, 16_385, 3, 50_000]);
        assert!(got == sent, "{what}: stream differs");
        assert!(server.wants_read());
        let mut empty = [0u8; 8];
        assert_eq!(
            server.reader().read(&mut empty).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
    });
}

#[test]
fn records_split_across_reads_with_reads_in_between() {
    for_each_connection(|what, mut client, mut server| {
        let sent = pattern(70_000, 9);
        for chunk in [1usize, 3, 1000, 16_389, 20_000] {
            client.writer().write_all(&sent).unwrap();
            let wire = client_output(&mut client);
            let mut got = Vec::new();
            let mut rest = &wire[..];
            let mut buf = [0u8; 777];
            while !rest.is_empty() {
                let take = chunk.min(rest.len());
                let mut piece = &rest[..take];
                let n = server.read_tls(&mut piece).unwrap();
                rest = &rest[n..];
                server.process_new_packets().unwrap();
                // Read a little now and then, leaving part of a record held.
                if let Ok(n) = server.reader().read(&mut buf) {
                    got.extend_from_slice(&buf[..n]);
                }
            }
            loop {
                match server.reader().read(&mut buf) {
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) => panic!("{what}: {e}"),
                }
            }
            assert!(got == sent, "{what}, chunk {chunk}: stream differs");
        }
    });
}

#[test]
fn close_notify_after_data_is_seen_after_the_data() {
    for_each_connection(|what, mut client, mut server| {
        let sent = pattern(33_000, 1);
        client.writer().write_all(&sent).unwrap();
        client.send_close_notify();
        let wire = client_output(&mut client);
        feed(&mut server, &wire, usize::MAX);
        assert!(server.peer_has_closed(), "{what}");
        let got = read_in_pieces(&mut server, sent.len(), &[10_000, 13]);
        assert!(got == sent, "{what}: stream differs");
        assert_eq!(server.reader().read(&mut [0u8; 16]).unwrap(), 0, "{what}");
        assert!(!server.wants_read());
    });
}

#[test]
fn transport_eof_without_close_notify_is_reported_after_the_data() {
    for_each_connection(|what, mut client, mut server| {
        let sent = pattern(20_000, 2);
        client.writer().write_all(&sent).unwrap();
        let wire = client_output(&mut client);
        feed(&mut server, &wire, 4096);
        assert_eq!(server.read_tls(&mut &[][..]).unwrap(), 0);
        server.process_new_packets().unwrap();
        let got = read_in_pieces(&mut server, sent.len(), &[20_000]);
        assert!(got == sent, "{what}: stream differs");
        assert_eq!(
            server.reader().read(&mut [0u8; 16]).unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof,
            "{what}"
        );
    });
}

#[test]
fn tls13_key_update_between_held_records() {
    let pki = Pki::new();
    let id = pki.server(KeyKind::EcdsaP256);
    for provider in tlskit_providers::all() {
        let (mut client, mut server) = connected(
            &pki,
            &id,
            provider,
            ProtocolVersion::Tls13,
            suites::TLS13_AES_128_GCM_SHA256,
        );
        let mut sent = Vec::new();
        for generation in 0..3u8 {
            let data = pattern(20_000 + usize::from(generation), generation);
            client.writer().write_all(&data).unwrap();
            sent.extend_from_slice(&data);
            // KeyUpdate(update_requested) then records under the next key, all delivered
            // before the server reads anything.
            client.refresh_traffic_keys().unwrap();
        }
        client.writer().write_all(b"tail").unwrap();
        sent.extend_from_slice(b"tail");
        let wire = client_output(&mut client);
        feed(&mut server, &wire, 5000);
        let got = read_in_pieces(&mut server, sent.len(), &[999]);
        assert!(got == sent, "{}: stream differs", provider.name());
        // The server's answering KeyUpdates reach the client; data flows both ways after.
        drive(&mut client, &mut server).unwrap();
        exchange_data(&mut client, &mut server, &pattern(17_000, 7)).unwrap();
    }
}

#[test]
fn a_tampered_record_after_held_data_fails_with_bad_record_mac() {
    let pki = Pki::new();
    let id = pki.server(KeyKind::EcdsaP256);
    let provider = tlskit_providers::default_provider().unwrap();
    for (version, suite) in SUITES {
        let (mut client, mut server) = connected(&pki, &id, provider, version, suite);
        client.writer().write_all(b"first").unwrap();
        let first = client_output(&mut client);
        client.writer().write_all(b"second").unwrap();
        let mut second = client_output(&mut client);
        let last = second.len() - 1;
        second[last] ^= 1;
        feed(&mut server, &first, usize::MAX);
        server.read_tls(&mut &second[..]).unwrap();
        let err = server.process_new_packets().unwrap_err();
        assert!(
            err.to_string().to_lowercase().contains("bad_record_mac")
                || err.to_string().to_lowercase().contains("bad record mac"),
            "{}: {err}",
            suite.name
        );
    }
}
