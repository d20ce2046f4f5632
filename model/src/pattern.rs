//! Decides, once for each model pattern, how generated code checks it at run time (an IR
//! pass, not validation: a pattern that cannot be checked is no error in the model).
//!
//! AWS services evaluate model patterns as Java regular expressions; Smithy writes them as
//! ECMA 262 text and botocore copies that text. Rust has two engines: `regex-lite`, small,
//! whose `\w`, `\d`, `\s` and `\b` are ASCII as in Java but which has no Unicode classes,
//! and `regex`, which has Unicode classes (`\p{L}`) but reads `\w`, `\d`, `\s` and `\b` as
//! Unicode. [`decide`] translates a pattern into Rust syntax and picks `regex-lite` when it
//! compiles the translation, the full engine when only that one does, and otherwise says why
//! the pattern cannot be checked, so no pattern goes unchecked without the generated docs
//! saying so. Both engines are compiled here, with the versions and limits the runtime uses,
//! so a decision holds at run time.
//!
//! The full engine is three crates more for every crate that needs it, so a Unicode class is
//! first written out as the code point ranges it stands for (from the Unicode tables of
//! `regex-syntax`, the full engine's own), and `regex-lite` checks the result when the whole
//! text stays within [`MAX_WRITTEN_OUT`] bytes: a pattern with one class (`[\p{L}\p{N}]+`,
//! some 12 KiB written out) qualifies, one that repeats `\p{L}` several times does not and
//! uses the full engine. A pattern with an `i` or `x` flag keeps the full engine, since the
//! ranges are written out without flags.
//!
//! Translations, from Java or ECMA 262 to Rust syntax:
//! - `\uXXXX` becomes `\x{XXXX}`, and a UTF-16 surrogate pair (`\uD800\uDC00`) becomes the
//!   code point it encodes (`\x{10000}`), so ranges of supplementary characters keep their
//!   meaning. A lone surrogate is never part of a Rust string; a pattern with one is not
//!   checked.
//! - Java's octal escape `\0oo` becomes `\x{..}`.
//! - Java's POSIX classes `\p{Lower}`, `\p{Upper}`, `\p{ASCII}`, `\p{Alpha}`, `\p{Digit}`,
//!   `\p{Alnum}`, `\p{Punct}`, `\p{Graph}`, `\p{Print}`, `\p{Blank}`, `\p{Cntrl}`,
//!   `\p{XDigit}` and `\p{Space}` (and their `\P` negations) become the ASCII classes of the
//!   same sets: `[[:print:]]`, or `[:print:]` inside brackets. Both engines read those.
//! - Inside brackets, a `-` between a class escape and another item (`[\w-\/]`) is a literal
//!   for Java, but Rust rejects it as a range bound, so it becomes `\-`.
//! - `\<` and `\>` are literals for Java but word boundaries for Rust, so they become `<` and
//!   `>`.
//! - `\Q...\E` quoting becomes the quoted characters, escaped where Rust needs it.
//! - For `regex-lite`, within the size limit above, a Unicode class (`\p{L}`, `\P{N}`) and any
//!   bracket class holding one become the bracket class of their ranges
//!   (`[A-Za-z\x{AA}...]`), read by `regex-syntax` from the full engine's translation.
//! - Only when the full engine is used: `\w`, `\d`, `\s` and their negations become the ASCII
//!   classes `[[:word:]]`, `[[:digit:]]`, `[[:space:]]` (`[[:^word:]]`, ...), and `\b`, `\B`
//!   the ASCII word boundaries `(?-u:\b)`, `(?-u:\B)`, so both engines agree with Java.
//!
//! Not checked: look-ahead and look-behind, backreferences, atomic groups, possessive
//! quantifiers (Rust reads `a*+` as a nested repetition, which means something else, so they
//! are caught here rather than left to the compiler), lone surrogates, and any text neither
//! engine compiles.
//!
//! Left as they are, each a small difference on line breaks or non-ASCII text: Java's `.`
//! also excludes `\r`, `\u0085`, `\u2028` and `\u2029`, Java's `$` also matches before a final
//! line break, and the full engine's `(?i)` folds Unicode case where Java folds ASCII.

use std::collections::BTreeMap;

use crate::ir::{PatternCheck, Service, ShapeKind};

/// The longest translated text that `regex-lite` is given with Unicode classes written out
/// as ranges; a longer one uses the full engine.
pub const MAX_WRITTEN_OUT: usize = 16 * 1024;

/// Decides how the pattern `text` (the model's text, after anchoring) is checked: with an
/// automaton built here when it is small enough (see [`crate::automaton`]), else with a regex
/// engine at run time, as [`engine_check`] decides.
pub fn decide(text: &str) -> PatternCheck {
    let lite = translate(text, Engine::Lite);
    if !lite.unsupported.is_empty() {
        return PatternCheck::Unenforced {
            reason: unsupported_reason(&lite.unsupported),
        };
    }
    // The full engine's translation: Java's meaning in the syntax `regex-automata` reads (the
    // full engine's own parser, so a pattern it builds is one the full engine compiles). Only
    // a pattern without an automaton needs a regex engine to be picked and compiled.
    let regex = translate(text, Engine::Full).regex;
    match crate::automaton::build(&regex) {
        Some(automaton) => PatternCheck::Automaton { regex, automaton },
        None => engine_for(text, lite),
    }
}

