//! [`CognitoCredentialsProvider`]: the identity id and the cached credentials of one
//! identity pool, refreshed by one caller at a time, and recovered when the service stops
//! accepting the identity id.
//!
//! Reads take a short `std` lock on the cache and never wait for the network. A refresh runs
//! under an async mutex: callers that arrive while it is in flight wait for it and take its
//! outcome, success or failure, instead of sending requests of their own. No lock of the
//! standard library is held across an `.await`, and the identity-change callback is never
//! called with one held. A refresh tries a replacement identity at most once, so a service
//! that keeps refusing can never make it loop.

use std::any::Any;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use cognito_identity::error::GetCredentialsForIdentityError;
use cognito_identity::runtime::auth::credentials::{
    Credentials, CredentialsError, ProvideCredentials,
};
use cognito_identity::runtime::{BoxFuture, ClockSkew};
use cognito_identity::types::{
    GetCredentialsForIdentityInput, GetCredentialsForIdentityResponse, GetIdInput,
};
use cognito_identity::{Client, CognitoIdentity};

use crate::developer::{ProvideDeveloperIdentity, COGNITO_IDENTITY_PROVIDER};
use crate::error::CognitoCredentialsError;
use crate::logins::{Logins, ProvideLogins};
use crate::store::{identity_id_key, IdentityIdStore, InMemoryIdentityIdStore};

/// How long before their expiry cached credentials are replaced, unless
/// [`Builder::refresh_margin`] says otherwise: five minutes, so that a request signed just
/// before the refresh still reaches AWS while its credentials are valid.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// The name the credentials carry as their source.
const PROVIDER_NAME: &str = "CognitoIdentity";

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

type OnChange = Box<dyn Fn(Option<&str>, &str) + Send + Sync>;

/// Temporary AWS credentials for an identity of an Amazon Cognito identity pool.
///
/// The first use finds the identity id: in the identity-id store, else from `GetId` (with
/// the logins, the pool id and the account id if set), whose answer the store then keeps.
/// Each refresh asks the logins source once and calls `GetCredentialsForIdentity` with that
/// same map (and the custom role ARN if set). Credentials are cached until their
/// `Expiration`, read on the service's clock, minus the refresh margin; callers that arrive
/// during a refresh share it.
///
/// When the service stops accepting the identity id, the provider gives it up (and removes
/// it from the store) and calls `GetId` once more, as the AWS SDKs' Cognito providers do:
///
/// - an id from `GetId` or the store gives way on `NotAuthorizedException` (another user
///   signed in, so the logins now prove someone else) or `ResourceNotFoundException` (the
///   identity was deleted, or merged into another one);
/// - an id from the store also gives way on an invalid-parameter or validation error;
/// - an id given to [`Builder::identity_id`] gives way on `ResourceNotFoundException` or an
///   invalid-parameter or validation error, never on `NotAuthorizedException`;
/// - an id `GetId` gave in the same refresh, or a developer source's, never gives way.
///
/// With a developer-identity source ([`Builder::developer_identity_provider`]) the provider
/// never calls `GetId`: each refresh takes the source's identity id and token.
///
/// Cloning is cheap and clones share the identity and the cache. `C` is the client: the
/// generated [`Client`], or anything implementing [`CognitoIdentity`] (a fake in tests).
pub struct CognitoCredentialsProvider<C = Client> {
    shared: Arc<Shared<C>>,
}

impl<C> Clone for CognitoCredentialsProvider<C> {
    fn clone(&self) -> Self {
        CognitoCredentialsProvider {
            shared: Arc::clone(&self.shared),
        }
    }
}

struct Shared<C> {
    client: C,
    identity_pool_id: String,
    account_id: Option<String>,
    custom_role_arn: Option<String>,
    source: Source,
    store: Box<dyn IdentityIdStore>,
    on_change: Option<OnChange>,
    /// The service's clock minus this machine's, when the client keeps it.
    clock_skew: Option<ClockSkew>,
    refresh_margin: Duration,
    clock: Clock,
    identity: RwLock<Option<Identity>>,
    /// The last identity id the provider held, so that each change is reported once, with
    /// the id it replaced, even when the old id was given up in between.
    last_id: Mutex<Option<String>>,
    cached: RwLock<Option<Cached>>,
    /// Held for the whole of a refresh; holds the outcome of the last one, numbered by
    /// `completed`, so that callers who waited for it can take it.
    refresh: tokio::sync::Mutex<Option<(u64, Outcome)>>,
    /// How many refreshes have finished, successfully or not.
    completed: AtomicU64,
}

