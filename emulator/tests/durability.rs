//! State survives `kill -9`, and concurrent writers lose nothing.
//!
//! The crash test runs the real binary on a data directory, kills it with SIGKILL after its
//! writes were answered, and starts it again on the same directory. The concurrency test runs
//! many clients at once against one pool in process.

mod support;

use std::collections::{BTreeSet, HashMap};

use serde_json::json;
use support::{call, scratch_dir, Process};

const ISSUER: &str = "http://cognito-identity.local";

fn all_identities(addr: std::net::SocketAddr, pool_id: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"IdentityPoolId": pool_id, "MaxResults": 60});
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let (status, page) = call(addr, "ListIdentities", &body);
        assert_eq!(status, 200, "{page}");
        for i in page["Identities"].as_array().into_iter().flatten() {
            ids.push(i["IdentityId"].as_str().unwrap_or_default().to_owned());
        }
        match page["NextToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => return ids,
        }
    }
}

#[test]
fn answered_writes_survive_kill_9() {
    const N: usize = 150;
    let dir = scratch_dir("crash");
    let data = dir.to_string_lossy().into_owned();
    let args = [
        "--port",
        "0",
        "--data-dir",
        &data,
        "--log-level",
        "off",
        "--issuer",
        ISSUER,
    ];
    let first = Process::start(&args);
    let (status, pool) = call(
        first.addr,
        "CreateIdentityPool",
        &json!({"IdentityPoolName": "durable", "AllowUnauthenticatedIdentities": true,
                "DeveloperProviderName": "login.example"}),
    );
    assert_eq!(status, 200, "{pool}");
    let pool_id = pool["IdentityPoolId"]
        .as_str()
        .expect("a pool id")
        .to_owned();
    let mut answered = BTreeSet::new();
    for n in 0..N {
        // Alternate unauthenticated identities and developer identities (two tables each).
        let (status, out) = if n % 2 == 0 {
            call(first.addr, "GetId", &json!({"IdentityPoolId": pool_id}))
        } else {
            call(
                first.addr,
                "GetOpenIdTokenForDeveloperIdentity",
                &json!({"IdentityPoolId": pool_id, "Logins": {"login.example": format!("user-{n}")}}),
            )
        };
        assert_eq!(status, 200, "{out}");
        answered.insert(
            out["IdentityId"]
                .as_str()
                .expect("an identity id")
                .to_owned(),
        );
    }
    let arn = format!("arn:aws:cognito-identity:us-east-1:123456789012:identitypool/{pool_id}");
    let (status, _) = call(
        first.addr,
        "TagResource",
        &json!({"ResourceArn": arn, "Tags": {"last": "write"}}),
    );
    assert_eq!(status, 200);
    let (status, token) = call(
        first.addr,
        "GetOpenIdTokenForDeveloperIdentity",
        &json!({"IdentityPoolId": pool_id, "Logins": {"login.example": "user-1"}}),
    );
    assert_eq!(status, 200, "{token}");
    first.kill9();

    let second = Process::start(&args);
    let after: BTreeSet<String> = all_identities(second.addr, &pool_id).into_iter().collect();
    assert_eq!(
        after, answered,
        "every answered identity is there after kill -9, and no other"
    );
    let (status, tags) = call(
        second.addr,
        "ListTagsForResource",
        &json!({"ResourceArn": arn}),
    );
    assert_eq!((status, &tags["Tags"]), (200, &json!({"last": "write"})));
    let (status, found) = call(
        second.addr,
        "LookupDeveloperIdentity",
        &json!({"IdentityPoolId": pool_id, "DeveloperUserIdentifier": "user-1"}),
    );
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["IdentityId"], token["IdentityId"]);
    // The signing key was kept: a token from before the crash is still a valid login.
    let (status, out) = call(
        second.addr,
        "GetOpenIdToken",
        &json!({"IdentityId": token["IdentityId"], "Logins": {"cognito-identity.amazonaws.com": token["Token"]}}),
    );
    assert_eq!(status, 200, "{out}");
    drop(second);
}

#[test]
fn a_second_server_on_the_same_data_dir_refuses_to_start() {
    let dir = scratch_dir("locked");
    let data = dir.to_string_lossy().into_owned();
    let first = Process::start(&["--port", "0", "--data-dir", &data, "--log-level", "off"]);
    let second = std::process::Command::new(env!("CARGO_BIN_EXE_cognito-identity-local"))
        .args(["--port", "0", "--data-dir", &data])
        .output()
        .expect("running a second emulator");
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("locked"), "{stderr}");
    drop(first);
}

