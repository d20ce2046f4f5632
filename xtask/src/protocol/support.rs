//! Checks shared by every protocol-test runner: what a serialised request must look like and
//! how a parsed output or error is compared with a case's expectation.
//!
//! This file is not part of `xtask`'s build: the protocol harness copies it into each runner
//! crate it writes (as `src/support.rs`), next to the generated case functions that call it.
//! It reads the cases' expectations as JSON text and reports each case's result on one line
//! of standard output, which the harness parses: `PASS\t<id>` or `FAIL\t<id>\t<reason>`, the
//! reason JSON-encoded so it stays on one line.

use std::future::Future;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};

use aws_json_runtime::client::retry::RetryConfig;
use aws_json_runtime::{Config, InMemoryTransport};
use serde_json::Value;

/// One case's outcome: `Err` holds why it failed.
pub type CaseResult = Result<(), String>;

/// Runs every case, isolating panics, and prints one result line per case.
pub fn run(cases: &[(&str, fn() -> CaseResult)]) {
    for (id, case) in cases {
        let outcome = match catch_unwind(AssertUnwindSafe(case)) {
            Ok(result) => result,
            Err(panic) => Err(match panic.downcast_ref::<String>() {
                Some(text) => format!("panicked: {text}"),
                None => match panic.downcast_ref::<&str>() {
                    Some(text) => format!("panicked: {text}"),
                    None => "panicked".to_owned(),
                },
            }),
        };
        match outcome {
            Ok(()) => println!("PASS\t{id}"),
            Err(reason) => println!("FAIL\t{id}\t{}", Value::String(reason)),
        }
    }
}

/// Runs a future to completion on a fresh single-threaded runtime.
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a current-thread runtime builds with only the time driver")
        .block_on(future)
}

/// The token the client fills into an unset idempotency-token member: pinned, as botocore's
/// suites expect, so a case can compare the request body.
pub const IDEMPOTENCY_TOKEN: &str = "00000000-0000-4000-8000-000000000000";

/// A client configuration for one case: the given transport and endpoint, fixed test
/// credentials for signed operations, no retries (a case sees exactly one exchange), and the
/// pinned idempotency token.
pub fn config(transport: InMemoryTransport, endpoint: &str) -> Config {
    Config::builder()
        .idempotency_token_provider(|| IDEMPOTENCY_TOKEN.to_owned())
        .region("us-east-1")
        .credentials(aws_json_runtime::auth::credentials::Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "protocol-tests",
        ))
        .endpoint_url(endpoint)
        .transport(transport)
        .retry(RetryConfig::disabled())
        .build()
}

/// A transport that records requests and answers each with `200 {}`.
pub fn recording_transport() -> InMemoryTransport {
    InMemoryTransport::canned(200, "{}").recording()
}

/// A transport that answers with a case's `response`: `status_code`, `headers` and `body`.
pub fn response_transport(response: &str) -> InMemoryTransport {
    let response: Value = serde_json::from_str(response).expect("the harness writes JSON");
    InMemoryTransport::from_fn(move |_, _| {
        let status = response["status_code"].as_u64().unwrap_or(200) as u16;
        let mut builder = aws_json_runtime::http::Response::builder().status(status);
        if let Some(headers) = response["headers"].as_object() {
            for (name, value) in headers {
                builder = builder.header(name.as_str(), value.as_str().unwrap_or_default());
            }
        }
        let body = response["body"].as_str().unwrap_or_default().to_owned();
        Ok(builder
            .body(aws_json_runtime::Bytes::from(body))
            .expect("the case's status and headers are valid"))
    })
}

