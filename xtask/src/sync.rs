//! Compares a map of generated files with a directory on disk, and brings the directory in
//! line with the map.
//!
//! The comparison ignores CRLF versus LF, so a checkout with Windows line endings is not
//! stale. Writing replaces only files whose contents differ, through a temporary file in the
//! same directory and a rename, so a reader never sees half a file. A file on disk that the
//! map does not contain is deleted only when its first line carries
//! [`codegen::GENERATED_MARKER`]; anything else in the directory is never touched. This module
//! knows nothing about models or code generation.

use std::borrow::Cow;
use std::fmt;
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{bail, Context, Result};
use codegen::{Files, GENERATED_MARKER};

/// How a file on disk differs from what the generator produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StaleKind {
    /// The file exists but its contents differ.
    Changed,
    /// The generator produced the file but it is not on disk.
    Missing,
    /// The file carries the generated marker but the generator no longer produces it.
    Extra,
}

impl StaleKind {
    /// The word used in reports: `changed`, `missing` or `extra`.
    pub fn as_str(self) -> &'static str {
        match self {
            StaleKind::Changed => "changed",
            StaleKind::Missing => "missing",
            StaleKind::Extra => "extra",
        }
    }
}

impl fmt::Display for StaleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One file that is out of date.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stale {
    /// The path relative to the compared directory.
    pub path: PathBuf,
    /// How it differs.
    pub kind: StaleKind,
}

/// What [`sync`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Files created or rewritten, relative to the directory, sorted.
    pub written: Vec<PathBuf>,
    /// Marked files deleted because the generator no longer produces them, sorted.
    pub deleted: Vec<PathBuf>,
    /// How many produced files were already up to date.
    pub unchanged: usize,
}

impl fmt::Display for SyncReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} written, {} deleted, {} unchanged",
            self.written.len(),
            self.deleted.len(),
            self.unchanged
        )
    }
}

/// The failure of a `--check`: the list of stale files and the command that fixes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleError {
    /// How the directory is named in the report, e.g. `generated`.
    pub label: String,
    /// Every stale file, sorted by path.
    pub stale: Vec<Stale>,
    /// The command that regenerates the directory, e.g. `cargo xtask codegen`.
    pub command: String,
}

impl StaleError {
    /// `Ok(())` when nothing is stale, otherwise the error listing every stale file.
    pub fn check(label: &str, stale: Vec<Stale>, command: &str) -> Result<(), StaleError> {
        if stale.is_empty() {
            return Ok(());
        }
        Err(StaleError {
            label: label.to_owned(),
            stale,
            command: command.to_owned(),
        })
    }
}

impl fmt::Display for StaleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.stale.len();
        let noun = if count == 1 { "file" } else { "files" };
        writeln!(f, "{}/ is out of date ({count} stale {noun}):", self.label)?;
        for entry in &self.stale {
            writeln!(
                f,
                "  {:<7}  {}/{}",
                entry.kind.as_str(),
                self.label,
                slash_path(&entry.path)
            )?;
        }
        write!(f, "hint: run `{}` and commit the result", self.command)
    }
}

impl std::error::Error for StaleError {}

/// Lists every file under `dir` that differs from `files`, sorted by path.
///
/// A missing `dir` is not an error: every produced file is then missing.
pub fn diff(dir: &Path, files: &Files) -> Result<Vec<Stale>> {
    check_paths(files)?;
    let mut stale = Vec::new();
    for (rel, expected) in files {
        let path = dir.join(rel);
        let actual = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                stale.push(Stale {
                    path: rel.clone(),
                    kind: StaleKind::Missing,
                });
                continue;
            }
            Err(err) => {
                return Err(err).with_context(|| format!("reading {}", path.display()));
            }
        };
        if normalize(&actual) != normalize(expected.as_bytes()) {
            stale.push(Stale {
                path: rel.clone(),
                kind: StaleKind::Changed,
            });
        }
    }
    for rel in marked_files(dir)? {
        if !files.contains_key(&rel) {
            stale.push(Stale {
                path: rel,
                kind: StaleKind::Extra,
            });
        }
    }
    stale.sort();
    Ok(stale)
}

/// Makes `dir` match `files`: writes missing and changed files atomically, creating
/// directories as needed, and deletes marked files that `files` does not contain (then any
/// directory that this left empty). Files without the marker are never deleted.
pub fn sync(dir: &Path, files: &Files) -> Result<SyncReport> {
    let stale = diff(dir, files)?;
    let mut report = SyncReport::default();
    for entry in stale {
        let path = dir.join(&entry.path);
        match entry.kind {
            StaleKind::Changed | StaleKind::Missing => {
                // `diff` only reports Changed and Missing for keys of `files`.
                let contents = files
                    .get(&entry.path)
                    .expect("diff reports changed and missing files only for produced paths");
                write_atomic(&path, contents)?;
                report.written.push(entry.path);
            }
            StaleKind::Extra => {
                fs::remove_file(&path).with_context(|| format!("deleting {}", path.display()))?;
                remove_empty_parents(dir, &path)?;
                report.deleted.push(entry.path);
            }
        }
    }
    report.unchanged = files.len() - report.written.len();
    Ok(report)
}

