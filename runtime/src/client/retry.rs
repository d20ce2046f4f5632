//! The client's retry policy, as the AWS SDKs' *standard* retry mode defines it: which
//! failures are retried, how many attempts a call makes, how long to wait between them
//! (exponential backoff with full jitter), and the retry quota that stops a client from
//! retrying while a service is failing most calls.
//!
//! What is retried: throttling (the codes AWS uses for it and HTTP 429), transient failures
//! (HTTP 500, 502, 503 and 504, the transient error codes, connection failures, broken
//! connections and timeouts), and errors the model marks retryable. Client errors such as
//! validation failures never are. Which failure is which is decided in `wire::retryable`;
//! this module decides what to do about it.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::base::random::random_u64;
use crate::wire::retryable::RetryKind;

/// How a client retries.
///
/// The default is the AWS standard mode: 3 attempts, backing off from up to 1 s before the
/// first retry, doubling each time, never more than 20 s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    /// Total attempts, including the first (1 disables retries; 0 counts as 1).
    pub max_attempts: u32,
    /// The longest backoff before the first retry; doubled for each further retry. Each
    /// wait is drawn at random between zero and that ceiling (full jitter).
    pub initial_backoff: Duration,
    /// The longest wait between attempts.
    pub max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryConfig {
    /// The AWS standard mode: 3 attempts, 1 s initial backoff, 20 s cap.
    pub fn standard() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
        }
    }

    /// No retries at all.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// This policy with `max_attempts` attempts in total.
    #[must_use]
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// This policy with backoffs starting from `initial` and capped at `max`.
    #[must_use]
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// The total attempts a call makes at most (at least 1).
    pub fn attempts(&self) -> u32 {
        self.max_attempts.max(1)
    }

    /// The wait before retry number `retry` (1 for the first retry): a random duration
    /// between zero and `initial_backoff * 2^(retry - 1)`, capped at `max_backoff`.
    /// Saturating arithmetic keeps any configured duration safe.
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
        // The divisor is at least 2, so the remainder always exists.
        Duration::from_nanos(
            random_u64()
                .checked_rem(nanos.saturating_add(1))
                .unwrap_or(0),
        )
    }
}

/// The retry quota of one client: a token bucket that every retry draws from and successes
/// refill, so a client facing a failing service soon stops multiplying its load by retrying
/// (the standard mode's circuit breaker).
///
/// It starts full with [`RetryQuota::CAPACITY`] tokens. A retry costs
/// [`RetryQuota::RETRY_COST`], or [`RetryQuota::TIMEOUT_RETRY_COST`] after a timeout; when
/// the bucket cannot pay, the call returns its error instead of retrying. A call that
/// succeeds after retries gives back what its last retry cost; one that succeeds at once
/// adds [`RetryQuota::SUCCESS_REFILL`], up to the capacity.
#[derive(Debug)]
pub struct RetryQuota {
    tokens: AtomicU32,
}

impl Default for RetryQuota {
    fn default() -> Self {
        Self::new()
    }
}

impl RetryQuota {
    /// The tokens a full bucket holds.
    pub const CAPACITY: u32 = 500;
    /// The cost of a retry.
    pub const RETRY_COST: u32 = 5;
    /// The cost of a retry after a timeout.
    pub const TIMEOUT_RETRY_COST: u32 = 10;
    /// What a call that succeeds without retrying adds back.
    pub const SUCCESS_REFILL: u32 = 1;

    /// A full bucket.
    pub fn new() -> Self {
        RetryQuota {
            tokens: AtomicU32::new(Self::CAPACITY),
        }
    }

    /// The tokens left.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Relaxed)
    }

    /// What a retry after a failure of `kind` costs.
    pub fn cost(kind: RetryKind) -> u32 {
        match kind {
            RetryKind::Timeout => Self::TIMEOUT_RETRY_COST,
            RetryKind::Throttling | RetryKind::Transient => Self::RETRY_COST,
        }
    }

    /// Takes `cost` tokens if the bucket holds them; false (and nothing taken) if not.
    pub fn try_acquire(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Records a successful call: gives back `retry_cost` (what its last retry took), or
    /// [`RetryQuota::SUCCESS_REFILL`] when it did not retry, never above the capacity.
    pub fn on_success(&self, retry_cost: Option<u32>) {
        let refill = retry_cost.unwrap_or(Self::SUCCESS_REFILL);
        // A full bucket is the common case; reading first keeps successful calls from
        // contending on a write.
        if self.tokens.load(Ordering::Relaxed) >= Self::CAPACITY {
            return;
        }
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < Self::CAPACITY).then(|| t.saturating_add(refill).min(Self::CAPACITY))
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_standard_mode() {
        let cfg = RetryConfig::default();
        assert_eq!(cfg.max_attempts, 3);
        assert_eq!(cfg.initial_backoff, Duration::from_secs(1));
        assert_eq!(cfg.max_backoff, Duration::from_secs(20));
        assert_eq!(RetryConfig::disabled().attempts(), 1);
        assert_eq!(RetryConfig::standard().with_max_attempts(0).attempts(), 1);
    }

    #[test]
    fn backoff_stays_under_the_doubling_ceiling_and_the_cap() {
        let cfg = RetryConfig::standard()
            .with_max_attempts(5)
            .with_backoff(Duration::from_millis(100), Duration::from_millis(300));
        for _ in 0..100 {
            assert!(cfg.backoff(1) <= Duration::from_millis(100));
            assert!(cfg.backoff(2) <= Duration::from_millis(200));
            assert!(cfg.backoff(10) <= Duration::from_millis(300));
        }
    }

    #[test]
    fn backoff_is_jittered() {
        let cfg = RetryConfig::standard();
        let waits: std::collections::BTreeSet<Duration> = (0..20).map(|_| cfg.backoff(3)).collect();
        assert!(waits.len() > 10, "{waits:?}");
    }

    #[test]
    fn huge_backoffs_do_not_overflow() {
        let cfg = RetryConfig::standard().with_backoff(Duration::MAX, Duration::MAX);
        for retry in [0, 1, 2, 31, 32, 1000, u32::MAX] {
            let _ = cfg.backoff(retry);
        }
        let capped = RetryConfig::standard().with_backoff(Duration::MAX, Duration::from_secs(20));
        assert!(capped.backoff(u32::MAX) <= Duration::from_secs(20));
    }

    #[test]
    fn zero_initial_backoff_never_waits() {
        let cfg = RetryConfig::standard().with_backoff(Duration::ZERO, Duration::from_secs(20));
        assert_eq!(cfg.backoff(3), Duration::ZERO);
    }

    #[test]
    fn the_quota_drains_by_cost_and_refills_on_success() {
        let quota = RetryQuota::new();
        assert_eq!(quota.available(), 500);
        assert!(quota.try_acquire(RetryQuota::cost(RetryKind::Transient)));
        assert!(quota.try_acquire(RetryQuota::cost(RetryKind::Timeout)));
        assert_eq!(quota.available(), 485);
        quota.on_success(Some(10));
        assert_eq!(quota.available(), 495);
        quota.on_success(None);
        assert_eq!(quota.available(), 496);
        for _ in 0..10 {
            quota.on_success(None);
        }
        assert_eq!(quota.available(), 500, "never above the capacity");
        while quota.try_acquire(RetryQuota::RETRY_COST) {}
        assert_eq!(quota.available(), 0);
        assert!(!quota.try_acquire(1));
        quota.on_success(Some(RetryQuota::TIMEOUT_RETRY_COST));
        assert_eq!(quota.available(), 10);
    }
}
