//! The command line: parses arguments into a [`Command`] and runs it.
//!
//! Four commands (`codegen`, `protocol-tests`, `endpoint-tests`, `fuzz`) and `help`, each
//! with a few flags or paths. Parsing is written by hand, one small function per command: a
//! parser crate would add build time to every `cargo xtask` run to save little code. Parsing
//! is pure and reports misuse as a [`UsageError`] (exit status 2); running prints to the
//! terminal and leaves all file work to the rest of the crate. The help texts come first,
//! then parsing, running, and the tests (the last third of the file).

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

pub use crate::fuzz::FuzzArgs;
use crate::{StaleError, CODEGEN_COMMAND};

/// The help of `xtask`.
pub const MAIN_HELP: &str = "\
Project commands for this workspace.

Usage: cargo xtask <COMMAND>

Commands:
  codegen         Generate a Rust client and server crate from a service model
  protocol-tests  Run protocol test suites against clients generated from their models
  endpoint-tests  Run endpoint rule test cases against the endpoint rules engine
  fuzz            Run the fuzz targets for a few seconds each and report crashes
  help            Print this help, or the help of a command (`help codegen`)

Options:
  -h, --help  Print help
";

/// The help of `xtask codegen`.
pub const CODEGEN_HELP: &str = "\
Generate a Rust client and server crate from an AWS JSON-protocol service model.

Usage: cargo xtask codegen [--check]
       cargo xtask codegen --model PATH --out DIR [--crate-name NAME]
                           [--operation-features] [--check]

Without --model, regenerates the crate of every service in the table SERVICES
(xtask/src/lib.rs), each from its model folder's service-2.json,
paginators-1.json and endpoint-rule-set-1.json:
  generated/cognito-identity/           from model/cognito-identity/
  generated/cognito-identity-provider/  from model/cognito-idp/
