//! tlsbench: the load generator and benchmark server of tlskit.
//!
//! - `tlsbench [OPTIONS]`: a load (in-process server, or `--connect HOST:PORT`); prints a
//!   table and writes JSON.
//! - `tlsbench serve`: the benchmark server alone.
//! - `tlsbench scale`: the load at 1, 2, ... N threads.
//! - `tlsbench aead`: the AEAD ceiling per backend.
//! - `tlsbench caps`: each backend's capability list.
//! - `tlsbench report DIR`: Markdown summary and SVG plots of a results directory.

use clap::Parser;
use tlsbench::cli::{Cli, Command, LoadArgs};
use tlsbench::interrupt::{Interrupt, EXIT_INTERRUPTED};
use tlsbench::report::{self, RunReport};
use tlsbench::{aead, load, plot, scale, serve};

/// Prints the results, writes the JSON, and returns whether everything succeeded.
fn finish(report: &RunReport, args: &LoadArgs) -> Result<bool, String> {
    if !report.scale.is_empty() {
        print!("{}", report::scale_table(&report.scale));
        println!();
    }
    if !report.results.is_empty() && report.kind == "load" {
        print!("{}", report::table(&report.results));
    }
    for f in &report.failed_runs {
        println!("{}: could not run: {}", f.backend, f.error);
    }
    if !args.no_json {
        let path = report.write(args.json.as_deref())?;
        eprintln!("tlsbench: results written to {}", path.display());
    }
    if report.interrupted {
        eprintln!("tlsbench: interrupted: the results above are partial");
        std::process::exit(EXIT_INTERRUPTED);
    }
    let clean = report.failed_runs.is_empty() && report.results.iter().all(|r| r.failed == 0);
    Ok(clean)
}

fn main() {
    let cli = Cli::parse();
    let interrupt = match cli.command {
        None | Some(Command::Scale(_)) | Some(Command::Serve(_)) => Interrupt::on_signals(),
        _ => Ok(Interrupt::new()),
    };
    let result = interrupt.and_then(|interrupt| match cli.command {
        None => load::command(&cli.load, &interrupt).and_then(|r| finish(&r, &cli.load)),
        Some(Command::Scale(args)) => {
            scale::command(&args, &interrupt).and_then(|r| finish(&r, &args.load))
        }
        Some(Command::Serve(args)) => serve::run(&args, &interrupt).map(|()| true),
        Some(Command::Aead(args)) => aead::run(&args).map(|()| true),
        Some(Command::Caps { backend }) => tlskit_providers::select(&backend).map(|providers| {
            for p in providers {
                println!("{}  ({})", p.capabilities(), p.description());
            }
            true
        }),
        Some(Command::Report(args)) => plot::write_report(&args.dir).map(|files| {
            for f in files {
                println!("{}", f.display());
            }
            true
        }),
    });
    match result {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("tlsbench: {e}");
            std::process::exit(2);
        }
    }
}
