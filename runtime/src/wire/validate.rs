//! Constraint checks (length, range, pattern, enum membership) shared by the server router
//! and the client's opt-in input validation.
//!
//! Generated code implements [`Validate`] for each structure and calls the helper functions
//! here for each constrained member. Paths are built on the stack and turned into text only
//! when a check fails, so validating a valid input allocates nothing.
//!
//! Whatever the input, the report stays small: at most [`MAX_VIOLATIONS`] violations are
//! collected, quoted values and paths are cut short, and the elements of a list that already
//! broke its length limit are not checked one by one.
//!
//! Required members are checked separately, on the JSON text, by [`missing_required`]: the
//! generated types hold required members as plain values, so an input that lacks one never
//! becomes a value of its type. A generated router describes each input's [`Shape`] for it.

use std::collections::HashMap;
use std::fmt;
#[cfg(any(feature = "lite-patterns", feature = "unicode-patterns"))]
use std::sync::OnceLock;

use serde_json::Value;

use aws_primitives::automaton::Automaton;

/// The most violations one input reports; checks stop collecting once this many are found.
pub const MAX_VIOLATIONS: usize = 20;

/// The most characters of an input value (or map key) quoted in a message.
const MAX_QUOTED_CHARS: usize = 128;

/// The most characters of a path written in a message.
const MAX_PATH_CHARS: usize = 512;

/// Where in the input a value sits, written the way AWS writes it in validation messages:
/// members in lower camel case, list elements as `.N.member` counting from 1, map values as
/// `.KEY.member` (`identityPoolId`, `identityIdsToDelete.3.member`,
/// `roleMappings.graph.facebook.com.member.type`).
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
            Path::Index(parent, i) => write!(f, "{parent}.{}.member", i.saturating_add(1)),
            Path::Key(parent, key) => write!(f, "{parent}.{}.member", Shortened(key)),
        }
    }
}

/// Text cut to [`MAX_QUOTED_CHARS`] characters, with `...` when it was longer.
struct Shortened<'a>(&'a str);

impl fmt::Display for Shortened<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head = self
            .0
            .char_indices()
            .nth(MAX_QUOTED_CHARS)
            .and_then(|(end, _)| self.0.get(..end));
        match head {
            Some(head) => write!(f, "{head}..."),
            None => f.write_str(self.0),
        }
    }
}

/// A path as text, cut to [`MAX_PATH_CHARS`] characters (deeply nested input can make
/// paths long).
fn path_text(path: &Path<'_>) -> String {
    let mut text = path.to_string();
    if let Some((end, _)) = text.char_indices().nth(MAX_PATH_CHARS) {
        text.truncate(end);
        text.push_str("...");
    }
    text
}

/// True when `out` holds [`MAX_VIOLATIONS`] violations, so checking further is wasted work.
pub fn is_full(out: &[ConstraintViolation]) -> bool {
    out.len() >= MAX_VIOLATIONS
}

/// A map's entries in key order, so the violations found in it read the same every run.
pub fn entries_in_key_order<K: AsRef<str>, V, S>(map: &HashMap<K, V, S>) -> Vec<(&K, &V)> {
    let entries: Vec<(&K, &V)> = map.iter().collect();
    let mut order: Vec<(&str, usize)> = entries
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.as_ref(), i))
        .collect();
    // The sort works on `(&str, usize)` whatever the map's types, so it is compiled once.
    sort_keys(&mut order);
    order
        .into_iter()
        .filter_map(|(_, i)| entries.get(i).copied())
        .collect()
}

fn sort_keys(order: &mut [(&str, usize)]) {
    order.sort_unstable();
}

/// Adds the violation `make` builds, unless `out` is already full.
fn push(out: &mut Vec<ConstraintViolation>, make: impl FnOnce() -> ConstraintViolation) {
    if !is_full(out) {
        out.push(make());
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
            if is_full(out) {
                break;
            }
            v.validate(&path.index(i), out);
        }
    }
}

