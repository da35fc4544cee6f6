//! The public API of a generated module, read from its source with `syn`, and the diff of two.
//!
//! The model holds what a user of the crate can name or observe: the types of `types` (struct
//! fields and their Rust types, enum variants and the wire value each stands for, whether an
//! enum is open), the value checks of constrained newtypes (lengths, pattern), the fields a
//! hand-written `Debug` redacts, the setters of `types::builder` and of the operation builders
//! with their accepted types and whether they must be called, the `Client` methods, what each
//! operation's `send` returns and which request it sends (method, URL template, success codes),
//! and public constants. Each difference is classified under Cargo's SemVer rules.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use serde::Serialize;
use syn::visit::Visit;
use syn::{Fields, ImplItem, Item, Visibility};

use super::Semver;

/// Which part of the module an item lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// `types::X`
    Types,
    /// `types::builder::X`
    TypeBuilder,
    /// `Client::m()`
    Client,
    /// `builder::X` (one per operation)
    OpBuilder,
    /// Module-level items (`BASE_PATH`).
    Module,
}

/// What kind of item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Facet {
    Type,
    Field,
    Variant,
    Check,
    Redaction,
    Setter,
    Method,
    Request,
    Const,
}

type Key = (Scope, String, Option<String>, Facet);

/// The value checks of a constrained string newtype.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    pub min_len: Option<u64>,
    pub max_len: Option<u64>,
    pub pattern: Option<String>,
}

impl Limits {
    /// The parts that differ from `new`, as `at most 64 → 32 chars`.
    fn delta(&self, new: &Limits) -> String {
        let mut parts = Vec::new();
        let n = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "none".into());
        if self.min_len != new.min_len {
            parts.push(format!(
                "minimum length {} → {}",
                n(self.min_len),
                n(new.min_len)
            ));
        }
        if self.max_len != new.max_len {
            parts.push(format!(
                "maximum length {} → {}",
                n(self.max_len),
                n(new.max_len)
            ));
        }
        if self.pattern != new.pattern {
            let p = |v: &Option<String>| {
                v.clone()
                    .map(|p| format!("`{p}`"))
                    .unwrap_or_else(|| "none".into())
            };
            parts.push(format!(
                "pattern {} → {}",
                p(&self.pattern),
                p(&new.pattern)
            ));
        }
        parts.join(", ")
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(n) = self.min_len {
            parts.push(format!("at least {n} chars"));
        }
        if let Some(n) = self.max_len {
            parts.push(format!("at most {n} chars"));
        }
        if let Some(p) = &self.pattern {
            parts.push(format!("pattern {p}"));
        }
        if parts.is_empty() {
            "no check".into()
        } else {
            parts.join(", ")
        }
    }

    /// (tighter somewhere, looser somewhere) going from `self` to `new`.
    fn compare(&self, new: &Limits) -> (bool, bool) {
        let mut tighter = false;
        let mut looser = false;
        match (self.min_len, new.min_len) {
            (None, Some(_)) => tighter = true,
            (Some(_), None) => looser = true,
            (Some(a), Some(b)) if b > a => tighter = true,
            (Some(a), Some(b)) if b < a => looser = true,
            _ => {}
        }
        match (self.max_len, new.max_len) {
            (None, Some(_)) => tighter = true,
            (Some(_), None) => looser = true,
            (Some(a), Some(b)) if b < a => tighter = true,
            (Some(a), Some(b)) if b > a => looser = true,
            _ => {}
        }
        match (&self.pattern, &new.pattern) {
            (None, Some(_)) => tighter = true,
            (Some(_), None) => looser = true,
            (Some(a), Some(b)) if a != b => {
                tighter = true;
                looser = true;
            }
            _ => {}
        }
        (tighter, looser)
    }
}

/// One public item.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    /// What it looks like (a type, a wire value, a setter's accepted type, ...).
    sig: String,
    /// A setter that must be called (its field starts as an error), or a required field.
    required: bool,
    /// The owning type is an enum with an `Unrecognized` variant.
    open_enum: bool,
    /// The owning type is `#[non_exhaustive]`.
    non_exhaustive: bool,
    limits: Option<Limits>,
}

