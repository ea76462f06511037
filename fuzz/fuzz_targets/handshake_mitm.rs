//! A tlskit client and server talking in memory through an attacker who tampers with one
//! record on the wire.
//!
//! Input layout:
//! - byte 0, options: bit 0 TLS 1.2 only; bit 1 client authentication; bit 2 ALPN;
//!   bit 3 HelloRetryRequest (server takes only P-256, client prefers X25519); bit 4 the
//!   server's P-256 certificate (else Ed25519); bit 5 resumption (a clean first handshake,
//!   then the tampered one resumes); bit 6 the client writes data before the handshake ends;
//!   bit 7 after the first data exchange, a TLS 1.3 KeyUpdate, more data and close_notify.
//! - byte 1: bit 0 direction (0 client→server, 1 server→client); bits 1-3 the operation:
//!   0 xor a byte, 1 overwrite bytes, 2 truncate, 3 duplicate, 4 drop, 5 inject a record
//!   before it, 6 swap it with the next record, 7 none; bit 4 the client asks for no
//!   TLS 1.2 ticket (resumption by session id); bit 5 the server sends two TLS 1.3 tickets.
//! - byte 2: k, the index of the record (counted in that direction) to tamper with.
//! - byte 3: offset (xor/overwrite), length (truncate) or content type (inject).
//! - byte 4: xor mask; the rest: the bytes for overwrite / inject.
//!
//! Invariants checked, beyond "no panic":
//! - a side whose `process_new_packets` fails ends its output with exactly one fatal alert
//!   (none for a peer alert or EOF), stays failed and writes nothing more
//!   (`common_conn::check_failed`);
//! - a side that reports a peer alert got it from its peer, unless the attacker touched
//!   that direction;
//! - untampered, both sides complete with identical negotiated parameters (and resume when
//!   asked), data round-trips exactly (also across a KeyUpdate) and close_notify arrives;
//! - tampered, whatever completes agrees on every parameter, data that arrives is exactly
//!   what was sent (or a prefix of it, the rest dropped by the attacker), and a side that
//!   has neither completed nor failed is only waiting for something the attacker removed;
//! - the exchange reaches quiescence within a bounded number of rounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use tlskit_handshake::{ClientConnection, Error, Negotiated, ProtocolVersion, ServerConnection};

#[path = "common_conn.rs"]
mod common_conn;
#[path = "common_pki.rs"]
mod common_pki;

use common_conn::{check_failed, check_still_failed, drain, split_records, Conn};
use common_pki::Options;

const MAX_ROUNDS: usize = 64;
const CLIENT_DATA: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
const SERVER_DATA: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Xor,
    Overwrite,
    Truncate,
    Duplicate,
    Drop,
    Inject,
    Swap,
    None,
}

/// The attacker on one direction of the wire.
#[derive(Debug)]
struct Tamper<'a> {
    to_server: bool,
    op: Op,
    k: usize,
    param: u8,
    mask: u8,
    bytes: &'a [u8],
    /// Records seen so far in the attacked direction.
    seen: usize,
    /// Record k, held back until the next one passes (swap).
    held: Option<Vec<u8>>,
    /// Whether the attack has changed anything on the wire.
    fired: bool,
}

