//! Provider test kit: known-answer tests, Wycheproof runners, key-loading and signing
//! round trips, and cross-backend checks that any [`CryptoProvider`] backend runs from its
//! own tests with one macro call:
//!
//! ```ignore
//! tlskit_crypto::provider_test_suite!(tlskit_crypto_ring::provider());
//! ```
//!
//! Every check returns `Result<(), String>` (or an [`Outcome`] for Wycheproof files) so the
//! generated `#[test]` functions fail with a message that names the vector. A capability the
//! provider does not list is skipped with a printed reason, never failed and never hidden.
//!
//! Test data lives in `crates/crypto/testdata/` (Wycheproof files with their licence, test
//! keys made with the `openssl` CLI) and is read at run time.

use crate::CryptoProvider;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

pub mod cross;
pub mod kat;
pub mod keys;
pub mod wycheproof;

/// Result of one check: `Err` carries a human-readable reason.
pub type CheckResult = Result<(), String>;

/// The folder holding the test kit's data (`crates/crypto/testdata`).
pub fn testdata_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// Reads a file under [`testdata_dir`].
pub fn read_testdata(relative: &str) -> Result<Vec<u8>, String> {
    let path = testdata_dir().join(relative);
    std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Decodes hex test data (the vectors are ours, so a bad string is a test-kit bug).
pub fn unhex(s: &str) -> Result<Vec<u8>, String> {
    hex::decode(s).map_err(|e| format!("bad hex {s:?}: {e}"))
}

/// How one Wycheproof file went.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The vector file name.
    pub file: String,
    /// Vectors in the file.
    pub run: usize,
    /// Vectors whose result matched (`acceptable` ones match either way).
    pub passed: usize,
    /// Vectors not run, each with a named reason.
    pub skipped: usize,
    /// Reason → count for the skipped vectors.
    pub skip_reasons: BTreeMap<String, usize>,
    /// `tcId`, comment and what happened for each vector that did not match.
    pub unexpected: Vec<String>,
}

impl Outcome {
    /// A fresh outcome for `file`.
    pub fn new(file: &str) -> Self {
        Outcome {
            file: file.to_string(),
            ..Outcome::default()
        }
    }

    /// Records a skipped vector.
    pub fn skip(&mut self, reason: impl Into<String>) {
        self.skipped += 1;
        *self.skip_reasons.entry(reason.into()).or_insert(0) += 1;
    }

    /// Records a vector that behaved unexpectedly.
    pub fn fail(&mut self, tc_id: u64, comment: &str, what: impl fmt::Display) {
        self.unexpected
            .push(format!("tcId {tc_id} ({comment}): {what}"));
    }

