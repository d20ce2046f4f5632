//! The user-pool crate (`cognito-identity-provider`, 141 operations) end to end, in memory: every
//! operation through the generated `Client` and `Router`, the paginators botocore lists for the
//! service, and the wire form of the sign-in calls checked against the model's shapes.
//!
//! The operations come from one table (`support/user_pool_operations.rs`) and their values from
//! the model itself (`xtask::sample::Sampler`), so no test is written per operation: a handler
//! implements the service trait from the table, and one test sends each operation's sample input
//! and answers with its sample output. These tests use only the crate's public API.

use std::any::Any;
use std::future::Future;
use std::sync::{Mutex, OnceLock};

use aws_json_runtime::{OperationError, UnhandledError};
use cognito_identity_provider::error::*;
use cognito_identity_provider::mock::Mock;
use cognito_identity_provider::types::*;
use cognito_identity_provider::{Client, CognitoIdentityProvider, InMemoryTransport, Router};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use xtask::sample::Sampler;

/// The `X-Amz-Target` prefix of the model.
const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService";

/// The model the crate was generated from, loaded as `cargo xtask codegen` loads it.
fn service() -> &'static model::ir::Service {
    static SERVICE: OnceLock<model::ir::Service> = OnceLock::new();
    SERVICE.get_or_init(|| {
        let loaded = xtask::service("cognito-identity-provider")
            .and_then(xtask::WorkspaceService::load)
            .unwrap_or_else(|e| panic!("the user-pool model loads: {e:#}"));
        loaded.service
    })
}

/// A client that sends through `transport`, signed with fixed credentials, retries off.
fn client_over(transport: &InMemoryTransport) -> Client {
    Client::new(
        cognito_identity_provider::Config::builder()
            .region("us-east-1")
            .credentials(tests::test_credentials())
            .transport(transport.clone())
            .retry(aws_json_runtime::client::retry::RetryConfig::disabled())
            .build(),
    )
}

// ---------------------------------------------------------------------------------------------
// Every operation through the client and the router.
// ---------------------------------------------------------------------------------------------

/// A handler that answers each call with the one reply a test set, and keeps the last input.
#[derive(Default)]
struct Echo {
    reply: Mutex<Option<Box<dyn Any + Send>>>,
    input: Mutex<Option<(&'static str, Box<dyn Any + Send>)>>,
}

impl Echo {
    fn answer<O: Any + Send>(&self, output: O) {
        *self.reply.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(output));
    }

    /// The last input received, if it was for `op` and of type `I`.
    fn last_input<I: Any + Clone>(&self, op: &str) -> Option<I> {
        let input = self.input.lock().unwrap_or_else(|e| e.into_inner());
        let (name, input) = input.as_ref()?;
        (*name == op)
            .then(|| input.downcast_ref::<I>().cloned())
            .flatten()
    }

    fn serve<I, O, E>(&self, op: &'static str, input: I) -> Result<O, E>
    where
        I: Any + Send,
        O: Any,
        E: OperationError,
    {
        *self.input.lock().unwrap_or_else(|e| e.into_inner()) = Some((op, Box::new(input)));
        let reply = self.reply.lock().unwrap_or_else(|e| e.into_inner()).take();
        match reply.map(|r| r.downcast::<O>()) {
            Some(Ok(output)) => Ok(*output),
            _ => Err(E::from_unhandled(UnhandledError::service(
                "EchoNotSet",
                format!("no {op} output was set"),
            ))),
        }
    }
}

/// The handler is shared between the router and the test.
#[derive(Clone, Default)]
struct Shared(std::sync::Arc<Echo>);

/// The wire value of `value`, for messages.
fn wire<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| json!(format!("does not serialise: {e}")))
}

/// The sample of shape `name` (or `{}` for an operation without one) read as `T`.
fn sample<T: DeserializeOwned>(sampler: &Sampler<'_>, name: Option<&str>) -> Result<T, String> {
    let value = name.map_or_else(|| json!({}), |name| sampler.shape(name));
    serde_json::from_value(value.clone())
        .map_err(|e| format!("the sample of {name:?} does not read: {e}\n{value}"))
}

