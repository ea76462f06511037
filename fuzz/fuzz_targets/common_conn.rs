//! Shared by the connection targets: one trait over both connection types, record
//! splitting, and the check that a failed connection failed cleanly.
#![allow(dead_code)]

use std::io::{Read, Write};
use tlskit_handshake::{ClientConnection, Error, ProtocolVersion, ServerConnection};

/// The methods the targets use, for either side.
pub trait Conn {
    fn read_tls(&mut self, rd: &mut dyn Read) -> std::io::Result<usize>;
    fn process_new_packets(&mut self) -> Result<(), Error>;
    fn write_tls(&mut self, wr: &mut dyn Write) -> std::io::Result<usize>;
    fn wants_write(&self) -> bool;
    fn is_handshaking(&self) -> bool;
    fn write_plaintext(&mut self, data: &[u8]) -> std::io::Result<usize>;
    fn read_plaintext(&mut self, buf: &mut [u8]) -> std::io::Result<usize>;
    /// Whether TLS 1.3 was negotiated (its protected records all say application_data).
    fn tls13(&self) -> bool;
}

macro_rules! conn_impl {
    ($ty:ty) => {
        impl Conn for $ty {
            fn read_tls(&mut self, rd: &mut dyn Read) -> std::io::Result<usize> {
                <$ty>::read_tls(self, rd)
            }
            fn process_new_packets(&mut self) -> Result<(), Error> {
                <$ty>::process_new_packets(self)
            }
            fn write_tls(&mut self, wr: &mut dyn Write) -> std::io::Result<usize> {
                <$ty>::write_tls(self, wr)
            }
            fn wants_write(&self) -> bool {
                <$ty>::wants_write(self)
            }
            fn is_handshaking(&self) -> bool {
                <$ty>::is_handshaking(self)
            }
            fn write_plaintext(&mut self, data: &[u8]) -> std::io::Result<usize> {
                self.writer().write(data)
            }
            fn read_plaintext(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.reader().read(buf)
            }
            fn tls13(&self) -> bool {
                self.negotiated().version == Some(ProtocolVersion::Tls13)
            }
        }
    };
}
conn_impl!(ClientConnection);
conn_impl!(ServerConnection);

/// Everything the connection has to send (bounded: a connection that never stops writing
/// is a bug).
pub fn drain(conn: &mut dyn Conn, out: &mut Vec<u8>) {
    for _ in 0..1024 {
        if !conn.wants_write() {
            return;
        }
        if conn.write_tls(out).is_err() {
            return;
        }
    }
    panic!("write_tls never drained");
}

/// Splits a byte stream written by tlskit into whole records. tlskit only ever writes
/// whole records, so leftover bytes are a bug.
pub fn split_records(mut bytes: &[u8]) -> Vec<&[u8]> {
    let mut records = Vec::new();
    while !bytes.is_empty() {
        let len = match bytes.get(3..5) {
            Some(&[a, b]) => usize::from(u16::from_be_bytes([a, b])),
            _ => panic!("partial record header written: {bytes:02x?}"),
        };
        let (record, rest) = bytes
            .split_at_checked(5 + len)
            .unwrap_or_else(|| panic!("partial record written: {bytes:02x?}"));
        records.push(record);
        bytes = rest;
    }
    records
}

/// Whether a record could be the alert `alert`: a plaintext alert record with exactly those
/// bytes, or a protected record (the type tlskit's record layer writes for a sealed alert).
fn could_be_alert(record: &[u8], alert: u8, tls13_protected: bool) -> bool {
    match record.first() {
        Some(21) if record.len() == 7 => record.get(5..) == Some(&[2, alert][..]),
        Some(21) => !tls13_protected && record.len() > 7,
        Some(23) => tls13_protected,
        _ => false,
    }
}

/// A plaintext fatal alert record (content type 21, level 2). Warnings (close_notify the
/// application asked for) do not count.
pub fn is_plain_fatal_alert(record: &[u8]) -> bool {
    record.first() == Some(&21) && record.len() == 7 && record.get(5) == Some(&2)
}

/// `conn` just returned `err` from `process_new_packets`; `written` is what it wrote since
/// the last drain (call this before draining). Checks that the failure is clean and
/// returns everything written since the error (for delivery to the peer):
/// - an error that carries an alert ends the output with exactly that one fatal alert;
/// - an error without one (peer alert, EOF) writes no alert;
/// - the connection stays failed with the same error, writes nothing more, refuses
///   plaintext, and ignores further input.
pub fn check_failed(conn: &mut dyn Conn, err: &Error, more_input: &[u8]) -> Vec<u8> {
    let tls13_protected = conn.tls13();
    let mut out = Vec::new();
    drain(conn, &mut out);
    let records = split_records(&out);
    let plain_alerts = records.iter().filter(|r| is_plain_fatal_alert(r)).count();
    match err.alert() {
        Some(alert) => {
            let last = records
                .last()
                .unwrap_or_else(|| panic!("{err:?}: no alert written"));
            assert!(
                could_be_alert(last, alert.to_u8(), tls13_protected),
                "{err:?}: the last record written is not the fatal alert: {last:02x?}"
            );
            let earlier = records.len() - 1;
            assert!(
                records
                    .iter()
                    .take(earlier)
                    .all(|r| !is_plain_fatal_alert(r)),
                "{err:?}: more than one alert written"
            );
            assert!(plain_alerts <= 1);
        }
        None => assert_eq!(
            plain_alerts, 0,
            "{err:?}: an alert was written for an error that has none"
        ),
    }
    check_still_failed(conn, err, more_input);
    out
}

/// A connection that failed with `err` earlier: it stays failed with the same error,
/// refuses plaintext, ignores `more_input` and writes nothing.
pub fn check_still_failed(conn: &mut dyn Conn, err: &Error, more_input: &[u8]) {
    assert!(
        !conn.is_handshaking(),
        "{err:?}: a failed connection still reports handshaking"
    );
    assert_eq!(
        conn.process_new_packets().as_ref().err(),
        Some(err),
        "a failed connection stays failed"
    );
    assert!(
        conn.write_plaintext(b"after the error").is_err(),
        "{err:?}: plaintext accepted after failure"
    );
    let mut rd = more_input;
    while !rd.is_empty() {
        match conn.read_tls(&mut rd) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        assert_eq!(
            conn.process_new_packets().as_ref().err(),
            Some(err),
            "a failed connection stays failed"
        );
    }
    assert!(
        !conn.wants_write(),
        "{err:?}: a failed connection wrote more after its alert"
    );
}