/// Who says which identity to use.
enum Source {
    /// No logins: an unauthenticated identity.
    Unauthenticated,
    /// Logins, asked once per refresh.
    Logins(Box<dyn ProvideLogins>),
    /// A developer-identity source: identity id and token together.
    Developer(Box<dyn ProvideDeveloperIdentity>),
}

/// Where an identity id came from, which decides which errors make the provider give it up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// [`Builder::identity_id`].
    Configured,
    /// `GetId` (or a merge reported by `GetCredentialsForIdentity` after it).
    GetId,
    /// The identity-id store.
    Store,
    /// A developer-identity source.
    Developer,
}

impl Origin {
    /// Whether an id of this origin is given up for a fresh `GetId` when
    /// `GetCredentialsForIdentity` fails with `error`.
    fn gives_way_to(self, error: &GetCredentialsForIdentityError) -> bool {
        let not_found = matches!(
            error,
            GetCredentialsForIdentityError::ResourceNotFoundException(_)
        );
        let refused = matches!(
            error,
            GetCredentialsForIdentityError::NotAuthorizedException(_)
        );
        // `ValidationException` is what services answer for input that breaks the model's
        // constraints (a malformed id); the model itself names `InvalidParameterException`.
        let invalid = matches!(
            error.code(),
            Some("InvalidParameterException" | "ValidationException")
        );
        match self {
            Origin::GetId => not_found || refused,
            Origin::Store => not_found || refused || invalid,
            Origin::Configured => not_found || invalid,
            Origin::Developer => false,
        }
    }
}

#[derive(Clone)]
struct Identity {
    id: String,
    origin: Origin,
    /// The store key it is kept under, for ids from `GetId` or the store.
    key: Option<String>,
}

struct Cached {
    credentials: Credentials,
    /// The logins source's epoch when they were fetched: cached credentials are stale once
    /// it changes (the user signed out, or another signed in).
    epoch: u64,
    /// When to refresh, on the provider's clock: the expiry minus the margin; `None` when
    /// the service gave no expiry.
    refresh_at: Option<SystemTime>,
}

/// What a refresh is for.
#[derive(Clone, Copy)]
enum Want {
    IdentityId,
    Credentials,
}

/// What the last refresh ended with, for the callers that waited for it.
enum Outcome {
    Failed(CognitoCredentialsError),
    /// Credentials, with the logins source's epoch they were fetched in.
    Credentials(Cached),
    IdentityId,
}

/// The result of a refresh, as its caller wants it.
enum Got {
    IdentityId(String),
    Credentials(Credentials),
}

impl<C> fmt::Debug for CognitoCredentialsProvider<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.shared;
        let source = match &s.source {
            Source::Unauthenticated => "none (unauthenticated)",
            Source::Logins(_) => "logins (** redacted **)",
            Source::Developer(_) => "developer identity (** redacted **)",
        };
        f.debug_struct("CognitoCredentialsProvider")
            .field("identity_pool_id", &s.identity_pool_id)
            .field("identity_id", &self.cached_identity_id())
            .field("account_id", &s.account_id)
            .field("custom_role_arn", &s.custom_role_arn)
            .field("source", &source)
            .field("refresh_margin", &s.refresh_margin)
            .field("clock_skew", &s.clock_skew)
            .finish_non_exhaustive()
    }
}

impl<C> CognitoCredentialsProvider<C> {
    /// The identity id if the provider already has one; never calls the service.
    pub fn cached_identity_id(&self) -> Option<String> {
        read(&self.shared.identity).as_ref().map(|i| i.id.clone())
    }

