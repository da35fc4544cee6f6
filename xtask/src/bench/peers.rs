//! The peers we are compared with, installed through the project's own files: the official
//! Python SDK and openapi-generator (both from requirements-bench.txt into .venv-bench), and
//! the consumer crates built from scratch.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::process::{self, Cmd};

/// The venv of the peers, at the repository root.
pub const VENV: &str = ".venv-bench";
pub const REQUIREMENTS: &str = "requirements-bench.txt";
/// Touched after a successful `pip install`; the venv is remade when the requirements are newer.
const STAMP: &str = ".requirements-installed";

/// The venv's python and openapi-generator, as paths relative to the root.
pub const VENV_PYTHON: &str = ".venv-bench/bin/python";
pub const VENV_OGEN: &str = ".venv-bench/bin/openapi-generator-cli";

/// Makes `.venv-bench` from requirements-bench.txt when it is missing, incomplete or older
/// than the requirements (the stamp-file approach of scripts/judges.sh). Returns what it did.
pub fn ensure_venv(root: &Path) -> Result<String, String> {
    let requirements = root.join(REQUIREMENTS);
    let requirements_time = modified(&requirements)?;
    let venv = root.join(VENV);
    let stamp = venv.join(STAMP);
    let fresh = root.join(VENV_PYTHON).is_file()
        && root.join(VENV_OGEN).is_file()
        && modified(&stamp).is_ok_and(|stamp_time| stamp_time >= requirements_time);
    if fresh {
        return Ok(format!("{VENV} is up to date with {REQUIREMENTS}"));
    }
    let python = std::env::var("BENCH_PYTHON").unwrap_or_else(|_| "python3".to_string());
    eprintln!("==> making {VENV} ({python} -m venv) and installing {REQUIREMENTS}");
    if venv.exists() {
        std::fs::remove_dir_all(&venv).map_err(|e| format!("{}: {e}", venv.display()))?;
    }
    process::run_shown(root, &Cmd::new(&python, &["-m", "venv", VENV])).map_err(|e| {
        format!("{e}\n(Python 3 with venv is needed; set BENCH_PYTHON to choose another python)")
    })?;
    let pip = Cmd::new(
        VENV_PYTHON,
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-input",
            "-r",
            REQUIREMENTS,
        ],
    )
    .env("PIP_DISABLE_PIP_VERSION_CHECK", "1");
    process::run_shown(root, &pip)?;
    std::fs::write(&stamp, b"").map_err(|e| format!("{}: {e}", stamp.display()))?;
    Ok(format!("made {VENV} from {REQUIREMENTS}"))
}

fn modified(path: &Path) -> Result<std::time::SystemTime, String> {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// What scripts/bench_python_sdk.py printed.
#[derive(Clone, Debug, PartialEq)]
pub struct PythonResult {
    pub iterations: u64,
    pub seconds: f64,
    pub pairs_per_second: f64,
    pub median_pair_us: f64,
}

/// Parses the JSON line scripts/bench_python_sdk.py prints.
pub fn parse_python_result(stdout: &str) -> Result<PythonResult, String> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .ok_or("printed nothing")?;
    let doc: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not a JSON object ({e}): {line}"))?;
    let number = |key: &str| -> Result<f64, String> {
        match doc.get(key).and_then(|v| v.as_f64()) {
            Some(n) if n.is_finite() && n > 0.0 => Ok(n),
            Some(n) => Err(format!("{key} is {n}, expected a positive number")),
            None => Err(format!("{key} is missing or not a number in {line}")),
        }
    };
    let iterations = number("iterations")?;
    if iterations.fract() != 0.0 {
        return Err(format!(
            "iterations is {iterations}, expected a whole number"
        ));
    }
    Ok(PythonResult {
        iterations: iterations as u64,
        seconds: number("seconds")?,
        pairs_per_second: number("pairs_per_second")?,
        median_pair_us: number("median_pair_us")?,
    })
}

/// The project id the bench uses (any 32 hex digits: the bench server ignores it).
pub const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";

/// Runs the Python SDK bench against a running bench server.
pub fn python_sdk(
    root: &Path,
    url: &str,
    budget: &str,
    warmup: &str,
) -> Result<PythonResult, String> {
    let cmd = python_cmd(url, budget, warmup);
    let finished = process::run_with_limit(root, &cmd, Duration::from_secs(900))?;
    parse_python_result(&finished.stdout).map_err(|e| format!("scripts/bench_python_sdk.py: {e}"))
}

