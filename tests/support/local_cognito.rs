//! The local Cognito (`cognito-identity-local`) as the tests that sign in to it set it up:
//! clients of both services pointed at a running emulator, a user with a permanent password,
//! and an identity pool that takes a user pool's ID tokens.
//!
//! Test files of any crate whose tests depend on `cognito-identity`,
//! `cognito-identity-provider` and `cognito-identity-local` include it with
//! `#[path = "<to the workspace>/tests/support/local_cognito.rs"] mod local_cognito;`.

#![allow(dead_code)] // Each test file uses the part it needs.

use std::collections::HashMap;

use cognito_identity::runtime::auth::credentials::Credentials;
use cognito_identity::types as ci;
use cognito_identity_local::Running;
use cognito_identity_provider::types::{
    AdminCreateUserRequest, AdminSetUserPasswordRequest, MessageActionType,
};

/// The keys the tests' administrators sign with (the emulator checks the signature's form,
/// not the keys).
pub fn admin_keys() -> Credentials {
    Credentials::new("AKIDLOCAL", "secret", None, None, "test")
}

/// A user-pool client of `running`: signed with [`admin_keys`] when `admin`, else unsigned as
/// an app's (the sign-in operations take no signature).
pub fn user_pools(running: &Running, admin: bool) -> cognito_identity_provider::Client {
    let mut config = cognito_identity_provider::Config::builder()
        .region("us-east-1")
        .endpoint_url(running.url());
    if admin {
        config = config.credentials(admin_keys());
    }
    cognito_identity_provider::Client::new(config.build())
}

/// A Cognito Identity client of `running`, signed with [`admin_keys`].
pub fn identity(running: &Running) -> cognito_identity::Client {
    cognito_identity::Client::new(
        cognito_identity::Config::builder()
            .region("us-east-1")
            .endpoint_url(running.url())
            .credentials(admin_keys())
            .build(),
    )
}

/// Creates `username` in `pool_id` with `password` as its permanent password, sending no
/// message, as an administrator does for a user who signs in at once.
pub async fn user_with_password(
    admin: &cognito_identity_provider::Client,
    pool_id: &str,
    username: &str,
    password: &str,
) {
    let mut create = AdminCreateUserRequest::new(pool_id, username);
    create.message_action = Some(MessageActionType::Suppress);
    admin
        .admin_create_user(create)
        .await
        .expect("AdminCreateUser");
    let mut set = AdminSetUserPasswordRequest::new(pool_id, username, password);
    set.permanent = Some(true);
    admin
        .admin_set_user_password(set)
        .await
        .expect("AdminSetUserPassword");
}

/// Creates an identity pool named `name` that takes the ID tokens `client_id` of `pool_id`
/// is issued, with `authenticated_role` for its signed-in users; returns its id.
pub async fn identity_pool_for(
    ids: &cognito_identity::Client,
    name: &str,
    pool_id: &str,
    client_id: &str,
    authenticated_role: &str,
) -> String {
    let mut create = ci::CreateIdentityPoolInput::new(name, false);
    create.cognito_identity_providers = Some(vec![ci::CognitoIdentityProvider {
        provider_name: Some(format!("cognito-idp.us-east-1.amazonaws.com/{pool_id}")),
        client_id: Some(client_id.to_owned()),
        server_side_token_check: None,
    }]);
    let id = ids
        .create_identity_pool(create)
        .await
        .expect("CreateIdentityPool")
        .identity_pool_id;
    ids.set_identity_pool_roles(ci::SetIdentityPoolRolesInput::new(
        &id,
        HashMap::from([("authenticated".to_owned(), authenticated_role.to_owned())]),
    ))
    .await
    .expect("SetIdentityPoolRoles");
    id
}
