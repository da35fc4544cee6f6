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
    // No undocumented header; every `send()` ends in the runtime's one exchange (which reads
    // error bodies with the hand-written reader), its success status as the spec says.
    assert!(!text.contains("api-version"));
    assert!(text.contains(r#"crate::runtime::respond(client, request, "create_widget", 201u16)"#));
    assert!(!text.contains("OperationInfo {"));
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

/// The two crates' files hold the same items as the joined module: the types crate's file holds
/// what `pub mod types` holds, and the client's file re-exports it under the same name.
#[test]
fn the_split_moves_the_types_module_to_the_types_crate() {
    // An item by what it declares (prettyplease lays out a nested item's body differently).
    fn name(item: &syn::Item) -> String {
        match item {
            syn::Item::Impl(i) => {
                let (ty, tr) = (&i.self_ty, i.trait_.as_ref().map(|t| &t.1));
                quote::quote!(impl #tr for #ty).to_string()
            }
            syn::Item::Struct(i) => format!("struct {}", i.ident),
            syn::Item::Enum(i) => format!("enum {}", i.ident),
            syn::Item::Mod(i) => format!("mod {}", i.ident),
            syn::Item::Fn(i) => format!("fn {}", i.sig.ident),
            syn::Item::Use(i) => quote::quote!(#i).to_string(),
            other => quote::quote!(#other).to_string(),
        }
    }
    let names = |items: &[syn::Item]| items.iter().map(name).collect::<Vec<_>>();
    let is_types = |item: &syn::Item| match item {
        syn::Item::Mod(m) => m.ident == "types",
        syn::Item::Use(u) => quote::quote!(#u).to_string().contains("as types"),
        _ => false,
    };
    let spec = sample("passes.yaml");
    let joined: syn::File = syn::parse_str(&generate::generate_module(&spec).unwrap()).unwrap();
    let split = generate::generate_split(&spec).unwrap();
    let client: syn::File = syn::parse_str(&split.client).unwrap();
    let types: syn::File = syn::parse_str(&split.types).unwrap();
    assert!(!split.client.contains("pub mod types"), "{}", split.client);
    let reexport = format!("pub use huaweicloud_vpn_types::{} as types;", spec.module);
    assert!(split.client.contains(&reexport), "{}", split.client);
    // Everything but the types module is the same in the client's file.
    let outside = |file: &syn::File| {
        let rest: Vec<syn::Item> = file
            .items
            .iter()
            .filter(|i| !is_types(i))
            .cloned()
            .collect();
        names(&rest)
    };
    assert_eq!(outside(&joined), outside(&client));
    // The types crate's file is the module's content, item for item.
    let inside = joined
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .unwrap();
    assert!(inside.len() > 10);
    assert_eq!(names(inside), names(&types.items));
    assert!(split.types.contains("#![allow(clippy::all)]"));
}
