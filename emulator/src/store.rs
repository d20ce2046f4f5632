//! The emulator's state in one SQLite database: identity pools, identities, their linked
//! logins, principal tag maps and the token signing key.
//!
//! Every change runs in one transaction ([`Store::write`]), committed before the answer is
//! sent: the database is in WAL mode, so a committed transaction is in the WAL file and
//! survives the process being killed (`synchronous = NORMAL` skips the per-commit `fsync`,
//! which only a power cut could need). One connection behind a mutex serialises the requests,
//! so concurrent clients never lose an update. Identity pools are few and read on almost every
//! request, so they are also kept decoded in memory; the cache changes only after the
//! transaction that changed the table has committed. A copy of that cache is published
//! behind a read-write lock of its own ([`Store::pool`]), so a request that only needs a
//! pool's configuration never waits for the database.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use cognito_identity::types::{IdentityPool, RoleMapping};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::fault::Fault;
use crate::logins::Login;

/// An identity pool as stored: its configuration and its roles.
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    /// Creation order, which listing pages follow.
    pub seq: i64,
    /// The configuration, as `DescribeIdentityPool` answers it (tags included).
    pub config: IdentityPool,
    /// `authenticated` / `unauthenticated` to role ARN.
    pub roles: HashMap<String, String>,
    /// Provider name to role mapping.
    pub role_mappings: HashMap<String, RoleMapping>,
}

/// An identity as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Position in creation order, which listing pages follow.
    pub seq: i64,
    /// `REGION:GUID`.
    pub id: String,
    /// The pool it belongs to.
    pub pool_id: String,
    /// Milliseconds since the epoch.
    pub created_ms: i64,
    /// Milliseconds since the epoch.
    pub modified_ms: i64,
    /// Set when its last login was unlinked: it can no longer be used.
    pub disabled: bool,
}

