//! The model readers end to end: Cognito Identity read from botocore and from Smithy, a small
//! model exercising every shape kind and trait in both formats, legal recursion, and one test
//! per kind of malformed model.
//!
//! Fixtures are inline JSON strings so each test shows exactly what it feeds the reader.

use model::ir::{
    AuthScheme, Element, Fault, HostSegment, Member, PageItems, PagesHelper, Pagination, Protocol,
    Retryable, Service, ShapeKind, TimestampFormat, WireForm,
};
use model::{BotocoreFiles, Source};

const SERVICE: &str = include_str!("../model/cognito-identity/service-2.json");
const PAGINATORS: &str = include_str!("../model/cognito-identity/paginators-1.json");
const RULES: &str = include_str!("../model/cognito-identity/endpoint-rule-set-1.json");
const SMITHY: &str =
    include_str!("../model/cognito-identity/cognito-identity-2014-06-30.smithy.json");

fn cognito_botocore() -> Service {
    model::load_botocore(BotocoreFiles {
        service: Source {
            name: "model/cognito-identity/service-2.json",
            text: SERVICE,
        },
        paginators: Some(Source {
            name: "model/cognito-identity/paginators-1.json",
            text: PAGINATORS,
        }),
        endpoint_rules: Some(Source {
            name: "model/cognito-identity/endpoint-rule-set-1.json",
            text: RULES,
        }),
    })
    .unwrap_or_else(|e| panic!("the botocore model loads:\n{e}"))
}

fn cognito_smithy() -> Service {
    model::load_smithy(Source {
        name: "model/cognito-identity/cognito-identity-2014-06-30.smithy.json",
        text: SMITHY,
    })
    .unwrap_or_else(|e| panic!("the Smithy model loads:\n{e}"))
}

fn botocore(text: &str) -> Result<Service, model::Errors> {
    model::load_botocore(BotocoreFiles {
        service: Source {
            name: "fixture/service-2.json",
            text,
        },
        paginators: None,
        endpoint_rules: None,
    })
}

fn smithy(text: &str) -> Result<Service, model::Errors> {
    model::load_smithy(Source {
        name: "fixture/model.smithy.json",
        text,
    })
}

/// Clears what the two formats are allowed to disagree on: documentation text (all `docs`
/// fields) and `Member::default`, which botocore does not carry and the IR keeps as
/// documentation only. Nothing else is touched.
fn strip_docs(mut service: Service) -> Service {
    fn member(m: &mut Member) {
        m.docs = None;
        m.default = None;
    }
    service.docs = None;
    for op in &mut service.operations {
        op.docs = None;
    }
    for shape in service.shapes.values_mut() {
        shape.docs = None;
        match &mut shape.kind {
            ShapeKind::Structure(ms) | ShapeKind::Union(ms) => ms.iter_mut().for_each(member),
            ShapeKind::List { member: m, .. } => member(m),
            ShapeKind::Map { key, value, .. } => {
                member(key);
                member(value);
            }
            ShapeKind::Enum(values) => values.iter_mut().for_each(|v| v.docs = None),
            ShapeKind::IntEnum(values) => values.iter_mut().for_each(|v| v.docs = None),
            _ => {}
        }
    }
    service
}

/// Compares piece by piece first, so a failure names the shape or operation that differs
/// instead of printing two whole services.
fn assert_same_ir(a: &Service, b: &Service) {
    assert_eq!(a.metadata, b.metadata, "metadata differs");
    let a_names: Vec<&String> = a.shapes.keys().collect();
    let b_names: Vec<&String> = b.shapes.keys().collect();
    assert_eq!(a_names, b_names, "shape names differ");
    for (name, shape) in &a.shapes {
        assert_eq!(Some(shape), b.shapes.get(name), "shape `{name}` differs");
    }
    assert_eq!(
        a.operations.len(),
        b.operations.len(),
        "operation count differs"
    );
    for (x, y) in a.operations.iter().zip(&b.operations) {
        assert_eq!(x, y, "operation `{}` differs", x.name);
    }
    assert_eq!(a.endpoint_rules, b.endpoint_rules, "endpoint rules differ");
    assert_eq!(a, b);
}

fn members<'a>(service: &'a Service, shape: &str) -> &'a [Member] {
    match service.shapes.get(shape).map(|s| &s.kind) {
        Some(ShapeKind::Structure(ms) | ShapeKind::Union(ms)) => ms,
        other => panic!("`{shape}` is not a structure: {other:?}"),
    }
}

fn member<'a>(service: &'a Service, shape: &str, name: &str) -> &'a Member {
    members(service, shape)
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("`{shape}` has no member `{name}`"))
}

/// Loading Cognito Identity from botocore (`service-2.json` with its paginators and endpoint
/// rules) and from the Smithy JSON AST gives the same IR once documentation is cleared: every
/// `docs` field, and `Member::default`, which botocore does not carry and which the IR keeps as
/// documentation only. Nothing else is normalized here; the lowerings are canonical.
#[test]
fn botocore_and_smithy_give_the_same_ir_for_cognito_identity() {
    let from_botocore = strip_docs(cognito_botocore());
    let from_smithy = strip_docs(cognito_smithy());
    assert_same_ir(&from_botocore, &from_smithy);
}

/// The code generated from each format is the same but for comments: the header (which names
/// the model file) and the documentation converted from each file's own HTML.
#[test]
fn botocore_and_smithy_generate_the_same_code_apart_from_comments() {
    let options = codegen::Options {
        crate_name: "cognito-identity".to_owned(),
        runtime_dependency: "{ workspace = true }".to_owned(),
        workspace_member: true,
        model_files: vec!["model/cognito-identity/service-2.json".to_owned()],
        names_lock: Default::default(),
        operation_features: false,
    };
    let code = |service: &Service| -> Vec<(std::path::PathBuf, Vec<String>)> {
        let files = codegen::generate(service, &options).expect("Cognito Identity generates");
        files
            .into_iter()
            .map(|(path, text)| {
                let lines = text
                    .lines()
                    .filter(|l| {
                        let t = l.trim_start();
                        !(t.starts_with("//")
                            || t.starts_with("#[doc")
                            || t.starts_with('#') && path.ends_with("Cargo.toml"))
                    })
                    .map(str::to_owned)
                    .collect();
                (path, lines)
            })
            .collect()
    };
    let (a, b) = (code(&cognito_botocore()), code(&cognito_smithy()));
    assert_eq!(a.len(), b.len());
    for ((path_a, lines_a), (path_b, lines_b)) in a.iter().zip(&b) {
        assert_eq!(path_a, path_b);
        let first_difference = lines_a.iter().zip(lines_b).position(|(x, y)| x != y);
        assert!(
            lines_a.len() == lines_b.len() && first_difference.is_none(),
            "{} differs at code line {:?}",
            path_a.display(),
            first_difference
        );
    }
}

