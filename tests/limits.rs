//! The input limits a user can rely on, each proven on both sides: what the server (the
//! generated router, in memory and behind the HTTP front door) answers, and what the client
//! (over the real HTTP transport or in memory) reports, for JSON nesting, number sizes, string
//! sizes, body sizes, header counts and sizes, and invalid UTF-8.
//!
//! The tests run one at a time (see [`run`]) because some measure the bytes the process
//! allocates, to show that a large input is neither read whole past a limit nor copied more
//! than a few times. The README's "Limits" table lists the tests in this order.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use aws_json_runtime::base::http::{TransportError, TransportErrorKind};
use aws_json_runtime::client::https::{HttpsTransport, DEFAULT_MAX_RESPONSE_BODY};
use aws_json_runtime::client::retry::RetryConfig;
use aws_json_runtime::server::http_server::{Server, DEFAULT_BODY_LIMIT};
use aws_json_runtime::server::router::BodyLimit;
use aws_json_runtime::wire::error::ErrorKind;
use aws_json_runtime::wire::{json_text, JsonTextError, MAX_JSON_DEPTH};
use aws_json_runtime::{HttpRequest, HttpResponse, InMemoryTransport, UnhandledError};
use bench_alloc_counter::{CountingAllocator, Counts};
use bytes::Bytes;
use cognito_identity::error::{GetIdError, ListIdentitiesError};
use cognito_identity::types::{GetIdInput, ListIdentitiesInput};
use cognito_identity::{Client, Config, Router};
use serde_json::Value;
use tests::fixtures::{self, IDENTITY_ID, POOL_ID};
use tests::{target, test_credentials, TestHandler, CONTENT_TYPE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// One test at a time, so that the allocation counts of one are not another's.
static SERIAL: Mutex<()> = Mutex::new(());

/// Runs `test` on a fresh single-threaded runtime while no other test of this file runs.
/// Servers a test starts are spawned on that runtime and stop with it.
fn run<F: Future>(test: F) -> F::Output {
    let _serial: MutexGuard<'_, ()> = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(test)
}

/// The bytes allocated while `f` runs (and what it returns).
async fn allocated<T>(f: impl Future<Output = T>) -> (u64, T) {
    let before = Counts::now();
    let out = f.await;
    (Counts::now().since(before).bytes, out)
}

/// `levels` nested arrays: `[[...]]`.
fn nested_arrays(levels: usize) -> String {
    format!("{}{}", "[".repeat(levels), "]".repeat(levels))
}

/// A GetId body with the valid pool id and one more member, written as raw JSON.
fn get_id_with(member: &str, raw_value: &str) -> Vec<u8> {
    format!(r#"{{"IdentityPoolId":"{POOL_ID}","{member}":{raw_value}}}"#).into_bytes()
}

/// A ListIdentities body with `MaxResults` written as raw JSON.
fn list_identities_with_max_results(raw: &str) -> Vec<u8> {
    format!(r#"{{"IdentityPoolId":"{POOL_ID}","MaxResults":{raw}}}"#).into_bytes()
}

// ---------------------------------------------------------------------------------------
// The router in memory.
// ---------------------------------------------------------------------------------------

fn router_request(op: &str, body: impl Into<Bytes>) -> HttpRequest {
    http::Request::builder()
        .method("POST")
        .uri("/")
        .header("content-type", CONTENT_TYPE)
        .header("x-amz-target", target(op))
        .body(body.into())
        .expect("a valid request")
}

/// The router's answer to `request`, with a handler that succeeds at GetId and
/// ListIdentities (so an accepted request is a 200).
async fn route(request: HttpRequest) -> (HttpResponse, TestHandler) {
    let handler = TestHandler::new();
    handler.succeed("GetId", fixtures::get_id_response());
    handler.succeed("ListIdentities", fixtures::list_identities_response());
    let response = Router::new(handler.clone()).handle(request).await;
    (response, handler)
}

/// Asserts an awsJson error: `status`, and `code` in both `__type` and `X-Amzn-ErrorType`.
/// Returns the message.
fn assert_aws_error(response: &HttpResponse, status: u16, code: &str) -> String {
    let body: Value = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
    assert_eq!(response.status().as_u16(), status, "{body}");
    assert_eq!(body["__type"], code, "{body}");
    assert_eq!(
        response
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok()),
        Some(code),
        "{body}"
    );
    body["message"].as_str().unwrap_or_default().to_owned()
}

// ---------------------------------------------------------------------------------------
// The HTTP front door on a loopback port, spoken to with raw bytes.
// ---------------------------------------------------------------------------------------

/// Serves the generated router (over a handler that succeeds at GetId) on a free loopback
/// port, with `body_limit` when given.
async fn serve(body_limit: Option<usize>) -> (SocketAddr, TestHandler) {
    let handler = TestHandler::new();
    for _ in 0..4 {
        handler.succeed("GetId", fixtures::get_id_response());
    }
    let mut builder = Server::builder(Router::new(handler.clone()));
    if let Some(limit) = body_limit {
        builder = builder.body_limit(limit);
    }
    let server = builder.bind("127.0.0.1:0").await.expect("a free port");
    let addr = server.local_addr();
    tokio::spawn(server.serve_with_shutdown(std::future::pending()));
    (addr, handler)
}

/// A raw HTTP/1.1 awsJson request: `target` and `extra` header lines (each ending in CRLF)
/// written as given, so a test can send bytes no HTTP library would.
fn raw_http(target: &[u8], extra: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + extra.len() + 256);
    out.extend_from_slice(b"POST / HTTP/1.1\r\nhost: localhost\r\n");
    out.extend_from_slice(format!("content-type: {CONTENT_TYPE}\r\n").as_bytes());
    out.extend_from_slice(b"x-amz-target: ");
    out.extend_from_slice(target);
    out.extend_from_slice(format!("\r\ncontent-length: {}\r\n", body.len()).as_bytes());
    out.extend_from_slice(extra);
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// A response read off the wire.
struct RawAnswer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl RawAnswer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    fn assert_aws_error(&self, status: u16, code: &str) {
        let body = self.json();
        assert_eq!(self.status, status, "{}{body}", self.head);
        assert_eq!(body["__type"], code, "{body}");
        assert_eq!(self.header("x-amzn-errortype"), Some(code), "{}", self.head);
        assert!(self.header("x-amzn-requestid").is_some(), "{}", self.head);
    }
}

/// Sends `request` on a new connection and reads one response (its `Content-Length` body, or
/// up to the server closing). The request is written by another task while the answer is
/// read, so a server that answers before reading everything is still heard.
async fn exchange(addr: SocketAddr, request: Vec<u8>) -> RawAnswer {
    let stream = TcpStream::connect(addr).await.expect("connects");
    let (mut reader, mut writer) = stream.into_split();
    let writing = tokio::spawn(async move {
        // The server may close before it has read everything; that is its answer.
        let _ = writer.write_all(&request).await;
        writer
    });
    let mut buffer = Vec::new();
    let read = async {
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
                let length = head.lines().find_map(|line| {
                    let (k, v) = line.split_once(':')?;
                    k.trim()
                        .eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                });
                if length.is_some_and(|n| buffer.len() >= end + 4 + n) {
                    return;
                }
            }
            match reader.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), read)
        .await
        .expect("an answer within 30 s");
    drop(writing);
    let end = buffer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "a response head, got {:?}",
                String::from_utf8_lossy(&buffer)
            )
        });
    let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status line, got {head:?}"));
    RawAnswer {
        status,
        head,
        body: buffer[end + 4..].to_vec(),
    }
}

