//! Staleness and determinism of the generated crate.
//!
//! `generated/` must be exactly what `cargo xtask codegen` writes from `model/`, so plain
//! `cargo test` fails when someone changes the generator, the model or a generated file and
//! forgets to regenerate. These tests call the same library functions as the command; they
//! never write to the workspace.

/// The same check as `cargo xtask codegen --check`.
#[test]
fn generated_crate_is_up_to_date() {
    if let Err(err) = xtask::check_workspace() {
        // The error lists every stale file with its kind and ends with the hint to run
        // `cargo xtask codegen` and commit the result.
        panic!("{err:#}");
    }
}

/// Same model, same bytes: generating twice in one process gives identical files, so no
/// hash-map order, clock or environment reaches the output.
#[test]
fn codegen_is_deterministic() {
    let first = generate();
    let second = generate();
    let first_paths: Vec<_> = first.keys().collect();
    let second_paths: Vec<_> = second.keys().collect();
    assert_eq!(
        first_paths, second_paths,
        "the two runs produced different file lists"
    );
    for (path, text) in &first {
        let again = second.get(path).map(String::as_str);
        assert!(
            again == Some(text.as_str()),
            "{} differs between two runs of the generator",
            path.display()
        );
    }
}

fn generate() -> xtask::Files {
    match xtask::generate_workspace_crate() {
        Ok(files) => files,
        Err(err) => panic!("generating the workspace crate failed: {err:#}"),
    }
}
