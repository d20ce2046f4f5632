//! Whole HTTP requests through the generated router, for every operation.
//!
//! Input: one byte choosing the operation (`n % 24`: below 23 an `X-Amz-Target` for that
//! operation goes before the message's own headers; 23 sends only the message's headers), one
//! byte of flags (bits 0-1: how the handler answers, see `Reply`; bit 2: a 64-byte body limit
//! instead of the default), then the request as a message (`METHOD /path`, headers, body).
//! Whatever comes in, the response must be well formed: a JSON object body with the service's
//! content type, and `__type` on every error.

#![no_main]

use aws_json_runtime::server::router::BodyLimit;
use aws_json_runtime::HttpService;
use cognito_identity::operation::{ALL, SERVICE};
use cognito_identity::Router;
use fuzz::{block_on, FuzzHandler, Message, Reply};
use http::HeaderValue;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [choice, flags, rest @ ..] = data else {
        return;
    };
    let message = Message::parse(rest);
    let mut request = message.to_request();
    if let Some(op) = ALL.get(usize::from(*choice) % (ALL.len() + 1)) {
        let headers = std::mem::take(request.headers_mut());
        let target = request.headers_mut();
        target.insert("x-amz-target", HeaderValue::from_static(op.target));
        for (name, value) in &headers {
            target.append(name, value.clone());
        }
    }
    if flags & 4 != 0 {
        request.extensions_mut().insert(BodyLimit(64));
    }
    let reply = match flags & 3 {
        1 => Reply::Error,
        2 => Reply::Unhandled,
        _ => Reply::Output,
    };
    let handler = FuzzHandler {
        reply,
        headers: request.headers().clone(),
        body: request.body().clone(),
    };
    let response = block_on(Router::new(handler).call(request));

    let content_type = response.headers().get(http::header::CONTENT_TYPE);
    assert_eq!(
        content_type.map(HeaderValue::as_bytes),
        Some(SERVICE.content_type.as_bytes()),
        "every response has the service's content type"
    );
    let body: serde_json::Value = match serde_json::from_slice(response.body()) {
        Ok(body) => body,
        Err(e) => panic!("the response body is not JSON ({e}): {:?}", response.body()),
    };
    assert!(
        body.is_object(),
        "the response body is not a JSON object: {body}"
    );
    if !response.status().is_success() {
        assert!(
            body.get("__type").is_some_and(serde_json::Value::is_string),
            "an error response without `__type`: {} {body}",
            response.status()
        );
    }
});
