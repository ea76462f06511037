//! Probes a tlskit server with hand-built first flights, in the manner of tlsfuzzer's
//! ClientHello scripts: each probe says what RFC 8446 / 5246 (and their extensions) require
//! the server to answer — a ServerHello, or one specific fatal alert — and checks it.

mod common;

use common::{server_config, KeyKind, Pki};
use std::sync::Arc;
use tlskit_crypto::kx::NamedGroup;
use tlskit_handshake::ServerConnection;

const HANDSHAKE: u8 = 22;
const ALERT: u8 = 21;
const CCS: u8 = 20;
const APPLICATION_DATA: u8 = 23;

// Extension code points (RFC 8446 §4.2, RFC 6066, RFC 7627, RFC 5746, RFC 8422).
const SERVER_NAME: u16 = 0;
const SUPPORTED_GROUPS: u16 = 10;
const EC_POINT_FORMATS: u16 = 11;
const SIGNATURE_ALGORITHMS: u16 = 13;
const EXTENDED_MASTER_SECRET: u16 = 23;
const PRE_SHARED_KEY: u16 = 41;
const SUPPORTED_VERSIONS: u16 = 43;
const PSK_KEY_EXCHANGE_MODES: u16 = 45;
const KEY_SHARE: u16 = 51;
const RENEGOTIATION_INFO: u16 = 0xff01;

// Alert descriptions (RFC 8446 §6).
const UNEXPECTED_MESSAGE: u8 = 10;
const RECORD_OVERFLOW: u8 = 22;
const HANDSHAKE_FAILURE: u8 = 40;
const ILLEGAL_PARAMETER: u8 = 47;
const DECODE_ERROR: u8 = 50;
const PROTOCOL_VERSION: u8 = 70;
const INAPPROPRIATE_FALLBACK: u8 = 86;
const MISSING_EXTENSION: u8 = 109;

fn provider() -> &'static dyn tlskit_crypto::CryptoProvider {
    tlskit_providers::by_name("ring").expect("ring backend")
}