/// Refuses paths that could reach outside the output directory: every generated path must
/// be relative and made of plain names only.
fn check_paths(files: &Files) -> Result<()> {
    for path in files.keys() {
        let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
        if !plain || path.as_os_str().is_empty() {
            bail!(
                "the generator produced the path `{}`, which is not a plain relative path",
                path.display()
            );
        }
    }
    Ok(())
}

/// Treats CRLF and LF line endings as equal.
fn normalize(bytes: &[u8]) -> Cow<'_, [u8]> {
    if !bytes.windows(2).any(|w| w == b"\r\n") {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut iter = bytes.iter().copied().peekable();
    while let Some(byte) = iter.next() {
        if byte == b'\r' && iter.peek() == Some(&b'\n') {
            continue;
        }
        out.push(byte);
    }
    Cow::Owned(out)
}

/// How much of a first line is read when looking for the marker. Headers are short; this
/// bound keeps a large file without newlines from being read whole.
const FIRST_LINE_LIMIT: u64 = 4096;

/// Every regular file under `dir` whose first line carries the generated marker, as paths
/// relative to `dir`.
///
/// Hidden directories (`.git`, editor state) and a top-level `target/` (a standalone crate's
/// build output) are not searched, and symbolic links are not followed, so the walk never
/// leaves `dir`.
fn marked_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let abs = dir.join(&rel);
        let entries = match fs::read_dir(&abs) {
            Ok(entries) => entries,
            Err(err) if err.kind() == io::ErrorKind::NotFound && rel.as_os_str().is_empty() => {
                return Ok(found);
            }
            Err(err) => return Err(err).with_context(|| format!("listing {}", abs.display())),
        };
        for entry in entries {
            let entry = entry.with_context(|| format!("listing {}", abs.display()))?;
            let file_type = entry
                .file_type()
                .with_context(|| format!("inspecting {}", entry.path().display()))?;
            let name = entry.file_name();
            let child = rel.join(&name);
            if file_type.is_dir() {
                let hidden = name.to_string_lossy().starts_with('.');
                let build_dir = rel.as_os_str().is_empty() && name == "target";
                if !hidden && !build_dir {
                    pending.push(child);
                }
            } else if file_type.is_file() && has_marker(&entry.path())? {
                found.push(child);
            }
        }
    }
    Ok(found)
}

/// True when the first line of the file contains the generated marker.
fn has_marker(path: &Path) -> Result<bool> {
    let file = fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut first_line = Vec::new();
    BufReader::new(file.take(FIRST_LINE_LIMIT))
        .read_until(b'\n', &mut first_line)
        .with_context(|| format!("reading {}", path.display()))?;
    let marker = GENERATED_MARKER.as_bytes();
    Ok(first_line.windows(marker.len()).any(|w| w == marker))
}

