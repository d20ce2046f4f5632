//! An AWS SDK for Rust client driven by Cognito identity-pool credentials: the provider from
//! `cognito-identity-credentials` (feature `aws-sdk`) is the STS client's credentials
//! provider, and STS `GetCallerIdentity` says whose credentials they are. Any other SDK
//! client (S3, DynamoDB...) takes the provider the same way.
//!
//! ```text
//! cargo run -p examples --features aws-sdk --example drive_sdk -- \
//!     --pool-id us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b \
//!     --login accounts.google.com=<ID token>
//! ```
//!
//! `--endpoint-url` points the Cognito calls elsewhere; `--sts-endpoint-url` does the same
//! for STS.

use std::process::ExitCode;

use aws_sdk_sts::config::{BehaviorVersion, Region};
use cognito_identity::runtime::ConfigBuilder;
use cognito_identity::{Client, Config};
use cognito_identity_credentials::CognitoCredentialsProvider;
use examples::{Args, ArgsError, USAGE_OPTIONS};

fn main() -> ExitCode {
    // `--sts-endpoint-url` is this example's own; the rest are shared.
    let mut sts_endpoint_url = None;
    let mut rest = Vec::new();
    let mut raw = std::env::args().skip(1);
    while let Some(arg) = raw.next() {
        match arg.strip_prefix("--sts-endpoint-url") {
            Some("") => sts_endpoint_url = raw.next(),
            Some(value) if value.starts_with('=') => sts_endpoint_url = Some(value[1..].to_owned()),
            _ => rest.push(arg),
        }
    }
    let args = match Args::parse(rest) {
        Ok(args) => args,
        Err(ArgsError::Help) => {
            println!(
                "usage: drive_sdk --pool-id ID [options]\n\n{USAGE_OPTIONS}\n  \
                 --sts-endpoint-url URL    send the STS call here"
            );
            return ExitCode::SUCCESS;
        }
        Err(ArgsError::Invalid(reason)) => {
            eprintln!("drive_sdk: {reason} (see --help)");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("drive_sdk: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args, sts_endpoint_url)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("drive_sdk: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args, sts_endpoint_url: Option<String>) -> Result<(), String> {
    let region = args.region_or(Config::from_env().region());
    let mut config = ConfigBuilder::from_env().region(region.clone());
    if let Some(url) = &args.endpoint_url {
        config = config.endpoint_url(url);
    }
    let cognito = Client::new(config.build());

    let mut provider = CognitoCredentialsProvider::builder(cognito, args.pool_id.clone())
        .logins(args.logins.clone());
    if let Some(account) = &args.account_id {
        provider = provider.account_id(account);
    }
    if let Some(arn) = &args.custom_role_arn {
        provider = provider.custom_role_arn(arn);
    }
    let provider = provider.build();

    // The SDK takes the provider like any of its own; the clone shares the identity and
    // the cache, so the identity id can be read back below.
    let mut sts_config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .credentials_provider(provider.clone());
    if let Some(url) = sts_endpoint_url {
        sts_config = sts_config.endpoint_url(url);
    }
    let sts = aws_sdk_sts::Client::from_conf(sts_config.build());

    let caller = sts.get_caller_identity().send().await.map_err(|e| {
        format!(
            "STS GetCallerIdentity: {}",
            aws_sdk_sts::error::DisplayErrorContext(&e)
        )
    })?;
    let identity = provider
        .cached_identity_id()
        .unwrap_or_else(|| "(unknown)".to_owned());
    println!("cognito identity: {identity}");
    println!("account:          {}", caller.account().unwrap_or("(none)"));
    println!("caller ARN:       {}", caller.arn().unwrap_or("(none)"));
    Ok(())
}
