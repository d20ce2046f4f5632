//! Patterns checked without a regex engine: the code generator turns each pattern that stays
//! small into an automaton over characters when it reads the model, and generated code holds
//! the automaton's tables. Checking a text is one table step per character.
//!
//! The tables: characters fall into classes that the automaton treats alike. `starts` holds
//! the first character of each run of characters (ascending, the first is `'\0'`) and
//! `classes` the class of each run. `next` holds, for each state and class (index
//! `state * class_count + class`), the state reached, or [`MATCH`] (the text matches, whatever
//! follows) or [`DEAD`] (it cannot match any more). State 0 is the start; `accepts_at_end`
//! says for each state whether the end of the text completes a match. A pattern matches when a
//! match is found anywhere in the text, as model patterns do (anchors are in the pattern).

use std::fmt;

/// The step that finds a match: the text matches.
pub const MATCH: u16 = u16::MAX;
/// The step after which no match can be found: the text does not match.
pub const DEAD: u16 = u16::MAX - 1;

/// A pattern's automaton over characters, as generated code holds it.
pub struct Automaton {
    starts: &'static [char],
    classes: &'static [u8],
    class_count: usize,
    next: &'static [u16],
    accepts_at_end: &'static [bool],
    /// The class of each ASCII character, worked out from `starts` and `classes` when the
    /// automaton is made (at compile time for a `static`), so that the common characters skip
    /// the search through the runs; [`NO_CLASS`] where the tables give none.
    ascii: [u16; 128],
}

/// An ASCII character the tables give no class.
const NO_CLASS: u16 = u16::MAX;

/// The class of `c` by the runs: that of the last run whose start is at most `c`, `found`
/// standing for the runs already passed. Slice patterns rather than indexing, so that tables
/// that do not fit together give no class instead of failing to compile.
const fn class_by_runs(starts: &[char], classes: &[u8], c: char, found: Option<u8>) -> Option<u8> {
    match (starts, classes) {
        ([start, starts @ ..], [class, classes @ ..]) if *start as u32 <= c as u32 => {
            class_by_runs(starts, classes, c, Some(*class))
        }
        // A run without a class gives none.
        ([start, ..], []) if *start as u32 <= c as u32 => None,
        _ => found,
    }
}

impl Automaton {
    /// The automaton with these tables (see the module docs). Tables that do not fit
    /// together never panic: a step that falls outside them is a text that does not match.
    pub const fn new(
        starts: &'static [char],
        classes: &'static [u8],
        class_count: usize,
        next: &'static [u16],
        accepts_at_end: &'static [bool],
    ) -> Self {
        let mut ascii = [NO_CLASS; 128];
        let mut c = 0u8;
        // `c` runs from 0 to 127: within the table, and far from overflowing.
        #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
        while c < 128 {
            if let Some(class) = class_by_runs(starts, classes, c as char, None) {
                ascii[c as usize] = class as u16;
            }
            c += 1;
        }
        Automaton {
            starts,
            classes,
            class_count,
            next,
            accepts_at_end,
            ascii,
        }
    }

    /// The class of `c`: from the ASCII table, else by a binary search of the runs.
    fn class(&self, c: char) -> Option<u8> {
        match self.ascii.get(c as usize) {
            Some(&NO_CLASS) => None,
            Some(&class) => u8::try_from(class).ok(),
            None => {
                let run = self.starts.partition_point(|&start| start <= c);
                run.checked_sub(1)
                    .and_then(|run| self.classes.get(run))
                    .copied()
            }
        }
    }

