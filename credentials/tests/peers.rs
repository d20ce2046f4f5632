//! The user-pool session against clients written by others, all on one local Cognito
//! (`cognito-identity-local`) over real HTTP: a sign-in made by pycognito or by
//! amazon-cognito-identity-js refreshes in our session (taken up through the session store, as
//! an app restoring a kept session does), and one made by our session refreshes in both of
//! them. Each side must see the same user (`sub`, `cognito:username`) and get the same
//! IdentityId from the identity pool for its ID token. pycognito and ours also trade
//! sessions through an app client with a secret (`SECRET_HASH`).
//!
//! pycognito runs from a virtualenv under the target directory (with boto3, which it depends
//! on, for the identity pool's `GetId`); amazon-cognito-identity-js from the emulator's Node
//! peers, installed with `npm ci` from their committed lock file. Where Python, npm or a
//! package cannot be had, the test fails and says so.

#[path = "../../tests/support/python.rs"]
mod python;

#[path = "../../tests/support/local_cognito.rs"]
mod local_cognito;
#[path = "../../tests/support/node.rs"]
mod node;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use base64::Engine as _;
use cognito_identity_credentials::{
    CognitoCredentialsProvider, InMemorySessionStore, SessionStore, StoredSession, UserPoolSession,
};
use cognito_identity_local::{start, Level, Options, Running};
use cognito_identity_provider::types::*;
use cognito_identity_provider::Client;
use local_cognito::{identity, user_pools};
use serde_json::Value;

const PASSWORD: &str = "Passw0rd!";

/// The pool, app clients and identity pool every client signs in to.
struct Setup {
    pool_id: String,
    /// The browser app's client, without a secret.
    client_id: String,
    /// A server app's client, with a secret (`SECRET_HASH`).
    secret_client_id: String,
    client_secret: String,
    identity_pool_id: String,
}

/// A user pool with an app client as a browser app has one (no secret: the JavaScript
/// library cannot send one; SRP and refresh allowed) and one with a secret, an identity pool
/// taking the first one's ID tokens, and `users` made by an administrator with a permanent
/// password.
async fn setup(running: &Running, users: &[&str]) -> Setup {
    let admin = user_pools(running, true);
    let pool_id = admin
        .create_user_pool(CreateUserPoolRequest::new("peers"))
        .await
        .expect("CreateUserPool")
        .user_pool
        .and_then(|p| p.id)
        .expect("a pool id");
    let client = |name: &str, secret: bool| {
        let mut input = CreateUserPoolClientRequest::new(&pool_id, name);
        input.explicit_auth_flows = Some(vec![
            ExplicitAuthFlowsType::AllowUserSrpAuth,
            ExplicitAuthFlowsType::AllowRefreshTokenAuth,
        ]);
        input.generate_secret = Some(secret);
        let admin = &admin;
        async move {
            let client = admin
                .create_user_pool_client(input)
                .await
                .expect("CreateUserPoolClient")
                .user_pool_client
                .expect("a client");
            (client.client_id.expect("a client id"), client.client_secret)
        }
    };
    let (client_id, _) = client("web", false).await;
    let (secret_client_id, client_secret) = client("server", true).await;
    let client_secret = client_secret.expect("a generated secret");
    for user in users {
        local_cognito::user_with_password(&admin, &pool_id, user, PASSWORD).await;
    }
    let identity_pool_id = local_cognito::identity_pool_for(
        &identity(running),
        "peers",
        &pool_id,
        &client_id,
        "arn:aws:iam::123456789012:role/Authenticated",
    )
    .await;
    Setup {
        pool_id,
        client_id,
        secret_client_id,
        client_secret,
        identity_pool_id,
    }
}

/// A session of the setup's pool that keeps its refresh token in `store`.
fn session(
    running: &Running,
    setup: &Setup,
    store: &Arc<InMemorySessionStore>,
) -> UserPoolSession<Client> {
    UserPoolSession::builder(user_pools(running, false), &setup.pool_id, &setup.client_id)
        .store(Arc::clone(store))
        .build()
        .expect("a session")
}

/// A session taken up from a refresh token another client was given: the token goes into
/// the store as an app would have kept it, and the session restores from there.
async fn restored(
    running: &Running,
    setup: &Setup,
    username: &str,
    refresh_token: &str,
) -> UserPoolSession<Client> {
    let store = Arc::new(InMemorySessionStore::new());
    store
        .save(&StoredSession::new(username, refresh_token))
        .await
        .expect("the store keeps the token");
    let session = session(running, setup, &store);
    assert!(
        session.restore().await.expect("restore"),
        "the store had a session"
    );
    session
}

