//! Emits the `types` module (one Rust type per structure, union and enum shape, plus empty
//! inputs and outputs for operations the model gives none) and the private `validate`
//! module that checks those types against the model's constraints.
//!
//! Structures shared with the `error` module (exceptions) are emitted by `errors.rs`
//! through [`emit_struct`]; everything about one structure is decided here.

use std::collections::BTreeSet;

use model::ir::{self, PatternCheck, ShapeKind};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::docs;
use crate::krate::Cx;
use crate::wire::{self, rt};
use crate::CodegenError;

/// The `types` module.
pub fn emit(cx: &Cx<'_>) -> TokenStream {
    emit_part(cx, 0, 1)
}

/// One item of the `types` module, in module order.
enum TypeItem<'a> {
    Shape(&'a ir::Shape),
    EmptyInput(&'a ir::Operation),
    EmptyOutput(&'a ir::Operation),
}

/// Part `part` (from 0) of the `types` module split into `parts` runs of consecutive items,
/// so that threads can emit and format a large module together; the first part carries the
/// module docs. The parts, formatted and joined in order, are the whole module.
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
    let items = all
        .get(range)
        .unwrap_or_default()
        .iter()
        .map(|item| match item {
            TypeItem::Shape(shape) => match &shape.kind {
                ShapeKind::Structure(members) => emit_struct(cx, shape, members),
                ShapeKind::Union(members) => emit_union(cx, shape, members),
                ShapeKind::Enum(values) => emit_enum(cx, shape, values),
                ShapeKind::IntEnum(values) => emit_int_enum(cx, shape, values),
                _ => TokenStream::new(),
            },
            TypeItem::EmptyInput(op) => emit_empty(
                &cx.names.input_type(&op.name),
                &format!("The input of `{}`, which takes no members.", op.name),
            ),
            TypeItem::EmptyOutput(op) => emit_empty(
                &cx.names.output_type(&op.name),
                &format!("The output of `{}`, which returns no members.", op.name),
            ),
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
    }
}

fn emit_empty(ident: &Ident, doc: &str) -> TokenStream {
    let doc = docs::attrs(doc);
    let path = quote!(crate::types::#ident);
    let serde_impls = emit_object_serde(ident, &path, &ident.to_string(), &[], None);
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct #ident {}

        impl #ident {
            /// Creates the value.
            pub fn new() -> Self {
                Self {}
            }
        }

        #serde_impls
    }
}

/// Docs for a member: the model's text, a note when it is sensitive, and the model default.
fn member_docs(cx: &Cx<'_>, owner: &ir::Shape, m: &ir::Member) -> TokenStream {
    // A member without docs of its own borrows those of the shape it targets, which for
    // scalar, list and map shapes have no other place to appear.
    let fallback = format!("The `{}` member of `{}`.", m.name, owner.name);
    let target_docs = cx.shape(&m.target).docs.as_deref();
    let mut text = cx.docs(m.docs.as_deref().or(target_docs), &fallback);
    if m.idempotency_token {
        text.push_str(
            "

An idempotency token: when left unset, the client fills it with a fresh random token.",
        );
    }
    if let Some(default) = &m.default {
        if !default.is_null() {
            text.push_str(&format!("\n\nThe model's default is `{default}`."));
        }
    }
    if m.sensitive || sensitive_entries(cx, m) {
        text.push_str("\n\nThis value is sensitive: `Debug` prints it redacted.");
    }
    text.push_str(&unchecked_pattern_notes(cx, &m.target));
    let deprecated = m.deprecated.as_ref().map(deprecated_attr);
    let doc = docs::attrs(&text);
    quote! { #doc #deprecated }
}

/// `#[deprecated]` with the model's message.
pub fn deprecated_attr(d: &ir::Deprecated) -> TokenStream {
    let note = match (&d.message, &d.since) {
        (Some(m), Some(s)) => format!("{m} (since {s})"),
        (Some(m), None) => m.clone(),
        (None, Some(s)) => format!("deprecated since {s}"),
        (None, None) => "deprecated by the service".to_owned(),
    };
    quote! { #[deprecated(note = #note)] }
}

/// True when a member is a list or map whose elements are sensitive.
fn sensitive_entries(cx: &Cx<'_>, m: &ir::Member) -> bool {
    match &cx.shape(&m.target).kind {
        ShapeKind::List { member, .. } => member.sensitive,
        ShapeKind::Map { value, .. } => value.sensitive,
        _ => false,
    }
}

/// A structure: fields, constructor, setters and `Debug` (redacting sensitive members).
pub fn emit_struct(cx: &Cx<'_>, shape: &ir::Shape, members: &[ir::Member]) -> TokenStream {
    let ident = cx.names.type_name(&shape.name);
    let doc = docs::attrs(&cx.docs(
        shape.docs.as_deref(),
        &format!("The `{}` structure.", shape.name),
    ));
    let deprecated = shape.deprecated.as_ref().map(deprecated_attr);
    let fields = members.iter().map(|m| {
        let name = cx.names.field(&shape.name, &m.name);
        let ty = wire::field_type(cx, m);
        let docs = member_docs(cx, shape, m);
        quote! { #docs pub #name: #ty, }
    });
    let redact = members
        .iter()
        .any(|m| m.sensitive || sensitive_entries(cx, m))
        || shape.sensitive;
    let derive_debug = (!redact).then(|| quote!(Debug,));
    let derive_default = members
        .iter()
        .all(|m| !m.required)
        .then(|| quote!(Default,));
    let debug_impl = redact.then(|| emit_debug(cx, shape, members));
    let ctor = emit_constructor(cx, shape, members);
    let meta = crate::errors::meta_field(shape);
    let serde_impls = struct_serde(cx, shape, members);
    quote! {
        #doc
        #deprecated
        #[derive(Clone, PartialEq, #derive_debug #derive_default)]
        pub struct #ident {
            #(#fields)*
            #meta
        }
        #ctor
        #debug_impl
        #serde_impls
    }
}

/// One member as the serde impls of its structure see it.
struct SerdeMember {
    field: Ident,
    wire: String,
    alias: Option<&'static str>,
    /// The member's `WireFormat`, when its own serde form is not its wire form.
    format: Option<TokenStream>,
    required: bool,
}

fn struct_serde(cx: &Cx<'_>, shape: &ir::Shape, members: &[ir::Member]) -> TokenStream {
    let ident = cx.names.type_name(&shape.name);
    let fields: Vec<SerdeMember> = members
        .iter()
        .map(|m| SerdeMember {
            field: cx.names.field(&shape.name, &m.name),
            wire: m.name.clone(),
            alias: wire::message_alias(m),
            format: wire::member_format(cx, m),
            required: m.required,
        })
        .collect();
    let meta = crate::errors::meta_init(shape);
    emit_object_serde(
        &ident,
        &cx.type_path(&shape.name),
        &shape.name,
        &fields,
        meta,
    )
}

/// `Serialize` and `Deserialize` for a structure: a JSON object holding each member under
/// its wire name in its wire format. Absent optional members are left out when writing; when
/// reading, `null` leaves an optional member unset, a required one that is missing or `null`
/// is an error naming it, a member sent twice is an error, and members the model does not
/// list (`__type` among them) are skipped. `path` names the type inside the impls, where a
/// local item could shadow its bare name.
fn emit_object_serde(
    ident: &Ident,
    path: &TokenStream,
    title: &str,
    fields: &[SerdeMember],
    meta: Option<TokenStream>,
) -> TokenStream {
    let rt = rt();
    // Inside the impls the runtime's `wire` module is in scope under its own name; no
    // generated item is called `wire` (shapes are types, modules are fixed).
    let writes = fields.iter().map(|f| {
        let SerdeMember { field, wire, .. } = f;
        let write = match &f.format {
            Some(format) => quote!(wire::write_member_as::<#format, _>),
            None => quote!(wire::write_member),
        };
        if f.required {
            quote!(#write(&mut map, #wire, &self.#field)?;)
        } else {
            quote! {
                if let Some(v) = &self.#field {
                    #write(&mut map, #wire, v)?;
                }
            }
        }
    });
    let map_binding = if fields.is_empty() {
        quote!(map)
    } else {
        quote!(mut map)
    };
    let slots: Vec<Ident> = fields
        .iter()
        .map(|f| format_ident!("member_{}", name_text(&f.field)))
        .collect();
    let arms = fields.iter().zip(&slots).map(|(f, slot)| {
        let SerdeMember { wire, alias, .. } = f;
        let read = match (&f.format, f.required) {
            (Some(format), true) => quote!(wire::read_member_as::<#format, _>),
            (Some(format), false) => quote!(wire::read_optional_member_as::<#format, _>),
            (None, true) => quote!(wire::read_member),
            (None, false) => quote!(wire::read_optional_member),
        };
        let alias = alias.map(|a| quote!(| #a));
        quote!(#wire #alias => #read(&mut map, &mut #slot, #wire)?,)
    });
    let inits = fields.iter().zip(&slots).map(|(f, slot)| {
        let (field, wire) = (&f.field, &f.wire);
        if f.required {
            quote!(#field: wire::required(#slot, #wire)?,)
        } else {
            quote!(#field: #slot.flatten(),)
        }
    });
    let read_loop = if fields.is_empty() {
        quote! {
            while map.next_key::<wire::Key<'de>>()?.is_some() {
                wire::skip_member(&mut map)?;
            }
        }
    } else {
        quote! {
            #(let mut #slots = None;)*
            while let Some(key) = map.next_key::<wire::Key<'de>>()? {
                match key.as_str() {
                    #(#arms)*
                    _ => wire::skip_member(&mut map)?,
                }
            }
        }
    };
    let expecting = format!("the structure `{title}`");
    let use_wire = (!fields.is_empty()).then(|| quote!(use #rt::wire;));
    quote! {
        impl #rt::serde::Serialize for #ident {
            fn serialize<S: #rt::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                use #rt::serde::ser::SerializeMap as _;
                #use_wire
                let #map_binding = s.serialize_map(None)?;
                #(#writes)*
                map.end()
            }
        }

        impl<'de> #rt::serde::Deserialize<'de> for #ident {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                struct MembersVisitor;
                impl<'de> #rt::serde::de::Visitor<'de> for MembersVisitor {
                    type Value = #path;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: #rt::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#path, A::Error> {
                        use #rt::wire;
                        #read_loop
                        Ok(#path { #(#inits)* #meta })
                    }
                }
                d.deserialize_map(MembersVisitor)
            }
        }
    }
}

fn emit_constructor(cx: &Cx<'_>, shape: &ir::Shape, members: &[ir::Member]) -> TokenStream {
    let ident = cx.names.type_name(&shape.name);
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for m in members {
        let name = cx.names.field(&shape.name, &m.name);
        let value = wire::boxed_type(cx, m);
        let inner = wire::value_type(cx, &m.target);
        let (arg, conv) = if wire::takes_into(cx, m) {
            (
                quote!(impl ::std::convert::Into<#inner>),
                quote!(#name.into()),
            )
        } else if m.indirect {
            (quote!(#inner), quote!(::std::boxed::Box::new(#name)))
        } else {
            (quote!(#value), quote!(#name))
        };
        // A plain parameter initialises its field by shorthand.
        let init = if wire::takes_into(cx, m) || m.indirect {
            quote!(#name: #conv,)
        } else {
            quote!(#name,)
        };
        if m.required {
            params.push(quote!(#name: #arg));
            inits.push(init);
        } else {
            inits.push(quote!(#name: None,));
            let doc = docs::attrs(&format!(
                "Sets `{}` (`{}` on the wire).",
                name_text(&name),
                m.name
            ));
            let setter = format_ident!("with_{}", name_text(&name));
            setters.push(quote! {
                #doc
                #[must_use]
                pub fn #setter(mut self, #name: #arg) -> Self {
                    self.#name = Some(#conv);
                    self
                }
            });
        }
    }
    let new_doc = if params.is_empty() {
        if members.is_empty() {
            format!("Creates the `{}` value.", shape.name)
        } else {
            format!(
                "Creates {} `{}` with every member unset.",
                article(&shape.name),
                shape.name
            )
        }
    } else {
        format!(
            "Creates {} `{}` from its required members; optional members start unset.",
            article(&shape.name),
            shape.name
        )
    };
    let new_doc = docs::attrs(&new_doc);
    let too_many = (params.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let meta = crate::errors::meta_init(shape);
    quote! {
        impl #ident {
            #new_doc
            #too_many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits)* #meta }
            }
            #(#setters)*
        }
    }
}

/// The indefinite article for a name, by its first letter.
fn article(name: &str) -> &'static str {
    match name.chars().next() {
        Some('A' | 'E' | 'I' | 'O' | 'U' | 'a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

fn name_text(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

/// `Debug` that prints sensitive members (and sensitive list or map entries) redacted.
fn emit_debug(cx: &Cx<'_>, shape: &ir::Shape, members: &[ir::Member]) -> TokenStream {
    let ident = cx.names.type_name(&shape.name);
    let title = shape.name.as_str();
    let rt = rt();
    let fields = members.iter().map(|m| {
        let name = cx.names.field(&shape.name, &m.name);
        let label = name_text(&name);
        if m.sensitive || shape.sensitive {
            quote! { .field(#label, &#rt::wire::Redacted) }
        } else if sensitive_entries(cx, m) {
            quote! { .field(#label, &#rt::wire::RedactedEntries(&self.#name)) }
        } else {
            quote! { .field(#label, &self.#name) }
        }
    });
    quote! {
        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#title) #(#fields)* .finish()
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
    quote! {
        impl #rt::serde::Serialize for #ident {
            fn serialize<S: #rt::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                use #rt::serde::ser::SerializeMap as _;
                let mut map = s.serialize_map(Some(1))?;
                match self {
                    #(Self::#variants(v) => map.serialize_entry(#wires, #outs)?,)*
                    Self::Unknown(name) => {
                        return Err(<S::Error as #rt::serde::ser::Error>::custom(::std::format!(#cannot_send)));
                    }
                }
                map.end()
            }
        }

        impl<'de> #rt::serde::Deserialize<'de> for #ident {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                struct UnionVisitor;
                impl<'de> #rt::serde::de::Visitor<'de> for UnionVisitor {
                    type Value = #path;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: #rt::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#path, A::Error> {
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
                    }
                }
                d.deserialize_map(UnionVisitor)
            }
        }
    }
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

fn emit_enum(cx: &Cx<'_>, shape: &ir::Shape, values: &[ir::EnumValue]) -> TokenStream {
    let ident = cx.names.type_name(&shape.name);
    let rt = rt();
    let doc = docs::attrs(&cx.docs(
        shape.docs.as_deref(),
        &format!("The `{}` enumeration.", shape.name),
    ));
    let variants: Vec<Ident> = values
        .iter()
        .map(|v| cx.names.enum_variant(&shape.name, &v.name))
        .collect();
    let wires: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = values
        .iter()
        .map(|v| docs::attrs(&cx.docs(v.docs.as_deref(), &format!("`{}`", v.value))));
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

        impl #rt::serde::Serialize for #ident {
            fn serialize<S: #rt::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> #rt::serde::Deserialize<'de> for #ident {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                #rt::wire::deserialize_str_with(d, |v: &str| Self::from(v))
            }
        }
    }
}

fn emit_int_enum(cx: &Cx<'_>, shape: &ir::Shape, values: &[ir::IntEnumValue]) -> TokenStream {
    let ident = cx.names.type_name(&shape.name);
    let rt = rt();
    let doc = docs::attrs(&cx.docs(
        shape.docs.as_deref(),
        &format!("The `{}` enumeration.", shape.name),
    ));
    let variants: Vec<Ident> = values
        .iter()
        .map(|v| cx.names.enum_variant(&shape.name, &v.name))
        .collect();
    let nums: Vec<proc_macro2::Literal> = values
        .iter()
        .map(|v| proc_macro2::Literal::i32_unsuffixed(v.value as i32))
        .collect();
    let variant_docs = values
        .iter()
        .map(|v| docs::attrs(&cx.docs(v.docs.as_deref(), &format!("`{}`", v.value))));
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

        impl #rt::serde::Serialize for #ident {
            fn serialize<S: #rt::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_i32(self.value())
            }
        }

        impl<'de> #rt::serde::Deserialize<'de> for #ident {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                <i32 as #rt::serde::Deserialize>::deserialize(d).map(Self::from)
            }
        }
    }
}

/// The private `validate` module: `Validate` for every structure and union, and one check
/// function per shape whose values carry constraints.
pub fn emit_validation(cx: &Cx<'_>) -> TokenStream {
    let rt = rt();
    let mut items = Vec::new();
    for shape in cx.service.shapes.values() {
        match &shape.kind {
            ShapeKind::Structure(members) => items.push(validate_struct(cx, shape, members)),
            ShapeKind::Union(members) => items.push(validate_union(cx, shape, members)),
            _ => {
                if needs_check(cx, &shape.name) {
                    items.push(check_fn(cx, shape));
                }
            }
        }
    }
    for op in &cx.service.operations {
        for (missing, ident) in [
            (op.input.is_none(), cx.names.input_type(&op.name)),
            (op.output.is_none(), cx.names.output_type(&op.name)),
        ] {
            if missing {
                items.push(quote! {
                    impl #rt::Validate for crate::types::#ident {
                        fn validate(&self, _path: &#rt::validate::Path<'_>, _out: &mut ::std::vec::Vec<#rt::ConstraintViolation>) {}
                    }
                });
            }
        }
    }
    quote! {
        //! Checks of every type against the model's constraints, used by the server router
        //! and by clients that opt in to input validation.
        #(#items)*
    }
}

/// True when values of `shape` need any check of their own.
fn needs_check(cx: &Cx<'_>, name: &str) -> bool {
    let shape = cx.shape(name);
    let c = &shape.constraints;
    let constrained = c.min_length.is_some()
        || c.max_length.is_some()
        || c.min_value.is_some()
        || c.max_value.is_some()
        || pattern_value(c).is_some();
    constrained
        || match &shape.kind {
            ShapeKind::Structure(_) | ShapeKind::Union(_) | ShapeKind::Enum(_) => true,
            ShapeKind::List { member, .. } => needs_check(cx, &member.target),
            ShapeKind::Map { key, value, .. } => {
                needs_check(cx, &key.target) || needs_check(cx, &value.target)
            }
            _ => false,
        }
}

/// The runtime `Pattern` that checks a shape's pattern, as decided when the model was read:
/// `None` when the shape has no pattern or the pattern is not checked.
fn pattern_value(c: &ir::Constraints) -> Option<TokenStream> {
    let rt = rt();
    let source = c.pattern.as_deref()?;
    match c.pattern_check.as_ref()? {
        PatternCheck::Lite { regex } if regex == source => {
            Some(quote!(#rt::validate::Pattern::new(#source)))
        }
        PatternCheck::Lite { regex } => {
            Some(quote!(#rt::validate::Pattern::translated(#source, #regex)))
        }
        PatternCheck::Unicode { regex } => {
            Some(quote!(#rt::validate::Pattern::unicode(#source, #regex)))
        }
        PatternCheck::Unenforced { .. } => None,
    }
}

/// Makes sure every pattern carries its decision, so that none is dropped unnoticed.
/// `model::load_*` decides them all; an IR built another way may not.
pub fn check_pattern_decisions(service: &ir::Service) -> Result<(), CodegenError> {
    let undecided: Vec<&str> = service
        .shapes
        .values()
        .filter(|s| s.constraints.pattern.is_some() && s.constraints.pattern_check.is_none())
        .map(|s| s.name.as_str())
        .collect();
    if undecided.is_empty() {
        return Ok(());
    }
    Err(CodegenError::Unsupported(format!(
        "the patterns of {} carry no decision on how to check them; load models with `model::load_*`, which decides them",
        undecided.join(", ")
    )))
}

/// A Markdown code span holding `text`, whatever backticks it contains; control characters
/// are written as escapes so the span stays on one line.
fn code_span(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// The doc paragraphs saying which patterns the values of `target` (and of its list
/// elements and map keys and values) have but this crate does not check; empty when none.
fn unchecked_pattern_notes(cx: &Cx<'_>, target: &str) -> String {
    let mut notes = String::new();
    let mut seen = BTreeSet::new();
    let mut todo = vec![target];
    while let Some(name) = todo.pop() {
        if !seen.insert(name) {
            continue;
        }
        let shape = cx.shape(name);
        match &shape.kind {
            ShapeKind::String => {
                let c = &shape.constraints;
                if let (Some(p), Some(PatternCheck::Unenforced { reason })) =
                    (&c.pattern, &c.pattern_check)
                {
                    notes.push_str(&format!(
                        "\n\nThe pattern {} is not checked here: {reason}.",
                        code_span(p)
                    ));
                }
            }
            ShapeKind::List { member, .. } => todo.push(&member.target),
            ShapeKind::Map { key, value, .. } => {
                todo.push(&value.target);
                todo.push(&key.target);
            }
            _ => {}
        }
    }
    notes
}

/// The paragraph of the crate docs that lists the model's patterns this crate does not
/// check, each with its shape and the reason; empty when every pattern is checked.
pub fn unchecked_patterns_docs(service: &ir::Service) -> String {
    let unchecked = model::pattern::unchecked(service);
    if unchecked.is_empty() {
        return String::new();
    }
    let items: String = unchecked
        .iter()
        .map(|u| {
            format!(
                "- `{}`: {} ({})\n",
                u.shape,
                code_span(&u.pattern),
                u.reason
            )
        })
        .collect();
    format!("Patterns of the model that this crate does not check (values are sent and accepted without them):\n\n{items}\n")
}

fn check_fn_ident(cx: &Cx<'_>, name: &str) -> Ident {
    format_ident!("check_{}", cx.names.shape_fn(name))
}

/// The call that checks one value of `target` at `path` (`value` is a reference).
fn check_call(
    cx: &Cx<'_>,
    target: &str,
    value: TokenStream,
    path: TokenStream,
    sensitive: bool,
) -> Option<TokenStream> {
    if !needs_check(cx, target) {
        return None;
    }
    let rt = rt();
    Some(match &cx.shape(target).kind {
        ShapeKind::Structure(_) | ShapeKind::Union(_) => {
            quote! { #rt::Validate::validate(#value, #path, out); }
        }
        _ => {
            let f = check_fn_ident(cx, target);
            quote! { #f(#value, #path, #sensitive, out); }
        }
    })
}

fn validate_struct(cx: &Cx<'_>, shape: &ir::Shape, members: &[ir::Member]) -> TokenStream {
    let rt = rt();
    let ident = cx.type_path(&shape.name);
    let checks: Vec<TokenStream> = members
        .iter()
        .filter_map(|m| {
            let name = cx.names.field(&shape.name, &m.name);
            let wire = &m.name;
            let path = quote!(&path.member(#wire));
            let sensitive = m.sensitive;
            if m.required {
                check_call(cx, &m.target, quote!(&self.#name), path, sensitive)
            } else {
                let call = check_call(cx, &m.target, quote!(v), path, sensitive)?;
                Some(quote! { if let Some(v) = &self.#name { #call } })
            }
        })
        .collect();
    let (path_arg, out_arg) = if checks.is_empty() {
        (quote!(_path), quote!(_out))
    } else {
        (quote!(path), quote!(out))
    };
    quote! {
        impl #rt::Validate for #ident {
            fn validate(&self, #path_arg: &#rt::validate::Path<'_>, #out_arg: &mut ::std::vec::Vec<#rt::ConstraintViolation>) {
                #(#checks)*
            }
        }
    }
}

fn validate_union(cx: &Cx<'_>, shape: &ir::Shape, members: &[ir::Member]) -> TokenStream {
    let rt = rt();
    let ident = cx.type_path(&shape.name);
    let arms = members.iter().map(|m| {
        let variant = cx.names.union_variant(&shape.name, &m.name);
        let wire = &m.name;
        let call = check_call(
            cx,
            &m.target,
            quote!(v),
            quote!(&path.member(#wire)),
            m.sensitive,
        );
        match call {
            Some(call) => quote! { Self::#variant(v) => { #call } },
            None => quote! { Self::#variant(_) => {} },
        }
    });
    quote! {
        impl #rt::Validate for #ident {
            #[allow(unused_variables)]
            fn validate(&self, path: &#rt::validate::Path<'_>, out: &mut ::std::vec::Vec<#rt::ConstraintViolation>) {
                match self {
                    #(#arms)*
                    Self::Unknown(name) => #rt::validate::unknown_union_member(path, name, out),
                }
            }
        }
    }
}

/// A check function for a non-structure shape: its own constraints, then its elements'.
fn check_fn(cx: &Cx<'_>, shape: &ir::Shape) -> TokenStream {
    let rt = rt();
    let f = check_fn_ident(cx, &shape.name);
    let ty = wire::value_type(cx, &shape.name);
    let c = &shape.constraints;
    let (min_len, max_len) = (
        wire::option(c.min_length.map(proc_macro2::Literal::u64_unsuffixed)),
        wire::option(c.max_length.map(proc_macro2::Literal::u64_unsuffixed)),
    );
    let has_len = c.min_length.is_some() || c.max_length.is_some();
    let has_range = c.min_value.is_some() || c.max_value.is_some();
    let mut body = Vec::new();
    match &shape.kind {
        ShapeKind::String => {
            if has_len {
                body.push(
                    quote! { #rt::validate::str_length(path, value, #min_len, #max_len, out); },
                );
            }
            if let Some(p) = pattern_value(c) {
                body.push(quote! {
                    static PATTERN: #rt::validate::Pattern = #p;
                    #rt::validate::pattern(path, value, &PATTERN, sensitive, out);
                });
            }
        }
        ShapeKind::Enum(_) => {
            body.push(quote! {
                if value.is_unknown() {
                    #rt::validate::known_enum(path, value.as_str(), #ty::VALUES, out);
                }
            });
        }
        ShapeKind::Blob if has_len => {
            body.push(
                quote! { #rt::validate::length(path, value.len(), #min_len, #max_len, out); },
            );
        }
        ShapeKind::List { member, sparse } => {
            // A list that broke its length limit is reported once; its elements are not
            // checked one by one, so a huge list costs one violation.
            if has_len {
                body.push(
                    quote! { let within = #rt::validate::length(path, value.len(), #min_len, #max_len, out); },
                );
            }
            let each = if *sparse {
                check_call(
                    cx,
                    &member.target,
                    quote!(v),
                    quote!(&path.index(i)),
                    member.sensitive,
                )
                .map(|call| quote! { if let Some(v) = v { #call } })
            } else {
                check_call(
                    cx,
                    &member.target,
                    quote!(v),
                    quote!(&path.index(i)),
                    member.sensitive,
                )
            };
            if let Some(each) = each {
                let each_element = quote! {
                    for (i, v) in value.iter().enumerate() {
                        if #rt::validate::is_full(out) { break; }
                        #each
                    }
                };
                body.push(within_limit(has_len, each_element));
            }
        }
        ShapeKind::Map {
            key,
            value: val,
            sparse,
        } => {
            if has_len {
                body.push(
                    quote! { let within = #rt::validate::length(path, value.len(), #min_len, #max_len, out); },
                );
            }
            // Keys are reported at the map's own path, values at the key's path.
            let key_check = check_call(cx, &key.target, quote!(k), quote!(path), key.sensitive);
            let val_check = if *sparse {
                check_call(cx, &val.target, quote!(v), path_of_key(), val.sensitive)
                    .map(|call| quote! { if let Some(v) = v { #call } })
            } else {
                check_call(cx, &val.target, quote!(v), path_of_key(), val.sensitive)
            };
            if key_check.is_some() || val_check.is_some() {
                let key_bind = val_check
                    .is_some()
                    .then(|| quote!(let key_text: &str = ::std::convert::AsRef::as_ref(k);));
                let value_bind = val_check.is_none().then(|| quote!(let _ = v;));
                let each_entry = quote! {
                    for (k, v) in #rt::validate::entries_in_key_order(value) {
                        if #rt::validate::is_full(out) { break; }
                        #key_bind
                        #value_bind
                        #key_check
                        #val_check
                    }
                };
                body.push(within_limit(has_len, each_entry));
            }
        }
        ShapeKind::Byte
        | ShapeKind::Short
        | ShapeKind::Integer
        | ShapeKind::Long
        | ShapeKind::Float
        | ShapeKind::Double
        | ShapeKind::BigInteger
        | ShapeKind::BigDecimal
            if has_range =>
        {
            let (min, max) = (
                wire::option(c.min_value.map(proc_macro2::Literal::f64_unsuffixed)),
                wire::option(c.max_value.map(proc_macro2::Literal::f64_unsuffixed)),
            );
            let value = match &shape.kind {
                ShapeKind::Double | ShapeKind::BigDecimal => quote!(*value),
                _ => quote!(*value as f64),
            };
            body.push(quote! { #rt::validate::range(path, #value, #min, #max, out); });
        }
        _ => {}
    }
    quote! {
        #[allow(unused_variables, clippy::ptr_arg)]
        fn #f(value: &#ty, path: &#rt::validate::Path<'_>, sensitive: bool, out: &mut ::std::vec::Vec<#rt::ConstraintViolation>) {
            #(#body)*
        }
    }
}

/// `checks`, run only when the collection kept its length limit (`within`, bound by the
/// length check) if it has one.
fn within_limit(has_len: bool, checks: TokenStream) -> TokenStream {
    if has_len {
        quote! { if within { #checks } }
    } else {
        checks
    }
}

fn path_of_key() -> TokenStream {
    quote!(&path.key(key_text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_any_pattern_text() {
        assert_eq!(code_span(r"^\d+$"), r"`^\d+$`");
        assert_eq!(code_span("[!-`]"), "``[!-`]``");
        assert_eq!(code_span("`a``"), "``` `a`` ```");
        assert_eq!(code_span("a\nb"), r"`a\u{a}b`");
    }

    #[test]
    fn each_decision_picks_its_pattern_constructor() {
        let constraints = |pattern: &str, check: Option<PatternCheck>| ir::Constraints {
            pattern: Some(pattern.to_owned()),
            pattern_check: check,
            ..ir::Constraints::default()
        };
        let text = |c: &ir::Constraints| pattern_value(c).map(|t| t.to_string());
        let same = constraints(
            "^a$",
            Some(PatternCheck::Lite {
                regex: "^a$".to_owned(),
            }),
        );
        assert!(text(&same).is_some_and(|t| t.contains("Pattern :: new (\"^a$\")")));
        let translated = constraints(
            r"^\p{Print}$",
            Some(PatternCheck::Lite {
                regex: "^[[:print:]]$".to_owned(),
            }),
        );
        assert!(text(&translated).is_some_and(|t| t.contains("Pattern :: translated")));
        let unicode = constraints(
            r"^\p{L}$",
            Some(PatternCheck::Unicode {
                regex: r"^\p{L}$".to_owned(),
            }),
        );
        assert!(text(&unicode).is_some_and(|t| t.contains("Pattern :: unicode")));
        let unenforced = constraints(
            "^(?!a)$",
            Some(PatternCheck::Unenforced {
                reason: "look-ahead".to_owned(),
            }),
        );
        assert_eq!(text(&unenforced), None);
        assert_eq!(text(&constraints("^a$", None)), None);
    }

    #[test]
    fn an_undecided_pattern_is_an_error_not_a_silent_skip() {
        let text = r#"{"metadata": {"protocol": "json", "apiVersion": "1", "targetPrefix": "T",
            "jsonVersion": "1.0", "serviceFullName": "S", "serviceId": "S",
            "signatureVersion": "v4", "signingName": "s", "endpointPrefix": "s"},
          "operations": {}, "shapes": {"Code": {"type": "string", "pattern": "[a-z]+"}}}"#;
        let files = model::BotocoreFiles {
            service: model::Source {
                name: "service-2.json",
                text,
            },
            paginators: None,
            endpoint_rules: None,
        };
        let mut service = model::load_botocore(files).expect("the model loads");
        assert!(check_pattern_decisions(&service).is_ok());
        if let Some(code) = service.shapes.get_mut("Code") {
            code.constraints.pattern_check = None;
        }
        let err = check_pattern_decisions(&service).expect_err("undecided");
        assert!(err.to_string().contains("patterns of Code"), "{err}");
    }
}
