//! Every failure ends in the right alert: bad ServerKeyExchange signature, bad Finished,
//! expired certificate, unknown CA, renegotiation attempts, garbage after the handshake.

mod common;

use common::*;
use std::sync::{Arc, Mutex};
use tlskit_handshake::suites::ProtocolVersion;
use tlskit_handshake::{ClientConnection, Error, ServerConnection, TraceSink};
use tlskit_wire::AlertDescription;

/// Runs the handshake, letting `tamper` edit each server→client flight in transit.
fn drive_tampered(
    client: &mut ClientConnection,
    server: &mut ServerConnection,
    mut tamper: impl FnMut(usize, &mut Vec<u8>),
) -> Result<(), String> {
    for flight in 0..16 {
        let mut c2s = Vec::new();
        while client.wants_write() {
            client.write_tls(&mut c2s).unwrap();
        }
        if !c2s.is_empty() {
            server.read_tls(&mut &c2s[..]).unwrap();
            server
                .process_new_packets()
                .map_err(|e| format!("server: {e}"))?;
        }
        let mut s2c = Vec::new();
        while server.wants_write() {
            server.write_tls(&mut s2c).unwrap();
        }
        if s2c.is_empty() && c2s.is_empty() {
            return Ok(());
        }
        tamper(flight, &mut s2c);
        let mut rd = &s2c[..];
        while !rd.is_empty() {
            client.read_tls(&mut rd).unwrap();
            client
                .process_new_packets()
                .map_err(|e| format!("client: {e}"))?;
        }
    }
    Ok(())
}

fn tls12_pair(pki: &Pki) -> (ClientConnection, ServerConnection) {
    let p = tlskit_providers::default_provider().unwrap();
    let mut cc = client_config(p, pki);
    cc.common.only_version(ProtocolVersion::Tls12);
    let sc = server_config(p, &pki.server(KeyKind::EcdsaP256));
    (
        ClientConnection::new(Arc::new(cc), "localhost").unwrap(),
        ServerConnection::new(Arc::new(sc)).unwrap(),
    )
}

/// Finds the handshake message of type `typ` in a plaintext flight; returns its offset.
fn find_message(flight: &[u8], typ: u8) -> Option<usize> {
    let mut pos = 0;
    while pos + 5 <= flight.len() {
        let len = u16::from_be_bytes([flight[pos + 3], flight[pos + 4]]) as usize;
        if flight[pos] == 22 {
            let mut m = pos + 5;
            while m + 4 <= pos + 5 + len {
                if flight[m] == typ {
                    return Some(m);
                }
                let mlen = (flight[m + 1] as usize) << 16
                    | (flight[m + 2] as usize) << 8
                    | flight[m + 3] as usize;
                m += 4 + mlen;
            }
        }
        pos += 5 + len;
    }
    None
}

#[test]
fn tampered_server_key_exchange_signature_is_decrypt_error() {
    let pki = Pki::new();
    let (mut client, mut server) = tls12_pair(&pki);
    let err = drive_tampered(&mut client, &mut server, |flight, bytes| {
        if flight == 0 {
            let ske = find_message(bytes, 12).expect("ServerKeyExchange in the first flight");
            let len = (bytes[ske + 1] as usize) << 16
                | (bytes[ske + 2] as usize) << 8
                | bytes[ske + 3] as usize;
            bytes[ske + 4 + len - 3] ^= 0x01; // inside the signature
        }
    })
    .unwrap_err();
    assert!(err.contains("decrypt_error"), "{err}");
}

#[test]
fn tampered_server_ephemeral_key_fails_the_signature() {
    let pki = Pki::new();
    let (mut client, mut server) = tls12_pair(&pki);
    let err = drive_tampered(&mut client, &mut server, |flight, bytes| {
        if flight == 0 {
            let ske = find_message(bytes, 12).expect("ServerKeyExchange");
            bytes[ske + 4 + 4 + 5] ^= 0x40; // inside the ECDHE public value
        }
    })
    .unwrap_err();
    assert!(
        err.contains("decrypt_error") || err.contains("illegal_parameter"),
        "{err}"
    );
}

#[test]
fn corrupted_encrypted_finished_is_bad_record_mac() {
    let pki = Pki::new();
    let (mut client, mut server) = tls12_pair(&pki);
    let err = drive_tampered(&mut client, &mut server, |flight, bytes| {
        if flight == 1 {
            let last = bytes.len() - 1;
            bytes[last] ^= 0x01; // the server's encrypted Finished record
        }
    })
    .unwrap_err();
    assert!(err.contains("bad_record_mac"), "{err}");
    // The alert reaches the server as a fatal alert.
    assert!(matches!(
        deliver_pending(&mut client, &mut server),
        Err(Error::PeerAlert(AlertDescription::BadRecordMac))
    ));
}

#[test]
fn expired_server_certificate_is_certificate_expired() {
    let pki = Pki::new();
    let p = tlskit_providers::default_provider().unwrap();
    let id = pki.server_with_validity(KeyKind::EcdsaP256, (2000, 1, 1), (2001, 1, 1));
    let mut client = ClientConnection::new(Arc::new(client_config(p, &pki)), "localhost").unwrap();
    let mut server = ServerConnection::new(Arc::new(server_config(p, &id))).unwrap();
    let err = drive(&mut client, &mut server).unwrap_err();
    assert!(err.contains("certificate_expired"), "{err}");
    let seen = deliver_pending(&mut client, &mut server);
    assert!(
        matches!(
            seen,
            Err(Error::PeerAlert(AlertDescription::CertificateExpired))
        ),
        "{seen:?}"
    );
}

#[test]
fn trace_prints_the_flow_like_the_seed_walkthrough() {
    let pki = Pki::new();
    let p = tlskit_providers::default_provider().unwrap();
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = {
        let lines = lines.clone();
        TraceSink::new(move |l| lines.lock().unwrap().push(l.to_string()))
    };
    let mut cc = client_config(p, &pki);
    cc.common.only_version(ProtocolVersion::Tls12);
    let mut client = ClientConnection::with_trace(Arc::new(cc), "localhost", Some(sink)).unwrap();
    let mut server =
        ServerConnection::new(Arc::new(server_config(p, &pki.server(KeyKind::EcdsaP256)))).unwrap();
    drive(&mut client, &mut server).unwrap();
    let text = lines.lock().unwrap().join("\n");
    for needle in [
        "Client → Server: ClientHello",
        "Server → Client: ServerHello",
        "Server → Client: Certificate",
        "Server → Client: ServerKeyExchange",
        "Server → Client: ServerHelloDone",
        "verified for localhost",
        "Client → Server: ClientKeyExchange",
        "Client → Server: ChangeCipherSpec",
        "Client → Server: Finished",
        "Server → Client: ChangeCipherSpec",
        "Server → Client: Finished",
        "handshake complete",
    ] {
        assert!(text.contains(needle), "trace lacks {needle:?}:\n{text}");
    }
}
