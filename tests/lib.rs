//! Shared helpers for the integration tests: a scriptable [`TestHandler`] that implements the
//! generated service trait, ways to wire a generated client to the generated router in memory,
//! raw HTTP request builders, and fully populated, model-valid values of every Cognito Identity
//! input and output type.
//!
//! Nothing here asserts anything; the test targets do. The fixtures respect every constraint of
//! the model (lengths, ranges, patterns, enums), because the router validates what it receives.

use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use aws_json_runtime::client::retry::RetryConfig;
use aws_json_runtime::{OperationError, UnhandledError};
use bytes::Bytes;
use cognito_identity::error::*;
use cognito_identity::types::*;
use cognito_identity::{Client, CognitoIdentity, Config, InMemoryTransport, Router};

/// The `X-Amz-Target` prefix of Cognito Identity.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityService";

/// The awsJson 1.1 content type.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// The code a [`TestHandler`] answers with when a test forgot to script an operation.
pub const NOT_SCRIPTED: &str = "TestHandlerNotScripted";

/// A reply a test queued for one operation: an output or an error, type-erased so that one
/// queue type serves every operation.
type Reply = Box<dyn Any + Send>;

#[derive(Default)]
struct State {
    replies: Mutex<HashMap<&'static str, VecDeque<Reply>>>,
    calls: Mutex<Vec<(&'static str, Reply)>>,
}

/// A [`CognitoIdentity`] implementation whose answers the test chooses and which remembers
/// every input it was given. Clones share their state, so a test keeps one clone and hands
/// another to a [`Router`].
#[derive(Clone, Default)]
pub struct TestHandler {
    state: Arc<State>,
}

/// Locks a mutex, ignoring poisoning: a panicking test thread must not hide the state from
/// the assertion that explains the failure.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl TestHandler {
    /// A handler with no replies queued.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues `output` as the next answer of operation `op` (its wire name, e.g. `GetId`).
    pub fn succeed<O: Any + Send>(&self, op: &'static str, output: O) {
        lock(&self.state.replies)
            .entry(op)
            .or_default()
            .push_back(Box::new(output));
    }

    /// Queues `error` (the operation's error enum) as the next answer of operation `op`.
    pub fn fail<E: OperationError>(&self, op: &'static str, error: E) {
        lock(&self.state.replies)
            .entry(op)
            .or_default()
            .push_back(Box::new(error));
    }

    /// The inputs operation `op` received, in order.
    pub fn inputs<I: Any + Clone>(&self, op: &str) -> Vec<I> {
        lock(&self.state.calls)
            .iter()
            .filter(|(name, _)| *name == op)
            .filter_map(|(_, input)| input.downcast_ref::<I>().cloned())
            .collect()
    }

    /// The inputs operation `op` received, typed like `example` (which only names the type).
    pub fn inputs_like<I: Any + Clone>(&self, op: &str, example: &I) -> Vec<I> {
        let _ = example;
        self.inputs(op)
    }

    /// How many times any operation was called.
    pub fn call_count(&self) -> usize {
        lock(&self.state.calls).len()
    }

    /// The names of the operations called, in order.
    pub fn called(&self) -> Vec<&'static str> {
        lock(&self.state.calls).iter().map(|(op, _)| *op).collect()
    }

    /// Records `input` and answers with the next queued reply for `op`. A missing reply, or
    /// one of the wrong type, becomes an unhandled error naming the operation, so a mistake
    /// in a test shows up as a clear failure instead of a hang or a panic in the router.
    fn serve<I, O, E>(&self, op: &'static str, input: I) -> Result<O, E>
    where
        I: Any + Send,
        O: Any,
        E: OperationError,
    {
        lock(&self.state.calls).push((op, Box::new(input)));
        let reply = lock(&self.state.replies)
            .get_mut(op)
            .and_then(VecDeque::pop_front);
        let reply = match reply {
            Some(reply) => reply,
            None => {
                return Err(E::from_unhandled(UnhandledError::service(
                    NOT_SCRIPTED,
                    format!("no reply queued for {op}"),
                )))
            }
        };
        let reply = match reply.downcast::<O>() {
            Ok(output) => return Ok(*output),
            Err(reply) => reply,
        };
        match reply.downcast::<E>() {
            Ok(error) => Err(*error),
            Err(_) => Err(E::from_unhandled(UnhandledError::service(
                NOT_SCRIPTED,
                format!("the reply queued for {op} has the wrong type"),
            ))),
        }
    }
}

