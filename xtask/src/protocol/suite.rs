//! The botocore protocol test suite format, and the service model each suite implies.
//!
//! A suite file is a JSON array of suites; each suite carries a small model (`metadata` and
//! `shapes`), an optional `clientEndpoint`, and cases that each name their operation
//! (`given`). An input case has `params` and `serialized`; an output case has `response` and
//! either `result` or `error`/`errorCode`/`errorMessage`. Only the format is decided here:
//! reading a suite never runs anything.
//!
//! Older botocore suites give their cases no `id`; reading names each such case after its
//! suite and its place in it (see [`name_cases`]), so every case has a name that is stable
//! and unique within its file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;
use serde_json::{Map, Value};

/// One suite: a model and its cases.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Suite {
    /// What the suite tests.
    #[serde(default)]
    pub description: String,
    /// The model's `metadata` (protocol, JSON version, target prefix, ...).
    pub metadata: Map<String, Value>,
    /// The model's shapes.
    #[serde(default)]
    pub shapes: Map<String, Value>,
    /// The endpoint URL the client is configured with, when the suite sets one.
    #[serde(default)]
    pub client_endpoint: Option<String>,
    /// The cases.
    pub cases: Vec<Case>,
}

/// One case of a suite.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    /// The case's id, unique within its file: the suite's own, or one [`name_cases`] gives a
    /// case that has none.
    #[serde(default)]
    pub id: String,
    /// What the case checks.
    #[serde(default)]
    pub description: Option<String>,
    /// The operation, as a botocore operation definition.
    pub given: Value,
    /// Input cases: the operation's parameters.
    #[serde(default)]
    pub params: Option<Value>,
    /// Input cases: the request the client must send.
    #[serde(default)]
    pub serialized: Option<Value>,
    /// Output cases: the response the client receives.
    #[serde(default)]
    pub response: Option<Value>,
    /// Successful output cases: the parsed output.
    #[serde(default)]
    pub result: Option<Value>,
    /// Error cases: the parsed error's members.
    #[serde(default)]
    pub error: Option<Value>,
    /// Error cases: the error code.
    #[serde(default)]
    pub error_code: Option<String>,
    /// Error cases: the error message, when checked.
    #[serde(default)]
    pub error_message: Option<String>,
    /// Fields the harness does not know; a case with any fails rather than pass unchecked.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// What a case checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseKind {
    /// The request serialised from `params`.
    Input,
    /// The output parsed from `response`.
    Output,
    /// The error parsed from `response`.
    Error,
}

impl Case {
    /// The operation's name from `given`.
    pub fn operation(&self) -> Result<&str, String> {
        self.given["name"]
            .as_str()
            .ok_or_else(|| "`given` has no operation `name`".to_owned())
    }

    /// What the case checks, or why its shape is not one the harness knows.
    pub fn kind(&self) -> Result<CaseKind, String> {
        if !self.unknown.is_empty() {
            let names: Vec<&str> = self.unknown.keys().map(String::as_str).collect();
            return Err(format!(
                "the case has fields the harness does not check: {}",
                names.join(", ")
            ));
        }
        match (&self.serialized, &self.response) {
            (Some(_), None) => Ok(CaseKind::Input),
            (None, Some(_)) if self.error_code.is_some() => Ok(CaseKind::Error),
            (None, Some(_)) => Ok(CaseKind::Output),
            (Some(_), Some(_)) => Err("the case has both `serialized` and `response`".to_owned()),
            (None, None) => Err("the case has neither `serialized` nor `response`".to_owned()),
        }
    }
}

/// Reads a suite file, naming the cases that have no id.
pub fn read_file(path: &Path) -> Result<Vec<Suite>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut suites: Vec<Suite> = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a protocol test suite file (a JSON array of suites)",
            path.display()
        )
    })?;
    name_cases(&mut suites);
    Ok(suites)
}

