//! Known-answer tests with vectors copied from their RFCs and specifications (each function
//! cites its source), plus API-contract checks every provider must meet.

use super::{note_skip, unhex, CheckResult};
use crate::{
    AeadAlgorithm, CryptoError, CryptoProvider, HashAlgorithm, NamedGroup, NONCE_LEN, TAG_LEN,
};

fn hx(s: &str) -> Vec<u8> {
    // The vectors below are literals of this file; a typo is a test-kit bug.
    unhex(s).unwrap_or_else(|e| panic!("test kit vector: {e}"))
}

fn expect_eq(what: &str, got: &[u8], want: &[u8]) -> CheckResult {
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "{what}: got {}, want {}",
            hex::encode(got),
            hex::encode(want)
        ))
    }
}

/// FIPS 180-4 SHA-2 on the FIPS 180 example messages ("abc", the 448-bit two-block message
/// for SHA-256, the 896-bit message for SHA-384/512) and the empty string.
pub fn sha2(p: &dyn CryptoProvider) -> CheckResult {
    const ABC: &[u8] = b"abc";
    const M448: &[u8] = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    const M896: &[u8] = b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    let vectors: [(HashAlgorithm, &[u8], &str); 9] = [
        (HashAlgorithm::Sha256, ABC, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (HashAlgorithm::Sha256, M448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (HashAlgorithm::Sha256, b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (HashAlgorithm::Sha384, ABC, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
        (HashAlgorithm::Sha384, M896, "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039"),
        (HashAlgorithm::Sha384, b"", "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"),
        (HashAlgorithm::Sha512, ABC, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
        (HashAlgorithm::Sha512, M896, "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"),
        (HashAlgorithm::Sha512, b"", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
    ];
    for (alg, msg, want) in vectors {
        let Some(hash) = p.hash(alg) else {
            note_skip(p, &format!("{alg:?} is not offered"));
            continue;
        };
        if hash.algorithm() != alg {
            return Err(format!("hash({alg:?}) reports {:?}", hash.algorithm()));
        }
        let want = hx(want);
        expect_eq(
            &format!("{alg:?} one-shot of {} bytes", msg.len()),
            hash.hash(msg).as_bytes(),
            &want,
        )?;
        // The same message fed one byte at a time.
        let mut ctx = hash.start();
        for b in msg {
            ctx.update(std::slice::from_ref(b));
        }
        expect_eq(
            &format!("{alg:?} byte-wise"),
            ctx.finish().as_bytes(),
            &want,
        )?;
    }
    Ok(())
}

/// Transcript-hash behaviour (RFC 8446 §4.4.1): `fork` and `current` snapshot a running
/// hash without disturbing it, over a long input crossing many blocks.
pub fn hash_incremental_fork(p: &dyn CryptoProvider) -> CheckResult {
    let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 + 3) as u8).collect();
    for alg in HashAlgorithm::ALL {
        let Some(hash) = p.hash(alg) else {
            note_skip(p, &format!("{alg:?} is not offered"));
            continue;
        };
        let mut ctx = hash.start();
        for (i, chunk) in data.chunks(37).enumerate() {
            ctx.update(chunk);
            let so_far = (i + 1) * 37;
            let prefix = data.get(..so_far.min(data.len())).unwrap_or_default();
            let want = hash.hash(prefix);
            if ctx.current() != want {
                return Err(format!("{alg:?}: current() after {so_far} bytes is wrong"));
            }
            let fork = ctx.fork();
            if fork.finish() != want {
                return Err(format!(
                    "{alg:?}: fork().finish() after {so_far} bytes is wrong"
                ));
            }
        }
        let fork = ctx.fork();
        ctx.update(b"more");
        if fork.finish() != hash.hash(&data) {
            return Err(format!(
                "{alg:?}: a fork changed when the original was updated"
            ));
        }
        let mut full = data.clone();
        full.extend_from_slice(b"more");
        if ctx.finish() != hash.hash(&full) {
            return Err(format!("{alg:?}: the original lost data after a fork"));
        }
        if hash.hash(b"").as_bytes().len() != alg.output_len() {
            return Err(format!("{alg:?}: digest length"));
        }
    }
    Ok(())
}

/// One RFC 4231 case: name, key, data, and the SHA-256/384/512 tags.
type HmacCase = (&'static str, Vec<u8>, Vec<u8>, [&'static str; 3]);

/// RFC 4231 §4.2–§4.8, test cases 1–7 for HMAC-SHA-256/384/512 (case 5 is truncated to
/// 128 bits, so only the tag prefix is compared).
pub fn hmac_rfc4231(p: &dyn CryptoProvider) -> CheckResult {
    let key6 = vec![0xaa_u8; 131];
    let cases: [HmacCase; 7] = [
        ("case 1 (§4.2)", vec![0x0b; 20], b"Hi There".to_vec(), [
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
        ]),
        ("case 2 (§4.3)", b"Jefe".to_vec(), b"what do ya want for nothing?".to_vec(), [
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
        ]),
        ("case 3 (§4.4)", vec![0xaa; 20], vec![0xdd; 50], [
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27",
            "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
        ]),
        ("case 4 (§4.5)", (1..=25).collect(), vec![0xcd; 50], [
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb",
            "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
        ]),
        ("case 5 (§4.6, truncated to 128 bits)", vec![0x0c; 20], b"Test With Truncation".to_vec(), [
            "a3b6167473100ee06e0c796c2955552b",
            "3abf34c3503b2a23a46efc619baef897",
            "415fad6271580a531d4179bc891d87a6",
        ]),
        ("case 6 (§4.7)", key6.clone(), b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(), [
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
        ]),
        ("case 7 (§4.8)", key6, b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(), [
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e",
            "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
        ]),
    ];
    for (alg, column) in HashAlgorithm::ALL.into_iter().zip(0..) {
        let Some(hmac) = p.hmac(alg) else {
            note_skip(p, &format!("HMAC-{alg:?} is not offered"));
            continue;
        };
        if hmac.hash_algorithm() != alg {
            return Err(format!("hmac({alg:?}) reports {:?}", hmac.hash_algorithm()));
        }
        for (name, key, data, tags) in &cases {
            let want = hx(tags[column]);
            let tag = hmac
                .mac(key, &[data])
                .map_err(|e| format!("HMAC-{alg:?} {name}: {e}"))?;
            let got = tag.as_bytes().get(..want.len()).unwrap_or_default();
            expect_eq(&format!("HMAC-{alg:?} {name}"), got, &want)?;
            // A prepared key, data split into slices, must give the same tag twice.
            let prepared = hmac.with_key(key).map_err(|e| format!("with_key: {e}"))?;
            if prepared.tag_len() != alg.output_len() {
                return Err(format!("HMAC-{alg:?}: tag_len {}", prepared.tag_len()));
            }
            let (a, b) = data.split_at(data.len() / 2);
            for _ in 0..2 {
                let again = prepared.sign(&[a, &[], b]);
                expect_eq(
                    &format!("HMAC-{alg:?} {name}, prepared key, split data"),
                    again.as_bytes(),
                    tag.as_bytes(),
                )?;
            }
        }
    }
    Ok(())
}

/// RFC 5869 Appendix A, test cases 1–3 (HKDF-SHA-256; cases 4–7 use SHA-1, which TLS 1.3
/// does not), checking both the PRK and the OKM; plus the §2.3 length limit.
pub fn hkdf_rfc5869(p: &dyn CryptoProvider) -> CheckResult {
    let Some(hkdf) = p.hkdf(HashAlgorithm::Sha256) else {
        note_skip(p, "HKDF-SHA-256 is not offered");
        return Ok(());
    };
    let range = |a: u8, b: u8| (a..=b).collect::<Vec<u8>>();
    let cases = [
        ("A.1", vec![0x0b; 22], range(0x00, 0x0c), range(0xf0, 0xf9), 42,
         "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
         "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
        ("A.2", range(0x00, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff), 82,
         "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
         "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"),
        ("A.3", vec![0x0b; 22], vec![], vec![], 42,
         "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
         "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
    ];
    for (name, ikm, salt, info, len, prk_hex, okm_hex) in cases {
        let prk = hkdf
            .extract(&salt, &ikm)
            .map_err(|e| format!("{name} extract: {e}"))?;
        expect_eq(
            &format!("RFC 5869 {name} PRK"),
            prk.as_bytes(),
            &hx(prk_hex),
        )?;
        let mut okm = vec![0u8; len];
        hkdf.expand(prk.as_bytes(), &[&info], &mut okm)
            .map_err(|e| format!("{name} expand: {e}"))?;
        expect_eq(&format!("RFC 5869 {name} OKM"), &okm, &hx(okm_hex))?;
        // info given in pieces is their concatenation.
        let (i1, i2) = info.split_at(info.len() / 3);
        let mut okm2 = vec![0u8; len];
        hkdf.expand(prk.as_bytes(), &[i1, &[], i2], &mut okm2)
            .map_err(|e| format!("{name} expand (split info): {e}"))?;
        expect_eq(&format!("RFC 5869 {name} OKM, split info"), &okm2, &okm)?;
    }
    let prk = [7u8; 32];
    let mut max = vec![0u8; 255 * 32];
    hkdf.expand(&prk, &[b"x"], &mut max)
        .map_err(|e| format!("expand to 255 × HashLen: {e}"))?;
    let mut too_long = vec![0u8; 255 * 32 + 1];
    if hkdf.expand(&prk, &[b"x"], &mut too_long).is_ok() {
        return Err("expand beyond 255 × HashLen must fail (RFC 5869 §2.3)".into());
    }
    if hkdf.expand(&prk[..16], &[b"x"], &mut [0u8; 32]).is_ok() {
        return Err("expand with a PRK shorter than HashLen must fail".into());
    }
    Ok(())
}

/// One AEAD known-answer vector (hex strings for key, nonce, ciphertext and tag).
struct AeadVector<'a> {
    name: &'a str,
    alg: AeadAlgorithm,
    key: &'a str,
    nonce: &'a str,
    aad: &'a [u8],
    plaintext: &'a [u8],
    ciphertext: &'a str,
    tag: &'a str,
}

fn aead_case(p: &dyn CryptoProvider, v: &AeadVector<'_>) -> CheckResult {
    let (name, alg) = (v.name, v.alg);
    let Some(aead) = p.aead(alg) else {
        note_skip(p, &format!("{} is not offered", alg.name()));
        return Ok(());
    };
    if aead.algorithm() != alg {
        return Err(format!(
            "aead({}) reports {}",
            alg.name(),
            aead.algorithm().name()
        ));
    }
    let key = aead
        .new_key(&hx(v.key))
        .map_err(|e| format!("{name}: new_key: {e}"))?;
    if key.algorithm() != alg {
        return Err(format!("{name}: key reports {}", key.algorithm().name()));
    }
    let nonce: [u8; NONCE_LEN] = hx(v.nonce)
        .try_into()
        .map_err(|_| format!("{name}: nonce length"))?;
    let want_ct = hx(v.ciphertext);
    let want_tag = hx(v.tag);
    let mut buf = v.plaintext.to_vec();
    let mut got_tag = [0u8; TAG_LEN];
    key.seal_in_place(&nonce, v.aad, &mut buf, &mut got_tag)
        .map_err(|e| format!("{name}: seal: {e}"))?;
    expect_eq(&format!("{name} ciphertext"), &buf, &want_ct)?;
    expect_eq(&format!("{name} tag"), &got_tag, &want_tag)?;
    key.open_in_place(&nonce, v.aad, &mut buf, &got_tag)
        .map_err(|e| format!("{name}: open: {e}"))?;
    expect_eq(&format!("{name} opened"), &buf, v.plaintext)?;
    let mut bad_tag = got_tag;
    bad_tag[TAG_LEN - 1] ^= 0x80;
    let mut ct = want_ct.clone();
    if key.open_in_place(&nonce, v.aad, &mut ct, &bad_tag) != Err(CryptoError::DecryptFailed) {
        return Err(format!("{name}: a modified tag must give DecryptFailed"));
    }
    Ok(())
}

/// The GCM specification's test cases (McGrew & Viega, "The Galois/Counter Mode of
/// Operation", Appendix B): cases 1–4 (AES-128) and 13–16 (AES-256), all 96-bit IVs.
pub fn aes_gcm(p: &dyn CryptoProvider) -> CheckResult {
    let k128 = "feffe9928665731c6d6a8f9467308308";
    let k256 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
    let z128 = "00000000000000000000000000000000";
    let z256 = "0000000000000000000000000000000000000000000000000000000000000000";
    let iv = "cafebabefacedbaddecaf888";
    let z12 = "000000000000000000000000";
    let p64 = hx(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
                  1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
    );
    let p60 = p64.get(..60).unwrap_or_default();
    let aad = hx("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    let (a128, a256) = (AeadAlgorithm::Aes128Gcm, AeadAlgorithm::Aes256Gcm);
    let vectors = [
        AeadVector {
            name: "GCM test case 1",
            alg: a128,
            key: z128,
            nonce: z12,
            aad: b"",
            plaintext: b"",
            ciphertext: "",
            tag: "58e2fccefa7e3061367f1d57a4e7455a",
        },
        AeadVector {
            name: "GCM test case 2",
            alg: a128,
            key: z128,
            nonce: z12,
            aad: b"",
            plaintext: &[0; 16],
            ciphertext: "0388dace60b6a392f328c2b971b2fe78",
            tag: "ab6e47d42cec13bdf53a67b21257bddf",
        },
        AeadVector {
            name: "GCM test case 3",
            alg: a128,
            key: k128,
            nonce: iv,
            aad: b"",
            plaintext: &p64,
            ciphertext: "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e\
                         21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
            tag: "4d5c2af327cd64a62cf35abd2ba6fab4",
        },
        AeadVector {
            name: "GCM test case 4",
            alg: a128,
            key: k128,
            nonce: iv,
            aad: &aad,
            plaintext: p60,
            ciphertext: "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e\
                         21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
            tag: "5bc94fbc3221a5db94fae95ae7121a47",
        },
        AeadVector {
            name: "GCM test case 13",
            alg: a256,
            key: z256,
            nonce: z12,
            aad: b"",
            plaintext: b"",
            ciphertext: "",
            tag: "530f8afbc74536b9a963b4f1c4cb738b",
        },
        AeadVector {
            name: "GCM test case 14",
            alg: a256,
            key: z256,
            nonce: z12,
            aad: b"",
            plaintext: &[0; 16],
            ciphertext: "cea7403d4d606b6e074ec5d3baf39d18",
            tag: "d0d1c8a799996bf0265b98b5d48ab919",
        },
        AeadVector {
            name: "GCM test case 15",
            alg: a256,
            key: k256,
            nonce: iv,
            aad: b"",
            plaintext: &p64,
            ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
                         8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
            tag: "b094dac5d93471bdec1a502270e3cc6c",
        },
        AeadVector {
            name: "GCM test case 16",
            alg: a256,
            key: k256,
            nonce: iv,
            aad: &aad,
            plaintext: p60,
            ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
                         8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
            tag: "76fc6ece0f4e1768cddf8853bb2d551b",
        },
    ];
    vectors.iter().try_for_each(|v| aead_case(p, v))
}

/// RFC 8439 §2.8.2, the AEAD_CHACHA20_POLY1305 example.
pub fn chacha20poly1305_rfc8439(p: &dyn CryptoProvider) -> CheckResult {
    aead_case(
        p,
        &AeadVector {
            name: "RFC 8439 §2.8.2",
            alg: AeadAlgorithm::ChaCha20Poly1305,
            key: "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
            nonce: "070000004041424344454647",
            aad: &hx("50515253c0c1c2c3c4c5c6c7"),
            plaintext: b"Ladies and Gentlemen of the class of '99: If I could offer you \
                         only one tip for the future, sunscreen would be it.",
            ciphertext: "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6\
                         3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36\
                         92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc\
                         3ff4def08e4b7a9de576d26586cec64b6116",
            tag: "1ae10b594f09e26a7e902ecbd0600691",
        },
    )
}

/// The in-place AEAD contract (RFC 5116 §2): wrong key sizes are `InvalidKey`; a change to
/// the nonce, the AAD, the ciphertext or the tag is `DecryptFailed`; `open_combined_in_place`
/// reads `ciphertext || tag` and rejects buffers shorter than a tag.
pub fn aead_in_place_api(p: &dyn CryptoProvider) -> CheckResult {
    for alg in AeadAlgorithm::ALL {
        let Some(aead) = p.aead(alg) else {
            note_skip(p, &format!("{} is not offered", alg.name()));
            continue;
        };
        let name = alg.name();
        for bad_len in [0, 1, alg.key_len() - 1, alg.key_len() + 1] {
            if aead.new_key(&vec![1u8; bad_len]).err() != Some(CryptoError::InvalidKey) {
                return Err(format!("{name}: a {bad_len}-byte key must be InvalidKey"));
            }
        }
        let key = aead
            .new_key(&vec![0x42u8; alg.key_len()])
            .map_err(|e| format!("{name}: new_key: {e}"))?;
        let nonce = [9u8; NONCE_LEN];
        let aad = b"record header";
        let plain: Vec<u8> = (0..100u8).collect();
        let mut sealed = plain.clone();
        let mut tag = [0u8; TAG_LEN];
        key.seal_in_place(&nonce, aad, &mut sealed, &mut tag)
            .map_err(|e| format!("{name}: seal: {e}"))?;
        let open = |n: &[u8; NONCE_LEN], a: &[u8], ct: &[u8], t: &[u8; TAG_LEN]| {
            let mut buf = ct.to_vec();
            key.open_in_place(n, a, &mut buf, t).map(|()| buf)
        };
        if open(&nonce, aad, &sealed, &tag).as_deref() != Ok(&plain[..]) {
            return Err(format!("{name}: round trip failed"));
        }
        let mut other_nonce = nonce;
        other_nonce[11] ^= 1;
        let mut bad_ct = sealed.clone();
        bad_ct[50] ^= 4;
        let mut bad_tag = tag;
        bad_tag[0] ^= 1;
        for (what, result) in [
            ("nonce", open(&other_nonce, aad, &sealed, &tag)),
            ("aad", open(&nonce, b"record headeR", &sealed, &tag)),
            ("ciphertext", open(&nonce, aad, &bad_ct, &tag)),
            ("tag", open(&nonce, aad, &sealed, &bad_tag)),
        ] {
            if result.err() != Some(CryptoError::DecryptFailed) {
                return Err(format!("{name}: a modified {what} must give DecryptFailed"));
            }
        }
        let mut combined = sealed.clone();
        combined.extend_from_slice(&tag);
        let n = key
            .open_combined_in_place(&nonce, aad, &mut combined)
            .map_err(|e| format!("{name}: open_combined_in_place: {e}"))?;
        if combined.get(..n) != Some(&plain[..]) {
            return Err(format!(
                "{name}: open_combined_in_place gave the wrong plaintext"
            ));
        }
        if key.open_combined_in_place(&nonce, aad, &mut [0u8; TAG_LEN - 1])
            != Err(CryptoError::DecryptFailed)
        {
            return Err(format!(
                "{name}: a buffer shorter than a tag must give DecryptFailed"
            ));
        }
        let mut empty_tag = [0u8; TAG_LEN];
        key.seal_in_place(&nonce, aad, &mut [], &mut empty_tag)
            .map_err(|e| format!("{name}: seal of an empty record: {e}"))?;
        key.open_in_place(&nonce, aad, &mut [], &empty_tag)
            .map_err(|e| format!("{name}: open of an empty record: {e}"))?;
    }
    Ok(())
}

/// X25519 with a known scalar: `None` (after printing why) if the provider cannot import one.
fn x25519_mult(p: &dyn CryptoProvider, scalar: &[u8], u: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let Some(kx) = p.key_exchange(NamedGroup::X25519) else {
        note_skip(p, "X25519 is not offered");
        return Ok(None);
    };
    match kx.start_with_private_key(scalar) {
        Err(CryptoError::Unsupported(why)) => {
            note_skip(
                p,
                &format!("X25519 private-key import is unsupported ({why})"),
            );
            Ok(None)
        }
        Err(e) => Err(format!("X25519 start_with_private_key: {e}")),
        Ok(active) => active
            .complete(u)
            .map(|s| Some(s.as_bytes().to_vec()))
            .map_err(|e| format!("X25519 complete: {e}")),
    }
}

/// RFC 7748 §5.2, the two single X25519 scalar-multiplication vectors.
pub fn x25519_rfc7748(p: &dyn CryptoProvider) -> CheckResult {
    let vectors = [
        (
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
        ),
        (
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
        ),
    ];
    for (i, (k, u, out)) in vectors.into_iter().enumerate() {
        let Some(got) = x25519_mult(p, &hx(k), &hx(u))? else {
            return Ok(());
        };
        expect_eq(&format!("RFC 7748 §5.2 vector {}", i + 1), &got, &hx(out))?;
    }
    Ok(())
}

/// RFC 7748 §5.2, the iterated vector after 1 and 1,000 iterations (k = u = 9 initially).
pub fn x25519_rfc7748_iterated(p: &dyn CryptoProvider) -> CheckResult {
    let mut k = [0u8; 32];
    k[0] = 9;
    let mut u = k;
    for i in 1..=1000 {
        let Some(out) = x25519_mult(p, &k, &u)? else {
            return Ok(());
        };
        u = k;
        k = out
            .try_into()
            .map_err(|_| "X25519 output is not 32 bytes".to_string())?;
        let want = match i {
            1 => "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079",
            1000 => "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51",
            _ => continue,
        };
        expect_eq(
            &format!("RFC 7748 §5.2 after {i} iteration(s)"),
            &k,
            &hx(want),
        )?;
    }
    Ok(())
}

/// RFC 7748 §6.1: Alice's and Bob's public keys from their private keys, the shared secret
/// from both sides, and rejection of an all-zero result (a low-order peer point).
pub fn x25519_rfc7748_dh(p: &dyn CryptoProvider) -> CheckResult {
    let Some(kx) = p.key_exchange(NamedGroup::X25519) else {
        note_skip(p, "X25519 is not offered");
        return Ok(());
    };
    let alice_priv = hx("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    let alice_pub = hx("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    let bob_priv = hx("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    let bob_pub = hx("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    let shared = hx("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    let alice = match kx.start_with_private_key(&alice_priv) {
        Err(CryptoError::Unsupported(why)) => {
            note_skip(
                p,
                &format!("X25519 private-key import is unsupported ({why})"),
            );
            return Ok(());
        }
        other => other.map_err(|e| format!("start_with_private_key: {e}"))?,
    };
    let bob = kx
        .start_with_private_key(&bob_priv)
        .map_err(|e| format!("start_with_private_key: {e}"))?;
    expect_eq(
        "RFC 7748 §6.1 Alice's public key",
        alice.public_key(),
        &alice_pub,
    )?;
    expect_eq("RFC 7748 §6.1 Bob's public key", bob.public_key(), &bob_pub)?;
    let a = alice
        .complete(&bob_pub)
        .map_err(|e| format!("Alice: {e}"))?;
    let b = bob.complete(&alice_pub).map_err(|e| format!("Bob: {e}"))?;
    expect_eq("RFC 7748 §6.1 K (Alice)", a.as_bytes(), &shared)?;
    expect_eq("RFC 7748 §6.1 K (Bob)", b.as_bytes(), &shared)?;
    // u = 0 and u = 1 are low-order points: the result is all zero and must be refused
    // (RFC 7748 §6.1, RFC 8446 §7.4.2).
    for low_order in [[0u8; 32], {
        let mut one = [0u8; 32];
        one[0] = 1;
        one
    }] {
        let again = kx
            .start_with_private_key(&alice_priv)
            .map_err(|e| format!("start_with_private_key: {e}"))?;
        if again.complete(&low_order).err() != Some(CryptoError::InvalidPeerKey) {
            return Err("an all-zero X25519 shared secret must be InvalidPeerKey".into());
        }
    }
    Ok(())
}

/// Fresh key pairs on every offered group agree (RFC 8446 §7.4); malformed peer shares
/// (wrong length, compressed or off-curve points, RFC 8446 §4.2.8.2) are `InvalidPeerKey`.
pub fn key_exchange_roundtrip(p: &dyn CryptoProvider) -> CheckResult {
    for group in NamedGroup::ALL {
        let Some(kx) = p.key_exchange(group) else {
            note_skip(p, &format!("{} is not offered", group.name()));
            continue;
        };
        let name = group.name();
        if kx.group() != group {
            return Err(format!(
                "key_exchange({name}) reports {}",
                kx.group().name()
            ));
        }
        let start = || kx.start().map_err(|e| format!("{name}: start: {e}"));
        let a = start()?;
        let b = start()?;
        if a.group() != group || a.public_key().len() != group.public_key_len() {
            return Err(format!(
                "{name}: public key length {}",
                a.public_key().len()
            ));
        }
        if a.public_key() == b.public_key() {
            return Err(format!("{name}: two fresh key pairs share a public key"));
        }
        let a_pub = a.public_key().to_vec();
        let b_pub = b.public_key().to_vec();
        let s1 = a
            .complete(&b_pub)
            .map_err(|e| format!("{name}: complete: {e}"))?;
        let s2 = b
            .complete(&a_pub)
            .map_err(|e| format!("{name}: complete: {e}"))?;
        if s1.as_bytes() != s2.as_bytes() {
            return Err(format!("{name}: the two sides disagree"));
        }
        let secret_len = if group == NamedGroup::Secp384r1 {
            48
        } else {
            32
        };
        if s1.as_bytes().len() != secret_len {
            return Err(format!(
                "{name}: shared secret is {} bytes",
                s1.as_bytes().len()
            ));
        }
        let mut bad: Vec<(&str, Vec<u8>)> = vec![
            ("empty", vec![]),
            (
                "one byte short",
                b_pub.get(..b_pub.len() - 1).unwrap_or_default().to_vec(),
            ),
            ("one byte long", [&b_pub[..], &[0]].concat()),
        ];
        if group != NamedGroup::X25519 {
            let coord = (b_pub.len() - 1) / 2;
            let mut compressed = b_pub.get(..1 + coord).unwrap_or_default().to_vec();
            compressed[0] = 2 | (b_pub[b_pub.len() - 1] & 1);
            bad.push(("compressed point", compressed));
            let mut off_curve = b_pub.clone();
            let last = off_curve.len() - 1;
            off_curve[last] ^= 1;
            bad.push(("point off the curve", off_curve));
            let mut infinity = vec![0u8; b_pub.len()];
            infinity[0] = 4;
            bad.push(("(0, 0)", infinity));
        }
        for (what, peer) in bad {
            if start()?.complete(&peer).err() != Some(CryptoError::InvalidPeerKey) {
                return Err(format!(
                    "{name}: a peer share that is {what} must be InvalidPeerKey"
                ));
            }
        }
    }
    Ok(())
}

/// The RNG fills buffers of any size and does not repeat itself.
pub fn random(p: &dyn CryptoProvider) -> CheckResult {
    let mut a = [0u8; 64];
    let mut b = [0u8; 64];
    p.fill_random(&mut a)
        .map_err(|e| format!("fill_random: {e}"))?;
    p.fill_random(&mut b)
        .map_err(|e| format!("fill_random: {e}"))?;
    p.fill_random(&mut [])
        .map_err(|e| format!("fill_random(empty): {e}"))?;
    let mut big = vec![0u8; 100_000];
    p.fill_random(&mut big)
        .map_err(|e| format!("fill_random(100000): {e}"))?;
    if a == b || a == [0; 64] || big.iter().filter(|&&x| x == 0).count() > 2_000 {
        return Err("the RNG output looks constant".into());
    }
    Ok(())
}

/// The capability list matches what the getters hand out; every listed verification
/// algorithm is implemented and every unlisted one answers `Unsupported`.
pub fn capabilities_consistent(p: &dyn CryptoProvider) -> CheckResult {
    let caps = p.capabilities();
    println!("{caps}");
    if caps.provider != p.name() || p.name().is_empty() || p.description().is_empty() {
        return Err("name/description".into());
    }
    for alg in &caps.hashes {
        if p.hash(*alg).map(|h| h.algorithm()) != Some(*alg) {
            return Err(format!("hash {alg:?} listed but not handed out"));
        }
    }
    for alg in &caps.aeads {
        if p.aead(*alg).map(|a| a.algorithm()) != Some(*alg) {
            return Err(format!("{} listed but not handed out", alg.name()));
        }
    }
    for group in &caps.groups {
        if p.key_exchange(*group).map(|k| k.group()) != Some(*group) {
            return Err(format!("{} listed but not handed out", group.name()));
        }
    }
    // An SPKI of the wrong key type for every algorithm: listed ones must say BadSignature,
    // unlisted ones Unsupported (the backend cannot tell the key is wrong without the
    // algorithm).
    let ed_spki = crate::spki::encode_spki(crate::PublicKeyAlgorithm::Ed25519, &[9u8; 32]);
    for alg in crate::VerifyAlgorithm::ALL {
        let spki = if alg == crate::VerifyAlgorithm::Ed25519 {
            crate::spki::encode_spki(crate::PublicKeyAlgorithm::Rsa, &[0x30, 0])
        } else {
            ed_spki.clone()
        };
        let result = p.verify(alg, &spki, b"message", &[1u8; 64]);
        let listed = caps.verifying.contains(&alg);
        match (listed, result) {
            (true, Err(CryptoError::BadSignature)) | (false, Err(CryptoError::Unsupported(_))) => {}
            (listed, other) => {
                return Err(format!(
                    "verify({alg:?}) with a mismatched key (listed: {listed}) gave {other:?}"
                ))
            }
        }
    }
    Ok(())
}
