//! A tlskit client, after sending its ClientHello, fed arbitrary bytes as the server's
//! reply: errors with alerts, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlskit_handshake::ClientConnection;

#[path = "common_pki.rs"]
mod common_pki;

fuzz_target!(|data: &[u8]| {
    let mut client = ClientConnection::new(common_pki::pki().client.clone(), "localhost").expect("client");
    let mut hello = Vec::new();
    while client.wants_write() {
        let _ = client.write_tls(&mut hello);
    }
    let mut rd = data;
    while !rd.is_empty() {
        if client.read_tls(&mut rd).is_err() {
            return;
        }
        if client.process_new_packets().is_err() {
            return;
        }
    }
});
