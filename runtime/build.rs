//! Records the version of the Rust compiler building the runtime, for the `lang/rust/<version>`
//! part of the user agent the client sends (as the AWS SDKs do). It only asks the compiler
//! cargo is using for its version; when that fails the version reads `unknown`.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=RUSTC");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| parse(&text))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=AWS_JSON_RUNTIME_RUSTC_VERSION={version}");
}

/// `1.85.0` from `rustc 1.85.0 (4d91de4e4 2025-02-17)`; only characters a user agent may
/// carry are kept.
fn parse(text: &str) -> Option<String> {
    let version = text.split_whitespace().nth(1)?;
    let valid = !version.is_empty()
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
    valid.then(|| version.to_owned())
}
