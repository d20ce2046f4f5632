//! The typed form of a rule set, and its parser from JSON (feature `parser`).
//!
//! The interpreter evaluates this tree, and the code generator compiles it to Rust.
//!
//! Parsing checks everything that does not depend on parameter values: the shape of every
//! rule, parameter types and defaults, function names and arities, `getAttr` paths, string
//! templates, and that every reference names a parameter or a value assigned by an earlier
//! condition of an enclosing rule. References are resolved here to slot numbers, so
//! evaluation never looks a name up. Errors name the place as a path such as
//! `rules[2].rules[0].conditions[1].argv[0]`.

use serde_json::{Map, Value as Json};

use super::value::{Path, Value};
use super::{EndpointError, ParamType, ParamValue};

/// Why a parameter is deprecated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Deprecated {
    /// What to use instead.
    pub message: Option<String>,
    /// Since when.
    pub since: Option<String>,
}

/// One parameter of a rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    /// The name rules refer to it by.
    pub name: String,
    /// Its type.
    pub param_type: ParamType,
    /// True when resolution needs a value (given, or the default).
    pub required: bool,
    /// The value used when none is given.
    pub default: Option<ParamValue>,
    /// The client setting that supplies it, e.g. `AWS::Region`.
    pub built_in: Option<String>,
    /// Its documentation.
    pub documentation: Option<String>,
    /// Set when the parameter is deprecated.
    pub deprecated: Option<Deprecated>,
}

/// A parsed endpoint rule set, ready to resolve endpoints.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub(crate) version: String,
    pub(crate) parameters: Vec<Parameter>,
    pub(crate) rules: Vec<Rule>,
    /// The name of each value slot: the parameters, then one per `assign`.
    pub(crate) slots: Vec<String>,
}

impl RuleSet {
    /// Parses a rule set from its JSON text (`endpoint-rule-set-1.json`).
    pub fn from_json(text: &str) -> Result<RuleSet, EndpointError> {
        let json: Json = serde_json::from_str(text)
            .map_err(|e| EndpointError::invalid("the top level", format!("not JSON: {e}")))?;
        RuleSet::from_value(&json)
    }

    /// Parses a rule set from JSON already read, such as the value of a Smithy model's
    /// `smithy.rules#endpointRuleSet` trait.
    pub fn from_value(json: &Json) -> Result<RuleSet, EndpointError> {
        Parser::default().rule_set(json)
    }

    /// The rule set's version, e.g. `1.0`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The parameters, sorted by name.
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// The top-level rules, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The name of each value slot the rules use: the parameters (slots
    /// `0..parameters().len()`, in the order of [`parameters`](Self::parameters)), then one
    /// per `assign`, in the order they appear.
    pub fn slot_names(&self) -> &[String] {
        &self.slots
    }
}

/// A rule: conditions that must all hold, then what it yields.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Where the rule is, for error messages.
    pub at: String,
    /// The conditions, in order.
    pub conditions: Vec<Condition>,
    /// What the rule yields.
    pub body: Body,
}

/// What a rule yields when its conditions hold.
#[derive(Debug, Clone)]
pub enum Body {
    /// An endpoint.
    Endpoint(EndpointTemplate),
    /// An error, with this message.
    Error(Expr),
    /// The first matching rule of these; none matching is an error.
    Tree(Vec<Rule>),
}

/// An endpoint rule's endpoint, before evaluation.
#[derive(Debug, Clone)]
pub struct EndpointTemplate {
    /// The URL.
    pub url: Expr,
    /// The headers, each with its values, in the rule set's order.
    pub headers: Vec<(String, Vec<Expr>)>,
    /// The properties, in the rule set's order.
    pub properties: Vec<(String, Expr)>,
}

/// A condition: a function call, whose result may be bound to a new name.
#[derive(Debug, Clone)]
pub struct Condition {
    /// The call.
    pub call: Call,
    /// The slot its result is bound to, when it has `assign`.
    pub assign: Option<usize>,
}