impl Entry {
    fn new(sig: impl Into<String>) -> Entry {
        Entry {
            sig: sig.into(),
            required: false,
            open_enum: false,
            non_exhaustive: false,
            limits: None,
        }
    }
}

/// The public API of one generated module.
#[derive(Clone, Debug, Default)]
pub struct ApiModel {
    entries: BTreeMap<Key, Entry>,
}

/// One difference between two models.
#[derive(Clone, Debug, Serialize)]
pub struct ApiChange {
    /// The item as a path (`types::CreateWidget::psk`, `Client::create_widget()`).
    pub item: String,
    pub scope: Scope,
    pub owner: String,
    pub member: Option<String>,
    pub facet: Facet,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
    pub level: Semver,
    pub reason: String,
}

fn compact(tokens: impl ToTokens) -> String {
    let text = tokens.to_token_stream().to_string();
    let mut out = text
        .replace(' ', "")
        .replace("::std::option::", "")
        .replace("::std::vec::", "")
        .replace("::std::string::", "")
        .replace("::std::convert::", "")
        .replace("std::convert::", "")
        .replace("::std::collections::", "")
        .replace("::std::num::", "")
        .replace(',', ", ");
    if out.starts_with("::") {
        out = out[2..].to_string();
    }
    out
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn has_attr(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(name))
}

/// The last path segment of a type (`X` for `X<'a>`, `Foo` for `::a::Foo`).
fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        other => compact(other),
    }
}

fn trait_name(i: &syn::ItemImpl) -> Option<String> {
    i.trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last().map(|s| s.ident.to_string()))
}

impl ApiModel {
    /// Reads a generated module's source.
    pub fn extract(source: &str) -> Result<ApiModel, String> {
        let file = syn::parse_file(source).map_err(|e| format!("not Rust: {e}"))?;
        let mut model = ApiModel::default();
        for item in &file.items {
            match item {
                Item::Mod(m) if m.ident == "types" => {
                    if let Some((_, items)) = &m.content {
                        model.types_mod(items);
                    }
                }
                Item::Mod(m) if m.ident == "builder" => {
                    if let Some((_, items)) = &m.content {
                        model.builders(items, Scope::OpBuilder);
                    }
                }
                Item::Impl(i) if i.trait_.is_none() && type_name(&i.self_ty) == "Client" => {
                    for f in &i.items {
                        if let ImplItem::Fn(f) = f
                            && is_pub(&f.vis)
                            && f.sig.ident != "new"
                            && f.sig.ident != "new_with_client"
                        {
                            let ret = match &f.sig.output {
                                syn::ReturnType::Default => "()".to_string(),
                                syn::ReturnType::Type(_, t) => compact(t),
                            };
                            model.insert(
                                Scope::Client,
                                "Client",
                                Some(f.sig.ident.to_string()),
                                Facet::Method,
                                Entry::new(ret),
                            );
                        }
                    }
                }
                // `OPERATIONS` restates the spec's operations as data: each change to it is
                // already reported as the change of the operation it comes from.
                Item::Const(c) if is_pub(&c.vis) && c.ident != "OPERATIONS" => {
                    model.insert(
                        Scope::Module,
                        &c.ident.to_string(),
                        None,
                        Facet::Const,
                        Entry::new(compact(&c.expr)),
                    );
                }
                _ => {}
            }
        }
        Ok(model)
    }

    fn insert(
        &mut self,
        scope: Scope,
        owner: &str,
        member: Option<String>,
        facet: Facet,
        entry: Entry,
    ) {
        self.entries
            .insert((scope, owner.to_string(), member, facet), entry);
    }

