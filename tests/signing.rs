//! Signing as the model says, and credentials, region and endpoint resolved as AWS users
//! expect, end to end through the generated client and an in-memory transport.
//!
//! Signed operations carry a SigV4 `Authorization` header (and the session token of
//! temporary credentials); the four operations the model leaves unsigned carry neither, with
//! or without credentials configured, and need no credential source at all. A signed
//! operation with no credentials fails before anything is sent, saying where it looked.
//! Environments and files are injected, never read from the real process.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_json_runtime::auth::credentials::{Credentials, CredentialsError, ProvideCredentials};
use aws_json_runtime::auth::profile::{Env, Fs};
use aws_json_runtime::auth::sigv4::{self, VerifyOptions};
use aws_json_runtime::client::retry::RetryConfig;
use aws_json_runtime::client::transport::RecordedRequest;
use aws_json_runtime::{BoxFuture, ConfigBuilder, ErrorKind};
use bytes::Bytes;
use cognito_identity::error::DescribeIdentityPoolError;
use cognito_identity::types::*;
use cognito_identity::{Client, Config, InMemoryTransport};

const POOL_ID: &str = "us-east-1:11111111-2222-3333-4444-555555555555";
const IDENTITY_ID: &str = "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN";

/// A valid `DescribeIdentityPool` answer.
const POOL_BODY: &str = r#"{"IdentityPoolId":"us-east-1:11111111-2222-3333-4444-555555555555","IdentityPoolName":"pool","AllowUnauthenticatedIdentities":false}"#;

fn temporary_credentials() -> Credentials {
    Credentials::new("ASIAEXAMPLE", SECRET, Some(TOKEN.to_owned()), None, "test")
}

fn recording(body: &'static str) -> InMemoryTransport {
    InMemoryTransport::canned(200, body).recording()
}

fn client_over(config: ConfigBuilder, transport: &InMemoryTransport) -> Client {
    Client::new(
        config
            .transport(transport.clone())
            .retry(RetryConfig::disabled())
            .build(),
    )
}

fn only_request(transport: &InMemoryTransport) -> RecordedRequest {
    assert_eq!(transport.request_count(), 1);
    transport.last_request().expect("one request was recorded")
}

/// The parts of a SigV4 `Authorization` header.
struct Authorization {
    credential: String,
    signed_headers: Vec<String>,
    signature: String,
}

fn parse_authorization(value: &str) -> Authorization {
    let rest = value
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .unwrap_or_else(|| panic!("not a SigV4 header: {value}"));
    let mut parts: HashMap<&str, &str> = HashMap::new();
    for part in rest.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .unwrap_or_else(|| panic!("malformed part `{part}` in {value}"));
        parts.insert(k, v);
    }
    Authorization {
        credential: parts["Credential"].to_owned(),
        signed_headers: parts["SignedHeaders"]
            .split(';')
            .map(str::to_owned)
            .collect(),
        signature: parts["Signature"].to_owned(),
    }
}