fn u16_list(values: &[u16]) -> Vec<u8> {
    let mut out = ((values.len() * 2) as u16).to_be_bytes().to_vec();
    for v in values {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out
}

fn key_share_entry(group: u16, key: &[u8]) -> Vec<u8> {
    let mut out = group.to_be_bytes().to_vec();
    out.extend_from_slice(&(key.len() as u16).to_be_bytes());
    out.extend_from_slice(key);
    out
}

fn key_shares(entries: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = entries.concat();
    let mut out = (body.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(&body);
    out
}

/// A fresh X25519 public key from the provider.
fn x25519_public() -> Vec<u8> {
    let kx = provider()
        .key_exchange(NamedGroup::X25519)
        .expect("x25519")
        .start()
        .expect("keygen");
    kx.public_key().to_vec()
}

/// A ClientHello built field by field, so a probe can break exactly one thing.
#[derive(Clone)]
struct Hello {
    legacy_version: u16,
    session_id: Vec<u8>,
    suites: Vec<u16>,
    compression: Vec<u8>,
    extensions: Vec<(u16, Vec<u8>)>,
}

impl Hello {
    /// What a TLS 1.3 client (also offering TLS 1.2) sends.
    fn tls13() -> Self {
        Hello {
            legacy_version: 0x0303,
            session_id: vec![0x11; 32],
            suites: vec![0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f],
            compression: vec![0],
            extensions: vec![
                (SERVER_NAME, {
                    let name = b"localhost";
                    let mut entry = vec![0u8];
                    entry.extend_from_slice(&(name.len() as u16).to_be_bytes());
                    entry.extend_from_slice(name);
                    let mut list = (entry.len() as u16).to_be_bytes().to_vec();
                    list.extend_from_slice(&entry);
                    list
                }),
                (SUPPORTED_GROUPS, u16_list(&[0x001d, 0x0017])),
                (EC_POINT_FORMATS, vec![1, 0]),
                (SIGNATURE_ALGORITHMS, u16_list(&[0x0403, 0x0804, 0x0401])),
                (EXTENDED_MASTER_SECRET, vec![]),
                (RENEGOTIATION_INFO, vec![0]),
                (SUPPORTED_VERSIONS, {
                    let mut v = vec![4u8];
                    v.extend_from_slice(&[0x03, 0x04, 0x03, 0x03]);
                    v
                }),
                (PSK_KEY_EXCHANGE_MODES, vec![1, 1]),
                (
                    KEY_SHARE,
                    key_shares(&[key_share_entry(0x001d, &x25519_public())]),
                ),
            ],
        }
    }

    /// What a TLS 1.2-only client sends.
    fn tls12() -> Self {
        Hello::tls13()
            .without(SUPPORTED_VERSIONS)
            .without(KEY_SHARE)
            .without(PSK_KEY_EXCHANGE_MODES)
            .suites(&[0xc02b, 0xc02f, 0xcca9])
    }

    fn suites(mut self, suites: &[u16]) -> Self {
        self.suites = suites.to_vec();
        self
    }

    fn without(mut self, typ: u16) -> Self {
        self.extensions.retain(|(t, _)| *t != typ);
        self
    }

    /// Replaces extension `typ` in place, or appends it.
    fn with(mut self, typ: u16, data: Vec<u8>) -> Self {
        match self.extensions.iter_mut().find(|(t, _)| *t == typ) {
            Some(slot) => slot.1 = data,
            None => self.extensions.push((typ, data)),
        }
        self
    }

    /// Appends extension `typ` even if present (duplicates, ordering probes).
    fn push(mut self, typ: u16, data: Vec<u8>) -> Self {
        self.extensions.push((typ, data));
        self
    }

    /// The handshake message: header and body.
    fn message(&self) -> Vec<u8> {
        let mut body = self.legacy_version.to_be_bytes().to_vec();
        body.extend_from_slice(&[0x5a; 32]);
        body.push(self.session_id.len() as u8);
        body.extend_from_slice(&self.session_id);
        body.extend_from_slice(&u16_list(&self.suites));
        body.push(self.compression.len() as u8);
        body.extend_from_slice(&self.compression);
        let mut exts = Vec::new();
        for (typ, data) in &self.extensions {
            exts.extend_from_slice(&typ.to_be_bytes());
            exts.extend_from_slice(&(data.len() as u16).to_be_bytes());
            exts.extend_from_slice(data);
        }
        body.extend_from_slice(&(exts.len() as u16).to_be_bytes());
        body.extend_from_slice(&exts);
        let mut msg = vec![1u8];
        msg.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        msg.extend_from_slice(&body);
        msg
    }
}

fn record(content_type: u8, version: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![content_type];
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// `payload` as records of at most `max` bytes.
fn fragmented(content_type: u8, payload: &[u8], max: usize) -> Vec<u8> {
    payload
        .chunks(max)
        .flat_map(|chunk| record(content_type, 0x0303, chunk))
        .collect()
}

/// What the server said first.
#[derive(Debug, PartialEq, Eq)]
enum Answer {
    ServerHello { version: u16 },
    Alert(u8),
    Nothing,
}

/// Feeds `input` to a fresh tlskit server (TLS 1.2 and 1.3 enabled, ECDSA P-256) and
/// reports its first answer. A failing server must also have failed its API call.
fn probe(input: &[u8]) -> Answer {
    let pki = Pki::new();
    let config = Arc::new(server_config(provider(), &pki.server(KeyKind::EcdsaP256)));
    probe_with(config, input)
}

fn probe_with(config: Arc<tlskit_handshake::ServerConfig>, input: &[u8]) -> Answer {
    let mut server = ServerConnection::new(config).expect("server");
    let mut rest = input;
    let mut failed = false;
    while !rest.is_empty() && !failed {
        match server.read_tls(&mut rest) {
            Ok(0) | Err(_) => break,
            Ok(_) => failed = server.process_new_packets().is_err(),
        }
    }
    let mut out = Vec::new();
    while server.wants_write() {
        if server.write_tls(&mut out).is_err() {
            break;
        }
    }
    let answer = match out.as_slice() {
        [ALERT, _, _, 0, 2, 2, description, ..] => Answer::Alert(*description),
        [HANDSHAKE, _, _, _, _, 2, _, _, _, body @ ..] => {
            // ServerHello: legacy_version, random, session id, suite, compression, then
            // extensions; the real version is in supported_versions when present.
            let legacy = u16::from_be_bytes([body[0], body[1]]);
            let selected = find_selected_version(body).unwrap_or(legacy);
            Answer::ServerHello { version: selected }
        }
        [] => Answer::Nothing,
        other => panic!(
            "unexpected server output {:02x?}",
            &other[..other.len().min(16)]
        ),
    };
    if let Answer::Alert(_) = answer {
        assert!(failed, "the server sent a fatal alert but reported success");
        // A failed connection stays failed and says nothing more.
        let mut more = Vec::new();
        server.read_tls(&mut &Hello::tls13().message()[..]).ok();
        assert!(server.process_new_packets().is_err());
        while server.wants_write() {
            if server.write_tls(&mut more).is_err() {
                break;
            }
        }
        assert!(more.is_empty(), "output after a fatal alert: {more:02x?}");
    }
    answer
}

fn find_selected_version(server_hello: &[u8]) -> Option<u16> {
    let sid_len = usize::from(*server_hello.get(34)?);
    let mut at = 35 + sid_len + 3;
    let ext_len = usize::from(u16::from_be_bytes([
        *server_hello.get(at)?,
        *server_hello.get(at + 1)?,
    ]));
    at += 2;
    let end = at + ext_len;
    while at + 4 <= end {
        let typ = u16::from_be_bytes([server_hello[at], server_hello[at + 1]]);
        let len = usize::from(u16::from_be_bytes([
            server_hello[at + 2],
            server_hello[at + 3],
        ]));
        if typ == SUPPORTED_VERSIONS && len == 2 {
            return Some(u16::from_be_bytes([
                server_hello[at + 4],
                server_hello[at + 5],
            ]));
        }
        at += 4 + len;
    }
    None
}

fn hello_record(hello: &Hello) -> Vec<u8> {
    record(HANDSHAKE, 0x0301, &hello.message())
}

const TLS13: Answer = Answer::ServerHello { version: 0x0304 };
const TLS12: Answer = Answer::ServerHello { version: 0x0303 };

#[test]
fn well_formed_hellos_are_answered() {
    assert_eq!(probe(&hello_record(&Hello::tls13())), TLS13);
    assert_eq!(probe(&hello_record(&Hello::tls12())), TLS12);
    // RFC 8446 §5.1: legacy_record_version is ignored (0x0300..0x0303 seen in practice).
    for version in [0x0300, 0x0301, 0x0302, 0x0303] {
        let input = record(HANDSHAKE, version, &Hello::tls13().message());
        assert_eq!(probe(&input), TLS13, "record version {version:#06x}");
    }
    // RFC 8446 §4.2.1: unknown and GREASE versions are ignored; the best common one wins.
    let versions = vec![8, 0x0a, 0x0a, 0x7f, 0x1c, 0x03, 0x04, 0x03, 0x03];
    let hello = Hello::tls13().with(SUPPORTED_VERSIONS, versions);
    assert_eq!(probe(&hello_record(&hello)), TLS13);
    // Unknown extensions, cipher suites and groups are ignored (RFC 8446 §4.1.2, §4.2).
    let hello = Hello::tls13()
        .push(0xfafa, vec![])
        .push(0x1234, vec![1, 2, 3])
        .suites(&[0x0a0a, 0x1301]);
    assert_eq!(probe(&hello_record(&hello)), TLS13);
}

#[test]
fn fragmented_hellos_are_reassembled() {
    let message = Hello::tls13().message();
    for max in [1, 2, 5, 100] {
        assert_eq!(
            probe(&fragmented(HANDSHAKE, &message, max)),
            TLS13,
            "{max}-byte records"
        );
    }
}

#[test]
fn record_layer_violations() {
    let hello = Hello::tls13().message();
    // RFC 8446 §5.1: zero-length Handshake fragments MUST NOT be sent.
    let mut input = record(HANDSHAKE, 0x0303, &[]);
    input.extend_from_slice(&record(HANDSHAKE, 0x0303, &hello));
    assert_eq!(probe(&input), Answer::Alert(UNEXPECTED_MESSAGE));
    // RFC 8446 §5: an unknown content type is unexpected_message.
    assert_eq!(
        probe(&record(0x19, 0x0303, &[0; 8])),
        Answer::Alert(UNEXPECTED_MESSAGE)
    );
    // Application data before the handshake.
    assert_eq!(
        probe(&record(APPLICATION_DATA, 0x0303, b"GET /")),
        Answer::Alert(UNEXPECTED_MESSAGE)
    );
    // RFC 8446 §5: change_cipher_spec before the first ClientHello.
    assert_eq!(
        probe(&record(CCS, 0x0303, &[1])),
        Answer::Alert(UNEXPECTED_MESSAGE)
    );
    // RFC 8446 §5.1: a record longer than 2^14 bytes is record_overflow.
    assert_eq!(
        probe(&record(HANDSHAKE, 0x0303, &vec![0u8; (1 << 14) + 1])),
        Answer::Alert(RECORD_OVERFLOW)
    );
    // A handshake message split across a record of another type.
    let (head, tail) = hello.split_at(10);
    let mut input = record(HANDSHAKE, 0x0303, head);
    input.extend_from_slice(&record(ALERT, 0x0303, &[1, 0]));
    input.extend_from_slice(&record(HANDSHAKE, 0x0303, tail));
    assert_eq!(probe(&input), Answer::Alert(UNEXPECTED_MESSAGE));
}

#[test]
fn hello_field_violations() {
    // RFC 8446 §4.1.2: compression must be exactly [null] in TLS 1.3.
    let mut hello = Hello::tls13();
    hello.compression = vec![1, 0];
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(ILLEGAL_PARAMETER)
    );
    // TLS 1.2 without the null method: nothing to agree on.
    let mut hello = Hello::tls12();
    hello.compression = vec![1];
    assert!(matches!(
        probe(&hello_record(&hello)),
        Answer::Alert(ILLEGAL_PARAMETER | HANDSHAKE_FAILURE | DECODE_ERROR)
    ));
    // An empty cipher_suites list does not decode (`<2..2^16-2>`).
    let hello = Hello::tls13().suites(&[]);
    assert_eq!(probe(&hello_record(&hello)), Answer::Alert(DECODE_ERROR));
    // No suite in common.
    let hello = Hello::tls13().suites(&[0x0005, 0x002f]);
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(HANDSHAKE_FAILURE)
    );
    // A session id longer than 32 bytes does not decode.
    let mut hello = Hello::tls13();
    hello.session_id = vec![1; 33];
    assert_eq!(probe(&hello_record(&hello)), Answer::Alert(DECODE_ERROR));
}

#[test]
fn version_negotiation() {
    // RFC 8446 §4.2.1 / RFC 5246 E.1: only SSL 3.0 offered → protocol_version.
    let mut hello = Hello::tls12();
    hello.legacy_version = 0x0300;
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(PROTOCOL_VERSION)
    );
    // supported_versions with nothing we speak.
    let hello = Hello::tls13().with(SUPPORTED_VERSIONS, vec![4, 0x03, 0x02, 0x03, 0x01]);
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(PROTOCOL_VERSION)
    );
    // An empty supported_versions list does not decode (`<2..254>`).
    let hello = Hello::tls13().with(SUPPORTED_VERSIONS, vec![0]);
    assert_eq!(probe(&hello_record(&hello)), Answer::Alert(DECODE_ERROR));
    // RFC 7507: TLS_FALLBACK_SCSV in a TLS 1.2 hello to a TLS 1.3 server.
    let hello = Hello::tls12().suites(&[0xc02b, 0x5600]);
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(INAPPROPRIATE_FALLBACK)
    );
    // A TLS 1.2 hello offering only TLS 1.3 suites: nothing usable.
    let hello = Hello::tls12().suites(&[0x1301, 0x1302]);
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(HANDSHAKE_FAILURE)
    );
}

