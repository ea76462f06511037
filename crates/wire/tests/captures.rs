//! ClientHellos and TLS 1.2 server flights captured from real clients and servers
//! (OpenSSL 3.0 s_client / s_server, curl 7.88): see testdata/captures/README.md.

use tlskit_wire::*;

fn load(text: &str) -> Vec<u8> {
    hex::decode(text.trim()).unwrap()
}

/// Deframes a captured stream, joins handshake messages up to the ChangeCipherSpec, and
/// returns (encoded messages, number of records in the whole stream).
fn plaintext_messages(stream: &[u8]) -> (Vec<Vec<u8>>, usize) {
    let mut d = Deframer::new();
    let mut j = HandshakeJoiner::new();
    let mut messages = Vec::new();
    let mut records = 0;
    let mut encrypted = false;
    let mut rest = stream;
    while !rest.is_empty() {
        let n = d.push(rest);
        rest = &rest[n..];
        while let Some(rec) = d.pop().unwrap() {
            records += 1;
            if rec.content_type == ContentType::CHANGE_CIPHER_SPEC {
                ChangeCipherSpec::decode(rec.payload).unwrap();
                encrypted = true;
            } else if rec.content_type == ContentType::HANDSHAKE && !encrypted {
                j.push(rec.payload).unwrap();
                while let Some(raw) = j.pop().unwrap() {
                    messages.push(raw.encoded.to_vec());
                }
            }
        }
    }
    assert!(!d.has_partial_record());
    (messages, records)
}

fn decode(bytes: &[u8], v: TlsVersion) -> HandshakeMessage<'_> {
    let m = HandshakeMessage::decode(bytes, v).unwrap();
    assert_eq!(m.to_vec().unwrap(), bytes, "re-encodes byte for byte");
    m
}

const OPENSSL_TLS12_SIGALGS: [u16; 20] = [
    0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0804, 0x0805, 0x0806, 0x0401,
    0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602,
];

#[test]
fn capture_openssl_s_client_tls12_client_hello() {
    let (msgs, _) = plaintext_messages(&load(include_str!(
        "../testdata/captures/openssl_tls12.client.hex"
    )));
    let HandshakeMessage::ClientHello(ch) = decode(&msgs[0], TlsVersion::Tls12) else {
        panic!("not a ClientHello")
    };
    assert_eq!(ch.legacy_version, ProtocolVersion::TLS12);
    assert!(ch.legacy_session_id.0.is_empty());
    assert_eq!(ch.cipher_suites.len(), 28);
    assert_eq!(
        ch.cipher_suites.get(0),
        Some(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384)
    );
    assert!(ch
        .cipher_suites
        .contains(&CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256));
    assert_eq!(
        ch.cipher_suites.get(27),
        Some(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV)
    );
    assert_eq!(
        ch.compression_methods.iter().collect::<Vec<_>>(),
        [Compression::NULL]
    );
    let e = ch.extensions;
    assert_eq!(
        e.types().map(|t| t.0).collect::<Vec<_>>(),
        [0, 11, 10, 35, 22, 23, 13]
    );
    assert_eq!(e.server_name(), Some(&b"localhost"[..]));
    assert_eq!(e.ec_point_formats().unwrap().len(), 3);
    assert_eq!(
        e.supported_groups().unwrap().iter().collect::<Vec<_>>(),
        [
            NamedGroup::X25519,
            NamedGroup::SECP256R1,
            NamedGroup::X448,
            NamedGroup::SECP521R1,
            NamedGroup::SECP384R1
        ]
    );
    assert_eq!(e.session_ticket(), Some(&[][..]));
    assert!(matches!(
        e.get(ExtensionType::ENCRYPT_THEN_MAC),
        Some(Extension::Unknown { data: [], .. })
    ));
    assert_eq!(
        e.get(ExtensionType::EXTENDED_MASTER_SECRET),
        Some(Extension::ExtendedMasterSecret)
    );
    assert_eq!(
        e.signature_algorithms()
            .unwrap()
            .iter()
            .map(|s| s.0)
            .collect::<Vec<_>>(),
        OPENSSL_TLS12_SIGALGS
    );
    assert!(!ch.offers_tls13());
    // ClientKeyExchange (x25519, 32 bytes) follows.
    let HandshakeMessage::ClientKeyExchange(cke) = decode(&msgs[1], TlsVersion::Tls12) else {
        panic!("not a ClientKeyExchange")
    };
    assert_eq!(cke.ecdhe_public().unwrap().len(), 32);
    assert_eq!(msgs.len(), 2);
}

