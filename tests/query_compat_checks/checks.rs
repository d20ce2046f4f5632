//! Behaviour of the crate generated from `fixtures/query_compatible.json`, an awsQuery-compatible
//! service, run inside the throwaway workspace of `query_compat.rs` (the crate exists only
//! there). The client says `x-amzn-query-mode: true` and reads the awsQuery code of an error
//! from `x-amzn-query-error`; the router writes that header for every error.

use std::future::Future;

use query_compatible::error::{
    GetQueueUrlError, QueueDoesNotExist, QueueNameTaken, ServiceFailure,
};
use query_compatible::runtime::auth::credentials::Credentials;
use query_compatible::runtime::wire::error::{QueryError, QueryFault};
use query_compatible::runtime::http;
use query_compatible::runtime::client::retry::RetryConfig;
use query_compatible::runtime::{Bytes, HttpRequest, HttpResponse, UnhandledError};
use query_compatible::types::{GetQueueUrlInput, GetQueueUrlOutput};
use query_compatible::{Client, Config, InMemoryTransport, Queues, Router};

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a current-thread runtime")
        .block_on(future)
}

fn client(transport: InMemoryTransport) -> Client {
    Client::new(
        Config::builder()
            .region("us-east-1")
            .endpoint_url("https://queues.example.com")
            .credentials(Credentials::new("AKID", "secret", None, None, "checks"))
            .retry(RetryConfig::disabled())
            .transport(transport)
            .build(),
    )
}

/// A transport that answers every request with `status`, `headers` and `body`.
fn answering(
    status: u16,
    headers: &'static [(&'static str, &'static [u8])],
    body: &'static str,
) -> InMemoryTransport {
    InMemoryTransport::from_fn(move |_, _| {
        let mut response = http::Response::new(Bytes::from_static(body.as_bytes()));
        *response.status_mut() = http::StatusCode::from_u16(status).expect("a status");
        for (name, value) in headers {
            response.headers_mut().insert(
                http::HeaderName::from_static(name),
                http::HeaderValue::from_bytes(value).expect("a header value"),
            );
        }
        Ok(response)
    })
    .recording()
}

fn get_queue_url(client: &Client) -> Result<GetQueueUrlOutput, GetQueueUrlError> {
    block_on(client.get_queue_url(GetQueueUrlInput::new("jobs")))
}

const MISSING: &str =
    r#"{"__type":"com.amazonaws.queues#QueueDoesNotExist","message":"no such queue"}"#;

