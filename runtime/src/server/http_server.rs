//! Serving any [`HttpService`] (a generated router) over HTTP/1.1, the way an AWS endpoint
//! answers: a [`Server`] on hyper and tokio, and the same front door as a
//! `tower::Service` ([`AwsJsonService`]) to mount in axum or any tower stack.
//!
//! The front door does what the router cannot, because it sees the request before its body
//! is in memory: only `POST /` with an awsJson content type gets through, the body is read
//! only up to a limit (the `Content-Length` is checked first, a streamed body is cut off at
//! the limit), signatures are checked when verification is on, and every response carries an
//! `x-amzn-RequestId`. Errors it answers itself have the awsJson form: `__type`, `message`
//! and `X-Amzn-ErrorType`. It never names a service; what it knows of one comes from
//! [`HttpService::service_meta`] and [`HttpService::operation_meta`].

use std::collections::HashMap;
use std::convert::Infallible;
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{HeaderValue, ALLOW, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, Method, StatusCode, Uri};
use http_body::Body;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, ToSocketAddrs};

use crate::auth::credentials::Credentials;
use crate::auth::sigv4::{VerifyError, VerifyOptions};
use crate::base::http::{HttpRequest, HttpService, X_AMZN_ERROR_TYPE, X_AMZ_TARGET};
use crate::base::meta::{OperationMeta, ServiceMeta};
use crate::server::router::BodyLimit;

pub use crate::server::router::DEFAULT_BODY_LIMIT;

/// How long a request body may take to arrive by default: 30 s, as hyper allows for headers.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// The `x-amzn-RequestId` header every response carries.
pub const X_AMZN_REQUEST_ID: http::HeaderName = http::HeaderName::from_static("x-amzn-requestid");

/// The content type of errors the front door answers for a service that does not say its own.
const FALLBACK_CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// The content types of awsJson requests.
const JSON_CONTENT_TYPES: [&str; 2] = ["application/x-amz-json-1.0", "application/x-amz-json-1.1"];

/// What the front door reports about each answered request, for a request log.
#[derive(Debug)]
pub struct RequestLog<'a> {
    /// The `x-amzn-RequestId` the response carries.
    pub request_id: &'a str,
    /// The client's address, when served by a [`Server`].
    pub peer: Option<SocketAddr>,
    /// The request method.
    pub method: &'a Method,
    /// The request URI.
    pub uri: &'a Uri,
    /// The operation the request named, when the service knows it.
    pub operation: Option<&'static str>,
    /// The response status.
    pub status: StatusCode,
    /// The error code of an error response (`X-Amzn-ErrorType`).
    pub error_type: Option<&'a str>,
    /// The time from the request's arrival to its response being ready.
    pub latency: Duration,
}

/// Hears about every answered request (see [`ServerBuilder::on_request`]). It runs on the
/// request's task, so it should be quick: format a line, bump a counter.
pub trait RequestObserver: Send + Sync + 'static {
    /// Called once per request, after the response is ready.
    fn on_request(&self, log: &RequestLog<'_>);
}

