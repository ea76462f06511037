//! The TLS 1.2 client after the ServerHello: full handshake (RFC 5246 §7.3) and
//! abbreviated resumption (RFC 5246 §7.3 Figure 2, RFC 5077 §3.1).

use super::{
    check_finished, derive_ciphers, master_secret, scheme_fits_key_tls12, spki_key_type,
    tls12_verify_algorithm, verify_data,
};
use crate::config::ClientConfig;
use crate::conn::{Core, Side};
use crate::error::Error;
use crate::record::RecordCipher;
use crate::session::{unix_now, ClientSession, SessionValue, DEFAULT_LIFETIME};
use crate::state::{unexpected, Msg, State};
use crate::suites::{CipherSuite, ProtocolVersion, Tls12Auth};
use crate::trace::Direction;
use std::sync::Arc;
use tlskit_crypto::{NamedGroup, SignatureScheme};
use tlskit_keyschedule::tls12::MasterSecret;
use tlskit_keyschedule::TranscriptHash;
use tlskit_wire::{
    AlertDescription, AlertLevel, Certificate12, CertificateDer, ClientCertificateType,
    ClientKeyExchange, DigitallySigned, HandshakeMessage, List, SignatureScheme as WireScheme,
};

/// What every TLS 1.2 client state carries.
pub(crate) struct ClientHs {
    pub(crate) config: Arc<ClientConfig>,
    pub(crate) server_name: String,
    pub(crate) client_random: [u8; 32],
    pub(crate) server_random: [u8; 32],
    pub(crate) suite: CipherSuite,
    pub(crate) transcript: TranscriptHash,
    pub(crate) ems: bool,
    pub(crate) session_id: Vec<u8>,
    pub(crate) ticket_expected: bool,
    /// The server acknowledged status_request: a CertificateStatus may follow.
    pub(crate) status_expected: bool,
}

pub(crate) fn expect_certificate(hs: ClientHs) -> Box<dyn State> {
    Box::new(ExpectCertificate(hs))
}

struct ExpectCertificate(ClientHs);

impl State for ExpectCertificate {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::Certificate12(cert),
            encoded,
        } = msg
        else {
            return Err(unexpected("Certificate", &msg));
        };
        let mut hs = self.0;
        hs.transcript.add_message(encoded);
        let chain: Vec<Vec<u8>> = cert.certificate_list.iter().map(|c| c.0.to_vec()).collect();
        if hs.status_expected {
            // Verify once the staple (or its absence) is known.
            return Ok(Box::new(ExpectCertificateStatus { hs, chain }));
        }
        let spki = verify_chain(core, &hs, &chain, None)?;
        core.negotiated.peer_certificates = chain;
        Ok(Box::new(ExpectServerKeyExchange { hs, spki }))
    }
}

/// The seed's four checks: trusted chain, revocation (CRLs, the stapled OCSP response),
/// validity, host name.
fn verify_chain(
    core: &Core,
    hs: &ClientHs,
    chain: &[Vec<u8>],
    ocsp_response: Option<&[u8]>,
) -> Result<Vec<u8>, Error> {
    crate::verify::verify_server_chain(
        core,
        &*hs.config.verifier,
        chain,
        &hs.server_name,
        ocsp_response,
    )
}

/// RFC 6066 §8: after acknowledging status_request the server sends CertificateStatus
/// next, or (it MAY decline) goes straight on to ServerKeyExchange.
struct ExpectCertificateStatus {
    hs: ClientHs,
    chain: Vec<Vec<u8>>,
}

impl State for ExpectCertificateStatus {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let ExpectCertificateStatus { mut hs, chain } = *self;
        match msg {
            Msg::Handshake {
                msg: HandshakeMessage::CertificateStatus(response),
                encoded,
            } => {
                hs.transcript.add_message(encoded);
                let spki = verify_chain(core, &hs, &chain, Some(response))?;
                core.negotiated.peer_certificates = chain;
                Ok(Box::new(ExpectServerKeyExchange { hs, spki }))
            }
            other => {
                let spki = verify_chain(core, &hs, &chain, None)?;
                core.negotiated.peer_certificates = chain;
                Box::new(ExpectServerKeyExchange { hs, spki }).handle(core, other)
            }
        }
    }
}

struct ExpectServerKeyExchange {
    hs: ClientHs,
    spki: Vec<u8>,
}

