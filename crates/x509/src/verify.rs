//! Path building and validation (RFC 5280 §6 with the choices of a TLS client).
//!
//! Depth-first search from the end-entity certificate: at each step the trust anchors
//! named as the certificate's issuer are tried first, then the offered intermediates
//! (in any order, duplicates and unneeded ones ignored). A candidate issuer is checked
//! (profile, validity, basicConstraints and pathLen, keyUsage, extKeyUsage, depth), the
//! signature is verified through the provider, its name constraints are applied to
//! every certificate below it, and when an anchor is reached the whole path is checked
//! for policy constraints and revocation. A failed candidate is abandoned and the next
//! one tried, so cross-signed alternatives are found. Work is bounded by budgets of
//! signature checks, candidates and name-constraint comparisons.

use crate::algorithm::{check_public_key, SignatureAlgorithm};
use crate::anchors::RootStore;
use crate::cert::Certificate;
use crate::crl::{check_certificate, CrlSigner, OwnedCrl, RevocationPolicy, RevocationSubject};
use crate::der::DerError;
use crate::error::{CertError, Purpose};
use crate::extensions::NameConstraints;
use crate::name::GeneralName;
use crate::name_constraints::{self, DEFAULT_NAME_CONSTRAINT_BUDGET};
use crate::profile::{self, LeafRules, Role};
use crate::server_name::{dns_name_matches, ip_octets, ip_text, ServerName};
use crate::time::UnixTime;
use std::sync::Arc;
use tlskit_crypto::{CryptoError, CryptoProvider, KeyType, SubjectPublicKeyInfo};

/// The most certificates a path may hold, whatever the options say (self-issued
/// intermediates do not count towards `max_intermediates`, so this bounds them).
pub const HARD_MAX_PATH_LEN: usize = 16;

/// Validation options.
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    /// CRLs to check against (RFC 5280 §6.3).
    pub crls: Arc<Vec<OwnedCrl>>,
    /// What to do for certificates no CRL covers.
    pub revocation: RevocationPolicy,
    /// The most intermediates (not counting self-issued ones) between the leaf and the
    /// trust anchor.
    pub max_intermediates: usize,
    /// The most signatures one validation may verify (certificates and CRLs).
    pub signature_budget: usize,
    /// The most candidate issuers one validation may consider.
    pub candidate_budget: usize,
    /// The most name-versus-constraint comparisons one validation may make.
    pub name_constraint_budget: usize,
    /// Check a trust anchor's certificate like a CA certificate (validity,
    /// basicConstraints, keyUsage, key identifiers, key strength). Some old roots in
    /// system stores fail these checks; turn this off to trust them anyway.
    pub check_anchor_certificates: bool,
    /// keyUsage bits ([`crate::KeyUsage`] constants) a leaf's keyUsage extension must
    /// include when present. Default digitalSignature: every TLS 1.3 and ECDHE key
    /// exchange signs with the certificate key. 0 requires nothing.
    pub leaf_key_usage: u16,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            crls: Arc::new(Vec::new()),
            revocation: RevocationPolicy::IfPresent,
            max_intermediates: 8,
            signature_budget: 100,
            candidate_budget: 1000,
            name_constraint_budget: DEFAULT_NAME_CONSTRAINT_BUDGET,
            check_anchor_certificates: true,
            leaf_key_usage: crate::extensions::KeyUsage::DIGITAL_SIGNATURE,
        }
    }
}

/// Where a certificate of the verified path came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathElement {
    /// The end-entity certificate.
    EndEntity,
    /// The offered intermediate with this index.
    Intermediate(usize),
    /// The trust anchor with this index in the [`RootStore`].
    Anchor(usize),
}

/// A successfully validated path and what the handshake needs from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedPath {
    elements: Vec<PathElement>,
    end_entity: EndEntityKey,
}

impl VerifiedPath {
    /// The path from the end-entity certificate to the trust anchor.
    pub fn elements(&self) -> &[PathElement] {
        &self.elements
    }

