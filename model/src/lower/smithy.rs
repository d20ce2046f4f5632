//! Lowers a Smithy 2.0 JSON AST model into the IR.
//!
//! The model must hold exactly one service shape; its operations (directly bound, or bound
//! through resources, recursively) become the IR operations, and its `errors` are added to
//! every operation. Traits become IR facts; traits the IR has no place for are ignored. This
//! module reports what it cannot map; cross-reference checks on the result belong to
//! `validate`.
//!
//! Naming:
//! - A shape's IR name is its bare name (`ns#Name` becomes `Name`), or the service's `rename`
//!   for it. Two shapes with the same IR name are an error.
//! - Prelude shapes (`smithy.api#String`, `smithy.api#PrimitiveBoolean`, `smithy.api#Unit`,
//!   ...) become IR shapes named after their bare name when a member targets them, so a model
//!   converted from botocore (which declares `String`, `Boolean`, ... itself) lowers alike.
//!   When the model declares a shape of that name as well, the prelude shape is named
//!   `Smithy<Name>` instead (`SmithyString`); if that is taken too, lowering fails.
//! - `smithy.api#Unit` as operation input or output means "none"; as a member target it is an
//!   empty structure named `Unit`.
//!
//! Format choices:
//! - Enum values are named after their wire value, as botocore's are (see `lower`).
//! - awsJson ignores HTTP binding traits, so `httpError` does not set an error's status;
//!   `aws.protocols#awsQueryError` (code, httpResponseCode) does.
//! - awsJson ignores `jsonName`, so member wire names are member names.
//! - Mixins: a shape inherits its mixins' members (mixin members first); mixin shapes and
//!   trait definitions are not IR shapes.
//! - A `@streaming` union is an event stream: its operations are left out (see `lower`).
//!   Other streams (`@streaming` blobs) and `apply` statements are not supported and are
//!   errors.
//! - Constraint traits (`length`, `range`, `pattern`) on members cannot be expressed in the
//!   IR and are an error rather than silently dropped.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::ir::{
    AuthScheme, Constraints, Deprecated, EnumValue, ErrorTrait, Fault, IntEnumValue, Member,
    Metadata, Operation, Pagination, Protocol, Retryable, Service, Shape, ShapeKind,
    TimestampFormat,
};
use crate::lower::{
    auth_scheme, canonical_errors, canonical_min_length, canonical_rules, skip_event_streams,
    Problems, NO_AUTH,
};
use crate::smithy as raw;
use crate::{Error, Errors, Source};

const UNIT: &str = "smithy.api#Unit";
const DOCS: &str = "smithy.api#documentation";

/// Reads and lowers a Smithy JSON AST model. Every problem found is reported.
pub fn lower(file: Source<'_>) -> Result<Service, Errors> {
    let model: raw::Model = Error::parse(file.name, "a Smithy JSON AST model", file.text)?;
    let mut p = Problems::new(file.name);
    if !(model.smithy.starts_with('1') || model.smithy.starts_with('2')) {
        let error = p.error(format!(
            "Smithy IDL version `{}` is not supported: only 1.0 and 2.0 are",
            model.smithy
        ));
        p.push(error);
        return Err(p
            .finish(())
            .expect_err("an error was just recorded, so finishing fails"));
    }
    let services: Vec<(&String, &raw::Shape)> = model
        .shapes
        .iter()
        .filter(|(_, s)| s.kind == "service")
        .collect();
    let [(service_id, service)] = services.as_slice() else {
        let ids: Vec<&str> = services.iter().map(|(id, _)| id.as_str()).collect();
        let error = p.error(format!(
            "a model must hold exactly one service shape, but this one holds {}{}",
            ids.len(),
            if ids.is_empty() {
                String::new()
            } else {
                format!(" (`{}`)", ids.join("`, `"))
            }
        ));
        p.push(error);
        return Err(p
            .finish(())
            .expect_err("an error was just recorded, so finishing fails"));
    };

    for (id, shape) in &model.shapes {
        if shape.kind == "apply" {
            let error = p
                .error("is an `apply` statement, which is not supported; apply the traits in place")
                .shape(id);
            p.push(error);
        }
    }
    let mut cx = Cx::new(&model, service, &mut p);
    let shapes = cx.lower_shapes(&mut p);
    let operations = cx.lower_operations(service_id, service, &mut p);
    let metadata = lower_metadata(service_id, service, &mut p);
    let mut all_shapes = shapes;
    for (name, kind) in std::mem::take(&mut cx.prelude_used) {
        all_shapes.insert(name.clone(), plain_shape(name, kind));
    }
    let endpoint_rules = service
        .traits
        .get("smithy.rules#endpointRuleSet")
        .cloned()
        .map(canonical_rules);

    let mut service = Service {
        metadata,
        docs: doc_trait(&service.traits),
        operations,
        shapes: all_shapes,
        endpoint_rules,
        unsupported: Vec::new(),
    };
    skip_event_streams(&mut service, &cx.streams);
    p.finish(service)
}

