//! Validation of a lowered service: nothing here changes the IR ([`crate::passes`] decides
//! facts for the code generator once validation has passed).
//!
//! [`validate`] checks what both readers could get wrong or what a model can say wrongly
//! (dangling references, operation inputs that are not structures, errors without the error
//! trait, bad map keys, empty or duplicate enums, contradictory constraints, required cycles,
//! host prefixes) and reports every problem at once.
//!
//! It does not read raw model JSON: it works on the IR alone, so both formats are held to the
//! same rules. Rust-name collisions are the code generator's concern, not this module's.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{host_prefix_parts, HostPart, HostSegment, Operation, Service, Shape, ShapeKind};
use crate::{Error, Errors};

/// Checks a lowered service, collecting every problem before returning.
pub fn validate(service: &Service, file: &str) -> Result<(), Errors> {
    let mut errors = Vec::new();
    // A missing target prefix is not an error: only sending a request needs one, and a model
    // without it (an output-only protocol suite, say) still says how responses are read. The
    // generated client then fails each call before sending, and the router routes nothing.
    if service.metadata.target_prefix.as_deref() == Some("") {
        errors.push(Error::new(
            file,
            "metadata has an empty targetPrefix; leave it out or name the X-Amz-Target prefix",
        ));
    }
    for (name, shape) in &service.shapes {
        if *name != shape.name {
            errors.push(
                Error::new(file, format!("is stored under the name `{name}`")).shape(&shape.name),
            );
        }
        check_shape(service, shape, file, &mut errors);
    }
    let mut seen = BTreeSet::new();
    for op in &service.operations {
        if !seen.insert(op.name.as_str()) {
            errors.push(Error::new(file, "is declared more than once").operation(&op.name));
        }
        check_operation(service, op, file, &mut errors);
    }
    errors.extend(required_cycles(service, file));
    Errors::check(errors)
}

/// A short name for a shape kind, for messages.
fn kind_name(kind: &ShapeKind) -> &'static str {
    match kind {
        ShapeKind::Structure(_) => "structure",
        ShapeKind::Union(_) => "union",
        ShapeKind::List { .. } => "list",
        ShapeKind::Map { .. } => "map",
        ShapeKind::String => "string",
        ShapeKind::Enum(_) => "enum",
        ShapeKind::IntEnum(_) => "intEnum",
        ShapeKind::Boolean => "boolean",
        ShapeKind::Byte => "byte",
        ShapeKind::Short => "short",
        ShapeKind::Integer => "integer",
        ShapeKind::Long => "long",
        ShapeKind::Float => "float",
        ShapeKind::Double => "double",
        ShapeKind::BigInteger => "bigInteger",
        ShapeKind::BigDecimal => "bigDecimal",
        ShapeKind::Blob => "blob",
        ShapeKind::Timestamp(_) => "timestamp",
        ShapeKind::Document => "document",
    }
}

fn check_shape(service: &Service, shape: &Shape, file: &str, errors: &mut Vec<Error>) {
    let at = |reason: String| Error::new(file, reason).shape(&shape.name);
    let mut member_names = BTreeSet::new();
    for m in shape.kind.members() {
        if !member_names.insert(m.name.as_str()) {
            errors.push(at("declares it more than once".to_owned()).member(&m.name));
        }
        if !service.shapes.contains_key(&m.target) {
            errors.push(at(format!("targets unknown shape `{}`", m.target)).member(&m.name));
        }
    }
    match &shape.kind {
        ShapeKind::Map { key, .. } => {
            if let Some(target) = service.shapes.get(&key.target) {
                if !matches!(target.kind, ShapeKind::String | ShapeKind::Enum(_)) {
                    errors.push(
                        at(format!(
                            "map key targets `{}`, a {}, but map keys must be strings or string enums",
                            key.target,
                            kind_name(&target.kind)
                        ))
                        .member(&key.name),
                    );
                }
            }
        }
        ShapeKind::Enum(values) => {
            if values.is_empty() {
                errors.push(at("is an enum with no values".to_owned()));
            }
            let mut seen = BTreeSet::new();
            for v in values {
                if !seen.insert(v.value.as_str()) {
                    errors.push(at(format!(
                        "has the enum value `{}` more than once",
                        v.value
                    )));
                }
            }
        }
        ShapeKind::IntEnum(values) => {
            if values.is_empty() {
                errors.push(at("is an intEnum with no values".to_owned()));
            }
            let mut seen = BTreeSet::new();
            for v in values {
                if !seen.insert(v.value) {
                    errors.push(at(format!(
                        "has the intEnum value {} more than once",
                        v.value
                    )));
                }
            }
        }
        _ => {}
    }
    let c = &shape.constraints;
    if let (Some(min), Some(max)) = (c.min_length, c.max_length) {
        if min > max {
            errors.push(at(format!(
                "has minimum length {min} greater than maximum length {max}"
            )));
        }
    }
    if let (Some(min), Some(max)) = (c.min_value, c.max_value) {
        if min > max {
            errors.push(at(format!(
                "has minimum value {min} greater than maximum value {max}"
            )));
        }
    }
    if shape.error.is_some() && !matches!(shape.kind, ShapeKind::Structure(_)) {
        errors.push(at(format!(
            "has the error trait but is a {}, not a structure",
            kind_name(&shape.kind)
        )));
    }
}

