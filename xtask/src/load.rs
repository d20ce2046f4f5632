//! Reads model files from disk and hands their text to the `model` crate.
//!
//! This module decides which files make up a model (a botocore `service-2.json` and its
//! optional siblings, or one Smithy JSON AST file) and what the generated headers call them.
//! It parses nothing itself, and the errors of `model` pass through unchanged.

use std::fs;
use std::io;
use std::path::Path;

use anyhow::{Context, Result};
use model::{ir, BotocoreFiles, Format, Source};

/// The name of a botocore service description file.
pub const SERVICE_FILE: &str = "service-2.json";

/// The name of a botocore paginators file next to `service-2.json`.
pub const PAGINATORS_FILE: &str = "paginators-1.json";

/// The name of a botocore endpoint rule set file next to `service-2.json`.
pub const ENDPOINT_RULES_FILE: &str = "endpoint-rule-set-1.json";

/// A loaded model and the names of the files it came from, for the generated headers.
#[derive(Debug)]
pub struct LoadedModel {
    /// The validated IR.
    pub service: ir::Service,
    /// The files read, as named in the headers of generated files.
    pub model_files: Vec<String>,
}

/// A model file read into memory: where it is, what to call it in messages and headers, and
/// its text.
struct ModelText {
    /// The name used in error messages.
    name: String,
    /// The name written into generated headers.
    header: String,
    /// The file's contents.
    text: String,
}

impl ModelText {
    fn source(&self) -> Source<'_> {
        Source {
            name: &self.name,
            text: &self.text,
        }
    }
}

/// Reads a required file; `name` is how messages refer to it.
fn read(path: &Path, name: &str, header: &str) -> Result<ModelText> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {name}"))?;
    Ok(ModelText {
        name: name.to_owned(),
        header: header.to_owned(),
        text,
    })
}

/// Reads a file that may be absent; `None` when it does not exist.
fn read_optional(path: &Path, name: &str, header: &str) -> Result<Option<ModelText>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(ModelText {
            name: name.to_owned(),
            header: header.to_owned(),
            text,
        })),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err).with_context(|| format!("reading {name}")),
    }
}

/// Loads a botocore model from its three files, all of which must exist. Each file is
/// `(path on disk, name for messages and headers)`.
pub fn load_botocore_files(
    service: (&Path, &str),
    paginators: (&Path, &str),
    endpoint_rules: (&Path, &str),
) -> Result<LoadedModel> {
    let service = read(service.0, service.1, service.1)?;
    let paginators = read(paginators.0, paginators.1, paginators.1)?;
    let endpoint_rules = read(endpoint_rules.0, endpoint_rules.1, endpoint_rules.1)?;
    load_botocore(service, Some(paginators), Some(endpoint_rules))
}

/// Loads the model at `path`, botocore or Smithy JSON (detected from its contents). For
/// botocore, `paginators-1.json` and `endpoint-rule-set-1.json` in the same directory are
/// read when present.
///
/// Messages name files by the path as given; generated headers name them by file name only,
/// so the output does not depend on where the model was read from.
pub fn load_model_path(path: &Path) -> Result<LoadedModel> {
    let header = path
        .file_name()
        .with_context(|| format!("`{}` does not name a model file", path.display()))?
        .to_string_lossy()
        .into_owned();
    let main = read(path, &path.display().to_string(), &header)?;
    match model::detect_format(main.source())? {
        Format::Smithy => {
            let service = model::load_smithy(main.source())?;
            Ok(LoadedModel {
                service,
                model_files: vec![main.header],
            })
        }
        Format::Botocore => {
            let sibling = |file: &str| {
                let sibling = path.with_file_name(file);
                read_optional(&sibling, &sibling.display().to_string(), file)
            };
            let paginators = sibling(PAGINATORS_FILE)?;
            let endpoint_rules = sibling(ENDPOINT_RULES_FILE)?;
            load_botocore(main, paginators, endpoint_rules)
        }
    }
}

fn load_botocore(
    service: ModelText,
    paginators: Option<ModelText>,
    endpoint_rules: Option<ModelText>,
) -> Result<LoadedModel> {
    let loaded = model::load_botocore(BotocoreFiles {
        service: service.source(),
        paginators: paginators.as_ref().map(ModelText::source),
        endpoint_rules: endpoint_rules.as_ref().map(ModelText::source),
    })?;
    let model_files = std::iter::once(&service)
        .chain(paginators.as_ref())
        .chain(endpoint_rules.as_ref())
        .map(|file| file.header.clone())
        .collect();
    Ok(LoadedModel {
        service: loaded,
        model_files,
    })
}

