//! Behaviour of crates generated from the fixture models, run inside the throwaway fixture
//! workspace by `fixture_crates_compile` in `snapshots.rs` (the fixture crates exist only
//! there). Each test proves that a kind of shape the Cognito Identity model lacks works on
//! the wire: recursion, unions, every timestamp format, floats, blobs, documents, int enums,
//! sparse collections and redaction.

use serde_json::{json, Value};

fn round_trip<T>(wire: Value) -> T
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let value: T = serde_json::from_value(wire.clone()).expect("reads");
    assert_eq!(serde_json::to_value(&value).expect("writes"), wire);
    value
}

#[test]
fn recursive_structures_round_trip_through_box_list_and_map() {
    use recursion::types::{Node, Ping, Pong};
    let wire = json!({
        "Name": "root",
        "Next": {"Name": "next", "Next": {"Name": "last"}},
        "Children": [{"Name": "child", "Children": []}],
        "Named": {"a": {"Name": "a"}}
    });
    let node: Node = round_trip(wire);
    assert_eq!(node.next.as_ref().and_then(|n| n.next.as_ref()).map(|n| n.name.as_str()), Some("last"));
    let ping = Ping::new().with_pong(Pong::new(Ping::new()));
    let back: Ping = serde_json::from_value(serde_json::to_value(&ping).unwrap()).unwrap();
    assert_eq!(back, ping);
}

#[test]
fn unions_read_exactly_one_member_and_keep_unknown_ones() {
    use recursion::types::Expression;
    let e: Expression = round_trip(json!({"Not": {"All": [{"Literal": "x"}, {"Not": {"Literal": "y"}}]}}));
    assert!(matches!(&e, Expression::Not(inner) if matches!(**inner, Expression::All(ref v) if v.len() == 2)));
    // `__type` is ignored and a null member counts as unset.
    let e: Expression = serde_json::from_value(json!({"__type": "ns#Expression", "Not": null, "Literal": "z"})).unwrap();
    assert_eq!(e, Expression::Literal("z".into()));
    // A member this crate does not know is kept by name, but cannot be sent.
    let e: Expression = serde_json::from_value(json!({"Regex": "a+"})).unwrap();
    assert_eq!(e, Expression::Unknown("Regex".into()));
    assert!(serde_json::to_value(&e).unwrap_err().to_string().contains("Regex"));
    // Two members, or none, are errors that name the union.
    let two = serde_json::from_value::<Expression>(json!({"Literal": "a", "All": []})).unwrap_err();
    assert!(two.to_string().contains("more than one member"), "{two}");
    let none = serde_json::from_value::<Expression>(json!({})).unwrap_err();
    assert!(none.to_string().contains("no member"), "{none}");
}

#[test]
fn every_timestamp_format_is_written_as_modeled() {
    use scalars::types::AllScalars;
    let wire = json!({
        "DefaultTimestamp": 1398796238,
        "EpochTimestamp": 1398796238.5,
        "IsoTimestamp": "2014-04-29T18:30:38Z",
        "HttpDateTimestamp": "Tue, 29 Apr 2014 18:30:38 GMT",
        "OverriddenTimestamp": "2014-04-29T18:30:38.123Z"
    });
    let all: AllScalars = round_trip(wire);
    assert_eq!(all.iso_timestamp, all.default_timestamp);
    assert_eq!(all.http_date_timestamp, all.default_timestamp);
    assert_eq!(all.overridden_timestamp.map(|t| t.subsec_nanos()), Some(123_000_000));
}

#[test]
fn floats_blobs_big_numbers_and_documents_keep_their_wire_form() {
    use scalars::types::AllScalars;
    let wire = json!({
        "FloatValue": "NaN",
        "DoubleValue": "-Infinity",
        "BigDecimalValue": 1.5,
        "BigIntegerValue": 12345678901234567890_u64,
        "BlobValue": "Zm9v",
        "DocumentValue": {"any": ["json", 1, null]}
    });
    let all: AllScalars = round_trip(wire);
    assert!(all.float_value.is_some_and(f32::is_nan));
    assert_eq!(all.double_value, Some(f64::NEG_INFINITY));
    assert_eq!(all.blob_value.as_ref().map(|b| b.as_bytes()), Some(&b"foo"[..]));
    assert_eq!(all.big_integer_value, Some(12345678901234567890));
}

#[test]
fn collections_of_formatted_values_use_the_element_format() {
    use list_map::types::Collections;
    let wire = json!({
        "Names": ["a"],
        "Scores": [1.5, "NaN", "Infinity"],
        "Dates": ["2014-04-29T18:30:38Z"],
        "ExpiryByName": {"x": "2014-04-29T18:30:38Z"}
    });
    let c: Collections = serde_json::from_value(wire).unwrap();
    let back = serde_json::to_value(&c).unwrap();
    assert_eq!(back["Dates"], json!(["2014-04-29T18:30:38Z"]));
    assert_eq!(back["Scores"], json!([1.5, "NaN", "Infinity"]));
    assert_eq!(back["ExpiryByName"], json!({"x": "2014-04-29T18:30:38Z"}));
}

