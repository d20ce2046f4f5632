//! The HTTP front door (`aws_json_runtime::server::http_server`) over real loopback TCP: the generated
//! router served by hyper, checked the way an AWS endpoint behaves: keep-alive, only
//! `POST /` with an awsJson content type, a body limit that holds for declared, streamed and
//! gzip-inflated bodies, a request id on every response, awsJson error headers, graceful
//! shutdown, and the same front door as a `tower::Service`.
//!
//! Requests go out through hyper's client on one connection (so keep-alive is observable), or
//! as raw bytes on a TCP socket where the test must control exactly what is sent.

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use aws_json_runtime::server::http_server::{RequestLog, Server, DEFAULT_BODY_LIMIT};
use aws_json_runtime::{HttpRequest, HttpResponse, HttpService};
use bytes::Bytes;
use cognito_identity::types::*;
use cognito_identity::Router;
use http_body::Frame;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tests::fixtures::{self, POOL_ID};
use tests::{target, TestHandler, CONTENT_TYPE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

/// A running server and what a test needs to talk to it and stop it.
struct Running {
    addr: SocketAddr,
    handler: TestHandler,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Asks the server to shut down and waits until it has (a generous bound, so a hang fails
    /// the test instead of stalling the suite).
    async fn shut_down(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(30), &mut self.done)
            .await
            .expect("the server shuts down")
            .expect("the server task does not panic")
            .expect("serving ends without an error");
    }
}

/// Serves the generated router over a fresh [`TestHandler`] on a free loopback port.
async fn serve_router(limit: usize) -> Running {
    let handler = TestHandler::new();
    let builder = Server::builder(Router::new(handler.clone())).body_limit(limit);
    start(builder, handler).await
}

async fn start<S: HttpService>(
    builder: aws_json_runtime::server::http_server::ServerBuilder<S>,
    handler: TestHandler,
) -> Running {
    let server = builder
        .bind("127.0.0.1:0")
        .await
        .expect("binds a free port");
    let addr = server.local_addr();
    assert_eq!(server.url(), format!("http://{addr}"));
    let (stop, stopped) = oneshot::channel::<()>();
    let done = tokio::spawn(server.serve_with_shutdown(async {
        let _ = stopped.await;
    }));
    Running {
        addr,
        handler,
        stop: Some(stop),
        done,
    }
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

/// One HTTP/1.1 connection to `addr`; every request sent through it uses that connection.
async fn connect(addr: SocketAddr) -> Sender {
    let stream = TcpStream::connect(addr).await.expect("connects");
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("HTTP/1.1 handshake");
    tokio::spawn(connection);
    sender
}

/// A whole response: status, headers and body.
struct Answer {
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts an awsJson error: `status`, `__type` and `X-Amzn-ErrorType` both `code`.
    fn assert_error(&self, status: u16, code: &str) {
        let body = self.json();
        assert_eq!(self.status, status, "{body}");
        assert_eq!(body["__type"], code, "{body}");
        assert_eq!(self.header("x-amzn-errortype"), Some(code), "{body}");
        assert!(body["message"].is_string(), "{body}");
    }
}

async fn send(sender: &mut Sender, request: http::Request<Full<Bytes>>) -> Answer {
    sender.ready().await.expect("the connection is open");
    let response = sender.send_request(request).await.expect("a response");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("the response body")
        .to_bytes();
    Answer {
        status,
        headers,
        body,
    }
}

/// An awsJson request for `op` with `body`.
fn call(op: &str, body: impl Into<Bytes>) -> http::Request<Full<Bytes>> {
    http::Request::builder()
        .method("POST")
        .uri("/")
        .header("host", "localhost")
        .header("content-type", CONTENT_TYPE)
        .header("x-amz-target", target(op))
        .body(Full::new(body.into()))
        .expect("a valid request")
}

fn get_id_body() -> String {
    json!({ "IdentityPoolId": POOL_ID }).to_string()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("compresses in memory");
    encoder.finish().expect("compresses in memory")
}

/// True for a version 4 UUID in its usual text form.
fn is_uuid_v4(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    lengths == [8, 4, 4, 4, 12]
        && text.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
        && groups[2].starts_with('4')
}

#[tokio::test]
async fn two_requests_share_one_keep_alive_connection() {
    let server = serve_router(DEFAULT_BODY_LIMIT).await;
    server.handler.succeed("GetId", fixtures::get_id_response());
    server.handler.succeed("GetId", fixtures::get_id_response());
    let mut sender = connect(server.addr).await;
    let first = send(&mut sender, call("GetId", get_id_body())).await;
    let second = send(&mut sender, call("GetId", get_id_body())).await;
    for answer in [&first, &second] {
        assert_eq!(answer.status, 200, "{}", answer.json());
        assert_eq!(
            answer.json(),
            serde_json::to_value(fixtures::get_id_response()).unwrap()
        );
        assert_eq!(answer.header("content-type"), Some(CONTENT_TYPE));
        assert_ne!(answer.header("connection"), Some("close"));
    }
    assert_eq!(server.handler.call_count(), 2);
    server.shut_down().await;
}

#[tokio::test]
async fn only_post_to_the_root_with_an_awsjson_content_type_gets_through() {
    let server = serve_router(DEFAULT_BODY_LIMIT).await;
    let mut sender = connect(server.addr).await;

    let mut get = call("GetId", get_id_body());
    *get.method_mut() = http::Method::GET;
    let answer = send(&mut sender, get).await;
    answer.assert_error(405, "UnknownOperationException");
    assert_eq!(answer.header("allow"), Some("POST"));

    let mut elsewhere = call("GetId", get_id_body());
    *elsewhere.uri_mut() = "/2014-06-30/identities".parse().unwrap();
    send(&mut sender, elsewhere)
        .await
        .assert_error(404, "UnknownOperationException");

    let mut plain = call("GetId", get_id_body());
    plain
        .headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    let answer = send(&mut sender, plain).await;
    answer.assert_error(415, "UnsupportedMediaTypeException");
    assert!(answer.json()["message"]
        .as_str()
        .unwrap()
        .contains("application/x-amz-json-1.1"));

    let mut untyped = call("GetId", get_id_body());
    untyped.headers_mut().remove("content-type");
    send(&mut sender, untyped)
        .await
        .assert_error(415, "UnsupportedMediaTypeException");

    // The 1.0 content type and parameters are accepted; the router then answers.
    let mut one_oh = call("NoSuchOperation", "{}");
    one_oh.headers_mut().insert(
        "content-type",
        "application/x-amz-json-1.0; charset=utf-8".parse().unwrap(),
    );
    send(&mut sender, one_oh)
        .await
        .assert_error(400, "UnknownOperationException");

    assert_eq!(server.handler.call_count(), 0);
    server.shut_down().await;
}

#[tokio::test]
async fn every_response_carries_a_fresh_request_id() {
    let server = serve_router(DEFAULT_BODY_LIMIT).await;
    server.handler.succeed("GetId", fixtures::get_id_response());
    let mut sender = connect(server.addr).await;
    let mut get = call("GetId", "{}");
    *get.method_mut() = http::Method::GET;
    let answers = [
        send(&mut sender, call("GetId", get_id_body())).await,
        send(&mut sender, call("GetId", "{}")).await,
        send(&mut sender, call("DescribeIdentityPool", "{not json")).await,
        send(&mut sender, get).await,
    ];
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [200, 400, 400, 405]);
    let mut ids: Vec<&str> = answers
        .iter()
        .map(|a| a.header("x-amzn-requestid").expect("a request id"))
        .collect();
    assert!(ids.iter().all(|id| is_uuid_v4(id)), "{ids:?}");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), answers.len(), "request ids are unique");
    server.shut_down().await;
}

