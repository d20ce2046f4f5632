//! Our client over a real loopback HTTP connection, measured the way the official SDK's
//! loopback baseline measures itself, against the same canned server.
//!
//! Run `cargo bench -p tests --bench loopback -- URL [calls=20000] [concurrency=16]`, where URL
//! is the canned server's address (`http://127.0.0.1:PORT`). For each scenario it warms the
//! connection pool, then reports the median of five rounds of sequential calls in µs per call;
//! last it spreads GetCredentialsForIdentity calls over concurrent tasks and reports calls per
//! second. Unsigned calls carry no credentials; the signed one uses the SigV4 test key.

// This bench uses only the shared bodies' ids and inputs, not the in-memory fixtures.
#[allow(dead_code)]
mod common;

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use cognito_identity::runtime::auth::credentials::Credentials;
use cognito_identity::types::{DescribeIdentityPoolInput, GetCredentialsForIdentityInput};
use cognito_identity::{Client, Config};

use common::{get_id_input, IDENTITY_ID, IDENTITY_POOL_ID};

#[derive(Clone, Copy)]
enum Op {
    GetCredentials,
    GetId,
    DescribePool,
}

const SCENARIOS: [(&str, Op); 3] = [
    ("GetCredentialsForIdentity (unsigned)", Op::GetCredentials),
    ("GetId (unsigned)", Op::GetId),
    ("DescribeIdentityPool (SigV4-signed)", Op::DescribePool),
];

async fn call(client: &Client, op: Op) -> Result<(), String> {
    let failed = |e: &dyn std::fmt::Display| format!("unexpected error: {e}");
    match op {
        Op::GetCredentials => {
            let input = GetCredentialsForIdentityInput::new(IDENTITY_ID);
            let out = client
                .get_credentials_for_identity(input)
                .await
                .map_err(|e| failed(&e))?;
            black_box(out);
        }
        Op::GetId => {
            let out = client
                .get_id(get_id_input())
                .await
                .map_err(|e| failed(&e))?;
            black_box(out);
        }
        Op::DescribePool => {
            let input = DescribeIdentityPoolInput::new(IDENTITY_POOL_ID);
            let out = client
                .describe_identity_pool(input)
                .await
                .map_err(|e| failed(&e))?;
            black_box(out);
        }
    }
    Ok(())
}

fn arguments() -> Result<(String, usize, usize), String> {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with('-'));
    let url = args
        .next()
        .ok_or("usage: loopback URL [calls] [concurrency]")?;
    let mut number = |default: usize| -> Result<usize, String> {
        match args.next() {
            Some(a) => a.parse().map_err(|e| format!("`{a}`: {e}")),
            None => Ok(default),
        }
    };
    let calls = number(20_000)?;
    let concurrency = number(16)?;
    if calls == 0 || concurrency == 0 {
        return Err("calls and concurrency must be positive".to_owned());
    }
    Ok((url, calls, concurrency))
}

async fn run(url: String, calls: usize, concurrency: usize) -> Result<(), String> {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "bench",
        ))
        .build();
    let client = Client::new(config);
    for (_, op) in SCENARIOS {
        for _ in 0..(calls / 10).max(100) {
            call(&client, op).await?;
        }
    }
    for (name, op) in SCENARIOS {
        let mut rounds = Vec::with_capacity(5);
        for _ in 0..5 {
            let start = Instant::now();
            for _ in 0..calls {
                call(&client, op).await?;
            }
            rounds.push(start.elapsed().as_secs_f64() * 1e6 / calls as f64);
        }
        rounds.sort_by(f64::total_cmp);
        let shown: Vec<String> = rounds.iter().map(|r| format!("{r:.1}")).collect();
        println!(
            "{name}: median {:.1} µs/call sequential (rounds {shown:?})",
            rounds[2]
        );
    }
    let per_task = calls / concurrency;
    let start = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    call(&client, Op::GetCredentials).await?;
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.map_err(|e| e.to_string())??;
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "GetCredentialsForIdentity concurrent ({concurrency} tasks): {:.0} calls/s",
        (per_task * concurrency) as f64 / elapsed
    );
    Ok(())
}

fn main() -> ExitCode {
    let result = arguments().and_then(|(url, calls, concurrency)| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(run(url, calls, concurrency))
    });
    common::exit_code(result)
}
