//! Go's crypto/tls as a test peer: `peer.go` (standard library only) built once per test
//! binary with the system `go` (Debian's golang-go, Go 1.19) into
//! `$CARGO_TARGET_TMPDIR/go-peer/`, offline (`GO111MODULE=off`, `GOCACHE`/`GOPATH` under
//! that directory, so a read-only HOME works), then run as a server ([`GoServer`], one
//! process for many connections) or a client ([`go_client`]). Every child is killed on
//! drop and every wait is bounded (see [`crate::peer::process`]).
//!
//! Both modes print one line per connection, `conn I ok k=v …` or `conn I error: …`,
//! parsed into [`GoConn`]. Without `go` on PATH (`TLSKIT_GO` overrides) the tests FAIL:
//! CI installs golang-go (scripts/setup.sh).
//!
//! Needs the test crate to declare `mod common;` and `mod peer;` next to `mod go_peer;`.
#![allow(dead_code)]

use crate::peer::process::{path_arg, Proc, ToolRun};
use crate::peer::STEP_TIMEOUT;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

/// The source of the peer, checked in beside this file.
const SOURCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/go_peer/peer.go");

/// The `go` tool (`TLSKIT_GO` overrides the PATH lookup), checked to run.
///
/// Panics with an explanation when it cannot be run: the interop tests must fail, not
/// pass silently, on a machine without Go (CI installs golang-go).
fn go_tool() -> PathBuf {
    let bin = std::env::var_os("TLSKIT_GO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("go"));
    match Command::new(&bin)
        .arg("version")
        .stdin(Stdio::null())
        .output()
    {
        Ok(o) if o.status.success() => {
            let version = String::from_utf8_lossy(&o.stdout).trim().to_string();
            assert!(
                version.starts_with("go version go1."),
                "the Go interop tests need Go 1.x; {bin:?} says {version:?}"
            );
            eprintln!("interop peer: {version}");
            bin
        }
        Ok(o) => panic!(
            "`{} version` failed ({}): the Go interop tests need a working `go` (install \
             the golang-go package; set TLSKIT_GO to use another path)",
            bin.display(),
            o.status
        ),
        Err(e) => panic!(
            "cannot run `{}` ({e}): the Go interop tests need `go` on PATH (install the \
             golang-go package, as CI does, e.g. with scripts/setup.sh; set TLSKIT_GO to \
             use another path)",
            bin.display()
        ),
    }
}

/// The built peer binary (built on first use, once per test binary).
pub fn peer_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(build_peer)
}

fn build_peer() -> PathBuf {
    let go = go_tool();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-peer");
    std::fs::create_dir_all(&dir).expect("create the go-peer directory");
    // Built under a private name, then renamed: concurrent test binaries never see a
    // half-written file.
    let staging = dir.join(format!("peer.{}", std::process::id()));
    let bin = dir.join("peer");
    let cache = dir.join("cache");
    let gopath = dir.join("gopath");
    let mut build = Proc::spawn_named(
        "go build peer.go".into(),
        &go,
        &[
            "build".into(),
            "-o".into(),
            path_arg(&staging),
            SOURCE.into(),
        ],
        &[
            ("GO111MODULE", "off"),
            ("GOFLAGS", ""),
            ("GOTOOLCHAIN", "local"),
            ("CGO_ENABLED", "0"),
            ("GOCACHE", &path_arg(&cache)),
            ("GOPATH", &path_arg(&gopath)),
        ],
        &dir,
        Stdio::null(),
    );
    let status = build.wait_deadline(Duration::from_secs(120));
    let run = build.run(status);
    assert!(
        run.success(),
        "building the Go peer failed:\n{}",
        run.report()
    );
    std::fs::rename(&staging, &bin).expect("move the Go peer in place");
    bin
}

/// One connection as the Go side saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoConn {
    /// `TLSv1.2` / `TLSv1.3`.
    pub version: String,
    /// The cipher suite's code.
    pub suite: u16,
    pub suite_name: String,
    /// `ConnectionState().DidResume`.
    pub resumed: bool,
    pub alpn: Option<String>,
    /// `ExportKeyingMaterial(label, nil, 32)`, or Go's error.
    pub ekm: Result<Vec<u8>, String>,
    /// The stapled OCSP response the Go client received.
    pub ocsp: Option<Vec<u8>>,
    /// How many certificates the peer presented.
    pub peer_certs: usize,
}

impl GoConn {
    /// Parses the `k=v …` summary the peer prints.
    pub fn parse(summary: &str) -> Result<GoConn, String> {
        let mut c = GoConn {
            version: String::new(),
            suite: 0,
            suite_name: String::new(),
            resumed: false,
            alpn: None,
            ekm: Err("no ekm".into()),
            ocsp: None,
            peer_certs: 0,
        };
        for field in summary.split_whitespace() {
            let (k, v) = field
                .split_once('=')
                .ok_or_else(|| format!("bad field {field:?} in {summary:?}"))?;
            let bad = |e: String| format!("{k}={v}: {e}");
            match k {
                "version" => c.version = v.to_string(),
                "suite" => c.suite = u16::from_str_radix(v, 16).map_err(|e| bad(e.to_string()))?,
                "suite_name" => c.suite_name = v.to_string(),
                "resumed" => c.resumed = v == "true",
                "alpn" => c.alpn = (v != "-").then(|| v.to_string()),
                "ekm" => {
                    c.ekm = match v.strip_prefix("error:") {
                        Some(e) => Err(e.replace('_', " ")),
                        None => Ok(unhex(v).map_err(bad)?),
                    }
                }
                "ocsp" => c.ocsp = (v != "-").then(|| unhex(v)).transpose().map_err(bad)?,
                "peercerts" => c.peer_certs = v.parse().map_err(|_| bad("not a number".into()))?,
                _ => {}
            }
        }
        Ok(c)
    }

