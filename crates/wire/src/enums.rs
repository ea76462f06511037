//! Wire code points as newtypes over their integer, with named constants. Any value decodes
//! (unknown ones are kept as they are); `name()` gives the registry name where known.
//! Registries: RFC 8446 §4.1.2/§4.2/§B.3, RFC 5246 §A, RFC 8422, IANA TLS parameters.

use crate::codec::{Codec, Reader, Writer};
use crate::error::{DecodeError, EncodeError};

macro_rules! codepoint {
    (
        $(#[$doc:meta])*
        $name:ident($int:ty, $read:ident) {
            $( $(#[$cdoc:meta])* $konst:ident = $value:literal, $label:literal; )*
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $int);

        impl $name {
            $( $(#[$cdoc])* pub const $konst: $name = $name($value); )*

            /// Every value this crate names, in registry order.
            pub const KNOWN: &'static [$name] = &[$( $name($value), )*];

            /// The registry name, or `None` for a value this crate does not name.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $value => Some($label), )*
                    _ => None,
                }
            }

            /// The integer on the wire.
            pub const fn get(self) -> $int {
                self.0
            }
        }

        impl From<$int> for $name {
            fn from(v: $int) -> Self {
                $name(v)
            }
        }

        impl From<$name> for $int {
            fn from(v: $name) -> Self {
                v.0
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, "{}(0x{:x})", stringify!($name), self.0),
                }
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                let width = core::mem::size_of::<$int>() * 2;
                match self.name() {
                    Some(n) => write!(f, "{n} (0x{:0width$x})", self.0, width = width),
                    None if grease_like(u64::from(self.0), width) => {
                        write!(f, "GREASE (0x{:0width$x})", self.0, width = width)
                    }
                    None => write!(f, "unknown (0x{:0width$x})", self.0, width = width),
                }
            }
        }

        impl<'a> Codec<'a> for $name {
            fn read(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
                Ok($name(r.$read()?))
            }
            fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
                w.$read(self.0);
                Ok(())
            }
        }
    };
}

/// GREASE (RFC 8701): 16-bit values 0x?a?a with both bytes equal. 8-bit registries have
/// no GREASE except psk_key_exchange_modes (0x0b, 0x2a, ...), not flagged here.
const fn grease_like(v: u64, hex_width: usize) -> bool {
    hex_width == 4 && (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff)
}

/// Whether a 16-bit code point is a GREASE value (RFC 8701 §2).
pub const fn is_grease_u16(v: u16) -> bool {
    grease_like(v as u64, 4)
}

codepoint! {
    /// ContentType (RFC 8446 §5.1).
    ContentType(u8, u8) {
        /// change_cipher_spec(20)
        CHANGE_CIPHER_SPEC = 20, "change_cipher_spec";
        /// alert(21)
        ALERT = 21, "alert";
        /// handshake(22)
        HANDSHAKE = 22, "handshake";
        /// application_data(23)
        APPLICATION_DATA = 23, "application_data";
        /// heartbeat(24), RFC 6520.
        HEARTBEAT = 24, "heartbeat";
    }
}

codepoint! {
    /// ProtocolVersion (RFC 8446 §4.1.2, §4.2.1).
    ProtocolVersion(u16, u16) {
        /// SSL 3.0
        SSLV3 = 0x0300, "SSL 3.0";
        /// TLS 1.0
        TLS10 = 0x0301, "TLS 1.0";
        /// TLS 1.1
        TLS11 = 0x0302, "TLS 1.1";
        /// TLS 1.2
        TLS12 = 0x0303, "TLS 1.2";
        /// TLS 1.3
        TLS13 = 0x0304, "TLS 1.3";
    }
}

impl ProtocolVersion {
    /// Whether this is a GREASE value (RFC 8701).
    pub const fn is_grease(self) -> bool {
        is_grease_u16(self.0)
    }
}

