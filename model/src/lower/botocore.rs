//! Lowers a botocore model (`service-2.json`, with optional `paginators-1.json` and
//! `endpoint-rule-set-1.json`) into the IR.
//!
//! This maps botocore's keys onto IR facts and reports what it cannot map (unsupported
//! protocols, shape types or timestamp formats, malformed constraints, paginators naming
//! missing operations). It does not check cross-references between shapes: `validate` does
//! that on the IR, for both formats alike.
//!
//! Botocore conventions applied here:
//! - `min`/`max` are lengths for strings, blobs, lists and maps and values for numbers.
//! - Patterns are whole-value matches in botocore (the services anchor them), while the IR
//!   holds unanchored ECMA 262 patterns as Smithy does; so a pattern gets `^` and `$` unless
//!   it has them, and a pattern with a top-level `|` is grouped first so anchoring keeps its
//!   meaning.
//! - A member's wire name is its `locationName` when it has one, as botocore's JSON
//!   serializer does.
//! - Pagination: a `result_key` list names several result members; the IR keeps the first,
//!   which is the page's items. Several input or output tokens cannot be expressed in the IR
//!   and are an error.

use crate::botocore as raw;
use crate::ir::{
    Constraints, Deprecated, EnumValue, ErrorTrait, Fault, Member, Metadata, Operation, Pagination,
    Protocol, Retryable, Service, Shape, ShapeKind, TimestampFormat,
};
use crate::lower::{
    auth_scheme, canonical_errors, canonical_min_length, canonical_rules, skip_event_streams,
    Problems, NO_AUTH,
};
use crate::{BotocoreFiles, Error, Errors, Source};

/// Reads and lowers a botocore model. Every problem found is reported, not only the first.
pub fn lower(files: BotocoreFiles<'_>) -> Result<Service, Errors> {
    let file = files.service.name;
    let raw: raw::Service = Error::parse(file, "a botocore service model", files.service.text)?;
    let mut p = Problems::new(file);

    let metadata = lower_metadata(&raw.metadata, &mut p);
    let shapes = raw
        .shapes
        .iter()
        .filter_map(|(name, shape)| lower_shape(name, shape, &mut p).map(|s| (name.clone(), s)))
        .collect();
    let mut operations: Vec<Operation> = raw
        .operations
        .iter()
        .map(|(key, op)| lower_operation(key, op, &mut p))
        .collect();
    operations.sort_by(|a, b| a.name.cmp(&b.name));

    if let Some(paginators) = files.paginators {
        apply_paginators(paginators, &mut operations, &mut p);
    }
    let endpoint_rules = files
        .endpoint_rules
        .and_then(|rules| read_rules(rules, &mut p));

    let mut service = Service {
        metadata,
        docs: raw.documentation.clone(),
        operations,
        shapes,
        endpoint_rules,
        unsupported: Vec::new(),
    };
    let streams = raw
        .shapes
        .iter()
        .filter(|(_, s)| s.eventstream)
        .map(|(name, _)| name.clone())
        .collect();
    skip_event_streams(&mut service, &streams);
    p.finish(service)
}

fn lower_metadata(m: &raw::Metadata, p: &mut Problems) -> Metadata {
    let protocol = lower_protocol(m, p);
    let service_id = m
        .service_id
        .clone()
        .or_else(|| m.service_abbreviation.clone())
        .or_else(|| m.service_full_name.clone())
        .unwrap_or_default();
    let full_name = m
        .service_full_name
        .clone()
        .unwrap_or_else(|| service_id.clone());
    let endpoint_prefix = m.endpoint_prefix.clone().unwrap_or_default();
    let signing_name = m
        .signing_name
        .clone()
        .unwrap_or_else(|| endpoint_prefix.clone());
    let auth = match &m.auth {
        Some(ids) => ids.iter().filter_map(|id| auth_scheme(id)).collect(),
        None => match m.signature_version.as_deref() {
            Some("v4") => vec![crate::ir::AuthScheme::SigV4],
            Some("bearer") => vec![crate::ir::AuthScheme::Bearer],
            _ => Vec::new(),
        },
    };
    Metadata {
        service_id,
        full_name,
        api_version: m.api_version.clone().unwrap_or_default(),
        protocol,
        // A missing target prefix stays missing: only sending a request needs one.
        target_prefix: m.target_prefix.clone(),
        signing_name,
        endpoint_prefix,
        auth,
        // botocore marks the service by the key alone, as `"awsQueryCompatible": {}`.
        query_compatible: m.aws_query_compatible.is_some(),
    }
}

