//! Fixed-iteration timings, built to compare like for like with the official SDK's baseline:
//! each run makes N sequential calls of one scenario on a current-thread tokio runtime inside
//! a single `block_on`, rounds interleave the scenarios so a slow spell of a shared machine
//! hits them all alike, and each scenario reports the median of its runs.
//!
//! Run with `cargo bench -p tests --bench sequential -- [calls_per_run=200000] [runs=5]`.
//! Flags cargo passes to every bench (`--bench`) are ignored. Each scenario is warmed up with
//! 2,000 calls and checked against its canned body first, and the count of requests that
//! reached the transport is printed so a retry loop could not go unnoticed. This file does not
//! count allocations: `allocs.rs` does.

mod common;

use std::process::ExitCode;
use std::time::Instant;

use common::{Fixture, Scenario};

const WARM_UP_CALLS: usize = 2_000;

fn main() -> ExitCode {
    common::exit_code(run())
}

/// The positional numbers on the command line, skipping flags.
fn numbers() -> Result<(usize, usize), String> {
    let mut numbers = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .map(|a| a.parse::<usize>().map_err(|e| format!("`{a}`: {e}")));
    let calls = numbers.next().transpose()?.unwrap_or(200_000);
    let runs = numbers.next().transpose()?.unwrap_or(5);
    if calls == 0 || runs == 0 {
        return Err("calls per run and runs must be positive".to_owned());
    }
    Ok((calls, runs))
}

fn run() -> Result<(), String> {
    let (calls, runs) = numbers()?;
    println!(
        "calls/run={calls} runs={runs} runtime=tokio current_thread, scenarios interleaved per round"
    );
    let runtime = common::runtime()?;
    let mut setups: Vec<(Scenario, Fixture, Vec<f64>)> = Vec::new();
    for scenario in Scenario::ALL {
        let fixture = scenario.fixture()?;
        runtime.block_on(async {
            fixture.verify().await?;
            for _ in 0..WARM_UP_CALLS {
                fixture.call().await?;
            }
            Ok::<(), String>(())
        })?;
        setups.push((scenario, fixture, Vec::with_capacity(runs)));
    }
    for _ in 0..runs {
        for (scenario, fixture, times) in &mut setups {
            let nanos = runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..calls {
                    fixture.call().await?;
                }
                Ok::<f64, String>(start.elapsed().as_nanos() as f64)
            });
            let nanos = nanos.map_err(|e| format!("{}: {e}", scenario.name()))?;
            times.push(nanos / calls as f64);
        }
    }
    for (scenario, fixture, times) in &setups {
        let mut sorted = times.clone();
        sorted.sort_by(f64::total_cmp);
        let (Some(min), Some(max)) = (sorted.first(), sorted.last()) else {
            return Err("no runs were made".to_owned());
        };
        let median = sorted.get(sorted.len() / 2).unwrap_or(min);
        let requests = match fixture.requests_sent() {
            Some(n) => format!(
                "  requests={n} (expected {})",
                1 + WARM_UP_CALLS + calls * runs
            ),
            None => String::new(),
        };
        let rounded: Vec<u64> = times.iter().map(|t| t.round() as u64).collect();
        println!(
            "{:40} median {median:7.0} ns/call  min {min:7.0}  max {max:7.0}  runs {rounded:?}{requests}",
            scenario.name(),
        );
    }
    Ok(())
}
