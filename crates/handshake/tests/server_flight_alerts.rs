//! The TLS 1.2 server meets a broken second client flight (ClientKeyExchange,
//! ChangeCipherSpec, Finished): a real tlskit client's flight is edited in transit and the
//! server must answer with the alert the RFCs name, then stay failed and silent.

mod common;

use common::{client_config, server_config, KeyKind, Pki};
use std::sync::Arc;
use tlskit_crypto::NamedGroup;
use tlskit_handshake::suites::ProtocolVersion;
use tlskit_handshake::{ClientConnection, ServerConnection};

const HANDSHAKE: u8 = 22;
const CCS: u8 = 20;
const CLIENT_KEY_EXCHANGE: u8 = 16;

fn pair(group: NamedGroup) -> (ClientConnection, ServerConnection) {
    let p = tlskit_providers::by_name("ring").expect("ring");
    let pki = Pki::new();
    let mut cc = client_config(p, &pki);
    cc.common.only_version(ProtocolVersion::Tls12);
    cc.common.groups = vec![group, NamedGroup::Secp256r1];
    let mut sc = server_config(p, &pki.server(KeyKind::EcdsaP256));
    sc.common.groups = vec![group, NamedGroup::Secp256r1];
    (
        ClientConnection::new(Arc::new(cc), "localhost").expect("client"),
        ServerConnection::new(Arc::new(sc)).expect("server"),
    )
}

fn out(conn: &mut dyn FnMut(&mut Vec<u8>) -> bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    while conn(&mut bytes) {}
    bytes
}

/// The records of a flight: (content type, whole record bytes).
fn records(flight: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 5 <= flight.len() {
        let len = usize::from(u16::from_be_bytes([flight[at + 3], flight[at + 4]]));
        out.push((flight[at], flight[at..at + 5 + len].to_vec()));
        at += 5 + len;
    }
    out
}

fn record(content_type: u8, payload: &[u8]) -> Vec<u8> {
    let mut r = vec![content_type, 3, 3];
    r.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    r.extend_from_slice(payload);
    r
}

/// Runs the handshake up to the client's second flight, lets `edit` rewrite that flight's
/// records, delivers them to the server, and returns the alert the server sent (if it
/// failed) after checking it stays failed and silent.
fn server_answer(group: NamedGroup, edit: impl FnOnce(&mut Vec<(u8, Vec<u8>)>)) -> Option<u8> {
    let (mut client, mut server) = pair(group);
    let hello = out(&mut |b| client.wants_write() && client.write_tls(b).is_ok());
    server.read_tls(&mut &hello[..]).expect("read");
    server.process_new_packets().expect("ClientHello");
    let flight = out(&mut |b| server.wants_write() && server.write_tls(b).is_ok());
    let mut rd = &flight[..];
    while !rd.is_empty() {
        client.read_tls(&mut rd).expect("read");
        client.process_new_packets().expect("server flight");
    }
    let second = out(&mut |b| client.wants_write() && client.write_tls(b).is_ok());
    let mut recs = records(&second);
    assert_eq!(
        recs.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        vec![HANDSHAKE, CCS, HANDSHAKE],
        "ClientKeyExchange, ChangeCipherSpec, encrypted Finished"
    );
    edit(&mut recs);
    let bytes: Vec<u8> = recs.into_iter().flat_map(|(_, r)| r).collect();
    let mut rd = &bytes[..];
    let mut failed = false;
    while !rd.is_empty() && !failed {
        if server.read_tls(&mut rd).is_err() {
            break;
        }
        failed = server.process_new_packets().is_err();
    }
    let reply = out(&mut |b| server.wants_write() && server.write_tls(b).is_ok());
    if !failed {
        return None;
    }
    // One fatal alert, in the clear (the server has not switched its write keys yet).
    assert_eq!(reply.len(), 7, "{reply:02x?}");
    assert_eq!((reply[0], reply[5]), (21, 2), "{reply:02x?}");
    assert!(server.process_new_packets().is_err(), "stays failed");
    assert!(!server.wants_write(), "says nothing more");
    Some(reply[6])
}

/// Replaces the ECDH public value in a ClientKeyExchange record (RFC 8422 §5.7:
/// `opaque point <1..2^8-1>`), fixing up the lengths.
fn with_public_value(cke_record: &[u8], public: &[u8]) -> Vec<u8> {
    assert_eq!(cke_record[5], CLIENT_KEY_EXCHANGE);
    let mut body = vec![public.len() as u8];
    body.extend_from_slice(public);
    let mut msg = vec![CLIENT_KEY_EXCHANGE];
    msg.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    msg.extend_from_slice(&body);
    record(HANDSHAKE, &msg)
}

