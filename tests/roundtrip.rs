//! Every Cognito Identity input and output type through the awsJson wire format: fully
//! populated values serialise with the model's wire names and read back equal; absent members
//! are omitted; timestamps, enums and sensitive members behave as the protocol and the model
//! say.
//!
//! These tests exercise serde only (no client, no router); the end-to-end tests cover HTTP.

use std::collections::BTreeSet;
use std::fmt::Debug;

use aws_json_runtime::DateTime;
use cognito_identity::types::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use tests::fixtures::{self, IDENTITY_ID, POOL_ID};

/// Serialises `value`, checks that its top-level JSON members are exactly `wire_names`, reads
/// it back, asserts equality, and returns the JSON for further checks.
fn round_trip<T>(value: &T, wire_names: &[&str]) -> Value
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let text = serde_json::to_string(value).expect("every generated type serialises");
    let json: Value = serde_json::from_str(&text).expect("the output is JSON");
    let keys: BTreeSet<&str> = json
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let expected: BTreeSet<&str> = wire_names.iter().copied().collect();
    assert_eq!(keys, expected, "wire names of {value:?}");
    let back: T = serde_json::from_str(&text).expect("what was written reads back");
    assert_eq!(&back, value, "round trip of {text}");
    json
}

// ---------------------------------------------------------------------------------------------
// Every operation's input and output, fully populated.
// ---------------------------------------------------------------------------------------------

#[test]
fn create_identity_pool_input_and_output_round_trip() {
    let pool_members = [
        "IdentityPoolName",
        "AllowUnauthenticatedIdentities",
        "AllowClassicFlow",
        "SupportedLoginProviders",
        "DeveloperProviderName",
        "OpenIdConnectProviderARNs",
        "CognitoIdentityProviders",
        "SamlProviderARNs",
        "IdentityPoolTags",
    ];
    let json = round_trip(&fixtures::create_identity_pool_input(), &pool_members);
    assert_eq!(
        json["CognitoIdentityProviders"][0],
        json!({
            "ProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1",
            "ClientId": "6lhlkkfbfb4q5kpp90urffae",
            "ServerSideTokenCheck": true
        })
    );
    assert_eq!(
        json["SupportedLoginProviders"]["graph.facebook.com"],
        "7346241598935552"
    );
    let mut output_members = pool_members.to_vec();
    output_members.push("IdentityPoolId");
    let json = round_trip(&fixtures::identity_pool(), &output_members);
    assert_eq!(json["IdentityPoolId"], POOL_ID);
}

#[test]
fn delete_identities_input_and_output_round_trip() {
    let json = round_trip(
        &fixtures::delete_identities_input(),
        &["IdentityIdsToDelete"],
    );
    assert_eq!(json["IdentityIdsToDelete"][0], IDENTITY_ID);
    let json = round_trip(
        &fixtures::delete_identities_response(),
        &["UnprocessedIdentityIds"],
    );
    assert_eq!(
        json["UnprocessedIdentityIds"][0],
        json!({ "IdentityId": fixtures::OTHER_IDENTITY_ID, "ErrorCode": "AccessDenied" })
    );
    assert_eq!(
        json["UnprocessedIdentityIds"][1]["ErrorCode"],
        "InternalServerError"
    );
}

#[test]
fn delete_identity_pool_input_and_output_round_trip() {
    round_trip(&fixtures::delete_identity_pool_input(), &["IdentityPoolId"]);
    round_trip(&DeleteIdentityPoolOutput::default(), &[]);
}

#[test]
fn describe_identity_input_and_output_round_trip() {
    round_trip(&fixtures::describe_identity_input(), &["IdentityId"]);
    let json = round_trip(
        &fixtures::identity_description(),
        &["IdentityId", "Logins", "CreationDate", "LastModifiedDate"],
    );
    assert_eq!(json["CreationDate"].as_f64(), Some(1_576_540_098.123));
    assert_eq!(json["LastModifiedDate"].as_f64(), Some(1_700_000_000.0));
    assert_eq!(json["Logins"][1], "accounts.google.com");
}

