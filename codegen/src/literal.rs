//! Rust expressions that build a value of a generated type from a JSON description of it,
//! for test code written against a generated crate (the protocol test suites).
//!
//! The JSON is in the form botocore's test suites give parameters and results: structures
//! are objects keyed by member name, blobs are their bytes as a text string, timestamps are
//! epoch seconds (or an RFC 3339 string), floats may be `"NaN"`, `"Infinity"` or
//! `"-Infinity"`, documents are any JSON, and `null` means an absent member. The expressions
//! use the same names as the generated crate because they come from the same naming
//! table (`crate::names`); this module decides no names and emits no items.

use model::ir::{self, ShapeKind};
use proc_macro2::{Literal, TokenStream};
use quote::{quote, ToTokens};
use serde_json::Value;

use crate::context::{Cx, Root};
use crate::options::Options;
use crate::structure::meta_init;

/// Builds value expressions for the types of one generated crate.
pub struct Literals<'a> {
    cx: Cx<'a>,
}

impl<'a> Literals<'a> {
    /// Expressions for the crate generated from `service` with `opts`, which the caller's
    /// code depends on under the library name `crate_name` and reaches as `::crate_name`.
    /// Names come from the same table [`generate`](crate::generate) decides them in,
    /// `opts.names_lock` included.
    pub fn new(service: &'a ir::Service, opts: &'a Options, crate_name: &str) -> Self {
        Literals {
            cx: Cx::new(service, opts, Root::Extern(crate_name.to_owned())),
        }
    }

    /// The path the caller's code reaches the generated crate through (`::crate_name`).
    pub fn crate_path(&self) -> TokenStream {
        self.cx.root.to_token_stream()
    }

    /// The path of an operation's wire facts (its constant in the `operation` module).
    pub fn operation_meta(&self, op: &ir::Operation) -> TokenStream {
        self.cx.op_meta_path(op)
    }

    /// The path of an operation's output type.
    pub fn output_type(&self, op: &ir::Operation) -> TokenStream {
        self.cx.output_path(op)
    }

    /// The path of an operation's error enum.
    pub fn error_type(&self, op: &ir::Operation) -> TokenStream {
        self.cx.op_error_path(op)
    }

