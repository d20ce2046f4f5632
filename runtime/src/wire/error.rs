//! Errors shared by every operation: reading an error's code from a response, the
//! [`OperationError`] trait generated error enums implement, and [`UnhandledError`] for
//! everything the model does not name.
//!
//! awsJson names the error type in the `X-Amzn-ErrorType` header, the body's `__type`, or the
//! body's `code`. The value may carry a namespace (`aws.protocoltests#FooError`) and a
//! suffix after `:` (`FooError:http://internal.amazon.com/`); both are stripped here.
//!
//! An awsQuery-compatible service (one that moved from the awsQuery protocol to awsJson) also
//! sends the error's awsQuery code and fault in `x-amzn-query-error: Code;Sender` (or
//! `;Receiver`): [`QueryError`]. The modeled error is still chosen by the awsJson code; the
//! query code is what [`UnhandledError::code`] and a generated exception's `code()` report,
//! as the AWS SDKs do, so code written against the service's awsQuery error codes keeps
//! working. A malformed header is ignored and never hides the awsJson code.

use std::fmt;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::base::http::{HttpResponse, TransportError, TransportErrorKind};
pub use crate::wire::retryable::is_throttling_code;
use crate::wire::retryable::{is_transient_code, is_transient_status, RetryKind};

/// The `x-amzn-query-error` header of an awsQuery-compatible service's error responses.
pub const X_AMZN_QUERY_ERROR: http::HeaderName =
    http::HeaderName::from_static("x-amzn-query-error");

/// Whose fault an error is, in the awsQuery protocol's words (the second half of
/// `x-amzn-query-error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryFault {
    /// The caller's request was wrong: a client error.
    Sender,
    /// The service failed: a server error.
    Receiver,
}

impl QueryFault {
    /// `Sender` or `Receiver`, as the header spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            QueryFault::Sender => "Sender",
            QueryFault::Receiver => "Receiver",
        }
    }

    /// The fault an HTTP status implies: `Receiver` for 5xx, `Sender` for anything else.
    pub fn from_status(status: u16) -> Self {
        if (500..600).contains(&status) {
            QueryFault::Receiver
        } else {
            QueryFault::Sender
        }
    }
}

/// An error's awsQuery code and fault, as an awsQuery-compatible service sends them in the
/// `x-amzn-query-error` header (`AWS.SimpleQueueService.NonExistentQueue;Sender`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    code: String,
    fault: QueryFault,
}

impl QueryError {
    /// The awsQuery error `code`, at fault `fault`.
    pub fn new(code: impl Into<String>, fault: QueryFault) -> Self {
        QueryError {
            code: code.into(),
            fault,
        }
    }

    /// Reads a header value: `Code;Sender` or `Code;Receiver`, with spaces around either part
    /// ignored. Anything else (no `;` or several, an empty code, another fault) is `None`, so a
    /// malformed header names nothing.
    pub fn parse(value: &str) -> Option<Self> {
        let (code, fault) = value.split_once(';')?;
        let (code, fault) = (code.trim(), fault.trim());
        if code.is_empty() || fault.contains(';') {
            return None;
        }
        let fault = match fault {
            "Sender" => QueryFault::Sender,
            "Receiver" => QueryFault::Receiver,
            _ => return None,
        };
        Some(QueryError::new(code, fault))
    }

    /// The `x-amzn-query-error` header of `headers`, when it is present, is text and parses
    /// (see [`QueryError::parse`]).
    pub fn from_headers(headers: &http::HeaderMap) -> Option<Self> {
        let value = headers.get(X_AMZN_QUERY_ERROR)?.to_str().ok()?;
        Self::parse(value)
    }

    /// The awsQuery error code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Whose fault the error is.
    pub fn fault(&self) -> QueryFault {
        self.fault
    }

    /// The header value, `Code;Sender` or `Code;Receiver`; `None` when the code holds
    /// characters a header cannot carry.
    pub fn header_value(&self) -> Option<http::HeaderValue> {
        http::HeaderValue::from_str(&self.to_string()).ok()
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{};{}", self.code, self.fault.as_str())
    }
}

/// Reduces a raw error type to the bare shape name: drops everything from the first `:`
/// and everything up to the last `#`.
pub fn sanitize_error_code(raw: &str) -> &str {
    let no_suffix = raw.split(':').next().unwrap_or(raw);
    let bare = match no_suffix.rsplit_once('#') {
        Some((_, bare)) => bare,
        None => no_suffix,
    };
    bare.trim()
}