    fn types_mod(&mut self, items: &[Item]) {
        let mut newtypes = BTreeSet::new();
        let mut enums: BTreeMap<String, (bool, bool)> = BTreeMap::new();
        for item in items {
            match item {
                Item::Struct(s) if is_pub(&s.vis) => {
                    let name = s.ident.to_string();
                    let non_exhaustive = has_attr(&s.attrs, "non_exhaustive");
                    match &s.fields {
                        Fields::Named(fields) => {
                            let mut e = Entry::new("struct");
                            e.non_exhaustive = non_exhaustive;
                            self.insert(Scope::Types, &name, None, Facet::Type, e);
                            for f in &fields.named {
                                if !is_pub(&f.vis) {
                                    continue;
                                }
                                let ty = compact(&f.ty);
                                let mut e = Entry::new(ty.clone());
                                e.required = !ty.starts_with("Option<");
                                e.non_exhaustive = non_exhaustive;
                                let field = f.ident.as_ref().map(ToString::to_string);
                                self.insert(Scope::Types, &name, field, Facet::Field, e);
                            }
                        }
                        Fields::Unnamed(fields) => {
                            let inner: Vec<String> =
                                fields.unnamed.iter().map(|f| compact(&f.ty)).collect();
                            newtypes.insert(name.clone());
                            self.insert(
                                Scope::Types,
                                &name,
                                None,
                                Facet::Type,
                                Entry::new(format!("struct({})", inner.join(", "))),
                            );
                        }
                        Fields::Unit => {
                            self.insert(
                                Scope::Types,
                                &name,
                                None,
                                Facet::Type,
                                Entry::new("unit struct"),
                            );
                        }
                    }
                }
                Item::Enum(e) if is_pub(&e.vis) => {
                    let name = e.ident.to_string();
                    let open = e.variants.iter().any(|v| v.ident == "Unrecognized");
                    let non_exhaustive = has_attr(&e.attrs, "non_exhaustive");
                    enums.insert(name.clone(), (open, non_exhaustive));
                    let mut entry = Entry::new(if open { "enum (open)" } else { "enum" });
                    entry.non_exhaustive = non_exhaustive;
                    entry.open_enum = open;
                    self.insert(Scope::Types, &name, None, Facet::Type, entry);
                    for v in &e.variants {
                        let sig = match &v.fields {
                            Fields::Unit => {
                                serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string())
                            }
                            other if v.ident == "Unrecognized" => {
                                format!("any other value {}", compact(other))
                            }
                            other => compact(other),
                        };
                        let mut entry = Entry::new(sig);
                        entry.open_enum = open;
                        entry.non_exhaustive = non_exhaustive;
                        self.insert(
                            Scope::Types,
                            &name,
                            Some(v.ident.to_string()),
                            Facet::Variant,
                            entry,
                        );
                    }
                }
                _ => {}
            }
        }
        for item in items {
            match item {
                Item::Impl(i) => {
                    let owner = type_name(&i.self_ty);
                    match trait_name(i).as_deref() {
                        Some("FromStr") if newtypes.contains(&owner) => {
                            let mut v = LimitsVisitor::default();
                            v.visit_item_impl(i);
                            let mut e = Entry::new(v.limits.describe());
                            e.limits = Some(v.limits);
                            self.insert(Scope::Types, &owner, None, Facet::Check, e);
                        }
                        Some("FromStr") if enums.contains_key(&owner) => {
                            // The wire value of each variant, as the generated parser reads it.
                            let mut v = ArmsVisitor::default();
                            v.visit_item_impl(i);
                            for (value, variant) in v.arms {
                                let key =
                                    (Scope::Types, owner.clone(), Some(variant), Facet::Variant);
                                if let Some(entry) = self.entries.get_mut(&key) {
                                    entry.sig = value;
                                }
                            }
                        }
                        Some("Debug") => {
                            let mut v = RedactVisitor::default();
                            v.visit_item_impl(i);
                            for field in v.fields {
                                self.insert(
                                    Scope::Types,
                                    &owner,
                                    Some(field),
                                    Facet::Redaction,
                                    Entry::new("redacted"),
                                );
                            }
                        }
                        _ => {}
                    }
                }
                Item::Mod(m) if m.ident == "builder" => {
                    if let Some((_, items)) = &m.content {
                        self.builders(items, Scope::TypeBuilder);
                    }
                }
                _ => {}
            }
        }
    }

    /// Builders: `types::builder::X` (struct builders) or `builder::X` (one per operation).
    fn builders(&mut self, items: &[Item], scope: Scope) {
        // Fields that start as an error must be set (`new()` / `Default::default()`).
        let mut required: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for item in items {
            if let Item::Impl(i) = item {
                let owner = type_name(&i.self_ty);
                for f in &i.items {
                    if let ImplItem::Fn(f) = f
                        && (f.sig.ident == "new" || f.sig.ident == "default")
                    {
                        let mut v = InitVisitor::default();
                        v.visit_block(&f.block);
                        required
                            .entry(owner.clone())
                            .or_default()
                            .extend(v.required);
                    }
                }
            }
        }
        for item in items {
            match item {
                Item::Struct(s) if is_pub(&s.vis) && scope == Scope::OpBuilder => {
                    self.insert(
                        scope,
                        &s.ident.to_string(),
                        None,
                        Facet::Type,
                        Entry::new("operation builder"),
                    );
                }
                Item::Impl(i) if i.trait_.is_none() => {
                    let owner = type_name(&i.self_ty);
                    for f in &i.items {
                        let ImplItem::Fn(f) = f else { continue };
                        if !is_pub(&f.vis) || f.sig.ident == "new" {
                            continue;
                        }
                        let name = f.sig.ident.to_string();
                        if name == "send" {
                            let ret = match &f.sig.output {
                                syn::ReturnType::Default => "()".to_string(),
                                syn::ReturnType::Type(_, t) => compact(t),
                            };
                            self.insert(
                                scope,
                                &owner,
                                Some(name.clone()),
                                Facet::Method,
                                Entry::new(ret),
                            );
                            let mut v = SendVisitor::default();
                            v.visit_block(&f.block);
                            let sig = format!(
                                "{} {} → {}",
                                v.method.to_uppercase(),
                                v.url,
                                if v.codes.is_empty() {
                                    "no success code".into()
                                } else {
                                    v.codes.join(", ")
                                }
                            );
                            self.insert(scope, &owner, Some(name), Facet::Request, Entry::new(sig));
                            continue;
                        }
                        let mut e = Entry::new(setter_sig(&f.sig));
                        e.required = required.get(&owner).is_some_and(|r| r.contains(&name));
                        self.insert(scope, &owner, Some(name), Facet::Setter, e);
                    }
                }
                _ => {}
            }
        }
    }
}

