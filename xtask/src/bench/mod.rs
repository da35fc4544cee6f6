//! `cargo xtask bench [--smoke] [--write FILE]`: the whole performance comparison in one
//! command, written as a markdown table.
//!
//! It measures, against the peers installed by the project's own files (requirements-bench.txt
//! into .venv-bench, crates/vpn-bench for the criterion benches and the bench server):
//! - the client's calls, AK/SK signing and list decoding (criterion, `cargo bench -p vpn-bench`)
//!   against plain reqwest + serde_json, the targets judged on ratios measured interleaved
//!   (`benches/paired.rs`, which the same command runs) because the machine is shared;
//! - create-then-show pairs per second against the official Python SDK;
//! - generation time of `cargo xtask generate` against openapi-generator's `rust` generator,
//!   and how it scales: the specs repeated 1×, 2× and 4× (`scaling.rs`);
//! - a consumer's cold debug build and dependency graph against the crate openapi-generator
//!   produces.
//!
//! The report is printed, written to target/bench/report.md and, with `--write FILE`, put
//! between the markers `<!-- bench:begin -->` and `<!-- bench:end -->` of FILE. `--smoke` runs
//! everything once (the benches as `cargo test --benches` runs them, which times nothing) to
//! prove the bench works.

mod criterion;
mod peers;
mod process;
mod report;
mod scaling;
mod soak;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use criterion::Estimate;
use process::Cmd;
use report::{Cell, Report, Row, Target, format_count, format_ns, format_seconds};

/// What `cargo xtask bench --help` says after the options.
const AFTER_HELP: &str = "\
Runs the whole performance comparison and prints a markdown table (also written to
target/bench/report.md).";

/// The command line of `bench`.
#[derive(Clone, Debug, Default, PartialEq, clap::Args)]
#[command(
    about = "the performance comparison with the peers (criterion benches, the official \
             Python SDK, openapi-generator, generation scaling) as a markdown table",
    after_help = AFTER_HELP
)]
pub struct Options {
    /// Every step once, to prove the bench works (criterion in test mode: not timed)
    #[arg(long)]
    pub smoke: bool,
    /// Also replace the text between <!-- bench:begin --> and <!-- bench:end --> in FILE (only
    /// when every step succeeded)
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Only this row: `soak` (the reliability soak, a few minutes; with --write it replaces
    /// the text between <!-- soak:begin --> and <!-- soak:end -->)
    #[arg(long, value_enum, value_name = "ROW")]
    pub only: Option<Only>,
}

/// A row that can be run alone (`--only`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Only {
    /// 50 tasks × 1,000 operations against an emulator failing 10 % of requests.
    Soak,
}

/// The bench's working directory, below the repository root.
const BENCH_DIR: &str = "target/bench";
/// The scratch workspace `cargo xtask generate --root` is timed on.
const GEN_ROOT: &str = "target/bench/gen-root";
const OGEN_DIR: &str = "target/bench/ogen";
/// The smoke run's benches: the workspace's package selection (so the debug build of
/// `cargo test --workspace` is reused as it is) and only the bench targets (`--benches` would
/// also run every lib and bin unit test again).
const SMOKE_BENCHES: [&str; 8] = [
    "test",
    "--workspace",
    "--bench",
    "calls",
    "--bench",
    "parsing",
    "--bench",
    "paired",
];
const CONSUMER_OURS: &str = "target/bench/consumer-ours";
const CONSUMER_OURS_TARGET: &str = "target/bench/consumer-ours-target";
const CONSUMER_NATIVE: &str = "target/bench/consumer-ours-native-tls";
/// The consumer of every product (built in the default consumer's target directory).
const CONSUMER_ALL: &str = "target/bench/consumer-ours-all-products";
/// The crate's features of that consumer: the default TLS, and every product.
const ALL_PRODUCTS: [&str; 4] = ["rustls", "s2c", "p2c", "legacy"];
const CONSUMER_NATIVE_TARGET: &str = "target/bench/consumer-ours-native-tls-target";
const CONSUMER_OGEN_TARGET: &str = "target/bench/consumer-ogen-target";
/// The program using openapi-generator's crate (the same call as ours).
const CONSUMER_OGEN: &str = "target/bench/consumer-ogen";
/// Rounds of cold builds taken in turns for the judged cold-build ratio (a full run). Five,
/// not three: on this shared machine two full runs of the same code gave medians of three
/// rounds of 0.999x and 1.065x (BENCHMARKS.md, "Eighth pass").
const COLD_ROUNDS: usize = 5;
/// The spec whose openapi-generator crate is built as the other consumer.
const CONSUMER_SPEC: &str = "vpn-v5";

/// How much to run: full or smoke.
struct Plan {
    smoke: bool,
    ours_generate_runs: usize,
    ogen_generate_runs: usize,
    /// Timed runs per scaling factor (the best counts); 0: one untimed run each.
    scaling_runs: usize,
    python_budget: &'static str,
    python_warmup: &'static str,
}

impl Plan {
    fn new(smoke: bool) -> Plan {
        if smoke {
            Plan {
                smoke,
                ours_generate_runs: 1,
                ogen_generate_runs: 1,
                scaling_runs: 0,
                python_budget: "20",
                python_warmup: "3",
            }
        } else {
            Plan {
                smoke,
                ours_generate_runs: 5,
                // Each taken in turns with one of ours; five for the same reason as
                // `COLD_ROUNDS` (medians of three turns: 0.094x and 0.100x, same code).
                ogen_generate_runs: 5,
                scaling_runs: 3,
                python_budget: "10s",
                python_warmup: "50",
            }
        }
    }
}

