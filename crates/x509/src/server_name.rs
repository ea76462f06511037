//! Reference identities and presented identifiers (RFC 6125 / RFC 9525, CA/B Forum BR
//! §3.2.2.6 and §7.1.4.3): DNS names with wildcard rules, IP addresses, no Common Name
//! fallback.

use std::fmt;
use std::net::IpAddr;

/// The name a client expects the server to have: a DNS name or an IP address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ServerName {
    /// A DNS name (lowercase, no trailing dot).
    Dns(DnsName),
    /// An IPv4 or IPv6 address, matched only against iPAddress SANs.
    Ip(IpAddr),
}

impl ServerName {
    /// Parses an IP address (dotted-decimal IPv4, RFC 4291 text IPv6) or else a DNS name.
    pub fn try_from_str(s: &str) -> Result<Self, InvalidName> {
        if let Ok(ip) = s.parse::<IpAddr>() {
            return Ok(ServerName::Ip(ip));
        }
        DnsName::try_from_str(s).map(ServerName::Dns)
    }
}

impl fmt::Display for ServerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerName::Dns(d) => f.write_str(d.as_str()),
            ServerName::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

impl From<IpAddr> for ServerName {
    fn from(ip: IpAddr) -> Self {
        ServerName::Ip(ip)
    }
}

/// The given text is not a valid DNS name or IP address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidName(pub String);

impl fmt::Display for InvalidName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid DNS name or IP address: {:?}", self.0)
    }
}

impl std::error::Error for InvalidName {}

/// A syntactically valid DNS reference identity: LDH labels (RFC 1034 §3.5 as relaxed
/// by RFC 1123 §2.1), each 1–63 octets, at most 253 in all, no wildcard, not all
/// numeric (that would be an IPv4 address). A-labels (`xn--…`) are ASCII and compared
/// as such. Stored in lowercase; a trailing dot is dropped.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DnsName(String);

impl DnsName {
    /// Validates and normalises `s`.
    pub fn try_from_str(s: &str) -> Result<Self, InvalidName> {
        let trimmed = s.strip_suffix('.').unwrap_or(s);
        if !is_valid_dns_name(trimmed.as_bytes(), false)
            || trimmed
                .split('.')
                .all(|l| l.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(InvalidName(s.to_string()));
        }
        Ok(DnsName(trimmed.to_ascii_lowercase()))
    }

    /// The name, lowercase.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// RFC 1034/1123 preferred name syntax; with `allow_wildcard`, the left-most label may
/// be exactly `*` (and nothing else may contain `*`).
pub(crate) fn is_valid_dns_name(name: &[u8], allow_wildcard: bool) -> bool {
    if name.is_empty() || name.len() > 253 {
        return false;
    }
    for (i, label) in name.split(|&b| b == b'.').enumerate() {
        if i == 0 && allow_wildcard && label == b"*" {
            continue;
        }
        if !is_valid_label(label) {
            return false;
        }
    }
    true
}

fn is_valid_label(label: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (label.first(), label.last()) else {
        return false;
    };
    label.len() <= 63
        && first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && label
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A dNSName SAN is well-formed: valid syntax with a wildcard only as the whole
/// left-most label, and not the bare `*` (BR §3.2.2.6: the DNS root acts as a public
/// suffix).
pub(crate) fn is_valid_dns_id_syntax(name: &[u8]) -> bool {
    name != b"*" && is_valid_dns_name(name, true)
}

/// A dNSName SAN can identify a host: well-formed, and not a wildcard over a public
/// suffix (`*.com`, `*.co.uk`, `*.s3.amazonaws.com`), which never matches anything.
pub(crate) fn is_valid_presented_dns_id(name: &[u8]) -> bool {
    if !is_valid_dns_id_syntax(name) {
        return false;
    }
    match name.strip_prefix(b"*.") {
        Some(rest) => !is_public_suffix(rest),
        None => true,
    }
}

/// Whether `domain` is a public suffix (so `*.domain` spans registrants). A single
/// label is always treated as one; with the `public-suffix` feature the Public Suffix
/// List (ICANN and private sections) decides for longer names.
pub(crate) fn is_public_suffix(domain: &[u8]) -> bool {
    if !domain.contains(&b'.') {
        return true;
    }
    #[cfg(feature = "public-suffix")]
    {
        use psl::Psl;
        let lower = domain.to_ascii_lowercase();
        if let Some(suffix) = psl::List.suffix(&lower) {
            if suffix.is_known() && suffix.as_bytes() == lower.as_slice() {
                return true;
            }
        }
    }
    false
}

/// RFC 6125 §6.4: does presented `pattern` (a valid dNSName SAN) match `reference`?
/// Case-insensitive ASCII; `*.rest` matches exactly one whole left-most label.
pub(crate) fn dns_name_matches(pattern: &[u8], reference: &[u8]) -> bool {
    match pattern.strip_prefix(b"*.") {
        Some(rest) => match reference.iter().position(|&b| b == b'.') {
            Some(dot) => {
                let (first, after) = reference.split_at(dot);
                !first.is_empty() && after.get(1..).is_some_and(|r| r.eq_ignore_ascii_case(rest))
            }
            None => false,
        },
        None => pattern.eq_ignore_ascii_case(reference),
    }
}

/// The canonical text of an iPAddress SAN (dotted decimal; RFC 5952 for IPv6), used to
/// check a Common Name against the SANs (BR §7.1.4.3).
pub(crate) fn ip_text(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes)
            .ok()
            .map(|b| std::net::Ipv4Addr::from(b).to_string()),
        16 => <[u8; 16]>::try_from(bytes)
            .ok()
            .map(|b| std::net::Ipv6Addr::from(b).to_string()),
        _ => None,
    }
}

