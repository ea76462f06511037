//! TLS 1.3 schedule with both suite hashes against OpenSSL (`openssl kdf ... HKDF` /
//! `TLS13-KDF`, `openssl mac`, `openssl dgst`), covering what RFC 8448 does not: SHA-384,
//! external PSK binders, psk_ke (no (EC)DHE), KeyUpdate, exporters, post-handshake
//! Finished keys, AES-256-GCM and ChaCha20-Poly1305 traffic keys. Plus the API's
//! refusals: wrong hash lengths, bad label lengths, oversize outputs.

mod common;

use common::{
    openssl_digest, openssl_expand_label, openssl_hkdf_extract, openssl_hmac, providers, random,
};
use tlskit_crypto::{AeadAlgorithm, Digest, HashAlgorithm};
use tlskit_keyschedule::tls13::{
    ApplicationTrafficSecret, EarlySecret, ExporterMasterSecret, HandshakeTrafficSecret, Kdf,
    PskKind, MAX_LABEL_LEN,
};
use tlskit_keyschedule::{KeyScheduleError, Side};

/// Random inputs of one handshake and OpenSSL's values for every derived secret.
struct Expected {
    psk: Vec<u8>,
    ecdhe: Option<Vec<u8>>,
    ch_hash: Vec<u8>,
    hello_hash: Vec<u8>,
    sf_hash: Vec<u8>,
    cf_hash: Vec<u8>,
    ticket_nonce: Vec<u8>,
    export_context: Vec<u8>,
    early: Vec<u8>,
    ext_binder_key: Vec<u8>,
    binder: Vec<u8>,
    c_e_traffic: Vec<u8>,
    e_exp_master: Vec<u8>,
    handshake: Vec<u8>,
    c_hs: Vec<u8>,
    s_hs: Vec<u8>,
    s_finished_key: Vec<u8>,
    s_finished: Vec<u8>,
    master: Vec<u8>,
    c_ap: Vec<u8>,
    s_ap: Vec<u8>,
    c_ap_1: Vec<u8>,
    c_ap_2: Vec<u8>,
    exp_master: Vec<u8>,
    export: Vec<u8>,
    early_export: Vec<u8>,
    res_master: Vec<u8>,
    ticket_psk: Vec<u8>,
    keys: Vec<(AeadAlgorithm, Vec<u8>, Vec<u8>)>,
    post_handshake_finished_key: Vec<u8>,
}

