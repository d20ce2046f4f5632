//! The botocore protocol test suite format, and the service model each suite implies.
//!
//! A suite file is a JSON array of suites; each suite carries a small model (`metadata` and
//! `shapes`), an optional `clientEndpoint`, and cases that each name their operation
//! (`given`). An input case has `params` and `serialized`; an output case has `response` and
//! either `result` or `error`/`errorCode`/`errorMessage`. Only the format is decided here:
//! reading a suite never runs anything.

use std::collections::BTreeMap;
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
    /// The case's id, unique within its file.
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

/// Reads a suite file.
pub fn read_file(path: &Path) -> Result<Vec<Suite>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a protocol test suite file (a JSON array of suites)",
            path.display()
        )
    })
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
