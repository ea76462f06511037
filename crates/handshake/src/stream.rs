//! A blocking TLS stream over any `Read + Write` transport.

use crate::conn::Connection;
use crate::{ClientConnection, ServerConnection};
use std::io::{self, Read, Write};

/// Drives `conn` over a blocking transport until the handshake is done and nothing is
/// left to write. Errors from the TLS layer become `io::ErrorKind::InvalidData`, after
/// the alert has been flushed.
pub(crate) fn complete_io<T: Read + Write>(
    conn: &mut Connection,
    io: &mut T,
) -> io::Result<(usize, usize)> {
    let (mut read, mut written) = (0, 0);
    loop {
        while conn.wants_write() {
            written += conn.write_tls(io)?;
        }
        io.flush()?;
        if !conn.is_handshaking() {
            return Ok((read, written));
        }
        let n = conn.read_tls(io)?;
        read += n;
        let result = conn.process_new_packets();
        if let Err(e) = result {
            while conn.wants_write() {
                if conn.write_tls(io).is_err() {
                    break;
                }
            }
            let _ = io.flush();
            return Err(io::Error::new(io::ErrorKind::InvalidData, e));
        }
        if n == 0 && conn.is_handshaking() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "transport closed during the handshake",
            ));
        }
    }
}

/// A connection plus its transport, as one `Read + Write` stream.
#[derive(Debug)]
pub struct Stream<C, T> {
    /// The TLS connection.
    pub conn: C,
    /// The transport (e.g. a `TcpStream`).
    pub sock: T,
}

mod sealed {
    /// Access to the inner connection of either side (not implementable outside).
    pub trait Sealed {
        fn connection(&mut self) -> &mut crate::conn::Connection;
    }
}

/// Implemented by [`ClientConnection`] and [`ServerConnection`]: what a [`Stream`] wraps.
pub trait AsConnection: sealed::Sealed {}

impl sealed::Sealed for ClientConnection {
    fn connection(&mut self) -> &mut Connection {
        &mut self.inner
    }
}

impl sealed::Sealed for ServerConnection {
    fn connection(&mut self) -> &mut Connection {
        &mut self.inner
    }
}

impl AsConnection for ClientConnection {}
impl AsConnection for ServerConnection {}

impl<C: AsConnection, T: Read + Write> Stream<C, T> {
    /// Wraps a connection and a transport.
    pub fn new(conn: C, sock: T) -> Self {
        Stream { conn, sock }
    }

    /// Completes the handshake explicitly (reads and writes do it implicitly).
    pub fn handshake(&mut self) -> io::Result<()> {
        complete_io(self.conn.connection(), &mut self.sock).map(|_| ())
    }

    /// Sends close_notify and flushes it.
    pub fn close(&mut self) -> io::Result<()> {
        let conn = self.conn.connection();
        conn.send_close_notify();
        while conn.wants_write() {
            conn.write_tls(&mut self.sock)?;
        }
        self.sock.flush()
    }
}

impl<C: AsConnection, T: Read + Write> Read for Stream<C, T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        complete_io(self.conn.connection(), &mut self.sock)?;
        loop {
            let conn = self.conn.connection();
            match conn.read_plaintext(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                other => return other,
            }
            let n = conn.read_tls(&mut self.sock)?;
            if let Err(e) = conn.process_new_packets() {
                while conn.wants_write() {
                    if conn.write_tls(&mut self.sock).is_err() {
                        break;
                    }
                }
                return Err(io::Error::new(io::ErrorKind::InvalidData, e));
            }
            // Post-handshake messages may want a reply (e.g. no_renegotiation).
            while conn.wants_write() {
                conn.write_tls(&mut self.sock)?;
            }
            if n == 0 {
                return conn.read_plaintext(buf);
            }
        }
    }
}

impl<C: AsConnection, T: Read + Write> Write for Stream<C, T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        complete_io(self.conn.connection(), &mut self.sock)?;
        let conn = self.conn.connection();
        let n = conn.write_plaintext(buf)?;
        while conn.wants_write() {
            conn.write_tls(&mut self.sock)?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        let conn = self.conn.connection();
        while conn.wants_write() {
            conn.write_tls(&mut self.sock)?;
        }
        self.sock.flush()
    }
}
