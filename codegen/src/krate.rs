//! Assembles the whole crate: `Cargo.toml`, `lib.rs` and one file per module, and holds the
//! context ([`Cx`]) every emitter reads: the IR, the naming table and the options.

use std::path::PathBuf;

use model::ir::{self, ShapeKind};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::emit::{
    client, endpoint, error, mock, operation, pagination, server, service, types, validate,
};
use crate::names::Names;
use crate::{docs, format, CodegenError, Files, Options};

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
        let (root, ident) = (&self.root, self.names.type_name(name));
        if self.is_error(name) {
            quote!(#root::error::#ident)
        } else {
            quote!(#root::types::#ident)
        }
    }

    /// The input type of an operation (the model's shape or a synthesized empty one).
    pub fn input_path(&self, op: &ir::Operation) -> TokenStream {
        let (root, ident) = (&self.root, self.names.input_type(&op.name));
        quote!(#root::types::#ident)
    }

    /// The output type of an operation.
    pub fn output_path(&self, op: &ir::Operation) -> TokenStream {
        let (root, ident) = (&self.root, self.names.output_type(&op.name));
        quote!(#root::types::#ident)
    }

    /// The error enum of an operation.
    pub fn op_error_path(&self, op: &ir::Operation) -> TokenStream {
        let (root, ident) = (&self.root, self.names.op_error(&op.name));
        quote!(#root::error::#ident)
    }

    /// The metadata constant of an operation.
    pub fn op_meta_path(&self, op: &ir::Operation) -> TokenStream {
        let (root, ident) = (&self.root, self.names.operation_const(&op.name));
        quote!(#root::operation::#ident)
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

/// Generates every file of the crate.
pub fn generate(service: &ir::Service, opts: &Options) -> Result<Files, CodegenError> {
    check_references(service)?;
    validate::check_pattern_decisions(service)?;
    endpoint::compile_service(service)?;
    let names = Names::with_lock(service, &opts.names_lock);
    let cx = Cx {
        service,
        names,
        opts,
        root: Root::Crate,
    };
    let mut files = emit_rust_files(&cx)?;
    files.insert(PathBuf::from("Cargo.toml"), cargo_toml(&cx));
    files.insert(
        PathBuf::from(crate::lock::FILE),
        cx.names
            .lock()
            .render(&format::toml_header(&opts.model_files)),
    );
    Ok(files)
}

/// An emitter: the tokens of one generated Rust file.
type Emitter = fn(&Cx<'_>) -> TokenStream;

/// The emitter of each Rust file but `types.rs`, the largest first.
const RUST_FILES: [(&str, Emitter); 10] = [
    ("src/validate.rs", validate::emit_validation),
    ("src/error.rs", error::emit),
    ("src/server.rs", server::emit),
    ("src/mock.rs", mock::emit),
    ("src/client.rs", client::emit),
    ("src/operation.rs", operation::emit),
    ("src/endpoint.rs", endpoint::emit),
    ("src/service.rs", service::emit),
    ("src/pagination.rs", pagination::emit),
    ("src/lib.rs", lib_rs),
];

/// `types.rs`, usually as large as all other files together, is emitted in this many parts.
const TYPES_PARTS: usize = 3;

/// One piece of work for [`emit_rust_files`]: a whole file, or a part of `types.rs`.
#[derive(Clone, Copy)]
enum Job {
    File(&'static str, Emitter),
    TypesPart(usize),
}

/// Emits and formats the Rust files, on as many threads as the machine offers: each piece's
/// tokens are built and printed on the thread that takes it, since token streams cannot
/// cross threads. The text is the same whatever the thread count.
fn emit_rust_files(cx: &Cx<'_>) -> Result<Files, CodegenError> {
    // A deprecated shape or operation is still generated, and the generated code itself
    // must use it without warnings; users of it still see the deprecation.
    let deprecated = has_deprecated(cx.service);
    let allowing_deprecated = |tokens: TokenStream| {
        let allow = deprecated.then(|| quote!(#![allow(deprecated)]));
        quote!(#allow #tokens)
    };
    let headers = &cx.opts.model_files;
    let render = |job: Job| match job {
        Job::File(path, emit) => {
            let tokens = match path {
                "src/lib.rs" => emit(cx),
                _ => allowing_deprecated(emit(cx)),
            };
            (path, 0, format::rust_file(path, tokens, headers))
        }
        Job::TypesPart(0) => {
            let tokens = allowing_deprecated(types::emit_part(cx, 0, TYPES_PARTS));
            let text = format::rust_file("src/types.rs", tokens, headers);
            ("src/types.rs", 0, text)
        }
        Job::TypesPart(part) => {
            let tokens = types::emit_part(cx, part, TYPES_PARTS);
            let text = format::rust_items("src/types.rs", tokens);
            ("src/types.rs", part, text)
        }
    };
    let jobs: Vec<Job> = (0..TYPES_PARTS)
        .map(Job::TypesPart)
        .chain(RUST_FILES.iter().map(|&(path, emit)| Job::File(path, emit)))
        .collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(jobs.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        while let Some(&job) = jobs.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
            done.push(render(job));
        }
        done
    };
    let mut pieces: Vec<_> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        let mut pieces = work();
        for helper in helpers {
            // A panic in an emitter is a bug; it surfaces as it would without threads.
            pieces.extend(
                helper
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
        }
        pieces
    });
    pieces.sort_by_key(|(path, part, _)| (*path, *part));
    // Join the parts of each file in order; the first error, in that order, is the result.
    let mut files = Files::new();
    for (path, _, text) in pieces {
        files
            .entry(PathBuf::from(path))
            .or_default()
            .push_str(&text?);
    }
    Ok(files)
}

/// Makes sure every shape the IR refers to exists, so that the emitters' lookups cannot
/// fail. `model::load_*` guarantees it; an IR built another way may not.
fn check_references(service: &ir::Service) -> Result<(), CodegenError> {
    let missing = |name: &str| !service.shapes.contains_key(name);
    let member_targets = service.shapes.values().flat_map(|s| s.kind.members());
    let operation_targets = service.operations.iter().flat_map(|op| {
        op.input
            .iter()
            .chain(op.output.iter())
            .chain(op.errors.iter())
            .map(String::as_str)
    });
    let dangling: Vec<&str> = member_targets
        .map(|m| m.target.as_str())
        .chain(operation_targets)
        .filter(|t| missing(t))
        .collect();
    if dangling.is_empty() {
        Ok(())
    } else {
        Err(CodegenError::Unsupported(format!(
            "the IR refers to shapes it does not define ({}); load models with `model::load_*`, which validates them",
            dangling.join(", ")
        )))
    }
}

/// True when anything in the model is deprecated.
fn has_deprecated(service: &ir::Service) -> bool {
    service.operations.iter().any(|op| op.deprecated.is_some())
        || service.shapes.values().any(|s| {
            s.deprecated.is_some() || s.kind.members().iter().any(|m| m.deprecated.is_some())
        })
}

fn lib_rs(cx: &Cx<'_>) -> TokenStream {
    let meta = &cx.service.metadata;
    let service_docs = cx.docs(cx.service.docs.as_deref(), "");
    let trait_name = cx.service_trait();
    let intro = format!(
        "Client and server for {} (API version {}, awsJson {}), generated from the service model.\n\n\
         - [`Client`] calls the service: one async method per operation.\n\
         - [`{trait_name}`] is the service as a trait: [`Client`] implements it, and so does a server's handler, which [`Router`] serves over HTTP.\n\
         - [`types`] holds the inputs, outputs and the shapes they use; [`error`] the errors; [`operation`] each operation's wire facts; [`endpoint`] the endpoint rules, compiled.\n\
         - [`pagination`] pages through paginated operations, also as streams.\n\
         - `mock::Mock`, with the `mock` feature, stands in for the service in tests: answers set per operation, every call recorded.\n\n",
        meta.full_name,
        meta.api_version,
        meta.protocol.json_version(),
    );
    let skipped = unsupported_docs(&cx.service.unsupported);
    let unchecked = validate::unchecked_patterns_docs(cx.service);
    let text = format!("{intro}{skipped}{unchecked}{service_docs}")
        .trim_end()
        .to_owned();
    let attrs = docs::inner_attrs(&text);
    quote! {
        #attrs
        #![deny(missing_docs)]
        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        pub mod endpoint;
        #[rustfmt::skip]
        pub mod error;
        #[rustfmt::skip]
        pub mod operation;
        #[cfg(feature = "mock")]
        #[rustfmt::skip]
        pub mod mock;
        #[rustfmt::skip]
        pub mod pagination;
        #[rustfmt::skip]
        pub mod server;
        #[rustfmt::skip]
        mod service;
        #[rustfmt::skip]
        pub mod types;
        #[rustfmt::skip]
        mod validate;
        pub use aws_json_runtime as runtime;
        pub use aws_json_runtime::Config;
        pub use aws_json_runtime::InMemoryTransport;
        pub use client::Client;
        pub use error::Error;
        pub use server::Router;
        pub use service::#trait_name;
    }
}

/// The paragraph of the crate docs that lists the operations the model has but the crate
/// leaves out, each with the reason; empty when every operation is generated.
fn unsupported_docs(unsupported: &[ir::Unsupported]) -> String {
    if unsupported.is_empty() {
        return String::new();
    }
    let items: String = unsupported
        .iter()
        .map(|u| format!("- `{}` (not supported: {})\n", u.operation, u.reason))
        .collect();
    format!("Operations of the model that this crate leaves out:\n\n{items}\n")
}

fn cargo_toml(cx: &Cx<'_>) -> String {
    let opts = cx.opts;
    let meta = &cx.service.metadata;
    let header = format::toml_header(&opts.model_files);
    let description = format!(
        "{} client and server (awsJson {}), generated from the service model.",
        meta.full_name,
        meta.protocol.json_version()
    );
    let (package_common, lints) = if opts.workspace_member {
        (
            "edition.workspace = true\nlicense.workspace = true\npublish.workspace = true\n",
            "\n[lints]\nworkspace = true\n",
        )
    } else {
        ("edition = \"2021\"\npublish = false\n", "")
    };
    // The runtime's features are the crate's: on by default, and off with the crate's own
    // `default-features = false`, so users choose them where they name this crate. Gzip is
    // the exception: a model with a compressible operation needs it on the client whatever
    // the user picks, so the runtime dependency then asks for it itself.
    let compresses = cx
        .service
        .operations
        .iter()
        .any(|op| op.request_compression.iter().any(|e| e == "gzip"));
    let mut always = Vec::new();
    if compresses {
        always.push("gzip");
    }
    // Patterns too large for an automaton need a regex engine, whatever the user picks: the
    // full engine for large Unicode classes.
    if model::pattern::needs_lite_engine(cx.service) {
        always.push("lite-patterns");
    }
    if model::pattern::needs_full_engine(cx.service) {
        always.push("unicode-patterns");
    }
    let features = "\n[features]\ndefault = [\"https\", \"sha2\", \"config-files\"]\n# The default HTTP(S) transport (hyper, rustls, tokio's network stack).\nhttps = [\"aws-json-runtime/https\"]\n# Region, endpoint URL and credentials from the shared AWS files (~/.aws/config, ~/.aws/credentials).\nconfig-files = [\"aws-json-runtime/config-files\"]\n# SigV4 hashing with the CPU's SHA instructions (RustCrypto's sha2); without it, portable code.\nsha2 = [\"aws-json-runtime/sha2\"]\n# Gzip request bodies: compressing those the model allows, decoding them in the router.\ngzip = [\"aws-json-runtime/gzip\"]\n# Serving the router over HTTP (gzip bodies included).\nserver = [\"aws-json-runtime/server\"]\n# The generated `mock::Mock`, a stand-in for the service in tests.\nmock = [\"aws-json-runtime/mock\"]\n";
    format!(
        "{header}\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\ndescription = \"{description}\"\n{package_common}\n[dependencies]\naws-json-runtime = {runtime}\n{features}{lints}",
        name = opts.crate_name,
        description = description.replace('"', "\\\""),
        runtime = runtime_dependency(&opts.runtime_dependency, &always),
    )
}

/// The runtime dependency with its default features off: `{ path = "x" }` becomes
/// `{ path = "x", default-features = false }`, and a bare version requirement becomes a
/// table. The crate's own features then decide which runtime features are on, but for
/// `always`, which the dependency itself asks for.
fn runtime_dependency(dependency: &str, always: &[&str]) -> String {
    let dependency = dependency.trim();
    let inner = match dependency
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
    {
        Some(inner) if inner.contains("default-features") => inner.trim().to_owned(),
        Some(inner) if inner.trim().is_empty() => "default-features = false".to_owned(),
        Some(inner) => format!("{}, default-features = false", inner.trim()),
        None => format!("version = {dependency}, default-features = false"),
    };
    if always.is_empty() {
        return format!("{{ {inner} }}");
    }
    let features: Vec<String> = always.iter().map(|f| format!("\"{f}\"")).collect();
    format!("{{ {inner}, features = [{}] }}", features.join(", "))
}

#[cfg(test)]
mod tests {
    use super::runtime_dependency;

    fn without_default_features(dependency: &str) -> String {
        runtime_dependency(dependency, &[])
    }

    #[test]
    fn the_runtime_dependency_asks_for_the_features_the_model_needs() {
        assert_eq!(
            runtime_dependency("{ workspace = true }", &["gzip"]),
            r#"{ workspace = true, default-features = false, features = ["gzip"] }"#
        );
        assert_eq!(
            runtime_dependency(r#""0.1""#, &["gzip"]),
            r#"{ version = "0.1", default-features = false, features = ["gzip"] }"#
        );
    }

    #[test]
    fn the_runtime_dependency_loses_its_default_features() {
        assert_eq!(
            without_default_features("{ workspace = true }"),
            "{ workspace = true, default-features = false }"
        );
        assert_eq!(
            without_default_features(r#"{ path = "../runtime" }"#),
            r#"{ path = "../runtime", default-features = false }"#
        );
        assert_eq!(
            without_default_features(r#""0.1""#),
            r#"{ version = "0.1", default-features = false }"#
        );
        let explicit = r#"{ path = "r", default-features = true }"#;
        assert_eq!(without_default_features(explicit), explicit);
    }
}
