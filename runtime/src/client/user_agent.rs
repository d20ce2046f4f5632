//! The user agent a client sends in `User-Agent` and `x-amz-user-agent`: the generated crate,
//! the runtime, the operating system and the Rust version, as the AWS SDKs write it.

use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use http::HeaderValue;

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

/// The user agent of `service` as a header value over a static buffer, so that the two
/// headers of every request copy it without counting references. Each distinct agent is
/// made once per process and kept: a program has one per generated crate it links, so the
/// strings kept are a handful whatever the number of clients.
pub(super) fn user_agent_value(service: &ServiceMeta) -> HeaderValue {
    static AGENTS: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let text = user_agent(service);
    if HeaderValue::from_str(&text).is_err() {
        // Cannot happen (every character is visible ASCII or a space), but a client without
        // its agent is better than no client.
        return HeaderValue::from_static(RUNTIME_AGENT);
    }
    let mut agents = AGENTS.lock().unwrap_or_else(PoisonError::into_inner);
    let kept = match agents.iter().find(|kept| **kept == text) {
        Some(kept) => kept,
        None => {
            let kept: &'static str = Box::leak(text.into_boxed_str());
            agents.push(kept);
            kept
        }
    };
    // Checked above: a valid header value, so this cannot fail.
    HeaderValue::from_maybe_shared(Bytes::from_static(kept.as_bytes()))
        .unwrap_or_else(|_| HeaderValue::from_static(RUNTIME_AGENT))
}
