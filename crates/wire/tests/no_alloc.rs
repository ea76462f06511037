//! Decoding does not allocate: decoding every message of the corpus, and walking every
//! list and extension in it, makes zero heap allocations (counted by a global allocator).
//! One test per binary so no other test allocates concurrently.

mod fixtures;

use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;
use tlskit_wire::*;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn walk(msg: &HandshakeMessage<'_>) -> usize {
    let mut n = 0;
    match msg {
        HandshakeMessage::ClientHello(ch) => {
            n += ch.cipher_suites.iter().count() + ch.compression_methods.iter().count();
            n += walk_exts(&ch.extensions);
            n += ch.extensions.server_name().map_or(0, <[u8]>::len);
            n += ch.psk_binders_offset().unwrap_or(0);
        }
        HandshakeMessage::ServerHello(sh) | HandshakeMessage::HelloRetryRequest(sh) => {
            n += walk_exts(&sh.extensions);
            n += usize::from(sh.is_hello_retry_request());
        }
        HandshakeMessage::EncryptedExtensions(e) => n += walk_exts(e),
        HandshakeMessage::Certificate13(c) => {
            for e in c.certificate_list.iter() {
                n += e.cert_data.len() + walk_exts(&e.extensions);
            }
        }
        HandshakeMessage::Certificate12(c) => n += c.certificate_list.iter().count(),
        HandshakeMessage::CertificateRequest13(c) => n += walk_exts(&c.extensions),
        HandshakeMessage::CertificateRequest12(c) => {
            n += c.supported_signature_algorithms.iter().count()
                + c.certificate_types.iter().count();
        }
        HandshakeMessage::NewSessionTicket13(t) => n += walk_exts(&t.extensions),
        _ => n += 1,
    }
    n
}

fn walk_exts(e: &Extensions<'_>) -> usize {
    let mut n = 0;
    for ext in e.iter() {
        n += 1;
        match ext {
            Extension::SupportedGroups(l) => n += l.iter().count(),
            Extension::SignatureAlgorithms(l) => n += l.iter().count(),
            Extension::KeyShareClient(l) => {
                n += l.iter().map(|k| k.key_exchange.len()).sum::<usize>()
            }
            Extension::Alpn(l) => n += l.iter().count(),
            Extension::PreSharedKey(p) => {
                n += p.identities.iter().count() + p.binders.iter().count()
            }
            _ => {}
        }
    }
    n
}

#[test]
fn decoding_does_not_allocate() {
    let mut corpus: Vec<(Vec<u8>, TlsVersion)> = fixtures::rfc8448()
        .into_iter()
        .filter(|(n, _)| {
            !n.contains(".record.") && !n.contains("Prefix") && n != "resumed.client.ClientHello.1"
        })
        .map(|(_, b)| (b, TlsVersion::Tls13))
        .collect();
    for (text, v) in [
        (
            include_str!("../testdata/captures/curl.client.hex"),
            TlsVersion::Tls13,
        ),
        (
            include_str!("../testdata/captures/openssl_tls12_rsa_certreq.server.hex"),
            TlsVersion::Tls12,
        ),
    ] {
        let stream = hex::decode(text.trim()).unwrap();
        let mut d = Deframer::new();
        d.push(&stream);
        let mut j = HandshakeJoiner::new();
        while let Some(r) = d.pop().unwrap() {
            if r.content_type != ContentType::HANDSHAKE {
                break;
            }
            j.push(r.payload).unwrap();
            while let Some(m) = j.pop().unwrap() {
                corpus.push((m.encoded.to_vec(), v));
            }
        }
    }
    assert!(corpus.len() > 45);

    let region = Region::new(GLOBAL);
    let mut total = 0;
    for (bytes, v) in &corpus {
        let msg = HandshakeMessage::decode(bytes, *v).unwrap();
        total += walk(&msg);
    }
    let stats = region.change();
    assert!(total > 1000);
    assert_eq!(
        stats.allocations,
        0,
        "decoding {} messages allocated: {stats:?}",
        corpus.len()
    );
    assert_eq!(stats.reallocations, 0);

    // The counter does count: encoding into a fresh Vec allocates.
    let region = Region::new(GLOBAL);
    let encoded = HandshakeMessage::decode(&corpus[0].0, corpus[0].1)
        .unwrap()
        .to_vec()
        .unwrap();
    assert!(region.change().allocations >= 1);
    assert_eq!(encoded, corpus[0].0);
}
