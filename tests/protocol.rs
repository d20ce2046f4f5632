//! The protocol test suites, run by the same harness as `cargo xtask protocol-tests`.
//!
//! Every case of the vendored botocore suites in `tests/protocol/` must pass, and every case
//! must have run: the counts are checked against the suite files themselves. The suite in
//! `tests/protocol-negative/` has wrong expectations on purpose, one per check the harness
//! makes, so each of its cases must fail for the reason it names; this shows the harness
//! can fail at all. Both directories run in one harness invocation, sharing one build.

use std::path::{Path, PathBuf};

use xtask::protocol::{self, suite};

/// The reason each case of the negative suite must give, by case id.
const NEGATIVE: &[(&str, &str)] = &[
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

    let (negative_report, vendored_reports) = reports
        .split_last()
        .expect("the run reports the negative file last");
    assert_eq!(vendored_reports.len(), files.len());
    for (report, file) in vendored_reports.iter().zip(&files) {
        assert_eq!(
            report.cases.len(),
            case_count(file),
            "every case of {} must run",
            report.name
        );
        assert_eq!(report.failed(), 0, "{}", report.text());
    }
    let total: usize = vendored_reports.iter().map(|r| r.passed()).sum();
    assert_eq!(
        total, 112,
        "botocore's json suites hold 54 input and 58 output cases"
    );

    assert_eq!(negative_report.passed(), 0, "{}", negative_report.text());
    assert_eq!(negative_report.cases.len(), NEGATIVE.len());
    for (case, (id, reason)) in negative_report.cases.iter().zip(NEGATIVE) {
        assert_eq!(case.id, *id);
        let got = case.result.as_ref().expect_err("a negative case fails");
        assert!(
            got.contains(reason),
            "{id}: `{got}` should contain `{reason}`"
        );
    }
}
