//! Real TLS sessions between `openssl s_server` and `openssl s_client` on loopback,
//! recomputed with every provider.
//!
//! TLS 1.2 with RSA key exchange: OpenSSL's key log carries the pre-master secret (`RSA`
//! line) and the master secret (`CLIENT_RANDOM`); `-msg` prints every handshake message.
//! From the randoms, the pre-master secret and the messages, the extended master secret,
//! both Finished messages, the exporter output (`-keymatexport`) and the key log line are
//! recomputed and compared — for the SHA-256 and the SHA-384 PRF.
//!
//! TLS 1.3: from the key-logged handshake traffic secrets and the messages, both Finished
//! messages; from `EXPORTER_SECRET`, the exporter output — for SHA-256 and SHA-384 suites.
//!
//! The `openssl` binary is required: without it these tests fail, saying so.

mod common;

use common::providers;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tlskit_crypto::HashAlgorithm;
use tlskit_keyschedule::keylog::{key_log_line, KeyLogLabel};
use tlskit_keyschedule::tls12::{MasterSecret, Prf};
use tlskit_keyschedule::tls13::HandshakeTrafficSecret;
use tlskit_keyschedule::tls13::{ExporterMasterSecret, Kdf};
use tlskit_keyschedule::{HandshakeHashBuffer, Side, TranscriptHash};

const EXPORT_LABEL: &str = "EXPERIMENTAL-tlskit";
const EXPORT_LEN: usize = 20;

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "tlskit-openssl-session-{}-{nanos}",
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

fn openssl() -> Command {
    Command::new("openssl")
}

fn run_openssl_ok(cmd: &mut Command) {
    let output = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run the `openssl` command-line tool ({e}); install OpenSSL 3.x")
    });
    assert!(
        output.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Kills the server if the test fails half way.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One handshake message as `s_client -msg` prints it.
#[derive(Debug)]
struct Message {
    sent: bool,
    name: String,
    bytes: Vec<u8>,
}

/// What one session left behind.
struct Session {
    messages: Vec<Message>,
    key_log: String,
    keying_material: Vec<u8>,
    extended_master_secret: bool,
}

/// Runs one `s_server` / `s_client` session with `server_args` and `client_args`.
fn run_session(dir: &Path, name: &str, server_args: &[&str], client_args: &[&str]) -> Session {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
        listener.local_addr().expect("addr").port()
    };
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let mut server = Server(
        openssl()
            .args(["s_server", "-accept"])
            .arg(port.to_string())
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .args(["-naccept", "1"])
            .args(server_args)
            // s_server ends when its stdin closes: keep the pipe open.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run `openssl s_server` ({e}); install OpenSSL 3.x")),
    );
    let stdout = server.0.stdout.take().expect("server stdout");
    let mut lines = BufReader::new(stdout).lines();
    loop {
        match lines.next() {
            Some(Ok(line)) if line.trim() == "ACCEPT" => break,
            Some(Ok(_)) => continue,
            _ => {
                let mut err = String::new();
                if let Some(stderr) = server.0.stderr.as_mut() {
                    let _ = std::io::Read::read_to_string(stderr, &mut err);
                }
                panic!("s_server did not start: {err}");
            }
        }
    }

    let key_log_path = dir.join(format!("{name}.keys"));
    let mut client = openssl()
        .arg("s_client")
        .arg("-connect")
        .arg(format!("127.0.0.1:{port}"))
        .arg("-msg")
        .arg("-keylogfile")
        .arg(&key_log_path)
        .args(["-keymatexport", EXPORT_LABEL, "-keymatexportlen"])
        .arg(EXPORT_LEN.to_string())
        .args(client_args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("s_client");
    // One line of application data, then EOF: the client closes the connection.
    client
        .stdin
        .take()
        .expect("client stdin")
        .write_all(b"\n")
        .expect("write");
    let deadline = Instant::now() + Duration::from_secs(20);
    while client.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = client.kill();
            panic!("s_client did not finish within 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = client.wait_with_output().expect("client output");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        stdout.contains("Keying material: "),
        "{name}: handshake failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let key_log = std::fs::read_to_string(&key_log_path).expect("key log");
    Session {
        messages: parse_messages(&stdout),
        key_log,
        keying_material: stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix("Keying material: "))
            .map(common::unhex)
            .expect("keying material"),
        extended_master_secret: stdout.contains("Extended master secret: yes"),
    }
}

/// The handshake messages of `s_client -msg` output, in order.
fn parse_messages(stdout: &str) -> Vec<Message> {
    let mut messages = Vec::new();
    let mut current: Option<Message> = None;
    for line in stdout.lines() {
        let header = line
            .strip_prefix(">>> ")
            .map(|h| (true, h))
            .or_else(|| line.strip_prefix("<<< ").map(|h| (false, h)));
        if let Some((sent, header)) = header {
            messages.extend(current.take());
            if header.contains(", Handshake [") {
                let name = header.rsplit("], ").next().unwrap_or("").to_string();
                current = Some(Message {
                    sent,
                    name,
                    bytes: Vec::new(),
                });
            }
            continue;
        }
        let hex_line = line.strip_prefix("    ").filter(|rest| {
            !rest.is_empty()
                && rest
                    .split(' ')
                    .all(|t| t.len() == 2 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        });
        match (hex_line, current.as_mut()) {
            (Some(hex), Some(message)) => message.bytes.extend(common::unhex(hex)),
            _ => messages.extend(current.take()),
        }
    }
    messages.extend(current.take());
    messages
}

/// `LABEL random secret` lines of an NSS key log, by label.
fn key_log_entries<'a>(key_log: &'a str, label: &str) -> Vec<(&'a str, &'a str)> {
    key_log
        .lines()
        .filter_map(|l| {
            let mut parts = l.split(' ');
            (parts.next() == Some(label))
                .then(|| (parts.next().unwrap_or(""), parts.next().unwrap_or("")))
        })
        .collect()
}

fn make_certificate(dir: &Path) {
    run_openssl_ok(
        openssl()
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            ])
            .args(["-subj", "/CN=localhost", "-keyout"])
            .arg(dir.join("key.pem"))
            .arg("-out")
            .arg(dir.join("cert.pem")),
    );
}

