//! Which operations reach each shape, for a crate that puts every operation behind a cargo
//! feature of its own ([`crate::Options::operation_features`]): worked out once, when the
//! context is built, and asked by every emitter for the `#[cfg]` of the items it writes.
//!
//! An operation reaches its input, its output and its errors, and whatever their members
//! target, at any depth. An item is compiled when one of the operations that reach it is
//! on, so it carries `#[cfg(any(feature = "a", feature = "b"))]` listing them (one
//! operation: `#[cfg(feature = "a")]`); an item every operation reaches carries none. A shape
//! no operation reaches (a model may declare one) is compiled with `all-operations`, which
//! turns on every operation, so whatever such a shape refers to is there too.
//!
//! The router's required-member descriptions are private statics that only inputs use, so
//! they follow a second table: the operations whose input reaches a shape.
//!
//! Nothing here decides a name or writes a file; [`gate`] only adds an attribute to items
//! an emitter already made.

use std::collections::{BTreeMap, BTreeSet};

use model::ir;
use proc_macro2::TokenStream;
use quote::quote;

use crate::names::{Names, ALL_OPERATIONS};

/// The operations reaching each shape, and the feature of each operation.
#[derive(Debug, Clone)]
pub struct Reach {
    /// Each operation's cargo feature, by operation name.
    features: BTreeMap<String, String>,
    /// The operations that reach each shape through anything (input, output, errors).
    shapes: BTreeMap<String, BTreeSet<String>>,
    /// The operations whose input reaches each shape.
    inputs: BTreeMap<String, BTreeSet<String>>,
}

impl Reach {
    /// The table of `service`, whose operations' features `names` has decided.
    pub fn new(service: &ir::Service, names: &Names) -> Reach {
        let mut shapes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut inputs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut features = BTreeMap::new();
        for op in &service.operations {
            let feature = names.operation_feature(&op.name).unwrap_or(&op.name);
            features.insert(op.name.clone(), feature.to_owned());
            let roots = op.input.iter().chain(&op.output).chain(&op.errors);
            for shape in reached(service, roots) {
                shapes.entry(shape).or_default().insert(op.name.clone());
            }
            for shape in reached(service, op.input.iter()) {
                inputs.entry(shape).or_default().insert(op.name.clone());
            }
        }
        Reach {
            features,
            shapes,
            inputs,
        }
    }

    /// The `#[cfg]` of an item of one operation (its method, error enum, metadata, ...).
    pub fn operation(&self, op: &str) -> Option<TokenStream> {
        self.cfg(&BTreeSet::from([op.to_owned()]))
    }

    /// The `#[cfg]` of the items of a shape (its type, impls, check function).
    pub fn shape(&self, name: &str) -> Option<TokenStream> {
        self.cfg(self.shapes.get(name).unwrap_or(&BTreeSet::new()))
    }

    /// The `#[cfg]` of the router's description of a shape inputs reach.
    pub fn input_shape(&self, name: &str) -> Option<TokenStream> {
        self.cfg(self.inputs.get(name).unwrap_or(&BTreeSet::new()))
    }

    /// The attribute for items reached by `ops`: none when that is every operation,
    /// `all-operations` when it is none.
    fn cfg(&self, ops: &BTreeSet<String>) -> Option<TokenStream> {
        if ops.len() == self.features.len() {
            return None;
        }
        let features: Vec<&str> = ops
            .iter()
            .filter_map(|op| self.features.get(op).map(String::as_str))
            .collect();
        Some(match features.as_slice() {
            [] => quote!(#[cfg(feature = #ALL_OPERATIONS)]),
            [one] => quote!(#[cfg(feature = #one)]),
            many => quote!(#[cfg(any(#(feature = #many),*))]),
        })
    }
}

/// Every shape reachable from `roots` through members, the roots included.
fn reached<'a>(service: &ir::Service, roots: impl Iterator<Item = &'a String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = roots.map(String::as_str).collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.to_owned()) {
            continue;
        }
        if let Some(shape) = service.shapes.get(name) {
            todo.extend(shape.kind.members().iter().map(|m| m.target.as_str()));
        }
    }
    seen
}

/// `items` with `cfg` added to each top-level item, after its docs; `items` unchanged when
/// `cfg` is `None`. Tokens that are not items are returned as they are, and the formatter
/// then reports them as the generator bug they are.
pub fn gate(cfg: Option<TokenStream>, items: TokenStream) -> TokenStream {
    let Some(cfg) = cfg else {
        return items;
    };
    let Ok(mut file) = syn::parse2::<syn::File>(items.clone()) else {
        return items;
    };
    for item in &mut file.items {
        let parsed = syn::parse::Parser::parse2(syn::Attribute::parse_outer, cfg.clone());
        if let (Some(existing), Ok(attrs)) = (item_attrs(item), parsed) {
            let after_docs = existing
                .iter()
                .take_while(|a| a.path().is_ident("doc"))
                .count();
            existing.splice(after_docs..after_docs, attrs);
        }
    }
    quote!(#file)
}

/// The attributes of the kinds of item generated code holds.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Union(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        syn::Item::Macro(i) => &mut i.attrs,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(shapes: &[(&str, &[&str])], ops: &[&str]) -> Reach {
        let set = |ops: &[&str]| ops.iter().map(|o| (*o).to_owned()).collect();
        Reach {
            features: ops
                .iter()
                .map(|op| ((*op).to_owned(), op.to_lowercase()))
                .collect(),
            shapes: shapes
                .iter()
                .map(|(name, ops)| ((*name).to_owned(), set(ops)))
                .collect(),
            inputs: BTreeMap::new(),
        }
    }

    fn text(tokens: Option<TokenStream>) -> Option<String> {
        tokens.map(|t| t.to_string())
    }

    #[test]
    fn an_item_is_gated_on_the_operations_that_reach_it() {
        let reach = table(
            &[
                ("Shared", &["A", "B", "C"]),
                ("Two", &["A", "B"]),
                ("One", &["C"]),
            ],
            &["A", "B", "C"],
        );
        assert_eq!(text(reach.shape("Shared")), None);
        assert_eq!(
            text(reach.shape("Two")).as_deref(),
            Some(r#"# [cfg (any (feature = "a" , feature = "b"))]"#)
        );
        assert_eq!(
            text(reach.shape("One")).as_deref(),
            Some(r#"# [cfg (feature = "c")]"#)
        );
        assert_eq!(
            text(reach.shape("Unreached")).as_deref(),
            Some(r#"# [cfg (feature = "all-operations")]"#)
        );
        assert_eq!(
            text(reach.operation("B")).as_deref(),
            Some(r#"# [cfg (feature = "b")]"#)
        );
    }

    #[test]
    fn gating_puts_the_attribute_after_the_docs_of_every_item() {
        let items = quote! {
            /// A type.
            #[derive(Debug)]
            pub struct S;
            impl S {}
        };
        let gated = gate(Some(quote!(#[cfg(feature = "a")])), items.clone());
        let file: syn::File = syn::parse2(gated).expect("items");
        let printed = prettyplease::unparse(&file);
        assert_eq!(
            printed,
            "/// A type.\n#[cfg(feature = \"a\")]\n#[derive(Debug)]\npub struct S;\n#[cfg(feature = \"a\")]\nimpl S {}\n"
        );
        assert_eq!(gate(None, items.clone()).to_string(), items.to_string());
    }
}