/// An expression.
#[derive(Debug, Clone)]
pub enum Expr {
    /// A literal: a string without placeholders, a boolean or an integer.
    Literal(Value),
    /// A string template with placeholders.
    Template(Vec<Part>),
    /// The value in a slot (a parameter or an `assign`).
    Ref(usize),
    /// A nested function call.
    Call(Box<Call>),
    /// An array of values.
    Array(Vec<Expr>),
    /// A record: named values, in the rule set's order.
    Record(Vec<(String, Expr)>),
}

/// A piece of a string template.
#[derive(Debug, Clone)]
pub enum Part {
    /// Literal text, braces unescaped.
    Text(String),
    /// `{name}`, or `{name#path}` when a path is given.
    Value {
        /// The slot of `name`.
        slot: usize,
        /// The name as written.
        name: String,
        /// The attribute path after `#`.
        path: Option<Path>,
    },
}

/// A function call.
#[derive(Debug, Clone)]
pub struct Call {
    /// The function.
    pub function: Function,
    /// The evaluated arguments (for `getAttr`, only the value: its path is in
    /// [`Function::GetAttr`]).
    pub args: Vec<Expr>,
}

/// The standard library.
#[derive(Debug, Clone)]
pub enum Function {
    /// `isSet(value)`.
    IsSet,
    /// `not(boolean)`.
    Not,
    /// `booleanEquals(a, b)`.
    BooleanEquals,
    /// `stringEquals(a, b)`.
    StringEquals,
    /// `getAttr`: the path argument must be a literal, so it is parsed here.
    GetAttr(Path),
    /// `parseURL(url)`.
    ParseUrl,
    /// `substring(input, start, stop, reverse)`.
    Substring,
    /// `uriEncode(value)`.
    UriEncode,
    /// `isValidHostLabel(value, allowSubDomains)`.
    IsValidHostLabel,
    /// `aws.partition(region)`.
    Partition,
    /// `aws.parseArn(value)`.
    ParseArn,
    /// `aws.isVirtualHostableS3Bucket(value, allowSubDomains)`.
    IsVirtualHostableS3Bucket,
}

impl Function {
    /// The function called `name`, and its number of arguments.
    fn lookup(name: &str) -> Option<(Function, usize)> {
        Some(match name {
            "isSet" => (Function::IsSet, 1),
            "not" => (Function::Not, 1),
            "booleanEquals" => (Function::BooleanEquals, 2),
            "stringEquals" => (Function::StringEquals, 2),
            "parseURL" => (Function::ParseUrl, 1),
            "substring" => (Function::Substring, 4),
            "uriEncode" => (Function::UriEncode, 1),
            "isValidHostLabel" => (Function::IsValidHostLabel, 2),
            "aws.partition" => (Function::Partition, 1),
            "aws.parseArn" => (Function::ParseArn, 1),
            "aws.isVirtualHostableS3Bucket" => (Function::IsVirtualHostableS3Bucket, 2),
            _ => return None,
        })
    }

    /// The name rule sets use.
    pub fn name(&self) -> &'static str {
        match self {
            Function::IsSet => "isSet",
            Function::Not => "not",
            Function::BooleanEquals => "booleanEquals",
            Function::StringEquals => "stringEquals",
            Function::GetAttr(_) => "getAttr",
            Function::ParseUrl => "parseURL",
            Function::Substring => "substring",
            Function::UriEncode => "uriEncode",
            Function::IsValidHostLabel => "isValidHostLabel",
            Function::Partition => "aws.partition",
            Function::ParseArn => "aws.parseArn",
            Function::IsVirtualHostableS3Bucket => "aws.isVirtualHostableS3Bucket",
        }
    }
}

/// The parser's state: the names in scope, innermost last, each with its slot, and the
/// name of every slot handed out.
#[derive(Default)]
struct Parser {
    scope: Vec<(String, usize)>,
    names: Vec<String>,
}

type Parsed<T> = Result<T, EndpointError>;

fn object<'a>(json: &'a Json, at: &str, what: &str) -> Parsed<&'a Map<String, Json>> {
    json.as_object()
        .ok_or_else(|| EndpointError::invalid(at, format!("{what} must be a JSON object")))
}

fn array<'a>(json: &'a Json, at: &str, what: &str) -> Parsed<&'a Vec<Json>> {
    json.as_array()
        .ok_or_else(|| EndpointError::invalid(at, format!("{what} must be a JSON array")))
}

