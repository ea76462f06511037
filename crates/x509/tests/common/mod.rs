//! Helpers shared by the integration tests.

pub mod limbo_runner;
pub mod pki;
