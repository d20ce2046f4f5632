//! Turns a validated service IR into the files of a Rust crate: types, errors, wire format,
//! client and server dispatch, `lib.rs` and `Cargo.toml`.
//!
//! Pure: [`generate`] returns file contents in a map and never touches the disk, the
//! network or the clock, so the same IR and [`Options`] always give the same bytes (the
//! threads it formats on change only how soon).
//!
//! # Pipeline
//!
//! ```text
//! IR + Options ──> checks ──> context ──> emitters ──> format ──> Files
//!                             (Cx: IR,    (one per     (prettyplease,
//!                              names,      file)        header)
//!                              options)
//! ```
//!
//! 1. The assembler (`krate`) checks what the emitters rely on: every referenced shape
//!    exists, every pattern carries its decision, the endpoint rules compile.
//! 2. It builds the context (`context::Cx`): the IR, the naming table (`names`, which
//!    keeps the names of the previous generation's [`NamesLock`]) and the options.
//! 3. It calls each emitter (`emit::*`), one per file of the generated crate, and collects
//!    what they return: tokens, which `format` prints with the `@generated` header, or text
//!    for `Cargo.toml` and `names.lock`.
//!
//! Emitters only read decisions: names from the naming table, documentation converted once
//! by `docs`, wire types from `wire`. A failure anywhere is a [`CodegenError`].
//!
//! # Modules
//!
//! - `krate`: the assembler. Checks, builds the context, calls every emitter and collects
//!   [`Files`].
//! - `context`: `Cx`, what every emitter reads, and `Root`, the path the crate is named by.
//! - `options`: [`Options`], the caller's choices. `codegen_error`: [`CodegenError`].
//! - `emit/`: one emitter per generated file: `cargo_toml`, `lib`, `client`, `endpoint`,
//!   `error`, `mock`, `operation`, `pagination`, `server`, `service`, `types`, `validate`.
//! - `structure`: every structure (fields, `new`, setters, `Debug`, serde), for the `types`
//!   and `error` emitters.
//! - `method`: an operation as a method (rustdoc, the trait's signature), for the client,
//!   the service trait and the mock.
//! - `paging`: which operations page, for the `pagination` and `client` emitters.
//! - `reach`: which operations reach each shape, for the `#[cfg]` of every item when each
//!   operation is behind a cargo feature of its own; the context holds the table.
//! - `patterns`: the docs of patterns the crate does not check, and the check that every
//!   pattern carries its decision.
//! - `wire`: a member's Rust type and wire format, the serde impls, the runtime's path.
//! - `names`: the naming table, every Rust identifier decided once; `lock`: [`NamesLock`],
//!   the `names.lock` record that keeps those names from one generation to the next.
//! - `docs`: model HTML into Markdown, Markdown into `#[doc]`, deprecations into
//!   `#[deprecated]`.
//! - `format`: the only place Rust text is made (prettyplease and the `@generated` header).
//! - `automaton`: pattern automata as Rust tables, and the runtime's partition file
//!   ([`regions_file`]).
//! - `literal`: value expressions for code written against a generated crate.
//! - [`testing`]: what tests and the project's commands use besides [`generate`].
//!
//! Imports run one way: the assembler imports the emitters, emitters import the context and
//! the helpers (never the assembler or each other), and the context imports no emitter.

mod automaton;
mod codegen_error;
mod context;
mod docs;
mod emit;
mod format;
mod krate;
mod literal;
mod lock;
mod method;
mod names;
mod options;
mod paging;
mod patterns;
mod reach;
mod structure;
pub mod testing;
mod wire;

pub use automaton::regions_file;
pub use codegen_error::CodegenError;
pub use format::GENERATED_MARKER;
pub use krate::{generate, Files};
pub use lock::NamesLock;
pub use options::Options;