then endpoint-rules/src/partitions_generated.rs (the partition data as Rust,
region patterns as automata) from endpoint-rules/data/partitions.json, and
tests/endpoint-compiled/rules.rs (the endpoint test suites' rule sets, compiled)
from tests/endpoint-rules/ and the services' Smithy models. --check checks every
one of them.

Options:
      --check            Change nothing: list each stale file (changed, missing or
                         extra) and exit with status 1 if there is any
      --model PATH       A botocore service-2.json or a Smithy JSON AST model; the
                         format is detected. For botocore, paginators-1.json and
                         endpoint-rule-set-1.json next to it are read when present
      --out DIR          Write a standalone crate to DIR (required with --model);
                         it depends on this workspace's runtime/ by relative path
      --crate-name NAME  Package name of the standalone crate. Default: the model's
                         service id (botocore serviceId, Smithy sdkId) in lower case
                         with each run of other characters replaced by `-`, e.g.
                         `Cognito Identity` -> cognito-identity
      --operation-features
                         Put each operation of the standalone crate behind a cargo
                         feature named after it in kebab-case (`initiate-auth`), with
                         `all-operations` (on by default) turning on every one, so a
                         user compiles only the operations it calls. The workspace's
                         services set this in SERVICES
  -h, --help             Print help

Only files whose contents differ are written, each atomically. Files whose first
line carries the @generated marker but that are no longer produced are deleted;
other files are never touched. Line endings (CRLF or LF) do not count as changes.

Exit status: 0 on success, 1 on failure or stale files, 2 on a usage error.
";

/// The help of `xtask protocol-tests`.
pub const PROTOCOL_TESTS_HELP: &str = "\
Run protocol test suites (botocore's format) against clients generated from the
suites' own models.

Usage: cargo xtask protocol-tests [PATH...]

Each PATH is a suite file or a directory whose .json files are suite files; the
default is tests/protocol. For every suite, the suite's model is generated into a
crate and every case runs against it: input cases compare the request the client
sends, output cases the output or error it parses. The crates are built under
target/scratch/.

Prints `<file name>: N passed, M failed` per file, then each failed case with its
reason. Exit status: 0 when every case passes, 1 otherwise, 2 on a usage error.
";

/// The help of `xtask endpoint-tests`.
pub const ENDPOINT_TESTS_HELP: &str = "\
Run endpoint rule test cases against the runtime's endpoint rules engine.

Usage: cargo xtask endpoint-tests [--partitions FILE] [PATH...]

Each PATH is one of:
  - a directory holding endpoint-rule-set-1.json and endpoint-tests-1.json
    (botocore's layout);
  - a directory holding valid-rules/NAME.json and test-cases/NAME.json, matched
    by file name (the rules-engine suite's layout);
  - a Smithy JSON AST file whose service shape carries the
    smithy.rules#endpointRuleSet and smithy.rules#endpointTests traits.
The default is each service's model directory (model/cognito-identity/,
model/cognito-idp/), the Smithy models among them
(model/cognito-identity/cognito-identity-2014-06-30.smithy.json) and
tests/endpoint-rules/.

Every case resolves its params as a client does. A case expecting an error must
get exactly that error text; a case expecting an endpoint must get exactly its
url, headers and properties. Cases with operationInputs, or with expectation
fields the runner does not check, fail.

Options:
      --partitions FILE  Partition data (the format of partitions.json) for
                         aws.partition instead of the data built into the runtime
  -h, --help             Print help

Prints `<name>: N passed, M failed` per directory, suite file name or model,
then `FAIL <case>: <reason>` per failed case. Exit status: 0 when every case
passes, 1 otherwise, 2 on a usage error.
";

/// The help of `xtask fuzz`.
pub const FUZZ_HELP: &str = "\
Run the cargo-fuzz targets of fuzz/ for a fixed time each and report crashes.

Usage: cargo xtask fuzz [TARGET] [--seconds N] [--codegen-units N] [--opt-level N]

Targets: router (whole HTTP requests through the generated router), response
(the client's handling of any response), model (the botocore and Smithy
readers with lowering and validation), endpoint (the endpoint rules engine),
sigv4_verify (SigV4 verification), login (the emulator's checks of Logins
tokens: JWTs, SAML responses, opaque tokens, for every kind of provider), jwks
(the emulator's JWKS reader and token signature check). Without TARGET, every
target runs in turn.

Seeds are written first into target/fuzz-corpus/<target>/ from the project's
data (the model, protocol suites, fixtures, endpoint rule sets, SigV4 suite,
token forms, a public key set); the fuzzer keeps what it finds there too. Targets build once with
`cargo +nightly fuzz build` into target/fuzz/; nothing is installed: without
the nightly toolchain or cargo-fuzz the command fails and says how to get them.
An input that panics, runs longer than 10 s or takes more than 2048 MiB is a
crash, saved under target/fuzz-artifacts/<target>/; full logs go to
target/fuzz-logs/.

Options:
      --seconds N        How long each target runs (default 10)
      --codegen-units N  Build with N codegen units instead of cargo-fuzz's 1: a
                         faster build, slower fuzzing (for a short smoke run)
      --opt-level N      Optimise at level N (0-3) instead of cargo-fuzz's 3: a
                         faster build, slower fuzzing (for a short smoke run)
  -h, --help             Print help

Prints `<target>: N execs in S s (E/s), no crash` per target, or the crash and
its saved input. Exit status: 0 when no target crashed, 1 otherwise, 2 on a
usage error.
";

/// Which help text to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpTopic {
    /// `xtask --help`.
    Main,
    /// `xtask codegen --help`.
    Codegen,
    /// `xtask protocol-tests --help`.
    ProtocolTests,
    /// `xtask endpoint-tests --help`.
    EndpointTests,
    /// `xtask fuzz --help`.
    Fuzz,
}

impl HelpTopic {
    /// The help text.
    pub fn text(self) -> &'static str {
        match self {
            HelpTopic::Main => MAIN_HELP,
            HelpTopic::Codegen => CODEGEN_HELP,
            HelpTopic::ProtocolTests => PROTOCOL_TESTS_HELP,
            HelpTopic::EndpointTests => ENDPOINT_TESTS_HELP,
            HelpTopic::Fuzz => FUZZ_HELP,
        }
    }

    fn usage_hint(self) -> &'static str {
        match self {
            HelpTopic::Main => "Usage: cargo xtask <COMMAND>\nFor more information, try `cargo xtask --help`.",
            HelpTopic::Codegen => "Usage: cargo xtask codegen [--check] [--model PATH --out DIR [--crate-name NAME] [--operation-features]]\nFor more information, try `cargo xtask codegen --help`.",
            HelpTopic::ProtocolTests => "Usage: cargo xtask protocol-tests [PATH...]\nFor more information, try `cargo xtask protocol-tests --help`.",
            HelpTopic::EndpointTests => "Usage: cargo xtask endpoint-tests [--partitions FILE] [PATH...]\nFor more information, try `cargo xtask endpoint-tests --help`.",
            HelpTopic::Fuzz => "Usage: cargo xtask fuzz [TARGET] [--seconds N] [--codegen-units N] [--opt-level N]\nFor more information, try `cargo xtask fuzz --help`.",
        }
    }
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Print a help text.
    Help(HelpTopic),
    /// `codegen`.
    Codegen(CodegenArgs),
    /// `protocol-tests`: the suite files or directories (empty for the default).
    ProtocolTests(Vec<PathBuf>),
    /// `endpoint-tests`.
    EndpointTests(EndpointTestsArgs),
    /// `fuzz`.
    Fuzz(FuzzArgs),
}

