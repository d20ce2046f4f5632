//! `cargo xtask endpoint-tests`: runs endpoint test cases against the runtime's endpoint
//! rules engine.
//!
//! Three layouts are read as they are: a directory with botocore's
//! `endpoint-rule-set-1.json` and `endpoint-tests-1.json`; the rules-engine suite layout,
//! `valid-rules/NAME.json` with `test-cases/NAME.json` matched by file name; and a Smithy JSON
//! AST file, whose service shapes carry the rule set and the cases as traits. Every case
//! resolves its `params` with [`RuleSet::resolve`], exactly as a client does, and must give
//! the expected error text or the expected URL, headers and properties. A case that asks for
//! something this runner does not check (`operationInputs`, an unknown expectation field)
//! fails with that reason, so nothing passes unchecked. A rule set that does not parse fails
//! every case of its file.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use aws_json_runtime::endpoint::{
    Endpoint, EndpointError, ParamValue, Params, Partitions, RuleSet,
};
use serde_json::{Map, Value as Json};

use crate::protocol::{CaseOutcome, FileReport};
use crate::workspace_root;

/// The botocore rule set of a service directory.
pub const RULE_SET_FILE: &str = "endpoint-rule-set-1.json";
/// The botocore endpoint tests of a service directory.
pub const TESTS_FILE: &str = "endpoint-tests-1.json";
/// The rules-engine suite, relative to the workspace root.
pub const RULES_ENGINE_SUITE: &str = "tests/endpoint-rules";

/// The Smithy trait that holds a service's endpoint rule set.
pub const RULE_SET_TRAIT: &str = "smithy.rules#endpointRuleSet";
const TESTS_TRAIT: &str = "smithy.rules#endpointTests";

/// The paths run when none are given, under the workspace root: the model directory of each
/// of [`crate::SERVICES`] (botocore's rule set and tests), then each one's Smithy models, then
/// the rules-engine suite.
pub fn default_paths() -> Result<Vec<PathBuf>> {
    let root = workspace_root();
    let mut paths: Vec<PathBuf> = crate::SERVICES
        .iter()
        .map(|service| root.join(service.model_dir))
        .collect();
    for service in &crate::SERVICES {
        paths.extend(service.smithy_models()?.iter().map(|p| root.join(p)));
    }
    paths.push(root.join(RULES_ENGINE_SUITE));
    Ok(paths)
}

/// Runs the cases under every path, with the partition data built into the runtime, and
/// reports per directory, suite file name or model. Fails only when a path is missing, of
/// no known layout, or not JSON.
pub fn run(paths: &[PathBuf]) -> Result<Vec<FileReport>> {
    let partitions = Partitions::built_in().context("the runtime's partition data")?;
    run_with(paths, partitions)
}

/// Reads partition data in the format of `partitions.json` from `path`.
pub fn read_partitions(path: &Path) -> Result<Partitions> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Partitions::from_json(&text).with_context(|| format!("reading {}", path.display()))
}

/// [`run`] with other partition data, for `aws.partition`.
pub fn run_with(paths: &[PathBuf], partitions: &Partitions) -> Result<Vec<FileReport>> {
    let mut reports = Vec::new();
    for path in paths {
        if path.is_dir() {
            if path.join(RULE_SET_FILE).is_file() && path.join(TESTS_FILE).is_file() {
                reports.push(run_botocore_dir(path, partitions)?);
            } else if path.join("valid-rules").is_dir() && path.join("test-cases").is_dir() {
                reports.extend(run_suite_dir(path, partitions)?);
            } else {
                bail!(
                    "{} holds neither {RULE_SET_FILE} with {TESTS_FILE} nor valid-rules/ with test-cases/",
                    path.display()
                );
            }
        } else if path.is_file() {
            reports.extend(run_smithy_file(path, partitions)?);
        } else {
            bail!("{} is neither a directory nor a file", path.display());
        }
    }
    Ok(reports)
}

