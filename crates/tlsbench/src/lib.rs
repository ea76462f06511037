//! tlsbench: the load generator and benchmark server of tlskit.
//!
//! The binary's modules, exposed as a library so integration tests can drive the engine:
//! - [`session`]: the [`Session`](session::Session) / [`SessionFactory`](session::SessionFactory)
//!   seam to a TLS implementation, and the null session used to test the engine;
//! - [`engine`]: client and server worker threads, one mio event loop each;
//! - [`load`], [`scale`], [`serve`], [`aead`]: the commands; [`report`] and [`plot`]: the
//!   table, the JSON and the summary with SVG plots.

pub mod aead;
pub mod cli;
pub mod clock;
pub mod credentials;
pub mod engine;
pub mod interrupt;
pub mod load;
pub mod machine;
pub mod plot;
pub mod report;
pub mod scale;
pub mod serve;
pub mod session;
pub mod stats;
pub mod sys;
pub mod tlskit;
pub mod trace;
