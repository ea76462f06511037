//! Golden bytes: the plaintext handshake messages and records of RFC 8448's TLS 1.3 traces
//! (testdata/rfc8448.txt), decoded field by field and re-encoded byte for byte.

mod fixtures;

use tlskit_wire::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn decode13(bytes: &[u8]) -> HandshakeMessage<'_> {
    HandshakeMessage::decode(bytes, TlsVersion::Tls13).unwrap()
}

/// Every plaintext message in the traces decodes, re-encodes to the same bytes, and prints.
#[test]
fn rfc8448_every_message_roundtrips_byte_for_byte() {
    let all = fixtures::rfc8448();
    let mut n = 0;
    for (name, bytes) in &all {
        // The "ClientHello" printed in §4 is the binder prefix (477 of 512 bytes); the
        // whole message is in the record.
        if name.contains(".record.")
            || name.contains("Prefix")
            || name == "resumed.client.ClientHello.1"
        {
            continue;
        }
        let msg = HandshakeMessage::decode(bytes, TlsVersion::Tls13)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(&msg.to_vec().unwrap(), bytes, "{name} re-encodes");
        assert!(!msg.to_string().is_empty());
        n += 1;
    }
    assert_eq!(n, 39);
}

#[test]
fn rfc8448_simple_client_hello() {
    let bytes = fixtures::get(&fixtures::rfc8448(), "simple.client.ClientHello.1");
    let HandshakeMessage::ClientHello(ch) = decode13(&bytes) else {
        panic!("not a ClientHello")
    };
    assert_eq!(ch.legacy_version, ProtocolVersion::TLS12);
    assert_eq!(
        ch.random.0.to_vec(),
        h("6660261ff947cea49cce6cfad687f457cf1b14531ba14131a0e8f309a1d0b9c4")
    );
    assert!(ch.legacy_session_id.0.is_empty());
    assert_eq!(
        ch.cipher_suites.iter().collect::<Vec<_>>(),
        [
            CipherSuite::TLS13_AES_128_GCM_SHA256,
            CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
            CipherSuite::TLS13_AES_256_GCM_SHA384
        ]
    );
    assert_eq!(
        ch.compression_methods.iter().collect::<Vec<_>>(),
        [Compression::NULL]
    );
    let ext = ch.extensions;
    assert_eq!(
        ext.types().map(|t| t.0).collect::<Vec<_>>(),
        [0, 0xff01, 10, 35, 51, 43, 13, 45, 28]
    );
    assert_eq!(ext.server_name(), Some(&b"server"[..]));
    assert_eq!(ext.renegotiation_info(), Some(&[][..]));
    assert_eq!(
        ext.supported_groups()
            .unwrap()
            .iter()
            .map(|g| g.0)
            .collect::<Vec<_>>(),
        [0x1d, 0x17, 0x18, 0x19, 0x100, 0x101, 0x102, 0x103, 0x104]
    );
    assert_eq!(ext.session_ticket(), Some(&[][..]));
    let shares: Vec<_> = ext.key_share_client().unwrap().iter().collect();
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0].group, NamedGroup::X25519);
    assert_eq!(
        shares[0].key_exchange,
        h("4cfdfcd178b784bf328cae793b136f2aedce005ff183d7bb1495207236647037")
    );
    assert_eq!(
        ext.supported_versions().unwrap().iter().collect::<Vec<_>>(),
        [ProtocolVersion::TLS13]
    );
    let sigs: Vec<u16> = ext
        .signature_algorithms()
        .unwrap()
        .iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(
        sigs,
        [
            0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201,
            0x0402, 0x0502, 0x0602, 0x0202
        ]
    );
    assert_eq!(
        ext.psk_key_exchange_modes()
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        [PskKeyExchangeMode::PSK_DHE_KE]
    );
    assert_eq!(ext.record_size_limit(), Some(0x4001));
    assert!(ch.offers_tls13());
    assert_eq!(ch.psk_binders_offset(), None);
}

