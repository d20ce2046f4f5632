//! Spans for calls and attempts, behind the `tracing` feature: one `aws.call` span per call
//! (service, operation, attempts, outcome, elapsed time) and, inside it, one `aws.attempt`
//! span per attempt (attempt number, HTTP status, request id, retry decision, elapsed time).
//!
//! Nothing secret is ever recorded: no credentials, tokens, signatures, headers other than
//! the request id, or bodies. Without the feature every type here is empty and every method
//! does nothing, so the dispatch loop compiles to what it was. With it but no subscriber
//! listening, each span is found disabled once, when it is made (a level check and the
//! callsite's cached interest), and then dropped: the call runs without an `Instrumented`
//! wrapper, no field is recorded and no clock is read. The methods are `#[inline]`, so that
//! the generated crates, where the dispatch loop is instantiated, see that fast path whole
//! instead of calling across crates for it.

/// Awaits `$future` inside the span of `$trace` (a [`CallTrace`] or an [`AttemptTrace`]),
/// or as it is when nothing listens or the feature is off.
#[cfg(feature = "tracing")]
macro_rules! traced {
    ($trace:expr, $future:expr) => {
        // The future is written in both arms rather than bound first, so that the caller's
        // state keeps one of the two alive at a time, not both.
        match $trace.span() {
            Some(span) => ::tracing::Instrument::instrument($future, span.clone()).await,
            None => $future.await,
        }
    };
}

/// Awaits `$future` inside the span of `$trace` (a [`CallTrace`] or an [`AttemptTrace`]),
/// or as it is when nothing listens or the feature is off.
#[cfg(not(feature = "tracing"))]
macro_rules! traced {
    ($trace:expr, $future:expr) => {
        $future.await
    };
}

pub(super) use traced;

#[cfg(feature = "tracing")]
mod on {
    use std::time::Instant;

    use crate::base::meta::{OperationMeta, ServiceMeta};

    /// The span of one call, `None` when nothing listens.
    pub(in crate::client) struct CallTrace {
        span: Option<tracing::Span>,
        start: Option<Instant>,
    }

    /// The span of one attempt, `None` when nothing listens.
    pub(in crate::client) struct AttemptTrace {
        span: Option<tracing::Span>,
        start: Option<Instant>,
    }

    /// `span`, unless it is disabled; then its clock reading, taken only for a live span.
    #[inline]
    fn live(span: tracing::Span) -> (Option<tracing::Span>, Option<Instant>) {
        if span.is_disabled() {
            (None, None)
        } else {
            (Some(span), Some(Instant::now()))
        }
    }

    /// Microseconds since `start`, saturating.
    fn micros(start: Option<Instant>) -> u64 {
        start.map_or(0, |s| {
            u64::try_from(s.elapsed().as_micros()).unwrap_or(u64::MAX)
        })
    }

    impl CallTrace {
        #[inline]
        pub(in crate::client) fn new(service: &ServiceMeta, op: &OperationMeta) -> Self {
            let span = tracing::info_span!(
                "aws.call",
                service = service.service_id,
                operation = op.name,
                attempts = tracing::field::Empty,
                outcome = tracing::field::Empty,
                elapsed_us = tracing::field::Empty,
            );
            let (span, start) = live(span);
            CallTrace { span, start }
        }

        /// The call's span, if anything listens.
        #[inline]
        pub(in crate::client) fn span(&self) -> Option<&tracing::Span> {
            self.span.as_ref()
        }

        /// The span of attempt `attempt`, a child of the call's (a root span when the call's
        /// is disabled, as a child of a disabled span would be).
        #[inline]
        pub(in crate::client) fn attempt(&self, attempt: u32) -> AttemptTrace {
            let span = tracing::info_span!(
                parent: self.span.as_ref().and_then(tracing::Span::id),
                "aws.attempt",
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                retry = tracing::field::Empty,
                elapsed_us = tracing::field::Empty,
            );
            let (span, start) = live(span);
            AttemptTrace { span, start }
        }

        /// Records how the call ended after `attempts` attempts.
        #[inline]
        pub(in crate::client) fn finish(&self, attempts: u32, ok: bool) {
            let Some(span) = &self.span else {
                return;
            };
            span.record("attempts", attempts);
            span.record("outcome", if ok { "success" } else { "error" });
            span.record("elapsed_us", micros(self.start));
        }
    }

