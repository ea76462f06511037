//! Signing keys loaded from PKCS#8 (RFC 5208/5958), SEC 1 (RFC 5915) and PKCS#1
//! (RFC 8017 A.1.2) DER: ECDSA P-256/P-384 (DER signatures, RFC 8446 §4.2.3), RSA-PSS
//! (RFC 8017 §8.1, MGF1 with the message hash, salt = hash length), RSA PKCS#1 v1.5
//! (RFC 8017 §8.2) and Ed25519 (RFC 8032).

use crate::algorithms;
use crate::verify::{check_rsa_key_policy, exactly_one_der_sequence};
use openssl::ec::EcKey;
use openssl::md_ctx::MdCtx;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private};
use openssl::rsa::{Padding, Rsa};
use openssl::sign::RsaPssSaltlen;
use std::sync::Arc;
use tlskit_crypto::der::{oid, tag, DerReader};
use tlskit_crypto::sign::schemes_for_key_type;
use tlskit_crypto::{
    CryptoError, Curve, KeyType, PrivateKeyDer, SignatureScheme, SigningKey, VerifyAlgorithm,
};
use zeroize::Zeroizing;

/// Loads a private key from its DER container. The key type comes from the key; RSA moduli
/// must be 2048..=8192 bits (the same policy as verification), EC keys must be on P-256 or
/// P-384 and pass `EC_KEY_check_key`, RSA keys pass `RSA_check_key`.
pub(crate) fn load_signing_key(key: &PrivateKeyDer) -> Result<Arc<dyn SigningKey>, CryptoError> {
    let der = key.der();
    // OpenSSL's d2i_* stop after the first object and are lenient about which container
    // they are handed (d2i_ECPrivateKey accepts a PKCS#8 blob): require exactly one
    // SEQUENCE whose structure is the container the caller named.
    if !exactly_one_der_sequence(der) || !container_matches(key) {
        return Err(CryptoError::InvalidKey);
    }
    let pkey = match key {
        PrivateKeyDer::Pkcs8(der) => match ed25519_from_pkcs8(der) {
            Some(ed25519) => ed25519?,
            None => PKey::private_key_from_pkcs8(der).map_err(|_| CryptoError::InvalidKey)?,
        },
        PrivateKeyDer::Sec1(der) => EcKey::private_key_from_der(der)
            .and_then(PKey::from_ec_key)
            .map_err(|_| CryptoError::InvalidKey)?,
        PrivateKeyDer::Pkcs1(der) => Rsa::private_key_from_der(der)
            .and_then(PKey::from_rsa)
            .map_err(|_| CryptoError::InvalidKey)?,
    };

    let key_type = classify_and_check(&pkey)?;
    let spki = pkey
        .public_key_to_der()
        .map_err(|_| CryptoError::InvalidKey)?;
    Ok(Arc::new(OpensslSigningKey {
        key: pkey,
        key_type,
        spki,
    }))
}

/// Reads an Ed25519 PKCS#8 key (RFC 8410 §7) itself, `None` when `der` is not one.
///
/// OpenSSL 3.0's PKCS#8 decoder reads only v1 (`PrivateKeyInfo`); the v2
/// `OneAsymmetricKey` (RFC 5958 §2) with the public key attached — what ring writes — is
/// refused. So: `SEQUENCE { INTEGER 0|1, SEQUENCE { OID id-Ed25519 }, OCTET STRING {
/// OCTET STRING seed(32) }, [0] attributes OPTIONAL, [1] publicKey OPTIONAL (v2 only) }`.
/// The public key, when present, must be the one the seed derives (both the RFC 5958
/// `[1] IMPLICIT BIT STRING` and ring's explicitly tagged form are read).
fn ed25519_from_pkcs8(der: &[u8]) -> Option<Result<PKey<Private>, CryptoError>> {
    let mut outer = DerReader::new(der);
    let mut body = DerReader::new(outer.read(tag::SEQUENCE)?);
    if !outer.is_empty() {
        return None;
    }
    let version = body.read_small_uint()?;
    let mut algorithm = DerReader::new(body.read(tag::SEQUENCE)?);
    if algorithm.read(tag::OID)? != oid::ED25519 {
        return None;
    }
    // From here on the key says it is Ed25519: anything malformed is an invalid key.
    Some(
        ed25519_pkcs8_body(version, algorithm, body).and_then(|parts| {
            let key = PKey::private_key_from_raw_bytes(&parts.seed[..], Id::ED25519)
                .map_err(|_| CryptoError::InvalidKey)?;
            if let Some(public) = parts.public {
                let derived = key.raw_public_key().map_err(|_| CryptoError::InvalidKey)?;
                if derived != public {
                    return Err(CryptoError::InvalidKey);
                }
            }
            Ok(key)
        }),
    )
}

