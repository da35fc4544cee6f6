//! Pass 16: the generated types serialize through `encode_struct!`, `encode_enum!` and
//! `encode_newtype!` calls instead of serde's `#[derive(Serialize)]`.
//!
//! Why: after pass 14 (the structs' decoders) the derive of `Serialize` was the only reason a
//! program using the client's default features built serde_derive, a proc-macro crate that
//! every crate using serde waits for in a cold build (BENCHMARKS.md, "Ninth pass"). The macros
//! are the types crate's (`encode.rs`) and write what the derive wrote: fields in their
//! declared order under their wire names, `skip_serializing_if` honoured, a unit variant as its
//! wire value, a `#[serde(transparent)]` newtype as its value.
//!
//! What the derive read is kept for what still derives: a type whose `Deserialize` is derived
//! behind the tools feature (pass 12) keeps its `#[serde(...)]` attributes behind the same
//! feature (they are the derive's, and meaningless without it); a type whose `Deserialize` is
//! derived always (the legacy API's untagged unions) keeps its derived `Serialize` too. A
//! `#[derive(Serialize)]` of a shape the macros do not cover is an error, so the pass never
//! changes what a type writes silently.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{Attribute, Fields, Item, Meta, Token};

use super::request_decoding::take_derive;
use super::struct_decoders::gated_derive;

/// What serde's derive read from a `#[serde(...)]` attribute on a field or variant.
#[derive(Default)]
struct SerdeAttrs {
    rename: Option<String>,
    /// `skip_serializing_if = "..."`: the function named.
    skip_if: Option<String>,
}

