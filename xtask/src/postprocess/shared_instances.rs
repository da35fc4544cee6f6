//! Pass 14: the types crate compiles the JSON decoding of every answer and the encoding of every
//! request body, so that a program's debug build reuses them instead of compiling its own.
//!
//! Why: a call's answer is decoded by `serde_json::from_slice::<Answer>` and its body encoded
//! by `serde_json::to_vec::<Body>` (reqwest's `json`), generic functions that rustc compiles
//! in the crate that first names them with concrete types: the program, whose build is the
//! last, serial step of a cold build. Debug builds share generic instances across crates
//! (rustc's `share-generics`, on at `opt-level` 0), so when the types crate has compiled
//! `from_slice::<Answer>`, every program links that copy. The types crate is built beside
//! the client crate, when one of two cores has nothing else to do (BENCHMARKS.md, "Seventh
//! pass"). Release builds do not share generics, so there the functions would only be work:
//! the module is `#[cfg(debug_assertions)]`.
//!
//! The types are read off the `send()`s that [`super::one_exchange`] finished: the answer of
//! each one that ends in `respond` (its `ResponseValue<types::Answer>`), the body of each that
//! sends `.json(&body)` (the `types::Body::try_from` its body is converted with; a body sent
//! as given, such as a nullable one, has none and is left to the program).

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit::{self, Visit};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, File, Item, Type};

use super::{Support, text, types_items};

/// The module the pass adds to `types`.
pub(crate) const MODULE: &str = "instances";

/// Adds `types::instances` with a decoder per answer type and an encoder per body type;
/// returns how many functions it holds.
pub(crate) fn shared_instances(file: &mut File, support: &Support) -> Result<usize, String> {
    let mut found = Sends {
        respond: text(&support.respond_fn),
        builder: String::new(),
        answers: BTreeMap::new(),
        bodies: BTreeMap::new(),
        errors: Vec::new(),
    };
    found.visit_file(file);
    if let Some(error) = found.errors.into_iter().next() {
        return Err(error);
    }
    let decoders = found.answers.values().map(|answer| {
        let (f, ty) = (format_ident!("{}", answer.function), &answer.ty);
        let doc = format!(
            " `serde_json::from_slice` of the answer of {}.",
            methods(&answer.used_by)
        );
        quote! {
            #[doc = #doc]
            pub fn #f(body: &[u8]) -> ::serde_json::Result<#ty> {
                ::serde_json::from_slice(body)
            }
        }
    });
    let encoders = found.bodies.iter().map(|(name, used_by)| {
        let (f, ty) = (
            format_ident!("encode_{}", name.to_snake_case()),
            format_ident!("{name}"),
        );
        let doc = format!(" `serde_json::to_vec` of the body of {}.", methods(used_by));
        quote! {
            #[doc = #doc]
            pub fn #f(body: &super::#ty) -> ::serde_json::Result<::std::vec::Vec<u8>> {
                ::serde_json::to_vec(body)
            }
        }
    });
    let count = found.answers.len() + found.bodies.len();
    if count == 0 {
        return Ok(0);
    }
    let module = format_ident!("{MODULE}");
    let item: TokenStream = quote! {
        /// The answers' decoding and the bodies' encoding, compiled here so that a program's
        /// debug build reuses them (generic instances are shared across crates there) instead
        /// of compiling them in its own, last step. Not an API: the client calls serde_json.
        #[cfg(debug_assertions)]
        #[doc(hidden)]
        pub mod #module {
            #(#decoders)*
            #(#encoders)*
        }
    };
    types_items(&mut file.items)?.push(syn::parse2::<Item>(item).map_err(|e| e.to_string())?);
    Ok(count)
}

/// One answer type and the `send()`s that decode it.
struct Answer {
    /// The type as the instances module names it (`super::X`, `Vec<super::X>`).
    ty: Type,
    /// `decode_x` for `types::X`, else `decode_<first method>_answer`.
    function: String,
    used_by: Vec<String>,
}

/// The client methods of these builders, as the doc names them: "`a`, `b`".
fn methods(builders: &[String]) -> String {
    let names: Vec<String> = builders
        .iter()
        .map(|b| format!("`{}`", b.to_snake_case()))
        .collect();
    names.join(", ")
}