/// The IdentityId our provider gets for the session's user (its ID token as the logins).
async fn identity_of_session(
    running: &Running,
    setup: &Setup,
    session: &UserPoolSession<Client>,
) -> String {
    let provider = CognitoCredentialsProvider::builder(identity(running), &setup.identity_pool_id)
        .logins_provider(session.clone())
        .build();
    let credentials = provider
        .credentials()
        .await
        .expect("credentials for the session's user");
    assert!(!credentials.access_key_id().is_empty());
    provider.identity_id().await.expect("an identity id")
}

/// The IdentityId our provider gets for an ID token another client holds.
async fn identity_of_token(running: &Running, setup: &Setup, id_token: &str) -> String {
    let provider = CognitoCredentialsProvider::builder(identity(running), &setup.identity_pool_id)
        .logins([(
            format!("cognito-idp.us-east-1.amazonaws.com/{}", setup.pool_id),
            id_token.to_owned(),
        )])
        .build();
    provider.identity_id().await.expect("an identity id")
}

/// A claim of a JWT's payload, as text.
fn claim(token: &str, name: &str) -> String {
    let payload = token.split('.').nth(1).expect("a JWT has a payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("the payload is base64url");
    let claims: Value = serde_json::from_slice(&bytes).expect("the payload is JSON");
    claims[name]
        .as_str()
        .unwrap_or_else(|| panic!("the token has no {name} claim: {claims}"))
        .to_owned()
}

/// Where the peer scripts are.
fn peer_script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/peers")
        .join(name)
}

/// Runs a peer to the end and reads the one JSON object it prints.
async fn run_peer(what: &'static str, mut command: Command) -> Value {
    let out = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the peer's task")
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{what} printed no JSON object ({e}):\n{stdout}"))
}

/// pycognito's side: `action` (`sign-in` or `refresh`) with the password or refresh token,
/// through the browser app's client.
fn pycognito(
    venv: &python::Venv,
    running: &Running,
    setup: &Setup,
    action: &str,
    username: &str,
    secret: &str,
) -> Command {
    let mut command = python_command(venv, running);
    command.args([
        action,
        &setup.pool_id,
        &setup.client_id,
        username,
        secret,
        &setup.identity_pool_id,
    ]);
    command
}

/// pycognito's side through the client with a secret (no identity pool takes its tokens).
fn pycognito_with_secret(
    venv: &python::Venv,
    running: &Running,
    setup: &Setup,
    action: &str,
    username: &str,
    secret: &str,
) -> Command {
    let mut command = python_command(venv, running);
    command.args([
        action,
        &setup.pool_id,
        &setup.secret_client_id,
        username,
        secret,
        "-",
        &setup.client_secret,
    ]);
    command
}

