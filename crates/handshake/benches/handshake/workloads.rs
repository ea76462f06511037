//! The measured workloads, shared by the criterion bench (`handshake`) and the interleaved
//! A/B bench (`handshake_paired`): one handshake of a stack, one 16 KiB transfer through an
//! established connection, the record layer alone, and a raw AEAD seal + open.

use crate::peer::{handshake, transfer, Peer, Wire};
use crate::pki::{Pki, SERVER_NAME};
use crate::stacks::{self, Case};
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tlskit_crypto::{AeadAlgorithm, AeadKey, CryptoProvider};
use tlskit_handshake::record::{NonceScheme, RecordCipher, HEADER_LEN};
use tlskit_handshake::{ClientConnection, ServerConnection};

/// Bulk transfer unit: one full TLS record of plaintext (RFC 8446 §5.1, RFC 5246 §6.2.1).
pub(crate) const BULK_LEN: usize = 16 * 1024;

/// ContentType application_data (RFC 8446 §5.1, RFC 5246 §6.2.1).
const APPLICATION_DATA: u8 = 23;

/// The PKI is made once per process: rcgen key generation is not what is measured.
pub(crate) fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(Pki::new)
}

pub(crate) fn rustls_server_name() -> rustls::pki_types::ServerName<'static> {
    rustls::pki_types::ServerName::try_from(SERVER_NAME).expect("server name")
}

/// One stack's handshakes for one [`Case`]: each [`Handshaker::run`] creates a client and a
/// server connection, drives the handshake in memory and drops both.
pub(crate) trait Handshaker {
    /// One handshake; adds the server's share (creating the server connection, its
    /// receive/process/send calls, dropping it) to `server_time`.
    fn run(&mut self, server_time: &mut Duration);
}

struct Stack<NC, NS, R> {
    new_client: NC,
    new_server: NS,
    resumed: R,
    wire: Wire,
}

impl<C, S, NC, NS, R> Stack<NC, NS, R>
where
    C: Peer,
    S: Peer,
    NC: Fn() -> C,
    NS: Fn() -> S,
    R: Fn(&C, &S) -> bool,
{
    fn once(&mut self, server_time: &mut Duration) -> Result<(C, S), String> {
        let mut client = (self.new_client)();
        let started = Instant::now();
        let mut server = (self.new_server)();
        *server_time += started.elapsed();
        handshake(&mut client, &mut server, &mut self.wire, server_time)?;
        Ok((client, server))
    }

    /// Checks the setup before measuring: the handshake completes, resumes exactly when it
    /// should, and (printed) how many bytes each direction carries, so the stacks can be
    /// seen to exchange the same flights. The first run also primes resumption.
    fn check(&mut self, stack: &str, case: Case) {
        for round in 0..3 {
            let (client, server) = self
                .once(&mut Duration::default())
                .unwrap_or_else(|e| panic!("{stack} {}: {e}", case.group_name()));
            let (up, down) = self.wire.take_counts();
            let resumed = (self.resumed)(&client, &server);
            if round > 0 {
                assert_eq!(
                    resumed,
                    case.resumes(),
                    "{stack} {}: resumption state",
                    case.group_name()
                );
            }
            if round == 2 {
                eprintln!(
                    "flow {:<26} {stack:<18} client->server {up:>5} B, server->client {down:>5} B, resumed {resumed}",
                    case.group_name()
                );
            }
        }
    }
}

impl<C, S, NC, NS, R> Handshaker for Stack<NC, NS, R>
where
    C: Peer,
    S: Peer,
    NC: Fn() -> C,
    NS: Fn() -> S,
    R: Fn(&C, &S) -> bool,
{
    fn run(&mut self, server_time: &mut Duration) {
        let (client, server) = self.once(server_time).expect("handshake");
        drop(client);
        let started = Instant::now();
        drop(black_box(server));
        *server_time += started.elapsed();
    }
}

