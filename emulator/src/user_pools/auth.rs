//! Signing in: `InitiateAuth` and `AdminInitiateAuth` with the password, SRP and refresh
//! flows, the `NEW_PASSWORD_REQUIRED` and `PASSWORD_VERIFIER` challenges, refresh tokens
//! (issue, rotate, revoke) and sign-out, app client secrets (`SECRET_HASH`), and reading the
//! access tokens that `GetUser` and the other self-service operations take.
//!
//! Challenge sessions live in memory for the client's `AuthSessionValidity` (three minutes
//! by default) and do not survive a restart. Refresh tokens are opaque random strings; the
//! store keeps their SHA-256 digests, never the tokens.

use std::collections::HashMap;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cognito_identity_provider::types::*;
use cognito_srp::{ServerHandshake, Timestamp};
use rusqlite::Connection;
use serde_json::Value;

use super::cache::AccessToken;
use super::password;
use super::service::{existing_user, find_user, hides_users, key_of, policy, seconds, UserPools};
use super::store::{self, Refresh, User};
use super::tokens::Issue;
use super::PoolFault;
use crate::ids;

/// An open challenge: whom it is for and what answers it.
#[derive(Debug)]
pub struct Challenge {
    pool_id: String,
    client_id: String,
    username: String,
    kind: ChallengeKind,
    expires_ms: i64,
}

#[derive(Debug)]
enum ChallengeKind {
    /// `NEW_PASSWORD_REQUIRED`.
    NewPassword,
    /// `PASSWORD_VERIFIER`: the server's half of the SRP handshake.
    PasswordVerifier(Box<ServerHandshake>),
}

impl ChallengeKind {
    fn name(&self) -> &'static str {
        match self {
            ChallengeKind::NewPassword => "NEW_PASSWORD_REQUIRED",
            ChallengeKind::PasswordVerifier(_) => "PASSWORD_VERIFIER",
        }
    }
}

/// What an auth step answers: a challenge to meet, or tokens.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The challenge, when there is one.
    pub challenge_name: Option<ChallengeNameType>,
    /// The session to answer it with.
    pub session: Option<String>,
    /// The challenge's parameters.
    pub challenge_parameters: Option<HashMap<String, String>>,
    /// The tokens, when signed in.
    pub authentication_result: Option<AuthenticationResultType>,
}

fn sha256_hex(text: &str) -> String {
    password::hex(ring::digest::digest(&ring::digest::SHA256, text.as_bytes()).as_ref())
}

/// `SECRET_HASH`: base64 of HMAC-SHA256 keyed with the client secret over the user name and
/// the client id.
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, client_secret.as_bytes());
    let tag = ring::hmac::sign(&key, format!("{username}{client_id}").as_bytes());
    STANDARD.encode(tag.as_ref())
}

/// Whether `client` allows `flow`.
fn flow_enabled(client: &UserPoolClientType, flow: &str) -> bool {
    let flows: Vec<&str> = client
        .explicit_auth_flows
        .iter()
        .flatten()
        .map(ExplicitAuthFlowsType::as_str)
        .collect();
    let legacy = flows.iter().all(|f| !f.starts_with("ALLOW_"));
    let has = |name: &str| flows.contains(&name);
    match flow {
        "USER_SRP_AUTH" => has("ALLOW_USER_SRP_AUTH") || legacy,
        "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => has("ALLOW_REFRESH_TOKEN_AUTH") || legacy,
        "USER_PASSWORD_AUTH" => has("ALLOW_USER_PASSWORD_AUTH") || has("USER_PASSWORD_AUTH"),
        "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" => {
            has("ALLOW_ADMIN_USER_PASSWORD_AUTH") || has("ADMIN_NO_SRP_AUTH")
        }
        "CUSTOM_AUTH" => has("ALLOW_CUSTOM_AUTH") || has("CUSTOM_AUTH_FLOW_ONLY"),
        "USER_AUTH" => has("ALLOW_USER_AUTH"),
        _ => false,
    }
}

/// Whether `client` rotates refresh tokens.
fn rotates(client: &UserPoolClientType) -> bool {
    client
        .refresh_token_rotation
        .as_ref()
        .is_some_and(|r| r.feature == FeatureType::Enabled)
}

