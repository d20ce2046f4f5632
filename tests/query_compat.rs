//! awsQuery-compatible services (Smithy `aws.protocols#awsQueryCompatible`, botocore
//! `metadata.awsQueryCompatible`), from the model to the wire.
//!
//! The fast tests read `fixtures/query_compatible.json` (botocore) and
//! `fixtures/query_compatible_smithy.json` (the same API as a Smithy JSON AST) and check the IR
//! and what the generator makes of it. [`generated_client_and_router_speak_query_compatible`]
//! writes the botocore fixture's crate into a throwaway workspace under `target/` and runs the
//! checks of `query_compat_checks/checks.rs` against it: the client's `x-amzn-query-mode`
//! header and its reading of `x-amzn-query-error`, and the router's writing of that header.

use std::path::Path;
use std::time::Instant;

use codegen::{Files, Options};
use model::ir::{Fault, Service};
use model::{BotocoreFiles, Source};
use xtask::scratch::ScratchWorkspace;

const BOTOCORE: &str = include_str!("fixtures/query_compatible.json");
const SMITHY: &str = include_str!("fixtures/query_compatible_smithy.json");
const PLAIN: &str = include_str!("fixtures/errors.json");

fn botocore(text: &str) -> Service {
    model::load_botocore(BotocoreFiles {
        service: Source {
            name: "tests/fixtures/query_compatible.json",
            text,
        },
        paginators: None,
        endpoint_rules: None,
    })
    .unwrap_or_else(|e| panic!("the botocore model loads:\n{e}"))
}

fn smithy(text: &str) -> Service {
    model::load_smithy(Source {
        name: "tests/fixtures/query_compatible_smithy.json",
        text,
    })
    .unwrap_or_else(|e| panic!("the Smithy model loads:\n{e}"))
}

fn generate(service: &Service, runtime: &str) -> Files {
    let options = Options {
        crate_name: "query-compatible".to_owned(),
        runtime_dependency: runtime.to_owned(),
        workspace_member: false,
        model_files: vec!["tests/fixtures/query_compatible.json".to_owned()],
        names_lock: Default::default(),
        operation_features: false,
    };
    codegen::generate(service, &options).unwrap_or_else(|e| panic!("generation failed: {e}"))
}

fn file<'a>(files: &'a Files, path: &str) -> &'a str {
    files
        .get(Path::new(path))
        .unwrap_or_else(|| panic!("no {path} was generated"))
}

/// (fault, status, awsJson code, awsQuery code) of an error shape.
fn error_facts(service: &Service, name: &str) -> (Fault, u16, String, Option<String>) {
    let e = service
        .shapes
        .get(name)
        .and_then(|s| s.error.clone())
        .unwrap_or_else(|| panic!("`{name}` is an error shape"));
    (e.fault, e.http_status, e.code, e.query_code)
}

#[test]
fn both_formats_give_the_same_query_compatible_ir() {
    let (boto, smithy) = (botocore(BOTOCORE), smithy(SMITHY));
    assert!(boto.metadata.query_compatible);
    assert_eq!(boto, smithy);
    let facts = |name: &str| error_facts(&boto, name);
    assert_eq!(
        facts("QueueDoesNotExist"),
        (
            Fault::Client,
            400,
            "QueueDoesNotExist".to_owned(),
            Some("AWS.SimpleQueueService.NonExistentQueue".to_owned())
        )
    );
    assert_eq!(
        facts("QueueNameTaken"),
        (Fault::Client, 400, "QueueNameTaken".to_owned(), None)
    );
    // botocore gives a server error's awsQuery data without `senderFault` (or `fault`): the
    // 5xx status makes it the service's fault, as Smithy's `@error("server")` says.
    assert_eq!(
        facts("ServiceFailure"),
        (
            Fault::Server,
            503,
            "ServiceFailure".to_owned(),
            Some("Queues.Failure".to_owned())
        )
    );
}

