//! The client's retry policy: which failures are retried, how many times, and how long to
//! wait between attempts (exponential backoff with full jitter).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Why a failed call may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryKind {
    /// The service is throttling the caller.
    Throttling,
    /// A transient failure: a 5xx response, a dropped connection, a timeout.
    Transient,
}

/// The retry kind of a modeled error: what the model declares, else throttling for the
/// error codes AWS uses for throttling, else transient for server faults (5xx).
pub fn modeled_retry_kind(
    code: &str,
    http_status: u16,
    declared: Option<RetryKind>,
) -> Option<RetryKind> {
    declared.or_else(|| {
        if crate::error::is_throttling_code(code) || http_status == 429 {
            Some(RetryKind::Throttling)
        } else if http_status >= 500 {
            Some(RetryKind::Transient)
        } else {
            None
        }
    })
}

/// How a client retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    /// Total attempts, including the first (1 disables retries).
    pub max_attempts: u32,
    /// The backoff before the first retry; doubled for each further retry.
    pub initial_backoff: Duration,
    /// The longest wait between attempts.
    pub max_backoff: Duration,
}

impl Default for RetryConfig {
    /// Three attempts, backing off from 50 ms up to 20 s.
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl RetryConfig {
    /// No retries at all.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before retry number `retry` (1 for the first retry): a random duration
    /// between zero and `initial_backoff * 2^(retry - 1)`, capped at `max_backoff`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(31);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random_u64() % (nanos + 1))
    }
}

/// A random number from the standard library's per-process hash keys, which is all the
/// jitter needs.
pub(crate) fn random_u64() -> u64 {
    // Each `RandomState` gets new keys, and the counter separates calls that share them.
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_the_doubling_ceiling_and_the_cap() {
        let cfg = RetryConfig {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
        };
        for _ in 0..100 {
            assert!(cfg.backoff(1) <= Duration::from_millis(100));
            assert!(cfg.backoff(2) <= Duration::from_millis(200));
            assert!(cfg.backoff(10) <= Duration::from_millis(300));
        }
    }

    #[test]
    fn zero_initial_backoff_never_waits() {
        let cfg = RetryConfig {
            initial_backoff: Duration::ZERO,
            ..RetryConfig::default()
        };
        assert_eq!(cfg.backoff(3), Duration::ZERO);
    }
}
