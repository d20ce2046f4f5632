//! The scenarios the benchmarks of this folder share: canned wire bodies, the client and server
//! set-ups, and one call per scenario.
//!
//! Each call does the whole job a user pays for: build the input, serialise it, send it
//! through the in-memory transport (or hand the request to the router), and read the output
//! or the error. The bodies are the ones the comparison with the official SDK uses, byte for
//! byte, so the numbers line up. Nothing here measures or counts; the bench files do that.

use std::collections::HashMap;
use std::future::{ready, Future};
use std::hint::black_box;

use bytes::Bytes;
use cognito_identity::error::{self, GetCredentialsForIdentityError};
use cognito_identity::runtime::HttpRequest;
use cognito_identity::types::{
    self, DescribeIdentityPoolInput, GetCredentialsForIdentityInput, GetIdInput,
};
use cognito_identity::{Client, CognitoIdentity, InMemoryTransport, Router};

/// The identity every GetCredentialsForIdentity call asks about.
pub const IDENTITY_ID: &str = "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b";

/// The identity pool GetId names.
pub const IDENTITY_POOL_ID: &str = "us-east-1:2f6b1d7e-5a4c-4b3a-9e8d-7c6b5a4f3e2d";

/// A realistic GetCredentialsForIdentity response: an ~800-character session token and an
/// expiration written with an exponent, as the service sends it.
pub const GET_CREDS_BODY: &str = concat!(
    r#"{"IdentityId":"us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b","Credentials":{"AccessKeyId":"ASIAQW3EXAMPLE7LKJHG","SecretKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEYab12","SessionToken":""#,
    "IQoJb3JpZ2luX2VjEFIaCXVzLWVhc3QtMSJHMEUCIQDexampleSessionTokenAbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "AiBexampleSessionTokenAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP",
    "QRSTUVWXYZ0123456789exampleSessionTokenAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyz",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789exampleSessionTokenAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij",
    "klmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789exampleSessionTokenAbCdEfGhIjKlMnOpQrStUvWxYz0123",
    "456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789exampleSessionTokenAbCdEfGhIjKlMn",
    "OpQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789exampleSessionTok",
    "enAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=",
    r#"","Expiration":1.7E9}}"#
);

/// The GetId response.
pub const GET_ID_BODY: &str = r#"{"IdentityId":"us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b"}"#;

/// The 400 answer to a GetCredentialsForIdentity call with an expired login token.
pub const NOT_AUTHORIZED_BODY: &str = r#"{"__type":"NotAuthorizedException","message":"Invalid login token. Token expired: 1700000000 >= 1699999999"}"#;

/// The request body a client sends for GetCredentialsForIdentity, as the server receives it.
pub const GET_CREDS_REQUEST_BODY: &str =
    r#"{"IdentityId":"us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b"}"#;

/// The `X-Amz-Target` of GetCredentialsForIdentity.
pub const GET_CREDS_TARGET: &str = "AWSCognitoIdentityService.GetCredentialsForIdentity";

/// The length of the session token in [`GET_CREDS_BODY`], checked before measuring so a
/// parser that silently dropped it could not look fast.
pub const SESSION_TOKEN_LEN: usize = 806;

/// The DescribeIdentityPool response: a pool with every kind of provider and tags.
pub const DESCRIBE_POOL_BODY: &str = r#"{"IdentityPoolId":"us-east-1:2f6b1d7e-5a4c-4b3a-9e8d-7c6b5a4f3e2d","IdentityPoolName":"MyIdentityPool","AllowUnauthenticatedIdentities":true,"AllowClassicFlow":false,"SupportedLoginProviders":{"graph.facebook.com":"7346241598935552","accounts.google.com":"123456789012.apps.googleusercontent.com"},"DeveloperProviderName":"login.mycompany.myapp","OpenIdConnectProviderARNs":["arn:aws:iam::123456789012:oidc-provider/example.com"],"CognitoIdentityProviders":[{"ProviderName":"cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI","ClientId":"1example23456789","ServerSideTokenCheck":false}],"SamlProviderARNs":[],"IdentityPoolTags":{"env":"prod","team":"identity"}}"#;

