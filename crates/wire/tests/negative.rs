//! Negative tests: truncation at every byte, every length field off by one, oversize
//! records and messages, duplicate extensions, forbidden empty lists. Each yields a typed
//! error with the right alert, never a panic.

mod fixtures;

use tlskit_wire::*;

/// Every message of the RFC 8448 traces and the captures, as (name, encoded, version).
fn corpus() -> Vec<(String, Vec<u8>, TlsVersion)> {
    let mut out = Vec::new();
    for (name, bytes) in fixtures::rfc8448() {
        if name.contains(".record.")
            || name.contains("Prefix")
            || name == "resumed.client.ClientHello.1"
        {
            continue;
        }
        out.push((name, bytes, TlsVersion::Tls13));
    }
    let mut d = Deframer::new();
    d.push(&fixtures::get(
        &fixtures::rfc8448(),
        "resumed.client.record.1",
    ));
    out.push((
        "resumed.client.ClientHello (full)".into(),
        d.pop().unwrap().unwrap().payload.to_vec(),
        TlsVersion::Tls13,
    ));
    for (name, text, version) in [
        (
            "openssl_tls12.server",
            include_str!("../testdata/captures/openssl_tls12.server.hex"),
            TlsVersion::Tls12,
        ),
        (
            "openssl_tls12_rsa_certreq.server",
            include_str!("../testdata/captures/openssl_tls12_rsa_certreq.server.hex"),
            TlsVersion::Tls12,
        ),
        (
            "openssl_tls12_rsa_certreq.client",
            include_str!("../testdata/captures/openssl_tls12_rsa_certreq.client.hex"),
            TlsVersion::Tls12,
        ),
        (
            "curl.client",
            include_str!("../testdata/captures/curl.client.hex"),
            TlsVersion::Tls13,
        ),
    ] {
        let stream = hex::decode(text.trim()).unwrap();
        let mut d = Deframer::new();
        d.push(&stream);
        let mut j = HandshakeJoiner::new();
        while let Some(r) = d.pop().unwrap() {
            if r.content_type == ContentType::CHANGE_CIPHER_SPEC {
                break;
            }
            if r.content_type == ContentType::HANDSHAKE {
                j.push(r.payload).unwrap();
                while let Some(m) = j.pop().unwrap() {
                    out.push((format!("{name}.{}", m.typ), m.encoded.to_vec(), version));
                }
            }
        }
    }
    assert!(out.len() > 50);
    out
}

fn set_u24(bytes: &mut [u8], at: usize, v: usize) {
    bytes[at] = (v >> 16) as u8;
    bytes[at + 1] = (v >> 8) as u8;
    bytes[at + 2] = v as u8;
}

/// Cutting a message anywhere leaves a header that promises more than there is:
/// `decode_error`, at every byte position.
#[test]
fn truncated_messages_at_every_byte_are_decode_error() {
    let mut checked = 0;
    for (name, bytes, v) in corpus() {
        for cut in 0..bytes.len() {
            let e = HandshakeMessage::decode(&bytes[..cut], v)
                .err()
                .unwrap_or_else(|| panic!("{name} cut at {cut} decoded"));
            assert_eq!(
                e.alert(),
                AlertDescription::DecodeError,
                "{name} cut at {cut}: {e}"
            );
            assert_eq!(
                e.kind(),
                DecodeErrorKind::Truncated,
                "{name} cut at {cut}: {e}"
            );
            checked += 1;
        }
    }
    assert!(checked > 5_000, "{checked}");
}

/// Cutting the body and fixing the header's length exercises every inner length: the result
/// is `decode_error` unless the cut happens to leave a valid message (a TLS 1.2 hello
/// without extensions, a shorter Finished), which must then re-encode to exactly the cut
/// bytes.
#[test]
fn truncated_bodies_at_every_byte_are_decode_error_or_valid() {
    let mut errors = 0;
    let mut still_valid = 0;
    for (name, bytes, v) in corpus() {
        for cut in 4..bytes.len() {
            let mut m = bytes[..cut].to_vec();
            set_u24(&mut m, 1, cut - 4);
            match HandshakeMessage::decode(&m, v) {
                Err(e) => {
                    assert!(
                        e.alert() == AlertDescription::DecodeError
                            || (e.alert() == AlertDescription::IllegalParameter
                                && name.contains("ClientHello")),
                        "{name} body cut at {cut}: {e}"
                    );
                    errors += 1;
                }
                Ok(msg) => {
                    assert_eq!(msg.to_vec().unwrap(), m, "{name} cut at {cut} re-encodes");
                    still_valid += 1;
                }
            }
        }
    }
    assert!(
        errors > 10 * still_valid,
        "{errors} errors, {still_valid} valid"
    );
}

