//! The public, side-independent methods of [`ClientConnection`] and [`ServerConnection`].

use crate::conn::{Connection, Negotiated};
use crate::error::Error;
use crate::{ClientConnection, ServerConnection};
use std::io;

/// Reads decrypted application data (see `reader()`). Returns `WouldBlock` when nothing is
/// buffered yet, `Ok(0)` after the peer's close_notify, and `UnexpectedEof` if the transport
/// closed without one (a possible truncation attack).
#[derive(Debug)]
pub struct Reader<'a>(&'a mut Connection);

impl io::Read for Reader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read_plaintext(buf)
    }
}

/// Queues application data for sending (see `writer()`); before the handshake completes,
/// it is buffered and sent as soon as keys exist.
#[derive(Debug)]
pub struct Writer<'a>(&'a mut Connection);

impl io::Write for Writer<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_plaintext(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("handshaking", &self.is_handshaking())
            .finish_non_exhaustive()
    }
}

macro_rules! connection_methods {
    ($ty:ty) => {
        impl $ty {
            /// Reads TLS bytes from the transport; returns 0 at end of stream.
            pub fn read_tls(&mut self, rd: &mut dyn io::Read) -> io::Result<usize> {
                self.inner.read_tls(rd)
            }

            /// Processes the records received so far: advances the handshake, decrypts
            /// application data. On error the alert to send is queued for `write_tls` and
            /// the connection is dead.
            pub fn process_new_packets(&mut self) -> Result<(), Error> {
                self.inner.process_new_packets()
            }

            /// Writes pending TLS bytes to the transport.
            pub fn write_tls(&mut self, wr: &mut dyn io::Write) -> io::Result<usize> {
                self.inner.write_tls(wr)
            }

            /// Whether TLS bytes are waiting for `write_tls`.
            pub fn wants_write(&self) -> bool {
                self.inner.wants_write()
            }

            /// Whether the connection wants more bytes from the transport.
            pub fn wants_read(&self) -> bool {
                self.inner.wants_read()
            }

            /// Whether the handshake is still in progress.
            pub fn is_handshaking(&self) -> bool {
                self.inner.is_handshaking()
            }

            /// Plaintext received from the peer.
            pub fn reader(&mut self) -> Reader<'_> {
                Reader(&mut self.inner)
            }

            /// Plaintext to send to the peer.
            pub fn writer(&mut self) -> Writer<'_> {
                Writer(&mut self.inner)
            }

            /// Queues a close_notify alert (RFC 8446 §6.1); no data may be written after it.
            pub fn send_close_notify(&mut self) {
                self.inner.send_close_notify()
            }

            /// A server handshake paused for its signature (see
            /// [`ServerConfig::defer_signatures`](crate::ServerConfig::defer_signatures)):
            /// what to sign.
            pub fn signature_request(&self) -> Option<&crate::SignatureRequest> {
                self.inner.signature_request()
            }

            /// Resumes a paused handshake with the signature over
            /// `signature_request().message`.
            pub fn supply_signature(&mut self, signature: Vec<u8>) -> Result<(), Error> {
                self.inner.supply_signature(signature)
            }

            /// TLS 1.3: updates our traffic keys and asks the peer to update its own
            /// (KeyUpdate, RFC 8446 §4.6.3). An error on TLS 1.2 or before the handshake.
            pub fn refresh_traffic_keys(&mut self) -> Result<(), Error> {
                self.inner.refresh_traffic_keys()
            }

            /// Whether the peer sent close_notify.
            pub fn peer_has_closed(&self) -> bool {
                self.inner.peer_has_closed()
            }

            /// What was negotiated so far.
            pub fn negotiated(&self) -> &Negotiated {
                &self.inner.core.negotiated
            }

            /// Fills `out` with keying material exported under `label` and `context`
            /// (RFC 5705 for TLS 1.2, RFC 8446 §7.5 for TLS 1.3); the peer derives the
            /// same bytes. Available once the handshake is complete; TLS 1.2 only with
            /// the extended master secret (RFC 7627 §5.4). Labels reserved by TLS itself
            /// ("client finished", "master secret", "key expansion", …) are refused.
            pub fn export_keying_material(
                &self,
                out: &mut [u8],
                label: &[u8],
                context: Option<&[u8]>,
            ) -> Result<(), Error> {
                match &self.inner.core.exporter {
                    Some(exporter) if self.inner.core.handshake_complete => {
                        exporter.export(label, context, out)
                    }
                    _ => Err(Error::Config(
                        "no exporter: the handshake is not complete, or TLS 1.2 without the \
                         extended master secret"
                            .into(),
                    )),
                }
            }

            /// Drives I/O on a blocking transport until the handshake completes (or fails).
            /// Returns (bytes read, bytes written).
            pub fn complete_io<T: io::Read + io::Write>(
                &mut self,
                io: &mut T,
            ) -> io::Result<(usize, usize)> {
                crate::stream::complete_io(&mut self.inner, io)
            }
        }
    };
}

connection_methods!(ClientConnection);
connection_methods!(ServerConnection);
