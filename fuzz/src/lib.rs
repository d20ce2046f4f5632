//! What the fuzz targets share: the plain-text form in which they read HTTP messages from the
//! fuzzer's bytes, a way to finish the in-memory futures without an async runtime, and the
//! operations of Cognito Identity with a handler and a client call for each.
//!
//! The message form is the one of the SigV4 test suite's `.req` files, so real requests and
//! responses make good seeds: a start line, header lines `Name: value` (a line that starts
//! with a space or a tab continues the previous value), an empty line, then the body, byte for
//! byte. Lines end with `\n` or `\r\n`. Nothing here judges the bytes: malformed pieces are
//! dropped or replaced so that as many inputs as possible reach the code under test.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, Waker};

use aws_json_runtime::auth::credentials::Credentials;
use aws_json_runtime::wire::error::ErrorResponse;
use aws_json_runtime::client::retry::RetryConfig;
use aws_json_runtime::{
    ErrorKind, HttpResponse, InMemoryTransport, OperationError, TransportError, UnhandledError,
};
use bytes::Bytes;
use cognito_identity::error::*;
use cognito_identity::pagination::ListIdentityPoolsPages;
use cognito_identity::types::*;
use cognito_identity::{Client, CognitoIdentity, Config};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// An HTTP message read from fuzz bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    /// The start line, without its line ending.
    pub start: &'a [u8],
    /// Each header as written: the name and the value (continuation lines joined with `\n`),
    /// both without surrounding blanks. Lines without a `:` are left out.
    pub headers: Vec<(&'a [u8], Vec<u8>)>,
    /// Everything after the first empty line.
    pub body: &'a [u8],
}

impl<'a> Message<'a> {
    /// Reads `data` in the message form of this module.
    pub fn parse(data: &'a [u8]) -> Message<'a> {
        let mut lines = Lines { rest: data };
        let start = lines.next().unwrap_or_default();
        let mut headers: Vec<(&[u8], Vec<u8>)> = Vec::new();
        for line in lines.by_ref() {
            if line.is_empty() {
                break;
            }
            if matches!(line.first(), Some(b' ' | b'\t')) {
                if let Some((_, value)) = headers.last_mut() {
                    value.push(b'\n');
                    value.extend_from_slice(line.trim_ascii());
                }
                continue;
            }
            if let Some(colon) = line.iter().position(|&b| b == b':') {
                let (name, value) = line.split_at(colon);
                headers.push((name.trim_ascii(), value[1..].trim_ascii().to_vec()));
            }
        }
        Message {
            start,
            headers,
            body: lines.rest,
        }
    }

    /// The start line as a request line: the method and the request target, with a trailing
    /// ` HTTP/...` version left out. The target keeps inner spaces (the SigV4 suite has a path
    /// with a raw space).
    pub fn request_line(&self) -> (&'a [u8], &'a [u8]) {
        let line = self.start;
        let Some(space) = line.iter().position(|&b| b == b' ') else {
            return (line, b"");
        };
        let method = &line[..space];
        let mut target = &line[space + 1..];
        if let Some(version) = rfind(target, b" HTTP/") {
            target = &target[..version];
        }
        (method, target)
    }

    /// The headers `http` can carry, in order; others are left out.
    pub fn header_map(&self) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) =
                (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
            {
                map.append(name, value);
            }
        }
        map
    }

    /// The message as an `http` request: an unknown method becomes `POST` and a target `http`
    /// cannot parse becomes `/`.
    pub fn to_request(&self) -> http::Request<Bytes> {
        let (method, target) = self.request_line();
        let mut request = http::Request::new(Bytes::copy_from_slice(self.body));
        *request.method_mut() = http::Method::from_bytes(method).unwrap_or(http::Method::POST);
        if let Ok(uri) = http::Uri::try_from(target) {
            *request.uri_mut() = uri;
        }
        *request.headers_mut() = self.header_map();
        request
    }

    /// The message as an `http` response, when its start line is a status code (100 to 999,
    /// optionally followed by a reason phrase).
    pub fn to_response(&self) -> Option<HttpResponse> {
        let code = self.start.split(|&b| b == b' ').next().unwrap_or_default();
        let status = http::StatusCode::from_bytes(code).ok()?;
        let mut response = http::Response::new(Bytes::copy_from_slice(self.body));
        *response.status_mut() = status;
        *response.headers_mut() = self.header_map();
        Some(response)
    }
}

