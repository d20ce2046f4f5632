//! Example wire values for a model's shapes, made from its IR: what the fuzz targets are
//! seeded with and what the tests send through a generated client and router.
//!
//! Values are plain and deterministic (the same model gives the same values): every member set
//! down to a fixed depth, each value inside the model's constraints where a simple value can be
//! (length, range, enum, pattern). It reads the IR only and touches no file.

use model::ir::{self, ShapeKind, TimestampFormat};
use serde_json::{json, Map, Value};

/// Makes example JSON values for shapes of a model: every member set, each value inside the
/// model's constraints where a simple value can be (length, range, enum, pattern).
#[derive(Debug, Clone, Copy)]
pub struct Sampler<'a> {
    service: &'a ir::Service,
}

/// How deep the sampler follows nested shapes (recursive shapes stop there).
const SAMPLE_DEPTH: usize = 6;

/// Strings tried, in order, for a string member: the first that fits the member's length and
/// pattern is used.
const STRING_CANDIDATES: [&str; 8] = [
    "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b",
    "arn:aws:iam::123456789012:role/example",
    "example",
    "login.example.com",
    "a",
    "1",
    "A",
    "example example",
];

impl<'a> Sampler<'a> {
    /// A sampler for the shapes of `service`.
    pub fn new(service: &'a ir::Service) -> Self {
        Sampler { service }
    }

    /// An example value of the shape `name` in its wire form; `null` for a shape the model
    /// does not have.
    pub fn shape(&self, name: &str) -> Value {
        match self.service.shapes.get(name) {
            Some(shape) => self.kind(shape, None, 0),
            None => Value::Null,
        }
    }

    fn member(&self, member: &ir::Member, depth: usize) -> Value {
        match self.service.shapes.get(&member.target) {
            Some(shape) => self.kind(shape, member.timestamp_format, depth + 1),
            None => Value::Null,
        }
    }

    fn kind(
        &self,
        shape: &ir::Shape,
        timestamp_format: Option<TimestampFormat>,
        depth: usize,
    ) -> Value {
        let c = &shape.constraints;
        let count = usize::try_from(c.min_length.unwrap_or(1).clamp(1, 3)).unwrap_or(1);
        match &shape.kind {
            ShapeKind::Structure(members) => {
                let mut object = Map::new();
                // Past the depth limit only required members go on (a recursive shape may
                // require itself), and past twice the limit nothing does.
                for member in members {
                    let wanted =
                        depth < SAMPLE_DEPTH || (member.required && depth < SAMPLE_DEPTH * 2);
                    if wanted {
                        object.insert(member.name.clone(), self.member(member, depth));
                    }
                }
                Value::Object(object)
            }
            ShapeKind::Union(members) => {
                let mut object = Map::new();
                if let Some(member) = members.first() {
                    object.insert(member.name.clone(), self.member(member, depth));
                }
                Value::Object(object)
            }
            ShapeKind::List { member, .. } => {
                if depth >= SAMPLE_DEPTH {
                    return Value::Array(Vec::new());
                }
                let item = self.member(member, depth);
                Value::Array(vec![item; count])
            }
            ShapeKind::Map { key, value, .. } => {
                let mut object = Map::new();
                if depth < SAMPLE_DEPTH {
                    let value = self.member(value, depth);
                    let key = self.member(key, depth);
                    let key = key.as_str().unwrap_or("key").to_owned();
                    object.insert(key, value);
                }
                Value::Object(object)
            }
            ShapeKind::String => Value::String(sample_string(c)),
            ShapeKind::Enum(values) => {
                values.first().map_or(Value::String(sample_string(c)), |v| {
                    Value::String(v.value.clone())
                })
            }
            ShapeKind::IntEnum(values) => json!(values.first().map_or(1, |v| v.value)),
            ShapeKind::Boolean => Value::Bool(true),
            ShapeKind::Byte
            | ShapeKind::Short
            | ShapeKind::Integer
            | ShapeKind::Long
            | ShapeKind::BigInteger => {
                // Range constraints are whole numbers for integer shapes.
                let low = c.min_value.unwrap_or(1.0).max(1.0);
                let value = c.max_value.map_or(low, |high| low.min(high));
                json!(value as i64)
            }
            ShapeKind::Float | ShapeKind::Double | ShapeKind::BigDecimal => {
                let low = c.min_value.unwrap_or(1.5);
                json!(c.max_value.map_or(low, |high| low.min(high)))
            }
            ShapeKind::Blob => Value::String("ZXhhbXBsZQ==".to_owned()),
            ShapeKind::Timestamp(format) => match timestamp_format.unwrap_or(*format) {
                TimestampFormat::EpochSeconds => json!(1_700_000_000.5),
                TimestampFormat::DateTime => Value::String("2023-11-14T22:13:20Z".to_owned()),
                TimestampFormat::HttpDate => {
                    Value::String("Tue, 14 Nov 2023 22:13:20 GMT".to_owned())
                }
            },
            ShapeKind::Document => json!({ "k": [1, "v", true, null] }),
        }
    }
}

