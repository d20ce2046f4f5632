//! The generated `Mock`: answers set per operation by closure or queue, the "not mocked"
//! error of an operation nobody set up, the record of every call with its input, and the mock
//! standing in for the service in code written against the `CognitoIdentity` trait, directly
//! and behind a `Router` over HTTP.

use aws_json_runtime::client::mock::NOT_MOCKED;
use aws_json_runtime::ErrorKind;
use cognito_identity::error::{
    GetCredentialsForIdentityError, GetIdError, NotAuthorizedException, ResourceNotFoundException,
};
use cognito_identity::mock::Mock;
use cognito_identity::types::{
    Credentials, DescribeIdentityPoolInput, GetCredentialsForIdentityInput,
    GetCredentialsForIdentityResponse, GetIdInput, GetIdResponse, IdentityPool,
};
use cognito_identity::{CognitoIdentity, InMemoryTransport, Router};
use tests::client_over;

const POOL: &str = "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b";
const IDENTITY: &str = "us-east-1:11111111-2222-3333-4444-555555555555";

/// Application code written against the trait: resolves an identity, then its credentials.
async fn credentials_for(
    api: &impl CognitoIdentity,
    pool: &str,
) -> Result<(String, String), String> {
    let id = api
        .get_id(GetIdInput::new(pool))
        .await
        .map_err(|e| e.to_string())?
        .identity_id
        .ok_or("no identity id")?;
    let credentials = api
        .get_credentials_for_identity(GetCredentialsForIdentityInput::new(id.clone()))
        .await
        .map_err(|e| e.to_string())?
        .credentials
        .ok_or("no credentials")?;
    Ok((id, credentials.access_key_id.unwrap_or_default()))
}

fn credentials(access_key: &str) -> GetCredentialsForIdentityResponse {
    GetCredentialsForIdentityResponse::new()
        .with_identity_id(IDENTITY)
        .with_credentials(
            Credentials::new()
                .with_access_key_id(access_key)
                .with_secret_key("secret"),
        )
}

#[tokio::test]
async fn code_written_against_the_trait_runs_on_the_mock() {
    let mock = Mock::new();
    mock.on_get_id(|_| Ok(GetIdResponse::new().with_identity_id(IDENTITY)))
        .on_get_credentials_for_identity(|input| {
            assert_eq!(
                input.identity_id, IDENTITY,
                "the id from GetId is passed on"
            );
            Ok(credentials("ASIAEXAMPLE"))
        });
    let got = credentials_for(&mock, POOL).await;
    assert_eq!(got, Ok((IDENTITY.to_owned(), "ASIAEXAMPLE".to_owned())));
    assert_eq!(mock.calls(), ["GetId", "GetCredentialsForIdentity"]);
    assert_eq!(mock.call_count(), 2);
}

#[tokio::test]
async fn a_closure_answers_every_call_from_its_input() {
    let mock = Mock::new();
    mock.on_get_id(|input| {
        Ok(GetIdResponse::new().with_identity_id(format!("{}:id", input.identity_pool_id)))
    });
    for pool in ["eu-west-1:a", "us-east-2:b"] {
        let out = mock.get_id(GetIdInput::new(pool)).await;
        let id = out.unwrap_or_else(|e| panic!("{e}")).identity_id;
        assert_eq!(id, Some(format!("{pool}:id")));
    }
    let pools: Vec<String> = mock
        .get_id_calls()
        .into_iter()
        .map(|input| input.identity_pool_id)
        .collect();
    assert_eq!(pools, ["eu-west-1:a", "us-east-2:b"]);
}

#[tokio::test]
async fn a_queue_answers_one_call_per_answer_then_says_it_ran_out() {
    let mock = Mock::new();
    mock.queue_get_id([
        Err(GetIdError::NotAuthorizedException(
            NotAuthorizedException::new().with_message("expired"),
        )),
        Ok(GetIdResponse::new().with_identity_id(IDENTITY)),
    ]);
    let first = mock.get_id(GetIdInput::new(POOL)).await;
    assert!(
        matches!(&first, Err(GetIdError::NotAuthorizedException(e)) if e.message.as_deref() == Some("expired")),
        "{first:?}"
    );
    let second = mock.get_id(GetIdInput::new(POOL)).await;
    assert_eq!(
        second.ok().and_then(|o| o.identity_id).as_deref(),
        Some(IDENTITY)
    );
    match mock.get_id(GetIdInput::new(POOL)).await {
        Err(GetIdError::Unhandled(e)) => {
            assert_eq!(e.code(), Some(NOT_MOCKED));
            assert_eq!(
                e.message(),
                Some("`GetId` is not mocked: all 2 queued answers were used")
            );
        }
        other => panic!("expected the not-mocked error, got {other:?}"),
    }
    assert_eq!(mock.get_id_calls().len(), 3, "every call is recorded");
}

