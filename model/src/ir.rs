//! The intermediate representation: one typed, validated description of a service.
//!
//! Both readers (botocore JSON and the Smithy JSON AST) lower into these types, and the
//! code generator reads nothing else. The IR holds facts about the API, never Rust syntax.
//! Values are kept in sorted collections so that everything derived from the IR is
//! deterministic.

use std::collections::BTreeMap;

use serde::Serialize;

/// The name of a shape, without any Smithy namespace (`IdentityPoolId`, `GetIdInput`).
pub type ShapeName = String;

/// A whole service, as read from one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    /// Identity, protocol and signing facts from the model's metadata.
    pub metadata: Metadata,
    /// The service's documentation (HTML, verbatim from the model).
    pub docs: Option<String>,
    /// Every operation, sorted by name.
    pub operations: Vec<Operation>,
    /// Every shape reachable or declared in the model, by name.
    pub shapes: BTreeMap<ShapeName, Shape>,
    /// The endpoint rule set (`smithy.rules#endpointRuleSet`), kept as JSON for the runtime's
    /// evaluator. `None` when the model carries none.
    pub endpoint_rules: Option<serde_json::Value>,
    /// Operations of the model left out of `operations` because they use a feature the
    /// generator does not support, sorted by operation name. The shapes only they reach are
    /// left out of `shapes` too. The code generator lists these in the crate's docs.
    pub unsupported: Vec<Unsupported>,
}

/// An operation left out of the IR, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unsupported {
    /// The operation name, e.g. `SubscribeToShard`.
    pub operation: String,
    /// What it uses that is not supported, e.g. `event streams`.
    pub reason: String,
}

/// Identity, protocol and signing facts about a service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metadata {
    /// The SDK identifier, e.g. `Cognito Identity` (botocore `serviceId`, Smithy `sdkId`).
    pub service_id: String,
    /// The full human name, e.g. `Amazon Cognito Identity`.
    pub full_name: String,
    /// The API version, e.g. `2014-06-30`.
    pub api_version: String,
    /// The wire protocol.
    pub protocol: Protocol,
    /// The `X-Amz-Target` prefix, e.g. `AWSCognitoIdentityService`. `None` when the model
    /// declares none (botocore metadata without `targetPrefix`): such a model can still
    /// describe how responses are read, but its client cannot send a request and its router
    /// routes nothing (see the code generator's client and server emitters).
    pub target_prefix: Option<String>,
    /// The SigV4 signing name, e.g. `cognito-identity`.
    pub signing_name: String,
    /// The endpoint prefix, e.g. `cognito-identity`.
    pub endpoint_prefix: String,
    /// The service's auth schemes, in order of preference.
    pub auth: Vec<AuthScheme>,
    /// True when the service is awsQuery-compatible (Smithy `aws.protocols#awsQueryCompatible`,
    /// botocore `metadata.awsQueryCompatible`): it moved from the awsQuery protocol to awsJson
    /// and still names its errors by their awsQuery codes ([`ErrorTrait::query_code`]) in the
    /// `x-amzn-query-error` response header, and clients say so with `x-amzn-query-mode`.
    pub query_compatible: bool,
}

/// The JSON protocol variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Protocol {
    /// `application/x-amz-json-1.0`.
    AwsJson1_0,
    /// `application/x-amz-json-1.1`.
    AwsJson1_1,
}

impl Protocol {
    /// The JSON version as written in the content type (`1.0` or `1.1`).
    pub fn json_version(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => "1.0",
            Protocol::AwsJson1_1 => "1.1",
        }
    }

    /// The request and response content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => "application/x-amz-json-1.0",
            Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
        }
    }
}

/// An authentication scheme.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum AuthScheme {
    /// AWS Signature Version 4.
    SigV4,
    /// Bearer token.
    Bearer,
    /// No authentication (the request is not signed).
    NoAuth,
}

