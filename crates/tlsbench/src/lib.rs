//! tlsbench: the load generator and benchmark server of tlskit.
//!
//! The binary's modules, exposed as a library so integration tests can drive the engine.
//! See the crate README for the command line.

pub mod aead;
pub mod engine;
pub mod machine;
pub mod session;
pub mod stats;
pub mod sys;
pub mod trace;
