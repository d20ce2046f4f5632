//! Reads AWS service models (botocore `service-2.json` and the Smithy 2.0 JSON AST) into one
//! validated intermediate representation ([`ir::Service`]).
//!
//! Everything here is pure: callers pass file contents and file names, and nothing touches the
//! disk, the environment or the network. Every problem with a model becomes an [`Error`] that
//! names the file, the shape (and member) and what is wrong; nothing panics on input.

pub mod automaton;
pub mod botocore;
pub mod customizations;
pub mod error;
pub mod ir;
pub mod lower;
pub mod passes;
pub mod pattern;
pub mod smithy;
pub mod validate;

pub use error::{Error, Errors};

/// A model file's name (as it should appear in messages) and its contents.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The name to report, e.g. `model/cognito-identity/service-2.json`.
    pub name: &'a str,
    /// The file's text.
    pub text: &'a str,
}

/// The files of one botocore model.
#[derive(Debug, Clone, Copy)]
pub struct BotocoreFiles<'a> {
    /// `service-2.json`.
    pub service: Source<'a>,
    /// `paginators-1.json`, when present.
    pub paginators: Option<Source<'a>>,
    /// `endpoint-rule-set-1.json`, when present.
    pub endpoint_rules: Option<Source<'a>>,
}

/// Reads a botocore model into a validated IR.
pub fn load_botocore(files: BotocoreFiles<'_>) -> Result<ir::Service, Errors> {
    let service = lower::botocore::lower(files)?;
    finish(service, files.service.name)
}

/// Reads a Smithy 2.0 JSON AST model into a validated IR.
pub fn load_smithy(file: Source<'_>) -> Result<ir::Service, Errors> {
    let service = lower::smithy::lower(file)?;
    finish(service, file.name)
}

/// Which format a model file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// botocore `service-2.json`.
    Botocore,
    /// Smithy 2.0 JSON AST.
    Smithy,
}

/// Tells the format of a model file from its top-level keys (`smithy` or `metadata`).
pub fn detect_format(file: Source<'_>) -> Result<Format, Errors> {
    lower::detect_format(file)
}

/// Validates a lowered service and runs the IR passes (sensitivity, indirection, how each
/// pattern is checked).
fn finish(mut service: ir::Service, file: &str) -> Result<ir::Service, Errors> {
    validate::validate(&service, file)?;
    passes::run(&mut service, file)?;
    pattern::pass(&mut service);
    Ok(service)
}