/// One operation of the service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operation {
    /// The operation name, e.g. `GetId`; also the suffix of `X-Amz-Target`.
    pub name: String,
    /// The input structure, or `None` when the operation takes no input.
    pub input: Option<ShapeName>,
    /// The output structure, or `None` when the operation returns nothing.
    pub output: Option<ShapeName>,
    /// The modeled errors (structure shapes with an error trait), sorted by name, including
    /// errors the service declares for every operation.
    pub errors: Vec<ShapeName>,
    /// Documentation (HTML, verbatim).
    pub docs: Option<String>,
    /// Set when the operation is deprecated.
    pub deprecated: Option<Deprecated>,
    /// True when requests for this operation are sent unsigned (botocore `authtype: none`,
    /// Smithy `@auth([])` / `@optionalAuth`).
    pub unsigned: bool,
    /// Pagination, when the operation is paginated.
    pub pagination: Option<Pagination>,
    /// Host prefix from the endpoint trait (`{Label}.data.`), with labels naming input members.
    pub host_prefix: Option<String>,
    /// The host prefix as the client builds it, decided by [`crate::passes`]: text and input
    /// members in order. Empty when the operation has none.
    pub host_segments: Vec<HostSegment>,
    /// Content encodings the request body may be compressed with (e.g. `gzip`).
    pub request_compression: Vec<String>,
    /// True when the operation is idempotent.
    pub idempotent: bool,
}

/// A piece of a host prefix template: literal text, or a label filled from the input
/// member of that name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPart {
    /// Text copied as is, e.g. `data.`.
    Text(String),
    /// `{Name}`: the value of the input member `Name`.
    Label(String),
}

/// A piece of a host prefix as the client builds it ([`Operation::host_segments`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum HostSegment {
    /// Text copied as is, e.g. `data.`.
    Text(String),
    /// The value of an input member (a string), by its model name.
    Member {
        /// The input structure.
        shape: ShapeName,
        /// The member's model name.
        name: String,
        /// True when the member is required; an unset optional one is an empty label, which
        /// the client rejects before sending.
        required: bool,
    },
}

/// Splits a host prefix template such as `{AccountId}.data.` into its parts; an unbalanced
/// or empty `{}` is an error that quotes the template.
pub fn host_prefix_parts(template: &str) -> Result<Vec<HostPart>, String> {
    let mut parts = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            Some(0) if rest.starts_with('{') => {
                let end = rest
                    .find('}')
                    .ok_or_else(|| format!("host prefix `{template}` has an unclosed `{{`"))?;
                let label = &rest[1..end];
                if label.is_empty() || label.contains('{') {
                    return Err(format!(
                        "host prefix `{template}` has a malformed label `{{{label}}}`"
                    ));
                }
                parts.push(HostPart::Label(label.to_owned()));
                rest = &rest[end + 1..];
            }
            Some(0) => {
                return Err(format!("host prefix `{template}` has an unmatched `}}`"));
            }
            Some(i) => {
                parts.push(HostPart::Text(rest[..i].to_owned()));
                rest = &rest[i..];
            }
            None => {
                parts.push(HostPart::Text(rest.to_owned()));
                rest = "";
            }
        }
    }
    Ok(parts)
}

/// How an operation pages through results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pagination {
    /// Input member that carries the continuation token.
    pub input_token: String,
    /// Output member (or dotted path) that carries the next token.
    pub output_token: String,
    /// Input member that limits the page size, if any.
    pub page_size: Option<String>,
    /// Output member (or dotted path) holding the items of a page, if any.
    pub items: Option<String>,
    /// The pages helper a client offers, decided by [`crate::passes`]; `None` when the
    /// tokens are not top-level optional string members of the input and output (the
    /// metadata above is then all there is).
    pub helper: Option<PagesHelper>,
}

/// What a client's pages helper follows: the token members, and the items of a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PagesHelper {
    /// The input structure.
    pub input: ShapeName,
    /// The output structure.
    pub output: ShapeName,
    /// The items of a page: a top-level, directly stored list member of the output; `None`
    /// when the model names none or names a nested path.
    pub items: Option<PageItems>,
}

/// The list member of an output that holds a page's items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageItems {
    /// The member's model name.
    pub member: String,
    /// The shape of one item.
    pub element: ShapeName,
    /// True when the list is sparse (items may be `null`).
    pub sparse: bool,
    /// True when the member is required.
    pub required: bool,
}

/// One named shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shape {
    /// The shape name.
    pub name: ShapeName,
    /// What kind of value the shape describes.
    pub kind: ShapeKind,
    /// Documentation (HTML, verbatim).
    pub docs: Option<String>,
    /// Constraints on the shape's values.
    pub constraints: Constraints,
    /// True when values of this shape must never be logged (`sensitive`).
    pub sensitive: bool,
    /// Set when the shape is deprecated.
    pub deprecated: Option<Deprecated>,
    /// Set when the shape is an error structure.
    pub error: Option<ErrorTrait>,
}

