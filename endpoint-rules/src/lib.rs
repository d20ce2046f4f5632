//! Endpoint rules: resolving a service's endpoint from its rule set.
//!
//! A service model carries an endpoint rule set (`endpoint-rule-set-1.json`, or the Smithy
//! `smithy.rules#endpointRuleSet` trait): typed parameters such as `Region` and `UseFIPS`, and
//! a tree of rules whose conditions call a small standard library (`aws.partition`,
//! `parseURL`, `isValidHostLabel` and others) and whose leaves are an endpoint or an error.
//!
//! A generated crate carries its rule set compiled to Rust by `cargo xtask codegen`: a
//! function over [`Params`] that calls the standard library in [`functions`], with its
//! parameter table, together a [`CompiledRules`]. Types, function names, arities and
//! references are checked when the crate is generated, so nothing is parsed or looked up at
//! run time, and the partition data `aws.partition` reads is built in as Rust too. The
//! runtime re-exports this crate as its `endpoint` module, so generated crates reach it
//! through the runtime.
//!
//! With the feature `parser`, `RuleSet` parses a rule set from JSON into its typed form, which
//! is what the code generator compiles. With the feature `interpreter` (the runtime's
//! `endpoint-rules`), `RuleSet` also interprets it, and `Partitions` reads partition data from
//! JSON: for rule sets that are not known when a crate is generated, and for
//! `cargo xtask endpoint-tests`.
//!
//! Nothing here panics on a rule set, a parameter or partition data: each problem is an
//! [`EndpointError`] that says where it is and what is wrong. An error rule's message comes
//! back exactly as the rule set spells it.

#![deny(missing_docs)]
// Rule sets, parameters and partition data come from outside, so library code must not panic
// on them: no unwrap/expect, no unchecked indexing or slicing, no unchecked arithmetic. Each
// exception is a narrow `allow` with a comment saying why it is safe. Unit tests are exempt.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented,
        clippy::arithmetic_side_effects
    )
)]

mod arn;
mod compiled;
#[cfg(feature = "interpreter")]
mod eval;
pub mod functions;
#[cfg(feature = "interpreter")]
mod partition;
// The built-in partition data as Rust, written by `cargo xtask codegen` from
// `data/partitions.json` and formatted as it writes it.
#[rustfmt::skip]
mod partitions_generated;
#[cfg(feature = "parser")]
pub mod syntax;
#[cfg(feature = "parser")]
pub mod value;

use std::fmt;

pub use compiled::{bind, Bound, CompiledRules, ParamSpec, StaticDefault};
#[cfg(feature = "interpreter")]
pub use partition::Partitions;
#[cfg(feature = "parser")]
pub use syntax::{Deprecated, Parameter, RuleSet};

use aws_primitives::named::Named;

/// The type of a rule-set parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// `string`.
    String,
    /// `boolean`.
    Boolean,
    /// `stringArray`.
    StringArray,
}

impl ParamType {
    /// The name rule sets give the type: `string`, `boolean` or `stringArray`.
    pub fn name(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Boolean => "boolean",
            ParamType::StringArray => "stringArray",
        }
    }

    /// The type named `text`, in either spelling: botocore writes the names in lower camel
    /// case, the Smithy AST in upper camel case.
    pub fn parse(text: &str) -> Option<ParamType> {
        [
            ParamType::String,
            ParamType::Boolean,
            ParamType::StringArray,
        ]
        .into_iter()
        .find(|t| t.name().eq_ignore_ascii_case(text))
    }
}

/// The built-in parameter for the AWS region.
pub const BUILT_IN_REGION: &str = "AWS::Region";
/// The built-in parameter that asks for a FIPS endpoint.
pub const BUILT_IN_USE_FIPS: &str = "AWS::UseFIPS";
/// The built-in parameter that asks for a dual-stack (IPv4 and IPv6) endpoint.
pub const BUILT_IN_USE_DUAL_STACK: &str = "AWS::UseDualStack";
/// The built-in parameter for an endpoint URL given by the user.
pub const BUILT_IN_ENDPOINT: &str = "SDK::Endpoint";

