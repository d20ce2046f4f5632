//! The endpoint rules engine: parsing any rule set and resolving it with any parameters, and
//! resolving the Cognito Identity rule set for any region, endpoint URL and partition data.
//!
//! Input: one byte (`n % 3` picks the mode; bit 3 asks for FIPS and bit 4 for dual-stack in
//! the modes that use the Cognito rules), then UTF-8 text:
//! - mode 0: a rule set, a NUL byte, and the parameters as a JSON object (strings, booleans
//!   and arrays of strings become parameter values);
//! - mode 1: a region, and after a NUL byte an endpoint URL, for the Cognito rules, both
//!   interpreted and as compiled into the generated crate, which must agree;
//! - mode 2: partition data (`partitions.json`), a NUL byte, and a region, for the Cognito
//!   rules.
//!
//! Every outcome is fine except a panic, or the two resolutions of mode 1 disagreeing.

#![no_main]

use std::sync::OnceLock;

use aws_json_runtime::endpoint::{BuiltIns, ParamValue, Params, Partitions, RuleSet};
use libfuzzer_sys::fuzz_target;

/// The Cognito Identity rule set, parsed once, for the interpreter.
fn cognito_rules() -> Option<&'static RuleSet> {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    let text = include_str!("../../model/cognito-identity/endpoint-rule-set-1.json");
    Some(RULES.get_or_init(|| match RuleSet::from_json(text) {
        Ok(rules) => rules,
        Err(e) => panic!("the Cognito Identity rule set does not parse: {e}"),
    }))
}

fn params(text: &str) -> Params {
    let mut params = Params::new();
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str(text) else {
        return params;
    };
    for (name, value) in map {
        let value = match value {
            serde_json::Value::String(s) => ParamValue::String(s),
            serde_json::Value::Bool(b) => ParamValue::Bool(b),
            serde_json::Value::Array(items) => ParamValue::StringArray(
                items
                    .into_iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect(),
            ),
            _ => continue,
        };
        params.set(name, value);
    }
    params
}

fuzz_target!(|data: &[u8]| {
    let [choice, rest @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let (first, second) = text.split_once('\0').unwrap_or((text, ""));
    let use_fips = choice & 8 != 0;
    let use_dual_stack = choice & 16 != 0;
    match choice % 3 {
        0 => {
            if let Ok(rules) = RuleSet::from_json(first) {
                let _ = rules.resolve(&params(second));
            }
        }
        1 => {
            let Some(rules) = cognito_rules() else {
                return;
            };
            let built_ins = BuiltIns {
                region: Some(first),
                use_fips,
                use_dual_stack,
                endpoint: Some(second).filter(|e| !e.is_empty()),
            };
            // The rules compiled into the generated crate must agree with the interpreter.
            let interpreted = rules.resolve(&rules.built_in_params(&built_ins));
            let compiled = cognito_identity::endpoint::RULES.resolve_built_ins(&built_ins);
            assert_eq!(interpreted, compiled, "{built_ins:?}");
        }
        _ => {
            let (Some(rules), Ok(partitions)) = (cognito_rules(), Partitions::from_json(first))
            else {
                return;
            };
            let built_ins = BuiltIns {
                region: Some(second),
                use_fips,
                use_dual_stack,
                endpoint: None,
            };
            let _ = rules.resolve_with(&rules.built_in_params(&built_ins), &partitions);
        }
    }
});
