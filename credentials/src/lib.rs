//! AWS credentials from an Amazon Cognito identity pool.
//!
//! [`CognitoCredentialsProvider`] turns an identity pool id, and optionally the tokens of the
//! identity providers a user signed in with (the `Logins` map), into temporary AWS
//! credentials: it calls `GetId` once and keeps the identity id, then calls
//! `GetCredentialsForIdentity` with the same logins, caches the credentials until shortly
//! before they expire, and lets every concurrent caller share one refresh.
//!
//! It implements this workspace's
//! [`ProvideCredentials`](cognito_identity::runtime::auth::credentials::ProvideCredentials), so it
//! can sign the requests of any generated client, and with the `aws-sdk` feature the official
//! SDK's `aws_credential_types::provider::ProvideCredentials`, so it drives any client of the
//! AWS SDK for Rust (S3, DynamoDB, STS...).
//!
//! ```
//! use cognito_identity::{Client, Config, InMemoryTransport};
//! use cognito_identity_credentials::CognitoCredentialsProvider;
//!
//! # let transport = InMemoryTransport::from_fn(|n, _| Ok(cognito_identity::runtime::base::http::json_response(200,
//! #     if n == 0 { r#"{"IdentityId":"us-east-1:1234"}"#.into() } else {
//! #     r#"{"IdentityId":"us-east-1:1234","Credentials":{"AccessKeyId":"ASIAEXAMPLE","SecretKey":"secret","SessionToken":"token","Expiration":4102444800}}"#.into() })));
//! let client = Client::new(Config::builder().region("us-east-1").transport(transport).build());
//! let provider = CognitoCredentialsProvider::builder(client, "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b")
//!     .logins([("accounts.google.com", "<the user's Google ID token>")])
//!     .build();
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let credentials = provider.credentials().await?;
//! println!("identity {}: {credentials:?}", provider.identity_id().await?); // secrets redacted
//! # assert_eq!(credentials.access_key_id(), "ASIAEXAMPLE");
//! # Ok::<(), cognito_identity_credentials::CognitoCredentialsError>(())
//! # }).unwrap();
//! ```
//!
//! # Apps that run for days
//!
//! The provider recovers the way the AWS SDKs' Cognito providers do:
//!
//! - **Another user signs in.** When the logins source starts returning another user's
//!   tokens, `GetCredentialsForIdentity` refuses the old identity id
//!   (`NotAuthorizedException`); the provider gives up an id it got from `GetId` or the store
//!   and calls `GetId` once for the new user's. The same happens when the identity was
//!   deleted or merged into another one (`ResourceNotFoundException`).
//! - **A configured id the service does not know.** An id given to
//!   [`Builder::identity_id`] gives way to one `GetId` on `ResourceNotFoundException` or an
//!   invalid-parameter or validation error (never on `NotAuthorizedException`).
//! - **Ids kept between runs.** An [`IdentityIdStore`] ([`InMemoryIdentityIdStore`] by
//!   default, [`FileIdentityIdStore`] for one JSON file) keeps the id under the pool id and
//!   the login provider names ([`identity_id_key`]); the provider reads it before calling
//!   `GetId`, writes what `GetId` gave, and removes an id it gives up.
//! - **Being told.** [`Builder::on_identity_id_change`] hears of every new identity id,
//!   merges included.
//! - **Developer-authenticated identities.** With a [`ProvideDeveloperIdentity`] source
//!   (the app's backend calling `GetOpenIdTokenForDeveloperIdentity`), each refresh takes
//!   the source's identity id and token and never calls `GetId`.
//! - **A wrong clock.** The generated client keeps how far the service's clock is from this
//!   machine's (from each response's `Date`) and signs at the service's time; the provider
//!   reads credential expiries, written on the service's clock, through that skew, so it
//!   refreshes on time by the service's clock ([`CognitoCredentialsProvider::next_refresh`]).
//!
//! ```
//! use std::sync::Arc;
//! use cognito_identity::{Client, Config, InMemoryTransport};
//! use cognito_identity_credentials::{CognitoCredentialsProvider, InMemoryIdentityIdStore};
//!
//! # let transport = InMemoryTransport::from_fn(|_, _| Ok(cognito_identity::runtime::base::http::json_response(200,
//! #     r#"{"IdentityId":"us-east-1:5678","Credentials":{"AccessKeyId":"ASIAEXAMPLE","SecretKey":"secret","SessionToken":"token","Expiration":4102444800}}"#.into())));
//! let client = Client::new(Config::builder().region("us-east-1").transport(transport).build());
//! let store = Arc::new(InMemoryIdentityIdStore::new());
//! let provider = CognitoCredentialsProvider::builder(client, "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b")
//!     .identity_id("us-east-1:1234") // saved by an earlier run
//!     .identity_id_store(Arc::clone(&store))
//!     .on_identity_id_change(|old, new| println!("identity {old:?} is now {new}"))
//!     .build();
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! provider.credentials().await?;
//! // The service answered with the identity that 1234 was merged into.
//! assert_eq!(provider.cached_identity_id().as_deref(), Some("us-east-1:5678"));
//! # Ok::<(), cognito_identity_credentials::CognitoCredentialsError>(())
//! # }).unwrap();
//! ```
//!
//! # Signing in to a user pool
//!
//! With the `user-pools` feature, `UserPoolSession` signs a user in to a Cognito user pool
//! (SRP or the password flow, NEW_PASSWORD_REQUIRED through a callback, `SECRET_HASH` for
//! clients with a secret), keeps the tokens fresh, signs out, and keeps the refresh token in
//! a `SessionStore` between runs. It is a [`ProvideLogins`] source: given to
//! [`Builder::logins_provider`], it hands the provider its ID token under
//! `cognito-idp.<region>.amazonaws.com/<poolId>`, renewed before it expires, and its
//! [`ProvideLogins::epoch`] makes the provider drop credentials when the user changes.
//!
//! Nothing here prints a secret: `Debug` of the provider, of its errors and of the
//! credentials redacts the secret key, the session token and every login token.

mod developer;
mod error;
mod logins;
mod provider;
#[cfg(feature = "aws-sdk")]
mod sdk;
mod store;
#[cfg(feature = "user-pools")]
mod user_pools;

/// How far the service's clock is from this machine's (the generated client keeps one).
pub use cognito_identity::runtime::ClockSkew;
pub use developer::{
    developer_identity_fn, DeveloperIdentity, DeveloperIdentityFn, ProvideDeveloperIdentity,
    COGNITO_IDENTITY_PROVIDER,
};
pub use error::CognitoCredentialsError;
pub use logins::{logins_fn, BoxError, Logins, LoginsFn, ProvideLogins};
pub use provider::{Builder, CognitoCredentialsProvider, DEFAULT_REFRESH_MARGIN};
#[cfg(feature = "aws-sdk")]
pub use sdk::to_sdk_credentials;
pub use store::{
    identity_id_key, FileIdentityIdStore, IdentityIdStore, InMemoryIdentityIdStore, ANONYMOUS,
};

#[cfg(feature = "user-pools")]
pub use user_pools::{
    secret_hash, AuthFlow, InMemorySessionStore, NewPassword, NewPasswordChallenge, SessionBuilder,
    SessionStore, StoredSession, Tokens, UserPoolError, UserPoolSession,
    DEFAULT_TOKEN_REFRESH_MARGIN,
};

/// The credentials type the provider returns (the runtime's, shared by every generated client).
pub use cognito_identity::runtime::auth::credentials::Credentials;

/// The README's examples, compiled as doctests so that the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
