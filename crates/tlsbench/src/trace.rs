//! `--trace`: prints the first connection's handshake flow as seen on the wire, decoding TLS
//! record headers (RFC 8446 §5.1, RFC 5246 §6.2.1) and, while records are still in the clear,
//! the handshake message types inside them (RFC 8446 §4, RFC 5246 §7.4).

use std::time::Instant;

/// Collects the bytes of one direction and names the records in them.
#[derive(Debug, Default)]
struct Direction {
    pending: Vec<u8>,
    /// Set after a ChangeCipherSpec (TLS 1.2) or once application_data records appear
    /// (TLS 1.3 encrypts everything after ServerHello): handshake bodies are no longer
    /// readable.
    encrypted: bool,
}

/// The trace of one connection, printed line by line to stderr as it happens.
#[derive(Debug)]
pub struct Tracer {
    start: Instant,
    client_to_server: Direction,
    server_to_client: Direction,
    lines: Vec<String>,
}

impl Default for Tracer {
    fn default() -> Self {
        Tracer {
            start: Instant::now(),
            client_to_server: Direction::default(),
            server_to_client: Direction::default(),
            lines: Vec::new(),
        }
    }
}

impl Tracer {
    /// Records bytes sent by the client (`outbound` true) or received from the server.
    pub fn bytes(&mut self, outbound: bool, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let elapsed = self.start.elapsed();
        let (arrow, dir) = if outbound {
            ("C->S", &mut self.client_to_server)
        } else {
            ("S->C", &mut self.server_to_client)
        };
        dir.pending.extend_from_slice(bytes);
        let records = describe_records(dir);
        let line = format!(
            "trace {:>9.3} ms  {arrow} {:>6} bytes  {}",
            elapsed.as_secs_f64() * 1e3,
            bytes.len(),
            if records.is_empty() {
                "(partial record)".to_string()
            } else {
                records.join(", ")
            }
        );
        eprintln!("{line}");
        self.lines.push(line);
    }

    /// Records an event such as "handshake done: TLSv1.3 ...".
    pub fn note(&mut self, what: &str) {
        let line = format!(
            "trace {:>9.3} ms  {what}",
            self.start.elapsed().as_secs_f64() * 1e3
        );
        eprintln!("{line}");
        self.lines.push(line);
    }

    /// Every line printed so far.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }
}

/// Consumes the complete records buffered in `dir` and names them.
fn describe_records(dir: &mut Direction) -> Vec<String> {
    let mut names = Vec::new();
    let mut consumed = 0;
    loop {
        let rest = dir.pending.get(consumed..).unwrap_or_default();
        let Some((header, body)) = rest.split_at_checked(5) else {
            break;
        };
        let &[content_type, major, minor, hi, lo] = header else {
            break;
        };
        if major != 3 || !(20..=24).contains(&content_type) {
            names.push(format!("{} bytes that are not TLS records", rest.len()));
            consumed = dir.pending.len();
            break;
        }
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        let Some(fragment) = body.get(..len) else {
            break;
        };
        names.push(describe_record(
            content_type,
            minor,
            fragment,
            &mut dir.encrypted,
        ));
        consumed += 5 + len;
    }
    dir.pending.drain(..consumed.min(dir.pending.len()));
    names
}

fn describe_record(content_type: u8, minor: u8, fragment: &[u8], encrypted: &mut bool) -> String {
    let version = match minor {
        1 => "TLS1.0",
        2 => "TLS1.1",
        3 => "TLS1.2",
        4 => "TLS1.3",
        _ => "TLS?",
    };
    match content_type {
        20 => {
            *encrypted = true;
            format!("change_cipher_spec [{version}]")
        }
        21 if !*encrypted => {
            let alert = fragment.get(1).map_or("?".to_string(), |d| alert_name(*d));
            format!("alert {alert} [{version}]")
        }
        21 => format!("encrypted alert ({} bytes)", fragment.len()),
        22 if !*encrypted => {
            format!(
                "handshake [{}] [{version}]",
                handshake_messages(fragment).join(" + ")
            )
        }
        22 => format!("encrypted handshake ({} bytes)", fragment.len()),
        23 => {
            *encrypted = true;
            format!("application_data ({} bytes)", fragment.len())
        }
        _ => format!("record type {content_type} ({} bytes)", fragment.len()),
    }
}

/// Names the handshake messages in a cleartext handshake record (RFC 8446 §4: one byte
/// type, three bytes length).
fn handshake_messages(mut fragment: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    while let Some((header, rest)) = fragment.split_at_checked(4) {
        let &[msg_type, a, b, c] = header else { break };
        let len = usize::from(a) << 16 | usize::from(b) << 8 | usize::from(c);
        names.push(handshake_name(msg_type).to_string());
        fragment = rest.get(len..).unwrap_or_default();
    }
    names
}

fn handshake_name(t: u8) -> &'static str {
    match t {
        0 => "HelloRequest",
        1 => "ClientHello",
        2 => "ServerHello",
        4 => "NewSessionTicket",
        5 => "EndOfEarlyData",
        8 => "EncryptedExtensions",
        11 => "Certificate",
        12 => "ServerKeyExchange",
        13 => "CertificateRequest",
        14 => "ServerHelloDone",
        15 => "CertificateVerify",
        16 => "ClientKeyExchange",
        20 => "Finished",
        24 => "KeyUpdate",
        _ => "unknown",
    }
}

fn alert_name(d: u8) -> String {
    let name = match d {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        22 => "record_overflow",
        40 => "handshake_failure",
        42 => "bad_certificate",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        80 => "internal_error",
        109 => "missing_extension",
        112 => "unrecognized_name",
        116 => "certificate_required",
        120 => "no_application_protocol",
        _ => return format!("alert({d})"),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_records_split_across_calls() {
        let mut t = Tracer::default();
        // ClientHello record (type 22, TLS 1.0 legacy version) with a 4-byte fake body.
        let record = [22u8, 3, 1, 0, 8, 1, 0, 0, 4, 0xaa, 0xbb, 0xcc, 0xdd];
        t.bytes(true, &record[..3]);
        t.bytes(true, &record[3..]);
        assert!(t.lines()[0].contains("partial record"));
        assert!(
            t.lines()[1].contains("handshake [ClientHello] [TLS1.0]"),
            "{}",
            t.lines()[1]
        );
    }

    #[test]
    fn change_cipher_spec_hides_later_handshake_bodies() {
        let mut t = Tracer::default();
        t.bytes(false, &[20, 3, 3, 0, 1, 1, 22, 3, 3, 0, 2, 9, 9]);
        let line = &t.lines()[0];
        assert!(
            line.contains("change_cipher_spec") && line.contains("encrypted handshake (2 bytes)"),
            "{line}"
        );
    }

    #[test]
    fn non_tls_bytes_are_labelled_not_misparsed() {
        let mut t = Tracer::default();
        t.bytes(true, &[1, 0, 3, b'a', b'b', b'c']);
        assert!(t.lines()[0].contains("not TLS records"));
    }

    #[test]
    fn truncated_handshake_header_does_not_panic() {
        assert_eq!(handshake_messages(&[1, 0]), Vec::<String>::new());
        assert_eq!(
            handshake_messages(&[2, 0, 0, 9]),
            vec!["ServerHello".to_string()]
        );
    }
}