    /// The identity pool id.
    pub fn identity_pool_id(&self) -> &str {
        &self.shared.identity_pool_id
    }

    /// Drops the cached credentials, so that the next call fetches new ones (with logins
    /// asked afresh). The identity id is kept.
    pub fn invalidate(&self) {
        *write(&self.shared.cached) = None;
    }

    /// When the cached credentials will be replaced, on the provider's clock: their
    /// `Expiration` converted from the service's clock, minus the refresh margin. `None`
    /// when nothing is cached or the service gave no expiry.
    pub fn next_refresh(&self) -> Option<SystemTime> {
        read(&self.shared.cached)
            .as_ref()
            .and_then(|c| c.refresh_at)
    }
}

impl<C: CognitoIdentity + 'static> CognitoCredentialsProvider<C> {
    /// A builder for a provider of `identity_pool_id`'s credentials that calls the service
    /// through `client` (a [`Client`], or any [`CognitoIdentity`]). A [`Client`]'s clock
    /// skew is picked up on its own; give another client's with [`Builder::clock_skew`].
    pub fn builder(client: C, identity_pool_id: impl Into<String>) -> Builder<C> {
        let clock_skew = (&client as &dyn Any)
            .downcast_ref::<Client>()
            .map(|c| c.config().clock_skew().clone());
        Builder {
            client,
            identity_pool_id: identity_pool_id.into(),
            account_id: None,
            custom_role_arn: None,
            identity_id: None,
            source: Source::Unauthenticated,
            store: None,
            on_change: None,
            clock_skew,
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            clock: Arc::new(SystemTime::now),
        }
    }
}

impl<C: CognitoIdentity> CognitoCredentialsProvider<C> {
    /// The identity id, finding one first (store, `GetId`, or the developer source) if the
    /// provider has none yet.
    pub async fn identity_id(&self) -> Result<String, CognitoCredentialsError> {
        match self.single_flight(Want::IdentityId).await? {
            Got::IdentityId(id) => Ok(id),
            // Not reached (asking for an identity id gets one), but answered without a panic.
            Got::Credentials(_) => self.cached_identity_id().ok_or_else(|| {
                CognitoCredentialsError::invalid_response("GetId", "no IdentityId was kept")
            }),
        }
    }

    /// The current credentials: the cached ones while they are fresh, otherwise new ones
    /// from `GetCredentialsForIdentity` (after finding the identity id, the first time).
    pub async fn credentials(&self) -> Result<Credentials, CognitoCredentialsError> {
        match self.single_flight(Want::Credentials).await? {
            Got::Credentials(c) => Ok(c),
            // Not reached (asking for credentials gets them), but answered without a panic.
            Got::IdentityId(_) => Err(CognitoCredentialsError::invalid_response(
                "GetCredentialsForIdentity",
                "no credentials were kept",
            )),
        }
    }

    /// What `want` asks for, if it is at hand without calling the service.
    fn ready(&self, want: Want) -> Option<Got> {
        match want {
            Want::IdentityId => self.cached_identity_id().map(Got::IdentityId),
            Want::Credentials => {
                let now = (self.shared.clock)();
                let epoch = self.source_epoch();
                read(&self.shared.cached)
                    .as_ref()
                    .filter(|c| c.epoch == epoch && c.refresh_at.is_none_or(|at| now < at))
                    .map(|c| Got::Credentials(c.credentials.clone()))
            }
        }
    }

    /// The logins source's epoch (0 for sources without one).
    fn source_epoch(&self) -> u64 {
        match &self.shared.source {
            Source::Logins(source) => source.epoch(),
            Source::Unauthenticated | Source::Developer(_) => 0,
        }
    }

