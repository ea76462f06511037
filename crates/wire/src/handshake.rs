//! Handshake messages of TLS 1.2 (RFC 5246, RFC 8422, RFC 5077, RFC 6066) and TLS 1.3
//! (RFC 8446 §4), each a borrowing struct, and [`HandshakeMessage`] which frames them with
//! the 4-byte handshake header.

use crate::codec::{Codec, LenPrefix, Reader, Writer};
use crate::enums::{
    CertificateStatusType, CipherSuite, ClientCertificateType, Compression, EcCurveType,
    ExtensionType, HandshakeType, NamedGroup, ProtocolVersion, SignatureScheme,
};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::extensions::{ExtensionContext, Extensions};
use crate::list::{CertificateDer, DistinguishedName, List};
use crate::AlertDescription;

/// Bytes in a handshake header: msg_type(1) length(3) (RFC 8446 §4).
pub const HANDSHAKE_HEADER_LEN: usize = 4;

/// The ServerHello.random that marks a HelloRetryRequest: SHA-256("HelloRetryRequest")
/// (RFC 8446 §4.1.3).
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// Last 8 bytes of ServerHello.random of a TLS 1.3 server negotiating TLS 1.2
/// (RFC 8446 §4.1.3).
pub const DOWNGRADE_TLS12: [u8; 8] = *b"DOWNGRD\x01";
/// Last 8 bytes of ServerHello.random of a TLS 1.3 server negotiating TLS 1.1 or below
/// (RFC 8446 §4.1.3).
pub const DOWNGRADE_TLS11: [u8; 8] = *b"DOWNGRD\x00";

/// Which protocol's form a version-dependent message takes (Certificate,
/// CertificateRequest, NewSessionTicket) and which message types are legal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TlsVersion {
    /// TLS 1.2 (RFC 5246)
    Tls12,
    /// TLS 1.3 (RFC 8446)
    Tls13,
}

/// A downgrade sentinel found in a ServerHello.random.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DowngradeSentinel {
    /// "DOWNGRD\x01": the server negotiated TLS 1.2 while supporting 1.3.
    Tls12,
    /// "DOWNGRD\x00": the server negotiated TLS 1.1 or below.
    Tls11,
}

/// Random (RFC 8446 §4.1.2): 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Random(pub [u8; 32]);

impl<'a> Codec<'a> for Random {
    fn read(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        Ok(Random(r.array()?))
    }
    fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.bytes(&self.0);
        Ok(())
    }
}

impl Random {
    /// The downgrade sentinel in the last 8 bytes, if any (RFC 8446 §4.1.3).
    pub fn downgrade_sentinel(&self) -> Option<DowngradeSentinel> {
        match self.0.get(24..)? {
            tail if tail == DOWNGRADE_TLS12 => Some(DowngradeSentinel::Tls12),
            tail if tail == DOWNGRADE_TLS11 => Some(DowngradeSentinel::Tls11),
            _ => None,
        }
    }

    /// Whether this is the HelloRetryRequest marker.
    pub fn is_hello_retry_request(&self) -> bool {
        self.0 == HELLO_RETRY_REQUEST_RANDOM
    }
}

impl core::fmt::Debug for Random {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Random({})", crate::trace::Hex(&self.0))
    }
}

/// SessionID (RFC 5246 §7.4.1.2): `opaque SessionID<0..32>`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SessionId<'a>(pub &'a [u8]);

impl<'a> Codec<'a> for SessionId<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        Ok(SessionId(r.vec(LenPrefix::U8, 0, 32, "session_id")?))
    }
    fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        if self.0.len() > 32 {
            return Err(EncodeError::too_long("session_id"));
        }
        w.vec(LenPrefix::U8, self.0, "session_id")
    }
}

impl core::fmt::Debug for SessionId<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "SessionId({})", crate::trace::Hex(self.0))
    }
}

/// Reads an optional trailing extension block (TLS 1.2 hellos may omit it).
fn read_optional_extensions<'a>(
    r: &mut Reader<'a>,
    ctx: ExtensionContext,
) -> Result<Extensions<'a>, DecodeError> {
    if r.is_empty() {
        Ok(Extensions::empty())
    } else {
        Extensions::read(r, ctx, 0)
    }
}

/// ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientHello<'a> {
    /// legacy_version (client_version in TLS 1.2)
    pub legacy_version: ProtocolVersion,
    /// random
    pub random: Random,
    /// legacy_session_id (session_id in TLS 1.2)
    pub legacy_session_id: SessionId<'a>,
    /// cipher_suites (`CipherSuite cipher_suites<2..2^16-2>`)
    pub cipher_suites: List<'a, CipherSuite>,
    /// legacy_compression_methods (`opaque<1..2^8-1>`)
    pub compression_methods: List<'a, Compression>,
    /// extensions; an empty block is left out when encoding (TLS 1.2 allows that).
    pub extensions: Extensions<'a>,
}