/// The peer script under the virtualenv's Python, with boto3 pointed at the emulator and
/// kept away from the user's own AWS settings.
fn python_command(venv: &python::Venv, running: &Running) -> Command {
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("peers-aws-home");
    let mut command = venv.command("python");
    command
        .arg(peer_script("pycognito_peer.py"))
        .env("AWS_ENDPOINT_URL", running.url())
        .env("AWS_CONFIG_FILE", home.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN");
    command
}

/// amazon-cognito-identity-js's side: `action` (`sign-in` or `refresh`) with the password or
/// refresh token.
fn cognito_js(
    peers: &node::NodePeers,
    script: &Path,
    running: &Running,
    setup: &Setup,
    action: &str,
    username: &str,
    secret: &str,
) -> Command {
    let mut command = peers.node(script);
    command.args([
        action,
        running.url(),
        &setup.pool_id,
        &setup.client_id,
        username,
        secret,
    ]);
    command
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("the peer's answer has no {key}: {value}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_move_between_pycognito_amazon_cognito_identity_js_and_ours() {
    let (venv, (peers, js)) = tokio::task::spawn_blocking(|| {
        let venv = python::Venv::peers()
            .unwrap_or_else(|e| panic!("the cross-checks need pycognito in a virtualenv: {e}"));
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../emulator/tests/node");
        let peers = node::NodePeers::ensure("emulator-node", &source).unwrap_or_else(|e| {
            panic!("the cross-checks need amazon-cognito-identity-js from {source:?}: {e}")
        });
        let js = peers
            .script(&peer_script("cognito_js_peer.mjs"))
            .unwrap_or_else(|e| panic!("{e}"));
        (venv, (peers, js))
    })
    .await
    .expect("installing the peers");
    let running = start(
        Options {
            log_level: Level::Off,
            ..Options::default()
        },
        false,
    )
    .await
    .expect("the emulator starts");
    let setup = setup(&running, &["pia", "rustam", "jules"]).await;

    // pycognito signs in with SRP; our session takes its refresh token up and refreshes.
    let py = run_peer(
        "pycognito's sign-in",
        pycognito(&venv, &running, &setup, "sign-in", "pia", PASSWORD),
    )
    .await;
    let ours = restored(&running, &setup, "pia", text(&py, "refresh_token")).await;
    let tokens = ours
        .refresh()
        .await
        .expect("pycognito's refresh token in ours");
    assert_eq!(claim(tokens.id_token(), "sub"), text(&py, "sub"));
    assert_eq!(claim(tokens.id_token(), "cognito:username"), "pia");
    assert_eq!(tokens.username(), "pia");
    let pia = text(&py, "identity_id").to_owned();
    assert_eq!(
        identity_of_session(&running, &setup, &ours).await,
        pia,
        "our IdentityId for pia is the one boto3's GetId gave pycognito's ID token"
    );

    // Our session signs in with SRP; pycognito and amazon-cognito-identity-js refresh with
    // its refresh token.
    let store = Arc::new(InMemorySessionStore::new());
    let ours = session(&running, &setup, &store);
    let tokens = ours.sign_in("rustam", PASSWORD).await.expect("SRP sign-in");
    let refresh_token = tokens.refresh_token().expect("a refresh token").to_owned();
    let sub = claim(tokens.id_token(), "sub");
    let our_identity = identity_of_session(&running, &setup, &ours).await;
    let py = run_peer(
        "pycognito's refresh",
        pycognito(&venv, &running, &setup, "refresh", "rustam", &refresh_token),
    )
    .await;
    assert_eq!(text(&py, "sub"), sub);
    assert_eq!(text(&py, "username"), "rustam");
    assert_eq!(text(&py, "identity_id"), our_identity);
    let js_refresh = run_peer(
        "amazon-cognito-identity-js's refresh",
        cognito_js(
            &peers,
            &js,
            &running,
            &setup,
            "refresh",
            "rustam",
            &refresh_token,
        ),
    )
    .await;
    assert_eq!(text(&js_refresh, "sub"), sub);
    assert_eq!(text(&js_refresh, "username"), "rustam");
    assert_eq!(
        text(&js_refresh, "refresh_token"),
        refresh_token,
        "without rotation the refresh token stays"
    );
    assert_eq!(
        identity_of_token(&running, &setup, text(&js_refresh, "id_token")).await,
        our_identity
    );
    // The others' refreshes left our session's token valid.
    let again = ours.refresh().await.expect("ours refreshes after theirs");
    assert_eq!(claim(again.id_token(), "sub"), sub);

    // amazon-cognito-identity-js signs in with SRP; our session refreshes from its token.
    let js_sign_in = run_peer(
        "amazon-cognito-identity-js's sign-in",
        cognito_js(&peers, &js, &running, &setup, "sign-in", "jules", PASSWORD),
    )
    .await;
    let ours = restored(
        &running,
        &setup,
        "jules",
        text(&js_sign_in, "refresh_token"),
    )
    .await;
    let tokens = ours
        .refresh()
        .await
        .expect("amazon-cognito-identity-js's refresh token in ours");
    assert_eq!(claim(tokens.id_token(), "sub"), text(&js_sign_in, "sub"));
    assert_eq!(claim(tokens.id_token(), "cognito:username"), "jules");
    let jules = identity_of_session(&running, &setup, &ours).await;
    assert_eq!(
        jules,
        identity_of_token(&running, &setup, text(&js_sign_in, "id_token")).await
    );

    // Three users, three identities.
    assert!(pia != our_identity && jules != our_identity && jules != pia);

    // Through a client with a secret, both ways: pycognito sends SECRET_HASH, ours sends
    // SECRET_HASH to sign in and the secret itself to refresh.
    let py = run_peer(
        "pycognito's sign-in with a client secret",
        pycognito_with_secret(&venv, &running, &setup, "sign-in", "pia", PASSWORD),
    )
    .await;
    let store = Arc::new(InMemorySessionStore::new());
    store
        .save(&StoredSession::new("pia", text(&py, "refresh_token")))
        .await
        .unwrap();
    let ours = UserPoolSession::builder(
        user_pools(&running, false),
        &setup.pool_id,
        &setup.secret_client_id,
    )
    .client_secret(&setup.client_secret)
    .store(Arc::clone(&store))
    .build()
    .unwrap();
    assert!(ours.restore().await.unwrap());
    let tokens = ours.refresh().await.expect("refreshed with the secret");
    assert_eq!(claim(tokens.id_token(), "sub"), text(&py, "sub"));
    ours.sign_out().await.expect("signed out");
    let tokens = ours
        .sign_in("rustam", PASSWORD)
        .await
        .expect("SRP with a secret");
    let py = run_peer(
        "pycognito's refresh with a client secret",
        pycognito_with_secret(
            &venv,
            &running,
            &setup,
            "refresh",
            "rustam",
            tokens.refresh_token().expect("a refresh token"),
        ),
    )
    .await;
    assert_eq!(text(&py, "sub"), sub);
    running.shutdown().await.expect("the emulator stops");
}
