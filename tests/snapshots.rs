//! Snapshot tests of the code generator's output, and a compile check of that output.
//!
//! Each `fixtures/<feature>.json` is a minimal botocore model with one concern (recursion,
//! keywords, odd enum values, sensitive members, ...). The pipeline runs on it in memory
//! (load, then generate) and every generated file is compared with its snapshot, named
//! `<fixture>__<file>`, so a change to the emitted code shows up as a readable diff. A
//! `fixtures/<feature>.paginators-1.json` sibling, when present, is read as that model's
//! paginators. Cognito Identity's small files (`lib.rs`, `operation.rs`, `endpoint.rs`) are snapshotted too;
//! the freshness test already checks the whole real crate.
//!
//! [`fixture_crates_compile`] writes every fixture's crate into one throwaway workspace under
//! `target/` and runs `cargo check` on it with warnings denied. The fixtures of
//! [`OPERATION_FEATURE_FIXTURES`] are generated with one cargo feature per operation, and
//! [`operation_subsets_compile`] checks their crates with only some operations on. These
//! tests never write to the source tree except through insta when a snapshot is accepted.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use codegen::{Files, Options};
use model::ir::Service;
use model::{BotocoreFiles, Source};
use xtask::scratch::ScratchWorkspace;

/// The file-name ending of a paginators sibling of a fixture.
const PAGINATORS_SUFFIX: &str = ".paginators-1.json";

/// The runtime dependency written into snapshotted `Cargo.toml`s. It is fixed so snapshots
/// do not depend on where a crate is written.
const SNAPSHOT_RUNTIME: &str = "{ path = \"../../runtime\" }";

/// The fixtures generated with one cargo feature per operation
/// (`codegen::Options::operation_features`); the others are generated without.
const OPERATION_FEATURE_FIXTURES: &[&str] = &["operation_features"];

/// The `tests` crate directory.
fn tests_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The fixture's name for a model path, or `None` for a paginators sibling or a file that is
/// not a JSON model.
fn fixture_name(path: &Path) -> Option<String> {
    let file = path.file_name()?.to_str()?;
    if file.ends_with(PAGINATORS_SUFFIX) {
        return None;
    }
    file.strip_suffix(".json").map(str::to_owned)
}