#[test]
fn only_a_model_with_the_trait_is_query_compatible() {
    assert!(!botocore(PLAIN).metadata.query_compatible);
    let without = BOTOCORE.replace(r#""awsQueryCompatible": {},"#, "");
    assert_ne!(without, BOTOCORE, "the fixture spells the key as expected");
    assert!(!botocore(&without).metadata.query_compatible);
    let without = SMITHY.replace(r#""aws.protocols#awsQueryCompatible": {},"#, "");
    assert_ne!(without, SMITHY, "the fixture spells the trait as expected");
    assert!(!smithy(&without).metadata.query_compatible);
}

#[test]
fn botocore_sender_fault_and_status_decide_the_fault() {
    let model = |error: &str, fault: bool| {
        let fault = if fault { r#", "fault": true"# } else { "" };
        format!(
            r#"{{"metadata": {{"protocol": "json", "targetPrefix": "T"}}, "shapes": {{
                "E": {{"type": "structure", "members": {{}}, "exception": true{fault}{error}}}
            }}}}"#
        )
    };
    let fault_of = |error: &str, fault: bool| error_facts(&botocore(&model(error, fault)), "E").0;
    assert_eq!(fault_of("", false), Fault::Client);
    assert_eq!(fault_of("", true), Fault::Server);
    let conflict = r#", "error": {"httpStatusCode": 409}"#;
    assert_eq!(fault_of(conflict, false), Fault::Client);
    let unavailable = r#", "error": {"code": "Busy", "httpStatusCode": 503}"#;
    assert_eq!(fault_of(unavailable, false), Fault::Server);
    let blamed = r#", "error": {"code": "Odd", "httpStatusCode": 503, "senderFault": true}"#;
    assert_eq!(fault_of(blamed, false), Fault::Client);
    let excused = r#", "error": {"httpStatusCode": 400, "senderFault": false}"#;
    assert_eq!(fault_of(excused, false), Fault::Server);
}

#[test]
fn only_a_query_compatible_crate_sends_and_reads_the_query_headers() {
    let runtime = "{ path = \"../runtime\" }";
    let files = generate(&botocore(BOTOCORE), runtime);
    assert!(file(&files, "src/client.rs").contains("ClientCore::new_query_compatible("));
    let errors = file(&files, "src/error.rs");
    assert!(errors.contains(
        "pub const QUERY_CODE: &'static str = \"AWS.SimpleQueueService.NonExistentQueue\";"
    ));
    // The call may be wrapped over lines, so it is looked for without whitespace.
    let compact: String = errors.split_whitespace().collect();
    assert!(compact.contains("server::router::unhandled_query_response(e,content_type"));
    assert!(file(&files, "src/server.rs").contains("into_query_response(CONTENT_TYPE)"));

    let mut plain = botocore(BOTOCORE);
    plain.metadata.query_compatible = false;
    let files = generate(&plain, runtime);
    for (path, text) in &files {
        for token in [
            "_query_",
            "query_error",
            "QUERY_CODE",
            "awsQuery",
            "x-amzn-query",
        ] {
            assert!(!text.contains(token), "{} has `{token}`", path.display());
        }
    }
}

/// The manifest of the checks crate in the throwaway workspace.
const CHECKS_MANIFEST: &str = r#"[package]
name = "query-compat-checks"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
query-compatible = { path = "../query_compatible", default-features = false, features = ["server"] }
tokio = { version = "1", features = ["rt", "macros"] }
"#;

/// The generated client and router of the awsQuery-compatible fixture, on the wire.
///
/// The build shares the scratch workspaces' target directory with `snapshots.rs`'s fixture
/// crates, whose dependencies and features are the same, so neither build starts from nothing.
#[test]
fn generated_client_and_router_speak_query_compatible() {
    let tests_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut workspace = ScratchWorkspace::named("query-compat").unwrap_or_else(|e| panic!("{e:#}"));
    let runtime = workspace
        .runtime_dependency("query_compatible")
        .unwrap_or_else(|e| panic!("{e:#}"));
    let files = generate(&botocore(BOTOCORE), &runtime);
    workspace
        .add_crate("query_compatible", &files)
        .unwrap_or_else(|e| panic!("{e:#}"));
    workspace
        .add_checks_crate(
            "query-compat-checks",
            CHECKS_MANIFEST,
            &tests_dir.join("query_compat_checks/checks.rs"),
        )
        .unwrap_or_else(|e| panic!("{e:#}"));
    workspace.finish().unwrap_or_else(|e| panic!("{e:#}"));
    let started = Instant::now();
    let result = workspace.test_checks();
    eprintln!(
        "building and running the query-compatible checks took {:.1?}",
        started.elapsed()
    );
    if let Err(e) = result {
        panic!("the query-compatible checks fail: {e:#}");
    }
}
