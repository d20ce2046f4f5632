//! The client side of an awsJson call: configuration, the static facts generated code
//! declares about a service and its operations, and [`ClientCore::invoke`], which serialises
//! an input, sends it with retries, and reads the output or the operation's error.

use std::fmt;
use std::io::Write;
use std::sync::Arc;

use bytes::Bytes;
use flate2::write::GzEncoder;
use flate2::Compression;
use http::header::{HeaderValue, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{ErrorKind, ErrorResponse, OperationError, UnhandledError};
use crate::retry::RetryConfig;
use crate::transport::{HttpRequest, NoTransport, Transport, X_AMZ_TARGET};
use crate::validate::{summarize, Validate};

/// A fresh idempotency token (a random version-4 UUID), for input members the model marks
/// `idempotencyToken` that the caller left unset.
pub fn idempotency_token() -> String {
    let (a, b) = (crate::retry::random_u64(), crate::retry::random_u64());
    // Set the version (4) and variant (10xx) bits of an RFC 4122 UUID.
    let hi = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let lo = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
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
    /// The endpoint rule set as JSON text, when the model has one.
    pub endpoint_rules: Option<&'static str>,
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
            },
        }
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
}

/// Builds a [`Config`].
#[derive(Debug, Clone)]
pub struct ConfigBuilder {
    config: Config,
}

impl ConfigBuilder {
    /// Sends requests through `transport`.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.config.transport = Arc::new(transport);
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

    /// The finished configuration.
    pub fn build(self) -> Config {
        self.config
    }
}

/// The shared machinery behind a generated `Client`.
#[derive(Clone)]
pub struct ClientCore {
    service: &'static ServiceMeta,
    config: Config,
    uri: Result<http::Uri, String>,
    content_type: HeaderValue,
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
    /// A client core for `service` with `config`. Without an explicit endpoint URL the
    /// endpoint is `https://{endpoint_prefix}.{region}.amazonaws.com/` (region `us-east-1`
    /// when unset). An invalid endpoint URL is reported by every call.
    pub fn new(service: &'static ServiceMeta, config: Config) -> Self {
        let text = match &config.endpoint_url {
            Some(url) => url.clone(),
            None => format!(
                "https://{}.{}.amazonaws.com/",
                service.endpoint_prefix,
                config.region.as_deref().unwrap_or("us-east-1")
            ),
        };
        let uri = endpoint_uri(&text);
        ClientCore {
            service,
            config,
            uri,
            content_type: HeaderValue::from_static(service.content_type),
        }
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
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = uri.clone();
        let headers = request.headers_mut();
        headers.insert(CONTENT_TYPE, self.content_type.clone());
        headers.insert(X_AMZ_TARGET, HeaderValue::from_static(op.target));
        headers.insert(CONTENT_LENGTH, HeaderValue::from(body.bytes.len()));
        if body.gzip {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        request
    }

    /// The request body: the serialised input, gzip-compressed when the operation allows it,
    /// the configuration does, and it is at least the minimum compression size.
    fn body(&self, op: &'static OperationMeta, json: Vec<u8>) -> Result<Body, String> {
        let compress = op.gzip_request
            && self.config.request_compression
            && json.len() >= self.config.min_compression_size;
        if !compress {
            return Ok(Body {
                bytes: Bytes::from(json),
                gzip: false,
            });
        }
        let mut encoder =
            GzEncoder::new(Vec::with_capacity(json.len() / 2), Compression::default());
        encoder
            .write_all(&json)
            .and_then(|()| encoder.finish())
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
        let mut attempt = 1;
        loop {
            let result: Result<O, E> = self.attempt(uri, op, &body).await;
            let retry_kind = match &result {
                Ok(_) => None,
                Err(e) => e.retry_kind(),
            };
            if retry_kind.is_none() || attempt >= self.config.retry.max_attempts {
                return result;
            }
            let wait = self.config.retry.backoff(attempt);
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            attempt += 1;
        }
    }

    async fn attempt<O, E>(
        &self,
        uri: &http::Uri,
        op: &'static OperationMeta,
        body: &Body,
    ) -> Result<O, E>
    where
        O: DeserializeOwned,
        E: OperationError,
    {
        let response = self
            .config
            .transport
            .send(self.request(uri, op, body))
            .await
            .map_err(|e| E::from_unhandled(UnhandledError::transport(e)))?;
        let status = response.status();
        if status.is_success() {
            let body = response.body();
            let json = crate::wire::json_or_empty_object(body);
            serde_json::from_slice(json).map_err(|e| {
                E::from_unhandled(
                    UnhandledError::new(
                        ErrorKind::Response,
                        format!("the {} response does not match the model: {e}", op.name),
                    )
                    .with_status_and_body(status.as_u16(), body.clone())
                    .with_source(e),
                )
            })
        } else {
            Err(E::from_response(&ErrorResponse::from_response(&response)))
        }
    }
}

/// A request body ready to send.
struct Body {
    bytes: Bytes,
    gzip: bool,
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
        assert!(bad.uri.unwrap_err().contains("not a url"));
    }

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

    #[test]
    fn bodies_are_gzipped_from_the_minimum_size_when_the_model_allows_it() {
        use std::io::Read;
        static SERVICE: ServiceMeta = ServiceMeta {
            service_id: "Example",
            api_version: "2020-01-01",
            target_prefix: "Example",
            content_type: "application/x-amz-json-1.1",
            signing_name: "example",
            endpoint_prefix: "example",
            endpoint_rules: None,
            crate_name: "example",
            crate_version: "0.1.0",
        };
        let json = br#"{"Data":"0123456789012345678901234567890123456789"}"#;
        let core = |config: ConfigBuilder| ClientCore::new(&SERVICE, config.build());
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
