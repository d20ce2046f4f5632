//! What the user-pool reads keep in memory between writes: decoded pools, users by their
//! stored key, whether a session (a refresh token's `origin_jti`) is live, and the access
//! tokens whose signature was checked. It makes the hot reads (`AdminGetUser`, `GetUser`) touch
//! neither SQLite nor RSA once warm.
//!
//! It must never answer with something older than the last commit. So every write through
//! `UserPools::write` empties it under the store's lock, before its transaction commits, and
//! moves the generation on; an entry read from the database (or a token checked) is kept only
//! if the generation it was read at is still the current one. Each map holds at most
//! [`MAX_ENTRIES`] and is emptied when full. A cached token's expiry is still compared with
//! the clock on every use, and its session's revocation is read (from here or the database)
//! every time.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use cognito_identity_provider::types::UserPoolType;

use super::store::User;

/// The most entries one map keeps; a full map is emptied before the next insert.
pub const MAX_ENTRIES: usize = 10_000;

/// What a checked access token says, kept by the token's exact text.
#[derive(Debug)]
pub struct AccessToken {
    /// The pool its `iss` names.
    pub pool_id: String,
    /// `username`.
    pub username: String,
    /// `origin_jti`: the session it belongs to.
    pub origin_jti: String,
    /// `exp` (seconds).
    pub exp: i64,
}

#[derive(Default)]
struct Maps {
    generation: u64,
    pools: HashMap<String, Arc<UserPoolType>>,
    users: HashMap<(String, String), Arc<User>>,
    sessions: HashMap<String, bool>,
    tokens: HashMap<String, Arc<AccessToken>>,
}

/// The cache; see the module's documentation.
#[derive(Default)]
pub struct ReadCache {
    maps: RwLock<Maps>,
}

fn put<K: Eq + Hash, V>(map: &mut HashMap<K, V>, key: K, value: V) {
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(key, value);
}

impl ReadCache {
    fn read(&self) -> RwLockReadGuard<'_, Maps> {
        // Maps are only inserted into or cleared, never left half-changed, so a panic elsewhere
        // while the lock was held leaves them usable.
        self.maps.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Maps> {
        self.maps.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The current generation: read it before reading what will be kept.
    pub fn generation(&self) -> u64 {
        self.read().generation
    }

    /// Forgets everything and moves the generation on (a write is under way).
    pub fn clear(&self) {
        let mut maps = self.write();
        let generation = maps.generation.wrapping_add(1);
        *maps = Maps {
            generation,
            ..Maps::default()
        };
    }

    /// Keeps `f`'s insert only if nothing was written since `generation`.
    fn keep(&self, generation: u64, f: impl FnOnce(&mut Maps)) {
        let mut maps = self.write();
        if maps.generation == generation {
            f(&mut maps);
        }
    }

    /// The pool `id`, if cached.
    pub fn pool(&self, id: &str) -> Option<Arc<UserPoolType>> {
        self.read().pools.get(id).cloned()
    }

    /// Keeps pool `id`, read at `generation`.
    pub fn put_pool(&self, generation: u64, id: &str, pool: Arc<UserPoolType>) {
        self.keep(generation, |m| put(&mut m.pools, id.to_owned(), pool));
    }

    /// The user stored under `key` in pool `pool_id`, if cached.
    pub fn user(&self, pool_id: &str, key: &str) -> Option<Arc<User>> {
        // The map is keyed by owned pairs; a lookup builds one only on this path.
        self.read()
            .users
            .get(&(pool_id.to_owned(), key.to_owned()))
            .cloned()
    }

    /// Keeps a user, read at `generation`.
    pub fn put_user(&self, generation: u64, pool_id: &str, key: &str, user: Arc<User>) {
        self.keep(generation, |m| {
            put(&mut m.users, (pool_id.to_owned(), key.to_owned()), user)
        });
    }

    /// Whether the session `origin_jti` is live (exists and is not revoked), if cached.
    pub fn session(&self, origin_jti: &str) -> Option<bool> {
        self.read().sessions.get(origin_jti).copied()
    }

    /// Keeps whether a session is live, read at `generation`.
    pub fn put_session(&self, generation: u64, origin_jti: &str, live: bool) {
        self.keep(generation, |m| {
            put(&mut m.sessions, origin_jti.to_owned(), live)
        });
    }

    /// A checked access token, by its exact text.
    pub fn token(&self, token: &str) -> Option<Arc<AccessToken>> {
        self.read().tokens.get(token).cloned()
    }

    /// Keeps a token checked at `generation`.
    pub fn put_token(&self, generation: u64, token: &str, claims: Arc<AccessToken>) {
        self.keep(generation, |m| put(&mut m.tokens, token.to_owned(), claims));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(exp: i64) -> Arc<AccessToken> {
        Arc::new(AccessToken {
            pool_id: "us-east-1_A".into(),
            username: "u".into(),
            origin_jti: "o".into(),
            exp,
        })
    }

    #[test]
    fn an_entry_read_before_a_write_is_not_kept() {
        let cache = ReadCache::default();
        let before = cache.generation();
        cache.clear();
        cache.put_session(before, "o", true);
        cache.put_token(before, "t", token(1));
        assert_eq!(cache.session("o"), None);
        assert!(cache.token("t").is_none());
        let now = cache.generation();
        cache.put_session(now, "o", false);
        cache.put_token(now, "t", token(1));
        assert_eq!(cache.session("o"), Some(false));
        assert_eq!(cache.token("t").unwrap().exp, 1);
        cache.clear();
        assert_eq!(cache.session("o"), None);
        assert!(cache.token("t").is_none());
    }

    #[test]
    fn a_full_map_is_emptied_before_the_next_insert() {
        let cache = ReadCache::default();
        let g = cache.generation();
        for i in 0..MAX_ENTRIES {
            cache.put_session(g, &i.to_string(), true);
        }
        assert_eq!(cache.session("0"), Some(true));
        cache.put_session(g, "one more", true);
        assert_eq!(cache.session("0"), None);
        assert_eq!(cache.session("one more"), Some(true));
    }
}
