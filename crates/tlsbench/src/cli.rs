//! The command line (clap): the load options, `serve`, `scale`, `aead`, `caps`, `report`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::session::{CertKind, ResumeMode, TlsOptions, TlsVersion};

/// `tlsbench [OPTIONS]` runs a load; the subcommands do the rest.
#[derive(Parser, Debug)]
#[command(
    name = "tlsbench",
    version,
    about = "TLS load generator and benchmark server (tlskit)",
    long_about = "TLS load generator and benchmark server (tlskit).\n\n\
        Without a subcommand, runs a load: N connections, each a full TLS handshake, against an \
        in-process server on 127.0.0.1 with a generated certificate (or --connect HOST:PORT), \
        and prints handshakes/s, CPU per handshake for each side, latency percentiles, \
        throughput, errors and memory. `--backend null` exercises the engine without TLS.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Load options (when no subcommand is given).
    #[command(flatten)]
    pub load: LoadArgs,
    /// Subcommand.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// The benchmark server alone (like `openssl s_server -www`, or `--echo`).
    Serve(ServeArgs),
    /// The same load at 1, 2, ... N threads: throughput and scaling efficiency per step.
    Scale(ScaleArgs),
    /// Raw AEAD seal throughput per backend, single core and across cores.
    Aead(crate::aead::AeadArgs),
    /// Print each backend's capability list.
    Caps {
        /// ring, rustcrypto, openssl or all.
        #[arg(long, default_value = "all")]
        backend: String,
    },
    /// Summarise a directory of result JSON files: Markdown table and SVG plots.
    Report(ReportArgs),
}

/// TLS parameters shared by the load and `serve`.
#[derive(Args, Debug, Clone, Default, Serialize)]
pub struct TlsArgs {
    /// Protocol version.
    #[arg(long = "tls", id = "tls_version", value_name = "VERSION", value_enum)]
    pub version: Option<TlsVersion>,
    /// Cipher suite (IANA name, e.g. TLS_AES_128_GCM_SHA256 or
    /// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256).
    #[arg(long)]
    pub suite: Option<String>,
    /// Key exchange group: x25519, secp256r1, secp384r1.
    #[arg(long)]
    pub group: Option<String>,
}

