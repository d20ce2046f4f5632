//! The client side of an awsJson call: configuration, the static facts generated code
//! declares about a service and its operations, and [`ClientCore::invoke`], which serialises
//! an input, sends it with retries, and reads the output or the operation's error.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::credentials::{Credentials, CredentialsChain, ProvideCredentials};
use crate::error::{ErrorKind, ErrorResponse, OperationError, UnhandledError};
use crate::profile::{Env, Fs, ProfileError, SharedConfig};
use crate::retry::{RetryConfig, RetryQuota};
use crate::skew::{self, ClockSkew};
use crate::timer;
use crate::transport::{
    HttpRequest, HttpResponse, NoTransport, Transport, TransportError, TransportErrorKind,
    X_AMZ_TARGET,
};
use crate::validate::{summarize, Validate};

/// A fresh idempotency token (a random version-4 UUID), for input members the model marks
/// `idempotencyToken` that the caller left unset. This is the default provider of
/// [`Config::idempotency_token`]; see [`ConfigBuilder::idempotency_token_provider`].
pub fn idempotency_token() -> String {
    uuid_v4().iter().map(|&b| char::from(b)).collect()
}

/// A random version-4 UUID in its 36-character text form, written without `format!` since
/// every call makes one (its invocation id).
fn uuid_v4() -> [u8; 36] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let (a, b) = crate::retry::random_u64_pair();
    // Set the version (4) and variant (10xx) bits of an RFC 4122 UUID.
    let hi = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let lo = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    let mut text = [b'-'; 36];
    // The 32 digits, most significant first, fill every place but the dashes at 8, 13, 18
    // and 23.
    let slots = text
        .iter_mut()
        .enumerate()
        .filter(|(at, _)| !matches!(at, 8 | 13 | 18 | 23))
        .map(|(_, slot)| slot);
    let nibbles = hi
        .to_be_bytes()
        .into_iter()
        .chain(lo.to_be_bytes())
        .flat_map(|byte| [byte >> 4, byte & 0xf]);
    for (slot, nibble) in slots.zip(nibbles) {
        if let Some(digit) = HEX.get(usize::from(nibble)) {
            *slot = *digit;
        }
    }
    text
}

/// Static facts about a service, declared by the generated crate.
#[derive(Debug)]
pub struct ServiceMeta {
    /// The SDK id, e.g. `Cognito Identity`.
    pub service_id: &'static str,
    /// The API version, e.g. `2014-06-30`.
    pub api_version: &'static str,
    /// The `X-Amz-Target` prefix.
    pub target_prefix: &'static str,
    /// The request and response content type (`application/x-amz-json-1.1`).
    pub content_type: &'static str,
    /// The SigV4 signing name.
    pub signing_name: &'static str,
    /// The endpoint prefix (the first label of the default host name).
    pub endpoint_prefix: &'static str,
    /// The endpoint rules compiled from the model's rule set, when it has one.
    pub endpoint_rules: Option<crate::endpoint::CompiledRules>,
    /// The generated crate's package name, for the `User-Agent` header.
    pub crate_name: &'static str,
    /// The generated crate's version, for the `User-Agent` header.
    pub crate_version: &'static str,
}

/// Static facts about one operation, declared by the generated crate.
#[derive(Debug)]
pub struct OperationMeta {
    /// The operation name, e.g. `GetId`.
    pub name: &'static str,
    /// The full `X-Amz-Target` value, e.g. `AWSCognitoIdentityService.GetId`.
    pub target: &'static str,
    /// True when the request is sent unsigned.
    pub unsigned: bool,
    /// True when the model marks the operation idempotent.
    pub idempotent: bool,
    /// How the operation pages, if it does.
    pub pagination: Option<PaginationMeta>,
    /// True when the model lets the request body be gzip-compressed (`requestCompression`).
    pub gzip_request: bool,
}

/// How a paginated operation pages through results.
#[derive(Debug)]
pub struct PaginationMeta {
    /// The input member carrying the continuation token.
    pub input_token: &'static str,
    /// The output member carrying the next token.
    pub output_token: &'static str,
    /// The input member limiting the page size.
    pub page_size: Option<&'static str>,
    /// The output member holding the page's items.
    pub items: Option<&'static str>,
}

/// How a client reaches its service.
#[derive(Clone)]
pub struct Config {
    transport: Arc<dyn Transport>,
    endpoint_url: Option<String>,
    region: Option<String>,
    retry: RetryConfig,
    validate_input: bool,
    request_compression: bool,
    min_compression_size: usize,
    use_fips: bool,
    use_dual_stack: bool,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    shared_config: Option<Result<Arc<SharedConfig>, ProfileError>>,
    /// False until a transport is set; `build` then puts the default transport in place.
    explicit_transport: bool,
    timeouts: Timeouts,
    /// Makes the tokens of unset idempotency-token members.
    idempotency_tokens: Arc<dyn Fn() -> String + Send + Sync>,
    /// The service's clock minus this machine's; each client made from the configuration
    /// starts its own.
    clock_skew: ClockSkew,
}

/// The time limits of a call. `None` is no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Timeouts {
    /// For the default transport's connections (TCP connect, then the TLS handshake).
    connect: Option<Duration>,
    /// For each attempt: sending the request and reading the whole response.
    attempt: Option<Duration>,
    /// For the whole call, every attempt and backoff included.
    operation: Option<Duration>,
}

/// The request body size, in bytes, from which compression applies by default.
pub const DEFAULT_MIN_COMPRESSION_SIZE: usize = 10_240;

/// The largest minimum compression size a client accepts (10 MiB).
pub const MAX_MIN_COMPRESSION_SIZE: usize = 10_485_760;

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("endpoint_url", &self.endpoint_url)
            .field("region", &self.region)
            .field("retry", &self.retry)
            .field("validate_input", &self.validate_input)
            .field("request_compression", &self.request_compression)
            .field("min_compression_size", &self.min_compression_size)
            .field("use_fips", &self.use_fips)
            .field("use_dual_stack", &self.use_dual_stack)
            .field("timeouts", &self.timeouts)
            .field(
                "credentials",
                &self
                    .credentials
                    .as_ref()
                    .map(|_| "a provider (secrets hidden)"),
            )
            .finish_non_exhaustive()
    }
}