#[test]
fn capture_openssl_s_server_tls12_flight() {
    let (msgs, records) = plaintext_messages(&load(include_str!(
        "../testdata/captures/openssl_tls12.server.hex"
    )));
    assert_eq!(records, 8);
    let types: Vec<_> = msgs
        .iter()
        .map(|m| decode(m, TlsVersion::Tls12).typ())
        .collect();
    assert_eq!(
        types,
        [
            HandshakeType::SERVER_HELLO,
            HandshakeType::CERTIFICATE,
            HandshakeType::SERVER_KEY_EXCHANGE,
            HandshakeType::SERVER_HELLO_DONE,
            HandshakeType::NEW_SESSION_TICKET
        ]
    );
    let HandshakeMessage::ServerHello(sh) = decode(&msgs[0], TlsVersion::Tls12) else {
        panic!("not a ServerHello")
    };
    // An OpenSSL server that supports TLS 1.3 marks a TLS 1.2 ServerHello (RFC 8446 §4.1.3).
    assert_eq!(
        sh.random.downgrade_sentinel(),
        Some(DowngradeSentinel::Tls12)
    );
    assert_eq!(
        sh.cipher_suite,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
    );
    assert_eq!(sh.selected_version(), ProtocolVersion::TLS12);
    assert_eq!(
        sh.extensions.types().map(|t| t.0).collect::<Vec<_>>(),
        [0xff01, 11, 35, 23]
    );
    let HandshakeMessage::Certificate12(cert) = decode(&msgs[1], TlsVersion::Tls12) else {
        panic!("not a Certificate")
    };
    let certs: Vec<_> = cert.certificate_list.iter().collect();
    assert_eq!(certs.len(), 1);
    assert_eq!(certs[0].0[0], 0x30, "DER SEQUENCE");
    let (ske, params) = ServerKeyExchange::decode_with_params(&msgs[2][4..]).unwrap();
    assert_eq!(ske.params.named_group, NamedGroup::X25519);
    assert_eq!(ske.params.public.len(), 32);
    assert_eq!(
        ske.signed_params.algorithm,
        SignatureScheme::ECDSA_SECP256R1_SHA256
    );
    assert_eq!(params, ske.params.to_vec().unwrap());
    assert_eq!(params.len(), 4 + 32);
    let HandshakeMessage::NewSessionTicket12(nst) = decode(&msgs[4], TlsVersion::Tls12) else {
        panic!("not a NewSessionTicket")
    };
    assert_eq!(nst.ticket_lifetime_hint, 7200);
    assert!(!nst.ticket.is_empty());
}

#[test]
fn capture_openssl_tls12_certificate_request() {
    let (msgs, _) = plaintext_messages(&load(include_str!(
        "../testdata/captures/openssl_tls12_rsa_certreq.server.hex"
    )));
    let HandshakeMessage::CertificateRequest12(cr) = decode(&msgs[3], TlsVersion::Tls12) else {
        panic!("not a CertificateRequest")
    };
    assert_eq!(
        cr.certificate_types.iter().collect::<Vec<_>>(),
        [
            ClientCertificateType::RSA_SIGN,
            ClientCertificateType::DSS_SIGN,
            ClientCertificateType::ECDSA_SIGN
        ]
    );
    assert_eq!(
        cr.supported_signature_algorithms
            .iter()
            .map(|s| s.0)
            .collect::<Vec<_>>(),
        OPENSSL_TLS12_SIGALGS
    );
    assert!(cr.certificate_authorities.is_empty());
    let HandshakeMessage::ServerKeyExchange(ske) = decode(&msgs[2], TlsVersion::Tls12) else {
        panic!("not a ServerKeyExchange")
    };
    assert_eq!(
        ske.signed_params.algorithm,
        SignatureScheme::RSA_PSS_RSAE_SHA256
    );
    assert_eq!(ske.signed_params.signature.len(), 256);

    // The client had no certificate: an empty TLS 1.2 Certificate message.
    let (client, _) = plaintext_messages(&load(include_str!(
        "../testdata/captures/openssl_tls12_rsa_certreq.client.hex"
    )));
    let HandshakeMessage::Certificate12(empty) = decode(&client[1], TlsVersion::Tls12) else {
        panic!("not a Certificate")
    };
    assert!(empty.certificate_list.is_empty());
    assert_eq!(client[1], [11, 0, 0, 3, 0, 0, 0]);
}