/// The JSON protocol version. Models that speak several protocols list them in `protocols`;
/// the model is usable when `json` is among them.
fn lower_protocol(m: &raw::Metadata, p: &mut Problems) -> Protocol {
    let speaks_json = match &m.protocols {
        Some(list) if !list.is_empty() => list.iter().any(|x| x == "json"),
        _ => m.protocol.as_deref() == Some("json"),
    };
    if !speaks_json {
        let named = m
            .protocols
            .as_ref()
            .filter(|list| !list.is_empty())
            .map(|list| list.join("`, `"))
            .or_else(|| m.protocol.clone());
        let reason = match named {
            Some(named) => format!(
                "protocol `{named}` is not supported: only the json protocol (awsJson1_0 and awsJson1_1) is"
            ),
            None => "metadata names no protocol; only the json protocol (awsJson1_0 and awsJson1_1) is supported"
                .to_owned(),
        };
        let error = p.error(reason);
        p.push(error);
        return Protocol::AwsJson1_0;
    }
    match m.json_version.as_deref() {
        // botocore itself treats a json model without a version as 1.0.
        None | Some("1.0") => Protocol::AwsJson1_0,
        Some("1.1") => Protocol::AwsJson1_1,
        Some(other) => {
            let error = p.error(format!(
                "jsonVersion `{other}` is not supported: only 1.0 and 1.1 are"
            ));
            p.push(error);
            Protocol::AwsJson1_0
        }
    }
}

fn lower_operation(key: &str, op: &raw::Operation, p: &mut Problems) -> Operation {
    let name = op.name.clone().unwrap_or_else(|| key.to_owned());
    if name != key {
        let error = p
            .error(format!("is listed under `{key}` but named `{name}`"))
            .operation(key);
        p.push(error);
    }
    let unsigned = op.authtype.as_deref() == Some("none")
        || op
            .auth
            .as_ref()
            .and_then(|ids| ids.first())
            .is_some_and(|id| id == NO_AUTH);
    Operation {
        input: op.input.as_ref().map(|r| r.shape.clone()),
        output: op.output.as_ref().map(|r| r.shape.clone()),
        errors: canonical_errors(op.errors.iter().map(|r| r.shape.clone()).collect()),
        docs: op.documentation.clone(),
        deprecated: op.deprecated.then(|| Deprecated {
            message: op.deprecated_message.clone(),
            since: None,
        }),
        unsigned,
        pagination: None,
        host_prefix: op.endpoint.as_ref().and_then(|e| e.host_prefix.clone()),
        // Decided by the passes.
        host_segments: Vec::new(),
        request_compression: op
            .requestcompression
            .as_ref()
            .map(|c| c.encodings.clone())
            .unwrap_or_default(),
        idempotent: op.idempotent,
        name,
    }
}

fn lower_shape(name: &str, s: &raw::Shape, p: &mut Problems) -> Option<Shape> {
    let kind = lower_kind(name, s, p)?;
    let constraints = lower_constraints(name, s, &kind, p);
    let error = lower_error_trait(name, s);
    Some(Shape {
        name: name.to_owned(),
        docs: s.documentation.clone(),
        constraints,
        sensitive: s.sensitive,
        deprecated: s.deprecated.then(|| Deprecated {
            message: s.deprecated_message.clone(),
            since: s.deprecated_since.clone(),
        }),
        error,
        kind,
    })
}