pub fn run(root: &Path, options: &Options) -> ExitCode {
    if options.only == Some(Only::Soak) {
        return run_soak_only(root, options);
    }
    // Refuse a --write target without markers before spending minutes measuring.
    if let Some(file) = &options.write {
        let check = std::fs::read_to_string(file)
            .map_err(|e| format!("{}: {e}", file.display()))
            .and_then(|text| {
                report::replace_between_markers(&text, "")
                    .map_err(|e| format!("{}: {e}", file.display()))
            });
        if let Err(error) = check {
            eprintln!("bench: --write: {error}");
            return ExitCode::FAILURE;
        }
    }
    let plan = Plan::new(options.smoke);
    let started = Instant::now();
    let measured = measure(root, &plan);
    let mut report = build_report(root, &plan, &measured);
    report.intro = intro(&plan, started.elapsed(), measured.failures().is_empty());
    let text = report.to_markdown();
    print_stdout(&text);

    let mut ok = true;
    let out = root.join(BENCH_DIR).join("report.md");
    match std::fs::create_dir_all(root.join(BENCH_DIR)).and_then(|()| std::fs::write(&out, &text)) {
        Ok(()) => eprintln!("bench: report written to {}", peers::relative(root, &out)),
        Err(error) => {
            eprintln!("bench: {}: {error}", out.display());
            ok = false;
        }
    }
    let failures = measured.failures();
    if !failures.is_empty() {
        eprintln!("\nbench: {} step(s) failed:", failures.len());
        for failure in &failures {
            eprintln!("- {failure}");
        }
        if let Some(file) = &options.write {
            eprintln!("bench: {} left unchanged (a step failed)", file.display());
        }
        return ExitCode::FAILURE;
    }
    if let Some(file) = &options.write {
        match report::write_between_markers(file, &text) {
            Ok(()) => eprintln!(
                "bench: report written between the markers of {}",
                file.display()
            ),
            Err(error) => {
                eprintln!("bench: --write: {error}");
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `--only soak`: the soak's rows alone, written between the soak markers.
fn run_soak_only(root: &Path, options: &Options) -> ExitCode {
    let started = Instant::now();
    step("soak: vpn-emulator --fault-mix and vpn-soak (crates/vpn-bench)");
    let measured: Vec<Result<soak::Soak, String>> = soak::RATES
        .iter()
        .map(|rate| soak::measure(root, options.smoke, rate))
        .collect();
    let report = Report {
        intro: format!(
            "`cargo xtask bench --only soak{}` ({:.0} s). The machine is shared with other \
             work: the wall time is indicative only; the outcomes (duplicates, orphans, the \
             budget) do not depend on it.",
            if options.smoke { " --smoke" } else { "" },
            started.elapsed().as_secs_f64()
        ),
        rows: measured.iter().flat_map(soak::rows).collect(),
        notes: Vec::new(),
        how: soak_how(&measured),
        machine: machine(root),
    };
    let text = report.to_markdown();
    print_stdout(&text);
    let judged_ok = report.rows.iter().all(|r| r.met != report::Met::No);
    if let Some(Err(error)) = measured.iter().find(|m| m.is_err()) {
        eprintln!("bench: soak: {error}");
        return ExitCode::FAILURE;
    }
    if !judged_ok {
        eprintln!("bench: soak: a target is not met");
    }
    if let Some(file) = &options.write {
        let written = std::fs::read_to_string(file)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                report::replace_between(&text, SOAK_BEGIN, SOAK_END, &report.to_markdown())
            })
            .and_then(|replaced| std::fs::write(file, replaced).map_err(|e| e.to_string()));
        if let Err(error) = written {
            eprintln!("bench: --write {}: {error}", file.display());
            return ExitCode::FAILURE;
        }
        eprintln!(
            "bench: soak written between the soak markers of {}",
            file.display()
        );
    }
    if judged_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Where `--only soak --write FILE` puts its table.
const SOAK_BEGIN: &str = "<!-- soak:begin -->";
const SOAK_END: &str = "<!-- soak:end -->";

fn soak_how(measured: &[Result<soak::Soak, String>]) -> Vec<String> {
    let commands = match measured.first() {
        Some(Ok(soak)) => soak
            .commands
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", then "),
        _ => "see the error above".to_string(),
    };
    vec![format!(
        "Soak rows: {commands}. The emulator and the client are two processes; the peak memory \
         is the client's `VmHWM`. {} concurrent tasks run a seeded mix of creates, shows, \
         lists, updates and deletes over VPN gateways, customer gateways, VPN connections and \
         connection monitors, with idempotent creates and the standard retry budget (500 \
         tokens) shared by all; the emulator fails {} of requests, evenly 429, 500, 502, 503, \
         504, resets before handling and answers lost after handling (seed {}). Afterwards \
         every resource the emulator lists is compared with what the run knows. The same \
         again with {} of requests failing (`--fault-mix {}`), an outage in which the retry \
         budget refuses retries.",
        soak::TASKS,
        soak::FAULT_RATE,
        soak::SEED,
        soak::OUTAGE_RATE,
        soak::OUTAGE_RATE,
    )]
}

/// Prints to stdout; a closed stdout (`| head`) is reported, not a panic.
fn print_stdout(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(error) = writeln!(out, "{text}").and_then(|()| out.flush()) {
        eprintln!("bench: writing to stdout: {error}");
    }
}

fn intro(plan: &Plan, took: Duration, ok: bool) -> String {
    let minutes = took.as_secs_f64() / 60.0;
    let outcome = if ok {
        ""
    } else {
        " Some steps failed: see the notes."
    };
    if plan.smoke {
        format!(
            "**Smoke run** (`cargo xtask bench --smoke`, {minutes:.1} min): every step ran once to \
             prove the bench works. Criterion ran in its test mode, which times nothing; the other \
             numbers come from a single run each and are not for comparison.{outcome}"
        )
    } else {
        format!(
            "Full run of `cargo xtask bench` ({minutes:.1} min). Times are medians; lower is \
             better except where a row says otherwise.{outcome}"
        )
    }
}

/// How the criterion benches ran.
enum CriterionRun {
    /// Timed, started at this time (older results are stale).
    Timed {
        started: SystemTime,
        command: String,
    },
    /// `cargo test --benches`: each bench ran once, nothing was timed.
    Smoke {
        command: String,
    },
    Failed(String),
}

/// Runs of one timed command.
struct Runs {
    seconds: Vec<f64>,
    commands: Vec<String>,
    notes: Vec<String>,
}

/// What a consumer's cold build is followed by, in its target directory.
struct After {
    /// Touching the consumer's `main.rs`, then `cargo build`: seconds.
    incremental: Result<f64, String>,
    release: Result<peers::ReleaseBuild, String>,
    /// Ours only: the client crate's own compile with `s2c` alone and with every product.
    crate_builds: Option<(
        Result<peers::CrateBuild, String>,
        Result<peers::CrateBuild, String>,
    )>,
}

impl After {
    fn failed(why: &str) -> After {
        After {
            incremental: Err(why.to_string()),
            release: Err(why.to_string()),
            crate_builds: None,
        }
    }
}

/// Everything measured, each step's failure kept for the report.
struct Measured {
    venv: Result<String, String>,
    criterion: CriterionRun,
    python: Result<peers::PythonResult, String>,
    python_commands: Vec<String>,
    ours_generate: Result<Runs, String>,
    ogen_generate: Result<Runs, String>,
    /// Ours ÷ openapi-generator's generation time, per turn (one run of each, in turns).
    generation_turns: Result<Vec<f64>, String>,
    /// Our generation on the specs repeated 1×, 2× and 4×.
    scaling: Result<scaling::Scaling, String>,
    consumer_ours: Result<peers::ColdBuild, String>,
    consumer_ogen: Result<peers::ColdBuild, String>,
    /// Ours with the `native-tls` feature, the TLS of openapi-generator's crate.
    consumer_native: Result<peers::ColdBuild, String>,
    /// Cold builds of ours and openapi-generator's consumer in turns (the judged ratio).
    cold_rounds: Result<Vec<f64>, String>,
    /// What followed our consumer's cold build, and openapi-generator's.
    ours_after: After,
    ogen_after: After,
    /// The reliability soak, at each rate of `soak::RATES`.
    soak: Vec<Result<soak::Soak, String>>,
    target_dir: PathBuf,
}

impl Measured {
    fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut add = |step: &str, result: Result<(), &String>| {
            if let Err(error) = result {
                out.push(format!("{step}: {error}"));
            }
        };
        add("python venv", self.venv.as_ref().map(|_| ()));
        if let CriterionRun::Failed(error) = &self.criterion {
            add("criterion benches", Err(error));
        }
        add("python SDK", self.python.as_ref().map(|_| ()));
        add(
            "cargo xtask generate",
            self.ours_generate.as_ref().map(|_| ()),
        );
        add("openapi-generator", self.ogen_generate.as_ref().map(|_| ()));
        add("generation scaling", self.scaling.as_ref().map(|_| ()));
        add(
            "consumer build (ours)",
            self.consumer_ours.as_ref().map(|_| ()),
        );
        add(
            "consumer build (ours, native-tls)",
            self.consumer_native.as_ref().map(|_| ()),
        );
        add(
            "consumer build (openapi-generator)",
            self.consumer_ogen.as_ref().map(|_| ()),
        );
        for (who, after) in [
            ("ours", &self.ours_after),
            ("openapi-generator", &self.ogen_after),
        ] {
            add(
                &format!("incremental rebuild ({who})"),
                after.incremental.as_ref().map(|_| ()),
            );
            add(
                &format!("release build ({who})"),
                after.release.as_ref().map(|_| ()),
            );
        }
        if let Some((s2c, all)) = &self.ours_after.crate_builds {
            add(
                "the client crate's own build (s2c)",
                s2c.as_ref().map(|_| ()),
            );
            add(
                "the client crate's own build (every product)",
                all.as_ref().map(|_| ()),
            );
        }
        for run in &self.soak {
            add("soak", run.as_ref().map(|_| ()));
        }
        out
    }
}

fn step(title: &str) {
    eprintln!("\n==> bench: {title}");
}

fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

fn measure(root: &Path, plan: &Plan) -> Measured {
    let target_dir = target_dir(root);
    step("the peers' venv (.venv-bench from requirements-bench.txt)");
    let venv = peers::ensure_venv(root);
    if let Ok(what) = &venv {
        eprintln!("{what}");
    }
    let venv_error = venv
        .as_ref()
        .err()
        .map(|e| format!("needs .venv-bench, which failed: {e}"));

    let bench_crate = root.join("crates/vpn-bench/Cargo.toml");
    let missing_bench_crate = (!bench_crate.is_file()).then(|| {
        "crates/vpn-bench is missing (its Cargo.toml is not there): it holds the criterion \
         benches and the bench server vpn-bench-server"
            .to_string()
    });

    step("criterion benches (crates/vpn-bench)");
    let criterion = match &missing_bench_crate {
        Some(error) => CriterionRun::Failed(error.clone()),
        None => run_criterion(root, plan),
    };

    step("the official Python SDK against vpn-bench-server");
    let mut python_commands = Vec::new();
    let python = match (&missing_bench_crate, &venv_error) {
        (Some(error), _) | (None, Some(error)) => Err(error.clone()),
        (None, None) => run_python(root, plan, &target_dir, &mut python_commands),
    };
    if let Err(error) = &python {
        eprintln!("bench: python SDK: {error}");
    }

    step("generation time: cargo xtask generate");
    let ours_generate = time_our_generator(root, plan);
    step("generation scaling: the specs repeated 1×, 2× and 4×, by this xtask binary");
    let scaling = scaling::measure(root, plan.scaling_runs);
    if let Err(error) = &scaling {
        eprintln!("bench: generation scaling: {error}");
    }
    step("generation time: openapi-generator");
    let (ogen_generate, generation_turns) = match &venv_error {
        Some(error) => (Err(error.clone()), Err(error.clone())),
        None => match time_openapi_generator(root, plan) {
            Ok((runs, turns)) => (Ok(runs), Ok(turns)),
            Err(error) => (Err(error.clone()), Err(error)),
        },
    };

    step(
        "consumer build: our crate, cold; then an incremental rebuild, the crate alone (s2c and \
         every product), a release build",
    );
    let ours_manifest = format!("{CONSUMER_OURS}/Cargo.toml");
    let all_manifest = format!("{CONSUMER_ALL}/Cargo.toml");
    let (consumer_ours, ours_after) =
        match peers::write_consumer_ours(root, &root.join(CONSUMER_OURS), None)
            .and_then(|()| {
                peers::write_consumer_ours(root, &root.join(CONSUMER_ALL), Some(&ALL_PRODUCTS))
            })
            .and_then(|()| {
                peers::cold_build_then(root, &ours_manifest, CONSUMER_OURS_TARGET, || {
                    // The incremental rebuild first: the crate builds below clean the crate.
                    let incremental =
                        peers::incremental_build(root, &ours_manifest, CONSUMER_OURS_TARGET);
                    let s2c = peers::crate_build(root, &ours_manifest, CONSUMER_OURS_TARGET);
                    let all = peers::crate_build(root, &all_manifest, CONSUMER_OURS_TARGET);
                    let release = peers::release_build(
                        root,
                        &ours_manifest,
                        CONSUMER_OURS_TARGET,
                        "consumer-ours",
                    );
                    After {
                        incremental,
                        release,
                        crate_builds: Some((s2c, all)),
                    }
                })
            }) {
            Ok((build, after)) => (Ok(build), after),
            Err(e) => (Err(e.clone()), After::failed(&e)),
        };
    step("consumer build: our crate with the native-tls feature, cold");
    let consumer_native = peers::write_consumer_ours(
        root,
        &root.join(CONSUMER_NATIVE),
        Some(&["native-tls", "s2c"]),
    )
    .and_then(|()| {
        peers::cold_build(
            root,
            &format!("{CONSUMER_NATIVE}/Cargo.toml"),
            CONSUMER_NATIVE_TARGET,
        )
    });
    step(
        "consumer build: a program using openapi-generator's crate, cold; then an incremental \
         rebuild, a release build",
    );
    let ogen_manifest = format!("{CONSUMER_OGEN}/Cargo.toml");
    let (consumer_ogen, ogen_after) = match &ogen_generate {
        Err(_) => {
            let e = "needs the crate openapi-generator generates, which failed".to_string();
            (Err(e.clone()), After::failed(&e))
        }
        Ok(_) => {
            let crate_dir = root.join(OGEN_DIR).join(CONSUMER_SPEC);
            match peers::make_standalone(&crate_dir.join("Cargo.toml"))
                .and_then(|_| peers::write_consumer_ogen(&root.join(CONSUMER_OGEN), &crate_dir))
                .and_then(|()| {
                    peers::cold_build_then(root, &ogen_manifest, CONSUMER_OGEN_TARGET, || After {
                        incremental: peers::incremental_build(
                            root,
                            &ogen_manifest,
                            CONSUMER_OGEN_TARGET,
                        ),
                        release: peers::release_build(
                            root,
                            &ogen_manifest,
                            CONSUMER_OGEN_TARGET,
                            "consumer-ogen",
                        ),
                        crate_builds: None,
                    })
                }) {
                Ok((build, after)) => (Ok(build), after),
                Err(e) => (Err(e.clone()), After::failed(&e)),
            }
        }
    };
    for (what, result) in [
        ("ours", &consumer_ours),
        ("ours, native-tls", &consumer_native),
        ("openapi-generator", &consumer_ogen),
    ] {
        if let Err(error) = result {
            eprintln!("bench: consumer build ({what}): {error}");
        }
    }
    let rounds = if plan.smoke { 1 } else { COLD_ROUNDS };
    step(&format!(
        "consumer builds, cold, in turns: {rounds} round(s) of ours and openapi-generator's"
    ));
    let cold_rounds = match &consumer_ogen {
        Err(_) => Err("needs openapi-generator's consumer, which failed".to_string()),
        Ok(_) => peers::interleaved_cold(
            root,
            (&ours_manifest, CONSUMER_OURS_TARGET),
            (&ogen_manifest, CONSUMER_OGEN_TARGET),
            rounds,
        ),
    };
    if let Err(error) = &cold_rounds {
        eprintln!("bench: consumer builds in turns: {error}");
    }

    step("soak: vpn-emulator --fault-mix and vpn-soak (crates/vpn-bench)");
    let soak: Vec<_> = soak::RATES
        .iter()
        .map(|rate| soak::measure(root, plan.smoke, rate))
        .collect();
    for error in soak.iter().filter_map(|run| run.as_ref().err()) {
        eprintln!("bench: soak: {error}");
    }

    Measured {
        venv,
        criterion,
        python,
        python_commands,
        ours_generate,
        ogen_generate,
        generation_turns,
        scaling,
        consumer_ours,
        consumer_ogen,
        consumer_native,
        cold_rounds,
        ours_after,
        ogen_after,
        soak,
        target_dir,
    }
}

fn run_criterion(root: &Path, plan: &Plan) -> CriterionRun {
    let cmd = if plan.smoke {
        // The debug build `cargo test --workspace` already made (no second, release build of
        // every dependency): criterion runs each bench once, paired.rs two rounds of one.
        Cmd::new("cargo", &SMOKE_BENCHES)
    } else {
        Cmd::new("cargo", &["bench", "-p", "vpn-bench"])
    };
    let started = SystemTime::now();
    eprintln!("{}", cmd.display());
    match process::run_shown(root, &cmd) {
        Err(error) => CriterionRun::Failed(error),
        Ok(_) if plan.smoke => CriterionRun::Smoke {
            command: cmd.display(),
        },
        Ok(_) => CriterionRun::Timed {
            started,
            command: cmd.display(),
        },
    }
}

fn run_python(
    root: &Path,
    plan: &Plan,
    target_dir: &Path,
    commands: &mut Vec<String>,
) -> Result<peers::PythonResult, String> {
    // A smoke run uses the debug server that `cargo test --workspace --benches` built.
    let (build, profile) = if plan.smoke {
        (
            Cmd::new("cargo", &[&SMOKE_BENCHES[..], &["--no-run"]].concat()),
            "debug",
        )
    } else {
        (
            Cmd::new(
                "cargo",
                &[
                    "build",
                    "--release",
                    "-p",
                    "vpn-bench",
                    "--bin",
                    "vpn-bench-server",
                ],
            ),
            "release",
        )
    };
    eprintln!("{}", build.display());
    process::run_shown(root, &build)?;
    commands.push(build.display());
    let binary = target_dir.join(profile).join("vpn-bench-server");
    if !binary.is_file() {
        return Err(format!(
            "{}: not there after `{}`",
            binary.display(),
            build.display()
        ));
    }
    let program = peers::relative(root, &binary);
    let program = if program.contains('/') {
        program
    } else {
        format!("./{program}")
    };
    let server_cmd = Cmd::new(&program, &["--port", "0"]);
    let server = process::start_server(root, &server_cmd, Duration::from_secs(30))?;
    commands.push(server_cmd.display());
    eprintln!("vpn-bench-server at {}", server.url);
    let shown = peers::python_cmd("URL", plan.python_budget, plan.python_warmup).display();
    eprintln!("{shown}");
    commands.push(shown);
    let result = peers::python_sdk(root, &server.url, plan.python_budget, plan.python_warmup);
    // The server stops here, whatever the result.
    drop(server);
    result
}

/// Copies the specs into a scratch workspace, so that timing `cargo xtask generate` never
/// touches the repository's generated code (which other work may be editing around).
fn prepare_gen_root(root: &Path) -> Result<Vec<PathBuf>, String> {
    let gen_root = root.join(GEN_ROOT);
    if gen_root.exists() {
        std::fs::remove_dir_all(&gen_root).map_err(|e| format!("{}: {e}", gen_root.display()))?;
    }
    let openapi = gen_root.join("openapi");
    std::fs::create_dir_all(&openapi).map_err(|e| format!("{}: {e}", openapi.display()))?;
    let specs = xtask::spec::discover(root)?;
    for spec in &specs {
        let Some(name) = spec.file_name() else {
            continue;
        };
        std::fs::copy(spec, openapi.join(name)).map_err(|e| format!("{}: {e}", spec.display()))?;
    }
    Ok(specs)
}

/// Empties (recreates) a directory the generator writes into, so every run writes every file.
fn clear_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    Ok(())
}

