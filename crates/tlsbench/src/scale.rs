//! `tlsbench scale`: the same load at 1, 2, ... N threads, with the speed-up and the scaling
//! efficiency of each step relative to the first.

use crate::cli::{cores, ScaleArgs, Sweep};
use crate::interrupt::Interrupt;
use crate::load::{self, LoadConfig};
use crate::report::{FailedRun, LoadResult, RunReport, ScaleStep};

/// 1, 2, ... `max` when `max` is at most 8; beyond that powers of two, then `max`.
pub fn default_steps(max: usize) -> Vec<usize> {
    let max = max.max(1);
    if max <= 8 {
        return (1..=max).collect();
    }
    let mut steps: Vec<usize> = std::iter::successors(Some(1usize), |n| n.checked_mul(2))
        .take_while(|&n| n < max)
        .collect();
    steps.push(max);
    steps
}

/// The sweep's figures for one backend, each step relative to the first.
pub fn steps_of(backend: &str, runs: &[(usize, LoadResult)]) -> Vec<ScaleStep> {
    let Some((first_threads, first)) = runs.first() else {
        return Vec::new();
    };
    runs.iter()
        .map(|(threads, r)| {
            let speedup = if first.handshakes_per_s > 0.0 {
                r.handshakes_per_s / first.handshakes_per_s
            } else {
                0.0
            };
            let ideal = *threads as f64 / (*first_threads).max(1) as f64;
            ScaleStep {
                backend: backend.to_string(),
                threads: *threads,
                client_threads: r.client_threads,
                server_threads: r.server_threads,
                handshakes_per_s: r.handshakes_per_s,
                speedup,
                efficiency: if ideal > 0.0 { speedup / ideal } else { 0.0 },
                client_handshakes_per_cpu_s: r.client.handshakes_per_cpu_s,
                server_handshakes_per_cpu_s: r.server.as_ref().and_then(|s| s.handshakes_per_cpu_s),
                failed: r.failed,
            }
        })
        .collect()
}

/// Runs the sweep for every backend named by `--backend`; stops at the step running when
/// `interrupt` is set (Ctrl-C), keeping the steps done so far.
pub fn command(args: &ScaleArgs, interrupt: &Interrupt) -> Result<RunReport, String> {
    if args.load.threads.is_some() || args.load.server_threads.is_some() {
        return Err(
            "scale sets --threads/--server-threads itself; use --steps, --max-threads and --sweep"
                .into(),
        );
    }
    if args.load.connect.is_some() && args.sweep != Sweep::Client {
        return Err(
            "with --connect only the client threads can be swept: add --sweep client".into(),
        );
    }
    if args.load.baseline {
        return Err("--baseline applies to a load, not to scale".into());
    }
    if args.steps.contains(&0) {
        return Err("--steps must be positive thread counts".into());
    }
    let steps = if args.steps.is_empty() {
        default_steps(args.max_threads.unwrap_or_else(cores))
    } else {
        args.steps.clone()
    };
    let options = serde_json::to_value(args).map_err(|e| format!("options: {e}"))?;
    let mut report = RunReport::new("scale", options);
    for backend in load::backends(&args.load.backend) {
        let mut runs = Vec::new();
        for &n in &steps {
            if interrupt.is_set() {
                report.interrupted = true;
                break;
            }
            let mut step_args = args.load.clone();
            match args.sweep {
                Sweep::Both => (step_args.threads, step_args.server_threads) = (Some(n), Some(n)),
                Sweep::Server => step_args.server_threads = Some(n),
                Sweep::Client => step_args.threads = Some(n),
            }
            step_args.label = Some(format!(
                "{}threads={n}",
                args.load
                    .label
                    .as_ref()
                    .map_or(String::new(), |l| format!("{l} "))
            ));
            let config = LoadConfig::from_args(&step_args, &backend)?;
            load::announce(&config);
            match load::run_until(&config, interrupt) {
                Ok(result) => {
                    report.interrupted |= result.interrupted;
                    runs.push((n, result))
                }
                Err(error) => {
                    report.failed_runs.push(FailedRun {
                        backend: backend.clone(),
                        error,
                    });
                    break;
                }
            }
        }
        report.scale.extend(steps_of(&backend, &runs));
        report.results.extend(runs.into_iter().map(|(_, r)| r));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_steps_cover_small_and_large_machines() {
        assert_eq!(default_steps(1), vec![1]);
        assert_eq!(default_steps(2), vec![1, 2]);
        assert_eq!(default_steps(8), (1..=8).collect::<Vec<_>>());
        assert_eq!(default_steps(24), vec![1, 2, 4, 8, 16, 24]);
        assert_eq!(default_steps(32), vec![1, 2, 4, 8, 16, 32]);
    }

    #[test]
    fn speedup_and_efficiency_are_relative_to_the_first_step() {
        let run = |hs: f64| LoadResult {
            handshakes_per_s: hs,
            ..LoadResult::default()
        };
        let steps = steps_of(
            "ring",
            &[(1, run(1000.0)), (2, run(1800.0)), (4, run(2000.0))],
        );
        assert_eq!(steps.len(), 3);
        assert!((steps[1].speedup - 1.8).abs() < 1e-9);
        assert!((steps[1].efficiency - 0.9).abs() < 1e-9);
        assert!((steps[2].efficiency - 0.5).abs() < 1e-9);
        assert!(steps_of("ring", &[]).is_empty());
    }
}