/// A string for a string shape: the first candidate that fits its length and pattern, padded
/// or cut to the length bounds; failing that, a string made from the pattern itself
/// ([`from_pattern`]); failing that too, the first candidate.
fn sample_string(constraints: &ir::Constraints) -> String {
    let min = usize::try_from(constraints.min_length.unwrap_or(0)).unwrap_or(usize::MAX);
    let max = constraints
        .max_length
        .and_then(|m| usize::try_from(m).ok())
        .unwrap_or(usize::MAX);
    let text = pattern_text(constraints);
    let pattern = text.and_then(|p| regex::Regex::new(p).ok());
    let fits = |s: &str| {
        let length = s.chars().count();
        length >= min && length <= max && pattern.as_ref().is_none_or(|p| p.is_match(s))
    };
    let fit = |candidate: &str| {
        let mut s: String = candidate.chars().take(max).collect();
        while s.chars().count() < min.min(64) {
            s.push('a');
        }
        s
    };
    STRING_CANDIDATES
        .iter()
        .map(|c| fit(c))
        .find(|s| fits(s))
        .or_else(|| text.and_then(|text| from_pattern(text, &fits)))
        .unwrap_or_else(|| fit(STRING_CANDIDATES[0]))
}

/// The pattern a value is checked against, in Rust syntax: the translation the model made when
/// it was read, or the model's text when no check was decided (an IR built by hand). `None`
/// when there is none, or when no engine checks it.
fn pattern_text(constraints: &ir::Constraints) -> Option<&str> {
    match &constraints.pattern_check {
        Some(
            ir::PatternCheck::Automaton { regex, .. }
            | ir::PatternCheck::Lite { regex }
            | ir::PatternCheck::Unicode { regex },
        ) => Some(regex),
        Some(ir::PatternCheck::Unenforced { .. }) => None,
        None => constraints.pattern.as_deref(),
    }
}

/// How many times at most each repetition of a pattern is taken while looking for a string
/// long enough.
const MAX_STRETCH: u32 = 64;

/// A string that the regular expression `pattern` describes and that `fits` accepts: each
/// repetition taken `n` times (within its bounds) for `n` from 1 up, every other choice the
/// first. `None` when the pattern does not parse or no such string is found.
fn from_pattern(pattern: &str, fits: &dyn Fn(&str) -> bool) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    (1..=MAX_STRETCH).find_map(|stretch| {
        let mut out = String::new();
        (write_example(&hir, stretch, &mut out) && fits(&out)).then_some(out)
    })
}

/// Characters a class is asked for first, so examples stay readable.
const PREFERRED_CHARS: [char; 6] = ['a', 'A', '1', '0', 'x', '-'];

