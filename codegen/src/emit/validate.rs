//! Emits the private `validate` module: `Validate` for every structure and union, checking
//! the model's constraints (required, length, range, pattern, enum values) with one check
//! function per constrained shape. What the docs say of patterns the crate cannot check is
//! written by [`crate::patterns`].

use model::ir::{self, PatternCheck, ShapeKind};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::context::Cx;
use crate::reach::gate;
use crate::wire::{self, rt};

/// The private `validate` module: `Validate` for every structure and union, and one check
/// function per shape whose values carry constraints.
pub fn emit_validation(cx: &Cx<'_>) -> TokenStream {
    let rt = rt();
    let mut items = Vec::new();
    for shape in cx.service.shapes.values() {
        let item = match &shape.kind {
            ShapeKind::Structure(members) => validate_struct(cx, shape, members),
            ShapeKind::Union(members) => validate_union(cx, shape, members),
            _ if needs_check(cx, &shape.name) => check_fn(cx, shape),
            _ => continue,
        };
        items.push(gate(cx.cfg_shape(&shape.name), item));
    }
    for op in &cx.service.operations {
        let cfg = cx.cfg_operation(op);
        for (missing, ident) in [
            (op.input.is_none(), cx.names.input_type(&op.name)),
            (op.output.is_none(), cx.names.output_type(&op.name)),
        ] {
            if missing {
                items.push(quote! {
                    #cfg
                    impl #rt::Validate for crate::types::#ident {
                        fn validate(&self, _path: &#rt::wire::validate::Path<'_>, _out: &mut ::std::vec::Vec<#rt::ConstraintViolation>) {}
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
        PatternCheck::Automaton { regex, automaton } => {
            let automaton = crate::automaton::expr(&rt, automaton);
            Some(quote!(#rt::wire::validate::Pattern::automaton(#source, #regex, &#automaton)))
        }
        PatternCheck::Lite { regex } if regex == source => {
            Some(quote!(#rt::wire::validate::Pattern::new(#source)))
        }
        PatternCheck::Lite { regex } => {
            Some(quote!(#rt::wire::validate::Pattern::translated(#source, #regex)))
        }
        PatternCheck::Unicode { regex } => {
            Some(quote!(#rt::wire::validate::Pattern::unicode(#source, #regex)))
        }
        PatternCheck::Unenforced { .. } => None,
    }
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
            fn validate(&self, #path_arg: &#rt::wire::validate::Path<'_>, #out_arg: &mut ::std::vec::Vec<#rt::ConstraintViolation>) {
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
            fn validate(&self, path: &#rt::wire::validate::Path<'_>, out: &mut ::std::vec::Vec<#rt::ConstraintViolation>) {
                match self {
                    #(#arms)*
                    Self::Unknown(name) => #rt::wire::validate::unknown_union_member(path, name, out),
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
    let body = check_body(cx, shape, &ty);
    quote! {
        #[allow(unused_variables, clippy::ptr_arg)]
        fn #f(value: &#ty, path: &#rt::wire::validate::Path<'_>, sensitive: bool, out: &mut ::std::vec::Vec<#rt::ConstraintViolation>) {
            #(#body)*
        }
    }
}

/// A shape's length limits, as the runtime's checks take them.
struct Length {
    min: TokenStream,
    max: TokenStream,
    /// True when either limit is set.
    limited: bool,
}

impl Length {
    fn of(c: &ir::Constraints) -> Length {
        Length {
            min: wire::option(c.min_length.map(proc_macro2::Literal::u64_unsuffixed)),
            max: wire::option(c.max_length.map(proc_macro2::Literal::u64_unsuffixed)),
            limited: c.min_length.is_some() || c.max_length.is_some(),
        }
    }

    /// The length check of a list or map, binding `within` for [`within_limit`]. A
    /// collection that broke its limit is reported once; its elements are not checked one
    /// by one, so a huge collection costs one violation.
    fn of_collection(&self) -> Option<TokenStream> {
        let (rt, min, max) = (rt(), &self.min, &self.max);
        self.limited.then(
            || quote! { let within = #rt::wire::validate::length(path, value.len(), #min, #max, out); },
        )
    }
}

/// The statements of a shape's check function, by the shape's kind.
fn check_body(cx: &Cx<'_>, shape: &ir::Shape, ty: &TokenStream) -> Vec<TokenStream> {
    let rt = rt();
    let c = &shape.constraints;
    let len = Length::of(c);
    let has_range = c.min_value.is_some() || c.max_value.is_some();
    match &shape.kind {
        ShapeKind::String => string_checks(c, &len),
        ShapeKind::Enum(_) => vec![quote! {
            if value.is_unknown() {
                #rt::wire::validate::known_enum(path, value.as_str(), #ty::VALUES, out);
            }
        }],
        ShapeKind::Blob if len.limited => {
            let (min, max) = (&len.min, &len.max);
            vec![quote! { #rt::wire::validate::length(path, value.len(), #min, #max, out); }]
        }
        ShapeKind::List { member, sparse } => list_checks(cx, member, *sparse, &len),
        ShapeKind::Map { key, value, sparse } => map_checks(cx, key, value, *sparse, &len),
        kind if kind.is_number() && has_range => vec![range_check(shape)],
        _ => Vec::new(),
    }
}

/// A string's length and pattern checks.
fn string_checks(c: &ir::Constraints, len: &Length) -> Vec<TokenStream> {
    let rt = rt();
    let mut body = Vec::new();
    if len.limited {
        let (min, max) = (&len.min, &len.max);
        body.push(quote! { #rt::wire::validate::str_length(path, value, #min, #max, out); });
    }
    if let Some(p) = pattern_value(c) {
        body.push(quote! {
            static PATTERN: #rt::wire::validate::Pattern = #p;
            #rt::wire::validate::pattern(path, value, &PATTERN, sensitive, out);
        });
    }
    body
}

/// A list's length check, then each element's check (skipping `null`s of a sparse list).
fn list_checks(cx: &Cx<'_>, member: &ir::Member, sparse: bool, len: &Length) -> Vec<TokenStream> {
    let rt = rt();
    let mut body: Vec<TokenStream> = len.of_collection().into_iter().collect();
    let call = check_call(
        cx,
        &member.target,
        quote!(v),
        quote!(&path.index(i)),
        member.sensitive,
    );
    let each = if sparse {
        call.map(|call| quote! { if let Some(v) = v { #call } })
    } else {
        call
    };
    if let Some(each) = each {
        let each_element = quote! {
            for (i, v) in value.iter().enumerate() {
                if #rt::wire::validate::is_full(out) { break; }
                #each
            }
        };
        body.push(within_limit(len.limited, each_element));
    }
    body
}

/// A map's length check, then each entry's, in key order. Keys are reported at the map's own
/// path, values at the key's path.
fn map_checks(
    cx: &Cx<'_>,
    key: &ir::Member,
    val: &ir::Member,
    sparse: bool,
    len: &Length,
) -> Vec<TokenStream> {
    let rt = rt();
    let mut body: Vec<TokenStream> = len.of_collection().into_iter().collect();
    let key_check = check_call(cx, &key.target, quote!(k), quote!(path), key.sensitive);
    let val_check = check_call(cx, &val.target, quote!(v), path_of_key(), val.sensitive);
    let val_check = if sparse {
        val_check.map(|call| quote! { if let Some(v) = v { #call } })
    } else {
        val_check
    };
    if key_check.is_some() || val_check.is_some() {
        let key_bind = val_check
            .is_some()
            .then(|| quote!(let key_text: &str = ::std::convert::AsRef::as_ref(k);));
        let value_bind = val_check.is_none().then(|| quote!(let _ = v;));
        let each_entry = quote! {
            for (k, v) in #rt::wire::validate::entries_in_key_order(value) {
                if #rt::wire::validate::is_full(out) { break; }
                #key_bind
                #value_bind
                #key_check
                #val_check
            }
        };
        body.push(within_limit(len.limited, each_entry));
    }
    body
}

/// A number's range check; every number is compared as an `f64`.
fn range_check(shape: &ir::Shape) -> TokenStream {
    let rt = rt();
    let c = &shape.constraints;
    let (min, max) = (
        wire::option(c.min_value.map(proc_macro2::Literal::f64_unsuffixed)),
        wire::option(c.max_value.map(proc_macro2::Literal::f64_unsuffixed)),
    );
    let value = match &shape.kind {
        ShapeKind::Double | ShapeKind::BigDecimal => quote!(*value),
        _ => quote!(*value as f64),
    };
    quote! { #rt::wire::validate::range(path, #value, #min, #max, out); }
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
        let automaton = constraints(
            "^a$",
            Some(PatternCheck::Automaton {
                regex: "^a$".to_owned(),
                automaton: model::automaton::build("^a$").expect("small"),
            }),
        );
        assert!(text(&automaton).is_some_and(|t| t.contains(
            "Pattern :: automaton (\"^a$\" , \"^a$\" , & :: aws_json_runtime :: automaton :: Automaton :: new"
        )));
        let unenforced = constraints(
            "^(?!a)$",
            Some(PatternCheck::Unenforced {
                reason: "look-ahead".to_owned(),
            }),
        );
        assert_eq!(text(&unenforced), None);
        assert_eq!(text(&constraints("^a$", None)), None);
    }
}