/// `cargo xtask generate --root GEN_ROOT` into emptied output directories.
struct OurGenerator {
    cmd: Cmd,
    /// GEN_ROOT, whose output directories each run empties first.
    root: PathBuf,
}

impl OurGenerator {
    /// Prepares the scratch workspace and runs once, untimed (it builds xtask when needed).
    fn prepare(root: &Path) -> Result<OurGenerator, String> {
        prepare_gen_root(root)?;
        let generator = OurGenerator {
            cmd: Cmd::new("cargo", &["xtask", "generate", "--root", GEN_ROOT]),
            root: root.join(GEN_ROOT),
        };
        xtask::generate::clear_output(&generator.root)?;
        eprintln!("{} (build, not timed)", generator.cmd.display());
        process::run_captured(root, &generator.cmd)?;
        Ok(generator)
    }

    /// One timed run: seconds.
    fn run(&self, root: &Path, what: &str) -> Result<f64, String> {
        xtask::generate::clear_output(&self.root)?;
        let finished = process::run_captured(root, &self.cmd)?;
        let seconds = finished.elapsed.as_secs_f64();
        eprintln!("{} ({what}: {seconds:.2} s)", self.cmd.display());
        Ok(seconds)
    }
}

fn time_our_generator(root: &Path, plan: &Plan) -> Result<Runs, String> {
    let generator = OurGenerator::prepare(root)?;
    let seconds = (1..=plan.ours_generate_runs)
        .map(|run| generator.run(root, &format!("run {run}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Runs {
        seconds,
        commands: vec![generator.cmd.display()],
        notes: Vec::new(),
    })
}

/// openapi-generator's runs over every spec, each taken in turns with one of ours (the
/// machine's speed drifts over minutes): its runs, and each turn's ratio, ours ÷ theirs.
fn time_openapi_generator(root: &Path, plan: &Plan) -> Result<(Runs, Vec<f64>), String> {
    process::run_captured(root, &Cmd::new("java", &["-version"])).map_err(|e| {
        format!("java is needed (openapi-generator-cli runs its bundled jar with it): {e}")
    })?;
    let specs = xtask::spec::discover(root)?;
    let stems: Vec<String> = specs
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let mut notes = Vec::new();
    let mut skip_validate = false;
    let all = |skip: bool| -> Vec<(String, Cmd)> {
        stems
            .iter()
            .map(|stem| {
                let out = format!("{OGEN_DIR}/{stem}");
                let cmd = peers::ogen_cmd(&format!("openapi/{stem}.yaml"), &out, skip);
                (out, cmd)
            })
            .collect()
    };
    // The first run finds out whether the specs pass openapi-generator's validation. A full
    // run does not time it (the jar comes from a cold disk cache); a smoke run times only it.
    let first = match run_ogen_all(root, &all(false)) {
        Ok(elapsed) => elapsed,
        Err(error) => match run_ogen_all(root, &all(true)) {
            Ok(elapsed) => {
                skip_validate = true;
                notes.push(format!(
                    "openapi-generator rejects our specs in its validation, so it ran with \
                     --skip-validate-spec. Its complaint: {}",
                    process::tail(&error, 12).replace('\n', " ")
                ));
                elapsed
            }
            Err(retry_error) => {
                return Err(format!(
                    "openapi-generator failed on our specs, also with --skip-validate-spec:\n\
                     {retry_error}\n(without the flag: {error})"
                ));
            }
        },
    };
    let commands = all(skip_validate);
    let ours = OurGenerator::prepare(root)?;
    let mut seconds = Vec::new();
    let turns = if plan.smoke {
        // A smoke run times its first run instead of repeating it, against one of ours.
        seconds.push(first);
        vec![ours.run(root, "beside openapi-generator's")? / first]
    } else {
        let mut run = 0;
        peers::in_turns(
            plan.ogen_generate_runs,
            || ours.run(root, "in turns with openapi-generator"),
            || {
                run += 1;
                let elapsed = run_ogen_all(root, &commands)?;
                eprintln!("openapi-generator, all specs (run {run}: {elapsed:.2} s)");
                seconds.push(elapsed);
                Ok(elapsed)
            },
        )?
    };
    Ok((
        Runs {
            seconds,
            commands: commands.iter().map(|(_, cmd)| cmd.display()).collect(),
            notes,
        },
        turns,
    ))
}

/// Runs openapi-generator for every spec into emptied output directories; the time of the
/// generator runs together (the emptying is not timed).
fn run_ogen_all(root: &Path, commands: &[(String, Cmd)]) -> Result<f64, String> {
    let mut total = 0.0;
    for (out, cmd) in commands {
        clear_dir(&root.join(out))?;
        eprintln!("{}", cmd.display());
        let finished = process::run_captured(root, cmd)?;
        if !root.join(out).join("Cargo.toml").is_file() {
            return Err(format!("`{}` wrote no {out}/Cargo.toml", cmd.display()));
        }
        total += finished.elapsed.as_secs_f64();
    }
    Ok(total)
}

/// Why a criterion result has no number, as the table cell and a note.
#[derive(Clone, Debug, PartialEq)]
pub struct Gap {
    pub cell: String,
    pub note: Option<String>,
}

type Lookup<'a> = dyn Fn(&str, &str) -> Result<Estimate, Gap> + 'a;

/// An interleaved comparison of `benches/paired.rs` by name: (median, p25, p75) of the
/// ratio, or why there is none.
type PairedLookup<'a> = dyn Fn(&str) -> Result<(f64, f64, f64), String> + 'a;

fn paired_lookup<'a>(criterion: &'a CriterionRun, path: PathBuf) -> Box<PairedLookup<'a>> {
    Box::new(move |name: &str| match criterion {
        CriterionRun::Smoke { .. } => Err("smoke run: not timed".to_string()),
        CriterionRun::Failed(_) => Err("failed".to_string()),
        CriterionRun::Timed { started, .. } => criterion::read_paired(&path, name, Some(*started))
            .map(|p| (p.ratio_median, p.ratio_p25, p.ratio_p75)),
    })
}

