//! RFC 8448 (Example Handshake Traces for TLS 1.3), with every provider.
//!
//! Each test replays one trace: it hashes the trace's own handshake messages into the
//! transcript, computes the (EC)DHE secret from the trace's private keys, runs the key
//! schedule, and compares every secret, HKDF label, transcript hash, traffic key, IV,
//! Finished key and `verify_data`, PSK binder and resumption PSK the trace prints. It then
//! seals every encrypted record of the trace with the derived keys and per-record nonces
//! and compares the ciphertext byte for byte. A final check fails the test if any step of
//! the trace that shows key material was left uncompared.

mod common;

use common::providers;
use common::rfc8448::{self, Section, Side as TraceSide, Step};
use std::sync::Mutex;
use tlskit_crypto::{
    AeadAlgorithm, CryptoError, CryptoProvider, Digest, HashAlgorithm, NamedGroup, TAG_LEN,
};
use tlskit_keyschedule::keylog::{KeyLog, KeyLogLabel};
use tlskit_keyschedule::tls13::{
    hkdf_label, ApplicationTrafficSecret, EarlySecret, EarlyTrafficSecret, ExporterMasterSecret,
    FinishedKey, HandshakeTrafficSecret, Kdf, PskKind, ResumptionMasterSecret, TrafficKeys,
};
use tlskit_keyschedule::{HandshakeHashBuffer, KeyScheduleError, Side, TranscriptHash, VerifyData};

const TRACE: &str = include_str!("data/rfc8448.txt");

/// `ServerHello.random` of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3).
const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

#[track_caller]
fn assert_bytes(ctx: &str, what: &str, got: &[u8], want: &[u8]) {
    assert_eq!(hex::encode(got), hex::encode(want), "{ctx}: {what}");
}

fn section(trace: &[Section], number: u32) -> &Section {
    trace
        .iter()
        .find(|s| s.number == number)
        .unwrap_or_else(|| panic!("trace has no section {number}"))
}

/// A handshake message as the trace constructs it.
struct Message {
    side: TraceSide,
    kind: String,
    bytes: Vec<u8>,
}

/// The handshake messages in protocol order. A ClientHello is taken from the record
/// that carries it: with a PSK, the "construct" step shows it without its binders.
fn handshake_messages(section: &Section) -> Vec<Message> {
    let mut out = Vec::new();
    for (i, step) in section.steps.iter().enumerate() {
        let Some(kind) = step
            .title
            .strip_prefix("construct a ")
            .and_then(|t| t.strip_suffix(" handshake message"))
        else {
            continue;
        };
        let mut bytes = step.field(kind).to_vec();
        if kind == "ClientHello" {
            let sent = section.steps[i + 1..]
                .iter()
                .find(|s| s.side == TraceSide::Client && s.title == "send handshake record")
                .expect("ClientHello record")
                .field("payload");
            assert!(
                sent.starts_with(&bytes),
                "ClientHello record starts with it"
            );
            bytes = sent.to_vec();
        }
        out.push(Message {
            side: step.side,
            kind: kind.to_string(),
            bytes,
        });
    }
    out
}

/// (hash, AEAD) of the suite a ServerHello picks.
fn suite_of(server_hello: &[u8]) -> (HashAlgorithm, AeadAlgorithm) {
    let session_id_len = usize::from(server_hello[38]);
    let at = 39 + session_id_len;
    match [server_hello[at], server_hello[at + 1]] {
        [0x13, 0x01] => (HashAlgorithm::Sha256, AeadAlgorithm::Aes128Gcm),
        [0x13, 0x02] => (HashAlgorithm::Sha384, AeadAlgorithm::Aes256Gcm),
        [0x13, 0x03] => (HashAlgorithm::Sha256, AeadAlgorithm::ChaCha20Poly1305),
        other => panic!("unexpected suite {other:02x?}"),
    }
}

fn is_hello_retry_request(server_hello: &[u8]) -> bool {
    server_hello.get(6..38) == Some(&HRR_RANDOM[..])
}

/// Compares steps of one section of the trace.
struct Checker<'a> {
    ctx: &'a str,
    section: &'a Section,
    kdf: Kdf,
}

