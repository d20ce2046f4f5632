//! The client's dispatch loop: [`ClientCore`], the shared machinery behind a generated
//! `Client`. [`ClientCore::invoke`] validates and serialises an input, builds the request
//! (endpoint, headers, an optionally gzipped body), signs each attempt, sends it through the
//! configured transport with retries and time limits, and reads the output or the operation's
//! error.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::config::Config;
#[cfg(test)]
use super::config::ConfigBuilder;
use super::endpoint::{resolve_endpoint, with_host_prefix};
use super::gzip::gzip;
use super::header_values;
use super::retry::RetryQuota;
use super::signing::CallSigner;
use super::skew::{self, ClockSkew};
use super::timer;
use super::trace::{traced, AttemptTrace, CallTrace};
#[cfg(test)]
use super::user_agent::user_agent;
use super::user_agent::user_agent_value;
use crate::base::http::{
    BoxFuture, HttpRequest, HttpResponse, TransportError, TransportErrorKind, X_AMZ_TARGET,
};
use crate::base::meta::{OperationMeta, ServiceMeta};
use crate::wire::error::{ErrorKind, ErrorResponse, OperationError, UnhandledError};
use crate::wire::validate::{summarize, Validate};

/// The shared machinery behind a generated `Client`.
#[derive(Clone)]
pub struct ClientCore(Arc<state::CoreState>);

/// The state behind [`ClientCore`], shared by its clones so that cloning a client (to move it
/// into a task, say) is one reference count, not a copy of the configuration.
mod state {
    use super::*;

