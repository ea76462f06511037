//! TLS 1.2 NewSessionTicket body: decode arbitrary bytes; whatever decodes re-encodes to bytes that decode equal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlskit_wire::*;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = NewSessionTicket12::decode(data) {
        let mut out = Vec::new();
        m.write(&mut Writer::new(&mut out)).expect("re-encodes");
        assert_eq!(NewSessionTicket12::decode(&out).expect("decodes again"), m);
        let _ = m.to_string();
    }
});
