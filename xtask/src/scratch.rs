//! Throwaway cargo workspaces under `target/scratch/`, for checks that must compile generated
//! crates: the protocol test suites, the fixture crates, the awsQuery-compatible fixture and
//! the real service models.
//!
//! A scratch workspace is a directory of crates written from memory, a root manifest listing
//! them, and a copy of this workspace's `Cargo.lock`, so `cargo --offline` resolves the same
//! versions as the runtime. [`ScratchWorkspace::finish`] downloads whatever of those the
//! machine lacks first (a fresh machine whose registry has never built the runtime), so the
//! offline builds that follow find every crate. Every scratch workspace builds into one
//! target directory, [`target_dir`], so the runtime and its dependencies are compiled once
//! for all of them (per feature set) rather than once per harness. Files are rewritten only
//! when their text changed, which keeps cargo's incremental builds warm between runs, and
//! members a run no longer writes are deleted. Nothing here writes outside `target/scratch/`,
//! and nothing here decides what the crates contain.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, Result};

use crate::Files;

/// The directory the scratch workspaces live in: `target/scratch/` of this workspace.
pub fn scratch_root() -> PathBuf {
    crate::workspace_root().join("target").join("scratch")
}

/// The one target directory of every scratch workspace. It is not this workspace's own, so a
/// check run from inside `cargo test` never waits on the lock the outer cargo holds.
pub fn target_dir() -> PathBuf {
    scratch_root().join("target")
}

/// The name of the test target that [`ScratchWorkspace::add_checks_crate`] writes.
pub const CHECKS_TEST: &str = "checks";

/// A throwaway cargo workspace being assembled on disk.
#[derive(Debug)]
pub struct ScratchWorkspace {
    root: PathBuf,
    members: Vec<String>,
}

impl ScratchWorkspace {
    /// A workspace rooted at `root` (created when missing), with no members yet.
    pub fn new(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
        // A canonical root lets relative paths to files outside it be computed.
        let root =
            fs::canonicalize(&root).with_context(|| format!("resolving {}", root.display()))?;
        Ok(ScratchWorkspace {
            root,
            members: Vec::new(),
        })
    }

    /// The workspace `name` under [`scratch_root`], building into [`target_dir`].
    pub fn named(name: &str) -> Result<Self> {
        Self::new(scratch_root().join(name))
    }

    /// The workspace directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory a member named `dir` lives in.
    pub fn member_dir(&self, dir: &str) -> PathBuf {
        self.root.join(dir)
    }

    /// The dependency on this workspace's runtime for a crate in the member directory `dir`:
    /// a relative `path` dependency.
    pub fn runtime_dependency(&self, dir: &str) -> Result<String> {
        let member = self.member_dir(dir);
        fs::create_dir_all(&member).with_context(|| format!("creating {}", member.display()))?;
        crate::paths::runtime_dependency(&member, &crate::runtime_dir())
    }

    /// Writes the crate `files` (paths relative to the crate) into the member directory `dir`
    /// and lists it as a member (once, if it is written again).
    pub fn add_crate(&mut self, dir: &str, files: &Files) -> Result<()> {
        let base = self.member_dir(dir);
        for (path, text) in files {
            write_if_changed(&base.join(path), text)?;
        }
        if !self.members.iter().any(|m| m == dir) {
            self.members.push(dir.to_owned());
        }
        Ok(())
    }

    /// Adds a crate `dir` with `manifest` whose one test target, [`CHECKS_TEST`], is the file
    /// `checks` (an absolute path outside the scratch workspace, compiled in place through
    /// `#[path]`), so hand-written checks run against generated crates the manifest depends
    /// on. The checks are an integration test, not the library's unit tests, so running them
    /// builds each generated crate once, as a dependency, and no generated crate is built a
    /// second time as a test harness of its own (generated code has no tests inside it).
    pub fn add_checks_crate(&mut self, dir: &str, manifest: &str, checks: &Path) -> Result<()> {
        let tests = self.member_dir(dir).join("tests");
        let checks =
            fs::canonicalize(checks).with_context(|| format!("resolving {}", checks.display()))?;
        let path = crate::paths::relative_path(&tests, &checks).with_context(|| {
            format!(
                "no relative path from {} to {}",
                tests.display(),
                checks.display()
            )
        })?;
        let test = format!(
            "//! Checks of generated crates, compiled from outside the scratch workspace.\n\
             #[path = {:?}]\nmod checks;\n",
            path.to_string_lossy().replace('\\', "/")
        );
        let files: Files = [
            (PathBuf::from("Cargo.toml"), manifest.to_owned()),
            (
                PathBuf::from("src/lib.rs"),
                "//! The checks are the test target `tests/checks.rs`.\n".to_owned(),
            ),
            (PathBuf::from(format!("tests/{CHECKS_TEST}.rs")), test),
        ]
        .into();
        self.add_crate(dir, &files)
    }