impl<'a> ClientHello<'a> {
    /// Decodes a ClientHello body (no handshake header).
    pub fn decode(body: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body, "ClientHello");
        let legacy_version = ProtocolVersion::read(&mut r)?;
        let random = Random::read(&mut r)?;
        let legacy_session_id = SessionId::read(&mut r)?;
        let cipher_suites = List::read(&mut r, LenPrefix::U16, 2, 0xfffe, "cipher_suites")?;
        let compression_methods =
            List::read(&mut r, LenPrefix::U8, 1, 0xff, "compression_methods")?;
        let extensions = read_optional_extensions(&mut r, ExtensionContext::ClientHello)?;
        r.finish()?;
        Ok(ClientHello {
            legacy_version,
            random,
            legacy_session_id,
            cipher_suites,
            compression_methods,
            extensions,
        })
    }

    /// Writes the body (no handshake header).
    pub fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        self.legacy_version.write(w)?;
        self.random.write(w)?;
        self.legacy_session_id.write(w)?;
        if self.cipher_suites.is_empty() {
            return Err(EncodeError::too_long("cipher_suites (empty)"));
        }
        self.cipher_suites
            .write(w, LenPrefix::U16, "cipher_suites")?;
        if self.compression_methods.is_empty() {
            return Err(EncodeError::too_long("compression_methods (empty)"));
        }
        self.compression_methods
            .write(w, LenPrefix::U8, "compression_methods")?;
        if !self.extensions.is_empty() {
            self.extensions.write(w)?;
        }
        Ok(())
    }

    /// Where the PSK binders begin, as an offset into the encoded handshake message
    /// (4-byte header included): the transcript for binder computation is the message
    /// truncated there (RFC 8446 §4.2.11.2). `None` without a pre_shared_key extension.
    /// pre_shared_key is the last extension, so its binders field ends the message.
    pub fn psk_binders_offset(&self) -> Option<usize> {
        let psks = self.extensions.pre_shared_key()?;
        if self.extensions.last_type() != Some(ExtensionType::PRE_SHARED_KEY) {
            return None;
        }
        let total = self.encoded_len().ok()?;
        total.checked_sub(psks.binders_field_len())
    }

    /// Length of the encoded handshake message, header included. For a decoded hello this
    /// is computed from the wire lengths without allocating; a hello built from items is
    /// encoded into a scratch buffer.
    pub fn encoded_len(&self) -> Result<usize, EncodeError> {
        let wire = (
            self.cipher_suites.wire_bytes(),
            self.compression_methods.wire_bytes(),
            self.extensions.wire_bytes(),
        );
        if let (Some(cs), Some(cm), ext) = wire {
            let ext_len = match ext {
                Some(e) if !e.is_empty() => 2 + e.len(),
                Some(_) => 0,
                None if self.extensions.is_empty() => 0,
                None => return self.encoded_len_by_encoding(),
            };
            let sid = self.legacy_session_id.0.len();
            return Ok(HANDSHAKE_HEADER_LEN
                + 2
                + 32
                + 1
                + sid
                + 2
                + cs.len()
                + 1
                + cm.len()
                + ext_len);
        }
        self.encoded_len_by_encoding()
    }

    fn encoded_len_by_encoding(&self) -> Result<usize, EncodeError> {
        let mut scratch = Vec::new();
        HandshakeMessage::ClientHello(*self).encode(&mut scratch)?;
        Ok(scratch.len())
    }

    /// Whether the client offers TLS 1.3 in supported_versions.
    pub fn offers_tls13(&self) -> bool {
        self.extensions
            .supported_versions()
            .is_some_and(|v| v.contains(&ProtocolVersion::TLS13))
    }
}

/// Overwrites the binders of an encoded ClientHello handshake message in place, starting
/// at `offset` (from [`ClientHello::psk_binders_offset`]). Each binder must have the length
/// it was encoded with (RFC 8446 §4.2.11.2: encode with placeholders, hash the prefix,
/// then fill in).
pub fn fill_psk_binders(
    message: &mut [u8],
    offset: usize,
    binders: &[&[u8]],
) -> Result<(), EncodeError> {
    const FIELD: &str = "OfferedPsks.binders";
    let mut pos = offset.checked_add(2).ok_or(EncodeError::too_long(FIELD))?;
    for binder in binders {
        let len = usize::from(*message.get(pos).ok_or(EncodeError::too_long(FIELD))?);
        if len != binder.len() {
            return Err(EncodeError::too_long(FIELD));
        }
        let dst = message
            .get_mut(pos + 1..pos + 1 + len)
            .ok_or(EncodeError::too_long(FIELD))?;
        dst.copy_from_slice(binder);
        pos += 1 + len;
    }
    if pos != message.len() {
        return Err(EncodeError::too_long(FIELD));
    }
    Ok(())
}

/// ServerHello (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3); a HelloRetryRequest has the same
/// shape with [`HELLO_RETRY_REQUEST_RANDOM`] as its random.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerHello<'a> {
    /// legacy_version (server_version in TLS 1.2)
    pub legacy_version: ProtocolVersion,
    /// random
    pub random: Random,
    /// legacy_session_id_echo (session_id in TLS 1.2)
    pub legacy_session_id_echo: SessionId<'a>,
    /// cipher_suite
    pub cipher_suite: CipherSuite,
    /// legacy_compression_method
    pub compression_method: Compression,
    /// extensions; an empty block is left out when encoding (TLS 1.2 allows that).
    pub extensions: Extensions<'a>,
}

impl<'a> ServerHello<'a> {
    /// Decodes a ServerHello or HelloRetryRequest body; the random decides which
    /// extension forms apply.
    pub fn decode(body: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body, "ServerHello");
        let legacy_version = ProtocolVersion::read(&mut r)?;
        let random = Random::read(&mut r)?;
        let legacy_session_id_echo = SessionId::read(&mut r)?;
        let cipher_suite = CipherSuite::read(&mut r)?;
        let compression_method = Compression::read(&mut r)?;
        let ctx = if random.is_hello_retry_request() {
            ExtensionContext::HelloRetryRequest
        } else {
            ExtensionContext::ServerHello
        };
        let extensions = read_optional_extensions(&mut r, ctx)?;
        r.finish()?;
        Ok(ServerHello {
            legacy_version,
            random,
            legacy_session_id_echo,
            cipher_suite,
            compression_method,
            extensions,
        })
    }

    /// Writes the body.
    pub fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        self.legacy_version.write(w)?;
        self.random.write(w)?;
        self.legacy_session_id_echo.write(w)?;
        self.cipher_suite.write(w)?;
        self.compression_method.write(w)?;
        if !self.extensions.is_empty() {
            self.extensions.write(w)?;
        }
        Ok(())
    }

    /// Whether this is a HelloRetryRequest (RFC 8446 §4.1.3).
    pub fn is_hello_retry_request(&self) -> bool {
        self.random.is_hello_retry_request()
    }

    /// The version the server selected: supported_versions if present, else
    /// legacy_version (RFC 8446 §4.2.1).
    pub fn selected_version(&self) -> ProtocolVersion {
        self.extensions
            .selected_version()
            .unwrap_or(self.legacy_version)
    }
}

/// CertificateEntry (RFC 8446 §4.4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CertificateEntry<'a> {
    /// cert_data (`opaque cert_data<1..2^24-1>`, DER)
    pub cert_data: &'a [u8],
    /// extensions (status_request, signed_certificate_timestamp, ...)
    pub extensions: Extensions<'a>,
}

impl<'a> Codec<'a> for CertificateEntry<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        let cert_data = r.vec(LenPrefix::U24, 1, 0xff_ffff, "CertificateEntry.cert_data")?;
        let extensions = Extensions::read(r, ExtensionContext::Certificate, 0)?;
        Ok(CertificateEntry {
            cert_data,
            extensions,
        })
    }
    fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        if self.cert_data.is_empty() {
            return Err(EncodeError::too_long("CertificateEntry.cert_data (empty)"));
        }
        w.vec(LenPrefix::U24, self.cert_data, "CertificateEntry.cert_data")?;
        self.extensions.write(w)
    }
}

/// TLS 1.3 Certificate (RFC 8446 §4.4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Certificate13<'a> {
    /// certificate_request_context (`opaque<0..2^8-1>`)
    pub certificate_request_context: &'a [u8],
    /// certificate_list (`CertificateEntry certificate_list<0..2^24-1>`)
    pub certificate_list: List<'a, CertificateEntry<'a>>,
}

