//! AWS credentials: the [`Credentials`] value, the [`ProvideCredentials`] trait every source
//! implements, and the sources AWS users expect (explicit keys, the environment, the shared
//! `~/.aws/credentials` and `~/.aws/config` files), chained in that order.
//!
//! Secrets never appear in `Debug` output or in error messages.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::transport::BoxFuture;

/// An AWS access key pair, with the session token of temporary credentials and their expiry.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials(Arc<Inner>);

#[derive(PartialEq, Eq)]
struct Inner {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<SystemTime>,
    provider_name: &'static str,
}

impl Credentials {
    /// Credentials from an access key pair, an optional session token and an optional expiry.
    /// `provider_name` says where they came from (shown in `Debug` and errors).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiry: Option<SystemTime>,
        provider_name: &'static str,
    ) -> Self {
        Credentials(Arc::new(Inner {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expiry,
            provider_name,
        }))
    }

    /// The access key id (not secret).
    pub fn access_key_id(&self) -> &str {
        &self.0.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.0.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.0.session_token.as_deref()
    }

    /// When the credentials stop working, if they expire.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.0.expiry
    }

    /// Where the credentials came from.
    pub fn provider_name(&self) -> &'static str {
        self.0.provider_name
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("provider_name", &self.0.provider_name)
            .field("access_key_id", &self.0.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.0.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiry", &self.0.expiry)
            .finish()
    }
}

/// Why no credentials could be had.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsError {
    /// This source has no credentials (the chain moves on to the next source). The text
    /// says where it looked.
    NotLoaded(String),
    /// This source is set up but broken (a malformed file, a failed call); the chain stops.
    ProviderError(String),
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::NotLoaded(m) => write!(f, "no credentials: {m}"),
            CredentialsError::ProviderError(m) => write!(f, "credentials provider failed: {m}"),
        }
    }
}

impl std::error::Error for CredentialsError {}

/// A source of credentials. Implementations cache as they see fit and refresh before expiry.
pub trait ProvideCredentials: Send + Sync + 'static {
    /// The current credentials.
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        (**self).provide_credentials()
    }
}

/// Fixed credentials are their own provider.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let credentials = self.clone();
        Box::pin(async move { Ok(credentials) })
    }
}