/// The arguments of `endpoint-tests`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EndpointTestsArgs {
    /// The test directories or models (empty for the default).
    pub paths: Vec<PathBuf>,
    /// `--partitions FILE`: partition data other than the runtime's.
    pub partitions: Option<PathBuf>,
}

/// The arguments of `codegen`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CodegenArgs {
    /// `--check`: compare only.
    pub check: bool,
    /// `--model`/`--out`/`--crate-name`: a standalone crate instead of the workspace's.
    pub standalone: Option<StandaloneArgs>,
}

/// Where a standalone crate comes from and goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandaloneArgs {
    /// The model file.
    pub model: PathBuf,
    /// The crate directory.
    pub out: PathBuf,
    /// The package name, when given.
    pub crate_name: Option<String>,
    /// `--operation-features`: one cargo feature per operation.
    pub operation_features: bool,
}

impl StandaloneArgs {
    /// The command line that regenerates this crate, for the `--check` hint.
    pub fn command(&self) -> String {
        let mut command = format!(
            "{CODEGEN_COMMAND} --model {} --out {}",
            self.model.display(),
            self.out.display()
        );
        if let Some(name) = &self.crate_name {
            command.push_str(" --crate-name ");
            command.push_str(name);
        }
        if self.operation_features {
            command.push_str(" --operation-features");
        }
        command
    }
}

/// A misuse of the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    /// What is wrong.
    pub message: String,
    /// The help that applies.
    pub topic: HelpTopic,
}

impl UsageError {
    fn new(topic: HelpTopic, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            topic,
        }
    }

    /// The full text for the terminal: the message and a pointer to the help.
    pub fn report(&self) -> String {
        format!("error: {}\n\n{}", self.message, self.topic.usage_hint())
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UsageError {}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, UsageError> {
    let mut args = args.into_iter();
    let Some(first) = args.next() else {
        return Err(UsageError::new(HelpTopic::Main, "no command given"));
    };
    match first.to_str() {
        Some("-h" | "--help") => Ok(Command::Help(HelpTopic::Main)),
        Some("help") => match args.next() {
            None => Ok(Command::Help(HelpTopic::Main)),
            Some(topic) if topic == "codegen" => Ok(Command::Help(HelpTopic::Codegen)),
            Some(topic) if topic == "protocol-tests" => Ok(Command::Help(HelpTopic::ProtocolTests)),
            Some(topic) if topic == "endpoint-tests" => Ok(Command::Help(HelpTopic::EndpointTests)),
            Some(topic) if topic == "fuzz" => Ok(Command::Help(HelpTopic::Fuzz)),
            Some(topic) => Err(UsageError::new(
                HelpTopic::Main,
                format!("unknown command `{}`", topic.to_string_lossy()),
            )),
        },
        Some("codegen") => parse_codegen(args.collect()),
        Some("protocol-tests") => parse_protocol_tests(args.collect()),
        Some("endpoint-tests") => parse_endpoint_tests(args.collect()),
        Some("fuzz") => parse_fuzz(args.collect()),
        _ => Err(UsageError::new(
            HelpTopic::Main,
            format!("unknown command `{}`", first.to_string_lossy()),
        )),
    }
}

/// An argument as text, or the usage message for one that is not UTF-8.
fn text_arg(arg: &OsString) -> Result<&str, String> {
    arg.to_str()
        .ok_or_else(|| format!("unexpected argument `{}`", arg.to_string_lossy()))
}

/// Parses the arguments of `codegen`. Values follow their flag as the next argument or
/// after `=` (`--out=DIR`).
fn parse_codegen(args: Vec<OsString>) -> Result<Command, UsageError> {
    let usage = |message: String| UsageError::new(HelpTopic::Codegen, message);
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Ok(Command::Help(HelpTopic::Codegen));
    }
    let mut check = false;
    let mut operation_features = false;
    let mut model: Option<OsString> = None;
    let mut out: Option<OsString> = None;
    let mut crate_name: Option<OsString> = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let text = text_arg(&arg).map_err(usage)?;
        let (flag, inline) = match text.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(OsString::from(value))),
            _ => (text, None),
        };
        let slot = match flag {
            "--check" => {
                if inline.is_some() {
                    return Err(usage("`--check` takes no value".to_owned()));
                }
                if check {
                    return Err(usage("`--check` is given twice".to_owned()));
                }
                check = true;
                continue;
            }
            "--operation-features" => {
                if inline.is_some() {
                    return Err(usage("`--operation-features` takes no value".to_owned()));
                }
                if operation_features {
                    return Err(usage("`--operation-features` is given twice".to_owned()));
                }
                operation_features = true;
                continue;
            }
            "--model" => &mut model,
            "--out" => &mut out,
            "--crate-name" => &mut crate_name,
            _ if flag.starts_with('-') => return Err(usage(format!("unknown flag `{flag}`"))),
            _ => return Err(usage(format!("unexpected argument `{text}`"))),
        };
        if slot.is_some() {
            return Err(usage(format!("`{flag}` is given twice")));
        }
        let value = match inline.or_else(|| args.next()) {
            Some(value) if !value.is_empty() && !value.to_string_lossy().starts_with("--") => value,
            _ => return Err(usage(format!("`{flag}` needs a value"))),
        };
        *slot = Some(value);
    }
    let standalone = match (model, out) {
        (Some(model), Some(out)) => {
            let crate_name = match crate_name {
                Some(name) => Some(name.into_string().map_err(|name| {
                    usage(format!(
                        "`--crate-name` is not valid UTF-8: `{}`",
                        name.to_string_lossy()
                    ))
                })?),
                None => None,
            };
            Some(StandaloneArgs {
                model: PathBuf::from(model),
                out: PathBuf::from(out),
                crate_name,
                operation_features,
            })
        }
        (Some(_), None) => return Err(usage("`--model` needs `--out DIR`".to_owned())),
        (None, Some(_)) => return Err(usage("`--out` needs `--model PATH`".to_owned())),
        (None, None) => {
            if crate_name.is_some() {
                return Err(usage(
                    "`--crate-name` applies only with `--model` and `--out`".to_owned(),
                ));
            }
            if operation_features {
                return Err(usage(
                    "`--operation-features` applies only with `--model` and `--out`; the workspace's services set it in SERVICES (xtask/src/lib.rs)".to_owned(),
                ));
            }
            None
        }
    };
    Ok(Command::Codegen(CodegenArgs { check, standalone }))
}