#[test]
fn tls13_extension_rules() {
    // RFC 8446 §4.2: at most one extension of a type.
    let hello = Hello::tls13().push(SUPPORTED_GROUPS, u16_list(&[0x001d]));
    assert!(matches!(
        probe(&hello_record(&hello)),
        Answer::Alert(ILLEGAL_PARAMETER | DECODE_ERROR)
    ));
    // RFC 8446 §9.2: a TLS 1.3 hello without key_share (and no PSK) → missing_extension.
    let hello = Hello::tls13().without(KEY_SHARE);
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(MISSING_EXTENSION)
    );
    // RFC 8446 §9.2: without signature_algorithms (and no PSK) → missing_extension.
    let hello = Hello::tls13().without(SIGNATURE_ALGORITHMS);
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(MISSING_EXTENSION)
    );
    // RFC 8446 §4.2.8: a key share for a group not in supported_groups.
    let p256 = provider()
        .key_exchange(NamedGroup::Secp256r1)
        .expect("p256")
        .start()
        .expect("keygen");
    let hello = Hello::tls13()
        .with(SUPPORTED_GROUPS, u16_list(&[0x001d]))
        .with(
            KEY_SHARE,
            key_shares(&[key_share_entry(0x0017, p256.public_key())]),
        );
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(ILLEGAL_PARAMETER)
    );
    // RFC 8446 §4.2.8: two shares for one group.
    let share = key_share_entry(0x001d, &x25519_public());
    let hello = Hello::tls13().with(KEY_SHARE, key_shares(&[share.clone(), share]));
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(ILLEGAL_PARAMETER)
    );
    // RFC 8446 §4.2.11: pre_shared_key must be the last extension.
    let mut psk = Vec::new();
    let identity = [7u8; 16];
    let mut identities = (identity.len() as u16).to_be_bytes().to_vec();
    identities.extend_from_slice(&identity);
    identities.extend_from_slice(&0u32.to_be_bytes());
    psk.extend_from_slice(&(identities.len() as u16).to_be_bytes());
    psk.extend_from_slice(&identities);
    psk.extend_from_slice(&33u16.to_be_bytes());
    psk.push(32);
    psk.extend_from_slice(&[0u8; 32]);
    let hello = Hello::tls13()
        .push(PRE_SHARED_KEY, psk.clone())
        .push(0x1234, vec![]);
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(ILLEGAL_PARAMETER)
    );
    // RFC 8446 §4.2.9: pre_shared_key without psk_key_exchange_modes.
    let hello = Hello::tls13()
        .without(PSK_KEY_EXCHANGE_MODES)
        .push(PRE_SHARED_KEY, psk);
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(MISSING_EXTENSION)
    );
}