impl<'a> Certificate13<'a> {
    /// Decodes the body.
    pub fn decode(body: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body, "Certificate");
        let certificate_request_context =
            r.vec(LenPrefix::U8, 0, 0xff, "certificate_request_context")?;
        let certificate_list =
            List::read(&mut r, LenPrefix::U24, 0, 0xff_ffff, "certificate_list")?;
        r.finish()?;
        Ok(Certificate13 {
            certificate_request_context,
            certificate_list,
        })
    }

    /// Writes the body.
    pub fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.vec(
            LenPrefix::U8,
            self.certificate_request_context,
            "certificate_request_context",
        )?;
        self.certificate_list
            .write(w, LenPrefix::U24, "certificate_list")
    }
}

/// TLS 1.2 Certificate (RFC 5246 §7.4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Certificate12<'a> {
    /// certificate_list (`ASN.1Cert certificate_list<0..2^24-1>`), sender's first
    pub certificate_list: List<'a, CertificateDer<'a>>,
}

impl<'a> Certificate12<'a> {
    /// Decodes the body.
    pub fn decode(body: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body, "Certificate");
        let certificate_list =
            List::read(&mut r, LenPrefix::U24, 0, 0xff_ffff, "certificate_list")?;
        r.finish()?;
        Ok(Certificate12 { certificate_list })
    }

    /// Writes the body.
    pub fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        self.certificate_list
            .write(w, LenPrefix::U24, "certificate_list")
    }
}

/// TLS 1.2 CertificateRequest (RFC 5246 §7.4.4, RFC 8422 §5.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CertificateRequest12<'a> {
    /// certificate_types (`ClientCertificateType certificate_types<1..2^8-1>`)
    pub certificate_types: List<'a, ClientCertificateType>,
    /// supported_signature_algorithms (`<2..2^16-2>`)
    pub supported_signature_algorithms: List<'a, SignatureScheme>,
    /// certificate_authorities (`DistinguishedName certificate_authorities<0..2^16-1>`)
    pub certificate_authorities: List<'a, DistinguishedName<'a>>,
}

impl<'a> CertificateRequest12<'a> {
    /// Decodes the body.
    pub fn decode(body: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body, "CertificateRequest");
        let certificate_types = List::read(&mut r, LenPrefix::U8, 1, 0xff, "certificate_types")?;
        let supported_signature_algorithms = List::read(
            &mut r,
            LenPrefix::U16,
            2,
            0xfffe,
            "supported_signature_algorithms",
        )?;
        let certificate_authorities =
            List::read(&mut r, LenPrefix::U16, 0, 0xffff, "certificate_authorities")?;
        r.finish()?;
        Ok(CertificateRequest12 {
            certificate_types,
            supported_signature_algorithms,
            certificate_authorities,
        })
    }

    /// Writes the body.
    pub fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        self.certificate_types
            .write(w, LenPrefix::U8, "certificate_types")?;
        self.supported_signature_algorithms.write(
            w,
            LenPrefix::U16,
            "supported_signature_algorithms",
        )?;
        self.certificate_authorities
            .write(w, LenPrefix::U16, "certificate_authorities")
    }
}

/// TLS 1.3 CertificateRequest (RFC 8446 §4.3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CertificateRequest13<'a> {
    /// certificate_request_context (`opaque<0..2^8-1>`)
    pub certificate_request_context: &'a [u8],
    /// extensions (`Extension extensions<2..2^16-1>`); signature_algorithms is required.
    pub extensions: Extensions<'a>,
}

impl<'a> CertificateRequest13<'a> {
    /// Decodes the body; no signature_algorithms is `missing_extension`.
    pub fn decode(body: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body, "CertificateRequest");
        let certificate_request_context =
            r.vec(LenPrefix::U8, 0, 0xff, "certificate_request_context")?;
        let extensions = Extensions::read(&mut r, ExtensionContext::CertificateRequest, 2)?;
        r.finish()?;
        if extensions.signature_algorithms().is_none() {
            return Err(DecodeError::new(
                DecodeErrorKind::MissingExtension(ExtensionType::SIGNATURE_ALGORITHMS.0),
                AlertDescription::MissingExtension,
                "CertificateRequest.extensions",
            ));
        }
        Ok(CertificateRequest13 {
            certificate_request_context,
            extensions,
        })
    }

    /// Writes the body.
    pub fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.vec(
            LenPrefix::U8,
            self.certificate_request_context,
            "certificate_request_context",
        )?;
        self.extensions.write(w)
    }
}

/// DigitallySigned (RFC 5246 §4.7 as amended by §7.4.1.4.1; RFC 8446 §4.4.3's
/// CertificateVerify has the same form).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DigitallySigned<'a> {
    /// algorithm
    pub algorithm: SignatureScheme,
    /// signature (`opaque signature<0..2^16-1>`)
    pub signature: &'a [u8],
}

impl<'a> Codec<'a> for DigitallySigned<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        let algorithm = SignatureScheme::read(r)?;
        let signature = r.vec(LenPrefix::U16, 0, 0xffff, "signature")?;
        Ok(DigitallySigned {
            algorithm,
            signature,
        })
    }
    fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        self.algorithm.write(w)?;
        w.vec(LenPrefix::U16, self.signature, "signature")
    }
}

/// ServerECDHParams (RFC 8422 §5.4): a named curve and the server's ephemeral public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EcdheParams<'a> {
    /// curve_params.namedcurve (curve_type is always named_curve)
    pub named_group: NamedGroup,
    /// public (`opaque point <1..2^8-1>`)
    pub public: &'a [u8],
}

impl<'a> Codec<'a> for EcdheParams<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        // RFC 8422 §5.4: explicit curves are deprecated; only named_curve is accepted.
        if EcCurveType::read(r)? != EcCurveType::NAMED_CURVE {
            return Err(DecodeError::illegal_parameter("ECParameters.curve_type"));
        }
        let named_group = NamedGroup::read(r)?;
        let public = r.vec(LenPrefix::U8, 1, 0xff, "ServerECDHParams.public")?;
        Ok(EcdheParams {
            named_group,
            public,
        })
    }
    fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        EcCurveType::NAMED_CURVE.write(w)?;
        self.named_group.write(w)?;
        if self.public.is_empty() {
            return Err(EncodeError::too_long("ServerECDHParams.public (empty)"));
        }
        w.vec(LenPrefix::U8, self.public, "ServerECDHParams.public")
    }
}