    /// Answers from the cache, or runs one refresh that concurrent callers share.
    async fn single_flight(&self, want: Want) -> Result<Got, CognitoCredentialsError> {
        if let Some(got) = self.ready(want) {
            return Ok(got);
        }
        let s = &*self.shared;
        // A refresh that finishes after this point is one this caller waited for.
        let ticket = s.completed.load(Ordering::Acquire);
        let mut last = s.refresh.lock().await;
        if let Some(got) = self.ready(want) {
            return Ok(got);
        }
        if let Some((n, outcome)) = &*last {
            if *n > ticket {
                match (outcome, want) {
                    (Outcome::Failed(e), _) => return Err(e.clone()),
                    // Credentials that expire within the margin were still worth waiting
                    // for: the next caller after this burst refreshes them.
                    (Outcome::Credentials(c), Want::Credentials)
                        if c.credentials.expiry().is_none_or(|at| (s.clock)() < at)
                            && c.epoch == self.source_epoch() =>
                    {
                        return Ok(Got::Credentials(c.credentials.clone()));
                    }
                    _ => {}
                }
            }
        }
        // Read before the logins are asked, so that credentials fetched for a user who signs
        // out meanwhile are already stale when they arrive.
        let epoch = self.source_epoch();
        let result = self.refresh(want, epoch).await;
        let n = s.completed.fetch_add(1, Ordering::AcqRel) + 1;
        let outcome = match &result {
            Err(e) => Outcome::Failed(e.clone()),
            Ok(Got::Credentials(c)) => Outcome::Credentials(Cached {
                credentials: c.clone(),
                epoch,
                refresh_at: None,
            }),
            Ok(Got::IdentityId(_)) => Outcome::IdentityId,
        };
        *last = Some((n, outcome));
        result
    }

    async fn refresh(&self, want: Want, epoch: u64) -> Result<Got, CognitoCredentialsError> {
        if let Source::Developer(source) = &self.shared.source {
            return self.refresh_developer(&**source, want).await;
        }
        let logins = self.current_logins().await?;
        // Bound first: a lock guard must not live on in the match across an `.await`.
        let known = read(&self.shared.identity).clone();
        let (identity, fresh) = match known {
            Some(identity) => (identity, false),
            None => self.find_identity(&logins).await?,
        };
        if let Want::IdentityId = want {
            return Ok(Got::IdentityId(identity.id));
        }
        let output = match self.get_credentials(&identity, &logins).await {
            Err(error) if !fresh && identity.origin.gives_way_to(&error) => {
                // The service no longer takes this id for these logins (another user signed
                // in, the identity was deleted or merged away, or it was never valid): give
                // it up and ask `GetId` once.
                self.forget(&identity).await?;
                let identity = self.get_id(&logins).await?;
                let output = self.get_credentials(&identity, &logins).await?;
                return self
                    .accept(&identity, output, epoch)
                    .await
                    .map(Got::Credentials);
            }
            other => other?,
        };
        self.accept(&identity, output, epoch)
            .await
            .map(Got::Credentials)
    }

    /// A refresh with a developer-identity source: its identity id, and credentials for its
    /// token.
    async fn refresh_developer(
        &self,
        source: &dyn ProvideDeveloperIdentity,
        want: Want,
    ) -> Result<Got, CognitoCredentialsError> {
        let developer = source
            .developer_identity()
            .await
            .map_err(CognitoCredentialsError::developer_identity)?;
        let identity = Identity {
            id: developer.identity_id,
            origin: Origin::Developer,
            key: None,
        };
        self.adopt(identity.clone());
        if let Want::IdentityId = want {
            return Ok(Got::IdentityId(identity.id));
        }
        let logins = Some(Logins::from([(
            COGNITO_IDENTITY_PROVIDER.to_owned(),
            developer.token,
        )]));
        let output = self.get_credentials(&identity, &logins).await?;
        self.accept(&identity, output, 0)
            .await
            .map(Got::Credentials)
    }

    async fn current_logins(&self) -> Result<Option<Logins>, CognitoCredentialsError> {
        match &self.shared.source {
            Source::Unauthenticated | Source::Developer(_) => Ok(None),
            Source::Logins(source) => {
                let logins = source
                    .logins()
                    .await
                    .map_err(CognitoCredentialsError::logins)?;
                // An empty map means an unauthenticated identity, as no map does.
                Ok(Some(logins).filter(|l| !l.is_empty()))
            }
        }
    }

