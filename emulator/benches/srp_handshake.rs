//! The latency of a whole SRP sign-in against a running emulator: `InitiateAuth` with
//! `USER_SRP_AUTH`, the client's half of SRP (`cognito-srp`), and `RespondToAuthChallenge`
//! with the password claim, one sign-in after another over one keep-alive client, as an app
//! signs in. Prints the p50, p99 and maximum in milliseconds. `emulator/bench/user_pools.sh
//! --srp N` runs it against a seeded emulator.
//!
//! cargo bench -p cognito-identity-local --bench srp_handshake -- URL POOL_ID CLIENT_ID USER PASSWORD [N]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aws_json_runtime::auth::credentials::Credentials;
use cognito_identity_provider::types::*;
use cognito_identity_provider::{Client, Config};

fn usage() -> ! {
    eprintln!("usage: srp_handshake URL POOL_ID CLIENT_ID USER PASSWORD [N]");
    std::process::exit(2)
}

/// One sign-in; the time it took.
async fn sign_in(
    c: &Client,
    pool_id: &str,
    client_id: &str,
    user: &str,
    password: &str,
) -> Result<Duration, String> {
    let began = Instant::now();
    let pool = cognito_srp::PoolName::from_user_pool_id(pool_id).map_err(|e| e.to_string())?;
    let srp = cognito_srp::Client::new(pool).map_err(|e| e.to_string())?;
    let mut start = InitiateAuthRequest::new(AuthFlowType::UserSrpAuth, client_id);
    start.auth_parameters = Some(HashMap::from([
        ("USERNAME".to_owned(), user.to_owned()),
        ("SRP_A".to_owned(), srp.srp_a().to_owned()),
    ]));
    let started = c.initiate_auth(start).await.map_err(|e| e.to_string())?;
    let p = started
        .challenge_parameters
        .ok_or("InitiateAuth answered no challenge")?;
    let get = |name: &str| {
        p.get(name)
            .cloned()
            .ok_or(format!("the challenge has no {name}"))
    };
    let challenge = cognito_srp::Challenge::new(
        &get("USER_ID_FOR_SRP")?,
        &get("SALT")?,
        &get("SRP_B")?,
        &get("SECRET_BLOCK")?,
    )
    .map_err(|e| e.to_string())?;
    let claim = srp
        .respond(&challenge, password, cognito_srp::Timestamp::now())
        .map_err(|e| e.to_string())?;
    let mut respond =
        RespondToAuthChallengeRequest::new(client_id, ChallengeNameType::PasswordVerifier);
    respond.session = started.session;
    respond.challenge_responses = Some(HashMap::from([
        ("USERNAME".to_owned(), get("USER_ID_FOR_SRP")?),
        (
            "PASSWORD_CLAIM_SECRET_BLOCK".to_owned(),
            claim.secret_block().to_owned(),
        ),
        (
            "PASSWORD_CLAIM_SIGNATURE".to_owned(),
            claim.signature().to_owned(),
        ),
        (
            "TIMESTAMP".to_owned(),
            claim.timestamp().as_str().to_owned(),
        ),
    ]));
    let done = c
        .respond_to_auth_challenge(respond)
        .await
        .map_err(|e| e.to_string())?;
    done.authentication_result
        .and_then(|r| r.access_token)
        .ok_or("the sign-in issued no tokens")?;
    Ok(began.elapsed())
}

fn main() {
    // `cargo bench` passes `--bench`; the rest are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [url, pool_id, client_id, user, password, rest @ ..] = args.as_slice() else {
        usage()
    };
    let n: usize = match rest {
        [] => 200,
        [n] => n.parse().unwrap_or_else(|_| usage()),
        _ => usage(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let client = Client::new(
        Config::builder()
            .region("us-east-1")
            .endpoint_url(url)
            .credentials(Credentials::new(
                "AKIDEXAMPLE",
                "secret",
                None,
                None,
                "bench",
            ))
            .build(),
    );
    let mut times = Vec::with_capacity(n);
    runtime.block_on(async {
        // One sign-in first, so the pool's key and the connection are warm.
        for i in 0..=n {
            match sign_in(&client, pool_id, client_id, user, password).await {
                Ok(t) if i > 0 => times.push(t),
                Ok(_) => {}
                Err(e) => {
                    eprintln!("SRP sign-in {i} failed: {e}");
                    std::process::exit(1);
                }
            }
        }
    });
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "SRP sign-in: {n} in a row, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(at(0.50)),
        ms(at(0.99)),
        ms(at(1.0))
    );
}