#[tokio::test]
async fn router_errors_keep_their_awsjson_form_over_http() {
    let server = serve_router(DEFAULT_BODY_LIMIT).await;
    let mut sender = connect(server.addr).await;
    send(&mut sender, call("GetId", r#"{"IdentityPoolId":"bad"}"#))
        .await
        .assert_error(400, "ValidationException");
    send(&mut sender, call("GetId", "[1]"))
        .await
        .assert_error(400, "SerializationException");
    // The handler has no reply queued, so it answers with an error the model does not name.
    send(&mut sender, call("GetId", get_id_body()))
        .await
        .assert_error(400, tests::NOT_SCRIPTED);
    server.shut_down().await;
}

#[tokio::test]
async fn every_missing_required_member_is_reported_at_once_at_any_depth() {
    let server = serve_router(DEFAULT_BODY_LIMIT).await;
    let mut sender = connect(server.addr).await;
    // Two members missing at the top; in a role mapping rule two more, one of them null.
    let body = json!({
        "Roles": { "authenticated": fixtures::AUTH_ROLE },
        "RoleMappings": { "graph.facebook.com": {
            "Type": "Rules",
            "RulesConfiguration": { "Rules": [
                { "Claim": "sub", "MatchType": "Equals", "Value": "x", "RoleARN": fixtures::AUTH_ROLE },
                { "Claim": "sub", "MatchType": null, "Value": "x" }
            ] }
        } }
    });
    let answer = send(&mut sender, call("SetIdentityPoolRoles", body.to_string())).await;
    answer.assert_error(400, "ValidationException");
    assert_eq!(
        answer.json()["message"],
        "3 validation errors detected: \
         Value null at 'identityPoolId' failed to satisfy constraint: Member must not be null; \
         Value null at 'roleMappings.graph.facebook.com.member.rulesConfiguration.rules.2.member.matchType' failed to satisfy constraint: Member must not be null; \
         Value null at 'roleMappings.graph.facebook.com.member.rulesConfiguration.rules.2.member.roleARN' failed to satisfy constraint: Member must not be null"
    );
    let answer = send(&mut sender, call("CreateIdentityPool", "{}")).await;
    assert_eq!(
        answer.json()["message"],
        "2 validation errors detected: \
         Value null at 'identityPoolName' failed to satisfy constraint: Member must not be null; \
         Value null at 'allowUnauthenticatedIdentities' failed to satisfy constraint: Member must not be null"
    );
    // A value of the wrong JSON type is a serialization error, even beside a missing member.
    let answer = send(
        &mut sender,
        call(
            "CreateIdentityPool",
            r#"{"AllowUnauthenticatedIdentities":"yes"}"#,
        ),
    )
    .await;
    answer.assert_error(400, "SerializationException");
    assert!(answer.json()["message"]
        .as_str()
        .unwrap()
        .contains("allowUnauthenticatedIdentities"));
    assert_eq!(server.handler.call_count(), 0);
    server.shut_down().await;
}

#[tokio::test]
async fn validation_reports_stay_small_whatever_the_input() {
    let server = serve_router(DEFAULT_BODY_LIMIT).await;
    let mut sender = connect(server.addr).await;
    // 100 000 bad ids in a list limited to 60: the length is reported, the ids are not.
    let ids: Vec<String> = (0..100_000).map(|i| format!("bad id {i}")).collect();
    let body = json!({ "IdentityIdsToDelete": ids }).to_string();
    let answer = send(&mut sender, call("DeleteIdentities", body)).await;
    answer.assert_error(400, "ValidationException");
    assert_eq!(
        answer.json()["message"],
        "1 validation error detected: Value at 'identityIdsToDelete' failed to satisfy constraint: \
         Member must have length less than or equal to 60"
    );
    // Thousands of rules each missing every member: the report stops at the cap.
    let rules: Vec<Value> = (0..5_000).map(|_| json!({})).collect();
    let body = json!({
        "IdentityPoolId": POOL_ID,
        "Roles": {},
        "RoleMappings": { "graph.facebook.com": { "Type": "Rules", "RulesConfiguration": { "Rules": rules } } }
    });
    let answer = send(&mut sender, call("SetIdentityPoolRoles", body.to_string())).await;
    answer.assert_error(400, "ValidationException");
    let message = answer.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.starts_with(&format!(
            "{} validation errors detected: ",
            aws_json_runtime::wire::validate::MAX_VIOLATIONS
        )),
        "{message}"
    );
    assert!(answer.body.len() < 16 * 1024, "{} bytes", answer.body.len());
    server.shut_down().await;
}

#[tokio::test]
async fn a_declared_body_over_the_limit_is_refused_before_it_is_sent() {
    let server = serve_router(1024).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    // The headers promise 10 MiB, and no byte of it follows: the answer must not wait for it.
    let head = format!(
        "POST / HTTP/1.1\r\nhost: localhost\r\ncontent-type: {CONTENT_TYPE}\r\n\
         x-amz-target: {}\r\ncontent-length: {}\r\n\r\n",
        target("GetId"),
        10 << 20
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let response = read_until_closed(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 413 "), "{response}");
    assert!(
        response.contains("RequestEntityTooLargeException"),
        "{response}"
    );
    assert!(response.to_ascii_lowercase().contains("x-amzn-requestid: "));
    assert_eq!(server.handler.call_count(), 0);
    server.shut_down().await;
}

#[tokio::test]
async fn a_streamed_body_over_the_limit_is_cut_off() {
    let server = serve_router(64 * 1024).await;
    let stream = TcpStream::connect(server.addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST / HTTP/1.1\r\nhost: localhost\r\ncontent-type: {CONTENT_TYPE}\r\n\
         x-amz-target: {}\r\ntransfer-encoding: chunked\r\n\r\n",
        target("GetId"),
    );
    writer.write_all(head.as_bytes()).await.unwrap();
    // Chunks keep coming (up to 256 MiB, a bound for the test) until the server hangs up.
    let feeder = tokio::spawn(async move {
        let chunk = format!("{:x}\r\n{}\r\n", 16 * 1024, " ".repeat(16 * 1024));
        let mut sent = 0usize;
        while sent < 256 << 20 {
            if writer.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
            sent += 16 * 1024;
        }
        sent
    });
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), reader.read_to_end(&mut response)).await;
    let response = String::from_utf8_lossy(&response).into_owned();
    assert!(response.starts_with("HTTP/1.1 413 "), "{response}");
    assert!(
        response.contains("RequestEntityTooLargeException"),
        "{response}"
    );
    let sent = feeder.await.unwrap();
    assert!(sent < 256 << 20, "the server kept reading: {sent} bytes");
    assert_eq!(server.handler.call_count(), 0);
    server.shut_down().await;
}

/// Reads everything the server sends until it closes the connection (bounded in time).
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut response)).await;
    String::from_utf8_lossy(&response).into_owned()
}