/// Compares the one request `transport` recorded with a case's `serialized` expectation;
/// `call_error` is the call's error, if it failed, which explains a request never sent.
pub fn check_request(
    transport: &InMemoryTransport,
    expected: &str,
    call_error: Option<String>,
) -> CaseResult {
    let expected: Value = serde_json::from_str(expected).expect("the harness writes JSON");
    let requests = transport.requests();
    let [request] = requests.as_slice() else {
        return Err(match (requests.len(), call_error) {
            (0, Some(error)) => format!("no request was sent: {error}"),
            (n, _) => format!("expected exactly one request, but {n} were sent"),
        });
    };
    let mut problems = Vec::new();
    let known = [
        "method",
        "uri",
        "host",
        "headers",
        "requireHeaders",
        "forbidHeaders",
        "body",
    ];
    if let Some(fields) = expected.as_object() {
        for field in fields.keys().filter(|k| !known.contains(&k.as_str())) {
            problems.push(format!("`serialized` has a field the harness does not check: {field}"));
        }
    }
    if let Some(method) = expected["method"].as_str() {
        if request.method.as_str() != method {
            problems.push(format!("method is {}, expected {method}", request.method));
        }
    }
    if let Some(uri) = expected["uri"].as_str() {
        let actual = request
            .uri
            .path_and_query()
            .map_or("/", |pq| pq.as_str());
        if actual != uri {
            problems.push(format!("URI is `{actual}`, expected `{uri}`"));
        }
    }
    if let Some(host) = expected["host"].as_str() {
        // The expected host may carry the endpoint's path, as in `example.com/custom`.
        let actual = format!(
            "{}{}",
            request.uri.authority().map_or("", |a| a.as_str()),
            request.uri.path()
        );
        let matches = actual
            .strip_prefix(host)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if !matches {
            problems.push(format!("host and path are `{actual}`, expected host `{host}`"));
        }
    }
    if let Some(headers) = expected["headers"].as_object() {
        for (name, value) in headers {
            let want = value.as_str().unwrap_or_default();
            match request.header(name) {
                Some(got) if got == want => {}
                Some(got) => problems.push(format!("header {name} is `{got}`, expected `{want}`")),
                None => problems.push(format!("header {name} is missing, expected `{want}`")),
            }
        }
    }
    for name in strings(&expected["requireHeaders"]) {
        if request.headers.get(name).is_none() {
            problems.push(format!("header {name} is required but missing"));
        }
    }
    for name in strings(&expected["forbidHeaders"]) {
        if request.headers.get(name).is_some() {
            problems.push(format!("header {name} is forbidden but present"));
        }
    }
    if let Some(body) = expected["body"].as_str() {
        match request_body(request) {
            Ok(actual) => {
                if let Some(problem) = compare_body(&actual, body) {
                    problems.push(problem);
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// The strings of a JSON array (none for anything else).
fn strings(value: &Value) -> impl Iterator<Item = &str> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// The request body as sent, decompressed when its `Content-Encoding` is gzip.
fn request_body(request: &aws_json_runtime::client::transport::RecordedRequest) -> Result<Vec<u8>, String> {
    if request.header("content-encoding") != Some("gzip") {
        return Ok(request.body.to_vec());
    }
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(&request.body[..])
        .read_to_end(&mut text)
        .map_err(|e| format!("the gzip body does not decompress: {e}"))?;
    Ok(text)
}

/// `None` when the body matches: JSON-equal (numbers by value) when the expected body is
/// JSON, byte for byte otherwise.
fn compare_body(actual: &[u8], expected: &str) -> Option<String> {
    let shown = String::from_utf8_lossy(actual);
    match serde_json::from_str::<Value>(expected) {
        Ok(want) => match serde_json::from_slice::<Value>(actual) {
            Ok(got) if json_equal(&got, &want) => None,
            Ok(_) => Some(format!("body is `{shown}`, expected JSON equal to `{expected}`")),
            Err(e) => Some(format!("body `{shown}` is not JSON ({e}), expected `{expected}`")),
        },
        Err(_) if actual == expected.as_bytes() => None,
        Err(_) => Some(format!("body is `{shown}`, expected exactly `{expected}`")),
    }
}

/// JSON equality where numbers compare by value, so `1` equals `1.0`.
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// Compares a parsed value with the expected one through their wire form, where `NaN`
/// equals `NaN` and maps compare without order.
pub fn same<T: aws_json_runtime::serde::Serialize + std::fmt::Debug>(what: &str, actual: &T, expected: &T) -> CaseResult {
    let wire = |v: &T| serde_json::to_value(v).map_err(|e| format!("cannot serialise the {what}: {e}"));
    if json_equal(&wire(actual)?, &wire(expected)?) {
        Ok(())
    } else {
        Err(format!("the {what} is {actual:?}, expected {expected:?}"))
    }
}

/// Checks an error's code and, when the case gives one, its message.
pub fn check_error(
    code: Option<&str>,
    message: Option<&str>,
    expected_code: &str,
    expected_message: Option<&str>,
) -> CaseResult {
    if code != Some(expected_code) {
        return Err(format!("error code is {code:?}, expected `{expected_code}`"));
    }
    match expected_message {
        Some(want) if message != Some(want) => {
            Err(format!("error message is {message:?}, expected `{want}`"))
        }
        _ => Ok(()),
    }
}
