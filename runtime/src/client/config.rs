//! How a client reaches its service: [`Config`] and its [`ConfigBuilder`], with the region,
//! endpoint, credentials, transport, retries, timeouts and compression settings, read from
//! the environment and the shared AWS files on request. Nothing here sends a request.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::retry::RetryConfig;
use super::skew::ClockSkew;
use super::transport::{NoTransport, Transport};
use crate::auth::credentials::{Credentials, CredentialsChain, ProvideCredentials};
use crate::auth::profile::{Env, Fs, ProfileError, SharedConfig};
use crate::base::random::idempotency_token;

/// How a client reaches its service.
#[derive(Clone)]
pub struct Config {
    pub(super) transport: Arc<dyn Transport>,
    pub(super) endpoint_url: Option<String>,
    pub(super) region: Option<String>,
    pub(super) retry: RetryConfig,
    pub(super) validate_input: bool,
    pub(super) request_compression: bool,
    pub(super) min_compression_size: usize,
    pub(super) use_fips: bool,
    pub(super) use_dual_stack: bool,
    pub(super) credentials: Option<Arc<dyn ProvideCredentials>>,
    pub(super) shared_config: Option<Result<Arc<SharedConfig>, ProfileError>>,
    /// False until a transport is set; `build` then puts the default transport in place.
    pub(super) explicit_transport: bool,
    pub(super) timeouts: Timeouts,
    /// Makes the tokens of unset idempotency-token members.
    pub(super) idempotency_tokens: Arc<dyn Fn() -> String + Send + Sync>,
    /// The service's clock minus this machine's; each client made from the configuration
    /// starts its own.
    pub(super) clock_skew: ClockSkew,
}

/// The time limits of a call. `None` is no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Timeouts {
    /// For the default transport's connections (TCP connect, then the TLS handshake).
    pub(super) connect: Option<Duration>,
    /// For each attempt: sending the request and reading the whole response.
    pub(super) attempt: Option<Duration>,
    /// For the whole call, every attempt and backoff included.
    pub(super) operation: Option<Duration>,
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
    pub(super) fn for_service(mut self, service_id: &str) -> Config {
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
    Arc::new(crate::client::https::DefaultHttps::new(connect_timeout))
}

/// The transport of a configuration that sets none: a shared, lazily built HTTPS transport
/// with the `https` feature, else one that fails every call and says why.
#[cfg(not(feature = "https"))]
fn default_transport(_connect_timeout: Option<Duration>) -> Arc<dyn Transport> {
    Arc::new(NoTransport)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let request = http::Request::new(bytes::Bytes::new());
        let err = config.transport.send(request).await.unwrap_err();
        assert!(
            err.to_string().contains("enable the `https` feature"),
            "{err}"
        );
    }
}
