//! The HTTP exchange every part of the runtime shares: requests and responses with their
//! bodies in memory, the [`HttpService`] trait a generated router implements, the error of a
//! failed exchange, and the header names of the awsJson protocol. Sending (the client's
//! transports) and serving (the server's front door) are built on these elsewhere.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;

/// The `X-Amz-Target` header, which names the operation.
pub const X_AMZ_TARGET: http::HeaderName = http::HeaderName::from_static("x-amz-target");

/// The `X-Amzn-ErrorType` header, which names an error.
pub const X_AMZN_ERROR_TYPE: http::HeaderName = http::HeaderName::from_static("x-amzn-errortype");

/// An HTTP request with its whole body in memory.
pub type HttpRequest = http::Request<Bytes>;

/// An HTTP response with its whole body in memory.
pub type HttpResponse = http::Response<Bytes>;

/// A boxed future, as returned by object-safe async traits.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Something that answers HTTP requests in process, such as a generated server router.
pub trait HttpService: Send + Sync + 'static {
    /// Answers `request`.
    fn call(&self, request: HttpRequest) -> impl Future<Output = HttpResponse> + Send;

    /// The service this answers for, when it is a generated router. An HTTP server uses it
    /// to write the service's content type on the errors it answers itself.
    fn service_meta(&self) -> Option<&'static crate::base::meta::ServiceMeta> {
        None
    }

    /// The operation that `target` (an `X-Amz-Target` value) names, when this service knows
    /// it. An HTTP server uses it to tell the model's unsigned operations from signed ones and
    /// to name the operation in its request log.
    fn operation_meta(&self, target: &str) -> Option<&'static crate::base::meta::OperationMeta> {
        let _ = target;
        None
    }

    /// The service a request with `target` (an `X-Amz-Target` value) is for, when this
    /// serves several on one port; by default [`HttpService::service_meta`]. An HTTP server
    /// checks the request's SigV4 signature against that service's signing name.
    fn service_meta_for(&self, target: &str) -> Option<&'static crate::base::meta::ServiceMeta> {
        let _ = target;
        self.service_meta()
    }
}

/// What kind of failure a [`TransportError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made.
    Connect,
    /// The request or response timed out.
    Timeout,
    /// The connection failed while the request or response was in flight.
    Io,
    /// The transport is not set up to send (for example, none was configured).
    NotConfigured,
    /// The response (its body, or its head: too many or too large headers) is larger than
    /// the transport reads; it was not read whole, and sending again is not worth it.
    ResponseTooLarge,
    /// Anything else.
    Other,
}

/// A failure to get any HTTP response.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// A new error of `kind` saying `message`.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the underlying error.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// True when sending again may succeed (connection failures, timeouts, broken streams).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io
        )
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "transport error ({:?}): {}", self.kind, self.message)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A response with `status`, the awsJson 1.1 content type and `body`.
pub fn json_response(status: u16, body: Bytes) -> HttpResponse {
    let mut response = http::Response::new(body);
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    response
}
