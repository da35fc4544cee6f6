//! Pass 12: request types decode from JSON only for the tools that need it.
//!
//! Why: a program builds its requests with the builders and sends them; it never reads a
//! request back from JSON. The tools that do (`hcvpn` takes a body as JSON, the emulator reads
//! the requests it is sent, the operation table's checks decode a body to name the failing
//! field) enable the client crate's `dynamic` feature. Every other consumer was compiling a
//! `Deserialize` impl per request type, and those impls were the largest single part of the
//! generated code that no caller of the typed client used (BENCHMARKS.md, "Fourth pass").
//!
//! Which types no answer holds is read off the generated code ([`Holders`]). Each keeps
//! `Serialize` and gets `Deserialize` only under the feature: its derive moves into
//! `#[cfg_attr(feature = "...", derive(::serde::Deserialize))]`, and a hand-written
//! `impl Deserialize` (typify's for bounded strings) gets `#[cfg(feature = "...")]`.

use std::collections::BTreeSet;

use syn::punctuated::Punctuated;
use syn::{Attribute, Item, Token};

use super::holders::Holders;
use super::impl_target_any;

/// Puts the `Deserialize` of every type no answer holds behind `feature`; returns those types.
pub(crate) fn request_decoding(
    items: &mut [Item],
    holders: &Holders,
    feature: &str,
) -> Result<Vec<String>, String> {
    let requests: BTreeSet<String> = holders.all.difference(&holders.answers).cloned().collect();
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

/// Removes `Deserialize` from the item's `#[derive(...)]`; whether it was there.
pub(super) fn take_derived_deserialize(attrs: &mut [Attribute]) -> Result<bool, String> {
    take_derive(attrs, "Deserialize")
}

/// Removes the trait `name` (`Deserialize`, `Serialize`) from the item's `#[derive(...)]`;
/// whether it was there.
pub(super) fn take_derive(attrs: &mut [Attribute], name: &str) -> Result<bool, String> {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let paths = attr
            .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
            .map_err(|e| format!("a derive list does not parse: {e}"))?;
        let before = paths.len();
        let kept: Punctuated<syn::Path, Token![,]> = paths
            .into_iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != name))
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

    use super::super::holders::Holders;
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
        let holders = Holders::of(&file).unwrap();
        let items = super::super::types_items(&mut file.items).unwrap();
        let gated = request_decoding(items, &holders, "dynamic").unwrap();
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
        let error = Holders::of(&file).unwrap_err();
        assert!(error.contains("`types::ShowAnswer`"), "{error}");
    }

    #[test]
    fn requests_and_answers_follow_the_fields() {
        let holders = Holders::of(&module()).unwrap();
        let set = |names: &[&str]| names.iter().map(|n| n.to_string()).collect();
        assert_eq!(holders.answers, set(&["Shared", "ShowAnswer"]));
        assert_eq!(
            holders.requests,
            set(&["CreateName", "CreateRequest", "Shared"])
        );
        assert_eq!(holders.all.len(), 4);
    }
}
