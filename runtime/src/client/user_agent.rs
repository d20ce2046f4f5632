//! The user agent a client sends in `User-Agent` and `x-amz-user-agent`: the generated crate,
//! the runtime, the operating system and the Rust version, as the AWS SDKs write it.

use crate::base::meta::ServiceMeta;

/// The runtime's own part of the user agent.
pub(super) const RUNTIME_AGENT: &str = concat!("aws-json-runtime/", env!("CARGO_PKG_VERSION"));

/// The user agent: the generated crate and the runtime with their versions, the operating
/// system and the Rust version that built the runtime, as in
/// `cognito-identity/0.1.0 aws-json-runtime/0.1.0 os/linux lang/rust/1.85.0`. Characters a
/// header cannot carry are replaced by `-`.
pub(super) fn user_agent(service: &ServiceMeta) -> String {
    let text = format!(
        "{}/{} {RUNTIME_AGENT} os/{} lang/rust/{}",
        service.crate_name,
        service.crate_version,
        std::env::consts::OS,
        env!("AWS_JSON_RUNTIME_RUSTC_VERSION"),
    );
    text.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '-'
            }
        })
        .collect()
}
