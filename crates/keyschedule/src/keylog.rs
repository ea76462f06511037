//! NSS key log format (`SSLKEYLOGFILE`), so Wireshark can decrypt a capture.
//!
//! Each line is `<LABEL> <client_random hex> <secret hex>`, lower-case hex, one secret per
//! line (the format NSS defines and OpenSSL, BoringSSL, rustls and Wireshark share).
//! Only secrets pass through here: a [`KeyLog`] sees them because the user asked for it.

use std::ffi::OsStr;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use zeroize::Zeroizing;

/// Length of a ClientHello random, the key that ties log lines to a connection.
pub const CLIENT_RANDOM_LEN: usize = 32;

/// The environment variable that names the key log file.
pub const SSLKEYLOGFILE: &str = "SSLKEYLOGFILE";

/// The secrets the NSS key log format names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyLogLabel {
    /// TLS 1.2: the 48-byte master secret.
    ClientRandom,
    /// TLS 1.3 `client_early_traffic_secret`.
    ClientEarlyTrafficSecret,
    /// TLS 1.3 `client_handshake_traffic_secret`.
    ClientHandshakeTrafficSecret,
    /// TLS 1.3 `server_handshake_traffic_secret`.
    ServerHandshakeTrafficSecret,
    /// TLS 1.3 `client_application_traffic_secret_0`.
    ClientTrafficSecret0,
    /// TLS 1.3 `server_application_traffic_secret_0`.
    ServerTrafficSecret0,
    /// TLS 1.3 `exporter_master_secret`.
    ExporterSecret,
    /// TLS 1.3 `early_exporter_master_secret`.
    EarlyExporterSecret,
}

impl KeyLogLabel {
    /// The label as written in the file.
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyLogLabel::ClientRandom => "CLIENT_RANDOM",
            KeyLogLabel::ClientEarlyTrafficSecret => "CLIENT_EARLY_TRAFFIC_SECRET",
            KeyLogLabel::ClientHandshakeTrafficSecret => "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
            KeyLogLabel::ServerHandshakeTrafficSecret => "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            KeyLogLabel::ClientTrafficSecret0 => "CLIENT_TRAFFIC_SECRET_0",
            KeyLogLabel::ServerTrafficSecret0 => "SERVER_TRAFFIC_SECRET_0",
            KeyLogLabel::ExporterSecret => "EXPORTER_SECRET",
            KeyLogLabel::EarlyExporterSecret => "EARLY_EXPORTER_SECRET",
        }
    }
}

impl fmt::Display for KeyLogLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where secrets go when the user wants them logged. Shared by every connection of a
/// config, hence `Send + Sync`.
pub trait KeyLog: Send + Sync + fmt::Debug {
    /// Records `secret` under `label` for the connection whose ClientHello random is
    /// `client_random`.
    fn log(&self, label: KeyLogLabel, client_random: &[u8; CLIENT_RANDOM_LEN], secret: &[u8]);

    /// Whether [`KeyLog::log`] does anything for `label`; callers skip the work of
    /// logging when it does not.
    fn will_log(&self, _label: KeyLogLabel) -> bool {
        true
    }
}

/// Logs nothing: the default.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoKeyLog;

impl KeyLog for NoKeyLog {
    fn log(&self, _: KeyLogLabel, _: &[u8; CLIENT_RANDOM_LEN], _: &[u8]) {}

    fn will_log(&self, _: KeyLogLabel) -> bool {
        false
    }
}

/// One key log line, newline included: `LABEL <64 hex digits> <secret hex>\n`.
/// Zeroized when dropped, since it holds the secret.
pub fn key_log_line(
    label: KeyLogLabel,
    client_random: &[u8; CLIENT_RANDOM_LEN],
    secret: &[u8],
) -> Zeroizing<String> {
    let label = label.as_str();
    let mut line = Zeroizing::new(String::with_capacity(
        label.len() + 2 + 2 * (CLIENT_RANDOM_LEN + secret.len()) + 1,
    ));
    line.push_str(label);
    line.push(' ');
    push_hex(&mut line, client_random);
    line.push(' ');
    push_hex(&mut line, secret);
    line.push('\n');
    line
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
}

/// Appends key log lines to the file `SSLKEYLOGFILE` names (or another path).
///
/// The file is opened once, in append mode (created with mode 0600 on Unix); each line
/// is written with one `write` under one lock and flushed, so lines from concurrent
/// connections never interleave. When the variable is unset or empty, or the file cannot
/// be opened, the writer is inert and [`KeyLog::will_log`] says so. Write failures are
/// counted ([`KeyLogFile::write_errors`]), never raised into the handshake.
pub struct KeyLogFile {
    file: Option<Mutex<File>>,
    open_error: Option<io::ErrorKind>,
    write_errors: AtomicU64,
}