fn string<'a>(json: &'a Json, at: &str, what: &str) -> Parsed<&'a str> {
    json.as_str()
        .ok_or_else(|| EndpointError::invalid(at, format!("{what} must be a string")))
}

fn optional_string(fields: &Map<String, Json>, key: &str, at: &str) -> Parsed<Option<String>> {
    fields
        .get(key)
        .map(|v| string(v, &format!("{at}.{key}"), key).map(str::to_owned))
        .transpose()
}

impl Parser {
    fn rule_set(mut self, json: &Json) -> Parsed<RuleSet> {
        let top = object(json, "the top level", "a rule set")?;
        let version = match top.get("version") {
            Some(v) => string(v, "version", "`version`")?.to_owned(),
            None => return Err(EndpointError::invalid("the top level", "no `version`")),
        };
        let mut parameters = match top.get("parameters") {
            Some(p) => object(p, "parameters", "`parameters`")?
                .iter()
                .map(|(name, p)| parameter(name, p))
                .collect::<Parsed<Vec<_>>>()?,
            None => return Err(EndpointError::invalid("the top level", "no `parameters`")),
        };
        parameters.sort_by(|a, b| a.name.cmp(&b.name));
        for p in &parameters {
            let slot = self.new_slot(&p.name);
            self.scope.push((p.name.clone(), slot));
        }
        let rules = match top.get("rules") {
            Some(r) => self.rules(r, "rules")?,
            None => return Err(EndpointError::invalid("the top level", "no `rules`")),
        };
        Ok(RuleSet {
            version,
            parameters,
            rules,
            slots: self.names,
        })
    }

    fn rules(&mut self, json: &Json, at: &str) -> Parsed<Vec<Rule>> {
        array(json, at, "`rules`")?
            .iter()
            .enumerate()
            .map(|(i, rule)| self.rule(rule, &format!("{at}[{i}]")))
            .collect()
    }

    fn rule(&mut self, json: &Json, at: &str) -> Parsed<Rule> {
        let fields = object(json, at, "a rule")?;
        let kind = match fields.get("type") {
            Some(t) => string(t, &format!("{at}.type"), "`type`")?,
            // Infer the kind from the body when `type` is left out.
            None => ["endpoint", "error", "rules"]
                .into_iter()
                .find(|k| fields.contains_key(*k))
                .map(|k| if k == "rules" { "tree" } else { k })
                .ok_or_else(|| {
                    EndpointError::invalid(at, "a rule needs `endpoint`, `error` or `rules`")
                })?,
        };
        let body_key = match kind {
            "endpoint" => "endpoint",
            "error" => "error",
            "tree" => "rules",
            other => {
                return Err(EndpointError::invalid(
                    format!("{at}.type"),
                    format!("unknown rule type `{other}` (expected endpoint, error or tree)"),
                ))
            }
        };
        let Some(body_json) = fields.get(body_key) else {
            return Err(EndpointError::invalid(
                at,
                format!("a rule of type `{kind}` needs `{body_key}`"),
            ));
        };
        let scope_len = self.scope.len();
        let conditions = match fields.get("conditions") {
            Some(c) => {
                let at = format!("{at}.conditions");
                array(c, &at, "`conditions`")?
                    .iter()
                    .enumerate()
                    .map(|(i, c)| self.condition(c, &format!("{at}[{i}]")))
                    .collect::<Parsed<Vec<_>>>()?
            }
            None => Vec::new(),
        };
        let body_at = format!("{at}.{body_key}");
        let body = match kind {
            "endpoint" => Body::Endpoint(self.endpoint(body_json, &body_at)?),
            "error" => Body::Error(self.expr(body_json, &body_at)?),
            _ => Body::Tree(self.rules(body_json, &body_at)?),
        };
        // Names assigned by this rule's conditions are visible only inside the rule.
        self.scope.truncate(scope_len);
        Ok(Rule {
            at: at.to_owned(),
            conditions,
            body,
        })
    }

