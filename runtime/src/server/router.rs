//! Router support, what a generated router calls: picking the operation from
//! `X-Amz-Target`, reading and checking the input, and writing outputs and errors the way AWS
//! services do. Serving a router over HTTP is the front door's job (`http_server`).
//!
//! A generated router calls these in order: [`prepare`] (the operation and the decoded
//! body), [`read_input`], the user's handler, then [`output_response`] or
//! [`error_response`]. Requests that never reach a handler are answered with a [`Rejection`].
//!
//! Everything here is safe to expose to the network: a gzip body is decoded only up to the
//! body limit, and validation reports stay small whatever the input.
//!
//! An awsQuery-compatible service's router answers every error with `x-amzn-query-error:
//! Code;Sender` (or `;Receiver`) as well: [`query_error_response`] for modeled errors, with
//! their awsQuery code, [`unhandled_query_response`] and [`Rejection::into_query_response`]
//! for the rest.

use std::borrow::Cow;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_ENCODING, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::base::http::{HttpRequest, HttpResponse, X_AMZN_ERROR_TYPE};
use crate::base::meta::OperationMeta;
use crate::wire::error::{QueryError, QueryFault, UnhandledError, X_AMZN_QUERY_ERROR};
use crate::wire::validate::{summarize, ConstraintViolation, Shape, Validate};

/// The largest request body a router reads, in bytes, unless told otherwise with a
/// [`BodyLimit`]: 4 MiB. A gzip body may not decode to more than this either.
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// The largest request body, in bytes, that a router reads for one request.
///
/// An HTTP server puts it in the request's extensions, so that the router holds a decoded
/// gzip body to the same limit the server held the bytes on the wire to. Without it a router
/// uses [`DEFAULT_BODY_LIMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

/// Why a request was answered without calling a handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The `X-Amz-Target` header is missing, malformed, or names no operation of this service.
    UnknownOperation(String),
    /// The body is not JSON, or a value has the wrong JSON type.
    Serialization(String),
    /// The input breaks the model's constraints (including missing required members).
    Validation(Vec<ConstraintViolation>),
    /// The body (or what a gzip body decodes to) is larger than the limit, in bytes.
    TooLarge(usize),
}

impl Rejection {
    /// The AWS error code.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::UnknownOperation(_) => "UnknownOperationException",
            Rejection::Serialization(_) => "SerializationException",
            Rejection::Validation(_) => "ValidationException",
            Rejection::TooLarge(_) => "RequestEntityTooLargeException",
        }
    }

    /// The HTTP status: 413 for a body over the limit, 400 for everything else.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::TooLarge(_) => 413,
            _ => 400,
        }
    }

    /// The message sent to the caller.
    pub fn message(&self) -> String {
        match self {
            Rejection::UnknownOperation(m) | Rejection::Serialization(m) => m.clone(),
            Rejection::Validation(v) => summarize(v),
            Rejection::TooLarge(limit) => too_large_message(*limit),
        }
    }

    /// The HTTP response, with [`Rejection::status`].
    pub fn into_response(self, content_type: &'static str) -> HttpResponse {
        let body = serde_json::json!({ "__type": self.code(), "message": self.message() });
        json(
            self.status(),
            self.code(),
            body.to_string().into(),
            content_type,
        )
    }

    /// [`Rejection::into_response`] for an awsQuery-compatible service: also
    /// `x-amzn-query-error: {code};Sender`, since the caller is at fault.
    pub fn into_query_response(self, content_type: &'static str) -> HttpResponse {
        let query = QueryError::new(self.code(), QueryFault::Sender);
        let mut response = self.into_response(content_type);
        set_query_error(&mut response, &query);
        response
    }
}

/// The message of a body over `limit` bytes.
pub fn too_large_message(limit: usize) -> String {
    format!("The request body is larger than the limit of {limit} bytes.")
}

