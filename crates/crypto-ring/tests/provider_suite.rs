//! The tlskit provider test kit (RFC known-answer tests, Wycheproof, key loading, sign
//! round trips) run against ring. `cargo test -p tlskit-crypto-ring wycheproof_summary --
//! --nocapture` prints the Wycheproof table.

tlskit_crypto::provider_test_suite!(tlskit_crypto_ring::provider());