impl Config {
    /// A builder with no transport, no endpoint, default retries and no input validation.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder {
            config: Config {
                transport: Arc::new(NoTransport),
                endpoint_url: None,
                region: None,
                retry: RetryConfig::default(),
                validate_input: false,
                request_compression: true,
                min_compression_size: DEFAULT_MIN_COMPRESSION_SIZE,
                use_fips: false,
                use_dual_stack: false,
                credentials: None,
                shared_config: None,
                explicit_transport: false,
                timeouts: Timeouts::default(),
                idempotency_tokens: Arc::new(idempotency_token),
                clock_skew: ClockSkew::new(),
            },
        }
    }

    /// A configuration as AWS users expect: see [`ConfigBuilder::from_env`].
    pub fn from_env() -> Config {
        ConfigBuilder::from_env().build()
    }

    /// The region, if set.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The endpoint URL, if set explicitly.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryConfig {
        &self.retry
    }

    /// The connect timeout of the default transport, if set (else the transport's default,
    /// 3.1 s).
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.timeouts.connect
    }

    /// The time limit of each attempt, if any.
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.timeouts.attempt
    }

    /// The time limit of a whole call, if any.
    pub fn operation_timeout(&self) -> Option<Duration> {
        self.timeouts.operation
    }

    /// True when inputs are checked against the model's constraints before sending.
    pub fn validates_input(&self) -> bool {
        self.validate_input
    }

    /// True when request bodies of operations that allow it are gzip-compressed.
    pub fn compresses_requests(&self) -> bool {
        self.request_compression
    }

    /// The body size, in bytes, from which request bodies are compressed.
    pub fn min_compression_size(&self) -> usize {
        self.min_compression_size
    }

    /// True when the client asks the endpoint rules for a FIPS endpoint.
    pub fn use_fips(&self) -> bool {
        self.use_fips
    }

    /// True when the client asks the endpoint rules for a dual-stack (IPv4 and IPv6)
    /// endpoint.
    pub fn use_dual_stack(&self) -> bool {
        self.use_dual_stack
    }

    /// The source of credentials for signed operations, if one is set.
    pub fn credentials_provider(&self) -> Option<&dyn ProvideCredentials> {
        self.credentials.as_deref()
    }

    /// A token for an idempotency-token member the caller left unset, from the configured
    /// provider (by default a fresh random version-4 UUID each time).
    pub fn idempotency_token(&self) -> String {
        (self.idempotency_tokens)()
    }

    /// How far the service's clock is from this machine's, as the `Date` headers of the
    /// client's responses show it. Requests are signed at the service's time; a holder of
    /// times the service wrote (a credential `Expiration`) converts them with
    /// [`ClockSkew::local_time`]. Every client made from a configuration starts its own
    /// estimate at zero, so read it from the client's configuration (`client.config()`);
    /// a clone of the handle follows the client's updates.
    pub fn clock_skew(&self) -> &ClockSkew {
        &self.clock_skew
    }

    /// This configuration for `service_id`: without an explicit endpoint URL, the one the
    /// environment or the shared files configure for that service, when built with
    /// [`ConfigBuilder::from_env`].
    fn for_service(mut self, service_id: &str) -> Config {
        if self.endpoint_url.is_none() {
            if let Some(Ok(shared)) = &self.shared_config {
                self.endpoint_url = shared.endpoint_url(service_id);
            }
        }
        self
    }
}

/// Builds a [`Config`].
#[derive(Debug, Clone)]
pub struct ConfigBuilder {
    config: Config,
}

impl ConfigBuilder {
    /// A builder filled in from the process environment and the shared files (these with the
    /// `config-files` feature, on by default), as the AWS SDKs do: the region from `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile's `region`;
    /// FIPS and dual-stack from `AWS_USE_FIPS_ENDPOINT` and `AWS_USE_DUALSTACK_ENDPOINT` or the
    /// profile's `use_fips_endpoint` and `use_dualstack_endpoint`; the endpoint URL from `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL` or the profile
    /// (resolved when a client is made, since it depends on the service); and credentials
    /// from the environment, then the shared files (read at the first signed call, then
    /// kept). Anything set on the builder afterwards wins.
    ///
    /// A shared file that cannot be parsed does not fail here: every call made with the
    /// configuration fails instead, with an error naming the file and line.
    pub fn from_env() -> ConfigBuilder {
        Self::from_env_with(Env::process(), Fs::real())
    }

    /// [`ConfigBuilder::from_env`] reading through `env` and `fs` instead of the real process
    /// environment and file system (for tests).
    pub fn from_env_with(env: Env, fs: Fs) -> ConfigBuilder {
        let mut builder = Config::builder();
        let shared = SharedConfig::load(env.clone(), &fs).map(Arc::new);
        if let Ok(shared) = &shared {
            builder.config.region = shared.region();
            builder.config.use_fips = shared.use_fips().unwrap_or(false);
            builder.config.use_dual_stack = shared.use_dual_stack().unwrap_or(false);
        }
        builder.config.shared_config = Some(shared);
        builder.config.credentials = Some(Arc::new(CredentialsChain::with_env_and_fs(env, fs)));
        builder
    }