/// tlskit on `provider` for `case`, checked.
pub(crate) fn tlskit_handshaker(
    provider: &'static dyn CryptoProvider,
    case: Case,
) -> Box<dyn Handshaker> {
    tlskit_handshaker_with(provider, case, false)
}

/// As [`tlskit_handshaker`], the client optionally with its verified-chain cache on.
pub(crate) fn tlskit_handshaker_with(
    provider: &'static dyn CryptoProvider,
    case: Case,
    chain_cache: bool,
) -> Box<dyn Handshaker> {
    let (client_config, server_config) =
        stacks::tlskit_configs_with(provider, pki(), case, chain_cache);
    let mut stack = Stack {
        new_client: move || {
            ClientConnection::new(client_config.clone(), SERVER_NAME).expect("client")
        },
        new_server: move || ServerConnection::new(server_config.clone()).expect("server"),
        resumed: |c: &ClientConnection, s: &ServerConnection| {
            c.negotiated().resumed && s.negotiated().resumed
        },
        wire: Wire::default(),
    };
    stack.check(&format!("tlskit-{}", provider.name()), case);
    Box::new(stack)
}

/// rustls (ring provider) for `case`, checked.
pub(crate) fn rustls_handshaker(case: Case) -> Box<dyn Handshaker> {
    let (client_config, server_config) = stacks::rustls_configs(pki(), case);
    let mut stack = Stack {
        new_client: move || {
            rustls::ClientConnection::new(client_config.clone(), rustls_server_name())
                .expect("client")
        },
        new_server: move || rustls::ServerConnection::new(server_config.clone()).expect("server"),
        resumed: |c: &rustls::ClientConnection, s: &rustls::ServerConnection| {
            c.handshake_kind() == Some(rustls::HandshakeKind::Resumed)
                && s.handshake_kind() == Some(rustls::HandshakeKind::Resumed)
        },
        wire: Wire::default(),
    };
    stack.check("rustls-ring", case);
    Box::new(stack)
}

/// A repeatable unit of bulk work.
pub(crate) trait Bulk {
    fn run(&mut self);
}

/// An established connection pair moving [`BULK_LEN`] bytes client → server per run:
/// writer → write_tls → read_tls → process_new_packets → reader.
struct Transfer<C, S> {
    client: C,
    server: S,
    wire: Wire,
    data: Vec<u8>,
    out: Vec<u8>,
}

impl<C: Peer, S: Peer> Bulk for Transfer<C, S> {
    fn run(&mut self) {
        transfer(
            &mut self.client,
            &mut self.server,
            &mut self.wire,
            black_box(&self.data),
            &mut self.out,
        )
        .expect("transfer");
    }
}

fn established<C: Peer + 'static, S: Peer + 'static>(
    mut client: C,
    mut server: S,
) -> Box<dyn Bulk> {
    let mut wire = Wire::default();
    let mut server_time = Duration::ZERO;
    handshake(&mut client, &mut server, &mut wire, &mut server_time).expect("handshake");
    let mut transfer = Transfer {
        client,
        server,
        wire,
        data: vec![0x5au8; BULK_LEN],
        out: vec![0u8; BULK_LEN],
    };
    transfer.run();
    assert_eq!(
        transfer.out, transfer.data,
        "the server read back different bytes"
    );
    Box::new(transfer)
}

/// A tlskit connection on `provider` (TLS 1.2 or 1.3 per `case`), established.
pub(crate) fn tlskit_transfer(provider: &'static dyn CryptoProvider, case: Case) -> Box<dyn Bulk> {
    let (client_config, server_config) = stacks::tlskit_configs(provider, pki(), case);
    established(
        ClientConnection::new(client_config, SERVER_NAME).expect("client"),
        ServerConnection::new(server_config).expect("server"),
    )
}

/// A rustls connection (TLS 1.2 or 1.3 per `case`), established.
pub(crate) fn rustls_transfer(case: Case) -> Box<dyn Bulk> {
    let (client_config, server_config) = stacks::rustls_configs(pki(), case);
    established(
        rustls::ClientConnection::new(client_config, rustls_server_name()).expect("client"),
        rustls::ServerConnection::new(server_config).expect("server"),
    )
}

