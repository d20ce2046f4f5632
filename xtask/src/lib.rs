//! Project commands behind `cargo xtask`: read service models from disk, run the code
//! generator, and write or check the generated files.
//!
//! This is the only crate of the workspace that touches the disk for the generator. It makes
//! no generation decisions: file contents come from `codegen` and the model's meaning from
//! `model`, whose errors reach the user unchanged. The functions here are what the command
//! line runs, so tests call exactly the same code (for example [`check_workspace`]).

pub mod cli;
pub mod endpoints;
pub mod fuzz;
pub mod load;
pub mod paths;
pub mod protocol;
pub mod scratch;
pub mod sync;
#[cfg(test)]
mod test_support;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

pub use codegen::Files;
pub use load::LoadedModel;
pub use sync::{diff, sync, Stale, StaleError, StaleKind, SyncReport};

/// The package name of the workspace's generated crate.
pub const WORKSPACE_CRATE_NAME: &str = "cognito-identity";

/// The command that regenerates the workspace's generated crate.
pub const CODEGEN_COMMAND: &str = "cargo xtask codegen";

/// The workspace's botocore model files, relative to the workspace root. These names also
/// appear in the generated headers.
pub const WORKSPACE_MODEL_FILES: [&str; 3] = [
    "model/service-2.json",
    "model/paginators-1.json",
    "model/endpoint-rule-set-1.json",
];

/// The directory of the generated crate, relative to the workspace root.
pub const GENERATED_DIR: &str = "generated";

/// The workspace root, found from where this crate was compiled (`xtask/..`).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    match manifest_dir.parent() {
        Some(root) => root.to_path_buf(),
        None => manifest_dir.join(".."),
    }
}

/// The workspace's generated crate directory.
pub fn generated_dir() -> PathBuf {
    workspace_root().join(GENERATED_DIR)
}

/// The workspace's runtime crate directory, which standalone crates depend on.
pub fn runtime_dir() -> PathBuf {
    workspace_root().join("runtime")
}

/// The endpoint rules' directory that holds their one generated file, relative to the
/// workspace root.
pub const ENDPOINT_RULES_GENERATED_DIR: &str = "endpoint-rules/src";

/// The partition data the endpoint rules' generated file is made from, relative to the
/// workspace root.
pub const PARTITIONS_FILE: &str = "endpoint-rules/data/partitions.json";

/// Generates the endpoint rules' generated file (relative to
/// [`ENDPOINT_RULES_GENERATED_DIR`]) in memory: `partitions_generated.rs`, the built-in
/// partition data as Rust, with automata for its region patterns.
pub fn generate_endpoint_rules_files() -> Result<Files> {
    let path = workspace_root().join(PARTITIONS_FILE);
    let json = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let file = codegen::regions_file(PARTITIONS_FILE, &json)?;
    Ok(Files::from([(
        PathBuf::from("partitions_generated.rs"),
        file,
    )]))
}

/// The directory of the test suites' rule sets compiled to Rust, relative to the workspace
/// root: the tests run every endpoint case against them as well as the interpreter.
pub const COMPILED_RULES_DIR: &str = "tests/endpoint-compiled";

