//! The user-pool session and the provider together against the local Cognito
//! (`cognito-identity-local`, user pools and identity pools on one port) over real HTTP: sign
//! up and confirm, SRP and password sign-in with a client secret, NEW_PASSWORD_REQUIRED for a
//! user an administrator made, refresh with rotation, credentials from the identity pool for
//! the session's ID token, sign-out with the refresh token revoked, a user switch that gets
//! another identity id, a disabled user, a refresh token the pool revoked, and one that
//! expired (the emulator restarted on its database with its clock moved past the client's
//! shortest refresh-token life).

use std::sync::Arc;

use cognito_identity_credentials::{
    secret_hash, AuthFlow, CognitoCredentialsError, CognitoCredentialsProvider,
    InMemorySessionStore, NewPassword, SessionStore, UserPoolError, UserPoolSession,
};
use cognito_identity_local::{start, Level, Options, Running};
use cognito_identity_provider::types::*;
use cognito_identity_provider::Client;

#[path = "../../tests/support/local_cognito.rs"]
mod local_cognito;
use local_cognito::{identity, user_pools};

const PASSWORD: &str = "Passw0rd!";
const AUTHENTICATED_ROLE: &str = "arn:aws:iam::123456789012:role/Authenticated";
const CODE: &str = "123456";

async fn emulator() -> Running {
    start(
        Options {
            log_level: Level::Off,
            fixed_code: Some(CODE.into()),
            ..Options::default()
        },
        false,
    )
    .await
    .expect("the emulator starts")
}

/// A pool and an app client allowing SRP and the password flow, with a secret when asked;
/// with `rotation`, refresh-token rotation and no `REFRESH_TOKEN_AUTH` (as the developer guide
/// has rotating clients), else that flow. Returns the pool id, client id and secret.
async fn pool(admin: &Client, secret: bool, rotation: bool) -> (String, String, Option<String>) {
    let pool_id = admin
        .create_user_pool(CreateUserPoolRequest::new("app"))
        .await
        .expect("CreateUserPool")
        .user_pool
        .and_then(|p| p.id)
        .expect("a pool id");
    let mut input = CreateUserPoolClientRequest::new(&pool_id, "app");
    let mut flows = vec![
        ExplicitAuthFlowsType::AllowUserSrpAuth,
        ExplicitAuthFlowsType::AllowUserPasswordAuth,
    ];
    if rotation {
        input.refresh_token_rotation = Some(RefreshTokenRotationType::new(FeatureType::Enabled));
    } else {
        flows.push(ExplicitAuthFlowsType::AllowRefreshTokenAuth);
    }
    input.explicit_auth_flows = Some(flows);
    input.generate_secret = Some(secret);
    let client = admin
        .create_user_pool_client(input)
        .await
        .expect("CreateUserPoolClient")
        .user_pool_client
        .expect("a client");
    (
        pool_id,
        client.client_id.expect("a client id"),
        client.client_secret,
    )
}

/// An identity pool that takes the user pool's ID tokens, with an authenticated role.
async fn identity_pool(ids: &cognito_identity::Client, pool_id: &str, client_id: &str) -> String {
    local_cognito::identity_pool_for(ids, "app", pool_id, client_id, AUTHENTICATED_ROLE).await
}

/// Signs `username` up and confirms them with the emulator's fixed code, as an app would.
async fn sign_up(app: &Client, client_id: &str, secret: Option<&str>, username: &str) {
    let hash = secret.map(|s| secret_hash(s, username, client_id));
    let mut input = SignUpRequest::new(client_id, username);
    input.password = Some(PASSWORD.to_owned());
    input.secret_hash.clone_from(&hash);
    input.user_attributes = Some(vec![AttributeType {
        name: "email".into(),
        value: Some(format!("{username}@example.com")),
    }]);
    app.sign_up(input).await.expect("SignUp");
    let mut confirm = ConfirmSignUpRequest::new(client_id, username, CODE);
    confirm.secret_hash = hash;
    app.confirm_sign_up(confirm).await.expect("ConfirmSignUp");
}