pub fn python_cmd(url: &str, budget: &str, warmup: &str) -> Cmd {
    Cmd::new(
        VENV_PYTHON,
        &[
            "scripts/bench_python_sdk.py",
            url,
            PROJECT_ID,
            budget,
            warmup,
        ],
    )
}

/// The openapi-generator command for one spec (`openapi/vpn-v5.yaml` into
/// `target/bench/ogen/vpn-v5`).
pub fn ogen_cmd(spec: &str, out_dir: &str, skip_validate: bool) -> Cmd {
    let mut args = vec!["generate", "-g", "rust", "-i", spec, "-o", out_dir];
    if skip_validate {
        args.push("--skip-validate-spec");
    }
    Cmd::new(VENV_OGEN, &args)
}

/// The helper both consumers end with: it takes a future's `poll`, which compiles the call's
/// whole path into the program as awaiting it would, without a runtime to poll it. (A library
/// may leave an async call's body to the program that awaits it; without this, such a call
/// would be measured as free.)
const COMPILE_POLL: &str = r#"
/// Takes the future's `poll`, so that the program compiles it as one that awaits it does.
fn compile_poll<F: std::future::Future>(_: &F) {
    let poll: fn(std::pin::Pin<&mut F>, &mut std::task::Context<'_>) -> std::task::Poll<F::Output> =
        F::poll;
    std::hint::black_box(poll);
}
"#;

/// The source of the consumer of our crate: a binary that builds a client and one call.
/// `features`: `None` for the crate's default features, or the features to build with instead
/// (`default-features = false`), such as `["native-tls", "s2c"]`.
pub fn write_consumer_ours(
    root: &Path,
    dir: &Path,
    features: Option<&[&str]>,
) -> Result<(), String> {
    let crate_path = root.join("crates/huaweicloud-vpn");
    let features = match features {
        None => String::new(),
        Some(list) => format!(", default-features = false, features = {list:?}"),
    };
    let manifest = format!(
        "# Written by `cargo xtask bench`: what a program using huaweicloud-vpn compiles.\n\
         [package]\n\
         name = \"consumer-ours\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         huaweicloud-vpn = {{ path = {path:?}{features} }}\n\
         \n\
         # Not a member of the repository's workspace.\n\
         [workspace]\n",
        path = crate_path.display().to_string(),
    );
    let main = r#"//! Written by `cargo xtask bench`: builds a client and a create call, sends nothing.

use huaweicloud_vpn::ClientBuilder;
use huaweicloud_vpn::vpn_v5::types;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = ClientBuilder::new()
        .endpoint("http://127.0.0.1:9")
        .project_id("0123456789abcdef0123456789abcdef")
        .aksk("consumer-ak", "consumer-sk")
        .vpn_v5()?;
    let connection = types::CreateVpnConnection::builder()
        .vgw_id("b32d91a4-demo-a8df-va86-e907174eb11d")
        .vgw_ip("0c464dad-demo-a8df-va86-c22bb0eb0bde")
        .cgw_id("5247ae10-demo-a8df-va86-dd36659a7f5d")
        .peer_subnets(vec!["192.168.44.0/24".to_string()])
        .style(types::ConnectionStyle::Static)
        .psk("consumer-pre-shared-key");
    let call = client
        .create_vpn_connection()
        .body(types::CreateVpnConnectionRequest::builder().vpn_connection(connection))
        .send();
    // The future is built and its `poll` compiled, as in a program that awaits it (so the
    // whole call path is compiled, whichever crate holds it), then dropped unpolled.
    compile_poll(&call);
    drop(std::hint::black_box(call));
    println!("built a client and a create_vpn_connection call");
    Ok(())
}
"#;
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    write(&dir.join("Cargo.toml"), &manifest)?;
    write(&src.join("main.rs"), &format!("{main}{COMPILE_POLL}"))?;
    // Start from the workspace's lock file so the consumer builds the versions we test with;
    // cargo drops what it does not need.
    let lock = root.join("Cargo.lock");
    if lock.is_file() {
        std::fs::copy(&lock, dir.join("Cargo.lock"))
            .map_err(|e| format!("{}: {e}", lock.display()))?;
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Adds an empty `[workspace]` table to a generated crate's manifest so that it builds on its
/// own (it lies under our workspace's directory). Returns whether it had to.
pub fn make_standalone(manifest: &Path) -> Result<bool, String> {
    let text =
        std::fs::read_to_string(manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    if text.lines().any(|l| l.trim() == "[workspace]") {
        return Ok(false);
    }
    let joined = format!(
        "{}\n\n# Added by `cargo xtask bench`: build outside the repository's workspace.\n[workspace]\n",
        text.trim_end()
    );
    write(manifest, &joined)?;
    Ok(true)
}

/// The `name version` pairs in the output of `cargo tree --prefix none`, without the root
/// package (the first line). Duplicates (`(*)`) count once.
pub fn count_tree_crates(tree: &str) -> (usize, Vec<String>) {
    let mut lines = tree.lines().filter(|l| !l.trim().is_empty());
    let _root = lines.next();
    let crates: BTreeSet<String> = lines
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let name = words.next()?;
            let version = words.next()?;
            Some(format!("{name} {version}"))
        })
        .collect();
    (crates.len(), crates.into_iter().collect())
}

/// How many units a `cargo build` compiled (its `Compiling` lines: crates, build scripts count
/// once per package).
pub fn count_compiled(stderr: &str) -> usize {
    stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling "))
        .count()
}

/// A cold debug build of one crate: lock file and downloads first (not timed), then
/// `cargo build` into a fresh target directory (timed), the dependency count, and the target
/// directory deleted again.
pub struct ColdBuild {
    pub seconds: f64,
    pub crates: usize,
    pub compiled: usize,
    pub crate_list: Vec<String>,
    /// The size of the target directory after the build, before it was deleted.
    pub target_bytes: u64,
    pub command: String,
    pub tree_command: String,
}

/// The client's own compile in a consumer whose dependencies are built already: after
/// `cargo clean -p huaweicloud-vpn -p huaweicloud-vpn-types`, a timed `cargo build` of the
/// consumer (the two crates, then the consumer's binary, linked).
pub struct CrateBuild {
    pub seconds: f64,
    pub command: String,
}

pub fn cold_build(root: &Path, manifest_rel: &str, target_rel: &str) -> Result<ColdBuild, String> {
    cold_build_then(root, manifest_rel, target_rel, || ()).map(|(build, ())| build)
}

/// Cold builds of two consumers taken in turns, `rounds` times (the first to go alternates),
/// each in a fresh target directory: the ratio of each round (`ours` ÷ `baseline`), so that
/// the machine's drift over minutes hits both sides alike.
pub fn interleaved_cold(
    root: &Path,
    ours: (&str, &str),
    baseline: (&str, &str),
    rounds: usize,
) -> Result<Vec<f64>, String> {
    let build =
        |(manifest, target): (&str, &str)| cold_build(root, manifest, target).map(|b| b.seconds);
    in_turns(rounds, || build(ours), || build(baseline))
}

/// `rounds` rounds of one `ours` and one `baseline` measurement, the baseline first in even
/// rounds (0, 2, ...) and ours first in odd ones: each round's ratio, ours ÷ baseline.
pub fn in_turns(
    rounds: usize,
    mut ours: impl FnMut() -> Result<f64, String>,
    mut baseline: impl FnMut() -> Result<f64, String>,
) -> Result<Vec<f64>, String> {
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (o, b) = if round % 2 == 0 {
            let b = baseline()?;
            (ours()?, b)
        } else {
            let o = ours()?;
            (o, baseline()?)
        };
        ratios.push(o / b);
    }
    Ok(ratios)
}