/// A setter's accepted type: the target of its `TryInto` bound, or its whole where-clause.
fn setter_sig(sig: &syn::Signature) -> String {
    if let Some(wc) = &sig.generics.where_clause {
        for p in &wc.predicates {
            if let syn::WherePredicate::Type(pt) = p {
                for b in &pt.bounds {
                    let text = compact(b);
                    if let Some(rest) = text.strip_prefix("TryInto<") {
                        return format!("impl TryInto<{rest}");
                    }
                }
            }
        }
        return compact(wc);
    }
    compact(&sig.inputs)
}

fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    for a in attrs {
        if a.path().is_ident("serde") {
            let text = a.to_token_stream().to_string();
            if let Some(rest) = text.split("rename = \"").nth(1) {
                return rest.split('"').next().map(str::to_string);
            }
        }
    }
    None
}

#[derive(Default)]
struct LimitsVisitor {
    limits: Limits,
}

impl<'ast> Visit<'ast> for LimitsVisitor {
    fn visit_expr_binary(&mut self, e: &'ast syn::ExprBinary) {
        let left = e.left.to_token_stream().to_string();
        if left.contains("count") {
            let right = e.right.to_token_stream().to_string();
            let n: Option<u64> = right.trim_end_matches("usize").trim().parse().ok();
            match e.op {
                syn::BinOp::Gt(_) => self.limits.max_len = n,
                syn::BinOp::Lt(_) => self.limits.min_len = n,
                _ => {}
            }
        }
        syn::visit::visit_expr_binary(self, e);
    }

    /// The spec's pattern as the check's error message quotes it (the check itself runs the
    /// pattern as carried over to an automaton, which may read differently: see `patterns`).
    fn visit_lit_str(&mut self, s: &'ast syn::LitStr) {
        if let Some(quoted) = s
            .value()
            .strip_prefix("doesn't match pattern \"")
            .and_then(|rest| rest.strip_suffix('"'))
        {
            self.limits.pattern = Some(quoted.to_string());
        }
    }
}

