//! The TLS 1.2 server: full handshake (RFC 5246 §7.3) with ECDHE (RFC 8422), optional
//! client authentication, and abbreviated resumption by session id or ticket (RFC 5077).

use super::{
    check_finished, derive_ciphers, master_secret, preferred_curve_scheme, tls12_verify_algorithm,
    verify_data,
};
use crate::config::{CertifiedKey, ClientAuth, ServerConfig};
use crate::conn::{Core, Side};
use crate::error::Error;
use crate::record::RecordCipher;
use crate::session::{unix_now, SessionValue, DEFAULT_LIFETIME};
use crate::state::{unexpected, Msg, State};
use crate::suites::{CipherSuite, ProtocolVersion};
use crate::tls12::client::Traffic;
use crate::trace::Direction;
use std::sync::Arc;
use tlskit_crypto::{KeyType, SignatureScheme};
use tlskit_keyschedule::tls12::{MasterSecret, Prf};
use tlskit_keyschedule::{HandshakeHashBuffer, TranscriptHash};
use tlskit_wire::{
    AlertDescription, Certificate12, CertificateDer, CertificateRequest12, ClientCertificateType,
    ClientHello, Compression, DigitallySigned, EcPointFormat, EcdheParams, Extension,
    ExtensionType, Extensions, HandshakeMessage, List, NamedGroup as WireGroup, NewSessionTicket12,
    ProtocolName, ProtocolVersion as WireVersion, Random, ServerHello, ServerKeyExchange,
    SessionId, SignatureScheme as WireScheme, DOWNGRADE_TLS12,
};

/// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3).
const EMPTY_RENEGOTIATION_INFO_SCSV: u16 = 0x00ff;

/// What every TLS 1.2 server state carries.
struct ServerHs {
    config: Arc<ServerConfig>,
    client_random: [u8; 32],
    server_random: [u8; 32],
    suite: CipherSuite,
    transcript: TranscriptHash,
    ems: bool,
    session_id: Vec<u8>,
    send_ticket: bool,
    server_name: Option<String>,
}