/// Implements every operation of the trait by handing it to [`TestHandler::serve`].
macro_rules! serve_operations {
    ($($method:ident($op:literal, $input:ty) -> $output:ty, $error:ty;)*) => {
        impl CognitoIdentity for TestHandler {
            $(
                async fn $method(&self, input: $input) -> Result<$output, $error> {
                    self.serve($op, input)
                }
            )*
        }

        /// The wire name of every operation, in model order.
        pub const OPERATIONS: &[&str] = &[$($op),*];
    };
}

include!("support/operations.rs");
cognito_identity_operations!(serve_operations);

/// A generated client wired to the generated router serving a [`TestHandler`], in memory.
pub struct Served {
    /// The client under test.
    pub client: Client,
    /// The handler behind the router (shares state with the router's copy).
    pub handler: TestHandler,
    /// The transport between them; it records every request the client sent.
    pub transport: InMemoryTransport,
}

/// The fixed credentials test clients sign with (the access key id of the AWS SigV4 examples).
pub fn test_credentials() -> aws_json_runtime::auth::credentials::Credentials {
    aws_json_runtime::auth::credentials::Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "test",
    )
}

/// A client talking to a router that serves a fresh [`TestHandler`], with retries off so
/// that one call is exactly one request.
pub fn served() -> Served {
    served_with(RetryConfig::disabled())
}

/// Like [`served`], with the given retry policy.
pub fn served_with(retry: RetryConfig) -> Served {
    let handler = TestHandler::new();
    let transport = InMemoryTransport::service(Router::new(handler.clone())).recording();
    let client = Client::new(
        Config::builder()
            .region("us-east-1")
            .credentials(test_credentials())
            .transport(transport.clone())
            .retry(retry)
            .build(),
    );
    Served {
        client,
        handler,
        transport,
    }
}

/// A client that answers through `transport`, with retries off.
pub fn client_over(transport: &InMemoryTransport) -> Client {
    Client::new(
        Config::builder()
            .region("us-east-1")
            .credentials(test_credentials())
            .transport(transport.clone())
            .retry(RetryConfig::disabled())
            .build(),
    )
}

/// A raw awsJson request as a caller would send it: POST, the 1.1 content type, the given
/// `X-Amz-Target` (none when `target` is `None`) and body.
pub fn raw_request(target: Option<&str>, body: &str) -> http::Request<Bytes> {
    let mut builder = http::Request::builder()
        .method(http::Method::POST)
        .uri("https://cognito-identity.us-east-1.amazonaws.com/")
        .header(http::header::CONTENT_TYPE, CONTENT_TYPE);
    if let Some(target) = target {
        builder = builder.header("x-amz-target", target);
    }
    builder
        .body(Bytes::from(body.to_owned()))
        .expect("a request built from a literal URI and valid header values is valid")
}

/// The `X-Amz-Target` of operation `op`.
pub fn target(op: &str) -> String {
    format!("{TARGET_PREFIX}.{op}")
}

/// A response body read as JSON (`Null` when it is not JSON).
pub fn body_json(response: &http::Response<Bytes>) -> serde_json::Value {
    serde_json::from_slice(response.body()).unwrap_or(serde_json::Value::Null)
}

/// Fully populated, model-valid values of every input and output type: every optional
/// member is set, so a round trip exercises every member and every nested type.
pub mod fixtures {
    use std::collections::HashMap;

    use aws_json_runtime::DateTime;
    use cognito_identity::types::*;