#[test]
fn describe_identity_pool_input_and_output_round_trip() {
    round_trip(
        &fixtures::describe_identity_pool_input(),
        &["IdentityPoolId"],
    );
    round_trip(
        &fixtures::identity_pool(),
        &[
            "IdentityPoolId",
            "IdentityPoolName",
            "AllowUnauthenticatedIdentities",
            "AllowClassicFlow",
            "SupportedLoginProviders",
            "DeveloperProviderName",
            "OpenIdConnectProviderARNs",
            "CognitoIdentityProviders",
            "SamlProviderARNs",
            "IdentityPoolTags",
        ],
    );
}

#[test]
fn get_credentials_for_identity_input_and_output_round_trip() {
    let json = round_trip(
        &fixtures::get_credentials_for_identity_input(),
        &["IdentityId", "Logins", "CustomRoleArn"],
    );
    assert_eq!(
        json["Logins"]["accounts.google.com"],
        fixtures::GOOGLE_TOKEN
    );
    let json = round_trip(
        &fixtures::get_credentials_for_identity_response(),
        &["IdentityId", "Credentials"],
    );
    assert_eq!(
        json["Credentials"],
        json!({
            "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",
            "SecretKey": fixtures::SECRET_KEY,
            "SessionToken": fixtures::SESSION_TOKEN,
            "Expiration": 1_700_003_600.25
        })
    );
}

#[test]
fn get_id_input_and_output_round_trip() {
    let json = round_trip(
        &fixtures::get_id_input(),
        &["AccountId", "IdentityPoolId", "Logins"],
    );
    assert_eq!(
        json["Logins"]["graph.facebook.com"],
        fixtures::FACEBOOK_TOKEN
    );
    round_trip(&fixtures::get_id_response(), &["IdentityId"]);
}

#[test]
fn get_identity_pool_roles_input_and_output_round_trip() {
    round_trip(
        &fixtures::get_identity_pool_roles_input(),
        &["IdentityPoolId"],
    );
    let json = round_trip(
        &fixtures::get_identity_pool_roles_response(),
        &["IdentityPoolId", "Roles", "RoleMappings"],
    );
    assert_eq!(json["Roles"]["unauthenticated"], fixtures::UNAUTH_ROLE);
    let rules = &json["RoleMappings"]
        ["cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1:6lhlkkfbfb4q5kpp90urffae"];
    assert_eq!(rules["Type"], "Rules");
    assert_eq!(rules["AmbiguousRoleResolution"], "AuthenticatedRole");
    assert_eq!(
        rules["RulesConfiguration"]["Rules"][3],
        json!({
            "Claim": "aud",
            "MatchType": "NotEqual",
            "Value": "guest",
            "RoleARN": fixtures::UNAUTH_ROLE
        })
    );
    // The token mapping leaves RulesConfiguration unset, so it is omitted.
    assert_eq!(
        json["RoleMappings"]["graph.facebook.com"],
        json!({ "Type": "Token", "AmbiguousRoleResolution": "Deny" })
    );
}

#[test]
fn get_open_id_token_input_and_output_round_trip() {
    round_trip(
        &fixtures::get_open_id_token_input(),
        &["IdentityId", "Logins"],
    );
    let json = round_trip(
        &fixtures::get_open_id_token_response(),
        &["IdentityId", "Token"],
    );
    assert_eq!(json["Token"], fixtures::OPEN_ID_TOKEN);
}

#[test]
fn get_open_id_token_for_developer_identity_input_and_output_round_trip() {
    let json = round_trip(
        &fixtures::get_open_id_token_for_developer_identity_input(),
        &[
            "IdentityPoolId",
            "IdentityId",
            "Logins",
            "PrincipalTags",
            "TokenDuration",
        ],
    );
    assert_eq!(json["TokenDuration"], 3600);
    assert_eq!(json["Logins"][fixtures::DEV_PROVIDER], "user-4711");
    round_trip(
        &fixtures::get_open_id_token_for_developer_identity_response(),
        &["IdentityId", "Token"],
    );
}

