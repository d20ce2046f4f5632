//! How requests leave the client: the [`Transport`] trait and an in-memory implementation.
//!
//! A transport takes a finished HTTP request (already serialised and, where needed, signed)
//! and returns the HTTP response. The client does everything else, so an HTTP/1.1 or HTTP/2
//! transport, a test double and a direct call into a server router are all interchangeable.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

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

/// Sends one HTTP request and returns its response.
///
/// Implementations must not retry: the client owns the retry policy. A response with an
/// error status is a successful send; only failures to get any response are errors.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request`.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        (**self).send(request)
    }
}

/// Something that answers HTTP requests in process, such as a generated server router.
pub trait HttpService: Send + Sync + 'static {
    /// Answers `request`.
    fn call(&self, request: HttpRequest) -> impl Future<Output = HttpResponse> + Send;

    /// The service this answers for, when it is a generated router. An HTTP server uses it
    /// to write the service's content type on the errors it answers itself.
    fn service_meta(&self) -> Option<&'static crate::client::ServiceMeta> {
        None
    }

    /// The operation that `target` (an `X-Amz-Target` value) names, when this service knows
    /// it. An HTTP server uses it to tell the model's unsigned operations from signed ones and
    /// to name the operation in its request log.
    fn operation_meta(&self, target: &str) -> Option<&'static crate::client::OperationMeta> {
        let _ = target;
        None
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

/// A request as the in-memory transport recorded it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// The method.
    pub method: http::Method,
    /// The full URI.
    pub uri: http::Uri,
    /// Every header.
    pub headers: http::HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl RecordedRequest {
    /// A header's value as text, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

type Responder = dyn Fn(usize, &HttpRequest) -> Result<HttpResponse, TransportError> + Send + Sync;

trait DynService: Send + Sync {
    fn call_boxed(&self, request: HttpRequest) -> BoxFuture<'_, HttpResponse>;
}

impl<S: HttpService> DynService for S {
    fn call_boxed(&self, request: HttpRequest) -> BoxFuture<'_, HttpResponse> {
        Box::pin(self.call(request))
    }
}

enum Answer {
    Responder(Box<Responder>),
    Service(Box<dyn DynService>),
}

struct Inner {
    answer: Answer,
    count: AtomicUsize,
    recorded: Option<Mutex<Vec<RecordedRequest>>>,
}

/// A transport that never touches the network, for tests of code that uses a client.
///
/// It answers with a canned response, with a function of the request, or by handing the
/// request to an in-process [`HttpService`] such as a generated server router. It counts
/// requests and, when asked to, records them for assertions.
///
/// ```
/// use aws_json_runtime::InMemoryTransport;
/// let transport = InMemoryTransport::canned(200, r#"{"IdentityId":"us-east-1:1234"}"#).recording();
/// assert_eq!(transport.request_count(), 0);
/// ```
#[derive(Clone)]
pub struct InMemoryTransport(Arc<Inner>);

impl fmt::Debug for InMemoryTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryTransport")
            .field("requests", &self.request_count())
            .finish()
    }
}

impl InMemoryTransport {
    fn from_answer(answer: Answer) -> Self {
        InMemoryTransport(Arc::new(Inner {
            answer,
            count: AtomicUsize::new(0),
            recorded: None,
        }))
    }

    /// Answers every request with `status` and `body` (content type `application/x-amz-json-1.1`).
    pub fn canned(status: u16, body: impl Into<Bytes>) -> Self {
        let body = body.into();
        Self::from_fn(move |_, _| Ok(json_response(status, body.clone())))
    }

    /// Answers the requests in turn with the given `(status, body)` pairs; after the last one
    /// it keeps answering with the last.
    pub fn sequence(responses: Vec<(u16, Bytes)>) -> Self {
        Self::from_fn(move |n, _| match responses.get(n).or(responses.last()) {
            Some((status, body)) => Ok(json_response(*status, body.clone())),
            None => Err(TransportError::new(
                TransportErrorKind::NotConfigured,
                "the in-memory transport was given no responses",
            )),
        })
    }

    /// Answers each request with `f(n, &request)`, where `n` counts requests from zero.
    pub fn from_fn(
        f: impl Fn(usize, &HttpRequest) -> Result<HttpResponse, TransportError> + Send + Sync + 'static,
    ) -> Self {
        Self::from_answer(Answer::Responder(Box::new(f)))
    }

    /// Hands each request to `service` (for example a generated server router).
    pub fn service(service: impl HttpService) -> Self {
        Self::from_answer(Answer::Service(Box::new(service)))
    }

    /// Records every request from now on; read them with [`InMemoryTransport::requests`].
    ///
    /// Call it before cloning the transport into a client.
    pub fn recording(self) -> Self {
        match Arc::try_unwrap(self.0) {
            Ok(mut inner) => {
                inner.recorded = Some(Mutex::new(Vec::new()));
                InMemoryTransport(Arc::new(inner))
            }
            // Already shared: recording cannot be switched on for the other holders.
            Err(shared) => InMemoryTransport(shared),
        }
    }

    /// How many requests were sent.
    pub fn request_count(&self) -> usize {
        self.0.count.load(Ordering::Relaxed)
    }

    /// The recorded requests (empty unless [`InMemoryTransport::recording`] was called).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        match &self.0.recorded {
            Some(m) => m.lock().map(|v| v.clone()).unwrap_or_default(),
            None => Vec::new(),
        }
    }

    /// The last recorded request, if any.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.requests().pop()
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

impl Transport for InMemoryTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let n = self.0.count.fetch_add(1, Ordering::Relaxed);
        if let Some(recorded) = &self.0.recorded {
            if let Ok(mut v) = recorded.lock() {
                v.push(RecordedRequest {
                    method: request.method().clone(),
                    uri: request.uri().clone(),
                    headers: request.headers().clone(),
                    body: request.body().clone(),
                });
            }
        }
        match &self.0.answer {
            Answer::Responder(f) => Box::pin(std::future::ready(f(n, &request))),
            Answer::Service(s) => Box::pin(async move { Ok(s.call_boxed(request).await) }),
        }
    }
}

/// The transport of a client that was built without one while the `https` feature is off:
/// every call fails and says so.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTransport;

impl Transport for NoTransport {
    fn send(&self, _: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(std::future::ready(Err(TransportError::new(
            TransportErrorKind::NotConfigured,
            "no transport configured: enable the `https` feature (on by default) for the default HTTP(S) transport, or pass one with `Config::builder().transport(..)`",
        ))))
    }
}