/// The refusal of `REFRESH_TOKEN_AUTH` (or `REFRESH_TOKEN`) on a client that rotates refresh
/// tokens. The developer guide says the flow does not work there and to refresh with
/// `GetTokensFromRefreshToken`, but not what the service answers: the code is the emulator's
/// choice, the one a flow the client does not allow gets.
fn rotation_refuses(flow: &str) -> PoolFault {
    PoolFault::invalid_parameter(format!(
        "{flow} is not supported for this client: refresh token rotation is enabled, \
         refresh tokens with GetTokensFromRefreshToken"
    ))
}

fn param<'a>(params: &'a HashMap<String, String>, name: &str) -> Result<&'a str, PoolFault> {
    params
        .get(name)
        .map(String::as_str)
        .ok_or_else(|| PoolFault::invalid_parameter(format!("Missing required parameter {name}")))
}

/// How far a `PASSWORD_VERIFIER` answer's `TIMESTAMP` may be from the emulator's clock, either
/// way. Cognito checks the claim's time but does not document its tolerance; clients whose
/// clocks were an hour and more off have been reported to sign in, so the window is wide: a
/// day, which still refuses a claim made with a stale or made-up time, and leaves room for
/// the emulator's `--clock-offset`. The README says the same.
pub const TIMESTAMP_WINDOW_SECS: u64 = 24 * 60 * 60;

/// Refuses a claim whose `TIMESTAMP` is more than [`TIMESTAMP_WINDOW_SECS`] from `now`.
fn check_timestamp(timestamp: &Timestamp, now: i64) -> Result<(), PoolFault> {
    let now = u64::try_from(now).unwrap_or(0);
    if timestamp.unix_seconds().abs_diff(now) > TIMESTAMP_WINDOW_SECS {
        return Err(PoolFault::not_authorized(format!(
            "TIMESTAMP {} is more than 24 hours from the server's clock.",
            timestamp.as_str()
        )));
    }
    Ok(())
}

/// The flows that take the password itself.
const PASSWORD_FLOWS: [&str; 3] = [
    "USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "ADMIN_NO_SRP_AUTH",
];

fn session_expired() -> PoolFault {
    PoolFault::not_authorized("Invalid session for the user, session is expired.")
}

impl UserPools {
    /// The client `client_id` and its pool.
    pub(super) fn client_by_id(
        &self,
        c: &Connection,
        client_id: &str,
    ) -> Result<(UserPoolType, UserPoolClientType), PoolFault> {
        let client =
            store::client(c, client_id)?.ok_or_else(|| PoolFault::client_not_found(client_id))?;
        let pool = store::existing_pool(c, client.user_pool_id.as_deref().unwrap_or_default())?;
        Ok((pool, client))
    }

    /// Refuses a request of a client with a secret whose `SECRET_HASH` is missing or wrong.
    pub(super) fn check_secret_hash(
        &self,
        client: &UserPoolClientType,
        username: &str,
        given: Option<&str>,
    ) -> Result<(), PoolFault> {
        self.check_secret_hash_of(client, &[username], given)
    }

    fn check_secret_hash_of(
        &self,
        client: &UserPoolClientType,
        usernames: &[&str],
        given: Option<&str>,
    ) -> Result<(), PoolFault> {
        let Some(secret) = client.client_secret.as_deref() else {
            return Ok(());
        };
        let client_id = client.client_id.as_deref().unwrap_or_default();
        let Some(given) = given else {
            return Err(PoolFault::not_authorized(format!(
                "Client {client_id} is configured with secret but SECRET_HASH was not received"
            )));
        };
        let ok = usernames.iter().any(|u| {
            let expected = secret_hash(secret, u, client_id);
            password::same(expected.as_bytes(), given.as_bytes())
        });
        if ok {
            Ok(())
        } else {
            Err(PoolFault::not_authorized(format!(
                "Unable to verify secret hash for client {client_id}"
            )))
        }
    }

    /// The user a client-side call names, or the error the client's settings call for.
    pub(super) fn user_for_client(
        &self,
        c: &Connection,
        pool: &UserPoolType,
        client: &UserPoolClientType,
        username: &str,
    ) -> Result<(String, User), PoolFault> {
        match find_user(c, pool, username)? {
            Some(found) => Ok(found),
            None if hides_users(client) => Err(PoolFault::incorrect_credentials()),
            None => Err(PoolFault::no_user()),
        }
    }