impl<F: Fn(&RequestLog<'_>) + Send + Sync + 'static> RequestObserver for F {
    fn on_request(&self, log: &RequestLog<'_>) {
        self(log)
    }
}

/// Configures a [`Server`] or an [`AwsJsonService`] for one service.
///
/// ```no_run
/// # async fn run<S: aws_json_runtime::HttpService>(router: S) -> std::io::Result<()> {
/// use aws_json_runtime::server::http_server::{shutdown_signal, Server};
/// let server = Server::builder(router)
///     .body_limit(1024 * 1024)
///     .bind("127.0.0.1:0")
///     .await?;
/// println!("http://{}", server.local_addr());
/// server.serve_with_shutdown(shutdown_signal()).await
/// # }
/// ```
pub struct ServerBuilder<S> {
    service: S,
    options: Options,
}

struct Options {
    body_limit: usize,
    body_timeout: Duration,
    shutdown_timeout: Option<Duration>,
    observer: Option<Arc<dyn RequestObserver>>,
    other_requests: bool,
    sigv4: Option<SigV4Verifier>,
}

impl<S: HttpService> ServerBuilder<S> {
    /// The largest request body accepted, in bytes (default [`DEFAULT_BODY_LIMIT`]). A body
    /// over it is answered with 413 `RequestEntityTooLargeException` without being read
    /// further; a gzip body may not decode to more than it either.
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.options.body_limit = bytes;
        self
    }

    /// How long reading a request body may take, from its headers to its last byte (default
    /// [`DEFAULT_BODY_TIMEOUT`]). A client that sends more slowly is answered with 408
    /// `RequestTimeoutException` and its connection closed, so a slow sender cannot hold a
    /// connection open for ever.
    #[must_use]
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.options.body_timeout = timeout;
        self
    }

    /// How long a graceful shutdown waits for requests in flight before closing their
    /// connections anyway (default: as long as they take).
    #[must_use]
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.options.shutdown_timeout = Some(timeout);
        self
    }

    /// Calls `observer` once for every answered request, for example to log one line each.
    #[must_use]
    pub fn on_request(mut self, observer: impl RequestObserver) -> Self {
        self.options.observer = Some(Arc::new(observer));
        self
    }

    /// Requires a valid SigV4 signature from one of `verifier`'s key pairs on every request
    /// except those of the model's unsigned operations (off by default). A request that fails
    /// is answered the way AWS answers it: `MissingAuthenticationTokenException`,
    /// `IncompleteSignatureException`, `InvalidSignatureException` (a wrong signature, scope or
    /// request time) or `UnrecognizedClientException`, with status 400.
    #[must_use]
    pub fn sigv4(mut self, verifier: SigV4Verifier) -> Self {
        self.options.sigv4 = Some(verifier);
        self
    }

    /// Hands requests other than `POST /` (such as `GET /.well-known/jwks.json`) to the
    /// service, body limit applied, instead of answering them 404 or 405 itself: for a service
    /// that publishes documents beside its API. Off by default.
    #[must_use]
    pub fn other_requests(mut self, on: bool) -> Self {
        self.options.other_requests = on;
        self
    }

    /// Binds a TCP listener to `addr` (port 0 picks a free port) and returns the server,
    /// ready to serve.
    pub async fn bind(self, addr: impl ToSocketAddrs) -> io::Result<Server<S>> {
        let listener = TcpListener::bind(addr).await?;
        self.listener(listener)
    }

    /// Serves on a listener the caller bound.
    pub fn listener(self, listener: TcpListener) -> io::Result<Server<S>> {
        let local_addr = listener.local_addr()?;
        Ok(Server {
            listener,
            local_addr,
            front: self.into_service(),
        })
    }

    /// The front door as a `tower::Service`, to mount in another server (for axum,
    /// `Router::new().route_service("/", service)` or `fallback_service(service)`).
    pub fn into_service(self) -> AwsJsonService<S> {
        AwsJsonService {
            inner: Arc::new(Inner {
                service: self.service,
                options: self.options,
            }),
        }
    }
}

impl<S> fmt::Debug for ServerBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("body_limit", &self.options.body_limit)
            .field("body_timeout", &self.options.body_timeout)
            .field("shutdown_timeout", &self.options.shutdown_timeout)
            .field("observer", &self.options.observer.is_some())
            .field("sigv4", &self.options.sigv4)
            .finish_non_exhaustive()
    }
}

/// The key pairs a server accepts SigV4 signatures from, and how strictly it checks them.
///
/// ```
/// use aws_json_runtime::auth::credentials::Credentials;
/// use aws_json_runtime::server::http_server::SigV4Verifier;
/// let verifier = SigV4Verifier::new([Credentials::new("AKIDLOCAL", "local-secret", None, None, "local")])
///     .region("us-east-1");
/// assert!(verifier.knows("AKIDLOCAL"));
/// ```
#[derive(Clone)]
pub struct SigV4Verifier {
    keys: HashMap<String, Credentials>,
    max_skew: Duration,
    region: Option<String>,
    clock_offset_secs: i64,
}

