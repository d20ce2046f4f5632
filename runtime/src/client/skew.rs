//! How far a service's clock is from this machine's, as the `Date` headers of its responses
//! show it.
//!
//! Each client keeps one [`ClockSkew`] (see [`Config::clock_skew`](crate::Config::clock_skew)):
//! every response updates it when its `Date` cannot be explained by the time the request
//! spent on the way, requests are signed at the service's time, and code that holds times
//! written on the service's clock (a credential `Expiration`) converts them to this
//! machine's. A request the service refused for its signing time is signed and sent again
//! once when its refusal taught the client a better estimate. This module only records what
//! responses say: it never changes the system clock, and nothing here is shared between
//! clients.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::wire::error::ErrorResponse;

/// How much further than the header's one-second resolution a `Date` may stray before it
/// counts as news: less is rounding, not a skewed clock.
const SLACK_MS: i64 = 1_000;

/// A service's clock minus this machine's, shared by the clones of one handle.
///
/// It starts at zero and follows the `Date` headers of the client's responses. Clones read
/// and update the same estimate, so a credentials provider can hold one while the client
/// keeps it current.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use aws_json_runtime::{ClockSkew, Config};
///
/// let config = Config::builder().build();
/// let skew: &ClockSkew = config.clock_skew();
/// assert_eq!(skew.millis(), 0);
/// let now = SystemTime::now();
/// assert_eq!(skew.server_time(now), now);
/// ```
#[derive(Clone, Default)]
pub struct ClockSkew(Arc<AtomicI64>);

impl fmt::Debug for ClockSkew {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClockSkew").field(&self.millis()).finish()
    }
}

impl ClockSkew {
    /// An estimate of zero: the service's clock is taken to agree with this machine's.
    pub fn new() -> Self {
        ClockSkew::default()
    }

    /// How many milliseconds the service's clock is ahead of this machine's (negative when
    /// it is behind).
    pub fn millis(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }

    /// The service's time when this machine's clock reads `local`.
    pub fn server_time(&self, local: SystemTime) -> SystemTime {
        shift(local, self.millis())
    }

    /// This machine's time when the service's clock reads `server` (for example when
    /// credentials whose `Expiration` the service wrote really expire).
    pub fn local_time(&self, server: SystemTime) -> SystemTime {
        shift(server, self.millis().saturating_neg())
    }

    /// Learns from the `Date` header of a response to a request sent at `sent` and answered
    /// at `received` (both on this machine's clock). Returns true when the estimate changed.
    ///
    /// The service wrote the header at some moment between those two, truncated to the
    /// second; a header that fits that window on the corrected clock leaves the estimate
    /// alone, so the skew does not wander with network delay. One that does not replaces it
    /// with the header's time (mid-second) minus the middle of the window.
    pub(crate) fn observe(
        &self,
        headers: &http::HeaderMap,
        sent: SystemTime,
        received: SystemTime,
    ) -> bool {
        let Some(date_ms) = headers
            .get(http::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::wire::date::parse_http_date)
            .map(|secs| secs.saturating_mul(1_000))
        else {
            return false;
        };
        let (sent, received) = (epoch_millis(sent), epoch_millis(received));
        let skew = self.millis();
        let earliest = sent.saturating_add(skew).saturating_sub(1_000 + SLACK_MS);
        let latest = received.saturating_add(skew).saturating_add(SLACK_MS);
        if (earliest..=latest).contains(&date_ms) {
            return false;
        }
        let middle = sent.saturating_add(received.saturating_sub(sent).saturating_div(2));
        let learnt = date_ms.saturating_add(500).saturating_sub(middle);
        self.0.store(learnt, Ordering::Relaxed);
        true
    }
}

/// True for an error the service answers when a request's signing time is too far from its
/// own clock: `RequestTimeTooSkewed`, `RequestExpired`, `RequestInTheFuture`, or an
/// `InvalidSignatureException` saying the signature expired or is not yet current.
pub(crate) fn is_skew_refusal(error: &ErrorResponse) -> bool {
    match error.code.as_deref() {
        Some("RequestTimeTooSkewed" | "RequestExpired" | "RequestInTheFuture") => true,
        Some("InvalidSignatureException") => error.message.as_deref().is_some_and(|m| {
            m.starts_with("Signature expired") || m.starts_with("Signature not yet current")
        }),
        _ => false,
    }
}

