//! `KeyLogFile::from_env` reads `SSLKEYLOGFILE`. Alone in its test binary, because it
//! sets a process-wide environment variable.

use std::time::{SystemTime, UNIX_EPOCH};
use tlskit_keyschedule::keylog::{KeyLog, KeyLogFile, KeyLogLabel, SSLKEYLOGFILE};

#[test]
fn key_log_from_env_honours_sslkeylogfile() {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    let path = std::env::temp_dir().join(format!(
        "tlskit-sslkeylogfile-{}-{nanos}.txt",
        std::process::id()
    ));
    std::env::set_var(SSLKEYLOGFILE, &path);
    let log = KeyLogFile::from_env();
    log.log(KeyLogLabel::ClientRandom, &[1; 32], &[2; 48]);
    std::env::remove_var(SSLKEYLOGFILE);
    let text = std::fs::read_to_string(&path).expect("key log written");
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        text,
        format!("CLIENT_RANDOM {} {}\n", "01".repeat(32), "02".repeat(48))
    );
    // Unset: inert.
    let log = KeyLogFile::from_env();
    assert!(!log.is_active() && !log.will_log(KeyLogLabel::ClientRandom));
}
