//! The default transport: HTTP/1.1 over TCP, with TLS from rustls for `https://` endpoints
//! and plain TCP for `http://` ones (local emulators, loopback tests).
//!
//! [`HttpsTransport`] keeps a pool of keep-alive connections (`pool.rs`), so consecutive
//! calls to one host reuse a connection instead of paying for a TCP and TLS handshake each
//! time. Each exchange runs in the calling task: the call polls hyper's HTTP/1.1 connection
//! itself while it waits for the response, so a request costs no wake-up of another task, and
//! concurrent calls each take a connection of their own from the pool, and take and return it
//! without a lock. A pooled connection the server has closed is noticed when it is taken
//! and replaced; one that fails before any response byte on reuse (the server closed it just
//! as the request went out) is replaced and the request sent once more on a new connection,
//! as the AWS SDKs do. TLS uses rustls with the `aws-lc-rs` crypto provider, named explicitly
//! so no process-wide provider has to be installed. It offers the post-quantum hybrid key
//! exchange X25519MLKEM768 first, which AWS endpoints accept and the AWS SDK for Rust offers
//! too; `ring` has no post-quantum key exchange, and rustls deprecates its provider for that.
//! Building it needs a C compiler, no cmake or nasm.
//! Server certificates are checked against Mozilla's root certificates compiled into the
//! binary (`webpki-roots`): AWS endpoints chain to public roots, and compiled-in roots behave
//! the same on every machine, including slim containers that have no system certificate
//! store. Beyond that one resend on a stale pooled connection this module never retries: the
//! client owns the retry policy.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::HOST;
use http::HeaderValue;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Body as _, Incoming};
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::base::http::{BoxFuture, HttpRequest, HttpResponse, TransportError, TransportErrorKind};
use crate::client::pool::{ExchangeError, HostSlot, Pool, PoolKey, PooledConnection};
use crate::client::transport::Transport;

/// How long a TCP connection and its TLS handshake may take by default: 3.1 seconds, the
/// AWS SDKs' default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3_100);

/// How long an idle pooled connection is kept by default: 90 seconds.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The largest response body a transport reads by default: 64 MiB, far above any awsJson
/// answer, and a bound on what a broken or hostile endpoint can make the client hold.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;

/// The transport clients use unless another is configured: HTTP/1.1 with keep-alive, TLS
/// from rustls, plain TCP for `http://` URLs.
///
/// Cloning is cheap and the clones share one connection pool. Sending needs a tokio runtime
/// with I/O and timers enabled; no task is spawned, the caller's task does the I/O. An idle
/// connection past the idle timeout is closed when the pool is next used for its host.
///
/// ```
/// use std::time::Duration;
/// use aws_json_runtime::client::https::HttpsTransport;
///
/// let transport = HttpsTransport::builder()
///     .connect_timeout(Duration::from_secs(1))
///     .pool_max_idle_per_host(8)
///     .build();
/// # drop(transport);
/// ```
#[derive(Clone)]
pub struct HttpsTransport {
    shared: Arc<Shared>,
    settings: HttpsSettings,
}

/// What the clones of one transport share: the connector and the pool.
struct Shared {
    connector: Connector,
    pool: Pool<Stream>,
}

/// The settings of an [`HttpsTransport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HttpsSettings {
    connect_timeout: Duration,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    max_response_body: usize,
}

impl Default for HttpsSettings {
    fn default() -> Self {
        HttpsSettings {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
            pool_max_idle_per_host: usize::MAX,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
        }
    }
}

impl fmt::Debug for HttpsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpsTransport")
            .field("connect_timeout", &self.settings.connect_timeout)
            .field("pool_idle_timeout", &self.settings.pool_idle_timeout)
            .field(
                "pool_max_idle_per_host",
                &self.settings.pool_max_idle_per_host,
            )
            .field("max_response_body", &self.settings.max_response_body)
            .finish_non_exhaustive()
    }
}

impl Default for HttpsTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpsTransport {
    /// A transport with the default settings (see [`HttpsTransportBuilder`]).
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder to change the settings.
    pub fn builder() -> HttpsTransportBuilder {
        HttpsTransportBuilder {
            settings: HttpsSettings::default(),
        }
    }

