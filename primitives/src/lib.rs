//! Small building blocks that both the endpoint rules and the awsJson runtime use, kept in a
//! crate of their own so that neither has to depend on the other for them: pattern automata
//! ([`automaton`]), a small sorted map from names to values ([`named`]) and the RFC 3986
//! percent-encoding that SigV4 and the rules' `uriEncode` share ([`percent`]).
//!
//! Nothing here knows about services, HTTP or rule sets, and nothing depends on other crates.

#![deny(missing_docs)]
// These functions read text from outside (model patterns, region names, URI parts), so they
// must not panic on it; each exception is a narrow `allow` with a comment saying why.
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

pub mod automaton;
pub mod named;
pub mod percent;
