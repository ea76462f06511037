//! The verified-chain cache of `WebPkiServerVerifier` / `WebPkiClientVerifier`: it saves
//! the chain's signature checks on reconnects, and never accepts what full validation
//! would refuse (other name, other chain, expired path).

mod common;

use common::{drive, exchange_data, server_config, KeyKind, Pki};
use std::sync::Arc;
use std::time::Duration;
use tlskit_handshake::verify::{WebPkiClientVerifier, WebPkiServerVerifier};
use tlskit_handshake::{
    ClientAuth, ClientCertVerifier, ClientConfig, ClientConnection, ProtocolVersion,
    ServerCertVerifier, ServerConnection,
};

fn provider() -> &'static dyn tlskit_crypto::CryptoProvider {
    tlskit_providers::by_name("ring").expect("ring backend")
}

/// Unix seconds of a (year, month, day), midnight UTC.
fn unix(y: i32, m: u8, d: u8) -> u64 {
    let t =
        tlskit_x509::UnixTime::from_utc(i64::from(y), m.into(), d.into(), 0, 0, 0).expect("date");
    u64::try_from(t.as_unix_secs()).expect("after 1970")
}

fn chain_refs(chain: &[Vec<u8>]) -> (&[u8], Vec<&[u8]>) {
    let (leaf, rest) = chain.split_first().expect("leaf");
    (leaf, rest.iter().map(|c| c.as_slice()).collect())
}

#[test]
fn reconnects_hit_the_cache_and_still_complete() {
    let pki = Pki::new();
    let server_id = pki.server(KeyKind::EcdsaP256);
    let verifier = Arc::new(
        WebPkiServerVerifier::from_pem(pki.root_pem.as_bytes(), provider())
            .expect("verifier")
            .with_verified_chain_cache(16, Duration::from_secs(300)),
    );
    for version in [ProtocolVersion::Tls12, ProtocolVersion::Tls13] {
        let mut client_config = ClientConfig::new(provider(), verifier.clone());
        client_config.common.versions = vec![version];
        // Full handshakes every time: no resumption.
        client_config.session_store = None;
        client_config.enable_tickets = false;
        let client_config = Arc::new(client_config);
        let server_config = Arc::new(server_config(provider(), &server_id));
        for _ in 0..3 {
            let mut client =
                ClientConnection::new(client_config.clone(), "localhost").expect("client");
            let mut server = ServerConnection::new(server_config.clone()).expect("server");
            drive(&mut client, &mut server).expect("handshake");
            exchange_data(&mut client, &mut server, b"ping").expect("data");
            assert!(!client.negotiated().resumed);
        }
    }
    let stats = verifier.chain_cache_stats().expect("cache on");
    assert_eq!((stats.misses, stats.hits, stats.entries), (1, 5, 1));
}

#[test]
fn another_name_or_chain_is_validated_in_full() {
    let pki = Pki::new();
    let server_id = pki.server(KeyKind::EcdsaP256);
    let other_id = pki.server(KeyKind::EcdsaP256);
    let verifier = WebPkiServerVerifier::from_pem(pki.root_pem.as_bytes(), provider())
        .expect("verifier")
        .with_verified_chain_cache(16, Duration::from_secs(300));
    let now = tlskit_x509::UnixTime::now().as_unix_secs() as u64;
    let (leaf, rest) = chain_refs(&server_id.chain);
    verifier
        .verify_server_cert(leaf, &rest, "localhost", now)
        .expect("valid");
    // Same chain, a name it is not issued for: full validation, refused.
    let err = verifier
        .verify_server_cert(leaf, &rest, "example.com", now)
        .expect_err("wrong name");
    assert!(err.to_string().contains("bad_certificate") || format!("{err:?}").contains("Bad"));
    // The same leaf without its intermediate: no path, refused although cached with it.
    assert!(verifier
        .verify_server_cert(leaf, &[], "localhost", now)
        .is_err());
    // A different leaf: a miss, then a hit.
    let (other_leaf, other_rest) = chain_refs(&other_id.chain);
    verifier
        .verify_server_cert(other_leaf, &other_rest, "localhost", now)
        .expect("valid");
    verifier
        .verify_server_cert(leaf, &rest, "localhost", now)
        .expect("valid");
    let stats = verifier.chain_cache_stats().expect("cache on");
    assert_eq!((stats.hits, stats.misses, stats.entries), (1, 4, 2));
}

