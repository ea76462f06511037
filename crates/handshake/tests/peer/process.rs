//! Child processes for the interop peers: killed and reaped on drop, every wait bounded by
//! a deadline, both output pipes captured by reader threads; plus a private temporary
//! directory and the `/proc` lookup of the port a child listens on.

use super::STEP_TIMEOUT;
use std::io::Read;
use std::marker::PhantomData;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// A private temporary directory, removed on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "tlskit-interop-{tag}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `contents` to `name` inside the directory and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, contents).expect("write temp file");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A path as a command-line argument.
pub fn path_arg(p: &Path) -> String {
    p.to_str().expect("utf-8 temp path").to_string()
}

/// Bytes a child process wrote to one of its pipes, collected by a reader thread.
#[derive(Clone, Debug, Default)]
pub struct Captured(Arc<(Mutex<CaptureState>, Condvar)>);

#[derive(Debug, Default)]
struct CaptureState {
    bytes: Vec<u8>,
    closed: bool,
}

impl Captured {
    fn spawn_reader(mut pipe: impl Read + Send + 'static) -> (Self, JoinHandle<()>) {
        let cap = Captured::default();
        let sink = cap.clone();
        let handle = thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let n = pipe.read(&mut buf).unwrap_or(0);
                let (lock, cv) = &*sink.0;
                let mut st = lock.lock().unwrap_or_else(|e| e.into_inner());
                if n == 0 {
                    st.closed = true;
                    cv.notify_all();
                    return;
                }
                st.bytes.extend_from_slice(buf.get(..n).unwrap_or_default());
                cv.notify_all();
            }
        });
        (cap, handle)
    }

    /// Everything captured so far, lossily decoded.
    pub fn text(&self) -> String {
        let st = self.0 .0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&st.bytes).into_owned()
    }

    /// Waits until `find` returns `Some` on the captured text, the pipe closes, or the
    /// deadline passes.
    pub fn wait_for<T>(&self, timeout: Duration, find: impl Fn(&str) -> Option<T>) -> Option<T> {
        let deadline = Instant::now() + timeout;
        let (lock, cv) = &*self.0;
        let mut st = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(t) = find(&String::from_utf8_lossy(&st.bytes)) {
                return Some(t);
            }
            let now = Instant::now();
            if st.closed || now >= deadline {
                return None;
            }
            st = cv
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// A child process, killed and reaped on drop, with both output pipes captured.
#[derive(Debug)]
pub struct Proc {
    pub what: String,
    pub child: Child,
    pub stdout: Captured,
    pub stderr: Captured,
    readers: Vec<JoinHandle<()>>,
}

impl Proc {
    /// Starts `bin args…` in `cwd` with `env` added to its environment; `what` names it
    /// in diagnostics.
    pub fn spawn_named(
        what: String,
        bin: &Path,
        args: &[String],
        env: &[(&str, &str)],
        cwd: &Path,
        stdin: Stdio,
    ) -> Self {
        let mut child = Command::new(bin)
            .args(args)
            .envs(env.iter().copied())
            .current_dir(cwd)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {what}: {e}"));
        let (stdout, h1) = Captured::spawn_reader(child.stdout.take().expect("piped stdout"));
        let (stderr, h2) = Captured::spawn_reader(child.stderr.take().expect("piped stderr"));
        Proc {
            what,
            child,
            stdout,
            stderr,
            readers: vec![h1, h2],
        }
    }

    /// Starts `bin args…` in `cwd` with `env` added to its environment.
    pub fn spawn_env(
        bin: &Path,
        args: &[String],
        env: &[(&str, &str)],
        cwd: &Path,
        stdin: Stdio,
    ) -> Self {
        let what = format!("{} {}", bin.display(), args.join(" "));
        Self::spawn_named(what, bin, args, env, cwd, stdin)
    }

    pub fn spawn(bin: &Path, args: &[String], cwd: &Path, stdin: Stdio) -> Self {
        Self::spawn_env(bin, args, &[], cwd, stdin)
    }

    /// The child's stdin, when it was started with a piped one (taken once).
    pub fn take_stdin(&mut self) -> Option<ChildStdin> {
        self.child.stdin.take()
    }

    /// Waits for the exit, killing the process at the deadline (`None` then).
    pub fn wait_deadline(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    // The pipes close when the process exits; collect the rest.
                    self.join_readers();
                    return Some(status);
                }
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    self.join_readers();
                    return None;
                }
            }
        }
    }

    /// Waits until `port_of` finds the port the child listens on, panicking (with the
    /// child's output) when it exits first or [`STEP_TIMEOUT`] passes. `name` names the
    /// server in the panic message.
    pub fn wait_listening(&mut self, name: &str, port_of: impl Fn(u32) -> Option<u16>) -> u16 {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            if let Some(port) = port_of(self.child.id()) {
                return port;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                let _ = self.wait_deadline(Duration::from_secs(1));
                panic!("{name} exited ({status}):\n{}", self.diagnostics());
            }
            if Instant::now() >= deadline {
                panic!("{name} did not listen in time:\n{}", self.diagnostics());
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Closes stdin (if still held), waits for the exit bounded by `timeout` and
    /// returns what the process printed.
    pub fn finish(mut self, timeout: Duration) -> ProcRun {
        drop(self.child.stdin.take());
        let status = self.wait_deadline(timeout);
        self.run(status)
    }

    /// The outcome of a run that ended with `status`.
    pub fn run(&self, status: Option<ExitStatus>) -> ProcRun {
        ProcRun {
            status,
            stdout: self.stdout.text(),
            stderr: self.stderr.text(),
            command: self.what.clone(),
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

    fn join_readers(&mut self) {
        for h in self.readers.drain(..) {
            let _ = h.join();
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        self.join_readers();
    }
}

/// The result of one client-tool run (`s_client`, `gnutls-cli`, `tls.py client`).
#[derive(Debug)]
pub struct ProcRun {
    /// `None` if it had to be killed at the deadline.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    pub command: String,
}

impl ProcRun {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    pub fn report(&self) -> String {
        format!(
            "{}\nstatus: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command, self.status, self.stdout, self.stderr
        )
    }

    /// Both output streams together (alerts and errors go to either).
    pub fn all_output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// One finished run of client tool `T` (a marker type of its peer layer, which reads the
/// tool's output in an `impl ToolRun<T>`); derefs to the [`ProcRun`].
#[derive(Debug)]
pub struct ToolRun<T>(pub ProcRun, PhantomData<T>);

impl<T> ToolRun<T> {
    pub fn new(run: ProcRun) -> Self {
        ToolRun(run, PhantomData)
    }
}

impl<T> Deref for ToolRun<T> {
    type Target = ProcRun;
    fn deref(&self) -> &ProcRun {
        &self.0
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