// ---------------------------------------------------------------------------------------
// A loopback endpoint that answers with raw bytes, for the client.
// ---------------------------------------------------------------------------------------

/// A loopback endpoint that answers every request with `head` (status line and headers,
/// written as given) and then `body` written `repeat` times; it then waits for the next
/// request, so a response that promises more than it sends leaves the connection open.
struct RawEndpoint {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    written: Arc<AtomicUsize>,
}

impl RawEndpoint {
    async fn start(head: Vec<u8>, body: Vec<u8>, repeat: usize) -> RawEndpoint {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().expect("its address");
        let requests = Arc::new(AtomicUsize::new(0));
        let written = Arc::new(AtomicUsize::new(0));
        let reply = Arc::new((head, body));
        let (counted, wrote) = (Arc::clone(&requests), Arc::clone(&written));
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (reply, counted, wrote) =
                    (Arc::clone(&reply), Arc::clone(&counted), Arc::clone(&wrote));
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    while read_request(&mut stream, &mut buffer).await {
                        counted.fetch_add(1, Ordering::SeqCst);
                        if stream.write_all(&reply.0).await.is_err() {
                            return;
                        }
                        for _ in 0..repeat {
                            if stream.write_all(&reply.1).await.is_err() {
                                return;
                            }
                            wrote.fetch_add(reply.1.len(), Ordering::SeqCst);
                        }
                    }
                });
            }
        });
        RawEndpoint {
            addr,
            requests,
            written,
        }
    }

    /// A JSON response with `status`, the given extra header lines and `body`.
    async fn json(status: u16, extra: &[u8], body: &[u8]) -> RawEndpoint {
        let mut head = format!(
            "HTTP/1.1 {status} Status\r\ncontent-type: {CONTENT_TYPE}\r\ncontent-length: {}\r\n",
            body.len()
        )
        .into_bytes();
        head.extend_from_slice(extra);
        head.extend_from_slice(b"\r\n");
        RawEndpoint::start(head, body.to_vec(), 1).await
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn body_bytes_written(&self) -> usize {
        self.written.load(Ordering::SeqCst)
    }
}

/// Reads one request (head and `Content-Length` body); false once the connection closes.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    buffer.drain(..head_end + length);
    true
}

