//! A user's whole life in an app, against the local Cognito (`cognito-identity-local`): sign
//! up, confirm with the code the emulator read out, sign in with SRP, AWS credentials from an
//! identity pool for that user, a refresh, sign-out.
//!
//! ```text
//! cargo run -p cognito-identity-local &              # listens on http://127.0.0.1:8229
//! cargo run -p examples --features user-pools --example user_pool_sign_in -- \
//!     [--endpoint-url http://127.0.0.1:8229] [--username alice] [--password 'Passw0rd!']
//! ```
//!
//! It first makes what an administrator would (a user pool, an app client with a secret, an
//! identity pool that trusts the user pool), signing those calls with throwaway keys the
//! emulator accepts; the app's own calls are unsigned. Tokens and secrets print redacted.

use std::collections::HashMap;
use std::process::ExitCode;

use cognito_identity::runtime::auth::credentials::Credentials as StaticKeys;
use cognito_identity::types as ci;
use cognito_identity_credentials::{secret_hash, CognitoCredentialsProvider, UserPoolSession};
use cognito_identity_provider::types::{
    AttributeType, ConfirmSignUpRequest, CreateUserPoolClientRequest, CreateUserPoolRequest,
    ExplicitAuthFlowsType, SignUpRequest,
};

const REGION: &str = "us-east-1";