impl SigV4Verifier {
    /// Accepts signatures from `credentials` (a session token, when one is set, must come
    /// with the request), with AWS's 5-minute allowance between the request time and the
    /// server's clock, in any region.
    pub fn new(credentials: impl IntoIterator<Item = Credentials>) -> Self {
        SigV4Verifier {
            keys: credentials
                .into_iter()
                .map(|c| (c.access_key_id().to_owned(), c))
                .collect(),
            max_skew: VerifyOptions::DEFAULT_MAX_SKEW,
            region: None,
            clock_offset_secs: 0,
        }
    }

    /// Checks request times against a clock `secs` ahead of this machine's (negative:
    /// behind), for a server that plays one with a skewed clock.
    #[must_use]
    pub fn clock_offset(mut self, secs: i64) -> Self {
        self.clock_offset_secs = secs;
        self
    }

    /// How far a request's signing time may be from the server's clock, either way.
    #[must_use]
    pub fn max_skew(mut self, skew: Duration) -> Self {
        self.max_skew = skew;
        self
    }

    /// Accepts only signatures scoped to `region`.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// True when `access_key_id` is one of the accepted keys.
    pub fn knows(&self, access_key_id: &str) -> bool {
        self.keys.contains_key(access_key_id)
    }

    /// Checks `request`'s signature now; `service` is the signing name the scope must carry,
    /// when the service says it.
    fn verify(&self, request: &HttpRequest, service: Option<&str>) -> Result<(), VerifyError> {
        let lookup = |key: &str| self.keys.get(key).cloned();
        let options = VerifyOptions {
            max_skew: self.max_skew,
            ..VerifyOptions::at(shifted(SystemTime::now(), self.clock_offset_secs))
        };
        let verified = crate::auth::sigv4::verify(request, &lookup, &options)?;
        let region = self.region.as_deref().unwrap_or(&verified.region);
        let service = service.unwrap_or(&verified.service);
        verified.expect_scope(region, service)
    }

    /// The `Date` of a response on the verifier's clock, when it is offset from this
    /// machine's (otherwise the HTTP server's own `Date` stands).
    fn date_header(&self) -> Option<HeaderValue> {
        if self.clock_offset_secs == 0 {
            return None;
        }
        let now = shifted(SystemTime::now(), self.clock_offset_secs);
        let secs = now.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
        let text = crate::wire::date::format_http_date(i64::try_from(secs).ok()?)?;
        HeaderValue::try_from(text).ok()
    }
}

/// `now` moved by `secs` seconds either way (saturating at the epoch).
fn shifted(now: SystemTime, secs: i64) -> SystemTime {
    let by = Duration::from_secs(secs.unsigned_abs());
    if secs >= 0 {
        now.checked_add(by).unwrap_or(now)
    } else {
        now.checked_sub(by).unwrap_or(SystemTime::UNIX_EPOCH)
    }
}

impl fmt::Debug for SigV4Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Access key ids are not secret; the secrets stay out of logs.
        let mut keys: Vec<&str> = self.keys.keys().map(String::as_str).collect();
        keys.sort_unstable();
        f.debug_struct("SigV4Verifier")
            .field("access_key_ids", &keys)
            .field("max_skew", &self.max_skew)
            .field("region", &self.region)
            .field("clock_offset_secs", &self.clock_offset_secs)
            .finish()
    }
}

/// An HTTP/1.1 server (keep-alive, one task per connection) for one [`HttpService`].
pub struct Server<S> {
    listener: TcpListener,
    local_addr: SocketAddr,
    front: AwsJsonService<S>,
}

impl Server<()> {
    /// Starts configuring a server for `service`.
    pub fn builder<S: HttpService>(service: S) -> ServerBuilder<S> {
        ServerBuilder {
            service,
            options: Options {
                body_limit: DEFAULT_BODY_LIMIT,
                body_timeout: DEFAULT_BODY_TIMEOUT,
                shutdown_timeout: None,
                observer: None,
                other_requests: false,
                sigv4: None,
            },
        }
    }
}