impl State for ExpectServerKeyExchange {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let Msg::Handshake {
            msg: HandshakeMessage::ServerKeyExchange(ske),
            encoded,
        } = msg
        else {
            return Err(unexpected("ServerKeyExchange", &msg));
        };
        let ExpectServerKeyExchange { mut hs, spki } = *self;
        let common = &hs.config.common;
        // RFC 8422 §5.4: the curve must be one we offered.
        let group = NamedGroup::from_code(ske.params.named_group.0)
            .filter(|g| common.groups.contains(g))
            .ok_or_else(|| {
                Error::illegal(format!(
                    "server chose group {:?} we did not offer",
                    ske.params.named_group
                ))
            })?;
        // The signature: over client_random + server_random + params, with a scheme we
        // offered that fits the certificate key and the suite (RFC 5246 §7.4.3).
        let scheme = SignatureScheme::from_code(ske.signed_params.algorithm.0)
            .filter(|s| common.signature_schemes.contains(s))
            .ok_or_else(|| {
                Error::illegal(format!(
                    "ServerKeyExchange signed with {:?}, not offered",
                    ske.signed_params.algorithm
                ))
            })?;
        let key_type = spki_key_type(&spki).ok_or_else(|| {
            Error::fatal(
                AlertDescription::UnsupportedCertificate,
                "unsupported certificate key",
            )
        })?;
        let auth = hs.suite.tls12_auth.unwrap_or(Tls12Auth::Ecdsa);
        if !auth.accepts(key_type) || !scheme_fits_key_tls12(scheme, key_type) {
            return Err(Error::illegal(format!(
                "{} does not fit a {key_type:?} key in {}",
                scheme.name(),
                hs.suite.name
            )));
        }
        let params = ske
            .params
            .to_vec()
            .map_err(|e| Error::internal(e.to_string()))?;
        let mut signed = Vec::with_capacity(64 + params.len());
        signed.extend_from_slice(&hs.client_random);
        signed.extend_from_slice(&hs.server_random);
        signed.extend_from_slice(&params);
        let algorithm = tls12_verify_algorithm(scheme, &spki)?;
        core.provider
            .verify(algorithm, &spki, &signed, ske.signed_params.signature)
            .map_err(|_| {
                Error::fatal(
                    AlertDescription::DecryptError,
                    "ServerKeyExchange signature did not verify",
                )
            })?;
        core.trace(
            Direction::Local,
            format_args!("ServerKeyExchange signature ({}) verified", scheme.name()),
        );
        // Our key share and the pre-master secret (RFC 8422 §5.10).
        let kx = core
            .provider
            .key_exchange(group)
            .ok_or_else(|| Error::internal(format!("provider lacks {}", group.name())))?
            .start()?;
        let public = kx.public_key().to_vec();
        let pre_master = kx.complete(ske.params.public)?;
        hs.transcript.add_message(encoded);
        core.negotiated.group = Some(group);
        core.negotiated.signature_scheme = Some(scheme);
        Ok(Box::new(ExpectCertificateRequestOrDone {
            hs,
            public,
            pre_master,
            cert_request: None,
        }))
    }
}

/// What the server asked for in a CertificateRequest (RFC 5246 §7.4.4).
struct CertRequest {
    types: Vec<ClientCertificateType>,
    schemes: Vec<WireScheme>,
}

struct ExpectCertificateRequestOrDone {
    hs: ClientHs,
    public: Vec<u8>,
    pre_master: tlskit_crypto::SharedSecret,
    cert_request: Option<CertRequest>,
}

impl State for ExpectCertificateRequestOrDone {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let mut st = *self;
        match msg {
            Msg::Handshake {
                msg: HandshakeMessage::CertificateRequest12(cr),
                encoded,
            } if st.cert_request.is_none() => {
                st.hs.transcript.add_message(encoded);
                st.cert_request = Some(CertRequest {
                    types: cr.certificate_types.iter().collect(),
                    schemes: cr.supported_signature_algorithms.iter().collect(),
                });
                Ok(Box::new(st))
            }
            Msg::Handshake {
                msg: HandshakeMessage::ServerHelloDone,
                encoded,
            } => {
                st.hs.transcript.add_message(encoded);
                send_client_flight(core, st)
            }
            other => Err(unexpected("CertificateRequest or ServerHelloDone", &other)),
        }
    }
}

/// Picks our certificate and a scheme for a CertificateRequest, if we can answer it.
fn choose_client_cert(
    config: &ClientConfig,
    req: &CertRequest,
) -> Option<(Arc<crate::config::CertifiedKey>, SignatureScheme)> {
    let cert = config.client_cert.clone()?;
    let key_type = cert.key.key_type();
    let type_ok = req.types.iter().any(|t| match key_type {
        tlskit_crypto::KeyType::Rsa => *t == ClientCertificateType::RSA_SIGN,
        _ => *t == ClientCertificateType::ECDSA_SIGN,
    });
    if !type_ok {
        return None;
    }
    let scheme = cert
        .key
        .schemes()
        .iter()
        .copied()
        .find(|s| req.schemes.contains(&WireScheme(s.code())))?;
    Some((cert, scheme))
}

