//! Pass 14: the generated structs decode through one loop each instead of serde's derive.
//!
//! Why: `#[derive(Deserialize)]` gives every struct a field enum with its own visitor (names,
//! indices and bytes), a reader for the struct written as a JSON array and one for a JSON
//! object. Only the last is ever used by this API, and together they were the largest part of
//! the types crate's build, which every program's cold build waits for (BENCHMARKS.md,
//! "Eighth pass"). In its place the pass writes a call of the types crate's `decode_struct!`
//! (`fields.rs`), one line per field: an impl with one visitor with `visit_map` only, the field
//! names read by the shared `fields::FieldIndex`.
//!
//! The behaviour is serde's for these structs: unknown fields are skipped, an absent or `null`
//! optional field is `None`, a field with `#[serde(default)]` falls back to `Default`, a missing
//! required field or a field given twice is an error naming it, and a request type whose
//! decoding is behind the tools feature (pass 12) keeps that gate. A struct with serde
//! attributes this pass does not reproduce (on the struct, such as `deny_unknown_fields` from
//! `additionalProperties: false`, or on a field beyond `rename`, `default` and
//! `skip_serializing_if`) keeps serde's derive, so what decodes never changes with the pass.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{Attribute, Fields, Item, ItemStruct, Meta, Token};

use super::option_inner;
use super::request_decoding::take_derived_deserialize;

/// How a struct decodes now.
enum Decoding {
    /// `#[derive(Deserialize)]`: always.
    Always,
    /// `#[cfg_attr(feature = "...", derive(Deserialize))]`: with that feature (pass 12).
    With(String),
}

/// One field as the impl reads it.
struct Field {
    ident: syn::Ident,
    wire: String,
    /// `Option<_>` or `#[serde(default)]`: absent is not an error.
    defaulted: bool,
}

/// Replaces the derived `Deserialize` of every plain struct of the `types` module with a
/// `decode_struct!` call (placed right after the struct); returns the structs, in order.
pub(crate) fn struct_decoders(
    items: &mut Vec<Item>,
    fields_mod: &TokenStream,
) -> Result<Vec<String>, String> {
    let mut done = Vec::new();
    let mut at = 0;
    while at < items.len() {
        let Item::Struct(s) = &mut items[at] else {
            at += 1;
            continue;
        };
        let Some(decoding) = take_decoding(s)? else {
            at += 1;
            continue;
        };
        let imp = decoder(s, &decoding, fields_mod)?;
        done.push(s.ident.to_string());
        items.insert(at + 1, imp);
        at += 2;
    }
    Ok(done)
}

/// Whether the struct derives `Deserialize` (removing the derive), if it is one this pass
/// writes an impl for.
fn take_decoding(s: &mut ItemStruct) -> Result<Option<Decoding>, String> {
    let derived = s.attrs.iter().any(derives_deserialize);
    let gated = s.attrs.iter().find_map(gated_derive);
    if !derived && gated.is_none() {
        return Ok(None);
    }
    if !matches!(s.fields, Fields::Named(_)) || !s.generics.params.is_empty() {
        // Newtypes (`#[serde(transparent)]`) and the like: serde's derive is already small.
        return Ok(None);
    }
    if s.attrs.iter().any(|a| a.path().is_ident("serde")) || fields_of(s)?.is_none() {
        return Ok(None);
    }
    if derived {
        take_derived_deserialize(&mut s.attrs)?;
        return Ok(Some(Decoding::Always));
    }
    s.attrs.retain(|a| gated_derive(a).is_none());
    Ok(gated.map(Decoding::With))
}

fn derives_deserialize(attr: &Attribute) -> bool {
    attr.path().is_ident("derive")
        && attr
            .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
            .is_ok_and(|paths| paths.iter().any(is_deserialize))
}

fn is_deserialize(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| s.ident == "Deserialize")
}

/// The feature of `#[cfg_attr(feature = "x", derive(Deserialize))]`.
pub(super) fn gated_derive(attr: &Attribute) -> Option<String> {
    if !attr.path().is_ident("cfg_attr") {
        return None;
    }
    let metas = attr
        .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .ok()?;
    let mut metas = metas.iter();
    let Some(Meta::NameValue(cfg)) = metas.next() else {
        return None;
    };
    let Some(Meta::List(derive)) = metas.next() else {
        return None;
    };
    if !cfg.path.is_ident("feature") || !derive.path.is_ident("derive") || metas.next().is_some() {
        return None;
    }
    let paths = derive
        .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
        .ok()?;
    if paths.len() != 1 || !paths.iter().all(is_deserialize) {
        return None;
    }
    match &cfg.value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(feature),
            ..
        }) => Some(feature.value()),
        _ => None,
    }
}

