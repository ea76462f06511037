//! PEM (RFC 7468) decoding of certificates and keys.

use base64::Engine;

/// One PEM block: its label ("CERTIFICATE", "PRIVATE KEY", …) and DER contents.
#[derive(Clone, PartialEq, Eq)]
pub struct PemBlock {
    /// The label between `-----BEGIN ` and `-----`.
    pub label: String,
    /// The decoded contents.
    pub der: Vec<u8>,
}

impl std::fmt::Debug for PemBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PemBlock({}, {} bytes)", self.label, self.der.len())
    }
}

/// Parses every PEM block in `input`, in order. Text outside blocks is ignored (RFC 7468
/// §2 explanatory text). Returns `None` if there is no block at all or a block is
/// malformed (unterminated, mismatched labels, bad base64).
pub fn parse_all(input: &[u8]) -> Option<Vec<PemBlock>> {
    let text = std::str::from_utf8(input).ok()?;
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let line = line.trim();
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut b64 = String::new();
        let mut closed = false;
        for body in lines.by_ref() {
            let body = body.trim();
            if body == end {
                closed = true;
                break;
            }
            if body.contains(':') {
                continue; // RFC 1421 headers (Proc-Type, …) are skipped
            }
            b64.push_str(body);
        }
        if !closed {
            return None;
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .ok()?;
        blocks.push(PemBlock {
            label: label.to_string(),
            der,
        });
    }
    (!blocks.is_empty()).then_some(blocks)
}

/// The DER contents of every block labelled `label`.
pub fn parse_label(input: &[u8], label: &str) -> Vec<Vec<u8>> {
    parse_all(input)
        .unwrap_or_default()
        .into_iter()
        .filter(|b| b.label == label)
        .map(|b| b.der)
        .collect()
}

/// Encodes DER as a PEM block with 64-column lines.
pub fn encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_multiple_blocks() {
        let a = encode("CERTIFICATE", &[1, 2, 3]);
        let b = encode("PRIVATE KEY", &[9; 100]);
        let both = format!("junk before\n{a}between\n{b}");
        let blocks = parse_all(both.as_bytes()).unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].der, vec![1, 2, 3]);
        assert_eq!(blocks[1].label, "PRIVATE KEY");
        assert_eq!(
            parse_label(both.as_bytes(), "CERTIFICATE"),
            vec![vec![1, 2, 3]]
        );
    }

    #[test]
    fn malformed_blocks_are_rejected() {
        assert!(parse_all(b"-----BEGIN X-----\nAAAA\n").is_none());
        assert!(parse_all(b"-----BEGIN X-----\n!!!!\n-----END X-----\n").is_none());
        assert!(parse_all(b"no pem here").is_none());
    }
}
