//! The 23 operations of Amazon Cognito Identity over the [`Store`]: the handler the generated
//! `Router` serves.
//!
//! Each operation is a plain function returning a [`Fault`] on error; the trait impl at the
//! bottom only converts that into the operation's error enum. Behaviour follows the service's
//! API reference; where the reference is silent the emulator does what a user of the real
//! service would see, and the README lists those choices.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_json_runtime::DateTime;
use cognito_identity::error::*;
use cognito_identity::types::*;
use cognito_identity::CognitoIdentity;
use serde_json::{json, Value};

use crate::fault::Fault;
use crate::ids;
use crate::logins::Login;
use crate::logins::{self, Checker, Provider, Resolved};
use crate::store::{Identity, Pool, Read, Store, TagMap, Writer};
use crate::tokens::{
    generate_key, Signer, TokenRequest, LEGACY_EC_KEY_META, RSA_KEY_META, TAGS_CLAIM,
};
use crate::trust::Trust;

/// How many identity pools one account may have (the service's default quota).
pub const MAX_POOLS: usize = 1000;
/// How many tags one identity pool may carry.
pub const MAX_TAGS: usize = 50;
/// How many logins one identity may have linked (the service's quota).
pub const MAX_LOGINS: usize = 20;
/// Lifetime of a `GetOpenIdToken` token: ten minutes, as documented.
const OPEN_ID_TOKEN_SECS: i64 = 600;
/// Default lifetime of a developer-authenticated token: fifteen minutes.
const DEVELOPER_TOKEN_SECS: i64 = 900;
/// Lifetime of temporary credentials: one hour.
const CREDENTIALS_SECS: i64 = 3600;

/// Where the emulator says it is.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The region in ids and ARNs.
    pub region: String,
    /// The account in ARNs.
    pub account_id: String,
    /// The `iss` of issued tokens.
    pub issuer: String,
    /// Seconds the emulator's clock runs ahead of this machine's (negative: behind), so that
    /// tests can play a server whose clock is skewed.
    pub clock_offset_secs: i64,
}

/// The emulated service.
pub struct Emulator {
    store: Arc<Store>,
    signer: Signer,
    trust: Trust,
    settings: Settings,
    local_pools: Option<Arc<dyn crate::logins::LocalPools>>,
}

/// Milliseconds since the epoch on a clock `offset_secs` ahead of this machine's.
pub fn clock_ms(offset_secs: i64) -> i64 {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    ms.saturating_add(offset_secs.saturating_mul(1000))
}

fn date(ms: i64) -> DateTime {
    DateTime::from_millis(ms)
}

impl Emulator {
    /// The service over `store`, loading its signing key from the store or making one.
    /// A data directory from before RSA signing keeps its P-256 key, to verify the tokens
    /// it signed until they expire.
    pub fn new(store: impl Into<Arc<Store>>, settings: Settings) -> Result<Emulator, Fault> {
        let store = store.into();
        let key = store.meta_or_insert(RSA_KEY_META, generate_key)?;
        let legacy = store.meta(LEGACY_EC_KEY_META)?;
        let signer = Signer::new(&key, legacy.as_deref(), settings.issuer.clone())?;
        Ok(Emulator {
            store,
            signer,
            trust: Trust::new(Vec::new()),
            settings,
            local_pools: None,
        })
    }

    /// The same service, accepting the ID tokens of the user pools `pools` holds keys of
    /// (the emulator's own) as logins, verified with those keys.
    #[must_use]
    pub fn with_local_pools(mut self, pools: Arc<dyn crate::logins::LocalPools>) -> Emulator {
        self.local_pools = Some(pools);
        self
    }

    /// The store, shared with the user-pool side.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The same service, verifying the signatures of the providers `trust` names.
    #[must_use]
    pub fn with_trust(mut self, trust: Trust) -> Emulator {
        self.trust = trust;
        self
    }

    /// The providers whose signatures are verified.
    pub fn trust(&self) -> &Trust {
        &self.trust
    }

