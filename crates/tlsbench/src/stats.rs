//! What one worker thread measured, and the exact merge of many workers' results.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use crate::sys::CpuTime;

/// Largest latency recorded exactly: one hour, in microseconds. Longer values saturate.
const MAX_LATENCY_US: u64 = 3_600_000_000;
/// hdrhistogram precision: 3 significant digits (0.1% value resolution).
const SIGNIFICANT_DIGITS: u8 = 3;

/// A latency histogram in microseconds.
#[derive(Debug, Clone)]
pub struct LatencyHistogram(Histogram<u64>);

impl Default for LatencyHistogram {
    fn default() -> Self {
        // Constant, valid bounds (low >= 1, high >= 2 * low, sigfig <= 5): cannot fail.
        #[allow(clippy::expect_used)]
        let hist = Histogram::new_with_bounds(1, MAX_LATENCY_US, SIGNIFICANT_DIGITS)
            .expect("constant histogram bounds are valid");
        LatencyHistogram(hist)
    }
}

impl LatencyHistogram {
    /// Records one latency (at least 1 µs; saturates at one hour).
    pub fn record(&mut self, latency: Duration) {
        let us = u64::try_from(latency.as_micros())
            .unwrap_or(u64::MAX)
            .max(1);
        self.0.saturating_record(us);
    }

    /// Adds every sample of `other`: the result is the histogram of both sample sets.
    pub fn merge(&mut self, other: &LatencyHistogram) {
        // Same bounds on both sides, so `add` cannot fail; saturate defensively if it did.
        if self.0.add(&other.0).is_err() {
            for v in other.0.iter_recorded() {
                self.0
                    .saturating_record_n(v.value_iterated_to(), v.count_at_value());
            }
        }
    }

    /// Number of samples.
    pub fn count(&self) -> u64 {
        self.0.len()
    }

    /// The percentile summary written to the table and the JSON.
    pub fn summary(&self) -> LatencySummary {
        let h = &self.0;
        let q = |p: f64| {
            if h.is_empty() {
                0
            } else {
                h.value_at_quantile(p)
            }
        };
        let curve = CURVE_PERCENTILES
            .iter()
            .map(|&p| [p, q(p / 100.0) as f64])
            .collect();
        LatencySummary {
            count: h.len(),
            mean_us: if h.is_empty() { 0.0 } else { h.mean() },
            min_us: if h.is_empty() { 0 } else { h.min() },
            p50_us: q(0.50),
            p90_us: q(0.90),
            p99_us: q(0.99),
            p999_us: q(0.999),
            max_us: if h.is_empty() { 0 } else { h.max() },
            curve,
        }
    }
}

/// Percentiles sampled for the latency-distribution plot.
const CURVE_PERCENTILES: &[f64] = &[
    0.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.95, 99.99, 100.0,
];

/// Percentiles of one latency histogram, in microseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    /// Samples.
    pub count: u64,
    /// Mean.
    pub mean_us: f64,
    /// Minimum.
    pub min_us: u64,
    /// Median.
    pub p50_us: u64,
    /// 90th percentile.
    pub p90_us: u64,
    /// 99th percentile.
    pub p99_us: u64,
    /// 99.9th percentile.
    pub p999_us: u64,
    /// Maximum.
    pub max_us: u64,
    /// `[percentile, µs]` pairs for plotting the distribution.
    pub curve: Vec<[f64; 2]>,
}

/// Everything one side (client or server) of one worker thread measured.
#[derive(Debug, Clone, Default)]
pub struct SideStats {
    /// Connections started (client: connect issued; server: accepted).
    pub started: u64,
    /// Connections that completed their whole exchange.
    pub succeeded: u64,
    /// Connections that failed; each is counted once in `errors`.
    pub failed: u64,
    /// Completed handshakes (including those of connections that failed later).
    pub handshakes: u64,
    /// Handshakes the session reported as resumed.
    pub resumed: u64,
    /// Connections that ended without the peer's close_notify (a TCP close instead).
    pub unclean_closes: u64,
    /// Application bytes handed to sessions.
    pub bytes_sent: u64,
    /// Application bytes read from sessions.
    pub bytes_received: u64,
    /// Connect (or accept) to handshake done.
    pub handshake_latency: LatencyHistogram,
    /// Connect (or accept) to close.
    pub connection_latency: LatencyHistogram,
    /// Failures by kind.
    pub errors: BTreeMap<String, u64>,
    /// Server only: `accept` refusals by kind (EMFILE...). The refused connection stays
    /// queued and is retried, so these are not connection failures.
    pub accept_errors: BTreeMap<String, u64>,
    /// CPU time of the worker threads on this side.
    pub cpu: CpuTime,
    /// Worker threads merged into this value.
    pub threads: usize,
    /// The first completed handshake's `Session::describe`.
    pub negotiated: Option<String>,
}