/// Decides which regex engine checks the pattern `text` at run time, when no automaton does.
pub fn engine_check(text: &str) -> PatternCheck {
    let lite = translate(text, Engine::Lite);
    if !lite.unsupported.is_empty() {
        return PatternCheck::Unenforced {
            reason: unsupported_reason(&lite.unsupported),
        };
    }
    engine_for(text, lite)
}

/// [`engine_check`] for a pattern whose `regex-lite` translation `lite` has nothing
/// unsupported.
fn engine_for(text: &str, lite: Translation) -> PatternCheck {
    let unicode = lite.properties > 0;
    if !unicode && regex_lite::Regex::new(&lite.regex).is_ok() {
        return PatternCheck::Lite { regex: lite.regex };
    }
    if unicode && !has_class_flag(text) {
        let written_out = translate(text, Engine::LiteWrittenOut);
        if written_out.regex.len() <= MAX_WRITTEN_OUT
            && regex_lite::Regex::new(&written_out.regex).is_ok()
        {
            return PatternCheck::Lite {
                regex: written_out.regex,
            };
        }
    }
    let full = translate(text, Engine::Full);
    match regex::Regex::new(&full.regex) {
        Ok(_) => PatternCheck::Unicode { regex: full.regex },
        Err(error) => PatternCheck::Unenforced {
            reason: format!(
                "no Rust regex engine compiles it ({})",
                error_summary(&error)
            ),
        },
    }
}

/// The pass: decides every shape's pattern (each distinct text once) and records the
/// decision next to it.
pub fn pass(service: &mut Service) {
    let mut decided: BTreeMap<String, PatternCheck> = BTreeMap::new();
    for shape in service.shapes.values_mut() {
        let constraints = &mut shape.constraints;
        constraints.pattern_check = constraints.pattern.as_ref().map(|text| {
            decided
                .entry(text.clone())
                .or_insert_with(|| decide(text))
                .clone()
        });
    }
}

/// A pattern of a string shape that generated code does not check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UncheckedPattern {
    /// The string shape.
    pub shape: String,
    /// The model's text of the pattern.
    pub pattern: String,
    /// Why it is not checked.
    pub reason: String,
}

/// The patterns of string shapes that are not checked, by shape name. (Other shapes' patterns
/// are never checked on their own: an enum's values are checked instead.)
pub fn unchecked(service: &Service) -> Vec<UncheckedPattern> {
    service
        .shapes
        .values()
        .filter(|shape| matches!(shape.kind, ShapeKind::String))
        .filter_map(|shape| {
            let c = &shape.constraints;
            match (&c.pattern, &c.pattern_check) {
                (Some(pattern), Some(PatternCheck::Unenforced { reason })) => {
                    Some(UncheckedPattern {
                        shape: shape.name.clone(),
                        pattern: pattern.clone(),
                        reason: reason.clone(),
                    })
                }
                _ => None,
            }
        })
        .collect()
}

/// True when a string shape's pattern needs the full `regex` engine.
pub fn needs_full_engine(service: &Service) -> bool {
    service.shapes.values().any(|shape| {
        matches!(shape.kind, ShapeKind::String)
            && matches!(
                shape.constraints.pattern_check,
                Some(PatternCheck::Unicode { .. })
            )
    })
}

/// Whether a string shape of `service` has a pattern checked with `regex-lite`.
pub fn needs_lite_engine(service: &Service) -> bool {
    service.shapes.values().any(|shape| {
        matches!(shape.kind, ShapeKind::String)
            && matches!(
                shape.constraints.pattern_check,
                Some(PatternCheck::Lite { .. })
            )
    })
}

/// The engine a translation is for: Unicode classes, `\w`, `\d`, `\s` and `\b` are written
/// differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    /// `regex-lite`, Unicode classes left as they are (so it rejects them).
    Lite,
    /// `regex-lite`, Unicode classes written out as ranges.
    LiteWrittenOut,
    /// The full engine, `\w`, `\d`, `\s` and `\b` written as ASCII classes.
    Full,
}

/// True when a group sets a flag that changes what a class matches (`i`, case folding) or
/// how it is read (`x`, ignored whitespace): `(?i)`, `(?x-s:` ... Classes are then not written
/// out, since they are written out without flags. (An escaped `\(?i` counts too; the full
/// engine is the safe side.)
fn has_class_flag(text: &str) -> bool {
    text.match_indices("(?").any(|(at, _)| {
        text[at + 2..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '-')
            .any(|c| c == 'i' || c == 'x')
    })
}