    /// The connect timeout: how long the TCP connection and the TLS handshake may take.
    pub fn connect_timeout(&self) -> Duration {
        self.settings.connect_timeout
    }

    fn from_settings(settings: HttpsSettings) -> Self {
        let mut http = HttpConnector::new();
        // The same connector serves `https://` URLs: TLS is layered on top of it below.
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(settings.connect_timeout));
        let connector = Connector {
            http,
            tls: TlsConnector::from(tls_config()),
            connect_timeout: settings.connect_timeout,
        };
        let pool = Pool::new(settings.pool_idle_timeout, settings.pool_max_idle_per_host);
        HttpsTransport {
            shared: Arc::new(Shared { connector, pool }),
            settings,
        }
    }

    async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let key = pool_key(request.uri())?;
        let slot = self.shared.pool.host(&key, || host_header(request.uri()));
        let request = origin_form(request, slot.host().clone());
        let mut reused = slot.take();
        while let Some(mut connection) = reused.take() {
            if !connection.check_open().await {
                // Closed by the server while idle: try the next idle one.
                reused = slot.take();
                continue;
            }
            // Kept should the server have closed the connection just as this request
            // went out: the SDKs send it again on a new connection then.
            let again = request.clone();
            match self.send_on(slot, connection, request.map(Full::new)).await {
                Err(ExchangeError::NoResponse(_)) => {
                    return self.send_new(slot, again).await;
                }
                done => return done.map_err(exchange_error),
            }
        }
        self.send_new(slot, request).await
    }

    /// Sends `request` on a new connection to `slot`'s host.
    async fn send_new(
        &self,
        slot: &HostSlot<Stream>,
        request: HttpRequest,
    ) -> Result<HttpResponse, TransportError> {
        let stream = self
            .shared
            .connector
            .clone()
            .connect(slot.key())
            .await
            .map_err(|e| TransportError::new(e.kind, format!("cannot connect: {}", e.message)))?;
        let (sender, driver) = hyper::client::conn::http1::Builder::new()
            .handshake(stream)
            .await
            .map_err(|e| request_error(ExchangeError::NoResponse(Some(e))))?;
        let connection = Box::new(PooledConnection::new(sender, driver));
        self.send_on(slot, connection, request.map(Full::new))
            .await
            .map_err(exchange_error)
    }

    /// Sends `request` on `connection` and reads the whole response, then returns the
    /// connection to `slot` if it can carry another request.
    async fn send_on(
        &self,
        slot: &HostSlot<Stream>,
        mut connection: Box<PooledConnection<Stream>>,
        request: http::Request<Full<Bytes>>,
    ) -> Result<HttpResponse, ExchangeError> {
        let limit = self.settings.max_response_body;
        let response = connection
            .exchange(request, |response| read_response(response, limit))
            .await?;
        if self.settings.pool_max_idle_per_host > 0 && connection.check_open().await {
            slot.put(connection);
        }
        Ok(response)
    }
}

/// Reads a whole response. A declared `Content-Length` over the limit fails before any of the
/// body is read; a body without one is cut off at the limit. Either way the connection is
/// dropped rather than pooled, since the rest of the body was never read.
async fn read_response(
    response: http::Response<Incoming>,
    limit: usize,
) -> Result<HttpResponse, TransportError> {
    let (parts, body) = response.into_parts();
    if body.size_hint().lower() > u64::try_from(limit).unwrap_or(u64::MAX) {
        return Err(response_too_large(limit));
    }
    let body = Limited::new(body, limit)
        .collect()
        .await
        .map_err(|e| body_error(e, limit))?;
    Ok(http::Response::from_parts(parts, body.to_bytes()))
}

/// The pool key of a request's URI: TLS or not, and the authority; an error for a scheme
/// that is neither `http` nor `https`, or a URI without a host.
fn pool_key(uri: &http::Uri) -> Result<PoolKey, TransportError> {
    let tls = match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => true,
        Some(s) if s.eq_ignore_ascii_case("http") => false,
        other => {
            return Err(TransportError::new(
                TransportErrorKind::Other,
                format!(
                    "cannot send to `{uri}`: the scheme {} is not `http` or `https`",
                    other.map_or_else(|| "is missing and".to_owned(), |s| format!("`{s}`"))
                ),
            ))
        }
    };
    let authority = uri.authority().filter(|a| !a.host().is_empty());
    let Some(authority) = authority.cloned() else {
        return Err(TransportError::new(
            TransportErrorKind::Other,
            format!("cannot send to `{uri}`: it names no host"),
        ));
    };
    Ok(PoolKey { tls, authority })
}

