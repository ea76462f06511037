//! Probes a tlskit client with hand-built ServerHello / HelloRetryRequest replies: each
//! probe breaks one rule of RFC 8446 §4.1.3–4.1.4 / §4.2 (or RFC 5246, 5746, 7627) and
//! checks the client answers with the alert the RFC names, or goes on when nothing is wrong.

mod common;

use common::{client_config, Pki};
use std::sync::Arc;
use tlskit_crypto::kx::NamedGroup;
use tlskit_handshake::{ClientConnection, ProtocolVersion};

const HANDSHAKE: u8 = 22;
const ALERT: u8 = 21;

const EC_POINT_FORMATS: u16 = 11;
const ALPN: u16 = 16;
const EXTENDED_MASTER_SECRET: u16 = 23;
const SUPPORTED_VERSIONS: u16 = 43;
const KEY_SHARE: u16 = 51;
const RENEGOTIATION_INFO: u16 = 0xff01;

const UNEXPECTED_MESSAGE: u8 = 10;
const HANDSHAKE_FAILURE: u8 = 40;
const ILLEGAL_PARAMETER: u8 = 47;
const DECODE_ERROR: u8 = 50;
const PROTOCOL_VERSION: u8 = 70;
const MISSING_EXTENSION: u8 = 109;
const UNSUPPORTED_EXTENSION: u8 = 110;

/// RFC 8446 §4.1.3: the random of a HelloRetryRequest.
const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

fn provider() -> &'static dyn tlskit_crypto::CryptoProvider {
    tlskit_providers::by_name("ring").expect("ring backend")
}

fn x25519_public() -> Vec<u8> {
    provider()
        .key_exchange(NamedGroup::X25519)
        .expect("x25519")
        .start()
        .expect("keygen")
        .public_key()
        .to_vec()
}

fn key_share(group: u16, key: &[u8]) -> Vec<u8> {
    let mut out = group.to_be_bytes().to_vec();
    out.extend_from_slice(&(key.len() as u16).to_be_bytes());
    out.extend_from_slice(key);
    out
}

/// A ServerHello built field by field.
#[derive(Clone)]
struct ServerHello {
    legacy_version: u16,
    random: [u8; 32],
    session_id: Vec<u8>,
    suite: u16,
    compression: u8,
    extensions: Vec<(u16, Vec<u8>)>,
}

impl ServerHello {
    /// A correct TLS 1.3 answer to `client_session_id` (X25519, TLS_AES_128_GCM_SHA256).
    fn tls13(client_session_id: &[u8]) -> Self {
        ServerHello {
            legacy_version: 0x0303,
            random: [0x33; 32],
            session_id: client_session_id.to_vec(),
            suite: 0x1301,
            compression: 0,
            extensions: vec![
                (SUPPORTED_VERSIONS, vec![0x03, 0x04]),
                (KEY_SHARE, key_share(0x001d, &x25519_public())),
            ],
        }
    }

    /// A correct TLS 1.2 answer (ECDHE-ECDSA-AES128-GCM, EMS, secure renegotiation).
    fn tls12() -> Self {
        ServerHello {
            legacy_version: 0x0303,
            random: [0x12; 32],
            session_id: vec![0x44; 32],
            suite: 0xc02b,
            compression: 0,
            extensions: vec![
                (RENEGOTIATION_INFO, vec![0]),
                (EXTENDED_MASTER_SECRET, vec![]),
                (EC_POINT_FORMATS, vec![1, 0]),
            ],
        }
    }

    /// A HelloRetryRequest asking for `group`.
    fn hello_retry(client_session_id: &[u8], group: u16) -> Self {
        ServerHello {
            random: HRR_RANDOM,
            extensions: vec![
                (SUPPORTED_VERSIONS, vec![0x03, 0x04]),
                (KEY_SHARE, group.to_be_bytes().to_vec()),
            ],
            ..ServerHello::tls13(client_session_id)
        }
    }

    fn with(mut self, typ: u16, data: Vec<u8>) -> Self {
        match self.extensions.iter_mut().find(|(t, _)| *t == typ) {
            Some(slot) => slot.1 = data,
            None => self.extensions.push((typ, data)),
        }
        self
    }

    fn without(mut self, typ: u16) -> Self {
        self.extensions.retain(|(t, _)| *t != typ);
        self
    }

