//! Developer-authenticated identities: a source that returns an identity id together with an
//! OpenID token for it, as an app's own backend gets them from
//! `GetOpenIdTokenForDeveloperIdentity`.
//!
//! With such a source the provider never calls `GetId`: it takes the source's identity id and
//! sends the token as the `cognito-identity.amazonaws.com` login. The token is a secret:
//! nothing in this module prints it.

use std::fmt;
use std::future::Future;

use cognito_identity::runtime::BoxFuture;

use crate::logins::BoxError;

/// The `Logins` key of an OpenID token Cognito Identity issued (by `GetOpenIdToken` or
/// `GetOpenIdTokenForDeveloperIdentity`).
pub const COGNITO_IDENTITY_PROVIDER: &str = "cognito-identity.amazonaws.com";

/// An identity id and an OpenID token for it, as `GetOpenIdTokenForDeveloperIdentity`
/// answers them.
#[derive(Clone, PartialEq, Eq)]
pub struct DeveloperIdentity {
    /// The identity id.
    pub identity_id: String,
    /// The OpenID token Cognito issued for that identity.
    pub token: String,
}

impl DeveloperIdentity {
    /// The pair `identity_id`, `token`.
    pub fn new(identity_id: impl Into<String>, token: impl Into<String>) -> Self {
        DeveloperIdentity {
            identity_id: identity_id.into(),
            token: token.into(),
        }
    }
}

impl fmt::Debug for DeveloperIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeveloperIdentity")
            .field("identity_id", &self.identity_id)
            .field("token", &"** redacted **")
            .finish()
    }
}

/// A source of developer-authenticated identities, asked once per refresh: typically a call
/// to the app's backend, which calls `GetOpenIdTokenForDeveloperIdentity` with its own
/// credentials and hands back the identity id and the token.
pub trait ProvideDeveloperIdentity: Send + Sync + 'static {
    /// The identity id and a fresh token for it.
    fn developer_identity(&self) -> BoxFuture<'_, Result<DeveloperIdentity, BoxError>>;
}

/// A developer-identity source made from an async callback; see [`developer_identity_fn`].
#[derive(Clone)]
pub struct DeveloperIdentityFn<F>(F);

impl<F> fmt::Debug for DeveloperIdentityFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeveloperIdentityFn")
    }
}

/// A developer-identity source that calls `f` on every refresh.
///
/// ```
/// use cognito_identity_credentials::{developer_identity_fn, DeveloperIdentity};
/// let source = developer_identity_fn(|| async {
///     // Ask the app's backend, which calls GetOpenIdTokenForDeveloperIdentity.
///     Ok::<_, std::io::Error>(DeveloperIdentity::new("us-east-1:1234", "<an OpenID token>"))
/// });
/// # let _ = source;
/// ```
pub fn developer_identity_fn<F, Fut, E>(f: F) -> DeveloperIdentityFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<DeveloperIdentity, E>> + Send + 'static,
    E: Into<BoxError>,
{
    DeveloperIdentityFn(f)
}

impl<F, Fut, E> ProvideDeveloperIdentity for DeveloperIdentityFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<DeveloperIdentity, E>> + Send + 'static,
    E: Into<BoxError>,
{
    fn developer_identity(&self) -> BoxFuture<'_, Result<DeveloperIdentity, BoxError>> {
        let future = (self.0)();
        Box::pin(async move { future.await.map_err(Into::into) })
    }
}
