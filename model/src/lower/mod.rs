//! Lowering: from each raw model format to the IR, one file per format.
//!
//! Both lowerings must agree on everything the two formats can both express, so that the same
//! API read from botocore or from Smithy gives the same IR. Where the formats write one fact in
//! two ways, the canonical form is chosen here, once, and both lowerings call these helpers:
//!
//! - A minimum length of zero is no constraint, so it lowers to `None`.
//! - Enum values are named after their wire value, because botocore carries no other name.
//! - Endpoint rule-set parameter types are written in the rules language's own spelling
//!   (`string`, `boolean`, `stringArray`), whatever case the model used.
//! - Operation errors are sorted by name without duplicates.
//! - Error HTTP status: awsJson does not use HTTP binding traits, so Smithy's `httpError` is
//!   ignored; a status comes only from the awsQuery compatibility data both formats carry
//!   (botocore `error.httpStatusCode`, Smithy `awsQueryError.httpResponseCode`), else 400 for
//!   client errors and 500 for server errors.
//!
//! - Event streams: an operation whose input or output reaches an event-stream shape
//!   (botocore `eventstream`, Smithy `@streaming` union) is left out and recorded in
//!   [`Service::unsupported`], with every shape that reaches an event stream and every shape
//!   only such operations reach. The rest of the model lowers as usual.
//!
//! Nothing here reads files or validates cross-references; `validate` does that on the IR.

pub mod botocore;
pub mod smithy;

use std::collections::BTreeSet;

use crate::ir::{Operation, Service, Unsupported};
use crate::{Error, Errors, Format, Source};

/// Why an operation that reaches an event stream is left out.
pub const EVENT_STREAMS: &str = "event streams";

/// Tells a model's format from its top-level keys: `smithy` means the Smithy JSON AST,
/// `metadata` (without `smithy`) means botocore.
pub fn detect_format(file: Source<'_>) -> Result<Format, Errors> {
    let value: serde_json::Value = serde_json::from_str(file.text)
        .map_err(|e| Error::json(file.name, "a service model", &e))?;
    let Some(object) = value.as_object() else {
        return Err(Error::new(file.name, "a model must be a JSON object").into());
    };
    if object.contains_key("smithy") {
        Ok(Format::Smithy)
    } else if object.contains_key("metadata") {
        Ok(Format::Botocore)
    } else {
        Err(Error::new(
            file.name,
            "neither a Smithy JSON AST (no `smithy` key) nor a botocore model (no `metadata` key)",
        )
        .into())
    }
}

/// The canonical minimum length: zero says nothing, so it is dropped.
pub(crate) fn canonical_min_length(min: Option<u64>) -> Option<u64> {
    min.filter(|&m| m > 0)
}

/// Sorts an operation's errors by name and drops duplicates.
pub(crate) fn canonical_errors(mut errors: Vec<String>) -> Vec<String> {
    errors.sort();
    errors.dedup();
    errors
}

/// The endpoint rule set in canonical form: parameter `type`s spelled as the rules language
/// does (`string`, `boolean`, `stringArray`). Smithy models write `String`; botocore writes
/// `string`; the meaning is the same. Unknown types are left as they are.
pub(crate) fn canonical_rules(mut rules: serde_json::Value) -> serde_json::Value {
    let params = rules
        .get_mut("parameters")
        .and_then(serde_json::Value::as_object_mut);
    if let Some(params) = params {
        for param in params.values_mut() {
            let Some(ty) = param.get_mut("type") else {
                continue;
            };
            let canonical = match ty.as_str().map(str::to_ascii_lowercase).as_deref() {
                Some("string") => "string",
                Some("boolean") => "boolean",
                Some("stringarray") => "stringArray",
                _ => continue,
            };
            *ty = serde_json::Value::String(canonical.to_owned());
        }
    }
    rules
}

/// Reads an auth scheme id into the IR; `None` for schemes the IR does not model (they are
/// skipped, and the service keeps the schemes it does understand).
pub(crate) fn auth_scheme(id: &str) -> Option<crate::ir::AuthScheme> {
    match id {
        "aws.auth#sigv4" => Some(crate::ir::AuthScheme::SigV4),
        "smithy.api#httpBearerAuth" => Some(crate::ir::AuthScheme::Bearer),
        "smithy.api#noAuth" => Some(crate::ir::AuthScheme::NoAuth),
        _ => None,
    }
}

/// The auth scheme id that means "send unsigned".
pub(crate) const NO_AUTH: &str = "smithy.api#noAuth";

/// Collects problems while lowering, all located in one file.
pub(crate) struct Problems {
    file: String,
    errors: Vec<Error>,
}

impl Problems {
    pub(crate) fn new(file: &str) -> Self {
        Problems {
            file: file.to_owned(),
            errors: Vec::new(),
        }
    }

    /// Starts an error in this file; push it with [`Problems::push`].
    pub(crate) fn error(&self, reason: impl Into<String>) -> Error {
        Error::new(self.file.clone(), reason)
    }

