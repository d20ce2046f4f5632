//! The tokens of user pools: one RS256 key per pool, made when the pool first needs it and
//! kept in the store, published as the pool's JWKS; the claims of ID and access tokens; and
//! checking the tokens clients bring back (access tokens for `GetUser` and the like, ID tokens
//! for the identity side's logins).
//!
//! Keys are cached in memory once read; a pool's key never changes while the pool lives.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jsonwebtoken::{Algorithm, Validation};
use rusqlite::Connection;
use serde_json::{json, Map, Value};

use super::store::{self, Group, User};
use super::{PoolFault, PoolSettings};
use crate::fault::Fault;
use crate::store::Store;
use crate::tokens::{generate_key, RsaKey};

/// The scope of access tokens from the sign-in API.
pub const SCOPE: &str = "aws.cognito.signin.user.admin";

/// The pools' signing keys, read from the store once and cached.
pub struct PoolKeys {
    store: Arc<Store>,
    settings: PoolSettings,
    cache: Mutex<HashMap<String, Arc<RsaKey>>>,
}

/// What one sign-in (or refresh) issues tokens for.
pub struct Issue<'a> {
    /// The pool.
    pub pool_id: &'a str,
    /// The app client.
    pub client_id: &'a str,
    /// The user.
    pub user: &'a User,
    /// The user's groups, by precedence.
    pub groups: &'a [Group],
    /// The refresh token's `origin_jti`.
    pub origin_jti: &'a str,
    /// When the user signed in (seconds).
    pub auth_time: i64,
    /// Now (seconds).
    pub now: i64,
    /// Lifetime of the ID token (seconds).
    pub id_secs: i64,
    /// Lifetime of the access token (seconds).
    pub access_secs: i64,
    /// Attributes the client may read (`None`: all).
    pub readable: Option<&'a [String]>,
}

