//! Pass 12: request types decode from JSON only for the tools that need it.
//!
//! Why: a program builds its requests with the builders and sends them; it never reads a
//! request back from JSON. The tools that do (`hcvpn` takes a body as JSON, the emulator reads
//! the requests it is sent, the operation table's checks decode a body to name the failing
//! field) enable the client crate's `dynamic` feature. Every other consumer was compiling a
//! `Deserialize` impl per request type, and those impls were the largest single part of the
//! generated code that no caller of the typed client used (BENCHMARKS.md, "Fourth pass").
//!
//! Which types are request-only is read off the generated code itself, not the spec: a type is
//! an answer's when a `ResponseValue<types::X>` outside the `types` module names it or a field
//! of an answer's type does (inline schemas typify names, such as a field's bounded string,
//! count with their holder). Every other type of the module keeps `Serialize` and gets
//! `Deserialize` only under the feature: its derive moves into
//! `#[cfg_attr(feature = "...", derive(::serde::Deserialize))]`, and a hand-written
//! `impl Deserialize` (typify's for bounded strings) gets `#[cfg(feature = "...")]`.

use std::collections::{BTreeMap, BTreeSet};

use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Attribute, File, Item, Token};

use super::{impl_target_any, types_items};

/// Puts the `Deserialize` of every type no answer holds behind `feature`; returns those types.
pub(crate) fn request_decoding(file: &mut File, feature: &str) -> Result<Vec<String>, String> {
    let roots = answer_roots(file);
    let items = types_items(&mut file.items)?;
    let fields = field_types(items);
    let mut missing: Vec<&String> = roots.iter().filter(|r| !fields.contains_key(*r)).collect();
    if let Some(first) = missing.pop() {
        return Err(format!(
            "request decoding: the answer type `{first}` is not a struct or enum of `types`"
        ));
    }
    let answers = closure(&roots, &fields);
    let requests: BTreeSet<String> = fields
        .keys()
        .filter(|name| !answers.contains(*name))
        .cloned()
        .collect();
    let gate: Attribute = syn::parse_quote!(#[cfg(feature = #feature)]);
    let derive_gated: Attribute =
        syn::parse_quote!(#[cfg_attr(feature = #feature, derive(::serde::Deserialize))]);
    for item in items.iter_mut() {
        let derived_by = match item {
            Item::Struct(s) if requests.contains(&s.ident.to_string()) => Some(&mut s.attrs),
            Item::Enum(e) if requests.contains(&e.ident.to_string()) => Some(&mut e.attrs),
            Item::Impl(imp)
                if imp.trait_.as_ref().is_some_and(|(path, _)| {
                    path.segments
                        .last()
                        .is_some_and(|s| s.ident == "Deserialize")
                }) && impl_target_any(imp).is_some_and(|n| requests.contains(&n)) =>
            {
                imp.attrs.push(gate.clone());
                None
            }
            _ => None,
        };
        if let Some(attrs) = derived_by
            && take_derived_deserialize(attrs)?
        {
            insert_after_derive(attrs, derive_gated.clone());
        }
    }
    Ok(requests.into_iter().collect())
}

/// The `types::X` named inside a `ResponseValue<...>` anywhere outside the `types` module.
fn answer_roots(file: &File) -> BTreeSet<String> {
    #[derive(Default)]
    struct Roots {
        inside: usize,
        found: BTreeSet<String>,
    }
    impl<'ast> Visit<'ast> for Roots {
        fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
            if m.ident != "types" {
                visit::visit_item_mod(self, m);
            }
        }
        fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
            let response = segment.ident == "ResponseValue";
            self.inside += usize::from(response);
            visit::visit_path_segment(self, segment);
            self.inside -= usize::from(response);
        }
        fn visit_path(&mut self, path: &'ast syn::Path) {
            if self.inside > 0 && path.segments.len() == 2 && path.segments[0].ident == "types" {
                self.found.insert(path.segments[1].ident.to_string());
            }
            visit::visit_path(self, path);
        }
    }
    let mut roots = Roots::default();
    roots.visit_file(file);
    roots.found
}

/// Each struct and enum of the module, with the identifiers its fields' types mention.
fn field_types(items: &[Item]) -> BTreeMap<String, BTreeSet<String>> {
    #[derive(Default)]
    struct Idents(BTreeSet<String>);
    impl<'ast> Visit<'ast> for Idents {
        fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
            self.0.insert(segment.ident.to_string());
            visit::visit_path_segment(self, segment);
        }
    }
    let mut out = BTreeMap::new();
    for item in items {
        let (name, fields): (_, Vec<&syn::Field>) = match item {
            Item::Struct(s) => (&s.ident, s.fields.iter().collect()),
            Item::Enum(e) => (
                &e.ident,
                e.variants.iter().flat_map(|v| &v.fields).collect(),
            ),
            _ => continue,
        };
        let mut idents = Idents::default();
        for field in fields {
            idents.visit_type(&field.ty);
        }
        out.insert(name.to_string(), idents.0);
    }
    out
}