fn expected(
    hash: HashAlgorithm,
    rng_source: &dyn tlskit_crypto::CryptoProvider,
    psk_ke: bool,
) -> Expected {
    let len = hash.output_len();
    let psk = random(rng_source, len);
    let ecdhe = (!psk_ke).then(|| random(rng_source, 32));
    let ch_hash = random(rng_source, len);
    let hello_hash = random(rng_source, len);
    let sf_hash = random(rng_source, len);
    let cf_hash = random(rng_source, len);
    let ticket_nonce = random(rng_source, 8);
    let export_context = random(rng_source, 21);
    let zeros = vec![0u8; len];
    let empty_hash = openssl_digest(hash, b"");
    let expand = |secret: &[u8], label: &[u8], context: &[u8], n: usize| {
        openssl_expand_label(hash, secret, label, context, n)
    };

    let early = openssl_hkdf_extract(hash, &zeros, &psk);
    let ext_binder_key = expand(&early, b"ext binder", &empty_hash, len);
    let binder_finished_key = expand(&ext_binder_key, b"finished", b"", len);
    let binder = openssl_hmac(hash, &binder_finished_key, &ch_hash);
    let c_e_traffic = expand(&early, b"c e traffic", &ch_hash, len);
    let e_exp_master = expand(&early, b"e exp master", &ch_hash, len);
    let derived = expand(&early, b"derived", &empty_hash, len);
    let handshake = openssl_hkdf_extract(hash, &derived, ecdhe.as_deref().unwrap_or(&zeros));
    let c_hs = expand(&handshake, b"c hs traffic", &hello_hash, len);
    let s_hs = expand(&handshake, b"s hs traffic", &hello_hash, len);
    let s_finished_key = expand(&s_hs, b"finished", b"", len);
    let s_finished = openssl_hmac(hash, &s_finished_key, &hello_hash);
    let derived = expand(&handshake, b"derived", &empty_hash, len);
    let master = openssl_hkdf_extract(hash, &derived, &zeros);
    let c_ap = expand(&master, b"c ap traffic", &sf_hash, len);
    let s_ap = expand(&master, b"s ap traffic", &sf_hash, len);
    let c_ap_1 = expand(&c_ap, b"traffic upd", b"", len);
    let c_ap_2 = expand(&c_ap_1, b"traffic upd", b"", len);
    let exp_master = expand(&master, b"exp master", &sf_hash, len);
    let context_hash = openssl_digest(hash, &export_context);
    let per_label = expand(&exp_master, b"EXPORTER-tlskit-test", &empty_hash, len);
    let export = expand(&per_label, b"exporter", &context_hash, 42);
    let per_label = expand(&e_exp_master, b"EXPORTER-tlskit-test", &empty_hash, len);
    let early_export = expand(&per_label, b"exporter", &context_hash, 42);
    let res_master = expand(&master, b"res master", &cf_hash, len);
    let ticket_psk = expand(&res_master, b"resumption", &ticket_nonce, len);
    let keys = AeadAlgorithm::ALL
        .into_iter()
        .map(|aead| {
            (
                aead,
                expand(&s_ap, b"key", b"", aead.key_len()),
                expand(&s_ap, b"iv", b"", 12),
            )
        })
        .collect();
    let post_handshake_finished_key = expand(&c_ap_1, b"finished", b"", len);
    Expected {
        psk,
        ecdhe,
        ch_hash,
        hello_hash,
        sf_hash,
        cf_hash,
        ticket_nonce,
        export_context,
        early,
        ext_binder_key,
        binder,
        c_e_traffic,
        e_exp_master,
        handshake,
        c_hs,
        s_hs,
        s_finished_key,
        s_finished,
        master,
        c_ap,
        s_ap,
        c_ap_1,
        c_ap_2,
        exp_master,
        export,
        early_export,
        res_master,
        ticket_psk,
        keys,
        post_handshake_finished_key,
    }
}

#[track_caller]
fn same(ctx: &str, what: &str, got: &[u8], want: &[u8]) {
    assert_eq!(hex::encode(got), hex::encode(want), "{ctx}: {what}");
}