/// Options of a load (the default command; also used by `scale`).
#[derive(Args, Debug, Clone, Serialize)]
pub struct LoadArgs {
    /// ring, rustcrypto, openssl, all (each in turn, side by side), or null (the engine
    /// without TLS).
    #[arg(long, default_value = "ring")]
    pub backend: String,
    /// Connections in total, each a full handshake (default 1000 unless --duration).
    #[arg(long, conflicts_with = "duration")]
    pub conns: Option<u64>,
    /// Start connections for this many seconds instead of a count.
    #[arg(long)]
    pub duration: Option<f64>,
    /// Connections open at once, across all client threads.
    #[arg(long, default_value_t = 100)]
    pub concurrency: usize,
    /// Client worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// In-process server worker threads (default: all cores).
    #[arg(long)]
    pub server_threads: Option<usize>,
    /// TLS version, suite and group.
    #[command(flatten)]
    pub tls: TlsArgs,
    /// Type of the generated server certificate.
    #[arg(long, value_enum)]
    pub cert: Option<CertKind>,
    /// Session resumption: none, id or ticket.
    #[arg(long, value_enum)]
    pub resume: Option<ResumeMode>,
    /// Application data sent and echoed back per connection (e.g. 16k, 1M, 1G): bulk
    /// record-layer throughput.
    #[arg(long, default_value = "0", value_parser = parse_size)]
    pub bytes: u64,
    /// With --bytes: also run the same load with --backend null (no TLS) and measure the
    /// negotiated AEAD's single-core seal rate, and report each TLS result against both
    /// (`bulk.vs_null`, `bulk.vs_aead_ceiling` in the JSON).
    #[arg(long, requires = "bytes")]
    pub baseline: bool,
    /// After the handshake, send `GET / HTTP/1.0` and read the answer (for -www servers).
    #[arg(long, conflicts_with = "bytes")]
    pub http: bool,
    /// Keep each connection open this many seconds after its exchange (to hold
    /// --concurrency connections open, e.g. to measure memory per connection).
    #[arg(long, default_value_t = 0.0)]
    pub hold: f64,
    /// Give up on a connection after this many seconds (not counting --hold).
    #[arg(long, default_value_t = 30.0)]
    pub timeout: f64,
    /// Pin each worker thread to its own CPU: in-process server threads to CPUs 0, 1, …,
    /// client threads to the CPUs after them (wrapping around when there are more threads
    /// than CPUs), so a scaling sweep on a many-core machine keeps the two sides apart.
    #[arg(long)]
    pub pin_threads: bool,
    /// Verify every server certificate chain in full. By default the client remembers
    /// chains it verified (tlskit's verified-chain cache: exact chain and name, bounded,
    /// expiring with the certificates), so reconnects to the same server skip the chain's
    /// signature checks; the server's handshake signature is checked every time.
    #[arg(long)]
    pub no_verify_cache: bool,
    /// The client presents a certificate and the server requires one. In-process, both
    /// come from the generated CA; with --connect, give --client-cert and --client-key.
    #[arg(long)]
    pub client_auth: bool,
    /// With --connect --client-auth: the client's certificate chain (PEM), leaf first.
    #[arg(
        long,
        value_name = "CHAIN.pem",
        requires_all = ["client_key", "client_auth", "connect"]
    )]
    pub client_cert: Option<PathBuf>,
    /// With --connect --client-auth: the client's private key (PEM).
    #[arg(long, value_name = "KEY.pem", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
    /// Load an external server instead of the in-process one.
    #[arg(long, value_name = "HOST:PORT")]
    pub connect: Option<String>,
    /// Name for SNI and certificate verification (default: the --connect host, or
    /// localhost).
    #[arg(long)]
    pub server_name: Option<String>,
    /// Trust anchors (PEM) for --connect.
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// With --connect: the server's process id, to measure its CPU time from /proc.
    #[arg(long, value_name = "PID", requires = "connect")]
    pub server_pid: Option<u32>,
    /// Where to write the JSON results (default: `bench-results/tlsbench-<UTC time>.json`).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write no JSON file.
    #[arg(long, conflicts_with = "json")]
    pub no_json: bool,
    /// A label for this configuration in the JSON and the report (e.g. tls13-ecdsa-full).
    #[arg(long)]
    pub label: Option<String>,
    /// Print the first connection's handshake flow.
    #[arg(long)]
    pub trace: bool,
}

impl LoadArgs {
    /// The TLS options handed to the session factory.
    pub fn tls_options(&self) -> TlsOptions {
        TlsOptions {
            version: self.tls.version,
            suite: self.tls.suite.clone(),
            group: self.tls.group.clone(),
            cert_kind: self.cert,
            resume: self.resume,
            client_auth: self.client_auth,
            ca_file: self.ca.clone(),
            client_cert_file: self.client_cert.clone(),
            client_key_file: self.client_key.clone(),
            keylog_file: std::env::var_os("SSLKEYLOGFILE").map(PathBuf::from),
            verify_cache: !self.no_verify_cache,
            ..TlsOptions::default()
        }
    }
}

/// Options of `tlsbench serve`.
#[derive(Args, Debug, Clone, Serialize)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8443")]
    pub listen: String,
    /// Certificate chain (PEM), leaf first.
    #[arg(long, value_name = "CHAIN.pem")]
    pub cert: Option<PathBuf>,
    /// Private key (PEM).
    #[arg(long, value_name = "KEY.pem")]
    pub key: Option<PathBuf>,
    /// ring, rustcrypto, openssl, or null (no TLS).
    #[arg(long, default_value = "ring")]
    pub backend: String,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Require client certificates issued by these CAs (PEM).
    #[arg(long, value_name = "CA.pem")]
    pub client_ca: Option<PathBuf>,
    /// ALPN protocols, comma-separated, in preference order.
    #[arg(long, value_delimiter = ',')]
    pub alpn: Vec<String>,
    /// A DER OCSP response for the certificate, stapled for clients that ask
    /// (status_request).
    #[arg(long, value_name = "RESPONSE.der")]
    pub ocsp: Option<PathBuf>,
    /// TLS version, suite and group.
    #[command(flatten)]
    pub tls: TlsArgs,
    /// Echo application data back instead of answering HTTP.
    #[arg(long)]
    pub echo: bool,
    /// Close connections that take longer than this many seconds.
    #[arg(long, default_value_t = 60.0)]
    pub timeout: f64,
}

