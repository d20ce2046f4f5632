//! The user-pool operations over the store: pools, app clients, users and groups, as plain
//! functions returning [`PoolFault`]. The sign-in flows are in `auth`. The generated trait's
//! impl at the bottom only converts errors; operations the emulator leaves out (hosted UI
//! and OAuth, MFA, Lambda triggers, devices, imports, identity providers, domains, ...)
//! answer `UnsupportedOperationException` naming themselves, and the README lists them.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use aws_json_runtime::wire::error::ErrorResponse;
use aws_json_runtime::{Bytes, DateTime, OperationError};
use cognito_identity_provider::error::*;
use cognito_identity_provider::types::*;
use cognito_identity_provider::CognitoIdentityProvider;
use rusqlite::Connection;

use super::auth::Challenge;
use super::cache::ReadCache;
use super::codes::{self, Purpose};
use super::password;
use super::store::{self, Group, User};
use super::tokens::PoolKeys;
use super::{PoolFault, PoolSettings};
use crate::ids;
use crate::store::{Read, Store};

/// The standard attributes of a user pool (OpenID Connect's, as Cognito names them).
pub const STANDARD_ATTRIBUTES: [&str; 20] = [
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "updated_at",
    "website",
    "zoneinfo",
    "sub",
];

/// The user-pool side of the emulator.
pub struct UserPools {
    pub(super) store: Arc<Store>,
    pub(super) keys: Arc<PoolKeys>,
    pub(super) settings: PoolSettings,
    pub(super) sessions: Mutex<HashMap<String, Challenge>>,
    pub(super) cache: ReadCache,
    pub(super) checked: password::Checked,
}

pub(super) fn date(ms: i64) -> DateTime {
    DateTime::from_millis(ms)
}

/// A page's position from its token (`None`: the start).
fn after(kind: &str, token: Option<&String>) -> Result<i64, PoolFault> {
    match token {
        Some(t) => Ok(ids::read_page_token(kind, t)?),
        None => Ok(0),
    }
}

/// Takes one more than `limit` to learn whether there is a next page.
fn paged<T>(kind: &str, mut rows: Vec<(i64, T)>, limit: usize) -> (Vec<T>, Option<String>) {
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|(seq, _)| ids::page_token(kind, *seq))
    } else {
        None
    };
    (rows.into_iter().map(|(_, t)| t).collect(), next)
}

/// One page of `items` (already in their listing order) after the first `start`: lists built
/// whole in memory (a user's groups, a group's members) page by their position in the list.
fn offset_page<T>(kind: &str, items: Vec<T>, start: i64, limit: usize) -> (Vec<T>, Option<String>) {
    let start = usize::try_from(start).unwrap_or(0);
    let rows = items
        .into_iter()
        .enumerate()
        .skip(start)
        .take(limit + 1)
        .map(|(i, t)| (i as i64 + 1, t))
        .collect();
    paged(kind, rows, limit)
}

fn limit(value: Option<i32>, max: i32) -> usize {
    value.unwrap_or(max).clamp(1, max) as usize
}

/// Attributes as the wire lists them.
pub(super) fn attribute_list(user: &User, only: Option<&[String]>) -> Vec<AttributeType> {
    user.attributes
        .iter()
        .filter(|(k, _)| only.is_none_or(|o| o.iter().any(|n| n == *k)))
        .map(|(k, v)| AttributeType {
            name: k.clone(),
            value: Some(v.clone()),
        })
        .collect()
}

pub(super) fn user_type(user: &User, only: Option<&[String]>) -> UserType {
    UserType {
        username: Some(user.username.clone()),
        attributes: Some(attribute_list(user, only)),
        user_create_date: Some(date(user.created_ms)),
        user_last_modified_date: Some(date(user.modified_ms)),
        enabled: Some(user.enabled),
        user_status: Some(UserStatusType::from(user.status.as_str())),
        ..Default::default()
    }
}

fn group_type(pool_id: &str, g: &Group) -> GroupType {
    GroupType {
        group_name: Some(g.name.clone()),
        user_pool_id: Some(pool_id.to_owned()),
        description: g.description.clone(),
        role_arn: g.role_arn.clone(),
        precedence: g.precedence,
        last_modified_date: Some(date(g.modified_ms)),
        creation_date: Some(date(g.created_ms)),
    }
}

/// Whether a pool compares user names without case.
pub(super) fn case_insensitive(pool: &UserPoolType) -> bool {
    pool.username_configuration
        .as_ref()
        .is_some_and(|c| !c.case_sensitive)
}

/// The key a user name is stored under.
pub(super) fn key_of(pool: &UserPoolType, username: &str) -> String {
    if case_insensitive(pool) {
        username.to_lowercase()
    } else {
        username.to_owned()
    }
}

/// Whether the pool lets users sign in with `attribute` (email or phone) as their name.
fn signs_in_with(pool: &UserPoolType, attribute: &str) -> bool {
    let username = pool
        .username_attributes
        .iter()
        .flatten()
        .any(|a| a.as_str() == attribute);
    let alias = pool
        .alias_attributes
        .iter()
        .flatten()
        .any(|a| a.as_str() == attribute);
    username || alias
}

/// The user a client names: by user name, or by email, phone or preferred user name where the
/// pool lets those sign in.
pub(super) fn find_user(
    c: &Connection,
    pool: &UserPoolType,
    given: &str,
) -> Result<Option<(String, User)>, PoolFault> {
    let pool_id = pool.id.as_deref().unwrap_or_default();
    let key = key_of(pool, given);
    if let Some(u) = store::user(c, pool_id, &key)? {
        return Ok(Some((key, u)));
    }
    for attribute in ["email", "phone_number", "preferred_username"] {
        if signs_in_with(pool, attribute) {
            let value = if case_insensitive(pool) && attribute != "phone_number" {
                given.to_lowercase()
            } else {
                given.to_owned()
            };
            if let Some(u) = store::users_with(c, pool_id, attribute, &value)?
                .into_iter()
                .next()
            {
                return Ok(Some((key_of(pool, &u.username), u)));
            }
        }
    }
    Ok(None)
}

/// The user, or `UserNotFoundException`.
pub(super) fn existing_user(
    c: &Connection,
    pool: &UserPoolType,
    given: &str,
) -> Result<(String, User), PoolFault> {
    find_user(c, pool, given)?.ok_or_else(PoolFault::no_user)
}

/// The pool's password policy.
pub(super) fn policy(pool: &UserPoolType) -> PasswordPolicyType {
    pool.policies
        .as_ref()
        .and_then(|p| p.password_policy.clone())
        .unwrap_or_else(password::default_policy)
}

/// Checks attribute writes against the pool's schema and applies them to `user`.
pub(super) fn apply_attributes(
    pool: &UserPoolType,
    user: &mut User,
    attributes: &[AttributeType],
    admin: bool,
) -> Result<(), PoolFault> {
    let schema = pool.schema_attributes.as_deref().unwrap_or_default();
    let mut problems = Vec::new();
    for a in attributes {
        let name = a.name.as_str();
        let known = if name.starts_with("custom:") || name.starts_with("dev:") {
            schema.iter().any(|s| s.name.as_deref() == Some(name))
        } else {
            STANDARD_ATTRIBUTES.contains(&name) && name != "sub"
        };
        if !known {
            problems.push(format!("{name}: Attribute does not exist in the schema."));
            continue;
        }
        let immutable = schema
            .iter()
            .any(|s| s.name.as_deref() == Some(name) && s.mutable == Some(false));
        if immutable && user.attributes.contains_key(name) && !admin {
            problems.push(format!("{name}: Attribute cannot be updated."));
            continue;
        }
        match a.value.as_deref() {
            Some(v) => {
                let v = if name == "email" && case_insensitive(pool) {
                    v.to_lowercase()
                } else {
                    v.to_owned()
                };
                if name == "email" && user.attributes.get("email") != Some(&v) && !admin {
                    user.attributes
                        .insert("email_verified".into(), "false".into());
                }
                user.attributes.insert(name.to_owned(), v);
            }
            None => {
                user.attributes.remove(name);
            }
        }
    }
    if !problems.is_empty() {
        return Err(PoolFault::invalid_parameter(format!(
            "Attributes did not conform to the schema: {}",
            problems.join("\n")
        )));
    }
    Ok(())
}

/// Refuses a user who lacks an attribute the schema requires.
fn check_required(pool: &UserPoolType, user: &User) -> Result<(), PoolFault> {
    for s in pool.schema_attributes.iter().flatten() {
        if s.required == Some(true) {
            let name = s.name.as_deref().unwrap_or_default();
            if !user.attributes.contains_key(name) {
                return Err(PoolFault::invalid_parameter(format!(
                    "Attributes did not conform to the schema: {name}: The attribute {name} is required"
                )));
            }
        }
    }
    Ok(())
}

/// Where a code "goes": the user's email or phone, masked as Cognito shows it.
pub(super) fn delivery(user: &User) -> Option<CodeDeliveryDetailsType> {
    let (attribute, medium) = if user.attributes.contains_key("email") {
        ("email", DeliveryMediumType::Email)
    } else if user.attributes.contains_key("phone_number") {
        ("phone_number", DeliveryMediumType::Sms)
    } else {
        return None;
    };
    let value = user.attributes.get(attribute)?;
    let masked = match value.split_once('@') {
        Some((local, domain)) => format!(
            "{}***@{}***",
            local.chars().next().unwrap_or('*'),
            domain.chars().next().unwrap_or('*')
        ),
        None => format!(
            "+*******{}",
            value
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>()
        ),
    };
    Some(CodeDeliveryDetailsType {
        destination: Some(masked),
        delivery_medium: Some(medium),
        attribute_name: Some(attribute.to_owned()),
    })
}

impl UserPools {
    /// The settings it runs with.
    pub fn settings(&self) -> &PoolSettings {
        &self.settings
    }

    /// The pools' keys (shared with the identity side).
    pub fn keys(&self) -> &Arc<PoolKeys> {
        &self.keys
    }

    pub(super) fn now_ms(&self) -> i64 {
        self.settings.now_ms()
    }

