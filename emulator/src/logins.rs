//! Which providers a pool trusts, and what a `Logins` entry proves.
//!
//! A `Logins` map names providers (`graph.facebook.com`, an OpenID Connect issuer, a SAML
//! provider ARN, a Cognito user pool, the pool's developer provider, or
//! `cognito-identity.amazonaws.com` itself) and gives a token for each. The emulator cannot
//! ask Facebook or Google whether a token is real, so a login's user is the token's `sub`
//! claim when the token is a JWT and the token text itself otherwise; the same user always
//! maps to the same identity. Tokens this emulator issued are verified in full.

use std::collections::HashMap;

use cognito_identity::types::IdentityPool;
use serde_json::{Map, Value};

use crate::fault::Fault;
use crate::store::Login;
use crate::tokens::{unverified_claims, Signer, COGNITO_PROVIDER};

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
    let arns = |list: &Option<Vec<String>>| list.iter().flatten().any(|a| a == name);
    if pool
        .open_id_connect_provider_ar_ns
        .iter()
        .flatten()
        .any(|arn| oidc_provider_name(arn) == Some(name))
    {
        return Some(Provider::Oidc);
    }
    if arns(&pool.saml_provider_ar_ns) {
        return Some(Provider::Saml);
    }
    None
}

/// A `Logins` entry, checked and resolved to a user.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The provider and the user there.
    pub login: Login,
    /// What kind of provider it is.
    pub kind: Provider,
    /// The token's claims, when it is a JWT.
    pub claims: Option<Map<String, Value>>,
}

impl Resolved {
    /// For a token this service issued, the identity it names.
    pub fn cognito_identity(&self) -> Option<&str> {
        (self.kind == Provider::CognitoIdentity).then_some(self.login.subject.as_str())
    }

    /// The `amr` entry naming this login in an OpenID token, as the service writes them
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
                        .filter(|s| *s != "authenticated")
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The app client a user pool token was issued to (`aud`, or `client_id` in access tokens).
    pub fn client_id(&self) -> Option<&str> {
        let claims = self.claims.as_ref()?;
        claims
            .get("aud")
            .or_else(|| claims.get("client_id"))
            .and_then(Value::as_str)
    }
}

/// Checks every entry of `logins` against `pool` and resolves it, in provider order.
/// Developer logins are accepted only where `developer` is true (the developer-authenticated
/// operations); everywhere else the developer provider is not a login provider.
pub fn resolve_all(
    pool: &IdentityPool,
    logins: &HashMap<String, String>,
    developer: bool,
    signer: &Signer,
    now: i64,
) -> Result<Vec<Resolved>, Fault> {
    let mut names: Vec<&String> = logins.keys().collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let token = logins.get(name).map(String::as_str).unwrap_or_default();
            resolve(pool, name, token, developer, signer, now)
        })
        .collect()
}

fn resolve(
    pool: &IdentityPool,
    name: &str,
    token: &str,
    developer: bool,
    signer: &Signer,
    now: i64,
) -> Result<Resolved, Fault> {
    let kind = provider(pool, name).ok_or_else(Fault::unsupported_provider)?;
    let login = |subject: String| Login {
        provider: name.to_owned(),
        subject,
    };
    match &kind {
        Provider::CognitoIdentity => {
            let claims = signer.verify(token, &pool.identity_pool_id)?;
            let sub = claims
                .get("sub")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    Fault::not_authorized("Invalid login token. Missing a required claim: sub")
                })?
                .to_owned();
            Ok(Resolved {
                login: login(sub),
                kind,
                claims: Some(claims),
            })
        }
        Provider::Developer if developer => Ok(Resolved {
            login: login(token.to_owned()),
            kind,
            claims: None,
        }),
        Provider::Developer => Err(Fault::unsupported_provider()),
        Provider::Public(_) | Provider::Saml | Provider::Oidc | Provider::UserPool(_) => {
            let claims = unverified_claims(token);
            let subject = match &claims {
                Some(claims) => subject_of(name, &kind, claims, now)?,
                None if matches!(kind, Provider::Oidc | Provider::UserPool(_)) => {
                    return Err(Fault::not_authorized(
                        "Invalid login token. Not a valid OpenId Connect identity token.",
                    ))
                }
                None => token.to_owned(),
            };
            let resolved = Resolved {
                login: login(subject),
                kind,
                claims,
            };
            if let Provider::UserPool(clients) = &resolved.kind {
                match resolved.client_id() {
                    Some(c) if clients.iter().any(|k| k == c) => {}
                    _ => return Err(Fault::unsupported_provider()),
                }
            }
            Ok(resolved)
        }
    }
}