#[test]
fn bad_key_shares() {
    // RFC 7748 §6.1 / RFC 8446 §7.4.2: a low-order X25519 point gives an all-zero secret.
    for point in [[0u8; 32], {
        let mut one = [0u8; 32];
        one[0] = 1;
        one
    }] {
        let hello = Hello::tls13().with(KEY_SHARE, key_shares(&[key_share_entry(0x001d, &point)]));
        assert_eq!(
            probe(&hello_record(&hello)),
            Answer::Alert(ILLEGAL_PARAMETER),
            "low-order point {:02x?}",
            &point[..2]
        );
    }
    // A 31-byte X25519 share.
    let hello = Hello::tls13().with(KEY_SHARE, key_shares(&[key_share_entry(0x001d, &[9; 31])]));
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(ILLEGAL_PARAMETER)
    );
    // A P-256 share that is not on the curve (RFC 8446 §4.2.8.2).
    let mut bogus = vec![4u8];
    bogus.extend_from_slice(&[1u8; 64]);
    let hello = Hello::tls13()
        .with(SUPPORTED_GROUPS, u16_list(&[0x0017]))
        .with(KEY_SHARE, key_shares(&[key_share_entry(0x0017, &bogus)]));
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(ILLEGAL_PARAMETER)
    );
}