impl<S> fmt::Debug for Server<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl<S: HttpService> Server<S> {
    /// The address the server listens on (with the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:8080`.
    pub fn url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// Serves until SIGINT or SIGTERM (see [`shutdown_signal`]), then shuts down gracefully.
    pub async fn serve(self) -> io::Result<()> {
        self.serve_with_shutdown(shutdown_signal()).await
    }

    /// Serves until `signal` completes, then shuts down gracefully: it stops accepting
    /// connections, lets every request in flight finish and be answered, closes idle
    /// keep-alive connections, and returns once all connections are closed (or the
    /// [`ServerBuilder::shutdown_timeout`] has passed).
    pub async fn serve_with_shutdown(self, signal: impl Future<Output = ()>) -> io::Result<()> {
        let Server {
            listener, front, ..
        } = self;
        let graceful = GracefulShutdown::new();
        let mut signal = pin!(signal);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    match accepted {
                        Ok((stream, peer)) => {
                            // Small awsJson answers go out at once instead of waiting for
                            // more data to fill a segment.
                            let _ = stream.set_nodelay(true);
                            let inner = Arc::clone(&front.inner);
                            let service = hyper::service::service_fn(move |request| {
                                let inner = Arc::clone(&inner);
                                async move { Ok::<_, Infallible>(inner.answer(request, Some(peer)).await) }
                            });
                            let connection = hyper::server::conn::http1::Builder::new()
                                .timer(TokioTimer::new())
                                .keep_alive(true)
                                .serve_connection(TokioIo::new(stream), service);
                            let connection = graceful.watch(connection);
                            tokio::spawn(async move {
                                // A connection that fails (a client gone mid-request, a
                                // malformed request line) concerns that client only.
                                let _ = connection.await;
                            });
                        }
                        Err(e) => {
                            if !is_per_connection(&e) {
                                // Out of file descriptors or similar: accepting at once would
                                // spin, so give the system a moment to recover.
                                tokio::time::sleep(Duration::from_millis(50)).await;
                            }
                        }
                    }
                }
                () = &mut signal => break,
            }
        }
        drop(listener);
        match front.inner.options.shutdown_timeout {
            Some(limit) => {
                let _ = tokio::time::timeout(limit, graceful.shutdown()).await;
            }
            None => graceful.shutdown().await,
        }
        Ok(())
    }
}