#[derive(Default)]
struct ArmsVisitor {
    /// (wire value, variant)
    arms: Vec<(String, String)>,
}

impl<'ast> Visit<'ast> for ArmsVisitor {
    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        let pat = arm.pat.to_token_stream().to_string();
        let body = arm.body.to_token_stream().to_string();
        if pat.starts_with('"')
            && let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(&pat)
            && let Some(rest) = body.split("Self :: ").nth(1)
        {
            let variant: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            self.arms.push((s.value(), variant));
        }
        syn::visit::visit_arm(self, arm);
    }
}

#[derive(Default)]
struct RedactVisitor {
    fields: Vec<String>,
}

impl<'ast> Visit<'ast> for RedactVisitor {
    fn visit_expr_method_call(&mut self, e: &'ast syn::ExprMethodCall) {
        if e.method == "field"
            && e.args.len() == 2
            && let Some(syn::Expr::Lit(lit)) = e.args.first()
            && let syn::Lit::Str(s) = &lit.lit
            && e.args[1].to_token_stream().to_string().contains("REDACTED")
        {
            self.fields.push(s.value());
        }
        syn::visit::visit_expr_method_call(self, e);
    }
}

#[derive(Default)]
struct InitVisitor {
    required: Vec<String>,
}

impl<'ast> Visit<'ast> for InitVisitor {
    fn visit_expr_struct(&mut self, e: &'ast syn::ExprStruct) {
        for fv in &e.fields {
            let expr = fv.expr.to_token_stream().to_string();
            if expr.starts_with("Err (") || expr.starts_with("Err(") {
                self.required.push(fv.member.to_token_stream().to_string());
            }
        }
        syn::visit::visit_expr_struct(self, e);
    }
}

#[derive(Default)]
struct SendVisitor {
    method: String,
    url: String,
    codes: Vec<String>,
}

impl<'ast> Visit<'ast> for SendVisitor {
    fn visit_expr_method_call(&mut self, e: &'ast syn::ExprMethodCall) {
        let m = e.method.to_string();
        if ["get", "post", "put", "delete", "patch", "head", "options"].contains(&m.as_str())
            && e.receiver
                .to_token_stream()
                .to_string()
                .ends_with("client . client")
        {
            self.method = m;
        }
        syn::visit::visit_expr_method_call(self, e);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if m.path.is_ident("format") && self.url.is_empty() {
            let tokens = m.tokens.to_string();
            if let Some(first) = tokens.split(',').next()
                && let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(first.trim())
            {
                self.url = s.value();
            }
        }
        syn::visit::visit_macro(self, m);
    }

    /// The success status of `crate::runtime::respond(client, request, "id", 201u16)`, the call
    /// every generated `send()` ends with (xtask's pass 13).
    fn visit_expr_call(&mut self, e: &'ast syn::ExprCall) {
        if let syn::Expr::Path(callee) = &*e.func
            && callee
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "respond" || s.ident == "respond_empty")
            && let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(status),
                ..
            })) = e.args.iter().nth(3)
        {
            self.codes.push(status.base10_digits().to_string());
        }
        syn::visit::visit_expr_call(self, e);
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        let pat = arm.pat.to_token_stream().to_string();
        let body = arm.body.to_token_stream().to_string();
        if let Some(code) = pat.strip_suffix("u16")
            && code.chars().all(|c| c.is_ascii_digit())
            && !body.starts_with("Err")
        {
            self.codes.push(code.to_string());
        }
        syn::visit::visit_arm(self, arm);
    }
}

