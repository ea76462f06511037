//! What the matrices of the interop suites run over: the versions, the groups, and the
//! cipher suites a certificate type authenticates, all of them on ring and one per
//! version on the other backends.

use super::pki_files::key_type;
use crate::common::KeyKind;
use tlskit_crypto::{CryptoProvider, NamedGroup};
use tlskit_handshake::suites::{self, CipherSuite, ProtocolVersion};

/// Both versions, TLS 1.2 first.
pub const VERSIONS: [ProtocolVersion; 2] = [ProtocolVersion::Tls12, ProtocolVersion::Tls13];

/// The groups of the matrices, in tlskit's order of preference (X25519 is its key share).
pub const GROUPS: [NamedGroup; 3] = [
    NamedGroup::X25519,
    NamedGroup::Secp256r1,
    NamedGroup::Secp384r1,
];

/// Whether a server limited to `group` must answer a tlskit client with a
/// HelloRetryRequest: tlskit offers the three [`GROUPS`] with one key share, X25519, so in
/// TLS 1.3 any other group takes a second ClientHello (RFC 8446 §4.1.4).
pub fn hrr_expected(v: ProtocolVersion, group: NamedGroup) -> bool {
    v == ProtocolVersion::Tls13 && group != NamedGroup::X25519
}

/// Whether `p` is the ring backend, which runs every cell (the others a subset).
pub fn is_ring(p: &dyn CryptoProvider) -> bool {
    p.name() == "ring"
}

/// The TLS 1.2 suites a `kind` certificate authenticates, in tlskit's order.
pub fn suites12_for(kind: KeyKind) -> Vec<CipherSuite> {
    suites::ALL_SUITES
        .iter()
        .copied()
        .filter(|s| s.version == ProtocolVersion::Tls12)
        .filter(|s| s.tls12_auth.is_some_and(|a| a.accepts(key_type(kind))))
        .collect()
}

/// The TLS 1.3 suites (RFC 8446 §B.4), in tlskit's order.
pub fn suites13() -> Vec<CipherSuite> {
    suites::ALL_SUITES
        .iter()
        .copied()
        .filter(|s| s.version == ProtocolVersion::Tls13)
        .collect()
}

/// The suites of a matrix row with a `kind` certificate, TLS 1.2 first: all of them for
/// ring, one per version for the others, with a different AEAD per version so that each
/// backend meets the peer with each (ChaCha20-Poly1305 in TLS 1.2, AES-256-GCM in TLS 1.3).
pub fn matrix_suites(p: &dyn CryptoProvider, kind: KeyKind) -> Vec<CipherSuite> {
    let (s12, s13) = (suites12_for(kind), suites13());
    if is_ring(p) {
        s12.into_iter().chain(s13).collect()
    } else {
        s12.into_iter()
            .filter(|s| s.name.contains("CHACHA20"))
            .chain(s13.into_iter().filter(|s| s.code == 0x1302))
            .collect()
    }
}
