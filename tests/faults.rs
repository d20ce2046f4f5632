//! The client's retries, timeouts, retry quota, SDK headers and connection reuse, proven over
//! real TCP: the real [`HttpsTransport`] talks plain HTTP to a fault-injecting server on a
//! loopback port (`fault_server.rs`), which counts what reaches it.
//!
//! Backoffs are a few milliseconds so the tests stay fast; elapsed times are asserted only
//! with bounds wide enough for a loaded machine.

mod fault_server;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_json_runtime::base::http::{
    BoxFuture, HttpRequest, HttpResponse, TransportError, TransportErrorKind,
};
use aws_json_runtime::client::https::HttpsTransport;
use aws_json_runtime::client::retry::{RetryConfig, RetryQuota};
use aws_json_runtime::client::transport::Transport;
use aws_json_runtime::wire::error::ErrorKind;
use cognito_identity::error::GetIdError;
use cognito_identity::types::GetIdInput;
use cognito_identity::{Client, Config};

use fault_server::{closed_port_url, Fault, FaultServer};

const POOL: &str = "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b";
const OK: &str = r#"{"IdentityId":"us-east-1:11111111-2222-3333-4444-555555555555"}"#;
const THROTTLED: &str = r#"{"__type":"ThrottlingException","message":"slow down"}"#;
const UNAVAILABLE: &str = r#"{"__type":"ServiceUnavailable","message":"try again"}"#;
const INVALID: &str = r#"{"__type":"InvalidParameterException","message":"bad pool id"}"#;

/// Three attempts with millisecond backoffs.
fn quick_retries() -> RetryConfig {
    RetryConfig::standard().with_backoff(Duration::from_millis(5), Duration::from_millis(20))
}

fn config(url: &str) -> aws_json_runtime::ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .retry(quick_retries())
}

fn client(url: &str) -> Client {
    Client::new(config(url).transport(HttpsTransport::new()).build())
}

async fn get_id(client: &Client) -> Result<String, GetIdError> {
    let output = client.get_id(GetIdInput::new(POOL)).await?;
    Ok(output.identity_id.unwrap_or_default())
}

/// The transport error under an `Unhandled` error, if that is what it is.
fn transport_kind(err: &GetIdError) -> Option<TransportErrorKind> {
    let GetIdError::Unhandled(e) = err else {
        return None;
    };
    assert_eq!(e.kind(), ErrorKind::Transport, "{err}");
    let source = std::error::Error::source(e)?;
    source
        .downcast_ref::<TransportError>()
        .map(TransportError::kind)
}

/// Counts what a transport is asked to send, for faults no server sees.
struct Counting {
    inner: HttpsTransport,
    sent: Arc<AtomicUsize>,
}

impl Transport for Counting {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.sent.fetch_add(1, Ordering::SeqCst);
        self.inner.send(request)
    }
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    let url = closed_port_url().await;
    let sent = Arc::new(AtomicUsize::new(0));
    let transport = Counting {
        inner: HttpsTransport::new(),
        sent: Arc::clone(&sent),
    };
    let client = Client::new(config(&url).transport(transport).build());
    let started = Instant::now();
    let err = get_id(&client).await.unwrap_err();
    assert_eq!(
        transport_kind(&err),
        Some(TransportErrorKind::Connect),
        "{err}"
    );
    assert!(err.to_string().contains("cannot connect"), "{err}");
    assert_eq!(sent.load(Ordering::SeqCst), 3, "every attempt was made");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_response_cut_off_midway_is_retried() {
    let server = FaultServer::start(vec![Fault::CutMidResponse, Fault::Respond(200, OK)]).await;
    let id = get_id(&client(&server.url())).await.unwrap();
    assert_eq!(id, "us-east-1:11111111-2222-3333-4444-555555555555");
    assert_eq!(server.requests(), 2);
    assert_eq!(
        server.connections(),
        2,
        "the broken connection is not reused"
    );
}