    /// The indices of the offered intermediates used, leaf's issuer first.
    pub fn intermediates_used(&self) -> Vec<usize> {
        self.elements
            .iter()
            .filter_map(|e| match e {
                PathElement::Intermediate(i) => Some(*i),
                _ => None,
            })
            .collect()
    }

    /// The index of the trust anchor in the root store.
    pub fn anchor(&self) -> Option<usize> {
        self.elements.iter().find_map(|e| match e {
            PathElement::Anchor(i) => Some(*i),
            _ => None,
        })
    }

    /// The end-entity certificate's public key.
    pub fn end_entity_key(&self) -> &EndEntityKey {
        &self.end_entity
    }
}

/// The end-entity's SubjectPublicKeyInfo and key type, for verifying its
/// CertificateVerify / ServerKeyExchange signatures through the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndEntityKey {
    /// The DER SubjectPublicKeyInfo (what `CryptoProvider::verify` takes).
    pub spki: Vec<u8>,
    /// The key type.
    pub key_type: KeyType,
}

/// Extracts the end-entity key of a DER certificate without validating anything else
/// (except that the key passes the key policy).
pub fn end_entity_key(end_entity: &[u8]) -> Result<EndEntityKey, CertError> {
    let cert = Certificate::from_der(end_entity).map_err(|e| CertError::from_der(0, e))?;
    let info = check_public_key(cert.spki).map_err(|_| CertError::UnacceptableKey {
        index: 0,
        reason: "unsupported, malformed or weak key".into(),
    })?;
    Ok(EndEntityKey {
        spki: cert.spki.to_vec(),
        key_type: info.key_type,
    })
}

/// Checks every certificate-backed anchor of `roots` the way validation checks a trust
/// anchor's certificate when [`VerifyOptions::check_anchor_certificates`] is on, and
/// returns those that would be refused, with why (old roots in system stores may lack a
/// subjectKeyIdentifier or a critical basicConstraints).
pub fn audit_anchors(
    roots: &RootStore,
    purpose: Purpose,
    now: UnixTime,
) -> Vec<(usize, CertError)> {
    let rules = LeafRules {
        purpose,
        leaf_key_usage: 0,
    };
    roots
        .anchors()
        .iter()
        .enumerate()
        .filter_map(|(i, anchor)| {
            let der = anchor.certificate()?;
            let result = Certificate::from_der(der)
                .map_err(|e| CertError::from_der(0, e))
                .and_then(|cert| {
                    profile::check(&cert, 0, Role::Anchor, rules)?;
                    profile::check_validity(&cert, 0, now)
                });
            result.err().map(|e| (i, e))
        })
        .collect()
}

