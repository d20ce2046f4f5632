//! Patterns as small automata over characters, built when a model is read, so that generated
//! code checks them with a table walk instead of compiling a regular expression at run time
//! (and a generated crate needs no regex engine at all when every pattern fits).
//!
//! `regex-automata` builds the deterministic automaton over UTF-8 bytes, with the semantics
//! of the full `regex` engine; this module only re-encodes it over characters. Starting from
//! the automaton's unanchored start state, each state that lies between two characters gets
//! one list of runs: for every range of characters, what reading one of them leads to: the
//! state before the next character, a match found ([`Next::Match`]), or no match possible any
//! more ([`Next::Dead`]). A state also says whether the end of the text completes a match.
//! The check is then one step per character (a binary search in the state's runs) and stops
//! at the first match, as a search for a match anywhere does.
//!
//! A pattern whose byte automaton or character table would be large (counted repetitions
//! such as `.{1,4096}`, or many Unicode classes) gets no automaton ([`build`] returns `None`)
//! and is left to a regex engine.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use regex_automata::dfa::{dense, Automaton as _, StartKind};
use regex_automata::nfa::thompson;
use regex_automata::util::primitives::StateID;
use regex_automata::util::{start, syntax};
use regex_automata::Anchored;
use regex_syntax::utf8::{Utf8Range, Utf8Sequences};
use serde::Serialize;

/// The most states of the pattern's NFA: more (counted repetitions such as `.{0,1600}`) would
/// make a byte automaton too large to be worth building.
const MAX_NFA_STATES: usize = 4096;
/// The largest byte automaton (in bytes of heap) built for a pattern.
const MAX_DFA_BYTES: usize = 1 << 19;
/// The most states a character automaton may have.
pub const MAX_STATES: usize = 256;
/// The most states read while an automaton is built, before equal ones are merged.
const MAX_BUILD_STATES: usize = 1024;
/// The most runs of characters, over all states, while an automaton is built.
const MAX_BUILD_RUNS: usize = 32 * 1024;
/// The most runs of characters of one class an automaton may have (in generated code, some
/// ten runs make a line).
pub const MAX_RUNS: usize = 4096;

/// A pattern as an automaton over characters, in the form generated code holds it.
///
/// Characters fall into classes that every state treats alike: `starts` lists the first
/// character of each run of characters (ascending, from `'\0'`) and `classes` the class of
/// that run. `next` is the table of steps, `class_count` entries per state; state 0 is the
/// start. `accepts_at_end` says, per state, whether the end of the text completes a match.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Automaton {
    /// The first character of each run.
    pub starts: Vec<char>,
    /// The class of each run.
    pub classes: Vec<u8>,
    /// The number of classes.
    pub class_count: usize,
    /// Where each class leads from each state: index `state * class_count + class`.
    pub next: Vec<Next>,
    /// Whether the end of the text completes a match, per state.
    pub accepts_at_end: Vec<bool>,
}

/// Where reading a character leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Next {
    /// To this state.
    State(u16),
    /// A match is found: the text matches.
    Match,
    /// No match can follow: the text does not match.
    Dead,
}

impl Automaton {
    /// The number of states.
    pub fn state_count(&self) -> usize {
        self.accepts_at_end.len()
    }

    /// Whether `text` matches somewhere, walking the tables as the runtime's
    /// `automaton::Automaton::is_match` does, for the tests here that compare the tables with
    /// a regex engine.
    #[cfg(test)]
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let mut state = 0usize;
        for c in text.chars() {
            let run = self.starts.partition_point(|&start| start <= c);
            let class = run
                .checked_sub(1)
                .and_then(|run| self.classes.get(run))
                .map(|&class| usize::from(class));
            let next = class.and_then(|class| self.next.get(state * self.class_count + class));
            match next {
                Some(&Next::State(n)) => state = usize::from(n),
                Some(Next::Match) => return true,
                Some(Next::Dead) | None => return false,
            }
        }
        self.accepts_at_end.get(state).copied().unwrap_or(false)
    }
}

impl fmt::Debug for Automaton {
    /// A summary: the tables themselves are in the generated code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Automaton {{ states: {}, classes: {}, runs: {} }}",
            self.state_count(),
            self.class_count,
            self.starts.len()
        )
    }
}

/// One state between two characters, while the automaton is built: what each run of
/// characters leads to (runs in order, the first from `'\0'`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    accepts_at_end: bool,
    runs: Vec<Run>,
}

/// The characters from `start` to the next run's start, and where they lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    start: char,
    next: Next,
}

