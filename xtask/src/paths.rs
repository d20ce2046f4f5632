//! Path arithmetic for standalone crates: where the workspace's runtime crate is, seen from an
//! output directory, and how to write that as a TOML dependency.
//!
//! Only [`resolve`] looks at the disk (to follow symbolic links in the part of a path that
//! exists); the rest is pure, so it is tested on plain values.

use std::io;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};

/// Makes `path` absolute and free of symbolic links and `.`/`..`, even when its tail does
/// not exist yet: the longest existing ancestor is canonicalized and the rest appended.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    let absolute =
        std::path::absolute(path).with_context(|| format!("resolving {}", path.display()))?;
    let mut existing = absolute.as_path();
    let mut tail = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(canonical) => {
                let mut resolved = canonical;
                for component in tail.iter().rev() {
                    match component {
                        Component::ParentDir => {
                            resolved.pop();
                        }
                        Component::CurDir => {}
                        other => resolved.push(other.as_os_str()),
                    }
                }
                return Ok(resolved);
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                let (Some(parent), Some(last)) =
                    (existing.parent(), existing.components().next_back())
                else {
                    return Err(err).with_context(|| format!("resolving {}", path.display()));
                };
                tail.push(last);
                existing = parent;
            }
            Err(err) => return Err(err).with_context(|| format!("resolving {}", path.display())),
        }
    }
}

/// The path that leads from directory `from` to `to`, both absolute and normalized, using
/// `..` where needed; `.` when they are the same. `None` when they share no root (different
/// drives on Windows).
pub fn relative_path(from: &Path, to: &Path) -> Option<PathBuf> {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let rooted = |c: &Component<'_>| matches!(c, Component::Prefix(_) | Component::RootDir);
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let shares_root = from.iter().take(common).any(rooted);
    if !shares_root {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for component in to.iter().skip(common) {
        out.push(component.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    Some(out)
}

/// The runtime dependency for a crate written to `out_dir`: a `path` dependency on
/// `runtime_dir`, relative when possible, with `/` separators (which Cargo accepts on every
/// platform).
pub fn runtime_dependency(out_dir: &Path, runtime_dir: &Path) -> Result<String> {
    let out_dir = resolve(out_dir)?;
    let runtime_dir = resolve(runtime_dir)?;
    let path = match relative_path(&out_dir, &runtime_dir) {
        Some(relative) => slash_components(&relative)?,
        None => runtime_dir
            .to_str()
            .with_context(|| format!("`{}` is not valid UTF-8", runtime_dir.display()))?
            .to_owned(),
    };
    Ok(format!("{{ path = {} }}", toml_string(&path)))
}

/// Joins a relative path's components with `/`.
fn slash_components(path: &Path) -> Result<String> {
    let parts = path
        .components()
        .map(|c| {
            c.as_os_str()
                .to_str()
                .with_context(|| format!("`{}` is not valid UTF-8", path.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(parts.join("/"))
}

/// A TOML basic string holding `text`.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TempDir;

    fn rel(from: &str, to: &str) -> Option<String> {
        relative_path(Path::new(from), Path::new(to)).map(|p| p.display().to_string())
    }

    #[cfg(unix)]
    #[test]
    fn relative_path_climbs_to_the_common_ancestor() {
        assert_eq!(
            rel("/a/b/out", "/a/runtime").as_deref(),
            Some("../../runtime")
        );
        assert_eq!(rel("/a", "/a/runtime").as_deref(), Some("runtime"));
        assert_eq!(rel("/a/runtime", "/a/runtime").as_deref(), Some("."));
        assert_eq!(rel("/x/y", "/a/b").as_deref(), Some("../../a/b"));
        assert_eq!(rel("/", "/a").as_deref(), Some("a"));
    }

    #[test]
    fn relative_path_needs_a_shared_root() {
        assert_eq!(rel("a/b", "c"), None);
    }

    #[test]
    fn resolve_handles_directories_that_do_not_exist_yet() -> Result<()> {
        let tmp = TempDir::new()?;
        let base = tmp.path().canonicalize()?;
        let resolved = resolve(&tmp.path().join("new/./deeper/../crate"))?;
        assert_eq!(resolved, base.join("new/crate"));
        Ok(())
    }

    #[test]
    fn runtime_dependency_is_a_relative_path() -> Result<()> {
        let tmp = TempDir::new()?;
        tmp.write("ws/runtime/Cargo.toml", "")?;
        let dep = runtime_dependency(
            &tmp.path().join("elsewhere/out"),
            &tmp.path().join("ws/runtime"),
        )?;
        assert_eq!(dep, r#"{ path = "../../ws/runtime" }"#);
        Ok(())
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_string(r"C:\a b"), r#""C:\\a b""#);
        assert_eq!(toml_string("q\"\n\u{1}"), r#""q\"\n\u0001""#);
    }
}
