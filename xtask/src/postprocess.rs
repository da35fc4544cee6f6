//! Passes over progenitor's syntax tree, where its output is not what users need.
//!
//! 1. [`open_enums`]: enums marked by [`crate::transform`] get an `Unrecognized` variant that keeps a
//!    value this crate does not know (and serializes it back unchanged), instead of failing the
//!    whole call. User code cannot build an `Unrecognized`, so what a program constructs is always
//!    a documented value; parsing a string into the enum (`FromStr`, builders) stays strict.
//! 2. [`redact_secrets`]: structs with a secret field get a hand-rolled `Debug` that prints
//!    `<redacted>` for it; the same for their typify builders and the secret's newtype.
//! 3. [`DropApiVersion`]: progenitor sends an `api-version` header the API does not
//!    document; the client sends only what the API defines.
//! 4. [`route_error_bodies`]: error responses are read by a hand-written function so that a
//!    non-JSON or empty error body still yields the status, headers and raw body.
//! 5. [`optional_arrays`]: an optional array is `Option<Vec<T>>`, not a `Vec` that is dropped
//!    when empty: `None` is not sent, `Some(vec![])` sends `[]` (on an update, "clear the
//!    list"), and a response's `[]` round-trips.
//! 6. [`patterns`]: `pattern` validators walk automata built at generation time, as
//!    [`crate::patterns`] carries each ECMAScript pattern over (refusing what the two dialects
//!    read differently), instead of typify's regress, whose Unicode tables were seconds of
//!    every consumer's build (and then regex-lite, which the types waited for).
//! 7. [`document_full_paths`]: method docs name the real path (`/v5/{project_id}/...`).
//! 8. [`optional_setters`]: a typify builder's setter for an optional field takes the value
//!    (`.psk("...")`, `.name("vpn-1")`, `.peer_subnets(vec![..])`), not an `Option` of the
//!    finished type; conversion errors are kept and reported by `send()` with the field name,
//!    like those of required fields. An unset optional field stays `None`.
//! 9. [`bounded_fields`] and [`bounded_params`]: request integers with documented limits
//!    (`lifetime_seconds` 60..=604800, the page `limit` 0..=2000) are `crate::Bounded<MIN, MAX>`,
//!    so an out-of-range value is an error naming the rule before anything is sent.
//! 10. [`checked_path_segments`]: every path parameter goes through a hand-written check before
//!     it is percent-encoded into the URL, so an empty value or a dot segment (`.`, `..`, which
//!     URL parsing would normalise away, sending the request to another resource) is an error
//!     naming the parameter, before anything is sent.
//! 11. [`answer_builders`]: types only answers hold (read off the code: `holders.rs`) lose their
//!     typify builder: programs read answers and build requests, and the builders of answers
//!     were a part of every consumer's build for no caller.
//! 12. [`request_decoding::request_decoding`]: request types decode from JSON only with the
//!     client crate's tools feature (`dynamic`), which `hcvpn`, the emulator and the operation
//!     table's checks use; a program building requests does not compile their decoders.
//! 13. [`one_exchange`]: every `send()` ends in one call of a generic runtime function (the
//!     hooks that sign and retry, then the answer read by its status) instead of progenitor's
//!     own copy of that sequence per operation: the same behaviour, 1,250 fewer generated
//!     lines and about 0.2 s less of the client's own build (BENCHMARKS.md, "Sixth pass").
//! 14. [`struct_decoders::struct_decoders`]: the structs' `Deserialize` is one generated loop
//!     over the JSON object each, field names read by one shared visitor, instead of serde's
//!     derive (a field enum, a name visitor and an array reader per struct): about a quarter
//!     of the types crate's build (BENCHMARKS.md, "Eighth pass").
//! 15. [`call_support::call_support`]: the generated clients use the client crate's `call`
//!     module where progenitor names its support crate, progenitor-client, whose reqwest
//!     `stream` feature and serde derive were a part of every consumer's build for no call
//!     (BENCHMARKS.md, "Ninth pass").
//! 16. [`encoders::encoders`]: the types' `Serialize` is one generated macro call each instead
//!     of serde's derive, so a program with the default features builds no serde derive (the
//!     proc-macro crate every serde user waits for in a cold build; "Ninth pass").

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Expr, Fields, File, Ident, Item, ItemEnum, ItemMod, ItemStruct, Type};

use crate::spec::timed;
use crate::transform::{OPEN_ENUM_MARKER, RANGE_MARKER, SECRET_MARKER};

/// Paths into the hand-written part of the client crate that generated code relies on.
pub struct Support {
    /// The client crate's feature that gives request types `Deserialize` (pass 12).
    pub tools_feature: &'static str,
    /// The error body type of every operation, e.g. `crate::ServiceError`.
    pub error_type: TokenStream,
    /// `async fn(reqwest::Response) -> progenitor_client::Error<ErrorType>`.
    pub error_fn: TokenStream,
    /// `async fn(reqwest::Response) -> Result<ResponseValue<T>, Error<E>>`, decoding a
    /// success body (in place of progenitor's `ResponseValue::from_response`).
    pub decode_fn: TokenStream,
    /// `async fn(&Client, reqwest::Request, operation_id, success status)`: the exchange every
    /// `send()` ends with (hooks, then the answer read by its status), for an answer with a
    /// JSON body (`respond`) and one without (`respond_empty`); pass 13.
    pub respond_fn: TokenStream,
    pub respond_empty_fn: TokenStream,
    /// The type held by an open enum's `Unknown` variant.
    pub unknown_value: TokenStream,
    /// A value whose `Debug` prints `<redacted>`.
    pub redacted: TokenStream,
    /// `Bounded<MIN, MAX>`: an integer checked against an inclusive range.
    pub bounded: TokenStream,
    /// `fn<E>(name: &str, value: String) -> Result<String, Error<E>>`: a path parameter's
    /// value, refused when it cannot be one URL path segment.
    pub path_segment_fn: TokenStream,
    /// `Pattern { matching, not_matching: &[..] }` and `is_match(&str)`: a spec `pattern` as
    /// [`crate::patterns`] carries it over.
    pub pattern: TokenStream,
    /// `Dfa { class_of, classes, next, start }`: one automaton of a `Pattern`.
    pub dfa: TokenStream,
    /// The module of `decode_struct!` (the types crate's `fields.rs`), called once per struct
    /// in place of a derived `Deserialize` (pass 14).
    pub fields: TokenStream,
    /// The client crate's module with what progenitor's generated code names from its
    /// support crate (`Error`, `ResponseValue`, `ClientInfo`, `QueryParam`, ...); pass 15.
    pub call: TokenStream,
    /// The module of `encode_struct!`, `encode_enum!` and `encode_newtype!` (the types
    /// crate's `encode.rs`), called in place of a derived `Serialize` (pass 16).
    pub encode: TokenStream,
}

/// A query or path parameter with documented integer limits: (builder struct, field, min, max).
pub type RangedParam = (String, String, i64, i64);

/// What the passes did, for the summary line and for tests.
#[derive(Debug, Default)]
pub struct Report {
    /// `send()`s ending in one runtime call (pass 13).
    pub exchanges: usize,
    pub open_enums: Vec<String>,
    pub redacted: Vec<String>,
    pub optional_arrays: usize,
    pub optional_setters: usize,
    pub bounded_fields: usize,
    pub bounded_params: usize,
    pub api_version_headers_removed: usize,
    pub error_arms_rewritten: usize,
    pub path_segments_checked: usize,
    pub answer_builders_removed: Vec<String>,
    pub decoded_only_with_tools: Vec<String>,
    /// Structs whose `Deserialize` is generated instead of derived (pass 14).
    pub struct_decoders: Vec<String>,
    /// `progenitor_client` paths pointed at the client crate's `call` module (pass 15).
    pub call_support_paths: usize,
    /// Types whose `Serialize` is generated instead of derived (pass 16).
    pub encoders: Vec<String>,
}

