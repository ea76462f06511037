//! The TLS 1.3 server (RFC 8446 §2, §4): ClientHello (with HelloRetryRequest when the
//! client guessed the wrong group), PSK resumption with binder check, the encrypted flight
//! through Finished in one write, the client's Finished, then tickets.

use super::{
    certificate_verify_message, choose_scheme, cipher_for, ks, verify_certificate_verify, Traffic13,
};
use crate::config::{ClientAuth, ServerConfig};
use crate::conn::{Core, Side};
use crate::error::Error;
use crate::session::{unix_now, SessionValue, DEFAULT_LIFETIME};
use crate::state::{unexpected, Msg, State};
use crate::suites::{CipherSuite, ProtocolVersion};
use crate::trace::Direction;
use std::sync::Arc;
use tlskit_crypto::{NamedGroup, SignatureScheme};
use tlskit_keyschedule::tls13::{EarlySecret, HandshakeTrafficSecret, Kdf, MasterSecret, PskKind};
use tlskit_keyschedule::{HandshakeHashBuffer, TranscriptHash};
use tlskit_wire::{
    AlertDescription, Certificate13, CertificateEntry, CertificateRequest13, ClientHello,
    Compression, DigitallySigned, Extension, Extensions, HandshakeMessage, KeyShareEntry, List,
    NamedGroup as WireGroup, NewSessionTicket13, ProtocolName, ProtocolVersion as WireVersion,
    PskKeyExchangeMode, Random, ServerHello, SessionId, SignatureScheme as WireScheme,
    HELLO_RETRY_REQUEST_RANDOM,
};

/// How much declined 0-RTT data a server skips before giving up (bytes of records).
const MAX_SKIPPED_EARLY_DATA: usize = 1 << 17;

/// After a HelloRetryRequest: what the second ClientHello must match.
pub(crate) struct Retried {
    suite: CipherSuite,
    group: NamedGroup,
    transcript: TranscriptHash,
}

/// Waits for the ClientHello after our HelloRetryRequest.
struct ExpectSecondClientHello {
    config: Arc<ServerConfig>,
    retried: Retried,
}

impl State for ExpectSecondClientHello {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::ClientHello(ch),
            encoded,
        } = msg
        else {
            return Err(unexpected("second ClientHello", &msg));
        };
        handle_client_hello(core, self.config, &ch, encoded, Some(self.retried))
    }
}

fn client_schemes(ch: &ClientHello<'_>) -> Vec<SignatureScheme> {
    ch.extensions
        .signature_algorithms()
        .map(|l| {
            l.iter()
                .filter_map(|s| SignatureScheme::from_code(s.0))
                .collect()
        })
        .unwrap_or_default()
}

