//! `vpn-soak --endpoint URL [--tasks 50] [--operations 1000] [--seed 1]`: the soak
//! (`vpn_bench::soak`) as a process of its own, so that its peak memory is the client's alone.
//! Prints the report as JSON on stdout; exits 1 when the check finds a duplicate, an orphan,
//! a missing resource, or tokens spent beyond the budget.

use std::process::ExitCode;

use clap::Parser;
use vpn_bench::soak::{self, Settings};

/// Runs the soak against a running emulator (start it with `--fault-mix 10%`).
#[derive(Debug, Parser)]
#[command(name = "vpn-soak")]
struct Args {
    /// The emulator's URL (as `vpn-emulator` prints it).
    #[arg(long, value_name = "URL")]
    endpoint: String,
    /// The project (32 hexadecimal characters).
    #[arg(long, default_value = "0123456789abcdef0123456789abcdef")]
    project: String,
    /// Concurrent tasks.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    tasks: u64,
    /// Operations in all.
    #[arg(long, default_value_t = 1000)]
    operations: usize,
    /// The seed of the tasks' choices.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let settings = Settings {
        endpoint: args.endpoint,
        project: args.project,
        tasks: args.tasks as usize,
        operations: args.operations,
        seed: args.seed,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("vpn-soak: cannot start a runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(soak::run(&settings)) {
        Ok(report) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
            match report.problems() {
                problems if problems.is_empty() => ExitCode::SUCCESS,
                problems => {
                    eprintln!("vpn-soak: {}", problems.join("; "));
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            eprintln!("vpn-soak: {e}");
            ExitCode::FAILURE
        }
    }
}