fn criterion_lookup<'a>(criterion: &'a CriterionRun, criterion_dir: &'a Path) -> Box<Lookup<'a>> {
    Box::new(move |group: &str, function: &str| match criterion {
        CriterionRun::Smoke { .. } => Err(Gap {
            cell: "smoke run: not timed".to_string(),
            note: None,
        }),
        CriterionRun::Failed(_) => Err(Gap {
            cell: "failed".to_string(),
            note: None,
        }),
        CriterionRun::Timed { started, .. } => {
            criterion::read_estimate(criterion_dir, group, function, Some(*started)).map_err(
                |error| Gap {
                    cell: "missing".to_string(),
                    note: Some(format!("{group}/{function}: {error}")),
                },
            )
        }
    })
}

fn time_cell(estimate: &Estimate) -> Cell {
    Cell::measured(
        estimate.median_ns,
        format!(
            "{} ({}–{})",
            format_ns(estimate.median_ns),
            format_ns(estimate.lower_ns),
            format_ns(estimate.upper_ns)
        ),
    )
}

fn decode_cell(estimate: &Estimate, bytes: Option<u64>) -> Cell {
    let time = time_cell(estimate);
    match (bytes, time) {
        (Some(bytes), Cell::Measured { value, text }) => Cell::measured(
            value,
            format!(
                "{text}, {} MB/s",
                format_count(report::megabytes_per_second(bytes, estimate.median_ns))
            ),
        ),
        (_, time) => time,
    }
}

fn gap_cell(gap: Gap, notes: &mut Vec<String>) -> Cell {
    if let Some(note) = gap.note {
        notes.push(note);
    }
    Cell::absent(gap.cell)
}

