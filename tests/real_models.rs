//! The code generator on real service models: botocore models vendored as data under
//! `models/<service>/` (`service-2.json` and, when the service has one, `paginators-1.json`,
//! copied verbatim).
//!
//! The models are chosen for variety: awsJson 1.0 and 1.1, recursive shapes (DynamoDB's
//! `AttributeValue`), unions and documents (Verified Permissions, Identity Store), an
//! event-stream operation that must be left out (Kinesis `SubscribeToShard`), shape names
//! that collide after case conversion (Storage Gateway `Boolean`/`boolean`, SSM
//! `IPAddress`/`IpAddress`), blobs (KMS), and one of the largest models (SSM).
//!
//! [`every_vendored_model_generates_in_memory`] runs the generator on each model and checks
//! basic facts, fast. [`real_model_crates_pass_clippy_rustdoc_and_round_trip`] writes every
//! crate into one throwaway workspace, `target/scratch/real-models/`, builds it with every
//! feature through clippy's driver and documents it, warnings denied, and runs the
//! hand-written wire checks of `real_model_checks/`.
//! Nothing here writes to the source tree.

use std::path::{Path, PathBuf};
use std::time::Instant;

use xtask::scratch::{ScratchWorkspace, CHECKS_TEST, TRANSPORT_FEATURES};

/// A vendored model and the facts its generated crate must show.
struct RealModel {
    /// The directory under `models/`.
    dir: &'static str,
    /// The package name the generator derives from the service id.
    crate_name: &'static str,
    /// Operations in the IR (the model's, less those left out).
    operations: usize,
    /// Shapes in the IR.
    shapes: usize,
    /// Operations left out, with the reason.
    unsupported: &'static [(&'static str, &'static str)],
}

const MODELS: &[RealModel] = &[
    RealModel {
        dir: "dynamodb",
        crate_name: "dynamodb",
        operations: 62,
        shapes: 553,
        unsupported: &[],
    },
    RealModel {
        dir: "identitystore",
        crate_name: "identitystore",
        operations: 22,
        shapes: 118,
        unsupported: &[],
    },
    RealModel {
        dir: "kinesis",
        crate_name: "kinesis",
        operations: 56,
        shapes: 306,
        unsupported: &[("SubscribeToShard", "event streams")],
    },
    RealModel {
        dir: "kms",
        crate_name: "kms",
        operations: 56,
        shapes: 259,
        unsupported: &[],
    },
    RealModel {
        dir: "ssm",
        crate_name: "ssm",
        operations: 154,
        shapes: 1360,
        unsupported: &[],
    },
    RealModel {
        dir: "storagegateway",
        crate_name: "storage-gateway",
        operations: 96,
        shapes: 410,
        unsupported: &[],
    },
    RealModel {
        dir: "verifiedpermissions",
        crate_name: "verifiedpermissions",
        operations: 34,
        shapes: 249,
        unsupported: &[],
    },
];

/// The `tests` crate directory.
fn tests_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn model_path(model: &RealModel) -> PathBuf {
    tests_dir()
        .join("models")
        .join(model.dir)
        .join("service-2.json")
}

/// Every directory under `models/` is listed in [`MODELS`], so none is vendored untested.
#[test]
fn every_vendored_model_is_listed() {
    let dir = tests_dir().join("models");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
        .map(|entry| {
            let entry = entry.unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()));
            entry.file_name().to_string_lossy().into_owned()
        })
        .collect();
    found.sort();
    let listed: Vec<&str> = MODELS.iter().map(|m| m.dir).collect();
    assert_eq!(found, listed);
}

/// Each model loads, keeps the expected operations and shapes, records what it leaves out,
/// and generates every file of a crate, in memory.
#[test]
fn every_vendored_model_generates_in_memory() {
    for model in MODELS {
        let path = model_path(model);
        let loaded = xtask::load::load_model_path(&path)
            .unwrap_or_else(|e| panic!("{} does not load: {e:#}", model.dir));
        let service = &loaded.service;
        let counts = (service.operations.len(), service.shapes.len());
        assert_eq!(
            counts,
            (model.operations, model.shapes),
            "{}: (operations, shapes)",
            model.dir
        );
        let unsupported: Vec<(&str, &str)> = service
            .unsupported
            .iter()
            .map(|u| (u.operation.as_str(), u.reason.as_str()))
            .collect();
        assert_eq!(unsupported, model.unsupported, "{}", model.dir);

        let out = Path::new("target/real-models").join(model.dir);
        let generated = xtask::generate_standalone(&path, &out, None, false)
            .unwrap_or_else(|e| panic!("{} does not generate: {e:#}", model.dir));
        let lib = &generated.files[Path::new("src/lib.rs")];
        for (operation, reason) in model.unsupported {
            let line = format!("`{operation}` (not supported: {reason})");
            assert!(
                lib.contains(&line),
                "{}: {line} missing from lib.rs",
                model.dir
            );
        }
        let manifest = &generated.files[Path::new("Cargo.toml")];
        let package = format!("name = \"{}\"", model.crate_name);
        assert!(manifest.contains(&package), "{}: {manifest}", model.dir);
    }
}