    /// The pool, the stored key and the user an access token was issued to, checked:
    /// signature, expiry, not revoked, and the user still there and enabled.
    pub(super) fn signed_in(&self, token: &str) -> Result<(String, String, Arc<User>), PoolFault> {
        let now = self.now_ms() / 1000;
        let revoked = || PoolFault::not_authorized("Access Token has been revoked");
        let (claims, key, user) = match self.cached_sign_in(token) {
            Some((claims, live, key, user)) => {
                if claims.exp <= now {
                    return Err(PoolFault::not_authorized("Access Token has expired"));
                }
                if !live {
                    return Err(revoked());
                }
                (claims, key, user)
            }
            None => {
                let claims = self.access_token(token, now)?;
                if !self.session_live(&claims.origin_jti)? {
                    return Err(revoked());
                }
                let pool = self.pool(&claims.pool_id)?;
                let key = key_of(&pool, &claims.username);
                let user = self
                    .user_by_key(&claims.pool_id, &key)?
                    .ok_or_else(|| PoolFault::not_authorized("User does not exist."))?;
                (claims, key, user)
            }
        };
        if !user.enabled {
            return Err(PoolFault::not_authorized("User is disabled."));
        }
        Ok((claims.pool_id.clone(), key, user))
    }

    /// What [`UserPools::signed_in`] reads, when the cache holds all of it: the token's claims,
    /// whether its session is live, the user's stored key and the user, looked up under one
    /// read lock. Nothing is checked here.
    fn cached_sign_in(&self, token: &str) -> Option<(Arc<AccessToken>, bool, String, Arc<User>)> {
        let view = self.cache.view();
        let claims = view.token(token)?;
        let live = view.session(&claims.origin_jti)?;
        let key = key_of(view.pool(&claims.pool_id)?, &claims.username);
        let user = view.user(&claims.pool_id, &key)?;
        Some((claims.clone(), live, key, user.clone()))
    }