fn builder(
    running: &Running,
    pool_id: &str,
    client_id: &str,
    secret: Option<&str>,
) -> cognito_identity_credentials::SessionBuilder<Client> {
    let builder = UserPoolSession::builder(user_pools(running, false), pool_id, client_id);
    match secret {
        Some(s) => builder.client_secret(s),
        None => builder,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_sign_in_credentials_refresh_sign_out_and_switch_users() {
    let running = emulator().await;
    let admin = user_pools(&running, true);
    let (pool_id, client_id, secret) = pool(&admin, true, true).await;
    let secret = secret.expect("a generated secret");
    let ids = identity(&running);
    let identity_pool_id = identity_pool(&ids, &pool_id, &client_id).await;
    let app = user_pools(&running, false);
    sign_up(&app, &client_id, Some(&secret), "alice").await;
    sign_up(&app, &client_id, Some(&secret), "bob").await;

    let store = Arc::new(InMemorySessionStore::new());
    let session = builder(&running, &pool_id, &client_id, Some(&secret))
        .store(Arc::clone(&store))
        .build()
        .unwrap();
    let tokens = session
        .sign_in("alice", PASSWORD)
        .await
        .expect("SRP sign-in");
    assert_eq!(tokens.username(), "alice");
    let first_refresh = tokens.refresh_token().expect("a refresh token").to_owned();
    assert_eq!(store.get().unwrap().refresh_token, first_refresh);

    let provider = CognitoCredentialsProvider::builder(identity(&running), &identity_pool_id)
        .logins_provider(session.clone())
        .build();
    let credentials = provider.credentials().await.expect("alice's credentials");
    assert!(!credentials.access_key_id().is_empty());
    let alice = provider.identity_id().await.unwrap();

    // Refresh with rotation: a new refresh token, kept and stored; the old one is revoked.
    let refreshed = session.refresh().await.expect("refreshed");
    let rotated = refreshed.refresh_token().unwrap().to_owned();
    assert_ne!(rotated, first_refresh);
    assert_ne!(refreshed.id_token(), tokens.id_token());
    assert_eq!(store.get().unwrap().refresh_token, rotated);
    let mut old = GetTokensFromRefreshTokenRequest::new(&first_refresh, &client_id);
    old.client_secret = Some(secret.clone());
    assert!(app.get_tokens_from_refresh_token(old).await.is_err());

    // The provider takes fresh credentials with the refreshed token, same identity.
    provider.invalidate();
    provider.credentials().await.expect("credentials again");
    assert_eq!(provider.identity_id().await.unwrap(), alice);

    // Sign out: the refresh token is revoked and the provider hands out nothing.
    session.sign_out().await.expect("signed out");
    assert!(store.get().is_none());
    let mut revoked = GetTokensFromRefreshTokenRequest::new(&rotated, &client_id);
    revoked.client_secret = Some(secret.clone());
    assert!(app.get_tokens_from_refresh_token(revoked).await.is_err());
    assert!(provider.credentials().await.is_err());

    // Someone else signs in on the same session and provider: another identity.
    session
        .sign_in("bob", PASSWORD)
        .await
        .expect("bob signs in");
    provider.credentials().await.expect("bob's credentials");
    let bob = provider.identity_id().await.unwrap();
    assert_ne!(bob, alice);

    // Alice again: her identity comes back.
    session.sign_out().await.unwrap();
    session.sign_in("alice", PASSWORD).await.unwrap();
    provider.credentials().await.unwrap();
    assert_eq!(provider.identity_id().await.unwrap(), alice);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_flow_new_password_restore_and_refusals() {
    let running = emulator().await;
    let admin = user_pools(&running, true);
    let (pool_id, client_id, _) = pool(&admin, false, false).await;

    // An administrator makes carol with a temporary password: she must choose her own.
    let mut create = AdminCreateUserRequest::new(&pool_id, "carol");
    create.temporary_password = Some("Temp0rary!".into());
    create.message_action = Some(MessageActionType::Suppress);
    admin
        .admin_create_user(create)
        .await
        .expect("AdminCreateUser");
    let session = builder(&running, &pool_id, &client_id, None)
        .auth_flow(AuthFlow::UserPassword)
        .on_new_password_required(|challenge| async move {
            assert_eq!(challenge.username, "carol");
            Ok::<_, std::io::Error>(NewPassword::new("N3w-Passw0rd!"))
        })
        .build()
        .unwrap();
    session
        .sign_in("carol", "Temp0rary!")
        .await
        .expect("signed in with a new password");
    session.sign_out().await.unwrap();
    // The new password is hers now, by SRP too.
    let srp = builder(&running, &pool_id, &client_id, None)
        .build()
        .unwrap();
    srp.sign_in("carol", "N3w-Passw0rd!")
        .await
        .expect("SRP with the new password");

    // Refresh without rotation keeps the refresh token; a restore in a new session works.
    let before = srp.tokens().await.unwrap();
    let after = srp.refresh().await.unwrap();
    assert_eq!(after.refresh_token(), before.refresh_token());
    let store = Arc::new(InMemorySessionStore::new());
    let first = session_with_store(&running, &pool_id, &client_id, &store);
    first.sign_in("carol", "N3w-Passw0rd!").await.unwrap();
    let second = session_with_store(&running, &pool_id, &client_id, &store);
    assert!(second.restore().await.unwrap());
    second
        .tokens()
        .await
        .expect("tokens from the stored refresh token");

    // An administrator signs carol out everywhere: the next refresh is refused and signs out.
    admin
        .admin_user_global_sign_out(AdminUserGlobalSignOutRequest::new(&pool_id, "carol"))
        .await
        .expect("AdminUserGlobalSignOut");
    let error = second.refresh().await.unwrap_err();
    assert!(error.is_not_authorized(), "{error:?}");
    assert!(matches!(
        second.tokens().await,
        Err(UserPoolError::NotSignedIn)
    ));
    assert!(store.get().is_none());

    // A disabled user gets the typed error.
    admin
        .admin_disable_user(AdminDisableUserRequest::new(&pool_id, "carol"))
        .await
        .expect("AdminDisableUser");
    let _ = srp.sign_out().await; // its tokens were revoked with the rest
    let error = srp.sign_in("carol", "N3w-Passw0rd!").await.unwrap_err();
    assert!(
        matches!(error, UserPoolError::UserDisabled { .. }),
        "{error:?}"
    );

    // A wrong password.
    admin
        .admin_enable_user(AdminEnableUserRequest::new(&pool_id, "carol"))
        .await
        .unwrap();
    let error = srp.sign_in("carol", "wrong").await.unwrap_err();
    assert!(
        matches!(error, UserPoolError::NotAuthorized { .. }),
        "{error:?}"
    );
}

fn session_with_store(
    running: &Running,
    pool_id: &str,
    client_id: &str,
    store: &Arc<InMemorySessionStore>,
) -> UserPoolSession<Client> {
    builder(running, pool_id, client_id, None)
        .store(Arc::clone(store))
        .build()
        .unwrap()
}

/// Starts the emulator on the database in `data_dir`, its clock `offset_secs` ahead.
async fn emulator_at(data_dir: &std::path::Path, offset_secs: i64) -> Running {
    start(
        Options {
            log_level: Level::Off,
            data_dir: Some(data_dir.to_path_buf()),
            clock_offset_secs: offset_secs,
            fixed_code: Some(CODE.into()),
            ..Options::default()
        },
        false,
    )
    .await
    .expect("the emulator starts on the data directory")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_refresh_token_is_refused_and_the_provider_says_so() {
    // The shortest refresh-token life a client may have: 60 minutes.
    const VALIDITY_SECS: i64 = 3600;
    let data_dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("refresh-expiry-state");
    let _ = std::fs::remove_dir_all(&data_dir);

    let running = emulator_at(&data_dir, 0).await;
    let admin = user_pools(&running, true);
    let pool_id = admin
        .create_user_pool(CreateUserPoolRequest::new("short"))
        .await
        .expect("CreateUserPool")
        .user_pool
        .and_then(|p| p.id)
        .expect("a pool id");
    let mut input = CreateUserPoolClientRequest::new(&pool_id, "short");
    input.explicit_auth_flows = Some(vec![
        ExplicitAuthFlowsType::AllowUserSrpAuth,
        ExplicitAuthFlowsType::AllowRefreshTokenAuth,
    ]);
    input.refresh_token_validity = Some(60);
    input.token_validity_units = refresh_in_minutes();
    let client_id = admin
        .create_user_pool_client(input)
        .await
        .expect("CreateUserPoolClient")
        .user_pool_client
        .and_then(|c| c.client_id)
        .expect("a client id");
    // One minute less is refused: 60 minutes is the floor.
    let mut shorter = CreateUserPoolClientRequest::new(&pool_id, "shorter");
    shorter.refresh_token_validity = Some(59);
    shorter.token_validity_units = refresh_in_minutes();
    let error = admin.create_user_pool_client(shorter).await.unwrap_err();
    assert_eq!(error.code(), Some("InvalidParameterException"), "{error:?}");
    let identity_pool_id = identity_pool(&identity(&running), &pool_id, &client_id).await;
    let app = user_pools(&running, false);
    sign_up(&app, &client_id, None, "dora").await;

    let store = Arc::new(InMemorySessionStore::new());
    let session = session_with_store(&running, &pool_id, &client_id, &store);
    session.sign_in("dora", PASSWORD).await.expect("signed in");
    running.shutdown().await.expect("the emulator stops");

    // The app comes back a minute before the refresh token runs out: the kept token works.
    let running = emulator_at(&data_dir, VALIDITY_SECS - 60).await;
    let session = session_with_store(&running, &pool_id, &client_id, &store);
    assert!(session.restore().await.unwrap());
    session
        .refresh()
        .await
        .expect("refreshed before the expiry");
    running.shutdown().await.expect("the emulator stops");

    // A minute after: the pool refuses it as expired, the session signs out and forgets it.
    let running = emulator_at(&data_dir, VALIDITY_SECS + 60).await;
    let kept = store.get().expect("the refresh token is still kept");
    let session = session_with_store(&running, &pool_id, &client_id, &store);
    assert!(session.restore().await.unwrap());
    let error = session.refresh().await.unwrap_err();
    assert_expired(&error);
    assert!(store.get().is_none(), "the refused token is forgotten");
    assert!(matches!(
        session.tokens().await,
        Err(UserPoolError::NotSignedIn)
    ));

    // The provider fed by such a session hands out no credentials and says why.
    store.save(&kept).await.unwrap();
    let session = session_with_store(&running, &pool_id, &client_id, &store);
    assert!(session.restore().await.unwrap());
    let provider = CognitoCredentialsProvider::builder(identity(&running), &identity_pool_id)
        .logins_provider(session.clone())
        .build();
    let error = provider.credentials().await.unwrap_err();
    assert!(
        matches!(error, CognitoCredentialsError::Logins(_)),
        "{error:?}"
    );
    let cause = std::error::Error::source(&error)
        .and_then(|e| e.downcast_ref::<UserPoolError>())
        .unwrap_or_else(|| panic!("the session's error is the cause: {error:?}"));
    assert_expired(cause);
    assert!(
        error.to_string().contains("Refresh Token has expired"),
        "{error}"
    );
    running.shutdown().await.expect("the emulator stops");
    let _ = std::fs::remove_dir_all(&data_dir);
}

/// Refresh-token validity counted in minutes.
fn refresh_in_minutes() -> Option<TokenValidityUnitsType> {
    Some(TokenValidityUnitsType {
        refresh_token: Some(TimeUnitsType::Minutes),
        ..TokenValidityUnitsType::default()
    })
}

fn assert_expired(error: &UserPoolError) {
    match error {
        UserPoolError::NotAuthorized { operation, message } => {
            assert_eq!(*operation, "GetTokensFromRefreshToken");
            assert_eq!(message.as_deref(), Some("Refresh Token has expired"));
        }
        other => panic!("expected NotAuthorized for an expired refresh token: {other:?}"),
    }
}