    /// What checking logins needs, at `now_ms` on the emulator's clock.
    fn checker(&self, now_ms: i64) -> Checker<'_> {
        Checker {
            local: self.local_pools.as_deref(),
            signer: &self.signer,
            trust: &self.trust,
            now: now_ms / 1000,
        }
    }

    /// The ARN of identity pool `pool_id`.
    fn pool_arn(&self, pool_id: &str) -> String {
        format!(
            "arn:aws:cognito-identity:{}:{}:identitypool/{pool_id}",
            self.settings.region, self.settings.account_id
        )
    }

    /// The token signer (for the JWKS document).
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// The settings it runs with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Milliseconds since the epoch on the emulator's clock.
    pub fn now_ms(&self) -> i64 {
        clock_ms(self.settings.clock_offset_secs)
    }

    fn pool_arn_id<'a>(&self, arn: &'a str) -> Result<&'a str, Fault> {
        let invalid = || Fault::invalid_parameter(format!("Invalid ResourceArn: '{arn}'."));
        let rest = arn
            .strip_prefix("arn:aws:cognito-identity:")
            .ok_or_else(invalid)?;
        let (region, rest) = rest.split_once(':').ok_or_else(invalid)?;
        let (account, rest) = rest.split_once(':').ok_or_else(invalid)?;
        let id = rest.strip_prefix("identitypool/").ok_or_else(invalid)?;
        if region != self.settings.region || account != self.settings.account_id {
            return Err(Fault::not_found(format!("Resource '{arn}' not found.")));
        }
        Ok(id)
    }

    // ----- identity pools -------------------------------------------------------------

    fn create_pool(&self, input: CreateIdentityPoolInput) -> Result<IdentityPool, Fault> {
        let config = IdentityPool {
            identity_pool_id: ids::regional_id(&self.settings.region)?,
            identity_pool_name: input.identity_pool_name,
            allow_unauthenticated_identities: input.allow_unauthenticated_identities,
            // Left unset when not given, as the service leaves it: such a pool answers without
            // the member and does not refuse the classic flow.
            allow_classic_flow: input.allow_classic_flow,
            supported_login_providers: input.supported_login_providers,
            developer_provider_name: input.developer_provider_name,
            open_id_connect_provider_ar_ns: input.open_id_connect_provider_ar_ns,
            cognito_identity_providers: input.cognito_identity_providers,
            saml_provider_ar_ns: input.saml_provider_ar_ns,
            identity_pool_tags: input.identity_pool_tags,
        };
        let config = normalise_pool(config)?;
        self.store.write(|w| {
            if w.pools().len() >= MAX_POOLS {
                return Err(Fault::limit_exceeded(format!(
                    "Identity pool limit exceeded: an account can have at most {MAX_POOLS} identity pools."
                )));
            }
            let pool = w.insert_pool(Pool {
                seq: 0,
                config,
                roles: HashMap::new(),
                role_mappings: HashMap::new(),
            })?;
            Ok(pool.config.clone())
        })
    }

    fn update_pool(&self, input: IdentityPool) -> Result<IdentityPool, Fault> {
        self.store.write(|w| {
            let old = w.existing_pool(&input.identity_pool_id)?;
            let mut config = input;
            match (&old.config.developer_provider_name, &config.developer_provider_name) {
                (Some(old_name), Some(new_name)) if old_name != new_name => {
                    return Err(Fault::invalid_parameter(format!(
                        "DeveloperProviderName cannot be changed once it is set (it is '{old_name}')."
                    )))
                }
                (Some(old_name), None) => config.developer_provider_name = Some(old_name.clone()),
                _ => {}
            }
            if config.identity_pool_tags.is_none() {
                config.identity_pool_tags = old.config.identity_pool_tags.clone();
            }
            let config = normalise_pool(config)?;
            let pool = w.update_pool(Pool {
                config,
                ..(*old).clone()
            })?;
            Ok(pool.config.clone())
        })
    }

    fn delete_pool(&self, id: &str) -> Result<(), Fault> {
        self.store.write(|w| {
            w.existing_pool(id)?;
            w.delete_pool(id)
        })
    }

    fn describe_pool(&self, id: &str) -> Result<IdentityPool, Fault> {
        Ok(self.pool(id)?.config.clone())
    }

    fn list_pools(
        &self,
        input: ListIdentityPoolsInput,
    ) -> Result<ListIdentityPoolsResponse, Fault> {
        let after = match &input.next_token {
            Some(t) => ids::read_page_token("pools", t)?,
            None => 0,
        };
        let limit = input.max_results.clamp(1, 60) as usize;
        let pools = self.store.read(|r| Ok(r.pools()))?;
        let mut page: Vec<&Arc<Pool>> = pools
            .iter()
            .filter(|p| p.seq > after)
            .take(limit + 1)
            .collect();
        let next_token = if page.len() > limit {
            page.truncate(limit);
            page.last().map(|p| ids::page_token("pools", p.seq))
        } else {
            None
        };
        Ok(ListIdentityPoolsResponse {
            identity_pools: Some(
                page.iter()
                    .map(|p| {
                        IdentityPoolShortDescription::new()
                            .with_identity_pool_id(p.config.identity_pool_id.clone())
                            .with_identity_pool_name(p.config.identity_pool_name.clone())
                    })
                    .collect(),
            ),
            next_token,
        })
    }

    // ----- roles --------------------------------------------------------------------

    fn set_roles(&self, input: SetIdentityPoolRolesInput) -> Result<(), Fault> {
        self.store.write(|w| {
            let pool = w.existing_pool(&input.identity_pool_id)?;
            for (key, arn) in &input.roles {
                if key != "authenticated" && key != "unauthenticated" {
                    return Err(Fault::invalid_parameter(format!(
                        "Invalid role key '{key}': the keys of Roles are 'authenticated' and 'unauthenticated'."
                    )));
                }
                check_role_arn(arn)?;
            }
            let mappings = input.role_mappings.unwrap_or_default();
            for (name, mapping) in &mappings {
                check_role_mapping(&pool.config, name, mapping)?;
            }
            w.update_pool(Pool {
                roles: input.roles,
                role_mappings: mappings,
                ..(*pool).clone()
            })?;
            Ok(())
        })
    }

    fn get_roles(&self, id: &str) -> Result<GetIdentityPoolRolesResponse, Fault> {
        let pool = self.store.read(|r| r.existing_pool(id))?;
        Ok(GetIdentityPoolRolesResponse {
            identity_pool_id: Some(id.to_owned()),
            roles: Some(pool.roles.clone()),
            role_mappings: (!pool.role_mappings.is_empty()).then(|| pool.role_mappings.clone()),
        })
    }

    // ----- tags ---------------------------------------------------------------------

    fn tag(&self, arn: &str, tags: HashMap<String, String>) -> Result<(), Fault> {
        let id = self.pool_arn_id(arn)?;
        self.store.write(|w| {
            let pool = w.existing_pool(id)?;
            let mut all = pool.config.identity_pool_tags.clone().unwrap_or_default();
            all.extend(tags);
            if all.len() > MAX_TAGS {
                return Err(Fault::invalid_parameter(format!(
                    "An identity pool can have at most {MAX_TAGS} tags."
                )));
            }
            let mut updated = (*pool).clone();
            updated.config.identity_pool_tags = Some(all);
            w.update_pool(updated)?;
            Ok(())
        })
    }

    fn untag(&self, arn: &str, keys: &[String]) -> Result<(), Fault> {
        let id = self.pool_arn_id(arn)?;
        self.store.write(|w| {
            let pool = w.existing_pool(id)?;
            let mut updated = (*pool).clone();
            if let Some(tags) = updated.config.identity_pool_tags.as_mut() {
                for k in keys {
                    tags.remove(k);
                }
            }
            w.update_pool(updated)?;
            Ok(())
        })
    }

    fn list_tags(&self, arn: &str) -> Result<HashMap<String, String>, Fault> {
        let id = self.pool_arn_id(arn)?;
        let pool = self.store.read(|r| r.existing_pool(id))?;
        Ok(pool.config.identity_pool_tags.clone().unwrap_or_default())
    }

    // ----- principal tags -----------------------------------------------------------

    fn set_tag_map(
        &self,
        input: SetPrincipalTagAttributeMapInput,
    ) -> Result<SetPrincipalTagAttributeMapResponse, Fault> {
        self.store.write(|w| {
            let pool = w.existing_pool(&input.identity_pool_id)?;
            configured_provider(&pool.config, &input.identity_provider_name)?;
            let use_defaults = input.use_defaults.unwrap_or(false);
            let tags = match (input.principal_tags, use_defaults) {
                (Some(tags), _) => tags,
                (None, true) => default_tag_map(),
                (None, false) => HashMap::new(),
            };
            let map = TagMap { use_defaults, tags };
            w.set_tag_map(&input.identity_pool_id, &input.identity_provider_name, &map)?;
            Ok(SetPrincipalTagAttributeMapResponse {
                identity_pool_id: Some(input.identity_pool_id),
                identity_provider_name: Some(input.identity_provider_name),
                use_defaults: Some(map.use_defaults),
                principal_tags: Some(map.tags),
            })
        })
    }

    fn get_tag_map(
        &self,
        input: GetPrincipalTagAttributeMapInput,
    ) -> Result<GetPrincipalTagAttributeMapResponse, Fault> {
        self.store.read(|r| {
            let pool = r.existing_pool(&input.identity_pool_id)?;
            configured_provider(&pool.config, &input.identity_provider_name)?;
            let map = r
                .tag_map(&input.identity_pool_id, &input.identity_provider_name)?
                .unwrap_or(TagMap {
                    use_defaults: false,
                    tags: HashMap::new(),
                });
            Ok(GetPrincipalTagAttributeMapResponse {
                identity_pool_id: Some(input.identity_pool_id),
                identity_provider_name: Some(input.identity_provider_name),
                use_defaults: Some(map.use_defaults),
                principal_tags: Some(map.tags),
            })
        })
    }

    // ----- identities ---------------------------------------------------------------

    fn describe(&self, r: &impl Read, identity: &Identity) -> Result<IdentityDescription, Fault> {
        let providers: BTreeSet<String> = r
            .logins_of(&identity.id)?
            .into_iter()
            .map(|l| l.provider)
            .collect();
        Ok(IdentityDescription {
            identity_id: Some(identity.id.clone()),
            logins: Some(providers.into_iter().collect()),
            creation_date: Some(date(identity.created_ms)),
            last_modified_date: Some(date(identity.modified_ms)),
        })
    }

    fn describe_identity(&self, id: &str) -> Result<IdentityDescription, Fault> {
        self.store.read(|r| {
            let identity = r.existing_identity(id)?;
            self.describe(r, &identity)
        })
    }

    fn list_identities(&self, input: ListIdentitiesInput) -> Result<ListIdentitiesResponse, Fault> {
        let after = match &input.next_token {
            Some(t) => ids::read_page_token("identities", t)?,
            None => 0,
        };
        let limit = input.max_results.clamp(1, 60) as usize;
        self.store.read(|r| {
            r.existing_pool(&input.identity_pool_id)?;
            let mut page = r.identities_page(
                &input.identity_pool_id,
                after,
                limit + 1,
                input.hide_disabled.unwrap_or(false),
            )?;
            let next_token = if page.len() > limit {
                page.truncate(limit);
                page.last().map(|i| ids::page_token("identities", i.seq))
            } else {
                None
            };
            let identities = page
                .iter()
                .map(|i| self.describe(r, i))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ListIdentitiesResponse {
                identity_pool_id: Some(input.identity_pool_id.clone()),
                identities: Some(identities),
                next_token,
            })
        })
    }

    fn delete_identities(
        &self,
        ids_to_delete: &[String],
    ) -> Result<Vec<UnprocessedIdentityId>, Fault> {
        self.store.write(|w| {
            let mut unprocessed = Vec::new();
            for id in ids_to_delete {
                if !w.delete_identity(id)? {
                    unprocessed.push(
                        UnprocessedIdentityId::new()
                            .with_identity_id(id.clone())
                            .with_error_code(ErrorCode::AccessDenied),
                    );
                }
            }
            Ok(unprocessed)
        })
    }

    fn new_identity(&self, w: &mut Writer<'_>, pool_id: &str, now: i64) -> Result<String, Fault> {
        let id = ids::regional_id(&self.settings.region)?;
        w.insert_identity(&id, pool_id, now)?;
        Ok(id)
    }

    /// The committed pool `pool_id`, read without waiting for the database.
    fn pool(&self, pool_id: &str) -> Result<Arc<Pool>, Fault> {
        self.store
            .pool(pool_id)
            .ok_or_else(|| Fault::pool_not_found(pool_id))
    }

    async fn get_id(&self, input: GetIdInput) -> Result<String, Fault> {
        let logins = input.logins.unwrap_or_default();
        let now = self.now_ms();
        if logins.is_empty() {
            return self.store.write(|w| {
                let pool = w.existing_pool(&input.identity_pool_id)?;
                if !pool.config.allow_unauthenticated_identities {
                    return Err(Fault::unauthenticated_not_supported());
                }
                self.new_identity(w, &input.identity_pool_id, now)
            });
        }
        let pool = self.pool(&input.identity_pool_id)?;
        let resolved =
            logins::resolve_all(&pool.config, &logins, false, &self.checker(now)).await?;
        // A guest handing back its own token is still a guest.
        if !resolved.iter().any(Resolved::authenticates)
            && !pool.config.allow_unauthenticated_identities
        {
            return Err(Fault::unauthenticated_not_supported());
        }
        // Most calls name logins that are already linked: answer those from a read.
        let known = self.store.read(|r| {
            let mut owners = BTreeSet::new();
            for login in &resolved {
                let owner = match login.cognito_identity() {
                    // The token's identity must still exist here: one deleted or merged
                    // away goes the slow way, which says so.
                    Some(id) => r
                        .identity(id)?
                        .filter(|i| i.pool_id == input.identity_pool_id)
                        .map(|i| i.id),
                    None => r.identity_for_login(&input.identity_pool_id, &login.login)?,
                };
                match owner {
                    Some(id) => owners.insert(id),
                    None => return Ok(None),
                };
            }
            Ok(match owners.len() {
                1 => owners.pop_first(),
                _ => None,
            })
        })?;
        if let Some(id) = known {
            return Ok(id);
        }
        self.store.write(|w| {
            let pool = w.existing_pool(&input.identity_pool_id)?;
            self.link_logins(w, &pool, None, &resolved, now)
        })
    }

    /// The identity that `resolved` logins belong to (`explicit` when the caller named one),
    /// creating it when none does, with every login linked to it.
    fn link_logins(
        &self,
        w: &mut Writer<'_>,
        pool: &Pool,
        explicit: Option<&Identity>,
        resolved: &[Resolved],
        now: i64,
    ) -> Result<String, Fault> {
        let pool_id = &pool.config.identity_pool_id;
        let mut owners: Vec<(String, &Resolved)> = Vec::new();
        for r in resolved {
            let owner = match r.cognito_identity() {
                Some(id) => Some(id.to_owned()),
                None => w.identity_for_login(pool_id, &r.login)?,
            };
            if let Some(owner) = owner {
                owners.push((owner, r));
            }
        }
        let distinct: BTreeSet<&String> = owners.iter().map(|(o, _)| o).collect();
        let target = match explicit {
            Some(identity) => {
                if let Some((_, r)) = owners.iter().find(|(o, _)| *o != identity.id) {
                    return Err(already_linked(r));
                }
                identity.id.clone()
            }
            None if distinct.len() > 1 => {
                return Err(Fault::conflict(
                    "The logins belong to different identities; link or merge them first.",
                ))
            }
            None => match distinct.into_iter().next() {
                Some(id) => id.clone(),
                None => self.new_identity(w, pool_id, now)?,
            },
        };
        let identity = w.existing_identity(&target)?;
        if identity.pool_id != *pool_id {
            return Err(Fault::logins_dont_match());
        }
        if identity.disabled {
            return Err(disabled(&target));
        }
        let linked = w.logins_of(&target)?;
        let developer = pool.config.developer_provider_name.as_deref();
        let mut added = 0;
        for r in resolved {
            if r.cognito_identity().is_some() || linked.contains(&r.login) {
                continue;
            }
            // An identity has one user per public provider; the developer provider may name
            // several users of the developer's own backend.
            let clash = linked
                .iter()
                .any(|l| l.provider == r.login.provider && Some(l.provider.as_str()) != developer);
            if clash {
                return Err(Fault::conflict(format!(
                    "Identity '{target}' is already linked to another login from '{}'.",
                    r.login.provider
                )));
            }
            check_login_count(&target, linked.len() + added + 1)?;
            w.link(pool_id, &r.login, &target)?;
            added += 1;
        }
        if added > 0 {
            w.touch_identity(&target, now, false)?;
        }
        Ok(target)
    }

    /// The checks every operation that takes an identity id and `Logins` makes, over logins
    /// already resolved: the identity exists and is enabled, the logins prove it (one of them
    /// is linked to it, or it has none yet) without belonging to another identity, and a
    /// guest is let in only where the pool allows guests. Returns the pool, the identity,
    /// and whether some logins still need linking.
    fn check_logins(
        &self,
        r: &impl Read,
        identity_id: &str,
        resolved: &[Resolved],
    ) -> Result<(Arc<Pool>, Identity, bool), Fault> {
        let identity = r.existing_identity(identity_id)?;
        let pool = r.existing_pool(&identity.pool_id)?;
        if identity.disabled {
            return Err(disabled(identity_id));
        }
        let linked = r.logins_of(identity_id)?;
        if resolved.is_empty() && !linked.is_empty() {
            return Err(Fault::logins_dont_match());
        }
        if !resolved.iter().any(Resolved::authenticates)
            && !pool.config.allow_unauthenticated_identities
        {
            return Err(Fault::unauthenticated_not_supported());
        }
        let proven = linked.is_empty()
            || resolved.iter().any(|r| {
                r.cognito_identity() == Some(identity.id.as_str()) || linked.contains(&r.login)
            });
        if !proven {
            return Err(Fault::logins_dont_match());
        }
        let mut needs_link = false;
        for login in resolved {
            let owner = match login.cognito_identity() {
                Some(id) => Some(id.to_owned()),
                None => r.identity_for_login(&pool.config.identity_pool_id, &login.login)?,
            };
            match owner {
                Some(owner) if owner != identity.id => return Err(already_linked(login)),
                Some(_) => {}
                None => needs_link = true,
            }
        }
        Ok((pool, identity, needs_link))
    }

    /// Resolves `logins` against the identity's pool, runs [`Emulator::check_logins`], and
    /// links the new logins in a write when there are any.
    async fn authenticate(
        &self,
        identity_id: &str,
        logins: &HashMap<String, String>,
        now: i64,
    ) -> Result<(Arc<Pool>, Vec<Resolved>), Fault> {
        let resolved = if logins.is_empty() {
            Vec::new()
        } else {
            let pool = self.store.read(|r| {
                let identity = r.existing_identity(identity_id)?;
                r.existing_pool(&identity.pool_id)
            })?;
            logins::resolve_all(&pool.config, logins, false, &self.checker(now)).await?
        };
        let (pool, _, needs_link) = self
            .store
            .read(|r| self.check_logins(r, identity_id, &resolved))?;
        if !needs_link {
            return Ok((pool, resolved));
        }
        self.store.write(|w| {
            // Checked again inside the transaction: another request may have linked them.
            let (pool, identity, _) = self.check_logins(w, identity_id, &resolved)?;
            self.link_logins(w, &pool, Some(&identity), &resolved, now)?;
            Ok((pool, resolved))
        })
    }

    async fn get_credentials(
        &self,
        input: GetCredentialsForIdentityInput,
    ) -> Result<GetCredentialsForIdentityResponse, Fault> {
        let logins = input.logins.unwrap_or_default();
        let now = self.now_ms();
        let (pool, resolved) = self.authenticate(&input.identity_id, &logins, now).await?;
        let authenticated = resolved.iter().any(Resolved::authenticates);
        let role = choose_role(&pool, &resolved, input.custom_role_arn.as_deref())?;
        let tags = if authenticated {
            self.store.read(|r| principal_tags(r, &pool, &resolved))?
        } else {
            BTreeMap::new()
        };
        let expires = now / 1000 + CREDENTIALS_SECS;
        let amr = self.amr(&pool, &resolved);
        let session = ids::session_token(&json!({
            "RoleArn": role,
            "IdentityId": input.identity_id,
            "IdentityPoolId": pool.config.identity_pool_id,
            "Amr": amr,
            "PrincipalTags": tags,
            "Expiration": expires,
        }))?;
        let credentials = Credentials::new()
            .with_access_key_id(ids::access_key_id()?)
            .with_secret_key(ids::secret_key()?)
            .with_session_token(session)
            .with_expiration(DateTime::from_secs(expires));
        Ok(GetCredentialsForIdentityResponse::new()
            .with_identity_id(input.identity_id)
            .with_credentials(credentials))
    }

    /// The `amr` of a token or session: `unauthenticated` for a guest, else `authenticated`
    /// and the providers used.
    fn amr(&self, pool: &Pool, resolved: &[Resolved]) -> Vec<String> {
        if !resolved.iter().any(Resolved::authenticates) {
            return vec!["unauthenticated".to_owned()];
        }
        let mut amr = vec!["authenticated".to_owned()];
        for r in resolved {
            for entry in r.amr(&pool.config.identity_pool_id) {
                if !amr.contains(&entry) {
                    amr.push(entry);
                }
            }
        }
        amr
    }

    async fn get_open_id_token(
        &self,
        input: GetOpenIdTokenInput,
    ) -> Result<GetOpenIdTokenResponse, Fault> {
        let logins = input.logins.unwrap_or_default();
        let now = self.now_ms();
        let (pool, resolved) = self.authenticate(&input.identity_id, &logins, now).await?;
        // Only a pool whose flag was set to false refuses: one created without the flag
        // gives tokens, as the service does.
        if pool.config.allow_classic_flow == Some(false) {
            return Err(Fault::invalid_parameter(
                "Basic (classic) flow is not enabled, please use enhanced flow.",
            ));
        }
        let pool_id = &pool.config.identity_pool_id;
        let token = self.signer.issue(&TokenRequest {
            identity_id: &input.identity_id,
            pool_id,
            pool_arn: &self.pool_arn(pool_id),
            amr: self.amr(&pool, &resolved),
            lifetime_secs: OPEN_ID_TOKEN_SECS,
            principal_tags: BTreeMap::new(),
            now: now / 1000,
        })?;
        Ok(GetOpenIdTokenResponse::new()
            .with_identity_id(input.identity_id)
            .with_token(token))
    }

    async fn get_developer_token(
        &self,
        input: GetOpenIdTokenForDeveloperIdentityInput,
    ) -> Result<GetOpenIdTokenForDeveloperIdentityResponse, Fault> {
        let now = self.now_ms();
        let pool = self.pool(&input.identity_pool_id)?;
        let resolved =
            logins::resolve_all(&pool.config, &input.logins, true, &self.checker(now)).await?;
        let (pool, identity_id) = self.store.write(|w| {
            let pool = w.existing_pool(&input.identity_pool_id)?;
            let explicit = match &input.identity_id {
                Some(id) => {
                    let identity = w.existing_identity(id)?;
                    if identity.pool_id != input.identity_pool_id {
                        return Err(Fault::identity_not_found(id));
                    }
                    Some(identity)
                }
                None => None,
            };
            let id = self.link_logins(w, &pool, explicit.as_ref(), &resolved, now)?;
            Ok((pool, id))
        })?;
        let pool_id = &pool.config.identity_pool_id;
        let token = self.signer.issue(&TokenRequest {
            identity_id: &identity_id,
            pool_id,
            pool_arn: &self.pool_arn(pool_id),
            amr: self.amr(&pool, &resolved),
            lifetime_secs: input.token_duration.unwrap_or(DEVELOPER_TOKEN_SECS),
            principal_tags: input
                .principal_tags
                .unwrap_or_default()
                .into_iter()
                .collect(),
            now: now / 1000,
        })?;
        Ok(GetOpenIdTokenForDeveloperIdentityResponse::new()
            .with_identity_id(identity_id)
            .with_token(token))
    }

    async fn unlink_identity(&self, input: UnlinkIdentityInput) -> Result<(), Fault> {
        let now = self.now_ms();
        let pool = self.store.read(|r| {
            let identity = r.existing_identity(&input.identity_id)?;
            r.existing_pool(&identity.pool_id)
        })?;
        let resolved =
            logins::resolve_all(&pool.config, &input.logins, false, &self.checker(now)).await?;
        self.store.write(|w| {
            let identity = w.existing_identity(&input.identity_id)?;
            let pool = w.existing_pool(&identity.pool_id)?;
            let linked = w.logins_of(&identity.id)?;
            let proven = resolved.iter().any(|r| {
                r.cognito_identity() == Some(identity.id.as_str()) || linked.contains(&r.login)
            });
            if !proven {
                return Err(Fault::logins_dont_match());
            }
            let mut left = linked.len();
            for login in &linked {
                if input.logins_to_remove.contains(&login.provider) {
                    w.unlink(&pool.config.identity_pool_id, login)?;
                    left -= 1;
                }
            }
            w.touch_identity(&identity.id, now, left == 0)
        })
    }

    // ----- developer identities -------------------------------------------------------

    fn developer_provider(pool: &Pool) -> Result<&str, Fault> {
        pool.config
            .developer_provider_name
            .as_deref()
            .ok_or_else(|| {
                Fault::not_found(format!(
                    "Identity pool '{}' has no developer provider.",
                    pool.config.identity_pool_id
                ))
            })
    }

    fn check_developer_provider<'p>(pool: &'p Pool, name: &str) -> Result<&'p str, Fault> {
        let developer = Self::developer_provider(pool)?;
        if developer != name {
            return Err(Fault::invalid_parameter(format!(
                "Developer provider '{name}' is not the developer provider of identity pool '{}'.",
                pool.config.identity_pool_id
            )));
        }
        Ok(developer)
    }

    fn lookup(
        &self,
        input: LookupDeveloperIdentityInput,
    ) -> Result<LookupDeveloperIdentityResponse, Fault> {
        self.store.read(|r| {
            let pool = r.existing_pool(&input.identity_pool_id)?;
            let developer = Self::developer_provider(&pool)?;
            let identity_id = match (&input.identity_id, &input.developer_user_identifier) {
                (None, None) => {
                    return Err(Fault::invalid_parameter(
                        "Either IdentityId or DeveloperUserIdentifier must be provided.",
                    ))
                }
                (id, Some(user)) => {
                    let login = Login {
                        provider: developer.to_owned(),
                        subject: user.clone(),
                    };
                    let owner = r
                        .identity_for_login(&input.identity_pool_id, &login)?
                        .ok_or_else(|| {
                            Fault::not_found(format!(
                                "Developer user identifier '{user}' not found."
                            ))
                        })?;
                    if let Some(id) = id {
                        if *id != owner {
                            return Err(Fault::conflict(format!(
                                "Developer user identifier '{user}' is linked to another identity."
                            )));
                        }
                    }
                    owner
                }
                (Some(id), None) => {
                    let identity = r.existing_identity(id)?;
                    if identity.pool_id != input.identity_pool_id {
                        return Err(Fault::identity_not_found(id));
                    }
                    identity.id
                }
            };
            let users: Vec<String> = r
                .logins_of(&identity_id)?
                .into_iter()
                .filter(|l| l.provider == developer)
                .map(|l| l.subject)
                .collect();
            let start = match &input.next_token {
                Some(t) => ids::read_page_token("users", t)?.max(0) as usize,
                None => 0,
            };
            let limit = input.max_results.unwrap_or(60).clamp(1, 60) as usize;
            let page: Vec<String> = users.iter().skip(start).take(limit).cloned().collect();
            let next_token = (start + page.len() < users.len())
                .then(|| ids::page_token("users", (start + page.len()) as i64));
            Ok(LookupDeveloperIdentityResponse {
                identity_id: Some(identity_id),
                developer_user_identifier_list: Some(page),
                next_token,
            })
        })
    }

    fn merge(&self, input: MergeDeveloperIdentitiesInput) -> Result<String, Fault> {
        let now = self.now_ms();
        self.store.write(|w| {
            let pool = w.existing_pool(&input.identity_pool_id)?;
            let developer = Self::check_developer_provider(&pool, &input.developer_provider_name)?;
            let owner_of = |w: &Writer<'_>, user: &str| -> Result<String, Fault> {
                let login = Login {
                    provider: developer.to_owned(),
                    subject: user.to_owned(),
                };
                w.identity_for_login(&input.identity_pool_id, &login)?
                    .ok_or_else(|| Fault::not_found(format!("Developer user identifier '{user}' not found.")))
            };
            let source = owner_of(w, &input.source_user_identifier)?;
            let destination = owner_of(w, &input.destination_user_identifier)?;
            if source == destination {
                return Ok(destination);
            }
            let from = w.logins_of(&source)?;
            let into = w.logins_of(&destination)?;
            for login in &from {
                let clash = login.provider != developer
                    && into
                        .iter()
                        .any(|l| l.provider == login.provider && l.subject != login.subject);
                if clash {
                    return Err(Fault::conflict(format!(
                        "The identities are linked to different users of '{}' and cannot be merged.",
                        login.provider
                    )));
                }
            }
            let merged = from.iter().filter(|l| !into.contains(l)).count() + into.len();
            check_login_count(&destination, merged)?;
            for login in &from {
                w.link(&input.identity_pool_id, login, &destination)?;
            }
            w.delete_identity(&source)?;
            w.touch_identity(&destination, now, false)?;
            Ok(destination)
        })
    }

    fn unlink_developer(&self, input: UnlinkDeveloperIdentityInput) -> Result<(), Fault> {
        let now = self.now_ms();
        self.store.write(|w| {
            let pool = w.existing_pool(&input.identity_pool_id)?;
            let developer = Self::check_developer_provider(&pool, &input.developer_provider_name)?;
            let identity = w.existing_identity(&input.identity_id)?;
            if identity.pool_id != input.identity_pool_id {
                return Err(Fault::identity_not_found(&input.identity_id));
            }
            let login = Login {
                provider: developer.to_owned(),
                subject: input.developer_user_identifier.clone(),
            };
            match w.identity_for_login(&input.identity_pool_id, &login)? {
                Some(owner) if owner == identity.id => {}
                Some(_) => {
                    return Err(Fault::conflict(format!(
                        "Developer user identifier '{}' is linked to another identity.",
                        input.developer_user_identifier
                    )))
                }
                None => {
                    return Err(Fault::not_found(format!(
                        "Developer user identifier '{}' not found.",
                        input.developer_user_identifier
                    )))
                }
            }
            w.unlink(&input.identity_pool_id, &login)?;
            let left = w.logins_of(&identity.id)?.len();
            w.touch_identity(&identity.id, now, left == 0)
        })
    }
}