codepoint! {
    /// HandshakeType (RFC 8446 §4, RFC 5246 §7.4).
    HandshakeType(u8, u8) {
        /// hello_request(0), TLS 1.2 only.
        HELLO_REQUEST = 0, "hello_request";
        /// client_hello(1)
        CLIENT_HELLO = 1, "client_hello";
        /// server_hello(2)
        SERVER_HELLO = 2, "server_hello";
        /// hello_verify_request(3), DTLS only.
        HELLO_VERIFY_REQUEST = 3, "hello_verify_request";
        /// new_session_ticket(4)
        NEW_SESSION_TICKET = 4, "new_session_ticket";
        /// end_of_early_data(5)
        END_OF_EARLY_DATA = 5, "end_of_early_data";
        /// encrypted_extensions(8)
        ENCRYPTED_EXTENSIONS = 8, "encrypted_extensions";
        /// certificate(11)
        CERTIFICATE = 11, "certificate";
        /// server_key_exchange(12), TLS 1.2 only.
        SERVER_KEY_EXCHANGE = 12, "server_key_exchange";
        /// certificate_request(13)
        CERTIFICATE_REQUEST = 13, "certificate_request";
        /// server_hello_done(14), TLS 1.2 only.
        SERVER_HELLO_DONE = 14, "server_hello_done";
        /// certificate_verify(15)
        CERTIFICATE_VERIFY = 15, "certificate_verify";
        /// client_key_exchange(16), TLS 1.2 only.
        CLIENT_KEY_EXCHANGE = 16, "client_key_exchange";
        /// finished(20)
        FINISHED = 20, "finished";
        /// certificate_status(22), RFC 6066, TLS 1.2 only.
        CERTIFICATE_STATUS = 22, "certificate_status";
        /// key_update(24)
        KEY_UPDATE = 24, "key_update";
        /// message_hash(254), synthetic (RFC 8446 §4.4.1).
        MESSAGE_HASH = 254, "message_hash";
    }
}

codepoint! {
    /// CipherSuite (RFC 8446 §B.4, RFC 5289, RFC 7905, RFC 5288).
    CipherSuite(u16, u16) {
        /// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746)
        TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV";
        /// TLS_RSA_WITH_3DES_EDE_CBC_SHA
        TLS_RSA_WITH_3DES_EDE_CBC_SHA = 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA";
        /// TLS_RSA_WITH_AES_128_CBC_SHA
        TLS_RSA_WITH_AES_128_CBC_SHA = 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA";
        /// TLS_DHE_RSA_WITH_AES_128_CBC_SHA
        TLS_DHE_RSA_WITH_AES_128_CBC_SHA = 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA";
        /// TLS_RSA_WITH_AES_256_CBC_SHA
        TLS_RSA_WITH_AES_256_CBC_SHA = 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA";
        /// TLS_DHE_RSA_WITH_AES_256_CBC_SHA
        TLS_DHE_RSA_WITH_AES_256_CBC_SHA = 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA";
        /// TLS_RSA_WITH_AES_128_CBC_SHA256
        TLS_RSA_WITH_AES_128_CBC_SHA256 = 0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256";
        /// TLS_RSA_WITH_AES_256_CBC_SHA256
        TLS_RSA_WITH_AES_256_CBC_SHA256 = 0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256";
        /// TLS_DHE_RSA_WITH_AES_128_CBC_SHA256
        TLS_DHE_RSA_WITH_AES_128_CBC_SHA256 = 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256";
        /// TLS_DHE_RSA_WITH_AES_256_CBC_SHA256
        TLS_DHE_RSA_WITH_AES_256_CBC_SHA256 = 0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256";
        /// TLS_RSA_WITH_AES_128_GCM_SHA256
        TLS_RSA_WITH_AES_128_GCM_SHA256 = 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256";
        /// TLS_RSA_WITH_AES_256_GCM_SHA384
        TLS_RSA_WITH_AES_256_GCM_SHA384 = 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384";
        /// TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
        TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 = 0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256";
        /// TLS_DHE_RSA_WITH_AES_256_GCM_SHA384
        TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 = 0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384";
        /// TLS_AES_128_GCM_SHA256
        TLS13_AES_128_GCM_SHA256 = 0x1301, "TLS_AES_128_GCM_SHA256";
        /// TLS_AES_256_GCM_SHA384
        TLS13_AES_256_GCM_SHA384 = 0x1302, "TLS_AES_256_GCM_SHA384";
        /// TLS_CHACHA20_POLY1305_SHA256
        TLS13_CHACHA20_POLY1305_SHA256 = 0x1303, "TLS_CHACHA20_POLY1305_SHA256";
        /// TLS_AES_128_CCM_SHA256
        TLS13_AES_128_CCM_SHA256 = 0x1304, "TLS_AES_128_CCM_SHA256";
        /// TLS_AES_128_CCM_8_SHA256
        TLS13_AES_128_CCM_8_SHA256 = 0x1305, "TLS_AES_128_CCM_8_SHA256";
        /// TLS_FALLBACK_SCSV (RFC 7507)
        TLS_FALLBACK_SCSV = 0x5600, "TLS_FALLBACK_SCSV";
        /// TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
        TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA = 0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA";
        /// TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA
        TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA = 0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA";
        /// TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA
        TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA = 0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA";
        /// TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
        TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA = 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA";
        /// TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
        TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA = 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA";
        /// TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256
        TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 = 0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256";
        /// TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384
        TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 = 0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384";
        /// TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256
        TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 = 0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256";
        /// TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384
        TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 = 0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384";
        /// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
        /// TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
        TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
        /// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
        /// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";
        /// TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
        TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
        /// TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
        TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";
        /// TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256
        TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
    }
}