/// The criterion rows (and the Python row, which compares with ours from criterion), from
/// looked-up estimates. `list_bytes`: the body size of the 2,000-item page, when known.
fn criterion_rows(
    lookup: &Lookup<'_>,
    paired: &PairedLookup<'_>,
    list_bytes: Option<u64>,
    python: &Result<peers::PythonResult, String>,
    smoke: bool,
    notes: &mut Vec<String>,
) -> Vec<Row> {
    let mut rows = Vec::new();
    let cell = |group: &str, function: &str, notes: &mut Vec<String>| match lookup(group, function)
    {
        Ok(estimate) => time_cell(&estimate),
        Err(gap) => gap_cell(gap, notes),
    };
    rows.push(Row::paired(
        "create then show, unsigned: `generated_unsigned` vs plain reqwest + serde_json",
        cell("create_then_show", "generated_unsigned", notes),
        cell("create_then_show", "reqwest_unsigned", notes),
        paired("create_then_show_unsigned"),
        Target {
            max_ratio: 1.05,
            text: "≤ 1.05×".to_string(),
        },
    ));
    rows.push(Row::paired(
        "create then show, AK/SK-signed: `generated_aksk` vs reqwest + our signer",
        cell("create_then_show", "generated_aksk", notes),
        cell("create_then_show", "reqwest_aksk", notes),
        paired("create_then_show_aksk"),
        Target {
            max_ratio: 1.10,
            text: "≤ 1.10×".to_string(),
        },
    ));
    let signing = match lookup("signing", "sign_create_request") {
        Ok(estimate) => Cell::measured(
            estimate.median_ns,
            format!(
                "{}, {} signatures/s",
                format_ns(estimate.median_ns),
                format_count(1e9 / estimate.median_ns)
            ),
        ),
        Err(gap) => gap_cell(gap, notes),
    };
    rows.push(Row::single(
        "AK/SK signature of a create request (`sign_create_request`)",
        signing,
    ));
    let decode = |function: &str, notes: &mut Vec<String>| match lookup("list_2000", function) {
        Ok(estimate) => decode_cell(&estimate, list_bytes),
        Err(gap) => gap_cell(gap, notes),
    };
    rows.push(Row::paired(
        "decode a 2,000-item list page: `client_decode` vs `serde_json::from_slice` into the same structs",
        decode("client_decode", notes),
        decode("serde_json_same_structs", notes),
        paired("list_2000_parse"),
        Target {
            max_ratio: 1.0 / 0.8,
            text: "≤ 1.25× (throughput within 20 %)".to_string(),
        },
    ));
    // Information only, when the benches have them.
    for (function, what) in [
        ("serde_json_plain_structs", "plain serde structs (info)"),
        ("serde_json_value", "`serde_json::Value` (info)"),
    ] {
        match lookup("list_2000", function) {
            Ok(estimate) => rows.push(Row::compare(
                &format!("decode a 2,000-item list page: `client_decode` vs {what}"),
                decode("client_decode", notes),
                decode_cell(&estimate, list_bytes),
                None,
            )),
            Err(Gap { note: Some(_), .. }) => notes.push(format!(
                "list_2000/{function} (an information row) did not run; its row is left out"
            )),
            Err(_) => {}
        }
    }

    let ours_pairs = match lookup("create_then_show", "generated_aksk") {
        Ok(estimate) => Cell::measured(
            1e9 / estimate.median_ns,
            format!("{} pairs/s", format_count(1e9 / estimate.median_ns)),
        ),
        // The note was added with the AK/SK row.
        Err(gap) => Cell::absent(gap.cell),
    };
    let theirs = match python {
        Ok(result) => Cell::measured(
            result.pairs_per_second,
            format!(
                "{} pairs/s (median pair {}){}",
                format_count(result.pairs_per_second),
                format_ns(result.median_pair_us * 1e3),
                if smoke {
                    format!(" (smoke: {} pairs)", result.iterations)
                } else {
                    String::new()
                }
            ),
        ),
        Err(_) => Cell::absent("failed"),
    };
    rows.push(Row::compare(
        "create then show, AK/SK-signed, pairs per second (higher is better): ours \
         (`generated_aksk`) vs the official Python SDK",
        ours_pairs,
        theirs,
        None,
    ));
    rows
}

fn runs_cell(runs: &Result<Runs, String>, smoke: bool) -> Cell {
    let Ok(runs) = runs else {
        return Cell::absent("failed");
    };
    let (Some(median), Some(min)) = (
        report::median(&runs.seconds),
        runs.seconds.iter().copied().reduce(f64::min),
    ) else {
        return Cell::absent("no runs");
    };
    let text = if smoke {
        format!("{} (smoke: 1 run)", format_seconds(median))
    } else {
        format!(
            "{} (min {}, {} runs)",
            format_seconds(median),
            format_seconds(min),
            runs.seconds.len()
        )
    };
    Cell::measured(median, text)
}

/// The real specs' generation time against its limit, against openapi-generator, and how it
/// scales with the size of the specs. A smoke run shows the targets but judges none.
fn generation_rows(measured: &Measured, smoke: bool) -> Vec<Row> {
    let judged = |row: Row| if smoke { row.unjudged() } else { row };
    let mut rows = vec![
        judged(Row::within(
            "generate the client from the real specs (`openapi/*.yaml`), seconds: \
             `cargo xtask generate`",
            runs_cell(&measured.ours_generate, smoke),
            GENERATE_MAX_SECONDS,
            "≤ 3 s",
        )),
        judged(Row::rounds(
            "generate the client from all specs (`openapi/*.yaml`), seconds: ours vs \
             openapi-generator",
            runs_cell(&measured.ours_generate, smoke),
            runs_cell(&measured.ogen_generate, smoke),
            &measured.generation_turns,
            Target {
                max_ratio: 0.1,
                text: "ours at least 10× faster (≤ 0.100×)".to_string(),
            },
        )),
    ];
    let (four, one) = scaling_cells(&measured.scaling);
    rows.push(judged(Row::compare(
        "generation scaling: the real specs repeated 4× vs 1× in one document each (every copy \
         renamed), seconds, best run",
        four,
        one,
        Some(Target {
            max_ratio: SCALING_MAX_RATIO,
            text: "≤ 4.5× (linear: 4×)".to_string(),
        }),
    )));
    rows
}

/// The real specs generate within this many seconds.
const GENERATE_MAX_SECONDS: f64 = 3.0;
/// Four copies of the specs generate within this many times one copy's time.
const SCALING_MAX_RATIO: f64 = 4.5;

/// The scaling row's cells: 4× (with 2× beside it) and 1×, each the best of its runs.
fn scaling_cells(scaling: &Result<scaling::Scaling, String>) -> (Cell, Cell) {
    let Ok(scaling) = scaling else {
        return (Cell::absent("failed"), Cell::absent("failed"));
    };
    let best = |copies: usize| {
        scaling
            .factors
            .iter()
            .find(|f| f.copies == copies)
            .map(|f| (f.best(), f.seconds.len()))
    };
    let cell = |copies: usize, extra: String| match best(copies) {
        Some((Some(seconds), runs)) => Cell::measured(
            seconds,
            format!(
                "{copies}×: {} (best of {runs}){extra}",
                format_seconds(seconds)
            ),
        ),
        Some((None, _)) => Cell::absent(format!("{copies}×: smoke run: not timed")),
        None => Cell::absent(format!("{copies}×: not run")),
    };
    let two = match best(2) {
        Some((Some(seconds), _)) => format!("; 2×: {}", format_seconds(seconds)),
        _ => String::new(),
    };
    (cell(4, two), cell(1, String::new()))
}

