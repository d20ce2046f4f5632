//! The ground floor: what every job of the runtime reads and none of them owns. The static
//! facts generated crates declare about a service and its operations ([`meta`]), the HTTP
//! exchange as the runtime sees it ([`http`]), and random ids ([`random`]).
//!
//! Nothing here imports the runtime's other jobs (`wire`, `auth`, `client`, `server`), so the
//! client and the server can both stand on it without standing on each other.

pub mod http;
pub mod meta;
pub mod random;
