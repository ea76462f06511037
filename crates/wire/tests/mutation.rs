//! Bounded, seeded mutation test on the stable toolchain: valid messages and record streams
//! are mutated (bit flips, byte changes, length bumps, insertions, deletions, truncations,
//! splices) and decoded. Decoding must never panic; whatever decodes must re-encode and
//! decode again to the same value. Deterministic: a fixed seed and a fixed iteration count.

mod fixtures;

use tlskit_wire::*;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = fixtures::rfc8448()
        .into_iter()
        .filter(|(n, _)| {
            !n.contains(".record.") && !n.contains("Prefix") && n != "resumed.client.ClientHello.1"
        })
        .map(|(_, b)| b)
        .collect();
    for text in [
        include_str!("../testdata/captures/openssl_tls12.server.hex"),
        include_str!("../testdata/captures/openssl_tls12_rsa_certreq.server.hex"),
        include_str!("../testdata/captures/curl.client.hex"),
        include_str!("../testdata/captures/curl_tls12.client.hex"),
    ] {
        let stream = hex::decode(text.trim()).unwrap();
        let mut d = Deframer::new();
        d.push(&stream);
        let mut j = HandshakeJoiner::new();
        while let Some(r) = d.pop().unwrap() {
            if r.content_type != ContentType::HANDSHAKE {
                break;
            }
            j.push(r.payload).unwrap();
            while let Some(m) = j.pop().unwrap() {
                out.push(m.encoded.to_vec());
            }
        }
    }
    out
}

fn mutate(rng: &mut Rng, input: &[u8], pool: &[Vec<u8>]) -> Vec<u8> {
    let mut m = input.to_vec();
    for _ in 0..1 + rng.below(3) {
        if m.is_empty() {
            m.push(rng.next() as u8);
            continue;
        }
        let at = rng.below(m.len());
        match rng.below(8) {
            0 => m[at] ^= 1 << rng.below(8),
            1 => m[at] = rng.next() as u8,
            2 => m[at] = m[at].wrapping_add(1),
            3 => m[at] = m[at].wrapping_sub(1),
            4 => m.insert(at, rng.next() as u8),
            5 => {
                m.remove(at);
            }
            6 => m.truncate(at),
            _ => {
                let other = &pool[rng.below(pool.len())];
                let from = rng.below(other.len());
                let len = rng.below(other.len() - from + 1).min(64);
                m.splice(at..at, other[from..from + len].iter().copied());
            }
        }
    }
    m
}

fn check(bytes: &[u8], version: TlsVersion) -> bool {
    match HandshakeMessage::decode(bytes, version) {
        Ok(msg) => {
            let again = msg.to_vec().expect("a decoded message re-encodes");
            let decoded =
                HandshakeMessage::decode(&again, version).expect("a re-encoded message decodes");
            assert_eq!(decoded, msg);
            let _ = msg.to_string();
            if let HandshakeMessage::ClientHello(ch) = msg {
                assert_eq!(ch.encoded_len().unwrap(), again.len());
                if let Some(offset) = ch.psk_binders_offset() {
                    let psks = ch.extensions.pre_shared_key().unwrap();
                    assert_eq!(offset, again.len() - psks.binders_field_len());
                }
            }
            true
        }
        Err(e) => {
            let _ = e.to_string();
            false
        }
    }
}

#[test]
fn mutated_messages_never_panic() {
    let pool = seeds();
    let mut rng = Rng(0x7115_c0de_5eed_0001);
    let mut decoded = 0;
    const ITERATIONS: usize = 60_000;
    for i in 0..ITERATIONS {
        let seed = &pool[i % pool.len()];
        let m = mutate(&mut rng, seed, &pool);
        for v in [TlsVersion::Tls12, TlsVersion::Tls13] {
            if check(&m, v) {
                decoded += 1;
            }
        }
    }
    // Most mutations must be rejected, some must survive (e.g. a changed random).
    assert!(decoded > 1_000 && decoded < ITERATIONS, "{decoded} decoded");
}

#[test]
fn mutated_record_streams_never_panic() {
    let pool = seeds();
    let streams: Vec<Vec<u8>> = [
        include_str!("../testdata/captures/openssl_tls12.server.hex"),
        include_str!("../testdata/captures/curl.client.hex"),
        include_str!("../testdata/captures/openssl_tls13.server.hex"),
    ]
    .iter()
    .map(|t| hex::decode(t.trim()).unwrap())
    .collect();
    let mut rng = Rng(0x5eed_0002);
    for i in 0..3_000 {
        let stream = mutate(&mut rng, &streams[i % streams.len()], &pool);
        let chunk = 1 + rng.below(700);
        let mut d = Deframer::new();
        let mut j = HandshakeJoiner::with_max_message_len(1 << 14);
        'feed: for piece in stream.chunks(chunk) {
            let mut rest = piece;
            while !rest.is_empty() {
                let n = d.push(rest);
                rest = &rest[n..];
                loop {
                    match d.pop() {
                        Ok(Some(r)) if r.content_type == ContentType::HANDSHAKE => {
                            if j.push(r.payload).is_err() {
                                break 'feed;
                            }
                            while let Ok(Some(m)) = j.pop() {
                                let _ = m.decode(TlsVersion::Tls12);
                                let _ = m.decode(TlsVersion::Tls13);
                            }
                        }
                        Ok(Some(r)) if r.content_type == ContentType::ALERT => {
                            let _ = Alert::decode(r.payload);
                        }
                        Ok(Some(r)) if r.content_type == ContentType::CHANGE_CIPHER_SPEC => {
                            let _ = ChangeCipherSpec::decode(r.payload);
                        }
                        Ok(Some(_)) => {}
                        Ok(None) => break,
                        Err(e) => {
                            assert!(matches!(
                                e.alert(),
                                AlertDescription::DecodeError
                                    | AlertDescription::UnexpectedMessage
                                    | AlertDescription::RecordOverflow
                            ));
                            break 'feed;
                        }
                    }
                }
            }
        }
    }
}
