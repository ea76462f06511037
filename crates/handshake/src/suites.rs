//! The cipher suites tlskit implements: AEAD only, ECDHE only (secure defaults).

use tlskit_crypto::{AeadAlgorithm, HashAlgorithm, KeyType};

/// Protocol versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProtocolVersion {
    /// TLS 1.2 (RFC 5246), 0x0303.
    Tls12,
    /// TLS 1.3 (RFC 8446), 0x0304.
    Tls13,
}

impl ProtocolVersion {
    /// The wire code.
    pub const fn code(self) -> u16 {
        match self {
            ProtocolVersion::Tls12 => 0x0303,
            ProtocolVersion::Tls13 => 0x0304,
        }
    }

    /// Display name.
    pub const fn name(self) -> &'static str {
        match self {
            ProtocolVersion::Tls12 => "TLSv1.2",
            ProtocolVersion::Tls13 => "TLSv1.3",
        }
    }
}

/// The TLS 1.2 authentication a suite requires of the server certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tls12Auth {
    /// ECDHE_ECDSA: an ECDSA (or, per RFC 8422 §2, Ed25519) certificate.
    Ecdsa,
    /// ECDHE_RSA: an RSA certificate.
    Rsa,
}

impl Tls12Auth {
    /// Whether a key of `key_type` can authenticate this suite.
    pub fn accepts(self, key_type: KeyType) -> bool {
        matches!(
            (self, key_type),
            (Tls12Auth::Ecdsa, KeyType::Ecdsa(_))
                | (Tls12Auth::Ecdsa, KeyType::Ed25519)
                | (Tls12Auth::Rsa, KeyType::Rsa)
        )
    }
}

/// A cipher suite tlskit can negotiate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CipherSuite {
    /// IANA code point.
    pub code: u16,
    /// IANA name.
    pub name: &'static str,
    /// Version the suite belongs to.
    pub version: ProtocolVersion,
    /// The record AEAD.
    pub aead: AeadAlgorithm,
    /// The PRF / HKDF / transcript hash.
    pub hash: HashAlgorithm,
    /// TLS 1.2 only: the certificate type the suite needs (`None` for TLS 1.3).
    pub tls12_auth: Option<Tls12Auth>,
}

macro_rules! suite {
    ($ident:ident, $code:expr, $name:expr, $ver:ident, $aead:ident, $hash:ident, $auth:expr) => {
        #[doc = concat!("`", $name, "`")]
        pub const $ident: CipherSuite = CipherSuite {
            code: $code,
            name: $name,
            version: ProtocolVersion::$ver,
            aead: AeadAlgorithm::$aead,
            hash: HashAlgorithm::$hash,
            tls12_auth: $auth,
        };
    };
}

// RFC 8446 §B.4
suite!(
    TLS13_AES_128_GCM_SHA256,
    0x1301,
    "TLS_AES_128_GCM_SHA256",
    Tls13,
    Aes128Gcm,
    Sha256,
    None
);
suite!(
    TLS13_AES_256_GCM_SHA384,
    0x1302,
    "TLS_AES_256_GCM_SHA384",
    Tls13,
    Aes256Gcm,
    Sha384,
    None
);
suite!(
    TLS13_CHACHA20_POLY1305_SHA256,
    0x1303,
    "TLS_CHACHA20_POLY1305_SHA256",
    Tls13,
    ChaCha20Poly1305,
    Sha256,
    None
);
// RFC 5289 §3.2 and RFC 7905 §2
suite!(
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    0xc02b,
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    Tls12,
    Aes128Gcm,
    Sha256,
    Some(Tls12Auth::Ecdsa)
);
suite!(
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    0xc02c,
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    Tls12,
    Aes256Gcm,
    Sha384,
    Some(Tls12Auth::Ecdsa)
);
suite!(
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    0xcca9,
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    Tls12,
    ChaCha20Poly1305,
    Sha256,
    Some(Tls12Auth::Ecdsa)
);
suite!(
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    0xc02f,
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    Tls12,
    Aes128Gcm,
    Sha256,
    Some(Tls12Auth::Rsa)
);
suite!(
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    0xc030,
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    Tls12,
    Aes256Gcm,
    Sha384,
    Some(Tls12Auth::Rsa)
);
suite!(
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    0xcca8,
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    Tls12,
    ChaCha20Poly1305,
    Sha256,
    Some(Tls12Auth::Rsa)
);

/// Every suite, in tlskit's default preference order: TLS 1.3 first; AES-GCM before
/// ChaCha20 (AES-NI machines); ECDSA before RSA.
pub const ALL_SUITES: &[CipherSuite] = &[
    TLS13_AES_128_GCM_SHA256,
    TLS13_AES_256_GCM_SHA384,
    TLS13_CHACHA20_POLY1305_SHA256,
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
];

/// The suite with code point `code`, if tlskit implements it.
pub fn find(code: u16) -> Option<CipherSuite> {
    ALL_SUITES.iter().copied().find(|s| s.code == code)
}

/// Looks a suite up by its IANA name or OpenSSL-style name, case-insensitively
/// (e.g. "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" or "ECDHE-ECDSA-AES128-GCM-SHA256").
pub fn by_name(name: &str) -> Option<CipherSuite> {
    let wanted = name.to_ascii_uppercase();
    ALL_SUITES
        .iter()
        .copied()
        .find(|s| s.name == wanted || openssl_name(*s) == wanted)
}

/// The OpenSSL name of a suite (TLS 1.3 suites keep their IANA name).
pub fn openssl_name(suite: CipherSuite) -> &'static str {
    match suite.code {
        0xc02b => "ECDHE-ECDSA-AES128-GCM-SHA256",
        0xc02c => "ECDHE-ECDSA-AES256-GCM-SHA384",
        0xcca9 => "ECDHE-ECDSA-CHACHA20-POLY1305",
        0xc02f => "ECDHE-RSA-AES128-GCM-SHA256",
        0xc030 => "ECDHE-RSA-AES256-GCM-SHA384",
        0xcca8 => "ECDHE-RSA-CHACHA20-POLY1305",
        _ => suite.name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_code_and_name() {
        for s in ALL_SUITES {
            assert_eq!(find(s.code), Some(*s));
            assert_eq!(by_name(s.name), Some(*s));
            assert_eq!(by_name(openssl_name(*s)), Some(*s));
            assert_eq!(s.tls12_auth.is_none(), s.version == ProtocolVersion::Tls13);
        }
        assert_eq!(find(0x002f), None, "no CBC suites");
    }
}
