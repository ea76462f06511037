//! The GnuTLS command-line tools (`gnutls-serv`, `gnutls-cli`, Debian package gnutls-bin)
//! as test peers: child processes that are always killed on drop, with every wait bounded
//! by a deadline.
//!
//! `gnutls-serv` has no option to bind one address and does not print the port it got for
//! `--port=0`, so the port is read back from the kernel: the listening socket among the
//! child's file descriptors (`/proc/PID/fd`) is looked up in `/proc/net/tcp`. Ports are
//! therefore never fixed and never raced for.
//!
//! Needs the test crate to declare `mod common;` and `mod openssl_peer;` (for its
//! [`TempDir`](crate::openssl_peer::TempDir), echo server and matrix) next to
//! `mod gnutls_peer;`. [`fixture`] writes the rcgen test PKI as the PEM files GnuTLS reads.
#![allow(dead_code)]

pub mod fixture;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

pub use crate::openssl_peer::STEP_TIMEOUT;

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

/// Bytes a child wrote to one pipe, collected by a reader thread.
#[derive(Clone, Debug, Default)]
pub struct Pipe(Arc<Mutex<Vec<u8>>>);

impl Pipe {
    fn spawn_reader(mut pipe: impl Read + Send + 'static) -> (Self, JoinHandle<()>) {
        let cap = Pipe::default();
        let sink = cap.clone();
        let handle = thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match pipe.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => {
                        let mut v = sink.0.lock().unwrap_or_else(|e| e.into_inner());
                        v.extend_from_slice(buf.get(..n).unwrap_or_default());
                    }
                }
            }
        });
        (cap, handle)
    }

    /// Everything captured so far, lossily decoded.
    pub fn text(&self) -> String {
        let v = self.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&v).into_owned()
    }
}

/// A child process, killed and reaped on drop, with both output pipes captured (also
/// used by the tlslite-ng peer).
#[derive(Debug)]
pub struct Proc {
    pub what: String,
    pub child: Child,
    pub stdout: Pipe,
    pub stderr: Pipe,
    readers: Vec<JoinHandle<()>>,
}

impl Proc {
    /// Starts `bin args…` in `cwd` with `env` added to its environment.
    pub fn spawn_env(
        bin: &Path,
        args: &[String],
        env: &[(&str, &str)],
        cwd: &Path,
        stdin: Stdio,
    ) -> Self {
        let what = format!("{} {}", bin.display(), args.join(" "));
        let child = Command::new(bin)
            .args(args)
            .envs(env.iter().copied())
            .current_dir(cwd)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {what}: {e}"));
        Self::capture(what, child)
    }

    pub fn spawn(bin: &Path, args: &[String], cwd: &Path, stdin: Stdio) -> Self {
        Self::spawn_env(bin, args, &[], cwd, stdin)
    }

    fn capture(what: String, mut child: Child) -> Self {
        let (stdout, h1) = Pipe::spawn_reader(child.stdout.take().expect("piped stdout"));
        let (stderr, h2) = Pipe::spawn_reader(child.stderr.take().expect("piped stderr"));
        Proc {
            what,
            child,
            stdout,
            stderr,
            readers: vec![h1, h2],
        }
    }

    /// Waits for the exit, killing the process at the deadline (`None` then).
    pub fn wait_deadline(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    for h in self.readers.drain(..) {
                        let _ = h.join();
                    }
                    return Some(status);
                }
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    for h in self.readers.drain(..) {
                        let _ = h.join();
                    }
                    return None;
                }
            }
        }
    }

    pub fn diagnostics(&self) -> String {
        format!(
            "{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.what,
            self.stdout.text(),
            self.stderr.text()
        )
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        for h in self.readers.drain(..) {
            let _ = h.join();
        }
    }
}

/// The TCP port of the IPv4 socket that process `pid` listens on, from `/proc`.
pub fn listening_port(pid: u32) -> Option<u16> {
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .ok()?
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter_map(|target| {
            let t = target.to_str()?;
            Some(t.strip_prefix("socket:[")?.strip_suffix(']')?.to_string())
        })
        .collect();
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
    table.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (local, state, inode) = (f.get(1)?, f.get(3)?, f.get(9)?);
        if *state != "0A" || !inodes.iter().any(|i| i == inode) {
            return None;
        }
        let (_, port) = local.split_once(':')?;
        u16::from_str_radix(port, 16).ok()
    })
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
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            if let Some(port) = listening_port(proc.child.id()) {
                return GnutlsServer { proc, port };
            }
            if let Ok(Some(status)) = proc.child.try_wait() {
                let _ = proc.wait_deadline(Duration::from_secs(1));
                panic!("gnutls-serv exited ({status}):\n{}", proc.diagnostics());
            }
            if Instant::now() >= deadline {
                panic!(
                    "gnutls-serv did not listen in time:\n{}",
                    proc.diagnostics()
                );
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// What gnutls-serv printed so far (its stdout is block-buffered: mostly stderr).
    pub fn diagnostics(&self) -> String {
        self.proc.diagnostics()
    }
}

/// The result of one `gnutls-cli` run.
#[derive(Debug)]
pub struct CliRun {
    /// `None` if it had to be killed at the deadline.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    pub command: String,
}

impl CliRun {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    pub fn report(&self) -> String {
        format!(
            "{}\nstatus: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command, self.status, self.stdout, self.stderr
        )
    }

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

    /// Both output streams together (alerts and errors go to either).
    pub fn all_output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
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
    let mut stdin = proc.child.stdin.take().expect("piped stdin");
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
    CliRun {
        status,
        stdout: proc.stdout.text(),
        stderr: proc.stderr.text(),
        command: proc.what.clone(),
    }
}
