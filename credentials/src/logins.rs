//! Where the `Logins` map comes from: a fixed map, or an async callback asked again on every
//! refresh so that expired identity-provider tokens can be replaced.
//!
//! Login tokens are secrets: nothing in this module prints them.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;

use cognito_identity::runtime::BoxFuture;

/// Identity-provider tokens keyed by provider name, as Cognito's `Logins` member takes them:
/// `accounts.google.com`, `graph.facebook.com`, `cognito-idp.<region>.amazonaws.com/<pool>`,
/// or a developer provider name.
pub type Logins = HashMap<String, String>;

/// Any error, as a logins source may fail for reasons of its own.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A source of the current [`Logins`], asked once per refresh; the same map then goes to
/// both `GetId` and `GetCredentialsForIdentity`.
pub trait ProvideLogins: Send + Sync + 'static {
    /// The logins to send now.
    fn logins(&self) -> BoxFuture<'_, Result<Logins, BoxError>>;

    /// A number that changes whenever the logins may start to prove someone else: a
    /// sign-out, another user's sign-in. The provider drops the credentials it cached when it
    /// changes, so that nobody keeps the previous user's credentials. Sources whose user never
    /// changes keep the default, which never changes.
    fn epoch(&self) -> u64 {
        0
    }
}

/// A fixed map is its own source.
impl ProvideLogins for Logins {
    fn logins(&self) -> BoxFuture<'_, Result<Logins, BoxError>> {
        let logins = self.clone();
        Box::pin(async move { Ok(logins) })
    }
}

/// A logins source made from an async callback; see [`logins_fn`].
#[derive(Clone)]
pub struct LoginsFn<F>(F);

impl<F> fmt::Debug for LoginsFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LoginsFn")
    }
}

/// A logins source that calls `f` on every refresh, for tokens that expire and must be
/// renewed (an OpenID Connect ID token, a Cognito user pool session...).
///
/// ```
/// use cognito_identity_credentials::{logins_fn, Logins};
/// let source = logins_fn(|| async {
///     let token = String::from("<a freshly renewed ID token>");
///     Ok::<_, std::io::Error>(Logins::from([("accounts.google.com".to_owned(), token)]))
/// });
/// # let _ = source;
/// ```
pub fn logins_fn<F, Fut, E>(f: F) -> LoginsFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Logins, E>> + Send + 'static,
    E: Into<BoxError>,
{
    LoginsFn(f)
}

impl<F, Fut, E> ProvideLogins for LoginsFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Logins, E>> + Send + 'static,
    E: Into<BoxError>,
{
    fn logins(&self) -> BoxFuture<'_, Result<Logins, BoxError>> {
        let future = (self.0)();
        Box::pin(async move { future.await.map_err(Into::into) })
    }
}
