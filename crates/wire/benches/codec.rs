//! Codec benchmarks: decode real ClientHellos, encode server hello flights, deframe 64 KiB of
//! mixed records (and join the handshake messages in them).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tlskit_wire::*;

fn curl_client_hello() -> Vec<u8> {
    let stream = hex::decode(include_str!("../testdata/captures/curl.client.hex").trim()).unwrap();
    let mut d = Deframer::new();
    d.push(&stream);
    d.pop().unwrap().unwrap().payload.to_vec()
}

fn rfc8448_client_hello() -> Vec<u8> {
    let text = include_str!("../testdata/rfc8448.txt");
    let line = text
        .lines()
        .find(|l| l.starts_with("simple.client.ClientHello.1 "))
        .unwrap();
    hex::decode(line.split_once(' ').unwrap().1).unwrap()
}

fn bench_decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    for (name, bytes) in [
        ("client_hello_curl_512B", curl_client_hello()),
        ("client_hello_rfc8448_196B", rfc8448_client_hello()),
    ] {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| HandshakeMessage::decode(black_box(&bytes), TlsVersion::Tls13).unwrap())
        });
        // Decode and read every field a server looks at.
        g.bench_function(format!("{name}_and_walk"), |b| {
            b.iter(|| {
                let HandshakeMessage::ClientHello(ch) =
                    HandshakeMessage::decode(black_box(&bytes), TlsVersion::Tls13).unwrap()
                else {
                    unreachable!()
                };
                let e = ch.extensions;
                let n = ch.cipher_suites.iter().filter(|c| c.0 >> 8 == 0x13).count()
                    + e.supported_groups().map_or(0, |l| l.iter().count())
                    + e.signature_algorithms().map_or(0, |l| l.iter().count())
                    + e.key_share_client().map_or(0, |l| l.iter().count())
                    + e.server_name().map_or(0, <[u8]>::len)
                    + e.supported_versions().map_or(0, |l| l.iter().count());
                black_box(n)
            })
        });
    }
    g.finish();
}

fn bench_encode(c: &mut Criterion) {
    let cert = vec![0x30u8; 800];
    let sig = vec![0x5au8; 256];
    let key = [0x11u8; 32];
    let groups = [NamedGroup::X25519, NamedGroup::SECP256R1];

    let sh13_exts = [
        Extension::SelectedVersion(ProtocolVersion::TLS13),
        Extension::KeyShareServer(KeyShareEntry {
            group: NamedGroup::X25519,
            key_exchange: &key,
        }),
    ];
    let ee = [Extension::SupportedGroups(List::new(&groups))];
    let entries = [CertificateEntry {
        cert_data: &cert,
        extensions: Extensions::empty(),
    }];
    let tls13_flight = [
        HandshakeMessage::ServerHello(ServerHello {
            legacy_version: ProtocolVersion::TLS12,
            random: Random([7; 32]),
            legacy_session_id_echo: SessionId(&[9; 32]),
            cipher_suite: CipherSuite::TLS13_AES_128_GCM_SHA256,
            compression_method: Compression::NULL,
            extensions: Extensions::new(&sh13_exts),
        }),
        HandshakeMessage::EncryptedExtensions(Extensions::new(&ee)),
        HandshakeMessage::Certificate13(Certificate13 {
            certificate_request_context: &[],
            certificate_list: List::new(&entries),
        }),
        HandshakeMessage::CertificateVerify(DigitallySigned {
            algorithm: SignatureScheme::RSA_PSS_RSAE_SHA256,
            signature: &sig,
        }),
        HandshakeMessage::Finished(&[3; 32]),
    ];

    let sh12_exts = [
        Extension::RenegotiationInfo(&[]),
        Extension::ExtendedMasterSecret,
        Extension::EcPointFormats(List::new(&[EcPointFormat::UNCOMPRESSED])),
    ];
    let certs = [CertificateDer(&cert)];
    let tls12_flight = [
        HandshakeMessage::ServerHello(ServerHello {
            legacy_version: ProtocolVersion::TLS12,
            random: Random([7; 32]),
            legacy_session_id_echo: SessionId(&[9; 32]),
            cipher_suite: CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            compression_method: Compression::NULL,
            extensions: Extensions::new(&sh12_exts),
        }),
        HandshakeMessage::Certificate12(Certificate12 {
            certificate_list: List::new(&certs),
        }),
        HandshakeMessage::ServerKeyExchange(ServerKeyExchange {
            params: EcdheParams {
                named_group: NamedGroup::X25519,
                public: &key,
            },
            signed_params: DigitallySigned {
                algorithm: SignatureScheme::RSA_PSS_RSAE_SHA256,
                signature: &sig,
            },
        }),
        HandshakeMessage::ServerHelloDone,
    ];

    let mut g = c.benchmark_group("encode");
    for (name, flight) in [
        ("tls13_server_flight", &tls13_flight[..]),
        ("tls12_server_flight", &tls12_flight[..]),
    ] {
        let mut out = Vec::with_capacity(4096);
        g.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                for m in black_box(flight) {
                    m.encode(&mut out).unwrap();
                }
                black_box(out.len())
            })
        });
        // The same flight, framed into plaintext records (one flight, one write).
        let mut body = Vec::with_capacity(4096);
        let mut records = Vec::with_capacity(4096);
        g.bench_function(format!("{name}_in_records"), |b| {
            b.iter(|| {
                body.clear();
                records.clear();
                for m in black_box(flight) {
                    m.encode(&mut body).unwrap();
                }
                record::write_fragmented(
                    &mut records,
                    ContentType::HANDSHAKE,
                    ProtocolVersion::TLS12,
                    &body,
                    MAX_PLAINTEXT_LEN,
                )
                .unwrap();
                black_box(records.len())
            })
        });
    }
    g.finish();
}