/// [`cold_build`], then `then` before the target directory goes (what needs the build's
/// dependencies: an incremental rebuild, a release build, the client crate's own compile).
pub fn cold_build_then<T>(
    root: &Path,
    manifest_rel: &str,
    target_rel: &str,
    then: impl FnOnce() -> T,
) -> Result<(ColdBuild, T), String> {
    let target = root.join(target_rel);
    let remove_target = || -> Result<(), String> {
        if target.exists() {
            std::fs::remove_dir_all(&target).map_err(|e| format!("{}: {e}", target.display()))?;
        }
        Ok(())
    };
    remove_target()?;
    let fetch = Cmd::new("cargo", &["fetch", "--manifest-path", manifest_rel]);
    process::run_captured(root, &fetch)?;
    let tree = Cmd::new(
        "cargo",
        &[
            "tree",
            "--manifest-path",
            manifest_rel,
            "-e",
            "normal",
            "--prefix",
            "none",
        ],
    );
    let tree_out = process::run_captured(root, &tree)?;
    let (crates, crate_list) = count_tree_crates(&tree_out.stdout);
    let build = Cmd::new("cargo", &["build", "--manifest-path", manifest_rel])
        .env("CARGO_TARGET_DIR", target_rel);
    eprintln!("==> {} (timed)", build.display());
    let result = process::run_captured(root, &build);
    let target_bytes = dir_size(&target);
    let after = result.is_ok().then(then);
    // The target directory goes whatever happened: disk is scarce.
    let removed = remove_target();
    let finished = result?;
    removed?;
    let cold = ColdBuild {
        seconds: finished.elapsed.as_secs_f64(),
        crates,
        target_bytes,
        compiled: count_compiled(&finished.stderr),
        crate_list,
        command: build.display(),
        tree_command: tree.display(),
    };
    let after = after.ok_or("the cold build failed")?;
    Ok((cold, after))
}

