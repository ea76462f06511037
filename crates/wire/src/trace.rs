//! Human-readable trace of records and handshake messages, with the RFCs' field names
//! (client_version, random, session_id, cipher_suites, ...), so a handshake prints like a
//! packet-capture walkthrough. Every message type implements `Display`; extension lists
//! print each extension by name.
//!
//! ```text
//! ClientHello
//!   client_version: TLS 1.2 (0x0303)
//!   random: 6660261ff947cea49cce6cfad687f457cf1b14531ba14131a0e8f309a1d0b9c4
//!   session_id: (empty)
//!   cipher_suites (3):
//!     TLS_AES_128_GCM_SHA256 (0x1301)
//!   ...
//! ```

use core::fmt::{self, Display, Formatter, Write as _};

use crate::extensions::{CertificateStatusRequest, Extension, Extensions};
use crate::handshake::{
    Certificate12, Certificate13, CertificateRequest12, CertificateRequest13, ClientHello,
    ClientKeyExchange, DigitallySigned, DowngradeSentinel, HandshakeMessage, KeyUpdateRequest,
    NewSessionTicket12, NewSessionTicket13, ServerHello, ServerKeyExchange,
};
use crate::record::{Record, RecordHeader};

/// Formats bytes as lowercase hex.
#[derive(Clone, Copy)]
pub struct Hex<'a>(pub &'a [u8]);

impl Display for Hex<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Hex<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        Display::fmt(self, f)
    }
}

/// Bytes as hex, shortened to the first and last 16 bytes when long, with the length.
#[derive(Clone, Copy, Debug)]
pub struct Bytes<'a>(pub &'a [u8]);

impl Display for Bytes<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let b = self.0;
        match b.len() {
            0 => f.write_str("(empty)"),
            1..=48 => write!(f, "{} ({} bytes)", Hex(b), b.len()),
            n => {
                let head = b.get(..16).unwrap_or(b);
                let tail = b.get(n - 16..).unwrap_or(b);
                write!(f, "{}…{} ({} bytes)", Hex(head), Hex(tail), n)
            }
        }
    }
}

/// Bytes as a quoted string when printable ASCII, else hex.
struct Text<'a>(&'a [u8]);

impl Display for Text<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if !self.0.is_empty() && self.0.iter().all(|c| c.is_ascii_graphic() || *c == b' ') {
            f.write_char('"')?;
            for &c in self.0 {
                f.write_char(char::from(c))?;
            }
            f.write_char('"')
        } else {
            Bytes(self.0).fmt(f)
        }
    }
}

/// Writes `items` on one line, comma-separated.
fn inline<T: Display>(f: &mut Formatter<'_>, items: impl Iterator<Item = T>) -> fmt::Result {
    let mut first = true;
    for i in items {
        if !first {
            f.write_str(", ")?;
        }
        first = false;
        write!(f, "{i}")?;
    }
    if first {
        f.write_str("(empty)")?;
    }
    Ok(())
}

fn pad(f: &mut Formatter<'_>, indent: usize) -> fmt::Result {
    for _ in 0..indent {
        f.write_str("  ")?;
    }
    Ok(())
}

