//! The reduced soak: 20 tasks, 300 operations over every VPN v5 resource type, against an
//! in-process emulator failing 10 % of requests (429, 500, 502, 503, 504, resets, lost
//! answers). Afterwards the emulator holds exactly what the run knows: no duplicate, no orphan,
//! nothing missing, and the retries stayed within the budget. (`cargo xtask bench` runs the full
//! soak: 50 tasks, 1,000 operations, in a process of its own.)

use vpn_bench::soak::{self, Settings};
use vpn_emulator::{Config, Emulator, Faults};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reduced_soak_leaves_no_duplicate_and_no_orphan() {
    let emulator = Emulator::start(Config {
        faults: Faults::mixed(14, 0.10),
        ..Config::default()
    })
    .await
    .unwrap();
    let report = soak::run(&Settings {
        endpoint: emulator.url(),
        project: PROJECT.into(),
        tasks: 20,
        operations: 300,
        seed: 14,
    })
    .await
    .unwrap();
    let faults = emulator.fault_counts();
    let text = serde_json::to_string_pretty(&report).unwrap();
    assert_eq!(report.operations, 300, "{text}");
    assert!(
        report.problems().is_empty(),
        "{:?}\n{text}",
        report.problems()
    );
    // The faults happened, and the client's retries met them.
    assert!(faults.failures() >= 20, "{faults:?}");
    assert!(faults.lost > 0 && faults.resets > 0, "{faults:?}");
    assert!(report.retries_granted > 0, "{text}");
    // Every create kind ran, and the store agrees with the run's lists.
    for kind in [
        "CreateCgw",
        "CreateVgw",
        "CreateVpnConnection",
        "CreateConnectionMonitor",
    ] {
        assert!(
            report.by_kind.get(kind).copied().unwrap_or(0) > 0,
            "{kind}: {text}"
        );
    }
    let held: u64 = report.held.values().sum();
    assert!(held > 0, "{text}");
    let inventory = emulator.inventory();
    assert_eq!(inventory.len() as u64, held, "{inventory:?}\n{text}");
}
