//! TLS 1.2 PRF, master secret, extended master secret, key block, Finished and exporter:
//! published PRF vectors and cross-checks against OpenSSL's `openssl kdf ... TLS1-PRF`,
//! with every provider.

mod common;

use common::{openssl_digest_name, openssl_kdf, providers, random, unhex};
use tlskit_crypto::{AeadAlgorithm, CryptoProvider, Digest, HashAlgorithm};
use tlskit_keyschedule::nonce::Tls12Iv;
use tlskit_keyschedule::tls12::{fixed_iv_len, MasterSecret, Prf, MASTER_SECRET_LEN};
use tlskit_keyschedule::{KeyScheduleError, Side};

/// `PRF(secret, label, seed)` of `len` bytes as OpenSSL computes it.
fn openssl_prf(
    hash: HashAlgorithm,
    secret: &[u8],
    label: &[u8],
    seed: &[&[u8]],
    len: usize,
) -> Vec<u8> {
    let mut label_and_seed = label.to_vec();
    for part in seed {
        label_and_seed.extend_from_slice(part);
    }
    openssl_kdf(&[
        "-keylen".into(),
        len.to_string(),
        "-kdfopt".into(),
        format!("digest:{}", openssl_digest_name(hash)),
        "-kdfopt".into(),
        format!("hexsecret:{}", hex::encode(secret)),
        "-kdfopt".into(),
        format!("hexseed:{}", hex::encode(label_and_seed)),
        "TLS1-PRF".into(),
    ])
}

fn random32(provider: &dyn CryptoProvider) -> [u8; 32] {
    random(provider, 32).try_into().expect("32 bytes")
}

/// The TLS 1.2 PRF test vectors posted to the IETF TLS WG (label "test label").
#[test]
fn tls12_prf_published_vectors() {
    let sha256 = (
        HashAlgorithm::Sha256,
        "9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35",
        "a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c",
        "e3 f2 29 ba 72 7b e1 7b 8d 12 26 20 55 7c d4 53 c2 aa b2 1d 07 c3 d4 95 32 9b 52 d4 e6 1e db 5a
         6b 30 17 91 e9 0d 35 c9 c9 a4 6b 4e 14 ba f9 af 0f a0 22 f7 07 7d ef 17 ab fd 37 97 c0 56 4b ab
         4f bc 91 66 6e 9d ef 9b 97 fc e3 4f 79 67 89 ba a4 80 82 d1 22 ee 42 c5 a7 2e 5a 51 10 ff f7 01
         87 34 7b 66",
    );
    let sha384 = (
        HashAlgorithm::Sha384,
        "b8 0b 73 3d 6c ee fc dc 71 56 6e a4 8e 55 67 df",
        "cd 66 5c f6 a8 44 7d d6 ff 8b 27 55 5e db 74 65",
        "7b 0c 18 e9 ce d4 10 ed 18 04 f2 cf a3 4a 33 6a 1c 14 df fb 49 00 bb 5f d7 94 21 07 e8 1c 83 cd
         e9 ca 0f aa 60 be 9f e3 4f 82 b1 23 3c 91 46 a0 e5 34 cb 40 0f ed 27 00 88 4f 9d c2 36 f8 0e dd
         8b fa 96 11 44 c9 e8 d7 92 ec a7 22 a7 b3 2f c3 d4 16 d4 73 eb c2 c5 fd 4a bf da d0 5d 91 84 25
         9b 5b f8 cd 4d 90 fa 0d 31 e2 de c4 79 e4 f1 a2 60 66 f2 ee a9 a6 92 36 a3 e5 26 55 c9 e9 ae e6
         91 c8 f3 a2 68 54 30 8d 5e aa 3b e8 5e 09 90 70 3d 73 e5 6f",
    );
    for provider in providers() {
        for (hash, secret, seed, expected) in [sha256, sha384] {
            let expected = unhex(expected);
            let prf = Prf::new(provider, hash).expect("prf");
            assert_eq!(prf.algorithm(), hash);
            let mut out = vec![0u8; expected.len()];
            prf.derive(&unhex(secret), b"test label", &[&unhex(seed)], &mut out)
                .expect("prf");
            assert_eq!(
                hex::encode(&out),
                hex::encode(&expected),
                "{} {hash:?}",
                provider.name()
            );
            // The seed may come in pieces.
            let seed = unhex(seed);
            let (a, b) = seed.split_at(5);
            let mut split = vec![0u8; expected.len()];
            prf.derive(&unhex(secret), b"test label", &[a, &[], b], &mut split)
                .expect("prf");
            assert_eq!(split, expected, "{} {hash:?} split seed", provider.name());
        }
    }
}