/// The kinds of shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ShapeKind {
    /// A structure with named members.
    Structure(Vec<Member>),
    /// A tagged union: exactly one member is set.
    Union(Vec<Member>),
    /// A list of the member's target.
    List {
        /// The element.
        member: Member,
        /// True when the list may hold nulls (`sparse`).
        sparse: bool,
    },
    /// A map from string (or string enum) keys to values.
    Map {
        /// The key (targets a string or enum shape).
        key: Member,
        /// The value.
        value: Member,
        /// True when the map may hold null values (`sparse`).
        sparse: bool,
    },
    /// A UTF-8 string.
    String,
    /// A string restricted to named values.
    Enum(Vec<EnumValue>),
    /// An integer restricted to named values.
    IntEnum(Vec<IntEnumValue>),
    /// `true` or `false`.
    Boolean,
    /// 8-bit signed integer.
    Byte,
    /// 16-bit signed integer.
    Short,
    /// 32-bit signed integer.
    Integer,
    /// 64-bit signed integer.
    Long,
    /// 32-bit float.
    Float,
    /// 64-bit float.
    Double,
    /// Arbitrary-precision integer.
    BigInteger,
    /// Arbitrary-precision decimal.
    BigDecimal,
    /// Binary data (base64 on the wire).
    Blob,
    /// An instant; the format applies unless a member overrides it.
    Timestamp(TimestampFormat),
    /// Untyped JSON.
    Document,
}

impl ShapeKind {
    /// True for the number kinds (`byte` to `bigDecimal`), the kinds a range constrains.
    pub fn is_number(&self) -> bool {
        matches!(
            self,
            ShapeKind::Byte
                | ShapeKind::Short
                | ShapeKind::Integer
                | ShapeKind::Long
                | ShapeKind::Float
                | ShapeKind::Double
                | ShapeKind::BigInteger
                | ShapeKind::BigDecimal
        )
    }

    /// Every member of the shape: a structure's or union's members, a list's member, a
    /// map's key and value; none for scalars.
    pub fn members(&self) -> Vec<&Member> {
        match self {
            ShapeKind::Structure(ms) | ShapeKind::Union(ms) => ms.iter().collect(),
            ShapeKind::List { member, .. } => vec![member],
            ShapeKind::Map { key, value, .. } => vec![key, value],
            _ => Vec::new(),
        }
    }

    /// Every member of the shape, mutably (see [`ShapeKind::members`]).
    pub fn members_mut(&mut self) -> Vec<&mut Member> {
        match self {
            ShapeKind::Structure(ms) | ShapeKind::Union(ms) => ms.iter_mut().collect(),
            ShapeKind::List { member, .. } => vec![member],
            ShapeKind::Map { key, value, .. } => vec![key, value],
            _ => Vec::new(),
        }
    }
}

/// How a timestamp is written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum TimestampFormat {
    /// Seconds since the Unix epoch as a JSON number with optional fraction (awsJson's default).
    EpochSeconds,
    /// RFC 3339 date-time string (`iso8601` in botocore).
    DateTime,
    /// RFC 7231 IMF-fixdate string (`rfc822` in botocore).
    HttpDate,
}

/// A member of a structure, union, list or map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    /// The member name as written on the wire (`IdentityPoolId`). For list members,
    /// map keys and map values it is `member`, `key` and `value`.
    pub name: String,
    /// The shape the member targets.
    pub target: ShapeName,
    /// True when the member must be present.
    pub required: bool,
    /// The model's default value, as JSON; documentation only for the generated code.
    pub default: Option<serde_json::Value>,
    /// Documentation (HTML, verbatim).
    pub docs: Option<String>,
    /// Set when the member is deprecated.
    pub deprecated: Option<Deprecated>,
    /// True when the client should fill the member with a fresh token when unset.
    pub idempotency_token: bool,
    /// A timestamp format that overrides the target's, when the member sets one.
    pub timestamp_format: Option<TimestampFormat>,
    /// Decided by a pass: true when the member's value, or its target shape, is sensitive
    /// (including service customizations).
    pub sensitive: bool,
    /// Decided by a pass: true when the member must be stored behind a pointer (`Box`)
    /// because it closes a cycle of structure or union references.
    pub indirect: bool,
    /// Decided by a pass: how the member's value is written on the wire.
    pub wire: WireForm,
}