impl ServeArgs {
    /// The TLS options handed to the session factory.
    pub fn tls_options(&self) -> TlsOptions {
        TlsOptions {
            version: self.tls.version,
            suite: self.tls.suite.clone(),
            group: self.tls.group.clone(),
            cert_chain_file: self.cert.clone(),
            key_file: self.key.clone(),
            client_ca_file: self.client_ca.clone(),
            client_auth: self.client_ca.is_some(),
            alpn: self.alpn.clone(),
            keylog_file: std::env::var_os("SSLKEYLOGFILE").map(PathBuf::from),
            ocsp_file: self.ocsp.clone(),
            ..TlsOptions::default()
        }
    }
}

/// Which thread counts `scale` sweeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sweep {
    /// Client and server threads together.
    Both,
    /// Server threads only (clients keep all cores).
    Server,
    /// Client threads only (server keeps all cores).
    Client,
}

/// Options of `tlsbench scale`.
#[derive(Args, Debug, Clone, Serialize)]
pub struct ScaleArgs {
    /// The load run at each step (its --threads/--server-threads are set by the sweep).
    #[command(flatten)]
    pub load: LoadArgs,
    /// Thread counts to run, comma-separated (default: 1, 2, ... up to the cores; powers of
    /// two beyond 8).
    #[arg(long, value_delimiter = ',')]
    pub steps: Vec<usize>,
    /// Largest thread count when --steps is not given (default: all cores).
    #[arg(long)]
    pub max_threads: Option<usize>,
    /// Which side's threads to sweep.
    #[arg(long, value_enum, default_value_t = Sweep::Both)]
    pub sweep: Sweep,
}

/// Options of `tlsbench report`.
#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// Directory holding the JSON files (summary.md and *.svg are written there).
    pub dir: PathBuf,
}

/// Parses a byte count with an optional binary suffix: `4096`, `16k`, `1M`, `2G`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => s.split_at(i),
        None => (s, ""),
    };
    let n: u64 = digits.parse().map_err(|_| format!("invalid size {s:?}"))?;
    let mult: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("invalid size unit in {s:?} (use k, M or G)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("size {s:?} is too large"))
}