#[test]
fn rfc8448_simple_server_flight() {
    let all = fixtures::rfc8448();
    let sh_bytes = fixtures::get(&all, "simple.server.ServerHello.1");
    let HandshakeMessage::ServerHello(sh) = decode13(&sh_bytes) else {
        panic!("not a ServerHello")
    };
    assert!(!sh.is_hello_retry_request());
    assert_eq!(sh.legacy_version, ProtocolVersion::TLS12);
    assert_eq!(
        sh.random.0.to_vec(),
        h("1274991495cf425857262dde2299342c315afba9b64a87d552515614e01b045d")
    );
    assert_eq!(sh.random.downgrade_sentinel(), None);
    assert_eq!(sh.cipher_suite, CipherSuite::TLS13_AES_128_GCM_SHA256);
    assert_eq!(sh.compression_method, Compression::NULL);
    assert_eq!(sh.selected_version(), ProtocolVersion::TLS13);
    let share = sh.extensions.key_share_server().unwrap();
    assert_eq!(share.group, NamedGroup::X25519);
    assert_eq!(
        share.key_exchange,
        h("c7bb6bdfc26350b929a08a41a76ddac210b096868d960c4845987dc3a7fa650a")
    );

    let ee_bytes = fixtures::get(&all, "simple.server.EncryptedExtensions.1");
    let HandshakeMessage::EncryptedExtensions(ee) = decode13(&ee_bytes) else {
        panic!("not EE")
    };
    assert_eq!(ee.types().map(|t| t.0).collect::<Vec<_>>(), [10, 28, 0]);
    assert_eq!(
        ee.get(ExtensionType::SERVER_NAME),
        Some(Extension::ServerNameAck)
    );
    assert_eq!(ee.record_size_limit(), Some(0x4001));

    let cert_bytes = fixtures::get(&all, "simple.server.Certificate.1");
    let HandshakeMessage::Certificate13(cert) = decode13(&cert_bytes) else {
        panic!("not a Certificate")
    };
    assert!(cert.certificate_request_context.is_empty());
    let entries: Vec<_> = cert.certificate_list.iter().collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].cert_data.len(), 432);
    assert_eq!(&entries[0].cert_data[..4], &[0x30, 0x82, 0x01, 0xac]);
    assert!(entries[0].extensions.is_empty());

    let cv_bytes = fixtures::get(&all, "simple.server.CertificateVerify.1");
    let HandshakeMessage::CertificateVerify(cv) = decode13(&cv_bytes) else {
        panic!("not CV")
    };
    assert_eq!(cv.algorithm, SignatureScheme::RSA_PSS_RSAE_SHA256);
    assert_eq!(cv.signature.len(), 128);
    assert_eq!(&cv.signature[..4], &h("ace0af8e")[..]);

    let fin_bytes = fixtures::get(&all, "simple.server.Finished.1");
    assert_eq!(
        decode13(&fin_bytes),
        HandshakeMessage::Finished(&h(
            "4c92b1b256d861a1830167827d3e288d1a76f03484e9ec886d4ff66149cbec2f"
        ))
    );

    let nst_bytes = fixtures::get(&all, "simple.server.NewSessionTicket.1");
    let HandshakeMessage::NewSessionTicket13(nst) = decode13(&nst_bytes) else {
        panic!("not NST")
    };
    assert_eq!(nst.ticket_lifetime, 30);
    assert_eq!(nst.ticket_age_add, 0x933d0932);
    assert_eq!(nst.ticket_nonce, &[0, 0]);
    assert_eq!(nst.ticket.len(), 178);
    assert_eq!(nst.extensions.early_data_max(), Some(1024));
}