/// [Certificate] ClientKeyExchange [CertificateVerify] ChangeCipherSpec Finished, in one
/// write (RFC 5246 §7.3).
fn send_client_flight(
    core: &mut Core,
    st: ExpectCertificateRequestOrDone,
) -> Result<Box<dyn State>, Error> {
    let ExpectCertificateRequestOrDone {
        mut hs,
        public,
        pre_master,
        cert_request,
    } = st;
    let mut signer = None;
    if let Some(req) = &cert_request {
        let chosen = choose_client_cert(&hs.config, req);
        let ders: Vec<CertificateDer<'_>> = chosen
            .as_ref()
            .map(|(c, _)| c.chain.iter().map(|d| CertificateDer(d)).collect())
            .unwrap_or_default();
        let msg = HandshakeMessage::Certificate12(Certificate12 {
            certificate_list: List::new(&ders),
        });
        let range = core.queue_handshake(&msg)?;
        hs.transcript.add_message(core.flight_bytes(range));
        signer = chosen;
    }
    let cke = HandshakeMessage::ClientKeyExchange(ClientKeyExchange::Ecdhe(&public));
    let range = core.queue_handshake(&cke)?;
    hs.transcript.add_message(core.flight_bytes(range));
    // RFC 7627 §4: the session hash covers the messages through ClientKeyExchange.
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
    if let Some((cert, scheme)) = signer {
        // RFC 5246 §7.4.8: the signature covers every handshake message so far.
        let messages = hs
            .transcript
            .retained_messages()
            .ok_or_else(|| Error::internal("transcript messages were not retained"))?;
        let signature = cert.key.sign(scheme, messages)?;
        let cv = HandshakeMessage::CertificateVerify(DigitallySigned {
            algorithm: WireScheme(scheme.code()),
            signature: &signature,
        });
        let range = core.queue_handshake(&cv)?;
        hs.transcript.add_message(core.flight_bytes(range));
    }
    hs.transcript.stop_retaining();
    master.log(&*hs.config.common.key_log, &hs.client_random);
    let secrets = derive_ciphers(
        core.provider,
        master,
        hs.suite,
        &hs.client_random,
        &hs.server_random,
        Side::Client,
    )?;
    core.send_ccs()?;
    core.write_cipher = Some(secrets.write);
    let vd = verify_data(&secrets.master, Side::Client, &hs.transcript)?;
    let range = core.queue_handshake(&HandshakeMessage::Finished(&vd))?;
    hs.transcript.add_message(core.flight_bytes(range));
    core.flush_flight()?;
    let next = ExpectServerFinish {
        hs,
        master: secrets.master,
        read: Some(secrets.read),
        ticket: None,
        resumed: false,
    };
    Ok(Box::new(next))
}

/// Abbreviated handshake: the server sends [NewSessionTicket] CCS Finished first.
pub(crate) fn resume(
    core: &mut Core,
    hs: ClientHs,
    session: ClientSession,
) -> Result<Box<dyn State>, Error> {
    let value = &session.value;
    if value.cipher_suite != hs.suite.code {
        return Err(Error::illegal(
            "resumed session with a different cipher suite",
        ));
    }
    // RFC 7627 §5.3: the EMS state must not change across resumption.
    if value.extended_master_secret != hs.ems {
        return Err(Error::handshake_failure(
            "extended_master_secret differs from the resumed session",
        ));
    }
    let prf = tlskit_keyschedule::tls12::Prf::new(core.provider, hs.suite.hash)
        .map_err(|e| Error::internal(e.to_string()))?;
    let master = MasterSecret::from_bytes(prf, value.secret.as_bytes())
        .map_err(|e| Error::internal(e.to_string()))?;
    master.log(&*hs.config.common.key_log, &hs.client_random);
    core.negotiated.resumed = true;
    core.trace(Direction::Local, format_args!("resuming session"));
    // The keys exist now; our write key waits for our ChangeCipherSpec.
    let secrets = derive_ciphers(
        core.provider,
        master,
        hs.suite,
        &hs.client_random,
        &hs.server_random,
        Side::Client,
    )?;
    core.pending_write = Some(secrets.write);
    Ok(Box::new(ExpectServerFinish {
        hs,
        master: secrets.master,
        read: Some(secrets.read),
        ticket: None,
        resumed: true,
    }))
}

