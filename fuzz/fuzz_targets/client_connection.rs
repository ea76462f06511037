//! A tlskit client, after sending its ClientHello, fed arbitrary bytes as the server's
//! reply, in chunks.
//!
//! Input: byte 0 picks the chunk size (bits 0-5, 1..=64 bytes) and the client's options
//! (bit 6: ALPN; bit 7: the client has a certificate for client authentication); the rest
//! is the server's byte stream. The client is deterministic (`common_pki`), so a recorded
//! tlskit server flight (`gen_seeds`) completes the handshake when replayed. Checks: no
//! panic; a failure ends the output with exactly one fatal alert and the connection stays
//! failed (`common_conn::check_failed`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use tlskit_handshake::ClientConnection;

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
    let chunk = usize::from(first & 63) + 1;
    let options = common_pki::Options {
        alpn: first & 64 != 0,
        client_auth: first & 128 != 0,
        ..Default::default()
    };
    let config = Arc::new(common_pki::client_config(options));
    let mut client = ClientConnection::new(config, "localhost").expect("client");
    let mut out = Vec::new();
    drain(&mut client, &mut out);
    out.clear();
    let mut pos = 0;
    for piece in stream.chunks(chunk) {
        pos += piece.len();
        let mut rd = piece;
        while !rd.is_empty() {
            match client.read_tls(&mut rd) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if let Err(e) = client.process_new_packets() {
                check_failed(&mut client, &e, stream.get(pos..).unwrap_or(&[]));
                return;
            }
        }
        drain(&mut client, &mut out);
        out.clear();
        let mut buf = [0u8; 512];
        while let Ok(n) = Conn::read_plaintext(&mut client, &mut buf) {
            if n == 0 {
                break;
            }
        }
    }
});
