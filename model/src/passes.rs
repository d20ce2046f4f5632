//! The IR passes: facts the code generator needs, decided once on a validated service so
//! that emitters only read them.
//!
//! - sensitivity: which members are sensitive (their target is, or
//!   [`crate::customizations`] says so);
//! - indirection: which members close a cycle and are stored behind a pointer;
//! - host prefixes: each operation's endpoint host prefix as text and input members
//!   ([`crate::ir::Operation::host_segments`]);
//! - error messages: which member of an exception carries its message
//!   ([`crate::ir::ErrorTrait::message_member`]);
//! - pages helpers: which paginated operations a client can page through, and the list
//!   member holding a page's items ([`crate::ir::Pagination::helper`]);
//! - wire forms: how each member's value is written ([`crate::ir::Member::wire`]).
//!
//! Patterns are decided by [`crate::pattern::pass`].

use std::collections::{BTreeMap, BTreeSet};

use crate::customizations;
use crate::ir::{
    Element, Member, PageItems, PagesHelper, Service, Shape, ShapeKind, TimestampFormat, WireForm,
};
use crate::validate::{required_cycles, resolve_host_prefix};
use crate::{Error, Errors};

/// Runs the passes on a validated service: sensitivity (with customizations), indirection,
/// host prefixes and error messages.
pub fn run(service: &mut Service, file: &str) -> Result<(), Errors> {
    let mut errors = sensitivity(service, file);
    errors.extend(required_cycles(service, file));
    errors.extend(host_prefixes(service, file));
    errors.extend(wire_forms(service, file));
    Errors::check(errors)?;
    indirection(service);
    error_messages(service);
    pages_helpers(service);
    Ok(())
}

/// Sensitivity: a member is sensitive when its target shape is, or when a customization
/// says so. List members and map keys and values are members too, so a map whose values
/// target a sensitive shape has a sensitive value member.
fn sensitivity(service: &mut Service, file: &str) -> Vec<Error> {
    let mut errors = Vec::new();
    let custom = customizations::for_service(&service.metadata.service_id);
    let mut extra: BTreeSet<(&str, &str)> = BTreeSet::new();
    if let Some(custom) = custom {
        for m in custom.sensitive_members {
            let exists = service
                .shapes
                .get(m.shape)
                .is_some_and(|s| s.kind.members().iter().any(|x| x.name == m.member));
            if exists {
                extra.insert((m.shape, m.member));
            } else {
                errors.push(
                    Error::new(
                        file,
                        format!(
                            "the customizations for `{}` mark this member sensitive, but the model has no such member; update customizations.rs",
                            custom.service_id
                        ),
                    )
                    .shape(m.shape)
                    .member(m.member),
                );
            }
        }
    }
    let sensitive_shapes: BTreeSet<String> = service
        .shapes
        .values()
        .filter(|s| s.sensitive)
        .map(|s| s.name.clone())
        .collect();
    for (name, shape) in service.shapes.iter_mut() {
        for m in shape.kind.members_mut() {
            m.sensitive = sensitive_shapes.contains(&m.target)
                || extra.contains(&(name.as_str(), m.name.as_str()));
        }
    }
    errors
}