    /// `TLSv1.3 TLS_AES_128_GCM_SHA256[ resumed][ alpn=h2]`.
    pub fn describe(&self) -> String {
        let mut s = format!("Go: {} {}", self.version, self.suite_name);
        if self.resumed {
            s.push_str(" resumed");
        }
        if let Some(a) = &self.alpn {
            s.push_str(&format!(" alpn={a}"));
        }
        s
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Decodes lower- or upper-case hex.
pub fn unhex(s: &str) -> Result<Vec<u8>, String> {
    if s.len() % 2 != 0 {
        return Err("odd hex length".into());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad hex at {i}"))
        })
        .collect()
}

/// The line of connection `i` in `text` (`conn I ok …` / `conn I error: …`), parsed.
fn conn_line(text: &str, i: usize) -> Option<Result<GoConn, String>> {
    let prefix = format!("conn {i} ");
    let line = text.lines().find_map(|l| l.strip_prefix(&prefix))?;
    Some(match line.strip_prefix("ok ") {
        Some(summary) => GoConn::parse(summary),
        None => Err(line.to_string()),
    })
}

/// A running `peer server` on 127.0.0.1.
#[derive(Debug)]
pub struct GoServer {
    proc: Proc,
    pub port: u16,
    /// Connections made so far: the index the next one gets on the Go side.
    next: AtomicUsize,
}

impl GoServer {
    /// Starts `peer server <args>` in `cwd` and waits until it listens.
    pub fn start(args: &[String], cwd: &Path) -> Self {
        let mut all = vec!["server".to_string()];
        all.extend_from_slice(args);
        let proc = Proc::spawn_named(
            format!("go peer server {}", args.join(" ")),
            peer_bin(),
            &all,
            &[],
            cwd,
            Stdio::null(),
        );
        let port = proc.stdout.wait_for(STEP_TIMEOUT, |t| {
            t.lines()
                .find_map(|l| l.strip_prefix("listening "))
                .and_then(|p| p.trim().parse().ok())
        });
        let Some(port) = port else {
            panic!("the Go server did not listen:\n{}", proc.diagnostics());
        };
        GoServer {
            proc,
            port,
            next: AtomicUsize::new(0),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Claims the Go-side index of the connection about to be made (one per TCP
    /// connection, in order: connections to one server must be made one at a time).
    pub fn next_conn(&self) -> usize {
        self.next.fetch_add(1, Ordering::SeqCst)
    }

    /// What the Go server says of connection `i`, waiting at most [`STEP_TIMEOUT`].
    pub fn conn(&self, i: usize) -> Result<GoConn, String> {
        self.proc
            .stdout
            .wait_for(STEP_TIMEOUT, |t| conn_line(t, i))
            .unwrap_or_else(|| Err(format!("no line for connection {i}")))
            .map_err(|e| format!("Go server, connection {i}: {e}"))
    }

    pub fn diagnostics(&self) -> String {
        self.proc.diagnostics()
    }
}

/// `peer client`, as a [`ToolRun`] marker.
#[derive(Debug)]
pub enum GoClient {}

/// The result of one `peer client` run.
pub type ClientRun = ToolRun<GoClient>;

impl ClientRun {
    /// Connection `i` as the Go client saw it (its error line otherwise).
    pub fn conn(&self, i: usize) -> Result<GoConn, String> {
        conn_line(&self.stdout, i)
            .unwrap_or_else(|| Err(format!("no line for connection {i}")))
            .map_err(|e| format!("Go client, connection {i}: {e}\n{}", self.report()))
    }
}

/// Runs `peer client -addr <addr> <args>` in `cwd`, bounded by `timeout`.
pub fn go_client(addr: SocketAddr, args: &[String], cwd: &Path, timeout: Duration) -> ClientRun {
    let mut all = vec!["client".to_string(), "-addr".into(), addr.to_string()];
    all.extend_from_slice(args);
    let what = format!("go peer client {}", all.join(" "));
    let mut proc = Proc::spawn_named(what, peer_bin(), &all, &[], cwd, Stdio::null());
    let status = proc.wait_deadline(timeout);
    ClientRun::new(proc.run(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lines_parse() {
        let text =
            "listening 1\nconn 0 ok version=TLSv1.3 suite=1301 suite_name=TLS_AES_128_GCM_SHA256 \
                    resumed=true alpn=h2 ekm=0aff ocsp=- peercerts=2\nconn 1 error: remote error\n";
        let c = conn_line(text, 0).expect("line").expect("ok");
        assert_eq!(c.suite, 0x1301);
        assert!(c.resumed);
        assert_eq!(c.alpn.as_deref(), Some("h2"));
        assert_eq!(c.ekm, Ok(vec![0x0a, 0xff]));
        assert_eq!(c.ocsp, None);
        assert_eq!(c.peer_certs, 2);
        assert_eq!(conn_line(text, 1), Some(Err("error: remote error".into())));
        assert_eq!(conn_line(text, 2), None);
        assert!(unhex("abc").is_err());
        assert_eq!(hex(&[1, 0xab]), "01ab");
    }
}