impl SideStats {
    /// Counts one failure of `kind`.
    pub fn fail(&mut self, kind: impl Into<String>) {
        self.failed += 1;
        *self.errors.entry(kind.into()).or_insert(0) += 1;
    }

    /// Total failures in `errors` (equals `failed`).
    pub fn error_total(&self) -> u64 {
        self.errors.values().sum()
    }

    /// Adds `other` into `self`; histograms merge exactly.
    pub fn merge(&mut self, other: &SideStats) {
        self.started += other.started;
        self.succeeded += other.succeeded;
        self.failed += other.failed;
        self.handshakes += other.handshakes;
        self.resumed += other.resumed;
        self.unclean_closes += other.unclean_closes;
        self.bytes_sent += other.bytes_sent;
        self.bytes_received += other.bytes_received;
        self.handshake_latency.merge(&other.handshake_latency);
        self.connection_latency.merge(&other.connection_latency);
        for (kind, n) in &other.errors {
            *self.errors.entry(kind.clone()).or_insert(0) += n;
        }
        for (kind, n) in &other.accept_errors {
            *self.accept_errors.entry(kind.clone()).or_insert(0) += n;
        }
        self.cpu.add(other.cpu);
        self.threads += other.threads;
        if self.negotiated.is_none() {
            self.negotiated.clone_from(&other.negotiated);
        }
    }

    /// Merges a set of per-thread results.
    pub fn merge_all<'a>(parts: impl IntoIterator<Item = &'a SideStats>) -> SideStats {
        let mut total = SideStats::default();
        for p in parts {
            total.merge(p);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(n: u64) -> Duration {
        Duration::from_micros(n)
    }

    #[test]
    fn merged_histograms_equal_one_histogram_of_all_samples() {
        let mut a = LatencyHistogram::default();
        let mut b = LatencyHistogram::default();
        let mut all = LatencyHistogram::default();
        for i in 1..=5000u64 {
            let v = (i * 7919) % 100_000 + 1;
            if i % 3 == 0 {
                a.record(us(v))
            } else {
                b.record(us(v))
            }
            all.record(us(v));
        }
        a.merge(&b);
        assert_eq!(a.count(), 5000);
        assert_eq!(a.summary(), all.summary());
    }

    #[test]
    fn percentiles_are_within_histogram_precision() {
        let mut h = LatencyHistogram::default();
        for v in 1..=10_000u64 {
            h.record(us(v));
        }
        let s = h.summary();
        assert_eq!(s.count, 10_000);
        assert!((4995..=5005).contains(&s.p50_us), "{}", s.p50_us);
        assert!((9890..=9910).contains(&s.p99_us), "{}", s.p99_us);
        assert!((9985..=10_010).contains(&s.max_us), "{}", s.max_us);
        assert_eq!(s.curve.len(), CURVE_PERCENTILES.len());
    }

    #[test]
    fn empty_histogram_summarises_to_zeros() {
        let s = LatencyHistogram::default().summary();
        assert_eq!((s.count, s.p50_us, s.max_us), (0, 0, 0));
    }

    #[test]
    fn side_stats_merge_sums_counters_and_error_kinds() {
        let mut a = SideStats {
            started: 3,
            succeeded: 2,
            threads: 1,
            ..SideStats::default()
        };
        a.fail("io/ConnectionReset");
        let mut b = SideStats {
            started: 2,
            succeeded: 0,
            threads: 1,
            ..SideStats::default()
        };
        b.fail("io/ConnectionReset");
        b.fail("timeout/handshake");
        b.cpu = CpuTime {
            user_s: 1.0,
            sys_s: 0.5,
        };
        let total = SideStats::merge_all([&a, &b]);
        assert_eq!(
            (total.started, total.succeeded, total.failed, total.threads),
            (5, 2, 3, 2)
        );
        assert_eq!(total.errors.get("io/ConnectionReset"), Some(&2));
        assert_eq!(total.error_total(), total.failed);
        assert_eq!(total.cpu.total_s(), 1.5);
    }
}