/// The operation named by `X-Amz-Target: {target_prefix}.{Operation}`. The whole prefix is
/// matched before the `.`, since prefixes may hold dots themselves
/// (`com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListTrails`).
pub fn operation_name<'a>(
    request: &'a HttpRequest,
    target_prefix: &str,
) -> Result<&'a str, Rejection> {
    let target = request
        .headers()
        .get("x-amz-target")
        .ok_or_else(|| Rejection::UnknownOperation("missing X-Amz-Target header".to_owned()))?;
    let target = target
        .to_str()
        .map_err(|_| Rejection::UnknownOperation("X-Amz-Target is not valid text".to_owned()))?;
    match target
        .strip_prefix(target_prefix)
        .and_then(|rest| rest.strip_prefix('.'))
    {
        Some(op) if !op.is_empty() => Ok(op),
        _ => Err(Rejection::UnknownOperation(format!(
            "unknown operation `{target}`"
        ))),
    }
}

/// The operation of `operations` whose `X-Amz-Target` is `target`.
pub fn find_operation(
    operations: &'static [&'static OperationMeta],
    target: &str,
) -> Option<&'static OperationMeta> {
    operations.iter().copied().find(|op| op.target == target)
}

/// The body of `request` as the router reads it: decoded when it is gzip
/// (`Content-Encoding: gzip`), borrowed otherwise. A body, or what it decodes to, larger than
/// the request's [`BodyLimit`] is [`Rejection::TooLarge`]; decoding stops at the limit, so a
/// small body that would inflate enormously costs no more than the limit.
pub fn request_body(request: &HttpRequest) -> Result<Cow<'_, [u8]>, Rejection> {
    let limit = request
        .extensions()
        .get::<BodyLimit>()
        .map_or(DEFAULT_BODY_LIMIT, |l| l.0);
    let body: &[u8] = request.body();
    if body.len() > limit {
        return Err(Rejection::TooLarge(limit));
    }
    let Some(encoding) = request.headers().get(CONTENT_ENCODING) else {
        return Ok(Cow::Borrowed(body));
    };
    let encoding = encoding.to_str().unwrap_or_default().trim();
    if encoding.eq_ignore_ascii_case("identity") || encoding.is_empty() {
        Ok(Cow::Borrowed(body))
    } else if encoding.eq_ignore_ascii_case("gzip") {
        gunzip(body, limit).map(Cow::Owned)
    } else {
        Err(Rejection::Serialization(format!(
            "unsupported Content-Encoding `{}`: only gzip is accepted",
            encoding.chars().take(64).collect::<String>()
        )))
    }
}

/// Decodes a gzip body (one or more members), reading at most one byte past `limit`.
#[cfg(feature = "gzip")]
fn gunzip(body: &[u8], limit: usize) -> Result<Vec<u8>, Rejection> {
    use std::io::Read;
    let mut decoded = Vec::with_capacity(body.len().saturating_mul(4).min(limit));
    let bound = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    flate2::read::MultiGzDecoder::new(body)
        .take(bound)
        .read_to_end(&mut decoded)
        .map_err(|e| {
            Rejection::Serialization(format!("the gzip request body cannot be decoded: {e}"))
        })?;
    if decoded.len() > limit {
        return Err(Rejection::TooLarge(limit));
    }
    Ok(decoded)
}

/// Without the `gzip` feature a gzip body cannot be read: the request is refused as one in an
/// encoding the server does not speak.
#[cfg(not(feature = "gzip"))]
fn gunzip(_body: &[u8], _limit: usize) -> Result<Vec<u8>, Rejection> {
    Err(Rejection::Serialization(
        "unsupported Content-Encoding `gzip`: this server is built without the `gzip` feature"
            .to_owned(),
    ))
}

/// The operation a request names (see [`operation_name`]) and its body as the router reads it
/// (see [`request_body`]).
pub fn prepare<'a>(
    request: &'a HttpRequest,
    target_prefix: &str,
) -> Result<(&'a str, Cow<'a, [u8]>), Rejection> {
    let operation = operation_name(request, target_prefix)?;
    let body = request_body(request)?;
    Ok((operation, body))
}

