//! What compiled endpoint rules are built from: the parameter table a generated crate
//! declares, binding [`Params`] against it, and the pair a client resolves with.
//!
//! A generated crate compiles its rule set into a Rust function (see `cargo xtask codegen`),
//! which calls the standard library in [`functions`](super::functions). This module holds the
//! part every such function shares: checking the given parameters against the declared ones
//! and applying defaults, with the same errors as the interpreter.

use super::{
    BuiltIns, Endpoint, EndpointError, ParamType, ParamValue, Params, BUILT_IN_ENDPOINT,
    BUILT_IN_REGION, BUILT_IN_USE_DUAL_STACK, BUILT_IN_USE_FIPS,
};

/// A parameter default that can live in a `static`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaticDefault {
    /// A `string` default.
    String(&'static str),
    /// A `boolean` default.
    Bool(bool),
    /// A `stringArray` default.
    StringArray(&'static [&'static str]),
}

/// One parameter of a compiled rule set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// The name rules and test cases use.
    pub name: &'static str,
    /// Its type.
    pub param_type: ParamType,
    /// True when resolution needs a value (given, or the default).
    pub required: bool,
    /// The value used when none is given.
    pub default: Option<StaticDefault>,
    /// The client setting that supplies it, e.g. `AWS::Region`.
    pub built_in: Option<&'static str>,
}

/// A compiled rule set: its parameters and the function that resolves them.
#[derive(Debug, Clone, Copy)]
pub struct CompiledRules {
    /// The parameters, sorted by name.
    pub parameters: &'static [ParamSpec],
    /// Resolves an endpoint; parameters left out take their defaults.
    pub resolve: fn(&Params) -> Result<Endpoint, EndpointError>,
}

impl CompiledRules {
    /// The parameters for `built_ins`: each parameter bound to a built-in the client knows
    /// gets its value; unset optional settings are left out, so the default applies.
    pub fn built_in_params(&self, built_ins: &BuiltIns<'_>) -> Params {
        let mut params = Params::new();
        for parameter in self.parameters {
            if let Some(value) = built_in_value(parameter.built_in, built_ins) {
                params.set(parameter.name, value);
            }
        }
        params
    }

    /// Resolves the endpoint for `built_ins`.
    pub fn resolve_built_ins(&self, built_ins: &BuiltIns<'_>) -> Result<Endpoint, EndpointError> {
        (self.resolve)(&self.built_in_params(built_ins))
    }
}

/// The value the client setting `built_in` has under `built_ins`, if it is one the client
/// knows and it is set.
pub(crate) fn built_in_value(
    built_in: Option<&str>,
    built_ins: &BuiltIns<'_>,
) -> Option<ParamValue> {
    match built_in {
        Some(BUILT_IN_REGION) => built_ins.region.map(|r| ParamValue::String(r.into())),
        Some(BUILT_IN_USE_FIPS) => Some(ParamValue::Bool(built_ins.use_fips)),
        Some(BUILT_IN_USE_DUAL_STACK) => Some(ParamValue::Bool(built_ins.use_dual_stack)),
        Some(BUILT_IN_ENDPOINT) => built_ins.endpoint.map(|e| ParamValue::String(e.into())),
        _ => None,
    }
}

/// One bound parameter value: given, or the default.
#[derive(Debug, Clone)]
enum BoundValue<'p> {
    String(&'p str),
    Bool(bool),
    StringArray(Vec<&'p str>),
}

/// The parameter values one resolution runs with, by position in the parameter table.
#[derive(Debug, Clone)]
pub struct Bound<'p> {
    values: Vec<Option<BoundValue<'p>>>,
}

impl<'p> Bound<'p> {
    /// The string parameter at `index`, if set.
    pub fn string(&self, index: usize) -> Option<&'p str> {
        match self.values.get(index) {
            Some(Some(BoundValue::String(s))) => Some(s),
            _ => None,
        }
    }

    /// The boolean parameter at `index`, if set.
    pub fn bool(&self, index: usize) -> Option<bool> {
        match self.values.get(index) {
            Some(Some(BoundValue::Bool(b))) => Some(*b),
            _ => None,
        }
    }

    /// The string-array parameter at `index`, if set.
    pub fn string_array(&self, index: usize) -> Option<&[&'p str]> {
        match self.values.get(index) {
            Some(Some(BoundValue::StringArray(items))) => Some(items),
            _ => None,
        }
    }
}