struct Options {
    endpoint_url: String,
    username: String,
    password: String,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        endpoint_url: "http://127.0.0.1:8229".to_owned(),
        username: "alice".to_owned(),
        password: "Passw0rd!".to_owned(),
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--endpoint-url" => options.endpoint_url = value()?,
            "--username" => options.username = value()?,
            "--password" => options.password = value()?,
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(Some(options))
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!(
                "usage: user_pool_sign_in [--endpoint-url URL] [--username NAME] [--password PW]"
            );
            return ExitCode::SUCCESS;
        }
        Err(reason) => {
            eprintln!("user_pool_sign_in: {reason} (see --help)");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("user_pool_sign_in: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("user_pool_sign_in: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(o: Options) -> Result<(), String> {
    let admin_keys = || StaticKeys::new("AKIDLOCAL", "local-secret", None, None, "example");
    let admin = cognito_identity_provider::Client::new(
        cognito_identity_provider::Config::builder()
            .region(REGION)
            .endpoint_url(&o.endpoint_url)
            .credentials(admin_keys())
            .build(),
    );
    let identity = cognito_identity::Client::new(
        cognito_identity::Config::builder()
            .region(REGION)
            .endpoint_url(&o.endpoint_url)
            .credentials(admin_keys())
            .build(),
    );
    // The app's client: no AWS keys, as an app has none.
    let app = cognito_identity_provider::Client::new(
        cognito_identity_provider::Config::builder()
            .region(REGION)
            .endpoint_url(&o.endpoint_url)
            .build(),
    );

    // What an administrator sets up once.
    let pool_id = admin
        .create_user_pool(CreateUserPoolRequest::new("example"))
        .await
        .map_err(|e| format!("CreateUserPool: {e}"))?
        .user_pool
        .and_then(|p| p.id)
        .ok_or("CreateUserPool answered without a pool id")?;
    let mut client = CreateUserPoolClientRequest::new(&pool_id, "example-app");
    client.generate_secret = Some(true);
    client.explicit_auth_flows = Some(vec![
        ExplicitAuthFlowsType::AllowUserSrpAuth,
        ExplicitAuthFlowsType::AllowRefreshTokenAuth,
    ]);
    let client = admin
        .create_user_pool_client(client)
        .await
        .map_err(|e| format!("CreateUserPoolClient: {e}"))?
        .user_pool_client
        .ok_or("CreateUserPoolClient answered without a client")?;
    let client_id = client.client_id.ok_or("the app client has no id")?;
    let client_secret = client.client_secret.ok_or("the app client has no secret")?;
    let mut pool = ci::CreateIdentityPoolInput::new("example", false);
    pool.cognito_identity_providers = Some(vec![ci::CognitoIdentityProvider {
        provider_name: Some(format!("cognito-idp.{REGION}.amazonaws.com/{pool_id}")),
        client_id: Some(client_id.clone()),
        server_side_token_check: None,
    }]);
    let identity_pool_id = identity
        .create_identity_pool(pool)
        .await
        .map_err(|e| format!("CreateIdentityPool: {e}"))?
        .identity_pool_id;
    identity
        .set_identity_pool_roles(ci::SetIdentityPoolRolesInput::new(
            &identity_pool_id,
            HashMap::from([(
                "authenticated".to_owned(),
                "arn:aws:iam::123456789012:role/Authenticated".to_owned(),
            )]),
        ))
        .await
        .map_err(|e| format!("SetIdentityPoolRoles: {e}"))?;
    println!("user pool {pool_id}, app client {client_id}, identity pool {identity_pool_id}");

    // Sign up, and confirm with the code the emulator "sent".
    let hash = secret_hash(&client_secret, &o.username, &client_id);
    let mut sign_up = SignUpRequest::new(&client_id, &o.username);
    sign_up.password = Some(o.password.clone());
    sign_up.secret_hash = Some(hash.clone());
    sign_up.user_attributes = Some(vec![AttributeType {
        name: "email".into(),
        value: Some(format!("{}@example.com", o.username)),
    }]);
    app.sign_up(sign_up)
        .await
        .map_err(|e| format!("SignUp: {e}"))?;
    let code = confirmation_code(&o.endpoint_url, &pool_id, &o.username).await?;
    let mut confirm = ConfirmSignUpRequest::new(&client_id, &o.username, code);
    confirm.secret_hash = Some(hash);
    app.confirm_sign_up(confirm)
        .await
        .map_err(|e| format!("ConfirmSignUp: {e}"))?;
    println!("signed up and confirmed {}", o.username);

    // The app: a session, and a provider that takes its ID token as the logins.
    let session = UserPoolSession::builder(app, &pool_id, &client_id)
        .client_secret(client_secret)
        .build()
        .map_err(|e| e.to_string())?;
    let tokens = session
        .sign_in(&o.username, &o.password)
        .await
        .map_err(|e| format!("sign-in: {e}"))?;
    println!("signed in with SRP: {tokens:?}");
    let provider = CognitoCredentialsProvider::builder(
        cognito_identity::Client::new(
            cognito_identity::Config::builder()
                .region(REGION)
                .endpoint_url(&o.endpoint_url)
                .build(),
        ),
        &identity_pool_id,
    )
    .logins_provider(session.clone())
    .build();
    let credentials = provider
        .credentials()
        .await
        .map_err(|e| format!("credentials: {e}"))?;
    let identity_id = provider.identity_id().await.map_err(|e| e.to_string())?;
    println!("identity {identity_id}: {credentials:?}");

    let refreshed = session
        .refresh()
        .await
        .map_err(|e| format!("refresh: {e}"))?;
    println!("refreshed: {refreshed:?}");
    session
        .sign_out()
        .await
        .map_err(|e| format!("sign-out: {e}"))?;
    match provider.credentials().await {
        Err(e) => println!("signed out; the provider now says: {e}"),
        Ok(_) => return Err("the provider still hands out credentials after sign-out".into()),
    }
    Ok(())
}

/// The confirmation code the emulator keeps for `username` (`GET /_local/codes`), read with
/// a plain HTTP/1.1 request on a blocking thread, so that the example needs no HTTP library of
/// its own.
async fn confirmation_code(
    endpoint: &str,
    pool_id: &str,
    username: &str,
) -> Result<String, String> {
    let authority = endpoint
        .strip_prefix("http://")
        .ok_or("the codes endpoint is read over plain http:// only")?
        .trim_end_matches('/')
        .to_owned();
    let request = format!(
        "GET /_local/codes?pool={pool_id}&username={username} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    );
    let response = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&authority)
            .map_err(|e| format!("connecting to {authority}: {e}"))?;
        stream
            .write_all(request.as_bytes())
            .map_err(|e| format!("asking for the code: {e}"))?;
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .map_err(|e| format!("reading the code: {e}"))?;
        Ok::<_, String>(response)
    })
    .await
    .map_err(|e| format!("the request thread failed: {e}"))??;
    let text = String::from_utf8_lossy(&response);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .ok_or("the codes endpoint answered without a body")?;
    let codes: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("the codes are not JSON: {e}"))?;
    codes["Codes"]
        .as_array()
        .and_then(|codes| {
            codes
                .iter()
                .find(|c| c["Purpose"] == "CONFIRM_SIGN_UP")
                .and_then(|c| c["Code"].as_str())
        })
        .map(str::to_owned)
        .ok_or_else(|| format!("the emulator holds no confirmation code for {username}"))
}
