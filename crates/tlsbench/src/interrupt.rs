//! Ctrl-C (SIGINT) and SIGTERM: a flag that the load coordinator and `tlsbench serve` poll.
//!
//! The signal handler only sets an atomic flag (signal-hook's async-signal-safe
//! `flag::register`); the threads that poll it stop the work in an orderly way, so partial
//! results can still be printed and written. A second signal while the first is being
//! handled ends the process at once (exit status 130), for a user who does not want to
//! wait for the grace period.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long open connections may take to finish once a load is interrupted; those still
/// open after it are aborted and counted as `aborted/interrupted`.
pub const GRACE: Duration = Duration::from_millis(500);

/// Exit status after an interrupted run (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;

/// A stop request: set by SIGINT/SIGTERM (after [`Interrupt::on_signals`]) or by
/// [`Interrupt::fire`] (tests, embedding code).
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    /// A flag that only [`Interrupt::fire`] sets.
    pub fn new() -> Self {
        Interrupt::default()
    }

    /// A flag that SIGINT and SIGTERM set. A second signal of either kind, once the flag
    /// is set, terminates the process with [`EXIT_INTERRUPTED`].
    pub fn on_signals() -> Result<Self, String> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        use signal_hook::flag;
        let interrupt = Interrupt::new();
        for signal in [SIGINT, SIGTERM] {
            // Registered first, so it sees the flag as the previous signal left it.
            flag::register_conditional_shutdown(signal, EXIT_INTERRUPTED, interrupt.0.clone())
                .map_err(|e| format!("installing the signal handler: {e}"))?;
            flag::register(signal, interrupt.0.clone())
                .map_err(|e| format!("installing the signal handler: {e}"))?;
        }
        Ok(interrupt)
    }

    /// Requests the stop.
    pub fn fire(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was requested.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fire_sets_the_flag_for_every_clone() {
        let a = Interrupt::new();
        let b = a.clone();
        assert!(!b.is_set());
        a.fire();
        assert!(b.is_set());
    }
}
