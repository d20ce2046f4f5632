//! `cargo xtask protocol-tests`: runs protocol test suites (botocore's format) against crates
//! generated from the suites' own models.
//!
//! For every suite of every file, the real pipeline (model reader, validation, code
//! generator) turns the suite's model into a crate, and a runner crate holds one function per
//! case. All of them are built in one scratch workspace, `target/scratch/protocol-tests/`, then
//! each runner runs and reports its cases. Every case ends with a result: a case that cannot
//! be built, whose crate does not compile, or that its runner never reports fails with that
//! reason; none is skipped. The harness knows the suite format, not any particular suite, so
//! a new file in the same format runs without changes here.

pub mod runner;
pub mod suite;

use std::collections::BTreeMap;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::scratch::{self, ScratchWorkspace};
use crate::{paths, runtime_dir};
use suite::Suite;

/// Where the vendored suites live, relative to the workspace root.
pub const DEFAULT_SUITES_DIR: &str = "tests/protocol";

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseOutcome {
    /// The case id.
    pub id: String,
    /// `Err` with the reason when the case failed.
    pub result: Result<(), String>,
}

/// The results of one suite file, in case order.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file's name, e.g. `input-json.json`.
    pub name: String,
    /// Every case of every suite in the file.
    pub cases: Vec<CaseOutcome>,
}

impl FileReport {
    /// How many cases passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.result.is_ok()).count()
    }

    /// How many cases failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }

    /// `<file name>: N passed, M failed`.
    pub fn summary(&self) -> String {
        format!(
            "{}: {} passed, {} failed",
            self.name,
            self.passed(),
            self.failed()
        )
    }

    /// The summary line followed by one line per failed case with its reason.
    pub fn text(&self) -> String {
        let mut out = self.summary();
        for case in &self.cases {
            if let Err(reason) = &case.result {
                out.push_str(&format!("\n  FAIL {}: {reason}", case.id));
            }
        }
        out
    }
}

/// The suite files named by `paths`: files as given, and the `.json` files directly inside
/// directories, sorted by name.
pub fn suite_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = fs::read_dir(path)
                .with_context(|| format!("listing {}", path.display()))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
                .collect();
            if found.is_empty() {
                bail!("{} holds no .json suite files", path.display());
            }
            found.sort();
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            bail!("{} is neither a suite file nor a directory", path.display());
        }
    }
    Ok(files)
}

/// One suite's place in the scratch workspace.
struct Planned {
    /// Index into the files.
    file: usize,
    /// The suite's cases: their positions in the file's cases, which are contiguous.
    slots: Range<usize>,
    /// The member directory of the generated crate (its runner is `<dir>-cases`).
    dir: String,
    /// The runner binary's name.
    bin: String,
}

/// A file's cases while they run: each id with its result once known.
struct Pending {
    name: String,
    cases: Vec<(String, Option<Result<(), String>>)>,
}

impl Pending {
    /// Sets every still-unknown case in `slots` to failed with `reason`.
    fn fail_rest(&mut self, slots: Range<usize>, reason: &str) {
        for (_, result) in &mut self.cases[slots] {
            if result.is_none() {
                *result = Some(Err(reason.to_owned()));
            }
        }
    }
}

