//! Operating-system measurements and socket set-up: per-thread CPU time (getrusage with
//! RUSAGE_THREAD), the open-file limit, resident memory, another process's CPU time, and
//! listening sockets with a deep accept queue. All through `nix`'s safe wrappers.

use std::net::{SocketAddr, TcpListener};
use std::os::fd::AsFd;
use std::time::Duration;

use nix::sys::resource::{getrlimit, getrusage, setrlimit, Resource, UsageWho};
use nix::sys::socket::{
    self, sockopt, AddressFamily, Backlog, SockFlag, SockType, SockaddrStorage,
};
use serde::{Deserialize, Serialize};

/// User and system CPU time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct CpuTime {
    /// Seconds in user mode.
    pub user_s: f64,
    /// Seconds in the kernel (socket work on loopback lands here).
    pub sys_s: f64,
}

impl CpuTime {
    /// User plus system seconds.
    pub fn total_s(&self) -> f64 {
        self.user_s + self.sys_s
    }

    /// Component-wise sum.
    pub fn add(&mut self, other: CpuTime) {
        self.user_s += other.user_s;
        self.sys_s += other.sys_s;
    }

    /// Component-wise difference `self - earlier`, clamped at zero.
    pub fn since(&self, earlier: CpuTime) -> CpuTime {
        CpuTime {
            user_s: (self.user_s - earlier.user_s).max(0.0),
            sys_s: (self.sys_s - earlier.sys_s).max(0.0),
        }
    }
}

fn timeval_s(tv: nix::sys::time::TimeVal) -> f64 {
    tv.tv_sec() as f64 + tv.tv_usec() as f64 / 1e6
}

/// CPU time consumed so far by the calling thread (getrusage RUSAGE_THREAD). Zero if the
/// kernel refuses, which Linux does not.
pub fn thread_cpu() -> CpuTime {
    getrusage(UsageWho::RUSAGE_THREAD)
        .map(|u| CpuTime {
            user_s: timeval_s(u.user_time()),
            sys_s: timeval_s(u.system_time()),
        })
        .unwrap_or_default()
}

/// CPU time consumed so far by the whole process (RUSAGE_SELF).
pub fn process_cpu() -> CpuTime {
    getrusage(UsageWho::RUSAGE_SELF)
        .map(|u| CpuTime {
            user_s: timeval_s(u.user_time()),
            sys_s: timeval_s(u.system_time()),
        })
        .unwrap_or_default()
}

/// Raises the soft RLIMIT_NOFILE towards `wanted` descriptors: up to the hard limit, and
/// beyond it (raising the hard limit too) when the process may (root or
/// CAP_SYS_RESOURCE). Returns the soft limit in force afterwards.
pub fn raise_nofile_limit(wanted: u64) -> Result<u64, String> {
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).map_err(|e| format!("getrlimit: {e}"))?;
    if soft >= wanted {
        return Ok(soft);
    }
    if wanted > hard && setrlimit(Resource::RLIMIT_NOFILE, wanted, wanted).is_ok() {
        return Ok(wanted);
    }
    let target = wanted.min(hard);
    setrlimit(Resource::RLIMIT_NOFILE, target, hard).map_err(|e| format!("setrlimit: {e}"))?;
    Ok(target)
}

/// Resident set size now and its peak (VmRSS and VmHWM of /proc/self/status), in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rss {
    /// Current resident set size.
    pub current: u64,
    /// Peak resident set size of the process's lifetime.
    pub peak: u64,
}

/// Reads this process's resident memory; zeros where /proc is unavailable.
pub fn rss() -> Rss {
    RssProbe::open().sample()
}

/// A /proc/self/status handle opened once and re-read from the start at each sample, so
/// sampling keeps working when a load has used up every other file descriptor.
#[derive(Debug)]
pub struct RssProbe(Option<std::fs::File>);

impl RssProbe {
    /// Opens the handle (zeros are sampled where /proc is unavailable).
    pub fn open() -> Self {
        RssProbe(std::fs::File::open("/proc/self/status").ok())
    }

    /// Current and peak resident set size.
    pub fn sample(&mut self) -> Rss {
        use std::io::{Read, Seek, SeekFrom};
        let mut status = String::new();
        if let Some(file) = self.0.as_mut() {
            if file.seek(SeekFrom::Start(0)).is_ok() && file.read_to_string(&mut status).is_err() {
                status.clear();
            }
        }
        parse_status_rss(&status)
    }
}