/// The automaton of `regex` (Rust syntax, read as the full `regex` engine reads it) searched
/// anywhere in a text, or `None` when it cannot be built or is larger than the limits above.
pub fn build(regex: &str) -> Option<Automaton> {
    build_with(regex, syntax::Config::new())
}

/// The automaton of `regex` read without Unicode, as `regex-lite` reads the region patterns
/// of partition data: `\w`, `\d`, `\s` and `\b` are ASCII. A pattern that could then match
/// part of a character (`.`, a negated class) has none.
pub fn build_ascii(regex: &str) -> Option<Automaton> {
    build_with(regex, syntax::Config::new().unicode(false))
}

fn build_with(regex: &str, syntax: syntax::Config) -> Option<Automaton> {
    let nfa = thompson::Compiler::new().syntax(syntax).build(regex).ok()?;
    if nfa.states().len() > MAX_NFA_STATES {
        return None;
    }
    // Not minimised: the character automaton is minimised below, and minimising a byte
    // automaton of some hundred kilobytes takes seconds.
    let dfa = dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Unanchored)
                .dfa_size_limit(Some(MAX_DFA_BYTES))
                .determinize_size_limit(Some(MAX_DFA_BYTES)),
        )
        .build_from_nfa(&nfa)
        .ok()?;
    let start = dfa
        .start_state(&start::Config::new().anchored(Anchored::No))
        .ok()?;
    let mut reader = Reader {
        dfa: &dfa,
        memo: HashMap::new(),
    };
    let mut ids: BTreeMap<StateID, u16> = BTreeMap::new();
    let mut order = Vec::new();
    let decided = match reader.step(start)? {
        Step::To(_) => None,
        Step::Match => Some(Next::Match),
        Step::Dead => Some(Next::Dead),
    };
    if let Some(next) = decided {
        // The start itself decides: every text matches, or none does.
        return classify(&[State {
            accepts_at_end: next == Next::Match,
            runs: vec![Run { start: '\0', next }],
        }]);
    }
    ids.insert(start, 0);
    order.push(start);
    let mut states = Vec::new();
    let mut runs_total = 0usize;
    while let Some(&id) = order.get(states.len()) {
        let mut runs: Vec<Run> = Vec::new();
        for (start, next) in reader.characters(id)? {
            let next = match next {
                Step::To(target) => {
                    let index = match ids.get(&target) {
                        Some(&index) => index,
                        None => {
                            let index = u16::try_from(order.len()).ok()?;
                            ids.insert(target, index);
                            order.push(target);
                            index
                        }
                    };
                    Next::State(index)
                }
                Step::Match => Next::Match,
                Step::Dead => Next::Dead,
            };
            if runs.last().is_none_or(|last| last.next != next) {
                runs.push(Run { start, next });
            }
        }
        runs_total += runs.len();
        if order.len() > MAX_BUILD_STATES || runs_total > MAX_BUILD_RUNS {
            return None;
        }
        let accepts_at_end = dfa.is_match_state(dfa.next_eoi_state(id));
        states.push(State {
            accepts_at_end,
            runs,
        });
    }
    let states = minimize(settle(states));
    if states.len() > MAX_STATES {
        return None;
    }
    classify(&states)
}

/// The table form of `states`: the runs of characters every state treats alike become
/// classes. `None` when there are more than 256 classes or more runs than [`MAX_RUNS`].
fn classify(states: &[State]) -> Option<Automaton> {
    let starts: BTreeSet<char> = states
        .iter()
        .flat_map(|s| s.runs.iter().map(|r| r.start))
        .collect();
    // The step of each state for the characters from `start` (to the next start).
    let column = |start: char| -> Vec<Next> {
        states
            .iter()
            .map(|s| {
                let i = s.runs.partition_point(|r| r.start <= start);
                i.checked_sub(1)
                    .and_then(|i| s.runs.get(i))
                    .map_or(Next::Dead, |r| r.next)
            })
            .collect()
    };
    let mut class_of: BTreeMap<Vec<Next>, u8> = BTreeMap::new();
    let mut columns: Vec<Vec<Next>> = Vec::new();
    let mut runs: Vec<(char, u8)> = Vec::new();
    for start in starts {
        let steps = column(start);
        let class = match class_of.get(&steps) {
            Some(&class) => class,
            None => {
                let class = u8::try_from(columns.len()).ok()?;
                class_of.insert(steps.clone(), class);
                columns.push(steps);
                class
            }
        };
        if runs.last().is_none_or(|&(_, last)| last != class) {
            runs.push((start, class));
        }
    }
    if runs.len() > MAX_RUNS {
        return None;
    }
    let class_count = columns.len();
    let next = (0..states.len())
        .flat_map(|state| {
            columns
                .iter()
                .map(move |column| column.get(state).copied().unwrap_or(Next::Dead))
        })
        .collect();
    Some(Automaton {
        starts: runs.iter().map(|&(start, _)| start).collect(),
        classes: runs.iter().map(|&(_, class)| class).collect(),
        class_count,
        next,
        accepts_at_end: states.iter().map(|s| s.accepts_at_end).collect(),
    })
}

