//! Any handshake message (header included) for both versions. Whatever decodes must
//! re-encode, decode again to an equal value, and print.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlskit_wire::*;

fuzz_target!(|data: &[u8]| {
    for v in [TlsVersion::Tls12, TlsVersion::Tls13] {
        if let Ok(msg) = HandshakeMessage::decode(data, v) {
            let again = msg.to_vec().expect("decoded message re-encodes");
            assert_eq!(HandshakeMessage::decode(&again, v).expect("re-encoded message decodes"), msg);
            let _ = msg.to_string();
        }
    }
});