    fn condition(&mut self, json: &Json, at: &str) -> Parsed<Condition> {
        let fields = object(json, at, "a condition")?;
        if !fields.contains_key("fn") {
            return Err(EndpointError::invalid(
                at,
                "a condition must be a function call (`fn` and `argv`)",
            ));
        }
        let call = self.call(fields, at)?;
        let assign = match fields.get("assign") {
            Some(name) => {
                let at = format!("{at}.assign");
                let name = string(name, &at, "`assign`")?;
                if name.is_empty() {
                    return Err(EndpointError::invalid(at, "`assign` names nothing"));
                }
                if self.lookup(name).is_some() {
                    return Err(EndpointError::invalid(
                        at,
                        format!("`{name}` is already defined; `assign` may not shadow it"),
                    ));
                }
                let slot = self.new_slot(name);
                self.scope.push((name.to_owned(), slot));
                Some(slot)
            }
            None => None,
        };
        Ok(Condition { call, assign })
    }

    fn endpoint(&mut self, json: &Json, at: &str) -> Parsed<EndpointTemplate> {
        let fields = object(json, at, "an endpoint")?;
        let url = match fields.get("url") {
            Some(url) => self.expr(url, &format!("{at}.url"))?,
            None => return Err(EndpointError::invalid(at, "an endpoint needs `url`")),
        };
        let mut headers = Vec::new();
        if let Some(h) = fields.get("headers") {
            let at = format!("{at}.headers");
            for (name, values) in object(h, &at, "`headers`")? {
                let at = format!("{at}.{name}");
                let values = array(values, &at, "a header's values")?
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.expr(v, &format!("{at}[{i}]")))
                    .collect::<Parsed<Vec<_>>>()?;
                headers.push((name.clone(), values));
            }
        }
        let mut properties = Vec::new();
        if let Some(p) = fields.get("properties") {
            let at = format!("{at}.properties");
            for (name, value) in object(p, &at, "`properties`")? {
                properties.push((name.clone(), self.expr(value, &format!("{at}.{name}"))?));
            }
        }
        Ok(EndpointTemplate {
            url,
            headers,
            properties,
        })
    }

    /// Hands out the next value slot, for a parameter or an `assign` named `name`.
    fn new_slot(&mut self, name: &str) -> usize {
        self.names.push(name.to_owned());
        self.names.len().saturating_sub(1)
    }

    fn lookup(&self, name: &str) -> Option<usize> {
        self.scope
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, slot)| *slot)
    }

    fn reference(&self, name: &str, at: &str) -> Parsed<usize> {
        self.lookup(name).ok_or_else(|| {
            EndpointError::invalid(
                at,
                format!(
                    "`{name}` is neither a parameter nor assigned by an earlier condition in scope"
                ),
            )
        })
    }

    fn expr(&mut self, json: &Json, at: &str) -> Parsed<Expr> {
        Ok(match json {
            Json::String(text) => self.template(text, at)?,
            Json::Bool(b) => Expr::Literal(Value::Bool(*b)),
            Json::Number(n) => match n.as_i64() {
                Some(i) => Expr::Literal(Value::Int(i)),
                None => {
                    return Err(EndpointError::invalid(
                        at,
                        format!("the number {n} is not an integer"),
                    ))
                }
            },
            Json::Array(items) => Expr::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.expr(v, &format!("{at}[{i}]")))
                    .collect::<Parsed<_>>()?,
            ),
            Json::Object(fields) if fields.contains_key("ref") => {
                if fields.len() != 1 {
                    return Err(EndpointError::invalid(at, "a reference holds only `ref`"));
                }
                let name = string(
                    fields.get("ref").unwrap_or(&Json::Null),
                    &format!("{at}.ref"),
                    "`ref`",
                )?;
                Expr::Ref(self.reference(name, &format!("{at}.ref"))?)
            }
            Json::Object(fields) if fields.contains_key("fn") => {
                if let Some(extra) = fields.keys().find(|k| *k != "fn" && *k != "argv") {
                    return Err(EndpointError::invalid(
                        at,
                        format!("a nested function call holds only `fn` and `argv`, not `{extra}`"),
                    ));
                }
                Expr::Call(Box::new(self.call(fields, at)?))
            }
            Json::Object(fields) => Expr::Record(
                fields
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.expr(v, &format!("{at}.{k}"))?)))
                    .collect::<Parsed<_>>()?,
            ),
            Json::Null => return Err(EndpointError::invalid(at, "`null` is not a value")),
        })
    }

    fn call(&mut self, fields: &Map<String, Json>, at: &str) -> Parsed<Call> {
        let name = match fields.get("fn") {
            Some(name) => string(name, &format!("{at}.fn"), "`fn`")?,
            None => return Err(EndpointError::invalid(at, "no `fn`")),
        };
        let argv_at = format!("{at}.argv");
        let argv = match fields.get("argv") {
            Some(argv) => array(argv, &argv_at, "`argv`")?,
            None => {
                return Err(EndpointError::invalid(
                    at,
                    format!("`{name}` has no `argv`"),
                ))
            }
        };
        let (function, arity) = if name == "getAttr" {
            let path = match argv.get(1) {
                Some(Json::String(path)) => Path::parse(path)
                    .map_err(|reason| EndpointError::invalid(format!("{argv_at}[1]"), reason))?,
                _ => {
                    return Err(EndpointError::invalid(
                        &argv_at,
                        "`getAttr` takes a value and a literal path string",
                    ))
                }
            };
            (Function::GetAttr(path), 2)
        } else {
            Function::lookup(name).ok_or_else(|| {
                EndpointError::invalid(format!("{at}.fn"), format!("unknown function `{name}`"))
            })?
        };
        if argv.len() != arity {
            return Err(EndpointError::invalid(
                argv_at,
                format!(
                    "`{name}` takes {arity} argument{}, given {}",
                    if arity == 1 { "" } else { "s" },
                    argv.len()
                ),
            ));
        }
        // The path of `getAttr` was parsed above; only its first argument is evaluated.
        let evaluated = if matches!(function, Function::GetAttr(_)) {
            1
        } else {
            argv.len()
        };
        let args = argv
            .iter()
            .take(evaluated)
            .enumerate()
            .map(|(i, a)| self.expr(a, &format!("{argv_at}[{i}]")))
            .collect::<Parsed<_>>()?;
        Ok(Call { function, args })
    }

    /// Parses a string template: `{name}` and `{name#path}` insert values, `{{` and `}}`
    /// stand for braces. Text without placeholders is a plain literal.
    fn template(&self, text: &str, at: &str) -> Parsed<Expr> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some((before, tail)) =
            rest.find(['{', '}']).and_then(|i| rest.split_at_checked(i))
        {
            literal.push_str(before);
            if let Some(after) = tail.strip_prefix("{{") {
                literal.push('{');
                rest = after;
            } else if let Some(after) = tail.strip_prefix("}}") {
                literal.push('}');
                rest = after;
            } else {
                // `tail` starts with a brace and is not `}}`: a placeholder or a lone `}`.
                let Some(inner) = tail.strip_prefix('{') else {
                    return Err(EndpointError::invalid(
                        at,
                        format!("template `{text}` has a lone `}}`; write `}}}}` for a brace"),
                    ));
                };
                let Some((placeholder, after)) = inner.split_once('}') else {
                    return Err(EndpointError::invalid(
                        at,
                        format!("template `{text}` has an unclosed `{{`"),
                    ));
                };
                let (name, path) = match placeholder.split_once('#') {
                    Some((name, path)) => (
                        name,
                        Some(Path::parse(path).map_err(|reason| {
                            EndpointError::invalid(at, format!("template `{text}`: {reason}"))
                        })?),
                    ),
                    None => (placeholder, None),
                };
                if name.is_empty() || name.contains('{') {
                    return Err(EndpointError::invalid(
                        at,
                        format!("template `{text}` has an empty or malformed placeholder"),
                    ));
                }
                let slot = self.reference(name, at)?;
                if !literal.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut literal)));
                }
                parts.push(Part::Value {
                    slot,
                    name: name.to_owned(),
                    path,
                });
                rest = after;
            }
        }
        literal.push_str(rest);
        if parts.is_empty() {
            return Ok(Expr::Literal(Value::Str(literal)));
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Expr::Template(parts))
    }
}