    /// Skip reasons as `reason ×n; …`.
    pub fn reasons(&self) -> String {
        self.skip_reasons
            .iter()
            .map(|(r, n)| format!("{r} ×{n}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// One Markdown table row: file | run | passed | skipped (reasons) | unexpected.
    pub fn markdown_row(&self) -> String {
        let skipped = if self.skipped == 0 {
            "0".to_string()
        } else {
            format!("{} ({})", self.skipped, self.reasons())
        };
        format!(
            "| {} | {} | {} | {} | {} |",
            self.file,
            self.run,
            self.passed,
            skipped,
            self.unexpected.len()
        )
    }

    /// Fails (with every unexpected vector listed) unless the file ran cleanly: no
    /// unexpected results and every vector either passed or skipped with a reason.
    pub fn check(&self) -> CheckResult {
        if !self.unexpected.is_empty() {
            return Err(format!(
                "{}: {} unexpected result(s):\n  {}",
                self.file,
                self.unexpected.len(),
                self.unexpected.join("\n  ")
            ));
        }
        if self.passed + self.skipped != self.run {
            return Err(format!(
                "{}: run {} but passed {} + skipped {}",
                self.file, self.run, self.passed, self.skipped
            ));
        }
        if self.run == 0 {
            return Err(format!("{}: no vectors were read", self.file));
        }
        Ok(())
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: run {}, passed {}, skipped {}",
            self.file, self.run, self.passed, self.skipped
        )?;
        if self.skipped > 0 {
            write!(f, " ({})", self.reasons())?;
        }
        write!(f, ", unexpected {}", self.unexpected.len())
    }
}

/// Prints the outcome line and panics with the details if it is not clean. Used by the
/// generated `wycheproof_*` tests.
pub fn assert_outcome(outcome: &Outcome) {
    println!("{outcome}");
    if let Err(e) = outcome.check() {
        panic!("{e}");
    }
}

/// Panics with the message of a failed check. Used by the generated tests.
pub fn assert_check(name: &str, provider: &dyn CryptoProvider, result: CheckResult) {
    if let Err(e) = result {
        panic!("{name} failed for provider {}: {e}", provider.name());
    }
}

/// Prints that part of a check was skipped because the provider lacks a capability.
pub fn note_skip(provider: &dyn CryptoProvider, what: &str) {
    println!("skipped for provider {}: {what}", provider.name());
}

/// The Markdown Wycheproof table (header plus one row per file) for `provider`.
pub fn wycheproof_table(provider: &dyn CryptoProvider) -> (String, Vec<Outcome>) {
    let outcomes = wycheproof::run_all(provider);
    let mut table = String::from(
        "| file | run | passed | skipped (reasons) | unexpected |\n|---|---:|---:|---|---:|\n",
    );
    for o in &outcomes {
        table.push_str(&o.markdown_row());
        table.push('\n');
    }
    (table, outcomes)
}

/// Expands to the provider test suite: `#[test]` functions named `kat_*`,
/// `wycheproof_*`, `key_loading_*`, `sign_roundtrip_*` and `wycheproof_summary` (which
/// prints the Markdown table; run with `--nocapture`).
///
/// `$provider` is an expression of type `&'static dyn tlskit_crypto::CryptoProvider`.
/// Invoke once per test crate:
///
/// ```ignore
/// tlskit_crypto::provider_test_suite!(tlskit_crypto_ring::provider());
/// ```
#[macro_export]
macro_rules! provider_test_suite {
    (@checks $p:ident; $($name:ident => $check:path),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let provider = $p();
                $crate::testkit::assert_check(stringify!($name), provider, $check(provider));
            }
        )*
    };

