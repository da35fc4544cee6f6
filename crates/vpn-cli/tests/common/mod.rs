//! Shared helpers of the `hcvpn` integration tests: the binary with a clean environment.

#![allow(dead_code)]

use assert_cmd::Command;

/// A valid project id (32 hexadecimal characters).
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// The flags of a legacy IPsec site connection's required references and peer (the emulator
/// does not check that the referenced resources exist).
pub const IPSEC_CONNECTION_FLAGS: [&str; 14] = [
    "--vpnservice-id",
    "5c1f0a3b-1d2e-4f50-8a6b-7c8d9e0f1a2b",
    "--ikepolicy-id",
    "6d2a1b4c-2e3f-4061-9b7c-8d9e0f1a2b3c",
    "--ipsecpolicy-id",
    "7e3b2c5d-3f40-4172-8c8d-9e0f1a2b3c4d",
    "--local-ep-group-id",
    "8f4c3d6e-4051-4283-9d9e-0f1a2b3c4d5e",
    "--peer-ep-group-id",
    "905d4e7f-5162-4394-8eaf-1a2b3c4d5e6f",
    "--peer-address",
    "198.51.100.20",
    "--peer-id",
    "198.51.100.20",
];

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
