//! The system `openssl` binary as a test peer: `s_server` and `s_client` child processes
//! that are always killed on drop, with every wait bounded by a deadline, plus a tlskit
//! echo server on a background thread for `s_client` to talk to.
//!
//! Ports are never fixed: `s_server` is started with `-accept 127.0.0.1:0` and its
//! `ACCEPT 127.0.0.1:PORT` line is read back; the tlskit server binds port 0 itself.
//!
//! Both s_server and s_client can also be driven interactively (stdin kept open, output
//! awaited line by line) for the commands they read from stdin, such as TLS 1.3 KeyUpdate
//! (`K` / `k`). [`fixture`] writes the rcgen test PKI as PEM files for them.
//!
//! A thin layer over [`crate::peer`] (processes, PKI files, the echo server, the matrix):
//! needs the test crate to declare `mod common;` and `mod peer;` next to
//! `mod openssl_peer;`.
#![allow(dead_code, unused_imports)]

pub mod fixture;

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

pub use crate::peer::matrix::{Cell, Matrix};
pub use crate::peer::process::{Captured, Proc, ProcRun, TempDir, ToolRun};
pub use crate::peer::tlskit_server::{ConnReport, EchoServer};
pub use crate::peer::STEP_TIMEOUT;

/// The `openssl` binary to drive (`TLSKIT_OPENSSL` overrides the `PATH` lookup).
///
/// Panics with an explanation when it cannot be run: the interop tests must fail, not
/// pass silently, on a machine without OpenSSL (CI installs it).
pub fn openssl() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let bin = std::env::var_os("TLSKIT_OPENSSL")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("openssl"));
        let out = Command::new(&bin)
            .arg("version")
            .stdin(Stdio::null())
            .output();
        match out {
            Ok(o) if o.status.success() => {
                let version = String::from_utf8_lossy(&o.stdout);
                let version = version.trim();
                assert!(
                    version.starts_with("OpenSSL 3."),
                    "the interop tests need the OpenSSL 3 command-line tool; {bin:?} is {version:?}"
                );
                eprintln!("interop peer: {version}");
                bin
            }
            Ok(o) => panic!(
                "`{} version` failed ({}): the OpenSSL interop tests need a working `openssl` \
                 binary (install the openssl package; set TLSKIT_OPENSSL to use another path)",
                bin.display(),
                o.status
            ),
            Err(e) => panic!(
                "cannot run `{}` ({e}): the OpenSSL interop tests need the `openssl` command-line \
                 tool on PATH (install the openssl package, as CI does; set TLSKIT_OPENSSL to \
                 use another path)",
                bin.display()
            ),
        }
    })
}

/// Spawns `openssl args…` in `cwd` with piped stdout/stderr and the given stdin.
fn spawn(args: &[String], cwd: &Path, stdin: Stdio) -> Proc {
    let what = format!("openssl {}", args.join(" "));
    Proc::spawn_named(what, openssl(), args, &[], cwd, stdin)
}

/// A running `openssl s_server` on 127.0.0.1 with an ephemeral port.
#[derive(Debug)]
pub struct SServer {
    child: Proc,
    /// Kept open for an interactive server (see [`SServer::start_interactive`]).
    stdin: Option<ChildStdin>,
    pub port: u16,
}

impl SServer {
    /// Starts `openssl s_server -accept 127.0.0.1:0 <args>` in `cwd` and waits for its
    /// `ACCEPT` line.
    pub fn start(args: &[&str], cwd: &Path) -> Self {
        Self::spawn(args, cwd, false)
    }

    /// As [`SServer::start`], with stdin kept open for [`SServer::send_stdin`]: in its
    /// plain mode (no `-www`/`-rev`) s_server sends stdin lines to the client and obeys
    /// commands such as `K` (KeyUpdate, update_requested) and `k` (update_not_requested).
    pub fn start_interactive(args: &[&str], cwd: &Path) -> Self {
        Self::spawn(args, cwd, true)
    }

    fn spawn(args: &[&str], cwd: &Path, interactive: bool) -> Self {
        let mut all: Vec<String> = vec!["s_server".into(), "-accept".into(), "127.0.0.1:0".into()];
        all.extend(args.iter().map(|s| s.to_string()));
        let stdin = if interactive {
            Stdio::piped()
        } else {
            Stdio::null()
        };
        let mut child = spawn(&all, cwd, stdin);
        let stdin = child.take_stdin();
        let port = child.stdout.wait_for(STEP_TIMEOUT, |text| {
            text.lines()
                .find_map(|l| l.strip_prefix("ACCEPT 127.0.0.1:"))
                .and_then(|p| p.trim().parse::<u16>().ok())
        });
        match port {
            Some(port) => SServer { child, stdin, port },
            None => panic!("s_server did not start:\n{}", child.diagnostics()),
        }
    }

