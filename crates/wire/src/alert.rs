//! Alert protocol: levels, descriptions and the two-byte Alert message.
//! RFC 8446 §6 and RFC 5246 §7.2.

use crate::codec::{Reader, Writer};
use crate::error::{DecodeError, EncodeError};

/// AlertLevel (RFC 8446 §6, RFC 5246 §7.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AlertLevel {
    /// warning(1)
    Warning,
    /// fatal(2)
    Fatal,
    /// Any other value (not valid on the wire; decode rejects it).
    Unknown(u8),
}

impl AlertLevel {
    /// The wire value.
    pub const fn to_u8(self) -> u8 {
        match self {
            AlertLevel::Warning => 1,
            AlertLevel::Fatal => 2,
            AlertLevel::Unknown(v) => v,
        }
    }

    /// Maps a wire value.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            1 => AlertLevel::Warning,
            2 => AlertLevel::Fatal,
            other => AlertLevel::Unknown(other),
        }
    }

    /// RFC name of the level.
    pub const fn name(self) -> &'static str {
        match self {
            AlertLevel::Warning => "warning",
            AlertLevel::Fatal => "fatal",
            AlertLevel::Unknown(_) => "unknown",
        }
    }
}

macro_rules! alert_descriptions {
    ($( $(#[$doc:meta])* $variant:ident = $value:literal, $name:literal; )*) => {
        /// AlertDescription: every value of RFC 8446 §6 plus the TLS 1.2 ones of RFC 5246
        /// §7.2 and the extension RFCs (RFC 6066, RFC 7301, RFC 7507, RFC 8446).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum AlertDescription {
            $( $(#[$doc])* $variant, )*
            /// A value this crate does not name.
            Unknown(u8),
        }

        impl AlertDescription {
            /// The wire value.
            pub const fn to_u8(self) -> u8 {
                match self {
                    $( AlertDescription::$variant => $value, )*
                    AlertDescription::Unknown(v) => v,
                }
            }

            /// Maps a wire value; values not named here become `Unknown`.
            pub const fn from_u8(v: u8) -> Self {
                match v {
                    $( $value => AlertDescription::$variant, )*
                    other => AlertDescription::Unknown(other),
                }
            }

            /// The RFC's name, e.g. `"decode_error"`.
            pub const fn name(self) -> &'static str {
                match self {
                    $( AlertDescription::$variant => $name, )*
                    AlertDescription::Unknown(_) => "unknown",
                }
            }
        }
    };
}

alert_descriptions! {
    /// close_notify(0)
    CloseNotify = 0, "close_notify";
    /// unexpected_message(10)
    UnexpectedMessage = 10, "unexpected_message";
    /// bad_record_mac(20)
    BadRecordMac = 20, "bad_record_mac";
    /// decryption_failed_RESERVED(21), RFC 5246.
    DecryptionFailed = 21, "decryption_failed";
    /// record_overflow(22)
    RecordOverflow = 22, "record_overflow";
    /// decompression_failure_RESERVED(30), RFC 5246.
    DecompressionFailure = 30, "decompression_failure";
    /// handshake_failure(40)
    HandshakeFailure = 40, "handshake_failure";
    /// no_certificate_RESERVED(41), SSLv3.
    NoCertificate = 41, "no_certificate";
    /// bad_certificate(42)
    BadCertificate = 42, "bad_certificate";
    /// unsupported_certificate(43)
    UnsupportedCertificate = 43, "unsupported_certificate";
    /// certificate_revoked(44)
    CertificateRevoked = 44, "certificate_revoked";
    /// certificate_expired(45)
    CertificateExpired = 45, "certificate_expired";
    /// certificate_unknown(46)
    CertificateUnknown = 46, "certificate_unknown";
    /// illegal_parameter(47)
    IllegalParameter = 47, "illegal_parameter";
    /// unknown_ca(48)
    UnknownCa = 48, "unknown_ca";
    /// access_denied(49)
    AccessDenied = 49, "access_denied";
    /// decode_error(50)
    DecodeError = 50, "decode_error";
    /// decrypt_error(51)
    DecryptError = 51, "decrypt_error";
    /// export_restriction_RESERVED(60), RFC 5246.
    ExportRestriction = 60, "export_restriction";
    /// protocol_version(70)
    ProtocolVersion = 70, "protocol_version";
    /// insufficient_security(71)
    InsufficientSecurity = 71, "insufficient_security";
    /// internal_error(80)
    InternalError = 80, "internal_error";
    /// inappropriate_fallback(86), RFC 7507.
    InappropriateFallback = 86, "inappropriate_fallback";
    /// user_canceled(90)
    UserCanceled = 90, "user_canceled";
    /// no_renegotiation(100), RFC 5246.
    NoRenegotiation = 100, "no_renegotiation";
    /// missing_extension(109)
    MissingExtension = 109, "missing_extension";
    /// unsupported_extension(110)
    UnsupportedExtension = 110, "unsupported_extension";
    /// certificate_unobtainable_RESERVED(111), RFC 6066.
    CertificateUnobtainable = 111, "certificate_unobtainable";
    /// unrecognized_name(112)
    UnrecognizedName = 112, "unrecognized_name";
    /// bad_certificate_status_response(113)
    BadCertificateStatusResponse = 113, "bad_certificate_status_response";
    /// bad_certificate_hash_value_RESERVED(114), RFC 6066.
    BadCertificateHashValue = 114, "bad_certificate_hash_value";
    /// unknown_psk_identity(115)
    UnknownPskIdentity = 115, "unknown_psk_identity";
    /// certificate_required(116)
    CertificateRequired = 116, "certificate_required";
    /// no_application_protocol(120), RFC 7301.
    NoApplicationProtocol = 120, "no_application_protocol";
}

impl core::fmt::Display for AlertDescription {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            AlertDescription::Unknown(v) => write!(f, "unknown({v})"),
            known => write!(f, "{}({})", known.name(), known.to_u8()),
        }
    }
}

