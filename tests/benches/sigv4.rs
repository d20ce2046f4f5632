//! Criterion timings of SigV4 on a typical awsJson call (DescribeIdentityPool: a JSON body,
//! `Content-Type`, `X-Amz-Target`, the user agent and retry headers the client sends):
//! signing a fresh request, re-signing one as a retry does, signing with a session token, and
//! verifying a signed request as a server does.
//!
//! Run with `cargo bench -p tests --bench sigv4`. Each scenario is checked once before it is
//! timed (the signature verifies), so a broken path cannot look fast. The signing key is
//! derived on the first call and then comes from the per-thread cache, as it does for a client
//! that signs many calls.

use std::process::ExitCode;
use std::time::SystemTime;

use aws_json_runtime::auth::credentials::Credentials;
use aws_json_runtime::auth::sigv4::{self, SigningParams, VerifyOptions};
use bytes::Bytes;
use criterion::{BatchSize, Criterion};

fn describe_identity_pool() -> Result<http::Request<Bytes>, String> {
    http::Request::post("https://cognito-identity.us-east-1.amazonaws.com/")
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            "AWSCognitoIdentityService.DescribeIdentityPool",
        )
        .header("content-length", "67")
        .header("user-agent", "cognito-identity/0.1.0 os/linux lang/rust")
        .header("x-amz-user-agent", "cognito-identity/0.1.0")
        .header(
            "amz-sdk-invocation-id",
            "6f1d2c5e-8b1a-4e0f-9d3c-2a7b5e4f1c0d",
        )
        .header("amz-sdk-request", "attempt=1; max=3")
        .body(Bytes::from_static(
            br#"{"IdentityPoolId":"us-east-1:0f3a9c2e-7b1d-4e5f-8a6b-9c0d1e2f3a4b"}"#,
        ))
        .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let mut criterion = Criterion::default().configure_from_args();
    match run(&mut criterion) {
        Ok(()) => {
            criterion.final_summary();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(criterion: &mut Criterion) -> Result<(), String> {
    let long_term = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "bench",
    );
    let temporary = Credentials::new(
        "ASIAEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("IQoJb3JpZ2luX2VjEXAMPLE".repeat(30)),
        None,
        "bench",
    );
    let time = SystemTime::now();
    let params = |credentials| SigningParams {
        credentials,
        region: "us-east-1",
        service: "cognito-identity",
        time,
    };
    let request = describe_identity_pool()?;

    // Check every scenario once: what is timed must be a signature the server accepts.
    let mut signed = request.clone();
    for credentials in [&long_term, &temporary] {
        sigv4::sign(&mut signed, &params(credentials)).map_err(|e| e.to_string())?;
        let lookup = |_: &str| Some(credentials.clone());
        sigv4::verify(&signed, &lookup, &VerifyOptions::at(time)).map_err(|e| e.to_string())?;
    }

    criterion.bench_function("sign awsJson POST", |b| {
        b.iter_batched(
            || request.clone(),
            |mut r| sigv4::sign(&mut r, &params(&long_term)).map(|()| r),
            BatchSize::SmallInput,
        )
    });
    criterion.bench_function("re-sign awsJson POST (retry)", |b| {
        let mut r = request.clone();
        b.iter(|| sigv4::sign(&mut r, &params(&long_term)))
    });
    criterion.bench_function("sign awsJson POST with session token", |b| {
        b.iter_batched(
            || request.clone(),
            |mut r| sigv4::sign(&mut r, &params(&temporary)).map(|()| r),
            BatchSize::SmallInput,
        )
    });
    let mut signed = request.clone();
    sigv4::sign(&mut signed, &params(&long_term)).map_err(|e| e.to_string())?;
    let lookup = |_: &str| Some(long_term.clone());
    let options = VerifyOptions::at(time);
    criterion.bench_function("verify awsJson POST", |b| {
        b.iter(|| sigv4::verify(&signed, &lookup, &options))
    });
    Ok(())
}
