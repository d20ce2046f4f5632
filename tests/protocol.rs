//! The protocol test suites, run by the same harness as `cargo xtask protocol-tests`.
//!
//! Every case of the suites in `tests/protocol/` must pass, and every case must have run:
//! the counts are checked against the suite files themselves and against the numbers each
//! file is known to hold. Besides botocore's json suites, the directory holds suites in
//! botocore's older forms (cases without ids, the legacy `character` type, output-only models
//! without a target prefix) and a suite of the pinned idempotency token. The suites in
//! `tests/protocol-negative/` have wrong expectations on purpose, one per check the harness
//! makes and one per older form, so each of their cases must fail for the reason it names;
//! this shows the harness can fail at all. Both directories run in one harness invocation,
//! sharing one build.

use std::path::{Path, PathBuf};

use xtask::protocol::{self, suite};

/// How many cases files of `tests/protocol/` hold, so a case that silently disappears (a
/// suite the reader skips, say) fails the test. Every file of the directory must pass in any
/// case, listed here or not.
const VENDORED: &[(&str, usize)] = &[
    // Botocore's json suites: 54 input and 58 output cases.
    ("idempotency-token.json", 2),
    ("input-json.json", 54),
    ("legacy-forms.json", 10),
    ("query-compatible.json", 7),
    ("output-json.json", 58),
];

/// The reason each case of the negative suites must give, by file and case id. Cases
/// without an id in the file are named by the harness after their suite and index.
const NEGATIVE: &[(&str, &[(&str, &str)])] = &[
    ("legacy-forms-wrong.json", LEGACY_NEGATIVE),
    ("wrong-expectations.json", WRONG_EXPECTATIONS),
];

/// The cases in older forms that must fail.
const LEGACY_NEGATIVE: &[(&str, &str)] = &[
    (
        "Legacy forms with wrong expectations #0",
        "expected JSON equal to `{\"Initial\": \"b\", \"Token\": \"t\"}`",
    ),
    (
        "Legacy forms with wrong expectations #1",
        "body is `{\"Token\":\"00000000-0000-4000-8000-000000000000\"}`",
    ),
    (
        "No target prefix, wrong expectations #0",
        "no request was sent: invalid request: `OperationName` cannot be called: the service model declares no target prefix",
    ),
    ("No target prefix, wrong expectations #1", "the output is OutputShape"),
    (
        "No target prefix, wrong expectations #2",
        "error code is Some(\"BadRequest\"), expected `OtherError`",
    ),
];

/// The reason each case of `wrong-expectations.json` must give, by case id.
const WRONG_EXPECTATIONS: &[(&str, &str)] = &[
    ("wrong_body", "expected JSON equal to `{\"Name\":\"b\"}`"),
    (
        "wrong_header",
        "header X-Amz-Target is `Neg.Op`, expected `Neg.Other`",
    ),
    (
        "missing_required_header",
        "header X-Not-Sent is required but missing",
    ),
    (
        "forbidden_header",
        "header Content-Type is forbidden but present",
    ),
    ("wrong_uri", "URI is `/`, expected `/elsewhere`"),
    ("wrong_host", "host and path are `abc.example.com/`"),
    ("invalid_host_label", "no request was sent"),
    ("expects_compression", "header Content-Encoding is missing"),
    ("unknown_param", "structure `Io` has no member `Nope`"),
    ("wrong_output_value", "the output is Io"),
    ("nan_is_not_a_number", "ratio: Some(NaN)"),
    ("malformed_output", "does not match the model"),
    (
        "wrong_error_code",
        "error code is Some(\"Oops\"), expected `Other`",
    ),
    (
        "wrong_error_message",
        "error message is Some(\"actual\"), expected `expected`",
    ),
    ("wrong_error_member", "the error is Oops"),
    (
        "error_instead_of_output",
        "expected an output, got the error",
    ),
    (
        "output_instead_of_error",
        "expected the error `Oops`, got the output",
    ),
    (
        "unchecked_expectation",
        "field the harness does not check: queryString",
    ),
    (
        "unknown_case_field",
        "fields the harness does not check: forbidParams",
    ),
    (
        "neither_request_nor_response",
        "neither `serialized` nor `response`",
    ),
    (
        "dangling_input_shape",
        "input names unknown shape `Missing`",
    ),
];

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

/// How many cases a suite file holds, read from the file itself.
fn case_count(path: &Path) -> usize {
    let suites = suite::read_file(path).unwrap_or_else(|e| panic!("{e:#}"));
    suites.iter().map(|s| s.cases.len()).sum()
}

#[test]
fn vendored_suites_pass_and_wrong_expectations_fail() {
    let vendored = dir("protocol");
    let negative = dir("protocol-negative");
    let files =
        protocol::suite_files(std::slice::from_ref(&vendored)).unwrap_or_else(|e| panic!("{e:#}"));
    let started = std::time::Instant::now();
    let reports = protocol::run(&[vendored, negative]).unwrap_or_else(|e| panic!("{e:#}"));
    eprintln!("the protocol suites took {:.1?}", started.elapsed());
    for report in &reports {
        eprintln!("{}", report.summary());
    }

    assert_eq!(reports.len(), files.len() + NEGATIVE.len());
    let (vendored_reports, negative_reports) = reports.split_at(files.len());
    for (report, file) in vendored_reports.iter().zip(&files) {
        assert_eq!(
            report.cases.len(),
            case_count(file),
            "every case of {} must run",
            report.name
        );
        assert_eq!(report.failed(), 0, "{}", report.text());
    }
    for (name, count) in VENDORED {
        let report = vendored_reports
            .iter()
            .find(|r| r.name == *name)
            .unwrap_or_else(|| panic!("tests/protocol/{name} did not run"));
        assert_eq!(report.passed(), *count, "cases of {name}");
    }

    for (report, (name, expected)) in negative_reports.iter().zip(NEGATIVE) {
        assert_eq!(report.name, *name);
        assert_eq!(report.passed(), 0, "{}", report.text());
        assert_eq!(report.cases.len(), expected.len(), "cases of {name}");
        for (case, (id, reason)) in report.cases.iter().zip(*expected) {
            assert_eq!(case.id, *id);
            let got = case.result.as_ref().expect_err("a negative case fails");
            assert!(
                got.contains(reason),
                "{id}: `{got}` should contain `{reason}`"
            );
        }
    }
}