fn item_path(scope: Scope, owner: &str, member: Option<&str>, facet: Facet) -> String {
    let base = match scope {
        Scope::Types => format!("types::{owner}"),
        Scope::TypeBuilder => format!("types::builder::{owner}"),
        Scope::Client => "Client".to_string(),
        Scope::OpBuilder => format!("builder::{owner}"),
        Scope::Module => owner.to_string(),
    };
    match (member, facet) {
        (None, Facet::Check) => format!("{base} value check"),
        (None, _) => base,
        (Some(m), Facet::Setter | Facet::Method) => format!("{base}::{m}()"),
        (Some(m), Facet::Request) => format!("{base}::{m}() (request sent)"),
        (Some(m), Facet::Redaction) => format!("{base}::{m} (Debug)"),
        (Some(m), _) => format!("{base}::{m}"),
    }
}

/// The differences between two models, sorted by item. Members of a type or an operation
/// builder that was added or removed as a whole are not listed separately.
pub fn diff(old: &ApiModel, new: &ApiModel) -> Vec<ApiChange> {
    let keys: BTreeSet<&Key> = old.entries.keys().chain(new.entries.keys()).collect();
    // Owners added or removed as a whole (their Type entry).
    let whole = |scope: Scope, owner: &str| -> bool {
        let (scope, owner) = match scope {
            Scope::TypeBuilder => (Scope::Types, owner),
            other => (other, owner),
        };
        let key = (scope, owner.to_string(), None, Facet::Type);
        old.entries.contains_key(&key) != new.entries.contains_key(&key)
    };
    let mut out = Vec::new();
    for key in keys {
        let (scope, owner, member, facet) = key;
        let (o, n) = (old.entries.get(key), new.entries.get(key));
        if o == n {
            continue;
        }
        if (member.is_some() || *facet == Facet::Check) && whole(*scope, owner) {
            continue;
        }
        if *scope == Scope::TypeBuilder && whole(Scope::Types, owner) {
            continue;
        }
        let item = item_path(*scope, owner, member.as_deref(), *facet);
        let Some((change, level, reason)) = classify(&item, *facet, o, n) else {
            continue;
        };
        out.push(ApiChange {
            item,
            scope: *scope,
            owner: owner.clone(),
            member: member.clone(),
            facet: *facet,
            change,
            old: o.map(|e| e.sig.clone()),
            new: n.map(|e| e.sig.clone()),
            level,
            reason,
        });
    }
    out.sort_by(|a, b| a.item.cmp(&b.item).then(a.facet.cmp(&b.facet)));
    out
}