fn check_operation(service: &Service, op: &Operation, file: &str, errors: &mut Vec<Error>) {
    let at = |reason: String| Error::new(file, reason).operation(&op.name);
    for (role, target) in [("input", &op.input), ("output", &op.output)] {
        let Some(target) = target else {
            continue;
        };
        match service.shapes.get(target) {
            None => errors.push(at(format!("{role} names unknown shape `{target}`"))),
            Some(shape) if !matches!(shape.kind, ShapeKind::Structure(_)) => {
                errors.push(at(format!(
                    "{role} `{target}` is a {}, but must be a structure",
                    kind_name(&shape.kind)
                )))
            }
            Some(_) => {}
        }
    }
    for error in &op.errors {
        match service.shapes.get(error) {
            None => errors.push(at(format!("error names unknown shape `{error}`"))),
            Some(shape) if !matches!(shape.kind, ShapeKind::Structure(_)) => {
                errors.push(at(format!(
                    "error `{error}` is a {}, but must be a structure",
                    kind_name(&shape.kind)
                )))
            }
            Some(shape) if shape.error.is_none() => errors.push(at(format!(
                "error `{error}` lacks the error trait (botocore `exception`, Smithy `@error`)"
            ))),
            Some(_) => {}
        }
    }
    if let Some(template) = &op.host_prefix {
        check_host_prefix(service, op, template, &at, errors);
    }
    if let Some(pagination) = &op.pagination {
        let input_members: Vec<&str> = op
            .input
            .as_ref()
            .and_then(|i| service.shapes.get(i))
            .map(|s| s.kind.members().iter().map(|m| m.name.as_str()).collect())
            .unwrap_or_default();
        let keys = [
            ("input token", Some(&pagination.input_token)),
            ("page size", pagination.page_size.as_ref()),
        ];
        for (what, key) in keys {
            if let Some(key) = key {
                if !input_members.contains(&key.as_str()) {
                    errors.push(at(format!(
                        "pagination {what} `{key}` is not a member of the input"
                    )));
                }
            }
        }
    }
}

/// A host prefix must parse, and each label must name a string member of the input.
fn check_host_prefix(
    service: &Service,
    op: &Operation,
    template: &str,
    at: &dyn Fn(String) -> Error,
    errors: &mut Vec<Error>,
) {
    if let Err(reasons) = resolve_host_prefix(service, op, template) {
        errors.extend(reasons.into_iter().map(at));
    }
}