    /// Writes the root manifest listing every member, copies this workspace's lockfile and
    /// deletes member directories an earlier run wrote that this one did not.
    pub fn finish(&self) -> Result<()> {
        self.remove_old_members()?;
        let members: Vec<String> = self.members.iter().map(|m| format!("{m:?}")).collect();
        // Dependencies get no debug info, whether cargo builds them for a build script or
        // for the crates: the two then share one build (a C library's build included) where a
        // rustdoc run, which needs only the latter's metadata, built the former again with
        // the build-script profile's settings.
        let manifest = format!(
            "# A throwaway workspace of generated crates; rewritten on every run.\n\
             [workspace]\nresolver = \"2\"\nmembers = [{}]\n\n\
             [profile.dev.package.\"*\"]\ndebug = false\n\n\
             [profile.dev.build-override]\ndebug = false\n",
            members.join(", ")
        );
        write_if_changed(&self.root.join("Cargo.toml"), &manifest)?;
        let lock_path = crate::workspace_root().join("Cargo.lock");
        let lock = fs::read_to_string(&lock_path)
            .with_context(|| format!("reading {}", lock_path.display()))?;
        write_if_changed(&self.root.join("Cargo.lock"), &lock)?;
        self.fetch()
    }

    /// Deletes every directory of the workspace that is not a member: crates of suites,
    /// fixtures or models that are gone, so they neither pile up nor get built again.
    fn remove_old_members(&self) -> Result<()> {
        let entries =
            fs::read_dir(&self.root).with_context(|| format!("reading {}", self.root.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("reading {}", self.root.display()))?;
            let name = entry.file_name();
            let is_member = name
                .to_str()
                .is_some_and(|n| self.members.iter().any(|m| m == n));
            if entry.path().is_dir() && !is_member {
                fs::remove_dir_all(entry.path())
                    .with_context(|| format!("removing {}", entry.path().display()))?;
            }
        }
        Ok(())
    }