#[test]
fn element_formats_apply_at_any_depth() {
    use list_map::types::Collections;
    let wire = json!({
        "Names": [],
        "DateGrid": [["2014-04-29T18:30:38Z"], []],
        "ScoresByName": {"a": ["NaN", 2.5]}
    });
    let c: Collections = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(c.date_grid.as_ref().unwrap()[0][0].secs(), 1398796238);
    assert!(c.scores_by_name.as_ref().unwrap()["a"][0].is_nan());
    let back = serde_json::to_value(&c).unwrap();
    assert_eq!(back["DateGrid"], wire["DateGrid"]);
    assert_eq!(back["ScoresByName"], wire["ScoresByName"]);
}

#[test]
fn nulls_in_dense_collections_are_dropped_not_fatal() {
    use list_map::types::Collections;
    let wire = json!({
        "Names": ["a", null, "b"],
        "Items": [null, {"Id": "x"}],
        "Attributes": {"k": "v", "gone": null},
        "Matrix": [["x", null], null],
        "DateGrid": [[null, "2014-04-29T18:30:38Z"]]
    });
    let c: Collections = serde_json::from_value(wire).unwrap();
    assert_eq!(c.names, ["a", "b"]);
    assert_eq!(c.items.as_ref().map(Vec::len), Some(1));
    assert_eq!(c.attributes.as_ref().map(|m| m.len()), Some(1));
    assert_eq!(c.matrix, Some(vec![vec!["x".to_owned()]]));
    assert_eq!(c.date_grid.as_ref().map(|g| g[0].len()), Some(1));
}

#[test]
fn int_enums_sparse_collections_and_unit_union_members_round_trip() {
    use smithy_shapes::types::{Level, Pick, PutInput};
    let wire = json!({
        "Level": 7,
        "Tags": {"a": "x", "b": null},
        "Names": ["n", null],
        "Pick": {"Nothing": {}},
        "When": "2014-04-29T18:30:38Z",
        "Ready": false
    });
    let input: PutInput = round_trip(wire);
    assert_eq!(input.level, Level::Unknown(7));
    assert_eq!(input.names, Some(vec![Some("n".to_owned()), None]));
    assert!(matches!(input.pick, Some(Pick::Nothing(_))));
    let known: Level = serde_json::from_value(json!(9)).unwrap();
    assert_eq!(known, Level::High);
}

#[test]
fn sensitive_union_members_and_map_values_are_redacted() {
    use sensitive::types::SecretChoice;
    let shown = format!("{:?}", SecretChoice::Pin("4321".into()));
    assert!(!shown.contains("4321"), "{shown}");
    assert!(shown.contains("Pin"), "{shown}");
}

/// Runs a future that never waits (the router over a handler that answers at once).
fn ready<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match std::future::Future::poll(future.as_mut(), &mut cx) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => panic!("the router waited on a handler that answers at once"),
    }
}

struct Trees;

impl dotted_target_prefix::Dotted for Trees {
    async fn put_tree(
        &self,
        input: dotted_target_prefix::types::PutTreeRequest,
    ) -> Result<dotted_target_prefix::types::PutTreeResponse, dotted_target_prefix::error::PutTreeError> {
        fn count(node: &dotted_target_prefix::types::Node) -> i32 {
            1 + node.children.iter().flatten().map(count).sum::<i32>()
        }
        Ok(dotted_target_prefix::types::PutTreeResponse::new().with_count(count(&input.root)))
    }
}

fn put_tree(target: &str, body: Value) -> (u16, Value) {
    use dotted_target_prefix::runtime::{http, Bytes};
    let request = http::Request::builder()
        .method("POST")
        .uri("/")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", target)
        .body(Bytes::from(body.to_string()))
        .unwrap();
    let response = ready(dotted_target_prefix::Router::new(Trees).handle(request));
    let json = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
    (response.status().as_u16(), json)
}

#[test]
fn a_target_prefix_with_dots_routes_to_the_operation() {
    let target = "com.amazonaws.dotted.v20131101.Dotted_20131101.PutTree";
    let tree = json!({"Name": "t", "Root": {"Label": "a", "Children": [{"Label": "b"}, {"Label": "c"}]}});
    assert_eq!(put_tree(target, tree.clone()), (200, json!({"Count": 3})));
    // The prefix must match whole; its last dotted part alone is not enough.
    let (status, body) = put_tree("Dotted_20131101.PutTree", tree);
    assert_eq!((status, body["__type"].as_str()), (400, Some("UnknownOperationException")));
}

