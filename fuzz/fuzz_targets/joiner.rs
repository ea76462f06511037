//! The handshake joiner over arbitrary record payloads: the input is split into "records"
//! at 0xff bytes. Whatever comes out has a consistent header and survives both decoders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlskit_wire::*;

fuzz_target!(|data: &[u8]| {
    let mut j = HandshakeJoiner::with_max_message_len(1 << 16);
    for fragment in data.split(|&b| b == 0xff) {
        if j.push(fragment).is_err() {
            return;
        }
        while let Ok(Some(m)) = j.pop() {
            assert_eq!(m.encoded.first(), Some(&m.typ.0));
            assert_eq!(m.encoded.len(), m.body.len() + HANDSHAKE_HEADER_LEN);
            let _ = m.decode(TlsVersion::Tls12);
            let _ = m.decode(TlsVersion::Tls13);
        }
    }
    let _ = j.check_aligned();
});
