//! Which generated types the API's answers hold and which its requests hold, read off
//! progenitor's output (so inline schemas typify names, such as a field's bounded string or a
//! nested object, count with their holder).
//!
//! Why: two passes act on it. Types only answers hold lose their typify builder (pass 11), and
//! types no answer holds decode from JSON only with the client's tools feature (pass 12). An
//! answer's roots are the `types::X` inside a `ResponseValue<...>` or an `Error<...>` outside
//! the `types` module (what `send()` returns, success or error body); a request's are every
//! other `types::...` path there (bodies and their builders, parameters). Each set then follows
//! the fields' types.

use std::collections::{BTreeMap, BTreeSet};

use syn::visit::{self, Visit};
use syn::{File, Item};

/// The types of a module's `types` that answers hold and that requests hold (a type can be in
/// both, or in neither).
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Holders {
    pub answers: BTreeSet<String>,
    pub requests: BTreeSet<String>,
    /// Every struct and enum of `types`.
    pub all: BTreeSet<String>,
}

impl Holders {
    /// Reads `file`, progenitor's output; an answer or request type that `types` does not
    /// define is an error.
    pub(crate) fn of(file: &File) -> Result<Holders, String> {
        let roots = Roots::of(file);
        let items = file
            .items
            .iter()
            .find_map(|item| match item {
                Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
                _ => None,
            })
            .ok_or("progenitor output has no `types` module")?;
        let fields = field_types(&items.1);
        for root in roots.answers.iter().chain(&roots.requests) {
            if !fields.contains_key(root) {
                return Err(format!(
                    "`types::{root}` is used by an operation but is not a struct or enum of `types`"
                ));
            }
        }
        Ok(Holders {
            answers: closure(&roots.answers, &fields),
            requests: closure(&roots.requests, &fields),
            all: fields.into_keys().collect(),
        })
    }
}

/// The `types::...::X` paths outside the `types` module: inside a `ResponseValue<...>` or an
/// `Error<...>` (an answer), or elsewhere (a request).
#[derive(Default)]
struct Roots {
    inside_answer: usize,
    answers: BTreeSet<String>,
    requests: BTreeSet<String>,
}

impl Roots {
    fn of(file: &File) -> Roots {
        let mut roots = Roots::default();
        roots.visit_file(file);
        roots
    }
}

impl<'ast> Visit<'ast> for Roots {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if m.ident != "types" {
            visit::visit_item_mod(self, m);
        }
    }
    fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
        // `send()` returns `Result<ResponseValue<types::X>, Error<types::E>>`: both are answers.
        let response = segment.ident == "ResponseValue" || segment.ident == "Error";
        self.inside_answer += usize::from(response);
        visit::visit_path_segment(self, segment);
        self.inside_answer -= usize::from(response);
    }
    fn visit_path(&mut self, path: &'ast syn::Path) {
        // `types::X`, `types::X::try_from`, `types::builder::X`: the type is `X`.
        let named = |i: usize| path.segments.get(i).map(|s| &s.ident);
        let ty = match (named(0), named(1)) {
            (Some(types), Some(builder)) if types == "types" && builder == "builder" => named(2),
            (Some(types), ty) if types == "types" => ty,
            _ => None,
        };
        if let Some(ty) = ty {
            let name = ty.to_string();
            if self.inside_answer > 0 {
                self.answers.insert(name);
            } else {
                self.requests.insert(name);
            }
        }
        visit::visit_path(self, path);
    }
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
