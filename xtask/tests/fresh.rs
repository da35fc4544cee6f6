//! Plain `cargo test` fails when the checked-in generated code is stale (the rust-analyzer
//! pattern): the same code path as `cargo xtask generate --check`.

use xtask::generate::{self, FIX_HINT};
use xtask::spec;

#[test]
fn generated_code_is_fresh() {
    let root = spec::workspace_root();
    let generated = match generate::generate_all(&root) {
        Ok(generated) => generated,
        Err(e) => panic!("{e}"),
    };
    let stale = generate::stale_files(&root, &generated);
    if !stale.is_empty() {
        let diffs: Vec<String> = stale.iter().map(|s| s.diff.clone()).collect();
        panic!(
            "{}\n{} file(s) differ. {FIX_HINT}",
            diffs.join("\n"),
            stale.len()
        );
    }
}

#[test]
fn project_specs_lint_clean() {
    let specs = generate::load_all(&spec::workspace_root()).unwrap();
    assert!(specs.len() >= 2);
    let findings = generate::lint_all(&specs);
    assert!(
        findings.is_empty(),
        "{}",
        findings
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The public API of each spec's generated module (the client's and its types, as
/// `generate_module` joins them; the checked-in files are the same code, which the stale check
/// above pins), pinned with insta: a spec change shows up here as a short, readable diff of
/// types, fields, variants and methods.
#[test]
fn generated_api_outline_is_pinned() {
    let root = spec::workspace_root();
    for spec in generate::load_all(&root).unwrap() {
        let source = generate::generate_module(&spec).unwrap();
        let outline = xtask::outline::outline(&source).unwrap();
        assert!(
            outline.contains("fn Client::"),
            "{}: no operations in the outline",
            spec.rel_path
        );
        insta::assert_snapshot!(format!("api_outline_{}", spec.module), outline);
    }
}