fn build_report(root: &Path, plan: &Plan, measured: &Measured) -> Report {
    let mut notes = Vec::new();
    let criterion_dir = measured.target_dir.join("criterion");
    let lookup = criterion_lookup(&measured.criterion, &criterion_dir);
    let list_bytes = match &measured.criterion {
        CriterionRun::Timed { .. } => {
            match criterion::read_throughput_bytes(&criterion_dir, "list_2000", "client_decode") {
                Ok(Some(bytes)) => Some(bytes),
                Ok(None) => {
                    notes.push(
                        "list_2000/client_decode declares no byte throughput: no MB/s".to_string(),
                    );
                    None
                }
                Err(error) => {
                    notes.push(format!("no MB/s for list_2000: {error}"));
                    None
                }
            }
        }
        _ => None,
    };
    let paired = paired_lookup(
        &measured.criterion,
        measured.target_dir.join("bench/paired.json"),
    );
    let mut rows = criterion_rows(
        &*lookup,
        &*paired,
        list_bytes,
        &measured.python,
        plan.smoke,
        &mut notes,
    );

    let smoke = plan.smoke;
    rows.extend(generation_rows(measured, smoke));
    let build_cell = |build: &Result<peers::ColdBuild, String>| match build {
        Ok(build) => Cell::measured(
            build.seconds,
            format!(
                "{} (target dir {:.2} GB)",
                format_seconds(build.seconds),
                build.target_bytes as f64 / 1e9
            ),
        ),
        Err(_) => Cell::absent("failed"),
    };
    let crates_cell = |build: &Result<peers::ColdBuild, String>| match build {
        Ok(build) => Cell::measured(
            build.crates as f64,
            format!(
                "{} crates ({} packages compiled)",
                build.crates, build.compiled
            ),
        ),
        Err(_) => Cell::absent("failed"),
    };
    let cold_row = Row::rounds(
        &format!(
            "consumer: cold debug build, seconds (ours: a binary using huaweicloud-vpn with its \
             default features; openapi-generator: a binary using its crate for \
             openapi/{CONSUMER_SPEC}.yaml, the same call){}",
            if smoke { " (smoke: 1 run)" } else { "" }
        ),
        build_cell(&measured.consumer_ours),
        build_cell(&measured.consumer_ogen),
        &measured.cold_rounds,
        Target {
            max_ratio: 1.0,
            text: "≤ 1.0×".to_string(),
        },
    );
    rows.push(if smoke { cold_row.unjudged() } else { cold_row });
    rows.push(Row::compare(
        "consumer: dependency graph, crates (normal dependencies on the host platform, root excluded)",
        crates_cell(&measured.consumer_ours),
        crates_cell(&measured.consumer_ogen),
        None,
    ));
    rows.push(Row::compare(
        &format!(
            "consumer with the same TLS as openapi-generator's crate: ours with \
             `default-features = false, features = [\"native-tls\", \"s2c\"]`, cold debug build, \
             seconds{}",
            if smoke { " (smoke: 1 run)" } else { "" }
        ),
        build_cell(&measured.consumer_native),
        build_cell(&measured.consumer_ogen),
        None,
    ));
    rows.push(Row::compare(
        "consumer with native-tls: dependency graph, crates",
        crates_cell(&measured.consumer_native),
        crates_cell(&measured.consumer_ogen),
        None,
    ));
    let crate_pair = measured.ours_after.crate_builds.as_ref();
    let crate_cell = |build: &Result<peers::CrateBuild, String>| match build {
        Ok(build) => Cell::measured(build.seconds, format_seconds(build.seconds)),
        Err(_) => Cell::absent("failed"),
    };
    rows.push(Row::compare(
        &format!(
            "consumer of `s2c` alone: the client's own debug build (its crate and its types \
             crate), dependencies built (`cargo clean -p huaweicloud-vpn -p \
             huaweicloud-vpn-types`, then `cargo build`), seconds: default features \
             vs every product ({}){}",
            ALL_PRODUCTS.join(", "),
            if smoke { " (smoke: 1 run)" } else { "" }
        ),
        crate_pair.map_or_else(|| Cell::absent("failed"), |(s2c, _)| crate_cell(s2c)),
        crate_pair.map_or_else(|| Cell::absent("failed"), |(_, all)| crate_cell(all)),
        None,
    ));
    let seconds_cell = |after: &After| match &after.incremental {
        Ok(seconds) => Cell::measured(*seconds, format_seconds(*seconds)),
        Err(_) => Cell::absent("failed"),
    };
    rows.push(Row::compare(
        &format!(
            "consumer: incremental debug rebuild after touching its own `main.rs`, seconds{}",
            if smoke { " (smoke: 1 run)" } else { "" }
        ),
        seconds_cell(&measured.ours_after),
        seconds_cell(&measured.ogen_after),
        None,
    ));
    let release_cell = |after: &After| match &after.release {
        Ok(build) => Cell::measured(build.seconds, format_seconds(build.seconds)),
        Err(_) => Cell::absent("failed"),
    };
    rows.push(Row::compare(
        &format!(
            "consumer: cold release build (its dependencies' release builds included), \
             seconds{}",
            if smoke { " (smoke: 1 run)" } else { "" }
        ),
        release_cell(&measured.ours_after),
        release_cell(&measured.ogen_after),
        None,
    ));
    let size_cell = |after: &After| match &after.release {
        Ok(build) => Cell::measured(
            build.stripped_bytes as f64,
            format!("{:.2} MB", build.stripped_bytes as f64 / 1e6),
        ),
        Err(_) => Cell::absent("failed"),
    };
    rows.push(Row::compare(
        "consumer: its release binary (builds a client and a create call), stripped of symbols, \
         bytes",
        size_cell(&measured.ours_after),
        size_cell(&measured.ogen_after),
        None,
    ));

    for failure in measured.failures() {
        notes.push(format!(
            "failed: {}",
            process::tail(&failure, 12).replace('\n', " ")
        ));
    }
    for runs in [&measured.ours_generate, &measured.ogen_generate]
        .into_iter()
        .flatten()
    {
        notes.extend(runs.notes.iter().cloned());
    }
    if let Ok(build) = &measured.consumer_ours
        && build
            .crate_list
            .iter()
            .any(|c| c.starts_with("aws-lc-sys "))
    {
        notes.push(
            "Our crate's graph has aws-lc-sys (a TLS feature with the aws-lc-rs crypto \
             provider), whose build script compiles the AWS-LC C library: a large part of a \
             cold build on 2 cores."
                .to_string(),
        );
    }
    if let Ok(build) = &measured.consumer_ogen
        && build
            .crate_list
            .iter()
            .any(|c| c.starts_with("openssl-sys "))
    {
        notes.push(
            "openapi-generator's crate uses native-tls by default (reqwest's `native-tls`), so \
             it builds openssl-sys and needs the OpenSSL headers (libssl-dev) and pkg-config; \
             ours uses rustls with the ring provider by default (no system library), and \
             native-tls with its `native-tls` feature."
                .to_string(),
        );
    }

    rows.extend(measured.soak.iter().flat_map(soak::rows));
    let mut how = how_measured(root, plan, measured);
    how.extend(soak_how(&measured.soak));
    Report {
        intro: String::new(),
        rows,
        notes,
        how,
        machine: machine(root),
    }
}

