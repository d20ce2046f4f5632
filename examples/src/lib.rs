//! Programs a user can copy, in `examples/`; this library only holds what they share: reading
//! the command line.
//!
//! - `get_credentials`: `GetId`, then `GetCredentialsForIdentity` with the logins, printing
//!   the identity id and the credentials with their secrets redacted.
//! - `drive_sdk` (feature `aws-sdk`): the Cognito credentials provider as the credentials of
//!   an AWS SDK for Rust client (STS `GetCallerIdentity`).
//! - `user_pool_sign_in` (feature `user-pools`): against the local Cognito, sign up, confirm,
//!   sign in with SRP, credentials for that user, refresh, sign out. It reads its own options.

use cognito_identity_credentials::Logins;

/// What both examples read from the command line.
#[derive(Debug, Default)]
pub struct Args {
    /// `--pool-id`: the identity pool, `<region>:<uuid>`.
    pub pool_id: String,
    /// `--login PROVIDER=TOKEN`, repeatable.
    pub logins: Logins,
    /// `--region`; without it, the environment's, else the pool id's.
    pub region: Option<String>,
    /// `--endpoint-url`: a Cognito Identity endpoint other than AWS's (a local emulator).
    pub endpoint_url: Option<String>,
    /// `--account-id`: the AWS account that owns the pool.
    pub account_id: Option<String>,
    /// `--custom-role-arn`: the role to assume among those the pool allows.
    pub custom_role_arn: Option<String>,
}

/// The options both examples take, for their `--help`.
pub const USAGE_OPTIONS: &str = "\
  --pool-id ID              the identity pool, e.g. us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b
  --login PROVIDER=TOKEN    a login, e.g. accounts.google.com=<ID token>; repeatable;
                            none for an unauthenticated identity
  --region REGION           default: AWS_REGION, AWS_DEFAULT_REGION or the profile's, else the
                            pool id's
  --endpoint-url URL        send Cognito Identity calls here (default: AWS's endpoint,
                            or AWS_ENDPOINT_URL_COGNITO_IDENTITY / AWS_ENDPOINT_URL)
  --account-id ID           the AWS account that owns the pool
  --custom-role-arn ARN     the role to assume among those the pool's rules allow
  -h, --help                this text";

/// Why the command line was not understood, or `Help` when help was asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum ArgsError {
    /// `-h` or `--help`.
    Help,
    /// Anything else, with the reason.
    Invalid(String),
}

impl Args {
    /// Reads `args` (without the program name).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, ArgsError> {
        let mut parsed = Args::default();
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            if flag == "-h" || flag == "--help" {
                return Err(ArgsError::Help);
            }
            // Both `--flag value` and `--flag=value`.
            let (name, inline) = match flag.split_once('=') {
                Some((name, value)) if name.starts_with("--") => {
                    (name.to_owned(), Some(value.to_owned()))
                }
                _ => (flag.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| ArgsError::Invalid(format!("{name} needs a value")))
            };
            match name.as_str() {
                "--pool-id" => parsed.pool_id = value()?,
                "--region" => parsed.region = Some(value()?),
                "--endpoint-url" => parsed.endpoint_url = Some(value()?),
                "--account-id" => parsed.account_id = Some(value()?),
                "--custom-role-arn" => parsed.custom_role_arn = Some(value()?),
                "--login" => {
                    let login = value()?;
                    // The value is not echoed back: it may be a token.
                    let Some((provider, token)) = login.split_once('=') else {
                        return Err(ArgsError::Invalid(
                            "--login takes PROVIDER=TOKEN and this one has no `=`".to_owned(),
                        ));
                    };
                    parsed.logins.insert(provider.to_owned(), token.to_owned());
                }
                other => return Err(ArgsError::Invalid(format!("unknown option `{other}`"))),
            }
        }
        if parsed.pool_id.is_empty() {
            return Err(ArgsError::Invalid("--pool-id is required".to_owned()));
        }
        Ok(parsed)
    }

    /// The region to use: `--region`, else `configured` (from the environment or profile),
    /// else the one the pool id starts with.
    pub fn region_or(&self, configured: Option<&str>) -> String {
        self.region
            .clone()
            .or_else(|| configured.map(str::to_owned))
            .unwrap_or_else(|| {
                let prefix = self.pool_id.split(':').next().unwrap_or_default();
                prefix.to_owned()
            })
    }
}

/// `text` hidden but for its length, for printing secrets.
pub fn redact(text: &str) -> String {
    format!("** redacted ({} characters) **", text.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, ArgsError> {
        Args::parse(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn reads_every_option_in_both_spellings() {
        let args = parse(&[
            "--pool-id",
            "eu-west-1:1234",
            "--login",
            "accounts.google.com=a.b.c=",
            "--login=graph.facebook.com=xyz",
            "--endpoint-url=http://127.0.0.1:5000",
            "--account-id",
            "123456789012",
        ])
        .unwrap();
        assert_eq!(args.pool_id, "eu-west-1:1234");
        assert_eq!(args.logins["accounts.google.com"], "a.b.c=");
        assert_eq!(args.logins["graph.facebook.com"], "xyz");
        assert_eq!(args.endpoint_url.as_deref(), Some("http://127.0.0.1:5000"));
        assert_eq!(args.account_id.as_deref(), Some("123456789012"));
        assert_eq!(args.region_or(None), "eu-west-1");
        assert_eq!(args.region_or(Some("us-west-2")), "us-west-2");
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(
            parse(&["--login", "no-equals-sign"]).unwrap_err(),
            ArgsError::Invalid("--login takes PROVIDER=TOKEN and this one has no `=`".to_owned())
        );
        assert_eq!(
            parse(&[]).unwrap_err(),
            ArgsError::Invalid("--pool-id is required".to_owned())
        );
        assert_eq!(
            parse(&["--region"]).unwrap_err(),
            ArgsError::Invalid("--region needs a value".to_owned())
        );
        assert_eq!(
            parse(&["--bogus"]).unwrap_err(),
            ArgsError::Invalid("unknown option `--bogus`".to_owned())
        );
        assert_eq!(parse(&["-h"]).unwrap_err(), ArgsError::Help);
    }

    #[test]
    fn redaction_keeps_only_the_length() {
        assert_eq!(redact("abcdefgh"), "** redacted (8 characters) **");
    }
}
