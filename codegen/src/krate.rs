//! The assembler: checks what the emitters rely on, builds the context, calls each emitter
//! and collects what they return into [`Files`], formatting the Rust files on as many
//! threads as the machine offers. It writes no code itself: every file's content comes from
//! its emitter under `emit/`, and `names.lock` from [`crate::lock`].

use std::collections::BTreeMap;
use std::path::PathBuf;

use model::ir;
use proc_macro2::TokenStream;
use quote::quote;

use crate::codegen_error::CodegenError;
use crate::context::{Cx, Root};
use crate::emit::{
    cargo_toml, client, endpoint, error, lib, mock, operation, pagination, server, service, types,
    validate,
};
use crate::format;
use crate::lock::NamesLock;
use crate::options::Options;
use crate::patterns;

/// Relative path (inside the output crate) to file contents.
pub type Files = BTreeMap<PathBuf, String>;

/// Generates every file of the crate for `service`: `Cargo.toml`, `names.lock` and the
/// Rust sources, by path inside the crate.
pub fn generate(service: &ir::Service, opts: &Options) -> Result<Files, CodegenError> {
    check_references(service)?;
    patterns::check_pattern_decisions(service)?;
    endpoint::compile_service(service)?;
    let cx = Cx::new(service, opts, Root::Crate);
    let mut files = emit_rust_files(&cx)?;
    files.insert(PathBuf::from("Cargo.toml"), cargo_toml::emit(&cx));
    files.insert(
        PathBuf::from(NamesLock::FILE),
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
    ("src/lib.rs", lib::emit),
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
