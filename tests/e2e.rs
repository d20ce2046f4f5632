//! End to end: the generated `Client` talks to the generated `Router` in memory, and the router
//! serves a scriptable test handler. Every operation succeeds and fails the way the service
//! does; the router's rejections, the client's wire format, error parsing, retries and opt-in
//! validation are checked on real HTTP messages.
//!
//! These tests use only the public API of the generated crate and its runtime; they must not
//! reach into either crate's internals.

use std::time::Duration;

use aws_json_runtime::client::retry::RetryConfig;
use aws_json_runtime::ErrorKind;
use bytes::Bytes;
use cognito_identity::error::*;
use cognito_identity::types::*;
use cognito_identity::{Client, CognitoIdentity, Config, InMemoryTransport, Router};
use serde_json::{json, Value};
use tests::fixtures::{self, IDENTITY_ID, POOL_ID};
use tests::{
    body_json, client_over, raw_request, served, served_with, target, TestHandler, CONTENT_TYPE,
    OPERATIONS,
};

/// Retries without waiting, so retry tests stay fast.
fn fast_retries(max_attempts: u32) -> RetryConfig {
    RetryConfig {
        max_attempts,
        initial_backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
    }
}

/// The body of an awsJson error response.
fn error_body(code: &str, message: &str) -> Bytes {
    Bytes::from(json!({ "__type": code, "message": message }).to_string())
}

// ---------------------------------------------------------------------------------------------
// Every operation succeeds end to end.
// ---------------------------------------------------------------------------------------------

/// One test per operation: the handler answers with a fully populated output, the client gets
/// exactly that output, the handler saw exactly the input the client sent, and the request
/// named the operation in `X-Amz-Target`.
macro_rules! succeeds_end_to_end {
    ($($test:ident: $method:ident($op:literal, $input:expr) -> $output:expr, $error:ty;)*) => {
        $(
            #[tokio::test]
            async fn $test() {
                let s = served();
                let input = $input;
                let output = $output;
                s.handler.succeed($op, output.clone());
                let got = match s.client.$method(input.clone()).await {
                    Ok(got) => got,
                    Err(e) => panic!("{} failed end to end: {e} ({e:?})", $op),
                };
                assert_eq!(got, output, "{}: the client got a different output", $op);
                assert_eq!(
                    s.handler.inputs_like($op, &input),
                    vec![input],
                    "{}: the handler saw a different input",
                    $op
                );
                assert_eq!(s.handler.called(), vec![$op]);
                let sent = s.transport.last_request().expect("the transport records requests");
                assert_eq!(sent.header("x-amz-target"), Some(target($op).as_str()));
                // The error type is named so that a wrong signature fails to compile here.
                let _: Option<$error> = None;
            }
        )*

        /// The success tests above cover every operation of the model.
        #[test]
        fn success_tests_cover_every_operation() {
            let mut covered = vec![$($op),*];
            covered.sort_unstable();
            let mut all = OPERATIONS.to_vec();
            all.sort_unstable();
            assert_eq!(covered, all);
            assert_eq!(all.len(), 23);
        }
    };
}

succeeds_end_to_end! {
    create_identity_pool_succeeds_end_to_end:
        create_identity_pool("CreateIdentityPool", fixtures::create_identity_pool_input())
        -> fixtures::identity_pool(), CreateIdentityPoolError;
    delete_identities_succeeds_end_to_end:
        delete_identities("DeleteIdentities", fixtures::delete_identities_input())
        -> fixtures::delete_identities_response(), DeleteIdentitiesError;
    delete_identity_pool_succeeds_end_to_end:
        delete_identity_pool("DeleteIdentityPool", fixtures::delete_identity_pool_input())
        -> DeleteIdentityPoolOutput::default(), DeleteIdentityPoolError;
    describe_identity_succeeds_end_to_end:
        describe_identity("DescribeIdentity", fixtures::describe_identity_input())
        -> fixtures::identity_description(), DescribeIdentityError;
    describe_identity_pool_succeeds_end_to_end:
        describe_identity_pool("DescribeIdentityPool", fixtures::describe_identity_pool_input())
        -> fixtures::identity_pool(), DescribeIdentityPoolError;
    get_credentials_for_identity_succeeds_end_to_end:
        get_credentials_for_identity("GetCredentialsForIdentity", fixtures::get_credentials_for_identity_input())
        -> fixtures::get_credentials_for_identity_response(), GetCredentialsForIdentityError;
    get_id_succeeds_end_to_end:
        get_id("GetId", fixtures::get_id_input())
        -> fixtures::get_id_response(), GetIdError;
    get_identity_pool_roles_succeeds_end_to_end:
        get_identity_pool_roles("GetIdentityPoolRoles", fixtures::get_identity_pool_roles_input())
        -> fixtures::get_identity_pool_roles_response(), GetIdentityPoolRolesError;
    get_open_id_token_succeeds_end_to_end:
        get_open_id_token("GetOpenIdToken", fixtures::get_open_id_token_input())
        -> fixtures::get_open_id_token_response(), GetOpenIdTokenError;
    get_open_id_token_for_developer_identity_succeeds_end_to_end:
        get_open_id_token_for_developer_identity("GetOpenIdTokenForDeveloperIdentity", fixtures::get_open_id_token_for_developer_identity_input())
        -> fixtures::get_open_id_token_for_developer_identity_response(), GetOpenIdTokenForDeveloperIdentityError;
    get_principal_tag_attribute_map_succeeds_end_to_end:
        get_principal_tag_attribute_map("GetPrincipalTagAttributeMap", fixtures::get_principal_tag_attribute_map_input())
        -> fixtures::get_principal_tag_attribute_map_response(), GetPrincipalTagAttributeMapError;
    list_identities_succeeds_end_to_end:
        list_identities("ListIdentities", fixtures::list_identities_input())
        -> fixtures::list_identities_response(), ListIdentitiesError;
    list_identity_pools_succeeds_end_to_end:
        list_identity_pools("ListIdentityPools", fixtures::list_identity_pools_input())
        -> fixtures::list_identity_pools_response(), ListIdentityPoolsError;
    list_tags_for_resource_succeeds_end_to_end:
        list_tags_for_resource("ListTagsForResource", fixtures::list_tags_for_resource_input())
        -> fixtures::list_tags_for_resource_response(), ListTagsForResourceError;
    lookup_developer_identity_succeeds_end_to_end:
        lookup_developer_identity("LookupDeveloperIdentity", fixtures::lookup_developer_identity_input())
        -> fixtures::lookup_developer_identity_response(), LookupDeveloperIdentityError;
    merge_developer_identities_succeeds_end_to_end:
        merge_developer_identities("MergeDeveloperIdentities", fixtures::merge_developer_identities_input())
        -> fixtures::merge_developer_identities_response(), MergeDeveloperIdentitiesError;
    set_identity_pool_roles_succeeds_end_to_end:
        set_identity_pool_roles("SetIdentityPoolRoles", fixtures::set_identity_pool_roles_input())
        -> SetIdentityPoolRolesOutput::default(), SetIdentityPoolRolesError;
    set_principal_tag_attribute_map_succeeds_end_to_end:
        set_principal_tag_attribute_map("SetPrincipalTagAttributeMap", fixtures::set_principal_tag_attribute_map_input())
        -> fixtures::set_principal_tag_attribute_map_response(), SetPrincipalTagAttributeMapError;
    tag_resource_succeeds_end_to_end:
        tag_resource("TagResource", fixtures::tag_resource_input())
        -> TagResourceResponse::default(), TagResourceError;
    unlink_developer_identity_succeeds_end_to_end:
        unlink_developer_identity("UnlinkDeveloperIdentity", fixtures::unlink_developer_identity_input())
        -> UnlinkDeveloperIdentityOutput::default(), UnlinkDeveloperIdentityError;
    unlink_identity_succeeds_end_to_end:
        unlink_identity("UnlinkIdentity", fixtures::unlink_identity_input())
        -> UnlinkIdentityOutput::default(), UnlinkIdentityError;
    untag_resource_succeeds_end_to_end:
        untag_resource("UntagResource", fixtures::untag_resource_input())
        -> UntagResourceResponse::default(), UntagResourceError;
    update_identity_pool_succeeds_end_to_end:
        update_identity_pool("UpdateIdentityPool", fixtures::identity_pool())
        -> fixtures::identity_pool(), UpdateIdentityPoolError;
}