fn lower_kind(name: &str, s: &raw::Shape, p: &mut Problems) -> Option<ShapeKind> {
    let kind = match s.kind.as_str() {
        "structure" if s.document => ShapeKind::Document,
        "structure" => {
            let members = lower_members(name, s, p);
            // An event stream is a union of events; it lowers as one so that
            // `skip_event_streams` can follow it before it leaves it out.
            if s.union || s.eventstream {
                ShapeKind::Union(members)
            } else {
                ShapeKind::Structure(members)
            }
        }
        "list" => ShapeKind::List {
            member: lower_inner(name, "member", s.member.as_ref(), p)?,
            sparse: false,
        },
        "map" => {
            let key = lower_inner(name, "key", s.key.as_ref(), p);
            let value = lower_inner(name, "value", s.value.as_ref(), p);
            ShapeKind::Map {
                key: key?,
                value: value?,
                sparse: false,
            }
        }
        // `character` is a legacy botocore type for a one-character string; botocore reads
        // and writes it as a string, and so does the IR (no length is implied or checked).
        "string" | "character" => match &s.enum_values {
            Some(values) => ShapeKind::Enum(
                values
                    .iter()
                    .map(|v| EnumValue {
                        name: v.clone(),
                        value: v.clone(),
                        docs: None,
                    })
                    .collect(),
            ),
            None => ShapeKind::String,
        },
        "boolean" => ShapeKind::Boolean,
        "byte" => ShapeKind::Byte,
        "short" => ShapeKind::Short,
        "integer" => ShapeKind::Integer,
        "long" => ShapeKind::Long,
        "float" => ShapeKind::Float,
        "double" => ShapeKind::Double,
        "bigInteger" => ShapeKind::BigInteger,
        "bigDecimal" => ShapeKind::BigDecimal,
        "blob" => ShapeKind::Blob,
        "timestamp" => ShapeKind::Timestamp(match &s.timestamp_format {
            Some(f) => timestamp_format(f, p, name, None)?,
            None => TimestampFormat::EpochSeconds,
        }),
        "document" => ShapeKind::Document,
        other => {
            let error = p
                .error(format!("has unsupported type `{other}`"))
                .shape(name);
            p.push(error);
            return None;
        }
    };
    Some(kind)
}

fn lower_members(shape: &str, s: &raw::Shape, p: &mut Problems) -> Vec<Member> {
    for required in &s.required {
        if s.members.get(required).is_none() {
            let error = p
                .error(format!(
                    "lists `{required}` as required, but has no such member"
                ))
                .shape(shape);
            p.push(error);
        }
    }
    s.members
        .iter()
        .filter_map(|(name, m)| {
            let wire = match (&m.location_name, &m.location) {
                (Some(wire), None) => wire.clone(),
                _ => name.to_owned(),
            };
            let required = s.required.iter().any(|r| r == name);
            lower_member(shape, name, wire, required, m, p)
        })
        .collect()
}

/// Lowers the member of a list or the key or value of a map.
fn lower_inner(
    shape: &str,
    role: &str,
    m: Option<&raw::Member>,
    p: &mut Problems,
) -> Option<Member> {
    let Some(m) = m else {
        let error = p.error(format!("has no `{role}`")).shape(shape);
        p.push(error);
        return None;
    };
    lower_member(shape, role, role.to_owned(), false, m, p)
}

fn lower_member(
    shape: &str,
    name: &str,
    wire: String,
    required: bool,
    m: &raw::Member,
    p: &mut Problems,
) -> Option<Member> {
    let timestamp_format = match &m.timestamp_format {
        Some(f) => Some(timestamp_format(f, p, shape, Some(name))?),
        None => None,
    };
    Some(Member {
        name: wire,
        target: m.shape.clone(),
        required,
        default: None,
        docs: m.documentation.clone(),
        deprecated: m.deprecated.then(|| Deprecated {
            message: m.deprecated_message.clone(),
            since: m.deprecated_since.clone(),
        }),
        idempotency_token: m.idempotency_token,
        timestamp_format,
        sensitive: false,
        indirect: false,
        // Decided by the passes.
        wire: crate::ir::WireForm::Plain,
    })
}

