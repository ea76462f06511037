//! The transcript hash with every provider: buffering, forking, partial hashes,
//! retained messages and the HelloRetryRequest `message_hash` (RFC 8446 §4.4.1).

mod common;

use common::{providers, random};
use tlskit_crypto::{Digest, HashAlgorithm};
use tlskit_keyschedule::transcript::MESSAGE_HASH_TYPE;
use tlskit_keyschedule::{HandshakeHashBuffer, KeyScheduleError, TranscriptHash};

#[test]
fn transcript_buffer_fork_partial_and_retain() {
    for provider in providers() {
        for algorithm in [HashAlgorithm::Sha256, HashAlgorithm::Sha384] {
            let hash = provider.hash(algorithm).expect("hash");
            let m1 = random(provider, 70);
            let m2 = random(provider, 300);
            let m3 = random(provider, 5);
            let concat = |parts: &[&[u8]]| hash.hash(&parts.concat());

            let mut buffer = HandshakeHashBuffer::new();
            buffer.add_message(&m1);
            assert_eq!(buffer.hash_with_partial(hash, &m2), concat(&[&m1, &m2]));
            buffer.retain_messages();
            let mut transcript = buffer.start_with(provider, algorithm).expect("start");
            assert_eq!(transcript.algorithm(), algorithm);
            assert_eq!(transcript.current(), concat(&[&m1]));
            transcript.add_message(&m2);
            assert_eq!(transcript.current(), concat(&[&m1, &m2]));

            // A fork moves on alone.
            let mut fork = transcript.clone();
            fork.add_message(&m3);
            assert_eq!(fork.current(), concat(&[&m1, &m2, &m3]));
            assert_eq!(transcript.current(), concat(&[&m1, &m2]));

            // A partial message is hashed but not kept.
            assert_eq!(
                transcript.current_with_partial(&m3),
                concat(&[&m1, &m2, &m3])
            );
            assert_eq!(transcript.current(), concat(&[&m1, &m2]));

            // The raw messages, for a TLS 1.2 CertificateVerify.
            assert_eq!(
                transcript.retained_messages(),
                Some([&m1[..], &m2].concat().as_slice())
            );
            transcript.stop_retaining();
            assert_eq!(transcript.retained_messages(), None);
            transcript.add_message(&m3);
            assert_eq!(transcript.current(), concat(&[&m1, &m2, &m3]));

            // Hashing directly gives the same as buffering first.
            let mut direct = TranscriptHash::new(hash);
            for m in [&m1, &m2, &m3] {
                direct.add_message(m);
            }
            assert_eq!(direct.current(), transcript.current());
            assert_eq!(direct.retained_messages(), None);
        }
    }
}

#[test]
fn transcript_message_hash_after_hello_retry_request() {
    for provider in providers() {
        for algorithm in [HashAlgorithm::Sha256, HashAlgorithm::Sha384] {
            let hash = provider.hash(algorithm).expect("hash");
            let client_hello1 = random(provider, 200);
            let hello_retry_request = random(provider, 90);
            let client_hello2 = random(provider, 220);

            let mut transcript = TranscriptHash::new(hash);
            transcript.add_message(&client_hello1);
            transcript.replace_with_message_hash();
            transcript.add_message(&hello_retry_request);
            transcript.add_message(&client_hello2);

            // RFC 8446 §4.4.1: message_hash || 00 00 Hash.length || Hash(ClientHello1).
            let ch1_hash = hash.hash(&client_hello1);
            let mut expected = vec![MESSAGE_HASH_TYPE, 0, 0, algorithm.output_len() as u8];
            expected.extend_from_slice(ch1_hash.as_bytes());
            expected.extend_from_slice(&hello_retry_request);
            expected.extend_from_slice(&client_hello2);
            assert_eq!(transcript.current(), hash.hash(&expected));
            assert_eq!(MESSAGE_HASH_TYPE, 254);

            // A stateless server rebuilds the same transcript from the cookie's hash.
            let mut rebuilt =
                TranscriptHash::starting_with_message_hash(hash, &ch1_hash).expect("rebuild");
            rebuilt.add_message(&hello_retry_request);
            rebuilt.add_message(&client_hello2);
            assert_eq!(rebuilt.current(), transcript.current());

            // The retained copy follows the replacement.
            let mut buffer = HandshakeHashBuffer::new();
            buffer.retain_messages();
            buffer.add_message(&client_hello1);
            let mut retained = buffer.start(hash);
            retained.replace_with_message_hash();
            assert_eq!(
                retained.retained_messages(),
                Some(&expected[..4 + algorithm.output_len()])
            );

            let wrong = Digest::new(&[0; 20]);
            assert_eq!(
                TranscriptHash::starting_with_message_hash(hash, &wrong).err(),
                Some(KeyScheduleError::HashLengthMismatch {
                    expected: algorithm.output_len(),
                    got: 20
                })
            );
        }
    }
}
