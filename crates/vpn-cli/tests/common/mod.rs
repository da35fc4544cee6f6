//! Shared helpers of the `hcvpn` integration tests: the binary with a clean environment.

#![allow(dead_code)]

use assert_cmd::Command;

/// A valid project id (32 hexadecimal characters).
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// The peer flags of a legacy IPsec site connection.
pub const IPSEC_PEER_FLAGS: [&str; 4] = [
    "--peer-address",
    "198.51.100.20",
    "--peer-id",
    "198.51.100.20",
];

/// Runs `hcvpn op <create> ARGS` against `url` and returns the created resource's id at
/// `/<wrapper>/id`; panics with the tool's output otherwise.
pub fn create_through_op(url: &str, create: &str, wrapper: &str, args: &[&str]) -> String {
    let output = against(url)
        .args(["op", create])
        .args(args)
        .output()
        .unwrap();
    no_panic(&output);
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "hcvpn op {create}: {stderr}");
    let answer: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    answer[wrapper]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("hcvpn op {create}: no {wrapper}.id in {stdout}"))
        .to_string()
}

/// A `subnet` (local) or `cidr` (peer) endpoint group made through `hcvpn op`; its id.
pub fn endpoint_group(url: &str, kind: &str, endpoint: &str) -> String {
    create_through_op(
        url,
        "create-endpoint-group",
        "endpoint_group",
        &["--type", kind, "--endpoints", endpoint],
    )
}

/// A UUID-shaped id no other call of this process gets (a VPC or subnet id the emulator has
/// not seen).
pub fn fresh_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{:08x}-0000-4000-8000-{n:012x}", std::process::id())
}

/// Creates through `hcvpn op` what a legacy IPsec site connection refers to (IKE and IPsec
/// policies, a VPN service on a VPC of its own, a `subnet` and a `cidr` endpoint group) in the
/// emulator at `url`, which checks references; the connection's reference and peer flags.
pub fn legacy_connection_flags(url: &str) -> Vec<String> {
    let ike = create_through_op(url, "create-ike-policy", "ikepolicy", &["--name", "ike-t"]);
    let ipsec = create_through_op(url, "create-ipsec-policy", "ipsecpolicy", &[]);
    let vpc = fresh_id();
    let service = create_through_op(
        url,
        "create-vpn-service",
        "vpnservice",
        &["--router-id", &vpc],
    );
    let local = endpoint_group(url, "subnet", &fresh_id());
    let peer = endpoint_group(url, "cidr", "10.20.0.0/24");
    let mut flags: Vec<String> = [
        "--ikepolicy-id",
        &ike,
        "--ipsecpolicy-id",
        &ipsec,
        "--vpnservice-id",
        &service,
        "--local-ep-group-id",
        &local,
        "--peer-ep-group-id",
        &peer,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    flags.extend(IPSEC_PEER_FLAGS.iter().map(|s| s.to_string()));
    flags
}

/// Every variable the tool reads, removed so that the caller's environment cannot leak in.
const VARIABLES: &[&str] = &[
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
    "HUAWEICLOUD_SDK_PROJECT_ID",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    "HCVPN_ENDPOINT",
    "HCVPN_IPSEC_ENDPOINT",
    "HCVPN_REGION",
    "HCVPN_CLOUD",
    "HCVPN_PSK",
    "HCVPN_AUTH_TOKEN",
];

/// `hcvpn` with none of its variables set.
pub fn hcvpn() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hcvpn"));
    for variable in VARIABLES {
        cmd.env_remove(variable);
    }
    cmd.timeout(std::time::Duration::from_secs(60));
    cmd
}

/// `hcvpn --endpoint URL --project-id PROJECT --no-auth --max-attempts 1`.
pub fn against(url: &str) -> Command {
    let mut cmd = hcvpn();
    cmd.args([
        "--endpoint",
        url,
        "--project-id",
        PROJECT,
        "--no-auth",
        "--max-attempts",
        "1",
    ]);
    cmd
}

/// A local URL where nothing listens.
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// Stdout and stderr of a finished run, as text.
pub fn texts(output: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Asserts that the run did not panic.
pub fn no_panic(output: &std::process::Output) {
    let (_, stderr) = texts(output);
    assert!(!stderr.contains("panicked"), "the tool panicked:\n{stderr}");
}