impl KeyLogFile {
    /// Opens the file named by `SSLKEYLOGFILE`, if set.
    pub fn from_env() -> Self {
        Self::from_env_value(std::env::var_os(SSLKEYLOGFILE).as_deref())
    }

    /// What [`KeyLogFile::from_env`] does with the variable's value (`None` when unset).
    pub fn from_env_value(value: Option<&OsStr>) -> Self {
        match value {
            Some(path) if !path.is_empty() => match Self::open(Path::new(path)) {
                Ok(log) => log,
                Err(e) => KeyLogFile {
                    file: None,
                    open_error: Some(e.kind()),
                    write_errors: AtomicU64::new(0),
                },
            },
            _ => KeyLogFile {
                file: None,
                open_error: None,
                write_errors: AtomicU64::new(0),
            },
        }
    }

    /// Opens (creating if needed) `path` for appending.
    pub fn open(path: &Path) -> io::Result<Self> {
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path)?;
        Ok(KeyLogFile {
            file: Some(Mutex::new(file)),
            open_error: None,
            write_errors: AtomicU64::new(0),
        })
    }

    /// Whether lines are written anywhere.
    pub fn is_active(&self) -> bool {
        self.file.is_some()
    }

    /// Why the named file could not be opened, if it could not.
    pub fn open_error(&self) -> Option<io::ErrorKind> {
        self.open_error
    }

    /// How many lines failed to be written.
    pub fn write_errors(&self) -> u64 {
        self.write_errors.load(Ordering::Relaxed)
    }
}

impl KeyLog for KeyLogFile {
    fn log(&self, label: KeyLogLabel, client_random: &[u8; CLIENT_RANDOM_LEN], secret: &[u8]) {
        let Some(file) = &self.file else {
            return;
        };
        let line = key_log_line(label, client_random, secret);
        // A panic elsewhere while holding the lock leaves the file itself intact.
        let mut file = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let written = file.write_all(line.as_bytes()).and_then(|()| file.flush());
        if written.is_err() {
            self.write_errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn will_log(&self, _label: KeyLogLabel) -> bool {
        self.is_active()
    }
}

impl fmt::Debug for KeyLogFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyLogFile")
            .field("active", &self.is_active())
            .field("open_error", &self.open_error)
            .field("write_errors", &self.write_errors())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_format_is_label_random_secret() {
        let mut random = [0u8; 32];
        for (i, b) in random.iter_mut().enumerate() {
            *b = i as u8;
        }
        let line = key_log_line(KeyLogLabel::ClientRandom, &random, &[0xde, 0xad, 0x0f]);
        assert_eq!(
            line.as_str(),
            "CLIENT_RANDOM 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f dead0f\n"
        );
    }

    #[test]
    fn labels_are_the_nss_names() {
        let all = [
            (KeyLogLabel::ClientRandom, "CLIENT_RANDOM"),
            (
                KeyLogLabel::ClientEarlyTrafficSecret,
                "CLIENT_EARLY_TRAFFIC_SECRET",
            ),
            (
                KeyLogLabel::ClientHandshakeTrafficSecret,
                "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
            ),
            (
                KeyLogLabel::ServerHandshakeTrafficSecret,
                "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            ),
            (KeyLogLabel::ClientTrafficSecret0, "CLIENT_TRAFFIC_SECRET_0"),
            (KeyLogLabel::ServerTrafficSecret0, "SERVER_TRAFFIC_SECRET_0"),
            (KeyLogLabel::ExporterSecret, "EXPORTER_SECRET"),
            (KeyLogLabel::EarlyExporterSecret, "EARLY_EXPORTER_SECRET"),
        ];
        for (label, name) in all {
            assert_eq!(label.as_str(), name);
            assert_eq!(label.to_string(), name);
        }
    }

    #[test]
    fn no_key_log_declines() {
        assert!(!NoKeyLog.will_log(KeyLogLabel::ExporterSecret));
        NoKeyLog.log(KeyLogLabel::ExporterSecret, &[0; 32], &[1; 32]);
    }

    #[test]
    fn unset_or_empty_env_value_is_inert() {
        for value in [None, Some(OsStr::new(""))] {
            let log = KeyLogFile::from_env_value(value);
            assert!(!log.is_active());
            assert!(log.open_error().is_none());
            assert!(!log.will_log(KeyLogLabel::ClientRandom));
            log.log(KeyLogLabel::ClientRandom, &[0; 32], &[0; 48]);
            assert_eq!(log.write_errors(), 0);
        }
    }

    #[test]
    fn unopenable_path_is_inert_and_says_why() {
        let log = KeyLogFile::from_env_value(Some(OsStr::new(
            "/nonexistent-tlskit-dir/definitely/not/here.keys",
        )));
        assert!(!log.is_active());
        assert_eq!(log.open_error(), Some(io::ErrorKind::NotFound));
    }
}