/// A request body with no declared length, so hyper sends it chunked: `first`, then
/// `chunks` copies of `chunk`.
struct Chunked {
    first: Option<Bytes>,
    chunks: usize,
    chunk: Bytes,
}

impl http_body::Body for Chunked {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        if self.chunks == 0 {
            return Poll::Ready(None);
        }
        self.chunks -= 1;
        Poll::Ready(Some(Ok(Frame::data(self.chunk.clone()))))
    }
}

#[tokio::test]
async fn a_chunked_body_within_the_limit_is_served() {
    let server = serve_router(DEFAULT_BODY_LIMIT).await;
    server.handler.succeed("GetId", fixtures::get_id_response());
    let stream = TcpStream::connect(server.addr).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake::<_, Chunked>(TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(connection);
    // The JSON, then 1000 chunks of spaces after it (whitespace after JSON is allowed).
    let body = Chunked {
        first: Some(Bytes::from(get_id_body())),
        chunks: 1000,
        chunk: Bytes::from(" ".repeat(100)),
    };
    let request = http::Request::builder()
        .method("POST")
        .uri("/")
        .header("host", "localhost")
        .header("content-type", CONTENT_TYPE)
        .header("x-amz-target", target("GetId"))
        .body(body)
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.handler.call_count(), 1);
    server.shut_down().await;
}

