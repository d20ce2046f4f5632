//! The values rules compute with: strings, booleans, integers, arrays and records (the
//! results of `parseURL`, `aws.parseArn` and `aws.partition`), and the attribute paths
//! `getAttr` walks through them (feature `parser`, for the parser and the interpreter).

use super::ParamValue;
use aws_primitives::named::Named;

/// A value during evaluation. An unset value is `None` around it, never a variant, so that
/// functions cannot mistake "not set" for an empty string.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// An integer (only literals: `substring`'s bounds).
    Int(i64),
    /// An array.
    Array(Vec<Value>),
    /// A record, such as the outputs of `aws.partition`.
    Record(Named<Value>),
}

impl Value {
    /// The type's name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Array(_) => "an array",
            Value::Record(_) => "a record",
        }
    }

    /// The JSON form, for endpoint properties.
    #[cfg(feature = "interpreter")]
    pub(crate) fn into_json(self) -> serde_json::Value {
        match self {
            Value::Str(s) => serde_json::Value::String(s),
            Value::Bool(b) => serde_json::Value::Bool(b),
            Value::Int(i) => serde_json::Value::from(i),
            Value::Array(items) => {
                serde_json::Value::Array(items.into_iter().map(Value::into_json).collect())
            }
            Value::Record(fields) => serde_json::Value::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| (k, v.into_json()))
                    .collect(),
            ),
        }
    }

    /// The value of a JSON literal (partition outputs), or `None` for JSON the rules
    /// language has no value for (`null`, fractions).
    #[cfg(feature = "interpreter")]
    pub(crate) fn from_json(json: &serde_json::Value) -> Option<Value> {
        Some(match json {
            serde_json::Value::String(s) => Value::Str(s.clone()),
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Int(n.as_i64()?),
            serde_json::Value::Array(items) => {
                Value::Array(items.iter().map(Value::from_json).collect::<Option<_>>()?)
            }
            serde_json::Value::Object(fields) => Value::Record(
                fields
                    .iter()
                    .map(|(k, v)| Some((k.clone(), Value::from_json(v)?)))
                    .collect::<Option<_>>()?,
            ),
            serde_json::Value::Null => return None,
        })
    }
}

impl From<&ParamValue> for Value {
    fn from(value: &ParamValue) -> Self {
        match value {
            ParamValue::String(s) => Value::Str(s.clone()),
            ParamValue::Bool(b) => Value::Bool(*b),
            ParamValue::StringArray(items) => {
                Value::Array(items.iter().map(|s| Value::Str(s.clone())).collect())
            }
        }
    }
}

/// One step of an attribute path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A record field.
    Field(String),
    /// An array element.
    Index(usize),
}

/// An attribute path such as `resourceId[2]`, `a.b` or `[0]`, parsed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub(crate) text: String,
    steps: Vec<Step>,
}

impl Path {
    /// Parses `text`: fields separated by `.`, each optionally followed by `[index]`s.
    pub fn parse(text: &str) -> Result<Path, String> {
        let bad = |why: &str| format!("invalid attribute path `{text}`: {why}");
        let mut steps = Vec::new();
        for segment in text.split('.') {
            let (field, mut rest) = segment
                .find('[')
                .and_then(|at| segment.split_at_checked(at))
                .unwrap_or((segment, ""));
            if !field.is_empty() {
                steps.push(Step::Field(field.to_owned()));
            } else if rest.is_empty() {
                return Err(bad("empty field name"));
            }
            while !rest.is_empty() {
                let Some(inner) = rest.strip_prefix('[') else {
                    return Err(bad("text after `]`"));
                };
                let Some((index, after)) = inner.split_once(']') else {
                    return Err(bad("unclosed `[`"));
                };
                let index = index
                    .parse::<usize>()
                    .map_err(|_| bad("an index must be a non-negative integer"))?;
                steps.push(Step::Index(index));
                rest = after;
            }
        }
        Ok(Path {
            text: text.to_owned(),
            steps,
        })
    }

    /// The path as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The steps, in order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The value at this path in `value`: `None` when a field is missing or an index is
    /// out of range; an error when a step meets a value of the wrong kind.
    #[cfg(feature = "interpreter")]
    pub(crate) fn get(&self, value: &Value) -> Result<Option<Value>, String> {
        let mut current = value;
        for step in &self.steps {
            let next = match (step, current) {
                (Step::Field(name), Value::Record(fields)) => fields.get(name),
                (Step::Index(i), Value::Array(items)) => items.get(*i),
                (Step::Field(name), other) => {
                    return Err(format!(
                        "getAttr `{}`: field `{name}` of {}",
                        self.text,
                        other.type_name()
                    ))
                }
                (Step::Index(i), other) => {
                    return Err(format!(
                        "getAttr `{}`: index [{i}] of {}",
                        self.text,
                        other.type_name()
                    ))
                }
            };
            match next {
                Some(v) => current = v,
                None => return Ok(None),
            }
        }
        Ok(Some(current.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "interpreter")]
    fn record(fields: &[(&str, Value)]) -> Value {
        Value::Record(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    #[test]
    #[cfg(feature = "interpreter")]
    fn paths_walk_fields_and_indexes() {
        let arn = record(&[
            ("region", Value::Str("us-east-2".into())),
            (
                "resourceId",
                Value::Array(vec![Value::Str("outpost".into()), Value::Str("op".into())]),
            ),
            ("nested", record(&[("inner", Value::Bool(true))])),
        ]);
        let get = |p: &str| Path::parse(p).unwrap().get(&arn).unwrap();
        assert_eq!(get("region"), Some(Value::Str("us-east-2".into())));
        assert_eq!(get("resourceId[1]"), Some(Value::Str("op".into())));
        assert_eq!(get("resourceId[2]"), None);
        assert_eq!(get("nested.inner"), Some(Value::Bool(true)));
        assert_eq!(get("missing"), None);
        let list = Value::Array(vec![Value::Str("a".into())]);
        assert_eq!(
            Path::parse("[0]").unwrap().get(&list).unwrap(),
            Some(Value::Str("a".into()))
        );
        assert!(Path::parse("region[0]")
            .unwrap()
            .get(&arn)
            .unwrap_err()
            .contains("index [0] of a string"));
    }

    #[test]
    fn malformed_paths_are_rejected() {
        for bad in ["", "a..b", "a[", "a[x]", "a[-1]", "a[0]b", "a.", "[0"] {
            assert!(Path::parse(bad).is_err(), "{bad}");
        }
    }
}
