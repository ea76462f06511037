//! # tlskit-handshake
//!
//! TLS client and server state machines, the record layer, and a sans-I/O connection API
//! in the shape Rust users know from rustls: [`ClientConnection`] / [`ServerConnection`]
//! take bytes in with `read_tls`, process them with `process_new_packets`, hand bytes out
//! with `write_tls`; plaintext goes through `reader()` / `writer()`. [`Stream`] is the
//! blocking convenience over any `Read + Write`.
//!
//! Secure defaults: AEAD suites only, ECDHE only, extended master secret required,
//! renegotiation refused, certificates verified with `tlskit-x509`.

#![forbid(unsafe_code)]

mod api;
mod chain_cache;
mod client;
pub mod config;
mod conn;
mod error;
mod exporter;
pub mod record;
mod server;
pub mod session;
mod state;
mod stream;
#[cfg(test)]
extern crate self as tlskit_handshake;
pub mod suites;
#[cfg(test)]
mod tests;
pub mod ticketer;
mod tls12;
mod tls13;
pub mod trace;
pub mod verify;

pub use client::ClientConnection;
pub use config::{
    CertifiedKey, ClientAuth, ClientConfig, CommonConfig, ResolvesServerCert, ServerConfig,
};
pub use conn::{Negotiated, Side};
pub use error::Error;
pub use server::ServerConnection;
pub use state::SignatureRequest;
pub use stream::Stream;
pub use suites::{CipherSuite, ProtocolVersion};
pub use trace::TraceSink;
pub use verify::{ClientCertVerifier, ServerCertVerifier};