/// Parses one parameter declaration.
fn parameter(name: &str, json: &Json) -> Parsed<Parameter> {
    let at = format!("parameters.{name}");
    let fields = object(json, &at, "a parameter")?;
    let type_text = match fields.get("type") {
        Some(t) => string(t, &format!("{at}.type"), "`type`")?,
        None => return Err(EndpointError::invalid(at, "a parameter needs `type`")),
    };
    let param_type = ParamType::parse(type_text).ok_or_else(|| {
        EndpointError::invalid(
            format!("{at}.type"),
            format!(
                "unknown parameter type `{type_text}` (expected string, boolean or stringArray)"
            ),
        )
    })?;
    let required = match fields.get("required") {
        Some(r) => r.as_bool().ok_or_else(|| {
            EndpointError::invalid(format!("{at}.required"), "`required` must be a boolean")
        })?,
        None => false,
    };
    let default = match fields.get("default") {
        Some(d) => Some(default_value(d, param_type, &format!("{at}.default"))?),
        None => None,
    };
    let deprecated = match fields.get("deprecated") {
        Some(d) => {
            let at = format!("{at}.deprecated");
            let d = object(d, &at, "`deprecated`")?;
            Some(Deprecated {
                message: optional_string(d, "message", &at)?,
                since: optional_string(d, "since", &at)?,
            })
        }
        None => None,
    };
    Ok(Parameter {
        name: name.to_owned(),
        param_type,
        required,
        default,
        built_in: optional_string(fields, "builtIn", &at)?,
        documentation: optional_string(fields, "documentation", &at)?,
        deprecated,
    })
}

