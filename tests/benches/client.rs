//! Criterion timings of one call per scenario: the client over a canned in-memory transport
//! (GetCredentialsForIdentity with a realistic body, its NotAuthorizedException answer, GetId
//! with a login) and one GetCredentialsForIdentity request through the server router.
//!
//! Run with `cargo bench -p tests --bench client`. Each batch of iterations runs inside one
//! `block_on` of a current-thread tokio runtime and is timed from inside, so the figure is the
//! call itself plus an amortised share of one `block_on`, the way a sequential caller on such a
//! runtime pays for it. Every scenario is checked once against its canned body before it is
//! timed, and any failed call while timing fails the run, so a broken path cannot look fast.
//! This file does not count allocations: `allocs.rs` does, with its own allocator.

mod common;

use std::cell::{Cell, RefCell};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use common::Scenario;
use criterion::Criterion;

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
    let runtime = common::runtime()?;
    for scenario in Scenario::ALL {
        let fixture = scenario.fixture()?;
        runtime
            .block_on(fixture.verify())
            .map_err(|e| format!("{}: {e}", scenario.name()))?;
        // The first failure seen while timing; reported after the benchmark so the timed
        // loop does no formatting or unwinding of its own.
        let failure: RefCell<Option<String>> = RefCell::new(None);
        let calls = Cell::new(1_u64);
        criterion.bench_function(scenario.name(), |b| {
            b.iter_custom(|iterations| {
                calls.set(calls.get() + iterations);
                runtime.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iterations {
                        if let Err(e) = fixture.call().await {
                            failure.borrow_mut().get_or_insert(e);
                        }
                    }
                    let elapsed: Duration = start.elapsed();
                    elapsed
                })
            });
        });
        if let Some(e) = failure.into_inner() {
            return Err(format!("{}: a timed call failed: {e}", scenario.name()));
        }
        // One request per call: a retry would mean the timing is not of one call.
        if let Some(sent) = fixture.requests_sent() {
            if u64::try_from(sent).ok() != Some(calls.get()) {
                return Err(format!(
                    "{}: {sent} requests for {} calls",
                    scenario.name(),
                    calls.get()
                ));
            }
        }
    }
    Ok(())
}