/// Gives every case without an id (or with an empty one) a name made of its suite's
/// description and its index within the suite, counted from 0 as botocore's runner counts:
/// `<description> #<case>`. When several suites of the file share a description (or have
/// none), the suite's index is added: `<description> (suite <n>) #<case>`. Whitespace runs
/// become one space, so a name stays on one line of a runner's report. A name that an
/// explicit id of the file already uses gets ` (2)`, ` (3)`, ... appended. Cases with an id
/// keep it.
pub fn name_cases(suites: &mut [Suite]) {
    let one_line = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut descriptions: BTreeMap<String, usize> = BTreeMap::new();
    for suite in suites.iter() {
        *descriptions
            .entry(one_line(&suite.description))
            .or_default() += 1;
    }
    let mut taken: BTreeSet<String> = suites
        .iter()
        .flat_map(|s| &s.cases)
        .filter(|c| !c.id.is_empty())
        .map(|c| c.id.clone())
        .collect();
    for (suite_index, suite) in suites.iter_mut().enumerate() {
        let description = one_line(&suite.description);
        let shared = descriptions.get(&description).is_some_and(|&n| n > 1);
        let base = if description.is_empty() {
            format!("suite {suite_index}")
        } else if shared {
            format!("{description} (suite {suite_index})")
        } else {
            description
        };
        for (case_index, case) in suite.cases.iter_mut().enumerate() {
            if !case.id.is_empty() {
                continue;
            }
            let name = format!("{base} #{case_index}");
            let mut unique = name.clone();
            let mut n = 1;
            while taken.contains(&unique) {
                n += 1;
                unique = format!("{name} ({n})");
            }
            taken.insert(unique.clone());
            case.id = unique;
        }
    }
}

