//! A real SIGINT during a load: the handler installed by `Interrupt::on_signals` stops
//! it, and the partial result says so. Its own test binary (own process), because the
//! handler is process-wide and a second signal would end the process.

use std::time::{Duration, Instant};

use clap::Parser;
use tlsbench::cli::Cli;
use tlsbench::interrupt::{Interrupt, GRACE};
use tlsbench::load;

#[test]
fn sigint_interrupts_a_load_and_keeps_its_partial_results() {
    let interrupt = Interrupt::on_signals().unwrap();
    let args = Cli::try_parse_from([
        "tlsbench",
        "--backend",
        "null",
        "--duration",
        "30",
        "--concurrency",
        "10",
        "--threads",
        "1",
        "--server-threads",
        "1",
        "--hold",
        "30",
    ])
    .unwrap()
    .load;
    let start = Instant::now();
    let sender = std::thread::spawn(|| {
        std::thread::sleep(Duration::from_millis(300));
        signal_hook::low_level::raise(signal_hook::consts::SIGINT).unwrap();
    });
    let report = load::command(&args, &interrupt).unwrap();
    sender.join().unwrap();
    assert!(interrupt.is_set());
    assert!(report.interrupted);
    assert!(
        start.elapsed() < Duration::from_millis(300) + GRACE + Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    let r = &report.results[0];
    assert!(r.interrupted);
    assert_eq!(r.connections, r.succeeded + r.failed);
    assert_eq!(
        r.errors.get("aborted/interrupted"),
        Some(&10),
        "{:?}",
        r.errors
    );
}
