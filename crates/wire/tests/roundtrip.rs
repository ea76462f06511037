//! Round-trip property tests: for every message type, random values encode, decode to an
//! equal value, and re-encode to the same bytes; flights survive any record fragmentation.

use proptest::collection::vec;
use proptest::prelude::*;
use tlskit_wire::*;

/// Tests build borrowed messages from generated data; leaking keeps the lifetimes simple
/// (a few KiB per case, bounded by the case count).
fn leak<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

fn bytes(min: usize, max: usize) -> impl Strategy<Value = &'static [u8]> {
    vec(any::<u8>(), min..=max).prop_map(leak)
}

fn list<T: Codec<'static> + 'static + std::fmt::Debug>(
    item: impl Strategy<Value = T>,
    min: usize,
    max: usize,
) -> impl Strategy<Value = List<'static, T>> {
    vec(item, min..=max).prop_map(|v| List::new(leak(v)))
}

fn group() -> impl Strategy<Value = NamedGroup> {
    prop_oneof![
        Just(NamedGroup::X25519),
        Just(NamedGroup::SECP256R1),
        Just(NamedGroup::SECP384R1),
        any::<u16>().prop_map(NamedGroup)
    ]
}

fn sigscheme() -> impl Strategy<Value = SignatureScheme> {
    prop_oneof![
        Just(SignatureScheme::ED25519),
        any::<u16>().prop_map(SignatureScheme)
    ]
}

fn version() -> impl Strategy<Value = ProtocolVersion> {
    prop_oneof![
        Just(ProtocolVersion::TLS13),
        Just(ProtocolVersion::TLS12),
        any::<u16>().prop_map(ProtocolVersion)
    ]
}

fn protocol_name() -> impl Strategy<Value = ProtocolName<'static>> {
    bytes(1, 20).prop_map(ProtocolName)
}

fn dn() -> impl Strategy<Value = DistinguishedName<'static>> {
    bytes(1, 40).prop_map(DistinguishedName)
}

fn key_share() -> impl Strategy<Value = KeyShareEntry<'static>> {
    (group(), bytes(1, 97)).prop_map(|(group, key_exchange)| KeyShareEntry {
        group,
        key_exchange,
    })
}

fn unknown_ext() -> impl Strategy<Value = Extension<'static>> {
    (any::<u16>(), bytes(0, 30))
        .prop_filter("not a parsed type", |(t, _)| {
            ExtensionType(*t).name().is_none()
        })
        .prop_map(|(t, data)| Extension::Unknown {
            typ: ExtensionType(t),
            data,
        })
}

fn status_request() -> impl Strategy<Value = Extension<'static>> {
    prop_oneof![
        (vec(bytes(1, 10).prop_map(ResponderId), 0..3), bytes(0, 10)).prop_map(|(ids, ext)| {
            Extension::StatusRequest(CertificateStatusRequest::Ocsp {
                responder_id_list: List::new(leak(ids)),
                request_extensions: ext,
            })
        }),
        (2u8.., bytes(0, 10)).prop_map(|(t, body)| Extension::StatusRequest(
            CertificateStatusRequest::Other {
                status_type: CertificateStatusType(t),
                body
            }
        )),
    ]
}