#[tokio::test]
async fn key_output_values_survive_the_trip() {
    let s = served();
    s.handler.succeed(
        "GetCredentialsForIdentity",
        fixtures::get_credentials_for_identity_response(),
    );
    let out = s
        .client
        .get_credentials_for_identity(GetCredentialsForIdentityInput::new(IDENTITY_ID))
        .await
        .expect("the handler answers with credentials");
    assert_eq!(out.identity_id.as_deref(), Some(IDENTITY_ID));
    let creds = out.credentials.expect("credentials are set");
    assert_eq!(creds.access_key_id.as_deref(), Some("ASIAIOSFODNN7EXAMPLE"));
    assert_eq!(creds.secret_key.as_deref(), Some(fixtures::SECRET_KEY));
    assert_eq!(
        creds.session_token.as_deref(),
        Some(fixtures::SESSION_TOKEN)
    );
    let expiration = creds.expiration.expect("expiration is set");
    assert_eq!(
        (expiration.secs(), expiration.subsec_nanos()),
        (1_700_003_600, 250_000_000)
    );
}

// ---------------------------------------------------------------------------------------------
// Every modeled error of every operation travels back as the right variant.
// ---------------------------------------------------------------------------------------------

/// One test per operation. For each error the model lists, the handler returns it; the client
/// gets the same variant with code, message and `Display` intact, and the raw router response
/// carries the right status and `__type`. The exhaustive `match` in `variant_name` also proves
/// at compile time that the enum lists exactly these errors plus `Unhandled`.
macro_rules! modeled_errors_travel_back {
    ($($test:ident: $method:ident($op:literal, $input:expr), $error:ident [$($variant:ident),+ $(,)?];)*) => {
        $(
            #[tokio::test]
            async fn $test() {
                fn variant_name(e: &$error) -> &'static str {
                    match e {
                        $($error::$variant(_) => stringify!($variant),)+
                        $error::Unhandled(_) => "Unhandled",
                    }
                }
                $(
                    let code = stringify!($variant);
                    let message = format!("{code} raised while serving {}", $op);
                    let make = || $error::$variant($variant::new().with_message(message.clone()));

                    let s = served();
                    s.handler.fail($op, make());
                    let err = match s.client.$method($input).await {
                        Ok(_) => panic!("{}: expected {code}, got success", $op),
                        Err(e) => e,
                    };
                    assert_eq!(variant_name(&err), code, "{}: {err:?}", $op);
                    assert_eq!(err.code(), Some(code), "{}", $op);
                    assert_eq!(err.message(), Some(message.as_str()), "{}", $op);
                    assert_eq!(err.to_string(), format!("{code}: {message}"), "{}", $op);
                    assert_eq!(s.transport.request_count(), 1, "{}: {code} is not retried here", $op);

                    let handler = TestHandler::new();
                    handler.fail($op, make());
                    let router = Router::new(handler.clone());
                    let body = serde_json::to_string(&$input).expect("inputs serialise");
                    let response = router.handle(raw_request(Some(&target($op)), &body)).await;
                    let status = if code == "InternalErrorException" { 500 } else { 400 };
                    assert_eq!(response.status().as_u16(), status, "{}: {code}", $op);
                    let json = body_json(&response);
                    assert_eq!(json["__type"], code, "{}: {json}", $op);
                    assert_eq!(json["message"], message.as_str(), "{}: {json}", $op);
                    assert_eq!(
                        response.headers().get("content-type").and_then(|v| v.to_str().ok()),
                        Some(CONTENT_TYPE)
                    );
                )+
            }
        )*

        /// The error tests above cover every operation of the model.
        #[test]
        fn error_tests_cover_every_operation() {
            let mut covered = vec![$($op),*];
            covered.sort_unstable();
            let mut all = OPERATIONS.to_vec();
            all.sort_unstable();
            assert_eq!(covered, all);
        }
    };
}