/// Runs every pass. Fails if a marker is left behind (a pass missed something).
pub fn run(
    file: &mut File,
    support: &Support,
    ranged_params: &[RangedParam],
) -> Result<Report, String> {
    let mut report = Report::default();
    let holders = timed("holders", || holders::Holders::of(file))?;
    let items = types_items(&mut file.items)?;
    report.answer_builders_removed =
        timed("pass: answer builders", || answer_builders(items, &holders))?;
    timed("pass: enum parse errors", || enum_parse_errors(items))?;
    timed("pass: enum wire values", || document_wire_values(items));
    report.open_enums = timed("pass: open enums", || open_enums(items, support))?;
    report.redacted = timed("pass: secrets", || redact_secrets(items, support))?;
    report.optional_arrays = timed("pass: optional arrays", || optional_arrays(items))?;
    report.bounded_fields = timed("pass: bounded fields", || bounded_fields(items, support))?;
    report.optional_setters = timed("pass: optional setters", || optional_setters(items))?;
    timed("pass: setter docs", || document_setters(items));
    timed("pass: patterns", || patterns(file, support))?;
    let mut header = DropApiVersion { removed: 0 };
    timed("pass: api-version header", || header.visit_file_mut(file));
    report.api_version_headers_removed = header.removed;
    report.error_arms_rewritten =
        timed("pass: error bodies", || route_error_bodies(file, support))?;
    report.exchanges = timed("pass: one exchange", || one_exchange(file, support))?;
    report.bounded_params = timed("pass: bounded params", || {
        bounded_params(file, support, ranged_params)
    })?;
    report.path_segments_checked = timed("pass: path segments", || {
        checked_path_segments(file, support)
    });
    timed("pass: doctest fences", || {
        edit_docs(file, |text| {
            text.contains("```ignore")
                .then(|| text.replace("```ignore", "```text"))
        })
    });
    if let Some(types) = find_mod_mut(&mut file.items, "types")
        && let Some((_, items)) = types.content.as_mut()
    {
        timed("pass: impls beside their types", || {
            impls_beside_types(items)
        });
    }
    timed("pass: one way in", || crate_constructors(&mut file.items))?;
    report.decoded_only_with_tools = timed("pass: request decoding", || {
        request_decoding::request_decoding(
            types_items(&mut file.items)?,
            &holders,
            support.tools_feature,
        )
    })?;
    report.struct_decoders = timed("pass: struct decoders", || {
        struct_decoders::struct_decoders(types_items(&mut file.items)?, &support.fields)
    })?;
    report.encoders = timed("pass: encoders", || {
        encoders::encoders(types_items(&mut file.items)?, &support.encode)
    })?;
    report.call_support_paths = timed("pass: call support", || {
        call_support::call_support(file, &support.call)
    })?;
    timed("pass: leftovers", || leftovers(file))?;
    Ok(report)
}

/// One way in: progenitor's `Client::new(baseurl, inner)` (which unwraps a reqwest build and
/// sets a 15 s timeout of its own) goes, and `Client::new_with_client` becomes `pub(crate)`:
/// users build clients with `ClientBuilder` (or `for_project` for a local server), which
/// call it with the base path, their HTTP client and the runtime.
pub(crate) fn crate_constructors(items: &mut [Item]) -> Result<(), String> {
    let client = items
        .iter_mut()
        .find_map(|item| match item {
            Item::Impl(imp) if imp.trait_.is_none() && text(&imp.self_ty) == "Client" => Some(imp),
            _ => None,
        })
        .ok_or("progenitor output has no `impl Client`")?;
    let before = client.items.len();
    client
        .items
        .retain(|item| !matches!(item, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
    if client.items.len() + 1 != before {
        return Err("`impl Client` has no `new` to remove".into());
    }
    let with_client = client
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "new_with_client" => Some(f),
            _ => None,
        })
        .ok_or("`impl Client` has no `new_with_client`")?;
    with_client.vis = syn::parse_quote!(pub(crate));
    with_client.attrs.retain(|a| !a.path().is_ident("doc"));
    with_client.attrs.insert(
        0,
        syn::parse_quote!(#[doc = " The client on `baseurl` with this HTTP client and runtime: what `ClientBuilder` and `for_project` build."]),
    );
    Ok(())
}

/// What the passes must not leave behind: an error response parsed by progenitor (the error
/// route pass missed it) or a marker of [`crate::transform`] (a pass missed a schema).
///
/// One visit of the tree, without printing it: a marker can only be inside a literal (printed
/// tokens are separated by spaces, and a marker has none), so literals are read, in the tree
/// and in the raw tokens of macros, attributes and verbatim nodes; progenitor's
/// `Error::ErrorResponse(ResponseValue::from_response(..)..)` is recognised by its shape.
pub(crate) fn leftovers(file: &File) -> Result<(), String> {
    let mut found = Leftovers::default();
    syn::visit::Visit::visit_file(&mut found, file);
    if found.route {
        return Err(
            "an error response is still parsed by progenitor; the error route pass missed it"
                .into(),
        );
    }
    if let Some((_, marker)) = found.markers.first() {
        return Err(format!(
            "post-processing left a `{marker}` marker in the output"
        ));
    }
    Ok(())
}

/// The printed text of progenitor's error parsing, as it would read in a literal.
const PROGENITOR_ERROR: &str = "Error :: ErrorResponse (ResponseValue :: from_response";

#[derive(Default)]
struct Leftovers {
    route: bool,
    /// (rank in the order markers are reported, marker)
    markers: BTreeSet<(usize, &'static str)>,
}

impl Leftovers {
    fn literal(&mut self, text: &str) {
        self.route |= text.contains(PROGENITOR_ERROR);
        for (rank, marker) in [OPEN_ENUM_MARKER, SECRET_MARKER, RANGE_MARKER]
            .into_iter()
            .enumerate()
        {
            if text.contains(marker) {
                self.markers.insert((rank, marker));
            }
        }
    }

    /// Raw tokens (a macro's input, an attribute's list, a verbatim node).
    fn tokens(&mut self, stream: &TokenStream) {
        let tokens: Vec<proc_macro2::TokenTree> = stream.clone().into_iter().collect();
        for (i, token) in tokens.iter().enumerate() {
            match token {
                proc_macro2::TokenTree::Literal(lit) => self.literal(&lit.to_string()),
                proc_macro2::TokenTree::Group(group) => self.tokens(&group.stream()),
                proc_macro2::TokenTree::Ident(ident) if ident == "ErrorResponse" => {
                    self.route |= is_progenitor_error_call(&tokens, i);
                }
                _ => {}
            }
        }
    }
}

impl<'ast> syn::visit::Visit<'ast> for Leftovers {
    fn visit_lit(&mut self, lit: &'ast syn::Lit) {
        self.literal(&text(lit));
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(&mac.tokens);
        syn::visit::visit_macro(self, mac);
    }

    fn visit_meta_list(&mut self, list: &'ast syn::MetaList) {
        self.tokens(&list.tokens);
        syn::visit::visit_meta_list(self, list);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        self.route |= is_progenitor_error_expr(call);
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        if let Expr::Verbatim(tokens) = expr {
            self.tokens(tokens);
        }
        syn::visit::visit_expr(self, expr);
    }

    fn visit_type(&mut self, ty: &'ast Type) {
        if let Type::Verbatim(tokens) = ty {
            self.tokens(tokens);
        }
        syn::visit::visit_type(self, ty);
    }

    fn visit_pat(&mut self, pat: &'ast syn::Pat) {
        if let syn::Pat::Verbatim(tokens) = pat {
            self.tokens(tokens);
        }
        syn::visit::visit_pat(self, pat);
    }

    fn visit_item(&mut self, item: &'ast Item) {
        if let Item::Verbatim(tokens) = item {
            self.tokens(tokens);
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        if let syn::ImplItem::Verbatim(tokens) = item {
            self.tokens(tokens);
        }
        syn::visit::visit_impl_item(self, item);
    }

    fn visit_trait_item(&mut self, item: &'ast syn::TraitItem) {
        if let syn::TraitItem::Verbatim(tokens) = item {
            self.tokens(tokens);
        }
        syn::visit::visit_trait_item(self, item);
    }

    fn visit_foreign_item(&mut self, item: &'ast syn::ForeignItem) {
        if let syn::ForeignItem::Verbatim(tokens) = item {
            self.tokens(tokens);
        }
        syn::visit::visit_foreign_item(self, item);
    }
}

/// `…Error::ErrorResponse(ResponseValue::from_response…)`: a call whose printed text contains
/// [`PROGENITOR_ERROR`].
fn is_progenitor_error_expr(call: &syn::ExprCall) -> bool {
    let Expr::Path(func) = &*call.func else {
        return false;
    };
    let segments: Vec<&syn::PathSegment> = func.path.segments.iter().collect();
    let [.., owner, variant] = segments.as_slice() else {
        return false;
    };
    if variant.ident != "ErrorResponse"
        || !variant.arguments.is_none()
        || !owner.arguments.is_none()
        || !owner.ident.to_string().ends_with("Error")
    {
        return false;
    }
    // The first argument's printed text starts with its leftmost path.
    let Some(mut arg) = call.args.first() else {
        return false;
    };
    loop {
        arg = match arg {
            Expr::MethodCall(e) => &e.receiver,
            Expr::Await(e) => &e.base,
            Expr::Try(e) => &e.expr,
            Expr::Call(e) => &e.func,
            Expr::Field(e) => &e.base,
            Expr::Index(e) => &e.expr,
            Expr::Cast(e) => &e.expr,
            Expr::Binary(e) => &e.left,
            Expr::Group(e) => &e.expr,
            Expr::Path(p) => {
                let mut path = p.path.segments.iter();
                return p.qself.is_none()
                    && p.path.leading_colon.is_none()
                    && path
                        .next()
                        .is_some_and(|s| s.ident == "ResponseValue" && s.arguments.is_none())
                    && path
                        .next()
                        .is_some_and(|s| s.ident.to_string().starts_with("from_response"));
            }
            _ => return false,
        };
    }
}

/// Whether `tokens[i]` (`ErrorResponse`) is where the text of raw `tokens` reads
/// [`PROGENITOR_ERROR`] (`Error` may end a longer word and `from_response` start one).
fn is_progenitor_error_call(tokens: &[proc_macro2::TokenTree], i: usize) -> bool {
    use proc_macro2::{Delimiter, Spacing, TokenTree};
    // `::` prints as a joint `:` then a `:` followed by a space.
    let colons = |pair: &[TokenTree]| {
        matches!(pair, [TokenTree::Punct(a), TokenTree::Punct(b)]
            if a.as_char() == ':' && a.spacing() == Spacing::Joint
                && b.as_char() == ':' && b.spacing() == Spacing::Alone)
    };
    let before = i
        .checked_sub(3)
        .and_then(|start| tokens.get(start..i))
        .is_some_and(|w| {
            colons(&w[1..])
                && matches!(&w[0], TokenTree::Ident(id) if id.to_string().ends_with("Error"))
        });
    let Some(TokenTree::Group(args)) = tokens.get(i + 1) else {
        return false;
    };
    let inner: Vec<TokenTree> = args.stream().into_iter().take(4).collect();
    before
        && args.delimiter() == Delimiter::Parenthesis
        && inner.len() == 4
        && matches!(&inner[0], TokenTree::Ident(id) if id == "ResponseValue")
        && colons(&inner[1..3])
        && matches!(&inner[3], TokenTree::Ident(id) if id.to_string().starts_with("from_response"))
}

/// The items of progenitor's `types` module.
fn types_items(items: &mut [Item]) -> Result<&mut Vec<Item>, String> {
    let types = find_mod_mut(items, "types").ok_or("progenitor output has no `types` module")?;
    Ok(&mut types
        .content
        .as_mut()
        .ok_or("`types` module has no body")?
        .1)
}

fn find_mod_mut<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut ItemMod> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => Some(m),
        _ => None,
    })
}

