//! Handshake tracing: a connection can print its flow as it happens (who sent what, the
//! chosen parameters), in the spirit of a packet-capture walkthrough.

use crate::conn::Side;
use std::fmt;
use std::sync::Arc;
use tlskit_wire::HandshakeMessage;

/// Which way a traced event went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// We sent it.
    Sent,
    /// We received it.
    Received,
    /// A local decision (negotiated parameters, verification results).
    Local,
}

/// Receives trace lines.
#[derive(Clone)]
pub struct TraceSink(Arc<dyn Fn(&str) + Send + Sync>);

impl fmt::Debug for TraceSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TraceSink")
    }
}

impl TraceSink {
    /// Sends each line to `f`.
    pub fn new(f: impl Fn(&str) + Send + Sync + 'static) -> Self {
        TraceSink(Arc::new(f))
    }

    /// Prints each line to stderr.
    pub fn stderr() -> Self {
        Self::new(|line| eprintln!("{line}"))
    }

    pub(crate) fn emit(&self, side: Side, dir: Direction, what: fmt::Arguments<'_>) {
        let (me, arrow) = match (side, dir) {
            (Side::Client, Direction::Sent) => ("client", "Client → Server:"),
            (Side::Client, Direction::Received) => ("client", "Server → Client:"),
            (Side::Server, Direction::Sent) => ("server", "Server → Client:"),
            (Side::Server, Direction::Received) => ("server", "Client → Server:"),
            (Side::Client, Direction::Local) => ("client", "client:"),
            (Side::Server, Direction::Local) => ("server", "server:"),
        };
        (self.0)(&format!("[{me}] {arrow} {what}"));
    }
}

/// A one-line (or indented multi-line) description of a handshake message with the RFC
/// field names.
pub(crate) fn describe(msg: &HandshakeMessage<'_>) -> String {
    use tlskit_wire::trace::Hex;
    match msg {
        HandshakeMessage::ClientHello(ch) => {
            let suites: Vec<String> = ch.cipher_suites.iter().map(|s| format!("{s:?}")).collect();
            let exts: Vec<String> = ch.extensions.types().map(|t| format!("{t:?}")).collect();
            format!(
                "ClientHello client_version={:?} random={} session_id={} cipher_suites=[{}] compression_methods={:?} extensions=[{}]",
                ch.legacy_version,
                Hex(&ch.random.0),
                Hex(ch.legacy_session_id.0),
                suites.join(", "),
                ch.compression_methods.iter().collect::<Vec<_>>(),
                exts.join(", ")
            )
        }
        HandshakeMessage::ServerHello(sh) | HandshakeMessage::HelloRetryRequest(sh) => {
            let exts: Vec<String> = sh.extensions.types().map(|t| format!("{t:?}")).collect();
            format!(
                "{} server_version={:?} selected_version={:?} random={} session_id={} cipher_suite={:?} compression_method={:?} extensions=[{}]",
                if sh.is_hello_retry_request() { "HelloRetryRequest" } else { "ServerHello" },
                sh.legacy_version,
                sh.selected_version(),
                Hex(&sh.random.0),
                Hex(sh.legacy_session_id_echo.0),
                sh.cipher_suite,
                sh.compression_method,
                exts.join(", ")
            )
        }
        HandshakeMessage::Certificate12(c) => {
            format!(
                "Certificate certificate_list=[{} certificates]",
                c.certificate_list.len()
            )
        }
        HandshakeMessage::Certificate13(c) => {
            format!(
                "Certificate certificate_list=[{} entries]",
                c.certificate_list.len()
            )
        }
        HandshakeMessage::ServerKeyExchange(ske) => format!(
            "ServerKeyExchange named_curve={:?} public=({} bytes) signed_params.algorithm={:?}",
            ske.params.named_group,
            ske.params.public.len(),
            ske.signed_params.algorithm
        ),
        HandshakeMessage::CertificateRequest12(cr) => format!(
            "CertificateRequest certificate_types={:?} supported_signature_algorithms={:?}",
            cr.certificate_types.iter().collect::<Vec<_>>(),
            cr.supported_signature_algorithms.iter().collect::<Vec<_>>()
        ),
        HandshakeMessage::CertificateVerify(cv) => {
            format!(
                "CertificateVerify algorithm={:?} signature=({} bytes)",
                cv.algorithm,
                cv.signature.len()
            )
        }
        HandshakeMessage::ClientKeyExchange(_) => "ClientKeyExchange (ECDHE public value)".into(),
        HandshakeMessage::Finished(v) => format!("Finished verify_data={}", Hex(v)),
        HandshakeMessage::NewSessionTicket12(t) => format!(
            "NewSessionTicket ticket_lifetime_hint={} ticket=({} bytes)",
            t.ticket_lifetime_hint,
            t.ticket.len()
        ),
        HandshakeMessage::NewSessionTicket13(t) => format!(
            "NewSessionTicket ticket_lifetime={} ticket=({} bytes)",
            t.ticket_lifetime,
            t.ticket.len()
        ),
        HandshakeMessage::EncryptedExtensions(e) => {
            let exts: Vec<String> = e.types().map(|t| format!("{t:?}")).collect();
            format!("EncryptedExtensions extensions=[{}]", exts.join(", "))
        }
        HandshakeMessage::ServerHelloDone => "ServerHelloDone".into(),
        HandshakeMessage::HelloRequest => "HelloRequest".into(),
        HandshakeMessage::EndOfEarlyData => "EndOfEarlyData".into(),
        HandshakeMessage::KeyUpdate(r) => format!("KeyUpdate request_update={r:?}"),
        HandshakeMessage::CertificateRequest13(cr) => format!(
            "CertificateRequest certificate_request_context=({} bytes) extensions=[{}]",
            cr.certificate_request_context.len(),
            cr.extensions
                .types()
                .map(|t| format!("{t:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        HandshakeMessage::CertificateStatus(r) => {
            format!("CertificateStatus ocsp_response=({} bytes)", r.len())
        }
        HandshakeMessage::MessageHash(h) => format!("message_hash {}", Hex(h)),
    }
}
