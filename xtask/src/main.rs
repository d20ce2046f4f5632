//! The `xtask` binary (`cargo xtask`): parses the command line and runs the command.
//!
//! It only maps outcomes to exit statuses (0 success, 1 failure or stale files, 2 usage
//! error) and prints errors with every cause; the work is in the library.

use std::process::ExitCode;

use xtask::cli;

fn main() -> ExitCode {
    let command = match cli::parse(std::env::args_os().skip(1)) {
        Ok(command) => command,
        Err(err) => {
            eprintln!("{}", err.report());
            return ExitCode::from(2);
        }
    };
    match cli::run(command) {
        Ok(code) => code,
        Err(err) => {
            // Model and codegen errors may span several lines (one per problem); print them
            // whole, then every added context.
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}
