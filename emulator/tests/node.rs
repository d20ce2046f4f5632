//! The JavaScript peers against the emulator: amazon-cognito-identity-js (SRP sign-in),
//! aws-jwt-verify (the tokens against the pool's JWKS), the AWS SDK's
//! `fromCognitoIdentityPool` (the ID token traded for credentials), and Amplify JS v6 (its
//! `signIn`, `fetchAuthSession` with identity-pool credentials, and a forced refresh, with
//! both of Auth's endpoints pointed at the emulator). The packages are installed
//! with `npm ci` from the committed `tests/node/package-lock.json` into `target/emulator-node`
//! on first use, and again when the lock changes. Without node or npm the test fails and says
//! so.

mod support;

use std::path::Path;

use cognito_identity_local::{start, Level, Options};
use cognito_identity_provider::types::*;
use support::local_cognito;

const PASSWORD: &str = "Passw0rd!";

/// `target/emulator-node` with the locked packages installed (by the workspace's shared
/// `npm ci` support); panics with what to install when node or npm is missing.
fn node_peers() -> support::node::NodePeers {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    support::node::NodePeers::ensure("emulator-node", &source).unwrap_or_else(|e| panic!("{e}"))
}

/// A running emulator with a user pool, an app client, a confirmed user and an identity pool
/// that accepts the pool's ID tokens; and the arguments both scripts take (URL, user pool,
/// client, user name, password, identity pool).
async fn fixture() -> (cognito_identity_local::Running, [String; 6]) {
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
    let idp = local_cognito::user_pools(&running, true);
    let pool_id = idp
        .create_user_pool(CreateUserPoolRequest::new("node"))
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = idp
        .create_user_pool_client(CreateUserPoolClientRequest::new(&pool_id, "web"))
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    local_cognito::user_with_password(&idp, &pool_id, "rita", PASSWORD).await;
    let identity_pool = local_cognito::identity_pool_for(
        &local_cognito::identity(&running),
        "node",
        &pool_id,
        &client_id,
        "arn:aws:iam::123456789012:role/Auth",
    )
    .await;

    let args = [
        url,
        pool_id,
        client_id,
        "rita".into(),
        PASSWORD.into(),
        identity_pool,
    ];
    (running, args)
}

/// Runs `script` (from `tests/node/`) with node in the installed peers' directory and
/// asserts it printed "ok".
async fn run_node(script: &'static str, args: [String; 6]) {
    let out = tokio::task::spawn_blocking(move || {
        let peers = node_peers();
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/node")
            .join(script);
        let script = peers.script(&source).unwrap_or_else(|e| panic!("{e}"));
        peers
            .node(&script)
            .args(&args)
            .output()
            .unwrap_or_else(|e| panic!("the node peer tests need node on PATH: {e}"))
    })
    .await
    .expect("running node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("ok"),
        "the node peer {script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// One test runs both scripts against one emulator and its seeded user.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amazon_cognito_identity_js_aws_jwt_verify_the_js_sdk_and_amplify_work() {
    let (running, args) = fixture().await;
    run_node("peers.mjs", args.clone()).await;
    run_node("amplify.mjs", args).await;
    running.shutdown().await.expect("the emulator stops");
}
