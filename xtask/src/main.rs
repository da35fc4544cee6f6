//! `cargo xtask <command>`: see `cargo xtask help`.

use std::process::ExitCode;

mod bench;

use xtask::generate::{self, FIX_HINT, GenerateError};
use xtask::spec;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  generate           lint every spec under openapi/ and rewrite the generated client modules
  generate --check   fail with a diff if the generated modules are stale (writes nothing)
  lint               lint every spec under openapi/ (file, JSON pointer and rule per finding)
  diff [--base REV] [--format markdown|json] [--fail-on breaking|major|any] [OLD NEW]
                     what changed between specs (working tree vs REV, default HEAD; or two
                     files), on the wire and in the generated Rust API; see `diff --help`
  bench [--smoke] [--write FILE]
                     the performance comparison with the peers (criterion benches, the
                     official Python SDK, openapi-generator) as a markdown table; see
                     `bench --help`
  help               this text

options:
  --root DIR         act on the workspace at DIR (default: this one)";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut root = spec::workspace_root();
    if let Some(i) = args.iter().position(|a| a == "--root") {
        let Some(dir) = args.get(i + 1).cloned() else {
            eprintln!("--root needs a directory\n\n{USAGE}");
            return ExitCode::from(2);
        };
        root = dir.into();
        args.drain(i..=i + 1);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["generate"] => generate(&root, false),
        ["generate", "--check"] => generate(&root, true),
        ["lint"] => lint(&root),
        ["diff", rest @ ..] => ExitCode::from(xtask::diff::run(&root, rest)),
        ["bench", rest @ ..] => bench::run(&root, rest),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn generate(root: &std::path::Path, check: bool) -> ExitCode {
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

fn lint(root: &std::path::Path) -> ExitCode {
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