#[tokio::test]
async fn an_operation_not_set_up_answers_not_mocked_naming_it() {
    let mock = Mock::new();
    mock.on_get_id(|_| Ok(GetIdResponse::new()));
    let error = mock
        .describe_identity_pool(DescribeIdentityPoolInput::new(POOL))
        .await
        .expect_err("DescribeIdentityPool was not set up");
    assert_eq!(error.code(), Some(NOT_MOCKED));
    assert_eq!(
        error.to_string(),
        "NotMocked: `DescribeIdentityPool` is not mocked"
    );
    assert_eq!(mock.calls(), ["DescribeIdentityPool"]);
    assert_eq!(
        mock.describe_identity_pool_calls(),
        [DescribeIdentityPoolInput::new(POOL)]
    );
}

#[tokio::test]
async fn calls_are_recorded_in_order_with_their_typed_inputs() {
    let mock = Mock::new();
    mock.on_get_id(|_| Ok(GetIdResponse::new().with_identity_id(IDENTITY)))
        .on_describe_identity_pool(|input| {
            Ok(IdentityPool::new(input.identity_pool_id, "pool", true))
        });
    let logins = [("accounts.google.com".to_owned(), "token".to_owned())];
    let with_logins = GetIdInput::new(POOL).with_logins(logins.into_iter().collect());
    let _ = mock.get_id(with_logins.clone()).await;
    let _ = mock
        .describe_identity_pool(DescribeIdentityPoolInput::new(POOL))
        .await;
    let _ = mock.get_id(GetIdInput::new("eu-west-1:x")).await;
    assert_eq!(
        mock.calls(),
        ["GetId", "DescribeIdentityPool", "GetId"],
        "the order of calls over all operations"
    );
    assert_eq!(
        mock.get_id_calls(),
        [with_logins, GetIdInput::new("eu-west-1:x")]
    );
    assert_eq!(mock.describe_identity_pool_calls().len(), 1);
    assert!(mock.get_credentials_for_identity_calls().is_empty());
    assert_eq!(mock.call_count(), 3);
}

#[tokio::test]
async fn clones_share_answers_and_calls() {
    let mock = Mock::new();
    let handed_out = mock.clone();
    mock.on_get_id(|_| Ok(GetIdResponse::new().with_identity_id(IDENTITY)));
    let got = handed_out.get_id(GetIdInput::new(POOL)).await;
    assert!(got.is_ok());
    assert_eq!(mock.get_id_calls().len(), 1);
}

#[tokio::test]
async fn a_router_serves_the_mock_over_http() {
    let mock = Mock::new();
    mock.on_get_id(|_| Ok(GetIdResponse::new().with_identity_id(IDENTITY)))
        .queue_get_credentials_for_identity([Err(
            GetCredentialsForIdentityError::ResourceNotFoundException(
                ResourceNotFoundException::new().with_message("no such identity"),
            ),
        )]);
    let transport = InMemoryTransport::service(Router::new(mock.clone()));
    let client = client_over(&transport);

    let got = credentials_for(&client, POOL).await;
    assert_eq!(
        got,
        Err("ResourceNotFoundException: no such identity".to_owned()),
        "the modeled error crosses the wire as itself"
    );
    // An operation nobody set up reaches the client as an unhandled error with the code.
    match client
        .describe_identity_pool(DescribeIdentityPoolInput::new(POOL))
        .await
    {
        Err(e) => {
            assert_eq!(e.code(), Some(NOT_MOCKED));
            assert_eq!(e.message(), Some("`DescribeIdentityPool` is not mocked"));
        }
        Ok(out) => panic!("expected the not-mocked error, got {out:?}"),
    }
    assert_eq!(
        mock.calls(),
        ["GetId", "GetCredentialsForIdentity", "DescribeIdentityPool"]
    );
}

#[test]
fn the_not_mocked_error_is_a_service_error_that_is_never_retried() {
    let mock = Mock::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| panic!("building a runtime: {e}"));
    match runtime.block_on(mock.get_id(GetIdInput::new(POOL))) {
        Err(GetIdError::Unhandled(e)) => {
            assert_eq!(e.kind(), ErrorKind::Service);
            assert_eq!(e.retry_kind(), None);
        }
        other => panic!("expected the not-mocked error, got {other:?}"),
    }
}
