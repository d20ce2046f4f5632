//! [`Options`]: what the caller decides about the crate to write, beside the model itself.
//! Plain data; nothing here reads or decides anything.

use crate::lock::NamesLock;

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
    /// The model files, as named in the header (`model/cognito-identity/service-2.json`).
    pub model_files: Vec<String>,
    /// The names a previous generation gave (its `names.lock`), which this one keeps; empty
    /// for a first generation.
    pub names_lock: NamesLock,
    /// True to put each operation behind a cargo feature of its own (web-sys style): the
    /// manifest gets one feature per operation, named after it in kebab-case
    /// (`initiate-auth`), and `all-operations`, in `default`, listing them all; every item
    /// only some operations reach is compiled only when one of theirs is on. False writes
    /// every item unconditionally, as before.
    pub operation_features: bool,
}