/// Validates `end_entity` for `purpose` at `now`: builds a path through
/// `intermediates` to an anchor in `roots` and checks it; with `server_name`, also
/// checks the leaf is valid for that name (RFC 6125 §6, no Common Name fallback).
#[allow(clippy::too_many_arguments)]
pub fn verify_chain(
    provider: &dyn CryptoProvider,
    roots: &RootStore,
    end_entity: &[u8],
    intermediates: &[&[u8]],
    now: UnixTime,
    purpose: Purpose,
    server_name: Option<&ServerName>,
    options: &VerifyOptions,
) -> Result<VerifiedPath, CertError> {
    let leaf = Certificate::from_der(end_entity).map_err(|e| CertError::from_der(0, e))?;
    let rules = LeafRules {
        purpose,
        leaf_key_usage: options.leaf_key_usage,
    };
    profile::check(&leaf, 0, Role::EndEntity, rules)?;
    profile::check_validity(&leaf, 0, now)?;
    let key_type = check_public_key(leaf.spki)
        .map_err(|_| CertError::UnacceptableKey {
            index: 0,
            reason: "unsupported, malformed or weak key".into(),
        })?
        .key_type;

    let parsed: Vec<Result<Certificate<'_>, DerError>> = intermediates
        .iter()
        .map(|der| Certificate::from_der(der))
        .collect();
    let malformed = parsed
        .iter()
        .zip(intermediates)
        .filter_map(|(p, der)| match p {
            Err(e) => crate::cert::peek_subject(der).map(|subject| (subject, *e)),
            Ok(_) => None,
        })
        .collect();
    let mut builder = Builder {
        provider,
        roots,
        intermediates: parsed.into_iter().map(Result::ok).collect(),
        malformed,
        now,
        rules,
        options,
        signatures_left: options.signature_budget,
        candidates_left: options.candidate_budget,
        name_constraints_left: options.name_constraint_budget,
    };
    let mut path = vec![PathCert {
        source: PathElement::EndEntity,
        cert: Some(leaf),
        subject: leaf.subject.der(),
        spki: leaf.spki,
        name_constraints: None,
    }];
    builder.find_issuer(&mut path)?;
    if let Some(name) = server_name {
        check_name(&leaf, name)?;
    }
    Ok(VerifiedPath {
        elements: path.iter().map(|p| p.source).collect(),
        end_entity: EndEntityKey {
            spki: leaf.spki.to_vec(),
            key_type,
        },
    })
}

/// RFC 6125 §6.4 / RFC 9525 §6.3: the leaf's dNSName SANs against a DNS reference
/// (case-insensitive, wildcard as the whole left-most label), its iPAddress SANs
/// against an IP reference. The subject Common Name is never consulted.
pub fn check_name(leaf: &Certificate<'_>, name: &ServerName) -> Result<(), CertError> {
    let sans: Vec<GeneralName<'_>> = leaf
        .extensions
        .subject_alt_name
        .map(|san| san.value.iter().collect())
        .unwrap_or_default();
    let matched = sans.iter().any(|san| match (san, name) {
        (GeneralName::DnsName(pattern), ServerName::Dns(reference)) => {
            crate::server_name::is_valid_presented_dns_id(pattern)
                && dns_name_matches(pattern, reference.as_str().as_bytes())
        }
        (GeneralName::IpAddress(bytes), ServerName::Ip(ip)) => *bytes == ip_octets(ip).as_slice(),
        _ => false,
    });
    if matched {
        return Ok(());
    }
    Err(CertError::NameMismatch {
        expected: name.to_string(),
        presented: sans
            .iter()
            .filter_map(|san| match san {
                GeneralName::DnsName(d) => Some(String::from_utf8_lossy(d).into_owned()),
                GeneralName::IpAddress(ip) => ip_text(ip),
                _ => None,
            })
            .collect(),
    })
}

/// One certificate (or bare anchor) of the path under construction.
#[derive(Clone, Copy, Debug)]
struct PathCert<'a> {
    source: PathElement,
    /// `None` only for a trust anchor without a certificate.
    cert: Option<Certificate<'a>>,
    subject: &'a [u8],
    spki: &'a [u8],
    name_constraints: Option<NameConstraints<'a>>,
}