    /// Whether `text` matches.
    ///
    /// The walk reads bytes: an ASCII byte takes its class from the ASCII table, the first
    /// byte of any other character decodes that character, and the bytes that continue it are
    /// passed over. A long text mostly stays in one state (a token, a long name), so once a
    /// step stays where it was with at least 256 bytes left, the ASCII bytes that keep that
    /// state are worked out once and passed over in one tight loop.
    pub fn is_match(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        let mut state = 0usize;
        let mut row = 0usize;
        let mut at = 0usize;
        while let Some(&byte) = bytes.get(at) {
            let class = if byte.is_ascii() {
                match self.ascii.get(usize::from(byte)) {
                    Some(&NO_CLASS) | None => return false,
                    Some(&class) => usize::from(class),
                }
            } else {
                let c = text.get(at..).and_then(|rest| rest.chars().next());
                match c.and_then(|c| self.class(c)) {
                    Some(class) => usize::from(class),
                    None => return false,
                }
            };
            at = match byte {
                // The first byte of a character says how many bytes it has.
                0..=0x7F => at.saturating_add(1),
                0xC0..=0xDF => at.saturating_add(2),
                0xE0..=0xEF => at.saturating_add(3),
                _ => at.saturating_add(4),
            };
            match row
                .checked_add(class)
                .and_then(|index| self.next.get(index))
            {
                Some(&MATCH) => return true,
                Some(&DEAD) | None => return false,
                Some(&next) if usize::from(next) == state => {
                    let rest = bytes.get(at..).unwrap_or_default();
                    if rest.len() >= RUN_LENGTH {
                        at = at.saturating_add(run(rest, &self.staying(state, row)));
                    }
                }
                Some(&next) => {
                    state = usize::from(next);
                    match state.checked_mul(self.class_count) {
                        Some(r) => row = r,
                        None => return false,
                    }
                }
            }
        }
        self.accepts_at_end.get(state).copied().unwrap_or(false)
    }

    /// Which ASCII bytes lead from `state` (whose row in `next` starts at `row`) to itself.
    fn staying(&self, state: usize, row: usize) -> [bool; 128] {
        let mut stays = [false; 128];
        for (byte, stay) in stays.iter_mut().enumerate() {
            let next = self
                .ascii
                .get(byte)
                .filter(|&&class| class != NO_CLASS)
                .and_then(|&class| row.checked_add(usize::from(class)))
                .and_then(|index| self.next.get(index));
            *stay = next.is_some_and(|&next| usize::from(next) == state);
        }
        stays
    }
}

/// How many bytes at the start of `bytes` are in `stays`. Whole chunks are checked without
/// stopping at the first byte that is not (the compiler unrolls that), then the bytes of the
/// chunk that ends the run one by one.
fn run(bytes: &[u8], stays: &[bool; 128]) -> usize {
    const CHUNK: usize = 16;
    let stays = |b: &u8| stays.get(usize::from(*b)).copied().unwrap_or(false);
    let whole = bytes
        .chunks_exact(CHUNK)
        .take_while(|chunk| chunk.iter().fold(true, |all, b| all & stays(b)))
        .count()
        .saturating_mul(CHUNK);
    let rest = bytes.get(whole..).unwrap_or_default();
    whole.saturating_add(rest.iter().take_while(|b| stays(b)).count())
}

/// How many bytes must be left after a step that stays in its state before the rest is
/// passed over with that state's table: making the table costs about as much as stepping
/// through 128 bytes.
const RUN_LENGTH: usize = 256;

