//! An official AWS SDK for Rust client (`aws-sdk-sts`) driven by the provider that a
//! user-pool sign-in feeds, against the local Cognito: the user signs in with SRP, the
//! provider trades the ID token for credentials, and the SDK signs STS `GetCallerIdentity`
//! with them. The request goes to a small STS stand-in on a loopback port that checks the
//! SigV4 signature with the runtime's verifier (the same code the emulator checks with)
//! against the keys and session token the identity pool issued, and answers as STS does.
//!
//! Built only with the `aws-sdk` and `user-pools` features (the SDK's client stack is left
//! out of the workspace's default test build):
//! `cargo test -p examples --features aws-sdk,user-pools --test sdk_client`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_sdk_sts::config::{BehaviorVersion, Region};
use cognito_identity::runtime::auth::credentials::Credentials;
use cognito_identity::runtime::auth::sigv4::{verify, VerifiedRequest, VerifyOptions};
use cognito_identity::runtime::{http, Bytes};
use cognito_identity_credentials::{CognitoCredentialsProvider, UserPoolSession};
use cognito_identity_local::{start, Level, Options, Running};
use cognito_identity_provider::types::*;

#[path = "../../tests/support/local_cognito.rs"]
mod local_cognito;

const PASSWORD: &str = "Passw0rd!";
const ACCOUNT: &str = "123456789012";

/// A user pool with a user, an identity pool that takes its ID tokens with an authenticated
/// role; returns the user pool id, the app client id and the identity pool id.
async fn setup(running: &Running) -> (String, String, String) {
    let admin = local_cognito::user_pools(running, true);
    let pool_id = admin
        .create_user_pool(CreateUserPoolRequest::new("sdk"))
        .await
        .expect("CreateUserPool")
        .user_pool
        .and_then(|p| p.id)
        .expect("a pool id");
    let client_id = admin
        .create_user_pool_client(CreateUserPoolClientRequest::new(&pool_id, "app"))
        .await
        .expect("CreateUserPoolClient")
        .user_pool_client
        .and_then(|c| c.client_id)
        .expect("a client id");
    local_cognito::user_with_password(&admin, &pool_id, "sam", PASSWORD).await;
    let identity_pool_id = local_cognito::identity_pool_for(
        &local_cognito::identity(running),
        "sdk",
        &pool_id,
        &client_id,
        &format!("arn:aws:iam::{ACCOUNT}:role/Authenticated"),
    )
    .await;
    (pool_id, client_id, identity_pool_id)
}

/// What the STS stand-in saw: each request's verification, in order.
type Seen = Arc<Mutex<Vec<Result<VerifiedRequest, String>>>>;

/// An STS stand-in on a loopback port: it answers `GetCallerIdentity` for requests signed
/// with `keys` (the session token included) and refuses the rest as STS does. It serves
/// one request per connection, for as long as the test runs, and records each request's
/// verification before it answers, so a client that has its answer finds it recorded.
fn sts_stand_in(keys: Credentials) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a loopback port");
    let url = format!(
        "http://{}",
        listener.local_addr().expect("the bound address")
    );
    let seen: Seen = Arc::default();
    let record = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            if let Err(e) = serve(stream, &keys, &record) {
                record
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(Err(e));
            }
        }
    });
    (url, seen)
}

/// Reads one HTTP/1.1 request, checks its signature, records the outcome in `seen` and
/// answers. An error is a request that could not be read or answered.
fn serve(stream: TcpStream, keys: &Credentials, seen: &Seen) -> Result<(), String> {
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream.try_clone().map_err(|e| e.to_string())?);
    let request = read_request(&mut reader)?;
    let lookup = |akid: &str| (akid == keys.access_key_id()).then(|| keys.clone());
    let outcome = verify(&request, &lookup, &VerifyOptions::at(SystemTime::now()))
        .and_then(|v| v.expect_scope("us-east-1", "sts").map(|()| v));
    let body = String::from_utf8_lossy(request.body());
    let (status, reply) = match &outcome {
        Ok(_) if body.contains("Action=GetCallerIdentity") => (
            "200 OK",
            format!(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                 <GetCallerIdentityResult>\
                 <Arn>arn:aws:sts::{ACCOUNT}:assumed-role/Authenticated/CognitoIdentityCredentials</Arn>\
                 <UserId>AROAEXAMPLE:CognitoIdentityCredentials</UserId>\
                 <Account>{ACCOUNT}</Account>\
                 </GetCallerIdentityResult>\
                 <ResponseMetadata><RequestId>0</RequestId></ResponseMetadata>\
                 </GetCallerIdentityResponse>"
            ),
        ),
        Ok(_) => ("400 Bad Request", sts_error("InvalidAction", &body)),
        Err(e) => ("403 Forbidden", sts_error("SignatureDoesNotMatch", e.code())),
    };
    seen.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(outcome.map_err(|e| e.to_string()));
    let mut stream = reader.into_inner();
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{reply}",
        reply.len()
    )
    .map_err(|e| e.to_string())
}