/// The lines of a byte string: split at `\n`, each without a trailing `\r`.
struct Lines<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        let (line, rest) = match self.rest.iter().position(|&b| b == b'\n') {
            Some(end) => (&self.rest[..end], &self.rest[end + 1..]),
            None => (self.rest, &b""[..]),
        };
        self.rest = rest;
        Some(line.strip_suffix(b"\r").unwrap_or(line))
    }
}

/// The last position of `needle` in `haystack`.
fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Runs a future that needs no reactor (the in-memory transport and the router answer at
/// once) to completion on this thread.
///
/// # Panics
///
/// When the future is still pending after many polls: an in-memory call that waits is a hang.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..10_000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("an in-memory call is still pending after 10000 polls");
}

/// The fixed credentials of the SigV4 test suite, with `session_token` when given.
pub fn suite_credentials(session_token: Option<String>) -> Credentials {
    Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        session_token,
        None,
        "fuzz",
    )
}

/// How [`FuzzHandler`] answers every operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// The output read from the request body (whose members the fuzzer controls), else from
    /// the input's members, else an unhandled error.
    Output,
    /// The operation's error read from the request as if it were an error response (its
    /// headers and body, status 400): a modeled error when its code is one.
    Error,
    /// An unhandled service error whose code and message are the body's text.
    Unhandled,
}

/// A service implementation that answers every operation from the request it was made for.
#[derive(Debug, Clone)]
pub struct FuzzHandler {
    /// How to answer.
    pub reply: Reply,
    /// The request's headers.
    pub headers: HeaderMap,
    /// The request body as sent.
    pub body: Bytes,
}

impl FuzzHandler {
    fn answer<I, O, E>(&self, input: &I) -> Result<O, E>
    where
        I: Serialize,
        O: DeserializeOwned,
        E: OperationError,
    {
        match self.reply {
            Reply::Output => {
                if let Ok(output) = serde_json::from_slice(&self.body) {
                    return Ok(output);
                }
                serde_json::to_value(input)
                    .and_then(serde_json::from_value)
                    .map_err(|e| {
                        E::from_unhandled(UnhandledError::new(ErrorKind::Response, e.to_string()))
                    })
            }
            Reply::Error => {
                let mut response = http::Response::new(self.body.clone());
                *response.status_mut() = http::StatusCode::BAD_REQUEST;
                *response.headers_mut() = self.headers.clone();
                Err(E::from_response(&ErrorResponse::from_response(&response)))
            }
            Reply::Unhandled => {
                let text = String::from_utf8_lossy(&self.body);
                Err(E::from_unhandled(UnhandledError::service(
                    text.as_ref(),
                    text.as_ref(),
                )))
            }
        }
    }
}

/// Implements the service trait for [`FuzzHandler`] and lists, for the client side, one call
/// per operation in the order of `cognito_identity::operation::ALL`.
macro_rules! operations {
    ($($method:ident($op:literal, $input:ty) -> $output:ty, $error:ty;)*) => {
        impl CognitoIdentity for FuzzHandler {
            $(
                async fn $method(&self, input: $input) -> Result<$output, $error> {
                    self.answer(&input)
                }
            )*
        }

        /// The wire name of every operation, in the order of
        /// `cognito_identity::operation::ALL`.
        pub const OPERATIONS: &[&str] = &[$($op),*];

        /// Calls operation `index` of [`OPERATIONS`] on `client` with a fixed input, and
        /// returns the outcome as text (which also runs the `Debug` and `Display` code of the
        /// outputs and errors).
        pub async fn call(client: &Client, index: usize) -> Option<String> {
            let mut n = 0;
            $(
                if n == index {
                    let input: $input = fixed_input();
                    return Some(match client.$method(input).await {
                        Ok(output) => format!("{output:?}"),
                        Err(error) => describe_error(&error),
                    });
                }
                n += 1;
            )*
            let _ = n;
            None
        }
    };
}

include!("../../tests/support/operations.rs");
cognito_identity_operations!(operations);

/// Every required member of every operation's input, with a value of the right JSON type.
/// Inputs ignore the members they do not have, so this one object reads as any input.
const REQUIRED_MEMBERS: &str = r#"{
    "AllowUnauthenticatedIdentities": false,
    "DestinationUserIdentifier": "destination",
    "DeveloperProviderName": "login.example",
    "DeveloperUserIdentifier": "user",
    "IdentityId": "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b",
    "IdentityIdsToDelete": ["us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b"],
    "IdentityPoolId": "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b",
    "IdentityPoolName": "pool",
    "IdentityProviderName": "accounts.example",
    "Logins": {"accounts.example": "token"},
    "LoginsToRemove": ["accounts.example"],
    "MaxResults": 60,
    "ResourceArn": "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b",
    "Roles": {"authenticated": "arn:aws:iam::123456789012:role/a"},
    "SourceUserIdentifier": "source",
    "TagKeys": ["k"],
    "Tags": {"k": "v"}
}"#;

