//! The user-pool tables, in the emulator's one SQLite file, and the records kept in them.
//!
//! Pools and app clients are kept as the generated `UserPoolType` and `UserPoolClientType`
//! (JSON), users and groups as the records below. Every function takes the connection of a
//! transaction opened by `Store::read_with` or `Store::write_with`, so an operation's writes
//! commit together or not at all. A password is never kept: a user holds the salt and SRP
//! verifier made from it (`password`).

use std::collections::BTreeMap;

use cognito_identity_provider::types::{UserPoolClientType, UserPoolType};
use rusqlite::{params, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::PoolFault;

/// The user-pool tables (created when missing; see `store::migrate`).
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS up_pools (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    config TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS up_keys (pool_id TEXT PRIMARY KEY, der BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS up_clients (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    pool_id TEXT NOT NULL,
    config TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS up_users (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id TEXT NOT NULL,
    key TEXT NOT NULL,
    record TEXT NOT NULL,
    UNIQUE (pool_id, key)
);
CREATE TABLE IF NOT EXISTS up_groups (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id TEXT NOT NULL,
    name TEXT NOT NULL,
    record TEXT NOT NULL,
    UNIQUE (pool_id, name)
);
CREATE TABLE IF NOT EXISTS up_members (
    pool_id TEXT NOT NULL,
    group_name TEXT NOT NULL,
    username TEXT NOT NULL,
    PRIMARY KEY (pool_id, group_name, username)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS up_codes (
    pool_id TEXT NOT NULL,
    username TEXT NOT NULL,
    purpose TEXT NOT NULL,
    code TEXT NOT NULL,
    expires_ms INTEGER NOT NULL,
    PRIMARY KEY (pool_id, username, purpose)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS up_refresh (
    digest TEXT PRIMARY KEY,
    pool_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    username TEXT NOT NULL,
    origin_jti TEXT NOT NULL UNIQUE,
    auth_time INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS up_refresh_by_user ON up_refresh (pool_id, username);
";

/// Every user-pool table, for a reset.
pub const TABLES: [&str; 8] = [
    "up_pools",
    "up_keys",
    "up_clients",
    "up_users",
    "up_groups",
    "up_members",
    "up_codes",
    "up_refresh",
];

/// The salt and SRP verifier a password is kept as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secret {
    /// The salt, hex.
    pub salt: String,
    /// The verifier `g^x mod N`, hex.
    pub verifier: String,
}

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The user name (`cognito:username`).
    pub username: String,
    /// Attributes by name, `sub` included.
    pub attributes: BTreeMap<String, String>,
    /// Whether the user may sign in.
    pub enabled: bool,
    /// `UNCONFIRMED`, `CONFIRMED`, `FORCE_CHANGE_PASSWORD` or `RESET_REQUIRED`.
    pub status: String,
    /// Milliseconds since the epoch.
    pub created_ms: i64,
    /// Milliseconds since the epoch.
    pub modified_ms: i64,
    /// The password's verifier, when the user has a password.
    pub secret: Option<Secret>,
    /// When a temporary password stops working (milliseconds since the epoch).
    pub temporary_until_ms: Option<i64>,
}

impl User {
    /// The user's `sub`.
    pub fn sub(&self) -> &str {
        self.attributes.get("sub").map(String::as_str).unwrap_or("")
    }
}

/// A group as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// The group's name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// The IAM role its members may assume.
    pub role_arn: Option<String>,
    /// Lower wins for `cognito:preferred_role`.
    pub precedence: Option<i32>,
    /// Milliseconds since the epoch.
    pub created_ms: i64,
    /// Milliseconds since the epoch.
    pub modified_ms: i64,
}

/// A refresh token's row: whose it is and whether it still works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refresh {
    /// The pool.
    pub pool_id: String,
    /// The app client it was issued to.
    pub client_id: String,
    /// The user's name.
    pub username: String,
    /// The `origin_jti` of the tokens issued with it.
    pub origin_jti: String,
    /// When the user signed in (seconds since the epoch).
    pub auth_time: i64,
    /// When it expires (milliseconds since the epoch).
    pub expires_ms: i64,
    /// Revoked by `RevokeToken` or a sign-out.
    pub revoked: bool,
}

/// The one JSON record `sql` selects, read as `T`.
fn record<T: DeserializeOwned>(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Option<T>, PoolFault> {
    let text: Option<String> = c
        .prepare_cached(sql)?
        .query_row(params, |r| r.get(0))
        .optional()?;
    Ok(text.map(|t| serde_json::from_str(&t)).transpose()?)
}

/// The rows `sql` selects as (position, JSON record), read as `T`.
fn page<T: DeserializeOwned>(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<(i64, T)>, PoolFault> {
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, text) = row?;
        out.push((seq, serde_json::from_str(&text)?));
    }
    Ok(out)
}

// ----- pools ---------------------------------------------------------------------------

/// The pool `id`.
pub fn pool(c: &Connection, id: &str) -> Result<Option<UserPoolType>, PoolFault> {
    record(c, "SELECT config FROM up_pools WHERE id = ?1", [id])
}

/// The pool `id`, or `ResourceNotFoundException`.
pub fn existing_pool(c: &Connection, id: &str) -> Result<UserPoolType, PoolFault> {
    pool(c, id)?.ok_or_else(|| PoolFault::pool_not_found(id))
}

/// Stores a new pool.
pub fn insert_pool(c: &Connection, p: &UserPoolType) -> Result<(), PoolFault> {
    c.execute(
        "INSERT INTO up_pools (id, config) VALUES (?1, ?2)",
        params![p.id, serde_json::to_string(p)?],
    )?;
    Ok(())
}

/// Replaces a pool.
pub fn update_pool(c: &Connection, p: &UserPoolType) -> Result<(), PoolFault> {
    c.execute(
        "UPDATE up_pools SET config = ?2 WHERE id = ?1",
        params![p.id, serde_json::to_string(p)?],
    )?;
    Ok(())
}

/// Deletes a pool and everything in it.
pub fn delete_pool(c: &Connection, id: &str) -> Result<(), PoolFault> {
    for table in TABLES {
        let column = if table == "up_pools" { "id" } else { "pool_id" };
        c.execute(&format!("DELETE FROM {table} WHERE {column} = ?1"), [id])?;
    }
    Ok(())
}

/// Up to `limit` pools after position `after`, with their positions.
pub fn pools_page(
    c: &Connection,
    after: i64,
    limit: usize,
) -> Result<Vec<(i64, UserPoolType)>, PoolFault> {
    page(
        c,
        "SELECT seq, config FROM up_pools WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        params![after, limit as i64],
    )
}

/// The pool's signing key (PKCS#1 DER), if one was made.
pub fn pool_key(c: &Connection, pool_id: &str) -> Result<Option<Vec<u8>>, PoolFault> {
    Ok(
        c.prepare_cached("SELECT der FROM up_keys WHERE pool_id = ?1")?
            .query_row([pool_id], |r| r.get(0))
            .optional()?,
    )
}

/// Stores the pool's signing key.
pub fn insert_pool_key(c: &Connection, pool_id: &str, der: &[u8]) -> Result<(), PoolFault> {
    c.execute(
        "INSERT OR IGNORE INTO up_keys (pool_id, der) VALUES (?1, ?2)",
        params![pool_id, der],
    )?;
    Ok(())
}

// ----- app clients ---------------------------------------------------------------------

/// The app client `id`.
pub fn client(c: &Connection, id: &str) -> Result<Option<UserPoolClientType>, PoolFault> {
    record(c, "SELECT config FROM up_clients WHERE id = ?1", [id])
}

/// Stores a new app client, or replaces one.
pub fn put_client(c: &Connection, client: &UserPoolClientType) -> Result<(), PoolFault> {
    c.execute(
        "INSERT INTO up_clients (id, pool_id, config) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET config = excluded.config",
        params![
            client.client_id,
            client.user_pool_id,
            serde_json::to_string(client)?
        ],
    )?;
    Ok(())
}

/// Deletes an app client and its refresh tokens.
pub fn delete_client(c: &Connection, id: &str) -> Result<(), PoolFault> {
    c.execute("DELETE FROM up_clients WHERE id = ?1", [id])?;
    c.execute("DELETE FROM up_refresh WHERE client_id = ?1", [id])?;
    Ok(())
}

/// Up to `limit` clients of `pool_id` after position `after`.
pub fn clients_page(
    c: &Connection,
    pool_id: &str,
    after: i64,
    limit: usize,
) -> Result<Vec<(i64, UserPoolClientType)>, PoolFault> {
    page(
        c,
        "SELECT seq, config FROM up_clients WHERE pool_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        params![pool_id, after, limit as i64],
    )
}

// ----- users ---------------------------------------------------------------------------

/// The user whose key (its name, folded when the pool ignores case) is `key`.
pub fn user(c: &Connection, pool_id: &str, key: &str) -> Result<Option<User>, PoolFault> {
    record(
        c,
        "SELECT record FROM up_users WHERE pool_id = ?1 AND key = ?2",
        [pool_id, key],
    )
}

/// The users whose attribute `name` is `value` (email or phone used as a sign-in name).
pub fn users_with(
    c: &Connection,
    pool_id: &str,
    name: &str,
    value: &str,
) -> Result<Vec<User>, PoolFault> {
    let rows: Vec<(i64, User)> = page(
        c,
        "SELECT seq, record FROM up_users WHERE pool_id = ?1
         AND json_extract(record, '$.attributes.' || json_quote(?2)) = ?3 ORDER BY seq",
        params![pool_id, name, value],
    )?;
    Ok(rows.into_iter().map(|(_, u)| u).collect())
}

/// Stores a new user under `key`, or replaces the one stored there.
pub fn put_user(c: &Connection, pool_id: &str, key: &str, u: &User) -> Result<(), PoolFault> {
    c.execute(
        "INSERT INTO up_users (pool_id, key, record) VALUES (?1, ?2, ?3)
         ON CONFLICT (pool_id, key) DO UPDATE SET record = excluded.record",
        params![pool_id, key, serde_json::to_string(u)?],
    )?;
    Ok(())
}

/// Deletes a user, its group memberships, codes and refresh tokens.
pub fn delete_user(
    c: &Connection,
    pool_id: &str,
    key: &str,
    username: &str,
) -> Result<(), PoolFault> {
    c.execute(
        "DELETE FROM up_users WHERE pool_id = ?1 AND key = ?2",
        [pool_id, key],
    )?;
    for table in ["up_members", "up_codes", "up_refresh"] {
        c.execute(
            &format!("DELETE FROM {table} WHERE pool_id = ?1 AND username = ?2"),
            [pool_id, username],
        )?;
    }
    Ok(())
}

/// Up to `limit` users of `pool_id` after position `after`, in creation order.
pub fn users_page(
    c: &Connection,
    pool_id: &str,
    after: i64,
    limit: usize,
) -> Result<Vec<(i64, User)>, PoolFault> {
    page(
        c,
        "SELECT seq, record FROM up_users WHERE pool_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        params![pool_id, after, limit as i64],
    )
}

// ----- groups --------------------------------------------------------------------------

/// The group `name` of `pool_id`.
pub fn group(c: &Connection, pool_id: &str, name: &str) -> Result<Option<Group>, PoolFault> {
    record(
        c,
        "SELECT record FROM up_groups WHERE pool_id = ?1 AND name = ?2",
        [pool_id, name],
    )
}

/// Stores a new group, or replaces one.
pub fn put_group(c: &Connection, pool_id: &str, g: &Group) -> Result<(), PoolFault> {
    c.execute(
        "INSERT INTO up_groups (pool_id, name, record) VALUES (?1, ?2, ?3)
         ON CONFLICT (pool_id, name) DO UPDATE SET record = excluded.record",
        params![pool_id, g.name, serde_json::to_string(g)?],
    )?;
    Ok(())
}

/// Deletes a group and its memberships.
pub fn delete_group(c: &Connection, pool_id: &str, name: &str) -> Result<(), PoolFault> {
    c.execute(
        "DELETE FROM up_groups WHERE pool_id = ?1 AND name = ?2",
        [pool_id, name],
    )?;
    c.execute(
        "DELETE FROM up_members WHERE pool_id = ?1 AND group_name = ?2",
        [pool_id, name],
    )?;
    Ok(())
}

/// Up to `limit` groups of `pool_id` after position `after`.
pub fn groups_page(
    c: &Connection,
    pool_id: &str,
    after: i64,
    limit: usize,
) -> Result<Vec<(i64, Group)>, PoolFault> {
    page(
        c,
        "SELECT seq, record FROM up_groups WHERE pool_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        params![pool_id, after, limit as i64],
    )
}

/// Adds (or, with `member` false, removes) a user to a group.
pub fn set_member(
    c: &Connection,
    pool_id: &str,
    group: &str,
    username: &str,
    member: bool,
) -> Result<(), PoolFault> {
    let sql = if member {
        "INSERT OR IGNORE INTO up_members (pool_id, group_name, username) VALUES (?1, ?2, ?3)"
    } else {
        "DELETE FROM up_members WHERE pool_id = ?1 AND group_name = ?2 AND username = ?3"
    };
    c.execute(sql, [pool_id, group, username])?;
    Ok(())
}

/// The groups `username` belongs to, by precedence (unset last), then name.
pub fn groups_of(c: &Connection, pool_id: &str, username: &str) -> Result<Vec<Group>, PoolFault> {
    let mut stmt = c.prepare_cached(
        "SELECT g.record FROM up_members m JOIN up_groups g
         ON g.pool_id = m.pool_id AND g.name = m.group_name
         WHERE m.pool_id = ?1 AND m.username = ?2 ORDER BY g.name",
    )?;
    let rows = stmt.query_map([pool_id, username], |r| r.get::<_, String>(0))?;
    let mut out: Vec<Group> = Vec::new();
    for row in rows {
        out.push(serde_json::from_str(&row?)?);
    }
    out.sort_by_key(|g| g.precedence.map_or(i64::MAX, i64::from));
    Ok(out)
}

/// The names of the members of a group, in name order.
pub fn members(c: &Connection, pool_id: &str, group: &str) -> Result<Vec<String>, PoolFault> {
    let mut stmt = c.prepare_cached(
        "SELECT username FROM up_members WHERE pool_id = ?1 AND group_name = ?2 ORDER BY username",
    )?;
    let rows = stmt.query_map([pool_id, group], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

// ----- codes ---------------------------------------------------------------------------

/// Stores a code for `purpose`, replacing an earlier one.
pub fn put_code(
    c: &Connection,
    pool_id: &str,
    username: &str,
    purpose: &str,
    code: &str,
    expires_ms: i64,
) -> Result<(), PoolFault> {
    c.execute(
        "INSERT INTO up_codes (pool_id, username, purpose, code, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (pool_id, username, purpose) DO UPDATE SET code = excluded.code, expires_ms = excluded.expires_ms",
        params![pool_id, username, purpose, code, expires_ms],
    )?;
    Ok(())
}

/// The code for `purpose` and when it expires.
pub fn code(
    c: &Connection,
    pool_id: &str,
    username: &str,
    purpose: &str,
) -> Result<Option<(String, i64)>, PoolFault> {
    Ok(c
        .prepare_cached(
            "SELECT code, expires_ms FROM up_codes WHERE pool_id = ?1 AND username = ?2 AND purpose = ?3",
        )?
        .query_row([pool_id, username, purpose], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Every code of a user (or of every user of the pool when `username` is `None`).
pub fn codes(
    c: &Connection,
    pool_id: &str,
    username: Option<&str>,
) -> Result<Vec<(String, String, String, i64)>, PoolFault> {
    let mut stmt = c.prepare_cached(
        "SELECT username, purpose, code, expires_ms FROM up_codes
         WHERE pool_id = ?1 AND (?2 IS NULL OR username = ?2) ORDER BY username, purpose",
    )?;
    let rows = stmt.query_map(params![pool_id, username], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Forgets a used code.
pub fn delete_code(
    c: &Connection,
    pool_id: &str,
    username: &str,
    purpose: &str,
) -> Result<(), PoolFault> {
    c.execute(
        "DELETE FROM up_codes WHERE pool_id = ?1 AND username = ?2 AND purpose = ?3",
        [pool_id, username, purpose],
    )?;
    Ok(())
}

// ----- refresh tokens ------------------------------------------------------------------

/// Stores a refresh token by its digest.
pub fn insert_refresh(c: &Connection, digest: &str, r: &Refresh) -> Result<(), PoolFault> {
    c.execute(
        "INSERT INTO up_refresh (digest, pool_id, client_id, username, origin_jti, auth_time, expires_ms, revoked)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            digest,
            r.pool_id,
            r.client_id,
            r.username,
            r.origin_jti,
            r.auth_time,
            r.expires_ms,
            r.revoked
        ],
    )?;
    Ok(())
}

fn refresh_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Refresh> {
    Ok(Refresh {
        pool_id: r.get(0)?,
        client_id: r.get(1)?,
        username: r.get(2)?,
        origin_jti: r.get(3)?,
        auth_time: r.get(4)?,
        expires_ms: r.get(5)?,
        revoked: r.get(6)?,
    })
}

/// The refresh token with digest `digest`.
pub fn refresh(c: &Connection, digest: &str) -> Result<Option<Refresh>, PoolFault> {
    Ok(c.prepare_cached(
        "SELECT pool_id, client_id, username, origin_jti, auth_time, expires_ms, revoked
             FROM up_refresh WHERE digest = ?1",
    )?
    .query_row([digest], refresh_from_row)
    .optional()?)
}

/// The refresh token the tokens with `origin_jti` were issued with.
pub fn refresh_by_origin(c: &Connection, origin_jti: &str) -> Result<Option<Refresh>, PoolFault> {
    Ok(c.prepare_cached(
        "SELECT pool_id, client_id, username, origin_jti, auth_time, expires_ms, revoked
             FROM up_refresh WHERE origin_jti = ?1",
    )?
    .query_row([origin_jti], refresh_from_row)
    .optional()?)
}

/// Revokes the refresh token with digest `digest`.
pub fn revoke_refresh(c: &Connection, digest: &str) -> Result<(), PoolFault> {
    c.execute(
        "UPDATE up_refresh SET revoked = 1 WHERE digest = ?1",
        [digest],
    )?;
    Ok(())
}

/// Revokes every refresh token of a user (a global sign-out).
pub fn revoke_user(c: &Connection, pool_id: &str, username: &str) -> Result<(), PoolFault> {
    c.execute(
        "UPDATE up_refresh SET revoked = 1 WHERE pool_id = ?1 AND username = ?2",
        [pool_id, username],
    )?;
    Ok(())
}
