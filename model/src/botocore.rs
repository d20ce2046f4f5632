//! Serde mirrors of botocore's JSON files: `service-2.json`, `paginators-1.json` (the endpoint
//! rule set is kept as plain JSON).
//!
//! These types are raw: they say what the files contain, not what it means. They accept every
//! key that real botocore json-protocol models use and ignore keys they do not know, so a new
//! key in an AWS release does not break reading. Interpreting the values (defaults, kinds,
//! constraints) is the job of `lower::botocore`; nothing here validates.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::Deserialize as DeriveDeserialize;

/// A JSON object whose entries keep the order of the document, as structure members must:
/// the order of members is the order of fields in generated code.
///
/// A key that appears twice is a deserialization error rather than a silent overwrite.
#[derive(Debug, Clone, PartialEq)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<T> Ordered<T> {
    /// The entries in document order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The value stored under `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for OrderedVisitor<T> {
            type Value = Ordered<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries: Vec<(String, T)> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
                    }
                    let value = map.next_value::<T>()?;
                    entries.push((key, value));
                }
                Ok(Ordered(entries))
            }
        }

        deserializer.deserialize_map(OrderedVisitor(PhantomData))
    }
}

/// The whole of `service-2.json`.
#[derive(Debug, Clone, DeriveDeserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// The format version (`2.0`).
    #[serde(default)]
    pub version: Option<String>,
    /// Service-wide facts.
    pub metadata: Metadata,
    /// Operations by name.
    #[serde(default)]
    pub operations: BTreeMap<String, Operation>,
    /// Shapes by name.
    #[serde(default)]
    pub shapes: BTreeMap<String, Shape>,
    /// The service's documentation (HTML).
    #[serde(default)]
    pub documentation: Option<String>,
}

/// The `metadata` object.
#[derive(Debug, Clone, Default, DeriveDeserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// API version, e.g. `2014-06-30`.
    #[serde(default)]
    pub api_version: Option<String>,
    /// DNS prefix of the endpoint.
    #[serde(default)]
    pub endpoint_prefix: Option<String>,
    /// `1.0` or `1.1` for the json protocol.
    #[serde(default)]
    pub json_version: Option<String>,
    /// The preferred protocol (`json`, `rest-json`, `query`, ...).
    #[serde(default)]
    pub protocol: Option<String>,
    /// Every protocol the service speaks, in order of preference.
    #[serde(default)]
    pub protocols: Option<Vec<String>>,
    /// Human name, e.g. `Amazon Cognito Identity`.
    #[serde(default)]
    pub service_full_name: Option<String>,
    /// Short human name, present in older models.
    #[serde(default)]
    pub service_abbreviation: Option<String>,
    /// SDK identifier, e.g. `Cognito Identity`.
    #[serde(default)]
    pub service_id: Option<String>,
    /// `v4`, `bearer`, ...
    #[serde(default)]
    pub signature_version: Option<String>,
    /// SigV4 signing name, when it differs from the endpoint prefix.
    #[serde(default)]
    pub signing_name: Option<String>,
    /// The `X-Amz-Target` prefix.
    #[serde(default)]
    pub target_prefix: Option<String>,
    /// Unique model id, e.g. `cognito-identity-2014-06-30`.
    #[serde(default)]
    pub uid: Option<String>,
    /// Auth scheme ids in order of preference (`aws.auth#sigv4`, `smithy.api#noAuth`, ...).
    #[serde(default)]
    pub auth: Option<Vec<String>>,
    /// Present (as `{}`) when the service is awsQuery-compatible; its value says nothing.
    #[serde(default)]
    pub aws_query_compatible: Option<serde::de::IgnoredAny>,
}

/// A reference to a shape (`{"shape": "Name"}`), as used by operation inputs and outputs.
#[derive(Debug, Clone, DeriveDeserialize)]
pub struct ShapeRef {
    /// The target shape's name.
    pub shape: String,
    /// Documentation on the reference (HTML).
    #[serde(default)]
    pub documentation: Option<String>,
}