fn write_extension(f: &mut Formatter<'_>, ext: &Extension<'_>, indent: usize) -> fmt::Result {
    pad(f, indent)?;
    let typ = ext.typ();
    match typ.name() {
        Some(n) => write!(f, "{n} ({}): ", typ.0)?,
        None if typ.is_grease() => write!(f, "GREASE (0x{:04x}): ", typ.0)?,
        None => write!(f, "unknown (0x{:04x}): ", typ.0)?,
    }
    match ext {
        Extension::ServerName(list) => inline(
            f,
            list.iter()
                .map(|n| format!("{} {}", n.name_type.name().unwrap_or("name"), Text(n.name))),
        )?,
        Extension::ServerNameAck | Extension::StatusRequestAck => f.write_str("(acknowledged)")?,
        Extension::SupportedGroups(l) => inline(f, l.iter())?,
        Extension::EcPointFormats(l) => inline(f, l.iter())?,
        Extension::SignatureAlgorithms(l) | Extension::SignatureAlgorithmsCert(l) => {
            inline(f, l.iter())?
        }
        Extension::Alpn(l) => inline(f, l.iter().map(|p| Text(p.0)))?,
        Extension::StatusRequest(CertificateStatusRequest::Ocsp {
            responder_id_list,
            request_extensions,
        }) => write!(
            f,
            "ocsp, responder_id_list ({}), request_extensions {}",
            responder_id_list.len(),
            Bytes(request_extensions)
        )?,
        Extension::StatusRequest(CertificateStatusRequest::Other { status_type, body }) => {
            write!(f, "{status_type}, {}", Bytes(body))?
        }
        Extension::CertificateStatus(resp) => write!(f, "ocsp_response {}", Bytes(resp))?,
        Extension::ExtendedMasterSecret | Extension::EarlyData | Extension::PostHandshakeAuth => {
            f.write_str("(empty)")?
        }
        Extension::SessionTicket(t) => write!(f, "ticket {}", Bytes(t))?,
        Extension::RenegotiationInfo(v) => write!(f, "renegotiated_connection {}", Bytes(v))?,
        Extension::SupportedVersions(l) => inline(f, l.iter())?,
        Extension::SelectedVersion(v) => write!(f, "selected_version {v}")?,
        Extension::KeyShareClient(l) => inline(
            f,
            l.iter()
                .map(|e| format!("{} key_exchange {}", e.group, Bytes(e.key_exchange))),
        )?,
        Extension::KeyShareServer(e) => {
            write!(f, "{} key_exchange {}", e.group, Bytes(e.key_exchange))?
        }
        Extension::KeyShareHelloRetryRequest(g) => write!(f, "selected_group {g}")?,
        Extension::PskKeyExchangeModes(l) => inline(f, l.iter())?,
        Extension::PreSharedKey(psks) => {
            f.write_str("identities: ")?;
            inline(
                f,
                psks.identities.iter().map(|i| {
                    format!(
                        "{{identity {}, obfuscated_ticket_age {}}}",
                        Bytes(i.identity),
                        i.obfuscated_ticket_age
                    )
                }),
            )?;
            f.write_str("; binders: ")?;
            inline(f, psks.binders.iter().map(|b| Hex(b.0)))?
        }
        Extension::SelectedPsk(i) => write!(f, "selected_identity {i}")?,
        Extension::EarlyDataMax(n) => write!(f, "max_early_data_size {n}")?,
        Extension::Cookie(c) => write!(f, "cookie {}", Bytes(c))?,
        Extension::RecordSizeLimit(n) => write!(f, "{n}")?,
        Extension::CertificateAuthorities(l) => write!(f, "{} distinguished names", l.len())?,
        Extension::Unknown { data, .. } => write!(f, "{}", Bytes(data))?,
    }
    f.write_char('\n')
}

fn write_extensions(f: &mut Formatter<'_>, exts: &Extensions<'_>, indent: usize) -> fmt::Result {
    pad(f, indent)?;
    writeln!(f, "extensions ({}):", exts.len())?;
    for e in exts.iter() {
        write_extension(f, &e, indent + 1)?;
    }
    Ok(())
}

impl Display for Extension<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_extension(f, self, 0)
    }
}

impl Display for Extensions<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_extensions(f, self, 0)
    }
}

impl Display for ClientHello<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "ClientHello")?;
        writeln!(f, "  client_version: {}", self.legacy_version)?;
        writeln!(f, "  random: {}", Hex(&self.random.0))?;
        writeln!(f, "  session_id: {}", Bytes(self.legacy_session_id.0))?;
        writeln!(f, "  cipher_suites ({}):", self.cipher_suites.len())?;
        for cs in self.cipher_suites.iter() {
            writeln!(f, "    {cs}")?;
        }
        write!(f, "  compression_methods: ")?;
        inline(f, self.compression_methods.iter())?;
        writeln!(f)?;
        write_extensions(f, &self.extensions, 1)
    }
}

