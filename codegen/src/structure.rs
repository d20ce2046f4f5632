//! Structure emission shared by every emitter that writes a structure: the types of the
//! `types` module, the exceptions of the `error` module, and the empty inputs and outputs
//! the generator makes up. One function writes all of them, so a structure reads, prints
//! and goes on the wire the same way whichever module it lands in: its fields and their
//! docs, `new` and the `with_` setters, `Debug` (redacting sensitive members) and the serde
//! impls. Unions and enums, which only `types` writes, stay with that emitter; so do the
//! error methods of exceptions, which only `error` writes.

use model::ir::{self, ShapeKind};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::context::Cx;
use crate::docs;
use crate::patterns::unchecked_pattern_notes;
use crate::wire::{self, rt};

/// A structure without members: an operation's input or output the model gives none.
pub fn emit_empty(ident: &Ident, doc: &str) -> TokenStream {
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

/// Docs for a member of a structure or union: the model's text, a note when it is sensitive, and the model default.
pub fn member_docs(cx: &Cx<'_>, owner: &ir::Shape, m: &ir::Member) -> TokenStream {
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
    let deprecated = m.deprecated.as_ref().map(docs::deprecated_attr);
    let doc = docs::attrs(&text);
    quote! { #doc #deprecated }
}

/// True when a member is a list or map whose elements are sensitive.
pub fn sensitive_entries(cx: &Cx<'_>, m: &ir::Member) -> bool {
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
    let deprecated = shape.deprecated.as_ref().map(docs::deprecated_attr);
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
    let meta = meta_field(shape);
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
    let meta = meta_init(shape);
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
/// is an error naming it (a client's read gives it its zero value instead: the runtime's
/// `wire::correction`), a member sent twice is an error, and members the model does not
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
    let serialize = quote! {
        use #rt::serde::ser::SerializeMap as _;
        #use_wire
        let #map_binding = s.serialize_map(None)?;
        #(#writes)*
        map.end()
    };
    let visit_map = quote! {
        use #rt::wire;
        #read_loop
        Ok(#path { #(#inits)* #meta })
    };
    let visitor = format_ident!("MembersVisitor");
    let deserialize = wire::map_visitor(&visitor, path, &expecting, visit_map);
    wire::serde_impls(ident, serialize, deserialize)
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
    let meta = meta_init(shape);
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

/// The field every exception structure has besides its members: what the error response
/// carried (its request id). It is not on the wire, and its leading underscore keeps it apart
/// from member fields, which never start with one.
pub fn meta_field(shape: &ir::Shape) -> Option<TokenStream> {
    let rt = rt();
    shape.error.as_ref().map(|_| {
        quote! {
            #[doc(hidden)]
            pub _meta: #rt::wire::error::ErrorMeta,
        }
    })
}

/// The initialiser of [`meta_field`] in a struct expression, for exception structures.
pub fn meta_init(shape: &ir::Shape) -> Option<TokenStream> {
    shape
        .error
        .as_ref()
        .map(|_| quote!(_meta: ::std::default::Default::default(),))
}