/// The SigV4 test suite's key pair, which signs DescribeIdentityPool.
pub fn test_credentials() -> cognito_identity::runtime::auth::credentials::Credentials {
    cognito_identity::runtime::auth::credentials::Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "bench",
    )
}

/// One benchmarked call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// GetCredentialsForIdentity answered 200 with [`GET_CREDS_BODY`].
    GetCredentials,
    /// GetCredentialsForIdentity answered 400 with [`NOT_AUTHORIZED_BODY`].
    GetCredentialsNotAuthorized,
    /// GetId with an account id and one login, answered 200 with [`GET_ID_BODY`].
    GetId,
    /// DescribeIdentityPool, signed with SigV4, answered 200 with [`DESCRIBE_POOL_BODY`].
    DescribePoolSigned,
    /// One GetCredentialsForIdentity request through [`Router::handle`].
    ServerGetCredentials,
}

impl Scenario {
    /// Every scenario, in report order.
    pub const ALL: [Scenario; 5] = [
        Scenario::GetCredentials,
        Scenario::GetCredentialsNotAuthorized,
        Scenario::GetId,
        Scenario::DescribePoolSigned,
        Scenario::ServerGetCredentials,
    ];

    /// The benchmark id.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::GetCredentials => "client/get_credentials_for_identity",
            Scenario::GetCredentialsNotAuthorized => "client/get_credentials_not_authorized",
            Scenario::GetId => "client/get_id",
            Scenario::DescribePoolSigned => "client/describe_identity_pool_signed",
            Scenario::ServerGetCredentials => "server/get_credentials_for_identity",
        }
    }

    /// The client, transport and router the scenario calls.
    pub fn fixture(self) -> Result<Fixture, String> {
        let canned = |status: u16, body: &'static str| {
            let transport = InMemoryTransport::canned(status, body);
            let config = cognito_identity::runtime::Config::builder()
                .region("us-east-1")
                .credentials(test_credentials())
                .transport(transport.clone())
                .build();
            Fixture::Client(self, Client::new(config), transport)
        };
        Ok(match self {
            Scenario::GetCredentials => canned(200, GET_CREDS_BODY),
            Scenario::GetCredentialsNotAuthorized => canned(400, NOT_AUTHORIZED_BODY),
            Scenario::GetId => canned(200, GET_ID_BODY),
            Scenario::DescribePoolSigned => canned(200, DESCRIBE_POOL_BODY),
            Scenario::ServerGetCredentials => Fixture::Server(Router::new(CannedHandler::new()?)),
        })
    }
}

/// A scenario ready to call.
pub enum Fixture {
    /// A client over a canned in-memory transport, and that transport.
    Client(Scenario, Client, InMemoryTransport),
    /// A router over [`CannedHandler`].
    Server(Router<CannedHandler>),
}

impl Fixture {
    /// How many requests reached the transport (`None` for the server, which has none).
    pub fn requests_sent(&self) -> Option<usize> {
        match self {
            Fixture::Client(_, _, transport) => Some(transport.request_count()),
            Fixture::Server(_) => None,
        }
    }