/// The user a JWT from `name` stands for, after the checks the service makes on its claims.
fn subject_of(
    name: &str,
    kind: &Provider,
    claims: &Map<String, Value>,
    now: i64,
) -> Result<String, Fault> {
    if let Some(exp) = claims.get("exp").and_then(Value::as_i64) {
        if exp <= now {
            return Err(Fault::not_authorized(format!(
                "Invalid login token. Token expired: {now} >= {exp}"
            )));
        }
    }
    if let Provider::UserPool(_) = kind {
        let issuer = claims
            .get("iss")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if issuer.strip_prefix("https://") != Some(name) {
            return Err(Fault::not_authorized(
                "Invalid login token. Issuer doesn't match providerName",
            ));
        }
    }
    claims
        .get("sub")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| Fault::not_authorized("Invalid login token. Missing a required claim: sub"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognito_identity::types::CognitoIdentityProvider;

    fn pool() -> IdentityPool {
        let mut p = IdentityPool::new("us-east-1:p", "p", true);
        p.supported_login_providers = Some(HashMap::from([(
            "graph.facebook.com".to_owned(),
            "123".to_owned(),
        )]));
        p.developer_provider_name = Some("login.example".into());
        p.open_id_connect_provider_ar_ns = Some(vec![
            "arn:aws:iam::123456789012:oidc-provider/accounts.google.com".into(),
        ]);
        p.saml_provider_ar_ns = Some(vec!["arn:aws:iam::123456789012:saml-provider/corp".into()]);
        p.cognito_identity_providers = Some(vec![CognitoIdentityProvider::new()
            .with_provider_name("cognito-idp.us-east-1.amazonaws.com/us-east-1_abc")
            .with_client_id("client1")]);
        p
    }

    fn jwt(claims: Value) -> String {
        use base64::Engine;
        let e = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        format!(
            "{}.{}.sig",
            e(&serde_json::json!({"alg": "none"})),
            e(&claims)
        )
    }

    #[test]
    fn every_configured_provider_is_known() {
        let p = pool();
        assert_eq!(
            provider(&p, "graph.facebook.com"),
            Some(Provider::Public("123".into()))
        );
        assert_eq!(provider(&p, "login.example"), Some(Provider::Developer));
        assert_eq!(provider(&p, "accounts.google.com"), Some(Provider::Oidc));
        assert_eq!(
            provider(&p, "arn:aws:iam::123456789012:saml-provider/corp"),
            Some(Provider::Saml)
        );
        assert!(matches!(
            provider(&p, "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"),
            Some(Provider::UserPool(_))
        ));
        assert_eq!(provider(&p, "www.amazon.com"), None);
    }

    #[test]
    fn user_pool_tokens_need_the_right_issuer_and_client() {
        let p = pool();
        let signer = Signer::new(&crate::tokens::generate_key().unwrap(), "x".into()).unwrap();
        let name = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc";
        let good = jwt(
            serde_json::json!({"sub": "u1", "aud": "client1", "iss": format!("https://{name}")}),
        );
        let logins = HashMap::from([(name.to_owned(), good)]);
        let r = resolve_all(&p, &logins, false, &signer, 0).unwrap();
        assert_eq!(r[0].login.subject, "u1");

        let wrong_client =
            jwt(serde_json::json!({"sub": "u1", "aud": "other", "iss": format!("https://{name}")}));
        let logins = HashMap::from([(name.to_owned(), wrong_client)]);
        assert!(resolve_all(&p, &logins, false, &signer, 0).is_err());

        let expired = jwt(
            serde_json::json!({"sub": "u1", "aud": "client1", "iss": format!("https://{name}"), "exp": 5}),
        );
        let logins = HashMap::from([(name.to_owned(), expired)]);
        let e = resolve_all(&p, &logins, false, &signer, 10).unwrap_err();
        assert!(e.message.contains("Token expired"), "{e}");
    }

    #[test]
    fn developer_logins_only_where_allowed() {
        let p = pool();
        let signer = Signer::new(&crate::tokens::generate_key().unwrap(), "x".into()).unwrap();
        let logins = HashMap::from([("login.example".to_owned(), "user-7".to_owned())]);
        assert!(resolve_all(&p, &logins, false, &signer, 0).is_err());
        let r = resolve_all(&p, &logins, true, &signer, 0).unwrap();
        assert_eq!(r[0].login.subject, "user-7");
    }
}
