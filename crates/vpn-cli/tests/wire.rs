//! What `hcvpn` sends and how it shows answers, against a wiremock server: request bodies
//! built from flags and secrets, error reports, tables, pagination, the legacy endpoint.

mod common;

use common::{PROJECT, against, hcvpn, no_panic, texts};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header_exists, method, path, query_param};
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

fn connection(id: &str, name: &str, created_at: &str) -> Value {
    json!({
        "id": id, "name": name, "status": "ACTIVE", "style": "STATIC",
        "vgw_id": "gw-1", "vgw_ip": "eip-1", "cgw_id": "cgw-1",
        "peer_subnets": ["192.168.44.0/24", "192.168.45.0/24"],
        "created_at": created_at,
        "psk": "never-in-a-table"
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_id_reports_status_code_message_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v5("/vpn-connection/no-such-id")))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("X-Request-Id", "req-7f3a9c")
                .set_body_json(json!({
                    "code": "VPN.0004",
                    "message": "The VPN connection does not exist."
                })),
        )
        .mount(&server)
        .await;
    let mut cmd = against(&server.uri());
    cmd.args(["connection", "show", "no-such-id"]);
    let output = run(cmd).await;
    no_panic(&output);
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stdout.is_empty());
    for needle in [
        "show VPN connection no-such-id failed: HTTP 404",
        "code:       VPN.0004",
        "message:    The VPN connection does not exist.",
        "request id: req-7f3a9c",
    ] {
        assert!(stderr.contains(needle), "{needle:?} missing:\n{stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_json_error_body_is_shown_shortened() {
    let server = MockServer::start().await;
    let page = format!("<html><body>Bad Gateway{}</body></html>", " ".repeat(1000));
    Mock::given(method("GET"))
        .and(path(v5("/connection-monitors")))
        .respond_with(ResponseTemplate::new(502).set_body_string(page))
        .mount(&server)
        .await;
    let mut cmd = against(&server.uri());
    cmd.args(["monitor", "list"]);
    let output = run(cmd).await;
    no_panic(&output);
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("HTTP 502"), "{stderr}");
    assert!(
        stderr.contains("body:       <html><body>Bad Gateway"),
        "{stderr}"
    );
    assert!(stderr.contains("request id: (none returned)"), "{stderr}");
    assert!(stderr.len() < 1000, "the body is shortened: {stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_is_not_the_documented_json_is_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v5("/connection-monitors/m1")))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"connection_monitor\": 5}"))
        .mount(&server)
        .await;
    let mut cmd = against(&server.uri());
    cmd.args(["monitor", "show", "m1"]);
    let output = run(cmd).await;
    no_panic(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        texts(&output)
            .1
            .contains("show connection monitor m1 failed")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_sends_the_flags_and_the_psk_as_the_apis_json() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v5("/vpn-connection")))
        .and(body_json(json!({"vpn_connection": {
            "name": "office-1",
            "vgw_id": "gw-1", "vgw_ip": "eip-1", "cgw_id": "cgw-1",
            "peer_subnets": ["192.168.44.0/24", "192.168.45.0/24"],
            "style": "static",
            "psk": "Secret-Key-123",
            "ikepolicy": {"ike_version": "v2"}
        }})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "vpn_connection": {"id": "c-1", "name": "office-1"},
            "request_id": "r-1"
        })))
        .expect(1)
        .mount(&server)
        .await;
    // A body with the policy; flags for the rest; the name flag overrides the body's.
    let body = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        body.path(),
        r#"{"vpn_connection": {"name": "from-body", "ikepolicy": {"ike_version": "v2"}}}"#,
    )
    .unwrap();
    // The exact body: without the idempotency tag (tests/idempotent.rs checks the tag).
    let mut cmd = against(&server.uri());
    cmd.args([
        "--no-idempotency-tag",
        "connection",
        "create",
        "--body",
        body.path().to_str().unwrap(),
        "--name",
        "office-1",
        "--vgw-id",
        "gw-1",
        "--vgw-ip",
        "eip-1",
        "--cgw-id",
        "cgw-1",
        "--peer-subnet",
        "192.168.44.0/24",
        "--peer-subnet",
        "192.168.45.0/24",
        "--style",
        "static",
        "--psk-stdin",
    ])
    .write_stdin("Secret-Key-123\n");
    let output = run(cmd).await;
    no_panic(&output);
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let printed: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(printed["vpn_connection"]["id"], "c-1");
    assert_eq!(printed["request_id"], "r-1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_psk_comes_from_hcvpn_psk_on_create_but_not_implicitly_on_update() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v5("/vpn-connection")))
        .and(body_json(json!({"vpn_connection": {
            "vgw_id": "gw-1", "vgw_ip": "eip-1", "cgw_id": "cgw-1", "psk": "From-The-Env-1"
        }})))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"vpn_connection": {"id": "c-1"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(v5("/vpn-connection/c-1")))
        .and(body_json(json!({"vpn_connection": {"name": "renamed"}})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"vpn_connection": {"id": "c-1", "name": "renamed"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(v5("/vpn-connection/c-2")))
        .and(body_json(
            json!({"vpn_connection": {"psk": "From-The-Env-1"}}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"vpn_connection": {"id": "c-2"}})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let mut create = against(&server.uri());
    create
        .env("HCVPN_PSK", "From-The-Env-1")
        .args([
            "--no-idempotency-tag",
            "connection",
            "create",
            "--vgw-id",
            "gw-1",
            "--vgw-ip",
            "eip-1",
        ])
        .args(["--cgw-id", "cgw-1"]);
    let output = run(create).await;
    assert_eq!(output.status.code(), Some(0), "{}", texts(&output).1);

    let mut rename = against(&server.uri());
    rename.env("HCVPN_PSK", "From-The-Env-1").args([
        "connection",
        "update",
        "c-1",
        "--name",
        "renamed",
    ]);
    let output = run(rename).await;
    assert_eq!(output.status.code(), Some(0), "{}", texts(&output).1);

    let mut rekey = against(&server.uri());
    rekey
        .env("HCVPN_PSK", "From-The-Env-1")
        .args(["connection", "update", "c-2", "--psk-env"]);
    let output = run(rekey).await;
    assert_eq!(output.status.code(), Some(0), "{}", texts(&output).1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_show_the_main_columns_and_never_the_psk() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v5("/vpn-connection")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "vpn_connections": [
                connection("c-1", "office-1", "2024-01-01T00:00:00.000Z"),
                connection("c-22", "office-22", "2024-01-02T00:00:00.000Z"),
            ],
            "total_count": 2
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v5("/vpn-connection/c-1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "vpn_connection": connection("c-1", "office-1", "2024-01-01T00:00:00.000Z")
        })))
        .mount(&server)
        .await;

    let mut list = against(&server.uri());
    list.args(["connection", "list", "--output", "table"]);
    let output = run(list).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].starts_with("ID    NAME       STATUS  STYLE   VGW_ID"),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with("c-1   office-1   ACTIVE  STATIC  gw-1"),
        "{stdout}"
    );
    assert!(lines[1].contains("192.168.44.0/24,192.168.45.0/24"));
    assert!(!stdout.contains("never-in-a-table"));

    let mut show = against(&server.uri());
    show.args(["-o", "table", "connection", "show", "c-1"]);
    let output = run(show).await;
    let (stdout, _) = texts(&output);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stdout.contains("office-1"));
    assert!(!stdout.contains("never-in-a-table"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_ipsec_answers_never_print_the_psk_and_secret_out_writes_it_owner_only() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2.0/vpn/ipsec-site-connections/ip-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ipsec_site_connection": {
                "id": "ip-1", "name": "legacy", "status": "ACTIVE",
                "peer_address": "203.0.113.7", "psk": "Echoed-Secret-9"
            }
        })))
        .mount(&server)
        .await;
    // The legacy API is on its own endpoint; the v5 one is not used.
    let mut json_cmd = hcvpn();
    json_cmd
        .args(["--endpoint", "http://127.0.0.1:9", "--ipsec-endpoint"])
        .arg(server.uri())
        .args(["--no-auth", "ipsec", "show", "ip-1"]);
    let output = run(json_cmd).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let printed: Value = serde_json::from_str(&stdout).unwrap();
    // The legacy API echoes the pre-shared key; the JSON shows everything else.
    assert_eq!(
        printed["ipsec_site_connection"]["peer_address"],
        "203.0.113.7"
    );
    assert_eq!(
        printed["ipsec_site_connection"]["psk"],
        "<redacted: use --secret-out FILE>"
    );
    assert!(!stdout.contains("Echoed-Secret-9"), "{stdout}");

    // Asked for, the secret goes to a new file only its owner can read, and the answer says so.
    let dir = std::env::temp_dir().join(format!("hcvpn-wire-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("psk.txt");
    let _ = std::fs::remove_file(&file);
    let secret_out = || {
        let mut command = hcvpn();
        command.args(["--ipsec-endpoint"]).arg(server.uri()).args([
            "--no-auth",
            "op",
            "show-ipsec-site-connection",
            "--connection-id",
            "ip-1",
            "--secret-out",
        ]);
        command.arg(&file);
        command
    };
    let output = run(secret_out()).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stdout.contains("Echoed-Secret-9"), "{stdout}");
    assert!(stdout.contains("<written to "), "{stdout}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "Echoed-Secret-9");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // An existing file is never overwritten.
    let output = run(secret_out()).await;
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("exists"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();

    let mut table = hcvpn();
    table.args(["--ipsec-endpoint"]).arg(server.uri()).args([
        "--no-auth",
        "-o",
        "table",
        "ipsec",
        "show",
        "ip-1",
    ]);
    let output = run(table).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("203.0.113.7"), "{stdout}");
    assert!(!stdout.contains("Echoed-Secret-9"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_all_follows_next_marker() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v5("/vpn-connection")))
        .and(query_param("marker", "2024-01-02T00:00:00.000Z"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "vpn_connections": [connection("c-3", "three", "2024-01-03T00:00:00.000Z")],
            "page_info": {"current_count": 1},
            "total_count": 3
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v5("/vpn-connection")))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "vpn_connections": [
                connection("c-1", "one", "2024-01-01T00:00:00.000Z"),
                connection("c-2", "two", "2024-01-02T00:00:00.000Z"),
            ],
            "page_info": {"next_marker": "2024-01-02T00:00:00.000Z", "current_count": 2},
            "total_count": 3
        })))
        .up_to_n_times(2)
        .mount(&server)
        .await;

    // One page without --all, as the API returned it.
    let mut one = against(&server.uri());
    one.args(["connection", "list", "--limit", "2"]);
    let output = run(one).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let page: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(page["vpn_connections"].as_array().unwrap().len(), 2);
    assert_eq!(page["page_info"]["next_marker"], "2024-01-02T00:00:00.000Z");

    let mut all = against(&server.uri());
    all.args(["connection", "list", "--limit", "2", "--all"]);
    let output = run(all).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let listed: Value = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> = listed["vpn_connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["c-1", "c-2", "c-3"]);
    assert_eq!(listed["total_count"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_fails_clearly_when_the_resource_reaches_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v5("/connection-monitors")))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "connection_monitor": {"id": "m-1", "vpn_connection_id": "c-1"}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v5("/connection-monitors/m-1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "connection_monitor": {"id": "m-1", "status": "ERROR"}
        })))
        .mount(&server)
        .await;
    let mut cmd = against(&server.uri());
    cmd.args(["monitor", "create", "--vpn-connection-id", "c-1", "--wait"]);
    let output = run(cmd).await;
    no_panic(&output);
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("connection monitor m-1 is in status ERROR"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_gives_up_after_the_wait_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(v5("/vpn-connection/c-1")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v5("/vpn-connection/c-1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "vpn_connection": {"id": "c-1", "status": "PENDING_DELETE"}
        })))
        .mount(&server)
        .await;
    let mut cmd = against(&server.uri());
    cmd.args([
        "connection",
        "delete",
        "c-1",
        "--wait",
        "--wait-timeout",
        "2",
    ]);
    let output = run(cmd).await;
    no_panic(&output);
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("PENDING_DELETE"), "{stderr}");
    assert!(stderr.contains("--wait-timeout"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aksk_from_the_environment_signs_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v5("/connection-monitors")))
        .and(header_exists("x-sdk-date"))
        .and(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"connection_monitors": []})))
        .expect(1)
        .mount(&server)
        .await;
    let mut cmd = hcvpn();
    cmd.env("HUAWEICLOUD_SDK_AK", "AKEXAMPLE")
        .env("HUAWEICLOUD_SDK_SK", "SKEXAMPLESECRET")
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .args(["--endpoint"])
        .arg(server.uri())
        .args(["monitor", "list"]);
    let output = run(cmd).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("connection_monitors"));
    let requests = server.received_requests().await.unwrap();
    let auth = requests[0]
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        auth.starts_with("SDK-HMAC-SHA256 Access=AKEXAMPLE"),
        "{auth}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iam_token_from_hcvpn_auth_token_is_sent_as_is() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v5("/vpn/quotas")))
        .and(wiremock::matchers::header("x-auth-token", "token-from-iam"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "quotas": {"resources": [{"type": "vpn_connection", "used": 2, "quota": 500}]}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let mut cmd = hcvpn();
    cmd.env("HCVPN_AUTH_TOKEN", "token-from-iam")
        .args(["--endpoint"])
        .arg(server.uri())
        .args(["--project-id", PROJECT, "quota", "show", "-o", "table"]);
    let output = run(cmd).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stdout,
        "TYPE            USED  QUOTA\nvpn_connection  2     500\n"
    );
}