fn client_hello_ext() -> impl Strategy<Value = Extension<'static>> {
    prop_oneof![
        bytes(1, 30).prop_map(|n| Extension::ServerName(List::new(leak(vec![ServerName {
            name_type: ServerNameType::HOST_NAME,
            name: n
        }])))),
        list(group(), 1, 10).prop_map(Extension::SupportedGroups),
        list(any::<u8>().prop_map(EcPointFormat), 1, 3).prop_map(Extension::EcPointFormats),
        list(sigscheme(), 1, 10).prop_map(Extension::SignatureAlgorithms),
        list(sigscheme(), 1, 10).prop_map(Extension::SignatureAlgorithmsCert),
        list(protocol_name(), 1, 4).prop_map(Extension::Alpn),
        status_request(),
        Just(Extension::ExtendedMasterSecret),
        bytes(0, 40).prop_map(Extension::SessionTicket),
        bytes(0, 12).prop_map(Extension::RenegotiationInfo),
        list(version(), 1, 5).prop_map(Extension::SupportedVersions),
        vec(key_share(), 0..3).prop_map(|mut v| {
            v.sort_by_key(|e| e.group);
            v.dedup_by_key(|e| e.group);
            Extension::KeyShareClient(List::new(leak(v)))
        }),
        list(any::<u8>().prop_map(PskKeyExchangeMode), 1, 2)
            .prop_map(Extension::PskKeyExchangeModes),
        vec((bytes(1, 40), any::<u32>(), bytes(32, 48)), 1..3).prop_map(|v| {
            let ids: Vec<_> = v
                .iter()
                .map(|(identity, age, _)| PskIdentity {
                    identity,
                    obfuscated_ticket_age: *age,
                })
                .collect();
            let binders: Vec<_> = v.iter().map(|(_, _, b)| PskBinder(b)).collect();
            Extension::PreSharedKey(OfferedPsks {
                identities: List::new(leak(ids)),
                binders: List::new(leak(binders)),
            })
        }),
        Just(Extension::EarlyData),
        bytes(1, 40).prop_map(Extension::Cookie),
        (64u16..).prop_map(Extension::RecordSizeLimit),
        list(dn(), 1, 3).prop_map(Extension::CertificateAuthorities),
        Just(Extension::PostHandshakeAuth),
        unknown_ext(),
    ]
}

fn server_hello_ext() -> impl Strategy<Value = Extension<'static>> {
    prop_oneof![
        Just(Extension::ServerNameAck),
        list(any::<u8>().prop_map(EcPointFormat), 1, 3).prop_map(Extension::EcPointFormats),
        protocol_name().prop_map(|p| Extension::Alpn(List::new(leak(vec![p])))),
        Just(Extension::StatusRequestAck),
        Just(Extension::ExtendedMasterSecret),
        Just(Extension::SessionTicket(&[])),
        bytes(0, 24).prop_map(Extension::RenegotiationInfo),
        version().prop_map(Extension::SelectedVersion),
        key_share().prop_map(Extension::KeyShareServer),
        any::<u16>().prop_map(Extension::SelectedPsk),
        (64u16..).prop_map(Extension::RecordSizeLimit),
        unknown_ext(),
    ]
}

fn hrr_ext() -> impl Strategy<Value = Extension<'static>> {
    prop_oneof![
        version().prop_map(Extension::SelectedVersion),
        group().prop_map(Extension::KeyShareHelloRetryRequest),
        bytes(1, 60).prop_map(Extension::Cookie),
        unknown_ext(),
    ]
}

fn ee_ext() -> impl Strategy<Value = Extension<'static>> {
    prop_oneof![
        Just(Extension::ServerNameAck),
        list(group(), 1, 6).prop_map(Extension::SupportedGroups),
        protocol_name().prop_map(|p| Extension::Alpn(List::new(leak(vec![p])))),
        Just(Extension::EarlyData),
        (64u16..).prop_map(Extension::RecordSizeLimit),
        unknown_ext(),
    ]
}

fn cert_entry_ext() -> impl Strategy<Value = Extension<'static>> {
    prop_oneof![
        bytes(1, 50).prop_map(Extension::CertificateStatus),
        unknown_ext()
    ]
}

fn cert_request_ext() -> impl Strategy<Value = Extension<'static>> {
    prop_oneof![
        list(sigscheme(), 1, 10).prop_map(Extension::SignatureAlgorithmsCert),
        list(dn(), 1, 3).prop_map(Extension::CertificateAuthorities),
        status_request(),
        unknown_ext(),
    ]
}

