//! The certificate profile a TLS client enforces: RFC 5280 §4 plus the CA/Browser Forum
//! Baseline Requirements' certificate rules (BR §7.1) that a relying party can check.
//! Each rule names its source; a failure names the rule and the certificate.

use crate::cert::Certificate;
use crate::error::{CertError, Purpose};
use crate::extensions::KeyUsage;
use crate::name::GeneralName;
use crate::oid;
use crate::server_name::{ip_text, is_valid_dns_id_syntax};
use crate::time::UnixTime;

/// The position a certificate takes in a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// The end-entity (leaf) certificate.
    EndEntity,
    /// A CA certificate between the leaf and the trust anchor.
    Intermediate,
    /// The certificate of a trust anchor.
    Anchor,
}

/// Options of the leaf checks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LeafRules {
    pub purpose: Purpose,
    pub leaf_key_usage: u16,
}

fn profile(index: usize, rule: &'static str) -> CertError {
    CertError::Profile { index, rule }
}

/// RFC 5280 §4.1.2.5: `now` within [notBefore, notAfter], both inclusive.
pub(crate) fn check_validity(
    cert: &Certificate<'_>,
    index: usize,
    now: UnixTime,
) -> Result<(), CertError> {
    if now < cert.not_before {
        return Err(CertError::NotYetValid {
            index,
            not_before: cert.not_before,
            now,
        });
    }
    if now > cert.not_after {
        return Err(CertError::Expired {
            index,
            not_after: cert.not_after,
            now,
        });
    }
    Ok(())
}

/// Checks every rule that depends only on the certificate and its role.
pub(crate) fn check(
    cert: &Certificate<'_>,
    index: usize,
    role: Role,
    leaf: LeafRules,
) -> Result<(), CertError> {
    check_common(cert, index, role)?;
    match role {
        Role::EndEntity => check_end_entity(cert, index, leaf),
        Role::Intermediate | Role::Anchor => check_ca(cert, index, role, leaf.purpose),
    }?;
    crate::algorithm::check_public_key(cert.spki).map_err(|problem| {
        CertError::UnacceptableKey {
            index,
            reason: match problem {
                crate::algorithm::KeyProblem::Unsupported => {
                    "unsupported algorithm or curve".into()
                }
                crate::algorithm::KeyProblem::Malformed => "malformed key".into(),
                crate::algorithm::KeyProblem::WeakRsa(bits) => {
                    format!("RSA-{bits}: need at least 2048 bits, a multiple of 8")
                }
            },
        }
    })?;
    Ok(())
}