/// What an Ed25519 PKCS#8 key holds.
struct Ed25519Pkcs8<'a> {
    /// The 32-byte private seed (RFC 8032 §5.1.5), wiped on drop.
    seed: Zeroizing<[u8; 32]>,
    /// The 32-byte public key of a v2 key, if attached.
    public: Option<&'a [u8]>,
}

/// The seed and optional public key of an Ed25519 PKCS#8 body (after the algorithm OID).
fn ed25519_pkcs8_body<'a>(
    version: u64,
    algorithm: DerReader<'a>,
    mut body: DerReader<'a>,
) -> Result<Ed25519Pkcs8<'a>, CryptoError> {
    // RFC 8410 §3: the parameters MUST be absent.
    if version > 1 || !algorithm.is_empty() {
        return Err(CryptoError::InvalidKey);
    }
    let mut private = DerReader::new(
        body.read(tag::OCTET_STRING)
            .ok_or(CryptoError::InvalidKey)?,
    );
    let seed_bytes = private
        .read(tag::OCTET_STRING)
        .ok_or(CryptoError::InvalidKey)?;
    let mut seed = Zeroizing::new([0u8; 32]);
    if seed_bytes.len() != seed.len() || !private.is_empty() {
        return Err(CryptoError::InvalidKey);
    }
    seed.copy_from_slice(seed_bytes);
    if body.peek_tag() == Some(0xa0) {
        body.read_any(); // [0] attributes: nothing tlskit uses
    }
    let public = match body.read_any() {
        None => None,
        Some(_) if version == 0 => return Err(CryptoError::InvalidKey),
        Some((0x81, bits)) => Some(bits),
        Some((0xa1, wrapped)) => {
            let mut inner = DerReader::new(wrapped);
            let bits = inner.read(tag::BIT_STRING).ok_or(CryptoError::InvalidKey)?;
            if !inner.is_empty() {
                return Err(CryptoError::InvalidKey);
            }
            Some(bits)
        }
        Some(_) => return Err(CryptoError::InvalidKey),
    };
    if !body.is_empty() {
        return Err(CryptoError::InvalidKey);
    }
    let public = match public {
        // BIT STRING contents: zero unused bits, then the 32-byte key.
        Some(bits) => match bits.split_first() {
            Some((0, key)) if key.len() == 32 => Some(key),
            _ => return Err(CryptoError::InvalidKey),
        },
        None => None,
    };
    Ok(Ed25519Pkcs8 { seed, public })
}

/// True when the DER's structure is the container `key` is labelled with.
fn container_matches(key: &PrivateKeyDer) -> bool {
    let Some(detected) = tlskit_crypto::der::classify_private_key(key.der()) else {
        return false;
    };
    matches!(
        (key, &detected),
        (PrivateKeyDer::Pkcs8(_), PrivateKeyDer::Pkcs8(_))
            | (PrivateKeyDer::Sec1(_), PrivateKeyDer::Sec1(_))
            | (PrivateKeyDer::Pkcs1(_), PrivateKeyDer::Pkcs1(_))
    )
}

/// The key's type, after OpenSSL's consistency checks and tlskit's size policy.
fn classify_and_check(pkey: &PKey<Private>) -> Result<KeyType, CryptoError> {
    match pkey.id() {
        Id::RSA => {
            let rsa = pkey.rsa().map_err(|_| CryptoError::InvalidKey)?;
            check_rsa_key_policy(&rsa).map_err(|_| CryptoError::InvalidKey)?;
            match rsa.check_key() {
                Ok(true) => Ok(KeyType::Rsa),
                _ => Err(CryptoError::InvalidKey),
            }
        }
        Id::EC => {
            let ec = pkey.ec_key().map_err(|_| CryptoError::InvalidKey)?;
            let curve = match ec.group().curve_name() {
                Some(Nid::X9_62_PRIME256V1) => Curve::P256,
                Some(Nid::SECP384R1) => Curve::P384,
                _ => {
                    return Err(CryptoError::Unsupported(
                        "ECDSA curve other than P-256/P-384",
                    ))
                }
            };
            ec.check_key().map_err(|_| CryptoError::InvalidKey)?;
            Ok(KeyType::Ecdsa(curve))
        }
        Id::ED25519 => Ok(KeyType::Ed25519),
        Id::RSA_PSS => Err(CryptoError::Unsupported(
            "id-RSASSA-PSS private keys (use an rsaEncryption key)",
        )),
        _ => Err(CryptoError::Unsupported("private key algorithm")),
    }
}

/// A loaded private key with its public SPKI computed once.
struct OpensslSigningKey {
    key: PKey<Private>,
    key_type: KeyType,
    spki: Vec<u8>,
}

