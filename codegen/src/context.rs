//! The generation context ([`Cx`]): what every emitter reads, and all it reads. It holds
//! the IR, the naming table decided before anything is emitted, the caller's options and
//! the path the generated crate's items are named through, and answers the questions every
//! emitter asks alike (a shape by name, the path of a type, an item's rustdoc, the `#[cfg]`
//! of an item when each operation is behind a feature of its own).
//!
//! It decides nothing and emits no file: it imports no emitter and no assembler, so every
//! emitter can depend on it without a loop.

use model::ir::{self, ShapeKind};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::docs;
use crate::names::Names;
use crate::options::Options;
use crate::reach::Reach;

/// What every emitter reads.
pub struct Cx<'a> {
    /// The service.
    pub service: &'a ir::Service,
    /// Every Rust name, decided up front.
    pub names: Names,
    /// The caller's options.
    pub opts: &'a Options,
    /// The path items of the generated crate are named through: `crate` inside it, or
    /// `::name` in code written against it (see [`crate::literal`]).
    pub root: Root,
    /// Which operations reach each shape, when each operation is behind a feature of its
    /// own ([`Options::operation_features`]).
    reach: Option<Reach>,
}

/// The path the generated crate's items are named through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// `crate`, in the generated crate's own code.
    Crate,
    /// `::name`, in code written against the crate, which depends on it as `name`.
    Extern(String),
}

impl quote::ToTokens for Root {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Root::Crate => tokens.extend(quote!(crate)),
            Root::Extern(name) => {
                let name = quote::format_ident!("{name}");
                tokens.extend(quote!(::#name));
            }
        }
    }
}

impl<'a> Cx<'a> {
    /// The context of the crate generated from `service` with `opts`, its items named
    /// through `root`. Names are decided here, keeping those the options' lock records, so
    /// every context of one service and lock names items alike.
    pub fn new(service: &'a ir::Service, opts: &'a Options, root: Root) -> Self {
        let mut names = Names::with_lock(service, &opts.names_lock);
        let mut reach = None;
        if opts.operation_features {
            names = names.with_operation_features(service, &opts.names_lock);
            reach = Some(Reach::new(service, &names));
        }
        Cx {
            service,
            names,
            opts,
            root,
            reach,
        }
    }

    /// The `#[cfg]` of the items of one operation (its method, error enum, metadata, pages
    /// type, mock slot, dispatch arm); `None` unless each operation has a feature.
    pub fn cfg_operation(&self, op: &ir::Operation) -> Option<TokenStream> {
        self.reach.as_ref()?.operation(&op.name)
    }

    /// The `#[cfg]` of the items of a shape (its type and impls, check function, zero
    /// value): the features of the operations that reach it; `None` when every operation
    /// does, or unless each operation has a feature.
    pub fn cfg_shape(&self, name: &str) -> Option<TokenStream> {
        self.reach.as_ref()?.shape(name)
    }

    /// The `#[cfg]` of the router's description of a shape: the features of the operations
    /// whose input reaches it.
    pub fn cfg_input_shape(&self, name: &str) -> Option<TokenStream> {
        self.reach.as_ref()?.input_shape(name)
    }

    /// A shape of the validated model.
    pub fn shape(&self, name: &str) -> &'a ir::Shape {
        self.service
            .shapes
            .get(name)
            .expect("`generate` checked that every referenced shape exists")
    }

    /// True when `name` is an error structure (emitted in the `error` module).
    pub fn is_error(&self, name: &str) -> bool {
        self.shape(name).error.is_some()
    }

    /// The absolute path of the Rust type of a structure, union or enum shape.
    pub fn type_path(&self, name: &str) -> TokenStream {
        let module = if self.is_error(name) {
            "error"
        } else {
            "types"
        };
        self.item_path(module, self.names.type_name(name))
    }

    /// The input type of an operation (the model's shape or a synthesized empty one).
    pub fn input_path(&self, op: &ir::Operation) -> TokenStream {
        self.item_path("types", self.names.input_type(&op.name))
    }

    /// The output type of an operation.
    pub fn output_path(&self, op: &ir::Operation) -> TokenStream {
        self.item_path("types", self.names.output_type(&op.name))
    }

    /// The error enum of an operation.
    pub fn op_error_path(&self, op: &ir::Operation) -> TokenStream {
        self.item_path("error", self.names.op_error(&op.name))
    }

    /// The metadata constant of an operation.
    pub fn op_meta_path(&self, op: &ir::Operation) -> TokenStream {
        self.item_path("operation", self.names.operation_const(&op.name))
    }

    /// The absolute path of the item `ident` in the generated crate's module `module`.
    fn item_path(&self, module: &str, ident: Ident) -> TokenStream {
        let (root, module) = (&self.root, format_ident!("{module}"));
        quote!(#root::#module::#ident)
    }

    /// The method name of an operation.
    pub fn op_fn(&self, op: &ir::Operation) -> Ident {
        self.names.operation_fn(&op.name)
    }

    /// The service trait's name.
    pub fn service_trait(&self) -> Ident {
        self.names.service_trait()
    }

    /// Every error shape any operation returns, sorted by name.
    pub fn error_shapes(&self) -> Vec<&'a str> {
        let mut v: Vec<&str> = self
            .service
            .shapes
            .values()
            .filter(|s| s.error.is_some() && matches!(s.kind, ShapeKind::Structure(_)))
            .map(|s| s.name.as_str())
            .collect();
        v.sort_unstable();
        v
    }

    /// Rustdoc for an item: the model's documentation converted to Markdown, or `fallback`.
    pub fn docs(&self, html: Option<&str>, fallback: &str) -> String {
        let text = html.map(docs::to_markdown).unwrap_or_default();
        if text.trim().is_empty() {
            fallback.to_owned()
        } else {
            text
        }
    }
}