/// 64 KiB of mixed records: the captured TLS 1.2 server flight (handshake, CCS, encrypted
/// handshake, alert) followed by application-data records of assorted sizes.
fn mixed_stream() -> Vec<u8> {
    let mut s =
        hex::decode(include_str!("../testdata/captures/openssl_tls12.server.hex").trim()).unwrap();
    let sizes = [16usize, 1400, 64, 16384 + 24, 300, 8000, 5];
    let mut i = 0;
    while s.len() < 64 * 1024 {
        let n = sizes[i % sizes.len()]
            .min(64 * 1024 - s.len())
            .saturating_sub(5)
            .max(1);
        let payload = vec![0xa5u8; n];
        Record {
            content_type: ContentType::APPLICATION_DATA,
            version: ProtocolVersion::TLS12,
            payload: &payload,
        }
        .encode(&mut s)
        .unwrap();
        i += 1;
    }
    s
}

fn bench_deframe(c: &mut Criterion) {
    let stream = mixed_stream();
    let mut g = c.benchmark_group("deframe");
    g.throughput(Throughput::Bytes(stream.len() as u64));
    for chunk in [1460usize, 16 * 1024, 64 * 1024] {
        g.bench_function(format!("64KiB_mixed_chunks_of_{chunk}"), |b| {
            let mut d = Deframer::new();
            let mut j = HandshakeJoiner::new();
            b.iter(|| {
                let mut records = 0usize;
                for piece in black_box(&stream).chunks(chunk) {
                    let mut rest = piece;
                    while !rest.is_empty() {
                        let n = d.push(rest);
                        rest = &rest[n..];
                        while let Some(r) = d.pop().unwrap() {
                            records += 1;
                            if r.content_type == ContentType::HANDSHAKE && records < 6 {
                                j.push(r.payload).unwrap();
                                while let Some(m) = j.pop().unwrap() {
                                    black_box(m.encoded);
                                }
                            }
                        }
                    }
                }
                records
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_decode, bench_encode, bench_deframe);
criterion_main!(benches);