fn timestamp_format(
    format: &str,
    p: &mut Problems,
    shape: &str,
    member: Option<&str>,
) -> Option<TimestampFormat> {
    match format {
        "unixTimestamp" => Some(TimestampFormat::EpochSeconds),
        "iso8601" => Some(TimestampFormat::DateTime),
        "rfc822" => Some(TimestampFormat::HttpDate),
        other => {
            let mut error = p
                .error(format!(
                    "has unknown timestampFormat `{other}` (expected unixTimestamp, iso8601 or rfc822)"
                ))
                .shape(shape);
            if let Some(member) = member {
                error = error.member(member);
            }
            p.push(error);
            None
        }
    }
}

fn lower_constraints(
    name: &str,
    s: &raw::Shape,
    kind: &ShapeKind,
    p: &mut Problems,
) -> Constraints {
    let mut c = Constraints {
        pattern: s.pattern.as_deref().map(anchor_pattern),
        ..Constraints::default()
    };
    match kind {
        ShapeKind::String
        | ShapeKind::Enum(_)
        | ShapeKind::Blob
        | ShapeKind::List { .. }
        | ShapeKind::Map { .. } => {
            c.min_length = canonical_min_length(length(name, "min", s.min.as_ref(), p));
            c.max_length = length(name, "max", s.max.as_ref(), p);
        }
        kind if kind.is_number() => {
            c.min_value = s.min.as_ref().and_then(serde_json::Number::as_f64);
            c.max_value = s.max.as_ref().and_then(serde_json::Number::as_f64);
        }
        // botocore puts no meaningful min/max on other kinds; they are ignored there.
        _ => {}
    }
    c
}

fn length(shape: &str, key: &str, n: Option<&serde_json::Number>, p: &mut Problems) -> Option<u64> {
    let n = n?;
    if let Some(v) = n.as_u64() {
        return Some(v);
    }
    // A whole number written as a float (`10.0`) is still a length.
    if let Some(f) = n.as_f64() {
        if f >= 0.0 && f.fract() == 0.0 && f <= u64::MAX as f64 {
            return Some(f as u64);
        }
    }
    let error = p
        .error(format!(
            "has `{key}` {n}, but a length must be a whole non-negative number"
        ))
        .shape(shape);
    p.push(error);
    None
}

fn lower_error_trait(name: &str, s: &raw::Shape) -> Option<ErrorTrait> {
    if !(s.exception || s.fault) {
        return None;
    }
    let info = s.error.as_ref();
    // `fault` marks a server error and `senderFault` says whose fault an error with awsQuery
    // data is. botocore leaves `senderFault` out of server errors' awsQuery data (CloudWatch's
    // `InternalServiceFault` has only a code and status 500), so then a 5xx status decides.
    let status = info.and_then(|i| i.http_status_code);
    let fault = match (s.fault, info.and_then(|i| i.sender_fault), status) {
        (true, _, _) | (false, Some(false), _) => Fault::Server,
        (false, None, Some(status)) if status >= 500 => Fault::Server,
        _ => Fault::Client,
    };
    let default_status = match fault {
        Fault::Client => 400,
        Fault::Server => 500,
    };
    Some(ErrorTrait {
        fault,
        http_status: status.unwrap_or(default_status),
        code: name.to_owned(),
        query_code: info.and_then(|i| i.code.clone()),
        retryable: s.retryable.as_ref().map(|r| Retryable {
            throttling: r.throttling,
        }),
        // Decided by the passes.
        message_member: None,
    })
}

/// Anchors a botocore pattern so it matches whole values, the way the services apply it.
pub(crate) fn anchor_pattern(pattern: &str) -> String {
    let starts = pattern.starts_with('^');
    let ends = ends_with_anchor(pattern);
    if starts && ends {
        return pattern.to_owned();
    }
    if has_top_level_alternation(pattern) {
        return format!("^(?:{pattern})$");
    }
    let mut out = String::with_capacity(pattern.len() + 2);
    if !starts {
        out.push('^');
    }
    out.push_str(pattern);
    if !ends {
        out.push('$');
    }
    out
}