    /// Makes one call and checks only what is free to check (the variant, the status), so the
    /// loop measures the call. [`Fixture::verify`] checks the whole result once beforehand.
    pub async fn call(&self) -> Result<(), String> {
        match self {
            Fixture::Client(Scenario::GetCredentials, client, _) => {
                let input = GetCredentialsForIdentityInput::new(IDENTITY_ID);
                match client.get_credentials_for_identity(input).await {
                    Ok(output) => {
                        black_box(output);
                        Ok(())
                    }
                    Err(e) => Err(format!("unexpected error: {e}")),
                }
            }
            Fixture::Client(Scenario::GetCredentialsNotAuthorized, client, _) => {
                let input = GetCredentialsForIdentityInput::new(IDENTITY_ID);
                match client.get_credentials_for_identity(input).await {
                    Err(GetCredentialsForIdentityError::NotAuthorizedException(e)) => {
                        black_box(e.message());
                        black_box(e);
                        Ok(())
                    }
                    Err(e) => Err(format!("unexpected error: {e}")),
                    Ok(_) => Err("a 400 response was read as a success".to_owned()),
                }
            }
            Fixture::Client(Scenario::GetId, client, _) => {
                let input = get_id_input();
                match client.get_id(input).await {
                    Ok(output) => {
                        black_box(output);
                        Ok(())
                    }
                    Err(e) => Err(format!("unexpected error: {e}")),
                }
            }
            Fixture::Client(Scenario::DescribePoolSigned, client, _) => {
                let input = DescribeIdentityPoolInput::new(IDENTITY_POOL_ID);
                match client.describe_identity_pool(input).await {
                    Ok(output) => {
                        black_box(output);
                        Ok(())
                    }
                    Err(e) => Err(format!("unexpected error: {e}")),
                }
            }
            Fixture::Client(Scenario::ServerGetCredentials, _, _) => {
                Err("the server scenario has no client".to_owned())
            }
            Fixture::Server(router) => {
                let response = router.handle(get_creds_request()).await;
                if response.status() == 200 {
                    black_box(response);
                    Ok(())
                } else {
                    Err(format!("status {}", response.status()))
                }
            }
        }
    }

