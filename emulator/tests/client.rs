//! The generated client against the emulator over real HTTP on loopback: every one of the 23
//! operations, their outputs, and the main errors of each.

mod support;

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_json_runtime::auth::credentials::Credentials;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cognito_identity::error::*;
use cognito_identity::types::*;
use cognito_identity::{Client, Config};
use cognito_identity_local::{ids, start, Options, Running};

const ACCOUNT: &str = "123456789012";
const AUTH: &str = "arn:aws:iam::123456789012:role/Authenticated";
const UNAUTH: &str = "arn:aws:iam::123456789012:role/Unauthenticated";
const USER_POOL: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Example";
const UNKNOWN: &str = "us-east-1:00000000-0000-4000-8000-000000000000";

async fn emulator() -> (Running, Client) {
    let running = start(
        Options {
            log_level: cognito_identity_local::Level::Off,
            ..Options::default()
        },
        false,
    )
    .await
    .expect("the emulator starts");
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(running.url())
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "test",
        ))
        .build();
    (running, Client::new(config))
}

fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A user pool ID token with `claims`, plus `token_use: id` and an hour's `exp` unless
/// `claims` sets them. Its signature is no one's: without `--trust` for the user pool the
/// emulator checks the claims only.
fn user_pool_token(mut claims: serde_json::Value) -> String {
    if let Some(map) = claims.as_object_mut() {
        map.entry("token_use").or_insert_with(|| "id".into());
        map.entry("exp").or_insert_with(|| (now() + 3600).into());
    }
    let part = |v: serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.c2ln",
        part(serde_json::json!({"alg": "RS256"})),
        part(claims)
    )
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn claims_of(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON")
}