/// Generates `rules.rs` of [`COMPILED_RULES_DIR`] in memory: each rule set of the rules-engine
/// suite (`tests/endpoint-rules/valid-rules`) and of the Smithy model, compiled by the
/// generator as a crate's own rules are, in a module named after its file, and `ALL`, each
/// [`CompiledRules`](aws_json_runtime::endpoint::CompiledRules) by the file name the cases
/// are reported under.
pub fn generate_compiled_rules() -> Result<Files> {
    use aws_json_runtime::endpoint::RuleSet;
    use quote::{format_ident, quote};
    let root = workspace_root();
    let suite = "tests/endpoint-rules/valid-rules";
    let mut sources: Vec<(String, String, serde_json::Value)> = Vec::new();
    let mut names = Vec::new();
    for entry in
        std::fs::read_dir(root.join(suite)).with_context(|| format!("cannot list {suite}"))?
    {
        let name = entry
            .with_context(|| format!("cannot list {suite}"))?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".json") {
            names.push(name);
        }
    }
    names.sort();
    for name in names {
        let path = format!("{suite}/{name}");
        let text = std::fs::read_to_string(root.join(&path))
            .with_context(|| format!("cannot read {path}"))?;
        let json = serde_json::from_str(&text).with_context(|| format!("{path} is not JSON"))?;
        sources.push((name, path, json));
    }
    let smithy = endpoints::DEFAULT_PATHS[1];
    let model: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join(smithy))
            .with_context(|| format!("cannot read {smithy}"))?,
    )
    .with_context(|| format!("{smithy} is not JSON"))?;
    let rules = model
        .get("shapes")
        .and_then(serde_json::Value::as_object)
        .into_iter()
        .flat_map(|shapes| shapes.values())
        .find_map(|shape| shape.get("traits")?.get(endpoints::RULE_SET_TRAIT))
        .with_context(|| format!("{smithy} has no endpoint rule set"))?;
    let file_name = Path::new(smithy)
        .file_name()
        .map_or_else(|| smithy.to_owned(), |n| n.to_string_lossy().into_owned());
    sources.push((file_name, smithy.to_owned(), rules.clone()));
    let mut modules = Vec::new();
    let mut all = Vec::new();
    for (name, path, json) in &sources {
        let rules = RuleSet::from_value(json).with_context(|| format!("{path} does not parse"))?;
        let module = format_ident!(
            "{}",
            name.trim_end_matches(".json")
                .trim_end_matches(".smithy")
                .replace(['-', '.'], "_")
        );
        let body = codegen::testing::compile_rules(&rules, &format!("`{path}`"))
            .map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        modules.push(quote!(pub mod #module { #body }));
        all.push(quote!((#name, #module::RULES)));
    }
    let tokens = quote! {
        //! The rule sets of the endpoint test suites, compiled to Rust by the code generator.

        #(#modules)*

        /// Each compiled rule set, by the file name its cases are reported under.
        pub static ALL: &[(&str, ::aws_json_runtime::endpoint::CompiledRules)] = &[#(#all),*];
    };
    let headers: Vec<String> = sources.into_iter().map(|(_, path, _)| path).collect();
    let file = codegen::testing::rust_file("rules.rs", tokens, &headers)?;
    Ok(Files::from([(PathBuf::from("rules.rs"), file)]))
}

/// Every directory `cargo xtask codegen` writes in the workspace, with its label and files.
pub fn generate_workspace() -> Result<Vec<(PathBuf, &'static str, Files)>> {
    Ok(vec![
        (generated_dir(), GENERATED_DIR, generate_workspace_crate()?),
        (
            workspace_root().join(ENDPOINT_RULES_GENERATED_DIR),
            ENDPOINT_RULES_GENERATED_DIR,
            generate_endpoint_rules_files()?,
        ),
        (
            workspace_root().join(COMPILED_RULES_DIR),
            COMPILED_RULES_DIR,
            generate_compiled_rules()?,
        ),
    ])
}

/// Loads the workspace's model (all three botocore files must exist).
pub fn load_workspace_model() -> Result<LoadedModel> {
    let root = workspace_root();
    let [service, paginators, endpoint_rules] = WORKSPACE_MODEL_FILES;
    load::load_botocore_files(
        (&root.join(service), service),
        (&root.join(paginators), paginators),
        (&root.join(endpoint_rules), endpoint_rules),
    )
}

/// The generator options for the workspace's generated crate.
pub fn workspace_options(model_files: Vec<String>) -> codegen::Options {
    codegen::Options {
        crate_name: WORKSPACE_CRATE_NAME.to_owned(),
        runtime_dependency: "{ workspace = true }".to_owned(),
        workspace_member: true,
        model_files,
        names_lock: codegen::NamesLock::new(),
    }
}

/// The `names.lock` in a generated crate's directory: the names its last generation gave,
/// which the next one keeps. Empty when the file does not exist; an error naming the file
/// when it cannot be read.
pub fn read_names_lock(crate_dir: &Path) -> Result<codegen::NamesLock> {
    let path = crate_dir.join(codegen::NamesLock::FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => codegen::NamesLock::parse(&text)
            .with_context(|| format!("cannot use {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(codegen::NamesLock::new()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Generates the files of the workspace's crate (relative to [`generated_dir`]) in memory.
pub fn generate_workspace_crate() -> Result<Files> {
    let loaded = load_workspace_model()?;
    let mut options = workspace_options(loaded.model_files);
    options.names_lock = read_names_lock(&generated_dir())?;
    Ok(codegen::generate(&loaded.service, &options)?)
}

/// What `cargo xtask codegen --check` checks: fails with a [`StaleError`] listing every stale
/// file of the workspace's generated crate (or of the runtime's generated file) and the
/// command that fixes them.
pub fn check_workspace() -> Result<()> {
    for (dir, label, files) in generate_workspace()? {
        StaleError::check(label, diff(&dir, &files)?, CODEGEN_COMMAND)?;
    }
    Ok(())
}

/// A standalone crate generated in memory.
#[derive(Debug)]
pub struct StandaloneCrate {
    /// The crate's files, by path relative to its directory.
    pub files: Files,
    /// The operations of the model the crate leaves out, and why.
    pub unsupported: Vec<model::ir::Unsupported>,
    /// The patterns of the model the crate does not check, and why.
    pub unchecked_patterns: Vec<model::pattern::UncheckedPattern>,
}

/// Generates, in memory, a standalone crate for the model at `model_path` (botocore or Smithy
/// JSON), to be written to `out_dir`. The crate depends on this workspace's runtime by a path
/// relative to `out_dir` (absolute only when none exists). Without `crate_name`, the name is
/// [`load::default_crate_name`] of the model.
pub fn generate_standalone(
    model_path: &Path,
    out_dir: &Path,
    crate_name: Option<&str>,
) -> Result<StandaloneCrate> {
    if let Some(name) = crate_name {
        load::validate_crate_name(name)?;
    }
    let loaded = load::load_model_path(model_path)?;
    let crate_name = match crate_name {
        Some(name) => name.to_owned(),
        None => load::default_crate_name(&loaded.service.metadata).with_context(|| {
            format!(
                "cannot derive a crate name from {}; pass --crate-name",
                model_path.display()
            )
        })?,
    };
    load::validate_crate_name(&crate_name)?;
    let options = codegen::Options {
        crate_name,
        runtime_dependency: paths::runtime_dependency(out_dir, &runtime_dir())?,
        workspace_member: false,
        model_files: loaded.model_files,
        names_lock: read_names_lock(out_dir)?,
    };
    let files = codegen::generate(&loaded.service, &options)?;
    Ok(StandaloneCrate {
        files,
        unchecked_patterns: model::pattern::unchecked(&loaded.service),
        unsupported: loaded.service.unsupported,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_root_holds_the_workspace_manifest_and_model() {
        let root = workspace_root();
        assert!(root.join("Cargo.toml").is_file());
        assert!(root.join("xtask/Cargo.toml").is_file());
        for file in WORKSPACE_MODEL_FILES {
            assert!(root.join(file).is_file(), "{file}");
        }
    }

    #[test]
    fn a_names_lock_is_read_from_the_crate_directory() {
        let dir = std::env::temp_dir().join(format!("xtask-names-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(read_names_lock(&dir).unwrap(), codegen::NamesLock::new());
        std::fs::write(dir.join("names.lock"), "# c\ntypes\tSSEType\tSseType2\n").unwrap();
        assert_eq!(
            read_names_lock(&dir).unwrap().get("types", "SSEType"),
            Some("SseType2")
        );
        std::fs::write(dir.join("names.lock"), "types\tSSEType\n").unwrap();
        let err = format!("{:#}", read_names_lock(&dir).unwrap_err());
        assert!(
            err.contains("names.lock, line 1: expected a scope"),
            "{err}"
        );
        assert!(
            err.contains(&dir.join("names.lock").display().to_string()),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn workspace_options_make_a_workspace_member() {
        let options = workspace_options(vec!["model/service-2.json".to_owned()]);
        assert_eq!(options.crate_name, "cognito-identity");
        assert_eq!(options.runtime_dependency, "{ workspace = true }");
        assert!(options.workspace_member);
        assert_eq!(options.model_files, ["model/service-2.json"]);
    }
}