#[test]
fn a_stopped_server_exits_cleanly_on_sigterm() {
    let process = Process::start(&["--port", "0", "--in-memory", "--log-level", "off"]);
    let pid = process.child.id().to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("running kill");
    assert!(status.success());
    let mut process = process;
    let exit = process.child.wait().expect("waiting for the emulator");
    assert!(exit.success(), "exit after SIGTERM: {exit}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients_lose_and_duplicate_nothing() {
    const CLIENTS: usize = 16;
    const EACH: usize = 25;
    let running = cognito_identity_local::start(
        cognito_identity_local::Options {
            log_level: cognito_identity_local::Level::Off,
            ..Default::default()
        },
        false,
    )
    .await
    .expect("the emulator starts");
    let addr = running.local_addr();
    let (status, pool) = tokio::task::spawn_blocking(move || {
        call(
            addr,
            "CreateIdentityPool",
            &json!({"IdentityPoolName": "busy", "AllowUnauthenticatedIdentities": true,
                    "SupportedLoginProviders": {"graph.facebook.com": "123"}}),
        )
    })
    .await
    .expect("the request task");
    assert_eq!(status, 200, "{pool}");
    let pool_id = pool["IdentityPoolId"].as_str().unwrap().to_owned();
    let arn = format!("arn:aws:cognito-identity:us-east-1:123456789012:identitypool/{pool_id}");

    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let pool_id = pool_id.clone();
        let arn = arn.clone();
        tasks.push(tokio::task::spawn_blocking(move || {
            let mut own = HashMap::new();
            let mut shared = BTreeSet::new();
            for n in 0..EACH {
                let login = format!("user-{c}-{n}");
                let (status, out) = call(
                    addr,
                    "GetId",
                    &json!({"IdentityPoolId": pool_id, "Logins": {"graph.facebook.com": login}}),
                );
                assert_eq!(status, 200, "{out}");
                own.insert(login, out["IdentityId"].as_str().unwrap().to_owned());
                // Everyone also signs in as the same user at once.
                let (status, out) = call(
                    addr,
                    "GetId",
                    &json!({"IdentityPoolId": pool_id, "Logins": {"graph.facebook.com": "everyone"}}),
                );
                assert_eq!(status, 200, "{out}");
                shared.insert(out["IdentityId"].as_str().unwrap().to_owned());
            }
            // Read-modify-write of the pool's tags from every client.
            for t in 0..3 {
                let (status, out) = call(
                    addr,
                    "TagResource",
                    &json!({"ResourceArn": arn, "Tags": {format!("c{c}-t{t}"): "v"}}),
                );
                assert_eq!(status, 200, "{out}");
            }
            (own, shared)
        }));
    }
    let mut by_login = HashMap::new();
    let mut shared = BTreeSet::new();
    for task in tasks {
        let (own, s) = task.await.expect("a client task");
        by_login.extend(own);
        shared.extend(s);
    }
    assert_eq!(
        shared.len(),
        1,
        "the same login got one identity: {shared:?}"
    );
    let distinct: BTreeSet<&String> = by_login.values().collect();
    assert_eq!(
        distinct.len(),
        CLIENTS * EACH,
        "each login got its own identity"
    );

    let listed = tokio::task::spawn_blocking(move || all_identities(addr, &pool_id))
        .await
        .expect("listing");
    let listed_set: BTreeSet<&String> = listed.iter().collect();
    assert_eq!(listed.len(), listed_set.len(), "no identity listed twice");
    assert_eq!(listed.len(), CLIENTS * EACH + 1);
    for id in distinct
        .iter()
        .chain(shared.iter().collect::<Vec<_>>().iter())
    {
        assert!(listed_set.contains(id), "{id} is stored");
    }
    let (status, tags) = tokio::task::spawn_blocking(move || {
        call(addr, "ListTagsForResource", &json!({"ResourceArn": arn}))
    })
    .await
    .expect("listing tags");
    assert_eq!(status, 200);
    assert_eq!(
        tags["Tags"].as_object().map(|t| t.len()),
        Some(CLIENTS * 3),
        "no tag write was lost: {tags}"
    );
    running.shutdown().await.expect("shutdown");
}