#[test]
fn tls12_secure_renegotiation_rules() {
    // RFC 5746 §3.6: an initial hello with a non-empty renegotiated_connection.
    let hello = Hello::tls12().with(
        RENEGOTIATION_INFO,
        vec![12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    );
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(HANDSHAKE_FAILURE)
    );
    // The SCSV alone is fine (RFC 5746 §3.6).
    let hello = Hello::tls12()
        .without(RENEGOTIATION_INFO)
        .suites(&[0xc02b, 0x00ff]);
    assert_eq!(probe(&hello_record(&hello)), TLS12);
    // RFC 7627 §5.3: extended master secret is required by default.
    let hello = Hello::tls12().without(EXTENDED_MASTER_SECRET);
    assert_eq!(
        probe(&hello_record(&hello)),
        Answer::Alert(HANDSHAKE_FAILURE)
    );
}

#[test]
fn sslv2_compatible_hello_is_refused_cleanly() {
    // An SSL 2.0-format CLIENT-HELLO (as old clients sent for compatibility).
    let mut v2 = vec![
        0x80, 0x2e, 0x01, 0x03, 0x03, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10,
    ];
    v2.extend_from_slice(&[0x00, 0xc0, 0x2b, 0x00, 0xc0, 0x2f, 0x00, 0x00, 0x9c]);
    v2.extend_from_slice(&[0x00, 0x00, 0x2f, 0x00, 0x00, 0x35, 0x00, 0x00, 0xff]);
    v2.extend_from_slice(&[0x42; 16]);
    let answer = probe(&v2);
    assert!(
        matches!(answer, Answer::Alert(_) | Answer::Nothing),
        "{answer:?}"
    );
}

