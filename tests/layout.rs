//! Keeps the runtime's layout: each top folder of `runtime/src` is one job, and a job may only
//! import the jobs below it. The allowed arrows are written out in [`ALLOWED`], so this file
//! is also the map of the crate: read it before adding an import between jobs.
//!
//! The test reads every source file of the runtime, takes the module paths it names
//! (`crate::…`, `super::…` and `aws_json_runtime::…`, comments left out), maps each path to
//! the job it lands in (a name the crate root re-exports counts as the job it comes from) and
//! fails, naming the file and the path, on any arrow the table does not list. It also checks
//! that the table itself has no loop, that the server never imports the client, that the
//! code generator does not depend on the runtime, and that `generated/` and `model/` hold one
//! folder per service of the workspace's services table.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The runtime's jobs, each a top folder of `runtime/src` (or a crate the root re-exports),
/// with the jobs it may import. Everything else is forbidden. The layering, bottom up:
///
/// ```text
///   endpoint, automaton    other crates: the endpoint rules, pattern automata
///        ^
///      base                service/operation metadata, the HTTP exchange, random ids
///        ^
///      wire                value types, JSON, dates, validation, error codes
///        ^
///      auth                credentials, profile files, SigV4 signing and verifying
///      ^    ^
///  client  server          dispatch, transports, retries | router support, HTTP front door
/// ```
const ALLOWED: &[(&str, &[&str])] = &[
    ("endpoint", &[]),
    ("automaton", &[]),
    ("base", &["endpoint"]),
    ("wire", &["base", "automaton"]),
    ("auth", &["base", "wire"]),
    ("client", &["base", "wire", "auth", "endpoint"]),
    ("server", &["base", "wire", "auth"]),
];

/// Files at the top of `runtime/src` that belong to no job: the crate root only declares the
/// jobs and re-exports their main types.
const FACADE: &[&str] = &["lib.rs"];

fn runtime_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file relative to `src`: `client/dispatch.rs` is `["client",
/// "dispatch"]`, `client/mod.rs` is `["client"]`, `lib.rs` is `[]`.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if stem != "mod" && stem != "lib" {
            parts.push(stem.to_owned());
        }
    }
    parts
}