fn nst_ext() -> impl Strategy<Value = Extension<'static>> {
    prop_oneof![
        any::<u32>().prop_map(Extension::EarlyDataMax),
        unknown_ext()
    ]
}

/// A block without duplicate types; pre_shared_key (if any) moved last.
fn block(
    ext: impl Strategy<Value = Extension<'static>>,
    max: usize,
    required: Option<Extension<'static>>,
) -> impl Strategy<Value = Extensions<'static>> {
    vec(ext, 0..=max).prop_map(move |mut v| {
        if let Some(r) = required {
            v.insert(0, r);
        }
        let mut seen = std::collections::HashSet::new();
        v.retain(|e| seen.insert(e.typ()));
        if let Some(i) = v
            .iter()
            .position(|e| e.typ() == ExtensionType::PRE_SHARED_KEY)
        {
            let psk = v.remove(i);
            v.push(psk);
        }
        Extensions::new(leak(v))
    })
}

fn random() -> impl Strategy<Value = Random> {
    any::<[u8; 32]>().prop_map(Random)
}

fn session_id() -> impl Strategy<Value = SessionId<'static>> {
    bytes(0, 32).prop_map(SessionId)
}

fn client_hello() -> impl Strategy<Value = ClientHello<'static>> {
    (
        version(),
        random(),
        session_id(),
        list(any::<u16>().prop_map(CipherSuite), 1, 30),
        list(any::<u8>().prop_map(Compression), 1, 3),
        block(client_hello_ext(), 12, None),
    )
        .prop_map(|(v, random, sid, cs, cm, extensions)| ClientHello {
            legacy_version: v,
            random,
            legacy_session_id: sid,
            cipher_suites: cs,
            compression_methods: cm,
            extensions,
        })
}

fn server_hello(
    random: impl Strategy<Value = Random>,
    exts: impl Strategy<Value = Extensions<'static>>,
) -> impl Strategy<Value = ServerHello<'static>> {
    (
        version(),
        random,
        session_id(),
        any::<u16>(),
        any::<u8>(),
        exts,
    )
        .prop_map(|(v, random, sid, cs, cm, extensions)| ServerHello {
            legacy_version: v,
            random,
            legacy_session_id_echo: sid,
            cipher_suite: CipherSuite(cs),
            compression_method: Compression(cm),
            extensions,
        })
}

fn tls13_message() -> impl Strategy<Value = HandshakeMessage<'static>> {
    prop_oneof![
        client_hello().prop_map(HandshakeMessage::ClientHello),
        server_hello(
            random().prop_filter("not HRR", |r| !r.is_hello_retry_request()),
            block(server_hello_ext(), 6, None)
        )
        .prop_map(HandshakeMessage::ServerHello),
        server_hello(
            Just(Random(HELLO_RETRY_REQUEST_RANDOM)),
            block(hrr_ext(), 4, None)
        )
        .prop_map(HandshakeMessage::HelloRetryRequest),
        block(ee_ext(), 6, None).prop_map(HandshakeMessage::EncryptedExtensions),
        (
            bytes(0, 8),
            vec((bytes(1, 200), block(cert_entry_ext(), 2, None)), 0..4)
        )
            .prop_map(|(ctx, entries)| {
                let entries: Vec<_> = entries
                    .into_iter()
                    .map(|(cert_data, extensions)| CertificateEntry {
                        cert_data,
                        extensions,
                    })
                    .collect();
                HandshakeMessage::Certificate13(Certificate13 {
                    certificate_request_context: ctx,
                    certificate_list: List::new(leak(entries)),
                })
            }),
        (bytes(0, 8), list(sigscheme(), 1, 8),).prop_flat_map(|(ctx, sigs)| block(
            cert_request_ext(),
            3,
            Some(Extension::SignatureAlgorithms(sigs))
        )
        .prop_map(move |extensions| HandshakeMessage::CertificateRequest13(
            CertificateRequest13 {
                certificate_request_context: ctx,
                extensions,
            }
        ))),
        (sigscheme(), bytes(0, 300)).prop_map(|(algorithm, signature)| {
            HandshakeMessage::CertificateVerify(DigitallySigned {
                algorithm,
                signature,
            })
        }),
        bytes(1, 64).prop_map(HandshakeMessage::Finished),
        (
            any::<u32>(),
            any::<u32>(),
            bytes(0, 16),
            bytes(1, 200),
            block(nst_ext(), 2, None)
        )
            .prop_map(
                |(ticket_lifetime, ticket_age_add, ticket_nonce, ticket, extensions)| {
                    HandshakeMessage::NewSessionTicket13(NewSessionTicket13 {
                        ticket_lifetime,
                        ticket_age_add,
                        ticket_nonce,
                        ticket,
                        extensions,
                    })
                }
            ),
        prop_oneof![
            Just(KeyUpdateRequest::UpdateNotRequested),
            Just(KeyUpdateRequest::UpdateRequested)
        ]
        .prop_map(HandshakeMessage::KeyUpdate),
        Just(HandshakeMessage::EndOfEarlyData),
    ]
}