    /// An identity pool id (`region:uuid`).
    pub const POOL_ID: &str = "us-east-1:2f6a9c1e-7b3d-4e8f-9a01-23456789abcd";
    /// A second identity pool id.
    pub const OTHER_POOL_ID: &str = "eu-west-1:0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
    /// An identity id (`region:uuid`).
    pub const IDENTITY_ID: &str = "us-east-1:0e1d2c3b-4a59-6877-8695-a4b3c2d1e0f9";
    /// A second identity id.
    pub const OTHER_IDENTITY_ID: &str = "us-east-1:9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0";
    /// The ARN of the pool, as tagging operations name it.
    pub const POOL_ARN: &str = "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:2f6a9c1e-7b3d-4e8f-9a01-23456789abcd";
    /// The role authenticated users assume.
    pub const AUTH_ROLE: &str = "arn:aws:iam::123456789012:role/Cognito_PhotoAppAuth_Role";
    /// The role unauthenticated users assume.
    pub const UNAUTH_ROLE: &str = "arn:aws:iam::123456789012:role/Cognito_PhotoAppUnauth_Role";
    /// A Facebook access token (sensitive).
    pub const FACEBOOK_TOKEN: &str = "EAAGm0PX4ZCpsBAFacebookAccessTokenValue";
    /// A Google ID token (sensitive).
    pub const GOOGLE_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.GoogleIdTokenPayload.Signature";
    /// An OpenID Connect token Cognito issues (sensitive).
    pub const OPEN_ID_TOKEN: &str = "eyJraWQiOiJ1cy1lYXN0LTEtMSJ9.CognitoOpenIdTokenBody.Sig";
    /// A secret access key (sensitive).
    pub const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    /// A session token.
    pub const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue";
    /// A developer provider name.
    pub const DEV_PROVIDER: &str = "login.photoapp.example";

    /// Builds a string map from pairs.
    pub fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// Builds a string list.
    pub fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    /// A `Logins` map with two providers.
    pub fn logins() -> HashMap<String, String> {
        map(&[
            ("graph.facebook.com", FACEBOOK_TOKEN),
            ("accounts.google.com", GOOGLE_TOKEN),
        ])
    }

    /// Principal tags mapped from token claims.
    pub fn principal_tags() -> HashMap<String, String> {
        map(&[("department", "custom:dept"), ("project", "aud")])
    }

    /// Tags of an identity pool.
    pub fn tags() -> HashMap<String, String> {
        map(&[("Environment", "Production"), ("CostCenter", "")])
    }

    /// A Cognito user pool used as an identity provider.
    pub fn cognito_identity_provider() -> CognitoIdentityProvider {
        CognitoIdentityProvider {
            provider_name: Some("cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1".into()),
            client_id: Some("6lhlkkfbfb4q5kpp90urffae".into()),
            server_side_token_check: Some(true),
        }
    }

    /// A fully populated `CreateIdentityPoolInput`.
    pub fn create_identity_pool_input() -> CreateIdentityPoolInput {
        CreateIdentityPoolInput {
            identity_pool_name: "Photo App Pool".into(),
            allow_unauthenticated_identities: true,
            allow_classic_flow: Some(false),
            supported_login_providers: Some(map(&[
                ("graph.facebook.com", "7346241598935552"),
                (
                    "accounts.google.com",
                    "123456789012.apps.googleusercontent.com",
                ),
            ])),
            developer_provider_name: Some(DEV_PROVIDER.into()),
            open_id_connect_provider_ar_ns: Some(strings(&[
                "arn:aws:iam::123456789012:oidc-provider/login.example.com",
            ])),
            cognito_identity_providers: Some(vec![cognito_identity_provider()]),
            saml_provider_ar_ns: Some(strings(&[
                "arn:aws:iam::123456789012:saml-provider/CorporateIdP",
            ])),
            identity_pool_tags: Some(tags()),
        }
    }