#[tokio::test]
async fn a_broken_response_on_the_last_attempt_is_an_io_error() {
    let server = FaultServer::start(vec![Fault::CutMidResponse]).await;
    let err = get_id(&client(&server.url())).await.unwrap_err();
    assert_eq!(transport_kind(&err), Some(TransportErrorKind::Io), "{err}");
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn a_slow_answer_hits_the_attempt_timeout_and_the_retry_succeeds() {
    let server = FaultServer::start(vec![
        Fault::Slow(Duration::from_secs(10), 200, OK),
        Fault::Respond(200, OK),
    ])
    .await;
    let client = Client::new(
        config(&server.url())
            .attempt_timeout(Duration::from_millis(300))
            .transport(HttpsTransport::new())
            .build(),
    );
    let started = Instant::now();
    get_id(&client).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(server.requests(), 2);
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
}

#[tokio::test]
async fn attempts_that_all_time_out_end_in_a_timeout_error() {
    let server = FaultServer::start(vec![Fault::Slow(Duration::from_secs(10), 200, OK)]).await;
    let client = Client::new(
        config(&server.url())
            .attempt_timeout(Duration::from_millis(100))
            .transport(HttpsTransport::new())
            .build(),
    );
    let err = get_id(&client).await.unwrap_err();
    assert_eq!(
        transport_kind(&err),
        Some(TransportErrorKind::Timeout),
        "{err}"
    );
    assert!(err.to_string().contains("attempt timeout"), "{err}");
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn a_slow_answer_hits_the_operation_timeout() {
    let server = FaultServer::start(vec![Fault::Slow(Duration::from_secs(10), 200, OK)]).await;
    let client = Client::new(
        config(&server.url())
            .operation_timeout(Duration::from_millis(500))
            .transport(HttpsTransport::new())
            .build(),
    );
    let started = Instant::now();
    let err = get_id(&client).await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(
        transport_kind(&err),
        Some(TransportErrorKind::Timeout),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("GetId did not complete within the operation timeout of 500ms"),
        "{err}"
    );
    assert_eq!(server.requests(), 1, "no attempt timeout, so one attempt");
    assert!(elapsed >= Duration::from_millis(500), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
}

#[tokio::test]
async fn the_operation_timeout_bounds_retries_of_timed_out_attempts() {
    let server = FaultServer::start(vec![Fault::Slow(Duration::from_secs(10), 200, OK)]).await;
    let client = Client::new(
        config(&server.url())
            .retry(quick_retries().with_max_attempts(50))
            .attempt_timeout(Duration::from_millis(100))
            .operation_timeout(Duration::from_millis(700))
            .transport(HttpsTransport::new())
            .build(),
    );
    let err = get_id(&client).await.unwrap_err();
    assert!(err.to_string().contains("operation timeout"), "{err}");
    let requests = server.requests();
    assert!((2..50).contains(&requests), "{requests} attempts");
}

#[tokio::test]
async fn service_unavailable_then_success() {
    let server = FaultServer::start(vec![
        Fault::Respond(503, UNAVAILABLE),
        Fault::Respond(200, OK),
    ])
    .await;
    let started = Instant::now();
    get_id(&client(&server.url())).await.unwrap();
    assert_eq!(server.requests(), 2);
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[tokio::test]
async fn throttled_then_success() {
    let server = FaultServer::start(vec![
        Fault::Respond(429, THROTTLED),
        Fault::Respond(200, OK),
    ])
    .await;
    get_id(&client(&server.url())).await.unwrap();
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_bad_request_is_never_retried_and_keeps_its_request_id() {
    let server = FaultServer::start(vec![Fault::Respond(400, INVALID)]).await;
    let err = get_id(&client(&server.url())).await.unwrap_err();
    let GetIdError::InvalidParameterException(e) = &err else {
        panic!("expected InvalidParameterException, got {err:?}");
    };
    assert_eq!(e.message(), Some("bad pool id"));
    assert_eq!(server.requests(), 1);
    assert_eq!(err.request_id(), Some("request-0"));
    assert_eq!(e.request_id(), Some("request-0"));
    let service_error: cognito_identity::Error = err.into();
    assert_eq!(service_error.request_id(), Some("request-0"));
}

#[tokio::test]
async fn unmodeled_errors_keep_the_request_id_of_the_last_attempt() {
    let server = FaultServer::start(vec![Fault::Respond(503, UNAVAILABLE)]).await;
    let err = get_id(&client(&server.url())).await.unwrap_err();
    assert!(matches!(err, GetIdError::Unhandled(_)), "{err:?}");
    assert_eq!(err.code(), Some("ServiceUnavailable"));
    assert_eq!(err.request_id(), Some("request-2"));
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn an_empty_retry_quota_stops_retries_until_successes_refill_it() {
    let server = FaultServer::start(vec![Fault::Respond(503, UNAVAILABLE)]).await;
    let client = client(&server.url());
    // Each failing call makes two retries at 5 tokens each: 50 calls drain 500 tokens.
    let calls = (RetryQuota::CAPACITY / (2 * RetryQuota::RETRY_COST)) as usize;
    for _ in 0..calls {
        get_id(&client).await.unwrap_err();
    }
    assert_eq!(server.requests(), calls * 3);
    get_id(&client).await.unwrap_err();
    assert_eq!(
        server.requests(),
        calls * 3 + 1,
        "the quota is empty: no retry"
    );

    // Successes without retries add a token each; five pay for one retry again.
    server.set_script(vec![Fault::Respond(200, OK)]);
    for _ in 0..5 {
        get_id(&client).await.unwrap();
    }
    server.set_script(vec![
        Fault::Respond(503, UNAVAILABLE),
        Fault::Respond(200, OK),
    ]);
    let before = server.requests();
    get_id(&client).await.unwrap();
    assert_eq!(server.requests(), before + 2, "one retry was paid for");

    // Another client has its own, full quota.
    let other = self::client(&server.url());
    server.set_script(vec![Fault::Respond(503, UNAVAILABLE)]);
    let before = server.requests();
    get_id(&other).await.unwrap_err();
    assert_eq!(server.requests(), before + 3);
}

#[tokio::test]
async fn sequential_calls_reuse_one_connection() {
    let server = FaultServer::start(vec![Fault::Respond(200, OK)]).await;
    let client = client(&server.url());
    get_id(&client).await.unwrap();
    get_id(&client).await.unwrap();
    get_id(&client.clone()).await.unwrap();
    assert_eq!(server.requests(), 3);
    assert_eq!(server.connections(), 1);
}

/// A client that makes one attempt per call, so only the transport can hide a fault.
fn single_attempt_client(url: &str) -> Client {
    let config = config(url)
        .retry(RetryConfig::disabled())
        .transport(HttpsTransport::new());
    Client::new(config.build())
}

#[tokio::test]
async fn an_idle_connection_the_server_closed_is_replaced_without_an_error() {
    let server = FaultServer::start(vec![
        Fault::RespondThenClose(200, OK),
        Fault::Respond(200, OK),
    ])
    .await;
    let client = single_attempt_client(&server.url());
    get_id(&client).await.unwrap();
    // Let the close reach the client while its connection sits idle in the pool.
    tokio::time::sleep(Duration::from_millis(50)).await;
    get_id(&client).await.unwrap();
    assert_eq!(server.requests(), 2);
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn a_reused_connection_closed_before_any_answer_is_retried_on_a_new_one() {
    // The server closes the kept-alive connection just as the second request arrives: the
    // race every pooled client meets when a server's keep-alive timeout runs out.
    let server = FaultServer::start(vec![
        Fault::Respond(200, OK),
        Fault::CloseWithoutAnswer,
        Fault::Respond(200, OK),
    ])
    .await;
    let client = single_attempt_client(&server.url());
    get_id(&client).await.unwrap();
    get_id(&client).await.unwrap();
    assert_eq!(server.requests(), 3);
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn a_new_connection_closed_before_any_answer_is_an_error() {
    // On a connection that never answered, a close is the server's doing, not a stale
    // connection's: the transport does not send the request again.
    let server = FaultServer::start(vec![Fault::CloseWithoutAnswer]).await;
    let err = get_id(&single_attempt_client(&server.url()))
        .await
        .unwrap_err();
    assert_eq!(transport_kind(&err), Some(TransportErrorKind::Io), "{err}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn an_https_endpoint_is_spoken_to_in_tls() {
    // A server that answers in plain HTTP: the client must open with a TLS handshake
    // record and refuse the answer in the handshake, not read it as HTTP.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut first = [0u8; 1];
        stream.read_exact(&mut first).await.unwrap();
        let answer = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n";
        stream.write_all(answer).await.unwrap();
        first[0]
    });
    let err = get_id(&single_attempt_client(&format!("https://{addr}")))
        .await
        .unwrap_err();
    assert_eq!(
        transport_kind(&err),
        Some(TransportErrorKind::Other),
        "{err}"
    );
    let GetIdError::Unhandled(unhandled) = &err else {
        unreachable!("checked above");
    };
    let message = std::error::Error::source(unhandled).unwrap().to_string();
    assert!(message.contains("TLS handshake"), "{message}");
    assert_eq!(
        server.await.unwrap(),
        0x16,
        "a TLS handshake record came first"
    );
}

#[tokio::test]
async fn the_default_transport_is_used_when_none_is_set() {
    let server = FaultServer::start(vec![Fault::Respond(200, OK)]).await;
    let client = Client::new(config(&server.url()).build());
    get_id(&client).await.unwrap();
    get_id(&client).await.unwrap();
    assert_eq!(server.requests(), 2);
    assert_eq!(
        server.connections(),
        1,
        "one shared transport per configuration"
    );
}

#[tokio::test]
async fn every_attempt_carries_the_sdk_headers() {
    let server = FaultServer::start(vec![
        Fault::Respond(503, UNAVAILABLE),
        Fault::Respond(200, OK),
    ])
    .await;
    let client = client(&server.url());
    get_id(&client).await.unwrap();
    get_id(&client).await.unwrap();
    let heads = server.heads();
    assert_eq!(heads.len(), 3);
    let header = |i: usize, name: &str| -> String {
        let head: &Vec<(String, String)> = &heads[i];
        head.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("request {i} has no `{name}`: {head:?}"))
    };
    assert_eq!(header(0, "amz-sdk-request"), "attempt=1; max=3");
    assert_eq!(header(1, "amz-sdk-request"), "attempt=2; max=3");
    assert_eq!(header(2, "amz-sdk-request"), "attempt=1; max=3");
    let first_call = header(0, "amz-sdk-invocation-id");
    assert_eq!(first_call.len(), 36, "{first_call}");
    assert_eq!(header(1, "amz-sdk-invocation-id"), first_call, "same call");
    assert_ne!(header(2, "amz-sdk-invocation-id"), first_call, "new call");
    let agent = header(0, "user-agent");
    let expected = format!(
        "cognito-identity/0.1.0 aws-json-runtime/0.1.0 os/{} lang/rust/",
        std::env::consts::OS
    );
    assert!(agent.starts_with(&expected), "{agent}");
    assert_eq!(header(0, "x-amz-user-agent"), agent);
    let body_length = format!(r#"{{"IdentityPoolId":"{POOL}"}}"#).len();
    assert_eq!(header(0, "content-length"), body_length.to_string());
    assert!(header(0, "host").starts_with("127.0.0.1:"));
}

/// A client on the in-memory transport that answers 503 and then 200, with the given retry
/// and operation-timeout settings.
fn in_memory_503_then_ok(operation_timeout: Option<Duration>) -> Client {
    let transport = aws_json_runtime::InMemoryTransport::sequence(vec![
        (503, UNAVAILABLE.into()),
        (200, OK.into()),
    ]);
    let mut builder = Config::builder()
        .region("us-east-1")
        .retry(quick_retries())
        .transport(transport);
    if let Some(limit) = operation_timeout {
        builder = builder.operation_timeout(limit);
    }
    Client::new(builder.build())
}

/// tokio's sleep and timeout panic on a runtime built without its timer. A call that needs
/// them answers with an error that says what to change instead.
#[test]
fn a_runtime_without_a_timer_gets_an_error_not_a_panic() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");

    // The retry after the 503 needs to wait.
    let client = in_memory_503_then_ok(None);
    let err = runtime.block_on(get_id(&client)).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("cannot wait to retry it"), "{text}");
    assert!(text.contains("enable_time"), "{text}");
    assert!(text.contains("ServiceUnavailable"), "{text}");

    // An operation timeout needs the timer before anything is sent.
    let client = in_memory_503_then_ok(Some(Duration::from_secs(5)));
    let err = runtime.block_on(get_id(&client)).unwrap_err();
    assert!(err.to_string().contains("operation timeout"), "{err}");

    // With the timer the same calls succeed after one retry.
    let timed = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a current-thread runtime with its timer");
    let client = in_memory_503_then_ok(Some(Duration::from_secs(5)));
    assert!(timed.block_on(get_id(&client)).is_ok());
}