/// The error code `raw` names once sanitized, if that is a shape name (a letter or `_`, then
/// letters, digits and `_`); anything else names no error.
fn error_code(raw: &str) -> Option<String> {
    let code = sanitize_error_code(raw);
    let mut chars = code.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    (starts_well && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')).then(|| code.to_owned())
}

/// The error-naming parts of an error body: `__type`, `code`, and the message under any of
/// its spellings. Each is read on its own, so a mistyped member elsewhere (or a message that
/// is not a string) never hides the code.
#[derive(Default)]
struct ErrorBody {
    type_: Option<String>,
    code: Option<String>,
    message: Option<String>,
}

impl ErrorBody {
    fn read(body: &[u8]) -> Self {
        serde_json::from_slice(body).unwrap_or_default()
    }
}

impl<'de> serde::Deserialize<'de> for ErrorBody {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct BodyVisitor;
        impl<'de> serde::de::Visitor<'de> for BodyVisitor {
            type Value = ErrorBody;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ErrorBody, A::Error> {
                let mut body = ErrorBody::default();
                let mut message_rank = usize::MAX;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let slot = match key.as_ref() {
                        "__type" => &mut body.type_,
                        "code" => &mut body.code,
                        "message" | "Message" | "errorMessage" => {
                            // `message` wins over `Message`, which wins over `errorMessage`.
                            let rank = ["message", "Message", "errorMessage"]
                                .iter()
                                .position(|k| *k == key.as_ref())
                                .unwrap_or(usize::MAX);
                            let value = map.next_value::<Lenient>()?.0;
                            if value.is_some() && rank < message_rank {
                                message_rank = rank;
                                body.message = value;
                            }
                            continue;
                        }
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = map.next_value::<Lenient>()?.0;
                }
                Ok(body)
            }
        }
        d.deserialize_map(BodyVisitor)
    }
}

/// A value kept only when it is a string; any other JSON value reads as `None`.
struct Lenient(Option<String>);

impl<'de> serde::Deserialize<'de> for Lenient {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct LenientVisitor;
        impl<'de> serde::de::Visitor<'de> for LenientVisitor {
            type Value = Lenient;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Lenient, E> {
                Ok(Lenient(Some(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Lenient, E> {
                Ok(Lenient(Some(v)))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Lenient, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Lenient(None))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Lenient, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Lenient(None))
            }
        }
        d.deserialize_any(LenientVisitor)
    }
}

/// An error response, as far as the runtime can read it without the model.
#[derive(Debug, Clone)]
pub struct ErrorResponse {
    /// The HTTP status.
    pub status: u16,
    /// The sanitized error code, when the response names one.
    pub code: Option<String>,
    /// The error message, when the body carries one.
    pub message: Option<String>,
    /// The request id the service assigned (`x-amzn-requestid`, else `x-amz-request-id`),
    /// if any.
    pub request_id: Option<String>,
    /// The awsQuery code and fault of a well-formed `x-amzn-query-error` header, read only for
    /// awsQuery-compatible services ([`ErrorResponse::from_query_compatible_response`]).
    pub query_error: Option<QueryError>,
    /// The raw body.
    pub body: Bytes,
}

impl ErrorResponse {
    /// Reads the code and message of an error response.
    pub fn from_response(response: &HttpResponse) -> Self {
        let body = response.body().clone();
        let parsed = ErrorBody::read(&body);
        // The header wins, then `__type`, then `code`; a candidate that sanitizes to no shape
        // name (empty, or garbage from a proxy) gives way to the next one.
        let header_code = response
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok());
        let code = header_code
            .and_then(error_code)
            .or_else(|| parsed.type_.as_deref().and_then(error_code))
            .or_else(|| parsed.code.as_deref().and_then(error_code));
        let request_id = request_id(response.headers());
        ErrorResponse {
            status: response.status().as_u16(),
            code,
            message: parsed.message,
            request_id,
            query_error: None,
            body,
        }
    }

