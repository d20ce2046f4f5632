//! Our client over a real loopback HTTP connection, measured the way the official SDK's
//! loopback baseline measures itself, against the same canned server.
//!
//! Run `cargo bench -p tests --bench loopback -- URL [calls=20000] [concurrency=16]
//! [transport] [part] [--block-on]`, where URL is the canned server's address
//! (`http://127.0.0.1:PORT`), transport is `ours` (the default, the runtime's HTTPS
//! transport) or `hyper-util` (hyper-util's pooled client, which runs each connection in a
//! task of its own, for comparison), and part is `all` (the default: every scenario),
//! `floor` (what the harness's floor client measures: GetCredentialsForIdentity
//! sequentially, then concurrently) or `concurrent` (the concurrent run alone, for
//! profiling). For each scenario it warms the connection pool, then reports the median of
//! five rounds of sequential calls in µs per call; last it spreads GetCredentialsForIdentity
//! calls over concurrent tasks and reports calls per second. Unsigned calls carry no
//! credentials; the signed one uses the SigV4 test key.
//!
//! The set-up: a multi-thread tokio runtime with its default workers (one per core), and
//! every call made in a task spawned on it, the sequential ones in one task and the
//! concurrent ones in `concurrency` tasks, as a service's handlers make them. The floor
//! client, for comparison, makes its sequential exchanges on one thread and its concurrent
//! ones on `concurrency` threads, with blocking I/O. The SDK's harness makes its sequential
//! calls from `block_on` on the main thread, which adds a hop between threads to every call
//! (the runtime's I/O is polled by a worker, which then wakes the main thread); `--block-on`
//! makes them the same way, to line up with its figures.

// This bench uses only the shared bodies' ids and inputs, not the in-memory fixtures.
#[allow(dead_code)]
mod common;

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use bytes::Bytes;
use cognito_identity::runtime::auth::credentials::Credentials;
use cognito_identity::runtime::base::http::{
    BoxFuture, HttpRequest, HttpResponse, TransportError, TransportErrorKind,
};
use cognito_identity::runtime::client::https::HttpsTransport;
use cognito_identity::runtime::Transport;
use cognito_identity::types::{DescribeIdentityPoolInput, GetCredentialsForIdentityInput};
use cognito_identity::{Client, Config};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

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

/// hyper-util's pooled client as a transport: the comparison for the runtime's own.
struct HyperUtil(hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>);

impl HyperUtil {
    fn new() -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client =
            hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build(connector);
        HyperUtil(client)
    }
}

impl Transport for HyperUtil {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let failed =
            |e: &dyn std::fmt::Display| TransportError::new(TransportErrorKind::Io, e.to_string());
        Box::pin(async move {
            let response = self
                .0
                .request(request.map(Full::new))
                .await
                .map_err(|e| failed(&e))?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(|e| failed(&e))?;
            Ok(http::Response::from_parts(parts, body.to_bytes()))
        })
    }
}

/// What a run measures.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Every scenario's sequential rounds, then the concurrent run.
    All,
    /// What the floor measures: GetCredentialsForIdentity's sequential rounds, then the
    /// concurrent run.
    Floor,
    /// The concurrent run alone (for profiling it).
    Concurrent,
}

/// The command line: URL, calls, concurrency, transport and part.
struct Arguments {
    url: String,
    calls: usize,
    concurrency: usize,
    hyper_util: bool,
    part: Part,
}

const USAGE: &str =
    "usage: loopback URL [calls] [concurrency] [ours|hyper-util] [all|floor|concurrent] [--block-on]";

fn arguments() -> Result<Arguments, String> {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with('-'));
    let url = args.next().ok_or(USAGE)?;
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
    let hyper_util = match args.next().as_deref() {
        None | Some("ours") => false,
        Some("hyper-util") => true,
        Some(other) => {
            return Err(format!(
                "`{other}`: the transport is `ours` or `hyper-util`"
            ))
        }
    };
    let part = match args.next().as_deref() {
        None | Some("all") => Part::All,
        Some("floor") => Part::Floor,
        Some("concurrent") => Part::Concurrent,
        Some(other) => {
            return Err(format!(
                "`{other}`: the part is `all`, `floor` or `concurrent`"
            ))
        }
    };
    Ok(Arguments {
        url,
        calls,
        concurrency,
        hyper_util,
        part,
    })
}

async fn run(args: Arguments) -> Result<(), String> {
    let Arguments {
        url,
        calls,
        concurrency,
        hyper_util,
        part,
    } = args;
    let builder = if hyper_util {
        println!("transport: hyper-util's pooled client");
        Config::builder().transport(HyperUtil::new())
    } else {
        println!("transport: the runtime's HTTPS transport");
        Config::builder().transport(HttpsTransport::new())
    };
    let config = builder
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
    let scenarios = match part {
        Part::All => &SCENARIOS[..],
        Part::Floor => &SCENARIOS[..1],
        Part::Concurrent => &[],
    };
    for &(_, op) in scenarios {
        for _ in 0..(calls / 10).max(100) {
            call(&client, op).await?;
        }
    }
    for &(name, op) in scenarios {
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
    let result = arguments().and_then(|args| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        if std::env::args().any(|a| a == "--block-on") {
            println!("calls made by the runtime's block_on thread");
            runtime.block_on(run(args))
        } else {
            runtime.block_on(async { tokio::spawn(run(args)).await.map_err(|e| e.to_string())? })
        }
    });
    common::exit_code(result)
}