/// The shapes of the model and the names they get in the IR.
struct Cx<'m> {
    model: &'m raw::Model,
    /// Absolute id to IR name, for every shape that becomes an IR shape and every operation.
    names: BTreeMap<&'m str, String>,
    /// IR names taken by model shapes.
    taken: BTreeSet<String>,
    /// Prelude shapes targeted so far, by IR name.
    prelude_used: BTreeMap<String, ShapeKind>,
    /// IR names of event streams (`@streaming` unions).
    streams: BTreeSet<String>,
}

impl<'m> Cx<'m> {
    fn new(model: &'m raw::Model, service: &raw::Shape, p: &mut Problems) -> Self {
        let mut names: BTreeMap<&str, String> = BTreeMap::new();
        let mut owners: BTreeMap<String, &str> = BTreeMap::new();
        for (id, shape) in &model.shapes {
            if !is_data_shape(shape) && shape.kind != "operation" {
                continue;
            }
            let Some(bare) = bare_name(id) else {
                let error = p
                    .error("is not an absolute shape id (`namespace#Name`)")
                    .shape(id);
                p.push(error);
                continue;
            };
            let name = service
                .rename
                .get(id)
                .cloned()
                .unwrap_or_else(|| bare.to_owned());
            if let Some(other) = owners.get(&name) {
                let error = p
                    .error(format!(
                        "has the same IR name `{name}` as `{other}`; use the service's `rename` to tell them apart"
                    ))
                    .shape(id);
                p.push(error);
                continue;
            }
            owners.insert(name.clone(), id);
            names.insert(id, name);
        }
        Cx {
            model,
            taken: owners.into_keys().collect(),
            names,
            prelude_used: BTreeMap::new(),
            streams: BTreeSet::new(),
        }
    }

    /// The IR name of a member target, recording prelude shapes as they are used.
    fn resolve(&mut self, target: &str) -> Result<String, String> {
        if let Some(name) = self.names.get(target) {
            return Ok(name.clone());
        }
        if let Some(bare) = target.strip_prefix("smithy.api#") {
            if let Some(kind) = prelude_kind(bare) {
                let name = if self.taken.contains(bare) {
                    format!("Smithy{bare}")
                } else {
                    bare.to_owned()
                };
                if self.taken.contains(&name) {
                    return Err(format!(
                        "targets the prelude shape `{target}`, but the model declares both `{bare}` and `{name}`, so it has no free IR name"
                    ));
                }
                self.prelude_used.insert(name.clone(), kind);
                return Ok(name);
            }
        }
        Err(format!("targets unknown shape `{target}`"))
    }

    fn lower_shapes(&mut self, p: &mut Problems) -> BTreeMap<String, Shape> {
        let mut out = BTreeMap::new();
        for (id, shape) in &self.model.shapes {
            if !is_data_shape(shape) {
                continue;
            }
            let Some(name) = self.names.get(id.as_str()).cloned() else {
                continue;
            };
            if let Some(lowered) = self.lower_shape(id, &name, shape, p) {
                out.insert(name, lowered);
            }
        }
        out
    }

    fn lower_shape(
        &mut self,
        id: &str,
        name: &str,
        s: &raw::Shape,
        p: &mut Problems,
    ) -> Option<Shape> {
        let kind = self.lower_kind(id, name, s, p)?;
        let constraints = constraints(&s.traits)
            .map_err(|reason| p.push(p.error(reason).shape(name)))
            .ok()?;
        let error = error_trait(name, &s.traits)
            .map_err(|reason| p.push(p.error(reason).shape(name)))
            .ok()?;
        let deprecated = deprecated(&s.traits)
            .map_err(|reason| p.push(p.error(reason).shape(name)))
            .ok()?;
        Some(Shape {
            name: name.to_owned(),
            kind,
            docs: doc_trait(&s.traits),
            constraints,
            sensitive: s.traits.contains_key("smithy.api#sensitive"),
            deprecated,
            error,
        })
    }

