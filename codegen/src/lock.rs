//! `names.lock`: the Rust name the generator gave each model name, kept next to the generated
//! crate so that the next generation gives the same names (see [`crate::names`] for the rule
//! that reads it).
//!
//! The file is text, one name per line, sorted: the scope, the model name that owns the Rust
//! name in that scope, and the Rust name, separated by tabs. Lines starting with `#` are
//! comments. Nothing here decides a name; it only reads and writes the record.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::codegen_error::CodegenError;

/// The names of a previous generation: scope, then owner (a model name, or a name the
/// generator derives from one), then the Rust name it was given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NamesLock {
    scopes: BTreeMap<String, BTreeMap<String, String>>,
}

impl NamesLock {
    /// The file name of the record in the generated crate's directory.
    pub const FILE: &'static str = "names.lock";

    /// An empty record: every name is decided afresh.
    pub fn new() -> NamesLock {
        NamesLock::default()
    }

    /// Reads a record written by [`NamesLock::render`]. A line that is not three tab-separated
    /// fields, a Rust name that is not an identifier, or an owner listed twice in one scope is
    /// an error naming the line.
    pub fn parse(text: &str) -> Result<NamesLock, CodegenError> {
        let mut lock = NamesLock::new();
        for (index, line) in text.lines().enumerate() {
            let line_no = index + 1;
            let bad = |reason: String| CodegenError::NamesLock {
                line: line_no,
                reason,
            };
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let [scope, owner, name] = fields[..] else {
                return Err(bad(format!(
                    "expected a scope, a model name and a Rust name separated by tabs, found {} field(s)",
                    fields.len()
                )));
            };
            if scope.is_empty() || owner.is_empty() {
                return Err(bad(
                    "the scope and the model name must not be empty".to_owned()
                ));
            }
            if syn::parse_str::<syn::Ident>(name).is_err() {
                return Err(bad(format!("`{name}` is not a Rust identifier")));
            }
            let previous = lock
                .scopes
                .entry(scope.to_owned())
                .or_default()
                .insert(owner.to_owned(), name.to_owned());
            if previous.is_some() {
                return Err(bad(format!("`{owner}` is named twice in scope `{scope}`")));
            }
        }
        Ok(lock)
    }

    /// The names recorded in one scope, by owner.
    pub fn scope(&self, scope: &str) -> BTreeMap<String, String> {
        self.scopes.get(scope).cloned().unwrap_or_default()
    }

    /// The Rust name `owner` had in `scope`, if recorded.
    pub fn get(&self, scope: &str, owner: &str) -> Option<&str> {
        self.scopes.get(scope)?.get(owner).map(String::as_str)
    }

    /// Records a name. Owners containing a tab or a line break cannot be written and are
    /// left out (such a name is then decided afresh next time).
    pub fn insert(&mut self, scope: &str, owner: &str, name: &str) {
        let writable = |s: &str| !s.contains(['\t', '\n', '\r']);
        if writable(scope) && writable(owner) {
            self.scopes
                .entry(scope.to_owned())
                .or_default()
                .insert(owner.to_owned(), name.to_owned());
        }
    }

    /// Every recorded name as `(scope, owner, name)`, sorted.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.scopes.iter().flat_map(|(scope, names)| {
            names
                .iter()
                .map(move |(owner, name)| (scope.as_str(), owner.as_str(), name.as_str()))
        })
    }

    /// The file's text, starting with `header` (the generated-file marker line).
    pub fn render(&self, header: &str) -> String {
        let header = header.trim_end();
        let mut out = format!(
            "{header}\n# The Rust name given to each model name, by scope: scope, model name, Rust name.\n# The generator reads it back so that a name, once given, never changes when the model\n# gains shapes, members or operations.\n"
        );
        for (scope, owner, name) in self.entries() {
            // Writing to a String cannot fail.
            let _ = writeln!(out, "{scope}\t{owner}\t{name}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_reads_back_the_same_record() {
        let mut lock = NamesLock::new();
        lock.insert("types", "SSEType", "SseType");
        lock.insert("members Pool", "Type", "r#type");
        lock.insert("types", "bad\towner", "Bad");
        let text = lock.render("# header");
        assert!(text.starts_with("# header\n"));
        assert!(text.contains("members Pool\tType\tr#type\ntypes\tSSEType\tSseType\n"));
        let read = NamesLock::parse(&text).unwrap();
        assert_eq!(read, lock);
        assert_eq!(read.get("types", "SSEType"), Some("SseType"));
        assert_eq!(read.get("types", "bad\towner"), None);
    }

    #[test]
    fn malformed_lines_are_errors_that_name_the_line() {
        let err = |text: &str| NamesLock::parse(text).unwrap_err().to_string();
        assert_eq!(
            err("# c\ntypes\tFoo\n"),
            "names.lock, line 2: expected a scope, a model name and a Rust name separated by tabs, found 2 field(s)"
        );
        assert_eq!(
            err("types\tFoo\t1Foo"),
            "names.lock, line 1: `1Foo` is not a Rust identifier"
        );
        assert_eq!(
            err("types\tFoo\tFoo\ntypes\tFoo\tFoo2"),
            "names.lock, line 2: `Foo` is named twice in scope `types`"
        );
        assert!(err("types\t\tFoo").contains("must not be empty"));
        assert!(err("types\tFoo\ttype").contains("not a Rust identifier"));
        assert!(NamesLock::parse("types\tType\tr#type\n\n").is_ok());
    }
}
