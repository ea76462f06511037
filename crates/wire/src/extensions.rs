//! Hello and handshake extensions (RFC 8446 §4.2, RFC 5246 §7.4.1.4, RFC 6066, RFC 7301,
//! RFC 7627, RFC 5077, RFC 5746, RFC 8422, RFC 8449). A block is validated once when it
//! is decoded (lengths, bodies, duplicates, which message may carry which extension) and
//! then read lazily; unknown extension types are kept as raw bytes.

use crate::codec::{Codec, LenPrefix, Reader, Writer};
use crate::enums::{
    CertificateStatusType, EcPointFormat, ExtensionType, NamedGroup, ProtocolVersion,
    PskKeyExchangeMode, ServerNameType, SignatureScheme,
};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::list::{DistinguishedName, List, ProtocolName, PskBinder};
use crate::AlertDescription;

/// The message an extension block belongs to: it decides the body's form and which
/// extensions are allowed (RFC 8446 §4.2's table; TLS 1.2 ServerHello extensions are
/// allowed in [`ExtensionContext::ServerHello`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExtensionContext {
    /// ClientHello (CH)
    ClientHello,
    /// ServerHello (SH), TLS 1.2 or 1.3
    ServerHello,
    /// HelloRetryRequest (HRR)
    HelloRetryRequest,
    /// EncryptedExtensions (EE)
    EncryptedExtensions,
    /// CertificateEntry of a TLS 1.3 Certificate (CT)
    Certificate,
    /// TLS 1.3 CertificateRequest (CR)
    CertificateRequest,
    /// TLS 1.3 NewSessionTicket (NST)
    NewSessionTicket,
}

/// ServerName (RFC 6066 §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerName<'a> {
    /// name_type
    pub name_type: ServerNameType,
    /// host_name (ASCII DNS name, no trailing dot) or the opaque name of another type
    pub name: &'a [u8],
}

impl<'a> Codec<'a> for ServerName<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        let name_type = ServerNameType::read(r)?;
        let name = r.vec(LenPrefix::U16, 1, 0xffff, "ServerName.host_name")?;
        Ok(ServerName { name_type, name })
    }
    fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        self.name_type.write(w)?;
        w.vec(LenPrefix::U16, self.name, "ServerName.host_name")
    }
}

/// KeyShareEntry (RFC 8446 §4.2.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyShareEntry<'a> {
    /// group
    pub group: NamedGroup,
    /// key_exchange (`opaque<1..2^16-1>`)
    pub key_exchange: &'a [u8],
}

impl<'a> Codec<'a> for KeyShareEntry<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        let group = NamedGroup::read(r)?;
        let key_exchange = r.vec(LenPrefix::U16, 1, 0xffff, "KeyShareEntry.key_exchange")?;
        Ok(KeyShareEntry {
            group,
            key_exchange,
        })
    }
    fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        self.group.write(w)?;
        if self.key_exchange.is_empty() {
            return Err(EncodeError::too_long("KeyShareEntry.key_exchange"));
        }
        w.vec(
            LenPrefix::U16,
            self.key_exchange,
            "KeyShareEntry.key_exchange",
        )
    }
}

/// PskIdentity (RFC 8446 §4.2.11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PskIdentity<'a> {
    /// identity (`opaque<1..2^16-1>`)
    pub identity: &'a [u8],
    /// obfuscated_ticket_age
    pub obfuscated_ticket_age: u32,
}

impl<'a> Codec<'a> for PskIdentity<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        let identity = r.vec(LenPrefix::U16, 1, 0xffff, "PskIdentity.identity")?;
        let obfuscated_ticket_age = r.u32()?;
        Ok(PskIdentity {
            identity,
            obfuscated_ticket_age,
        })
    }
    fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        if self.identity.is_empty() {
            return Err(EncodeError::too_long("PskIdentity.identity"));
        }
        w.vec(LenPrefix::U16, self.identity, "PskIdentity.identity")?;
        w.u32(self.obfuscated_ticket_age);
        Ok(())
    }
}

/// OfferedPsks (RFC 8446 §4.2.11): the ClientHello form of pre_shared_key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OfferedPsks<'a> {
    /// identities (`PskIdentity identities<7..2^16-1>`)
    pub identities: List<'a, PskIdentity<'a>>,
    /// binders (`PskBinderEntry binders<33..2^16-1>`)
    pub binders: List<'a, PskBinder<'a>>,
}

impl OfferedPsks<'_> {
    /// Length of the encoded binders field (its two-byte length included): the tail of
    /// the ClientHello that binder computation leaves out (RFC 8446 §4.2.11.2).
    pub fn binders_field_len(&self) -> usize {
        2 + self.binders.iter().map(|b| 1 + b.0.len()).sum::<usize>()
    }
}

/// CertificateStatusRequest (RFC 6066 §8): the ClientHello / CertificateRequest form of
/// status_request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificateStatusRequest<'a> {
    /// ocsp: OCSPStatusRequest
    Ocsp {
        /// responder_id_list (`ResponderID responder_id_list<0..2^16-1>`, each DER)
        responder_id_list: List<'a, ResponderId<'a>>,
        /// request_extensions (`opaque Extensions<0..2^16-1>`, DER)
        request_extensions: &'a [u8],
    },
    /// Another status type, kept raw.
    Other {
        /// status_type
        status_type: CertificateStatusType,
        /// the rest of the body
        body: &'a [u8],
    },
}

/// ResponderID (RFC 6066 §8): `opaque ResponderID<1..2^16-1>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponderId<'a>(pub &'a [u8]);

impl<'a> Codec<'a> for ResponderId<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        Ok(ResponderId(r.vec(
            LenPrefix::U16,
            1,
            0xffff,
            "ResponderID",
        )?))
    }
    fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.vec(LenPrefix::U16, self.0, "ResponderID")
    }
}

