//! ClientHello body: decode arbitrary bytes; whatever decodes re-encodes to bytes that decode equal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlskit_wire::*;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = ClientHello::decode(data) {
        let mut out = Vec::new();
        m.write(&mut Writer::new(&mut out)).expect("re-encodes");
        assert_eq!(ClientHello::decode(&out).expect("decodes again"), m);
        let _ = m.to_string();
        if let Some(offset) = m.psk_binders_offset() {
            let mut msg = HandshakeMessage::ClientHello(m).to_vec().expect("re-encodes");
            assert!(offset < msg.len());
            let binders: Vec<Vec<u8>> = m
                .extensions
                .pre_shared_key()
                .expect("psk present")
                .binders
                .iter()
                .map(|b| vec![0xab; b.0.len()])
                .collect();
            let refs: Vec<&[u8]> = binders.iter().map(Vec::as_slice).collect();
            fill_psk_binders(&mut msg, offset, &refs).expect("binders fit");
        }
    }
});