modeled_errors_travel_back! {
    create_identity_pool_modeled_errors_travel_back:
        create_identity_pool("CreateIdentityPool", fixtures::create_identity_pool_input()),
        CreateIdentityPoolError [InternalErrorException, InvalidParameterException, LimitExceededException, NotAuthorizedException, ResourceConflictException, TooManyRequestsException];
    delete_identities_modeled_errors_travel_back:
        delete_identities("DeleteIdentities", fixtures::delete_identities_input()),
        DeleteIdentitiesError [InternalErrorException, InvalidParameterException, TooManyRequestsException];
    delete_identity_pool_modeled_errors_travel_back:
        delete_identity_pool("DeleteIdentityPool", fixtures::delete_identity_pool_input()),
        DeleteIdentityPoolError [InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceNotFoundException, TooManyRequestsException];
    describe_identity_modeled_errors_travel_back:
        describe_identity("DescribeIdentity", fixtures::describe_identity_input()),
        DescribeIdentityError [InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceNotFoundException, TooManyRequestsException];
    describe_identity_pool_modeled_errors_travel_back:
        describe_identity_pool("DescribeIdentityPool", fixtures::describe_identity_pool_input()),
        DescribeIdentityPoolError [InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceNotFoundException, TooManyRequestsException];
    get_credentials_for_identity_modeled_errors_travel_back:
        get_credentials_for_identity("GetCredentialsForIdentity", fixtures::get_credentials_for_identity_input()),
        GetCredentialsForIdentityError [ExternalServiceException, InternalErrorException, InvalidIdentityPoolConfigurationException, InvalidParameterException, NotAuthorizedException, ResourceConflictException, ResourceNotFoundException, TooManyRequestsException];
    get_id_modeled_errors_travel_back:
        get_id("GetId", fixtures::get_id_input()),
        GetIdError [ExternalServiceException, InternalErrorException, InvalidParameterException, LimitExceededException, NotAuthorizedException, ResourceConflictException, ResourceNotFoundException, TooManyRequestsException];
    get_identity_pool_roles_modeled_errors_travel_back:
        get_identity_pool_roles("GetIdentityPoolRoles", fixtures::get_identity_pool_roles_input()),
        GetIdentityPoolRolesError [InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceConflictException, ResourceNotFoundException, TooManyRequestsException];
    get_open_id_token_modeled_errors_travel_back:
        get_open_id_token("GetOpenIdToken", fixtures::get_open_id_token_input()),
        GetOpenIdTokenError [ExternalServiceException, InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceConflictException, ResourceNotFoundException, TooManyRequestsException];
    get_open_id_token_for_developer_identity_modeled_errors_travel_back:
        get_open_id_token_for_developer_identity("GetOpenIdTokenForDeveloperIdentity", fixtures::get_open_id_token_for_developer_identity_input()),
        GetOpenIdTokenForDeveloperIdentityError [DeveloperUserAlreadyRegisteredException, InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceConflictException, ResourceNotFoundException, TooManyRequestsException];
    get_principal_tag_attribute_map_modeled_errors_travel_back:
        get_principal_tag_attribute_map("GetPrincipalTagAttributeMap", fixtures::get_principal_tag_attribute_map_input()),
        GetPrincipalTagAttributeMapError [InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceNotFoundException, TooManyRequestsException];
    list_identities_modeled_errors_travel_back:
        list_identities("ListIdentities", fixtures::list_identities_input()),
        ListIdentitiesError [InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceNotFoundException, TooManyRequestsException];
    list_identity_pools_modeled_errors_travel_back:
        list_identity_pools("ListIdentityPools", fixtures::list_identity_pools_input()),
        ListIdentityPoolsError [InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceNotFoundException, TooManyRequestsException];
    list_tags_for_resource_modeled_errors_travel_back:
        list_tags_for_resource("ListTagsForResource", fixtures::list_tags_for_resource_input()),
        ListTagsForResourceError [InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceNotFoundException, TooManyRequestsException];
    lookup_developer_identity_modeled_errors_travel_back:
        lookup_developer_identity("LookupDeveloperIdentity", fixtures::lookup_developer_identity_input()),
        LookupDeveloperIdentityError [InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceConflictException, ResourceNotFoundException, TooManyRequestsException];
    merge_developer_identities_modeled_errors_travel_back:
        merge_developer_identities("MergeDeveloperIdentities", fixtures::merge_developer_identities_input()),
        MergeDeveloperIdentitiesError [InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceConflictException, ResourceNotFoundException, TooManyRequestsException];
    set_identity_pool_roles_modeled_errors_travel_back:
        set_identity_pool_roles("SetIdentityPoolRoles", fixtures::set_identity_pool_roles_input()),
        SetIdentityPoolRolesError [ConcurrentModificationException, InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceConflictException, ResourceNotFoundException, TooManyRequestsException];
    set_principal_tag_attribute_map_modeled_errors_travel_back:
        set_principal_tag_attribute_map("SetPrincipalTagAttributeMap", fixtures::set_principal_tag_attribute_map_input()),
        SetPrincipalTagAttributeMapError [InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceNotFoundException, TooManyRequestsException];
    tag_resource_modeled_errors_travel_back:
        tag_resource("TagResource", fixtures::tag_resource_input()),
        TagResourceError [InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceNotFoundException, TooManyRequestsException];
    unlink_developer_identity_modeled_errors_travel_back:
        unlink_developer_identity("UnlinkDeveloperIdentity", fixtures::unlink_developer_identity_input()),
        UnlinkDeveloperIdentityError [InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceConflictException, ResourceNotFoundException, TooManyRequestsException];
    unlink_identity_modeled_errors_travel_back:
        unlink_identity("UnlinkIdentity", fixtures::unlink_identity_input()),
        UnlinkIdentityError [ExternalServiceException, InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceConflictException, ResourceNotFoundException, TooManyRequestsException];
    untag_resource_modeled_errors_travel_back:
        untag_resource("UntagResource", fixtures::untag_resource_input()),
        UntagResourceError [InternalErrorException, InvalidParameterException, NotAuthorizedException, ResourceNotFoundException, TooManyRequestsException];
    update_identity_pool_modeled_errors_travel_back:
        update_identity_pool("UpdateIdentityPool", fixtures::identity_pool()),
        UpdateIdentityPoolError [ConcurrentModificationException, InternalErrorException, InvalidParameterException, LimitExceededException, NotAuthorizedException, ResourceConflictException, ResourceNotFoundException, TooManyRequestsException];
}

#[tokio::test]
async fn modeled_error_without_message_displays_its_code() {
    let s = served();
    s.handler.fail(
        "DescribeIdentity",
        DescribeIdentityError::ResourceNotFoundException(ResourceNotFoundException::new()),
    );
    let err = s
        .client
        .describe_identity(fixtures::describe_identity_input())
        .await
        .expect_err("the handler fails");
    assert!(
        matches!(&err, DescribeIdentityError::ResourceNotFoundException(e) if e.message.is_none()),
        "{err:?}"
    );
    assert_eq!(err.message(), None);
    assert_eq!(err.to_string(), "ResourceNotFoundException");
}

#[tokio::test]
async fn unhandled_error_from_the_handler_arrives_as_unhandled_with_its_code() {
    let s = served();
    s.handler.fail(
        "GetId",
        GetIdError::unhandled("SomeNewException", "a brand new failure"),
    );
    let err = s
        .client
        .get_id(GetIdInput::new(POOL_ID))
        .await
        .expect_err("the handler fails");
    let GetIdError::Unhandled(unhandled) = &err else {
        panic!("expected Unhandled, got {err:?}");
    };
    assert_eq!(unhandled.kind(), ErrorKind::Service);
    assert_eq!(unhandled.code(), Some("SomeNewException"));
    assert_eq!(unhandled.message(), Some("a brand new failure"));
    assert_eq!(unhandled.status(), Some(400));
    assert_eq!(err.code(), Some("SomeNewException"));
    assert_eq!(err.to_string(), "SomeNewException: a brand new failure");

    let handler = TestHandler::new();
    handler.fail(
        "GetId",
        GetIdError::unhandled("SomeNewException", "a brand new failure"),
    );
    let response = Router::new(handler)
        .handle(raw_request(
            Some(&target("GetId")),
            &json!({ "IdentityPoolId": POOL_ID }).to_string(),
        ))
        .await;
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(body_json(&response)["__type"], "SomeNewException");
}

#[tokio::test]
async fn handler_error_without_a_code_becomes_a_500_internal_failure() {
    let handler = TestHandler::new();
    handler.fail(
        "GetId",
        GetIdError::Unhandled(aws_json_runtime::UnhandledError::new(
            ErrorKind::Transport,
            "the database is down",
        )),
    );
    let router = Router::new(handler);
    let response = router
        .handle(raw_request(
            Some(&target("GetId")),
            &json!({ "IdentityPoolId": POOL_ID }).to_string(),
        ))
        .await;
    assert_eq!(response.status().as_u16(), 500);
    assert_eq!(body_json(&response)["__type"], "InternalFailure");
}

// ---------------------------------------------------------------------------------------------
// The router's rejections, on raw HTTP.
// ---------------------------------------------------------------------------------------------

/// Sends a raw request to a router whose handler has replies for everything, and returns the
/// status, the JSON body, and the handler (to prove it was not called).
async fn send_raw(target: Option<&str>, body: &str) -> (u16, Value, TestHandler) {
    let handler = TestHandler::new();
    let router = Router::new(handler.clone());
    let response = router.handle(raw_request(target, body)).await;
    (response.status().as_u16(), body_json(&response), handler)
}

/// Asserts a 400 rejection with `code` whose message contains every one of `needles`, and
/// that the handler never ran.
async fn assert_rejected(target: Option<&str>, body: &str, code: &str, needles: &[&str]) {
    let (status, json, handler) = send_raw(target, body).await;
    assert_eq!(status, 400, "{target:?} {body}: {json}");
    assert_eq!(json["__type"], code, "{target:?} {body}: {json}");
    let message = json["message"].as_str().unwrap_or_default();
    for needle in needles {
        assert!(
            message.contains(needle),
            "{target:?} {body}: message {message:?} lacks {needle:?}"
        );
    }
    assert_eq!(handler.call_count(), 0, "the handler must not run");
}