    /// Downloads the crates the lockfile names that the machine does not have yet. When the
    /// registry cannot be reached, the crates already at hand may still be all that is
    /// needed; only when they are not does this fail, saying what to do.
    fn fetch(&self) -> Result<()> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let attempt = |offline: bool| -> Result<Output> {
            let mut command = Command::new(&cargo);
            command.current_dir(&self.root).args(["fetch", "--quiet"]);
            if offline {
                command.arg("--offline");
            }
            run(command)
        };
        let online = attempt(false)?;
        if online.status.success() {
            return Ok(());
        }
        let offline = attempt(true)?;
        if offline.status.success() {
            return Ok(());
        }
        anyhow::bail!(
            "the crates the generated code builds with cannot be downloaded, and this machine \
             does not have them all yet (`cargo fetch` in {}):\n{}\nReach the crate registry \
             once (or run `cargo fetch` in this workspace), then try again.",
            self.root.display(),
            output_text(&online).trim_end()
        )
    }

    /// A `cargo` command in the workspace, building into [`target_dir`] with warnings denied.
    /// `CARGO` (set when running under cargo) picks the same toolchain as the caller.
    pub fn cargo(&self) -> Command {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut command = Command::new(cargo);
        command
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", target_dir())
            .env("RUSTFLAGS", "-Dwarnings")
            .env("RUSTDOCFLAGS", "-Dwarnings")
            // The encoded form would override `RUSTFLAGS` if an outer cargo passed it on.
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTDOCFLAGS")
            // CI builds the workspace through clippy's driver; scratch crates choose their own
            // lints (a `cargo clippy` here sets the wrapper again).
            .env_remove("RUSTC_WORKSPACE_WRAPPER");
        command
    }

    /// A `cargo` command as [`ScratchWorkspace::cargo`] sets it up that compiles the
    /// workspace's own crates with clippy's driver (`RUSTC_WORKSPACE_WRAPPER`, as `cargo
    /// clippy` does): one build both compiles and lints them, and any warning, clippy's
    /// included, is an error. Dependencies compile with rustc, as every other scratch build
    /// compiles them. Fails, saying how to install it, when clippy is missing.
    pub fn cargo_linting(&self) -> Result<Command> {
        let mut command = self.cargo();
        command.env("RUSTC_WORKSPACE_WRAPPER", clippy_driver()?);
        Ok(command)
    }

    /// Runs `cargo <args>` as [`ScratchWorkspace::cargo`] sets it up; fails with cargo's
    /// whole output when cargo does.
    pub fn run_cargo(&self, args: &[&str]) -> Result<()> {
        self.run_with(self.cargo(), args)
    }

    /// Runs `cargo <args>` as [`ScratchWorkspace::cargo_linting`] sets it up; fails with
    /// cargo's whole output when cargo does.
    pub fn run_cargo_linting(&self, args: &[&str]) -> Result<()> {
        self.run_with(self.cargo_linting()?, args)
    }

    /// Runs `command` with `args` added in the workspace; fails with cargo's whole output.
    fn run_with(&self, mut command: Command, args: &[&str]) -> Result<()> {
        command.args(args);
        let output = run(command)?;
        if !output.status.success() {
            anyhow::bail!(
                "`cargo {}` failed in {}:\n{}",
                args.join(" "),
                self.root.display(),
                output_text(&output)
            );
        }
        Ok(())
    }

    /// Builds and runs the checks crates' tests ([`CHECKS_TEST`]) with every feature of every
    /// member but the runtime-only ones in [`TRANSPORT_FEATURES`] (optional modules such as a
    /// generated mock included), offline and quietly: how generated crates and the checks
    /// written against them are tested.
    pub fn test_checks(&self) -> Result<()> {
        let features = self.features_but(&TRANSPORT_FEATURES)?;
        self.run_cargo(&[
            "test",
            "--workspace",
            "--test",
            CHECKS_TEST,
            "--no-default-features",
            "--features",
            &features,
            "--quiet",
            "--offline",
        ])
    }

    /// Every feature of every member but `default` and those in `left_out`, as
    /// `package/feature` for cargo's `--features` (with `--no-default-features`). Fails when a
    /// member's Rust code is gated on a left-out feature (`feature = "..."`): a build without
    /// it would not see that code.
    pub fn features_but(&self, left_out: &[&str]) -> Result<String> {
        let mut features = Vec::new();
        for member in &self.members {
            let dir = self.member_dir(member);
            let manifest_path = dir.join("Cargo.toml");
            let manifest = fs::read_to_string(&manifest_path)
                .with_context(|| format!("reading {}", manifest_path.display()))?;
            let package = manifest_table(&manifest, "package")
                .find_map(|(key, value)| (key == "name").then(|| value.trim_matches('"')))
                .with_context(|| format!("{} names no package", manifest_path.display()))?;
            for (feature, _) in manifest_table(&manifest, "features") {
                if feature != "default" && !left_out.contains(&feature) {
                    features.push(format!("{package}/{feature}"));
                }
            }
            if let Some((file, gate)) = gate_on(&dir, left_out)? {
                anyhow::bail!(
                    "{} is gated on `{gate}`, which this build leaves out: its code would not \
                     be compiled",
                    file.display()
                );
            }
        }
        Ok(features.join(","))
    }
}

/// The features of a generated crate that only turn on parts of the runtime (its HTTPS
/// transport, and with it the TLS stack: rustls and AWS-LC's C library) and gate none of the
/// crate's own code. Scratch builds leave them out: this workspace's own build compiles and
/// tests that part of the runtime, and the scratch builds then never compile the TLS stack.
pub const TRANSPORT_FEATURES: [&str; 1] = ["https"];

