//! [`CodegenError`]: how the generator fails. Every fallible step returns it, and the caller
//! gets it unchanged, so a failure names the output file or the model item at fault.

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
