//! Staleness and determinism of the generated crates.
//!
//! Each crate under `generated/` must be exactly what `cargo xtask codegen` writes from its
//! service's directory under `model/` (the table `xtask::SERVICES`), so plain
//! `cargo test` fails when someone changes the generator, the model or a generated file and
//! forgets to regenerate. These tests call the same library functions as the command; they
//! never write to the workspace.

/// The same check as `cargo xtask codegen --check`.
#[test]
fn generated_crates_are_up_to_date() {
    if let Err(err) = xtask::check_workspace() {
        // The error lists every stale file with its kind and ends with the hint to run
        // `cargo xtask codegen` and commit the result.
        panic!("{err:#}");
    }
}

/// Same model, same bytes: generating twice in one process gives identical files, so no
/// hash-map order, clock or environment reaches the output. Every service of the table.
#[test]
fn codegen_is_deterministic() {
    for service in &xtask::SERVICES {
        same_bytes_twice(service);
    }
}

fn same_bytes_twice(service: &xtask::WorkspaceService) {
    let first = generate(service);
    let second = generate(service);
    let first_paths: Vec<_> = first.keys().collect();
    let second_paths: Vec<_> = second.keys().collect();
    assert_eq!(
        first_paths, second_paths,
        "{}: the two runs produced different file lists",
        service.package
    );
    for (path, text) in &first {
        let again = second.get(path).map(String::as_str);
        assert!(
            again == Some(text.as_str()),
            "{}: {} differs between two runs of the generator",
            service.package,
            path.display()
        );
    }
}

fn generate(service: &xtask::WorkspaceService) -> xtask::Files {
    match service.generate() {
        Ok(files) => files,
        Err(err) => panic!("generating {} failed: {err:#}", service.package),
    }
}