    /// [`ErrorResponse::from_response`] for an awsQuery-compatible service: also reads the
    /// `x-amzn-query-error` header into [`ErrorResponse::query_error`] (a malformed one is
    /// ignored). The awsJson code, which picks the modeled error, is read as usual.
    pub fn from_query_compatible_response(response: &HttpResponse) -> Self {
        ErrorResponse {
            query_error: QueryError::from_headers(response.headers()),
            ..Self::from_response(response)
        }
    }

    /// What a modeled error parsed from this response keeps of it besides its members.
    pub fn meta(&self) -> ErrorMeta {
        ErrorMeta {
            request_id: self.request_id.clone(),
            query_error: self.query_error.clone().map(Box::new),
        }
    }

    /// Parses the body as the modeled error `T`, as a client reads it (a missing required
    /// member takes its zero value: [`crate::wire::correction`]), or explains why it could not
    /// (a body that is not UTF-8 or nests too deep never parses; see
    /// [`crate::wire::json_text`]).
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, UnhandledError> {
        // Only the `from_str` call depends on `T`; the rest is shared by every error type.
        let body =
            crate::wire::json_text(&self.body).map_err(|e| self.malformed(&e).with_source(e))?;
        crate::wire::correction::correcting(|| serde_json::from_str(body))
            .map_err(|e| self.malformed_json(e))
    }

    /// The error for a body that does not parse as the modeled error.
    fn malformed(&self, reason: &dyn fmt::Display) -> UnhandledError {
        UnhandledError::new(
            ErrorKind::Response,
            format!(
                "the body of error `{}` does not match the model: {reason}",
                self.code.as_deref().unwrap_or("unknown")
            ),
        )
        .with_response(self)
    }

    /// [`Self::malformed`] for serde_json's error, kept as the source.
    fn malformed_json(&self, e: serde_json::Error) -> UnhandledError {
        self.malformed(&e).with_source(e)
    }

    /// An [`UnhandledError`] for a code the operation does not model.
    pub fn unhandled(&self) -> UnhandledError {
        let mut e =
            UnhandledError::new(ErrorKind::Service, self.message.clone().unwrap_or_default())
                .with_response(self);
        e.0.message = self.message.clone();
        e
    }
}

