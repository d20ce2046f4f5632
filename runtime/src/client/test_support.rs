//! What the runtime's unit tests share: an operation error type for the generic machinery
//! (paging, mocks) to be tested with, and a service without endpoint rules, without a
//! generated crate.

use std::fmt;

use crate::base::http::HttpResponse;
use crate::wire::error::{ErrorResponse, OperationError, UnhandledError};
use crate::wire::retryable::RetryKind;

/// The smallest [`OperationError`]: every error is unhandled, none is retried.
#[derive(Debug)]
pub(crate) struct TestError(pub(crate) UnhandledError);

impl fmt::Display for TestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for TestError {}

impl OperationError for TestError {
    fn from_response(response: &ErrorResponse) -> Self {
        TestError(response.unhandled())
    }
    fn from_unhandled(error: UnhandledError) -> Self {
        TestError(error)
    }
    fn retry_kind(&self) -> Option<RetryKind> {
        None
    }
    fn to_response(&self, _: &'static str) -> HttpResponse {
        HttpResponse::default()
    }
}

/// A service without endpoint rules, for tests that send requests to an explicit endpoint.
pub(crate) static EXAMPLE_SERVICE: crate::ServiceMeta = crate::ServiceMeta {
    service_id: "Example",
    api_version: "2020-01-01",
    target_prefix: "Example",
    content_type: "application/x-amz-json-1.1",
    signing_name: "example",
    endpoint_prefix: "example",
    endpoint_rules: None,
    crate_name: "example",
    crate_version: "0.1.0",
};