#[test]
fn tls13_schedule_matches_openssl_for_both_hashes_and_psk_modes() {
    let all = providers();
    for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha384] {
        for psk_ke in [false, true] {
            let e = expected(hash, all[0], psk_ke);
            for provider in &all {
                let ctx = format!("{} {hash:?} psk_ke={psk_ke}", provider.name());
                let ctx = ctx.as_str();
                let d = |b: &[u8]| Digest::new(b);
                let kdf = Kdf::new(*provider, hash).expect("kdf");
                assert_eq!(kdf.algorithm(), hash);

                let early = EarlySecret::new(kdf, Some(&e.psk)).expect("early");
                same(ctx, "early secret", early.as_bytes(), &e.early);
                let binder_key = early.binder_key(PskKind::External).expect("binder key");
                same(
                    ctx,
                    "ext binder key",
                    binder_key.as_bytes(),
                    &e.ext_binder_key,
                );
                let binder = binder_key.binder(&d(&e.ch_hash)).expect("binder");
                same(ctx, "binder", binder.as_bytes(), &e.binder);
                assert_eq!(binder_key.check_binder(&d(&e.ch_hash), &e.binder), Ok(()));
                let c_e = early
                    .client_early_traffic_secret(&d(&e.ch_hash))
                    .expect("c e");
                same(ctx, "c e traffic", c_e.as_bytes(), &e.c_e_traffic);
                assert_eq!(c_e.side(), Side::Client);
                let e_exp = early
                    .early_exporter_master_secret(&d(&e.ch_hash))
                    .expect("e exp");
                same(ctx, "e exp master", e_exp.as_bytes(), &e.e_exp_master);
                let mut out = [0u8; 42];
                e_exp
                    .export(b"EXPORTER-tlskit-test", &e.export_context, &mut out)
                    .expect("export");
                same(ctx, "early exporter", &out, &e.early_export);

                let hs = early.into_handshake_secret(e.ecdhe.as_deref()).expect("hs");
                same(ctx, "handshake secret", hs.as_bytes(), &e.handshake);
                let c_hs = hs
                    .handshake_traffic_secret(Side::Client, &d(&e.hello_hash))
                    .expect("c hs");
                let s_hs = hs
                    .handshake_traffic_secret(Side::Server, &d(&e.hello_hash))
                    .expect("s hs");
                same(ctx, "c hs traffic", c_hs.as_bytes(), &e.c_hs);
                same(ctx, "s hs traffic", s_hs.as_bytes(), &e.s_hs);
                let fk = s_hs.finished_key().expect("finished key");
                same(ctx, "server finished key", fk.as_bytes(), &e.s_finished_key);
                same(
                    ctx,
                    "server verify_data",
                    fk.verify_data(&d(&e.hello_hash)).expect("vd").as_bytes(),
                    &e.s_finished,
                );

                let master = hs.into_master_secret().expect("master");
                same(ctx, "master secret", master.as_bytes(), &e.master);
                let c_ap = master
                    .application_traffic_secret(Side::Client, &d(&e.sf_hash))
                    .expect("c ap");
                let s_ap = master
                    .application_traffic_secret(Side::Server, &d(&e.sf_hash))
                    .expect("s ap");
                same(ctx, "c ap traffic", c_ap.as_bytes(), &e.c_ap);
                same(ctx, "s ap traffic", s_ap.as_bytes(), &e.s_ap);
                let c_ap_1 = c_ap.next().expect("key update");
                let c_ap_2 = c_ap_1.next().expect("key update");
                same(ctx, "KeyUpdate 1", c_ap_1.as_bytes(), &e.c_ap_1);
                same(ctx, "KeyUpdate 2", c_ap_2.as_bytes(), &e.c_ap_2);
                assert_eq!(
                    (c_ap_1.generation(), c_ap_2.generation(), c_ap_2.side()),
                    (1, 2, Side::Client)
                );
                same(
                    ctx,
                    "post-handshake Finished key",
                    c_ap_1.finished_key().expect("fk").as_bytes(),
                    &e.post_handshake_finished_key,
                );
                for (aead, key, iv) in &e.keys {
                    let keys = s_ap.traffic_keys(*aead).expect("keys");
                    same(ctx, &format!("{aead:?} key"), keys.key(), key);
                    same(ctx, &format!("{aead:?} iv"), keys.iv().as_bytes(), iv);
                    assert_eq!(keys.aead(), *aead);
                    if provider.aead(*aead).is_some() {
                        keys.new_aead_key(*provider).expect("AEAD key");
                    }
                }
                let exp = master.exporter_master_secret(&d(&e.sf_hash)).expect("exp");
                same(ctx, "exp master", exp.as_bytes(), &e.exp_master);
                assert!(!exp.is_early());
                exp.export(b"EXPORTER-tlskit-test", &e.export_context, &mut out)
                    .expect("export");
                same(ctx, "exporter", &out, &e.export);
                let rms = master
                    .into_resumption_master_secret(&d(&e.cf_hash))
                    .expect("rms");
                same(ctx, "res master", rms.as_bytes(), &e.res_master);
                same(
                    ctx,
                    "ticket PSK",
                    rms.ticket_psk(&e.ticket_nonce).expect("psk").as_bytes(),
                    &e.ticket_psk,
                );
            }
        }
    }
}