    /// A fully populated `IdentityPool` (the output of create, describe and update, and the
    /// input of update).
    pub fn identity_pool() -> IdentityPool {
        let input = create_identity_pool_input();
        IdentityPool {
            identity_pool_id: POOL_ID.into(),
            identity_pool_name: input.identity_pool_name,
            allow_unauthenticated_identities: input.allow_unauthenticated_identities,
            allow_classic_flow: input.allow_classic_flow,
            supported_login_providers: input.supported_login_providers,
            developer_provider_name: input.developer_provider_name,
            open_id_connect_provider_ar_ns: input.open_id_connect_provider_ar_ns,
            cognito_identity_providers: input.cognito_identity_providers,
            saml_provider_ar_ns: input.saml_provider_ar_ns,
            identity_pool_tags: input.identity_pool_tags,
        }
    }

    /// A fully populated `DeleteIdentitiesInput`.
    pub fn delete_identities_input() -> DeleteIdentitiesInput {
        DeleteIdentitiesInput {
            identity_ids_to_delete: strings(&[IDENTITY_ID, OTHER_IDENTITY_ID]),
        }
    }

    /// A fully populated `DeleteIdentitiesResponse`.
    pub fn delete_identities_response() -> DeleteIdentitiesResponse {
        DeleteIdentitiesResponse {
            unprocessed_identity_ids: Some(vec![
                UnprocessedIdentityId {
                    identity_id: Some(OTHER_IDENTITY_ID.into()),
                    error_code: Some(ErrorCode::AccessDenied),
                },
                UnprocessedIdentityId {
                    identity_id: Some(IDENTITY_ID.into()),
                    error_code: Some(ErrorCode::InternalServerError),
                },
            ]),
        }
    }

    /// A fully populated `DeleteIdentityPoolInput`.
    pub fn delete_identity_pool_input() -> DeleteIdentityPoolInput {
        DeleteIdentityPoolInput {
            identity_pool_id: POOL_ID.into(),
        }
    }

    /// A fully populated `DescribeIdentityInput`.
    pub fn describe_identity_input() -> DescribeIdentityInput {
        DescribeIdentityInput {
            identity_id: IDENTITY_ID.into(),
        }
    }

    /// A fully populated `IdentityDescription`, with fractional timestamps.
    pub fn identity_description() -> IdentityDescription {
        IdentityDescription {
            identity_id: Some(IDENTITY_ID.into()),
            logins: Some(strings(&["graph.facebook.com", "accounts.google.com"])),
            creation_date: Some(DateTime::from_secs_nanos(1_576_540_098, 123_000_000)),
            last_modified_date: Some(DateTime::from_secs(1_700_000_000)),
        }
    }

    /// A fully populated `DescribeIdentityPoolInput`.
    pub fn describe_identity_pool_input() -> DescribeIdentityPoolInput {
        DescribeIdentityPoolInput {
            identity_pool_id: POOL_ID.into(),
        }
    }

    /// A fully populated `GetCredentialsForIdentityInput`.
    pub fn get_credentials_for_identity_input() -> GetCredentialsForIdentityInput {
        GetCredentialsForIdentityInput {
            identity_id: IDENTITY_ID.into(),
            logins: Some(logins()),
            custom_role_arn: Some(AUTH_ROLE.into()),
        }
    }

    /// Fully populated temporary credentials.
    pub fn credentials() -> Credentials {
        Credentials {
            access_key_id: Some("ASIAIOSFODNN7EXAMPLE".into()),
            secret_key: Some(SECRET_KEY.into()),
            session_token: Some(SESSION_TOKEN.into()),
            expiration: Some(DateTime::from_secs_nanos(1_700_003_600, 250_000_000)),
        }
    }

    /// A fully populated `GetCredentialsForIdentityResponse`.
    pub fn get_credentials_for_identity_response() -> GetCredentialsForIdentityResponse {
        GetCredentialsForIdentityResponse {
            identity_id: Some(IDENTITY_ID.into()),
            credentials: Some(credentials()),
        }
    }

    /// A fully populated `GetIdInput`.
    pub fn get_id_input() -> GetIdInput {
        GetIdInput {
            account_id: Some("123456789012".into()),
            identity_pool_id: POOL_ID.into(),
            logins: Some(logins()),
        }
    }

