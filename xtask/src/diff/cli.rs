//! `cargo xtask diff [--base REV] [--format markdown|json] [--fail-on breaking|major|any]
//! [OLD.yaml NEW.yaml]`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use super::{Pairs, Report, Semver, compare_all, render};

/// What `cargo xtask diff --help` says after the options.
const AFTER_HELP: &str = "\
Compares openapi/*.yaml in the working tree with the same files at REV (default HEAD), or two
spec files. Reports every change with its wire verdict and its semver level for the generated
Rust API (computed from the generated code of both sides), whether the new spec still
generates, and what changed among the generated public items.

Exit status: 0, or 1 under --fail-on; 2 for bad use.";

/// The command line of `cargo xtask diff`, as clap reads it (see [`Options`] for the checked
/// form the rest of the command uses).
#[derive(Clone, Debug, clap::Args)]
#[command(
    about = "what changed between specs, on the wire and in the generated Rust API",
    after_help = AFTER_HELP,
    args_override_self = true
)]
pub struct DiffArgs {
    /// Git revision to compare the working tree with (default HEAD); not with two files
    #[arg(long, value_name = "REV", conflicts_with = "old")]
    base: Option<String>,
    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Markdown)]
    format: Format,
    /// Exit 1 when: secret (a secret is exposed: `x-secret` removed), breaking (a change
    /// breaks existing callers), major (the generated API changes in a semver-major way), any
    /// (anything changed); every level also fails when a secret is exposed or a new spec no
    /// longer parses or generates. Default: never
    #[arg(long, value_enum, value_name = "LEVEL")]
    fail_on: Option<FailOn>,
    /// The old spec file (give two files or none)
    #[arg(value_name = "OLD.yaml", requires = "new")]
    old: Option<String>,
    /// The new spec file
    #[arg(value_name = "NEW.yaml")]
    new: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    #[value(alias = "md")]
    Markdown,
    Json,
}

/// Parsed command-line options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub base: String,
    pub json: bool,
    pub fail_on: Option<FailOn>,
    pub files: Option<(String, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Secret,
    Breaking,
    Major,
    Any,
}

impl From<DiffArgs> for Options {
    fn from(args: DiffArgs) -> Options {
        Options {
            base: args.base.unwrap_or_else(|| "HEAD".into()),
            json: args.format == Format::Json,
            fail_on: args.fail_on,
            files: args.old.zip(args.new),
        }
    }
}

/// `cargo xtask diff` alone, to parse its arguments outside the main command line.
#[derive(clap::Parser)]
#[command(name = "diff", bin_name = "cargo xtask diff")]
struct DiffCommand {
    #[command(flatten)]
    args: DiffArgs,
}

impl Options {
    /// Parses the arguments after `diff`. `Err` holds clap's message (for `--help` too, which
    /// is the help text).
    pub fn parse(args: &[&str]) -> Result<Options, String> {
        parse_command(args).map_err(|e| e.to_string())
    }
}

fn parse_command(args: &[&str]) -> Result<Options, clap::Error> {
    use clap::Parser;
    let argv = std::iter::once("diff").chain(args.iter().copied());
    DiffCommand::try_parse_from(argv).map(|command| command.args.into())
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The spec files at `rev` and in the working tree, by path relative to `root`.
pub fn pairs_from_git(root: &Path, rev: &str) -> Result<Pairs, String> {
    let commit = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("`{rev}` is not a revision of this repository"))?;
    let commit = commit.trim();
    let mut pairs = Pairs::new();
    let listing = git(root, &["ls-tree", "--name-only", commit, "openapi/"])?;
    for name in listing.lines().filter(|n| n.ends_with(".yaml")) {
        let text = git(root, &["show", &format!("{commit}:{name}")])?;
        pairs.entry(name.to_string()).or_default().0 = Some(text);
    }
    if let Ok(files) = crate::spec::discover(root) {
        for path in files {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{rel}: {e}"))?;
            pairs.entry(rel).or_default().1 = Some(text);
        }
    }
    Ok(pairs)
}

/// Builds the report the options ask for.
pub fn report(root: &Path, options: &Options) -> Result<Report, String> {
    match &options.files {
        Some((old, new)) => {
            let read = |p: &str| std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"));
            let (old_text, new_text) = (read(old)?, read(new)?);
            // The report and the generated module are named after the new file.
            let mut pairs = BTreeMap::new();
            pairs.insert(new.clone(), (Some(old_text), Some(new_text)));
            Ok(compare_all(old, new, &pairs))
        }
        None => {
            let pairs = pairs_from_git(root, &options.base)?;
            Ok(compare_all(&options.base, "working tree", &pairs))
        }
    }
}

/// Whether the report fails under `--fail-on`.
pub fn fails(report: &Report, fail_on: Option<FailOn>) -> bool {
    let Some(fail_on) = fail_on else {
        return false;
    };
    report.head_broken()
        || !report.secrets_exposed().is_empty()
        || match fail_on {
            FailOn::Secret => false,
            FailOn::Breaking => report.breaks_callers(),
            FailOn::Major => report.rust_level() == Some(Semver::Major),
            FailOn::Any => report.has_changes(),
        }
}

/// Runs the command from its arguments (after `diff`); returns the process exit code (0, 1
/// under `--fail-on`, 2 for bad use; 0 for `--help`).
pub fn run(root: &Path, args: &[&str]) -> u8 {
    match parse_command(args) {
        Ok(options) => execute(root, &options),
        Err(error) => {
            // clap's own rendering: help to stdout, errors with usage to stderr.
            let _ = error.print();
            if error.use_stderr() { 2 } else { 0 }
        }
    }
}

/// Runs the command with parsed options; returns the process exit code (0, 1 under
/// `--fail-on`, 2 when the specs cannot be read).
pub fn execute(root: &Path, options: &Options) -> u8 {
    let report = match report(root, options) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("diff: {e}");
            return 2;
        }
    };
    if options.json {
        println!("{}", render::json(&report));
    } else {
        print!("{}", render::markdown(&report));
    }
    if fails(&report, options.fail_on) {
        1
    } else {
        0
    }
}