/// The fields as the impl reads them; `None` if one has a serde attribute the impl does not
/// reproduce.
fn fields_of(s: &ItemStruct) -> Result<Option<Vec<Field>>, String> {
    let mut out = Vec::new();
    for field in &s.fields {
        let ident = field
            .ident
            .clone()
            .ok_or("struct decoders: a named field has no name")?;
        let mut wire = ident.to_string().trim_start_matches("r#").to_string();
        let mut defaulted = option_inner(&field.ty).is_some();
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            let metas = attr
                .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .map_err(|e| format!("struct decoders: `{}.{ident}`: {e}", s.ident))?;
            for meta in metas {
                match &meta {
                    Meta::Path(p) if p.is_ident("default") => defaulted = true,
                    Meta::NameValue(nv) if nv.path.is_ident("skip_serializing_if") => {}
                    Meta::NameValue(nv) if nv.path.is_ident("rename") => match &nv.value {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(name),
                            ..
                        }) => wire = name.value(),
                        _ => {
                            return Err(format!(
                                "struct decoders: `{}.{ident}`: a rename that is not a string",
                                s.ident
                            ));
                        }
                    },
                    _ => return Ok(None),
                }
            }
        }
        out.push(Field {
            ident,
            wire,
            defaulted,
        });
    }
    Ok(Some(out))
}

/// The `Deserialize` of one struct: a `decode_struct!` call (the macro is the types crate's,
/// `fields.rs`), one line per field.
fn decoder(s: &ItemStruct, decoding: &Decoding, fields_mod: &TokenStream) -> Result<Item, String> {
    let name = &s.ident;
    let fields = fields_of(s)?.ok_or("struct decoders: fields checked before")?;
    let lines = fields.iter().enumerate().map(|(i, f)| {
        let index = proc_macro2::Literal::usize_unsuffixed(i);
        let ident = &f.ident;
        let wire = &f.wire;
        let how = if f.defaulted {
            format_ident!("or_default")
        } else {
            format_ident!("required")
        };
        quote!(#how(#index, #ident, #wire))
    });
    let gate = match decoding {
        Decoding::Always => quote!(),
        Decoding::With(feature) => quote!(#[cfg(feature = #feature)]),
    };
    Ok(syn::parse_quote! {
        #gate
        #fields_mod::decode_struct!(#name, #(#lines),*);
    })
}

/// The printed `decode_struct!` calls (and pass 16's `encode_struct!` and `encode_enum!`) with
/// one field or variant per line (prettyplease flows a macro's arguments like text).
pub(crate) fn one_field_per_line(text: &str) -> String {
    const CALLS: [&str; 3] = ["decode_struct!(", "encode_struct!(", "encode_enum!("];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, call)) = CALLS
        .iter()
        .filter_map(|call| Some((rest.find(call)?, call)))
        .min()
    {
        let open = at + call.len();
        out.push_str(&rest[..open]);
        let line_start = out.rfind('\n').map_or(0, |i| i + 1);
        let indent: String = out[line_start..]
            .chars()
            .take_while(|c| *c == ' ')
            .collect();
        let Some((args, close)) = split_args(&rest[open..]) else {
            // Not a call this pass wrote (unbalanced): leave the rest as printed.
            rest = &rest[open..];
            continue;
        };
        out.push('\n');
        for arg in args {
            out.push_str(&format!("{indent}    {arg},\n"));
        }
        out.push_str(&indent);
        rest = &rest[open + close..];
    }
    out.push_str(rest);
    out
}