impl Checker<'_> {
    /// Checks every Derive-Secret step titled `title`: PRK, transcript hash, HkdfLabel
    /// and output.
    #[track_caller]
    fn derive(&self, title: &str, prk: &[u8], label: &[u8], hash: &Digest, got: &[u8]) {
        let ctx = self.ctx;
        let mut seen = 0;
        for step in self.section.steps_with_values(None, title) {
            let what = format!("{title} ({:?})", step.side);
            assert_bytes(ctx, &format!("{what} PRK"), step.field("PRK"), prk);
            assert_bytes(
                ctx,
                &format!("{what} transcript hash"),
                step.field("hash"),
                hash.as_bytes(),
            );
            let info = hkdf_label(self.kdf.hash_len(), label, hash.as_bytes()).expect("label");
            assert_bytes(ctx, &format!("{what} info"), step.field("info"), &info);
            assert_bytes(
                ctx,
                &format!("{what} expanded"),
                step.field("expanded"),
                got,
            );
            step.mark_checked();
            seen += 1;
        }
        assert!(seen > 0, "{ctx}: no step {title:?}");
    }

    /// Checks every HKDF-Extract step titled `title`: salt (empty = the zero salt), IKM
    /// and output.
    #[track_caller]
    fn extract(&self, title: &str, salt: &[u8], ikm: &[u8], got: &[u8]) {
        let ctx = self.ctx;
        let mut seen = 0;
        for step in self.section.steps_with_values(None, title) {
            assert_bytes(ctx, &format!("{title} salt"), step.field("salt"), salt);
            assert_bytes(ctx, &format!("{title} IKM"), step.field("IKM"), ikm);
            assert_bytes(ctx, &format!("{title} secret"), step.field("secret"), got);
            step.mark_checked();
            seen += 1;
        }
        assert!(seen > 0, "{ctx}: no step {title:?}");
    }
}

/// Checks a "calculate finished" step against a Finished key and its `verify_data`.
#[track_caller]
fn check_finished_step(
    ctx: &str,
    step: &Step,
    kdf: &Kdf,
    base_key: &[u8],
    key: &FinishedKey,
    verify_data: &VerifyData,
) {
    assert_bytes(ctx, "finished PRK", step.field("PRK"), base_key);
    assert_bytes(ctx, "finished hash", step.field("hash"), b"");
    let info = hkdf_label(kdf.hash_len(), b"finished", b"").expect("label");
    assert_bytes(ctx, "finished info", step.field("info"), &info);
    assert_bytes(ctx, "finished key", step.field("expanded"), key.as_bytes());
    assert_bytes(
        ctx,
        "verify_data",
        step.field("finished"),
        verify_data.as_bytes(),
    );
    step.mark_checked();
}

/// The traffic secrets of one handshake.
#[derive(Default)]
struct Secrets {
    client_early: Option<EarlyTrafficSecret>,
    early_exporter: Option<ExporterMasterSecret>,
    client_handshake: Option<HandshakeTrafficSecret>,
    server_handshake: Option<HandshakeTrafficSecret>,
    client_application: Option<ApplicationTrafficSecret>,
    server_application: Option<ApplicationTrafficSecret>,
    exporter: Option<ExporterMasterSecret>,
    resumption: Option<ResumptionMasterSecret>,
    ticket_psk: Option<Vec<u8>>,
    client_random: [u8; 32],
}

impl Secrets {
    /// The traffic secret a "derive ... traffic keys for ..." step expands, and the keys
    /// derived from it through its type.
    fn keys_for_step(&self, step: &Step, aead: AeadAlgorithm) -> (Vec<u8>, TrafficKeys) {
        let rest = step.title.strip_prefix("derive ").expect("keys step");
        let (direction, rest) = rest.split_once(" traffic keys for ").expect("keys step");
        let writer = match (direction, step.side) {
            ("write", side) => side,
            ("read", TraceSide::Client) => TraceSide::Server,
            ("read", TraceSide::Server) => TraceSide::Client,
            _ => panic!("unexpected step {:?}", step.title),
        };
        let missing = format!("secret for {:?} not derived", step.title);
        let (bytes, keys) = match (rest, writer) {
            ("early application data", TraceSide::Client) => {
                let s = self.client_early.as_ref().expect(&missing);
                (s.as_bytes(), s.traffic_keys(aead))
            }
            ("handshake data", TraceSide::Client) => {
                let s = self.client_handshake.as_ref().expect(&missing);
                (s.as_bytes(), s.traffic_keys(aead))
            }
            ("handshake data", TraceSide::Server) => {
                let s = self.server_handshake.as_ref().expect(&missing);
                (s.as_bytes(), s.traffic_keys(aead))
            }
            ("application data", TraceSide::Client) => {
                let s = self.client_application.as_ref().expect(&missing);
                (s.as_bytes(), s.traffic_keys(aead))
            }
            ("application data", TraceSide::Server) => {
                let s = self.server_application.as_ref().expect(&missing);
                (s.as_bytes(), s.traffic_keys(aead))
            }
            _ => panic!("unexpected step {:?}", step.title),
        };
        (bytes.to_vec(), keys.expect("traffic keys"))
    }
}