#[test]
fn get_principal_tag_attribute_map_input_and_output_round_trip() {
    round_trip(
        &fixtures::get_principal_tag_attribute_map_input(),
        &["IdentityPoolId", "IdentityProviderName"],
    );
    let json = round_trip(
        &fixtures::get_principal_tag_attribute_map_response(),
        &[
            "IdentityPoolId",
            "IdentityProviderName",
            "UseDefaults",
            "PrincipalTags",
        ],
    );
    assert_eq!(json["UseDefaults"], false);
    assert_eq!(json["PrincipalTags"]["department"], "custom:dept");
}

#[test]
fn list_identities_input_and_output_round_trip() {
    let json = round_trip(
        &fixtures::list_identities_input(),
        &["IdentityPoolId", "MaxResults", "NextToken", "HideDisabled"],
    );
    assert_eq!(json["MaxResults"], 60);
    assert_eq!(json["HideDisabled"], true);
    let json = round_trip(
        &fixtures::list_identities_response(),
        &["IdentityPoolId", "Identities", "NextToken"],
    );
    assert_eq!(json["Identities"][1]["Logins"], json!([]));
    assert_eq!(
        json["Identities"][1]["LastModifiedDate"].as_f64(),
        Some(1_600_000_001.005)
    );
}

#[test]
fn list_identity_pools_input_and_output_round_trip() {
    round_trip(
        &fixtures::list_identity_pools_input(),
        &["MaxResults", "NextToken"],
    );
    let json = round_trip(
        &fixtures::list_identity_pools_response(),
        &["IdentityPools", "NextToken"],
    );
    assert_eq!(
        json["IdentityPools"][1],
        json!({ "IdentityPoolId": fixtures::OTHER_POOL_ID, "IdentityPoolName": "Staging" })
    );
}

#[test]
fn list_tags_for_resource_input_and_output_round_trip() {
    round_trip(&fixtures::list_tags_for_resource_input(), &["ResourceArn"]);
    let json = round_trip(&fixtures::list_tags_for_resource_response(), &["Tags"]);
    // An empty tag value is allowed by the model and kept.
    assert_eq!(json["Tags"]["CostCenter"], "");
}

#[test]
fn lookup_developer_identity_input_and_output_round_trip() {
    round_trip(
        &fixtures::lookup_developer_identity_input(),
        &[
            "IdentityPoolId",
            "IdentityId",
            "DeveloperUserIdentifier",
            "MaxResults",
            "NextToken",
        ],
    );
    let json = round_trip(
        &fixtures::lookup_developer_identity_response(),
        &["IdentityId", "DeveloperUserIdentifierList", "NextToken"],
    );
    assert_eq!(
        json["DeveloperUserIdentifierList"],
        json!(["user-4711", "user-4712"])
    );
}

#[test]
fn merge_developer_identities_input_and_output_round_trip() {
    round_trip(
        &fixtures::merge_developer_identities_input(),
        &[
            "SourceUserIdentifier",
            "DestinationUserIdentifier",
            "DeveloperProviderName",
            "IdentityPoolId",
        ],
    );
    round_trip(
        &fixtures::merge_developer_identities_response(),
        &["IdentityId"],
    );
}

#[test]
fn set_identity_pool_roles_input_and_output_round_trip() {
    let json = round_trip(
        &fixtures::set_identity_pool_roles_input(),
        &["IdentityPoolId", "Roles", "RoleMappings"],
    );
    assert_eq!(json["Roles"]["authenticated"], fixtures::AUTH_ROLE);
    round_trip(&SetIdentityPoolRolesOutput::default(), &[]);
}

#[test]
fn set_principal_tag_attribute_map_input_and_output_round_trip() {
    let members = [
        "IdentityPoolId",
        "IdentityProviderName",
        "UseDefaults",
        "PrincipalTags",
    ];
    round_trip(&fixtures::set_principal_tag_attribute_map_input(), &members);
    round_trip(
        &fixtures::set_principal_tag_attribute_map_response(),
        &members,
    );
}

