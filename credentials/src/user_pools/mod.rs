//! Signing in to an Amazon Cognito user pool (feature `user-pools`): [`UserPoolSession`]
//! signs a user in with SRP or the password flow, keeps the tokens fresh, signs out, and is
//! the credentials provider's logins source.
//!
//! It calls the user-pool service through the generated `cognito-identity-provider` client
//! and answers SRP with `cognito-srp`; it holds no protocol machinery of its own.

mod error;
mod session;
mod store;
mod tokens;

pub use error::UserPoolError;
pub use session::{
    AuthFlow, NewPassword, NewPasswordChallenge, SessionBuilder, UserPoolSession,
    DEFAULT_TOKEN_REFRESH_MARGIN,
};
pub use store::{InMemorySessionStore, SessionStore, StoredSession};
pub use tokens::{secret_hash, Tokens};