fn sts_error(code: &str, message: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
         <Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>\
         <RequestId>0</RequestId></ErrorResponse>"
    )
}

/// The request line, the headers and a `Content-Length` body.
fn read_request(reader: &mut BufReader<TcpStream>) -> Result<http::Request<Bytes>, String> {
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| e.to_string())?;
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(format!("not an HTTP request line: {line:?}"));
    };
    let mut builder = http::Request::builder().method(method).uri(target);
    let mut length = 0_usize;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).map_err(|e| e.to_string())?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header
            .split_once(':')
            .ok_or_else(|| format!("not a header: {header:?}"))?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = value.parse().map_err(|_| format!("bad length {value:?}"))?;
        }
        builder = builder.header(name, value);
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    builder.body(Bytes::from(body)).map_err(|e| e.to_string())
}

fn sts_client(
    url: &str,
    credentials: impl aws_sdk_sts::config::ProvideCredentials + 'static,
) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(url)
            .credentials_provider(credentials)
            .build(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdk_signs_with_credentials_from_a_user_pool_sign_in() {
    let running = start(
        Options {
            log_level: Level::Off,
            ..Options::default()
        },
        false,
    )
    .await
    .expect("the emulator starts");
    let (pool_id, client_id, identity_pool_id) = setup(&running).await;
    let idp = cognito_identity_provider::Client::new(
        cognito_identity_provider::Config::builder()
            .region("us-east-1")
            .endpoint_url(running.url())
            .build(),
    );
    let session = UserPoolSession::builder(idp, &pool_id, &client_id)
        .build()
        .expect("a session");
    session.sign_in("sam", PASSWORD).await.expect("SRP sign-in");
    let identity = cognito_identity::Client::new(
        cognito_identity::Config::builder()
            .region("us-east-1")
            .endpoint_url(running.url())
            .build(),
    );
    let provider = CognitoCredentialsProvider::builder(identity, &identity_pool_id)
        .logins_provider(session.clone())
        .build();
    // What the identity pool issued: the stand-in accepts these keys and no others.
    let issued = provider.credentials().await.expect("credentials");
    let token = issued
        .session_token()
        .expect("temporary credentials carry a session token")
        .to_owned();
    let (url, seen) = sts_stand_in(issued.clone());

    let sts = sts_client(&url, provider.clone());
    let caller = sts
        .get_caller_identity()
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}", aws_sdk_sts::error::DisplayErrorContext(&e)));
    assert_eq!(caller.account(), Some(ACCOUNT));
    {
        let seen = seen.lock().unwrap_or_else(|e| e.into_inner());
        let verified = match seen.as_slice() {
            [Ok(verified)] => verified,
            other => panic!("one verified request expected: {other:?}"),
        };
        assert_eq!(verified.access_key_id, issued.access_key_id());
        assert_eq!(
            (verified.region.as_str(), verified.service.as_str()),
            ("us-east-1", "sts")
        );
        assert!(!verified.presigned);
    }

    // The same keys with a wrong secret are refused: the check tells signatures apart.
    let forged = aws_sdk_sts::config::Credentials::new(
        issued.access_key_id(),
        "not-the-secret",
        Some(token),
        None,
        "forged",
    );
    let error = sts_client(&url, forged)
        .get_caller_identity()
        .send()
        .await
        .expect_err("a wrong signature is refused");
    let text = format!("{}", aws_sdk_sts::error::DisplayErrorContext(&error));
    assert!(text.contains("SignatureDoesNotMatch"), "{text}");
    let last = seen
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .last()
        .cloned();
    assert!(
        matches!(&last, Some(Err(e)) if e.contains("InvalidSignatureException")),
        "{last:?}"
    );
    running.shutdown().await.expect("the emulator stops");
}