/// A resolved endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The endpoint URL, e.g. `https://cognito-identity.us-east-1.amazonaws.com`.
    pub url: String,
    /// Headers every request to this endpoint carries: each name once, sorted by name, with
    /// its values.
    pub headers: Vec<(String, Vec<String>)>,
    /// Further properties the rules attach (for example `authSchemes`).
    pub properties: serde_json::Map<String, serde_json::Value>,
}

impl Endpoint {
    /// An endpoint at `url`, with no headers or properties.
    pub fn new(url: impl Into<String>) -> Self {
        Endpoint {
            url: url.into(),
            headers: Vec::new(),
            properties: serde_json::Map::new(),
        }
    }
}

/// The JSON values of endpoint properties, re-exported for compiled rules.
pub use serde_json::{Map as PropertyMap, Value as PropertyValue};

/// The value of one endpoint parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    /// A `string` parameter.
    String(String),
    /// A `boolean` parameter.
    Bool(bool),
    /// A `stringArray` parameter.
    StringArray(Vec<String>),
}

impl ParamValue {
    /// The parameter type this value has.
    pub fn param_type(&self) -> ParamType {
        match self {
            ParamValue::String(_) => ParamType::String,
            ParamValue::Bool(_) => ParamType::Boolean,
            ParamValue::StringArray(_) => ParamType::StringArray,
        }
    }
}

/// The parameter values one resolution runs with, by parameter name. Parameters left out
/// take their rule-set default, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    values: Named<ParamValue>,
}

impl Params {
    /// No values.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the string parameter `name`.
    pub fn string(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.set(name, ParamValue::String(value.into()));
        self
    }

    /// Sets the boolean parameter `name`.
    pub fn bool(mut self, name: impl Into<String>, value: bool) -> Self {
        self.set(name, ParamValue::Bool(value));
        self
    }

    /// Sets the string-array parameter `name`.
    pub fn string_array<S: Into<String>>(
        mut self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        let values = values.into_iter().map(Into::into).collect();
        self.set(name, ParamValue::StringArray(values));
        self
    }

    /// Sets parameter `name` to `value`, replacing any earlier value.
    pub fn set(&mut self, name: impl Into<String>, value: ParamValue) {
        self.values.insert(name.into(), value);
    }

    /// The value of parameter `name`, if set.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.values.get(name)
    }

    /// Every value set, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ParamValue)> {
        self.values.iter()
    }
}

/// The client settings that feed the rules' built-in parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuiltIns<'a> {
    /// The region (`AWS::Region`).
    pub region: Option<&'a str>,
    /// Whether to use a FIPS endpoint (`AWS::UseFIPS`).
    pub use_fips: bool,
    /// Whether to use a dual-stack endpoint (`AWS::UseDualStack`).
    pub use_dual_stack: bool,
    /// The endpoint URL the user set (`SDK::Endpoint`).
    pub endpoint: Option<&'a str>,
}

#[cfg(feature = "parser")]
impl RuleSet {
    /// The parameters for `built_ins`: each parameter of this rule set bound to a built-in
    /// the client knows gets that value; unset optional settings are left out, so the
    /// parameter's default applies.
    pub fn built_in_params(&self, built_ins: &BuiltIns<'_>) -> Params {
        let mut params = Params::new();
        for parameter in self.parameters() {
            if let Some(value) = compiled::built_in_value(parameter.built_in.as_deref(), built_ins)
            {
                params.set(parameter.name.clone(), value);
            }
        }
        params
    }
}

/// Why an endpoint could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointError {
    /// The rule set is malformed: `at` is where (e.g. `rules[1].conditions[0].argv[1]`).
    InvalidRuleSet {
        /// Where in the rule set.
        at: String,
        /// What is wrong.
        reason: String,
    },
    /// A parameter value is missing, of the wrong type, or not a parameter of the rule set.
    InvalidParams(String),
    /// An error rule matched; this is its message, exactly as the rules give it.
    Rule(String),
    /// The conditions of a tree rule held but none of its rules matched (or, at `rules`,
    /// no top-level rule matched).
    NoRuleMatched {
        /// The tree rule whose rules all failed.
        at: String,
    },
    /// A rule could not be evaluated, for example a function got a value of the wrong type.
    Evaluation {
        /// The rule being evaluated.
        at: String,
        /// What went wrong.
        reason: String,
    },
    /// The partition data `aws.partition` reads is malformed.
    Partitions(String),
}