/// Handles the ClientHello once TLS 1.2 is chosen.
pub(crate) fn handle_client_hello(
    core: &mut Core,
    config: Arc<ServerConfig>,
    ch: &ClientHello<'_>,
    encoded: &[u8],
) -> Result<Box<dyn State>, Error> {
    let common = &config.common;
    let ems = ch
        .extensions
        .contains(ExtensionType::EXTENDED_MASTER_SECRET);
    let secure_reneg = ch.extensions.renegotiation_info().is_some()
        || ch
            .cipher_suites
            .iter()
            .any(|s| s.0 == EMPTY_RENEGOTIATION_INFO_SCSV);
    let server_name = ch
        .extensions
        .server_name()
        .and_then(|n| std::str::from_utf8(n).ok())
        .map(|s| s.to_ascii_lowercase());
    let client_ticket_ext = ch.extensions.session_ticket();
    let send_ticket = client_ticket_ext.is_some() && config.ticketer.is_some();
    let client_random = ch.random.0;
    let mut server_random = [0u8; 32];
    core.provider.fill_random(&mut server_random)?;
    // RFC 8446 §4.1.3: a TLS 1.3-capable server negotiating 1.2 marks its random.
    if common.supports(ProtocolVersion::Tls13) {
        server_random[24..].copy_from_slice(&DOWNGRADE_TLS12);
    }
    let alpn = choose_alpn(&config, ch)?;
    core.negotiated.alpn = alpn.clone();
    core.negotiated.server_name = server_name.clone();
    core.negotiated.extended_master_secret = ems;

    // Resumption: a ticket first (RFC 5077 §3.4), then the session-id cache.
    let offered = |code: u16| ch.cipher_suites.contains(&tlskit_wire::CipherSuite(code));
    let resumable = |v: &SessionValue| {
        v.version == ProtocolVersion::Tls12.code()
            && offered(v.cipher_suite)
            && crate::suites::find(v.cipher_suite)
                .is_some_and(|s| common.cipher_suites.contains(&s))
            && v.extended_master_secret == ems
    };
    let mut resumed: Option<(SessionValue, Vec<u8>)> = None;
    if let (Some(ticket), Some(ticketer)) = (client_ticket_ext, &config.ticketer) {
        if !ticket.is_empty() {
            if let Some(v) = ticketer.decrypt(ticket).filter(|v| resumable(v)) {
                resumed = Some((v, ch.legacy_session_id.0.to_vec()));
            }
        }
    }
    if resumed.is_none() && !ch.legacy_session_id.0.is_empty() {
        if let Some(cache) = &config.session_cache {
            if let Some(v) = cache.get(ch.legacy_session_id.0).filter(|v| resumable(v)) {
                resumed = Some((v, ch.legacy_session_id.0.to_vec()));
            }
        }
    }
    if common.require_ems && !ems {
        return Err(Error::handshake_failure(
            "client does not offer extended master secret (RFC 7627)",
        ));
    }

    let mut ext_items: Vec<Extension<'_>> = Vec::with_capacity(6);
    if secure_reneg {
        ext_items.push(Extension::RenegotiationInfo(&[]));
    }
    if ems {
        ext_items.push(Extension::ExtendedMasterSecret);
    }
    // RFC 8449 §4: answer the client's record_size_limit (at most 2^14 in TLS 1.2).
    if let (Some(peer), Some(ours)) = (
        ch.extensions.record_size_limit(),
        config.common.record_size_limit,
    ) {
        let ours = ours.min(1 << 14);
        ext_items.push(Extension::RecordSizeLimit(ours));
        core.set_record_size_limits(peer, ours, false);
    }
    let point_formats = [EcPointFormat::UNCOMPRESSED];
    let alpn_name;
    let alpn_list;
    if let Some(p) = &alpn {
        alpn_name = [ProtocolName(p)];
        alpn_list = List::new(&alpn_name);
        ext_items.push(Extension::Alpn(alpn_list));
    }

    if let Some((value, echo)) = resumed {
        let suite = crate::suites::find(value.cipher_suite)
            .ok_or_else(|| Error::internal("resumed suite vanished"))?;
        if send_ticket {
            ext_items.push(Extension::SessionTicket(&[]));
        }
        return resume(
            core,
            ServerHs {
                config: config.clone(),
                client_random,
                server_random,
                suite,
                transcript: start_transcript(core, suite, encoded)?,
                ems,
                session_id: echo,
                send_ticket,
                server_name,
            },
            value,
            &ext_items,
        );
    }

    // Full handshake: certificate, suite, group, signature scheme.
    let client_schemes: Vec<SignatureScheme> = match ch.extensions.signature_algorithms() {
        Some(list) => list
            .iter()
            .filter_map(|s| SignatureScheme::from_code(s.0))
            .collect(),
        // RFC 5246 §7.4.1.4.1: absent means SHA-1, which tlskit does not sign with.
        None => {
            return Err(Error::handshake_failure(
                "no signature_algorithms: SHA-1 signatures are not supported",
            ))
        }
    };
    let cert = config
        .cert_resolver
        .resolve(server_name.as_deref(), &client_schemes)
        .ok_or_else(|| Error::handshake_failure("no certificate for this client"))?;
    let key_type = cert.key.key_type();
    let suite = choose_suite(&config, ch, key_type).ok_or_else(|| {
        Error::handshake_failure(
            "no cipher suite in common for this certificate (suite or ECDSA curve not offered)",
        )
    })?;
    let scheme = choose_scheme(&cert, key_type, &client_schemes, &common.signature_schemes)
        .ok_or_else(|| Error::handshake_failure("no signature scheme in common"))?;
    let group = match ch.extensions.supported_groups() {
        Some(list) => common
            .groups
            .iter()
            .copied()
            .find(|g| list.contains(&WireGroup(g.code())))
            .ok_or_else(|| Error::handshake_failure("no key-exchange group in common"))?,
        // RFC 8422 §4: without the extension the server may pick.
        None => *common
            .groups
            .first()
            .ok_or_else(|| Error::Config("no groups enabled".into()))?,
    };
    if let Some(formats) = ch.extensions.ec_point_formats() {
        if !formats.contains(&EcPointFormat::UNCOMPRESSED) {
            return Err(Error::illegal(
                "client does not accept uncompressed points (RFC 8422 §5.1.2)",
            ));
        }
        ext_items.push(Extension::EcPointFormats(List::new(&point_formats)));
    }
    if send_ticket {
        ext_items.push(Extension::SessionTicket(&[]));
    }
    // RFC 6066 §8: acknowledge status_request when there is a response to staple.
    let staple = cert.ocsp.as_deref().filter(|_| {
        matches!(
            ch.extensions.status_request(),
            Some(tlskit_wire::CertificateStatusRequest::Ocsp { .. })
        )
    });
    if staple.is_some() {
        ext_items.push(Extension::StatusRequestAck);
    }
    // A session id only when the session will be cached (a ticket replaces it).
    let mut session_id = Vec::new();
    if config.session_cache.is_some() && !send_ticket {
        session_id = vec![0u8; 32];
        core.provider.fill_random(&mut session_id)?;
    }
    let mut transcript = start_transcript_buffer(encoded);
    let client_auth = !matches!(config.client_auth, ClientAuth::Off);
    if client_auth {
        transcript.retain_messages();
    }
    let hash = core
        .provider
        .hash(suite.hash)
        .ok_or_else(|| Error::internal("hash missing"))?;
    let mut transcript = transcript.start(hash);

    core.negotiated.suite = Some(suite);
    core.negotiated.group = Some(group);
    core.negotiated.signature_scheme = Some(scheme);
    core.trace(
        Direction::Local,
        format_args!(
            "chose TLSv1.2 {} group={} signature={} ems={ems}",
            suite.name,
            group.name(),
            scheme.name()
        ),
    );

    // One flight: ServerHello Certificate ServerKeyExchange [CertificateRequest] ServerHelloDone.
    let sh = ServerHello {
        legacy_version: WireVersion::TLS12,
        random: Random(server_random),
        legacy_session_id_echo: SessionId(&session_id),
        cipher_suite: tlskit_wire::CipherSuite(suite.code),
        compression_method: Compression::NULL,
        extensions: Extensions::new(&ext_items),
    };
    let range = core.queue_handshake(&HandshakeMessage::ServerHello(sh))?;
    transcript.add_message(core.flight_bytes(range));
    let ders: Vec<CertificateDer<'_>> = cert.chain.iter().map(|d| CertificateDer(d)).collect();
    let range = core.queue_handshake(&HandshakeMessage::Certificate12(Certificate12 {
        certificate_list: List::new(&ders),
    }))?;
    transcript.add_message(core.flight_bytes(range));
    if let Some(response) = staple {
        let range = core.queue_handshake(&HandshakeMessage::CertificateStatus(response))?;
        transcript.add_message(core.flight_bytes(range));
    }

    let kx = core
        .provider
        .key_exchange(group)
        .ok_or_else(|| Error::internal("group vanished"))?
        .start()?;
    let params = EcdheParams {
        named_group: WireGroup(group.code()),
        public: kx.public_key(),
    };
    let params_bytes = params
        .to_vec()
        .map_err(|e| Error::internal(e.to_string()))?;
    let mut signed = Vec::with_capacity(64 + params_bytes.len());
    signed.extend_from_slice(&client_random);
    signed.extend_from_slice(&server_random);
    signed.extend_from_slice(&params_bytes);
    let flight = Flight12 {
        hs: ServerHs {
            config,
            client_random,
            server_random,
            suite,
            transcript,
            ems,
            session_id,
            send_ticket,
            server_name,
        },
        kx,
        group,
        scheme,
        client_auth,
    };
    if core.defer_signatures {
        let request = crate::state::SignatureRequest {
            scheme,
            message: signed,
            key: cert.key.clone(),
        };
        return Ok(crate::state::AwaitingSignature::boxed(
            request,
            Box::new(move |core, sig| flight.finish(core, sig)),
        ));
    }
    let signature = cert.key.sign(scheme, &signed)?;
    flight.finish(core, signature)
}

