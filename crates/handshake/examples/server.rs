//! A minimal HTTPS server on tlskit: answers every request with a small HTTP/1.1 200
//! response describing the TLS session. One thread per connection.
//!
//! ```text
//! cargo run -p tlskit-handshake --example server -- \
//!     --listen 127.0.0.1:4433 --cert chain.pem --key key.pem \
//!     [--client-ca ca.pem [--client-auth-optional]] [--ocsp response.der]
//!     [--backend ring|rustcrypto|openssl] [--trace]
//! ```
//!
//! `--ocsp` staples a DER OCSP response (e.g. from `openssl ocsp -respout`) to handshakes
//! whose client asks for it (`openssl s_client -status`, browsers).
//!
//! Keep-alive is supported; after a request with `Connection: close`, or any HTTP/1.0
//! request, the server sends close_notify and closes. `--listen 127.0.0.1:0` picks a free
//! port; the address actually bound is printed first on stdout.
//!
//! ```text
//! curl --cacert ca.pem https://localhost:4433/
//! openssl s_client -connect localhost:4433 -CAfile ca.pem
//! ```

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tlskit_handshake::verify::WebPkiClientVerifier;
use tlskit_handshake::{
    CertifiedKey, ClientAuth, ProtocolVersion, ServerConfig, ServerConnection, Stream, TraceSink,
};

const USAGE: &str = "usage: server --listen ADDR --cert CHAIN.pem --key KEY.pem \
[--client-ca CA.pem [--client-auth-optional]] [--ocsp RESPONSE.der] \
[--backend ring|rustcrypto|openssl] [--trace]";

/// Largest request head (request line + headers) accepted.
const MAX_HEAD: usize = 16 * 1024;
/// Largest request body skipped over (bodies are not used).
const MAX_BODY: u64 = 1024 * 1024;
/// A connection idle this long is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug)]
struct Options {
    listen: String,
    cert: String,
    key: String,
    client_ca: Option<String>,
    client_auth_optional: bool,
    ocsp: Option<String>,
    backend: Option<String>,
    trace: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let (mut listen, mut cert, mut key, mut client_ca, mut backend, mut ocsp) =
        (None, None, None, None, None, None);
    let (mut client_auth_optional, mut trace) = (false, false);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--listen" => listen = Some(value()?),
            "--cert" => cert = Some(value()?),
            "--key" => key = Some(value()?),
            "--client-ca" => client_ca = Some(value()?),
            "--client-auth-optional" => client_auth_optional = true,
            "--ocsp" => ocsp = Some(value()?),
            "--backend" => backend = Some(value()?),
            "--trace" => trace = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if client_auth_optional && client_ca.is_none() {
        return Err("--client-auth-optional needs --client-ca".into());
    }
    Ok(Options {
        listen: listen.ok_or_else(|| format!("--listen is required\n{USAGE}"))?,
        cert: cert.ok_or_else(|| format!("--cert is required\n{USAGE}"))?,
        key: key.ok_or_else(|| format!("--key is required\n{USAGE}"))?,
        client_ca,
        client_auth_optional,
        ocsp,
        backend,
        trace,
    })
}

