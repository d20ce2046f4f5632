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
pub mod sample;
pub mod scratch;
pub mod sync;
#[cfg(test)]
mod test_support;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

pub use codegen::Files;
pub use load::LoadedModel;
pub use sync::{diff, sync, Stale, StaleError, StaleKind, SyncReport};

/// The command that regenerates the workspace's generated crates.
pub const CODEGEN_COMMAND: &str = "cargo xtask codegen";

/// A service whose crate `cargo xtask codegen` keeps in the workspace: where its model files
/// are, where its crate goes and what the package is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkspaceService {
    /// The directory of its botocore model files, relative to the workspace root:
    /// [`load::SERVICE_FILE`], [`load::PAGINATORS_FILE`] and [`load::ENDPOINT_RULES_FILE`]
    /// (all three required), `endpoint-tests-1.json` for the endpoint tests, and any Smithy
    /// JSON AST of the same API (`*.smithy.json`).
    pub model_dir: &'static str,
    /// The directory of its generated crate, relative to the workspace root.
    pub crate_dir: &'static str,
    /// The package name of its generated crate.
    pub package: &'static str,
    /// True when the crate puts each operation behind a cargo feature of its own
    /// ([`codegen::Options::operation_features`]), so a user compiles only the operations it
    /// calls.
    pub operation_features: bool,
}

/// Every service the workspace generates a crate for. A new service is one entry here, its
/// model directory, and its crate added to the root `Cargo.toml`'s members.
pub const SERVICES: [WorkspaceService; 2] = [
    WorkspaceService {
        model_dir: "model/cognito-identity",
        crate_dir: "generated/cognito-identity",
        package: "cognito-identity",
        operation_features: false,
    },
    WorkspaceService {
        model_dir: "model/cognito-idp",
        crate_dir: "generated/cognito-identity-provider",
        package: "cognito-identity-provider",
        // 141 operations, of which a sign-in session calls five.
        operation_features: true,
    },
];

/// The entry of [`SERVICES`] whose package is `package`, or an error listing the packages.
pub fn service(package: &str) -> Result<&'static WorkspaceService> {
    SERVICES
        .iter()
        .find(|s| s.package == package)
        .with_context(|| {
            let known: Vec<&str> = SERVICES.iter().map(|s| s.package).collect();
            format!(
                "no workspace service is named `{package}`; the services are {}",
                known.join(", ")
            )
        })
}

impl WorkspaceService {
    /// The three botocore files, relative to the workspace root, in the order service,
    /// paginators, endpoint rules. These names also appear in the generated headers.
    pub fn model_files(&self) -> [String; 3] {
        [
            load::SERVICE_FILE,
            load::PAGINATORS_FILE,
            load::ENDPOINT_RULES_FILE,
        ]
        .map(|file| format!("{}/{file}", self.model_dir))
    }

    /// The directory of the generated crate.
    pub fn crate_path(&self) -> PathBuf {
        workspace_root().join(self.crate_dir)
    }

    /// The model directory.
    pub fn model_path(&self) -> PathBuf {
        workspace_root().join(self.model_dir)
    }

    /// The Smithy JSON AST models (`*.smithy.json`) in the model directory, relative to the
    /// workspace root and sorted; none when the service has only botocore files.
    pub fn smithy_models(&self) -> Result<Vec<String>> {
        let dir = self.model_path();
        let mut found = Vec::new();
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", self.model_dir))?
        {
            let name = entry
                .with_context(|| format!("cannot list {}", self.model_dir))?
                .file_name()
                .to_string_lossy()
                .into_owned();
            if name.ends_with(".smithy.json") {
                found.push(format!("{}/{name}", self.model_dir));
            }
        }
        found.sort();
        Ok(found)
    }

    /// Loads the model (all three botocore files must exist).
    pub fn load(&self) -> Result<LoadedModel> {
        let root = workspace_root();
        let [service, paginators, endpoint_rules] = self.model_files();
        load::load_botocore_files(
            (&root.join(&service), &service),
            (&root.join(&paginators), &paginators),
            (&root.join(&endpoint_rules), &endpoint_rules),
        )
    }

