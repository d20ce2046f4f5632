//! Evaluation of a parsed rule set for one set of parameters.
//!
//! Rules are tried in order; the first whose conditions all hold decides: an endpoint, an
//! error, or (for a tree rule) the first match among its own rules. A condition holds when
//! its function returns anything but `false` or "not set", and `assign` binds that result.
//! A function given an unset argument returns "not set" (except `isSet`, which exists to
//! ask), so a condition on an unset optional value fails instead of erroring.

use super::syntax::{Body, Call, Condition, EndpointTemplate, Expr, Function, Part, Rule, RuleSet};
use super::value::Value;
use super::{arn, compiled, functions, partition::Partitions, Endpoint, EndpointError, Params};
use aws_primitives::named::Named;

impl RuleSet {
    /// Resolves the endpoint for `params` with the partition data built into this crate.
    pub fn resolve(&self, params: &Params) -> Result<Endpoint, EndpointError> {
        self.resolve_with(params, Partitions::built_in()?)
    }

    /// Resolves the endpoint for `params`, with `partitions` for `aws.partition`.
    pub fn resolve_with(
        &self,
        params: &Params,
        partitions: &Partitions,
    ) -> Result<Endpoint, EndpointError> {
        let mut eval = Eval {
            slots: self.bind(params)?,
            partitions,
        };
        match eval.first_match(&self.rules)? {
            Some(Ok(endpoint)) => Ok(endpoint),
            Some(Err(message)) => Err(EndpointError::Rule(message)),
            None => Err(EndpointError::NoRuleMatched {
                at: "rules".to_owned(),
            }),
        }
    }

    /// The initial slots: each parameter's given value, else its default.
    fn bind(&self, params: &Params) -> Result<Vec<Option<Value>>, EndpointError> {
        let mut slots = vec![None; self.slots.len()];
        for (slot, parameter) in slots.iter_mut().zip(&self.parameters) {
            let value = match params.get(&parameter.name) {
                Some(given) => {
                    compiled::check_type(&parameter.name, parameter.param_type, given)?;
                    Some(given)
                }
                None => parameter.default.as_ref(),
            };
            if value.is_none() && parameter.required {
                return Err(compiled::missing_required(&parameter.name));
            }
            *slot = value.map(Value::from);
        }
        compiled::check_names(params, |name| {
            self.parameters.iter().any(|p| p.name == name)
        })?;
        Ok(slots)
    }
}

/// What a matching rule yields: an endpoint, or an error rule's message.
type Outcome = Result<Endpoint, String>;

struct Eval<'a> {
    slots: Vec<Option<Value>>,
    partitions: &'a Partitions,
}

