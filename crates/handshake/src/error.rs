//! The handshake crate's error type. Every error a peer can cause maps to exactly one
//! alert description, chosen here ([`Error::alert`]).

use std::fmt;
use tlskit_wire::AlertDescription;

/// Why a connection failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// We detected a protocol violation or failure and sent (or will send) `alert`.
    /// `reason` says what was expected and what came.
    Fatal {
        /// The alert sent to the peer.
        alert: AlertDescription,
        /// A human-readable reason.
        reason: String,
    },
    /// The peer sent a fatal alert.
    PeerAlert(AlertDescription),
    /// The peer's certificate was rejected by the verifier (the alert is inside).
    Certificate {
        /// The alert sent (bad_certificate, unknown_ca, certificate_expired, …).
        alert: AlertDescription,
        /// The verifier's explanation.
        reason: String,
    },
    /// The transport closed without close_notify (possible truncation attack).
    UnexpectedEof,
    /// The connection is already closed or failed; no further processing.
    Closed,
    /// A configuration or local failure (no key loaded, provider lacks an algorithm).
    Config(String),
}

impl Error {
    /// A fatal error with `alert`.
    pub fn fatal(alert: AlertDescription, reason: impl Into<String>) -> Self {
        Error::Fatal {
            alert,
            reason: reason.into(),
        }
    }

    /// `decode_error`.
    pub fn decode(reason: impl Into<String>) -> Self {
        Self::fatal(AlertDescription::DecodeError, reason)
    }

    /// `unexpected_message`: `got` arrived while `expected` was awaited.
    pub fn unexpected(expected: &str, got: impl fmt::Display) -> Self {
        Self::fatal(
            AlertDescription::UnexpectedMessage,
            format!("expected {expected}, got {got}"),
        )
    }

    /// `illegal_parameter`.
    pub fn illegal(reason: impl Into<String>) -> Self {
        Self::fatal(AlertDescription::IllegalParameter, reason)
    }

    /// `handshake_failure`.
    pub fn handshake_failure(reason: impl Into<String>) -> Self {
        Self::fatal(AlertDescription::HandshakeFailure, reason)
    }

    /// `internal_error`.
    pub fn internal(reason: impl Into<String>) -> Self {
        Self::fatal(AlertDescription::InternalError, reason)
    }

    /// The alert we must send for this error, if any.
    pub fn alert(&self) -> Option<AlertDescription> {
        match self {
            Error::Fatal { alert, .. } | Error::Certificate { alert, .. } => Some(*alert),
            Error::Config(_) => Some(AlertDescription::InternalError),
            Error::PeerAlert(_) | Error::UnexpectedEof | Error::Closed => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Fatal { alert, reason } => write!(f, "{reason} (sent {})", alert.name()),
            Error::PeerAlert(a) => write!(f, "peer sent fatal alert {}", a.name()),
            Error::Certificate { alert, reason } => {
                write!(f, "certificate rejected: {reason} (sent {})", alert.name())
            }
            Error::UnexpectedEof => f.write_str("peer closed the transport without close_notify"),
            Error::Closed => f.write_str("connection closed"),
            Error::Config(s) => write!(f, "configuration: {s}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<tlskit_wire::DecodeError> for Error {
    fn from(e: tlskit_wire::DecodeError) -> Self {
        Error::fatal(e.alert(), e.to_string())
    }
}

impl From<crate::record::RecordError> for Error {
    fn from(e: crate::record::RecordError) -> Self {
        use crate::record::RecordError as R;
        match e {
            R::BadRecordMac => Error::fatal(
                AlertDescription::BadRecordMac,
                "record authentication failed",
            ),
            R::Overflow => Error::fatal(AlertDescription::RecordOverflow, "record too long"),
            R::NoContentType => Error::fatal(
                AlertDescription::UnexpectedMessage,
                "TLS 1.3 record without content type",
            ),
            R::SequenceExhausted => Error::internal("record sequence number exhausted"),
            R::Crypto(c) => Error::internal(format!("record protection: {c}")),
        }
    }
}

impl From<tlskit_crypto::CryptoError> for Error {
    fn from(e: tlskit_crypto::CryptoError) -> Self {
        use tlskit_crypto::CryptoError as C;
        match e {
            C::BadSignature => {
                Error::fatal(AlertDescription::DecryptError, "signature did not verify")
            }
            C::InvalidPeerKey => Error::illegal("invalid key share from peer"),
            C::DecryptFailed => Error::fatal(AlertDescription::BadRecordMac, "decryption failed"),
            other => Error::internal(other.to_string()),
        }
    }
}