fn read_file(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn build_config(opts: &Options) -> Result<Arc<ServerConfig>, String> {
    let provider = tlskit_providers::by_name_or_default(opts.backend.as_deref())?;
    let mut certified =
        CertifiedKey::from_pem(provider, &read_file(&opts.cert)?, &read_file(&opts.key)?)
            .map_err(|e| format!("server certificate: {e}"))?;
    if let Some(path) = &opts.ocsp {
        certified = certified.with_ocsp(read_file(path)?);
    }
    let mut config = ServerConfig::new(provider, Arc::new(certified)).map_err(|e| e.to_string())?;
    // HTTP/1.x only: answering ALPN with a protocol we do not speak would be wrong, and
    // offering none that the client sent ends in no_application_protocol (RFC 7301 §3.2).
    config.common.alpn_protocols = vec![b"http/1.1".to_vec(), b"http/1.0".to_vec()];
    if let Some(ca) = &opts.client_ca {
        let verifier = Arc::new(
            WebPkiClientVerifier::from_pem(&read_file(ca)?, provider)
                .map_err(|e| format!("{ca}: {e}"))?,
        );
        config.client_auth = if opts.client_auth_optional {
            ClientAuth::Optional(verifier)
        } else {
            ClientAuth::Required(verifier)
        };
    }
    Ok(Arc::new(config))
}

/// A parsed request head.
struct Request {
    method: String,
    target: String,
    version: String,
    /// The client asked to close after this response (HTTP/1.0, or `Connection: close`).
    close: bool,
    content_length: u64,
}

/// Parses the request line and the headers we care about (RFC 9112 §3, §9.6).
fn parse_head(head: &[u8]) -> Result<Request, &'static str> {
    let text = std::str::from_utf8(head).map_err(|_| "request head is not UTF-8")?;
    let mut lines = text.split("\r\n");
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("malformed request line");
    };
    if method.is_empty() || target.is_empty() {
        return Err("malformed request line");
    }
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => return Err("unsupported HTTP version"),
    };
    let mut close = http10;
    let mut content_length = 0;
    for line in lines.filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').ok_or("malformed header line")?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("connection") {
            for token in value.split(',').map(str::trim) {
                if token.eq_ignore_ascii_case("close") {
                    close = true;
                }
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            content_length = value.parse().map_err(|_| "bad Content-Length")?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err("request bodies with Transfer-Encoding are not supported");
        }
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        close,
        content_length,
    })
}

/// Describes the session in the response body.
fn session_summary(conn: &ServerConnection, backend: &str) -> String {
    let n = conn.negotiated();
    format!(
        "protocol: {}\ncipher suite: {}\nkey exchange: {}\nsignature scheme: {}\nALPN: {}\n\
         extended master secret: {}\nresumed: {}\nSNI: {}\nclient certificate: {}\nbackend: {}\n",
        n.version.map_or("?", |v| v.name()),
        n.suite.map_or("?", |s| s.name),
        n.group.map_or("- (resumed)", |g| g.name()),
        n.signature_scheme.map_or("-", |s| s.name()),
        n.alpn
            .as_deref()
            .map_or("-".into(), |a| String::from_utf8_lossy(a).into_owned()),
        match (n.version, n.extended_master_secret) {
            (Some(ProtocolVersion::Tls13), _) => "n/a (TLS 1.3)",
            (_, true) => "yes",
            (_, false) => "no",
        },
        if n.resumed { "yes" } else { "no" },
        n.server_name.as_deref().unwrap_or("-"),
        if n.peer_certificates.is_empty() {
            "none".to_string()
        } else {
            format!("verified chain of {}", n.peer_certificates.len())
        },
        backend,
    )
}

/// Reads from `tls` into `pending` until it holds a whole request head; returns the head
/// length (through the blank line), or `None` if the peer closed cleanly before a request.
fn read_head(
    tls: &mut Stream<ServerConnection, TcpStream>,
    pending: &mut Vec<u8>,
) -> io::Result<Option<usize>> {
    let mut buf = [0u8; 8192];
    loop {
        if let Some(pos) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            return Ok(Some(pos + 4));
        }
        if pending.len() > MAX_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request head too large",
            ));
        }
        match tls.read(&mut buf)? {
            0 if pending.is_empty() => return Ok(None),
            0 => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "closed in the middle of a request",
                ))
            }
            n => pending.extend_from_slice(&buf[..n]),
        }
    }
}

/// Discards `len` body bytes, first from `pending`, then from the stream.
fn skip_body(
    tls: &mut Stream<ServerConnection, TcpStream>,
    pending: &mut Vec<u8>,
    len: u64,
) -> io::Result<()> {
    let from_pending = usize::try_from(len)
        .unwrap_or(usize::MAX)
        .min(pending.len());
    pending.drain(..from_pending);
    let mut left = len - from_pending as u64;
    let mut buf = [0u8; 8192];
    while left > 0 {
        let want = usize::try_from(left).unwrap_or(buf.len()).min(buf.len());
        let n = tls.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed in the middle of a body",
            ));
        }
        left -= n as u64;
    }
    Ok(())
}