impl CipherSuite {
    /// Whether this is a GREASE value (RFC 8701).
    pub const fn is_grease(self) -> bool {
        is_grease_u16(self.0)
    }
}

codepoint! {
    /// NamedGroup (RFC 8446 §4.2.7, RFC 8422 §5.1.1).
    NamedGroup(u16, u16) {
        /// secp256r1
        SECP256R1 = 0x0017, "secp256r1";
        /// secp384r1
        SECP384R1 = 0x0018, "secp384r1";
        /// secp521r1
        SECP521R1 = 0x0019, "secp521r1";
        /// x25519
        X25519 = 0x001d, "x25519";
        /// x448
        X448 = 0x001e, "x448";
        /// ffdhe2048
        FFDHE2048 = 0x0100, "ffdhe2048";
        /// ffdhe3072
        FFDHE3072 = 0x0101, "ffdhe3072";
        /// ffdhe4096
        FFDHE4096 = 0x0102, "ffdhe4096";
        /// ffdhe6144
        FFDHE6144 = 0x0103, "ffdhe6144";
        /// ffdhe8192
        FFDHE8192 = 0x0104, "ffdhe8192";
        /// X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem)
        X25519MLKEM768 = 0x11ec, "X25519MLKEM768";
    }
}

impl NamedGroup {
    /// Whether this is a GREASE value (RFC 8701).
    pub const fn is_grease(self) -> bool {
        is_grease_u16(self.0)
    }
}

codepoint! {
    /// SignatureScheme (RFC 8446 §4.2.3); in TLS 1.2 the same two bytes are the
    /// SignatureAndHashAlgorithm pair (RFC 5246 §7.4.1.4.1).
    SignatureScheme(u16, u16) {
        /// rsa_pkcs1_sha1
        RSA_PKCS1_SHA1 = 0x0201, "rsa_pkcs1_sha1";
        /// dsa_sha1 (reserved, TLS 1.2 SignatureAndHashAlgorithm {sha1, dsa})
        DSA_SHA1 = 0x0202, "dsa_sha1";
        /// ecdsa_sha1
        ECDSA_SHA1 = 0x0203, "ecdsa_sha1";
        /// rsa_pkcs1_sha256
        RSA_PKCS1_SHA256 = 0x0401, "rsa_pkcs1_sha256";
        /// rsa_pkcs1_sha224 (TLS 1.2 {sha224, rsa})
        RSA_PKCS1_SHA224 = 0x0301, "rsa_pkcs1_sha224";
        /// dsa_sha224 (TLS 1.2 {sha224, dsa})
        DSA_SHA224 = 0x0302, "dsa_sha224";
        /// ecdsa_sha224 (TLS 1.2 {sha224, ecdsa})
        ECDSA_SHA224 = 0x0303, "ecdsa_sha224";
        /// dsa_sha256 (reserved, TLS 1.2 {sha256, dsa})
        DSA_SHA256 = 0x0402, "dsa_sha256";
        /// ecdsa_secp256r1_sha256
        ECDSA_SECP256R1_SHA256 = 0x0403, "ecdsa_secp256r1_sha256";
        /// rsa_pkcs1_sha384
        RSA_PKCS1_SHA384 = 0x0501, "rsa_pkcs1_sha384";
        /// dsa_sha384 (reserved, TLS 1.2 {sha384, dsa})
        DSA_SHA384 = 0x0502, "dsa_sha384";
        /// ecdsa_secp384r1_sha384
        ECDSA_SECP384R1_SHA384 = 0x0503, "ecdsa_secp384r1_sha384";
        /// rsa_pkcs1_sha512
        RSA_PKCS1_SHA512 = 0x0601, "rsa_pkcs1_sha512";
        /// dsa_sha512 (reserved, TLS 1.2 {sha512, dsa})
        DSA_SHA512 = 0x0602, "dsa_sha512";
        /// ecdsa_secp521r1_sha512
        ECDSA_SECP521R1_SHA512 = 0x0603, "ecdsa_secp521r1_sha512";
        /// rsa_pss_rsae_sha256
        RSA_PSS_RSAE_SHA256 = 0x0804, "rsa_pss_rsae_sha256";
        /// rsa_pss_rsae_sha384
        RSA_PSS_RSAE_SHA384 = 0x0805, "rsa_pss_rsae_sha384";
        /// rsa_pss_rsae_sha512
        RSA_PSS_RSAE_SHA512 = 0x0806, "rsa_pss_rsae_sha512";
        /// ed25519
        ED25519 = 0x0807, "ed25519";
        /// ed448
        ED448 = 0x0808, "ed448";
        /// rsa_pss_pss_sha256
        RSA_PSS_PSS_SHA256 = 0x0809, "rsa_pss_pss_sha256";
        /// rsa_pss_pss_sha384
        RSA_PSS_PSS_SHA384 = 0x080a, "rsa_pss_pss_sha384";
        /// rsa_pss_pss_sha512
        RSA_PSS_PSS_SHA512 = 0x080b, "rsa_pss_pss_sha512";
    }
}

