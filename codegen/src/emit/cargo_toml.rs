//! Emits the crate's `Cargo.toml`: the package, the runtime dependency with the features the
//! model needs, and the crate's own features, which switch the runtime's (and, for a crate
//! with one feature per operation, the operations' features). TOML is no Rust, so this
//! emitter returns text, with the TOML header [`crate::format`] makes.

use crate::context::Cx;
use crate::format;
use crate::names::ALL_OPERATIONS;

/// The crate's manifest.
pub fn emit(cx: &Cx<'_>) -> String {
    let opts = cx.opts;
    let meta = &cx.service.metadata;
    let header = format::toml_header(&opts.model_files);
    let description = format!(
        "{} client and server (awsJson {}), generated from the service model.",
        meta.full_name,
        meta.protocol.json_version()
    );
    let (package_common, lints) = if opts.workspace_member {
        (
            "edition.workspace = true\nlicense.workspace = true\npublish.workspace = true\n",
            "\n[lints]\nworkspace = true\n",
        )
    } else {
        ("edition = \"2021\"\npublish = false\n", "")
    };
    // The runtime's features are the crate's: on by default, and off with the crate's own
    // `default-features = false`, so users choose them where they name this crate. Gzip is
    // the exception: a model with a compressible operation needs it on the client whatever
    // the user picks, so the runtime dependency then asks for it itself.
    let compresses = cx
        .service
        .operations
        .iter()
        .any(|op| op.request_compression.iter().any(|e| e == "gzip"));
    let mut always = Vec::new();
    if compresses {
        always.push("gzip");
    }
    // Patterns too large for an automaton need a regex engine, whatever the user picks: the
    // full engine for large Unicode classes.
    if model::pattern::needs_lite_engine(cx.service) {
        always.push("lite-patterns");
    }
    if model::pattern::needs_full_engine(cx.service) {
        always.push("unicode-patterns");
    }
    let (default_operations, operations) = operation_features(cx);
    let features = format!("\n[features]\ndefault = [\"https\", \"sha2\", \"config-files\"{default_operations}]\n# The default HTTP(S) transport (hyper, rustls, tokio's network stack).\nhttps = [\"aws-json-runtime/https\"]\n# Region, endpoint URL and credentials from the shared AWS files (~/.aws/config, ~/.aws/credentials).\nconfig-files = [\"aws-json-runtime/config-files\"]\n# SigV4 hashing with the CPU's SHA instructions (RustCrypto's sha2); without it, portable code.\nsha2 = [\"aws-json-runtime/sha2\"]\n# Gzip request bodies: compressing those the model allows, decoding them in the router.\ngzip = [\"aws-json-runtime/gzip\"]\n# Serving the router over HTTP (gzip bodies included).\nserver = [\"aws-json-runtime/server\"]\n# The generated `mock::Mock`, a stand-in for the service in tests.\nmock = [\"aws-json-runtime/mock\"]\n# A `tracing` span per call and per attempt (service, operation, attempt, status, request id, retry decision, time; never a secret).\ntracing = [\"aws-json-runtime/tracing\"]\n{operations}");
    format!(
        "{header}\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\ndescription = \"{description}\"\n{package_common}\n[dependencies]\naws-json-runtime = {runtime}\n{features}{lints}",
        name = opts.crate_name,
        description = description.replace('"', "\\\""),
        runtime = runtime_dependency(&opts.runtime_dependency, &always),
    )
}

/// For a crate with one feature per operation: the entry `default` adds, and the features of
/// the operations with `all-operations` listing them. Empty otherwise.
fn operation_features(cx: &Cx<'_>) -> (String, String) {
    if !cx.opts.operation_features {
        return (String::new(), String::new());
    }
    let features: Vec<&str> = cx
        .service
        .operations
        .iter()
        .filter_map(|op| cx.names.operation_feature(&op.name))
        .collect();
    let listed: String = features.iter().map(|f| format!("    \"{f}\",\n")).collect();
    let each: String = features.iter().map(|f| format!("{f} = []\n")).collect();
    let text = format!(
        "# Every operation. Each operation of the service is behind a feature of its own, named\n\
         # after it in kebab-case: with `default-features = false`, list the operations you call\n\
         # (and the transport features above you need), and only their types, errors, client\n\
         # methods, router arms and mock slots are compiled.\n\
         {ALL_OPERATIONS} = [\n{listed}]\n{each}"
    );
    (format!(", \"{ALL_OPERATIONS}\""), text)
}

/// The runtime dependency with its default features off: `{ path = "x" }` becomes
/// `{ path = "x", default-features = false }`, and a bare version requirement becomes a
/// table. The crate's own features then decide which runtime features are on, but for
/// `always`, which the dependency itself asks for.
fn runtime_dependency(dependency: &str, always: &[&str]) -> String {
    let dependency = dependency.trim();
    let inner = match dependency
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
    {
        Some(inner) if inner.contains("default-features") => inner.trim().to_owned(),
        Some(inner) if inner.trim().is_empty() => "default-features = false".to_owned(),
        Some(inner) => format!("{}, default-features = false", inner.trim()),
        None => format!("version = {dependency}, default-features = false"),
    };
    if always.is_empty() {
        return format!("{{ {inner} }}");
    }
    let features: Vec<String> = always.iter().map(|f| format!("\"{f}\"")).collect();
    format!("{{ {inner}, features = [{}] }}", features.join(", "))
}

#[cfg(test)]
mod tests {
    use super::runtime_dependency;

    fn without_default_features(dependency: &str) -> String {
        runtime_dependency(dependency, &[])
    }

    #[test]
    fn the_runtime_dependency_asks_for_the_features_the_model_needs() {
        assert_eq!(
            runtime_dependency("{ workspace = true }", &["gzip"]),
            r#"{ workspace = true, default-features = false, features = ["gzip"] }"#
        );
        assert_eq!(
            runtime_dependency(r#""0.1""#, &["gzip"]),
            r#"{ version = "0.1", default-features = false, features = ["gzip"] }"#
        );
    }

    #[test]
    fn the_runtime_dependency_loses_its_default_features() {
        assert_eq!(
            without_default_features("{ workspace = true }"),
            "{ workspace = true, default-features = false }"
        );
        assert_eq!(
            without_default_features(r#"{ path = "../runtime" }"#),
            r#"{ path = "../runtime", default-features = false }"#
        );
        assert_eq!(
            without_default_features(r#""0.1""#),
            r#"{ version = "0.1", default-features = false }"#
        );
        let explicit = r#"{ path = "r", default-features = true }"#;
        assert_eq!(without_default_features(explicit), explicit);
    }
}