    /// A fully populated `GetIdResponse`.
    pub fn get_id_response() -> GetIdResponse {
        GetIdResponse {
            identity_id: Some(IDENTITY_ID.into()),
        }
    }

    /// A fully populated `GetIdentityPoolRolesInput`.
    pub fn get_identity_pool_roles_input() -> GetIdentityPoolRolesInput {
        GetIdentityPoolRolesInput {
            identity_pool_id: POOL_ID.into(),
        }
    }

    /// The pool's roles by kind.
    pub fn roles() -> HashMap<String, String> {
        map(&[
            ("authenticated", AUTH_ROLE),
            ("unauthenticated", UNAUTH_ROLE),
        ])
    }

    /// Role mappings: a rules-based one with every member set and a token-based one.
    pub fn role_mappings() -> HashMap<String, RoleMapping> {
        let rules = RoleMapping {
            r#type: RoleMappingType::Rules,
            ambiguous_role_resolution: Some(AmbiguousRoleResolutionType::AuthenticatedRole),
            rules_configuration: Some(RulesConfigurationType {
                rules: vec![
                    MappingRule {
                        claim: "custom:dept".into(),
                        match_type: MappingRuleMatchType::Equals,
                        value: "engineering".into(),
                        role_arn: AUTH_ROLE.into(),
                    },
                    MappingRule {
                        claim: "email".into(),
                        match_type: MappingRuleMatchType::Contains,
                        value: "@example.com".into(),
                        role_arn: AUTH_ROLE.into(),
                    },
                    MappingRule {
                        claim: "sub".into(),
                        match_type: MappingRuleMatchType::StartsWith,
                        value: "admin-".into(),
                        role_arn: AUTH_ROLE.into(),
                    },
                    MappingRule {
                        claim: "aud".into(),
                        match_type: MappingRuleMatchType::NotEqual,
                        value: "guest".into(),
                        role_arn: UNAUTH_ROLE.into(),
                    },
                ],
            }),
        };
        let token = RoleMapping {
            r#type: RoleMappingType::Token,
            ambiguous_role_resolution: Some(AmbiguousRoleResolutionType::Deny),
            rules_configuration: None,
        };
        HashMap::from([
            (
                "cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1:6lhlkkfbfb4q5kpp90urffae"
                    .to_owned(),
                rules,
            ),
            ("graph.facebook.com".to_owned(), token),
        ])
    }

    /// A fully populated `GetIdentityPoolRolesResponse`.
    pub fn get_identity_pool_roles_response() -> GetIdentityPoolRolesResponse {
        GetIdentityPoolRolesResponse {
            identity_pool_id: Some(POOL_ID.into()),
            roles: Some(roles()),
            role_mappings: Some(role_mappings()),
        }
    }

    /// A fully populated `GetOpenIdTokenInput`.
    pub fn get_open_id_token_input() -> GetOpenIdTokenInput {
        GetOpenIdTokenInput {
            identity_id: IDENTITY_ID.into(),
            logins: Some(logins()),
        }
    }

    /// A fully populated `GetOpenIdTokenResponse`.
    pub fn get_open_id_token_response() -> GetOpenIdTokenResponse {
        GetOpenIdTokenResponse {
            identity_id: Some(IDENTITY_ID.into()),
            token: Some(OPEN_ID_TOKEN.into()),
        }
    }

    /// A fully populated `GetOpenIdTokenForDeveloperIdentityInput`.
    pub fn get_open_id_token_for_developer_identity_input(
    ) -> GetOpenIdTokenForDeveloperIdentityInput {
        GetOpenIdTokenForDeveloperIdentityInput {
            identity_pool_id: POOL_ID.into(),
            identity_id: Some(IDENTITY_ID.into()),
            logins: map(&[(DEV_PROVIDER, "user-4711")]),
            principal_tags: Some(principal_tags()),
            token_duration: Some(3600),
        }
    }

    /// A fully populated `GetOpenIdTokenForDeveloperIdentityResponse`.
    pub fn get_open_id_token_for_developer_identity_response(
    ) -> GetOpenIdTokenForDeveloperIdentityResponse {
        GetOpenIdTokenForDeveloperIdentityResponse {
            identity_id: Some(IDENTITY_ID.into()),
            token: Some(OPEN_ID_TOKEN.into()),
        }
    }