/// Reads the input from a request body (an empty body reads as `{}`) and checks it against
/// the model's constraints.
///
/// An input that does not read as `T` is looked at again as plain JSON against its `shape`:
/// a value of the wrong JSON type is a [`Rejection::Serialization`]; otherwise every
/// required member it lacks, at any depth, is reported at once as a
/// [`Rejection::Validation`]. Other constraints are checked on inputs that read. A body that
/// is not UTF-8 or nests deeper than [`MAX_JSON_DEPTH`](crate::wire::MAX_JSON_DEPTH) is a
/// [`Rejection::Serialization`].
pub fn read_input<T: DeserializeOwned + Validate>(
    body: &[u8],
    shape: &Shape,
) -> Result<T, Rejection> {
    // A body that is not UTF-8, or nests too deep, is refused even where no member reads it.
    let json = crate::wire::json_text(body).map_err(|e| Rejection::Serialization(e.to_string()))?;
    let input: T = serde_json::from_str(json).map_err(|e| explain(json.as_bytes(), shape, e))?;
    let violations = input.violations();
    if violations.is_empty() {
        Ok(input)
    } else {
        Err(Rejection::Validation(violations))
    }
}

/// Why an input did not read: a wrong JSON type, missing required members, or what serde
/// says (malformed JSON, bad base64 or timestamps, numbers out of range).
fn explain(json: &[u8], shape: &Shape, error: serde_json::Error) -> Rejection {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(json) else {
        return Rejection::Serialization(error.to_string());
    };
    match crate::wire::validate::missing_required(&value, shape) {
        Err(wrong) => Rejection::Serialization(wrong.to_string()),
        Ok(missing) if !missing.is_empty() => Rejection::Validation(missing),
        Ok(_) => Rejection::Serialization(error.to_string()),
    }
}

/// A 200 response carrying `output`.
pub fn output_response<T: Serialize>(output: &T, content_type: &'static str) -> HttpResponse {
    // Outputs are often near a kilobyte; one allocation up front beats several regrowths.
    let mut body = Vec::with_capacity(1024);
    match serde_json::to_writer(&mut body, output) {
        Ok(()) => {
            let mut response = http::Response::new(Bytes::from(body));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            response
        }
        Err(e) => internal_error(&format!("cannot serialise the output: {e}"), content_type),
    }
}

/// An error response: `status`, `__type` set to `code`, and the error's members.
pub fn error_response<T: Serialize>(
    status: u16,
    code: &str,
    error: &T,
    content_type: &'static str,
) -> HttpResponse {
    // Only the conversion depends on `T`; the rest is shared by every error type.
    error_value_response(status, code, serde_json::to_value(error), content_type)
}

/// [`error_response`] once the error is a JSON value.
fn error_value_response(
    status: u16,
    code: &str,
    value: Result<serde_json::Value, serde_json::Error>,
    content_type: &'static str,
) -> HttpResponse {
    let mut value = match value {
        Ok(serde_json::Value::Object(map)) => map,
        Ok(_) => serde_json::Map::new(),
        Err(e) => {
            return internal_error(
                &format!("cannot serialise error `{code}`: {e}"),
                content_type,
            )
        }
    };
    value.insert(
        "__type".to_owned(),
        serde_json::Value::String(code.to_owned()),
    );
    let body = serde_json::Value::Object(value).to_string();
    json(status, code, body.into(), content_type)
}

/// [`error_response`] for a modeled error of an awsQuery-compatible service: also
/// `x-amzn-query-error: {query_code};{fault}`, with the error's awsQuery code (the model's, else
/// its awsJson code). An error that cannot be serialised becomes `InternalFailure;Receiver`.
pub fn query_error_response<T: Serialize>(
    status: u16,
    code: &str,
    query_code: &str,
    fault: QueryFault,
    error: &T,
    content_type: &'static str,
) -> HttpResponse {
    let mut response = error_response(status, code, error, content_type);
    let query = if response.status().as_u16() == status {
        QueryError::new(query_code, fault)
    } else {
        QueryError::new("InternalFailure", QueryFault::Receiver)
    };
    set_query_error(&mut response, &query);
    response
}