    pub struct CoreState {
        pub(in crate::client) service: &'static ServiceMeta,
        pub(super) shared: Arc<CallShared>,
        pub(in crate::client) config: Config,
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
        // Room for every header an attempt carries, the SDK headers and a signature with its
        // session token included, so the map is allocated once and never regrows; and no
        // more, since every slot costs about a hundred bytes of the allocation.
        let capacity = REQUEST_HEADERS
            .saturating_add(usize::from(self.query_mode))
            .saturating_add(usize::from(body.gzip))
            .saturating_add(self.endpoint_headers.len());
        *request.headers_mut() = http::HeaderMap::with_capacity(capacity);
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = uri.clone();
        let headers = request.headers_mut();
        headers.insert(CONTENT_TYPE, self.content_type.clone());
        headers.insert(X_AMZ_TARGET, HeaderValue::from_static(op.target));
        if self.query_mode {
            headers.insert(X_AMZN_QUERY_MODE, HeaderValue::from_static("true"));
        }
        headers.insert(
            CONTENT_LENGTH,
            header_values::content_length(body.bytes.len()),
        );
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
    pub fn invoke<'a, I, O, E>(
        &'a self,
        op: &'static OperationMeta,
        input: &'a I,
    ) -> impl Future<Output = Result<O, E>> + 'a
    where
        I: Serialize + Validate,
        O: DeserializeOwned + 'a,
        E: OperationError + 'a,
    {
        // Not an `async fn`: a layer of its own would only move the call's state once more.
        self.invoke_at(op, input, None)
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
        // Boxed, so that the timer's state weighs on calls with a time limit only.
        let limited = match timer::timeout(limit, self.call(op, input, host_prefix)) {
            Ok(limited) => Box::pin(limited),
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

    /// One call, without the operation timeout, in its span when tracing.
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
        let trace = CallTrace::new(self.service, op);
        let mut attempts = 0;
        let result = traced!(
            trace,
            self.attempts(op, input, host_prefix, &trace, &mut attempts)
        );
        trace.finish(attempts, result.is_ok());
        result
    }

    /// The attempts of one call; `attempts` counts those made.
    async fn attempts<I, O, E>(
        &self,
        op: &'static OperationMeta,
        input: &I,
        host_prefix: Option<&str>,
        trace: &CallTrace,
        attempts: &mut u32,
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
        // Kept as text: a header value made from it for each attempt costs one allocation,
        // where a clone of one value would cost a second (the shared buffer's bookkeeping).
        let invocation_id = crate::base::random::uuid_v4();
        let max_attempts = self.config.retry.attempts();
        let quota = &self.shared.quota;
        let mut attempt = 1;
        let mut last_retry_cost = None;
        loop {
            let headers = AttemptHeaders {
                invocation_id: &invocation_id,
                request: self.shared.attempt_header(attempt, max_attempts),
            };
            *attempts = attempt;
            let attempt_trace = trace.attempt(attempt);
            let result: Result<O, E> = traced!(
                attempt_trace,
                self.attempt(uri, op, &body, &signer, &headers, &attempt_trace)
            );
            let retry_kind = match &result {
                Ok(_) => {
                    attempt_trace.finish("none");
                    quota.on_success(last_retry_cost);
                    return result;
                }
                Err(e) => e.retry_kind(),
            };
            let Some(kind) = retry_kind else {
                attempt_trace.finish("not retryable");
                return result;
            };
            let cost = RetryQuota::cost(kind);
            if attempt >= max_attempts {
                attempt_trace.finish("attempts exhausted");
                return result;
            }
            if !quota.try_acquire(cost) {
                attempt_trace.finish("retry quota empty");
                return result;
            }
            attempt_trace.finish("retry");
            last_retry_cost = Some(cost);
            let wait = self.config.retry.backoff(attempt);
            if !wait.is_zero() {
                match timer::sleep(wait) {
                    // Boxed: the timer's state is only needed by calls that retry.
                    Ok(sleep) => Box::pin(sleep).await,
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
    /// Without an attempt timeout this is the transport's own future, with no layer added.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let sending = self.config.transport.send(request);
        let Some(limit) = self.config.timeouts.attempt else {
            return sending;
        };
        let limited = match timer::timeout(limit, sending) {
            Ok(limited) => limited,
            Err(missing) => {
                let error = TransportError::new(
                    TransportErrorKind::Other,
                    format!(
                        "the request has an attempt timeout, but {}",
                        missing.explain()
                    ),
                );
                return Box::pin(std::future::ready(Err(error)));
            }
        };
        Box::pin(async move {
            match limited.await {
                Ok(result) => result,
                Err(_) => Err(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("no response within the attempt timeout of {limit:?}"),
                )),
            }
        })
    }

    /// Adds the headers the AWS SDKs send on every attempt: the user agent, the call's
    /// invocation id and the attempt count. They are left out of the signature.
    fn add_sdk_headers(&self, request: &mut HttpRequest, headers: &AttemptHeaders<'_>) {
        let map = request.headers_mut();
        map.insert(http::header::USER_AGENT, self.shared.user_agent.clone());
        map.insert(X_AMZ_USER_AGENT, self.shared.user_agent.clone());
        if let Ok(id) = HeaderValue::from_bytes(headers.invocation_id) {
            map.insert(AMZ_SDK_INVOCATION_ID, id);
        }
        map.insert(AMZ_SDK_REQUEST, headers.request.clone());
    }

    async fn attempt<O, E>(
        &self,
        uri: &http::Uri,
        op: &'static OperationMeta,
        body: &Body,
        signer: &CallSigner<'_>,
        headers: &AttemptHeaders<'_>,
        trace: &AttemptTrace,
    ) -> Result<O, E>
    where
        O: DeserializeOwned,
        E: OperationError,
    {
        // A request refused for its signing time is worth sending again, once, when the
        // refusal's `Date` corrected the client's idea of the service's clock.
        let mut may_resign = true;
        loop {
            let mut request = self.request(uri, op, body);
            self.add_sdk_headers(&mut request, headers);
            // One reading of the clock: the signing time, and the sending time the clock
            // skew is measured from.
            let sent = SystemTime::now();
            signer
                .sign(&mut request, sent)
                .await
                .map_err(|e| E::from_unhandled(UnhandledError::new(ErrorKind::Request, e)))?;
            let response = self
                .send(request)
                .await
                .map_err(|e| E::from_unhandled(UnhandledError::transport(e)))?;
            trace.response(response.status().as_u16(), response.headers());
            // Most answers carry no `Date` (the in-memory ones, many servers'): read the
            // clock again only for those that do.
            let learnt = response.headers().contains_key(http::header::DATE)
                && self
                    .config
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
            .with_request_id(crate::wire::error::request_id(response.headers()))
        };
        // Not UTF-8 or nested too deep, even in a member the model does not know: refused.
        let json = crate::wire::json_text(body)
            .map_err(|e| E::from_unhandled(malformed(&e).with_source(e)))?;
        // A required member the response lacks takes its zero value (client error correction);
        // anything else that does not match the model is refused.
        crate::wire::correction::correcting(|| serde_json::from_str(json))
            .map_err(|e| E::from_unhandled(malformed(&e).with_source(e)))
    }
}

/// The headers every request can carry: `Content-Type`, `X-Amz-Target`, `Content-Length`,
/// `User-Agent`, `x-amz-user-agent`, `amz-sdk-invocation-id`, `amz-sdk-request`, and from
/// signing `X-Amz-Date`, `X-Amz-Security-Token` and `Authorization`, with one to spare for a
/// transport's `Host`.
const REQUEST_HEADERS: usize = 11;

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
    /// Over a static buffer: copying it for each request counts no references.
    user_agent: HeaderValue,
    /// `amz-sdk-request` of every first attempt.
    first_attempt: HeaderValue,
}

impl CallShared {
    fn new(service: &'static ServiceMeta, config: &Config) -> Self {
        CallShared {
            quota: RetryQuota::new(),
            user_agent: user_agent_value(service),
            first_attempt: header_values::attempt(1, config.retry.attempts()),
        }
    }

    fn attempt_header(&self, attempt: u32, max_attempts: u32) -> HeaderValue {
        if attempt == 1 {
            self.first_attempt.clone()
        } else {
            header_values::attempt(attempt, max_attempts)
        }
    }
}

/// The per-attempt headers of one call.
struct AttemptHeaders<'a> {
    /// The call's invocation id, as text.
    invocation_id: &'a [u8; 36],
    request: HeaderValue,
}

/// A request body ready to send.
struct Body {
    bytes: Bytes,
    gzip: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

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
    use crate::client::test_support::EXAMPLE_SERVICE as GZIP_SERVICE;

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
            crate::client::MAX_MIN_COMPRESSION_SIZE
        );
    }
}