    /// A fully populated `GetPrincipalTagAttributeMapInput`.
    pub fn get_principal_tag_attribute_map_input() -> GetPrincipalTagAttributeMapInput {
        GetPrincipalTagAttributeMapInput {
            identity_pool_id: POOL_ID.into(),
            identity_provider_name: "accounts.google.com".into(),
        }
    }

    /// A fully populated `GetPrincipalTagAttributeMapResponse`.
    pub fn get_principal_tag_attribute_map_response() -> GetPrincipalTagAttributeMapResponse {
        GetPrincipalTagAttributeMapResponse {
            identity_pool_id: Some(POOL_ID.into()),
            identity_provider_name: Some("accounts.google.com".into()),
            use_defaults: Some(false),
            principal_tags: Some(principal_tags()),
        }
    }

    /// A fully populated `ListIdentitiesInput`.
    pub fn list_identities_input() -> ListIdentitiesInput {
        ListIdentitiesInput {
            identity_pool_id: POOL_ID.into(),
            max_results: 60,
            next_token: Some("eyJwYWdlIjoyfQ==".into()),
            hide_disabled: Some(true),
        }
    }

    /// A fully populated `ListIdentitiesResponse`.
    pub fn list_identities_response() -> ListIdentitiesResponse {
        ListIdentitiesResponse {
            identity_pool_id: Some(POOL_ID.into()),
            identities: Some(vec![
                identity_description(),
                IdentityDescription {
                    identity_id: Some(OTHER_IDENTITY_ID.into()),
                    logins: Some(Vec::new()),
                    creation_date: Some(DateTime::from_secs(1_600_000_000)),
                    last_modified_date: Some(DateTime::from_secs_nanos(1_600_000_001, 5_000_000)),
                },
            ]),
            next_token: Some("eyJwYWdlIjozfQ==".into()),
        }
    }

    /// A fully populated `ListIdentityPoolsInput`.
    pub fn list_identity_pools_input() -> ListIdentityPoolsInput {
        ListIdentityPoolsInput {
            max_results: 1,
            next_token: Some("cG9vbHMtcGFnZS0y".into()),
        }
    }

    /// A fully populated `ListIdentityPoolsResponse`.
    pub fn list_identity_pools_response() -> ListIdentityPoolsResponse {
        ListIdentityPoolsResponse {
            identity_pools: Some(vec![
                IdentityPoolShortDescription {
                    identity_pool_id: Some(POOL_ID.into()),
                    identity_pool_name: Some("Photo App Pool".into()),
                },
                IdentityPoolShortDescription {
                    identity_pool_id: Some(OTHER_POOL_ID.into()),
                    identity_pool_name: Some("Staging".into()),
                },
            ]),
            next_token: Some("cG9vbHMtcGFnZS0z".into()),
        }
    }

    /// A fully populated `ListTagsForResourceInput`.
    pub fn list_tags_for_resource_input() -> ListTagsForResourceInput {
        ListTagsForResourceInput {
            resource_arn: POOL_ARN.into(),
        }
    }

    /// A fully populated `ListTagsForResourceResponse`.
    pub fn list_tags_for_resource_response() -> ListTagsForResourceResponse {
        ListTagsForResourceResponse { tags: Some(tags()) }
    }

    /// A fully populated `LookupDeveloperIdentityInput`.
    pub fn lookup_developer_identity_input() -> LookupDeveloperIdentityInput {
        LookupDeveloperIdentityInput {
            identity_pool_id: POOL_ID.into(),
            identity_id: Some(IDENTITY_ID.into()),
            developer_user_identifier: Some("user-4711".into()),
            max_results: Some(10),
            next_token: Some("bG9va3VwLXBhZ2UtMg==".into()),
        }
    }

