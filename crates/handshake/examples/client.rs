//! A minimal HTTPS client on tlskit: connects, verifies the server, sends one HTTP/1.1 GET
//! and prints the response.
//!
//! ```text
//! cargo run -p tlskit-handshake --example client -- \
//!     --connect localhost:4433 --ca ca.pem --server-name localhost \
//!     [--backend ring|rustcrypto|openssl] [--cert client.pem --key client.key] \
//!     [--path /] [--resume] [--trace]
//! ```
//!
//! With `--resume` it connects twice with the same session store and says whether the
//! second handshake was abbreviated. With `--trace` the handshake flow goes to stderr.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tlskit_handshake::verify::WebPkiServerVerifier;
use tlskit_handshake::{CertifiedKey, ClientConfig, ClientConnection, Stream, TraceSink};

const USAGE: &str = "usage: client --connect HOST:PORT --ca CA.pem [--server-name NAME] \
[--backend ring|rustcrypto|openssl] [--cert CHAIN.pem --key KEY.pem] [--path /] [--resume] [--trace]";

/// Command-line options.
#[derive(Debug)]
struct Options {
    connect: String,
    ca: String,
    server_name: String,
    backend: Option<String>,
    cert: Option<String>,
    key: Option<String>,
    path: String,
    resume: bool,
    trace: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let (mut connect, mut ca, mut server_name, mut backend, mut cert, mut key) =
        (None, None, None, None, None, None);
    let (mut path, mut resume, mut trace) = ("/".to_string(), false, false);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--connect" => connect = Some(value()?),
            "--ca" => ca = Some(value()?),
            "--server-name" => server_name = Some(value()?),
            "--backend" => backend = Some(value()?),
            "--cert" => cert = Some(value()?),
            "--key" => key = Some(value()?),
            "--path" => path = value()?,
            "--resume" => resume = true,
            "--trace" => trace = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let connect = connect.ok_or_else(|| format!("--connect is required\n{USAGE}"))?;
    let ca = ca.ok_or_else(|| format!("--ca is required\n{USAGE}"))?;
    // Default the name to the host part of HOST:PORT (brackets stripped for IPv6).
    let server_name = match server_name {
        Some(n) => n,
        None => connect
            .rsplit_once(':')
            .map(|(host, _)| host.trim_start_matches('[').trim_end_matches(']'))
            .unwrap_or(&connect)
            .to_string(),
    };
    if cert.is_some() != key.is_some() {
        return Err("--cert and --key go together".into());
    }
    if !path.starts_with('/') {
        return Err("--path must start with '/'".into());
    }
    Ok(Options {
        connect,
        ca,
        server_name,
        backend,
        cert,
        key,
        path,
        resume,
        trace,
    })
}

fn read_file(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn build_config(opts: &Options) -> Result<Arc<ClientConfig>, String> {
    let provider = tlskit_providers::by_name_or_default(opts.backend.as_deref())?;
    let verifier = WebPkiServerVerifier::from_pem(&read_file(&opts.ca)?, provider)
        .map_err(|e| format!("{}: {e}", opts.ca))?;
    let mut config = ClientConfig::new(provider, Arc::new(verifier));
    config.common.alpn_protocols = vec![b"http/1.1".to_vec()];
    if let (Some(cert), Some(key)) = (&opts.cert, &opts.key) {
        let certified = CertifiedKey::from_pem(provider, &read_file(cert)?, &read_file(key)?)
            .map_err(|e| format!("client certificate: {e}"))?;
        config.client_cert = Some(Arc::new(certified));
    }
    Ok(Arc::new(config))
}

/// What one connection did.
struct Fetched {
    response: Vec<u8>,
    resumed: bool,
    /// The server ended the response with close_notify (not just a TCP close).
    clean_close: bool,
}

fn fetch(opts: &Options, config: &Arc<ClientConfig>) -> Result<Fetched, String> {
    let addr = opts
        .connect
        .to_socket_addrs()
        .map_err(|e| format!("{}: {e}", opts.connect))?
        .next()
        .ok_or_else(|| format!("{}: no address", opts.connect))?;
    let sock = TcpStream::connect_timeout(&addr, Duration::from_secs(10))
        .map_err(|e| format!("connect {addr}: {e}"))?;
    let timeout = Some(Duration::from_secs(30));
    sock.set_read_timeout(timeout).map_err(|e| e.to_string())?;
    sock.set_write_timeout(timeout).map_err(|e| e.to_string())?;
    let trace = opts.trace.then(TraceSink::stderr);
    let conn = ClientConnection::with_trace(config.clone(), &opts.server_name, trace)
        .map_err(|e| format!("client: {e}"))?;
    let mut tls = Stream::new(conn, sock);
    tls.handshake().map_err(|e| format!("handshake: {e}"))?;

    let n = tls.conn.negotiated();
    eprintln!(
        "* connected to {addr}: {} {} group={} signature={} alpn={} ems={} resumed={}",
        n.version.map_or("?", |v| v.name()),
        n.suite.map_or("?", |s| s.name),
        n.group.map_or("-", |g| g.name()),
        n.signature_scheme.map_or("-", |s| s.name()),
        n.alpn
            .as_deref()
            .map_or("-".into(), |a| String::from_utf8_lossy(a).into_owned()),
        n.extended_master_secret,
        n.resumed,
    );
    let resumed = n.resumed;

    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: tlskit-example\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        opts.path, opts.server_name
    );
    tls.write_all(request.as_bytes())
        .and_then(|()| tls.flush())
        .map_err(|e| format!("send request: {e}"))?;

    let mut response = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let clean_close = loop {
        match tls.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => response.extend_from_slice(&buf[..n]),
            // Many HTTP servers close the TCP connection without close_notify after a
            // `Connection: close` response; keep what arrived and say so.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break false,
            Err(e) => return Err(format!("read response: {e}")),
        }
    };
    if clean_close {
        // Answer the server's close_notify (RFC 5246 §7.2.1); the peer may be gone.
        let _ = tls.close();
    }
    Ok(Fetched {
        response,
        resumed,
        clean_close,
    })
}

fn run(opts: &Options) -> Result<(), String> {
    let config = build_config(opts)?;
    let rounds = if opts.resume { 2 } else { 1 };
    let mut resumed = Vec::new();
    for round in 1..=rounds {
        let fetched = fetch(opts, &config)?;
        if !fetched.clean_close {
            eprintln!("* warning: the server closed the connection without close_notify");
        }
        let mut out = io::stdout().lock();
        out.write_all(&fetched.response)
            .and_then(|()| out.flush())
            .map_err(|e| format!("stdout: {e}"))?;
        if rounds > 1 {
            eprintln!(
                "* connection {round}: {}",
                if fetched.resumed {
                    "resumed"
                } else {
                    "full handshake"
                }
            );
        }
        resumed.push(fetched.resumed);
    }
    if opts.resume {
        let second = resumed.get(1).copied().unwrap_or(false);
        println!(
            "\nsecond connection resumed: {}",
            if second { "yes" } else { "no" }
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let opts = match parse_args(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
