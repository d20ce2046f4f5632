//! AWS credentials from an Amazon Cognito identity pool.
//!
//! [`CognitoCredentialsProvider`] turns an identity pool id, and optionally the tokens of the
//! identity providers a user signed in with (the `Logins` map), into temporary AWS
//! credentials: it calls `GetId` once and keeps the identity id, then calls
//! `GetCredentialsForIdentity` with the same logins, caches the credentials until shortly
//! before they expire, and lets every concurrent caller share one refresh.
//!
//! It implements this workspace's
//! [`ProvideCredentials`](cognito_identity::runtime::credentials::ProvideCredentials), so it
//! can sign the requests of any generated client, and with the `aws-sdk` feature the official
//! SDK's `aws_credential_types::provider::ProvideCredentials`, so it drives any client of the
//! AWS SDK for Rust (S3, DynamoDB, STS...).
//!
//! ```
//! use cognito_identity::{Client, Config, InMemoryTransport};
//! use cognito_identity_credentials::CognitoCredentialsProvider;
//!
//! # let transport = InMemoryTransport::from_fn(|n, _| Ok(cognito_identity::runtime::transport::json_response(200,
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
//! Nothing here prints a secret: `Debug` of the provider, of its errors and of the
//! credentials redacts the secret key, the session token and every login token.

mod developer;
mod error;
mod logins;
mod provider;
#[cfg(feature = "aws-sdk")]
mod sdk;
mod store;

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

/// The credentials type the provider returns (the runtime's, shared by every generated client).
pub use cognito_identity::runtime::credentials::Credentials;
