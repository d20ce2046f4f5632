//! `cargo xtask fuzz`: writes seed corpora from the project's own data, then runs the
//! cargo-fuzz targets of `fuzz/` for a fixed time each and reports executions and crashes.
//!
//! Seeds are made at run time from the files the tests already use (the Cognito model, the
//! protocol suites, the fixtures, the endpoint rule sets and the SigV4 suite) and, for the
//! emulator's login and JWKS readers, from fixed token forms and the public key set in
//! `fuzz/seeds/jwks/`. Each is written in the byte form its target reads (see
//! `fuzz/src/lib.rs` and the head of each target) into `target/fuzz-corpus/<target>/`, where
//! the fuzzer also keeps what it finds. Building and running go through `cargo +nightly
//! fuzz`; this module installs nothing, and says how to get the nightly toolchain or
//! cargo-fuzz when either is missing.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use model::ir;

use crate::sample::Sampler;
use serde_json::{json, Map, Value};

/// The fuzz targets, in the order they run.
pub const TARGETS: [&str; 7] = [
    "router",
    "response",
    "model",
    "endpoint",
    "sigv4_verify",
    "login",
    "jwks",
];

/// The workspace service whose generated crate the router, response and endpoint targets
/// drive, and whose model seeds them (an entry of [`crate::SERVICES`]).
const COGNITO: &str = "cognito-identity";

/// How long each target runs by default, in seconds.
pub const DEFAULT_SECONDS: u64 = 10;

/// The memory one fuzzing process may use before libFuzzer calls it a crash, in MiB.
pub const RSS_LIMIT_MB: u64 = 2048;

/// How long one input may run before libFuzzer calls it a hang (a crash), in seconds.
pub const TIMEOUT_SECONDS: u64 = 10;

/// Model files larger than this are left out of the model seeds: the fuzzer mutates small
/// inputs far faster, and the big models add size, not new constructs.
pub const MAX_MODEL_SEED_BYTES: usize = 200 * 1024;

/// The cargo-fuzz project, relative to the workspace root.
const FUZZ_DIR: &str = "fuzz";
/// Where the fuzz targets are built (a directory of their own: they are built with other
/// flags than the workspace).
const BUILD_DIR: &str = "target/fuzz";
/// The corpora, one directory per target.
const CORPUS_DIR: &str = "target/fuzz-corpus";
/// Crashing inputs, one directory per target.
const ARTIFACT_DIR: &str = "target/fuzz-artifacts";
/// The full output of each run.
const LOG_DIR: &str = "target/fuzz-logs";

/// The operation choice of the router target that sends the message's headers as they are
/// (the target adds no `X-Amz-Target`); below it, a choice names an operation.
const ROUTER_AS_GIVEN: u8 = 23;
/// The choice of the response target that pages through `ListIdentityPools`.
const RESPONSE_PAGES: u8 = 23;

/// The arguments of `cargo xtask fuzz`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuzzArgs {
    /// The one target to run; every target when `None`.
    pub target: Option<String>,
    /// How long each target runs.
    pub seconds: u64,
    /// `--codegen-units N`: codegen units per crate in place of cargo-fuzz's 1 (which makes
    /// the fastest fuzzers and the slowest build).
    pub codegen_units: Option<u32>,
    /// `--opt-level N`: the release profile's optimisation level in place of 3.
    pub opt_level: Option<u8>,
}

impl Default for FuzzArgs {
    fn default() -> Self {
        FuzzArgs {
            target: None,
            seconds: DEFAULT_SECONDS,
            codegen_units: None,
            opt_level: None,
        }
    }
}

/// One seed: a file name and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    /// The file name (without directory), unique within its target.
    pub name: String,
    /// The input.
    pub data: Vec<u8>,
}

impl Seed {
    fn new(name: impl Into<String>, prefix: &[u8], body: &[u8]) -> Seed {
        let mut data = prefix.to_vec();
        data.extend_from_slice(body);
        Seed {
            name: file_name(&name.into()),
            data,
        }
    }
}

/// A name made safe for a file: anything but ASCII letters, digits, `-`, `_` and `.` becomes
/// `_`.
fn file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The seeds of `target`, made from the files under the workspace `root`.
pub fn seeds(target: &str, root: &Path) -> Result<Vec<Seed>> {
    let mut seeds = match target {
        "router" => router_seeds(root)?,
        "response" => response_seeds(root)?,
        "model" => model_seeds(root)?,
        "endpoint" => endpoint_seeds(root)?,
        "sigv4_verify" => sigv4_seeds(root)?,
        "login" => login_seeds(),
        "jwks" => jwks_seeds(root)?,
        other => bail!("unknown fuzz target `{other}`"),
    };
    // Two sources may give the same name; number the later ones.
    let mut used = BTreeSet::new();
    for seed in &mut seeds {
        let base = seed.name.clone();
        let mut n = 1;
        while !used.insert(seed.name.clone()) {
            n += 1;
            seed.name = format!("{base}-{n}");
        }
    }
    Ok(seeds)
}

/// Writes the seeds of `target` into its corpus directory, next to what earlier runs found,
/// and returns the directory and the number of seeds.
pub fn write_seeds(target: &str, root: &Path) -> Result<(PathBuf, usize)> {
    let dir = root.join(CORPUS_DIR).join(target);
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let seeds = seeds(target, root)?;
    for seed in &seeds {
        let path = dir.join(format!("seed-{}", seed.name));
        fs::write(&path, &seed.data).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok((dir, seeds.len()))
}

fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn read_json(path: &Path) -> Result<Value> {
    serde_json::from_str(&read_text(path)?)
        .with_context(|| format!("{} is not JSON", path.display()))
}

/// The files of `dir` whose names end with `suffix`, sorted.
fn files_ending(dir: &Path, suffix: &str) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("listing {}", dir.display()))?
            .path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if path.is_file() && name.is_some_and(|n| n.ends_with(suffix)) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The file stem of `path` as text.
fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// An HTTP message in the fuzz targets' form: start line, headers, empty line, body.
fn message(start: &str, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + body.len());
    out.extend_from_slice(start.as_bytes());
    out.push(b'\n');
    for (name, value) in headers {
        // Writing into a Vec cannot fail.
        let _ = writeln!(out, "{name}: {value}");
    }
    out.push(b'\n');
    out.extend_from_slice(body);
    out
}