impl<K: AsRef<str>, V: Validate, S> Validate for HashMap<K, V, S> {
    fn validate(&self, path: &Path<'_>, out: &mut Vec<ConstraintViolation>) {
        for (k, v) in self {
            if is_full(out) {
                break;
            }
            v.validate(&path.key(k.as_ref()), out);
        }
    }
}

fn violation(
    path: &Path<'_>,
    shown: Option<&dyn fmt::Display>,
    rule: fmt::Arguments<'_>,
) -> ConstraintViolation {
    let path = path_text(path);
    let message = match shown {
        Some(v) => {
            let v = v.to_string();
            let v = Shortened(&v);
            format!("Value '{v}' at '{path}' failed to satisfy constraint: Member must {rule}")
        }
        None => format!("Value at '{path}' failed to satisfy constraint: Member must {rule}"),
    };
    ConstraintViolation { path, message }
}

/// Checks a length (characters of a string, bytes of a blob, entries of a list or map)
/// against `min` and `max`, and says whether it is within them. Values are never quoted in
/// the message. A list or map that breaks its limit is reported once, and its elements are
/// not checked one by one.
pub fn length(
    path: &Path<'_>,
    len: usize,
    min: Option<u64>,
    max: Option<u64>,
    out: &mut Vec<ConstraintViolation>,
) -> bool {
    let len = len as u64;
    let mut within = true;
    if let Some(min) = min.filter(|&m| len < m) {
        within = false;
        push(out, || {
            violation(
                path,
                None,
                format_args!("have length greater than or equal to {min}"),
            )
        });
    }
    if let Some(max) = max.filter(|&m| len > m) {
        within = false;
        push(out, || {
            violation(
                path,
                None,
                format_args!("have length less than or equal to {max}"),
            )
        });
    }
    within
}

/// Checks the length of a string in characters (Unicode scalar values).
pub fn str_length(
    path: &Path<'_>,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
    out: &mut Vec<ConstraintViolation>,
) {
    // Counting characters is linear; a string far longer than any limit needs no full count.
    let cap = max.map_or(usize::MAX, |m| {
        usize::try_from(m).unwrap_or(usize::MAX).saturating_add(1)
    });
    length(path, value.chars().take(cap).count(), min, max, out);
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
        push(out, || {
            violation(
                path,
                Some(&value),
                format_args!("have value greater than or equal to {min}"),
            )
        });
    }
    if let Some(max) = max.filter(|&m| value > m) {
        push(out, || {
            violation(
                path,
                Some(&value),
                format_args!("have value less than or equal to {max}"),
            )
        });
    }
}

/// A model pattern, as generated code checks it.
///
/// It keeps the model's text, which violation messages quote, and the text a Rust engine
/// reads: the same, or the model's Java/ECMA 262 syntax translated when the model is read
/// (`\uD800\uDC00` pairs, Java's POSIX classes, ASCII `\w`, `\d`, `\s`, and so on). Most
/// patterns are checked with an [`Automaton`] the code generator built from that text, which
/// needs no regex engine. A pattern too large for one is compiled on first use: with
/// `regex-lite` (the `lite-patterns` feature), or with the full `regex` engine when its
/// Unicode classes are too large to write out as ranges (the `unicode-patterns` feature). A
/// generated crate turns on the feature its model needs.
///
/// A pattern whose text does not compile is not enforced. Generated code never holds one:
/// the code generator compiles every pattern with the same engine when it reads the model,
/// and leaves out (and documents) those no engine can check.
pub struct Pattern {
    source: &'static str,
    regex: &'static str,
    engine: Engine,
    #[cfg(any(feature = "lite-patterns", feature = "unicode-patterns"))]
    compiled: OnceLock<Option<Compiled>>,
}

