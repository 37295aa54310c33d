//! `shura`: the e-participation portal's one binary.
//!
//! Errors end the process with one line on stderr and exit code 1, never a backtrace.

use std::process::ExitCode;

use clap::Parser;
use server::{cli, startup};

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    startup::init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: could not start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
