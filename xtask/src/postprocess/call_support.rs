//! Pass 15: the generated clients are written against the client crate's own `call` module
//! instead of progenitor-client.
//!
//! Why: progenitor-client turns on reqwest's `stream` feature (tokio-util, tokio's `fs`) and
//! serde's derive macros, a part of every consumer's cold build that no call of this API uses
//! (BENCHMARKS.md, "Ninth pass"). The client crate's `call.rs` has what the generated code
//! names (`Error`, `ResponseValue`, `ClientInfo`, `ClientHooks`, `OperationInfo`,
//! `encode_path`, `QueryParam`), so the pass only rewrites the path `progenitor_client` to it,
//! and drops from the imports the two names progenitor always imports and no operation of this
//! API uses: `ByteStream` (a streamed answer) and `RequestBuilderExt` (a form-encoded body).
//! A use of either is then a compile error in the generated crate, not a silent gap.

use proc_macro2::TokenStream;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{File, Path, Token, UseTree};

/// Progenitor's support crate, as the generated code names it.
const PROGENITOR_CLIENT: &str = "progenitor_client";

/// Names progenitor imports whether or not an operation uses them, which `call` does not have.
const UNUSED_IMPORTS: [&str; 2] = ["ByteStream", "RequestBuilderExt"];

/// Rewrites every `progenitor_client::…` path (in imports and expressions) to `call::…`;
/// returns how many it rewrote.
pub(crate) fn call_support(file: &mut File, call: &TokenStream) -> Result<usize, String> {
    let call: Path = syn::parse2(call.clone()).map_err(|e| format!("call support path: {e}"))?;
    let mut rewrite = Rewrite { call, rewritten: 0 };
    rewrite.visit_file_mut(file);
    Ok(rewrite.rewritten)
}

struct Rewrite {
    call: Path,
    rewritten: usize,
}

impl VisitMut for Rewrite {
    fn visit_use_tree_mut(&mut self, tree: &mut UseTree) {
        drop_unused_names(tree);
        if let UseTree::Path(path) = tree
            && path.ident == PROGENITOR_CLIENT
        {
            // `progenitor_client::{…}` becomes `crate::call::{…}`: nest the rest under the
            // call path's segments, innermost last.
            let rest = (*path.tree).clone();
            *tree = self
                .call
                .segments
                .iter()
                .rev()
                .fold(rest, |inner, segment| {
                    UseTree::Path(syn::UsePath {
                        ident: segment.ident.clone(),
                        colon2_token: Default::default(),
                        tree: Box::new(inner),
                    })
                });
            self.rewritten += 1;
            return;
        }
        visit_mut::visit_use_tree_mut(self, tree);
    }

    fn visit_path_mut(&mut self, path: &mut Path) {
        if path.leading_colon.is_none()
            && path.segments.len() > 1
            && path.segments[0].ident == PROGENITOR_CLIENT
        {
            let rest: Vec<_> = path.segments.iter().skip(1).cloned().collect();
            let mut segments: Punctuated<syn::PathSegment, Token![::]> = self.call.segments.clone();
            segments.extend(rest);
            path.segments = segments;
            self.rewritten += 1;
        }
        visit_mut::visit_path_mut(self, path);
    }
}

/// Removes [`UNUSED_IMPORTS`] from a `{…}` group (anywhere in the tree).
fn drop_unused_names(tree: &mut UseTree) {
    match tree {
        UseTree::Path(path) => drop_unused_names(&mut path.tree),
        UseTree::Group(group) => {
            group.items = std::mem::take(&mut group.items)
                .into_iter()
                .filter(|item| {
                    !matches!(item, UseTree::Name(name) if UNUSED_IMPORTS.iter().any(|n| name.ident == n))
                })
                .collect();
            for item in group.items.iter_mut() {
                drop_unused_names(item);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use quote::{ToTokens, quote};

    use super::*;

    fn run(code: TokenStream) -> (String, usize) {
        let mut file: File = syn::parse2(code).unwrap();
        let n = call_support(&mut file, &quote!(crate::call)).unwrap();
        (file.to_token_stream().to_string(), n)
    }

    #[test]
    fn imports_and_paths_name_the_call_module() {
        let (text, n) = run(quote! {
            pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
            use progenitor_client::{encode_path, ClientHooks, OperationInfo, RequestBuilderExt};
            pub mod builder {
                use super::{encode_path, ByteStream, ClientInfo, Error, RequestBuilderExt};
                fn f() { let _ = &progenitor_client::QueryParam::new("limit", &limit); }
            }
        });
        assert_eq!(n, 3);
        assert!(!text.contains("progenitor_client"), "{text}");
        assert!(
            !text.contains("ByteStream") && !text.contains("RequestBuilderExt"),
            "{text}"
        );
        assert!(
            text.contains("pub use crate :: call :: { ClientInfo , Error , ResponseValue }"),
            "{text}"
        );
        assert!(
            text.contains("use crate :: call :: { encode_path , ClientHooks , OperationInfo }"),
            "{text}"
        );
        assert!(
            text.contains("use super :: { encode_path , ClientInfo , Error }"),
            "{text}"
        );
        assert!(
            text.contains("& crate :: call :: QueryParam :: new (\"limit\""),
            "{text}"
        );
    }

    #[test]
    fn other_paths_are_left_alone() {
        let (text, n) = run(quote! {
            use reqwest::header::ACCEPT;
            fn f() { let _ = other::progenitor_client::X; let _ = ::progenitor_client::Y; }
        });
        assert_eq!(n, 0, "{text}");
        assert!(text.contains("other :: progenitor_client :: X"), "{text}");
    }
}