fn how_measured(root: &Path, plan: &Plan, measured: &Measured) -> Vec<String> {
    let mut how = Vec::new();
    let criterion_command = match &measured.criterion {
        CriterionRun::Timed { command, .. } | CriterionRun::Smoke { command } => command.clone(),
        CriterionRun::Failed(_) => if plan.smoke {
            "cargo test --workspace --bench calls --bench parsing --bench paired"
        } else {
            "cargo bench -p vpn-bench"
        }
        .to_string(),
    };
    let criterion_dir = peers::relative(root, &measured.target_dir.join("criterion"));
    how.push(format!(
        "Criterion rows: `{criterion_command}` (crates/vpn-bench); each cell is the median of \
         one iteration with its 95 % confidence interval, read from \
         `{criterion_dir}/<group>/<function>/new/estimates.json`. A create-then-show iteration \
         is a create then a show against vpn-bench-server on loopback; the baselines are \
         hand-written reqwest + serde_json calls, with the same reqwest timeouts."
    ));
    how.push(format!(
        "Targets: judged on the interleaved ratios of `benches/paired.rs` (run by the same \
         command, written to `{}`): each round times a batch of ours then a batch of the \
         baseline (the order alternating), and the ratio is the median over the rounds, so \
         load from other work on the machine hits both sides alike. The sequential criterion \
         medians are shown beside it.",
        peers::relative(root, &measured.target_dir.join("bench/paired.json"))
    ));
    if !measured.python_commands.is_empty() {
        how.push(format!(
            "Python SDK: {} (the server prints its URL first); one pair is create_vpn_connection then show_vpn_connection with \
             the id returned, timed with time.perf_counter() after a warm-up; ours is \
             1 / the median of `generated_aksk`.",
            measured
                .python_commands
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", then ")
        ));
    }
    how.push(format!(
        "Generation, ours: `cargo xtask generate --root {GEN_ROOT}` (a scratch copy of \
         `openapi/*.yaml`, so the repository's generated code is never touched), once to build \
         and then {} timed run(s), the output directory emptied before each so every file is \
         written. (In the repository, `cargo xtask generate` rewrites only files whose text \
         changed.)",
        plan.ours_generate_runs
    ));
    let scaling_command = match &measured.scaling {
        Ok(scaling) => scaling.command.clone(),
        Err(_) => "target/debug/xtask --root DIR generate".to_string(),
    };
    how.push(format!(
        "Generation scaling: `{scaling_command}` (the xtask binary running the bench, no cargo \
         in between) on scratch workspaces (temporary directories) whose `openapi/*.yaml` hold \
         the real specs repeated 1×, 2× and 4× in one document each: copy k suffixes every \
         operationId and component name with `Ck` (every `$ref` follows; the error schema \
         `ErrorBody` and the security schemes are shared), puts a segment `ck` after the base \
         path of every path, and suffixes the `x-waiter` name (xtask/src/bench/scaling.rs). {}",
        if plan.scaling_runs == 0 {
            "Smoke run: each once, not timed.".to_string()
        } else {
            format!(
                "{} timed run(s) each, the output directory emptied before each; the best run \
                 counts.",
                plan.scaling_runs
            )
        }
    ));
    let ogen_commands = match &measured.ogen_generate {
        Ok(runs) => runs.commands.clone(),
        Err(_) => vec![
            peers::ogen_cmd("openapi/vpn-v5.yaml", "target/bench/ogen/vpn-v5", false).display(),
        ],
    };
    how.push(format!(
        "Generation, openapi-generator (all specs, the commands timed together): {}; {} timed \
         run(s){}, output directories emptied before each run (not timed). Each timed run is \
         taken in turns with one run of ours (openapi-generator's first in odd turns, ours first \
         in even ones); the ratio column is the median of the turns' ratios, each shown.",
        ogen_commands
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(" and "),
        plan.ogen_generate_runs,
        if plan.smoke {
            ""
        } else {
            " after one untimed run"
        }
    ));
    let mut builds = Vec::new();
    for build in [
        &measured.consumer_ours,
        &measured.consumer_native,
        &measured.consumer_ogen,
    ]
    .into_iter()
    .flatten()
    {
        builds.push(format!("`{}`", build.command));
    }
    let tree = measured
        .consumer_ours
        .as_ref()
        .or(measured.consumer_ogen.as_ref())
        .map(|b| b.tree_command.clone())
        .unwrap_or_else(|_| "cargo tree --manifest-path M -e normal --prefix none".to_string());
    how.push(format!(
        "Consumer builds: {} (debug, default jobs, a fresh target directory each, deleted \
         afterwards; lock file and downloads by `cargo fetch` first, not timed). Our consumer \
         ({CONSUMER_OURS}) starts from the workspace's Cargo.lock. Crates: the unique \
         `name version` lines of `{tree}` (cargo tree's default platform: the host), without the \
         root package; packages compiled: the \
         build's `Compiling` lines (build dependencies and the root included). The judged \
         cold-build ratio: after these, {COLD_ROUNDS} rounds (1 in a smoke run) of the two \
         consumers' cold builds in turns, openapi-generator's first in odd rounds and ours first \
         in even ones, each as above; the ratio of each round, and their median (the seconds \
         shown are the first builds, one after the other).",
        if builds.is_empty() {
            "`cargo build`".to_string()
        } else {
            builds.join(" and ")
        }
    ));
    let crate_commands: Vec<String> = measured
        .ours_after
        .crate_builds
        .iter()
        .flat_map(|(s2c, all)| [s2c, all])
        .flatten()
        .map(|b| format!("`{}`", b.command))
        .collect();
    if let Ok(release) = &measured.ours_after.release {
        how.push(format!(
            "After each consumer's cold debug build, in its target directory: its `src/main.rs` \
             rewritten unchanged (a new modification time) and `cargo build` timed (the \
             incremental rebuild); `{}` timed (every dependency's release build included), the \
             binary's size read from `release/` (the same for openapi-generator's consumer, \
             {CONSUMER_OGEN}, a binary making the same create call through its crate).",
            release.command
        ));
    }
    if !crate_commands.is_empty() {
        how.push(format!(
            "The client crate's own build: after our consumer's cold build, in its target \
             directory (every dependency built), {}; the second consumer \
             ({CONSUMER_ALL}) differs only in the crate's features, so it shares every \
             dependency. What it shows: a consumer of `s2c` alone compiles none of the other \
             products, so its row stays put as they land.",
            crate_commands.join(" then ")
        ));
    }
    how
}