    /// Makes one call and checks every part of the result against the canned body.
    pub async fn verify(&self) -> Result<(), String> {
        match self {
            Fixture::Client(Scenario::GetCredentials, client, _) => {
                let input = GetCredentialsForIdentityInput::new(IDENTITY_ID);
                let output = client
                    .get_credentials_for_identity(input)
                    .await
                    .map_err(|e| format!("unexpected error: {e}"))?;
                check_credentials(&output)
            }
            Fixture::Client(Scenario::GetCredentialsNotAuthorized, client, _) => {
                let input = GetCredentialsForIdentityInput::new(IDENTITY_ID);
                match client.get_credentials_for_identity(input).await {
                    Err(GetCredentialsForIdentityError::NotAuthorizedException(e))
                        if e.message()
                            .is_some_and(|m| m.starts_with("Invalid login token")) =>
                    {
                        Ok(())
                    }
                    Err(e) => Err(format!("unexpected error: {e}")),
                    Ok(_) => Err("a 400 response was read as a success".to_owned()),
                }
            }
            Fixture::Client(Scenario::GetId, client, _) => {
                let input = get_id_input();
                let output = client
                    .get_id(input)
                    .await
                    .map_err(|e| format!("unexpected error: {e}"))?;
                if output.identity_id.as_deref() == Some(IDENTITY_ID) {
                    Ok(())
                } else {
                    Err(format!("wrong output: {output:?}"))
                }
            }
            Fixture::Client(Scenario::DescribePoolSigned, client, _) => {
                let input = DescribeIdentityPoolInput::new(IDENTITY_POOL_ID);
                let output = client
                    .describe_identity_pool(input.clone())
                    .await
                    .map_err(|e| format!("unexpected error: {e}"))?;
                // The measured transport does not record (that would cost the loop), so a
                // recording twin shows the request is signed.
                let probe = InMemoryTransport::canned(200, DESCRIBE_POOL_BODY).recording();
                let config = cognito_identity::runtime::Config::builder()
                    .region("us-east-1")
                    .credentials(test_credentials())
                    .transport(probe.clone())
                    .build();
                Client::new(config)
                    .describe_identity_pool(input)
                    .await
                    .map_err(|e| format!("unexpected error: {e}"))?;
                let signed = probe.last_request().and_then(|r| {
                    r.header("authorization")
                        .map(|a| a.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"))
                });
                if signed != Some(true) {
                    return Err("the DescribeIdentityPool request was not signed".to_owned());
                }
                if output.identity_pool_name == "MyIdentityPool"
                    && output.identity_pool_tags.as_ref().map(|t| t.len()) == Some(2)
                {
                    Ok(())
                } else {
                    Err(format!("wrong output: {output:?}"))
                }
            }
            Fixture::Client(Scenario::ServerGetCredentials, _, _) => {
                Err("the server scenario has no client".to_owned())
            }
            Fixture::Server(router) => {
                let response = router.handle(get_creds_request()).await;
                if response.status() != 200 {
                    return Err(format!("status {}", response.status()));
                }
                let output: types::GetCredentialsForIdentityResponse =
                    serde_json::from_slice(response.body())
                        .map_err(|e| format!("the router's output does not parse: {e}"))?;
                check_credentials(&output)
            }
        }
    }
}

/// The GetId input: an account id, the pool, and one Facebook login, built anew per call as
/// a user would.
pub fn get_id_input() -> GetIdInput {
    let logins = HashMap::from([(
        "graph.facebook.com".to_owned(),
        "EAAGm0PX4ZCpsBAExampleFacebookToken".to_owned(),
    )]);
    GetIdInput::new(IDENTITY_POOL_ID)
        .with_account_id("123456789012")
        .with_logins(logins)
}

/// Checks that `output` holds everything [`GET_CREDS_BODY`] says.
fn check_credentials(output: &types::GetCredentialsForIdentityResponse) -> Result<(), String> {
    let credentials = output
        .credentials
        .as_ref()
        .ok_or("the credentials were dropped")?;
    let token_len = credentials.session_token.as_deref().map_or(0, str::len);
    let seconds = credentials.expiration.map(|t| t.secs());
    let right = output.identity_id.as_deref() == Some(IDENTITY_ID)
        && credentials.access_key_id.as_deref() == Some("ASIAQW3EXAMPLE7LKJHG")
        && credentials.secret_key.is_some()
        && token_len == SESSION_TOKEN_LEN
        && seconds == Some(1_700_000_000);
    if right {
        Ok(())
    } else {
        Err(format!(
            "wrong output: token length {token_len}, expiration {seconds:?}, {output:?}"
        ))
    }
}

/// The exit status of a bench binary: success, or the error printed and failure.
#[allow(dead_code)] // Used by the bench binaries, not by the criterion bench.
pub fn exit_code(result: Result<(), String>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// A GetCredentialsForIdentity request with `body`, built the way the client builds it
/// (same method and headers, header names from the runtime's constants).
pub fn get_creds_request_with(body: Bytes) -> HttpRequest {
    let mut request = http::Request::new(body);
    *request.method_mut() = http::Method::POST;
    let headers = request.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    headers.insert(
        aws_json_runtime::base::http::X_AMZ_TARGET,
        http::HeaderValue::from_static(GET_CREDS_TARGET),
    );
    request
}

/// A GetCredentialsForIdentity request as a server receives it.
pub fn get_creds_request() -> HttpRequest {
    get_creds_request_with(Bytes::from_static(GET_CREDS_REQUEST_BODY.as_bytes()))
}

/// A service that answers GetCredentialsForIdentity with the output of [`GET_CREDS_BODY`]
/// and refuses every other operation.
#[derive(Debug, Clone)]
pub struct CannedHandler {
    output: types::GetCredentialsForIdentityResponse,
}

impl CannedHandler {
    /// Reads the canned output once, so each call only clones it.
    pub fn new() -> Result<Self, String> {
        let output = serde_json::from_str(GET_CREDS_BODY)
            .map_err(|e| format!("the canned body does not parse: {e}"))?;
        Ok(CannedHandler { output })
    }
}

/// Answers each listed operation with a `NotImplemented` error without looking at its input.
macro_rules! refuse {
    ($($method:ident($input:ty) -> $output:ty, $error:ty;)*) => {
        $(
            fn $method(
                &self,
                _: $input,
            ) -> impl Future<Output = Result<$output, $error>> + Send {
                ready(Err(<$error>::unhandled(
                    "NotImplemented",
                    "the benchmark handler serves GetCredentialsForIdentity only",
                )))
            }
        )*
    };
}

impl CognitoIdentity for CannedHandler {
    fn get_credentials_for_identity(
        &self,
        input: GetCredentialsForIdentityInput,
    ) -> impl Future<
        Output = Result<types::GetCredentialsForIdentityResponse, GetCredentialsForIdentityError>,
    > + Send {
        // Reading the input is part of a handler's work; a caller asking about another
        // identity is refused so the input cannot be optimised away.
        ready(if input.identity_id == IDENTITY_ID {
            Ok(self.output.clone())
        } else {
            Err(GetCredentialsForIdentityError::unhandled(
                "ResourceNotFoundException",
                "unknown identity",
            ))
        })
    }

    refuse! {
        create_identity_pool(types::CreateIdentityPoolInput) -> types::IdentityPool, error::CreateIdentityPoolError;
        delete_identities(types::DeleteIdentitiesInput) -> types::DeleteIdentitiesResponse, error::DeleteIdentitiesError;
        delete_identity_pool(types::DeleteIdentityPoolInput) -> types::DeleteIdentityPoolOutput, error::DeleteIdentityPoolError;
        describe_identity(types::DescribeIdentityInput) -> types::IdentityDescription, error::DescribeIdentityError;
        describe_identity_pool(types::DescribeIdentityPoolInput) -> types::IdentityPool, error::DescribeIdentityPoolError;
        get_id(types::GetIdInput) -> types::GetIdResponse, error::GetIdError;
        get_identity_pool_roles(types::GetIdentityPoolRolesInput) -> types::GetIdentityPoolRolesResponse, error::GetIdentityPoolRolesError;
        get_open_id_token(types::GetOpenIdTokenInput) -> types::GetOpenIdTokenResponse, error::GetOpenIdTokenError;
        get_open_id_token_for_developer_identity(types::GetOpenIdTokenForDeveloperIdentityInput) -> types::GetOpenIdTokenForDeveloperIdentityResponse, error::GetOpenIdTokenForDeveloperIdentityError;
        get_principal_tag_attribute_map(types::GetPrincipalTagAttributeMapInput) -> types::GetPrincipalTagAttributeMapResponse, error::GetPrincipalTagAttributeMapError;
        list_identities(types::ListIdentitiesInput) -> types::ListIdentitiesResponse, error::ListIdentitiesError;
        list_identity_pools(types::ListIdentityPoolsInput) -> types::ListIdentityPoolsResponse, error::ListIdentityPoolsError;
        list_tags_for_resource(types::ListTagsForResourceInput) -> types::ListTagsForResourceResponse, error::ListTagsForResourceError;
        lookup_developer_identity(types::LookupDeveloperIdentityInput) -> types::LookupDeveloperIdentityResponse, error::LookupDeveloperIdentityError;
        merge_developer_identities(types::MergeDeveloperIdentitiesInput) -> types::MergeDeveloperIdentitiesResponse, error::MergeDeveloperIdentitiesError;
        set_identity_pool_roles(types::SetIdentityPoolRolesInput) -> types::SetIdentityPoolRolesOutput, error::SetIdentityPoolRolesError;
        set_principal_tag_attribute_map(types::SetPrincipalTagAttributeMapInput) -> types::SetPrincipalTagAttributeMapResponse, error::SetPrincipalTagAttributeMapError;
        tag_resource(types::TagResourceInput) -> types::TagResourceResponse, error::TagResourceError;
        unlink_developer_identity(types::UnlinkDeveloperIdentityInput) -> types::UnlinkDeveloperIdentityOutput, error::UnlinkDeveloperIdentityError;
        unlink_identity(types::UnlinkIdentityInput) -> types::UnlinkIdentityOutput, error::UnlinkIdentityError;
        untag_resource(types::UntagResourceInput) -> types::UntagResourceResponse, error::UntagResourceError;
        update_identity_pool(types::IdentityPool) -> types::IdentityPool, error::UpdateIdentityPoolError;
    }
}

/// A current-thread tokio runtime, the cheapest honest executor for sequential calls.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start a tokio runtime: {e}"))
}