#[tokio::test]
async fn a_gzip_body_is_decoded_and_a_gzip_bomb_is_refused_quickly() {
    let server = serve_router(DEFAULT_BODY_LIMIT).await;
    server.handler.succeed("GetId", fixtures::get_id_response());
    let mut sender = connect(server.addr).await;

    let mut zipped = call("GetId", gzip(get_id_body().as_bytes()));
    zipped
        .headers_mut()
        .insert("content-encoding", "gzip".parse().unwrap());
    let answer = send(&mut sender, zipped).await;
    assert_eq!(answer.status, 200, "{}", answer.json());
    let inputs: Vec<GetIdInput> = server.handler.inputs("GetId");
    assert_eq!(inputs, [GetIdInput::new(POOL_ID)]);

    // 1024 gzip members of 1 MiB of spaces each: about 1 MiB on the wire, under the limit,
    // and 1 GiB decoded.
    let member = {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b' '; 1 << 20]).unwrap();
        encoder.finish().unwrap()
    };
    let bomb = member.repeat(1024);
    assert!(bomb.len() < DEFAULT_BODY_LIMIT, "{} bytes", bomb.len());
    let mut request = call("GetId", bomb);
    request
        .headers_mut()
        .insert("content-encoding", "gzip".parse().unwrap());
    let started = Instant::now();
    let mut sender = connect(server.addr).await;
    let answer = send(&mut sender, request).await;
    answer.assert_error(413, "RequestEntityTooLargeException");
    // Decoding stops at the 4 MiB limit instead of inflating the whole gigabyte.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.handler.call_count(), 1);
    server.shut_down().await;
}

