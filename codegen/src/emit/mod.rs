//! The emitters: one module per file of the generated crate, named after it (`lib` writes
//! `src/lib.rs`, `cargo_toml` the manifest), each turning the context into that file's
//! tokens (the manifest's text). An emitter reads the context and the helpers beside this
//! folder; it never calls the assembler, and never another emitter.

pub mod cargo_toml;
pub mod client;
pub mod endpoint;
pub mod error;
pub mod lib;
pub mod mock;
pub mod operation;
pub mod pagination;
pub mod server;
pub mod service;
pub mod types;
pub mod validate;