/// Fills the defaults the service reports and checks the provider lists.
fn normalise_pool(mut config: IdentityPool) -> Result<IdentityPool, Fault> {
    if let Some(providers) = config.cognito_identity_providers.as_mut() {
        for p in providers.iter_mut() {
            if p.server_side_token_check.is_none() {
                p.server_side_token_check = Some(false);
            }
        }
    }
    for arn in config.open_id_connect_provider_ar_ns.iter().flatten() {
        if !arn.starts_with("arn:") || logins::oidc_provider_name(arn).is_none_or(str::is_empty) {
            return Err(Fault::invalid_parameter(format!(
                "Invalid OpenIdConnectProviderARN: '{arn}'."
            )));
        }
    }
    for arn in config.saml_provider_ar_ns.iter().flatten() {
        if !arn.starts_with("arn:") || !arn.contains(":saml-provider/") {
            return Err(Fault::invalid_parameter(format!(
                "Invalid SamlProviderARN: '{arn}'."
            )));
        }
    }
    if config
        .identity_pool_tags
        .as_ref()
        .is_some_and(|t| t.len() > MAX_TAGS)
    {
        return Err(Fault::invalid_parameter(format!(
            "An identity pool can have at most {MAX_TAGS} tags."
        )));
    }
    Ok(config)
}