codepoint! {
    /// ExtensionType (RFC 8446 §4.2 and the RFCs that define each extension).
    ExtensionType(u16, u16) {
        /// server_name (RFC 6066)
        SERVER_NAME = 0, "server_name";
        /// max_fragment_length (RFC 6066)
        MAX_FRAGMENT_LENGTH = 1, "max_fragment_length";
        /// status_request (RFC 6066)
        STATUS_REQUEST = 5, "status_request";
        /// supported_groups (RFC 8422, 7919)
        SUPPORTED_GROUPS = 10, "supported_groups";
        /// ec_point_formats (RFC 8422)
        EC_POINT_FORMATS = 11, "ec_point_formats";
        /// signature_algorithms (RFC 8446)
        SIGNATURE_ALGORITHMS = 13, "signature_algorithms";
        /// use_srtp (RFC 5764)
        USE_SRTP = 14, "use_srtp";
        /// heartbeat (RFC 6520)
        HEARTBEAT = 15, "heartbeat";
        /// application_layer_protocol_negotiation (RFC 7301)
        ALPN = 16, "application_layer_protocol_negotiation";
        /// signed_certificate_timestamp (RFC 6962)
        SIGNED_CERTIFICATE_TIMESTAMP = 18, "signed_certificate_timestamp";
        /// client_certificate_type (RFC 7250)
        CLIENT_CERTIFICATE_TYPE = 19, "client_certificate_type";
        /// server_certificate_type (RFC 7250)
        SERVER_CERTIFICATE_TYPE = 20, "server_certificate_type";
        /// padding (RFC 7685)
        PADDING = 21, "padding";
        /// encrypt_then_mac (RFC 7366)
        ENCRYPT_THEN_MAC = 22, "encrypt_then_mac";
        /// extended_master_secret (RFC 7627)
        EXTENDED_MASTER_SECRET = 23, "extended_master_secret";
        /// compress_certificate (RFC 8879)
        COMPRESS_CERTIFICATE = 27, "compress_certificate";
        /// record_size_limit (RFC 8449)
        RECORD_SIZE_LIMIT = 28, "record_size_limit";
        /// session_ticket (RFC 5077)
        SESSION_TICKET = 35, "session_ticket";
        /// pre_shared_key (RFC 8446)
        PRE_SHARED_KEY = 41, "pre_shared_key";
        /// early_data (RFC 8446)
        EARLY_DATA = 42, "early_data";
        /// supported_versions (RFC 8446)
        SUPPORTED_VERSIONS = 43, "supported_versions";
        /// cookie (RFC 8446)
        COOKIE = 44, "cookie";
        /// psk_key_exchange_modes (RFC 8446)
        PSK_KEY_EXCHANGE_MODES = 45, "psk_key_exchange_modes";
        /// certificate_authorities (RFC 8446)
        CERTIFICATE_AUTHORITIES = 47, "certificate_authorities";
        /// oid_filters (RFC 8446)
        OID_FILTERS = 48, "oid_filters";
        /// post_handshake_auth (RFC 8446)
        POST_HANDSHAKE_AUTH = 49, "post_handshake_auth";
        /// signature_algorithms_cert (RFC 8446)
        SIGNATURE_ALGORITHMS_CERT = 50, "signature_algorithms_cert";
        /// key_share (RFC 8446)
        KEY_SHARE = 51, "key_share";
        /// application_settings (ALPS, draft)
        APPLICATION_SETTINGS = 17513, "application_settings";
        /// encrypted_client_hello (draft-ietf-tls-esni)
        ENCRYPTED_CLIENT_HELLO = 0xfe0d, "encrypted_client_hello";
        /// renegotiation_info (RFC 5746)
        RENEGOTIATION_INFO = 0xff01, "renegotiation_info";
    }
}

