//! Where a session's refresh token is kept between runs: a small async trait, and an
//! in-memory implementation.
//!
//! The store holds the user name with the refresh token, as the session needs both to
//! refresh (the name goes into `SECRET_HASH`). It never sees a password, and the ID and
//! access tokens, which the first refresh after a restore renews, are not kept.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use cognito_identity::runtime::BoxFuture;

use crate::logins::BoxError;

/// What a [`SessionStore`] keeps: the user's name in the pool and the refresh token.
///
/// `Debug` shows the name, never the token.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredSession {
    /// The user's name in the pool (`cognito:username`).
    pub username: String,
    /// The refresh token.
    pub refresh_token: String,
}

impl StoredSession {
    /// The pair `username`, `refresh_token`.
    pub fn new(username: impl Into<String>, refresh_token: impl Into<String>) -> Self {
        StoredSession {
            username: username.into(),
            refresh_token: refresh_token.into(),
        }
    }
}

impl fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredSession")
            .field("username", &self.username)
            .field("refresh_token", &"** redacted **")
            .finish()
    }
}

/// Keeps one session's refresh token between runs (a keychain entry, an encrypted file...).
///
/// The session saves after each sign-in and each refresh that rotates the token, clears on
/// sign-out and when the pool refuses the token, and loads on
/// [`UserPoolSession::restore`](crate::UserPoolSession::restore).
pub trait SessionStore: Send + Sync + 'static {
    /// The kept session, if any.
    fn load(&self) -> BoxFuture<'_, Result<Option<StoredSession>, BoxError>>;
    /// Keeps `session`, replacing what was kept.
    fn save(&self, session: &StoredSession) -> BoxFuture<'_, Result<(), BoxError>>;
    /// Forgets the kept session.
    fn clear(&self) -> BoxFuture<'_, Result<(), BoxError>>;
}

impl<S: SessionStore> SessionStore for Arc<S> {
    fn load(&self) -> BoxFuture<'_, Result<Option<StoredSession>, BoxError>> {
        (**self).load()
    }
    fn save(&self, session: &StoredSession) -> BoxFuture<'_, Result<(), BoxError>> {
        (**self).save(session)
    }
    fn clear(&self) -> BoxFuture<'_, Result<(), BoxError>> {
        (**self).clear()
    }
}

/// A [`SessionStore`] in memory: the session's default, which keeps nothing across runs.
/// Share one through an `Arc` to hand a session over to another `UserPoolSession`.
#[derive(Default)]
pub struct InMemorySessionStore {
    session: Mutex<Option<StoredSession>>,
}

impl InMemorySessionStore {
    /// An empty store.
    pub fn new() -> Self {
        InMemorySessionStore::default()
    }

    /// What the store holds now.
    pub fn get(&self) -> Option<StoredSession> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<StoredSession>> {
        // Every write is one assignment, so a poisoned lock still holds a whole value.
        self.session.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for InMemorySessionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemorySessionStore")
            .field("session", &*self.lock())
            .finish()
    }
}

impl SessionStore for InMemorySessionStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<StoredSession>, BoxError>> {
        let session = self.get();
        Box::pin(async move { Ok(session) })
    }

    fn save(&self, session: &StoredSession) -> BoxFuture<'_, Result<(), BoxError>> {
        *self.lock() = Some(session.clone());
        Box::pin(async { Ok(()) })
    }

    fn clear(&self) -> BoxFuture<'_, Result<(), BoxError>> {
        *self.lock() = None;
        Box::pin(async { Ok(()) })
    }
}
