//! `cognito-identity-local`: a local Amazon Cognito for tests and development, both services
//! on one port.
//!
//! It serves all 23 operations of Cognito Identity through the generated `Router` of the
//! `cognito-identity` crate, and Cognito user pools (pools, app clients, users, groups, the
//! sign-in flows and their tokens; `user_pools`) through the generated `Router` of the
//! `cognito-identity-provider` crate, telling requests apart by their `X-Amz-Target`. State is
//! one SQLite file (or memory). It signs OpenID tokens with a key it makes once and each user
//! pool's tokens with a key of the pool's, publishes them as JWKS documents, and answers boto3,
//! the AWS CLI, pycognito and the generated clients as the services would. `start` runs it
//! inside a tokio runtime (tests use that); the `cognito-identity-local` binary wraps it in a
//! command line. Nothing here is shared machinery: HTTP serving and signature checks come from
//! `aws-json-runtime`, SRP from `cognito-srp`.
//!
//! The running emulator (the front door, the store, the user pools, the command line, fetching
//! trusted providers' key sets over HTTPS) is the default `service` feature. Without it the
//! crate is the readers of what clients send and trust (login tokens, SAML assertions, JWKS
//! documents) and its own token signer, with neither SQLite nor TLS to build.

#[cfg(feature = "service")]
pub mod cli;
pub mod fault;
#[cfg(feature = "service")]
pub mod ids;
#[cfg(feature = "service")]
pub mod log;
pub mod logins;
#[cfg(feature = "service")]
mod run;
pub mod saml;
#[cfg(feature = "service")]
pub mod service;
#[cfg(feature = "service")]
pub mod store;
pub mod tokens;
pub mod trust;
#[cfg(feature = "service")]
pub mod user_pools;

#[cfg(test)]
mod test_support;

pub use crate::fault::Fault;
#[cfg(feature = "service")]
pub use crate::log::Level;
#[cfg(feature = "service")]
pub use crate::run::{
    open_store, start, Front, Options, Running, StartError, CODES_PATH, DATABASE_FILE,
    DISCOVERY_PATH, JWKS_PATH, RESET_PATH,
};
#[cfg(feature = "service")]
pub use crate::service::{Emulator, Settings};