/// One extension, in the form its message gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extension<'a> {
    /// server_name in ClientHello: `ServerName server_name_list<1..2^16-1>` (RFC 6066 §3).
    ServerName(List<'a, ServerName<'a>>),
    /// server_name in ServerHello / EncryptedExtensions: empty acknowledgement.
    ServerNameAck,
    /// supported_groups: `NamedGroup named_group_list<2..2^16-1>` (RFC 8446 §4.2.7).
    SupportedGroups(List<'a, NamedGroup>),
    /// ec_point_formats: `ECPointFormat ec_point_format_list<1..2^8-1>` (RFC 8422 §5.1.2).
    EcPointFormats(List<'a, EcPointFormat>),
    /// signature_algorithms: `SignatureScheme supported_signature_algorithms<2..2^16-2>`.
    SignatureAlgorithms(List<'a, SignatureScheme>),
    /// signature_algorithms_cert (RFC 8446 §4.2.3).
    SignatureAlgorithmsCert(List<'a, SignatureScheme>),
    /// application_layer_protocol_negotiation: `ProtocolName protocol_name_list<2..2^16-1>`
    /// (RFC 7301 §3.1); exactly one name in ServerHello / EncryptedExtensions.
    Alpn(List<'a, ProtocolName<'a>>),
    /// status_request in ClientHello / CertificateRequest (RFC 6066 §8).
    StatusRequest(CertificateStatusRequest<'a>),
    /// status_request in a TLS 1.2 ServerHello: empty acknowledgement.
    StatusRequestAck,
    /// status_request in a TLS 1.3 CertificateEntry: CertificateStatus with an OCSP
    /// response (RFC 8446 §4.4.2.1).
    CertificateStatus(&'a [u8]),
    /// extended_master_secret: empty (RFC 7627 §5.1).
    ExtendedMasterSecret,
    /// session_ticket: a ticket (ClientHello) or empty (RFC 5077 §3.2).
    SessionTicket(&'a [u8]),
    /// renegotiation_info: `opaque renegotiated_connection<0..255>` (RFC 5746 §3.2).
    RenegotiationInfo(&'a [u8]),
    /// supported_versions in ClientHello: `ProtocolVersion versions<2..254>`.
    SupportedVersions(List<'a, ProtocolVersion>),
    /// supported_versions in ServerHello / HelloRetryRequest: `selected_version`.
    SelectedVersion(ProtocolVersion),
    /// key_share in ClientHello: `KeyShareEntry client_shares<0..2^16-1>` (RFC 8446 §4.2.8).
    KeyShareClient(List<'a, KeyShareEntry<'a>>),
    /// key_share in ServerHello: `server_share`.
    KeyShareServer(KeyShareEntry<'a>),
    /// key_share in HelloRetryRequest: `selected_group`.
    KeyShareHelloRetryRequest(NamedGroup),
    /// psk_key_exchange_modes: `PskKeyExchangeMode ke_modes<1..255>` (RFC 8446 §4.2.9).
    PskKeyExchangeModes(List<'a, PskKeyExchangeMode>),
    /// pre_shared_key in ClientHello: OfferedPsks (must be the last extension).
    PreSharedKey(OfferedPsks<'a>),
    /// pre_shared_key in ServerHello: `selected_identity`.
    SelectedPsk(u16),
    /// early_data in ClientHello / EncryptedExtensions: empty (RFC 8446 §4.2.10).
    EarlyData,
    /// early_data in NewSessionTicket: `max_early_data_size`.
    EarlyDataMax(u32),
    /// cookie: `opaque cookie<1..2^16-1>` (RFC 8446 §4.2.2).
    Cookie(&'a [u8]),
    /// record_size_limit: `uint16 RecordSizeLimit`, at least 64 (RFC 8449 §4).
    RecordSizeLimit(u16),
    /// certificate_authorities: `DistinguishedName authorities<3..2^16-1>` (RFC 8446 §4.2.4).
    CertificateAuthorities(List<'a, DistinguishedName<'a>>),
    /// post_handshake_auth: empty (RFC 8446 §4.2.6).
    PostHandshakeAuth,
    /// Any extension this crate does not parse (or a GREASE one), kept raw.
    Unknown {
        /// extension_type
        typ: ExtensionType,
        /// extension_data
        data: &'a [u8],
    },
}

use ExtensionContext as Ctx;

/// Whether a recognised extension may appear in a message (RFC 8446 §4.2 table; the
/// TLS 1.2 ServerHello extensions are folded into ServerHello).
fn allowed(typ: ExtensionType, ctx: Ctx) -> bool {
    use Ctx::*;
    let ok: &[Ctx] = match typ {
        ExtensionType::SERVER_NAME => &[ClientHello, ServerHello, EncryptedExtensions],
        ExtensionType::STATUS_REQUEST => {
            &[ClientHello, ServerHello, CertificateRequest, Certificate]
        }
        ExtensionType::SUPPORTED_GROUPS => &[ClientHello, EncryptedExtensions],
        ExtensionType::EC_POINT_FORMATS => &[ClientHello, ServerHello],
        ExtensionType::SIGNATURE_ALGORITHMS => &[ClientHello, CertificateRequest],
        ExtensionType::SIGNATURE_ALGORITHMS_CERT => &[ClientHello, CertificateRequest],
        ExtensionType::ALPN => &[ClientHello, ServerHello, EncryptedExtensions],
        ExtensionType::EXTENDED_MASTER_SECRET => &[ClientHello, ServerHello],
        ExtensionType::SESSION_TICKET => &[ClientHello, ServerHello],
        ExtensionType::RENEGOTIATION_INFO => &[ClientHello, ServerHello],
        ExtensionType::SUPPORTED_VERSIONS => &[ClientHello, ServerHello, HelloRetryRequest],
        ExtensionType::KEY_SHARE => &[ClientHello, ServerHello, HelloRetryRequest],
        ExtensionType::PSK_KEY_EXCHANGE_MODES => &[ClientHello],
        ExtensionType::PRE_SHARED_KEY => &[ClientHello, ServerHello],
        ExtensionType::EARLY_DATA => &[ClientHello, EncryptedExtensions, NewSessionTicket],
        ExtensionType::COOKIE => &[ClientHello, HelloRetryRequest],
        ExtensionType::RECORD_SIZE_LIMIT => &[ClientHello, ServerHello, EncryptedExtensions],
        ExtensionType::CERTIFICATE_AUTHORITIES => &[ClientHello, CertificateRequest],
        ExtensionType::POST_HANDSHAKE_AUTH => &[ClientHello],
        _ => return true,
    };
    ok.contains(&ctx)
}

fn empty_body(r: &Reader<'_>) -> Result<(), DecodeError> {
    r.finish()
}

impl<'a> Extension<'a> {
    /// The extension's type code.
    pub fn typ(&self) -> ExtensionType {
        match self {
            Extension::ServerName(_) | Extension::ServerNameAck => ExtensionType::SERVER_NAME,
            Extension::SupportedGroups(_) => ExtensionType::SUPPORTED_GROUPS,
            Extension::EcPointFormats(_) => ExtensionType::EC_POINT_FORMATS,
            Extension::SignatureAlgorithms(_) => ExtensionType::SIGNATURE_ALGORITHMS,
            Extension::SignatureAlgorithmsCert(_) => ExtensionType::SIGNATURE_ALGORITHMS_CERT,
            Extension::Alpn(_) => ExtensionType::ALPN,
            Extension::StatusRequest(_)
            | Extension::StatusRequestAck
            | Extension::CertificateStatus(_) => ExtensionType::STATUS_REQUEST,
            Extension::ExtendedMasterSecret => ExtensionType::EXTENDED_MASTER_SECRET,
            Extension::SessionTicket(_) => ExtensionType::SESSION_TICKET,
            Extension::RenegotiationInfo(_) => ExtensionType::RENEGOTIATION_INFO,
            Extension::SupportedVersions(_) | Extension::SelectedVersion(_) => {
                ExtensionType::SUPPORTED_VERSIONS
            }
            Extension::KeyShareClient(_)
            | Extension::KeyShareServer(_)
            | Extension::KeyShareHelloRetryRequest(_) => ExtensionType::KEY_SHARE,
            Extension::PskKeyExchangeModes(_) => ExtensionType::PSK_KEY_EXCHANGE_MODES,
            Extension::PreSharedKey(_) | Extension::SelectedPsk(_) => ExtensionType::PRE_SHARED_KEY,
            Extension::EarlyData | Extension::EarlyDataMax(_) => ExtensionType::EARLY_DATA,
            Extension::Cookie(_) => ExtensionType::COOKIE,
            Extension::RecordSizeLimit(_) => ExtensionType::RECORD_SIZE_LIMIT,
            Extension::CertificateAuthorities(_) => ExtensionType::CERTIFICATE_AUTHORITIES,
            Extension::PostHandshakeAuth => ExtensionType::POST_HANDSHAKE_AUTH,
            Extension::Unknown { typ, .. } => *typ,
        }
    }

    /// Decodes one extension's body in its message's context.
    pub fn decode_body(
        typ: ExtensionType,
        data: &'a [u8],
        ctx: ExtensionContext,
    ) -> Result<Self, DecodeError> {
        if !allowed(typ, ctx) {
            return Err(DecodeError::new(
                DecodeErrorKind::ExtensionNotAllowed(typ.0),
                AlertDescription::IllegalParameter,
                "Extension.extension_type",
            ));
        }
        let mut r = Reader::new(data, "Extension.extension_data");
        let ext = match (typ, ctx) {
            (ExtensionType::SERVER_NAME, Ctx::ClientHello) => {
                let list = List::<ServerName<'_>>::read(
                    &mut r,
                    LenPrefix::U16,
                    1,
                    0xffff,
                    "server_name_list",
                )?;
                // RFC 6066 §3: at most one name of each type.
                let mut host_names = list
                    .iter()
                    .filter(|n| n.name_type == ServerNameType::HOST_NAME);
                if host_names.next().is_some() && host_names.next().is_some() {
                    return Err(DecodeError::illegal_parameter("server_name_list"));
                }
                Extension::ServerName(list)
            }
            (ExtensionType::SERVER_NAME, _) => {
                empty_body(&r)?;
                Extension::ServerNameAck
            }
            (ExtensionType::SUPPORTED_GROUPS, _) => Extension::SupportedGroups(List::read(
                &mut r,
                LenPrefix::U16,
                2,
                0xffff,
                "named_group_list",
            )?),
            (ExtensionType::EC_POINT_FORMATS, _) => Extension::EcPointFormats(List::read(
                &mut r,
                LenPrefix::U8,
                1,
                0xff,
                "ec_point_format_list",
            )?),
            (ExtensionType::SIGNATURE_ALGORITHMS, _) => Extension::SignatureAlgorithms(List::read(
                &mut r,
                LenPrefix::U16,
                2,
                0xfffe,
                "supported_signature_algorithms",
            )?),
            (ExtensionType::SIGNATURE_ALGORITHMS_CERT, _) => {
                Extension::SignatureAlgorithmsCert(List::read(
                    &mut r,
                    LenPrefix::U16,
                    2,
                    0xfffe,
                    "supported_signature_algorithms_cert",
                )?)
            }
            (ExtensionType::ALPN, ctx) => {
                let list = List::<ProtocolName<'_>>::read(
                    &mut r,
                    LenPrefix::U16,
                    2,
                    0xffff,
                    "protocol_name_list",
                )?;
                // RFC 7301 §3.1: the server's list holds exactly one name.
                if ctx != Ctx::ClientHello && list.len() != 1 {
                    return Err(DecodeError::illegal_parameter("protocol_name_list"));
                }
                Extension::Alpn(list)
            }
            // RFC 8446 §4.4.2.1: a server asks for the client's OCSP response with an
            // *empty* status_request in CertificateRequest (GnuTLS sends one by default).
            (ExtensionType::STATUS_REQUEST, Ctx::CertificateRequest) if r.is_empty() => {
                Extension::StatusRequestAck
            }
            (ExtensionType::STATUS_REQUEST, Ctx::ClientHello | Ctx::CertificateRequest) => {
                let status_type = CertificateStatusType::read(&mut r)?;
                if status_type == CertificateStatusType::OCSP {
                    let responder_id_list =
                        List::read(&mut r, LenPrefix::U16, 0, 0xffff, "responder_id_list")?;
                    let request_extensions =
                        r.vec(LenPrefix::U16, 0, 0xffff, "request_extensions")?;
                    Extension::StatusRequest(CertificateStatusRequest::Ocsp {
                        responder_id_list,
                        request_extensions,
                    })
                } else {
                    Extension::StatusRequest(CertificateStatusRequest::Other {
                        status_type,
                        body: r.take_rest(),
                    })
                }
            }
            (ExtensionType::STATUS_REQUEST, Ctx::Certificate) => {
                // CertificateStatus (RFC 6066 §8): status_type ocsp, OCSPResponse<1..2^24-1>.
                if CertificateStatusType::read(&mut r)? != CertificateStatusType::OCSP {
                    return Err(DecodeError::illegal_parameter(
                        "CertificateStatus.status_type",
                    ));
                }
                Extension::CertificateStatus(r.vec(LenPrefix::U24, 1, 0xff_ffff, "OCSPResponse")?)
            }
            (ExtensionType::STATUS_REQUEST, _) => {
                empty_body(&r)?;
                Extension::StatusRequestAck
            }
            (ExtensionType::EXTENDED_MASTER_SECRET, _) => {
                empty_body(&r)?;
                Extension::ExtendedMasterSecret
            }
            (ExtensionType::SESSION_TICKET, _) => Extension::SessionTicket(r.take_rest()),
            (ExtensionType::RENEGOTIATION_INFO, _) => Extension::RenegotiationInfo(r.vec(
                LenPrefix::U8,
                0,
                0xff,
                "renegotiated_connection",
            )?),
            (ExtensionType::SUPPORTED_VERSIONS, Ctx::ClientHello) => Extension::SupportedVersions(
                List::read(&mut r, LenPrefix::U8, 2, 254, "supported_versions.versions")?,
            ),
            (ExtensionType::SUPPORTED_VERSIONS, _) => {
                Extension::SelectedVersion(ProtocolVersion::read(&mut r)?)
            }
            (ExtensionType::KEY_SHARE, Ctx::ClientHello) => {
                let list = List::<KeyShareEntry<'_>>::read(
                    &mut r,
                    LenPrefix::U16,
                    0,
                    0xffff,
                    "client_shares",
                )?;
                // RFC 8446 §4.2.8: no two entries for the same group.
                for (i, a) in list.iter().enumerate() {
                    if list.iter().skip(i + 1).any(|b| b.group == a.group) {
                        return Err(DecodeError::illegal_parameter("client_shares"));
                    }
                }
                Extension::KeyShareClient(list)
            }
            (ExtensionType::KEY_SHARE, Ctx::ServerHello) => {
                Extension::KeyShareServer(KeyShareEntry::read(&mut r)?)
            }
            (ExtensionType::KEY_SHARE, _) => {
                Extension::KeyShareHelloRetryRequest(NamedGroup::read(&mut r)?)
            }
            (ExtensionType::PSK_KEY_EXCHANGE_MODES, _) => Extension::PskKeyExchangeModes(
                List::read(&mut r, LenPrefix::U8, 1, 0xff, "ke_modes")?,
            ),
            (ExtensionType::PRE_SHARED_KEY, Ctx::ClientHello) => {
                let identities =
                    List::<PskIdentity<'_>>::read(&mut r, LenPrefix::U16, 7, 0xffff, "identities")?;
                let binders =
                    List::<PskBinder<'_>>::read(&mut r, LenPrefix::U16, 33, 0xffff, "binders")?;
                // RFC 8446 §4.2.11: as many binders as identities, else illegal_parameter.
                if identities.len() != binders.len() {
                    return Err(DecodeError::illegal_parameter("OfferedPsks.binders"));
                }
                Extension::PreSharedKey(OfferedPsks {
                    identities,
                    binders,
                })
            }
            (ExtensionType::PRE_SHARED_KEY, _) => Extension::SelectedPsk(r.u16()?),
            (ExtensionType::EARLY_DATA, Ctx::NewSessionTicket) => Extension::EarlyDataMax(r.u32()?),
            (ExtensionType::EARLY_DATA, _) => {
                empty_body(&r)?;
                Extension::EarlyData
            }
            (ExtensionType::COOKIE, _) => {
                Extension::Cookie(r.vec(LenPrefix::U16, 1, 0xffff, "cookie")?)
            }
            (ExtensionType::RECORD_SIZE_LIMIT, _) => {
                let limit = r.u16()?;
                // RFC 8449 §4: a value below 64 is illegal_parameter.
                if limit < 64 {
                    return Err(DecodeError::illegal_parameter("RecordSizeLimit"));
                }
                Extension::RecordSizeLimit(limit)
            }
            (ExtensionType::CERTIFICATE_AUTHORITIES, _) => Extension::CertificateAuthorities(
                List::read(&mut r, LenPrefix::U16, 3, 0xffff, "authorities")?,
            ),
            (ExtensionType::POST_HANDSHAKE_AUTH, _) => {
                empty_body(&r)?;
                Extension::PostHandshakeAuth
            }
            (typ, _) => Extension::Unknown {
                typ,
                data: r.take_rest(),
            },
        };
        r.finish()?;
        Ok(ext)
    }

    /// Writes type, length and body.
    pub fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.u16(self.typ().0);
        w.nested(LenPrefix::U16, "Extension.extension_data", |w| {
            self.write_body(w)
        })
    }

    fn write_body(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        match self {
            Extension::ServerName(list) => list.write(w, LenPrefix::U16, "server_name_list"),
            Extension::ServerNameAck
            | Extension::StatusRequestAck
            | Extension::ExtendedMasterSecret
            | Extension::EarlyData
            | Extension::PostHandshakeAuth => Ok(()),
            Extension::SupportedGroups(list) => list.write(w, LenPrefix::U16, "named_group_list"),
            Extension::EcPointFormats(list) => list.write(w, LenPrefix::U8, "ec_point_format_list"),
            Extension::SignatureAlgorithms(list) | Extension::SignatureAlgorithmsCert(list) => {
                list.write(w, LenPrefix::U16, "supported_signature_algorithms")
            }
            Extension::Alpn(list) => list.write(w, LenPrefix::U16, "protocol_name_list"),
            Extension::StatusRequest(CertificateStatusRequest::Ocsp {
                responder_id_list,
                request_extensions,
            }) => {
                CertificateStatusType::OCSP.write(w)?;
                responder_id_list.write(w, LenPrefix::U16, "responder_id_list")?;
                w.vec(LenPrefix::U16, request_extensions, "request_extensions")
            }
            Extension::StatusRequest(CertificateStatusRequest::Other { status_type, body }) => {
                status_type.write(w)?;
                w.bytes(body);
                Ok(())
            }
            Extension::CertificateStatus(ocsp) => {
                CertificateStatusType::OCSP.write(w)?;
                w.vec(LenPrefix::U24, ocsp, "OCSPResponse")
            }
            Extension::SessionTicket(t) => {
                w.bytes(t);
                Ok(())
            }
            Extension::RenegotiationInfo(v) => w.vec(LenPrefix::U8, v, "renegotiated_connection"),
            Extension::SupportedVersions(list) => {
                list.write(w, LenPrefix::U8, "supported_versions.versions")
            }
            Extension::SelectedVersion(v) => v.write(w),
            Extension::KeyShareClient(list) => list.write(w, LenPrefix::U16, "client_shares"),
            Extension::KeyShareServer(entry) => entry.write(w),
            Extension::KeyShareHelloRetryRequest(g) => g.write(w),
            Extension::PskKeyExchangeModes(list) => list.write(w, LenPrefix::U8, "ke_modes"),
            Extension::PreSharedKey(psks) => {
                psks.identities.write(w, LenPrefix::U16, "identities")?;
                psks.binders.write(w, LenPrefix::U16, "binders")
            }
            Extension::SelectedPsk(i) => {
                w.u16(*i);
                Ok(())
            }
            Extension::EarlyDataMax(n) => {
                w.u32(*n);
                Ok(())
            }
            Extension::Cookie(c) => w.vec(LenPrefix::U16, c, "cookie"),
            Extension::RecordSizeLimit(n) => {
                w.u16(*n);
                Ok(())
            }
            Extension::CertificateAuthorities(list) => list.write(w, LenPrefix::U16, "authorities"),
            Extension::Unknown { data, .. } => {
                w.bytes(data);
                Ok(())
            }
        }
    }
}

/// An extension block: `Extension extensions<0..2^16-1>` (RFC 8446 §4.2), validated on
/// decode and read lazily, or a slice of extensions to encode.
#[derive(Clone, Copy)]
pub struct Extensions<'a> {
    repr: ExtRepr<'a>,
}

#[derive(Clone, Copy)]
enum ExtRepr<'a> {
    Wire {
        bytes: &'a [u8],
        ctx: ExtensionContext,
    },
    Items(&'a [Extension<'a>]),
}

/// Tracks extension types seen in one block without allocating for ordinary blocks.
struct SeenTypes {
    small: [u16; 48],
    count: usize,
    large: Option<Vec<u64>>,
}

impl SeenTypes {
    fn new() -> Self {
        SeenTypes {
            small: [0; 48],
            count: 0,
            large: None,
        }
    }

    /// Records `t`; returns false if it was already there.
    fn insert(&mut self, t: u16) -> bool {
        if let Some(bits) = &mut self.large {
            return set_bit(bits, t);
        }
        let seen = self.small.get(..self.count).unwrap_or(&[]);
        if seen.contains(&t) {
            return false;
        }
        if let Some(slot) = self.small.get_mut(self.count) {
            *slot = t;
            self.count += 1;
            return true;
        }
        // Pathological block with more than 48 extensions: switch to a bitmap.
        let mut bits = vec![0u64; 1024];
        for &s in &self.small {
            set_bit(&mut bits, s);
        }
        let fresh = set_bit(&mut bits, t);
        self.large = Some(bits);
        fresh
    }
}

fn set_bit(bits: &mut [u64], t: u16) -> bool {
    let (word, bit) = (usize::from(t / 64), t % 64);
    match bits.get_mut(word) {
        Some(w) => {
            let fresh = *w & (1 << bit) == 0;
            *w |= 1 << bit;
            fresh
        }
        None => false,
    }
}

impl<'a> Extensions<'a> {
    /// A block over the caller's extensions (for encoding). Order is kept as given.
    pub const fn new(items: &'a [Extension<'a>]) -> Self {
        Extensions {
            repr: ExtRepr::Items(items),
        }
    }

    /// An empty block.
    pub const fn empty() -> Self {
        Self::new(&[])
    }

    /// Validates the bytes of a block's content (without its length prefix) in context:
    /// every body decodes, no type repeats (`illegal_parameter`), and in a ClientHello
    /// pre_shared_key comes last (`illegal_parameter`, RFC 8446 §4.2.11).
    pub fn parse(bytes: &'a [u8], ctx: ExtensionContext) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes, "extensions");
        let mut seen = SeenTypes::new();
        while !r.is_empty() {
            let typ = ExtensionType(r.u16()?);
            let data = r.vec(LenPrefix::U16, 0, 0xffff, "Extension.extension_data")?;
            if !seen.insert(typ.0) {
                return Err(DecodeError::new(
                    DecodeErrorKind::DuplicateExtension(typ.0),
                    AlertDescription::IllegalParameter,
                    "extensions",
                ));
            }
            Extension::decode_body(typ, data, ctx)?;
            if typ == ExtensionType::PRE_SHARED_KEY && ctx == Ctx::ClientHello && !r.is_empty() {
                return Err(DecodeError::illegal_parameter(
                    "pre_shared_key must be last",
                ));
            }
        }
        Ok(Extensions {
            repr: ExtRepr::Wire { bytes, ctx },
        })
    }

    /// Reads a u16-length-prefixed block whose length is at least `min_bytes`.
    pub fn read(
        r: &mut Reader<'a>,
        ctx: ExtensionContext,
        min_bytes: usize,
    ) -> Result<Self, DecodeError> {
        let bytes = r.vec(LenPrefix::U16, min_bytes, 0xffff, "extensions")?;
        Self::parse(bytes, ctx)
    }

    /// Writes the block with its u16 length.
    pub fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.nested(LenPrefix::U16, "extensions", |w| self.write_items(w))
    }

    fn write_items(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        match self.repr {
            ExtRepr::Wire { bytes, .. } => {
                w.bytes(bytes);
                Ok(())
            }
            ExtRepr::Items(items) => items.iter().try_for_each(|e| e.write(w)),
        }
    }

    /// Iterates the extensions in order.
    pub fn iter(&self) -> ExtensionsIter<'a> {
        match self.repr {
            ExtRepr::Wire { bytes, ctx } => {
                ExtensionsIter::Wire(Reader::new(bytes, "extensions"), ctx)
            }
            ExtRepr::Items(items) => ExtensionsIter::Items(items.iter()),
        }
    }

    /// Number of extensions.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether the block is empty.
    pub fn is_empty(&self) -> bool {
        match self.repr {
            ExtRepr::Wire { bytes, .. } => bytes.is_empty(),
            ExtRepr::Items(items) => items.is_empty(),
        }
    }

    /// The wire bytes of the block content, when decoded.
    pub fn wire_bytes(&self) -> Option<&'a [u8]> {
        match self.repr {
            ExtRepr::Wire { bytes, .. } => Some(bytes),
            ExtRepr::Items(_) => None,
        }
    }

    /// The extension of this type, if present. Only the matching body is decoded.
    pub fn get(&self, typ: ExtensionType) -> Option<Extension<'a>> {
        match self.repr {
            ExtRepr::Wire { bytes, ctx } => {
                let (_, data) = raw_extensions(bytes).find(|(t, _)| *t == typ)?;
                Extension::decode_body(typ, data, ctx).ok()
            }
            ExtRepr::Items(items) => items.iter().find(|e| e.typ() == typ).copied(),
        }
    }

    /// Whether an extension of this type is present.
    pub fn contains(&self, typ: ExtensionType) -> bool {
        self.types().any(|t| t == typ)
    }

    /// The types in order (for "did the peer send what I did not offer" checks).
    pub fn types(&self) -> impl Iterator<Item = ExtensionType> + 'a {
        let (wire, items) = match self.repr {
            ExtRepr::Wire { bytes, .. } => (Some(raw_extensions(bytes)), None),
            ExtRepr::Items(items) => (None, Some(items.iter().map(|e| e.typ()))),
        };
        wire.into_iter()
            .flatten()
            .map(|(t, _)| t)
            .chain(items.into_iter().flatten())
    }

    /// The raw `(extension_type, extension_data)` pairs of a decoded block, in order
    /// (empty for a block built from items).
    pub fn raw(&self) -> impl Iterator<Item = (ExtensionType, &'a [u8])> + 'a {
        let bytes = match self.repr {
            ExtRepr::Wire { bytes, .. } => bytes,
            ExtRepr::Items(_) => &[],
        };
        raw_extensions(bytes)
    }

    /// The type of the last extension.
    pub fn last_type(&self) -> Option<ExtensionType> {
        self.types().last()
    }

    /// server_name: the host_name, if present.
    pub fn server_name(&self) -> Option<&'a [u8]> {
        match self.get(ExtensionType::SERVER_NAME)? {
            Extension::ServerName(list) => list
                .iter()
                .find(|n| n.name_type == ServerNameType::HOST_NAME)
                .map(|n| n.name),
            _ => None,
        }
    }

    /// supported_groups.
    pub fn supported_groups(&self) -> Option<List<'a, NamedGroup>> {
        match self.get(ExtensionType::SUPPORTED_GROUPS)? {
            Extension::SupportedGroups(l) => Some(l),
            _ => None,
        }
    }

    /// ec_point_formats.
    pub fn ec_point_formats(&self) -> Option<List<'a, EcPointFormat>> {
        match self.get(ExtensionType::EC_POINT_FORMATS)? {
            Extension::EcPointFormats(l) => Some(l),
            _ => None,
        }
    }

    /// signature_algorithms.
    pub fn signature_algorithms(&self) -> Option<List<'a, SignatureScheme>> {
        match self.get(ExtensionType::SIGNATURE_ALGORITHMS)? {
            Extension::SignatureAlgorithms(l) => Some(l),
            _ => None,
        }
    }

    /// signature_algorithms_cert.
    pub fn signature_algorithms_cert(&self) -> Option<List<'a, SignatureScheme>> {
        match self.get(ExtensionType::SIGNATURE_ALGORITHMS_CERT)? {
            Extension::SignatureAlgorithmsCert(l) => Some(l),
            _ => None,
        }
    }

    /// application_layer_protocol_negotiation.
    pub fn alpn(&self) -> Option<List<'a, ProtocolName<'a>>> {
        match self.get(ExtensionType::ALPN)? {
            Extension::Alpn(l) => Some(l),
            _ => None,
        }
    }

    /// supported_versions (ClientHello form).
    pub fn supported_versions(&self) -> Option<List<'a, ProtocolVersion>> {
        match self.get(ExtensionType::SUPPORTED_VERSIONS)? {
            Extension::SupportedVersions(l) => Some(l),
            _ => None,
        }
    }

    /// supported_versions (ServerHello / HelloRetryRequest form).
    pub fn selected_version(&self) -> Option<ProtocolVersion> {
        match self.get(ExtensionType::SUPPORTED_VERSIONS)? {
            Extension::SelectedVersion(v) => Some(v),
            _ => None,
        }
    }

    /// key_share (ClientHello form).
    pub fn key_share_client(&self) -> Option<List<'a, KeyShareEntry<'a>>> {
        match self.get(ExtensionType::KEY_SHARE)? {
            Extension::KeyShareClient(l) => Some(l),
            _ => None,
        }
    }

    /// key_share (ServerHello form).
    pub fn key_share_server(&self) -> Option<KeyShareEntry<'a>> {
        match self.get(ExtensionType::KEY_SHARE)? {
            Extension::KeyShareServer(e) => Some(e),
            _ => None,
        }
    }

    /// key_share (HelloRetryRequest form): the selected group.
    pub fn key_share_hello_retry_request(&self) -> Option<NamedGroup> {
        match self.get(ExtensionType::KEY_SHARE)? {
            Extension::KeyShareHelloRetryRequest(g) => Some(g),
            _ => None,
        }
    }

    /// psk_key_exchange_modes.
    pub fn psk_key_exchange_modes(&self) -> Option<List<'a, PskKeyExchangeMode>> {
        match self.get(ExtensionType::PSK_KEY_EXCHANGE_MODES)? {
            Extension::PskKeyExchangeModes(l) => Some(l),
            _ => None,
        }
    }

    /// pre_shared_key (ClientHello form).
    pub fn pre_shared_key(&self) -> Option<OfferedPsks<'a>> {
        match self.get(ExtensionType::PRE_SHARED_KEY)? {
            Extension::PreSharedKey(p) => Some(p),
            _ => None,
        }
    }

    /// pre_shared_key (ServerHello form): selected_identity.
    pub fn selected_psk(&self) -> Option<u16> {
        match self.get(ExtensionType::PRE_SHARED_KEY)? {
            Extension::SelectedPsk(i) => Some(i),
            _ => None,
        }
    }

    /// early_data (NewSessionTicket form): max_early_data_size.
    pub fn early_data_max(&self) -> Option<u32> {
        match self.get(ExtensionType::EARLY_DATA)? {
            Extension::EarlyDataMax(n) => Some(n),
            _ => None,
        }
    }

    /// cookie.
    pub fn cookie(&self) -> Option<&'a [u8]> {
        match self.get(ExtensionType::COOKIE)? {
            Extension::Cookie(c) => Some(c),
            _ => None,
        }
    }

    /// record_size_limit.
    pub fn record_size_limit(&self) -> Option<u16> {
        match self.get(ExtensionType::RECORD_SIZE_LIMIT)? {
            Extension::RecordSizeLimit(n) => Some(n),
            _ => None,
        }
    }

    /// renegotiation_info: renegotiated_connection.
    pub fn renegotiation_info(&self) -> Option<&'a [u8]> {
        match self.get(ExtensionType::RENEGOTIATION_INFO)? {
            Extension::RenegotiationInfo(v) => Some(v),
            _ => None,
        }
    }

    /// session_ticket: the ticket bytes (possibly empty).
    pub fn session_ticket(&self) -> Option<&'a [u8]> {
        match self.get(ExtensionType::SESSION_TICKET)? {
            Extension::SessionTicket(t) => Some(t),
            _ => None,
        }
    }

    /// certificate_authorities.
    pub fn certificate_authorities(&self) -> Option<List<'a, DistinguishedName<'a>>> {
        match self.get(ExtensionType::CERTIFICATE_AUTHORITIES)? {
            Extension::CertificateAuthorities(l) => Some(l),
            _ => None,
        }
    }

    /// status_request (ClientHello / CertificateRequest form).
    pub fn status_request(&self) -> Option<CertificateStatusRequest<'a>> {
        match self.get(ExtensionType::STATUS_REQUEST)? {
            Extension::StatusRequest(s) => Some(s),
            _ => None,
        }
    }

    /// status_request in a CertificateEntry: the OCSP response.
    pub fn ocsp_response(&self) -> Option<&'a [u8]> {
        match self.get(ExtensionType::STATUS_REQUEST)? {
            Extension::CertificateStatus(r) => Some(r),
            _ => None,
        }
    }
}