/// A class in the full engine's syntax (`\p{L}`, `[\p{L}[:digit:]_]`) written out as the
/// bracket class of its code point ranges; `None` when `regex-syntax` reads no such class.
fn written_out_class(class: &str) -> Option<String> {
    use regex_syntax::hir::{Class, HirKind};
    let hir = regex_syntax::Parser::new().parse(class).ok()?;
    let HirKind::Class(Class::Unicode(class)) = hir.kind() else {
        return None;
    };
    let ranges = class.ranges();
    if ranges.is_empty() {
        return None;
    }
    // ASCII letters and digits as they are, anything else as a hex escape.
    let bound = |c: char| {
        if c.is_ascii_alphanumeric() {
            c.to_string()
        } else {
            format!("\\x{{{:X}}}", u32::from(c))
        }
    };
    let text: String = ranges
        .iter()
        .map(|range| {
            if range.start() == range.end() {
                bound(range.start())
            } else {
                format!("{}-{}", bound(range.start()), bound(range.end()))
            }
        })
        .collect();
    Some(format!("[{text}]"))
}

/// A pattern in Rust syntax, and what the translator found on the way.
#[derive(Debug, Default)]
struct Translation {
    regex: String,
    /// How many Unicode property classes (`\p{L}`) the pattern uses.
    properties: usize,
    /// Constructs no Rust engine supports, in order of appearance, without repeats.
    unsupported: Vec<String>,
}

fn translate(text: &str, engine: Engine) -> Translation {
    let mut t = Translator {
        chars: text.chars().collect(),
        at: 0,
        engine,
        out: Translation::default(),
    };
    t.sequence();
    t.out
}

fn unsupported_reason(constructs: &[String]) -> String {
    let list = match constructs {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    format!("it uses {list}, which no Rust regex engine supports")
}

/// The useful line of a compile error (`regex` puts the pattern and a caret line first).
fn error_summary(error: &regex::Error) -> String {
    let text = error.to_string();
    let line = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("error: "))
        .or_else(|| text.lines().map(str::trim).find(|line| !line.is_empty()))
        .unwrap_or("unknown error");
    line.trim_end_matches('.').to_owned()
}

/// One item of a bracket class, as far as the `-` rule needs to know.
enum ClassItem {
    /// A literal character or range bound, in Rust syntax.
    Literal(String),
    /// A set: a class escape (`\w`, `\p{L}`, an ASCII class) or a nested class.
    Set(String),
    /// An unescaped `-`.
    Dash,
    /// An operator (`&&`).
    Operator(String),
}

/// The ASCII class of a Java POSIX class name, when it is one.
fn posix_class(name: &str) -> Option<&'static str> {
    Some(match name {
        "Lower" => "lower",
        "Upper" => "upper",
        "ASCII" => "ascii",
        "Alpha" => "alpha",
        "Digit" => "digit",
        "Alnum" => "alnum",
        "Punct" => "punct",
        "Graph" => "graph",
        "Print" => "print",
        "Blank" => "blank",
        "Cntrl" => "cntrl",
        "XDigit" => "xdigit",
        "Space" => "space",
        _ => return None,
    })
}

/// An ASCII class in Rust syntax: `[:name:]` inside brackets, `[[:name:]]` outside.
fn ascii_class(name: &str, negated: bool, in_class: bool) -> String {
    let caret = if negated { "^" } else { "" };
    if in_class {
        format!("[:{caret}{name}:]")
    } else {
        format!("[[:{caret}{name}:]]")
    }
}

/// A character written so that Rust reads it literally, in a class or outside one.
fn escape_literal(c: char) -> String {
    if "\\.+*?()|[]{}^$#&-~".contains(c) {
        format!("\\{c}")
    } else {
        c.to_string()
    }
}

struct Translator {
    chars: Vec<char>,
    at: usize,
    engine: Engine,
    out: Translation,
}