/// Handles a ClientHello offering TLS 1.3 (the first, or the second after HRR).
pub(crate) fn handle_client_hello(
    core: &mut Core,
    config: Arc<ServerConfig>,
    ch: &ClientHello<'_>,
    encoded: &[u8],
    retried: Option<Retried>,
) -> Result<Box<dyn State>, Error> {
    let common = &config.common;
    if !ch.compression_methods.iter().eq([Compression::NULL]) {
        return Err(Error::illegal(
            "TLS 1.3 ClientHello must offer only null compression",
        ));
    }
    // Suite: our order among what the client offers.
    let suite = match &retried {
        Some(r) => r.suite,
        None => common
            .suites_for(ProtocolVersion::Tls13)
            .find(|s| ch.cipher_suites.contains(&tlskit_wire::CipherSuite(s.code)))
            .ok_or_else(|| Error::handshake_failure("no TLS 1.3 cipher suite in common"))?,
    };
    if !ch
        .cipher_suites
        .contains(&tlskit_wire::CipherSuite(suite.code))
    {
        return Err(Error::illegal(
            "second ClientHello dropped the chosen suite",
        ));
    }
    // Group: ours in preference order among the client's; a share must be present, else
    // HelloRetryRequest (once).
    let client_groups = ch
        .extensions
        .supported_groups()
        .ok_or_else(|| Error::fatal(AlertDescription::MissingExtension, "no supported_groups"))?;
    let shares = ch.extensions.key_share_client().ok_or_else(|| {
        Error::fatal(
            AlertDescription::MissingExtension,
            "no key_share (psk_ke alone is not supported)",
        )
    })?;
    // RFC 8446 §4.2.8: shares only for offered groups (servers MAY check; we do).
    if shares.iter().any(|s| !client_groups.contains(&s.group)) {
        return Err(Error::illegal(
            "key share for a group not in supported_groups",
        ));
    }
    let group = match &retried {
        Some(r) => r.group,
        None => common
            .groups
            .iter()
            .copied()
            .find(|g| client_groups.contains(&WireGroup(g.code())))
            .ok_or_else(|| Error::handshake_failure("no key-exchange group in common"))?,
    };
    let share: Option<KeyShareEntry<'_>> = shares.iter().find(|s| s.group.0 == group.code());
    let hash = core
        .provider
        .hash(suite.hash)
        .ok_or_else(|| Error::internal("hash missing"))?;
    let Some(share) = share else {
        if retried.is_some() {
            return Err(Error::illegal(
                "second ClientHello lacks the requested key share",
            ));
        }
        return send_hello_retry_request(core, config, ch, encoded, suite, group);
    };
    // RFC 8446 Appendix D.4: one compatibility CCS, after our first message (the HRR if
    // there was one).
    let send_compat_ccs = retried.is_none() && !ch.legacy_session_id.0.is_empty();
    // 0-RTT is never accepted: skip whatever early data the client sends (RFC 8446
    // §4.2.10). A second ClientHello must not offer it.
    let offers_early_data = ch
        .extensions
        .contains(tlskit_wire::ExtensionType::EARLY_DATA);
    if retried.is_some() && offers_early_data {
        return Err(Error::illegal(
            "early_data in the ClientHello after HelloRetryRequest",
        ));
    }
    core.skip_plaintext_early_data = false;
    if offers_early_data {
        core.early_data_skip = Some(MAX_SKIPPED_EARLY_DATA);
    }
    let mut transcript = match retried {
        Some(r) => r.transcript,
        None => TranscriptHash::new(hash),
    };

    // PSK (RFC 8446 §4.2.11): the first identity that decrypts, if the client allows
    // psk_dhe_ke and its binder checks out.
    let mut psk: Option<tlskit_crypto::Secret> = None;
    // RFC 8446 §4.2.9: a PSK offer without psk_key_exchange_modes aborts the handshake.
    if ch.extensions.pre_shared_key().is_some() && ch.extensions.psk_key_exchange_modes().is_none()
    {
        return Err(Error::fatal(
            AlertDescription::MissingExtension,
            "pre_shared_key without psk_key_exchange_modes",
        ));
    }
    if let (Some(offered), Some(ticketer)) =
        (ch.extensions.pre_shared_key(), config.ticketer.as_ref())
    {
        let dhe_allowed = ch
            .extensions
            .psk_key_exchange_modes()
            .is_some_and(|m| m.contains(&PskKeyExchangeMode::PSK_DHE_KE));
        if dhe_allowed {
            if let Some(identity) = offered.identities.get(0) {
                let value = ticketer.decrypt(identity.identity).filter(|v| {
                    v.version == ProtocolVersion::Tls13.code()
                        && crate::suites::find(v.cipher_suite).is_some_and(|s| s.hash == suite.hash)
                });
                if let Some(value) = value {
                    let binder = offered
                        .binders
                        .get(0)
                        .ok_or_else(|| Error::decode("PSK without binder"))?;
                    let offset = ch
                        .psk_binders_offset()
                        .ok_or_else(|| Error::decode("binder offset"))?;
                    let truncated = encoded
                        .get(..offset)
                        .ok_or_else(|| Error::decode("binder offset"))?;
                    let kdf = Kdf::new(core.provider, suite.hash).map_err(ks)?;
                    let early = EarlySecret::new(kdf, Some(value.secret.as_bytes())).map_err(ks)?;
                    let binder_hash = transcript.current_with_partial(truncated);
                    early
                        .binder_key(PskKind::Resumption)
                        .and_then(|k| k.check_binder(&binder_hash, binder.0))
                        .map_err(|_| {
                            Error::fatal(
                                AlertDescription::DecryptError,
                                "PSK binder does not verify",
                            )
                        })?;
                    psk = Some(value.secret.clone());
                }
            }
        }
    }
    transcript.add_message(encoded);

    let server_name = ch
        .extensions
        .server_name()
        .and_then(|n| std::str::from_utf8(n).ok())
        .map(|s| s.to_ascii_lowercase());
    let alpn = choose_alpn13(&config, ch)?;
    core.set_version(ProtocolVersion::Tls13);
    core.tolerate_ccs = true;
    core.negotiated.server_name = server_name.clone();
    core.negotiated.alpn = alpn.clone();
    core.negotiated.suite = Some(suite);
    core.negotiated.group = Some(group);
    core.negotiated.resumed = psk.is_some();

    // Certificate and scheme (full handshakes only).
    let cert = if psk.is_none() {
        // RFC 8446 §9.2: without a PSK, signature_algorithms is mandatory.
        if ch.extensions.signature_algorithms().is_none() {
            return Err(Error::fatal(
                AlertDescription::MissingExtension,
                "no signature_algorithms in a full TLS 1.3 handshake",
            ));
        }
        let schemes = client_schemes(ch);
        let cert = config
            .cert_resolver
            .resolve(server_name.as_deref(), &schemes)
            .ok_or_else(|| Error::handshake_failure("no certificate for this client"))?;
        let scheme = choose_scheme(cert.key.schemes(), &schemes)
            .ok_or_else(|| Error::handshake_failure("no TLS 1.3 signature scheme in common"))?;
        Some((cert, scheme))
    } else {
        None
    };

    // ServerHello.
    let kx = core
        .provider
        .key_exchange(group)
        .ok_or_else(|| Error::internal("group vanished"))?
        .start()?;
    let server_share = kx.public_key().to_vec();
    let shared = kx.complete(share.key_exchange)?;
    let mut random = [0u8; 32];
    core.provider.fill_random(&mut random)?;
    let versions = Extension::SelectedVersion(WireVersion::TLS13);
    let key_share = Extension::KeyShareServer(KeyShareEntry {
        group: WireGroup(group.code()),
        key_exchange: &server_share,
    });
    let mut sh_exts = vec![versions, key_share];
    if psk.is_some() {
        sh_exts.push(Extension::SelectedPsk(0));
    }
    let sh = ServerHello {
        legacy_version: WireVersion::TLS12,
        random: Random(random),
        legacy_session_id_echo: SessionId(ch.legacy_session_id.0),
        cipher_suite: tlskit_wire::CipherSuite(suite.code),
        compression_method: Compression::NULL,
        extensions: Extensions::new(&sh_exts),
    };
    let range = core.queue_handshake(&HandshakeMessage::ServerHello(sh))?;
    transcript.add_message(core.flight_bytes(range));
    if send_compat_ccs {
        core.send_ccs()?;
    }

    let kdf = Kdf::new(core.provider, suite.hash).map_err(ks)?;
    let early = EarlySecret::new(kdf, psk.as_ref().map(|p| p.as_bytes())).map_err(ks)?;
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
    let client_random = ch.random.0;
    client_hs.log(&*common.key_log, &client_random);
    server_hs.log(&*common.key_log, &client_random);
    core.flush_flight()?;
    core.write_cipher = Some(cipher_for(core, suite, server_hs.traffic_keys(suite.aead))?);
    core.read_cipher = Some(cipher_for(core, suite, client_hs.traffic_keys(suite.aead))?);

    // EncryptedExtensions [CertificateRequest] [Certificate CertificateVerify] Finished.
    let alpn_name;
    let mut ee: Vec<Extension<'_>> = Vec::new();
    if let Some(p) = &alpn {
        alpn_name = [ProtocolName(p)];
        ee.push(Extension::Alpn(List::new(&alpn_name)));
    }
    // RFC 8449 §4: answer the client's record_size_limit with ours; from here on our
    // protected records respect its limit.
    if let (Some(peer), Some(ours)) = (ch.extensions.record_size_limit(), common.record_size_limit)
    {
        ee.push(Extension::RecordSizeLimit(ours));
        core.set_record_size_limits(peer, ours, true);
    }
    let range =
        core.queue_handshake(&HandshakeMessage::EncryptedExtensions(Extensions::new(&ee)))?;
    transcript.add_message(core.flight_bytes(range));
    let mut requested = None;
    if let (Some(_), ClientAuth::Optional(_) | ClientAuth::Required(_)) =
        (&cert, &config.client_auth)
    {
        let schemes: Vec<WireScheme> = common
            .signature_schemes
            .iter()
            .filter(|s| super::usable_in_tls13(**s))
            .map(|s| WireScheme(s.code()))
            .collect();
        let exts = [Extension::SignatureAlgorithms(List::new(&schemes))];
        let cr = CertificateRequest13 {
            certificate_request_context: &[],
            extensions: Extensions::new(&exts),
        };
        let range = core.queue_handshake(&HandshakeMessage::CertificateRequest13(cr))?;
        transcript.add_message(core.flight_bytes(range));
        requested = Some(
            common
                .signature_schemes
                .iter()
                .copied()
                .filter(|s| super::usable_in_tls13(*s))
                .collect::<Vec<_>>(),
        );
    }
    // Full handshake: Certificate, then the CertificateVerify content to sign.
    let signing = if let Some((cert, scheme)) = &cert {
        // RFC 8446 §4.4.2.1: the OCSP staple rides in the leaf's entry, when asked for.
        let staple_ext: Vec<Extension<'_>> = cert
            .ocsp
            .as_deref()
            .filter(|_| {
                matches!(
                    ch.extensions.status_request(),
                    Some(tlskit_wire::CertificateStatusRequest::Ocsp { .. })
                )
            })
            .map(Extension::CertificateStatus)
            .into_iter()
            .collect();
        let entries: Vec<CertificateEntry<'_>> = cert
            .chain
            .iter()
            .enumerate()
            .map(|(i, d)| CertificateEntry {
                cert_data: d,
                extensions: if i == 0 {
                    Extensions::new(&staple_ext)
                } else {
                    Extensions::empty()
                },
            })
            .collect();
        let msg = HandshakeMessage::Certificate13(Certificate13 {
            certificate_request_context: &[],
            certificate_list: List::new(&entries),
        });
        let range = core.queue_handshake(&msg)?;
        transcript.add_message(core.flight_bytes(range));
        let content = certificate_verify_message(Side::Server, transcript.current().as_bytes());
        Some((cert.key.clone(), *scheme, content))
    } else {
        None
    };
    let flight = Flight13 {
        config,
        suite,
        group,
        transcript,
        handshake_secret,
        server_hs,
        client_hs,
        client_random,
        server_name,
        requested,
    };
    let Some((key, scheme, content)) = signing else {
        return flight.finish(core, None);
    };
    let resume =
        move |core: &mut Core, signature: Vec<u8>| flight.finish(core, Some((scheme, signature)));
    if flight_config_defers(core) {
        return Ok(crate::state::AwaitingSignature::boxed(
            crate::state::SignatureRequest {
                scheme,
                message: content,
                key,
            },
            Box::new(resume),
        ));
    }
    let signature = key.sign(scheme, &content)?;
    resume(core, signature)
}