/// The client's own compile: `cargo clean -p huaweicloud-vpn -p huaweicloud-vpn-types` (the
/// client and its generated types), then a timed `cargo build` of the consumer at
/// `manifest_rel` in `target_rel`, whose other dependencies are built.
pub fn crate_build(
    root: &Path,
    manifest_rel: &str,
    target_rel: &str,
) -> Result<CrateBuild, String> {
    let clean = Cmd::new(
        "cargo",
        &[
            "clean",
            "-p",
            "huaweicloud-vpn",
            "-p",
            "huaweicloud-vpn-types",
            "--manifest-path",
            manifest_rel,
        ],
    )
    .env("CARGO_TARGET_DIR", target_rel);
    process::run_captured(root, &clean)?;
    let build = Cmd::new("cargo", &["build", "--manifest-path", manifest_rel])
        .env("CARGO_TARGET_DIR", target_rel);
    eprintln!("==> {} (timed)", build.display());
    let finished = process::run_captured(root, &build)?;
    Ok(CrateBuild {
        seconds: finished.elapsed.as_secs_f64(),
        command: format!("{}; {}", clean.display(), build.display()),
    })
}

/// A consumer's incremental debug rebuild after its own `src/main.rs` changed (rewritten with
/// the same text, a new modification time), in `target_rel` where it was built: seconds.
pub fn incremental_build(root: &Path, manifest_rel: &str, target_rel: &str) -> Result<f64, String> {
    let main = root
        .join(manifest_rel)
        .parent()
        .map(|dir| dir.join("src/main.rs"))
        .ok_or_else(|| format!("{manifest_rel}: no folder"))?;
    let text = std::fs::read(&main).map_err(|e| format!("{}: {e}", main.display()))?;
    // A modification time certainly after the build's outputs.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(&main, text).map_err(|e| format!("{}: {e}", main.display()))?;
    let build = Cmd::new("cargo", &["build", "--manifest-path", manifest_rel])
        .env("CARGO_TARGET_DIR", target_rel);
    eprintln!("==> touch src/main.rs; {} (timed)", build.display());
    let finished = process::run_captured(root, &build)?;
    Ok(finished.elapsed.as_secs_f64())
}

/// A consumer's release build (its dependencies' release builds included: the debug build
/// shares none of them) and its binary, stripped of symbols.
pub struct ReleaseBuild {
    pub seconds: f64,
    pub stripped_bytes: u64,
    pub command: String,
}

