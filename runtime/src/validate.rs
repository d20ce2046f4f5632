//! Constraint checks (length, range, pattern, enum membership) shared by the server router
//! and the client's opt-in input validation.
//!
//! Generated code implements [`Validate`] for each structure and calls the helper functions
//! here for each constrained member. Paths are built on the stack and turned into text only
//! when a check fails, so validating a valid input allocates nothing.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use regex::Regex;

/// Where in the input a value sits: `identityPoolId`, `logins.graph.facebook.com`,
/// `identityIdsToDelete[2]`.
#[derive(Clone, Copy)]
pub enum Path<'a> {
    /// The input itself.
    Root,
    /// A member of a structure (by wire name).
    Member(&'a Path<'a>, &'a str),
    /// An element of a list.
    Index(&'a Path<'a>, usize),
    /// A value of a map.
    Key(&'a Path<'a>, &'a str),
}

impl<'a> Path<'a> {
    /// The path of member `name` below this one.
    pub fn member(&'a self, name: &'a str) -> Path<'a> {
        Path::Member(self, name)
    }

    /// The path of element `i` below this one.
    pub fn index(&'a self, i: usize) -> Path<'a> {
        Path::Index(self, i)
    }

    /// The path of the value at `key` below this one.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Member(parent, name) => {
                if !matches!(parent, Path::Root) {
                    write!(f, "{parent}.")?;
                }
                // AWS names members in validation messages in lower camel case.
                let mut chars = name.chars();
                if let Some(first) = chars.next() {
                    write!(f, "{}{}", first.to_lowercase(), chars.as_str())?;
                }
                Ok(())
            }
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
        }
    }
}

/// One failed constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintViolation {
    /// Where the value sits, e.g. `identityPoolId`.
    pub path: String,
    /// What is wrong, in AWS's words, e.g.
    /// `Value 'bad' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+:[0-9a-f-]+`.
    pub message: String,
}

impl fmt::Display for ConstraintViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The violations of one input, in AWS's summary form.
pub fn summarize(violations: &[ConstraintViolation]) -> String {
    let n = violations.len();
    let noun = if n == 1 { "error" } else { "errors" };
    let list: Vec<&str> = violations.iter().map(|v| v.message.as_str()).collect();
    format!("{n} validation {noun} detected: {}", list.join("; "))
}

/// Checks a value against its model constraints.
pub trait Validate {
    /// Appends every violation in `self` (at `path`) to `out`.
    fn validate(&self, path: &Path<'_>, out: &mut Vec<ConstraintViolation>);

    /// Every violation in `self`, as an input checked at the root.
    fn violations(&self) -> Vec<ConstraintViolation> {
        let mut out = Vec::new();
        self.validate(&Path::Root, &mut out);
        out
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, path: &Path<'_>, out: &mut Vec<ConstraintViolation>) {
        if let Some(v) = self {
            v.validate(path, out);
        }
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, path: &Path<'_>, out: &mut Vec<ConstraintViolation>) {
        (**self).validate(path, out);
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, path: &Path<'_>, out: &mut Vec<ConstraintViolation>) {
        for (i, v) in self.iter().enumerate() {
            v.validate(&path.index(i), out);
        }
    }
}

impl<K: AsRef<str>, V: Validate, S> Validate for HashMap<K, V, S> {
    fn validate(&self, path: &Path<'_>, out: &mut Vec<ConstraintViolation>) {
        for (k, v) in self {
            v.validate(&path.key(k.as_ref()), out);
        }
    }
}

fn violation(
    path: &Path<'_>,
    shown: Option<&dyn fmt::Display>,
    rule: fmt::Arguments<'_>,
) -> ConstraintViolation {
    let path = path.to_string();
    let message = match shown {
        Some(v) => {
            format!("Value '{v}' at '{path}' failed to satisfy constraint: Member must {rule}")
        }
        None => format!("Value at '{path}' failed to satisfy constraint: Member must {rule}"),
    };
    ConstraintViolation { path, message }
}

/// Checks a length (characters of a string, bytes of a blob, entries of a list or map)
/// against `min` and `max`. Sensitive values are never quoted in the message.
pub fn length(
    path: &Path<'_>,
    len: usize,
    min: Option<u64>,
    max: Option<u64>,
    out: &mut Vec<ConstraintViolation>,
) {
    let len = len as u64;
    if let Some(min) = min.filter(|&m| len < m) {
        out.push(violation(
            path,
            None,
            format_args!("have length greater than or equal to {min}"),
        ));
    }
    if let Some(max) = max.filter(|&m| len > m) {
        out.push(violation(
            path,
            None,
            format_args!("have length less than or equal to {max}"),
        ));
    }
}

/// Checks the length of a string in characters (Unicode scalar values).
pub fn str_length(
    path: &Path<'_>,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
    out: &mut Vec<ConstraintViolation>,
) {
    length(path, value.chars().count(), min, max, out);
}

/// Checks a number against `min` and `max` (inclusive).
pub fn range(
    path: &Path<'_>,
    value: f64,
    min: Option<f64>,
    max: Option<f64>,
    out: &mut Vec<ConstraintViolation>,
) {
    if let Some(min) = min.filter(|&m| value < m) {
        out.push(violation(
            path,
            Some(&value),
            format_args!("have value greater than or equal to {min}"),
        ));
    }
    if let Some(max) = max.filter(|&m| value > m) {
        out.push(violation(
            path,
            Some(&value),
            format_args!("have value less than or equal to {max}"),
        ));
    }
}

/// A compiled pattern, built on first use. A pattern the regex engine cannot compile (for
/// example one using look-around) is not enforced.
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<Regex>>,
}