/// What the `send()`s decode and encode: generated type name → the builders using it.
struct Sends {
    /// The printed path of the runtime call that decodes an answer.
    respond: String,
    /// The type whose `impl` is being visited.
    builder: String,
    /// By the answer type's printed text.
    answers: BTreeMap<String, Answer>,
    bodies: BTreeMap<String, Vec<String>>,
    errors: Vec<String>,
}

impl Sends {
    fn send(&mut self, f: &syn::ImplItemFn) -> Result<(), String> {
        let builder = self.builder.clone();
        let ends_in_respond = matches!(
            f.block.stmts.last(),
            Some(syn::Stmt::Expr(Expr::Await(call), None))
                if matches!(&*call.base, Expr::Call(c) if text(&c.func) == self.respond)
        );
        if ends_in_respond {
            let answer = answer_type(&f.sig.output)
                .ok_or("its answer is not a `Result<ResponseValue<..>, _>`")?;
            let answer = self.answers.entry(text(answer)).or_insert_with(|| Answer {
                function: match generated_type(answer) {
                    Some(name) => format!("decode_{}", name.to_snake_case()),
                    None => format!("decode_{}_answer", builder.to_snake_case()),
                },
                ty: from_types_module(answer),
                used_by: Vec::new(),
            });
            answer.used_by.push(builder.clone());
        }
        let mut json = JsonBody::default();
        json.visit_block(&f.block);
        // A body sent as it was given (progenitor converts none for a nullable body) is left
        // to the program: sharing is an optimisation, and the type is not named here.
        if json.sends_json
            && let Some(body) = json.converted_to
        {
            self.bodies.entry(body).or_default().push(builder);
        }
        Ok(())
    }
}

impl<'ast> Visit<'ast> for Sends {
    fn visit_item_impl(&mut self, imp: &'ast syn::ItemImpl) {
        self.builder = match &*imp.self_ty {
            Type::Path(path) => path
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default(),
            other => text(other),
        };
        visit::visit_item_impl(self, imp);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        // The types have no `send()`; the instances module may already be there in a test.
        if m.ident != "types" {
            visit::visit_item_mod(self, m);
        }
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if f.sig.ident == "send"
            && let Err(e) = self.send(f)
        {
            self.errors
                .push(format!("`send()` of `{}`: {e}", self.builder));
        }
    }
}

/// `T` of `Result<ResponseValue<T>, _>`.
fn answer_type(output: &syn::ReturnType) -> Option<&Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let result = first_argument(ty, "Result")?;
    first_argument(result, "ResponseValue")
}

/// The type with every `types::X` read from inside `types` (`super::X`).
fn from_types_module(ty: &Type) -> Type {
    struct Rename;
    impl VisitMut for Rename {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            if path.leading_colon.is_none()
                && path.segments.len() > 1
                && let Some(first) = path.segments.first_mut()
                && first.ident == "types"
            {
                first.ident = format_ident!("super");
            }
            visit_mut::visit_path_mut(self, path);
        }
    }
    let mut ty = ty.clone();
    Rename.visit_type_mut(&mut ty);
    ty
}

/// The first type argument of `name<..>`, if `ty` is that.
fn first_argument<'t>(ty: &'t Type, name: &str) -> Option<&'t Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// `X` of the path `types::X`.
fn generated_type(ty: &Type) -> Option<String> {
    let Type::Path(path) = ty else { return None };
    match path.path.segments.iter().collect::<Vec<_>>().as_slice() {
        [types, name] if types.ident == "types" && name.arguments.is_none() => {
            Some(name.ident.to_string())
        }
        _ => None,
    }
}

/// Whether a `send()` calls `.json(&body)`, and the `types::X` its body is converted into
/// (`types::X::try_from(v)`).
#[derive(Default)]
struct JsonBody {
    sends_json: bool,
    converted_to: Option<String>,
}

impl<'ast> Visit<'ast> for JsonBody {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "json" && call.args.len() == 1 && text(&call.args[0]) == "& body" {
            self.sends_json = true;
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
        let segments: Vec<_> = path.path.segments.iter().collect();
        if let [types, name, try_from] = segments.as_slice()
            && types.ident == "types"
            && try_from.ident == "try_from"
        {
            self.converted_to = Some(name.ident.to_string());
        }
    }
}
