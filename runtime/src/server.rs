//! The server side of awsJson: picking the operation from `X-Amz-Target`, reading and
//! checking the input, and writing outputs and errors the way AWS services do.
//!
//! A generated router calls these in order: [`operation_name`], [`read_input`], the user's
//! handler, then [`output_response`] or [`error_response`]. Requests that never reach a
//! handler are answered with a [`Rejection`].

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::UnhandledError;
use crate::transport::{HttpRequest, HttpResponse, X_AMZN_ERROR_TYPE};
use crate::validate::{summarize, ConstraintViolation, Validate};

/// Why a request was answered without calling a handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The `X-Amz-Target` header is missing, malformed, or names no operation of this service.
    UnknownOperation(String),
    /// The body is not JSON, or a value has the wrong JSON type.
    Serialization(String),
    /// The input breaks the model's constraints (including missing required members).
    Validation(Vec<ConstraintViolation>),
}

impl Rejection {
    /// The AWS error code.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::UnknownOperation(_) => "UnknownOperationException",
            Rejection::Serialization(_) => "SerializationException",
            Rejection::Validation(_) => "ValidationException",
        }
    }

    /// The message sent to the caller.
    pub fn message(&self) -> String {
        match self {
            Rejection::UnknownOperation(m) | Rejection::Serialization(m) => m.clone(),
            Rejection::Validation(v) => summarize(v),
        }
    }

    /// The HTTP response (always 400).
    pub fn into_response(self, content_type: &'static str) -> HttpResponse {
        let body = serde_json::json!({ "__type": self.code(), "message": self.message() });
        json(400, self.code(), body.to_string().into(), content_type)
    }
}

/// The operation named by `X-Amz-Target: {target_prefix}.{Operation}`.
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
    match target.split_once('.') {
        Some((prefix, op)) if prefix == target_prefix && !op.is_empty() => Ok(op),
        _ => Err(Rejection::UnknownOperation(format!(
            "unknown operation `{target}`"
        ))),
    }
}

/// Reads the input from a request body (an empty body reads as `{}`) and checks it against
/// the model's constraints.
pub fn read_input<T: DeserializeOwned + Validate>(body: &[u8]) -> Result<T, Rejection> {
    let json = crate::wire::json_or_empty_object(body);
    let input: T = serde_json::from_slice(json).map_err(classify)?;
    let violations = input.violations();
    if violations.is_empty() {
        Ok(input)
    } else {
        Err(Rejection::Validation(violations))
    }
}

/// A missing required member is a validation error; everything else serde rejects is a
/// serialization error.
fn classify(e: serde_json::Error) -> Rejection {
    let text = e.to_string();
    // serde reports a missing field as "missing field `Name`" (its documented default for
    // `de::Error::missing_field`); that is the only data error AWS calls a validation error.
    if let Some(rest) = text.strip_prefix("missing field `") {
        if let Some(name) = rest.split('`').next() {
            let path = crate::validate::Path::Root;
            let path = path.member(name);
            return Rejection::Validation(vec![ConstraintViolation {
                path: path.to_string(),
                message: format!(
                    "Value null at '{path}' failed to satisfy constraint: Member must not be null"
                ),
            }]);
        }
    }
    Rejection::Serialization(text)
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
    let mut value = match serde_json::to_value(error) {
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

/// The response for an error the model does not name: the code and status the handler
/// chose (`UnhandledError::service`), or 500 `InternalFailure`.
pub fn unhandled_response(error: &UnhandledError, content_type: &'static str) -> HttpResponse {
    match error.code() {
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
