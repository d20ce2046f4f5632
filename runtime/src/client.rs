//! The client side of an awsJson call: configuration, the static facts generated code
//! declares about a service and its operations, and [`ClientCore::invoke`], which serialises
//! an input, sends it with retries, and reads the output or the operation's error.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
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
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("endpoint_url", &self.endpoint_url)
            .field("region", &self.region)
            .field("retry", &self.retry)
            .field("validate_input", &self.validate_input)
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
        let uri = text
            .parse::<http::Uri>()
            .map_err(|e| format!("invalid endpoint URL `{text}`: {e}"));
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

    fn request(&self, uri: &http::Uri, op: &'static OperationMeta, body: Bytes) -> HttpRequest {
        let mut request = http::Request::new(body);
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = uri.clone();
        let headers = request.headers_mut();
        headers.insert(CONTENT_TYPE, self.content_type.clone());
        headers.insert(X_AMZ_TARGET, HeaderValue::from_static(op.target));
        request
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
        if self.config.validate_input {
            let violations = input.violations();
            if !violations.is_empty() {
                return Err(E::from_unhandled(UnhandledError::new(
                    ErrorKind::Request,
                    format!("{} input: {}", op.name, summarize(&violations)),
                )));
            }
        }
        let uri = self
            .uri
            .as_ref()
            .map_err(|e| E::from_unhandled(UnhandledError::new(ErrorKind::Request, e.clone())))?;
        // Most inputs are small; starting at 256 bytes saves the first few regrowths.
        let mut body = Vec::with_capacity(256);
        serde_json::to_writer(&mut body, input).map_err(|e| {
            E::from_unhandled(UnhandledError::new(
                ErrorKind::Request,
                format!("cannot serialise the {} input: {e}", op.name),
            ))
        })?;
        let body = Bytes::from(body);
        let mut attempt = 1;
        loop {
            let result: Result<O, E> = self.attempt(uri, op, body.clone()).await;
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
        body: Bytes,
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
}