/// The PRF alone, for assorted secret, seed and output lengths (including lengths that
/// are not multiples of the hash length, and a 0-byte output).
#[test]
fn tls12_prf_matches_openssl() {
    let all = providers();
    let rng = all[0];
    for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha384] {
        for (secret_len, seed_len, out_len) in
            [(1, 1, 1), (48, 64, 104), (13, 77, 200), (200, 5, 47)]
        {
            let secret = random(rng, secret_len);
            let label = random(rng, 9);
            let seed = random(rng, seed_len);
            let expected = openssl_prf(hash, &secret, &label, &[&seed], out_len);
            for provider in &all {
                let mut out = vec![0u8; out_len];
                Prf::new(*provider, hash)
                    .expect("prf")
                    .derive(&secret, &label, &[&seed], &mut out)
                    .expect("prf");
                assert_eq!(
                    hex::encode(&out),
                    hex::encode(&expected),
                    "{} {hash:?}",
                    provider.name()
                );
            }
        }
        // An empty output is no work and no error.
        let prf = Prf::new(rng, hash).expect("prf");
        prf.derive(b"k", b"l", &[b"s"], &mut [])
            .expect("empty output");
    }
}

/// Master secret, extended master secret, the key block of every AEAD, Finished and the
/// exporter, against OpenSSL with random inputs.
#[test]
fn tls12_master_secret_ems_key_block_finished_exporter_match_openssl() {
    let all = providers();
    let rng = all[0];
    for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha384] {
        let pre_master = random(rng, 48);
        let client_random = random32(rng);
        let server_random = random32(rng);
        let session_hash = Digest::new(&random(rng, hash.output_len()));
        let handshake_hash = Digest::new(&random(rng, hash.output_len()));

        let ms_expected = openssl_prf(
            hash,
            &pre_master,
            b"master secret",
            &[&client_random, &server_random],
            48,
        );
        let ems_expected = openssl_prf(
            hash,
            &pre_master,
            b"extended master secret",
            &[session_hash.as_bytes()],
            48,
        );
        let key_blocks: Vec<(AeadAlgorithm, Vec<u8>)> = AeadAlgorithm::ALL
            .into_iter()
            .map(|aead| {
                let len = 2 * (aead.key_len() + fixed_iv_len(aead));
                (
                    aead,
                    openssl_prf(
                        hash,
                        &ems_expected,
                        b"key expansion",
                        &[&server_random, &client_random],
                        len,
                    ),
                )
            })
            .collect();
        let client_finished = openssl_prf(
            hash,
            &ems_expected,
            b"client finished",
            &[handshake_hash.as_bytes()],
            12,
        );
        let server_finished = openssl_prf(
            hash,
            &ems_expected,
            b"server finished",
            &[handshake_hash.as_bytes()],
            12,
        );
        let context = random(rng, 17);
        let export_no_context = openssl_prf(
            hash,
            &ems_expected,
            b"EXPERIMENTAL tlskit",
            &[&client_random, &server_random],
            40,
        );
        let export_context = openssl_prf(
            hash,
            &ems_expected,
            b"EXPERIMENTAL tlskit",
            &[&client_random, &server_random, &[0, 17], &context],
            40,
        );
        let export_empty_context = openssl_prf(
            hash,
            &ems_expected,
            b"EXPERIMENTAL tlskit",
            &[&client_random, &server_random, &[0, 0]],
            40,
        );

        for provider in &all {
            let ctx = format!("{} {hash:?}", provider.name());
            let prf = Prf::new(*provider, hash).expect("prf");
            let ms = MasterSecret::from_pre_master_secret(
                prf,
                &pre_master,
                &client_random,
                &server_random,
            )
            .expect("master secret");
            assert_eq!(
                hex::encode(ms.as_bytes()),
                hex::encode(&ms_expected),
                "{ctx} master secret"
            );
            let ems = MasterSecret::extended(prf, &pre_master, &session_hash).expect("ems");
            assert_eq!(
                hex::encode(ems.as_bytes()),
                hex::encode(&ems_expected),
                "{ctx} extended master secret"
            );
            assert_eq!(ems.as_bytes().len(), MASTER_SECRET_LEN);

            for (aead, expected) in &key_blocks {
                let block = ems
                    .key_block(*aead, &client_random, &server_random)
                    .expect("key block");
                let (k, iv) = (aead.key_len(), fixed_iv_len(*aead));
                let (client, server) = (block.client(), block.server());
                assert_eq!(client.key(), &expected[..k], "{ctx} {aead:?} client key");
                assert_eq!(
                    server.key(),
                    &expected[k..2 * k],
                    "{ctx} {aead:?} server key"
                );
                let iv_bytes = |iv: &Tls12Iv| -> Vec<u8> {
                    match iv {
                        Tls12Iv::Gcm(salt) => salt.as_bytes().to_vec(),
                        Tls12Iv::Xor(iv) => iv.as_bytes().to_vec(),
                    }
                };
                assert_eq!(
                    iv_bytes(client.iv()),
                    &expected[2 * k..2 * k + iv],
                    "{ctx} {aead:?} client IV"
                );
                assert_eq!(
                    iv_bytes(server.iv()),
                    &expected[2 * k + iv..],
                    "{ctx} {aead:?} server IV"
                );
                assert_eq!(
                    client.iv().explicit_nonce_len(),
                    if *aead == AeadAlgorithm::ChaCha20Poly1305 {
                        0
                    } else {
                        8
                    }
                );
                assert_eq!((client.aead(), server.aead()), (*aead, *aead));
                // The keys are usable with the provider's AEAD.
                client.new_aead_key(*provider).expect("client AEAD key");
                let (write, read) = block.into_write_and_read(Side::Server);
                assert_eq!(
                    write.key(),
                    &expected[k..2 * k],
                    "{ctx} server writes with the server key"
                );
                assert_eq!(read.key(), &expected[..k]);
            }

            let cf = ems
                .finished_verify_data(Side::Client, &handshake_hash)
                .expect("client finished");
            let sf = ems
                .finished_verify_data(Side::Server, &handshake_hash)
                .expect("server finished");
            assert_eq!(
                cf.as_bytes(),
                client_finished.as_slice(),
                "{ctx} client finished"
            );
            assert_eq!(
                sf.as_bytes(),
                server_finished.as_slice(),
                "{ctx} server finished"
            );
            assert_eq!(
                ems.check_finished(Side::Client, &handshake_hash, &client_finished),
                Ok(())
            );
            assert_eq!(
                ems.check_finished(Side::Server, &handshake_hash, &client_finished),
                Err(KeyScheduleError::FinishedMismatch),
                "{ctx}: the client's Finished is not the server's"
            );

            let mut out = [0u8; 40];
            ems.export(
                b"EXPERIMENTAL tlskit",
                None,
                &client_random,
                &server_random,
                &mut out,
            )
            .expect("export");
            assert_eq!(
                out.as_slice(),
                export_no_context.as_slice(),
                "{ctx} exporter without context"
            );
            ems.export(
                b"EXPERIMENTAL tlskit",
                Some(&context),
                &client_random,
                &server_random,
                &mut out,
            )
            .expect("export");
            assert_eq!(
                out.as_slice(),
                export_context.as_slice(),
                "{ctx} exporter with context"
            );
            ems.export(
                b"EXPERIMENTAL tlskit",
                Some(&[]),
                &client_random,
                &server_random,
                &mut out,
            )
            .expect("export");
            assert_eq!(
                out.as_slice(),
                export_empty_context.as_slice(),
                "{ctx} exporter with empty context"
            );
            assert_ne!(
                export_empty_context, export_no_context,
                "RFC 5705: no context differs from empty"
            );

            // Restoring the secret from a session gives the same derivations.
            let restored = MasterSecret::from_bytes(prf, ems.as_bytes()).expect("restore");
            assert_eq!(
                restored
                    .finished_verify_data(Side::Client, &handshake_hash)
                    .expect("cf")
                    .as_bytes(),
                cf.as_bytes()
            );
        }
    }
}