#[test]
fn cognito_identity_has_the_expected_operations_and_shapes() {
    let s = cognito_botocore();
    assert_eq!(s.operations.len(), 23);
    assert_eq!(s.shapes.len(), 111);
    let names: Vec<&str> = s.operations.iter().map(|o| o.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "operations are sorted by name");

    let m = &s.metadata;
    assert_eq!(m.service_id, "Cognito Identity");
    assert_eq!(m.full_name, "Amazon Cognito Identity");
    assert_eq!(m.api_version, "2014-06-30");
    assert_eq!(m.protocol, Protocol::AwsJson1_1);
    assert_eq!(
        m.target_prefix.as_deref(),
        Some("AWSCognitoIdentityService")
    );
    assert_eq!(m.signing_name, "cognito-identity");
    assert_eq!(m.endpoint_prefix, "cognito-identity");
    assert_eq!(m.auth, [AuthScheme::SigV4]);
    assert!(s
        .docs
        .as_deref()
        .is_some_and(|d| d.contains("Amazon Cognito Federated Identities")));
}

#[test]
fn cognito_identity_public_operations_are_unsigned_in_both_formats() {
    for s in [cognito_botocore(), cognito_smithy()] {
        let unsigned: Vec<&str> = s
            .operations
            .iter()
            .filter(|o| o.unsigned)
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(
            unsigned,
            [
                "GetCredentialsForIdentity",
                "GetId",
                "GetOpenIdToken",
                "UnlinkIdentity"
            ]
        );
    }
}

#[test]
fn cognito_identity_has_four_enums_named_after_their_values() {
    let s = cognito_botocore();
    let enums: Vec<&str> = s
        .shapes
        .values()
        .filter(|sh| matches!(sh.kind, ShapeKind::Enum(_)))
        .map(|sh| sh.name.as_str())
        .collect();
    assert_eq!(
        enums,
        [
            "AmbiguousRoleResolutionType",
            "ErrorCode",
            "MappingRuleMatchType",
            "RoleMappingType"
        ]
    );
    let ShapeKind::Enum(values) = &s.shapes["AmbiguousRoleResolutionType"].kind else {
        panic!("AmbiguousRoleResolutionType is an enum");
    };
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|v| (v.name.as_str(), v.value.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [("AuthenticatedRole", "AuthenticatedRole"), ("Deny", "Deny")]
    );
}

#[test]
fn cognito_identity_credentials_and_logins_are_sensitive() {
    for s in [cognito_botocore(), cognito_smithy()] {
        // The target shape is marked sensitive in the model.
        assert!(member(&s, "Credentials", "SecretKey").sensitive);
        // Not marked in the model; sensitive through the service customization.
        assert!(!s.shapes["SessionTokenString"].sensitive);
        assert!(member(&s, "Credentials", "SessionToken").sensitive);
        assert!(!member(&s, "Credentials", "AccessKeyId").sensitive);
        // A map's values are sensitive because their target is; the map member itself is not.
        let ShapeKind::Map { key, value, .. } = &s.shapes["LoginsMap"].kind else {
            panic!("LoginsMap is a map");
        };
        assert!(value.sensitive);
        assert!(!key.sensitive);
        assert!(!member(&s, "GetIdInput", "Logins").sensitive);
    }
}

#[test]
fn cognito_identity_list_identity_pools_is_paginated() {
    for s in [cognito_botocore(), cognito_smithy()] {
        let op = s
            .operations
            .iter()
            .find(|o| o.name == "ListIdentityPools")
            .expect("ListIdentityPools exists");
        assert_eq!(
            op.pagination,
            Some(Pagination {
                input_token: "NextToken".into(),
                output_token: "NextToken".into(),
                page_size: Some("MaxResults".into()),
                items: Some("IdentityPools".into()),
                // Both tokens are optional top-level strings, and the items a direct list.
                helper: Some(PagesHelper {
                    input: "ListIdentityPoolsInput".into(),
                    output: "ListIdentityPoolsResponse".into(),
                    items: Some(PageItems {
                        member: "IdentityPools".into(),
                        element: "IdentityPoolShortDescription".into(),
                        sparse: false,
                        required: false,
                    }),
                }),
            })
        );
        let paginated = s
            .operations
            .iter()
            .filter(|o| o.pagination.is_some())
            .count();
        assert_eq!(paginated, 1);
    }
}

#[test]
fn cognito_identity_errors_and_endpoint_rules_are_lowered() {
    let s = cognito_botocore();
    let rules = s
        .endpoint_rules
        .as_ref()
        .expect("endpoint rules are present");
    assert_eq!(rules["version"], "1.0");
    assert_eq!(rules["parameters"]["Region"]["type"], "string");
    let get_id = s
        .operations
        .iter()
        .find(|o| o.name == "GetId")
        .expect("GetId exists");
    assert_eq!(
        get_id.errors,
        [
            "ExternalServiceException",
            "InternalErrorException",
            "InvalidParameterException",
            "LimitExceededException",
            "NotAuthorizedException",
            "ResourceConflictException",
            "ResourceNotFoundException",
            "TooManyRequestsException",
        ]
    );
    let internal = s.shapes["InternalErrorException"]
        .error
        .as_ref()
        .expect("an error shape");
    assert_eq!((internal.fault, internal.http_status), (Fault::Server, 500));
    let not_found = s.shapes["ResourceNotFoundException"]
        .error
        .as_ref()
        .expect("an error shape");
    assert_eq!(
        (
            not_found.fault,
            not_found.http_status,
            not_found.code.as_str()
        ),
        (Fault::Client, 400, "ResourceNotFoundException")
    );
}

