//! The command line, parsed by hand: a dozen flags do not need a parser crate.

use std::path::PathBuf;

use crate::log::Level;
use crate::Options;

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Serve with these options.
    Serve(Options),
    /// Print the help text.
    Help,
}

/// The help text.
pub const HELP: &str = "\
cognito-identity-local: a local Amazon Cognito Identity (all 23 operations)

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
    --clock-offset SECONDS        Run the emulator's clock this far ahead of the machine's
                                  (negative: behind), for testing clients against a
                                  skewed server [default: 0]
    -h, --help                    Print this help

The first line on standard output is the URL served (http://127.0.0.1:PORT); one log line
per request goes to standard error. The OpenID signing keys are served as a JWKS document at
/.well-known/jwks.json. SIGINT or SIGTERM stops the server after requests in flight.
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
            "--clock-offset" => {
                let v = value("--clock-offset")?;
                options.clock_offset_secs = v.parse().map_err(|_| {
                    format!("--clock-offset: `{v}` is not a whole number of seconds")
                })?;
            }
            other => return Err(format!("unknown argument `{other}` (see --help)")),
        }
    }
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
    Ok(Command::Serve(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(args: &[&str]) -> Options {
        match parse(args.iter().map(|s| s.to_string()), None) {
            Ok(Command::Serve(o)) => o,
            other => panic!("{other:?}"),
        }
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