#[test]
fn tls12_rejects_bad_inputs() {
    for provider in providers() {
        let prf = Prf::new(provider, HashAlgorithm::Sha256).expect("prf");
        let ms = MasterSecret::from_bytes(prf, &[7; 48]).expect("ms");
        let sha384_hash = Digest::new(&[0; 48]);
        assert_eq!(
            MasterSecret::extended(prf, &[1; 32], &sha384_hash).err(),
            Some(KeyScheduleError::HashLengthMismatch {
                expected: 32,
                got: 48
            })
        );
        assert_eq!(
            ms.finished_verify_data(Side::Client, &sha384_hash).err(),
            Some(KeyScheduleError::HashLengthMismatch {
                expected: 32,
                got: 48
            })
        );
        assert_eq!(
            MasterSecret::from_bytes(prf, &[0; 47]).err(),
            Some(KeyScheduleError::SecretLengthMismatch {
                expected: 48,
                got: 47
            })
        );
        let mut out = [0u8; 16];
        for label in [
            &b"client finished"[..],
            b"server finished",
            b"master secret",
            b"extended master secret",
            b"key expansion",
        ] {
            assert_eq!(
                ms.export(label, None, &[0; 32], &[0; 32], &mut out),
                Err(KeyScheduleError::ReservedExporterLabel)
            );
        }
        let huge = vec![0u8; 1 << 16];
        assert_eq!(
            ms.export(b"EXPERIMENTAL x", Some(&huge), &[0; 32], &[0; 32], &mut out),
            Err(KeyScheduleError::ContextTooLong)
        );
        // Secrets never print.
        let shown = format!(
            "{ms:?} {:?}",
            ms.key_block(AeadAlgorithm::Aes128Gcm, &[1; 32], &[2; 32])
                .expect("kb")
        );
        assert!(
            !shown.contains("07, 07") && !shown.contains("0707"),
            "{shown}"
        );
        assert!(shown.contains("redacted"), "{shown}");
    }
}