fn message<'a>(messages: &'a [Message], sent: bool, name: &str) -> &'a [u8] {
    &messages
        .iter()
        .find(|m| m.sent == sent && m.name == name)
        .unwrap_or_else(|| panic!("no {name} (sent={sent}) in {messages:?}"))
        .bytes
}

#[test]
fn openssl_tls12_rsa_session_recomputed() {
    let dir = TempDir::new();
    make_certificate(&dir.0);
    for (suite, hash) in [
        ("AES128-GCM-SHA256", HashAlgorithm::Sha256),
        ("AES256-GCM-SHA384", HashAlgorithm::Sha384),
    ] {
        let cipher = format!("{suite}:@SECLEVEL=0");
        let session = run_session(
            &dir.0,
            suite,
            &["-tls1_2", "-cipher", &cipher],
            &["-tls1_2", "-cipher", &cipher],
        );
        assert!(
            session.extended_master_secret,
            "{suite}: OpenSSL 3 negotiates EMS by default"
        );
        let m = &session.messages;
        let client_hello = message(m, true, "ClientHello");
        let server_hello = message(m, false, "ServerHello");
        let client_random: [u8; 32] = client_hello[6..38].try_into().expect("random");
        let server_random: [u8; 32] = server_hello[6..38].try_into().expect("random");
        let client_finished = message(m, true, "Finished");
        let server_finished = message(m, false, "Finished");

        let rsa = key_log_entries(&session.key_log, "RSA");
        let pre_master = common::unhex(rsa.first().expect("RSA line with the pre-master secret").1);
        let logged = key_log_entries(&session.key_log, "CLIENT_RANDOM");
        let (logged_random, logged_master) = *logged.first().expect("CLIENT_RANDOM line");
        assert_eq!(logged_random, hex::encode(client_random));

        for provider in providers() {
            let ctx = format!("{} {suite}", provider.name());
            let prf = Prf::new(provider, hash).expect("prf");
            // Hash the messages in order: up to ClientKeyExchange for the session hash,
            // then the client Finished, then NewSessionTicket for the server Finished.
            let mut t = TranscriptHash::new(prf.hash());
            let mut master = None;
            for msg in m {
                match (msg.sent, msg.name.as_str()) {
                    (true, "Finished") => {
                        let ms: &MasterSecret = master.as_ref().expect("master secret first");
                        ms.check_finished(Side::Client, &t.current(), &msg.bytes[4..])
                            .unwrap_or_else(|e| panic!("{ctx}: client Finished: {e}"));
                    }
                    (false, "Finished") => {
                        let ms: &MasterSecret = master.as_ref().expect("master secret first");
                        let vd = ms
                            .finished_verify_data(Side::Server, &t.current())
                            .expect("verify_data");
                        assert_eq!(
                            hex::encode(vd.as_bytes()),
                            hex::encode(&msg.bytes[4..]),
                            "{ctx}: server Finished"
                        );
                    }
                    _ => {}
                }
                t.add_message(&msg.bytes);
                if msg.sent && msg.name == "ClientKeyExchange" {
                    let ms = MasterSecret::extended(prf, &pre_master, &t.current()).expect("ems");
                    assert_eq!(
                        hex::encode(ms.as_bytes()),
                        logged_master,
                        "{ctx}: extended master secret"
                    );
                    master = Some(ms);
                }
            }
            let ms = master.expect("ClientKeyExchange seen");
            assert_eq!(client_finished.len(), 16);
            assert_eq!(server_finished.len(), 16);
            let mut exported = [0u8; EXPORT_LEN];
            ms.export(
                EXPORT_LABEL.as_bytes(),
                None,
                &client_random,
                &server_random,
                &mut exported,
            )
            .expect("export");
            assert_eq!(
                hex::encode(exported),
                hex::encode(&session.keying_material),
                "{ctx}: exporter"
            );
            let line = key_log_line(KeyLogLabel::ClientRandom, &client_random, ms.as_bytes());
            assert!(
                session.key_log.lines().any(|l| format!("{l}\n") == *line),
                "{ctx}: our CLIENT_RANDOM line {line:?} is not OpenSSL's"
            );
        }
    }
}