/// [`unhandled_response`] for an awsQuery-compatible service: also `x-amzn-query-error`, the
/// one the handler set on the error ([`UnhandledError::with_query_error`]), else its code with
/// `Receiver` for a 5xx status and `Sender` otherwise; `InternalFailure;Receiver` for an error
/// without a code.
pub fn unhandled_query_response(
    error: &UnhandledError,
    content_type: &'static str,
) -> HttpResponse {
    let mut response = unhandled_response(error, content_type);
    let query = match (error.error_type(), error.query_error()) {
        (Some(_), Some(query)) => query.clone(),
        (Some(code), None) => {
            QueryError::new(code, QueryFault::from_status(response.status().as_u16()))
        }
        (None, _) => QueryError::new("InternalFailure", QueryFault::Receiver),
    };
    set_query_error(&mut response, &query);
    response
}

/// Sets `x-amzn-query-error`, unless the code cannot be a header value.
fn set_query_error(response: &mut HttpResponse, query: &QueryError) {
    if let Some(value) = query.header_value() {
        response.headers_mut().insert(X_AMZN_QUERY_ERROR, value);
    }
}

/// The response for an error the model does not name: the code and status the handler
/// chose (`UnhandledError::service`), or 500 `InternalFailure`. The code is the awsJson one
/// ([`UnhandledError::error_type`]).
pub fn unhandled_response(error: &UnhandledError, content_type: &'static str) -> HttpResponse {
    match error.error_type() {
        Some(code) => {
            let status = error.status().unwrap_or(400);
            let body = serde_json::json!({ "__type": code, "message": error.message().unwrap_or_default() });
            json(status, code, body.to_string().into(), content_type)
        }
        None => internal_error(&error.to_string(), content_type),
    }
}

/// A 500 `InternalFailure` response, for handler errors the model does not name.
pub fn internal_error(message: &str, content_type: &'static str) -> HttpResponse {
    let body = serde_json::json!({ "__type": "InternalFailure", "message": message });
    json(
        500,
        "InternalFailure",
        body.to_string().into(),
        content_type,
    )
}

