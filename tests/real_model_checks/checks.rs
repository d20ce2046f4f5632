//! Wire checks of crates generated from real service models, run inside the throwaway
//! workspace of `real_models.rs` (the crates exist only there). For a few operations per
//! model, a value built in Rust must serialise to the wire JSON written here, and that JSON
//! must read back to an equal value. The values use what each model has: recursive
//! structures and unions, maps, lists, documents, blobs, timestamps and keyword members.

use std::collections::HashMap;

use serde_json::{json, Value};

/// `value` writes as `wire`, and `wire` reads back as `value`.
fn round_trip<T>(value: &T, wire: Value)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let written = serde_json::to_value(value).expect("the value serialises");
    assert_eq!(written, wire, "written JSON differs");
    let read: T = serde_json::from_value(wire).expect("the wire JSON reads");
    assert_eq!(&read, value, "read value differs");
}

#[test]
fn dynamodb_put_item_round_trips_recursive_attribute_values() {
    use dynamodb::types::{AttributeValue, PutItemInput, PutItemOutput, ReturnValue};
    let text = |s: &str| AttributeValue::new().with_s(s);
    let nested: HashMap<String, AttributeValue> = [
        ("n".to_owned(), AttributeValue::new().with_n("42")),
        (
            "l".to_owned(),
            AttributeValue::new().with_l(vec![text("a"), AttributeValue::new().with_bool(true)]),
        ),
    ]
    .into();
    let item: HashMap<String, AttributeValue> = [
        ("id".to_owned(), text("user-1")),
        (
            "raw".to_owned(),
            AttributeValue::new().with_b(dynamodb::runtime::Blob::new(b"hi".to_vec())),
        ),
        ("profile".to_owned(), AttributeValue::new().with_m(nested)),
    ]
    .into();
    let input = PutItemInput::new("Users", item)
        .with_return_values(ReturnValue::AllOld)
        .with_condition_expression("attribute_not_exists(id)");
    round_trip(
        &input,
        json!({
            "TableName": "Users",
            "Item": {
                "id": {"S": "user-1"},
                "raw": {"B": "aGk="},
                "profile": {"M": {
                    "n": {"N": "42"},
                    "l": {"L": [{"S": "a"}, {"BOOL": true}]}
                }}
            },
            "ReturnValues": "ALL_OLD",
            "ConditionExpression": "attribute_not_exists(id)"
        }),
    );
    let output: PutItemOutput = serde_json::from_value(json!({
        "Attributes": {"id": {"S": "user-0"}},
        "ConsumedCapacity": {"TableName": "Users", "CapacityUnits": 1.5}
    }))
    .expect("the output reads");
    let capacity = output
        .consumed_capacity
        .as_ref()
        .and_then(|c| c.capacity_units);
    assert_eq!(capacity, Some(1.5));
    round_trip(
        &output,
        json!({
            "Attributes": {"id": {"S": "user-0"}},
            "ConsumedCapacity": {"TableName": "Users", "CapacityUnits": 1.5}
        }),
    );
}

#[test]
fn identitystore_union_and_document_round_trip() {
    use identitystore::types::{
        AlternateIdentifier, AttributeOperation, GetUserIdRequest, UniqueAttribute,
        UpdateUserRequest,
    };
    let by_attribute = AlternateIdentifier::UniqueAttribute(UniqueAttribute::new(
        "emails.value",
        json!("a@example.com"),
    ));
    round_trip(
        &GetUserIdRequest::new("d-123", by_attribute),
        json!({
            "IdentityStoreId": "d-123",
            "AlternateIdentifier": {"UniqueAttribute": {
                "AttributePath": "emails.value",
                "AttributeValue": "a@example.com"
            }}
        }),
    );
    let update = UpdateUserRequest::new(
        "d-123",
        "u-1",
        vec![
            AttributeOperation::new("name")
                .with_attribute_value(json!({"givenName": "A", "n": [1, null]})),
            AttributeOperation::new("nickName"),
        ],
    );
    round_trip(
        &update,
        json!({
            "IdentityStoreId": "d-123",
            "UserId": "u-1",
            "Operations": [
                {"AttributePath": "name", "AttributeValue": {"givenName": "A", "n": [1, null]}},
                {"AttributePath": "nickName"}
            ]
        }),
    );
}