#[tokio::test]
async fn signed_operations_carry_a_valid_sigv4_authorization_and_the_session_token() {
    let transport = recording(POOL_BODY);
    let client = client_over(
        Config::builder()
            .region("eu-west-1")
            .credentials(temporary_credentials()),
        &transport,
    );
    client
        .describe_identity_pool(DescribeIdentityPoolInput::new(POOL_ID))
        .await
        .expect("the canned pool parses");
    let request = only_request(&transport);

    let date = request.header("x-amz-date").expect("x-amz-date is set");
    assert_eq!(date.len(), 16, "{date}");
    assert_eq!(request.header("x-amz-security-token"), Some(TOKEN));
    let auth = parse_authorization(request.header("authorization").expect("signed"));
    assert_eq!(
        auth.credential,
        format!(
            "ASIAEXAMPLE/{}/eu-west-1/cognito-identity/aws4_request",
            &date[..8]
        )
    );
    for header in ["host", "x-amz-date", "x-amz-security-token", "x-amz-target"] {
        assert!(
            auth.signed_headers.iter().any(|h| h == header),
            "{header} is not signed: {:?}",
            auth.signed_headers
        );
    }
    assert_eq!(auth.signature.len(), 64);
    assert!(auth.signature.bytes().all(|b| b.is_ascii_hexdigit()));

    // The signature is the one the secret makes: the verifier accepts it with the right
    // secret and rejects it with another.
    let mut http_request = http::Request::builder()
        .method(request.method.clone())
        .uri(request.uri.clone())
        .body(request.body.clone())
        .expect("a recorded request rebuilds");
    *http_request.headers_mut() = request.headers.clone();
    let options = VerifyOptions::at(SystemTime::now());
    let lookup = |access_key_id: &str| (access_key_id == "ASIAEXAMPLE").then(temporary_credentials);
    let verified = sigv4::verify(&http_request, &lookup, &options).expect("a valid signature");
    assert_eq!(verified.access_key_id, "ASIAEXAMPLE");
    assert_eq!(verified.region, "eu-west-1");
    assert_eq!(verified.service, "cognito-identity");
    let other_secret = |_: &str| {
        Some(Credentials::new(
            "ASIAEXAMPLE",
            "not the secret",
            Some(TOKEN.to_owned()),
            None,
            "test",
        ))
    };
    assert!(sigv4::verify(&http_request, &other_secret, &options).is_err());

    // No secret ever reaches the wire or the configuration's `Debug`.
    let wire = format!("{:?}{}", request.headers, request.body_text());
    assert!(!wire.contains(SECRET), "{wire}");
    let debug = format!("{:?}", client.config());
    assert!(!debug.contains(SECRET) && !debug.contains(TOKEN), "{debug}");
}

