//! The server side of awsJson: [`router`] holds what a generated router calls to pick the
//! operation, read and check its input and write outputs and errors; `http_server` (feature
//! `server`) is the HTTP front door that serves such a router over HTTP/1.1 or as a
//! `tower::Service`.
//!
//! The server stands on `base`, `wire` and `auth` (to verify signatures) and never imports
//! the client.

#[cfg(feature = "server")]
pub mod http_server;
pub mod router;
