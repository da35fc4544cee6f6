//! The soak row: `vpn-emulator --fault-mix 10%` and `vpn-soak` (crates/vpn-bench) as two
//! processes, so that the peak memory measured is the client's alone; the figures come from
//! the soak's JSON report and the counts the emulator prints when it is stopped.
//!
//! Why a process pair rather than criterion: the soak measures outcomes under faults
//! (duplicates, orphans, refused retries, memory), not a time per call.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::process::{Cmd, run_captured};
use super::report::{Cell, Row};

/// The full soak's size and faults (the numbers); a smoke run is smaller.
pub const TASKS: u32 = 50;
pub const OPERATIONS: u32 = 1000;
pub const FAULT_RATE: &str = "10%";
/// A second run, an outage: half the requests fail, so that the retry budget has work to do.
pub const OUTAGE_RATE: &str = "50%";
/// The runs of the bench, by fault rate.
pub const RATES: [&str; 2] = [FAULT_RATE, OUTAGE_RATE];
pub const SEED: &str = "14";

/// What a soak run reported.
#[derive(Clone, Debug)]
pub struct Soak {
    /// Concurrent tasks.
    pub tasks: u32,
    /// The share of requests the emulator failed (`10%`).
    pub rate: String,
    /// `vpn-soak`'s JSON report.
    pub report: Value,
    /// The counts the emulator printed when stopped.
    pub faults: Value,
    /// The commands run, for "How measured".
    pub commands: Vec<String>,
    /// Wall time of `vpn-soak` (operations and the final check).
    pub wall: Duration,
}

/// Builds both binaries and runs the soak with `rate` of the requests failing.
pub fn measure(root: &Path, smoke: bool, rate: &str) -> Result<Soak, String> {
    let (tasks, operations) = if smoke {
        (10, 100)
    } else {
        (TASKS, OPERATIONS)
    };
    // Smoke: the debug binaries `cargo test --workspace` built (the workspace's feature set, so
    // nothing is compiled again); full: optimized ones.
    let build_args: &[&str] = if smoke {
        &["build", "--workspace", "--bins"]
    } else {
        &[
            "build",
            "--release",
            "-p",
            "vpn-emulator",
            "--bin",
            "vpn-emulator",
            "-p",
            "vpn-bench",
            "--bin",
            "vpn-soak",
        ]
    };
    let build = Cmd::new("cargo", build_args);
    run_captured(root, &build)?;
    let bin_dir = super::target_dir(root).join(if smoke { "debug" } else { "release" });
    let emulator_bin = bin_dir.join("vpn-emulator");
    let soak_bin = bin_dir.join("vpn-soak");
    let emulator_args = ["--fault-mix", rate, "--fault-seed", SEED];
    let mut emulator = Command::new(&emulator_bin)
        .args(emulator_args)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{}: {e}", emulator_bin.display()))?;
    let mut stdout = BufReader::new(emulator.stdout.take().ok_or("no emulator stdout")?);
    let mut url = String::new();
    let read = stdout.read_line(&mut url);
    let url = url.trim().to_string();
    if read.is_err() || !url.starts_with("http://") {
        let _ = emulator.kill();
        let _ = emulator.wait();
        return Err(format!("vpn-emulator printed no URL: {url:?}"));
    }
    let soak_args = [
        "--endpoint".to_string(),
        url.clone(),
        "--tasks".into(),
        tasks.to_string(),
        "--operations".into(),
        operations.to_string(),
        "--seed".into(),
        SEED.into(),
    ];
    let started = Instant::now();
    let soak = Command::new(&soak_bin)
        .args(&soak_args)
        .current_dir(root)
        .output();
    let wall = started.elapsed();
    // Ctrl-C: the emulator prints what it injected and stops.
    let _ = Command::new("kill")
        .args(["-INT", &emulator.id().to_string()])
        .status();
    let mut rest = String::new();
    let _ = stdout.read_to_string(&mut rest);
    let _ = emulator.wait();
    let soak = soak.map_err(|e| format!("{}: {e}", soak_bin.display()))?;
    let report: Value = serde_json::from_slice(&soak.stdout).map_err(|e| {
        format!(
            "vpn-soak printed no report ({e}); stderr: {}",
            String::from_utf8_lossy(&soak.stderr)
        )
    })?;
    if !soak.status.success() {
        return Err(format!(
            "vpn-soak failed ({}): {}",
            soak.status,
            String::from_utf8_lossy(&soak.stderr).trim()
        ));
    }
    let faults = rest
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find_map(|v| v.get("fault_counts").cloned())
        .ok_or("vpn-emulator printed no fault counts when stopped")?;
    let rel = |p: &Path| super::peers::relative(root, p);
    Ok(Soak {
        tasks,
        rate: rate.to_string(),
        report,
        faults,
        commands: vec![
            build.display(),
            format!("{} {}", rel(&emulator_bin), emulator_args.join(" ")),
            format!(
                "{} {}",
                rel(&soak_bin),
                soak_args.join(" ").replace(&url, "URL")
            ),
        ],
        wall,
    })
}

