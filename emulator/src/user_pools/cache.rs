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
use std::hash::{BuildHasher, Hash, Hasher, RandomState};
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
    /// Users by pool, then by stored key, so that a lookup needs no owned key.
    users: HashMap<String, HashMap<String, Arc<User>>>,
    /// How many users `users` holds.
    user_count: usize,
    sessions: HashMap<String, bool>,
    tokens: HashMap<String, Arc<AccessToken>, TokenTails>,
}

/// How many bytes at the end of a token its hash reads.
const TAIL: usize = 64;

/// Hashes the last [`TAIL`] bytes of each token only. An access token is a kilobyte or more;
/// hashing all of it took about a tenth of what `GetUser` does beside HTTP (measured with
/// perf), and its end, the signature, tells tokens apart as well as the whole does. Lookups
/// still compare the whole text, so two tokens that share an end are two entries, never one;
/// and only tokens whose signature checked are kept, with the hash keyed at random, so nobody
/// can fill a bucket.
#[derive(Default, Clone)]
struct TokenTails(RandomState);

/// The hasher of [`TokenTails`]: what it is given, cut to its last [`TAIL`] bytes.
struct TailHasher<H>(H);

impl BuildHasher for TokenTails {
    type Hasher = TailHasher<<RandomState as BuildHasher>::Hasher>;

    fn build_hasher(&self) -> Self::Hasher {
        TailHasher(self.0.build_hasher())
    }
}

impl<H: Hasher> Hasher for TailHasher<H> {
    fn write(&mut self, bytes: &[u8]) {
        let from = bytes.len().saturating_sub(TAIL);
        self.0.write(bytes.get(from..).unwrap_or(bytes));
    }

    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// The cache; see the module's documentation.
#[derive(Default)]
pub struct ReadCache {
    maps: RwLock<Maps>,
}

/// The maps seen under one read lock, for a caller that looks several things up at once (the
/// lock is shared by every thread, and each taking of it is a write to the same memory).
pub struct View<'a>(RwLockReadGuard<'a, Maps>);

impl View<'_> {
    /// The pool `id`, if cached.
    pub fn pool(&self, id: &str) -> Option<&Arc<UserPoolType>> {
        self.0.pools.get(id)
    }

    /// The user stored under `key` in pool `pool_id`, if cached.
    pub fn user(&self, pool_id: &str, key: &str) -> Option<&Arc<User>> {
        self.0.users.get(pool_id)?.get(key)
    }

    /// Whether the session `origin_jti` is live (exists and is not revoked), if cached.
    pub fn session(&self, origin_jti: &str) -> Option<bool> {
        self.0.sessions.get(origin_jti).copied()
    }

    /// A checked access token, by its exact text.
    pub fn token(&self, token: &str) -> Option<&Arc<AccessToken>> {
        self.0.tokens.get(token)
    }
}

fn put<K: Eq + Hash, V, S: BuildHasher>(map: &mut HashMap<K, V, S>, key: K, value: V) {
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

    /// The maps under one read lock; keep it no longer than the lookups.
    pub fn view(&self) -> View<'_> {
        View(self.read())
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
        self.view().pool(id).cloned()
    }

    /// Keeps pool `id`, read at `generation`.
    pub fn put_pool(&self, generation: u64, id: &str, pool: Arc<UserPoolType>) {
        self.keep(generation, |m| put(&mut m.pools, id.to_owned(), pool));
    }

    /// The user stored under `key` in pool `pool_id`, if cached.
    pub fn user(&self, pool_id: &str, key: &str) -> Option<Arc<User>> {
        self.view().user(pool_id, key).cloned()
    }

    /// Keeps a user, read at `generation`.
    pub fn put_user(&self, generation: u64, pool_id: &str, key: &str, user: Arc<User>) {
        self.keep(generation, |m| {
            if m.user_count >= MAX_ENTRIES {
                m.users.clear();
                m.user_count = 0;
            }
            let pool = m.users.entry(pool_id.to_owned()).or_default();
            if pool.insert(key.to_owned(), user).is_none() {
                m.user_count = m.user_count.saturating_add(1);
            }
        });
    }

    /// Whether the session `origin_jti` is live (exists and is not revoked), if cached.
    pub fn session(&self, origin_jti: &str) -> Option<bool> {
        self.view().session(origin_jti)
    }

    /// Keeps whether a session is live, read at `generation`.
    pub fn put_session(&self, generation: u64, origin_jti: &str, live: bool) {
        self.keep(generation, |m| {
            put(&mut m.sessions, origin_jti.to_owned(), live)
        });
    }

    /// A checked access token, by its exact text.
    pub fn token(&self, token: &str) -> Option<Arc<AccessToken>> {
        self.view().token(token).cloned()
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
    fn users_are_counted_across_pools_and_emptied_when_full() {
        let cache = ReadCache::default();
        let g = cache.generation();
        let user = |name: &str| {
            Arc::new(User {
                username: name.into(),
                attributes: Default::default(),
                enabled: true,
                status: "CONFIRMED".into(),
                created_ms: 0,
                modified_ms: 0,
                secret: None,
                temporary_until_ms: None,
            })
        };
        for i in 0..MAX_ENTRIES - 1 {
            let pool = if i % 2 == 0 {
                "us-east-1_A"
            } else {
                "us-east-1_B"
            };
            cache.put_user(g, pool, &i.to_string(), user("u"));
        }
        // Putting a user again under its key is no new entry.
        cache.put_user(g, "us-east-1_A", "0", user("again"));
        cache.put_user(g, "us-east-1_C", "last", user("last"));
        assert_eq!(cache.user("us-east-1_A", "0").unwrap().username, "again");
        assert!(cache.user("us-east-1_B", "1").is_some());
        assert!(cache.user("us-east-1_B", "0").is_none());
        assert!(cache.user("us-east-1_C", "last").is_some());
        cache.put_user(g, "us-east-1_C", "new", user("new"));
        assert!(cache.user("us-east-1_A", "0").is_none());
        assert!(cache.user("us-east-1_B", "1").is_none());
        assert_eq!(cache.user("us-east-1_C", "new").unwrap().username, "new");
    }

    #[test]
    fn tokens_that_share_an_end_are_told_apart_by_their_whole_text() {
        let cache = ReadCache::default();
        let g = cache.generation();
        let end = "s".repeat(TAIL);
        let (one, two) = (format!("header.one.{end}"), format!("header.two.{end}"));
        let hasher = TokenTails::default();
        assert_eq!(hasher.hash_one(&one), hasher.hash_one(&two));
        cache.put_token(g, &one, token(1));
        assert_eq!(cache.token(&one).unwrap().exp, 1);
        assert!(cache.token(&two).is_none());
        cache.put_token(g, &two, token(2));
        assert_eq!(cache.token(&one).unwrap().exp, 1);
        assert_eq!(cache.token(&two).unwrap().exp, 2);
        assert!(cache.token(&end).is_none());
        assert!(cache.token("").is_none());
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