const ILLEGAL_PARAMETER: u8 = 47;
const DECODE_ERROR: u8 = 50;
const UNEXPECTED_MESSAGE: u8 = 10;
const BAD_RECORD_MAC: u8 = 20;

#[test]
fn the_untouched_flight_completes() {
    assert_eq!(server_answer(NamedGroup::X25519, |_| {}), None);
    assert_eq!(server_answer(NamedGroup::Secp256r1, |_| {}), None);
}

#[test]
fn bad_client_public_values() {
    // RFC 7748 §6.1 / RFC 8422 §5.11: a low-order X25519 point gives an all-zero secret.
    let answer = server_answer(NamedGroup::X25519, |r| {
        r[0].1 = with_public_value(&r[0].1, &[0u8; 32]);
    });
    assert_eq!(answer, Some(ILLEGAL_PARAMETER));
    // A 31-byte X25519 value.
    let answer = server_answer(NamedGroup::X25519, |r| {
        r[0].1 = with_public_value(&r[0].1, &[9u8; 31]);
    });
    assert!(
        matches!(answer, Some(ILLEGAL_PARAMETER | DECODE_ERROR)),
        "{answer:?}"
    );
    // RFC 8422 §5.4.1: a P-256 point not on the curve; a compressed one (not offered).
    let mut off_curve = vec![4u8];
    off_curve.extend_from_slice(&[1u8; 64]);
    let answer = server_answer(NamedGroup::Secp256r1, |r| {
        r[0].1 = with_public_value(&r[0].1, &off_curve);
    });
    assert_eq!(answer, Some(ILLEGAL_PARAMETER));
    let mut compressed = vec![2u8];
    compressed.extend_from_slice(&[1u8; 32]);
    let answer = server_answer(NamedGroup::Secp256r1, |r| {
        r[0].1 = with_public_value(&r[0].1, &compressed);
    });
    assert!(
        matches!(answer, Some(ILLEGAL_PARAMETER | DECODE_ERROR)),
        "{answer:?}"
    );
    // An empty public value does not decode (`<1..2^8-1>`).
    let answer = server_answer(NamedGroup::X25519, |r| {
        r[0].1 = with_public_value(&r[0].1, &[]);
    });
    assert_eq!(answer, Some(DECODE_ERROR));
}

#[test]
fn messages_out_of_order() {
    // ChangeCipherSpec before ClientKeyExchange (RFC 5246 §7.3 message order).
    let answer = server_answer(NamedGroup::X25519, |r| r.swap(0, 1));
    assert_eq!(answer, Some(UNEXPECTED_MESSAGE));
    // No ClientKeyExchange at all.
    let answer = server_answer(NamedGroup::X25519, |r| {
        r.remove(0);
    });
    assert_eq!(answer, Some(UNEXPECTED_MESSAGE));
    // The ClientKeyExchange twice.
    let answer = server_answer(NamedGroup::X25519, |r| {
        let cke = r[0].clone();
        r.insert(1, cke);
    });
    assert_eq!(answer, Some(UNEXPECTED_MESSAGE));
    // A Certificate nobody asked for (no CertificateRequest was sent).
    let answer = server_answer(NamedGroup::X25519, |r| {
        r.insert(0, (HANDSHAKE, record(HANDSHAKE, &[11, 0, 0, 3, 0, 0, 0])));
    });
    assert_eq!(answer, Some(UNEXPECTED_MESSAGE));
    // A second ChangeCipherSpec.
    let answer = server_answer(NamedGroup::X25519, |r| {
        let ccs = r[1].clone();
        r.insert(2, ccs);
    });
    assert_eq!(answer, Some(UNEXPECTED_MESSAGE));
}

#[test]
fn a_corrupted_finished_record_is_bad_record_mac() {
    let answer = server_answer(NamedGroup::X25519, |r| {
        let last = r[2].1.len() - 1;
        r[2].1[last] ^= 0x01;
    });
    // The server reads it under the new keys; its alert goes out in the clear because its
    // own write keys change only with its ChangeCipherSpec.
    assert_eq!(answer, Some(BAD_RECORD_MAC));
}
