//! `hcvpn` end to end against the local emulator (`vpn_emulator`, started in-process on a free
//! port with a short transition delay): the documented flow, unknown ids, the legacy API and
//! AK/SK signatures verified by the emulator.

mod common;

use std::time::Duration;

use common::{PROJECT, against, hcvpn, legacy_connection_flags, no_panic, texts};
use serde_json::Value;
use vpn_emulator::{Config, Emulator};

/// Resources stay PENDING_* this long in the emulator.
const DELAY: Duration = Duration::from_millis(150);

async fn emulator(credentials: Option<(&str, &str)>) -> Emulator {
    Emulator::start(Config {
        port: 0,
        transition_delay: DELAY,
        credentials: credentials.map(|(ak, sk)| (ak.to_string(), sk.to_string())),
        ..Config::default()
    })
    .await
    .expect("the emulator starts")
}

/// Runs on a blocking thread (the emulator serves on the test's runtime).
async fn run(mut cmd: assert_cmd::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// Runs `hcvpn --endpoint URL ... ARGS` and returns stdout; fails the test unless it exits 0.
async fn ok(url: &str, args: &[&str]) -> String {
    ok_with(url, args, None).await
}

async fn ok_with(url: &str, args: &[&str], stdin: Option<&str>) -> String {
    let mut cmd = against(url);
    cmd.args(args);
    if let Some(stdin) = stdin {
        cmd.write_stdin(stdin.to_string());
    }
    let output = run(cmd).await;
    no_panic(&output);
    let (stdout, stderr) = texts(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "hcvpn {args:?} failed:\nstdout: {stdout}\nstderr: {stderr}"
    );
    stdout
}

async fn json(url: &str, args: &[&str]) -> Value {
    let stdout = ok(url, args).await;
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {stdout}"))
}

fn id(value: &Value, key: &str) -> String {
    value[key]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no {key}.id in {value}"))
        .to_string()
}

/// Runs and expects exit 1 with the VPN.0004 code and a request id on stderr.
async fn not_found(url: &str, args: &[&str]) {
    not_found_with(url, args, "VPN.0004").await
}

/// Runs and expects exit 1 with `code` and a request id on stderr.
async fn not_found_with(url: &str, args: &[&str], code: &str) {
    let mut cmd = against(url);
    cmd.args(args);
    let output = run(cmd).await;
    no_panic(&output);
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("HTTP 404"), "{stderr}");
    assert!(stderr.contains(&format!("code:       {code}")), "{stderr}");
    let request_id = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("request id: "))
        .unwrap_or_else(|| panic!("no request id line: {stderr}"));
    assert!(
        request_id.len() >= 8 && !request_id.contains("none"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_flow() {
    let emu = emulator(None).await;
    let url = emu.url();

    // Availability zones and quotas first, as a user would look.
    let zones = json(&url, &["gateway", "availability-zones"]).await;
    assert!(zones["availability_zones"].is_object(), "{zones}");
    let table = ok(&url, &["gateway", "availability-zones", "-o", "table"]).await;
    assert!(table.starts_with("FLAVOR"), "{table}");

    // 1. A VPN gateway, waited for until ACTIVE.
    let gateway = json(
        &url,
        &[
            "gateway",
            "create",
            "--name",
            "gw-flow",
            "--vpc-id",
            "91b6d5a8-0c5e-4c4e-9d0b-4a0b1f3e2d11",
            "--local-subnet",
            "192.168.0.0/24",
            "--connect-subnet",
            "f5b4d3c2-1a09-4e8f-8d7c-6b5a4c3d2e1f",
            "--eip-id",
            "0c464dad-0b7e-4a8d-9a86-c22bb0eb0bde",
            "--eip-id",
            "1d575ebe-1c8f-4b9e-8b97-d33cc1fc1cef",
            "--wait",
            "--wait-timeout",
            "60",
        ],
    )
    .await;
    let gateway_id = id(&gateway, "vpn_gateway");
    assert_eq!(gateway["vpn_gateway"]["status"], "ACTIVE", "{gateway}");
    let eip_id = gateway["vpn_gateway"]["eip1"]["id"]
        .as_str()
        .expect("the shown gateway has eip1.id")
        .to_string();

    // 2. A customer gateway.
    let cgw = json(
        &url,
        &[
            "customer-gateway",
            "create",
            "--name",
            "cgw-flow",
            "--id-type",
            "ip",
            "--id-value",
            "203.0.113.10",
            "--bgp-asn",
            "65000",
        ],
    )
    .await;
    let cgw_id = id(&cgw, "customer_gateway");

    // 3. A connection, the PSK from stdin, waited for.
    let connection: Value = serde_json::from_str(
        &ok_with(
            &url,
            &[
                "connection",
                "create",
                "--name",
                "conn-flow",
                "--vgw-id",
                &gateway_id,
                "--vgw-ip",
                &eip_id,
                "--cgw-id",
                &cgw_id,
                "--peer-subnet",
                "10.10.0.0/24",
                "--style",
                "static",
                "--psk-stdin",
                "--wait",
                "--wait-timeout",
                "60",
            ],
            Some("Flow-Secret-Key-42\n"),
        )
        .await,
    )
    .unwrap();
    let connection_id = id(&connection, "vpn_connection");
    let status = connection["vpn_connection"]["status"].as_str().unwrap();
    assert!(status == "ACTIVE" || status == "DOWN", "{connection}");

    // 4. A monitor on it, waited for.
    let monitor = json(
        &url,
        &[
            "monitor",
            "create",
            "--vpn-connection-id",
            &connection_id,
            "--wait",
            "--wait-timeout",
            "60",
        ],
    )
    .await;
    let monitor_id = id(&monitor, "connection_monitor");
    assert_eq!(
        monitor["connection_monitor"]["status"], "ACTIVE",
        "{monitor}"
    );

    // 5. Show and list, JSON and table.
    let shown = json(&url, &["connection", "show", &connection_id]).await;
    assert_eq!(shown["vpn_connection"]["name"], "conn-flow");
    assert_eq!(shown["vpn_connection"]["cgw_id"], cgw_id.as_str());
    let table = ok(&url, &["connection", "show", &connection_id, "-o", "table"]).await;
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "{table}");
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("STATUS"),
        "{table}"
    );
    assert!(
        lines[1].contains(&connection_id) && lines[1].contains("conn-flow"),
        "{table}"
    );
    assert!(!table.contains("Flow-Secret-Key-42"), "{table}");

    let listed = json(&url, &["connection", "list", "--vgw-id", &gateway_id]).await;
    let items = listed["vpn_connections"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{listed}");
    let all = json(&url, &["connection", "list", "--all", "--limit", "1"]).await;
    assert_eq!(all["vpn_connections"].as_array().unwrap().len(), 1, "{all}");
    let table = ok(&url, &["connection", "list", "-o", "table"]).await;
    assert!(
        table.contains("conn-flow") && !table.contains("Flow-Secret-Key-42"),
        "{table}"
    );

    let shown = json(&url, &["monitor", "show", &monitor_id]).await;
    assert_eq!(
        shown["connection_monitor"]["vpn_connection_id"],
        connection_id.as_str()
    );
    let table = ok(&url, &["monitor", "list", "-o", "table"]).await;
    assert!(
        table.starts_with("ID") && table.contains(&monitor_id),
        "{table}"
    );
    let listed = json(
        &url,
        &["monitor", "list", "--vpn-connection-id", &connection_id],
    )
    .await;
    assert_eq!(listed["connection_monitors"].as_array().unwrap().len(), 1);

    let table = ok(&url, &["gateway", "list", "-o", "table"]).await;
    assert!(
        table.contains("gw-flow") && table.contains("ACTIVE"),
        "{table}"
    );
    let table = ok(&url, &["customer-gateway", "list", "--all", "-o", "table"]).await;
    assert!(
        table.contains("cgw-flow") && table.contains("203.0.113.10"),
        "{table}"
    );
    let quotas = ok(&url, &["quota", "show", "-o", "table"]).await;
    assert!(quotas.starts_with("TYPE"), "{quotas}");

    // Updates.
    let updated = json(
        &url,
        &[
            "connection",
            "update",
            &connection_id,
            "--name",
            "conn-renamed",
        ],
    )
    .await;
    assert_eq!(updated["vpn_connection"]["name"], "conn-renamed");
    let updated = json(
        &url,
        &["gateway", "update", &gateway_id, "--name", "gw-renamed"],
    )
    .await;
    assert_eq!(updated["vpn_gateway"]["name"], "gw-renamed");
    let updated = json(
        &url,
        &[
            "customer-gateway",
            "update",
            &cgw_id,
            "--name",
            "cgw-renamed",
        ],
    )
    .await;
    assert_eq!(updated["customer_gateway"]["name"], "cgw-renamed");

    // 6. Deletes, waited for, then the ids are unknown.
    ok(
        &url,
        &[
            "monitor",
            "delete",
            &monitor_id,
            "--wait",
            "--wait-timeout",
            "60",
        ],
    )
    .await;
    ok(
        &url,
        &[
            "connection",
            "delete",
            &connection_id,
            "--wait",
            "--wait-timeout",
            "60",
        ],
    )
    .await;
    ok(&url, &["customer-gateway", "delete", &cgw_id, "--wait"]).await;
    ok(
        &url,
        &[
            "gateway",
            "delete",
            &gateway_id,
            "--wait",
            "--wait-timeout",
            "60",
        ],
    )
    .await;
    not_found(&url, &["monitor", "show", &monitor_id]).await;
    not_found(&url, &["connection", "show", &connection_id]).await;
    not_found(&url, &["customer-gateway", "show", &cgw_id]).await;
    not_found(&url, &["gateway", "show", &gateway_id]).await;
    emu.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_id_is_exit_1_with_the_service_code_and_request_id() {
    let emu = emulator(None).await;
    let url = emu.url();
    not_found(
        &url,
        &["connection", "show", "9f0b1b6e-0000-4000-8000-000000000000"],
    )
    .await;
    not_found(
        &url,
        &[
            "connection",
            "delete",
            "9f0b1b6e-0000-4000-8000-000000000000",
        ],
    )
    .await;
    not_found(
        &url,
        &["gateway", "show", "9f0b1b6e-0000-4000-8000-000000000000"],
    )
    .await;
    // The legacy API answers in the Neutron shape: its error type is the code.
    not_found_with(
        &url,
        &["ipsec", "show", "9f0b1b6e-0000-4000-8000-000000000000"],
        "IPsecSiteConnectionNotFound",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_side_validation_errors_are_reported() {
    let emu = emulator(None).await;
    let url = emu.url();
    // Valid for the client, refused by the service: a connection to a gateway that is not there.
    let mut cmd = against(&url);
    cmd.args(["connection", "create", "--vgw-id", "no-such-gateway"])
        .args(["--vgw-ip", "no-such-eip", "--cgw-id", "no-such-cgw"]);
    let output = run(cmd).await;
    no_panic(&output);
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("create VPN connection failed: HTTP 4"),
        "{stderr}"
    );
    assert!(stderr.contains("code:       VPN."), "{stderr}");
    assert!(stderr.contains("request id: "), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_legacy_ipsec_api() {
    let emu = emulator(None).await;
    let url = emu.url();
    let psk = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(psk.path(), "Legacy-Secret-77\n").unwrap();
    let psk_path = psk.path().to_str().unwrap().to_string();
    let references = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || legacy_connection_flags(&url))
            .await
            .unwrap()
    };
    let mut args: Vec<&str> = vec!["ipsec", "create", "--name", "legacy-1"];
    args.extend(references.iter().map(String::as_str));
    args.extend(["--psk-file", &psk_path, "--wait", "--wait-timeout", "60"]);
    let created = json(&url, &args).await;
    let id = id(&created, "ipsec_site_connection");
    let table = ok(&url, &["ipsec", "list", "-o", "table"]).await;
    assert!(
        table.contains("legacy-1") && table.contains("198.51.100.20"),
        "{table}"
    );
    assert!(!table.contains("Legacy-Secret-77"), "{table}");
    let listed = json(&url, &["ipsec", "list", "--name", "legacy-1"]).await;
    assert_eq!(
        listed["ipsec_site_connections"].as_array().unwrap().len(),
        1
    );
    let updated = json(&url, &["ipsec", "update", &id, "--description", "moved"]).await;
    assert_eq!(updated["ipsec_site_connection"]["description"], "moved");
    ok(
        &url,
        &["ipsec", "delete", &id, "--wait", "--wait-timeout", "60"],
    )
    .await;
    not_found_with(&url, &["ipsec", "show", &id], "IPsecSiteConnectionNotFound").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aksk_from_the_environment_is_verified_by_the_emulator() {
    let emu = emulator(Some(("HCVPNTESTAK", "hcvpn-test-secret-key"))).await;
    let url = emu.url();
    // Right keys: signed requests are accepted.
    let mut cmd = hcvpn();
    cmd.env("HUAWEICLOUD_SDK_AK", "HCVPNTESTAK")
        .env("HUAWEICLOUD_SDK_SK", "hcvpn-test-secret-key")
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .args(["--endpoint", &url, "customer-gateway", "create"])
        .args(["--id-value", "203.0.113.99", "--name", "signed"]);
    let output = run(cmd).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("signed"), "{stdout}");
    // And the legacy API on the same endpoint.
    let mut cmd = hcvpn();
    cmd.env("HUAWEICLOUD_SDK_AK", "HCVPNTESTAK")
        .env("HUAWEICLOUD_SDK_SK", "hcvpn-test-secret-key")
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .args(["--endpoint", &url, "ipsec", "list"]);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(0), "{}", texts(&output).1);

    // A wrong secret key: the emulator's 401 is reported, and the key is not.
    let mut cmd = hcvpn();
    cmd.env("HUAWEICLOUD_SDK_AK", "HCVPNTESTAK")
        .env("HUAWEICLOUD_SDK_SK", "not-the-right-secret")
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .args(["--endpoint", &url, "--max-attempts", "1", "gateway", "list"]);
    let output = run(cmd).await;
    no_panic(&output);
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("HTTP 401"), "{stderr}");
    assert!(stderr.contains("APIGW.0301"), "{stderr}");
    assert!(!stderr.contains("not-the-right-secret"), "{stderr}");

    // No credentials at all against a server that wants them.
    let mut cmd = against(&url);
    cmd.args(["quota", "show"]);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(1), "{}", texts(&output).1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_all_follows_the_pages_of_customer_gateways() {
    let emu = emulator(None).await;
    let url = emu.url();
    for i in 1..=3 {
        let address = format!("203.0.113.{i}");
        let name = format!("cgw-page-{i}");
        ok(
            &url,
            &[
                "customer-gateway",
                "create",
                "--id-value",
                &address,
                "--name",
                &name,
            ],
        )
        .await;
    }
    let page = json(&url, &["customer-gateway", "list", "--limit", "1"]).await;
    assert_eq!(
        page["customer_gateways"].as_array().unwrap().len(),
        1,
        "{page}"
    );
    assert!(page["page_info"]["next_marker"].is_string(), "{page}");

    let all = json(&url, &["customer-gateway", "list", "--limit", "1", "--all"]).await;
    let mut names: Vec<&str> = all["customer_gateways"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["cgw-page-1", "cgw-page-2", "cgw-page-3"], "{all}");
    assert_eq!(all["total_count"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_without_the_shown_object_is_an_error() {
    // `availability-zones` as a gateway id reaches ListAvailabilityZones, whose answer has no
    // `vpn_gateway`: it must not pass for an empty gateway.
    let emu = emulator(None).await;
    let url = emu.url();
    let mut cmd = against(&url);
    cmd.args(["gateway", "show", "availability-zones"]);
    let output = run(cmd).await;
    no_panic(&output);
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("missing field `vpn_gateway`"), "{stderr}");
    emu.shutdown();
}