/// The (EC)DHE shared secret from the trace's private keys, computed both ways, checked
/// against the public keys and the IKM the trace shows.
fn ecdhe(ctx: &str, provider: &dyn CryptoProvider, section: &Section, ikm: &[u8]) -> Vec<u8> {
    let key_pair = |side: TraceSide| -> (NamedGroup, &Step) {
        let step = section
            .steps
            .iter()
            .rev()
            .find(|s| s.side == side && s.title.starts_with("create an ephemeral "))
            .expect("key pair step");
        let group = if step.title.contains("x25519") {
            NamedGroup::X25519
        } else if step.title.contains("P-256") {
            NamedGroup::Secp256r1
        } else {
            panic!("unknown group in {:?}", step.title)
        };
        (group, step)
    };
    let (group, client) = key_pair(TraceSide::Client);
    let (server_group, server) = key_pair(TraceSide::Server);
    assert_eq!(group, server_group);
    let kx = provider
        .key_exchange(group)
        .unwrap_or_else(|| panic!("{ctx}: provider lacks {}", group.name()));
    let mut results = Vec::new();
    for (mine, theirs) in [(server, client), (client, server)] {
        match kx.start_with_private_key(mine.field("private key")) {
            Ok(active) => {
                assert_bytes(
                    ctx,
                    "public key",
                    active.public_key(),
                    mine.field("public key"),
                );
                let shared = active
                    .complete(theirs.field("public key"))
                    .expect("key exchange");
                assert_bytes(ctx, "(EC)DHE shared secret", shared.as_bytes(), ikm);
                results.push(shared.as_bytes().to_vec());
                mine.mark_checked();
            }
            Err(CryptoError::Unsupported(why)) => {
                eprintln!(
                    "{ctx}: cannot import a {} private key ({why}); using the trace's IKM",
                    group.name()
                );
            }
            Err(e) => panic!("{ctx}: importing the trace's private key: {e}"),
        }
    }
    results.pop().unwrap_or_else(|| ikm.to_vec())
}

fn add(
    buffer: &mut Option<HandshakeHashBuffer>,
    transcript: &mut Option<TranscriptHash>,
    m: &[u8],
) {
    match (transcript.as_mut(), buffer.as_mut()) {
        (Some(t), _) => t.add_message(m),
        (None, Some(b)) => b.add_message(m),
        (None, None) => unreachable!("transcript or buffer exists"),
    }
}

fn started<'a>(
    buffer: &mut Option<HandshakeHashBuffer>,
    transcript: &'a mut Option<TranscriptHash>,
    kdf: &Kdf,
) -> &'a mut TranscriptHash {
    if transcript.is_none() {
        let b = buffer.take().expect("buffer before the hash is known");
        *transcript = Some(b.start(kdf.hash()));
    }
    transcript.as_mut().expect("started")
}

