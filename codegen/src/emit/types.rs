//! Emits the `types` module: one Rust type per structure, union and enum shape, plus empty
//! inputs and outputs for operations the model gives none, each with its serde impls. The
//! checks of the model's constraints are emitted by the `validate` emitter.
//!
//! Structures, which the `error` module has too (exceptions), are written by
//! [`crate::structure`]; unions and enums, which only this module has, are written here.

use std::collections::BTreeSet;

use model::ir::{self, ShapeKind};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::context::Cx;
use crate::docs;
use crate::reach::gate;
use crate::structure::{emit_empty, emit_struct, member_docs, sensitive_entries};
use crate::wire::{self, rt};

/// One item of the `types` module, in module order.
enum TypeItem<'a> {
    Shape(&'a ir::Shape),
    EmptyInput(&'a ir::Operation),
    EmptyOutput(&'a ir::Operation),
}

/// Part `part` (from 0) of the `types` module split into `parts` runs of consecutive items,
/// so that threads can emit and format a large module together; the first part carries the
/// module docs. The parts, formatted and joined in order, are the whole module
/// (`emit_part(cx, 0, 1)` is all of it).
pub fn emit_part(cx: &Cx<'_>, part: usize, parts: usize) -> TokenStream {
    let mut all = Vec::new();
    for shape in cx.service.shapes.values() {
        let named = matches!(
            shape.kind,
            ShapeKind::Structure(_)
                | ShapeKind::Union(_)
                | ShapeKind::Enum(_)
                | ShapeKind::IntEnum(_)
        );
        if shape.error.is_none() && named {
            all.push(TypeItem::Shape(shape));
        }
    }
    for op in &cx.service.operations {
        if op.input.is_none() {
            all.push(TypeItem::EmptyInput(op));
        }
        if op.output.is_none() {
            all.push(TypeItem::EmptyOutput(op));
        }
    }
    let parts = parts.max(1);
    let range = all.len() * part / parts..all.len() * (part + 1) / parts;
    let required = required_targets(cx);
    let items = all
        .get(range)
        .unwrap_or_default()
        .iter()
        .map(|item| match item {
            TypeItem::Shape(shape) => {
                let ty = match &shape.kind {
                    ShapeKind::Structure(members) => emit_struct(cx, shape, members),
                    ShapeKind::Union(members) => emit_union(cx, shape, members),
                    ShapeKind::Enum(values) => emit_enum(cx, shape, values),
                    ShapeKind::IntEnum(values) => emit_int_enum(cx, shape, values),
                    _ => TokenStream::new(),
                };
                let zero = required
                    .contains(shape.name.as_str())
                    .then(|| emit_zero_value(cx, shape));
                gate(cx.cfg_shape(&shape.name), quote!(#ty #zero))
            }
            TypeItem::EmptyInput(op) => gate(
                cx.cfg_operation(op),
                emit_empty(
                    &cx.names.input_type(&op.name),
                    &format!("The input of `{}`, which takes no members.", op.name),
                ),
            ),
            TypeItem::EmptyOutput(op) => gate(
                cx.cfg_operation(op),
                emit_empty(
                    &cx.names.output_type(&op.name),
                    &format!("The output of `{}`, which returns no members.", op.name),
                ),
            ),
        });
    // Exceptions live in the `error` module, but one a required member targets needs a zero
    // value too; the first part carries those.
    let error_zeros = (part == 0).then(|| {
        let zeros = required
            .iter()
            .map(|name| cx.shape(name))
            .filter(|shape| shape.error.is_some())
            .map(|shape| gate(cx.cfg_shape(&shape.name), emit_zero_value(cx, shape)));
        quote!(#(#zeros)*)
    });
    let module_doc = (part == 0).then(|| {
        docs::inner_attrs(&format!(
            "The inputs, outputs and shapes of {}.\n\nRequired members are plain fields and optional ones are `Option`s; `new` takes the required members and each optional member has a chainable `with_` setter.",
            cx.service.metadata.full_name
        ))
    });
    quote! {
        #module_doc
        #(#items)*
        #error_zeros
    }
}

/// The structures, unions and enums some required member targets: the types a client may
/// have to fill with a zero value when a response leaves the member out.
fn required_targets<'a>(cx: &Cx<'a>) -> BTreeSet<&'a str> {
    let mut targets = BTreeSet::new();
    for shape in cx.service.shapes.values() {
        let ShapeKind::Structure(members) = &shape.kind else {
            continue;
        };
        for m in members.iter().filter(|m| m.required) {
            let target = cx.shape(&m.target);
            let named = matches!(
                target.kind,
                ShapeKind::Structure(_)
                    | ShapeKind::Union(_)
                    | ShapeKind::Enum(_)
                    | ShapeKind::IntEnum(_)
            );
            if named {
                targets.insert(target.name.as_str());
            }
        }
    }
    targets
}

/// `ZeroValue` for a structure, union or enum (Smithy's client error correction): a
/// structure's required members take their own zero values and its optional members stay
/// unset; an enum or union is an empty unknown value; an int enum is 0.
fn emit_zero_value(cx: &Cx<'_>, shape: &ir::Shape) -> TokenStream {
    let rt = rt();
    let path = cx.type_path(&shape.name);
    let body = match &shape.kind {
        ShapeKind::Structure(members) => {
            let fields = members.iter().map(|m| {
                let field = cx.names.field(&shape.name, &m.name);
                if m.required {
                    quote!(#field: #rt::wire::ZeroValue::zero_value(),)
                } else {
                    quote!(#field: ::std::option::Option::None,)
                }
            });
            let meta = shape
                .error
                .is_some()
                .then(|| quote!(_meta: ::std::default::Default::default(),));
            quote!(Self { #(#fields)* #meta })
        }
        ShapeKind::Union(_) | ShapeKind::Enum(_) => {
            quote!(Self::Unknown(::std::string::String::new()))
        }
        ShapeKind::IntEnum(_) => quote!(Self::from(0)),
        _ => return TokenStream::new(),
    };
    quote! {
        impl #rt::wire::ZeroValue for #path {
            fn zero_value() -> Self {
                #body
            }
        }
    }
}

fn emit_union(cx: &Cx<'_>, shape: &ir::Shape, members: &[ir::Member]) -> TokenStream {
    let ident = cx.names.type_name(&shape.name);
    let doc = docs::attrs(&cx.docs(
        shape.docs.as_deref(),
        &format!("The `{}` union: exactly one member is set.", shape.name),
    ));
    let variants = members.iter().map(|m| {
        let name = cx.names.union_variant(&shape.name, &m.name);
        let ty = wire::boxed_type(cx, m);
        let docs = member_docs(cx, shape, m);
        quote! { #docs #name(#ty), }
    });
    let redact = shape.sensitive
        || members
            .iter()
            .any(|m| m.sensitive || sensitive_entries(cx, m));
    let derive_debug = (!redact).then(|| quote!(Debug,));
    let debug_impl = redact.then(|| emit_union_debug(cx, shape, members));
    let serde_impls = emit_union_serde(cx, shape, members);
    // Variants hold member values unboxed, as structure fields do, so building a union reads
    // the same as building a structure. One variant can then be much larger than another
    // (a big structure beside `Unknown(String)`), which clippy's `large_enum_variant` flags
    // from sizes the generator cannot know. Union values are short-lived request and
    // response data, so the wasted bytes do not matter; boxing would only make every
    // caller write `Box::new`. Boxing stays reserved for recursion (`wire::boxed_type`).
    quote! {
        #doc
        #[derive(Clone, PartialEq, #derive_debug)]
        #[allow(clippy::large_enum_variant)]
        pub enum #ident {
            #(#variants)*
            /// A member this version of the crate does not know, by its wire name. It is
            /// kept when read so the rest of a response still parses; it cannot be sent.
            Unknown(::std::string::String),
        }
        #debug_impl
        #serde_impls
    }
}

/// Serde for a union: a JSON object with exactly one non-null member; a member the model
/// does not list reads as `Unknown`, and `__type` is ignored.
fn emit_union_serde(cx: &Cx<'_>, shape: &ir::Shape, members: &[ir::Member]) -> TokenStream {
    let rt = rt();
    let ident = cx.names.type_name(&shape.name);
    // Inside the impls the type goes by its path: a local item could shadow its bare name.
    let path = cx.type_path(&shape.name);
    let title = shape.name.as_str();
    let variants: Vec<Ident> = members
        .iter()
        .map(|m| cx.names.union_variant(&shape.name, &m.name))
        .collect();
    let wires: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    let outs = members
        .iter()
        .map(|m| wire::union_value_out(cx, m, quote!(v)));
    let ins = members.iter().map(|m| wire::union_value_in(cx, m));
    let cannot_send = format!("cannot send the unknown member `{{name}}` of union `{title}`");
    let expecting = format!("the union `{title}`");
    let many = format!("union `{title}` has more than one member set");
    let none = format!("union `{title}` has no member set");
    let serialize = quote! {
        use #rt::serde::ser::SerializeMap as _;
        let mut map = s.serialize_map(Some(1))?;
        match self {
            #(Self::#variants(v) => map.serialize_entry(#wires, #outs)?,)*
            Self::Unknown(name) => {
                return Err(<S::Error as #rt::serde::ser::Error>::custom(::std::format!(#cannot_send)));
            }
        }
        map.end()
    };
    let visit_map = quote! {
        let mut found: ::std::option::Option<#path> = None;
        let mut unknown: ::std::option::Option<::std::string::String> = None;
        while let Some(key) = map.next_key::<::std::string::String>()? {
            let value = match key.as_str() {
                #(#wires => #ins.map(#path::#variants),)*
                _ => {
                    map.next_value::<#rt::serde::de::IgnoredAny>()?;
                    if key != "__type" && unknown.is_none() {
                        unknown = Some(key);
                    }
                    None
                }
            };
            if value.is_some() && found.is_some() {
                return Err(<A::Error as #rt::serde::de::Error>::custom(#many));
            }
            if value.is_some() {
                found = value;
            }
        }
        match (found, unknown) {
            (Some(v), _) => Ok(v),
            (None, Some(name)) => Ok(#path::Unknown(name)),
            (None, None) => Err(<A::Error as #rt::serde::de::Error>::custom(#none)),
        }
    };
    let visitor = format_ident!("UnionVisitor");
    let deserialize = wire::map_visitor(&visitor, &path, &expecting, visit_map);
    wire::serde_impls(&ident, serialize, deserialize)
}

/// `Debug` for a union with sensitive members: the variant name shows, the value does not.
fn emit_union_debug(cx: &Cx<'_>, shape: &ir::Shape, members: &[ir::Member]) -> TokenStream {
    let ident = cx.names.type_name(&shape.name);
    let rt = rt();
    let arms = members.iter().map(|m| {
        let variant = cx.names.union_variant(&shape.name, &m.name);
        let label = variant.to_string();
        if m.sensitive || shape.sensitive {
            quote! { Self::#variant(_) => f.debug_tuple(#label).field(&#rt::wire::Redacted).finish(), }
        } else if sensitive_entries(cx, m) {
            quote! { Self::#variant(v) => f.debug_tuple(#label).field(&#rt::wire::RedactedEntries(v)).finish(), }
        } else {
            quote! { Self::#variant(v) => f.debug_tuple(#label).field(v).finish(), }
        }
    });
    quote! {
        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(#arms)*
                    Self::Unknown(name) => f.debug_tuple("Unknown").field(name).finish(),
                }
            }
        }
    }
}

/// What an enum and an int enum both start from: the type's name and docs, and each value's
/// variant and docs (the model's, else the value in code). `values` gives each value's
/// model name, docs and value as text.
fn enum_head<'v>(
    cx: &Cx<'_>,
    shape: &ir::Shape,
    values: impl Iterator<Item = (&'v str, Option<&'v str>, String)>,
) -> (Ident, TokenStream, Vec<Ident>, Vec<TokenStream>) {
    let ident = cx.names.type_name(&shape.name);
    let doc = docs::attrs(&cx.docs(
        shape.docs.as_deref(),
        &format!("The `{}` enumeration.", shape.name),
    ));
    let (variants, variant_docs) = values
        .map(|(name, text, value)| {
            let variant = cx.names.enum_variant(&shape.name, name);
            (variant, docs::attrs(&cx.docs(text, &format!("`{value}`"))))
        })
        .unzip();
    (ident, doc, variants, variant_docs)
}

fn emit_enum(cx: &Cx<'_>, shape: &ir::Shape, values: &[ir::EnumValue]) -> TokenStream {
    let rt = rt();
    let (ident, doc, variants, variant_docs) = enum_head(
        cx,
        shape,
        values
            .iter()
            .map(|v| (v.name.as_str(), v.docs.as_deref(), v.value.clone())),
    );
    let wires: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let serde_impls = wire::serde_impls(
        &ident,
        quote!(s.serialize_str(self.as_str())),
        quote!(#rt::wire::deserialize_str_with(d, |v: &str| Self::from(v))),
    );
    quote! {
        #doc
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        pub enum #ident {
            #(#variant_docs #variants,)*
            /// A value this version of the crate does not know; it is kept as sent.
            Unknown(::std::string::String),
        }

        impl #ident {
            /// Every value the model lists, as sent on the wire.
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::Unknown(v) => v,
                }
            }

            /// True for a value the model does not list.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(v: &str) -> Self {
                match v {
                    #(#wires => Self::#variants,)*
                    other => Self::Unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #ident {
            fn from(v: ::std::string::String) -> Self {
                match Self::from(v.as_str()) {
                    Self::Unknown(_) => Self::Unknown(v),
                    known => known,
                }
            }
        }

        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(v: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(v))
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for #ident {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        #serde_impls
    }
}

fn emit_int_enum(cx: &Cx<'_>, shape: &ir::Shape, values: &[ir::IntEnumValue]) -> TokenStream {
    let rt = rt();
    let (ident, doc, variants, variant_docs) = enum_head(
        cx,
        shape,
        values
            .iter()
            .map(|v| (v.name.as_str(), v.docs.as_deref(), v.value.to_string())),
    );
    let nums: Vec<proc_macro2::Literal> = values
        .iter()
        .map(|v| proc_macro2::Literal::i32_unsuffixed(v.value as i32))
        .collect();
    let serde_impls = wire::serde_impls(
        &ident,
        quote!(s.serialize_i32(self.value())),
        quote!(<i32 as #rt::serde::Deserialize>::deserialize(d).map(Self::from)),
    );
    quote! {
        #doc
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        pub enum #ident {
            #(#variant_docs #variants,)*
            /// A value this version of the crate does not know; it is kept as sent.
            Unknown(i32),
        }

        impl #ident {
            /// Every value the model lists.
            pub const VALUES: &'static [i32] = &[#(#nums),*];

            /// The value as sent on the wire.
            pub fn value(&self) -> i32 {
                match self {
                    #(Self::#variants => #nums,)*
                    Self::Unknown(v) => *v,
                }
            }

            /// True for a value the model does not list.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<i32> for #ident {
            fn from(v: i32) -> Self {
                match v {
                    #(#nums => Self::#variants,)*
                    other => Self::Unknown(other),
                }
            }
        }

        #serde_impls
    }
}