/// What checks a [`Pattern`].
#[derive(Debug, Clone, Copy)]
enum Engine {
    Automaton(&'static Automaton),
    #[cfg(feature = "lite-patterns")]
    Lite,
    #[cfg(feature = "unicode-patterns")]
    Unicode,
}

#[cfg(any(feature = "lite-patterns", feature = "unicode-patterns"))]
enum Compiled {
    #[cfg(feature = "lite-patterns")]
    Lite(regex_lite::Regex),
    #[cfg(feature = "unicode-patterns")]
    Unicode(regex::Regex),
}

#[cfg(any(feature = "lite-patterns", feature = "unicode-patterns"))]
impl Compiled {
    fn is_match(&self, value: &str) -> bool {
        match self {
            #[cfg(feature = "lite-patterns")]
            Compiled::Lite(re) => re.is_match(value),
            #[cfg(feature = "unicode-patterns")]
            Compiled::Unicode(re) => re.is_match(value),
        }
    }
}

impl Pattern {
    /// A pattern checked with the automaton the code generator built from `regex` (the
    /// model's text `source` in Rust syntax).
    pub const fn automaton(
        source: &'static str,
        regex: &'static str,
        automaton: &'static Automaton,
    ) -> Self {
        Pattern {
            source,
            regex,
            engine: Engine::Automaton(automaton),
            #[cfg(any(feature = "lite-patterns", feature = "unicode-patterns"))]
            compiled: OnceLock::new(),
        }
    }

    /// A pattern whose model text `regex-lite` compiles as it is.
    #[cfg(feature = "lite-patterns")]
    pub const fn new(source: &'static str) -> Self {
        Self::translated(source, source)
    }

    /// A pattern with its model text (`source`, for messages) and the Rust syntax of it that
    /// `regex-lite` compiles (`regex`).
    #[cfg(feature = "lite-patterns")]
    pub const fn translated(source: &'static str, regex: &'static str) -> Self {
        Pattern {
            source,
            regex,
            engine: Engine::Lite,
            compiled: OnceLock::new(),
        }
    }

    /// A pattern with Unicode classes, compiled with the full `regex` engine from `regex`
    /// (its `\w`, `\d`, `\s` and `\b` already written as ASCII classes, as Java reads them).
    #[cfg(feature = "unicode-patterns")]
    pub const fn unicode(source: &'static str, regex: &'static str) -> Self {
        Pattern {
            source,
            regex,
            engine: Engine::Unicode,
            compiled: OnceLock::new(),
        }
    }

    /// The model's text of the pattern.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// The text the automaton was built from, or the engine compiles.
    pub fn regex(&self) -> &'static str {
        self.regex
    }

    /// True when the pattern is checked: it has an automaton, or its text compiled.
    pub fn is_enforced(&self) -> bool {
        match self.engine {
            Engine::Automaton(_) => true,
            #[cfg(any(feature = "lite-patterns", feature = "unicode-patterns"))]
            _ => self.compiled().is_some(),
        }
    }

    /// Whether `value` matches; `None` when the pattern is not enforced.
    fn matches(&self, value: &str) -> Option<bool> {
        match self.engine {
            Engine::Automaton(automaton) => Some(automaton.is_match(value)),
            #[cfg(any(feature = "lite-patterns", feature = "unicode-patterns"))]
            _ => self.compiled().map(|re| re.is_match(value)),
        }
    }