impl EndpointError {
    /// The message of the error rule that matched, when that is why resolution failed.
    pub fn rule_message(&self) -> Option<&str> {
        match self {
            EndpointError::Rule(message) => Some(message),
            _ => None,
        }
    }

    #[cfg(feature = "parser")]
    pub(crate) fn invalid(at: impl Into<String>, reason: impl Into<String>) -> Self {
        EndpointError::InvalidRuleSet {
            at: at.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointError::InvalidRuleSet { at, reason } => {
                write!(f, "invalid endpoint rule set at {at}: {reason}")
            }
            EndpointError::InvalidParams(reason) => {
                write!(f, "invalid endpoint parameters: {reason}")
            }
            EndpointError::Rule(message) => f.write_str(message),
            EndpointError::NoRuleMatched { at } => {
                write!(f, "no endpoint rule matched under {at}")
            }
            EndpointError::Evaluation { at, reason } => {
                write!(f, "cannot evaluate endpoint rule {at}: {reason}")
            }
            EndpointError::Partitions(reason) => write!(f, "invalid partition data: {reason}"),
        }
    }
}

impl std::error::Error for EndpointError {}

#[cfg(all(test, feature = "interpreter"))]
mod tests {
    use super::*;

    const COGNITO: &str = include_str!("../../model/cognito-identity/endpoint-rule-set-1.json");

    fn cognito() -> RuleSet {
        RuleSet::from_json(COGNITO).unwrap()
    }

    #[test]
    fn cognito_resolves_from_built_ins() {
        let rules = cognito();
        let resolve = |built_ins: BuiltIns<'_>| {
            rules
                .resolve(&rules.built_in_params(&built_ins))
                .map(|e| e.url)
        };
        let region = |r| BuiltIns {
            region: Some(r),
            ..BuiltIns::default()
        };
        assert_eq!(
            resolve(region("eu-west-1")).as_deref(),
            Ok("https://cognito-identity.eu-west-1.amazonaws.com")
        );
        assert_eq!(
            resolve(BuiltIns {
                use_fips: true,
                ..region("us-gov-west-1")
            })
            .as_deref(),
            Ok("https://cognito-identity-fips.us-gov-west-1.amazonaws.com")
        );
        assert_eq!(
            resolve(region("cn-north-1")).as_deref(),
            Ok("https://cognito-identity.cn-north-1.amazonaws.com.cn")
        );
        assert_eq!(
            resolve(BuiltIns {
                endpoint: Some("http://localhost:4566"),
                ..BuiltIns::default()
            })
            .as_deref(),
            Ok("http://localhost:4566")
        );
        let missing = resolve(BuiltIns::default()).unwrap_err();
        assert_eq!(missing.to_string(), "Invalid Configuration: Missing Region");
        assert_eq!(
            missing.rule_message(),
            Some("Invalid Configuration: Missing Region")
        );
    }

    #[test]
    fn params_are_typed_and_checked_against_the_rule_set() {
        let rules = cognito();
        let wrong_type = Params::new().string("UseFIPS", "yes");
        let err = rules.resolve(&wrong_type).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid endpoint parameters: `UseFIPS` is a boolean parameter, given a string"
        );
        let unknown = Params::new().string("Regoin", "us-east-1");
        let err = rules.resolve(&unknown).unwrap_err();
        assert!(
            err.to_string().contains("`Regoin` is not a parameter"),
            "{err}"
        );
        let region = rules
            .parameters()
            .iter()
            .find(|p| p.name == "Region")
            .unwrap();
        assert_eq!(region.built_in.as_deref(), Some(BUILT_IN_REGION));
        assert_eq!(region.param_type, ParamType::String);
        assert!(!region.required);
        let fips = rules
            .parameters()
            .iter()
            .find(|p| p.name == "UseFIPS")
            .unwrap();
        assert_eq!(fips.default, Some(ParamValue::Bool(false)));
        assert!(fips.required);
    }
}