/// The octets of an IP address as an iPAddress SAN carries them.
pub(crate) fn ip_octets(ip: &IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => v6.octets().to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_names() {
        assert_eq!(
            ServerName::try_from_str("Example.COM.").unwrap(),
            ServerName::Dns(DnsName("example.com".into()))
        );
        assert!(matches!(
            ServerName::try_from_str("::1"),
            Ok(ServerName::Ip(_))
        ));
        assert!(matches!(
            ServerName::try_from_str("192.0.2.1"),
            Ok(ServerName::Ip(_))
        ));
        for bad in [
            "",
            "*.example.com",
            "foo_bar.example.com",
            "-a.com",
            "a..b",
            "192.168.001.001",
            "1.2.3",
        ] {
            assert!(ServerName::try_from_str(bad).is_err(), "{bad}");
        }
        assert!(ServerName::try_from_str("xn--n3h.com").is_ok());
        assert!(ServerName::try_from_str("localhost").is_ok());
    }

    #[test]
    fn presented_ids() {
        for ok in [
            "example.com",
            "*.example.com",
            "xn--bcher-kva.example",
            "a-1.b",
        ] {
            assert!(is_valid_presented_dns_id(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "*",
            "*.com",
            "ba*.example.com",
            "foo.*.example.com",
            "xn--*-1b3c148a.example.com",
            ".example.com",
            "example.com.",
            "foo_bar.example.com",
            "a..b",
        ] {
            assert!(!is_valid_presented_dns_id(bad.as_bytes()), "{bad}");
        }
    }

    #[cfg(feature = "public-suffix")]
    #[test]
    fn public_suffix_wildcards() {
        assert!(!is_valid_presented_dns_id(b"*.co.uk"));
        assert!(!is_valid_presented_dns_id(b"*.s3.amazonaws.com"));
        assert!(is_valid_presented_dns_id(b"*.example.co.uk"));
    }

    #[test]
    fn wildcard_matching() {
        assert!(dns_name_matches(b"*.example.com", b"foo.example.com"));
        assert!(dns_name_matches(b"*.Example.com", b"FOO.example.COM"));
        assert!(!dns_name_matches(b"*.example.com", b"foo.bar.example.com"));
        assert!(!dns_name_matches(b"*.example.com", b"example.com"));
        assert!(!dns_name_matches(b"*.example.com", b".example.com"));
        assert!(dns_name_matches(b"example.com", b"EXAMPLE.com"));
        assert!(!dns_name_matches(b"example.com", b"example.co"));
    }

    #[test]
    fn ip_rendering() {
        assert_eq!(ip_text(&[192, 168, 1, 1]).unwrap(), "192.168.1.1");
        let v6 = "2001:db8::8a2e:370:7334"
            .parse::<std::net::Ipv6Addr>()
            .unwrap();
        assert_eq!(ip_text(&v6.octets()).unwrap(), "2001:db8::8a2e:370:7334");
        assert!(ip_text(&[1, 2, 3]).is_none());
    }
}
