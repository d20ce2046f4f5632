//! Turns a validated service IR into the files of a Rust crate: types, errors, wire format,
//! client and server dispatch, `lib.rs` and `Cargo.toml`.
//!
//! Pure: [`generate`] returns file contents in a map and never touches the disk. Names are
//! decided once in [`names`], documentation is converted once in [`docs`], and each emitter
//! only reads those decisions.

pub mod automaton;
pub mod docs;
pub mod emit;
pub mod format;
pub mod krate;
pub mod literal;
pub mod lock;
pub mod names;
pub mod wire;

use std::collections::BTreeMap;
use std::path::PathBuf;

use model::ir;

/// Relative path (inside the output crate) to file contents.
pub type Files = BTreeMap<PathBuf, String>;

/// The marker every generated file starts with (after the comment leader).
pub const GENERATED_MARKER: &str = "@generated";

/// What the caller decides about the crate to write.
#[derive(Debug, Clone)]
pub struct Options {
    /// The package name, e.g. `cognito-identity`.
    pub crate_name: String,
    /// The value of the runtime dependency in `Cargo.toml`, e.g.
    /// `{ path = "../runtime" }` or `{ workspace = true }`.
    pub runtime_dependency: String,
    /// True when the crate is a member of this workspace (it then inherits workspace
    /// package fields, lints and dependency versions).
    pub workspace_member: bool,
    /// The model files, as named in the header (`model/service-2.json`).
    pub model_files: Vec<String>,
    /// The names a previous generation gave (its `names.lock`), which this one keeps; empty
    /// for a first generation.
    pub names_lock: lock::NamesLock,
}

/// A failure of the code generator. Reaching one is a bug in the codegen or an input the
/// model validation should have rejected; the message names the file and item.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// The emitted tokens for a file did not parse as Rust.
    #[error("generated file `{file}` does not parse ({item}): {reason}")]
    Format {
        /// The output file.
        file: String,
        /// The offending item, as far as known.
        item: String,
        /// The parser's message.
        reason: String,
    },
    /// The model uses something the generator does not support.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A line of the previous generation's `names.lock` cannot be read.
    #[error("names.lock, line {line}: {reason}")]
    NamesLock {
        /// The line, from 1.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
}

/// Generates every file of the crate for `service`.
pub fn generate(service: &ir::Service, opts: &Options) -> Result<Files, CodegenError> {
    krate::generate(service, opts)
}