    /// The identity the store keeps for these logins, else a new one from `GetId` (then
    /// `true`: an id no error may make the provider give up in this refresh).
    async fn find_identity(
        &self,
        logins: &Option<Logins>,
    ) -> Result<(Identity, bool), CognitoCredentialsError> {
        let s = &*self.shared;
        let key = identity_id_key(&s.identity_pool_id, logins.as_ref());
        let stored = s
            .store
            .get(&key)
            .await
            .map_err(|e| CognitoCredentialsError::identity_store("read", e))?;
        match stored {
            Some(id) => {
                let identity = Identity {
                    id,
                    origin: Origin::Store,
                    key: Some(key),
                };
                self.adopt(identity.clone());
                Ok((identity, false))
            }
            None => Ok((self.get_id(logins).await?, true)),
        }
    }

    /// Calls `GetId`, takes up the id it gives, and stores it.
    async fn get_id(&self, logins: &Option<Logins>) -> Result<Identity, CognitoCredentialsError> {
        let s = &*self.shared;
        let mut input = GetIdInput::new(s.identity_pool_id.clone());
        input.account_id = s.account_id.clone();
        input.logins = logins.clone();
        let output = s.client.get_id(input).await?;
        let id = output.identity_id.ok_or_else(|| {
            CognitoCredentialsError::invalid_response("GetId", "the answer has no IdentityId")
        })?;
        let key = identity_id_key(&s.identity_pool_id, logins.as_ref());
        let identity = Identity {
            id,
            origin: Origin::GetId,
            key: Some(key),
        };
        // Kept in memory before the store is asked, so that a failing store does not make
        // the next refresh ask for yet another identity.
        self.adopt(identity.clone());
        self.save(&identity).await?;
        Ok(identity)
    }

    /// Gives up `identity`: the provider holds no id until the next one, and the store
    /// forgets it.
    async fn forget(&self, identity: &Identity) -> Result<(), CognitoCredentialsError> {
        *write(&self.shared.identity) = None;
        match &identity.key {
            Some(key) => self
                .shared
                .store
                .remove(key)
                .await
                .map_err(|e| CognitoCredentialsError::identity_store("remove", e)),
            None => Ok(()),
        }
    }

    async fn save(&self, identity: &Identity) -> Result<(), CognitoCredentialsError> {
        match &identity.key {
            Some(key) => self
                .shared
                .store
                .set(key, &identity.id)
                .await
                .map_err(|e| CognitoCredentialsError::identity_store("save", e)),
            None => Ok(()),
        }
    }

    /// Makes `identity` the one the provider holds, and reports it if its id is new.
    fn adopt(&self, identity: Identity) {
        let s = &*self.shared;
        let id = identity.id.clone();
        *write(&s.identity) = Some(identity);
        let previous = {
            let mut last = s.last_id.lock().unwrap_or_else(PoisonError::into_inner);
            if last.as_deref() == Some(id.as_str()) {
                return;
            }
            last.replace(id.clone())
        };
        if let Some(on_change) = &s.on_change {
            on_change(previous.as_deref(), &id);
        }
    }

    /// Calls `GetCredentialsForIdentity`; the operation's own error comes back unconverted,
    /// so that the caller can decide whether the identity gives way.
    async fn get_credentials(
        &self,
        identity: &Identity,
        logins: &Option<Logins>,
    ) -> Result<GetCredentialsForIdentityResponse, GetCredentialsForIdentityError> {
        let s = &*self.shared;
        let mut input = GetCredentialsForIdentityInput::new(identity.id.clone());
        input.logins = logins.clone();
        input.custom_role_arn = s.custom_role_arn.clone();
        s.client.get_credentials_for_identity(input).await
    }

    /// Takes up the identity the answer names and caches its credentials.
    async fn accept(
        &self,
        identity: &Identity,
        output: GetCredentialsForIdentityResponse,
        epoch: u64,
    ) -> Result<Credentials, CognitoCredentialsError> {
        let credentials = self.cache(output.credentials, epoch)?;
        // The service may answer with another id for the same person (after identities were
        // merged); that id is the one to use from now on.
        if let Some(id) = output.identity_id.filter(|id| *id != identity.id) {
            let merged = Identity {
                id,
                origin: identity.origin,
                key: identity.key.clone(),
            };
            self.adopt(merged.clone());
            self.save(&merged).await?;
        }
        Ok(credentials)
    }

