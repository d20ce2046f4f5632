//! The endpoint test cases, run by the same code as `cargo xtask endpoint-tests`.
//!
//! Three sources must pass whole: the rules-engine suite in `tests/endpoint-rules/` (101
//! cases over the whole rules language and its standard library), botocore's tests of each
//! workspace service (`xtask::SERVICES`) in its model directory
//! (`model/cognito-identity/endpoint-tests-1.json`, 35 cases;
//! `model/cognito-idp/endpoint-tests-1.json`, 57), each run by the interpreter and by the
//! rules compiled into that service's crate, and the 39 cases of the Cognito Identity Smithy
//! model's `smithy.rules#endpointTests` trait. Every case must have run: counts are checked
//! against the files themselves. `tests/endpoint-negative/` holds wrong expectations on
//! purpose, each of which must fail for the reason it names, to show the runner can fail.

use std::path::{Path, PathBuf};

use aws_json_runtime::endpoint::{CompiledRules, Partitions};
use serde_json::Value;
use xtask::endpoints;
use xtask::protocol::FileReport;

/// The suites' rule sets compiled to Rust, written by `cargo xtask codegen`.
#[path = "endpoint-compiled/rules.rs"]
#[rustfmt::skip]
mod compiled;

fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn count_cases(tests: &Value) -> usize {
    tests["testCases"].as_array().map_or(0, Vec::len)
}

fn run(path: &Path) -> Vec<FileReport> {
    endpoints::run(&[path.to_path_buf()]).unwrap_or_else(|e| panic!("{e:#}"))
}

fn passed(reports: &[FileReport]) -> usize {
    reports.iter().map(FileReport::passed).sum()
}

fn texts(reports: &[FileReport]) -> String {
    reports
        .iter()
        .map(FileReport::text)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Cognito Identity Smithy model, the one Smithy model among the services.
fn smithy_model() -> PathBuf {
    let service = xtask::service("cognito-identity").expect("the service");
    let models = service.smithy_models().unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(models.len(), 1, "{models:?}");
    root().join(&models[0])
}

/// The Smithy model's endpoint tests.
fn smithy_tests() -> Value {
    let model = read_json(&smithy_model());
    let services: Vec<&Value> = model["shapes"]
        .as_object()
        .expect("shapes")
        .values()
        .filter(|s| s["type"] == "service")
        .collect();
    assert_eq!(services.len(), 1);
    services[0]["traits"]["smithy.rules#endpointTests"].clone()
}

#[test]
fn the_rules_engine_suite_passes_every_case() {
    let dir = root().join("tests/endpoint-rules");
    let reports = run(&dir);
    eprintln!("{}", texts(&reports));
    // One report per file name in either directory: 18 rule sets, 15 of them with cases.
    let mut names: Vec<String> = ["valid-rules", "test-cases"]
        .iter()
        .flat_map(|sub| std::fs::read_dir(dir.join(sub)).expect("suite directory"))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names.dedup();
    let reported: Vec<&str> = reports.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(reported, names);
    assert_eq!(names.len(), 18);
    for report in &reports {
        let cases = dir.join("test-cases").join(&report.name);
        let expected = if cases.is_file() {
            count_cases(&read_json(&cases))
        } else {
            0
        };
        assert_eq!(
            report.cases.len(),
            expected,
            "every case of {} runs",
            report.name
        );
        assert_eq!(report.failed(), 0, "{}", report.text());
    }
    assert_eq!(passed(&reports), 101);
}

/// The rules compiled into each workspace service's crate, by package name.
const CRATE_RULES: [(&str, CompiledRules); 2] = [
    ("cognito-identity", cognito_identity::endpoint::RULES),
    (
        "cognito-identity-provider",
        cognito_identity_provider::endpoint::RULES,
    ),
];

/// The number of botocore endpoint cases of each service, by package name: a case lost from
/// a file, or a file replaced by an empty one, fails here.
const BOTOCORE_CASES: [(&str, usize); 2] =
    [("cognito-identity", 35), ("cognito-identity-provider", 57)];

#[test]
fn the_tables_above_name_every_workspace_service() {
    let packages: Vec<&str> = xtask::SERVICES.iter().map(|s| s.package).collect();
    assert_eq!(CRATE_RULES.map(|(name, _)| name), packages.as_slice());
    assert_eq!(BOTOCORE_CASES.map(|(name, _)| name), packages.as_slice());
}

/// Every service's botocore endpoint tests pass whole, with the interpreter on the model's
/// rule set and with the rules compiled into its crate.
#[test]
fn every_service_passes_its_botocore_endpoint_tests() {
    for ((service, (_, rules)), (_, count)) in
        xtask::SERVICES.iter().zip(CRATE_RULES).zip(BOTOCORE_CASES)
    {
        let dir = root().join(service.model_dir);
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .expect("a model directory has a name");
        let tests = read_json(&dir.join(endpoints::TESTS_FILE));
        assert_eq!(count_cases(&tests), count, "{}", service.model_dir);
        let expected = format!("{name}: {count} passed, 0 failed");

        let reports = run(&dir);
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].summary(), expected, "{}", reports[0].text());

        let compiled = run_compiled(&name, rules, &tests);
        assert_eq!(compiled.summary(), expected, "{}", compiled.text());
        for (c, i) in compiled.cases.iter().zip(&reports[0].cases) {
            assert_eq!((&c.id, &c.result), (&i.id, &i.result));
        }
    }
}