#[tokio::test]
async fn missing_target_header_is_an_unknown_operation() {
    assert_rejected(
        None,
        r#"{"IdentityPoolId":"us-east-1:1234"}"#,
        "UnknownOperationException",
        &[],
    )
    .await;
}

#[tokio::test]
async fn unknown_operation_name_is_an_unknown_operation() {
    assert_rejected(
        Some("AWSCognitoIdentityService.NoSuchOp"),
        "{}",
        "UnknownOperationException",
        &["NoSuchOp"],
    )
    .await;
}

#[tokio::test]
async fn wrong_target_prefix_is_an_unknown_operation() {
    for bad in [
        "AWSCognitoIdentityProviderService.GetId",
        "GetId",
        "AWSCognitoIdentityService.",
        "awscognitoidentityservice.GetId",
    ] {
        assert_rejected(
            Some(bad),
            &json!({ "IdentityPoolId": POOL_ID }).to_string(),
            "UnknownOperationException",
            &[],
        )
        .await;
    }
}

#[tokio::test]
async fn malformed_json_is_a_serialization_error() {
    for body in [r#"{"IdentityPoolId":"#, "not json", "[1, 2]", r#""text""#] {
        assert_rejected(Some(&target("GetId")), body, "SerializationException", &[]).await;
    }
}

#[tokio::test]
async fn wrong_json_types_are_serialization_errors() {
    for (op, body) in [
        ("GetId", json!({ "IdentityPoolId": 5 })),
        (
            "GetId",
            json!({ "IdentityPoolId": POOL_ID, "Logins": ["graph.facebook.com"] }),
        ),
        ("ListIdentityPools", json!({ "MaxResults": "ten" })),
        ("ListIdentityPools", json!({ "MaxResults": 1.5 })),
        (
            "CreateIdentityPool",
            json!({ "IdentityPoolName": "pool", "AllowUnauthenticatedIdentities": "yes" }),
        ),
    ] {
        assert_rejected(
            Some(&target(op)),
            &body.to_string(),
            "SerializationException",
            &[],
        )
        .await;
    }
}

#[tokio::test]
async fn missing_required_member_is_a_validation_error_naming_it() {
    assert_rejected(
        Some(&target("GetId")),
        "{}",
        "ValidationException",
        &["identityPoolId", "must not be null"],
    )
    .await;
    assert_rejected(
        Some(&target("CreateIdentityPool")),
        r#"{"IdentityPoolName":"pool"}"#,
        "ValidationException",
        &["allowUnauthenticatedIdentities"],
    )
    .await;
    // `IdentityPool` is UpdateIdentityPool's input and DescribeIdentityPool's output: a
    // client corrects a response that lacks a member, the server still refuses the request.
    assert_rejected(
        Some(&target("UpdateIdentityPool")),
        &json!({ "IdentityPoolId": POOL_ID, "IdentityPoolName": "pool" }).to_string(),
        "ValidationException",
        &["allowUnauthenticatedIdentities", "must not be null"],
    )
    .await;
    // An empty body reads as `{}`, so it too lacks the required member.
    assert_rejected(
        Some(&target("DescribeIdentity")),
        "",
        "ValidationException",
        &["identityId"],
    )
    .await;
}

#[tokio::test]
async fn pattern_violation_is_a_validation_error() {
    assert_rejected(
        Some(&target("GetId")),
        r#"{"IdentityPoolId":"bad"}"#,
        "ValidationException",
        &["identityPoolId", "'bad'", "pattern"],
    )
    .await;
}

#[tokio::test]
async fn length_violation_is_a_validation_error() {
    let long_name = "p".repeat(129);
    assert_rejected(
        Some(&target("CreateIdentityPool")),
        &json!({ "IdentityPoolName": long_name, "AllowUnauthenticatedIdentities": false })
            .to_string(),
        "ValidationException",
        &["identityPoolName", "length"],
    )
    .await;
    let long_id = format!("us-east-1:{}", "a".repeat(50));
    assert_rejected(
        Some(&target("DescribeIdentityPool")),
        &json!({ "IdentityPoolId": long_id }).to_string(),
        "ValidationException",
        &["identityPoolId", "length"],
    )
    .await;
}

#[tokio::test]
async fn range_violation_is_a_validation_error() {
    for max in [0, 61, -1] {
        assert_rejected(
            Some(&target("ListIdentityPools")),
            &json!({ "MaxResults": max }).to_string(),
            "ValidationException",
            &["maxResults"],
        )
        .await;
    }
    // The bounds themselves are valid.
    for max in [1, 60] {
        let handler = TestHandler::new();
        handler.succeed("ListIdentityPools", ListIdentityPoolsResponse::default());
        let response = Router::new(handler.clone())
            .handle(raw_request(
                Some(&target("ListIdentityPools")),
                &json!({ "MaxResults": max }).to_string(),
            ))
            .await;
        assert_eq!(response.status().as_u16(), 200, "MaxResults {max}");
        assert_eq!(handler.call_count(), 1);
    }
}

#[tokio::test]
async fn unknown_enum_value_in_a_role_mapping_is_a_validation_error() {
    let body = json!({
        "IdentityPoolId": POOL_ID,
        "Roles": { "authenticated": fixtures::AUTH_ROLE },
        "RoleMappings": { "graph.facebook.com": { "Type": "Magic" } }
    });
    assert_rejected(
        Some(&target("SetIdentityPoolRoles")),
        &body.to_string(),
        "ValidationException",
        &["Magic"],
    )
    .await;
}

#[tokio::test]
async fn nested_constraint_violations_are_validation_errors() {
    // A mapping rule's claim breaks its pattern (spaces are not allowed) deep in a map value.
    let body = json!({
        "IdentityPoolId": POOL_ID,
        "Roles": { "authenticated": fixtures::AUTH_ROLE },
        "RoleMappings": { "graph.facebook.com": {
            "Type": "Rules",
            "RulesConfiguration": { "Rules": [
                { "Claim": "has space", "MatchType": "Equals", "Value": "x", "RoleARN": fixtures::AUTH_ROLE }
            ] }
        } }
    });
    assert_rejected(
        Some(&target("SetIdentityPoolRoles")),
        &body.to_string(),
        "ValidationException",
        &["claim"],
    )
    .await;
    // A list shorter than its minimum.
    assert_rejected(
        Some(&target("DeleteIdentities")),
        r#"{"IdentityIdsToDelete":[]}"#,
        "ValidationException",
        &["identityIdsToDelete"],
    )
    .await;
}

#[tokio::test]
async fn rejections_carry_the_error_type_header_and_json_content_type() {
    let router = Router::new(TestHandler::new());
    let response = router
        .handle(raw_request(
            Some(&target("GetId")),
            r#"{"IdentityPoolId":"bad"}"#,
        ))
        .await;
    assert_eq!(
        response
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok()),
        Some("ValidationException")
    );
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some(CONTENT_TYPE)
    );
}