    fn record(&self) -> Vec<u8> {
        let mut body = self.legacy_version.to_be_bytes().to_vec();
        body.extend_from_slice(&self.random);
        body.push(self.session_id.len() as u8);
        body.extend_from_slice(&self.session_id);
        body.extend_from_slice(&self.suite.to_be_bytes());
        body.push(self.compression);
        let mut exts = Vec::new();
        for (typ, data) in &self.extensions {
            exts.extend_from_slice(&typ.to_be_bytes());
            exts.extend_from_slice(&(data.len() as u16).to_be_bytes());
            exts.extend_from_slice(data);
        }
        body.extend_from_slice(&(exts.len() as u16).to_be_bytes());
        body.extend_from_slice(&exts);
        let mut msg = vec![2u8];
        msg.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        msg.extend_from_slice(&body);
        let mut record = vec![HANDSHAKE, 0x03, 0x03];
        record.extend_from_slice(&(msg.len() as u16).to_be_bytes());
        record.extend_from_slice(&msg);
        record
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Answer {
    /// No error: the client waits for the rest of the server's flight.
    Continues,
    Alert(u8),
}

/// A fresh tlskit client (TLS 1.3 and 1.2, default settings) sends its ClientHello;
/// `reply` builds the server's answer from the client's legacy_session_id; the client's
/// reaction is reported. A client that alerts must also fail and stay silent afterwards.
fn probe(versions: &[ProtocolVersion], reply: impl Fn(&[u8]) -> Vec<Vec<u8>>) -> Answer {
    let pki = Pki::new();
    let mut config = client_config(provider(), &pki);
    config.common.versions = versions.to_vec();
    let mut client = ClientConnection::new(Arc::new(config), "localhost").expect("client");
    let mut hello = Vec::new();
    while client.wants_write() {
        client.write_tls(&mut hello).expect("write");
    }
    // record(5) + handshake header(4) + legacy_version(2) + random(32), then the id.
    let sid_len = usize::from(hello[43]);
    let session_id = hello[44..44 + sid_len].to_vec();
    let mut failed = false;
    for flight in reply(&session_id) {
        let mut rest = &flight[..];
        while !rest.is_empty() && !failed {
            match client.read_tls(&mut rest) {
                Ok(0) | Err(_) => break,
                Ok(_) => failed = client.process_new_packets().is_err(),
            }
        }
    }
    let mut out = Vec::new();
    while client.wants_write() {
        if client.write_tls(&mut out).is_err() {
            break;
        }
    }
    // After an HRR the client legitimately sends a second ClientHello (and maybe a CCS)
    // first; the alert, if any, comes last.
    let mut answer = Answer::Continues;
    let mut at = 0;
    while let (Some(&typ), Some(len)) = (
        out.get(at),
        out.get(at + 3..at + 5)
            .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]]))),
    ) {
        if typ == ALERT {
            answer = Answer::Alert(out[at + 6]);
        }
        at += 5 + len;
    }
    match answer {
        Answer::Alert(_) => assert!(failed, "alert sent but the client reported success"),
        Answer::Continues => assert!(!failed, "the client failed without an alert"),
    }
    answer
}

const BOTH: &[ProtocolVersion] = &[ProtocolVersion::Tls13, ProtocolVersion::Tls12];

#[test]
fn correct_server_hellos_are_accepted() {
    assert_eq!(
        probe(BOTH, |sid| vec![ServerHello::tls13(sid).record()]),
        Answer::Continues
    );
    assert_eq!(
        probe(BOTH, |_| vec![ServerHello::tls12().record()]),
        Answer::Continues
    );
    // HelloRetryRequest for a group offered without a share (P-256), then the real hello.
    assert_eq!(
        probe(BOTH, |sid| vec![
            ServerHello::hello_retry(sid, 0x0017).record()
        ]),
        Answer::Continues
    );
}