    /// Writes `bytes` to an interactive s_server's stdin.
    pub fn send_stdin(&mut self, bytes: &[u8]) -> Result<(), String> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or("s_server was not started interactively")?;
        stdin
            .write_all(bytes)
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("write to s_server stdin: {e}"))
    }

    /// s_server's standard output so far, to wait on (its `-msg` log goes there too).
    pub fn stdout(&self) -> &Captured {
        &self.child.stdout
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// What s_server printed so far (for failure messages).
    pub fn diagnostics(&self) -> String {
        self.child.diagnostics()
    }
}

/// `openssl s_client`, as a [`ToolRun`] marker.
#[derive(Debug)]
pub enum SClient {}

/// The result of one `openssl s_client` run.
pub type ClientRun = ToolRun<SClient>;

impl ClientRun {
    /// The lines `New, TLSv1.2, Cipher is X` / `Reused, TLSv1.2, Cipher is X` in order.
    pub fn sessions(&self) -> Vec<(bool, String)> {
        self.stdout
            .lines()
            .filter_map(|l| {
                let (reused, rest) = if let Some(r) = l.strip_prefix("Reused, ") {
                    (true, r)
                } else {
                    (false, l.strip_prefix("New, ")?)
                };
                let cipher = rest.split("Cipher is ").nth(1)?;
                Some((reused, cipher.trim().to_string()))
            })
            .collect()
    }
}

/// Runs `openssl s_client <args>` in `cwd`, feeding it `input` on stdin, bounded by
/// `timeout` (killed at the deadline).
pub fn s_client(args: &[&str], input: &[u8], cwd: &Path, timeout: Duration) -> ClientRun {
    let mut all: Vec<String> = vec!["s_client".into()];
    all.extend(args.iter().map(|s| s.to_string()));
    let mut child = spawn(&all, cwd, Stdio::piped());
    let stdin = child.take_stdin().expect("piped stdin");
    let input = input.to_vec();
    // A writer thread: a large input must not block us if s_client stops reading.
    let writer = thread::spawn(move || {
        let mut stdin = stdin;
        let _ = stdin.write_all(&input);
        // Dropping stdin closes it; s_client runs with -ign_eof where it must keep going.
    });
    let status = child.wait_deadline(timeout);
    let _ = writer.join();
    ClientRun::new(child.run(status))
}

/// An `openssl s_client` driven line by line: stdin stays open (without `-ign_eof`,
/// s_client would quit at its end), so commands such as `K` (KeyUpdate) can be typed
/// between awaited answers. Killed on drop.
#[derive(Debug)]
pub struct InteractiveClient {
    child: Proc,
    stdin: Option<ChildStdin>,
}

impl InteractiveClient {
    /// Starts `openssl s_client <args>` in `cwd`.
    pub fn start(args: &[&str], cwd: &Path) -> Self {
        let mut all: Vec<String> = vec!["s_client".into()];
        all.extend(args.iter().map(|s| s.to_string()));
        let mut child = spawn(&all, cwd, Stdio::piped());
        let stdin = child.take_stdin();
        InteractiveClient { child, stdin }
    }

    /// Types `bytes` on s_client's stdin.
    pub fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        let stdin = self.stdin.as_mut().ok_or("s_client stdin already closed")?;
        stdin
            .write_all(bytes)
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("write to s_client stdin: {e}\n{}", self.child.diagnostics()))
    }

    /// Waits (at most [`STEP_TIMEOUT`]) until stdout contains `needle` after byte offset
    /// `from`; returns the offset just past it.
    pub fn wait_stdout(&self, from: usize, needle: &str) -> Result<usize, String> {
        self.child
            .stdout
            .wait_for(STEP_TIMEOUT, |text| {
                text.get(from..)
                    .and_then(|t| t.find(needle))
                    .map(|i| from + i + needle.len())
            })
            .ok_or_else(|| {
                format!(
                    "s_client did not print {needle:?} in time\n{}",
                    self.child.diagnostics()
                )
            })
    }

    /// Waits (at most [`STEP_TIMEOUT`]) until stderr contains `needle` after byte offset
    /// `from`; returns the offset just past it.
    pub fn wait_stderr(&self, from: usize, needle: &str) -> Result<usize, String> {
        self.child
            .stderr
            .wait_for(STEP_TIMEOUT, |text| {
                text.get(from..)
                    .and_then(|t| t.find(needle))
                    .map(|i| from + i + needle.len())
            })
            .ok_or_else(|| {
                format!(
                    "s_client did not report {needle:?} in time\n{}",
                    self.child.diagnostics()
                )
            })
    }

    /// Standard output so far.
    pub fn stdout(&self) -> String {
        self.child.stdout.text()
    }

    /// Closes stdin and waits for the exit (killed after `timeout`).
    pub fn finish(mut self, timeout: Duration) -> ClientRun {
        drop(self.stdin.take());
        let status = self.child.wait_deadline(timeout);
        ClientRun::new(self.child.run(status))
    }
}
