//! The user pools (`cognito-idp`) over real HTTP with the generated `cognito-identity-provider`
//! client: pools and app clients, sign-up and confirmation, the password, admin, refresh and
//! sign-out flows, groups in tokens, the errors users meet, the tokens against the pool's
//! JWKS, the local endpoints, the seed, and the identity side accepting the pool's ID tokens.

mod support;

use std::collections::HashMap;

use aws_json_runtime::auth::credentials::Credentials;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use cognito_identity_local::{start, Level, Options, Running};
use cognito_identity_provider::types::*;
use cognito_identity_provider::{Client, Config, Error};
use serde_json::{json, Value};

const PASSWORD: &str = "Passw0rd!";

async fn emulator(options: Options) -> (Running, Client) {
    let running = start(
        Options {
            log_level: Level::Off,
            fixed_code: Some("123456".into()),
            ..options
        },
        false,
    )
    .await
    .expect("the emulator starts");
    let client = Client::new(config(running.url()));
    (running, client)
}

fn config(url: &str) -> Config {
    Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "test",
        ))
        .build()
}

/// The code and message of a failed call.
fn fault<T: std::fmt::Debug, E: Into<Error>>(r: Result<T, E>) -> (String, String) {
    let e: Error = r.expect_err("the call fails").into();
    (
        e.code().unwrap_or_default().to_owned(),
        e.message().unwrap_or_default().to_owned(),
    )
}

/// A plain HTTP request on a blocking thread (the emulator runs on this test's thread).
async fn http(addr: std::net::SocketAddr, method: &'static str, path: &str) -> (u16, Value) {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || support::http(addr, method, &path))
        .await
        .expect("the request thread")
}

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON")
}

fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A pool with an app client that allows every flow the emulator has; returns both ids.
async fn pool_and_client(
    c: &Client,
    configure: impl FnOnce(&mut CreateUserPoolClientRequest),
) -> (String, String) {
    let pool = c
        .create_user_pool(CreateUserPoolRequest::new("app"))
        .await
        .expect("CreateUserPool")
        .user_pool
        .expect("a pool");
    let pool_id = pool.id.expect("an id");
    let mut input = CreateUserPoolClientRequest::new(pool_id.clone(), "web");
    input.explicit_auth_flows = Some(vec![
        ExplicitAuthFlowsType::AllowUserPasswordAuth,
        ExplicitAuthFlowsType::AllowAdminUserPasswordAuth,
        ExplicitAuthFlowsType::AllowUserSrpAuth,
        ExplicitAuthFlowsType::AllowRefreshTokenAuth,
    ]);
    configure(&mut input);
    let client = c
        .create_user_pool_client(input)
        .await
        .expect("CreateUserPoolClient")
        .user_pool_client
        .expect("a client");
    (pool_id, client.client_id.expect("a client id"))
}

/// A confirmed user with [`PASSWORD`].
async fn confirmed_user(c: &Client, pool_id: &str, username: &str, attributes: &[(&str, &str)]) {
    let mut create = AdminCreateUserRequest::new(pool_id, username);
    create.user_attributes = Some(
        attributes
            .iter()
            .map(|(k, v)| AttributeType {
                name: (*k).into(),
                value: Some((*v).into()),
            })
            .collect(),
    );
    create.message_action = Some(MessageActionType::Suppress);
    c.admin_create_user(create).await.expect("AdminCreateUser");
    let mut set = AdminSetUserPasswordRequest::new(pool_id, username, PASSWORD);
    set.permanent = Some(true);
    c.admin_set_user_password(set)
        .await
        .expect("AdminSetUserPassword");
}

async fn password_sign_in(
    c: &Client,
    client_id: &str,
    username: &str,
    password: &str,
) -> Result<InitiateAuthResponse, Error> {
    let mut input = InitiateAuthRequest::new(AuthFlowType::UserPasswordAuth, client_id);
    input.auth_parameters = Some(params(&[("USERNAME", username), ("PASSWORD", password)]));
    c.initiate_auth(input).await.map_err(Into::into)
}

async fn tokens(c: &Client, client_id: &str, username: &str) -> AuthenticationResultType {
    password_sign_in(c, client_id, username, PASSWORD)
        .await
        .expect("InitiateAuth")
        .authentication_result
        .expect("tokens")
}