/// The AES-GCM nonce rule end to end: a record sealed with salt || explicit nonce opens
/// with the nonce rebuilt from the record's explicit part (RFC 5288 §3), and
/// ChaCha20-Poly1305 XORs the sequence number (RFC 7905 §2).
#[test]
fn tls12_record_nonces_round_trip() {
    for provider in providers() {
        let prf = Prf::new(provider, HashAlgorithm::Sha256).expect("prf");
        let ms = MasterSecret::from_bytes(prf, &[9; 48]).expect("ms");
        for aead in AeadAlgorithm::ALL {
            let block = ms.key_block(aead, &[1; 32], &[2; 32]).expect("key block");
            let (write, read) = block.into_write_and_read(Side::Client);
            assert_ne!(write.key(), read.key());
            let sealer = write.new_aead_key(provider).expect("key");
            // The peer opens with the same direction's keys.
            let opener = write.new_aead_key(provider).expect("key");
            for seq in [0u64, 1, 0x0102_0304_0506_0708] {
                let mut body = *b"tlskit record body";
                let mut tag = [0u8; 16];
                let nonce = write.iv().seal_nonce(seq);
                sealer
                    .seal_in_place(&nonce, b"aad", &mut body, &mut tag)
                    .expect("seal");
                let explicit = write.iv().explicit_nonce(seq);
                let explicit = explicit.as_ref().map(|e| e.as_slice()).unwrap_or(&[]);
                let reopened = write.iv().open_nonce(seq, explicit).expect("nonce");
                assert_eq!(reopened, nonce);
                opener
                    .open_in_place(&reopened, b"aad", &mut body, &tag)
                    .expect("open");
                assert_eq!(&body, b"tlskit record body", "{} {aead:?}", provider.name());
            }
        }
    }
}
