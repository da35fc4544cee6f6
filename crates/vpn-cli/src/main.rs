//! `hcvpn`: a command-line tool for the Huawei Cloud / Open Telekom Cloud VPN API, on the
//! generated `huaweicloud-vpn` client. Every operation of the specs is a subcommand of
//! `hcvpn op`, derived from the operation table at run time; the resource commands
//! (`connection`, `gateway`, ...) map common tasks onto the same generic call. See `--help`.

mod answer_secrets;
mod body;
mod cli;
mod cmd;
mod context;
mod error;
mod invoke;
mod ops;
mod output;
mod poll;

use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;

use crate::cli::{Command, GlobalOpts};
use crate::context::Context;
use crate::error::{CliError, EXIT_API, EXIT_USAGE};
use crate::invoke::Invocation;

/// What the command line asks for.
enum Request {
    /// A convenience command.
    Command(Command),
    /// `hcvpn op <operation> ...`, read into an invocation once the runtime runs.
    Operation(clap::ArgMatches),
}

fn main() -> ExitCode {
    let matches = match cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => return clap_exit(&e),
    };
    let parsed = GlobalOpts::from_arg_matches(&matches).and_then(|global| {
        let request = match matches.subcommand() {
            Some((ops::NAME, sub)) => Request::Operation(sub.clone()),
            _ => Request::Command(Command::from_arg_matches(&matches)?),
        };
        Ok((global, request))
    });
    let (global, request) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => return clap_exit(&e.format(&mut cli::command())),
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
    let ctx = Context::new(global);
    let result: Result<(), CliError> = runtime.block_on(async {
        match request {
            Request::Command(command) => cmd::run(command, &ctx).await,
            Request::Operation(sub) => {
                let invocation = operation_invocation(&sub)?;
                invoke::run(invocation, &ctx).await
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{}", e.report());
            ExitCode::from(e.exit_code())
        }
    }
}

/// The invocation of `hcvpn op <operation> ...`.
fn operation_invocation(sub: &clap::ArgMatches) -> Result<Invocation, CliError> {
    let Some((name, args)) = sub.subcommand() else {
        return Err(CliError::usage(
            "name an operation: hcvpn op --help lists them",
        ));
    };
    let op = ops::operation_of(name)
        .ok_or_else(|| CliError::usage(format!("unknown operation {name}")))?;
    ops::invocation(op, args)
}

/// Help and version go to stdout with 0; usage errors to stderr with 2.
fn clap_exit(error: &clap::Error) -> ExitCode {
    let _ = error.print();
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(EXIT_USAGE))
}