/// A parameter's default, which must have the parameter's type.
fn default_value(json: &Json, param_type: ParamType, at: &str) -> Parsed<ParamValue> {
    let value = match (param_type, json) {
        (ParamType::String, Json::String(s)) => Some(ParamValue::String(s.clone())),
        (ParamType::Boolean, Json::Bool(b)) => Some(ParamValue::Bool(*b)),
        (ParamType::StringArray, Json::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(ParamValue::StringArray),
        _ => None,
    };
    value.ok_or_else(|| {
        EndpointError::invalid(
            at,
            format!(
                "the default does not have the parameter's type ({})",
                param_type.name()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        match RuleSet::from_json(text) {
            Ok(_) => "parsed".to_owned(),
            Err(e) => e.to_string(),
        }
    }

    fn with_rules(rules: &str) -> String {
        format!(
            r#"{{"version":"1.0","parameters":{{"Region":{{"type":"string"}},
                "Flag":{{"type":"Boolean","default":true,"required":true}}}},"rules":{rules}}}"#
        )
    }

    #[test]
    fn malformed_rule_sets_are_errors_that_say_where() {
        let cases = [
            ("[]", "at the top level: a rule set must be a JSON object"),
            ("{", "at the top level: not JSON"),
            (r#"{"version":"1.0","parameters":{}}"#, "no `rules`"),
            (
                r#"{"version":"1.0","parameters":{"A":{"type":"int"}},"rules":[]}"#,
                "at parameters.A.type: unknown parameter type `int`",
            ),
            (
                r#"{"version":"1.0","parameters":{"A":{"type":"boolean","default":"x"}},"rules":[]}"#,
                "at parameters.A.default: the default does not have the parameter's type (boolean)",
            ),
            (
                &with_rules(
                    r#"[{"conditions":[{"fn":"frobnicate","argv":[]}],"error":"x","type":"error"}]"#,
                ),
                "at rules[0].conditions[0].fn: unknown function `frobnicate`",
            ),
            (
                &with_rules(
                    r#"[{"conditions":[{"fn":"isSet","argv":[{"ref":"Nope"}]}],"error":"x","type":"error"}]"#,
                ),
                "at rules[0].conditions[0].argv[0].ref: `Nope` is neither a parameter",
            ),
            (
                &with_rules(
                    r#"[{"conditions":[{"fn":"isSet","argv":[]}],"error":"x","type":"error"}]"#,
                ),
                "at rules[0].conditions[0].argv: `isSet` takes 1 argument, given 0",
            ),
            (
                &with_rules(r#"[{"conditions":[],"error":"{Region","type":"error"}]"#),
                "at rules[0].error: template `{Region` has an unclosed `{`",
            ),
            (
                &with_rules(r#"[{"conditions":[],"error":"a}b","type":"error"}]"#),
                "has a lone `}`",
            ),
            (
                &with_rules(
                    r#"[{"conditions":[],"endpoint":{"url":"https://{Other}"},"type":"endpoint"}]"#,
                ),
                "at rules[0].endpoint.url: `Other` is neither a parameter",
            ),
            (
                &with_rules(r#"[{"conditions":[],"type":"endpoint"}]"#),
                "at rules[0]: a rule of type `endpoint` needs `endpoint`",
            ),
            (
                &with_rules(r#"[{"conditions":[],"type":"magic","error":"x"}]"#),
                "at rules[0].type: unknown rule type `magic`",
            ),
            (
                &with_rules(
                    r#"[{"conditions":[{"fn":"getAttr","argv":[{"ref":"Region"},"a["]}],"error":"x"}]"#,
                ),
                "at rules[0].conditions[0].argv[1]: invalid attribute path `a[`",
            ),
            (
                &with_rules(
                    r#"[{"conditions":[{"fn":"isSet","argv":[{"ref":"Region"}],"assign":"Flag"}],"error":"x"}]"#,
                ),
                "at rules[0].conditions[0].assign: `Flag` is already defined",
            ),
        ];
        for (text, expected) in cases {
            let got = error_of(text);
            assert!(
                got.contains(expected),
                "{text}\n got: {got}\n want: {expected}"
            );
        }
    }

    #[test]
    fn assigned_names_are_scoped_to_their_rule() {
        // `p` is assigned in the first rule; the second rule cannot see it.
        let text = with_rules(
            r#"[{"conditions":[{"fn":"aws.partition","argv":["us-east-1"],"assign":"p"}],"error":"{p#name}"},
                {"conditions":[],"error":"{p#name}"}]"#,
        );
        assert!(error_of(&text).contains("at rules[1].error: `p` is neither"));
        // The same name may be assigned again by a sibling.
        let text = with_rules(
            r#"[{"conditions":[{"fn":"aws.partition","argv":["us-east-1"],"assign":"p"}],"error":"{p#name}"},
                {"conditions":[{"fn":"aws.partition","argv":["cn-north-1"],"assign":"p"}],"error":"{p#name}"}]"#,
        );
        assert_eq!(error_of(&text), "parsed");
    }

    #[test]
    fn templates_split_into_text_and_values() {
        let parser = Parser {
            scope: vec![("Region".into(), 0), ("url".into(), 1)],
            names: vec!["Region".into(), "url".into()],
        };
        let Expr::Template(parts) = parser
            .template("{{x}}{url#scheme}://a.{Region}", "t")
            .unwrap()
        else {
            panic!("a template");
        };
        assert_eq!(parts.len(), 4);
        assert!(matches!(&parts[0], Part::Text(t) if t == "{x}"));
        assert!(
            matches!(&parts[1], Part::Value { slot: 1, path: Some(p), .. } if p.text == "scheme")
        );
        assert!(matches!(&parts[2], Part::Text(t) if t == "://a."));
        assert!(matches!(
            &parts[3],
            Part::Value {
                slot: 0,
                path: None,
                ..
            }
        ));
        assert!(matches!(
            parser.template("plain {{text}}", "t").unwrap(),
            Expr::Literal(Value::Str(s)) if s == "plain {text}"
        ));
    }

    #[test]
    fn parameters_keep_their_declarations() {
        let text = r#"{"version":"1.3","parameters":{
            "Region":{"type":"String","builtIn":"AWS::Region","documentation":"The region.",
                      "deprecated":{"message":"use another","since":"2024"}},
            "List":{"type":"stringArray","required":true,"default":["a","b"]}},"rules":[]}"#;
        let rules = RuleSet::from_json(text).unwrap();
        assert_eq!(rules.version(), "1.3");
        let [list, region] = rules.parameters() else {
            panic!("two parameters, sorted by name");
        };
        assert_eq!(region.built_in.as_deref(), Some("AWS::Region"));
        assert_eq!(region.documentation.as_deref(), Some("The region."));
        assert_eq!(
            region.deprecated,
            Some(Deprecated {
                message: Some("use another".into()),
                since: Some("2024".into())
            })
        );
        assert_eq!(
            list.default,
            Some(ParamValue::StringArray(vec!["a".into(), "b".into()]))
        );
        assert!(list.required);
    }
}
