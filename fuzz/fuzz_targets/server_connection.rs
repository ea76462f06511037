//! A tlskit server fed arbitrary bytes as its peer's TLS stream, in chunks.
//!
//! Input: byte 0 picks the chunk size (bits 0-4, 1..=32 bytes) and the server's options
//! (bit 5: only P-256, so a client offering X25519 first gets a HelloRetryRequest; bit 6:
//! ask for a client certificate; bit 7: ALPN); the rest is the client's byte stream. The
//! server is deterministic (`common_pki`), so a recorded tlskit client flight (`gen_seeds`)
//! completes the handshake when replayed. Checks: no panic; a failure ends the output with
//! exactly one fatal alert and the connection stays failed (`common_conn::check_failed`);
//! application data that arrives is readable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use tlskit_handshake::ServerConnection;

#[path = "common_conn.rs"]
mod common_conn;
#[path = "common_pki.rs"]
mod common_pki;

use common_conn::{check_failed, drain, Conn};

fuzz_target!(|data: &[u8]| {
    let Some((&first, stream)) = data.split_first() else {
        return;
    };
    common_pki::reseed(0);
    let chunk = usize::from(first & 31) + 1;
    let options = common_pki::Options {
        hrr: first & 32 != 0,
        client_auth: first & 64 != 0,
        alpn: first & 128 != 0,
        ..Default::default()
    };
    let config = Arc::new(common_pki::server_config(options));
    let mut server = ServerConnection::new(config).expect("server");
    let mut out = Vec::new();
    let mut pos = 0;
    for piece in stream.chunks(chunk) {
        pos += piece.len();
        let mut rd = piece;
        while !rd.is_empty() {
            match server.read_tls(&mut rd) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if let Err(e) = server.process_new_packets() {
                check_failed(&mut server, &e, stream.get(pos..).unwrap_or(&[]));
                return;
            }
        }
        drain(&mut server, &mut out);
        out.clear();
        let mut buf = [0u8; 512];
        while let Ok(n) = Conn::read_plaintext(&mut server, &mut buf) {
            if n == 0 {
                break;
            }
        }
    }
});