/// Walks validated block bytes as (type, data) pairs without decoding bodies.
fn raw_extensions(bytes: &[u8]) -> impl Iterator<Item = (ExtensionType, &[u8])> {
    let mut r = Reader::new(bytes, "extensions");
    core::iter::from_fn(move || {
        if r.is_empty() {
            return None;
        }
        let typ = ExtensionType(r.u16().ok()?);
        let data = r.vec(LenPrefix::U16, 0, 0xffff, "Extension").ok()?;
        Some((typ, data))
    })
}

/// Iterator over [`Extensions`].
#[derive(Debug)]
pub enum ExtensionsIter<'a> {
    /// Over validated wire bytes.
    Wire(Reader<'a>, ExtensionContext),
    /// Over caller items.
    Items(core::slice::Iter<'a, Extension<'a>>),
}

impl<'a> Iterator for ExtensionsIter<'a> {
    type Item = Extension<'a>;
    fn next(&mut self) -> Option<Extension<'a>> {
        match self {
            ExtensionsIter::Wire(r, ctx) => {
                if r.is_empty() {
                    return None;
                }
                // Validated when the block was parsed; an error here just ends iteration.
                let typ = ExtensionType(r.u16().ok()?);
                let data = r.vec(LenPrefix::U16, 0, 0xffff, "Extension").ok()?;
                Extension::decode_body(typ, data, *ctx).ok()
            }
            ExtensionsIter::Items(it) => it.next().copied(),
        }
    }
}