#[test]
fn tag_resource_input_and_output_round_trip() {
    round_trip(&fixtures::tag_resource_input(), &["ResourceArn", "Tags"]);
    round_trip(&TagResourceResponse::default(), &[]);
}

#[test]
fn unlink_developer_identity_input_and_output_round_trip() {
    round_trip(
        &fixtures::unlink_developer_identity_input(),
        &[
            "IdentityId",
            "IdentityPoolId",
            "DeveloperProviderName",
            "DeveloperUserIdentifier",
        ],
    );
    round_trip(&UnlinkDeveloperIdentityOutput::default(), &[]);
}

#[test]
fn unlink_identity_input_and_output_round_trip() {
    let json = round_trip(
        &fixtures::unlink_identity_input(),
        &["IdentityId", "Logins", "LoginsToRemove"],
    );
    assert_eq!(json["LoginsToRemove"], json!(["graph.facebook.com"]));
    round_trip(&UnlinkIdentityOutput::default(), &[]);
}

#[test]
fn untag_resource_input_and_output_round_trip() {
    let json = round_trip(
        &fixtures::untag_resource_input(),
        &["ResourceArn", "TagKeys"],
    );
    assert_eq!(json["TagKeys"], json!(["Environment", "CostCenter"]));
    round_trip(&UntagResourceResponse::default(), &[]);
}

#[test]
fn update_identity_pool_input_and_output_round_trip() {
    // UpdateIdentityPool takes and returns `IdentityPool`; with only the required members
    // set, exactly those three reach the wire.
    let json = round_trip(
        &IdentityPool::new(POOL_ID, "Photo App Pool", false),
        &[
            "IdentityPoolId",
            "IdentityPoolName",
            "AllowUnauthenticatedIdentities",
        ],
    );
    assert_eq!(json["AllowUnauthenticatedIdentities"], false);
}