/// Replaces each step into a state that matches whatever follows (the byte automaton reports
/// a match one byte late, so the state after the last character of a match is such a state)
/// with [`Next::Match`], and drops the states no longer reached.
fn settle(states: Vec<State>) -> Vec<State> {
    let settled = |n: u16| {
        states
            .get(usize::from(n))
            .is_some_and(|s| s.accepts_at_end && s.runs.iter().all(|r| r.next == Next::Match))
    };
    let mut number: BTreeMap<u16, u16> = BTreeMap::from([(0, 0)]);
    let mut order = vec![0u16];
    let mut out = Vec::new();
    while let Some(&old) = order.get(out.len()) {
        let Some(state) = states.get(usize::from(old)) else {
            break;
        };
        let mut runs: Vec<Run> = Vec::new();
        for run in &state.runs {
            let next = match run.next {
                Next::State(n) if n != 0 && settled(n) => Next::Match,
                Next::State(n) => {
                    let fresh = u16::try_from(number.len()).unwrap_or(u16::MAX);
                    let index = *number.entry(n).or_insert(fresh);
                    if index == fresh {
                        order.push(n);
                    }
                    Next::State(index)
                }
                other => other,
            };
            if runs.last().is_none_or(|last| last.next != next) {
                runs.push(Run {
                    start: run.start,
                    next,
                });
            }
        }
        out.push(State {
            accepts_at_end: state.accepts_at_end,
            runs,
        });
    }
    out
}

/// Merges the states that behave alike (the byte automaton's start state and the state after
/// a character that starts no match often do), by refining a partition until it is stable.
fn minimize(states: Vec<State>) -> Vec<State> {
    let states = &states;
    let mut class: Vec<usize> = states
        .iter()
        .map(|s| usize::from(s.accepts_at_end))
        .collect();
    loop {
        let mut signatures: BTreeMap<(usize, Vec<(char, Next)>), usize> = BTreeMap::new();
        let refined: Vec<usize> = states
            .iter()
            .zip(&class)
            .map(|(state, &own)| {
                let runs = runs_between(&state.runs, |n| class.get(usize::from(n)).copied());
                let next = signatures.len();
                *signatures.entry((own, runs)).or_insert(next)
            })
            .collect();
        let stable = signatures.len() == class.iter().collect::<BTreeSet<_>>().len();
        class = refined;
        if stable {
            break;
        }
    }
    // One state per class, numbered by first appearance so the start stays 0.
    let mut number: BTreeMap<usize, u16> = BTreeMap::new();
    let mut merged = Vec::new();
    for (state, &c) in states.iter().zip(&class) {
        if number.contains_key(&c) {
            continue;
        }
        number.insert(c, u16::try_from(merged.len()).unwrap_or(u16::MAX));
        merged.push(state);
    }
    let states = merged
        .into_iter()
        .map(|state| State {
            accepts_at_end: state.accepts_at_end,
            runs: runs_between(&state.runs, |n| {
                class
                    .get(usize::from(n))
                    .and_then(|c| number.get(c))
                    .map(|&n| usize::from(n))
            })
            .into_iter()
            .map(|(start, next)| Run { start, next })
            .collect(),
        })
        .collect();
    states
}

/// `runs` with each target state renamed by `rename`, runs that now lead to the same place
/// merged.
fn runs_between(runs: &[Run], rename: impl Fn(u16) -> Option<usize>) -> Vec<(char, Next)> {
    let mut out: Vec<(char, Next)> = Vec::new();
    for run in runs {
        let next = match run.next {
            Next::State(n) => rename(n)
                .and_then(|n| u16::try_from(n).ok())
                .map_or(Next::Dead, Next::State),
            other => other,
        };
        if out.last().is_none_or(|&(_, last)| last != next) {
            out.push((run.start, next));
        }
    }
    out
}

/// Where one byte or character leads in the byte automaton.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    To(StateID),
    Match,
    Dead,
}

