//! Decode and encode errors. Every decode error carries the alert a TLS peer must send
//! (RFC 8446 §6.2): the mapping from failure to alert is chosen here, in one place.

use crate::alert::AlertDescription;

/// What went wrong while decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// Fewer bytes than a length or fixed-size field requires.
    Truncated,
    /// Bytes left over after a complete structure.
    TrailingBytes,
    /// A length outside the bounds the RFC gives for the field.
    LengthOutOfRange,
    /// A list the RFC forbids to be empty was empty.
    EmptyList,
    /// The same extension type appeared twice in one block (RFC 8446 §4.2).
    DuplicateExtension(u16),
    /// A known extension in a message where the RFC does not allow it (RFC 8446 §4.2).
    ExtensionNotAllowed(u16),
    /// A field whose value the RFC does not allow.
    IllegalValue,
    /// A record or message longer than the limit.
    TooLarge,
    /// A record content type or handshake type not expected here.
    UnexpectedMessage,
    /// A required extension is missing.
    MissingExtension(u16),
}

/// A decoding failure: what, where, and the alert to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    alert: AlertDescription,
    field: &'static str,
}

impl DecodeError {
    /// A new error with an explicit alert.
    pub const fn new(kind: DecodeErrorKind, alert: AlertDescription, field: &'static str) -> Self {
        DecodeError { kind, alert, field }
    }

    /// Truncated input: `decode_error`.
    pub const fn truncated(field: &'static str) -> Self {
        Self::new(
            DecodeErrorKind::Truncated,
            AlertDescription::DecodeError,
            field,
        )
    }

    /// Trailing bytes: `decode_error`.
    pub const fn trailing(field: &'static str) -> Self {
        Self::new(
            DecodeErrorKind::TrailingBytes,
            AlertDescription::DecodeError,
            field,
        )
    }

    /// Length out of the RFC's bounds: `decode_error`.
    pub const fn length(field: &'static str) -> Self {
        Self::new(
            DecodeErrorKind::LengthOutOfRange,
            AlertDescription::DecodeError,
            field,
        )
    }

    /// Forbidden empty list: `decode_error`.
    pub const fn empty(field: &'static str) -> Self {
        Self::new(
            DecodeErrorKind::EmptyList,
            AlertDescription::DecodeError,
            field,
        )
    }

    /// A syntactically valid but forbidden value: `illegal_parameter`.
    pub const fn illegal_parameter(field: &'static str) -> Self {
        Self::new(
            DecodeErrorKind::IllegalValue,
            AlertDescription::IllegalParameter,
            field,
        )
    }

    /// A message or record that has no place here: `unexpected_message`.
    pub const fn unexpected(field: &'static str) -> Self {
        Self::new(
            DecodeErrorKind::UnexpectedMessage,
            AlertDescription::UnexpectedMessage,
            field,
        )
    }

    /// The kind of failure.
    pub const fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// The alert description a TLS endpoint must send for this failure.
    pub const fn alert(&self) -> AlertDescription {
        self.alert
    }

    /// The structure or field being decoded, e.g. `"ClientHello.cipher_suites"`.
    pub const fn field(&self) -> &'static str {
        self.field
    }
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let what = match self.kind {
            DecodeErrorKind::Truncated => "truncated".to_string(),
            DecodeErrorKind::TrailingBytes => "trailing bytes".to_string(),
            DecodeErrorKind::LengthOutOfRange => "length out of range".to_string(),
            DecodeErrorKind::EmptyList => "empty list".to_string(),
            DecodeErrorKind::DuplicateExtension(t) => format!("duplicate extension 0x{t:04x}"),
            DecodeErrorKind::ExtensionNotAllowed(t) => {
                format!("extension 0x{t:04x} not allowed in this message")
            }
            DecodeErrorKind::IllegalValue => "illegal value".to_string(),
            DecodeErrorKind::TooLarge => "too large".to_string(),
            DecodeErrorKind::UnexpectedMessage => "unexpected message".to_string(),
            DecodeErrorKind::MissingExtension(t) => format!("missing extension 0x{t:04x}"),
        };
        write!(f, "{what} in {} (alert {})", self.field, self.alert)
    }
}

impl std::error::Error for DecodeError {}

/// An encoding failure: a value too long for its length prefix. Encoding never panics;
/// it reports this instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncodeError {
    field: &'static str,
}

impl EncodeError {
    /// A field too long for its length prefix.
    pub const fn too_long(field: &'static str) -> Self {
        EncodeError { field }
    }

    /// The field that did not fit.
    pub const fn field(&self) -> &'static str {
        self.field
    }
}

impl core::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} is too long for its length prefix", self.field)
    }
}

impl std::error::Error for EncodeError {}