// Matching progenitor's output.
//
// The passes recognise fixed snippets of progenitor's and typify's output by their token text,
// which is exact and easy to read. Printing a node costs its whole size, so a visitor never
// prints at every level: a cheap look at the node's shape (the necessary condition: a call of
// `Err`, a chain that starts with `header_map`, ...) comes first, and only the small nodes that
// pass it are printed and compared. Otherwise a visitor's cost grows with size × depth.

/// The token text of a node, as `quote` prints it (`Err (\"x\" . into ())`).
fn text(node: &impl ToTokens) -> String {
    node.to_token_stream().to_string()
}

/// The last identifier of an expression that is a plain path (`a::b::c` -> `c`).
fn path_tail(expr: &Expr) -> Option<&Ident> {
    match expr {
        Expr::Path(p) => p.path.segments.last().map(|s| &s.ident),
        Expr::Group(g) => path_tail(&g.expr),
        _ => None,
    }
}

/// Whether `expr` is a call of a function path ending in `name`, with `args` arguments.
fn is_call_of(expr: &Expr, name: &str, args: usize) -> bool {
    match expr {
        Expr::Call(call) => {
            call.args.len() == args && path_tail(&call.func).is_some_and(|i| i == name)
        }
        Expr::Group(g) => is_call_of(&g.expr, name, args),
        _ => false,
    }
}

/// The first identifier of a statement's tokens when it is an expression that starts with a
/// path (`header_map.append(..)` -> `header_map`): the only statements whose text can start
/// with that identifier (a `let`, an item or an attribute starts otherwise).
fn leading_ident(stmt: &syn::Stmt) -> Option<&Ident> {
    let syn::Stmt::Expr(expr, _) = stmt else {
        return None;
    };
    let mut expr = expr;
    loop {
        expr = match expr {
            Expr::MethodCall(e) => &e.receiver,
            Expr::Field(e) => &e.base,
            Expr::Await(e) => &e.base,
            Expr::Try(e) => &e.expr,
            Expr::Call(e) => &e.func,
            Expr::Index(e) => &e.expr,
            Expr::Cast(e) => &e.expr,
            Expr::Binary(e) => &e.left,
            Expr::Assign(e) => &e.left,
            Expr::Range(syn::ExprRange {
                start: Some(start), ..
            }) => start,
            Expr::Group(e) => &e.expr,
            Expr::Path(p) if p.qself.is_none() && p.path.leading_colon.is_none() => {
                return p.path.segments.first().map(|s| &s.ident);
            }
            _ => return None,
        };
    }
}

/// The name of a named field (`""` for a tuple field).
fn field_name(field: &syn::Field) -> String {
    field
        .ident
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// Calls `f(struct name, field)` for every named field of every struct in `items`.
fn for_each_named_field(items: &mut [Item], mut f: impl FnMut(&str, &mut syn::Field)) {
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        if let Fields::Named(fields) = &mut s.fields {
            for field in fields.named.iter_mut() {
                f(&name, field);
            }
        }
    }
}

/// Removes `marker` from `#[doc]` attributes; returns whether it was there. Empty docs go.
fn take_marker(attrs: &mut Vec<Attribute>, marker: &str) -> bool {
    let mut found = false;
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &mut attr.meta
            && let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            let text = s.value();
            if text.contains(marker) {
                found = true;
                let cleaned = text.replace(marker, "").trim_end().to_string();
                nv.value = syn::parse_quote!(#cleaned);
            }
        }
    }
    attrs.retain(|attr| {
        if !attr.path().is_ident("doc") {
            return true;
        }
        match &attr.meta {
            syn::Meta::NameValue(nv) => !matches!(&nv.value,
                Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if s.value().trim().is_empty()),
            _ => true,
        }
    });
    found
}

/// The `impl <Trait> for <Name>` items' self-type name, if it is a plain identifier.
fn impl_target(item: &syn::ItemImpl) -> Option<(String, String)> {
    let Type::Path(tp) = &*item.self_ty else {
        return None;
    };
    let name = tp.path.get_ident()?.to_string();
    let trait_name = item
        .trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    Some((name, trait_name))
}

/// Replaces `#[derive(...)]` on `attrs`, keeping the listed derives minus `remove`.
fn drop_derives(attrs: &mut [Attribute], remove: &[&str]) -> Result<(), String> {
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let paths = attr
            .parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .map_err(|e| format!("unreadable derive: {e}"))?;
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| {
                let last = p
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                !remove.contains(&last.as_str())
            })
            .collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 0. Enum parse errors name the documented values

/// typify's `FromStr` for a string enum answers only "invalid value"; say what is allowed.
pub(crate) fn enum_parse_errors(items: &mut [Item]) -> Result<(), String> {
    let mut allowed: BTreeMap<String, String> = BTreeMap::new();
    for item in items.iter() {
        if let Item::Enum(e) = item
            && let Ok(values) = variant_values(e)
        {
            let list: Vec<String> = values.into_iter().map(|(_, v)| v).collect();
            allowed.insert(e.ident.to_string(), list.join(", "));
        }
    }
    struct Rewrite<'a> {
        message: &'a str,
    }
    impl VisitMut for Rewrite<'_> {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            if is_call_of(expr, "Err", 1) && text(expr) == "Err (\"invalid value\" . into ())" {
                let message = self.message;
                *expr = syn::parse_quote!(Err(#message.into()));
                return;
            }
            visit_mut::visit_expr_mut(self, expr);
        }
    }
    for item in items.iter_mut() {
        let Item::Impl(i) = item else { continue };
        let Some((name, trait_name)) = impl_target(i) else {
            continue;
        };
        if trait_name != "FromStr" {
            continue;
        }
        if let Some(list) = allowed.get(&name) {
            let message = format!("not one of the documented values ({list})");
            Rewrite { message: &message }.visit_item_impl_mut(i);
        }
    }
    Ok(())
}