#[tokio::test]
async fn pools_and_app_clients_are_created_listed_updated_and_deleted() {
    let (running, c) = emulator(Options::default()).await;
    let mut ids = Vec::new();
    for name in ["one", "two", "three"] {
        let pool = c
            .create_user_pool(CreateUserPoolRequest::new(name))
            .await
            .unwrap()
            .user_pool
            .unwrap();
        let id = pool.id.clone().unwrap();
        let (region, suffix) = id.split_once('_').unwrap();
        assert_eq!(region, "us-east-1");
        assert_eq!(suffix.len(), 9);
        assert!(suffix.chars().all(|ch| ch.is_ascii_alphanumeric()));
        assert_eq!(
            pool.arn.as_deref(),
            Some(format!("arn:aws:cognito-idp:us-east-1:123456789012:userpool/{id}").as_str())
        );
        let policy = pool.policies.unwrap().password_policy.unwrap();
        assert_eq!(policy.minimum_length, Some(8));
        ids.push(id);
    }
    // Pages of two.
    let first = c
        .list_user_pools(ListUserPoolsRequest::new(2))
        .await
        .unwrap();
    assert_eq!(first.user_pools.as_ref().unwrap().len(), 2);
    let mut next = ListUserPoolsRequest::new(2);
    next.next_token = first.next_token.clone();
    let second = c.list_user_pools(next).await.unwrap();
    let names: Vec<_> = first
        .user_pools
        .unwrap()
        .into_iter()
        .chain(second.user_pools.unwrap())
        .filter_map(|p| p.name)
        .collect();
    assert_eq!(names, ["one", "two", "three"]);
    assert_eq!(second.next_token, None);

    let mut update = UpdateUserPoolRequest::new(&ids[0]);
    update.deletion_protection = Some(DeletionProtectionType::Active);
    c.update_user_pool(update).await.unwrap();
    let described = c
        .describe_user_pool(DescribeUserPoolRequest::new(&ids[0]))
        .await
        .unwrap()
        .user_pool
        .unwrap();
    assert_eq!(described.name.as_deref(), Some("one"));
    assert_eq!(
        described.deletion_protection,
        Some(DeletionProtectionType::Active)
    );
    let (code, message) = fault(
        c.delete_user_pool(DeleteUserPoolRequest::new(&ids[0]))
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert!(message.contains("deletion protection"), "{message}");

    // App clients: a secret when asked, defaults, pages, updates.
    let mut input = CreateUserPoolClientRequest::new(&ids[1], "server");
    input.generate_secret = Some(true);
    input.access_token_validity = Some(5);
    input.token_validity_units = Some(TokenValidityUnitsType {
        access_token: Some(TimeUnitsType::Minutes),
        ..Default::default()
    });
    let client = c
        .create_user_pool_client(input)
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(client.client_secret.as_ref().map(String::len), Some(51));
    assert_eq!(client.client_id.as_ref().map(String::len), Some(26));
    assert_eq!(client.enable_token_revocation, Some(true));
    let client_id = client.client_id.clone().unwrap();
    c.create_user_pool_client(CreateUserPoolClientRequest::new(&ids[1], "mobile"))
        .await
        .unwrap();
    let mut list = ListUserPoolClientsRequest::new(&ids[1]);
    list.max_results = Some(1);
    let page = c.list_user_pool_clients(list).await.unwrap();
    assert_eq!(page.user_pool_clients.unwrap().len(), 1);
    assert!(page.next_token.is_some());
    let mut update = UpdateUserPoolClientRequest::new(&ids[1], &client_id);
    update.client_name = Some("renamed".into());
    update.prevent_user_existence_errors = Some(PreventUserExistenceErrorTypes::Enabled);
    let updated = c
        .update_user_pool_client(update)
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(updated.client_name.as_deref(), Some("renamed"));
    assert_eq!(updated.client_secret, client.client_secret);
    let described = c
        .describe_user_pool_client(DescribeUserPoolClientRequest::new(&ids[1], &client_id))
        .await
        .unwrap();
    assert_eq!(
        described
            .user_pool_client
            .unwrap()
            .prevent_user_existence_errors,
        Some(PreventUserExistenceErrorTypes::Enabled)
    );

    // Validity out of range, unknown ids, deletion.
    let mut bad = CreateUserPoolClientRequest::new(&ids[1], "bad");
    bad.access_token_validity = Some(2);
    bad.token_validity_units = Some(TokenValidityUnitsType {
        access_token: Some(TimeUnitsType::Days),
        ..Default::default()
    });
    assert_eq!(
        fault(c.create_user_pool_client(bad).await).0,
        "InvalidParameterException"
    );
    let cases = [
        (
            fault(
                c.describe_user_pool(DescribeUserPoolRequest::new("us-east-1_nothere00"))
                    .await,
            ),
            "User pool us-east-1_nothere00 does not exist.",
        ),
        (
            fault(
                c.describe_user_pool_client(DescribeUserPoolClientRequest::new(&ids[1], "nothere"))
                    .await,
            ),
            "User pool client nothere does not exist.",
        ),
    ];
    for ((code, message), expected) in cases {
        assert_eq!(code, "ResourceNotFoundException");
        assert_eq!(message, expected);
    }
    c.delete_user_pool_client(DeleteUserPoolClientRequest::new(&ids[1], &client_id))
        .await
        .unwrap();
    c.delete_user_pool(DeleteUserPoolRequest::new(&ids[2]))
        .await
        .unwrap();
    assert_eq!(
        fault(
            c.describe_user_pool(DescribeUserPoolRequest::new(&ids[2]))
                .await
        )
        .0,
        "ResourceNotFoundException"
    );

    // An operation left out names itself.
    let (code, message) = fault(
        c.set_user_pool_mfa_config(SetUserPoolMfaConfigRequest::new(&ids[1]))
            .await,
    );
    assert_eq!(code, "UnsupportedOperationException");
    assert!(message.contains("SetUserPoolMfaConfig"), "{message}");
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn sign_up_confirm_sign_in_and_the_self_service_operations() {
    let (running, c) = emulator(Options::default()).await;
    let (pool_id, client_id) = pool_and_client(&c, |_| {}).await;
    let addr = running.local_addr();

    let mut sign_up = SignUpRequest::new(&client_id, "alice");
    sign_up.password = Some(PASSWORD.into());
    sign_up.user_attributes = Some(vec![AttributeType {
        name: "email".into(),
        value: Some("alice@example.com".into()),
    }]);
    let signed = c.sign_up(sign_up.clone()).await.expect("SignUp");
    assert!(!signed.user_confirmed);
    assert_eq!(signed.user_sub.len(), 36);
    assert_eq!(
        signed.code_delivery_details.unwrap().destination.as_deref(),
        Some("a***@e***")
    );
    assert_eq!(
        fault(c.sign_up(sign_up).await),
        (
            "UsernameExistsException".into(),
            "User already exists".into()
        )
    );

    let (code, message) = fault(password_sign_in(&c, &client_id, "alice", PASSWORD).await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("UserNotConfirmedException", "User is not confirmed.")
    );

    // The code is in the local endpoint (and fixed by --fixed-code).
    let (status, codes) = http(
        addr,
        "GET",
        &format!("/_local/codes?pool={pool_id}&username=alice"),
    )
    .await;
    assert_eq!(status, 200, "{codes}");
    assert_eq!(codes["Codes"][0]["Code"], "123456");
    assert_eq!(codes["Codes"][0]["Purpose"], "CONFIRM_SIGN_UP");
    let (code, message) = fault(
        c.confirm_sign_up(ConfirmSignUpRequest::new(&client_id, "alice", "654321"))
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "CodeMismatchException",
            "Invalid verification code provided, please try again."
        )
    );
    c.confirm_sign_up(ConfirmSignUpRequest::new(&client_id, "alice", "123456"))
        .await
        .expect("ConfirmSignUp");

    let result = tokens(&c, &client_id, "alice").await;
    assert_eq!(result.token_type.as_deref(), Some("Bearer"));
    assert_eq!(result.expires_in, Some(3600));
    let access = result.access_token.unwrap();
    let user = c
        .get_user(GetUserRequest::new(&access))
        .await
        .expect("GetUser");
    assert_eq!(user.username, "alice");
    let attr = |list: &[AttributeType], name: &str| {
        list.iter()
            .find(|a| a.name == name)
            .and_then(|a| a.value.clone())
    };
    assert_eq!(
        attr(&user.user_attributes, "email_verified").as_deref(),
        Some("true")
    );

    c.update_user_attributes(UpdateUserAttributesRequest::new(
        vec![AttributeType {
            name: "given_name".into(),
            value: Some("Alice".into()),
        }],
        &access,
    ))
    .await
    .expect("UpdateUserAttributes");
    let (code, message) = fault(
        c.update_user_attributes(UpdateUserAttributesRequest::new(
            vec![AttributeType {
                name: "custom:team".into(),
                value: Some("x".into()),
            }],
            &access,
        ))
        .await,
    );
    assert_eq!(code, "InvalidParameterException");
    assert!(
        message.contains("custom:team: Attribute does not exist in the schema."),
        "{message}"
    );

    // Change the password; the old one stops working.
    let mut change = ChangePasswordRequest::new("N3w-Passw0rd", &access);
    change.previous_password = Some("wrong".into());
    assert_eq!(
        fault(c.change_password(change.clone()).await).1,
        "Incorrect username or password."
    );
    change.previous_password = Some(PASSWORD.into());
    c.change_password(change).await.expect("ChangePassword");
    assert_eq!(
        fault(password_sign_in(&c, &client_id, "alice", PASSWORD).await).1,
        "Incorrect username or password."
    );
    password_sign_in(&c, &client_id, "alice", "N3w-Passw0rd")
        .await
        .expect("the new password");

    // Forgot the password: a reset code, then a new one.
    let sent = c
        .forgot_password(ForgotPasswordRequest::new(&client_id, "alice"))
        .await
        .expect("ForgotPassword");
    assert_eq!(
        sent.code_delivery_details
            .unwrap()
            .attribute_name
            .as_deref(),
        Some("email")
    );
    let (code, message) = fault(
        c.confirm_forgot_password(ConfirmForgotPasswordRequest::new(
            &client_id, "alice", "123456", "short",
        ))
        .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "InvalidPasswordException",
            "Password did not conform with policy: Password not long enough"
        )
    );
    // The code was used up by nothing: the policy failed after the code matched, in one
    // transaction that rolled back.
    c.confirm_forgot_password(ConfirmForgotPasswordRequest::new(
        &client_id, "alice", "123456", PASSWORD,
    ))
    .await
    .expect("ConfirmForgotPassword");
    let (code, _) = fault(
        c.confirm_forgot_password(ConfirmForgotPasswordRequest::new(
            &client_id, "alice", "123456", PASSWORD,
        ))
        .await,
    );
    assert_eq!(code, "ExpiredCodeException");
    let fresh = tokens(&c, &client_id, "alice").await;

    c.delete_user(DeleteUserRequest::new(fresh.access_token.clone().unwrap()))
        .await
        .expect("DeleteUser");
    assert_eq!(
        fault(
            c.get_user(GetUserRequest::new(fresh.access_token.unwrap()))
                .await
        )
        .0,
        "NotAuthorizedException"
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_errors_users_meet_carry_cognitos_codes_and_messages() {
    let (running, c) = emulator(Options::default()).await;
    let (pool_id, client_id) = pool_and_client(&c, |_| {}).await;
    let (_, hiding) = {
        let mut input = CreateUserPoolClientRequest::new(&pool_id, "hiding");
        input.explicit_auth_flows = Some(vec![ExplicitAuthFlowsType::AllowUserPasswordAuth]);
        input.prevent_user_existence_errors = Some(PreventUserExistenceErrorTypes::Enabled);
        let cl = c
            .create_user_pool_client(input)
            .await
            .unwrap()
            .user_pool_client
            .unwrap();
        (pool_id.clone(), cl.client_id.unwrap())
    };
    let srp_only = c
        .create_user_pool_client(CreateUserPoolClientRequest::new(&pool_id, "srp-only"))
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    confirmed_user(&c, &pool_id, "bob", &[]).await;
    confirmed_user(&c, &pool_id, "carol", &[]).await;
    c.admin_disable_user(AdminDisableUserRequest::new(&pool_id, "carol"))
        .await
        .unwrap();
    confirmed_user(&c, &pool_id, "dave", &[("email", "dave@example.com")]).await;
    c.admin_reset_user_password(AdminResetUserPasswordRequest::new(&pool_id, "dave"))
        .await
        .unwrap();

    let cases: [(&str, &str, &str, &str, &str); 6] = [
        (
            &client_id,
            "bob",
            "wrong",
            "NotAuthorizedException",
            "Incorrect username or password.",
        ),
        (
            &client_id,
            "nobody",
            PASSWORD,
            "UserNotFoundException",
            "User does not exist.",
        ),
        (
            &hiding,
            "nobody",
            PASSWORD,
            "NotAuthorizedException",
            "Incorrect username or password.",
        ),
        (
            &client_id,
            "carol",
            PASSWORD,
            "NotAuthorizedException",
            "User is disabled.",
        ),
        (
            &client_id,
            "dave",
            PASSWORD,
            "PasswordResetRequiredException",
            "Password reset required for the user",
        ),
        (
            &srp_only,
            "bob",
            PASSWORD,
            "InvalidParameterException",
            "USER_PASSWORD_AUTH flow not enabled for this client",
        ),
    ];
    for (client, user, password, code, message) in cases {
        let got = fault(password_sign_in(&c, client, user, password).await);
        assert_eq!(
            got,
            (code.to_owned(), message.to_owned()),
            "{user} through {client}"
        );
    }

    // The password policy, rule by rule.
    let policy_cases = [
        ("Sh0rt!", "Password not long enough"),
        ("nouppercase1!", "Password must have uppercase characters"),
        ("NOLOWERCASE1!", "Password must have lowercase characters"),
        ("NoNumbers!!", "Password must have numeric characters"),
        ("NoSymbols11", "Password must have symbol characters"),
    ];
    for (password, why) in policy_cases {
        let mut input = SignUpRequest::new(&client_id, format!("user-{password}"));
        input.password = Some(password.into());
        let got = fault(c.sign_up(input).await);
        assert_eq!(
            got,
            (
                "InvalidPasswordException".to_owned(),
                format!("Password did not conform with policy: {why}")
            )
        );
    }
    // The admin flow on a client that does not allow it; a malformed request.
    let mut admin =
        AdminInitiateAuthRequest::new(&pool_id, &srp_only, AuthFlowType::AdminUserPasswordAuth);
    admin.auth_parameters = Some(params(&[("USERNAME", "bob"), ("PASSWORD", PASSWORD)]));
    assert_eq!(
        fault(c.admin_initiate_auth(admin).await).1,
        "ADMIN_USER_PASSWORD_AUTH flow not enabled for this client"
    );
    let mut missing = InitiateAuthRequest::new(AuthFlowType::UserPasswordAuth, &client_id);
    missing.auth_parameters = Some(params(&[("USERNAME", "bob")]));
    assert_eq!(
        fault(c.initiate_auth(missing).await),
        (
            "InvalidParameterException".into(),
            "Missing required parameter PASSWORD".into()
        )
    );
    let mut custom = InitiateAuthRequest::new(AuthFlowType::CustomAuth, &srp_only);
    custom.auth_parameters = Some(params(&[("USERNAME", "bob")]));
    assert_eq!(
        fault(c.initiate_auth(custom).await).0,
        "InvalidParameterException"
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn admin_created_users_set_a_new_password_through_the_challenge() {
    let (running, c) = emulator(Options::default()).await;
    let (pool_id, client_id) = pool_and_client(&c, |_| {}).await;
    let mut create = AdminCreateUserRequest::new(&pool_id, "erin");
    create.temporary_password = Some("Temp-Passw0rd".into());
    create.user_attributes = Some(vec![AttributeType {
        name: "email".into(),
        value: Some("erin@example.com".into()),
    }]);
    let user = c
        .admin_create_user(create.clone())
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(user.user_status, Some(UserStatusType::ForceChangePassword));
    assert_eq!(
        fault(c.admin_create_user(create).await),
        (
            "UsernameExistsException".into(),
            "User account already exists".into()
        )
    );

    let mut input =
        AdminInitiateAuthRequest::new(&pool_id, &client_id, AuthFlowType::AdminUserPasswordAuth);
    input.auth_parameters = Some(params(&[
        ("USERNAME", "erin"),
        ("PASSWORD", "Temp-Passw0rd"),
    ]));
    let started = c
        .admin_initiate_auth(input)
        .await
        .expect("AdminInitiateAuth");
    assert_eq!(
        started.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    let parameters = started.challenge_parameters.unwrap();
    assert_eq!(parameters["USER_ID_FOR_SRP"], "erin");
    let attributes: Value = serde_json::from_str(&parameters["userAttributes"]).unwrap();
    assert_eq!(attributes["email"], "erin@example.com");
    let mut respond = AdminRespondToAuthChallengeRequest::new(
        &pool_id,
        &client_id,
        ChallengeNameType::NewPasswordRequired,
    );
    respond.session = started.session.clone();
    respond.challenge_responses = Some(params(&[("USERNAME", "erin"), ("NEW_PASSWORD", PASSWORD)]));
    let done = c
        .admin_respond_to_auth_challenge(respond.clone())
        .await
        .expect("AdminRespondToAuthChallenge");
    assert!(done.authentication_result.unwrap().id_token.is_some());
    // A session answers once.
    assert_eq!(
        fault(c.admin_respond_to_auth_challenge(respond).await),
        (
            "NotAuthorizedException".into(),
            "Invalid session for the user, session is expired.".into()
        )
    );
    // ADMIN_NO_SRP_AUTH is the older name of the same flow.
    let mut input =
        AdminInitiateAuthRequest::new(&pool_id, &client_id, AuthFlowType::AdminNoSrpAuth);
    input.auth_parameters = Some(params(&[("USERNAME", "erin"), ("PASSWORD", PASSWORD)]));
    assert!(c
        .admin_initiate_auth(input)
        .await
        .unwrap()
        .authentication_result
        .is_some());
    let got = c
        .admin_get_user(AdminGetUserRequest::new(&pool_id, "erin"))
        .await
        .unwrap();
    assert_eq!(got.user_status, Some(UserStatusType::Confirmed));

    // Not permanent: the user must choose a password again, through the client-side respond.
    c.admin_set_user_password(AdminSetUserPasswordRequest::new(
        &pool_id,
        "erin",
        "Other-Passw0rd",
    ))
    .await
    .unwrap();
    let started = password_sign_in(&c, &client_id, "erin", "Other-Passw0rd")
        .await
        .unwrap();
    assert_eq!(
        started.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    let mut respond =
        RespondToAuthChallengeRequest::new(&client_id, ChallengeNameType::NewPasswordRequired);
    respond.session = started.session;
    respond.challenge_responses = Some(params(&[("USERNAME", "erin"), ("NEW_PASSWORD", "weak")]));
    assert_eq!(
        fault(c.respond_to_auth_challenge(respond).await).0,
        "InvalidPasswordException"
    );

    // Attributes, disable and enable, confirm, delete.
    c.admin_update_user_attributes(AdminUpdateUserAttributesRequest::new(
        &pool_id,
        "erin",
        vec![AttributeType {
            name: "family_name".into(),
            value: Some("Smith".into()),
        }],
    ))
    .await
    .unwrap();
    let got = c
        .admin_get_user(AdminGetUserRequest::new(&pool_id, "erin"))
        .await
        .unwrap();
    assert!(got
        .user_attributes
        .unwrap()
        .iter()
        .any(|a| a.name == "family_name"));
    c.admin_disable_user(AdminDisableUserRequest::new(&pool_id, "erin"))
        .await
        .unwrap();
    assert_eq!(
        c.admin_get_user(AdminGetUserRequest::new(&pool_id, "erin"))
            .await
            .unwrap()
            .enabled,
        Some(false)
    );
    c.admin_enable_user(AdminEnableUserRequest::new(&pool_id, "erin"))
        .await
        .unwrap();
    let mut sign_up = SignUpRequest::new(&client_id, "frank");
    sign_up.password = Some(PASSWORD.into());
    c.sign_up(sign_up).await.unwrap();
    c.admin_confirm_sign_up(AdminConfirmSignUpRequest::new(&pool_id, "frank"))
        .await
        .unwrap();
    tokens(&c, &client_id, "frank").await;
    assert_eq!(
        fault(
            c.admin_confirm_sign_up(AdminConfirmSignUpRequest::new(&pool_id, "frank"))
                .await
        )
        .1,
        "User cannot be confirmed. Current status is CONFIRMED"
    );
    c.admin_delete_user(AdminDeleteUserRequest::new(&pool_id, "frank"))
        .await
        .unwrap();
    assert_eq!(
        fault(
            c.admin_get_user(AdminGetUserRequest::new(&pool_id, "frank"))
                .await
        )
        .0,
        "UserNotFoundException"
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn list_users_filters_and_pages() {
    let (running, c) = emulator(Options::default()).await;
    let (pool_id, _) = pool_and_client(&c, |_| {}).await;
    for (name, email) in [
        ("amy", "amy@example.com"),
        ("andy", "andy@example.org"),
        ("bea", "bea@example.com"),
    ] {
        confirmed_user(&c, &pool_id, name, &[("email", email)]).await;
    }
    c.admin_disable_user(AdminDisableUserRequest::new(&pool_id, "bea"))
        .await
        .unwrap();
    let cases: [(&str, &[&str]); 6] = [
        ("", &["amy", "andy", "bea"]),
        (r#"username = "amy""#, &["amy"]),
        (r#"username ^= "a""#, &["amy", "andy"]),
        (r#"email ^= "bea@""#, &["bea"]),
        (r#"status = "Disabled""#, &["bea"]),
        (
            r#"cognito:user_status = "CONFIRMED""#,
            &["amy", "andy", "bea"],
        ),
    ];
    for (filter, expected) in cases {
        let mut input = ListUsersRequest::new(&pool_id);
        input.filter = Some(filter.into());
        let users = c.list_users(input).await.unwrap().users.unwrap();
        let names: Vec<_> = users.iter().filter_map(|u| u.username.as_deref()).collect();
        assert_eq!(names, expected, "{filter}");
    }
    let mut paged = ListUsersRequest::new(&pool_id);
    paged.limit = Some(2);
    paged.attributes_to_get = Some(vec!["email".into()]);
    let first = c.list_users(paged.clone()).await.unwrap();
    assert_eq!(first.users.as_ref().unwrap().len(), 2);
    assert_eq!(
        first.users.as_ref().unwrap()[0]
            .attributes
            .as_ref()
            .unwrap()
            .len(),
        1
    );
    paged.pagination_token = first.pagination_token;
    let second = c.list_users(paged).await.unwrap();
    assert_eq!(second.users.unwrap().len(), 1);
    assert_eq!(second.pagination_token, None);
    for (filter, message) in [
        ("email", "Error while parsing filter."),
        (r#"custom:x = "y""#, "Invalid search attribute: custom:x"),
    ] {
        let mut input = ListUsersRequest::new(&pool_id);
        input.filter = Some(filter.into());
        assert_eq!(
            fault(c.list_users(input).await),
            ("InvalidParameterException".into(), message.into())
        );
    }
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn secret_hashes_are_required_of_clients_with_a_secret() {
    let (running, c) = emulator(Options::default()).await;
    let (pool_id, client_id) = pool_and_client(&c, |i| i.generate_secret = Some(true)).await;
    let secret = c
        .describe_user_pool_client(DescribeUserPoolClientRequest::new(&pool_id, &client_id))
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_secret
        .unwrap();
    confirmed_user(&c, &pool_id, "gus", &[]).await;
    let hash = |user: &str| {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
        STANDARD.encode(ring::hmac::sign(&key, format!("{user}{client_id}").as_bytes()).as_ref())
    };
    let attempt = |secret_hash: Option<String>| {
        let mut input = InitiateAuthRequest::new(AuthFlowType::UserPasswordAuth, &client_id);
        let mut p = params(&[("USERNAME", "gus"), ("PASSWORD", PASSWORD)]);
        if let Some(h) = secret_hash {
            p.insert("SECRET_HASH".into(), h);
        }
        input.auth_parameters = Some(p);
        c.initiate_auth(input)
    };
    assert_eq!(
        fault(attempt(None).await).1,
        format!("Client {client_id} is configured with secret but SECRET_HASH was not received")
    );
    assert_eq!(
        fault(attempt(Some(hash("someone"))).await).1,
        format!("Unable to verify secret hash for client {client_id}")
    );
    let result = attempt(Some(hash("gus")))
        .await
        .expect("with the right hash")
        .authentication_result
        .unwrap();
    // Refresh with the hash too.
    let mut refresh = InitiateAuthRequest::new(AuthFlowType::RefreshTokenAuth, &client_id);
    refresh.auth_parameters = Some(params(&[
        ("REFRESH_TOKEN", result.refresh_token.as_deref().unwrap()),
        ("SECRET_HASH", &hash("gus")),
    ]));
    c.initiate_auth(refresh)
        .await
        .expect("refresh with the hash");
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn refresh_revoke_and_sign_out() {
    let (running, c) = emulator(Options::default()).await;
    let (pool_id, client_id) = pool_and_client(&c, |_| {}).await;
    confirmed_user(&c, &pool_id, "hal", &[]).await;
    let first = tokens(&c, &client_id, "hal").await;
    let refresh_token = first.refresh_token.clone().unwrap();
    let refresh = |token: &str| {
        let mut input = InitiateAuthRequest::new(AuthFlowType::RefreshTokenAuth, &client_id);
        input.auth_parameters = Some(params(&[("REFRESH_TOKEN", token)]));
        c.initiate_auth(input)
    };
    let renewed = refresh(&refresh_token)
        .await
        .expect("refresh")
        .authentication_result
        .unwrap();
    assert_eq!(renewed.refresh_token, None);
    let (a, b) = (
        claims(first.id_token.as_deref().unwrap()),
        claims(renewed.id_token.as_deref().unwrap()),
    );
    assert_eq!(a["origin_jti"], b["origin_jti"]);
    assert_eq!(a["auth_time"], b["auth_time"]);
    assert_ne!(a["jti"], b["jti"]);
    assert_eq!(
        fault(refresh("not-a-token").await).1,
        "Invalid Refresh Token"
    );

    // RevokeToken ends that session: its refresh token and its access tokens.
    c.revoke_token(RevokeTokenRequest::new(&refresh_token, &client_id))
        .await
        .expect("RevokeToken");
    assert_eq!(
        fault(refresh(&refresh_token).await).1,
        "Refresh Token has been revoked"
    );
    assert_eq!(
        fault(
            c.get_user(GetUserRequest::new(renewed.access_token.unwrap()))
                .await
        ),
        (
            "NotAuthorizedException".into(),
            "Access Token has been revoked".into()
        )
    );

    // GlobalSignOut and AdminUserGlobalSignOut end every session of the user.
    let s1 = tokens(&c, &client_id, "hal").await;
    let s2 = tokens(&c, &client_id, "hal").await;
    c.global_sign_out(GlobalSignOutRequest::new(s1.access_token.clone().unwrap()))
        .await
        .expect("GlobalSignOut");
    for s in [&s1, &s2] {
        assert_eq!(
            fault(
                c.get_user(GetUserRequest::new(s.access_token.clone().unwrap()))
                    .await
            )
            .1,
            "Access Token has been revoked"
        );
        assert_eq!(
            fault(refresh(s.refresh_token.as_deref().unwrap()).await).1,
            "Refresh Token has been revoked"
        );
    }
    let s3 = tokens(&c, &client_id, "hal").await;
    c.get_user(GetUserRequest::new(s3.access_token.clone().unwrap()))
        .await
        .expect("a new session works");
    c.admin_user_global_sign_out(AdminUserGlobalSignOutRequest::new(&pool_id, "hal"))
        .await
        .unwrap();
    assert_eq!(
        fault(
            c.get_user(GetUserRequest::new(s3.access_token.unwrap()))
                .await
        )
        .1,
        "Access Token has been revoked"
    );
    assert_eq!(
        fault(c.get_user(GetUserRequest::new("garbage")).await).1,
        "Invalid Access Token"
    );

    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_rotating_client_refreshes_with_get_tokens_from_refresh_token_only() {
    let (running, c) = emulator(Options::default()).await;
    // Rotation on, with ALLOW_REFRESH_TOKEN_AUTH left on as well: the flow is refused anyway.
    let (pool_id, client_id) = pool_and_client(&c, |input| {
        input.refresh_token_rotation = Some(RefreshTokenRotationType::new(FeatureType::Enabled));
    })
    .await;
    confirmed_user(&c, &pool_id, "rho", &[]).await;
    let old = tokens(&c, &client_id, "rho").await.refresh_token.unwrap();
    let refused = |flow: &str| {
        (
            "InvalidParameterException".to_owned(),
            format!(
                "{flow} is not supported for this client: refresh token rotation is enabled, \
                 refresh tokens with GetTokensFromRefreshToken"
            ),
        )
    };
    let initiate = |flow: AuthFlowType, token: &str| {
        let mut input = InitiateAuthRequest::new(flow, &client_id);
        input.auth_parameters = Some(params(&[("REFRESH_TOKEN", token)]));
        c.initiate_auth(input)
    };
    assert_eq!(
        fault(initiate(AuthFlowType::RefreshTokenAuth, &old).await),
        refused("REFRESH_TOKEN_AUTH")
    );
    assert_eq!(
        fault(initiate(AuthFlowType::RefreshToken, &old).await),
        refused("REFRESH_TOKEN")
    );
    for flow in [AuthFlowType::RefreshTokenAuth, AuthFlowType::RefreshToken] {
        let mut input = AdminInitiateAuthRequest::new(&pool_id, &client_id, flow.clone());
        input.auth_parameters = Some(params(&[("REFRESH_TOKEN", &old)]));
        assert_eq!(
            fault(c.admin_initiate_auth(input).await),
            refused(flow.as_str())
        );
    }

    // GetTokensFromRefreshToken hands out a new refresh token and retires the old one.
    let get_tokens = |token: &str| {
        c.get_tokens_from_refresh_token(GetTokensFromRefreshTokenRequest::new(token, &client_id))
    };
    let rotated = get_tokens(&old)
        .await
        .expect("GetTokensFromRefreshToken")
        .authentication_result
        .unwrap();
    let new = rotated.refresh_token.expect("a new refresh token");
    assert_ne!(new, old);
    assert_eq!(
        fault(get_tokens(&old).await).1,
        "Refresh Token has been revoked"
    );

    // The client as the developer guide asks for it: rotation without ALLOW_REFRESH_TOKEN_AUTH.
    let update_client = |rotation: FeatureType| {
        let mut update = UpdateUserPoolClientRequest::new(&pool_id, &client_id);
        update.explicit_auth_flows = Some(vec![ExplicitAuthFlowsType::AllowUserPasswordAuth]);
        update.refresh_token_rotation = Some(RefreshTokenRotationType::new(rotation));
        c.update_user_pool_client(update)
    };
    update_client(FeatureType::Enabled).await.unwrap();
    let newer = get_tokens(&new)
        .await
        .expect("no ALLOW_REFRESH_TOKEN_AUTH needed")
        .authentication_result
        .unwrap()
        .refresh_token
        .expect("rotated again");
    assert_eq!(
        fault(initiate(AuthFlowType::RefreshTokenAuth, &newer).await),
        refused("REFRESH_TOKEN_AUTH")
    );

    // Without rotation GetTokensFromRefreshToken still needs no flag, answers ID and access
    // tokens only and keeps the refresh token; REFRESH_TOKEN_AUTH is a flow the client lacks.
    update_client(FeatureType::Disabled).await.unwrap();
    for _ in 0..2 {
        let renewed = get_tokens(&newer)
            .await
            .expect("a refresh without rotation")
            .authentication_result
            .unwrap();
        assert_eq!(renewed.refresh_token, None);
        assert!(renewed.id_token.is_some() && renewed.access_token.is_some());
    }
    assert_eq!(
        fault(initiate(AuthFlowType::RefreshTokenAuth, &newer).await),
        (
            "InvalidParameterException".to_owned(),
            "REFRESH_TOKEN_AUTH flow not enabled for this client".to_owned()
        )
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn groups_and_their_roles_reach_the_tokens() {
    let (running, c) = emulator(Options::default()).await;
    let (pool_id, client_id) = pool_and_client(&c, |_| {}).await;
    confirmed_user(&c, &pool_id, "ivy", &[("email", "ivy@example.com")]).await;
    let groups = [
        ("readers", 10, "arn:aws:iam::123456789012:role/Reader"),
        ("admins", 1, "arn:aws:iam::123456789012:role/Admin"),
    ];
    for (name, precedence, role) in groups {
        let mut input = CreateGroupRequest::new(name, &pool_id);
        input.precedence = Some(precedence);
        input.role_arn = Some(role.into());
        input.description = Some(format!("the {name}"));
        let g = c.create_group(input).await.unwrap().group.unwrap();
        assert_eq!(g.precedence, Some(precedence));
        c.admin_add_user_to_group(AdminAddUserToGroupRequest::new(&pool_id, "ivy", name))
            .await
            .unwrap();
    }
    let (code, message) = fault(
        c.create_group(CreateGroupRequest::new("admins", &pool_id))
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "GroupExistsException",
            "A group with the name admins already exists."
        )
    );
    assert_eq!(
        fault(c.get_group(GetGroupRequest::new("nobody", &pool_id)).await),
        (
            "ResourceNotFoundException".into(),
            "Group not found.".into()
        )
    );
    assert_eq!(
        c.get_group(GetGroupRequest::new("admins", &pool_id))
            .await
            .unwrap()
            .group
            .unwrap()
            .description
            .as_deref(),
        Some("the admins")
    );
    assert_eq!(
        c.list_groups(ListGroupsRequest::new(&pool_id))
            .await
            .unwrap()
            .groups
            .unwrap()
            .len(),
        2
    );
    let of_user = c
        .admin_list_groups_for_user(AdminListGroupsForUserRequest::new("ivy", &pool_id))
        .await
        .unwrap()
        .groups
        .unwrap();
    assert_eq!(
        of_user
            .iter()
            .filter_map(|g| g.group_name.as_deref())
            .collect::<Vec<_>>(),
        ["admins", "readers"]
    );
    let members = c
        .list_users_in_group(ListUsersInGroupRequest::new(&pool_id, "readers"))
        .await
        .unwrap()
        .users
        .unwrap();
    assert_eq!(members[0].username.as_deref(), Some("ivy"));

    let result = tokens(&c, &client_id, "ivy").await;
    let id = claims(result.id_token.as_deref().unwrap());
    assert_eq!(id["cognito:groups"], json!(["admins", "readers"]));
    assert_eq!(
        id["cognito:roles"],
        json!([
            "arn:aws:iam::123456789012:role/Admin",
            "arn:aws:iam::123456789012:role/Reader"
        ])
    );
    assert_eq!(
        id["cognito:preferred_role"],
        "arn:aws:iam::123456789012:role/Admin"
    );
    assert_eq!(
        claims(result.access_token.as_deref().unwrap())["cognito:groups"],
        json!(["admins", "readers"])
    );

    c.admin_remove_user_from_group(AdminRemoveUserFromGroupRequest::new(
        &pool_id, "ivy", "admins",
    ))
    .await
    .unwrap();
    c.delete_group(DeleteGroupRequest::new("readers", &pool_id))
        .await
        .unwrap();
    let id = claims(
        tokens(&c, &client_id, "ivy")
            .await
            .id_token
            .as_deref()
            .unwrap(),
    );
    assert!(id.get("cognito:groups").is_none(), "{id}");
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn tokens_verify_against_the_pools_jwks_with_the_pools_issuer() {
    let (running, c) = emulator(Options::default()).await;
    let (pool_id, client_id) = pool_and_client(&c, |_| {}).await;
    let mut create = CreateUserPoolRequest::new("schema");
    create.schema = Some(vec![SchemaAttributeType {
        name: Some("team".into()),
        attribute_data_type: Some(AttributeDataType::String),
        ..Default::default()
    }]);
    // Custom attributes reach the ID token (on a pool that declares them).
    let other = c.create_user_pool(create).await.unwrap().user_pool.unwrap();
    let other_id = other.id.unwrap();
    assert!(other
        .schema_attributes
        .unwrap()
        .iter()
        .any(|s| s.name.as_deref() == Some("custom:team")));
    let mut client = CreateUserPoolClientRequest::new(&other_id, "c");
    client.explicit_auth_flows = Some(vec![ExplicitAuthFlowsType::AllowUserPasswordAuth]);
    let other_client = c
        .create_user_pool_client(client)
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    confirmed_user(
        &c,
        &other_id,
        "kim",
        &[("custom:team", "blue"), ("email", "kim@example.com")],
    )
    .await;
    let kim = claims(
        tokens(&c, &other_client, "kim")
            .await
            .id_token
            .as_deref()
            .unwrap(),
    );
    assert_eq!(kim["custom:team"], "blue");

    confirmed_user(
        &c,
        &pool_id,
        "jo",
        &[("email", "jo@example.com"), ("email_verified", "true")],
    )
    .await;
    let result = tokens(&c, &client_id, "jo").await;
    let (status, jwks) = http(
        running.local_addr(),
        "GET",
        &format!("/{pool_id}/.well-known/jwks.json"),
    )
    .await;
    assert_eq!(status, 200);
    let set: jsonwebtoken::jwk::JwkSet = serde_json::from_value(jwks).unwrap();
    let issuer = format!("https://cognito-idp.us-east-1.amazonaws.com/{pool_id}");
    let verify = |token: &str, aud: Option<&str>| {
        let header = jsonwebtoken::decode_header(token).unwrap();
        assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
        let jwk = set
            .find(header.kid.as_deref().unwrap())
            .expect("the kid is in the pool's JWKS");
        let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        v.set_issuer(&[&issuer]);
        match aud {
            Some(aud) => v.set_audience(&[aud]),
            None => v.validate_aud = false,
        }
        jsonwebtoken::decode::<Value>(token, &key, &v)
            .expect("the token verifies")
            .claims
    };
    let id = verify(result.id_token.as_deref().unwrap(), Some(&client_id));
    for claim in [
        "sub",
        "aud",
        "iss",
        "token_use",
        "auth_time",
        "iat",
        "exp",
        "jti",
        "origin_jti",
        "event_id",
        "cognito:username",
        "email",
    ] {
        assert!(id.get(claim).is_some(), "ID token lacks {claim}: {id}");
    }
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["cognito:username"], "jo");
    let access = verify(result.access_token.as_deref().unwrap(), None);
    assert!(access.get("aud").is_none());
    assert_eq!(access["client_id"], client_id.as_str());
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["username"], "jo");
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["sub"], id["sub"]);
    // Another pool's key does not verify this pool's tokens.
    let (_, other_jwks) = http(
        running.local_addr(),
        "GET",
        &format!("/{other_id}/.well-known/jwks.json"),
    )
    .await;
    assert_ne!(
        other_jwks["keys"][0]["kid"],
        json!(
            jsonwebtoken::decode_header(result.id_token.as_deref().unwrap())
                .unwrap()
                .kid
        )
    );

    let (status, discovery) = http(
        running.local_addr(),
        "GET",
        &format!("/{pool_id}/.well-known/openid-configuration"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(discovery["issuer"], issuer.as_str());
    assert_eq!(
        discovery["jwks_uri"],
        format!("{issuer}/.well-known/jwks.json")
    );
    assert_eq!(
        http(
            running.local_addr(),
            "GET",
            "/us-east-1_nothere00/.well-known/jwks.json"
        )
        .await
        .0,
        404
    );
    running.shutdown().await.unwrap();

    // With --issuer-base, tokens name the local base.
    let (running, c) = emulator(Options {
        issuer_base: Some("http://localhost:9229".into()),
        ..Options::default()
    })
    .await;
    let (pool_id, client_id) = pool_and_client(&c, |_| {}).await;
    confirmed_user(&c, &pool_id, "jo", &[]).await;
    let id = claims(
        tokens(&c, &client_id, "jo")
            .await
            .id_token
            .as_deref()
            .unwrap(),
    );
    assert_eq!(id["iss"], format!("http://localhost:9229/{pool_id}"));
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn pools_with_email_as_user_name_and_case_insensitive_names() {
    let (running, c) = emulator(Options::default()).await;
    let mut create = CreateUserPoolRequest::new("by-email");
    create.username_attributes = Some(vec![UsernameAttributeType::Email]);
    create.username_configuration = Some(UsernameConfigurationType::new(false));
    let pool_id = c
        .create_user_pool(create)
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let mut client = CreateUserPoolClientRequest::new(&pool_id, "web");
    client.explicit_auth_flows = Some(vec![ExplicitAuthFlowsType::AllowUserPasswordAuth]);
    let client_id = c
        .create_user_pool_client(client)
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();

    let mut sign_up = SignUpRequest::new(&client_id, "lee");
    sign_up.password = Some(PASSWORD.into());
    assert_eq!(
        fault(c.sign_up(sign_up.clone()).await).1,
        "Username should be either an email or a phone number."
    );
    sign_up.username = "Lee@Example.com".into();
    let sub = c.sign_up(sign_up.clone()).await.unwrap().user_sub;
    assert_eq!(
        fault(c.sign_up(sign_up).await),
        (
            "UsernameExistsException".into(),
            "An account with the given email already exists.".into()
        )
    );
    c.confirm_sign_up(ConfirmSignUpRequest::new(
        &client_id,
        "lee@example.com",
        "123456",
    ))
    .await
    .unwrap();
    let result = tokens(&c, &client_id, "LEE@EXAMPLE.COM").await;
    let id = claims(result.id_token.as_deref().unwrap());
    assert_eq!(id["cognito:username"], sub.as_str());
    assert_eq!(id["email"], "lee@example.com");
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_identity_side_accepts_the_pools_own_id_tokens_verified() {
    use cognito_identity::types as ci;
    let (running, c) = emulator(Options::default()).await;
    let identity = cognito_identity::Client::new(
        cognito_identity::Config::builder()
            .region("us-east-1")
            .endpoint_url(running.url())
            .credentials(Credentials::new(
                "AKIDEXAMPLE",
                "secret",
                None,
                None,
                "test",
            ))
            .build(),
    );
    let (pool_id, client_id) = pool_and_client(&c, |_| {}).await;
    confirmed_user(&c, &pool_id, "max", &[]).await;
    let mut group = CreateGroupRequest::new("editors", &pool_id);
    group.role_arn = Some("arn:aws:iam::123456789012:role/Editor".into());
    c.create_group(group).await.unwrap();
    c.admin_add_user_to_group(AdminAddUserToGroupRequest::new(&pool_id, "max", "editors"))
        .await
        .unwrap();

    let provider = format!("cognito-idp.us-east-1.amazonaws.com/{pool_id}");
    let mut create = ci::CreateIdentityPoolInput::new("ids", false);
    create.cognito_identity_providers = Some(vec![ci::CognitoIdentityProvider {
        provider_name: Some(provider.clone()),
        client_id: Some(client_id.clone()),
        server_side_token_check: None,
    }]);
    let identity_pool = identity
        .create_identity_pool(create)
        .await
        .unwrap()
        .identity_pool_id;
    let mut roles = ci::SetIdentityPoolRolesInput::new(
        &identity_pool,
        HashMap::from([(
            "authenticated".to_owned(),
            "arn:aws:iam::123456789012:role/Auth".to_owned(),
        )]),
    );
    roles.role_mappings = Some(HashMap::from([(format!("{provider}:{client_id}"), {
        let mut m = ci::RoleMapping::new(ci::RoleMappingType::Token);
        m.ambiguous_role_resolution = Some(ci::AmbiguousRoleResolutionType::AuthenticatedRole);
        m
    })]));
    identity.set_identity_pool_roles(roles).await.unwrap();

    let get_id = |token: String| {
        let mut input = ci::GetIdInput::new(&identity_pool);
        input.logins = Some(HashMap::from([(provider.clone(), token)]));
        identity.get_id(input)
    };
    let first = tokens(&c, &client_id, "max").await.id_token.unwrap();
    let id1 = get_id(first.clone())
        .await
        .expect("GetId with the pool's ID token")
        .identity_id
        .unwrap();
    let again = tokens(&c, &client_id, "max").await.id_token.unwrap();
    let id2 = get_id(again.clone()).await.unwrap().identity_id.unwrap();
    assert_eq!(id1, id2, "the identity is keyed on sub");

    let mut creds = ci::GetCredentialsForIdentityInput::new(&id1);
    creds.logins = Some(HashMap::from([(provider.clone(), again.clone())]));
    let got = identity
        .get_credentials_for_identity(creds)
        .await
        .expect("GetCredentialsForIdentity");
    let token = got.credentials.unwrap().session_token.unwrap();
    let payload = cognito_identity_local::ids::session_token_payload(&token)
        .expect("a readable session token");
    assert_eq!(payload["RoleArn"], "arn:aws:iam::123456789012:role/Editor");

    // Rules match the token's claims.
    let mut rules = ci::SetIdentityPoolRolesInput::new(
        &identity_pool,
        HashMap::from([(
            "authenticated".to_owned(),
            "arn:aws:iam::123456789012:role/Auth".to_owned(),
        )]),
    );
    let mut mapping = ci::RoleMapping::new(ci::RoleMappingType::Rules);
    mapping.ambiguous_role_resolution = Some(ci::AmbiguousRoleResolutionType::AuthenticatedRole);
    mapping.rules_configuration = Some(ci::RulesConfigurationType {
        rules: vec![ci::MappingRule {
            claim: "cognito:username".into(),
            match_type: ci::MappingRuleMatchType::Equals,
            value: "max".into(),
            role_arn: "arn:aws:iam::123456789012:role/Max".into(),
        }],
    });
    rules.role_mappings = Some(HashMap::from([(
        format!("{provider}:{client_id}"),
        mapping,
    )]));
    identity.set_identity_pool_roles(rules).await.unwrap();
    let mut creds = ci::GetCredentialsForIdentityInput::new(&id1);
    creds.logins = Some(HashMap::from([(provider.clone(), again.clone())]));
    let token = identity
        .get_credentials_for_identity(creds)
        .await
        .unwrap()
        .credentials
        .unwrap()
        .session_token
        .unwrap();
    let payload = cognito_identity_local::ids::session_token_payload(&token).unwrap();
    assert_eq!(payload["RoleArn"], "arn:aws:iam::123456789012:role/Max");

    // A token whose signature is not the pool's is refused, though its claims are right.
    let mut parts: Vec<String> = again.split('.').map(str::to_owned).collect();
    parts[2] = URL_SAFE_NO_PAD.encode(b"not the signature");
    let (code, message) = {
        let e = get_id(parts.join(".")).await.unwrap_err();
        (
            e.code().unwrap_or_default().to_owned(),
            e.message().unwrap_or_default().to_owned(),
        )
    };
    assert_eq!(code, "NotAuthorizedException");
    assert!(message.starts_with("Invalid login token."), "{message}");
    // An access token is no login.
    let access = tokens(&c, &client_id, "max").await.access_token.unwrap();
    assert_eq!(
        get_id(access).await.unwrap_err().code(),
        Some("NotAuthorizedException")
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_seed_creates_pools_at_start_and_reset_forgets_everything() {
    let seed = json!({"UserPools": [{
        "Id": "us-east-1_Seeded123",
        "PoolName": "seeded",
        "Clients": [{"ClientId": "seededclient", "ClientName": "web",
                     "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}],
        "Groups": [{"GroupName": "admins", "Precedence": 1}],
        "Users": [{"Username": "nora", "Password": PASSWORD, "Attributes": {"email": "nora@example.com"}, "Groups": ["admins"]}]
    }]});
    let (running, c) = emulator(Options {
        seed: Some(seed),
        ..Options::default()
    })
    .await;
    let id = claims(
        tokens(&c, "seededclient", "nora")
            .await
            .id_token
            .as_deref()
            .unwrap(),
    );
    assert_eq!(id["cognito:groups"], json!(["admins"]));
    assert_eq!(
        id["iss"],
        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Seeded123"
    );

    let (status, _) = http(running.local_addr(), "POST", "/_local/reset").await;
    assert_eq!(status, 200);
    assert_eq!(
        fault(
            c.describe_user_pool(DescribeUserPoolRequest::new("us-east-1_Seeded123"))
                .await
        )
        .0,
        "ResourceNotFoundException"
    );
    running.shutdown().await.unwrap();

    let bad =
        json!({"UserPools": [{"PoolName": "x", "Users": [{"Username": "a", "Colour": "red"}]}]});
    let err = start(
        Options {
            seed: Some(bad),
            log_level: Level::Off,
            ..Options::default()
        },
        false,
    )
    .await
    .err()
    .expect("a bad seed stops the start");
    assert!(err.to_string().contains("unknown member `Colour`"), "{err}");
}

/// One USER_SRP_AUTH sign-in with the client half of `cognito-srp`; `with_session` says
/// whether the answer carries the session (pycognito's does not).
async fn srp_sign_in(
    c: &Client,
    pool_id: &str,
    client_id: &str,
    username: &str,
    password: &str,
    with_session: bool,
) -> Result<RespondToAuthChallengeResponse, Error> {
    let now = cognito_srp::Timestamp::now();
    srp_sign_in_at(c, pool_id, client_id, username, password, with_session, now).await
}

/// [`srp_sign_in`] with the claim made at `timestamp`.
async fn srp_sign_in_at(
    c: &Client,
    pool_id: &str,
    client_id: &str,
    username: &str,
    password: &str,
    with_session: bool,
    timestamp: cognito_srp::Timestamp,
) -> Result<RespondToAuthChallengeResponse, Error> {
    let srp = cognito_srp::Client::new(cognito_srp::PoolName::from_user_pool_id(pool_id).unwrap())
        .unwrap();
    let mut start = InitiateAuthRequest::new(AuthFlowType::UserSrpAuth, client_id);
    start.auth_parameters = Some(params(&[("USERNAME", username), ("SRP_A", srp.srp_a())]));
    let started = c.initiate_auth(start).await?;
    assert_eq!(
        started.challenge_name,
        Some(ChallengeNameType::PasswordVerifier)
    );
    let p = started.challenge_parameters.unwrap();
    let challenge = cognito_srp::Challenge::new(
        &p["USER_ID_FOR_SRP"],
        &p["SALT"],
        &p["SRP_B"],
        &p["SECRET_BLOCK"],
    )
    .unwrap();
    let claim = srp.respond(&challenge, password, timestamp).unwrap();
    let mut respond =
        RespondToAuthChallengeRequest::new(client_id, ChallengeNameType::PasswordVerifier);
    respond.session = started.session.filter(|_| with_session);
    respond.challenge_responses = Some(params(&[
        ("USERNAME", &p["USER_ID_FOR_SRP"]),
        ("PASSWORD_CLAIM_SECRET_BLOCK", claim.secret_block()),
        ("PASSWORD_CLAIM_SIGNATURE", claim.signature()),
        ("TIMESTAMP", claim.timestamp().as_str()),
    ]));
    c.respond_to_auth_challenge(respond)
        .await
        .map_err(Into::into)
}

#[tokio::test]
async fn srp_sign_in_checks_the_password_claim() {
    let (running, c) = emulator(Options::default()).await;
    let (pool_id, client_id) = pool_and_client(&c, |_| {}).await;
    confirmed_user(&c, &pool_id, "olga", &[]).await;
    for with_session in [true, false] {
        let done = srp_sign_in(&c, &pool_id, &client_id, "olga", PASSWORD, with_session)
            .await
            .expect("SRP sign-in");
        let id = claims(
            done.authentication_result
                .unwrap()
                .id_token
                .as_deref()
                .unwrap(),
        );
        assert_eq!(id["cognito:username"], "olga");
    }
    let wrong = srp_sign_in(&c, &pool_id, &client_id, "olga", "Wrong-Passw0rd", true).await;
    assert_eq!(
        fault(wrong),
        (
            "NotAuthorizedException".into(),
            "Incorrect username or password.".into()
        )
    );
    // The claim's time must be near the server's: an hour off passes, two days do not.
    let now = std::time::SystemTime::now();
    let hour = std::time::Duration::from_secs(3600);
    for (when, ok) in [(now - hour, true), (now + hour, true)]
        .into_iter()
        .chain([(now - 48 * hour, false), (now + 48 * hour, false)])
    {
        let at = cognito_srp::Timestamp::from_system_time(when);
        let r = srp_sign_in_at(&c, &pool_id, &client_id, "olga", PASSWORD, true, at.clone()).await;
        if ok {
            r.expect("a claim an hour off");
        } else {
            let (code, message) = fault(r);
            assert_eq!(code, "NotAuthorizedException");
            assert_eq!(
                message,
                format!(
                    "TIMESTAMP {} is more than 24 hours from the server's clock.",
                    at.as_str()
                )
            );
        }
    }
    // A malformed SRP_A is named.
    let mut start = InitiateAuthRequest::new(AuthFlowType::UserSrpAuth, &client_id);
    start.auth_parameters = Some(params(&[("USERNAME", "olga"), ("SRP_A", "not hex")]));
    let (code, message) = fault(c.initiate_auth(start).await);
    assert_eq!(code, "InvalidParameterException");
    assert!(message.starts_with("SRP_A"), "{message}");
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn user_pools_keys_and_sessions_survive_a_restart() {
    let dir = support::scratch_dir("user-pools-restart");
    let options = || Options {
        data_dir: Some(dir.to_path_buf()),
        ..Options::default()
    };
    let (running, c) = emulator(options()).await;
    let (pool_id, client_id) = pool_and_client(&c, |_| {}).await;
    confirmed_user(&c, &pool_id, "pat", &[]).await;
    let before = tokens(&c, &client_id, "pat").await;
    let kid = |t: &str| jsonwebtoken::decode_header(t).unwrap().kid;
    running.shutdown().await.unwrap();

    let (running, c) = emulator(options()).await;
    let after = tokens(&c, &client_id, "pat").await;
    assert_eq!(
        kid(before.id_token.as_deref().unwrap()),
        kid(after.id_token.as_deref().unwrap())
    );
    let mut refresh = InitiateAuthRequest::new(AuthFlowType::RefreshTokenAuth, &client_id);
    refresh.auth_parameters = Some(params(&[(
        "REFRESH_TOKEN",
        before.refresh_token.as_deref().unwrap(),
    )]));
    c.initiate_auth(refresh)
        .await
        .expect("a refresh token from before the restart");
    c.get_user(GetUserRequest::new(before.access_token.unwrap()))
        .await
        .expect("an access token from before");
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn signatures_are_checked_for_the_user_pool_service_too() {
    let (running, c) = emulator(Options {
        verify_signatures: Some(("AKIDEXAMPLE".into(), "secret".into())),
        ..Options::default()
    })
    .await;
    // The client signs for `cognito-idp`; the admin operations need the signature.
    let (pool_id, client_id) = pool_and_client(&c, |_| {}).await;
    confirmed_user(&c, &pool_id, "quinn", &[]).await;
    let stranger = Client::new(
        Config::builder()
            .region("us-east-1")
            .endpoint_url(running.url())
            .credentials(Credentials::new(
                "AKIDEXAMPLE",
                "not the secret",
                None,
                None,
                "test",
            ))
            .build(),
    );
    let (code, _) = fault(
        stranger
            .describe_user_pool(DescribeUserPoolRequest::new(&pool_id))
            .await,
    );
    assert_eq!(code, "InvalidSignatureException");
    // Sign-in is unsigned in the model, as for the service.
    tokens(&stranger, &client_id, "quinn").await;
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn malformed_input_gets_an_error_naming_it() {
    let (running, c) = emulator(Options::default()).await;
    let (pool_id, client_id) = pool_and_client(&c, |_| {}).await;
    confirmed_user(&c, &pool_id, "sam", &[]).await;
    // Tokens that are not tokens.
    for token in [
        "",
        "a.b.c",
        "not a jwt",
        "eyJhbGciOiJub25lIn0.e30.",
        &"x".repeat(5000),
    ] {
        // Whether or not it breaks the model's pattern, Cognito's answer to a bad token.
        for (code, message) in [
            fault(c.get_user(GetUserRequest::new(token)).await),
            fault(c.global_sign_out(GlobalSignOutRequest::new(token)).await),
            fault(c.delete_user(DeleteUserRequest::new(token)).await),
        ] {
            assert_eq!(
                (code.as_str(), message.as_str()),
                ("NotAuthorizedException", "Invalid Access Token"),
                "{token:.20}"
            );
        }
        let mut refresh = InitiateAuthRequest::new(AuthFlowType::RefreshTokenAuth, &client_id);
        refresh.auth_parameters = Some(params(&[("REFRESH_TOKEN", token)]));
        assert_eq!(
            fault(c.initiate_auth(refresh).await).0,
            "NotAuthorizedException"
        );
    }
    // A PASSWORD_VERIFIER answer with a bad timestamp, a forged secret block, no session.
    let srp = cognito_srp::Client::new(cognito_srp::PoolName::from_user_pool_id(&pool_id).unwrap())
        .unwrap();
    let mut start = InitiateAuthRequest::new(AuthFlowType::UserSrpAuth, &client_id);
    start.auth_parameters = Some(params(&[("USERNAME", "sam"), ("SRP_A", srp.srp_a())]));
    let started = c.initiate_auth(start).await.unwrap();
    let answer = |block: &str, timestamp: &str, session: Option<String>| {
        let mut respond =
            RespondToAuthChallengeRequest::new(&client_id, ChallengeNameType::PasswordVerifier);
        respond.session = session;
        respond.challenge_responses = Some(params(&[
            ("USERNAME", "sam"),
            ("PASSWORD_CLAIM_SECRET_BLOCK", block),
            ("PASSWORD_CLAIM_SIGNATURE", "c2ln"),
            ("TIMESTAMP", timestamp),
        ]));
        c.respond_to_auth_challenge(respond)
    };
    let (code, message) = fault(answer("AAAA", "yesterday", started.session.clone()).await);
    assert_eq!(code, "InvalidParameterException");
    assert!(message.starts_with("TIMESTAMP"), "{message}");
    let now = cognito_srp::Timestamp::now();
    assert_eq!(
        fault(answer("AAAA", now.as_str(), None).await).1,
        "Invalid session for the user, session is expired."
    );
    assert_eq!(
        fault(answer("AAAA", now.as_str(), started.session.clone()).await).1,
        "Incorrect username or password."
    );
    // Missing parameters and unknown challenges are named.
    let mut respond = RespondToAuthChallengeRequest::new(&client_id, ChallengeNameType::SmsMfa);
    respond.challenge_responses = Some(params(&[("USERNAME", "sam")]));
    assert_eq!(
        fault(c.respond_to_auth_challenge(respond).await).0,
        "InvalidParameterException"
    );
    let mut start = InitiateAuthRequest::new(AuthFlowType::UserSrpAuth, &client_id);
    start.auth_parameters = Some(params(&[("USERNAME", "sam")]));
    assert_eq!(
        fault(c.initiate_auth(start).await).1,
        "Missing required parameter SRP_A"
    );
    // Bad page tokens and filters.
    let mut list = ListUsersRequest::new(&pool_id);
    list.pagination_token = Some("garbage".into());
    assert_eq!(
        fault(c.list_users(list).await).0,
        "InvalidParameterException"
    );
    let mut list = ListUsersRequest::new(&pool_id);
    list.filter = Some("username = \"a\" extra\"".into());
    assert_eq!(
        fault(c.list_users(list).await).1,
        "Error while parsing filter."
    );
    // The local endpoints say what they need.
    let (status, body) = http(running.local_addr(), "GET", "/_local/codes").await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap().contains("pool="),
        "{body}"
    );
    assert_eq!(
        http(
            running.local_addr(),
            "GET",
            "/_local/codes?pool=us-east-1_nothere00"
        )
        .await
        .0,
        404
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_users_groups_and_a_groups_members_page() {
    let (running, c) = emulator(Options::default()).await;
    let (pool_id, _) = pool_and_client(&c, |_| {}).await;
    let users = ["u1", "u2", "u3", "u4", "u5"];
    for u in users {
        confirmed_user(&c, &pool_id, u, &[]).await;
    }
    let groups = ["g1", "g2", "g3", "g4", "g5"];
    for g in groups {
        c.create_group(CreateGroupRequest::new(g, &pool_id))
            .await
            .unwrap();
        c.admin_add_user_to_group(AdminAddUserToGroupRequest::new(&pool_id, "u1", g))
            .await
            .unwrap();
        for u in users {
            c.admin_add_user_to_group(AdminAddUserToGroupRequest::new(&pool_id, u, "g1"))
                .await
                .unwrap();
        }
    }
    // Two at a time, every one once, in name order, then no token.
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let mut input = AdminListGroupsForUserRequest::new("u1", &pool_id);
        input.limit = Some(2);
        input.next_token = token.take();
        let page = c.admin_list_groups_for_user(input).await.unwrap();
        let names: Vec<String> = page
            .groups
            .unwrap()
            .into_iter()
            .map(|g| g.group_name.unwrap())
            .collect();
        assert!(names.len() <= 2, "{names:?}");
        seen.extend(names);
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(seen, groups);
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let mut input = ListUsersInGroupRequest::new(&pool_id, "g1");
        input.limit = Some(3);
        input.next_token = token.take();
        let page = c.list_users_in_group(input).await.unwrap();
        let names: Vec<String> = page
            .users
            .unwrap()
            .into_iter()
            .map(|u| u.username.unwrap())
            .collect();
        assert!(names.len() <= 3, "{names:?}");
        seen.extend(names);
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(seen, users);
    // Without a limit, one page; a token of the other listing is refused.
    let all = c
        .list_users_in_group(ListUsersInGroupRequest::new(&pool_id, "g1"))
        .await
        .unwrap();
    assert_eq!(all.users.unwrap().len(), 5);
    assert_eq!(all.next_token, None);
    let mut input = AdminListGroupsForUserRequest::new("u1", &pool_id);
    input.limit = Some(1);
    let first = c.admin_list_groups_for_user(input).await.unwrap();
    let mut input = ListUsersInGroupRequest::new(&pool_id, "g1");
    input.next_token = first.next_token;
    assert_eq!(
        fault(c.list_users_in_group(input).await).0,
        "InvalidParameterException"
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn confirmation_and_recovery_do_not_reveal_users_to_a_hiding_client() {
    let (running, c) = emulator(Options::default()).await;
    let (pool_id, legacy) = pool_and_client(&c, |_| {}).await;
    let (_, hiding) = {
        let mut input = CreateUserPoolClientRequest::new(&pool_id, "hiding");
        input.prevent_user_existence_errors = Some(PreventUserExistenceErrorTypes::Enabled);
        let cl = c.create_user_pool_client(input).await.unwrap();
        (
            pool_id.clone(),
            cl.user_pool_client.unwrap().client_id.unwrap(),
        )
    };
    // A user who signed up and waits for a code, with an email to reset by.
    let mut sign_up = SignUpRequest::new(&hiding, "pending");
    sign_up.password = Some(PASSWORD.into());
    sign_up.user_attributes = Some(vec![AttributeType {
        name: "email".into(),
        value: Some("pending@example.com".into()),
    }]);
    c.sign_up(sign_up).await.unwrap();

    // A wrong code for a real user and any code for a made-up one read the same.
    for name in ["pending", "nobody"] {
        assert_eq!(
            fault(
                c.confirm_sign_up(ConfirmSignUpRequest::new(&hiding, name, "000000"))
                    .await
            ),
            (
                "CodeMismatchException".into(),
                "Invalid verification code provided, please try again.".into()
            ),
            "{name}"
        );
        let resent = c
            .resend_confirmation_code(ResendConfirmationCodeRequest::new(&hiding, name))
            .await
            .unwrap();
        let delivery = resent.code_delivery_details.unwrap();
        assert_eq!(delivery.delivery_medium, Some(DeliveryMediumType::Email));
        assert_eq!(delivery.attribute_name.as_deref(), Some("email"));
        let forgot = c
            .forgot_password(ForgotPasswordRequest::new(&hiding, name))
            .await
            .unwrap();
        assert_eq!(
            forgot.code_delivery_details.unwrap().delivery_medium,
            Some(DeliveryMediumType::Email)
        );
        assert_eq!(
            fault(
                c.confirm_forgot_password(ConfirmForgotPasswordRequest::new(
                    &hiding, name, "000000", PASSWORD
                ))
                .await
            ),
            (
                "CodeMismatchException".into(),
                "Invalid verification code provided, please try again.".into()
            ),
            "{name}"
        );
    }
    // A client that does not hide users says so.
    let missing = (
        "UserNotFoundException".to_owned(),
        "User does not exist.".to_owned(),
    );
    assert_eq!(
        fault(
            c.confirm_sign_up(ConfirmSignUpRequest::new(&legacy, "nobody", "000000"))
                .await
        ),
        missing
    );
    assert_eq!(
        fault(
            c.resend_confirmation_code(ResendConfirmationCodeRequest::new(&legacy, "nobody"))
                .await
        ),
        missing
    );
    assert_eq!(
        fault(
            c.forgot_password(ForgotPasswordRequest::new(&legacy, "nobody"))
                .await
        ),
        missing
    );
    assert_eq!(
        fault(
            c.confirm_forgot_password(ConfirmForgotPasswordRequest::new(
                &legacy, "nobody", "000000", PASSWORD
            ))
            .await
        ),
        missing
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_tokens_and_unknown_users_answer_400_with_cognitos_codes() {
    let (running, c) = emulator(Options::default()).await;
    let (pool_id, _) = pool_and_client(&c, |_| {}).await;
    let addr = running.local_addr();
    let call = |operation: &str, body: Value| {
        let target = format!("AWSCognitoIdentityProviderService.{operation}");
        tokio::task::spawn_blocking(move || support::call_target(addr, &target, &body))
    };
    let (status, body) = call(
        "AdminGetUser",
        json!({"UserPoolId": pool_id, "Username": "nobody"}),
    )
    .await
    .unwrap();
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("UserNotFoundException"))
    );
    // A token that breaks the model's pattern is Cognito's NotAuthorizedException, not a
    // ValidationException; other validation errors stay as they are.
    for operation in ["GetUser", "GlobalSignOut", "DeleteUser"] {
        let (status, body) = call(operation, json!({"AccessToken": "not a token"}))
            .await
            .unwrap();
        assert_eq!(
            (status, body["__type"].as_str(), body["message"].as_str()),
            (
                400,
                Some("NotAuthorizedException"),
                Some("Invalid Access Token")
            ),
            "{operation}"
        );
    }
    let (status, body) = call(
        "GetTokensFromRefreshToken",
        json!({"RefreshToken": "not a token", "ClientId": "someclient"}),
    )
    .await
    .unwrap();
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some("Invalid Refresh Token"))
    );
    let (status, body) = call("GetUser", json!({})).await.unwrap();
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("ValidationException"))
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn reads_kept_in_memory_never_outlive_a_write() {
    let (running, c) = emulator(Options::default()).await;
    let (pool_id, client_id) = pool_and_client(&c, |_| {}).await;
    confirmed_user(&c, &pool_id, "kim", &[("email", "kim@example.com")]).await;
    let email = |attributes: Option<Vec<AttributeType>>| {
        attributes
            .unwrap_or_default()
            .into_iter()
            .find(|a| a.name == "email")
            .and_then(|a| a.value)
    };
    let revoked = (
        "NotAuthorizedException".to_owned(),
        "Access Token has been revoked".to_owned(),
    );

    // Each way a session ends refuses a token that was just accepted (and so kept).
    let access = tokens(&c, &client_id, "kim").await.access_token.unwrap();
    for _ in 0..2 {
        c.get_user(GetUserRequest::new(&access)).await.unwrap();
    }
    c.global_sign_out(GlobalSignOutRequest::new(&access))
        .await
        .unwrap();
    assert_eq!(
        fault(c.get_user(GetUserRequest::new(&access)).await),
        revoked
    );

    let session = tokens(&c, &client_id, "kim").await;
    let access = session.access_token.unwrap();
    c.get_user(GetUserRequest::new(&access)).await.unwrap();
    c.revoke_token(RevokeTokenRequest::new(
        session.refresh_token.unwrap(),
        &client_id,
    ))
    .await
    .unwrap();
    assert_eq!(
        fault(c.get_user(GetUserRequest::new(&access)).await),
        revoked
    );

    let access = tokens(&c, &client_id, "kim").await.access_token.unwrap();
    c.get_user(GetUserRequest::new(&access)).await.unwrap();
    c.admin_disable_user(AdminDisableUserRequest::new(&pool_id, "kim"))
        .await
        .unwrap();
    assert_eq!(
        fault(c.get_user(GetUserRequest::new(&access)).await),
        revoked
    );
    c.admin_enable_user(AdminEnableUserRequest::new(&pool_id, "kim"))
        .await
        .unwrap();

    // A change is seen by the next read of either kind.
    let access = tokens(&c, &client_id, "kim").await.access_token.unwrap();
    let admin_get = || c.admin_get_user(AdminGetUserRequest::new(&pool_id, "kim"));
    assert_eq!(
        email(admin_get().await.unwrap().user_attributes).as_deref(),
        Some("kim@example.com")
    );
    assert_eq!(
        email(Some(
            c.get_user(GetUserRequest::new(&access))
                .await
                .unwrap()
                .user_attributes
        ))
        .as_deref(),
        Some("kim@example.com")
    );
    c.admin_update_user_attributes(AdminUpdateUserAttributesRequest::new(
        &pool_id,
        "kim",
        vec![AttributeType {
            name: "email".into(),
            value: Some("kim@example.org".into()),
        }],
    ))
    .await
    .unwrap();
    assert_eq!(
        email(admin_get().await.unwrap().user_attributes).as_deref(),
        Some("kim@example.org")
    );
    assert_eq!(
        email(Some(
            c.get_user(GetUserRequest::new(&access))
                .await
                .unwrap()
                .user_attributes
        ))
        .as_deref(),
        Some("kim@example.org")
    );
    c.admin_delete_user(AdminDeleteUserRequest::new(&pool_id, "kim"))
        .await
        .unwrap();
    assert_eq!(
        fault(admin_get().await).0,
        "UserNotFoundException".to_owned()
    );
    assert_eq!(
        fault(c.get_user(GetUserRequest::new(&access)).await),
        revoked
    );
    // A deleted pool's tokens and users are gone too.
    c.delete_user_pool(DeleteUserPoolRequest::new(&pool_id))
        .await
        .unwrap();
    assert_eq!(
        fault(admin_get().await).0,
        "ResourceNotFoundException".to_owned()
    );
    running.shutdown().await.unwrap();
}
