//! How requests leave the client: the [`Transport`] trait, an in-memory implementation for
//! tests, and the transport of a client built without one. The request and response types
//! and the transport error are `base::http`'s, shared with the server.
//!
//! A transport takes a finished HTTP request (already serialised and, where needed, signed)
//! and returns the HTTP response. The client does everything else, so an HTTP/1.1 or HTTP/2
//! transport, a test double and a direct call into a server router are all interchangeable.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use crate::base::http::{
    json_response, BoxFuture, HttpRequest, HttpResponse, HttpService, TransportError,
    TransportErrorKind,
};

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