/// A principal tag attribute map as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagMap {
    /// Whether the provider's default mappings are used.
    pub use_defaults: bool,
    /// Tag name to token claim.
    pub tags: HashMap<String, String>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS pools (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    config TEXT NOT NULL,
    roles TEXT NOT NULL,
    role_mappings TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS identities (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    pool_id TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    modified_ms INTEGER NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS identities_by_pool ON identities (pool_id, seq);
CREATE TABLE IF NOT EXISTS logins (
    pool_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    identity_id TEXT NOT NULL,
    PRIMARY KEY (pool_id, provider, subject)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS logins_by_identity ON logins (identity_id);
CREATE TABLE IF NOT EXISTS principal_tags (
    pool_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    use_defaults INTEGER NOT NULL,
    tags TEXT NOT NULL,
    PRIMARY KEY (pool_id, provider)
);
";

/// The database and the decoded pools.
pub struct Store {
    inner: Mutex<Inner>,
    /// The committed pools, replaced whole after each commit that changed one.
    published: RwLock<Arc<HashMap<String, Arc<Pool>>>>,
}

struct Inner {
    conn: Connection,
    pools: HashMap<String, Arc<Pool>>,
}

/// Read access inside [`Store::read`] and [`Store::write`].
pub struct Reader<'a> {
    conn: &'a Connection,
    pools: &'a HashMap<String, Arc<Pool>>,
    /// Pools changed by the running transaction (`None`: deleted), not yet in the cache.
    pending: Option<&'a HashMap<String, Option<Arc<Pool>>>>,
}

/// Write access inside [`Store::write`]: one open transaction.
pub struct Writer<'a> {
    tx: &'a Connection,
    pools: &'a HashMap<String, Arc<Pool>>,
    pending: HashMap<String, Option<Arc<Pool>>>,
}

impl Store {
    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: &Path) -> Result<Store, Fault> {
        let conn = Connection::open(path).map_err(|e| {
            Fault::internal(format!("cannot open the database {}: {e}", path.display()))
        })?;
        // WAL keeps readers and the writer apart and makes a commit one append; NORMAL
        // syncs at checkpoints only, which is durable against a killed process.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // The pool cache assumes this process is the only writer: a second emulator on the
        // same directory fails at start instead of serving stale pools.
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        Self::init(conn)
    }

    /// A database that lives in memory and is gone when the process ends.
    pub fn in_memory() -> Result<Store, Fault> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Store, Fault> {
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(crate::user_pools::store::SCHEMA)?;
        migrate(&mut conn)?;
        let mut pools = HashMap::new();
        {
            let mut stmt =
                conn.prepare("SELECT seq, id, config, roles, role_mappings FROM pools")?;
            let rows = stmt.query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                ))
            })?;
            for row in rows {
                let (seq, id, config, roles, role_mappings) = row?;
                let pool = Pool {
                    seq,
                    config: serde_json::from_str(&config)?,
                    roles: serde_json::from_str(&roles)?,
                    role_mappings: serde_json::from_str(&role_mappings)?,
                };
                pools.insert(id, Arc::new(pool));
            }
        }
        Ok(Store {
            published: RwLock::new(Arc::new(pools.clone())),
            inner: Mutex::new(Inner { conn, pools }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock rolled its transaction back (the transaction is
        // dropped on unwind) and left the cache untouched, so the state is still whole.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` with read access.
    pub fn read<T>(&self, f: impl FnOnce(&Reader<'_>) -> Result<T, Fault>) -> Result<T, Fault> {
        let inner = self.lock();
        let reader = Reader {
            conn: &inner.conn,
            pools: &inner.pools,
            pending: None,
        };
        f(&reader)
    }

    /// Runs `f` in one transaction: committed if it returns `Ok`, rolled back otherwise.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T, Fault>,
    ) -> Result<T, Fault> {
        let mut guard = self.lock();
        let inner = &mut *guard;
        let tx = inner
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut writer = Writer {
            tx: &tx,
            pools: &inner.pools,
            pending: HashMap::new(),
        };
        let value = f(&mut writer)?;
        let pending = writer.pending;
        tx.commit()?;
        if !pending.is_empty() {
            for (id, pool) in pending {
                match pool {
                    Some(pool) => inner.pools.insert(id, pool),
                    None => inner.pools.remove(&id),
                };
            }
            // Published while the database is still held, so copies follow commit order.
            let copy = Arc::new(inner.pools.clone());
            *self.published.write().unwrap_or_else(|p| p.into_inner()) = copy;
        }
        Ok(value)
    }

    /// [`Store::read`] for callers whose errors are their own type (the user-pool side).
    pub fn read_with<T, E: From<Fault>>(
        &self,
        f: impl FnOnce(&Reader<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let inner = self.lock();
        let reader = Reader {
            conn: &inner.conn,
            pools: &inner.pools,
            pending: None,
        };
        f(&reader)
    }

    /// [`Store::write`] for callers whose errors are their own type: one transaction,
    /// committed if `f` returns `Ok`, rolled back otherwise. It changes no identity pool.
    pub fn write_with<T, E: From<Fault>>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut guard = self.lock();
        let tx = guard
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(Fault::from)?;
        let value = f(&tx)?;
        tx.commit().map_err(Fault::from)?;
        Ok(value)
    }

    /// Deletes every pool, identity, user pool and user, in one transaction; the signing
    /// keys in the metadata table stay.
    pub fn reset(&self, tables: &[&str]) -> Result<(), Fault> {
        let mut guard = self.lock();
        let inner = &mut *guard;
        let tx = inner
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for table in ["pools", "identities", "logins", "principal_tags"]
            .iter()
            .chain(tables)
        {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        tx.commit()?;
        inner.pools.clear();
        *self.published.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(HashMap::new());
        Ok(())
    }

    /// The committed pool `id`, without waiting for the database.
    pub fn pool(&self, id: &str) -> Option<Arc<Pool>> {
        let published = self.published.read().unwrap_or_else(|p| p.into_inner());
        published.get(id).cloned()
    }

    /// The value stored under `key` in the metadata table, if there is one.
    pub fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, Fault> {
        self.read(|r| {
            Ok(r.conn()
                .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                    row.get(0)
                })
                .optional()?)
        })
    }

    /// The value stored under `key` in the metadata table, setting it to `make()` first when
    /// there is none.
    pub fn meta_or_insert(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<Vec<u8>, Fault>,
    ) -> Result<Vec<u8>, Fault> {
        self.write(|w| {
            let found: Option<Vec<u8>> =
                w.tx.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                    .optional()?;
            match found {
                Some(v) => Ok(v),
                None => {
                    let v = make()?;
                    w.tx.execute(
                        "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                        params![key, v],
                    )?;
                    Ok(v)
                }
            }
        })
    }
}

/// The version of the stored data this build writes, kept in `meta` as `schema_version`.
/// Version 1 (no entry) kept opaque login tokens and SAML assertions as they came; version 2
/// had no user-pool tables (version 3 adds them, empty, with `CREATE TABLE IF NOT EXISTS`).
pub const SCHEMA_VERSION: i64 = 3;

/// The public providers whose tokens are opaque strings, not JWTs.
const OPAQUE_PROVIDERS: [&str; 4] = [
    "graph.facebook.com",
    "www.amazon.com",
    "api.twitter.com",
    "www.digits.com",
];

/// Brings a database written by an earlier version up to [`SCHEMA_VERSION`], in one
/// transaction: either all of it is migrated or none.
///
/// From version 1: a login of an opaque-token provider was keyed on the token itself and a
/// SAML login on the whole assertion. Those become the token's digest and the assertion's
/// `NameID` (its digest when the stored text is no readable assertion). Where two old logins
/// now name the same user, the one linked first keeps it and the other is dropped: it was
/// the same person signing in again, given a second identity by the old keying.
fn migrate(conn: &mut Connection) -> Result<(), Fault> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: Option<Vec<u8>> = tx
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let version = match version {
        None => 1,
        Some(bytes) => String::from_utf8_lossy(&bytes)
            .parse::<i64>()
            .map_err(|_| Fault::internal("the database's schema_version is not a number"))?,
    };
    if version > SCHEMA_VERSION {
        return Err(Fault::internal(format!(
            "the database was written by a newer version (schema {version}; this one reads up to {SCHEMA_VERSION})"
        )));
    }
    if version < 2 {
        let rows: Vec<(String, String, String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT l.pool_id, l.provider, l.subject, l.identity_id FROM logins l
                 LEFT JOIN identities i ON i.id = l.identity_id ORDER BY i.seq, l.provider, l.subject",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (pool_id, provider, subject, identity_id) in rows {
            let new_subject = if subject.starts_with(crate::logins::DIGEST_PREFIX) {
                continue;
            } else if OPAQUE_PROVIDERS.contains(&provider.as_str()) {
                crate::logins::digest(&subject)
            } else if provider.starts_with("arn:") && provider.contains(":saml-provider/") {
                match crate::saml::read(&subject) {
                    Ok(assertion) => assertion.name_id,
                    Err(_) => crate::logins::digest(&subject),
                }
            } else {
                continue;
            };
            tx.execute(
                "DELETE FROM logins WHERE pool_id = ?1 AND provider = ?2 AND subject = ?3",
                params![pool_id, provider, subject],
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO logins (pool_id, provider, subject, identity_id) VALUES (?1, ?2, ?3, ?4)",
                params![pool_id, provider, new_subject, identity_id],
            )?;
        }
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [SCHEMA_VERSION.to_string().into_bytes()],
    )?;
    tx.commit()?;
    Ok(())
}

/// Reads shared by [`Reader`] and [`Writer`].
pub trait Read {
    /// The connection (inside the transaction, for a writer).
    fn conn(&self) -> &Connection;
    /// The pool `id` as the running transaction sees it.
    fn pool(&self, id: &str) -> Option<Arc<Pool>>;
    /// Every pool, in creation order.
    fn pools(&self) -> Vec<Arc<Pool>>;

    /// The pool `id`, or `ResourceNotFoundException`.
    fn existing_pool(&self, id: &str) -> Result<Arc<Pool>, Fault> {
        self.pool(id).ok_or_else(|| Fault::pool_not_found(id))
    }

    /// The identity `id`.
    fn identity(&self, id: &str) -> Result<Option<Identity>, Fault> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT seq, id, pool_id, created_ms, modified_ms, disabled FROM identities WHERE id = ?1",
        )?;
        Ok(stmt.query_row([id], identity_from_row).optional()?)
    }

    /// The identity `id`, or `ResourceNotFoundException`.
    fn existing_identity(&self, id: &str) -> Result<Identity, Fault> {
        self.identity(id)?
            .ok_or_else(|| Fault::identity_not_found(id))
    }

    /// The logins linked to identity `id`, sorted.
    fn logins_of(&self, identity_id: &str) -> Result<Vec<Login>, Fault> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT provider, subject FROM logins WHERE identity_id = ?1 ORDER BY provider, subject",
        )?;
        let rows = stmt.query_map([identity_id], |r| {
            Ok(Login {
                provider: r.get(0)?,
                subject: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The identity a login is linked to in `pool_id`.
    fn identity_for_login(&self, pool_id: &str, login: &Login) -> Result<Option<String>, Fault> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT identity_id FROM logins WHERE pool_id = ?1 AND provider = ?2 AND subject = ?3",
        )?;
        Ok(stmt
            .query_row(params![pool_id, login.provider, login.subject], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Up to `limit` identities of `pool_id` after position `after`, in creation order.
    fn identities_page(
        &self,
        pool_id: &str,
        after: i64,
        limit: usize,
        hide_disabled: bool,
    ) -> Result<Vec<Identity>, Fault> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT seq, id, pool_id, created_ms, modified_ms, disabled FROM identities
             WHERE pool_id = ?1 AND seq > ?2 AND (?3 = 0 OR disabled = 0) ORDER BY seq LIMIT ?4",
        )?;
        let rows = stmt.query_map(
            params![pool_id, after, hide_disabled as i64, limit as i64],
            identity_from_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The principal tag map of `provider` in `pool_id`.
    fn tag_map(&self, pool_id: &str, provider: &str) -> Result<Option<TagMap>, Fault> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT use_defaults, tags FROM principal_tags WHERE pool_id = ?1 AND provider = ?2",
        )?;
        let row: Option<(bool, String)> = stmt
            .query_row([pool_id, provider], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            Some((use_defaults, tags)) => Ok(Some(TagMap {
                use_defaults,
                tags: serde_json::from_str(&tags)?,
            })),
            None => Ok(None),
        }
    }
}

fn identity_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Identity> {
    Ok(Identity {
        seq: r.get(0)?,
        id: r.get(1)?,
        pool_id: r.get(2)?,
        created_ms: r.get(3)?,
        modified_ms: r.get(4)?,
        disabled: r.get(5)?,
    })
}

fn sorted_pools<'p>(pools: impl Iterator<Item = &'p Arc<Pool>>) -> Vec<Arc<Pool>> {
    let mut all: Vec<Arc<Pool>> = pools.cloned().collect();
    all.sort_by_key(|p| p.seq);
    all
}

impl Read for Reader<'_> {
    fn conn(&self) -> &Connection {
        self.conn
    }
    fn pool(&self, id: &str) -> Option<Arc<Pool>> {
        if let Some(p) = self.pending.and_then(|p| p.get(id)) {
            return p.clone();
        }
        self.pools.get(id).cloned()
    }
    fn pools(&self) -> Vec<Arc<Pool>> {
        sorted_pools(self.pools.values())
    }
}