/// The manifest of the crate of wire checks; it depends on every generated crate. The checks
/// read and write values only and ask for no feature; the build that runs them turns every
/// feature on, so that it compiles and lints each crate whole.
fn checks_manifest() -> String {
    let mut manifest = String::from(
        "[package]\nname = \"real-model-checks\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n[dependencies]\nserde = \"1\"\nserde_json = \"1\"\n",
    );
    for model in MODELS {
        manifest.push_str(&format!(
            "{} = {{ path = \"../{}\", default-features = false }}\n",
            model.crate_name, model.dir
        ));
    }
    manifest
}

/// Whether a cargo command compiles the scratch workspace's crates with clippy's driver.
#[derive(Clone, Copy, PartialEq)]
enum Lint {
    Yes,
    No,
}

/// Runs `args` with cargo in `workspace`, timing it, and fails with cargo's output.
fn cargo(workspace: &ScratchWorkspace, lint: Lint, args: &[&str]) {
    let started = Instant::now();
    let result = match lint {
        Lint::Yes => workspace.run_cargo_linting(args),
        Lint::No => workspace.run_cargo(args),
    };
    eprintln!("cargo {} took {:.1?}", args.join(" "), started.elapsed());
    if let Err(e) = result {
        panic!("{e:#}");
    }
}

/// Whether generated `files` hold a test of their own: Rust code outside `src/`, or test code
/// inside it. None do, so linting their libraries lints all of their code.
fn has_tests(files: &xtask::Files) -> bool {
    files
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "rs"))
        .any(|(path, text)| {
            !path.starts_with("src") || text.contains("cfg(test)") || text.contains("#[test]")
        })
}

/// Every vendored model's crate passes clippy and rustdoc with warnings denied, and values
/// of a few operations per model serialise to the expected wire JSON and read back equal.
#[test]
fn real_model_crates_pass_clippy_rustdoc_and_round_trip() {
    let mut workspace = ScratchWorkspace::named("real-models").unwrap_or_else(|e| panic!("{e:#}"));
    let started = Instant::now();
    for model in MODELS {
        let out = workspace.member_dir(model.dir);
        let generated = xtask::generate_standalone(&model_path(model), &out, None, false)
            .unwrap_or_else(|e| panic!("{} does not generate: {e:#}", model.dir));
        assert!(
            !has_tests(&generated.files),
            "{}: the generated crate has tests of its own, which the build below, of the \
             libraries and the checks, would leave out",
            model.dir
        );
        workspace
            .add_crate(model.dir, &generated.files)
            .unwrap_or_else(|e| panic!("{e:#}"));
    }
    eprintln!(
        "generating the real model crates took {:.1?}",
        started.elapsed()
    );
    workspace
        .add_checks_crate(
            "real-model-checks",
            &checks_manifest(),
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("real_model_checks/checks.rs"),
        )
        .unwrap_or_else(|e| panic!("{e:#}"));
    workspace.finish().unwrap_or_else(|e| panic!("{e:#}"));

    // One build compiles and lints every library with every feature but the runtime's
    // transport (which gates none of their code: `features_but` checks), and the checks, then
    // runs them: clippy's driver compiles the scratch workspace's crates (warnings denied),
    // so nothing is checked by clippy and then compiled again. The generated crates have no
    // test targets or test code (asserted above), so this lints all of their code.
    let features = workspace
        .features_but(&TRANSPORT_FEATURES)
        .unwrap_or_else(|e| panic!("{e:#}"));
    cargo(
        &workspace,
        Lint::Yes,
        &[
            "test",
            "--workspace",
            "--test",
            CHECKS_TEST,
            "--no-default-features",
            "--features",
            &features,
            "--offline",
            "--quiet",
        ],
    );
    // Rustdoc needs the metadata of what it documents against, which cargo checks anew
    // rather than taking from the build above. So it documents the generated crates alone (the
    // checks crate would have it check all seven first) and without the server either (hyper's
    // server half and tokio's network driver would be checked for nothing): their own items
    // are the same with or without it, as `features_but` checks. Under the `test` profile,
    // like the build above, so that build scripts are reused.
    let mut doc_only = TRANSPORT_FEATURES.to_vec();
    doc_only.extend(["server", "sha2"]);
    let features = workspace
        .features_but(&doc_only)
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(
        features.contains("/mock"),
        "the generated manifests' features were not read: {features}"
    );
    cargo(
        &workspace,
        Lint::No,
        &[
            "doc",
            "--profile",
            "test",
            "--workspace",
            "--exclude",
            "real-model-checks",
            "--no-default-features",
            "--features",
            &features,
            "--no-deps",
            "--offline",
        ],
    );
}