#[test]
fn an_entry_never_outlives_the_path() {
    let pki = Pki::new();
    let id = pki.server_with_validity(KeyKind::EcdsaP256, (2026, 1, 1), (2026, 6, 1));
    let verifier = WebPkiServerVerifier::from_pem(pki.root_pem.as_bytes(), provider())
        .expect("verifier")
        .with_verified_chain_cache(16, Duration::from_secs(365 * 86_400));
    let (leaf, rest) = chain_refs(&id.chain);
    let in_window = unix(2026, 5, 31);
    verifier
        .verify_server_cert(leaf, &rest, "localhost", in_window)
        .expect("valid on May 31");
    verifier
        .verify_server_cert(leaf, &rest, "localhost", in_window + 60)
        .expect("cached");
    let err = verifier
        .verify_server_cert(leaf, &rest, "localhost", unix(2026, 6, 2))
        .expect_err("expired: the cache must not answer");
    assert!(format!("{err:?}").contains("Expired"), "{err:?}");
    // Before the verification time (clock stepped back, before notBefore): full check.
    assert!(verifier
        .verify_server_cert(leaf, &rest, "localhost", unix(2025, 12, 1))
        .is_err());
    let stats = verifier.chain_cache_stats().expect("cache on");
    assert_eq!(stats.hits, 1);
}

#[test]
fn maximum_age_bounds_an_entry() {
    let pki = Pki::new();
    let id = pki.server(KeyKind::EcdsaP256);
    let verifier = WebPkiServerVerifier::from_pem(pki.root_pem.as_bytes(), provider())
        .expect("verifier")
        .with_verified_chain_cache(16, Duration::from_secs(10));
    let (leaf, rest) = chain_refs(&id.chain);
    let now = tlskit_x509::UnixTime::now().as_unix_secs() as u64;
    for t in [now, now + 10, now + 11] {
        verifier
            .verify_server_cert(leaf, &rest, "localhost", t)
            .expect("valid");
    }
    let stats = verifier.chain_cache_stats().expect("cache on");
    assert_eq!((stats.hits, stats.misses), (1, 2));
}

#[test]
fn client_chains_are_cached_on_the_server() {
    let pki = Pki::new();
    let client_id = pki.client(KeyKind::EcdsaP256);
    let verifier = Arc::new(
        WebPkiClientVerifier::from_pem(pki.root_pem.as_bytes(), provider())
            .expect("verifier")
            .with_verified_chain_cache(16, Duration::from_secs(300)),
    );
    let now = tlskit_x509::UnixTime::now().as_unix_secs() as u64;
    let (leaf, rest) = chain_refs(&client_id.chain);
    verifier
        .verify_client_cert(leaf, &rest, now)
        .expect("valid");
    verifier
        .verify_client_cert(leaf, &rest, now)
        .expect("cached");
    // A server certificate (serverAuth only) is refused every time.
    let server_id = pki.server(KeyKind::EcdsaP256);
    let (s_leaf, s_rest) = chain_refs(&server_id.chain);
    assert!(verifier.verify_client_cert(s_leaf, &s_rest, now).is_err());
    assert!(verifier.verify_client_cert(s_leaf, &s_rest, now).is_err());
    let stats = verifier.chain_cache_stats().expect("cache on");
    assert_eq!((stats.hits, stats.misses, stats.entries), (1, 3, 1));

    // And through real handshakes with client authentication.
    let server_id = pki.server(KeyKind::EcdsaP256);
    let mut server_config = server_config(provider(), &server_id);
    server_config.client_auth = ClientAuth::Required(verifier.clone());
    let server_config = Arc::new(server_config);
    let mut client_config = common::client_config(provider(), &pki);
    client_config.client_cert = Some(common::certified(provider(), &client_id));
    client_config.session_store = None;
    client_config.enable_tickets = false;
    let client_config = Arc::new(client_config);
    for _ in 0..2 {
        let mut client = ClientConnection::new(client_config.clone(), "localhost").expect("client");
        let mut server = ServerConnection::new(server_config.clone()).expect("server");
        drive(&mut client, &mut server).expect("handshake");
    }
    let stats = verifier.chain_cache_stats().expect("cache on");
    assert_eq!(stats.hits, 3);
}