/// Sends operation `op`'s sample input through `call` and answers with its sample output; the
/// handler must see the input the client sent, the client must get the output the handler
/// gave, and the request must carry the operation's target and the sample's wire form.
async fn round_trip<I, O, F, Fut, E>(op: &'static str, call: F) -> Result<(), String>
where
    I: DeserializeOwned + Serialize + Clone + PartialEq + std::fmt::Debug + Any,
    O: DeserializeOwned + Serialize + Clone + PartialEq + std::fmt::Debug + Any + Send,
    F: FnOnce(Client, I) -> Fut,
    Fut: Future<Output = Result<O, E>>,
    E: std::fmt::Display + std::fmt::Debug,
{
    let model = service();
    let operation = model
        .operations
        .iter()
        .find(|o| o.name == op)
        .ok_or_else(|| format!("the model has no operation {op}"))?;
    let sampler = Sampler::new(model);
    let input: I = sample(&sampler, operation.input.as_deref())?;
    let output: O = sample(&sampler, operation.output.as_deref())?;
    if let Some(name) = &operation.input {
        let expected = sampler.shape(name);
        if wire(&input) != expected {
            return Err(format!(
                "the input does not write back as it was read:\n{}\n{expected}",
                wire(&input)
            ));
        }
    }

    let handler = Shared::default();
    handler.0.answer(output.clone());
    let transport = InMemoryTransport::service(Router::new(handler.clone())).recording();
    let got = call(client_over(&transport), input.clone())
        .await
        .map_err(|e| format!("the call failed: {e}"))?;
    if got != output {
        return Err(format!(
            "the client got another output:\n{}\n{}",
            wire(&got),
            wire(&output)
        ));
    }
    match handler.0.last_input::<I>(op) {
        Some(seen) if seen == input => {}
        seen => return Err(format!("the handler saw {seen:?}, not {input:?}")),
    }
    let sent = transport
        .last_request()
        .ok_or("the transport recorded no request")?;
    let target = format!("{TARGET_PREFIX}.{op}");
    if sent.header("x-amz-target") != Some(target.as_str()) {
        return Err(format!(
            "X-Amz-Target was {:?}",
            sent.header("x-amz-target")
        ));
    }
    let body: Value = serde_json::from_slice(&sent.body).map_err(|e| e.to_string())?;
    if body != wire(&input) {
        return Err(format!("the body sent was {body}"));
    }
    Ok(())
}

/// Implements the service trait for [`Shared`] from the table, lists the operations, and makes
/// one function that round-trips each of them, returning the failures.
macro_rules! round_trips {
    ($($method:ident($op:literal, $input:ty) -> $output:ty, $error:ty;)*) => {
        impl CognitoIdentityProvider for Shared {
            $(
                async fn $method(&self, input: $input) -> Result<$output, $error> {
                    self.0.serve($op, input)
                }
            )*
        }

        /// The wire name of every operation, in the table's order.
        const OPERATIONS: &[&str] = &[$($op),*];

        /// Round-trips every operation; one line per failure.
        async fn round_trip_every_operation() -> Vec<String> {
            let mut failures = Vec::new();
            $(
                let result = round_trip::<$input, $output, _, _, _>($op, |client, input| async move {
                    client.$method(input).await
                })
                .await;
                if let Err(e) = result {
                    failures.push(format!("{}: {e}", $op));
                }
            )*
            failures
        }
    };
}

include!("support/user_pool_operations.rs");
cognito_identity_provider_operations!(round_trips);

#[test]
fn the_table_lists_every_operation_of_the_model_and_crate() {
    let model: Vec<&str> = service()
        .operations
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(OPERATIONS, model.as_slice());
    let generated: Vec<&str> = cognito_identity_provider::operation::ALL
        .iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(OPERATIONS, generated.as_slice());
    assert_eq!(OPERATIONS.len(), 141);
}

#[tokio::test]
async fn every_operation_round_trips_through_the_client_and_the_router() {
    let failures = round_trip_every_operation().await;
    assert!(
        failures.is_empty(),
        "{} of {} operations failed:\n{}",
        failures.len(),
        OPERATIONS.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Paginators.
// ---------------------------------------------------------------------------------------------

/// A client whose requests a `Router` serving `mock` answers, over HTTP in memory.
fn client_for(mock: &Mock) -> Client {
    client_over(&InMemoryTransport::service(Router::new(mock.clone())))
}

fn users_page(names: &[&str], token: Option<&str>) -> ListUsersResponse {
    let users = names
        .iter()
        .map(|name| UserType::new().with_username(*name))
        .collect();
    let mut page = ListUsersResponse::new().with_users(users);
    page.pagination_token = token.map(str::to_owned);
    page
}

#[test]
fn every_botocore_paginator_is_an_operation_that_pages() {
    let paged: Vec<&str> = service()
        .operations
        .iter()
        .filter(|o| o.pagination.is_some())
        .map(|o| o.name.as_str())
        .collect();
    let file = std::fs::read_to_string(
        xtask::service("cognito-identity-provider")
            .map(|s| s.model_path().join("paginators-1.json"))
            .unwrap_or_else(|e| panic!("{e:#}")),
    )
    .unwrap_or_else(|e| panic!("reading the paginators: {e}"));
    let file: Value = serde_json::from_str(&file).unwrap_or_else(|e| panic!("{e}"));
    let listed: Vec<&str> = file["pagination"]
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(paged, listed);
    assert_eq!(paged.len(), 9);
    let flagged: Vec<&str> = cognito_identity_provider::operation::ALL
        .iter()
        .filter(|o| o.pagination.is_some())
        .map(|o| o.name)
        .collect();
    assert_eq!(flagged, listed);
}

#[tokio::test]
async fn list_users_pages_follow_the_pagination_token_to_the_last_page() {
    let mock = Mock::new();
    mock.queue_list_users([
        Ok(users_page(&["alice", "bob"], Some("t1"))),
        Ok(users_page(&["carol"], Some("t2"))),
        Ok(users_page(&["dave"], None)),
    ]);
    let client = client_for(&mock);
    let mut pages =
        client.list_users_pages(ListUsersRequest::new("us-east-1_Example").with_limit(2));
    let mut names = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page.unwrap_or_else(|e| panic!("a page failed: {e}"));
        for user in page.users.unwrap_or_default() {
            names.push(user.username.unwrap_or_default());
        }
    }
    assert_eq!(names, ["alice", "bob", "carol", "dave"]);
    let sent: Vec<(Option<String>, Option<i32>, String)> = mock
        .list_users_calls()
        .into_iter()
        .map(|input| (input.pagination_token, input.limit, input.user_pool_id))
        .collect();
    let pool = "us-east-1_Example".to_owned();
    assert_eq!(
        sent,
        [
            (None, Some(2), pool.clone()),
            (Some("t1".to_owned()), Some(2), pool.clone()),
            (Some("t2".to_owned()), Some(2), pool),
        ]
    );
}

#[tokio::test]
async fn list_users_in_group_pages_stop_on_an_error() {
    let mock = Mock::new();
    mock.queue_list_users_in_group([
        Ok(ListUsersInGroupResponse::new()
            .with_users(vec![UserType::new().with_username("erin")])
            .with_next_token("n1")),
        Err(ListUsersInGroupError::ResourceNotFoundException(
            ResourceNotFoundException::new().with_message("no such group"),
        )),
    ]);
    let client = client_for(&mock);
    let mut pages = client
        .list_users_in_group_pages(ListUsersInGroupRequest::new("us-east-1_Example", "admins"));
    let first = pages.next_page().await.expect("a first page");
    assert_eq!(
        first.expect("the first page").next_token.as_deref(),
        Some("n1")
    );
    let second = pages.next_page().await.expect("a second answer");
    let err = second.expect_err("the second page fails");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert!(
        pages.next_page().await.is_none(),
        "paging stops after an error"
    );
    assert_eq!(mock.call_count(), 2);
}

// ---------------------------------------------------------------------------------------------
// The wire form of the sign-in calls, against the model's shapes.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn initiate_auth_sends_its_parameters_map_and_reads_the_authentication_result() {
    let transport = InMemoryTransport::canned(
        200,
        json!({
            "AuthenticationResult": {
                "AccessToken": "access.jwt",
                "ExpiresIn": 3600,
                "TokenType": "Bearer",
                "RefreshToken": "refresh.jwt",
                "IdToken": "id.jwt",
                "NewDeviceMetadata": { "DeviceKey": "us-east-1_device", "DeviceGroupKey": "group" }
            },
            "ChallengeParameters": {},
            "AvailableChallenges": ["PASSWORD", "EMAIL_OTP"]
        })
        .to_string(),
    )
    .recording();
    let client = client_over(&transport);
    let parameters = [
        ("USERNAME", "alice"),
        ("PASSWORD", "correct horse"),
        ("SECRET_HASH", "c2VjcmV0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let input =
        InitiateAuthRequest::new(AuthFlowType::UserPasswordAuth, "6lhlkkfbfb4q5kpp90urffae")
            .with_auth_parameters(parameters);
    let output = client
        .initiate_auth(input)
        .await
        .unwrap_or_else(|e| panic!("InitiateAuth failed: {e} ({e:?})"));

    let sent = transport.last_request().expect("a request");
    assert_eq!(
        sent.header("x-amz-target"),
        Some("AWSCognitoIdentityProviderService.InitiateAuth")
    );
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    // InitiateAuth is unsigned in the model: a user signs in without AWS credentials.
    assert_eq!(sent.header("authorization"), None);
    let body: Value = serde_json::from_slice(&sent.body).expect("a JSON body");
    assert_eq!(
        body,
        json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": "6lhlkkfbfb4q5kpp90urffae",
            "AuthParameters": {
                "USERNAME": "alice",
                "PASSWORD": "correct horse",
                "SECRET_HASH": "c2VjcmV0"
            }
        })
    );

    let result = output
        .authentication_result
        .expect("an authentication result");
    // The tokens are sensitive in the model, so they never reach a log through `Debug`.
    let printed = format!("{result:?}");
    assert!(
        !printed.contains("access.jwt") && !printed.contains("refresh.jwt"),
        "{printed}"
    );
    assert_eq!(result.access_token.as_deref(), Some("access.jwt"));
    assert_eq!(result.expires_in, Some(3600));
    assert_eq!(result.token_type.as_deref(), Some("Bearer"));
    assert_eq!(result.refresh_token.as_deref(), Some("refresh.jwt"));
    assert_eq!(result.id_token.as_deref(), Some("id.jwt"));
    let device = result.new_device_metadata.expect("device metadata");
    assert_eq!(device.device_key.as_deref(), Some("us-east-1_device"));
    assert_eq!(
        output.available_challenges,
        Some(vec![
            ChallengeNameType::Password,
            ChallengeNameType::EmailOtp
        ])
    );
    assert_eq!(output.challenge_name, None);
}

#[tokio::test]
async fn respond_to_auth_challenge_carries_the_challenge_and_its_session() {
    let mock = Mock::new();
    mock.on_respond_to_auth_challenge(|_| {
        Ok(
            RespondToAuthChallengeResponse::new().with_authentication_result(
                AuthenticationResultType::new()
                    .with_id_token("id.jwt")
                    .with_expires_in(300),
            ),
        )
    });
    let transport = InMemoryTransport::service(Router::new(mock.clone())).recording();
    let client = client_over(&transport);
    let responses = [("USERNAME", "alice"), ("PASSWORD_VERIFIER", "proof")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let output = client
        .respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(
                "6lhlkkfbfb4q5kpp90urffae",
                ChallengeNameType::PasswordVerifier,
            )
            .with_session("session-from-initiate-auth")
            .with_challenge_responses(responses),
        )
        .await
        .unwrap_or_else(|e| panic!("RespondToAuthChallenge failed: {e} ({e:?})"));
    assert_eq!(
        output.authentication_result.and_then(|r| r.id_token),
        Some("id.jwt".to_owned())
    );
    let body: Value = serde_json::from_slice(&transport.last_request().expect("a request").body)
        .expect("a JSON body");
    assert_eq!(body["ChallengeName"], "PASSWORD_VERIFIER");
    assert_eq!(body["Session"], "session-from-initiate-auth");
    assert_eq!(body["ChallengeResponses"]["PASSWORD_VERIFIER"], "proof");
}

#[tokio::test]
async fn a_modeled_user_pool_error_is_read_by_its_type() {
    let transport = InMemoryTransport::canned(
        400,
        json!({
            "__type": "com.amazonaws.cognito.identity.idp.model#NotAuthorizedException",
            "message": "Incorrect username or password."
        })
        .to_string(),
    );
    let client = client_over(&transport);
    let err = client
        .initiate_auth(InitiateAuthRequest::new(
            AuthFlowType::UserPasswordAuth,
            "client",
        ))
        .await
        .expect_err("the service refused");
    assert!(
        matches!(err, InitiateAuthError::NotAuthorizedException(_)),
        "{err:?}"
    );
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    assert_eq!(err.message(), Some("Incorrect username or password."));
}