/// The Alert message carried in a record of type alert (RFC 8446 §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Alert {
    /// level
    pub level: AlertLevel,
    /// description
    pub description: AlertDescription,
}

impl Alert {
    /// A fatal alert with this description.
    pub const fn fatal(description: AlertDescription) -> Self {
        Alert {
            level: AlertLevel::Fatal,
            description,
        }
    }

    /// A warning alert with this description (close_notify, user_canceled, TLS 1.2's
    /// no_renegotiation).
    pub const fn warning(description: AlertDescription) -> Self {
        Alert {
            level: AlertLevel::Warning,
            description,
        }
    }

    /// Decodes a whole alert record payload: exactly two bytes, a known level.
    pub fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(payload, "Alert");
        let level = AlertLevel::from_u8(r.u8()?);
        let description = AlertDescription::from_u8(r.u8()?);
        r.finish()?;
        if let AlertLevel::Unknown(_) = level {
            return Err(DecodeError::illegal_parameter("Alert.level"));
        }
        Ok(Alert { level, description })
    }

    /// The two wire bytes.
    pub const fn to_bytes(self) -> [u8; 2] {
        [self.level.to_u8(), self.description.to_u8()]
    }

    /// Appends the two wire bytes.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let mut w = Writer::new(out);
        w.u8(self.level.to_u8());
        w.u8(self.description.to_u8());
        Ok(())
    }
}

impl core::fmt::Display for Alert {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "Alert {{ level: {}({}), description: {} }}",
            self.level.name(),
            self.level.to_u8(),
            self.description
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_description_roundtrips_through_u8() {
        for v in 0..=255u8 {
            assert_eq!(AlertDescription::from_u8(v).to_u8(), v);
        }
        assert_eq!(AlertDescription::from_u8(50), AlertDescription::DecodeError);
        assert_eq!(AlertDescription::NoRenegotiation.to_u8(), 100);
        assert_eq!(
            AlertDescription::CertificateRequired.name(),
            "certificate_required"
        );
    }

    #[test]
    fn roundtrip_alert() {
        let a = Alert::fatal(AlertDescription::HandshakeFailure);
        let mut out = Vec::new();
        a.encode(&mut out).unwrap();
        assert_eq!(out, [2, 40]);
        assert_eq!(Alert::decode(&out).unwrap(), a);
    }

    #[test]
    fn truncated_alert_is_decode_error() {
        for bad in [&[][..], &[2][..], &[2, 40, 0][..]] {
            let e = Alert::decode(bad).unwrap_err();
            assert_eq!(e.alert(), AlertDescription::DecodeError);
        }
        let e = Alert::decode(&[9, 0]).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::IllegalParameter);
    }
}