/// The request id of a response: `x-amzn-requestid` (awsJson), else `x-amz-request-id`.
pub fn request_id(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get("x-amzn-requestid")
        .or_else(|| headers.get("x-amz-request-id"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// What an error response carried besides the modeled error's members: the request id the
/// service assigned and, from an awsQuery-compatible service, its `x-amzn-query-error`. Every
/// generated exception structure keeps one.
///
/// It is never serialised, and equality ignores it: two errors with the same members are
/// equal whichever response they came from.
#[derive(Debug, Clone, Default)]
pub struct ErrorMeta {
    request_id: Option<String>,
    /// Boxed: most errors have none, and every exception structure carries this.
    query_error: Option<Box<QueryError>>,
}

impl ErrorMeta {
    /// Metadata carrying `request_id`.
    pub fn with_request_id(request_id: impl Into<String>) -> Self {
        ErrorMeta {
            request_id: Some(request_id.into()),
            query_error: None,
        }
    }

    /// This metadata, carrying `query_error` as if the response had sent it.
    #[must_use]
    pub fn with_query_error(mut self, query_error: QueryError) -> Self {
        self.query_error = Some(Box::new(query_error));
        self
    }

    /// The request id of the response the error came from, if it carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The `x-amzn-query-error` of the response the error came from, when the service is
    /// awsQuery-compatible and the header was well-formed.
    pub fn query_error(&self) -> Option<&QueryError> {
        self.query_error.as_deref()
    }
}

impl PartialEq for ErrorMeta {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for ErrorMeta {}

/// What kind of failure an [`UnhandledError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The service answered with an error code the operation does not model.
    Service,
    /// No response arrived (connection, timeout, I/O).
    Transport,
    /// A response arrived but could not be read (malformed JSON, wrong types).
    Response,
    /// The request could not be built (for example, opt-in input validation failed).
    Request,
}

/// An error the model does not name: an unknown error code, a transport failure, a
/// malformed response, or an invalid request. Keeps the code, message, status and raw body
/// so nothing the service said is lost.
#[derive(Debug)]
pub struct UnhandledError(Box<Unhandled>);

/// The parts of an [`UnhandledError`], boxed so that every error enum stays small.
#[derive(Debug)]
struct Unhandled {
    kind: ErrorKind,
    code: Option<String>,
    message: Option<String>,
    detail: String,
    status: Option<u16>,
    request_id: Option<String>,
    query_error: Option<QueryError>,
    body: Bytes,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl UnhandledError {
    /// A new error of `kind`; `detail` explains what happened.
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        UnhandledError(Box::new(Unhandled {
            kind,
            code: None,
            message: None,
            detail: detail.into(),
            status: None,
            request_id: None,
            query_error: None,
            body: Bytes::new(),
            source: None,
        }))
    }

    /// A service error with `code` and `message`, as a server handler would return it.
    pub fn service(code: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = Self::new(ErrorKind::Service, message.clone());
        e.0.code = Some(code.into());
        e.0.message = Some(message);
        e
    }

    /// A transport failure.
    pub fn transport(error: TransportError) -> Self {
        let mut e = Self::new(ErrorKind::Transport, error.to_string());
        e.0.source = Some(Box::new(error));
        e
    }

    fn with_response(mut self, response: &ErrorResponse) -> Self {
        self.0.code.clone_from(&response.code);
        self.0.status = Some(response.status);
        self.0.request_id.clone_from(&response.request_id);
        self.0.query_error.clone_from(&response.query_error);
        self.0.body = response.body.clone();
        self
    }

    /// Sets the awsQuery code and fault of the error: read from a response's
    /// `x-amzn-query-error`, or, in a server handler of an awsQuery-compatible service, the
    /// header the router sends for it.
    pub fn with_query_error(mut self, query_error: QueryError) -> Self {
        self.0.query_error = Some(query_error);
        self
    }

    /// Sets the request id of the response this error came from.
    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.0.request_id = request_id;
        self
    }

    /// Sets the HTTP status and raw body of the response this error came from.
    pub fn with_status_and_body(mut self, status: u16, body: Bytes) -> Self {
        self.0.status = Some(status);
        self.0.body = body;
        self
    }

    /// Attaches the underlying error.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The error code the service sent, if any: the awsQuery code of `x-amzn-query-error`
    /// when an awsQuery-compatible service sent one, else the awsJson code
    /// ([`UnhandledError::error_type`]).
    pub fn code(&self) -> Option<&str> {
        match &self.0.query_error {
            Some(query) => Some(query.code()),
            None => self.0.code.as_deref(),
        }
    }

    /// The awsJson error code (`X-Amzn-ErrorType`, `__type` or `code`, sanitized), whatever
    /// `x-amzn-query-error` says.
    pub fn error_type(&self) -> Option<&str> {
        self.0.code.as_deref()
    }

    /// The awsQuery code and fault an awsQuery-compatible service sent in
    /// `x-amzn-query-error`, or that a server handler set.
    pub fn query_error(&self) -> Option<&QueryError> {
        self.0.query_error.as_ref()
    }

    /// The service's message, if any.
    pub fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// The service's request id, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The raw response body (empty when no response arrived).
    pub fn body(&self) -> &Bytes {
        &self.0.body
    }

    /// Whether, and why, a retry may succeed: connection failures, broken connections and
    /// timeouts; throttling codes and 429; transient codes and 500, 502, 503 and 504.
    pub fn retry_kind(&self) -> Option<RetryKind> {
        let code = self.0.code.as_deref();
        let query = self.0.query_error.as_ref().map(QueryError::code);
        // Either code may say it: the awsJson one or, from an awsQuery-compatible service,
        // the awsQuery one.
        let says = |test: fn(&str) -> bool| code.is_some_and(test) || query.is_some_and(test);
        match (self.0.kind, self.0.status) {
            (ErrorKind::Transport, _) => {
                let transport = self
                    .0
                    .source
                    .as_deref()
                    .and_then(|s| s.downcast_ref::<TransportError>())?;
                match transport.kind() {
                    TransportErrorKind::Timeout => Some(RetryKind::Timeout),
                    _ if transport.is_retryable() => Some(RetryKind::Transient),
                    _ => None,
                }
            }
            (ErrorKind::Service, _) if says(is_throttling_code) => Some(RetryKind::Throttling),
            (ErrorKind::Service, _) if says(is_transient_code) => Some(RetryKind::Transient),
            (ErrorKind::Service | ErrorKind::Response, Some(429)) => Some(RetryKind::Throttling),
            (ErrorKind::Service | ErrorKind::Response, Some(status))
                if is_transient_status(status) =>
            {
                Some(RetryKind::Transient)
            }
            _ => None,
        }
    }
}

impl fmt::Display for UnhandledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0.kind, &self.0.code) {
            (ErrorKind::Service, Some(code)) => match &self.0.message {
                Some(m) if !m.is_empty() => write!(f, "{code}: {m}"),
                _ => match self.0.status {
                    Some(s) => write!(f, "{code} (HTTP {s})"),
                    None => f.write_str(code),
                },
            },
            (ErrorKind::Service, None) => match self.0.status {
                Some(s) => write!(
                    f,
                    "unrecognised error response (HTTP {s}): {}",
                    self.0.detail
                ),
                None => write!(f, "unrecognised error: {}", self.0.detail),
            },
            (ErrorKind::Transport, _) => f.write_str(&self.0.detail),
            (ErrorKind::Response, _) => write!(f, "malformed response: {}", self.0.detail),
            (ErrorKind::Request, _) => write!(f, "invalid request: {}", self.0.detail),
        }
    }
}