#[test]
fn openssl_tls13_session_recomputed() {
    let dir = TempDir::new();
    make_certificate(&dir.0);
    for (suite, hash) in [
        ("TLS_AES_128_GCM_SHA256", HashAlgorithm::Sha256),
        ("TLS_AES_256_GCM_SHA384", HashAlgorithm::Sha384),
    ] {
        let session = run_session(
            &dir.0,
            suite,
            &["-tls1_3", "-ciphersuites", suite],
            &["-tls1_3", "-ciphersuites", suite],
        );
        let m = &session.messages;
        let client_random = &message(m, true, "ClientHello")[6..38];
        let secret = |label: &str| -> Vec<u8> {
            let entries = key_log_entries(&session.key_log, label);
            let (random, secret) = entries.first().unwrap_or_else(|| panic!("no {label} line"));
            assert_eq!(
                *random,
                hex::encode(client_random),
                "{label}: client random"
            );
            common::unhex(secret)
        };
        // Every label OpenSSL wrote is one of ours, spelled the same.
        let ours = [
            KeyLogLabel::ClientHandshakeTrafficSecret,
            KeyLogLabel::ServerHandshakeTrafficSecret,
            KeyLogLabel::ClientTrafficSecret0,
            KeyLogLabel::ServerTrafficSecret0,
            KeyLogLabel::ExporterSecret,
        ];
        for line in session.key_log.lines().filter(|l| !l.starts_with('#')) {
            let label = line.split(' ').next().unwrap_or("");
            assert!(
                ours.iter().any(|l| l.as_str() == label),
                "unknown label {label}"
            );
        }
        for provider in providers() {
            let ctx = format!("{} {suite}", provider.name());
            let kdf = Kdf::new(provider, hash).expect("kdf");
            let c_hs = HandshakeTrafficSecret::from_bytes(
                Side::Client,
                kdf,
                &secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET"),
            )
            .expect("c hs");
            let s_hs = HandshakeTrafficSecret::from_bytes(
                Side::Server,
                kdf,
                &secret("SERVER_HANDSHAKE_TRAFFIC_SECRET"),
            )
            .expect("s hs");
            let mut transcript = HandshakeHashBuffer::new().start(kdf.hash());
            let mut finished_seen = 0;
            for msg in m {
                if msg.name == "Finished" {
                    let key = if msg.sent { &c_hs } else { &s_hs }
                        .finished_key()
                        .expect("finished key");
                    key.check(&transcript.current(), &msg.bytes[4..])
                        .unwrap_or_else(|e| {
                            panic!(
                                "{ctx}: {} Finished: {e}",
                                if msg.sent { "client" } else { "server" }
                            )
                        });
                    finished_seen += 1;
                }
                if msg.name == "NewSessionTicket" {
                    continue; // post-handshake
                }
                transcript.add_message(&msg.bytes);
            }
            assert_eq!(finished_seen, 2, "{ctx}");
            let exporter = ExporterMasterSecret::from_bytes(kdf, &secret("EXPORTER_SECRET"), false)
                .expect("exporter secret");
            let mut exported = [0u8; EXPORT_LEN];
            exporter
                .export(EXPORT_LABEL.as_bytes(), b"", &mut exported)
                .expect("export");
            assert_eq!(
                hex::encode(exported),
                hex::encode(&session.keying_material),
                "{ctx}: exporter"
            );
        }
    }
}
