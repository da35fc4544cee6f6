//! The generator's passes on a sample spec, pinned with insta (`cargo insta review` to accept).

use xtask::{generate, spec};

fn sample(name: &str) -> spec::SpecFile {
    let path = format!("{}/tests/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    spec::parse(&format!("xtask/tests/samples/{name}"), &text).unwrap()
}

#[test]
fn sample_spec_lints_clean() {
    let findings = xtask::lint::lint(&sample("passes.yaml"));
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn sample_spec_output_is_pinned() {
    let text = generate::generate_module(&sample("passes.yaml")).unwrap();
    insta::assert_snapshot!("passes", text);
}

#[test]
fn generation_is_deterministic() {
    let a = generate::generate_module(&sample("passes.yaml")).unwrap();
    let b = generate::generate_module(&sample("passes.yaml")).unwrap();
    assert_eq!(a, b);
}

#[test]
fn passes_do_what_they_say() {
    let text = generate::generate_module(&sample("passes.yaml")).unwrap();
    // Base path hoisted: no project_id setter, URL starts at the base URL.
    assert!(
        !text.contains("fn project_id"),
        "project_id must not be a per-call parameter"
    );
    assert!(
        text.contains("\"{}/widgets\""),
        "path must be relative to the base URL"
    );
    // Response enum open, request enum closed.
    assert!(text.contains("Unrecognized(crate::UnknownValue)"));
    let color = text
        .split("pub enum Color")
        .nth(1)
        .unwrap()
        .split('}')
        .next()
        .unwrap();
    assert!(
        !color.contains("Unrecognized"),
        "request-only enum must stay closed: {color}"
    );
    // Defaults are not filled in by the client: `size` stays optional.
    assert!(
        text.contains("pub size: ::std::option::Option<crate::Bounded<1, 10>>"),
        "request integer limits"
    );
    // A response integer keeps no limits; a query parameter with limits is checked.
    assert!(text.contains("V: std::convert::TryInto<crate::Bounded<0, 2000>>"));
    assert!(text.contains(r#"map_err(|e| format!("limit: {e}"))"#));
    // A response type ignores unknown fields even with `additionalProperties: false`; a
    // request type keeps the rule.
    let widget = text.split("pub struct Widget {").next().unwrap();
    let widget_attrs = &widget[widget.len().saturating_sub(200)..];
    assert!(
        !widget_attrs.contains("deny_unknown_fields"),
        "{widget_attrs}"
    );
    let create = text.split("pub struct CreateWidget {").next().unwrap();
    assert!(create[create.len().saturating_sub(200)..].contains("deny_unknown_fields"));
    // Optional arrays: Option<Vec<T>>, not a Vec dropped when empty.
    assert!(
        text.contains("pub tags: ::std::option::Option<::std::vec::Vec<::std::string::String>>")
    );
    assert!(!text.contains("Vec::is_empty"));
    // Secrets redacted in the type, its builder and the constrained newtype.
    assert!(text.contains("impl ::std::fmt::Debug for CreateWidget"));
    assert!(text.contains(".field(\"psk\", &crate::support::REDACTED)"));
    assert!(text.contains(".field(\"token\", &crate::support::REDACTED)"));
    // No undocumented header, and error bodies routed to the hand-written reader.
    assert!(!text.contains("api-version"));
    assert!(text.contains("crate::error::error_response(response).await"));
    assert!(!text.contains("[[xtask:"));
    // Optional setters take the value itself, wrapped in `Some` by the builder.
    let setter = text
        .split("pub fn psk<T>")
        .nth(1)
        .unwrap()
        .split("self\n")
        .next()
        .unwrap();
    assert!(
        setter.contains("TryInto<super::CreateWidgetPsk>")
            && setter.contains(".map(::std::option::Option::Some)"),
        "{setter}"
    );
    // Enum parse errors name the documented values.
    assert!(text.contains("not one of the documented values (red, green)"));
    assert!(!text.contains("\"invalid value\""));
}