#[test]
fn modeled_errors_round_trip_and_accept_either_message_spelling() {
    use cognito_identity::error::{InternalErrorException, NotAuthorizedException};
    let error = NotAuthorizedException::new().with_message("Token is expired");
    let json = round_trip(&error, &["message"]);
    assert_eq!(json["message"], "Token is expired");
    let capital: NotAuthorizedException =
        serde_json::from_str(r#"{"Message":"Capital"}"#).expect("`Message` is accepted");
    assert_eq!(capital.message(), Some("Capital"));
    round_trip(&InternalErrorException::new(), &[]);
}

#[test]
fn builders_produce_the_same_values_as_struct_literals() {
    let built = GetIdInput::new(POOL_ID)
        .with_account_id("123456789012")
        .with_logins(fixtures::logins());
    assert_eq!(built, fixtures::get_id_input());
    let built = Credentials::new()
        .with_access_key_id("ASIAIOSFODNN7EXAMPLE")
        .with_secret_key(fixtures::SECRET_KEY)
        .with_session_token(fixtures::SESSION_TOKEN)
        .with_expiration(DateTime::from_secs_nanos(1_700_003_600, 250_000_000));
    assert_eq!(built, fixtures::credentials());
    let built = MappingRule::new("aud", "NotEqual", "guest", fixtures::UNAUTH_ROLE);
    assert_eq!(built.match_type, MappingRuleMatchType::NotEqual);
}

// ---------------------------------------------------------------------------------------------
// Empty values and absent members.
// ---------------------------------------------------------------------------------------------

#[test]
fn values_with_nothing_set_serialise_to_empty_braces() {
    // No Cognito Identity input is entirely optional, so the empty structures checked here
    // are the outputs and nested shapes whose members are all optional.
    let empties = [
        serde_json::to_string(&GetIdResponse::new()),
        serde_json::to_string(&Credentials::new()),
        serde_json::to_string(&CognitoIdentityProvider::new()),
        serde_json::to_string(&IdentityDescription::new()),
        serde_json::to_string(&GetCredentialsForIdentityResponse::new()),
        serde_json::to_string(&ListIdentityPoolsResponse::new()),
        serde_json::to_string(&TagResourceResponse::default()),
        serde_json::to_string(&DeleteIdentityPoolOutput::default()),
    ];
    for text in empties {
        assert_eq!(text.expect("serialises"), "{}");
    }
    let back: GetIdResponse = serde_json::from_str("{}").expect("reads");
    assert_eq!(back, GetIdResponse::new());
}

#[test]
fn absent_optional_members_are_omitted() {
    assert_eq!(
        serde_json::to_value(GetIdInput::new(POOL_ID)).expect("serialises"),
        json!({ "IdentityPoolId": POOL_ID })
    );
    assert_eq!(
        serde_json::to_value(CreateIdentityPoolInput::new("pool", false)).expect("serialises"),
        json!({ "IdentityPoolName": "pool", "AllowUnauthenticatedIdentities": false })
    );
    assert_eq!(
        serde_json::to_value(RoleMapping::new(RoleMappingType::Token)).expect("serialises"),
        json!({ "Type": "Token" })
    );
}

#[test]
fn explicit_nulls_read_as_absent() {
    let out: GetCredentialsForIdentityResponse =
        serde_json::from_str(r#"{"IdentityId":null,"Credentials":{"Expiration":null}}"#)
            .expect("nulls read as None");
    assert_eq!(out.identity_id, None);
    assert_eq!(out.credentials, Some(Credentials::new()));
}

#[test]
fn missing_required_member_does_not_deserialise() {
    let err = serde_json::from_str::<GetIdInput>(r#"{"AccountId":"123"}"#)
        .expect_err("IdentityPoolId is required");
    assert!(err.to_string().contains("IdentityPoolId"), "{err}");
}

#[test]
fn unknown_json_fields_in_a_response_are_ignored() {
    let out: GetCredentialsForIdentityResponse = serde_json::from_value(json!({
        "IdentityId": IDENTITY_ID,
        "Credentials": { "AccessKeyId": "AKID", "FutureField": [1, 2, 3] },
        "ResponseMetadata": { "RequestId": "abc" },
        "Flag": true
    }))
    .expect("unknown fields are ignored");
    assert_eq!(out.identity_id.as_deref(), Some(IDENTITY_ID));
    assert_eq!(
        out.credentials.and_then(|c| c.access_key_id).as_deref(),
        Some("AKID")
    );
}

// ---------------------------------------------------------------------------------------------
// Timestamps.
// ---------------------------------------------------------------------------------------------

fn expiration_of(json: &str) -> DateTime {
    let creds: Credentials = serde_json::from_str(json).expect("the timestamp parses");
    creds.expiration.expect("Expiration is set")
}

#[test]
fn timestamp_in_exponent_form_parses_exactly() {
    let t = expiration_of(r#"{"Expiration":1.7E9}"#);
    assert_eq!((t.secs(), t.subsec_nanos()), (1_700_000_000, 0));
}

#[test]
fn fractional_timestamp_parses_exactly() {
    let t = expiration_of(r#"{"Expiration":1576540098.123}"#);
    assert_eq!((t.secs(), t.subsec_nanos()), (1_576_540_098, 123_000_000));
    let t = expiration_of(r#"{"Expiration":1576540098.5}"#);
    assert_eq!((t.secs(), t.subsec_nanos()), (1_576_540_098, 500_000_000));
}

#[test]
fn integer_timestamp_parses_exactly() {
    let t = expiration_of(r#"{"Expiration":1576540098}"#);
    assert_eq!((t.secs(), t.subsec_nanos()), (1_576_540_098, 0));
}

#[test]
fn timestamps_serialise_back_as_numbers() {
    for (input, number) in [
        (r#"{"Expiration":1.7E9}"#, 1_700_000_000.0),
        (r#"{"Expiration":1576540098.123}"#, 1_576_540_098.123),
    ] {
        let t = expiration_of(input);
        let json = serde_json::to_value(Credentials::new().with_expiration(t)).expect("writes");
        assert!(json["Expiration"].is_number(), "{json}");
        assert_eq!(json["Expiration"].as_f64(), Some(number), "{json}");
    }
    let whole = serde_json::to_string(
        &Credentials::new().with_expiration(DateTime::from_secs(1_700_000_000)),
    )
    .expect("writes");
    assert_eq!(whole, r#"{"Expiration":1700000000}"#);
    let fractional = serde_json::to_string(
        &Credentials::new().with_expiration(DateTime::from_secs_nanos(1_576_540_098, 123_000_000)),
    )
    .expect("writes");
    assert_eq!(fractional, r#"{"Expiration":1576540098.123}"#);
}

#[test]
fn timestamp_given_as_text_is_rejected() {
    let err = serde_json::from_str::<Credentials>(r#"{"Expiration":"2020-01-01T00:00:00Z"}"#);
    assert!(
        err.is_err(),
        "awsJson timestamps are epoch seconds: {err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Enums.
// ---------------------------------------------------------------------------------------------

/// Every known value of enum `T` round-trips as itself, and an unknown one as `Unknown`.
fn enum_round_trips<T>(
    values: &[&str],
    is_unknown: impl Fn(&T) -> bool,
    as_str: impl Fn(&T) -> &str,
) where
    T: Serialize + DeserializeOwned + PartialEq + Debug + for<'a> From<&'a str>,
{
    assert!(!values.is_empty());
    for value in values {
        let parsed: T = serde_json::from_value(json!(value)).expect("a known value parses");
        assert!(!is_unknown(&parsed), "{value} is known: {parsed:?}");
        assert_eq!(as_str(&parsed), *value);
        assert_eq!(parsed, T::from(value));
        assert_eq!(serde_json::to_value(&parsed).expect("writes"), json!(value));
    }
    let parsed: T = serde_json::from_value(json!("SomethingNew")).expect("an unknown value parses");
    assert!(is_unknown(&parsed), "{parsed:?}");
    assert_eq!(as_str(&parsed), "SomethingNew");
    assert_eq!(
        serde_json::to_value(&parsed).expect("writes"),
        json!("SomethingNew")
    );
}

#[test]
fn every_known_enum_value_round_trips_and_unknown_ones_are_kept() {
    enum_round_trips::<AmbiguousRoleResolutionType>(
        AmbiguousRoleResolutionType::VALUES,
        AmbiguousRoleResolutionType::is_unknown,
        AmbiguousRoleResolutionType::as_str,
    );
    enum_round_trips::<ErrorCode>(ErrorCode::VALUES, ErrorCode::is_unknown, ErrorCode::as_str);
    enum_round_trips::<MappingRuleMatchType>(
        MappingRuleMatchType::VALUES,
        MappingRuleMatchType::is_unknown,
        MappingRuleMatchType::as_str,
    );
    enum_round_trips::<RoleMappingType>(
        RoleMappingType::VALUES,
        RoleMappingType::is_unknown,
        RoleMappingType::as_str,
    );
}

#[test]
fn enum_values_match_the_model() {
    assert_eq!(
        AmbiguousRoleResolutionType::VALUES,
        ["AuthenticatedRole", "Deny"]
    );
    assert_eq!(ErrorCode::VALUES, ["AccessDenied", "InternalServerError"]);
    assert_eq!(
        MappingRuleMatchType::VALUES,
        ["Equals", "Contains", "StartsWith", "NotEqual"]
    );
    assert_eq!(RoleMappingType::VALUES, ["Token", "Rules"]);
}

#[test]
fn unknown_enum_value_round_trips_as_unknown() {
    let parsed: RoleMappingType =
        serde_json::from_str(r#""SomethingNew""#).expect("an unknown value parses");
    assert_eq!(parsed, RoleMappingType::Unknown("SomethingNew".to_owned()));
    assert_eq!(
        serde_json::to_string(&parsed).expect("writes"),
        r#""SomethingNew""#
    );
    // Inside a structure too.
    let mapping: RoleMapping = serde_json::from_value(json!({
        "Type": "SomethingNew",
        "AmbiguousRoleResolution": "SomethingNew"
    }))
    .expect("unknown values inside a structure parse");
    assert_eq!(
        mapping.r#type,
        RoleMappingType::Unknown("SomethingNew".to_owned())
    );
    assert_eq!(
        mapping.ambiguous_role_resolution,
        Some(AmbiguousRoleResolutionType::Unknown(
            "SomethingNew".to_owned()
        ))
    );
    assert_eq!(
        serde_json::to_value(&mapping).expect("writes"),
        json!({ "Type": "SomethingNew", "AmbiguousRoleResolution": "SomethingNew" })
    );
}

#[test]
fn enums_display_and_parse_their_wire_value() {
    assert_eq!(MappingRuleMatchType::StartsWith.to_string(), "StartsWith");
    let parsed: MappingRuleMatchType = "Contains".parse().expect("infallible");
    assert_eq!(parsed, MappingRuleMatchType::Contains);
    let unknown: ErrorCode = "Throttled".parse().expect("infallible");
    assert_eq!(unknown, ErrorCode::Unknown("Throttled".to_owned()));
    assert_eq!(unknown.to_string(), "Throttled");
}

#[test]
fn enum_given_as_a_number_is_rejected() {
    assert!(serde_json::from_str::<RoleMappingType>("1").is_err());
}

// ---------------------------------------------------------------------------------------------
// Sensitive members stay out of Debug.
// ---------------------------------------------------------------------------------------------

#[test]
fn credentials_debug_hides_the_secret_key_and_session_token() {
    let shown = format!("{:?}", fixtures::credentials());
    assert!(!shown.contains(fixtures::SECRET_KEY), "{shown}");
    assert!(!shown.contains(fixtures::SESSION_TOKEN), "{shown}");
    // What is not secret stays visible, so the output is still useful.
    assert!(shown.contains("ASIAIOSFODNN7EXAMPLE"), "{shown}");
    assert!(shown.contains("Credentials"), "{shown}");
    // Nested inside an output, too.
    let shown = format!("{:?}", fixtures::get_credentials_for_identity_response());
    assert!(!shown.contains(fixtures::SECRET_KEY), "{shown}");
    assert!(!shown.contains(fixtures::SESSION_TOKEN), "{shown}");
    assert!(shown.contains(IDENTITY_ID), "{shown}");
}

#[test]
fn logins_debug_shows_provider_keys_but_not_tokens() {
    let inputs = [
        format!("{:?}", fixtures::get_id_input()),
        format!("{:?}", fixtures::get_credentials_for_identity_input()),
        format!("{:?}", fixtures::get_open_id_token_input()),
        format!("{:?}", fixtures::unlink_identity_input()),
    ];
    for shown in inputs {
        assert!(shown.contains("graph.facebook.com"), "{shown}");
        assert!(shown.contains("accounts.google.com"), "{shown}");
        assert!(!shown.contains(fixtures::FACEBOOK_TOKEN), "{shown}");
        assert!(!shown.contains(fixtures::GOOGLE_TOKEN), "{shown}");
    }
    let shown = format!(
        "{:?}",
        fixtures::get_open_id_token_for_developer_identity_input()
    );
    assert!(shown.contains(fixtures::DEV_PROVIDER), "{shown}");
    assert!(!shown.contains("user-4711"), "{shown}");
    assert!(shown.contains(POOL_ID), "{shown}");
}

#[test]
fn open_id_tokens_are_redacted_in_debug() {
    for shown in [
        format!("{:?}", fixtures::get_open_id_token_response()),
        format!(
            "{:?}",
            fixtures::get_open_id_token_for_developer_identity_response()
        ),
    ] {
        assert!(!shown.contains(fixtures::OPEN_ID_TOKEN), "{shown}");
        assert!(shown.contains(IDENTITY_ID), "{shown}");
    }
}

#[test]
fn redaction_does_not_change_the_wire_format() {
    let json = serde_json::to_value(fixtures::get_open_id_token_response()).expect("writes");
    assert_eq!(json["Token"], fixtures::OPEN_ID_TOKEN);
    let json = serde_json::to_value(fixtures::credentials()).expect("writes");
    assert_eq!(json["SecretKey"], fixtures::SECRET_KEY);
}