/// Replays one handshake of the trace with `provider`; `psk` is the resumption PSK
/// (for the resumed handshake).
fn replay(provider: &'static dyn CryptoProvider, section: &Section, psk: Option<&[u8]>) -> Secrets {
    let ctx = format!(
        "{} / RFC 8448 §{} {}",
        provider.name(),
        section.number,
        section.title
    );
    let ctx = ctx.as_str();
    let messages = handshake_messages(section);
    let server_hello = messages
        .iter()
        .rfind(|m| m.kind == "ServerHello")
        .expect("ServerHello");
    let (hash_alg, aead) = suite_of(&server_hello.bytes);
    let kdf = Kdf::new(provider, hash_alg).expect("kdf");
    let chk = Checker { ctx, section, kdf };
    let empty = *kdf.empty_transcript_hash();
    let zeros = vec![0u8; kdf.hash_len()];

    let mut secrets = Secrets::default();
    let client_hello = &messages.first().expect("messages").bytes;
    secrets.client_random.copy_from_slice(&client_hello[6..38]);

    // Early Secret.
    let early = EarlySecret::new(kdf, psk).expect("early secret");
    chk.extract(
        "extract secret \"early\"",
        b"",
        psk.unwrap_or(&zeros),
        early.as_bytes(),
    );
    let mut early = Some(early);
    let mut handshake_secret = None;
    let mut master_secret = None;

    let mut buffer = Some(HandshakeHashBuffer::new());
    let mut transcript: Option<TranscriptHash> = None;
    let mut client_hellos = 0;
    for message in &messages {
        let bytes = message.bytes.as_slice();
        match (message.side, message.kind.as_str()) {
            (TraceSide::Client, "ClientHello") => {
                client_hellos += 1;
                if let (Some(_), 1) = (psk, client_hellos) {
                    check_binder(
                        ctx,
                        section,
                        &kdf,
                        early.as_ref().expect("early"),
                        buffer.as_ref().expect("buffer"),
                        bytes,
                    );
                }
                add(&mut buffer, &mut transcript, bytes);
                if let (Some(_), 1) = (psk, client_hellos) {
                    // A client offering a PSK knows its hash: start hashing now.
                    let t = started(&mut buffer, &mut transcript, &kdf);
                    let ch_hash = t.current();
                    let early = early.as_ref().expect("early");
                    let c_e = early
                        .client_early_traffic_secret(&ch_hash)
                        .expect("c e traffic");
                    chk.derive(
                        "derive secret \"tls13 c e traffic\"",
                        early.as_bytes(),
                        b"c e traffic",
                        &ch_hash,
                        c_e.as_bytes(),
                    );
                    let e_exp = early
                        .early_exporter_master_secret(&ch_hash)
                        .expect("e exp master");
                    chk.derive(
                        "derive secret \"tls13 e exp master\"",
                        early.as_bytes(),
                        b"e exp master",
                        &ch_hash,
                        e_exp.as_bytes(),
                    );
                    assert!(e_exp.is_early());
                    secrets.client_early = Some(c_e);
                    secrets.early_exporter = Some(e_exp);
                }
            }
            (TraceSide::Server, "ServerHello") if is_hello_retry_request(bytes) => {
                let t = started(&mut buffer, &mut transcript, &kdf);
                let client_hello1 = t.current();
                t.replace_with_message_hash();
                let stateless =
                    TranscriptHash::starting_with_message_hash(kdf.hash(), &client_hello1)
                        .expect("message_hash transcript");
                assert_bytes(
                    ctx,
                    "stateless HRR transcript",
                    stateless.current().as_bytes(),
                    t.current().as_bytes(),
                );
                t.add_message(bytes);
            }
            (TraceSide::Server, "ServerHello") => {
                let t = started(&mut buffer, &mut transcript, &kdf);
                t.add_message(bytes);
                let hello_hash = t.current();
                let extract_step = section
                    .steps_with_values(None, "extract secret \"handshake\"")
                    .next()
                    .expect("handshake extract step");
                let shared = ecdhe(ctx, provider, section, extract_step.field("IKM"));
                let early = early.take().expect("early secret");
                let derived = kdf
                    .derive_secret(early.as_bytes(), b"derived", &empty)
                    .expect("derived");
                chk.derive(
                    "derive secret for handshake \"tls13 derived\"",
                    early.as_bytes(),
                    b"derived",
                    &empty,
                    derived.as_bytes(),
                );
                let hs = early
                    .into_handshake_secret(Some(&shared))
                    .expect("handshake secret");
                chk.extract(
                    "extract secret \"handshake\"",
                    derived.as_bytes(),
                    &shared,
                    hs.as_bytes(),
                );
                let c_hs = hs
                    .handshake_traffic_secret(Side::Client, &hello_hash)
                    .expect("c hs");
                let s_hs = hs
                    .handshake_traffic_secret(Side::Server, &hello_hash)
                    .expect("s hs");
                chk.derive(
                    "derive secret \"tls13 c hs traffic\"",
                    hs.as_bytes(),
                    b"c hs traffic",
                    &hello_hash,
                    c_hs.as_bytes(),
                );
                chk.derive(
                    "derive secret \"tls13 s hs traffic\"",
                    hs.as_bytes(),
                    b"s hs traffic",
                    &hello_hash,
                    s_hs.as_bytes(),
                );
                assert_eq!((c_hs.side(), s_hs.side()), (Side::Client, Side::Server));
                secrets.client_handshake = Some(c_hs);
                secrets.server_handshake = Some(s_hs);
                handshake_secret = Some(hs);
            }
            (TraceSide::Server, "Finished") => {
                let t = transcript.as_mut().expect("transcript");
                let s_hs = secrets.server_handshake.as_ref().expect("s hs");
                let key = s_hs.finished_key().expect("finished key");
                let hash = t.current();
                let verify_data = key.verify_data(&hash).expect("verify_data");
                check_finished_step(
                    ctx,
                    section.step(TraceSide::Server, "calculate finished \"tls13 finished\""),
                    &kdf,
                    s_hs.as_bytes(),
                    &key,
                    &verify_data,
                );
                check_finished_message(ctx, &key, &hash, bytes, &verify_data);
                t.add_message(bytes);
                let sf_hash = t.current();
                let hs = handshake_secret.take().expect("handshake secret");
                let derived = kdf
                    .derive_secret(hs.as_bytes(), b"derived", &empty)
                    .expect("derived");
                chk.derive(
                    "derive secret for master \"tls13 derived\"",
                    hs.as_bytes(),
                    b"derived",
                    &empty,
                    derived.as_bytes(),
                );
                let master = hs.into_master_secret().expect("master secret");
                chk.extract(
                    "extract secret \"master\"",
                    derived.as_bytes(),
                    &zeros,
                    master.as_bytes(),
                );
                let c_ap = master
                    .application_traffic_secret(Side::Client, &sf_hash)
                    .expect("c ap");
                let s_ap = master
                    .application_traffic_secret(Side::Server, &sf_hash)
                    .expect("s ap");
                let exp = master.exporter_master_secret(&sf_hash).expect("exp master");
                chk.derive(
                    "derive secret \"tls13 c ap traffic\"",
                    master.as_bytes(),
                    b"c ap traffic",
                    &sf_hash,
                    c_ap.as_bytes(),
                );
                chk.derive(
                    "derive secret \"tls13 s ap traffic\"",
                    master.as_bytes(),
                    b"s ap traffic",
                    &sf_hash,
                    s_ap.as_bytes(),
                );
                chk.derive(
                    "derive secret \"tls13 exp master\"",
                    master.as_bytes(),
                    b"exp master",
                    &sf_hash,
                    exp.as_bytes(),
                );
                assert_eq!((c_ap.generation(), s_ap.generation()), (0, 0));
                secrets.client_application = Some(c_ap);
                secrets.server_application = Some(s_ap);
                secrets.exporter = Some(exp);
                master_secret = Some(master);
            }
            (TraceSide::Client, "Finished") => {
                let t = transcript.as_mut().expect("transcript");
                let c_hs = secrets.client_handshake.as_ref().expect("c hs");
                let key = c_hs.finished_key().expect("finished key");
                let hash = t.current();
                let verify_data = key.verify_data(&hash).expect("verify_data");
                check_finished_step(
                    ctx,
                    section.step(TraceSide::Client, "calculate finished \"tls13 finished\""),
                    &kdf,
                    c_hs.as_bytes(),
                    &key,
                    &verify_data,
                );
                check_finished_message(ctx, &key, &hash, bytes, &verify_data);
                t.add_message(bytes);
                let cf_hash = t.current();
                let master = master_secret.take().expect("master secret");
                let master_bytes = master.as_bytes().to_vec();
                let rms = master
                    .into_resumption_master_secret(&cf_hash)
                    .expect("res master");
                chk.derive(
                    "derive secret \"tls13 res master\"",
                    &master_bytes,
                    b"res master",
                    &cf_hash,
                    rms.as_bytes(),
                );
                secrets.resumption = Some(rms);
            }
            (TraceSide::Server, "NewSessionTicket") => {
                // Post-handshake: not part of the transcript. RFC 8446 §4.6.1:
                // lifetime(4) age_add(4) ticket_nonce<0..255> ...
                let nonce_len = usize::from(bytes[12]);
                let nonce = &bytes[13..13 + nonce_len];
                let rms = secrets.resumption.as_ref().expect("res master");
                let psk = rms.ticket_psk(nonce).expect("ticket psk");
                for step in section.steps_with_values(
                    Some(TraceSide::Server),
                    "generate resumption secret \"tls13 resumption\"",
                ) {
                    assert_bytes(ctx, "resumption PRK", step.field("PRK"), rms.as_bytes());
                    assert_bytes(ctx, "ticket nonce", step.field("hash"), nonce);
                    let info = hkdf_label(kdf.hash_len(), b"resumption", nonce).expect("label");
                    assert_bytes(ctx, "resumption info", step.field("info"), &info);
                    assert_bytes(ctx, "ticket PSK", step.field("expanded"), psk.as_bytes());
                    step.mark_checked();
                }
                secrets.ticket_psk = Some(psk.as_bytes().to_vec());
            }
            _ => add(&mut buffer, &mut transcript, bytes),
        }
    }

    // Every traffic key and IV the trace derives.
    for step in section.steps.iter().filter(|s| {
        !s.fields.is_empty()
            && s.title.starts_with("derive ")
            && s.title.contains(" traffic keys for ")
    }) {
        let (secret, keys) = secrets.keys_for_step(step, aead);
        assert_bytes(
            ctx,
            &format!("{} PRK", step.title),
            step.field("PRK"),
            &secret,
        );
        assert_bytes(
            ctx,
            &format!("{} key info", step.title),
            step.field("key info"),
            &hkdf_label(aead.key_len(), b"key", b"").expect("label"),
        );
        assert_bytes(
            ctx,
            &format!("{} key", step.title),
            step.field("key expanded"),
            keys.key(),
        );
        assert_bytes(
            ctx,
            &format!("{} iv info", step.title),
            step.field("iv info"),
            &hkdf_label(12, b"iv", b"").expect("label"),
        );
        assert_bytes(
            ctx,
            &format!("{} iv", step.title),
            step.field("iv expanded"),
            keys.iv().as_bytes(),
        );
        step.mark_checked();
    }

    check_records(
        ctx,
        provider,
        section,
        &messages,
        &secrets,
        aead,
        psk.is_some(),
    );
    assert_all_checked(ctx, section);
    secrets
}

