//! The README's coverage table names every operation of the generated table under the feature
//! that compiles it, so the documentation cannot fall behind the specs.

use std::collections::BTreeSet;

#[test]
fn the_readme_lists_every_operation_under_its_feature() {
    let readme = std::fs::read_to_string(vpn_tests::root().join("README.md")).expect("README.md");
    let rows: Vec<&str> = readme
        .lines()
        .filter(|line| {
            line.starts_with("| `s2c`")
                || line.starts_with("| `p2c`")
                || line.starts_with("| `legacy`")
        })
        .collect();
    assert_eq!(
        rows.len(),
        3,
        "one README row per product feature: {rows:#?}"
    );
    let mut listed = BTreeSet::new();
    for op in huaweicloud_vpn::operation::all() {
        let feature = format!("| `{}`", op.product.feature());
        let row = rows
            .iter()
            .find(|row| row.starts_with(&feature))
            .unwrap_or_else(|| panic!("no README row for feature {feature}"));
        assert!(
            row.contains(&format!("`{}`", op.id)),
            "README: {} is not listed in the `{}` row",
            op.id,
            op.product.feature()
        );
        listed.insert(op.id);
    }
    let named: usize = rows
        .iter()
        .map(|row| row.rsplit('|').nth(1).unwrap_or("").matches('`').count() / 2)
        .sum();
    assert_eq!(
        named,
        listed.len(),
        "the README names operations the specs do not have"
    );
}