/// Runs every case of the suite files `paths` (files or directories) and reports per file.
/// Fails only when a file cannot be read as suites or the build cannot start.
pub fn run(paths: &[PathBuf]) -> Result<Vec<FileReport>> {
    let files = suite_files(paths)?;
    let target_dir = scratch::target_dir();
    let mut workspace = ScratchWorkspace::named("protocol-tests")?;
    let mut pending = Vec::new();
    let mut planned = Vec::new();
    let mut used_dirs = BTreeMap::new();
    for path in &files {
        let suites = suite::read_file(path)?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let stem = dir_stem(path, &mut used_dirs);
        let mut file = Pending {
            name,
            cases: Vec::new(),
        };
        for (index, suite) in suites.iter().enumerate() {
            let first = file.cases.len();
            let slots = first..first + suite.cases.len();
            file.cases
                .extend(suite.cases.iter().map(|c| (c.id.clone(), None)));
            let dir = format!("{stem}-{index:02}");
            match prepare_suite(&mut workspace, suite, &file.name, index, &dir) {
                Ok(unbuilt) => {
                    for (case, reason) in unbuilt {
                        file.cases[first + case].1 = Some(Err(reason));
                    }
                    planned.push(Planned {
                        file: pending.len(),
                        slots,
                        bin: format!("protocol-{dir}-cases"),
                        dir,
                    });
                }
                Err(reason) => file.fail_rest(slots, &reason),
            }
        }
        pending.push(file);
    }
    workspace.finish()?;

    // A runner left from an earlier run must not stand in for one that no longer builds.
    for plan in &planned {
        let _ = fs::remove_file(target_dir.join("debug").join(&plan.bin));
    }
    let mut build = workspace.cargo();
    // The `test` profile, as `cargo test` in the other scratch workspaces builds dependencies:
    // a unit's hash includes its profile's name, so a `dev` build here would compile the
    // runtime's dependencies, AWS-LC's C library among them, a second time in the shared
    // target directory. The binaries still land in `debug/`. No default features: the cases
    // run over an in-memory transport, so the runtime's HTTPS transport, and the TLS stack
    // under it, stay out of the build (`scratch::TRANSPORT_FEATURES`).
    build.args([
        "build",
        "--profile",
        "test",
        "--workspace",
        "--no-default-features",
        "--bins",
        "--keep-going",
        "--offline",
        "--quiet",
        "--message-format=short",
    ]);
    let build_log = scratch::output_text(&scratch::run(build)?);

    for plan in planned {
        let file = &mut pending[plan.file];
        let bin = target_dir.join("debug").join(&plan.bin);
        if !bin.is_file() {
            let reason = format!(
                "the suite's generated crate or runner did not compile:\n{}",
                diagnostics_for(&build_log, &plan.dir)
            );
            file.fail_rest(plan.slots, &reason);
            continue;
        }
        let output = scratch::run(std::process::Command::new(&bin))?;
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Some((id, result)) = parse_line(line) else {
                continue;
            };
            let case = file.cases[plan.slots.clone()]
                .iter_mut()
                .find(|(case_id, done)| case_id == id && done.is_none());
            if let Some((_, done)) = case {
                *done = Some(result);
            }
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        let tail = lines[lines.len().saturating_sub(5)..].join("\n");
        let reason = format!(
            "the runner stopped ({}) before reporting this case: {tail}",
            output.status
        );
        file.fail_rest(plan.slots, &reason);
    }
    Ok(pending
        .into_iter()
        .map(|file| FileReport {
            name: file.name,
            cases: file
                .cases
                .into_iter()
                .map(|(id, result)| CaseOutcome {
                    id,
                    result: result.unwrap_or_else(|| Err("the case was never run".to_owned())),
                })
                .collect(),
        })
        .collect())
}

/// Generates a suite's crate and runner into the workspace. Returns the cases that cannot
/// be built, by index, with reasons; `Err` fails the whole suite.
fn prepare_suite(
    workspace: &mut ScratchWorkspace,
    suite: &Suite,
    file_name: &str,
    index: usize,
    dir: &str,
) -> Result<Vec<(usize, String)>, String> {
    let (model_text, conflicts) = suite::service_model(suite);
    let source_name = format!("{file_name} (suite {index})");
    let service = model::load_botocore(model::BotocoreFiles {
        service: model::Source {
            name: &source_name,
            text: &model_text,
        },
        paginators: None,
        endpoint_rules: None,
    })
    .map_err(|e| format!("the suite's model is rejected: {e}"))?;
    let package = format!("protocol-{dir}");
    let lib_dir = workspace.member_dir(dir);
    let options = codegen::Options {
        crate_name: package.clone(),
        runtime_dependency: paths::runtime_dependency(&lib_dir, &runtime_dir())
            .map_err(|e| e.to_string())?,
        workspace_member: false,
        model_files: vec![source_name],
        names_lock: Default::default(),
        operation_features: false,
    };
    let files = codegen::generate(&service, &options)
        .map_err(|e| format!("the code generator fails on the suite's model: {e}"))?;
    workspace
        .add_crate(dir, &files)
        .map_err(|e| format!("{e:#}"))?;
    let runner_dir = format!("{dir}-cases");
    let runtime = paths::relative_path(&workspace.member_dir(&runner_dir), &runtime_dir())
        .ok_or_else(|| "no relative path from the scratch workspace to the runtime".to_owned())?;
    let (runner, unbuilt) = runner::runner_crate(
        suite,
        &service,
        &options,
        &format!("{package}-cases"),
        (&package, &package.replace('-', "_"), &format!("../{dir}")),
        &runtime.to_string_lossy().replace('\\', "/"),
        &conflicts,
    )?;
    workspace
        .add_crate(&runner_dir, &runner)
        .map_err(|e| format!("{e:#}"))?;
    Ok(unbuilt)
}