#[test]
fn alpn_rules() {
    const ALPN: u16 = 16;
    const NO_APPLICATION_PROTOCOL: u8 = 120;
    let pki = Pki::new();
    let mut config = server_config(provider(), &pki.server(KeyKind::EcdsaP256));
    config.common.alpn_protocols = vec![b"h2".to_vec()];
    let config = Arc::new(config);
    let alpn = |names: &[&[u8]]| {
        let mut list = Vec::new();
        for name in names {
            list.push(name.len() as u8);
            list.extend_from_slice(name);
        }
        let mut out = (list.len() as u16).to_be_bytes().to_vec();
        out.extend_from_slice(&list);
        out
    };
    for hello in [Hello::tls13(), Hello::tls12()] {
        let expected = if hello.extensions.iter().any(|(t, _)| *t == KEY_SHARE) {
            TLS13
        } else {
            TLS12
        };
        // RFC 7301 §3.2: nothing in common → no_application_protocol.
        let probe_hello = hello.clone().with(ALPN, alpn(&[b"http/1.1"]));
        assert_eq!(
            probe_with(config.clone(), &hello_record(&probe_hello)),
            Answer::Alert(NO_APPLICATION_PROTOCOL)
        );
        // An empty protocol name does not decode (`opaque ProtocolName<1..2^8-1>`).
        let probe_hello = hello.clone().with(ALPN, alpn(&[b"h2", b""]));
        assert_eq!(
            probe_with(config.clone(), &hello_record(&probe_hello)),
            Answer::Alert(DECODE_ERROR)
        );
        let probe_hello = hello.clone().with(ALPN, alpn(&[b"http/1.1", b"h2"]));
        assert_eq!(
            probe_with(config.clone(), &hello_record(&probe_hello)),
            expected
        );
    }
}

