//! The TLS 1.3 client (RFC 8446 §2, §4): ServerHello or HelloRetryRequest, the server's
//! encrypted flight, our Finished, then tickets and KeyUpdate.

use super::{
    certificate_verify_message, choose_scheme, cipher_for, ks, verify_certificate_verify,
    PostHandshake, Traffic13,
};
use crate::client::{
    checked_alpn, encode_client_hello, ClientTranscript, ExpectServerHello, HelloParts, Offer,
    ResumePsk,
};
use crate::config::ClientConfig;
use crate::conn::{Core, Side};
use crate::error::Error;
use crate::session::{unix_now, ClientSession, SessionValue};
use crate::state::{unexpected, Msg, State};
use crate::suites::{self, CipherSuite, ProtocolVersion};
use crate::trace::Direction;
use std::sync::Arc;
use tlskit_crypto::{NamedGroup, SignatureScheme};
use tlskit_keyschedule::tls13::{
    EarlySecret, HandshakeSecret, HandshakeTrafficSecret, Kdf, ResumptionMasterSecret,
};
use tlskit_keyschedule::TranscriptHash;
use tlskit_wire::{
    AlertDescription, Certificate13, CertificateEntry, Compression, DigitallySigned, Extension,
    ExtensionType, Extensions, HandshakeMessage, List, ServerHello, SignatureScheme as WireScheme,
};

/// The state of a TLS 1.3 client from ServerHello to its Finished.
struct ClientHs13 {
    config: Arc<ClientConfig>,
    server_name: String,
    client_random: [u8; 32],
    suite: CipherSuite,
    transcript: TranscriptHash,
    handshake_secret: HandshakeSecret,
    client_hs: HandshakeTrafficSecret,
    server_hs: HandshakeTrafficSecret,
    resumed: bool,
    cert_request: Option<(Vec<u8>, Vec<SignatureScheme>)>,
    server_spki: Option<Vec<u8>>,
}

fn offered_suite(offer: &Offer, code: u16) -> Result<CipherSuite, Error> {
    suites::find(code)
        .filter(|s| {
            s.version == ProtocolVersion::Tls13 && offer.config.common.cipher_suites.contains(s)
        })
        .ok_or_else(|| Error::illegal(format!("server chose suite 0x{code:04x}, not offered")))
}

fn check_common_hello_fields(offer: &Offer, sh: &ServerHello<'_>) -> Result<(), Error> {
    if sh.legacy_session_id_echo.0 != offer.session_id.as_slice() {
        return Err(Error::illegal(
            "legacy_session_id_echo differs from ours (RFC 8446 §4.1.3)",
        ));
    }
    if sh.compression_method != Compression::NULL {
        return Err(Error::illegal("non-null compression"));
    }
    Ok(())
}

