//! # tlskit-wire
//!
//! Bytes ⇄ typed TLS 1.2 and TLS 1.3 messages. No crypto, no I/O: a packet inspector, a
//! fuzzer or a proxy can use it alone.
//!
//! - [`record`]: record headers, size limits, and the streaming [`Deframer`].
//! - [`joiner`]: [`HandshakeJoiner`] reassembles handshake messages and hands back their
//!   exact encoded bytes (for the transcript hash).
//! - [`handshake`]: every handshake message, and [`HandshakeMessage`] with its 4-byte header.
//! - [`extensions`]: every hello extension; unknown ones are kept raw.
//! - [`alert`]: [`AlertDescription`] (every RFC 8446 §6 and RFC 5246 value) and [`Alert`].
//! - [`enums`]: code points ([`CipherSuite`], [`NamedGroup`], [`SignatureScheme`], ...) as
//!   newtypes: any value decodes, known ones have names.
//! - [`trace`]: a readable dump of each message with the RFC field names.
//!
//! Decoding borrows from the input (`&'a [u8]` in, types holding `&'a` slices out) and does
//! not allocate; lists are validated once and then iterated lazily ([`List`]). Decoding is
//! strict: every length is checked against the RFC's bounds, trailing bytes, duplicate
//! extensions and forbidden empty lists are rejected, and every [`DecodeError`] names the
//! alert a peer must send. Encoding appends to the caller's `Vec<u8>` and never panics:
//! a value too long for its length prefix is an [`EncodeError`].

#![forbid(unsafe_code)]

pub mod alert;
pub mod codec;
pub mod enums;
pub mod error;
pub mod extensions;
pub mod handshake;
pub mod joiner;
pub mod list;
pub mod record;
pub mod trace;

pub use alert::{Alert, AlertDescription, AlertLevel};
pub use codec::{Codec, LenPrefix, Reader, Writer};
pub use enums::{
    CertificateStatusType, CipherSuite, ClientCertificateType, Compression, ContentType,
    EcCurveType, EcPointFormat, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion,
    PskKeyExchangeMode, ServerNameType, SignatureScheme,
};
pub use error::{DecodeError, DecodeErrorKind, EncodeError};
pub use extensions::{
    CertificateStatusRequest, Extension, ExtensionContext, Extensions, KeyShareEntry, OfferedPsks,
    PskIdentity, ResponderId, ServerName,
};
pub use handshake::{
    fill_psk_binders, message_hash_message, Certificate12, Certificate13, CertificateEntry,
    CertificateRequest12, CertificateRequest13, ClientHello, ClientKeyExchange, DigitallySigned,
    DowngradeSentinel, EcdheParams, HandshakeMessage, KeyUpdateRequest, NewSessionTicket12,
    NewSessionTicket13, Random, ServerHello, ServerKeyExchange, SessionId, TlsVersion,
    DOWNGRADE_TLS11, DOWNGRADE_TLS12, HANDSHAKE_HEADER_LEN, HELLO_RETRY_REQUEST_RANDOM,
};
pub use joiner::{HandshakeJoiner, RawHandshake};
pub use list::{CertificateDer, DistinguishedName, List, ProtocolName, PskBinder};
pub use record::{
    ChangeCipherSpec, Deframer, Record, RecordHeader, RecordMut, MAX_CIPHERTEXT_LEN_TLS12,
    MAX_CIPHERTEXT_LEN_TLS13, MAX_PLAINTEXT_LEN, RECORD_HEADER_LEN,
};