fn check_finished_message(
    ctx: &str,
    key: &FinishedKey,
    hash: &Digest,
    message: &[u8],
    verify_data: &VerifyData,
) {
    let len = verify_data.as_bytes().len();
    assert_bytes(
        ctx,
        "Finished header",
        &message[..4],
        &[20, 0, 0, len as u8],
    );
    assert_bytes(ctx, "Finished body", &message[4..], verify_data.as_bytes());
    assert_eq!(
        key.check(hash, &message[4..]),
        Ok(()),
        "{ctx}: Finished check"
    );
    let mut forged = message[4..].to_vec();
    forged[len - 1] ^= 1;
    assert_eq!(
        key.check(hash, &forged),
        Err(KeyScheduleError::FinishedMismatch),
        "{ctx}: forged Finished"
    );
    assert_eq!(
        key.check(hash, &message[4..len + 3]),
        Err(KeyScheduleError::FinishedMismatch),
        "{ctx}: short Finished"
    );
}

/// RFC 8446 §4.2.11.2: the binder over the truncated ClientHello.
fn check_binder(
    ctx: &str,
    section: &Section,
    kdf: &Kdf,
    early: &EarlySecret,
    buffer: &HandshakeHashBuffer,
    client_hello: &[u8],
) {
    let step = section.step(TraceSide::Client, "calculate PSK binder");
    let prefix = step.field("ClientHello prefix");
    let truncated_hash = buffer.hash_with_partial(kdf.hash(), prefix);
    assert_bytes(
        ctx,
        "binder hash",
        step.field("binder hash"),
        truncated_hash.as_bytes(),
    );
    let binder_key = early.binder_key(PskKind::Resumption).expect("binder key");
    assert_bytes(ctx, "binder key", step.field("PRK"), binder_key.as_bytes());
    assert_bytes(ctx, "binder hash field", step.field("hash"), b"");
    let info = hkdf_label(kdf.hash_len(), b"finished", b"").expect("label");
    assert_bytes(ctx, "binder info", step.field("info"), &info);
    let finished_key = binder_key.finished_key().expect("binder finished key");
    assert_bytes(
        ctx,
        "binder finished key",
        step.field("expanded"),
        finished_key.as_bytes(),
    );
    let binder = binder_key.binder(&truncated_hash).expect("binder");
    assert_bytes(ctx, "binder", step.field("finished"), binder.as_bytes());
    // The ClientHello ends with the binders list: u16 length, u8 length, binder.
    let tail = &client_hello[prefix.len()..];
    let mut expected_tail = vec![
        0,
        (binder.as_bytes().len() + 1) as u8,
        binder.as_bytes().len() as u8,
    ];
    expected_tail.extend_from_slice(binder.as_bytes());
    assert_bytes(ctx, "ClientHello binders", tail, &expected_tail);
    assert_eq!(binder_key.check_binder(&truncated_hash, &tail[3..]), Ok(()));
    let mut forged = tail[3..].to_vec();
    forged[0] ^= 0x80;
    assert_eq!(
        binder_key.check_binder(&truncated_hash, &forged),
        Err(KeyScheduleError::BinderMismatch),
        "{ctx}: forged binder"
    );
    // An external PSK would use a different binder key.
    let external = early.binder_key(PskKind::External).expect("ext binder key");
    assert_ne!(external.as_bytes(), binder_key.as_bytes());
    step.mark_checked();
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Epoch {
    Early,
    Handshake,
    Application,
}

/// Seals every encrypted record of the trace with the derived keys and the per-record
/// nonce (RFC 8446 §5.2, §5.3) and compares the result with the trace's ciphertext.
fn check_records(
    ctx: &str,
    provider: &dyn CryptoProvider,
    section: &Section,
    messages: &[Message],
    secrets: &Secrets,
    aead: AeadAlgorithm,
    early_data: bool,
) {
    let finished_of = |side: TraceSide| -> &[u8] {
        &messages
            .iter()
            .find(|m| m.side == side && m.kind == "Finished")
            .expect("Finished")
            .bytes
    };
    let mut client = (
        if early_data {
            Epoch::Early
        } else {
            Epoch::Handshake
        },
        0u64,
    );
    let mut server = (Epoch::Handshake, 0u64);
    let mut checked = 0;
    for step in &section.steps {
        let Some(content_type) = (match step.title.as_str() {
            "send handshake record" => Some(22u8),
            "send application_data record" => Some(23),
            "send alert record" => Some(21),
            _ => None,
        }) else {
            continue;
        };
        let record = step.field("complete record");
        if record[0] != 23 {
            continue; // plaintext ClientHello / ServerHello
        }
        let payload = step.field("payload");
        let state = match step.side {
            TraceSide::Client => &mut client,
            TraceSide::Server => &mut server,
        };
        let keys = match (step.side, state.0) {
            (TraceSide::Client, Epoch::Early) => secrets
                .client_early
                .as_ref()
                .expect("c e")
                .traffic_keys(aead),
            (TraceSide::Client, Epoch::Handshake) => secrets
                .client_handshake
                .as_ref()
                .expect("c hs")
                .traffic_keys(aead),
            (TraceSide::Client, Epoch::Application) => secrets
                .client_application
                .as_ref()
                .expect("c ap")
                .traffic_keys(aead),
            (TraceSide::Server, Epoch::Handshake) => secrets
                .server_handshake
                .as_ref()
                .expect("s hs")
                .traffic_keys(aead),
            (TraceSide::Server, Epoch::Application) => secrets
                .server_application
                .as_ref()
                .expect("s ap")
                .traffic_keys(aead),
            (TraceSide::Server, Epoch::Early) => unreachable!(),
        }
        .expect("traffic keys");
        let aead_key = keys.new_aead_key(provider).expect("AEAD key");
        let header = &record[..5];
        let mut body = payload.to_vec();
        body.push(content_type);
        assert_eq!(
            usize::from(u16::from_be_bytes([header[3], header[4]])),
            body.len() + TAG_LEN,
            "{ctx}: record length"
        );
        let mut tag = [0u8; TAG_LEN];
        aead_key
            .seal_in_place(&keys.nonce_for(state.1), header, &mut body, &mut tag)
            .expect("seal");
        body.extend_from_slice(&tag);
        assert_bytes(
            ctx,
            &format!(
                "{:?} record {} (epoch {:?}, sequence number {})",
                step.side, step.title, state.0, state.1
            ),
            &body,
            &record[5..],
        );
        step.mark_checked();
        checked += 1;
        state.1 += 1;
        if step.side == TraceSide::Client
            && state.0 == Epoch::Early
            && payload.starts_with(&[5, 0, 0, 0])
        {
            *state = (Epoch::Handshake, 0); // EndOfEarlyData sent
        } else if content_type == 22 && payload.ends_with(finished_of(step.side)) {
            *state = (Epoch::Application, 0);
        }
    }
    assert!(checked > 0, "{ctx}: no encrypted records");
}

/// Fails if any step that shows key material or an encrypted record was not compared.
fn assert_all_checked(ctx: &str, section: &Section) {
    let unchecked: Vec<String> = section
        .steps
        .iter()
        .filter(|s| !s.fields.is_empty() && !s.checked.get())
        .filter(|s| {
            ["extract ", "derive ", "calculate ", "generate "]
                .iter()
                .any(|p| s.title.starts_with(p))
                || s.fields
                    .iter()
                    .any(|f| f.name == "complete record" && f.bytes.first() == Some(&23))
        })
        .map(|s| format!("{:?} {}", s.side, s.title))
        .collect();
    assert!(
        unchecked.is_empty(),
        "{ctx}: steps not compared: {unchecked:#?}"
    );
}

fn replay_section(number: u32) {
    for provider in providers() {
        let trace = rfc8448::parse(TRACE);
        replay(provider, section(&trace, number), None);
    }
}

#[test]
fn rfc8448_trace_parses_completely() {
    let trace = rfc8448::parse(TRACE);
    let numbers: Vec<u32> = trace.iter().map(|s| s.number).collect();
    assert!(numbers.starts_with(&[1, 2, 3, 4, 5, 6, 7]), "{numbers:?}");
    for (number, min_steps) in [(3, 40), (4, 50), (5, 40), (6, 40), (7, 40)] {
        let s = section(&trace, number);
        assert!(
            s.steps.len() >= min_steps,
            "section {number}: {} steps",
            s.steps.len()
        );
    }
    // Spot-check a field split across a page break (§3, server handshake record).
    let s3 = section(&trace, 3);
    let record = s3
        .steps
        .iter()
        .filter(|s| s.side == TraceSide::Server && s.title == "send handshake record")
        .nth(1)
        .expect("record")
        .field("complete record");
    assert_eq!(record.len(), 679);
    assert_eq!(&record[..5], &[0x17, 0x03, 0x03, 0x02, 0xa2]);
    assert_eq!(&record[673..], &[0x94, 0xfb, 0x14, 0x76, 0xcf, 0xf0]);
}

#[test]
fn rfc8448_simple_1rtt() {
    replay_section(3);
}

#[test]
fn rfc8448_resumed_0rtt() {
    for provider in providers() {
        let trace = rfc8448::parse(TRACE);
        let first = replay(provider, section(&trace, 3), None);
        let psk = first.ticket_psk.expect("§3 issues a ticket");
        // §4 resumes with the PSK of §3's ticket: the IKM of its Early Secret.
        replay(provider, section(&trace, 4), Some(&psk));
    }
}

#[test]
fn rfc8448_hello_retry_request() {
    replay_section(5);
}

#[test]
fn rfc8448_client_auth() {
    replay_section(6);
}

#[test]
fn rfc8448_compatibility_mode() {
    replay_section(7);
}

/// Collects key log lines in memory.
type LogEntry = (KeyLogLabel, Vec<u8>, Vec<u8>);

#[derive(Debug, Default)]
struct Collect(Mutex<Vec<LogEntry>>);

impl KeyLog for Collect {
    fn log(&self, label: KeyLogLabel, client_random: &[u8; 32], secret: &[u8]) {
        self.0
            .lock()
            .expect("lock")
            .push((label, client_random.to_vec(), secret.to_vec()));
    }
}

#[test]
fn rfc8448_key_log_lines() {
    for provider in providers() {
        let trace = rfc8448::parse(TRACE);
        let s3 = replay(provider, section(&trace, 3), None);
        let s4 = replay(provider, section(&trace, 4), s3.ticket_psk.as_deref());
        let log = Collect::default();
        for s in [&s3, &s4] {
            let random = &s.client_random;
            if let Some(c_e) = &s.client_early {
                c_e.log(&log, random);
            }
            if let Some(e_exp) = &s.early_exporter {
                e_exp.log(&log, random);
            }
            s.client_handshake.as_ref().expect("c hs").log(&log, random);
            s.server_handshake.as_ref().expect("s hs").log(&log, random);
            s.client_application
                .as_ref()
                .expect("c ap")
                .log(&log, random);
            s.server_application
                .as_ref()
                .expect("s ap")
                .log(&log, random);
            s.exporter.as_ref().expect("exp").log(&log, random);
            // A later generation has no NSS label and is not logged.
            s.client_application
                .as_ref()
                .expect("c ap")
                .next()
                .expect("next")
                .log(&log, random);
        }
        let lines = log.0.into_inner().expect("lock");
        let labels: Vec<KeyLogLabel> = lines.iter().map(|l| l.0).collect();
        use KeyLogLabel::*;
        assert_eq!(
            labels,
            [
                ClientHandshakeTrafficSecret,
                ServerHandshakeTrafficSecret,
                ClientTrafficSecret0,
                ServerTrafficSecret0,
                ExporterSecret,
                ClientEarlyTrafficSecret,
                EarlyExporterSecret,
                ClientHandshakeTrafficSecret,
                ServerHandshakeTrafficSecret,
                ClientTrafficSecret0,
                ServerTrafficSecret0,
                ExporterSecret,
            ]
        );
        // The §3 lines carry the trace's ClientHello random and secrets.
        let s3_trace = section(&trace, 3);
        let expect = |i: usize, title: &str| {
            let step = s3_trace
                .steps_with_values(None, title)
                .next()
                .expect("step");
            assert_eq!(lines[i].1, s3.client_random.to_vec());
            assert_bytes(provider.name(), title, &lines[i].2, step.field("expanded"));
        };
        expect(0, "derive secret \"tls13 c hs traffic\"");
        expect(1, "derive secret \"tls13 s hs traffic\"");
        expect(2, "derive secret \"tls13 c ap traffic\"");
        expect(3, "derive secret \"tls13 s ap traffic\"");
        expect(4, "derive secret \"tls13 exp master\"");
    }
}

/// The replays above run with every backend the workspace builds: ring, RustCrypto and
/// OpenSSL (the dev-dependency on `tlskit-providers` keeps its default features).
#[test]
fn rfc8448_runs_with_every_backend() {
    let names: Vec<&str> = providers().iter().map(|p| p.name()).collect();
    eprintln!("providers under test: {names:?}");
    assert_eq!(names, ["ring", "rustcrypto", "openssl"]);
}