/// Binds `params` to the parameter table `specs`: each given value must have its
/// parameter's type, a parameter left out takes its default, a required parameter must end
/// up with a value, and every given name must be a parameter.
pub fn bind<'p>(specs: &[ParamSpec], params: &'p Params) -> Result<Bound<'p>, EndpointError> {
    let mut values = Vec::with_capacity(specs.len());
    for spec in specs {
        let value = match params.get(spec.name) {
            Some(given) => {
                check_type(spec.name, spec.param_type, given)?;
                Some(match given {
                    ParamValue::String(s) => BoundValue::String(s),
                    ParamValue::Bool(b) => BoundValue::Bool(*b),
                    ParamValue::StringArray(items) => {
                        BoundValue::StringArray(items.iter().map(String::as_str).collect())
                    }
                })
            }
            None => spec.default.map(|d| match d {
                StaticDefault::String(s) => BoundValue::String(s),
                StaticDefault::Bool(b) => BoundValue::Bool(b),
                StaticDefault::StringArray(items) => BoundValue::StringArray(items.to_vec()),
            }),
        };
        if value.is_none() && spec.required {
            return Err(missing_required(spec.name));
        }
        values.push(value);
    }
    check_names(params, |name| specs.iter().any(|s| s.name == name))?;
    Ok(Bound { values })
}

/// The error for a given value whose type is not its parameter's.
pub(crate) fn check_type(
    name: &str,
    expected: ParamType,
    given: &ParamValue,
) -> Result<(), EndpointError> {
    if given.param_type() == expected {
        return Ok(());
    }
    Err(EndpointError::InvalidParams(format!(
        "`{name}` is a {} parameter, given a {}",
        expected.name(),
        given.param_type().name()
    )))
}

/// The error for a required parameter with neither a value nor a default.
pub(crate) fn missing_required(name: &str) -> EndpointError {
    EndpointError::InvalidParams(format!("`{name}` is required and has no default"))
}

/// An error naming the first given parameter that `known` does not accept.
pub(crate) fn check_names(
    params: &Params,
    known: impl Fn(&str) -> bool,
) -> Result<(), EndpointError> {
    match params.iter().find(|(name, _)| !known(name)) {
        Some((name, _)) => Err(EndpointError::InvalidParams(format!(
            "`{name}` is not a parameter of this rule set"
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SPECS: &[ParamSpec] = &[
        ParamSpec {
            name: "List",
            param_type: ParamType::StringArray,
            required: false,
            default: Some(StaticDefault::StringArray(&["a", "b"])),
            built_in: None,
        },
        ParamSpec {
            name: "Region",
            param_type: ParamType::String,
            required: false,
            default: None,
            built_in: Some(BUILT_IN_REGION),
        },
        ParamSpec {
            name: "UseFIPS",
            param_type: ParamType::Boolean,
            required: true,
            default: Some(StaticDefault::Bool(false)),
            built_in: Some(BUILT_IN_USE_FIPS),
        },
    ];

    #[test]
    fn given_values_then_defaults() {
        let params = Params::new().string("Region", "eu-west-1");
        let bound = bind(SPECS, &params).unwrap();
        assert_eq!(bound.string_array(0), Some(&["a", "b"][..]));
        assert_eq!(bound.string(1), Some("eu-west-1"));
        assert_eq!(bound.bool(2), Some(false));
        // A position of another type, or past the end, is unset.
        assert_eq!(bound.string(2), None);
        assert_eq!(bound.bool(9), None);
        let none = Params::new();
        assert_eq!(bind(SPECS, &none).unwrap().string(1), None);
    }

    #[test]
    fn wrong_types_unknown_names_and_missing_values_are_errors() {
        let message = |params: Params| bind(SPECS, &params).unwrap_err().to_string();
        assert_eq!(
            message(Params::new().string("UseFIPS", "yes")),
            "invalid endpoint parameters: `UseFIPS` is a boolean parameter, given a string"
        );
        assert_eq!(
            message(Params::new().string("Regoin", "x")),
            "invalid endpoint parameters: `Regoin` is not a parameter of this rule set"
        );
        let required = [ParamSpec {
            default: None,
            ..SPECS[2]
        }];
        assert_eq!(
            bind(&required, &Params::new()).unwrap_err().to_string(),
            "invalid endpoint parameters: `UseFIPS` is required and has no default"
        );
    }

    #[test]
    fn built_ins_fill_their_parameters() {
        fn resolve(params: &Params) -> Result<Endpoint, EndpointError> {
            let bound = bind(SPECS, params)?;
            Ok(Endpoint::new(format!(
                "https://{}.{}",
                bound.string(1).unwrap_or("none"),
                bound.bool(2).unwrap_or_default()
            )))
        }
        let rules = CompiledRules {
            parameters: SPECS,
            resolve,
        };
        let built_ins = BuiltIns {
            region: Some("us-west-2"),
            use_fips: true,
            ..BuiltIns::default()
        };
        let params = rules.built_in_params(&built_ins);
        assert_eq!(params.get("List"), None);
        assert_eq!(params.get("UseFIPS"), Some(&ParamValue::Bool(true)));
        assert_eq!(
            rules.resolve_built_ins(&built_ins).unwrap().url,
            "https://us-west-2.true"
        );
    }
}