/// Indirection: marks the structure and union members that close a cycle of direct
/// structure/union references. Lists and maps already store their elements on the heap, so
/// only direct references count. The marked members are the back edges of a depth-first
/// search that visits shapes in name order and members in declaration order, which breaks
/// every cycle and is the same on every run.
fn indirection(service: &mut Service) {
    let is_aggregate = |s: &Shape| matches!(s.kind, ShapeKind::Structure(_) | ShapeKind::Union(_));
    let aggregates: BTreeSet<&str> = service
        .shapes
        .values()
        .filter(|s| is_aggregate(s))
        .map(|s| s.name.as_str())
        .collect();
    // Outgoing edges: (member index, target) for members targeting a structure or union.
    let edges: BTreeMap<&str, Vec<(usize, &str)>> = service
        .shapes
        .values()
        .filter_map(|s| match &s.kind {
            ShapeKind::Structure(ms) | ShapeKind::Union(ms) => Some((
                s.name.as_str(),
                ms.iter()
                    .enumerate()
                    .filter(|(_, m)| aggregates.contains(m.target.as_str()))
                    .map(|(i, m)| (i, m.target.as_str()))
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    let mut back_edges: BTreeSet<(String, usize)> = BTreeSet::new();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for &start in edges.keys() {
        if done.contains(start) {
            continue;
        }
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        let mut on_path: BTreeSet<&str> = BTreeSet::from([start]);
        while let Some(top) = path.last_mut() {
            let (node, next) = *top;
            let out = edges.get(node).map(Vec::as_slice).unwrap_or_default();
            let Some(&(member, target)) = out.get(next) else {
                on_path.remove(node);
                done.insert(node);
                path.pop();
                continue;
            };
            top.1 += 1;
            if on_path.contains(target) {
                back_edges.insert((node.to_owned(), member));
            } else if !done.contains(target) {
                on_path.insert(target);
                path.push((target, 0));
            }
        }
    }
    for (name, shape) in service.shapes.iter_mut() {
        if let ShapeKind::Structure(ms) | ShapeKind::Union(ms) = &mut shape.kind {
            for (i, m) in ms.iter_mut().enumerate() {
                m.indirect = back_edges.contains(&(name.clone(), i));
            }
        }
    }
}

/// Host prefixes: each operation's template in segments, every label resolved to the input
/// member it names and whether that member is required. Validation has checked templates and
/// labels; a template that still does not resolve is reported, never dropped.
fn host_prefixes(service: &mut Service, file: &str) -> Vec<Error> {
    let mut errors = Vec::new();
    let mut decided = Vec::new();
    for op in &service.operations {
        let resolved = match &op.host_prefix {
            Some(template) => resolve_host_prefix(service, op, template),
            None => Ok(Vec::new()),
        };
        decided.push(resolved.unwrap_or_else(|reasons| {
            let at = |reason| Error::new(file, reason).operation(&op.name);
            errors.extend(reasons.into_iter().map(at));
            Vec::new()
        }));
    }
    for (op, segments) in service.operations.iter_mut().zip(decided) {
        op.host_segments = segments;
    }
    errors
}

/// The member names that carry an exception's message.
const MESSAGE_MEMBERS: [&str; 3] = ["message", "Message", "errorMessage"];

/// Error messages: the member of each exception that carries its message: the first member
/// (in model order) named `message`, `Message` or `errorMessage`, when it is a string.
fn error_messages(service: &mut Service) {
    let is_string = |target: &str| {
        service
            .shapes
            .get(target)
            .is_some_and(|s| matches!(s.kind, ShapeKind::String))
    };
    let decided: Vec<(String, Option<String>)> = service
        .shapes
        .values()
        .filter(|s| s.error.is_some())
        .map(|s| {
            let message = s
                .kind
                .members()
                .into_iter()
                .find(|m| MESSAGE_MEMBERS.contains(&m.name.as_str()))
                .filter(|m| is_string(&m.target))
                .map(|m| m.name.clone());
            (s.name.clone(), message)
        })
        .collect();
    for (name, message) in decided {
        if let Some(error) = service.shapes.get_mut(&name).and_then(|s| s.error.as_mut()) {
            error.message_member = message;
        }
    }
}

/// Pages helpers: an operation gets one when its tokens are top-level optional string
/// members of its input and output. Its items are the output's result member when that is a
/// top-level list stored directly (a dotted path names a nested member, which the helper
/// does not follow). Runs after indirection, which decides what is stored directly.
fn pages_helpers(service: &mut Service) {
    let member = |shape: &str, name: &str| -> Option<&Member> {
        match &service.shapes.get(shape)?.kind {
            ShapeKind::Structure(members) => members.iter().find(|m| m.name == name),
            _ => None,
        }
    };
    let is_token = |shape: &str, name: &str| {
        member(shape, name).is_some_and(|m| {
            !m.required
                && service
                    .shapes
                    .get(&m.target)
                    .is_some_and(|t| matches!(t.kind, ShapeKind::String))
        })
    };
    let items_of = |output: &str, name: &str| -> Option<PageItems> {
        let m = member(output, name).filter(|m| !m.indirect)?;
        match &service.shapes.get(&m.target)?.kind {
            ShapeKind::List {
                member: element,
                sparse,
            } => Some(PageItems {
                member: name.to_owned(),
                element: element.target.clone(),
                sparse: *sparse,
                required: m.required,
            }),
            _ => None,
        }
    };
    let decided: Vec<Option<PagesHelper>> = service
        .operations
        .iter()
        .map(|op| {
            let p = op.pagination.as_ref()?;
            let (input, output) = (op.input.as_deref()?, op.output.as_deref()?);
            if !(is_token(input, &p.input_token) && is_token(output, &p.output_token)) {
                return None;
            }
            Some(PagesHelper {
                input: input.to_owned(),
                output: output.to_owned(),
                items: p.items.as_deref().and_then(|name| items_of(output, name)),
            })
        })
        .collect();
    for (op, helper) in service.operations.iter_mut().zip(decided) {
        if let Some(p) = op.pagination.as_mut() {
            p.helper = helper;
        }
    }
}

/// Wire forms: every member's, from its target and its timestamp format. Lists and maps
/// carry their elements' forms, so a format applies at any depth. Lists and maps that hold
/// each other in a cycle with no structure or union between them are reported: no Rust
/// type can hold such a value.
fn wire_forms(service: &mut Service, file: &str) -> Vec<Error> {
    let mut errors = Vec::new();
    let mut decided = Vec::new();
    for shape in service.shapes.values() {
        for (index, m) in shape.kind.members().into_iter().enumerate() {
            match wire_form(service, m, &mut Vec::new()) {
                Ok(form) => decided.push((shape.name.clone(), index, form)),
                Err(cycle) => errors.push(
                    Error::new(
                        file,
                        format!(
                            "lists and maps hold each other in a cycle with no structure or union between them ({}); no Rust type can hold such a value",
                            cycle.join(" -> ")
                        ),
                    )
                    .shape(&shape.name)
                    .member(&m.name),
                ),
            }
        }
    }
    for (name, index, form) in decided {
        let member = service
            .shapes
            .get_mut(&name)
            .and_then(|s| s.kind.members_mut().into_iter().nth(index));
        if let Some(m) = member {
            m.wire = form;
        }
    }
    errors
}

/// The wire form of `m`; `Err` with the collections on the path when lists and maps cycle.
/// `open` holds the collections whose elements are being decided.
fn wire_form(
    service: &Service,
    m: &Member,
    open: &mut Vec<String>,
) -> Result<WireForm, Vec<String>> {
    // Validation has checked that every target exists.
    let Some(target) = service.shapes.get(&m.target) else {
        return Ok(WireForm::Plain);
    };
    let element = |open: &mut Vec<String>, member: &Member| {
        if open.contains(&target.name) {
            let mut cycle = open.clone();
            cycle.push(target.name.clone());
            return Err(cycle);
        }
        open.push(target.name.clone());
        let wire = wire_form(service, member, open)?;
        open.pop();
        Ok(Box::new(Element {
            target: member.target.clone(),
            wire,
        }))
    };
    Ok(match &target.kind {
        ShapeKind::Timestamp(format) => match m.timestamp_format.unwrap_or(*format) {
            TimestampFormat::EpochSeconds => WireForm::Plain,
            TimestampFormat::DateTime => WireForm::DateTime,
            TimestampFormat::HttpDate => WireForm::HttpDate,
        },
        ShapeKind::Float => WireForm::Float,
        ShapeKind::Double | ShapeKind::BigDecimal => WireForm::Double,
        ShapeKind::List { member, sparse } => WireForm::List {
            sparse: *sparse,
            element: element(open, member)?,
        },
        ShapeKind::Map { key, value, sparse } => WireForm::Map {
            sparse: *sparse,
            key: key.target.clone(),
            value: element(open, value)?,
        },
        _ => WireForm::Plain,
    })
}