/// The botocore `service-2.json` text of a suite's model: its metadata with the identity
/// fields a suite leaves out filled in, its shapes, and one operation per distinct `given`.
/// Cases that define an operation differently from an earlier case of the same name are
/// returned by index with the reason; they cannot share the model.
pub fn service_model(suite: &Suite) -> (String, BTreeMap<usize, String>) {
    let mut metadata = suite.metadata.clone();
    let service_id = metadata
        .get("serviceId")
        .or_else(|| metadata.get("targetPrefix"))
        .and_then(Value::as_str)
        .unwrap_or("ProtocolTest")
        .to_owned();
    let defaults = [
        ("serviceId", service_id.clone()),
        ("endpointPrefix", service_id.to_ascii_lowercase()),
        ("serviceFullName", format!("{service_id} protocol tests")),
        ("signatureVersion", "v4".to_owned()),
        ("apiVersion", "2018-01-01".to_owned()),
    ];
    for (key, value) in defaults {
        metadata.entry(key).or_insert(Value::String(value));
    }
    let mut operations = Map::new();
    let mut conflicts = BTreeMap::new();
    for (index, case) in suite.cases.iter().enumerate() {
        let Ok(name) = case.operation() else {
            continue;
        };
        match operations.get(name) {
            Some(existing) if existing != &case.given => {
                conflicts.insert(
                    index,
                    format!("its `given` redefines operation `{name}` differently from an earlier case of the suite"),
                );
            }
            Some(_) => {}
            None => {
                operations.insert(name.to_owned(), case.given.clone());
            }
        }
    }
    let model = serde_json::json!({
        "version": "2.0",
        "metadata": metadata,
        "operations": operations,
        "shapes": suite.shapes,
    });
    (model.to_string(), conflicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suite(cases: Value) -> Suite {
        serde_json::from_value(serde_json::json!({
            "description": "d",
            "metadata": {"protocol": "json", "jsonVersion": "1.1", "targetPrefix": "Svc"},
            "shapes": {},
            "cases": cases,
        }))
        .unwrap()
    }

    #[test]
    fn cases_are_classified_by_their_fields() {
        let s = suite(serde_json::json!([
            {"id": "a", "given": {"name": "Op"}, "params": {}, "serialized": {}},
            {"id": "b", "given": {"name": "Op"}, "response": {}, "result": {}},
            {"id": "c", "given": {"name": "Op"}, "response": {}, "errorCode": "E", "error": {}},
            {"id": "d", "given": {"name": "Op"}},
            {"id": "e", "given": {"name": "Op"}, "params": {}, "serialized": {}, "forbidParams": []},
        ]));
        let kinds: Vec<_> = s.cases.iter().map(Case::kind).collect();
        assert_eq!(kinds[0], Ok(CaseKind::Input));
        assert_eq!(kinds[1], Ok(CaseKind::Output));
        assert_eq!(kinds[2], Ok(CaseKind::Error));
        assert!(kinds[3].as_ref().unwrap_err().contains("neither"));
        assert!(kinds[4]
            .as_ref()
            .unwrap_err()
            .contains("does not check: forbidParams"));
    }

    fn suites(value: Value) -> Vec<Suite> {
        let mut suites: Vec<Suite> = serde_json::from_value(value).unwrap();
        name_cases(&mut suites);
        suites
    }

    fn ids(suites: &[Suite]) -> Vec<&str> {
        suites
            .iter()
            .flat_map(|s| &s.cases)
            .map(|c| c.id.as_str())
            .collect()
    }

    #[test]
    fn cases_without_ids_are_named_after_suite_and_index() {
        let meta = serde_json::json!({"protocol": "json"});
        let case = serde_json::json!({"given": {"name": "Op"}, "params": {}, "serialized": {}});
        let with_id = serde_json::json!({"id": "kept", "given": {"name": "Op"}, "params": {}, "serialized": {}});
        let named = suites(serde_json::json!([
            {"description": "Scalar\n  members", "metadata": meta, "cases": [case, with_id, case]},
            {"description": "Lists", "metadata": meta, "cases": [case]},
            {"description": "Lists", "metadata": meta, "cases": [case, case]},
            {"metadata": meta, "cases": [case]},
        ]));
        assert_eq!(
            ids(&named),
            [
                "Scalar members #0",
                "kept",
                "Scalar members #2",
                "Lists (suite 1) #0",
                "Lists (suite 2) #0",
                "Lists (suite 2) #1",
                "suite 3 #0",
            ]
        );
        // Reading the same suites again gives the same names.
        let again = suites(serde_json::json!([
            {"description": "Scalar members", "metadata": meta, "cases": [case, with_id, case]},
        ]));
        assert_eq!(
            ids(&again),
            ["Scalar members #0", "kept", "Scalar members #2"]
        );
    }

    #[test]
    fn a_generated_name_never_takes_an_explicit_id() {
        let meta = serde_json::json!({"protocol": "json"});
        let case = serde_json::json!({"given": {"name": "Op"}, "params": {}, "serialized": {}});
        let clash = serde_json::json!({"id": "S #0", "given": {"name": "Op"}, "params": {}, "serialized": {}});
        let named = suites(serde_json::json!([
            {"description": "S", "metadata": meta, "cases": [case]},
            {"description": "T", "metadata": meta, "cases": [clash]},
        ]));
        assert_eq!(ids(&named), ["S #0 (2)", "S #0"]);
    }

    #[test]
    fn the_model_fills_identity_and_collects_operations() {
        let s = suite(serde_json::json!([
            {"id": "a", "given": {"name": "Op", "http": {"method": "POST"}}, "params": {}, "serialized": {}},
            {"id": "b", "given": {"name": "Op", "http": {"method": "POST"}}, "params": {}, "serialized": {}},
            {"id": "c", "given": {"name": "Op", "http": {"method": "PUT"}}, "params": {}, "serialized": {}},
            {"id": "d", "given": {"name": "Other"}, "params": {}, "serialized": {}},
        ]));
        let (text, conflicts) = service_model(&s);
        let model: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(model["metadata"]["serviceId"], "Svc");
        assert_eq!(model["metadata"]["endpointPrefix"], "svc");
        let ops: Vec<&String> = model["operations"].as_object().unwrap().keys().collect();
        assert_eq!(ops, ["Op", "Other"]);
        assert_eq!(conflicts.keys().copied().collect::<Vec<_>>(), [2]);
    }
}