/// Milliseconds since the epoch, negative before it, saturating far outside `i64`'s range.
fn epoch_millis(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis())
            .unwrap_or(i64::MAX)
            .saturating_neg(),
    }
}

/// `time` moved by `ms` milliseconds either way; a time the clock cannot hold stays as it was.
fn shift(time: SystemTime, ms: i64) -> SystemTime {
    let by = Duration::from_millis(ms.unsigned_abs());
    let moved = if ms >= 0 {
        time.checked_add(by)
    } else {
        time.checked_sub(by)
    };
    moved.unwrap_or(time)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(time: SystemTime) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        let text = httpdate::fmt_http_date(time);
        headers.insert(http::header::DATE, text.parse().unwrap());
        headers
    }

    fn at(secs: u64, ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(ms)
    }

    #[test]
    fn a_date_within_the_round_trip_changes_nothing() {
        let skew = ClockSkew::new();
        let sent = at(1_700_000_000, 900);
        let received = at(1_700_000_001, 200);
        // Written during the round trip, truncated to the second.
        assert!(!skew.observe(&date(at(1_700_000_000, 0)), sent, received));
        assert!(!skew.observe(&date(at(1_700_000_001, 0)), sent, received));
        // Rounding and a second of slack either way are not news either.
        assert!(!skew.observe(&date(at(1_699_999_999, 0)), sent, received));
        assert!(!skew.observe(&date(at(1_700_000_002, 0)), sent, received));
        assert!(!skew.observe(&http::HeaderMap::new(), sent, received));
        assert_eq!(skew.millis(), 0);
    }

    #[test]
    fn a_date_hours_away_sets_the_skew_both_ways() {
        let skew = ClockSkew::new();
        let sent = at(1_700_000_000, 0);
        let received = at(1_700_000_000, 400);
        assert!(skew.observe(&date(at(1_700_007_200, 0)), sent, received));
        // The header's mid-second minus the middle of the round trip.
        assert_eq!(skew.millis(), 7_200_000 + 500 - 200);
        let local = at(1_700_000_100, 0);
        assert_eq!(skew.server_time(local), at(1_700_007_300, 300));
        assert_eq!(skew.local_time(skew.server_time(local)), local);
        // The same clock seen again is no news; a clock behind replaces the estimate.
        assert!(!skew.observe(&date(at(1_700_007_200, 0)), sent, received));
        assert!(skew.observe(&date(at(1_699_992_800, 0)), sent, received));
        assert_eq!(skew.millis(), -7_200_000 + 300);
        // Clones share the estimate.
        let clone = skew.clone();
        assert_eq!(clone.millis(), skew.millis());
        assert_eq!(format!("{clone:?}"), "ClockSkew(-7199700)");
    }

    #[test]
    fn skew_refusals_are_recognised_by_code_and_message() {
        let error = |code: &str, message: &str| ErrorResponse {
            status: 400,
            code: Some(code.to_owned()),
            message: Some(message.to_owned()),
            request_id: None,
            query_error: None,
            body: bytes::Bytes::new(),
        };
        assert!(is_skew_refusal(&error(
            "InvalidSignatureException",
            "Signature expired: 20240101T000000Z is now earlier than 20240101T015500Z"
        )));
        assert!(is_skew_refusal(&error(
            "InvalidSignatureException",
            "Signature not yet current: 20240101T020000Z is still later than 20240101T000500Z"
        )));
        assert!(is_skew_refusal(&error("RequestTimeTooSkewed", "")));
        assert!(is_skew_refusal(&error("RequestExpired", "")));
        assert!(!is_skew_refusal(&error(
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided."
        )));
        assert!(!is_skew_refusal(&error("NotAuthorizedException", "")));
    }

    /// An input with no members, for calls through a bare client core.
    struct Empty;

    impl serde::Serialize for Empty {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            s.serialize_map(Some(0))?.end()
        }
    }

    impl crate::Validate for Empty {
        fn validate(
            &self,
            _: &crate::wire::validate::Path<'_>,
            _: &mut Vec<crate::ConstraintViolation>,
        ) {
        }
    }

    use crate::client::test_support::EXAMPLE_SERVICE as SERVICE;

    static SIGNED: crate::OperationMeta = crate::OperationMeta {
        name: "Describe",
        target: "Example.Describe",
        unsigned: false,
        idempotent: false,
        pagination: None,
        gzip_request: false,
    };

    /// Seconds since the epoch of a SigV4 time (`20240101T000000Z`).
    fn amz_secs(text: &str) -> i64 {
        let n = |at: std::ops::Range<usize>| text[at].parse::<i64>().unwrap();
        let day = crate::wire::date::days_from_civil(n(0..4), n(4..6) as u32, n(6..8) as u32);
        day * 86_400 + n(9..11) * 3_600 + n(11..13) * 60 + n(13..15)
    }

    /// A service whose clock is `offset_secs` ahead of this machine's, refusing signatures
    /// more than five minutes off it as AWS does; `tell` says whether its refusals carry its
    /// `Date`.
    fn skewed_service(offset_secs: i64, tell: bool) -> crate::InMemoryTransport {
        crate::InMemoryTransport::from_fn(move |_, request| {
            let server = shift(SystemTime::now(), offset_secs.saturating_mul(1_000));
            let signed = request
                .headers()
                .get("x-amz-date")
                .and_then(|v| v.to_str().ok())
                .map(amz_secs)
                .unwrap();
            let off = signed.saturating_mul(1_000).abs_diff(epoch_millis(server));
            let (status, body) = if off <= 300_000 {
                (200, "{}".to_owned())
            } else {
                (400, r#"{"__type":"InvalidSignatureException","message":"Signature expired: 20240101T000000Z is now earlier than 20240101T015500Z"}"#.to_owned())
            };
            let mut response = crate::base::http::json_response(status, body.into());
            if tell || status == 200 {
                response.headers_mut().insert(
                    http::header::DATE,
                    httpdate::fmt_http_date(server).parse().unwrap(),
                );
            }
            Ok(response)
        })
    }

    fn core(transport: crate::InMemoryTransport) -> crate::ClientCore {
        let config = crate::Config::builder()
            .region("us-east-1")
            .credentials(crate::auth::credentials::Credentials::new(
                "AKID", "secret", None, None, "test",
            ))
            .transport(transport)
            .build();
        crate::ClientCore::new(&SERVICE, config)
    }

    async fn call(
        core: &crate::ClientCore,
    ) -> Result<serde_json::Value, crate::client::test_support::TestError> {
        core.invoke(&SIGNED, &Empty).await
    }

    #[tokio::test]
    async fn a_call_refused_for_skew_is_signed_again_once_at_the_service_time() {
        for offset in [7_200, -7_200] {
            let transport = skewed_service(offset, true);
            let core = core(transport.clone());
            call(&core).await.unwrap();
            assert_eq!(transport.request_count(), 2, "refused, then accepted");
            let learnt = core.config().clock_skew().millis();
            assert!(learnt.abs_diff(offset * 1_000) <= 2_000, "{learnt}");
            // Later calls are signed at the service's time from the start.
            call(&core).await.unwrap();
            assert_eq!(transport.request_count(), 3);
        }
    }

    #[tokio::test]
    async fn a_refusal_that_teaches_nothing_is_not_sent_again() {
        let transport = skewed_service(7_200, false);
        let core = core(transport.clone());
        let error = call(&core).await.unwrap_err();
        assert_eq!(error.0.code(), Some("InvalidSignatureException"));
        assert_eq!(transport.request_count(), 1);
        assert_eq!(core.config().clock_skew().millis(), 0);
    }

    #[test]
    fn each_client_keeps_its_own_estimate() {
        let config = crate::Config::builder().build();
        config.clock_skew().0.store(5_000, Ordering::Relaxed);
        let core = crate::ClientCore::new(&SERVICE, config.clone());
        assert_eq!(core.config().clock_skew().millis(), 0);
        assert_eq!(config.clock_skew().millis(), 5_000);
    }

    #[test]
    fn times_before_the_epoch_and_extreme_estimates_are_handled() {
        assert_eq!(shift(UNIX_EPOCH, -1), UNIX_EPOCH - Duration::from_millis(1));
        assert_eq!(epoch_millis(UNIX_EPOCH - Duration::from_secs(2)), -2_000);
        // The most negative estimate negates without overflow.
        let skew = ClockSkew::new();
        skew.0.store(i64::MIN, Ordering::Relaxed);
        assert!(skew.local_time(UNIX_EPOCH) > UNIX_EPOCH);
    }
}