/// All cores available to this process.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("tlsbench").chain(args.iter().copied()))
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn the_readme_load_parses_with_defaults() {
        let cli = parse(&["--backend", "ring", "--conns", "10000"]).unwrap();
        assert!(cli.command.is_none());
        let l = cli.load;
        assert_eq!(
            (l.backend.as_str(), l.conns, l.concurrency, l.bytes),
            ("ring", Some(10000), 100, 0)
        );
        assert_eq!(
            (l.threads, l.server_threads, l.duration),
            (None, None, None)
        );
        assert_eq!(
            l.tls_options(),
            TlsOptions {
                keylog_file: l.tls_options().keylog_file,
                verify_cache: true,
                ..TlsOptions::default()
            }
        );
        let full = parse(&["--no-verify-cache"]).unwrap();
        assert!(!full.load.tls_options().verify_cache);
    }

    #[test]
    fn every_tls_option_reaches_the_factory_options() {
        let cli = parse(&[
            "--tls",
            "1.2",
            "--suite",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "--group",
            "secp256r1",
            "--cert",
            "rsa-2048",
            "--resume",
            "ticket",
            "--client-auth",
            "--connect",
            "example.test:443",
            "--ca",
            "ca.pem",
            "--server-pid",
            "42",
            "--bytes",
            "16k",
            "--threads",
            "3",
            "--server-threads",
            "2",
        ])
        .unwrap();
        let o = cli.load.tls_options();
        assert_eq!(o.version, Some(TlsVersion::Tls12));
        assert_eq!(
            o.suite.as_deref(),
            Some("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
        );
        assert_eq!(o.group.as_deref(), Some("secp256r1"));
        assert_eq!(o.cert_kind, Some(CertKind::Rsa2048));
        assert_eq!(o.resume, Some(ResumeMode::Ticket));
        assert!(o.client_auth);
        assert_eq!(o.ca_file, Some(PathBuf::from("ca.pem")));
        assert_eq!(cli.load.bytes, 16 * 1024);
        assert_eq!(cli.load.server_pid, Some(42));
        assert_eq!(
            (cli.load.threads, cli.load.server_threads),
            (Some(3), Some(2))
        );
    }

    #[test]
    fn conflicting_and_invalid_options_are_refused() {
        assert!(parse(&["--conns", "5", "--duration", "2"]).is_err());
        assert!(parse(&["--tls", "1.1"]).is_err());
        assert!(parse(&["--cert", "dsa"]).is_err());
        assert!(parse(&["--resume", "psk-ke"]).is_err());
        assert!(
            parse(&["--server-pid", "1"]).is_err(),
            "--server-pid needs --connect"
        );
        assert!(parse(&["--bytes", "12q"]).is_err());
        assert!(parse(&["--json", "x.json", "--no-json"]).is_err());
        let client_cert = |extra: &[&str]| {
            let mut a = vec!["--connect", "h:1", "--client-auth"];
            a.extend_from_slice(extra);
            parse(&a)
        };
        assert!(
            client_cert(&["--client-cert", "c.pem"]).is_err(),
            "needs --client-key"
        );
        assert!(
            client_cert(&["--client-key", "k.pem"]).is_err(),
            "needs --client-cert"
        );
        let ok = client_cert(&["--client-cert", "c.pem", "--client-key", "k.pem"]).unwrap();
        let o = ok.load.tls_options();
        assert_eq!(
            (o.client_cert_file, o.client_key_file),
            (Some("c.pem".into()), Some("k.pem".into()))
        );
        assert!(
            parse(&["--client-cert", "c.pem", "--client-key", "k.pem"]).is_err(),
            "a client certificate file is for --connect --client-auth"
        );
    }

    #[test]
    fn subcommands_parse() {
        let cli = parse(&[
            "serve",
            "--listen",
            "0.0.0.0:4433",
            "--cert",
            "c.pem",
            "--key",
            "k.pem",
            "--echo",
            "--alpn",
            "h2,http/1.1",
        ])
        .unwrap();
        let Some(Command::Serve(s)) = cli.command else {
            panic!("not serve")
        };
        assert!(s.echo);
        assert_eq!(s.alpn, vec!["h2".to_string(), "http/1.1".to_string()]);
        assert_eq!(s.tls_options().key_file, Some(PathBuf::from("k.pem")));

        let cli = parse(&[
            "scale",
            "--backend",
            "null",
            "--steps",
            "1,2,4",
            "--sweep",
            "server",
            "--conns",
            "50",
        ])
        .unwrap();
        let Some(Command::Scale(s)) = cli.command else {
            panic!("not scale")
        };
        assert_eq!(
            (s.steps, s.sweep, s.load.conns),
            (vec![1, 2, 4], Sweep::Server, Some(50))
        );

        assert!(matches!(
            parse(&["aead", "--backend", "ring"]).unwrap().command,
            Some(Command::Aead(_))
        ));
        assert!(matches!(
            parse(&["caps"]).unwrap().command,
            Some(Command::Caps { .. })
        ));
        assert!(matches!(
            parse(&["report", "bench-results/x"]).unwrap().command,
            Some(Command::Report(_))
        ));
        assert!(
            parse(&["--conns", "5", "serve"]).is_err(),
            "load options do not mix with subcommands"
        );
    }

    #[test]
    fn sizes_parse_with_binary_suffixes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("16k"), Ok(16384));
        assert_eq!(parse_size("1M"), Ok(1 << 20));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert!(parse_size("").is_err());
        assert!(parse_size("k").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }
}