fn json(status: u16, code: &str, body: Bytes, content_type: &'static str) -> HttpResponse {
    let mut response = http::Response::new(body);
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(code) {
        headers.insert(X_AMZN_ERROR_TYPE, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(target: &str, body: Vec<u8>, gzip: bool) -> HttpRequest {
        let mut builder = http::Request::builder()
            .method("POST")
            .uri("/")
            .header("x-amz-target", target);
        if gzip {
            builder = builder.header("content-encoding", "gzip");
        }
        builder.body(Bytes::from(body)).unwrap()
    }

    #[cfg(feature = "gzip")]
    fn gzip(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn a_target_prefix_with_dots_routes_by_the_whole_prefix() {
        let prefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101";
        let r = request(&format!("{prefix}.ListTrails"), Vec::new(), false);
        assert_eq!(operation_name(&r, prefix), Ok("ListTrails"));
        for bad in [
            "com.amazonaws.cloudtrail.v20131101.ListTrails",
            "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101",
            "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.",
            "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101x.ListTrails",
        ] {
            let r = request(bad, Vec::new(), false);
            assert!(
                matches!(
                    operation_name(&r, prefix),
                    Err(Rejection::UnknownOperation(_))
                ),
                "{bad}"
            );
        }
        let r = request("Simple.Op", Vec::new(), false);
        assert_eq!(operation_name(&r, "Simple"), Ok("Op"));
    }

    #[cfg(feature = "gzip")]
    #[test]
    fn a_gzip_body_is_decoded() {
        let r = request("P.Op", gzip(br#"{"A":1}"#), true);
        let (op, body) = prepare(&r, "P").unwrap();
        assert_eq!(op, "Op");
        assert_eq!(&*body, br#"{"A":1}"#);
        let plain = request("P.Op", b"{}".to_vec(), false);
        assert!(matches!(request_body(&plain), Ok(Cow::Borrowed(b"{}"))));
    }

    #[cfg(feature = "gzip")]
    #[test]
    fn a_gzip_bomb_stops_at_the_limit() {
        // 16 MiB of zeros compress to about 16 KiB.
        let bomb = gzip(&vec![0u8; 16 << 20]);
        assert!(bomb.len() < 64 * 1024);
        let mut r = request("P.Op", bomb, true);
        r.extensions_mut().insert(BodyLimit(1 << 20));
        let rejection = request_body(&r).unwrap_err();
        assert_eq!(rejection, Rejection::TooLarge(1 << 20));
        let response = rejection.into_response("application/x-amz-json-1.1");
        assert_eq!(response.status(), 413);
        assert_eq!(
            response.headers()[X_AMZN_ERROR_TYPE],
            "RequestEntityTooLargeException"
        );
        // The default limit applies without the extension.
        let r = request("P.Op", gzip(&vec![b' '; DEFAULT_BODY_LIMIT + 1]), true);
        assert_eq!(
            request_body(&r).unwrap_err(),
            Rejection::TooLarge(DEFAULT_BODY_LIMIT)
        );
    }

    #[test]
    fn query_compatible_errors_carry_the_query_code_and_fault() {
        let ct = "application/x-amz-json-1.0";
        let gone = serde_json::json!({ "message": "no" });
        let r = query_error_response(
            400,
            "QueueDoesNotExist",
            "AWS.SimpleQueueService.NonExistentQueue",
            QueryFault::Sender,
            &gone,
            ct,
        );
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()[X_AMZN_ERROR_TYPE], "QueueDoesNotExist");
        assert_eq!(
            r.headers()[X_AMZN_QUERY_ERROR],
            "AWS.SimpleQueueService.NonExistentQueue;Sender"
        );
        let plain = error_response(400, "QueueDoesNotExist", &gone, ct);
        assert!(plain.headers().get(X_AMZN_QUERY_ERROR).is_none());

        let busy = UnhandledError::service("Busy", "later").with_status_and_body(503, Bytes::new());
        let r = unhandled_query_response(&busy, ct);
        assert_eq!(r.headers()[X_AMZN_QUERY_ERROR], "Busy;Receiver");
        let chosen = UnhandledError::service("Odd", "m")
            .with_query_error(QueryError::new("AWS.Odd", QueryFault::Sender));
        let r = unhandled_query_response(&chosen, ct);
        assert_eq!(r.headers()[X_AMZN_ERROR_TYPE], "Odd");
        assert_eq!(r.headers()[X_AMZN_QUERY_ERROR], "AWS.Odd;Sender");
        assert!(String::from_utf8_lossy(r.body()).contains(r#""__type":"Odd""#));
        let anonymous = UnhandledError::new(crate::ErrorKind::Transport, "down");
        let r = unhandled_query_response(&anonymous, ct);
        assert_eq!(r.status(), 500);
        assert_eq!(r.headers()[X_AMZN_QUERY_ERROR], "InternalFailure;Receiver");

        let r = Rejection::Serialization("bad".into()).into_query_response(ct);
        assert_eq!(
            r.headers()[X_AMZN_QUERY_ERROR],
            "SerializationException;Sender"
        );
        let r = Rejection::TooLarge(1).into_query_response(ct);
        assert_eq!(r.status(), 413);
        assert_eq!(
            r.headers()[X_AMZN_QUERY_ERROR],
            "RequestEntityTooLargeException;Sender"
        );
    }

    #[test]
    fn broken_gzip_and_unknown_encodings_are_serialization_errors() {
        let r = request("P.Op", b"not gzip".to_vec(), true);
        assert!(matches!(request_body(&r), Err(Rejection::Serialization(m)) if m.contains("gzip")));
        let mut r = request("P.Op", b"{}".to_vec(), false);
        r.headers_mut()
            .insert(CONTENT_ENCODING, HeaderValue::from_static("br"));
        assert!(matches!(request_body(&r), Err(Rejection::Serialization(m)) if m.contains("br")));
    }
}