fn read_json(path: &Path) -> Result<Json> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {} as JSON", path.display()))
}

fn last_component(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The `testCases` of a test file (or trait value).
fn test_cases<'a>(tests: &'a Json, origin: &str) -> Result<&'a [Json]> {
    match tests.get("testCases").and_then(Json::as_array) {
        Some(cases) => Ok(cases),
        None => bail!("{origin} has no `testCases` array"),
    }
}

fn run_botocore_dir(dir: &Path, partitions: &Partitions) -> Result<FileReport> {
    let rules = read_json(&dir.join(RULE_SET_FILE))?;
    let tests_path = dir.join(TESTS_FILE);
    let tests = read_json(&tests_path)?;
    let cases = test_cases(&tests, &tests_path.display().to_string())?;
    let rules = RuleSet::from_value(&rules);
    Ok(run_cases(last_component(dir), &rules, cases, partitions))
}

/// The rules-engine layout: one report per file name found in either directory.
fn run_suite_dir(dir: &Path, partitions: &Partitions) -> Result<Vec<FileReport>> {
    let (rules_dir, cases_dir) = (dir.join("valid-rules"), dir.join("test-cases"));
    let mut names = BTreeSet::new();
    for sub in [&rules_dir, &cases_dir] {
        for entry in fs::read_dir(sub).with_context(|| format!("listing {}", sub.display()))? {
            let path = entry
                .with_context(|| format!("listing {}", sub.display()))?
                .path();
            if path.is_file() && path.extension().is_some_and(|e| e == "json") {
                names.insert(last_component(&path));
            }
        }
    }
    let mut reports = Vec::new();
    for name in names {
        let (rules_path, cases_path) = (rules_dir.join(&name), cases_dir.join(&name));
        let rules = match rules_path.is_file() {
            true => RuleSet::from_value(&read_json(&rules_path)?),
            false => Err(EndpointError::InvalidRuleSet {
                at: "the top level".to_owned(),
                reason: format!("valid-rules/{name} does not exist"),
            }),
        };
        let report = if cases_path.is_file() {
            let tests = read_json(&cases_path)?;
            let cases = test_cases(&tests, &cases_path.display().to_string())?;
            run_cases(name, &rules, cases, partitions)
        } else {
            // A rule set without cases is still checked: it must parse.
            let cases = match rules {
                Ok(_) => Vec::new(),
                Err(e) => vec![CaseOutcome {
                    id: "rule set".to_owned(),
                    result: Err(format!("the rule set does not parse: {e}")),
                }],
            };
            FileReport { name, cases }
        };
        reports.push(report);
    }
    Ok(reports)
}

/// A Smithy JSON AST: one report per service shape that has an endpoint rule set.
fn run_smithy_file(path: &Path, partitions: &Partitions) -> Result<Vec<FileReport>> {
    let model = read_json(path)?;
    let Some(shapes) = model.get("shapes").and_then(Json::as_object) else {
        bail!(
            "{} is not a Smithy JSON AST (no `shapes` object)",
            path.display()
        );
    };
    let services: Vec<(&String, &Map<String, Json>)> = shapes
        .iter()
        .filter(|(_, shape)| shape.get("type").and_then(Json::as_str) == Some("service"))
        .filter_map(|(id, shape)| {
            let traits = shape.get("traits")?.as_object()?;
            traits.contains_key(RULE_SET_TRAIT).then_some((id, traits))
        })
        .collect();
    if services.is_empty() {
        bail!(
            "{} has no service shape with a `{RULE_SET_TRAIT}` trait",
            path.display()
        );
    }
    let file = last_component(path);
    let mut reports = Vec::new();
    for (id, traits) in &services {
        let name = match services.len() {
            1 => file.clone(),
            _ => format!("{file}#{id}"),
        };
        let rules = RuleSet::from_value(traits.get(RULE_SET_TRAIT).unwrap_or(&Json::Null));
        let report = match traits.get(TESTS_TRAIT) {
            Some(tests) => {
                let cases = test_cases(tests, &format!("{}: `{id}`", path.display()))?;
                run_cases(name, &rules, cases, partitions)
            }
            None => FileReport {
                name,
                cases: vec![CaseOutcome {
                    id: "endpoint tests".to_owned(),
                    result: Err(format!("`{id}` has no `{TESTS_TRAIT}` trait")),
                }],
            },
        };
        reports.push(report);
    }
    Ok(reports)
}

