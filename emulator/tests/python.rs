//! boto3, the AWS CLI, PyJWT and pycognito against the emulator, from a virtualenv under
//! `target/` that the test makes on first use. Where Python or the packages cannot be had, the
//! test fails and says so.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use cognito_identity_local::{start, Level, Options};

fn run(program: &Path, args: &[&str], home: &Path) -> Output {
    command(program, args, home)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
}

/// `program` with `args`, in an environment free of the user's own AWS settings.
fn command(program: &Path, args: &[&str], home: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        // Keep the user's own AWS configuration and credentials out of the test.
        .env("AWS_CONFIG_FILE", home.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        )
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_PAGER", "")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_and_the_aws_cli_work_against_the_emulator() {
    let venv = tokio::task::spawn_blocking(support::venv)
        .await
        .expect("setting up the Python virtualenv");
    let running = start(
        Options {
            log_level: Level::Off,
            ..Options::default()
        },
        false,
    )
    .await
    .expect("the emulator starts");
    let url = running.url().to_owned();
    let home_dir = support::scratch_dir("aws-home");
    let home = home_dir.to_path_buf();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/boto3_flow.py");

    let (python, aws) = (venv.python.clone(), venv.aws.clone());
    let (url2, home2) = (url.clone(), home.clone());
    let flow = tokio::task::spawn_blocking(move || {
        run(
            &python,
            &[script.to_str().unwrap_or_default(), &url2],
            &home2,
        )
    })
    .await
    .expect("the boto3 flow");
    assert!(
        flow.status.success(),
        "the boto3 flow failed:\n{}\n{}",
        text(&flow.stdout),
        text(&flow.stderr)
    );
    assert!(text(&flow.stdout).contains("23 operations called, all checks passed"));

    // The AWS CLI, as a user types it.
    let cli = move |args: Vec<String>| {
        let aws = aws.clone();
        let home = home.clone();
        let url = url.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                let mut full: Vec<&str> = vec!["cognito-identity"];
                full.extend(args.iter().map(String::as_str));
                full.extend(["--endpoint-url", &url, "--output", "json"]);
                run(&aws, &full, &home)
            })
            .await
            .expect("the aws command")
        }
    };
    let args = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    let out = cli(args(
        "create-identity-pool --identity-pool-name cli-pool --allow-unauthenticated-identities",
    ))
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pool: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON from the CLI");
    let pool_id = pool["IdentityPoolId"]
        .as_str()
        .expect("a pool id")
        .to_owned();
    assert_eq!(pool["IdentityPoolName"], "cli-pool");
    assert_eq!(pool["AllowUnauthenticatedIdentities"], true);

    let out = cli(args(&format!("get-id --identity-pool-id {pool_id}"))).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let id: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let identity = id["IdentityId"]
        .as_str()
        .expect("an identity id")
        .to_owned();

    let out = cli(args(&format!("describe-identity --identity-id {identity}"))).await;
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The CLI pages through ListIdentityPools by itself with NextToken.
    let out = cli(args("list-identity-pools --max-results 60")).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pools: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        pools["IdentityPools"][0]["IdentityPoolId"],
        pool_id.as_str()
    );

    let out = cli(args(
        "describe-identity-pool --identity-pool-id us-east-1:00000000-0000-4000-8000-000000000000",
    ))
    .await;
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("ResourceNotFoundException")
            && stderr.contains(
                "IdentityPool 'us-east-1:00000000-0000-4000-8000-000000000000' not found."
            ),
        "{stderr}"
    );

    let out = cli(args(&format!(
        "delete-identity-pool --identity-pool-id {pool_id}"
    )))
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    running.shutdown().await.expect("shutdown");

    // With signature checks on, botocore's signature with the right key passes and one made
    // with the wrong secret is refused.
    let checked = start(
        Options {
            log_level: Level::Off,
            verify_signatures: Some((
                "AKIDEXAMPLE".into(),
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            )),
            ..Options::default()
        },
        false,
    )
    .await
    .expect("the emulator starts");
    let script = r#"
import sys, boto3
from botocore.exceptions import ClientError
def client(secret):
    return boto3.client("cognito-identity", endpoint_url=sys.argv[1], region_name="us-east-1",
                        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=secret)
client("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").list_identity_pools(MaxResults=5)
try:
    client("a-wrong-secret").list_identity_pools(MaxResults=5)
    sys.exit("a wrong signature was accepted")
except ClientError as e:
    assert e.response["Error"]["Code"] == "InvalidSignatureException", e.response
print("signatures checked")
"#;
    let python = venv.python.clone();
    let url = checked.url().to_owned();
    let home_dir = support::scratch_dir("aws-home-signed");
    let home = home_dir.to_path_buf();
    let out = tokio::task::spawn_blocking(move || run(&python, &["-c", script, &url], &home))
        .await
        .expect("the signature script");
    assert!(
        out.status.success() && text(&out.stdout).contains("signatures checked"),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    checked.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_pycognito_and_pyjwt_work_against_the_user_pools() {
    let venv = tokio::task::spawn_blocking(support::venv)
        .await
        .expect("setting up the Python virtualenv");
    let running = start(
        Options {
            log_level: Level::Off,
            ..Options::default()
        },
        false,
    )
    .await
    .expect("the emulator starts");
    let url = running.url().to_owned();
    let home = support::scratch_dir("aws-home-pools");
    let home_path = home.to_path_buf();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/boto3_user_pools.py");
    let python = venv.python.clone();
    let flow = tokio::task::spawn_blocking(move || {
        command(
            &python,
            &[script.to_str().unwrap_or_default(), &url],
            &home_path,
        )
        // Both boto3 clients find the emulator the way an app's would.
        .env("AWS_ENDPOINT_URL", &url)
        .output()
        .expect("running the user-pool flow")
    })
    .await
    .expect("the user-pool flow");
    assert!(
        flow.status.success(),
        "the user-pool flow failed:\n{}\n{}",
        text(&flow.stdout),
        text(&flow.stderr)
    );
    assert!(text(&flow.stdout).contains("ok"));
    running.shutdown().await.expect("the emulator stops");
}