/// The rest of the server's first flight once the ServerKeyExchange signature exists:
/// ServerKeyExchange [CertificateRequest] ServerHelloDone (RFC 5246 §7.4.3–§7.4.5).
struct Flight12 {
    hs: ServerHs,
    kx: Box<dyn tlskit_crypto::ActiveKeyExchange>,
    group: tlskit_crypto::NamedGroup,
    scheme: SignatureScheme,
    client_auth: bool,
}

impl Flight12 {
    fn finish(self, core: &mut Core, signature: Vec<u8>) -> Result<Box<dyn State>, Error> {
        let Flight12 {
            mut hs,
            kx,
            group,
            scheme,
            client_auth,
        } = self;
        let params = EcdheParams {
            named_group: WireGroup(group.code()),
            public: kx.public_key(),
        };
        let ske = ServerKeyExchange {
            params,
            signed_params: DigitallySigned {
                algorithm: WireScheme(scheme.code()),
                signature: &signature,
            },
        };
        let range = core.queue_handshake(&HandshakeMessage::ServerKeyExchange(ske))?;
        hs.transcript.add_message(core.flight_bytes(range));
        let mut requested_schemes = Vec::new();
        if client_auth {
            requested_schemes = hs.config.common.signature_schemes.clone();
            let types = [
                ClientCertificateType::RSA_SIGN,
                ClientCertificateType::ECDSA_SIGN,
            ];
            let schemes: Vec<WireScheme> = requested_schemes
                .iter()
                .map(|s| WireScheme(s.code()))
                .collect();
            let cr = CertificateRequest12 {
                certificate_types: List::new(&types),
                supported_signature_algorithms: List::new(&schemes),
                certificate_authorities: List::empty(),
            };
            let range = core.queue_handshake(&HandshakeMessage::CertificateRequest12(cr))?;
            hs.transcript.add_message(core.flight_bytes(range));
        }
        let range = core.queue_handshake(&HandshakeMessage::ServerHelloDone)?;
        hs.transcript.add_message(core.flight_bytes(range));
        core.flush_flight()?;
        let kx_state = KeyExchangePending {
            hs,
            kx,
            requested_schemes,
            client_spki: None,
        };
        if client_auth {
            Ok(Box::new(ExpectClientCertificate(kx_state)))
        } else {
            Ok(Box::new(ExpectClientKeyExchange(kx_state)))
        }
    }
}

