//! Turns a validated service IR into the files of a Rust crate: types, errors, wire format,
//! client and server dispatch, `lib.rs` and `Cargo.toml`.
//!
//! Pure: [`generate`] returns file contents in a map and never touches the disk, reads no
//! environment and no clock, so the same IR and [`Options`] always give the same bytes.
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
//! | module | does |
//! |---|---|
//! | `krate` | the assembler: checks, builds the context, calls every emitter, collects [`Files`] |
//! | `context` | `Cx`, what every emitter reads, and `Root`, the path the crate is named by |
//! | `options` | [`Options`], the caller's choices |
//! | `codegen_error` | [`CodegenError`] |
//! | `emit/` | one emitter per generated file: `cargo_toml`, `lib`, `client`, `endpoint`, `error`, `mock`, `operation`, `pagination`, `server`, `service`, `types`, `validate` |
//! | `structure` | structures, shared by the `types` and `error` emitters: fields, `new`, setters, `Debug`, serde |
//! | `method` | an operation as a method: its rustdoc and the service trait's signature, shared by client, trait and mock |
//! | `paging` | which operations page, shared by the `pagination` and `client` emitters |
//! | `patterns` | the docs of patterns the crate does not check, and the check that each has a decision |
//! | `wire` | the Rust type and wire format of a member, and the runtime's path |
//! | `names` | the naming table: every Rust identifier, decided once |
//! | `lock` | [`NamesLock`], the `names.lock` record that keeps names stable |
//! | `docs` | model HTML into Markdown, and Markdown into `#[doc]` attributes |
//! | `format` | the only place text is made: prettyplease and the header |
//! | `automaton` | pattern automata as Rust tables, and the runtime's partition file |
//! | `literal` | value expressions for code written against a generated crate |
//! | [`testing`] | the public face for tests and the project's commands |
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
mod structure;
pub mod testing;
mod wire;

pub use automaton::regions_file;
pub use codegen_error::CodegenError;
pub use format::GENERATED_MARKER;
pub use krate::{generate, Files};
pub use lock::NamesLock;
pub use options::Options;