impl Tamper<'_> {
    /// Passes one record travelling in `to_server`'s direction, tampered if it is the k-th.
    fn pass(&mut self, to_server: bool, record: &[u8], wire: &mut Vec<u8>) {
        if to_server != self.to_server || self.op == Op::None {
            wire.extend_from_slice(record);
            return;
        }
        let index = self.seen;
        self.seen += 1;
        if let Some(held) = self.held.take() {
            wire.extend_from_slice(record);
            wire.extend_from_slice(&held);
            return;
        }
        if index != self.k {
            wire.extend_from_slice(record);
            return;
        }
        self.fired = true;
        let at = usize::from(self.param) % record.len().max(1);
        match self.op {
            Op::Xor => {
                let mut r = record.to_vec();
                if let Some(b) = r.get_mut(at) {
                    *b ^= self.mask.max(1);
                }
                wire.extend_from_slice(&r);
            }
            Op::Overwrite => {
                let mut r = record.to_vec();
                for (dst, src) in r.iter_mut().skip(at).zip(self.bytes) {
                    *dst = *src;
                }
                self.fired = r != record;
                wire.extend_from_slice(&r);
            }
            Op::Truncate => wire.extend_from_slice(record.get(..at).unwrap_or(record)),
            Op::Duplicate => {
                wire.extend_from_slice(record);
                wire.extend_from_slice(record);
            }
            Op::Drop => {}
            Op::Inject => {
                let payload = self.bytes.get(..self.bytes.len().min(300)).unwrap_or(&[]);
                wire.push(self.param);
                wire.extend_from_slice(&[3, 3]);
                wire.extend_from_slice(&(payload.len() as u16).to_be_bytes());
                wire.extend_from_slice(payload);
                wire.extend_from_slice(record);
            }
            Op::Swap => self.held = Some(record.to_vec()),
            Op::None => wire.extend_from_slice(record),
        }
    }

    /// Releases a held record when nothing else will come (a swap with no next record).
    fn release(&mut self, wire_to_server: &mut Vec<u8>, wire_to_client: &mut Vec<u8>) -> bool {
        match self.held.take() {
            Some(r) if self.to_server => wire_to_server.extend_from_slice(&r),
            Some(r) => wire_to_client.extend_from_slice(&r),
            None => return false,
        }
        true
    }
}

/// One endpoint and what happened to it.
struct Peer<C> {
    conn: C,
    error: Option<Error>,
    received: Vec<u8>,
    /// Records written but not yet passed to the wire.
    outbox: Vec<u8>,
}

impl<C: Conn> Peer<C> {
    fn new(conn: C) -> Self {
        Peer {
            conn,
            error: None,
            received: Vec::new(),
            outbox: Vec::new(),
        }
    }

    /// Feeds `wire` to the connection; on failure, checks it failed cleanly.
    fn receive(&mut self, wire: &[u8]) {
        if wire.is_empty() {
            return;
        }
        if let Some(err) = &self.error {
            check_still_failed(&mut self.conn, err, wire);
            return;
        }
        let mut rd = wire;
        while !rd.is_empty() {
            match self.conn.read_tls(&mut rd) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            if let Err(e) = self.conn.process_new_packets() {
                // Everything written since the last drain, ending in the alert, goes on
                // the wire next round.
                let written = check_failed(&mut self.conn, &e, rd);
                self.outbox.extend(written);
                self.error = Some(e);
                return;
            }
            let mut buf = [0u8; 1024];
            while let Ok(n) = self.conn.read_plaintext(&mut buf) {
                if n == 0 {
                    break;
                }
                self.received.extend_from_slice(buf.get(..n).unwrap_or(&[]));
            }
        }
    }

    fn collect(&mut self) {
        if self.error.is_none() {
            drain(&mut self.conn, &mut self.outbox);
        }
    }
}

struct World<'a> {
    client: Peer<ClientConnection>,
    server: Peer<ServerConnection>,
    tamper: Tamper<'a>,
}

impl World<'_> {
    /// Moves records both ways until nothing moves. Returns false if still moving after
    /// `MAX_ROUNDS`.
    fn run(&mut self) -> bool {
        for _ in 0..MAX_ROUNDS {
            let mut moved = false;
            for to_server in [true, false] {
                let from_out = if to_server {
                    self.client.collect();
                    std::mem::take(&mut self.client.outbox)
                } else {
                    self.server.collect();
                    std::mem::take(&mut self.server.outbox)
                };
                let mut wire = Vec::new();
                for record in split_records(&from_out) {
                    self.tamper.pass(to_server, record, &mut wire);
                }
                if from_out.is_empty() && wire.is_empty() {
                    continue;
                }
                moved = true;
                if to_server {
                    self.server.receive(&wire);
                } else {
                    self.client.receive(&wire);
                }
            }
            if !moved {
                let (mut to_server, mut to_client) = (Vec::new(), Vec::new());
                if !self.tamper.release(&mut to_server, &mut to_client) {
                    return true;
                }
                self.server.receive(&to_server);
                self.client.receive(&to_client);
            }
        }
        false
    }
}