impl PartialEq for Extensions<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Extensions<'_> {}

impl core::fmt::Debug for Extensions<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Default for Extensions<'_> {
    fn default() -> Self {
        Self::empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(exts: &[Extension<'_>]) -> Vec<u8> {
        let mut out = Vec::new();
        Extensions::new(exts)
            .write(&mut Writer::new(&mut out))
            .unwrap();
        out
    }

    #[test]
    fn roundtrip_client_hello_extensions() {
        let groups = [NamedGroup::X25519, NamedGroup::SECP256R1];
        let names = [ServerName {
            name_type: ServerNameType::HOST_NAME,
            name: b"example.com",
        }];
        let shares = [KeyShareEntry {
            group: NamedGroup::X25519,
            key_exchange: &[9; 32],
        }];
        let versions = [ProtocolVersion::TLS13, ProtocolVersion::TLS12];
        let exts = [
            Extension::ServerName(List::new(&names)),
            Extension::SupportedGroups(List::new(&groups)),
            Extension::SupportedVersions(List::new(&versions)),
            Extension::KeyShareClient(List::new(&shares)),
            Extension::ExtendedMasterSecret,
            Extension::Unknown {
                typ: ExtensionType(0x1a1a),
                data: &[],
            },
        ];
        let bytes = encode(&exts);
        let mut r = Reader::new(&bytes, "t");
        let decoded = Extensions::read(&mut r, Ctx::ClientHello, 0).unwrap();
        r.finish().unwrap();
        assert_eq!(decoded, Extensions::new(&exts));
        assert_eq!(decoded.server_name(), Some(&b"example.com"[..]));
        assert_eq!(decoded.len(), 6);
    }

    #[test]
    fn certificate_request_status_request_may_be_empty() {
        // RFC 8446 §4.4.2.1: gnutls-serv sends an empty status_request here by default.
        let bytes = [0x00, 0x04, 0x00, 0x05, 0x00, 0x00];
        let decoded =
            Extensions::read(&mut Reader::new(&bytes, "t"), Ctx::CertificateRequest, 0).unwrap();
        assert_eq!(decoded, Extensions::new(&[Extension::StatusRequestAck]));
        assert_eq!(encode(&[Extension::StatusRequestAck]), bytes);
        // The full RFC 6066 form is still read.
        let full = [
            0x00, 0x09, 0x00, 0x05, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00,
        ];
        let decoded =
            Extensions::read(&mut Reader::new(&full, "t"), Ctx::CertificateRequest, 0).unwrap();
        assert!(matches!(
            decoded.status_request(),
            Some(CertificateStatusRequest::Ocsp { .. })
        ));
    }

    #[test]
    fn duplicate_extension_is_illegal_parameter() {
        let exts = [
            Extension::ExtendedMasterSecret,
            Extension::ExtendedMasterSecret,
        ];
        let bytes = encode(&exts);
        let e = Extensions::read(&mut Reader::new(&bytes, "t"), Ctx::ClientHello, 0).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::IllegalParameter);
        assert_eq!(e.kind(), DecodeErrorKind::DuplicateExtension(23));
    }

    #[test]
    fn many_unknown_extensions_and_late_duplicate() {
        let mut items: Vec<Extension<'_>> = (0..200u16)
            .map(|i| Extension::Unknown {
                typ: ExtensionType(0x1000 + i),
                data: &[],
            })
            .collect();
        let bytes = encode(&items);
        assert!(Extensions::read(&mut Reader::new(&bytes, "t"), Ctx::ClientHello, 0).is_ok());
        items.push(Extension::Unknown {
            typ: ExtensionType(0x1000),
            data: &[],
        });
        let bytes = encode(&items);
        let e = Extensions::read(&mut Reader::new(&bytes, "t"), Ctx::ClientHello, 0).unwrap_err();
        assert_eq!(e.kind(), DecodeErrorKind::DuplicateExtension(0x1000));
    }

    #[test]
    fn known_extension_in_wrong_message_is_illegal_parameter() {
        let exts = [Extension::Cookie(b"c")];
        let bytes = encode(&exts);
        let e = Extensions::read(&mut Reader::new(&bytes, "t"), Ctx::EncryptedExtensions, 0)
            .unwrap_err();
        assert_eq!(e.alert(), AlertDescription::IllegalParameter);
    }

    #[test]
    fn pre_shared_key_must_be_last() {
        let ids = [PskIdentity {
            identity: b"id",
            obfuscated_ticket_age: 1,
        }];
        let binder = [0u8; 32];
        let binders = [PskBinder(&binder)];
        let psk = Extension::PreSharedKey(OfferedPsks {
            identities: List::new(&ids),
            binders: List::new(&binders),
        });
        let ok = encode(&[Extension::ExtendedMasterSecret, psk]);
        assert!(Extensions::read(&mut Reader::new(&ok, "t"), Ctx::ClientHello, 0).is_ok());
        let bad = encode(&[psk, Extension::ExtendedMasterSecret]);
        let e = Extensions::read(&mut Reader::new(&bad, "t"), Ctx::ClientHello, 0).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::IllegalParameter);
    }

    #[test]
    fn record_size_limit_below_64_is_illegal() {
        let bytes = encode(&[Extension::RecordSizeLimit(63)]);
        let e = Extensions::read(&mut Reader::new(&bytes, "t"), Ctx::ClientHello, 0).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::IllegalParameter);
    }
}