/// The top-level arguments up to the call's closing parenthesis (each with its whitespace
/// made single spaces, none after `(` or before `)`), and the closing parenthesis's offset.
fn split_args(text: &str) -> Option<(Vec<String>, usize)> {
    let mut args = Vec::new();
    let mut arg = String::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, c) in text.char_indices() {
        if in_string {
            arg.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                arg.push(c);
            }
            '(' => {
                depth += 1;
                arg.push(c);
            }
            ')' if depth == 0 => {
                let last = arg.trim();
                if !last.is_empty() {
                    args.push(last.to_string());
                }
                return Some((args, i));
            }
            ')' => {
                depth -= 1;
                if arg.ends_with(' ') {
                    arg.pop();
                }
                arg.push(c);
            }
            ',' if depth == 0 => args.push(std::mem::take(&mut arg).trim().to_string()),
            c if c.is_whitespace() => {
                if !arg.is_empty() && !arg.ends_with([' ', '(']) {
                    arg.push(' ');
                }
            }
            c => arg.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use quote::{ToTokens, quote};

    use super::struct_decoders;

    fn items(tokens: proc_macro2::TokenStream) -> Vec<syn::Item> {
        syn::parse2::<syn::File>(tokens).unwrap().items
    }

    fn text(items: &[syn::Item]) -> String {
        items
            .iter()
            .map(|i| i.to_token_stream().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn plain_structs_get_an_impl_and_lose_the_derive() {
        let mut items = items(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct Answer {
                pub id: String,
                #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
                pub type_: Option<Kind>,
                #[serde(default)]
                pub tags: Vec<String>,
            }
            #[derive(::serde::Serialize, Clone, Debug)]
            #[cfg_attr(feature = "dynamic", derive(::serde::Deserialize))]
            pub struct Request { pub name: String }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(transparent)]
            pub struct Name(String);
            #[derive(::serde::Serialize, Clone, Debug)]
            pub struct SentOnly { pub name: String }
        });
        let done = struct_decoders(&mut items, &quote!(crate::fields)).unwrap();
        assert_eq!(done, ["Answer", "Request"]);
        let all = text(&items);
        // The derives are gone from both structs, the newtype keeps its own.
        assert!(
            all.contains("# [derive (:: serde :: Serialize , Clone , Debug)] pub struct Answer"),
            "{all}"
        );
        assert!(!all.contains("cfg_attr"), "{all}");
        assert!(all.contains("# [derive (:: serde :: Deserialize , :: serde :: Serialize , Clone , Debug)] # [serde (transparent)] pub struct Name"), "{all}");
        // Each call follows its struct; the gated one keeps its feature.
        let kinds: Vec<String> = items
            .iter()
            .map(|i| match i {
                syn::Item::Struct(s) => format!("struct {}", s.ident),
                syn::Item::Macro(m) => m.to_token_stream().to_string(),
                _ => "other".into(),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "struct Answer",
                "crate :: fields :: decode_struct ! (Answer , required (0 , id , \"id\") , \
                 or_default (1 , type_ , \"type\") , or_default (2 , tags , \"tags\")) ;",
                "struct Request",
                "# [cfg (feature = \"dynamic\")] \
                 crate :: fields :: decode_struct ! (Request , required (0 , name , \"name\")) ;",
                "struct Name",
                "struct SentOnly"
            ]
        );
    }

    #[test]
    fn structs_with_serde_attributes_it_does_not_reproduce_keep_the_derive() {
        for tokens in [
            quote! {
                #[derive(::serde::Deserialize)]
                pub struct A { #[serde(alias = "b")] pub a: String }
            },
            quote! {
                #[derive(::serde::Deserialize)]
                #[serde(deny_unknown_fields)]
                pub struct A { pub a: String }
            },
            quote! {
                #[derive(::serde::Deserialize)]
                pub struct A { #[serde(flatten)] pub a: Other }
            },
        ] {
            let mut items = items(tokens.clone());
            let done = struct_decoders(&mut items, &quote!(crate::fields)).unwrap();
            assert!(done.is_empty(), "{tokens}");
            assert_eq!(text(&items), text(&super::tests::items(tokens)));
        }
    }

    #[test]
    fn calls_are_printed_one_field_per_line() {
        let printed = "x\n#[cfg(feature = \"dynamic\")]\ncrate::fields::decode_struct!(\n    Zones, \
                       or_default(0, basic, \"basic\"), or_default(1,\n    gm, \"a, (b)\\\"\"), \
                       required(\n    2, id, \"id\")\n);\ny\n";
        assert_eq!(
            super::one_field_per_line(printed),
            "x\n#[cfg(feature = \"dynamic\")]\ncrate::fields::decode_struct!(\n    Zones,\n    \
             or_default(0, basic, \"basic\"),\n    or_default(1, gm, \"a, (b)\\\"\"),\n    \
             required(2, id, \"id\"),\n);\ny\n"
        );
    }
}