/// True for accept errors that concern one connection only, after which accepting the next
/// one can go on at once.
fn is_per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM: the signals that ask a server to stop.
/// The handlers are installed when this is called (inside a tokio runtime), not when the
/// future is first polled, so a signal that arrives while the server is still being spawned
/// stops it too instead of killing the process. If a handler cannot be installed, that signal
/// is not waited for.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, Signal, SignalKind};
        async fn received(signal: Option<Signal>) {
            match signal {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        let interrupt = signal(SignalKind::interrupt()).ok();
        let terminate = signal(SignalKind::terminate()).ok();
        async move {
            tokio::select! {
                () = received(interrupt) => {}
                () = received(terminate) => {}
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// The front door as a `tower::Service<http::Request<B>>` for any body `B`: the same checks
/// and answers as a [`Server`], for mounting in axum or another tower-based server.
/// Cloning is cheap (it shares one service).
pub struct AwsJsonService<S> {
    inner: Arc<Inner<S>>,
}

impl<S> Clone for AwsJsonService<S> {
    fn clone(&self) -> Self {
        AwsJsonService {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<S> fmt::Debug for AwsJsonService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsJsonService")
            .field("body_limit", &self.inner.options.body_limit)
            .field("body_timeout", &self.inner.options.body_timeout)
            .finish_non_exhaustive()
    }
}

impl<S: HttpService> AwsJsonService<S> {
    /// The service behind the front door.
    pub fn service(&self) -> &S {
        &self.inner.service
    }
}

/// The boxed future of [`AwsJsonService`]'s `call`.
pub type ResponseFuture =
    Pin<Box<dyn Future<Output = Result<http::Response<Full<Bytes>>, Infallible>> + Send>>;

impl<S, B> tower_service::Service<http::Request<B>> for AwsJsonService<S>
where
    S: HttpService,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    type Response = http::Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move { Ok(inner.answer(request, None).await) })
    }
}

struct Inner<S> {
    service: S,
    options: Options,
}

/// What the front door learnt of a request before answering it, for the request log.
struct Seen {
    method: Method,
    uri: Uri,
}

impl<S: HttpService> Inner<S> {
    /// Answers one request, whatever it is, and reports it to the observer.
    async fn answer<B>(
        &self,
        request: http::Request<B>,
        peer: Option<SocketAddr>,
    ) -> http::Response<Full<Bytes>>
    where
        B: Body,
        B::Error: Into<Box<dyn StdError + Send + Sync>>,
    {
        let started = Instant::now();
        let request_id = crate::base::random::idempotency_token();
        let operation = request
            .headers()
            .get(X_AMZ_TARGET)
            .and_then(|v| v.to_str().ok())
            .and_then(|target| self.service.operation_meta(target));
        let seen = self.options.observer.as_ref().map(|_| Seen {
            method: request.method().clone(),
            uri: request.uri().clone(),
        });
        let mut response = self.respond(request, operation).await;
        finish(&mut response, &request_id);
        if let (Some(observer), Some(seen)) = (&self.options.observer, seen) {
            let error_type = response
                .headers()
                .get(X_AMZN_ERROR_TYPE)
                .and_then(|v| v.to_str().ok());
            observer.on_request(&RequestLog {
                request_id: &request_id,
                peer,
                method: &seen.method,
                uri: &seen.uri,
                operation: operation.map(|op| op.name),
                status: response.status(),
                error_type,
                latency: started.elapsed(),
            });
        }
        response.map(Full::new)
    }

    /// The checks of the front door, then the service.
    async fn respond<B>(
        &self,
        request: http::Request<B>,
        operation: Option<&'static OperationMeta>,
    ) -> http::Response<Bytes>
    where
        B: Body,
        B::Error: Into<Box<dyn StdError + Send + Sync>>,
    {
        let content_type = self.content_type();
        let api = request.uri().path() == "/" && request.method() == Method::POST;
        if !api && self.options.other_requests {
            let limit = self.options.body_limit;
            let (parts, body) = request.into_parts();
            let timeout = self.options.body_timeout;
            return match read_body(body, &parts.headers, limit, timeout).await {
                Ok(body) => {
                    self.service
                        .call(http::Request::from_parts(parts, body))
                        .await
                }
                Err(e) => e.into_response(limit, timeout, content_type),
            };
        }
        if request.uri().path() != "/" {
            let message = format!(
                "No operation is served at `{}`: awsJson requests are POSTed to `/`.",
                request.uri().path()
            );
            return error(
                StatusCode::NOT_FOUND,
                "UnknownOperationException",
                &message,
                content_type,
            );
        }
        if request.method() != Method::POST {
            let message = format!(
                "The method {} is not allowed: awsJson requests are POSTs.",
                request.method()
            );
            let mut response = error(
                StatusCode::METHOD_NOT_ALLOWED,
                "UnknownOperationException",
                &message,
                content_type,
            );
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("POST"));
            return response;
        }
        if !is_json_content_type(request.headers()) {
            let message = format!(
                "The Content-Type must be {} or {}.",
                JSON_CONTENT_TYPES[0], JSON_CONTENT_TYPES[1]
            );
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UnsupportedMediaTypeException",
                &message,
                content_type,
            );
        }
        let limit = self.options.body_limit;
        let (mut parts, body) = request.into_parts();
        let timeout = self.options.body_timeout;
        let body = match read_body(body, &parts.headers, limit, timeout).await {
            Ok(body) => body,
            Err(e) => return e.into_response(limit, timeout, content_type),
        };
        parts.extensions.insert(BodyLimit(limit));
        let request = http::Request::from_parts(parts, body);
        // The model's unsigned operations need no signature; every other request does,
        // including one naming no known operation (AWS checks the caller first).
        let unsigned = operation.is_some_and(|op| op.unsigned);
        if let (Some(check), false) = (&self.options.sigv4, unsigned) {
            let service = match request
                .headers()
                .get(X_AMZ_TARGET)
                .and_then(|v| v.to_str().ok())
            {
                Some(target) => self.service.service_meta_for(target),
                None => self.service.service_meta(),
            }
            .map(|meta| meta.signing_name);
            if let Err(e) = check.verify(&request, service) {
                let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
                let mut response = error(status, e.code(), &e.message(), content_type);
                // A client corrects its clock from the refusal's `Date`, so a server that
                // plays a skewed clock must show it here too.
                if let Some(date) = check.date_header() {
                    response.headers_mut().insert(http::header::DATE, date);
                }
                return response;
            }
        }
        self.service.call(request).await
    }

    /// The service's content type, for the errors the front door answers itself.
    fn content_type(&self) -> &'static str {
        self.service
            .service_meta()
            .map_or(FALLBACK_CONTENT_TYPE, |meta: &'static ServiceMeta| {
                meta.content_type
            })
    }
}

