//! The command line, parsed by hand (a dozen flags do not need a parser crate), and the
//! JSON configuration file `--config` names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::log::Level;
use crate::Options;

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Serve with these options (boxed: they are far larger than the other variant).
    Serve(Box<Options>),
    /// Print the help text.
    Help,
}

/// The help text.
pub const HELP: &str = "\
cognito-identity-local: a local Amazon Cognito (identity pools, all 23 operations, and
user pools: sign-up, sign-in, tokens, groups) on one port

USAGE:
    cognito-identity-local [OPTIONS]

OPTIONS:
    --port N                      Port to listen on; 0 picks a free one [default: 8229]
    --host ADDR                   Address to listen on [default: 127.0.0.1]
    --data-dir DIR                Keep state in DIR/cognito-identity.db (survives restarts)
    --in-memory                   Keep state in memory only [the default without --data-dir]
    --region REGION               Region in identity ids and ARNs [default: us-east-1]
    --account-id ID               Account in ARNs [default: 123456789012]
    --issuer URL                  `iss` of issued OpenID tokens [default: the server's URL]
    --log-level LEVEL             off, error, warn, info or debug [default: info,
                                  or $COGNITO_LOCAL_LOG]
    --verify-signatures AKID:SECRET
                                  Require SigV4 signatures made with this key pair on
                                  signed operations (off by default)
    --trust PROVIDER=JWKS         Verify the signatures of PROVIDER's tokens (a Logins
                                  key such as accounts.google.com) against the JWKS
                                  document at JWKS: an http(s) URL or a file. Repeatable.
                                  Other providers' JWTs are checked by their claims only
    --config FILE                 Read settings from a JSON file: {\"trust\": {PROVIDER:
                                  JWKS, ...}, \"seed\": {\"UserPools\": [...]}}; relative
                                  files are read from FILE's folder, and flags given on the
                                  command line win. The seed's pools, clients, users and
                                  groups are created at start (see the README)
    --issuer-base URL             Issue user-pool tokens with `iss` URL/<poolId> instead of
                                  https://cognito-idp.<region>.amazonaws.com/<poolId>
    --fixed-code CODE             Use CODE for every confirmation and password-reset code
                                  instead of random ones (codes are logged and served at
                                  GET /_local/codes?pool=ID&username=NAME either way)
    --clock-offset SECONDS        Run the emulator's clock this far ahead of the machine's
                                  (negative: behind), for testing clients against a
                                  skewed server [default: 0]
    -h, --help                    Print this help