#[test]
fn every_request_says_query_mode() {
    let transport = answering(200, &[], r#"{"QueueUrl":"https://q/1/jobs"}"#);
    let output = get_queue_url(&client(transport.clone())).expect("a 200 answer");
    assert_eq!(output.queue_url.as_deref(), Some("https://q/1/jobs"));
    let sent = transport.last_request().expect("one request");
    assert_eq!(sent.header("x-amzn-query-mode"), Some("true"));
    assert_eq!(sent.header("x-amz-target"), Some("Queues.GetQueueUrl"));
}

#[test]
fn a_modeled_error_reports_the_query_code_of_the_header() {
    let transport = answering(
        400,
        &[(
            "x-amzn-query-error",
            b"AWS.SimpleQueueService.NonExistentQueue;Sender",
        )],
        MISSING,
    );
    let error = get_queue_url(&client(transport)).expect_err("an error answer");
    assert_eq!(
        error.code(),
        Some("AWS.SimpleQueueService.NonExistentQueue")
    );
    let GetQueueUrlError::QueueDoesNotExist(inner) = &error else {
        panic!("the awsJson code picks the modeled error, got {error:?}");
    };
    assert_eq!(inner.message(), Some("no such queue"));
    assert_eq!(QueueDoesNotExist::CODE, "QueueDoesNotExist");
    let query = inner.query_error().expect("the header is kept");
    assert_eq!(query.fault(), QueryFault::Sender);
    // The service-wide error reports the same code.
    let any: query_compatible::Error = error.into();
    assert_eq!(any.code(), Some("AWS.SimpleQueueService.NonExistentQueue"));
}

#[test]
fn the_header_code_wins_and_without_a_header_the_model_gives_it() {
    let renamed = answering(
        400,
        &[("x-amzn-query-error", b"Renamed.Code;Sender")],
        MISSING,
    );
    let error = get_queue_url(&client(renamed)).expect_err("an error answer");
    assert!(
        matches!(error, GetQueueUrlError::QueueDoesNotExist(_)),
        "{error:?}"
    );
    assert_eq!(error.code(), Some("Renamed.Code"));

    let bare = answering(400, &[], MISSING);
    let error = get_queue_url(&client(bare)).expect_err("an error answer");
    let GetQueueUrlError::QueueDoesNotExist(inner) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(inner.code(), QueueDoesNotExist::QUERY_CODE);
    assert_eq!(inner.code(), "AWS.SimpleQueueService.NonExistentQueue");
    assert!(inner.query_error().is_none());
    // An error without a modeled awsQuery code falls back to its awsJson code.
    assert_eq!(QueueNameTaken::QUERY_CODE, "QueueNameTaken");
}

#[test]
fn malformed_headers_keep_the_body_code() {
    let cases: [&'static [(&'static str, &'static [u8])]; 4] = [
        &[("x-amzn-query-error", b"")],
        &[("x-amzn-query-error", b";Sender")],
        &[("x-amzn-query-error", b"Code;Somebody")],
        &[("x-amzn-query-error", b"Caf\xe9;Sender")],
    ];
    for headers in cases {
        let error = get_queue_url(&client(answering(400, headers, MISSING))).expect_err("an error");
        let GetQueueUrlError::QueueDoesNotExist(inner) = &error else {
            panic!("{headers:?}: {error:?}");
        };
        assert!(inner.query_error().is_none(), "{headers:?}");
        assert_eq!(
            error.code(),
            Some(QueueDoesNotExist::QUERY_CODE),
            "{headers:?}"
        );
    }
    // With nothing modeled to fall back on, the body's code is what is left.
    let unknown = r#"{"__type":"ns#BrandNewError","message":"new"}"#;
    let error = get_queue_url(&client(answering(
        400,
        &[("x-amzn-query-error", b"junk")],
        unknown,
    )))
    .expect_err("an error");
    assert_eq!(error.code(), Some("BrandNewError"));
}

#[test]
fn an_unknown_error_keeps_the_query_code_and_the_awsjson_code() {
    let transport = answering(
        400,
        &[(
            "x-amzn-query-error",
            b"AWS.SimpleQueueService.Brand.New;Sender",
        )],
        r#"{"__type":"ns#BrandNewError","message":"new"}"#,
    );
    let error = get_queue_url(&client(transport)).expect_err("an error answer");
    let GetQueueUrlError::Unhandled(inner) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(error.code(), Some("AWS.SimpleQueueService.Brand.New"));
    assert_eq!(inner.error_type(), Some("BrandNewError"));
    assert_eq!(
        inner.query_error(),
        Some(&QueryError::new(
            "AWS.SimpleQueueService.Brand.New",
            QueryFault::Sender
        ))
    );
    assert_eq!(error.message(), Some("new"));
}

/// A handler that fails as its queue name says.
struct Handler;

impl Queues for Handler {
    fn get_queue_url(
        &self,
        input: GetQueueUrlInput,
    ) -> impl Future<Output = Result<GetQueueUrlOutput, GetQueueUrlError>> + Send {
        async move {
            match input.queue_name.as_str() {
                "missing" => Err(QueueDoesNotExist::new().with_message("gone").into()),
                "taken" => Err(QueueNameTaken::new().into()),
                "broken" => Err(ServiceFailure::new().into()),
                "custom" => Err(GetQueueUrlError::Unhandled(
                    UnhandledError::service("Custom", "chosen")
                        .with_query_error(QueryError::new("AWS.Custom", QueryFault::Sender)),
                )),
                "odd" => Err(GetQueueUrlError::unhandled("OddOne", "odd")),
                _ => Ok(GetQueueUrlOutput::new().with_queue_url("https://q/1/ok")),
            }
        }
    }
}

fn request(target: &str, body: &str) -> HttpRequest {
    http::Request::builder()
        .method("POST")
        .uri("/")
        .header("x-amz-target", target)
        .header("content-type", "application/x-amz-json-1.0")
        .body(Bytes::from(body.to_owned()))
        .expect("a request")
}

fn serve(target: &str, body: &str) -> HttpResponse {
    block_on(Router::new(Handler).handle(request(target, body)))
}

fn query_header(response: &HttpResponse) -> Option<&str> {
    response
        .headers()
        .get("x-amzn-query-error")
        .and_then(|v| v.to_str().ok())
}

#[test]
fn the_router_writes_the_query_code_and_fault_of_every_error() {
    let call = |name: &str| {
        serve(
            "Queues.GetQueueUrl",
            &format!(r#"{{"QueueName":"{name}"}}"#),
        )
    };
    let missing = call("missing");
    assert_eq!(missing.status(), 400);
    assert_eq!(missing.headers()["x-amzn-errortype"], "QueueDoesNotExist");
    assert_eq!(
        query_header(&missing),
        Some("AWS.SimpleQueueService.NonExistentQueue;Sender")
    );
    assert_eq!(query_header(&call("taken")), Some("QueueNameTaken;Sender"));
    let broken = call("broken");
    assert_eq!(broken.status(), 503);
    assert_eq!(query_header(&broken), Some("Queues.Failure;Receiver"));
    assert_eq!(query_header(&call("custom")), Some("AWS.Custom;Sender"));
    assert_eq!(query_header(&call("odd")), Some("OddOne;Sender"));
    assert_eq!(
        query_header(&call("fine")),
        None,
        "a success carries no error"
    );

    // Requests that never reach the handler are the caller's fault.
    let unknown = serve("Queues.Nope", "{}");
    assert_eq!(
        query_header(&unknown),
        Some("UnknownOperationException;Sender")
    );
    let invalid = serve("Queues.GetQueueUrl", "{}");
    assert_eq!(query_header(&invalid), Some("ValidationException;Sender"));
    let garbled = serve("Queues.GetQueueUrl", "{not json");
    assert_eq!(
        query_header(&garbled),
        Some("SerializationException;Sender")
    );
    let untargeted = serve("Elsewhere.GetQueueUrl", "{}");
    assert_eq!(
        query_header(&untargeted),
        Some("UnknownOperationException;Sender")
    );
}

#[test]
fn the_client_reads_what_the_router_writes() {
    let c = client(InMemoryTransport::service(Router::new(Handler)));
    let error = block_on(c.get_queue_url(GetQueueUrlInput::new("missing"))).expect_err("missing");
    assert!(
        matches!(error, GetQueueUrlError::QueueDoesNotExist(_)),
        "{error:?}"
    );
    assert_eq!(
        error.code(),
        Some("AWS.SimpleQueueService.NonExistentQueue")
    );
    let error = block_on(c.get_queue_url(GetQueueUrlInput::new("custom"))).expect_err("custom");
    assert_eq!(error.code(), Some("AWS.Custom"));
}