/// The machine: CPU, cores, toolchains.
fn machine(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown (no /proc/cpuinfo model name)".to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    out.push(format!("CPU: {model}; {cores} cores available"));
    let version = |program: &str, args: &[&str]| -> String {
        match process::run_captured(root, &Cmd::new(program, args)) {
            Ok(finished) => {
                let text = if finished.stdout.trim().is_empty() {
                    finished.stderr
                } else {
                    finished.stdout
                };
                text.lines().next().unwrap_or("").trim().to_string()
            }
            Err(_) => format!("{program}: not available"),
        }
    };
    out.push(format!("Rust: {}", version("rustc", &["--version"])));
    out.push(format!(
        "Python: {} (.venv-bench)",
        version(peers::VENV_PYTHON, &["--version"])
    ));
    out.push(format!("Java: {}", version("java", &["-version"])));
    out.push(format!(
        "openapi-generator: {}",
        version(peers::VENV_OGEN, &["version"])
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate(median_ns: f64) -> Estimate {
        Estimate {
            median_ns,
            lower_ns: median_ns * 0.99,
            upper_ns: median_ns * 1.01,
        }
    }

    /// `cargo xtask bench` alone, to parse its arguments as the main command line does.
    #[derive(clap::Parser)]
    #[command(name = "bench", bin_name = "cargo xtask bench")]
    struct BenchCommand {
        #[command(flatten)]
        options: Options,
    }

    fn parse_args(args: &[&str]) -> Result<Options, clap::error::ErrorKind> {
        use clap::Parser;
        let argv = std::iter::once("bench").chain(args.iter().copied());
        BenchCommand::try_parse_from(argv)
            .map(|command| command.options)
            .map_err(|e| e.kind())
    }

    #[test]
    fn arguments() {
        use clap::error::ErrorKind;
        assert_eq!(parse_args(&[]).unwrap(), Options::default());
        assert_eq!(
            parse_args(&["--smoke", "--write", "BENCHMARKS.md"]).unwrap(),
            Options {
                smoke: true,
                write: Some(PathBuf::from("BENCHMARKS.md")),
                only: None,
            }
        );
        assert_eq!(
            parse_args(&["--only", "soak"]).unwrap().only,
            Some(Only::Soak)
        );
        assert_eq!(
            parse_args(&["--only", "criterion"]),
            Err(ErrorKind::InvalidValue)
        );
        assert_eq!(parse_args(&["--write"]), Err(ErrorKind::InvalidValue));
        assert_eq!(
            parse_args(&["--write", "--smoke"]),
            Err(ErrorKind::InvalidValue)
        );
        assert_eq!(parse_args(&["--write", ""]), Err(ErrorKind::InvalidValue));
        assert_eq!(
            parse_args(&["--smoke", "--smoke"]),
            Err(ErrorKind::ArgumentConflict)
        );
        assert_eq!(parse_args(&["--fast"]), Err(ErrorKind::UnknownArgument));
        assert_eq!(parse_args(&["--help"]), Err(ErrorKind::DisplayHelp));
    }

    fn rows_from(table: &[(&str, &str, f64)], python: f64) -> (Vec<Row>, Vec<String>) {
        let table: Vec<(String, String, f64)> = table
            .iter()
            .map(|(g, f, ns)| (g.to_string(), f.to_string(), *ns))
            .collect();
        let by_function = table.clone();
        let lookup = move |group: &str, function: &str| {
            table
                .iter()
                .find(|(g, f, _)| g == group && f == function)
                .map(|(_, _, ns)| estimate(*ns))
                .ok_or(Gap {
                    cell: "missing".to_string(),
                    note: Some(format!("{group}/{function}: not found")),
                })
        };
        let python = Ok(peers::PythonResult {
            iterations: 100,
            seconds: 1.0,
            pairs_per_second: python,
            median_pair_us: 1e6 / python,
        });
        // The interleaved ratios, as if they agreed with the sequential medians.
        let ratio = |a: &str, b: &str| {
            let ns = |f: &str| {
                by_function
                    .iter()
                    .find(|(_, g, _)| g == f)
                    .map(|(_, _, ns)| *ns)
            };
            match (ns(a), ns(b)) {
                (Some(a), Some(b)) => Ok((a / b, a / b * 0.98, a / b * 1.02)),
                _ => Err("missing".to_string()),
            }
        };
        let paired = |name: &str| match name {
            "create_then_show_unsigned" => ratio("generated_unsigned", "reqwest_unsigned"),
            "create_then_show_aksk" => ratio("generated_aksk", "reqwest_aksk"),
            "list_2000_parse" => ratio("client_decode", "serde_json_same_structs"),
            other => Err(format!("no comparison named {other}")),
        };
        let mut notes = Vec::new();
        let rows = criterion_rows(
            &lookup,
            &paired,
            Some(2_000_000),
            &python,
            false,
            &mut notes,
        );
        (rows, notes)
    }

    #[test]
    fn criterion_rows_compute_ratios_and_targets_from_the_estimates() {
        let (rows, notes) = rows_from(
            &[
                ("create_then_show", "generated_unsigned", 104_000.0),
                ("create_then_show", "reqwest_unsigned", 100_000.0),
                ("create_then_show", "generated_aksk", 125_000.0),
                ("create_then_show", "reqwest_aksk", 110_000.0),
                ("signing", "sign_create_request", 2_000.0),
                ("list_2000", "client_decode", 4_000_000.0),
                ("list_2000", "serde_json_same_structs", 3_000_000.0),
            ],
            500.0,
        );
        assert_eq!(
            rows[0].ratio,
            "**1.040×** interleaved (quartiles 1.019×–1.061×); 1.040× one after the other"
        );
        assert_eq!(rows[0].met, report::Met::Yes);
        // 125 / 110 = 1.136 > 1.10.
        assert!(
            rows[1].ratio.starts_with("**1.136×** interleaved"),
            "{}",
            rows[1].ratio
        );
        assert_eq!(rows[1].met, report::Met::No);
        assert_eq!(rows[2].ours, "2.00 µs, 500 k signatures/s");
        assert_eq!(rows[2].met, report::Met::NotApplicable);
        // 4 ms / 3 ms = 1.333 > 1.25; 2 MB in 4 ms is 500 MB/s.
        assert!(
            rows[3].ratio.starts_with("**1.333×** interleaved"),
            "{}",
            rows[3].ratio
        );
        assert_eq!(rows[3].met, report::Met::No);
        assert!(rows[3].ours.ends_with(", 500 MB/s"), "{}", rows[3].ours);
        // Ours: 1 / 125 µs = 8,000 pairs/s against 500: 16×.
        let python = rows.last().unwrap();
        assert_eq!(python.ours, "8.00 k pairs/s");
        assert!(
            python.baseline.starts_with("500 pairs/s"),
            "{}",
            python.baseline
        );
        assert_eq!(python.ratio, "16.0×");
        // The information rows are left out with a note each.
        assert_eq!(rows.len(), 5);
        assert_eq!(notes.len(), 2, "{notes:?}");
    }

    #[test]
    fn a_missing_estimate_is_a_missing_cell_with_a_note() {
        let (rows, notes) = rows_from(
            &[
                ("create_then_show", "generated_unsigned", 100.0),
                ("list_2000", "client_decode", 4.0e6),
                ("list_2000", "serde_json_same_structs", 4.0e6),
                ("list_2000", "serde_json_value", 8.0e6),
                ("list_2000", "serde_json_plain_structs", 3.0e6),
            ],
            10.0,
        );
        assert_eq!(rows[0].baseline, "missing");
        assert_eq!(rows[0].ratio, "— (missing)");
        assert_eq!(rows[0].met, report::Met::NotApplicable);
        assert!(
            notes
                .iter()
                .any(|n| n == "create_then_show/reqwest_unsigned: not found")
        );
        assert_eq!(rows[3].met, report::Met::Yes);
        assert_eq!(rows[4].ratio, "1.333×");
        assert_eq!(rows[5].ratio, "0.500×");
        assert_eq!(rows.last().unwrap().ours, "missing");
        assert_eq!(rows.last().unwrap().ratio, "—");
    }

    #[test]
    fn generation_runs_show_their_median_and_minimum() {
        let runs = Ok(Runs {
            seconds: vec![1.2, 0.9, 1.0, 1.1, 3.0],
            commands: vec![],
            notes: vec![],
        });
        assert_eq!(
            runs_cell(&runs, false),
            Cell::measured(1.1, "1.10 s (min 900 ms, 5 runs)")
        );
        let one = Ok(Runs {
            seconds: vec![2.0],
            commands: vec![],
            notes: vec![],
        });
        assert_eq!(
            runs_cell(&one, true),
            Cell::measured(2.0, "2.00 s (smoke: 1 run)")
        );
        assert_eq!(
            runs_cell(&Err("x".to_string()), false),
            Cell::absent("failed")
        );
    }

    fn measured_generation(
        ours: &[f64],
        ogen: &[f64],
        turns: &[f64],
        scaling: Result<scaling::Scaling, String>,
    ) -> Measured {
        let runs = |seconds: &[f64]| {
            Ok(Runs {
                seconds: seconds.to_vec(),
                commands: vec![],
                notes: vec![],
            })
        };
        Measured {
            venv: Err("x".into()),
            criterion: CriterionRun::Failed("x".into()),
            python: Err("x".into()),
            python_commands: vec![],
            ours_generate: runs(ours),
            ogen_generate: runs(ogen),
            generation_turns: Ok(turns.to_vec()),
            scaling,
            consumer_ours: Err("x".into()),
            consumer_ogen: Err("x".into()),
            consumer_native: Err("x".into()),
            cold_rounds: Err("x".into()),
            ours_after: After::failed("x"),
            ogen_after: After::failed("x"),
            soak: vec![Err("x".into())],
            target_dir: PathBuf::from("/nonexistent"),
        }
    }

    fn factors(seconds: &[(usize, &[f64])]) -> Result<scaling::Scaling, String> {
        Ok(scaling::Scaling {
            factors: seconds
                .iter()
                .map(|(copies, s)| scaling::Factor {
                    copies: *copies,
                    seconds: s.to_vec(),
                })
                .collect(),
            command: "target/debug/xtask --root DIR generate".into(),
        })
    }

    #[test]
    fn generation_rows_judge_the_limit_the_peer_and_the_scaling() {
        let scaling = factors(&[(1, &[1.0, 0.9]), (2, &[1.9, 2.0]), (4, &[4.2, 4.5])]);
        let rows = generation_rows(
            &measured_generation(&[1.1, 1.0, 1.2], &[12.0], &[0.09, 0.11, 0.08], scaling),
            false,
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].target, "≤ 3 s");
        assert_eq!(rows[0].met, report::Met::Yes);
        // Judged on the turns' median (0.09), not on the medians one after the other
        // (1.1 / 12 = 0.092).
        assert_eq!(
            rows[1].ratio,
            "**0.090×** median of 3 round(s) in turns (0.090×, 0.110×, 0.080×); 0.092× one \
             after the other"
        );
        assert_eq!(rows[1].met, report::Met::Yes);
        // Best runs: 4.2 / 0.9 = 4.667 > 4.5.
        assert_eq!(rows[2].ours, "4×: 4.20 s (best of 2); 2×: 1.90 s");
        assert_eq!(rows[2].baseline, "1×: 900 ms (best of 2)");
        assert_eq!(rows[2].ratio, "4.667×");
        assert_eq!(rows[2].met, report::Met::No);

        let slow = generation_rows(
            &measured_generation(&[3.5], &[20.0], &[0.175], Err("x".into())),
            false,
        );
        assert_eq!(slow[0].met, report::Met::No);
        assert_eq!(slow[1].met, report::Met::No);
        assert_eq!(
            (slow[2].ours.as_str(), slow[2].met),
            ("failed", report::Met::NotApplicable)
        );
    }

    #[test]
    fn smoke_generation_rows_judge_nothing() {
        let scaling = factors(&[(1, &[]), (2, &[]), (4, &[])]);
        let rows = generation_rows(&measured_generation(&[9.0], &[1.0], &[9.0], scaling), true);
        assert!(rows.iter().all(|r| r.met == report::Met::NotApplicable));
        assert_eq!(rows[2].ours, "4×: smoke run: not timed");
        assert_eq!(rows[2].ratio, "—");
        assert_eq!(rows[0].target, "≤ 3 s");
    }

    #[test]
    fn smoke_criterion_cells_say_not_timed() {
        let run = CriterionRun::Smoke {
            command: String::new(),
        };
        let dir = Path::new("/nonexistent");
        let lookup = criterion_lookup(&run, dir);
        let gap = lookup("create_then_show", "generated_aksk").unwrap_err();
        assert_eq!(gap.cell, "smoke run: not timed");
        assert_eq!(gap.note, None);
        let mut notes = Vec::new();
        let python = Err("python failed".to_string());
        let paired = paired_lookup(&run, PathBuf::from("/nonexistent/paired.json"));
        let rows = criterion_rows(&*lookup, &*paired, None, &python, true, &mut notes);
        assert_eq!(rows[0].ratio, "— (smoke run: not timed)");
        assert!(
            rows.iter()
                .take(4)
                .all(|r| r.ours == "smoke run: not timed")
        );
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(rows.last().unwrap().baseline, "failed");
    }
}