The first line on standard output is the URL served (http://127.0.0.1:PORT); one log line
per request goes to standard error. The OpenID signing keys are served as a JWKS document at
/.well-known/jwks.json, each user pool's at /<poolId>/.well-known/jwks.json. POST
/_local/reset forgets all state. SIGINT or SIGTERM stops the server after requests in flight.
";

/// The port used when none is given.
pub const DEFAULT_PORT: u16 = 8229;

/// Parses the arguments (without the program name); `env_level` is `$COGNITO_LOCAL_LOG`.
pub fn parse(
    args: impl IntoIterator<Item = String>,
    env_level: Option<String>,
) -> Result<Command, String> {
    let mut options = Options {
        port: DEFAULT_PORT,
        ..Options::default()
    };
    if let Some(level) = env_level.filter(|l| !l.is_empty()) {
        options.log_level = level
            .parse::<Level>()
            .map_err(|e| format!("COGNITO_LOCAL_LOG: {e}"))?;
    }
    let mut in_memory = false;
    let mut trust: BTreeMap<String, String> = BTreeMap::new();
    let mut config: Option<PathBuf> = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // Both `--flag value` and `--flag=value` are accepted.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--port" => {
                let v = value("--port")?;
                options.port = v
                    .parse()
                    .map_err(|_| format!("--port: `{v}` is not a port number (0-65535)"))?;
            }
            "--host" => options.host = value("--host")?,
            "--data-dir" => options.data_dir = Some(PathBuf::from(value("--data-dir")?)),
            "--in-memory" => in_memory = true,
            "--region" => options.region = value("--region")?,
            "--account-id" => {
                let v = value("--account-id")?;
                if v.len() != 12 || !v.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!("--account-id: `{v}` is not a 12-digit account id"));
                }
                options.account_id = v;
            }
            "--issuer" => options.issuer = Some(value("--issuer")?),
            "--log-level" => {
                options.log_level = value("--log-level")?
                    .parse()
                    .map_err(|e| format!("--log-level: {e}"))?
            }
            "--verify-signatures" => {
                let v = value("--verify-signatures")?;
                match v.split_once(':') {
                    Some((akid, secret)) if !akid.is_empty() && !secret.is_empty() => {
                        options.verify_signatures = Some((akid.to_owned(), secret.to_owned()))
                    }
                    _ => {
                        return Err(
                            "--verify-signatures takes ACCESS_KEY_ID:SECRET_ACCESS_KEY".to_owned()
                        )
                    }
                }
            }
            "--trust" => {
                let v = value("--trust")?;
                let (provider, source) = trust_entry(&v).map_err(|e| format!("--trust: {e}"))?;
                trust.insert(provider, source);
            }
            "--config" => config = Some(PathBuf::from(value("--config")?)),
            "--issuer-base" => {
                let v = value("--issuer-base")?;
                if !is_url(&v) {
                    return Err(format!("--issuer-base: `{v}` is not an http(s) URL"));
                }
                options.issuer_base = Some(v);
            }
            "--fixed-code" => {
                let v = value("--fixed-code")?;
                if v.is_empty() || v.len() > 2048 || v.chars().any(char::is_whitespace) {
                    return Err(format!("--fixed-code: `{v}` is not a usable code"));
                }
                options.fixed_code = Some(v);
            }
            "--clock-offset" => {
                let v = value("--clock-offset")?;
                options.clock_offset_secs = v.parse().map_err(|_| {
                    format!("--clock-offset: `{v}` is not a whole number of seconds")
                })?;
            }
            other => return Err(format!("unknown argument `{other}` (see --help)")),
        }
    }
    if let Some(path) = config {
        let from_file = read_config(&path)?;
        for (provider, source) in from_file.trust {
            // The command line wins over the file.
            trust.entry(provider).or_insert(source);
        }
        options.seed = from_file.seed;
    }
    options.trust = trust.into_iter().collect();
    if in_memory && options.data_dir.is_some() {
        return Err("--in-memory and --data-dir exclude each other".to_owned());
    }
    if options.region.is_empty()
        || !options
            .region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(format!(
            "--region: `{}` is not a region name",
            options.region
        ));
    }
    Ok(Command::Serve(Box::new(options)))
}

/// `PROVIDER=JWKS`, split at the first `=` (a URL may have more).
fn trust_entry(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((provider, source)) if !provider.trim().is_empty() && !source.trim().is_empty() => {
            Ok((provider.trim().to_owned(), source.trim().to_owned()))
        }
        _ => Err(format!(
            "`{text}` is not PROVIDER=JWKS (a provider name, `=`, then a JWKS URL or file)"
        )),
    }
}

/// What the configuration file holds.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Provider name to JWKS source, files made absolute against the file's folder.
    pub trust: BTreeMap<String, String>,
    /// User pools and what is in them, created at start.
    pub seed: Option<serde_json::Value>,
}

/// Reads the configuration file at `path`.
pub fn read_config(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("--config: cannot read {}: {e}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new(""));
    parse_config(&text, base).map_err(|e| format!("--config {}: {e}", path.display()))
}

/// Reads a configuration document; relative JWKS files are taken from `base`.
pub fn parse_config(text: &str, base: &Path) -> Result<Config, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let serde_json::Value::Object(top) = value else {
        return Err("the document must be a JSON object".to_owned());
    };
    let mut config = Config::default();
    for (key, value) in top {
        match key.as_str() {
            "trust" => {
                let serde_json::Value::Object(entries) = value else {
                    return Err("`trust` must be an object of PROVIDER: JWKS".to_owned());
                };
                for (provider, source) in entries {
                    let Some(source) = source.as_str().filter(|s| !s.trim().is_empty()) else {
                        return Err(format!(
                            "`trust.{provider}` must be a JWKS URL or file name"
                        ));
                    };
                    let source = if is_url(source) || Path::new(source).is_absolute() {
                        source.to_owned()
                    } else {
                        base.join(source).display().to_string()
                    };
                    config.trust.insert(provider, source);
                }
            }
            "seed" => {
                if !value.is_object() {
                    return Err("`seed` must be an object: {\"UserPools\": [...]}".to_owned());
                }
                config.seed = Some(value);
            }
            other => {
                return Err(format!(
                    "unknown setting `{other}` (the settings are: trust, seed)"
                ))
            }
        }
    }
    Ok(config)
}