/// A botocore model with every shape kind and the traits the IR carries.
const KITCHEN_BOTOCORE: &str = r#"{
  "version": "2.0",
  "documentation": "<p>Every shape kind.</p>",
  "metadata": {
    "apiVersion": "2020-01-01", "endpointPrefix": "kitchen", "jsonVersion": "1.0",
    "protocol": "json", "protocols": ["json"], "serviceFullName": "Kitchen Sink Service",
    "serviceId": "Kitchen", "signatureVersion": "v4", "signingName": "kitchensink",
    "targetPrefix": "Kitchen", "uid": "kitchen-2020-01-01", "auth": ["aws.auth#sigv4"]
  },
  "operations": {
    "Cook": {
      "name": "Cook", "http": {"method": "POST", "requestUri": "/"},
      "input": {"shape": "CookInput"}, "output": {"shape": "CookOutput"},
      "errors": [{"shape": "OvenFailure"}, {"shape": "Burnt"}, {"shape": "OvenFailure"}],
      "documentation": "<p>Cooks.</p>", "idempotent": true,
      "endpoint": {"hostPrefix": "{Kitchen}."},
      "requestcompression": {"encodings": ["gzip"]}
    },
    "Peek": {
      "name": "Peek", "input": {"shape": "PeekInput"}, "output": {"shape": "PeekOutput"},
      "authtype": "none", "auth": ["smithy.api#noAuth"],
      "deprecated": true, "deprecatedMessage": "Use Cook."
    },
    "Ping": {"name": "Ping"}
  },
  "shapes": {
    "CookInput": {"type": "structure", "required": ["Kitchen"], "members": {
      "Kitchen": {"shape": "String", "documentation": "<p>Which kitchen.</p>"},
      "Token": {"shape": "String", "idempotencyToken": true},
      "Recipe": {"shape": "Recipe"},
      "Items": {"shape": "ItemList"},
      "Labels": {"shape": "LabelMap"},
      "Secret": {"shape": "Secret"},
      "Count": {"shape": "Count"},
      "Tiny": {"shape": "Tiny"},
      "Small": {"shape": "Small"},
      "Large": {"shape": "Large"},
      "Ratio": {"shape": "Ratio"},
      "Precise": {"shape": "Precise"},
      "Huge": {"shape": "Huge"},
      "Exact": {"shape": "Exact"},
      "Data": {"shape": "Data"},
      "When": {"shape": "When"},
      "WhenIso": {"shape": "When", "timestampFormat": "iso8601"},
      "WhenHttp": {"shape": "WhenHttp"},
      "Free": {"shape": "Free"},
      "Choice": {"shape": "Choice"},
      "Flag": {"shape": "Flag"},
      "Old": {"shape": "OldThing", "deprecated": true, "deprecatedMessage": "gone"}
    }},
    "CookOutput": {"type": "structure", "members": {"Items": {"shape": "ItemList"}}},
    "PeekInput": {"type": "structure", "members": {
      "NextToken": {"shape": "String"}, "MaxResults": {"shape": "Count"}}},
    "PeekOutput": {"type": "structure", "members": {
      "NextToken": {"shape": "String"}, "Items": {"shape": "ItemList"}}},
    "Item": {"type": "structure", "required": ["Name"], "members": {"Name": {"shape": "String"}}},
    "ItemList": {"type": "list", "member": {"shape": "Item"}, "min": 1, "max": 10},
    "LabelMap": {"type": "map", "key": {"shape": "Recipe"}, "value": {"shape": "String"}, "max": 5},
    "Recipe": {"type": "string", "enum": ["boiled", "fried"]},
    "Secret": {"type": "string", "sensitive": true, "min": 1, "max": 64, "pattern": "[a-z]+"},
    "String": {"type": "string"},
    "OldThing": {"type": "string", "deprecated": true, "deprecatedMessage": "no more"},
    "Count": {"type": "integer", "min": 1, "max": 100},
    "Tiny": {"type": "byte"},
    "Small": {"type": "short"},
    "Large": {"type": "long"},
    "Ratio": {"type": "float"},
    "Precise": {"type": "double", "min": 0, "max": 1},
    "Huge": {"type": "bigInteger"},
    "Exact": {"type": "bigDecimal"},
    "Data": {"type": "blob", "max": 1024},
    "When": {"type": "timestamp"},
    "WhenHttp": {"type": "timestamp", "timestampFormat": "rfc822"},
    "Free": {"type": "structure", "members": {}, "document": true},
    "Choice": {"type": "structure", "union": true, "members": {
      "Name": {"shape": "String"}, "Count": {"shape": "Count"}}},
    "Flag": {"type": "boolean"},
    "Burnt": {"type": "structure", "members": {"message": {"shape": "String"}},
      "exception": true, "error": {"code": "BurntFood", "httpStatusCode": 409, "senderFault": true},
      "retryable": {"throttling": true}},
    "OvenFailure": {"type": "structure", "members": {}, "exception": true, "fault": true}
  }
}"#;

const KITCHEN_PAGINATORS: &str = r#"{"pagination": {"Peek": {
  "input_token": "NextToken", "output_token": "NextToken",
  "limit_key": "MaxResults", "result_key": "Items"}}}"#;

