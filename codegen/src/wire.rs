//! Wire decisions for members: the Rust type a member gets and the runtime `WireFormat` that
//! puts it on the wire under its model name, in its timestamp format, and the serde impls
//! every generated type goes on the wire through. Emitters ask here instead of looking at
//! shapes themselves.
//!
//! Types in generated code are written with absolute paths (`::std::string::String`), so a
//! shape named `String` or `Option` cannot shadow them. Values and patterns (`Some`, `None`,
//! `Ok`, `Err`) and derive macros (`Clone`, `Debug`) are written bare: generated shapes are
//! braced structs and enums, which never enter the value or macro namespaces.

use model::ir::{self, ShapeKind, WireForm};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::context::Cx;

/// The path of the runtime crate in generated code.
pub fn rt() -> TokenStream {
    quote!(::aws_json_runtime)
}

/// An `Option` expression of a value: `Some(value)` or `None`.
pub fn option<T: quote::ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

/// The Rust type of a value of shape `target` (without `Option` or `Box`).
pub fn value_type(cx: &Cx<'_>, target: &str) -> TokenStream {
    let rt = rt();
    let shape = cx.shape(target);
    match &shape.kind {
        ShapeKind::Structure(_)
        | ShapeKind::Union(_)
        | ShapeKind::Enum(_)
        | ShapeKind::IntEnum(_) => cx.type_path(target),
        ShapeKind::List { member, sparse } => {
            let inner = value_type(cx, &member.target);
            let inner = if *sparse {
                quote!(::std::option::Option<#inner>)
            } else {
                inner
            };
            quote!(::std::vec::Vec<#inner>)
        }
        ShapeKind::Map { key, value, sparse } => {
            let k = value_type(cx, &key.target);
            let v = value_type(cx, &value.target);
            let v = if *sparse {
                quote!(::std::option::Option<#v>)
            } else {
                v
            };
            quote!(::std::collections::HashMap<#k, #v>)
        }
        ShapeKind::String => quote!(::std::string::String),
        ShapeKind::Boolean => quote!(bool),
        ShapeKind::Byte => quote!(i8),
        ShapeKind::Short => quote!(i16),
        ShapeKind::Integer => quote!(i32),
        ShapeKind::Long => quote!(i64),
        ShapeKind::Float => quote!(f32),
        ShapeKind::Double | ShapeKind::BigDecimal => quote!(f64),
        ShapeKind::BigInteger => quote!(i128),
        ShapeKind::Blob => quote!(#rt::Blob),
        ShapeKind::Timestamp(_) => quote!(#rt::DateTime),
        ShapeKind::Document => quote!(#rt::Document),
    }
}

/// The type of a structure field: the value type, boxed when the member closes a cycle,
/// wrapped in `Option` unless the member is required.
pub fn field_type(cx: &Cx<'_>, m: &ir::Member) -> TokenStream {
    let value = boxed_type(cx, m);
    if m.required {
        value
    } else {
        quote!(::std::option::Option<#value>)
    }
}

/// The value type, boxed when the member closes a cycle.
pub fn boxed_type(cx: &Cx<'_>, m: &ir::Member) -> TokenStream {
    let value = value_type(cx, &m.target);
    if m.indirect {
        quote!(::std::boxed::Box<#value>)
    } else {
        value
    }
}

/// True when a setter or constructor should take `impl Into<T>` for this member.
pub fn takes_into(cx: &Cx<'_>, m: &ir::Member) -> bool {
    !m.indirect
        && matches!(
            cx.shape(&m.target).kind,
            ShapeKind::String | ShapeKind::Enum(_)
        )
}

/// The runtime `WireFormat` type (e.g. `..::wire::ListOf<..::wire::F64Format>`) of a wire
/// form the model's passes decided; `None` for [`WireForm::Plain`], the value's own serde
/// form. Lists and maps always have one: their elements may need a form at any depth, and
/// dense ones drop `null`s when read. Elements in their own form use the shorter aliases
/// (`List<T>` for `ListOf<Plain<T>>`).
pub fn wire_format(cx: &Cx<'_>, form: &WireForm) -> Option<TokenStream> {
    let wire = quote!(::aws_json_runtime::wire);
    let element = |e: &ir::Element, plain: &str, formatted: &str| match wire_format(cx, &e.wire) {
        Some(format) => (format_ident!("{formatted}"), format),
        None => (format_ident!("{plain}"), value_type(cx, &e.target)),
    };
    Some(match form {
        WireForm::Plain => return None,
        WireForm::DateTime => quote!(#wire::DateTimeFormat),
        WireForm::HttpDate => quote!(#wire::HttpDateFormat),
        WireForm::Float => quote!(#wire::F32Format),
        WireForm::Double => quote!(#wire::F64Format),
        WireForm::List { sparse, element: e } => {
            let (kind, element) = if *sparse {
                element(e, "SparseList", "SparseListOf")
            } else {
                element(e, "List", "ListOf")
            };
            quote!(#wire::#kind<#element>)
        }
        WireForm::Map { sparse, key, value } => {
            let (kind, element) = if *sparse {
                element(value, "SparseMap", "SparseMapOf")
            } else {
                element(value, "Map", "MapOf")
            };
            let key = value_type(cx, key);
            quote!(#wire::#kind<#key, #element>)
        }
    })
}

/// The runtime `WireFormat` a member is written and read through, when its wire form is not
/// its Rust type's own serde form. `None`: the member goes on the wire in its own form.
pub fn member_format(cx: &Cx<'_>, m: &ir::Member) -> Option<TokenStream> {
    wire_format(cx, &m.wire)
}

/// Error messages arrive as `message` or `Message` whatever the model calls the member.
pub fn message_alias(m: &ir::Member) -> Option<&'static str> {
    match m.name.as_str() {
        "message" => Some("Message"),
        "Message" => Some("message"),
        _ => None,
    }
}

/// The value a union member puts on the wire: itself, or wrapped in its wire format.
pub fn union_value_out(cx: &Cx<'_>, m: &ir::Member, value: TokenStream) -> TokenStream {
    match member_format(cx, m) {
        Some(format) => quote!(&::aws_json_runtime::wire::AsWire::<#format>(#value)),
        None => value,
    }
}

/// Reads a union member's value from a map being visited; `null` reads as unset.
pub fn union_value_in(cx: &Cx<'_>, m: &ir::Member) -> TokenStream {
    let ty = boxed_type(cx, m);
    match member_format(cx, m) {
        Some(format) => {
            quote! {
                map.next_value::<::std::option::Option<::aws_json_runtime::wire::FromWire<#format>>>()?.map(|w| w.0)
            }
        }
        None => quote!(map.next_value::<::std::option::Option<#ty>>()?),
    }
}

/// `Serialize` and `Deserialize` for the generated type `ident`, around the bodies of their
/// methods: `serialize` reads `self` and writes to the serializer `s`, `deserialize` reads
/// the deserializer `d`. Every generated type goes on the wire through this pair.
pub fn serde_impls(ident: &Ident, serialize: TokenStream, deserialize: TokenStream) -> TokenStream {
    let rt = rt();
    quote! {
        impl #rt::serde::Serialize for #ident {
            fn serialize<S: #rt::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> #rt::serde::Deserialize<'de> for #ident {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                #deserialize
            }
        }
    }
}

/// A `deserialize` body that reads a JSON object with a local visitor named `visitor`: its
/// `visit_map` runs `visit_map` over the object's entries (`map`) and returns a value of the
/// type at `path`; `expecting` says what the object should be, for serde's errors.
pub fn map_visitor(
    visitor: &Ident,
    path: &TokenStream,
    expecting: &str,
    visit_map: TokenStream,
) -> TokenStream {
    let rt = rt();
    quote! {
        struct #visitor;
        impl<'de> #rt::serde::de::Visitor<'de> for #visitor {
            type Value = #path;
            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#expecting)
            }
            fn visit_map<A: #rt::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#path, A::Error> {
                #visit_map
            }
        }
        d.deserialize_map(#visitor)
    }
}