/// The `Host` header of requests to `uri`: its host, and its port unless it is the scheme's.
fn host_header(uri: &http::Uri) -> HeaderValue {
    crate::auth::sigv4::uri_host(uri)
        .and_then(|host| HeaderValue::from_str(&host).ok())
        .unwrap_or_else(|| HeaderValue::from_static(""))
}

/// `request` as an HTTP/1.1 client sends it: a path (origin form) instead of the full URI,
/// and a `Host` header (unless it has one).
fn origin_form(mut request: HttpRequest, host: HeaderValue) -> HttpRequest {
    let path = request
        .uri()
        .path_and_query()
        .cloned()
        .unwrap_or_else(|| http::uri::PathAndQuery::from_static("/"));
    *request.uri_mut() = http::Uri::from(path);
    request.headers_mut().entry(HOST).or_insert(host);
    request
}

impl Transport for HttpsTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(self.exchange(request))
    }
}

/// Builds an [`HttpsTransport`].
#[derive(Debug, Clone)]
pub struct HttpsTransportBuilder {
    settings: HttpsSettings,
}

impl HttpsTransportBuilder {
    /// How long the TCP connection and the TLS handshake may take, each (default
    /// [`DEFAULT_CONNECT_TIMEOUT`]). A connection that takes longer fails with a retryable
    /// timeout error.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// How long a connection may sit idle in the pool and still be reused (default
    /// [`DEFAULT_POOL_IDLE_TIMEOUT`]); the next call to its host that finds one idle longer
    /// closes it. `None` keeps idle connections until the server closes them. The pool hands
    /// out the connection that has been idle longest, so under steady calls each connection it
    /// keeps is reused in turn.
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.pool_idle_timeout = timeout;
        self
    }

    /// How many idle connections to one host the pool keeps (default: no limit, as idle
    /// connections close after the idle timeout anyway); 0 turns keep-alive off.
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.settings.pool_max_idle_per_host = max;
        self
    }

    /// The largest response body read, in bytes (default [`DEFAULT_MAX_RESPONSE_BODY`]). A
    /// response that declares a longer body fails before its body is read, and one that
    /// streams past the limit is cut off there; both fail the attempt with a
    /// [`TransportErrorKind::ResponseTooLarge`] error, which is not retried.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.settings.max_response_body = bytes;
        self
    }

    /// The finished transport. Building it needs no runtime; sending does.
    pub fn build(self) -> HttpsTransport {
        HttpsTransport::from_settings(self.settings)
    }
}

/// The transport a [`Config`](crate::Config) uses when none is set: one [`HttpsTransport`]
/// per configuration (shared by its clones), built at the first request so that a
/// configuration that never sends pays nothing for it.
pub(crate) struct DefaultHttps {
    connect_timeout: Duration,
    transport: OnceLock<HttpsTransport>,
}

impl DefaultHttps {
    pub(crate) fn new(connect_timeout: Option<Duration>) -> Self {
        DefaultHttps {
            connect_timeout: connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            transport: OnceLock::new(),
        }
    }
}

impl Transport for DefaultHttps {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let transport = self.transport.get_or_init(|| {
            HttpsTransport::builder()
                .connect_timeout(self.connect_timeout)
                .build()
        });
        transport.send(request)
    }
}

/// The rustls client configuration every transport shares: the `aws-lc-rs` provider (its
/// key exchanges start with X25519MLKEM768), TLS 1.2 and 1.3, Mozilla's roots, and ALPN
/// offering HTTP/1.1 only (the only protocol spoken).
fn tls_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
            // Safe: the versions come from the same provider, with no outside input, so this
            // cannot fail.
            #[allow(clippy::expect_used)]
            let mut config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .expect("rustls' aws-lc-rs provider supports its own safe default TLS versions")
                .with_root_certificates(roots)
                .with_no_client_auth();
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            Arc::new(config)
        })
        .clone()
}