/// A client of `url` over `transport`, signing with test credentials, with three quick
/// attempts (so a test sees whether a failure is retried).
fn client_of(url: &str, transport: HttpsTransport) -> Client {
    Client::new(
        Config::builder()
            .region("us-east-1")
            .endpoint_url(url)
            .credentials(test_credentials())
            .retry(
                RetryConfig::standard()
                    .with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
            )
            .transport(transport)
            .build(),
    )
}

/// Calls GetId; a call that hangs (a client waiting for a body that never comes) fails the
/// test after a minute instead of stalling the suite.
async fn get_id(client: &Client) -> Result<Option<String>, GetIdError> {
    let call = client.get_id(GetIdInput::new(POOL_ID));
    let output = tokio::time::timeout(Duration::from_secs(60), call)
        .await
        .expect("GetId ends within a minute")?;
    Ok(output.identity_id)
}

fn unhandled_get_id(err: &GetIdError) -> &UnhandledError {
    match err {
        GetIdError::Unhandled(e) => e,
        other => panic!("expected an unhandled error, got {other:?}"),
    }
}

fn unhandled_list(err: &ListIdentitiesError) -> &UnhandledError {
    match err {
        ListIdentitiesError::Unhandled(e) => e,
        other => panic!("expected an unhandled error, got {other:?}"),
    }
}

/// The kind of the transport error under `e`.
fn transport_kind(e: &UnhandledError) -> Option<TransportErrorKind> {
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    std::error::Error::source(e)?
        .downcast_ref::<TransportError>()
        .map(TransportError::kind)
}

/// Asserts that a GetId call failed because the response was larger than the client reads.
fn assert_response_too_large(err: &GetIdError) {
    assert_eq!(
        transport_kind(unhandled_get_id(err)),
        Some(TransportErrorKind::ResponseTooLarge),
        "{err}"
    );
}

/// A client whose calls are answered in memory with `status`, `body` and `headers` (raw bytes,
/// so not necessarily text), with retries off.
fn canned_client(status: u16, body: Vec<u8>, headers: &[(&'static str, &'static [u8])]) -> Client {
    let body = Bytes::from(body);
    let headers: Vec<(&'static str, &'static [u8])> = headers.to_vec();
    let transport = InMemoryTransport::from_fn(move |_, _| {
        let mut response = aws_json_runtime::base::http::json_response(status, body.clone());
        for (name, value) in &headers {
            let value = http::HeaderValue::from_bytes(value).expect("obs-text is a valid value");
            response.headers_mut().insert(*name, value);
        }
        Ok(response)
    });
    Client::new(
        Config::builder()
            .region("us-east-1")
            .credentials(test_credentials())
            .retry(RetryConfig::disabled())
            .transport(transport)
            .build(),
    )
}

// ---------------------------------------------------------------------------------------
// 1. JSON nesting depth.
// ---------------------------------------------------------------------------------------