/// `NotAuthorizedException` for an identity whose last login was unlinked.
fn disabled(identity_id: &str) -> Fault {
    Fault::not_authorized(format!("Identity '{identity_id}' is disabled."))
}

/// Refuses to give an identity more than [`MAX_LOGINS`] logins. The service's own wording
/// for this refusal is not documented; the code is its `LimitExceededException`.
fn check_login_count(identity_id: &str, count: usize) -> Result<(), Fault> {
    if count > MAX_LOGINS {
        return Err(Fault::limit_exceeded(format!(
            "Identity '{identity_id}' has reached the maximum of {MAX_LOGINS} linked logins."
        )));
    }
    Ok(())
}

fn already_linked(r: &Resolved) -> Fault {
    if r.kind == Provider::Developer {
        Fault::developer_user_already_registered(format!(
            "Developer user identifier '{}' is already registered with another identity.",
            r.login.subject
        ))
    } else {
        Fault::conflict(format!(
            "The login from '{}' is already linked to another identity.",
            r.login.provider
        ))
    }
}

/// IAM role ARNs look like `arn:aws:iam::123456789012:role/Name`; the service refuses others
/// with this message.
fn check_role_arn(arn: &str) -> Result<(), Fault> {
    let ok = arn
        .strip_prefix("arn:")
        .and_then(|rest| rest.split_once(":iam::"))
        .and_then(|(_, rest)| rest.split_once(":role/"))
        .is_some_and(|(account, name)| !account.is_empty() && !name.is_empty());
    if ok {
        Ok(())
    } else {
        Err(Fault::not_authorized(format!(
            "Access to Role '{arn}' is forbidden."
        )))
    }
}