/// One entry of `operations`.
#[derive(Debug, Clone, DeriveDeserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    /// The operation's name (the `X-Amz-Target` suffix).
    #[serde(default)]
    pub name: Option<String>,
    /// The input structure.
    #[serde(default)]
    pub input: Option<ShapeRef>,
    /// The output structure.
    #[serde(default)]
    pub output: Option<ShapeRef>,
    /// Modeled errors.
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    /// Documentation (HTML).
    #[serde(default)]
    pub documentation: Option<String>,
    /// `none` for unsigned operations, `v4`, ...
    #[serde(default)]
    pub authtype: Option<String>,
    /// Auth scheme ids for this operation; `smithy.api#noAuth` first means unsigned.
    #[serde(default)]
    pub auth: Option<Vec<String>>,
    /// True when the operation is deprecated.
    #[serde(default)]
    pub deprecated: bool,
    /// Why it is deprecated.
    #[serde(default)]
    pub deprecated_message: Option<String>,
    /// Host prefix settings.
    #[serde(default)]
    pub endpoint: Option<Endpoint>,
    /// Request compression settings.
    #[serde(default)]
    pub requestcompression: Option<RequestCompression>,
    /// True when the operation is idempotent.
    #[serde(default)]
    pub idempotent: bool,
}

/// An operation's `endpoint` object.
#[derive(Debug, Clone, DeriveDeserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// The host prefix, e.g. `{Bucket}.data.`.
    #[serde(default)]
    pub host_prefix: Option<String>,
}

/// An operation's `requestcompression` object.
#[derive(Debug, Clone, DeriveDeserialize)]
pub struct RequestCompression {
    /// Supported encodings, e.g. `gzip`.
    #[serde(default)]
    pub encodings: Vec<String>,
}

/// A member of a structure, or the member, key or value of a list or map.
#[derive(Debug, Clone, DeriveDeserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The target shape's name.
    pub shape: String,
    /// Documentation (HTML).
    #[serde(default)]
    pub documentation: Option<String>,
    /// True when the client fills the member with a fresh token if unset.
    #[serde(default)]
    pub idempotency_token: bool,
    /// True when the member is deprecated.
    #[serde(default)]
    pub deprecated: bool,
    /// Why it is deprecated.
    #[serde(default)]
    pub deprecated_message: Option<String>,
    /// Since when it is deprecated.
    #[serde(default)]
    pub deprecated_since: Option<String>,
    /// Timestamp format override (`unixTimestamp`, `iso8601`, `rfc822`).
    #[serde(default)]
    pub timestamp_format: Option<String>,
    /// True when a header carries JSON (REST protocols only; kept for completeness).
    #[serde(default)]
    pub jsonvalue: bool,
    /// Legacy boxing hint; has no meaning for the IR.
    #[serde(default, rename = "box")]
    pub boxed: bool,
    /// The name on the wire, when it differs from the member name.
    #[serde(default)]
    pub location_name: Option<String>,
    /// Where the member is bound in HTTP (`header`, `uri`, ...); REST protocols only.
    #[serde(default)]
    pub location: Option<String>,
}

/// An error structure's `error` object.
#[derive(Debug, Clone, DeriveDeserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorInfo {
    /// The error code on the wire, when it differs from the shape name.
    #[serde(default)]
    pub code: Option<String>,
    /// The HTTP status the service answers with.
    #[serde(default)]
    pub http_status_code: Option<u16>,
    /// True when the caller is at fault.
    #[serde(default)]
    pub sender_fault: Option<bool>,
}

/// An error structure's `retryable` object.
#[derive(Debug, Clone, DeriveDeserialize)]
pub struct RetryableInfo {
    /// True when the error means throttling.
    #[serde(default)]
    pub throttling: bool,
}