/// Opens connections: TCP through hyper-util's connector (DNS, happy eyeballs, connect
/// timeout), then a TLS handshake for `https://`.
#[derive(Clone)]
struct Connector {
    http: HttpConnector,
    tls: TlsConnector,
    connect_timeout: Duration,
}

impl Connector {
    async fn connect(mut self, key: &PoolKey) -> Result<Stream, ConnectError> {
        let scheme = if key.tls { "https" } else { "http" };
        let host = key.authority.host().to_owned();
        let uri = http::Uri::builder()
            .scheme(scheme)
            .authority(key.authority.clone())
            .path_and_query("/")
            .build()
            .map_err(|e| {
                ConnectError::new(
                    TransportErrorKind::Other,
                    format!("cannot connect to `{}`: {e}", key.authority),
                )
            })?;
        std::future::poll_fn(|cx| {
            tower_service::Service::<http::Uri>::poll_ready(&mut self.http, cx)
        })
        .await
        .map_err(|e| ConnectError::tcp(&e))?;
        let tcp = tower_service::Service::<http::Uri>::call(&mut self.http, uri)
            .await
            .map_err(|e| ConnectError::tcp(&e))?;
        if !key.tls {
            return Ok(Stream::Plain(tcp));
        }
        // A bracketed IPv6 literal is an IP address to TLS, without the brackets.
        let bare = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let name = ServerName::try_from(bare).map_err(|e| {
            ConnectError::new(
                TransportErrorKind::Other,
                format!("`{host}` is not a valid TLS server name: {e}"),
            )
        })?;
        let handshake = self.tls.connect(name, tcp.into_inner());
        match tokio::time::timeout(self.connect_timeout, handshake).await {
            Ok(Ok(stream)) => Ok(Stream::Tls(Box::new(TokioIo::new(stream)))),
            Ok(Err(e)) => Err(ConnectError::tls(&host, e)),
            Err(_) => Err(ConnectError::new(
                TransportErrorKind::Timeout,
                format!(
                    "the TLS handshake with `{host}` took longer than the connect timeout of {:?}",
                    self.connect_timeout
                ),
            )),
        }
    }
}

/// A connection, with or without TLS (boxed: its state is over a kilobyte).
enum Stream {
    Plain(TokioIo<TcpStream>),
    Tls(Box<TokioIo<TlsStream<TcpStream>>>),
}

impl Read for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl Write for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// Why a connection could not be opened, already sorted into a [`TransportErrorKind`].
#[derive(Debug)]
struct ConnectError {
    kind: TransportErrorKind,
    message: String,
}

impl ConnectError {
    fn new(kind: TransportErrorKind, message: String) -> Self {
        ConnectError { kind, message }
    }