/// A ClientHello's length fields as (offset, width, fixed_structure): the hello's own fields
/// and every length inside extensions this crate parses.
fn client_hello_length_fields(m: &[u8]) -> Vec<(usize, usize, bool)> {
    let rd16 = |at: usize| (usize::from(m[at]) << 8) | usize::from(m[at + 1]);
    let mut fields = vec![(1, 3, true)];
    let mut pos = 4 + 2 + 32;
    fields.push((pos, 1, true));
    pos += 1 + usize::from(m[pos]);
    fields.push((pos, 2, true));
    pos += 2 + rd16(pos);
    fields.push((pos, 1, true));
    pos += 1 + usize::from(m[pos]);
    fields.push((pos, 2, true));
    pos += 2;
    while pos < m.len() {
        let typ = rd16(pos);
        let len = rd16(pos + 2);
        let known =
            ExtensionType(typ as u16).name().is_some() && typ != 21 && typ != 22 && typ != 35;
        fields.push((pos + 2, 2, known));
        let body = pos + 4;
        match typ {
            // u16 list prefix
            0 | 10 | 13 | 16 | 47 | 50 => fields.push((body, 2, true)),
            // u8 list prefix
            11 | 43 | 45 | 0xff01 => fields.push((body, 1, true)),
            51 => {
                fields.push((body, 2, true));
                let mut e = body + 2;
                while e < body + len {
                    fields.push((e + 2, 2, true));
                    e += 4 + rd16(e + 2);
                }
            }
            41 => {
                fields.push((body, 2, true));
                let ids_end = body + 2 + rd16(body);
                fields.push((ids_end, 2, true));
            }
            _ => {}
        }
        pos = body + len;
    }
    fields
}

fn adjust(m: &mut [u8], at: usize, width: usize, delta: i64) -> bool {
    let mut v: i64 = 0;
    for i in 0..width {
        v = (v << 8) | i64::from(m[at + i]);
    }
    let nv = v + delta;
    if nv < 0 || nv >= 1 << (8 * width) {
        return false;
    }
    for i in 0..width {
        m[at + i] = (nv >> (8 * (width - 1 - i))) as u8;
    }
    true
}

