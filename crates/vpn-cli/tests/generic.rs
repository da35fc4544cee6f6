//! What `hcvpn op <operation>` sends and prints, against a wiremock server: parameters as
//! flags (encoded, repeated), body field flags over `--body`, secrets from their sources, the
//! refusals that happen before sending, and tables of answers no fixed shape knows.

mod common;

use common::{PROJECT, against, hcvpn, no_panic, texts};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn v5(suffix: &str) -> String {
    format!("/v5/{PROJECT}{suffix}")
}

/// Runs a prepared command on a blocking thread (the mock server lives on the test's runtime).
async fn run(mut cmd: assert_cmd::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_sends_path_flags_body_and_the_secret_it_was_asked_to_read() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(v5("/vpn-connection/c%2F1")))
        .and(body_json(json!({"vpn_connection": {
            "name": "from-flag",
            "peer_subnets": ["10.1.0.0/24", "10.2.0.0/24"],
            "enable_hub": true,
            "psk": "From-The-Env-77"
        }})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"vpn_connection": {"id": "c/1", "name": "from-flag"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut cmd = against(&server.uri());
    cmd.env("HCVPN_PSK", "From-The-Env-77")
        .args(["op", "update-vpn-connection", "--vpn-connection-id", "c/1"])
        .args(["--body", "-", "--name", "from-flag", "--psk-env"])
        .args([
            "--peer-subnets",
            "10.1.0.0/24",
            "--peer-subnets",
            "10.2.0.0/24",
        ])
        .write_stdin(r#"{"vpn_connection": {"name": "from-body", "enable_hub": true}}"#);
    let output = run(cmd).await;
    no_panic(&output);
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("\"from-flag\""), "{stdout}");
    assert!(!stderr.contains("From-The-Env-77"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_parameters_repeat_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v5("/vpn-connection")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"vpn_connections": []})))
        .expect(1)
        .mount(&server)
        .await;
    let mut cmd = against(&server.uri());
    cmd.args(["op", "ListVpnConnections", "--limit", "5"])
        .args([
            "--enterprise-project-id",
            "0",
            "--enterprise-project-id",
            "ep-2",
        ]);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(0), "{}", texts(&output).1);
    let sent = server.received_requests().await.unwrap();
    let query = sent[0].url.query().unwrap_or_default().to_string();
    for pair in [
        "enterprise_project_id=0",
        "enterprise_project_id=ep-2",
        "limit=5",
    ] {
        assert!(query.contains(pair), "{query}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_no_shape_knows_print_as_generic_tables() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v5("/vpn-gateways/availability-zones")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "availability_zones": {
                "Basic": {"vpc": ["az1", "az2"], "er": []},
                "Professional1": {"vpc": ["az1"], "er": ["az3"]}
            }
        })))
        .mount(&server)
        .await;
    let mut cmd = against(&server.uri());
    cmd.args(["op", "list-availability-zones", "-o", "table"]);
    let output = run(cmd).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].starts_with("KEY"), "{stdout}");
    assert!(
        lines[1].contains("Basic") && lines[1].contains("az1,az2"),
        "{stdout}"
    );
}

#[test]
fn refusals_before_sending_are_usage_errors() {
    let nowhere = common::closed_port_url();
    let cases: &[(&[&str], Option<&str>, &str)] = &[
        (
            &["op", "update-cgw", "--customer-gateway-id", "x"],
            None,
            "nothing to update",
        ),
        (
            &["op", "show-vgw", "--vgw-id", " "],
            None,
            "--vgw-id: must not be empty",
        ),
        (&["op", "show-vgw"], None, "--vgw-id <VGW_ID>"),
        // Dot segments would be removed from the URL and address another resource.
        (
            &["customer-gateway", "show", ".."],
            None,
            "path parameter `customer_gateway_id` must not be `.` or `..`",
        ),
        (
            &["gateway", "delete", "."],
            None,
            "path parameter `vgw_id` must not be `.` or `..`",
        ),
        (
            &["op", "show-vgw", "--vgw-id", ".."],
            None,
            "path parameter `vgw_id` must not be `.` or `..`",
        ),
        (
            &["op", "create-vpn-connection", "--body", "-", "--psk-stdin"],
            Some("{}"),
            "--psk-stdin and --body - both read standard input",
        ),
        (
            &[
                "op",
                "update-vpn-connection",
                "--vpn-connection-id",
                "c",
                "--psk-env",
            ],
            None,
            "--psk-env: HCVPN_PSK is not set",
        ),
        (
            &["op", "create-connection-monitor", "--body", "-"],
            Some(r#"{"connection_monitor": {"vpn_connection_id": "c", "extra": 1}}"#),
            "unknown field `connection_monitor.extra`",
        ),
        (
            &["op", "create-connection-monitor"],
            None,
            "missing field `vpn_connection_id` (give it in the body or with --vpn-connection-id)",
        ),
        (&["op", "frobnicate"], None, "unrecognized subcommand"),
    ];
    for (args, stdin, needle) in cases {
        let mut cmd = against(&nowhere);
        cmd.args(*args);
        if let Some(stdin) = stdin {
            cmd.write_stdin(*stdin);
        }
        let output = cmd.output().unwrap();
        no_panic(&output);
        let (stdout, stderr) = texts(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
    }
}

#[test]
fn the_top_level_help_points_at_every_operation() {
    let output = hcvpn().arg("--help").output().unwrap();
    let (stdout, _) = texts(&output);
    assert!(output.status.success());
    assert!(stdout.contains("hcvpn op"), "{stdout}");
    assert!(stdout.contains("HCVPN_<FIELD>"), "{stdout}");
}