    fn cache(
        &self,
        credentials: Option<cognito_identity::types::Credentials>,
        epoch: u64,
    ) -> Result<Credentials, CognitoCredentialsError> {
        const OP: &str = "GetCredentialsForIdentity";
        let missing = |what: &str| {
            CognitoCredentialsError::invalid_response(OP, format!("the answer has no {what}"))
        };
        let c = credentials.ok_or_else(|| missing("Credentials"))?;
        let access_key_id = c.access_key_id.ok_or_else(|| missing("AccessKeyId"))?;
        let secret_key = c.secret_key.ok_or_else(|| missing("SecretKey"))?;
        let expiry = match c.expiration {
            None => None,
            Some(at) => Some(SystemTime::try_from(at).map_err(|e| {
                CognitoCredentialsError::invalid_response(
                    OP,
                    format!("the Expiration {at} is out of range: {e}"),
                )
            })?),
        };
        // The service wrote the expiry on its own clock; callers compare it with this
        // machine's, so it is handed on converted.
        let expiry = match &self.shared.clock_skew {
            Some(skew) => expiry.map(|at| skew.local_time(at)),
            None => expiry,
        };
        let credentials = Credentials::new(
            access_key_id,
            secret_key,
            c.session_token,
            expiry,
            PROVIDER_NAME,
        );
        let margin = self.shared.refresh_margin;
        let refresh_at = expiry.map(|at| at.checked_sub(margin).unwrap_or(SystemTime::UNIX_EPOCH));
        *write(&self.shared.cached) = Some(Cached {
            credentials: credentials.clone(),
            epoch,
            refresh_at,
        });
        Ok(credentials)
    }
}

/// Reads a lock whose data stays consistent even if a holder panicked (every write is one
/// assignment), so poisoning is ignored.
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

/// Any client of this workspace can sign with the provider's credentials.
impl<C: CognitoIdentity + 'static> ProvideCredentials for CognitoCredentialsProvider<C> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            self.credentials().await.map_err(|e| {
                CredentialsError::ProviderError(format!(
                    "Cognito identity pool {}: {e}",
                    self.shared.identity_pool_id
                ))
            })
        })
    }
}

/// Builds a [`CognitoCredentialsProvider`]; start from [`CognitoCredentialsProvider::builder`].
pub struct Builder<C> {
    client: C,
    identity_pool_id: String,
    account_id: Option<String>,
    custom_role_arn: Option<String>,
    identity_id: Option<String>,
    source: Source,
    store: Option<Box<dyn IdentityIdStore>>,
    on_change: Option<OnChange>,
    clock_skew: Option<ClockSkew>,
    refresh_margin: Duration,
    clock: Clock,
}

impl<C> fmt::Debug for Builder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Unauthenticated => "none (unauthenticated)",
            Source::Logins(_) => "logins (** redacted **)",
            Source::Developer(_) => "developer identity (** redacted **)",
        };
        f.debug_struct("Builder")
            .field("identity_pool_id", &self.identity_pool_id)
            .field("account_id", &self.account_id)
            .field("custom_role_arn", &self.custom_role_arn)
            .field("identity_id", &self.identity_id)
            .field("source", &source)
            .field("identity_id_store", &self.store.as_ref().map(|_| "set"))
            .field("clock_skew", &self.clock_skew)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

impl<C: CognitoIdentity> Builder<C> {
    /// The AWS account that owns the pool (`GetId`'s `AccountId`).
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// The role to assume among those the pool's rules allow (`CustomRoleArn`).
    pub fn custom_role_arn(mut self, arn: impl Into<String>) -> Self {
        self.custom_role_arn = Some(arn.into());
        self
    }

    /// An identity id obtained earlier, so that `GetId` is not called. The provider replaces
    /// it only when the service does not know it (`ResourceNotFoundException`) or calls it
    /// invalid (an invalid-parameter or validation error): then it calls `GetId` once.
    pub fn identity_id(mut self, identity_id: impl Into<String>) -> Self {
        self.identity_id = Some(identity_id.into());
        self
    }