impl EcdheParams<'_> {
    /// The encoded params: with client_random and server_random, what the signature
    /// covers (RFC 8422 §5.4).
    pub fn to_vec(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(4 + self.public.len());
        self.write(&mut Writer::new(&mut out))?;
        Ok(out)
    }
}

/// ServerKeyExchange for ECDHE suites (RFC 8422 §5.4; TLS 1.2 signature form).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerKeyExchange<'a> {
    /// params
    pub params: EcdheParams<'a>,
    /// signed_params
    pub signed_params: DigitallySigned<'a>,
}

impl<'a> ServerKeyExchange<'a> {
    /// Decodes the body; also returns the raw params bytes the signature covers.
    pub fn decode_with_params(body: &'a [u8]) -> Result<(Self, &'a [u8]), DecodeError> {
        let mut r = Reader::new(body, "ServerKeyExchange");
        let params = EcdheParams::read(&mut r)?;
        let params_bytes = body.get(..r.position()).unwrap_or(&[]);
        let signed_params = DigitallySigned::read(&mut r)?;
        r.finish()?;
        Ok((
            ServerKeyExchange {
                params,
                signed_params,
            },
            params_bytes,
        ))
    }

    /// Decodes the body.
    pub fn decode(body: &'a [u8]) -> Result<Self, DecodeError> {
        Ok(Self::decode_with_params(body)?.0)
    }

    /// Writes the body.
    pub fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        self.params.write(w)?;
        self.signed_params.write(w)
    }
}

/// ClientKeyExchange (RFC 5246 §7.4.7): its form depends on the negotiated key exchange,
/// so the body is kept and parsed by the caller with the right method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientKeyExchange<'a> {
    /// ClientECDiffieHellmanPublic (RFC 8422 §5.7): `opaque point <1..2^8-1>`.
    Ecdhe(&'a [u8]),
    /// EncryptedPreMasterSecret (RFC 5246 §7.4.7.1): `opaque<0..2^16-1>`.
    Rsa(&'a [u8]),
    /// A body not yet interpreted (what [`HandshakeMessage::decode`] returns).
    Raw(&'a [u8]),
}

impl<'a> ClientKeyExchange<'a> {
    /// Interprets a body as an ECDHE public value.
    pub fn decode_ecdhe(body: &'a [u8]) -> Result<&'a [u8], DecodeError> {
        let mut r = Reader::new(body, "ClientKeyExchange");
        let point = r.vec(LenPrefix::U8, 1, 0xff, "ClientECDiffieHellmanPublic")?;
        r.finish()?;
        Ok(point)
    }

    /// Interprets a body as an RSA-encrypted pre-master secret.
    pub fn decode_rsa(body: &'a [u8]) -> Result<&'a [u8], DecodeError> {
        let mut r = Reader::new(body, "ClientKeyExchange");
        let enc = r.vec(LenPrefix::U16, 0, 0xffff, "EncryptedPreMasterSecret")?;
        r.finish()?;
        Ok(enc)
    }

    /// The ECDHE public value of a raw or ECDHE body.
    pub fn ecdhe_public(&self) -> Result<&'a [u8], DecodeError> {
        match *self {
            ClientKeyExchange::Ecdhe(p) => Ok(p),
            ClientKeyExchange::Raw(body) => Self::decode_ecdhe(body),
            ClientKeyExchange::Rsa(_) => Err(DecodeError::unexpected("ClientKeyExchange")),
        }
    }

    /// The encrypted pre-master secret of a raw or RSA body.
    pub fn rsa_encrypted_pre_master(&self) -> Result<&'a [u8], DecodeError> {
        match *self {
            ClientKeyExchange::Rsa(p) => Ok(p),
            ClientKeyExchange::Raw(body) => Self::decode_rsa(body),
            ClientKeyExchange::Ecdhe(_) => Err(DecodeError::unexpected("ClientKeyExchange")),
        }
    }

    /// Writes the body.
    pub fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        match self {
            ClientKeyExchange::Ecdhe(p) => {
                if p.is_empty() {
                    return Err(EncodeError::too_long("ClientECDiffieHellmanPublic (empty)"));
                }
                w.vec(LenPrefix::U8, p, "ClientECDiffieHellmanPublic")
            }
            ClientKeyExchange::Rsa(p) => w.vec(LenPrefix::U16, p, "EncryptedPreMasterSecret"),
            ClientKeyExchange::Raw(body) => {
                w.bytes(body);
                Ok(())
            }
        }
    }
}

/// TLS 1.2 NewSessionTicket (RFC 5077 §3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewSessionTicket12<'a> {
    /// ticket_lifetime_hint (seconds, 0 = unspecified)
    pub ticket_lifetime_hint: u32,
    /// ticket (`opaque ticket<0..2^16-1>`)
    pub ticket: &'a [u8],
}

impl<'a> NewSessionTicket12<'a> {
    /// Decodes the body.
    pub fn decode(body: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body, "NewSessionTicket");
        let ticket_lifetime_hint = r.u32()?;
        let ticket = r.vec(LenPrefix::U16, 0, 0xffff, "ticket")?;
        r.finish()?;
        Ok(NewSessionTicket12 {
            ticket_lifetime_hint,
            ticket,
        })
    }

    /// Writes the body.
    pub fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.u32(self.ticket_lifetime_hint);
        w.vec(LenPrefix::U16, self.ticket, "ticket")
    }
}

/// TLS 1.3 NewSessionTicket (RFC 8446 §4.6.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewSessionTicket13<'a> {
    /// ticket_lifetime (seconds, at most 604800)
    pub ticket_lifetime: u32,
    /// ticket_age_add
    pub ticket_age_add: u32,
    /// ticket_nonce (`opaque<0..255>`)
    pub ticket_nonce: &'a [u8],
    /// ticket (`opaque<1..2^16-1>`)
    pub ticket: &'a [u8],
    /// extensions (early_data)
    pub extensions: Extensions<'a>,
}

/// The longest ticket lifetime RFC 8446 §4.6.1 allows: seven days.
pub const MAX_TICKET_LIFETIME: u32 = 604_800;

impl<'a> NewSessionTicket13<'a> {
    /// Decodes the body.
    pub fn decode(body: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body, "NewSessionTicket");
        let ticket_lifetime = r.u32()?;
        let ticket_age_add = r.u32()?;
        let ticket_nonce = r.vec(LenPrefix::U8, 0, 0xff, "ticket_nonce")?;
        let ticket = r.vec(LenPrefix::U16, 1, 0xffff, "ticket")?;
        let extensions = Extensions::read(&mut r, ExtensionContext::NewSessionTicket, 0)?;
        r.finish()?;
        Ok(NewSessionTicket13 {
            ticket_lifetime,
            ticket_age_add,
            ticket_nonce,
            ticket,
            extensions,
        })
    }

    /// Writes the body.
    pub fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.u32(self.ticket_lifetime);
        w.u32(self.ticket_age_add);
        w.vec(LenPrefix::U8, self.ticket_nonce, "ticket_nonce")?;
        if self.ticket.is_empty() {
            return Err(EncodeError::too_long("ticket (empty)"));
        }
        w.vec(LenPrefix::U16, self.ticket, "ticket")?;
        self.extensions.write(w)
    }
}