/// Characters `lo..=hi` (as numbers) and where they lead.
type Span = (u32, u32, Step);

/// A state and the byte ranges of a tail of a UTF-8 sequence.
type TailKey = (StateID, Vec<(u8, u8)>);

/// Reads characters through the byte automaton, remembering what each tail of a UTF-8
/// sequence does from each state.
struct Reader<'a> {
    dfa: &'a dense::DFA<Vec<u32>>,
    /// (state, tail of byte ranges) to the runs it gives, with character values relative to
    /// the tail (the payload bits of its bytes).
    memo: HashMap<TailKey, Vec<Span>>,
}

impl Reader<'_> {
    /// The step into `id` itself: a match or dead state decides, another state goes on.
    /// `None` for a quit state, where the byte automaton gives up (it has none unless built
    /// for Unicode word boundaries, which `build` refuses; this keeps it from being read as
    /// "no match").
    fn step(&self, id: StateID) -> Option<Step> {
        if self.dfa.is_quit_state(id) {
            None
        } else if self.dfa.is_match_state(id) {
            Some(Step::Match)
        } else if self.dfa.is_dead_state(id) {
            Some(Step::Dead)
        } else {
            Some(Step::To(id))
        }
    }

    /// Every character from `id`, as ranges in order (first character, step), or `None` when
    /// the ranges do not come out contiguous (the UTF-8 sequences guarantee they do) or a
    /// quit state is reached.
    fn characters(&mut self, id: StateID) -> Option<Vec<(char, Step)>> {
        let mut out: Vec<Span> = Vec::new();
        for sequence in Utf8Sequences::new('\0', char::MAX) {
            let ranges = sequence.as_slice();
            // The payload bits of the lead byte, by the length of the sequence.
            let mask = match ranges.len() {
                1 => 0x7f,
                2 => 0x1f,
                3 => 0x0f,
                _ => 0x07,
            };
            self.bytes(id, ranges, mask, &mut out)?;
        }
        out.into_iter()
            .map(|(lo, _, step)| char::from_u32(lo).map(|c| (c, step)))
            .collect()
    }

    /// The runs of continuation bytes `tail` read from `id`, relative to the tail.
    fn tail(&mut self, id: StateID, tail: &[Utf8Range]) -> Option<Vec<Span>> {
        let key = (
            id,
            tail.iter().map(|r| (r.start, r.end)).collect::<Vec<_>>(),
        );
        if let Some(runs) = self.memo.get(&key) {
            return Some(runs.clone());
        }
        let mut out = Vec::new();
        if !tail.is_empty() {
            self.bytes(id, tail, 0x3f, &mut out)?;
        }
        self.memo.insert(key, out.clone());
        Some(out)
    }

    /// Appends to `out` the runs of the byte ranges `ranges` read from `id`, the first byte
    /// carrying the payload bits `mask` and each later one six bits (values relative to
    /// `ranges`).
    fn bytes(
        &mut self,
        id: StateID,
        ranges: &[Utf8Range],
        mask: u8,
        out: &mut Vec<Span>,
    ) -> Option<()> {
        let (first, rest) = ranges.split_first()?;
        let shift = 6 * u32::try_from(rest.len()).ok()?;
        for byte in first.start..=first.end {
            let base = u32::from(byte & mask) << shift;
            let step = self.step(self.dfa.next_state(id, byte))?;
            match step {
                Step::To(next) if !rest.is_empty() => {
                    for (lo, hi, s) in self.tail(next, rest)? {
                        push(out, base + lo, base + hi, s)?;
                    }
                }
                _ => {
                    let (lo, hi) = tail_bounds(rest);
                    push(out, base + lo, base + hi, step)?;
                }
            }
        }
        Some(())
    }
}

/// The smallest and largest payload of continuation byte ranges.
fn tail_bounds(tail: &[Utf8Range]) -> (u32, u32) {
    tail.iter().fold((0, 0), |(lo, hi), r| {
        (
            (lo << 6) | u32::from(r.start & 0x3f),
            (hi << 6) | u32::from(r.end & 0x3f),
        )
    })
}

