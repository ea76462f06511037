//! tlskit-x509 on arbitrary DER: parsing a certificate and a CRL, and validating the input
//! as a leaf against itself as an anchor, must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlskit_x509::{Certificate, OwnedCrl, RootStore, ServerName, UnixTime, VerifyOptions};

fuzz_target!(|data: &[u8]| {
    let _ = Certificate::from_der(data);
    let _ = OwnedCrl::from_der(data.to_vec());
    let provider = tlskit_providers::default_provider().expect("ring");
    let mut roots = RootStore::new();
    let _ = roots.add_der(data);
    let name = ServerName::try_from_str("example.com").expect("name");
    let _ = tlskit_x509::verify_chain(
        provider,
        &roots,
        data,
        &[data],
        UnixTime::from_unix_secs(1_700_000_000),
        tlskit_x509::Purpose::ServerAuth,
        Some(&name),
        &VerifyOptions::default(),
    );
});