/// Runs `cases` against `rules`. A case is named by its documentation, else its position.
pub fn run_cases(
    name: String,
    rules: &Result<RuleSet, EndpointError>,
    cases: &[Json],
    partitions: &Partitions,
) -> FileReport {
    run_cases_with(name, cases, &interpreted(rules, partitions))
}

/// A resolver for [`run_cases_with`]: the endpoint or error for the parameters, or `Err` with
/// why nothing could be resolved at all.
pub type Resolver<'a> = dyn Fn(&Params) -> Result<Result<Endpoint, EndpointError>, String> + 'a;

/// The resolver that interprets `rules` with `partitions`.
fn interpreted<'a>(
    rules: &'a Result<RuleSet, EndpointError>,
    partitions: &'a Partitions,
) -> impl Fn(&Params) -> Result<Result<Endpoint, EndpointError>, String> + 'a {
    move |params| match rules {
        Ok(rules) => Ok(rules.resolve_with(params, partitions)),
        Err(e) => Err(format!("the rule set does not parse: {e}")),
    }
}

/// Runs `cases` with `resolve`, such as a rule set compiled into Rust.
pub fn run_cases_with(name: String, cases: &[Json], resolve: &Resolver<'_>) -> FileReport {
    let cases = cases
        .iter()
        .enumerate()
        .map(|(i, case)| CaseOutcome {
            id: case
                .get("documentation")
                .and_then(Json::as_str)
                .map_or_else(|| format!("case {i}"), str::to_owned),
            result: check_case_with(case, resolve),
        })
        .collect();
    FileReport { name, cases }
}

/// The fields of a case, its expectation and an expected endpoint that this runner checks.
const CASE_FIELDS: [&str; 3] = ["documentation", "params", "expect"];
const EXPECT_FIELDS: [&str; 2] = ["endpoint", "error"];
const ENDPOINT_FIELDS: [&str; 3] = ["url", "headers", "properties"];

/// The fields of `object` not in `known`, or `Err` naming them under `what`.
fn only_known(object: &Map<String, Json>, known: &[&str], what: &str) -> Result<(), String> {
    let unknown: Vec<&str> = object
        .keys()
        .map(String::as_str)
        .filter(|k| !known.contains(k))
        .collect();
    match unknown.as_slice() {
        [] => Ok(()),
        [one] => Err(format!("{what} field the runner does not check: {one}")),
        many => Err(format!(
            "{what} fields the runner does not check: {}",
            many.join(", ")
        )),
    }
}

/// Checks one case against `rules`; `Err` holds why it failed.
pub fn check_case(
    rules: &Result<RuleSet, EndpointError>,
    case: &Json,
    partitions: &Partitions,
) -> Result<(), String> {
    check_case_with(case, &interpreted(rules, partitions))
}

