//! Help, bad arguments, bad bodies, secrets and configuration errors: clear messages on stderr,
//! exit code 2, and never a panic. None of these needs a server.

mod common;

use std::io::Write;

use common::{PROJECT, against, closed_port_url, hcvpn, no_panic, texts};
use predicates::prelude::*;

/// Runs and checks exit code 2, no panic, and stderr containing every `needle`.
fn usage_error(cmd: &mut assert_cmd::Command, needles: &[&str]) -> String {
    let output = cmd.output().unwrap();
    no_panic(&output);
    let (stdout, stderr) = texts(&output);
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected exit 2\nstdout: {stdout}\nstderr: {stderr}"
    );
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr lacks {needle:?}:\n{stderr}"
        );
    }
    assert!(stdout.is_empty(), "nothing on stdout expected: {stdout}");
    stderr
}

fn temp_file(content: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(content.as_bytes()).unwrap();
    file
}

#[test]
fn top_level_help_documents_the_tree_and_the_exit_codes() {
    hcvpn().arg("--help").assert().success().stdout(
        predicate::str::contains("connection")
            .and(predicate::str::contains("monitor"))
            .and(predicate::str::contains("gateway"))
            .and(predicate::str::contains("customer-gateway"))
            .and(predicate::str::contains("quota"))
            .and(predicate::str::contains("ipsec"))
            .and(predicate::str::contains("HUAWEICLOUD_SDK_AK"))
            .and(predicate::str::contains("Exit codes"))
            .and(predicate::str::contains("--no-auth")),
    );
}