fn check_role_mapping(pool: &IdentityPool, name: &str, mapping: &RoleMapping) -> Result<(), Fault> {
    // A user pool's mapping is keyed `PROVIDER:CLIENT_ID`; every other provider by its name.
    let configured = match logins::provider(pool, name) {
        Some(Provider::Developer) | Some(Provider::CognitoIdentity) | None => pool
            .cognito_identity_providers
            .iter()
            .flatten()
            .any(|p| {
                matches!((&p.provider_name, &p.client_id), (Some(n), Some(c)) if format!("{n}:{c}") == name)
            }),
        Some(_) => true,
    };
    if !configured {
        return Err(Fault::invalid_parameter(format!(
            "{name} is not a valid RoleMapping ProviderName or is not a configured provider."
        )));
    }
    match mapping.r#type {
        RoleMappingType::Token | RoleMappingType::Rules => {}
        RoleMappingType::Unknown(ref t) => {
            return Err(Fault::invalid_parameter(format!(
                "Invalid role mapping type '{t}': the types are 'Token' and 'Rules'."
            )))
        }
    }
    match &mapping.ambiguous_role_resolution {
        None => {
            return Err(Fault::invalid_parameter(
                "AmbiguousRoleResolution is required for role mappings of type Token and Rules.",
            ))
        }
        Some(AmbiguousRoleResolutionType::Unknown(v)) => {
            return Err(Fault::invalid_parameter(format!(
                "Invalid AmbiguousRoleResolution '{v}': the values are 'AuthenticatedRole' and 'Deny'."
            )))
        }
        Some(_) => {}
    }
    if mapping.r#type == RoleMappingType::Rules {
        let rules = mapping.rules_configuration.as_ref().ok_or_else(|| {
            Fault::invalid_parameter(
                "RulesConfiguration is required for role mappings of type Rules.",
            )
        })?;
        if rules.rules.is_empty() {
            return Err(Fault::invalid_parameter(
                "RulesConfiguration must have at least one rule.",
            ));
        }
        for rule in &rules.rules {
            if let MappingRuleMatchType::Unknown(m) = &rule.match_type {
                return Err(Fault::invalid_parameter(format!(
                    "Invalid MatchType '{m}': the values are Equals, Contains, StartsWith and NotEqual."
                )));
            }
            check_role_arn(&rule.role_arn)?;
        }
    }
    Ok(())
}