/// The four cases of the Smithy model that expect the ISO partitions to lack dual-stack
/// support, which the partition data shipped with the runtime (newer than that model's
/// tests) grants them.
const ISO_DUAL_STACK: [&str; 4] = [
    "For region us-iso-east-1 with FIPS enabled and DualStack enabled",
    "For region us-iso-east-1 with FIPS disabled and DualStack enabled",
    "For region us-isob-east-1 with FIPS enabled and DualStack enabled",
    "For region us-isob-east-1 with FIPS disabled and DualStack enabled",
];

/// The shipped partition data with dual-stack support taken from the ISO partitions, as it
/// was when the Smithy model's tests were written.
fn partitions_without_iso_dual_stack() -> Partitions {
    let mut data = read_json(&root().join("endpoint-rules/data/partitions.json"));
    let mut changed = 0;
    for partition in data["partitions"].as_array_mut().expect("partitions") {
        if matches!(partition["id"].as_str(), Some("aws-iso" | "aws-iso-b")) {
            partition["outputs"]["supportsDualStack"] = Value::Bool(false);
            changed += 1;
        }
    }
    assert_eq!(changed, 2);
    Partitions::from_json(&data.to_string()).expect("edited partition data parses")
}

#[test]
fn smithy_model_endpoint_tests_pass() {
    let model = smithy_model();
    assert_eq!(count_cases(&smithy_tests()), 39);

    // With the partition data those cases assume, all 39 pass.
    let then = endpoints::run_with(
        std::slice::from_ref(&model),
        &partitions_without_iso_dual_stack(),
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(then.len(), 1);
    assert_eq!(
        then[0].summary(),
        "cognito-identity-2014-06-30.smithy.json: 39 passed, 0 failed",
        "{}",
        then[0].text()
    );

    // With the shipped data, exactly the four ISO dual-stack cases resolve an endpoint
    // instead of their error; the other 35 are botocore's cases and pass.
    let now = run(&model);
    assert_eq!(now[0].passed(), 35, "{}", now[0].text());
    let failed: Vec<(&str, &str)> = now[0]
        .cases
        .iter()
        .filter_map(|c| Some((c.id.as_str(), c.result.as_ref().err()?.as_str())))
        .collect();
    assert_eq!(
        failed.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        ISO_DUAL_STACK
    );
    for (id, reason) in failed {
        assert!(
            reason.starts_with("expected the error `")
                && reason.contains("got the endpoint `https://cognito-identity"),
            "{id}: {reason}"
        );
    }
}

/// The cases of `tests` run with the compiled `rules`.
fn run_compiled(name: &str, rules: CompiledRules, tests: &Value) -> FileReport {
    let cases = tests["testCases"].as_array().expect("testCases");
    endpoints::run_cases_with(name.to_owned(), cases, &|params| {
        Ok((rules.resolve)(params))
    })
}

#[test]
fn compiled_rules_give_what_the_interpreter_gives_on_every_case() {
    let dir = root().join("tests/endpoint-rules");
    let interpreted = run(&dir);
    let mut compared = 0;
    for (name, rules) in compiled::ALL {
        let cases = dir.join("test-cases").join(name);
        // The Smithy model's rules are checked below; a suite rule set without cases only
        // had to compile.
        if !cases.is_file() {
            continue;
        }
        let interpreted = interpreted
            .iter()
            .find(|r| r.name == *name)
            .expect("a report");
        let report = run_compiled(name, *rules, &read_json(&cases));
        assert_eq!(report.failed(), 0, "{}", report.text());
        assert_eq!(report.cases.len(), interpreted.cases.len());
        compared += report.cases.len();
    }
    assert_eq!(compared, 101);
    assert_eq!(
        compiled::ALL.len(),
        19,
        "18 suite rule sets and the Smithy model's"
    );

    // The Smithy model's rules, compiled, with the shipped partition data: the same 35
    // passes and four ISO dual-stack failures as the interpreter, for the same reasons.
    let smithy_name = "cognito-identity-2014-06-30.smithy.json";
    let smithy = compiled::ALL
        .iter()
        .find(|(name, _)| *name == smithy_name)
        .expect("the Smithy model's rules");
    let compiled = run_compiled(smithy_name, smithy.1, &smithy_tests());
    let interpreted = run(&smithy_model());
    assert_eq!(compiled.cases.len(), 39);
    for (c, i) in compiled.cases.iter().zip(&interpreted[0].cases) {
        assert_eq!((&c.id, &c.result), (&i.id, &i.result));
    }
    assert_eq!(compiled.passed(), 35, "{}", compiled.text());
}

#[test]
fn default_paths_are_the_services_the_smithy_model_and_the_suite() {
    let defaults = endpoints::default_paths().unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(defaults.len(), 4);
    for path in &defaults {
        assert!(path.exists(), "{}", path.display());
    }
    let reports = endpoints::run(&defaults).unwrap_or_else(|e| panic!("{e:#}"));
    // Each service's botocore directory, the Smithy model, then the 18 rules-engine files.
    assert_eq!(reports.len(), 21);
    assert_eq!(reports[0].name, "cognito-identity");
    assert_eq!(reports[1].name, "cognito-idp");
    assert_eq!(reports[2].name, "cognito-identity-2014-06-30.smithy.json");
    assert_eq!(passed(&reports), 35 + 57 + 35 + 101, "{}", texts(&reports));
}

/// The reason each case of the negative file must give, by case.
const NEGATIVE: [(&str, &str); 9] = [
    (
        "wrong url",
        "url is `https://negative.us-east-1.amazonaws.com`, expected `https://negative.us-east-1.example.com`",
    ),
    (
        "wrong error text",
        "error is `Invalid Configuration: Missing Region`, expected `Invalid Configuration: Region Missing`",
    ),
    ("unexpected operationInputs", "carries `operationInputs`"),
    (
        "wrong header",
        r#"headers are {"x-region":["eu-west-1"]}, expected {"x-region":["us-east-1"]}"#,
    ),
    (
        "wrong property",
        r#"properties are {"partition":"aws-cn"}, expected {"partition":"aws"}"#,
    ),
    (
        "endpoint expected, error resolved",
        "expected the endpoint `https://negative.us-east-1.amazonaws.com`, got the error `Invalid Configuration: Missing Region`",
    ),
    (
        "error expected, endpoint resolved",
        "expected the error `Invalid Configuration: Missing Region`, got the endpoint `https://negative.us-east-1.amazonaws.com`",
    ),
    (
        "unchecked expectation field",
        "expectation field the runner does not check: warning",
    ),
    (
        "parameter the rule set does not declare",
        "`Regoin` is not a parameter of this rule set",
    ),
];

#[test]
fn wrong_expectations_fail_with_named_reasons() {
    let reports = run(&root().join("tests/endpoint-negative"));
    let report = &reports[0];
    assert_eq!(
        report.summary(),
        "endpoint-negative: 0 passed, 9 failed",
        "{}",
        report.text()
    );
    for (case, (id, reason)) in report.cases.iter().zip(NEGATIVE) {
        assert_eq!(case.id, id);
        let got = case.result.as_ref().expect_err("a negative case fails");
        assert!(
            got.contains(reason),
            "{id}: `{got}` should contain `{reason}`"
        );
    }
    assert!(report
        .text()
        .contains("\n  FAIL wrong url: url is `https://negative.us-east-1.amazonaws.com`"));
}

#[test]
fn paths_of_no_known_layout_are_errors() {
    let err = endpoints::run(&[root().join("tests/endpoint-rules/valid-rules")])
        .expect_err("a directory of rule sets alone is no test layout");
    assert!(
        format!("{err:#}").contains("holds neither endpoint-rule-set-1.json"),
        "{err:#}"
    );
    let err = endpoints::run(&[root().join("model/cognito-identity/endpoint-rule-set-1.json")])
        .expect_err("a rule set file is not a Smithy model");
    assert!(
        format!("{err:#}").contains("not a Smithy JSON AST"),
        "{err:#}"
    );
    let err = endpoints::run(&[root().join("no/such/path")]).expect_err("missing");
    assert!(
        format!("{err:#}").contains("neither a directory nor a file"),
        "{err:#}"
    );
}