fn role_of(credentials: &cognito_identity::types::Credentials) -> String {
    let token = credentials
        .session_token
        .as_deref()
        .expect("a session token");
    ids::session_token_payload(token).expect("a readable session token")["RoleArn"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn open_pool(client: &Client) -> IdentityPool {
    client
        .create_identity_pool(
            CreateIdentityPoolInput::new("open pool", true)
                .with_supported_login_providers(map(&[("graph.facebook.com", "7346241598935555")]))
                .with_developer_provider_name("login.example.app")
                .with_cognito_identity_providers(vec![CognitoIdentityProvider::new()
                    .with_provider_name(USER_POOL)
                    .with_client_id("appclient1")])
                .with_identity_pool_tags(map(&[("team", "blue")])),
        )
        .await
        .expect("CreateIdentityPool")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_pools_are_created_described_updated_listed_and_deleted() {
    let (running, client) = emulator().await;
    let pool = open_pool(&client).await;
    let id = pool.identity_pool_id.clone();
    assert!(id.starts_with("us-east-1:"), "{id}");
    // Created without the flag, the pool leaves it unset (and so answers without it), as the
    // service does; a stored `false` would refuse GetOpenIdToken.
    assert_eq!(pool.allow_classic_flow, None);
    let providers = pool.cognito_identity_providers.clone().unwrap_or_default();
    assert_eq!(providers[0].server_side_token_check, Some(false));

    let described = client
        .describe_identity_pool(DescribeIdentityPoolInput::new(&id))
        .await
        .expect("DescribeIdentityPool");
    assert_eq!(described, pool);
    let err = client
        .describe_identity_pool(DescribeIdentityPoolInput::new(UNKNOWN))
        .await
        .unwrap_err();
    match err {
        DescribeIdentityPoolError::ResourceNotFoundException(e) => {
            assert_eq!(
                e.message(),
                Some(format!("IdentityPool '{UNKNOWN}' not found.").as_str())
            )
        }
        other => panic!("{other:?}"),
    }

    // Updating replaces the configuration but cannot change the developer provider.
    let mut update = pool.clone();
    update.identity_pool_name = "renamed".into();
    update.developer_provider_name = None;
    update.identity_pool_tags = None;
    let updated = client
        .update_identity_pool(update.clone())
        .await
        .expect("UpdateIdentityPool");
    assert_eq!(updated.identity_pool_name, "renamed");
    assert_eq!(
        updated.developer_provider_name.as_deref(),
        Some("login.example.app")
    );
    assert_eq!(updated.identity_pool_tags, Some(map(&[("team", "blue")])));
    update.developer_provider_name = Some("other.name".into());
    let err = client
        .update_identity_pool(update.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(err, UpdateIdentityPoolError::InvalidParameterException(_)),
        "{err:?}"
    );
    update.identity_pool_id = UNKNOWN.into();
    let err = client.update_identity_pool(update).await.unwrap_err();
    assert!(
        matches!(err, UpdateIdentityPoolError::ResourceNotFoundException(_)),
        "{err:?}"
    );

    // Listing pages with MaxResults and NextToken, each pool once.
    for n in 0..4 {
        client
            .create_identity_pool(CreateIdentityPoolInput::new(format!("extra{n}"), false))
            .await
            .expect("CreateIdentityPool");
    }
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let mut input = ListIdentityPoolsInput::new(2);
        if let Some(t) = token.take() {
            input = input.with_next_token(t);
        }
        let page = client
            .list_identity_pools(input)
            .await
            .expect("ListIdentityPools");
        let pools = page.identity_pools.unwrap_or_default();
        assert!(pools.len() <= 2);
        seen.extend(pools.into_iter().filter_map(|p| p.identity_pool_id));
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert_eq!(seen[0], id, "pools are listed in creation order");
    let err = client
        .list_identity_pools(ListIdentityPoolsInput::new(2).with_next_token("garbage"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ListIdentityPoolsError::InvalidParameterException(_)),
        "{err:?}"
    );

    client
        .delete_identity_pool(DeleteIdentityPoolInput::new(&id))
        .await
        .expect("DeleteIdentityPool");
    let err = client
        .delete_identity_pool(DeleteIdentityPoolInput::new(&id))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DeleteIdentityPoolError::ResourceNotFoundException(_)),
        "{err:?}"
    );
    running.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identities_credentials_and_tokens_follow_the_pool_configuration() {
    let (running, client) = emulator().await;
    let pool = open_pool(&client).await;
    let pool_id = pool.identity_pool_id.clone();

    // GetId: a new guest each time, one identity per login.
    let guest = client
        .get_id(GetIdInput::new(&pool_id))
        .await
        .expect("GetId")
        .identity_id
        .unwrap();
    let fb = map(&[("graph.facebook.com", "fb-token-alice")]);
    let alice = client
        .get_id(GetIdInput::new(&pool_id).with_logins(fb.clone()))
        .await
        .expect("GetId")
        .identity_id
        .unwrap();
    let again = client
        .get_id(GetIdInput::new(&pool_id).with_logins(fb.clone()))
        .await
        .unwrap();
    assert_eq!(again.identity_id.as_deref(), Some(alice.as_str()));
    assert_ne!(guest, alice);
    let err = client
        .get_id(GetIdInput::new(&pool_id).with_logins(map(&[("www.amazon.com", "t")])))
        .await
        .unwrap_err();
    assert!(
        matches!(err, GetIdError::NotAuthorizedException(_)),
        "{err:?}"
    );
    let closed = client
        .create_identity_pool(CreateIdentityPoolInput::new("closed", false))
        .await
        .unwrap();
    let err = client
        .get_id(GetIdInput::new(&closed.identity_pool_id))
        .await
        .unwrap_err();
    match err {
        GetIdError::NotAuthorizedException(e) => assert_eq!(
            e.message(),
            Some("Unauthenticated access is not supported for this identity pool.")
        ),
        other => panic!("{other:?}"),
    }
    let err = client.get_id(GetIdInput::new(UNKNOWN)).await.unwrap_err();
    assert!(
        matches!(err, GetIdError::ResourceNotFoundException(_)),
        "{err:?}"
    );

    // Without roles there are no credentials.
    let err = client
        .get_credentials_for_identity(GetCredentialsForIdentityInput::new(&guest))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            GetCredentialsForIdentityError::InvalidIdentityPoolConfigurationException(_)
        ),
        "{err:?}"
    );

    // Roles, validated.
    client
        .set_identity_pool_roles(SetIdentityPoolRolesInput::new(
            &pool_id,
            map(&[("authenticated", AUTH), ("unauthenticated", UNAUTH)]),
        ))
        .await
        .expect("SetIdentityPoolRoles");
    let roles = client
        .get_identity_pool_roles(GetIdentityPoolRolesInput::new(&pool_id))
        .await
        .expect("GetIdentityPoolRoles");
    assert_eq!(
        roles.roles,
        Some(map(&[("authenticated", AUTH), ("unauthenticated", UNAUTH)]))
    );
    assert_eq!(roles.role_mappings, None);
    let err = client
        .set_identity_pool_roles(SetIdentityPoolRolesInput::new(
            &pool_id,
            map(&[("authenticated", "arn:aws:s3:::a-bucket-name")]),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(err, SetIdentityPoolRolesError::NotAuthorizedException(_)),
        "{err:?}"
    );
    let err = client
        .get_identity_pool_roles(GetIdentityPoolRolesInput::new(UNKNOWN))
        .await
        .unwrap_err();
    assert!(
        matches!(err, GetIdentityPoolRolesError::ResourceNotFoundException(_)),
        "{err:?}"
    );

    // Credentials: well formed, the role by the kind of identity, CustomRoleArn honoured.
    let out = client
        .get_credentials_for_identity(GetCredentialsForIdentityInput::new(&guest))
        .await
        .expect("GetCredentialsForIdentity");
    assert_eq!(out.identity_id.as_deref(), Some(guest.as_str()));
    let creds = out.credentials.expect("credentials");
    let akid = creds.access_key_id.clone().unwrap_or_default();
    assert!(akid.starts_with("ASIA") && akid.len() == 20, "{akid}");
    assert!(
        akid.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
        "{akid}"
    );
    assert_eq!(creds.secret_key.as_deref().map(str::len), Some(40));
    let expires = creds.expiration.expect("an expiration").secs();
    assert!(
        (now() + 3590..=now() + 3600).contains(&expires),
        "{expires}"
    );
    assert_eq!(role_of(&creds), UNAUTH);
    let out = client
        .get_credentials_for_identity(
            GetCredentialsForIdentityInput::new(&alice).with_logins(fb.clone()),
        )
        .await
        .unwrap();
    assert_eq!(role_of(&out.credentials.unwrap()), AUTH);
    let custom = "arn:aws:iam::123456789012:role/Custom";
    let out = client
        .get_credentials_for_identity(
            GetCredentialsForIdentityInput::new(&alice)
                .with_logins(fb.clone())
                .with_custom_role_arn(custom),
        )
        .await
        .unwrap();
    assert_eq!(role_of(&out.credentials.unwrap()), custom);
    let err = client
        .get_credentials_for_identity(GetCredentialsForIdentityInput::new(&alice))
        .await
        .unwrap_err();
    match err {
        GetCredentialsForIdentityError::NotAuthorizedException(e) => assert_eq!(
            e.message(),
            Some("Logins don't match. Please include at least one valid login for this identity or identity pool.")
        ),
        other => panic!("{other:?}"),
    }
    let err = client
        .get_credentials_for_identity(GetCredentialsForIdentityInput::new(UNKNOWN))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            GetCredentialsForIdentityError::ResourceNotFoundException(_)
        ),
        "{err:?}"
    );
    // A login another identity owns cannot be attached to this one.
    let err = client
        .get_credentials_for_identity(
            GetCredentialsForIdentityInput::new(&guest).with_logins(fb.clone()),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            GetCredentialsForIdentityError::ResourceConflictException(_)
        ),
        "{err:?}"
    );

    // OpenID tokens: claims as the service writes them; the token is a login for its identity.
    let token = client
        .get_open_id_token(GetOpenIdTokenInput::new(&alice).with_logins(fb.clone()))
        .await
        .expect("GetOpenIdToken")
        .token
        .unwrap();
    let claims = claims_of(&token);
    assert_eq!(claims["sub"], alice.as_str());
    assert_eq!(claims["aud"], pool_id.as_str());
    assert_eq!(claims["iss"], running.url());
    assert_eq!(claims["amr"][0], "authenticated");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        600
    );
    let with_token = map(&[("cognito-identity.amazonaws.com", &token)]);
    client
        .get_credentials_for_identity(
            GetCredentialsForIdentityInput::new(&alice).with_logins(with_token.clone()),
        )
        .await
        .expect("the service's own token is a login");
    let err = client
        .get_open_id_token(GetOpenIdTokenInput::new(&guest).with_logins(with_token))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            GetOpenIdTokenError::NotAuthorizedException(_)
                | GetOpenIdTokenError::ResourceConflictException(_)
        ),
        "{err:?}"
    );
    let guest_token = client
        .get_open_id_token(GetOpenIdTokenInput::new(&guest))
        .await
        .unwrap();
    assert_eq!(
        claims_of(&guest_token.token.unwrap())["amr"],
        serde_json::json!(["unauthenticated"])
    );

    // DescribeIdentity and ListIdentities.
    let described = client
        .describe_identity(DescribeIdentityInput::new(&alice))
        .await
        .expect("DescribeIdentity");
    assert_eq!(
        described.logins,
        Some(vec!["graph.facebook.com".to_owned()])
    );
    assert!(described.creation_date <= described.last_modified_date);
    let err = client
        .describe_identity(DescribeIdentityInput::new(UNKNOWN))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DescribeIdentityError::ResourceNotFoundException(_)),
        "{err:?}"
    );

    // UnlinkIdentity: needs a proving login; unlinking the last one disables the identity.
    let err = client
        .unlink_identity(UnlinkIdentityInput::new(
            &alice,
            map(&[("graph.facebook.com", "someone-else")]),
            vec!["graph.facebook.com".into()],
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(err, UnlinkIdentityError::NotAuthorizedException(_)),
        "{err:?}"
    );
    client
        .unlink_identity(UnlinkIdentityInput::new(
            &alice,
            fb.clone(),
            vec!["graph.facebook.com".into()],
        ))
        .await
        .expect("UnlinkIdentity");
    let page = client
        .list_identities(ListIdentitiesInput::new(&pool_id, 60))
        .await
        .expect("ListIdentities");
    let all: Vec<String> = page
        .identities
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| i.identity_id)
        .collect();
    assert_eq!(all, vec![guest.clone(), alice.clone()]);
    let page = client
        .list_identities(ListIdentitiesInput::new(&pool_id, 60).with_hide_disabled(true))
        .await
        .unwrap();
    let visible: Vec<String> = page
        .identities
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| i.identity_id)
        .collect();
    assert_eq!(visible, vec![guest.clone()]);
    let page = client
        .list_identities(ListIdentitiesInput::new(&pool_id, 1))
        .await
        .unwrap();
    assert_eq!(page.identities.map(|i| i.len()), Some(1));
    let rest = client
        .list_identities(
            ListIdentitiesInput::new(&pool_id, 1)
                .with_next_token(page.next_token.expect("a next page")),
        )
        .await
        .unwrap();
    assert_eq!(
        rest.identities.unwrap_or_default()[0]
            .identity_id
            .as_deref(),
        Some(alice.as_str())
    );
    // The Facebook user is new again: a new identity.
    let reborn = client
        .get_id(GetIdInput::new(&pool_id).with_logins(fb.clone()))
        .await
        .unwrap();
    assert_ne!(reborn.identity_id.as_deref(), Some(alice.as_str()));
    let err = client
        .list_identities(ListIdentitiesInput::new(UNKNOWN, 5))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ListIdentitiesError::ResourceNotFoundException(_)),
        "{err:?}"
    );

    // DeleteIdentities: unknown ids come back unprocessed.
    let out = client
        .delete_identities(DeleteIdentitiesInput::new(vec![
            guest.clone(),
            UNKNOWN.to_owned(),
        ]))
        .await
        .expect("DeleteIdentities");
    let unprocessed = out.unprocessed_identity_ids.unwrap_or_default();
    assert_eq!(unprocessed.len(), 1);
    assert_eq!(unprocessed[0].identity_id.as_deref(), Some(UNKNOWN));
    let err = client
        .describe_identity(DescribeIdentityInput::new(&guest))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DescribeIdentityError::ResourceNotFoundException(_)),
        "{err:?}"
    );
    running.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_mappings_choose_roles_from_token_claims() {
    let (running, client) = emulator().await;
    let pool = open_pool(&client).await;
    let pool_id = pool.identity_pool_id.clone();
    let key = format!("{USER_POOL}:appclient1");
    let admin = "arn:aws:iam::123456789012:role/Admin";
    let rules = RoleMapping::new(RoleMappingType::Rules)
        .with_ambiguous_role_resolution(AmbiguousRoleResolutionType::Deny)
        .with_rules_configuration(RulesConfigurationType::new(vec![MappingRule::new(
            "custom:dept",
            MappingRuleMatchType::Equals,
            "ops",
            admin,
        )]));
    client
        .set_identity_pool_roles(
            SetIdentityPoolRolesInput::new(&pool_id, map(&[("authenticated", AUTH)]))
                .with_role_mappings(HashMap::from([(key.clone(), rules.clone())])),
        )
        .await
        .expect("SetIdentityPoolRoles with rules");
    let roles = client
        .get_identity_pool_roles(GetIdentityPoolRolesInput::new(&pool_id))
        .await
        .unwrap();
    assert_eq!(
        roles.role_mappings,
        Some(HashMap::from([(key.clone(), rules)]))
    );

    let token = |sub: &str, dept: &str| {
        user_pool_token(serde_json::json!({
            "sub": sub, "aud": "appclient1", "iss": format!("https://{USER_POOL}"),
            "exp": now() + 3600, "custom:dept": dept,
        }))
    };
    let creds_for = |sub: &'static str, dept: &'static str| {
        let client = client.clone();
        let pool_id = pool_id.clone();
        let logins = map(&[(USER_POOL, &token(sub, dept))]);
        async move {
            let id = client
                .get_id(GetIdInput::new(&pool_id).with_logins(logins.clone()))
                .await
                .expect("GetId with a user pool token")
                .identity_id
                .unwrap();
            client
                .get_credentials_for_identity(
                    GetCredentialsForIdentityInput::new(&id).with_logins(logins),
                )
                .await
        }
    };
    let ops = creds_for("u-ops", "ops").await.expect("a matching rule");
    assert_eq!(role_of(&ops.credentials.unwrap()), admin);
    let err = creds_for("u-sales", "sales").await.unwrap_err();
    match err {
        GetCredentialsForIdentityError::NotAuthorizedException(e) => {
            assert_eq!(
                e.message(),
                Some("The ambiguous role mapping rules denied this request.")
            )
        }
        other => panic!("{other:?}"),
    }

    // Token type with AuthenticatedRole as the fallback.
    let by_token = RoleMapping::new(RoleMappingType::Token)
        .with_ambiguous_role_resolution(AmbiguousRoleResolutionType::AuthenticatedRole);
    client
        .set_identity_pool_roles(
            SetIdentityPoolRolesInput::new(&pool_id, map(&[("authenticated", AUTH)]))
                .with_role_mappings(HashMap::from([(key.clone(), by_token)])),
        )
        .await
        .unwrap();
    let sales = creds_for("u-sales", "sales")
        .await
        .expect("falls back to the authenticated role");
    assert_eq!(role_of(&sales.credentials.unwrap()), AUTH);

    // Validation of mappings.
    for (name, mapping) in [
        (
            "www.amazon.com",
            RoleMapping::new(RoleMappingType::Token)
                .with_ambiguous_role_resolution(AmbiguousRoleResolutionType::Deny),
        ),
        (key.as_str(), RoleMapping::new(RoleMappingType::Token)),
        (
            key.as_str(),
            RoleMapping::new(RoleMappingType::Rules)
                .with_ambiguous_role_resolution(AmbiguousRoleResolutionType::Deny),
        ),
    ] {
        let err = client
            .set_identity_pool_roles(
                SetIdentityPoolRolesInput::new(&pool_id, map(&[("authenticated", AUTH)]))
                    .with_role_mappings(HashMap::from([(name.to_owned(), mapping)])),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, SetIdentityPoolRolesError::InvalidParameterException(_)),
            "{name}: {err:?}"
        );
    }
    // A token for another app client is not from a provider of this pool.
    let foreign = map(&[(
        USER_POOL,
        &user_pool_token(
            serde_json::json!({"sub": "x", "aud": "other", "iss": format!("https://{USER_POOL}")}),
        ),
    )]);
    let err = client
        .get_id(GetIdInput::new(&pool_id).with_logins(foreign))
        .await
        .unwrap_err();
    assert!(
        matches!(err, GetIdError::NotAuthorizedException(_)),
        "{err:?}"
    );
    running.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn developer_identities_are_looked_up_merged_and_unlinked() {
    let (running, client) = emulator().await;
    let pool = open_pool(&client).await;
    let pool_id = pool.identity_pool_id.clone();
    let dev = "login.example.app";

    let first = client
        .get_open_id_token_for_developer_identity(
            GetOpenIdTokenForDeveloperIdentityInput::new(&pool_id, map(&[(dev, "user-1")]))
                .with_principal_tags(map(&[("dept", "eng")]))
                .with_token_duration(7200),
        )
        .await
        .expect("GetOpenIdTokenForDeveloperIdentity");
    let one = first.identity_id.unwrap();
    let claims = claims_of(&first.token.unwrap());
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        7200
    );
    assert_eq!(
        claims["https://aws.amazon.com/tags"]["principal_tags"]["dept"],
        serde_json::json!(["eng"])
    );
    let default_duration = client
        .get_open_id_token_for_developer_identity(GetOpenIdTokenForDeveloperIdentityInput::new(
            &pool_id,
            map(&[(dev, "user-1")]),
        ))
        .await
        .unwrap();
    assert_eq!(default_duration.identity_id.as_deref(), Some(one.as_str()));
    let claims = claims_of(&default_duration.token.unwrap());
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        900
    );
    let two = client
        .get_open_id_token_for_developer_identity(GetOpenIdTokenForDeveloperIdentityInput::new(
            &pool_id,
            map(&[(dev, "user-2")]),
        ))
        .await
        .unwrap()
        .identity_id
        .unwrap();
    let err = client
        .get_open_id_token_for_developer_identity(
            GetOpenIdTokenForDeveloperIdentityInput::new(&pool_id, map(&[(dev, "user-1")]))
                .with_identity_id(&two),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            GetOpenIdTokenForDeveloperIdentityError::DeveloperUserAlreadyRegisteredException(_)
        ),
        "{err:?}"
    );
    let err = client
        .get_open_id_token_for_developer_identity(GetOpenIdTokenForDeveloperIdentityInput::new(
            &pool_id,
            map(&[("not.ours", "u")]),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            GetOpenIdTokenForDeveloperIdentityError::NotAuthorizedException(_)
        ),
        "{err:?}"
    );

    // Lookup by user and by identity, with pages.
    let found = client
        .lookup_developer_identity(
            LookupDeveloperIdentityInput::new(&pool_id).with_developer_user_identifier("user-2"),
        )
        .await
        .expect("LookupDeveloperIdentity");
    assert_eq!(found.identity_id.as_deref(), Some(two.as_str()));
    let err = client
        .lookup_developer_identity(LookupDeveloperIdentityInput::new(&pool_id))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            LookupDeveloperIdentityError::InvalidParameterException(_)
        ),
        "{err:?}"
    );
    let err = client
        .lookup_developer_identity(
            LookupDeveloperIdentityInput::new(&pool_id).with_developer_user_identifier("nobody"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            LookupDeveloperIdentityError::ResourceNotFoundException(_)
        ),
        "{err:?}"
    );

    // Merge user-2 into user-1's identity: the source identity is gone, its users moved.
    let merged = client
        .merge_developer_identities(MergeDeveloperIdentitiesInput::new(
            "user-2", "user-1", dev, &pool_id,
        ))
        .await
        .expect("MergeDeveloperIdentities");
    assert_eq!(merged.identity_id.as_deref(), Some(one.as_str()));
    let err = client
        .describe_identity(DescribeIdentityInput::new(&two))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DescribeIdentityError::ResourceNotFoundException(_)),
        "{err:?}"
    );
    let page = client
        .lookup_developer_identity(
            LookupDeveloperIdentityInput::new(&pool_id)
                .with_identity_id(&one)
                .with_max_results(1),
        )
        .await
        .unwrap();
    assert_eq!(
        page.developer_user_identifier_list,
        Some(vec!["user-1".to_owned()])
    );
    let rest = client
        .lookup_developer_identity(
            LookupDeveloperIdentityInput::new(&pool_id)
                .with_identity_id(&one)
                .with_next_token(page.next_token.expect("a second page")),
        )
        .await
        .unwrap();
    assert_eq!(
        rest.developer_user_identifier_list,
        Some(vec!["user-2".to_owned()])
    );
    assert_eq!(rest.next_token, None);
    let err = client
        .merge_developer_identities(MergeDeveloperIdentitiesInput::new(
            "nobody", "user-1", dev, &pool_id,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            MergeDeveloperIdentitiesError::ResourceNotFoundException(_)
        ),
        "{err:?}"
    );
    let err = client
        .merge_developer_identities(MergeDeveloperIdentitiesInput::new(
            "user-2",
            "user-1",
            "wrong.name",
            &pool_id,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            MergeDeveloperIdentitiesError::InvalidParameterException(_)
        ),
        "{err:?}"
    );

    // Unlink both users: the identity is disabled.
    for user in ["user-2", "user-1"] {
        client
            .unlink_developer_identity(UnlinkDeveloperIdentityInput::new(&one, &pool_id, dev, user))
            .await
            .expect("UnlinkDeveloperIdentity");
    }
    let err = client
        .unlink_developer_identity(UnlinkDeveloperIdentityInput::new(
            &one, &pool_id, dev, "user-1",
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            UnlinkDeveloperIdentityError::ResourceNotFoundException(_)
        ),
        "{err:?}"
    );
    let visible = client
        .list_identities(ListIdentitiesInput::new(&pool_id, 60).with_hide_disabled(true))
        .await
        .unwrap();
    assert_eq!(visible.identities.map(|i| i.len()), Some(0));
    running.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_and_principal_tag_maps_are_kept_per_pool() {
    let (running, client) = emulator().await;
    let pool = open_pool(&client).await;
    let pool_id = pool.identity_pool_id.clone();
    let arn = format!("arn:aws:cognito-identity:us-east-1:{ACCOUNT}:identitypool/{pool_id}");

    client
        .tag_resource(TagResourceInput::new(&arn, map(&[("env", "test")])))
        .await
        .expect("TagResource");
    let tags = client
        .list_tags_for_resource(ListTagsForResourceInput::new(&arn))
        .await
        .expect("ListTagsForResource");
    assert_eq!(tags.tags, Some(map(&[("team", "blue"), ("env", "test")])));
    client
        .untag_resource(UntagResourceInput::new(&arn, vec!["team".into()]))
        .await
        .expect("UntagResource");
    let described = client
        .describe_identity_pool(DescribeIdentityPoolInput::new(&pool_id))
        .await
        .unwrap();
    assert_eq!(described.identity_pool_tags, Some(map(&[("env", "test")])));
    let missing = format!("arn:aws:cognito-identity:us-east-1:{ACCOUNT}:identitypool/{UNKNOWN}");
    let err = client
        .tag_resource(TagResourceInput::new(&missing, map(&[("a", "b")])))
        .await
        .unwrap_err();
    assert!(
        matches!(err, TagResourceError::ResourceNotFoundException(_)),
        "{err:?}"
    );
    let err = client
        .untag_resource(UntagResourceInput::new(
            "arn:aws:s3:::bucket-not-a-pool",
            vec!["a".into()],
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(err, UntagResourceError::InvalidParameterException(_)),
        "{err:?}"
    );
    let too_many: HashMap<String, String> =
        (0..51).map(|n| (format!("k{n}"), "v".to_owned())).collect();
    let err = client
        .tag_resource(TagResourceInput::new(&arn, too_many))
        .await
        .unwrap_err();
    assert!(
        matches!(err, TagResourceError::InvalidParameterException(_)),
        "{err:?}"
    );
    let err = client
        .list_tags_for_resource(ListTagsForResourceInput::new(&missing))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ListTagsForResourceError::ResourceNotFoundException(_)),
        "{err:?}"
    );

    // Principal tag maps: defaults, explicit maps, and the tags they put in credentials.
    let set = client
        .set_principal_tag_attribute_map(
            SetPrincipalTagAttributeMapInput::new(&pool_id, USER_POOL).with_use_defaults(true),
        )
        .await
        .expect("SetPrincipalTagAttributeMap");
    assert_eq!(set.use_defaults, Some(true));
    assert_eq!(
        set.principal_tags,
        Some(map(&[("username", "sub"), ("client", "aud")]))
    );
    let got = client
        .get_principal_tag_attribute_map(GetPrincipalTagAttributeMapInput::new(&pool_id, USER_POOL))
        .await
        .expect("GetPrincipalTagAttributeMap");
    assert_eq!(got.principal_tags, set.principal_tags);
    let unset = client
        .get_principal_tag_attribute_map(GetPrincipalTagAttributeMapInput::new(
            &pool_id,
            "graph.facebook.com",
        ))
        .await
        .unwrap();
    assert_eq!(unset.use_defaults, Some(false));
    let err = client
        .set_principal_tag_attribute_map(SetPrincipalTagAttributeMapInput::new(
            &pool_id,
            "www.amazon.com",
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            SetPrincipalTagAttributeMapError::InvalidParameterException(_)
        ),
        "{err:?}"
    );
    let err = client
        .get_principal_tag_attribute_map(GetPrincipalTagAttributeMapInput::new(UNKNOWN, USER_POOL))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            GetPrincipalTagAttributeMapError::ResourceNotFoundException(_)
        ),
        "{err:?}"
    );

    client
        .set_identity_pool_roles(SetIdentityPoolRolesInput::new(
            &pool_id,
            map(&[("authenticated", AUTH)]),
        ))
        .await
        .unwrap();
    let logins = map(&[(
        USER_POOL,
        &user_pool_token(
            serde_json::json!({"sub": "u-9", "aud": "appclient1", "iss": format!("https://{USER_POOL}")}),
        ),
    )]);
    let id = client
        .get_id(GetIdInput::new(&pool_id).with_logins(logins.clone()))
        .await
        .unwrap()
        .identity_id
        .unwrap();
    let creds = client
        .get_credentials_for_identity(GetCredentialsForIdentityInput::new(&id).with_logins(logins))
        .await
        .unwrap()
        .credentials
        .unwrap();
    let payload = ids::session_token_payload(creds.session_token.as_deref().unwrap()).unwrap();
    assert_eq!(
        payload["PrincipalTags"],
        serde_json::json!({"username": "u-9", "client": "appclient1"})
    );
    running.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_router_rejects_invalid_input_before_the_handler() {
    let (running, client) = emulator().await;
    let (status, body) = support::call(
        running.local_addr(),
        "GetId",
        &serde_json::json!({"IdentityPoolId": "no-colon"}),
    );
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "ValidationException");
    let (status, body) = support::call(running.local_addr(), "GetId", &serde_json::json!({}));
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("ValidationException"))
    );
    let (status, body) = support::call(
        running.local_addr(),
        "NoSuchOperation",
        &serde_json::json!({}),
    );
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("UnknownOperationException"))
    );
    let (status, body) = support::call(
        running.local_addr(),
        "SetIdentityPoolRoles",
        &serde_json::json!({
            "IdentityPoolId": "us-east-1:0", "Roles": {"admins": "arn:aws:iam::123456789012:role/Admin"}
        }),
    );
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("ValidationException")),
        "{body}"
    );
    drop(client);
    running.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signature_checks_accept_the_key_and_reject_the_rest() {
    let running = start(
        Options {
            log_level: cognito_identity_local::Level::Off,
            verify_signatures: Some(("AKIDEXAMPLE".into(), "secret".into())),
            ..Options::default()
        },
        false,
    )
    .await
    .expect("the emulator starts");
    let client_with = |akid: &str, secret: &str| {
        Client::new(
            Config::builder()
                .region("us-east-1")
                .endpoint_url(running.url())
                .credentials(Credentials::new(akid, secret, None, None, "test"))
                .build(),
        )
    };
    let pool = client_with("AKIDEXAMPLE", "secret")
        .create_identity_pool(CreateIdentityPoolInput::new("signed", true))
        .await
        .expect("a request signed with the key passes");
    for (akid, secret, code) in [
        ("AKIDEXAMPLE", "wrong", "InvalidSignatureException"),
        ("AKIDOTHER", "secret", "UnrecognizedClientException"),
    ] {
        let err = client_with(akid, secret)
            .describe_identity_pool(DescribeIdentityPoolInput::new(&pool.identity_pool_id))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some(code), "{err:?}");
    }
    // Raw requests carry no signature: refused for signed operations, fine for unsigned ones.
    let addr = running.local_addr();
    let pool_id = pool.identity_pool_id.clone();
    let (unsigned_signed_op, unsigned_public_op) = tokio::task::spawn_blocking(move || {
        (
            support::call(
                addr,
                "DescribeIdentityPool",
                &serde_json::json!({"IdentityPoolId": pool_id}),
            ),
            support::call(
                addr,
                "GetId",
                &serde_json::json!({"IdentityPoolId": pool_id}),
            ),
        )
    })
    .await
    .expect("raw calls");
    assert_eq!(unsigned_signed_op.0, 400);
    assert_eq!(
        unsigned_signed_op.1["__type"],
        "MissingAuthenticationTokenException"
    );
    assert_eq!(unsigned_public_op.0, 200, "{}", unsigned_public_op.1);
    running.shutdown().await.expect("shutdown");
}