/// The `key = value` lines of the table `[name]` of a manifest, trimmed, comments left out.
fn manifest_table<'a>(manifest: &'a str, name: &str) -> impl Iterator<Item = (&'a str, &'a str)> {
    let header = format!("[{name}]");
    manifest
        .lines()
        .map(str::trim)
        .skip_while(move |line| *line != header)
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.trim(), value.trim()))
}

/// The first Rust file under `dir/src` whose code names one of `features` in a
/// `feature = "..."` gate, and that feature.
fn gate_on<'a>(dir: &Path, features: &[&'a str]) -> Result<Option<(PathBuf, &'a str)>> {
    let mut pending = vec![dir.join("src")];
    while let Some(next) = pending.pop() {
        let entries = match fs::read_dir(&next) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("listing {}", next.display())),
        };
        for entry in entries {
            let path = entry
                .with_context(|| format!("listing {}", next.display()))?
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                if let Some(gate) = features
                    .iter()
                    .find(|f| text.contains(&format!("feature = \"{f}\"")))
                {
                    return Ok(Some((path, gate)));
                }
            }
        }
    }
    Ok(None)
}

/// Clippy's driver of the toolchain that runs cargo: beside `$CARGO` (where rustup installs
/// it), else the one `rustup which` names, else the one on `PATH`.
fn clippy_driver() -> Result<PathBuf> {
    let name = format!("clippy-driver{}", std::env::consts::EXE_SUFFIX);
    if let Some(beside) = std::env::var_os("CARGO")
        .map(PathBuf::from)
        .map(|cargo| cargo.with_file_name(&name))
        .filter(|path| path.is_file())
    {
        return Ok(beside);
    }
    let which = Command::new("rustup")
        .args(["which", "clippy-driver"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()))
        .filter(|path| path.is_file());
    if let Some(path) = which {
        return Ok(path);
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(&name))
            .find(|path| path.is_file())
    });
    on_path.context("clippy is not installed; install it with `rustup component add clippy`")
}

/// Runs `command` to completion, capturing its output; fails only when it cannot start.
pub fn run(mut command: Command) -> Result<Output> {
    command
        .output()
        .with_context(|| format!("running {:?}", command.get_program()))
}