fn assert_same(c: &Negotiated, s: &Negotiated, o: Options) {
    assert_eq!(c.version, s.version, "version");
    assert_eq!(c.suite, s.suite, "suite");
    assert_eq!(c.group, s.group, "group");
    assert_eq!(c.signature_scheme, s.signature_scheme, "signature scheme");
    assert_eq!(c.alpn, s.alpn, "ALPN");
    assert_eq!(c.resumed, s.resumed, "resumed");
    assert_eq!(c.extended_master_secret, s.extended_master_secret, "EMS");
    assert_eq!(s.server_name.as_deref(), Some("localhost"), "SNI");
    let expected_version = if o.tls12 {
        ProtocolVersion::Tls12
    } else {
        ProtocolVersion::Tls13
    };
    assert_eq!(c.version, Some(expected_version), "no downgrade");
    if o.alpn {
        assert_eq!(
            c.alpn.as_deref(),
            Some(&b"h2"[..]),
            "server's ALPN preference"
        );
    }
    if o.tls12 {
        assert!(c.extended_master_secret, "EMS is required");
    }
    if !c.resumed {
        let pki = common_pki::pki();
        let cert = if o.p256_cert {
            &pki.server_p256
        } else {
            &pki.server_ed25519
        };
        assert_eq!(
            c.peer_certificates.first(),
            cert.chain.first(),
            "server certificate"
        );
        if o.client_auth {
            assert_eq!(
                s.peer_certificates.first(),
                pki.client.chain.first(),
                "client certificate"
            );
        }
    }
}

/// A clean handshake for the resumption case: must succeed.
fn clean_handshake(client: ClientConnection, server: ServerConnection, o: Options) {
    let mut world = World {
        client: Peer::new(client),
        server: Peer::new(server),
        tamper: Tamper {
            to_server: true,
            op: Op::None,
            k: 0,
            param: 0,
            mask: 0,
            bytes: &[],
            seen: 0,
            held: None,
            fired: false,
        },
    };
    assert!(world.run(), "clean handshake did not settle");
    assert!(
        world.client.error.is_none() && world.server.error.is_none(),
        "clean handshake failed: {:?} / {:?}",
        world.client.error,
        world.server.error
    );
    assert_same(
        world.client.conn.negotiated(),
        world.server.conn.negotiated(),
        o,
    );
}