    impl AttemptTrace {
        /// The attempt's span, if anything listens.
        #[inline]
        pub(in crate::client) fn span(&self) -> Option<&tracing::Span> {
            self.span.as_ref()
        }

        /// Records the status and request id of a response to the attempt.
        #[inline]
        pub(in crate::client) fn response(&self, status: u16, headers: &http::HeaderMap) {
            let Some(span) = &self.span else {
                return;
            };
            span.record("status", status);
            let id = headers
                .get("x-amzn-requestid")
                .or_else(|| headers.get("x-amz-request-id"))
                .and_then(|v| v.to_str().ok());
            if let Some(id) = id {
                span.record("request_id", id);
            }
        }

        /// Records whether the call goes on to another attempt, and why not, then the time
        /// the attempt took.
        #[inline]
        pub(in crate::client) fn finish(&self, retry: &'static str) {
            let Some(span) = &self.span else {
                return;
            };
            span.record("retry", retry);
            span.record("elapsed_us", micros(self.start));
        }
    }
}

#[cfg(not(feature = "tracing"))]
mod off {
    use crate::base::meta::{OperationMeta, ServiceMeta};

    /// No span: the `tracing` feature is off.
    pub(in crate::client) struct CallTrace;

    /// No span: the `tracing` feature is off.
    pub(in crate::client) struct AttemptTrace;

    impl CallTrace {
        #[inline(always)]
        pub(in crate::client) fn new(_: &ServiceMeta, _: &OperationMeta) -> Self {
            CallTrace
        }

        #[inline(always)]
        pub(in crate::client) fn attempt(&self, _: u32) -> AttemptTrace {
            AttemptTrace
        }

        #[inline(always)]
        pub(in crate::client) fn finish(&self, _: u32, _: bool) {}
    }

    impl AttemptTrace {
        #[inline(always)]
        pub(in crate::client) fn response(&self, _: u16, _: &http::HeaderMap) {}

        #[inline(always)]
        pub(in crate::client) fn finish(&self, _: &'static str) {}
    }
}

#[cfg(not(feature = "tracing"))]
pub(super) use off::{AttemptTrace, CallTrace};
#[cfg(feature = "tracing")]
pub(super) use on::{AttemptTrace, CallTrace};

#[cfg(all(test, feature = "tracing"))]
mod tests {
    use std::collections::BTreeMap;
    use std::fmt;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    use crate::base::http::json_response;
    use crate::client::test_support::EXAMPLE_SERVICE;
    use crate::wire::error::{ErrorResponse, OperationError, UnhandledError};
    use crate::wire::retryable::RetryKind;

    /// One span as the subscriber saw it: its name, its parent's id and every field value
    /// recorded, as text.
    #[derive(Debug, Clone, Default)]
    struct SeenSpan {
        name: &'static str,
        parent: Option<u64>,
        fields: BTreeMap<&'static str, String>,
    }

    /// A subscriber that keeps every span and field it is given.
    #[derive(Default, Clone)]
    struct Capture {
        spans: Arc<Mutex<BTreeMap<u64, SeenSpan>>>,
        next: Arc<AtomicU64>,
        /// The ids of the spans entered, innermost last.
        stack: Arc<Mutex<Vec<u64>>>,
    }

    struct Fields<'a>(&'a mut BTreeMap<&'static str, String>);

    impl Visit for Fields<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            self.0.insert(field.name(), format!("{value:?}"));
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.insert(field.name(), value.to_owned());
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
            let parent = match span.parent() {
                Some(p) => Some(p.into_u64()),
                None if span.is_contextual() => self.stack.lock().unwrap().last().copied(),
                None => None,
            };
            let mut seen = SeenSpan {
                name: span.metadata().name(),
                parent,
                fields: BTreeMap::new(),
            };
            span.record(&mut Fields(&mut seen.fields));
            self.spans.lock().unwrap().insert(id, seen);
            Id::from_u64(id)
        }
        fn record(&self, span: &Id, values: &Record<'_>) {
            if let Some(seen) = self.spans.lock().unwrap().get_mut(&span.into_u64()) {
                values.record(&mut Fields(&mut seen.fields));
            }
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, _: &Event<'_>) {}
        fn enter(&self, span: &Id) {
            self.stack.lock().unwrap().push(span.into_u64());
        }
        fn exit(&self, span: &Id) {
            let mut stack = self.stack.lock().unwrap();
            if let Some(at) = stack.iter().rposition(|id| *id == span.into_u64()) {
                stack.remove(at);
            }
        }
    }