#[test]
fn capture_openssl_s_client_tls13_client_hello() {
    let (msgs, records) = plaintext_messages(&load(include_str!(
        "../testdata/captures/openssl_tls13.client.hex"
    )));
    assert_eq!(records, 4);
    let HandshakeMessage::ClientHello(ch) = decode(&msgs[0], TlsVersion::Tls13) else {
        panic!("not a ClientHello")
    };
    assert_eq!(
        ch.legacy_session_id.0.len(),
        32,
        "middlebox compatibility mode"
    );
    assert_eq!(
        ch.cipher_suites.iter().collect::<Vec<_>>(),
        [
            CipherSuite::TLS13_AES_256_GCM_SHA384,
            CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
            CipherSuite::TLS13_AES_128_GCM_SHA256,
            CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV
        ]
    );
    let e = ch.extensions;
    assert_eq!(
        e.types().map(|t| t.0).collect::<Vec<_>>(),
        [0, 11, 10, 35, 22, 23, 13, 43, 45, 51]
    );
    assert_eq!(
        e.supported_versions().unwrap().iter().collect::<Vec<_>>(),
        [ProtocolVersion::TLS13]
    );
    assert_eq!(
        e.psk_key_exchange_modes()
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        [PskKeyExchangeMode::PSK_DHE_KE]
    );
    let shares: Vec<_> = e.key_share_client().unwrap().iter().collect();
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0].group, NamedGroup::X25519);
    assert_eq!(shares[0].key_exchange.len(), 32);
    assert_eq!(e.signature_algorithms().unwrap().len(), 14);
    assert_eq!(e.supported_groups().unwrap().len(), 10);
    assert!(ch.offers_tls13());

    let (server, _) = plaintext_messages(&load(include_str!(
        "../testdata/captures/openssl_tls13.server.hex"
    )));
    let HandshakeMessage::ServerHello(sh) = decode(&server[0], TlsVersion::Tls13) else {
        panic!("not a ServerHello")
    };
    assert_eq!(sh.legacy_session_id_echo, ch.legacy_session_id);
    assert_eq!(sh.selected_version(), ProtocolVersion::TLS13);
    assert_eq!(sh.cipher_suite, CipherSuite::TLS13_AES_256_GCM_SHA384);
    assert_eq!(
        sh.extensions.key_share_server().unwrap().group,
        NamedGroup::X25519
    );
    assert_eq!(sh.random.downgrade_sentinel(), None);
}

#[test]
fn capture_curl_client_hello() {
    let (msgs, _) = plaintext_messages(&load(include_str!("../testdata/captures/curl.client.hex")));
    let HandshakeMessage::ClientHello(ch) = decode(&msgs[0], TlsVersion::Tls13) else {
        panic!("not a ClientHello")
    };
    assert_eq!(msgs[0].len(), 512, "padded to 512 bytes (RFC 7685)");
    assert_eq!(ch.cipher_suites.len(), 31);
    let e = ch.extensions;
    assert_eq!(
        e.types().map(|t| t.0).collect::<Vec<_>>(),
        [0, 11, 10, 16, 22, 23, 49, 13, 43, 45, 51, 21]
    );
    let alpn: Vec<_> = e.alpn().unwrap().iter().map(|p| p.0).collect();
    assert_eq!(alpn, [&b"h2"[..], &b"http/1.1"[..]]);
    assert_eq!(
        e.get(ExtensionType::POST_HANDSHAKE_AUTH),
        Some(Extension::PostHandshakeAuth)
    );
    assert_eq!(
        e.supported_versions().unwrap().iter().collect::<Vec<_>>(),
        [
            ProtocolVersion::TLS13,
            ProtocolVersion::TLS12,
            ProtocolVersion::TLS11,
            ProtocolVersion::TLS10
        ]
    );
    assert!(matches!(
        e.get(ExtensionType::PADDING),
        Some(Extension::Unknown { data, .. }) if data.iter().all(|&b| b == 0)
    ));
    let text = HandshakeMessage::ClientHello(ch).to_string();
    assert!(text.contains("application_layer_protocol_negotiation (16): \"h2\", \"http/1.1\""));
}

#[test]
fn capture_curl_tls12_flight() {
    let (client, _) = plaintext_messages(&load(include_str!(
        "../testdata/captures/curl_tls12.client.hex"
    )));
    let HandshakeMessage::ClientHello(ch) = decode(&client[0], TlsVersion::Tls12) else {
        panic!("not a ClientHello")
    };
    assert!(ch.extensions.alpn().is_some());
    assert!(ch.extensions.supported_versions().is_none());
    let (server, records) = plaintext_messages(&load(include_str!(
        "../testdata/captures/curl_tls12.server.hex"
    )));
    assert!(records > 5);
    let HandshakeMessage::ServerHello(sh) = decode(&server[0], TlsVersion::Tls12) else {
        panic!("not a ServerHello")
    };
    assert_eq!(
        sh.cipher_suite,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    );
    assert_eq!(sh.legacy_session_id_echo.0.len(), 32);
    assert_eq!(
        decode(&server[3], TlsVersion::Tls12),
        HandshakeMessage::ServerHelloDone
    );
}

/// Every captured stream, fed in every chunk size from 1 to 64 bytes, deframes to the same
/// records.
#[test]
fn capture_streams_deframe_in_any_chunking() {
    for text in [
        include_str!("../testdata/captures/openssl_tls12.server.hex"),
        include_str!("../testdata/captures/curl.server.hex"),
        include_str!("../testdata/captures/curl.client.hex"),
    ] {
        let stream = load(text);
        let mut reference = Vec::new();
        let mut d = Deframer::new();
        d.push(&stream);
        while let Some(r) = d.pop().unwrap() {
            reference.push((r.content_type, r.payload.to_vec()));
        }
        for chunk in 1..=64 {
            let mut d = Deframer::new();
            let mut got = Vec::new();
            for piece in stream.chunks(chunk) {
                assert_eq!(d.push(piece), piece.len());
                while let Some(r) = d.pop().unwrap() {
                    got.push((r.content_type, r.payload.to_vec()));
                }
            }
            assert_eq!(got, reference, "chunk size {chunk}");
        }
    }
}