fn tls12_message() -> impl Strategy<Value = HandshakeMessage<'static>> {
    prop_oneof![
        client_hello().prop_map(HandshakeMessage::ClientHello),
        server_hello(
            random().prop_filter("not HRR", |r| !r.is_hello_retry_request()),
            block(server_hello_ext(), 6, None)
        )
        .prop_map(HandshakeMessage::ServerHello),
        list(bytes(1, 300).prop_map(CertificateDer), 0, 4).prop_map(|certificate_list| {
            HandshakeMessage::Certificate12(Certificate12 { certificate_list })
        }),
        (group(), bytes(1, 133), sigscheme(), bytes(0, 300)).prop_map(
            |(named_group, public, algorithm, signature)| {
                HandshakeMessage::ServerKeyExchange(ServerKeyExchange {
                    params: EcdheParams {
                        named_group,
                        public,
                    },
                    signed_params: DigitallySigned {
                        algorithm,
                        signature,
                    },
                })
            }
        ),
        (
            list(any::<u8>().prop_map(ClientCertificateType), 1, 4),
            list(sigscheme(), 1, 10),
            list(dn(), 0, 3)
        )
            .prop_map(|(t, s, c)| HandshakeMessage::CertificateRequest12(
                CertificateRequest12 {
                    certificate_types: t,
                    supported_signature_algorithms: s,
                    certificate_authorities: c,
                }
            )),
        Just(HandshakeMessage::ServerHelloDone),
        Just(HandshakeMessage::HelloRequest),
        (sigscheme(), bytes(0, 300)).prop_map(|(algorithm, signature)| {
            HandshakeMessage::CertificateVerify(DigitallySigned {
                algorithm,
                signature,
            })
        }),
        bytes(1, 200).prop_map(|b| HandshakeMessage::ClientKeyExchange(ClientKeyExchange::Raw(b))),
        bytes(1, 64).prop_map(HandshakeMessage::Finished),
        (any::<u32>(), bytes(0, 200)).prop_map(|(ticket_lifetime_hint, ticket)| {
            HandshakeMessage::NewSessionTicket12(NewSessionTicket12 {
                ticket_lifetime_hint,
                ticket,
            })
        }),
        bytes(1, 100).prop_map(HandshakeMessage::CertificateStatus),
    ]
}