impl Read for Writer<'_> {
    fn conn(&self) -> &Connection {
        self.tx
    }
    fn pool(&self, id: &str) -> Option<Arc<Pool>> {
        Reader {
            conn: self.tx,
            pools: self.pools,
            pending: Some(&self.pending),
        }
        .pool(id)
    }
    fn pools(&self) -> Vec<Arc<Pool>> {
        let mut merged: HashMap<&String, &Arc<Pool>> = self.pools.iter().collect();
        for (id, p) in &self.pending {
            match p {
                Some(p) => merged.insert(id, p),
                None => merged.remove(id),
            };
        }
        sorted_pools(merged.into_values())
    }
}

impl Writer<'_> {
    /// Stores a new pool; its `seq` is assigned here and returned with it.
    pub fn insert_pool(&mut self, mut pool: Pool) -> Result<Arc<Pool>, Fault> {
        self.tx.execute(
            "INSERT INTO pools (id, config, roles, role_mappings) VALUES (?1, ?2, ?3, ?4)",
            params![
                pool.config.identity_pool_id,
                serde_json::to_string(&pool.config)?,
                serde_json::to_string(&pool.roles)?,
                serde_json::to_string(&pool.role_mappings)?,
            ],
        )?;
        pool.seq = self.tx.last_insert_rowid();
        let pool = Arc::new(pool);
        self.pending
            .insert(pool.config.identity_pool_id.clone(), Some(pool.clone()));
        Ok(pool)
    }

    /// Replaces a stored pool.
    pub fn update_pool(&mut self, pool: Pool) -> Result<Arc<Pool>, Fault> {
        self.tx.execute(
            "UPDATE pools SET config = ?2, roles = ?3, role_mappings = ?4 WHERE id = ?1",
            params![
                pool.config.identity_pool_id,
                serde_json::to_string(&pool.config)?,
                serde_json::to_string(&pool.roles)?,
                serde_json::to_string(&pool.role_mappings)?,
            ],
        )?;
        let pool = Arc::new(pool);
        self.pending
            .insert(pool.config.identity_pool_id.clone(), Some(pool.clone()));
        Ok(pool)
    }

    /// Deletes a pool with its identities, logins and tag maps.
    pub fn delete_pool(&mut self, id: &str) -> Result<(), Fault> {
        self.tx
            .execute("DELETE FROM logins WHERE pool_id = ?1", [id])?;
        self.tx
            .execute("DELETE FROM identities WHERE pool_id = ?1", [id])?;
        self.tx
            .execute("DELETE FROM principal_tags WHERE pool_id = ?1", [id])?;
        self.tx.execute("DELETE FROM pools WHERE id = ?1", [id])?;
        self.pending.insert(id.to_owned(), None);
        Ok(())
    }

    /// Stores a new identity.
    pub fn insert_identity(&mut self, id: &str, pool_id: &str, now_ms: i64) -> Result<(), Fault> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO identities (id, pool_id, created_ms, modified_ms, disabled) VALUES (?1, ?2, ?3, ?3, 0)",
        )?;
        stmt.execute(params![id, pool_id, now_ms])?;
        Ok(())
    }

    /// Marks an identity changed at `now_ms`, and disabled or not.
    pub fn touch_identity(&mut self, id: &str, now_ms: i64, disabled: bool) -> Result<(), Fault> {
        let mut stmt = self.tx.prepare_cached(
            "UPDATE identities SET modified_ms = ?2, disabled = ?3 WHERE id = ?1",
        )?;
        stmt.execute(params![id, now_ms, disabled])?;
        Ok(())
    }

    /// Deletes an identity and its logins; false when there was none.
    pub fn delete_identity(&mut self, id: &str) -> Result<bool, Fault> {
        self.tx
            .execute("DELETE FROM logins WHERE identity_id = ?1", [id])?;
        Ok(self
            .tx
            .execute("DELETE FROM identities WHERE id = ?1", [id])?
            > 0)
    }

    /// Links `login` to an identity of `pool_id`.
    pub fn link(&mut self, pool_id: &str, login: &Login, identity_id: &str) -> Result<(), Fault> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO logins (pool_id, provider, subject, identity_id) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (pool_id, provider, subject) DO UPDATE SET identity_id = excluded.identity_id",
        )?;
        stmt.execute(params![pool_id, login.provider, login.subject, identity_id])?;
        Ok(())
    }

    /// Unlinks `login` from whatever identity of `pool_id` has it.
    pub fn unlink(&mut self, pool_id: &str, login: &Login) -> Result<(), Fault> {
        self.tx.execute(
            "DELETE FROM logins WHERE pool_id = ?1 AND provider = ?2 AND subject = ?3",
            params![pool_id, login.provider, login.subject],
        )?;
        Ok(())
    }

    /// Stores the principal tag map of `provider` in `pool_id`.
    pub fn set_tag_map(
        &mut self,
        pool_id: &str,
        provider: &str,
        map: &TagMap,
    ) -> Result<(), Fault> {
        self.tx.execute(
            "INSERT INTO principal_tags (pool_id, provider, use_defaults, tags) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (pool_id, provider) DO UPDATE SET use_defaults = excluded.use_defaults, tags = excluded.tags",
            params![pool_id, provider, map.use_defaults, serde_json::to_string(&map.tags)?],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(id: &str) -> Pool {
        Pool {
            seq: 0,
            config: IdentityPool::new(id, "name", true),
            roles: HashMap::new(),
            role_mappings: HashMap::new(),
        }
    }

    #[test]
    fn a_failed_write_changes_nothing() {
        let store = Store::in_memory().unwrap();
        let result: Result<(), Fault> = store.write(|w| {
            w.insert_pool(pool("us-east-1:a"))?;
            w.insert_identity("us-east-1:i", "us-east-1:a", 1)?;
            Err(Fault::invalid_parameter("no"))
        });
        assert!(result.is_err());
        store
            .read(|r| {
                assert!(r.pool("us-east-1:a").is_none());
                assert!(r.identity("us-east-1:i")?.is_none());
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn pools_survive_reopening_the_file() {
        let dir = std::env::temp_dir().join(format!("cil-store-{}", crate::ids::guid().unwrap()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.db");
        {
            let store = Store::open(&path).unwrap();
            store.write(|w| w.insert_pool(pool("us-east-1:b"))).unwrap();
        }
        let store = Store::open(&path).unwrap();
        let seen = store.read(|r| Ok(r.pool("us-east-1:b"))).unwrap();
        assert_eq!(
            seen.map(|p| p.config.identity_pool_name.clone()),
            Some("name".into())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_version_1_database_keeps_no_raw_tokens_after_opening() {
        let dir = std::env::temp_dir().join(format!("cil-migrate-{}", crate::ids::guid().unwrap()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(SCHEMA).unwrap();
            let rows = [
                (
                    "us-east-1:p",
                    "graph.facebook.com",
                    "EAAGraw",
                    "us-east-1:a",
                ),
                (
                    "us-east-1:p",
                    "accounts.google.com",
                    "1234567890",
                    "us-east-1:a",
                ),
                (
                    "us-east-1:p",
                    "arn:aws:iam::1:saml-provider/corp",
                    "not an assertion",
                    "us-east-1:b",
                ),
                ("us-east-1:p", "login.example", "dev-user", "us-east-1:b"),
            ];
            for (pool, provider, subject, identity) in rows {
                conn.execute(
                    "INSERT INTO logins (pool_id, provider, subject, identity_id) VALUES (?1, ?2, ?3, ?4)",
                    params![pool, provider, subject, identity],
                )
                .unwrap();
            }
        }
        let store = Store::open(&path).unwrap();
        let logins = |id: &str| store.read(|r| r.logins_of(id)).unwrap();
        let a = logins("us-east-1:a");
        assert!(a.contains(&Login {
            provider: "graph.facebook.com".into(),
            subject: crate::logins::digest("EAAGraw"),
        }));
        // A JWT's `sub` and a developer user id are ids, not secrets: they stay.
        assert!(a.iter().any(|l| l.subject == "1234567890"));
        let b = logins("us-east-1:b");
        assert!(b
            .iter()
            .any(|l| l.subject == crate::logins::digest("not an assertion")));
        assert!(b.iter().any(|l| l.subject == "dev-user"));
        drop(store);
        // Opening again changes nothing more.
        let store = Store::open(&path).unwrap();
        assert_eq!(store.read(|r| r.logins_of("us-east-1:a")).unwrap(), a);
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
