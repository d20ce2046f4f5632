//! The emulator's checks of a `Logins` token, for every kind of provider: `logins::resolve_all`
//! as `GetId` and `GetCredentialsForIdentity` call it, and the two readers under it,
//! `tokens::Jwt::read` and `saml::read`, on the same text.
//!
//! Input: one byte choosing the provider (bits 0-6, `n % 6`: 0 the public provider
//! `accounts.google.com` with an app id, 1 an OpenID Connect provider, 2 a Cognito user pool
//! with a client id, 3 a SAML provider ARN, 4 `cognito-identity.amazonaws.com`, 5 the pool's
//! developer provider; bit 7 checks the login as the developer-authenticated operations do,
//! where the developer provider is accepted), then the token as UTF-8 (invalid bytes become
//! U+FFFD). The pool trusts all six providers; no JWKS keys are trusted, so nothing waits on
//! a network and the future finishes on its first poll. Errors are fine; a panic is not, and
//! neither is an unsigned JWT that is accepted or an opaque token that is kept as itself.

#![no_main]

use std::collections::HashMap;
use std::sync::OnceLock;

use cognito_identity::types::{CognitoIdentityProvider, IdentityPool};
use cognito_identity_local::logins::{self, Checker, Provider};
use cognito_identity_local::saml;
use cognito_identity_local::tokens::{self, Jwt, Signer, COGNITO_PROVIDER};
use cognito_identity_local::trust::Trust;
use fuzz::block_on;
use libfuzzer_sys::fuzz_target;

/// The identity pool the logins are for.
const POOL_ID: &str = "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b";
/// The emulator's clock, in seconds since the epoch (2023-11-14T22:13:20Z). Seeds that should
/// pass carry expiry times well after it.
const NOW: i64 = 1_700_000_000;
/// The `Logins` key of each provider choice, in the order of the input's first byte.
const PROVIDERS: [&str; 6] = [
    "accounts.google.com",
    "oidc.example.com",
    "cognito-idp.us-east-1.amazonaws.com/us-east-1_fuzz",
    "arn:aws:iam::123456789012:saml-provider/fuzz",
    COGNITO_PROVIDER,
    "login.fuzz.example",
];
/// The bit of the first byte that makes developer logins acceptable.
const DEVELOPER: u8 = 0x80;

/// What every input shares: the pool, and the emulator's signer with its key, which is made
/// once per process because finding an RSA key takes far longer than a run.
struct Setup {
    pool: IdentityPool,
    signer: Signer,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let mut pool = IdentityPool::new(POOL_ID, "fuzz", true);
        pool.supported_login_providers = Some(HashMap::from([(
            PROVIDERS[0].to_owned(),
            "fuzz-app.apps.googleusercontent.com, second-app".to_owned(),
        )]));
        pool.open_id_connect_provider_ar_ns = Some(vec![format!(
            "arn:aws:iam::123456789012:oidc-provider/{}",
            PROVIDERS[1]
        )]);
        pool.cognito_identity_providers = Some(vec![CognitoIdentityProvider::new()
            .with_provider_name(PROVIDERS[2])
            .with_client_id("fuzzclient")]);
        pool.saml_provider_ar_ns = Some(vec![PROVIDERS[3].to_owned()]);
        pool.developer_provider_name = Some(PROVIDERS[5].to_owned());
        let key = tokens::generate_key().expect("an RSA key can be made");
        let signer = Signer::new(
            &key,
            None,
            "https://cognito-identity.amazonaws.com".to_owned(),
        )
        .expect("a fresh key makes a signer");
        Setup { pool, signer }
    })
}

fuzz_target!(|data: &[u8]| {
    let [choice, rest @ ..] = data else {
        return;
    };
    let name = PROVIDERS[usize::from(choice & !DEVELOPER) % PROVIDERS.len()];
    let developer = choice & DEVELOPER != 0;
    let token = String::from_utf8_lossy(rest);
    let setup = setup();

    let jwt = Jwt::read(&token);
    if let Some(jwt) = &jwt {
        let _ = jwt.algorithm();
        let _ = jwt.check_signed();
    }
    match saml::read(&token) {
        Ok(login) => {
            assert!(
                !login.name_id.is_empty() && login.name_id.trim() == login.name_id,
                "a SAML NameID must be trimmed and not empty: {:?}",
                login.name_id
            );
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }

    let trust = Trust::new(Vec::new());
    let checker = Checker {
        local: None,
        signer: &setup.signer,
        trust: &trust,
        now: NOW,
    };
    let logins = HashMap::from([(name.to_owned(), token.clone().into_owned())]);
    let resolved = block_on(logins::resolve_all(
        &setup.pool,
        &logins,
        developer,
        &checker,
    ));
    let kind = logins::provider(&setup.pool, name);
    match resolved {
        Ok(resolved) => {
            assert_eq!(resolved.len(), 1, "one login in, one resolved out");
            for login in &resolved {
                let _ = login.amr(POOL_ID);
                let _ = login.authenticates();
                let _ = login.client_id();
                let _ = login.cognito_identity();
            }
            if let Some(jwt) = &jwt {
                let checked = matches!(
                    kind,
                    Some(Provider::Public(_) | Provider::Oidc | Provider::UserPool(_))
                );
                assert!(
                    !checked || jwt.check_signed().is_ok(),
                    "an unsigned JWT was accepted for {name}: {token}"
                );
            } else if matches!(kind, Some(Provider::Public(_))) {
                assert_eq!(
                    resolved[0].login.subject,
                    logins::digest(&token),
                    "an opaque token must be kept as its digest"
                );
            }
            assert!(
                developer || kind != Some(Provider::Developer),
                "a developer login was accepted outside the developer operations"
            );
        }
        Err(fault) => {
            // An opaque token for a public provider stands for its user; it is never refused.
            assert!(
                jwt.is_some() || !matches!(kind, Some(Provider::Public(_))),
                "an opaque token was refused for {name}: {}",
                fault.message
            );
        }
    }
});
