//! The protocol runtime shared by every generated awsJson 1.0/1.1 crate.
//!
//! Generated crates are thin wiring: they declare types and call into this crate for
//! everything that is the same for every service. The crate is grouped by job, each a module
//! that imports only the ones below it:
//!
//! - [`base`], the ground floor: the static facts generated crates declare about a service and
//!   its operations, the HTTP exchange every job shares, random ids.
//! - [`wire`]: the wire format, the same for both sides: the value types, JSON helpers for
//!   timestamps, blobs, floats and documents, dates, input validation and error codes.
//! - [`auth`]: credentials, the shared AWS config and credentials files, SigV4 signing and
//!   verifying.
//! - [`client`]: the configuration, the dispatch loop with signing, retries and time limits,
//!   the transports, pagination and mocks.
//! - [`server`]: router support and the HTTP front door. It never imports the client.
//! - [`endpoint`]: the endpoint rules, a crate of their own that the code generator uses too.
//!
//! The main types are re-exported here. Nothing here names a service or a shape.

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

pub mod auth;
/// Pattern automata, which generated validation code builds its patterns' tables with.
pub use aws_primitives::automaton;
pub mod base;
pub mod client;
/// Endpoint rules: the standard library compiled rules call, and with the feature
/// `endpoint-rules` the rule-set parser and interpreter.
pub use aws_endpoint_rules as endpoint;
pub mod server;
pub mod wire;

pub use bytes::Bytes;
/// The trait of the pagination streams ([`client::pages::Pages`], [`client::pages::Items`]).
pub use futures_core::Stream;
pub use http;
/// The serde version generated types implement `Serialize` and `Deserialize` from (the code
/// generator writes the impls; no derive macro is involved), so a generated crate needs no
/// serde dependency of its own.
pub use serde;

pub use base::http::{BoxFuture, HttpRequest, HttpResponse, HttpService, TransportError};
pub use base::meta::{OperationMeta, PaginationMeta, ServiceMeta};
pub use base::random::idempotency_token;
pub use client::skew::ClockSkew;
pub use client::transport::{InMemoryTransport, Transport};
pub use client::{ClientCore, Config, ConfigBuilder};
pub use wire::error::{ErrorKind, OperationError, UnhandledError};
pub use wire::types::{Blob, DateTime, Document};
pub use wire::validate::{ConstraintViolation, Validate};

/// Crates the generated code refers to through this one, so a generated crate's manifest
/// stays short. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use serde_json;
}