/// Replaces the derived `Serialize` of every struct and enum of the `types` module whose
/// shape the macros cover; returns the types, in order.
pub(crate) fn encoders(
    items: &mut Vec<Item>,
    encode_mod: &TokenStream,
) -> Result<Vec<String>, String> {
    let mut done = Vec::new();
    let mut at = 0;
    while at < items.len() {
        let call = match &mut items[at] {
            Item::Struct(s) if derives(&s.attrs, "Serialize") => {
                if derives(&s.attrs, "Deserialize") {
                    at += 1;
                    continue;
                }
                let gate = s.attrs.iter().find_map(gated_derive);
                let name = s.ident.clone();
                let call = match &s.fields {
                    Fields::Named(_) => {
                        if !s
                            .attrs
                            .iter()
                            .filter(|a| a.path().is_ident("serde"))
                            .all(decoding_only)
                        {
                            return Err(format!(
                                "encoders: `{name}` has struct-level serde attributes the macro does not reproduce"
                            ));
                        }
                        let mut lines = Vec::new();
                        for field in &s.fields {
                            let ident = field.ident.clone().ok_or("encoders: unnamed field")?;
                            let attrs = serde_attrs(&field.attrs, &format!("{name}.{ident}"))?;
                            let wire = attrs.rename.unwrap_or_else(|| {
                                ident.to_string().trim_start_matches("r#").to_string()
                            });
                            let how = match attrs.skip_if.as_deref() {
                                None => format_ident!("always"),
                                Some("::std::option::Option::is_none") => {
                                    format_ident!("skip_none")
                                }
                                Some("::serde_json::Map::is_empty") => format_ident!("skip_empty"),
                                Some(other) => {
                                    return Err(format!(
                                        "encoders: `{name}.{ident}`: skip_serializing_if = {other:?} is not covered"
                                    ));
                                }
                            };
                            lines.push(quote!(#how(#ident, #wire)));
                        }
                        quote!(#encode_mod::encode_struct!(#name, #(#lines),*);)
                    }
                    Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
                        let transparent = s.attrs.iter().any(|a| {
                            a.path().is_ident("serde")
                                && a.parse_args::<syn::Path>()
                                    .is_ok_and(|p| p.is_ident("transparent"))
                        });
                        if !transparent {
                            return Err(format!("encoders: newtype `{name}` is not transparent"));
                        }
                        quote!(#encode_mod::encode_newtype!(#name);)
                    }
                    _ => {
                        return Err(format!(
                            "encoders: `{name}` has a shape the macros do not cover"
                        ));
                    }
                };
                take_derive(&mut s.attrs, "Serialize")?;
                keep_serde_attrs_for(&mut s.attrs, gate.as_deref());
                for field in s.fields.iter_mut() {
                    keep_serde_attrs_for(&mut field.attrs, gate.as_deref());
                }
                call
            }
            Item::Enum(e) if derives(&e.attrs, "Serialize") => {
                if derives(&e.attrs, "Deserialize") {
                    at += 1;
                    continue;
                }
                let gate = e.attrs.iter().find_map(gated_derive);
                let name = e.ident.clone();
                if e.attrs.iter().any(|a| a.path().is_ident("serde")) {
                    return Err(format!(
                        "encoders: enum `{name}` has enum-level serde attributes the macro does not reproduce"
                    ));
                }
                let mut lines = Vec::new();
                for variant in &e.variants {
                    let ident = &variant.ident;
                    if !matches!(variant.fields, Fields::Unit) {
                        return Err(format!("encoders: `{name}::{ident}` is not a unit variant"));
                    }
                    let attrs = serde_attrs(&variant.attrs, &format!("{name}::{ident}"))?;
                    let wire = attrs.rename.unwrap_or_else(|| ident.to_string());
                    lines.push(quote!(#ident => #wire));
                }
                take_derive(&mut e.attrs, "Serialize")?;
                keep_serde_attrs_for(&mut e.attrs, gate.as_deref());
                for variant in e.variants.iter_mut() {
                    keep_serde_attrs_for(&mut variant.attrs, gate.as_deref());
                }
                quote!(#encode_mod::encode_enum!(#name, #(#lines),*);)
            }
            _ => {
                at += 1;
                continue;
            }
        };
        let name = match &items[at] {
            Item::Struct(s) => s.ident.to_string(),
            Item::Enum(e) => e.ident.to_string(),
            _ => unreachable!("matched above"),
        };
        let call: Item = syn::parse2(call).map_err(|e| format!("encoders: `{name}`: {e}"))?;
        done.push(name);
        items.insert(at + 1, call);
        at += 2;
    }
    Ok(done)
}

/// Whether a struct-level `#[serde(...)]` only concerns decoding (`deny_unknown_fields`, from
/// `additionalProperties: false` on a request type), so writing the struct ignores it.
fn decoding_only(attr: &Attribute) -> bool {
    attr.parse_args::<syn::Path>()
        .is_ok_and(|p| p.is_ident("deny_unknown_fields"))
}

/// Whether a `#[derive(...)]` (not a gated one) lists `name`.
fn derives(attrs: &[Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| {
            a.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
                .is_ok_and(|paths| {
                    paths
                        .iter()
                        .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
                })
        })
}

/// With no derive left to read them, `#[serde(...)]` attributes go; with a `Deserialize`
/// derived behind `feature`, they stay behind it.
fn keep_serde_attrs_for(attrs: &mut Vec<Attribute>, feature: Option<&str>) {
    match feature {
        None => attrs.retain(|a| !a.path().is_ident("serde")),
        Some(feature) => {
            for attr in attrs.iter_mut().filter(|a| a.path().is_ident("serde")) {
                let Meta::List(list) = &attr.meta else {
                    continue;
                };
                let inner = &list.tokens;
                *attr = syn::parse_quote!(#[cfg_attr(feature = #feature, serde(#inner))]);
            }
        }
    }
}

/// `rename` and `skip_serializing_if` of a field's or variant's `#[serde(...)]` attributes;
/// `default` and `deserialize_with` are the decoder's business. Anything else is an error.
fn serde_attrs(attrs: &[Attribute], what: &str) -> Result<SerdeAttrs, String> {
    let mut out = SerdeAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let metas = attr
            .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            .map_err(|e| format!("encoders: `{what}`: {e}"))?;
        for meta in metas {
            let string = |nv: &syn::MetaNameValue| match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Ok(s.value()),
                _ => Err(format!(
                    "encoders: `{what}`: a serde value that is not a string"
                )),
            };
            match &meta {
                Meta::Path(p) if p.is_ident("default") => {}
                Meta::NameValue(nv) if nv.path.is_ident("deserialize_with") => {}
                Meta::NameValue(nv) if nv.path.is_ident("rename") => out.rename = Some(string(nv)?),
                Meta::NameValue(nv) if nv.path.is_ident("skip_serializing_if") => {
                    out.skip_if = Some(string(nv)?)
                }
                _ => {
                    return Err(format!(
                        "encoders: `{what}`: `{}` is a serde attribute the macros do not reproduce",
                        quote!(#meta)
                    ));
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use quote::{ToTokens, quote};

    use super::*;

    fn run(code: TokenStream) -> Result<(String, Vec<String>), String> {
        let mut file: syn::File = syn::parse2(code).unwrap();
        let done = encoders(&mut file.items, &quote!(crate::encode))?;
        Ok((file.to_token_stream().to_string(), done))
    }

    #[test]
    fn structs_enums_and_newtypes_get_a_macro_call_after_them() {
        let (text, done) = run(quote! {
            #[derive(::serde::Serialize, Clone, Debug)]
            pub struct Answer {
                pub id: String,
                #[serde(rename = "NeutronError", skip_serializing_if = "::std::option::Option::is_none")]
                pub neutron_error: Option<String>,
                #[serde(default, skip_serializing_if = "::serde_json::Map::is_empty")]
                pub extra: ::serde_json::Map<String, ::serde_json::Value>,
            }
            #[derive(::serde::Serialize, Clone, Copy)]
            pub enum Style {
                #[serde(rename = "static")]
                Static,
            }
            #[derive(::serde::Serialize, Clone)]
            #[serde(transparent)]
            pub struct Name(String);
        })
        .unwrap();
        assert_eq!(done, ["Answer", "Style", "Name"]);
        assert!(
            !text.contains("serde ("),
            "no serde attribute is left: {text}"
        );
        assert!(!text.contains(":: serde :: Serialize ,"), "{text}");
        assert!(
            text.contains("# [derive (Clone , Debug)] pub struct Answer"),
            "{text}"
        );
        assert!(
            text.contains(
                "} crate :: encode :: encode_struct ! (Answer , always (id , \"id\") , skip_none (neutron_error , \"NeutronError\") , skip_empty (extra , \"extra\")) ;"
            ),
            "{text}"
        );
        assert!(
            text.contains("} crate :: encode :: encode_enum ! (Style , Static => \"static\") ;"),
            "{text}"
        );
        assert!(
            text.contains("crate :: encode :: encode_newtype ! (Name) ;"),
            "{text}"
        );
    }

    #[test]
    fn attributes_stay_behind_the_feature_of_a_gated_decoder() {
        let (text, _) = run(quote! {
            #[derive(::serde::Serialize, Clone)]
            #[cfg_attr(feature = "dynamic", derive(::serde::Deserialize))]
            #[serde(deny_unknown_fields)]
            pub struct Request {
                #[serde(rename = "type")]
                pub type_: String,
                #[serde(deserialize_with = "::std::option::Option::deserialize")]
                pub name: Option<String>,
            }
        })
        .unwrap();
        assert!(
            text.contains("# [cfg_attr (feature = \"dynamic\" , serde (deny_unknown_fields))] pub struct Request"),
            "{text}"
        );
        assert!(
            text.contains(
                "# [cfg_attr (feature = \"dynamic\" , serde (rename = \"type\"))] pub type_"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "encode_struct ! (Request , always (type_ , \"type\") , always (name , \"name\"))"
            ),
            "{text}"
        );
        // A struct-level attribute that changes what is written is not reproduced: an error.
        let renamed = run(quote! {
            #[derive(::serde::Serialize)]
            #[serde(rename_all = "camelCase")]
            pub struct S { pub a_b: i64 }
        });
        assert!(renamed.is_err());
        let (text, _) = run(quote! {
            #[derive(::serde::Serialize, Clone)]
            #[cfg_attr(feature = "dynamic", derive(::serde::Deserialize))]
            pub enum Mode {
                #[serde(rename = "main")]
                Main,
            }
        })
        .unwrap();
        assert!(
            text.contains("# [cfg_attr (feature = \"dynamic\" , serde (rename = \"main\"))] Main"),
            "{text}"
        );
        assert!(
            text.contains("encode_enum ! (Mode , Main => \"main\")"),
            "{text}"
        );
    }

    #[test]
    fn a_type_that_derives_deserialize_keeps_both_derives() {
        let (text, done) = run(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
            #[serde(untagged)]
            pub enum Lifetime { Integer(i64), String(String) }
        })
        .unwrap();
        assert!(done.is_empty());
        assert!(text.contains("# [serde (untagged)]"), "{text}");
    }

    #[test]
    fn uncovered_shapes_are_errors() {
        for code in [
            quote! { #[derive(::serde::Serialize)] pub enum E { A(i64) } },
            quote! { #[derive(::serde::Serialize)] pub struct T(i64, i64); },
            quote! { #[derive(::serde::Serialize)] pub struct S { #[serde(flatten)] pub a: A } },
            quote! { #[derive(::serde::Serialize)] pub struct S { #[serde(skip_serializing_if = "Vec::is_empty")] pub a: Vec<A> } },
        ] {
            assert!(run(code.clone()).is_err(), "{code}");
        }
    }
}