/// The default package name for a model: its service id (botocore `serviceId`, Smithy
/// `sdkId`, e.g. `Cognito Identity`), falling back to the endpoint prefix and then the signing
/// name when the id is empty. ASCII letters and digits are kept in lower case; every run of
/// other characters becomes one `-`, with none at either end. A name that would start with a
/// digit gets the prefix `aws-`. `None` when nothing usable is left.
pub fn default_crate_name(metadata: &ir::Metadata) -> Option<String> {
    name_from_candidates(&[
        &metadata.service_id,
        &metadata.endpoint_prefix,
        &metadata.signing_name,
    ])
}

/// The first candidate that is not empty in kebab case, made a valid package name.
fn name_from_candidates(candidates: &[&str]) -> Option<String> {
    candidates
        .iter()
        .map(|candidate| kebab(candidate))
        .find(|name| !name.is_empty())
        .map(|name| {
            if name.starts_with(|c: char| c.is_ascii_digit()) {
                format!("aws-{name}")
            } else {
                name
            }
        })
}

/// Lower-case ASCII alphanumerics joined by single dashes.
fn kebab(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// Checks that `name` is usable as a Cargo package name: ASCII letters, digits, `-` and `_`,
/// starting with a letter, at most 64 characters.
pub fn validate_crate_name(name: &str) -> Result<()> {
    let starts_with_letter = name.starts_with(|c: char| c.is_ascii_alphabetic());
    let allowed = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !starts_with_letter || !allowed || name.len() > 64 {
        anyhow::bail!(
            "`{name}` is not a valid crate name: use ASCII letters, digits, `-` and `_`, \
             start with a letter, and stay within 64 characters"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TempDir;

    fn name(service_id: &str, endpoint_prefix: &str, signing_name: &str) -> Option<String> {
        name_from_candidates(&[service_id, endpoint_prefix, signing_name])
    }

    #[test]
    fn default_crate_name_is_the_service_id_in_kebab_case() {
        let cases = [
            ("Cognito Identity", "cognito-identity"),
            ("ACM PCA", "acm-pca"),
            ("DynamoDB Streams", "dynamodb-streams"),
            ("  Odd -- Name_2 ", "odd-name-2"),
            ("IoT 1Click Devices", "iot-1click-devices"),
            ("2nd Service", "aws-2nd-service"),
        ];
        for (id, expected) in cases {
            assert_eq!(name(id, "x", "y").as_deref(), Some(expected), "{id}");
        }
    }

    #[test]
    fn default_crate_name_falls_back_to_endpoint_prefix_then_signing_name() {
        assert_eq!(
            name("", "cognito-identity", "z").as_deref(),
            Some("cognito-identity")
        );
        assert_eq!(name(" ", "", "sig.name").as_deref(), Some("sig-name"));
        assert_eq!(name("", "-", ""), None);
    }

    /// Copies one of the workspace's model files into `tmp` under `name`.
    fn copy_model(tmp: &TempDir, file: &str, name: &str) -> Result<()> {
        let text = fs::read_to_string(
            crate::workspace_root()
                .join(crate::SERVICES[0].model_dir)
                .join(file),
        )?;
        tmp.write(name, &text)
    }

    #[test]
    fn botocore_models_read_the_siblings_that_exist() -> Result<()> {
        let tmp = TempDir::new()?;
        copy_model(&tmp, "service-2.json", "svc/service-2.json")?;
        copy_model(&tmp, "paginators-1.json", "svc/paginators-1.json")?;
        let loaded = load_model_path(&tmp.path().join("svc/service-2.json"))?;
        assert_eq!(loaded.model_files, ["service-2.json", "paginators-1.json"]);
        assert_eq!(
            default_crate_name(&loaded.service.metadata).as_deref(),
            Some("cognito-identity")
        );
        Ok(())
    }

    #[test]
    fn smithy_models_are_detected_and_read_alone() -> Result<()> {
        let tmp = TempDir::new()?;
        let name = "cognito-identity-2014-06-30.smithy.json";
        copy_model(&tmp, name, name)?;
        // A botocore sibling must not be picked up for a Smithy model.
        copy_model(&tmp, "paginators-1.json", "paginators-1.json")?;
        let loaded = load_model_path(&tmp.path().join(name))?;
        assert_eq!(loaded.model_files, [name]);
        Ok(())
    }

    #[test]
    fn a_missing_model_file_names_the_path() -> Result<()> {
        let tmp = TempDir::new()?;
        let path = tmp.path().join("nowhere/service-2.json");
        let err = load_model_path(&path).expect_err("the file does not exist");
        assert_eq!(err.to_string(), format!("reading {}", path.display()));
        Ok(())
    }

    #[test]
    fn crate_names_are_validated() {
        for good in ["cognito-identity", "a", "my_crate2"] {
            assert!(validate_crate_name(good).is_ok(), "{good}");
        }
        let long = "a".repeat(65);
        for bad in ["", "2fast", "-x", "has space", "ünï", "a/b", long.as_str()] {
            assert!(validate_crate_name(bad).is_err(), "{bad}");
        }
    }
}
