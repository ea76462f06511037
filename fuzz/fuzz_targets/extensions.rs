//! An extension block (content, no length prefix) in the context the first byte picks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlskit_wire::*;

const CONTEXTS: [ExtensionContext; 7] = [
    ExtensionContext::ClientHello,
    ExtensionContext::ServerHello,
    ExtensionContext::HelloRetryRequest,
    ExtensionContext::EncryptedExtensions,
    ExtensionContext::Certificate,
    ExtensionContext::CertificateRequest,
    ExtensionContext::NewSessionTicket,
];

fuzz_target!(|data: &[u8]| {
    let Some((&first, block)) = data.split_first() else {
        return;
    };
    let ctx = CONTEXTS[usize::from(first) % CONTEXTS.len()];
    if let Ok(exts) = Extensions::parse(block, ctx) {
        let mut out = Vec::new();
        exts.write(&mut Writer::new(&mut out)).expect("re-encodes");
        assert_eq!(&out[2..], block, "a parsed block re-encodes byte for byte");
        let n = exts.iter().count();
        assert_eq!(exts.types().count(), n);
        let _ = exts.to_string();
    }
});
