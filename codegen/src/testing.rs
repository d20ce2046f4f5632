//! What tests and the project's own commands need from the generator beyond [`generate`]:
//! expressions that build values of a generated crate's types (for the protocol test
//! suites' runners), an endpoint rule set compiled alone (for the rules-engine suite), and
//! the formatting every generated Rust file gets (for files a caller assembles from these
//! pieces). Each is a function or type here, so no caller builds the generator's internals
//! by hand. Nothing in this module is used by [`generate`] itself.
//!
//! [`generate`]: crate::generate

pub use crate::emit::endpoint::compile as compile_rules;
pub use crate::format::rust_file;
pub use crate::literal::Literals;
