//! # tlskit-providers
//!
//! Picks a tlskit crypto backend at run time by name. Each backend is a cargo feature
//! (all on by default); a binary that wants only one disables the others.
//!
//! ```
//! let provider = tlskit_providers::by_name("ring").expect("ring backend compiled in");
//! assert_eq!(provider.name(), "ring");
//! ```

#![forbid(unsafe_code)]

use tlskit_crypto::CryptoProvider;

/// Names of the backends compiled into this build, in the deterministic order used by
/// [`all`] and [`default_provider`]: ring, rustcrypto, openssl.
pub const NAMES: &[&str] = &[
    #[cfg(feature = "ring")]
    "ring",
    #[cfg(feature = "rustcrypto")]
    "rustcrypto",
    #[cfg(feature = "openssl")]
    "openssl",
];

/// The backend called `name` (`"ring"`, `"rustcrypto"`, `"openssl"`), if compiled in.
pub fn by_name(name: &str) -> Option<&'static dyn CryptoProvider> {
    match name {
        #[cfg(feature = "ring")]
        "ring" => Some(tlskit_crypto_ring::provider()),
        #[cfg(feature = "rustcrypto")]
        "rustcrypto" => Some(tlskit_crypto_rustcrypto::provider()),
        #[cfg(feature = "openssl")]
        "openssl" => Some(tlskit_crypto_openssl::provider()),
        _ => None,
    }
}

/// Every compiled-in backend, in [`NAMES`] order.
pub fn all() -> Vec<&'static dyn CryptoProvider> {
    NAMES.iter().filter_map(|n| by_name(n)).collect()
}

/// The first compiled-in backend in [`NAMES`] order (ring when enabled). Deterministic:
/// it depends only on cargo features, never on global state.
pub fn default_provider() -> Option<&'static dyn CryptoProvider> {
    NAMES.first().and_then(|n| by_name(n))
}

/// Resolves an optional command-line `--backend NAME`: that backend, or
/// [`default_provider`] when none was given; an unknown name is an error listing the
/// compiled-in ones.
pub fn by_name_or_default(name: Option<&str>) -> Result<&'static dyn CryptoProvider, String> {
    match name {
        Some(name) => by_name(name).ok_or_else(|| {
            format!(
                "unknown backend {name:?}; compiled in: {}",
                NAMES.join(", ")
            )
        }),
        None => default_provider().ok_or_else(|| "no crypto backend compiled in".to_string()),
    }
}

/// Resolves a command-line backend choice: a name, or `"all"` for every backend.
pub fn select(choice: &str) -> Result<Vec<&'static dyn CryptoProvider>, String> {
    if choice == "all" {
        return Ok(all());
    }
    by_name(choice).map(|p| vec![p]).ok_or_else(|| {
        format!(
            "unknown backend {choice:?}; compiled-in backends: {}, or all",
            NAMES.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_to_their_provider() {
        for name in NAMES {
            assert_eq!(by_name(name).map(|p| p.name()), Some(*name));
        }
        assert!(by_name("nope").is_none());
        assert_eq!(all().len(), NAMES.len());
        assert!(select("bogus").is_err());
        assert!(by_name_or_default(Some("bogus")).is_err());
        assert_eq!(
            by_name_or_default(None).map(|p| p.name()),
            default_provider().map(|p| p.name()).ok_or_else(String::new)
        );
        assert_eq!(select("all").map(|v| v.len()), Ok(NAMES.len()));
    }
}