    #[cfg(any(feature = "lite-patterns", feature = "unicode-patterns"))]
    fn compiled(&self) -> Option<&Compiled> {
        self.compiled
            .get_or_init(|| match self.engine {
                Engine::Automaton(_) => None,
                #[cfg(feature = "lite-patterns")]
                Engine::Lite => regex_lite::Regex::new(self.regex).ok().map(Compiled::Lite),
                #[cfg(feature = "unicode-patterns")]
                Engine::Unicode => regex::Regex::new(self.regex).ok().map(Compiled::Unicode),
            })
            .as_ref()
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pattern")
            .field("source", &self.source)
            .field("regex", &self.regex)
            .field("engine", &self.engine)
            .finish()
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
    if is_full(out) {
        return;
    }
    if pattern.matches(value) == Some(false) {
        let shown: Option<&dyn fmt::Display> = if sensitive { None } else { Some(&value) };
        push(out, || {
            violation(
                path,
                shown,
                format_args!("satisfy regular expression pattern: {}", pattern.source),
            )
        });
    }
}

/// Reports a union member the model does not list (it cannot be checked or handled).
pub fn unknown_union_member(path: &Path<'_>, member: &str, out: &mut Vec<ConstraintViolation>) {
    push(out, || {
        violation(
            path,
            Some(&member),
            format_args!("be a member of the union this service knows"),
        )
    });
}

/// Reports a string enum value the model does not list.
pub fn known_enum(
    path: &Path<'_>,
    value: &str,
    allowed: &[&str],
    out: &mut Vec<ConstraintViolation>,
) {
    push(out, || {
        violation(
            path,
            Some(&value),
            format_args!("satisfy enum value set: [{}]", allowed.join(", ")),
        )
    });
}

/// What the required-member check knows of a model shape: where the required members sit,
/// and which JSON type each value has. Generated routers declare one `static` per structure,
/// union, list and map an input can reach; recursive shapes refer to each other's statics.
#[derive(Debug)]
pub enum Shape {
    /// A structure and its members.
    Structure(&'static [Member]),
    /// A union and its members (none of them required).
    Union(&'static [Member]),
    /// A list of the shape.
    List(&'static Shape),
    /// A map with string keys and values of the shape.
    Map(&'static Shape),
    /// A string or string enum.
    String,
    /// A blob (base64 text).
    Blob,
    /// `true` or `false`.
    Boolean,
    /// An integer or int enum.
    Integer,
    /// A float, which may also be written as the text `NaN`, `Infinity` or `-Infinity`.
    Float,
    /// A timestamp, written as a number or as text depending on its format.
    Timestamp,
    /// Untyped JSON: any value.
    Document,
}

/// A member of a structure or union, as the required-member check sees it.
#[derive(Debug)]
pub struct Member {
    /// The member's name on the wire.
    pub name: &'static str,
    /// True when the model requires the member.
    pub required: bool,
    /// The member's shape.
    pub target: &'static Shape,
}

/// A JSON value whose type does not match its shape; the input cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongType {
    /// Where the value sits.
    pub path: String,
    /// What the shape expects, e.g. `a string`.
    pub expected: &'static str,
    /// What the input holds, e.g. `a number`.
    pub found: &'static str,
}

impl fmt::Display for WrongType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(
                f,
                "expected {} as the request body, found {}",
                self.expected, self.found
            )
        } else {
            write!(
                f,
                "expected {} at '{}', found {}",
                self.expected, self.path, self.found
            )
        }
    }
}

impl std::error::Error for WrongType {}

/// Every required member that `input` lacks (absent or `null`), at any depth, as
/// `Value null at 'PATH' failed to satisfy constraint: Member must not be null` violations
/// (at most [`MAX_VIOLATIONS`]). A value of the wrong JSON type is an error instead, since an
/// input that cannot be read is not validated.
pub fn missing_required(
    input: &Value,
    shape: &Shape,
) -> Result<Vec<ConstraintViolation>, WrongType> {
    let mut out = Vec::new();
    walk(input, shape, &Path::Root, &mut out)?;
    Ok(out)
}

fn walk(
    value: &Value,
    shape: &Shape,
    path: &Path<'_>,
    out: &mut Vec<ConstraintViolation>,
) -> Result<(), WrongType> {
    let fits = match (shape, value) {
        (Shape::Document, _) => true,
        (Shape::Structure(members) | Shape::Union(members), Value::Object(map)) => {
            for member in *members {
                let path = path.member(member.name);
                match map.get(member.name) {
                    None | Some(Value::Null) => {
                        if member.required {
                            push(out, || {
                                let path = path_text(&path);
                                let message = format!(
                                    "Value null at '{path}' failed to satisfy constraint: Member must not be null"
                                );
                                ConstraintViolation { path, message }
                            });
                        }
                    }
                    Some(v) => walk(v, member.target, &path, out)?,
                }
            }
            true
        }
        (Shape::List(element), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                // A null element is the element type's concern (sparse lists allow it).
                if !item.is_null() {
                    walk(item, element, &path.index(i), out)?;
                }
            }
            true
        }
        (Shape::Map(element), Value::Object(entries)) => {
            for (key, item) in entries {
                if !item.is_null() {
                    walk(item, element, &path.key(key), out)?;
                }
            }
            true
        }
        (Shape::String | Shape::Blob, Value::String(_)) => true,
        (Shape::Boolean, Value::Bool(_)) => true,
        (Shape::Integer, Value::Number(_)) => true,
        (Shape::Float | Shape::Timestamp, Value::Number(_) | Value::String(_)) => true,
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(WrongType {
            path: path_text(path),
            expected: expected_json(shape),
            found: found_json(value),
        })
    }
}