fn start_transcript_buffer(client_hello: &[u8]) -> HandshakeHashBuffer {
    let mut buffer = HandshakeHashBuffer::new();
    buffer.add_message(client_hello);
    buffer
}

fn start_transcript(
    core: &Core,
    suite: CipherSuite,
    client_hello: &[u8],
) -> Result<TranscriptHash, Error> {
    let hash = core
        .provider
        .hash(suite.hash)
        .ok_or_else(|| Error::internal("hash missing"))?;
    Ok(start_transcript_buffer(client_hello).start(hash))
}

/// RFC 7301 §3.2: the server picks one of the client's protocols, in its own preference
/// order; no overlap is `no_application_protocol`.
fn choose_alpn(config: &ServerConfig, ch: &ClientHello<'_>) -> Result<Option<Vec<u8>>, Error> {
    let (Some(offered), false) = (
        ch.extensions.alpn(),
        config.common.alpn_protocols.is_empty(),
    ) else {
        return Ok(None);
    };
    config
        .common
        .alpn_protocols
        .iter()
        .find(|ours| offered.iter().any(|p| p.0 == ours.as_slice()))
        .map(|p| Some(p.clone()))
        .ok_or_else(|| {
            Error::fatal(
                AlertDescription::NoApplicationProtocol,
                "no ALPN protocol in common",
            )
        })
}