/// The source without comments (line comments, doc comments and block comments), so that
/// prose and doc examples naming a path do not count as imports. String literals are kept;
/// the runtime has no module paths in its strings.
fn code_only(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("//") {
            let end = after.find('\n').unwrap_or(after.len());
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix("/*") {
            let end = after.find("*/").map_or(after.len(), |e| e + 2);
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix("r#\"") {
            // A raw string: kept whole, whatever it holds.
            let end = after.find("\"#").map_or(after.len(), |e| e + 2);
            out.push_str("r#\"");
            out.push_str(&after[..end]);
            rest = &after[end..];
        } else if let Some(literal) = char_literal(rest) {
            out.push_str(literal);
            rest = &rest[literal.len()..];
        } else if let Some(after) = rest.strip_prefix('"') {
            // Skip a string literal whole, so that `//` inside it (a URL) is not a comment.
            let mut chars = after.char_indices();
            let mut end = after.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    _ => {}
                }
            }
            out.push('"');
            out.push_str(&after[..end]);
            rest = &after[end..];
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The character literal at the start of `text` (`'"'`, `'\\''`), if there is one; a
/// lifetime (`'a`) is not.
fn char_literal(text: &str) -> Option<&str> {
    let after = text.strip_prefix('\'')?;
    let len = if let Some(escaped) = after.strip_prefix('\\') {
        1 + escaped.find('\'')?
    } else {
        after.chars().next()?.len_utf8()
    };
    after[len..].starts_with('\'').then(|| &text[..len + 2])
}

/// Every path the code names from the crate root: `crate::a::b`, `aws_json_runtime::a::b`,
/// `super::…` resolved against `module`, and each member of a `crate::{a, b::c}` group.
/// Each comes back as its segments, with the text as written.
fn referenced_paths(code: &str, module: &[String]) -> Vec<(Vec<String>, String)> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut at = 0;
    while at < code.len() {
        if !code.is_char_boundary(at) {
            at += 1;
            continue;
        }
        let starts_word = at == 0 || !is_ident(bytes[at - 1]) && bytes[at - 1] != b':';
        let root = ["crate::", "aws_json_runtime::", "super::"]
            .into_iter()
            .find(|prefix| starts_word && code[at..].starts_with(prefix));
        let Some(root) = root else {
            at += 1;
            continue;
        };
        // The whole path, `super::super::a::{b, c::d}` included.
        let mut end = at;
        let mut depth = 0;
        for (i, c) in code[at..].char_indices() {
            match c {
                // A group (`crate::{a, b}`), not a struct literal (`crate::Meta { .. }`).
                '{' if code[..at + i].ends_with("::") => depth += 1,
                '}' if depth > 0 => depth -= 1,
                c if depth > 0 || c.is_alphanumeric() || c == '_' || c == ':' => {}
                c if depth > 0 && (c == ',' || c.is_whitespace()) => {}
                _ => {
                    end = at + i;
                    break;
                }
            }
            end = at + i + c.len_utf8();
        }
        let text = code[at..end].to_owned();
        let mut base: Vec<String> = Vec::new();
        let mut rest = text.as_str();
        if root == "super::" {
            base = module.to_vec();
            while let Some(after) = rest.strip_prefix("super::") {
                base.pop();
                rest = after;
            }
        } else {
            rest = &rest[root.len()..];
        }
        for tail in expand_group(rest) {
            let mut segments = base.clone();
            segments.extend(
                tail.split("::")
                    .map(|segment| segment.split(" as ").next().unwrap_or(segment).trim())
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            );
            found.push((segments, text.clone()));
        }
        at = end.max(at + 1);
    }
    found
}

/// `a::{b, c::{d, e}}` as `a::b`, `a::c::d`, `a::c::e`.
fn expand_group(path: &str) -> Vec<String> {
    let Some(open) = path.find('{') else {
        return vec![path.to_owned()];
    };
    let prefix = &path[..open];
    let inner = path[open + 1..].trim_end();
    let inner = inner.strip_suffix('}').unwrap_or(inner);
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .flat_map(expand_group)
        .map(|tail| format!("{prefix}{tail}"))
        .collect()
}

/// The job each name the crate root declares or re-exports belongs to: the jobs themselves,
/// and for `pub use client::transport::{InMemoryTransport, Transport};` each name to
/// `client`.
fn root_names(lib_code: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for (job, _) in ALLOWED {
        names.insert((*job).to_owned(), (*job).to_owned());
    }
    for (segments, _) in referenced_paths(&lib_code.replace("pub use ", "pub use crate::"), &[]) {
        if let (Some(first), Some(last)) = (segments.first(), segments.last()) {
            if let Some(job) = names.get(first).cloned() {
                let last = last.split(" as ").last().unwrap_or(last).trim().to_owned();
                names.entry(last).or_insert(job);
            }
        }
    }
    names
}

fn allowed() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    ALLOWED
        .iter()
        .map(|(job, below)| (*job, below.iter().copied().collect()))
        .collect()
}

/// Each import between two jobs the table does not allow, as a message naming the file and
/// the path, and every arrow between two jobs the files have.
fn layout_violations(src: &Path) -> (Vec<String>, BTreeSet<(String, String)>) {
    let allowed = allowed();
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("read runtime/src/lib.rs");
    let names = root_names(&code_only(&lib));
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut problems = Vec::new();
    let mut arrows = BTreeSet::new();
    for path in files {
        let relative = path.strip_prefix(src).unwrap().to_path_buf();
        let shown = format!("runtime/src/{}", relative.display());
        if FACADE.iter().any(|f| relative == Path::new(f)) {
            continue;
        }
        let module = module_path(&relative);
        let Some(job) = module
            .first()
            .filter(|job| allowed.contains_key(job.as_str()))
        else {
            problems.push(format!(
                "{shown}: `{}` is not one of the runtime's jobs; put the file in a job's folder \
                 or add the job to ALLOWED in tests/layout.rs",
                relative.display()
            ));
            continue;
        };
        let source = std::fs::read_to_string(&path).unwrap();
        for (segments, text) in referenced_paths(&code_only(&source), &module) {
            let Some(first) = segments.first() else {
                continue;
            };
            // Names the root neither declares nor re-exports (`Bytes`, `serde`, `http`, the
            // hidden `__private`) are other crates'.
            let Some(target) = names.get(first) else {
                continue;
            };
            if target == job {
                continue;
            }
            arrows.insert((job.clone(), target.clone()));
            let before = problems.len();
            if job == "server" && target == "client" {
                problems.push(format!(
                    "{shown}: `{text}` imports the client from the server; the server must never \
                     import the client (move what both need to `base` or `wire`)"
                ));
            } else if !allowed[job.as_str()].contains(target.as_str()) {
                problems.push(format!(
                    "{shown}: `{text}` makes `{job}` import `{target}`, which ALLOWED in \
                     tests/layout.rs does not let it (it would close a loop between jobs or break \
                     the layering)"
                ));
            }
            // A group naming two items of one job is one problem.
            if problems.len() > before && problems[..before].contains(&problems[before]) {
                problems.pop();
            }
        }
    }
    (problems, arrows)
}