#[test]
fn every_subcommand_has_documented_help() {
    let commands: &[&[&str]] = &[
        &["connection"],
        &["connection", "create"],
        &["connection", "show"],
        &["connection", "list"],
        &["connection", "update"],
        &["connection", "delete"],
        &["monitor"],
        &["monitor", "create"],
        &["monitor", "show"],
        &["monitor", "list"],
        &["monitor", "delete"],
        &["gateway"],
        &["gateway", "create"],
        &["gateway", "show"],
        &["gateway", "list"],
        &["gateway", "update"],
        &["gateway", "delete"],
        &["gateway", "availability-zones"],
        &["customer-gateway"],
        &["customer-gateway", "create"],
        &["customer-gateway", "show"],
        &["customer-gateway", "list"],
        &["customer-gateway", "update"],
        &["customer-gateway", "delete"],
        &["quota"],
        &["quota", "show"],
        &["ipsec"],
        &["ipsec", "create"],
        &["ipsec", "show"],
        &["ipsec", "list"],
        &["ipsec", "update"],
        &["ipsec", "delete"],
    ];
    for command in commands {
        let output = hcvpn().args(*command).arg("--help").output().unwrap();
        let (stdout, stderr) = texts(&output);
        assert!(output.status.success(), "{command:?} --help: {stderr}");
        assert!(stdout.contains("Usage: hcvpn"), "{command:?}: {stdout}");
        // The first line is the command's description, not empty.
        let first = stdout.lines().next().unwrap_or_default();
        assert!(first.len() > 10, "{command:?} has no description: {stdout}");
    }
    // Secrets are never arguments; their sources are documented.
    hcvpn()
        .args(["connection", "create", "--help"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("--psk-stdin")
                .and(predicate::str::contains("--psk-file"))
                .and(predicate::str::contains("HCVPN_PSK"))
                .and(predicate::str::contains("--wait-timeout")),
        );
}

#[test]
fn no_arguments_shows_usage_with_exit_2() {
    let output = hcvpn().output().unwrap();
    no_panic(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(texts(&output).1.contains("Usage: hcvpn"));
}

#[test]
fn unknown_subcommands_are_usage_errors() {
    usage_error(
        hcvpn().args(["connection", "frobnicate"]),
        &["unrecognized subcommand", "frobnicate"],
    );
    usage_error(hcvpn().arg("vpc"), &["unrecognized subcommand"]);
}

#[test]
fn a_missing_id_is_a_usage_error() {
    usage_error(hcvpn().args(["connection", "show"]), &["<ID>", "required"]);
    usage_error(hcvpn().args(["monitor", "delete"]), &["<ID>"]);
    usage_error(
        hcvpn().args(["connection", "show", ""]),
        &["must not be empty"],
    );
}

#[test]
fn a_psk_is_never_taken_as_an_argument() {
    usage_error(
        hcvpn().args(["connection", "create", "--psk", "secret-key-1"]),
        &["unexpected argument '--psk'"],
    );
}

#[test]
fn invalid_json_bodies_are_rejected_before_anything_is_sent() {
    let file = temp_file("{\"vpn_connection\": {\"vgw_id\": ");
    usage_error(
        against(&closed_port_url()).args([
            "connection",
            "create",
            "--body",
            file.path().to_str().unwrap(),
        ]),
        &["invalid JSON", "line 1"],
    );
    // From stdin too.
    usage_error(
        against(&closed_port_url())
            .args(["monitor", "create", "--body", "-"])
            .write_stdin("not json"),
        &["body (standard input): invalid JSON"],
    );
    // Not an object.
    usage_error(
        against(&closed_port_url())
            .args(["monitor", "create", "--body", "-"])
            .write_stdin("[1, 2]"),
        &["expected a JSON object such as {\"connection_monitor\""],
    );
    // A file that is not there.
    usage_error(
        against(&closed_port_url()).args([
            "connection",
            "create",
            "--body",
            "/nonexistent/body.json",
        ]),
        &["--body /nonexistent/body.json: cannot read"],
    );
}

#[test]
fn bodies_are_checked_by_the_clients_rules_with_the_field_named() {
    // A missing required field, with the flag that sets it.
    usage_error(
        against(&closed_port_url()).args([
            "connection",
            "create",
            "--vgw-id",
            "gw",
            "--cgw-id",
            "cgw",
        ]),
        &["vpn_connection: missing field `vgw_ip`", "--vgw-ip"],
    );
    // A pattern.
    usage_error(
        against(&closed_port_url())
            .args(["connection", "create", "--body", "-"])
            .write_stdin(
                r#"{"vpn_connection": {"vgw_id": "a", "vgw_ip": "b", "cgw_id": "c", "name": "bad name!"}}"#,
            ),
        &["vpn_connection.name: doesn't match pattern"],
    );
    // A closed enum.
    usage_error(
        against(&closed_port_url()).args([
            "connection",
            "create",
            "--vgw-id",
            "a",
            "--vgw-ip",
            "b",
            "--cgw-id",
            "c",
            "--style",
            "dynamic",
        ]),
        &["vpn_connection.style: unknown variant `dynamic`"],
    );
    // An open enum: responses tolerate new values, requests must not send them.
    usage_error(
        against(&closed_port_url())
            .args(["connection", "create", "--body", "-"])
            .write_stdin(
                r#"{"vpn_connection": {"vgw_id": "a", "vgw_ip": "b", "cgw_id": "c",
                    "ikepolicy": {"encryption_algorithm": "rot13"}}}"#,
            ),
        &["vpn_connection.ikepolicy.encryption_algorithm: not one of the documented values"],
    );
    // The same for a gateway's open enums.
    usage_error(
        against(&closed_port_url())
            .args(["gateway", "create", "--body", "-"])
            .write_stdin(r#"{"vpn_gateway": {"attachment_type": "tgw"}}"#),
        &["vpn_gateway.attachment_type: not one of the documented values (vpc, er)"],
    );
    // A range.
    usage_error(
        against(&closed_port_url())
            .args(["connection", "create", "--body", "-"])
            .write_stdin(
                r#"{"vpn_connection": {"vgw_id": "a", "vgw_ip": "b", "cgw_id": "c",
                    "ikepolicy": {"lifetime_seconds": 5}}}"#,
            ),
        &["vpn_connection.ikepolicy.lifetime_seconds: must be between 60 and 604800, got 5"],
    );
    // A field the request does not have would be dropped silently: rejected instead.
    usage_error(
        against(&closed_port_url())
            .args(["monitor", "create", "--body", "-"])
            .write_stdin(r#"{"connection_monitor": {"vpn_connection_id": "x", "vpn_id": "y"}}"#),
        &["unknown field `connection_monitor.vpn_id`"],
    );
    // The wrong wrapper.
    usage_error(
        against(&closed_port_url())
            .args(["monitor", "create", "--body", "-"])
            .write_stdin(r#"{"vpn_connection_id": "x"}"#),
        &["missing field `connection_monitor`"],
    );
    // A query parameter's range, checked by the client before sending.
    usage_error(
        against(&closed_port_url()).args(["connection", "list", "--limit", "5000"]),
        &["limit: must be between 0 and 2000, got 5000"],
    );
    // An update that changes nothing.
    usage_error(
        against(&closed_port_url()).args(["connection", "update", "some-id"]),
        &["nothing to update"],
    );
}

#[test]
fn a_short_psk_is_rejected_without_being_printed() {
    let base = [
        "connection",
        "create",
        "--vgw-id",
        "a",
        "--vgw-ip",
        "b",
        "--cgw-id",
        "c",
    ];
    // From stdin.
    let stderr = usage_error(
        against(&closed_port_url())
            .args(base)
            .arg("--psk-stdin")
            .write_stdin("Ab3x9\n"),
        &["vpn_connection.psk: shorter than 8 characters"],
    );
    assert!(!stderr.contains("Ab3x9"));
    // From a file.
    let file = temp_file("Qz7k\n");
    let stderr = usage_error(
        against(&closed_port_url())
            .args(base)
            .args(["--psk-file", file.path().to_str().unwrap()]),
        &["vpn_connection.psk: shorter than 8 characters"],
    );
    assert!(!stderr.contains("Qz7k"));
    // From HCVPN_PSK.
    let stderr = usage_error(
        against(&closed_port_url())
            .args(base)
            .env("HCVPN_PSK", "Wq1"),
        &["vpn_connection.psk: shorter than 8 characters"],
    );
    assert!(!stderr.contains("Wq1"));
    // Too long, from the body (the value is not echoed either).
    let long = "L".repeat(200);
    let stderr = usage_error(
        against(&closed_port_url())
            .args(["connection", "create", "--body", "-"])
            .write_stdin(format!(
                r#"{{"vpn_connection": {{"vgw_id": "a", "vgw_ip": "b", "cgw_id": "c", "psk": "{long}"}}}}"#
            )),
        &["vpn_connection.psk: longer than 128 characters"],
    );
    assert!(!stderr.contains(&long));
    // An empty key.
    usage_error(
        against(&closed_port_url())
            .args(base)
            .arg("--psk-stdin")
            .write_stdin("\n"),
        &["pre-shared key from standard input is empty"],
    );
    // Two readers of stdin.
    usage_error(
        against(&closed_port_url())
            .args(["connection", "create", "--body", "-", "--psk-stdin"])
            .write_stdin("{}"),
        &["--psk-stdin and --body - both read standard input"],
    );
}

#[test]
fn a_missing_endpoint_is_a_configuration_error() {
    usage_error(
        hcvpn().args(["--project-id", PROJECT, "--no-auth", "connection", "list"]),
        &["the endpoint is missing", "--region", "--endpoint"],
    );
    // The legacy API too.
    usage_error(
        hcvpn().args(["--no-auth", "ipsec", "list"]),
        &["the endpoint is missing"],
    );
}

#[test]
fn a_bad_project_id_is_a_configuration_error() {
    usage_error(
        hcvpn().args([
            "--endpoint",
            "http://127.0.0.1:9",
            "--project-id",
            "not-a-project",
            "--no-auth",
            "connection",
            "list",
        ]),
        &["project id: must be 32 hexadecimal characters, got 13 characters"],
    );
    // From the environment as well.
    usage_error(
        hcvpn()
            .env(
                "HUAWEICLOUD_SDK_PROJECT_ID",
                "0123456789abcdef0123456789abcdeg",
            )
            .args(["--region", "eu-de", "--cloud", "otc", "--no-auth"])
            .args(["monitor", "list"]),
        &["project id: must be 32 hexadecimal characters, found 'g'"],
    );
    usage_error(
        hcvpn().args(["--region", "eu-de", "--no-auth", "connection", "list"]),
        &["the project id is missing", "HUAWEICLOUD_SDK_PROJECT_ID"],
    );
}

#[test]
fn other_configuration_errors_name_the_setting() {
    // No credentials at all.
    usage_error(
        hcvpn().args([
            "--region",
            "eu-de",
            "--project-id",
            PROJECT,
            "connection",
            "list",
        ]),
        &["credentials is missing", "HUAWEICLOUD_SDK_AK", "--no-auth"],
    );
    // Half a key pair.
    usage_error(
        hcvpn()
            .env("HUAWEICLOUD_SDK_AK", "AKEXAMPLE")
            .args(["--region", "eu-de", "--project-id", PROJECT])
            .args(["connection", "list"]),
        &["HUAWEICLOUD_SDK_SK", "is not set"],
    );
    // A bad region and a bad endpoint.
    usage_error(
        hcvpn()
            .args(["--region", "EU DE", "--project-id", PROJECT, "--no-auth"])
            .args(["connection", "list"]),
        &["region `EU DE`"],
    );
    usage_error(
        hcvpn()
            .args([
                "--endpoint",
                "ftp://example",
                "--project-id",
                PROJECT,
                "--no-auth",
            ])
            .args(["connection", "list"]),
        &["endpoint `ftp://example`", "scheme"],
    );
    // A value clap knows is wrong.
    usage_error(
        hcvpn().args(["--cloud", "aws", "connection", "list"]),
        &["invalid value 'aws'"],
    );
}

#[test]
fn an_unreachable_server_is_an_api_error_with_exit_1() {
    let output = against(&closed_port_url())
        .args(["connection", "show", "abc"])
        .output()
        .unwrap();
    no_panic(&output);
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("show VPN connection abc failed: could not reach the service"),
        "{stderr}"
    );
}
