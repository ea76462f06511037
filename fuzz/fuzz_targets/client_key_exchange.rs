//! ClientKeyExchange body in both forms (ECDHE point, RSA-encrypted pre-master secret).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlskit_wire::*;

fuzz_target!(|data: &[u8]| {
    if let Ok(point) = ClientKeyExchange::decode_ecdhe(data) {
        let out = HandshakeMessage::ClientKeyExchange(ClientKeyExchange::Ecdhe(point))
            .to_vec()
            .expect("re-encodes");
        assert_eq!(&out[HANDSHAKE_HEADER_LEN..], data);
    }
    if let Ok(enc) = ClientKeyExchange::decode_rsa(data) {
        let out = HandshakeMessage::ClientKeyExchange(ClientKeyExchange::Rsa(enc))
            .to_vec()
            .expect("re-encodes");
        assert_eq!(&out[HANDSHAKE_HEADER_LEN..], data);
    }
});
