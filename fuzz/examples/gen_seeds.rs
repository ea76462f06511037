//! Writes seed corpora of complete tlskit flights for `server_connection` and
//! `client_connection` into `corpus/<target>/`: an in-memory handshake per option set with
//! the targets' own deterministic provider and PKI, recording everything one side wrote
//! (handshake, application data, close_notify). Replayed into the target, such a stream
//! drives the handshake to completion, so the fuzzer starts from deep states.
//!
//! Run from fuzz/: `cargo run --release --example gen_seeds` (`seed_corpus.py` calls it).

use std::io::{Read, Write};
use std::sync::Arc;
use tlskit_handshake::{ClientConnection, ProtocolVersion, ServerConnection};

#[path = "../fuzz_targets/common_conn.rs"]
mod common_conn;
#[path = "../fuzz_targets/common_pki.rs"]
mod common_pki;

use common_pki::Options;

/// Both streams of one handshake plus one exchange of application data.
fn record_handshake(
    client_opts: Options,
    server_opts: Options,
    server_tls12: bool,
) -> (Vec<u8>, Vec<u8>) {
    common_pki::reseed(0);
    let mut sc = common_pki::server_config(server_opts);
    if server_tls12 {
        sc.common.only_version(ProtocolVersion::Tls12);
    }
    let cc = common_pki::client_config(client_opts);
    let mut client = ClientConnection::new(Arc::new(cc), "localhost").expect("client");
    let server_config = Arc::new(sc);
    let mut server = ServerConnection::new(server_config).expect("server");
    let (mut from_client, mut from_server) = (Vec::new(), Vec::new());
    let mut sent_data = false;
    for _ in 0..32 {
        let (c0, s0) = (from_client.len(), from_server.len());
        while client.wants_write() {
            client.write_tls(&mut from_client).expect("client write");
        }
        let mut rd = &from_client[c0..];
        while !rd.is_empty() {
            server.read_tls(&mut rd).expect("server read");
            server.process_new_packets().expect("server process");
        }
        while server.wants_write() {
            server.write_tls(&mut from_server).expect("server write");
        }
        let mut rd = &from_server[s0..];
        while !rd.is_empty() {
            client.read_tls(&mut rd).expect("client read");
            client.process_new_packets().expect("client process");
        }
        let mut buf = [0u8; 256];
        while client.reader().read(&mut buf).is_ok_and(|n| n > 0) {}
        while server.reader().read(&mut buf).is_ok_and(|n| n > 0) {}
        if !client.is_handshaking() && !server.is_handshaking() && !sent_data {
            sent_data = true;
            client
                .writer()
                .write_all(b"GET / HTTP/1.1\r\n\r\n")
                .expect("client data");
            server
                .writer()
                .write_all(b"HTTP/1.1 200 OK\r\n\r\n")
                .expect("server data");
            client.send_close_notify();
            server.send_close_notify();
        }
        if sent_data
            && !client.wants_write()
            && !server.wants_write()
            && from_client.len() == c0
            && from_server.len() == s0
        {
            break;
        }
    }
    assert!(
        sent_data,
        "handshake did not complete for {client_opts:?} / {server_opts:?}"
    );
    (from_client, from_server)
}

/// Replays `stream` into a fresh connection set up as the target does and checks that the
/// handshake completes and the application data arrives: the seed really reaches deep.
fn check_replay<C: common_conn::Conn>(mut conn: C, stream: &[u8], what: &str) {
    let mut out = Vec::new();
    common_conn::drain(&mut conn, &mut out);
    let mut rd = stream;
    let mut received = Vec::new();
    while !rd.is_empty() {
        conn.read_tls(&mut rd).expect("read");
        if let Err(e) = conn.process_new_packets() {
            panic!("{what}: replay failed: {e}");
        }
        common_conn::drain(&mut conn, &mut out);
        let mut buf = [0u8; 256];
        while let Ok(n) = conn.read_plaintext(&mut buf) {
            if n == 0 {
                break;
            }
            received.extend_from_slice(&buf[..n]);
        }
    }
    assert!(
        !conn.is_handshaking(),
        "{what}: replay did not complete the handshake"
    );
    assert!(
        received.starts_with(b"GET") || received.starts_with(b"HTTP"),
        "{what}: no data on replay"
    );
}

fn put(target: &str, name: &str, first: u8, stream: &[u8]) {
    let dir = format!("corpus/{target}");
    std::fs::create_dir_all(&dir).expect("corpus dir");
    let mut data = vec![first];
    data.extend_from_slice(stream);
    std::fs::write(format!("{dir}/{name}"), data).expect("write seed");
}

fn main() {
    let mut n = 0;
    // server_connection: byte 0 = chunk (bits 0-4) | hrr << 5 | client_auth << 6 | alpn << 7.
    for bits in 0u8..16 {
        let (tls12, hrr, auth, alpn) = (bits & 1 != 0, bits & 2 != 0, bits & 4 != 0, bits & 8 != 0);
        if tls12 && hrr {
            continue;
        }
        let client = Options {
            tls12,
            client_auth: auth,
            alpn,
            ..Default::default()
        };
        let server = Options {
            hrr,
            client_auth: auth,
            alpn,
            ..Default::default()
        };
        let (from_client, _) = record_handshake(client, server, false);
        let chunk = [31u8, 4, 0][usize::from(bits) % 3];
        let first = chunk | u8::from(hrr) << 5 | u8::from(auth) << 6 | u8::from(alpn) << 7;
        common_pki::reseed(0);
        let replay =
            ServerConnection::new(Arc::new(common_pki::server_config(server))).expect("server");
        check_replay(replay, &from_client, &format!("server_connection {bits}"));
        put(
            "server_connection",
            &format!("tlskit-flight-{bits:02}"),
            first,
            &from_client,
        );
        n += 1;
    }
    // client_connection: byte 0 = chunk (bits 0-5) | alpn << 6 | has_cert << 7; the
    // server side varies version, HelloRetryRequest and whether it asks for a certificate.
    for bits in 0u8..32 {
        let (tls12, hrr, ask, alpn, has_cert) = (
            bits & 1 != 0,
            bits & 2 != 0,
            bits & 4 != 0,
            bits & 8 != 0,
            bits & 16 != 0,
        );
        if tls12 && hrr {
            continue;
        }
        let client = Options {
            client_auth: has_cert,
            alpn,
            ..Default::default()
        };
        let server = Options {
            hrr,
            client_auth: ask,
            alpn,
            ..Default::default()
        };
        let (_, from_server) = record_handshake(client, server, tls12);
        let chunk = [63u8, 7, 0][usize::from(bits) % 3];
        let first = chunk | u8::from(alpn) << 6 | u8::from(has_cert) << 7;
        common_pki::reseed(0);
        let replay =
            ClientConnection::new(Arc::new(common_pki::client_config(client)), "localhost")
                .expect("client");
        check_replay(replay, &from_server, &format!("client_connection {bits}"));
        put(
            "client_connection",
            &format!("tlskit-flight-{bits:02}"),
            first,
            &from_server,
        );
        n += 1;
    }
    println!("wrote {n} seeds");
}
