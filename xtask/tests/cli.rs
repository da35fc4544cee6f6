//! `cargo xtask generate [--check]` and `lint` as a user runs them, on a scratch copy of the
//! workspace's specs and generated files.

use std::path::Path;
use std::process::{Command, Output};

use xtask::generate::{OUTPUT_DIR, OUTPUT_DIRS, TYPES_OUTPUT_DIR};

fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = xtask::spec::workspace_root();
    for sub in std::iter::once("openapi").chain(OUTPUT_DIRS) {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for entry in std::fs::read_dir(root.join(sub)).unwrap() {
            let entry = entry.unwrap();
            if entry.path().is_file() {
                std::fs::copy(entry.path(), dir.path().join(sub).join(entry.file_name())).unwrap();
            }
        }
    }
    dir
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

/// Every generated file of both crates, by path.
fn snapshot(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = OUTPUT_DIRS
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap())
        .map(|e| {
            let e = e.unwrap();
            (
                e.path().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn edit(root: &Path, from: &str, to: &str) {
    let path = root.join("openapi/vpn-v5.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "edit does not apply: {from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn check_passes_on_fresh_code_and_fails_with_a_diff_when_stale() {
    let dir = scratch();
    let root = dir.path();
    let out = xtask(root, &["generate", "--check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A spec change the generated code has not caught up with.
    edit(
        root,
        "operationId: ShowVpnConnection",
        "operationId: GetVpnConnection",
    );
    let before = snapshot(root);
    let out = xtask(root, &["generate", "--check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("--- a/crates/huaweicloud-vpn/src/generated/vpn_v5.rs"),
        "{stderr}"
    );
    assert!(
        stderr.contains("+    pub fn get_vpn_connection(&self)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("-    pub fn show_vpn_connection(&self)"),
        "{stderr}"
    );
    assert!(stderr.contains("run `cargo xtask generate`"), "{stderr}");
    assert_eq!(before, snapshot(root), "--check must not write");

    // `generate` brings it up to date, deterministically.
    let out = xtask(root, &["generate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("wrote crates/huaweicloud-vpn/src/generated/vpn_v5.rs")
    );
    let after = snapshot(root);
    assert_ne!(before, after);
    let out = xtask(root, &["generate"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
    assert_eq!(after, snapshot(root));
    assert!(xtask(root, &["generate", "--check"]).status.success());
}

#[test]
fn a_bad_spec_leaves_every_generated_file_untouched() {
    let dir = scratch();
    let root = dir.path();
    // Valid change in one spec, a lint error in the same run: nothing may be written.
    edit(
        root,
        "operationId: ShowVpnConnection",
        "summary: no id here",
    );
    let before = snapshot(root);
    let out = xtask(root, &["generate"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("openapi/vpn-v5.yaml#/paths/~1v5~1{project_id}~1vpn-connection~1{vpn_connection_id}/get: [operation-id] missing `operationId`"), "{stderr}");
    assert!(stderr.contains("nothing was generated"), "{stderr}");
    assert_eq!(before, snapshot(root));

    let out = xtask(root, &["lint"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("[operation-id]"));
}

#[test]
fn stray_generated_files_are_reported() {
    let dir = scratch();
    let root = dir.path();
    std::fs::write(root.join(OUTPUT_DIR).join("old_api.rs"), "// left over\n").unwrap();
    std::fs::write(
        root.join(TYPES_OUTPUT_DIR).join("old_types.rs"),
        "// left over\n",
    )
    .unwrap();
    let out = xtask(root, &["generate", "--check"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("old_api.rs is not produced by any spec"),
        "{stderr}"
    );
    assert!(
        stderr.contains("old_types.rs is not produced by any spec"),
        "{stderr}"
    );
    assert!(xtask(root, &["generate"]).status.success());
    assert!(!root.join(OUTPUT_DIR).join("old_api.rs").exists());
    assert!(!root.join(TYPES_OUTPUT_DIR).join("old_types.rs").exists());
}

#[test]
fn bad_usage_exits_2() {
    let dir = scratch();
    // Each of these is refused before anything runs (none of them may start the bench).
    for args in [
        &["frobnicate"][..],
        &[],
        &["generate", "--check", "--check"],
        &["generate", "extra"],
        &["lint", "--check"],
        &["diff", "a.yaml"],
        &["diff", "a.yaml", "b.yaml", "c.yaml"],
        &["diff", "--format", "html"],
        &["diff", "--fail-on"],
        &["diff", "--base", "HEAD", "a.yaml", "b.yaml"],
        &["bench", "--smoke", "--smoke"],
        &["bench", "--write"],
        &["bench", "--write", ""],
        &["bench", "--fast"],
    ] {
        let out = xtask(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = xtask(dir.path(), &["frobnicate"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Usage: cargo xtask"), "{stderr}");
    // No arguments at all: the help, on stderr.
    let out = Command::new(env!("CARGO_BIN_EXE_xtask")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: cargo xtask"));
    assert_eq!(
        xtask(dir.path(), &["help", "frobnicate"]).status.code(),
        Some(2)
    );
    // `--root` needs its directory.
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["lint", "--root"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_exits_0_on_stdout() {
    let dir = scratch();
    for (args, expect) in [
        (&["help"][..], "Usage: cargo xtask [OPTIONS] <COMMAND>"),
        (&["--help"], "Usage: cargo xtask [OPTIONS] <COMMAND>"),
        (&["-h"], "generate"),
        (&["help", "bench"], "Usage: cargo xtask bench [OPTIONS]"),
        (&["help", "diff"], "Usage: cargo xtask diff"),
        (&["diff", "--help"], "--fail-on <LEVEL>"),
        (&["diff", "-h"], "[OLD.yaml] [NEW.yaml]"),
        (&["bench", "--help"], "--write <FILE>"),
        (&["bench", "--smoke", "-h"], "--smoke"),
        (&["generate", "--help"], "--check"),
    ] {
        let out = xtask(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(expect), "{args:?}: {stdout}");
    }
}

#[test]
fn diff_options_go_anywhere_and_repeat() {
    let dir = scratch();
    let spec = dir.path().join("openapi/vpn-v5.yaml");
    let spec = spec.to_str().unwrap();
    // `--root` after the files, a repeated option (the last one counts), `md` for markdown.
    let out = xtask(
        dir.path(),
        &["diff", spec, spec, "--format", "json", "--format", "md"],
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("## Spec diff"), "{stdout}");
    let out = xtask(
        dir.path(),
        &["diff", "--fail-on", "any", "--format", "json", spec, spec],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .trim_start()
            .starts_with('{')
    );
}
