//! The `xtask` binary as a shell sees it: what it prints and the exit status it ends with (0
//! success, 1 failure, 2 usage error), which `src/main.rs` maps from the library's outcomes.
//!
//! Building this test also builds the binary itself beside the test binaries, with the same
//! features, so CI runs that build of `xtask` instead of compiling it again for `cargo xtask`.

use std::path::Path;
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("the xtask binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_prints_every_command_and_succeeds() {
    let out = xtask(&["--help"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for command in ["codegen", "protocol-tests", "endpoint-tests", "fuzz"] {
        assert!(
            stdout.contains(command),
            "help lacks `{command}`:\n{stdout}"
        );
    }
}

#[test]
fn an_unknown_command_is_a_usage_error_with_status_2() {
    let out = xtask(&["generate"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("generate"),
        "the error names the command:\n{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_failing_command_prints_its_error_and_exits_with_status_1() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("xtask-exit-status");
    let missing = scratch.join("no-such-model.json");
    let out_dir = scratch.join("out");
    let out = xtask(&[
        "codegen",
        "--model",
        missing.to_str().expect("a UTF-8 path"),
        "--out",
        out_dir.to_str().expect("a UTF-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("no-such-model.json"),
        "the error names the model:\n{stderr}"
    );
    assert!(
        !out_dir.exists(),
        "nothing is written when the model cannot be read"
    );
}