impl Translator {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    fn starts_with(&self, text: &str) -> bool {
        text.chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c))
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.at += 1;
        }
        c
    }

    fn unsupported(&mut self, construct: String) {
        if !self.out.unsupported.contains(&construct) {
            self.out.unsupported.push(construct);
        }
    }

    /// The pattern outside brackets.
    fn sequence(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                '\\' => {
                    let piece = match self.escape(false) {
                        ClassItem::Literal(s) | ClassItem::Set(s) | ClassItem::Operator(s) => s,
                        ClassItem::Dash => "-".to_owned(),
                    };
                    self.out.regex.push_str(&piece);
                }
                '[' => {
                    let class = self.class();
                    self.out.regex.push_str(&class);
                }
                '(' => self.group(),
                '*' | '+' | '?' => {
                    self.bump();
                    self.out.regex.push(c);
                    self.quantifier_suffix(&c.to_string());
                }
                '{' => match self.counted_repetition() {
                    Some(repetition) => {
                        self.out.regex.push_str(&repetition);
                        self.quantifier_suffix(&repetition);
                    }
                    None => {
                        self.bump();
                        self.out.regex.push('{');
                    }
                },
                _ => {
                    self.bump();
                    self.out.regex.push(c);
                }
            }
        }
    }

    /// After a quantifier: `?` makes it lazy (kept); `+` makes it possessive (unsupported).
    fn quantifier_suffix(&mut self, quantifier: &str) {
        match self.peek() {
            Some('?') => {
                self.bump();
                self.out.regex.push('?');
            }
            Some('+') => {
                self.bump();
                self.unsupported(format!("a possessive quantifier `{quantifier}+`"));
            }
            _ => {}
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` at the cursor, consumed; `None` (nothing consumed) otherwise.
    fn counted_repetition(&mut self) -> Option<String> {
        let mut end = self.at + 1;
        let digits = |end: &mut usize, chars: &[char]| {
            let start = *end;
            while chars.get(*end).is_some_and(char::is_ascii_digit) {
                *end += 1;
            }
            *end > start
        };
        if !digits(&mut end, &self.chars) {
            return None;
        }
        if self.chars.get(end) == Some(&',') {
            end += 1;
            digits(&mut end, &self.chars);
        }
        if self.chars.get(end) != Some(&'}') {
            return None;
        }
        let text: String = self.chars[self.at..=end].iter().collect();
        self.at = end + 1;
        Some(text)
    }

    /// A group's opening, with the look-around and atomic forms no Rust engine has.
    fn group(&mut self) {
        self.bump();
        self.out.regex.push('(');
        if self.peek() != Some('?') {
            return;
        }
        let construct = [
            ("?=", "look-ahead `(?=`"),
            ("?!", "negative look-ahead `(?!`"),
            ("?<=", "look-behind `(?<=`"),
            ("?<!", "negative look-behind `(?<!`"),
            ("?>", "an atomic group `(?>`"),
        ]
        .into_iter()
        .find(|(prefix, _)| self.starts_with(prefix));
        if let Some((_, construct)) = construct {
            self.unsupported(construct.to_owned());
        }
        // The `?` belongs to the group syntax, not to a quantifier.
        self.bump();
        self.out.regex.push('?');
    }

    /// A bracket class from its `[` to its `]`, in Rust syntax.
    fn class(&mut self) -> String {
        self.bump();
        let properties_before = self.out.properties;
        let mut text = String::from("[");
        if self.peek() == Some('^') {
            self.bump();
            text.push('^');
        }
        let mut items = Vec::new();
        // A `]` right after the opening is a literal, for Java and Rust alike.
        if self.peek() == Some(']') {
            self.bump();
            items.push(ClassItem::Literal("]".to_owned()));
        }
        let mut closed = false;
        while let Some(c) = self.peek() {
            match c {
                ']' => {
                    self.bump();
                    closed = true;
                    break;
                }
                '[' => {
                    let nested = self.class();
                    items.push(ClassItem::Set(nested));
                }
                '\\' => {
                    let item = self.escape(true);
                    items.push(item);
                }
                '-' => {
                    self.bump();
                    items.push(ClassItem::Dash);
                }
                '&' if self.peek_at(1) == Some('&') => {
                    self.at += 2;
                    items.push(ClassItem::Operator("&&".to_owned()));
                }
                _ => {
                    self.bump();
                    items.push(ClassItem::Literal(c.to_string()));
                }
            }
        }
        let is_set = |item: Option<&ClassItem>| matches!(item, Some(ClassItem::Set(_)));
        for (i, item) in items.iter().enumerate() {
            match item {
                ClassItem::Literal(s) | ClassItem::Set(s) | ClassItem::Operator(s) => {
                    text.push_str(s);
                }
                ClassItem::Dash => {
                    // First or last, a `-` is a literal for Rust too (`[\w-]`); between two
                    // items it makes a range, which a set cannot bound.
                    let between = i > 0 && i + 1 < items.len();
                    let beside_set =
                        is_set(items.get(i.wrapping_sub(1))) || is_set(items.get(i + 1));
                    text.push_str(if between && beside_set { "\\-" } else { "-" });
                }
            }
        }
        if closed {
            text.push(']');
        }
        if self.engine == Engine::LiteWrittenOut && self.out.properties > properties_before {
            if let Some(written_out) = written_out_class(&text) {
                return written_out;
            }
        }
        text
    }

    /// An escape from its `\`, translated; inside brackets when `in_class`.
    fn escape(&mut self, in_class: bool) -> ClassItem {
        self.bump();
        let Some(c) = self.peek() else {
            return ClassItem::Literal("\\".to_owned());
        };
        match c {
            'u' => self.utf16_escape(),
            'p' | 'P' => self.property(in_class),
            'w' | 'd' | 's' | 'W' | 'D' | 'S' => {
                self.bump();
                ClassItem::Set(self.perl_class(c, in_class))
            }
            'b' | 'B' if !in_class && self.engine == Engine::Full => {
                self.bump();
                ClassItem::Literal(format!("(?-u:\\{c})"))
            }
            '1'..='9' if !in_class => {
                let mut digits = String::new();
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    self.bump();
                    digits.push(d);
                }
                self.unsupported(format!("a backreference `\\{digits}`"));
                ClassItem::Literal(String::new())
            }
            'k' if !in_class && self.peek_at(1) == Some('<') => {
                let mut name = String::new();
                while let Some(d) = self.bump() {
                    name.push(d);
                    if d == '>' {
                        break;
                    }
                }
                self.unsupported(format!("a backreference `\\{name}`"));
                ClassItem::Literal(String::new())
            }
            '0' => self.octal_escape(),
            'Q' => self.quoted(),
            'x' => self.hex_escape(),
            '<' | '>' => {
                self.bump();
                ClassItem::Literal(c.to_string())
            }
            _ => {
                self.bump();
                ClassItem::Literal(format!("\\{c}"))
            }
        }
    }

    /// Four hex digits after `u` at the cursor, as a number, without consuming them.
    fn utf16_unit(&self, at: usize) -> Option<u32> {
        if self.chars.get(at) != Some(&'u') {
            return None;
        }
        let digits: String = self.chars.get(at + 1..at + 5)?.iter().collect();
        if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(&digits, 16).ok()
    }

    /// `\uXXXX` (the `\` consumed), joined with a following low surrogate when it is a high one.
    fn utf16_escape(&mut self) -> ClassItem {
        let Some(unit) = self.utf16_unit(self.at) else {
            self.bump();
            return ClassItem::Literal("\\u".to_owned());
        };
        self.at += 5;
        let code_point = match unit {
            0xD800..=0xDBFF => {
                let low = (self.peek() == Some('\\'))
                    .then(|| self.utf16_unit(self.at + 1))
                    .flatten()
                    .filter(|low| (0xDC00..=0xDFFF).contains(low));
                match low {
                    Some(low) => {
                        self.at += 6;
                        Some(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    }
                    None => None,
                }
            }
            0xDC00..=0xDFFF => None,
            _ => Some(unit),
        };
        match code_point {
            Some(code_point) => ClassItem::Literal(format!("\\x{{{code_point:X}}}")),
            None => {
                self.unsupported(format!("a lone UTF-16 surrogate `\\u{unit:04X}`"));
                ClassItem::Literal(String::new())
            }
        }
    }

    /// Java's `\0` followed by one to three octal digits (the `\` consumed).
    fn octal_escape(&mut self) -> ClassItem {
        self.bump();
        let mut value = 0u32;
        let mut digits = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(8)) {
            // Java reads a third digit only while the value stays at most 0o377.
            if digits == 3 || (digits == 2 && value > 0o37) {
                break;
            }
            self.bump();
            value = value * 8 + d;
            digits += 1;
        }
        if digits == 0 {
            return ClassItem::Literal("\\0".to_owned());
        }
        ClassItem::Literal(format!("\\x{{{value:X}}}"))
    }

    /// `\xhh` or `\x{h..h}` (the `\` consumed), copied whole so that its braces are not read
    /// as a repetition.
    fn hex_escape(&mut self) -> ClassItem {
        self.bump();
        let mut text = String::from("\\x");
        if self.peek() == Some('{') {
            while let Some(c) = self.bump() {
                text.push(c);
                if c == '}' {
                    break;
                }
            }
        } else {
            for _ in 0..2 {
                if let Some(c) = self.peek().filter(char::is_ascii_hexdigit) {
                    self.bump();
                    text.push(c);
                }
            }
        }
        ClassItem::Literal(text)
    }

    /// `\Q...\E` (the `\` consumed): each quoted character as a literal.
    fn quoted(&mut self) -> ClassItem {
        self.bump();
        let mut text = String::new();
        while let Some(c) = self.peek() {
            if c == '\\' && self.peek_at(1) == Some('E') {
                self.at += 2;
                break;
            }
            self.bump();
            text.push_str(&escape_literal(c));
        }
        ClassItem::Literal(text)
    }

    /// `\p{Name}`, `\pL` or a `\P` negation (the `\` consumed).
    fn property(&mut self, in_class: bool) -> ClassItem {
        let negated = self.bump() == Some('P');
        let name: String = if self.peek() == Some('{') {
            let close = self.chars[self.at..].iter().position(|&c| c == '}');
            let Some(close) = close else {
                // Unclosed: left for the compiler to reject.
                let letter = if negated { 'P' } else { 'p' };
                return ClassItem::Literal(format!("\\{letter}"));
            };
            let name = self.chars[self.at + 1..self.at + close].iter().collect();
            self.at += close + 1;
            name
        } else {
            self.bump().map(String::from).unwrap_or_default()
        };
        if let Some(ascii) = posix_class(&name) {
            return ClassItem::Set(ascii_class(ascii, negated, in_class));
        }
        self.out.properties += 1;
        let letter = if negated { 'P' } else { 'p' };
        let escape = format!("\\{letter}{{{name}}}");
        // Inside brackets, the whole class is written out once it is read.
        if self.engine == Engine::LiteWrittenOut && !in_class {
            if let Some(written_out) = written_out_class(&escape) {
                return ClassItem::Set(written_out);
            }
        }
        ClassItem::Set(escape)
    }

    /// `\w`, `\d`, `\s` or a negation: as written for `regex-lite` (ASCII already), as an
    /// ASCII class for the full engine (and inside brackets that may be written out, which
    /// the full engine's parser reads).
    fn perl_class(&self, c: char, in_class: bool) -> String {
        let full_syntax = match self.engine {
            Engine::Lite => false,
            Engine::LiteWrittenOut => in_class,
            Engine::Full => true,
        };
        if !full_syntax {
            return format!("\\{c}");
        }
        let name = match c.to_ascii_lowercase() {
            'w' => "word",
            'd' => "digit",
            _ => "space",
        };
        ascii_class(name, c.is_ascii_uppercase(), in_class)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lite(regex: &str) -> PatternCheck {
        PatternCheck::Lite {
            regex: regex.to_owned(),
        }
    }

    fn unicode(regex: &str) -> PatternCheck {
        PatternCheck::Unicode {
            regex: regex.to_owned(),
        }
    }

    fn reason(check: PatternCheck) -> String {
        match check {
            PatternCheck::Unenforced { reason } => reason,
            other => panic!("expected an unenforced pattern, got {other:?}"),
        }
    }

    /// The regex of a checked pattern, compiled with the engine the decision names.
    fn matcher(text: &str) -> Box<dyn Fn(&str) -> bool> {
        match decide(text) {
            PatternCheck::Lite { regex } => {
                let re = regex_lite::Regex::new(&regex).expect("decided as compiling");
                Box::new(move |v| re.is_match(v))
            }
            PatternCheck::Unicode { regex } => {
                let re = regex::Regex::new(&regex).expect("decided as compiling");
                Box::new(move |v| re.is_match(v))
            }
            PatternCheck::Automaton { automaton, .. } => Box::new(move |v| automaton.is_match(v)),
            PatternCheck::Unenforced { reason } => panic!("{text} is not enforced: {reason}"),
        }
    }

    #[test]
    fn plain_patterns_are_lite_and_unchanged() {
        assert_eq!(
            engine_check(r"^[\w-]+:[0-9a-f-]+$"),
            lite(r"^[\w-]+:[0-9a-f-]+$")
        );
        assert_eq!(
            engine_check(r"^(^i-(\w{8}|\w{17})$)|(^mi-\w{17}$)$"),
            lite(r"^(^i-(\w{8}|\w{17})$)|(^mi-\w{17}$)$")
        );
        assert_eq!(
            engine_check(r"^https:\/\/[-a-zA-Z0-9@:%._\+~#=]{1,253}\.s3$"),
            lite(r"^https:\/\/[-a-zA-Z0-9@:%._\+~#=]{1,253}\.s3$")
        );
        assert_eq!(engine_check(r"^[a-z]+?\d*?$"), lite(r"^[a-z]+?\d*?$"));
    }

    /// The text of a `Lite` decision.
    fn lite_regex(check: PatternCheck) -> String {
        match check {
            PatternCheck::Lite { regex } => regex,
            other => panic!("expected a regex-lite pattern, got {other:?}"),
        }
    }

    #[test]
    fn a_unicode_class_is_written_out_for_regex_lite() {
        let text = r"^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$";
        let regex = lite_regex(engine_check(text));
        assert!(regex.starts_with("^[") && regex.ends_with("]+$"), "{regex}");
        assert!(!regex.contains(r"\p"), "{regex}");
        assert!(regex.len() <= MAX_WRITTEN_OUT, "{} bytes", regex.len());
        let m = matcher(text);
        assert!(m("\u{e9}t\u{e9}-\u{65e5}\u{672c}!\u{1F600}"));
        assert!(!m("a b"), "a space is a separator");
        assert!(!m("bell\u{7}"));
        // The written-out class and the full engine's class agree (on a sample of code
        // points spread over every plane).
        let lite = regex_lite::Regex::new(&regex).expect("compiles");
        let full = regex::Regex::new(text).expect("compiles");
        let mut buf = [0; 4];
        for c in (0..=0x10FFFF).step_by(7).filter_map(char::from_u32) {
            let c = c.encode_utf8(&mut buf);
            assert_eq!(lite.is_match(c), full.is_match(c), "{c:?}");
        }
        // Outside brackets a class is bracketed; a negated one is written out negated.
        let regex = lite_regex(engine_check(r"^\pN\PL$"));
        assert!(regex.starts_with("^[0-9"), "{regex}");
        assert!(matcher(r"^\pN\PL$")("\u{663}1"));
        assert!(!matcher(r"^\pN\PL$")("1\u{e9}"));
    }

    #[test]
    fn large_unicode_patterns_need_the_full_engine_with_ascii_perl_classes() {
        // Seven written-out `\p{L}` would be some 70 KiB.
        let text = r"^(?:\p{L}+:\p{L}+:\p{L}+(?:\.\p{L}+){0,3}|\p{L}+(?:\.\p{L}+){0,2})$";
        assert_eq!(engine_check(text), unicode(text));
        assert!(matcher(text)("\u{e9}t\u{e9}:a:b.c"));
        // A case-insensitive pattern keeps the full engine too.
        assert_eq!(
            engine_check(r"(?i)^\p{L}+\w\d\s\W[\w\D]\b$"),
            unicode(
                r"(?i)^\p{L}+[[:word:]][[:digit:]][[:space:]][[:^word:]][[:word:][:^digit:]](?-u:\b)$"
            )
        );
        assert_eq!(engine_check(r"(?i)\p{L}\B"), unicode(r"(?i)\p{L}(?-u:\B)"));
        assert_eq!(engine_check(r"(?i)\pL\PN"), unicode(r"(?i)\p{L}\P{N}"));
        let m = matcher(r"(?i)^\p{L}\w+$");
        assert!(m("\u{e9}ab_1"));
        assert!(!m("\u{e9}a\u{e9}"), "\\w stays ASCII with the full engine");
        assert!(!m("1ab"));
        // Non-ASCII literals (a no-break space, an ideographic space) pass through.
        let spaces = "(?i)^[\\p{L}\\t\\n\\r \u{a0}\u{3000}]+$";
        assert_eq!(engine_check(spaces), unicode(spaces));
        assert!(matcher(spaces)("a\u{3000}b"));
    }

    #[test]
    fn class_flags_are_found_in_any_group() {
        assert!(has_class_flag("(?i)a"));
        assert!(has_class_flag("a(?s-i:b)"));
        assert!(has_class_flag("(?x)a"));
        assert!(!has_class_flag("(?:i)"));
        assert!(!has_class_flag("(?s)a"));
    }

    #[test]
    fn java_posix_classes_become_ascii_classes() {
        assert_eq!(engine_check(r"^\p{Print}+$"), lite(r"^[[:print:]]+$"));
        assert_eq!(
            engine_check(r"[\p{Alpha}\P{Digit}]\p{XDigit}\p{Punct}"),
            lite(r"[[:alpha:][:^digit:]][[:xdigit:]][[:punct:]]")
        );
        let m = matcher(r"^\p{Print}+$");
        assert!(m("Hello, world! ~"));
        assert!(!m("tab\there"));
        assert!(!m("é"), "Java's \\p{{Print}} is ASCII");
    }

    #[test]
    fn surrogate_pairs_become_code_points() {
        let text = r"^[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*$";
        assert_eq!(
            engine_check(text),
            lite(r"^[\x{20}-\x{D7FF}\x{E000}-\x{FFFD}\x{10000}-\x{10FFFF}\r\n\t]*$")
        );
        let m = matcher(text);
        assert!(m("plain text, é, 😀\n"));
        assert!(!m("bell \u{7}"));
        assert!(!m("\u{FFFE}"));
        assert_eq!(
            engine_check(r"^[\u0009\u000A\u000D\u0020-\u00FF]+$"),
            lite(r"^[\x{9}\x{A}\x{D}\x{20}-\x{FF}]+$")
        );
    }

    #[test]
    fn a_lone_surrogate_is_not_enforced() {
        assert_eq!(
            reason(decide(r"[\uD800-\uDBFF]")),
            r"it uses a lone UTF-16 surrogate `\uD800` and a lone UTF-16 surrogate `\uDBFF`, which no Rust regex engine supports"
        );
    }

    #[test]
    fn a_dash_beside_a_class_escape_is_a_literal() {
        let text = r"^arn:aws[a-z0-9-]*:iam::\d{12}:role\/[\w-\/.@+=,]{1,1017}$";
        assert_eq!(
            engine_check(text),
            lite(r"^arn:aws[a-z0-9-]*:iam::\d{12}:role\/[\w\-\/.@+=,]{1,1017}$")
        );
        let m = matcher(text);
        assert!(m("arn:aws:iam::123456789012:role/my-role/a.b@c"));
        assert!(!m("arn:aws:iam::123456789012:role/my role"));
        assert_eq!(engine_check(r"[a-\d]"), lite(r"[a\-\d]"));
        // A property class is a set too (seen here with the full engine, since a class
        // written out for regex-lite becomes plain ranges).
        assert_eq!(engine_check(r"(?i)[\p{L}-z]"), unicode(r"(?i)[\p{L}\-z]"));
        let m = matcher(r"^[\p{L}-9]+$");
        assert!(m("\u{e9}-9"));
        assert!(!m("8"));
        assert_eq!(engine_check(r"^[\.\-\w]*$"), lite(r"^[\.\-\w]*$"));
    }

    #[test]
    fn look_around_and_backreferences_are_named() {
        assert_eq!(
            reason(decide(r"^(?!\s*$).+$")),
            "it uses negative look-ahead `(?!`, which no Rust regex engine supports"
        );
        assert_eq!(
            reason(decide(
                r"^((25[0-5]|(2[0-4]|1[0-9]|[1-9]|)[0-9])(\.(?!$)|$)){4}$"
            )),
            "it uses negative look-ahead `(?!`, which no Rust regex engine supports"
        );
        assert_eq!(
            reason(decide(
                r"^([\-]?\d{4}(?!\d{2}\b))((-?)((0[1-9]|1[0-2])(\3([12]\d|0[1-9]|3[01]))?))(\17[0-5])?$"
            )),
            r"it uses negative look-ahead `(?!`, a backreference `\3` and a backreference `\17`, which no Rust regex engine supports"
        );
        assert_eq!(
            reason(decide(r"(?<=a)b(?<!c)(?=d)")),
            "it uses look-behind `(?<=`, negative look-behind `(?<!` and look-ahead `(?=`, which no Rust regex engine supports"
        );
        assert_eq!(
            reason(decide(r"(?<q>a)\k<q>")),
            r"it uses a backreference `\k<q>`, which no Rust regex engine supports"
        );
    }

    #[test]
    fn possessive_quantifiers_and_atomic_groups_are_not_enforced() {
        assert_eq!(
            reason(decide(r"a*+b{2}+(?>c)")),
            "it uses a possessive quantifier `*+`, a possessive quantifier `{2}+` and an atomic group `(?>`, which no Rust regex engine supports"
        );
        // Lazy quantifiers and `+` after a group are ordinary.
        assert_eq!(engine_check(r"(a+)+b+?"), lite(r"(a+)+b+?"));
    }

    #[test]
    fn what_no_engine_compiles_is_not_enforced_with_the_compilers_words() {
        assert_eq!(
            reason(decide(r"[a-")),
            "no Rust regex engine compiles it (unclosed character class)"
        );
        assert_eq!(
            reason(decide(r"\p{InGreek}")),
            "no Rust regex engine compiles it (Unicode property not found)"
        );
        assert!(reason(decide(r"a\Z")).starts_with("no Rust regex engine compiles it ("));
    }

    #[test]
    fn constructs_regex_lite_lacks_fall_back_to_the_full_engine() {
        // Java's class intersection and nested classes read the same in Rust's full engine.
        assert_eq!(
            engine_check(r"^[a-z&&[^aeiou]]+$"),
            unicode(r"^[a-z&&[^aeiou]]+$")
        );
    }

    #[test]
    fn escapes_java_reads_as_literals_stay_literals() {
        assert_eq!(engine_check(r"^\<\w+\>$"), lite(r"^<\w+>$"));
        assert_eq!(engine_check(r"^\Q1+1=[2]\E$"), lite(r"^1\+1=\[2\]$"));
        assert_eq!(
            engine_check(r"\0101\x41\x{42}+"),
            lite(r"\x{41}\x41\x{42}+")
        );
        assert!(matcher(r"^\Q1+1=[2]\E$")("1+1=[2]"));
    }

    #[test]
    fn the_pass_decides_every_pattern_and_lists_the_unchecked_ones() {
        let text = r#"{"metadata": {"protocol": "json", "apiVersion": "1", "targetPrefix": "T",
            "jsonVersion": "1.0", "serviceFullName": "S", "serviceId": "S", "signatureVersion": "v4",
            "signingName": "s", "endpointPrefix": "s"},
          "operations": {"Op": {"name": "Op", "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "In"}}},
          "shapes": {
            "In": {"type": "structure", "members": {
              "A": {"shape": "Plain"}, "B": {"shape": "Letters"}, "C": {"shape": "Ahead"},
              "D": {"shape": "Large"}}},
            "Plain": {"type": "string", "pattern": "[a-z]+"},
            "Letters": {"type": "string", "pattern": "\\p{L}+:\\p{L}+"},
            "Large": {"type": "string", "pattern": "\\p{L}{1,20}:\\p{L}{1,20}"},
            "Ahead": {"type": "string", "pattern": "(?!x).+"}}}"#;
        let files = crate::BotocoreFiles {
            service: crate::Source {
                name: "service-2.json",
                text,
            },
            paginators: None,
            endpoint_rules: None,
        };
        let service = crate::load_botocore(files).expect("the model loads");
        let check = |name: &str| service.shapes[name].constraints.pattern_check.clone();
        let automaton = |name: &str| match check(name) {
            Some(PatternCheck::Automaton { regex, automaton }) => (regex, automaton),
            other => panic!("{name}: expected an automaton, got {other:?}"),
        };
        assert_eq!(automaton("Plain").0, "^[a-z]+$");
        let (regex, letters) = automaton("Letters");
        assert_eq!(regex, r"^\p{L}+:\p{L}+$");
        assert!(letters.is_match("\u{e9}t\u{e9}:b") && !letters.is_match("a:1"));
        assert_eq!(
            check("Large"),
            Some(unicode(r"^\p{L}{1,20}:\p{L}{1,20}$")),
            "too large for an automaton"
        );
        assert!(matches!(
            check("Ahead"),
            Some(PatternCheck::Unenforced { .. })
        ));
        assert_eq!(check("In"), None);
        assert!(needs_full_engine(&service));
        let unchecked = unchecked(&service);
        assert_eq!(unchecked.len(), 1);
        assert_eq!(unchecked[0].shape, "Ahead");
        assert_eq!(unchecked[0].pattern, "^(?!x).+$");
    }
}