fn configured_provider(pool: &IdentityPool, name: &str) -> Result<Provider, Fault> {
    match logins::provider(pool, name) {
        Some(Provider::CognitoIdentity) | None => Err(Fault::invalid_parameter(format!(
            "'{name}' is not a provider of identity pool '{}'.",
            pool.identity_pool_id
        ))),
        Some(p) => Ok(p),
    }
}

/// The mappings `UseDefaults` stands for: the user's id and the app client, from the
/// token's `sub` and `aud` claims.
fn default_tag_map() -> HashMap<String, String> {
    HashMap::from([
        ("username".to_owned(), "sub".to_owned()),
        ("client".to_owned(), "aud".to_owned()),
    ])
}

fn claim_text(claims: &serde_json::Map<String, Value>, name: &str) -> Option<String> {
    match claims.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(","),
        ),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// The session tags a login's token yields under the pool's principal tag maps.
fn principal_tags(
    r: &impl Read,
    pool: &Pool,
    resolved: &[Resolved],
) -> Result<BTreeMap<String, String>, Fault> {
    let mut tags = BTreeMap::new();
    for login in resolved {
        let Some(claims) = &login.claims else {
            continue;
        };
        if login.cognito_identity().is_some() {
            // The developer flow put its tags in the token itself.
            if let Some(Value::Object(map)) =
                claims.get(TAGS_CLAIM).and_then(|t| t.get("principal_tags"))
            {
                for (k, v) in map {
                    if let Some(text) = v.get(0).and_then(Value::as_str) {
                        tags.insert(k.clone(), text.to_owned());
                    }
                }
            }
            continue;
        }
        if let Some(map) = r.tag_map(&pool.config.identity_pool_id, &login.login.provider)? {
            for (tag, claim) in &map.tags {
                if let Some(v) = claim_text(claims, claim) {
                    tags.insert(tag.clone(), v);
                }
            }
        }
    }
    Ok(tags)
}