/// Parses the arguments of `protocol-tests`: paths, or a help flag.
fn parse_protocol_tests(args: Vec<OsString>) -> Result<Command, UsageError> {
    Ok(match parse_paths(args, HelpTopic::ProtocolTests)? {
        Some(paths) => Command::ProtocolTests(paths),
        None => Command::Help(HelpTopic::ProtocolTests),
    })
}

/// Parses the arguments of `endpoint-tests`: `--partitions FILE` (or `--partitions=FILE`)
/// and paths, or a help flag.
fn parse_endpoint_tests(args: Vec<OsString>) -> Result<Command, UsageError> {
    let usage = |message: String| UsageError::new(HelpTopic::EndpointTests, message);
    let mut partitions = None;
    let mut rest = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let text = arg.to_str();
        let value = if text == Some("--partitions") {
            args.next()
        } else if let Some(inline) = text.and_then(|t| t.strip_prefix("--partitions=")) {
            Some(OsString::from(inline))
        } else {
            rest.push(arg);
            continue;
        };
        if partitions.is_some() {
            return Err(usage("`--partitions` is given twice".to_owned()));
        }
        match value {
            Some(v) if !v.is_empty() && !v.to_string_lossy().starts_with('-') => {
                partitions = Some(PathBuf::from(v));
            }
            _ => return Err(usage("`--partitions` needs a file".to_owned())),
        }
    }
    Ok(match parse_paths(rest, HelpTopic::EndpointTests)? {
        Some(paths) => Command::EndpointTests(EndpointTestsArgs { paths, partitions }),
        None => Command::Help(HelpTopic::EndpointTests),
    })
}