/// The fixed input of an operation, read from [`REQUIRED_MEMBERS`].
///
/// # Panics
///
/// When an input needs a member that object lacks: a fault of the harness, found on the first
/// run of that operation.
pub fn fixed_input<I: DeserializeOwned>() -> I {
    match serde_json::from_str(REQUIRED_MEMBERS) {
        Ok(input) => input,
        Err(e) => panic!(
            "the fixed input does not read as {}: {e}",
            std::any::type_name::<I>()
        ),
    }
}

/// An operation error as text, through every accessor a caller would use.
fn describe_error<E>(error: &E) -> String
where
    E: std::fmt::Display + std::fmt::Debug + std::error::Error,
{
    let mut text = format!("{error} {error:?}");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A client whose every request is answered with the response most recently given to
/// [`ScriptedClient::answer_with`]: retries off, so one call is one request, and nothing that
/// sleeps.
pub struct ScriptedClient {
    /// The client.
    pub client: Client,
    response: Arc<Mutex<Option<HttpResponse>>>,
}

impl ScriptedClient {
    /// The client of this process, made on first use.
    pub fn get() -> &'static ScriptedClient {
        static CLIENT: OnceLock<ScriptedClient> = OnceLock::new();
        CLIENT.get_or_init(|| {
            let response: Arc<Mutex<Option<HttpResponse>>> = Arc::default();
            let answer = response.clone();
            let transport = InMemoryTransport::from_fn(move |_, _| {
                let answer = answer.lock().unwrap_or_else(|p| p.into_inner());
                answer.clone().ok_or_else(|| {
                    TransportError::new(
                        aws_json_runtime::base::http::TransportErrorKind::NotConfigured,
                        "no response scripted",
                    )
                })
            });
            let client = Client::new(
                Config::builder()
                    .region("us-east-1")
                    .credentials(suite_credentials(None))
                    .transport(transport)
                    .retry(RetryConfig::disabled())
                    .build(),
            );
            ScriptedClient { client, response }
        })
    }

    /// Answers every request from now on with `response`.
    pub fn answer_with(&self, response: HttpResponse) {
        *self.response.lock().unwrap_or_else(|p| p.into_inner()) = Some(response);
    }

    /// Pages through `ListIdentityPools` with the scripted response on every page, and
    /// returns how many results (pages or errors) came before paging stopped, at most `limit`.
    pub async fn count_pages(&self, limit: usize) -> usize {
        let mut pages = ListIdentityPoolsPages::new(&self.client, fixed_input());
        let mut count = 0;
        while count < limit {
            match pages.next_page().await {
                Some(page) => {
                    let _ = format!("{page:?}");
                    count += 1;
                }
                None => break,
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_has_a_start_line_headers_and_a_body() {
        let data = b"POST /a b HTTP/1.1\r\nHost: example\r\nX-A:1\n  2\nno colon\n\nbody\n\nmore";
        let message = Message::parse(data);
        assert_eq!(message.start, b"POST /a b HTTP/1.1");
        assert_eq!(
            message.headers,
            vec![
                (&b"Host"[..], b"example".to_vec()),
                (&b"X-A"[..], b"1\n2".to_vec())
            ]
        );
        assert_eq!(message.body, b"body\n\nmore");
        assert_eq!(message.request_line(), (&b"POST"[..], &b"/a b"[..]));
    }

    #[test]
    fn a_response_needs_a_status_code() {
        let response = Message::parse(b"404 Not Found\nx-amzn-errortype: A\n\n{}")
            .to_response()
            .expect("a status line");
        assert_eq!(response.status(), 404);
        assert_eq!(response.headers()["x-amzn-errortype"], "A");
        assert_eq!(response.body().as_ref(), b"{}");
        assert!(Message::parse(b"abc\n\n{}").to_response().is_none());
    }

    #[test]
    fn the_operation_list_is_the_generated_one() {
        let names: Vec<&str> = cognito_identity::operation::ALL
            .iter()
            .map(|op| op.name)
            .collect();
        assert_eq!(names, OPERATIONS);
    }

    #[test]
    fn every_operation_is_called_with_its_fixed_input() {
        let client = ScriptedClient::get();
        client.answer_with(Message::parse(b"200\n\n{}").to_response().expect("200"));
        for index in 0..OPERATIONS.len() {
            assert!(block_on(call(&client.client, index)).is_some(), "{index}");
        }
        assert!(block_on(call(&client.client, OPERATIONS.len())).is_none());
    }
}