fn choose_suite(
    config: &ServerConfig,
    ch: &ClientHello<'_>,
    key_type: KeyType,
) -> Option<CipherSuite> {
    // RFC 8422 §5.1 / RFC 4492 §5.1: an ECDSA certificate's curve must be one the client
    // listed in supported_groups (when it sent the extension).
    if let (KeyType::Ecdsa(curve), Some(groups)) = (key_type, ch.extensions.supported_groups()) {
        let group = match curve {
            tlskit_crypto::Curve::P256 => tlskit_crypto::NamedGroup::Secp256r1,
            tlskit_crypto::Curve::P384 => tlskit_crypto::NamedGroup::Secp384r1,
        };
        if !groups.contains(&WireGroup(group.code())) {
            return None;
        }
    }
    let usable = |s: &CipherSuite| s.tls12_auth.is_some_and(|a| a.accepts(key_type));
    let ours = config
        .common
        .suites_for(ProtocolVersion::Tls12)
        .filter(usable);
    if config.prefer_server_order {
        ours.into_iter()
            .find(|s| ch.cipher_suites.contains(&tlskit_wire::CipherSuite(s.code)))
    } else {
        let ours: Vec<CipherSuite> = ours.collect();
        ch.cipher_suites
            .iter()
            .find_map(|c| ours.iter().copied().find(|s| s.code == c.0))
    }
}

/// The scheme to sign the ServerKeyExchange with: the key's preference order, limited to
/// what the client accepts. An ECDSA key signs with the hash matching its curve.
fn choose_scheme(
    cert: &CertifiedKey,
    key_type: KeyType,
    client: &[SignatureScheme],
    ours: &[SignatureScheme],
) -> Option<SignatureScheme> {
    if let KeyType::Ecdsa(curve) = key_type {
        let preferred = preferred_curve_scheme(curve);
        if client.contains(&preferred) {
            return Some(preferred);
        }
    }
    cert.key
        .schemes()
        .iter()
        .copied()
        .find(|s| client.contains(s) && ours.contains(s))
}

struct KeyExchangePending {
    hs: ServerHs,
    kx: Box<dyn tlskit_crypto::ActiveKeyExchange>,
    requested_schemes: Vec<SignatureScheme>,
    client_spki: Option<Vec<u8>>,
}

struct ExpectClientCertificate(KeyExchangePending);

impl State for ExpectClientCertificate {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::Certificate12(cert),
            encoded,
        } = msg
        else {
            return Err(unexpected("client Certificate", &msg));
        };
        let mut st = self.0;
        st.hs.transcript.add_message(encoded);
        let chain: Vec<Vec<u8>> = cert.certificate_list.iter().map(|c| c.0.to_vec()).collect();
        let verifier = match &st.hs.config.client_auth {
            ClientAuth::Off => None,
            ClientAuth::Optional(v) | ClientAuth::Required(v) => Some(v.clone()),
        };
        match (chain.split_first(), verifier) {
            (None, _) => {
                if matches!(st.hs.config.client_auth, ClientAuth::Required(_)) {
                    // RFC 5246 §7.4.6: the server may abort with handshake_failure.
                    return Err(Error::handshake_failure(
                        "client certificate required but none sent",
                    ));
                }
                st.hs.transcript.stop_retaining();
                core.trace(
                    Direction::Local,
                    format_args!("client sent no certificate; continuing unauthenticated"),
                );
            }
            (Some((leaf, rest)), Some(verifier)) => {
                let spki = crate::verify::verify_client_chain(core, &*verifier, leaf, rest)?;
                st.client_spki = Some(spki);
                core.negotiated.peer_certificates = chain;
            }
            (Some(_), None) => return Err(Error::internal("client auth without a verifier")),
        }
        Ok(Box::new(ExpectClientKeyExchange(st)))
    }
}

struct ExpectClientKeyExchange(KeyExchangePending);