fn parse_status_rss(status: &str) -> Rss {
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse::<u64>().ok())
            .map_or(0, |kib| kib * 1024)
    };
    Rss {
        current: field("VmRSS:"),
        peak: field("VmHWM:"),
    }
}

/// CPU time consumed by process `pid` so far (utime and stime of /proc/PID/stat).
pub fn process_cpu_of(pid: u32) -> Result<CpuTime, String> {
    let path = format!("/proc/{pid}/stat");
    let stat = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let ticks = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .filter(|t| *t > 0)
        .unwrap_or(100) as f64;
    parse_proc_stat_cpu(&stat, ticks).ok_or_else(|| format!("{path}: unexpected format"))
}

/// Fields 14 (utime) and 15 (stime) of a /proc/PID/stat line, in seconds. The command name
/// (field 2) may contain spaces and parentheses, so fields are counted after the last ')'.
fn parse_proc_stat_cpu(stat: &str, ticks_per_s: f64) -> Option<CpuTime> {
    let after_comm = stat.get(stat.rfind(')')? + 1..)?;
    let mut fields = after_comm.split_whitespace();
    // After the comm come field 3 (state) ... ; utime is field 14, i.e. the 12th here.
    let utime: f64 = fields.nth(11)?.parse().ok()?;
    let stime: f64 = fields.next()?.parse().ok()?;
    Some(CpuTime {
        user_s: utime / ticks_per_s,
        sys_s: stime / ticks_per_s,
    })
}

/// Makes `close` send a reset instead of a FIN, so the closing side leaves no TIME_WAIT
/// entry. Clients use it once the TLS closure is complete, so long runs do not exhaust
/// ephemeral ports.
pub fn set_abortive_close(stream: &impl AsFd) -> Result<(), nix::Error> {
    socket::setsockopt(
        stream,
        sockopt::Linger,
        &libc::linger {
            l_onoff: 1,
            l_linger: 0,
        },
    )
}

/// Disables Nagle's algorithm: handshake flights go out at once.
pub fn set_nodelay(stream: &impl AsFd) -> Result<(), nix::Error> {
    socket::setsockopt(stream, sockopt::TcpNoDelay, &true)
}

/// Whether TCP_NODELAY is set on `stream`.
pub fn nodelay(stream: &impl AsFd) -> Result<bool, nix::Error> {
    socket::getsockopt(stream, sockopt::TcpNoDelay)
}

/// A non-blocking listening socket on `addr` with SO_REUSEADDR and the deepest accept queue
/// the kernel allows (SOMAXCONN), so thousands of simultaneous connects are queued rather
/// than dropped. TCP_NODELAY is set on the listener: Linux copies it to every accepted
/// socket (the child socket is cloned from the listener), which saves one setsockopt per
/// connection; servers check that once (see `engine::server`).
pub fn listen(addr: SocketAddr) -> Result<TcpListener, String> {
    let family = if addr.is_ipv4() {
        AddressFamily::Inet
    } else {
        AddressFamily::Inet6
    };
    let fd = socket::socket(family, SockType::Stream, SockFlag::SOCK_CLOEXEC, None)
        .map_err(|e| format!("socket: {e}"))?;
    socket::setsockopt(&fd, sockopt::ReuseAddr, &true).map_err(|e| format!("SO_REUSEADDR: {e}"))?;
    socket::setsockopt(&fd, sockopt::TcpNoDelay, &true).map_err(|e| format!("TCP_NODELAY: {e}"))?;
    let sockaddr = SockaddrStorage::from(addr);
    socket::bind(std::os::fd::AsRawFd::as_raw_fd(&fd), &sockaddr)
        .map_err(|e| format!("bind {addr}: {e}"))?;
    socket::listen(&fd, Backlog::MAXCONN).map_err(|e| format!("listen {addr}: {e}"))?;
    let listener = TcpListener::from(fd);
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("set_nonblocking: {e}"))?;
    Ok(listener)
}