    /// Signs requests with credentials from `provider` (asked once per call, and again on a
    /// retry only when they have expired).
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials) -> Self {
        self.config.credentials = Some(Arc::new(provider));
        self
    }

    /// Signs requests with these fixed credentials.
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.credentials_provider(credentials)
    }

    /// Sends requests through `transport` instead of the default one (the `https`
    /// feature's `https::HttpsTransport`, one per configuration, built at the first request).
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.config.transport = Arc::new(transport);
        self.config.explicit_transport = true;
        self
    }

    /// How long the default transport may take to open a connection: the TCP connect and
    /// then the TLS handshake, each (default 3.1 s, as the AWS SDKs). A transport set with
    /// [`ConfigBuilder::transport`] has its own settings instead. A connection that takes
    /// longer fails the attempt with a retryable timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.timeouts.connect = Some(timeout);
        self
    }

    /// How long each attempt may take, from sending the request to reading the whole
    /// response (default: no limit, as the AWS SDKs). An attempt that takes longer fails
    /// with a retryable timeout, so the call retries as the retry policy allows.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.config.timeouts.attempt = Some(timeout);
        self
    }

    /// How long a whole call may take, every attempt and backoff included (default: no
    /// limit, as the AWS SDKs). A call that takes longer ends with a timeout error that is
    /// not retried.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.config.timeouts.operation = Some(timeout);
        self
    }

    /// Sends every request to this URL instead of the service's default endpoint.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.config.endpoint_url = Some(url.into());
        self
    }

    /// The AWS region, e.g. `us-east-1`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = Some(region.into());
        self
    }

    /// The retry policy.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.config.retry = retry;
        self
    }

    /// Checks inputs against the model's length, range and pattern constraints before
    /// sending (off by default: services may relax constraints before clients learn of it).
    pub fn validate_input(mut self, on: bool) -> Self {
        self.config.validate_input = on;
        self
    }

    /// Compresses the request bodies of operations whose model allows it (on by default).
    pub fn request_compression(mut self, on: bool) -> Self {
        self.config.request_compression = on;
        self
    }

    /// Compresses request bodies of at least `bytes` bytes (default
    /// [`DEFAULT_MIN_COMPRESSION_SIZE`]); values above [`MAX_MIN_COMPRESSION_SIZE`] are
    /// lowered to it.
    pub fn min_compression_size(mut self, bytes: usize) -> Self {
        self.config.min_compression_size = bytes.min(MAX_MIN_COMPRESSION_SIZE);
        self
    }

    /// Asks the service's endpoint rules for a FIPS endpoint (off by default). Rules that
    /// have none for the region, or that are given an explicit endpoint URL, make every
    /// call fail with the rules' error.
    pub fn use_fips(mut self, on: bool) -> Self {
        self.config.use_fips = on;
        self
    }

    /// Asks the service's endpoint rules for a dual-stack (IPv4 and IPv6) endpoint (off by
    /// default), with the same failure rules as [`ConfigBuilder::use_fips`].
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.config.use_dual_stack = on;
        self
    }

    /// Makes the tokens the client fills into idempotency-token members the caller left
    /// unset, instead of fresh random version-4 UUIDs. A fixed value makes requests
    /// reproducible (as protocol tests need); a real service then treats every call with the
    /// same token as a retry of the first, so use one only where that is meant.
    pub fn idempotency_token_provider(
        mut self,
        provider: impl Fn() -> String + Send + Sync + 'static,
    ) -> Self {
        self.config.idempotency_tokens = Arc::new(provider);
        self
    }

    /// The finished configuration.
    pub fn build(mut self) -> Config {
        if !self.config.explicit_transport {
            self.config.transport = default_transport(self.config.timeouts.connect);
        }
        self.config
    }
}

/// The transport of a configuration that sets none: a shared, lazily built HTTPS transport
/// with the `https` feature, else one that fails every call and says why.
#[cfg(feature = "https")]
fn default_transport(connect_timeout: Option<Duration>) -> Arc<dyn Transport> {
    Arc::new(crate::https::DefaultHttps::new(connect_timeout))
}

/// The transport of a configuration that sets none: a shared, lazily built HTTPS transport
/// with the `https` feature, else one that fails every call and says why.
#[cfg(not(feature = "https"))]
fn default_transport(_connect_timeout: Option<Duration>) -> Arc<dyn Transport> {
    Arc::new(NoTransport)
}

/// The shared machinery behind a generated `Client`.
#[derive(Clone)]
pub struct ClientCore(Arc<state::CoreState>);

/// The state behind [`ClientCore`], shared by its clones so that cloning a client (to move it
/// into a task, say) is one reference count, not a copy of the configuration.
mod state {
    use super::*;

    pub struct CoreState {
        pub(super) service: &'static ServiceMeta,
        pub(super) shared: Arc<CallShared>,
        pub(super) config: Config,
        pub(super) uri: Result<http::Uri, String>,
        /// Headers the endpoint rules add to every request.
        pub(super) endpoint_headers: Arc<[(HeaderName, HeaderValue)]>,
        pub(super) content_type: HeaderValue,
        /// True for an awsQuery-compatible service: see [`ClientCore::new_query_compatible`].
        pub(super) query_mode: bool,
    }
}

impl std::ops::Deref for ClientCore {
    type Target = state::CoreState;

    fn deref(&self) -> &state::CoreState {
        &self.0
    }
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCore")
            .field("service", &self.service.service_id)
            .field("uri", &self.uri)
            .field("config", &self.config)
            .finish()
    }
}

impl ClientCore {
    /// A client core for `service` with `config`. The endpoint is resolved here, once: from
    /// the service's endpoint rules when the model has them (with the region, FIPS and
    /// dual-stack settings and the endpoint URL as parameters), else the explicit endpoint
    /// URL or `https://{endpoint_prefix}.{region}.amazonaws.com/` (region `us-east-1` when
    /// unset). An endpoint that cannot be resolved (for example, rules that need a region
    /// when none is set) or an invalid endpoint URL is reported by every call.
    pub fn new(service: &'static ServiceMeta, config: Config) -> Self {
        Self::build(service, config, false)
    }

    /// [`ClientCore::new`] for an awsQuery-compatible service: every request also carries
    /// `x-amzn-query-mode: true`, and error responses are read with their
    /// `x-amzn-query-error` header ([`ErrorResponse::from_query_compatible_response`]).
    pub fn new_query_compatible(service: &'static ServiceMeta, config: Config) -> Self {
        Self::build(service, config, true)
    }

    fn build(service: &'static ServiceMeta, config: Config, query_mode: bool) -> Self {
        let mut config = config.for_service(service.service_id);
        // The skew is a fact about the client's service: a fresh estimate for each client.
        config.clock_skew = ClockSkew::new();
        // A shared config file that failed to parse fails every call, before the endpoint
        // (whose region it may hold) is even looked at.
        let resolved = match &config.shared_config {
            Some(Err(e)) => Err(format!("cannot read the shared AWS config: {e}")),
            _ => resolve_endpoint(service, &config),
        };
        let (uri, endpoint_headers) = match resolved {
            Ok((uri, headers)) => (Ok(uri), headers.into()),
            Err(e) => (Err(e), Arc::from([])),
        };
        ClientCore(Arc::new(state::CoreState {
            service,
            shared: Arc::new(CallShared::new(service, &config)),
            config,
            uri,
            endpoint_headers,
            content_type: HeaderValue::from_static(service.content_type),
            query_mode,
        }))
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The service facts.
    pub fn service(&self) -> &'static ServiceMeta {
        self.service
    }

