//! The GnuTLS command-line tools (`gnutls-serv`, `gnutls-cli`, Debian package gnutls-bin)
//! as test peers: child processes that are always killed on drop, with every wait bounded
//! by a deadline.
//!
//! `gnutls-serv` has no option to bind one address and does not print the port it got for
//! `--port=0`, so the port is read back from the kernel: the listening socket among the
//! child's file descriptors (`/proc/PID/fd`) is looked up in `/proc/net/tcp`. Ports are
//! therefore never fixed and never raced for.
//!
//! A thin layer over [`crate::peer`] (processes, PKI files, the echo server, the matrix):
//! needs the test crate to declare `mod common;` and `mod peer;` next to
//! `mod gnutls_peer;`. [`fixture`] writes the rcgen test PKI as the PEM files GnuTLS reads.
#![allow(dead_code, unused_imports)]

pub mod fixture;

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

pub use crate::peer::process::{listening_port, Proc, ProcRun, ToolRun};
pub use crate::peer::STEP_TIMEOUT;

/// Finds a GnuTLS tool (`env` overrides the `PATH` lookup of `name`) and checks it runs.
///
/// Panics with an explanation when it cannot be run: the interop tests must fail, not
/// pass silently, on a machine without GnuTLS (CI installs gnutls-bin).
fn tool(name: &str, env: &str) -> PathBuf {
    let bin = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(name));
    let out = Command::new(&bin)
        .arg("--version")
        .stdin(Stdio::null())
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            let version = text.lines().next().unwrap_or("").trim().to_string();
            assert!(
                version.contains(" 3."),
                "the GnuTLS interop tests need GnuTLS 3.x; {bin:?} says {version:?}"
            );
            eprintln!("interop peer: {version}");
            bin
        }
        Ok(o) => panic!(
            "`{} --version` failed ({}): the GnuTLS interop tests need a working `{name}` \
             (install the gnutls-bin package; set {env} to use another path)",
            bin.display(),
            o.status
        ),
        Err(e) => panic!(
            "cannot run `{}` ({e}): the GnuTLS interop tests need `{name}` on PATH (install \
             the gnutls-bin package, as CI does, e.g. with scripts/setup.sh; set {env} to use \
             another path)",
            bin.display()
        ),
    }
}

/// The `gnutls-cli` binary (`TLSKIT_GNUTLS_CLI` overrides).
pub fn gnutls_cli_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| tool("gnutls-cli", "TLSKIT_GNUTLS_CLI"))
}

/// The `gnutls-serv` binary (`TLSKIT_GNUTLS_SERV` overrides).
pub fn gnutls_serv_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| tool("gnutls-serv", "TLSKIT_GNUTLS_SERV"))
}

/// A running `gnutls-serv` (listening on every IPv4 address, reached on 127.0.0.1).
#[derive(Debug)]
pub struct GnutlsServer {
    proc: Proc,
    pub port: u16,
}

impl GnutlsServer {
    /// Starts `gnutls-serv --port=0 <args>` in `cwd` and waits until it listens.
    pub fn start(args: &[String], cwd: &Path) -> Self {
        let mut all = vec!["--port=0".to_string()];
        all.extend_from_slice(args);
        let mut proc = Proc::spawn(gnutls_serv_bin(), &all, cwd, Stdio::null());
        let port = proc.wait_listening("gnutls-serv", listening_port);
        GnutlsServer { proc, port }
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// What gnutls-serv printed so far (its stdout is block-buffered: mostly stderr).
    pub fn diagnostics(&self) -> String {
        self.proc.diagnostics()
    }
}

/// `gnutls-cli`, as a [`ToolRun`] marker.
#[derive(Debug)]
pub enum GnutlsCli {}

/// The result of one `gnutls-cli` run.
pub type CliRun = ToolRun<GnutlsCli>;

impl CliRun {
    /// The `- Description: …` lines, one per handshake, e.g.
    /// `(TLS1.3-X.509)-(ECDHE-X25519)-(ECDSA-SECP256R1-SHA256)-(AES-256-GCM)`.
    pub fn descriptions(&self) -> Vec<String> {
        self.stdout
            .lines()
            .filter_map(|l| l.strip_prefix("- Description: "))
            .map(|s| s.trim().to_string())
            .collect()
    }

    /// Whether gnutls-cli reported a resumed session.
    pub fn resumed(&self) -> bool {
        self.stdout.contains("*** This is a resumed session")
    }

    /// The ALPN protocol gnutls-cli reports.
    pub fn alpn(&self) -> Option<String> {
        self.stdout
            .lines()
            .find_map(|l| l.strip_prefix("- Application protocol: "))
            .map(|s| s.trim().to_string())
    }
}

/// Runs `gnutls-cli <args>` in `cwd`, typing `input` on its stdin. With `until`, stdin
/// stays open until stdout shows that text (gnutls-cli ends the connection at the end of
/// its input); the whole run is bounded by `timeout` (killed at the deadline).
pub fn gnutls_cli(
    args: &[String],
    input: &[u8],
    until: Option<&str>,
    cwd: &Path,
    timeout: Duration,
) -> CliRun {
    let deadline = Instant::now() + timeout;
    let mut proc = Proc::spawn(gnutls_cli_bin(), args, cwd, Stdio::piped());
    let mut stdin = proc.take_stdin().expect("piped stdin");
    let _ = stdin.write_all(input).and_then(|()| stdin.flush());
    if let Some(needle) = until {
        while !proc.stdout.text().contains(needle)
            && matches!(proc.child.try_wait(), Ok(None))
            && Instant::now() < deadline
        {
            thread::sleep(Duration::from_millis(5));
        }
    }
    drop(stdin);
    let status = proc.wait_deadline(deadline.saturating_duration_since(Instant::now()));
    CliRun::new(proc.run(status))
}