impl ExtensionType {
    /// Whether this is a GREASE value (RFC 8701).
    pub const fn is_grease(self) -> bool {
        is_grease_u16(self.0)
    }
}

codepoint! {
    /// ECPointFormat (RFC 8422 §5.1.2).
    EcPointFormat(u8, u8) {
        /// uncompressed
        UNCOMPRESSED = 0, "uncompressed";
        /// ansiX962_compressed_prime (deprecated)
        ANSIX962_COMPRESSED_PRIME = 1, "ansiX962_compressed_prime";
        /// ansiX962_compressed_char2 (deprecated)
        ANSIX962_COMPRESSED_CHAR2 = 2, "ansiX962_compressed_char2";
    }
}

codepoint! {
    /// CompressionMethod (RFC 5246 §7.4.1.2).
    Compression(u8, u8) {
        /// null
        NULL = 0, "null";
        /// DEFLATE (RFC 3749)
        DEFLATE = 1, "DEFLATE";
    }
}

codepoint! {
    /// PskKeyExchangeMode (RFC 8446 §4.2.9).
    PskKeyExchangeMode(u8, u8) {
        /// psk_ke
        PSK_KE = 0, "psk_ke";
        /// psk_dhe_ke
        PSK_DHE_KE = 1, "psk_dhe_ke";
    }
}

codepoint! {
    /// ClientCertificateType (RFC 5246 §7.4.4, RFC 8422 §5.5).
    ClientCertificateType(u8, u8) {
        /// rsa_sign
        RSA_SIGN = 1, "rsa_sign";
        /// dss_sign
        DSS_SIGN = 2, "dss_sign";
        /// rsa_fixed_dh
        RSA_FIXED_DH = 3, "rsa_fixed_dh";
        /// dss_fixed_dh
        DSS_FIXED_DH = 4, "dss_fixed_dh";
        /// ecdsa_sign
        ECDSA_SIGN = 64, "ecdsa_sign";
        /// rsa_fixed_ecdh
        RSA_FIXED_ECDH = 65, "rsa_fixed_ecdh";
        /// ecdsa_fixed_ecdh
        ECDSA_FIXED_ECDH = 66, "ecdsa_fixed_ecdh";
    }
}

codepoint! {
    /// ECCurveType (RFC 8422 §5.4); only named_curve is allowed.
    EcCurveType(u8, u8) {
        /// explicit_prime (deprecated)
        EXPLICIT_PRIME = 1, "explicit_prime";
        /// explicit_char2 (deprecated)
        EXPLICIT_CHAR2 = 2, "explicit_char2";
        /// named_curve
        NAMED_CURVE = 3, "named_curve";
    }
}

codepoint! {
    /// ServerName NameType (RFC 6066 §3).
    ServerNameType(u8, u8) {
        /// host_name
        HOST_NAME = 0, "host_name";
    }
}

codepoint! {
    /// CertificateStatusType (RFC 6066 §8).
    CertificateStatusType(u8, u8) {
        /// ocsp
        OCSP = 1, "ocsp";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_grease() {
        assert_eq!(
            CipherSuite::TLS13_AES_128_GCM_SHA256.name(),
            Some("TLS_AES_128_GCM_SHA256")
        );
        assert_eq!(CipherSuite(0x1301), CipherSuite::TLS13_AES_128_GCM_SHA256);
        assert!(CipherSuite(0x2a2a).is_grease());
        assert!(ExtensionType(0xfafa).is_grease());
        assert!(!ExtensionType(0xfa0a).is_grease());
        assert!(!NamedGroup::X25519.is_grease());
        assert_eq!(format!("{}", NamedGroup(0x0a0a)), "GREASE (0x0a0a)");
        assert_eq!(format!("{}", NamedGroup::X25519), "x25519 (0x001d)");
        assert_eq!(
            format!("{:?}", SignatureScheme(0x1234)),
            "SignatureScheme(0x1234)"
        );
        assert_eq!(format!("{}", ContentType::HANDSHAKE), "handshake (0x16)");
    }
}