/// Each variant of a string enum says its value on the wire (`Sha2256`: `"sha2-256"`), which
/// the Rust name alone does not tell; a variant's own description, if any, stays first.
pub(crate) fn document_wire_values(items: &mut [Item]) {
    for item in items.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let Ok(values) = variant_values(e) else {
            continue;
        };
        for (variant, (_, value)) in e.variants.iter_mut().zip(values) {
            // After the variant's own description, before its other attributes.
            let at = variant
                .attrs
                .iter()
                .rposition(|a| a.path().is_ident("doc"))
                .map_or(0, |i| i + 1);
            let line = format!(" `{value}` on the wire.");
            let mut docs: Vec<Attribute> = vec![syn::parse_quote!(#[doc = #line])];
            if at > 0 {
                docs.insert(0, syn::parse_quote!(#[doc = ""]));
            }
            variant.attrs.splice(at..at, docs);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Open enums

/// Wire strings of a typify enum's unit variants: `#[serde(rename = "x")]` or the variant name.
fn variant_values(item: &ItemEnum) -> Result<Vec<(Ident, String)>, String> {
    let mut out = Vec::new();
    for variant in &item.variants {
        if !matches!(variant.fields, Fields::Unit) {
            return Err(format!(
                "enum {} has a non-unit variant {}: not a string enum",
                item.ident, variant.ident
            ));
        }
        let mut value = variant.ident.to_string();
        for attr in &variant.attrs {
            if attr.path().is_ident("serde") {
                attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename") {
                        let s: syn::LitStr = meta.value()?.parse()?;
                        value = s.value();
                    }
                    Ok(())
                })
                .map_err(|e| format!("enum {}: unreadable serde attribute: {e}", item.ident))?;
            }
        }
        out.push((variant.ident.clone(), value));
    }
    Ok(out)
}

pub(crate) fn open_enums(items: &mut Vec<Item>, support: &Support) -> Result<Vec<String>, String> {
    let mut opened: BTreeMap<String, Vec<(Ident, String)>> = BTreeMap::new();
    for item in items.iter_mut() {
        let Item::Enum(e) = item else { continue };
        if !take_marker(&mut e.attrs, OPEN_ENUM_MARKER) {
            continue;
        }
        let values = variant_values(e)?;
        if values.iter().any(|(v, _)| v == "Unrecognized") {
            return Err(format!(
                "enum {} has a documented value named `Unrecognized`, the name of the open-enum catch-all",
                e.ident
            ));
        }
        drop_derives(&mut e.attrs, &["Serialize", "Deserialize", "Copy"])?;
        e.attrs.retain(|a| !a.path().is_ident("serde"));
        for variant in e.variants.iter_mut() {
            variant.attrs.retain(|a| !a.path().is_ident("serde"));
        }
        let unknown = &support.unknown_value;
        e.variants.push(syn::parse_quote! {
            /// A value this version of the crate does not know, kept as the server sent it.
            ///
            /// It serializes back unchanged. Programs cannot construct one: every value a
            /// program builds is a documented one.
            Unrecognized(#unknown)
        });
        opened.insert(e.ident.to_string(), values);
    }
    // typify's Display matches every variant; replace it with one that covers `Unknown`.
    items.retain(|item| match item {
        Item::Impl(i) => !matches!(impl_target(i), Some((name, t)) if t == "Display" && opened.contains_key(&name)),
        _ => true,
    });
    for (name, values) in &opened {
        let ident = format_ident!("{name}");
        let variants: Vec<&Ident> = values.iter().map(|(v, _)| v).collect();
        let strings: Vec<&String> = values.iter().map(|(_, s)| s).collect();
        let unknown = &support.unknown_value;
        let code: syn::File = syn::parse_quote! {
            impl #ident {
                /// The value as it appears on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(Self::#variants => #strings,)*
                        Self::Unrecognized(value) => value.as_str(),
                    }
                }
                /// Whether this is a value this crate knows (not [`Self::Unrecognized`]).
                pub fn is_known(&self) -> bool {
                    !matches!(self, Self::Unrecognized(_))
                }
            }
            impl ::std::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            impl ::serde::Serialize for #ident {
                fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
                where
                    S: ::serde::Serializer,
                {
                    serializer.serialize_str(self.as_str())
                }
            }
            impl<'de> ::serde::Deserialize<'de> for #ident {
                fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                {
                    // Borrows the string where it can: a documented value allocates nothing.
                    #unknown::deserialize_open(
                        deserializer,
                        |value| match value {
                            #(#strings => Some(Self::#variants),)*
                            _ => None,
                        },
                        Self::Unrecognized,
                    )
                }
            }
        };
        items.extend(code.items);
    }
    Ok(opened.into_keys().collect())
}

// ---------------------------------------------------------------------------------------------
// 2. Secrets

pub(crate) fn redact_secrets(
    items: &mut Vec<Item>,
    support: &Support,
) -> Result<Vec<String>, String> {
    // (struct name) -> secret field names, found by the marker on the field's docs.
    let mut secret_fields: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut newtypes: BTreeSet<String> = BTreeSet::new();
    for_each_named_field(items, |struct_name, field| {
        if take_marker(&mut field.attrs, SECRET_MARKER) {
            secret_fields
                .entry(struct_name.to_string())
                .or_default()
                .insert(field_name(field));
            if let Some(inner) = innermost_ident(&field.ty) {
                newtypes.insert(inner);
            }
        }
    });
    // typify may also repeat the description on a constrained string's newtype.
    for item in items.iter_mut() {
        if let Item::Struct(s) = item
            && take_marker(&mut s.attrs, SECRET_MARKER)
        {
            newtypes.insert(s.ident.to_string());
        }
    }
    let redacted = &support.redacted;
    let mut done = Vec::new();
    let builder_items = find_mod_mut(items, "builder")
        .and_then(|m| m.content.as_mut())
        .map(|(_, items)| std::mem::take(items));
    let mut builder_items = builder_items.unwrap_or_default();
    // Only impls are added below: the positions of the structs stay valid.
    let types_index = struct_index(items);
    let builder_index = struct_index(&builder_items);
    for (struct_name, secret) in &secret_fields {
        for (scope, list, index) in [
            ("types", &mut *items, &types_index),
            ("types::builder", &mut builder_items, &builder_index),
        ] {
            let first = index.get(struct_name).and_then(|at| at.first());
            let Some(Item::Struct(s)) = first.and_then(|&i| list.get_mut(i)) else {
                if scope == "types" {
                    return Err(format!("secret field on {struct_name}, but no such struct"));
                }
                continue;
            };
            let impl_item = debug_impl(s, secret, redacted)?;
            drop_derives(&mut s.attrs, &["Debug"])?;
            list.push(impl_item);
            done.push(format!("{scope}::{struct_name}"));
        }
    }
    if let Some((_, list)) = find_mod_mut(items, "builder").and_then(|m| m.content.as_mut()) {
        *list = builder_items;
    }
    for name in &newtypes {
        let tuple_struct = types_index.get(name).into_iter().flatten().find(
            |&&i| matches!(&items[i], Item::Struct(s) if matches!(s.fields, Fields::Unnamed(_))),
        );
        let Some(Item::Struct(s)) = tuple_struct.and_then(|&i| items.get_mut(i)) else {
            continue; // a plain `String`: the parent's Debug already hides it
        };
        drop_derives(&mut s.attrs, &["Debug"])?;
        let ident = s.ident.clone();
        let label = ident.to_string();
        items.push(syn::parse_quote! {
            impl ::std::fmt::Debug for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_tuple(#label).field(&#redacted).finish()
                }
            }
        });
        done.push(format!("types::{name}"));
    }
    Ok(done)
}

/// The positions of the structs in `items` by name, in order (typify names are unique, but the
/// first one is the one a search would find).
fn struct_index(items: &[Item]) -> BTreeMap<String, Vec<usize>> {
    let mut index: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Item::Struct(s) = item {
            index.entry(s.ident.to_string()).or_default().push(i);
        }
    }
    index
}

/// `Option<Foo>` or `Foo` -> `Foo`, when `Foo` is a bare identifier (a type in `types`).
fn innermost_ident(ty: &Type) -> Option<String> {
    let Type::Path(tp) = ty else { return None };
    let last = tp.path.segments.last()?;
    if last.ident == "Option" {
        if let syn::PathArguments::AngleBracketed(args) = &last.arguments
            && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
        {
            return innermost_ident(inner);
        }
        return None;
    }
    (tp.path.segments.len() == 1).then(|| last.ident.to_string())
}

fn debug_impl(
    s: &ItemStruct,
    secret: &BTreeSet<String>,
    redacted: &TokenStream,
) -> Result<Item, String> {
    let Fields::Named(fields) = &s.fields else {
        return Err(format!("{} has secret fields but no named fields", s.ident));
    };
    let ident = &s.ident;
    let label = ident.to_string();
    let (impl_generics, ty_generics, where_clause) = s.generics.split_for_impl();
    let entries = fields.named.iter().map(|field| {
        let name = field.ident.as_ref().expect("named field");
        let key = name.to_string();
        let key = key.strip_prefix("r#").unwrap_or(&key).to_string();
        if secret.contains(&key) {
            quote!(.field(#key, &#redacted))
        } else {
            quote!(.field(#key, &self.#name))
        }
    });
    Ok(syn::parse_quote! {
        impl #impl_generics ::std::fmt::Debug for #ident #ty_generics #where_clause {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish()
            }
        }
    })
}

// ---------------------------------------------------------------------------------------------
// 3. No `api-version` header

pub(crate) struct DropApiVersion {
    pub(crate) removed: usize,
}

impl VisitMut for DropApiVersion {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| {
            if leading_ident(stmt).is_none_or(|i| i != "header_map") {
                return true;
            }
            let text = text(stmt);
            !(text.starts_with("header_map . append") && text.contains("\"api-version\""))
        });
        let removed = before - block.stmts.len();
        self.removed += removed;
        if removed > 0 {
            // Nothing else goes into the map (no header parameters): drop it altogether.
            let text = text(block);
            if !text.contains("header_map . append") && !text.contains("header_map . insert") {
                block.stmts.retain(|stmt| {
                    !(matches!(stmt, syn::Stmt::Local(_))
                        && self::text(stmt).starts_with("let mut header_map"))
                });
                DropHeaderMap.visit_block_mut(block);
            }
        }
        visit_mut::visit_block_mut(self, block);
    }
}

/// `x.headers(header_map)` -> `x`.
struct DropHeaderMap;