/// HelloRetryRequest (RFC 8446 §4.1.4): retry with a key share for the chosen group.
pub(crate) fn handle_hello_retry_request(
    core: &mut Core,
    mut offer: Offer,
    hrr: &ServerHello<'_>,
    encoded: &[u8],
) -> Result<Box<dyn State>, Error> {
    check_common_hello_fields(&offer, hrr)?;
    if hrr.selected_version() != tlskit_wire::ProtocolVersion::TLS13 {
        return Err(Error::illegal("HelloRetryRequest without TLS 1.3"));
    }
    let suite = offered_suite(&offer, hrr.cipher_suite.0)?;
    for t in hrr.extensions.types() {
        if !matches!(
            t,
            ExtensionType::SUPPORTED_VERSIONS | ExtensionType::KEY_SHARE | ExtensionType::COOKIE
        ) {
            return Err(Error::fatal(
                AlertDescription::UnsupportedExtension,
                format!("{t:?} in HelloRetryRequest"),
            ));
        }
    }
    let cookie = hrr.extensions.cookie().map(|c| c.to_vec());
    let group = match hrr.extensions.key_share_hello_retry_request() {
        Some(g) => {
            let group = NamedGroup::from_code(g.0)
                .filter(|g| offer.config.common.groups.contains(g))
                .ok_or_else(|| {
                    Error::illegal(format!("HelloRetryRequest asks for {g:?}, not offered"))
                })?;
            if offer.key_share.as_ref().is_some_and(|k| k.group() == group) {
                return Err(Error::illegal(
                    "HelloRetryRequest asks for the group we already sent",
                ));
            }
            Some(group)
        }
        None => None,
    };
    if group.is_none() && cookie.is_none() {
        // RFC 8446 §4.1.4: an HRR that would not change the ClientHello is illegal.
        return Err(Error::illegal("HelloRetryRequest changes nothing"));
    }
    let hash = core
        .provider
        .hash(suite.hash)
        .ok_or_else(|| Error::internal("hash missing"))?;
    let ClientTranscript::Buffer(buffer) = std::mem::replace(
        &mut offer.transcript,
        ClientTranscript::Buffer(Default::default()),
    ) else {
        return Err(Error::internal("transcript already started"));
    };
    let mut transcript = buffer.start(hash);
    transcript.replace_with_message_hash();
    transcript.add_message(encoded);
    core.trace(
        Direction::Local,
        format_args!("retrying with group {:?}", group.map(|g| g.name())),
    );

    if let Some(group) = group {
        let kx = core
            .provider
            .key_exchange(group)
            .ok_or_else(|| Error::internal("group vanished"))?;
        offer.key_share = Some(kx.start()?);
    }
    // A PSK is kept only if its hash matches the suite the server fixed.
    if offer
        .psk
        .as_ref()
        .is_some_and(|p| p.suite.hash != suite.hash)
    {
        offer.psk = None;
    }
    let parts = HelloParts {
        random: offer.random,
        session_id: &offer.session_id,
        key_share: offer
            .key_share
            .as_ref()
            .map(|k| (k.group(), k.public_key())),
        cookie: cookie.as_deref(),
        psk: offer.psk.as_ref(),
        ticket12: &[],
    };
    let prefix = |_: &'static dyn tlskit_crypto::Hash, partial: &[u8]| {
        transcript.current_with_partial(partial)
    };
    let hello2 = encode_client_hello(core, &offer.config, &offer.server_name, &parts, &prefix)?;
    transcript.add_message(&hello2);
    core.queue_encoded_handshake(&hello2);
    core.flush_flight()?;
    offer.transcript = ClientTranscript::Started(transcript);
    offer.hrr_suite = Some(suite);
    Ok(Box::new(ExpectServerHello(offer)))
}

/// ServerHello selecting TLS 1.3 (RFC 8446 §4.1.3).
pub(crate) fn handle_server_hello(
    core: &mut Core,
    offer: Offer,
    sh: &ServerHello<'_>,
    encoded: &[u8],
) -> Result<Box<dyn State>, Error> {
    check_common_hello_fields(&offer, sh)?;
    if sh.legacy_version != tlskit_wire::ProtocolVersion::TLS12 {
        return Err(Error::illegal(
            "TLS 1.3 ServerHello legacy_version must be 0x0303",
        ));
    }
    let suite = offered_suite(&offer, sh.cipher_suite.0)?;
    if offer.hrr_suite.is_some_and(|s| s != suite) {
        return Err(Error::illegal(
            "ServerHello suite differs from the HelloRetryRequest's",
        ));
    }
    for t in sh.extensions.types() {
        if !matches!(
            t,
            ExtensionType::SUPPORTED_VERSIONS
                | ExtensionType::KEY_SHARE
                | ExtensionType::PRE_SHARED_KEY
        ) {
            return Err(Error::fatal(
                AlertDescription::UnsupportedExtension,
                format!("{t:?} in a TLS 1.3 ServerHello"),
            ));
        }
    }
    let Offer {
        config,
        server_name,
        random,
        key_share,
        psk,
        transcript,
        ..
    } = offer;
    // PSK (RFC 8446 §4.2.11): we offer at most one identity.
    let psk: Option<ResumePsk> = match sh.extensions.selected_psk() {
        Some(0) => {
            let p = psk.ok_or_else(|| Error::illegal("server selected a PSK we did not offer"))?;
            if p.suite.hash != suite.hash {
                return Err(Error::illegal("resumed PSK hash differs from the suite's"));
            }
            Some(p)
        }
        Some(i) => {
            return Err(Error::illegal(format!(
                "server selected PSK identity {i}, not offered"
            )))
        }
        None => None,
    };
    let share = sh.extensions.key_share_server().ok_or_else(|| {
        Error::fatal(
            AlertDescription::MissingExtension,
            "ServerHello without key_share (psk_ke is not offered)",
        )
    })?;
    let kx = key_share.ok_or_else(|| Error::internal("no key share"))?;
    if share.group.0 != kx.group().code() {
        return Err(Error::illegal(
            "server key share is for a group we did not send",
        ));
    }
    let group = kx.group();
    let shared = kx.complete(share.key_exchange)?;

    let hash = core
        .provider
        .hash(suite.hash)
        .ok_or_else(|| Error::internal("hash missing"))?;
    let mut transcript = match transcript {
        ClientTranscript::Buffer(b) => b.start(hash),
        ClientTranscript::Started(t) => t,
    };
    transcript.add_message(encoded);
    let kdf = Kdf::new(core.provider, suite.hash).map_err(ks)?;
    let early = EarlySecret::new(kdf, psk.as_ref().map(|p| p.session.value.secret.as_bytes()))
        .map_err(ks)?;
    let handshake_secret = early
        .into_handshake_secret(Some(shared.as_bytes()))
        .map_err(ks)?;
    drop(shared);
    let hello_hash = transcript.current();
    let client_hs = handshake_secret
        .handshake_traffic_secret(Side::Client, &hello_hash)
        .map_err(ks)?;
    let server_hs = handshake_secret
        .handshake_traffic_secret(Side::Server, &hello_hash)
        .map_err(ks)?;
    client_hs.log(&*config.common.key_log, &random);
    server_hs.log(&*config.common.key_log, &random);
    core.set_version(ProtocolVersion::Tls13);
    core.read_cipher = Some(cipher_for(core, suite, server_hs.traffic_keys(suite.aead))?);
    // From here on we write under the client handshake key (an alert about the server's
    // flight included), preceded by the compatibility CCS (RFC 8446 Appendix D.4).
    core.send_ccs()?;
    core.write_cipher = Some(cipher_for(core, suite, client_hs.traffic_keys(suite.aead))?);
    core.negotiated.suite = Some(suite);
    core.negotiated.group = Some(group);
    core.negotiated.resumed = psk.is_some();
    core.trace(
        Direction::Local,
        format_args!(
            "negotiated TLSv1.3 {} group={} resumed={}",
            suite.name,
            group.name(),
            psk.is_some()
        ),
    );
    let hs = ClientHs13 {
        config,
        server_name,
        client_random: random,
        suite,
        transcript,
        handshake_secret,
        client_hs,
        server_hs,
        resumed: psk.is_some(),
        cert_request: None,
        server_spki: None,
    };
    Ok(Box::new(ExpectEncryptedExtensions(hs)))
}

