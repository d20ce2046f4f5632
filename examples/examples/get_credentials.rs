//! AWS credentials for an identity of a Cognito identity pool, the way an app gets them:
//! `GetId` with the user's logins, then `GetCredentialsForIdentity` with the same logins.
//! Prints the identity id and the credentials with their secrets redacted.
//!
//! ```text
//! cargo run -p examples --example get_credentials -- \
//!     --pool-id us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b \
//!     --login accounts.google.com=<ID token>
//! ```
//!
//! Both calls are unsigned, so no AWS credentials are needed to run it. Against a local
//! server, add `--endpoint-url http://127.0.0.1:5000`.

use std::process::ExitCode;

use cognito_identity::error::{GetCredentialsForIdentityError, GetIdError};
use cognito_identity::runtime::ConfigBuilder;
use cognito_identity::types::{GetCredentialsForIdentityInput, GetIdInput};
use cognito_identity::{Client, Config};
use examples::{redact, Args, ArgsError, USAGE_OPTIONS};

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(ArgsError::Help) => {
            println!("usage: get_credentials --pool-id ID [options]\n\n{USAGE_OPTIONS}");
            return ExitCode::SUCCESS;
        }
        Err(ArgsError::Invalid(reason)) => {
            eprintln!("get_credentials: {reason} (see --help)");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("get_credentials: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("get_credentials: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    // The environment and ~/.aws/config give the region and endpoint when the command line
    // does not.
    let region = args.region_or(Config::from_env().region());
    let mut config = ConfigBuilder::from_env().region(region);
    if let Some(url) = &args.endpoint_url {
        config = config.endpoint_url(url);
    }
    let client = Client::new(config.build());
    let logins = Some(args.logins.clone()).filter(|l| !l.is_empty());

    let mut get_id = GetIdInput::new(args.pool_id.clone());
    get_id.account_id = args.account_id.clone();
    get_id.logins = logins.clone();
    let identity_id = match client.get_id(get_id).await {
        Ok(output) => output
            .identity_id
            .ok_or("GetId answered without an IdentityId")?,
        Err(GetIdError::NotAuthorizedException(e)) => {
            return Err(format!(
                "GetId: not authorized ({}): check the logins, or that the pool allows \
                 unauthenticated identities",
                e.message.unwrap_or_default()
            ))
        }
        Err(e) => return Err(format!("GetId: {e}")),
    };
    println!("identity id:    {identity_id}");

    // The same logins again: the credentials are for the identity those logins prove.
    let mut get_credentials = GetCredentialsForIdentityInput::new(identity_id);
    get_credentials.logins = logins;
    get_credentials.custom_role_arn = args.custom_role_arn.clone();
    let output = match client.get_credentials_for_identity(get_credentials).await {
        Ok(output) => output,
        Err(GetCredentialsForIdentityError::NotAuthorizedException(e)) => {
            return Err(format!(
                "GetCredentialsForIdentity: not authorized ({})",
                e.message.unwrap_or_default()
            ))
        }
        Err(e) => return Err(format!("GetCredentialsForIdentity: {e}")),
    };
    let credentials = output
        .credentials
        .ok_or("GetCredentialsForIdentity answered without Credentials")?;
    let show = |value: Option<String>| value.as_deref().map_or("(none)".to_owned(), redact);
    println!(
        "access key id:  {}",
        credentials.access_key_id.as_deref().unwrap_or("(none)")
    );
    println!("secret key:     {}", show(credentials.secret_key));
    println!("session token:  {}", show(credentials.session_token));
    let expiration = match credentials.expiration {
        Some(at) => at.to_rfc3339().unwrap_or_else(|_| at.to_string()),
        None => "(none)".to_owned(),
    };
    println!("expiration:     {expiration}");
    Ok(())
}