    /// An error that retries what the standard policy retries.
    #[derive(Debug)]
    struct RetryingError(UnhandledError);

    impl fmt::Display for RetryingError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt(f)
        }
    }

    impl std::error::Error for RetryingError {}

    impl OperationError for RetryingError {
        fn from_response(response: &ErrorResponse) -> Self {
            RetryingError(response.unhandled())
        }
        fn from_unhandled(error: UnhandledError) -> Self {
            RetryingError(error)
        }
        fn retry_kind(&self) -> Option<RetryKind> {
            self.0.retry_kind()
        }
        fn to_response(&self, _: &'static str) -> crate::HttpResponse {
            crate::HttpResponse::default()
        }
    }

    static SIGNED: crate::OperationMeta = crate::OperationMeta {
        name: "Describe",
        target: "Example.Describe",
        unsigned: false,
        idempotent: false,
        pagination: None,
        gzip_request: false,
    };

    /// The input `{"In":1}`.
    struct Input;

    impl serde::Serialize for Input {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = s.serialize_map(Some(1))?;
            map.serialize_entry("In", &1)?;
            map.end()
        }
    }

    impl crate::Validate for Input {
        fn validate(
            &self,
            _: &crate::wire::validate::Path<'_>,
            _: &mut Vec<crate::ConstraintViolation>,
        ) {
        }
    }

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const TOKEN: &str = "session-token-that-must-stay-secret";
    const ANSWER: &str = r#"{"Secret":"body-that-must-stay-secret"}"#;

    #[tokio::test]
    async fn calls_and_attempts_get_spans_with_their_facts_and_no_secrets() {
        let transport = crate::InMemoryTransport::from_fn(|n, _| {
            let (status, body) = if n == 0 {
                (503, r#"{"__type":"ServiceUnavailable","message":"later"}"#)
            } else {
                (200, ANSWER)
            };
            let mut response = json_response(status, body.into());
            let id = format!("request-{n}");
            response
                .headers_mut()
                .insert("x-amzn-requestid", id.parse().unwrap());
            Ok(response)
        });
        let config = crate::Config::builder()
            .region("us-east-1")
            .credentials(crate::auth::credentials::Credentials::new(
                "AKIDEXAMPLE",
                SECRET,
                Some(TOKEN.to_owned()),
                None,
                "test",
            ))
            .retry(crate::client::retry::RetryConfig::standard().with_backoff(
                std::time::Duration::from_millis(1),
                std::time::Duration::from_millis(1),
            ))
            .transport(transport)
            .build();
        let core = crate::ClientCore::new(&EXAMPLE_SERVICE, config);
        let capture = Capture::default();
        let _guard = tracing::subscriber::set_default(capture.clone());
        let output: Result<serde_json::Value, RetryingError> = core.invoke(&SIGNED, &Input).await;
        assert!(output.is_ok(), "{output:?}");

        let spans = capture.spans.lock().unwrap().clone();
        let calls: Vec<_> = spans.iter().filter(|(_, s)| s.name == "aws.call").collect();
        assert_eq!(calls.len(), 1, "{spans:#?}");
        let (call_id, call) = calls[0];
        assert_eq!(call.fields["service"], "Example");
        assert_eq!(call.fields["operation"], "Describe");
        assert_eq!(call.fields["attempts"], "2");
        assert_eq!(call.fields["outcome"], "success");
        assert!(call.fields.contains_key("elapsed_us"), "{call:?}");

        let attempts: Vec<_> = spans.values().filter(|s| s.name == "aws.attempt").collect();
        assert_eq!(attempts.len(), 2, "{spans:#?}");
        for (n, (attempt, (status, retry))) in attempts
            .iter()
            .zip([("503", "retry"), ("200", "none")])
            .enumerate()
        {
            assert_eq!(attempt.parent, Some(*call_id), "{attempt:?}");
            assert_eq!(attempt.fields["attempt"], (n + 1).to_string());
            assert_eq!(attempt.fields["status"], status);
            assert_eq!(attempt.fields["request_id"], format!("request-{n}"));
            assert_eq!(attempt.fields["retry"], retry);
            assert!(attempt.fields.contains_key("elapsed_us"), "{attempt:?}");
        }

        let everything = format!("{spans:?}");
        for secret in [
            SECRET,
            TOKEN,
            "body-that-must-stay-secret",
            "Signature",
            "AKIDEXAMPLE",
        ] {
            assert!(!everything.contains(secret), "{secret} in {everything}");
        }
    }
}