/// True when the pattern ends with a `$` that is not escaped.
fn ends_with_anchor(pattern: &str) -> bool {
    let Some(body) = pattern.strip_suffix('$') else {
        return false;
    };
    let backslashes = body.chars().rev().take_while(|&c| c == '\\').count();
    backslashes % 2 == 0
}

/// True when `|` appears outside any group or character class.
fn has_top_level_alternation(pattern: &str) -> bool {
    let mut depth = 0usize;
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => {
                in_class = true;
                // A `]` right after `[` or `[^` is a literal, not the end of the class.
                if chars.peek() == Some(&'^') {
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    chars.next();
                }
            }
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth = depth.saturating_sub(1),
            '|' if !in_class && depth == 0 => return true,
            _ => {}
        }
    }
    false
}

fn one_key(
    keys: Option<&raw::Keys>,
    what: &str,
    op: &str,
    file: &str,
    p: &mut Problems,
) -> Option<String> {
    let reason = match keys {
        Some(raw::Keys::One(k)) => return Some(k.clone()),
        Some(raw::Keys::Many(ks)) if ks.len() == 1 => return ks.first().cloned(),
        Some(raw::Keys::Many(ks)) if ks.is_empty() => format!("has an empty `{what}` list"),
        Some(raw::Keys::Many(ks)) => format!(
            "has several `{what}` values (`{}`); pagination with more than one token is not supported",
            ks.join("`, `")
        ),
        None => format!("has no `{what}`"),
    };
    p.push(Error::new(file, format!("paginator {reason}")).operation(op));
    None
}

fn apply_paginators(file: Source<'_>, operations: &mut [Operation], p: &mut Problems) {
    let raw: raw::Paginators =
        match Error::parse(file.name, "a botocore paginators file", file.text) {
            Ok(raw) => raw,
            Err(e) => {
                p.push(e);
                return;
            }
        };
    for (op_name, pg) in &raw.pagination {
        let input_token = one_key(
            pg.input_token.as_ref(),
            "input_token",
            op_name,
            file.name,
            p,
        );
        let output_token = one_key(
            pg.output_token.as_ref(),
            "output_token",
            op_name,
            file.name,
            p,
        );
        // Several result keys name several result members; the first is the page's items.
        let items = match &pg.result_key {
            Some(raw::Keys::One(k)) => Some(k.clone()),
            Some(raw::Keys::Many(ks)) => ks.first().cloned(),
            None => None,
        };
        let Some(op) = operations.iter_mut().find(|o| o.name == *op_name) else {
            p.push(
                Error::new(
                    file.name,
                    "paginator names an operation the model does not have",
                )
                .operation(op_name),
            );
            continue;
        };
        if let (Some(input_token), Some(output_token)) = (input_token, output_token) {
            op.pagination = Some(Pagination {
                input_token,
                output_token,
                page_size: pg.limit_key.clone(),
                items,
                // Decided by the passes.
                helper: None,
            });
        }
    }
}