    /// A fully populated `LookupDeveloperIdentityResponse`.
    pub fn lookup_developer_identity_response() -> LookupDeveloperIdentityResponse {
        LookupDeveloperIdentityResponse {
            identity_id: Some(IDENTITY_ID.into()),
            developer_user_identifier_list: Some(strings(&["user-4711", "user-4712"])),
            next_token: Some("bG9va3VwLXBhZ2UtMw==".into()),
        }
    }

    /// A fully populated `MergeDeveloperIdentitiesInput`.
    pub fn merge_developer_identities_input() -> MergeDeveloperIdentitiesInput {
        MergeDeveloperIdentitiesInput {
            source_user_identifier: "user-4712".into(),
            destination_user_identifier: "user-4711".into(),
            developer_provider_name: DEV_PROVIDER.into(),
            identity_pool_id: POOL_ID.into(),
        }
    }

    /// A fully populated `MergeDeveloperIdentitiesResponse`.
    pub fn merge_developer_identities_response() -> MergeDeveloperIdentitiesResponse {
        MergeDeveloperIdentitiesResponse {
            identity_id: Some(IDENTITY_ID.into()),
        }
    }

    /// A fully populated `SetIdentityPoolRolesInput`.
    pub fn set_identity_pool_roles_input() -> SetIdentityPoolRolesInput {
        SetIdentityPoolRolesInput {
            identity_pool_id: POOL_ID.into(),
            roles: roles(),
            role_mappings: Some(role_mappings()),
        }
    }

    /// A fully populated `SetPrincipalTagAttributeMapInput`.
    pub fn set_principal_tag_attribute_map_input() -> SetPrincipalTagAttributeMapInput {
        SetPrincipalTagAttributeMapInput {
            identity_pool_id: POOL_ID.into(),
            identity_provider_name: "accounts.google.com".into(),
            use_defaults: Some(false),
            principal_tags: Some(principal_tags()),
        }
    }

    /// A fully populated `SetPrincipalTagAttributeMapResponse`.
    pub fn set_principal_tag_attribute_map_response() -> SetPrincipalTagAttributeMapResponse {
        SetPrincipalTagAttributeMapResponse {
            identity_pool_id: Some(POOL_ID.into()),
            identity_provider_name: Some("accounts.google.com".into()),
            use_defaults: Some(false),
            principal_tags: Some(principal_tags()),
        }
    }

    /// A fully populated `TagResourceInput`.
    pub fn tag_resource_input() -> TagResourceInput {
        TagResourceInput {
            resource_arn: POOL_ARN.into(),
            tags: tags(),
        }
    }

    /// A fully populated `UnlinkDeveloperIdentityInput`.
    pub fn unlink_developer_identity_input() -> UnlinkDeveloperIdentityInput {
        UnlinkDeveloperIdentityInput {
            identity_id: IDENTITY_ID.into(),
            identity_pool_id: POOL_ID.into(),
            developer_provider_name: DEV_PROVIDER.into(),
            developer_user_identifier: "user-4711".into(),
        }
    }

    /// A fully populated `UnlinkIdentityInput`.
    pub fn unlink_identity_input() -> UnlinkIdentityInput {
        UnlinkIdentityInput {
            identity_id: IDENTITY_ID.into(),
            logins: logins(),
            logins_to_remove: strings(&["graph.facebook.com"]),
        }
    }

    /// A fully populated `UntagResourceInput`.
    pub fn untag_resource_input() -> UntagResourceInput {
        UntagResourceInput {
            resource_arn: POOL_ARN.into(),
            tag_keys: strings(&["Environment", "CostCenter"]),
        }
    }
}

/// The README's examples, compiled and run as doctests so the README stays true.
#[doc = include_str!("../README.md")]
pub mod readme {}

/// The emulator's manual, whose Rust examples are doctests too.
#[doc = include_str!("../emulator/README.md")]
pub mod emulator_readme {}

/// The architecture notes, so any Rust example added to them is compiled.
#[doc = include_str!("../ARCHITECTURE.md")]
pub mod architecture {}

/// The contributors' guide, so any Rust example added to it is compiled.
#[doc = include_str!("../CONTRIBUTING.md")]
pub mod contributing {}