impl fmt::Debug for Automaton {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Automaton")
            .field("states", &self.accepts_at_end.len())
            .field("classes", &self.class_count)
            .field("runs", &self.starts.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `^[0-9]+$`, written by hand: class 0 is everything else, class 1 the digits.
    static DIGITS: Automaton = Automaton::new(
        &['\0', '0', ':'],
        &[0, 1, 0],
        2,
        &[DEAD, 1, DEAD, 1],
        &[false, true],
    );

    /// `ab`, searched anywhere: class 1 is `a`, class 2 is `b`.
    static AB: Automaton = Automaton::new(
        &['\0', 'a', 'b', 'c'],
        &[0, 1, 2, 0],
        3,
        &[0, 1, 0, 0, 1, MATCH],
        &[false, false],
    );

    #[test]
    fn anchored_and_unanchored_tables_walk_as_written() {
        assert!(DIGITS.is_match("0123"));
        assert!(!DIGITS.is_match(""));
        assert!(!DIGITS.is_match("12a"));
        assert!(!DIGITS.is_match("١٢"));
        assert!(AB.is_match("xxab"));
        assert!(AB.is_match("aab"));
        assert!(!AB.is_match("a b"));
        assert!(!AB.is_match(""));
    }

    #[test]
    fn tables_that_do_not_fit_together_refuse_instead_of_panicking() {
        static SHORT: Automaton = Automaton::new(&['\0'], &[5], 2, &[0], &[]);
        assert!(!SHORT.is_match("x"));
        assert!(!SHORT.is_match(""));
        static EMPTY: Automaton = Automaton::new(&[], &[], 0, &[], &[]);
        assert!(!EMPTY.is_match("x"));
        static FAR: Automaton = Automaton::new(&['\0'], &[0], 1, &[7], &[true]);
        assert!(!FAR.is_match("xy"));
    }

    #[test]
    fn the_ascii_table_gives_each_character_the_class_of_its_run() {
        for automaton in [&DIGITS, &AB] {
            for c in (0u8..128).map(char::from).chain(['é', '١', '\u{10FFFF}']) {
                let run = automaton.starts.partition_point(|&start| start <= c);
                let by_runs = run
                    .checked_sub(1)
                    .and_then(|run| automaton.classes.get(run))
                    .copied();
                assert_eq!(automaton.class(c), by_runs, "{c:?}");
            }
        }
        // Runs that begin past `'\0'` leave the characters before them without a class.
        static LATE: Automaton = Automaton::new(&['a'], &[0], 1, &[MATCH], &[false]);
        assert_eq!(LATE.class('0'), None);
        assert_eq!(LATE.class('a'), Some(0));
        assert!(!LATE.is_match("0"));
        assert!(LATE.is_match("a"));
    }

    /// The walk one character at a time, as the tables read: what the byte walk must agree
    /// with.
    fn by_chars(automaton: &Automaton, text: &str) -> bool {
        let mut state = 0usize;
        for c in text.chars() {
            let step = automaton.class(c).and_then(|class| {
                automaton
                    .next
                    .get(state * automaton.class_count + usize::from(class))
            });
            match step {
                Some(&MATCH) => return true,
                Some(&DEAD) | None => return false,
                Some(&next) => state = usize::from(next),
            }
        }
        automaton
            .accepts_at_end
            .get(state)
            .copied()
            .unwrap_or(false)
    }

    /// `^[A-Za-z0-9-_=.]+$`, the tables the generator makes for the user pools' tokens.
    static TOKEN: Automaton = Automaton::new(
        &[
            '\0', '-', '/', '0', ':', '=', '>', 'A', '[', '_', '`', 'a', '{',
        ],
        &[0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0],
        2,
        &[DEAD, 1, DEAD, 1],
        &[false, true],
    );

    /// `x[a-z]*y`, searched anywhere: state 1 loops on `[a-z]` until `y`; the other classes
    /// start over.
    static LOOP_THEN_MATCH: Automaton = Automaton::new(
        &['\0', 'a', 'x', 'y', 'z', '{', 'é', 'ê'],
        &[0, 1, 2, 3, 1, 0, 4, 0],
        5,
        &[0, 0, 1, 0, 0, 0, 1, 1, MATCH, 0],
        &[false, false],
    );

    #[test]
    fn long_runs_agree_with_the_walk_by_characters() {
        let long = "eyJhbGciOiJSUzI1NiJ9.abc_DEF-0129=".repeat(40);
        let mut texts = vec![
            long.clone(),
            String::new(),
            "a".repeat(300),
            "é".repeat(300),
        ];
        // A byte that breaks the run at every place of a long text: inside the first chunk,
        // on a chunk's edge, in the last bytes; ASCII and not.
        for at in [0, 1, 15, 16, 17, 255, 256, 257, 700, long.len() - 1] {
            for breaker in ["!", " ", "é", "\u{10FFFF}", "y", "x"] {
                let mut text = long.clone();
                text.insert_str(at, breaker);
                texts.push(text.clone());
                let rest: String = text.chars().skip(1).collect();
                texts.push(format!("x{rest}"));
            }
        }
        texts.push(format!("x{}y", "b".repeat(1000)));
        texts.push(format!("x{}", "b".repeat(1000)));
        texts.push(format!("x{}éy", "b".repeat(1000)));
        for automaton in [&TOKEN, &LOOP_THEN_MATCH, &DIGITS, &AB] {
            for text in &texts {
                assert_eq!(
                    automaton.is_match(text),
                    by_chars(automaton, text),
                    "{automaton:?} on {:?}",
                    text.chars().take(40).collect::<String>()
                );
            }
        }
        assert!(TOKEN.is_match(&long));
        assert!(!TOKEN.is_match(&format!("{long} ")));
        assert!(LOOP_THEN_MATCH.is_match(&format!("x{}y", "b".repeat(1000))));
        assert!(!LOOP_THEN_MATCH.is_match(&format!("x{}", "b".repeat(1000))));
    }

    #[test]
    fn debug_summarises_the_tables() {
        assert_eq!(
            format!("{DIGITS:?}"),
            "Automaton { states: 2, classes: 2, runs: 3 }"
        );
    }
}
