//! A tlskit server fed arbitrary bytes as its peer's TLS stream, in chunks: it must end in
//! an error with an alert or keep going, never panic, and stop writing once failed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlskit_handshake::ServerConnection;

#[path = "common_pki.rs"]
mod common_pki;

fuzz_target!(|data: &[u8]| {
    let Some((&first, stream)) = data.split_first() else { return };
    let chunk = usize::from(first) % 64 + 1;
    let mut server = ServerConnection::new(common_pki::pki().server.clone()).expect("server");
    for piece in stream.chunks(chunk) {
        let mut rd = piece;
        while !rd.is_empty() {
            if server.read_tls(&mut rd).is_err() {
                return;
            }
            if server.process_new_packets().is_err() {
                let mut out = Vec::new();
                while server.wants_write() {
                    let _ = server.write_tls(&mut out);
                }
                assert!(server.process_new_packets().is_err(), "a failed connection stays failed");
                return;
            }
        }
        let mut out = Vec::new();
        while server.wants_write() {
            let _ = server.write_tls(&mut out);
        }
    }
});
