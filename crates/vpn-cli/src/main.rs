//! `hcvpn`: a command-line tool for the Huawei Cloud / Open Telekom Cloud VPN API, on the
//! generated `huaweicloud-vpn` client. See `hcvpn --help`.

mod body;
mod cli;
mod cmd;
mod context;
mod error;
mod output;
mod poll;
mod validate;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::context::Context;
use crate::error::{CliError, EXIT_API};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(error::EXIT_USAGE));
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot start the async runtime: {e}"
            );
            return ExitCode::from(EXIT_API);
        }
    };
    let ctx = Context::new(cli.global);
    let result: Result<(), CliError> = runtime.block_on(cmd::run(cli.command, &ctx));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{}", e.report());
            ExitCode::from(e.exit_code())
        }
    }
}