#[test]
fn rfc8448_resumed_client_hello_binders_offset() {
    let all = fixtures::rfc8448();
    let record = fixtures::get(&all, "resumed.client.record.1");
    let prefix = fixtures::get(&all, "resumed.client.ClientHelloPrefix.1");
    let mut d = Deframer::new();
    assert_eq!(d.push(&record), record.len());
    let rec = d.pop().unwrap().unwrap();
    assert_eq!(rec.content_type, ContentType::HANDSHAKE);
    assert_eq!(rec.version, ProtocolVersion::TLS10);
    let ch_bytes = rec.payload;
    assert_eq!(ch_bytes.len(), 512);
    let HandshakeMessage::ClientHello(ch) = decode13(ch_bytes) else {
        panic!("not a ClientHello")
    };
    let offset = ch.psk_binders_offset().unwrap();
    assert_eq!(offset, prefix.len());
    assert_eq!(&ch_bytes[..offset], &prefix[..]);

    let psks = ch.extensions.pre_shared_key().unwrap();
    let ids: Vec<_> = psks.identities.iter().collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(ids[0].identity.len(), 178);
    assert_eq!(ids[0].obfuscated_ticket_age, 0x933d0937);
    let binders: Vec<_> = psks.binders.iter().collect();
    assert_eq!(
        binders[0].0,
        h("718cd8f22e8ed71d1a23f7c88f63d45487afe58157cbc57e66bd1323e41a8cd8")
    );
    assert!(ch.extensions.contains(ExtensionType::EARLY_DATA));
    assert_eq!(
        ch.extensions.last_type(),
        Some(ExtensionType::PRE_SHARED_KEY)
    );

    // Re-encode with zeroed binders, then fill them in: same bytes as on the wire.
    let mut reencoded = HandshakeMessage::ClientHello(ch).to_vec().unwrap();
    assert_eq!(reencoded, ch_bytes);
    reencoded[offset + 3..].fill(0);
    fill_psk_binders(&mut reencoded, offset, &[binders[0].0]).unwrap();
    assert_eq!(reencoded, ch_bytes);

    let sh_bytes = fixtures::get(&all, "resumed.server.ServerHello.1");
    let HandshakeMessage::ServerHello(sh) = decode13(&sh_bytes) else {
        panic!("not a ServerHello")
    };
    assert_eq!(sh.extensions.selected_psk(), Some(0));
    let ee_bytes = fixtures::get(&all, "resumed.server.EncryptedExtensions.1");
    let HandshakeMessage::EncryptedExtensions(ee) = decode13(&ee_bytes) else {
        panic!("not EE")
    };
    assert_eq!(
        ee.get(ExtensionType::EARLY_DATA),
        Some(Extension::EarlyData)
    );
    assert_eq!(
        decode13(&fixtures::get(&all, "resumed.client.EndOfEarlyData.1")),
        HandshakeMessage::EndOfEarlyData
    );
}

#[test]
fn rfc8448_hello_retry_request() {
    let all = fixtures::rfc8448();
    let hrr_bytes = fixtures::get(&all, "hrr.server.ServerHello.1");
    let msg = decode13(&hrr_bytes);
    let HandshakeMessage::HelloRetryRequest(hrr) = msg else {
        panic!("not an HRR: {msg}")
    };
    assert!(hrr.is_hello_retry_request());
    assert_eq!(hrr.random.0, HELLO_RETRY_REQUEST_RANDOM);
    assert_eq!(hrr.cipher_suite, CipherSuite::TLS13_AES_128_GCM_SHA256);
    assert_eq!(
        hrr.extensions.key_share_hello_retry_request(),
        Some(NamedGroup::SECP256R1)
    );
    assert_eq!(
        hrr.extensions.selected_version(),
        Some(ProtocolVersion::TLS13)
    );
    let cookie = hrr.extensions.cookie().unwrap();
    assert_eq!(cookie.len(), 114);

    let ch2_bytes = fixtures::get(&all, "hrr.client.ClientHello.2");
    let HandshakeMessage::ClientHello(ch2) = decode13(&ch2_bytes) else {
        panic!("not a ClientHello")
    };
    assert_eq!(ch2.extensions.cookie(), Some(cookie));
    let shares: Vec<_> = ch2.extensions.key_share_client().unwrap().iter().collect();
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0].group, NamedGroup::SECP256R1);
    assert_eq!(shares[0].key_exchange.len(), 65);
    let padding = ch2.extensions.get(ExtensionType::PADDING).unwrap();
    assert!(matches!(padding, Extension::Unknown { data, .. } if data.len() == 175));

    let sh2_bytes = fixtures::get(&all, "hrr.server.ServerHello.2");
    let HandshakeMessage::ServerHello(sh2) = decode13(&sh2_bytes) else {
        panic!("not a ServerHello")
    };
    assert_eq!(
        sh2.extensions.key_share_server().unwrap().group,
        NamedGroup::SECP256R1
    );

    // The synthetic message_hash replacing ClientHello1 (RFC 8446 §4.4.1).
    let mh = message_hash_message(&[0x11; 32]).unwrap();
    assert_eq!(&mh[..4], &[0xfe, 0, 0, 0x20]);
}