/// Checks one case with `resolve`; `Err` holds why it failed.
pub fn check_case_with(case: &Json, resolve: &Resolver<'_>) -> Result<(), String> {
    let Some(case) = case.as_object() else {
        return Err("a test case must be a JSON object".to_owned());
    };
    if case.contains_key("operationInputs") {
        return Err(
            "carries `operationInputs`, which the runner does not check: it resolves \
                    from `params` only, without an operation's input bindings"
                .to_owned(),
        );
    }
    only_known(case, &CASE_FIELDS, "case")?;
    let Some(expect) = case.get("expect").and_then(Json::as_object) else {
        return Err("no `expect` object".to_owned());
    };
    only_known(expect, &EXPECT_FIELDS, "expectation")?;
    let params = params(case.get("params"))?;
    let resolved = resolve(&params)?;
    match (expect.get("error"), expect.get("endpoint")) {
        (Some(_), Some(_)) => Err("`expect` holds both `error` and `endpoint`".to_owned()),
        (None, None) => Err("`expect` holds neither `error` nor `endpoint`".to_owned()),
        (Some(error), None) => {
            let Some(expected) = error.as_str() else {
                return Err("the expected `error` must be a string".to_owned());
            };
            match resolved {
                Err(got) if got.to_string() == expected => Ok(()),
                Err(got) => Err(format!("error is `{got}`, expected `{expected}`")),
                Ok(endpoint) => Err(format!(
                    "expected the error `{expected}`, got the endpoint `{}`",
                    endpoint.url
                )),
            }
        }
        (None, Some(endpoint)) => {
            let Some(endpoint) = endpoint.as_object() else {
                return Err("the expected `endpoint` must be an object".to_owned());
            };
            only_known(endpoint, &ENDPOINT_FIELDS, "endpoint")?;
            match resolved {
                Ok(got) => compare_endpoint(&got, endpoint),
                Err(e) => Err(format!(
                    "expected the endpoint `{}`, got the error `{e}`",
                    endpoint.get("url").and_then(Json::as_str).unwrap_or("?")
                )),
            }
        }
    }
}

/// The case's `params` as engine parameters.
fn params(json: Option<&Json>) -> Result<Params, String> {
    let mut params = Params::new();
    let Some(json) = json else {
        return Ok(params);
    };
    let Some(fields) = json.as_object() else {
        return Err("`params` must be an object".to_owned());
    };
    for (name, value) in fields {
        let value = match value {
            Json::String(s) => ParamValue::String(s.clone()),
            Json::Bool(b) => ParamValue::Bool(*b),
            Json::Array(items) => ParamValue::StringArray(
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect::<Option<_>>()
                    .ok_or_else(|| format!("parameter `{name}` holds a non-string in its array"))?,
            ),
            other => {
                return Err(format!(
                    "parameter `{name}` must be a string, a boolean or an array of strings, not `{other}`"
                ))
            }
        };
        params.set(name.clone(), value);
    }
    Ok(params)
}

