//! A bounded memory of certificate chains that passed path validation, so a client that
//! connects to the same server again and again (a load generator, a connection pool) does
//! not redo the same RFC 5280 §6.1 signature checks for every handshake.
//!
//! What is remembered is exactly "these certificate bytes, in this order, for this name,
//! were accepted by this verifier at time T". An entry answers only while:
//! - the bytes of the presented chain and the name are identical (compared in full, not
//!   by a digest);
//! - `now` lies between the verification time and the earliest `notAfter` of every
//!   certificate on the accepted path (a clock that goes backwards is a miss);
//! - the entry is younger than the configured maximum age.
//!
//! Failures are never remembered. Each handshake still verifies the peer's signature over
//! its own handshake (ServerKeyExchange / CertificateVerify), which proves possession of
//! the leaf's key; only the chain's validation result is reused. Browsers' certificate
//! verifiers keep a similar result cache.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

/// How many lookups hit and missed, for benchmarks and monitoring.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChainCacheStats {
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that had to run full validation.
    pub misses: u64,
    /// Entries held now.
    pub entries: usize,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Unix seconds of the validation that created the entry.
    verified_at: u64,
    /// Unix seconds after which the entry no longer answers.
    expires: u64,
    /// Insertion number, so eviction can tell a stale queue slot from a refreshed entry.
    generation: u64,
}

#[derive(Debug, Default)]
struct State {
    entries: HashMap<Arc<[u8]>, Entry>,
    /// Keys in insertion order (oldest first), with the generation they were queued at.
    order: VecDeque<(Arc<[u8]>, u64)>,
    next_generation: u64,
    hits: u64,
    misses: u64,
}

/// The cache itself: shared by every clone of the verifier that owns it.
#[derive(Debug)]
pub(crate) struct ChainCache {
    capacity: usize,
    max_age_secs: u64,
    state: Mutex<State>,
}

impl ChainCache {
    /// At most `capacity` entries (oldest evicted first), each answering for at most
    /// `max_age_secs` seconds.
    pub(crate) fn new(capacity: usize, max_age_secs: u64) -> Self {
        ChainCache {
            capacity,
            max_age_secs,
            state: Mutex::new(State::default()),
        }
    }

    /// The exact identity of a verification request: the name and every certificate,
    /// each length-prefixed so that no two different requests share a key.
    pub(crate) fn key(name: &str, end_entity: &[u8], intermediates: &[&[u8]]) -> Vec<u8> {
        let total = 8
            + name.len()
            + 8
            + end_entity.len()
            + intermediates.iter().map(|c| 8 + c.len()).sum::<usize>();
        let mut key = Vec::with_capacity(total);
        for part in std::iter::once(name.as_bytes())
            .chain(std::iter::once(end_entity))
            .chain(intermediates.iter().copied())
        {
            key.extend_from_slice(&(part.len() as u64).to_be_bytes());
            key.extend_from_slice(part);
        }
        key
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a plain map: a panic elsewhere cannot leave it inconsistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether `key` was accepted and still answers at `now`; counts the hit or miss.
    pub(crate) fn contains_valid(&self, key: &[u8], now: u64) -> bool {
        let mut state = self.lock();
        let valid = state
            .entries
            .get(key)
            .is_some_and(|e| e.verified_at <= now && now <= e.expires);
        if valid {
            state.hits += 1;
        } else {
            state.misses += 1;
        }
        valid
    }

    /// Remembers that `key` was accepted at `verified_at`; `path_not_after` is the earliest
    /// `notAfter` of the accepted path.
    pub(crate) fn insert(&self, key: Vec<u8>, verified_at: u64, path_not_after: u64) {
        if self.capacity == 0 {
            return;
        }
        let expires = path_not_after.min(verified_at.saturating_add(self.max_age_secs));
        let key: Arc<[u8]> = key.into();
        let mut state = self.lock();
        let generation = state.next_generation;
        state.next_generation += 1;
        state.entries.insert(
            key.clone(),
            Entry {
                verified_at,
                expires,
                generation,
            },
        );
        state.order.push_back((key, generation));
        while state.entries.len() > self.capacity {
            let Some((old, queued)) = state.order.pop_front() else {
                break;
            };
            if state
                .entries
                .get(&old)
                .is_some_and(|e| e.generation == queued)
            {
                state.entries.remove(&old);
            }
        }
        // Queue slots of refreshed keys are dropped lazily; keep the queue bounded too.
        if state.order.len() > self.capacity.saturating_mul(2) {
            let State { entries, order, .. } = &mut *state;
            order.retain(|(k, g)| entries.get(k).is_some_and(|e| e.generation == *g));
        }
    }

    pub(crate) fn stats(&self) -> ChainCacheStats {
        let state = self.lock();
        ChainCacheStats {
            hits: state.hits,
            misses: state.misses,
            entries: state.entries.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unambiguous() {
        // Moving a byte between the name and a certificate, or between certificates,
        // must give a different key.
        assert_ne!(
            ChainCache::key("ab", b"c", &[]),
            ChainCache::key("a", b"bc", &[])
        );
        assert_ne!(
            ChainCache::key("a", b"b", &[b"cd".as_slice()]),
            ChainCache::key("a", b"bc", &[b"d".as_slice()])
        );
        assert_ne!(
            ChainCache::key("a", b"b", &[b"c".as_slice(), b"d".as_slice()]),
            ChainCache::key("a", b"b", &[b"d".as_slice(), b"c".as_slice()])
        );
    }

    #[test]
    fn answers_only_inside_the_window() {
        let cache = ChainCache::new(4, 300);
        let key = ChainCache::key("example.com", b"leaf", &[]);
        assert!(!cache.contains_valid(&key, 1000));
        cache.insert(key.clone(), 1000, 1200);
        assert!(cache.contains_valid(&key, 1000));
        assert!(cache.contains_valid(&key, 1200));
        assert!(
            !cache.contains_valid(&key, 1201),
            "past the path's notAfter"
        );
        assert!(!cache.contains_valid(&key, 999), "clock went backwards");
        cache.insert(key.clone(), 2000, u64::MAX);
        assert!(cache.contains_valid(&key, 2300));
        assert!(!cache.contains_valid(&key, 2301), "older than max age");
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses, stats.entries), (3, 4, 1));
    }

    #[test]
    fn bounded_oldest_evicted_first() {
        let cache = ChainCache::new(2, 300);
        let keys: Vec<Vec<u8>> = (0u8..3).map(|i| ChainCache::key("n", &[i], &[])).collect();
        for key in &keys {
            cache.insert(key.clone(), 10, 1000);
        }
        assert_eq!(cache.stats().entries, 2);
        assert!(!cache.contains_valid(&keys[0], 10));
        assert!(cache.contains_valid(&keys[1], 10));
        assert!(cache.contains_valid(&keys[2], 10));
        // Refreshing a key many times keeps both the map and the queue bounded.
        for t in 0..100 {
            cache.insert(keys[1].clone(), 10 + t, 1000);
        }
        let state = cache.lock();
        assert!(state.entries.len() <= 2);
        assert!(state.order.len() <= 4);
    }

    #[test]
    fn zero_capacity_remembers_nothing() {
        let cache = ChainCache::new(0, 300);
        let key = ChainCache::key("n", b"x", &[]);
        cache.insert(key.clone(), 1, 100);
        assert!(!cache.contains_valid(&key, 1));
    }
}