    fn request(&self, uri: &http::Uri, op: &'static OperationMeta, body: &Body) -> HttpRequest {
        let mut request = http::Request::new(body.bytes.clone());
        // Room for every header an attempt carries, the SDK headers and a signature
        // included, so the map is allocated once and never regrows.
        *request.headers_mut() = http::HeaderMap::with_capacity(16);
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = uri.clone();
        let headers = request.headers_mut();
        headers.insert(CONTENT_TYPE, self.content_type.clone());
        headers.insert(X_AMZ_TARGET, HeaderValue::from_static(op.target));
        if self.query_mode {
            headers.insert(X_AMZN_QUERY_MODE, HeaderValue::from_static("true"));
        }
        headers.insert(CONTENT_LENGTH, HeaderValue::from(body.bytes.len()));
        if body.gzip {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        for (name, value) in self.endpoint_headers.iter() {
            headers.append(name.clone(), value.clone());
        }
        request
    }

    /// The request body: the serialised input, gzip-compressed when the operation allows it,
    /// the configuration does, and it is at least the minimum compression size.
    fn body(&self, op: &'static OperationMeta, json: Vec<u8>) -> Result<Body, String> {
        let compress = cfg!(feature = "gzip")
            && op.gzip_request
            && self.config.request_compression
            && json.len() >= self.config.min_compression_size;
        if !compress {
            return Ok(Body {
                bytes: Bytes::from(json),
                gzip: false,
            });
        }
        gzip(&json)
            .map(|bytes| Body {
                bytes: Bytes::from(bytes),
                gzip: true,
            })
            .map_err(|e| format!("cannot gzip the {} request body: {e}", op.name))
    }

    /// Calls operation `op` with `input`: validates it when configured to, serialises it,
    /// sends it (retrying throttling and transient failures), and reads the output or the
    /// operation's error.
    pub async fn invoke<I, O, E>(&self, op: &'static OperationMeta, input: &I) -> Result<O, E>
    where
        I: Serialize + Validate,
        O: DeserializeOwned,
        E: OperationError,
    {
        self.invoke_at(op, input, None).await
    }

    /// [`ClientCore::invoke`] for an operation whose model prepends `host_prefix` (its
    /// endpoint trait, with labels already filled from the input) to the endpoint's host.
    /// A prefix that would not make a valid host name fails the call before sending.
    ///
    /// With an operation timeout configured, a call that outlasts it ends with a timeout
    /// error of kind [`ErrorKind::Transport`].
    pub async fn invoke_at<I, O, E>(
        &self,
        op: &'static OperationMeta,
        input: &I,
        host_prefix: Option<&str>,
    ) -> Result<O, E>
    where
        I: Serialize + Validate,
        O: DeserializeOwned,
        E: OperationError,
    {
        let Some(limit) = self.config.timeouts.operation else {
            return self.call(op, input, host_prefix).await;
        };
        let limited = match timer::timeout(limit, self.call(op, input, host_prefix)) {
            Ok(limited) => limited,
            Err(missing) => {
                return Err(E::from_unhandled(UnhandledError::new(
                    ErrorKind::Request,
                    format!(
                        "{} has an operation timeout, but {}",
                        op.name,
                        missing.explain()
                    ),
                )))
            }
        };
        match limited.await {
            Ok(result) => result,
            Err(_) => Err(E::from_unhandled(UnhandledError::transport(
                TransportError::new(
                    TransportErrorKind::Timeout,
                    format!(
                        "{} did not complete within the operation timeout of {limit:?}",
                        op.name
                    ),
                ),
            ))),
        }
    }

    /// One call, without the operation timeout.
    async fn call<I, O, E>(
        &self,
        op: &'static OperationMeta,
        input: &I,
        host_prefix: Option<&str>,
    ) -> Result<O, E>
    where
        I: Serialize + Validate,
        O: DeserializeOwned,
        E: OperationError,
    {
        let request_error =
            |detail: String| E::from_unhandled(UnhandledError::new(ErrorKind::Request, detail));
        if self.config.validate_input {
            let violations = input.violations();
            if !violations.is_empty() {
                return Err(E::from_unhandled(UnhandledError::new(
                    ErrorKind::Request,
                    format!("{} input: {}", op.name, summarize(&violations)),
                )));
            }
        }
        let uri = self.uri.as_ref().map_err(|e| request_error(e.clone()))?;
        let prefixed;
        let uri = match host_prefix {
            Some(prefix) => {
                prefixed = with_host_prefix(uri, prefix)
                    .map_err(|e| request_error(format!("{}: {e}", op.name)))?;
                &prefixed
            }
            None => uri,
        };
        // Most inputs are small; starting at 256 bytes saves the first few regrowths.
        let mut json = Vec::with_capacity(256);
        serde_json::to_writer(&mut json, input)
            .map_err(|e| request_error(format!("cannot serialise the {} input: {e}", op.name)))?;
        let body = self.body(op, json).map_err(request_error)?;
        let signer = CallSigner::new(self, op).await.map_err(request_error)?;
        // The AWS standard retry mode: retry what may succeed when sent again, while
        // attempts remain and the client's retry quota can pay for it.
        let invocation_id = HeaderValue::from_bytes(&uuid_v4()).ok();
        let max_attempts = self.config.retry.attempts();
        let quota = &self.shared.quota;
        let mut attempt = 1;
        let mut last_retry_cost = None;
        loop {
            let headers = AttemptHeaders {
                invocation_id: invocation_id.clone(),
                request: self.shared.attempt_header(attempt, max_attempts),
            };
            let result: Result<O, E> = self.attempt(uri, op, &body, &signer, headers).await;
            let retry_kind = match &result {
                Ok(_) => {
                    quota.on_success(last_retry_cost);
                    return result;
                }
                Err(e) => e.retry_kind(),
            };
            let Some(kind) = retry_kind else {
                return result;
            };
            let cost = RetryQuota::cost(kind);
            if attempt >= max_attempts || !quota.try_acquire(cost) {
                return result;
            }
            last_retry_cost = Some(cost);
            let wait = self.config.retry.backoff(attempt);
            if !wait.is_zero() {
                match timer::sleep(wait) {
                    Ok(sleep) => sleep.await,
                    // Without a timer the call cannot wait: a configuration error, which
                    // names the error it would have retried.
                    Err(missing) => {
                        return result.map_err(|e| {
                            E::from_unhandled(UnhandledError::new(
                                ErrorKind::Request,
                                format!(
                                    "{} failed with an error worth retrying ({e}) and cannot wait to retry it: {}",
                                    op.name,
                                    missing.explain()
                                ),
                            ))
                        })
                    }
                }
            }
            // Below `max_attempts` here, so this never saturates.
            attempt = attempt.saturating_add(1);
        }
    }

    /// Sends one attempt's request through the transport, within the attempt timeout.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let sending = self.config.transport.send(request);
        let Some(limit) = self.config.timeouts.attempt else {
            return sending.await;
        };
        let limited = timer::timeout(limit, sending).map_err(|missing| {
            TransportError::new(
                TransportErrorKind::Other,
                format!(
                    "the request has an attempt timeout, but {}",
                    missing.explain()
                ),
            )
        })?;
        match limited.await {
            Ok(result) => result,
            Err(_) => Err(TransportError::new(
                TransportErrorKind::Timeout,
                format!("no response within the attempt timeout of {limit:?}"),
            )),
        }
    }

    /// Adds the headers the AWS SDKs send on every attempt: the user agent, the call's
    /// invocation id and the attempt count. They are left out of the signature.
    fn with_sdk_headers(&self, mut request: HttpRequest, headers: AttemptHeaders) -> HttpRequest {
        let map = request.headers_mut();
        map.insert(http::header::USER_AGENT, self.shared.user_agent.clone());
        map.insert(X_AMZ_USER_AGENT, self.shared.user_agent.clone());
        if let Some(id) = headers.invocation_id {
            map.insert(AMZ_SDK_INVOCATION_ID, id);
        }
        map.insert(AMZ_SDK_REQUEST, headers.request);
        request
    }

    async fn attempt<O, E>(
        &self,
        uri: &http::Uri,
        op: &'static OperationMeta,
        body: &Body,
        signer: &CallSigner<'_>,
        headers: AttemptHeaders,
    ) -> Result<O, E>
    where
        O: DeserializeOwned,
        E: OperationError,
    {
        // A request refused for its signing time is worth sending again, once, when the
        // refusal's `Date` corrected the client's idea of the service's clock.
        let mut may_resign = true;
        loop {
            let request = signer
                .sign(self.with_sdk_headers(self.request(uri, op, body), headers.clone()))
                .await
                .map_err(|e| E::from_unhandled(UnhandledError::new(ErrorKind::Request, e)))?;
            let sent = SystemTime::now();
            let response = self
                .send(request)
                .await
                .map_err(|e| E::from_unhandled(UnhandledError::transport(e)))?;
            let learnt =
                self.config
                    .clock_skew
                    .observe(response.headers(), sent, SystemTime::now());
            if response.status().is_success() {
                return Self::output(op, &response);
            }
            let error = if self.query_mode {
                ErrorResponse::from_query_compatible_response(&response)
            } else {
                ErrorResponse::from_response(&response)
            };
            if may_resign && learnt && skew::is_skew_refusal(&error) {
                may_resign = false;
                continue;
            }
            return Err(E::from_response(&error));
        }
    }

    /// Reads the output of a successful response.
    fn output<O, E>(op: &'static OperationMeta, response: &HttpResponse) -> Result<O, E>
    where
        O: DeserializeOwned,
        E: OperationError,
    {
        let status = response.status();
        let body = response.body();
        let malformed = |reason: &dyn fmt::Display| {
            UnhandledError::new(
                ErrorKind::Response,
                format!(
                    "the {} response does not match the model: {reason}",
                    op.name
                ),
            )
            .with_status_and_body(status.as_u16(), body.clone())
            .with_request_id(crate::error::request_id(response.headers()))
        };
        // Not UTF-8 or nested too deep, even in a member the model does not know: refused.
        let json = crate::wire::json_text(body)
            .map_err(|e| E::from_unhandled(malformed(&e).with_source(e)))?;
        serde_json::from_str(json).map_err(|e| E::from_unhandled(malformed(&e).with_source(e)))
    }
}

/// The `x-amzn-query-mode` header: an awsQuery-compatible service's clients send `true`.
const X_AMZN_QUERY_MODE: http::HeaderName = http::HeaderName::from_static("x-amzn-query-mode");

/// The `x-amz-user-agent` header, which AWS reads where proxies may rewrite `User-Agent`.
const X_AMZ_USER_AGENT: http::HeaderName = http::HeaderName::from_static("x-amz-user-agent");

/// The `amz-sdk-invocation-id` header: one random id per call, the same on every attempt, so
/// the service can tell retries of one call from new calls.
const AMZ_SDK_INVOCATION_ID: http::HeaderName =
    http::HeaderName::from_static("amz-sdk-invocation-id");

/// The `amz-sdk-request` header: `attempt=N; max=M`.
const AMZ_SDK_REQUEST: http::HeaderName = http::HeaderName::from_static("amz-sdk-request");

/// What every call of one client shares: its retry quota, and the header values worked out
/// once when the client is made.
#[derive(Debug)]
struct CallShared {
    quota: RetryQuota,
    user_agent: HeaderValue,
    /// `amz-sdk-request` of every first attempt.
    first_attempt: HeaderValue,
}

impl CallShared {
    fn new(service: &'static ServiceMeta, config: &Config) -> Self {
        let user_agent = user_agent(service);
        CallShared {
            quota: RetryQuota::new(),
            user_agent: HeaderValue::try_from(user_agent)
                .unwrap_or_else(|_| HeaderValue::from_static(RUNTIME_AGENT)),
            first_attempt: attempt_value(1, config.retry.attempts()),
        }
    }

    fn attempt_header(&self, attempt: u32, max_attempts: u32) -> HeaderValue {
        if attempt == 1 {
            self.first_attempt.clone()
        } else {
            attempt_value(attempt, max_attempts)
        }
    }
}

/// The per-attempt headers of one call.
#[derive(Clone)]
struct AttemptHeaders {
    invocation_id: Option<HeaderValue>,
    request: HeaderValue,
}

/// The runtime's own part of the user agent.
const RUNTIME_AGENT: &str = concat!("aws-json-runtime/", env!("CARGO_PKG_VERSION"));

/// The user agent: the generated crate and the runtime with their versions, the operating
/// system and the Rust version that built the runtime, as in
/// `cognito-identity/0.1.0 aws-json-runtime/0.1.0 os/linux lang/rust/1.85.0`. Characters a
/// header cannot carry are replaced by `-`.
fn user_agent(service: &ServiceMeta) -> String {
    let text = format!(
        "{}/{} {RUNTIME_AGENT} os/{} lang/rust/{}",
        service.crate_name,
        service.crate_version,
        std::env::consts::OS,
        env!("AWS_JSON_RUNTIME_RUSTC_VERSION"),
    );
    text.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// `attempt=N; max=M`.
fn attempt_value(attempt: u32, max_attempts: u32) -> HeaderValue {
    HeaderValue::try_from(format!("attempt={attempt}; max={max_attempts}"))
        .unwrap_or_else(|_| HeaderValue::from_static("attempt=1; max=1"))
}

/// Signs every attempt of one call. It holds the credentials fetched when the call began, and
/// fetches them again for an attempt only when they have expired (retries can outlast them).
struct CallSigner<'a> {
    core: &'a ClientCore,
    op: &'static OperationMeta,
    /// The credentials and region to sign with; `None` for an operation the model leaves
    /// unsigned.
    credentials: Option<(Credentials, &'a str)>,
}

impl<'a> CallSigner<'a> {
    /// A signer for one call of `op`. An unsigned operation asks for no credentials; a signed
    /// one fails here, before anything is sent, when no region or credentials can be had.
    async fn new(core: &'a ClientCore, op: &'static OperationMeta) -> Result<Self, String> {
        let credentials = if op.unsigned {
            None
        } else {
            let region = core.config.region.as_deref().ok_or_else(|| {
                format!(
                    "{} is a signed operation and no region is configured: set one with \
                     `ConfigBuilder::region`, AWS_REGION or the profile's `region`",
                    op.name
                )
            })?;
            Some((Self::fetch(core, op).await?, region))
        };
        Ok(CallSigner {
            core,
            op,
            credentials,
        })
    }

    async fn fetch(core: &ClientCore, op: &'static OperationMeta) -> Result<Credentials, String> {
        let Some(provider) = &core.config.credentials else {
            #[cfg(feature = "config-files")]
            const SOURCES: &str = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the shared \
                                   files ~/.aws/credentials and ~/.aws/config";
            #[cfg(not(feature = "config-files"))]
            const SOURCES: &str = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the shared \
                                   files need the `config-files` feature)";
            return Err(format!(
                "{} is a signed operation and no credentials are configured: give them with \
                 `ConfigBuilder::credentials` or `ConfigBuilder::credentials_provider`, or build \
                 the configuration with `Config::from_env` to read {SOURCES}",
                op.name
            ));
        };
        provider
            .provide_credentials()
            .await
            .map_err(|e| format!("cannot sign the {} request: {e}", op.name))
    }

    /// `request` signed with SigV4 (unchanged for an unsigned operation), at the current time.
    async fn sign(&self, mut request: HttpRequest) -> Result<HttpRequest, String> {
        let Some((held, region)) = &self.credentials else {
            return Ok(request);
        };
        // Expiries are on this machine's clock; the signature carries the service's time.
        let now = SystemTime::now();
        let fresh;
        let credentials = match held.expiry() {
            Some(expiry) if expiry <= now => {
                fresh = Self::fetch(self.core, self.op).await?;
                &fresh
            }
            _ => held,
        };
        let params = crate::sigv4::SigningParams {
            credentials,
            region,
            service: self.core.service.signing_name,
            time: self.core.config.clock_skew.server_time(now),
        };
        crate::sigv4::sign(&mut request, &params)
            .map_err(|e| format!("cannot sign the {} request: {e}", self.op.name))?;
        Ok(request)
    }
}

/// Gzip-compresses a request body. Compression is an option a model offers the client, never a
/// requirement, so without the `gzip` feature bodies go uncompressed; the code generator turns
/// the feature on for a model with a compressible operation.
#[cfg(feature = "gzip")]
fn gzip(json: &[u8]) -> std::io::Result<Vec<u8>> {
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;
    let mut encoder = GzEncoder::new(Vec::with_capacity(json.len() / 2), Compression::default());
    encoder.write_all(json)?;
    encoder.finish()
}

#[cfg(not(feature = "gzip"))]
fn gzip(_json: &[u8]) -> std::io::Result<Vec<u8>> {
    Err(std::io::Error::other("built without the `gzip` feature"))
}

/// A request body ready to send.
struct Body {
    bytes: Bytes,
    gzip: bool,
}

/// The endpoint of `service` under `config`, and the headers it asks for. With endpoint
/// rules, an error rule's message is kept word for word in the error.
fn resolve_endpoint(
    service: &ServiceMeta,
    config: &Config,
) -> Result<(http::Uri, Vec<(HeaderName, HeaderValue)>), String> {
    let Some(rules) = service.endpoint_rules else {
        let text = match &config.endpoint_url {
            Some(url) => url.clone(),
            None => format!(
                "https://{}.{}.amazonaws.com/",
                service.endpoint_prefix,
                config.region.as_deref().unwrap_or("us-east-1")
            ),
        };
        return Ok((endpoint_uri(&text)?, Vec::new()));
    };
    let cannot = |e: &dyn fmt::Display| format!("cannot resolve the endpoint: {e}");
    let endpoint = rules
        .resolve_built_ins(&crate::endpoint::BuiltIns {
            region: config.region.as_deref(),
            use_fips: config.use_fips,
            use_dual_stack: config.use_dual_stack,
            endpoint: config.endpoint_url.as_deref(),
        })
        .map_err(|e| cannot(&e))?;
    let mut headers = Vec::new();
    for (name, values) in &endpoint.headers {
        let name = HeaderName::try_from(name.as_str()).map_err(|e| {
            cannot(&format!(
                "the rules give an invalid header name `{name}`: {e}"
            ))
        })?;
        for value in values {
            let value = HeaderValue::try_from(value.as_str()).map_err(|e| {
                cannot(&format!(
                    "the rules give an invalid value for header `{name}`: {e}"
                ))
            })?;
            headers.push((name.clone(), value));
        }
    }
    Ok((endpoint_uri(&endpoint.url)?, headers))
}

/// Parses an endpoint URL. Requests go to its path as a directory, so `https://host/base`
/// sends to `/base/`; the query is kept.
fn endpoint_uri(text: &str) -> Result<http::Uri, String> {
    let invalid = |e: &dyn fmt::Display| format!("invalid endpoint URL `{text}`: {e}");
    let uri = text.parse::<http::Uri>().map_err(|e| invalid(&e))?;
    if uri.scheme().is_none() || uri.authority().is_none() {
        return Err(invalid(
            &"it needs a scheme and a host, as in `https://host`",
        ));
    }
    if uri.path().ends_with('/') {
        return Ok(uri);
    }
    let mut parts = uri.into_parts();
    let path_and_query = match parts.path_and_query.as_ref() {
        Some(pq) => match pq.query() {
            Some(q) => format!("{}/?{q}", pq.path()),
            None => format!("{}/", pq.path()),
        },
        None => "/".to_owned(),
    };
    parts.path_and_query = Some(path_and_query.parse().map_err(|e| invalid(&e))?);
    http::Uri::from_parts(parts).map_err(|e| invalid(&e))
}

/// `uri` with `prefix` prepended to its host, checking that every label of the new host is
/// 1 to 63 letters, digits or hyphens.
fn with_host_prefix(uri: &http::Uri, prefix: &str) -> Result<http::Uri, String> {
    let host_labels = prefix.strip_suffix('.').unwrap_or(prefix);
    for label in host_labels.split('.') {
        let valid = (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !valid {
            return Err(format!(
                "the host prefix `{prefix}` is not a valid host name: label `{label}` must be 1 to 63 letters, digits or hyphens"
            ));
        }
    }
    let mut parts = uri.clone().into_parts();
    let authority = match &parts.authority {
        Some(a) => format!("{prefix}{a}"),
        None => return Err("the endpoint URL has no host to prefix".to_owned()),
    };
    parts.authority = Some(
        authority
            .parse()
            .map_err(|e| format!("the host prefix `{prefix}` makes an invalid host: {e}"))?,
    );
    http::Uri::from_parts(parts).map_err(|e| format!("the host prefix `{prefix}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_tokens_are_fresh_v4_uuids() {
        let (a, b) = (idempotency_token(), idempotency_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
    }

    #[test]
    fn the_config_makes_idempotency_tokens_with_the_provider_it_is_given() {
        let default = Config::builder().build();
        let (a, b) = (default.idempotency_token(), default.idempotency_token());
        assert_ne!(a, b, "the default makes a fresh token each time");
        assert_eq!((a.len(), &a[14..15]), (36, "4"), "{a}");

        let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = Arc::clone(&counter);
        let pinned = Config::builder()
            .idempotency_token_provider(move || {
                let n = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                format!("00000000-0000-4000-8000-{n:012}")
            })
            .build();
        // Clones share the provider.
        let copy = pinned.clone();
        assert_eq!(
            pinned.idempotency_token(),
            "00000000-0000-4000-8000-000000000000"
        );
        assert_eq!(
            copy.idempotency_token(),
            "00000000-0000-4000-8000-000000000001"
        );
        assert_eq!(counter.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    static AGENT_SERVICE: ServiceMeta = ServiceMeta {
        service_id: "Example",
        api_version: "2020-01-01",
        target_prefix: "Example",
        content_type: "application/x-amz-json-1.0",
        signing_name: "example",
        endpoint_prefix: "example",
        endpoint_rules: None,
        crate_name: "example-sdk",
        crate_version: "1.2.3",
    };

    #[test]
    fn the_user_agent_names_crate_runtime_os_and_rust() {
        let agent = user_agent(&AGENT_SERVICE);
        let expected = format!(
            "example-sdk/1.2.3 aws-json-runtime/{} os/{} lang/rust/",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS
        );
        assert!(agent.starts_with(&expected), "{agent}");
        let rust = agent.rsplit('/').next().unwrap_or_default();
        assert!(!rust.is_empty() && !rust.contains(' '), "{agent}");
        let shared = CallShared::new(&AGENT_SERVICE, &Config::builder().build());
        assert_eq!(shared.attempt_header(1, 3), "attempt=1; max=3");
        assert_eq!(shared.attempt_header(3, 3), "attempt=3; max=3");
    }

    #[test]
    fn timeouts_default_to_none_and_can_be_set() {
        let config = Config::builder().build();
        assert_eq!(
            (
                config.connect_timeout(),
                config.attempt_timeout(),
                config.operation_timeout()
            ),
            (None, None, None)
        );
        let second = std::time::Duration::from_secs(1);
        let config = Config::builder()
            .connect_timeout(second)
            .attempt_timeout(2 * second)
            .operation_timeout(3 * second)
            .build();
        assert_eq!(config.connect_timeout(), Some(second));
        assert_eq!(config.attempt_timeout(), Some(2 * second));
        assert_eq!(config.operation_timeout(), Some(3 * second));
    }

    #[cfg(not(feature = "https"))]
    #[tokio::test]
    async fn without_the_https_feature_the_default_transport_says_what_to_do() {
        let config = Config::builder().build();
        let request = http::Request::new(Bytes::new());
        let err = config.transport.send(request).await.unwrap_err();
        assert!(
            err.to_string().contains("enable the `https` feature"),
            "{err}"
        );
    }

    #[test]
    fn default_endpoint_uses_prefix_and_region() {
        static SERVICE: ServiceMeta = ServiceMeta {
            service_id: "Example",
            api_version: "2020-01-01",
            target_prefix: "Example",
            content_type: "application/x-amz-json-1.0",
            signing_name: "example",
            endpoint_prefix: "example",
            endpoint_rules: None,
            crate_name: "example",
            crate_version: "0.1.0",
        };
        let core = ClientCore::new(&SERVICE, Config::builder().region("eu-west-1").build());
        assert_eq!(
            core.uri.as_ref().map(ToString::to_string),
            Ok("https://example.eu-west-1.amazonaws.com/".to_owned())
        );
        let bad = ClientCore::new(
            &SERVICE,
            Config::builder().endpoint_url("not a url").build(),
        );
        assert!(bad.uri.as_ref().unwrap_err().contains("not a url"));
    }

    #[test]
    fn endpoint_rules_resolve_once_from_the_client_settings() {
        use crate::endpoint::{
            bind, functions, Endpoint, EndpointError, ParamSpec, ParamType, Params, StaticDefault,
        };
        // Rules as `cargo xtask codegen` would compile them: a custom endpoint, else the
        // partition's host, with headers for FIPS and dual-stack, else the rules' error.
        const fn spec(name: &'static str, built_in: &'static str, flag: bool) -> ParamSpec {
            ParamSpec {
                name,
                param_type: if flag {
                    ParamType::Boolean
                } else {
                    ParamType::String
                },
                required: flag,
                default: if flag {
                    Some(StaticDefault::Bool(false))
                } else {
                    None
                },
                built_in: Some(built_in),
            }
        }
        static PARAMETERS: &[ParamSpec] = &[
            spec("Endpoint", "SDK::Endpoint", false),
            spec("Region", "AWS::Region", false),
            spec("UseDualStack", "AWS::UseDualStack", true),
            spec("UseFIPS", "AWS::UseFIPS", true),
        ];
        fn resolve(params: &Params) -> Result<Endpoint, EndpointError> {
            let bound = bind(PARAMETERS, params)?;
            if let Some(endpoint) = bound.string(0) {
                return Ok(Endpoint::new(endpoint));
            }
            let Some(region) = bound.string(1) else {
                return Err(EndpointError::Rule(
                    "Invalid Configuration: Missing Region".to_owned(),
                ));
            };
            let p = functions::partition(region);
            if bound.bool(3) == Some(true) && bound.bool(2) == Some(true) {
                let mut endpoint = Endpoint::new(format!(
                    "https://example-fips.{region}.{}",
                    p.dual_stack_dns_suffix
                ));
                let values = vec!["fips".to_owned(), "dual-stack".to_owned()];
                endpoint.headers.push(("x-endpoint".to_owned(), values));
                return Ok(endpoint);
            }
            Ok(Endpoint::new(format!(
                "https://example.{region}.{}",
                p.dns_suffix
            )))
        }
        static SERVICE: ServiceMeta = ServiceMeta {
            service_id: "Example",
            api_version: "2020-01-01",
            target_prefix: "Example",
            content_type: "application/x-amz-json-1.1",
            signing_name: "example",
            endpoint_prefix: "example",
            endpoint_rules: Some(crate::endpoint::CompiledRules {
                parameters: PARAMETERS,
                resolve,
            }),
            crate_name: "example",
            crate_version: "0.1.0",
        };
        let core = |config: ConfigBuilder| ClientCore::new(&SERVICE, config.build());
        let uri = |core: &ClientCore| {
            core.uri
                .as_ref()
                .map(ToString::to_string)
                .map_err(Clone::clone)
        };

        let regional = core(Config::builder().region("eu-west-1"));
        assert_eq!(
            uri(&regional),
            Ok("https://example.eu-west-1.amazonaws.com/".to_owned())
        );
        assert!(regional.endpoint_headers.is_empty());

        let config = Config::builder()
            .region("cn-north-1")
            .use_fips(true)
            .use_dual_stack(true);
        let fips = core(config);
        assert!(fips.config().use_fips() && fips.config().use_dual_stack());
        assert_eq!(
            uri(&fips),
            Ok("https://example-fips.cn-north-1.api.amazonwebservices.com.cn/".to_owned())
        );
        // The rules' headers go on every request, every value kept.
        let body = fips.body(&GZIP_OP, b"{}".to_vec()).unwrap();
        let request = fips.request(fips.uri.as_ref().unwrap(), &GZIP_OP, &body);
        let sent: Vec<_> = request.headers().get_all("x-endpoint").iter().collect();
        assert_eq!(sent, ["fips", "dual-stack"]);

        let custom = core(Config::builder().endpoint_url("http://localhost:8080/base"));
        assert_eq!(uri(&custom), Ok("http://localhost:8080/base/".to_owned()));

        // Without a region the rules' own error is what every call reports.
        assert_eq!(
            uri(&core(Config::builder())),
            Err("cannot resolve the endpoint: Invalid Configuration: Missing Region".to_owned())
        );
    }

    // A service without endpoint rules, for the request-body tests.
    use crate::test_support::EXAMPLE_SERVICE as GZIP_SERVICE;

    static GZIP_OP: OperationMeta = OperationMeta {
        name: "Upload",
        target: "Example.Upload",
        unsigned: false,
        idempotent: false,
        pagination: None,
        gzip_request: true,
    };

    fn sent_body(core: &ClientCore, op: &'static OperationMeta, json: &[u8]) -> (Vec<u8>, bool) {
        let body = core.body(op, json.to_vec()).unwrap();
        let uri = core.uri.clone().unwrap();
        let request = core.request(&uri, op, &body);
        assert_eq!(
            request.headers()[CONTENT_LENGTH],
            body.bytes.len().to_string().as_str()
        );
        let gzip = request.headers().get(CONTENT_ENCODING).is_some();
        assert_eq!(gzip, body.gzip);
        (body.bytes.to_vec(), gzip)
    }

    #[cfg(not(feature = "gzip"))]
    #[test]
    fn without_the_gzip_feature_bodies_go_uncompressed() {
        let core = ClientCore::new(
            &GZIP_SERVICE,
            Config::builder().min_compression_size(0).build(),
        );
        let json = br#"{"Data":"0123456789"}"#;
        assert_eq!(sent_body(&core, &GZIP_OP, json), (json.to_vec(), false));
    }

    #[cfg(feature = "gzip")]
    #[test]
    fn bodies_are_gzipped_from_the_minimum_size_when_the_model_allows_it() {
        use std::io::Read;
        let json = br#"{"Data":"0123456789012345678901234567890123456789"}"#;
        let core = |config: ConfigBuilder| ClientCore::new(&GZIP_SERVICE, config.build());
        let small_min = core(Config::builder().min_compression_size(16));

        let (bytes, gzip) = sent_body(&small_min, &GZIP_OP, json);
        assert!(gzip);
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, json);

        // Below the minimum, with compression off, or where the model does not ask for it,
        // the body goes as it is.
        let default_min = core(Config::builder());
        assert_eq!(
            sent_body(&default_min, &GZIP_OP, json),
            (json.to_vec(), false)
        );
        let off = core(
            Config::builder()
                .min_compression_size(16)
                .request_compression(false),
        );
        assert_eq!(sent_body(&off, &GZIP_OP, json), (json.to_vec(), false));
        static PLAIN_OP: OperationMeta = OperationMeta {
            name: "Upload",
            target: "Example.Upload",
            unsigned: false,
            idempotent: false,
            pagination: None,
            gzip_request: false,
        };
        assert_eq!(
            sent_body(&small_min, &PLAIN_OP, json),
            (json.to_vec(), false)
        );
        assert_eq!(
            Config::builder()
                .min_compression_size(usize::MAX)
                .build()
                .min_compression_size(),
            MAX_MIN_COMPRESSION_SIZE
        );
    }

    #[test]
    fn endpoint_paths_are_directories() {
        let uri = |text: &str| endpoint_uri(text).map(|u| u.to_string());
        assert_eq!(
            uri("https://example.com"),
            Ok("https://example.com/".to_owned())
        );
        assert_eq!(
            uri("https://example.com/custom"),
            Ok("https://example.com/custom/".to_owned())
        );
        assert_eq!(
            uri("http://localhost:8080/a/?x=1"),
            Ok("http://localhost:8080/a/?x=1".to_owned())
        );
        assert!(uri("example.com").unwrap_err().contains("scheme"));
    }

    #[test]
    fn host_prefixes_go_before_the_host_and_must_be_host_labels() {
        let base = endpoint_uri("https://example.com:8443/base").unwrap();
        assert_eq!(
            with_host_prefix(&base, "foo.bar.").map(|u| u.to_string()),
            Ok("https://foo.bar.example.com:8443/base/".to_owned())
        );
        for bad in ["foo..", "a_b.", "has space.", "x/y."] {
            let err = with_host_prefix(&base, bad).unwrap_err();
            assert!(err.contains("not a valid host name"), "{bad}: {err}");
        }
    }
}
