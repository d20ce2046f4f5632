//! The protocol runtime shared by every generated awsJson 1.0/1.1 crate.
//!
//! Generated crates are thin wiring: they declare types and call into this crate for
//! everything that is the same for every service: the wire helpers for timestamps, blobs,
//! floats and documents, error-code parsing, the transport trait and an in-memory transport,
//! the client's dispatch loop with retries, input validation, and the server-side pieces of a
//! router. Nothing here names a service or a shape.

#![deny(missing_docs)]
// This crate reads bytes from outside (requests, responses, headers, config files, rule sets),
// so library code must not panic on them: no unwrap/expect, no unchecked indexing or slicing,
// no unchecked arithmetic. Each exception is a narrow `allow` with a comment saying why it is
// safe. Unit tests are exempt and may unwrap.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented,
        clippy::arithmetic_side_effects
    )
)]

/// Pattern automata, which generated validation code builds its patterns' tables with.
pub use aws_primitives::automaton;
pub mod client;
pub mod credentials;
mod date;
/// Endpoint rules: the standard library compiled rules call, and with the feature
/// `endpoint-rules` the rule-set parser and interpreter.
pub use aws_endpoint_rules as endpoint;
pub mod error;
#[cfg(feature = "https")]
pub mod https;
#[cfg(feature = "mock")]
pub mod mock;
pub mod paginate;
pub mod profile;
pub mod retry;
#[cfg(feature = "server")]
pub mod serve;
pub mod server;
pub mod sigv4;
pub mod skew;
#[cfg(test)]
mod test_support;
mod timer;
pub mod transport;
pub mod types;
pub mod validate;
pub mod wire;

pub use bytes::Bytes;
/// The trait of the pagination streams ([`paginate::Pages`], [`paginate::Items`]).
pub use futures_core::Stream;
pub use http;
/// The serde version generated types implement `Serialize` and `Deserialize` from (the code
/// generator writes the impls; no derive macro is involved), so a generated crate needs no
/// serde dependency of its own.
pub use serde;

pub use client::{
    idempotency_token, ClientCore, Config, ConfigBuilder, OperationMeta, PaginationMeta,
    ServiceMeta,
};
pub use error::{ErrorKind, OperationError, UnhandledError};
pub use skew::ClockSkew;
pub use transport::{
    BoxFuture, HttpRequest, HttpResponse, HttpService, InMemoryTransport, Transport, TransportError,
};
pub use types::{Blob, DateTime, Document};
pub use validate::{ConstraintViolation, Validate};

/// Crates the generated code refers to through this one, so a generated crate's manifest
/// stays short. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use serde_json;
}
