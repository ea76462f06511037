//! Runs the x509-limbo suite against tlskit-x509.
//!
//! ```text
//! cargo run --release -p tlskit-x509 --example limbo -- [PATH] [--provider NAME] [--verbose]
//! ```
//!
//! PATH defaults to `crates/x509/testdata/limbo/limbo.json`. Prints skipped cases with
//! the reason, every failure, a per-family breakdown, the unexpected accepts (invalid
//! chains accepted) separately from unexpected rejects, and last the line
//! `N passed, M failed, K skipped`.

#[path = "../tests/common/limbo_runner.rs"]
mod limbo_runner;

use limbo_runner::{load_suite, run_suite, Outcome};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut path = std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/limbo/limbo.json"
    ));
    let mut provider_name = "ring".to_string();
    let mut verbose = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--provider" => match args.next() {
                Some(p) => provider_name = p,
                None => {
                    eprintln!("--provider needs a name");
                    return ExitCode::from(2);
                }
            },
            "--verbose" | "-v" => verbose = true,
            other => path = other.into(),
        }
    }
    let Some(provider) = tlskit_providers::by_name(&provider_name) else {
        eprintln!(
            "unknown provider {provider_name:?}; compiled in: {:?}",
            tlskit_providers::NAMES
        );
        return ExitCode::from(2);
    };
    let suite = match load_suite(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    let report = run_suite(&suite, provider, |_| true);
    let elapsed = started.elapsed();

    println!(
        "x509-limbo: {} ({} cases), provider {}",
        path.display(),
        suite.testcases.len(),
        provider.name()
    );
    println!();
    for r in &report.results {
        match &r.outcome {
            Outcome::Skipped(reason) => println!("SKIP  {}: {reason}", r.id),
            Outcome::UnexpectedAccept => {
                println!("FAIL  {}: UNEXPECTED ACCEPT ({})", r.id, r.detail)
            }
            Outcome::UnexpectedReject(e) => println!("FAIL  {}: unexpected reject: {e}", r.id),
            Outcome::Pass if verbose => println!("ok    {}: {}", r.id, r.detail),
            Outcome::Pass => {}
        }
    }
    println!();
    println!(
        "{:<14} {:>6} {:>6} {:>7} {:>17} {:>17}",
        "family", "passed", "failed", "skipped", "unexpected accept", "unexpected reject"
    );
    for (family, t) in &report.families {
        println!(
            "{:<14} {:>6} {:>6} {:>7} {:>17} {:>17}",
            format!("{family}::"),
            t.passed,
            t.failed,
            t.skipped,
            t.unexpected_accepts,
            t.unexpected_rejects
        );
    }
    for (kind, t) in &report.kinds {
        println!(
            "{kind} validation: {} passed, {} failed ({} unexpected accepts), {} skipped",
            t.passed, t.failed, t.unexpected_accepts, t.skipped
        );
    }
    let t = report.total;
    println!();
    println!(
        "UNEXPECTED ACCEPTS (invalid chain accepted): {}",
        t.unexpected_accepts
    );
    for r in report
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::UnexpectedAccept)
    {
        println!("  {}", r.id);
    }
    println!(
        "unexpected rejects (valid chain refused): {}",
        t.unexpected_rejects
    );
    let mut slowest: Vec<_> = report.results.iter().collect();
    slowest.sort_by_key(|r| std::cmp::Reverse(r.elapsed));
    let slow: Vec<String> = slowest
        .iter()
        .take(3)
        .map(|r| format!("{} {:.1} ms", r.id, r.elapsed.as_secs_f64() * 1e3))
        .collect();
    println!(
        "time: {:.1} ms in all; slowest: {}",
        elapsed.as_secs_f64() * 1e3,
        slow.join(", ")
    );
    println!(
        "{} passed, {} failed, {} skipped",
        t.passed, t.failed, t.skipped
    );
    if t.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