/// An operation's host prefix template as text and input members; `Err` with every reason it
/// does not resolve (it does not parse, or a label does not name a string member of the
/// input). Validation reports the reasons; [`crate::passes`] keeps the segments.
pub(crate) fn resolve_host_prefix(
    service: &Service,
    op: &Operation,
    template: &str,
) -> Result<Vec<HostSegment>, Vec<String>> {
    let parts = host_prefix_parts(template).map_err(|reason| vec![reason])?;
    let input = op.input.as_ref().and_then(|i| service.shapes.get(i));
    let members = input.map(|s| s.kind.members()).unwrap_or_default();
    let mut segments = Vec::new();
    let mut reasons = Vec::new();
    for part in parts {
        let label = match part {
            HostPart::Text(text) => {
                segments.push(HostSegment::Text(text));
                continue;
            }
            HostPart::Label(label) => label,
        };
        let member = members.iter().find(|m| m.name == label);
        match (input, member, member.and_then(|m| service.shapes.get(&m.target))) {
            (Some(input), Some(m), Some(target)) if matches!(target.kind, ShapeKind::String) => {
                segments.push(HostSegment::Member {
                    shape: input.name.clone(),
                    name: label,
                    required: m.required,
                });
            }
            (_, _, Some(target)) => reasons.push(format!(
                "host prefix label `{{{label}}}` names an input member of kind {}, but must name a string",
                kind_name(&target.kind)
            )),
            _ => reasons.push(format!(
                "host prefix label `{{{label}}}` is not a member of the input"
            )),
        }
    }
    if reasons.is_empty() {
        Ok(segments)
    } else {
        Err(reasons)
    }
}

/// The structures reached through a structure's required members.
fn required_edges(service: &Service) -> BTreeMap<&str, Vec<(&str, &str)>> {
    let mut edges: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for (name, shape) in &service.shapes {
        let ShapeKind::Structure(members) = &shape.kind else {
            continue;
        };
        let targets = members
            .iter()
            .filter(|m| m.required)
            .filter(|m| {
                service
                    .shapes
                    .get(&m.target)
                    .is_some_and(|t| matches!(t.kind, ShapeKind::Structure(_)))
            })
            .map(|m| (m.name.as_str(), m.target.as_str()))
            .collect();
        edges.insert(name.as_str(), targets);
    }
    edges
}