/// A directory stem for a suite file, unique within the run: its file stem in lowercase with
/// anything but letters and digits turned into `-`.
fn dir_stem(path: &Path, used: &mut BTreeMap<String, usize>) -> String {
    let raw = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut stem: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if !stem.starts_with(|c: char| c.is_ascii_alphabetic()) {
        stem.insert_str(0, "suite-");
    }
    let count = used.entry(stem.clone()).or_insert(0);
    *count += 1;
    if *count > 1 {
        stem.push_str(&format!("-{count}"));
    }
    stem
}

/// Reads a runner's `PASS\t<id>` or `FAIL\t<id>\t<JSON reason>` line.
fn parse_line(line: &str) -> Option<(&str, Result<(), String>)> {
    let mut parts = line.splitn(3, '\t');
    match (parts.next()?, parts.next()?, parts.next()) {
        ("PASS", id, None) => Some((id, Ok(()))),
        ("FAIL", id, Some(reason)) => {
            let reason =
                serde_json::from_str::<String>(reason).unwrap_or_else(|_| reason.to_owned());
            Some((id, Err(reason)))
        }
        _ => None,
    }
}

/// The build diagnostics that mention the suite's directories, or the log's end when none
/// does (a failure elsewhere stopped the build).
fn diagnostics_for(log: &str, dir: &str) -> String {
    let prefixes = [
        format!("{dir}/"),
        format!("{dir}-cases/"),
        format!("`protocol-{dir}"),
    ];
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| prefixes.iter().any(|p| l.contains(p.as_str())))
        .take(20)
        .collect();
    if lines.is_empty() {
        let all: Vec<&str> = log.lines().collect();
        all[all.len().saturating_sub(20)..].join("\n")
    } else {
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suite_paths_expand_directories_and_reject_what_is_missing() -> Result<()> {
        let dir = crate::test_support::TempDir::new()?;
        dir.write("suites/b.json", "[]")?;
        dir.write("suites/a.json", "[]")?;
        dir.write("suites/notes.txt", "")?;
        dir.write("empty/readme.txt", "")?;
        let root = dir.path();
        let files = suite_files(&[root.join("suites"), root.join("suites/a.json")])?;
        let names: Vec<_> = files
            .iter()
            .map(|f| f.strip_prefix(root).unwrap_or(f).to_path_buf())
            .collect();
        assert_eq!(
            names,
            ["suites/a.json", "suites/b.json", "suites/a.json"].map(PathBuf::from)
        );
        let empty = suite_files(&[root.join("empty")]).unwrap_err();
        assert!(
            empty.to_string().contains("holds no .json suite files"),
            "{empty}"
        );
        let missing = suite_files(&[root.join("nope.json")]).unwrap_err();
        assert!(missing
            .to_string()
            .contains("neither a suite file nor a directory"));
        Ok(())
    }

    #[test]
    fn a_file_that_is_not_suites_is_an_error_naming_it() -> Result<()> {
        let dir = crate::test_support::TempDir::new()?;
        dir.write("bad.json", "{\"not\": \"an array\"}")?;
        let err = run(&[dir.path().join("bad.json")]).unwrap_err();
        assert!(format!("{err:#}").contains("bad.json is not a protocol test suite file"));
        Ok(())
    }

    #[test]
    fn runner_lines_parse_into_results() {
        assert_eq!(parse_line("PASS\tcase-1"), Some(("case-1", Ok(()))));
        assert_eq!(
            parse_line("FAIL\tcase-2\t\"body differs\\nhere\""),
            Some(("case-2", Err("body differs\nhere".to_owned())))
        );
        assert_eq!(parse_line("something else"), None);
    }

    #[test]
    fn directory_stems_are_unique_and_start_with_a_letter() {
        let mut used = BTreeMap::new();
        assert_eq!(
            dir_stem(Path::new("a/input-json.json"), &mut used),
            "input-json"
        );
        assert_eq!(
            dir_stem(Path::new("b/input-json.json"), &mut used),
            "input-json-2"
        );
        assert_eq!(
            dir_stem(Path::new("c/1 Odd.Name.json"), &mut used),
            "suite-1-odd-name"
        );
    }

    #[test]
    fn reports_count_and_list_failures() {
        let report = FileReport {
            name: "x.json".to_owned(),
            cases: vec![
                CaseOutcome {
                    id: "a".to_owned(),
                    result: Ok(()),
                },
                CaseOutcome {
                    id: "b".to_owned(),
                    result: Err("why".to_owned()),
                },
            ],
        };
        assert_eq!(report.summary(), "x.json: 1 passed, 1 failed");
        assert_eq!(report.text(), "x.json: 1 passed, 1 failed\n  FAIL b: why");
    }
}
