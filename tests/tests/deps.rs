//! A consumer of the client crate compiles none of the generator's crates: the generated code
//! is checked in, so progenitor, typify, openapiv3 and prettyplease stay on the xtask side. And
//! the generated types' crate compiles none of the HTTP stack.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// Packages a consumer's build of `huaweicloud-vpn` compiles.
fn consumer_graph() -> BTreeSet<String> {
    graph_of("huaweicloud-vpn")
}

/// Packages a build of `package` compiles (normal and build dependencies, transitively;
/// dev-dependencies are the crate's own business).
fn graph_of(package: &str) -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--manifest-path",
        ])
        .arg(vpn_tests::root().join("Cargo.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: BTreeMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let nodes: BTreeMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let start = names
        .iter()
        .find(|(_, name)| **name == package)
        .map(|(id, _)| *id)
        .unwrap();
    let mut seen = BTreeSet::new();
    let mut stack = vec![start];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let compiled = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if compiled {
                stack.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    seen.into_iter().map(|id| names[id].to_string()).collect()
}

#[test]
fn consumers_compile_none_of_the_generator() {
    let graph = consumer_graph();
    assert!(graph.contains("huaweicloud-vpn") && graph.contains("reqwest"));
    let forbidden = [
        "progenitor",
        "progenitor-impl",
        "progenitor-macro",
        "typify",
        "typify-impl",
        "typify-macro",
        "openapiv3",
        "prettyplease",
        "xtask",
        "schemars",
    ];
    let found: Vec<&str> = forbidden
        .iter()
        .copied()
        .filter(|f| graph.contains(*f))
        .collect();
    assert!(
        found.is_empty(),
        "the client crate's dependency graph contains generator crates: {found:?}"
    );
    println!("a consumer compiles {} packages", graph.len());
}

/// Packages `cargo tree` lists for the client crate built with `features` (normal
/// dependencies; unlike `cargo metadata`, only the features of this build, not the workspace's).
fn tree_with(features: &[&str]) -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(vpn_tests::root()).args([
        "tree",
        "--locked",
        "-p",
        "huaweicloud-vpn",
        "-e",
        "normal",
        "--prefix",
        "none",
    ]);
    if !features.is_empty() {
        command.args(["--features", &features.join(",")]);
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// With its default features the client builds no serde derive (the generated types' impls
/// are macro calls) and no support for streamed bodies (progenitor-client asked reqwest for
/// it): both were a part of every consumer's cold build (BENCHMARKS.md, "Ninth pass"). The
/// tools feature, whose request decoders are derived, brings the derive back.
#[test]
fn a_default_consumer_builds_no_serde_derive_and_no_stream_support() {
    let default = tree_with(&[]);
    assert!(default.contains("huaweicloud-vpn-types") && default.contains("serde"));
    for unused in ["serde_derive", "progenitor-client", "tokio-util"] {
        assert!(
            !default.contains(unused),
            "{unused} is in a default consumer's build: {default:?}"
        );
    }
    assert!(tree_with(&["dynamic"]).contains("serde_derive"));
}

#[test]
fn the_default_tls_is_rustls_with_ring_and_no_system_library() {
    let graph = consumer_graph();
    assert!(graph.contains("rustls"), "the default TLS stack is rustls");
    assert!(
        graph.contains("ring"),
        "the default crypto provider is ring"
    );
    // openssl-sys needs the system's OpenSSL headers and pkg-config; aws-lc-sys compiles the
    // AWS-LC C library, most of a cold build's time (BENCHMARKS.md).
    for heavy in ["openssl-sys", "aws-lc-sys", "aws-lc-rs"] {
        assert!(
            !graph.contains(heavy),
            "{heavy} is in a default consumer's build"
        );
    }
}

/// The generated types need none of the HTTP stack: that is why they are a crate of their own,
/// which a cold build compiles while it compiles reqwest and the TLS stack (BENCHMARKS.md,
/// "Fifth pass").
#[test]
fn the_types_crate_compiles_none_of_the_http_stack() {
    assert!(consumer_graph().contains("huaweicloud-vpn-types"));
    let graph = graph_of("huaweicloud-vpn-types");
    assert!(
        graph.contains("serde") && graph.contains("serde_json"),
        "{graph:?}"
    );
    for http in [
        "reqwest",
        "hyper",
        "http",
        "tokio",
        "rustls",
        "progenitor-client",
    ] {
        assert!(
            !graph.contains(http),
            "the types crate compiles {http}: {graph:?}"
        );
    }
    // The specs' patterns are tables written at generation; no engine is compiled for them.
    for engine in ["regex", "regex-lite", "regex-automata", "regress"] {
        assert!(
            !graph.contains(engine),
            "the types crate compiles {engine}: {graph:?}"
        );
    }
}