impl VisitMut for DropHeaderMap {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr
            && call.method == "headers"
            && call.args.to_token_stream().to_string() == "header_map"
        {
            let receiver = (*call.receiver).clone();
            *expr = receiver;
            self.visit_expr_mut(expr);
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Error bodies

struct ErrorRoute<'a> {
    support: &'a Support,
    arms: usize,
    types: usize,
}

impl VisitMut for ErrorRoute<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(tp) = &*ty
            && tp
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "ErrorBody")
            && text(ty) == "types :: ErrorBody"
        {
            let error_type = &self.support.error_type;
            *ty = syn::parse_quote!(#error_type);
            self.types += 1;
            return;
        }
        visit_mut::visit_type_mut(self, ty);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if is_call_of(expr, "Err", 1)
            && text(expr)
                == "Err (Error :: ErrorResponse (ResponseValue :: from_response (response) . await ?))"
        {
            let error_fn = &self.support.error_fn;
            *expr = syn::parse_quote!(Err(#error_fn(response).await));
            self.arms += 1;
            return;
        }
        if let Expr::Await(awaited) = &*expr
            && is_call_of(&awaited.base, "from_response", 1)
            && text(expr) == "ResponseValue :: from_response (response) . await"
        {
            let decode_fn = &self.support.decode_fn;
            *expr = syn::parse_quote!(#decode_fn(response).await);
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

pub(crate) fn route_error_bodies(file: &mut File, support: &Support) -> Result<usize, String> {
    let mut route = ErrorRoute {
        support,
        arms: 0,
        types: 0,
    };
    for item in file.items.iter_mut() {
        // The `types` module keeps its own `ErrorBody` (the documented schema).
        if matches!(item, Item::Mod(m) if m.ident == "types") {
            continue;
        }
        route.visit_item_mut(item);
    }
    if route.arms > 0 && route.types == 0 {
        return Err("error arms rewritten but no `types::ErrorBody` in signatures: is the error schema named ErrorBody?".into());
    }
    Ok(route.arms)
}

// ---------------------------------------------------------------------------------------------
// 13. One exchange per call

/// progenitor ends every `send()` with the same eight statements: the operation's info, the
/// `pre`, `exec` and `post` hooks, then a `match` on the status (after pass 4: the documented
/// success decoded or empty, 4XX and 5XX read as the service's error, anything else
/// unexpected). Each copy is an `async` body of its own for the compiler to check; this pass
/// puts one generic call in their place, `respond(client, request, "operation_id", status)`
/// (or `respond_empty`). A `send()` of another shape is an error, so that a progenitor change
/// cannot slip past. Returns how many were rewritten.
pub(crate) fn one_exchange(file: &mut File, support: &Support) -> Result<usize, String> {
    let mut pass = OneExchange {
        support,
        rewritten: 0,
        errors: Vec::new(),
        builder: String::new(),
    };
    pass.visit_file_mut(file);
    match pass.errors.into_iter().next() {
        Some(error) => Err(error),
        None => Ok(pass.rewritten),
    }
}

struct OneExchange<'a> {
    support: &'a Support,
    rewritten: usize,
    errors: Vec<String>,
    /// The type whose `impl` is being visited (for errors).
    builder: String,
}

impl OneExchange<'_> {
    /// The replacement of a `send()` body's tail, or why its shape is not progenitor's.
    fn exchange(&self, stmts: &[syn::Stmt]) -> Result<(usize, syn::Stmt), String> {
        let Some(start) = stmts
            .iter()
            .position(|s| text(s).starts_with("let info = OperationInfo"))
        else {
            return Err("no `let info = OperationInfo { .. }`".into());
        };
        let tail = &stmts[start..];
        let expected = [
            "client . pre (& mut request , & info) . await ? ;",
            "let result = client . exec (request , & info) . await ;",
            "client . post (& result , & info) . await ? ;",
            "let response = result ? ;",
        ];
        if tail.len() != expected.len() + 2
            || tail[1..=expected.len()]
                .iter()
                .zip(expected)
                .any(|(s, e)| text(s) != e)
        {
            return Err("the hooks are not progenitor's `pre`, `exec`, `post` sequence".into());
        }
        let syn::Stmt::Local(info) = &tail[0] else {
            unreachable!("found by its text");
        };
        let operation_id = info
            .init
            .as_ref()
            .and_then(|init| match &*init.expr {
                Expr::Struct(s) => s.fields.iter().find_map(|f| match (&f.member, &f.expr) {
                    (syn::Member::Named(name), Expr::Lit(lit)) if name == "operation_id" => {
                        Some(lit.lit.clone())
                    }
                    _ => None,
                }),
                _ => None,
            })
            .ok_or("`OperationInfo` without a literal `operation_id`")?;
        let Some(syn::Stmt::Expr(Expr::Match(answer), None)) = tail.last() else {
            return Err("no `match` on the status at the end".into());
        };
        let (error_fn, decode_fn) = (&self.support.error_fn, &self.support.decode_fn);
        // Each arm as `pattern => expression` (a block of one expression read as that).
        let arms: Vec<(String, &Expr)> = answer
            .arms
            .iter()
            .map(|arm| {
                let mut body = &*arm.body;
                while let Expr::Block(block) = body
                    && let [syn::Stmt::Expr(inner, None)] = block.block.stmts.as_slice()
                {
                    body = inner;
                }
                (text(&arm.pat), body)
            })
            .collect();
        let shown = || {
            arms.iter()
                .map(|(pat, body)| format!("{pat} => {}", text(*body)))
                .collect::<Vec<_>>()
        };
        let error = text(&quote!(Err(#error_fn(response).await)));
        let rest = [
            ("400u16 ..= 499u16", error.clone()),
            ("500u16 ..= 599u16", error),
            (
                "_",
                "Err (Error :: UnexpectedResponse (response))".to_string(),
            ),
        ];
        if text(&answer.expr) != "response . status () . as_u16 ()"
            || arms.len() != 4
            || arms[1..]
                .iter()
                .zip(&rest)
                .any(|((pat, body), (p, b))| pat != p || text(*body) != *b)
        {
            return Err(format!(
                "the status `match` is not one success, 4XX, 5XX, other: {:?}",
                shown()
            ));
        }
        let syn::Pat::Lit(status) = &answer.arms[0].pat else {
            return Err(format!("the success arm is not one status: {:?}", shown()));
        };
        let body = text(arms[0].1);
        let respond = if body == text(&quote!(#decode_fn(response).await)) {
            &self.support.respond_fn
        } else if body == "Ok (ResponseValue :: empty (response))" {
            &self.support.respond_empty_fn
        } else {
            return Err(format!(
                "the success arm neither decodes nor is empty: {:?}",
                shown()
            ));
        };
        let call: syn::Stmt = syn::Stmt::Expr(
            syn::parse_quote!(#respond(client, request, #operation_id, #status).await),
            None,
        );
        Ok((start, call))
    }
}

impl VisitMut for OneExchange<'_> {
    fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
        self.builder = text(&imp.self_ty);
        visit_mut::visit_item_impl_mut(self, imp);
    }

    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        if f.sig.ident == "send" && f.sig.asyncness.is_some() {
            match self.exchange(&f.block.stmts) {
                Ok((start, call)) => {
                    f.block.stmts.truncate(start);
                    // progenitor's `#[allow(unused_mut)] let mut request` was for the hooks.
                    if let Some(syn::Stmt::Local(local)) = f.block.stmts.last_mut()
                        && let syn::Pat::Ident(binding) = &mut local.pat
                        && binding.ident == "request"
                    {
                        binding.mutability = None;
                        local.attrs.retain(|a| text(a) != "# [allow (unused_mut)]");
                    }
                    f.block.stmts.push(call);
                    self.rewritten += 1;
                }
                Err(e) => self
                    .errors
                    .push(format!("`send()` of `{}`: {e}", self.builder)),
            }
            return;
        }
        visit_mut::visit_impl_item_fn_mut(self, f);
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Optional arrays

pub(crate) fn optional_arrays(items: &mut [Item]) -> Result<usize, String> {
    const SKIP_EMPTY: &str = "skip_serializing_if = \"::std::vec::Vec::is_empty\"";
    let mut changed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for_each_named_field(items, |struct_name, field| {
        let Some(attr) = field.attrs.iter_mut().find(|a| {
            a.path().is_ident("serde")
                && a.to_token_stream()
                    .to_string()
                    .replace(' ', "")
                    .contains(&SKIP_EMPTY.replace(' ', ""))
        }) else {
            return;
        };
        *attr = syn::parse_quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]);
        let ty = &field.ty;
        field.ty = syn::parse_quote!(::std::option::Option<#ty>);
        changed
            .entry(struct_name.to_string())
            .or_default()
            .insert(field_name(field));
    });
    let count = changed.values().map(BTreeSet::len).sum();
    let Some((_, builder_items)) = find_mod_mut(items, "builder").and_then(|m| m.content.as_mut())
    else {
        return Ok(count);
    };
    for item in builder_items.iter_mut() {
        if let Item::Struct(s) = item {
            let Some(fields_changed) = changed.get(&s.ident.to_string()) else {
                continue;
            };
            let Fields::Named(fields) = &mut s.fields else {
                continue;
            };
            for field in fields.named.iter_mut() {
                let name = field_name(field);
                if fields_changed.contains(&name) {
                    wrap_first_generic(&mut field.ty)?;
                }
            }
        }
    }
    Ok(count)
}

/// `Result<X, E>` -> `Result<Option<X>, E>`.
fn wrap_first_generic(ty: &mut Type) -> Result<(), String> {
    if let Type::Path(tp) = ty
        && let Some(last) = tp.path.segments.last_mut()
        && let syn::PathArguments::AngleBracketed(args) = &mut last.arguments
        && let Some(syn::GenericArgument::Type(t)) = args.args.first_mut()
    {
        let inner = t.clone();
        *t = syn::parse_quote!(::std::option::Option<#inner>);
        return Ok(());
    }
    Err(format!(
        "unexpected builder field type `{}`",
        ty.to_token_stream()
    ))
}

// ---------------------------------------------------------------------------------------------
// 6. Patterns as automata

/// typify checks a `pattern` with a `static PATTERN: LazyLock<::regress::Regex>` and
/// `PATTERN.find(value).is_none()`; both become a `static PATTERN: Pattern` holding the
/// automata of [`crate::patterns::translate`]'s parts as tables (`patterns::Table`), which
/// the client walks (no regex engine in a program). A pattern it refuses fails generation,
/// naming the pattern and the construct. Returns how many patterns were rewritten.
pub(crate) fn patterns(file: &mut File, support: &Support) -> Result<usize, String> {
    let mut pass = Patterns {
        support,
        rewritten: 0,
        errors: Vec::new(),
        translated: BTreeMap::new(),
    };
    pass.visit_file_mut(file);
    if let Some(error) = pass.errors.into_iter().next() {
        return Err(error);
    }
    // One visit of the tree, without printing it (a file is about a megabyte of text).
    struct Regress(bool);
    impl<'ast> syn::visit::Visit<'ast> for Regress {
        fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
            self.0 |= segment.ident == "regress";
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let mut left = Regress(false);
    syn::visit::Visit::visit_file(&mut left, file);
    if left.0 {
        return Err("a regress use is left after the patterns pass (a new typify shape?)".into());
    }
    Ok(pass.rewritten)
}

struct Patterns<'a> {
    support: &'a Support,
    rewritten: usize,
    errors: Vec<String>,
    /// Each pattern is translated once (a spec repeats a few patterns many times).
    translated: BTreeMap<String, Result<crate::patterns::Translated, String>>,
}

impl Patterns<'_> {
    /// The automata of a translated pattern, as `Dfa { .. }` expressions.
    fn tables(&self, t: &crate::patterns::Translated) -> Result<(Expr, Vec<Expr>), String> {
        let dfa = &self.support.dfa;
        let expr = |pattern: &String| -> Result<Expr, String> {
            let table = crate::patterns::Table::build(pattern)?;
            let class_of = proc_macro2::Literal::byte_string(&table.class_of);
            let next = proc_macro2::Literal::byte_string(&table.next);
            let (classes, start) = (table.classes, table.start);
            Ok(syn::parse_quote!(#dfa {
                class_of: #class_of,
                classes: #classes,
                next: #next,
                start: #start,
            }))
        };
        let not = t.not_matching.iter().map(expr).collect::<Result<_, _>>()?;
        Ok((expr(&t.matching)?, not))
    }

    /// The literal of `::regress::Regex::new("...")` anywhere in `expr`.
    fn regress_literal(expr: &Expr) -> Option<String> {
        struct Find(Option<String>);
        impl<'ast> syn::visit::Visit<'ast> for Find {
            fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
                if text(&call.func) == ":: regress :: Regex :: new"
                    && let Some(Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(lit),
                        ..
                    })) = call.args.first()
                {
                    self.0 = Some(lit.value());
                }
                syn::visit::visit_expr_call(self, call);
            }
        }
        let mut find = Find(None);
        syn::visit::Visit::visit_expr(&mut find, expr);
        find.0
    }
}

impl VisitMut for Patterns<'_> {
    fn visit_item_static_mut(&mut self, item: &mut syn::ItemStatic) {
        if text(&item.ty).contains(":: regress :: Regex") {
            let Some(pattern) = Self::regress_literal(&item.expr) else {
                self.errors
                    .push("a regress static without a literal pattern".to_string());
                return;
            };
            let translated = self
                .translated
                .entry(pattern.clone())
                .or_insert_with(|| crate::patterns::translate(&pattern))
                .clone();
            match translated {
                Ok(t) => match self.tables(&t) {
                    Ok((matching, not)) => {
                        let ty = &self.support.pattern;
                        *item.ty = syn::parse_quote!(#ty);
                        *item.expr = syn::parse_quote!(#ty {
                            matching: #matching,
                            not_matching: &[#(#not),*],
                        });
                        self.rewritten += 1;
                    }
                    Err(e) => self.errors.push(format!("pattern `{pattern}`: {e}")),
                },
                Err(e) => self.errors.push(format!("pattern `{pattern}`: {e}")),
            }
        }
        visit_mut::visit_item_static_mut(self, item);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        // `PATTERN.find(value).is_none()` -> `!PATTERN.is_match(value)`
        if let Expr::MethodCall(outer) = expr
            && outer.method == "is_none"
            && let Expr::MethodCall(find) = &*outer.receiver
            && find.method == "find"
            && text(&find.receiver) == "PATTERN"
        {
            let receiver = &find.receiver;
            let args = &find.args;
            *expr = syn::parse_quote!(!#receiver.is_match(#args));
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Documented paths are the real ones

/// progenitor documents each method with the path it was given, which lacks the base path the
/// client hoisted (`/vpn-connection`); users compare with the API reference, so write the
/// real one (`/v5/{project_id}/vpn-connection`).
pub fn document_full_paths(file: &mut File, base_path: &str) -> usize {
    let needle = " request to `/";
    let replacement = format!(" request to `{base_path}/");
    edit_docs(file, |text| {
        text.contains(needle)
            .then(|| text.replace(needle, &replacement))
    })
}

/// Rewrites every `#[doc]` string for which `edit` returns a new text; returns how many.
///
/// Also used to turn progenitor's per-method usage sketches from ```` ```ignore ```` into
/// ```` ```text ````: they are not compilable examples, and an ignored doctest is a skipped test.
pub(crate) fn edit_docs(file: &mut File, edit: impl Fn(&str) -> Option<String>) -> usize {
    struct Docs<F> {
        edit: F,
        count: usize,
    }
    impl<F: Fn(&str) -> Option<String>> VisitMut for Docs<F> {
        fn visit_attribute_mut(&mut self, attr: &mut Attribute) {
            if !attr.path().is_ident("doc") {
                return;
            }
            if let syn::Meta::NameValue(nv) = &mut attr.meta
                && let Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &nv.value
                && let Some(fixed) = (self.edit)(&s.value())
            {
                nv.value = syn::parse_quote!(#fixed);
                self.count += 1;
            }
        }
    }
    let mut docs = Docs { edit, count: 0 };
    docs.visit_file_mut(file);
    docs.count
}

// ---------------------------------------------------------------------------------------------
// Impls beside their types

/// Every `impl` of a type defined in the module comes right after the type (the open-enum
/// pass appends its `Display`/`Serialize`/`Deserialize` at the end, 12,000 lines away); the
/// order of everything else is kept. Item order means nothing to the compiler.
pub(crate) fn impls_beside_types(items: &mut Vec<Item>) {
    let type_name = |item: &Item| match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        _ => None,
    };
    let defined: BTreeSet<String> = items.iter().filter_map(type_name).collect();
    let mut impls: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    let mut rest = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        match &item {
            Item::Impl(i) if impl_target(i).is_some_and(|(n, _)| defined.contains(&n)) => {
                let (name, _) = impl_target(i).unwrap_or_default();
                impls.entry(name).or_default().push(item);
            }
            _ => rest.push(item),
        }
    }
    for item in rest {
        let name = type_name(&item);
        items.push(item);
        if let Some(own) = name.and_then(|n| impls.remove(&n)) {
            items.extend(own);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Setter docs

/// A typify builder's setter carries its field's description and says whether the field must
/// be set: typify leaves setters undocumented, so rustdoc showed `.psk(..)` with no word.
pub(crate) fn document_setters(items: &mut [Item]) -> usize {
    // struct -> field -> (doc attributes, what setting it means)
    let mut fields: BTreeMap<String, BTreeMap<String, (Vec<Attribute>, &'static str)>> =
        BTreeMap::new();
    for item in items.iter() {
        let Item::Struct(st) = item else { continue };
        let Fields::Named(named) = &st.fields else {
            continue;
        };
        let by_name = fields.entry(st.ident.to_string()).or_default();
        for field in &named.named {
            let docs: Vec<Attribute> = field
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .cloned()
                .collect();
            let text = field.ty.to_token_stream().to_string();
            let defaulted = field.attrs.iter().any(|a| {
                a.path().is_ident("serde") && a.to_token_stream().to_string().contains("default")
            });
            let rule = if text.starts_with(":: std :: option :: Option <") {
                " Optional: left out of the request unless set."
            } else if defaulted {
                " Optional: the documented default unless set."
            } else {
                " Required: `send()` fails naming it when it is not set."
            };
            by_name.insert(field_name(field), (docs, rule));
        }
    }
    let Some((_, builder_items)) = find_mod_mut(items, "builder").and_then(|m| m.content.as_mut())
    else {
        return 0;
    };
    let mut count = 0;
    for item in builder_items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let Some((name, trait_name)) = impl_target(imp) else {
            continue;
        };
        let Some(by_name) = fields.get(&name).filter(|_| trait_name.is_empty()) else {
            continue;
        };
        for member in imp.items.iter_mut() {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            let Some((docs, rule)) = by_name.get(&f.sig.ident.to_string()) else {
                continue;
            };
            let mut attrs = docs.clone();
            if !attrs.is_empty() {
                attrs.push(syn::parse_quote!(#[doc = ""]));
            }
            attrs.push(syn::parse_quote!(#[doc = #rule]));
            attrs.append(&mut f.attrs);
            f.attrs = attrs;
            count += 1;
        }
    }
    count
}

// ---------------------------------------------------------------------------------------------
// 8. Optional setters take the value

pub(crate) fn optional_setters(items: &mut [Item]) -> Result<usize, String> {
    let Some((_, builder_items)) = find_mod_mut(items, "builder").and_then(|m| m.content.as_mut())
    else {
        return Ok(0);
    };
    // struct -> fields whose builder slot is `Result<Option<X>, String>`
    let mut optional: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in builder_items.iter() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(fields) = &s.fields else {
            continue;
        };
        for field in &fields.named {
            if is_result_of_option(&field.ty) {
                let name = field_name(field);
                optional
                    .entry(s.ident.to_string())
                    .or_default()
                    .insert(name);
            }
        }
    }
    let mut count = 0;
    for item in builder_items.iter_mut() {
        let Item::Impl(i) = item else { continue };
        if i.trait_.is_some() {
            continue;
        }
        let Some((name, _)) = impl_target(i) else {
            continue;
        };
        let Some(fields) = optional.get(&name) else {
            continue;
        };
        for impl_item in i.items.iter_mut() {
            let syn::ImplItem::Fn(f) = impl_item else {
                continue;
            };
            if !fields.contains(&f.sig.ident.to_string()) {
                continue;
            }
            // `where T: TryInto<Option<X>>` -> `TryInto<X>` (arrays already say `TryInto<Vec<X>>`).
            let Some(where_clause) = f.sig.generics.where_clause.as_mut() else {
                continue;
            };
            for predicate in where_clause.predicates.iter_mut() {
                let syn::WherePredicate::Type(pt) = predicate else {
                    continue;
                };
                for bound in pt.bounds.iter_mut() {
                    let syn::TypeParamBound::Trait(tb) = bound else {
                        continue;
                    };
                    let Some(last) = tb.path.segments.last_mut() else {
                        continue;
                    };
                    if last.ident != "TryInto" {
                        continue;
                    }
                    if let syn::PathArguments::AngleBracketed(args) = &mut last.arguments
                        && let Some(syn::GenericArgument::Type(t)) = args.args.first_mut()
                        && let Some(inner) = option_inner(t)
                    {
                        *t = inner;
                    }
                }
            }
            // `value.try_into().map_err(..)` -> `value.try_into().map(Some).map_err(..)`
            let mut wrap = WrapSome { done: false };
            wrap.visit_block_mut(&mut f.block);
            if !wrap.done {
                return Err(format!(
                    "builder::{name}::{}: setter body not in the expected shape",
                    f.sig.ident
                ));
            }
            count += 1;
        }
    }
    Ok(count)
}

/// Whether `ty` prints as `:: std :: result :: Result < :: std :: option :: Option < ..`
/// (typify's slot for an optional field), read from the tree instead of printed.
fn is_result_of_option(ty: &Type) -> bool {
    /// The generic arguments of `::std::<module>::<name><..>`, spelt exactly so.
    fn std_path<'a>(
        ty: &'a Type,
        module: &str,
        name: &str,
    ) -> Option<&'a syn::AngleBracketedGenericArguments> {
        let Type::Path(tp) = ty else { return None };
        if tp.qself.is_some() || tp.path.leading_colon.is_none() {
            return None;
        }
        let [std, module_segment, last] = tp.path.segments.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let plain = |s: &syn::PathSegment, ident: &str| s.ident == ident && s.arguments.is_none();
        if !plain(std, "std") || !plain(module_segment, module) || last.ident != name {
            return None;
        }
        match &last.arguments {
            syn::PathArguments::AngleBracketed(args) if args.colon2_token.is_none() => Some(args),
            _ => None,
        }
    }
    let Some(result) = std_path(ty, "result", "Result") else {
        return false;
    };
    matches!(result.args.first(), Some(syn::GenericArgument::Type(inner))
        if std_path(inner, "option", "Option").is_some())
}

/// `Option<X>` (any path spelling) -> `X`.
fn option_inner(ty: &Type) -> Option<Type> {
    let Type::Path(tp) = ty else { return None };
    let last = tp.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner.clone()),
        _ => None,
    }
}

/// Inserts `.map(Some)` after `value.try_into()` in a setter body.
struct WrapSome {
    done: bool,
}

impl VisitMut for WrapSome {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        if call.method == "map_err"
            && matches!(&*call.receiver, Expr::MethodCall(inner) if inner.method == "try_into")
            && text(&call.receiver) == "value . try_into ()"
        {
            let receiver = &call.receiver;
            *call.receiver = syn::parse_quote!(#receiver.map(::std::option::Option::Some));
            self.done = true;
            return;
        }
        visit_mut::visit_expr_method_call_mut(self, call);
    }
}

// ---------------------------------------------------------------------------------------------
// 9. Bounded integers

/// `crate::Bounded<MIN, MAX>` as a type (negative bounds in braces, as const arguments need).
fn bounded_type(support: &Support, min: i64, max: i64) -> Type {
    let arg = |v: i64| -> TokenStream {
        match v {
            i64::MIN => quote!({ i64::MIN }),
            i64::MAX => quote!({ i64::MAX }),
            v if v < 0 => {
                let lit = proc_macro2::Literal::i64_unsuffixed(v);
                quote!({ #lit })
            }
            v => proc_macro2::Literal::i64_unsuffixed(v).into_token_stream(),
        }
    };
    let bounded = &support.bounded;
    let (min, max) = (arg(min), arg(max));
    syn::parse_quote!(#bounded<#min, #max>)
}

/// Replaces every occurrence of the type `from` (compared as tokens) by `to`.
struct ReplaceType<'a> {
    from: String,
    to: &'a Type,
    count: usize,
}

impl VisitMut for ReplaceType<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if ty.to_token_stream().to_string() == self.from {
            *ty = self.to.clone();
            self.count += 1;
            return;
        }
        visit_mut::visit_type_mut(self, ty);
    }
}

/// The integer type inside `Option<X>` or `X`.
fn integer_inner(ty: &Type) -> Type {
    option_inner(ty).unwrap_or_else(|| ty.clone())
}

pub(crate) fn bounded_fields(items: &mut [Item], support: &Support) -> Result<usize, String> {
    // (struct, field) -> (original integer type, bounded type)
    let mut changed: BTreeMap<(String, String), (String, Type)> = BTreeMap::new();
    let mut error = None;
    for_each_named_field(items, |struct_name, field| {
        let (min, max) = match take_range_marker(&mut field.attrs) {
            Ok(Some(range)) => range,
            Ok(None) => return,
            Err(e) => return error = Some(e),
        };
        let original = integer_inner(&field.ty);
        let bounded = bounded_type(support, min, max);
        let from = original.to_token_stream().to_string();
        ReplaceType {
            from: from.clone(),
            to: &bounded,
            count: 0,
        }
        .visit_type_mut(&mut field.ty);
        changed.insert(
            (struct_name.to_string(), field_name(field)),
            (from, bounded),
        );
    });
    if let Some(e) = error {
        return Err(e);
    }
    let Some((_, builder_items)) = find_mod_mut(items, "builder").and_then(|m| m.content.as_mut())
    else {
        return Ok(changed.len());
    };
    for item in builder_items.iter_mut() {
        match item {
            Item::Struct(s) => {
                let Fields::Named(fields) = &mut s.fields else {
                    continue;
                };
                for field in fields.named.iter_mut() {
                    let name = field_name(field);
                    if let Some((from, to)) = changed.get(&(s.ident.to_string(), name)) {
                        ReplaceType {
                            from: from.clone(),
                            to,
                            count: 0,
                        }
                        .visit_type_mut(&mut field.ty);
                    }
                }
            }
            Item::Impl(i) if i.trait_.is_none() => {
                let Some((name, _)) = impl_target(i) else {
                    continue;
                };
                for impl_item in i.items.iter_mut() {
                    let syn::ImplItem::Fn(f) = impl_item else {
                        continue;
                    };
                    if let Some((from, to)) = changed.get(&(name.clone(), f.sig.ident.to_string()))
                    {
                        let mut replace = ReplaceType {
                            from: from.clone(),
                            to,
                            count: 0,
                        };
                        replace.visit_generics_mut(&mut f.sig.generics);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(changed.len())
}

/// Reads and removes `[[xtask:range:MIN:MAX]]` from doc attributes.
fn take_range_marker(attrs: &mut Vec<Attribute>) -> Result<Option<(i64, i64)>, String> {
    let mut found = None;
    for attr in attrs.iter() {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta
            && let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            let text = s.value();
            if let Some(start) = text.find(RANGE_MARKER) {
                let rest = &text[start + RANGE_MARKER.len()..];
                let body = rest.split("]]").next().unwrap_or_default();
                let (min, max) = body
                    .split_once(':')
                    .ok_or_else(|| format!("bad range marker `{body}`"))?;
                let parse = |v: &str| {
                    v.parse::<i64>()
                        .map_err(|e| format!("bad range marker `{body}`: {e}"))
                };
                found = Some((parse(min)?, parse(max)?, format!("{RANGE_MARKER}{body}]]")));
            }
        }
    }
    let Some((min, max, marker)) = found else {
        return Ok(None);
    };
    take_marker(attrs, &marker);
    Ok(Some((min, max)))
}

/// Query and path parameters with limits: the operation builder's slot and setter take
/// `Bounded`, and the setter's error says which rule was broken.
pub(crate) fn bounded_params(
    file: &mut File,
    support: &Support,
    params: &[RangedParam],
) -> Result<usize, String> {
    if params.is_empty() {
        return Ok(0);
    }
    let builder =
        find_mod_mut(&mut file.items, "builder").ok_or("no operation `builder` module")?;
    let items = &mut builder.content.as_mut().ok_or("empty `builder` module")?.1;
    // Items are edited in place, never added or removed: positions stay valid.
    let structs = struct_index(items);
    let mut impls: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Item::Impl(imp) = item
            && imp.trait_.is_none()
            && let Some(name) = impl_target_any(imp)
        {
            impls.entry(name).or_default().push(i);
        }
    }
    let mut done = 0;
    for (struct_name, field_name, min, max) in params {
        let bounded = bounded_type(support, *min, *max);
        let mut original = None;
        for &at in structs.get(struct_name).into_iter().flatten() {
            let Some(Item::Struct(s)) = items.get_mut(at) else {
                continue;
            };
            let Fields::Named(fields) = &mut s.fields else {
                continue;
            };
            for field in fields.named.iter_mut() {
                if field
                    .ident
                    .as_ref()
                    .is_some_and(|i| i == field_name.as_str())
                {
                    // `Result<Option<X>, String>` -> X
                    let inner = match &field.ty {
                        Type::Path(tp) => match &tp.path.segments.last().map(|s| &s.arguments) {
                            Some(syn::PathArguments::AngleBracketed(args)) => {
                                match args.args.first() {
                                    Some(syn::GenericArgument::Type(t)) => integer_inner(t),
                                    _ => continue,
                                }
                            }
                            _ => continue,
                        },
                        _ => continue,
                    };
                    let from = inner.to_token_stream().to_string();
                    ReplaceType {
                        from: from.clone(),
                        to: &bounded,
                        count: 0,
                    }
                    .visit_type_mut(&mut field.ty);
                    original = Some(from);
                }
            }
        }
        let Some(from) = original else {
            return Err(format!(
                "parameter {struct_name}.{field_name} has limits but no builder field"
            ));
        };
        for &at in impls.get(struct_name).into_iter().flatten() {
            let Some(Item::Impl(i)) = items.get_mut(at) else {
                continue;
            };
            for impl_item in i.items.iter_mut() {
                let syn::ImplItem::Fn(f) = impl_item else {
                    continue;
                };
                if f.sig.ident != field_name.as_str() {
                    continue;
                }
                ReplaceType {
                    from: from.clone(),
                    to: &bounded,
                    count: 0,
                }
                .visit_generics_mut(&mut f.sig.generics);
                let where_clause = f.sig.generics.make_where_clause();
                where_clause
                    .predicates
                    .push(syn::parse_quote!(V::Error: ::std::fmt::Display));
                let message = format!("{field_name}: {{e}}");
                let field_ident = format_ident!("{field_name}");
                f.block = syn::parse_quote!({
                    self.#field_ident = value.try_into().map(Some).map_err(|e| format!(#message));
                    self
                });
                done += 1;
            }
        }
    }
    if done != params.len() {
        return Err(format!(
            "{} of {} limited parameters got a checked setter",
            done,
            params.len()
        ));
    }
    Ok(done)
}

/// The self type's last identifier, generics ignored (`ListVpnConnections<'a>` -> `ListVpnConnections`).
fn impl_target_any(item: &syn::ItemImpl) -> Option<String> {
    let Type::Path(tp) = &*item.self_ty else {
        return None;
    };
    tp.path.segments.last().map(|s| s.ident.to_string())
}

// ---------------------------------------------------------------------------------------------
// 11. No builders for answers

/// Removes the typify builder of every struct only answers hold ([`holders::Holders`]): the
/// builder struct and its impls in `types::builder`, and the type's `builder()`. Returns the
/// types that lost their builder.
pub(crate) fn answer_builders(
    items: &mut Vec<Item>,
    holders: &holders::Holders,
) -> Result<Vec<String>, String> {
    let only_builder_fn = |imp: &syn::ItemImpl| {
        imp.trait_.is_none()
            && imp.items.len() == 1
            && matches!(&imp.items[0], syn::ImplItem::Fn(f) if f.sig.ident == "builder")
    };
    let answers: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp) if only_builder_fn(imp) => impl_target_any(imp),
            _ => None,
        })
        .filter(|name| holders.answers.contains(name) && !holders.requests.contains(name))
        .collect();
    if answers.is_empty() {
        return Ok(Vec::new());
    }
    items.retain(|item| {
        !matches!(item, Item::Impl(imp)
            if only_builder_fn(imp) && impl_target_any(imp).is_some_and(|n| answers.contains(&n)))
    });
    let builders = items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
            _ => None,
        })
        .ok_or("the `types` module has no `builder` module")?;
    builders.1.retain(|item| match item {
        Item::Struct(s) => !answers.contains(&s.ident.to_string()),
        Item::Impl(imp) => !impl_target_any(imp).is_some_and(|n| answers.contains(&n)),
        _ => true,
    });
    Ok(answers.into_iter().collect())
}

mod call_support;
mod encoders;
mod holders;
mod request_decoding;
mod struct_decoders;
pub(crate) use struct_decoders::one_field_per_line;
#[cfg(test)]
mod tests;

// ---------------------------------------------------------------------------------------------
// 10. Path segments

/// Rewrites progenitor's `encode_path(&name.to_string())` (inside the `format!` that builds a
/// URL) into `encode_path(&check("name", name.to_string())?)`; returns how many.
///
/// The arguments of a macro are tokens, not expressions, so the rewrite is on tokens: an
/// `encode_path` identifier followed by a parenthesised `& <ident> . to_string ()`.
pub(crate) fn checked_path_segments(file: &mut File, support: &Support) -> usize {
    struct Segments<'a> {
        check: &'a TokenStream,
        count: usize,
    }
    impl Segments<'_> {
        fn rewrite(&mut self, tokens: TokenStream) -> TokenStream {
            use proc_macro2::{Delimiter, Group, TokenTree};
            let mut out = Vec::new();
            let mut iter = tokens.into_iter().peekable();
            while let Some(tree) = iter.next() {
                match tree {
                    TokenTree::Ident(ident) if ident == "encode_path" => {
                        out.push(TokenTree::Ident(ident));
                        if let Some(TokenTree::Group(group)) = iter.peek()
                            && group.delimiter() == Delimiter::Parenthesis
                            && let Ok(Expr::Reference(reference)) =
                                syn::parse2::<Expr>(group.stream())
                            && let Expr::MethodCall(call) = &*reference.expr
                            && call.method == "to_string"
                            && call.args.is_empty()
                            && let Some(name) = path_tail(&call.receiver)
                        {
                            let check = self.check;
                            let literal = name.to_string();
                            let value = &call.receiver;
                            let checked = quote!(&#check(#literal, #value.to_string())?);
                            let span = group.span();
                            let mut replaced = Group::new(Delimiter::Parenthesis, checked);
                            replaced.set_span(span);
                            iter.next();
                            out.push(TokenTree::Group(replaced));
                            self.count += 1;
                        }
                    }
                    TokenTree::Group(group) => {
                        let mut inner = Group::new(group.delimiter(), self.rewrite(group.stream()));
                        inner.set_span(group.span());
                        out.push(TokenTree::Group(inner));
                    }
                    other => out.push(other),
                }
            }
            out.into_iter().collect()
        }
    }
    impl VisitMut for Segments<'_> {
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            if mac.path.is_ident("format") {
                let tokens = std::mem::take(&mut mac.tokens);
                mac.tokens = self.rewrite(tokens);
            }
            visit_mut::visit_macro_mut(self, mac);
        }
    }
    let mut segments = Segments {
        check: &support.path_segment_fn,
        count: 0,
    };
    segments.visit_file_mut(file);
    segments.count
}