#[test]
fn kinesis_blobs_and_timestamps_round_trip_and_event_stream_operation_is_absent() {
    use kinesis::runtime::{Blob, DateTime};
    use kinesis::types::{GetRecordsOutput, PutRecordsInput, PutRecordsRequestEntry, Record};
    let input = PutRecordsInput::new(vec![
        PutRecordsRequestEntry::new(Blob::new(b"\x00\xffdata".to_vec())).with_partition_key("p1"),
        PutRecordsRequestEntry::new(Blob::new(Vec::new())).with_explicit_hash_key("7"),
    ])
    .with_stream_name("events");
    round_trip(
        &input,
        json!({
            "Records": [
                {"Data": "AP9kYXRh", "PartitionKey": "p1"},
                {"Data": "", "ExplicitHashKey": "7"}
            ],
            "StreamName": "events"
        }),
    );
    let mut record = Record::new(
        "49590338271490256608559692538361571095921575989136588898",
        Blob::new(b"x".to_vec()),
    );
    record.approximate_arrival_timestamp = Some(DateTime::from_millis(1_700_000_000_250));
    let output = GetRecordsOutput::new(vec![record]).with_millis_behind_latest(0);
    round_trip(
        &output,
        json!({
            "Records": [{
                "SequenceNumber": "49590338271490256608559692538361571095921575989136588898",
                "ApproximateArrivalTimestamp": 1700000000.25,
                "Data": "eA=="
            }],
            "MillisBehindLatest": 0
        }),
    );
    // `SubscribeToShard` reaches an event stream, so the crate leaves it out.
    let all: Vec<&str> = kinesis::operation::ALL.iter().map(|op| op.name).collect();
    assert!(all.contains(&"PutRecords"), "{all:?}");
    assert!(!all.contains(&"SubscribeToShard"), "{all:?}");
}

#[test]
fn kms_encrypt_round_trips_blob_and_context_map() {
    use kms::runtime::Blob;
    use kms::types::{EncryptRequest, EncryptResponse, EncryptionAlgorithmSpec};
    let context: HashMap<String, String> = [("purpose".to_owned(), "test".to_owned())].into();
    let input = EncryptRequest::new("alias/app", Blob::new(b"secret".to_vec()))
        .with_encryption_context(context)
        .with_grant_tokens(vec!["g1".to_owned()])
        .with_encryption_algorithm(EncryptionAlgorithmSpec::RsaesOaepSha256);
    round_trip(
        &input,
        json!({
            "KeyId": "alias/app",
            "Plaintext": "c2VjcmV0",
            "EncryptionContext": {"purpose": "test"},
            "GrantTokens": ["g1"],
            "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"
        }),
    );
    // The plaintext is sensitive, so it never shows in `Debug`.
    assert!(!format!("{input:?}").contains("secret"));
    let output = EncryptResponse::new()
        .with_ciphertext_blob(Blob::new(vec![1, 2, 3]))
        .with_encryption_algorithm(EncryptionAlgorithmSpec::Unknown("FUTURE_ALGO".to_owned()));
    round_trip(
        &output,
        json!({"CiphertextBlob": "AQID", "EncryptionAlgorithm": "FUTURE_ALGO"}),
    );
}

#[test]
fn ssm_keyword_members_and_colliding_shape_names_round_trip() {
    use ssm::runtime::DateTime;
    use ssm::types::{
        GetParametersByPathResult, InstanceInfo, Parameter, ParameterType, PutParameterRequest, Tag,
    };
    let input = PutParameterRequest::new("/app/db", "postgres://")
        .with_type(ParameterType::SecureString)
        .with_overwrite(true)
        .with_tags(vec![Tag::new("env", "dev")]);
    round_trip(
        &input,
        json!({
            "Name": "/app/db",
            "Value": "postgres://",
            "Type": "SecureString",
            "Overwrite": true,
            "Tags": [{"Key": "env", "Value": "dev"}]
        }),
    );
    let mut parameter = Parameter::new()
        .with_name("/app/db")
        .with_type(ParameterType::String)
        .with_version(3);
    parameter.last_modified_date = Some(DateTime::from_secs(1_600_000_000));
    let page = GetParametersByPathResult::new()
        .with_parameters(vec![parameter])
        .with_next_token("t");
    round_trip(
        &page,
        json!({
            "Parameters": [{
                "Name": "/app/db",
                "Type": "String",
                "Version": 3,
                "LastModifiedDate": 1600000000
            }],
            "NextToken": "t"
        }),
    );
    // `IpAddress` targets the shape that lost the name `ip_address` to `IPAddress`.
    round_trip(
        &InstanceInfo::new().with_ip_address("10.0.0.1"),
        json!({"IpAddress": "10.0.0.1"}),
    );
}