/// The headers of a protocol suite's `serialized` or `response` object.
fn suite_headers(value: &Value) -> Vec<(String, String)> {
    value
        .get("headers")
        .and_then(Value::as_object)
        .map(|headers| {
            headers
                .iter()
                .map(|(name, value)| {
                    let value = match value {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (name.clone(), value)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn suite_body(value: &Value) -> &[u8] {
    value
        .get("body")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .as_bytes()
}

/// Every case of the protocol suite files, as `(file stem, case)`.
fn protocol_cases(root: &Path) -> Result<Vec<(String, crate::protocol::suite::Case)>> {
    let mut cases = Vec::new();
    for file in files_ending(&root.join("tests/protocol"), ".json")? {
        let name = stem(&file);
        for suite in crate::protocol::suite::read_file(&file)? {
            cases.extend(suite.cases.into_iter().map(|case| (name.clone(), case)));
        }
    }
    Ok(cases)
}

/// The workspace's Cognito Identity model, loaded as `cargo xtask codegen` loads it.
fn cognito(root: &Path) -> Result<ir::Service> {
    let [service, paginators, rules] = crate::service(COGNITO)?.model_files();
    Ok(crate::load::load_botocore_files(
        (&root.join(&service), &service),
        (&root.join(&paginators), &paginators),
        (&root.join(&rules), &rules),
    )?
    .service)
}

/// The operations of `service` sorted by name: the order of the generated crate's
/// `operation::ALL`, which the response target indexes.
fn sorted_operations(service: &ir::Service) -> Vec<&ir::Operation> {
    let mut operations: Vec<&ir::Operation> = service.operations.iter().collect();
    operations.sort_by(|a, b| a.name.cmp(&b.name));
    operations
}

/// The wire code and HTTP status of error shape `name`.
fn error_code_and_status(service: &ir::Service, name: &str) -> (String, u16) {
    match service.shapes.get(name).and_then(|s| s.error.as_ref()) {
        Some(error) => (error.code.clone(), error.http_status),
        None => (name.to_owned(), 400),
    }
}

fn router_seeds(root: &Path) -> Result<Vec<Seed>> {
    let service = cognito(root)?;
    let content_type = service.metadata.protocol.content_type();
    let prefix = service
        .metadata
        .target_prefix
        .as_deref()
        .context("the Cognito Identity model has no target prefix")?;
    let mut seeds = Vec::new();
    for op in sorted_operations(&service) {
        let target = format!("{prefix}.{}", op.name);
        let headers = vec![
            (
                "Host".to_owned(),
                "cognito-identity.us-east-1.amazonaws.com".to_owned(),
            ),
            ("Content-Type".to_owned(), content_type.to_owned()),
            ("X-Amz-Target".to_owned(), target),
        ];
        // The handler reads its output from the request body, so one body carries both:
        // the output's members, overwritten by the input's where names are shared.
        let mut body = Map::new();
        for shape in [&op.output, &op.input].into_iter().flatten() {
            if let Value::Object(members) = Sampler::new(&service).shape(shape) {
                body.extend(members);
            }
        }
        let body = Value::Object(body).to_string();
        let request = message("POST / HTTP/1.1", &headers, body.as_bytes());
        seeds.push(Seed::new(
            format!("cognito-{}", op.name),
            &[ROUTER_AS_GIVEN, 0],
            &request,
        ));
        for error in &op.errors {
            let (code, _) = error_code_and_status(&service, error);
            let body = json!({ "__type": code, "message": format!("{} failed", op.name) });
            let request = message("POST / HTTP/1.1", &headers, body.to_string().as_bytes());
            seeds.push(Seed::new(
                format!("cognito-{}-{code}", op.name),
                &[ROUTER_AS_GIVEN, 1],
                &request,
            ));
        }
        let request = message("POST / HTTP/1.1", &headers, b"SomeNewException");
        seeds.push(Seed::new(
            format!("cognito-{}-unhandled", op.name),
            &[ROUTER_AS_GIVEN, 2],
            &request,
        ));
    }
    // The protocol suites' requests carry bodies of every JSON type; each goes to one Cognito
    // operation in turn.
    let operations = u8::try_from(service.operations.len()).unwrap_or(ROUTER_AS_GIVEN);
    let mut n: u8 = 0;
    for (file, case) in protocol_cases(root)? {
        let Some(serialized) = &case.serialized else {
            continue;
        };
        let method = serialized
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("POST");
        let uri = serialized.get("uri").and_then(Value::as_str).unwrap_or("/");
        let request = message(
            &format!("{method} {uri} HTTP/1.1"),
            &suite_headers(serialized),
            suite_body(serialized),
        );
        seeds.push(Seed::new(format!("{file}-{}", case.id), &[n, 0], &request));
        n = (n + 1) % operations.max(1);
    }
    Ok(seeds)
}

fn response_seeds(root: &Path) -> Result<Vec<Seed>> {
    let service = cognito(root)?;
    let content_type = service.metadata.protocol.content_type();
    let headers = |extra: &[(&str, &str)]| {
        let mut headers = vec![
            ("Content-Type".to_owned(), content_type.to_owned()),
            (
                "x-amzn-RequestId".to_owned(),
                "c0ffee00-0000-4000-8000-000000000000".to_owned(),
            ),
        ];
        headers.extend(
            extra
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
        );
        headers
    };
    let mut seeds = Vec::new();
    let operations = sorted_operations(&service);
    for (index, op) in operations.iter().enumerate() {
        let choice = u8::try_from(index).context("more than 255 operations")?;
        let output = match &op.output {
            Some(shape) => Sampler::new(&service).shape(shape),
            None => json!({}),
        };
        let response = message("200 OK", &headers(&[]), output.to_string().as_bytes());
        seeds.push(Seed::new(
            format!("cognito-{}", op.name),
            &[choice],
            &response,
        ));
        if op.pagination.is_some() {
            seeds.push(Seed::new(
                format!("cognito-{}-pages", op.name),
                &[RESPONSE_PAGES],
                &response,
            ));
        }
        for error in &op.errors {
            let (code, status) = error_code_and_status(&service, error);
            let body = json!({ "__type": code, "message": format!("{} failed", op.name) });
            let response = message(
                &status.to_string(),
                &headers(&[]),
                body.to_string().as_bytes(),
            );
            seeds.push(Seed::new(
                format!("cognito-{}-{code}", op.name),
                &[choice],
                &response,
            ));
            // The forms AWS also uses: the code in a header with a namespace and a suffix,
            // and a namespaced `__type`.
            let header = format!("{code}:http://internal.amazon.com/coral/com.amazonaws.cognito/");
            let body = json!({
                "__type": format!("com.amazonaws.cognitoidentity#{code}"),
                "Message": "capitalised message member",
            });
            let response = message(
                &status.to_string(),
                &headers(&[("X-Amzn-ErrorType", &header)]),
                body.to_string().as_bytes(),
            );
            seeds.push(Seed::new(
                format!("cognito-{}-{code}-header", op.name),
                &[choice],
                &response,
            ));
        }
    }
    let throttled = message(
        "400",
        &headers(&[]),
        br#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
    );
    seeds.push(Seed::new("throttled", &[0], &throttled));
    seeds.push(Seed::new("empty-500", &[0], &message("500", &[], b"")));
    let operation_count = u8::try_from(operations.len()).unwrap_or(RESPONSE_PAGES);
    let mut n: u8 = 0;
    for (file, case) in protocol_cases(root)? {
        let Some(response) = &case.response else {
            continue;
        };
        let status = response
            .get("status_code")
            .and_then(Value::as_u64)
            .unwrap_or(200);
        let data = message(
            &status.to_string(),
            &suite_headers(response),
            suite_body(response),
        );
        seeds.push(Seed::new(format!("{file}-{}", case.id), &[n], &data));
        n = (n + 1) % operation_count.max(1);
    }
    Ok(seeds)
}

/// The model target's reader choices (see `fuzz/fuzz_targets/model.rs`).
const MODEL_BOTOCORE: u8 = 0;
const MODEL_BOTOCORE_FILES: u8 = 1;
const MODEL_SMITHY: u8 = 2;
const MODEL_DETECT: u8 = 3;

fn model_seeds(root: &Path) -> Result<Vec<Seed>> {
    let mut seeds = Vec::new();
    let model_dir = root.join(crate::service(COGNITO)?.model_dir);
    let service = read_text(&model_dir.join("service-2.json"))?;
    let paginators = read_text(&model_dir.join("paginators-1.json"))?;
    let rules = read_text(&model_dir.join("endpoint-rule-set-1.json"))?;
    seeds.push(Seed::new(
        "cognito-service",
        &[MODEL_BOTOCORE],
        service.as_bytes(),
    ));
    let joined = format!("{service}\0{paginators}\0{rules}");
    seeds.push(Seed::new(
        "cognito-files",
        &[MODEL_BOTOCORE_FILES],
        joined.as_bytes(),
    ));
    let smithy = read_text(&model_dir.join("cognito-identity-2014-06-30.smithy.json"))?;
    seeds.push(Seed::new(
        "cognito-smithy",
        &[MODEL_SMITHY],
        smithy.as_bytes(),
    ));

    let fixtures = root.join("tests/fixtures");
    for file in files_ending(&fixtures, ".json")? {
        let name = stem(&file);
        if name.ends_with(".paginators-1") {
            continue;
        }
        let text = read_text(&file)?;
        seeds.push(Seed::new(
            format!("fixture-{name}"),
            &[MODEL_DETECT],
            text.as_bytes(),
        ));
        let paginators = fixtures.join(format!("{name}.paginators-1.json"));
        if paginators.is_file() {
            let joined = format!("{text}\0{}", read_text(&paginators)?);
            seeds.push(Seed::new(
                format!("fixture-{name}-files"),
                &[MODEL_BOTOCORE_FILES],
                joined.as_bytes(),
            ));
        }
    }

    let models = root.join("tests/models");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&models)
        .with_context(|| format!("listing {}", models.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.join("service-2.json").is_file())
        .collect();
    dirs.sort();
    for dir in dirs {
        let text = read_text(&dir.join("service-2.json"))?;
        if text.len() > MAX_MODEL_SEED_BYTES {
            continue;
        }
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        seeds.push(Seed::new(
            format!("model-{name}"),
            &[MODEL_BOTOCORE],
            text.as_bytes(),
        ));
    }

    for file in files_ending(&root.join("tests/protocol"), ".json")? {
        let name = stem(&file);
        for (index, suite) in crate::protocol::suite::read_file(&file)?.iter().enumerate() {
            let (model, _) = crate::protocol::suite::service_model(suite);
            seeds.push(Seed::new(
                format!("{name}-suite-{index}"),
                &[MODEL_BOTOCORE],
                model.as_bytes(),
            ));
        }
    }
    Ok(seeds)
}

/// The endpoint target's modes (see `fuzz/fuzz_targets/endpoint.rs`).
const ENDPOINT_RULES: u8 = 0;
const ENDPOINT_COGNITO: u8 = 1;
const ENDPOINT_PARTITIONS: u8 = 2;
/// The endpoint target's flags for FIPS and dual-stack (on top of the mode).
const ENDPOINT_FIPS: u8 = 8;
const ENDPOINT_DUAL_STACK: u8 = 16;

/// The `params` of every case in an endpoint tests file.
fn endpoint_params(tests: &Value) -> Vec<Value> {
    tests
        .get("testCases")
        .and_then(Value::as_array)
        .map(|cases| {
            cases
                .iter()
                .filter_map(|case| case.get("params").cloned())
                .collect()
        })
        .unwrap_or_default()
}

fn endpoint_seeds(root: &Path) -> Result<Vec<Seed>> {
    let mut seeds = Vec::new();
    let mut pair = |name: &str, rules: &str, tests: &Value| {
        let params = endpoint_params(tests);
        if params.is_empty() {
            seeds.push(Seed::new(name, &[ENDPOINT_RULES], rules.as_bytes()));
        }
        for (index, params) in params.iter().enumerate() {
            let text = format!("{rules}\0{params}");
            seeds.push(Seed::new(
                format!("{name}-{index}"),
                &[ENDPOINT_RULES],
                text.as_bytes(),
            ));
        }
    };
    let cognito_dir = crate::service(COGNITO)?.model_dir;
    for dir in [cognito_dir, "tests/endpoint-negative"] {
        let dir = root.join(dir);
        let rules = read_text(&dir.join("endpoint-rule-set-1.json"))?;
        let tests = read_json(&dir.join("endpoint-tests-1.json"))?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        pair(&name, &rules, &tests);
    }
    let suite = root.join("tests/endpoint-rules");
    for file in files_ending(&suite.join("valid-rules"), ".json")? {
        let name = stem(&file);
        let rules = read_text(&file)?;
        let cases = suite.join("test-cases").join(format!("{name}.json"));
        let tests = if cases.is_file() {
            read_json(&cases)?
        } else {
            Value::Null
        };
        pair(&name, &rules, &tests);
    }

    // The Cognito rules with each case's region and flags, and with partition data.
    let tests = read_json(&root.join(cognito_dir).join("endpoint-tests-1.json"))?;
    for (index, params) in endpoint_params(&tests).iter().enumerate() {
        let flag = |name: &str, bit: u8| {
            if params.get(name).and_then(Value::as_bool) == Some(true) {
                bit
            } else {
                0
            }
        };
        let choice = ENDPOINT_COGNITO
            | flag("UseFIPS", ENDPOINT_FIPS)
            | flag("UseDualStack", ENDPOINT_DUAL_STACK);
        let text_of = |name: &str| params.get(name).and_then(Value::as_str).unwrap_or_default();
        let mut text = text_of("Region").to_owned();
        let endpoint = text_of("Endpoint");
        if !endpoint.is_empty() {
            text.push('\0');
            text.push_str(endpoint);
        }
        seeds.push(Seed::new(
            format!("cognito-{index}"),
            &[choice],
            text.as_bytes(),
        ));
    }
    let partitions = read_text(&root.join("model/partitions.json"))?;
    for region in [
        "us-east-1",
        "cn-north-1",
        "us-gov-west-1",
        "eu-isoe-west-1",
        "xx-nowhere-9",
    ] {
        let text = format!("{partitions}\0{region}");
        seeds.push(Seed::new(
            format!("partitions-{region}"),
            &[ENDPOINT_PARTITIONS],
            text.as_bytes(),
        ));
    }
    Ok(seeds)
}

/// The SigV4 target's flags (see `fuzz/fuzz_targets/sigv4_verify.rs`).
const SIGV4_PARTS: u8 = 1;
const SIGV4_SESSION_TOKEN: u8 = 2;
const SIGV4_SIGN: u8 = 4;
const SIGV4_PRESIGN: u8 = 8;

fn sigv4_seeds(root: &Path) -> Result<Vec<Seed>> {
    let mut seeds = Vec::new();
    let mut dirs = vec![root.join("tests/sigv4")];
    while let Some(dir) = dirs.pop() {
        let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
            .with_context(|| format!("listing {}", dir.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let Some(extension) = path.extension().and_then(|e| e.to_str()) else {
                continue;
            };
            let name = stem(&path);
            let data = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let flags: &[u8] = match extension {
                "sreq" => &[
                    0,
                    SIGV4_PARTS,
                    SIGV4_SESSION_TOKEN,
                    SIGV4_PARTS | SIGV4_SESSION_TOKEN,
                ],
                "req" => &[SIGV4_SIGN, SIGV4_PRESIGN, SIGV4_SIGN | SIGV4_SESSION_TOKEN],
                _ => continue,
            };
            for &flag in flags {
                seeds.push(Seed::new(
                    format!("{name}.{extension}-{flag}"),
                    &[flag],
                    &data,
                ));
            }
        }
    }
    Ok(seeds)
}

/// The login target's provider choices and its developer flag, and the names its pool gives
/// the providers (see `fuzz/fuzz_targets/login.rs`).
const LOGIN_PUBLIC: u8 = 0;
const LOGIN_OIDC: u8 = 1;
const LOGIN_USER_POOL: u8 = 2;
const LOGIN_SAML: u8 = 3;
const LOGIN_COGNITO: u8 = 4;
const LOGIN_DEVELOPER: u8 = 5;
const LOGIN_AS_DEVELOPER: u8 = 0x80;
const LOGIN_GOOGLE_APP: &str = "fuzz-app.apps.googleusercontent.com";
const LOGIN_OIDC_ISSUER: &str = "https://oidc.example.com";
const LOGIN_USER_POOL_NAME: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_fuzz";
const LOGIN_USER_POOL_CLIENT: &str = "fuzzclient";
const LOGIN_SAML_ARN: &str = "arn:aws:iam::123456789012:saml-provider/fuzz";
const LOGIN_POOL_ID: &str = "us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b";
/// An expiry long after the login target's clock (2100-01-01), in seconds and as SAML writes
/// it, so that seeds meant to pass are not refused as expired.
const LOGIN_EXP: u64 = 4_102_444_800;
const LOGIN_EXP_TEXT: &str = "2100-01-01T00:00:00Z";

/// A JWT with the given header and claims and a signature of `signature` (base64url text).
/// Nothing here signs: the targets' keys are made per process, so no seed can carry a
/// signature they accept, and the fuzzer starts from the forms instead.
fn jwt(header: &Value, claims: &Value, signature: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    format!(
        "{}.{}.{signature}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// Base64url of `len` made-up bytes, standing for a signature of that size (256 for a
/// 2048-bit RSA key, 64 for P-256).
fn fake_signature(len: usize) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    let bytes: Vec<u8> = (0..len).map(|i| (i % 256) as u8).collect();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A SAML response (or, without `response`, a bare assertion) for `name_id` granting `roles`,
/// base64 as an identity provider posts it.
fn saml_token(name_id: &str, roles: &[&str], response: bool, status: &str) -> String {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    let values: String = roles
        .iter()
        .map(|r| format!("<saml2:AttributeValue>{r}</saml2:AttributeValue>"))
        .collect();
    let assertion = format!(
        r#"<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1" Version="2.0" IssueInstant="2023-11-14T22:13:20Z">
    <saml2:Issuer>https://idp.example.com</saml2:Issuer>
    <saml2:Subject>
      <saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{name_id}</saml2:NameID>
      <saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml2:SubjectConfirmationData NotOnOrAfter="{LOGIN_EXP_TEXT}" Recipient="https://signin.aws.amazon.com/saml"/>
      </saml2:SubjectConfirmation>
    </saml2:Subject>
    <saml2:Conditions NotBefore="2023-11-14T22:13:20Z" NotOnOrAfter="{LOGIN_EXP_TEXT}"/>
    <saml2:AttributeStatement>
      <saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">{values}</saml2:Attribute>
      <saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml2:AttributeValue>{name_id}</saml2:AttributeValue></saml2:Attribute>
      <saml2:Attribute Name="department"><saml2:AttributeValue>eng</saml2:AttributeValue><saml2:AttributeValue>ops</saml2:AttributeValue></saml2:Attribute>
    </saml2:AttributeStatement>
  </saml2:Assertion>"#
    );
    let xml = if response {
        format!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="r1" Version="2.0" IssueInstant="2023-11-14T22:13:20Z">
  <samlp:Status><samlp:StatusCode Value="{status}"/></samlp:Status>
  {assertion}
</samlp:Response>"#
        )
    } else {
        assertion
    };
    STANDARD.encode(xml)
}

fn login_seeds() -> Vec<Seed> {
    let mut seeds = Vec::new();
    let mut add = |name: &str, choice: u8, token: &str| {
        seeds.push(Seed::new(name, &[choice], token.as_bytes()));
    };
    let rs256 = json!({ "alg": "RS256", "kid": "fuzz-key-1", "typ": "JWT" });
    let signature = fake_signature(256);

    // A user pool's ID token with every claim the checks read: it passes them, since nothing
    // verifies user pool signatures without `--trust`.
    let user_pool_iss = format!("https://{LOGIN_USER_POOL_NAME}");
    let id_token = json!({
        "sub": "5f1c0e2a-1111-4222-8333-944455556666",
        "aud": LOGIN_USER_POOL_CLIENT,
        "iss": user_pool_iss,
        "token_use": "id",
        "exp": LOGIN_EXP,
        "iat": 1_700_000_000,
        "email": "user@example.com",
        "cognito:groups": ["admins"],
        "cognito:roles": ["arn:aws:iam::123456789012:role/Admin"],
        "cognito:preferred_role": "arn:aws:iam::123456789012:role/Admin",
    });
    add(
        "user-pool-id-token",
        LOGIN_USER_POOL,
        &jwt(&rs256, &id_token, &signature),
    );
    let access_token = json!({
        "sub": "5f1c0e2a-1111-4222-8333-944455556666",
        "client_id": LOGIN_USER_POOL_CLIENT,
        "iss": user_pool_iss,
        "token_use": "access",
        "exp": LOGIN_EXP,
    });
    add(
        "user-pool-access-token",
        LOGIN_USER_POOL,
        &jwt(&rs256, &access_token, &signature),
    );
    add(
        "user-pool-alg-none",
        LOGIN_USER_POOL,
        &jwt(&json!({ "alg": "none" }), &id_token, ""),
    );

    let google = json!({
        "sub": "110169484474386276334",
        "aud": [LOGIN_GOOGLE_APP, "other-app"],
        "azp": LOGIN_GOOGLE_APP,
        "iss": "https://accounts.google.com",
        "exp": LOGIN_EXP,
        "email_verified": true,
    });
    add(
        "google-id-token",
        LOGIN_PUBLIC,
        &jwt(&rs256, &google, &signature),
    );
    let expired = json!({
        "sub": "u", "aud": LOGIN_GOOGLE_APP, "iss": "accounts.google.com", "exp": 1,
    });
    add(
        "google-expired",
        LOGIN_PUBLIC,
        &jwt(&rs256, &expired, &signature),
    );
    // Public providers such as Facebook hand out opaque tokens, which stand for their user.
    add(
        "google-opaque",
        LOGIN_PUBLIC,
        "EAAGm0PX4ZCpsBAKZC7vQ2bZBkZCZAqZA1ZA",
    );

    let oidc = json!({
        "sub": "oidc-user", "aud": "any-client", "iss": LOGIN_OIDC_ISSUER, "exp": LOGIN_EXP,
        "nbf": 1_600_000_000,
    });
    add(
        "oidc-id-token",
        LOGIN_OIDC,
        &jwt(&json!({ "alg": "ES256", "kid": "k" }), &oidc, "c2ln"),
    );
    add("oidc-opaque", LOGIN_OIDC, "not-a-jwt-but-an-opaque-token");

    let admin = format!("arn:aws:iam::123456789012:role/Admin,{LOGIN_SAML_ARN}");
    let reader = format!("{LOGIN_SAML_ARN},arn:aws:iam::123456789012:role/Reader");
    let success = "urn:oasis:names:tc:SAML:2.0:status:Success";
    add(
        "saml-response",
        LOGIN_SAML,
        &saml_token("alice@example.com", &[&admin, &reader], true, success),
    );
    // A bare assertion, with the line breaks identity providers put into their base64.
    let bare = saml_token("bob@example.com", &[&admin], false, success);
    let wrapped: Vec<String> = bare
        .as_bytes()
        .chunks(76)
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect();
    add("saml-assertion-wrapped", LOGIN_SAML, &wrapped.join("\r\n"));
    add(
        "saml-failed",
        LOGIN_SAML,
        &saml_token(
            "carol@example.com",
            &[],
            true,
            "urn:oasis:names:tc:SAML:2.0:status:Responder",
        ),
    );

    // The form of a token this service issues, with a signature the target's key never made.
    let cognito = json!({
        "sub": "us-east-1:fd5a3aad-ef14-4e86-9c4c-23126a53ae35",
        "aud": LOGIN_POOL_ID,
        "iss": "https://cognito-identity.amazonaws.com",
        "amr": ["authenticated", "accounts.google.com", "accounts.google.com:app:user"],
        "exp": LOGIN_EXP,
        "https://aws.amazon.com/tags": { "principal_tags": { "team": ["blue"] } },
    });
    add(
        "cognito-identity",
        LOGIN_COGNITO,
        &jwt(
            &json!({ "alg": "RS512", "typ": "JWS", "kid": "3t8wjpjFJmo95dqm" }),
            &cognito,
            &signature,
        ),
    );

    add(
        "developer-allowed",
        LOGIN_DEVELOPER | LOGIN_AS_DEVELOPER,
        "user-7",
    );
    add("developer-refused", LOGIN_DEVELOPER, "user-7");
    seeds
}

/// The hand-made key set of the jwks target's seeds: the emulator's published RSA key and an
/// EC key on each supported curve, public halves only.
const JWKS_DOCUMENT: &str = "fuzz/seeds/jwks/rsa-and-ec";
/// The `kid` of the jwks target's fixed RSA key and of its RS512 token.
const JWKS_FIXED_KID: &str = "fuzz-rsa";

fn jwks_seeds(root: &Path) -> Result<Vec<Seed>> {
    let path = root.join(JWKS_DOCUMENT);
    let document = read_json(&path)?;
    let keys: Vec<Value> = document
        .get("keys")
        .and_then(Value::as_array)
        .cloned()
        .with_context(|| format!("{} has no `keys` list", path.display()))?;
    let find = |kty: &str, crv: Option<&str>| {
        keys.iter()
            .find(|k| {
                k.get("kty").and_then(Value::as_str) == Some(kty)
                    && k.get("crv").and_then(Value::as_str) == crv
            })
            .cloned()
            .with_context(|| format!("{} has no {kty} {crv:?} key", path.display()))
    };
    let rsa = find("RSA", None)?;
    let p256 = find("EC", Some("P-256"))?;
    let p384 = find("EC", Some("P-384"))?;
    let with = |key: &Value, changes: Value| {
        let mut key = key.clone();
        if let (Some(key), Value::Object(changes)) = (key.as_object_mut(), changes) {
            for (name, value) in changes {
                if value.is_null() {
                    key.remove(&name);
                } else {
                    key.insert(name, value);
                }
            }
        }
        key
    };
    let set = |keys: Vec<Value>| json!({ "keys": keys }).to_string();

    let mut seeds = Vec::new();
    let mut add = |name: &str, text: String| seeds.push(Seed::new(name, &[], text.as_bytes()));
    add("empty-set", set(Vec::new()));
    add("no-keys", "{}".to_owned());
    add("keys-not-a-list", r#"{"keys":{}}"#.to_owned());
    add("not-an-object", "[]".to_owned());
    add("rsa", set(vec![rsa.clone()]));
    add("p256", set(vec![p256.clone()]));
    add("p384", set(vec![p384.clone()]));
    // The fixed tokens' `kid` and no `kid` at all, so the fixed tokens meet these keys.
    add(
        "rsa-fixed-kid",
        set(vec![with(&rsa, json!({ "kid": JWKS_FIXED_KID }))]),
    );
    add(
        "no-kids",
        set(vec![
            with(&rsa, json!({ "kid": null, "alg": null })),
            with(&p256, json!({ "kid": null })),
        ]),
    );
    let odd = [
        ("rsa-for-encryption", with(&rsa, json!({ "use": "enc" }))),
        ("rsa-use-number", with(&rsa, json!({ "use": 1 }))),
        ("rsa-sign-only", with(&rsa, json!({ "key_ops": ["sign"] }))),
        (
            "rsa-key-ops-text",
            with(&rsa, json!({ "key_ops": "verify" })),
        ),
        ("rsa-hs256", with(&rsa, json!({ "alg": "HS256" }))),
        ("rsa-es256", with(&rsa, json!({ "alg": "ES256" }))),
        ("rsa-alg-list", with(&rsa, json!({ "alg": ["RS256"] }))),
        ("rsa-kid-number", with(&rsa, json!({ "kid": 5 }))),
        ("rsa-empty-modulus", with(&rsa, json!({ "n": "" }))),
        ("rsa-short-modulus", with(&rsa, json!({ "n": "xcXFxcXF" }))),
        ("rsa-even-exponent", with(&rsa, json!({ "e": "AQAA" }))),
        (
            "rsa-huge-exponent",
            with(&rsa, json!({ "e": "AQAAAAAAAAAAAQ" })),
        ),
        (
            "rsa-x509-members",
            with(
                &rsa,
                json!({ "x5c": ["MIIB"], "x5t": "abc", "x5u": "https://keys.example/x", "ext": true }),
            ),
        ),
        ("p256-curve-p521", with(&p256, json!({ "crv": "P-521" }))),
        (
            "p256-as-p384",
            with(&p256, json!({ "crv": "P-384", "alg": null })),
        ),
        ("p256-bad-y", with(&p256, json!({ "y": "!" }))),
        ("p256-no-y", with(&p256, json!({ "y": null }))),
        (
            "oct",
            json!({ "kty": "oct", "k": "c2VjcmV0", "kid": "hmac" }),
        ),
        (
            "okp",
            json!({ "kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" }),
        ),
        ("kty-number", json!({ "kty": 1 })),
        ("not-a-key", json!("RSA")),
    ];
    for (name, key) in odd {
        add(name, set(vec![key]));
    }
    // A usable and an unusable key under one `kid`, and many unusable keys.
    add(
        "shared-kid",
        set(vec![
            json!({ "kty": "oct", "k": "AA", "kid": "k" }),
            with(&p256, json!({ "kid": "k" })),
        ]),
    );
    add(
        "many-unusable",
        set(vec![json!({ "kty": "oct", "k": "AA" }); 8]),
    );
    add("whole-document", document.to_string());

    // Tokens, for the second reading of the bytes, against the target's fixed keys.
    let claims = json!({ "sub": "fuzz", "iss": "https://fuzz.example", "exp": 1 });
    let signature = fake_signature(256);
    let tokens = [
        (
            "token-rs512-fixed-kid",
            jwt(
                &json!({ "alg": "RS512", "kid": JWKS_FIXED_KID }),
                &claims,
                &signature,
            ),
        ),
        (
            "token-rs256-fixed-kid",
            jwt(
                &json!({ "alg": "RS256", "kid": JWKS_FIXED_KID }),
                &claims,
                &signature,
            ),
        ),
        (
            "token-es256-no-kid",
            jwt(&json!({ "alg": "ES256" }), &claims, &fake_signature(64)),
        ),
        (
            "token-unknown-kid",
            jwt(
                &json!({ "alg": "PS256", "kid": "unknown" }),
                &claims,
                &signature,
            ),
        ),
        (
            "token-hs256",
            jwt(
                &json!({ "alg": "HS256", "kid": JWKS_FIXED_KID }),
                &claims,
                "c2ln",
            ),
        ),
        ("token-none", jwt(&json!({ "alg": "none" }), &claims, "")),
        (
            "token-crit",
            jwt(
                &json!({ "alg": "RS512", "kid": JWKS_FIXED_KID, "crit": ["exp"] }),
                &claims,
                &signature,
            ),
        ),
        (
            "token-embedded-jwk",
            jwt(
                &json!({ "alg": "RS512", "jwk": rsa, "jku": "https://keys.example/jwks" }),
                &claims,
                &signature,
            ),
        ),
        ("token-jwe", "a.b.c.d.e".to_owned()),
    ];
    for (name, token) in tokens {
        add(name, token);
    }
    Ok(seeds)
}

/// What one target's run came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The target.
    pub target: String,
    /// The inputs it ran, as libFuzzer counted them.
    pub execs: Option<u64>,
    /// The time it ran.
    pub seconds: f64,
    /// How it failed, if it did.
    pub failure: Option<Failure>,
}

/// How a run failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// libFuzzer found a crash, a hang or an out-of-memory input and saved it here.
    Crash(PathBuf),
    /// The run ended without success and without saving an input (a build or start-up
    /// failure).
    Other(String),
}

impl Outcome {
    /// The summary line: `<target>: N execs in S s (E/s), no crash`, or the crash and where
    /// its input was saved.
    pub fn line(&self) -> String {
        let execs = self.execs.map_or_else(|| "?".to_owned(), |n| n.to_string());
        let rate = match self.execs {
            Some(n) if self.seconds > 0.0 => format!(" ({:.0}/s)", n as f64 / self.seconds),
            _ => String::new(),
        };
        let ran = format!(
            "{}: {execs} execs in {:.0} s{rate}",
            self.target, self.seconds
        );
        match &self.failure {
            None => format!("{ran}, no crash"),
            Some(Failure::Crash(path)) => {
                format!("{ran}, CRASH: input saved to {}", path.display())
            }
            Some(Failure::Other(why)) => format!("{ran}, FAILED: {why}"),
        }
    }
}

/// The number of inputs libFuzzer ran, from its final statistics (`-print_final_stats=1`) or,
/// failing that, its closing `Done N runs in S second(s)` line.
pub fn parse_execs(log: &str) -> Option<u64> {
    let stat = log.lines().find_map(|line| {
        line.trim()
            .strip_prefix("stat::number_of_executed_units:")
            .and_then(|n| n.trim().parse().ok())
    });
    stat.or_else(|| {
        log.lines().find_map(|line| {
            line.trim()
                .strip_prefix("Done ")
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse().ok())
        })
    })
}

/// The seconds of libFuzzer's closing `Done N runs in S second(s)` line.
pub fn parse_seconds(log: &str) -> Option<f64> {
    log.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("Done ")?;
        let (_, seconds) = rest.split_once(" runs in ")?;
        seconds.split(' ').next()?.parse().ok()
    })
}

/// Where libFuzzer saved the input that failed (`Test unit written to PATH`).
pub fn parse_artifact(log: &str) -> Option<PathBuf> {
    log.lines().find_map(|line| {
        let (_, path) = line.split_once("Test unit written to ")?;
        Some(PathBuf::from(path.trim()))
    })
}

/// The lines of a failed run's log worth showing: the panic message and libFuzzer's
/// verdict, without the statistics.
pub fn failure_excerpt(log: &str) -> String {
    let lines: Vec<&str> = log
        .lines()
        .filter(|line| {
            !line.starts_with("stat::")
                && !line.starts_with('#')
                && !line.starts_with("INFO:")
                && !line.trim().is_empty()
        })
        .collect();
    let start = lines
        .iter()
        .position(|line| line.contains("panicked at") || line.contains("ERROR: libFuzzer"))
        .unwrap_or(lines.len().saturating_sub(20));
    lines[start..]
        .iter()
        .take(40)
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fails with a message saying how to get the tool when `cargo +nightly` or `cargo fuzz` is
/// missing.
fn check_tools(root: &Path) -> Result<()> {
    let works = |args: &[&str]| {
        Command::new("cargo")
            .args(args)
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !works(&["+nightly", "--version"]) {
        bail!(
            "the fuzz targets build on the nightly toolchain, which is not installed; \
             install it with `rustup toolchain install nightly --profile minimal`"
        );
    }
    if !works(&["+nightly", "fuzz", "--version"]) {
        bail!("cargo-fuzz is not installed; install it with `cargo install cargo-fuzz`");
    }
    Ok(())
}

/// The `cargo +nightly fuzz <verb>` command with the build options every call shares:
/// optimised, with debug assertions and overflow checks (cargo-fuzz's default), without a
/// sanitizer (the code under test has no unsafe code, and the fuzzer runs about twice as fast),
/// and with the codegen units and optimisation level of `args` when given. The build and
/// each run pass the same options, so a run finds the build up to date.
fn cargo_fuzz(root: &Path, verb: &str, args: &FuzzArgs) -> Command {
    let mut command = Command::new("cargo");
    command
        .current_dir(root)
        .args(["+nightly", "fuzz", verb, "--fuzz-dir", FUZZ_DIR])
        .args(["--target-dir", BUILD_DIR])
        .args(["--sanitizer", "none"])
        .args(args.codegen_units.map(|n| format!("--codegen-units={n}")))
        // The fuzz workspace builds on nightly with its own flags: neither the lints nor the
        // clippy driver CI builds this workspace with apply to it.
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("RUSTFLAGS");
    if let Some(level) = args.opt_level {
        // cargo-fuzz builds with `--release`.
        command.env("CARGO_PROFILE_RELEASE_OPT_LEVEL", level.to_string());
    }
    command
}

/// Runs one target for `seconds` on its corpus and the hand-made seeds.
fn run_target(root: &Path, target: &str, args: &FuzzArgs) -> Result<Outcome> {
    let seconds = args.seconds;
    let corpus = root.join(CORPUS_DIR).join(target);
    let artifacts = root.join(ARTIFACT_DIR).join(target);
    let logs = root.join(LOG_DIR);
    for dir in [&artifacts, &logs] {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut command = cargo_fuzz(root, "run", args);
    command.arg(target).arg(&corpus);
    let hand_made = root.join(FUZZ_DIR).join("seeds").join(target);
    if hand_made.is_dir() {
        command.arg(&hand_made);
    }
    let mut artifact_prefix = artifacts.into_os_string();
    artifact_prefix.push("/");
    let mut prefix_arg = std::ffi::OsString::from("-artifact_prefix=");
    prefix_arg.push(&artifact_prefix);
    command
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-rss_limit_mb={RSS_LIMIT_MB}"))
        .arg(format!("-timeout={TIMEOUT_SECONDS}"))
        .arg("-print_final_stats=1")
        .arg(prefix_arg);
    let started = Instant::now();
    let output = command
        .output()
        .with_context(|| format!("running `cargo +nightly fuzz run {target}`"))?;
    let elapsed = started.elapsed().as_secs_f64();
    let mut log = String::from_utf8_lossy(&output.stdout).into_owned();
    log.push_str(&String::from_utf8_lossy(&output.stderr));
    let log_file = logs.join(format!("{target}.log"));
    fs::write(&log_file, &log).with_context(|| format!("writing {}", log_file.display()))?;
    let failure = if output.status.success() {
        None
    } else {
        Some(match parse_artifact(&log) {
            Some(path) => Failure::Crash(path),
            None => Failure::Other(format!("{} (see {})", output.status, log_file.display())),
        })
    };
    if failure.is_some() {
        eprintln!("{}", failure_excerpt(&log));
    }
    Ok(Outcome {
        target: target.to_owned(),
        execs: parse_execs(&log),
        seconds: parse_seconds(&log).unwrap_or(elapsed),
        failure,
    })
}

/// What `cargo xtask fuzz` does: seeds, one build, then the targets, as many at once as the
/// machine has cores. Exit status 1 when any target crashed or failed.
pub fn run(args: &FuzzArgs) -> Result<ExitCode> {
    let root = crate::workspace_root();
    let targets: Vec<&str> = match &args.target {
        Some(target) => vec![target.as_str()],
        None => TARGETS.to_vec(),
    };
    check_tools(&root)?;
    for target in &targets {
        let (dir, count) = write_seeds(target, &root)?;
        println!("{target}: {count} seeds written to {}", dir.display());
    }
    let mut build = cargo_fuzz(&root, "build", args);
    if let Some(target) = &args.target {
        build.arg(target);
    }
    let status = build
        .status()
        .context("running `cargo +nightly fuzz build`")?;
    if !status.success() {
        bail!("building the fuzz targets failed ({status})");
    }
    // Each fuzzer runs on one core: as many targets run at once as there are cores, and each
    // group's outcomes are printed in target order.
    let jobs = std::thread::available_parallelism().map_or(1, usize::from);
    let mut failed = false;
    for group in targets.chunks(jobs) {
        let outcomes = std::thread::scope(|scope| {
            let running: Vec<_> = group
                .iter()
                .map(|target| scope.spawn(|| run_target(&root, target, args)))
                .collect();
            running
                .into_iter()
                .map(|run| {
                    run.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect::<Vec<_>>()
        });
        for outcome in outcomes {
            let outcome = outcome?;
            println!("{}", outcome.line());
            failed |= outcome.failure.is_some();
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        crate::workspace_root()
    }

    fn seeds_of(target: &str) -> Vec<Seed> {
        match seeds(target, &root()) {
            Ok(seeds) => seeds,
            Err(e) => panic!("{target}: {e:#}"),
        }
    }

    #[test]
    fn every_target_gets_seeds_with_unique_names() {
        for target in TARGETS {
            let seeds = seeds_of(target);
            assert!(seeds.len() >= 10, "{target}: {} seeds", seeds.len());
            let names: BTreeSet<&str> = seeds.iter().map(|s| s.name.as_str()).collect();
            assert_eq!(names.len(), seeds.len(), "{target}");
        }
    }

    #[test]
    fn router_seeds_name_every_cognito_operation_and_fit_its_constraints() {
        let seeds = seeds_of("router");
        let service = cognito(&root()).expect("the workspace model loads");
        for op in &service.operations {
            let name = format!("cognito-{}", op.name);
            let seed = seeds
                .iter()
                .find(|s| s.name == name)
                .unwrap_or_else(|| panic!("no seed {name}"));
            assert_eq!(seed.data[..2], [ROUTER_AS_GIVEN, 0]);
            let text = String::from_utf8_lossy(&seed.data[2..]);
            let target = format!("X-Amz-Target: AWSCognitoIdentityService.{}\n", op.name);
            assert!(text.contains(&target), "{text}");
            let (_, body) = text.split_once("\n\n").expect("a body");
            let body: Value = serde_json::from_str(body).expect("a JSON body");
            assert!(body.is_object(), "{body}");
        }
        let get_id = seeds
            .iter()
            .find(|s| s.name == "cognito-GetId")
            .expect("GetId");
        let text = String::from_utf8_lossy(&get_id.data);
        assert!(
            text.contains(r#""IdentityPoolId":"us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b""#),
            "{text}"
        );
    }

    #[test]
    fn response_seeds_index_operations_in_name_order() {
        let seeds = seeds_of("response");
        let first = seeds
            .iter()
            .find(|s| s.name == "cognito-CreateIdentityPool")
            .expect("CreateIdentityPool");
        assert_eq!(first.data[0], 0);
        let last = seeds
            .iter()
            .find(|s| s.name == "cognito-UpdateIdentityPool")
            .expect("UpdateIdentityPool");
        assert_eq!(last.data[0], 22);
        assert!(last.data[1..].starts_with(b"200 OK\n"));
        assert!(seeds.iter().any(|s| s.data[0] == RESPONSE_PAGES));
    }

    #[test]
    fn sigv4_seeds_are_the_suite_requests_with_each_flag() {
        let seeds = seeds_of("sigv4_verify");
        let vanilla: Vec<&Seed> = seeds
            .iter()
            .filter(|s| s.name.starts_with("get-vanilla.sreq-"))
            .collect();
        assert_eq!(vanilla.len(), 4);
        let file = fs::read(root().join("tests/sigv4/get-vanilla/get-vanilla.sreq"))
            .expect("the suite file");
        assert!(vanilla.iter().all(|s| s.data[1..] == file[..]));
        assert!(seeds
            .iter()
            .any(|s| s.name.starts_with("get-space.req") && s.data[0] == SIGV4_PRESIGN));
    }

    #[test]
    fn model_seeds_skip_big_models_and_join_files_with_nul() {
        let seeds = seeds_of("model");
        assert!(seeds
            .iter()
            .all(|s| s.data.len() <= MAX_MODEL_SEED_BYTES + 64 * 1024));
        let files = seeds
            .iter()
            .find(|s| s.name == "cognito-files")
            .expect("cognito-files");
        assert_eq!(files.data[0], MODEL_BOTOCORE_FILES);
        assert_eq!(files.data.iter().filter(|&&b| b == 0).count(), 2);
        assert!(seeds
            .iter()
            .any(|s| s.name.starts_with("input-json-suite-")));
    }

    #[test]
    fn login_seeds_reach_every_provider_in_the_target_pool() {
        use base64::Engine as _;
        let seeds = seeds_of("login");
        let choices: BTreeSet<u8> = seeds
            .iter()
            .map(|s| s.data[0] & !LOGIN_AS_DEVELOPER)
            .collect();
        assert_eq!(
            choices,
            BTreeSet::from([
                LOGIN_PUBLIC,
                LOGIN_OIDC,
                LOGIN_USER_POOL,
                LOGIN_SAML,
                LOGIN_COGNITO,
                LOGIN_DEVELOPER
            ])
        );
        let id_token = seeds
            .iter()
            .find(|s| s.name == "user-pool-id-token")
            .expect("user-pool-id-token");
        let text = std::str::from_utf8(&id_token.data[1..]).expect("a token is text");
        let payload = text.split('.').nth(1).expect("three parts");
        let claims: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .expect("base64url"),
        )
        .expect("JSON claims");
        assert_eq!(claims["aud"], LOGIN_USER_POOL_CLIENT);
        assert_eq!(claims["iss"], format!("https://{LOGIN_USER_POOL_NAME}"));
        let saml = seeds
            .iter()
            .find(|s| s.name == "saml-response")
            .expect("saml-response");
        let xml = base64::engine::general_purpose::STANDARD
            .decode(&saml.data[1..])
            .expect("base64");
        let xml = String::from_utf8(xml).expect("UTF-8 XML");
        assert!(xml.contains(LOGIN_SAML_ARN), "{xml}");
        assert!(xml.contains(LOGIN_EXP_TEXT), "{xml}");
    }

    #[test]
    fn jwks_seeds_are_key_sets_from_the_real_keys_and_tokens() {
        let seeds = seeds_of("jwks");
        let whole = seeds
            .iter()
            .find(|s| s.name == "whole-document")
            .expect("whole-document");
        let document: Value = serde_json::from_slice(&whole.data).expect("JSON");
        let types: BTreeSet<&str> = document["keys"]
            .as_array()
            .expect("a key list")
            .iter()
            .filter_map(|k| k["kty"].as_str())
            .collect();
        assert_eq!(types, BTreeSet::from(["EC", "RSA"]));
        let fixed = seeds
            .iter()
            .find(|s| s.name == "rsa-fixed-kid")
            .expect("rsa-fixed-kid");
        let fixed: Value = serde_json::from_slice(&fixed.data).expect("JSON");
        assert_eq!(fixed["keys"][0]["kid"], JWKS_FIXED_KID);
        assert_eq!(fixed["keys"][0]["n"], document["keys"][0]["n"]);
        let token = seeds
            .iter()
            .find(|s| s.name == "token-rs512-fixed-kid")
            .expect("token-rs512-fixed-kid");
        assert_eq!(token.data.iter().filter(|&&b| b == b'.').count(), 2);
    }

    #[test]
    fn execs_and_artifacts_are_read_from_the_log() {
        let log = "INFO: Seed: 1\n#1024 pulse cov: 10\nDone 5000 runs in 2 second(s)\n\
                   stat::number_of_executed_units: 5001\nstat::peak_rss_mb: 50\n";
        assert_eq!(parse_execs(log), Some(5001));
        assert_eq!(parse_execs("Done 77 runs in 1 second(s)\n"), Some(77));
        assert_eq!(parse_execs("nothing"), None);
        assert_eq!(parse_seconds(log), Some(2.0));
        assert_eq!(parse_seconds("nothing"), None);
        let crash = "thread '<unnamed>' panicked at src/x.rs:1:1:\nboom\n\
                     ==1== ERROR: libFuzzer: deadly signal\n\
                     artifact_prefix='t/a/'; Test unit written to t/a/crash-0123\n\
                     Base64: AAA=\nstat::number_of_executed_units: 9\n";
        assert_eq!(parse_artifact(crash), Some(PathBuf::from("t/a/crash-0123")));
        assert_eq!(parse_artifact(log), None);
        let excerpt = failure_excerpt(crash);
        assert!(
            excerpt.starts_with("thread '<unnamed>' panicked at"),
            "{excerpt}"
        );
        assert!(!excerpt.contains("stat::"), "{excerpt}");
    }

    #[test]
    fn outcome_lines_say_execs_and_crashes() {
        let mut outcome = Outcome {
            target: "router".to_owned(),
            execs: Some(12_000),
            seconds: 10.0,
            failure: None,
        };
        assert_eq!(
            outcome.line(),
            "router: 12000 execs in 10 s (1200/s), no crash"
        );
        outcome.failure = Some(Failure::Crash(PathBuf::from("target/a/crash-1")));
        assert_eq!(
            outcome.line(),
            "router: 12000 execs in 10 s (1200/s), CRASH: input saved to target/a/crash-1"
        );
        outcome.execs = None;
        outcome.failure = Some(Failure::Other("exit status: 1".to_owned()));
        assert_eq!(
            outcome.line(),
            "router: ? execs in 10 s, FAILED: exit status: 1"
        );
    }
}