/// Appends one string that `hir` matches, taking each repetition `stretch` times within its
/// bounds. False when some part matches nothing (an empty class) or only bytes.
fn write_example(hir: &regex_syntax::hir::Hir, stretch: u32, out: &mut String) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(literal) => match std::str::from_utf8(&literal.0) {
            Ok(text) => {
                out.push_str(text);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(Class::Unicode(class)) => {
            let ranges = class.ranges();
            let contains = |c: char| ranges.iter().any(|r| r.start() <= c && c <= r.end());
            let printable = ranges
                .iter()
                .flat_map(|r| [r.start(), r.end()])
                .find(|c| !c.is_control() && !c.is_whitespace());
            match PREFERRED_CHARS
                .into_iter()
                .find(|&c| contains(c))
                .or(printable)
                .or_else(|| ranges.first().map(|r| r.start()))
            {
                Some(c) => {
                    out.push(c);
                    true
                }
                None => false,
            }
        }
        HirKind::Class(Class::Bytes(class)) => match class.ranges().first() {
            Some(range) if range.start().is_ascii() => {
                out.push(char::from(range.start()));
                true
            }
            _ => false,
        },
        HirKind::Repetition(repetition) => {
            let times = stretch.clamp(
                repetition.min,
                repetition.max.unwrap_or(u32::MAX).max(repetition.min),
            );
            (0..times).all(|_| write_example(&repetition.sub, stretch, out))
        }
        HirKind::Capture(capture) => write_example(&capture.sub, stretch, out),
        HirKind::Concat(parts) => parts.iter().all(|part| write_example(part, stretch, out)),
        HirKind::Alternation(choices) => choices
            .first()
            .is_some_and(|choice| write_example(choice, stretch, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_strings_meet_length_and_pattern() {
        let constraints = |min, max, pattern: Option<&str>| ir::Constraints {
            min_length: min,
            max_length: max,
            pattern: pattern.map(str::to_owned),
            ..ir::Constraints::default()
        };
        assert_eq!(
            sample_string(&constraints(Some(1), Some(55), Some(r"[\w-]+:[0-9a-f-]+"))),
            "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b"
        );
        assert_eq!(
            sample_string(&constraints(Some(1), Some(128), Some(r"^[\w._-]+$"))),
            "example"
        );
        assert_eq!(
            sample_string(&constraints(Some(10), Some(12), None)),
            "us-east-1:0f"
        );
        assert_eq!(
            sample_string(&constraints(Some(3), None, Some("^a+$"))),
            "aaa"
        );
    }

    #[test]
    fn strings_no_candidate_fits_are_made_from_the_pattern() {
        let constraints = |min, max, pattern: &str| ir::Constraints {
            min_length: min,
            max_length: max,
            pattern: Some(pattern.to_owned()),
            ..ir::Constraints::default()
        };
        let cases = [
            (Some(1), Some(55), r"^[\w-]+_[0-9a-zA-Z]+$", "a_a"),
            (Some(6), Some(140), r"^.*\{####\}.*$", "a{####}a"),
            (None, None, r"^import-[0-9a-zA-Z-]+$", "import-a"),
            (None, None, r"^Level[1-4]$", "Level1"),
            (Some(8), Some(8), r"^[0-9]+$", "11111111"),
            (
                None,
                None,
                r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[4][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}$",
                "aaaaaaaa-aaaa-4aaa-aaaa",
            ),
            (None, None, r"^(?:east|west)-[a-c]{2,3}$", "east-aa"),
        ];
        for (min, max, pattern, expected) in cases {
            assert_eq!(
                sample_string(&constraints(min, max, pattern)),
                expected,
                "{pattern}"
            );
        }
        // A pattern that matches nothing falls back to the first candidate.
        assert_eq!(
            sample_string(&constraints(None, None, r"^[^\s\S]$")),
            STRING_CANDIDATES[0]
        );
    }
}
