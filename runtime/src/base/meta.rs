//! The static facts a generated crate declares about its service and each operation: what
//! the client sends and signs with, and what the server routes and answers by. Both sides
//! read these; nothing here does anything with them.

use crate::endpoint::CompiledRules;

/// Static facts about a service, declared by the generated crate.
#[derive(Debug)]
pub struct ServiceMeta {
    /// The SDK id, e.g. `Cognito Identity`.
    pub service_id: &'static str,
    /// The API version, e.g. `2014-06-30`.
    pub api_version: &'static str,
    /// The `X-Amz-Target` prefix.
    pub target_prefix: &'static str,
    /// The request and response content type (`application/x-amz-json-1.1`).
    pub content_type: &'static str,
    /// The SigV4 signing name.
    pub signing_name: &'static str,
    /// The endpoint prefix (the first label of the default host name).
    pub endpoint_prefix: &'static str,
    /// The endpoint rules compiled from the model's rule set, when it has one.
    pub endpoint_rules: Option<CompiledRules>,
    /// The generated crate's package name, for the `User-Agent` header.
    pub crate_name: &'static str,
    /// The generated crate's version, for the `User-Agent` header.
    pub crate_version: &'static str,
}

/// Static facts about one operation, declared by the generated crate.
#[derive(Debug)]
pub struct OperationMeta {
    /// The operation name, e.g. `GetId`.
    pub name: &'static str,
    /// The full `X-Amz-Target` value, e.g. `AWSCognitoIdentityService.GetId`.
    pub target: &'static str,
    /// True when the request is sent unsigned.
    pub unsigned: bool,
    /// True when the model marks the operation idempotent.
    pub idempotent: bool,
    /// How the operation pages, if it does.
    pub pagination: Option<PaginationMeta>,
    /// True when the model lets the request body be gzip-compressed (`requestCompression`).
    pub gzip_request: bool,
}

/// How a paginated operation pages through results.
#[derive(Debug)]
pub struct PaginationMeta {
    /// The input member carrying the continuation token.
    pub input_token: &'static str,
    /// The output member carrying the next token.
    pub output_token: &'static str,
    /// The input member limiting the page size.
    pub page_size: Option<&'static str>,
    /// The output member holding the page's items.
    pub items: Option<&'static str>,
}