    /// The generator options for the crate, naming `model_files` in its headers.
    pub fn options(&self, model_files: Vec<String>) -> codegen::Options {
        codegen::Options {
            crate_name: self.package.to_owned(),
            runtime_dependency: "{ workspace = true }".to_owned(),
            workspace_member: true,
            model_files,
            names_lock: codegen::NamesLock::new(),
            operation_features: self.operation_features,
        }
    }

    /// Generates the crate's files (relative to [`Self::crate_path`]) in memory, keeping the
    /// names of its `names.lock`.
    pub fn generate(&self) -> Result<Files> {
        let loaded = self
            .load()
            .with_context(|| format!("loading the model of {}", self.package))?;
        let mut options = self.options(loaded.model_files);
        options.names_lock = read_names_lock(&self.crate_path())?;
        Ok(codegen::generate(&loaded.service, &options)?)
    }
}

/// The workspace root, found from where this crate was compiled (`xtask/..`).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    match manifest_dir.parent() {
        Some(root) => root.to_path_buf(),
        None => manifest_dir.join(".."),
    }
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
/// suite (`tests/endpoint-rules/valid-rules`) and of each service's Smithy model, compiled by the
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
    for service in &SERVICES {
        for smithy in service.smithy_models()? {
            let model: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(root.join(&smithy))
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
            let file_name = Path::new(&smithy)
                .file_name()
                .map_or_else(|| smithy.clone(), |n| n.to_string_lossy().into_owned());
            sources.push((file_name, smithy, rules.clone()));
        }
    }
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

/// Every directory `cargo xtask codegen` writes in the workspace, with its label and files:
/// the crate of each of [`SERVICES`], then the endpoint rules' and the tests' compiled rules.
pub fn generate_workspace() -> Result<Vec<(PathBuf, &'static str, Files)>> {
    let mut targets = Vec::new();
    for service in &SERVICES {
        targets.push((service.crate_path(), service.crate_dir, service.generate()?));
    }
    targets.extend([
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
    ]);
    Ok(targets)
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

/// What `cargo xtask codegen --check` checks: fails with a [`StaleError`] listing every stale
/// file of a service's generated crate (or of the other generated files) and the command that
/// fixes them.
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
/// [`load::default_crate_name`] of the model. With `operation_features`, each operation is
/// behind a cargo feature of its own ([`codegen::Options::operation_features`]).
pub fn generate_standalone(
    model_path: &Path,
    out_dir: &Path,
    crate_name: Option<&str>,
    operation_features: bool,
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
        operation_features,
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
    fn workspace_root_holds_the_workspace_manifest_and_every_service() {
        let root = workspace_root();
        assert!(root.join("Cargo.toml").is_file());
        assert!(root.join("xtask/Cargo.toml").is_file());
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        for service in &SERVICES {
            for file in service.model_files() {
                assert!(root.join(&file).is_file(), "{file}");
            }
            assert!(
                root.join(service.model_dir)
                    .join("endpoint-tests-1.json")
                    .is_file(),
                "{}",
                service.model_dir
            );
            let member = format!("\"{}\"", service.crate_dir);
            assert!(
                manifest.contains(&member),
                "the workspace's Cargo.toml names {member}"
            );
        }
    }

    #[test]
    fn services_are_found_by_package_and_unknown_ones_are_named() {
        assert_eq!(
            service("cognito-identity").unwrap().model_dir,
            "model/cognito-identity"
        );
        let err = format!("{:#}", service("nope").unwrap_err());
        assert_eq!(
            err,
            "no workspace service is named `nope`; the services are cognito-identity, \
             cognito-identity-provider"
        );
    }

    #[test]
    fn only_the_identity_service_has_a_smithy_model() {
        assert_eq!(
            SERVICES[0].smithy_models().unwrap(),
            ["model/cognito-identity/cognito-identity-2014-06-30.smithy.json"]
        );
        assert!(SERVICES[1].smithy_models().unwrap().is_empty());
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
        let file = "model/cognito-idp/service-2.json";
        let options = SERVICES[1].options(vec![file.to_owned()]);
        assert_eq!(options.crate_name, "cognito-identity-provider");
        assert_eq!(options.runtime_dependency, "{ workspace = true }");
        assert!(options.workspace_member);
        assert!(options.operation_features);
        assert!(!SERVICES[0].options(Vec::new()).operation_features);
        assert_eq!(options.model_files, [file]);
        assert_eq!(SERVICES[1].model_files()[0], file);
    }
}