    /// The variant of an operation's error enum that holds the exception `shape`.
    pub fn op_error_variant(&self, op: &ir::Operation, shape: &str) -> TokenStream {
        let path = self.cx.op_error_path(op);
        let variant = self.cx.names.type_name(shape);
        quote!(#path::#variant)
    }

    /// The client method of an operation.
    pub fn operation_fn(&self, op: &ir::Operation) -> proc_macro2::Ident {
        self.cx.op_fn(op)
    }

    /// An expression of an operation's input built from `params`.
    pub fn input(&self, op: &ir::Operation, params: &Value) -> Result<TokenStream, String> {
        match &op.input {
            Some(shape) => self.value(shape, params),
            None => self.empty(self.cx.input_path(op), params),
        }
    }

    /// An expression of an operation's output built from `result`.
    pub fn output(&self, op: &ir::Operation, result: &Value) -> Result<TokenStream, String> {
        match &op.output {
            Some(shape) => self.value(shape, result),
            None => self.empty(self.cx.output_path(op), result),
        }
    }

    /// A synthesized empty input or output, which takes no members.
    fn empty(&self, path: TokenStream, value: &Value) -> Result<TokenStream, String> {
        match value {
            Value::Object(map) if map.is_empty() => Ok(quote!(#path::new())),
            Value::Null => Ok(quote!(#path::new())),
            other => Err(format!("the operation takes no members, but got {other}")),
        }
    }

    fn shape(&self, name: &str) -> Result<&'a ir::Shape, String> {
        self.cx
            .service
            .shapes
            .get(name)
            .ok_or_else(|| format!("no shape `{name}` in the model"))
    }

    /// An expression of a value of shape `target` built from `value` (not `null`).
    pub fn value(&self, target: &str, value: &Value) -> Result<TokenStream, String> {
        let shape = self.shape(target)?;
        let mismatch = |expected: &str| {
            Err(format!(
                "shape `{target}` expects {expected}, but the value is {value}"
            ))
        };
        Ok(match (&shape.kind, value) {
            (ShapeKind::Structure(members), Value::Object(map)) => {
                self.structure(shape, members, map)?
            }
            (ShapeKind::Union(members), Value::Object(map)) => self.union(shape, members, map)?,
            (ShapeKind::List { member, sparse }, Value::Array(items)) => {
                let items = items
                    .iter()
                    .map(|item| self.element(&member.target, *sparse, item))
                    .collect::<Result<Vec<_>, _>>()?;
                quote!(::std::vec![#(#items),*])
            }
            (
                ShapeKind::Map {
                    value: v, sparse, ..
                },
                Value::Object(map),
            ) => {
                let entries = map
                    .iter()
                    .map(|(k, item)| {
                        let item = self.element(&v.target, *sparse, item)?;
                        Ok(quote!((::std::string::String::from(#k), #item)))
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                quote!(::std::collections::HashMap::from([#(#entries),*]))
            }
            (ShapeKind::String, Value::String(s)) => quote!(::std::string::String::from(#s)),
            (ShapeKind::Enum(_), Value::String(s)) => {
                let path = self.cx.type_path(target);
                quote!(#path::from(#s))
            }
            (ShapeKind::IntEnum(_), Value::Number(_)) => {
                let path = self.cx.type_path(target);
                let n = integer::<i32>(value, target)?;
                let n = Literal::i32_suffixed(n);
                quote!(#path::from(#n))
            }
            (ShapeKind::Boolean, Value::Bool(b)) => quote!(#b),
            (ShapeKind::Byte, Value::Number(_)) => {
                Literal::i8_suffixed(integer(value, target)?).into_token_stream()
            }
            (ShapeKind::Short, Value::Number(_)) => {
                Literal::i16_suffixed(integer(value, target)?).into_token_stream()
            }
            (ShapeKind::Integer, Value::Number(_)) => {
                Literal::i32_suffixed(integer(value, target)?).into_token_stream()
            }
            (ShapeKind::Long, Value::Number(_)) => {
                Literal::i64_suffixed(integer(value, target)?).into_token_stream()
            }
            (ShapeKind::BigInteger, Value::Number(_)) => {
                Literal::i128_suffixed(integer(value, target)?).into_token_stream()
            }
            (ShapeKind::Float, _) => float(value, true, target)?,
            (ShapeKind::Double | ShapeKind::BigDecimal, _) => float(value, false, target)?,
            (ShapeKind::Blob, Value::String(s)) => {
                let bytes = Literal::byte_string(s.as_bytes());
                quote!(::aws_json_runtime::Blob::new(#bytes.to_vec()))
            }
            (ShapeKind::Timestamp(_), _) => timestamp(value, target)?,
            (ShapeKind::Document, _) => {
                let text = value.to_string();
                quote! {
                    ::aws_json_runtime::__private::serde_json::from_str::<::aws_json_runtime::Document>(#text)
                        .expect("the document is JSON text written by the test generator")
                }
            }
            (ShapeKind::Structure(_) | ShapeKind::Union(_) | ShapeKind::Map { .. }, _) => {
                return mismatch("an object")
            }
            (ShapeKind::List { .. }, _) => return mismatch("an array"),
            (ShapeKind::String | ShapeKind::Enum(_) | ShapeKind::Blob, _) => {
                return mismatch("a string")
            }
            (ShapeKind::Boolean, _) => return mismatch("a boolean"),
            (_, _) => return mismatch("a number"),
        })
    }

    /// A list element or map value: `Option`-wrapped in a sparse collection, where `null`
    /// is `None`.
    fn element(&self, target: &str, sparse: bool, value: &Value) -> Result<TokenStream, String> {
        match (sparse, value) {
            (true, Value::Null) => Ok(quote!(None)),
            (true, v) => {
                let v = self.value(target, v)?;
                Ok(quote!(Some(#v)))
            }
            (false, Value::Null) => Err(format!(
                "a collection of `{target}` is not sparse, so it cannot hold null"
            )),
            (false, v) => self.value(target, v),
        }
    }

    fn structure(
        &self,
        shape: &ir::Shape,
        members: &[ir::Member],
        map: &serde_json::Map<String, Value>,
    ) -> Result<TokenStream, String> {
        if let Some(unknown) = map.keys().find(|k| !members.iter().any(|m| &m.name == *k)) {
            return Err(format!(
                "structure `{}` has no member `{unknown}`",
                shape.name
            ));
        }
        let path = self.cx.type_path(&shape.name);
        let fields = members
            .iter()
            .map(|m| {
                let field = self.cx.names.field(&shape.name, &m.name);
                let value = match map.get(&m.name).filter(|v| !v.is_null()) {
                    Some(v) => Some(self.member_value(m, v)?),
                    None if m.required => {
                        return Err(format!(
                            "structure `{}` requires member `{}`",
                            shape.name, m.name
                        ))
                    }
                    None => None,
                };
                Ok(match (value, m.required) {
                    (Some(v), true) => quote!(#field: #v),
                    (Some(v), false) => quote!(#field: Some(#v)),
                    (None, _) => quote!(#field: None),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let meta = meta_init(shape);
        Ok(quote!(#path { #(#fields,)* #meta }))
    }

    fn union(
        &self,
        shape: &ir::Shape,
        members: &[ir::Member],
        map: &serde_json::Map<String, Value>,
    ) -> Result<TokenStream, String> {
        let set: Vec<(&String, &Value)> = map.iter().filter(|(_, v)| !v.is_null()).collect();
        let [(name, value)] = set.as_slice() else {
            return Err(format!(
                "union `{}` needs exactly one member set, but {} are",
                shape.name,
                set.len()
            ));
        };
        let member = members
            .iter()
            .find(|m| &m.name == *name)
            .ok_or_else(|| format!("union `{}` has no member `{name}`", shape.name))?;
        let path = self.cx.type_path(&shape.name);
        let variant = self.cx.names.union_variant(&shape.name, &member.name);
        let value = self.member_value(member, value)?;
        Ok(quote!(#path::#variant(#value)))
    }

    /// A member's value, boxed when the member closes a cycle.
    fn member_value(&self, m: &ir::Member, value: &Value) -> Result<TokenStream, String> {
        let v = self.value(&m.target, value)?;
        Ok(if m.indirect {
            quote!(::std::boxed::Box::new(#v))
        } else {
            v
        })
    }
}

/// An integer of type `T` from a JSON number, refusing fractions and out-of-range values.
fn integer<T: TryFrom<i128>>(value: &Value, target: &str) -> Result<T, String> {
    let n = match value {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
            .or_else(|| n.to_string().parse::<i128>().ok()),
        _ => None,
    };
    n.and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| format!("shape `{target}` expects an integer in range, but got {value}"))
}

/// A float: a JSON number, or one of the strings the protocol uses for non-finite values.
fn float(value: &Value, single: bool, target: &str) -> Result<TokenStream, String> {
    let ty = if single { quote!(f32) } else { quote!(f64) };
    Ok(match value {
        Value::String(s) if s == "NaN" => quote!(#ty::NAN),
        Value::String(s) if s == "Infinity" => quote!(#ty::INFINITY),
        Value::String(s) if s == "-Infinity" => quote!(#ty::NEG_INFINITY),
        Value::Number(n) => {
            let f = n
                .as_f64()
                .ok_or_else(|| format!("shape `{target}`: {n} is not a float"))?;
            if single {
                // The suites write the decimal a float member holds; it converts to the
                // nearest `f32` exactly as the generated crate's parser does.
                Literal::f32_suffixed(f as f32).into_token_stream()
            } else {
                Literal::f64_suffixed(f).into_token_stream()
            }
        }
        other => {
            return Err(format!(
            "shape `{target}` expects a number, `NaN`, `Infinity` or `-Infinity`, but got {other}"
        ))
        }
    })
}

/// A timestamp: epoch seconds as a JSON number (read from its decimal text, so fractions
/// are exact), or an RFC 3339 string.
fn timestamp(value: &Value, target: &str) -> Result<TokenStream, String> {
    let datetime = quote!(::aws_json_runtime::DateTime);
    match value {
        Value::Number(n) => {
            let (secs, nanos) = epoch_parts(&n.to_string())
                .ok_or_else(|| format!("shape `{target}`: {n} is not an epoch-seconds value"))?;
            let (secs, nanos) = (Literal::i64_suffixed(secs), Literal::u32_suffixed(nanos));
            Ok(quote!(#datetime::from_secs_nanos(#secs, #nanos)))
        }
        Value::String(s) => Ok(quote! {
            #datetime::parse_rfc3339(#s).expect("the test's timestamp is RFC 3339 text")
        }),
        other => Err(format!(
            "shape `{target}` expects epoch seconds or an RFC 3339 string, but got {other}"
        )),
    }
}

/// Seconds and nanoseconds of a decimal epoch-seconds text such as `946845296.123` or
/// `-1.5`, exactly (no trip through `f64`). Exponent forms are not accepted.
fn epoch_parts(text: &str) -> Option<(i64, u32)> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i128 = whole.parse().ok()?;
    let frac_nanos: i128 = format!("{frac:0<9}").parse().ok()?;
    let mut total = whole * 1_000_000_000 + frac_nanos;
    if negative {
        total = -total;
    }
    let secs = i64::try_from(total.div_euclid(1_000_000_000)).ok()?;
    let nanos = u32::try_from(total.rem_euclid(1_000_000_000)).ok()?;
    Some((secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_text_splits_exactly() {
        assert_eq!(epoch_parts("946845296"), Some((946845296, 0)));
        assert_eq!(epoch_parts("946845296.123"), Some((946845296, 123_000_000)));
        assert_eq!(epoch_parts("-1.5"), Some((-2, 500_000_000)));
        assert_eq!(epoch_parts("1e9"), None);
        assert_eq!(epoch_parts("1.0123456789"), None);
    }

    #[test]
    fn integers_refuse_fractions_and_overflow() {
        assert_eq!(integer::<i32>(&serde_json::json!(7), "I"), Ok(7));
        assert!(integer::<i32>(&serde_json::json!(1.5), "I").is_err());
        assert!(integer::<i8>(&serde_json::json!(300), "B").is_err());
        assert_eq!(
            integer::<i64>(&serde_json::json!(1234567890123456789_i64), "L"),
            Ok(1234567890123456789)
        );
    }
}
