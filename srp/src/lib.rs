//! Amazon Cognito's SRP-6a, both halves: the client's side of a USER_SRP_AUTH sign-in and the
//! server's side that checks it, sharing every formula so the two cannot disagree.
//!
//! Cognito user pools sign users in without sending the password: the client sends `SRP_A`
//! to InitiateAuth, the pool answers with the PASSWORD_VERIFIER challenge (`SRP_B`, `SALT`,
//! `SECRET_BLOCK`, `USER_ID_FOR_SRP`), and the client proves it knows the password with
//! `PASSWORD_CLAIM_SIGNATURE` in RespondToAuthChallenge.
//!
//! - The client half: [`Client`] (makes `SRP_A`), [`Challenge`] (reads the challenge),
//!   [`PasswordClaim`] (the answer).
//! - The server half: [`Verifier`] (the salt and verifier stored for a password, and the plain
//!   password check), [`ServerHandshake`] (makes the challenge, checks the claim).
//! - Shared: [`PoolName`], [`Timestamp`], [`Salt`], [`SecretBlock`], [`SecretExponent`],
//!   and [`Error`], which names the parameter at fault.
//!
//! The maths is Cognito's, as its JavaScript SDK and pycognito do it: RFC 5054's 3072-bit group
//! with g = 2; SHA-256; numbers hashed in Cognito's padded form (big-endian, leading zeros
//! dropped, a 0x00 byte in front when the high bit is set); k = H(PAD(N) | PAD(g)),
//! u = H(PAD(A) | PAD(B)), x = H(PAD(salt) | H(poolName | userId | ":" | password));
//! S = (B - k·g^x)^(a + u·x) on the client and (A·v^u)^b on the server, modulo N; the key
//! HKDF-SHA256(salt = PAD(u), ikm = PAD(S), info = "Caldera Derived Key") cut to 16 bytes;
//! and the signature HMAC-SHA256(key, poolName | userId | secretBlock | timestamp) in base64.
//! The client refuses B ≡ 0 and u = 0, the server A ≡ 0.
//!
//! Powers are computed in constant time for the exponent's width. Secret exponents are 256
//! bits from the operating system's generator. No type shows a secret in `Debug`. Nothing
//! panics on input: every refusal is an [`Error`].

#![deny(missing_docs)]
// This crate reads parameters from the network, so library code must not panic on them: no
// unwrap/expect, no unchecked indexing or arithmetic. Each exception is a narrow `allow` with
// its reason. Unit tests are exempt.
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

mod client;
mod error;
mod group;
mod proof;
mod secret;
mod server;
mod timestamp;

#[cfg(test)]
mod vectors;

pub use client::{Challenge, Client, PasswordClaim};
pub use error::{Error, Parameter};
pub use proof::PoolName;
pub use secret::{Salt, SecretBlock, SecretExponent};
pub use server::{ServerHandshake, Verifier};
pub use timestamp::Timestamp;