fn expected_json(shape: &Shape) -> &'static str {
    match shape {
        Shape::Structure(_) | Shape::Union(_) | Shape::Map(_) => "an object",
        Shape::List(_) => "an array",
        Shape::String => "a string",
        Shape::Blob => "base64 text",
        Shape::Boolean => "a boolean",
        Shape::Integer => "an integer",
        Shape::Float => "a number",
        Shape::Timestamp => "a timestamp",
        Shape::Document => "a JSON value",
    }
}

fn found_json(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_primitives::automaton::DEAD;

    /// `^[\w-]+:[0-9a-f-]+$` as the code generator writes it (from Cognito's `IdentityId`).
    static ID: Pattern = Pattern::automaton(
        r"[\w-]+:[0-9a-f-]+",
        "^[[:word:]-]+:[0-9a-f-]+$",
        &Automaton::new(
            &[
                '\0', '-', '.', '0', ':', ';', 'A', '[', '_', '`', 'a', 'g', '{',
            ],
            &[0, 1, 0, 1, 2, 0, 3, 0, 3, 0, 1, 3, 0],
            4,
            &[
                DEAD, 1, DEAD, 1, DEAD, 1, 2, 1, DEAD, 3, DEAD, DEAD, DEAD, 3, DEAD, DEAD,
            ],
            &[false, false, false, true],
        ),
    );

    /// `^a+$`.
    static A_PLUS: Pattern = Pattern::automaton(
        "^a+$",
        "^a+$",
        &Automaton::new(
            &['\0', 'a', 'b'],
            &[0, 1, 0],
            2,
            &[DEAD, 1, DEAD, 1],
            &[false, true],
        ),
    );

    #[test]
    fn automaton_patterns_are_enforced_and_keep_both_texts() {
        assert!(ID.is_enforced());
        assert_eq!(ID.source(), r"[\w-]+:[0-9a-f-]+");
        assert_eq!(ID.regex(), "^[[:word:]-]+:[0-9a-f-]+$");
        let mut out = Vec::new();
        for good in ["us-east-1:0123-abcd", "a:-"] {
            pattern(&Path::Root.member("Id"), good, &ID, false, &mut out);
        }
        assert!(out.is_empty(), "{out:?}");
        for bad in ["", "us-east-1", "us-east-1:XYZ", "a b:0", "é:0"] {
            pattern(&Path::Root.member("Id"), bad, &ID, false, &mut out);
        }
        assert_eq!(out.len(), 5, "{out:?}");
    }

    #[test]
    fn length_and_pattern_violations_read_like_aws() {
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
        assert_eq!(b.to_string(), "logins.graph.facebook.com.member");
        let c = root.member("IdentityIds");
        assert_eq!(c.index(3).to_string(), "identityIds.4.member");
        let d = c.index(0);
        assert_eq!(d.member("Key").to_string(), "identityIds.1.member.key");
    }

    static TAG: Shape = Shape::Structure(&[
        Member {
            name: "Key",
            required: true,
            target: &Shape::String,
        },
        Member {
            name: "Value",
            required: false,
            target: &Shape::String,
        },
    ]);
    static TAGS: Shape = Shape::List(&TAG);
    static NODE: Shape = Shape::Structure(&[
        Member {
            name: "Name",
            required: true,
            target: &Shape::String,
        },
        Member {
            name: "Children",
            required: false,
            target: &NODES,
        },
    ]);
    static NODES: Shape = Shape::Map(&NODE);
    static INPUT: Shape = Shape::Structure(&[
        Member {
            name: "PoolId",
            required: true,
            target: &Shape::String,
        },
        Member {
            name: "Count",
            required: true,
            target: &Shape::Integer,
        },
        Member {
            name: "Tags",
            required: false,
            target: &TAGS,
        },
        Member {
            name: "Tree",
            required: false,
            target: &NODE,
        },
    ]);

    fn messages(v: &[ConstraintViolation]) -> Vec<&str> {
        v.iter().map(|v| v.message.as_str()).collect()
    }

    #[test]
    fn every_missing_required_member_is_found_at_any_depth() {
        let input = serde_json::json!({
            "Count": null,
            "Tags": [{"Key": "a"}, {"Value": "b"}, null],
            "Tree": {"Name": "root", "Children": {"x": {"Children": {"y": {}}}}}
        });
        let missing = missing_required(&input, &INPUT).unwrap();
        assert_eq!(
            messages(&missing),
            [
                "Value null at 'poolId' failed to satisfy constraint: Member must not be null",
                "Value null at 'count' failed to satisfy constraint: Member must not be null",
                "Value null at 'tags.2.member.key' failed to satisfy constraint: Member must not be null",
                "Value null at 'tree.children.x.member.name' failed to satisfy constraint: Member must not be null",
                "Value null at 'tree.children.x.member.children.y.member.name' failed to satisfy constraint: Member must not be null",
            ]
        );
        assert_eq!(missing[2].path, "tags.2.member.key");
        let complete = serde_json::json!({"PoolId": "p", "Count": 1, "Tags": [], "Extra": 5});
        assert_eq!(missing_required(&complete, &INPUT).unwrap(), []);
    }

    #[test]
    fn a_value_of_the_wrong_json_type_is_not_a_missing_member() {
        let input = serde_json::json!({"PoolId": 5});
        let e = missing_required(&input, &INPUT).unwrap_err();
        assert_eq!(
            e.to_string(),
            "expected a string at 'poolId', found a number"
        );
        let e = missing_required(&serde_json::json!([1]), &INPUT).unwrap_err();
        assert_eq!(
            e.to_string(),
            "expected an object as the request body, found an array"
        );
        let e = missing_required(
            &serde_json::json!({"PoolId": "p", "Count": 1, "Tags": [{"Key": []}]}),
            &INPUT,
        )
        .unwrap_err();
        assert_eq!(e.path, "tags.1.member.key");
    }

    #[test]
    fn missing_members_stop_at_the_cap() {
        let tags: Vec<Value> = (0..10_000).map(|_| serde_json::json!({})).collect();
        let input = serde_json::json!({"PoolId": "p", "Count": 1, "Tags": tags});
        let missing = missing_required(&input, &INPUT).unwrap();
        assert_eq!(missing.len(), MAX_VIOLATIONS);
    }

    #[test]
    fn reports_stay_small_whatever_the_input() {
        let mut out = Vec::new();
        let huge = "b".repeat(1 << 20);
        let root = Path::Root;
        let key_path = root.member("Map");
        let path = key_path.key(&huge);
        for _ in 0..1000 {
            pattern(&path, &huge, &A_PLUS, false, &mut out);
            str_length(&path, &huge, None, Some(10), &mut out);
        }
        assert_eq!(out.len(), MAX_VIOLATIONS);
        let summary = summarize(&out);
        assert!(summary.len() < 40 * 1024, "{} bytes", summary.len());
        assert!(out[0].message.contains("bbb..."), "{}", out[0].message);
    }

    #[test]
    fn length_says_whether_the_value_is_within_limits() {
        let mut out = Vec::new();
        assert!(length(
            &Path::Root.member("L"),
            3,
            Some(1),
            Some(3),
            &mut out
        ));
        assert!(!length(
            &Path::Root.member("L"),
            4,
            Some(1),
            Some(3),
            &mut out
        ));
        assert_eq!(out.len(), 1);
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
    #[cfg(feature = "lite-patterns")]
    fn translated_patterns_compile_the_rust_text_and_quote_the_model_text() {
        static ASTRAL: Pattern = Pattern::translated(
            r"^[\uD800\uDC00-\uDBFF\uDFFF]+$",
            r"^[\x{10000}-\x{10FFFF}]+$",
        );
        let mut out = Vec::new();
        pattern(
            &Path::Root.member("Emoji"),
            "\u{1F600}",
            &ASTRAL,
            false,
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
        pattern(&Path::Root.member("Emoji"), "a", &ASTRAL, false, &mut out);
        assert_eq!(out.len(), 1);
        assert!(
            out[0]
                .message
                .ends_with(r"pattern: ^[\uD800\uDC00-\uDBFF\uDFFF]+$"),
            "{}",
            out[0].message
        );
    }

    #[test]
    #[cfg(feature = "lite-patterns")]
    fn a_pattern_that_does_not_compile_is_not_enforced() {
        // Look-ahead, and a Unicode class for `regex-lite`: the code generator never emits
        // either, so this only shows that nothing panics.
        static AHEAD: Pattern = Pattern::new("^(?!x).+$");
        static LETTERS: Pattern = Pattern::new(r"^\p{L}+$");
        let mut out = Vec::new();
        for p in [&AHEAD, &LETTERS] {
            assert!(!p.is_enforced(), "{p:?}");
            pattern(&Path::Root.member("V"), "x1", p, false, &mut out);
        }
        assert!(out.is_empty());
    }

    #[test]
    #[cfg(feature = "lite-patterns")]
    fn lite_patterns_read_perl_classes_as_ascii() {
        static WORD: Pattern = Pattern::new(r"^\w+$");
        assert!(WORD.is_enforced());
        let mut out = Vec::new();
        pattern(&Path::Root.member("V"), "abc_1", &WORD, false, &mut out);
        assert!(out.is_empty());
        pattern(
            &Path::Root.member("V"),
            "\u{e9}t\u{e9}",
            &WORD,
            false,
            &mut out,
        );
        assert_eq!(out.len(), 1, "Java's \\w is ASCII");
    }

    #[cfg(feature = "unicode-patterns")]
    #[test]
    fn unicode_patterns_use_the_full_engine() {
        static LETTERS: Pattern = Pattern::unicode(r"^\p{L}\w*$", r"^\p{L}[[:word:]]*$");
        assert!(LETTERS.is_enforced());
        let mut out = Vec::new();
        pattern(
            &Path::Root.member("Name"),
            "\u{e9}tu_1",
            &LETTERS,
            false,
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
        pattern(
            &Path::Root.member("Name"),
            "1abc",
            &LETTERS,
            false,
            &mut out,
        );
        pattern(
            &Path::Root.member("Name"),
            "a\u{e9}",
            &LETTERS,
            false,
            &mut out,
        );
        assert_eq!(out.len(), 2);
        assert!(out[0].message.ends_with(r"pattern: ^\p{L}\w*$"));
    }

    #[test]
    fn sensitive_values_are_not_quoted() {
        let mut out = Vec::new();
        pattern(
            &Path::Root.member("Token"),
            "secret",
            &A_PLUS,
            true,
            &mut out,
        );
        assert!(!out[0].message.contains("secret"));
    }
}