/// One entry of `shapes`.
#[derive(Debug, Clone, DeriveDeserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shape {
    /// `structure`, `list`, `map`, `string`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Structure members, in document order.
    #[serde(default)]
    pub members: Ordered<Member>,
    /// List element.
    #[serde(default)]
    pub member: Option<Member>,
    /// Map key.
    #[serde(default)]
    pub key: Option<Member>,
    /// Map value.
    #[serde(default)]
    pub value: Option<Member>,
    /// Names of required members.
    #[serde(default)]
    pub required: Vec<String>,
    /// Minimum length (strings, blobs, lists, maps) or value (numbers).
    #[serde(default)]
    pub min: Option<serde_json::Number>,
    /// Maximum length or value.
    #[serde(default)]
    pub max: Option<serde_json::Number>,
    /// Regular expression for string values.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Allowed string values.
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    /// True when values must not be logged.
    #[serde(default)]
    pub sensitive: bool,
    /// True for error structures.
    #[serde(default)]
    pub exception: bool,
    /// True for errors that are the service's fault.
    #[serde(default)]
    pub fault: bool,
    /// Error code and status.
    #[serde(default)]
    pub error: Option<ErrorInfo>,
    /// Retry facts of an error.
    #[serde(default)]
    pub retryable: Option<RetryableInfo>,
    /// True when the structure is a tagged union.
    #[serde(default)]
    pub union: bool,
    /// True when the structure is an untyped document.
    #[serde(default)]
    pub document: bool,
    /// True when the structure is an event stream (its operations are left out).
    #[serde(default)]
    pub eventstream: bool,
    /// Timestamp format (`unixTimestamp`, `iso8601`, `rfc822`).
    #[serde(default)]
    pub timestamp_format: Option<String>,
    /// True when the shape is deprecated.
    #[serde(default)]
    pub deprecated: bool,
    /// Why it is deprecated.
    #[serde(default)]
    pub deprecated_message: Option<String>,
    /// Since when it is deprecated.
    #[serde(default)]
    pub deprecated_since: Option<String>,
    /// Documentation (HTML).
    #[serde(default)]
    pub documentation: Option<String>,
}

/// The whole of `paginators-1.json`.
#[derive(Debug, Clone, DeriveDeserialize)]
pub struct Paginators {
    /// Paginators by operation name.
    #[serde(default)]
    pub pagination: BTreeMap<String, Paginator>,
}

/// One paginator.
#[derive(Debug, Clone, DeriveDeserialize)]
pub struct Paginator {
    /// Input member carrying the continuation token.
    #[serde(default)]
    pub input_token: Option<Keys>,
    /// Output member (or path) carrying the next token.
    #[serde(default)]
    pub output_token: Option<Keys>,
    /// Input member limiting the page size.
    #[serde(default)]
    pub limit_key: Option<String>,
    /// Output member (or path) holding the items.
    #[serde(default)]
    pub result_key: Option<Keys>,
}

/// A paginator key: one name or several.
#[derive(Debug, Clone, PartialEq, Eq, DeriveDeserialize)]
#[serde(untagged)]
pub enum Keys {
    /// A single key.
    One(String),
    /// Several keys.
    Many(Vec<String>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_keeps_document_order() {
        let m: Ordered<u8> =
            serde_json::from_str(r#"{"b": 1, "a": 2, "c": 3}"#).expect("valid object");
        let keys: Vec<&str> = m.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["b", "a", "c"]);
        assert_eq!(m.get("a"), Some(&2));
    }

    #[test]
    fn ordered_rejects_duplicate_keys() {
        let err = serde_json::from_str::<Ordered<u8>>(r#"{"a": 1, "a": 2}"#)
            .expect_err("duplicate keys are rejected");
        assert!(err.to_string().contains("duplicate key `a`"), "{err}");
    }

    #[test]
    fn unknown_keys_are_ignored() {
        let s: Shape = serde_json::from_str(
            r#"{"type": "string", "somethingNew": {"x": 1}, "min": 1, "max": 2}"#,
        )
        .expect("unknown keys are accepted");
        assert_eq!(s.kind, "string");
        assert_eq!(s.min.and_then(|n| n.as_u64()), Some(1));
    }
}