/// Distinguishes temporary files of concurrent writes within one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `contents` to `path` so that readers see either the old file or the new one: the
/// bytes go to a fresh temporary file in the same directory (a rename is only atomic within
/// one file system), which then replaces `path`.
fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    let parent = path
        .parent()
        .with_context(|| format!("`{}` has no parent directory", path.display()))?;
    fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let name = path
        .file_name()
        .with_context(|| format!("`{}` has no file name", path.display()))?
        .to_string_lossy();
    let (temp, mut file) = loop {
        let count = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = parent.join(format!(".{name}.{}-{count}.tmp", std::process::id()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => break (temp, file),
            // A leftover from an earlier, interrupted run with the same process id.
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => {
                return Err(err).with_context(|| format!("creating {}", temp.display()));
            }
        }
    };
    let written = file
        .write_all(contents.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", temp.display()));
    drop(file);
    let renamed = written.and_then(|()| {
        fs::rename(&temp, path)
            .with_context(|| format!("renaming {} to {}", temp.display(), path.display()))
    });
    if renamed.is_err() {
        // Best effort: the original error matters more than a failed clean-up.
        let _ = fs::remove_file(&temp);
    }
    renamed
}

/// Removes the directories between `path` and `root` that are now empty, so deleting the
/// last file of a generated module does not leave its directory behind.
fn remove_empty_parents(root: &Path, path: &Path) -> Result<()> {
    let mut current = path.parent();
    while let Some(dir) = current {
        if dir == root || !dir.starts_with(root) {
            break;
        }
        let mut entries =
            fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
        if entries.next().is_some() {
            break;
        }
        fs::remove_dir(dir).with_context(|| format!("deleting {}", dir.display()))?;
        current = dir.parent();
    }
    Ok(())
}

/// A relative path with `/` separators on every platform, for stable reports.
pub(crate) fn slash_path(path: &Path) -> String {
    let parts: Vec<_> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TempDir;

    fn files(entries: &[(&str, &str)]) -> Files {
        entries
            .iter()
            .map(|(path, text)| (PathBuf::from(path), (*text).to_owned()))
            .collect()
    }

    fn stale(path: &str, kind: StaleKind) -> Stale {
        Stale {
            path: PathBuf::from(path),
            kind,
        }
    }

    /// Every file under `dir`, hidden ones included, as sorted `/` paths.
    fn all_files(dir: &Path) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut pending = vec![PathBuf::new()];
        while let Some(rel) = pending.pop() {
            for entry in fs::read_dir(dir.join(&rel))? {
                let entry = entry?;
                let child = rel.join(entry.file_name());
                if entry.file_type()?.is_dir() {
                    pending.push(child);
                } else {
                    out.push(slash_path(&child));
                }
            }
        }
        out.sort();
        Ok(out)
    }

    const LIB: &str = "// @generated by test\npub fn f() {}\n";
    const TYPES: &str = "// @generated by test\npub struct T;\n";

    #[test]
    fn every_file_is_missing_when_the_directory_does_not_exist() -> Result<()> {
        let tmp = TempDir::new()?;
        let dir = tmp.path().join("absent");
        let produced = files(&[("src/lib.rs", LIB), ("Cargo.toml", "# @generated\n")]);
        assert_eq!(
            diff(&dir, &produced)?,
            vec![
                stale("Cargo.toml", StaleKind::Missing),
                stale("src/lib.rs", StaleKind::Missing),
            ]
        );
        Ok(())
    }

    #[test]
    fn diff_reports_changed_missing_and_extra_files() -> Result<()> {
        let tmp = TempDir::new()?;
        tmp.write("src/lib.rs", "// @generated by test\nold\n")?;
        tmp.write("src/old.rs", "// @generated by test\n")?;
        let produced = files(&[("src/lib.rs", LIB), ("src/types.rs", TYPES)]);
        assert_eq!(
            diff(tmp.path(), &produced)?,
            vec![
                stale("src/lib.rs", StaleKind::Changed),
                stale("src/old.rs", StaleKind::Extra),
                stale("src/types.rs", StaleKind::Missing),
            ]
        );
        Ok(())
    }

    #[test]
    fn crlf_line_endings_on_disk_are_not_stale() -> Result<()> {
        let tmp = TempDir::new()?;
        tmp.write("src/lib.rs", &LIB.replace('\n', "\r\n"))?;
        let produced = files(&[("src/lib.rs", LIB)]);
        assert_eq!(diff(tmp.path(), &produced)?, vec![]);
        let report = sync(tmp.path(), &produced)?;
        assert_eq!(report.unchanged, 1);
        assert!(report.written.is_empty());
        Ok(())
    }

    #[test]
    fn a_lone_carriage_return_still_counts_as_a_change() -> Result<()> {
        let tmp = TempDir::new()?;
        tmp.write("a.rs", "// @generated\rx\n")?;
        let produced = files(&[("a.rs", "// @generated\nx\n")]);
        assert_eq!(
            diff(tmp.path(), &produced)?,
            vec![stale("a.rs", StaleKind::Changed)]
        );
        Ok(())
    }

    #[test]
    fn files_without_the_marker_are_never_extra_or_deleted() -> Result<()> {
        let tmp = TempDir::new()?;
        tmp.write("README.md", "hand-written\n")?;
        tmp.write(
            "src/manual.rs",
            "// Written by hand.\n// @generated is on line two.\n",
        )?;
        tmp.write("Cargo.lock", "")?;
        let produced = files(&[("src/lib.rs", LIB)]);
        assert_eq!(
            diff(tmp.path(), &produced)?,
            vec![stale("src/lib.rs", StaleKind::Missing)]
        );
        sync(tmp.path(), &produced)?;
        assert_eq!(
            all_files(tmp.path())?,
            vec!["Cargo.lock", "README.md", "src/lib.rs", "src/manual.rs"]
        );
        assert_eq!(tmp.read("README.md")?, "hand-written\n");
        Ok(())
    }

    #[test]
    fn sync_writes_changed_and_missing_files_and_deletes_extra_ones() -> Result<()> {
        let tmp = TempDir::new()?;
        tmp.write("src/lib.rs", "// @generated\nold\n")?;
        tmp.write("src/gone.rs", "# @generated\n")?;
        tmp.write("Cargo.toml", "# @generated\n")?;
        let produced = files(&[
            ("Cargo.toml", "# @generated\n"),
            ("src/lib.rs", LIB),
            ("src/types.rs", TYPES),
        ]);
        let report = sync(tmp.path(), &produced)?;
        assert_eq!(
            report,
            SyncReport {
                written: vec![PathBuf::from("src/lib.rs"), PathBuf::from("src/types.rs")],
                deleted: vec![PathBuf::from("src/gone.rs")],
                unchanged: 1,
            }
        );
        assert_eq!(report.to_string(), "2 written, 1 deleted, 1 unchanged");
        assert_eq!(tmp.read("src/lib.rs")?, LIB);
        assert_eq!(tmp.read("src/types.rs")?, TYPES);
        assert_eq!(diff(tmp.path(), &produced)?, vec![]);
        let again = sync(tmp.path(), &produced)?;
        assert_eq!(again.to_string(), "0 written, 0 deleted, 3 unchanged");
        Ok(())
    }

    #[test]
    fn sync_creates_nested_directories() -> Result<()> {
        let tmp = TempDir::new()?;
        let dir = tmp.path().join("out");
        let produced = files(&[
            ("src/a/b/c.rs", "// @generated\n"),
            ("Cargo.toml", "# @generated\n"),
        ]);
        let report = sync(&dir, &produced)?;
        assert_eq!(report.written.len(), 2);
        assert_eq!(all_files(&dir)?, vec!["Cargo.toml", "src/a/b/c.rs"]);
        Ok(())
    }

    #[test]
    fn atomic_writes_leave_no_temporary_files() -> Result<()> {
        let tmp = TempDir::new()?;
        tmp.write("src/lib.rs", "// @generated\nold\n")?;
        let produced = files(&[("src/lib.rs", LIB), ("src/x/y.rs", TYPES)]);
        sync(tmp.path(), &produced)?;
        assert_eq!(all_files(tmp.path())?, vec!["src/lib.rs", "src/x/y.rs"]);
        Ok(())
    }

    #[test]
    fn deleting_the_last_file_of_a_directory_removes_the_directory() -> Result<()> {
        let tmp = TempDir::new()?;
        tmp.write("src/old/deep/mod.rs", "// @generated\n")?;
        tmp.write("src/keep/manual.rs", "// Hand-written.\n")?;
        tmp.write("src/keep/gen.rs", "// @generated\n")?;
        let produced = files(&[("src/lib.rs", LIB)]);
        let report = sync(tmp.path(), &produced)?;
        assert_eq!(report.deleted.len(), 2);
        assert!(!tmp.path().join("src/old").exists());
        assert!(tmp.path().join("src/keep").is_dir());
        assert_eq!(
            all_files(tmp.path())?,
            vec!["src/keep/manual.rs", "src/lib.rs"]
        );
        Ok(())
    }

    #[test]
    fn hidden_directories_and_top_level_target_are_not_searched() -> Result<()> {
        let tmp = TempDir::new()?;
        tmp.write(".git/x.rs", "// @generated\n")?;
        tmp.write("target/debug/y.rs", "// @generated\n")?;
        tmp.write("src/target/z.rs", "// @generated\n")?;
        let produced = files(&[]);
        assert_eq!(
            diff(tmp.path(), &produced)?,
            vec![stale("src/target/z.rs", StaleKind::Extra)]
        );
        Ok(())
    }

    #[test]
    fn paths_that_leave_the_directory_are_rejected() -> Result<()> {
        let tmp = TempDir::new()?;
        for bad in ["../escape.rs", "/abs.rs", "src/../../x.rs", "./a.rs", ""] {
            let produced = files(&[(bad, "// @generated\n")]);
            let err = sync(tmp.path(), &produced).expect_err(bad);
            assert!(
                err.to_string().contains("not a plain relative path"),
                "{err}"
            );
        }
        assert_eq!(all_files(tmp.path())?, Vec::<String>::new());
        Ok(())
    }

    #[test]
    fn stale_error_lists_every_file_with_its_kind_and_one_hint() {
        let err = StaleError::check(
            "generated/cognito-identity",
            vec![
                stale("src/lib.rs", StaleKind::Changed),
                stale("src/old.rs", StaleKind::Extra),
            ],
            "cargo xtask codegen",
        )
        .expect_err("two stale files");
        assert_eq!(
            err.to_string(),
            "generated/cognito-identity/ is out of date (2 stale files):\n  \
             changed  generated/cognito-identity/src/lib.rs\n  \
             extra    generated/cognito-identity/src/old.rs\n\
             hint: run `cargo xtask codegen` and commit the result"
        );
        assert_eq!(
            StaleError::check("generated/cognito-identity", vec![], "x"),
            Ok(())
        );
    }
}