/// True when the request's `Content-Type` is an awsJson one (parameters such as `charset`
/// are allowed).
fn is_json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    JSON_CONTENT_TYPES
        .iter()
        .any(|t| essence.eq_ignore_ascii_case(t))
}

enum BodyError {
    TooLarge,
    TimedOut,
    Read(Box<dyn StdError + Send + Sync>),
}

impl BodyError {
    /// The answer to a request whose body could not be read.
    fn into_response(
        self,
        limit: usize,
        timeout: Duration,
        content_type: &'static str,
    ) -> http::Response<Bytes> {
        match self {
            BodyError::TooLarge => too_large(limit, content_type),
            BodyError::TimedOut => closing_error(
                StatusCode::REQUEST_TIMEOUT,
                "RequestTimeoutException",
                &format!("The request body did not arrive within {timeout:?}."),
                content_type,
            ),
            BodyError::Read(e) => {
                let message = format!("The request body could not be read: {e}");
                error(
                    StatusCode::BAD_REQUEST,
                    "SerializationException",
                    &message,
                    content_type,
                )
            }
        }
    }
}

/// Reads a whole body, but never more than `limit` bytes and never for longer than `timeout`:
/// a `Content-Length` or size hint over the limit is refused before reading, and a body that
/// streams past it, or too slowly, is cut off.
async fn read_body<B>(
    body: B,
    headers: &HeaderMap,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, BodyError>
where
    B: Body,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    let limit_u64 = u64::try_from(limit).unwrap_or(u64::MAX);
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit_u64) || body.size_hint().lower() > limit_u64 {
        return Err(BodyError::TooLarge);
    }
    let Ok(collected) = tokio::time::timeout(timeout, Limited::new(body, limit).collect()).await
    else {
        return Err(BodyError::TimedOut);
    };
    match collected {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(BodyError::TooLarge),
        Err(e) => Err(BodyError::Read(e)),
    }
}

/// The 413 answer to a body over `limit`. The connection is closed afterwards, since the rest
/// of the body was never read.
fn too_large(limit: usize, content_type: &'static str) -> http::Response<Bytes> {
    closing_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "RequestEntityTooLargeException",
        &crate::server::router::too_large_message(limit),
        content_type,
    )
}

