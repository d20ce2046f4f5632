//! Fixed-iteration timings, built to compare like for like with the official SDK's baseline:
//! each run makes N sequential calls of one scenario on a current-thread tokio runtime inside
//! a single `block_on`, rounds interleave the scenarios so a slow spell of a shared machine
//! hits them all alike, and each scenario reports the median of its runs.
//!
//! Run with `cargo bench -p tests --bench sequential -- [calls_per_run=200000] [runs=5]
//! [NAME...]`. Each NAME keeps only the scenarios whose id contains it (`get_id`, `signed`),
//! so a profiler can watch one call alone. Flags cargo passes to every bench (`--bench`) are
//! ignored. Each scenario is warmed up with 2,000 calls and checked against its canned body first, and the count of requests that
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

/// What the command line asks for: calls per run, runs, and the words that pick scenarios.
struct Args {
    calls: usize,
    runs: usize,
    names: Vec<String>,
}

/// The positional arguments, skipping flags: numbers first, then scenario names.
fn args() -> Result<Args, String> {
    let mut numbers = Vec::new();
    let mut names = Vec::new();
    for arg in std::env::args().skip(1).filter(|a| !a.starts_with('-')) {
        match arg.parse::<usize>() {
            Ok(n) if names.is_empty() => numbers.push(n),
            Ok(_) => return Err(format!("`{arg}`: numbers go before scenario names")),
            Err(_)
                if Scenario::ALL
                    .iter()
                    .any(|s| s.name().contains(arg.as_str())) =>
            {
                names.push(arg)
            }
            Err(_) => {
                return Err(format!(
                    "`{arg}` is neither a number nor part of a scenario id"
                ))
            }
        }
    }
    if numbers.len() > 2 {
        return Err("at most two numbers: calls per run, then runs".to_owned());
    }
    let calls = numbers.first().copied().unwrap_or(200_000);
    let runs = numbers.get(1).copied().unwrap_or(5);
    if calls == 0 || runs == 0 {
        return Err("calls per run and runs must be positive".to_owned());
    }
    Ok(Args { calls, runs, names })
}

fn run() -> Result<(), String> {
    let Args { calls, runs, names } = args()?;
    println!(
        "calls/run={calls} runs={runs} runtime=tokio current_thread, scenarios interleaved per round"
    );
    let runtime = common::runtime()?;
    let mut setups: Vec<(Scenario, Fixture, Vec<f64>)> = Vec::new();
    let picked = Scenario::ALL
        .into_iter()
        .filter(|s| names.is_empty() || names.iter().any(|n| s.name().contains(n.as_str())));
    for scenario in picked {
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