/// The same API as [`KITCHEN_BOTOCORE`], in the Smithy JSON AST.
const KITCHEN_SMITHY: &str = r#"{
  "smithy": "2.0",
  "shapes": {
    "example.kitchen#Kitchen": {
      "type": "service", "version": "2020-01-01",
      "operations": [{"target": "example.kitchen#Cook"}, {"target": "example.kitchen#Ping"}],
      "resources": [{"target": "example.kitchen#Pantry"}],
      "traits": {
        "aws.api#service": {"sdkId": "Kitchen", "endpointPrefix": "kitchen"},
        "aws.auth#sigv4": {"name": "kitchensink"},
        "aws.protocols#awsJson1_0": {},
        "smithy.api#title": "Kitchen Sink Service",
        "smithy.api#documentation": "<p>Every shape kind, in Smithy.</p>"
      }
    },
    "example.kitchen#Pantry": {"type": "resource", "list": {"target": "example.kitchen#Peek"}},
    "example.kitchen#Cook": {
      "type": "operation",
      "input": {"target": "example.kitchen#CookInput"},
      "output": {"target": "example.kitchen#CookOutput"},
      "errors": [{"target": "example.kitchen#Burnt"}, {"target": "example.kitchen#OvenFailure"}],
      "traits": {
        "smithy.api#idempotent": {},
        "smithy.api#endpoint": {"hostPrefix": "{Kitchen}."},
        "smithy.api#requestCompression": {"encodings": ["gzip"]}
      }
    },
    "example.kitchen#Peek": {
      "type": "operation",
      "input": {"target": "example.kitchen#PeekInput"},
      "output": {"target": "example.kitchen#PeekOutput"},
      "traits": {
        "smithy.api#auth": [],
        "smithy.api#deprecated": {"message": "Use Cook."},
        "smithy.api#paginated": {"inputToken": "NextToken", "outputToken": "NextToken",
          "pageSize": "MaxResults", "items": "Items"}
      }
    },
    "example.kitchen#Ping": {
      "type": "operation",
      "input": {"target": "smithy.api#Unit"}, "output": {"target": "smithy.api#Unit"}
    },
    "example.kitchen#CookInput": {"type": "structure", "members": {
      "Kitchen": {"target": "example.kitchen#String", "traits": {"smithy.api#required": {}}},
      "Token": {"target": "example.kitchen#String", "traits": {"smithy.api#idempotencyToken": {}}},
      "Recipe": {"target": "example.kitchen#Recipe"},
      "Items": {"target": "example.kitchen#ItemList"},
      "Labels": {"target": "example.kitchen#LabelMap"},
      "Secret": {"target": "example.kitchen#Secret"},
      "Count": {"target": "example.kitchen#Count"},
      "Tiny": {"target": "example.kitchen#Tiny"},
      "Small": {"target": "example.kitchen#Small"},
      "Large": {"target": "example.kitchen#Large"},
      "Ratio": {"target": "example.kitchen#Ratio"},
      "Precise": {"target": "example.kitchen#Precise"},
      "Huge": {"target": "example.kitchen#Huge"},
      "Exact": {"target": "example.kitchen#Exact"},
      "Data": {"target": "example.kitchen#Data"},
      "When": {"target": "example.kitchen#When"},
      "WhenIso": {"target": "example.kitchen#When",
        "traits": {"smithy.api#timestampFormat": "date-time"}},
      "WhenHttp": {"target": "example.kitchen#WhenHttp"},
      "Free": {"target": "example.kitchen#Free"},
      "Choice": {"target": "example.kitchen#Choice"},
      "Flag": {"target": "example.kitchen#Flag", "traits": {"smithy.api#default": false}},
      "Old": {"target": "example.kitchen#OldThing",
        "traits": {"smithy.api#deprecated": {"message": "gone"}}}
    }},
    "example.kitchen#CookOutput": {"type": "structure", "members": {
      "Items": {"target": "example.kitchen#ItemList"}}},
    "example.kitchen#PeekInput": {"type": "structure", "members": {
      "NextToken": {"target": "example.kitchen#String"},
      "MaxResults": {"target": "example.kitchen#Count"}}},
    "example.kitchen#PeekOutput": {"type": "structure", "members": {
      "NextToken": {"target": "example.kitchen#String"},
      "Items": {"target": "example.kitchen#ItemList"}}},
    "example.kitchen#Item": {"type": "structure", "members": {
      "Name": {"target": "example.kitchen#String", "traits": {"smithy.api#required": {}}}}},
    "example.kitchen#ItemList": {"type": "list", "member": {"target": "example.kitchen#Item"},
      "traits": {"smithy.api#length": {"min": 1, "max": 10}}},
    "example.kitchen#LabelMap": {"type": "map",
      "key": {"target": "example.kitchen#Recipe"}, "value": {"target": "example.kitchen#String"},
      "traits": {"smithy.api#length": {"min": 0, "max": 5}}},
    "example.kitchen#Recipe": {"type": "enum", "members": {
      "BOILED": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "boiled"}},
      "FRIED": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "fried"}}}},
    "example.kitchen#Secret": {"type": "string", "traits": {"smithy.api#sensitive": {},
      "smithy.api#length": {"min": 1, "max": 64}, "smithy.api#pattern": "^[a-z]+$"}},
    "example.kitchen#String": {"type": "string"},
    "example.kitchen#OldThing": {"type": "string",
      "traits": {"smithy.api#deprecated": {"message": "no more"}}},
    "example.kitchen#Count": {"type": "integer", "traits": {"smithy.api#range": {"min": 1, "max": 100}}},
    "example.kitchen#Tiny": {"type": "byte"},
    "example.kitchen#Small": {"type": "short"},
    "example.kitchen#Large": {"type": "long"},
    "example.kitchen#Ratio": {"type": "float"},
    "example.kitchen#Precise": {"type": "double", "traits": {"smithy.api#range": {"min": 0, "max": 1}}},
    "example.kitchen#Huge": {"type": "bigInteger"},
    "example.kitchen#Exact": {"type": "bigDecimal"},
    "example.kitchen#Data": {"type": "blob", "traits": {"smithy.api#length": {"max": 1024}}},
    "example.kitchen#When": {"type": "timestamp"},
    "example.kitchen#WhenHttp": {"type": "timestamp", "traits": {"smithy.api#timestampFormat": "http-date"}},
    "example.kitchen#Free": {"type": "document"},
    "example.kitchen#Choice": {"type": "union", "members": {
      "Name": {"target": "example.kitchen#String"}, "Count": {"target": "example.kitchen#Count"}}},
    "example.kitchen#Flag": {"type": "boolean", "traits": {"smithy.api#default": false}},
    "example.kitchen#Burnt": {"type": "structure",
      "members": {"message": {"target": "example.kitchen#String"}},
      "traits": {"smithy.api#error": "client", "smithy.api#httpError": 418,
        "aws.protocols#awsQueryError": {"code": "BurntFood", "httpResponseCode": 409},
        "smithy.api#retryable": {"throttling": true}}},
    "example.kitchen#OvenFailure": {"type": "structure", "members": {},
      "traits": {"smithy.api#error": "server"}}
  }
}"#;

fn kitchen_botocore() -> Service {
    model::load_botocore(BotocoreFiles {
        service: Source {
            name: "kitchen/service-2.json",
            text: KITCHEN_BOTOCORE,
        },
        paginators: Some(Source {
            name: "kitchen/paginators-1.json",
            text: KITCHEN_PAGINATORS,
        }),
        endpoint_rules: None,
    })
    .unwrap_or_else(|e| panic!("the kitchen model loads:\n{e}"))
}

#[test]
fn every_shape_kind_and_trait_lowers_alike_from_both_formats() {
    let from_botocore = kitchen_botocore();
    let from_smithy = smithy(KITCHEN_SMITHY).unwrap_or_else(|e| panic!("{e}"));
    assert_same_ir(&strip_docs(from_botocore), &strip_docs(from_smithy));
}

#[test]
fn every_shape_kind_and_trait_lowers_to_the_expected_ir() {
    let s = kitchen_botocore();
    let kind = |n: &str| s.shapes[n].kind.clone();
    assert_eq!(kind("Tiny"), ShapeKind::Byte);
    assert_eq!(kind("Small"), ShapeKind::Short);
    assert_eq!(kind("Count"), ShapeKind::Integer);
    assert_eq!(kind("Large"), ShapeKind::Long);
    assert_eq!(kind("Ratio"), ShapeKind::Float);
    assert_eq!(kind("Precise"), ShapeKind::Double);
    assert_eq!(kind("Huge"), ShapeKind::BigInteger);
    assert_eq!(kind("Exact"), ShapeKind::BigDecimal);
    assert_eq!(kind("Data"), ShapeKind::Blob);
    assert_eq!(kind("Flag"), ShapeKind::Boolean);
    assert_eq!(kind("Free"), ShapeKind::Document);
    assert_eq!(
        kind("When"),
        ShapeKind::Timestamp(TimestampFormat::EpochSeconds)
    );
    assert_eq!(
        kind("WhenHttp"),
        ShapeKind::Timestamp(TimestampFormat::HttpDate)
    );
    assert!(matches!(kind("Choice"), ShapeKind::Union(ms) if ms.len() == 2));
    assert!(
        matches!(kind("ItemList"), ShapeKind::List { member, sparse: false } if member.target == "Item")
    );
    assert!(matches!(kind("LabelMap"), ShapeKind::Map { key, .. } if key.target == "Recipe"));

    let when_iso = member(&s, "CookInput", "WhenIso");
    assert_eq!(when_iso.timestamp_format, Some(TimestampFormat::DateTime));
    assert!(member(&s, "CookInput", "Kitchen").required);
    assert!(member(&s, "CookInput", "Token").idempotency_token);
    assert!(member(&s, "CookInput", "Secret").sensitive);
    let old = member(&s, "CookInput", "Old");
    assert_eq!(
        old.deprecated.as_ref().and_then(|d| d.message.as_deref()),
        Some("gone")
    );
    assert!(s.shapes["OldThing"].deprecated.is_some());

    let secret = &s.shapes["Secret"].constraints;
    assert_eq!(
        (
            secret.min_length,
            secret.max_length,
            secret.pattern.as_deref()
        ),
        (Some(1), Some(64), Some("^[a-z]+$"))
    );
    let count = &s.shapes["Count"].constraints;
    assert_eq!((count.min_value, count.max_value), (Some(1.0), Some(100.0)));
    assert_eq!(s.shapes["LabelMap"].constraints.min_length, None);

    let burnt = s.shapes["Burnt"].error.as_ref().expect("Burnt is an error");
    assert_eq!(
        (
            burnt.fault,
            burnt.http_status,
            burnt.code.as_str(),
            burnt.query_code.as_deref(),
            burnt.retryable
        ),
        (
            Fault::Client,
            409,
            "Burnt",
            Some("BurntFood"),
            Some(Retryable { throttling: true })
        )
    );

    let op = |n: &str| {
        s.operations
            .iter()
            .find(|o| o.name == n)
            .unwrap_or_else(|| panic!("operation {n}"))
    };
    let cook = op("Cook");
    assert_eq!(cook.errors, ["Burnt", "OvenFailure"]);
    assert!(cook.idempotent);
    assert_eq!(cook.host_prefix.as_deref(), Some("{Kitchen}."));
    assert_eq!(cook.request_compression, ["gzip"]);
    assert!(!cook.unsigned);
    let peek = op("Peek");
    assert!(peek.unsigned);
    assert_eq!(
        peek.deprecated.as_ref().and_then(|d| d.message.as_deref()),
        Some("Use Cook.")
    );
    assert_eq!(
        peek.pagination.as_ref().and_then(|p| p.items.as_deref()),
        Some("Items")
    );
    let ping = op("Ping");
    assert_eq!(
        (ping.input.as_deref(), ping.output.as_deref()),
        (None, None)
    );
}