/// Whether this server defers its handshake signature to the application.
fn flight_config_defers(core: &Core) -> bool {
    core.defer_signatures
}

/// The rest of the server's first flight once the CertificateVerify signature exists:
/// CertificateVerify, Finished, application keys (RFC 8446 §4.4.3, §4.4.4, §7.1).
struct Flight13 {
    config: Arc<ServerConfig>,
    suite: CipherSuite,
    group: NamedGroup,
    transcript: TranscriptHash,
    handshake_secret: tlskit_keyschedule::tls13::HandshakeSecret,
    server_hs: HandshakeTrafficSecret,
    client_hs: HandshakeTrafficSecret,
    client_random: [u8; 32],
    server_name: Option<String>,
    requested: Option<Vec<SignatureScheme>>,
}

impl Flight13 {
    fn finish(
        self,
        core: &mut Core,
        signed: Option<(SignatureScheme, Vec<u8>)>,
    ) -> Result<Box<dyn State>, Error> {
        let Flight13 {
            config,
            suite,
            group,
            mut transcript,
            handshake_secret,
            server_hs,
            client_hs,
            client_random,
            server_name,
            requested,
        } = self;
        let common = &config.common;
        if let Some((scheme, signature)) = signed {
            let cv = HandshakeMessage::CertificateVerify(DigitallySigned {
                algorithm: WireScheme(scheme.code()),
                signature: &signature,
            });
            let range = core.queue_handshake(&cv)?;
            transcript.add_message(core.flight_bytes(range));
            core.negotiated.signature_scheme = Some(scheme);
        }
        let finished = server_hs
            .finished_key()
            .and_then(|k| k.verify_data(&transcript.current()))
            .map_err(ks)?;
        let range = core.queue_handshake(&HandshakeMessage::Finished(finished.as_bytes()))?;
        transcript.add_message(core.flight_bytes(range));
        core.flush_flight()?;

        let server_finished_hash = transcript.current();
        let master = handshake_secret.into_master_secret().map_err(ks)?;
        let client_ap = master
            .application_traffic_secret(Side::Client, &server_finished_hash)
            .map_err(ks)?;
        let server_ap = master
            .application_traffic_secret(Side::Server, &server_finished_hash)
            .map_err(ks)?;
        client_ap.log(&*common.key_log, &client_random);
        server_ap.log(&*common.key_log, &client_random);
        if let Ok(exporter) = master.exporter_master_secret(&server_finished_hash) {
            exporter.log(&*common.key_log, &client_random);
            core.exporter = Some(crate::exporter::Exporter::Tls13(exporter));
        }
        // Half-RTT: our application data may go out under the server application key.
        core.write_cipher = Some(cipher_for(core, suite, server_ap.traffic_keys(suite.aead))?);
        core.trace(
            Direction::Local,
            format_args!(
                "chose TLSv1.3 {} group={} resumed={}",
                suite.name,
                group.name(),
                core.negotiated.resumed
            ),
        );
        let hs = ServerHs13 {
            config,
            suite,
            transcript,
            client_hs,
            master,
            client_ap,
            server_ap,
            server_name,
        };
        match requested {
            Some(schemes) => Ok(Box::new(ExpectClientCertificate { hs, schemes })),
            None => Ok(Box::new(ExpectClientFinished { hs })),
        }
    }
}

