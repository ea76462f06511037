//! The cross-backend helpers run ring against itself (the lead's `crates/providers` tests
//! pair ring with the other backends).

use tlskit_crypto::testkit::cross;

#[test]
fn cross_ring_ring_signatures() {
    let p = tlskit_crypto_ring::provider();
    cross::signatures(p, p).unwrap();
}

#[test]
fn cross_ring_ring_ecdh() {
    let p = tlskit_crypto_ring::provider();
    cross::ecdh(p, p).unwrap();
}

#[test]
fn cross_ring_ring_aead() {
    let p = tlskit_crypto_ring::provider();
    cross::aead(p, p).unwrap();
}