/// Parses the arguments of `fuzz`: at most one target, `--seconds N` (or `--seconds=N`), or a
/// help flag.
fn parse_fuzz(args: Vec<OsString>) -> Result<Command, UsageError> {
    let usage = |message: String| UsageError::new(HelpTopic::Fuzz, message);
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Ok(Command::Help(HelpTopic::Fuzz));
    }
    let mut target: Option<String> = None;
    let mut seconds: Option<u64> = None;
    let mut codegen_units: Option<u32> = None;
    let mut opt_level: Option<u8> = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let text = text_arg(&arg).map_err(usage)?;
        if let Some(value) = option_value(text, "--seconds", &mut args) {
            if seconds.is_some() {
                return Err(usage("`--seconds` is given twice".to_owned()));
            }
            match whole_above_zero(value.as_ref()) {
                Some(n) => seconds = Some(n),
                None => {
                    return Err(usage(
                        "`--seconds` needs a whole number of seconds above 0".to_owned(),
                    ))
                }
            }
            continue;
        }
        if let Some(value) = option_value(text, "--opt-level", &mut args) {
            if opt_level.is_some() {
                return Err(usage("`--opt-level` is given twice".to_owned()));
            }
            match value.as_ref().and_then(|v| v.to_str()) {
                Some(level @ ("0" | "1" | "2" | "3")) => opt_level = level.parse().ok(),
                _ => return Err(usage("`--opt-level` needs 0, 1, 2 or 3".to_owned())),
            }
            continue;
        }
        if let Some(value) = option_value(text, "--codegen-units", &mut args) {
            if codegen_units.is_some() {
                return Err(usage("`--codegen-units` is given twice".to_owned()));
            }
            match whole_above_zero(value.as_ref()) {
                Some(n) => codegen_units = Some(n),
                None => {
                    return Err(usage(
                        "`--codegen-units` needs a whole number above 0".to_owned(),
                    ))
                }
            }
            continue;
        }
        if text.starts_with('-') {
            return Err(usage(format!("unknown option `{text}`")));
        }
        if let Some(first) = &target {
            return Err(usage(format!(
                "one target at a time: `{first}` and `{text}` were given"
            )));
        }
        if !crate::fuzz::TARGETS.contains(&text) {
            return Err(usage(format!(
                "unknown fuzz target `{text}`; the targets are {}",
                crate::fuzz::TARGETS.join(", ")
            )));
        }
        target = Some(text.to_owned());
    }
    Ok(Command::Fuzz(FuzzArgs {
        target,
        seconds: seconds.unwrap_or(crate::fuzz::DEFAULT_SECONDS),
        codegen_units,
        opt_level,
    }))
}

/// The value of the option `name` when `text` is it: `Some(Some(value))` for `name=value` or
/// `name value` (the value taken from `rest`), `Some(None)` when the value is missing, `None`
/// when `text` is another argument.
fn option_value(
    text: &str,
    name: &str,
    rest: &mut impl Iterator<Item = OsString>,
) -> Option<Option<OsString>> {
    if text == name {
        return Some(rest.next());
    }
    text.strip_prefix(name)
        .and_then(|tail| tail.strip_prefix('='))
        .map(|value| Some(OsString::from(value)))
}

/// `value` as a whole number above 0, if it is one.
fn whole_above_zero<T: std::str::FromStr + Default + PartialOrd>(
    value: Option<&OsString>,
) -> Option<T> {
    value
        .and_then(|v| v.to_str())
        .and_then(|v| v.parse::<T>().ok())
        .filter(|n| *n > T::default())
}

/// Parses a command that takes only paths: `None` when a help flag is among them.
fn parse_paths(args: Vec<OsString>, topic: HelpTopic) -> Result<Option<Vec<PathBuf>>, UsageError> {
    let mut paths = Vec::new();
    for arg in args {
        match arg.to_str() {
            Some("-h" | "--help") => return Ok(None),
            Some(flag) if flag.starts_with('-') => {
                return Err(UsageError::new(topic, format!("unknown option `{flag}`")))
            }
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    Ok(Some(paths))
}

/// Runs a parsed command. Stale files under `--check` give exit status 1 with the list on
/// standard error; other failures are returned as errors.
pub fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Help(topic) => {
            print!("{}", topic.text());
            Ok(ExitCode::SUCCESS)
        }
        Command::Codegen(args) => codegen(&args),
        Command::ProtocolTests(paths) => protocol_tests(paths),
        Command::EndpointTests(args) => endpoint_tests(args),
        Command::Fuzz(args) => crate::fuzz::run(&args),
    }
}