/// The role ARNs of `groups` (sorted by precedence, unset last) for `cognito:roles`: each
/// once, the group that wins first.
fn roles(groups: &[Group]) -> Vec<&str> {
    let mut roles: Vec<&str> = Vec::new();
    for role in groups.iter().filter_map(|g| g.role_arn.as_deref()) {
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    roles
}

/// `cognito:preferred_role`, as the service documents it (`CreateGroup`'s `Precedence`): the
/// role of the group with the lowest precedence among those with a role, a group without a
/// precedence losing to every group with one. Groups tied there share it only when they name
/// the same role; tied groups with different roles leave the claim out.
fn preferred_role(groups: &[Group]) -> Option<&str> {
    let with_role = || groups.iter().filter(|g| g.role_arn.is_some());
    let rank = |g: &Group| g.precedence.map_or(i64::MAX, i64::from);
    let best = with_role().map(rank).min()?;
    let mut tied = with_role()
        .filter(|g| rank(g) == best)
        .filter_map(|g| g.role_arn.as_deref());
    let role = tied.next()?;
    tied.all(|r| r == role).then_some(role)
}

impl PoolKeys {
    /// The keys of the pools in `store`.
    pub fn new(store: Arc<Store>, settings: PoolSettings) -> PoolKeys {
        PoolKeys {
            store,
            settings,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The settings tokens are issued with.
    pub fn settings(&self) -> &PoolSettings {
        &self.settings
    }

    /// Forgets every cached key (after a reset).
    pub fn clear(&self) {
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// The key of pool `pool_id`, made and stored on first use; `None` when there is no
    /// such pool.
    pub fn key(&self, pool_id: &str) -> Result<Option<Arc<RsaKey>>, PoolFault> {
        if let Some(k) = self.cached(pool_id) {
            return Ok(Some(k));
        }
        self.store.write_with(|c| self.key_in(c, pool_id))
    }

    fn cached(&self, pool_id: &str) -> Option<Arc<RsaKey>> {
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(pool_id)
            .cloned()
    }

    /// [`PoolKeys::key`] inside a transaction the caller holds (the store's lock is not
    /// taken twice).
    pub fn key_in(&self, c: &Connection, pool_id: &str) -> Result<Option<Arc<RsaKey>>, PoolFault> {
        if let Some(k) = self.cached(pool_id) {
            return Ok(Some(k));
        }
        if store::pool(c, pool_id)?.is_none() {
            return Ok(None);
        }
        let der = match store::pool_key(c, pool_id)? {
            Some(der) => der,
            None => {
                let fresh = generate_key()?;
                store::insert_pool_key(c, pool_id, &fresh)?;
                fresh
            }
        };
        let key = Arc::new(RsaKey::new(&der)?);
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(pool_id.to_owned(), key.clone());
        Ok(Some(key))
    }

    /// The pool's JWKS document, or `None` when there is no such pool.
    pub fn jwks(&self, pool_id: &str) -> Result<Option<Value>, PoolFault> {
        Ok(self.key(pool_id)?.map(|k| {
            json!({ "keys": [{
                "alg": "RS256", "e": k.e, "kid": k.kid, "kty": "RSA", "n": k.n, "use": "sig",
            }] })
        }))
    }

    /// The pool's OpenID discovery document, with its key set at `jwks_uri`.
    pub fn discovery(&self, pool_id: &str, jwks_uri: &str) -> Value {
        json!({
            "issuer": self.settings.issuer(pool_id),
            "jwks_uri": jwks_uri,
            "response_types_supported": ["code", "token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        })
    }

    fn sign(&self, c: &Connection, pool_id: &str, claims: &Value) -> Result<String, PoolFault> {
        let key = self
            .key_in(c, pool_id)?
            .ok_or_else(|| PoolFault::pool_not_found(pool_id))?;
        Ok(key.sign_rs256(claims)?)
    }

    /// The ID and access tokens of one sign-in.
    pub fn issue(&self, c: &Connection, i: &Issue<'_>) -> Result<(String, String), PoolFault> {
        let iss = self.settings.issuer(i.pool_id);
        let sub = i.user.sub();
        let event_id = crate::ids::guid()?;
        let group_names: Vec<&str> = i.groups.iter().map(|g| g.name.as_str()).collect();
        let roles = roles(i.groups);
        let mut id = Map::new();
        for (name, value) in &i.user.attributes {
            if i.readable.is_some_and(|r| !r.iter().any(|a| a == name)) && name != "sub" {
                continue;
            }
            let value = match name.as_str() {
                "email_verified" | "phone_number_verified" => Value::Bool(value == "true"),
                _ => Value::String(value.clone()),
            };
            id.insert(name.clone(), value);
        }
        if !group_names.is_empty() {
            id.insert("cognito:groups".into(), json!(group_names));
        }
        if !roles.is_empty() {
            id.insert("cognito:roles".into(), json!(roles));
            if let Some(role) = preferred_role(i.groups) {
                id.insert("cognito:preferred_role".into(), json!(role));
            }
        }
        let common = [
            ("sub", json!(sub)),
            ("iss", json!(iss)),
            ("origin_jti", json!(i.origin_jti)),
            ("event_id", json!(event_id)),
            ("auth_time", json!(i.auth_time)),
            ("iat", json!(i.now)),
        ];
        for (k, v) in common.iter().cloned() {
            id.insert(k.into(), v);
        }
        id.insert("aud".into(), json!(i.client_id));
        id.insert("token_use".into(), json!("id"));
        id.insert("cognito:username".into(), json!(i.user.username));
        id.insert("exp".into(), json!(i.now + i.id_secs));
        id.insert("jti".into(), json!(crate::ids::guid()?));

        let mut access: Map<String, Value> =
            common.into_iter().map(|(k, v)| (k.into(), v)).collect();
        if !group_names.is_empty() {
            access.insert("cognito:groups".into(), json!(group_names));
        }
        access.insert("client_id".into(), json!(i.client_id));
        access.insert("token_use".into(), json!("access"));
        access.insert("scope".into(), json!(SCOPE));
        access.insert("username".into(), json!(i.user.username));
        access.insert("exp".into(), json!(i.now + i.access_secs));
        access.insert("jti".into(), json!(crate::ids::guid()?));
        Ok((
            self.sign(c, i.pool_id, &Value::Object(id))?,
            self.sign(c, i.pool_id, &Value::Object(access))?,
        ))
    }

    /// The claims of a token this emulator issued, checked: the pool named by its `iss`, the
    /// signature by that pool's key, `token_use`, and expiry at `now` (seconds).
    pub fn verify(
        &self,
        token: &str,
        token_use: &str,
        now: i64,
    ) -> Result<(String, Map<String, Value>), String> {
        let claims = crate::tokens::unverified_claims(token).ok_or("not a JWT")?;
        let iss = claims
            .get("iss")
            .and_then(Value::as_str)
            .ok_or("no `iss` claim")?;
        let pool_id = iss.rsplit('/').next().unwrap_or_default().to_owned();
        if self.settings.issuer(&pool_id) != iss {
            return Err(format!("`iss` {iss} is not a pool of this emulator"));
        }
        let key = self
            .key(&pool_id)
            .map_err(|e| e.message)?
            .ok_or_else(|| format!("user pool {pool_id} does not exist"))?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.set_issuer(&[iss]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key.decoding, &validation)
            .map_err(|e| format!("{e}"))?
            .claims;
        if claims.get("token_use").and_then(Value::as_str) != Some(token_use) {
            return Err(format!("token_use is not '{token_use}'"));
        }
        let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
        if exp <= now {
            return Err("the token has expired".to_owned());
        }
        Ok((pool_id, claims))
    }
}

impl crate::logins::LocalPools for PoolKeys {
    fn issues(&self, provider: &str) -> bool {
        // `cognito-idp.<region>.amazonaws.com/<poolId>` of a pool this emulator has.
        let Some((host, pool_id)) = provider.split_once('/') else {
            return false;
        };
        host == format!("cognito-idp.{}.amazonaws.com", self.settings.region)
            && matches!(self.key(pool_id), Ok(Some(_)))
    }

    fn verify_id_token(
        &self,
        provider: &str,
        token: &str,
        now: i64,
    ) -> Result<Map<String, Value>, Fault> {
        let invalid =
            |reason: String| Fault::not_authorized(format!("Invalid login token. {reason}"));
        let (pool_id, claims) = self.verify(token, "id", now).map_err(invalid)?;
        if provider.rsplit('/').next() != Some(pool_id.as_str()) {
            return Err(invalid("Issuer doesn't match providerName".to_owned()));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(name: &str, precedence: Option<i32>, role: Option<&str>) -> Group {
        Group {
            name: name.into(),
            description: None,
            role_arn: role.map(Into::into),
            precedence,
            created_ms: 0,
            modified_ms: 0,
        }
    }

    /// Sorted as the store hands groups to the token issuer: by precedence, unset last.
    fn sorted(mut groups: Vec<Group>) -> Vec<Group> {
        groups.sort_by_key(|g| g.precedence.map_or(i64::MAX, i64::from));
        groups
    }

    #[test]
    fn the_lowest_precedence_with_a_role_is_the_preferred_role() {
        let groups = sorted(vec![
            group("readers", Some(5), Some("arn:aws:iam::1:role/Read")),
            group("admins", Some(1), Some("arn:aws:iam::1:role/Admin")),
            group("norole", Some(0), None),
            group("unranked", None, Some("arn:aws:iam::1:role/Other")),
        ]);
        assert_eq!(preferred_role(&groups), Some("arn:aws:iam::1:role/Admin"));
        assert_eq!(
            roles(&groups),
            [
                "arn:aws:iam::1:role/Admin",
                "arn:aws:iam::1:role/Read",
                "arn:aws:iam::1:role/Other"
            ]
        );
    }

    #[test]
    fn a_group_without_precedence_loses_to_any_with_one() {
        let groups = sorted(vec![
            group("unranked", None, Some("arn:aws:iam::1:role/Other")),
            group("last", Some(i32::MAX), Some("arn:aws:iam::1:role/Last")),
        ]);
        assert_eq!(preferred_role(&groups), Some("arn:aws:iam::1:role/Last"));
        let alone = [group("unranked", None, Some("arn:aws:iam::1:role/Other"))];
        assert_eq!(preferred_role(&alone), Some("arn:aws:iam::1:role/Other"));
    }

    #[test]
    fn tied_groups_share_a_role_or_leave_the_claim_out() {
        let same = sorted(vec![
            group("a", Some(2), Some("arn:aws:iam::1:role/Same")),
            group("b", Some(2), Some("arn:aws:iam::1:role/Same")),
            group("c", Some(3), Some("arn:aws:iam::1:role/Later")),
        ]);
        assert_eq!(preferred_role(&same), Some("arn:aws:iam::1:role/Same"));
        assert_eq!(
            roles(&same),
            ["arn:aws:iam::1:role/Same", "arn:aws:iam::1:role/Later"]
        );
        let different = sorted(vec![
            group("a", Some(2), Some("arn:aws:iam::1:role/A")),
            group("b", Some(2), Some("arn:aws:iam::1:role/B")),
            group("c", Some(3), Some("arn:aws:iam::1:role/Later")),
        ]);
        assert_eq!(preferred_role(&different), None);
        assert_eq!(roles(&different).len(), 3);
        assert_eq!(preferred_role(&[]), None);
        assert_eq!(preferred_role(&[group("x", Some(0), None)]), None);
    }
}