#[tokio::test]
async fn a_rejection_reaches_the_client_as_unhandled_with_code_and_status() {
    let s = served();
    let err = s
        .client
        .get_id(GetIdInput::new("bad"))
        .await
        .expect_err("the router rejects the pattern violation");
    let GetIdError::Unhandled(u) = &err else {
        panic!("ValidationException is not modeled for GetId: {err:?}");
    };
    assert_eq!(u.code(), Some("ValidationException"));
    assert_eq!(u.status(), Some(400));
    assert!(u.message().unwrap_or_default().contains("identityPoolId"));
    assert_eq!(s.handler.call_count(), 0);
}

// ---------------------------------------------------------------------------------------------
// Wire facts of the requests the client sends.
// ---------------------------------------------------------------------------------------------

/// A recording transport that answers every request with `200 {}`.
fn recording_ok() -> InMemoryTransport {
    InMemoryTransport::canned(200, "{}").recording()
}

#[tokio::test]
async fn requests_are_json_posts_naming_the_operation() {
    let transport = recording_ok();
    let client = client_over(&transport);
    client
        .delete_identity_pool(DeleteIdentityPoolInput::new(POOL_ID))
        .await
        .expect("200 {} is a valid DeleteIdentityPool answer");
    let sent = transport.last_request().expect("recorded");
    assert_eq!(sent.method, http::Method::POST);
    assert_eq!(sent.header("content-type"), Some(CONTENT_TYPE));
    assert_eq!(
        sent.header("x-amz-target"),
        Some("AWSCognitoIdentityService.DeleteIdentityPool")
    );
    assert_eq!(sent.uri.path(), "/");
    let body: Value = serde_json::from_slice(&sent.body).expect("the body is JSON");
    assert_eq!(body, json!({ "IdentityPoolId": POOL_ID }));
}

#[tokio::test]
async fn every_operation_sends_its_own_target() {
    let transport = recording_ok();
    let client = client_over(&transport);
    // Each call may fail to parse `{}` as an output with required members; only the
    // request matters here.
    let _ = client
        .create_identity_pool(fixtures::create_identity_pool_input())
        .await;
    let _ = client
        .get_open_id_token_for_developer_identity(
            fixtures::get_open_id_token_for_developer_identity_input(),
        )
        .await;
    let _ = client.update_identity_pool(fixtures::identity_pool()).await;
    let targets: Vec<String> = transport
        .requests()
        .iter()
        .filter_map(|r| r.header("x-amz-target").map(str::to_owned))
        .collect();
    assert_eq!(
        targets,
        vec![
            target("CreateIdentityPool"),
            target("GetOpenIdTokenForDeveloperIdentity"),
            target("UpdateIdentityPool"),
        ]
    );
}