impl State for ExpectClientKeyExchange {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::ClientKeyExchange(cke),
            encoded,
        } = msg
        else {
            return Err(unexpected("ClientKeyExchange", &msg));
        };
        let KeyExchangePending {
            mut hs,
            kx,
            requested_schemes,
            client_spki,
        } = self.0;
        let public = cke.ecdhe_public()?;
        let pre_master = kx.complete(public)?;
        hs.transcript.add_message(encoded);
        let master = master_secret(
            core.provider,
            hs.suite,
            pre_master.as_bytes(),
            hs.ems,
            &hs.transcript,
            &hs.client_random,
            &hs.server_random,
        )?;
        drop(pre_master);
        master.log(&*hs.config.common.key_log, &hs.client_random);
        let secrets = derive_ciphers(
            core.provider,
            master,
            hs.suite,
            &hs.client_random,
            &hs.server_random,
            Side::Server,
        )?;
        core.pending_write = Some(secrets.write);
        let next = Finishing {
            hs,
            master: secrets.master,
            read: Some(secrets.read),
            resumed: false,
        };
        match client_spki {
            Some(spki) => Ok(Box::new(ExpectCertificateVerify {
                next,
                spki,
                requested_schemes,
            })),
            None => Ok(Box::new(ExpectCcs(next))),
        }
    }
}

struct ExpectCertificateVerify {
    next: Finishing,
    spki: Vec<u8>,
    requested_schemes: Vec<SignatureScheme>,
}

impl State for ExpectCertificateVerify {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::CertificateVerify(cv),
            encoded,
        } = msg
        else {
            return Err(unexpected("CertificateVerify", &msg));
        };
        let ExpectCertificateVerify {
            mut next,
            spki,
            requested_schemes,
        } = *self;
        let scheme = SignatureScheme::from_code(cv.algorithm.0)
            .filter(|s| requested_schemes.contains(s))
            .ok_or_else(|| {
                Error::illegal(format!(
                    "CertificateVerify with {:?}, not requested",
                    cv.algorithm
                ))
            })?;
        let messages = next
            .hs
            .transcript
            .retained_messages()
            .ok_or_else(|| Error::internal("transcript messages were not retained"))?;
        let algorithm = tls12_verify_algorithm(scheme, &spki)?;
        core.provider
            .verify(algorithm, &spki, messages, cv.signature)
            .map_err(|_| {
                Error::fatal(
                    AlertDescription::DecryptError,
                    "client CertificateVerify did not verify",
                )
            })?;
        core.trace(
            Direction::Local,
            format_args!("client CertificateVerify ({}) verified", scheme.name()),
        );
        next.hs.transcript.stop_retaining();
        next.hs.transcript.add_message(encoded);
        Ok(Box::new(ExpectCcs(next)))
    }
}

/// Keys ready; waiting for the client's ChangeCipherSpec and Finished.
struct Finishing {
    hs: ServerHs,
    master: MasterSecret,
    read: Option<RecordCipher>,
    resumed: bool,
}

struct ExpectCcs(Finishing);

impl State for ExpectCcs {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::ChangeCipherSpec = msg else {
            return Err(unexpected("ChangeCipherSpec", &msg));
        };
        let mut st = self.0;
        core.read_cipher = Some(
            st.read
                .take()
                .ok_or_else(|| Error::internal("read keys missing"))?,
        );
        Ok(Box::new(ExpectFinished(st)))
    }
}

struct ExpectFinished(Finishing);

impl State for ExpectFinished {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::Finished(vd),
            encoded,
        } = msg
        else {
            return Err(unexpected("Finished", &msg));
        };
        let mut st = self.0;
        check_finished(&st.master, Side::Client, &st.hs.transcript, vd)?;
        st.hs.transcript.add_message(encoded);
        core.trace(Direction::Local, format_args!("client Finished verified"));
        if !st.resumed {
            let value = session_value(core, &st.hs, &st.master);
            // A client that takes a ticket resumes with it; the id cache is for the others
            // (and keeps the cache for clients that need it).
            if st.hs.send_ticket {
                send_ticket(core, &mut st.hs, &value)?;
            } else if let (Some(cache), false) =
                (&st.hs.config.session_cache, st.hs.session_id.is_empty())
            {
                cache.put(&st.hs.session_id, value);
            }
            send_ccs_finished(core, &mut st.hs, &st.master)?;
        }
        if st.hs.ems {
            core.exporter = Some(crate::exporter::Exporter::Tls12 {
                master: st.master,
                client_random: st.hs.client_random,
                server_random: st.hs.server_random,
            });
        }
        core.complete_handshake()?;
        core.trace(
            Direction::Local,
            format_args!(
                "handshake complete ({})",
                if st.resumed { "resumed" } else { "full" }
            ),
        );
        Ok(Box::new(Traffic))
    }
}