fn endpoint_tests(args: EndpointTestsArgs) -> Result<ExitCode> {
    let mut paths = args.paths;
    if paths.is_empty() {
        paths = crate::endpoints::default_paths()?;
    }
    let reports = match &args.partitions {
        Some(file) => {
            let partitions = crate::endpoints::read_partitions(file)?;
            crate::endpoints::run_with(&paths, &partitions)?
        }
        None => crate::endpoints::run(&paths)?,
    };
    for report in &reports {
        println!("{}", report.text());
    }
    let failed: usize = reports.iter().map(|r| r.failed()).sum();
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn protocol_tests(mut paths: Vec<PathBuf>) -> Result<ExitCode> {
    if paths.is_empty() {
        paths.push(crate::workspace_root().join(crate::protocol::DEFAULT_SUITES_DIR));
    }
    let reports = crate::protocol::run(&paths)?;
    for report in &reports {
        println!("{}", report.text());
    }
    let failed: usize = reports.iter().map(|r| r.failed()).sum();
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn codegen(args: &CodegenArgs) -> Result<ExitCode> {
    let (targets, command) = match &args.standalone {
        None => {
            let targets = crate::generate_workspace()?
                .into_iter()
                .map(|(dir, label, files)| (dir, label.to_owned(), files))
                .collect::<Vec<_>>();
            (targets, CODEGEN_COMMAND.to_owned())
        }
        Some(standalone) => {
            let generated = crate::generate_standalone(
                &standalone.model,
                &standalone.out,
                standalone.crate_name.as_deref(),
                standalone.operation_features,
            )?;
            for skipped in &generated.unsupported {
                eprintln!(
                    "warning: operation `{}` left out (not supported: {})",
                    skipped.operation, skipped.reason
                );
            }
            for unchecked in &generated.unchecked_patterns {
                eprintln!(
                    "warning: pattern of `{}` not checked ({}): {}",
                    unchecked.shape, unchecked.reason, unchecked.pattern
                );
            }
            let label = standalone.out.display().to_string();
            let label = label.trim_end_matches(['/', '\\']).to_owned();
            let target = (standalone.out.clone(), label, generated.files);
            (vec![target], standalone.command())
        }
    };
    if args.check {
        let mut code = ExitCode::SUCCESS;
        for (dir, label, files) in &targets {
            let stale = crate::diff(dir, files)?;
            match StaleError::check(label, stale, &command) {
                Ok(()) => println!("{label}/ is up to date ({} files)", files.len()),
                Err(err) => {
                    eprintln!("{err}");
                    code = ExitCode::FAILURE;
                }
            }
        }
        return Ok(code);
    }
    for (dir, label, files) in &targets {
        let report = crate::sync(dir, files)?;
        println!("{label}/: {report}");
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(args: &[&str]) -> Result<Command, UsageError> {
        parse(args.iter().map(OsString::from))
    }

    fn error_of(args: &[&str]) -> String {
        match parse_strs(args) {
            Ok(command) => format!("parsed: {command:?}"),
            Err(err) => err.message,
        }
    }

    #[test]
    fn codegen_without_flags_regenerates_the_workspace() {
        assert_eq!(
            parse_strs(&["codegen"]),
            Ok(Command::Codegen(CodegenArgs::default()))
        );
        assert_eq!(
            parse_strs(&["codegen", "--check"]),
            Ok(Command::Codegen(CodegenArgs {
                check: true,
                standalone: None
            }))
        );
    }

    #[test]
    fn model_and_out_make_a_standalone_crate() {
        let expected = Command::Codegen(CodegenArgs {
            check: true,
            standalone: Some(StandaloneArgs {
                model: PathBuf::from("m/service-2.json"),
                out: PathBuf::from("out dir"),
                crate_name: Some("my-crate".to_owned()),
                operation_features: false,
            }),
        });
        let spaced = [
            "codegen",
            "--model",
            "m/service-2.json",
            "--out",
            "out dir",
            "--crate-name",
            "my-crate",
            "--check",
        ];
        assert_eq!(parse_strs(&spaced).as_ref(), Ok(&expected));
        let inline = [
            "codegen",
            "--check",
            "--out=out dir",
            "--crate-name=my-crate",
            "--model=m/service-2.json",
        ];
        assert_eq!(parse_strs(&inline), Ok(expected));
    }

    #[test]
    fn operation_features_are_asked_for_a_standalone_crate() {
        let parsed = parse_strs(&[
            "codegen",
            "--model",
            "m/service-2.json",
            "--out",
            "out",
            "--operation-features",
        ]);
        let Ok(Command::Codegen(CodegenArgs {
            standalone: Some(standalone),
            ..
        })) = parsed
        else {
            panic!("not a standalone codegen command: {parsed:?}");
        };
        assert!(standalone.operation_features);
        assert_eq!(
            standalone.command(),
            "cargo xtask codegen --model m/service-2.json --out out --operation-features"
        );
        assert_eq!(
            error_of(&["codegen", "--operation-features"]),
            "`--operation-features` applies only with `--model` and `--out`; the workspace's services set it in SERVICES (xtask/src/lib.rs)"
        );
        assert_eq!(
            error_of(&["codegen", "--operation-features=yes"]),
            "`--operation-features` takes no value"
        );
        let twice = [
            "codegen",
            "--model=m",
            "--out=o",
            "--operation-features",
            "--operation-features",
        ];
        assert_eq!(error_of(&twice), "`--operation-features` is given twice");
    }

    /// The help says which model folder makes which crate; it must name every service of the
    /// table.
    #[test]
    fn codegen_help_names_every_service_folder() {
        for service in &crate::SERVICES {
            for folder in [service.model_dir, service.crate_dir] {
                assert!(CODEGEN_HELP.contains(&format!("{folder}/")), "{folder}");
            }
        }
    }

    #[test]
    fn help_is_available_for_both_levels() {
        for args in [&["--help"][..], &["-h"], &["help"]] {
            assert_eq!(parse_strs(args), Ok(Command::Help(HelpTopic::Main)));
        }
        for args in [
            &["codegen", "--help"][..],
            &["codegen", "--check", "-h"],
            &["help", "codegen"],
        ] {
            assert_eq!(parse_strs(args), Ok(Command::Help(HelpTopic::Codegen)));
        }
        for args in [
            &["protocol-tests", "--help"][..],
            &["protocol-tests", "a.json", "-h"],
            &["help", "protocol-tests"],
        ] {
            assert_eq!(
                parse_strs(args),
                Ok(Command::Help(HelpTopic::ProtocolTests))
            );
        }
    }

    #[test]
    fn protocol_tests_take_paths_and_no_flags() {
        assert_eq!(
            parse_strs(&["protocol-tests"]),
            Ok(Command::ProtocolTests(vec![]))
        );
        assert_eq!(
            parse_strs(&["protocol-tests", "suites/", "extra.json"]),
            Ok(Command::ProtocolTests(vec![
                PathBuf::from("suites/"),
                PathBuf::from("extra.json")
            ]))
        );
        assert!(error_of(&["protocol-tests", "--check"]).contains("unknown option `--check`"));
    }

    #[test]
    fn endpoint_tests_take_paths_partitions_and_a_help_flag() {
        assert_eq!(
            parse_strs(&["endpoint-tests"]),
            Ok(Command::EndpointTests(EndpointTestsArgs::default()))
        );
        let expected = Command::EndpointTests(EndpointTestsArgs {
            paths: vec![PathBuf::from("model"), PathBuf::from("a.smithy.json")],
            partitions: Some(PathBuf::from("p.json")),
        });
        for args in [
            &[
                "endpoint-tests",
                "model",
                "--partitions",
                "p.json",
                "a.smithy.json",
            ][..],
            &[
                "endpoint-tests",
                "--partitions=p.json",
                "model",
                "a.smithy.json",
            ],
        ] {
            assert_eq!(parse_strs(args).as_ref(), Ok(&expected));
        }
        assert_eq!(
            error_of(&["endpoint-tests", "--partitions"]),
            "`--partitions` needs a file"
        );
        assert_eq!(
            error_of(&["endpoint-tests", "--partitions=a", "--partitions", "b"]),
            "`--partitions` is given twice"
        );
        for args in [&["endpoint-tests", "-h"][..], &["help", "endpoint-tests"]] {
            assert_eq!(
                parse_strs(args),
                Ok(Command::Help(HelpTopic::EndpointTests))
            );
        }
        let err = parse_strs(&["endpoint-tests", "--all"]).expect_err("unknown option");
        assert_eq!(err.message, "unknown option `--all`");
        assert!(err
            .report()
            .ends_with("try `cargo xtask endpoint-tests --help`."));
    }

    #[test]
    fn fuzz_takes_an_optional_target_and_seconds() {
        assert_eq!(
            parse_strs(&["fuzz"]),
            Ok(Command::Fuzz(FuzzArgs {
                target: None,
                seconds: crate::fuzz::DEFAULT_SECONDS,
                codegen_units: None,
                opt_level: None,
            }))
        );
        let expected = Command::Fuzz(FuzzArgs {
            target: Some("router".to_owned()),
            seconds: 5,
            codegen_units: None,
            opt_level: None,
        });
        for args in [
            &["fuzz", "router", "--seconds", "5"][..],
            &["fuzz", "--seconds=5", "router"],
        ] {
            assert_eq!(parse_strs(args).as_ref(), Ok(&expected));
        }
        assert_eq!(
            parse_strs(&["fuzz", "--seconds", "60"]),
            Ok(Command::Fuzz(FuzzArgs {
                target: None,
                seconds: 60,
                codegen_units: None,
                opt_level: None,
            }))
        );
        for args in [
            &["fuzz", "--codegen-units", "16", "--seconds", "5"][..],
            &["fuzz", "--seconds=5", "--codegen-units=16"],
        ] {
            assert_eq!(
                parse_strs(args),
                Ok(Command::Fuzz(FuzzArgs {
                    target: None,
                    seconds: 5,
                    codegen_units: Some(16),
                    opt_level: None,
                }))
            );
        }
        for target in crate::fuzz::TARGETS {
            assert!(
                matches!(parse_strs(&["fuzz", target]), Ok(Command::Fuzz(a)) if a.target.as_deref() == Some(target)),
                "{target}"
            );
        }
        for args in [
            &["fuzz", "-h"][..],
            &["fuzz", "model", "--help"],
            &["help", "fuzz"],
        ] {
            assert_eq!(parse_strs(args), Ok(Command::Help(HelpTopic::Fuzz)));
        }
    }

    #[test]
    fn fuzz_misuse_is_a_usage_error() {
        assert_eq!(
            error_of(&["fuzz", "parser"]),
            "unknown fuzz target `parser`; the targets are router, response, model, endpoint, sigv4_verify, login, jwks"
        );
        assert_eq!(
            error_of(&["fuzz", "router", "model"]),
            "one target at a time: `router` and `model` were given"
        );
        for args in [
            &["fuzz", "--seconds"][..],
            &["fuzz", "--seconds", "0"],
            &["fuzz", "--seconds=-3"],
            &["fuzz", "--seconds", "ten"],
        ] {
            assert_eq!(
                error_of(args),
                "`--seconds` needs a whole number of seconds above 0",
                "{args:?}"
            );
        }
        assert_eq!(
            error_of(&["fuzz", "--seconds", "1", "--seconds=2"]),
            "`--seconds` is given twice"
        );
        for args in [
            &["fuzz", "--codegen-units"][..],
            &["fuzz", "--codegen-units", "0"],
            &["fuzz", "--codegen-units=many"],
        ] {
            assert_eq!(
                error_of(args),
                "`--codegen-units` needs a whole number above 0",
                "{args:?}"
            );
        }
        assert_eq!(
            error_of(&["fuzz", "--codegen-units=4", "--codegen-units", "8"]),
            "`--codegen-units` is given twice"
        );
        for args in [
            &["fuzz", "--opt-level"][..],
            &["fuzz", "--opt-level", "4"],
            &["fuzz", "--opt-level=s"],
        ] {
            assert_eq!(
                error_of(args),
                "`--opt-level` needs 0, 1, 2 or 3",
                "{args:?}"
            );
        }
        assert_eq!(
            error_of(&["fuzz", "--opt-level=1", "--opt-level", "2"]),
            "`--opt-level` is given twice"
        );
        assert_eq!(
            parse_strs(&["fuzz", "--opt-level", "1", "--codegen-units=16"]),
            Ok(Command::Fuzz(FuzzArgs {
                target: None,
                seconds: crate::fuzz::DEFAULT_SECONDS,
                codegen_units: Some(16),
                opt_level: Some(1),
            }))
        );
        assert_eq!(
            error_of(&["fuzz", "--runs", "5"]),
            "unknown option `--runs`"
        );
        let err = parse_strs(&["fuzz", "x"]).expect_err("unknown target");
        assert!(err.report().ends_with("try `cargo xtask fuzz --help`."));
    }

    #[test]
    fn misuse_is_a_usage_error_with_a_clear_message() {
        assert_eq!(error_of(&[]), "no command given");
        assert_eq!(error_of(&["build"]), "unknown command `build`");
        assert_eq!(error_of(&["help", "build"]), "unknown command `build`");
        assert_eq!(error_of(&["codegen", "--force"]), "unknown flag `--force`");
        assert_eq!(error_of(&["codegen", "-x"]), "unknown flag `-x`");
        assert_eq!(
            error_of(&["codegen", "extra"]),
            "unexpected argument `extra`"
        );
        assert_eq!(error_of(&["codegen", "--model"]), "`--model` needs a value");
        assert_eq!(
            error_of(&["codegen", "--model", "--check"]),
            "`--model` needs a value"
        );
        assert_eq!(error_of(&["codegen", "--out="]), "`--out` needs a value");
        assert_eq!(
            error_of(&["codegen", "--check=yes"]),
            "`--check` takes no value"
        );
        assert_eq!(
            error_of(&["codegen", "--check", "--check"]),
            "`--check` is given twice"
        );
        assert_eq!(
            error_of(&["codegen", "--model", "a", "--model", "b"]),
            "`--model` is given twice"
        );
        assert_eq!(
            error_of(&["codegen", "--model", "a"]),
            "`--model` needs `--out DIR`"
        );
        assert_eq!(
            error_of(&["codegen", "--out", "a"]),
            "`--out` needs `--model PATH`"
        );
        assert_eq!(
            error_of(&["codegen", "--crate-name", "x"]),
            "`--crate-name` applies only with `--model` and `--out`"
        );
    }

    #[test]
    fn usage_report_points_to_the_relevant_help() {
        let err = parse_strs(&["codegen", "--force"]).expect_err("unknown flag");
        let report = err.report();
        assert!(report.starts_with("error: unknown flag `--force`\n\nUsage: cargo xtask codegen"));
        assert!(report.ends_with("try `cargo xtask codegen --help`."));
    }

    #[test]
    fn standalone_hint_repeats_the_command_line() {
        let args = StandaloneArgs {
            model: PathBuf::from("m.json"),
            out: PathBuf::from("out"),
            crate_name: Some("x".to_owned()),
            operation_features: false,
        };
        assert_eq!(
            args.command(),
            "cargo xtask codegen --model m.json --out out --crate-name x"
        );
    }
}