#[test]
fn kitchen_ir_snapshot() {
    insta::assert_debug_snapshot!("kitchen_ir", kitchen_botocore());
}

#[test]
fn smithy_int_enums_sparse_collections_and_unit_union_members_lower() {
    let text = r#"{"smithy": "2.0", "shapes": {
      "ns#Svc": {"type": "service", "version": "1", "operations": [{"target": "ns#Op"}],
        "traits": {"aws.protocols#awsJson1_1": {}}},
      "ns#Op": {"type": "operation", "input": {"target": "ns#In"}},
      "ns#In": {"type": "structure", "members": {
        "Level": {"target": "ns#Level"}, "Tags": {"target": "ns#Tags"},
        "Names": {"target": "ns#Names"}, "Pick": {"target": "ns#Pick"},
        "Raw": {"target": "smithy.api#PrimitiveBoolean", "traits": {"smithy.api#default": false}}}},
      "ns#Level": {"type": "intEnum", "members": {
        "LOW": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": 1}},
        "HIGH": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": 9}}}},
      "ns#Tags": {"type": "map", "key": {"target": "smithy.api#String"},
        "value": {"target": "smithy.api#String"}, "traits": {"smithy.api#sparse": {}}},
      "ns#Names": {"type": "list", "member": {"target": "smithy.api#String"}},
      "ns#Pick": {"type": "union", "members": {
        "Nothing": {"target": "smithy.api#Unit"}, "Name": {"target": "smithy.api#String"}}}
    }}"#;
    let s = smithy(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.metadata.protocol, Protocol::AwsJson1_1);
    assert_eq!(s.metadata.target_prefix.as_deref(), Some("Svc"));
    let ShapeKind::IntEnum(levels) = &s.shapes["Level"].kind else {
        panic!("Level is an intEnum");
    };
    let pairs: Vec<(&str, i64)> = levels.iter().map(|v| (v.name.as_str(), v.value)).collect();
    assert_eq!(pairs, [("LOW", 1), ("HIGH", 9)]);
    assert!(matches!(
        s.shapes["Tags"].kind,
        ShapeKind::Map { sparse: true, .. }
    ));
    assert!(matches!(
        s.shapes["Names"].kind,
        ShapeKind::List { sparse: false, .. }
    ));
    assert_eq!(member(&s, "Pick", "Nothing").target, "Unit");
    assert_eq!(s.shapes["Unit"].kind, ShapeKind::Structure(Vec::new()));
    assert_eq!(s.shapes["PrimitiveBoolean"].kind, ShapeKind::Boolean);
    assert_eq!(
        member(&s, "In", "Raw").default,
        Some(serde_json::json!(false))
    );
}

/// A minimal valid botocore model with the given operations and shapes spliced in.
fn with(operations: &str, shapes: &str) -> String {
    format!(
        r#"{{"metadata": {{"protocol": "json", "jsonVersion": "1.1", "targetPrefix": "T",
            "serviceId": "Fixture", "apiVersion": "2020-01-01"}},
          "operations": {{{operations}}},
          "shapes": {{"Str": {{"type": "string"}}{shapes}}}}}"#
    )
}

fn error_text(result: Result<Service, model::Errors>) -> String {
    match result {
        Ok(_) => panic!("the model was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn legal_recursion_loads_and_is_indirect_only_where_needed() {
    let text = with(
        "",
        r#", "Tree": {"type": "structure", "members": {
              "Children": {"shape": "TreeList"}, "ByName": {"shape": "TreeMap"},
              "Parent": {"shape": "Tree"}, "Label": {"shape": "Str"}}},
            "TreeList": {"type": "list", "member": {"shape": "Tree"}},
            "TreeMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Tree"}},
            "A": {"type": "structure", "required": ["B"], "members": {"B": {"shape": "B"}}},
            "B": {"type": "structure", "members": {"A": {"shape": "A"}, "Leaf": {"shape": "Leaf"}}},
            "Leaf": {"type": "structure", "members": {"Trees": {"shape": "TreeList"}}}"#,
    );
    let s = botocore(&text).unwrap_or_else(|e| panic!("legal recursion is accepted:\n{e}"));
    let mut indirect = Vec::new();
    for shape in s.shapes.values() {
        let all: Vec<&Member> = match &shape.kind {
            ShapeKind::Structure(ms) | ShapeKind::Union(ms) => ms.iter().collect(),
            ShapeKind::List { member, .. } => vec![member],
            ShapeKind::Map { key, value, .. } => vec![key, value],
            _ => Vec::new(),
        };
        for m in all.into_iter().filter(|m| m.indirect) {
            indirect.push(format!("{}.{}", shape.name, m.name));
        }
    }
    // Lists and maps already break their cycles; the optional self reference and the
    // optional back edge of A <-> B are the only members that need a pointer.
    assert_eq!(indirect, ["B.A", "Tree.Parent"]);
}

#[test]
fn bad_json_names_the_file_and_position() {
    let text = error_text(botocore("{\n  \"metadata\": {\n    \"protocol\": json\n"));
    assert!(
        text.starts_with("fixture/service-2.json: invalid JSON for a botocore service model at line 3, column 17"),
        "{text}"
    );
    let text = error_text(smithy("{\"smithy\": \"2.0\", \"shapes\": {"));
    assert!(
        text.starts_with("fixture/model.smithy.json: JSON ends too early"),
        "{text}"
    );
}