/// Appends the range `lo..=hi` leading to `step`, merged into the last range when that one
/// ends just before and leads to the same place. `None` when the range does not follow on.
fn push(out: &mut Vec<Span>, lo: u32, hi: u32, step: Step) -> Option<()> {
    // The only gap allowed is that of the surrogates, which are no characters.
    let follows = |end: u32| end.checked_add(1) == Some(lo) || (end == 0xd7ff && lo == 0xe000);
    match out.last_mut() {
        Some(last) if !follows(last.1) => None,
        Some(last) if last.2 == step => {
            last.1 = hi;
            Some(())
        }
        _ => {
            out.push((lo, hi, step));
            Some(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(regex: &str, texts: &[&str]) {
        let automaton = build(regex).unwrap_or_else(|| panic!("no automaton for {regex}"));
        let engine = regex::Regex::new(regex).unwrap();
        for text in texts {
            assert_eq!(
                automaton.is_match(text),
                engine.is_match(text),
                "{regex} on {text:?}"
            );
        }
    }

    const TEXTS: &[&str] = &[
        "",
        "a",
        "abc",
        "us-east-1:0123-abcd",
        "us-east-1",
        "ünïcödé",
        "名前",
        "𝄞 music",
        " ",
        "\n",
        "a b",
        "abc123",
        "123",
        "ABC-42",
        "x ABC-42 y",
        "unauthenticated",
        "authenticated",
        "authentic",
        "yes",
        "nope",
        "arn:aws:iam::123456789012:role/x",
    ];

    #[test]
    fn agrees_with_the_regex_engine() {
        for regex in [
            r"[[:word:]-]+:[0-9a-f-]+",
            r"(un)?authenticated",
            r"^(un)?authenticated$",
            r"[[:^space:]]+",
            r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+",
            r"^\p{L}+$",
            r"[A-Z]{3}-[[:digit:]]+",
            r"^[[:digit:]]{6}$",
            r"yes|no",
            r"^$",
            r"x*",
            r"(?-u:\b)abc(?-u:\b)",
            r"^[^a]*$",
            r"名|𝄞",
            r"^us\-[[:word:]]+\-[[:digit:]]+$",
        ] {
            check(regex, TEXTS);
        }
    }

    /// Texts over characters at the edges of the UTF-8 lengths and of the patterns' classes,
    /// from a fixed pseudo-random sequence.
    fn many_texts() -> Vec<String> {
        let alphabet = [
            'a',
            'Z',
            '0',
            '9',
            '-',
            ':',
            '_',
            ' ',
            '\n',
            '!',
            'ü',
            '名',
            '𝄞',
            '\u{80}',
            '\u{7ff}',
            '\u{800}',
            '\u{d7ff}',
            '\u{e000}',
            '\u{ffff}',
            '\u{10000}',
            '\u{10ffff}',
            '\u{ad}',
            'f',
            'g',
        ];
        let mut seed = 0x2545_f491_u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            usize::try_from(seed >> 33).unwrap()
        };
        (0..3000)
            .map(|_| {
                let len = next() % 7;
                (0..len)
                    .map(|_| alphabet[next() % alphabet.len()])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn agrees_with_the_regex_engine_on_many_texts() {
        let texts = many_texts();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        for regex in [
            r"[[:word:]-]+:[0-9a-f-]+",
            r"^[[:word:]-]+:[0-9a-f-]+$",
            r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+",
            r"^[^\n]{2,4}$",
            r"(?-u:\b)[a-f]+(?-u:\B)",
            r"\u{ffff}|𝄞a",
        ] {
            check(regex, &texts);
        }
    }

    #[test]
    fn small_patterns_stay_small_and_large_ones_are_refused() {
        let a = build(r"[[:word:]-]+:[0-9a-f-]+").unwrap();
        assert!(a.state_count() <= 4, "{a:?}");
        let unicode = build(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+").unwrap();
        assert_eq!(
            (unicode.state_count(), unicode.class_count),
            (1, 2),
            "{unicode:?}"
        );
        let anchored = build(r"^\p{L}+:\p{L}+$").unwrap();
        assert_eq!(anchored.class_count, 3, "{anchored:?}");
        assert!(build(r"^[\s\S]{0,4096}$").is_none());
        assert!(build(r"(").is_none());
    }

    #[test]
    fn ascii_reading_keeps_perl_classes_ascii() {
        let unicode = build(r"^us\-\w+\-\d+$").unwrap();
        let ascii = build_ascii(r"^us\-\w+\-\d+$").unwrap();
        assert!(unicode.is_match("us-ëast-١") && !ascii.is_match("us-ëast-1"));
        assert!(ascii.is_match("us-east-1") && !ascii.is_match("us-east-x"));
        assert!(
            build_ascii(r"^a.b$").is_none(),
            "`.` may match part of a character"
        );
    }

    #[test]
    fn a_pattern_every_text_matches_is_one_match_run() {
        let a = build(r"").unwrap();
        assert!(a.is_match("") && a.is_match("anything"));
    }
}
