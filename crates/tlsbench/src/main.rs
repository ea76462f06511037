//! tlsbench: the load generator and benchmark server of tlskit.
//!
//! Subcommands available now:
//! - `tlsbench aead --backend all [--size 16384] [--threads T] [--seconds S]`: raw AEAD seal
//!   throughput of each backend, on one core and across cores (rayon): the ceiling the
//!   record layer is compared with.
//! - `tlsbench caps [--backend all]`: each backend's capability list.

use clap::{Parser, Subcommand};

use tlsbench::aead;

#[derive(Parser, Debug)]
#[command(
    name = "tlsbench",
    version,
    about = "TLS load generator and benchmark server (tlskit)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Raw AEAD seal throughput per backend, single core and across cores.
    Aead(aead::AeadArgs),
    /// Print each backend's capability list.
    Caps {
        /// ring, rustcrypto, openssl or all.
        #[arg(long, default_value = "all")]
        backend: String,
    },
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Aead(args) => aead::run(&args),
        Command::Caps { backend } => tlskit_providers::select(&backend).map(|providers| {
            for p in providers {
                println!("{}  ({})", p.capabilities(), p.description());
            }
        }),
    };
    if let Err(e) = result {
        eprintln!("tlsbench: {e}");
        std::process::exit(2);
    }
}
