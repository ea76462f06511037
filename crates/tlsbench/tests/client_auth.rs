//! `--connect --client-auth --client-cert --client-key` against `tlsbench serve
//! --client-ca`, with tlskit over ring and generated credentials written to files.

use std::path::Path;

use clap::Parser;
use tlsbench::cli::{Cli, Command, LoadArgs};
use tlsbench::credentials;
use tlsbench::load::{self, LoadConfig};
use tlsbench::session::CertKind;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn load_args(args: &[&str]) -> LoadArgs {
    Cli::try_parse_from(std::iter::once("tlsbench").chain(args.iter().copied()))
        .unwrap()
        .load
}

#[test]
fn a_client_certificate_from_files_satisfies_a_server_that_requires_one() {
    let creds = credentials::generate(CertKind::EcdsaP256).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = write(dir.path(), "ca.pem", &creds.ca_pem);
    let server_chain = write(dir.path(), "server.pem", &creds.server.chain_pem);
    let server_key = write(dir.path(), "server.key", &creds.server.key_pem);
    let client_chain = write(dir.path(), "client.pem", &creds.client.chain_pem);
    let client_key = write(dir.path(), "client.key", &creds.client.key_pem);

    let cli = Cli::try_parse_from([
        "tlsbench",
        "serve",
        "--backend",
        "ring",
        "--listen",
        "127.0.0.1:0",
        "--threads",
        "1",
        "--echo",
        "--cert",
        &server_chain,
        "--key",
        &server_key,
        "--client-ca",
        &ca,
    ])
    .unwrap();
    let Some(Command::Serve(serve_args)) = cli.command else {
        panic!("serve")
    };
    let server = tlsbench::serve::start(&serve_args).unwrap();
    let connect = server.addr.to_string();
    let base = [
        "--backend",
        "ring",
        "--connect",
        &connect,
        "--server-name",
        credentials::SERVER_NAME,
        "--ca",
        &ca,
        "--conns",
        "4",
        "--concurrency",
        "2",
        "--threads",
        "1",
    ];

    // With the client certificate: every connection succeeds.
    let mut with_cert = base.to_vec();
    with_cert.extend([
        "--client-auth",
        "--client-cert",
        &client_chain,
        "--client-key",
        &client_key,
    ]);
    let r = load::run(&LoadConfig::from_args(&load_args(&with_cert), "ring").unwrap()).unwrap();
    assert_eq!((r.succeeded, r.failed), (4, 0), "{:?}", r.errors);

    // Without one, the server refuses every handshake: it really requires the certificate.
    let r = load::run(&LoadConfig::from_args(&load_args(&base), "ring").unwrap()).unwrap();
    assert_eq!((r.succeeded, r.failed), (0, 4), "{:?}", r.errors);

    // --client-auth with --connect but no certificate is refused up front, by name.
    let mut no_cert = base.to_vec();
    no_cert.push("--client-auth");
    let err = LoadConfig::from_args(&load_args(&no_cert), "ring").unwrap_err();
    assert!(
        err.contains("--client-cert") && err.contains("--client-key"),
        "{err}"
    );

    // A key that does not match the certificate is refused before any connection
    // (tlskit's CertifiedKey checks the pair), naming the problem.
    let mut mismatched = base.to_vec();
    mismatched.extend([
        "--client-auth",
        "--client-cert",
        &client_chain,
        "--client-key",
        &server_key,
    ]);
    let config = LoadConfig::from_args(&load_args(&mismatched), "ring").unwrap();
    let err = load::run(&config).unwrap_err();
    assert!(err.contains("does not match"), "{err}");

    let served = server.stop().unwrap();
    assert_eq!(served.handshakes, 4, "{:?}", served.errors);
}