/// Compares a resolved endpoint with an expected one: URL, headers and properties must all
/// be equal (absent headers or properties expect none).
fn compare_endpoint(got: &Endpoint, expected: &Map<String, Json>) -> Result<(), String> {
    let Some(url) = expected.get("url").and_then(Json::as_str) else {
        return Err("the expected endpoint has no `url` string".to_owned());
    };
    if got.url != url {
        return Err(format!("url is `{}`, expected `{url}`", got.url));
    }
    let expected_headers: BTreeMap<String, Vec<String>> = match expected.get("headers") {
        Some(h) => serde_json::from_value(h.clone())
            .map_err(|e| format!("the expected `headers` must map names to strings: {e}"))?,
        None => BTreeMap::new(),
    };
    let got_headers: BTreeMap<String, Vec<String>> = got.headers.iter().cloned().collect();
    if got_headers != expected_headers {
        return Err(format!(
            "headers are {}, expected {}",
            serde_json::to_value(&got_headers).unwrap_or_default(),
            serde_json::to_value(&expected_headers).unwrap_or_default(),
        ));
    }
    let expected_properties = match expected.get("properties") {
        Some(Json::Object(p)) => p.clone(),
        Some(_) => return Err("the expected `properties` must be an object".to_owned()),
        None => Map::new(),
    };
    if got.properties != expected_properties {
        return Err(format!(
            "properties are {}, expected {}",
            Json::Object(got.properties.clone()),
            Json::Object(expected_properties)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Result<RuleSet, EndpointError> {
        RuleSet::from_json(
            r#"{"version":"1.0","parameters":{"Region":{"type":"string"}},"rules":[
                {"conditions":[{"fn":"isSet","argv":[{"ref":"Region"}]}],
                 "endpoint":{"url":"https://{Region}.example.com","headers":{"x-r":["{Region}"]},
                             "properties":{"p":"{Region}"}},"type":"endpoint"},
                {"conditions":[],"error":"no region","type":"error"}]}"#,
        )
    }

    fn built_in() -> &'static Partitions {
        Partitions::built_in().expect("the runtime's partition data parses")
    }

    fn check(case: Json) -> Result<(), String> {
        check_case(&rules(), &case, built_in())
    }

    #[test]
    fn matching_cases_pass() {
        assert_eq!(
            check(
                serde_json::json!({"params":{"Region":"r"},"expect":{"endpoint":{
                "url":"https://r.example.com","headers":{"x-r":["r"]},"properties":{"p":"r"}}}})
            ),
            Ok(())
        );
        assert_eq!(
            check(serde_json::json!({"expect":{"error":"no region"}})),
            Ok(())
        );
    }

    #[test]
    fn every_difference_fails_with_its_reason() {
        let cases = [
            (
                serde_json::json!({"params":{"Region":"r"},"expect":{"endpoint":{"url":"https://x","headers":{"x-r":["r"]},"properties":{"p":"r"}}}}),
                "url is `https://r.example.com`, expected `https://x`",
            ),
            (
                serde_json::json!({"params":{"Region":"r"},"expect":{"endpoint":{"url":"https://r.example.com","properties":{"p":"r"}}}}),
                "headers are {\"x-r\":[\"r\"]}, expected {}",
            ),
            (
                serde_json::json!({"params":{"Region":"r"},"expect":{"endpoint":{"url":"https://r.example.com","headers":{"x-r":["r"]}}}}),
                "properties are {\"p\":\"r\"}, expected {}",
            ),
            (
                serde_json::json!({"expect":{"error":"other"}}),
                "error is `no region`, expected `other`",
            ),
            (
                serde_json::json!({"params":{"Region":"r"},"expect":{"error":"no region"}}),
                "expected the error `no region`, got the endpoint `https://r.example.com`",
            ),
            (
                serde_json::json!({"expect":{"endpoint":{"url":"https://r.example.com"}}}),
                "expected the endpoint `https://r.example.com`, got the error `no region`",
            ),
            (
                serde_json::json!({"operationInputs":[],"expect":{"error":"no region"}}),
                "carries `operationInputs`",
            ),
            (
                serde_json::json!({"expect":{"error":"no region","warning":"x"}}),
                "expectation field the runner does not check: warning",
            ),
            (
                serde_json::json!({"expect":{"endpoint":{"url":"u","authSchemes":[]}}}),
                "endpoint field the runner does not check: authSchemes",
            ),
            (
                serde_json::json!({"params":{"Region":1},"expect":{"error":"no region"}}),
                "parameter `Region` must be a string, a boolean or an array of strings",
            ),
            (
                serde_json::json!({"params":{"Nope":"x"},"expect":{"error":"no region"}}),
                "error is `invalid endpoint parameters: `Nope` is not a parameter of this rule set`",
            ),
        ];
        for (case, reason) in cases {
            let got = check(case.clone()).expect_err("the case must fail");
            assert!(got.contains(reason), "{case}: `{got}` lacks `{reason}`");
        }
        let broken = Err(EndpointError::InvalidRuleSet {
            at: "rules".into(),
            reason: "bad".into(),
        });
        assert_eq!(
            check_case(
                &broken,
                &serde_json::json!({"expect":{"error":"x"}}),
                built_in()
            ),
            Err("the rule set does not parse: invalid endpoint rule set at rules: bad".to_owned())
        );
    }
}