/// The rows of a soak: its size, the faults, and the judged outcomes.
pub fn rows(soak: &Result<Soak, String>) -> Vec<Row> {
    let soak = match soak {
        Ok(soak) => soak,
        Err(error) => {
            return vec![Row::single(
                "soak (50 tasks × 1,000 operations)",
                Cell::absent(format!("failed: {error}")),
            )];
        }
    };
    let label = format!("soak, {} faults", soak.rate);
    let r = &soak.report;
    let f = &soak.faults;
    let n = |v: &Value, key: &str| v[key].as_u64().unwrap_or(0) as f64;
    let list_len = |key: &str| r[key].as_array().map_or(0, Vec::len) as f64;
    let count = |value: f64| Cell::measured(value, format!("{value}"));
    let faults = n(f, "throttled") + n(f, "server_errors") + n(f, "resets") + n(f, "lost");
    vec![
        Row::single(
            &format!(
                "{label}: operations ({} tasks, all VPN v5 resources)",
                soak.tasks
            ),
            Cell::measured(
                n(r, "operations"),
                format!(
                    "{} in {:.1} s ({} succeeded, {} refused by state, {} failed after retries)",
                    n(r, "operations"),
                    soak.wall.as_secs_f64(),
                    n(r, "succeeded"),
                    n(r, "refused_by_state"),
                    n(r, "failed"),
                ),
            ),
        ),
        Row::single(
            &format!("{label}: faults injected (of all requests)"),
            Cell::measured(
                faults,
                format!(
                    "{faults} of {} requests: {} × 429, {} × 5xx, {} resets, {} lost answers",
                    n(f, "requests"),
                    n(f, "throttled"),
                    n(f, "server_errors"),
                    n(f, "resets"),
                    n(f, "lost"),
                ),
            ),
        ),
        Row::single(
            &format!("{label}: creates recovered by their idempotency tag"),
            count(n(r, "recovered")),
        ),
        Row::within(
            &format!("{label}: duplicates"),
            count(n(r, "duplicates")),
            0.0,
            "0",
        ),
        Row::within(
            &format!("{label}: orphans + missing"),
            count(list_len("orphans") + list_len("missing")),
            0.0,
            "0",
        ),
        Row::single(
            &format!("{label}: retries granted / refused by the budget"),
            Cell::measured(
                n(r, "retries_refused"),
                format!(
                    "{} granted ({} tokens spent, {} given back, capacity {}) / {} refused",
                    n(r, "retries_granted"),
                    n(r, "tokens_spent"),
                    n(r, "tokens_returned"),
                    n(r, "budget_capacity"),
                    n(r, "retries_refused"),
                ),
            ),
        ),
        match r["peak_rss_kib"].as_u64() {
            Some(kib) => Row::single(
                &format!("{label}: peak memory of the client process (VmHWM)"),
                Cell::measured(kib as f64, format!("{:.1} MiB", kib as f64 / 1024.0)),
            ),
            None => Row::single(
                &format!("{label}: peak memory of the client process"),
                Cell::absent("not reported by this OS"),
            ),
        },
    ]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::bench::report::Met;

    fn soak(duplicates: u64, orphans: &[&str]) -> Result<Soak, String> {
        Ok(Soak {
            tasks: 50,
            rate: "10%".into(),
            report: json!({
                "operations": 1000, "succeeded": 980, "refused_by_state": 10, "failed": 10,
                "recovered": 4, "duplicates": duplicates, "orphans": orphans, "missing": [],
                "retries_granted": 120, "retries_refused": 3, "tokens_spent": 700,
                "tokens_returned": 650, "budget_capacity": 500, "peak_rss_kib": 20480,
            }),
            faults: json!({"requests": 1500, "throttled": 20, "server_errors": 80, "resets": 25, "lost": 22}),
            commands: vec![],
            wall: Duration::from_secs(2),
        })
    }

    #[test]
    fn duplicates_and_orphans_are_judged_and_the_figures_shown() {
        let rows = rows(&soak(0, &[]));
        let met: Vec<Met> = rows.iter().map(|r| r.met).collect();
        assert!(!met.contains(&Met::No), "{rows:?}");
        let text: String = rows
            .iter()
            .map(|r| format!("{}|{}\n", r.what, r.ours))
            .collect();
        for needle in [
            "147 of 1500 requests",
            "3 refused",
            "20.0 MiB",
            "1000 in 2.0 s",
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
        for bad in [soak(1, &[]), soak(0, &["vpn_gateway x"])] {
            assert!(rows_met_no(&bad), "{bad:?}");
        }
        assert_eq!(super::rows(&Err("boom".into())).len(), 1);
    }

    fn rows_met_no(soak: &Result<Soak, String>) -> bool {
        rows(soak).iter().any(|r| r.met == Met::No)
    }
}