/// Both output streams of a finished command, as text.
pub fn output_text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Writes `text` to `path` (creating parent directories) unless it already holds exactly
/// that, so unchanged files keep their timestamps and cargo does not rebuild them.
pub fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TempDir;

    #[test]
    fn features_but_lists_each_members_features_and_refuses_a_gate_it_leaves_out() -> Result<()> {
        let dir = TempDir::new()?;
        let mut ws = ScratchWorkspace::new(dir.path().join("ws"))?;
        let manifest = "[package]\nname = \"gen-a\" # the package\nversion = \"0.1.0\"\n\n\
                        [features]\n# what a user turns on\ndefault = [\"https\"]\n\
                        https = [\"rt/https\"]\nmock = []\n\n[dependencies]\nserde = \"1\"\n";
        let krate = |lib: &str| -> Files {
            [
                (
                    PathBuf::from("Cargo.toml"),
                    manifest.replace(" # the package", ""),
                ),
                (PathBuf::from("src/lib.rs"), "pub mod inner;\n".to_owned()),
                (PathBuf::from("src/inner/mod.rs"), lib.to_owned()),
            ]
            .into()
        };
        ws.add_crate("a", &krate("pub fn f() {}\n"))?;
        ws.add_crate(
            "checks",
            &[(
                PathBuf::from("Cargo.toml"),
                "[package]\nname = \"checks\"\n".to_owned(),
            )]
            .into(),
        )?;
        assert_eq!(ws.features_but(&["https"])?, "gen-a/mock");
        assert_eq!(ws.features_but(&["https", "mock"])?, "");

        ws.add_crate("a", &krate("#[cfg(feature = \"https\")]\npub fn f() {}\n"))?;
        let error = format!("{:#}", ws.features_but(&["https"]).unwrap_err());
        assert!(
            error.contains("inner/mod.rs is gated on `https`"),
            "{error}"
        );
        assert_eq!(ws.features_but(&["mock"])?, "gen-a/https");
        Ok(())
    }

    #[test]
    fn lockfile_and_members_are_written_and_old_members_removed() -> Result<()> {
        let dir = TempDir::new()?;
        let mut ws = ScratchWorkspace::new(dir.path().join("ws"))?;
        // Whole crates: finishing also fetches their dependencies, which reads the manifests.
        let krate = |name: &str| -> Files {
            [
                (
                    PathBuf::from("Cargo.toml"),
                    format!(
                        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"
                    ),
                ),
                (PathBuf::from("src/lib.rs"), "pub fn f() {}\n".to_owned()),
            ]
            .into()
        };
        ws.add_crate("one", &krate("one"))?;
        ws.add_crate("two", &krate("two"))?;
        ws.finish()?;
        let manifest = dir.read("ws/Cargo.toml")?;
        assert!(
            manifest.contains(r#"members = ["one", "two"]"#),
            "{manifest}"
        );
        assert!(dir.path().join("ws/Cargo.lock").is_file());
        let lib = dir.path().join("ws/one/src/lib.rs");
        let before = fs::metadata(&lib)?.modified()?;
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_if_changed(&lib, "pub fn f() {}\n")?;
        assert_eq!(fs::metadata(&lib)?.modified()?, before);
        write_if_changed(&lib, "pub fn g() {}\n")?;
        assert_eq!(fs::read_to_string(&lib)?, "pub fn g() {}\n");

        // A later run without `two` deletes it and keeps `one`.
        let mut again = ScratchWorkspace::new(dir.path().join("ws"))?;
        again.add_crate("one", &krate("one"))?;
        again.finish()?;
        assert!(!dir.path().join("ws/two").exists());
        assert!(dir.path().join("ws/one/src/lib.rs").is_file());
        Ok(())
    }

    #[test]
    fn a_dependency_that_cannot_be_had_is_named_with_what_to_do() -> Result<()> {
        let dir = TempDir::new()?;
        let mut ws = ScratchWorkspace::new(dir.path().join("ws"))?;
        let files: Files = [
            (
                PathBuf::from("Cargo.toml"),
                "[package]\nname = \"needs\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
                 [dependencies]\nno-such-crate-for-scratch-tests-7b1d = \"1\"\n"
                    .to_owned(),
            ),
            (PathBuf::from("src/lib.rs"), String::new()),
        ]
        .into();
        ws.add_crate("needs", &files)?;
        let error = format!("{:#}", ws.finish().expect_err("the crate cannot be had"));
        assert!(error.contains("cannot be downloaded"), "{error}");
        assert!(
            error.contains("no-such-crate-for-scratch-tests-7b1d"),
            "{error}"
        );
        assert!(error.contains("then try again"), "{error}");
        Ok(())
    }

    #[test]
    fn the_linting_build_denies_clippy_warnings_and_the_plain_one_does_not() -> Result<()> {
        let dir = TempDir::new()?;
        let mut ws = ScratchWorkspace::new(dir.path().join("ws"))?;
        let files: Files = [
            (
                PathBuf::from("Cargo.toml"),
                "[package]\nname = \"probe\"\nversion = \"0.1.0\"\nedition = \"2021\"\n".to_owned(),
            ),
            // Clippy warns of the `return` (`needless_return`); rustc does not.
            (
                PathBuf::from("src/lib.rs"),
                "pub fn one() -> u8 {\n    return 1;\n}\n".to_owned(),
            ),
        ]
        .into();
        ws.add_crate("probe", &files)?;
        ws.finish()?;
        // A target directory of its own: the shared one may be locked by a long build.
        let target = dir.path().join("target");
        let build = |mut command: Command| -> Result<Output> {
            command
                .env("CARGO_TARGET_DIR", &target)
                .args(["build", "--offline"]);
            run(command)
        };
        let plain = build(ws.cargo())?;
        assert!(plain.status.success(), "{}", output_text(&plain));
        let linted = build(ws.cargo_linting()?)?;
        let text = output_text(&linted);
        assert!(!linted.status.success(), "{text}");
        assert!(text.contains("needless_return"), "{text}");
        Ok(())
    }
}