struct ExpectEncryptedExtensions(ClientHs13);

impl State for ExpectEncryptedExtensions {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::EncryptedExtensions(exts),
            encoded,
        } = msg
        else {
            return Err(unexpected("EncryptedExtensions", &msg));
        };
        let mut hs = self.0;
        core.joiner_check_aligned().ok();
        check_encrypted_extensions(&hs.config, &exts)?;
        core.negotiated.alpn = checked_alpn(&hs.config, &exts)?;
        if let (Some(peer), Some(ours)) =
            (exts.record_size_limit(), hs.config.common.record_size_limit)
        {
            core.set_record_size_limits(peer, ours, true);
        }
        hs.transcript.add_message(encoded);
        if hs.resumed {
            Ok(Box::new(ExpectFinished(hs)))
        } else {
            Ok(Box::new(ExpectCertificateOrRequest(hs)))
        }
    }
}

/// RFC 8446 §4.3.1: only extensions we offered that belong in EncryptedExtensions.
fn check_encrypted_extensions(config: &ClientConfig, exts: &Extensions<'_>) -> Result<(), Error> {
    for t in exts.types() {
        let ok = match t {
            ExtensionType::SERVER_NAME | ExtensionType::SUPPORTED_GROUPS => true,
            ExtensionType::ALPN => !config.common.alpn_protocols.is_empty(),
            ExtensionType::RECORD_SIZE_LIMIT => config.common.record_size_limit.is_some(),
            ExtensionType::EARLY_DATA => false,
            other => other.name().is_none(), // unknown (e.g. GREASE) extensions are ignored
        };
        if !ok {
            return Err(Error::fatal(
                AlertDescription::UnsupportedExtension,
                format!("{t:?} in EncryptedExtensions"),
            ));
        }
    }
    Ok(())
}

struct ExpectCertificateOrRequest(ClientHs13);