fn check_roundtrip(msg: &HandshakeMessage<'_>, version: TlsVersion) -> Result<(), TestCaseError> {
    let encoded = msg
        .to_vec()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let decoded = HandshakeMessage::decode(&encoded, version)
        .map_err(|e| TestCaseError::fail(format!("{e}\n{msg}")))?;
    prop_assert_eq!(&decoded, msg);
    prop_assert_eq!(&decoded.to_vec().unwrap(), &encoded);
    prop_assert!(!decoded.to_string().is_empty());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn roundtrip_tls13_messages(msg in tls13_message()) {
        check_roundtrip(&msg, TlsVersion::Tls13)?;
    }

    #[test]
    fn roundtrip_tls12_messages(msg in tls12_message()) {
        check_roundtrip(&msg, TlsVersion::Tls12)?;
    }

    #[test]
    fn roundtrip_client_hello(ch in client_hello()) {
        check_roundtrip(&HandshakeMessage::ClientHello(ch), TlsVersion::Tls13)?;
        let encoded = HandshakeMessage::ClientHello(ch).to_vec().unwrap();
        if let Some(offset) = ch.psk_binders_offset() {
            let psks = ch.extensions.pre_shared_key().unwrap();
            prop_assert_eq!(encoded.len() - offset, psks.binders_field_len());
        }
    }

    #[test]
    fn roundtrip_client_key_exchange_forms(point in bytes(1, 255), enc in bytes(0, 512)) {
        let bytes = HandshakeMessage::ClientKeyExchange(ClientKeyExchange::Ecdhe(point)).to_vec().unwrap();
        let HandshakeMessage::ClientKeyExchange(cke) = HandshakeMessage::decode(&bytes, TlsVersion::Tls12).unwrap() else {
            return Err(TestCaseError::fail("not CKE"));
        };
        prop_assert_eq!(cke.ecdhe_public().unwrap(), point);
        let bytes = HandshakeMessage::ClientKeyExchange(ClientKeyExchange::Rsa(enc)).to_vec().unwrap();
        let HandshakeMessage::ClientKeyExchange(cke) = HandshakeMessage::decode(&bytes, TlsVersion::Tls12).unwrap() else {
            return Err(TestCaseError::fail("not CKE"));
        };
        prop_assert_eq!(cke.rsa_encrypted_pre_master().unwrap(), enc);
    }

    #[test]
    fn roundtrip_alert(level in 1u8..=2, desc in any::<u8>()) {
        let a = Alert { level: AlertLevel::from_u8(level), description: AlertDescription::from_u8(desc) };
        let mut out = Vec::new();
        a.encode(&mut out).unwrap();
        prop_assert_eq!(Alert::decode(&out).unwrap(), a);
        prop_assert_eq!(out, a.to_bytes());
    }

    /// A flight of messages, fragmented into records of random size and fed to the deframer
    /// in random chunks, comes out of the joiner as the same messages with the same bytes.
    #[test]
    fn roundtrip_flight_through_records(
        msgs in vec(tls13_message(), 1..6),
        fragment in 1usize..2000,
        chunk in 1usize..3000,
    ) {
        let mut flight = Vec::new();
        let mut ranges = Vec::new();
        for m in &msgs {
            ranges.push(m.encode(&mut flight).unwrap());
        }
        let mut wire = Vec::new();
        record::write_fragmented(&mut wire, ContentType::HANDSHAKE, ProtocolVersion::TLS12, &flight, fragment).unwrap();
        let mut d = Deframer::new();
        let mut j = HandshakeJoiner::new();
        let mut got: Vec<Vec<u8>> = Vec::new();
        for piece in wire.chunks(chunk) {
            let mut rest = piece;
            while !rest.is_empty() {
                let n = d.push(rest);
                rest = &rest[n..];
                while let Some(r) = d.pop().unwrap() {
                    prop_assert!(r.payload.len() <= fragment.min(MAX_PLAINTEXT_LEN));
                    j.push(r.payload).unwrap();
                    while let Some(m) = j.pop().unwrap() {
                        got.push(m.encoded.to_vec());
                    }
                }
            }
        }
        prop_assert_eq!(got.len(), msgs.len());
        for (g, r) in got.iter().zip(ranges) {
            prop_assert_eq!(&g[..], &flight[r]);
        }
        prop_assert!(j.is_empty());
    }
}