/// RFC 7301 §3.2 for TLS 1.3.
fn choose_alpn13(config: &ServerConfig, ch: &ClientHello<'_>) -> Result<Option<Vec<u8>>, Error> {
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

/// HelloRetryRequest (RFC 8446 §4.1.4) asking for `group`.
fn send_hello_retry_request(
    core: &mut Core,
    config: Arc<ServerConfig>,
    ch: &ClientHello<'_>,
    encoded: &[u8],
    suite: CipherSuite,
    group: NamedGroup,
) -> Result<Box<dyn State>, Error> {
    let hash = core
        .provider
        .hash(suite.hash)
        .ok_or_else(|| Error::internal("hash missing"))?;
    let mut buffer = HandshakeHashBuffer::new();
    buffer.add_message(encoded);
    let mut transcript = buffer.start(hash);
    transcript.replace_with_message_hash();
    let exts = [
        Extension::SelectedVersion(WireVersion::TLS13),
        Extension::KeyShareHelloRetryRequest(WireGroup(group.code())),
    ];
    let hrr = ServerHello {
        legacy_version: WireVersion::TLS12,
        random: Random(HELLO_RETRY_REQUEST_RANDOM),
        legacy_session_id_echo: SessionId(ch.legacy_session_id.0),
        cipher_suite: tlskit_wire::CipherSuite(suite.code),
        compression_method: Compression::NULL,
        extensions: Extensions::new(&exts),
    };
    let range = core.queue_handshake(&HandshakeMessage::HelloRetryRequest(hrr))?;
    transcript.add_message(core.flight_bytes(range));
    if !ch.legacy_session_id.0.is_empty() {
        core.send_ccs()?;
    }
    core.flush_flight()?;
    core.tolerate_ccs = true;
    core.skip_plaintext_early_data = ch
        .extensions
        .contains(tlskit_wire::ExtensionType::EARLY_DATA);
    core.trace(
        Direction::Local,
        format_args!("HelloRetryRequest for {}", group.name()),
    );
    Ok(Box::new(ExpectSecondClientHello {
        config,
        retried: Retried {
            suite,
            group,
            transcript,
        },
    }))
}

struct ServerHs13 {
    config: Arc<ServerConfig>,
    suite: CipherSuite,
    transcript: TranscriptHash,
    client_hs: HandshakeTrafficSecret,
    master: MasterSecret,
    client_ap: tlskit_keyschedule::tls13::ApplicationTrafficSecret,
    server_ap: tlskit_keyschedule::tls13::ApplicationTrafficSecret,
    server_name: Option<String>,
}

struct ExpectClientCertificate {
    hs: ServerHs13,
    schemes: Vec<SignatureScheme>,
}

impl State for ExpectClientCertificate {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::Certificate13(cert),
            encoded,
        } = msg
        else {
            return Err(unexpected("client Certificate", &msg));
        };
        let ExpectClientCertificate { mut hs, schemes } = *self;
        if !cert.certificate_request_context.is_empty() {
            return Err(Error::illegal(
                "certificate_request_context differs from ours",
            ));
        }
        hs.transcript.add_message(encoded);
        let chain: Vec<Vec<u8>> = cert
            .certificate_list
            .iter()
            .map(|e| e.cert_data.to_vec())
            .collect();
        let verifier = match &hs.config.client_auth {
            ClientAuth::Optional(v) | ClientAuth::Required(v) => v.clone(),
            ClientAuth::Off => return Err(Error::internal("client auth without a verifier")),
        };
        let Some((leaf, rest)) = chain.split_first() else {
            if matches!(hs.config.client_auth, ClientAuth::Required(_)) {
                // RFC 8446 §4.4.2.4.
                return Err(Error::fatal(
                    AlertDescription::CertificateRequired,
                    "client certificate required",
                ));
            }
            core.trace(
                Direction::Local,
                format_args!("client sent no certificate; continuing unauthenticated"),
            );
            return Ok(Box::new(ExpectClientFinished { hs }));
        };
        let spki = crate::verify::verify_client_chain(core, &*verifier, leaf, rest)?;
        core.negotiated.peer_certificates = chain;
        Ok(Box::new(ExpectClientCertificateVerify {
            hs,
            schemes,
            spki,
        }))
    }
}