#[test]
fn rfc8448_client_auth_certificate_request() {
    let all = fixtures::rfc8448();
    let cr_bytes = fixtures::get(&all, "client_auth.server.CertificateRequest.1");
    let HandshakeMessage::CertificateRequest13(cr) = decode13(&cr_bytes) else {
        panic!("not a CertificateRequest")
    };
    assert!(cr.certificate_request_context.is_empty());
    assert_eq!(cr.extensions.signature_algorithms().unwrap().len(), 15);
    let cv_bytes = fixtures::get(&all, "client_auth.server.CertificateVerify.1");
    let HandshakeMessage::CertificateVerify(cv) = decode13(&cv_bytes) else {
        panic!("not CV")
    };
    assert_eq!(cv.algorithm, SignatureScheme::ECDSA_SECP256R1_SHA256);
    assert_eq!(cv.signature.len(), 70);
    let cert_bytes = fixtures::get(&all, "client_auth.client.Certificate.1");
    let HandshakeMessage::Certificate13(cert) = decode13(&cert_bytes) else {
        panic!("not a Certificate")
    };
    assert_eq!(cert.certificate_list.get(0).unwrap().cert_data.len(), 438);
}

#[test]
fn rfc8448_compat_mode_session_id_and_ccs() {
    let all = fixtures::rfc8448();
    let ch_bytes = fixtures::get(&all, "compat.client.ClientHello.1");
    let HandshakeMessage::ClientHello(ch) = decode13(&ch_bytes) else {
        panic!("not a ClientHello")
    };
    assert_eq!(ch.legacy_session_id.0.len(), 32);
    let sh_bytes = fixtures::get(&all, "compat.server.ServerHello.1");
    let HandshakeMessage::ServerHello(sh) = decode13(&sh_bytes) else {
        panic!("not a ServerHello")
    };
    assert_eq!(sh.legacy_session_id_echo, ch.legacy_session_id);
    let ccs = fixtures::get(&all, "compat.server.record.2");
    let mut d = Deframer::new();
    d.push(&ccs);
    let rec = d.pop().unwrap().unwrap();
    assert_eq!(rec.content_type, ContentType::CHANGE_CIPHER_SPEC);
    ChangeCipherSpec::decode(rec.payload).unwrap();
}

/// All plaintext records of every trace, fed one byte at a time through the deframer and
/// the joiner, give back exactly the handshake messages the traces print.
#[test]
fn rfc8448_records_through_deframer_and_joiner() {
    let all = fixtures::rfc8448();
    let mut stream = Vec::new();
    let mut expected_messages = 0;
    for (name, bytes) in &all {
        if name.contains(".record.") {
            stream.extend_from_slice(bytes);
            if bytes[0] == 0x16 {
                expected_messages += 1;
            }
        }
    }
    let mut d = Deframer::new();
    let mut j = HandshakeJoiner::new();
    let mut got = Vec::new();
    for byte in stream.chunks(1) {
        assert_eq!(d.push(byte), 1);
        while let Some(rec) = d.pop().unwrap() {
            match rec.content_type {
                ContentType::HANDSHAKE => {
                    j.push(rec.payload).unwrap();
                    while let Some(raw) = j.pop().unwrap() {
                        raw.decode(TlsVersion::Tls13).unwrap();
                        got.push(raw.encoded.to_vec());
                    }
                    j.check_aligned().unwrap();
                }
                ContentType::CHANGE_CIPHER_SPEC => {
                    ChangeCipherSpec::decode(rec.payload).unwrap();
                }
                other => panic!("unexpected record {other}"),
            }
        }
    }
    assert_eq!(got.len(), expected_messages);
    let simple_ch = fixtures::get(&all, "simple.client.ClientHello.1");
    assert_eq!(got[0], simple_ch);
}
