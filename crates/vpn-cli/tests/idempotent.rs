//! `hcvpn` creates are idempotent by default: against an emulator that loses every answer to a
//! customer gateway create, the create still prints the one gateway it made; with
//! `--no-idempotency-tag` it fails and says that the gateway may exist (and it does).

mod common;

use common::{against, no_panic, texts};
use serde_json::Value;
use vpn_emulator::{Config, Emulator, Faults};

async fn output(cmd: assert_cmd::Command) -> std::process::Output {
    let mut cmd = cmd;
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn create(url: &str, name: &str, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = against(url);
    cmd.args(extra).args([
        "customer-gateway",
        "create",
        "--name",
        name,
        "--id-type",
        "ip",
        "--id-value",
        "203.0.113.20",
    ]);
    cmd
}

fn gateways(emulator: &Emulator) -> usize {
    emulator
        .inventory()
        .iter()
        .filter(|(_, kind, _)| kind == "customer_gateway")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_carry_a_fresh_idempotency_tag_by_default() {
    let emulator = Emulator::start(Config::default()).await.unwrap();
    let url = emulator.url();
    let mut tokens = Vec::new();
    for name in ["cgw-t1", "cgw-t2"] {
        let made = output(create(&url, name, &[])).await;
        let (stdout, stderr) = texts(&made);
        assert_eq!(made.status.code(), Some(0), "{stderr}");
        let printed: Value = serde_json::from_str(&stdout).unwrap();
        let tags = printed["customer_gateway"]["tags"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let token = tags
            .iter()
            .find(|t| t["key"] == huaweicloud_vpn::idempotency::TAG_KEY)
            .and_then(|t| t["value"].as_str())
            .unwrap_or_else(|| panic!("no idempotency tag: {stdout}"))
            .to_string();
        tokens.push(token);
    }
    assert_ne!(tokens[0], tokens[1], "a fresh value per create");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_create_answer_prints_the_one_resource_made() {
    let emulator = Emulator::start(Config {
        faults: Faults::parse(1, &["lost@1:CreateCgw"]).unwrap(),
        ..Config::default()
    })
    .await
    .unwrap();
    let url = emulator.url();

    let made = output(create(&url, "cgw-once", &[])).await;
    no_panic(&made);
    let (stdout, stderr) = texts(&made);
    assert_eq!(made.status.code(), Some(0), "{stderr}");
    let printed: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(printed["customer_gateway"]["name"], "cgw-once");
    assert_eq!(gateways(&emulator), 1);

    let plain = output(create(&url, "cgw-plain", &["--no-idempotency-tag"])).await;
    no_panic(&plain);
    let (stdout, stderr) = texts(&plain);
    assert_eq!(plain.status.code(), Some(1), "{stdout}");
    assert!(
        stderr.contains("the resource may have been created: list before creating it again"),
        "{stderr}"
    );
    assert_eq!(gateways(&emulator), 2);
}
