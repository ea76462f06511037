//! TLS 1.3 (RFC 8446): shared pieces of both sides — record keys from traffic secrets,
//! CertificateVerify content, scheme rules, and the post-handshake state (KeyUpdate,
//! NewSessionTicket).

pub(crate) mod client;
pub(crate) mod server;

use crate::conn::{Core, Side};
use crate::error::Error;
use crate::record::{NonceScheme, RecordCipher};
use crate::state::{unexpected, Msg, State};
use crate::suites::CipherSuite;
use crate::trace::Direction;
use tlskit_crypto::{KeyType, SignatureScheme, SubjectPublicKeyInfo, VerifyAlgorithm};
use tlskit_keyschedule::tls13::{ApplicationTrafficSecret, TrafficKeys};
use tlskit_keyschedule::KeyScheduleError;
use tlskit_wire::{AlertDescription, HandshakeMessage, KeyUpdateRequest};

pub(crate) fn ks(e: KeyScheduleError) -> Error {
    Error::internal(format!("key schedule: {e}"))
}

/// A record cipher from TLS 1.3 traffic keys (RFC 8446 §7.3).
pub(crate) fn cipher_from_keys(core: &Core, keys: &TrafficKeys) -> Result<RecordCipher, Error> {
    let key = keys.new_aead_key(core.provider).map_err(ks)?;
    Ok(RecordCipher::new(
        key,
        NonceScheme::Tls13 {
            iv: *keys.iv().as_bytes(),
        },
    ))
}

/// The record cipher for a traffic secret under `suite`.
pub(crate) fn cipher_for(
    core: &Core,
    suite: CipherSuite,
    keys: Result<TrafficKeys, KeyScheduleError>,
) -> Result<RecordCipher, Error> {
    let _ = suite;
    cipher_from_keys(core, &keys.map_err(ks)?)
}

/// The content a CertificateVerify signs (RFC 8446 §4.4.3): 64 spaces, the context
/// string, a zero byte, then the transcript hash.
pub(crate) fn certificate_verify_message(signer: Side, transcript_hash: &[u8]) -> Vec<u8> {
    let context: &[u8] = match signer {
        Side::Server => b"TLS 1.3, server CertificateVerify",
        Side::Client => b"TLS 1.3, client CertificateVerify",
    };
    let mut m = Vec::with_capacity(64 + context.len() + 1 + transcript_hash.len());
    m.extend_from_slice(&[0x20; 64]);
    m.extend_from_slice(context);
    m.push(0);
    m.extend_from_slice(transcript_hash);
    m
}

/// Whether a scheme may sign a TLS 1.3 CertificateVerify: not RSA PKCS#1 v1.5
/// (RFC 8446 §4.4.3); ECDSA schemes are bound to their curve.
pub(crate) fn usable_in_tls13(scheme: SignatureScheme) -> bool {
    !matches!(
        scheme,
        SignatureScheme::RsaPkcs1Sha256
            | SignatureScheme::RsaPkcs1Sha384
            | SignatureScheme::RsaPkcs1Sha512
    )
}

/// Verifies a TLS 1.3 CertificateVerify from the holder of `spki`.
pub(crate) fn verify_certificate_verify(
    core: &Core,
    signer: Side,
    scheme_code: u16,
    offered: &[SignatureScheme],
    spki: &[u8],
    transcript_hash: &[u8],
    signature: &[u8],
) -> Result<SignatureScheme, Error> {
    let scheme = SignatureScheme::from_code(scheme_code)
        .filter(|s| offered.contains(s) && usable_in_tls13(*s))
        .ok_or_else(|| {
            Error::illegal(format!(
                "CertificateVerify with scheme 0x{scheme_code:04x}, not offered"
            ))
        })?;
    let info = SubjectPublicKeyInfo::from_der(spki).map_err(|_| {
        Error::fatal(
            AlertDescription::BadCertificate,
            "unreadable certificate key",
        )
    })?;
    let key_type = match info.algorithm {
        tlskit_crypto::PublicKeyAlgorithm::Ec(c) => KeyType::Ecdsa(c),
        tlskit_crypto::PublicKeyAlgorithm::Rsa | tlskit_crypto::PublicKeyAlgorithm::RsaPss => {
            KeyType::Rsa
        }
        tlskit_crypto::PublicKeyAlgorithm::Ed25519 => KeyType::Ed25519,
    };
    if scheme.key_type() != key_type {
        return Err(Error::illegal(format!(
            "{} does not fit a {key_type:?} certificate",
            scheme.name()
        )));
    }
    let message = certificate_verify_message(signer, transcript_hash);
    let algorithm: VerifyAlgorithm = scheme.verify_algorithm();
    core.provider
        .verify(algorithm, spki, &message, signature)
        .map_err(|_| {
            Error::fatal(
                AlertDescription::DecryptError,
                "CertificateVerify signature did not verify",
            )
        })?;
    Ok(scheme)
}

