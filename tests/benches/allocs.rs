//! Heap allocations and bytes allocated per call, for the scenarios `client.rs` times, and for
//! the stages of those calls taken one at a time, so a regression can be traced to its stage.
//!
//! Run with `cargo bench -p tests --bench allocs`. The counting allocator lives in the
//! `bench-alloc-counter` crate, because it needs an `unsafe impl` that the workspace lints
//! forbid here. Each figure is the average over 10,000 calls after 1,000 warm-up calls, so
//! one-off costs (the runtime's first poll, lazily built statics) do not show. A reallocation
//! counts as one allocation of its new size. This file does not time anything: the counter
//! would skew the clock, so `client.rs` and `sequential.rs` run without it.

mod common;

use std::future::Future;
use std::hint::black_box;
use std::process::ExitCode;

use bench_alloc_counter::{CountingAllocator, Counts};
use bytes::Bytes;
use cognito_identity::error::GetCredentialsForIdentityError;
use cognito_identity::runtime::wire::error::ErrorResponse;
use cognito_identity::runtime::{http, InMemoryTransport, OperationError, Transport};
use cognito_identity::types::{GetCredentialsForIdentityInput, GetCredentialsForIdentityResponse};
use cognito_identity::CognitoIdentity;
use common::{Scenario, GET_CREDS_BODY, IDENTITY_ID, NOT_AUTHORIZED_BODY};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const WARM_UP_CALLS: u64 = 1_000;
const COUNTED_CALLS: u64 = 10_000;

fn main() -> ExitCode {
    common::exit_code(run())
}

/// Runs `call` after a warm-up and prints what one call allocates on average.
async fn report<F, Fut>(label: &str, mut call: F) -> Result<(), String>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    for _ in 0..WARM_UP_CALLS {
        call().await?;
    }
    let before = Counts::now();
    for _ in 0..COUNTED_CALLS {
        call().await?;
    }
    let spent = Counts::now().since(before);
    println!(
        "{label:58} {:6.1} allocs/call  {:7.0} bytes allocated/call",
        spent.allocations as f64 / COUNTED_CALLS as f64,
        spent.bytes as f64 / COUNTED_CALLS as f64,
    );
    Ok(())
}

fn run() -> Result<(), String> {
    let runtime = common::runtime()?;
    runtime.block_on(async {
        println!("whole calls");
        for scenario in Scenario::ALL {
            let fixture = scenario.fixture()?;
            fixture
                .verify()
                .await
                .map_err(|e| format!("{}: {e}", scenario.name()))?;
            report(scenario.name(), || fixture.call()).await?;
            // One request per call: a retry would multiply the counts.
            let expected = 1 + WARM_UP_CALLS + COUNTED_CALLS;
            if let Some(sent) = fixture.requests_sent() {
                if u64::try_from(sent).ok() != Some(expected) {
                    return Err(format!(
                        "{}: {sent} requests for {expected} calls",
                        scenario.name()
                    ));
                }
            }
        }
        println!();
        println!("client/get_credentials_for_identity, stage by stage");
        client_stages().await?;
        println!();
        println!("server/get_credentials_for_identity, stage by stage");
        server_stages().await
    })
}

/// The request the client builds around a body: the same method, URI and headers.
fn client_request(uri: &http::Uri, body: Bytes) -> http::Request<Bytes> {
    let mut request = common::get_creds_request_with(body);
    *request.uri_mut() = uri.clone();
    request
}

async fn client_stages() -> Result<(), String> {
    let uri: http::Uri = "https://cognito-identity.us-east-1.amazonaws.com/"
        .parse()
        .map_err(|e| format!("the endpoint does not parse: {e}"))?;
    let input = GetCredentialsForIdentityInput::new(IDENTITY_ID);
    let body = Bytes::from(serde_json::to_vec(&input).map_err(|e| e.to_string())?);
    let ok = InMemoryTransport::canned(200, GET_CREDS_BODY);
    let denied = InMemoryTransport::canned(400, NOT_AUTHORIZED_BODY);
    let denied_response = denied
        .send(client_request(&uri, body.clone()))
        .await
        .map_err(|e| e.to_string())?;

    report("1 build the input", || async {
        black_box(GetCredentialsForIdentityInput::new(IDENTITY_ID));
        Ok(())
    })
    .await?;
    report(
        "2 serialise it (serde_json::to_vec + Bytes::from)",
        || async {
            let bytes = serde_json::to_vec(&input).map_err(|e| e.to_string())?;
            black_box(Bytes::from(bytes));
            Ok(())
        },
    )
    .await?;
    report(
        "3 = 2, plus the Bytes::clone each attempt takes",
        || async {
            let fresh = Bytes::from(serde_json::to_vec(&input).map_err(|e| e.to_string())?);
            black_box(fresh.clone());
            Ok(())
        },
    )
    .await?;
    report(
        "4 build the HTTP request (URI clone, two headers)",
        || async {
            black_box(client_request(&uri, body.clone()));
            Ok(())
        },
    )
    .await?;
    report("5 build the request and send it (canned 200)", || async {
        let response = ok.send(client_request(&uri, body.clone())).await;
        black_box(response.map_err(|e| e.to_string())?);
        Ok(())
    })
    .await?;
    report("6 parse the 200 body into the output", || async {
        let output: GetCredentialsForIdentityResponse =
            serde_json::from_str(GET_CREDS_BODY).map_err(|e| e.to_string())?;
        black_box(output);
        Ok(())
    })
    .await?;
    report(
        "7 read the 400 error code and message (ErrorResponse)",
        || async {
            black_box(ErrorResponse::from_response(&denied_response));
            Ok(())
        },
    )
    .await?;
    report("8 ... and turn it into the operation's error", || async {
        let response = ErrorResponse::from_response(&denied_response);
        black_box(GetCredentialsForIdentityError::from_response(&response));
        Ok(())
    })
    .await
}

async fn server_stages() -> Result<(), String> {
    let handler = common::CannedHandler::new()?;
    let request = common::get_creds_request();
    let output: GetCredentialsForIdentityResponse =
        serde_json::from_str(GET_CREDS_BODY).map_err(|e| e.to_string())?;

    report("1 build the request (two headers)", || async {
        black_box(common::get_creds_request());
        Ok(())
    })
    .await?;
    report("2 find the operation (X-Amz-Target)", || async {
        let name = cognito_identity::runtime::server::router::operation_name(
            &request,
            "AWSCognitoIdentityService",
        );
        black_box(name.map_err(|e| e.message())?);
        Ok(())
    })
    .await?;
    report("3 read and validate the input", || async {
        // The shape is read only when an input does not parse, which this one does.
        let input = cognito_identity::runtime::server::router::read_input::<
            GetCredentialsForIdentityInput,
        >(
            request.body(),
            &cognito_identity::runtime::wire::validate::Shape::Structure(&[]),
        );
        black_box(input.map_err(|e| e.message())?);
        Ok(())
    })
    .await?;
    report("4 run the handler (clones the canned output)", || async {
        let input = GetCredentialsForIdentityInput::new(IDENTITY_ID);
        let result = handler.get_credentials_for_identity(input).await;
        black_box(result.map_err(|e| e.to_string())?);
        Ok(())
    })
    .await?;
    report("5 write the output response", || async {
        black_box(cognito_identity::runtime::server::router::output_response(
            &output,
            "application/x-amz-json-1.1",
        ));
        Ok(())
    })
    .await
}
