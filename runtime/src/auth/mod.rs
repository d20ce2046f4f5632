//! Who is calling: AWS credentials and where they come from ([`credentials`]), the shared AWS
//! config and credentials files and the environment ([`profile`]), and Signature Version 4,
//! signing requests and verifying them ([`sigv4`]).
//!
//! Auth stands on `base` and `wire` only, so the client signs with it and the server verifies
//! with it without either importing the other.

pub mod credentials;
pub mod profile;
pub mod sigv4;
