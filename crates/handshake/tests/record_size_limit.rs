//! record_size_limit (RFC 8449): each side's protected records respect the limit its peer
//! advertised, in TLS 1.2 and 1.3, for handshake and application data alike.

mod common;

use common::{client_config, server_config, KeyKind, Pki};
use std::io::{Read, Write};
use std::sync::Arc;
use tlskit_handshake::suites::ProtocolVersion;
use tlskit_handshake::{ClientConnection, ServerConnection};

const APPLICATION_DATA: u8 = 23;
const CCS: u8 = 20;
const AEAD_TAG: usize = 16;
/// TLS 1.2 AES-GCM's explicit nonce (RFC 5288 §3).
const EXPLICIT_NONCE: usize = 8;

/// Every record that went one way, as (content type, payload length).
#[derive(Default)]
struct Tap(Vec<(u8, usize)>);

impl Tap {
    fn see(&mut self, bytes: &[u8]) {
        let mut at = 0;
        while at + 5 <= bytes.len() {
            let len = usize::from(u16::from_be_bytes([bytes[at + 3], bytes[at + 4]]));
            self.0.push((bytes[at], len));
            at += 5 + len;
        }
    }

    /// The largest payload of a protected record: TLS 1.3 sends everything after the
    /// ServerHello as application_data records; TLS 1.2 protects what follows the CCS.
    fn largest_protected(&self, version: ProtocolVersion) -> usize {
        let mut protected = false;
        let mut largest = 0;
        for &(t, len) in &self.0 {
            match version {
                ProtocolVersion::Tls13 => protected = t == APPLICATION_DATA,
                ProtocolVersion::Tls12 => {
                    if t == CCS {
                        protected = true;
                        continue;
                    }
                }
            }
            if protected {
                largest = largest.max(len);
            }
        }
        largest
    }
}

/// A handshake and `data` each way between a client advertising `client_limit` and a
/// server advertising `server_limit`; returns what each direction carried.
fn run(
    version: ProtocolVersion,
    client_limit: Option<u16>,
    server_limit: Option<u16>,
    data: &[u8],
) -> (Tap, Tap) {
    let p = tlskit_providers::by_name("ring").expect("ring");
    let pki = Pki::new();
    let mut cc = client_config(p, &pki);
    cc.common.only_version(version);
    cc.common.record_size_limit = client_limit;
    let mut sc = server_config(p, &pki.server(KeyKind::EcdsaP256));
    sc.common.record_size_limit = server_limit;
    let mut client = ClientConnection::new(Arc::new(cc), "localhost").expect("client");
    let mut server = ServerConnection::new(Arc::new(sc)).expect("server");
    client.writer().write_all(data).expect("client data");
    server.writer().write_all(data).expect("server data");
    let (mut to_server, mut to_client) = (Tap::default(), Tap::default());
    let (mut got_by_server, mut got_by_client) = (Vec::new(), Vec::new());
    for _ in 0..64 {
        let mut c2s = Vec::new();
        while client.wants_write() {
            client.write_tls(&mut c2s).expect("write");
        }
        to_server.see(&c2s);
        let mut rd = &c2s[..];
        while !rd.is_empty() {
            server.read_tls(&mut rd).expect("read");
            server.process_new_packets().expect("server");
        }
        let mut s2c = Vec::new();
        while server.wants_write() {
            server.write_tls(&mut s2c).expect("write");
        }
        to_client.see(&s2c);
        let mut rd = &s2c[..];
        while !rd.is_empty() {
            client.read_tls(&mut rd).expect("read");
            client.process_new_packets().expect("client");
        }
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n @ 1..) = server.reader().read(&mut buf) {
            got_by_server.extend_from_slice(&buf[..n]);
        }
        while let Ok(n @ 1..) = client.reader().read(&mut buf) {
            got_by_client.extend_from_slice(&buf[..n]);
        }
        if c2s.is_empty() && s2c.is_empty() {
            break;
        }
    }
    assert_eq!(got_by_server, data, "{version:?}: client → server data");
    assert_eq!(got_by_client, data, "{version:?}: server → client data");
    (to_server, to_client)
}

#[test]
fn each_side_respects_the_limit_its_peer_advertised() {
    let data: Vec<u8> = (0..40_000u32).map(|i| i as u8).collect();
    // TLS 1.3: the limit counts the inner content type (RFC 8449 §4).
    let (to_server, to_client) = run(ProtocolVersion::Tls13, Some(256), Some(1000), &data);
    assert!(to_client.largest_protected(ProtocolVersion::Tls13) <= 256 + AEAD_TAG);
    assert!(to_server.largest_protected(ProtocolVersion::Tls13) <= 1000 + AEAD_TAG);
    // (The largest-record checks cover the protected handshake flights as well as the data:
    // the server's EncryptedExtensions..Finished flight alone exceeds 256 bytes.)
    // TLS 1.2: after ChangeCipherSpec, explicit nonce + plaintext + tag.
    let (to_server, to_client) = run(ProtocolVersion::Tls12, Some(256), Some(1000), &data);
    assert!(to_client.largest_protected(ProtocolVersion::Tls12) <= 256 + EXPLICIT_NONCE + AEAD_TAG);
    assert!(
        to_server.largest_protected(ProtocolVersion::Tls12) <= 1000 + EXPLICIT_NONCE + AEAD_TAG
    );
}

#[test]
fn without_the_extension_records_are_full_size() {
    let data = vec![7u8; 40_000];
    for version in [ProtocolVersion::Tls12, ProtocolVersion::Tls13] {
        // The client does not send it: the server neither answers nor limits itself.
        let (_, to_client) = run(version, None, Some(256), &data);
        assert!(to_client.largest_protected(version) > 16_000, "{version:?}");
        // Defaults on both sides: full records.
        let (to_server, to_client) = run(version, Some(16385), Some(16385), &data);
        assert!(to_client.largest_protected(version) > 16_000, "{version:?}");
        assert!(to_server.largest_protected(version) > 16_000, "{version:?}");
    }
}