    pub(super) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, PoolFault>,
    ) -> Result<T, PoolFault> {
        self.store.read_with(|r| f(r.conn()))
    }

    /// Runs `f` in one transaction. The read cache is emptied first, under the store's lock,
    /// so no read can keep what this write changes.
    pub(super) fn write<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, PoolFault>,
    ) -> Result<T, PoolFault> {
        self.store.write_with(|c| {
            self.cache.clear();
            f(c)
        })
    }

    /// [`UserPools::read`], with the cache's generation at the time of reading.
    fn read_at<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, PoolFault>,
    ) -> Result<(u64, T), PoolFault> {
        self.read(|c| Ok((self.cache.generation(), f(c)?)))
    }

    /// The pool `id`, or `ResourceNotFoundException`; from the cache when it is there.
    pub(super) fn pool(&self, id: &str) -> Result<Arc<UserPoolType>, PoolFault> {
        if let Some(pool) = self.cache.pool(id) {
            return Ok(pool);
        }
        let (generation, pool) = self.read_at(|c| store::existing_pool(c, id))?;
        let pool = Arc::new(pool);
        self.cache.put_pool(generation, id, pool.clone());
        Ok(pool)
    }

    /// The user stored under `key` in pool `pool_id`; from the cache when it is there.
    pub(super) fn user_by_key(
        &self,
        pool_id: &str,
        key: &str,
    ) -> Result<Option<Arc<User>>, PoolFault> {
        if let Some(user) = self.cache.user(pool_id, key) {
            return Ok(Some(user));
        }
        let (generation, user) = self.read_at(|c| store::user(c, pool_id, key))?;
        Ok(user.map(|u| {
            let user = Arc::new(u);
            self.cache.put_user(generation, pool_id, key, user.clone());
            user
        }))
    }

    /// Whether the session `origin_jti` exists and is not revoked; from the cache when it is
    /// there.
    pub(super) fn session_live(&self, origin_jti: &str) -> Result<bool, PoolFault> {
        if let Some(live) = self.cache.session(origin_jti) {
            return Ok(live);
        }
        let (generation, live) = self.read_at(|c| {
            Ok(store::refresh_by_origin(c, origin_jti)?.is_some_and(|r| !r.revoked))
        })?;
        self.cache.put_session(generation, origin_jti, live);
        Ok(live)
    }

    /// Forgets every user pool, user and session (the identity side's state too: the store
    /// resets both).
    pub fn reset(&self) -> Result<(), PoolFault> {
        self.store.reset(&store::TABLES)?;
        self.cache.clear();
        self.keys.clear();
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        Ok(())
    }

    /// The codes of a pool's users, for `GET /_local/codes`.
    pub fn codes(
        &self,
        pool_id: &str,
        username: Option<&str>,
    ) -> Result<serde_json::Value, PoolFault> {
        self.read(|c| {
            let pool = store::existing_pool(c, pool_id)?;
            let username = match username {
                Some(name) => Some(match find_user(c, &pool, name)? {
                    Some((_, u)) => u.username,
                    None => name.to_owned(),
                }),
                None => None,
            };
            codes::listing(c, pool_id, username.as_deref())
        })
    }

    // ----- pools -----------------------------------------------------------------------

    fn pool_id(&self) -> Result<String, PoolFault> {
        let suffix = ids::random_text(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            9,
        )?;
        Ok(format!("{}_{suffix}", self.settings.region))
    }

    pub(super) fn create_pool(
        &self,
        input: CreateUserPoolRequest,
    ) -> Result<UserPoolType, PoolFault> {
        self.create_pool_with(input, None)
    }

    /// A new pool, with the id `id` when one is given (the seed's).
    pub(super) fn create_pool_with(
        &self,
        input: CreateUserPoolRequest,
        id: Option<String>,
    ) -> Result<UserPoolType, PoolFault> {
        let id = match id {
            Some(id) => id,
            None => self.pool_id()?,
        };
        let now = self.now_ms();
        if let Some(p) = input
            .policies
            .as_ref()
            .and_then(|p| p.password_policy.as_ref())
        {
            if let Some(min) = p.minimum_length {
                if !(6..=99).contains(&min) {
                    return Err(PoolFault::invalid_parameter(
                        "Password policy minimum length must be between 6 and 99.",
                    ));
                }
            }
        }
        let mut policies = input.policies.unwrap_or_default();
        if policies.password_policy.is_none() {
            policies.password_policy = Some(password::default_policy());
        }
        let schema = input.schema.map(|attrs| {
            attrs
                .into_iter()
                .map(|mut s| {
                    let name = s.name.clone().unwrap_or_default();
                    if !STANDARD_ATTRIBUTES.contains(&name.as_str()) && !name.starts_with("custom:")
                    {
                        s.name = Some(format!("custom:{name}"));
                    }
                    if s.mutable.is_none() {
                        s.mutable = Some(true);
                    }
                    s
                })
                .collect::<Vec<_>>()
        });
        let pool = UserPoolType {
            id: Some(id.clone()),
            name: Some(input.pool_name),
            arn: Some(format!(
                "arn:aws:cognito-idp:{}:{}:userpool/{id}",
                self.settings.region, self.settings.account_id
            )),
            policies: Some(policies),
            deletion_protection: Some(
                input
                    .deletion_protection
                    .unwrap_or(DeletionProtectionType::Inactive),
            ),
            lambda_config: input.lambda_config,
            creation_date: Some(date(now)),
            last_modified_date: Some(date(now)),
            schema_attributes: schema,
            auto_verified_attributes: input.auto_verified_attributes,
            alias_attributes: input.alias_attributes,
            username_attributes: input.username_attributes,
            sms_verification_message: input.sms_verification_message,
            email_verification_message: input.email_verification_message,
            email_verification_subject: input.email_verification_subject,
            verification_message_template: input.verification_message_template,
            sms_authentication_message: input.sms_authentication_message,
            user_attribute_update_settings: input.user_attribute_update_settings,
            mfa_configuration: Some(input.mfa_configuration.unwrap_or(UserPoolMfaType::Off)),
            device_configuration: input.device_configuration,
            estimated_number_of_users: Some(0),
            email_configuration: input.email_configuration,
            sms_configuration: input.sms_configuration,
            user_pool_tags: input.user_pool_tags,
            admin_create_user_config: input.admin_create_user_config,
            user_pool_add_ons: input.user_pool_add_ons,
            username_configuration: input.username_configuration,
            account_recovery_setting: input.account_recovery_setting,
            user_pool_tier: Some(input.user_pool_tier.unwrap_or(UserPoolTierType::Essentials)),
            ..Default::default()
        };
        check_out_of_scope(&pool)?;
        self.write(|c| {
            if store::pool(c, &id)?.is_some() {
                return Err(PoolFault::invalid_parameter(format!(
                    "The user pool {id} already exists."
                )));
            }
            store::insert_pool(c, &pool)?;
            Ok(pool.clone())
        })
    }

    pub(super) fn describe_pool(&self, id: &str) -> Result<UserPoolType, PoolFault> {
        self.read(|c| {
            let mut pool = store::existing_pool(c, id)?;
            let count: i64 = c.query_row(
                "SELECT COUNT(*) FROM up_users WHERE pool_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            pool.estimated_number_of_users = Some(count as i32);
            Ok(pool)
        })
    }

    pub(super) fn update_pool(&self, input: UpdateUserPoolRequest) -> Result<(), PoolFault> {
        let now = self.now_ms();
        self.write(|c| {
            let old = store::existing_pool(c, &input.user_pool_id)?;
            // As the service does, members left out go back to their defaults, except those
            // UpdateUserPool cannot change.
            let mut policies = input.policies.unwrap_or_default();
            if policies.password_policy.is_none() {
                policies.password_policy = Some(password::default_policy());
            }
            let pool = UserPoolType {
                name: input.pool_name.or(old.name.clone()),
                policies: Some(policies),
                deletion_protection: Some(
                    input
                        .deletion_protection
                        .unwrap_or(DeletionProtectionType::Inactive),
                ),
                lambda_config: input.lambda_config,
                auto_verified_attributes: input.auto_verified_attributes,
                sms_verification_message: input.sms_verification_message,
                email_verification_message: input.email_verification_message,
                email_verification_subject: input.email_verification_subject,
                verification_message_template: input.verification_message_template,
                sms_authentication_message: input.sms_authentication_message,
                user_attribute_update_settings: input.user_attribute_update_settings,
                mfa_configuration: Some(input.mfa_configuration.unwrap_or(UserPoolMfaType::Off)),
                device_configuration: input.device_configuration,
                email_configuration: input.email_configuration,
                sms_configuration: input.sms_configuration,
                user_pool_tags: input.user_pool_tags.or(old.user_pool_tags.clone()),
                admin_create_user_config: input.admin_create_user_config,
                user_pool_add_ons: input.user_pool_add_ons,
                account_recovery_setting: input.account_recovery_setting,
                user_pool_tier: input.user_pool_tier.or(old.user_pool_tier.clone()),
                last_modified_date: Some(date(now)),
                ..old
            };
            check_out_of_scope(&pool)?;
            store::update_pool(c, &pool)
        })
    }

    pub(super) fn delete_pool(&self, id: &str) -> Result<(), PoolFault> {
        self.write(|c| {
            let pool = store::existing_pool(c, id)?;
            if pool.deletion_protection == Some(DeletionProtectionType::Active) {
                return Err(PoolFault::invalid_parameter(
                    "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.",
                ));
            }
            store::delete_pool(c, id)
        })?;
        self.keys.clear();
        Ok(())
    }

    pub(super) fn list_pools(
        &self,
        input: ListUserPoolsRequest,
    ) -> Result<ListUserPoolsResponse, PoolFault> {
        if !(1..=60).contains(&input.max_results) {
            return Err(PoolFault::invalid_parameter(
                "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60",
            ));
        }
        let start = after("userpools", input.next_token.as_ref())?;
        let n = input.max_results as usize;
        let rows = self.read(|c| store::pools_page(c, start, n + 1))?;
        let (pools, next_token) = paged("userpools", rows, n);
        Ok(ListUserPoolsResponse {
            user_pools: Some(
                pools
                    .into_iter()
                    .map(|p| UserPoolDescriptionType {
                        id: p.id,
                        name: p.name,
                        lambda_config: p.lambda_config,
                        last_modified_date: p.last_modified_date,
                        creation_date: p.creation_date,
                        ..Default::default()
                    })
                    .collect(),
            ),
            next_token,
        })
    }

    // ----- app clients -----------------------------------------------------------------

    pub(super) fn create_client(
        &self,
        input: CreateUserPoolClientRequest,
    ) -> Result<UserPoolClientType, PoolFault> {
        self.create_client_with(input, None)
    }

    /// A new app client, with the id `id` when one is given (the seed's).
    pub(super) fn create_client_with(
        &self,
        input: CreateUserPoolClientRequest,
        id: Option<String>,
    ) -> Result<UserPoolClientType, PoolFault> {
        let now = self.now_ms();
        let client_id = match id {
            Some(id) => id,
            None => ids::random_text(b"abcdefghijklmnopqrstuvwxyz0123456789", 26)?,
        };
        let secret = match (input.generate_secret, input.client_secret.clone()) {
            (_, Some(given)) => Some(given),
            (Some(true), None) => Some(ids::random_text(
                b"abcdefghijklmnopqrstuvwxyz0123456789",
                51,
            )?),
            _ => None,
        };
        let pool_id = input.user_pool_id.clone();
        let base = UserPoolClientType {
            user_pool_id: Some(pool_id.clone()),
            client_name: Some(input.client_name.clone()),
            client_id: Some(client_id),
            client_secret: secret,
            last_modified_date: Some(date(now)),
            creation_date: Some(date(now)),
            ..Default::default()
        };
        let client = client_settings(input, base);
        check_client(&client)?;
        self.write(|c| {
            store::existing_pool(c, &pool_id)?;
            if store::client(c, client.client_id.as_deref().unwrap_or_default())?.is_some() {
                return Err(PoolFault::invalid_parameter(
                    "The client id is already taken.",
                ));
            }
            store::put_client(c, &client)?;
            Ok(client.clone())
        })
    }

    /// The client `client_id` of pool `pool_id`.
    pub(super) fn client_of(
        &self,
        c: &Connection,
        pool_id: &str,
        client_id: &str,
    ) -> Result<UserPoolClientType, PoolFault> {
        store::existing_pool(c, pool_id)?;
        match store::client(c, client_id)? {
            Some(cl) if cl.user_pool_id.as_deref() == Some(pool_id) => Ok(cl),
            _ => Err(PoolFault::client_not_found(client_id)),
        }
    }

    pub(super) fn describe_client(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> Result<UserPoolClientType, PoolFault> {
        self.read(|c| self.client_of(c, pool_id, client_id))
    }

    pub(super) fn update_client(
        &self,
        input: UpdateUserPoolClientRequest,
    ) -> Result<UserPoolClientType, PoolFault> {
        let now = self.now_ms();
        self.write(|c| {
            let old = self.client_of(c, &input.user_pool_id, &input.client_id)?;
            // Members left out go back to their defaults, as the service documents: the
            // update reads as a creation's settings over the client it replaces.
            let mut settings = serde_json::to_value(&input)?;
            if let Some(fields) = settings.as_object_mut() {
                fields.remove("ClientId");
                let name = input.client_name.clone().or(old.client_name.clone());
                fields.insert("ClientName".into(), serde_json::json!(name));
            }
            let settings: CreateUserPoolClientRequest = serde_json::from_value(settings)?;
            let base = UserPoolClientType {
                client_name: Some(settings.client_name.clone()),
                last_modified_date: Some(date(now)),
                ..old
            };
            let client = client_settings(settings, base);
            check_client(&client)?;
            store::put_client(c, &client)?;
            Ok(client)
        })
    }

    pub(super) fn delete_client(&self, pool_id: &str, client_id: &str) -> Result<(), PoolFault> {
        self.write(|c| {
            self.client_of(c, pool_id, client_id)?;
            store::delete_client(c, client_id)
        })
    }

    pub(super) fn list_clients(
        &self,
        input: ListUserPoolClientsRequest,
    ) -> Result<ListUserPoolClientsResponse, PoolFault> {
        let start = after("clients", input.next_token.as_ref())?;
        let n = limit(input.max_results, 60);
        let rows = self.read(|c| {
            store::existing_pool(c, &input.user_pool_id)?;
            store::clients_page(c, &input.user_pool_id, start, n + 1)
        })?;
        let (clients, next_token) = paged("clients", rows, n);
        Ok(ListUserPoolClientsResponse {
            user_pool_clients: Some(
                clients
                    .into_iter()
                    .map(|cl| UserPoolClientDescription {
                        client_id: cl.client_id,
                        user_pool_id: cl.user_pool_id,
                        client_name: cl.client_name,
                    })
                    .collect(),
            ),
            next_token,
        })
    }

    // ----- users -----------------------------------------------------------------------

    /// A new user named `given` (or, where the pool signs in with email or phone, named by
    /// a fresh UUID with `given` as that attribute).
    fn new_user(
        &self,
        c: &Connection,
        pool: &UserPoolType,
        given: &str,
        attributes: &[AttributeType],
        admin: bool,
    ) -> Result<(String, User), PoolFault> {
        let now = self.now_ms();
        let pool_id = pool.id.as_deref().unwrap_or_default();
        let sub = ids::guid()?;
        let mut user = User {
            username: given.to_owned(),
            attributes: BTreeMap::from([("sub".to_owned(), sub.clone())]),
            enabled: true,
            status: "UNCONFIRMED".into(),
            created_ms: now,
            modified_ms: now,
            secret: None,
            temporary_until_ms: None,
        };
        let by_attribute = pool
            .username_attributes
            .iter()
            .flatten()
            .map(|a| a.as_str().to_owned())
            .collect::<Vec<_>>();
        if !by_attribute.is_empty() {
            let attribute = if given.contains('@') && by_attribute.iter().any(|a| a == "email") {
                "email"
            } else if given.starts_with('+') && by_attribute.iter().any(|a| a == "phone_number") {
                "phone_number"
            } else {
                return Err(PoolFault::invalid_parameter(
                    "Username should be either an email or a phone number.",
                ));
            };
            user.username = sub.clone();
            let value = if attribute == "email" && case_insensitive(pool) {
                given.to_lowercase()
            } else {
                given.to_owned()
            };
            user.attributes.insert(attribute.to_owned(), value);
        } else if given.contains('@') && signs_in_with(pool, "email") {
            return Err(PoolFault::invalid_parameter(
                "Username cannot be of email format, since user pool is configured for email alias.",
            ));
        }
        apply_attributes(pool, &mut user, attributes, admin)?;
        check_required(pool, &user)?;
        for attribute in ["email", "phone_number"] {
            if let Some(value) = user.attributes.get(attribute) {
                if signs_in_with(pool, attribute)
                    && !store::users_with(c, pool_id, attribute, value)?.is_empty()
                {
                    let what = if attribute == "email" {
                        "email"
                    } else {
                        "phone number"
                    };
                    return Err(PoolFault::username_exists(format!(
                        "An account with the given {what} already exists."
                    )));
                }
            }
        }
        let key = key_of(pool, &user.username);
        if store::user(c, pool_id, &key)?.is_some() {
            return Err(PoolFault::username_exists(if admin {
                "User account already exists"
            } else {
                "User already exists"
            }));
        }
        Ok((key, user))
    }

    pub(super) fn sign_up(&self, input: SignUpRequest) -> Result<SignUpResponse, PoolFault> {
        self.write(|c| {
            let (pool, client) = self.client_by_id(c, &input.client_id)?;
            self.check_secret_hash(&client, &input.username, input.secret_hash.as_deref())?;
            let pool_id = pool.id.clone().unwrap_or_default();
            let password = input
                .password
                .as_deref()
                .ok_or_else(|| PoolFault::invalid_parameter("Password is required for SignUp."))?;
            let (key, mut user) = self.new_user(
                c,
                &pool,
                &input.username,
                input.user_attributes.as_deref().unwrap_or_default(),
                false,
            )?;
            password::check_policy(&policy(&pool), password)?;
            user.secret = Some(password::make_secret(&pool_id, &user.username, password)?);
            store::put_user(c, &pool_id, &key, &user)?;
            codes::issue(c, &self.settings, &pool_id, &user.username, Purpose::SignUp)?;
            Ok(SignUpResponse {
                user_confirmed: false,
                user_sub: user.sub().to_owned(),
                code_delivery_details: delivery(&user),
                session: None,
            })
        })
    }

    pub(super) fn confirm_sign_up(&self, input: ConfirmSignUpRequest) -> Result<(), PoolFault> {
        self.write(|c| {
            let (pool, client) = self.client_by_id(c, &input.client_id)?;
            self.check_secret_hash(&client, &input.username, input.secret_hash.as_deref())?;
            let pool_id = pool.id.clone().unwrap_or_default();
            let (key, mut user) = match find_user(c, &pool, &input.username)? {
                Some(found) => found,
                // A wrong code is all a caller learns about a name that does not exist.
                None if hides_users(&client) => return Err(codes::mismatch()),
                None => return Err(PoolFault::no_user()),
            };
            if user.status != "UNCONFIRMED" {
                return Err(PoolFault::not_authorized(format!(
                    "User cannot be confirmed. Current status is {}",
                    user.status
                )));
            }
            codes::redeem(
                c,
                &self.settings,
                &pool_id,
                &user.username,
                Purpose::SignUp,
                &input.confirmation_code,
            )?;
            user.status = "CONFIRMED".into();
            verify_contact(&mut user);
            user.modified_ms = self.now_ms();
            store::put_user(c, &pool_id, &key, &user)
        })
    }

    pub(super) fn resend_code(
        &self,
        input: ResendConfirmationCodeRequest,
    ) -> Result<Option<CodeDeliveryDetailsType>, PoolFault> {
        self.write(|c| {
            let (pool, client) = self.client_by_id(c, &input.client_id)?;
            self.check_secret_hash(&client, &input.username, input.secret_hash.as_deref())?;
            let pool_id = pool.id.clone().unwrap_or_default();
            let user = match find_user(c, &pool, &input.username)? {
                Some((_, u)) => u,
                None if hides_users(&client) => return Ok(Some(simulated_delivery())),
                None => return Err(PoolFault::no_user()),
            };
            if user.status != "UNCONFIRMED" {
                return Err(PoolFault::invalid_parameter("User is already confirmed."));
            }
            codes::issue(c, &self.settings, &pool_id, &user.username, Purpose::SignUp)?;
            Ok(delivery(&user))
        })
    }

    pub(super) fn forgot_password(
        &self,
        input: ForgotPasswordRequest,
    ) -> Result<Option<CodeDeliveryDetailsType>, PoolFault> {
        self.write(|c| {
            let (pool, client) = self.client_by_id(c, &input.client_id)?;
            self.check_secret_hash(&client, &input.username, input.secret_hash.as_deref())?;
            let pool_id = pool.id.clone().unwrap_or_default();
            let user = match find_user(c, &pool, &input.username)? {
                Some((_, u)) => u,
                None if hides_users(&client) => return Ok(Some(simulated_delivery())),
                None => return Err(PoolFault::no_user()),
            };
            if !user.enabled {
                return Err(PoolFault::not_authorized("User is disabled."));
            }
            let details = delivery(&user).ok_or_else(|| {
                PoolFault::invalid_parameter(
                    "Cannot reset password for the user as there is no registered/verified email or phone_number",
                )
            })?;
            codes::issue(c, &self.settings, &pool_id, &user.username, Purpose::Reset)?;
            Ok(Some(details))
        })
    }

    pub(super) fn confirm_forgot_password(
        &self,
        input: ConfirmForgotPasswordRequest,
    ) -> Result<(), PoolFault> {
        self.write(|c| {
            let (pool, client) = self.client_by_id(c, &input.client_id)?;
            self.check_secret_hash(&client, &input.username, input.secret_hash.as_deref())?;
            let pool_id = pool.id.clone().unwrap_or_default();
            let (key, mut user) = match find_user(c, &pool, &input.username)? {
                Some(found) => found,
                None if hides_users(&client) => return Err(codes::mismatch()),
                None => return Err(PoolFault::no_user()),
            };
            codes::redeem(
                c,
                &self.settings,
                &pool_id,
                &user.username,
                Purpose::Reset,
                &input.confirmation_code,
            )?;
            password::check_policy(&policy(&pool), &input.password)?;
            user.secret = Some(password::make_secret(
                &pool_id,
                &user.username,
                &input.password,
            )?);
            user.temporary_until_ms = None;
            if user.status == "RESET_REQUIRED" || user.status == "FORCE_CHANGE_PASSWORD" {
                user.status = "CONFIRMED".into();
            }
            user.modified_ms = self.now_ms();
            store::put_user(c, &pool_id, &key, &user)
        })
    }

    pub(super) fn change_password(&self, input: ChangePasswordRequest) -> Result<(), PoolFault> {
        let (pool_id, key, _) = self.signed_in(&input.access_token)?;
        self.write(|c| {
            let pool = store::existing_pool(c, &pool_id)?;
            let mut user = store::user(c, &pool_id, &key)?.ok_or_else(PoolFault::no_user)?;
            let previous = input.previous_password.as_deref().unwrap_or_default();
            let ok = user
                .secret
                .as_ref()
                .is_some_and(|s| password::matches(&pool_id, &user.username, previous, s));
            if !ok {
                return Err(PoolFault::incorrect_credentials());
            }
            password::check_policy(&policy(&pool), &input.proposed_password)?;
            user.secret = Some(password::make_secret(
                &pool_id,
                &user.username,
                &input.proposed_password,
            )?);
            user.modified_ms = self.now_ms();
            store::put_user(c, &pool_id, &key, &user)
        })
    }

    pub(super) fn get_user(&self, access_token: &str) -> Result<GetUserResponse, PoolFault> {
        let (_, _, user) = self.signed_in(access_token)?;
        Ok(GetUserResponse {
            username: user.username.clone(),
            user_attributes: attribute_list(&user, None),
            mfa_options: None,
            preferred_mfa_setting: None,
            user_mfa_setting_list: None,
        })
    }

    pub(super) fn update_own_attributes(
        &self,
        input: UpdateUserAttributesRequest,
    ) -> Result<(), PoolFault> {
        let (pool_id, key, _) = self.signed_in(&input.access_token)?;
        self.write(|c| {
            let pool = store::existing_pool(c, &pool_id)?;
            let mut user = store::user(c, &pool_id, &key)?.ok_or_else(PoolFault::no_user)?;
            apply_attributes(&pool, &mut user, &input.user_attributes, false)?;
            user.modified_ms = self.now_ms();
            store::put_user(c, &pool_id, &key, &user)
        })
    }

    pub(super) fn delete_own_user(&self, access_token: &str) -> Result<(), PoolFault> {
        let (pool_id, key, user) = self.signed_in(access_token)?;
        self.write(|c| store::delete_user(c, &pool_id, &key, &user.username))
    }

    pub(super) fn admin_create_user(
        &self,
        input: AdminCreateUserRequest,
    ) -> Result<UserType, PoolFault> {
        let now = self.now_ms();
        self.write(|c| {
            let pool = store::existing_pool(c, &input.user_pool_id)?;
            let pool_id = input.user_pool_id.clone();
            let policy = policy(&pool);
            let resend = input.message_action == Some(MessageActionType::Resend);
            let (key, mut user) = if resend {
                let (key, user) = existing_user(c, &pool, &input.username)?;
                if user.status != "FORCE_CHANGE_PASSWORD" {
                    return Err(PoolFault::unsupported_operation(
                        "Resend not possible. The user's status is not FORCE_CHANGE_PASSWORD.",
                    ));
                }
                (key, user)
            } else {
                self.new_user(
                    c,
                    &pool,
                    &input.username,
                    input.user_attributes.as_deref().unwrap_or_default(),
                    true,
                )?
            };
            let temporary = match input.temporary_password {
                Some(p) => {
                    password::check_policy(&policy, &p)?;
                    p
                }
                None => password::temporary(&policy)?,
            };
            let days = policy.temporary_password_validity_days.unwrap_or(7).max(1) as i64;
            user.secret = Some(password::make_secret(&pool_id, &user.username, &temporary)?);
            user.status = "FORCE_CHANGE_PASSWORD".into();
            user.temporary_until_ms = Some(now + days * 86_400_000);
            user.modified_ms = now;
            store::put_user(c, &pool_id, &key, &user)?;
            if input.message_action != Some(MessageActionType::Suppress) {
                crate::log::note(
                    self.settings.log_level,
                    crate::log::Level::Info,
                    &format!(
                        "invitation for user {} of pool {pool_id}: temporary password {temporary}",
                        user.username
                    ),
                );
            }
            Ok(user_type(&user, None))
        })
    }

    pub(super) fn admin_set_password(
        &self,
        input: AdminSetUserPasswordRequest,
    ) -> Result<(), PoolFault> {
        let now = self.now_ms();
        self.write(|c| {
            let pool = store::existing_pool(c, &input.user_pool_id)?;
            let (key, mut user) = existing_user(c, &pool, &input.username)?;
            let policy = policy(&pool);
            password::check_policy(&policy, &input.password)?;
            user.secret = Some(password::make_secret(
                &input.user_pool_id,
                &user.username,
                &input.password,
            )?);
            if input.permanent == Some(true) {
                user.status = "CONFIRMED".into();
                user.temporary_until_ms = None;
            } else {
                let days = policy.temporary_password_validity_days.unwrap_or(7).max(1) as i64;
                user.status = "FORCE_CHANGE_PASSWORD".into();
                user.temporary_until_ms = Some(now + days * 86_400_000);
            }
            user.modified_ms = now;
            store::put_user(c, &input.user_pool_id, &key, &user)
        })
    }

    /// Reads, changes and stores one user of a pool, for the admin operations.
    fn admin_change(
        &self,
        pool_id: &str,
        username: &str,
        change: impl FnOnce(&Connection, &UserPoolType, &mut User) -> Result<(), PoolFault>,
    ) -> Result<(), PoolFault> {
        let now = self.now_ms();
        self.write(|c| {
            let pool = store::existing_pool(c, pool_id)?;
            let (key, mut user) = existing_user(c, &pool, username)?;
            change(c, &pool, &mut user)?;
            user.modified_ms = now;
            store::put_user(c, pool_id, &key, &user)
        })
    }

    pub(super) fn admin_confirm(&self, pool_id: &str, username: &str) -> Result<(), PoolFault> {
        self.admin_change(pool_id, username, |_, _, user| {
            if user.status != "UNCONFIRMED" {
                return Err(PoolFault::not_authorized(format!(
                    "User cannot be confirmed. Current status is {}",
                    user.status
                )));
            }
            user.status = "CONFIRMED".into();
            Ok(())
        })
    }

    pub(super) fn admin_update_attributes(
        &self,
        pool_id: &str,
        username: &str,
        attributes: &[AttributeType],
    ) -> Result<(), PoolFault> {
        self.admin_change(pool_id, username, |_, pool, user| {
            apply_attributes(pool, user, attributes, true)
        })
    }

    pub(super) fn admin_delete_attributes(
        &self,
        pool_id: &str,
        username: &str,
        names: &[String],
    ) -> Result<(), PoolFault> {
        self.admin_change(pool_id, username, |_, pool, user| {
            let cleared: Vec<AttributeType> = names
                .iter()
                .map(|n| AttributeType {
                    name: n.clone(),
                    value: None,
                })
                .collect();
            apply_attributes(pool, user, &cleared, true)
        })
    }

    pub(super) fn admin_enable(
        &self,
        pool_id: &str,
        username: &str,
        enabled: bool,
    ) -> Result<(), PoolFault> {
        self.admin_change(pool_id, username, |c, _, user| {
            user.enabled = enabled;
            if !enabled {
                // A disabled user's sessions end with it.
                store::revoke_user(c, pool_id, &user.username)?;
            }
            Ok(())
        })
    }

    pub(super) fn admin_reset_password(
        &self,
        pool_id: &str,
        username: &str,
    ) -> Result<(), PoolFault> {
        let settings = self.settings.clone();
        self.admin_change(pool_id, username, move |c, _, user| {
            user.status = "RESET_REQUIRED".into();
            codes::issue(c, &settings, pool_id, &user.username, Purpose::Reset)?;
            Ok(())
        })
    }

    pub(super) fn admin_get_user(
        &self,
        pool_id: &str,
        username: &str,
    ) -> Result<AdminGetUserResponse, PoolFault> {
        let pool = self.pool(pool_id)?;
        let user = match self.user_by_key(pool_id, &key_of(&pool, username))? {
            Some(user) => user,
            // An alias (email, phone, preferred user name) is looked up in the database.
            None => Arc::new(self.read(|c| existing_user(c, &pool, username))?.1),
        };
        let mut out = AdminGetUserResponse::new(user.username.clone());
        out.user_attributes = Some(attribute_list(&user, None));
        out.user_create_date = Some(date(user.created_ms));
        out.user_last_modified_date = Some(date(user.modified_ms));
        out.enabled = Some(user.enabled);
        out.user_status = Some(UserStatusType::from(user.status.as_str()));
        Ok(out)
    }

    pub(super) fn admin_delete_user(&self, pool_id: &str, username: &str) -> Result<(), PoolFault> {
        self.write(|c| {
            let pool = store::existing_pool(c, pool_id)?;
            let (key, user) = existing_user(c, &pool, username)?;
            store::delete_user(c, pool_id, &key, &user.username)
        })
    }

    pub(super) fn list_users(
        &self,
        input: ListUsersRequest,
    ) -> Result<ListUsersResponse, PoolFault> {
        let filter = super::filter::parse(input.filter.as_deref().unwrap_or_default())?;
        let n = limit(input.limit, 60);
        let mut start = after("users", input.pagination_token.as_ref())?;
        let only = input.attributes_to_get.as_deref();
        self.read(|c| {
            store::existing_pool(c, &input.user_pool_id)?;
            // Filtered pages are filled by reading on until `n` users pass or none are left.
            let mut found: Vec<(i64, User)> = Vec::new();
            loop {
                let rows = store::users_page(c, &input.user_pool_id, start, 100)?;
                let Some((last, _)) = rows.last() else { break };
                start = *last;
                for (seq, u) in rows {
                    if filter.as_ref().is_none_or(|f| f.matches(&u)) {
                        found.push((seq, u));
                    }
                }
                if found.len() > n {
                    break;
                }
            }
            let (users, pagination_token) = paged("users", found, n);
            Ok(ListUsersResponse {
                users: Some(users.iter().map(|u| user_type(u, only)).collect()),
                pagination_token,
            })
        })
    }

    // ----- groups ----------------------------------------------------------------------

    pub(super) fn create_group(&self, input: CreateGroupRequest) -> Result<GroupType, PoolFault> {
        let now = self.now_ms();
        if let Some(arn) = &input.role_arn {
            check_role_arn(arn)?;
        }
        self.write(|c| {
            store::existing_pool(c, &input.user_pool_id)?;
            if store::group(c, &input.user_pool_id, &input.group_name)?.is_some() {
                return Err(PoolFault::group_exists(format!(
                    "A group with the name {} already exists.",
                    input.group_name
                )));
            }
            let g = Group {
                name: input.group_name.clone(),
                description: input.description.clone(),
                role_arn: input.role_arn.clone(),
                precedence: input.precedence,
                created_ms: now,
                modified_ms: now,
            };
            store::put_group(c, &input.user_pool_id, &g)?;
            Ok(group_type(&input.user_pool_id, &g))
        })
    }

    fn existing_group(
        &self,
        c: &Connection,
        pool_id: &str,
        name: &str,
    ) -> Result<Group, PoolFault> {
        store::existing_pool(c, pool_id)?;
        store::group(c, pool_id, name)?.ok_or_else(|| PoolFault::not_found("Group not found."))
    }

    pub(super) fn get_group(&self, pool_id: &str, name: &str) -> Result<GroupType, PoolFault> {
        self.read(|c| Ok(group_type(pool_id, &self.existing_group(c, pool_id, name)?)))
    }

    pub(super) fn update_group(&self, input: UpdateGroupRequest) -> Result<GroupType, PoolFault> {
        let now = self.now_ms();
        if let Some(arn) = &input.role_arn {
            check_role_arn(arn)?;
        }
        self.write(|c| {
            let mut g = self.existing_group(c, &input.user_pool_id, &input.group_name)?;
            if input.description.is_some() {
                g.description = input.description.clone();
            }
            if input.role_arn.is_some() {
                g.role_arn = input.role_arn.clone();
            }
            if input.precedence.is_some() {
                g.precedence = input.precedence;
            }
            g.modified_ms = now;
            store::put_group(c, &input.user_pool_id, &g)?;
            Ok(group_type(&input.user_pool_id, &g))
        })
    }

    pub(super) fn delete_group(&self, pool_id: &str, name: &str) -> Result<(), PoolFault> {
        self.write(|c| {
            self.existing_group(c, pool_id, name)?;
            store::delete_group(c, pool_id, name)
        })
    }

    pub(super) fn list_groups(
        &self,
        pool_id: &str,
        max: Option<i32>,
        token: Option<&String>,
    ) -> Result<(Vec<GroupType>, Option<String>), PoolFault> {
        let start = after("groups", token)?;
        let n = limit(max, 60);
        let rows = self.read(|c| {
            store::existing_pool(c, pool_id)?;
            store::groups_page(c, pool_id, start, n + 1)
        })?;
        let (groups, next) = paged("groups", rows, n);
        Ok((
            groups.iter().map(|g| group_type(pool_id, g)).collect(),
            next,
        ))
    }

    pub(super) fn set_membership(
        &self,
        pool_id: &str,
        group: &str,
        username: &str,
        member: bool,
    ) -> Result<(), PoolFault> {
        self.write(|c| {
            let pool = store::existing_pool(c, pool_id)?;
            let (_, user) = existing_user(c, &pool, username)?;
            self.existing_group(c, pool_id, group)?;
            store::set_member(c, pool_id, group, &user.username, member)
        })
    }

    pub(super) fn groups_for_user(
        &self,
        pool_id: &str,
        username: &str,
        max: Option<i32>,
        token: Option<&String>,
    ) -> Result<(Vec<GroupType>, Option<String>), PoolFault> {
        let start = after("user-groups", token)?;
        self.read(|c| {
            let pool = store::existing_pool(c, pool_id)?;
            let (_, user) = existing_user(c, &pool, username)?;
            let mut groups = store::groups_of(c, pool_id, &user.username)?;
            groups.sort_by(|a, b| a.name.cmp(&b.name));
            let (page, next) = offset_page("user-groups", groups, start, limit(max, 60));
            Ok((page.iter().map(|g| group_type(pool_id, g)).collect(), next))
        })
    }

    pub(super) fn users_in_group(
        &self,
        pool_id: &str,
        group: &str,
        max: Option<i32>,
        token: Option<&String>,
    ) -> Result<(Vec<UserType>, Option<String>), PoolFault> {
        let start = after("group-users", token)?;
        self.read(|c| {
            let pool = store::existing_pool(c, pool_id)?;
            self.existing_group(c, pool_id, group)?;
            let names = store::members(c, pool_id, group)?;
            let (names, next) = offset_page("group-users", names, start, limit(max, 60));
            let mut users = Vec::with_capacity(names.len());
            for name in names {
                if let Some(u) = store::user(c, pool_id, &key_of(&pool, &name))? {
                    users.push(user_type(&u, None));
                }
            }
            Ok((users, next))
        })
    }
}

/// What `ForgotPassword` and `ResendConfirmationCode` answer for a user who does not exist when
/// the client hides that: a code sent to a made-up address, as the service documents.
fn simulated_delivery() -> CodeDeliveryDetailsType {
    CodeDeliveryDetailsType {
        destination: Some("n***@e***".into()),
        delivery_medium: Some(DeliveryMediumType::Email),
        attribute_name: Some("email".into()),
    }
}

fn verify_contact(user: &mut User) {
    if user.attributes.contains_key("email") {
        user.attributes
            .insert("email_verified".into(), "true".into());
    } else if user.attributes.contains_key("phone_number") {
        user.attributes
            .insert("phone_number_verified".into(), "true".into());
    }
}

/// Whether the client answers as if unknown users existed.
pub(super) fn hides_users(client: &UserPoolClientType) -> bool {
    client.prevent_user_existence_errors == Some(PreventUserExistenceErrorTypes::Enabled)
}

/// A client's settings from a creation's (or an update's) input, over `base` (its ids, name,
/// secret and dates); what the input leaves out takes the service's default.
fn client_settings(
    input: CreateUserPoolClientRequest,
    base: UserPoolClientType,
) -> UserPoolClientType {
    UserPoolClientType {
        refresh_token_validity: Some(input.refresh_token_validity.unwrap_or(30)),
        access_token_validity: Some(input.access_token_validity.unwrap_or(60)),
        id_token_validity: Some(input.id_token_validity.unwrap_or(60)),
        token_validity_units: Some(units(
            input.token_validity_units,
            input.access_token_validity.is_some(),
            input.id_token_validity.is_some(),
        )),
        read_attributes: input.read_attributes,
        write_attributes: input.write_attributes,
        explicit_auth_flows: Some(input.explicit_auth_flows.unwrap_or_else(default_flows)),
        supported_identity_providers: input.supported_identity_providers,
        callback_ur_ls: input.callback_ur_ls,
        logout_ur_ls: input.logout_ur_ls,
        default_redirect_uri: input.default_redirect_uri,
        allowed_oauth_flows: input.allowed_oauth_flows,
        allowed_oauth_scopes: input.allowed_oauth_scopes,
        allowed_oauth_flows_user_pool_client: Some(
            input.allowed_oauth_flows_user_pool_client.unwrap_or(false),
        ),
        analytics_configuration: input.analytics_configuration,
        prevent_user_existence_errors: Some(
            input
                .prevent_user_existence_errors
                .unwrap_or(PreventUserExistenceErrorTypes::Legacy),
        ),
        enable_token_revocation: Some(input.enable_token_revocation.unwrap_or(true)),
        enable_propagate_additional_user_context_data: Some(
            input
                .enable_propagate_additional_user_context_data
                .unwrap_or(false),
        ),
        auth_session_validity: Some(input.auth_session_validity.unwrap_or(3)),
        refresh_token_rotation: input.refresh_token_rotation,
        ..base
    }
}

/// The units of a client's token validities, each filled in as the service does: a validity
/// given without its unit counts hours (access, ID) or days (refresh); the defaults (60 and
/// 60 minutes, 30 days) count minutes and days.
fn units(given: Option<TokenValidityUnitsType>, access: bool, id: bool) -> TokenValidityUnitsType {
    let given = given.unwrap_or_default();
    let fill = |unit: Option<TimeUnitsType>, explicit: bool| {
        Some(unit.unwrap_or(if explicit {
            TimeUnitsType::Hours
        } else {
            TimeUnitsType::Minutes
        }))
    };
    TokenValidityUnitsType {
        access_token: fill(given.access_token, access),
        id_token: fill(given.id_token, id),
        refresh_token: Some(given.refresh_token.unwrap_or(TimeUnitsType::Days)),
    }
}

fn default_flows() -> Vec<ExplicitAuthFlowsType> {
    vec![
        ExplicitAuthFlowsType::AllowRefreshTokenAuth,
        ExplicitAuthFlowsType::AllowUserSrpAuth,
        ExplicitAuthFlowsType::AllowCustomAuth,
    ]
}

/// Seconds in `value` of `unit`.
pub(super) fn seconds(value: i32, unit: Option<&TimeUnitsType>) -> i64 {
    let per = match unit {
        Some(TimeUnitsType::Seconds) => 1,
        Some(TimeUnitsType::Minutes) => 60,
        Some(TimeUnitsType::Hours) => 3600,
        _ => 86_400,
    };
    i64::from(value) * per
}

/// Refuses token validities outside what the service allows.
fn check_client(client: &UserPoolClientType) -> Result<(), PoolFault> {
    let units = client.token_validity_units.clone().unwrap_or_default();
    let checks = [
        (
            "AccessTokenValidity",
            client.access_token_validity,
            units.access_token.as_ref(),
            300,
            86_400,
        ),
        (
            "IdTokenValidity",
            client.id_token_validity,
            units.id_token.as_ref(),
            300,
            86_400,
        ),
        (
            "RefreshTokenValidity",
            client.refresh_token_validity,
            units.refresh_token.as_ref(),
            3600,
            315_360_000,
        ),
    ];
    for (name, value, unit, min, max) in checks {
        if let Some(v) = value {
            let s = seconds(v, unit);
            if s < min || s > max {
                return Err(PoolFault::invalid_parameter(format!(
                    "{name} must be between {min} seconds and {max} seconds."
                )));
            }
        }
    }
    let flows = client.explicit_auth_flows.iter().flatten();
    let (mut new, mut old) = (false, false);
    for f in flows {
        if f.as_str().starts_with("ALLOW_") {
            new = true;
        } else {
            old = true;
        }
    }
    if new && old {
        return Err(PoolFault::invalid_parameter(
            "The ExplicitAuthFlows combination of legacy and new values is not allowed.",
        ));
    }
    if client.allowed_oauth_flows_user_pool_client == Some(true) {
        return Err(PoolFault::out_of_scope("OAuth 2.0 and the hosted UI"));
    }
    Ok(())
}

/// Refuses pool settings that need what the emulator leaves out.
fn check_out_of_scope(pool: &UserPoolType) -> Result<(), PoolFault> {
    if matches!(
        pool.mfa_configuration,
        Some(UserPoolMfaType::On) | Some(UserPoolMfaType::Optional)
    ) {
        return Err(PoolFault::out_of_scope("MFA"));
    }
    Ok(())
}

fn check_role_arn(arn: &str) -> Result<(), PoolFault> {
    let ok = arn.starts_with("arn:aws") && arn.contains(":iam::") && arn.contains(":role/");
    if ok {
        Ok(())
    } else {
        Err(PoolFault::invalid_parameter(format!(
            "1 validation error detected: Value '{arn}' at 'roleArn' failed to satisfy constraint: Member must be an IAM role ARN"
        )))
    }
}

/// Converts a [`PoolFault`] into an operation's error by its code, as a client reads an
/// error response: the modeled exception when the model lists that code for the operation, so
/// that it is written with the model's status (500 for `InternalErrorException`, a server
/// fault; 400 for the client errors), else an unmodeled error with [`PoolFault::status`].
pub(super) fn operation_error<E: OperationError>(f: PoolFault) -> E {
    let body = serde_json::json!({ "message": f.message }).to_string();
    E::from_response(&ErrorResponse {
        status: f.status(),
        code: Some(f.code.to_owned()),
        message: Some(f.message),
        request_id: None,
        query_error: None,
        body: Bytes::from(body),
    })
}

/// The generated trait, one line per operation. An operation the emulator serves calls its
/// function below and converts the error (`method(Input) -> Output, Error = function;`); one it
/// leaves out answers `UnsupportedOperationException` naming itself
/// (`method(Input) -> Output, Error, "Name";`).
macro_rules! operations {
    (
        served { $($method:ident($input:ident) -> $output:ident, $error:ident = $op:ident;)* }
        left_out { $($out:ident($out_input:ident) -> $out_output:ident, $out_error:ident, $name:literal;)* }
    ) => {
        impl CognitoIdentityProvider for UserPools {
            $(async fn $method(&self, input: $input) -> Result<$output, $error> {
                self.$op(input).map_err(operation_error)
            })*
            $(async fn $out(&self, _input: $out_input) -> Result<$out_output, $out_error> {
                Err(operation_error(PoolFault::out_of_scope($name)))
            })*
        }
    };
}

operations! {
    served {
        admin_add_user_to_group(AdminAddUserToGroupRequest) -> AdminAddUserToGroupOutput, AdminAddUserToGroupError = admin_add_user_to_group_op;
        admin_confirm_sign_up(AdminConfirmSignUpRequest) -> AdminConfirmSignUpResponse, AdminConfirmSignUpError = admin_confirm_sign_up_op;
        admin_create_user(AdminCreateUserRequest) -> AdminCreateUserResponse, AdminCreateUserError = admin_create_user_op;
        admin_delete_user(AdminDeleteUserRequest) -> AdminDeleteUserOutput, AdminDeleteUserError = admin_delete_user_op;
        admin_delete_user_attributes(AdminDeleteUserAttributesRequest) -> AdminDeleteUserAttributesResponse, AdminDeleteUserAttributesError = admin_delete_user_attributes_op;
        admin_disable_user(AdminDisableUserRequest) -> AdminDisableUserResponse, AdminDisableUserError = admin_disable_user_op;
        admin_enable_user(AdminEnableUserRequest) -> AdminEnableUserResponse, AdminEnableUserError = admin_enable_user_op;
        admin_get_user(AdminGetUserRequest) -> AdminGetUserResponse, AdminGetUserError = admin_get_user_op;
        admin_initiate_auth(AdminInitiateAuthRequest) -> AdminInitiateAuthResponse, AdminInitiateAuthError = admin_initiate_auth_op;
        admin_list_groups_for_user(AdminListGroupsForUserRequest) -> AdminListGroupsForUserResponse, AdminListGroupsForUserError = admin_list_groups_for_user_op;
        admin_remove_user_from_group(AdminRemoveUserFromGroupRequest) -> AdminRemoveUserFromGroupOutput, AdminRemoveUserFromGroupError = admin_remove_user_from_group_op;
        admin_reset_user_password(AdminResetUserPasswordRequest) -> AdminResetUserPasswordResponse, AdminResetUserPasswordError = admin_reset_user_password_op;
        admin_respond_to_auth_challenge(AdminRespondToAuthChallengeRequest) -> AdminRespondToAuthChallengeResponse, AdminRespondToAuthChallengeError = admin_respond_to_auth_challenge_op;
        admin_set_user_password(AdminSetUserPasswordRequest) -> AdminSetUserPasswordResponse, AdminSetUserPasswordError = admin_set_user_password_op;
        admin_update_user_attributes(AdminUpdateUserAttributesRequest) -> AdminUpdateUserAttributesResponse, AdminUpdateUserAttributesError = admin_update_user_attributes_op;
        admin_user_global_sign_out(AdminUserGlobalSignOutRequest) -> AdminUserGlobalSignOutResponse, AdminUserGlobalSignOutError = admin_user_global_sign_out_op;
        change_password(ChangePasswordRequest) -> ChangePasswordResponse, ChangePasswordError = change_password_op;
        confirm_forgot_password(ConfirmForgotPasswordRequest) -> ConfirmForgotPasswordResponse, ConfirmForgotPasswordError = confirm_forgot_password_op;
        confirm_sign_up(ConfirmSignUpRequest) -> ConfirmSignUpResponse, ConfirmSignUpError = confirm_sign_up_op;
        create_group(CreateGroupRequest) -> CreateGroupResponse, CreateGroupError = create_group_op;
        create_user_pool(CreateUserPoolRequest) -> CreateUserPoolResponse, CreateUserPoolError = create_user_pool_op;
        create_user_pool_client(CreateUserPoolClientRequest) -> CreateUserPoolClientResponse, CreateUserPoolClientError = create_user_pool_client_op;
        delete_group(DeleteGroupRequest) -> DeleteGroupOutput, DeleteGroupError = delete_group_op;
        delete_user(DeleteUserRequest) -> DeleteUserOutput, DeleteUserError = delete_user_op;
        delete_user_pool(DeleteUserPoolRequest) -> DeleteUserPoolOutput, DeleteUserPoolError = delete_user_pool_op;
        delete_user_pool_client(DeleteUserPoolClientRequest) -> DeleteUserPoolClientOutput, DeleteUserPoolClientError = delete_user_pool_client_op;
        describe_user_pool(DescribeUserPoolRequest) -> DescribeUserPoolResponse, DescribeUserPoolError = describe_user_pool_op;
        describe_user_pool_client(DescribeUserPoolClientRequest) -> DescribeUserPoolClientResponse, DescribeUserPoolClientError = describe_user_pool_client_op;
        forgot_password(ForgotPasswordRequest) -> ForgotPasswordResponse, ForgotPasswordError = forgot_password_op;
        get_group(GetGroupRequest) -> GetGroupResponse, GetGroupError = get_group_op;
        get_tokens_from_refresh_token(GetTokensFromRefreshTokenRequest) -> GetTokensFromRefreshTokenResponse, GetTokensFromRefreshTokenError = get_tokens_from_refresh_token_op;
        get_user(GetUserRequest) -> GetUserResponse, GetUserError = get_user_op;
        global_sign_out(GlobalSignOutRequest) -> GlobalSignOutResponse, GlobalSignOutError = global_sign_out_op;
        initiate_auth(InitiateAuthRequest) -> InitiateAuthResponse, InitiateAuthError = initiate_auth_op;
        list_groups(ListGroupsRequest) -> ListGroupsResponse, ListGroupsError = list_groups_op;
        list_user_pool_clients(ListUserPoolClientsRequest) -> ListUserPoolClientsResponse, ListUserPoolClientsError = list_user_pool_clients_op;
        list_user_pools(ListUserPoolsRequest) -> ListUserPoolsResponse, ListUserPoolsError = list_user_pools_op;
        list_users(ListUsersRequest) -> ListUsersResponse, ListUsersError = list_users_op;
        list_users_in_group(ListUsersInGroupRequest) -> ListUsersInGroupResponse, ListUsersInGroupError = list_users_in_group_op;
        resend_confirmation_code(ResendConfirmationCodeRequest) -> ResendConfirmationCodeResponse, ResendConfirmationCodeError = resend_confirmation_code_op;
        respond_to_auth_challenge(RespondToAuthChallengeRequest) -> RespondToAuthChallengeResponse, RespondToAuthChallengeError = respond_to_auth_challenge_op;
        revoke_token(RevokeTokenRequest) -> RevokeTokenResponse, RevokeTokenError = revoke_token_op;
        sign_up(SignUpRequest) -> SignUpResponse, SignUpError = sign_up_op;
        update_group(UpdateGroupRequest) -> UpdateGroupResponse, UpdateGroupError = update_group_op;
        update_user_attributes(UpdateUserAttributesRequest) -> UpdateUserAttributesResponse, UpdateUserAttributesError = update_user_attributes_op;
        update_user_pool(UpdateUserPoolRequest) -> UpdateUserPoolResponse, UpdateUserPoolError = update_user_pool_op;
        update_user_pool_client(UpdateUserPoolClientRequest) -> UpdateUserPoolClientResponse, UpdateUserPoolClientError = update_user_pool_client_op;
    }
    left_out {
        add_custom_attributes(AddCustomAttributesRequest) -> AddCustomAttributesResponse, AddCustomAttributesError, "AddCustomAttributes";
        add_user_pool_client_secret(AddUserPoolClientSecretRequest) -> AddUserPoolClientSecretResponse, AddUserPoolClientSecretError, "AddUserPoolClientSecret";
        admin_delete_software_token(AdminDeleteSoftwareTokenRequest) -> AdminDeleteSoftwareTokenResponse, AdminDeleteSoftwareTokenError, "AdminDeleteSoftwareToken";
        admin_disable_provider_for_user(AdminDisableProviderForUserRequest) -> AdminDisableProviderForUserResponse, AdminDisableProviderForUserError, "AdminDisableProviderForUser";
        admin_forget_device(AdminForgetDeviceRequest) -> AdminForgetDeviceOutput, AdminForgetDeviceError, "AdminForgetDevice";
        admin_get_device(AdminGetDeviceRequest) -> AdminGetDeviceResponse, AdminGetDeviceError, "AdminGetDevice";
        admin_get_user_auth_factors(AdminGetUserAuthFactorsRequest) -> AdminGetUserAuthFactorsResponse, AdminGetUserAuthFactorsError, "AdminGetUserAuthFactors";
        admin_link_provider_for_user(AdminLinkProviderForUserRequest) -> AdminLinkProviderForUserResponse, AdminLinkProviderForUserError, "AdminLinkProviderForUser";
        admin_list_devices(AdminListDevicesRequest) -> AdminListDevicesResponse, AdminListDevicesError, "AdminListDevices";
        admin_list_user_auth_events(AdminListUserAuthEventsRequest) -> AdminListUserAuthEventsResponse, AdminListUserAuthEventsError, "AdminListUserAuthEvents";
        admin_list_user_sessions(AdminListUserSessionsRequest) -> AdminListUserSessionsResponse, AdminListUserSessionsError, "AdminListUserSessions";
        admin_revoke_user_session(AdminRevokeUserSessionRequest) -> AdminRevokeUserSessionResponse, AdminRevokeUserSessionError, "AdminRevokeUserSession";
        admin_set_user_mfa_preference(AdminSetUserMfaPreferenceRequest) -> AdminSetUserMfaPreferenceResponse, AdminSetUserMfaPreferenceError, "AdminSetUserMFAPreference";
        admin_set_user_settings(AdminSetUserSettingsRequest) -> AdminSetUserSettingsResponse, AdminSetUserSettingsError, "AdminSetUserSettings";
        admin_update_auth_event_feedback(AdminUpdateAuthEventFeedbackRequest) -> AdminUpdateAuthEventFeedbackResponse, AdminUpdateAuthEventFeedbackError, "AdminUpdateAuthEventFeedback";
        admin_update_device_status(AdminUpdateDeviceStatusRequest) -> AdminUpdateDeviceStatusResponse, AdminUpdateDeviceStatusError, "AdminUpdateDeviceStatus";
        associate_software_token(AssociateSoftwareTokenRequest) -> AssociateSoftwareTokenResponse, AssociateSoftwareTokenError, "AssociateSoftwareToken";
        complete_web_authn_registration(CompleteWebAuthnRegistrationRequest) -> CompleteWebAuthnRegistrationResponse, CompleteWebAuthnRegistrationError, "CompleteWebAuthnRegistration";
        confirm_device(ConfirmDeviceRequest) -> ConfirmDeviceResponse, ConfirmDeviceError, "ConfirmDevice";
        create_identity_provider(CreateIdentityProviderRequest) -> CreateIdentityProviderResponse, CreateIdentityProviderError, "CreateIdentityProvider";
        create_managed_login_branding(CreateManagedLoginBrandingRequest) -> CreateManagedLoginBrandingResponse, CreateManagedLoginBrandingError, "CreateManagedLoginBranding";
        create_resource_server(CreateResourceServerRequest) -> CreateResourceServerResponse, CreateResourceServerError, "CreateResourceServer";
        create_terms(CreateTermsRequest) -> CreateTermsResponse, CreateTermsError, "CreateTerms";
        create_user_import_job(CreateUserImportJobRequest) -> CreateUserImportJobResponse, CreateUserImportJobError, "CreateUserImportJob";
        create_user_pool_domain(CreateUserPoolDomainRequest) -> CreateUserPoolDomainResponse, CreateUserPoolDomainError, "CreateUserPoolDomain";
        create_user_pool_replica(CreateUserPoolReplicaRequest) -> CreateUserPoolReplicaResponse, CreateUserPoolReplicaError, "CreateUserPoolReplica";
        delete_identity_provider(DeleteIdentityProviderRequest) -> DeleteIdentityProviderOutput, DeleteIdentityProviderError, "DeleteIdentityProvider";
        delete_managed_login_branding(DeleteManagedLoginBrandingRequest) -> DeleteManagedLoginBrandingOutput, DeleteManagedLoginBrandingError, "DeleteManagedLoginBranding";
        delete_resource_server(DeleteResourceServerRequest) -> DeleteResourceServerOutput, DeleteResourceServerError, "DeleteResourceServer";
        delete_terms(DeleteTermsRequest) -> DeleteTermsOutput, DeleteTermsError, "DeleteTerms";
        delete_user_attributes(DeleteUserAttributesRequest) -> DeleteUserAttributesResponse, DeleteUserAttributesError, "DeleteUserAttributes";
        delete_user_pool_client_secret(DeleteUserPoolClientSecretRequest) -> DeleteUserPoolClientSecretResponse, DeleteUserPoolClientSecretError, "DeleteUserPoolClientSecret";
        delete_user_pool_domain(DeleteUserPoolDomainRequest) -> DeleteUserPoolDomainResponse, DeleteUserPoolDomainError, "DeleteUserPoolDomain";
        delete_user_pool_replica(DeleteUserPoolReplicaRequest) -> DeleteUserPoolReplicaResponse, DeleteUserPoolReplicaError, "DeleteUserPoolReplica";
        delete_web_authn_credential(DeleteWebAuthnCredentialRequest) -> DeleteWebAuthnCredentialResponse, DeleteWebAuthnCredentialError, "DeleteWebAuthnCredential";
        describe_identity_provider(DescribeIdentityProviderRequest) -> DescribeIdentityProviderResponse, DescribeIdentityProviderError, "DescribeIdentityProvider";
        describe_managed_login_branding(DescribeManagedLoginBrandingRequest) -> DescribeManagedLoginBrandingResponse, DescribeManagedLoginBrandingError, "DescribeManagedLoginBranding";
        describe_managed_login_branding_by_client(DescribeManagedLoginBrandingByClientRequest) -> DescribeManagedLoginBrandingByClientResponse, DescribeManagedLoginBrandingByClientError, "DescribeManagedLoginBrandingByClient";
        describe_resource_server(DescribeResourceServerRequest) -> DescribeResourceServerResponse, DescribeResourceServerError, "DescribeResourceServer";
        describe_risk_configuration(DescribeRiskConfigurationRequest) -> DescribeRiskConfigurationResponse, DescribeRiskConfigurationError, "DescribeRiskConfiguration";
        describe_terms(DescribeTermsRequest) -> DescribeTermsResponse, DescribeTermsError, "DescribeTerms";
        describe_terms_by_client(DescribeTermsByClientRequest) -> DescribeTermsByClientResponse, DescribeTermsByClientError, "DescribeTermsByClient";
        describe_user_import_job(DescribeUserImportJobRequest) -> DescribeUserImportJobResponse, DescribeUserImportJobError, "DescribeUserImportJob";
        describe_user_pool_domain(DescribeUserPoolDomainRequest) -> DescribeUserPoolDomainResponse, DescribeUserPoolDomainError, "DescribeUserPoolDomain";
        forget_device(ForgetDeviceRequest) -> ForgetDeviceOutput, ForgetDeviceError, "ForgetDevice";
        get_csv_header(GetCsvHeaderRequest) -> GetCsvHeaderResponse, GetCsvHeaderError, "GetCSVHeader";
        get_client_token(GetClientTokenRequest) -> GetClientTokenResponse, GetClientTokenError, "GetClientToken";
        get_derived_token(GetDerivedTokenRequest) -> GetDerivedTokenResponse, GetDerivedTokenError, "GetDerivedToken";
        get_device(GetDeviceRequest) -> GetDeviceResponse, GetDeviceError, "GetDevice";
        get_identity_provider_by_identifier(GetIdentityProviderByIdentifierRequest) -> GetIdentityProviderByIdentifierResponse, GetIdentityProviderByIdentifierError, "GetIdentityProviderByIdentifier";
        get_log_delivery_configuration(GetLogDeliveryConfigurationRequest) -> GetLogDeliveryConfigurationResponse, GetLogDeliveryConfigurationError, "GetLogDeliveryConfiguration";
        get_provisioned_limit(GetProvisionedLimitRequest) -> GetProvisionedLimitResponse, GetProvisionedLimitError, "GetProvisionedLimit";
        get_signing_certificate(GetSigningCertificateRequest) -> GetSigningCertificateResponse, GetSigningCertificateError, "GetSigningCertificate";
        get_ui_customization(GetUiCustomizationRequest) -> GetUiCustomizationResponse, GetUiCustomizationError, "GetUICustomization";
        get_user_attribute_verification_code(GetUserAttributeVerificationCodeRequest) -> GetUserAttributeVerificationCodeResponse, GetUserAttributeVerificationCodeError, "GetUserAttributeVerificationCode";
        get_user_auth_factors(GetUserAuthFactorsRequest) -> GetUserAuthFactorsResponse, GetUserAuthFactorsError, "GetUserAuthFactors";
        get_user_pool_client_session_configuration(GetUserPoolClientSessionConfigurationRequest) -> GetUserPoolClientSessionConfigurationResponse, GetUserPoolClientSessionConfigurationError, "GetUserPoolClientSessionConfiguration";
        get_user_pool_mfa_config(GetUserPoolMfaConfigRequest) -> GetUserPoolMfaConfigResponse, GetUserPoolMfaConfigError, "GetUserPoolMfaConfig";
        get_user_pool_session_configuration(GetUserPoolSessionConfigurationRequest) -> GetUserPoolSessionConfigurationResponse, GetUserPoolSessionConfigurationError, "GetUserPoolSessionConfiguration";
        list_devices(ListDevicesRequest) -> ListDevicesResponse, ListDevicesError, "ListDevices";
        list_identity_providers(ListIdentityProvidersRequest) -> ListIdentityProvidersResponse, ListIdentityProvidersError, "ListIdentityProviders";
        list_resource_servers(ListResourceServersRequest) -> ListResourceServersResponse, ListResourceServersError, "ListResourceServers";
        list_tags_for_resource(ListTagsForResourceRequest) -> ListTagsForResourceResponse, ListTagsForResourceError, "ListTagsForResource";
        list_terms(ListTermsRequest) -> ListTermsResponse, ListTermsError, "ListTerms";
        list_user_import_jobs(ListUserImportJobsRequest) -> ListUserImportJobsResponse, ListUserImportJobsError, "ListUserImportJobs";
        list_user_pool_client_secrets(ListUserPoolClientSecretsRequest) -> ListUserPoolClientSecretsResponse, ListUserPoolClientSecretsError, "ListUserPoolClientSecrets";
        list_user_pool_replicas(ListUserPoolReplicasRequest) -> ListUserPoolReplicasResponse, ListUserPoolReplicasError, "ListUserPoolReplicas";
        list_user_sessions(ListUserSessionsRequest) -> ListUserSessionsResponse, ListUserSessionsError, "ListUserSessions";
        list_web_authn_credentials(ListWebAuthnCredentialsRequest) -> ListWebAuthnCredentialsResponse, ListWebAuthnCredentialsError, "ListWebAuthnCredentials";
        revoke_user_session(RevokeUserSessionRequest) -> RevokeUserSessionResponse, RevokeUserSessionError, "RevokeUserSession";
        set_log_delivery_configuration(SetLogDeliveryConfigurationRequest) -> SetLogDeliveryConfigurationResponse, SetLogDeliveryConfigurationError, "SetLogDeliveryConfiguration";
        set_risk_configuration(SetRiskConfigurationRequest) -> SetRiskConfigurationResponse, SetRiskConfigurationError, "SetRiskConfiguration";
        set_ui_customization(SetUiCustomizationRequest) -> SetUiCustomizationResponse, SetUiCustomizationError, "SetUICustomization";
        set_user_mfa_preference(SetUserMfaPreferenceRequest) -> SetUserMfaPreferenceResponse, SetUserMfaPreferenceError, "SetUserMFAPreference";
        set_user_pool_client_session_configuration(SetUserPoolClientSessionConfigurationRequest) -> SetUserPoolClientSessionConfigurationResponse, SetUserPoolClientSessionConfigurationError, "SetUserPoolClientSessionConfiguration";
        set_user_pool_mfa_config(SetUserPoolMfaConfigRequest) -> SetUserPoolMfaConfigResponse, SetUserPoolMfaConfigError, "SetUserPoolMfaConfig";
        set_user_pool_session_configuration(SetUserPoolSessionConfigurationRequest) -> SetUserPoolSessionConfigurationResponse, SetUserPoolSessionConfigurationError, "SetUserPoolSessionConfiguration";
        set_user_settings(SetUserSettingsRequest) -> SetUserSettingsResponse, SetUserSettingsError, "SetUserSettings";
        start_user_import_job(StartUserImportJobRequest) -> StartUserImportJobResponse, StartUserImportJobError, "StartUserImportJob";
        start_web_authn_registration(StartWebAuthnRegistrationRequest) -> StartWebAuthnRegistrationResponse, StartWebAuthnRegistrationError, "StartWebAuthnRegistration";
        stop_user_import_job(StopUserImportJobRequest) -> StopUserImportJobResponse, StopUserImportJobError, "StopUserImportJob";
        tag_resource(TagResourceRequest) -> TagResourceResponse, TagResourceError, "TagResource";
        untag_resource(UntagResourceRequest) -> UntagResourceResponse, UntagResourceError, "UntagResource";
        update_auth_event_feedback(UpdateAuthEventFeedbackRequest) -> UpdateAuthEventFeedbackResponse, UpdateAuthEventFeedbackError, "UpdateAuthEventFeedback";
        update_device_status(UpdateDeviceStatusRequest) -> UpdateDeviceStatusResponse, UpdateDeviceStatusError, "UpdateDeviceStatus";
        update_identity_provider(UpdateIdentityProviderRequest) -> UpdateIdentityProviderResponse, UpdateIdentityProviderError, "UpdateIdentityProvider";
        update_managed_login_branding(UpdateManagedLoginBrandingRequest) -> UpdateManagedLoginBrandingResponse, UpdateManagedLoginBrandingError, "UpdateManagedLoginBranding";
        update_provisioned_limit(UpdateProvisionedLimitRequest) -> UpdateProvisionedLimitResponse, UpdateProvisionedLimitError, "UpdateProvisionedLimit";
        update_resource_server(UpdateResourceServerRequest) -> UpdateResourceServerResponse, UpdateResourceServerError, "UpdateResourceServer";
        update_terms(UpdateTermsRequest) -> UpdateTermsResponse, UpdateTermsError, "UpdateTerms";
        update_user_pool_domain(UpdateUserPoolDomainRequest) -> UpdateUserPoolDomainResponse, UpdateUserPoolDomainError, "UpdateUserPoolDomain";
        update_user_pool_replica(UpdateUserPoolReplicaRequest) -> UpdateUserPoolReplicaResponse, UpdateUserPoolReplicaError, "UpdateUserPoolReplica";
        verify_software_token(VerifySoftwareTokenRequest) -> VerifySoftwareTokenResponse, VerifySoftwareTokenError, "VerifySoftwareToken";
        verify_user_attribute(VerifyUserAttributeRequest) -> VerifyUserAttributeResponse, VerifyUserAttributeError, "VerifyUserAttribute";
    }
}

impl UserPools {
    fn admin_add_user_to_group_op(
        &self,
        input: AdminAddUserToGroupRequest,
    ) -> Result<AdminAddUserToGroupOutput, PoolFault> {
        self.set_membership(
            &input.user_pool_id,
            &input.group_name,
            &input.username,
            true,
        )?;
        Ok(Default::default())
    }

    fn admin_confirm_sign_up_op(
        &self,
        input: AdminConfirmSignUpRequest,
    ) -> Result<AdminConfirmSignUpResponse, PoolFault> {
        self.admin_confirm(&input.user_pool_id, &input.username)?;
        Ok(Default::default())
    }

    fn admin_create_user_op(
        &self,
        input: AdminCreateUserRequest,
    ) -> Result<AdminCreateUserResponse, PoolFault> {
        Ok(AdminCreateUserResponse {
            user: Some(self.admin_create_user(input)?),
        })
    }

    fn admin_delete_user_op(
        &self,
        input: AdminDeleteUserRequest,
    ) -> Result<AdminDeleteUserOutput, PoolFault> {
        self.admin_delete_user(&input.user_pool_id, &input.username)?;
        Ok(Default::default())
    }

    fn admin_delete_user_attributes_op(
        &self,
        input: AdminDeleteUserAttributesRequest,
    ) -> Result<AdminDeleteUserAttributesResponse, PoolFault> {
        self.admin_delete_attributes(
            &input.user_pool_id,
            &input.username,
            &input.user_attribute_names,
        )?;
        Ok(Default::default())
    }

    fn admin_disable_user_op(
        &self,
        input: AdminDisableUserRequest,
    ) -> Result<AdminDisableUserResponse, PoolFault> {
        self.admin_enable(&input.user_pool_id, &input.username, false)?;
        Ok(Default::default())
    }

    fn admin_enable_user_op(
        &self,
        input: AdminEnableUserRequest,
    ) -> Result<AdminEnableUserResponse, PoolFault> {
        self.admin_enable(&input.user_pool_id, &input.username, true)?;
        Ok(Default::default())
    }

    fn admin_get_user_op(
        &self,
        input: AdminGetUserRequest,
    ) -> Result<AdminGetUserResponse, PoolFault> {
        self.admin_get_user(&input.user_pool_id, &input.username)
    }

    fn admin_initiate_auth_op(
        &self,
        input: AdminInitiateAuthRequest,
    ) -> Result<AdminInitiateAuthResponse, PoolFault> {
        let o = self.initiate(
            Some(&input.user_pool_id),
            &input.client_id,
            &input.auth_flow,
            &input.auth_parameters.unwrap_or_default(),
        )?;
        Ok(AdminInitiateAuthResponse {
            challenge_name: o.challenge_name,
            session: o.session,
            challenge_parameters: o.challenge_parameters,
            authentication_result: o.authentication_result,
            available_challenges: None,
        })
    }

    fn admin_list_groups_for_user_op(
        &self,
        input: AdminListGroupsForUserRequest,
    ) -> Result<AdminListGroupsForUserResponse, PoolFault> {
        let (groups, next_token) = self.groups_for_user(
            &input.user_pool_id,
            &input.username,
            input.limit,
            input.next_token.as_ref(),
        )?;
        Ok(AdminListGroupsForUserResponse {
            groups: Some(groups),
            next_token,
        })
    }

    fn admin_remove_user_from_group_op(
        &self,
        input: AdminRemoveUserFromGroupRequest,
    ) -> Result<AdminRemoveUserFromGroupOutput, PoolFault> {
        self.set_membership(
            &input.user_pool_id,
            &input.group_name,
            &input.username,
            false,
        )?;
        Ok(Default::default())
    }

    fn admin_reset_user_password_op(
        &self,
        input: AdminResetUserPasswordRequest,
    ) -> Result<AdminResetUserPasswordResponse, PoolFault> {
        self.admin_reset_password(&input.user_pool_id, &input.username)?;
        Ok(Default::default())
    }

    fn admin_respond_to_auth_challenge_op(
        &self,
        input: AdminRespondToAuthChallengeRequest,
    ) -> Result<AdminRespondToAuthChallengeResponse, PoolFault> {
        let o = self.respond(
            Some(&input.user_pool_id),
            &input.client_id,
            &input.challenge_name,
            input.session.as_deref(),
            &input.challenge_responses.unwrap_or_default(),
        )?;
        Ok(AdminRespondToAuthChallengeResponse {
            challenge_name: o.challenge_name,
            session: o.session,
            challenge_parameters: o.challenge_parameters,
            authentication_result: o.authentication_result,
            available_challenges: None,
        })
    }

    fn admin_set_user_password_op(
        &self,
        input: AdminSetUserPasswordRequest,
    ) -> Result<AdminSetUserPasswordResponse, PoolFault> {
        self.admin_set_password(input)?;
        Ok(Default::default())
    }

    fn admin_update_user_attributes_op(
        &self,
        input: AdminUpdateUserAttributesRequest,
    ) -> Result<AdminUpdateUserAttributesResponse, PoolFault> {
        self.admin_update_attributes(&input.user_pool_id, &input.username, &input.user_attributes)?;
        Ok(Default::default())
    }

    fn admin_user_global_sign_out_op(
        &self,
        input: AdminUserGlobalSignOutRequest,
    ) -> Result<AdminUserGlobalSignOutResponse, PoolFault> {
        self.admin_sign_out(&input.user_pool_id, &input.username)?;
        Ok(Default::default())
    }

    fn change_password_op(
        &self,
        input: ChangePasswordRequest,
    ) -> Result<ChangePasswordResponse, PoolFault> {
        self.change_password(input)?;
        Ok(Default::default())
    }

    fn confirm_forgot_password_op(
        &self,
        input: ConfirmForgotPasswordRequest,
    ) -> Result<ConfirmForgotPasswordResponse, PoolFault> {
        self.confirm_forgot_password(input)?;
        Ok(Default::default())
    }

    fn confirm_sign_up_op(
        &self,
        input: ConfirmSignUpRequest,
    ) -> Result<ConfirmSignUpResponse, PoolFault> {
        self.confirm_sign_up(input)?;
        Ok(Default::default())
    }

    fn create_group_op(&self, input: CreateGroupRequest) -> Result<CreateGroupResponse, PoolFault> {
        Ok(CreateGroupResponse {
            group: Some(self.create_group(input)?),
        })
    }

    fn create_user_pool_op(
        &self,
        input: CreateUserPoolRequest,
    ) -> Result<CreateUserPoolResponse, PoolFault> {
        Ok(CreateUserPoolResponse {
            user_pool: Some(self.create_pool(input)?),
        })
    }

    fn create_user_pool_client_op(
        &self,
        input: CreateUserPoolClientRequest,
    ) -> Result<CreateUserPoolClientResponse, PoolFault> {
        Ok(CreateUserPoolClientResponse {
            user_pool_client: Some(self.create_client(input)?),
        })
    }

    fn delete_group_op(&self, input: DeleteGroupRequest) -> Result<DeleteGroupOutput, PoolFault> {
        self.delete_group(&input.user_pool_id, &input.group_name)?;
        Ok(Default::default())
    }

    fn delete_user_op(&self, input: DeleteUserRequest) -> Result<DeleteUserOutput, PoolFault> {
        self.delete_own_user(&input.access_token)?;
        Ok(Default::default())
    }

    fn delete_user_pool_op(
        &self,
        input: DeleteUserPoolRequest,
    ) -> Result<DeleteUserPoolOutput, PoolFault> {
        self.delete_pool(&input.user_pool_id)?;
        Ok(Default::default())
    }

    fn delete_user_pool_client_op(
        &self,
        input: DeleteUserPoolClientRequest,
    ) -> Result<DeleteUserPoolClientOutput, PoolFault> {
        self.delete_client(&input.user_pool_id, &input.client_id)?;
        Ok(Default::default())
    }

    fn describe_user_pool_op(
        &self,
        input: DescribeUserPoolRequest,
    ) -> Result<DescribeUserPoolResponse, PoolFault> {
        Ok(DescribeUserPoolResponse {
            user_pool: Some(self.describe_pool(&input.user_pool_id)?),
        })
    }

    fn describe_user_pool_client_op(
        &self,
        input: DescribeUserPoolClientRequest,
    ) -> Result<DescribeUserPoolClientResponse, PoolFault> {
        Ok(DescribeUserPoolClientResponse {
            user_pool_client: Some(self.describe_client(&input.user_pool_id, &input.client_id)?),
        })
    }

    fn forgot_password_op(
        &self,
        input: ForgotPasswordRequest,
    ) -> Result<ForgotPasswordResponse, PoolFault> {
        Ok(ForgotPasswordResponse {
            code_delivery_details: self.forgot_password(input)?,
        })
    }

    fn get_group_op(&self, input: GetGroupRequest) -> Result<GetGroupResponse, PoolFault> {
        Ok(GetGroupResponse {
            group: Some(self.get_group(&input.user_pool_id, &input.group_name)?),
        })
    }

    fn get_tokens_from_refresh_token_op(
        &self,
        input: GetTokensFromRefreshTokenRequest,
    ) -> Result<GetTokensFromRefreshTokenResponse, PoolFault> {
        Ok(GetTokensFromRefreshTokenResponse {
            authentication_result: Some(self.tokens_from_refresh(input)?),
        })
    }

    fn get_user_op(&self, input: GetUserRequest) -> Result<GetUserResponse, PoolFault> {
        self.get_user(&input.access_token)
    }

    fn global_sign_out_op(
        &self,
        input: GlobalSignOutRequest,
    ) -> Result<GlobalSignOutResponse, PoolFault> {
        self.global_sign_out(&input.access_token)?;
        Ok(Default::default())
    }

    fn initiate_auth_op(
        &self,
        input: InitiateAuthRequest,
    ) -> Result<InitiateAuthResponse, PoolFault> {
        let o = self.initiate(
            None,
            &input.client_id,
            &input.auth_flow,
            &input.auth_parameters.unwrap_or_default(),
        )?;
        Ok(InitiateAuthResponse {
            challenge_name: o.challenge_name,
            session: o.session,
            challenge_parameters: o.challenge_parameters,
            authentication_result: o.authentication_result,
            available_challenges: None,
        })
    }

    fn list_groups_op(&self, input: ListGroupsRequest) -> Result<ListGroupsResponse, PoolFault> {
        let (groups, next_token) =
            self.list_groups(&input.user_pool_id, input.limit, input.next_token.as_ref())?;
        Ok(ListGroupsResponse {
            groups: Some(groups),
            next_token,
        })
    }

    fn list_user_pool_clients_op(
        &self,
        input: ListUserPoolClientsRequest,
    ) -> Result<ListUserPoolClientsResponse, PoolFault> {
        self.list_clients(input)
    }

    fn list_user_pools_op(
        &self,
        input: ListUserPoolsRequest,
    ) -> Result<ListUserPoolsResponse, PoolFault> {
        self.list_pools(input)
    }

    fn list_users_op(&self, input: ListUsersRequest) -> Result<ListUsersResponse, PoolFault> {
        self.list_users(input)
    }

    fn list_users_in_group_op(
        &self,
        input: ListUsersInGroupRequest,
    ) -> Result<ListUsersInGroupResponse, PoolFault> {
        let (users, next_token) = self.users_in_group(
            &input.user_pool_id,
            &input.group_name,
            input.limit,
            input.next_token.as_ref(),
        )?;
        Ok(ListUsersInGroupResponse {
            users: Some(users),
            next_token,
        })
    }

    fn resend_confirmation_code_op(
        &self,
        input: ResendConfirmationCodeRequest,
    ) -> Result<ResendConfirmationCodeResponse, PoolFault> {
        Ok(ResendConfirmationCodeResponse {
            code_delivery_details: self.resend_code(input)?,
        })
    }

    fn respond_to_auth_challenge_op(
        &self,
        input: RespondToAuthChallengeRequest,
    ) -> Result<RespondToAuthChallengeResponse, PoolFault> {
        let o = self.respond(
            None,
            &input.client_id,
            &input.challenge_name,
            input.session.as_deref(),
            &input.challenge_responses.unwrap_or_default(),
        )?;
        Ok(RespondToAuthChallengeResponse {
            challenge_name: o.challenge_name,
            session: o.session,
            challenge_parameters: o.challenge_parameters,
            authentication_result: o.authentication_result,
            available_challenges: None,
        })
    }

    fn revoke_token_op(&self, input: RevokeTokenRequest) -> Result<RevokeTokenResponse, PoolFault> {
        self.revoke(input)?;
        Ok(Default::default())
    }

    fn sign_up_op(&self, input: SignUpRequest) -> Result<SignUpResponse, PoolFault> {
        self.sign_up(input)
    }

    fn update_group_op(&self, input: UpdateGroupRequest) -> Result<UpdateGroupResponse, PoolFault> {
        Ok(UpdateGroupResponse {
            group: Some(self.update_group(input)?),
        })
    }

    fn update_user_attributes_op(
        &self,
        input: UpdateUserAttributesRequest,
    ) -> Result<UpdateUserAttributesResponse, PoolFault> {
        self.update_own_attributes(input)?;
        Ok(Default::default())
    }

    fn update_user_pool_op(
        &self,
        input: UpdateUserPoolRequest,
    ) -> Result<UpdateUserPoolResponse, PoolFault> {
        self.update_pool(input)?;
        Ok(UpdateUserPoolResponse::default())
    }

    fn update_user_pool_client_op(
        &self,
        input: UpdateUserPoolClientRequest,
    ) -> Result<UpdateUserPoolClientResponse, PoolFault> {
        Ok(UpdateUserPoolClientResponse {
            user_pool_client: Some(self.update_client(input)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_and_type<E: OperationError>(f: PoolFault) -> (u16, String) {
        let response = operation_error::<E>(f).to_response("application/x-amz-json-1.1");
        let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
        (response.status().as_u16(), body["__type"].to_string())
    }

    #[test]
    fn server_faults_answer_500_and_client_errors_400() {
        assert_eq!(
            status_and_type::<GetUserError>(PoolFault::internal("database error")),
            (500, "\"InternalErrorException\"".into())
        );
        assert_eq!(
            status_and_type::<AdminGetUserError>(PoolFault::no_user()),
            (400, "\"UserNotFoundException\"".into())
        );
        // Codes the operation's model does not list keep their kind's status.
        assert_eq!(
            status_and_type::<GetGroupError>(PoolFault::out_of_scope("Something")),
            (400, "\"UnsupportedOperationException\"".into())
        );
        assert_eq!(
            status_and_type::<AddUserPoolClientSecretError>(PoolFault::internal("x")),
            (500, "\"InternalErrorException\"".into())
        );
        let e = operation_error::<GetUserError>(PoolFault::not_authorized("Invalid Access Token"));
        assert!(matches!(e, GetUserError::NotAuthorizedException(_)));
        assert_eq!(e.message(), Some("Invalid Access Token"));
    }
}