    /// Fixed logins: provider name to token. Without logins the identity is unauthenticated.
    /// Replaces a logins or developer-identity source set before.
    pub fn logins<K: Into<String>, V: Into<String>>(
        mut self,
        logins: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let map: Logins = logins
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        self.source = Source::Logins(Box::new(map));
        self
    }

    /// Logins asked from `source` on every refresh (see [`logins_fn`](crate::logins_fn) for
    /// an async callback), so that tokens can be renewed between refreshes. Replaces a logins
    /// or developer-identity source set before.
    pub fn logins_provider(mut self, source: impl ProvideLogins) -> Self {
        self.source = Source::Logins(Box::new(source));
        self
    }

    /// A developer-authenticated identity: each refresh asks `source` for an identity id and
    /// an OpenID token (see [`developer_identity_fn`](crate::developer_identity_fn)), and
    /// calls `GetCredentialsForIdentity` with that id and the token as the
    /// `cognito-identity.amazonaws.com` login. `GetId` and the identity-id store are not
    /// used. Replaces a logins source set before.
    pub fn developer_identity_provider(mut self, source: impl ProvideDeveloperIdentity) -> Self {
        self.source = Source::Developer(Box::new(source));
        self
    }

    /// Where identity ids are kept between runs (default: in memory, for the provider's
    /// lifetime). See [`FileIdentityIdStore`](crate::FileIdentityIdStore) for a file.
    pub fn identity_id_store(mut self, store: impl IdentityIdStore) -> Self {
        self.store = Some(Box::new(store));
        self
    }

    /// Called with the old id (`None` for the first) and the new one each time the
    /// provider's identity id changes: the first one it finds, a merged id
    /// `GetCredentialsForIdentity` answers with, a fresh `GetId`'s id replacing one given up,
    /// or a developer source's new id. An id given to [`Builder::identity_id`] is where it
    /// starts (it is not reported itself). The callback runs inside the refresh, so it should
    /// be quick.
    pub fn on_identity_id_change(
        mut self,
        callback: impl Fn(Option<&str>, &str) + Send + Sync + 'static,
    ) -> Self {
        self.on_change = Some(Box::new(callback));
        self
    }

    /// How far the service's clock is from this machine's, to read credential expiries by
    /// (the service writes them on its clock). A [`Client`]'s own is used by default; a
    /// wrapper around one can hand over `client.config().clock_skew().clone()`.
    pub fn clock_skew(mut self, skew: ClockSkew) -> Self {
        self.clock_skew = Some(skew);
        self
    }

    /// How long before their expiry credentials are replaced (default
    /// [`DEFAULT_REFRESH_MARGIN`]).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// The clock that decides whether cached credentials are fresh (default
    /// [`SystemTime::now`]); tests use it to move time forward. It is this machine's clock:
    /// expiries are converted to it from the service's.
    pub fn clock(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(now);
        self
    }

    /// The provider.
    pub fn build(self) -> CognitoCredentialsProvider<C> {
        let identity = self.identity_id.map(|id| Identity {
            id,
            origin: Origin::Configured,
            key: None,
        });
        let last_id = identity.as_ref().map(|i| i.id.clone());
        CognitoCredentialsProvider {
            shared: Arc::new(Shared {
                client: self.client,
                identity_pool_id: self.identity_pool_id,
                account_id: self.account_id,
                custom_role_arn: self.custom_role_arn,
                source: self.source,
                store: self
                    .store
                    .unwrap_or_else(|| Box::new(InMemoryIdentityIdStore::new())),
                on_change: self.on_change,
                clock_skew: self.clock_skew,
                refresh_margin: self.refresh_margin,
                clock: self.clock,
                identity: RwLock::new(identity),
                last_id: Mutex::new(last_id),
                cached: RwLock::new(None),
                refresh: tokio::sync::Mutex::new(None),
                completed: AtomicU64::new(0),
            }),
        }
    }
}