/// Where the record-layer workload places its record in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placement {
    /// The plaintext (after the header and any explicit nonce) starts on a 64-byte
    /// boundary, as the raw AEAD bench's buffer does and as the connection places the
    /// first record of a send or receive buffer.
    PayloadAligned,
    /// The record starts on a 64-byte boundary, so the payload is 5 (TLS 1.3) or 13
    /// (TLS 1.2 AES-GCM) bytes past it: what a buffer that ignores alignment gets.
    RecordAligned,
}

/// The record layer alone, without connection buffers, in place: the plaintext lies at its
/// payload position in a record-sized buffer; `RecordCipher::seal_in_place` writes header,
/// explicit nonce or inner content type and tag around it and encrypts it where it lies,
/// then `open_record` decrypts it in place again (so the next run seals the same bytes).
/// The raw AEAD workload below also seals and opens in place.
struct RecordRoundTrip {
    sealer: RecordCipher,
    opener: RecordCipher,
    buf: Vec<u8>,
    record: std::ops::Range<usize>,
}

impl RecordRoundTrip {
    fn round_trip(&mut self) -> (u8, std::ops::Range<usize>) {
        let record = &mut self.buf[self.record.clone()];
        self.sealer
            .seal_in_place(APPLICATION_DATA, [3, 3], black_box(&mut *record))
            .expect("seal");
        let (header, payload) = record.split_at_mut(HEADER_LEN);
        let header: [u8; HEADER_LEN] = (&*header).try_into().expect("header");
        self.opener.open_record(header, payload).expect("open")
    }
}

impl Bulk for RecordRoundTrip {
    fn run(&mut self) {
        black_box(self.round_trip());
    }
}

/// The TLS 1.2 (AES-128-GCM, explicit nonce) or TLS 1.3 (AES-128-GCM) record layer on
/// `provider`, in place, with the record placed as `placement` says; checked.
pub(crate) fn record_layer(
    provider: &'static dyn CryptoProvider,
    case: Case,
    placement: Placement,
) -> Box<dyn Bulk> {
    let aead = provider
        .aead(AeadAlgorithm::Aes128Gcm)
        .expect("AES-128-GCM");
    let scheme = match case.version() {
        tlskit_handshake::ProtocolVersion::Tls12 => {
            NonceScheme::Tls12Explicit { salt: [1, 2, 3, 4] }
        }
        tlskit_handshake::ProtocolVersion::Tls13 => NonceScheme::Tls13 { iv: [5; 12] },
    };
    let sealer = RecordCipher::new(aead.new_key(&[0x42; 16]).expect("key"), scheme);
    let opener = RecordCipher::new(aead.new_key(&[0x42; 16]).expect("key"), scheme);
    let prefix = sealer.prefix_len();
    let record_len = sealer.record_len(BULK_LEN);
    let mut buf = vec![0u8; record_len + 64];
    let to_aligned = |offset: usize| (64 - (buf.as_ptr() as usize + offset) % 64) % 64;
    let start = match placement {
        Placement::PayloadAligned => to_aligned(prefix),
        Placement::RecordAligned => to_aligned(0),
    };
    let payload = start + prefix..start + prefix + BULK_LEN;
    buf[payload.clone()].fill(0x5a);
    let mut record = RecordRoundTrip {
        sealer,
        opener,
        buf,
        record: start..start + record_len,
    };
    for _ in 0..2 {
        let (content_type, range) = record.round_trip();
        assert_eq!(content_type, APPLICATION_DATA);
        assert_eq!(range.start + start + HEADER_LEN, payload.start);
        assert!(record.buf[payload.clone()].iter().all(|&b| b == 0x5a));
    }
    Box::new(record)
}

/// The same AEAD work without the record layer: seal [`BULK_LEN`] bytes in place under one
/// key, open them under the peer's copy of the key.
struct RawAead {
    seal_key: Box<dyn AeadKey>,
    open_key: Box<dyn AeadKey>,
    buf: Vec<u8>,
    tag: [u8; 16],
}