/// How a value is written on the wire, decided by [`crate::passes`] from the target shape
/// and the member's timestamp format.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub enum WireForm {
    /// The Rust value's own serde form: structures, unions, enums, strings, integers,
    /// booleans, blobs, documents and epoch-seconds timestamps.
    #[default]
    Plain,
    /// A timestamp as an RFC 3339 string.
    DateTime,
    /// A timestamp as an HTTP date.
    HttpDate,
    /// A `float`, with `NaN` and the infinities as strings.
    Float,
    /// A `double` (or `bigDecimal`), with `NaN` and the infinities as strings.
    Double,
    /// A list; a dense one drops `null` elements when read.
    List {
        /// True when elements may be `null`.
        sparse: bool,
        /// The elements.
        element: Box<Element>,
    },
    /// A map; a dense one drops entries whose value is `null` when read.
    Map {
        /// True when values may be `null`.
        sparse: bool,
        /// The key shape (a string or string enum).
        key: ShapeName,
        /// The values.
        value: Box<Element>,
    },
}

/// The elements of a list or the values of a map, with their own wire form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Element {
    /// The element shape.
    pub target: ShapeName,
    /// How each element is written.
    pub wire: WireForm,
}

/// A named value of a string enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumValue {
    /// The name of the value; both readers use the wire value, since botocore has no other.
    pub name: String,
    /// The string on the wire (`AuthenticatedRole`).
    pub value: String,
    /// Documentation (HTML, verbatim).
    pub docs: Option<String>,
}

/// A named value of an integer enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntEnumValue {
    /// The model's name for the value.
    pub name: String,
    /// The integer on the wire.
    pub value: i64,
    /// Documentation (HTML, verbatim).
    pub docs: Option<String>,
}

/// Constraints on a shape's values.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    /// Minimum length (characters for strings, bytes for blobs, entries for lists and maps).
    pub min_length: Option<u64>,
    /// Maximum length.
    pub max_length: Option<u64>,
    /// Minimum numeric value.
    pub min_value: Option<f64>,
    /// Maximum numeric value.
    pub max_value: Option<f64>,
    /// A regular expression that string values must match (unanchored, ECMA 262 style).
    pub pattern: Option<String>,
    /// Decided by a pass ([`crate::pattern`]): how `pattern` is checked at run time. `Some`
    /// exactly when `pattern` is.
    pub pattern_check: Option<PatternCheck>,
}

/// How a model pattern is checked at run time, decided when the model is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PatternCheck {
    /// Checked with an automaton over characters, built when the model was read from
    /// `regex` (the full engine's translation of the model's text).
    Automaton {
        /// The text the automaton was built from.
        regex: String,
        /// The automaton.
        automaton: crate::automaton::Automaton,
    },
    /// Checked with `regex-lite`, which compiles `regex`: the model's text in Rust syntax.
    Lite {
        /// The text the runtime compiles.
        regex: String,
    },
    /// Checked with the full `regex` engine, which the pattern needs for its Unicode classes
    /// (or for another construct `regex-lite` lacks, such as nested classes).
    Unicode {
        /// The text the runtime compiles.
        regex: String,
    },
    /// Not checked: no Rust regex engine can express the pattern.
    Unenforced {
        /// Why, naming the construct (`it uses negative look-ahead ...`).
        reason: String,
    },
}

/// Deprecation facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deprecated {
    /// Why, or what to use instead.
    pub message: Option<String>,
    /// Since when.
    pub since: Option<String>,
}

/// What makes a structure an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorTrait {
    /// Whose fault the error is.
    pub fault: Fault,
    /// The HTTP status the service answers with (400 for client errors and 500 for
    /// server errors unless the model says otherwise).
    pub http_status: u16,
    /// The error code on the wire (`__type`): awsJson names errors by their shape name.
    pub code: String,
    /// The awsQuery error code the model also gives (botocore `error.code`, Smithy
    /// `awsQueryError`), which only query-compatible services send, in a separate header.
    pub query_code: Option<String>,
    /// Set when a client may retry the call.
    pub retryable: Option<Retryable>,
    /// The member that carries the message (a string member named `message`, `Message` or
    /// `errorMessage`), decided by [`crate::passes`].
    pub message_member: Option<String>,
}

/// Whose fault an error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Fault {
    /// The caller's request was wrong.
    Client,
    /// The service failed.
    Server,
}

/// Retry facts of an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Retryable {
    /// True when the error means the caller is being throttled.
    pub throttling: bool,
}