fuzz_target!(|data: &[u8]| {
    let [opt, action, k, param, mask, bytes @ ..] = data else {
        return;
    };
    common_pki::reseed(u64::from(*opt));
    let o = Options::from_byte(*opt);
    let resume = opt & 32 != 0;
    let early_write = opt & 64 != 0;
    let post_handshake = opt & 128 != 0;
    let op = [
        Op::Xor,
        Op::Overwrite,
        Op::Truncate,
        Op::Duplicate,
        Op::Drop,
        Op::Inject,
        Op::Swap,
        Op::None,
    ][usize::from((action >> 1) & 7)];
    let mut client_config = common_pki::client_config(o);
    let mut server_config = common_pki::server_config(o);
    // TLS 1.2 resumption by session id instead of a ticket.
    client_config.enable_tickets = action & 16 == 0;
    // Two TLS 1.3 NewSessionTickets instead of one.
    server_config.tls13_tickets = if action & 32 != 0 { 2 } else { 1 };
    let (client_config, server_config) = (Arc::new(client_config), Arc::new(server_config));

    if resume {
        clean_handshake(
            ClientConnection::new(client_config.clone(), "localhost").expect("client"),
            ServerConnection::new(server_config.clone()).expect("server"),
            o,
        );
    }

    let mut client = ClientConnection::new(client_config, "localhost").expect("client");
    if early_write {
        assert_eq!(
            std::io::Write::write(&mut client.writer(), CLIENT_DATA).ok(),
            Some(CLIENT_DATA.len())
        );
    }
    let server = ServerConnection::new(server_config).expect("server");
    let mut world = World {
        client: Peer::new(client),
        server: Peer::new(server),
        tamper: Tamper {
            to_server: action & 1 == 0,
            op,
            k: usize::from(*k),
            param: *param,
            mask: *mask,
            bytes,
            seen: 0,
            held: None,
            fired: false,
        },
    };
    assert!(
        world.run(),
        "handshake did not settle in {MAX_ROUNDS} rounds"
    );

    // Application data both ways (through the same attacker).
    let (mut client_sent, mut server_sent) = (Vec::new(), Vec::new());
    if early_write {
        client_sent.extend_from_slice(CLIENT_DATA);
    }
    let send = |conn: &mut dyn Conn, data: &[u8], sent: &mut Vec<u8>| {
        if let Ok(n) = conn.write_plaintext(data) {
            sent.extend_from_slice(data.get(..n).unwrap_or(&[]));
        }
    };
    let established = |p: &dyn Conn, e: &Option<Error>| e.is_none() && !p.is_handshaking();
    if established(&world.client.conn, &world.client.error) && !early_write {
        send(&mut world.client.conn, CLIENT_DATA, &mut client_sent);
    }
    if established(&world.server.conn, &world.server.error) {
        send(&mut world.server.conn, SERVER_DATA, &mut server_sent);
    }
    assert!(
        world.run(),
        "data exchange did not settle in {MAX_ROUNDS} rounds"
    );
    if post_handshake {
        // TLS 1.3 KeyUpdate from the client (the server answers with its own), more data,
        // then close_notify both ways.
        if established(&world.client.conn, &world.client.error) {
            if world.client.conn.negotiated().version == Some(ProtocolVersion::Tls13) {
                world
                    .client
                    .conn
                    .refresh_traffic_keys()
                    .expect("KeyUpdate on an established connection");
            }
            send(&mut world.client.conn, CLIENT_DATA, &mut client_sent);
        }
        if established(&world.server.conn, &world.server.error) {
            send(&mut world.server.conn, SERVER_DATA, &mut server_sent);
        }
        assert!(
            world.run(),
            "post-handshake exchange did not settle in {MAX_ROUNDS} rounds"
        );
        if world.client.error.is_none() {
            world.client.conn.send_close_notify();
        }
        if world.server.error.is_none() {
            world.server.conn.send_close_notify();
        }
        assert!(world.run(), "close did not settle in {MAX_ROUNDS} rounds");
    }

    let fired = world.tamper.fired;
    let (c, s) = (&world.client, &world.server);
    // A peer alert must come from the peer, unless the attacker forged one.
    let to_server = world.tamper.to_server;
    for (who, me, peer_err, attacked) in [
        ("client", &c.error, &s.error, !to_server),
        ("server", &s.error, &c.error, to_server),
    ] {
        if let Some(Error::PeerAlert(d)) = me {
            let forged_possible = fired && attacked;
            let sent = peer_err.as_ref().and_then(Error::alert);
            assert!(
                forged_possible || sent == Some(*d),
                "{who} got alert {d:?} its peer never sent ({peer_err:?})"
            );
        }
    }
    if !fired {
        assert!(
            c.error.is_none() && s.error.is_none(),
            "untampered handshake failed: client {:?}, server {:?}",
            c.error,
            s.error
        );
        assert!(
            !c.conn.is_handshaking() && !s.conn.is_handshaking(),
            "untampered handshake did not complete"
        );
        assert_same(c.conn.negotiated(), s.conn.negotiated(), o);
        if resume {
            assert!(
                c.conn.negotiated().resumed,
                "untampered second handshake did not resume"
            );
        }
        assert_eq!(s.received, client_sent, "client data");
        assert_eq!(c.received, server_sent, "server data");
        if post_handshake {
            assert!(
                c.conn.peer_has_closed() && s.conn.peer_has_closed(),
                "close_notify not seen"
            );
        }
        return;
    }
    let client_done = c.error.is_none() && !c.conn.is_handshaking();
    let server_done = s.error.is_none() && !s.conn.is_handshaking();
    if client_done && server_done {
        // Both believe in the handshake: it must be the same one.
        assert_same(c.conn.negotiated(), s.conn.negotiated(), o);
    }
    // Data that arrived is exactly what was sent, or a prefix of it.
    assert!(
        client_sent.starts_with(&s.received),
        "server received forged data: {:02x?}",
        s.received
    );
    assert!(
        server_sent.starts_with(&c.received),
        "client received forged data: {:02x?}",
        c.received
    );
    if !s.received.is_empty() {
        assert!(
            server_done || s.error.is_some(),
            "server delivered data before its handshake completed"
        );
    }
    if !c.received.is_empty() {
        assert!(
            client_done || c.error.is_some(),
            "client delivered data before its handshake completed"
        );
    }
});