fn check_common(cert: &Certificate<'_>, index: usize, role: Role) -> Result<(), CertError> {
    let exts = &cert.extensions;
    // BR §7.1.1: X.509 v3.
    if cert.version != 2 {
        return Err(CertError::UnsupportedVersion { index });
    }
    // RFC 5280 §4.1.1.2: signatureAlgorithm MUST equal tbsCertificate.signature.
    if cert.signature_algorithm != cert.tbs_signature_algorithm {
        return Err(CertError::SignatureAlgorithmMismatch { index });
    }
    // RFC 5280 §4.2: a critical extension that is not processed fails validation.
    if let Some(oid) = exts.unknown_critical {
        return Err(CertError::UnsupportedCriticalExtension {
            index,
            oid: crate::der::oid_to_string(oid),
        });
    }
    // RFC 5280 §4.1.2.4: the issuer field MUST contain a non-empty name.
    if cert.issuer.is_empty() {
        return Err(profile(index, "issuer name is empty (RFC 5280 §4.1.2.4)"));
    }
    // RFC 5280 §4.1.2.2: positive, at most 20 octets. Trust anchors are exempt: some
    // long-lived roots predate the rule.
    if role != Role::Anchor {
        check_serial(cert.serial, index)?;
    }
    match exts.authority_key_id {
        Some(aki) => {
            if aki.critical {
                return Err(profile(
                    index,
                    "authorityKeyIdentifier is critical (RFC 5280 §4.2.1.1)",
                ));
            }
            if aki.value.key_id.is_none() {
                return Err(profile(
                    index,
                    "authorityKeyIdentifier lacks keyIdentifier (BR §7.1.2)",
                ));
            }
            if aki.value.issuer.is_some() {
                return Err(profile(
                    index,
                    "authorityKeyIdentifier has authorityCertIssuer/SerialNumber (BR §7.1.2)",
                ));
            }
        }
        // RFC 5280 §4.2.1.1: required except in self-signed certificates. Not checked
        // on trust anchors: a cross-signed CA may be trusted directly (limbo
        // cve::cve-2024-0567).
        None if !cert.is_self_issued() && role != Role::Anchor => {
            return Err(profile(
                index,
                "authorityKeyIdentifier missing (RFC 5280 §4.2.1.1)",
            ));
        }
        None => {}
    }
    // RFC 5280 §4.2.1.9: keyCertSign needs cA; pathLenConstraint needs cA and
    // keyCertSign; and a CA whose keyUsage omits keyCertSign is inconsistent.
    let key_cert_sign = exts
        .key_usage
        .map(|ku| ku.value.has(KeyUsage::KEY_CERT_SIGN));
    if cert.is_ca() {
        if key_cert_sign == Some(false) {
            return Err(CertError::KeyUsageMissing {
                index,
                usage: "keyCertSign",
            });
        }
    } else {
        if key_cert_sign == Some(true) {
            return Err(profile(
                index,
                "keyCertSign without basicConstraints cA (RFC 5280 §4.2.1.9)",
            ));
        }
        if exts
            .basic_constraints
            .is_some_and(|bc| bc.value.path_len.is_some())
        {
            return Err(profile(
                index,
                "pathLenConstraint without cA (RFC 5280 §4.2.1.9)",
            ));
        }
        // RFC 5280 §4.2.1.10: "MUST be used only in a CA certificate".
        if exts.name_constraints.is_some() {
            return Err(profile(
                index,
                "nameConstraints in a non-CA certificate (RFC 5280 §4.2.1.10)",
            ));
        }
    }
    if exts.subject_key_id.is_some_and(|ski| ski.critical) {
        return Err(profile(
            index,
            "subjectKeyIdentifier is critical (RFC 5280 §4.2.1.2)",
        ));
    }
    if exts.authority_info_access.is_some_and(|aia| aia.critical) {
        return Err(profile(
            index,
            "authorityInfoAccess is critical (RFC 5280 §4.2.2.1)",
        ));
    }
    if exts.policy_constraints.is_some_and(|pc| !pc.critical) {
        return Err(profile(
            index,
            "policyConstraints is not critical (RFC 5280 §4.2.1.11)",
        ));
    }
    // RFC 5280 §4.1.2.6 / §4.2.1.6: an empty subject needs a critical subjectAltName.
    if cert.subject.is_empty() && !exts.subject_alt_name.is_some_and(|san| san.critical) {
        return Err(profile(
            index,
            "empty subject without a critical subjectAltName (RFC 5280 §4.2.1.6)",
        ));
    }
    Ok(())
}

fn check_serial(serial: &[u8], index: usize) -> Result<(), CertError> {
    match serial {
        [first, ..] if first & 0x80 != 0 => Err(profile(
            index,
            "serial number is negative (RFC 5280 §4.1.2.2)",
        )),
        s if s.iter().all(|&b| b == 0) => {
            Err(profile(index, "serial number is zero (RFC 5280 §4.1.2.2)"))
        }
        s if s.len() > 21 || (s.len() == 21 && s.first() != Some(&0)) => Err(profile(
            index,
            "serial number longer than 20 octets (RFC 5280 §4.1.2.2)",
        )),
        _ => Ok(()),
    }
}

fn check_end_entity(
    cert: &Certificate<'_>,
    index: usize,
    rules: LeafRules,
) -> Result<(), CertError> {
    let exts = &cert.extensions;
    // RFC 5280 places no CA/end-entity requirement on the leaf position: a CA
    // certificate may be validated as a leaf (limbo rfc5280::ca-as-leaf,
    // pathlen::validation-ignores-pathlen-in-leaf), as long as it is consistent.
    if let Some(eku) = exts.extended_key_usage {
        if eku.critical {
            return Err(profile(index, "extKeyUsage is critical (BR §7.1.2.7.10)"));
        }
        if eku.value.contains(oid::ANY_EXTENDED_KEY_USAGE) {
            return Err(profile(
                index,
                "anyExtendedKeyUsage in a leaf (BR §7.1.2.7.10)",
            ));
        }
        if !eku.value.contains(rules.purpose.oid()) {
            return Err(CertError::ExtendedKeyUsageMismatch {
                index,
                required: rules.purpose,
            });
        }
    }
    if let Some(ku) = exts.key_usage {
        if !ku.value.has(rules.leaf_key_usage) {
            return Err(CertError::KeyUsageMissing {
                index,
                usage: KeyUsage::names(rules.leaf_key_usage & !ku.value.0),
            });
        }
    }
    if rules.purpose == Purpose::ServerAuth {
        check_server_names(cert, index)?;
    }
    Ok(())
}