impl Eval<'_> {
    /// The outcome of the first rule of `rules` that matches, if any.
    fn first_match(&mut self, rules: &[Rule]) -> Result<Option<Outcome>, EndpointError> {
        for rule in rules {
            if let Some(outcome) = self.rule(rule)? {
                return Ok(Some(outcome));
            }
        }
        Ok(None)
    }

    fn rule(&mut self, rule: &Rule) -> Result<Option<Outcome>, EndpointError> {
        let failed = |reason: String| EndpointError::Evaluation {
            at: rule.at.clone(),
            reason,
        };
        for condition in &rule.conditions {
            if !self.condition(condition).map_err(failed)? {
                return Ok(None);
            }
        }
        Ok(Some(match &rule.body {
            Body::Endpoint(template) => Ok(self.endpoint(template).map_err(failed)?),
            Body::Error(message) => {
                Err(self.string(message, "the error message").map_err(failed)?)
            }
            Body::Tree(rules) => match self.first_match(rules)? {
                Some(outcome) => outcome,
                // A tree whose conditions hold is final: falling through to the next sibling
                // would resolve an endpoint the rules never meant for these parameters.
                None => {
                    return Err(EndpointError::NoRuleMatched {
                        at: rule.at.clone(),
                    })
                }
            },
        }))
    }

    fn condition(&mut self, condition: &Condition) -> Result<bool, String> {
        let result = self.call(&condition.call)?;
        let holds = !matches!(result, None | Some(Value::Bool(false)));
        if let (true, Some(slot)) = (holds, condition.assign) {
            if let Some(place) = self.slots.get_mut(slot) {
                *place = result;
            }
        }
        Ok(holds)
    }

    fn endpoint(&self, template: &EndpointTemplate) -> Result<Endpoint, String> {
        let url = self.string(&template.url, "the endpoint URL")?;
        let mut headers = Named::default();
        for (name, values) in &template.headers {
            let values = values
                .iter()
                .map(|v| self.string(v, &format!("header `{name}`")))
                .collect::<Result<Vec<_>, _>>()?;
            headers.insert(name.clone(), values);
        }
        let headers = headers.into_iter().collect();
        let mut properties = serde_json::Map::new();
        for (name, expr) in &template.properties {
            let value = self
                .expr(expr)?
                .ok_or_else(|| format!("property `{name}` is not set"))?;
            properties.insert(name.clone(), value.into_json());
        }
        Ok(Endpoint {
            url,
            headers,
            properties,
        })
    }

    /// Evaluates `expr`, which must give a string.
    fn string(&self, expr: &Expr, what: &str) -> Result<String, String> {
        match self.expr(expr)? {
            Some(Value::Str(s)) => Ok(s),
            Some(other) => Err(format!("{what} is {}, not a string", other.type_name())),
            None => Err(format!("{what} is not set")),
        }
    }

    fn expr(&self, expr: &Expr) -> Result<Option<Value>, String> {
        Ok(match expr {
            Expr::Literal(value) => Some(value.clone()),
            Expr::Ref(slot) => self.slots.get(*slot).cloned().flatten(),
            Expr::Template(parts) => self.template(parts)?.map(Value::Str),
            Expr::Call(call) => self.call(call)?,
            Expr::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    match self.expr(item)? {
                        Some(v) => values.push(v),
                        None => return Ok(None),
                    }
                }
                Some(Value::Array(values))
            }
            Expr::Record(fields) => {
                let mut values = Named::default();
                for (name, item) in fields {
                    match self.expr(item)? {
                        Some(v) => values.insert(name.clone(), v),
                        None => return Ok(None),
                    };
                }
                Some(Value::Record(values))
            }
        })
    }

    /// A template's text, or `None` when a value it inserts is not set.
    fn template(&self, parts: &[Part]) -> Result<Option<String>, String> {
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Value { slot, name, path } => {
                    let Some(value) = self.slots.get(*slot).and_then(Option::as_ref) else {
                        return Ok(None);
                    };
                    let value = match path {
                        Some(path) => match path.get(value)? {
                            Some(v) => v,
                            None => return Ok(None),
                        },
                        None => value.clone(),
                    };
                    match value {
                        Value::Str(s) => out.push_str(&s),
                        other => {
                            let place = match path {
                                Some(path) => format!("{name}#{}", path.text),
                                None => name.clone(),
                            };
                            return Err(format!(
                                "template value `{{{place}}}` is {}, not a string",
                                other.type_name()
                            ));
                        }
                    }
                }
            }
        }
        Ok(Some(out))
    }

    fn call(&self, call: &Call) -> Result<Option<Value>, String> {
        let name = call.function.name();
        let mut args = Vec::with_capacity(call.args.len());
        for arg in &call.args {
            args.push(self.expr(arg)?);
        }
        if let Function::IsSet = call.function {
            return Ok(Some(Value::Bool(args.first().is_some_and(Option::is_some))));
        }
        // Every other function of an unset argument is unset.
        let Some(args) = args.into_iter().collect::<Option<Vec<Value>>>() else {
            return Ok(None);
        };
        let args = Args { name, args };
        Ok(match &call.function {
            Function::IsSet => None,
            Function::Not => Some(Value::Bool(!args.bool(0)?)),
            Function::BooleanEquals => Some(Value::Bool(args.bool(0)? == args.bool(1)?)),
            Function::StringEquals => Some(Value::Bool(args.str(0)? == args.str(1)?)),
            Function::GetAttr(path) => match args.args.first() {
                Some(value) => path.get(value)?,
                None => None,
            },
            Function::ParseUrl => functions::parse_url(args.str(0)?).map(|url| {
                Value::Record(Named::from_iter([
                    ("scheme".to_owned(), Value::Str(url.scheme)),
                    ("authority".to_owned(), Value::Str(url.authority)),
                    ("path".to_owned(), Value::Str(url.path)),
                    ("normalizedPath".to_owned(), Value::Str(url.normalized_path)),
                    ("isIp".to_owned(), Value::Bool(url.is_ip)),
                ]))
            }),
            Function::Substring => {
                functions::substring(args.str(0)?, args.int(1)?, args.int(2)?, args.bool(3)?)
                    .map(Value::Str)
            }
            Function::UriEncode => Some(Value::Str(functions::uri_encode(args.str(0)?))),
            Function::IsValidHostLabel => Some(Value::Bool(functions::is_valid_host_label(
                args.str(0)?,
                args.bool(1)?,
            ))),
            Function::Partition => Some(self.partitions.lookup(args.str(0)?)),
            Function::ParseArn => arn::parse_arn(args.str(0)?).map(|arn| {
                let resource = arn.resource_id.into_iter().map(Value::Str).collect();
                Value::Record(Named::from_iter([
                    ("partition".to_owned(), Value::Str(arn.partition)),
                    ("service".to_owned(), Value::Str(arn.service)),
                    ("region".to_owned(), Value::Str(arn.region)),
                    ("accountId".to_owned(), Value::Str(arn.account_id)),
                    ("resourceId".to_owned(), Value::Array(resource)),
                ]))
            }),
            Function::IsVirtualHostableS3Bucket => Some(Value::Bool(
                functions::is_virtual_hostable_s3_bucket(args.str(0)?, args.bool(1)?),
            )),
        })
    }
}