impl Display for ServerHello<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.is_hello_retry_request() {
            writeln!(f, "HelloRetryRequest")?;
        } else {
            writeln!(f, "ServerHello")?;
        }
        writeln!(f, "  server_version: {}", self.legacy_version)?;
        write!(f, "  random: {}", Hex(&self.random.0))?;
        match self.random.downgrade_sentinel() {
            Some(DowngradeSentinel::Tls12) => write!(f, " (downgrade sentinel: TLS 1.2)")?,
            Some(DowngradeSentinel::Tls11) => write!(f, " (downgrade sentinel: TLS 1.1 or below)")?,
            None if self.is_hello_retry_request() => write!(f, " (HelloRetryRequest)")?,
            None => {}
        }
        writeln!(f)?;
        writeln!(f, "  session_id: {}", Bytes(self.legacy_session_id_echo.0))?;
        writeln!(f, "  cipher_suite: {}", self.cipher_suite)?;
        writeln!(f, "  compression_method: {}", self.compression_method)?;
        write_extensions(f, &self.extensions, 1)
    }
}

impl Display for Certificate12<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "Certificate")?;
        writeln!(f, "  certificate_list ({}):", self.certificate_list.len())?;
        for c in self.certificate_list.iter() {
            writeln!(f, "    ASN.1Cert {}", Bytes(c.0))?;
        }
        Ok(())
    }
}

impl Display for Certificate13<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "Certificate")?;
        writeln!(
            f,
            "  certificate_request_context: {}",
            Bytes(self.certificate_request_context)
        )?;
        writeln!(f, "  certificate_list ({}):", self.certificate_list.len())?;
        for e in self.certificate_list.iter() {
            writeln!(f, "    cert_data {}", Bytes(e.cert_data))?;
            write_extensions(f, &e.extensions, 3)?;
        }
        Ok(())
    }
}

impl Display for CertificateRequest12<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "CertificateRequest")?;
        write!(f, "  certificate_types: ")?;
        inline(f, self.certificate_types.iter())?;
        write!(f, "\n  supported_signature_algorithms: ")?;
        inline(f, self.supported_signature_algorithms.iter())?;
        writeln!(
            f,
            "\n  certificate_authorities: {} distinguished names",
            self.certificate_authorities.len()
        )
    }
}

impl Display for CertificateRequest13<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "CertificateRequest")?;
        writeln!(
            f,
            "  certificate_request_context: {}",
            Bytes(self.certificate_request_context)
        )?;
        write_extensions(f, &self.extensions, 1)
    }
}

impl Display for DigitallySigned<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "algorithm: {}, signature: {}",
            self.algorithm,
            Bytes(self.signature)
        )
    }
}

impl Display for ServerKeyExchange<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "ServerKeyExchange")?;
        writeln!(f, "  params:")?;
        writeln!(f, "    curve_type: named_curve (3)")?;
        writeln!(f, "    named_curve: {}", self.params.named_group)?;
        writeln!(f, "    public: {}", Bytes(self.params.public))?;
        writeln!(f, "  signed_params: {}", self.signed_params)
    }
}

impl Display for ClientKeyExchange<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "ClientKeyExchange")?;
        match self {
            ClientKeyExchange::Ecdhe(p) => writeln!(f, "  ecdh_Yc: {}", Bytes(p)),
            ClientKeyExchange::Rsa(p) => writeln!(f, "  encrypted_pre_master_secret: {}", Bytes(p)),
            ClientKeyExchange::Raw(b) => match self.ecdhe_public() {
                Ok(p) => writeln!(f, "  ecdh_Yc: {}", Bytes(p)),
                Err(_) => writeln!(f, "  exchange_keys: {}", Bytes(b)),
            },
        }
    }
}

impl Display for NewSessionTicket12<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "NewSessionTicket")?;
        writeln!(f, "  ticket_lifetime_hint: {} s", self.ticket_lifetime_hint)?;
        writeln!(f, "  ticket: {}", Bytes(self.ticket))
    }
}

impl Display for NewSessionTicket13<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "NewSessionTicket")?;
        writeln!(f, "  ticket_lifetime: {} s", self.ticket_lifetime)?;
        writeln!(f, "  ticket_age_add: {}", self.ticket_age_add)?;
        writeln!(f, "  ticket_nonce: {}", Bytes(self.ticket_nonce))?;
        writeln!(f, "  ticket: {}", Bytes(self.ticket))?;
        write_extensions(f, &self.extensions, 1)
    }
}