/// A service that answers after a pause, and says when a request has arrived.
struct Slow {
    arrived: Mutex<Option<oneshot::Sender<()>>>,
    pause: Duration,
}

impl HttpService for Slow {
    async fn call(&self, _request: HttpRequest) -> HttpResponse {
        if let Some(arrived) = self.arrived.lock().unwrap().take() {
            let _ = arrived.send(());
        }
        tokio::time::sleep(self.pause).await;
        http::Response::new(Bytes::from_static(b"{\"done\":true}"))
    }
}

#[tokio::test]
async fn graceful_shutdown_finishes_the_request_in_flight() {
    let (arrived_tx, arrived) = oneshot::channel();
    let slow = Slow {
        arrived: Mutex::new(Some(arrived_tx)),
        pause: Duration::from_millis(500),
    };
    let server = start(Server::builder(slow), TestHandler::new()).await;
    let addr = server.addr;
    let mut sender = connect(addr).await;
    let in_flight = tokio::spawn(async move { send(&mut sender, call("Anything", "{}")).await });
    arrived.await.expect("the request reached the service");
    // Shut down while the service is still working on the request.
    server.shut_down().await;
    let answer = in_flight.await.expect("the request task");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, Bytes::from_static(b"{\"done\":true}"));
    assert!(answer.header("x-amzn-requestid").is_some());
    // Once shut down, the server accepts nothing more.
    assert!(TcpStream::connect(addr).await.is_err());
}

/// What the request log test keeps of each request: operation, status, error type, id.
type Logged = (Option<&'static str>, u16, Option<String>, String);

#[tokio::test]
async fn every_request_is_reported_with_its_operation_status_and_latency() {
    let seen: Arc<Mutex<Vec<Logged>>> = Arc::default();
    let log = Arc::clone(&seen);
    let handler = TestHandler::new();
    handler.succeed("GetId", fixtures::get_id_response());
    let builder =
        Server::builder(Router::new(handler.clone())).on_request(move |r: &RequestLog<'_>| {
            assert!(r.latency < Duration::from_secs(60));
            assert!(r.peer.is_some());
            log.lock().unwrap().push((
                r.operation,
                r.status.as_u16(),
                r.error_type.map(str::to_owned),
                r.request_id.to_owned(),
            ));
        });
    let server = start(builder, handler).await;
    let mut sender = connect(server.addr).await;
    let ok = send(&mut sender, call("GetId", get_id_body())).await;
    send(&mut sender, call("GetId", "{}")).await;
    send(&mut sender, call("Nope", "{}")).await;
    server.shut_down().await;
    let seen = seen.lock().unwrap().clone();
    let summary: Vec<_> = seen
        .iter()
        .map(|(op, status, error, _)| (*op, *status, error.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            (Some("GetId"), 200, None),
            (Some("GetId"), 400, Some("ValidationException")),
            (None, 400, Some("UnknownOperationException")),
        ]
    );
    assert_eq!(Some(seen[0].3.as_str()), ok.header("x-amzn-requestid"));
}

#[tokio::test]
async fn the_tower_service_answers_like_the_server() {
    use tower_service::Service;

    let handler = TestHandler::new();
    handler.succeed("GetId", fixtures::get_id_response());
    let mut service = Server::builder(Router::new(handler.clone()))
        .body_limit(1024)
        .into_service();
    std::future::poll_fn(|cx| Service::<http::Request<Full<Bytes>>>::poll_ready(&mut service, cx))
        .await
        .unwrap();

    let response = service.call(call("GetId", get_id_body())).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-amzn-requestid"));
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        body,
        serde_json::to_value(fixtures::get_id_response()).unwrap()
    );

    // Any body type works; one over the limit is refused.
    let big = http::Request::builder()
        .method("POST")
        .uri("/")
        .header("content-type", CONTENT_TYPE)
        .header("x-amz-target", target("GetId"))
        .body(Chunked {
            first: None,
            chunks: 100,
            chunk: Bytes::from(vec![b' '; 100]),
        })
        .unwrap();
    let response = service.call(big).await.unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(handler.call_count(), 1);
}