impl SigningKey for OpensslSigningKey {
    fn key_type(&self) -> KeyType {
        self.key_type
    }

    fn schemes(&self) -> &[SignatureScheme] {
        schemes_for_key_type(self.key_type)
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if !self.schemes().contains(&scheme) {
            return Err(CryptoError::Unsupported("signature scheme for this key"));
        }
        let mut ctx = MdCtx::new().map_err(|_| CryptoError::InvalidKey)?;
        match scheme.verify_algorithm() {
            VerifyAlgorithm::Ed25519 => {
                // RFC 8032 pure Ed25519: no pre-hash, one-shot.
                ctx.digest_sign_init(None, &self.key)
                    .map_err(|_| CryptoError::InvalidKey)?;
            }
            VerifyAlgorithm::Ecdsa { hash, .. } => {
                let md = algorithms::digest(hash).ok_or(CryptoError::Unsupported("digest"))?;
                ctx.digest_sign_init(Some(md), &self.key)
                    .map_err(|_| CryptoError::InvalidKey)?;
            }
            VerifyAlgorithm::RsaPkcs1 { hash } => {
                let md = algorithms::digest(hash).ok_or(CryptoError::Unsupported("digest"))?;
                let pctx = ctx
                    .digest_sign_init(Some(md), &self.key)
                    .map_err(|_| CryptoError::InvalidKey)?;
                pctx.set_rsa_padding(Padding::PKCS1)
                    .map_err(|_| CryptoError::InvalidKey)?;
            }
            VerifyAlgorithm::RsaPss { hash } => {
                let md = algorithms::digest(hash).ok_or(CryptoError::Unsupported("digest"))?;
                let pctx = ctx
                    .digest_sign_init(Some(md), &self.key)
                    .map_err(|_| CryptoError::InvalidKey)?;
                // RFC 8446 §4.2.3: MGF1 with the same hash, salt length = hash length.
                pctx.set_rsa_padding(Padding::PKCS1_PSS)
                    .and_then(|()| pctx.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH))
                    .and_then(|()| pctx.set_rsa_mgf1_md(md))
                    .map_err(|_| CryptoError::InvalidKey)?;
            }
        }
        let mut signature = Vec::new();
        ctx.digest_sign_to_vec(message, &mut signature)
            .map_err(|_| CryptoError::InvalidKey)?;
        Ok(signature)
    }

    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::verify;
    use openssl::ec::EcGroup;

    pub(crate) fn generated(kind: KeyType) -> PrivateKeyDer {
        let pkey = match kind {
            KeyType::Rsa => PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("pkey"),
            KeyType::Ecdsa(c) => {
                let nid = match c {
                    Curve::P256 => Nid::X9_62_PRIME256V1,
                    Curve::P384 => Nid::SECP384R1,
                };
                let group = EcGroup::from_curve_name(nid).expect("group");
                PKey::from_ec_key(EcKey::generate(&group).expect("ec")).expect("pkey")
            }
            KeyType::Ed25519 => PKey::generate_ed25519().expect("ed25519"),
        };
        PrivateKeyDer::Pkcs8(pkey.private_key_to_pkcs8().expect("pkcs8"))
    }

    #[test]
    fn every_scheme_round_trips_and_rejects_tampering() {
        for kind in [
            KeyType::Ecdsa(Curve::P256),
            KeyType::Ecdsa(Curve::P384),
            KeyType::Ed25519,
            KeyType::Rsa,
        ] {
            let key = load_signing_key(&generated(kind)).expect("load");
            assert_eq!(key.key_type(), kind);
            let spki = key.public_key_spki();
            for &scheme in key.schemes() {
                let sig = key.sign(scheme, b"to be signed").expect("sign");
                let alg = scheme.verify_algorithm();
                verify(alg, &spki, b"to be signed", &sig).expect("verifies");
                assert_eq!(
                    verify(alg, &spki, b"to be signeD", &sig),
                    Err(CryptoError::BadSignature),
                    "{scheme:?} accepted a different message"
                );
                let mut bad = sig.clone();
                let last = bad.len() - 1;
                bad[last] ^= 1;
                assert!(verify(alg, &spki, b"to be signed", &bad).is_err());
            }
        }
    }

    #[test]
    fn sec1_and_pkcs1_containers_load() {
        let group = EcGroup::from_curve_name(Nid::SECP384R1).expect("group");
        let ec = EcKey::generate(&group).expect("ec");
        let sec1 = PrivateKeyDer::Sec1(ec.private_key_to_der().expect("sec1"));
        let key = load_signing_key(&sec1).expect("sec1 loads");
        assert_eq!(key.key_type(), KeyType::Ecdsa(Curve::P384));

        let rsa = Rsa::generate(2048).expect("rsa");
        let pkcs1 = PrivateKeyDer::Pkcs1(rsa.private_key_to_der().expect("pkcs1"));
        let key = load_signing_key(&pkcs1).expect("pkcs1 loads");
        assert_eq!(key.key_type(), KeyType::Rsa);
        let sig = key
            .sign(SignatureScheme::RsaPssRsaeSha512, b"m")
            .expect("sign");
        assert_eq!(sig.len(), 256);
        verify(
            VerifyAlgorithm::RsaPss {
                hash: tlskit_crypto::HashAlgorithm::Sha512,
            },
            &key.public_key_spki(),
            b"m",
            &sig,
        )
        .expect("verify");
    }

    #[test]
    fn wrong_scheme_garbage_and_small_rsa_are_refused() {
        let key = load_signing_key(&generated(KeyType::Ecdsa(Curve::P256))).expect("load");
        assert!(matches!(
            key.sign(SignatureScheme::EcdsaSecp384r1Sha384, b"m"),
            Err(CryptoError::Unsupported(_))
        ));
        assert!(matches!(
            key.sign(SignatureScheme::RsaPssRsaeSha256, b"m"),
            Err(CryptoError::Unsupported(_))
        ));
        for garbage in [&b""[..], b"\x30\x00", b"\x30\x03\x02\x01\x00"] {
            assert!(load_signing_key(&PrivateKeyDer::Pkcs8(garbage.to_vec())).is_err());
        }
        let mut trailing = generated(KeyType::Ed25519).der().to_vec();
        trailing.push(0);
        assert!(load_signing_key(&PrivateKeyDer::Pkcs8(trailing)).is_err());

        // A container under the wrong label is refused, whatever OpenSSL would guess.
        let pkcs8 = generated(KeyType::Ecdsa(Curve::P256)).der().to_vec();
        assert!(load_signing_key(&PrivateKeyDer::Sec1(pkcs8.clone())).is_err());
        assert!(load_signing_key(&PrivateKeyDer::Pkcs1(pkcs8)).is_err());

        let small = Rsa::generate(1024).expect("rsa");
        let pkcs1 = PrivateKeyDer::Pkcs1(small.private_key_to_der().expect("der"));
        assert!(load_signing_key(&pkcs1).is_err());
    }

    /// Ed25519 PKCS#8 v2 (RFC 5958 `OneAsymmetricKey` with the public key), which OpenSSL
    /// 3.0's decoder refuses, in both the RFC 8410 and ring encodings of `[1]`.
    #[test]
    fn ed25519_pkcs8_v2_loads_and_checks_its_public_key() {
        let v1 = generated(KeyType::Ed25519).der().to_vec();
        let key_v1 = load_signing_key(&PrivateKeyDer::Pkcs8(v1.clone())).expect("v1");
        let spki = key_v1.public_key_spki();
        let public = &spki[spki.len() - 32..];
        // v1 is SEQUENCE(len) { 02 01 00, ... }: rebuild it as v2 with the public key.
        let v1_body = &v1[2..];
        let rest = &v1_body[3..];
        let v2 = |tagged_public: &[u8]| {
            let mut body = vec![0x02, 0x01, 0x01];
            body.extend_from_slice(rest);
            body.extend_from_slice(tagged_public);
            let mut der = vec![0x30, u8::try_from(body.len()).expect("short")];
            der.extend_from_slice(&body);
            PrivateKeyDer::Pkcs8(der)
        };
        let implicit = [&[0x81, 0x21, 0x00][..], public].concat();
        let explicit = [&[0xa1, 0x23, 0x03, 0x21, 0x00][..], public].concat();
        for tagged in [&implicit, &explicit] {
            let key = load_signing_key(&v2(tagged)).expect("v2 loads");
            assert_eq!(key.public_key_spki(), spki);
            let sig = key.sign(SignatureScheme::Ed25519, b"m").expect("sign");
            verify(VerifyAlgorithm::Ed25519, &spki, b"m", &sig).expect("verify");
        }
        // A public key that is not the seed's, or a public key in a v1 structure, fails.
        let mut wrong = implicit.clone();
        let last = wrong.len() - 1;
        wrong[last] ^= 1;
        assert!(load_signing_key(&v2(&wrong)).is_err());
        let mut v1_with_public = v1_body.to_vec();
        v1_with_public.extend_from_slice(&implicit);
        let mut der = vec![0x30, u8::try_from(v1_with_public.len()).expect("short")];
        der.extend_from_slice(&v1_with_public);
        assert!(load_signing_key(&PrivateKeyDer::Pkcs8(der)).is_err());
    }

    #[test]
    fn debug_output_is_redacted() {
        let key = load_signing_key(&generated(KeyType::Ed25519)).expect("load");
        let shown = format!("{key:?}");
        assert_eq!(shown, "SigningKey(Ed25519, redacted)");
    }
}