/// The random of a HelloRetryRequest (RFC 8446 §4.1.3).
const HRR_RANDOM_PREFIX: [u8; 4] = [0xcf, 0x21, 0xad, 0x74];

/// Sends `first` (which must draw a HelloRetryRequest), then `second`; returns the answer
/// to the second ClientHello.
fn after_retry(first: &Hello, second: &Hello) -> Answer {
    let pki = Pki::new();
    let config = Arc::new(server_config(provider(), &pki.server(KeyKind::EcdsaP256)));
    let mut server = ServerConnection::new(config).expect("server");
    server
        .read_tls(&mut &hello_record(first)[..])
        .expect("read");
    server.process_new_packets().expect("first ClientHello");
    let mut hrr = Vec::new();
    while server.wants_write() {
        server.write_tls(&mut hrr).expect("write");
    }
    // record header (5), handshake header (4), legacy_version (2), then the random.
    assert_eq!(
        hrr.get(11..15),
        Some(&HRR_RANDOM_PREFIX[..]),
        "a HelloRetryRequest"
    );
    let mut rest = &hello_record(second)[..];
    let mut failed = false;
    while !rest.is_empty() && !failed {
        match server.read_tls(&mut rest) {
            Ok(0) | Err(_) => break,
            Ok(_) => failed = server.process_new_packets().is_err(),
        }
    }
    let mut out = Vec::new();
    while server.wants_write() {
        if server.write_tls(&mut out).is_err() {
            break;
        }
    }
    match out.as_slice() {
        [ALERT, _, _, 0, 2, 2, description, ..] => {
            assert!(failed, "alert without failure");
            Answer::Alert(*description)
        }
        [HANDSHAKE, _, _, _, _, 2, _, _, _, body @ ..] => Answer::ServerHello {
            version: find_selected_version(body).unwrap_or(0),
        },
        [] => Answer::Nothing,
        other => panic!("unexpected output {:02x?}", &other[..other.len().min(16)]),
    }
}

#[test]
fn hello_retry_request_rules() {
    // Only a P-256 share, X25519 preferred by the server: HelloRetryRequest for X25519.
    let p256 = provider()
        .key_exchange(NamedGroup::Secp256r1)
        .expect("p256")
        .start()
        .expect("keygen");
    let first = Hello::tls13().with(
        KEY_SHARE,
        key_shares(&[key_share_entry(0x0017, p256.public_key())]),
    );
    // RFC 8446 §4.1.2: the second hello carries the requested share and nothing else new.
    let good = first.clone().with(
        KEY_SHARE,
        key_shares(&[key_share_entry(0x001d, &x25519_public())]),
    );
    assert_eq!(after_retry(&first, &good), TLS13);
    // Still no X25519 share (RFC 8446 §4.2.8): illegal_parameter.
    assert_eq!(
        after_retry(&first, &first),
        Answer::Alert(ILLEGAL_PARAMETER)
    );
    // The suite the HelloRetryRequest chose is no longer offered (RFC 8446 §4.1.4).
    let dropped_suite = good.clone().suites(&[0x1302, 0x1303]);
    assert_eq!(
        after_retry(&first, &dropped_suite),
        Answer::Alert(ILLEGAL_PARAMETER)
    );
    // A second hello that no longer offers TLS 1.3.
    let downgraded = Hello::tls12();
    assert!(
        matches!(
            after_retry(&first, &downgraded),
            Answer::Alert(ILLEGAL_PARAMETER | PROTOCOL_VERSION | UNEXPECTED_MESSAGE)
        ),
        "a TLS 1.2 hello after HelloRetryRequest"
    );
}
