//! What can go wrong in a handshake: one enum, each variant naming the parameter at fault
//! by its wire name. Nothing in this crate panics on input; every refusal is one of these.

use std::fmt;

/// The parameter of the PASSWORD_VERIFIER exchange (or the stored verifier) an [`Error`] is
/// about. `Display` gives the name Cognito uses on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Parameter {
    /// The client's public value, `SRP_A` (hex).
    SrpA,
    /// The server's public value, `SRP_B` (hex).
    SrpB,
    /// The user's salt, `SALT` (hex).
    Salt,
    /// The server's opaque `SECRET_BLOCK` (base64), or the
    /// `PASSWORD_CLAIM_SECRET_BLOCK` the client sends back.
    SecretBlock,
    /// The client's proof, `PASSWORD_CLAIM_SIGNATURE` (base64).
    Signature,
    /// The client's `TIMESTAMP`.
    Timestamp,
    /// The user pool id, such as `us-east-1_AbCdEfGhI`.
    UserPoolId,
    /// A stored password verifier.
    Verifier,
    /// A secret exponent given for a test (`a` or `b`).
    SecretExponent,
}

impl Parameter {
    /// The wire name: `SRP_A`, `SRP_B`, `SALT`, `SECRET_BLOCK`, `PASSWORD_CLAIM_SIGNATURE`,
    /// `TIMESTAMP`, `UserPoolId`, or a plain description for the two that have none.
    pub fn name(self) -> &'static str {
        match self {
            Parameter::SrpA => "SRP_A",
            Parameter::SrpB => "SRP_B",
            Parameter::Salt => "SALT",
            Parameter::SecretBlock => "SECRET_BLOCK",
            Parameter::Signature => "PASSWORD_CLAIM_SIGNATURE",
            Parameter::Timestamp => "TIMESTAMP",
            Parameter::UserPoolId => "UserPoolId",
            Parameter::Verifier => "password verifier",
            Parameter::SecretExponent => "secret exponent",
        }
    }
}

impl fmt::Display for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a handshake step refused its input, or could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A hex parameter is empty, too long, or has a character that is not a hex digit.
    #[error("{parameter} is not a hex number: {reason}")]
    MalformedHex {
        /// Which parameter.
        parameter: Parameter,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A base64 parameter does not decode (standard alphabet, with padding).
    #[error("{parameter} is not valid base64")]
    MalformedBase64 {
        /// Which parameter.
        parameter: Parameter,
    },
    /// A number that must be below the group's prime N is not.
    #[error("{parameter} is not below the group's prime N")]
    NotInGroup {
        /// Which parameter.
        parameter: Parameter,
    },
    /// A public value is 0 modulo N: SRP_B on the client, SRP_A on the server. Accepting it
    /// would let the peer fix the session key without knowing the password.
    #[error("{parameter} is 0 modulo N")]
    ZeroModN {
        /// Which parameter.
        parameter: Parameter,
    },
    /// The scrambling parameter u = H(PAD(A) | PAD(B)) is 0, which would remove the
    /// password from the session key.
    #[error("the scrambling parameter u = H(A, B) is 0")]
    ZeroScrambler,
    /// A value that must not be zero is (a secret exponent, or a verifier).
    #[error("{parameter} is zero")]
    Zero {
        /// Which parameter.
        parameter: Parameter,
    },
    /// The user pool id has no `_` followed by a pool name.
    #[error("user pool id {0:?} has no `_` followed by the pool name")]
    MalformedUserPoolId(String),
    /// The timestamp is not in Cognito's form, such as `Sun Dec 6 08:44:24 UTC 2026`.
    #[error("TIMESTAMP {text:?} is not of the form `Sun Dec 6 08:44:24 UTC 2026`: {reason}")]
    MalformedTimestamp {
        /// The timestamp as given.
        text: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The PASSWORD_CLAIM_SECRET_BLOCK is not the SECRET_BLOCK of this handshake.
    #[error("PASSWORD_CLAIM_SECRET_BLOCK is not the SECRET_BLOCK this handshake sent")]
    SecretBlockMismatch,
    /// The PASSWORD_CLAIM_SIGNATURE does not match: a wrong password, or a signature made over
    /// another user, timestamp or secret block.
    #[error("PASSWORD_CLAIM_SIGNATURE does not match")]
    SignatureMismatch,
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
}
