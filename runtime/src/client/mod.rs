//! The client side of an awsJson call: the configuration a generated `Client` is built with,
//! [`ClientCore::invoke`], which serialises an input, signs it, sends it with retries and
//! reads the output or the operation's error, the transports it sends through (in memory, and
//! HTTPS behind the `https` feature), the retry policy, the clock-skew estimate, pagination
//! streams and the building blocks of generated mocks.
//!
//! The client stands on `base`, `wire` and `auth` and on the endpoint rules; the server side
//! never imports anything from here.

mod config;
mod dispatch;
mod endpoint;
mod gzip;
mod header_values;
#[cfg(feature = "https")]
pub mod https;
#[cfg(feature = "mock")]
pub mod mock;
pub mod pages;
#[cfg(feature = "https")]
mod pool;
pub mod retry;
mod signing;
pub mod skew;
#[cfg(test)]
mod test_support;
mod timer;
mod trace;
pub mod transport;
mod user_agent;

pub use config::{Config, ConfigBuilder, DEFAULT_MIN_COMPRESSION_SIZE, MAX_MIN_COMPRESSION_SIZE};
pub use dispatch::ClientCore;
