//! The `cognito-identity-local` command: parses the command line, starts the emulator,
//! prints the URL it serves as the first line on standard output, and serves until SIGINT or
//! SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use cognito_identity_local::cli::{self, Command};

fn main() -> ExitCode {
    let args = std::env::args().skip(1);
    let options = match cli::parse(args, std::env::var("COGNITO_LOCAL_LOG").ok()) {
        Ok(Command::Serve(options)) => *options,
        Ok(Command::Help) => {
            print!("{}", cli::HELP);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("cognito-identity-local: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cognito-identity-local: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let running = match cognito_identity_local::start(options, true).await {
            Ok(running) => running,
            Err(e) => {
                eprintln!("cognito-identity-local: {e}");
                return ExitCode::FAILURE;
            }
        };
        {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", running.url());
            let _ = out.flush();
        }
        match running.wait().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("cognito-identity-local: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