fn is_url(source: &str) -> bool {
    source.starts_with("http://") || source.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(args: &[&str]) -> Options {
        match parse(args.iter().map(|s| s.to_string()), None) {
            Ok(Command::Serve(o)) => *o,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn user_pool_flags_and_the_seed_are_read() {
        let o = serve(&[
            "--issuer-base",
            "http://localhost:9229",
            "--fixed-code=123456",
        ]);
        assert_eq!(o.issuer_base.as_deref(), Some("http://localhost:9229"));
        assert_eq!(o.fixed_code.as_deref(), Some("123456"));
        assert!(parse(["--issuer-base".to_owned(), "localhost".to_owned()], None).is_err());
        let config = parse_config(r#"{"seed": {"UserPools": []}}"#, Path::new("")).unwrap();
        assert_eq!(config.seed, Some(serde_json::json!({"UserPools": []})));
        assert!(parse_config(r#"{"seed": []}"#, Path::new("")).is_err());
    }

    #[test]
    fn flags_take_values_both_ways() {
        let o = serve(&["--port", "0", "--data-dir=/tmp/x", "--region", "eu-west-1"]);
        assert_eq!(o.port, 0);
        assert_eq!(o.data_dir, Some(PathBuf::from("/tmp/x")));
        assert_eq!(o.region, "eu-west-1");
        assert_eq!(serve(&[]).port, DEFAULT_PORT);
        assert_eq!(serve(&["--clock-offset", "-3600"]).clock_offset_secs, -3600);
        assert_eq!(
            serve(&["--verify-signatures", "AKID:se:cret"]).verify_signatures,
            Some(("AKID".into(), "se:cret".into()))
        );
    }

    #[test]
    fn trusted_providers_come_from_flags_and_the_file() {
        let dir = std::env::temp_dir().join(format!("cil-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("emulator.json");
        std::fs::write(
            &file,
            r#"{"trust": {"accounts.google.com": "https://example.com/certs?x=1", "corp": "keys/corp.json"}}"#,
        )
        .unwrap();
        let o = serve(&[
            "--config",
            file.to_str().unwrap(),
            "--trust",
            "corp=https://corp.example/jwks.json",
            "--trust=id.example.com=/etc/jwks.json",
        ]);
        assert_eq!(
            o.trust,
            vec![
                (
                    "accounts.google.com".to_owned(),
                    "https://example.com/certs?x=1".to_owned()
                ),
                (
                    "corp".to_owned(),
                    "https://corp.example/jwks.json".to_owned()
                ),
                ("id.example.com".to_owned(), "/etc/jwks.json".to_owned()),
            ]
        );
        let only_file = serve(&["--config", file.to_str().unwrap()]);
        assert_eq!(
            only_file.trust.get(1).map(|(_, s)| PathBuf::from(s)),
            Some(dir.join("keys/corp.json"))
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_configuration_is_named() {
        let base = Path::new("/");
        assert!(parse_config("[]", base)
            .unwrap_err()
            .contains("JSON object"));
        assert!(parse_config("{", base).unwrap_err().contains("not JSON"));
        assert!(parse_config(r#"{"trusts": {}}"#, base)
            .unwrap_err()
            .contains("unknown setting `trusts`"));
        assert!(parse_config(r#"{"trust": {"a": 1}}"#, base)
            .unwrap_err()
            .contains("trust.a"));
        let err = |args: &[&str]| parse(args.iter().map(|s| s.to_string()), None).unwrap_err();
        assert!(err(&["--trust", "nokeys"]).contains("PROVIDER=JWKS"));
        assert!(err(&["--trust", "=x"]).contains("PROVIDER=JWKS"));
        assert!(err(&["--config", "/nonexistent/emulator.json"]).contains("cannot read"));
    }

    #[test]
    fn mistakes_are_named() {
        let err = |args: &[&str]| parse(args.iter().map(|s| s.to_string()), None).unwrap_err();
        assert!(err(&["--port", "http"]).contains("--port"));
        assert!(err(&["--port"]).contains("needs a value"));
        assert!(err(&["--bogus"]).contains("--bogus"));
        assert!(err(&["--in-memory", "--data-dir", "d"]).contains("exclude"));
        assert!(err(&["--account-id", "12"]).contains("12-digit"));
        assert!(err(&["--clock-offset", "1h"]).contains("whole number"));
    }

    #[test]
    fn the_environment_sets_the_level_and_flags_win() {
        let parsed = parse(
            ["--log-level".to_owned(), "debug".to_owned()],
            Some("warn".into()),
        );
        assert!(matches!(parsed, Ok(Command::Serve(o)) if o.log_level == Level::Debug));
        let parsed = parse(Vec::new(), Some("warn".into()));
        assert!(matches!(parsed, Ok(Command::Serve(o)) if o.log_level == Level::Warn));
        assert!(matches!(parse(["-h".to_owned()], None), Ok(Command::Help)));
    }
}