#[test]
fn missing_required_members_of_recursive_shapes_are_all_reported() {
    let target = "com.amazonaws.dotted.v20131101.Dotted_20131101.PutTree";
    let tree = json!({"Root": {"Children": [{"Label": "b"}, {"Children": [{}]}]}});
    let (status, body) = put_tree(target, tree);
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "ValidationException");
    assert_eq!(
        body["message"],
        "4 validation errors detected: \
         Value null at 'name' failed to satisfy constraint: Member must not be null; \
         Value null at 'root.label' failed to satisfy constraint: Member must not be null; \
         Value null at 'root.children.2.member.label' failed to satisfy constraint: Member must not be null; \
         Value null at 'root.children.2.member.children.1.member.label' failed to satisfy constraint: Member must not be null"
    );
}

/// The paths of the members of a `patterns` input that break their pattern, sorted.
fn pattern_failures(input: Value) -> Vec<String> {
    use patterns::runtime::Validate;
    let input: patterns::types::CheckInput = serde_json::from_value(input).expect("reads");
    let mut paths: Vec<String> = input.violations().into_iter().map(|v| v.path).collect();
    paths.sort();
    paths
}

#[test]
fn patterns_are_checked_the_way_java_reads_them() {
    // `\w` and `\p{Print}` are ASCII, `\p{L}` is any letter, a surrogate-pair range covers
    // the supplementary planes, and the look-ahead pattern is documented as unchecked. Most
    // patterns are automata; `LongCode` is too large for one and uses regex-lite, and
    // `CaselessName` the full engine.
    let good = json!({
        "Code": "ABC-12",
        "Printable": "Hello, world ~",
        "Text": "plain, \u{e9}, \u{1F600}\n",
        "RoleArn": "arn:aws:iam::123456789012:role/a-b/c.d@e",
        "DisplayName": "\u{c9}mile 2",
        "QualifiedName": "\u{c9}mile.Zo\u{eb}.\u{65e5}\u{672c}",
        "Title": "   ",
        "Titles": ["", " "],
        "LongCode": "abc",
        "CaselessName": "\u{c9}MILE"
    });
    assert_eq!(pattern_failures(good), Vec::<String>::new());
    let bad = json!({
        "Code": "abc-12",
        "Printable": "caf\u{e9}",
        "Text": "bell \u{7}",
        "RoleArn": "arn:aws:iam::123456789012:role/a b",
        "DisplayName": "Zo\u{eb}",
        "QualifiedName": "a.b.c.d",
        "LongCode": "a".repeat(601),
        "CaselessName": "1abc"
    });
    assert_eq!(
        pattern_failures(bad),
        [
            "caselessName",
            "code",
            "displayName",
            "longCode",
            "printable",
            "qualifiedName",
            "roleArn",
            "text"
        ]
    );
}

struct Items;

impl no_target_prefix::NoTargetPrefix for Items {
    async fn put_item(
        &self,
        _input: no_target_prefix::types::PutItemRequest,
    ) -> Result<no_target_prefix::types::PutItemResponse, no_target_prefix::error::PutItemError> {
        panic!("a router without a target prefix never calls its handler")
    }
}

#[test]
fn without_a_target_prefix_the_client_sends_nothing_and_says_why() {
    use no_target_prefix::runtime::{Config, ErrorKind, InMemoryTransport};
    use no_target_prefix::types::{Item, PutItemRequest};
    let transport = InMemoryTransport::canned(200, "{}").recording();
    let client = no_target_prefix::Client::new(
        Config::builder().transport(transport.clone()).region("us-east-1").build(),
    );
    let error = ready(client.put_item(PutItemRequest::new(Item::new("n"))))
        .expect_err("no call can be made");
    // The operation models no errors, so its error enum has only this variant.
    let no_target_prefix::error::PutItemError::Unhandled(unhandled) = &error;
    assert_eq!(unhandled.kind(), ErrorKind::Request);
    assert_eq!(
        error.to_string(),
        "invalid request: `PutItem` cannot be called: the service model declares no target prefix \
         (metadata `targetPrefix`), which the `X-Amz-Target` header needs; no request was sent"
    );
    assert!(transport.requests().is_empty());
}

#[test]
fn without_a_target_prefix_the_router_knows_no_operation() {
    use no_target_prefix::runtime::{http, Bytes, HttpService};
    let router = no_target_prefix::Router::new(Items);
    for target in ["PutItem", ".PutItem", "NoTargetPrefix.PutItem", ""] {
        let request = http::Request::builder()
            .method("POST")
            .uri("/")
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", target)
            .body(Bytes::from(r#"{"Item": {"Name": "n"}}"#))
            .unwrap();
        let response = ready(router.handle(request));
        let body: Value = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
        assert_eq!(
            (response.status().as_u16(), body["__type"].as_str()),
            (400, Some("UnknownOperationException")),
            "target `{target}`: {body}"
        );
        assert!(router.operation_meta(target).is_none(), "target `{target}`");
    }
}