/// Every type reachable from `roots` through the fields' types.
fn closure(
    roots: &BTreeSet<String>,
    fields: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&String> = roots.iter().collect();
    while let Some(name) = stack.pop() {
        if let Some(mentioned) = fields.get(name)
            && seen.insert(name.clone())
        {
            stack.extend(mentioned.iter().filter(|m| fields.contains_key(*m)));
        }
    }
    seen
}

/// Removes `Deserialize` from the item's `#[derive(...)]`; whether it was there.
fn take_derived_deserialize(attrs: &mut [Attribute]) -> Result<bool, String> {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let paths = attr
            .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
            .map_err(|e| format!("request decoding: a derive list does not parse: {e}"))?;
        let before = paths.len();
        let kept: Punctuated<syn::Path, Token![,]> = paths
            .into_iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != "Deserialize"))
            .collect();
        if kept.len() != before {
            *attr = syn::parse_quote!(#[derive(#kept)]);
            return Ok(true);
        }
    }
    Ok(false)
}

/// Puts `attr` right after the item's first `#[derive(...)]` (before the `#[serde(...)]`
/// attributes the derives read).
fn insert_after_derive(attrs: &mut Vec<Attribute>, attr: Attribute) {
    let at = attrs
        .iter()
        .position(|a| a.path().is_ident("derive"))
        .map_or(0, |i| i + 1);
    attrs.insert(at, attr);
}

#[cfg(test)]
mod tests {
    use quote::{ToTokens, quote};

    use super::request_decoding;

    /// A module with an answer, a request, a type both hold and a bounded string only the
    /// request holds (with typify's hand-written `Deserialize`).
    fn module() -> syn::File {
        syn::parse2(quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct ShowAnswer { pub shared: Option<Shared> }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(deny_unknown_fields)]
                pub struct CreateRequest { pub shared: Shared, pub name: Vec<CreateName> }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
                pub enum Shared { #[serde(rename = "a")] A }
                #[derive(::serde::Serialize, Clone, Debug)]
                #[serde(transparent)]
                pub struct CreateName(String);
                impl<'de> ::serde::Deserialize<'de> for CreateName {
                    fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                        String::deserialize(d).map(Self)
                    }
                }
                pub mod builder {}
            }
            pub mod builder {
                impl<'a> Show<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::ShowAnswer>, Error> {
                        todo!()
                    }
                }
                impl<'a> Create<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error> {
                        let _body: types::CreateRequest = todo!();
                    }
                }
            }
        })
        .unwrap()
    }

    fn item_text(file: &syn::File, name: &str) -> String {
        let syn::Item::Mod(types) = &file.items[0] else {
            unreachable!()
        };
        types
            .content
            .as_ref()
            .unwrap()
            .1
            .iter()
            .map(|item| item.to_token_stream().to_string())
            .filter(|text| {
                ["struct", "enum", "for"]
                    .iter()
                    .any(|k| text.contains(&format!("{k} {name} ")))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn only_what_answers_hold_decodes_without_the_feature() {
        let mut file = module();
        let gated = request_decoding(&mut file, "dynamic").unwrap();
        assert_eq!(gated, ["CreateName", "CreateRequest"]);
        let request = item_text(&file, "CreateRequest");
        assert!(
            request.contains("derive (:: serde :: Serialize , Clone , Debug)"),
            "{request}"
        );
        assert!(
            request.contains(
                "# [cfg_attr (feature = \"dynamic\" , derive (:: serde :: Deserialize))] \
                 # [serde (deny_unknown_fields)]"
            ),
            "the gated derive comes before the serde attributes: {request}"
        );
        let name = item_text(&file, "CreateName");
        assert!(
            name.contains("# [cfg (feature = \"dynamic\")] impl < 'de >"),
            "{name}"
        );
        for answer in ["ShowAnswer", "Shared"] {
            let text = item_text(&file, answer);
            assert!(text.contains("derive (:: serde :: Deserialize"), "{text}");
            assert!(!text.contains("dynamic"), "{text}");
        }
    }

    #[test]
    fn an_answer_type_outside_the_module_is_an_error() {
        let mut file = module();
        let syn::Item::Mod(types) = &mut file.items[0] else {
            unreachable!()
        };
        types.content.as_mut().unwrap().1.retain(|item| {
            !item
                .to_token_stream()
                .to_string()
                .contains("struct ShowAnswer")
        });
        let error = request_decoding(&mut file, "dynamic").unwrap_err();
        assert!(error.contains("`ShowAnswer`"), "{error}");
    }
}