#[test]
fn tls13_refuses_mismatched_hashes_labels_and_lengths() {
    for provider in providers() {
        let kdf = Kdf::new(provider, HashAlgorithm::Sha256).expect("kdf");
        let wrong = Digest::new(&[0; 48]);
        let mismatch = KeyScheduleError::HashLengthMismatch {
            expected: 32,
            got: 48,
        };
        let early = EarlySecret::new(kdf, None).expect("early");
        assert_eq!(
            early.client_early_traffic_secret(&wrong).err(),
            Some(mismatch)
        );
        let hs = early.into_handshake_secret(Some(&[1; 32])).expect("hs");
        assert_eq!(
            hs.handshake_traffic_secret(Side::Client, &wrong).err(),
            Some(mismatch)
        );
        let s_hs = hs
            .handshake_traffic_secret(Side::Server, &Digest::new(&[0; 32]))
            .expect("s hs");
        assert_eq!(
            s_hs.finished_key().expect("fk").verify_data(&wrong).err(),
            Some(mismatch)
        );
        let master = hs.into_master_secret().expect("master");
        assert_eq!(
            master
                .application_traffic_secret(Side::Server, &wrong)
                .err(),
            Some(mismatch)
        );

        let secret = [7u8; 32];
        let mut out = [0u8; 32];
        assert_eq!(
            kdf.expand_label_into(&secret, b"", b"", &mut out),
            Err(KeyScheduleError::InvalidLabelLength)
        );
        assert_eq!(
            kdf.expand_label_into(&secret, &[b'x'; MAX_LABEL_LEN + 1], b"", &mut out),
            Err(KeyScheduleError::InvalidLabelLength)
        );
        assert_eq!(
            kdf.expand_label_into(&secret, b"x", &[0; 256], &mut out),
            Err(KeyScheduleError::ContextTooLong)
        );
        let mut too_long = vec![0u8; 255 * 32 + 1];
        assert_eq!(
            kdf.expand_label_into(&secret, b"x", b"", &mut too_long),
            Err(KeyScheduleError::OutputTooLong)
        );
        let mut longest = vec![0u8; 255 * 32];
        kdf.expand_label_into(&secret, b"x", b"", &mut longest)
            .expect("255 blocks");
        assert_eq!(
            kdf.expand_label(&secret, b"x", b"", 65).err(),
            Some(KeyScheduleError::OutputTooLong)
        );
        // Secrets from elsewhere must have the schedule's hash length.
        let short = KeyScheduleError::SecretLengthMismatch {
            expected: 32,
            got: 31,
        };
        assert_eq!(
            HandshakeTrafficSecret::from_bytes(Side::Client, kdf, &[0; 31]).err(),
            Some(short)
        );
        assert_eq!(
            ApplicationTrafficSecret::from_bytes(Side::Server, 3, kdf, &[0; 31]).err(),
            Some(short)
        );
        assert_eq!(
            ExporterMasterSecret::from_bytes(kdf, &[0; 31], false).err(),
            Some(short)
        );
        let restored =
            ApplicationTrafficSecret::from_bytes(Side::Server, 3, kdf, &[8; 32]).expect("restore");
        assert_eq!(
            (
                restored.side(),
                restored.generation(),
                restored.next().expect("next").generation()
            ),
            (Side::Server, 3, 4)
        );
        // A long exporter label fails cleanly instead of truncating.
        let exp = master
            .exporter_master_secret(&Digest::new(&[0; 32]))
            .expect("exp");
        assert_eq!(
            exp.export(&[b'L'; 250], b"", &mut out),
            Err(KeyScheduleError::InvalidLabelLength)
        );
    }
}

#[test]
fn tls13_secrets_do_not_print() {
    for provider in providers() {
        let kdf = Kdf::new(provider, HashAlgorithm::Sha256).expect("kdf");
        let early = EarlySecret::new(kdf, Some(&[0x5a; 32])).expect("early");
        let ch = Digest::new(&[0; 32]);
        let binder_key = early.binder_key(PskKind::Resumption).expect("binder");
        let c_e = early.client_early_traffic_secret(&ch).expect("c e");
        let early_hex = hex::encode(early.as_bytes());
        let shown = format!(
            "{early:?} {binder_key:?} {c_e:?} {:?} {:?}",
            c_e.traffic_keys(AeadAlgorithm::Aes128Gcm).expect("keys"),
            binder_key.finished_key().expect("fk"),
        );
        let hs = early.into_handshake_secret(None).expect("hs");
        let s_hs = hs
            .handshake_traffic_secret(Side::Server, &ch)
            .expect("s hs");
        let master = hs.into_master_secret().expect("master");
        let shown = format!("{shown} {s_hs:?} {master:?} {kdf:?}");
        for secret in [
            &early_hex,
            &hex::encode(s_hs.as_bytes()),
            &hex::encode(master.as_bytes()),
        ] {
            assert!(!shown.contains(&secret[..8]), "{shown}");
        }
        assert!(shown.contains("redacted"), "{shown}");
        assert!(
            !shown.contains("5a, 5a") && !shown.contains("90, 90"),
            "{shown}"
        );
    }
}