    fn lower_kind(
        &mut self,
        id: &str,
        name: &str,
        s: &raw::Shape,
        p: &mut Problems,
    ) -> Option<ShapeKind> {
        if s.traits.contains_key("smithy.api#streaming") && s.kind == "union" {
            self.streams.insert(name.to_owned());
        } else if s.traits.contains_key("smithy.api#streaming") {
            let error = p
                .error("is a stream (`@streaming`), which is not supported")
                .shape(name);
            p.push(error);
            return None;
        }
        let sparse = s.traits.contains_key("smithy.api#sparse");
        let kind = match s.kind.as_str() {
            "blob" => ShapeKind::Blob,
            "boolean" => ShapeKind::Boolean,
            "string" => match s.traits.get("smithy.api#enum") {
                Some(values) => ShapeKind::Enum(
                    legacy_enum(values)
                        .map_err(|reason| p.push(p.error(reason).shape(name)))
                        .ok()?,
                ),
                None => ShapeKind::String,
            },
            "byte" => ShapeKind::Byte,
            "short" => ShapeKind::Short,
            "integer" => ShapeKind::Integer,
            "long" => ShapeKind::Long,
            "float" => ShapeKind::Float,
            "double" => ShapeKind::Double,
            "bigInteger" => ShapeKind::BigInteger,
            "bigDecimal" => ShapeKind::BigDecimal,
            "timestamp" => ShapeKind::Timestamp(
                timestamp_format(&s.traits)
                    .map_err(|reason| p.push(p.error(reason).shape(name)))
                    .ok()?
                    .unwrap_or(TimestampFormat::EpochSeconds),
            ),
            "document" => ShapeKind::Document,
            "enum" => ShapeKind::Enum(self.enum_values(name, s, p)?),
            "intEnum" => ShapeKind::IntEnum(self.int_enum_values(name, s, p)?),
            "list" | "set" => {
                let member = self.lower_inner(name, "member", s.member.as_ref(), p)?;
                ShapeKind::List { member, sparse }
            }
            "map" => {
                let key = self.lower_inner(name, "key", s.key.as_ref(), p);
                let value = self.lower_inner(name, "value", s.value.as_ref(), p);
                ShapeKind::Map {
                    key: key?,
                    value: value?,
                    sparse,
                }
            }
            "structure" | "union" => {
                let members = self.collect_members(id, s, 0, p)?;
                let mut lowered = Vec::new();
                let mut ok = true;
                for (member_name, m) in &members {
                    match self.lower_member(name, member_name, m, p) {
                        Some(m) => lowered.push(m),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                if s.kind == "union" {
                    ShapeKind::Union(lowered)
                } else {
                    ShapeKind::Structure(lowered)
                }
            }
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

    /// A structure's or union's members: inherited mixin members first, then its own; a
    /// member redeclared locally keeps its place and gains the local traits.
    fn collect_members(
        &self,
        id: &str,
        s: &raw::Shape,
        depth: usize,
        p: &mut Problems,
    ) -> Option<Vec<(String, raw::Member)>> {
        // Mixins cannot form cycles in a valid model; the bound keeps a bad one from looping.
        if depth > 32 {
            let error = p.error("has mixins that form a cycle").shape(id);
            p.push(error);
            return None;
        }
        let mut out: Vec<(String, raw::Member)> = Vec::new();
        for mixin in &s.mixins {
            let Some(mixin_shape) = self.model.shapes.get(&mixin.target) else {
                let error = p
                    .error(format!("uses unknown mixin `{}`", mixin.target))
                    .shape(id);
                p.push(error);
                return None;
            };
            for (name, m) in self.collect_members(&mixin.target, mixin_shape, depth + 1, p)? {
                merge_member(&mut out, name, m);
            }
        }
        for (name, m) in s.members.iter() {
            merge_member(&mut out, name.to_owned(), m.clone());
        }
        Some(out)
    }

    fn lower_inner(
        &mut self,
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
        self.lower_member(shape, role, m, p)
    }

    fn lower_member(
        &mut self,
        shape: &str,
        name: &str,
        m: &raw::Member,
        p: &mut Problems,
    ) -> Option<Member> {
        let at = |p: &Problems, reason: String| p.error(reason).shape(shape).member(name);
        for constraint in [
            "smithy.api#length",
            "smithy.api#range",
            "smithy.api#pattern",
        ] {
            if m.traits.contains_key(constraint) {
                let error = at(
                    p,
                    format!("carries `{constraint}`, but constraints on members are not supported; put it on the target shape"),
                );
                p.push(error);
                return None;
            }
        }
        let target = match self.resolve(&m.target) {
            Ok(target) => target,
            Err(reason) => {
                let error = at(p, reason);
                p.push(error);
                return None;
            }
        };
        let timestamp_format = match timestamp_format(&m.traits) {
            Ok(f) => f,
            Err(reason) => {
                let error = at(p, reason);
                p.push(error);
                return None;
            }
        };
        let deprecated = match deprecated(&m.traits) {
            Ok(d) => d,
            Err(reason) => {
                let error = at(p, reason);
                p.push(error);
                return None;
            }
        };
        Some(Member {
            name: name.to_owned(),
            target,
            required: m.traits.contains_key("smithy.api#required"),
            // A `null` default explicitly removes a default, so it is no default.
            default: m
                .traits
                .get("smithy.api#default")
                .filter(|v| !v.is_null())
                .cloned(),
            docs: doc_trait(&m.traits),
            deprecated,
            idempotency_token: m.traits.contains_key("smithy.api#idempotencyToken"),
            timestamp_format,
            sensitive: false,
            indirect: false,
            // Decided by the passes.
            wire: crate::ir::WireForm::Plain,
        })
    }

    fn enum_values(&self, shape: &str, s: &raw::Shape, p: &mut Problems) -> Option<Vec<EnumValue>> {
        let mut values = Vec::new();
        for (name, m) in s.members.iter() {
            let value = match m.traits.get("smithy.api#enumValue") {
                None => name.to_owned(),
                Some(Value::String(v)) => v.clone(),
                Some(other) => {
                    let error = p
                        .error(format!(
                            "has enumValue {other}, but a string enum needs a string"
                        ))
                        .shape(shape)
                        .member(name);
                    p.push(error);
                    return None;
                }
            };
            values.push(EnumValue {
                name: value.clone(),
                value,
                docs: doc_trait(&m.traits),
            });
        }
        Some(values)
    }

    fn int_enum_values(
        &self,
        shape: &str,
        s: &raw::Shape,
        p: &mut Problems,
    ) -> Option<Vec<IntEnumValue>> {
        let mut values = Vec::new();
        for (name, m) in s.members.iter() {
            let Some(value) = m.traits.get("smithy.api#enumValue").and_then(Value::as_i64) else {
                let error = p
                    .error("needs an integer enumValue")
                    .shape(shape)
                    .member(name);
                p.push(error);
                return None;
            };
            values.push(IntEnumValue {
                name: name.to_owned(),
                value,
                docs: doc_trait(&m.traits),
            });
        }
        Some(values)
    }

    fn lower_operations(
        &mut self,
        service_id: &str,
        service: &raw::Shape,
        p: &mut Problems,
    ) -> Vec<Operation> {
        let mut op_ids = BTreeSet::new();
        let mut seen_resources = BTreeSet::new();
        collect_operations(self.model, service, &mut op_ids, &mut seen_resources, p);
        let service_name = bare_name(service_id).unwrap_or(service_id);
        let mut common_errors = Vec::new();
        for e in &service.errors {
            match self.resolve(&e.target) {
                Ok(name) => common_errors.push(name),
                Err(reason) => {
                    let error = p
                        .error(format!("common error {reason}"))
                        .shape(service_name);
                    p.push(error);
                }
            }
        }
        let service_paginated = service.traits.get("smithy.api#paginated");
        let mut operations: Vec<Operation> = op_ids
            .iter()
            .filter_map(|id| self.lower_operation(id, service_paginated, &common_errors, p))
            .collect();
        operations.sort_by(|a, b| a.name.cmp(&b.name));
        operations
    }

    fn lower_operation(
        &mut self,
        id: &str,
        service_paginated: Option<&Value>,
        common_errors: &[String],
        p: &mut Problems,
    ) -> Option<Operation> {
        let Some(op) = self.model.shapes.get(id).filter(|s| s.kind == "operation") else {
            let error = p.error(format!(
                "the service binds `{id}`, which is not an operation in the model"
            ));
            p.push(error);
            return None;
        };
        let name = self.names.get(id).cloned().unwrap_or_else(|| id.to_owned());
        let mut failed = false;
        let mut io = |cx: &mut Self, r: &Option<raw::Ref>, role: &str, p: &mut Problems| {
            let target = r
                .as_ref()
                .map(|r| r.target.as_str())
                .filter(|t| *t != UNIT)?;
            match cx.resolve(target) {
                Ok(n) => Some(n),
                Err(_) => {
                    let error = p
                        .error(format!("{role} names unknown shape `{target}`"))
                        .operation(&name);
                    p.push(error);
                    failed = true;
                    None
                }
            }
        };
        let input = io(self, &op.input, "input", p);
        let output = io(self, &op.output, "output", p);
        let mut errors = common_errors.to_vec();
        for e in &op.errors {
            match self.resolve(&e.target) {
                Ok(n) => errors.push(n),
                Err(_) => {
                    let error = p
                        .error(format!("error names unknown shape `{}`", e.target))
                        .operation(&name);
                    p.push(error);
                    failed = true;
                }
            }
        }
        let t = &op.traits;
        let parsed = (|| -> Result<_, String> {
            Ok((
                deprecated(t)?,
                pagination(t.get("smithy.api#paginated"), service_paginated)?,
                str_field(t.get("smithy.api#endpoint"), "hostPrefix")?,
                str_list_field(t.get("smithy.api#requestCompression"), "encodings")?,
            ))
        })();
        let (deprecated, pagination, host_prefix, request_compression) = match parsed {
            Ok(parsed) => parsed,
            Err(reason) => {
                let error = p.error(reason).operation(&name);
                p.push(error);
                return None;
            }
        };
        if failed {
            return None;
        }
        let unsigned = t.contains_key("smithy.api#optionalAuth")
            || match t.get("smithy.api#auth").and_then(Value::as_array) {
                Some(ids) => ids.first().is_none_or(|id| id.as_str() == Some(NO_AUTH)),
                None => false,
            };
        Some(Operation {
            name,
            input,
            output,
            errors: canonical_errors(errors),
            docs: doc_trait(t),
            deprecated,
            unsigned,
            pagination,
            host_prefix,
            // Decided by the passes.
            host_segments: Vec::new(),
            request_compression: request_compression.unwrap_or_default(),
            idempotent: t.contains_key("smithy.api#idempotent"),
        })
    }
}

/// Adds or overrides a member by name, keeping its first position and merging traits.
fn merge_member(out: &mut Vec<(String, raw::Member)>, name: String, m: raw::Member) {
    match out.iter_mut().find(|(n, _)| *n == name) {
        Some((_, existing)) => {
            existing.target = m.target;
            existing.traits.extend(m.traits);
        }
        None => out.push((name, m)),
    }
}

/// Gathers the ids of every operation bound to a service or resource, recursively.
fn collect_operations<'m>(
    model: &'m raw::Model,
    container: &'m raw::Shape,
    ops: &mut BTreeSet<&'m str>,
    seen: &mut BTreeSet<&'m str>,
    p: &mut Problems,
) {
    for op in container.bound_operations() {
        ops.insert(op.target.as_str());
    }
    for r in &container.resources {
        if !seen.insert(r.target.as_str()) {
            continue;
        }
        match model.shapes.get(&r.target).filter(|s| s.kind == "resource") {
            Some(resource) => collect_operations(model, resource, ops, seen, p),
            None => {
                let error = p.error(format!(
                    "binds `{}`, which is not a resource in the model",
                    r.target
                ));
                p.push(error);
            }
        }
    }
}

fn lower_metadata(service_id: &str, s: &raw::Shape, p: &mut Problems) -> Metadata {
    let t = &s.traits;
    let shape_name = bare_name(service_id).unwrap_or(service_id).to_owned();
    let aws = t.get("aws.api#service");
    let field = |key: &str| {
        aws.and_then(|v| v.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let sigv4_name = t
        .get("aws.auth#sigv4")
        .and_then(|v| v.get("name"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let service_id_value = field("sdkId").unwrap_or_else(|| shape_name.clone());
    let endpoint_prefix = field("endpointPrefix")
        .or_else(|| field("arnNamespace"))
        .or_else(|| sigv4_name.clone())
        .unwrap_or_default();
    let auth = match t.get("smithy.api#auth").and_then(Value::as_array) {
        Some(ids) => ids
            .iter()
            .filter_map(Value::as_str)
            .filter_map(auth_scheme)
            .collect(),
        // Without an `auth` trait, Smithy orders the service's auth traits by shape id.
        None => t
            .keys()
            .filter(|id| id.as_str() != NO_AUTH)
            .filter_map(|id| auth_scheme(id))
            .collect::<Vec<AuthScheme>>(),
    };
    Metadata {
        full_name: t
            .get("smithy.api#title")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| service_id_value.clone()),
        service_id: service_id_value,
        api_version: s.version.clone().unwrap_or_default(),
        protocol: protocol(t, &shape_name, p),
        // awsJson's X-Amz-Target prefix is the service shape's name.
        target_prefix: Some(shape_name),
        signing_name: sigv4_name.unwrap_or_else(|| endpoint_prefix.clone()),
        endpoint_prefix,
        auth,
        query_compatible: t.contains_key("aws.protocols#awsQueryCompatible"),
    }
}

fn protocol(t: &BTreeMap<String, Value>, service: &str, p: &mut Problems) -> Protocol {
    if t.contains_key("aws.protocols#awsJson1_1") {
        return Protocol::AwsJson1_1;
    }
    if t.contains_key("aws.protocols#awsJson1_0") {
        return Protocol::AwsJson1_0;
    }
    let others: Vec<&str> = t
        .keys()
        .map(String::as_str)
        .filter(|id| id.starts_with("aws.protocols#") || id.starts_with("smithy.protocols#"))
        .collect();
    let reason = if others.is_empty() {
        "has no protocol trait; only awsJson1_0 and awsJson1_1 are supported".to_owned()
    } else {
        format!(
            "protocol `{}` is not supported: only awsJson1_0 and awsJson1_1 are",
            others.join("`, `")
        )
    };
    let error = p.error(reason).shape(service);
    p.push(error);
    Protocol::AwsJson1_0
}

/// True for shapes that describe values (not services, operations, resources, mixins or
/// trait definitions).
fn is_data_shape(s: &raw::Shape) -> bool {
    !matches!(
        s.kind.as_str(),
        "service" | "operation" | "resource" | "apply"
    ) && !s.traits.contains_key("smithy.api#mixin")
        && !s.traits.contains_key("smithy.api#trait")
}

fn bare_name(id: &str) -> Option<&str> {
    id.split_once('#')
        .map(|(_, name)| name)
        .filter(|name| !name.is_empty() && !name.contains('$'))
}

fn prelude_kind(name: &str) -> Option<ShapeKind> {
    let kind = match name {
        "String" => ShapeKind::String,
        "Blob" => ShapeKind::Blob,
        "Boolean" | "PrimitiveBoolean" => ShapeKind::Boolean,
        "Byte" | "PrimitiveByte" => ShapeKind::Byte,
        "Short" | "PrimitiveShort" => ShapeKind::Short,
        "Integer" | "PrimitiveInteger" => ShapeKind::Integer,
        "Long" | "PrimitiveLong" => ShapeKind::Long,
        "Float" | "PrimitiveFloat" => ShapeKind::Float,
        "Double" | "PrimitiveDouble" => ShapeKind::Double,
        "BigInteger" => ShapeKind::BigInteger,
        "BigDecimal" => ShapeKind::BigDecimal,
        "Timestamp" => ShapeKind::Timestamp(TimestampFormat::EpochSeconds),
        "Document" => ShapeKind::Document,
        "Unit" => ShapeKind::Structure(Vec::new()),
        _ => return None,
    };
    Some(kind)
}

fn plain_shape(name: String, kind: ShapeKind) -> Shape {
    Shape {
        name,
        kind,
        docs: None,
        constraints: Constraints::default(),
        sensitive: false,
        deprecated: None,
        error: None,
    }
}

fn doc_trait(t: &BTreeMap<String, Value>) -> Option<String> {
    t.get(DOCS).and_then(Value::as_str).map(str::to_owned)
}

/// A string field of an object-valued trait; an error when the field has another type.
fn str_field(v: Option<&Value>, key: &str) -> Result<Option<String>, String> {
    match v.and_then(|v| v.get(key)) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("trait field `{key}` must be a string, not {other}")),
    }
}

fn str_list_field(v: Option<&Value>, key: &str) -> Result<Option<Vec<String>>, String> {
    match v.and_then(|v| v.get(key)) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("trait field `{key}` must list strings, not {i}"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => Err(format!("trait field `{key}` must be a list, not {other}")),
    }
}

fn num_field(v: Option<&Value>, key: &str) -> Result<Option<f64>, String> {
    match v.and_then(|v| v.get(key)) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(other) => Err(format!("trait field `{key}` must be a number, not {other}")),
    }
}

fn length_field(v: Option<&Value>, key: &str) -> Result<Option<u64>, String> {
    match v.and_then(|v| v.get(key)) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(|| {
            format!("length `{key}` is {n}, but a length must be a whole non-negative number")
        }),
        Some(other) => Err(format!("length `{key}` must be a number, not {other}")),
    }
}

fn constraints(t: &BTreeMap<String, Value>) -> Result<Constraints, String> {
    let length = t.get("smithy.api#length");
    let range = t.get("smithy.api#range");
    let pattern = match t.get("smithy.api#pattern") {
        None => None,
        Some(Value::String(p)) => Some(p.clone()),
        Some(other) => return Err(format!("pattern must be a string, not {other}")),
    };
    Ok(Constraints {
        min_length: canonical_min_length(length_field(length, "min")?),
        max_length: length_field(length, "max")?,
        min_value: num_field(range, "min")?,
        max_value: num_field(range, "max")?,
        pattern,
        // Decided after validation, by `crate::pattern::pass`.
        pattern_check: None,
    })
}

fn deprecated(t: &BTreeMap<String, Value>) -> Result<Option<Deprecated>, String> {
    let Some(v) = t.get("smithy.api#deprecated") else {
        return Ok(None);
    };
    Ok(Some(Deprecated {
        message: str_field(Some(v), "message")?,
        since: str_field(Some(v), "since")?,
    }))
}

fn timestamp_format(t: &BTreeMap<String, Value>) -> Result<Option<TimestampFormat>, String> {
    match t.get("smithy.api#timestampFormat") {
        None => Ok(None),
        Some(Value::String(f)) => match f.as_str() {
            "epoch-seconds" => Ok(Some(TimestampFormat::EpochSeconds)),
            "date-time" => Ok(Some(TimestampFormat::DateTime)),
            "http-date" => Ok(Some(TimestampFormat::HttpDate)),
            other => Err(format!(
                "has unknown timestampFormat `{other}` (expected epoch-seconds, date-time or http-date)"
            )),
        },
        Some(other) => Err(format!("timestampFormat must be a string, not {other}")),
    }
}

fn error_trait(name: &str, t: &BTreeMap<String, Value>) -> Result<Option<ErrorTrait>, String> {
    let Some(error) = t.get("smithy.api#error") else {
        return Ok(None);
    };
    let fault = match error.as_str() {
        Some("client") => Fault::Client,
        Some("server") => Fault::Server,
        _ => {
            return Err(format!(
                "has error trait {error}, but it must be \"client\" or \"server\""
            ))
        }
    };
    let query = t.get("aws.protocols#awsQueryError");
    let status = match num_field(query, "httpResponseCode")? {
        None => match fault {
            Fault::Client => 400,
            Fault::Server => 500,
        },
        Some(code) if (100.0..=599.0).contains(&code) && code.fract() == 0.0 => code as u16,
        Some(code) => {
            return Err(format!(
                "awsQueryError httpResponseCode {code} is not an HTTP status"
            ))
        }
    };
    let retryable = match t.get("smithy.api#retryable") {
        None => None,
        Some(v) => Some(Retryable {
            throttling: match v.get("throttling") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(b)) => *b,
                Some(other) => {
                    return Err(format!(
                        "retryable `throttling` must be a boolean, not {other}"
                    ))
                }
            },
        }),
    };
    Ok(Some(ErrorTrait {
        fault,
        http_status: status,
        code: name.to_owned(),
        query_code: str_field(query, "code")?,
        retryable,
        // Decided by the passes.
        message_member: None,
    }))
}

