//! The client crate's products are cargo features (`s2c` by default, `p2c`, `legacy`): each
//! must build alone, and the default build must not carry the others. A consumer that manages
//! only site-to-site connections compiles nothing else.
//!
//! This runs `cargo check` on the client crate (and so on its types crate, which it turns the
//! same features on for) once per feature set (the checks are cached in the workspace's target
//! directory after the first run).

use std::process::Command;

fn check(features: &[&str], default: bool) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(vpn_tests::root()).args([
        "check",
        "--quiet",
        "--package",
        "huaweicloud-vpn",
        "--lib",
    ]);
    if !default {
        command.arg("--no-default-features");
    }
    if !features.is_empty() {
        command.args(["--features", &features.join(",")]);
    }
    let output = command.output().expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let what = format!("huaweicloud-vpn with features {features:?} (defaults: {default})");
    assert!(output.status.success(), "{what} does not build:\n{stderr}");
    assert!(
        !stderr.contains("warning"),
        "{what} builds with warnings:\n{stderr}"
    );
    what
}

#[test]
fn each_product_builds_alone_and_the_default_is_site_to_site() {
    let mut built = Vec::new();
    for product in ["s2c", "p2c", "legacy"] {
        built.push(check(&[product], false));
    }
    built.push(check(&[], true));
    built.push(check(&["s2c", "p2c", "legacy"], true));
    // The tools' feature (request types from JSON, the table's checks, `dynamic::call`), alone
    // with the default product and with every product.
    built.push(check(&["dynamic"], true));
    built.push(check(&["s2c", "p2c", "legacy", "dynamic"], true));
    // Without the default TLS stack (and so without its provider set-up): the platform's.
    built.push(check(&["native-tls", "s2c"], false));
    assert_eq!(built.len(), 8);
}

/// The docs name items of other products only where those are compiled: rustdoc finds no broken
/// link with the defaults nor with every product, in the client crate (which shows the types
/// crate's modules inline) nor in the types crate.
#[test]
fn the_docs_build_without_warnings_with_the_defaults_and_every_product() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for features in ["", "s2c,p2c,legacy", "s2c,p2c,legacy,dynamic"] {
        let mut command = Command::new(&cargo);
        command
            .current_dir(vpn_tests::root())
            .env("RUSTDOCFLAGS", "-D warnings")
            .args([
                "doc",
                "--quiet",
                "--no-deps",
                "--package",
                "huaweicloud-vpn",
                "--package",
                "huaweicloud-vpn-types",
            ]);
        if !features.is_empty() {
            command.args(["--features", features]);
        }
        let output = command.output().expect("cargo runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && !stderr.contains("warning"),
            "cargo doc with features [{features}]:\n{stderr}"
        );
    }
}
