//! The shared provider test kit (KATs, Wycheproof, key loading, sign round trips) run
//! against the OpenSSL backend.

tlskit_crypto::provider_test_suite!(tlskit_crypto_openssl::provider());
