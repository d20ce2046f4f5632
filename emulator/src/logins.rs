//! Which providers a pool trusts, and what a `Logins` entry proves.
//!
//! A `Logins` map names providers (`graph.facebook.com`, an OpenID Connect issuer, a SAML
//! provider ARN, a Cognito user pool, the pool's developer provider, or
//! `cognito-identity.amazonaws.com` itself) and gives a token for each. Each entry is checked
//! as the service checks it before it means anything:
//!
//! - a token this emulator issued is verified in full (signature, issuer, audience, expiry),
//!   and one whose `amr` says `unauthenticated` stays a guest's;
//! - a JWT is never accepted unsigned or with `alg: none`; its signature is verified against
//!   the provider's keys when the emulator was told to trust them ([`Trust`]), and otherwise
//!   only its claims are checked (issuer, audience, token use, expiry), since the emulator
//!   cannot ask Google or a user pool it does not run for their keys;
//! - a SAML response is keyed on its assertion's `NameID`, and its Role attribute feeds role
//!   mapping; its XML signature is not checked;
//! - an opaque token (Facebook, Amazon, Twitter, Digits) stands for its user, but only its
//!   SHA-256 digest is kept, so raw tokens are never stored or copied into `amr` or session
//!   tokens.
//!
//! The same user always maps to the same identity.

use std::collections::HashMap;

use cognito_identity::types::IdentityPool;
use serde_json::{Map, Value};

use crate::fault::Fault;
use crate::tokens::{check_expiry, Jwt, Signer, COGNITO_PROVIDER};
use crate::trust::{Trust, TrustError};

/// A login linked to an identity: the provider's name and the user's id there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Login {
    /// The `Logins` key (`graph.facebook.com`, a developer provider name, ...).
    pub provider: String,
    /// The user at that provider (a token's `sub`, or a developer user identifier).
    pub subject: String,
}

/// What kind of provider a `Logins` key names in a pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provider {
    /// A public provider from `SupportedLoginProviders`, with its app id.
    Public(String),
    /// The pool's `DeveloperProviderName`.
    Developer,
    /// An OpenID Connect provider from `OpenIdConnectProviderARNs`.
    Oidc,
    /// A SAML provider from `SamlProviderARNs`.
    Saml,
    /// A Cognito user pool from `CognitoIdentityProviders`, with its app client ids.
    UserPool(Vec<String>),
    /// `cognito-identity.amazonaws.com`: a token this service issued.
    CognitoIdentity,
}

/// The prefix of a stored digest that stands for an opaque token.
pub const DIGEST_PREFIX: &str = "sha256:";

/// The `Logins` key of an OpenID Connect provider ARN
/// (`arn:aws:iam::123456789012:oidc-provider/accounts.google.com` names
/// `accounts.google.com`).
pub fn oidc_provider_name(arn: &str) -> Option<&str> {
    arn.split_once(":oidc-provider/").map(|(_, name)| name)
}

/// How `pool` knows the provider `name`, if it trusts it.
pub fn provider(pool: &IdentityPool, name: &str) -> Option<Provider> {
    if name == COGNITO_PROVIDER {
        return Some(Provider::CognitoIdentity);
    }
    if pool.developer_provider_name.as_deref() == Some(name) {
        return Some(Provider::Developer);
    }
    if let Some(app_id) = pool
        .supported_login_providers
        .as_ref()
        .and_then(|m| m.get(name))
    {
        return Some(Provider::Public(app_id.clone()));
    }
    let user_pool_clients: Vec<String> = pool
        .cognito_identity_providers
        .iter()
        .flatten()
        .filter(|p| p.provider_name.as_deref() == Some(name))
        .filter_map(|p| p.client_id.clone())
        .collect();
    if !user_pool_clients.is_empty() {
        return Some(Provider::UserPool(user_pool_clients));
    }
    if pool
        .open_id_connect_provider_ar_ns
        .iter()
        .flatten()
        .any(|arn| oidc_provider_name(arn) == Some(name))
    {
        return Some(Provider::Oidc);
    }
    if pool.saml_provider_ar_ns.iter().flatten().any(|a| a == name) {
        return Some(Provider::Saml);
    }
    None
}

