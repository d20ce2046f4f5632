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
    pub fn is_match(&self, text: &str) -> bool {
        let mut state = 0usize;
        for c in text.chars() {
            let step = self.class(c).and_then(|class| {
                let index = state
                    .checked_mul(self.class_count)?
                    .checked_add(usize::from(class))?;
                self.next.get(index)
            });
            match step {
                Some(&MATCH) => return true,
                Some(&DEAD) | None => return false,
                Some(&next) => state = usize::from(next),
            }
        }
        self.accepts_at_end.get(state).copied().unwrap_or(false)
    }
}

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

    #[test]
    fn debug_summarises_the_tables() {
        assert_eq!(
            format!("{DIGITS:?}"),
            "Automaton { states: 2, classes: 2, runs: 3 }"
        );
    }
}
