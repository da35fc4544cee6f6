//! `cargo xtask <command>`: see `cargo xtask help`.
//!
//! The command line is clap's (derive): usage errors exit with 2, `help`, `--help` and `-h`
//! print the help and exit with 0.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

mod bench;

use xtask::generate::{self, FIX_HINT, GenerateError};
use xtask::spec;

/// Generate, lint, compare and benchmark the VPN client.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    arg_required_else_help = true,
    disable_help_subcommand = true
)]
struct Cli {
    /// Act on the workspace at DIR (default: this one)
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint every spec under openapi/ and rewrite the generated client modules
    Generate {
        /// Fail with a diff if the generated modules are stale (writes nothing)
        #[arg(long)]
        check: bool,
    },
    /// Lint every spec under openapi/ (file, JSON pointer and rule per finding)
    Lint,
    /// What changed between specs (working tree vs REV, default HEAD; or two files), on the
    /// wire and in the generated Rust API
    Diff(xtask::diff::cli::DiffArgs),
    /// The performance comparison with the peers as a markdown table
    Bench(bench::Options),
    /// Print this message or the help of the given subcommand
    // Ours, not clap's, so that `help` takes `--root` like every other command.
    Help {
        /// The command to explain
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.unwrap_or_else(spec::workspace_root);
    match cli.command {
        Command::Generate { check } => generate(&root, check),
        Command::Lint => lint(&root),
        Command::Diff(args) => ExitCode::from(xtask::diff::cli::execute(&root, &args.into())),
        Command::Bench(options) => bench::run(&root, &options),
        Command::Help { command } => help(command.as_deref()),
    }
}

/// Prints the help of the whole command or of one subcommand (exit 0), or refuses an unknown
/// one as clap refuses any bad usage (exit 2).
fn help(command: Option<&str>) -> ExitCode {
    let mut cli = Cli::command();
    cli.build();
    let printed = match command {
        None => cli.print_help(),
        Some(name) => match cli.find_subcommand_mut(name) {
            Some(sub) => sub.print_help(),
            None => {
                let error = cli.error(
                    clap::error::ErrorKind::InvalidSubcommand,
                    format!("no command `{name}`"),
                );
                let _ = error.print();
                return ExitCode::from(2);
            }
        },
    };
    match printed {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("printing the help: {error}");
            ExitCode::FAILURE
        }
    }
}

fn generate(root: &Path, check: bool) -> ExitCode {
    let generated = match generate::generate_all(root) {
        Ok(generated) => generated,
        Err(error @ GenerateError::Lint(_)) | Err(error @ GenerateError::Other(_)) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    if check {
        let stale = generate::stale_files(root, &generated);
        if stale.is_empty() {
            println!("generated code is up to date ({} files)", generated.len());
            return ExitCode::SUCCESS;
        }
        for entry in &stale {
            eprintln!("{}", entry.diff);
        }
        eprintln!("{} file(s) differ. {FIX_HINT}", stale.len());
        return ExitCode::FAILURE;
    }
    match generate::write(root, &generated) {
        Ok(written) if written.is_empty() => {
            println!("generated code is up to date ({} files)", generated.len())
        }
        Ok(written) => {
            for path in &written {
                println!("wrote {}", path.display());
            }
        }
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn lint(root: &Path) -> ExitCode {
    let specs = match generate::load_all(root) {
        Ok(specs) => specs,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let findings = generate::lint_all(&specs);
    for finding in &findings {
        eprintln!("{finding}");
    }
    if findings.is_empty() {
        println!("{} spec(s) lint clean", specs.len());
        ExitCode::SUCCESS
    } else {
        eprintln!("{} finding(s)", findings.len());
        ExitCode::FAILURE
    }
}
