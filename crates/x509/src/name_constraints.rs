//! Name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)–(c)) for DNS names, IP addresses,
//! email addresses and directory names, with a bound on the work done.

use crate::cert::Certificate;
use crate::error::CertError;
use crate::extensions::NameConstraints;
use crate::name::{DistinguishedName, GeneralName, GeneralNameKind};
use crate::oid;
use crate::server_name::{is_valid_dns_name, is_valid_presented_dns_id};

/// The most name-versus-constraint comparisons one validation may make (limbo
/// `pathological::nc-dos-*`: quadratic blow-up is refused rather than computed).
pub const DEFAULT_NAME_CONSTRAINT_BUDGET: usize = 250_000;

/// Checks a constraints extension itself: every base is well-formed for its form and
/// `minimum`/`maximum` are absent.
pub(crate) fn validate_constraints(
    nc: &NameConstraints<'_>,
    index: usize,
) -> Result<(), CertError> {
    let invalid = |reason: &str| CertError::InvalidNameConstraints {
        index,
        reason: reason.to_string(),
    };
    let all = nc
        .permitted()
        .into_iter()
        .flatten()
        .chain(nc.excluded().into_iter().flatten());
    for subtree in all {
        if subtree.has_min_or_max {
            return Err(invalid("minimum/maximum present"));
        }
        match subtree.base {
            // An empty dNSName constraint covers every name; otherwise a plain DNS name:
            // no wildcard, no leading period (limbo rfc5280::nc::invalid-dnsname-*).
            GeneralName::DnsName(base) if !base.is_empty() && !is_valid_dns_name(base, false) => {
                return Err(invalid("malformed dNSName constraint"));
            }
            GeneralName::IpAddress(base) if !is_cidr(base) => {
                return Err(invalid(
                    "iPAddress constraint is not address + contiguous mask",
                ));
            }
            GeneralName::Rfc822Name(base) if !is_valid_email_constraint(base) => {
                return Err(invalid("malformed rfc822Name constraint"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// 8 or 32 octets: an address and a mask whose ones are contiguous from the top, with no
/// address bits outside the mask.
fn is_cidr(base: &[u8]) -> bool {
    if base.len() != 8 && base.len() != 32 {
        return false;
    }
    let (addr, mask) = base.split_at(base.len() / 2);
    let mut seen_zero = false;
    for &m in mask {
        for bit in (0..8).rev() {
            let one = m & (1 << bit) != 0;
            if one && seen_zero {
                return false;
            }
            seen_zero |= !one;
        }
    }
    addr.iter().zip(mask).all(|(a, m)| a & !m == 0)
}

/// RFC 5280 §4.2.1.10: a mailbox (`local@host`), a host, or `.domain`.
fn is_valid_email_constraint(base: &[u8]) -> bool {
    match split_mailbox(base) {
        Some((_, host)) => is_valid_dns_name(host, false),
        None if base.contains(&b'@') => false,
        None => {
            let host = base.strip_prefix(b".").unwrap_or(base);
            is_valid_dns_name(host, false)
        }
    }
}

/// Splits `local@host` with exactly one `@` and a non-empty local part.
fn split_mailbox(addr: &[u8]) -> Option<(&[u8], &[u8])> {
    let at = addr.iter().position(|&b| b == b'@')?;
    let (local, rest) = addr.split_at(at);
    let host = rest.get(1..)?;
    if local.is_empty() || host.contains(&b'@') {
        return None;
    }
    Some((local, host))
}

/// A name of a certificate subject to constraints.
#[derive(Clone, Copy, Debug)]
enum ConstrainedName<'a> {
    General(GeneralName<'a>),
    /// The subject DN (checked as a directoryName).
    Subject(DistinguishedName<'a>),
}

impl<'a> ConstrainedName<'a> {
    fn kind(&self) -> GeneralNameKind {
        match self {
            ConstrainedName::General(g) => g.kind(),
            ConstrainedName::Subject(_) => GeneralNameKind::DirectoryName,
        }
    }

    fn describe(&self) -> String {
        match self {
            ConstrainedName::General(GeneralName::DnsName(n))
            | ConstrainedName::General(GeneralName::Rfc822Name(n))
            | ConstrainedName::General(GeneralName::Uri(n)) => {
                String::from_utf8_lossy(n).into_owned()
            }
            ConstrainedName::General(GeneralName::IpAddress(ip)) => {
                crate::server_name::ip_text(ip).unwrap_or_else(|| format!("{ip:02x?}"))
            }
            ConstrainedName::General(GeneralName::DirectoryName(dn))
            | ConstrainedName::Subject(dn) => dn.to_string(),
            ConstrainedName::General(other) => format!("{:?}", other.kind()),
        }
    }
}

/// The names of `cert` that constraints apply to: a non-empty subject, every SAN, and
/// emailAddress attributes of the subject (as rfc822Names).
fn names_of<'a>(cert: &Certificate<'a>) -> Vec<ConstrainedName<'a>> {
    let mut names = Vec::new();
    if !cert.subject.is_empty() {
        names.push(ConstrainedName::Subject(cert.subject));
    }
    for attr in cert.subject.attributes() {
        if attr.oid == oid::AT_EMAIL_ADDRESS {
            names.push(ConstrainedName::General(GeneralName::Rfc822Name(
                attr.value,
            )));
        }
    }
    if let Some(san) = cert.extensions.subject_alt_name {
        names.extend(san.value.iter().map(ConstrainedName::General));
    }
    names
}

/// Applies the constraints of the CA at `ca_index` to `cert` at `index`. Every
/// (name, subtree) pair costs one unit of `budget`, whatever the forms.
pub(crate) fn check(
    nc: &NameConstraints<'_>,
    ca_index: usize,
    cert: &Certificate<'_>,
    index: usize,
    budget: &mut usize,
) -> Result<(), CertError> {
    let permitted: Vec<GeneralName<'_>> = nc
        .permitted()
        .into_iter()
        .flatten()
        .map(|s| s.base)
        .collect();
    let excluded: Vec<GeneralName<'_>> = nc
        .excluded()
        .into_iter()
        .flatten()
        .map(|s| s.base)
        .collect();
    let per_name = permitted.len() + excluded.len();
    for name in names_of(cert) {
        *budget = budget
            .checked_sub(per_name)
            .ok_or(CertError::BudgetExceeded {
                what: "name constraint comparisons",
            })?;
        let kind = name.kind();
        let violation = || CertError::NameConstraintViolation {
            index,
            constrained_by: ca_index,
            name: name.describe(),
        };
        for base in excluded.iter().filter(|b| b.kind() == kind) {
            if matches(&name, base, Role::Excluded, ca_index)? {
                return Err(violation());
            }
        }
        let mut of_kind = permitted.iter().filter(|b| b.kind() == kind).peekable();
        if of_kind.peek().is_some() {
            let mut hit = false;
            for base in of_kind {
                if matches(&name, base, Role::Permitted, ca_index)? {
                    hit = true;
                    break;
                }
            }
            if !hit {
                return Err(violation());
            }
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Permitted,
    Excluded,
}

/// Whether `name` falls in the subtree `base` (for `Excluded`: whether it might; a
/// wildcard SAN is treated as the set of names it matches, CVE-2025-61727).
/// A malformed name "matches" an exclusion and misses every permission.
fn matches(
    name: &ConstrainedName<'_>,
    base: &GeneralName<'_>,
    role: Role,
    ca_index: usize,
) -> Result<bool, CertError> {
    let malformed = role == Role::Excluded;
    Ok(match (name, base) {
        (ConstrainedName::General(GeneralName::DnsName(n)), GeneralName::DnsName(c)) => {
            if !is_valid_presented_dns_id(n) {
                malformed
            } else if let Some(rest) = n.strip_prefix(b"*.") {
                match role {
                    // Every name `*.rest` can match lies under `c`.
                    Role::Permitted => dns_within(rest, c),
                    // Some name `*.rest` can match lies under `c`.
                    Role::Excluded => dns_within(rest, c) || is_one_label_above(c, rest),
                }
            } else {
                dns_within(n, c)
            }
        }
        (ConstrainedName::General(GeneralName::IpAddress(n)), GeneralName::IpAddress(c)) => {
            if n.len() != 4 && n.len() != 16 {
                malformed
            } else {
                let (addr, mask) = c.split_at(c.len() / 2);
                n.len() == addr.len()
                    && n.iter()
                        .zip(addr)
                        .zip(mask)
                        .all(|((n, a), m)| n & m == a & m)
            }
        }
        (ConstrainedName::General(GeneralName::Rfc822Name(n)), GeneralName::Rfc822Name(c)) => {
            match split_mailbox(n) {
                Some((local, host)) if is_valid_dns_name(host, false) => {
                    email_within(local, host, c)
                }
                _ => malformed,
            }
        }
        (
            ConstrainedName::General(GeneralName::DirectoryName(n)) | ConstrainedName::Subject(n),
            GeneralName::DirectoryName(c),
        ) => n.is_within(c),
        _ => {
            return Err(CertError::InvalidNameConstraints {
                index: ca_index,
                reason: format!("cannot process {:?} constraints", base.kind()),
            })
        }
    })
}

/// RFC 5280 §4.2.1.10: `name` equals `constraint` or adds labels on the left.
fn dns_within(name: &[u8], constraint: &[u8]) -> bool {
    if constraint.is_empty() {
        return true;
    }
    if name.len() == constraint.len() {
        return name.eq_ignore_ascii_case(constraint);
    }
    name.len() > constraint.len()
        && name
            .get(name.len() - constraint.len()..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(constraint))
        && name.get(name.len() - constraint.len() - 1) == Some(&b'.')
}

/// `c` is exactly one label followed by `.rest`.
fn is_one_label_above(c: &[u8], rest: &[u8]) -> bool {
    match c.iter().position(|&b| b == b'.') {
        Some(dot) => {
            dot > 0
                && c.get(dot + 1..)
                    .is_some_and(|r| r.eq_ignore_ascii_case(rest))
        }
        None => false,
    }
}

/// RFC 5280 §4.2.1.10 rfc822Name: a mailbox matches exactly (local part case-sensitive,
/// every character literal), a host matches every mailbox on it, `.domain` every
/// mailbox on a host under it.
fn email_within(local: &[u8], host: &[u8], constraint: &[u8]) -> bool {
    if let Some((c_local, c_host)) = split_mailbox(constraint) {
        return local == c_local && host.eq_ignore_ascii_case(c_host);
    }
    if let Some(domain) = constraint.strip_prefix(b".") {
        return host.len() > domain.len() && dns_within(host, domain);
    }
    host.eq_ignore_ascii_case(constraint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_subtrees() {
        assert!(dns_within(b"example.com", b"example.com"));
        assert!(dns_within(b"foo.bar.Example.com", b"example.COM"));
        assert!(!dns_within(b"notexample.com", b"example.com"));
        assert!(!dns_within(b"com", b"example.com"));
        assert!(dns_within(b"anything", b""));
    }

    #[test]
    fn wildcards_against_constraints() {
        let wild = ConstrainedName::General(GeneralName::DnsName(b"*.example.com"));
        let bar = GeneralName::DnsName(b"bar.example.com");
        let foo_com = GeneralName::DnsName(b"example.com");
        // Excluding bar.example.com excludes *.example.com (CVE-2025-61727).
        assert!(matches(&wild, &bar, Role::Excluded, 1).unwrap());
        // Permitting only foo.example.com does not permit *.example.com.
        assert!(!matches(
            &wild,
            &GeneralName::DnsName(b"foo.example.com"),
            Role::Permitted,
            1
        )
        .unwrap());
        assert!(matches(&wild, &foo_com, Role::Permitted, 1).unwrap());
        let deep = GeneralName::DnsName(b"a.b.example.com");
        assert!(!matches(&wild, &deep, Role::Excluded, 1).unwrap());
    }

    #[test]
    fn ip_and_email() {
        assert!(is_cidr(&[192, 0, 2, 0, 255, 255, 255, 0]));
        assert!(!is_cidr(&[192, 0, 2, 0, 255, 0, 255, 0]));
        assert!(!is_cidr(&[192, 0, 2, 1, 255, 255, 255, 0]));
        assert!(!is_cidr(&[192, 0, 2, 0]));
        let ip = ConstrainedName::General(GeneralName::IpAddress(&[192, 0, 2, 7]));
        assert!(matches(
            &ip,
            &GeneralName::IpAddress(&[192, 0, 2, 0, 255, 255, 255, 0]),
            Role::Permitted,
            1
        )
        .unwrap());
        assert!(!matches(
            &ip,
            &GeneralName::IpAddress(&[192, 0, 3, 0, 255, 255, 255, 0]),
            Role::Permitted,
            1
        )
        .unwrap());
        assert!(email_within(b"*", b"example.com", b"*@example.com"));
        assert!(!email_within(b"user", b"example.com", b"*@example.com"));
        assert!(email_within(b"foo", b"example.com", b"example.com"));
        assert!(email_within(b"foo", b"a.example.com", b".example.com"));
        assert!(!email_within(b"foo", b"example.com", b".example.com"));
        assert!(!is_valid_email_constraint(b"invalid@invalid@example.com"));
    }
}
