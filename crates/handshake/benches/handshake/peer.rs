//! One in-memory transport for both stacks: a [`Peer`] is anything with rustls-shaped
//! sans-I/O methods, and [`handshake`] moves flights between two of them through reused
//! buffers, timing the server's share of the work on the side.

use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// The sans-I/O surface tlskit and rustls connections share. The method names differ from
/// the connections' own so that the implementations below call the inherent methods.
pub(crate) trait Peer {
    fn has_output(&self) -> bool;
    fn write_tls_to(&mut self, out: &mut Vec<u8>) -> io::Result<usize>;
    fn read_tls_from(&mut self, input: &mut &[u8]) -> io::Result<usize>;
    fn process(&mut self) -> Result<(), String>;
    fn handshaking(&self) -> bool;
    fn send_plaintext(&mut self, data: &[u8]) -> io::Result<()>;
    fn recv_plaintext(&mut self, out: &mut [u8]) -> io::Result<()>;
}

macro_rules! peer_impl {
    ($ty:ty) => {
        impl Peer for $ty {
            fn has_output(&self) -> bool {
                self.wants_write()
            }
            fn write_tls_to(&mut self, out: &mut Vec<u8>) -> io::Result<usize> {
                self.write_tls(out)
            }
            fn read_tls_from(&mut self, input: &mut &[u8]) -> io::Result<usize> {
                self.read_tls(input)
            }
            fn process(&mut self) -> Result<(), String> {
                self.process_new_packets()
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            fn handshaking(&self) -> bool {
                self.is_handshaking()
            }
            fn send_plaintext(&mut self, data: &[u8]) -> io::Result<()> {
                self.writer().write_all(data)
            }
            fn recv_plaintext(&mut self, out: &mut [u8]) -> io::Result<()> {
                self.reader().read_exact(out)
            }
        }
    };
}

peer_impl!(tlskit_handshake::ClientConnection);
peer_impl!(tlskit_handshake::ServerConnection);
peer_impl!(rustls::ClientConnection);
peer_impl!(rustls::ServerConnection);

/// The two directions of the in-memory wire, kept between iterations so that a measured
/// handshake does not pay for growing them.
#[derive(Default)]
pub(crate) struct Wire {
    to_server: Vec<u8>,
    to_client: Vec<u8>,
    /// Bytes moved each way since the last [`Wire::take_counts`] (for the flow check).
    sent_to_server: usize,
    sent_to_client: usize,
}

impl Wire {
    /// (client → server, server → client) bytes since the last call.
    pub(crate) fn take_counts(&mut self) -> (usize, usize) {
        let counts = (self.sent_to_server, self.sent_to_client);
        self.sent_to_server = 0;
        self.sent_to_client = 0;
        counts
    }
}

/// Everything `from` has to send, appended to `out`.
fn drain(from: &mut impl Peer, out: &mut Vec<u8>) -> Result<(), String> {
    while from.has_output() {
        from.write_tls_to(out).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Hands `input` to `to`, processing as it goes (a receive buffer may be smaller than a
/// flight).
fn feed(to: &mut impl Peer, input: &[u8]) -> Result<(), String> {
    let mut rest = input;
    while !rest.is_empty() {
        if to.read_tls_from(&mut rest).map_err(|e| e.to_string())? == 0 {
            return Err("peer took no bytes".into());
        }
        to.process()?;
    }
    Ok(())
}

/// Runs flights between `client` and `server` until neither has anything to say. The time
/// the server spends receiving, processing and sending is added to `server_time`.
pub(crate) fn handshake(
    client: &mut impl Peer,
    server: &mut impl Peer,
    wire: &mut Wire,
    server_time: &mut Duration,
) -> Result<(), String> {
    for _ in 0..16 {
        wire.to_server.clear();
        drain(client, &mut wire.to_server)?;
        let started = Instant::now();
        if !wire.to_server.is_empty() {
            feed(server, &wire.to_server)?;
        }
        wire.to_client.clear();
        drain(server, &mut wire.to_client)?;
        *server_time += started.elapsed();
        if wire.to_server.is_empty() && wire.to_client.is_empty() {
            return if client.handshaking() || server.handshaking() {
                Err("stalled before the handshake completed".into())
            } else {
                Ok(())
            };
        }
        wire.sent_to_server += wire.to_server.len();
        wire.sent_to_client += wire.to_client.len();
        feed(client, &wire.to_client)?;
    }
    Err("no convergence after 16 round trips".into())
}

/// Sends `data` from `client` to `server` through the connection API and reads it back out
/// of the server: writer → write_tls → read_tls → process_new_packets → reader.
pub(crate) fn transfer(
    client: &mut impl Peer,
    server: &mut impl Peer,
    wire: &mut Wire,
    data: &[u8],
    out: &mut [u8],
) -> Result<(), String> {
    client.send_plaintext(data).map_err(|e| e.to_string())?;
    wire.to_server.clear();
    drain(client, &mut wire.to_server)?;
    feed(server, &wire.to_server)?;
    server.recv_plaintext(out).map_err(|e| e.to_string())
}