impl State for ExpectCertificateOrRequest {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let mut hs = self.0;
        match msg {
            Msg::Handshake {
                msg: HandshakeMessage::CertificateRequest13(cr),
                encoded,
            } if hs.cert_request.is_none() => {
                let schemes = cr
                    .extensions
                    .signature_algorithms()
                    .map(|l| {
                        l.iter()
                            .filter_map(|s| SignatureScheme::from_code(s.0))
                            .collect()
                    })
                    .unwrap_or_default();
                hs.cert_request = Some((cr.certificate_request_context.to_vec(), schemes));
                hs.transcript.add_message(encoded);
                Ok(Box::new(ExpectCertificateOrRequest(hs)))
            }
            Msg::Handshake {
                msg: HandshakeMessage::Certificate13(cert),
                encoded,
            } => {
                if !cert.certificate_request_context.is_empty() {
                    return Err(Error::illegal("server Certificate with a request context"));
                }
                let chain: Vec<Vec<u8>> = cert
                    .certificate_list
                    .iter()
                    .map(|e| e.cert_data.to_vec())
                    .collect();
                let staple = leaf_ocsp_staple(&hs.config, &cert)?;
                let spki = crate::verify::verify_server_chain(
                    core,
                    &*hs.config.verifier,
                    &chain,
                    &hs.server_name,
                    staple,
                )?;
                hs.server_spki = Some(spki);
                core.negotiated.peer_certificates = chain;
                hs.transcript.add_message(encoded);
                Ok(Box::new(ExpectCertificateVerify(hs)))
            }
            other => Err(unexpected("Certificate or CertificateRequest", &other)),
        }
    }
}

/// The OCSP response stapled to the leaf's CertificateEntry (RFC 8446 §4.4.2.1).
/// CertificateEntry extensions must answer ones the client sent (§4.4.2): only
/// status_request, and only when asked for.
fn leaf_ocsp_staple<'a>(
    config: &ClientConfig,
    cert: &Certificate13<'a>,
) -> Result<Option<&'a [u8]>, Error> {
    let requested = config.verifier.requests_ocsp_staple();
    let mut staple = None;
    for (i, entry) in cert.certificate_list.iter().enumerate() {
        for t in entry.extensions.types() {
            if !(requested && t == ExtensionType::STATUS_REQUEST) {
                return Err(Error::fatal(
                    AlertDescription::UnsupportedExtension,
                    format!("CertificateEntry carries unrequested extension {t:?}"),
                ));
            }
        }
        if i == 0 {
            staple = entry
                .extensions
                .get(ExtensionType::STATUS_REQUEST)
                .and_then(|e| match e {
                    Extension::CertificateStatus(response) => Some(response),
                    _ => None,
                });
        }
    }
    Ok(staple)
}

struct ExpectCertificateVerify(ClientHs13);

impl State for ExpectCertificateVerify {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::CertificateVerify(cv),
            encoded,
        } = msg
        else {
            return Err(unexpected("CertificateVerify", &msg));
        };
        let mut hs = self.0;
        let spki = hs
            .server_spki
            .as_deref()
            .ok_or_else(|| Error::internal("no server key"))?;
        let hash = hs.transcript.current();
        let scheme = verify_certificate_verify(
            core,
            Side::Server,
            cv.algorithm.0,
            &hs.config.common.signature_schemes,
            spki,
            hash.as_bytes(),
            cv.signature,
        )?;
        core.negotiated.signature_scheme = Some(scheme);
        core.trace(
            Direction::Local,
            format_args!("server CertificateVerify ({}) verified", scheme.name()),
        );
        hs.transcript.add_message(encoded);
        Ok(Box::new(ExpectFinished(hs)))
    }
}

struct ExpectFinished(ClientHs13);

impl State for ExpectFinished {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::Finished(vd),
            encoded,
        } = msg
        else {
            return Err(unexpected("Finished", &msg));
        };
        let ClientHs13 {
            config,
            server_name,
            client_random,
            suite,
            mut transcript,
            handshake_secret,
            client_hs,
            server_hs,
            cert_request,
            ..
        } = self.0;
        // RFC 8446 §4.4.4, compared in constant time.
        server_hs
            .finished_key()
            .and_then(|k| k.check(&transcript.current(), vd))
            .map_err(|_| {
                Error::fatal(
                    AlertDescription::DecryptError,
                    "server Finished verify_data mismatch",
                )
            })?;
        transcript.add_message(encoded);
        core.joiner_check_aligned()?;
        core.trace(Direction::Local, format_args!("server Finished verified"));
        let server_finished_hash = transcript.current();
        let master = handshake_secret.into_master_secret().map_err(ks)?;
        let client_ap = master
            .application_traffic_secret(Side::Client, &server_finished_hash)
            .map_err(ks)?;
        let server_ap = master
            .application_traffic_secret(Side::Server, &server_finished_hash)
            .map_err(ks)?;
        client_ap.log(&*config.common.key_log, &client_random);
        server_ap.log(&*config.common.key_log, &client_random);
        if let Ok(exporter) = master.exporter_master_secret(&server_finished_hash) {
            exporter.log(&*config.common.key_log, &client_random);
            core.exporter = Some(crate::exporter::Exporter::Tls13(exporter));
        }
        core.read_cipher = Some(cipher_for(core, suite, server_ap.traffic_keys(suite.aead))?);

        // Our flight: [Certificate CertificateVerify] Finished.
        if let Some((context, schemes)) = cert_request {
            send_client_certificate(core, &config, &context, &schemes, &mut transcript)?;
        }
        let ours = client_hs
            .finished_key()
            .and_then(|k| k.verify_data(&transcript.current()))
            .map_err(ks)?;
        let range = core.queue_handshake(&HandshakeMessage::Finished(ours.as_bytes()))?;
        transcript.add_message(core.flight_bytes(range));
        core.flush_flight()?;
        core.write_cipher = Some(cipher_for(core, suite, client_ap.traffic_keys(suite.aead))?);
        let resumption = master
            .into_resumption_master_secret(&transcript.current())
            .map_err(ks)?;
        core.tolerate_ccs = false;
        core.complete_handshake()?;
        core.trace(Direction::Local, format_args!("handshake complete"));
        let hooks = TicketStore {
            config,
            server_name,
            suite,
            resumption,
        };
        Ok(Traffic13::start(
            core,
            suite,
            server_ap,
            client_ap,
            Some(Box::new(hooks)),
        ))
    }
}

