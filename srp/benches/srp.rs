//! Criterion timings of both halves of Cognito's SRP, per sign-in:
//!
//! - `client handshake`: a fresh secret and `SRP_A`, reading the challenge, and the
//!   PASSWORD_CLAIM_SIGNATURE: all a client computes to sign in (three powers: g^a, g^x and
//!   the premaster secret's, of 256, 256 and 513 bits).
//! - `server handshake`: starting from `SRP_A` (B = k·v + g^b) and checking the claim (v^u,
//!   then the premaster secret's power): all a server computes per sign-in, with `b` fixed so
//!   one precomputed claim serves every iteration (a random `b` costs the same).
//! - `server start`: InitiateAuth's share alone, with a random `b` and SECRET_BLOCK.
//! - `password check`: USER_PASSWORD_AUTH's check of a plain password (one 256-bit power).
//! - `new verifier`: what SignUp stores (a random salt and one 256-bit power).
//!
//! Run with `cargo bench -p cognito-srp --bench srp`. Each path is checked once before it is
//! timed, so a broken path cannot look fast. Compare with pycognito's client in the same
//! sitting (its `AWSSRP` constructor and `process_challenge`), not with numbers from another
//! day.

use std::hint::black_box;
use std::process::ExitCode;

use cognito_srp::{
    Challenge, Client, PoolName, SecretBlock, SecretExponent, ServerHandshake, Timestamp, Verifier,
};
use criterion::Criterion;

const USER_POOL_ID: &str = "us-east-1_AbCdEfGhI";
const USER_ID: &str = "4e2c0b7a-9a1f-4f3e-8d7c-1b2a3c4d5e6f";
const PASSWORD: &str = "Correct-Horse-9";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("srp bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), cognito_srp::Error> {
    let pool = PoolName::from_user_pool_id(USER_POOL_ID)?;
    let verifier = Verifier::new(&pool, USER_ID, PASSWORD)?;
    let b = SecretExponent::random()?;
    let block = SecretBlock::random()?;
    let timestamp = Timestamp::now();

    // One exchange the server benches replay: a client's A and its claim against a server
    // with a fixed `b`.
    let client = Client::new(pool.clone())?;
    let srp_a = client.srp_a().to_owned();
    let start = || {
        ServerHandshake::start_with(
            pool.clone(),
            USER_ID,
            &verifier,
            &srp_a,
            b.clone(),
            block.clone(),
        )
    };
    let server = start()?;
    let challenge = Challenge::new(
        USER_ID,
        &server.salt(),
        server.srp_b(),
        &server.secret_block(),
    )?;
    let claim = client.respond(&challenge, PASSWORD, timestamp.clone())?;
    server.verify(claim.secret_block(), claim.timestamp(), claim.signature())?;
    let client_handshake = || -> Result<String, cognito_srp::Error> {
        let client = Client::new(pool.clone())?;
        black_box(client.srp_a());
        let challenge = Challenge::new(
            USER_ID,
            &server.salt(),
            server.srp_b(),
            &server.secret_block(),
        )?;
        let claim = client.respond(&challenge, PASSWORD, timestamp.clone())?;
        Ok(claim.signature().to_owned())
    };
    client_handshake()?;
    if !verifier.check_password(&pool, USER_ID, PASSWORD) {
        return Err(cognito_srp::Error::SignatureMismatch);
    }

    let mut criterion = Criterion::default().configure_from_args();
    criterion.bench_function("client handshake", |bench| {
        bench.iter(|| black_box(client_handshake()))
    });
    criterion.bench_function("server handshake", |bench| {
        bench.iter(|| {
            let server = start();
            black_box(server.map(|server| {
                server.verify(claim.secret_block(), claim.timestamp(), claim.signature())
            }))
        })
    });
    criterion.bench_function("server start", |bench| {
        bench.iter(|| {
            black_box(ServerHandshake::start(
                pool.clone(),
                USER_ID,
                &verifier,
                &srp_a,
            ))
        })
    });
    criterion.bench_function("password check", |bench| {
        bench.iter(|| black_box(verifier.check_password(&pool, USER_ID, PASSWORD)))
    });
    criterion.bench_function("new verifier", |bench| {
        bench.iter(|| black_box(Verifier::new(&pool, USER_ID, PASSWORD)))
    });
    criterion.final_summary();
    Ok(())
}