/// The role of a `GetCredentialsForIdentity` call: the role mapping of the login's provider
/// if there is one, else `CustomRoleArn`, else the pool's role for the kind of identity.
fn choose_role(pool: &Pool, resolved: &[Resolved], custom: Option<&str>) -> Result<String, Fault> {
    let default_role = |key: &str| pool.roles.get(key).cloned().ok_or_else(Fault::no_role);
    if !resolved.iter().any(Resolved::authenticates) {
        return default_role("unauthenticated");
    }
    for login in resolved.iter().filter(|r| r.cognito_identity().is_none()) {
        let by_client = login
            .client_id()
            .map(|c| format!("{}:{c}", login.login.provider));
        let mapping = by_client
            .as_deref()
            .and_then(|k| pool.role_mappings.get(k))
            .or_else(|| pool.role_mappings.get(&login.login.provider));
        let Some(mapping) = mapping else { continue };
        let empty = serde_json::Map::new();
        let claims = login.claims.as_ref().unwrap_or(&empty);
        let chosen = match mapping.r#type {
            RoleMappingType::Token => role_from_token(login, custom),
            _ => role_from_rules(mapping, claims),
        };
        return match chosen {
            Some(role) => Ok(role),
            None => match mapping.ambiguous_role_resolution {
                Some(AmbiguousRoleResolutionType::AuthenticatedRole) => {
                    default_role("authenticated")
                }
                _ => Err(Fault::not_authorized(
                    "The ambiguous role mapping rules denied this request.",
                )),
            },
        };
    }
    match custom {
        Some(role) => {
            check_role_arn(role)?;
            Ok(role.to_owned())
        }
        None => default_role("authenticated"),
    }
}

/// The role a login's own token offers: the custom role if the token lists it, else the
/// preferred role, else its only role (`cognito:roles` of a user pool token, the Role
/// attribute of a SAML assertion).
fn role_from_token(login: &Resolved, custom: Option<&str>) -> Option<String> {
    if let Some(custom) = custom {
        return login
            .roles
            .iter()
            .any(|r| r == custom)
            .then(|| custom.to_owned());
    }
    if let Some(preferred) = &login.preferred_role {
        return Some(preferred.clone());
    }
    match login.roles.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    }
}

fn role_from_rules(
    mapping: &RoleMapping,
    claims: &serde_json::Map<String, Value>,
) -> Option<String> {
    let rules = &mapping.rules_configuration.as_ref()?.rules;
    rules.iter().find_map(|rule| {
        let value = claim_text(claims, &rule.claim)?;
        let hit = match rule.match_type {
            MappingRuleMatchType::Equals => value == rule.value,
            MappingRuleMatchType::Contains => value.contains(&rule.value),
            MappingRuleMatchType::StartsWith => value.starts_with(&rule.value),
            MappingRuleMatchType::NotEqual => value != rule.value,
            MappingRuleMatchType::Unknown(_) => false,
        };
        hit.then(|| rule.role_arn.clone())
    })
}