/// Calls each of the four operations the model leaves unsigned and returns what was sent.
async fn call_unsigned_operations(config: impl Fn() -> ConfigBuilder) -> Vec<RecordedRequest> {
    let mut sent = Vec::new();

    let transport = recording(r#"{"IdentityId":"us-east-1:x"}"#);
    client_over(config(), &transport)
        .get_id(GetIdInput::new(POOL_ID))
        .await
        .expect("GetId");
    sent.push(only_request(&transport));

    let transport = recording(r#"{"IdentityId":"us-east-1:x"}"#);
    client_over(config(), &transport)
        .get_credentials_for_identity(GetCredentialsForIdentityInput::new(IDENTITY_ID))
        .await
        .expect("GetCredentialsForIdentity");
    sent.push(only_request(&transport));

    let transport = recording(r#"{"IdentityId":"us-east-1:x","Token":"t"}"#);
    client_over(config(), &transport)
        .get_open_id_token(GetOpenIdTokenInput::new(IDENTITY_ID))
        .await
        .expect("GetOpenIdToken");
    sent.push(only_request(&transport));

    let transport = recording("{}");
    let logins = HashMap::from([("accounts.google.com".to_owned(), "token".to_owned())]);
    client_over(config(), &transport)
        .unlink_identity(UnlinkIdentityInput::new(
            IDENTITY_ID,
            logins,
            vec!["accounts.google.com".to_owned()],
        ))
        .await
        .expect("UnlinkIdentity");
    sent.push(only_request(&transport));
    sent
}

fn assert_unsigned(sent: &[RecordedRequest]) {
    assert_eq!(sent.len(), 4);
    for request in sent {
        let target = request.header("x-amz-target").unwrap_or_default();
        assert_eq!(request.header("authorization"), None, "{target}");
        assert_eq!(request.header("x-amz-security-token"), None, "{target}");
    }
}

#[tokio::test]
async fn unsigned_operations_send_no_authorization_with_credentials() {
    let sent = call_unsigned_operations(|| {
        Config::builder()
            .region("us-east-1")
            .credentials(temporary_credentials())
    })
    .await;
    assert_unsigned(&sent);
}

#[tokio::test]
async fn unsigned_operations_need_no_credential_source_at_all() {
    assert_unsigned(&call_unsigned_operations(|| Config::builder().region("us-east-1")).await);

    // Nor any credentials in the environment or the files.
    let sent = call_unsigned_operations(|| {
        ConfigBuilder::from_env_with(
            Env::from_vars([("HOME", "/home/nobody")]),
            Fs::from_files::<&str, &str>([]),
        )
        .region("us-east-1")
    })
    .await;
    assert_unsigned(&sent);
}

/// A provider that counts its calls and hands out credentials expiring at a fixed time.
struct Counting {
    calls: Arc<AtomicUsize>,
    expiry: Option<SystemTime>,
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let credentials = Credentials::new("AKIDCOUNT", SECRET, None, self.expiry, "counting");
        Box::pin(async move { Ok(credentials) })
    }
}

#[tokio::test]
async fn unsigned_operations_never_ask_for_credentials() {
    let calls = Arc::new(AtomicUsize::new(0));
    let sent = call_unsigned_operations(|| {
        Config::builder()
            .region("us-east-1")
            .credentials_provider(Counting {
                calls: calls.clone(),
                expiry: None,
            })
    })
    .await;
    assert_unsigned(&sent);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn credentials_are_fetched_once_per_call_unless_expired() {
    // 503 then 200: two attempts, one fetch.
    let calls = Arc::new(AtomicUsize::new(0));
    let transport = InMemoryTransport::sequence(vec![
        (503, Bytes::from_static(b"{}")),
        (200, Bytes::from_static(POOL_BODY.as_bytes())),
    ])
    .recording();
    let client = Client::new(
        Config::builder()
            .region("us-east-1")
            .credentials_provider(Counting {
                calls: calls.clone(),
                expiry: Some(SystemTime::now() + Duration::from_secs(3600)),
            })
            .transport(transport.clone())
            .retry(RetryConfig::default())
            .build(),
    );
    client
        .describe_identity_pool(DescribeIdentityPoolInput::new(POOL_ID))
        .await
        .expect("the retry succeeds");
    assert_eq!(transport.request_count(), 2);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    for request in transport.requests() {
        assert!(request.header("authorization").is_some());
    }

    // Credentials that have already expired are fetched again before they sign.
    let calls = Arc::new(AtomicUsize::new(0));
    let transport = recording(POOL_BODY);
    client_with_provider(&transport, calls.clone(), Some(SystemTime::UNIX_EPOCH))
        .describe_identity_pool(DescribeIdentityPoolInput::new(POOL_ID))
        .await
        .expect("signed with fresh credentials");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

fn client_with_provider(
    transport: &InMemoryTransport,
    calls: Arc<AtomicUsize>,
    expiry: Option<SystemTime>,
) -> Client {
    client_over(
        Config::builder()
            .region("us-east-1")
            .credentials_provider(Counting { calls, expiry }),
        transport,
    )
}

/// The kind of an unhandled error.
fn request_kind(err: &DescribeIdentityPoolError) -> Option<ErrorKind> {
    match err {
        DescribeIdentityPoolError::Unhandled(e) => Some(e.kind()),
        _ => None,
    }
}

#[tokio::test]
async fn a_signed_operation_without_credentials_fails_before_sending() {
    let transport = recording(POOL_BODY);
    let err = client_over(Config::builder().region("us-east-1"), &transport)
        .describe_identity_pool(DescribeIdentityPoolInput::new(POOL_ID))
        .await
        .expect_err("no credentials");
    assert_eq!(transport.request_count(), 0);
    assert_eq!(request_kind(&err), Some(ErrorKind::Request));
    let text = err.to_string();
    assert!(text.contains("DescribeIdentityPool"), "{text}");
    assert!(text.contains("no credentials are configured"), "{text}");
    assert!(text.contains("AWS_ACCESS_KEY_ID"), "{text}");
}

#[tokio::test]
async fn no_credentials_anywhere_lists_every_place_looked() {
    let transport = recording(POOL_BODY);
    let env = Env::from_vars([("HOME", "/home/me"), ("AWS_PROFILE", "work")]);
    let err = client_over(
        ConfigBuilder::from_env_with(env, Fs::from_files::<&str, &str>([])).region("us-east-1"),
        &transport,
    )
    .describe_identity_pool(DescribeIdentityPoolInput::new(POOL_ID))
    .await
    .expect_err("no credentials");
    assert_eq!(transport.request_count(), 0);
    assert_eq!(request_kind(&err), Some(ErrorKind::Request));
    let text = err.to_string();
    for place in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "profile `work` (from AWS_PROFILE)",
        "/home/me/.aws/credentials",
        "/home/me/.aws/config",
    ] {
        assert!(text.contains(place), "{place} missing from: {text}");
    }
}

#[tokio::test]
async fn a_signed_operation_without_a_region_fails_before_sending() {
    let transport = recording(POOL_BODY);
    let err = client_over(
        Config::builder()
            .endpoint_url("http://localhost:1")
            .credentials(temporary_credentials()),
        &transport,
    )
    .describe_identity_pool(DescribeIdentityPoolInput::new(POOL_ID))
    .await
    .expect_err("no region");
    assert_eq!(transport.request_count(), 0);
    assert!(err.to_string().contains("no region"), "{err}");
}

fn home_files(config: &str, credentials: &str) -> Fs {
    Fs::from_files([
        ("/home/me/.aws/config", config.to_owned()),
        ("/home/me/.aws/credentials", credentials.to_owned()),
    ])
}

#[tokio::test]
async fn from_env_reads_region_endpoint_and_credentials() {
    let fs = home_files(
        "[profile dev]\nregion = ap-south-1\nendpoint_url = http://profile.example\n",
        "[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n",
    );
    let env = |extra: &[(&str, &str)]| {
        Env::from_vars(
            [("HOME", "/home/me"), ("AWS_PROFILE", "dev")]
                .iter()
                .chain(extra)
                .copied(),
        )
    };

    // Everything from the profile.
    let profile_client = client_over(
        ConfigBuilder::from_env_with(env(&[]), fs.clone()),
        &recording(POOL_BODY),
    );
    assert_eq!(profile_client.config().region(), Some("ap-south-1"));
    let (uri, credential) =
        signed_describe(ConfigBuilder::from_env_with(env(&[]), fs.clone())).await;
    assert_eq!(uri, "http://profile.example/");
    assert!(
        credential.starts_with("AKIDPROFILE/") && credential.contains("/ap-south-1/"),
        "{credential}"
    );

    // The environment wins over the profile.
    let vars = [
        ("AWS_REGION", "eu-north-1"),
        (
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY",
            "http://service.example",
        ),
        ("AWS_ENDPOINT_URL", "http://global.example"),
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
    ];
    let (uri, credential) =
        signed_describe(ConfigBuilder::from_env_with(env(&vars), fs.clone())).await;
    assert_eq!(uri, "http://service.example/");
    assert!(
        credential.starts_with("AKIDENV/") && credential.contains("/eu-north-1/"),
        "{credential}"
    );

    // And what the code says wins over both.
    let (uri, credential) = signed_describe(
        ConfigBuilder::from_env_with(env(&vars), fs)
            .region("us-west-2")
            .endpoint_url("http://explicit.example")
            .credentials(Credentials::new("AKIDCODE", "s", None, None, "code")),
    )
    .await;
    assert_eq!(uri, "http://explicit.example/");
    assert!(
        credential.starts_with("AKIDCODE/") && credential.contains("/us-west-2/"),
        "{credential}"
    );
}

/// Calls DescribeIdentityPool (a signed operation) with `config` over a recording transport,
/// and returns where the request went and the `Credential` of its signature.
async fn signed_describe(config: ConfigBuilder) -> (String, String) {
    let transport = recording(POOL_BODY);
    let client = client_over(config, &transport);
    client
        .describe_identity_pool(DescribeIdentityPoolInput::new(POOL_ID))
        .await
        .expect("a signed call");
    let request = only_request(&transport);
    let auth = parse_authorization(request.header("authorization").unwrap_or_default());
    (request.uri.to_string(), auth.credential)
}

#[tokio::test]
async fn plain_builders_read_nothing_from_the_environment() {
    // Whatever the real process environment holds, `Config::builder()` ignores it.
    let config = Config::builder().build();
    assert_eq!(config.region(), None);
    assert_eq!(config.endpoint_url(), None);
    assert!(config.credentials_provider().is_none());
}

#[tokio::test]
async fn a_malformed_shared_file_fails_every_call_naming_file_and_line() {
    let fs = home_files("[default]\nregion = eu-west-1\nthis line is wrong\n", "");
    let transport = recording(r#"{"IdentityId":"us-east-1:x"}"#);
    let err = client_over(
        ConfigBuilder::from_env_with(Env::from_vars([("HOME", "/home/me")]), fs),
        &transport,
    )
    .get_id(GetIdInput::new(POOL_ID))
    .await
    .expect_err("the config file is broken");
    assert_eq!(transport.request_count(), 0);
    let text = err.to_string();
    assert!(text.contains("/home/me/.aws/config, line 3"), "{text}");
}
