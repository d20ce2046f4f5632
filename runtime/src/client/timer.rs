//! Waiting and time limits on tokio's timer, answered with an error where tokio would panic.
//!
//! `tokio::time::sleep` and `tokio::time::timeout` panic when they are called outside a tokio
//! runtime, or on a runtime built without its timer (`Builder::enable_time`). A client call
//! only needs the timer to wait before a retry or to enforce a timeout, and it can run on any
//! executor when its transport can (the in-memory one, or a user's own). So the client asks
//! here first and turns a missing timer into a typed error that says what to change.
//!
//! tokio's panic is caught where the timer is looked up, before any state exists, so the
//! process goes on; the panic hook still prints tokio's message. Under `panic = "abort"` it
//! aborts as tokio would: there, run calls that retry or time out on a runtime with its timer.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

/// Why the timer cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoTimer {
    /// The call is not running inside a tokio runtime.
    NoRuntime,
    /// The tokio runtime was built without its timer.
    Disabled,
}

impl NoTimer {
    /// What is missing and how to supply it, for error messages.
    pub(crate) fn explain(self) -> &'static str {
        match self {
            NoTimer::NoRuntime => {
                "it needs tokio's timer and is not running inside a tokio runtime (run the call \
                 on a tokio runtime built with `enable_time` or `enable_all`)"
            }
            NoTimer::Disabled => {
                "it needs tokio's timer and the tokio runtime was built without it (build the \
                 runtime with `enable_time` or `enable_all`)"
            }
        }
    }
}

/// Runs `make`, which looks up tokio's timer, turning tokio's panic when there is none into
/// the reason. (Asking first would need tokio's `rt` feature, which the core does without.)
fn guarded<T>(make: impl FnOnce() -> T) -> Result<T, NoTimer> {
    catch_unwind(AssertUnwindSafe(make)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or_default();
        if message.contains("timers are disabled") {
            NoTimer::Disabled
        } else {
            NoTimer::NoRuntime
        }
    })
}

/// A future that completes after `duration`.
pub(crate) fn sleep(duration: Duration) -> Result<tokio::time::Sleep, NoTimer> {
    guarded(|| tokio::time::sleep(duration))
}

/// `future`, limited to `duration`.
pub(crate) fn timeout<F: Future>(
    duration: Duration,
    future: F,
) -> Result<tokio::time::Timeout<F>, NoTimer> {
    guarded(|| tokio::time::timeout(duration, future))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_a_runtime_the_timer_is_missing_without_a_panic() {
        assert_eq!(
            sleep(Duration::from_millis(1)).err(),
            Some(NoTimer::NoRuntime)
        );
        assert_eq!(
            timeout(Duration::from_millis(1), async {}).err(),
            Some(NoTimer::NoRuntime)
        );
    }

    #[test]
    fn a_runtime_without_its_timer_is_reported_not_panicked() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let _inside = runtime.enter();
        assert_eq!(
            sleep(Duration::from_millis(1)).err(),
            Some(NoTimer::Disabled)
        );
        assert_eq!(
            timeout(Duration::from_millis(1), async {}).err(),
            Some(NoTimer::Disabled)
        );
    }

    #[tokio::test]
    async fn with_the_timer_both_work() {
        sleep(Duration::from_millis(1)).unwrap().await;
        assert_eq!(
            timeout(Duration::from_secs(5), async { 7 }).unwrap().await,
            Ok(7)
        );
    }
}