#[test]
fn the_allowed_arrows_have_no_loop() {
    let allowed = allowed();
    // Depth-first search from every job; a job met again on the current path is a loop.
    fn visit<'a>(
        job: &'a str,
        allowed: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        path: &mut Vec<&'a str>,
    ) {
        assert!(
            !path.contains(&job),
            "ALLOWED has a loop: {} -> {job}",
            path.join(" -> ")
        );
        path.push(job);
        for below in allowed.get(job).into_iter().flatten() {
            assert!(
                allowed.contains_key(below),
                "ALLOWED lets `{job}` import `{below}`, which is not a job"
            );
            visit(below, allowed, path);
        }
        path.pop();
    }
    for job in allowed.keys() {
        visit(job, &allowed, &mut Vec::new());
    }
    assert!(
        !allowed["server"].contains("client"),
        "the server must never import the client"
    );
}

#[test]
fn runtime_files_import_only_the_jobs_below_their_own() {
    let (problems, arrows) = layout_violations(&runtime_src());
    assert!(
        problems.is_empty(),
        "imports that break the runtime's layout:\n{}",
        problems.join("\n")
    );
    // The reader must see the imports that are there, or the check above proves nothing.
    for (from, to) in [
        ("client", "auth"),
        ("server", "auth"),
        ("auth", "wire"),
        ("wire", "base"),
    ] {
        assert!(
            arrows.contains(&(from.to_owned(), to.to_owned())),
            "no import from `{from}` to `{to}` found; the path reader misses imports: {arrows:?}"
        );
    }
}

#[test]
fn the_layout_check_catches_a_bad_import() {
    // A copy of the runtime with one server file importing the client, one wire file importing
    // the client through a root re-export and one auth file importing the server.
    let dir = std::env::temp_dir().join(format!("layout-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["server", "wire", "auth"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    std::fs::write(
        dir.join("lib.rs"),
        "pub mod auth;\npub mod client;\npub mod server;\npub mod wire;\n\
         pub use client::config::{Config, ConfigBuilder};\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("server/router.rs"),
        "// crate::client::Config in a comment does not count.\n\
         use crate::client::transport::Transport;\nuse super::super::wire::error::X;\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("wire/error.rs"),
        "fn f(c: &crate::Config) {}\nuse super::retry;\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("auth/mod.rs"),
        "use crate::{wire::date, server::router};\n",
    )
    .unwrap();
    let (problems, _) = layout_violations(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems[0].starts_with("runtime/src/auth/mod.rs: `crate::{wire::date, server::router}`"),
        "{problems:#?}"
    );
    assert!(
        problems[1].contains("server/router.rs: `crate::client::transport::Transport` imports the client from the server"),
        "{problems:#?}"
    );
    assert!(
        problems[2].contains("wire/error.rs: `crate::Config` makes `wire` import `client`"),
        "{problems:#?}"
    );
}

#[test]
fn the_code_generator_does_not_depend_on_the_runtime() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("read codegen/Cargo.toml");
    let offending: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with('#'))
        .filter(|line| line.starts_with("aws-json-runtime") || line.contains("\"../runtime\""))
        .collect();
    assert!(
        offending.is_empty(),
        "codegen/Cargo.toml depends on the runtime ({offending:?}); the generator may use the \
         endpoint rules' crate (`aws-endpoint-rules`) but must not link the runtime"
    );
}

/// The names of the folders directly under `dir`, sorted.
fn folders(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
        .map(|entry| entry.unwrap_or_else(|e| panic!("listing {}: {e}", dir.display())))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `generated/` holds one crate per entry of the services table (`xtask::SERVICES`) and
/// nothing else, and `model/` one folder of model files per entry beside the model crate's
/// `src/`: a crate or model folder the table does not name would be regenerated by no one.
#[test]
fn generated_and_model_hold_one_folder_per_service() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let folder_of = |path: &str, parent: &str| -> String {
        path.strip_prefix(parent)
            .and_then(|rest| rest.strip_prefix('/'))
            .filter(|rest| !rest.contains('/'))
            .unwrap_or_else(|| panic!("`{path}` is not a folder directly under {parent}/"))
            .to_owned()
    };
    let mut crates: Vec<String> = xtask::SERVICES
        .iter()
        .map(|s| folder_of(s.crate_dir, "generated"))
        .collect();
    crates.sort();
    assert_eq!(folders(&root.join("generated")), crates);
    let mut models: Vec<String> = xtask::SERVICES
        .iter()
        .map(|s| folder_of(s.model_dir, "model"))
        .chain(["src".to_owned()])
        .collect();
    models.sort();
    assert_eq!(folders(&root.join("model")), models);
}