impl Pattern {
    /// A pattern from the model's text.
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The model's text of the pattern.
    pub fn source(&self) -> &'static str {
        self.source
    }

    fn regex(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| Regex::new(self.source).ok())
            .as_ref()
    }
}

/// Checks that `value` matches `pattern` somewhere (model patterns are not anchored).
pub fn pattern(
    path: &Path<'_>,
    value: &str,
    pattern: &Pattern,
    sensitive: bool,
    out: &mut Vec<ConstraintViolation>,
) {
    if let Some(re) = pattern.regex() {
        if !re.is_match(value) {
            let shown: Option<&dyn fmt::Display> = if sensitive { None } else { Some(&value) };
            out.push(violation(
                path,
                shown,
                format_args!("satisfy regular expression pattern: {}", pattern.source),
            ));
        }
    }
}

/// Reports a union member the model does not list (it cannot be checked or handled).
pub fn unknown_union_member(path: &Path<'_>, member: &str, out: &mut Vec<ConstraintViolation>) {
    out.push(violation(
        path,
        Some(&member),
        format_args!("be a member of the union this service knows"),
    ));
}

/// Reports a string enum value the model does not list.
pub fn known_enum(
    path: &Path<'_>,
    value: &str,
    allowed: &[&str],
    out: &mut Vec<ConstraintViolation>,
) {
    out.push(violation(
        path,
        Some(&value),
        format_args!("satisfy enum value set: [{}]", allowed.join(", ")),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_and_pattern_violations_read_like_aws() {
        static ID: Pattern = Pattern::new(r"[\w-]+:[0-9a-f-]+");
        let mut out = Vec::new();
        let root = Path::Root;
        let p = root.member("IdentityPoolId");
        str_length(&p, "bad", Some(1), Some(2), &mut out);
        pattern(&p, "bad", &ID, false, &mut out);
        pattern(&p, "us-east-1:abc", &ID, false, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].message, "Value at 'identityPoolId' failed to satisfy constraint: Member must have length less than or equal to 2");
        assert_eq!(
            out[1].message,
            r"Value 'bad' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+:[0-9a-f-]+"
        );
        assert!(summarize(&out).starts_with("2 validation errors detected: Value at"));
    }

    #[test]
    fn nested_paths_render_indexes_and_keys() {
        let root = Path::Root;
        let a = root.member("Logins");
        let b = a.key("graph.facebook.com");
        assert_eq!(b.to_string(), "logins.graph.facebook.com");
        let c = root.member("IdentityIds");
        assert_eq!(c.index(3).to_string(), "identityIds[3]");
    }

    #[test]
    fn range_counts_only_outside_values() {
        let mut out = Vec::new();
        let root = Path::Root;
        range(
            &root.member("MaxResults"),
            61.0,
            Some(1.0),
            Some(60.0),
            &mut out,
        );
        range(
            &root.member("MaxResults"),
            60.0,
            Some(1.0),
            Some(60.0),
            &mut out,
        );
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("less than or equal to 60"));
    }

    #[test]
    fn sensitive_values_are_not_quoted() {
        static P: Pattern = Pattern::new("^x$");
        let mut out = Vec::new();
        pattern(&Path::Root.member("Token"), "secret", &P, true, &mut out);
        assert!(!out[0].message.contains("secret"));
    }
}