#[test]
fn storagegateway_members_of_both_boolean_shapes_round_trip() {
    use storage_gateway::types::{CreateStorediScsiVolumeInput, CreateTapesInput, Tag};
    // `PreserveExistingData` targets `boolean`, `KMSEncrypted` targets `Boolean`.
    let volume = CreateStorediScsiVolumeInput::new("arn:gw", "disk-1", true, "target", "10.0.0.2")
        .with_kms_encrypted(false);
    round_trip(
        &volume,
        json!({
            "GatewayARN": "arn:gw",
            "DiskId": "disk-1",
            "PreserveExistingData": true,
            "TargetName": "target",
            "NetworkInterfaceId": "10.0.0.2",
            "KMSEncrypted": false
        }),
    );
    let tapes = CreateTapesInput::new("arn:gw", 107_374_182_400, "token", 2, "TST")
        .with_worm(true)
        .with_tags(vec![Tag::new("k", "v")]);
    round_trip(
        &tapes,
        json!({
            "GatewayARN": "arn:gw",
            "TapeSizeInBytes": 107374182400_i64,
            "ClientToken": "token",
            "NumTapesToCreate": 2,
            "TapeBarcodePrefix": "TST",
            "Worm": true,
            "Tags": [{"Key": "k", "Value": "v"}]
        }),
    );
}

#[test]
fn verifiedpermissions_recursive_unions_round_trip() {
    use verifiedpermissions::types::{
        ActionIdentifier, AttributeValue, ContextDefinition, Decision, DeterminingPolicyItem,
        EntitiesDefinition, EntityIdentifier, EntityItem, IsAuthorizedInput, IsAuthorizedOutput,
    };
    let user = EntityIdentifier::new("User", "alice");
    let record: HashMap<String, AttributeValue> = [
        (
            "ip".to_owned(),
            AttributeValue::Ipaddr("10.0.0.1".to_owned()),
        ),
        (
            "tags".to_owned(),
            AttributeValue::Set(vec![
                AttributeValue::String("a".to_owned()),
                AttributeValue::Long(-7),
                AttributeValue::EntityIdentifier(user.clone()),
            ]),
        ),
    ]
    .into();
    let context: HashMap<String, AttributeValue> = [
        ("mfa".to_owned(), AttributeValue::Boolean(true)),
        ("request".to_owned(), AttributeValue::Record(record)),
    ]
    .into();
    let input = IsAuthorizedInput::new("ps-1")
        .with_principal(user.clone())
        .with_action(ActionIdentifier::new("Action", "view"))
        .with_context(ContextDefinition::ContextMap(context))
        .with_entities(EntitiesDefinition::EntityList(vec![EntityItem::new(user)]));
    round_trip(
        &input,
        json!({
            "policyStoreId": "ps-1",
            "principal": {"entityType": "User", "entityId": "alice"},
            "action": {"actionType": "Action", "actionId": "view"},
            "context": {"contextMap": {
                "mfa": {"boolean": true},
                "request": {"record": {
                    "ip": {"ipaddr": "10.0.0.1"},
                    "tags": {"set": [
                        {"string": "a"},
                        {"long": -7},
                        {"entityIdentifier": {"entityType": "User", "entityId": "alice"}}
                    ]}
                }}
            }},
            "entities": {"entityList": [
                {"identifier": {"entityType": "User", "entityId": "alice"}}
            ]}
        }),
    );
    let output = IsAuthorizedOutput::new(
        Decision::Allow,
        vec![DeterminingPolicyItem::new("p-1")],
        Vec::new(),
    );
    round_trip(
        &output,
        json!({"decision": "ALLOW", "determiningPolicies": [{"policyId": "p-1"}], "errors": []}),
    );
}