impl std::error::Error for UnhandledError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Implemented by each generated per-operation error enum.
pub trait OperationError: std::error::Error + Sized + Send + Sync + 'static {
    /// Builds the error from an error response, choosing the modeled variant by code.
    fn from_response(response: &ErrorResponse) -> Self;

    /// Wraps an error the model does not name.
    fn from_unhandled(error: UnhandledError) -> Self;

    /// Whether, and why, the call may be retried.
    fn retry_kind(&self) -> Option<RetryKind>;

    /// The response a server sends for this error: the modeled status and `__type`, and for
    /// an awsQuery-compatible service `x-amzn-query-error`.
    fn to_response(&self, content_type: &'static str) -> HttpResponse;
}

/// A modeled error (one generated structure per exception), as an error enum sees whichever
/// variant it holds. Each generated enum has one match that turns its variant into a
/// `&dyn ModeledError` (or its `Unhandled` error), and its accessors, `Display`, `source`,
/// retry decision and server response are each a call on that: the code the enums share is
/// written once per exception instead of once per variant of every enum.
pub trait ModeledError: std::error::Error + Send + Sync + 'static {
    /// The error code, as the exception's `code()` gives it.
    fn code(&self) -> &str;

    /// The service's message, if it sent one.
    fn message(&self) -> Option<&str>;

    /// The request id of the response the error came from, if it carried one.
    fn request_id(&self) -> Option<&str>;

    /// Whether, and why, a call failing with this error may be retried.
    fn retry_kind(&self) -> Option<RetryKind>;

    /// The response a server sends for this error (see [`OperationError::to_response`]).
    fn to_response(&self, content_type: &'static str) -> HttpResponse;

    /// The error as a plain `std::error::Error`, for `source()` chains.
    fn as_error(&self) -> &(dyn std::error::Error + 'static);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        let mut r = http::Response::new(Bytes::from(body.to_owned()));
        *r.status_mut() = http::StatusCode::from_u16(status).unwrap();
        for (k, v) in headers {
            r.headers_mut().insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                http::HeaderValue::from_str(v).unwrap(),
            );
        }
        r
    }

    #[test]
    fn error_codes_lose_namespace_and_suffix() {
        assert_eq!(sanitize_error_code("FooError"), "FooError");
        assert_eq!(
            sanitize_error_code("aws.protocoltests.restjson#FooError"),
            "FooError"
        );
        assert_eq!(
            sanitize_error_code(
                "FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"
            ),
            "FooError"
        );
        assert_eq!(
            sanitize_error_code("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
            "FooError"
        );
    }

    #[test]
    fn header_code_wins_over_body() {
        let r = response(
            400,
            &[("X-Amzn-ErrorType", "HeaderError:abc")],
            r#"{"__type":"BodyError","message":"m"}"#,
        );
        let e = ErrorResponse::from_response(&r);
        assert_eq!(e.code.as_deref(), Some("HeaderError"));
        assert_eq!(e.message.as_deref(), Some("m"));
    }

    #[test]
    fn an_empty_or_garbage_header_code_gives_way_to_the_body() {
        for header in ["", "   ", ":", "#", "not a code", "<html>", "9Lives", "a#"] {
            let r = response(
                400,
                &[("X-Amzn-ErrorType", header)],
                r#"{"__type":"ns#BodyError","message":"m"}"#,
            );
            let e = ErrorResponse::from_response(&r);
            assert_eq!(e.code.as_deref(), Some("BodyError"), "header {header:?}");
        }
        // Garbage everywhere names no code at all.
        let r = response(
            400,
            &[("X-Amzn-ErrorType", "{}")],
            r#"{"__type":"???","code":""}"#,
        );
        assert_eq!(ErrorResponse::from_response(&r).code, None);
    }

    #[test]
    fn type_then_code_and_either_message_spelling() {
        let e = ErrorResponse::from_response(&response(
            400,
            &[],
            r#"{"code":"ns#CodeError","Message":"Big"}"#,
        ));
        assert_eq!(
            (e.code.as_deref(), e.message.as_deref()),
            (Some("CodeError"), Some("Big"))
        );
        let e = ErrorResponse::from_response(&response(400, &[], r#"{"__type":"T","code":"C"}"#));
        assert_eq!(e.code.as_deref(), Some("T"));
    }

    #[test]
    fn mistyped_members_never_hide_the_code() {
        let body =
            r#"{"extra":[1,{"a":null}],"message":42,"__type":"ns#X:suffix","Message":"second"}"#;
        let e = ErrorResponse::from_response(&response(400, &[], body));
        assert_eq!(
            (e.code.as_deref(), e.message.as_deref()),
            (Some("X"), Some("second"))
        );
        let e =
            ErrorResponse::from_response(&response(400, &[], r#"{"Message":"M","message":"m"}"#));
        assert_eq!(e.message.as_deref(), Some("m"));
    }

    #[test]
    fn malformed_error_body_is_kept_not_lost() {
        let e = ErrorResponse::from_response(&response(502, &[], "<html>Bad Gateway</html>"));
        assert_eq!(e.code, None);
        let u = e.unhandled();
        assert_eq!(u.status(), Some(502));
        assert_eq!(&u.body()[..], b"<html>Bad Gateway</html>");
        assert_eq!(u.retry_kind(), Some(RetryKind::Transient));
        assert!(u.to_string().contains("HTTP 502"), "{u}");
    }

    #[test]
    fn request_ids_come_from_either_header() {
        let awsjson = response(400, &[("x-amzn-RequestId", "a1")], "{}");
        let other = response(400, &[("x-amz-request-id", "b2")], "{}");
        let both = response(
            400,
            &[("x-amz-request-id", "b2"), ("x-amzn-RequestId", "a1")],
            "{}",
        );
        let id = |r: &HttpResponse| ErrorResponse::from_response(r).unhandled();
        assert_eq!(id(&awsjson).request_id(), Some("a1"));
        assert_eq!(id(&other).request_id(), Some("b2"));
        assert_eq!(id(&both).request_id(), Some("a1"));
        let meta = ErrorResponse::from_response(&both).meta();
        assert_eq!(meta.request_id(), Some("a1"));
        assert_eq!(meta, ErrorMeta::default(), "equality ignores the metadata");
    }

    #[test]
    fn transient_codes_and_timeouts_are_retried() {
        let e = ErrorResponse::from_response(&response(
            400,
            &[],
            r#"{"__type":"RequestTimeoutException"}"#,
        ));
        assert_eq!(e.unhandled().retry_kind(), Some(RetryKind::Transient));
        let validation = ErrorResponse::from_response(&response(
            400,
            &[],
            r#"{"__type":"ValidationException"}"#,
        ));
        assert_eq!(validation.unhandled().retry_kind(), None);
        let timeout =
            UnhandledError::transport(TransportError::new(TransportErrorKind::Timeout, "slow"));
        assert_eq!(timeout.retry_kind(), Some(RetryKind::Timeout));
        let refused =
            UnhandledError::transport(TransportError::new(TransportErrorKind::Connect, "refused"));
        assert_eq!(refused.retry_kind(), Some(RetryKind::Transient));
        let unset = UnhandledError::transport(TransportError::new(
            TransportErrorKind::NotConfigured,
            "none",
        ));
        assert_eq!(unset.retry_kind(), None);
    }

    #[test]
    fn query_error_headers_parse_only_when_well_formed() {
        let parsed = QueryError::parse("AWS.SimpleQueueService.NonExistentQueue;Sender")
            .expect("well-formed");
        assert_eq!(
            (parsed.code(), parsed.fault()),
            (
                "AWS.SimpleQueueService.NonExistentQueue",
                QueryFault::Sender
            )
        );
        assert_eq!(
            QueryError::parse(" Busy ; Receiver "),
            Some(QueryError::new("Busy", QueryFault::Receiver))
        );
        for bad in [
            "",
            ";",
            "Code",
            "Code;",
            ";Sender",
            "  ;Sender",
            "Code;sender",
            "Code;Client",
            "Code;Sender;Receiver",
            "A;B;Sender",
        ] {
            assert_eq!(QueryError::parse(bad), None, "{bad:?}");
        }
        assert_eq!(
            parsed.to_string(),
            "AWS.SimpleQueueService.NonExistentQueue;Sender"
        );
        assert_eq!(
            parsed.header_value().expect("text"),
            "AWS.SimpleQueueService.NonExistentQueue;Sender"
        );
        assert_eq!(QueryFault::from_status(503), QueryFault::Receiver);
        assert_eq!(QueryFault::from_status(429), QueryFault::Sender);
    }

    #[test]
    fn a_query_compatible_response_keeps_both_codes() {
        let r = response(
            400,
            &[
                (
                    "x-amzn-query-error",
                    "AWS.SimpleQueueService.NonExistentQueue;Sender",
                ),
                ("x-amzn-RequestId", "r1"),
            ],
            r#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"gone"}"#,
        );
        let e = ErrorResponse::from_query_compatible_response(&r);
        assert_eq!(e.code.as_deref(), Some("QueueDoesNotExist"));
        let query = e.query_error.clone().expect("the header parses");
        assert_eq!(query.code(), "AWS.SimpleQueueService.NonExistentQueue");
        assert_eq!(e.meta().query_error(), Some(&query));
        assert_eq!(e.meta().request_id(), Some("r1"));
        let u = e.unhandled();
        assert_eq!(u.code(), Some("AWS.SimpleQueueService.NonExistentQueue"));
        assert_eq!(u.error_type(), Some("QueueDoesNotExist"));
        assert_eq!(u.query_error(), Some(&query));
        assert_eq!(u.to_string(), "QueueDoesNotExist: gone");
        // A service that is not awsQuery-compatible never has the header read.
        let plain = ErrorResponse::from_response(&r);
        assert_eq!(plain.query_error, None);
        assert_eq!(plain.unhandled().code(), Some("QueueDoesNotExist"));
    }

    #[test]
    fn a_malformed_query_error_header_never_hides_the_body_code() {
        let bytes = http::HeaderValue::from_bytes(b"Caf\xe9;Sender").expect("opaque bytes");
        let mut odd = response(400, &[], r#"{"__type":"ns#BodyError"}"#);
        odd.headers_mut().insert(X_AMZN_QUERY_ERROR, bytes);
        for header in ["", "NoFault", ";Sender", "Code;Nobody", "a;b;c"] {
            let r = response(
                400,
                &[("x-amzn-query-error", header)],
                r#"{"__type":"ns#BodyError"}"#,
            );
            for r in [&r, &odd] {
                let e = ErrorResponse::from_query_compatible_response(r);
                assert_eq!(e.query_error, None, "{header:?}");
                assert_eq!(e.unhandled().code(), Some("BodyError"), "{header:?}");
            }
        }
    }

    #[test]
    fn a_throttling_query_code_is_retried_as_throttling() {
        let r = response(
            400,
            &[("x-amzn-query-error", "Throttling;Sender")],
            r#"{"__type":"SlowDownPlease"}"#,
        );
        let plain = ErrorResponse::from_response(&r).unhandled();
        assert_eq!(plain.retry_kind(), None);
        let query = ErrorResponse::from_query_compatible_response(&r).unhandled();
        assert_eq!(query.retry_kind(), Some(RetryKind::Throttling));
    }

    #[test]
    fn unknown_code_displays_code_and_message() {
        let e = ErrorResponse::from_response(&response(
            400,
            &[],
            r#"{"__type":"NewException","message":"later"}"#,
        ));
        let u = e.unhandled();
        assert_eq!(u.to_string(), "NewException: later");
        assert_eq!(u.code(), Some("NewException"));
        assert_eq!(u.retry_kind(), None);
    }
}