#[tokio::test]
async fn absent_optional_members_are_omitted_from_the_body() {
    let transport = recording_ok();
    let client = client_over(&transport);
    client
        .get_id(GetIdInput::new(POOL_ID))
        .await
        .expect("200 {} is a valid GetId answer");
    client
        .list_identities(ListIdentitiesInput::new(POOL_ID, 10))
        .await
        .expect("200 {} is a valid ListIdentities answer");
    let requests = transport.requests();
    let bodies: Vec<String> = requests.iter().map(|r| r.body_text()).collect();
    assert_eq!(
        bodies,
        vec![
            format!(r#"{{"IdentityPoolId":"{POOL_ID}"}}"#),
            format!(r#"{{"IdentityPoolId":"{POOL_ID}","MaxResults":10}}"#),
        ]
    );
    for body in &bodies {
        assert!(!body.contains("null"), "{body}");
    }
}

#[tokio::test]
async fn request_bodies_use_the_model_wire_names() {
    let transport = recording_ok();
    let client = client_over(&transport);
    let _ = client
        .create_identity_pool(fixtures::create_identity_pool_input())
        .await;
    let _ = client
        .set_identity_pool_roles(fixtures::set_identity_pool_roles_input())
        .await;
    let _ = client
        .get_credentials_for_identity(fixtures::get_credentials_for_identity_input())
        .await;
    let requests = transport.requests();
    let bodies: Vec<Value> = requests
        .iter()
        .map(|r| serde_json::from_slice(&r.body).expect("bodies are JSON"))
        .collect();
    let [create, roles, credentials] = bodies.as_slice() else {
        panic!("expected three requests, got {}", bodies.len());
    };
    assert_eq!(create["IdentityPoolName"], "Photo App Pool");
    assert_eq!(create["AllowUnauthenticatedIdentities"], true);
    assert_eq!(create["AllowClassicFlow"], false);
    assert!(create["OpenIdConnectProviderARNs"].is_array(), "{create}");
    assert!(create["SamlProviderARNs"].is_array(), "{create}");
    assert_eq!(
        create["CognitoIdentityProviders"][0]["ServerSideTokenCheck"],
        true
    );
    assert_eq!(create["IdentityPoolTags"]["Environment"], "Production");
    let mapping = &roles["RoleMappings"]["graph.facebook.com"];
    assert_eq!(mapping["Type"], "Token");
    assert_eq!(mapping["AmbiguousRoleResolution"], "Deny");
    let rules = &roles["RoleMappings"]
        ["cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1:6lhlkkfbfb4q5kpp90urffae"];
    assert_eq!(
        rules["RulesConfiguration"]["Rules"][0]["RoleARN"],
        fixtures::AUTH_ROLE
    );
    assert_eq!(
        rules["RulesConfiguration"]["Rules"][0]["MatchType"],
        "Equals"
    );
    assert_eq!(credentials["CustomRoleArn"], fixtures::AUTH_ROLE);
    assert_eq!(
        credentials["Logins"]["graph.facebook.com"],
        fixtures::FACEBOOK_TOKEN
    );
}

#[tokio::test]
async fn default_endpoint_follows_the_region() {
    let transport = recording_ok();
    let client = Client::new(
        Config::builder()
            .region("eu-west-1")
            .transport(transport.clone())
            .build(),
    );
    client
        .get_id(GetIdInput::new(POOL_ID))
        .await
        .expect("200 {} is a valid GetId answer");
    let sent = transport.last_request().expect("recorded");
    assert_eq!(
        sent.uri.to_string(),
        "https://cognito-identity.eu-west-1.amazonaws.com/"
    );
}

#[tokio::test]
async fn operations_without_output_accept_an_empty_or_braces_body() {
    for body in ["", "{}"] {
        let transport = InMemoryTransport::canned(200, body);
        let out = client_over(&transport)
            .unlink_identity(fixtures::unlink_identity_input())
            .await;
        assert_eq!(
            out.ok(),
            Some(UnlinkIdentityOutput::default()),
            "body {body:?}"
        );
    }
}

#[tokio::test]
async fn router_answers_an_operation_without_output_with_braces() {
    let handler = TestHandler::new();
    handler.succeed("DeleteIdentityPool", DeleteIdentityPoolOutput::default());
    let response = Router::new(handler)
        .handle(raw_request(
            Some(&target("DeleteIdentityPool")),
            &json!({ "IdentityPoolId": POOL_ID }).to_string(),
        ))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(&response.body()[..], b"{}");
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some(CONTENT_TYPE)
    );
}

// ---------------------------------------------------------------------------------------------
// Error parsing from canned responses.
// ---------------------------------------------------------------------------------------------

async fn get_id_against(transport: &InMemoryTransport) -> GetIdError {
    client_over(transport)
        .get_id(GetIdInput::new(POOL_ID))
        .await
        .expect_err("the canned response is an error")
}

#[tokio::test]
async fn error_type_with_namespace_prefix_is_recognised() {
    let transport = InMemoryTransport::canned(
        400,
        r#"{"__type":"com.amazonaws.cognitoidentity#NotAuthorizedException","message":"Token is expired"}"#,
    );
    let err = get_id_against(&transport).await;
    assert!(
        matches!(&err, GetIdError::NotAuthorizedException(e) if e.message() == Some("Token is expired")),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "NotAuthorizedException: Token is expired");
}

#[tokio::test]
async fn error_type_with_colon_suffix_is_recognised() {
    let transport = InMemoryTransport::canned(
        400,
        r#"{"__type":"ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.coral.validate/","message":"no pool"}"#,
    );
    let err = get_id_against(&transport).await;
    assert!(
        matches!(&err, GetIdError::ResourceNotFoundException(e) if e.message() == Some("no pool")),
        "{err:?}"
    );
}

#[tokio::test]
async fn error_code_field_is_recognised() {
    let transport = InMemoryTransport::canned(
        400,
        r#"{"code":"InvalidParameterException","message":"bad logins"}"#,
    );
    let err = get_id_against(&transport).await;
    assert!(
        matches!(&err, GetIdError::InvalidParameterException(e) if e.message() == Some("bad logins")),
        "{err:?}"
    );
}

#[tokio::test]
async fn error_type_header_is_recognised_and_wins_over_the_body() {
    let transport = InMemoryTransport::from_fn(|_, _| {
        let mut response = http::Response::new(Bytes::from_static(
            br#"{"__type":"InvalidParameterException","message":"slow down"}"#,
        ));
        *response.status_mut() = http::StatusCode::BAD_REQUEST;
        response.headers_mut().insert(
            "X-Amzn-ErrorType",
            http::HeaderValue::from_static(
                "TooManyRequestsException:http://internal.amazon.com/coral/com.amazon.coral.service/",
            ),
        );
        Ok(response)
    });
    let err = get_id_against(&transport).await;
    assert!(
        matches!(&err, GetIdError::TooManyRequestsException(e) if e.message() == Some("slow down")),
        "{err:?}"
    );
}

#[tokio::test]
async fn error_header_alone_names_the_error() {
    let transport = InMemoryTransport::from_fn(|_, _| {
        let mut response = http::Response::new(Bytes::new());
        *response.status_mut() = http::StatusCode::BAD_REQUEST;
        response.headers_mut().insert(
            "x-amzn-errortype",
            http::HeaderValue::from_static("NotAuthorizedException"),
        );
        Ok(response)
    });
    let err = get_id_against(&transport).await;
    assert!(
        matches!(&err, GetIdError::NotAuthorizedException(e) if e.message().is_none()),
        "{err:?}"
    );
}

#[tokio::test]
async fn capitalised_message_field_is_accepted() {
    let transport = InMemoryTransport::canned(
        400,
        r#"{"__type":"NotAuthorizedException","Message":"Capital M"}"#,
    );
    let err = get_id_against(&transport).await;
    assert_eq!(err.message(), Some("Capital M"));
    assert!(
        matches!(err, GetIdError::NotAuthorizedException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn unknown_error_code_is_unhandled_with_everything_kept() {
    let raw =
        r#"{"__type":"com.amazonaws.cognitoidentity#BrandNewException","message":"added later"}"#;
    let transport = InMemoryTransport::from_fn(move |_, _| {
        let mut response = http::Response::new(Bytes::from_static(raw.as_bytes()));
        *response.status_mut() = http::StatusCode::CONFLICT;
        response.headers_mut().insert(
            "x-amzn-requestid",
            http::HeaderValue::from_static("b4f7c0de-1111-2222-3333-444455556666"),
        );
        Ok(response)
    });
    let err = get_id_against(&transport).await;
    let GetIdError::Unhandled(u) = &err else {
        panic!("expected Unhandled, got {err:?}");
    };
    assert_eq!(u.kind(), ErrorKind::Service);
    assert_eq!(u.code(), Some("BrandNewException"));
    assert_eq!(u.message(), Some("added later"));
    assert_eq!(u.status(), Some(409));
    assert_eq!(u.request_id(), Some("b4f7c0de-1111-2222-3333-444455556666"));
    assert_eq!(&u.body()[..], raw.as_bytes());
    assert_eq!(err.code(), Some("BrandNewException"));
    assert_eq!(err.to_string(), "BrandNewException: added later");
}

#[tokio::test]
async fn non_json_gateway_error_is_unhandled() {
    let transport = InMemoryTransport::canned(502, "<html><body>Bad Gateway</body></html>");
    let err = get_id_against(&transport).await;
    let GetIdError::Unhandled(u) = &err else {
        panic!("expected Unhandled, got {err:?}");
    };
    assert_eq!(u.code(), None);
    assert_eq!(u.status(), Some(502));
    assert_eq!(&u.body()[..], b"<html><body>Bad Gateway</body></html>");
    assert!(err.to_string().contains("502"), "{err}");
}

#[tokio::test]
async fn malformed_success_body_is_an_unhandled_response_error() {
    for body in [r#"{"IdentityId":"#, r#"{"IdentityId":5}"#, "<xml/>"] {
        let transport = InMemoryTransport::canned(200, body);
        let err = client_over(&transport)
            .get_id(GetIdInput::new(POOL_ID))
            .await
            .expect_err("the body does not match the model");
        let GetIdError::Unhandled(u) = &err else {
            panic!("expected Unhandled, got {err:?}");
        };
        assert_eq!(u.kind(), ErrorKind::Response, "{body}");
        assert_eq!(u.status(), Some(200));
        assert_eq!(&u.body()[..], body.as_bytes());
    }
}

#[tokio::test]
async fn a_response_missing_required_members_gives_them_zero_values() {
    // `IdentityPool` requires its id, name and AllowUnauthenticatedIdentities. A response
    // that leaves some out (or sends `null`) is kept, the missing members read as zero
    // values (Smithy's client error correction); the members sent keep their values.
    let body = r#"{"IdentityPoolId":"us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d","IdentityPoolName":null,"SupportedLoginProviders":{"graph.facebook.com":"app"}}"#;
    let transport = InMemoryTransport::canned(200, body);
    let pool = client_over(&transport)
        .describe_identity_pool(DescribeIdentityPoolInput::new(POOL_ID))
        .await
        .expect("a response missing required members is kept");
    assert_eq!(
        pool.identity_pool_id,
        "us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"
    );
    assert_eq!(pool.identity_pool_name, "");
    assert!(!pool.allow_unauthenticated_identities);
    assert_eq!(
        pool.supported_login_providers
            .as_ref()
            .and_then(|p| p.get("graph.facebook.com"))
            .map(String::as_str),
        Some("app")
    );
    assert_eq!(
        pool.developer_provider_name, None,
        "optional members stay unset"
    );
}

#[tokio::test]
async fn zero_values_reach_into_nested_required_members() {
    // A role mapping without its required `Type`, holding a rule with only its `Claim`: the
    // enum reads as an empty unknown value, the rule's strings as empty ones.
    let body = r#"{"IdentityPoolId":"us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d","RoleMappings":{"graph.facebook.com":{"RulesConfiguration":{"Rules":[{"Claim":"aud"}]}}}}"#;
    let transport = InMemoryTransport::canned(200, body);
    let roles = client_over(&transport)
        .get_identity_pool_roles(GetIdentityPoolRolesInput::new(POOL_ID))
        .await
        .expect("a response missing required members is kept");
    let mapping = &roles.role_mappings.expect("sent")["graph.facebook.com"];
    assert_eq!(mapping.r#type, RoleMappingType::Unknown(String::new()));
    let rules = &mapping.rules_configuration.as_ref().expect("sent").rules;
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].claim, "aud");
    assert_eq!(
        rules[0].match_type,
        MappingRuleMatchType::Unknown(String::new())
    );
    assert_eq!(rules[0].value, "");
    assert_eq!(rules[0].role_arn, "");
}

#[tokio::test]
async fn a_response_that_breaks_the_model_otherwise_is_still_refused() {
    // Correction covers absence only: a required member of the wrong type fails the read.
    let transport = InMemoryTransport::canned(200, r#"{"IdentityPoolId":7}"#);
    let err = client_over(&transport)
        .describe_identity_pool(DescribeIdentityPoolInput::new(POOL_ID))
        .await
        .expect_err("a number is not an identity pool id");
    let DescribeIdentityPoolError::Unhandled(u) = &err else {
        panic!("expected Unhandled, got {err:?}");
    };
    assert_eq!(u.kind(), ErrorKind::Response);
}

#[tokio::test]
async fn modeled_error_with_a_malformed_body_is_unhandled_not_lost() {
    let transport =
        InMemoryTransport::canned(400, r#"{"__type":"NotAuthorizedException","message":42}"#);
    let err = get_id_against(&transport).await;
    let GetIdError::Unhandled(u) = &err else {
        panic!("expected Unhandled, got {err:?}");
    };
    assert_eq!(u.kind(), ErrorKind::Response, "{u:?}");
    assert_eq!(u.code(), Some("NotAuthorizedException"));
    assert_eq!(u.status(), Some(400));
}

#[tokio::test]
async fn unknown_fields_in_a_response_are_ignored() {
    let transport = InMemoryTransport::canned(
        200,
        format!(r#"{{"IdentityId":"{IDENTITY_ID}","NewField":{{"nested":[1,2]}},"Other":true}}"#),
    );
    let out = client_over(&transport)
        .get_id(GetIdInput::new(POOL_ID))
        .await
        .expect("unknown fields do not break parsing");
    assert_eq!(out.identity_id.as_deref(), Some(IDENTITY_ID));
}

// ---------------------------------------------------------------------------------------------
// Retries.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn throttling_is_retried_then_succeeds() {
    let transport = InMemoryTransport::sequence(vec![
        (400, error_body("TooManyRequestsException", "Rate exceeded")),
        (
            200,
            Bytes::from(format!(r#"{{"IdentityId":"{IDENTITY_ID}"}}"#)),
        ),
    ]);
    let client = Client::new(
        Config::builder()
            .region("us-east-1")
            .transport(transport.clone())
            .retry(fast_retries(3))
            .build(),
    );
    let out = client.get_id(GetIdInput::new(POOL_ID)).await;
    assert_eq!(
        transport.request_count(),
        2,
        "one throttled attempt, one retry"
    );
    assert_eq!(
        out.map(|o| o.identity_id).map_err(|e| e.to_string()),
        Ok(Some(IDENTITY_ID.to_owned()))
    );
}

#[tokio::test]
async fn internal_errors_are_retried_up_to_max_attempts_then_returned() {
    for max_attempts in [3, 5] {
        let transport =
            InMemoryTransport::canned(500, error_body("InternalErrorException", "try again"));
        let client = Client::new(
            Config::builder()
                .region("us-east-1")
                .transport(transport.clone())
                .retry(fast_retries(max_attempts))
                .build(),
        );
        let err = client
            .get_id(GetIdInput::new(POOL_ID))
            .await
            .expect_err("every attempt fails");
        assert!(
            matches!(&err, GetIdError::InternalErrorException(e) if e.message() == Some("try again")),
            "{err:?}"
        );
        assert_eq!(
            transport.request_count(),
            max_attempts as usize,
            "max_attempts {max_attempts}"
        );
    }
}

#[tokio::test]
async fn non_retryable_errors_are_not_retried() {
    let transport = InMemoryTransport::canned(
        400,
        error_body("NotAuthorizedException", "Invalid login token"),
    );
    let client = Client::new(
        Config::builder()
            .region("us-east-1")
            .transport(transport.clone())
            .retry(fast_retries(3))
            .build(),
    );
    let err = client
        .get_id(GetIdInput::new(POOL_ID))
        .await
        .expect_err("not authorized");
    assert!(
        matches!(err, GetIdError::NotAuthorizedException(_)),
        "{err:?}"
    );
    assert_eq!(transport.request_count(), 1);
}

#[tokio::test]
async fn unrecognised_service_unavailable_is_retried() {
    let transport = InMemoryTransport::sequence(vec![
        (503, Bytes::from_static(b"Service Unavailable")),
        (200, Bytes::from_static(b"{}")),
    ]);
    let client = Client::new(
        Config::builder()
            .region("us-east-1")
            .transport(transport.clone())
            .retry(fast_retries(3))
            .build(),
    );
    let out = client.get_id(GetIdInput::new(POOL_ID)).await;
    assert!(out.is_ok(), "{out:?}");
    assert_eq!(transport.request_count(), 2);
}

#[tokio::test]
async fn throttled_handler_is_retried_end_to_end() {
    let s = served_with(fast_retries(3));
    s.handler.fail(
        "GetId",
        GetIdError::TooManyRequestsException(
            TooManyRequestsException::new().with_message("slow down"),
        ),
    );
    s.handler.succeed("GetId", fixtures::get_id_response());
    let out = s.client.get_id(fixtures::get_id_input()).await;
    assert_eq!(s.handler.called(), vec!["GetId", "GetId"]);
    assert_eq!(
        out.map_err(|e| e.to_string()),
        Ok(fixtures::get_id_response())
    );
    // The retry resends the same input.
    let inputs: Vec<GetIdInput> = s.handler.inputs("GetId");
    assert_eq!(
        inputs,
        vec![fixtures::get_id_input(), fixtures::get_id_input()]
    );
}

// ---------------------------------------------------------------------------------------------
// Opt-in client-side validation.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn opt_in_validation_fails_before_sending() {
    let transport = InMemoryTransport::canned(200, "{}");
    let client = Client::new(
        Config::builder()
            .region("us-east-1")
            .transport(transport.clone())
            .validate_input(true)
            .build(),
    );
    assert!(client.config().validates_input());
    let err = client
        .get_id(GetIdInput::new("bad"))
        .await
        .expect_err("the pool id breaks its pattern");
    let GetIdError::Unhandled(u) = &err else {
        panic!("expected Unhandled, got {err:?}");
    };
    assert_eq!(u.kind(), ErrorKind::Request);
    assert_eq!(u.status(), None);
    assert!(err.to_string().contains("identityPoolId"), "{err}");
    assert_eq!(transport.request_count(), 0, "nothing was sent");

    // A valid input still goes out.
    client
        .get_id(GetIdInput::new(POOL_ID))
        .await
        .expect("a valid input is sent");
    assert_eq!(transport.request_count(), 1);
}

#[tokio::test]
async fn without_validation_invalid_input_is_sent() {
    let transport = InMemoryTransport::canned(200, "{}");
    let client = Client::new(
        Config::builder()
            .region("us-east-1")
            .transport(transport.clone())
            .build(),
    );
    assert!(!client.config().validates_input());
    client
        .get_id(GetIdInput::new("bad"))
        .await
        .expect("the canned answer accepts anything");
    assert_eq!(transport.request_count(), 1);
}

// ---------------------------------------------------------------------------------------------
// The service trait, and the service-wide error.
// ---------------------------------------------------------------------------------------------

/// Application code written against the trait, as the README shows: it resolves the identity
/// of a login and the name of its pool, converting each operation error with `?`.
async fn identity_and_pool_name(
    api: &impl CognitoIdentity,
    pool: &str,
) -> Result<(String, String), cognito_identity::Error> {
    let id = api
        .get_id(GetIdInput::new(pool).with_logins(fixtures::logins()))
        .await?
        .identity_id
        .unwrap_or_default();
    let name = api
        .describe_identity_pool(DescribeIdentityPoolInput::new(pool))
        .await?
        .identity_pool_name;
    Ok((id, name))
}

fn script_happy_path(handler: &TestHandler) {
    handler.succeed("GetId", fixtures::get_id_response());
    handler.succeed("DescribeIdentityPool", fixtures::identity_pool());
}

#[tokio::test]
async fn code_generic_over_the_trait_works_with_the_client() {
    let s = served();
    script_happy_path(&s.handler);
    let got = identity_and_pool_name(&s.client, POOL_ID).await;
    assert_eq!(
        got.map_err(|e| e.to_string()),
        Ok((IDENTITY_ID.to_owned(), "Photo App Pool".to_owned()))
    );
    assert_eq!(s.transport.request_count(), 2);
    assert_eq!(s.handler.called(), vec!["GetId", "DescribeIdentityPool"]);
}

#[tokio::test]
async fn code_generic_over_the_trait_works_with_a_fake_directly() {
    let handler = TestHandler::new();
    script_happy_path(&handler);
    let got = identity_and_pool_name(&handler, POOL_ID).await;
    assert_eq!(
        got.map_err(|e| e.to_string()),
        Ok((IDENTITY_ID.to_owned(), "Photo App Pool".to_owned()))
    );
    let inputs: Vec<GetIdInput> = handler.inputs("GetId");
    assert_eq!(
        inputs,
        vec![GetIdInput::new(POOL_ID).with_logins(fixtures::logins())]
    );
}

#[tokio::test]
async fn question_mark_converts_operation_errors_into_the_service_error() {
    let s = served();
    s.handler.succeed("GetId", fixtures::get_id_response());
    s.handler.fail(
        "DescribeIdentityPool",
        DescribeIdentityPoolError::ResourceNotFoundException(
            ResourceNotFoundException::new().with_message("IdentityPool not found"),
        ),
    );
    let err = identity_and_pool_name(&s.client, POOL_ID)
        .await
        .expect_err("the pool is gone");
    assert!(
        matches!(&err, cognito_identity::Error::ResourceNotFoundException(e) if e.message() == Some("IdentityPool not found")),
        "{err:?}"
    );
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert_eq!(err.message(), Some("IdentityPool not found"));
    assert_eq!(
        err.to_string(),
        "ResourceNotFoundException: IdentityPool not found"
    );
    let source = std::error::Error::source(&err).map(ToString::to_string);
    assert_eq!(
        source.as_deref(),
        Some("ResourceNotFoundException: IdentityPool not found")
    );
}

#[tokio::test]
async fn unhandled_operation_errors_stay_unhandled_in_the_service_error() {
    let s = served();
    s.handler
        .fail("GetId", GetIdError::unhandled("BrandNewException", "later"));
    let err = identity_and_pool_name(&s.client, POOL_ID)
        .await
        .expect_err("the handler fails");
    let cognito_identity::Error::Unhandled(u) = &err else {
        panic!("expected Unhandled, got {err:?}");
    };
    assert_eq!(u.code(), Some("BrandNewException"));
    assert_eq!(err.code(), Some("BrandNewException"));
    assert_eq!(err.message(), Some("later"));
}

#[tokio::test]
async fn every_operation_error_converts_into_the_service_error() {
    // One modeled error per operation error enum, each converted with `From`.
    let converted: Vec<cognito_identity::Error> = vec![
        CreateIdentityPoolError::LimitExceededException(LimitExceededException::new()).into(),
        GetCredentialsForIdentityError::InvalidIdentityPoolConfigurationException(
            InvalidIdentityPoolConfigurationException::new(),
        )
        .into(),
        GetOpenIdTokenForDeveloperIdentityError::DeveloperUserAlreadyRegisteredException(
            DeveloperUserAlreadyRegisteredException::new(),
        )
        .into(),
        SetIdentityPoolRolesError::ConcurrentModificationException(
            ConcurrentModificationException::new(),
        )
        .into(),
        UnlinkIdentityError::ExternalServiceException(ExternalServiceException::new()).into(),
    ];
    let codes: Vec<Option<&str>> = converted
        .iter()
        .map(cognito_identity::Error::code)
        .collect();
    assert_eq!(
        codes,
        vec![
            Some("LimitExceededException"),
            Some("InvalidIdentityPoolConfigurationException"),
            Some("DeveloperUserAlreadyRegisteredException"),
            Some("ConcurrentModificationException"),
            Some("ExternalServiceException"),
        ]
    );
}

#[tokio::test]
async fn pages_follow_the_continuation_token_until_it_runs_out() {
    let served = served();
    let page = |token: Option<&str>| ListIdentityPoolsResponse {
        next_token: token.map(str::to_owned),
        ..fixtures::list_identity_pools_response()
    };
    served
        .handler
        .succeed("ListIdentityPools", page(Some("t1")));
    served
        .handler
        .succeed("ListIdentityPools", page(Some("t2")));
    served.handler.succeed("ListIdentityPools", page(None));
    let mut pages = served
        .client
        .list_identity_pools_pages(ListIdentityPoolsInput::new(10));
    let mut tokens = Vec::new();
    while let Some(page) = pages.next_page().await {
        tokens.push(page.expect("each page succeeds").next_token);
    }
    assert_eq!(tokens, [Some("t1".into()), Some("t2".into()), None]);
    let sent: Vec<Option<String>> = served
        .handler
        .inputs::<ListIdentityPoolsInput>("ListIdentityPools")
        .into_iter()
        .map(|i| i.next_token)
        .collect();
    assert_eq!(sent, [None, Some("t1".into()), Some("t2".into())]);
}

#[tokio::test]
async fn paging_stops_on_a_repeated_token_and_after_an_error() {
    let served = served();
    let page = ListIdentityPoolsResponse {
        next_token: Some("same".into()),
        ..fixtures::list_identity_pools_response()
    };
    served.handler.succeed("ListIdentityPools", page.clone());
    served.handler.succeed("ListIdentityPools", page);
    let mut pages = served
        .client
        .list_identity_pools_pages(ListIdentityPoolsInput::new(10));
    let mut results = Vec::new();
    while let Some(page) = pages.next_page().await {
        results.push(page);
    }
    // The second page repeats the token just sent: it is yielded, then the guard's error.
    assert_eq!(results.len(), 3);
    assert!(results[..2].iter().all(Result::is_ok));
    assert!(matches!(
        results[2],
        Err(ListIdentityPoolsError::Unhandled(ref e)) if e.kind() == ErrorKind::Response
    ));

    served.handler.fail(
        "ListIdentityPools",
        ListIdentityPoolsError::NotAuthorizedException(NotAuthorizedException::new()),
    );
    let mut pages = served
        .client
        .list_identity_pools_pages(ListIdentityPoolsInput::new(10));
    assert!(matches!(pages.next_page().await, Some(Err(_))));
    assert!(pages.next_page().await.is_none());
}
