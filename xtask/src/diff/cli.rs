//! `cargo xtask diff [--base REV] [--format markdown|json] [--fail-on breaking|major|any]
//! [OLD.yaml NEW.yaml]`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use super::{Pairs, Report, Semver, compare_all, render};

pub const USAGE: &str = "\
usage: cargo xtask diff [--base REV] [--format markdown|json] [--fail-on breaking|major|any]
       cargo xtask diff [options] OLD.yaml NEW.yaml

Compares openapi/*.yaml in the working tree with the same files at REV (default HEAD), or two
spec files. Reports every change with its wire verdict and its semver level for the generated
Rust API (computed from the generated code of both sides), whether the new spec still
generates, and what changed among the generated public items.

  --base REV        git revision to compare the working tree with (default HEAD)
  --format FORMAT   markdown (default) or json
  --fail-on LEVEL   exit 1 when: breaking (a change breaks existing callers), major (the
                    generated API changes in a semver-major way), any (anything changed);
                    also when a new spec no longer parses or generates. Default: never.";

/// Parsed command-line options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub base: String,
    pub json: bool,
    pub fail_on: Option<FailOn>,
    pub files: Option<(String, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Breaking,
    Major,
    Any,
}

impl Options {
    pub fn parse(args: &[&str]) -> Result<Options, String> {
        let mut options = Options {
            base: "HEAD".into(),
            json: false,
            fail_on: None,
            files: None,
        };
        let mut positional = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let value = |i: usize| {
                args.get(i + 1)
                    .map(|s| s.to_string())
                    .ok_or_else(|| format!("{} needs a value", args[i]))
            };
            match args[i] {
                "--base" => {
                    options.base = value(i)?;
                    i += 1;
                }
                "--format" => {
                    options.json = match value(i)?.as_str() {
                        "json" => true,
                        "markdown" | "md" => false,
                        other => return Err(format!("unknown format `{other}` (markdown, json)")),
                    };
                    i += 1;
                }
                "--fail-on" => {
                    options.fail_on = Some(match value(i)?.as_str() {
                        "breaking" => FailOn::Breaking,
                        "major" => FailOn::Major,
                        "any" => FailOn::Any,
                        other => {
                            return Err(format!(
                                "unknown --fail-on `{other}` (breaking, major, any)"
                            ));
                        }
                    });
                    i += 1;
                }
                flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`")),
                path => positional.push(path.to_string()),
            }
            i += 1;
        }
        match positional.len() {
            0 => {}
            2 => options.files = Some((positional[0].clone(), positional[1].clone())),
            _ => return Err("give no spec file or two (OLD NEW)".into()),
        }
        if options.files.is_some() && args.contains(&"--base") {
            return Err(
                "--base compares the working tree with a revision; it does not go with two files"
                    .into(),
            );
        }
        Ok(options)
    }
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
        || match fail_on {
            FailOn::Breaking => report.breaks_callers(),
            FailOn::Major => report.rust_level() == Some(Semver::Major),
            FailOn::Any => report.has_changes(),
        }
}

/// Runs the command; returns the process exit code (0, 1 under `--fail-on`, 2 for bad use).
pub fn run(root: &Path, args: &[&str]) -> u8 {
    if args.iter().any(|a| *a == "--help" || *a == "-h") {
        println!("{USAGE}");
        return 0;
    }
    let options = match Options::parse(args) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("diff: {e}\n\n{USAGE}");
            return 2;
        }
    };
    let report = match report(root, &options) {
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
