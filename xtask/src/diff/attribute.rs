//! Tracing spec changes to the generated-API changes they produced.
//!
//! The walker gives every change anchors built with typify's and progenitor's naming rules
//! (schema `CreateWidget` → `types::CreateWidget`, its property `psk` → field `psk` and the
//! constrained newtype `types::CreateWidgetPsk`; operation `CreateWidget` → `Client::create_widget`
//! and `builder::CreateWidget`). A spec change's semver level is the highest level among the
//! generated-API changes its anchors match; the levels come from the generated code of both
//! sides ([`super::api`]), not from the spec. A spec change that matches none is a patch:
//! no public item of the generated code changed for it.

use super::api::{ApiChange, Facet, Scope};
use super::{Change, Kind, Semver};

/// A name in the generated code that a spec change may have touched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// `types::X` and `types::builder::X`, every member.
    Type(String),
    /// Types typify names after a parent (inline objects, constrained newtypes, item types).
    TypePrefix(String),
    /// One member (field, variant, setter) of `types::X` or `types::builder::X`.
    TypeMember(String, String),
    /// An operation: `Client::snake` and everything of `builder::Pascal`.
    Op(String, String),
    /// One member of `builder::Pascal` (a parameter's setter, `body`, `send`).
    OpMember(String, String),
    /// Every generated item (a spec file added or removed).
    Everything,
}

fn same_member(a: &str, b: &str) -> bool {
    a.trim_end_matches('_') == b.trim_end_matches('_')
}

impl Anchor {
    fn matches(&self, c: &ApiChange) -> bool {
        let in_types = matches!(c.scope, Scope::Types | Scope::TypeBuilder);
        match self {
            Anchor::Everything => true,
            Anchor::Type(name) => in_types && &c.owner == name,
            Anchor::TypePrefix(prefix) => in_types && c.owner.starts_with(prefix.as_str()),
            Anchor::TypeMember(owner, member) => {
                in_types
                    && &c.owner == owner
                    && c.member.as_deref().is_some_and(|m| same_member(m, member))
            }
            Anchor::Op(pascal, snake) => match c.scope {
                Scope::Client => c.member.as_deref().is_some_and(|m| same_member(m, snake)),
                Scope::OpBuilder => &c.owner == pascal,
                _ => false,
            },
            Anchor::OpMember(pascal, member) => {
                c.scope == Scope::OpBuilder
                    && &c.owner == pascal
                    && c.member.as_deref().is_some_and(|m| same_member(m, member))
            }
        }
    }
}

/// Fills in each change's Rust verdict. `known` is an error when the generated code of a side
/// could not be produced.
pub(crate) fn attribute(changes: &mut [Change], api: &[ApiChange], known: Result<(), String>) {
    for change in changes.iter_mut() {
        if let Err(why) = &known {
            change.rust = None;
            change.rust_reason = format!("unknown: {why}");
            continue;
        }
        let mut hits: Vec<&ApiChange> = api
            .iter()
            .filter(|a| change.anchors.iter().any(|anchor| anchor.matches(a)))
            .filter(|a| can_cause(change.kind, a.facet))
            .collect();
        // Highest level first, then in item order (the API list is sorted).
        hits.sort_by_key(|a| std::cmp::Reverse(a.level));
        change.rust_items = {
            let mut items: Vec<String> = hits.iter().map(|a| a.item.clone()).collect();
            items.sort();
            items.dedup();
            items
        };
        match hits.first() {
            Some(top) => {
                change.rust = Some(top.level);
                let more = hits.len() - 1;
                change.rust_reason = if more == 0 {
                    top.reason.clone()
                } else {
                    format!(
                        "{} (+{more} more generated-API change{})",
                        top.reason,
                        if more == 1 { "" } else { "s" }
                    )
                };
            }
            None => {
                change.rust = Some(Semver::Patch);
                change.rust_reason = "no public item of the generated code changes for it".into();
            }
        }
    }
}

/// Whether a spec change of `kind` can be what changed a generated item's `facet`. Two
/// changes on one member (a parameter's maximum and its default) share their anchors; this
/// keeps each to the generated changes it can cause, so each gets its own verdict: a new
/// default or example changes no signature, a secret flag only the `Debug` redaction.
fn can_cause(kind: Kind, facet: Facet) -> bool {
    let signature = matches!(
        facet,
        Facet::Type | Facet::Field | Facet::Setter | Facet::Check | Facet::Variant
    );
    match kind {
        Kind::SecretAdded | Kind::SecretRemoved => facet == Facet::Redaction,
        Kind::ExampleChanged => false,
        Kind::DefaultChanged => !signature && facet != Facet::Redaction,
        _ => facet != Facet::Redaction,
    }
}