fn read_rules(file: Source<'_>, p: &mut Problems) -> Option<serde_json::Value> {
    match serde_json::from_str::<serde_json::Value>(file.text) {
        Ok(value) if value.is_object() => Some(canonical_rules(value)),
        Ok(_) => {
            p.push(Error::new(
                file.name,
                "an endpoint rule set must be a JSON object",
            ));
            None
        }
        Err(e) => {
            p.push(Error::json(file.name, "an endpoint rule set", &e));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_anchored_once() {
        assert_eq!(anchor_pattern(r"\d+"), r"^\d+$");
        assert_eq!(anchor_pattern(r"^\d+$"), r"^\d+$");
        assert_eq!(anchor_pattern(r"^\d+"), r"^\d+$");
        assert_eq!(
            anchor_pattern(r"(un)?authenticated"),
            r"^(un)?authenticated$"
        );
        // An escaped dollar is a literal character, not an anchor.
        assert_eq!(anchor_pattern(r"a\$"), r"^a\$$");
    }

    #[test]
    fn top_level_alternation_is_grouped_before_anchoring() {
        assert_eq!(anchor_pattern("a|b"), "^(?:a|b)$");
        assert_eq!(anchor_pattern("(a|b)c"), "^(a|b)c$");
        assert_eq!(anchor_pattern("[|]x"), "^[|]x$");
        assert_eq!(anchor_pattern(r"\|x"), r"^\|x$");
    }

    fn files(service: &str) -> BotocoreFiles<'_> {
        BotocoreFiles {
            service: Source {
                name: "s.json",
                text: service,
            },
            paginators: None,
            endpoint_rules: None,
        }
    }

    #[test]
    fn error_status_and_code_follow_botocore_rules() {
        let svc = lower(files(
            r#"{"metadata": {"protocol": "json", "targetPrefix": "T"}, "shapes": {
                "A": {"type": "structure", "members": {}, "exception": true},
                "B": {"type": "structure", "members": {}, "exception": true, "fault": true},
                "C": {"type": "structure", "members": {}, "exception": true,
                      "error": {"code": "Cee", "httpStatusCode": 409, "senderFault": true},
                      "retryable": {"throttling": true}}
            }}"#,
        ))
        .expect("valid model");
        let err = |n: &str| svc.shapes.get(n).and_then(|s| s.error.clone());
        let a = err("A").expect("A is an error");
        assert_eq!(
            (a.fault, a.http_status, a.code.as_str()),
            (Fault::Client, 400, "A")
        );
        let b = err("B").expect("B is an error");
        assert_eq!((b.fault, b.http_status), (Fault::Server, 500));
        let c = err("C").expect("C is an error");
        // awsJson names the error by its shape; the query code is kept beside it.
        assert_eq!(
            (c.http_status, c.code.as_str(), c.query_code.as_deref()),
            (409, "C", Some("Cee"))
        );
        assert_eq!(c.retryable, Some(Retryable { throttling: true }));
    }

    #[test]
    fn min_and_max_mean_length_or_value_by_kind() {
        let svc = lower(files(
            r#"{"metadata": {"protocol": "json", "targetPrefix": "T"}, "shapes": {
                "S": {"type": "string", "min": 0, "max": 5},
                "I": {"type": "integer", "min": 0, "max": 5}
            }}"#,
        ))
        .expect("valid model");
        let s = &svc.shapes["S"].constraints;
        assert_eq!(
            (s.min_length, s.max_length, s.min_value),
            (None, Some(5), None)
        );
        let i = &svc.shapes["I"].constraints;
        assert_eq!(
            (i.min_value, i.max_value, i.max_length),
            (Some(0.0), Some(5.0), None)
        );
    }

    #[test]
    fn legacy_character_shapes_are_strings_and_the_target_prefix_may_be_missing() {
        let svc = lower(files(
            r#"{"metadata": {"protocol": "json"}, "shapes": {
                "C": {"type": "character"},
                "E": {"type": "character", "enum": ["a", "b"]}
            }}"#,
        ))
        .expect("valid model");
        assert_eq!(svc.shapes["C"].kind, ShapeKind::String);
        assert!(matches!(&svc.shapes["E"].kind, ShapeKind::Enum(values) if values.len() == 2));
        assert_eq!(svc.metadata.target_prefix, None);
    }

    #[test]
    fn several_output_tokens_are_an_error() {
        let service = r#"{"metadata": {"protocol": "json", "targetPrefix": "T"},
            "operations": {"L": {"name": "L"}}, "shapes": {}}"#;
        let pag = r#"{"pagination": {"L": {"input_token": ["A", "B"], "output_token": "N"}}}"#;
        let err = lower(BotocoreFiles {
            paginators: Some(Source {
                name: "p.json",
                text: pag,
            }),
            ..files(service)
        })
        .expect_err("two input tokens are unsupported");
        assert!(
            err.to_string()
                .starts_with("p.json: operation `L`: paginator has several `input_token` values"),
            "{err}"
        );
    }
}