impl CognitoIdentity for Emulator {
    async fn create_identity_pool(
        &self,
        input: CreateIdentityPoolInput,
    ) -> Result<IdentityPool, CreateIdentityPoolError> {
        Ok(self.create_pool(input)?)
    }

    async fn delete_identities(
        &self,
        input: DeleteIdentitiesInput,
    ) -> Result<DeleteIdentitiesResponse, DeleteIdentitiesError> {
        let unprocessed = self.delete_identities(&input.identity_ids_to_delete)?;
        Ok(DeleteIdentitiesResponse::new().with_unprocessed_identity_ids(unprocessed))
    }

    async fn delete_identity_pool(
        &self,
        input: DeleteIdentityPoolInput,
    ) -> Result<DeleteIdentityPoolOutput, DeleteIdentityPoolError> {
        self.delete_pool(&input.identity_pool_id)?;
        Ok(DeleteIdentityPoolOutput::default())
    }

    async fn describe_identity(
        &self,
        input: DescribeIdentityInput,
    ) -> Result<IdentityDescription, DescribeIdentityError> {
        Ok(Emulator::describe_identity(self, &input.identity_id)?)
    }

    async fn describe_identity_pool(
        &self,
        input: DescribeIdentityPoolInput,
    ) -> Result<IdentityPool, DescribeIdentityPoolError> {
        Ok(self.describe_pool(&input.identity_pool_id)?)
    }

    async fn get_credentials_for_identity(
        &self,
        input: GetCredentialsForIdentityInput,
    ) -> Result<GetCredentialsForIdentityResponse, GetCredentialsForIdentityError> {
        Ok(self.get_credentials(input).await?)
    }

    async fn get_id(&self, input: GetIdInput) -> Result<GetIdResponse, GetIdError> {
        let id = Emulator::get_id(self, input).await?;
        Ok(GetIdResponse::new().with_identity_id(id))
    }

    async fn get_identity_pool_roles(
        &self,
        input: GetIdentityPoolRolesInput,
    ) -> Result<GetIdentityPoolRolesResponse, GetIdentityPoolRolesError> {
        Ok(self.get_roles(&input.identity_pool_id)?)
    }

    async fn get_open_id_token(
        &self,
        input: GetOpenIdTokenInput,
    ) -> Result<GetOpenIdTokenResponse, GetOpenIdTokenError> {
        Ok(Emulator::get_open_id_token(self, input).await?)
    }

    async fn get_open_id_token_for_developer_identity(
        &self,
        input: GetOpenIdTokenForDeveloperIdentityInput,
    ) -> Result<GetOpenIdTokenForDeveloperIdentityResponse, GetOpenIdTokenForDeveloperIdentityError>
    {
        Ok(self.get_developer_token(input).await?)
    }

    async fn get_principal_tag_attribute_map(
        &self,
        input: GetPrincipalTagAttributeMapInput,
    ) -> Result<GetPrincipalTagAttributeMapResponse, GetPrincipalTagAttributeMapError> {
        Ok(self.get_tag_map(input)?)
    }

    async fn list_identities(
        &self,
        input: ListIdentitiesInput,
    ) -> Result<ListIdentitiesResponse, ListIdentitiesError> {
        Ok(Emulator::list_identities(self, input)?)
    }

    async fn list_identity_pools(
        &self,
        input: ListIdentityPoolsInput,
    ) -> Result<ListIdentityPoolsResponse, ListIdentityPoolsError> {
        Ok(self.list_pools(input)?)
    }

    async fn list_tags_for_resource(
        &self,
        input: ListTagsForResourceInput,
    ) -> Result<ListTagsForResourceResponse, ListTagsForResourceError> {
        let tags = self.list_tags(&input.resource_arn)?;
        Ok(ListTagsForResourceResponse::new().with_tags(tags))
    }

    async fn lookup_developer_identity(
        &self,
        input: LookupDeveloperIdentityInput,
    ) -> Result<LookupDeveloperIdentityResponse, LookupDeveloperIdentityError> {
        Ok(self.lookup(input)?)
    }

    async fn merge_developer_identities(
        &self,
        input: MergeDeveloperIdentitiesInput,
    ) -> Result<MergeDeveloperIdentitiesResponse, MergeDeveloperIdentitiesError> {
        let id = self.merge(input)?;
        Ok(MergeDeveloperIdentitiesResponse::new().with_identity_id(id))
    }

    async fn set_identity_pool_roles(
        &self,
        input: SetIdentityPoolRolesInput,
    ) -> Result<SetIdentityPoolRolesOutput, SetIdentityPoolRolesError> {
        self.set_roles(input)?;
        Ok(SetIdentityPoolRolesOutput::default())
    }

    async fn set_principal_tag_attribute_map(
        &self,
        input: SetPrincipalTagAttributeMapInput,
    ) -> Result<SetPrincipalTagAttributeMapResponse, SetPrincipalTagAttributeMapError> {
        Ok(self.set_tag_map(input)?)
    }

    async fn tag_resource(
        &self,
        input: TagResourceInput,
    ) -> Result<TagResourceResponse, TagResourceError> {
        self.tag(&input.resource_arn, input.tags)?;
        Ok(TagResourceResponse::default())
    }

    async fn unlink_developer_identity(
        &self,
        input: UnlinkDeveloperIdentityInput,
    ) -> Result<UnlinkDeveloperIdentityOutput, UnlinkDeveloperIdentityError> {
        self.unlink_developer(input)?;
        Ok(UnlinkDeveloperIdentityOutput::default())
    }

    async fn unlink_identity(
        &self,
        input: UnlinkIdentityInput,
    ) -> Result<UnlinkIdentityOutput, UnlinkIdentityError> {
        Emulator::unlink_identity(self, input).await?;
        Ok(UnlinkIdentityOutput::default())
    }

    async fn untag_resource(
        &self,
        input: UntagResourceInput,
    ) -> Result<UntagResourceResponse, UntagResourceError> {
        self.untag(&input.resource_arn, &input.tag_keys)?;
        Ok(UntagResourceResponse::default())
    }

    async fn update_identity_pool(
        &self,
        input: IdentityPool,
    ) -> Result<IdentityPool, UpdateIdentityPoolError> {
        Ok(self.update_pool(input)?)
    }
}