struct ExpectClientCertificateVerify {
    hs: ServerHs13,
    schemes: Vec<SignatureScheme>,
    spki: Vec<u8>,
}

impl State for ExpectClientCertificateVerify {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::CertificateVerify(cv),
            encoded,
        } = msg
        else {
            return Err(unexpected("CertificateVerify", &msg));
        };
        let ExpectClientCertificateVerify {
            mut hs,
            schemes,
            spki,
        } = *self;
        let hash = hs.transcript.current();
        let scheme = verify_certificate_verify(
            core,
            Side::Client,
            cv.algorithm.0,
            &schemes,
            &spki,
            hash.as_bytes(),
            cv.signature,
        )?;
        core.trace(
            Direction::Local,
            format_args!("client CertificateVerify ({}) verified", scheme.name()),
        );
        hs.transcript.add_message(encoded);
        Ok(Box::new(ExpectClientFinished { hs }))
    }
}

struct ExpectClientFinished {
    hs: ServerHs13,
}

impl State for ExpectClientFinished {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::Finished(vd),
            encoded,
        } = msg
        else {
            return Err(unexpected("Finished", &msg));
        };
        let ServerHs13 {
            config,
            suite,
            mut transcript,
            client_hs,
            master,
            client_ap,
            server_ap,
            server_name,
        } = self.hs;
        client_hs
            .finished_key()
            .and_then(|k| k.check(&transcript.current(), vd))
            .map_err(|_| {
                Error::fatal(
                    AlertDescription::DecryptError,
                    "client Finished verify_data mismatch",
                )
            })?;
        transcript.add_message(encoded);
        core.joiner_check_aligned()?;
        core.read_cipher = Some(cipher_for(core, suite, client_ap.traffic_keys(suite.aead))?);
        core.tolerate_ccs = false;
        let resumption = master
            .into_resumption_master_secret(&transcript.current())
            .map_err(ks)?;
        // NewSessionTicket(s) (RFC 8446 §4.6.1): the ticket is the encrypted PSK state.
        if let Some(ticketer) = &config.ticketer {
            for i in 0..config.tls13_tickets {
                let nonce = (i as u64).to_be_bytes();
                let mut age_add = [0u8; 4];
                core.provider.fill_random(&mut age_add)?;
                let psk = resumption.ticket_psk(&nonce).map_err(ks)?;
                let value = SessionValue {
                    version: ProtocolVersion::Tls13.code(),
                    cipher_suite: suite.code,
                    secret: psk,
                    extended_master_secret: false,
                    server_name: server_name.clone(),
                    alpn: core.negotiated.alpn.clone(),
                    client_authenticated: !core.negotiated.peer_certificates.is_empty(),
                    created: unix_now(),
                    lifetime: DEFAULT_LIFETIME.as_secs() as u32,
                    age_add: u32::from_be_bytes(age_add),
                };
                if let Some(ticket) = ticketer.encrypt(&value) {
                    let nst = NewSessionTicket13 {
                        ticket_lifetime: value.lifetime,
                        ticket_age_add: value.age_add,
                        ticket_nonce: &nonce,
                        ticket: &ticket,
                        extensions: Extensions::empty(),
                    };
                    core.queue_handshake(&HandshakeMessage::NewSessionTicket13(nst))?;
                }
            }
            core.flush_flight()?;
        }
        core.complete_handshake()?;
        core.trace(Direction::Local, format_args!("handshake complete"));
        Ok(Traffic13::start(core, suite, client_ap, server_ap, None))
    }
}