/// BR §7.1.2.7.12 and §7.1.4.3 for a server certificate: a subjectAltName is required,
/// critical only when the subject is empty; every dNSName is a valid presented
/// identifier and every iPAddress 4 or 16 octets; each Common Name is a
/// character-for-character copy of one of the SAN values.
fn check_server_names(cert: &Certificate<'_>, index: usize) -> Result<(), CertError> {
    let Some(san) = cert.extensions.subject_alt_name else {
        return Err(profile(index, "subjectAltName missing (BR §7.1.2.7.12)"));
    };
    if san.critical && !cert.subject.is_empty() {
        return Err(profile(
            index,
            "subjectAltName critical with a non-empty subject (BR §7.1.2.7.12)",
        ));
    }
    let mut dns_sans: Vec<&[u8]> = Vec::new();
    let mut ip_sans: Vec<String> = Vec::new();
    for name in san.value.iter() {
        match name {
            GeneralName::DnsName(dns) => {
                if !is_valid_dns_id_syntax(dns) {
                    return Err(CertError::InvalidSubjectAltName {
                        index,
                        name: String::from_utf8_lossy(dns).into_owned(),
                    });
                }
                dns_sans.push(dns);
            }
            GeneralName::IpAddress(ip) => match ip_text(ip) {
                Some(text) => ip_sans.push(text),
                None => {
                    return Err(CertError::InvalidSubjectAltName {
                        index,
                        name: format!("{ip:02x?}"),
                    })
                }
            },
            _ => {}
        }
    }
    for cn in cert.subject.common_names() {
        check_common_name(cn.value, &dns_sans, &ip_sans).map_err(|rule| profile(index, rule))?;
    }
    Ok(())
}

/// BR §7.1.4.3: a Common Name, if present, is a character-for-character copy of a SAN
/// value. tlskit never matches names against the Common Name, so it enforces the part
/// of this rule that prevents confusion in software that does: a CN that reads as an IP
/// address (in any legacy text form) must be the canonical text of an iPAddress SAN; a
/// CN that reads as a host name must be a byte-exact copy of a dNSName SAN or a parent
/// domain of one, and never differ from one only in case or by being a U-label. A CN
/// that is not name-like (no dot, e.g. an organisation label) is left alone.
fn check_common_name(
    cn: &[u8],
    dns_sans: &[&[u8]],
    ip_sans: &[String],
) -> Result<(), &'static str> {
    if dns_sans.contains(&cn) || ip_sans.iter().any(|ip| ip.as_bytes() == cn) {
        return Ok(());
    }
    if looks_like_ip_address(cn) {
        return Err(
            "commonName reads as an IP address but is not a copy of an iPAddress SAN (BR §7.1.4.3)",
        );
    }
    if !cn.contains(&b'.') {
        return Ok(());
    }
    if !cn.is_ascii() {
        return Err(
            "commonName is an internationalized name, not a copy of a dNSName SAN (BR §7.1.4.3)",
        );
    }
    if dns_sans.iter().any(|s| s.eq_ignore_ascii_case(cn)) {
        return Err("commonName differs from a dNSName SAN in case (BR §7.1.4.3)");
    }
    let parent_of_a_san = dns_sans.iter().any(|san| {
        san.len() > cn.len()
            && san
                .get(san.len() - cn.len()..)
                .is_some_and(|tail| tail.eq_ignore_ascii_case(cn))
            && san.get(san.len() - cn.len() - 1) == Some(&b'.')
    });
    if !dns_sans.is_empty() && !parent_of_a_san {
        return Err("commonName names a host that is not among the dNSName SANs (BR §7.1.4.3)");
    }
    Ok(())
}

/// Whether some parser would read `s` as an IP address: any IPv6 text, or the
/// inet_aton(3) IPv4 forms (1–4 dot-separated parts in decimal, octal or hex).
fn looks_like_ip_address(s: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(s) else {
        return false;
    };
    if text.contains(':') {
        return text.parse::<std::net::Ipv6Addr>().is_ok();
    }
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() <= 4
        && parts.iter().all(|p| {
            let p = p.to_ascii_lowercase();
            if let Some(hex) = p.strip_prefix("0x") {
                !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit())
            } else {
                !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
            }
        })
}