/// The digest that stands for an opaque token or any other secret text: `sha256:` and the
/// lower-case hex of its SHA-256.
pub fn digest(secret: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hash = ring::digest::digest(&ring::digest::SHA256, secret.as_bytes());
    let mut out = String::with_capacity(DIGEST_PREFIX.len() + 64);
    out.push_str(DIGEST_PREFIX);
    for byte in hash.as_ref() {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

/// A `Logins` entry, checked and resolved to a user.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The provider and the user there.
    pub login: Login,
    /// What kind of provider it is.
    pub kind: Provider,
    /// What the login says about the user: a JWT's claims, or a SAML assertion's attributes.
    pub claims: Option<Map<String, Value>>,
    /// The roles the login itself offers for role mapping of type Token
    /// (`cognito:roles`, or a SAML assertion's Role attribute).
    pub roles: Vec<String>,
    /// The role the login prefers (`cognito:preferred_role`).
    pub preferred_role: Option<String>,
}

impl Resolved {
    /// For a token this service issued, the identity it names.
    pub fn cognito_identity(&self) -> Option<&str> {
        (self.kind == Provider::CognitoIdentity).then_some(self.login.subject.as_str())
    }

    /// Whether the login authenticates its user. Every provider's login does, except a token
    /// this service issued to a guest (its `amr` says `unauthenticated`): handing back one's
    /// own guest token proves the identity, not a sign-in.
    pub fn authenticates(&self) -> bool {
        if self.kind != Provider::CognitoIdentity {
            return true;
        }
        self.claims
            .as_ref()
            .and_then(|c| c.get("amr"))
            .and_then(Value::as_array)
            .is_some_and(|amr| amr.iter().any(|v| v == "authenticated"))
    }

    /// The `amr` entries naming this login in an OpenID token, as the service writes them
    /// (`graph.facebook.com:APP_ID:USER`).
    pub fn amr(&self, pool_id: &str) -> Vec<String> {
        let Login { provider, subject } = &self.login;
        match &self.kind {
            Provider::Public(app_id) => {
                vec![provider.clone(), format!("{provider}:{app_id}:{subject}")]
            }
            Provider::Developer => {
                vec![provider.clone(), format!("{provider}:{pool_id}:{subject}")]
            }
            Provider::UserPool(_) => {
                vec![
                    provider.clone(),
                    format!("{provider}:CognitoSignIn:{subject}"),
                ]
            }
            Provider::Oidc | Provider::Saml => {
                vec![provider.clone(), format!("{provider}:{subject}")]
            }
            // The identity's own token carries the providers it was issued for.
            Provider::CognitoIdentity => self
                .claims
                .as_ref()
                .and_then(|c| c.get("amr"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .filter(|s| *s != "authenticated" && *s != "unauthenticated")
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The app client a user pool token was issued to (`aud`).
    pub fn client_id(&self) -> Option<&str> {
        if !matches!(self.kind, Provider::UserPool(_)) {
            return None;
        }
        self.claims.as_ref()?.get("aud").and_then(Value::as_str)
    }
}

/// The user pools this emulator serves itself: their ID tokens are verified with their own
/// keys, with no network.
pub trait LocalPools: Send + Sync {
    /// Whether `provider` (`cognito-idp.<region>.amazonaws.com/<poolId>`) is one of them.
    fn issues(&self, provider: &str) -> bool;
    /// The claims of an ID token of `provider`, checked: signature by the pool's key, `iss`,
    /// `token_use` and expiry at `now` (seconds).
    fn verify_id_token(
        &self,
        provider: &str,
        token: &str,
        now: i64,
    ) -> Result<Map<String, Value>, Fault>;
}

/// What checking a login needs besides the pool: the emulator's own key, the providers whose
/// keys it trusts, its own user pools, and the time on its clock (seconds since the epoch).
pub struct Checker<'a> {
    /// The emulator's own user pools, when it serves them.
    pub local: Option<&'a dyn LocalPools>,
    /// The key that signs this service's own tokens.
    pub signer: &'a Signer,
    /// The providers whose signatures are verified.
    pub trust: &'a Trust,
    /// Seconds since the epoch, on the emulator's clock.
    pub now: i64,
}

/// Checks every entry of `logins` against `pool` and resolves it, in provider order.
/// Developer logins are accepted only where `developer` is true (the developer-authenticated
/// operations); everywhere else the developer provider is not a login provider.
pub async fn resolve_all(
    pool: &IdentityPool,
    logins: &HashMap<String, String>,
    developer: bool,
    cx: &Checker<'_>,
) -> Result<Vec<Resolved>, Fault> {
    let mut names: Vec<&String> = logins.keys().collect();
    names.sort();
    let mut resolved = Vec::with_capacity(names.len());
    for name in names {
        let token = logins.get(name).map(String::as_str).unwrap_or_default();
        resolved.push(resolve(pool, name, token, developer, cx).await?);
    }
    Ok(resolved)
}

async fn resolve(
    pool: &IdentityPool,
    name: &str,
    token: &str,
    developer: bool,
    cx: &Checker<'_>,
) -> Result<Resolved, Fault> {
    let kind = provider(pool, name).ok_or_else(Fault::unsupported_provider)?;
    let login = |subject: String| Login {
        provider: name.to_owned(),
        subject,
    };
    let plain = |login: Login, kind: Provider, claims: Option<Map<String, Value>>| Resolved {
        login,
        kind,
        claims,
        roles: Vec::new(),
        preferred_role: None,
    };
    match &kind {
        Provider::CognitoIdentity => {
            let claims = cx.signer.verify(token, &pool.identity_pool_id, cx.now)?;
            let sub = required(&claims, "sub")?.to_owned();
            Ok(plain(login(sub), kind, Some(claims)))
        }
        Provider::Developer if developer => Ok(plain(login(token.to_owned()), kind, None)),
        Provider::Developer => Err(Fault::unsupported_provider()),
        Provider::Saml => {
            let assertion =
                crate::saml::read(token).map_err(|e| Fault::not_authorized(e.to_string()))?;
            if let Some(until) = assertion.not_on_or_after {
                if until <= cx.now {
                    return Err(Fault::not_authorized(format!(
                        "Invalid login token. Token expired: {} >= {until}",
                        cx.now
                    )));
                }
            }
            let mut claims: Map<String, Value> = assertion
                .attributes
                .iter()
                .map(|(k, v)| match v.as_slice() {
                    [one] => (k.clone(), Value::String(one.clone())),
                    many => (k.clone(), Value::from(many.to_vec())),
                })
                .collect();
            claims.insert("sub".to_owned(), Value::String(assertion.name_id.clone()));
            Ok(Resolved {
                login: login(assertion.name_id),
                kind,
                claims: Some(claims),
                roles: assertion.roles.into_iter().map(|r| r.role_arn).collect(),
                preferred_role: None,
            })
        }
        Provider::Public(_) | Provider::Oidc | Provider::UserPool(_) => {
            let Some(jwt) = Jwt::read(token) else {
                if matches!(kind, Provider::Public(_)) {
                    // An opaque token stands for its user; only its digest is kept.
                    return Ok(plain(login(digest(token)), kind, None));
                }
                return Err(Fault::not_authorized(
                    "Invalid login token. Not a valid OpenId Connect identity token.",
                ));
            };
            jwt.check_signed()?;
            let local = cx.local.filter(|l| l.issues(name));
            let claims = if let Some(local) = local {
                local.verify_id_token(name, token, cx.now)?
            } else if cx.trust.trusts(name) {
                cx.trust
                    .verify(name, token)
                    .await
                    .map_err(|e| trust_fault(name, e))?
            } else {
                jwt.claims
            };
            check_claims(name, &kind, &claims, local.is_some(), cx.now)?;
            let sub = required(&claims, "sub")?.to_owned();
            let roles = claims
                .get("cognito:roles")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            let preferred_role = claims
                .get("cognito:preferred_role")
                .and_then(Value::as_str)
                .map(str::to_owned);
            Ok(Resolved {
                login: login(sub),
                kind,
                claims: Some(claims),
                roles,
                preferred_role,
            })
        }
    }
}

/// The fault for a token the trusted keys refused, or whose keys could not be had.
fn trust_fault(provider: &str, error: TrustError) -> Fault {
    match error {
        TrustError::Invalid(reason) => {
            Fault::not_authorized(format!("Invalid login token. {reason}"))
        }
        TrustError::Unavailable { jwks, reason, .. } => Fault::external_service(format!(
            "The keys of identity provider '{provider}' could not be loaded from {jwks}: {reason}"
        )),
        TrustError::NotTrusted { .. } => Fault::unsupported_provider(),
    }
}

/// A claim the service requires, as text.
fn required<'c>(claims: &'c Map<String, Value>, name: &str) -> Result<&'c str, Fault> {
    claims.get(name).and_then(Value::as_str).ok_or_else(|| {
        Fault::not_authorized(format!(
            "Invalid login token. Missing a required claim: {name}"
        ))
    })
}

/// Whether `iss` names the provider `name`: the provider name itself, with or without
/// `https://` (Google issues both forms).
fn issued_by(iss: &str, name: &str) -> bool {
    iss == name || iss.strip_prefix("https://") == Some(name)
}

/// The checks the service makes on a JWT's claims for a provider of `kind`.
/// A token of the emulator's own user pool (`local`) had its issuer checked against the pool's
/// (which `--issuer-base` may move off the provider name).
fn check_claims(
    name: &str,
    kind: &Provider,
    claims: &Map<String, Value>,
    local: bool,
    now: i64,
) -> Result<(), Fault> {
    match kind {
        Provider::UserPool(clients) => {
            // An access token has no `aud`: the service answers exactly this for one.
            let aud = required(claims, "aud")?;
            let iss = required(claims, "iss")?;
            if !local && iss.strip_prefix("https://") != Some(name) {
                return Err(Fault::not_authorized(
                    "Invalid login token. Issuer doesn't match providerName",
                ));
            }
            if !clients.iter().any(|c| c == aud) {
                return Err(Fault::not_authorized(
                    "Invalid login token. Incorrect token audience.",
                ));
            }
            match claims.get("token_use").and_then(Value::as_str) {
                Some("id") => {}
                other => {
                    return Err(Fault::not_authorized(format!(
                        "Invalid login token. Token use is '{}', not 'id'.",
                        other.unwrap_or("")
                    )))
                }
            }
        }
        Provider::Oidc | Provider::Public(_) => {
            let iss = required(claims, "iss")?;
            if !issued_by(iss, name) {
                return Err(Fault::not_authorized(
                    "Invalid login token. Issuer doesn't match providerName",
                ));
            }
            // A public provider's app id names the client ids its tokens must be issued to
            // (several separated by commas); OpenID Connect client ids live in IAM, which the
            // emulator does not have.
            if let Provider::Public(app_ids) = kind {
                let aud = audiences(claims);
                if !app_ids
                    .split(',')
                    .map(str::trim)
                    .any(|id| aud.contains(&id))
                {
                    return Err(Fault::not_authorized(
                        "Invalid login token. Incorrect token audience.",
                    ));
                }
            }
        }
        Provider::Developer | Provider::Saml | Provider::CognitoIdentity => {}
    }
    check_expiry(claims, now)
}

/// A token's audiences: `aud` as one string or a list.
fn audiences(claims: &Map<String, Value>) -> Vec<&str> {
    match claims.get("aud") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognito_identity::types::CognitoIdentityProvider;
    use serde_json::json;

    const USER_POOL: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc";

    fn pool() -> IdentityPool {
        let mut p = IdentityPool::new("us-east-1:p", "p", true);
        p.supported_login_providers = Some(HashMap::from([
            ("graph.facebook.com".to_owned(), "123".to_owned()),
            ("accounts.google.com".to_owned(), "g1, g2".to_owned()),
        ]));
        p.developer_provider_name = Some("login.example".into());
        p.open_id_connect_provider_ar_ns = Some(vec![
            "arn:aws:iam::123456789012:oidc-provider/id.example.com".into(),
        ]);
        p.saml_provider_ar_ns = Some(vec!["arn:aws:iam::123456789012:saml-provider/corp".into()]);
        p.cognito_identity_providers = Some(vec![CognitoIdentityProvider::new()
            .with_provider_name(USER_POOL)
            .with_client_id("client1")]);
        p
    }

    fn jwt(claims: Value) -> String {
        use base64::Engine;
        let e = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        format!("{}.{}.c2ln", e(&json!({"alg": "RS256"})), e(&claims))
    }

    fn signer() -> Signer {
        Signer::new(&crate::tokens::generate_key().unwrap(), None, "x".into()).unwrap()
    }

    fn resolve_one(name: &str, token: &str, now: i64) -> Result<Resolved, Fault> {
        let signer = signer();
        let trust = Trust::new(Vec::new());
        let cx = Checker {
            local: None,
            signer: &signer,
            trust: &trust,
            now,
        };
        let logins = HashMap::from([(name.to_owned(), token.to_owned())]);
        let pool = pool();
        let mut resolved = crate::test_support::block_on(resolve_all(&pool, &logins, false, &cx))?;
        Ok(resolved.remove(0))
    }

    fn id_token(extra: Value) -> Value {
        let mut claims = json!({
            "sub": "u1", "aud": "client1", "iss": format!("https://{USER_POOL}"),
            "token_use": "id", "exp": 100,
        });
        if let (Some(c), Value::Object(e)) = (claims.as_object_mut(), extra) {
            c.extend(e);
        }
        claims
    }

    #[test]
    fn every_configured_provider_is_known() {
        let p = pool();
        assert_eq!(
            provider(&p, "graph.facebook.com"),
            Some(Provider::Public("123".into()))
        );
        assert_eq!(provider(&p, "login.example"), Some(Provider::Developer));
        assert_eq!(provider(&p, "id.example.com"), Some(Provider::Oidc));
        assert_eq!(
            provider(&p, "arn:aws:iam::123456789012:saml-provider/corp"),
            Some(Provider::Saml)
        );
        assert!(matches!(
            provider(&p, USER_POOL),
            Some(Provider::UserPool(_))
        ));
        assert_eq!(provider(&p, "www.amazon.com"), None);
    }

    #[test]
    fn user_pool_id_tokens_are_checked_as_the_service_checks_them() {
        let r = resolve_one(USER_POOL, &jwt(id_token(json!({}))), 10).unwrap();
        assert_eq!(r.login.subject, "u1");
        assert_eq!(r.client_id(), Some("client1"));

        let message = |claims: Value, now: i64| {
            resolve_one(USER_POOL, &jwt(claims), now)
                .unwrap_err()
                .message
        };
        let mut access = id_token(json!({"token_use": "access", "client_id": "client1"}));
        access.as_object_mut().unwrap().remove("aud");
        assert_eq!(
            message(access, 10),
            "Invalid login token. Missing a required claim: aud"
        );
        assert_eq!(
            message(id_token(json!({"aud": "other"})), 10),
            "Invalid login token. Incorrect token audience."
        );
        assert_eq!(
            message(id_token(json!({"iss": "https://evil.example"})), 10),
            "Invalid login token. Issuer doesn't match providerName"
        );
        assert_eq!(
            message(id_token(json!({"token_use": "access"})), 10),
            "Invalid login token. Token use is 'access', not 'id'."
        );
        assert_eq!(
            message(id_token(json!({})), 100),
            "Invalid login token. Token expired: 100 >= 100"
        );
        let mut no_exp = id_token(json!({}));
        no_exp.as_object_mut().unwrap().remove("exp");
        assert_eq!(
            message(no_exp, 10),
            "Invalid login token. Missing a required claim: exp"
        );
    }

    #[test]
    fn unsigned_tokens_are_refused_from_every_provider() {
        use base64::Engine;
        let e = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        let claims = id_token(json!({}));
        for token in [
            format!("{}.{}.", e(&json!({"alg": "none"})), e(&claims)),
            format!("{}.{}.c2ln", e(&json!({"alg": "none"})), e(&claims)),
            format!("{}.{}.", e(&json!({"alg": "RS256"})), e(&claims)),
        ] {
            let err = resolve_one(USER_POOL, &token, 10).unwrap_err();
            assert_eq!(err.message, "Invalid login token. The token is not signed.");
            assert!(resolve_one("accounts.google.com", &token, 10).is_err());
        }
    }

    #[test]
    fn public_provider_tokens_need_the_app_id_as_audience() {
        let google = |aud: &str| {
            jwt(json!({"sub": "g", "aud": aud, "iss": "accounts.google.com", "exp": 100}))
        };
        assert_eq!(
            resolve_one("accounts.google.com", &google("g2"), 10)
                .unwrap()
                .login
                .subject,
            "g"
        );
        assert!(resolve_one("accounts.google.com", &google("g3"), 10).is_err());
    }

    #[test]
    fn opaque_tokens_are_kept_as_digests() {
        let r = resolve_one("graph.facebook.com", "EAAGm0PX4ZCpsBA", 10).unwrap();
        assert_eq!(r.login.subject, digest("EAAGm0PX4ZCpsBA"));
        assert!(r.login.subject.starts_with("sha256:"));
        assert!(!r.amr("p").iter().any(|a| a.contains("EAAGm0PX4ZCpsBA")));
        assert!(resolve_one(USER_POOL, "EAAGm0PX4ZCpsBA", 10).is_err());
    }

    #[test]
    fn developer_logins_only_where_allowed() {
        let signer = signer();
        let trust = Trust::new(Vec::new());
        let cx = Checker {
            local: None,
            signer: &signer,
            trust: &trust,
            now: 0,
        };
        let p = pool();
        let logins = HashMap::from([("login.example".to_owned(), "user-7".to_owned())]);
        let block = crate::test_support::block_on;
        assert!(block(resolve_all(&p, &logins, false, &cx)).is_err());
        let r = block(resolve_all(&p, &logins, true, &cx)).unwrap();
        assert_eq!(r[0].login.subject, "user-7");
    }
}