#[test]
fn tls13_server_hello_rules() {
    // §4.1.3: a cipher suite the client did not offer.
    let answer = probe(BOTH, |sid| {
        vec![ServerHello {
            suite: 0x009c,
            ..ServerHello::tls13(sid)
        }
        .record()]
    });
    assert_eq!(answer, Answer::Alert(ILLEGAL_PARAMETER));
    // §4.1.3: legacy_session_id_echo must echo the client's.
    let answer = probe(BOTH, |_| vec![ServerHello::tls13(&[0x99; 32]).record()]);
    assert_eq!(answer, Answer::Alert(ILLEGAL_PARAMETER));
    // §4.1.3: legacy_compression_method must be 0.
    let answer = probe(BOTH, |sid| {
        vec![ServerHello {
            compression: 1,
            ..ServerHello::tls13(sid)
        }
        .record()]
    });
    assert!(
        matches!(answer, Answer::Alert(ILLEGAL_PARAMETER | DECODE_ERROR)),
        "{answer:?}"
    );
    // §4.2.1: supported_versions selecting TLS 1.2 (or anything not offered) is illegal.
    let answer = probe(BOTH, |sid| {
        vec![ServerHello::tls13(sid)
            .with(SUPPORTED_VERSIONS, vec![0x03, 0x03])
            .record()]
    });
    assert_eq!(answer, Answer::Alert(ILLEGAL_PARAMETER));
    // §4.2: an extension the client did not offer (ALPN) → unsupported_extension.
    let answer = probe(BOTH, |sid| {
        vec![ServerHello::tls13(sid)
            .with(ALPN, vec![0, 3, 2, b'h', b'2'])
            .record()]
    });
    assert_eq!(answer, Answer::Alert(UNSUPPORTED_EXTENSION));
    // §4.2.8: a share for a group the client sent no share for.
    let p256 = provider()
        .key_exchange(NamedGroup::Secp256r1)
        .expect("p256")
        .start()
        .expect("keygen");
    let p256_share = key_share(0x0017, p256.public_key());
    let answer = probe(BOTH, |sid| {
        vec![ServerHello::tls13(sid)
            .with(KEY_SHARE, p256_share.clone())
            .record()]
    });
    assert_eq!(answer, Answer::Alert(ILLEGAL_PARAMETER));
    // No key_share at all in a (non-PSK) TLS 1.3 ServerHello.
    let answer = probe(BOTH, |sid| {
        vec![ServerHello::tls13(sid).without(KEY_SHARE).record()]
    });
    assert!(
        matches!(answer, Answer::Alert(MISSING_EXTENSION | ILLEGAL_PARAMETER)),
        "{answer:?}"
    );
    // RFC 7748 §6.1: a low-order X25519 share.
    let answer = probe(BOTH, |sid| {
        vec![ServerHello::tls13(sid)
            .with(KEY_SHARE, key_share(0x001d, &[0u8; 32]))
            .record()]
    });
    assert_eq!(answer, Answer::Alert(ILLEGAL_PARAMETER));
}

#[test]
fn hello_retry_request_rules() {
    // §4.1.4: an HRR asking for the group the client already sent a share for.
    let answer = probe(BOTH, |sid| {
        vec![ServerHello::hello_retry(sid, 0x001d).record()]
    });
    assert_eq!(answer, Answer::Alert(ILLEGAL_PARAMETER));
    // §4.2.8: an HRR asking for a group the client did not offer (X448).
    let answer = probe(BOTH, |sid| {
        vec![ServerHello::hello_retry(sid, 0x001e).record()]
    });
    assert_eq!(answer, Answer::Alert(ILLEGAL_PARAMETER));
    // §4.1.4: a second HelloRetryRequest.
    let answer = probe(BOTH, |sid| {
        vec![
            ServerHello::hello_retry(sid, 0x0017).record(),
            ServerHello::hello_retry(sid, 0x0018).record(),
        ]
    });
    assert_eq!(answer, Answer::Alert(UNEXPECTED_MESSAGE));
}

#[test]
fn downgrade_and_tls12_rules() {
    // RFC 8446 §4.1.3: a TLS 1.2 ServerHello carrying the TLS 1.2 downgrade sentinel to a
    // client that offered TLS 1.3.
    let mut random = [0x12; 32];
    random[24..].copy_from_slice(b"DOWNGRD\x01");
    let answer = probe(BOTH, |_| {
        vec![ServerHello {
            random,
            ..ServerHello::tls12()
        }
        .record()]
    });
    assert_eq!(answer, Answer::Alert(ILLEGAL_PARAMETER));
    // The sentinel is fine for a client that offered only TLS 1.2.
    let answer = probe(&[ProtocolVersion::Tls12], |_| {
        vec![ServerHello {
            random,
            ..ServerHello::tls12()
        }
        .record()]
    });
    assert_eq!(answer, Answer::Continues);
    // A version below TLS 1.2.
    let answer = probe(BOTH, |_| {
        vec![ServerHello {
            legacy_version: 0x0302,
            ..ServerHello::tls12()
        }
        .record()]
    });
    assert_eq!(answer, Answer::Alert(PROTOCOL_VERSION));
    // RFC 7627 §5.3: no extended_master_secret from the server (required by default).
    let answer = probe(BOTH, |_| {
        vec![ServerHello::tls12()
            .without(EXTENDED_MASTER_SECRET)
            .record()]
    });
    assert_eq!(answer, Answer::Alert(HANDSHAKE_FAILURE));
    // RFC 5746 §3.4: a non-empty renegotiated_connection in an initial handshake.
    let answer = probe(BOTH, |_| {
        vec![ServerHello::tls12()
            .with(RENEGOTIATION_INFO, vec![2, 1, 2])
            .record()]
    });
    assert_eq!(answer, Answer::Alert(HANDSHAKE_FAILURE));
    // A TLS 1.3 suite in a TLS 1.2 ServerHello.
    let answer = probe(BOTH, |_| {
        vec![ServerHello {
            suite: 0x1301,
            ..ServerHello::tls12()
        }
        .record()]
    });
    assert_eq!(answer, Answer::Alert(ILLEGAL_PARAMETER));
}