fn check_ca(
    cert: &Certificate<'_>,
    index: usize,
    role: Role,
    purpose: Purpose,
) -> Result<(), CertError> {
    let exts = &cert.extensions;
    // RFC 5280 §4.1.2.6: a CA's subject MUST be non-empty.
    if cert.subject.is_empty() {
        return Err(profile(
            index,
            "CA with an empty subject (RFC 5280 §4.1.2.6)",
        ));
    }
    // RFC 5280 §4.2.1.9: present, critical, cA asserted.
    match exts.basic_constraints {
        Some(bc) if bc.value.ca => {
            if !bc.critical {
                return Err(profile(
                    index,
                    "basicConstraints not critical in a CA (RFC 5280 §4.2.1.9)",
                ));
            }
        }
        _ => return Err(CertError::NotACa { index }),
    }
    // RFC 5280 §4.2.1.2: CA certificates MUST carry a subjectKeyIdentifier.
    let Some(ski) = exts.subject_key_id else {
        return Err(profile(
            index,
            "CA without subjectKeyIdentifier (RFC 5280 §4.2.1.2)",
        ));
    };
    match role {
        Role::Anchor => {
            // BR §7.1.2.1.2: a root has no extKeyUsage.
            if exts.extended_key_usage.is_some() {
                return Err(profile(
                    index,
                    "root certificate with extKeyUsage (BR §7.1.2.1.2)",
                ));
            }
            // BR §7.1.2.1.3: a self-signed root's keyIdentifier equals its SKI.
            if let Some(aki) = exts.authority_key_id {
                if cert.is_self_issued() && aki.value.key_id != Some(ski.value) {
                    return Err(profile(
                        index,
                        "root authorityKeyIdentifier differs from its subjectKeyIdentifier (BR §7.1.2.1.3)",
                    ));
                }
            }
        }
        // An intermediate's extKeyUsage, when present, restricts what it may issue for
        // (BR §7.1.2.2.5, as browsers enforce it).
        _ => {
            if let Some(eku) = exts.extended_key_usage {
                if !eku.value.contains(purpose.oid())
                    && !eku.value.contains(oid::ANY_EXTENDED_KEY_USAGE)
                {
                    return Err(CertError::ExtendedKeyUsageMismatch {
                        index,
                        required: purpose,
                    });
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_like_common_names() {
        for ip in [
            "0xC0A80101",
            "192.168.001.001",
            "10.1",
            "2001:DB8::1",
            "2001:0db8:0000:0000:0000:0000:0000:0001",
        ] {
            assert!(looks_like_ip_address(ip.as_bytes()), "{ip}");
        }
        for not_ip in ["example.com", "foo", "1.2.3.4.5", "0xZZ", "::g"] {
            assert!(!looks_like_ip_address(not_ip.as_bytes()), "{not_ip}");
        }
    }

    #[test]
    fn common_name_consistency() {
        let dns: [&[u8]; 2] = [b"www.example.com", b"*.api.example.com"];
        let ips = ["192.168.1.1".to_string()];
        assert!(check_common_name(b"www.example.com", &dns, &ips).is_ok());
        assert!(check_common_name(b"192.168.1.1", &dns, &ips).is_ok());
        assert!(
            check_common_name(b"example.com", &dns, &ips).is_ok(),
            "parent domain"
        );
        assert!(
            check_common_name(b"Some Org Label", &dns, &ips).is_ok(),
            "not name-like"
        );
        assert!(check_common_name(b"192.168.001.001", &dns, &ips).is_err());
        assert!(check_common_name(b"WWW.example.com", &dns, &ips).is_err());
        assert!(check_common_name(b"other.example.org", &dns, &ips).is_err());
        assert!(check_common_name("t\u{e9}st.example.com".as_bytes(), &dns, &ips).is_err());
        // Only IP SANs: a host-like CN is not checked against anything.
        assert!(check_common_name(b"example.com", &[], &ips).is_ok());
    }

    #[test]
    fn serial_numbers() {
        assert!(check_serial(&[0x01], 0).is_ok());
        assert!(check_serial(&[0x00], 0).is_err());
        assert!(check_serial(&[0x80], 0).is_err());
        let mut twenty = vec![0x7f; 20];
        assert!(check_serial(&twenty, 0).is_ok());
        twenty.insert(0, 0);
        twenty[1] = 0x80;
        assert!(
            check_serial(&twenty, 0).is_ok(),
            "20 octets with a sign byte"
        );
        assert!(check_serial(&[0x7f; 21], 0).is_err());
    }
}