fn session_value(core: &Core, hs: &ServerHs, master: &MasterSecret) -> SessionValue {
    SessionValue {
        version: ProtocolVersion::Tls12.code(),
        cipher_suite: hs.suite.code,
        secret: tlskit_crypto::Secret::new(master.as_bytes())
            .unwrap_or_else(|_| tlskit_crypto::Secret::zeroes(0)),
        extended_master_secret: hs.ems,
        server_name: hs.server_name.clone(),
        alpn: core.negotiated.alpn.clone(),
        client_authenticated: !core.negotiated.peer_certificates.is_empty(),
        created: unix_now(),
        lifetime: DEFAULT_LIFETIME.as_secs() as u32,
        age_add: 0,
    }
}

/// NewSessionTicket (RFC 5077 §3.3): an empty ticket if encryption fails.
fn send_ticket(core: &mut Core, hs: &mut ServerHs, value: &SessionValue) -> Result<(), Error> {
    let ticket = hs
        .config
        .ticketer
        .as_ref()
        .and_then(|t| t.encrypt(value))
        .unwrap_or_default();
    let msg = HandshakeMessage::NewSessionTicket12(NewSessionTicket12 {
        ticket_lifetime_hint: value.lifetime,
        ticket: &ticket,
    });
    let range = core.queue_handshake(&msg)?;
    hs.transcript.add_message(core.flight_bytes(range));
    Ok(())
}

fn send_ccs_finished(
    core: &mut Core,
    hs: &mut ServerHs,
    master: &MasterSecret,
) -> Result<(), Error> {
    core.send_ccs()?;
    core.write_cipher = core.pending_write.take();
    let vd = verify_data(master, Side::Server, &hs.transcript)?;
    let range = core.queue_handshake(&HandshakeMessage::Finished(&vd))?;
    hs.transcript.add_message(core.flight_bytes(range));
    core.flush_flight()
}

/// Abbreviated handshake: ServerHello [NewSessionTicket] ChangeCipherSpec Finished.
fn resume(
    core: &mut Core,
    mut hs: ServerHs,
    value: SessionValue,
    exts: &[Extension<'_>],
) -> Result<Box<dyn State>, Error> {
    let sh = ServerHello {
        legacy_version: WireVersion::TLS12,
        random: Random(hs.server_random),
        legacy_session_id_echo: SessionId(&hs.session_id),
        cipher_suite: tlskit_wire::CipherSuite(hs.suite.code),
        compression_method: Compression::NULL,
        extensions: Extensions::new(exts),
    };
    let range = core.queue_handshake(&HandshakeMessage::ServerHello(sh))?;
    hs.transcript.add_message(core.flight_bytes(range));
    core.negotiated.suite = Some(hs.suite);
    core.negotiated.resumed = true;
    core.trace(
        Direction::Local,
        format_args!("resuming TLSv1.2 session {}", hs.suite.name),
    );
    let prf = Prf::new(core.provider, hs.suite.hash).map_err(|e| Error::internal(e.to_string()))?;
    let master = MasterSecret::from_bytes(prf, value.secret.as_bytes())
        .map_err(|e| Error::internal(e.to_string()))?;
    master.log(&*hs.config.common.key_log, &hs.client_random);
    let secrets = derive_ciphers(
        core.provider,
        master,
        hs.suite,
        &hs.client_random,
        &hs.server_random,
        Side::Server,
    )?;
    core.pending_write = Some(secrets.write);
    if hs.send_ticket {
        let fresh = SessionValue {
            created: unix_now(),
            ..value
        };
        send_ticket(core, &mut hs, &fresh)?;
    }
    send_ccs_finished(core, &mut hs, &secrets.master)?;
    Ok(Box::new(ExpectCcs(Finishing {
        hs,
        master: secrets.master,
        read: Some(secrets.read),
        resumed: true,
    })))
}