/// RFC 8446 §4.4.2 / §4.4.3: our Certificate (possibly empty) and CertificateVerify.
fn send_client_certificate(
    core: &mut Core,
    config: &ClientConfig,
    context: &[u8],
    schemes: &[SignatureScheme],
    transcript: &mut TranscriptHash,
) -> Result<(), Error> {
    let chosen = config
        .client_cert
        .as_ref()
        .and_then(|c| choose_scheme(c.key.schemes(), schemes).map(|s| (c.clone(), s)));
    let entries: Vec<CertificateEntry<'_>> = chosen
        .as_ref()
        .map(|(c, _)| {
            c.chain
                .iter()
                .map(|d| CertificateEntry {
                    cert_data: d,
                    extensions: Extensions::empty(),
                })
                .collect()
        })
        .unwrap_or_default();
    let msg = HandshakeMessage::Certificate13(Certificate13 {
        certificate_request_context: context,
        certificate_list: List::new(&entries),
    });
    let range = core.queue_handshake(&msg)?;
    transcript.add_message(core.flight_bytes(range));
    if let Some((cert, scheme)) = chosen {
        let content = certificate_verify_message(Side::Client, transcript.current().as_bytes());
        let signature = cert.key.sign(scheme, &content)?;
        let cv = HandshakeMessage::CertificateVerify(DigitallySigned {
            algorithm: WireScheme(scheme.code()),
            signature: &signature,
        });
        let range = core.queue_handshake(&cv)?;
        transcript.add_message(core.flight_bytes(range));
    }
    Ok(())
}

/// Stores TLS 1.3 tickets for resumption (RFC 8446 §4.6.1).
struct TicketStore {
    config: Arc<ClientConfig>,
    server_name: String,
    suite: CipherSuite,
    resumption: ResumptionMasterSecret,
}

impl PostHandshake for TicketStore {
    fn new_session_ticket(
        &mut self,
        core: &mut Core,
        t: &tlskit_wire::NewSessionTicket13<'_>,
    ) -> Result<(), Error> {
        if t.ticket_lifetime > tlskit_wire::handshake::MAX_TICKET_LIFETIME {
            return Err(Error::illegal("ticket_lifetime above seven days"));
        }
        let Some(store) = &self.config.session_store else {
            return Ok(());
        };
        if t.ticket_lifetime == 0 {
            return Ok(());
        }
        let psk = self.resumption.ticket_psk(t.ticket_nonce).map_err(ks)?;
        let now = unix_now();
        let value = SessionValue {
            version: ProtocolVersion::Tls13.code(),
            cipher_suite: self.suite.code,
            secret: psk,
            extended_master_secret: false,
            server_name: Some(self.server_name.clone()),
            alpn: core.negotiated.alpn.clone(),
            client_authenticated: false,
            created: now,
            lifetime: t.ticket_lifetime,
            age_add: t.ticket_age_add,
        };
        store.put(
            &self.server_name,
            ClientSession {
                session_id: Vec::new(),
                ticket: t.ticket.to_vec(),
                value,
                received_at: now,
            },
        );
        core.trace(
            Direction::Local,
            format_args!("stored a TLS 1.3 ticket (lifetime {}s)", t.ticket_lifetime),
        );
        Ok(())
    }
}