/// Smithy 1.0's `enum` trait on a string shape.
fn legacy_enum(values: &Value) -> Result<Vec<EnumValue>, String> {
    let Some(items) = values.as_array() else {
        return Err("enum trait must be a list".to_owned());
    };
    items
        .iter()
        .map(|item| {
            let value = str_field(Some(item), "value")?
                .ok_or_else(|| "enum trait entry has no `value`".to_owned())?;
            Ok(EnumValue {
                name: value.clone(),
                value,
                docs: str_field(Some(item), "documentation")?,
            })
        })
        .collect()
}

/// An operation's pagination: its `paginated` trait, with missing fields taken from the
/// service's `paginated` trait. `items` is never inherited.
fn pagination(op: Option<&Value>, service: Option<&Value>) -> Result<Option<Pagination>, String> {
    let Some(op) = op else {
        return Ok(None);
    };
    let pick = |key: &str| -> Result<Option<String>, String> {
        Ok(match str_field(Some(op), key)? {
            Some(v) => Some(v),
            None => str_field(service, key)?,
        })
    };
    let (Some(input_token), Some(output_token)) = (pick("inputToken")?, pick("outputToken")?)
    else {
        return Err(
            "is paginated, but neither it nor the service names both inputToken and outputToken"
                .to_owned(),
        );
    };
    Ok(Some(Pagination {
        input_token,
        output_token,
        page_size: pick("pageSize")?,
        items: str_field(Some(op), "items")?,
        // Decided by the passes.
        helper: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Service, Errors> {
        lower(Source {
            name: "s.json",
            text,
        })
    }

    fn model(shapes: &str) -> String {
        format!(
            r#"{{"smithy": "2.0", "shapes": {{
                "ns#Svc": {{"type": "service", "version": "1",
                    "operations": [{{"target": "ns#Op"}}],
                    "traits": {{"aws.protocols#awsJson1_0": {{}}}}}},
                "ns#Op": {{"type": "operation", "input": {{"target": "ns#In"}}}},
                "ns#In": {{"type": "structure", "members": {{}}}}{shapes}
            }}}}"#
        )
    }

    #[test]
    fn prelude_shapes_get_bare_names_unless_taken() {
        let svc = load(&model(
            r#", "ns#S": {"type": "structure", "members": {
                    "a": {"target": "smithy.api#String"},
                    "b": {"target": "smithy.api#Integer"}}},
                "ns#Integer": {"type": "string"}"#,
        ))
        .expect("valid model");
        let targets: Vec<&str> = match &svc.shapes["S"].kind {
            ShapeKind::Structure(ms) => ms.iter().map(|m| m.target.as_str()).collect(),
            other => panic!("S lowered to {other:?}"),
        };
        assert_eq!(targets, ["String", "SmithyInteger"]);
        assert_eq!(svc.shapes["String"].kind, ShapeKind::String);
        assert_eq!(svc.shapes["SmithyInteger"].kind, ShapeKind::Integer);
        assert_eq!(svc.shapes["Integer"].kind, ShapeKind::String);
    }

    #[test]
    fn service_errors_join_every_operation() {
        let text = model(r#", "ns#Boom": {"type": "structure", "members": {}, "traits": {"smithy.api#error": "server"}}"#)
            .replace(r#""version": "1","#, r#""version": "1", "errors": [{"target": "ns#Boom"}],"#);
        let svc = load(&text).expect("valid model");
        assert_eq!(svc.operations[0].errors, ["Boom"]);
        let e = svc.shapes["Boom"].error.clone().expect("Boom is an error");
        assert_eq!(
            (e.fault, e.http_status, e.code.as_str()),
            (Fault::Server, 500, "Boom")
        );
    }

    #[test]
    fn pagination_inherits_service_defaults() {
        let service =
            serde_json::json!({"inputToken": "Next", "outputToken": "Next", "pageSize": "Max"});
        let op = serde_json::json!({"items": "Things"});
        let p = pagination(Some(&op), Some(&service))
            .expect("valid traits")
            .expect("paginated");
        assert_eq!(
            p,
            Pagination {
                input_token: "Next".into(),
                output_token: "Next".into(),
                page_size: Some("Max".into()),
                items: Some("Things".into()),
                // Decided by the passes.
                helper: None,
            }
        );
        let err = pagination(Some(&op), None).expect_err("no tokens anywhere");
        assert!(err.contains("inputToken"), "{err}");
    }

    #[test]
    fn two_services_are_an_error() {
        let text = r#"{"smithy": "2.0", "shapes": {
            "a#S": {"type": "service"}, "b#S": {"type": "service"}}}"#;
        let err = load(text).expect_err("two services");
        assert!(err.to_string().contains("holds 2 (`a#S`, `b#S`)"), "{err}");
    }

    #[test]
    fn member_constraints_are_rejected() {
        let err = load(&model(
            r#", "ns#S": {"type": "structure", "members": {
                "a": {"target": "smithy.api#String", "traits": {"smithy.api#length": {"max": 3}}}}}"#,
        ))
        .expect_err("member constraint");
        assert!(
            err.to_string()
                .contains("shape `S`, member `a`: carries `smithy.api#length`"),
            "{err}"
        );
    }
}