/// KeyUpdateRequest (RFC 8446 §4.6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyUpdateRequest {
    /// update_not_requested(0)
    UpdateNotRequested,
    /// update_requested(1)
    UpdateRequested,
}

impl KeyUpdateRequest {
    /// Decodes the body; any other value is `illegal_parameter`.
    pub fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body, "KeyUpdate");
        let v = r.u8()?;
        r.finish()?;
        match v {
            0 => Ok(KeyUpdateRequest::UpdateNotRequested),
            1 => Ok(KeyUpdateRequest::UpdateRequested),
            _ => Err(DecodeError::illegal_parameter("KeyUpdate.request_update")),
        }
    }

    /// The wire byte.
    pub const fn to_u8(self) -> u8 {
        match self {
            KeyUpdateRequest::UpdateNotRequested => 0,
            KeyUpdateRequest::UpdateRequested => 1,
        }
    }
}

fn decode_empty(body: &[u8], what: &'static str) -> Result<(), DecodeError> {
    Reader::new(body, what).finish()
}

fn decode_extensions_only(
    body: &[u8],
    ctx: ExtensionContext,
) -> Result<Extensions<'_>, DecodeError> {
    let mut r = Reader::new(body, "EncryptedExtensions");
    let extensions = Extensions::read(&mut r, ctx, 0)?;
    r.finish()?;
    Ok(extensions)
}