#[test]
fn wrongly_typed_fields_name_their_shape_and_member() {
    // A member that is not an object.
    let text = error_text(botocore(&with(
        "",
        r#", "Pool": {"type": "structure", "members": {"Id": "Str"}}"#,
    )));
    assert!(
        text.starts_with(
            "fixture/service-2.json: shape `Pool`, member `Id`: unexpected JSON content"
        ),
        "{text}"
    );
    assert!(text.contains("(at `shapes.Pool.members.Id`)"), "{text}");
    // A number where a string belongs.
    let text = error_text(botocore(&with(
        "",
        r#", "Pool": {"type": "structure", "members": {"Id": {"shape": 7}}}"#,
    )));
    assert!(
        text.starts_with("fixture/service-2.json: shape `Pool`, member `Id`: "),
        "{text}"
    );
    assert!(
        text.contains("invalid type: integer `7`, expected a string"),
        "{text}"
    );
    // An operation field of the wrong type.
    let text = error_text(botocore(&with(
        r#""GetId": {"name": "GetId", "errors": "E"}"#,
        "",
    )));
    assert!(
        text.starts_with("fixture/service-2.json: operation `GetId`: "),
        "{text}"
    );
    // The Smithy reader names the shape id and member the same way.
    let text = error_text(smithy(
        r#"{"smithy": "2.0", "shapes": {"ex#Pool": {"type": "structure",
            "members": {"Id": {"target": 7}}}}}"#,
    ));
    assert!(
        text.starts_with("fixture/model.smithy.json: shape `ex#Pool`, member `Id`: "),
        "{text}"
    );
    assert!(
        text.contains("(at `shapes.ex#Pool.members.Id.target`)"),
        "{text}"
    );
}

#[test]
fn the_passes_decide_host_prefix_segments_and_error_message_members() {
    let text = with(
        r#""Put": {"name": "Put", "input": {"shape": "PutIn"},
             "endpoint": {"hostPrefix": "{Account}.data-{Zone}."}},
           "Get": {"name": "Get", "endpoint": {"hostPrefix": "fixed."}}"#,
        r#", "PutIn": {"type": "structure", "required": ["Account"], "members": {
               "Account": {"shape": "Str"}, "Zone": {"shape": "Str"}}},
             "Plain": {"type": "structure", "members": {"Message": {"shape": "Str"}},
               "exception": true},
             "Odd": {"type": "structure", "members": {"message": {"shape": "Num"},
               "Message": {"shape": "Str"}}, "exception": true},
             "Num": {"type": "integer"}"#,
    );
    let s = botocore(&text).unwrap_or_else(|e| panic!("the model loads:\n{e}"));
    let op = |name: &str| s.operations.iter().find(|o| o.name == name).unwrap();
    let member = |name: &str, required: bool| HostSegment::Member {
        shape: "PutIn".to_owned(),
        name: name.to_owned(),
        required,
    };
    assert_eq!(
        op("Put").host_segments,
        [
            member("Account", true),
            HostSegment::Text(".data-".to_owned()),
            member("Zone", false),
            HostSegment::Text(".".to_owned()),
        ]
    );
    assert_eq!(
        op("Get").host_segments,
        [HostSegment::Text("fixed.".to_owned())]
    );
    let message = |shape: &str| {
        s.shapes[shape]
            .error
            .as_ref()
            .unwrap()
            .message_member
            .clone()
    };
    assert_eq!(message("Plain").as_deref(), Some("Message"));
    // The first message-named member decides; one that is not a string carries no message.
    assert_eq!(message("Odd"), None);
}

#[test]
fn only_top_level_optional_string_tokens_get_a_pages_helper() {
    let text = with(
        r#""Ok": {"name": "Ok", "input": {"shape": "In"}, "output": {"shape": "Out"}},
           "Nested": {"name": "Nested", "input": {"shape": "In"}, "output": {"shape": "Out"}},
           "Required": {"name": "Required", "input": {"shape": "ReqIn"}, "output": {"shape": "Out"}}"#,
        r#", "In": {"type": "structure", "members": {"Token": {"shape": "Str"}}},
             "ReqIn": {"type": "structure", "required": ["Token"],
               "members": {"Token": {"shape": "Str"}}},
             "Out": {"type": "structure", "members": {"Next": {"shape": "Str"},
               "Items": {"shape": "Strs"}}},
             "Strs": {"type": "list", "member": {"shape": "Str"}}"#,
    );
    let paginators = r#"{"pagination": {
        "Ok": {"input_token": "Token", "output_token": "Next", "result_key": "Items"},
        "Nested": {"input_token": "Token", "output_token": "Next", "result_key": "Page.Items"},
        "Required": {"input_token": "Token", "output_token": "Next"}}}"#;
    let s = model::load_botocore(BotocoreFiles {
        service: Source {
            name: "fixture/service-2.json",
            text: &text,
        },
        paginators: Some(Source {
            name: "fixture/paginators-1.json",
            text: paginators,
        }),
        endpoint_rules: None,
    })
    .unwrap_or_else(|e| panic!("the model loads:\n{e}"));
    let helper = |name: &str| {
        let op = s.operations.iter().find(|o| o.name == name).unwrap();
        op.pagination.as_ref().unwrap().helper.clone()
    };
    let ok = helper("Ok").expect("optional string tokens get a helper");
    assert_eq!(ok.items.map(|i| i.member).as_deref(), Some("Items"));
    assert_eq!(
        helper("Nested").expect("the tokens qualify").items,
        None,
        "a nested result path is not followed"
    );
    assert_eq!(
        helper("Required"),
        None,
        "a required input token gets no helper"
    );
}

#[test]
fn wire_forms_reach_any_depth_and_collection_cycles_are_errors() {
    let text = with(
        "",
        r#", "Holder": {"type": "structure", "members": {
               "When": {"shape": "Stamps", "timestampFormat": "iso8601"},
               "Scores": {"shape": "Scores"}}},
             "Stamps": {"type": "list", "member": {"shape": "Stamp"}},
             "Stamp": {"type": "timestamp"},
             "Scores": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Ratios"}},
             "Ratios": {"type": "list", "member": {"shape": "Ratio"}},
             "Ratio": {"type": "double"}"#,
    );
    let s = botocore(&text).unwrap_or_else(|e| panic!("the model loads:\n{e}"));
    let element = |target: &str, wire: WireForm| {
        Box::new(Element {
            target: target.to_owned(),
            wire,
        })
    };
    // A member's timestampFormat applies only when it targets a timestamp: the elements of
    // the list it targets keep their own form (epoch seconds here).
    assert_eq!(
        member(&s, "Holder", "When").wire,
        WireForm::List {
            sparse: false,
            element: element("Stamp", WireForm::Plain),
        }
    );
    assert_eq!(
        member(&s, "Holder", "Scores").wire,
        WireForm::Map {
            sparse: false,
            key: "Str".to_owned(),
            value: element(
                "Ratios",
                WireForm::List {
                    sparse: false,
                    element: element("Ratio", WireForm::Double),
                }
            ),
        }
    );

    let text = error_text(botocore(&with(
        "",
        r#", "Loop": {"type": "list", "member": {"shape": "Back"}},
             "Back": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Loop"}}"#,
    )));
    assert!(
        text.contains("lists and maps hold each other in a cycle with no structure or union between them (Back -> Loop -> Back)")
            || text.contains("(Loop -> Back -> Loop)"),
        "{text}"
    );
}

