//! The emitters: one module per Rust file of the generated crate, each turning the context
//! into that file's tokens. An emitter reads the context and the helpers beside this folder;
//! it never calls the assembler, and never another emitter.

pub mod client;
pub mod endpoint;
pub mod error;
pub mod mock;
pub mod operation;
pub mod pagination;
pub mod server;
pub mod service;
pub mod types;
pub mod validate;