struct Builder<'a, 'o> {
    provider: &'o dyn CryptoProvider,
    roots: &'a RootStore,
    intermediates: Vec<Option<Certificate<'a>>>,
    /// Offered intermediates that did not parse: (subject, why), for error messages.
    malformed: Vec<(&'a [u8], DerError)>,
    now: UnixTime,
    rules: LeafRules,
    options: &'o VerifyOptions,
    signatures_left: usize,
    candidates_left: usize,
    name_constraints_left: usize,
}

/// Keeps the more informative of two failures.
fn better(current: Option<CertError>, new: CertError) -> Option<CertError> {
    match current {
        Some(cur) if cur.rank() >= new.rank() => Some(cur),
        _ => Some(new),
    }
}

impl<'a> Builder<'a, '_> {
    /// Extends `path` (whose last element is a certificate) to a trust anchor. On
    /// success `path` ends with the anchor; on failure it is as it was.
    fn find_issuer(&mut self, path: &mut Vec<PathCert<'a>>) -> Result<(), CertError> {
        let index = path.len() - 1;
        let Some(child) = path.last().and_then(|p| p.cert) else {
            return Err(CertError::UnknownIssuer { index });
        };
        let issuer_name = child.issuer.der();
        let mut candidates: Vec<PathCert<'a>> = self
            .roots
            .by_subject(issuer_name)
            .filter_map(|(i, _)| self.anchor(i))
            .collect();
        candidates.extend(
            self.intermediates
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.map(|c| (i, c)))
                .filter(|(_, c)| c.subject.der() == issuer_name)
                .map(|(i, c)| PathCert {
                    source: PathElement::Intermediate(i),
                    cert: Some(c),
                    subject: c.subject.der(),
                    spki: c.spki,
                    name_constraints: c.extensions.name_constraints.map(|nc| nc.value),
                }),
        );
        let mut best = self
            .malformed
            .iter()
            .find(|(subject, _)| *subject == issuer_name)
            .map(|(_, e)| CertError::from_der(index + 1, *e));
        for candidate in candidates {
            self.candidates_left = self
                .candidates_left
                .checked_sub(1)
                .ok_or(CertError::BudgetExceeded { what: "candidate" })?;
            match self.try_candidate(path, candidate) {
                Ok(()) => return Ok(()),
                Err(e @ CertError::BudgetExceeded { .. }) => return Err(e),
                Err(e) => best = better(best, e),
            }
        }
        Err(best.unwrap_or(CertError::UnknownIssuer { index }))
    }

    fn anchor(&self, i: usize) -> Option<PathCert<'a>> {
        let anchor = self.roots.anchors().get(i)?;
        match anchor.certificate() {
            Some(der) => {
                let cert = Certificate::from_der(der).ok()?;
                Some(PathCert {
                    source: PathElement::Anchor(i),
                    cert: Some(cert),
                    subject: cert.subject.der(),
                    spki: cert.spki,
                    name_constraints: cert.extensions.name_constraints.map(|nc| nc.value),
                })
            }
            None => Some(PathCert {
                source: PathElement::Anchor(i),
                cert: None,
                subject: anchor.subject(),
                spki: anchor.spki(),
                name_constraints: match anchor.name_constraints() {
                    Some(nc) => Some(NameConstraints::parse_value(nc).ok()?),
                    None => None,
                },
            }),
        }
    }

    /// Non-self-issued intermediates already on the path (RFC 5280 §6.1.4 (l)).
    fn counted_intermediates(path: &[PathCert<'a>]) -> usize {
        path.iter()
            .skip(1)
            .filter(|p| p.cert.is_some_and(|c| !c.is_self_issued()))
            .count()
    }

    fn try_candidate(
        &mut self,
        path: &mut Vec<PathCert<'a>>,
        candidate: PathCert<'a>,
    ) -> Result<(), CertError> {
        let index = path.len();
        let child_index = index - 1;
        let Some(child) = path.last().and_then(|p| p.cert) else {
            return Err(CertError::UnknownIssuer { index: child_index });
        };
        let is_anchor = matches!(candidate.source, PathElement::Anchor(_));
        // The end-entity certificate itself is trusted (a self-signed server certificate
        // pinned as an anchor): the path is the leaf and its own signature.
        if is_anchor && child_index == 0 && candidate.cert.map(|c| c.der()) == Some(child.der()) {
            self.verify_signature(
                candidate.spki,
                child.signature_algorithm,
                child.tbs(),
                child.signature,
                child_index,
            )?;
            path.push(candidate);
            let result = self.check_complete_path(path);
            if result.is_err() {
                path.pop();
            }
            return result;
        }
        // A CA (same name and key) already on the path would make a loop.
        if path
            .iter()
            .any(|p| p.subject == candidate.subject && p.spki == candidate.spki)
        {
            return Err(CertError::UnknownIssuer { index: child_index });
        }
        // The child's authorityKeyIdentifier names the key that signed it.
        let child_aki = child
            .extensions
            .authority_key_id
            .and_then(|a| a.value.key_id);
        let candidate_ski = candidate
            .cert
            .and_then(|c| c.extensions.subject_key_id.map(|s| s.value));
        if let (Some(aki), Some(ski)) = (child_aki, candidate_ski) {
            if aki != ski {
                return Err(CertError::UnknownIssuer { index: child_index });
            }
        }
        let below = Self::counted_intermediates(path);
        if !is_anchor {
            let counts = candidate.cert.is_some_and(|c| !c.is_self_issued());
            if below + usize::from(counts) > self.options.max_intermediates
                || path.len() + 1 >= HARD_MAX_PATH_LEN
            {
                return Err(CertError::MaxDepthExceeded {
                    index,
                    max: self.options.max_intermediates,
                });
            }
        }
        if let Some(cert) = candidate.cert {
            if !is_anchor || self.options.check_anchor_certificates {
                let role = if is_anchor {
                    Role::Anchor
                } else {
                    Role::Intermediate
                };
                profile::check(&cert, index, role, self.rules)?;
                profile::check_validity(&cert, index, self.now)?;
                // RFC 5280 §6.1.4 (l)–(m): intermediates below this CA.
                if let Some(path_len) = cert
                    .extensions
                    .basic_constraints
                    .and_then(|bc| bc.value.path_len)
                {
                    if u64::try_from(below).unwrap_or(u64::MAX) > path_len {
                        return Err(CertError::PathLenExceeded { index, path_len });
                    }
                }
            }
        }
        if !is_anchor || self.options.check_anchor_certificates {
            check_public_key(candidate.spki).map_err(|_| CertError::UnacceptableKey {
                index,
                reason: "unsupported, malformed or weak key".into(),
            })?;
        }
        self.verify_signature(
            candidate.spki,
            child.signature_algorithm,
            child.tbs(),
            child.signature,
            child_index,
        )?;
        if let Some(nc) = candidate.name_constraints {
            name_constraints::validate_constraints(&nc, index)?;
            for (i, below) in path.iter().enumerate() {
                if let Some(cert) = below.cert {
                    // §6.1.3 (b)–(c): self-issued intermediates are exempt, the leaf is not.
                    if i == 0 || !cert.is_self_issued() {
                        name_constraints::check(
                            &nc,
                            index,
                            &cert,
                            i,
                            &mut self.name_constraints_left,
                        )?;
                    }
                }
            }
        }
        path.push(candidate);
        let result = if is_anchor {
            self.check_complete_path(path)
        } else {
            self.find_issuer(path)
        };
        if result.is_err() {
            path.pop();
        }
        result
    }

    fn verify_signature(
        &mut self,
        spki: &[u8],
        algorithm: &[u8],
        message: &[u8],
        signature: &[u8],
        index: usize,
    ) -> Result<(), CertError> {
        self.signatures_left =
            self.signatures_left
                .checked_sub(1)
                .ok_or(CertError::BudgetExceeded {
                    what: "signature check",
                })?;
        verify_signed(self.provider, spki, algorithm, message, signature, index)
    }

    /// Checks that need the whole path: policy constraints and revocation.
    fn check_complete_path(&mut self, path: &[PathCert<'a>]) -> Result<(), CertError> {
        check_explicit_policy(path)?;
        if self.options.revocation == RevocationPolicy::Off {
            return Ok(());
        }
        let crls = Arc::clone(&self.options.crls);
        for (i, pair) in path.windows(2).enumerate() {
            let [subject, issuer] = pair else { continue };
            let Some(cert) = subject.cert else { continue };
            let issuer_ext = issuer.cert.map(|c| c.extensions);
            let revocation_subject = RevocationSubject {
                index: i,
                issuer_name: cert.issuer.der(),
                serial: cert.serial,
                is_ca: cert.is_ca(),
                distribution_points: cert
                    .extensions
                    .crl_distribution_points
                    .map(|dps| {
                        dps.value
                            .iter()
                            .filter_map(|dp| dp.full_name)
                            .flat_map(|names| names.raw_iter())
                            .collect()
                    })
                    .unwrap_or_default(),
            };
            let signer = CrlSigner {
                spki: issuer.spki,
                subject_key_id: issuer_ext.and_then(|e| e.subject_key_id.map(|s| s.value)),
                key_usage: issuer_ext.and_then(|e| e.key_usage.map(|k| k.value)),
            };
            let provider = self.provider;
            let signatures_left = &mut self.signatures_left;
            let mut verify = |spki: &[u8], alg: &[u8], msg: &[u8], sig: &[u8]| {
                *signatures_left =
                    signatures_left
                        .checked_sub(1)
                        .ok_or(CertError::BudgetExceeded {
                            what: "signature check",
                        })?;
                verify_signed(provider, spki, alg, msg, sig, i)
            };
            check_certificate(
                &revocation_subject,
                &signer,
                &crls,
                self.options.revocation,
                self.now,
                &mut verify,
            )?;
        }
        Ok(())
    }
}

/// Verifies `signature` over `message` by the key in `spki` with the algorithm named by
/// the AlgorithmIdentifier `algorithm`.
pub(crate) fn verify_signed(
    provider: &dyn CryptoProvider,
    spki: &[u8],
    algorithm: &[u8],
    message: &[u8],
    signature: &[u8],
    index: usize,
) -> Result<(), CertError> {
    let unsupported = CertError::UnsupportedSignatureAlgorithm { index };
    let alg = SignatureAlgorithm::from_der(algorithm).map_err(|_| unsupported.clone())?;
    let key = SubjectPublicKeyInfo::from_der(spki).map_err(|_| unsupported.clone())?;
    let verify_alg = alg.for_key(&key).map_err(|_| unsupported.clone())?;
    provider
        .verify(verify_alg, spki, message, signature)
        .map_err(|e| match e {
            CryptoError::Unsupported(_) => unsupported,
            _ => CertError::BadSignature { index },
        })
}

/// RFC 5280 §6.1.3–§6.1.5 explicit_policy, tracked exactly; when a policy becomes
/// required, every certificate must carry certificatePolicies. (Policy *sets* are not
/// intersected: tlskit runs with user-initial-policy-set = any-policy and does not
/// process mappings, so this is an approximation of the valid_policy_tree check.)
fn check_explicit_policy(path: &[PathCert<'_>]) -> Result<(), CertError> {
    // Certificates 1..=n from the anchor side, the leaf last.
    let certs: Vec<(usize, Certificate<'_>)> = path
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p.source {
            PathElement::Anchor(_) => None,
            _ => p.cert.map(|c| (i, c)),
        })
        .rev()
        .collect();
    let n = certs.len();
    let mut explicit_policy = n as u64 + 1;
    for (pos, (_, cert)) in certs.iter().enumerate() {
        let require = cert
            .extensions
            .policy_constraints
            .and_then(|pc| pc.value.require_explicit_policy);
        if pos + 1 < n {
            if !cert.is_self_issued() && explicit_policy != 0 {
                explicit_policy -= 1;
            }
            if let Some(r) = require {
                explicit_policy = explicit_policy.min(r);
            }
        } else {
            explicit_policy = explicit_policy.saturating_sub(1);
            if require == Some(0) {
                explicit_policy = 0;
            }
        }
    }
    if explicit_policy == 0 {
        if let Some((index, _)) = certs
            .iter()
            .find(|(_, c)| c.extensions.certificate_policies.is_none())
        {
            return Err(CertError::Profile {
                index: *index,
                rule: "an explicit policy is required but certificatePolicies is absent (RFC 5280 §6.1.5)",
            });
        }
    }
    Ok(())
}