/// Every length field of real ClientHellos, off by one either way: a typed error, and
/// `decode_error` for every field of a structure this crate parses.
#[test]
fn every_client_hello_length_field_off_by_one() {
    let mut checked = 0;
    for (name, bytes, v) in corpus()
        .into_iter()
        .filter(|c| c.0.contains("ClientHello") || c.0.contains("client_hello"))
    {
        let fields = client_hello_length_fields(&bytes);
        assert!(fields.len() > 12, "{name}: {} fields", fields.len());
        for (at, width, strict) in fields {
            for delta in [-1i64, 1] {
                let mut m = bytes.clone();
                if !adjust(&mut m, at, width, delta) {
                    continue;
                }
                let e = HandshakeMessage::decode(&m, v)
                    .err()
                    .unwrap_or_else(|| panic!("{name}: length at {at} {delta:+} decoded"));
                if strict {
                    assert_eq!(
                        e.alert(),
                        AlertDescription::DecodeError,
                        "{name}: length at {at} {delta:+}: {e}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

/// A message, its length fields as (offset, width), and its version.
type Case = (Vec<u8>, Vec<(usize, usize)>, TlsVersion);

/// The length fields of the other message types, off by one.
#[test]
fn server_message_length_fields_off_by_one() {
    let all = fixtures::rfc8448();
    // (message, offsets of length fields with widths)
    let cases: Vec<Case> = vec![
        // ServerHello: header, session_id, extensions, key_share ext len, key_exchange len,
        // supported_versions ext len.
        (
            fixtures::get(&all, "simple.server.ServerHello.1"),
            vec![(1, 3), (38, 1), (42, 2), (46, 2), (50, 2), (86, 2)],
            TlsVersion::Tls13,
        ),
        // Certificate: header, context, certificate_list, cert_data, entry extensions.
        (
            fixtures::get(&all, "simple.server.Certificate.1"),
            vec![(1, 3), (4, 1), (5, 3), (8, 3), (11 + 432, 2)],
            TlsVersion::Tls13,
        ),
        // CertificateVerify: header, signature.
        (
            fixtures::get(&all, "simple.server.CertificateVerify.1"),
            vec![(1, 3), (6, 2)],
            TlsVersion::Tls13,
        ),
        // NewSessionTicket: header, nonce, ticket, extensions, early_data ext len.
        (
            fixtures::get(&all, "simple.server.NewSessionTicket.1"),
            vec![
                (1, 3),
                (12, 1),
                (15, 2),
                (15 + 2 + 178, 2),
                (15 + 2 + 178 + 4, 2),
            ],
            TlsVersion::Tls13,
        ),
        // CertificateRequest: header, context, extensions, sig algs ext len, list.
        (
            fixtures::get(&all, "client_auth.server.CertificateRequest.1"),
            vec![(1, 3), (4, 1), (5, 2), (9, 2), (11, 2)],
            TlsVersion::Tls13,
        ),
        // EncryptedExtensions: header, block, supported_groups ext len, list.
        (
            fixtures::get(&all, "simple.server.EncryptedExtensions.1"),
            vec![(1, 3), (4, 2), (8, 2), (10, 2)],
            TlsVersion::Tls13,
        ),
    ];
    let flight = hex::decode(
        include_str!("../testdata/captures/openssl_tls12_rsa_certreq.server.hex").trim(),
    )
    .unwrap();
    let mut d = Deframer::new();
    d.push(&flight);
    let mut j = HandshakeJoiner::new();
    let mut msgs = Vec::new();
    for _ in 0..5 {
        let r = d.pop().unwrap().unwrap();
        j.push(r.payload).unwrap();
        while let Some(m) = j.pop().unwrap() {
            msgs.push(m.encoded.to_vec());
        }
    }
    let mut cases = cases;
    // Certificate (1.2): header, list, first cert.
    cases.push((
        msgs[1].clone(),
        vec![(1, 3), (4, 3), (7, 3)],
        TlsVersion::Tls12,
    ));
    // ServerKeyExchange: header, point, signature.
    cases.push((
        msgs[2].clone(),
        vec![(1, 3), (7, 1), (4 + 1 + 2 + 1 + 32 + 2, 2)],
        TlsVersion::Tls12,
    ));
    // CertificateRequest (1.2): header, types, sig algs, CAs.
    cases.push((
        msgs[3].clone(),
        vec![(1, 3), (4, 1), (8, 2), (8 + 2 + 40, 2)],
        TlsVersion::Tls12,
    ));
    let mut checked = 0;
    for (bytes, fields, v) in cases {
        HandshakeMessage::decode(&bytes, v).unwrap();
        for (at, width) in fields {
            for delta in [-1i64, 1] {
                let mut m = bytes.clone();
                if !adjust(&mut m, at, width, delta) {
                    continue;
                }
                let e = HandshakeMessage::decode(&m, v).err().unwrap_or_else(|| {
                    panic!("type {} length at {at} {delta:+} decoded", bytes[0])
                });
                assert_eq!(
                    e.alert(),
                    AlertDescription::DecodeError,
                    "type {} at {at} {delta:+}: {e}",
                    bytes[0]
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 50, "{checked}");
}

#[test]
fn oversize_records_are_record_overflow() {
    for (limit, len, ok) in [
        (MAX_CIPHERTEXT_LEN_TLS12, MAX_CIPHERTEXT_LEN_TLS12, true),
        (
            MAX_CIPHERTEXT_LEN_TLS12,
            MAX_CIPHERTEXT_LEN_TLS12 + 1,
            false,
        ),
        (MAX_CIPHERTEXT_LEN_TLS13, MAX_CIPHERTEXT_LEN_TLS13, true),
        (
            MAX_CIPHERTEXT_LEN_TLS13,
            MAX_CIPHERTEXT_LEN_TLS13 + 1,
            false,
        ),
        (MAX_PLAINTEXT_LEN, MAX_PLAINTEXT_LEN + 1, false),
        (MAX_PLAINTEXT_LEN, 0xffff, false),
    ] {
        let mut d = Deframer::new();
        d.set_max_fragment_len(limit);
        let mut rec = vec![23, 3, 3, (len >> 8) as u8, len as u8];
        rec.resize(5 + len, 0);
        let taken = d.push(&rec);
        match d.pop() {
            Ok(Some(r)) => {
                assert!(ok);
                assert_eq!(r.payload.len(), len);
                assert_eq!(taken, rec.len());
            }
            Ok(None) => panic!("whole record buffered but not returned"),
            Err(e) => {
                assert!(!ok, "limit {limit} len {len}");
                assert_eq!(e.alert(), AlertDescription::RecordOverflow);
            }
        }
    }
    // Encoding refuses what no version allows.
    let big = vec![0u8; MAX_CIPHERTEXT_LEN_TLS12 + 1];
    let rec = Record {
        content_type: ContentType::APPLICATION_DATA,
        version: ProtocolVersion::TLS12,
        payload: &big,
    };
    assert!(rec.encode(&mut Vec::new()).is_err());
}

#[test]
fn oversize_handshake_message_is_rejected_on_its_header() {
    let mut j = HandshakeJoiner::with_max_message_len(1000);
    let e = j.push(&[11, 0, 0x03, 0xe9]).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::TooLarge);
    let mut j = HandshakeJoiner::with_max_message_len(1000);
    j.push(&[11, 0, 0x03, 0xe8]).unwrap();
    assert!(j.pop().unwrap().is_none());
    // A second message in the same record with an oversize header also fails at once.
    let mut j = HandshakeJoiner::with_max_message_len(1000);
    let e = j.push(&[14, 0, 0, 0, 11, 0x10, 0, 0]).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::TooLarge);
}

fn client_hello_with(exts: &[Extension<'_>]) -> Vec<u8> {
    let suites = [CipherSuite::TLS13_AES_128_GCM_SHA256];
    HandshakeMessage::ClientHello(ClientHello {
        legacy_version: ProtocolVersion::TLS12,
        random: Random([0; 32]),
        legacy_session_id: SessionId(&[]),
        cipher_suites: List::new(&suites),
        compression_methods: List::new(&[Compression::NULL]),
        extensions: Extensions::new(exts),
    })
    .to_vec()
    .unwrap()
}

#[test]
fn duplicate_extensions_are_illegal_parameter() {
    let groups = [NamedGroup::X25519];
    let ext = Extension::SupportedGroups(List::new(&groups));
    for exts in [
        vec![ext, ext],
        vec![ext, Extension::ExtendedMasterSecret, ext],
        vec![
            Extension::Unknown {
                typ: ExtensionType(0x1a1a),
                data: &[],
            },
            Extension::Unknown {
                typ: ExtensionType(0x1a1a),
                data: &[1],
            },
        ],
    ] {
        let bytes = client_hello_with(&exts);
        let e = HandshakeMessage::decode(&bytes, TlsVersion::Tls13).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::IllegalParameter);
        assert!(matches!(e.kind(), DecodeErrorKind::DuplicateExtension(_)));
    }
    // In a ServerHello and in EncryptedExtensions too.
    let dup = [
        Extension::SelectedVersion(ProtocolVersion::TLS13),
        Extension::SelectedVersion(ProtocolVersion::TLS13),
    ];
    let sh = HandshakeMessage::ServerHello(ServerHello {
        legacy_version: ProtocolVersion::TLS12,
        random: Random([1; 32]),
        legacy_session_id_echo: SessionId(&[]),
        cipher_suite: CipherSuite::TLS13_AES_128_GCM_SHA256,
        compression_method: Compression::NULL,
        extensions: Extensions::new(&dup),
    })
    .to_vec()
    .unwrap();
    assert_eq!(
        HandshakeMessage::decode(&sh, TlsVersion::Tls13)
            .unwrap_err()
            .alert(),
        AlertDescription::IllegalParameter
    );
    let ee = HandshakeMessage::EncryptedExtensions(Extensions::new(&[
        Extension::EarlyData,
        Extension::EarlyData,
    ]))
    .to_vec()
    .unwrap();
    assert_eq!(
        HandshakeMessage::decode(&ee, TlsVersion::Tls13)
            .unwrap_err()
            .alert(),
        AlertDescription::IllegalParameter
    );
}

/// Lists the RFCs declare non-empty (`<1..>`, `<2..>`), sent empty: `decode_error`.
#[test]
fn forbidden_empty_lists_are_decode_error() {
    // ClientHello: cipher_suites<2..2^16-2>, compression_methods<1..2^8-1>.
    let mut ch = client_hello_with(&[]);
    // cipher_suites length 2 → 0 and drop the two bytes.
    let cs = 4 + 2 + 32 + 1;
    ch.drain(cs + 2..cs + 4);
    ch[cs + 1] = 0;
    let body_len = ch.len() - 4;
    set_u24(&mut ch, 1, body_len);
    assert_eq!(
        HandshakeMessage::decode(&ch, TlsVersion::Tls13)
            .unwrap_err()
            .alert(),
        AlertDescription::DecodeError
    );
    let mut ch = client_hello_with(&[]);
    let cm = cs + 4;
    ch.drain(cm + 1..cm + 2);
    ch[cm] = 0;
    let body_len = ch.len() - 4;
    set_u24(&mut ch, 1, body_len);
    assert_eq!(
        HandshakeMessage::decode(&ch, TlsVersion::Tls13)
            .unwrap_err()
            .alert(),
        AlertDescription::DecodeError
    );
    // Extensions with an empty list (encoded as raw bodies).
    for (typ, body) in [
        (ExtensionType::SERVER_NAME, &[0u8, 0][..]),
        (ExtensionType::SERVER_NAME, &[0, 3, 0, 0, 0][..]),
        (ExtensionType::SUPPORTED_GROUPS, &[0, 0][..]),
        (ExtensionType::EC_POINT_FORMATS, &[0][..]),
        (ExtensionType::SIGNATURE_ALGORITHMS, &[0, 0][..]),
        (ExtensionType::SIGNATURE_ALGORITHMS_CERT, &[0, 0][..]),
        (ExtensionType::ALPN, &[0, 0][..]),
        (ExtensionType::ALPN, &[0, 1, 0][..]),
        (ExtensionType::SUPPORTED_VERSIONS, &[0][..]),
        (ExtensionType::PSK_KEY_EXCHANGE_MODES, &[0][..]),
        (ExtensionType::COOKIE, &[0, 0][..]),
        (ExtensionType::CERTIFICATE_AUTHORITIES, &[0, 0][..]),
        (ExtensionType::KEY_SHARE, &[0, 4, 0, 0x1d, 0, 0][..]),
        (ExtensionType::PRE_SHARED_KEY, &[0, 0, 0, 0][..]),
    ] {
        let bytes = client_hello_with(&[Extension::Unknown { typ, data: body }]);
        let e = HandshakeMessage::decode(&bytes, TlsVersion::Tls13).unwrap_err();
        assert_eq!(
            e.alert(),
            AlertDescription::DecodeError,
            "{typ:?} {body:?}: {e}"
        );
    }
    // An empty key_share list is allowed (a client asking for HelloRetryRequest).
    let ok = client_hello_with(&[Extension::Unknown {
        typ: ExtensionType::KEY_SHARE,
        data: &[0, 0],
    }]);
    HandshakeMessage::decode(&ok, TlsVersion::Tls13).unwrap();

    // TLS 1.3 NewSessionTicket: ticket<1..2^16-1>; Certificate: cert_data<1..2^24-1>;
    // TLS 1.2 CertificateRequest: certificate_types<1..2^8-1>.
    for (msg, v) in [
        (
            vec![4, 0, 0, 13, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0],
            TlsVersion::Tls13,
        ),
        (
            vec![11, 0, 0, 9, 0, 0, 0, 5, 0, 0, 0, 0, 0],
            TlsVersion::Tls13,
        ),
        (vec![13, 0, 0, 7, 0, 0, 2, 4, 3, 0, 0], TlsVersion::Tls12),
        (vec![20, 0, 0, 0], TlsVersion::Tls13),
    ] {
        let e = HandshakeMessage::decode(&msg, v).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::DecodeError, "{msg:?}: {e}");
    }
}

#[test]
fn trailing_bytes_are_decode_error() {
    for (name, bytes, v) in corpus() {
        let mut m = bytes.clone();
        m.push(0);
        let len = m.len() - 4;
        set_u24(&mut m, 1, len);
        if name.contains("Finished") || name.contains("finished") {
            continue; // verify_data has no inner length; its size is checked by the handshake.
        }
        let e = match HandshakeMessage::decode(&m, v) {
            // Kept raw until the caller names the key exchange; the typed read is strict.
            Ok(HandshakeMessage::ClientKeyExchange(cke)) => cke.ecdhe_public().unwrap_err(),
            Ok(_) => panic!("{name} with a trailing byte decoded"),
            Err(e) => e,
        };
        assert_eq!(e.alert(), AlertDescription::DecodeError, "{name}: {e}");
    }
}

#[test]
fn illegal_values_are_illegal_parameter() {
    // KeyUpdate request_update 2.
    assert_eq!(
        HandshakeMessage::decode(&[24, 0, 0, 1, 2], TlsVersion::Tls13)
            .unwrap_err()
            .alert(),
        AlertDescription::IllegalParameter
    );
    // PSK: two identities, one binder.
    let ids = [
        PskIdentity {
            identity: b"a",
            obfuscated_ticket_age: 0,
        },
        PskIdentity {
            identity: b"b",
            obfuscated_ticket_age: 0,
        },
    ];
    let binder = [0u8; 32];
    let binders = [PskBinder(&binder)];
    let bytes = client_hello_with(&[Extension::PreSharedKey(OfferedPsks {
        identities: List::new(&ids),
        binders: List::new(&binders),
    })]);
    assert_eq!(
        HandshakeMessage::decode(&bytes, TlsVersion::Tls13)
            .unwrap_err()
            .alert(),
        AlertDescription::IllegalParameter
    );
    // Two key shares for one group.
    let shares = [
        KeyShareEntry {
            group: NamedGroup::X25519,
            key_exchange: &[1; 32],
        },
        KeyShareEntry {
            group: NamedGroup::X25519,
            key_exchange: &[2; 32],
        },
    ];
    let bytes = client_hello_with(&[Extension::KeyShareClient(List::new(&shares))]);
    assert_eq!(
        HandshakeMessage::decode(&bytes, TlsVersion::Tls13)
            .unwrap_err()
            .alert(),
        AlertDescription::IllegalParameter
    );
    // Explicit-curve ServerKeyExchange.
    assert_eq!(
        HandshakeMessage::decode(&[12, 0, 0, 4, 1, 0, 0x17, 0], TlsVersion::Tls12)
            .unwrap_err()
            .alert(),
        AlertDescription::IllegalParameter
    );
    // Alert with level 3; ChangeCipherSpec with value 2.
    assert_eq!(
        Alert::decode(&[3, 0]).unwrap_err().alert(),
        AlertDescription::IllegalParameter
    );
    assert_eq!(
        ChangeCipherSpec::decode(&[2]).unwrap_err().alert(),
        AlertDescription::UnexpectedMessage
    );
    // A ServerHello message type that this version does not have.
    assert_eq!(
        HandshakeMessage::decode(&[14, 0, 0, 0], TlsVersion::Tls13)
            .unwrap_err()
            .alert(),
        AlertDescription::UnexpectedMessage
    );
    assert_eq!(
        HandshakeMessage::decode(&[8, 0, 0, 2, 0, 0], TlsVersion::Tls12)
            .unwrap_err()
            .alert(),
        AlertDescription::UnexpectedMessage
    );
}

#[test]
fn truncated_records_wait_and_garbage_fails() {
    let record = fixtures::get(&fixtures::rfc8448(), "simple.client.record.1");
    for cut in 0..record.len() {
        let mut d = Deframer::new();
        d.push(&record[..cut]);
        assert!(
            d.pop().unwrap().is_none(),
            "incomplete record at {cut} must wait"
        );
        assert_eq!(d.has_partial_record(), cut > 0);
    }
    for garbage in [
        &b"GET / HTTP/1.1\r\n"[..],
        &[0x80, 0x2c, 0x01][..],
        &[0x16, 0x02, 0x00, 0, 1][..],
    ] {
        let mut d = Deframer::new();
        d.push(garbage);
        let e = d.pop().unwrap_err();
        assert!(matches!(
            e.alert(),
            AlertDescription::UnexpectedMessage | AlertDescription::DecodeError
        ));
    }
}