/// Waits for [NewSessionTicket] ChangeCipherSpec Finished from the server.
struct ExpectServerFinish {
    hs: ClientHs,
    master: MasterSecret,
    /// The read cipher, once derived (full handshake: at our CCS; resumption: below).
    read: Option<RecordCipher>,
    ticket: Option<(Vec<u8>, u32)>,
    resumed: bool,
}

impl State for ExpectServerFinish {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        let mut st = *self;
        match msg {
            Msg::Handshake {
                msg: HandshakeMessage::NewSessionTicket12(t),
                encoded,
            } if st.hs.ticket_expected && st.ticket.is_none() => {
                st.hs.transcript.add_message(encoded);
                st.ticket = Some((t.ticket.to_vec(), t.ticket_lifetime_hint));
                Ok(Box::new(st))
            }
            Msg::ChangeCipherSpec => {
                if st.hs.ticket_expected && st.ticket.is_none() {
                    // RFC 5077 §3.3: a server that acknowledged session_ticket must send
                    // NewSessionTicket (possibly empty) before ChangeCipherSpec.
                    return Err(Error::unexpected("NewSessionTicket", "ChangeCipherSpec"));
                }
                core.joiner_check_aligned()?;
                let read = st
                    .read
                    .take()
                    .ok_or_else(|| Error::internal("read keys missing"))?;
                core.read_cipher = Some(read);
                Ok(Box::new(ExpectFinished(st)))
            }
            other => Err(unexpected("NewSessionTicket or ChangeCipherSpec", &other)),
        }
    }
}

struct ExpectFinished(ExpectServerFinish);

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
        check_finished(&st.master, Side::Server, &st.hs.transcript, vd)?;
        st.hs.transcript.add_message(encoded);
        core.trace(Direction::Local, format_args!("server Finished verified"));
        if st.resumed {
            // Our CCS + Finished close the abbreviated handshake.
            core.send_ccs()?;
            core.write_cipher = core.pending_write.take();
            let ours = verify_data(&st.master, Side::Client, &st.hs.transcript)?;
            core.queue_handshake(&HandshakeMessage::Finished(&ours))?;
            core.flush_flight()?;
        }
        store_session(core, &st);
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

fn store_session(core: &Core, st: &ExpectServerFinish) {
    let Some(store) = &st.hs.config.session_store else {
        return;
    };
    let ticket = st
        .ticket
        .as_ref()
        .map(|(t, _)| t.clone())
        .unwrap_or_default();
    if ticket.is_empty() && st.hs.session_id.is_empty() {
        return; // nothing to resume with
    }
    let lifetime = st
        .ticket
        .as_ref()
        .map(|(_, hint)| *hint)
        .filter(|h| *h > 0)
        .unwrap_or(DEFAULT_LIFETIME.as_secs() as u32)
        .min(DEFAULT_LIFETIME.as_secs() as u32);
    let Ok(secret) = tlskit_crypto::Secret::new(st.master.as_bytes()) else {
        return;
    };
    let value = SessionValue {
        version: ProtocolVersion::Tls12.code(),
        cipher_suite: st.hs.suite.code,
        secret,
        extended_master_secret: st.hs.ems,
        server_name: Some(st.hs.server_name.clone()),
        alpn: core.negotiated.alpn.clone(),
        client_authenticated: false,
        created: unix_now(),
        lifetime,
        age_add: 0,
    };
    store.put(
        &st.hs.server_name,
        ClientSession {
            session_id: st.hs.session_id.clone(),
            ticket,
            value,
            received_at: unix_now(),
        },
    );
}

/// After the handshake: renegotiation is refused (RFC 5746 §4.2 allows refusing with a
/// warning no_renegotiation); nothing else may arrive on the handshake layer.
pub(crate) struct Traffic;

impl State for Traffic {
    fn handle(self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        match msg {
            Msg::Handshake {
                msg: HandshakeMessage::HelloRequest,
                ..
            } if core.side == Side::Client => {
                core.send_alert(AlertLevel::Warning, AlertDescription::NoRenegotiation);
                Ok(self)
            }
            Msg::Handshake {
                msg: HandshakeMessage::ClientHello(_),
                ..
            } if core.side == Side::Server => {
                core.send_alert(AlertLevel::Warning, AlertDescription::NoRenegotiation);
                Ok(self)
            }
            other => Err(unexpected("application data", &other)),
        }
    }
}
