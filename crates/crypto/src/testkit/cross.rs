//! Cross-backend checks: what one provider produces, another must accept. Each function
//! covers one direction; call it twice with the arguments swapped for both.

use super::keys::{load, ONE_OF_EACH};
use crate::{AeadAlgorithm, CryptoError, CryptoProvider, NamedGroup, NONCE_LEN, TAG_LEN};

fn label(a: &dyn CryptoProvider, b: &dyn CryptoProvider) -> String {
    format!("{} → {}", a.name(), b.name())
}

/// Every test key `a` can load signs with every scheme `a` offers, and `b` verifies each
/// signature from the SubjectPublicKeyInfo `a` reports (a modified message must fail).
pub fn signatures(a: &dyn CryptoProvider, b: &dyn CryptoProvider) -> Result<(), String> {
    let dir = label(a, b);
    let message = b"cross-backend signature check";
    let mut checked = 0;
    for key in ONE_OF_EACH {
        let Some(signer) = load(a, key)? else {
            continue;
        };
        let spki = signer.public_key_spki();
        for &scheme in signer.schemes() {
            let alg = scheme.verify_algorithm();
            if !a.supported_signing_schemes().contains(&scheme)
                || !b.supported_verify_algorithms().contains(&alg)
            {
                println!("{dir}: {} skipped (not offered by both)", scheme.name());
                continue;
            }
            let sig = signer
                .sign(scheme, message)
                .map_err(|e| format!("{dir}: {} sign: {e}", scheme.name()))?;
            b.verify(alg, &spki, message, &sig)
                .map_err(|e| format!("{dir}: {} ({}) verify: {e}", scheme.name(), key.file))?;
            if b.verify(alg, &spki, b"cross-backend signature checK", &sig)
                != Err(CryptoError::BadSignature)
            {
                return Err(format!(
                    "{dir}: {} accepted a modified message",
                    scheme.name()
                ));
            }
            checked += 1;
        }
    }
    println!("{dir}: {checked} checked");
    if checked == 0 {
        return Err(format!("{dir}: nothing in common to check"));
    }
    Ok(())
}

/// For every group both offer, a key pair from `a` and one from `b` agree on the secret.
pub fn ecdh(a: &dyn CryptoProvider, b: &dyn CryptoProvider) -> Result<(), String> {
    let dir = label(a, b);
    let mut checked = 0;
    for group in NamedGroup::ALL {
        let (Some(ka), Some(kb)) = (a.key_exchange(group), b.key_exchange(group)) else {
            println!("{dir}: {} skipped (not offered by both)", group.name());
            continue;
        };
        for round in 0..4 {
            let ea = ka
                .start()
                .map_err(|e| format!("{dir}: {} start: {e}", group.name()))?;
            let eb = kb
                .start()
                .map_err(|e| format!("{dir}: {} start: {e}", group.name()))?;
            let pa = ea.public_key().to_vec();
            let pb = eb.public_key().to_vec();
            let sa = ea
                .complete(&pb)
                .map_err(|e| format!("{dir}: {} complete ({}): {e}", group.name(), a.name()))?;
            let sb = eb
                .complete(&pa)
                .map_err(|e| format!("{dir}: {} complete ({}): {e}", group.name(), b.name()))?;
            if sa.as_bytes() != sb.as_bytes() {
                return Err(format!(
                    "{dir}: {} secrets differ (round {round})",
                    group.name()
                ));
            }
        }
        checked += 1;
    }
    println!("{dir}: {checked} checked");
    if checked == 0 {
        return Err(format!("{dir}: nothing in common to check"));
    }
    Ok(())
}

/// For every AEAD both offer, records of 0, 1, 1 KiB and 16 KiB sealed by `a` open under
/// `b` with the same key, nonce and AAD; a modified tag or ciphertext fails under `b`.
pub fn aead(a: &dyn CryptoProvider, b: &dyn CryptoProvider) -> Result<(), String> {
    let dir = label(a, b);
    let mut checked = 0;
    for alg in AeadAlgorithm::ALL {
        let (Some(aa), Some(ab)) = (a.aead(alg), b.aead(alg)) else {
            println!("{dir}: {} skipped (not offered by both)", alg.name());
            continue;
        };
        let name = alg.name();
        let mut key = vec![0u8; alg.key_len()];
        a.fill_random(&mut key)
            .map_err(|e| format!("{dir}: rng: {e}"))?;
        let sealer = aa
            .new_key(&key)
            .map_err(|e| format!("{dir}: {name} key: {e}"))?;
        let opener = ab
            .new_key(&key)
            .map_err(|e| format!("{dir}: {name} key: {e}"))?;
        for len in [0usize, 1, 1024, 16 * 1024] {
            let mut nonce = [0u8; NONCE_LEN];
            a.fill_random(&mut nonce)
                .map_err(|e| format!("{dir}: rng: {e}"))?;
            let aad = [0x17, 0x03, 0x03, (len >> 8) as u8, len as u8];
            let plain: Vec<u8> = (0..len).map(|i| (i * 31 + 7) as u8).collect();
            let mut buf = plain.clone();
            let mut tag = [0u8; TAG_LEN];
            sealer
                .seal_in_place(&nonce, &aad, &mut buf, &mut tag)
                .map_err(|e| format!("{dir}: {name} seal {len}: {e}"))?;
            let sealed = buf.clone();
            opener
                .open_in_place(&nonce, &aad, &mut buf, &tag)
                .map_err(|e| format!("{dir}: {name} open {len}: {e}"))?;
            if buf != plain {
                return Err(format!(
                    "{dir}: {name} {len}-byte record opened to other bytes"
                ));
            }
            let mut bad_tag = tag;
            bad_tag[len % TAG_LEN] ^= 0x01;
            let mut copy = sealed.clone();
            if opener.open_in_place(&nonce, &aad, &mut copy, &bad_tag)
                != Err(CryptoError::DecryptFailed)
            {
                return Err(format!("{dir}: {name} {len}: a modified tag opened"));
            }
            let mut tampered = sealed.clone();
            if let Some(byte) = tampered.get_mut(len / 2) {
                *byte ^= 0x80;
                if opener.open_in_place(&nonce, &aad, &mut tampered, &tag)
                    != Err(CryptoError::DecryptFailed)
                {
                    return Err(format!("{dir}: {name} {len}: a modified ciphertext opened"));
                }
            }
        }
        checked += 1;
    }
    println!("{dir}: {checked} checked");
    if checked == 0 {
        return Err(format!("{dir}: nothing in common to check"));
    }
    Ok(())
}