/// Cycles of required structure members: no value of such a structure can ever be built, since
/// no list, map or optional member ends the chain. One error per cycle, naming its shapes.
pub(crate) fn required_cycles(service: &Service, file: &str) -> Vec<Error> {
    let edges = required_edges(service);
    let mut errors = Vec::new();
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    // Colours of an iterative depth-first search: absent = unvisited.
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for &start in edges.keys() {
        if done.contains(start) {
            continue;
        }
        // The path of (shape, index of the next edge to try, member used to get here).
        let mut path: Vec<(&str, usize, &str)> = vec![(start, 0, "")];
        let mut on_path: BTreeSet<&str> = BTreeSet::from([start]);
        while let Some(top) = path.last_mut() {
            let (node, next, _) = *top;
            let out = edges.get(node).map(Vec::as_slice).unwrap_or_default();
            let Some(&(member, target)) = out.get(next) else {
                on_path.remove(node);
                done.insert(node);
                path.pop();
                continue;
            };
            top.1 += 1;
            if on_path.contains(target) {
                let from = path.iter().position(|(n, _, _)| *n == target).unwrap_or(0);
                let cycle: Vec<(&str, &str)> = path
                    .get(from..)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                    .map(|(i, (n, _, _))| {
                        // The member leaving each shape is the one that reached the next.
                        let via = path.get(from + i + 1).map(|(_, _, m)| *m).unwrap_or(member);
                        (*n, via)
                    })
                    .collect();
                if cycle.iter().all(|(n, _)| !reported.contains(n)) {
                    reported.extend(cycle.iter().map(|(n, _)| *n));
                    let chain: Vec<String> =
                        cycle.iter().map(|(n, m)| format!("`{n}.{m}`")).collect();
                    let first = cycle.first().map(|(n, _)| *n).unwrap_or(target);
                    errors.push(
                        Error::new(
                            file,
                            format!(
                                "required members form a cycle that no value can satisfy: {} -> `{target}`; make one of them optional",
                                chain.join(" -> ")
                            ),
                        )
                        .shape(first),
                    );
                }
            } else if !done.contains(target) {
                on_path.insert(target);
                path.push((target, 0, member));
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Constraints, Member, Metadata, Protocol};

    fn member(name: &str, target: &str, required: bool) -> Member {
        Member {
            name: name.into(),
            target: target.into(),
            required,
            default: None,
            docs: None,
            deprecated: None,
            idempotency_token: false,
            timestamp_format: None,
            sensitive: false,
            indirect: false,
            wire: crate::ir::WireForm::Plain,
        }
    }

    fn shape(name: &str, kind: ShapeKind) -> Shape {
        Shape {
            name: name.into(),
            kind,
            docs: None,
            constraints: Constraints::default(),
            sensitive: false,
            deprecated: None,
            error: None,
        }
    }

    fn service(shapes: Vec<Shape>) -> Service {
        Service {
            metadata: Metadata {
                service_id: "Test".into(),
                full_name: "Test".into(),
                api_version: "1".into(),
                protocol: Protocol::AwsJson1_0,
                target_prefix: Some("T".into()),
                signing_name: "t".into(),
                endpoint_prefix: "t".into(),
                auth: Vec::new(),
                query_compatible: false,
            },
            docs: None,
            operations: Vec::new(),
            shapes: shapes.into_iter().map(|s| (s.name.clone(), s)).collect(),
            endpoint_rules: None,
            unsupported: Vec::new(),
        }
    }

    fn indirect_members(s: &Service) -> Vec<String> {
        let mut out = Vec::new();
        for shape in s.shapes.values() {
            for m in shape.kind.members() {
                if m.indirect {
                    out.push(format!("{}.{}", shape.name, m.name));
                }
            }
        }
        out
    }

    #[test]
    fn self_reference_is_indirect() {
        let mut s = service(vec![shape(
            "Node",
            ShapeKind::Structure(vec![member("next", "Node", false)]),
        )]);
        crate::passes::run(&mut s, "f").expect("an optional self reference is fine");
        assert_eq!(indirect_members(&s), ["Node.next"]);
    }

    #[test]
    fn two_shape_cycle_marks_only_the_back_edge() {
        let mut s = service(vec![
            shape("A", ShapeKind::Structure(vec![member("b", "B", false)])),
            shape("B", ShapeKind::Structure(vec![member("a", "A", false)])),
        ]);
        crate::passes::run(&mut s, "f").expect("optional members break the cycle");
        assert_eq!(indirect_members(&s), ["B.a"]);
    }

    #[test]
    fn a_missing_target_prefix_is_accepted_and_an_empty_one_is_not() {
        let mut s = service(Vec::new());
        s.metadata.target_prefix = None;
        validate(&s, "f.json").expect("only sending needs a target prefix");
        s.metadata.target_prefix = Some(String::new());
        let text = validate(&s, "f.json")
            .expect_err("empty prefix")
            .to_string();
        assert!(
            text.contains("f.json: metadata has an empty targetPrefix"),
            "{text}"
        );
    }

    #[test]
    fn required_cycle_names_the_shapes() {
        let s = service(vec![
            shape("A", ShapeKind::Structure(vec![member("b", "B", true)])),
            shape("B", ShapeKind::Structure(vec![member("a", "A", true)])),
        ]);
        let err = validate(&s, "f.json").expect_err("unbuildable cycle");
        let text = err.to_string();
        assert!(
            text.contains("f.json: shape `A`: required members form a cycle")
                && text.contains("`A.b` -> `B.a` -> `A`"),
            "{text}"
        );
        assert_eq!(err.len(), 1);
    }

    #[test]
    fn host_prefix_templates_split_into_text_and_labels() {
        use crate::ir::{host_prefix_parts, HostPart};
        assert_eq!(
            host_prefix_parts("foo.{label}."),
            Ok(vec![
                HostPart::Text("foo.".to_owned()),
                HostPart::Label("label".to_owned()),
                HostPart::Text(".".to_owned()),
            ])
        );
        for bad in ["{open.", "close}.", "{}.", "{a{b}}."] {
            assert!(host_prefix_parts(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn min_greater_than_max_is_rejected() {
        let mut bad = shape("S", ShapeKind::String);
        bad.constraints.min_length = Some(5);
        bad.constraints.max_length = Some(2);
        let err = validate(&service(vec![bad]), "f").expect_err("contradiction");
        assert!(err
            .to_string()
            .contains("minimum length 5 greater than maximum length 2"));
    }

    #[test]
    fn map_key_must_be_a_string() {
        let s = service(vec![
            shape("I", ShapeKind::Integer),
            shape(
                "M",
                ShapeKind::Map {
                    key: member("key", "I", false),
                    value: member("value", "I", false),
                    sparse: false,
                },
            ),
        ]);
        let err = validate(&s, "f").expect_err("integer key");
        assert!(
            err.to_string()
                .contains("shape `M`, member `key`: map key targets `I`, a integer"),
            "{err}"
        );
    }
}