#[test]
fn dangling_member_target_names_shape_member_and_target() {
    let text = error_text(botocore(&with(
        "",
        r#", "Credentials": {"type": "structure", "members": {"SecretKey": {"shape": "SecretKeyStr"}}}"#,
    )));
    assert_eq!(
        text,
        "fixture/service-2.json: shape `Credentials`, member `SecretKey`: targets unknown shape `SecretKeyStr`"
    );
}

#[test]
fn unknown_shape_type_names_shape_and_type() {
    // (`character`, botocore's legacy type, is read as a string; see `lower/botocore.rs`.)
    let text = error_text(botocore(&with("", r#", "Odd": {"type": "tuple"}"#)));
    assert_eq!(
        text,
        "fixture/service-2.json: shape `Odd`: has unsupported type `tuple`"
    );
    let text = error_text(smithy(
        r#"{"smithy": "2.0", "shapes": {
            "ns#S": {"type": "service", "traits": {"aws.protocols#awsJson1_0": {}}},
            "ns#Odd": {"type": "character"}}}"#,
    ));
    assert_eq!(
        text,
        "fixture/model.smithy.json: shape `Odd`: has unsupported type `character`"
    );
}

/// A Smithy `@streaming` union is an event stream: its operation is left out, as in botocore.
/// A `@streaming` blob is still an error.
#[test]
fn smithy_event_streams_leave_their_operation_out_and_streaming_blobs_are_rejected() {
    let service = smithy(
        r#"{"smithy": "2.0", "shapes": {
            "ns#S": {"type": "service", "version": "1", "operations": [{"target": "ns#Watch"}],
              "traits": {"aws.protocols#awsJson1_0": {}}},
            "ns#Watch": {"type": "operation", "input": {"target": "ns#WatchInput"},
              "output": {"target": "ns#WatchOutput"}},
            "ns#WatchInput": {"type": "structure", "members": {}},
            "ns#WatchOutput": {"type": "structure", "members": {"Events": {"target": "ns#Events"}}},
            "ns#Events": {"type": "union", "members": {"Tick": {"target": "ns#Tick"}},
              "traits": {"smithy.api#streaming": {}}},
            "ns#Tick": {"type": "structure", "members": {}}}}"#,
    )
    .unwrap_or_else(|e| panic!("event streams are skipped, not rejected:\n{e}"));
    assert!(service.operations.is_empty());
    assert_eq!(service.unsupported.len(), 1);
    assert_eq!(service.unsupported[0].operation, "Watch");
    assert_eq!(service.unsupported[0].reason, "event streams");
    assert!(service.shapes.is_empty(), "{:?}", service.shapes.keys());

    let text = error_text(smithy(
        r#"{"smithy": "2.0", "shapes": {
            "ns#S": {"type": "service", "traits": {"aws.protocols#awsJson1_0": {}}},
            "ns#Data": {"type": "blob", "traits": {"smithy.api#streaming": {}}}}}"#,
    ));
    assert_eq!(
        text,
        "fixture/model.smithy.json: shape `Data`: is a stream (`@streaming`), which is not supported"
    );
}

#[test]
fn missing_operation_input_shape_names_operation_and_shape() {
    let text = error_text(botocore(&with(
        r#""GetThing": {"name": "GetThing", "input": {"shape": "GetThingInput"}}"#,
        "",
    )));
    assert_eq!(
        text,
        "fixture/service-2.json: operation `GetThing`: input names unknown shape `GetThingInput`"
    );
}

#[test]
fn input_that_is_not_a_structure_and_errors_without_the_trait_are_rejected() {
    let text = error_text(botocore(&with(
        r#""Op": {"name": "Op", "input": {"shape": "Str"}, "errors": [{"shape": "Plain"}]}"#,
        r#", "Plain": {"type": "structure", "members": {}}"#,
    )));
    assert!(
        text.contains("operation `Op`: input `Str` is a string, but must be a structure"),
        "{text}"
    );
    assert!(
        text.contains("operation `Op`: error `Plain` lacks the error trait"),
        "{text}"
    );
}

#[test]
fn required_cycle_is_rejected_naming_the_shapes() {
    let text = error_text(botocore(&with(
        "",
        r#", "Egg": {"type": "structure", "required": ["Hen"], "members": {"Hen": {"shape": "Hen"}}},
            "Hen": {"type": "structure", "required": ["Egg"], "members": {"Egg": {"shape": "Egg"}}}"#,
    )));
    assert_eq!(
        text,
        "fixture/service-2.json: shape `Egg`: required members form a cycle that no value can satisfy: \
         `Egg.Hen` -> `Hen.Egg` -> `Egg`; make one of them optional"
    );
}

#[test]
fn wrong_protocol_says_only_json_is_supported() {
    let text = error_text(botocore(
        r#"{"metadata": {"protocol": "rest-json", "protocols": ["rest-json"]}, "shapes": {}}"#,
    ));
    assert_eq!(
        text,
        "fixture/service-2.json: protocol `rest-json` is not supported: only the json protocol (awsJson1_0 and awsJson1_1) is"
    );
    let text = error_text(smithy(
        r#"{"smithy": "2.0", "shapes": {
            "ns#S": {"type": "service", "traits": {"aws.protocols#restJson1": {}}}}}"#,
    ));
    assert!(
        text.contains("shape `S`: protocol `aws.protocols#restJson1` is not supported: only awsJson1_0 and awsJson1_1 are"),
        "{text}"
    );
}