/// One handshake message of either version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandshakeMessage<'a> {
    /// hello_request (TLS 1.2): empty.
    HelloRequest,
    /// client_hello
    ClientHello(ClientHello<'a>),
    /// server_hello (not a HelloRetryRequest)
    ServerHello(ServerHello<'a>),
    /// server_hello carrying the HelloRetryRequest random
    HelloRetryRequest(ServerHello<'a>),
    /// new_session_ticket (TLS 1.2)
    NewSessionTicket12(NewSessionTicket12<'a>),
    /// new_session_ticket (TLS 1.3)
    NewSessionTicket13(NewSessionTicket13<'a>),
    /// end_of_early_data: empty.
    EndOfEarlyData,
    /// encrypted_extensions
    EncryptedExtensions(Extensions<'a>),
    /// certificate (TLS 1.2)
    Certificate12(Certificate12<'a>),
    /// certificate (TLS 1.3)
    Certificate13(Certificate13<'a>),
    /// server_key_exchange (ECDHE)
    ServerKeyExchange(ServerKeyExchange<'a>),
    /// certificate_request (TLS 1.2)
    CertificateRequest12(CertificateRequest12<'a>),
    /// certificate_request (TLS 1.3)
    CertificateRequest13(CertificateRequest13<'a>),
    /// server_hello_done: empty.
    ServerHelloDone,
    /// certificate_verify
    CertificateVerify(DigitallySigned<'a>),
    /// client_key_exchange (raw until the caller picks the form)
    ClientKeyExchange(ClientKeyExchange<'a>),
    /// finished: verify_data
    Finished(&'a [u8]),
    /// certificate_status (RFC 6066 §8, TLS 1.2): the OCSP response
    CertificateStatus(&'a [u8]),
    /// key_update
    KeyUpdate(KeyUpdateRequest),
    /// message_hash (RFC 8446 §4.4.1): the hash of ClientHello1, a synthetic message that
    /// only enters the transcript.
    MessageHash(&'a [u8]),
}

impl<'a> HandshakeMessage<'a> {
    /// The msg_type.
    pub fn typ(&self) -> HandshakeType {
        match self {
            HandshakeMessage::HelloRequest => HandshakeType::HELLO_REQUEST,
            HandshakeMessage::ClientHello(_) => HandshakeType::CLIENT_HELLO,
            HandshakeMessage::ServerHello(_) | HandshakeMessage::HelloRetryRequest(_) => {
                HandshakeType::SERVER_HELLO
            }
            HandshakeMessage::NewSessionTicket12(_) | HandshakeMessage::NewSessionTicket13(_) => {
                HandshakeType::NEW_SESSION_TICKET
            }
            HandshakeMessage::EndOfEarlyData => HandshakeType::END_OF_EARLY_DATA,
            HandshakeMessage::EncryptedExtensions(_) => HandshakeType::ENCRYPTED_EXTENSIONS,
            HandshakeMessage::Certificate12(_) | HandshakeMessage::Certificate13(_) => {
                HandshakeType::CERTIFICATE
            }
            HandshakeMessage::ServerKeyExchange(_) => HandshakeType::SERVER_KEY_EXCHANGE,
            HandshakeMessage::CertificateRequest12(_)
            | HandshakeMessage::CertificateRequest13(_) => HandshakeType::CERTIFICATE_REQUEST,
            HandshakeMessage::ServerHelloDone => HandshakeType::SERVER_HELLO_DONE,
            HandshakeMessage::CertificateVerify(_) => HandshakeType::CERTIFICATE_VERIFY,
            HandshakeMessage::ClientKeyExchange(_) => HandshakeType::CLIENT_KEY_EXCHANGE,
            HandshakeMessage::Finished(_) => HandshakeType::FINISHED,
            HandshakeMessage::CertificateStatus(_) => HandshakeType::CERTIFICATE_STATUS,
            HandshakeMessage::KeyUpdate(_) => HandshakeType::KEY_UPDATE,
            HandshakeMessage::MessageHash(_) => HandshakeType::MESSAGE_HASH,
        }
    }

    /// Decodes a whole encoded message (4-byte header + body, nothing after it).
    pub fn decode(encoded: &'a [u8], version: TlsVersion) -> Result<Self, DecodeError> {
        let mut r = Reader::new(encoded, "Handshake");
        let typ = HandshakeType(r.u8()?);
        let len = r.u24()? as usize;
        let body = r.take(len)?;
        r.finish()?;
        Self::decode_body(typ, body, version)
    }

    /// Decodes a body of type `typ` for `version`. A type that does not exist in that
    /// version (or at all, or message_hash which never travels) is `unexpected_message`.
    pub fn decode_body(
        typ: HandshakeType,
        body: &'a [u8],
        version: TlsVersion,
    ) -> Result<Self, DecodeError> {
        use TlsVersion::{Tls12, Tls13};
        Ok(match (typ, version) {
            (HandshakeType::HELLO_REQUEST, Tls12) => {
                decode_empty(body, "HelloRequest")?;
                HandshakeMessage::HelloRequest
            }
            (HandshakeType::CLIENT_HELLO, _) => {
                HandshakeMessage::ClientHello(ClientHello::decode(body)?)
            }
            (HandshakeType::SERVER_HELLO, _) => {
                let sh = ServerHello::decode(body)?;
                if sh.is_hello_retry_request() {
                    HandshakeMessage::HelloRetryRequest(sh)
                } else {
                    HandshakeMessage::ServerHello(sh)
                }
            }
            (HandshakeType::NEW_SESSION_TICKET, Tls12) => {
                HandshakeMessage::NewSessionTicket12(NewSessionTicket12::decode(body)?)
            }
            (HandshakeType::NEW_SESSION_TICKET, Tls13) => {
                HandshakeMessage::NewSessionTicket13(NewSessionTicket13::decode(body)?)
            }
            (HandshakeType::END_OF_EARLY_DATA, Tls13) => {
                decode_empty(body, "EndOfEarlyData")?;
                HandshakeMessage::EndOfEarlyData
            }
            (HandshakeType::ENCRYPTED_EXTENSIONS, Tls13) => HandshakeMessage::EncryptedExtensions(
                decode_extensions_only(body, ExtensionContext::EncryptedExtensions)?,
            ),
            (HandshakeType::CERTIFICATE, Tls12) => {
                HandshakeMessage::Certificate12(Certificate12::decode(body)?)
            }
            (HandshakeType::CERTIFICATE, Tls13) => {
                HandshakeMessage::Certificate13(Certificate13::decode(body)?)
            }
            (HandshakeType::SERVER_KEY_EXCHANGE, Tls12) => {
                HandshakeMessage::ServerKeyExchange(ServerKeyExchange::decode(body)?)
            }
            (HandshakeType::CERTIFICATE_REQUEST, Tls12) => {
                HandshakeMessage::CertificateRequest12(CertificateRequest12::decode(body)?)
            }
            (HandshakeType::CERTIFICATE_REQUEST, Tls13) => {
                HandshakeMessage::CertificateRequest13(CertificateRequest13::decode(body)?)
            }
            (HandshakeType::SERVER_HELLO_DONE, Tls12) => {
                decode_empty(body, "ServerHelloDone")?;
                HandshakeMessage::ServerHelloDone
            }
            (HandshakeType::CERTIFICATE_VERIFY, _) => {
                let mut r = Reader::new(body, "CertificateVerify");
                let signed = DigitallySigned::read(&mut r)?;
                r.finish()?;
                HandshakeMessage::CertificateVerify(signed)
            }
            (HandshakeType::CLIENT_KEY_EXCHANGE, Tls12) => {
                if body.is_empty() {
                    return Err(DecodeError::truncated("ClientKeyExchange"));
                }
                HandshakeMessage::ClientKeyExchange(ClientKeyExchange::Raw(body))
            }
            (HandshakeType::FINISHED, _) => {
                if body.is_empty() {
                    return Err(DecodeError::truncated("Finished.verify_data"));
                }
                HandshakeMessage::Finished(body)
            }
            (HandshakeType::CERTIFICATE_STATUS, Tls12) => {
                let mut r = Reader::new(body, "CertificateStatus");
                if CertificateStatusType::read(&mut r)? != CertificateStatusType::OCSP {
                    return Err(DecodeError::illegal_parameter(
                        "CertificateStatus.status_type",
                    ));
                }
                let resp = r.vec(LenPrefix::U24, 1, 0xff_ffff, "OCSPResponse")?;
                r.finish()?;
                HandshakeMessage::CertificateStatus(resp)
            }
            (HandshakeType::KEY_UPDATE, Tls13) => {
                HandshakeMessage::KeyUpdate(KeyUpdateRequest::decode(body)?)
            }
            _ => return Err(DecodeError::unexpected("Handshake.msg_type")),
        })
    }

    /// Writes the body only.
    pub fn write_body(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        match self {
            HandshakeMessage::HelloRequest
            | HandshakeMessage::EndOfEarlyData
            | HandshakeMessage::ServerHelloDone => Ok(()),
            HandshakeMessage::ClientHello(m) => m.write(w),
            HandshakeMessage::ServerHello(m) | HandshakeMessage::HelloRetryRequest(m) => m.write(w),
            HandshakeMessage::NewSessionTicket12(m) => m.write(w),
            HandshakeMessage::NewSessionTicket13(m) => m.write(w),
            HandshakeMessage::EncryptedExtensions(e) => e.write(w),
            HandshakeMessage::Certificate12(m) => m.write(w),
            HandshakeMessage::Certificate13(m) => m.write(w),
            HandshakeMessage::ServerKeyExchange(m) => m.write(w),
            HandshakeMessage::CertificateRequest12(m) => m.write(w),
            HandshakeMessage::CertificateRequest13(m) => m.write(w),
            HandshakeMessage::CertificateVerify(m) => m.write(w),
            HandshakeMessage::ClientKeyExchange(m) => m.write(w),
            HandshakeMessage::Finished(v) | HandshakeMessage::MessageHash(v) => {
                w.bytes(v);
                Ok(())
            }
            HandshakeMessage::CertificateStatus(resp) => {
                CertificateStatusType::OCSP.write(w)?;
                w.vec(LenPrefix::U24, resp, "OCSPResponse")
            }
            HandshakeMessage::KeyUpdate(req) => {
                w.u8(req.to_u8());
                Ok(())
            }
        }
    }

    /// Appends the encoded message (header + body) to `out`; returns the range it took,
    /// i.e. the exact bytes for the transcript hash.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<core::ops::Range<usize>, EncodeError> {
        let start = out.len();
        let mut w = Writer::new(out);
        w.u8(self.typ().0);
        w.nested(LenPrefix::U24, "Handshake.length", |w| self.write_body(w))?;
        Ok(start..out.len())
    }

    /// The encoded message in a new vector.
    pub fn to_vec(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        self.encode(&mut out)?;
        Ok(out)
    }
}

/// The encoded `message_hash` message that replaces ClientHello1 in the transcript after a
/// HelloRetryRequest: `fe 00 00 Hash.length || Hash(ClientHello1)` (RFC 8446 §4.4.1).
pub fn message_hash_message(client_hello1_hash: &[u8]) -> Result<Vec<u8>, EncodeError> {
    HandshakeMessage::MessageHash(client_hello1_hash).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extensions::{Extension, KeyShareEntry, OfferedPsks, PskIdentity};
    use crate::list::PskBinder;

    fn roundtrip(msg: HandshakeMessage<'_>, version: TlsVersion) {
        let bytes = msg.to_vec().unwrap();
        let decoded = HandshakeMessage::decode(&bytes, version).unwrap();
        assert_eq!(decoded, msg);
        assert_eq!(decoded.to_vec().unwrap(), bytes);
    }

    #[test]
    fn roundtrip_client_hello_with_psk_and_binders_offset() {
        let suites = [CipherSuite::TLS13_AES_128_GCM_SHA256];
        let ids = [PskIdentity {
            identity: b"ticket",
            obfuscated_ticket_age: 7,
        }];
        let binder = [0u8; 32];
        let binders = [PskBinder(&binder)];
        let versions = [ProtocolVersion::TLS13];
        let exts = [
            Extension::SupportedVersions(List::new(&versions)),
            Extension::PreSharedKey(OfferedPsks {
                identities: List::new(&ids),
                binders: List::new(&binders),
            }),
        ];
        let ch = ClientHello {
            legacy_version: ProtocolVersion::TLS12,
            random: Random([1; 32]),
            legacy_session_id: SessionId(&[2; 32]),
            cipher_suites: List::new(&suites),
            compression_methods: List::new(&[Compression::NULL]),
            extensions: Extensions::new(&exts),
        };
        roundtrip(HandshakeMessage::ClientHello(ch), TlsVersion::Tls13);
        let mut bytes = HandshakeMessage::ClientHello(ch).to_vec().unwrap();
        let offset = ch.psk_binders_offset().unwrap();
        assert_eq!(bytes.len() - offset, 2 + 1 + 32);
        assert_eq!(&bytes[offset..offset + 3], &[0, 33, 32]);
        let HandshakeMessage::ClientHello(decoded) =
            HandshakeMessage::decode(&bytes, TlsVersion::Tls13).unwrap()
        else {
            panic!("not a ClientHello")
        };
        assert_eq!(decoded.psk_binders_offset(), Some(offset));
        assert!(decoded.offers_tls13());
        fill_psk_binders(&mut bytes, offset, &[&[0xab; 32]]).unwrap();
        assert_eq!(&bytes[offset + 3..], &[0xab; 32]);
        assert!(fill_psk_binders(&mut bytes, offset, &[&[0xab; 31]]).is_err());
    }

    #[test]
    fn roundtrip_server_hello_and_hrr() {
        let share = KeyShareEntry {
            group: NamedGroup::X25519,
            key_exchange: &[5; 32],
        };
        let exts = [
            Extension::SelectedVersion(ProtocolVersion::TLS13),
            Extension::KeyShareServer(share),
        ];
        let sh = ServerHello {
            legacy_version: ProtocolVersion::TLS12,
            random: Random([3; 32]),
            legacy_session_id_echo: SessionId(&[]),
            cipher_suite: CipherSuite::TLS13_AES_256_GCM_SHA384,
            compression_method: Compression::NULL,
            extensions: Extensions::new(&exts),
        };
        roundtrip(HandshakeMessage::ServerHello(sh), TlsVersion::Tls13);
        assert_eq!(sh.selected_version(), ProtocolVersion::TLS13);

        let hrr_exts = [
            Extension::SelectedVersion(ProtocolVersion::TLS13),
            Extension::KeyShareHelloRetryRequest(NamedGroup::SECP256R1),
            Extension::Cookie(b"cookie"),
        ];
        let hrr = ServerHello {
            random: Random(HELLO_RETRY_REQUEST_RANDOM),
            extensions: Extensions::new(&hrr_exts),
            ..sh
        };
        assert!(hrr.is_hello_retry_request());
        roundtrip(HandshakeMessage::HelloRetryRequest(hrr), TlsVersion::Tls13);
        // The same key_share form in a plain ServerHello does not decode.
        let bytes = HandshakeMessage::ServerHello(ServerHello {
            random: Random([0; 32]),
            ..hrr
        })
        .to_vec()
        .unwrap();
        assert!(HandshakeMessage::decode(&bytes, TlsVersion::Tls13).is_err());
    }

    #[test]
    fn grease_everywhere_is_tolerated() {
        // RFC 8701: GREASE cipher suites, extensions, groups, versions, key shares,
        // signature schemes and PSK modes are ignored, not rejected.
        let suites = [CipherSuite(0x2a2a), CipherSuite::TLS13_AES_128_GCM_SHA256];
        let groups = [NamedGroup(0x3a3a), NamedGroup::X25519];
        let versions = [ProtocolVersion(0x4a4a), ProtocolVersion::TLS13];
        let sigs = [SignatureScheme(0x5a5a), SignatureScheme::ED25519];
        let shares = [
            KeyShareEntry {
                group: NamedGroup(0x3a3a),
                key_exchange: &[0],
            },
            KeyShareEntry {
                group: NamedGroup::X25519,
                key_exchange: &[1; 32],
            },
        ];
        let exts = [
            Extension::Unknown {
                typ: ExtensionType(0x0a0a),
                data: &[],
            },
            Extension::SupportedGroups(List::new(&groups)),
            Extension::SupportedVersions(List::new(&versions)),
            Extension::SignatureAlgorithms(List::new(&sigs)),
            Extension::KeyShareClient(List::new(&shares)),
            Extension::PskKeyExchangeModes(List::new(&[
                crate::PskKeyExchangeMode(0x0b),
                crate::PskKeyExchangeMode::PSK_DHE_KE,
            ])),
            Extension::Unknown {
                typ: ExtensionType(0xfafa),
                data: &[0],
            },
        ];
        let ch = ClientHello {
            legacy_version: ProtocolVersion::TLS12,
            random: Random([0; 32]),
            legacy_session_id: SessionId(&[]),
            cipher_suites: List::new(&suites),
            compression_methods: List::new(&[Compression::NULL]),
            extensions: Extensions::new(&exts),
        };
        roundtrip(HandshakeMessage::ClientHello(ch), TlsVersion::Tls13);
        let bytes = HandshakeMessage::ClientHello(ch).to_vec().unwrap();
        let HandshakeMessage::ClientHello(d) =
            HandshakeMessage::decode(&bytes, TlsVersion::Tls13).unwrap()
        else {
            panic!("not a ClientHello")
        };
        assert!(d.offers_tls13());
        assert!(d.extensions.types().filter(|t| t.is_grease()).count() == 2);
        assert!(d.cipher_suites.iter().any(|c| c.is_grease()));
        assert!(HandshakeMessage::ClientHello(d)
            .to_string()
            .contains("GREASE (0x2a2a)"));
    }

    #[test]
    fn downgrade_sentinels() {
        let mut r = [0u8; 32];
        r[24..].copy_from_slice(&DOWNGRADE_TLS12);
        assert_eq!(
            Random(r).downgrade_sentinel(),
            Some(DowngradeSentinel::Tls12)
        );
        r[24..].copy_from_slice(&DOWNGRADE_TLS11);
        assert_eq!(
            Random(r).downgrade_sentinel(),
            Some(DowngradeSentinel::Tls11)
        );
        assert_eq!(Random([0; 32]).downgrade_sentinel(), None);
    }

    #[test]
    fn roundtrip_tls12_server_flight() {
        let cert = [0x30, 0x03, 1, 2, 3];
        let certs = [CertificateDer(&cert)];
        roundtrip(
            HandshakeMessage::Certificate12(Certificate12 {
                certificate_list: List::new(&certs),
            }),
            TlsVersion::Tls12,
        );
        roundtrip(
            HandshakeMessage::ServerKeyExchange(ServerKeyExchange {
                params: EcdheParams {
                    named_group: NamedGroup::X25519,
                    public: &[4; 32],
                },
                signed_params: DigitallySigned {
                    algorithm: SignatureScheme::RSA_PSS_RSAE_SHA256,
                    signature: &[6; 256],
                },
            }),
            TlsVersion::Tls12,
        );
        let dn = [DistinguishedName(&[0x30, 0])];
        roundtrip(
            HandshakeMessage::CertificateRequest12(CertificateRequest12 {
                certificate_types: List::new(&[
                    ClientCertificateType::ECDSA_SIGN,
                    ClientCertificateType::RSA_SIGN,
                ]),
                supported_signature_algorithms: List::new(&[
                    SignatureScheme::ECDSA_SECP256R1_SHA256,
                ]),
                certificate_authorities: List::new(&dn),
            }),
            TlsVersion::Tls12,
        );
        roundtrip(HandshakeMessage::ServerHelloDone, TlsVersion::Tls12);
        roundtrip(
            HandshakeMessage::ClientKeyExchange(ClientKeyExchange::Raw(&[1, 9])),
            TlsVersion::Tls12,
        );
        roundtrip(
            HandshakeMessage::NewSessionTicket12(NewSessionTicket12 {
                ticket_lifetime_hint: 300,
                ticket: b"opaque",
            }),
            TlsVersion::Tls12,
        );
        roundtrip(HandshakeMessage::Finished(&[7; 12]), TlsVersion::Tls12);
        roundtrip(HandshakeMessage::HelloRequest, TlsVersion::Tls12);
        roundtrip(
            HandshakeMessage::CertificateStatus(&[0x30, 0]),
            TlsVersion::Tls12,
        );
    }

    #[test]
    fn roundtrip_tls13_server_flight() {
        let alpn = [crate::list::ProtocolName(b"h2")];
        let ee = [Extension::Alpn(List::new(&alpn)), Extension::ServerNameAck];
        roundtrip(
            HandshakeMessage::EncryptedExtensions(Extensions::new(&ee)),
            TlsVersion::Tls13,
        );
        let ocsp = [Extension::CertificateStatus(&[0x30, 0])];
        let entries = [
            CertificateEntry {
                cert_data: &[0x30, 1, 0],
                extensions: Extensions::new(&ocsp),
            },
            CertificateEntry {
                cert_data: &[0x30, 1, 1],
                extensions: Extensions::empty(),
            },
        ];
        roundtrip(
            HandshakeMessage::Certificate13(Certificate13 {
                certificate_request_context: &[],
                certificate_list: List::new(&entries),
            }),
            TlsVersion::Tls13,
        );
        let sigs = [SignatureScheme::ED25519];
        let cr = [Extension::SignatureAlgorithms(List::new(&sigs))];
        roundtrip(
            HandshakeMessage::CertificateRequest13(CertificateRequest13 {
                certificate_request_context: b"ctx",
                extensions: Extensions::new(&cr),
            }),
            TlsVersion::Tls13,
        );
        roundtrip(
            HandshakeMessage::CertificateVerify(DigitallySigned {
                algorithm: SignatureScheme::ED25519,
                signature: &[1; 64],
            }),
            TlsVersion::Tls13,
        );
        roundtrip(HandshakeMessage::Finished(&[9; 32]), TlsVersion::Tls13);
        let nst_ext = [Extension::EarlyDataMax(1024)];
        roundtrip(
            HandshakeMessage::NewSessionTicket13(NewSessionTicket13 {
                ticket_lifetime: 7200,
                ticket_age_add: 0xdeadbeef,
                ticket_nonce: &[0],
                ticket: b"ticket",
                extensions: Extensions::new(&nst_ext),
            }),
            TlsVersion::Tls13,
        );
        roundtrip(
            HandshakeMessage::KeyUpdate(KeyUpdateRequest::UpdateRequested),
            TlsVersion::Tls13,
        );
        roundtrip(HandshakeMessage::EndOfEarlyData, TlsVersion::Tls13);
    }

    #[test]
    fn wrong_version_message_is_unexpected() {
        let bytes = HandshakeMessage::ServerHelloDone.to_vec().unwrap();
        let e = HandshakeMessage::decode(&bytes, TlsVersion::Tls13).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::UnexpectedMessage);
        let e = HandshakeMessage::decode(&[254, 0, 0, 1, 0], TlsVersion::Tls13).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::UnexpectedMessage);
    }

    #[test]
    fn certificate_request13_requires_signature_algorithms() {
        let exts = [Extension::CertificateAuthorities(List::new(&[
            DistinguishedName(&[0x30, 0]),
        ]))];
        let bytes = HandshakeMessage::CertificateRequest13(CertificateRequest13 {
            certificate_request_context: &[],
            extensions: Extensions::new(&exts),
        })
        .to_vec()
        .unwrap();
        let e = HandshakeMessage::decode(&bytes, TlsVersion::Tls13).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::MissingExtension);
    }

    #[test]
    fn message_hash_layout() {
        let m = message_hash_message(&[0xaa; 32]).unwrap();
        assert_eq!(&m[..4], &[254, 0, 0, 32]);
        assert_eq!(m.len(), 36);
    }

    #[test]
    fn ecdhe_client_key_exchange_forms() {
        let raw = ClientKeyExchange::Raw(&[3, 1, 2, 3]);
        assert_eq!(raw.ecdhe_public().unwrap(), &[1, 2, 3]);
        assert!(raw.rsa_encrypted_pre_master().is_err());
        assert!(ClientKeyExchange::Raw(&[0]).ecdhe_public().is_err());
    }
}