/// [`ReleaseBuild`] of the consumer at `manifest_rel` whose binary is `binary`, in
/// `target_rel`, with `CARGO_PROFILE_RELEASE_STRIP=symbols`.
pub fn release_build(
    root: &Path,
    manifest_rel: &str,
    target_rel: &str,
    binary: &str,
) -> Result<ReleaseBuild, String> {
    let build = Cmd::new(
        "cargo",
        &["build", "--release", "--manifest-path", manifest_rel],
    )
    .env("CARGO_TARGET_DIR", target_rel)
    .env("CARGO_PROFILE_RELEASE_STRIP", "symbols");
    eprintln!("==> {} (timed)", build.display());
    let finished = process::run_captured(root, &build)?;
    let path = root.join(target_rel).join("release").join(binary);
    let stripped_bytes = std::fs::metadata(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len();
    Ok(ReleaseBuild {
        seconds: finished.elapsed.as_secs_f64(),
        stripped_bytes,
        command: build.display(),
    })
}

/// The consumer of openapi-generator's crate at `crate_dir`: a binary that builds the same
/// create call as ours (`write_consumer_ours`) and drops it unsent.
pub fn write_consumer_ogen(dir: &Path, crate_dir: &Path) -> Result<(), String> {
    let manifest = format!(
        "# Written by `cargo xtask bench`: what a program using openapi-generator's crate compiles.\n\
         [package]\n\
         name = \"consumer-ogen\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         openapi = {{ path = {path:?} }}\n\
         \n\
         # Not a member of the repository's workspace.\n\
         [workspace]\n",
        path = crate_dir.display().to_string(),
    );
    let main = r#"//! Written by `cargo xtask bench`: builds a configuration and a create call, sends nothing.

use openapi::apis::{configuration::Configuration, vpn_connection_api};
use openapi::models;

fn main() {
    let mut configuration = Configuration::new();
    configuration.base_path = "http://127.0.0.1:9".to_string();
    let mut connection = models::CreateVpnConnection::new(
        "b32d91a4-demo-a8df-va86-e907174eb11d".to_string(),
        "0c464dad-demo-a8df-va86-c22bb0eb0bde".to_string(),
        "5247ae10-demo-a8df-va86-dd36659a7f5d".to_string(),
    );
    connection.peer_subnets = Some(vec!["192.168.44.0/24".to_string()]);
    connection.style = Some(models::ConnectionStyle::Static);
    connection.psk = Some("consumer-pre-shared-key".to_string());
    let request = models::CreateVpnConnectionRequest::new(connection);
    let call = vpn_connection_api::create_vpn_connection(
        &configuration,
        "0123456789abcdef0123456789abcdef",
        request,
    );
    // The future is built and its `poll` compiled, as in a program that awaits it (so the
    // whole call path is compiled, whichever crate holds it), then dropped unpolled.
    compile_poll(&call);
    drop(std::hint::black_box(call));
    println!("built a configuration and a create_vpn_connection call");
}
"#;
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    write(&dir.join("Cargo.toml"), &manifest)?;
    write(&src.join("main.rs"), &format!("{main}{COMPILE_POLL}"))
}

/// The bytes of the files under `dir` (symbolic links not followed; unreadable entries count 0).
pub fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => dir_size(&entry.path()),
            Ok(kind) if kind.is_file() => entry.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

/// A path relative to the root when it lies under it, for display.
pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| PathBuf::from(path))
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_alternate_who_goes_first_and_keep_each_ratio() {
        let order = std::cell::RefCell::new(Vec::new());
        let mut ours = [2.0, 3.0, 1.0].into_iter();
        let mut theirs = [4.0, 6.0, 4.0].into_iter();
        let ratios = in_turns(
            3,
            || {
                order.borrow_mut().push("ours");
                Ok(ours.next().unwrap())
            },
            || {
                order.borrow_mut().push("theirs");
                Ok(theirs.next().unwrap())
            },
        )
        .unwrap();
        assert_eq!(ratios, [0.5, 0.5, 0.25]);
        assert_eq!(
            order.into_inner(),
            ["theirs", "ours", "ours", "theirs", "theirs", "ours"]
        );
        let failed = in_turns(2, || Ok(1.0), || Err("no java".to_string()));
        assert_eq!(failed, Err("no java".to_string()));
    }

    #[test]
    fn the_python_result_is_read_from_the_last_line() {
        let out = "warning: something\n{\"iterations\": 200, \"seconds\": 2.5, \"pairs_per_second\": 80.0, \"median_pair_us\": 12345.6}\n";
        assert_eq!(
            parse_python_result(out).unwrap(),
            PythonResult {
                iterations: 200,
                seconds: 2.5,
                pairs_per_second: 80.0,
                median_pair_us: 12345.6
            }
        );
        assert_eq!(parse_python_result("").unwrap_err(), "printed nothing");
        let error = parse_python_result("{\"iterations\": 3}").unwrap_err();
        assert!(error.starts_with("seconds is missing"), "{error}");
        let error = parse_python_result(
            "{\"iterations\": 3, \"seconds\": 0, \"pairs_per_second\": 1, \"median_pair_us\": 1}",
        )
        .unwrap_err();
        assert_eq!(error, "seconds is 0, expected a positive number");
        let error = parse_python_result("Traceback (most recent call last):").unwrap_err();
        assert!(error.starts_with("not a JSON object"), "{error}");
    }

    #[test]
    fn tree_crates_are_counted_once_without_the_root() {
        let tree = "\
consumer-ours v0.1.0 (/work/main/target/bench/consumer-ours)
huaweicloud-vpn v0.1.0 (/work/main/crates/huaweicloud-vpn)
serde v1.0.228
serde_derive v1.0.228 (proc-macro)
serde v1.0.228 (*)
syn v2.0.100
syn v1.0.109
";
        let (count, list) = count_tree_crates(tree);
        assert_eq!(count, 5);
        assert_eq!(
            list,
            [
                "huaweicloud-vpn v0.1.0",
                "serde v1.0.228",
                "serde_derive v1.0.228",
                "syn v1.0.109",
                "syn v2.0.100"
            ]
        );
        assert_eq!(count_tree_crates("").0, 0);
        assert_eq!(count_tree_crates("root v1.0.0\n").0, 0);
    }

    #[test]
    fn directory_sizes_add_up_their_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/one"), [0u8; 10]).unwrap();
        std::fs::write(dir.path().join("a/b/two"), [0u8; 32]).unwrap();
        assert_eq!(dir_size(dir.path()), 42);
        assert_eq!(dir_size(&dir.path().join("absent")), 0);
    }

    #[test]
    fn compiled_units_are_counted_from_cargo_output() {
        let stderr =
            "   Compiling libc v0.2.170\n   Compiling serde v1.0.228\n    Finished `dev` profile\n";
        assert_eq!(count_compiled(stderr), 2);
    }

    #[test]
    fn a_generated_manifest_gets_one_workspace_table() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("Cargo.toml");
        std::fs::write(&manifest, "[package]\nname = \"openapi\"\n").unwrap();
        assert!(make_standalone(&manifest).unwrap());
        assert!(!make_standalone(&manifest).unwrap());
        let text = std::fs::read_to_string(&manifest).unwrap();
        assert_eq!(text.matches("[workspace]").count(), 1);
        let error = make_standalone(&dir.path().join("missing/Cargo.toml")).unwrap_err();
        assert!(error.contains("missing/Cargo.toml"), "{error}");
    }

    #[test]
    fn the_other_consumer_depends_on_openapi_generators_crate_and_makes_the_same_call() {
        let dir = tempfile::tempdir().unwrap();
        write_consumer_ogen(
            dir.path(),
            Path::new("/somewhere/repo/target/bench/ogen/vpn-v5"),
        )
        .unwrap();
        let manifest = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains("openapi = { path = \"/somewhere/repo/target/bench/ogen/vpn-v5\" }"),
            "{manifest}"
        );
        assert!(manifest.contains("name = \"consumer-ogen\""), "{manifest}");
        let main = std::fs::read_to_string(dir.path().join("src/main.rs")).unwrap();
        assert!(
            main.contains("vpn_connection_api::create_vpn_connection("),
            "{main}"
        );
    }

    #[test]
    fn the_consumer_depends_on_our_crate_by_absolute_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new("/somewhere/repo");
        write_consumer_ours(root, dir.path(), None).unwrap();
        let manifest = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains(
                "huaweicloud-vpn = { path = \"/somewhere/repo/crates/huaweicloud-vpn\" }"
            ),
            "{manifest}"
        );
        assert!(manifest.contains("\n[workspace]\n"), "{manifest}");
        assert!(dir.path().join("src/main.rs").is_file());
        // With another TLS feature in place of the defaults.
        let other = tempfile::tempdir().unwrap();
        write_consumer_ours(root, other.path(), Some(&["native-tls", "s2c"])).unwrap();
        let manifest = std::fs::read_to_string(other.path().join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains(
                "huaweicloud-vpn = { path = \"/somewhere/repo/crates/huaweicloud-vpn\", \
                 default-features = false, features = [\"native-tls\", \"s2c\"] }"
            ),
            "{manifest}"
        );
    }
}