/// An awsJson error after which the connection is closed, for a request whose body was not
/// read to its end.
fn closing_error(
    status: StatusCode,
    code: &'static str,
    message: &str,
    content_type: &'static str,
) -> http::Response<Bytes> {
    let mut response = error(status, code, message, content_type);
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// An awsJson error answered by the front door itself.
fn error(
    status: StatusCode,
    code: &'static str,
    message: &str,
    content_type: &'static str,
) -> http::Response<Bytes> {
    let body = serde_json::json!({ "__type": code, "message": message }).to_string();
    let mut response = http::Response::new(Bytes::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(X_AMZN_ERROR_TYPE, HeaderValue::from_static(code));
    response
}

/// Adds what every response carries: the request id, and on errors the error type header
/// when the service wrote only `__type`.
fn finish(response: &mut http::Response<Bytes>, request_id: &str) {
    if let Ok(id) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert(X_AMZN_REQUEST_ID, id);
    }
    let failed = response.status().is_client_error() || response.status().is_server_error();
    if failed && !response.headers().contains_key(X_AMZN_ERROR_TYPE) {
        let code = serde_json::from_slice::<serde_json::Value>(response.body())
            .ok()
            .and_then(|body| {
                body.get("__type")
                    .and_then(|t| t.as_str())
                    .map(str::to_owned)
            });
        if let Some(code) = code.and_then(|c| HeaderValue::from_str(&c).ok()) {
            response.headers_mut().insert(X_AMZN_ERROR_TYPE, code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A SIGTERM that arrives after `shutdown_signal` is called but before its future is first
    /// polled is caught by the handler, not by the default action (which would end this test
    /// process).
    #[cfg(unix)]
    #[test]
    fn a_signal_before_the_first_poll_still_completes_the_future() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let signal = shutdown_signal();
            let status = std::process::Command::new("kill")
                .args(["-TERM", &std::process::id().to_string()])
                .status()
                .expect("running kill");
            assert!(status.success());
            tokio::time::timeout(std::time::Duration::from_secs(10), signal)
                .await
                .expect("the signal completes the future");
        });
    }

    #[test]
    fn awsjson_content_types_are_recognised_with_parameters() {
        let mut headers = HeaderMap::new();
        assert!(!is_json_content_type(&headers));
        for (value, ok) in [
            ("application/x-amz-json-1.1", true),
            ("application/x-amz-json-1.0; charset=utf-8", true),
            ("Application/X-Amz-Json-1.1", true),
            ("application/json", false),
            ("text/plain", false),
        ] {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
            assert_eq!(is_json_content_type(&headers), ok, "{value}");
        }
    }

    #[test]
    fn error_bodies_have_the_awsjson_form() {
        let mut response = error(
            StatusCode::NOT_FOUND,
            "UnknownOperationException",
            "nope",
            FALLBACK_CONTENT_TYPE,
        );
        finish(&mut response, "id-1");
        let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(body["__type"], "UnknownOperationException");
        assert_eq!(body["message"], "nope");
        assert_eq!(
            response.headers()[X_AMZN_ERROR_TYPE],
            "UnknownOperationException"
        );
        assert_eq!(response.headers()[X_AMZN_REQUEST_ID], "id-1");
    }

    #[test]
    fn a_verifier_with_a_clock_offset_dates_its_refusals_on_that_clock() {
        let verifier = SigV4Verifier::new([]);
        assert_eq!(verifier.date_header(), None);
        for offset in [7_200_i64, -7_200] {
            let date = verifier.clone().clock_offset(offset).date_header().unwrap();
            let shown = httpdate::parse_http_date(date.to_str().unwrap()).unwrap();
            let expected = shifted(SystemTime::now(), offset);
            let apart = match shown.duration_since(expected) {
                Ok(d) => d,
                Err(e) => e.duration(),
            };
            assert!(apart <= Duration::from_secs(2), "{date:?} {offset}");
        }
    }

    #[test]
    fn an_error_without_the_header_gets_it_from_the_body() {
        let mut response =
            http::Response::new(Bytes::from_static(br#"{"__type":"Boom","message":"x"}"#));
        *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        finish(&mut response, "id-2");
        assert_eq!(response.headers()[X_AMZN_ERROR_TYPE], "Boom");
    }
}
