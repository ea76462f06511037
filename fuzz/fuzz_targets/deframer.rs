//! The deframer over arbitrary bytes fed in chunks whose size the first byte picks; every
//! handshake record goes through the joiner and every message through both decoders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlskit_wire::*;

fuzz_target!(|data: &[u8]| {
    let Some((&first, stream)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(first) * 37 % 4096 + 1;
    let mut d = Deframer::new();
    if first & 1 == 1 {
        d.set_max_fragment_len(MAX_CIPHERTEXT_LEN_TLS13);
    }
    let mut j = HandshakeJoiner::new();
    for piece in stream.chunks(chunk) {
        let mut rest = piece;
        while !rest.is_empty() {
            let n = d.push(rest);
            // All whole records were popped, so room for at least one byte is left.
            assert!(n > 0);
            rest = &rest[n..];
            loop {
                match d.pop() {
                    Ok(Some(r)) => {
                        assert!(r.payload.len() <= d_limit(first));
                        match r.content_type {
                            ContentType::HANDSHAKE => {
                                if j.push(r.payload).is_err() {
                                    return;
                                }
                                while let Ok(Some(m)) = j.pop() {
                                    assert_eq!(m.encoded.len(), m.body.len() + HANDSHAKE_HEADER_LEN);
                                    let _ = m.decode(TlsVersion::Tls12);
                                    let _ = m.decode(TlsVersion::Tls13);
                                }
                            }
                            ContentType::ALERT => {
                                let _ = Alert::decode(r.payload);
                            }
                            ContentType::CHANGE_CIPHER_SPEC => {
                                let _ = ChangeCipherSpec::decode(r.payload);
                            }
                            _ => {}
                        }
                    }
                    Ok(None) => break,
                    Err(_) => return,
                }
            }
        }
    }
});

fn d_limit(first: u8) -> usize {
    if first & 1 == 1 {
        MAX_CIPHERTEXT_LEN_TLS13
    } else {
        MAX_CIPHERTEXT_LEN_TLS12
    }
}
