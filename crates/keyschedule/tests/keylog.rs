//! The key log file writer, in a temporary directory: line format, appending, whole
//! lines under concurrent writers, permissions, and the lines the TLS 1.2 and TLS 1.3
//! secrets write.

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tlskit_crypto::{Digest, HashAlgorithm};
use tlskit_keyschedule::keylog::{key_log_line, KeyLog, KeyLogFile, KeyLogLabel};
use tlskit_keyschedule::tls12::{MasterSecret, Prf};
use tlskit_keyschedule::tls13::{EarlySecret, Kdf};
use tlskit_keyschedule::Side;

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "tlskit-keylog-{tag}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn is_well_formed(line: &str) -> bool {
    let parts: Vec<&str> = line.split(' ').collect();
    let hex = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    parts.len() == 3
        && parts[1].len() == 64
        && hex(parts[1])
        && hex(parts[2])
        && parts[2].len() % 2 == 0
}

#[test]
fn key_log_file_appends_whole_lines_from_many_threads() {
    let dir = TempDir::new("threads");
    let path = dir.0.join("keys.log");
    std::fs::write(&path, "# existing line\n").expect("seed file");
    let log = Arc::new(KeyLogFile::open(&path).expect("open"));
    assert!(log.is_active() && log.will_log(KeyLogLabel::ClientRandom));
    let threads: Vec<_> = (0..8u8)
        .map(|t| {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for i in 0..50u8 {
                    log.log(KeyLogLabel::ServerTrafficSecret0, &[t; 32], &[i; 48]);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    assert_eq!(log.write_errors(), 0);
    let text = std::fs::read_to_string(&path).expect("read");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("# existing line"),
        "appends, never truncates"
    );
    let lines: Vec<&str> = lines.collect();
    assert_eq!(lines.len(), 8 * 50);
    for line in &lines {
        assert!(line.starts_with("SERVER_TRAFFIC_SECRET_0 "), "{line}");
        assert!(is_well_formed(line), "{line}");
    }
    assert!(text.ends_with('\n'));
    // Each thread's lines are all there, in its order.
    for t in 0..8u8 {
        let random = hex::encode([t; 32]);
        let secrets: Vec<String> = lines
            .iter()
            .filter(|l| l.split(' ').nth(1) == Some(random.as_str()))
            .map(|l| l.split(' ').nth(2).expect("secret").to_string())
            .collect();
        let expected: Vec<String> = (0..50u8).map(|i| hex::encode([i; 48])).collect();
        assert_eq!(secrets, expected);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let fresh = dir.0.join("fresh.log");
        let _ = KeyLogFile::open(&fresh).expect("create");
        let mode = std::fs::metadata(&fresh)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "key log readable by others: {mode:o}");
    }
}

#[test]
fn key_log_env_value_opens_the_named_file() {
    let dir = TempDir::new("env");
    let path = dir.0.join("sslkeylog.txt");
    let log = KeyLogFile::from_env_value(Some(path.as_os_str()));
    assert!(log.is_active(), "{log:?}");
    log.log(KeyLogLabel::ExporterSecret, &[0xab; 32], &[0xcd; 32]);
    let text = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        text,
        format!("EXPORTER_SECRET {} {}\n", "ab".repeat(32), "cd".repeat(32))
    );
    assert_eq!(
        text.as_str(),
        key_log_line(KeyLogLabel::ExporterSecret, &[0xab; 32], &[0xcd; 32]).as_str()
    );
}

#[test]
fn secrets_write_their_nss_lines() {
    for provider in common::providers() {
        let dir = TempDir::new(provider.name());
        let path = dir.0.join("keys.log");
        let log = KeyLogFile::open(&path).expect("open");
        let client_random = [0x11; 32];

        // TLS 1.2: CLIENT_RANDOM <client random> <master secret>.
        let prf = Prf::new(provider, HashAlgorithm::Sha256).expect("prf");
        let ms = MasterSecret::from_pre_master_secret(prf, &[5; 32], &client_random, &[0x22; 32])
            .expect("ms");
        ms.log(&log, &client_random);

        // TLS 1.3, each secret under its own label.
        let kdf = Kdf::new(provider, HashAlgorithm::Sha384).expect("kdf");
        let h = Digest::new(&[3; 48]);
        let early = EarlySecret::new(kdf, Some(&[9; 48])).expect("early");
        let c_e = early.client_early_traffic_secret(&h).expect("c e");
        c_e.log(&log, &client_random);
        let hs = early.into_handshake_secret(Some(&[4; 32])).expect("hs");
        let c_hs = hs.handshake_traffic_secret(Side::Client, &h).expect("c hs");
        let s_hs = hs.handshake_traffic_secret(Side::Server, &h).expect("s hs");
        c_hs.log(&log, &client_random);
        s_hs.log(&log, &client_random);
        let master = hs.into_master_secret().expect("master");
        let c_ap = master
            .application_traffic_secret(Side::Client, &h)
            .expect("c ap");
        let s_ap = master
            .application_traffic_secret(Side::Server, &h)
            .expect("s ap");
        let exp = master.exporter_master_secret(&h).expect("exp");
        c_ap.log(&log, &client_random);
        s_ap.log(&log, &client_random);
        exp.log(&log, &client_random);
        s_ap.next().expect("update").log(&log, &client_random); // not logged

        let text = std::fs::read_to_string(&path).expect("read");
        let random = hex::encode(client_random);
        let expected: Vec<String> = [
            ("CLIENT_RANDOM", ms.as_bytes()),
            ("CLIENT_EARLY_TRAFFIC_SECRET", c_e.as_bytes()),
            ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", c_hs.as_bytes()),
            ("SERVER_HANDSHAKE_TRAFFIC_SECRET", s_hs.as_bytes()),
            ("CLIENT_TRAFFIC_SECRET_0", c_ap.as_bytes()),
            ("SERVER_TRAFFIC_SECRET_0", s_ap.as_bytes()),
            ("EXPORTER_SECRET", exp.as_bytes()),
        ]
        .iter()
        .map(|(label, secret)| format!("{label} {random} {}", hex::encode(secret)))
        .collect();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines, expected, "{}", provider.name());
        assert!(
            lines[0].split(' ').nth(2).expect("secret").len() == 96,
            "48-byte master secret"
        );
        assert!(
            lines[1].split(' ').nth(2).expect("secret").len() == 96,
            "SHA-384 secrets"
        );
    }
}