#[test]
fn json_nested_past_127_levels_is_refused_anywhere_in_the_body() {
    // The top-level object is the first level.
    let deepest = get_id_with("Extra", &nested_arrays(MAX_JSON_DEPTH - 1));
    assert!(json_text(&deepest).is_ok());
    let too_deep = get_id_with("Extra", &nested_arrays(MAX_JSON_DEPTH));
    assert_eq!(json_text(&too_deep), Err(JsonTextError::TooDeep));
    // Brackets inside strings are text, and escaped quotes do not end a string.
    let in_string = get_id_with("Extra", &format!(r#""\"{}""#, "[".repeat(10_000)));
    assert!(json_text(&in_string).is_ok());
    run(async {
        let (response, handler) = route(router_request("GetId", deepest)).await;
        assert_eq!(response.status(), 200, "127 levels are read");
        assert_eq!(handler.call_count(), 1);
        let (response, handler) = route(router_request("GetId", too_deep)).await;
        let message = assert_aws_error(&response, 400, "SerializationException");
        assert!(message.contains("deeper than 127 levels"), "{message}");
        assert_eq!(handler.call_count(), 0);
    });
}

#[test]
fn a_request_10000_levels_deep_is_a_serialization_exception() {
    run(async {
        let (addr, handler) = serve(None).await;
        for body in [
            // In a member the model does not know (serde would skip it)...
            get_id_with("Extra", &nested_arrays(10_000)),
            // ...in a map member, and as the whole body.
            get_id_with("Logins", &"{\"a\":".repeat(10_000)),
            nested_arrays(10_000).into_bytes(),
        ] {
            let started = Instant::now();
            let answer = exchange(addr, raw_http(target("GetId").as_bytes(), b"", &body)).await;
            answer.assert_aws_error(400, "SerializationException");
            assert!(started.elapsed() < Duration::from_secs(30));
        }
        assert_eq!(handler.call_count(), 0);
    });
}

#[test]
fn a_response_10000_levels_deep_is_a_response_error() {
    run(async {
        let deep = get_id_with("Extra", &nested_arrays(10_000));
        let endpoint = RawEndpoint::json(200, b"", &deep).await;
        let client = client_of(&endpoint.url(), HttpsTransport::new());
        let err = get_id(&client).await.unwrap_err();
        let e = unhandled_get_id(&err);
        assert_eq!(e.kind(), ErrorKind::Response, "{err}");
        assert!(err.to_string().contains("deeper than 127 levels"), "{err}");
        assert_eq!(
            endpoint.requests(),
            1,
            "a malformed response is not retried"
        );

        // A modeled error whose body nests too deep cannot be read as that error.
        let body = format!(
            r#"{{"__type":"InvalidParameterException","message":"no","X":{}}}"#,
            nested_arrays(10_000)
        );
        let client = canned_client(400, body.into_bytes(), &[]);
        let err = get_id(&client).await.unwrap_err();
        let e = unhandled_get_id(&err);
        assert_eq!(e.kind(), ErrorKind::Response, "{err}");
        assert_eq!(e.code(), Some("InvalidParameterException"));
    });
}

// ---------------------------------------------------------------------------------------
// 2. Number sizes.
// ---------------------------------------------------------------------------------------

#[test]
fn integers_beyond_the_member_type_are_serialization_exceptions() {
    run(async {
        let digits = "9".repeat(100_000);
        for raw in [
            "2147483648",
            "-2147483649",
            "18446744073709551616",
            "1e400",
            "1.5",
            digits.as_str(),
        ] {
            let started = Instant::now();
            let request = router_request("ListIdentities", list_identities_with_max_results(raw));
            let (response, handler) = route(request).await;
            let message = assert_aws_error(&response, 400, "SerializationException");
            assert!(message.len() < 200, "{message}");
            assert!(started.elapsed() < Duration::from_secs(30), "{raw:.20}");
            assert_eq!(handler.call_count(), 0);
        }
        // In range for i32 but not the model's range: a validation error.
        let (response, _) = route(router_request(
            "ListIdentities",
            list_identities_with_max_results("61"),
        ))
        .await;
        assert_aws_error(&response, 400, "ValidationException");
        // A long member: `TokenDuration` is an i64.
        let body = |raw: &str| {
            format!(
                r#"{{"IdentityPoolId":"{POOL_ID}","Logins":{{"login.example.com":"user"}},"TokenDuration":{raw}}}"#
            )
        };
        let (response, _) = route(router_request(
            "GetOpenIdTokenForDeveloperIdentity",
            body("9223372036854775808"),
        ))
        .await;
        assert_aws_error(&response, 400, "SerializationException");
        let (response, _) = route(router_request(
            "GetOpenIdTokenForDeveloperIdentity",
            body("9223372036854775807"),
        ))
        .await;
        assert_aws_error(&response, 400, "ValidationException");
    });
}

#[test]
fn huge_numbers_in_unknown_members_are_skipped_quickly() {
    run(async {
        let digits = "7".repeat(100_000);
        for raw in [
            digits.clone(),
            format!("0.{digits}"),
            format!("1{digits}e-99999"),
            "1e400".to_owned(),
        ] {
            let started = Instant::now();
            let (response, handler) =
                route(router_request("GetId", get_id_with("Extra", &raw))).await;
            assert_eq!(response.status(), 200);
            assert_eq!(handler.call_count(), 1);
            assert!(started.elapsed() < Duration::from_secs(30));
        }
    });
}

#[test]
fn floats_out_of_range_are_typed_errors() {
    use aws_json_runtime::wire::{F64Format, FromWire};
    let read = |raw: &str| {
        serde_json::from_str::<std::collections::HashMap<String, FromWire<F64Format>>>(&format!(
            r#"{{"value":{raw}}}"#
        ))
        .map(|mut m| m.remove("value").map(|FromWire(v)| v).unwrap())
    };
    let err = read("1e400").unwrap_err();
    assert!(err.to_string().contains("out of range"), "{err}");
    assert!(read("-1e400").is_err());
    // A hundred thousand digits read in linear time to the nearest double.
    let started = Instant::now();
    let long = read(&format!("0.{}", "3".repeat(100_000))).unwrap();
    assert!((long - 1.0 / 3.0).abs() < 1e-15);
    assert!(read(&"9".repeat(100_000)).is_err(), "beyond f64::MAX");
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(read(r#""Infinity""#).unwrap().is_infinite());
}

#[test]
fn numbers_out_of_range_in_a_response_are_response_errors() {
    run(async {
        let digits = "9".repeat(100_000);
        for raw in ["1e400", "1e300", "-9.3e18", digits.as_str()] {
            let body = format!(
                r#"{{"Identities":[{{"IdentityId":"{IDENTITY_ID}","CreationDate":{raw}}}]}}"#
            );
            let client = canned_client(200, body.into_bytes(), &[]);
            let started = Instant::now();
            let err = client
                .list_identities(ListIdentitiesInput::new(POOL_ID, 10))
                .await
                .unwrap_err();
            let e = unhandled_list(&err);
            assert_eq!(e.kind(), ErrorKind::Response, "{err}");
            assert!(err.to_string().contains("range"), "{err}");
            assert!(started.elapsed() < Duration::from_secs(30));
        }
    });
}

// ---------------------------------------------------------------------------------------
// 3. String sizes.
// ---------------------------------------------------------------------------------------

/// A GetId body of exactly `size` bytes whose pool id is one long string.
fn get_id_of_size(size: usize, fill: &str) -> Vec<u8> {
    let frame = r#"{"IdentityPoolId":""}"#.len();
    let fill_count = (size - frame) / fill.len();
    let mut body = format!(r#"{{"IdentityPoolId":"{}"#, fill.repeat(fill_count)).into_bytes();
    body.resize(size - 2, b'a');
    body.extend_from_slice(br#""}"#);
    body
}

#[test]
fn a_string_as_large_as_the_body_limit_is_held_to_its_length_constraint() {
    run(async {
        // Plain text, and escapes that decode to fewer bytes: both copied a few times at most.
        for fill in ["a", r"\u00e9", r#"\""#] {
            let body = get_id_of_size(DEFAULT_BODY_LIMIT, fill);
            assert_eq!(body.len(), DEFAULT_BODY_LIMIT);
            let size = body.len() as u64;
            let request = router_request("GetId", body);
            let started = Instant::now();
            let (bytes, (response, handler)) = allocated(route(request)).await;
            let message = assert_aws_error(&response, 400, "ValidationException");
            assert!(
                message.contains("length less than or equal to 55"),
                "{message}"
            );
            // The pattern violation quotes the first 128 characters only.
            assert!(message.len() < 1024, "the report does not echo the value");
            assert_eq!(handler.call_count(), 0);
            assert!(
                bytes < 3 * size,
                "{fill}: {bytes} bytes allocated for a {size}-byte body"
            );
            // Linear, but the pattern is still checked over the whole string: a few seconds
            // in a debug build, a few hundred milliseconds in a release build.
            assert!(started.elapsed() < Duration::from_secs(30));
        }
        // The same string in a member the model does not know is skipped, not copied.
        let long = "b".repeat(DEFAULT_BODY_LIMIT - 200);
        let request = router_request("GetId", get_id_with("Extra", &format!("\"{long}\"")));
        let (bytes, (response, _)) = allocated(route(request)).await;
        assert_eq!(response.status(), 200);
        assert!(bytes < 64 * 1024, "{bytes} bytes allocated");
    });
}

#[test]
fn a_string_at_its_model_maximum_is_accepted_and_one_more_is_not() {
    run(async {
        // `IdentityProviderToken` (a `Logins` value) is 1 to 50,000 characters; a
        // two-byte character counts as one.
        for (token, ok) in [
            ("t".repeat(50_000), true),
            ("é".repeat(50_000), true),
            ("t".repeat(50_001), false),
        ] {
            let logins = format!(r#"{{"login.example.com":"{token}"}}"#);
            let (response, handler) =
                route(router_request("GetId", get_id_with("Logins", &logins))).await;
            if ok {
                assert_eq!(response.status(), 200);
                assert_eq!(handler.call_count(), 1);
            } else {
                let message = assert_aws_error(&response, 400, "ValidationException");
                assert!(message.contains("50000"), "{message}");
            }
        }
    });
}

#[test]
fn a_large_string_in_a_response_is_read_with_few_copies() {
    run(async {
        let size = 16 * 1024 * 1024;
        let id = "i".repeat(size);
        let body = format!(r#"{{"IdentityId":"{id}"}}"#).into_bytes();
        drop(id);
        let endpoint = RawEndpoint::json(200, b"", &body).await;
        drop(body);
        let client = client_of(&endpoint.url(), HttpsTransport::new());
        let started = Instant::now();
        let (bytes, result) = allocated(get_id(&client)).await;
        assert_eq!(result.unwrap().map(|id| id.len()), Some(size));
        // The wire chunks, the collected body and the string: about three copies.
        assert!(
            bytes < 5 * size as u64,
            "{bytes} bytes allocated for {size}"
        );
        assert!(started.elapsed() < Duration::from_secs(30));
    });
}

// ---------------------------------------------------------------------------------------
// 4. Body size.
// ---------------------------------------------------------------------------------------

#[test]
fn a_request_body_over_the_limit_is_413_before_it_is_read() {
    run(async {
        let (addr, handler) = serve(None).await;
        // Exactly at the default limit: read, and held to the model.
        let at_limit = get_id_of_size(DEFAULT_BODY_LIMIT, "a");
        let answer = exchange(addr, raw_http(target("GetId").as_bytes(), b"", &at_limit)).await;
        answer.assert_aws_error(400, "ValidationException");
        // One byte more is refused from the declared length alone: the body is never sent.
        let mut head = raw_http(target("GetId").as_bytes(), b"", b"");
        let declared = format!("content-length: {}", DEFAULT_BODY_LIMIT + 1);
        let head_text = String::from_utf8(head.clone())
            .unwrap()
            .replace("content-length: 0", &declared);
        head.clear();
        head.extend_from_slice(head_text.as_bytes());
        let answer = exchange(addr, head).await;
        answer.assert_aws_error(413, "RequestEntityTooLargeException");
        assert_eq!(answer.header("connection"), Some("close"));
        assert!(answer.json()["message"]
            .as_str()
            .unwrap()
            .contains(&DEFAULT_BODY_LIMIT.to_string()));
        assert_eq!(handler.call_count(), 0);
    });
}

#[test]
fn a_configured_body_limit_and_the_gzip_bound_are_held() {
    run(async {
        let (addr, handler) = serve(Some(1024)).await;
        let fits = get_id_with("Extra", &format!("\"{}\"", "x".repeat(900)));
        let answer = exchange(addr, raw_http(target("GetId").as_bytes(), b"", &fits)).await;
        assert_eq!(answer.status, 200, "{}", answer.head);
        let over = get_id_with("Extra", &format!("\"{}\"", "x".repeat(1000)));
        let answer = exchange(addr, raw_http(target("GetId").as_bytes(), b"", &over)).await;
        answer.assert_aws_error(413, "RequestEntityTooLargeException");
        // A small gzip body that inflates past the limit is stopped at the limit.
        let inflating = get_id_with("Extra", &format!("\"{}\"", "x".repeat(64 * 1024)));
        let gzipped = gzip(&inflating);
        assert!(gzipped.len() < 1024);
        let request = raw_http(
            target("GetId").as_bytes(),
            b"content-encoding: gzip\r\n",
            &gzipped,
        );
        let answer = exchange(addr, request).await;
        answer.assert_aws_error(413, "RequestEntityTooLargeException");
        assert_eq!(handler.call_count(), 1);

        // The router alone holds a gzip body to the limit in its request: a 32 KiB body that
        // would inflate to 32 MiB costs no more than the limit.
        let bomb = gzip(&vec![b' '; 32 << 20]);
        assert!(bomb.len() < 64 * 1024);
        let mut request = router_request("GetId", bomb);
        request
            .headers_mut()
            .insert("content-encoding", http::HeaderValue::from_static("gzip"));
        request.extensions_mut().insert(BodyLimit(1 << 20));
        let (bytes, (response, _)) = allocated(route(request)).await;
        assert_aws_error(&response, 413, "RequestEntityTooLargeException");
        assert!(bytes < 4 << 20, "{bytes} bytes allocated");
    });
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("compresses in memory");
    encoder.finish().expect("compresses in memory")
}

#[test]
fn a_response_declaring_more_than_the_client_limit_fails_before_reading() {
    run(async {
        // The head promises one byte over the default limit and no body follows: the
        // client must not wait for it.
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {CONTENT_TYPE}\r\ncontent-length: {}\r\n\r\n",
            DEFAULT_MAX_RESPONSE_BODY + 1
        );
        let endpoint = RawEndpoint::start(head.into_bytes(), Vec::new(), 0).await;
        let client = client_of(&endpoint.url(), HttpsTransport::new());
        let started = Instant::now();
        let err = get_id(&client).await.unwrap_err();
        assert_response_too_large(&err);
        assert!(err.to_string().contains("67108864"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(30));
        assert_eq!(endpoint.requests(), 1, "not retried");
    });
}

#[test]
fn a_streamed_response_over_the_client_limit_is_cut_off() {
    run(async {
        let limit = 1024 * 1024;
        // 256 MiB of chunked body, 64 KiB a chunk, if the client read it all.
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {CONTENT_TYPE}\r\ntransfer-encoding: chunked\r\n\r\n"
        );
        let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
        chunk.extend(std::iter::repeat_n(b' ', 64 * 1024));
        chunk.extend_from_slice(b"\r\n");
        let endpoint = RawEndpoint::start(head.into_bytes(), chunk, 4096).await;
        let transport = HttpsTransport::builder().max_response_body(limit).build();
        let client = client_of(&endpoint.url(), transport);
        let (bytes, result) = allocated(get_id(&client)).await;
        let err = result.unwrap_err();
        assert_response_too_large(&err);
        assert!(bytes < 8 * limit as u64, "{bytes} bytes allocated");
        // Give the endpoint a moment to notice the closed connection.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            endpoint.body_bytes_written() < 64 * 1024 * 1024,
            "{} bytes were sent",
            endpoint.body_bytes_written()
        );
        assert_eq!(endpoint.requests(), 1, "not retried");

        // A response exactly at the limit is read.
        let mut body = format!(r#"{{"IdentityId":"{IDENTITY_ID}","Pad":""#).into_bytes();
        body.resize(limit - 2, b'p');
        body.extend_from_slice(br#""}"#);
        let endpoint = RawEndpoint::json(200, b"", &body).await;
        let transport = HttpsTransport::builder().max_response_body(limit).build();
        let id = get_id(&client_of(&endpoint.url(), transport))
            .await
            .unwrap();
        assert_eq!(id.as_deref(), Some(IDENTITY_ID));
    });
}

// ---------------------------------------------------------------------------------------
// 5. Header count and size.
// ---------------------------------------------------------------------------------------

/// `n` header lines `x-filler-i: v`.
fn filler_headers(n: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|i| format!("x-filler-{i}: v\r\n").into_bytes())
        .collect()
}

#[test]
fn request_headers_past_hypers_limits_get_431() {
    run(async {
        let (addr, _) = serve(None).await;
        let body = get_id_with("Extra", "1");
        let target = target("GetId");
        // The request carries four headers of its own; 100 in all are read.
        let answer = exchange(
            addr,
            raw_http(target.as_bytes(), &filler_headers(96), &body),
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.head);
        let answer = exchange(
            addr,
            raw_http(target.as_bytes(), &filler_headers(97), &body),
        )
        .await;
        assert_eq!(answer.status, 431, "{}", answer.head);
        // A head of up to about 400 KiB is read; more is refused.
        let big = |size: usize| format!("x-big: {}\r\n", "v".repeat(size)).into_bytes();
        let answer = exchange(addr, raw_http(target.as_bytes(), &big(300 * 1024), &body)).await;
        assert_eq!(answer.status, 200, "{}", answer.head);
        let answer = exchange(addr, raw_http(target.as_bytes(), &big(512 * 1024), &body)).await;
        assert_eq!(answer.status, 431, "{}", answer.head);
    });
}

#[test]
fn response_headers_past_the_clients_limits_are_typed_errors() {
    run(async {
        let ok = format!(r#"{{"IdentityId":"{IDENTITY_ID}"}}"#);
        // 100 headers in all are read (the endpoint writes two of its own).
        let endpoint = RawEndpoint::json(200, &filler_headers(98), ok.as_bytes()).await;
        let id = get_id(&client_of(&endpoint.url(), HttpsTransport::new())).await;
        assert_eq!(id.unwrap().as_deref(), Some(IDENTITY_ID));
        let huge_value = format!("x-big: {}\r\n", "v".repeat(1024 * 1024)).into_bytes();
        for extra in [filler_headers(5000), filler_headers(99), huge_value] {
            let endpoint = RawEndpoint::json(200, &extra, ok.as_bytes()).await;
            let client = client_of(&endpoint.url(), HttpsTransport::new());
            let started = Instant::now();
            let err = get_id(&client).await.unwrap_err();
            assert_response_too_large(&err);
            assert!(err.to_string().contains("too large"), "{err}");
            assert_eq!(endpoint.requests(), 1, "not retried");
            assert!(started.elapsed() < Duration::from_secs(30));
        }
    });
}

// ---------------------------------------------------------------------------------------
// 6. Invalid UTF-8.
// ---------------------------------------------------------------------------------------

#[test]
fn invalid_utf8_in_a_request_body_is_a_serialization_exception() {
    run(async {
        let mut in_known = br#"{"IdentityPoolId":"us-east-1:"#.to_vec();
        in_known.extend_from_slice(b"\xff\xfe\"}");
        let mut in_unknown = get_id_with("Extra", "\"ok\"");
        in_unknown.splice(in_unknown.len() - 3..in_unknown.len() - 3, *b"\xc3\x28");
        let mut in_key = br#"{"IdentityPoolId":"x","#.to_vec();
        in_key.extend_from_slice(b"\"\xed\xa0\x80\":1}");
        for body in [in_known, in_unknown, in_key] {
            let (response, handler) = route(router_request("GetId", body.clone())).await;
            let message = assert_aws_error(&response, 400, "SerializationException");
            assert!(message.contains("UTF-8"), "{message}");
            assert_eq!(handler.call_count(), 0);
        }
        let (addr, _) = serve(None).await;
        let body = b"{\"IdentityPoolId\":\"\x80\"}";
        let answer = exchange(addr, raw_http(target("GetId").as_bytes(), b"", body)).await;
        answer.assert_aws_error(400, "SerializationException");
    });
}

#[test]
fn invalid_utf8_in_x_amz_target_is_an_unknown_operation() {
    run(async {
        for bad in [
            &b"AWSCognitoIdentityService.GetId\xff"[..],
            "AWSCognitoIdentityService.GétId".as_bytes(),
        ] {
            let mut request = router_request("GetId", get_id_with("Extra", "1"));
            request.headers_mut().insert(
                "x-amz-target",
                http::HeaderValue::from_bytes(bad).expect("obs-text is a valid value"),
            );
            let (response, handler) = route(request).await;
            assert_aws_error(&response, 400, "UnknownOperationException");
            assert_eq!(handler.call_count(), 0, "no lossy match to GetId");
        }
        let (addr, handler) = serve(None).await;
        let body = get_id_with("Extra", "1");
        let answer = exchange(
            addr,
            raw_http(b"AWSCognitoIdentityService.GetId\xff", b"", &body),
        )
        .await;
        answer.assert_aws_error(400, "UnknownOperationException");
        // Other header values that are not text do not matter to the server.
        let answer = exchange(
            addr,
            raw_http(target("GetId").as_bytes(), b"x-note: caf\xe9\r\n", &body),
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.head);
        assert_eq!(handler.call_count(), 1);
    });
}

#[test]
fn invalid_utf8_in_a_response_body_is_a_response_error() {
    run(async {
        let mut in_unknown = get_id_with("Extra", "\"ok\"");
        in_unknown.splice(in_unknown.len() - 3..in_unknown.len() - 3, *b"\xff");
        let mut in_known = br#"{"IdentityId":"us-east-1:"#.to_vec();
        in_known.extend_from_slice(b"\xc0\xaf\"}");
        for body in [in_unknown, in_known] {
            let err = get_id(&canned_client(200, body, &[])).await.unwrap_err();
            let e = unhandled_get_id(&err);
            assert_eq!(e.kind(), ErrorKind::Response, "{err}");
            assert!(err.to_string().contains("UTF-8"), "{err}");
        }
        // An error body that is not UTF-8 cannot be read as the modeled error either: its
        // code still shows when it is readable...
        let mut body = br#"{"__type":"InvalidParameterException","X":""#.to_vec();
        body.extend_from_slice(b"\xff\"}");
        let err = get_id(&canned_client(400, body, &[])).await.unwrap_err();
        let e = unhandled_get_id(&err);
        assert_eq!(e.kind(), ErrorKind::Response, "{err}");
        assert_eq!(e.code(), Some("InvalidParameterException"));
        // ...and when the broken text is in what names the error, nothing is named.
        let mut body = br#"{"__type":"InvalidParameterException","message":""#.to_vec();
        body.extend_from_slice(b"\xff\"}");
        let err = get_id(&canned_client(400, body, &[])).await.unwrap_err();
        let e = unhandled_get_id(&err);
        assert_eq!(
            (e.kind(), e.code(), e.status()),
            (ErrorKind::Service, None, Some(400))
        );
    });
}

#[test]
fn invalid_utf8_in_response_headers_is_never_taken_for_a_code_or_an_id() {
    run(async {
        let error_body = br#"{"__type":"InvalidParameterException","message":"bad pool"}"#.to_vec();
        // A garbled error type gives way to the body's `__type`.
        let client = canned_client(
            400,
            error_body,
            &[
                ("x-amzn-errortype", b"ResourceNotFoundException\xff"),
                ("x-amzn-requestid", b"req-\xff"),
            ],
        );
        match get_id(&client).await.unwrap_err() {
            GetIdError::InvalidParameterException(e) => {
                assert_eq!(e.request_id(), None, "not a lossy copy of the id");
            }
            other => panic!("expected InvalidParameterException, got {other:?}"),
        }
        // With nothing else naming the error, it is an unhandled service error without a code.
        let client = canned_client(400, b"{}".to_vec(), &[("x-amzn-errortype", b"\xc3\x28")]);
        let err = get_id(&client).await.unwrap_err();
        let e = unhandled_get_id(&err);
        assert_eq!(
            (e.kind(), e.code(), e.status()),
            (ErrorKind::Service, None, Some(400))
        );
        // A success with a garbled request id is still a success.
        let ok = format!(r#"{{"IdentityId":"{IDENTITY_ID}"}}"#).into_bytes();
        let client = canned_client(200, ok, &[("x-amzn-requestid", b"\xfe\xff")]);
        assert_eq!(get_id(&client).await.unwrap().as_deref(), Some(IDENTITY_ID));
    });
}

/// A sender that stops halfway through its body is answered with 408 once the body timeout
/// has passed, and its connection closed: a slow client cannot hold a connection for ever.
#[test]
fn a_body_that_stops_arriving_is_a_request_timeout() {
    run(async {
        let server = Server::builder(Router::new(TestHandler::new()))
            .body_timeout(Duration::from_millis(300))
            .bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let addr = server.local_addr();
        tokio::spawn(server.serve_with_shutdown(std::future::pending()));

        let body = get_id_with("AccountId", "\"123456789012\"");
        let mut request = raw_http(b"AWSCognitoIdentityService.GetId", b"", &body);
        // The head promises the whole body; half of it never comes.
        request.truncate(request.len() - body.len() / 2);
        let started = Instant::now();
        let answer = exchange(addr, request).await;
        answer.assert_aws_error(408, "RequestTimeoutException");
        assert_eq!(
            answer.header("connection"),
            Some("close"),
            "{}",
            answer.head
        );
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(300) && waited < Duration::from_secs(10),
            "answered after {waited:?}"
        );
    });
}