    /// A failure of the TCP connector: a timeout when any cause timed out, else a
    /// connection failure (refused, unreachable, DNS).
    fn tcp(error: &(dyn StdError + 'static)) -> Self {
        let timed_out = causes(error).any(|e| io_kind(e) == Some(io::ErrorKind::TimedOut));
        let kind = if timed_out {
            TransportErrorKind::Timeout
        } else {
            TransportErrorKind::Connect
        };
        ConnectError::new(kind, chain_text(error))
    }

    /// A failed TLS handshake. A certificate the roots do not vouch for, or any other TLS
    /// protocol refusal, will not get better by retrying; a dropped connection might.
    fn tls(host: &str, error: io::Error) -> Self {
        let refused_by_tls = error
            .get_ref()
            .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some());
        let kind = if refused_by_tls {
            TransportErrorKind::Other
        } else {
            TransportErrorKind::Connect
        };
        ConnectError::new(
            kind,
            format!("the TLS handshake with `{host}` failed: {error}"),
        )
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for ConnectError {}

/// The error of a response whose body is larger than `limit` bytes.
fn response_too_large(limit: usize) -> TransportError {
    TransportError::new(
        TransportErrorKind::ResponseTooLarge,
        format!("the response body is larger than the limit of {limit} bytes"),
    )
}

/// Sorts a failure while the response body was read: over the limit, or a broken connection.
fn body_error(error: Box<dyn StdError + Send + Sync>, limit: usize) -> TransportError {
    if error.is::<LengthLimitError>() {
        return response_too_large(limit);
    }
    let broken = TransportError::new(
        TransportErrorKind::Io,
        format!("the connection failed while the response body was read: {error}"),
    );
    match error.downcast::<hyper::Error>() {
        Ok(e) => broken.with_source(*e),
        Err(_) => broken,
    }
}

/// Sorts a failed exchange into a [`TransportError`].
fn exchange_error(error: ExchangeError) -> TransportError {
    match error {
        ExchangeError::Body(e) => e,
        no_response => request_error(no_response),
    }
}

/// Sorts a failure before any response arrived into a [`TransportError`].
fn request_error(error: ExchangeError) -> TransportError {
    let error = match error {
        ExchangeError::Body(e) => return e,
        ExchangeError::NoResponse(None) => {
            return TransportError::new(
                TransportErrorKind::Io,
                "the request failed: the server closed the connection without answering",
            )
        }
        ExchangeError::NoResponse(Some(e)) => e,
    };
    if is_head_too_large(&error) {
        // More headers, or a larger head, than hyper reads (100 headers, about 400 KiB): a
        // broken or hostile endpoint, not worth asking again.
        let message = format!("the response head is too large: {}", chain_text(&error));
        return TransportError::new(TransportErrorKind::ResponseTooLarge, message)
            .with_source(error);
    }
    let kind = if error.is_user() {
        TransportErrorKind::Other
    } else {
        TransportErrorKind::Io
    };
    let message = format!("the request failed: {}", chain_text(&error));
    TransportError::new(kind, message).with_source(error)
}

/// True for hyper's "message head is too large". hyper names that case with a method only
/// when its server is built, so the client knows it by its parse error's text.
fn is_head_too_large(error: &hyper::Error) -> bool {
    error.is_parse() && error.to_string().contains("too large")
}

/// `error` and its sources, outermost first.
fn causes<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(error), |e| (*e).source())
}

fn io_kind(error: &(dyn StdError + 'static)) -> Option<io::ErrorKind> {
    error.downcast_ref::<io::Error>().map(io::Error::kind)
}

/// The messages of `error` and its sources, joined with `: `, skipping repeats (wrappers
/// often print their source's message again).
fn chain_text(error: &(dyn StdError + 'static)) -> String {
    let mut text = String::new();
    for e in causes(error) {
        let message = e.to_string();
        if text.contains(&message) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&message);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_offers_the_post_quantum_key_exchange_first() {
        let config = tls_config();
        let groups: Vec<_> = config
            .crypto_provider()
            .kx_groups
            .iter()
            .map(|g| g.name())
            .collect();
        assert_eq!(
            groups.first(),
            Some(&rustls::NamedGroup::X25519MLKEM768),
            "{groups:?}"
        );
    }

    #[test]
    fn defaults_are_documented_values() {
        let t = HttpsTransport::new();
        assert_eq!(t.connect_timeout(), DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(t.settings, HttpsSettings::default());
        let custom = HttpsTransport::builder()
            .connect_timeout(Duration::from_millis(250))
            .pool_idle_timeout(None)
            .pool_max_idle_per_host(0)
            .build();
        assert_eq!(custom.connect_timeout(), Duration::from_millis(250));
        assert_eq!(custom.settings.pool_idle_timeout, None);
        assert!(format!("{custom:?}").contains("250ms"));
    }

    #[test]
    fn tls_uses_compiled_in_roots_and_offers_http1_only() {
        let config = tls_config();
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
        assert!(Arc::ptr_eq(&config, &tls_config()), "built once");
    }

    #[test]
    fn error_chains_read_as_one_sentence() {
        let inner = io::Error::new(io::ErrorKind::TimedOut, "deadline passed");
        let outer = ConnectError::tcp(&inner);
        assert_eq!(outer.kind, TransportErrorKind::Timeout);
        assert_eq!(outer.message, "deadline passed");
        let refused = io::Error::new(io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(
            ConnectError::tcp(&refused).kind,
            TransportErrorKind::Connect
        );
    }

    #[tokio::test]
    async fn unknown_schemes_fail_without_connecting() {
        let transport = HttpsTransport::new();
        let request = http::Request::builder()
            .uri("ftp://127.0.0.1:1/")
            .body(Bytes::new())
            .unwrap();
        let err = transport.send(request).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Other, "{err}");
        assert!(err.to_string().contains("`ftp`"), "{err}");
    }
}