/// Every fixture model (not the paginators siblings), sorted by name.
fn fixture_paths() -> Vec<(String, PathBuf)> {
    let dir = tests_dir().join("fixtures");
    let entries = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
        .map(|entry| {
            entry
                .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
                .path()
        });
    let mut fixtures: Vec<(String, PathBuf)> = entries
        .filter_map(|path| fixture_name(&path).map(|name| (name, path)))
        .collect();
    fixtures.sort();
    fixtures
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Loads a fixture model (botocore, with its paginators sibling when there is one, or a
/// Smithy JSON AST).
fn load_fixture(name: &str, path: &Path) -> Service {
    let text = read(path);
    let paginators_path = path.with_file_name(format!("{name}{PAGINATORS_SUFFIX}"));
    let paginators = paginators_path.is_file().then(|| read(&paginators_path));
    let service_name = format!("tests/fixtures/{name}.json");
    let paginators_name = format!("tests/fixtures/{name}{PAGINATORS_SUFFIX}");
    let source = Source {
        name: &service_name,
        text: &text,
    };
    if model::detect_format(source).ok() == Some(model::Format::Smithy) {
        return model::load_smithy(source)
            .unwrap_or_else(|e| panic!("fixture `{name}` does not load:\n{e}"));
    }
    model::load_botocore(BotocoreFiles {
        service: source,
        paginators: paginators.as_deref().map(|text| Source {
            name: &paginators_name,
            text,
        }),
        endpoint_rules: None,
    })
    .unwrap_or_else(|e| panic!("fixture `{name}` does not load:\n{e}"))
}

/// The package name of a fixture's crate: the fixture name with dashes.
fn crate_name(fixture: &str) -> String {
    fixture.replace('_', "-")
}

/// Generates a fixture's crate with the runtime dependency `runtime`.
fn generate_fixture(name: &str, service: &Service, runtime: &str) -> Files {
    let options = Options {
        crate_name: crate_name(name),
        runtime_dependency: runtime.to_owned(),
        workspace_member: false,
        model_files: vec![format!("tests/fixtures/{name}.json")],
        names_lock: Default::default(),
        operation_features: OPERATION_FEATURE_FIXTURES.contains(&name),
    };
    codegen::generate(service, &options)
        .unwrap_or_else(|e| panic!("fixture `{name}` does not generate: {e}"))
}

/// `<fixture>__<file name>`: `src/types.rs` becomes `<fixture>__types.rs`.
fn snapshot_name(prefix: &str, path: &Path) -> String {
    let file = path
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or_else(|| panic!("generated path {} has no file name", path.display()));
    format!("{prefix}__{file}")
}

/// Compares every generated file with its snapshot, without insta's per-input suffix, so the
/// snapshot is named only after fixture and file.
fn assert_files(prefix: &str, files: &Files) {
    let mut settings = insta::Settings::clone_current();
    settings.remove_snapshot_suffix();
    settings.bind(|| {
        for (path, text) in files {
            insta::assert_snapshot!(snapshot_name(prefix, path), text);
        }
    });
}

#[test]
fn fixture_output_matches_snapshots() {
    insta::glob!("fixtures/*.json", |path| {
        let Some(name) = fixture_name(path) else {
            return;
        };
        let service = load_fixture(&name, path);
        let files = generate_fixture(&name, &service, SNAPSHOT_RUNTIME);
        assert_files(&name, &files);
    });
}

#[test]
fn cognito_identity_small_files_match_snapshots() {
    let files = xtask::service("cognito-identity")
        .and_then(xtask::WorkspaceService::generate)
        .unwrap_or_else(|e| panic!("generating Cognito Identity failed: {e:#}"));
    let small: Files = ["src/lib.rs", "src/operation.rs", "src/endpoint.rs"]
        .into_iter()
        .map(|path| {
            let path = PathBuf::from(path);
            let text = files
                .get(&path)
                .unwrap_or_else(|| panic!("Cognito Identity has no {}", path.display()))
                .clone();
            (path, text)
        })
        .collect();
    assert_files("cognito_identity", &small);
}

#[test]
fn paginators_sibling_is_read() {
    let fixtures = fixture_paths();
    let (name, path) = fixtures
        .iter()
        .find(|(name, _)| name == "pagination")
        .unwrap_or_else(|| panic!("the pagination fixture is missing"));
    let service = load_fixture(name, path);
    let paginated: Vec<&str> = service
        .operations
        .iter()
        .filter(|op| op.pagination.is_some())
        .map(|op| op.name.as_str())
        .collect();
    assert_eq!(paginated, ["ListGadgets", "ListWidgets"]);
}

/// The manifest of the behaviour-check crate in the fixture workspace.
const FIXTURE_CHECKS_MANIFEST: &str = r#"[package]
name = "fixture-checks"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
serde = "1"
serde_json = "1"
recursion = { path = "../recursion", default-features = false }
scalars = { path = "../scalars", default-features = false }
list-map = { path = "../list_map", default-features = false }
smithy-shapes = { path = "../smithy_shapes", default-features = false }
sensitive = { path = "../sensitive", default-features = false }
dotted-target-prefix = { path = "../dotted_target_prefix", default-features = false }
no-target-prefix = { path = "../no_target_prefix", default-features = false }
patterns = { path = "../patterns", default-features = false }
"#;

/// Every fixture's generated crate builds with warnings denied, and the checks in
/// `fixture_checks/checks.rs` pass against them: this proves that recursion, keywords, odd
/// enum values and the rest generate working code, not only plausible text.
///
/// The crates are members of one throwaway workspace, `target/scratch/fixtures/`, built in the
/// scratch workspaces' shared target directory.
#[test]
fn fixture_crates_compile() {
    let mut workspace = ScratchWorkspace::named("fixtures").unwrap_or_else(|e| panic!("{e:#}"));
    for (name, path) in fixture_paths() {
        let service = load_fixture(&name, &path);
        let runtime = workspace
            .runtime_dependency(&name)
            .unwrap_or_else(|e| panic!("{e:#}"));
        let files = generate_fixture(&name, &service, &runtime);
        workspace
            .add_crate(&name, &files)
            .unwrap_or_else(|e| panic!("{e:#}"));
    }
    // A crate of behaviour checks runs against the fixture crates it depends on.
    workspace
        .add_checks_crate(
            "fixture-checks",
            FIXTURE_CHECKS_MANIFEST,
            &tests_dir().join("fixture_checks/checks.rs"),
        )
        .unwrap_or_else(|e| panic!("{e:#}"));
    workspace.finish().unwrap_or_else(|e| panic!("{e:#}"));

    let started = Instant::now();
    let result = workspace.test_checks();
    eprintln!(
        "building and testing the fixture crates took {:.1?}",
        started.elapsed()
    );
    if let Err(e) = result {
        panic!("the fixture crates do not compile or their checks fail: {e:#}");
    }
}

/// A crate that names items of `PutWidget`, `ListGadgets` and `Ping`, which a build of the
/// `operation_features` fixture with only `get-widget` must not have.
const SUBSET_PROBE_MANIFEST: &str = r#"[package]
name = "subset-probe"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
operation-features = { path = "../operation_features", default-features = false, features = ["get-widget"] }
"#;

/// The probe's source: each line names an item only other operations reach.
const SUBSET_PROBE_LIB: &str = "//! Names items the `get-widget` build must leave out.
pub use operation_features::error::Conflict;
pub use operation_features::pagination::ListGadgetsPages;
pub use operation_features::types::PutWidgetRequest;
pub async fn probe(client: &operation_features::Client) {
    let _ = client.ping(operation_features::types::PingInput::new()).await;
}
";

/// A fixture generated with one feature per operation builds, with warnings denied (an
/// unused item or import under a subset fails it), with no operation on, with one, and with
/// two that share shapes (`Widget` is an output of `GetWidget` and an input of `PutWidget`)
/// and the mock; and a build with one operation leaves out what only the others reach.
#[test]
fn operation_subsets_compile() {
    let fixture = OPERATION_FEATURE_FIXTURES[0];
    let mut workspace =
        ScratchWorkspace::named("operation-features").unwrap_or_else(|e| panic!("{e:#}"));
    let path = tests_dir().join(format!("fixtures/{fixture}.json"));
    let service = load_fixture(fixture, &path);
    let runtime = workspace
        .runtime_dependency(fixture)
        .unwrap_or_else(|e| panic!("{e:#}"));
    let files = generate_fixture(fixture, &service, &runtime);
    workspace
        .add_crate(fixture, &files)
        .unwrap_or_else(|e| panic!("{e:#}"));
    let probe: Files = [
        (
            PathBuf::from("Cargo.toml"),
            SUBSET_PROBE_MANIFEST.to_owned(),
        ),
        (PathBuf::from("src/lib.rs"), SUBSET_PROBE_LIB.to_owned()),
    ]
    .into();
    workspace
        .add_crate("subset_probe", &probe)
        .unwrap_or_else(|e| panic!("{e:#}"));
    workspace.finish().unwrap_or_else(|e| panic!("{e:#}"));

    let package = crate_name(fixture);
    for features in ["", "get-widget", "get-widget,put-widget,mock"] {
        let started = Instant::now();
        workspace
            .run_cargo(&[
                "check",
                "--package",
                &package,
                "--no-default-features",
                "--features",
                features,
                "--quiet",
                "--offline",
            ])
            .unwrap_or_else(|e| panic!("operations `{features}` alone do not build: {e:#}"));
        eprintln!("checking with `{features}` took {:.1?}", started.elapsed());
    }

    let mut command = workspace.cargo();
    command.args(["check", "--package", "subset-probe", "--offline"]);
    let output = xtask::scratch::run(command).unwrap_or_else(|e| panic!("{e:#}"));
    let text = xtask::scratch::output_text(&output);
    assert!(
        !output.status.success(),
        "with only `get-widget`, the crate still has items of other operations:\n{text}"
    );
    for missing in [
        "PutWidgetRequest",
        "Conflict",
        "ListGadgetsPages",
        "PingInput",
        "ping",
    ] {
        assert!(
            text.contains(&format!("`{missing}`")),
            "with only `get-widget`, `{missing}` should be missing:\n{text}"
        );
    }
}