    (@wycheproof $p:ident; $($name:ident => $runner:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $crate::testkit::assert_outcome(&$crate::testkit::wycheproof::shared_outcome(
                    $p(),
                    stringify!($runner),
                ));
            }
        )*
    };

    ($provider:expr) => {
        fn __tlskit_suite_provider() -> &'static dyn $crate::CryptoProvider {
            $provider
        }

        $crate::provider_test_suite!(@checks __tlskit_suite_provider;
            kat_sha2 => $crate::testkit::kat::sha2,
            kat_hash_incremental_fork => $crate::testkit::kat::hash_incremental_fork,
            kat_hmac_rfc4231 => $crate::testkit::kat::hmac_rfc4231,
            kat_hkdf_rfc5869 => $crate::testkit::kat::hkdf_rfc5869,
            kat_aes_gcm => $crate::testkit::kat::aes_gcm,
            kat_chacha20poly1305_rfc8439 => $crate::testkit::kat::chacha20poly1305_rfc8439,
            kat_aead_in_place_api => $crate::testkit::kat::aead_in_place_api,
            kat_x25519_rfc7748 => $crate::testkit::kat::x25519_rfc7748,
            kat_x25519_rfc7748_iterated => $crate::testkit::kat::x25519_rfc7748_iterated,
            kat_x25519_rfc7748_dh => $crate::testkit::kat::x25519_rfc7748_dh,
            kat_key_exchange_roundtrip => $crate::testkit::kat::key_exchange_roundtrip,
            kat_random => $crate::testkit::kat::random,
            kat_capabilities_consistent => $crate::testkit::kat::capabilities_consistent,
            key_loading_p256_pkcs8_pem => $crate::testkit::keys::key_loading_p256_pkcs8_pem,
            key_loading_p256_pkcs8_der => $crate::testkit::keys::key_loading_p256_pkcs8_der,
            key_loading_p256_sec1_pem => $crate::testkit::keys::key_loading_p256_sec1_pem,
            key_loading_p256_sec1_der => $crate::testkit::keys::key_loading_p256_sec1_der,
            key_loading_p384_pkcs8 => $crate::testkit::keys::key_loading_p384_pkcs8,
            key_loading_rsa2048_pkcs8 => $crate::testkit::keys::key_loading_rsa2048_pkcs8,
            key_loading_rsa2048_pkcs1_pem => $crate::testkit::keys::key_loading_rsa2048_pkcs1_pem,
            key_loading_rsa2048_pkcs1_der => $crate::testkit::keys::key_loading_rsa2048_pkcs1_der,
            key_loading_ed25519_pkcs8 => $crate::testkit::keys::key_loading_ed25519_pkcs8,
            key_loading_rejects_garbage => $crate::testkit::keys::key_loading_rejects_garbage,
            sign_roundtrip_p256 => $crate::testkit::keys::sign_roundtrip_p256,
            sign_roundtrip_p384 => $crate::testkit::keys::sign_roundtrip_p384,
            sign_roundtrip_rsa2048 => $crate::testkit::keys::sign_roundtrip_rsa2048,
            sign_roundtrip_ed25519 => $crate::testkit::keys::sign_roundtrip_ed25519,
            sign_roundtrip_wrong_key_type => $crate::testkit::keys::sign_roundtrip_wrong_key_type,
        );

        $crate::provider_test_suite!(@wycheproof __tlskit_suite_provider;
            wycheproof_aes_gcm => aes_gcm,
            wycheproof_chacha20_poly1305 => chacha20_poly1305,
            wycheproof_x25519 => x25519,
            wycheproof_ecdh_p256 => ecdh_secp256r1,
            wycheproof_ecdh_p256_ecpoint => ecdh_secp256r1_ecpoint,
            wycheproof_ecdh_p384 => ecdh_secp384r1,
            wycheproof_ecdh_p384_ecpoint => ecdh_secp384r1_ecpoint,
            wycheproof_ecdsa_p256_sha256 => ecdsa_secp256r1_sha256,
            wycheproof_ecdsa_p384_sha256 => ecdsa_secp384r1_sha256,
            wycheproof_ecdsa_p384_sha384 => ecdsa_secp384r1_sha384,
            wycheproof_ed25519 => ed25519,
            wycheproof_rsa_pss_2048_sha256 => rsa_pss_2048_sha256_mgf1_32,
            wycheproof_rsa_pss_2048_sha384 => rsa_pss_2048_sha384_mgf1_48,
            wycheproof_rsa_pkcs1_2048_sha256 => rsa_signature_2048_sha256,
            wycheproof_rsa_pkcs1_2048_sha384 => rsa_signature_2048_sha384,
            wycheproof_rsa_pkcs1_2048_sha512 => rsa_signature_2048_sha512,
            wycheproof_rsa_pkcs1_3072_sha256 => rsa_signature_3072_sha256,
            wycheproof_hkdf_sha256 => hkdf_sha256,
            wycheproof_hkdf_sha384 => hkdf_sha384,
            wycheproof_hmac_sha256 => hmac_sha256,
            wycheproof_hmac_sha384 => hmac_sha384,
        );

        #[test]
        fn wycheproof_summary() {
            let provider = __tlskit_suite_provider();
            let (table, outcomes) = $crate::testkit::wycheproof_table(provider);
            println!(
                "Wycheproof results for provider {} ({}):\n\n{table}",
                provider.name(),
                provider.description()
            );
            let failures: Vec<String> = outcomes
                .iter()
                .filter_map(|o| o.check().err())
                .collect();
            assert!(failures.is_empty(), "{}", failures.join("\n"));
        }
    };

}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_rows_and_checks() {
        let mut o = Outcome::new("x.json");
        assert!(o.check().is_err(), "an empty file must not pass");
        o.run = 4;
        o.passed = 2;
        o.skip("reason b");
        o.skip("reason a");
        assert_eq!(o.check(), Ok(()));
        assert_eq!(
            o.markdown_row(),
            "| x.json | 4 | 2 | 2 (reason a ×1; reason b ×1) | 0 |"
        );
        o.run = 5;
        assert!(o.check().is_err(), "uncounted vectors must fail");
        o.fail(7, "comment", "what");
        let err = o.check().unwrap_err();
        assert!(err.contains("tcId 7 (comment): what"), "{err}");
    }
}
