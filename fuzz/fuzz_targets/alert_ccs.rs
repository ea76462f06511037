//! Alert and ChangeCipherSpec payloads and the KeyUpdate body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlskit_wire::*;

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = Alert::decode(data) {
        assert_eq!(&a.to_bytes()[..], data);
        let _ = a.to_string();
    }
    if ChangeCipherSpec::decode(data).is_ok() {
        assert_eq!(data, ChangeCipherSpec::BYTES);
    }
    if let Ok(k) = KeyUpdateRequest::decode(data) {
        assert_eq!(data, [k.to_u8()]);
    }
});