    /// An access token's claims, its signature checked once and then kept by its text; its
    /// expiry is compared with `now` (seconds) on every use.
    fn access_token(&self, token: &str, now: i64) -> Result<Arc<AccessToken>, PoolFault> {
        let expired = || PoolFault::not_authorized("Access Token has expired");
        if let Some(claims) = self.cache.token(token) {
            return if claims.exp <= now {
                Err(expired())
            } else {
                Ok(claims)
            };
        }
        let generation = self.cache.generation();
        let (pool_id, claims) = self.keys.verify(token, "access", now).map_err(|e| {
            if e.contains("expired") {
                expired()
            } else {
                PoolFault::not_authorized("Invalid Access Token")
            }
        })?;
        let text = |name: &str| {
            claims
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let checked = Arc::new(AccessToken {
            pool_id,
            username: text("username"),
            origin_jti: text("origin_jti"),
            exp: claims.get("exp").and_then(Value::as_i64).unwrap_or(0),
        });
        self.cache.put_token(generation, token, checked.clone());
        Ok(checked)
    }

    fn lifetimes(client: &UserPoolClientType) -> (i64, i64, i64) {
        let units = client.token_validity_units.clone().unwrap_or_default();
        let unit = |u: Option<TimeUnitsType>, default: TimeUnitsType| Some(u.unwrap_or(default));
        (
            seconds(
                client.id_token_validity.unwrap_or(60),
                unit(units.id_token, TimeUnitsType::Minutes).as_ref(),
            ),
            seconds(
                client.access_token_validity.unwrap_or(60),
                unit(units.access_token, TimeUnitsType::Minutes).as_ref(),
            ),
            seconds(
                client.refresh_token_validity.unwrap_or(30),
                unit(units.refresh_token, TimeUnitsType::Days).as_ref(),
            ),
        )
    }

    /// ID and access tokens for the session a refresh row stands for.
    fn tokens_for(
        &self,
        c: &Connection,
        client: &UserPoolClientType,
        user: &User,
        refresh: &Refresh,
    ) -> Result<AuthenticationResultType, PoolFault> {
        let (id_secs, access_secs, _) = Self::lifetimes(client);
        let groups = store::groups_of(c, &refresh.pool_id, &user.username)?;
        let (id_token, access_token) = self.keys.issue(
            c,
            &Issue {
                pool_id: &refresh.pool_id,
                client_id: &refresh.client_id,
                user,
                groups: &groups,
                origin_jti: &refresh.origin_jti,
                auth_time: refresh.auth_time,
                now: self.now_ms() / 1000,
                id_secs,
                access_secs,
                readable: client.read_attributes.as_deref(),
            },
        )?;
        Ok(AuthenticationResultType {
            access_token: Some(access_token),
            expires_in: Some(access_secs as i32),
            token_type: Some("Bearer".into()),
            id_token: Some(id_token),
            ..Default::default()
        })
    }

    /// A new session for `user`: a refresh token and the tokens issued with it.
    fn new_session(
        &self,
        c: &Connection,
        pool_id: &str,
        client: &UserPoolClientType,
        user: &User,
        auth_time: Option<i64>,
    ) -> Result<AuthenticationResultType, PoolFault> {
        let now = self.now_ms();
        let (_, _, refresh_secs) = Self::lifetimes(client);
        let token = ids::random_text(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            96,
        )?;
        let row = Refresh {
            pool_id: pool_id.to_owned(),
            client_id: client.client_id.clone().unwrap_or_default(),
            username: user.username.clone(),
            origin_jti: ids::guid()?,
            auth_time: auth_time.unwrap_or(now / 1000),
            expires_ms: now + refresh_secs * 1000,
            revoked: false,
        };
        store::insert_refresh(c, &sha256_hex(&token), &row)?;
        let mut result = self.tokens_for(c, client, user, &row)?;
        result.refresh_token = Some(token);
        Ok(result)
    }

    /// The pool and app client `client_id` names, checked: in pool `admin` for the admin
    /// operations, and allowing `flow`.
    fn client_for(
        &self,
        c: &Connection,
        admin: Option<&str>,
        client_id: &str,
        flow: &str,
    ) -> Result<(UserPoolType, UserPoolClientType), PoolFault> {
        let (pool, client) = self.client_by_id(c, client_id)?;
        if let Some(admin_pool) = admin {
            if pool.id.as_deref() != Some(admin_pool) {
                store::existing_pool(c, admin_pool)?;
                return Err(PoolFault::client_not_found(client_id));
            }
        }
        if matches!(flow, "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN") && rotates(&client) {
            return Err(rotation_refuses(flow));
        }
        if !flow_enabled(&client, flow) {
            return Err(PoolFault::invalid_parameter(format!(
                "{flow} flow not enabled for this client"
            )));
        }
        Ok((pool, client))
    }

    /// The user a password flow names, checked up to the password: parameters, secret hash,
    /// existence, enabled.
    fn password_user(
        &self,
        c: &Connection,
        pool: &UserPoolType,
        client: &UserPoolClientType,
        params: &HashMap<String, String>,
    ) -> Result<User, PoolFault> {
        let username = param(params, "USERNAME")?;
        param(params, "PASSWORD")?;
        self.check_secret_hash(
            client,
            username,
            params.get("SECRET_HASH").map(String::as_str),
        )?;
        let (_, user) = self.user_for_client(c, pool, client, username)?;
        if !user.enabled {
            return Err(PoolFault::not_authorized("User is disabled."));
        }
        Ok(user)
    }

    /// `Incorrect username or password.` unless `given` is the user's password.
    fn check_password(&self, pool_id: &str, user: &User, given: &str) -> Result<(), PoolFault> {
        let ok = user
            .secret
            .as_ref()
            .is_some_and(|s| self.checked.matches(pool_id, &user.username, given, s));
        if ok {
            Ok(())
        } else {
            Err(PoolFault::incorrect_credentials())
        }
    }

    /// What follows a correct password: an error for a user who may not sign in yet, the
    /// new-password challenge, or tokens.
    fn after_password(
        &self,
        c: &Connection,
        pool_id: &str,
        client: &UserPoolClientType,
        user: &User,
    ) -> Result<Outcome, PoolFault> {
        match user.status.as_str() {
            "UNCONFIRMED" => Err(PoolFault::user_not_confirmed("User is not confirmed.")),
            "RESET_REQUIRED" => Err(PoolFault::password_reset_required(
                "Password reset required for the user",
            )),
            "FORCE_CHANGE_PASSWORD" => {
                if user
                    .temporary_until_ms
                    .is_some_and(|until| until <= self.now_ms())
                {
                    return Err(PoolFault::not_authorized(
                        "Temporary password has expired and must be reset by an administrator.",
                    ));
                }
                let attributes: serde_json::Map<String, Value> = user
                    .attributes
                    .iter()
                    .filter(|(k, _)| k.as_str() != "sub")
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect();
                let session =
                    self.open_challenge(client, pool_id, user, ChallengeKind::NewPassword)?;
                Ok(Outcome {
                    challenge_name: Some(ChallengeNameType::NewPasswordRequired),
                    session: Some(session),
                    challenge_parameters: Some(HashMap::from([
                        ("USER_ID_FOR_SRP".to_owned(), user.username.clone()),
                        ("requiredAttributes".to_owned(), "[]".to_owned()),
                        (
                            "userAttributes".to_owned(),
                            Value::Object(attributes).to_string(),
                        ),
                    ])),
                    authentication_result: None,
                })
            }
            _ => Ok(Outcome {
                authentication_result: Some(self.new_session(c, pool_id, client, user, None)?),
                ..Outcome::default()
            }),
        }
    }

    fn open_challenge(
        &self,
        client: &UserPoolClientType,
        pool_id: &str,
        user: &User,
        kind: ChallengeKind,
    ) -> Result<String, PoolFault> {
        let minutes = i64::from(client.auth_session_validity.unwrap_or(3).clamp(3, 15));
        let session = ids::random_text(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
            160,
        )?;
        let now = self.now_ms();
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        sessions.retain(|_, ch| ch.expires_ms > now);
        sessions.insert(
            session.clone(),
            Challenge {
                pool_id: pool_id.to_owned(),
                client_id: client.client_id.clone().unwrap_or_default(),
                username: user.username.clone(),
                kind,
                expires_ms: now + minutes * 60_000,
            },
        );
        Ok(session)
    }

    /// Takes the open challenge `session` names (or, for `PASSWORD_VERIFIER` answered without
    /// a session as some SRP clients do, the one whose SECRET_BLOCK `secret_block` is).
    fn take_challenge(
        &self,
        session: Option<&str>,
        secret_block: Option<&str>,
        client_id: &str,
        kind: &str,
    ) -> Result<Challenge, PoolFault> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let key = match (session, secret_block) {
            (Some(s), _) => s.to_owned(),
            (None, Some(block)) => sessions
                .iter()
                .find(|(_, ch)| {
                    matches!(&ch.kind, ChallengeKind::PasswordVerifier(h) if h.secret_block() == block)
                })
                .map(|(k, _)| k.clone())
                .ok_or_else(session_expired)?,
            (None, None) => return Err(session_expired()),
        };
        let ch = sessions.remove(&key).ok_or_else(session_expired)?;
        if ch.expires_ms <= self.now_ms() || ch.client_id != client_id || ch.kind.name() != kind {
            return Err(session_expired());
        }
        Ok(ch)
    }