#[tokio::test]
async fn the_generated_client_works_over_real_http() {
    let server = serve_router(DEFAULT_BODY_LIMIT).await;
    server.handler.succeed("GetId", fixtures::get_id_response());
    server
        .handler
        .succeed("DescribeIdentityPool", fixtures::identity_pool());
    let client = cognito_identity::Client::new(
        cognito_identity::Config::builder()
            .region("us-east-1")
            .endpoint_url(format!("http://{}", server.addr))
            .credentials(tests::test_credentials())
            .transport(aws_json_runtime::client::https::HttpsTransport::new())
            .build(),
    );
    let got = client.get_id(fixtures::get_id_input()).await.unwrap();
    assert_eq!(got, fixtures::get_id_response());
    let pool = client
        .describe_identity_pool(fixtures::describe_identity_pool_input())
        .await
        .unwrap();
    assert_eq!(pool, fixtures::identity_pool());
    let err = client
        .describe_identity(DescribeIdentityInput::new("bad"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ValidationException"));
    server.shut_down().await;
}

/// The key pair the signing tests' server accepts.
fn server_key() -> aws_json_runtime::auth::credentials::Credentials {
    tests::test_credentials()
}

/// A server that requires SigV4 signatures from [`server_key`].
async fn serve_signed() -> Running {
    use aws_json_runtime::server::http_server::SigV4Verifier;
    let handler = TestHandler::new();
    let builder = Server::builder(Router::new(handler.clone()))
        .sigv4(SigV4Verifier::new([server_key()]).region("us-east-1"));
    start(builder, handler).await
}

/// A generated client over HTTP to `addr`, signing with `credentials`.
fn client_to(
    addr: SocketAddr,
    credentials: aws_json_runtime::auth::credentials::Credentials,
    transport: impl aws_json_runtime::Transport,
) -> cognito_identity::Client {
    cognito_identity::Client::new(
        cognito_identity::Config::builder()
            .region("us-east-1")
            .endpoint_url(format!("http://{addr}"))
            .credentials(credentials)
            .transport(transport)
            .retry(aws_json_runtime::client::retry::RetryConfig::disabled())
            .build(),
    )
}

/// Changes the body of every request after the client signed it.
struct Tamper(aws_json_runtime::client::https::HttpsTransport);

impl aws_json_runtime::Transport for Tamper {
    fn send(
        &self,
        mut request: HttpRequest,
    ) -> aws_json_runtime::BoxFuture<'_, Result<HttpResponse, aws_json_runtime::TransportError>>
    {
        let other = POOL_ID.replace("2f6a", "0000");
        let body = String::from_utf8_lossy(request.body()).replace(POOL_ID, &other);
        *request.body_mut() = Bytes::from(body);
        self.0.send(request)
    }
}

#[tokio::test]
async fn signed_operations_need_a_valid_signature_when_verification_is_on() {
    use aws_json_runtime::client::https::HttpsTransport;
    let server = serve_signed().await;
    server
        .handler
        .succeed("DescribeIdentityPool", fixtures::identity_pool());

    // Our client's signature is accepted.
    let good = client_to(server.addr, server_key(), HttpsTransport::new());
    let pool = good
        .describe_identity_pool(fixtures::describe_identity_pool_input())
        .await
        .expect("a correctly signed call is served");
    assert_eq!(pool, fixtures::identity_pool());

    // A body changed after signing is not.
    let tampered = client_to(server.addr, server_key(), Tamper(HttpsTransport::new()));
    let err = tampered
        .describe_identity_pool(fixtures::describe_identity_pool_input())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"), "{err}");

    // Nor is a wrong secret for a known key, or a key the server does not know.
    let wrong_secret = aws_json_runtime::auth::credentials::Credentials::new(
        server_key().access_key_id(),
        "not-the-secret",
        None,
        None,
        "test",
    );
    let err = client_to(server.addr, wrong_secret, HttpsTransport::new())
        .describe_identity_pool(fixtures::describe_identity_pool_input())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"), "{err}");
    let stranger = aws_json_runtime::auth::credentials::Credentials::new(
        "AKIDSTRANGER",
        "whatever",
        None,
        None,
        "test",
    );
    let err = client_to(server.addr, stranger, HttpsTransport::new())
        .describe_identity_pool(fixtures::describe_identity_pool_input())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("UnrecognizedClientException"), "{err}");

    assert_eq!(server.handler.called(), ["DescribeIdentityPool"]);
    server.shut_down().await;
}

/// Signs `request` with [`server_key`] as if at `time`, for the server at `addr`.
fn signed(
    addr: SocketAddr,
    op: &str,
    body: &str,
    time: std::time::SystemTime,
) -> http::Request<Full<Bytes>> {
    let mut request = http::Request::builder()
        .method("POST")
        .uri("/")
        .header("host", addr.to_string())
        .header("content-type", CONTENT_TYPE)
        .header("x-amz-target", target(op))
        .body(Bytes::from(body.to_owned()))
        .unwrap();
    let key = server_key();
    let params = aws_json_runtime::auth::sigv4::SigningParams {
        credentials: &key,
        region: "us-east-1",
        service: "cognito-identity",
        time,
    };
    aws_json_runtime::auth::sigv4::sign(&mut request, &params).expect("signs");
    request.map(Full::new)
}

#[tokio::test]
async fn unsigned_operations_pass_and_bad_signatures_get_aws_errors() {
    let server = serve_signed().await;
    server.handler.succeed("GetId", fixtures::get_id_response());
    let mut sender = connect(server.addr).await;
    let now = std::time::SystemTime::now();

    // GetId is unsigned in the model: no signature needed.
    let answer = send(&mut sender, call("GetId", get_id_body())).await;
    assert_eq!(answer.status, 200, "{}", answer.json());

    // DescribeIdentityPool is signed: nothing signed, a broken header, an old signature.
    let body = json!({ "IdentityPoolId": POOL_ID }).to_string();
    send(&mut sender, call("DescribeIdentityPool", body.clone()))
        .await
        .assert_error(400, "MissingAuthenticationTokenException");
    let mut broken = call("DescribeIdentityPool", body.clone());
    broken.headers_mut().insert(
        "authorization",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE".parse().unwrap(),
    );
    send(&mut sender, broken)
        .await
        .assert_error(400, "IncompleteSignatureException");
    let stale = signed(
        server.addr,
        "DescribeIdentityPool",
        &body,
        now - Duration::from_secs(20 * 60),
    );
    send(&mut sender, stale)
        .await
        .assert_error(400, "InvalidSignatureException");
    // An unknown operation is checked too, before it is found unknown.
    send(&mut sender, call("NoSuchOperation", "{}"))
        .await
        .assert_error(400, "MissingAuthenticationTokenException");

    // A fresh signature over the same request is accepted (and the handler has no reply
    // queued for it, which it says with its own error code).
    let fresh = signed(server.addr, "DescribeIdentityPool", &body, now);
    send(&mut sender, fresh)
        .await
        .assert_error(400, tests::NOT_SCRIPTED);
    assert_eq!(server.handler.called(), ["GetId", "DescribeIdentityPool"]);
    server.shut_down().await;
}

/// Answers every request with its method and path.
struct Echo;

impl HttpService for Echo {
    async fn call(&self, request: HttpRequest) -> HttpResponse {
        let text = format!("{} {}", request.method(), request.uri().path());
        http::Response::new(Bytes::from(text))
    }
}

#[tokio::test]
async fn other_requests_reach_the_service_only_when_asked() {
    let closed = start(Server::builder(Echo), TestHandler::new()).await;
    let open = start(
        Server::builder(Echo).other_requests(true),
        TestHandler::new(),
    )
    .await;
    for (server, expected) in [(&closed, 404), (&open, 200)] {
        let mut sender = connect(server.addr).await;
        let request = http::Request::builder()
            .method("GET")
            .uri("/.well-known/jwks.json")
            .header("host", "localhost")
            .body(Full::new(Bytes::new()))
            .unwrap();
        let answer = send(&mut sender, request).await;
        assert_eq!(answer.status, expected);
        assert!(answer.header("x-amzn-requestid").is_some());
        if expected == 200 {
            assert_eq!(answer.body, "GET /.well-known/jwks.json");
        }
    }
    closed.shut_down().await;
    open.shut_down().await;
}