/// The schemes of `key_schemes` usable in TLS 1.3 that the peer accepts.
pub(crate) fn choose_scheme(
    key_schemes: &[SignatureScheme],
    peer: &[SignatureScheme],
) -> Option<SignatureScheme> {
    key_schemes
        .iter()
        .copied()
        .find(|s| usable_in_tls13(*s) && peer.contains(s))
}

/// Hooks a side may add to the post-handshake state (the client stores tickets).
pub(crate) trait PostHandshake: Send {
    fn new_session_ticket(
        &mut self,
        core: &mut Core,
        msg: &tlskit_wire::NewSessionTicket13<'_>,
    ) -> Result<(), Error>;
}

/// The TLS 1.3 application traffic secrets in use, kept by the connection core so that
/// either side can update its keys (RFC 8446 §4.6.3, §7.2).
pub(crate) struct Tls13Traffic {
    pub(crate) suite: CipherSuite,
    pub(crate) read: ApplicationTrafficSecret,
    pub(crate) write: ApplicationTrafficSecret,
}

impl Core {
    /// Sends KeyUpdate and switches our write keys to the next generation.
    pub(crate) fn send_key_update(&mut self, request: KeyUpdateRequest) -> Result<(), Error> {
        let traffic = self.tls13_traffic.take().ok_or_else(|| {
            Error::Config("KeyUpdate needs an established TLS 1.3 connection".into())
        })?;
        let result = (|| {
            self.queue_handshake(&HandshakeMessage::KeyUpdate(request))?;
            self.flush_flight()?;
            let next = traffic.write.next().map_err(ks)?;
            self.write_cipher = Some(cipher_for(
                self,
                traffic.suite,
                next.traffic_keys(traffic.suite.aead),
            )?);
            Ok(next)
        })();
        match result {
            Ok(next) => {
                self.tls13_traffic = Some(Tls13Traffic {
                    write: next,
                    ..traffic
                });
                Ok(())
            }
            Err(e) => {
                self.tls13_traffic = Some(traffic);
                Err(e)
            }
        }
    }

    /// Follows the peer's KeyUpdate: next read keys, and answer if asked.
    fn receive_key_update(&mut self, request: KeyUpdateRequest) -> Result<(), Error> {
        self.joiner_check_aligned()?;
        let traffic = self
            .tls13_traffic
            .take()
            .ok_or_else(|| Error::internal("no TLS 1.3 traffic secrets"))?;
        let next = traffic.read.next().map_err(ks)?;
        self.read_cipher = Some(cipher_for(
            self,
            traffic.suite,
            next.traffic_keys(traffic.suite.aead),
        )?);
        self.tls13_traffic = Some(Tls13Traffic {
            read: next,
            ..traffic
        });
        self.trace(
            Direction::Local,
            format_args!("peer updated its traffic keys"),
        );
        if request == KeyUpdateRequest::UpdateRequested {
            self.send_key_update(KeyUpdateRequest::UpdateNotRequested)?;
        }
        Ok(())
    }
}

/// After the handshake: KeyUpdate both ways (RFC 8446 §4.6.3) and NewSessionTicket.
pub(crate) struct Traffic13 {
    pub(crate) hooks: Option<Box<dyn PostHandshake>>,
}

impl Traffic13 {
    /// Enters the traffic phase with the application secrets.
    pub(crate) fn start(
        core: &mut Core,
        suite: CipherSuite,
        read: ApplicationTrafficSecret,
        write: ApplicationTrafficSecret,
        hooks: Option<Box<dyn PostHandshake>>,
    ) -> Box<dyn State> {
        core.tls13_traffic = Some(Tls13Traffic { suite, read, write });
        Box::new(Traffic13 { hooks })
    }
}

impl State for Traffic13 {
    fn handle(mut self: Box<Self>, core: &mut Core, msg: Msg<'_>) -> Result<Box<dyn State>, Error> {
        match msg {
            Msg::Handshake {
                msg: HandshakeMessage::KeyUpdate(request),
                ..
            } => {
                core.receive_key_update(request)?;
                Ok(self)
            }
            Msg::Handshake {
                msg: HandshakeMessage::NewSessionTicket13(t),
                ..
            } if core.side == Side::Client => {
                if let Some(h) = self.hooks.as_mut() {
                    h.new_session_ticket(core, &t)?;
                }
                Ok(self)
            }
            other => Err(unexpected("KeyUpdate or NewSessionTicket", &other)),
        }
    }
}