/// Only sending a request needs a target prefix, so a model without one loads (its client
/// fails each call before sending); an empty one is still a mistake.
#[test]
fn missing_target_prefix_is_accepted_and_an_empty_one_rejected() {
    let s = botocore(r#"{"metadata": {"protocol": "json"}, "shapes": {}}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.metadata.target_prefix, None);
    let text = error_text(botocore(
        r#"{"metadata": {"protocol": "json", "targetPrefix": ""}, "shapes": {}}"#,
    ));
    assert!(
        text.contains("metadata has an empty targetPrefix"),
        "{text}"
    );
}

#[test]
fn bad_enums_map_keys_and_constraints_are_all_reported_at_once() {
    let text = error_text(botocore(&with(
        "",
        r#", "Empty": {"type": "string", "enum": []},
            "Twice": {"type": "string", "enum": ["a", "a"]},
            "Num": {"type": "integer", "min": 5, "max": 1},
            "ByNumber": {"type": "map", "key": {"shape": "Num"}, "value": {"shape": "Str"}},
            "Things": {"type": "list", "member": {"shape": "Missing"}}"#,
    )));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(
        text.contains("shape `Empty`: is an enum with no values"),
        "{text}"
    );
    assert!(
        text.contains("shape `Twice`: has the enum value `a` more than once"),
        "{text}"
    );
    assert!(
        text.contains("shape `Num`: has minimum value 5 greater than maximum value 1"),
        "{text}"
    );
    assert!(
        text.contains("shape `ByNumber`, member `key`: map key targets `Num`, a integer"),
        "{text}"
    );
    assert!(
        text.contains("shape `Things`, member `member`: targets unknown shape `Missing`"),
        "{text}"
    );
}

/// Garbage, truncated and wrong-typed input gives errors, never a panic.
#[test]
fn garbage_truncated_and_wrong_typed_json_never_panics() {
    let mut inputs: Vec<String> = vec![
        String::new(),
        "null".into(),
        "42".into(),
        "\u{0}\u{1}garbage".into(),
        "[]".into(),
        "{}".into(),
        r#"{"metadata": 5}"#.into(),
        r#"{"metadata": {}, "shapes": {"A": {"type": 7}}}"#.into(),
        r#"{"metadata": {"protocol": "json"}, "shapes": {"A": {"type": "string", "min": -1}}}"#.into(),
        r#"{"metadata": {"protocol": "json"}, "shapes": {"A": {"type": "list"}}}"#.into(),
        r#"{"metadata": {"protocol": "json"}, "operations": {"X": {"errors": "no"}}}"#.into(),
        r#"{"smithy": 2}"#.into(),
        r#"{"smithy": "2.0", "shapes": {"x": {"type": "service", "traits": {"smithy.api#paginated": 3}}}}"#.into(),
        r#"{"smithy": "2.0", "shapes": {"a#S": {"type": "service", "operations": [{"target": "a#Nope"}], "resources": [{"target": "a#S"}]}}}"#.into(),
        r#"{"smithy": "2.0", "shapes": {"a#S": {"type": "service"}, "a#M": {"type": "structure", "mixins": [{"target": "a#M"}]}}}"#.into(),
        r#"{"smithy": "2.0", "shapes": {"a#S": {"type": "service"}, "a#E": {"type": "structure", "traits": {"smithy.api#error": 5, "smithy.api#length": {"min": -3}}}}}"#.into(),
    ];
    // Every prefix of the real models is truncated JSON.
    for text in [SERVICE, SMITHY] {
        for cut in (0..text.len()).step_by(997) {
            if text.is_char_boundary(cut) {
                inputs.push(text[..cut].to_owned());
            }
        }
    }
    for input in &inputs {
        let results = [
            botocore(input).map(|_| ()),
            smithy(input).map(|_| ()),
            model::detect_format(Source {
                name: "x.json",
                text: input,
            })
            .map(|_| ()),
        ];
        for result in results {
            if let Err(errors) = result {
                for error in errors.iter() {
                    assert!(!error.file.is_empty());
                    assert!(!error.reason.is_empty());
                }
            }
        }
    }
}

/// Options for generating a standalone crate named `crate_name` from `model_file`.
fn standalone_options(crate_name: &str, model_file: &str) -> codegen::Options {
    codegen::Options {
        crate_name: crate_name.to_owned(),
        runtime_dependency: "{ path = \"../runtime\" }".to_owned(),
        workspace_member: false,
        model_files: vec![model_file.to_owned()],
        names_lock: Default::default(),
        operation_features: false,
    }
}

/// Two shapes whose Rust names collide after case conversion both generate: the first in
/// name order keeps the name, the next gets the suffix 2 (the rule of `codegen::names`).
#[test]
fn shapes_colliding_after_case_conversion_generate_with_a_suffix() {
    let text = r#"{"metadata": {"protocol": "json", "jsonVersion": "1.1", "targetPrefix": "T",
        "serviceId": "Clash", "endpointPrefix": "clash", "apiVersion": "2020-01-01",
        "signatureVersion": "v4", "serviceFullName": "Clash"},
      "operations": {"Go": {"name": "Go", "http": {"method": "POST", "requestUri": "/"},
        "input": {"shape": "Foo_Bar"}, "output": {"shape": "FooBar"}}},
      "shapes": {
        "Foo_Bar": {"type": "structure", "members": {}},
        "FooBar": {"type": "structure", "members": {}}
      }}"#;
    let service = botocore(text).expect("the model itself is valid");
    let options = standalone_options("clash", "fixture/service-2.json");
    let files = codegen::generate(&service, &options).expect("colliding names are resolved");
    let types = &files[std::path::Path::new("src/types.rs")];
    assert!(types.contains("pub struct FooBar {"), "{types}");
    assert!(types.contains("pub struct FooBar2 {"), "{types}");
}

/// An operation whose output reaches an event stream is left out and recorded with its
/// reason, with the shapes only it reaches; the rest of the model is kept.
#[test]
fn operations_reaching_an_event_stream_are_left_out_with_their_shapes() {
    let text = r#"{"metadata": {"protocol": "json", "jsonVersion": "1.1", "targetPrefix": "T",
        "serviceId": "Streams", "endpointPrefix": "streams", "apiVersion": "2020-01-01",
        "signatureVersion": "v4", "serviceFullName": "Streams"},
      "operations": {
        "Watch": {"name": "Watch", "http": {"method": "POST", "requestUri": "/"},
          "input": {"shape": "WatchInput"}, "output": {"shape": "WatchOutput"}},
        "Get": {"name": "Get", "http": {"method": "POST", "requestUri": "/"},
          "input": {"shape": "WatchInput"}, "output": {"shape": "Shared"}}},
      "shapes": {
        "WatchInput": {"type": "structure", "members": {"Only": {"shape": "OnlyWatch"}}},
        "OnlyWatch": {"type": "string"},
        "WatchOutput": {"type": "structure", "members": {"Events": {"shape": "Stream"}}},
        "Stream": {"type": "structure", "eventstream": true,
          "members": {"Tick": {"shape": "Tick"}}},
        "Tick": {"type": "structure", "event": true,
          "members": {"Shared": {"shape": "Shared"}, "At": {"shape": "EventOnly"}}},
        "EventOnly": {"type": "timestamp"},
        "Shared": {"type": "structure", "members": {}}
      }}"#;
    let service = botocore(text).expect("event streams are skipped, not rejected");
    let operations: Vec<&str> = service.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(operations, ["Get"]);
    assert_eq!(
        service.unsupported,
        [model::ir::Unsupported {
            operation: "Watch".to_owned(),
            reason: "event streams".to_owned(),
        }]
    );
    let shapes: Vec<&str> = service.shapes.keys().map(String::as_str).collect();
    assert_eq!(shapes, ["OnlyWatch", "Shared", "WatchInput"]);
    let options = standalone_options("streams", "fixture/service-2.json");
    let files = codegen::generate(&service, &options).expect("the rest generates");
    let lib = &files[std::path::Path::new("src/lib.rs")];
    assert!(
        lib.contains("`Watch` (not supported: event streams)"),
        "{lib}"
    );
}

/// The codegen takes any IR value; one that skipped validation gets an error, not a panic.
#[test]
fn codegen_rejects_an_ir_with_dangling_references() {
    let mut service = cognito_botocore();
    service.shapes.remove("Credentials");
    let options = standalone_options("broken", "model/cognito-identity/service-2.json");
    let message = codegen::generate(&service, &options)
        .expect_err("dangling references are rejected")
        .to_string();
    assert!(message.contains("Credentials"), "{message}");
}