    /// One step of `InitiateAuth` (`admin` holds the pool id for `AdminInitiateAuth`).
    pub(super) fn initiate(
        &self,
        admin: Option<&str>,
        client_id: &str,
        flow: &AuthFlowType,
        params: &HashMap<String, String>,
    ) -> Result<Outcome, PoolFault> {
        let flow_name = flow.as_str();
        let allowed: &[&str] = if admin.is_some() {
            &[
                "USER_SRP_AUTH",
                "REFRESH_TOKEN_AUTH",
                "REFRESH_TOKEN",
                "CUSTOM_AUTH",
                "ADMIN_NO_SRP_AUTH",
                "ADMIN_USER_PASSWORD_AUTH",
                "USER_AUTH",
            ]
        } else {
            &[
                "USER_SRP_AUTH",
                "REFRESH_TOKEN_AUTH",
                "REFRESH_TOKEN",
                "CUSTOM_AUTH",
                "USER_PASSWORD_AUTH",
                "USER_AUTH",
            ]
        };
        if !allowed.contains(&flow_name) {
            return Err(PoolFault::invalid_parameter(
                "Initiate Auth method not supported.",
            ));
        }
        // The password check (a 3072-bit modular power) runs outside the store's lock, so that
        // sign-ins on different threads overlap; the transaction below only confirms that the
        // secret checked is still the user's, and checks again if it changed meanwhile.
        let checked = if PASSWORD_FLOWS.contains(&flow_name) {
            let (pool, user) = self.read(|c| {
                let (pool, client) = self.client_for(c, admin, client_id, flow_name)?;
                let user = self.password_user(c, &pool, &client, params)?;
                Ok((pool, user))
            })?;
            let pool_id = pool.id.as_deref().unwrap_or_default();
            self.check_password(pool_id, &user, param(params, "PASSWORD")?)?;
            user.secret
        } else {
            None
        };
        self.write(|c| {
            let (pool, client) = self.client_for(c, admin, client_id, flow_name)?;
            let pool_id = pool.id.clone().unwrap_or_default();
            match flow_name {
                "USER_PASSWORD_AUTH" | "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" => {
                    let user = self.password_user(c, &pool, &client, params)?;
                    if user.secret.is_none() || user.secret != checked {
                        self.check_password(&pool_id, &user, param(params, "PASSWORD")?)?;
                    }
                    self.after_password(c, &pool_id, &client, &user)
                }
                "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
                    let token = param(params, "REFRESH_TOKEN")?;
                    let (result, _) = self.refresh(
                        c,
                        &client,
                        token,
                        params.get("SECRET_HASH").map(String::as_str),
                        false,
                    )?;
                    Ok(Outcome {
                        authentication_result: Some(result),
                        ..Outcome::default()
                    })
                }
                "USER_SRP_AUTH" => {
                    let username = param(params, "USERNAME")?;
                    let srp_a = param(params, "SRP_A")?;
                    self.check_secret_hash(
                        &client,
                        username,
                        params.get("SECRET_HASH").map(String::as_str),
                    )?;
                    let (_, user) = self.user_for_client(c, &pool, &client, username)?;
                    let stored = user
                        .secret
                        .as_ref()
                        .ok_or_else(PoolFault::incorrect_credentials)?;
                    let handshake = ServerHandshake::start(
                        password::pool_name(&pool_id)?,
                        &user.username,
                        &password::verifier(stored)?,
                        srp_a,
                    )
                    .map_err(|e| PoolFault::invalid_parameter(format!("SRP_A: {e}")))?;
                    let parameters = HashMap::from([
                        ("SALT".to_owned(), handshake.salt()),
                        ("SECRET_BLOCK".to_owned(), handshake.secret_block()),
                        ("SRP_B".to_owned(), handshake.srp_b().to_owned()),
                        ("USERNAME".to_owned(), user.username.clone()),
                        ("USER_ID_FOR_SRP".to_owned(), user.username.clone()),
                    ]);
                    let session = self.open_challenge(
                        &client,
                        &pool_id,
                        &user,
                        ChallengeKind::PasswordVerifier(Box::new(handshake)),
                    )?;
                    Ok(Outcome {
                        challenge_name: Some(ChallengeNameType::PasswordVerifier),
                        session: Some(session),
                        challenge_parameters: Some(parameters),
                        authentication_result: None,
                    })
                }
                "CUSTOM_AUTH" => Err(PoolFault::invalid_parameter(
                    "Custom auth lambda trigger is not configured for the user pool.",
                )),
                _ => Err(PoolFault::out_of_scope(&format!("The {flow_name} flow"))),
            }
        })
    }

    /// New tokens from a refresh token, checking the client's secret hash. With `rotate`
    /// (`GetTokensFromRefreshToken`), `secret` is the client secret itself, and a client with
    /// rotation gets a new refresh token while the old one is revoked; without it
    /// (`REFRESH_TOKEN_AUTH`, which a rotating client never reaches), `secret` is the hash.
    fn refresh(
        &self,
        c: &Connection,
        client: &UserPoolClientType,
        token: &str,
        secret: Option<&str>,
        rotate: bool,
    ) -> Result<(AuthenticationResultType, Option<String>), PoolFault> {
        let digest = sha256_hex(token);
        let invalid = || PoolFault::not_authorized("Invalid Refresh Token");
        let row = store::refresh(c, &digest)?.ok_or_else(invalid)?;
        if row.client_id != client.client_id.as_deref().unwrap_or_default() {
            return Err(invalid());
        }
        if row.revoked {
            return Err(PoolFault::not_authorized("Refresh Token has been revoked"));
        }
        if row.expires_ms <= self.now_ms() {
            return Err(PoolFault::not_authorized("Refresh Token has expired"));
        }
        let pool = store::existing_pool(c, &row.pool_id)?;
        let (_, user) = existing_user(c, &pool, &row.username)
            .map_err(|_| PoolFault::not_authorized("User does not exist."))?;
        if rotate {
            if let Some(expected) = client.client_secret.as_deref() {
                if secret != Some(expected) {
                    return Err(PoolFault::not_authorized(format!(
                        "Unable to verify secret hash for client {}",
                        client.client_id.as_deref().unwrap_or_default()
                    )));
                }
            }
        } else {
            self.check_secret_hash_of(client, &[&user.username, user.sub()], secret)?;
        }
        if !user.enabled {
            return Err(PoolFault::not_authorized("User is disabled."));
        }
        if rotate && rotates(client) {
            store::revoke_refresh(c, &digest)?;
            let result = self.new_session(c, &row.pool_id, client, &user, Some(row.auth_time))?;
            return Ok((result, None));
        }
        Ok((self.tokens_for(c, client, &user, &row)?, None))
    }

    /// `GetTokensFromRefreshToken`. It needs no `ALLOW_REFRESH_TOKEN_AUTH`, on any client:
    /// that flag allows the `InitiateAuth` flow, and the developer guide has rotating clients
    /// turn it off and refresh here.
    pub(super) fn tokens_from_refresh(
        &self,
        input: GetTokensFromRefreshTokenRequest,
    ) -> Result<AuthenticationResultType, PoolFault> {
        self.write(|c| {
            let (_, client) = self.client_by_id(c, &input.client_id)?;
            let (result, _) = self.refresh(
                c,
                &client,
                &input.refresh_token,
                input.client_secret.as_deref(),
                true,
            )?;
            Ok(result)
        })
    }

    /// One answer to a challenge (`admin` holds the pool id for the admin operation).
    pub(super) fn respond(
        &self,
        admin: Option<&str>,
        client_id: &str,
        name: &ChallengeNameType,
        session: Option<&str>,
        responses: &HashMap<String, String>,
    ) -> Result<Outcome, PoolFault> {
        match name {
            ChallengeNameType::NewPasswordRequired => {
                self.respond_new_password(admin, client_id, session, responses)
            }
            ChallengeNameType::PasswordVerifier => {
                self.respond_password_verifier(admin, client_id, session, responses)
            }
            other => Err(PoolFault::invalid_parameter(format!(
                "The challenge {} is not supported by cognito-identity-local.",
                other.as_str()
            ))),
        }
    }

    fn respond_password_verifier(
        &self,
        admin: Option<&str>,
        client_id: &str,
        session: Option<&str>,
        responses: &HashMap<String, String>,
    ) -> Result<Outcome, PoolFault> {
        let username = param(responses, "USERNAME")?;
        let block = param(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        let signature = param(responses, "PASSWORD_CLAIM_SIGNATURE")?;
        let timestamp = Timestamp::parse(param(responses, "TIMESTAMP")?)
            .map_err(|e| PoolFault::invalid_parameter(format!("TIMESTAMP: {e}")))?;
        let ch = self.take_challenge(session, Some(block), client_id, "PASSWORD_VERIFIER")?;
        let ChallengeKind::PasswordVerifier(handshake) = &ch.kind else {
            return Err(session_expired());
        };
        check_timestamp(&timestamp, self.now_ms() / 1000)?;
        self.write(|c| {
            let (pool, client) = self.client_by_id(c, client_id)?;
            if admin.is_some_and(|p| p != ch.pool_id) {
                return Err(session_expired());
            }
            self.check_secret_hash(
                &client,
                username,
                responses.get("SECRET_HASH").map(String::as_str),
            )?;
            let (_, user) = existing_user(c, &pool, &ch.username)?;
            handshake
                .verify(block, &timestamp, signature)
                .map_err(|_| PoolFault::incorrect_credentials())?;
            if !user.enabled {
                return Err(PoolFault::not_authorized("User is disabled."));
            }
            self.after_password(c, &ch.pool_id, &client, &user)
        })
    }

    fn respond_new_password(
        &self,
        admin: Option<&str>,
        client_id: &str,
        session: Option<&str>,
        responses: &HashMap<String, String>,
    ) -> Result<Outcome, PoolFault> {
        let username = param(responses, "USERNAME")?;
        let new_password = param(responses, "NEW_PASSWORD")?;
        let ch = self.take_challenge(session, None, client_id, "NEW_PASSWORD_REQUIRED")?;
        self.write(|c| {
            let (pool, client) = self.client_by_id(c, client_id)?;
            if admin.is_some_and(|p| p != ch.pool_id) {
                return Err(session_expired());
            }
            self.check_secret_hash(
                &client,
                username,
                responses.get("SECRET_HASH").map(String::as_str),
            )?;
            let (key, mut user) = existing_user(c, &pool, &ch.username)?;
            if key_of(&pool, username) != key
                && find_user(c, &pool, username)?.map(|(k, _)| k) != Some(key.clone())
            {
                return Err(session_expired());
            }
            password::check_policy(&policy(&pool), new_password)?;
            let extra: Vec<AttributeType> = responses
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix("userAttributes.").map(|name| AttributeType {
                        name: name.to_owned(),
                        value: Some(v.clone()),
                    })
                })
                .collect();
            super::service::apply_attributes(&pool, &mut user, &extra, false)?;
            user.secret = Some(password::make_secret(
                &ch.pool_id,
                &user.username,
                new_password,
            )?);
            user.status = "CONFIRMED".into();
            user.temporary_until_ms = None;
            user.modified_ms = self.now_ms();
            store::put_user(c, &ch.pool_id, &key, &user)?;
            self.after_password(c, &ch.pool_id, &client, &user)
        })
    }

    /// `RevokeToken`: ends the session a refresh token stands for.
    pub(super) fn revoke(&self, input: RevokeTokenRequest) -> Result<(), PoolFault> {
        self.write(|c| {
            let (_, client) = self.client_by_id(c, &input.client_id)?;
            if let Some(secret) = client.client_secret.as_deref() {
                if input.client_secret.as_deref() != Some(secret) {
                    return Err(PoolFault::not_authorized("Invalid client secret."));
                }
            }
            if client.enable_token_revocation == Some(false) {
                return Err(PoolFault::unsupported_operation(
                    "Token revocation is not enabled for this client.",
                ));
            }
            if crate::tokens::Jwt::read(&input.token).is_some() {
                return Err(PoolFault::unsupported_token_type(
                    "Only refresh tokens can be revoked.",
                ));
            }
            let digest = sha256_hex(&input.token);
            match store::refresh(c, &digest)? {
                Some(row) if row.client_id == input.client_id => store::revoke_refresh(c, &digest),
                Some(_) => Err(PoolFault::not_authorized("Invalid Refresh Token")),
                // As OAuth's revocation does, an unknown token is no error.
                None => Ok(()),
            }
        })
    }

    /// `GlobalSignOut`.
    pub(super) fn global_sign_out(&self, access_token: &str) -> Result<(), PoolFault> {
        let (pool_id, _, user) = self.signed_in(access_token)?;
        self.write(|c| store::revoke_user(c, &pool_id, &user.username))
    }

    /// `AdminUserGlobalSignOut`.
    pub(super) fn admin_sign_out(&self, pool_id: &str, username: &str) -> Result<(), PoolFault> {
        self.write(|c| {
            let pool = store::existing_pool(c, pool_id)?;
            let (_, user) = existing_user(c, &pool, username)?;
            store::revoke_user(c, pool_id, &user.username)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_hash_is_base64_hmac_of_user_and_client() {
        // HMAC-SHA256("secret", "aliceclient") computed independently.
        let h = secret_hash("secret", "alice", "client");
        assert_eq!(STANDARD.decode(&h).unwrap().len(), 32);
        assert_ne!(h, secret_hash("secret", "bob", "client"));
    }

    #[test]
    fn a_claim_timestamp_far_from_the_clock_is_refused() {
        let now: i64 = 1_800_000_000;
        let at = |offset: i64| Timestamp::from_unix_seconds((now + offset) as u64);
        let window = TIMESTAMP_WINDOW_SECS as i64;
        for offset in [0, 3600, -3600, window, -window] {
            assert_eq!(check_timestamp(&at(offset), now), Ok(()), "{offset}");
        }
        for offset in [window + 1, -window - 1, 30 * 86_400] {
            let e = check_timestamp(&at(offset), now).unwrap_err();
            assert_eq!(e.code, "NotAuthorizedException");
            assert!(e.message.contains("TIMESTAMP"), "{}", e.message);
        }
    }
}