    pub(crate) fn push(&mut self, error: Error) {
        self.errors.push(error);
    }

    pub(crate) fn finish<T>(self, value: T) -> Result<T, Errors> {
        Errors::check(self.errors).map(|()| value)
    }
}

/// Leaves out the operations whose input or output reaches one of `streams` (event-stream
/// shapes, already lowered as unions so that they can be followed), records them in
/// [`Service::unsupported`], and drops the shapes that reach a stream or that only the
/// left-out operations reach.
pub(crate) fn skip_event_streams(service: &mut Service, streams: &BTreeSet<String>) {
    if streams.is_empty() {
        return;
    }
    // A shape is tainted when it is a stream or reaches one; repeat until nothing changes.
    let mut tainted: BTreeSet<String> = streams.clone();
    close_over_referrers(service, &mut tainted);

    let (skipped, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut service.operations)
        .into_iter()
        .partition(|op| {
            op.input
                .iter()
                .chain(&op.output)
                .any(|s| tainted.contains(s))
        });
    let roots = |ops: &[Operation]| -> Vec<String> {
        ops.iter()
            .flat_map(|op| op.input.iter().chain(&op.output).chain(&op.errors))
            .cloned()
            .collect()
    };
    // The skipped operations reach through their streams to the events, so shapes used only
    // by events go too.
    let from_skipped = reachable(service, roots(&skipped));
    let from_kept = reachable(service, roots(&kept));
    let mut removed: BTreeSet<String> = service
        .shapes
        .keys()
        .filter(|name| {
            tainted.contains(*name) || (from_skipped.contains(*name) && !from_kept.contains(*name))
        })
        .cloned()
        .collect();
    // A shape no operation uses may still target a removed one; it goes too, until none does.
    close_over_referrers(service, &mut removed);
    service.shapes.retain(|name, _| !removed.contains(name));
    service.operations = kept;
    service.unsupported = skipped
        .into_iter()
        .map(|op| Unsupported {
            operation: op.name,
            reason: EVENT_STREAMS.to_owned(),
        })
        .collect();
    service
        .unsupported
        .sort_by(|a, b| a.operation.cmp(&b.operation));
}

/// Adds to `set` every shape with a member targeting a shape in `set`, until nothing
/// changes.
fn close_over_referrers(service: &Service, set: &mut BTreeSet<String>) {
    loop {
        let before = set.len();
        for shape in service.shapes.values() {
            if shape.kind.members().iter().any(|m| set.contains(&m.target)) {
                set.insert(shape.name.clone());
            }
        }
        if set.len() == before {
            break;
        }
    }
}

/// The shapes reachable from `roots` through member targets.
fn reachable(service: &Service, roots: Vec<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = roots;
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(shape) = service.shapes.get(&name) {
            todo.extend(shape.kind.members().iter().map(|m| m.target.clone()));
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Source<'_> {
        Source {
            name: "m.json",
            text,
        }
    }

    #[test]
    fn detects_both_formats_and_rejects_others() {
        assert_eq!(
            detect_format(src(r#"{"smithy": "2.0", "shapes": {}}"#)).ok(),
            Some(Format::Smithy)
        );
        assert_eq!(
            detect_format(src(r#"{"metadata": {}, "shapes": {}}"#)).ok(),
            Some(Format::Botocore)
        );
        let err = detect_format(src("[1]")).expect_err("an array is no model");
        assert!(err.to_string().contains("JSON object"), "{err}");
        let err = detect_format(src("{\"a\": 1}")).expect_err("no known key");
        assert!(err.to_string().contains("neither"), "{err}");
        let err = detect_format(src("{\"smithy\": ")).expect_err("truncated");
        assert!(err.to_string().contains("line 1, column 11"), "{err}");
    }

    #[test]
    fn rule_parameter_types_are_canonical() {
        let rules = serde_json::json!({"parameters": {
            "A": {"type": "String"}, "B": {"type": "Boolean"}, "C": {"type": "StringArray"},
            "D": {"type": "string"}, "E": {"type": "Odd"}
        }});
        let out = canonical_rules(rules);
        assert_eq!(
            out,
            serde_json::json!({"parameters": {
                "A": {"type": "string"}, "B": {"type": "boolean"}, "C": {"type": "stringArray"},
                "D": {"type": "string"}, "E": {"type": "Odd"}
            }})
        );
    }

    #[test]
    fn zero_min_length_is_no_constraint() {
        assert_eq!(canonical_min_length(Some(0)), None);
        assert_eq!(canonical_min_length(Some(1)), Some(1));
        assert_eq!(canonical_min_length(None), None);
    }

    #[test]
    fn errors_are_sorted_and_deduplicated() {
        let errors = vec!["B".to_owned(), "A".to_owned(), "B".to_owned()];
        assert_eq!(canonical_errors(errors), ["A", "B"]);
    }
}