fn classify(
    item: &str,
    facet: Facet,
    o: Option<&Entry>,
    n: Option<&Entry>,
) -> Option<(&'static str, Semver, String)> {
    use Semver::*;
    Some(match (o, n) {
        (None, None) => return None,
        (Some(o), None) => {
            let (level, reason) = match facet {
                Facet::Check => (
                    Minor,
                    format!(
                        "`{item}` removed: `{}` is no longer enforced, more values are accepted",
                        o.sig
                    ),
                ),
                Facet::Redaction => (
                    Patch,
                    format!("`{item}`: `Debug` now prints this field (no longer redacted)"),
                ),
                Facet::Request => return None,
                Facet::Field => (
                    Major,
                    format!("field `{item}` removed: code that reads or sets it stops compiling"),
                ),
                Facet::Variant => (
                    Major,
                    format!("variant `{item}` removed: code that names it stops compiling"),
                ),
                Facet::Setter => (
                    Major,
                    format!("builder method `{item}` removed: code that calls it stops compiling"),
                ),
                Facet::Method => (
                    Major,
                    format!("method `{item}` removed: code that calls it stops compiling"),
                ),
                Facet::Type => (
                    Major,
                    format!("type `{item}` removed: code that names it stops compiling"),
                ),
                Facet::Const => (
                    Major,
                    format!("constant `{item}` removed: code that names it stops compiling"),
                ),
            };
            ("removed", level, reason)
        }
        (None, Some(n)) => {
            let (level, reason) = match facet {
                Facet::Type => (Minor, format!("new type `{item}`")),
                Facet::Field if n.non_exhaustive => (
                    Minor,
                    format!("new field `{item}` (the struct is #[non_exhaustive])"),
                ),
                Facet::Field if n.required => (
                    Major,
                    format!(
                        "new required field `{item}` (`{}`): struct literals stop compiling and its builder fails unless it is set",
                        n.sig
                    ),
                ),
                Facet::Field => (
                    Major,
                    format!(
                        "new field `{item}` (`{}`): struct literals of the type stop compiling (it is not #[non_exhaustive])",
                        n.sig
                    ),
                ),
                Facet::Variant if n.non_exhaustive => (
                    Minor,
                    format!("new variant `{item}` (the enum is #[non_exhaustive])"),
                ),
                Facet::Variant if n.open_enum => (
                    Major,
                    format!(
                        "new variant `{item}` for `{}`: exhaustive `match`es stop compiling (not #[non_exhaustive]); older crate versions read the value as `Unrecognized`",
                        n.sig
                    ),
                ),
                Facet::Variant => (
                    Major,
                    format!(
                        "new variant `{item}` for `{}`: exhaustive `match`es stop compiling (not #[non_exhaustive])",
                        n.sig
                    ),
                ),
                Facet::Setter if n.required => (
                    Major,
                    format!(
                        "new required builder input `{item}`: calls that do not set it now fail"
                    ),
                ),
                Facet::Setter => (Minor, format!("new builder method `{item}` (optional)")),
                Facet::Method => (Minor, format!("new method `{item}`")),
                Facet::Const => (Minor, format!("new constant `{item}`")),
                Facet::Check => (
                    Major,
                    format!(
                        "`{item}` now checks `{}`: values accepted before may be rejected",
                        n.sig
                    ),
                ),
                Facet::Redaction => (Patch, format!("`{item}`: `Debug` now redacts this field")),
                Facet::Request => return None,
            };
            ("added", level, reason)
        }
        (Some(o), Some(n)) => {
            let (level, reason) = match facet {
                Facet::Check => {
                    let (ol, nl) = (
                        o.limits.clone().unwrap_or_default(),
                        n.limits.clone().unwrap_or_default(),
                    );
                    let delta = ol.delta(&nl);
                    match ol.compare(&nl) {
                        (true, _) => (
                            Major,
                            format!(
                                "`{item}`: {delta}; values accepted before may now be rejected at run time"
                            ),
                        ),
                        (false, true) => (
                            Minor,
                            format!("`{item}`: {delta}; more values are accepted"),
                        ),
                        (false, false) => (Patch, format!("`{item}`: {delta}")),
                    }
                }
                Facet::Setter if o.sig == n.sig && n.required => (
                    Major,
                    format!(
                        "builder method `{item}` must now be called: calls that leave it out fail"
                    ),
                ),
                Facet::Setter if o.sig == n.sig => {
                    (Minor, format!("builder method `{item}` is now optional"))
                }
                Facet::Setter => (
                    Major,
                    format!(
                        "builder method `{item}` now takes `{}` (was `{}`): calls with the old type stop compiling",
                        n.sig, o.sig
                    ),
                ),
                Facet::Field => (
                    Major,
                    format!(
                        "field `{item}` changed type `{}` → `{}`: code that reads or sets it stops compiling",
                        o.sig, n.sig
                    ),
                ),
                Facet::Variant => (
                    Major,
                    format!(
                        "variant `{item}` now stands for `{}` (was `{}`)",
                        n.sig, o.sig
                    ),
                ),
                Facet::Type if o.sig == n.sig => {
                    (Major, format!("`{item}` changed #[non_exhaustive]"))
                }
                Facet::Type => (
                    Major,
                    format!("`{item}` changed from {} to {}", o.sig, n.sig),
                ),
                Facet::Method => (
                    Major,
                    format!(
                        "`{item}` now returns `{}` (was `{}`): code that uses the result may stop compiling",
                        n.sig, o.sig
                    ),
                ),
                Facet::Request => (
                    Patch,
                    format!(
                        "`{}` now sends `{}` (was `{}`); signatures unchanged",
                        item.trim_end_matches(" (request sent)"),
                        n.sig,
                        o.sig
                    ),
                ),
                Facet::Const => (
                    Patch,
                    format!("`{item}` is now `{}` (was `{}`)", n.sig, o.sig),
                ),
                Facet::Redaction => return None,
            };
            ("changed", level, reason)
        }
    })
}