/// A function's evaluated arguments, read with type checks.
struct Args {
    name: &'static str,
    args: Vec<Value>,
}

impl Args {
    fn get(&self, i: usize) -> Result<&Value, String> {
        self.args
            .get(i)
            .ok_or_else(|| format!("`{}` has no argument {}", self.name, i.saturating_add(1)))
    }

    fn mismatch(&self, i: usize, expected: &str, got: &Value) -> String {
        format!(
            "argument {} of `{}` must be {expected}, not {}",
            i.saturating_add(1),
            self.name,
            got.type_name()
        )
    }

    fn str(&self, i: usize) -> Result<&str, String> {
        match self.get(i)? {
            Value::Str(s) => Ok(s),
            other => Err(self.mismatch(i, "a string", other)),
        }
    }

    fn bool(&self, i: usize) -> Result<bool, String> {
        match self.get(i)? {
            Value::Bool(b) => Ok(*b),
            other => Err(self.mismatch(i, "a boolean", other)),
        }
    }

    fn int(&self, i: usize) -> Result<i64, String> {
        match self.get(i)? {
            Value::Int(n) => Ok(*n),
            other => Err(self.mismatch(i, "an integer", other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ParamValue;
    use super::*;

    fn rules(parameters: &str, rules: &str) -> RuleSet {
        let text = format!(r#"{{"version":"1.3","parameters":{parameters},"rules":{rules}}}"#);
        RuleSet::from_json(&text).unwrap_or_else(|e| panic!("{e}"))
    }

    const INPUT: &str = r#"{"Input":{"type":"string"},"Flag":{"type":"boolean"}}"#;

    fn resolve(set: &RuleSet, params: Params) -> Result<Endpoint, String> {
        set.resolve(&params).map_err(|e| e.to_string())
    }

    #[test]
    fn nested_calls_assignments_headers_and_properties() {
        let set = rules(
            INPUT,
            r#"[{"conditions":[
                  {"fn":"isSet","argv":[{"ref":"Input"}]},
                  {"fn":"aws.parseArn","argv":[{"ref":"Input"}],"assign":"arn"},
                  {"fn":"not","argv":[{"fn":"stringEquals","argv":[{"fn":"getAttr","argv":[{"ref":"arn"},"region"]},""]}]}
                ],
                "endpoint":{"url":"https://{arn#resourceId[1]}.{arn#region}.example.com",
                  "headers":{"x-account":["{arn#accountId}","{{literal}}"]},
                  "properties":{"authSchemes":[{"name":"sigv4","signingRegion":"{arn#region}","double":true,"n":3}]}},
                "type":"endpoint"},
               {"conditions":[],"error":"no ARN in `{Input}`","type":"error"}]"#,
        );
        let ep = resolve(
            &set,
            Params::new().string("Input", "arn:aws:s3:eu-west-1:123:thing/abc"),
        )
        .unwrap();
        assert_eq!(ep.url, "https://abc.eu-west-1.example.com");
        assert_eq!(
            ep.headers,
            [(
                "x-account".to_owned(),
                vec!["123".to_owned(), "{literal}".to_owned()]
            )]
        );
        assert_eq!(
            serde_json::Value::Object(ep.properties),
            serde_json::json!({"authSchemes":[{"name":"sigv4","signingRegion":"eu-west-1","double":true,"n":3}]})
        );
        assert_eq!(
            resolve(
                &set,
                Params::new().string("Input", "arn:aws:s3::123:thing/abc")
            ),
            Err("no ARN in `arn:aws:s3::123:thing/abc`".to_owned())
        );
    }

    #[test]
    fn unset_arguments_fail_conditions_instead_of_erroring() {
        let set = rules(
            INPUT,
            r#"[{"conditions":[{"fn":"booleanEquals","argv":[{"ref":"Flag"},true]}],"error":"flag","type":"error"},
                {"conditions":[{"fn":"not","argv":[{"ref":"Flag"}]}],"error":"not flag","type":"error"},
                {"conditions":[],"error":"unset","type":"error"}]"#,
        );
        assert_eq!(resolve(&set, Params::new()), Err("unset".to_owned()));
        assert_eq!(
            resolve(&set, Params::new().bool("Flag", true)),
            Err("flag".to_owned())
        );
        assert_eq!(
            resolve(&set, Params::new().bool("Flag", false)),
            Err("not flag".to_owned())
        );
    }

    #[test]
    fn a_tree_whose_conditions_hold_must_match() {
        let set = rules(
            INPUT,
            r#"[{"conditions":[],"type":"tree","rules":[
                  {"conditions":[{"fn":"isSet","argv":[{"ref":"Input"}]}],"error":"set","type":"error"}]},
                {"conditions":[],"error":"never reached","type":"error"}]"#,
        );
        assert_eq!(
            resolve(&set, Params::new()),
            Err("no endpoint rule matched under rules[0]".to_owned())
        );
        let empty = rules(INPUT, "[]");
        assert_eq!(
            resolve(&empty, Params::new()),
            Err("no endpoint rule matched under rules".to_owned())
        );
    }

    #[test]
    fn type_errors_name_the_rule_and_argument() {
        let set = rules(
            INPUT,
            r#"[{"conditions":[{"fn":"stringEquals","argv":[{"ref":"Flag"},"x"]}],"error":"x","type":"error"}]"#,
        );
        assert_eq!(
            resolve(&set, Params::new().bool("Flag", true)),
            Err("cannot evaluate endpoint rule rules[0]: argument 1 of `stringEquals` must be a string, not a boolean".to_owned())
        );
        let set = rules(
            INPUT,
            r#"[{"conditions":[{"fn":"aws.partition","argv":["us-east-1"],"assign":"p"}],"error":"{p#supportsFIPS}","type":"error"}]"#,
        );
        assert_eq!(
            resolve(&set, Params::new()),
            Err("cannot evaluate endpoint rule rules[0]: template value `{p#supportsFIPS}` is a boolean, not a string".to_owned())
        );
    }

    #[test]
    fn defaults_fill_missing_parameters_and_required_ones_must_be_set() {
        let set = rules(
            r#"{"List":{"type":"stringArray","required":true,"default":["d1","d2"]},
                "Name":{"type":"string","required":true}}"#,
            r#"[{"conditions":[{"fn":"getAttr","argv":[{"ref":"List"},"[0]"],"assign":"first"}],
                 "endpoint":{"url":"https://{first}.{Name}"},"type":"endpoint"},
                {"conditions":[],"endpoint":{"url":"https://{Name}"},"type":"endpoint"}]"#,
        );
        let url = |params: Params| resolve(&set, params).map(|e| e.url);
        assert_eq!(
            url(Params::new().string("Name", "n")).as_deref(),
            Ok("https://d1.n")
        );
        assert_eq!(
            url(Params::new()
                .string("Name", "n")
                .string_array("List", ["x"]))
            .as_deref(),
            Ok("https://x.n")
        );
        assert_eq!(
            url(Params::new()
                .string("Name", "n")
                .string_array("List", Vec::<String>::new()))
            .as_deref(),
            Ok("https://n")
        );
        assert_eq!(
            url(Params::new()),
            Err("invalid endpoint parameters: `Name` is required and has no default".to_owned())
        );
        let mut params = Params::new().string("Name", "n");
        params.set("List", ParamValue::Bool(true));
        assert!(url(params)
            .unwrap_err()
            .contains("`List` is a stringArray parameter, given a boolean"));
    }

    #[test]
    fn functions_evaluate_through_rules() {
        let set = rules(
            r#"{"Input":{"type":"string","required":true},"Case":{"type":"string","required":true}}"#,
            r#"[{"conditions":[{"fn":"stringEquals","argv":["{Case}","substring"]},
                               {"fn":"substring","argv":["{Input}",1,3,true],"assign":"out"}],"error":"{out}"},
                {"conditions":[{"fn":"stringEquals","argv":["{Case}","encode"]},
                               {"fn":"uriEncode","argv":["{Input}"],"assign":"out"}],"error":"{out}"},
                {"conditions":[{"fn":"stringEquals","argv":["{Case}","url"]},
                               {"fn":"parseURL","argv":["{Input}"],"assign":"u"},
                               {"fn":"booleanEquals","argv":[{"fn":"getAttr","argv":[{"ref":"u"},"isIp"]},true]}],
                 "error":"ip {u#authority}{u#normalizedPath}"},
                {"conditions":[{"fn":"stringEquals","argv":["{Case}","label"]},
                               {"fn":"isValidHostLabel","argv":["{Input}",true]}],"error":"label"},
                {"conditions":[{"fn":"stringEquals","argv":["{Case}","s3"]},
                               {"fn":"aws.isVirtualHostableS3Bucket","argv":["{Input}",false]}],"error":"s3"},
                {"conditions":[],"error":"none"}]"#,
        );
        let run = |case: &str, input: &str| {
            resolve(
                &set,
                Params::new().string("Case", case).string("Input", input),
            )
            .unwrap_err()
        };
        assert_eq!(run("substring", "abcdef"), "de");
        assert_eq!(run("substring", "abcdé"), "none");
        assert_eq!(run("encode", "a b/c"), "a%20b%2Fc");
        assert_eq!(run("url", "http://[::1]:80/a"), "ip [::1]:80/a/");
        assert_eq!(run("url", "http://[::1]:80/a?q"), "none");
        assert_eq!(run("url", "http://example.com"), "none");
        assert_eq!(run("label", "a.b-c"), "label");
        assert_eq!(run("label", "a_b"), "none");
        assert_eq!(run("s3", "my-bucket"), "s3");
        assert_eq!(run("s3", "My-bucket"), "none");
    }
}