impl Display for KeyUpdateRequest {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            KeyUpdateRequest::UpdateNotRequested => f.write_str("update_not_requested (0)"),
            KeyUpdateRequest::UpdateRequested => f.write_str("update_requested (1)"),
        }
    }
}

impl Display for HandshakeMessage<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeMessage::HelloRequest => writeln!(f, "HelloRequest"),
            HandshakeMessage::ClientHello(m) => m.fmt(f),
            HandshakeMessage::ServerHello(m) | HandshakeMessage::HelloRetryRequest(m) => m.fmt(f),
            HandshakeMessage::NewSessionTicket12(m) => m.fmt(f),
            HandshakeMessage::NewSessionTicket13(m) => m.fmt(f),
            HandshakeMessage::EndOfEarlyData => writeln!(f, "EndOfEarlyData"),
            HandshakeMessage::EncryptedExtensions(e) => {
                writeln!(f, "EncryptedExtensions")?;
                write_extensions(f, e, 1)
            }
            HandshakeMessage::Certificate12(m) => m.fmt(f),
            HandshakeMessage::Certificate13(m) => m.fmt(f),
            HandshakeMessage::ServerKeyExchange(m) => m.fmt(f),
            HandshakeMessage::CertificateRequest12(m) => m.fmt(f),
            HandshakeMessage::CertificateRequest13(m) => m.fmt(f),
            HandshakeMessage::ServerHelloDone => writeln!(f, "ServerHelloDone"),
            HandshakeMessage::CertificateVerify(s) => writeln!(f, "CertificateVerify\n  {s}"),
            HandshakeMessage::ClientKeyExchange(m) => m.fmt(f),
            HandshakeMessage::Finished(v) => writeln!(f, "Finished\n  verify_data: {}", Hex(v)),
            HandshakeMessage::CertificateStatus(r) => {
                writeln!(
                    f,
                    "CertificateStatus\n  status_type: ocsp (1)\n  response: {}",
                    Bytes(r)
                )
            }
            HandshakeMessage::KeyUpdate(r) => writeln!(f, "KeyUpdate\n  request_update: {r}"),
            HandshakeMessage::MessageHash(h) => writeln!(f, "message_hash\n  hash: {}", Hex(h)),
        }
    }
}

impl Display for RecordHeader {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TLSPlaintext {{ type: {}, legacy_record_version: {}, length: {} }}",
            self.content_type, self.version, self.length
        )
    }
}

impl Display for Record<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TLSPlaintext {{ type: {}, legacy_record_version: {}, length: {} }}",
            self.content_type,
            self.version,
            self.payload.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::{CipherSuite, Compression, NamedGroup, ProtocolVersion, ServerNameType};
    use crate::extensions::{KeyShareEntry, ServerName};
    use crate::handshake::{Random, SessionId};
    use crate::list::List;

    #[test]
    fn client_hello_trace_uses_rfc_field_names() {
        let suites = [
            CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            CipherSuite(0x3a3a),
        ];
        let names = [ServerName {
            name_type: ServerNameType::HOST_NAME,
            name: b"www.pku.edu.cn",
        }];
        let shares = [KeyShareEntry {
            group: NamedGroup::X25519,
            key_exchange: &[7; 32],
        }];
        let exts = [
            Extension::ServerName(List::new(&names)),
            Extension::KeyShareClient(List::new(&shares)),
        ];
        let ch = ClientHello {
            legacy_version: ProtocolVersion::TLS12,
            random: Random([0xab; 32]),
            legacy_session_id: SessionId(&[]),
            cipher_suites: List::new(&suites),
            compression_methods: List::new(&[Compression::NULL]),
            extensions: Extensions::new(&exts),
        };
        let text = HandshakeMessage::ClientHello(ch).to_string();
        for needle in [
            "ClientHello\n",
            "client_version: TLS 1.2 (0x0303)",
            "random: abababab",
            "session_id: (empty)",
            "cipher_suites (2):",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xc02f)",
            "GREASE (0x3a3a)",
            "compression_methods: null (0x00)",
            "extensions (2):",
            "server_name (0): host_name \"www.pku.edu.cn\"",
            "key_share (51): x25519 (0x001d) key_exchange 0707",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }
}