impl Bulk for RawAead {
    fn run(&mut self) {
        let nonce = [7u8; 12];
        let aad = [0x17, 0x03, 0x03, 0x40, 0x11];
        self.seal_key
            .seal_in_place(&nonce, &aad, black_box(&mut self.buf), &mut self.tag)
            .expect("seal");
        self.open_key
            .open_in_place(&nonce, &aad, black_box(&mut self.buf), &self.tag)
            .expect("open");
    }
}

/// Raw AES-128-GCM seal + open of [`BULK_LEN`] bytes on `provider`.
pub(crate) fn raw_aead(provider: &'static dyn CryptoProvider) -> Box<dyn Bulk> {
    let aead = provider
        .aead(AeadAlgorithm::Aes128Gcm)
        .expect("AES-128-GCM");
    Box::new(RawAead {
        seal_key: aead.new_key(&[0x42; 16]).expect("key"),
        open_key: aead.new_key(&[0x42; 16]).expect("key"),
        buf: vec![0x5au8; BULK_LEN],
        tag: [0u8; 16],
    })
}

/// The floor of a copy-in/copy-out connection API over an in-place AEAD: the raw AEAD
/// seal + open of [`BULK_LEN`] bytes plus the four copies the connection path cannot avoid
/// (`writer()` into the send buffer, `write_tls` out of it, `read_tls` into the receive
/// buffer, `reader()` out of it), with the sealed and opened bytes 64-byte aligned as the
/// connection places them. No headers, no record layer, no state.
struct RawAeadWithCopies {
    seal_key: Box<dyn AeadKey>,
    open_key: Box<dyn AeadKey>,
    data: Vec<u8>,
    send: Vec<u8>,
    send_at: usize,
    wire: Vec<u8>,
    recv: Vec<u8>,
    recv_at: usize,
    out: Vec<u8>,
    tag: [u8; 16],
}

impl Bulk for RawAeadWithCopies {
    fn run(&mut self) {
        let nonce = [7u8; 12];
        let aad = [0x17, 0x03, 0x03, 0x40, 0x11];
        let send = &mut self.send[self.send_at..self.send_at + BULK_LEN];
        send.copy_from_slice(black_box(&self.data));
        self.seal_key
            .seal_in_place(&nonce, &aad, send, &mut self.tag)
            .expect("seal");
        self.wire.clear();
        self.wire.extend_from_slice(send);
        let recv = &mut self.recv[self.recv_at..self.recv_at + BULK_LEN];
        recv.copy_from_slice(&self.wire);
        self.open_key
            .open_in_place(&nonce, &aad, recv, &self.tag)
            .expect("open");
        self.out.copy_from_slice(recv);
        black_box(&mut self.out);
    }
}

/// Raw AES-128-GCM seal + open of [`BULK_LEN`] bytes plus the connection API's four
/// copies, on `provider`; checked.
pub(crate) fn raw_aead_with_copies(provider: &'static dyn CryptoProvider) -> Box<dyn Bulk> {
    let aead = provider
        .aead(AeadAlgorithm::Aes128Gcm)
        .expect("AES-128-GCM");
    let aligned = |buf: &Vec<u8>| (64 - buf.as_ptr() as usize % 64) % 64;
    let send = vec![0u8; BULK_LEN + 64];
    let recv = vec![0u8; BULK_LEN + 64];
    let mut work = RawAeadWithCopies {
        seal_key: aead.new_key(&[0x42; 16]).expect("key"),
        open_key: aead.new_key(&[0x42; 16]).expect("key"),
        data: vec![0x5au8; BULK_LEN],
        send_at: aligned(&send),
        send,
        wire: Vec::with_capacity(BULK_LEN),
        recv_at: aligned(&recv),
        recv,
        out: vec![0u8; BULK_LEN],
        tag: [0u8; 16],
    };
    work.run();
    assert_eq!(work.out, work.data);
    Box::new(work)
}