/// Pins the calling thread to CPU `index` modulo the CPUs this process may use (its
/// affinity mask at the time of the call). A failure is reported on stderr and the thread
/// runs unpinned: pinning is a measurement aid, never a reason to stop.
pub fn pin_current_thread(index: usize) {
    use nix::sched::{sched_getaffinity, sched_setaffinity, CpuSet};
    use nix::unistd::Pid;
    let allowed: Vec<usize> = match sched_getaffinity(Pid::from_raw(0)) {
        Ok(set) => (0..CpuSet::count())
            .filter(|&c| set.is_set(c).unwrap_or(false))
            .collect(),
        Err(e) => {
            eprintln!("tlsbench: cannot read the CPU affinity ({e}); thread not pinned");
            return;
        }
    };
    let Some(&cpu) = allowed.get(index % allowed.len().max(1)) else {
        return;
    };
    let mut one = CpuSet::new();
    if let Err(e) = one
        .set(cpu)
        .and_then(|()| sched_setaffinity(Pid::from_raw(0), &one))
    {
        eprintln!("tlsbench: cannot pin a thread to CPU {cpu} ({e}); thread not pinned");
    }
}

/// Converts seconds from the command line into a `Duration`, refusing negative, NaN and
/// absurd values instead of panicking.
pub fn seconds(s: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(s).map_err(|_| format!("invalid duration {s} s"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_thread_runs_on_one_allowed_cpu() {
        use nix::sched::{sched_getaffinity, CpuSet};
        use nix::unistd::Pid;
        let allowed = sched_getaffinity(Pid::from_raw(0)).expect("affinity");
        let first = (0..CpuSet::count())
            .find(|&c| allowed.is_set(c).unwrap_or(false))
            .expect("some CPU");
        let count = (0..CpuSet::count())
            .filter(|&c| allowed.is_set(c).unwrap_or(false))
            .count();
        // Index `count` wraps around to the first allowed CPU.
        let pinned = std::thread::spawn(move || {
            pin_current_thread(count);
            sched_getaffinity(Pid::from_raw(0)).expect("affinity")
        })
        .join()
        .expect("thread");
        let set: Vec<usize> = (0..CpuSet::count())
            .filter(|&c| pinned.is_set(c).unwrap_or(false))
            .collect();
        assert_eq!(set, vec![first]);
    }

    #[test]
    fn proc_stat_cpu_survives_odd_command_names() {
        let line =
            "1234 (we ird) (x)) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 5 0 0";
        let cpu = parse_proc_stat_cpu(line, 100.0).unwrap();
        assert_eq!(
            cpu,
            CpuTime {
                user_s: 2.5,
                sys_s: 0.5
            }
        );
        assert!(parse_proc_stat_cpu("garbage", 100.0).is_none());
        assert!(parse_proc_stat_cpu("1 (x) S 1", 100.0).is_none());
    }

    #[test]
    fn rss_probe_samples_repeatedly() {
        let mut probe = RssProbe::open();
        let first = probe.sample();
        let block = vec![1u8; 8 << 20];
        let second = probe.sample();
        std::hint::black_box(&block);
        assert!(first.current > 0 && second.peak >= second.current);
        assert!(second.current > first.current, "{first:?} {second:?}");
    }

    #[test]
    fn status_rss_fields_parse() {
        let rss = parse_status_rss("Name:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n");
        assert_eq!(
            rss,
            Rss {
                current: 1024 * 1024,
                peak: 2048 * 1024
            }
        );
        assert_eq!(parse_status_rss(""), Rss::default());
    }

    #[test]
    fn thread_cpu_grows_with_work() {
        let before = thread_cpu();
        let mut x = 0u64;
        let start = std::time::Instant::now();
        while start.elapsed() < Duration::from_millis(30) {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        assert!(thread_cpu().since(before).total_s() > 0.0);
    }

    #[test]
    fn nofile_limit_is_at_least_what_was_there() {
        let (soft, _) = getrlimit(Resource::RLIMIT_NOFILE).unwrap();
        assert!(raise_nofile_limit(soft).unwrap() >= soft);
    }

    #[test]
    fn accepted_sockets_inherit_nodelay_from_the_listener() {
        let l = listen("127.0.0.1:0".parse().unwrap()).unwrap();
        let _client = std::net::TcpStream::connect(l.local_addr().unwrap()).unwrap();
        l.set_nonblocking(false).unwrap();
        let (accepted, _) = l.accept().unwrap();
        assert!(nodelay(&accepted).unwrap());
    }

    #[test]
    fn listener_binds_an_ephemeral_port() {
        let l = listen("127.0.0.1:0".parse().unwrap()).unwrap();
        assert_ne!(l.local_addr().unwrap().port(), 0);
    }
}