fn respond(
    tls: &mut Stream<ServerConnection, TcpStream>,
    status: &str,
    body: &str,
    close: bool,
) -> io::Result<()> {
    let response = format!(
        "HTTP/1.1 {status}\r\nServer: tlskit-example\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: {}\r\n\r\n{body}",
        body.len(),
        if close { "close" } else { "keep-alive" }
    );
    tls.write_all(response.as_bytes())?;
    tls.flush()
}

/// Serves requests on one TLS connection until the client closes it (close_notify between
/// requests) or asks us to (Connection: close, HTTP/1.0), or a request is malformed.
fn serve(
    tls: &mut Stream<ServerConnection, TcpStream>,
    peer: SocketAddr,
    backend: &str,
) -> io::Result<()> {
    let mut pending = Vec::new();
    loop {
        let Some(head_len) = read_head(tls, &mut pending)? else {
            return Ok(());
        };
        let head: Vec<u8> = pending.drain(..head_len).collect();
        let request = match parse_head(&head) {
            Ok(r) if r.content_length <= MAX_BODY => r,
            Ok(_) => {
                respond(
                    tls,
                    "413 Content Too Large",
                    "request body too large\n",
                    true,
                )?;
                return Ok(());
            }
            Err(why) => {
                eprintln!("{peer}: bad request: {why}");
                respond(tls, "400 Bad Request", &format!("{why}\n"), true)?;
                return Ok(());
            }
        };
        skip_body(tls, &mut pending, request.content_length)?;
        let body = format!(
            "Hello from tlskit!\nrequest: {} {} {}\n{}",
            request.method,
            request.target,
            request.version,
            session_summary(&tls.conn, backend)
        );
        respond(tls, "200 OK", &body, request.close)?;
        eprintln!(
            "{peer}: {} {} {} -> 200{}",
            request.method,
            request.target,
            request.version,
            if request.close { " (closing)" } else { "" }
        );
        if request.close {
            return Ok(());
        }
    }
}

fn handle(config: Arc<ServerConfig>, sock: TcpStream, peer: SocketAddr, trace: bool) {
    let _ = sock.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = sock.set_write_timeout(Some(IDLE_TIMEOUT));
    let backend = config.common.provider.name();
    let sink = trace.then(TraceSink::stderr);
    let conn = match ServerConnection::with_trace(config, sink) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{peer}: {e}");
            return;
        }
    };
    let mut tls = Stream::new(conn, sock);
    if let Err(e) = tls.handshake() {
        eprintln!("{peer}: handshake failed: {e}");
        return;
    }
    {
        let n = tls.conn.negotiated();
        eprintln!(
            "{peer}: {} {} resumed={} client-cert={}",
            n.version.map_or("?", |v| v.name()),
            n.suite.map_or("?", |s| s.name),
            n.resumed,
            !n.peer_certificates.is_empty()
        );
    }
    match serve(&mut tls, peer, backend) {
        Ok(()) => {
            // close_notify (ours, or the answer to theirs), then end the TCP stream.
            if let Err(e) = tls.close() {
                eprintln!("{peer}: close: {e}");
            }
        }
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            eprintln!("{peer}: client went away without close_notify");
        }
        Err(e) => {
            eprintln!("{peer}: {e}");
            // Whatever alert the failure produced was already flushed by the stream.
        }
    }
    let _ = tls.sock.shutdown(Shutdown::Both);
}

fn run(opts: &Options) -> Result<(), String> {
    let config = build_config(opts)?;
    let listener =
        TcpListener::bind(&opts.listen).map_err(|e| format!("bind {}: {e}", opts.listen))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!(
        "listening on {local} (backend {}, client auth {})",
        config.common.provider.name(),
        match &config.client_auth {
            ClientAuth::Off => "off",
            ClientAuth::Optional(_) => "optional",
            ClientAuth::Required(_) => "required",
        }
    );
    io::stdout().flush().map_err(|e| e.to_string())?;
    for incoming in listener.incoming() {
        match incoming {
            Ok(sock) => {
                let peer = sock
                    .peer_addr()
                    .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)));
                let config = config.clone();
                let trace = opts.trace;
                std::thread::spawn(move || handle(config, sock, peer, trace));
            }
            Err(e) => eprintln!("accept: {e}"),
        }
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
