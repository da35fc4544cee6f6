//! The spec walker: every change between two documents, classified for the wire.
//!
//! Operations are matched by `operationId`, then by method and path (so that a renamed
//! `operationId` or a moved path is one change, not a removal and an addition). Component
//! schemas are matched by name and compared once each; a `$ref` is compared by its target's
//! name and not followed (the target's own changes are reported under the target). Inline
//! schemas of parameters and bodies are compared where they are. A one-element `allOf` (the
//! specs' way to put a `default` beside a `$ref`) is read as its element.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToPascalCase, ToSnakeCase};
use serde_json::{Map, Value, json};

use super::attribute::Anchor;
use super::{Change, Direction, Kind, Subject, Wire};
use crate::spec::{self, is_success, join};

/// Every change between `base` and `head`, unsorted, with wire verdicts and anchors (no Rust
/// verdicts yet).
pub(crate) fn compare(base: &Value, head: &Value) -> Vec<Change> {
    let mut w = Walker {
        base,
        head,
        usage: Usage::of(base, head),
        out: Vec::new(),
    };
    w.operations();
    w.schemas();
    w.out
}

/// What a whole spec promises beside its operations: its `servers` and its security schemes.
pub(crate) fn spec_settings(file: &str, base: &Value, head: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    let change =
        |kind: Kind, at: String, detail: String, pointer: &str, wire: Wire, reason: String| {
            Change {
                subject: Subject::Spec(file.to_string()),
                at,
                kind,
                detail,
                pointer: pointer.to_string(),
                direction: Direction::Operation,
                wire,
                wire_reason: reason,
                rust: None,
                rust_reason: String::new(),
                rust_items: Vec::new(),
                anchors: Vec::new(),
            }
        };
    let urls = |doc: &Value| -> BTreeSet<String> {
        doc.get("servers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| s.get("url").and_then(Value::as_str).map(str::to_string))
            .collect()
    };
    let (bu, hu) = (urls(base), urls(head));
    for url in bu.difference(&hu) {
        out.push(change(
            Kind::ServerRemoved,
            format!("server `{url}`"),
            "removed".into(),
            "/servers",
            Wire::BreaksCallers,
            format!("callers configured with `{url}` no longer reach a documented server"),
        ));
    }
    for url in hu.difference(&bu) {
        out.push(change(
            Kind::ServerAdded,
            format!("server `{url}`"),
            "added".into(),
            "/servers",
            Wire::Compatible,
            "a new server: existing callers keep theirs".into(),
        ));
    }
    let empty = Map::new();
    let schemes = |doc: &'_ Value| -> Map<String, Value> {
        doc.pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .unwrap_or(&empty)
            .clone()
    };
    let (bs, hs) = (schemes(base), schemes(head));
    let names: BTreeSet<&String> = bs.keys().chain(hs.keys()).collect();
    for name in names {
        let pointer = join("/components/securitySchemes", name);
        let at = format!("security scheme `{name}`");
        // What a caller must send: the scheme's kind, place and name (not its description).
        let shape = |v: &Value| {
            ["type", "in", "name", "scheme", "bearerFormat"]
                .iter()
                .map(|k| v.get(*k).cloned().unwrap_or(Value::Null))
                .collect::<Vec<_>>()
        };
        match (bs.get(name.as_str()), hs.get(name.as_str())) {
            (Some(_), None) => out.push(change(
                Kind::SecuritySchemeRemoved,
                at,
                "removed".into(),
                &pointer,
                Wire::BreaksCallers,
                format!("callers that authenticate with `{name}` can no longer"),
            )),
            (None, Some(_)) => out.push(change(
                Kind::SecuritySchemeAdded,
                at,
                "added".into(),
                &pointer,
                Wire::Compatible,
                "a new way to authenticate; nothing requires it by being declared".into(),
            )),
            (Some(b), Some(h)) if shape(b) != shape(h) => out.push(change(
                Kind::SecuritySchemeChanged,
                at,
                "what a caller sends changed (type, place, name or scheme)".into(),
                &pointer,
                Wire::BreaksCallersAndServers,
                format!(
                    "callers send `{name}` the old way; servers that predate it read the old way"
                ),
            )),
            _ => {}
        }
    }
    out
}

/// A change about the whole file.
pub(crate) fn spec_level(file: &str, kind: Kind) -> Change {
    let (detail, wire, reason) = match kind {
        Kind::SpecAdded => (
            "new spec file",
            Wire::BreaksServers,
            "a new API: servers that predate it do not serve it",
        ),
        _ => (
            "spec file removed",
            Wire::BreaksCallers,
            "the whole API is gone: callers of any of its operations break",
        ),
    };
    Change {
        subject: Subject::Spec(file.to_string()),
        at: String::new(),
        kind,
        detail: detail.into(),
        pointer: String::new(),
        direction: Direction::Operation,
        wire,
        wire_reason: reason.into(),
        rust: None,
        rust_reason: String::new(),
        rust_items: Vec::new(),
        anchors: vec![Anchor::Everything],
    }
}

/// Which component schemas requests and responses reach, on either side.
struct Usage {
    request: BTreeSet<String>,
    response: BTreeSet<String>,
}

impl Usage {
    fn of(base: &Value, head: &Value) -> Usage {
        let mut request = BTreeSet::new();
        let mut response = BTreeSet::new();
        for doc in [base, head] {
            request.extend(reachable(doc, request_roots(doc)));
            response.extend(crate::transform::response_reachable(doc));
        }
        Usage { request, response }
    }

    fn direction(&self, name: &str) -> Direction {
        match (self.request.contains(name), self.response.contains(name)) {
            (true, true) => Direction::Both,
            (true, false) => Direction::Request,
            (false, true) => Direction::Response,
            (false, false) => Direction::Unused,
        }
    }
}

/// Schemas of parameters and request bodies.
fn request_roots(doc: &Value) -> Vec<&Value> {
    let mut roots = Vec::new();
    for op in spec::operations(doc) {
        for p in params_of(doc, op.path, op.op).into_values() {
            if let Some(s) = p.get("schema") {
                roots.push(s);
            }
        }
        if let Some(body) = op.op.get("requestBody")
            && let Some((body, _)) = spec::deref(doc, body, "")
            && let Some(content) = body.get("content").and_then(Value::as_object)
        {
            roots.extend(content.values().filter_map(|m| m.get("schema")));
        }
    }
    roots
}

/// Component schemas reachable from `roots`, following `$ref`s transitively.
fn reachable<'a>(doc: &'a Value, mut stack: Vec<&'a Value>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(Value::as_str)
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                    && seen.insert(name.to_string())
                    && let Some(target) = spec::resolve(doc, r)
                {
                    stack.push(target);
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    seen
}

/// An operation's parameters (path-level ones first, overridden by the operation's own),
/// resolved, keyed so that path parameters pair up by position in the path template and the
/// others by `in` and `name`.
fn params_of<'a>(
    doc: &'a Value,
    path: &str,
    op: &'a Value,
) -> BTreeMap<(String, String), &'a Value> {
    let mut out = BTreeMap::new();
    let item = doc
        .get("paths")
        .and_then(|p| p.get(path))
        .and_then(|i| i.get("parameters"))
        .and_then(Value::as_array);
    let own = op.get("parameters").and_then(Value::as_array);
    let template: Vec<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .collect();
    for list in [item, own].into_iter().flatten() {
        for p in list {
            let Some((p, _)) = spec::deref(doc, p, "") else {
                continue;
            };
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            let location = p.get("in").and_then(Value::as_str).unwrap_or("");
            let key = if location == "path" {
                match template.iter().position(|t| *t == name) {
                    Some(i) => ("path".to_string(), format!("#{i}")),
                    None => ("path".to_string(), name.to_string()),
                }
            } else {
                (location.to_string(), name.to_string())
            };
            out.insert(key, p);
        }
    }
    out
}

/// A path with its parameter names blanked (`/a/{}`), as the wire sees it.
fn route(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    out.push_str("{}");
                }
            }
            '}' => depth -= 1,
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

#[derive(Clone)]
struct Op<'a> {
    id: String,
    path: String,
    method: &'static str,
    pointer: String,
    op: &'a Value,
}

fn ops(doc: &Value) -> Vec<Op<'_>> {
    spec::operations(doc)
        .into_iter()
        .map(|o| Op {
            id: o
                .op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            path: o.path.to_string(),
            method: o.method,
            pointer: o.pointer,
            op: o.op,
        })
        .collect()
}

/// An operation's name in reports: its `operationId`, or its method and path without one.
fn op_name(op: &Op) -> String {
    if op.id.is_empty() {
        format!("{} {}", op.method.to_uppercase(), op.path)
    } else {
        op.id.clone()
    }
}

/// Where in a subject a schema node sits, for messages and for tracing generated items.
#[derive(Clone)]
struct Ctx {
    subject: Subject,
    /// `request body`, `parameter \`limit\``, ... (empty for a component schema).
    prefix: String,
    /// Property names from the prefix's schema down to this node (`[]` for array items).
    path: Vec<String>,
    direction: Direction,
    base_pointer: String,
    head_pointer: String,
    /// The Rust type typify generates for the prefix's schema (for anchors), if known.
    owner: Option<String>,
    /// Extra anchors every change under this context carries.
    anchors: Vec<Anchor>,
}

impl Ctx {
    fn child(&self, segment: &str, keyword: &str) -> Ctx {
        let mut c = self.clone();
        c.path.push(segment.to_string());
        c.base_pointer = join(&join(&self.base_pointer, keyword), segment);
        c.head_pointer = join(&join(&self.head_pointer, keyword), segment);
        if segment == "[]" || segment == "{}" {
            c.base_pointer = join(&self.base_pointer, keyword);
            c.head_pointer = join(&self.head_pointer, keyword);
        }
        c
    }

    fn at(&self) -> String {
        let field = self.path.iter().fold(String::new(), |mut acc, seg| {
            if seg == "[]" || seg == "{}" {
                acc.push_str(seg);
            } else {
                if !acc.is_empty() {
                    acc.push('.');
                }
                acc.push_str(seg);
            }
            acc
        });
        match (self.prefix.is_empty(), field.is_empty()) {
            (true, true) => String::new(),
            (true, false) => format!("field `{field}`"),
            (false, true) => self.prefix.clone(),
            (false, false) => format!("{} field `{field}`", self.prefix),
        }
    }

    /// How a reason names this node (`request field \`psk\``, `enum \`Shade\``).
    fn what(&self) -> String {
        let field = self.path.iter().rfind(|s| *s != "[]" && *s != "{}");
        let side = match self.direction {
            Direction::Request => "request ",
            Direction::Response => "response ",
            _ => "",
        };
        match field {
            Some(name) => format!("{side}field `{name}`"),
            None if !self.prefix.is_empty() => self.prefix.clone(),
            None => match &self.subject {
                Subject::Schema(name) => format!("`{name}`"),
                other => other.label(),
            },
        }
    }

    /// Anchors for a change at this node: the member of the enclosing generated type and the
    /// types typify names after it.
    fn node_anchors(&self) -> Vec<Anchor> {
        let mut out = self.anchors.clone();
        let Some(owner) = &self.owner else {
            return out;
        };
        let named: Vec<&String> = self
            .path
            .iter()
            .filter(|s| *s != "[]" && *s != "{}")
            .collect();
        match named.split_last() {
            None => out.push(Anchor::Type(owner.clone())),
            Some((last, parents)) => {
                let parent = parents.iter().fold(owner.clone(), |acc, p| {
                    format!("{acc}{}", p.to_pascal_case())
                });
                out.push(Anchor::TypeMember(parent.clone(), last.to_snake_case()));
                out.push(Anchor::TypePrefix(format!(
                    "{parent}{}",
                    last.to_pascal_case()
                )));
            }
        }
        out
    }
}

struct Walker<'a> {
    base: &'a Value,
    head: &'a Value,
    usage: Usage,
    out: Vec<Change>,
}

/// A wire verdict with its reason.
type Verdict = (Wire, String);

impl Walker<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        ctx: &Ctx,
        kind: Kind,
        detail: String,
        removed: bool,
        verdict: Verdict,
        extra_anchors: Vec<Anchor>,
    ) {
        let mut anchors = ctx.node_anchors();
        anchors.extend(extra_anchors);
        self.out.push(Change {
            subject: ctx.subject.clone(),
            at: ctx.at(),
            kind,
            detail,
            pointer: if removed {
                ctx.base_pointer.clone()
            } else {
                ctx.head_pointer.clone()
            },
            direction: ctx.direction,
            wire: verdict.0,
            wire_reason: verdict.1,
            rust: None,
            rust_reason: String::new(),
            rust_items: Vec::new(),
            anchors,
        });
    }

    // ---------------------------------------------------------------- operations

    fn operations(&mut self) {
        let base_ops = ops(self.base);
        let head_ops = ops(self.head);
        let mut pairs: Vec<(Op, Op)> = Vec::new();
        let mut base_left: Vec<Op> = Vec::new();
        let mut head_left: Vec<Op> = head_ops.clone();
        for b in base_ops {
            let by_id = head_left
                .iter()
                .position(|h| !b.id.is_empty() && h.id == b.id);
            match by_id {
                Some(i) => pairs.push((b, head_left.remove(i))),
                None => base_left.push(b),
            }
        }
        let mut removed = Vec::new();
        for b in base_left {
            let by_route = head_left
                .iter()
                .position(|h| h.method == b.method && route(&h.path) == route(&b.path));
            match by_route {
                Some(i) => pairs.push((b, head_left.remove(i))),
                None => removed.push(b),
            }
        }
        for b in removed {
            let ctx = self.op_ctx(&b, &b);
            self.push(
                &ctx,
                Kind::OperationRemoved,
                format!("{} {}", b.method.to_uppercase(), b.path),
                true,
                (
                    Wire::BreaksCallers,
                    format!("operation `{}` removed: its callers get an error", b.id),
                ),
                Vec::new(),
            );
        }
        for h in head_left {
            let ctx = self.op_ctx(&h, &h);
            self.push(
                &ctx,
                Kind::OperationAdded,
                format!("{} {}", h.method.to_uppercase(), h.path),
                false,
                (
                    Wire::BreaksServers,
                    format!(
                        "new operation `{}`: servers that predate it do not serve it",
                        h.id
                    ),
                ),
                Vec::new(),
            );
        }
        for (b, h) in pairs {
            self.operation(&b, &h);
        }
    }

    fn op_ctx(&self, b: &Op, h: &Op) -> Ctx {
        let mut anchors = Vec::new();
        for id in [&b.id, &h.id] {
            anchors.push(Anchor::Op(id.to_pascal_case(), id.to_snake_case()));
        }
        anchors.dedup();
        Ctx {
            subject: Subject::Operation(op_name(h)),
            prefix: String::new(),
            path: Vec::new(),
            direction: Direction::Operation,
            base_pointer: b.pointer.clone(),
            head_pointer: h.pointer.clone(),
            owner: None,
            anchors,
        }
    }

    /// A context for one part of an operation (a parameter, a body), anchored to the builder
    /// member and to the inline types typify names after the operation.
    fn part_ctx(
        &self,
        b: &Op,
        h: &Op,
        prefix: String,
        direction: Direction,
        members: &[&str],
        owner_suffix: &str,
    ) -> Ctx {
        let mut anchors = Vec::new();
        for id in [&b.id, &h.id] {
            for m in members {
                anchors.push(Anchor::OpMember(id.to_pascal_case(), m.to_string()));
            }
        }
        anchors.dedup();
        Ctx {
            subject: Subject::Operation(op_name(h)),
            prefix,
            path: Vec::new(),
            direction,
            base_pointer: b.pointer.clone(),
            head_pointer: h.pointer.clone(),
            owner: Some(format!("{}{owner_suffix}", h.id.to_pascal_case())),
            anchors,
        }
    }

    fn operation(&mut self, b: &Op, h: &Op) {
        let ctx = self.op_ctx(b, h);
        let send = |id: &str| Anchor::OpMember(id.to_pascal_case(), "send".into());
        if b.id != h.id {
            let show = |id: &str| {
                if id.is_empty() {
                    "none".to_string()
                } else {
                    format!("`{id}`")
                }
            };
            self.push(
                &ctx,
                Kind::OperationIdChanged,
                format!("{} → {}", show(&b.id), show(&h.id)),
                false,
                (
                    Wire::Compatible,
                    "the operationId is not on the wire (the generated method is renamed)".into(),
                ),
                Vec::new(),
            );
        }
        if b.method != h.method {
            self.push(
                &ctx,
                Kind::MethodChanged,
                format!("{} → {}", b.method.to_uppercase(), h.method.to_uppercase()),
                false,
                (
                    Wire::BreaksCallersAndServers,
                    "existing callers use the old method; servers that predate it only accept the old one".into(),
                ),
                vec![send(&h.id)],
            );
        }
        if b.path != h.path {
            let verdict = if route(&b.path) == route(&h.path) {
                (
                    Wire::Compatible,
                    "only a path parameter's name changed; the URLs are the same".into(),
                )
            } else {
                (
                    Wire::BreaksCallersAndServers,
                    "existing callers call the old path; servers that predate it only serve the old one".into(),
                )
            };
            self.push(
                &ctx,
                Kind::PathChanged,
                format!("`{}` → `{}`", b.path, h.path),
                false,
                verdict,
                vec![send(&h.id)],
            );
        }
        self.parameters(b, h);
        self.request_body(b, h);
        self.responses(b, h);
        self.security(b, h);
    }

    /// The ways an operation accepts to be authenticated: its `security`, else the spec's.
    /// Each alternative is the set of schemes it needs together.
    fn security_alternatives(doc: &Value, op: &Op) -> BTreeSet<Vec<String>> {
        let list = op
            .op
            .get("security")
            .or_else(|| doc.get("security"))
            .and_then(Value::as_array);
        // `security: []` is one alternative: no authentication.
        if list.is_some_and(|l| l.is_empty()) {
            return BTreeSet::from([Vec::new()]);
        }
        list.into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .map(|alt| {
                let mut names: Vec<String> = alt.keys().cloned().collect();
                names.sort();
                names
            })
            .collect()
    }

    fn security(&mut self, b: &Op, h: &Op) {
        let (ba, ha) = (
            Self::security_alternatives(self.base, b),
            Self::security_alternatives(self.head, h),
        );
        let mut ctx = self.op_ctx(b, h);
        ctx.base_pointer = join(&b.pointer, "security");
        ctx.head_pointer = join(&h.pointer, "security");
        let show = |alt: &Vec<String>| {
            if alt.is_empty() {
                "no authentication".to_string()
            } else {
                alt.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" + ")
            }
        };
        let open = ha.contains(&Vec::new());
        for alt in ba.difference(&ha) {
            let mut c = ctx.clone();
            c.prefix = "security".into();
            let verdict = if open {
                (
                    Wire::Compatible,
                    "the operation needs no authentication now: what callers send is ignored"
                        .into(),
                )
            } else {
                (
                    Wire::BreaksCallers,
                    format!("callers that authenticate with {} are refused", show(alt)),
                )
            };
            self.push(
                &c,
                Kind::SecurityRemoved,
                format!("{} no longer accepted", show(alt)),
                true,
                verdict,
                Vec::new(),
            );
        }
        for alt in ha.difference(&ba) {
            let mut c = ctx.clone();
            c.prefix = "security".into();
            self.push(
                &c,
                Kind::SecurityAdded,
                format!("{} accepted", show(alt)),
                false,
                (
                    Wire::BreaksServers,
                    format!(
                        "callers may now authenticate with {}; servers that predate it refuse them",
                        show(alt)
                    ),
                ),
                Vec::new(),
            );
        }
    }

    fn parameters(&mut self, b: &Op, h: &Op) {
        let base_params = params_of(self.base, &b.path, b.op);
        let head_params = params_of(self.head, &h.path, h.op);
        let keys: BTreeSet<&(String, String)> =
            base_params.keys().chain(head_params.keys()).collect();
        for key in keys {
            let bp = base_params.get(key);
            let hp = head_params.get(key);
            let name_of = |p: &Value| {
                p.get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            let location = &key.0;
            let name = hp.or(bp).map(|p| name_of(p)).unwrap_or_default();
            let members: Vec<String> = [bp, hp]
                .into_iter()
                .flatten()
                .map(|p| name_of(p).to_snake_case())
                .collect();
            let member_refs: Vec<&str> = members.iter().map(String::as_str).collect();
            let mut ctx = self.part_ctx(
                b,
                h,
                format!("{location} parameter `{name}`"),
                Direction::Request,
                &member_refs,
                &name.to_pascal_case(),
            );
            ctx.owner = Some(format!(
                "{}{}",
                h.id.to_pascal_case(),
                name.to_pascal_case()
            ));
            let required = |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(false);
            // The parameter's place in each operation's own list (its name may differ).
            let pointer_of = |doc: &Value, op: &Op, param: Option<&&Value>| {
                let wanted = param.map(|p| name_of(p));
                let i = op
                    .op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .and_then(|l| {
                        l.iter().position(|p| {
                            spec::deref(doc, p, "").is_some_and(|(t, _)| {
                                t.get("name").and_then(Value::as_str) == wanted.as_deref()
                            })
                        })
                    });
                match i {
                    Some(i) => join(&join(&op.pointer, "parameters"), &i.to_string()),
                    None => join(&op.pointer, "parameters"),
                }
            };
            ctx.base_pointer = pointer_of(self.base, b, bp);
            ctx.head_pointer = pointer_of(self.head, h, hp);
            match (bp, hp) {
                (None, Some(p)) => {
                    let verdict = if required(p) {
                        (
                            Wire::BreaksCallers,
                            format!(
                                "new required {location} parameter `{name}`: existing callers do not send it"
                            ),
                        )
                    } else {
                        (
                            Wire::BreaksServers,
                            format!(
                                "new optional {location} parameter `{name}`: servers that predate it ignore or reject it"
                            ),
                        )
                    };
                    let detail = if required(p) {
                        "added (required)"
                    } else {
                        "added (optional)"
                    };
                    self.push(
                        &ctx,
                        Kind::ParameterAdded,
                        detail.into(),
                        false,
                        verdict,
                        Vec::new(),
                    );
                }
                (Some(_), None) => {
                    self.push(
                        &ctx,
                        Kind::ParameterRemoved,
                        "removed".into(),
                        true,
                        (
                            Wire::BreaksCallers,
                            format!("{location} parameter `{name}` removed: callers that send it have it ignored or rejected"),
                        ),
                        Vec::new(),
                    );
                }
                (Some(bp), Some(hp)) => {
                    let (bn, hn) = (name_of(bp), name_of(hp));
                    if bn != hn {
                        self.push(
                            &ctx,
                            Kind::ParameterRenamed,
                            format!("`{bn}` → `{hn}`"),
                            false,
                            (
                                Wire::Compatible,
                                "path parameter names are not on the wire".into(),
                            ),
                            Vec::new(),
                        );
                    }
                    match (required(bp), required(hp)) {
                        (false, true) => self.push(
                            &ctx,
                            Kind::ParameterRequired,
                            "optional → required".into(),
                            false,
                            (
                                Wire::BreaksCallers,
                                format!("{location} parameter `{name}` is now required: existing callers may leave it out"),
                            ),
                            Vec::new(),
                        ),
                        (true, false) => self.push(
                            &ctx,
                            Kind::ParameterOptional,
                            "required → optional".into(),
                            false,
                            (
                                Wire::BreaksServers,
                                format!("{location} parameter `{name}` is now optional: servers that predate it still require it"),
                            ),
                            Vec::new(),
                        ),
                        _ => {}
                    }
                    self.examples(&ctx, bp, hp);
                    match (bp.get("schema"), hp.get("schema")) {
                        (Some(bs), Some(hs)) => {
                            let mut c = ctx.clone();
                            c.base_pointer = join(&ctx.base_pointer, "schema");
                            c.head_pointer = join(&ctx.head_pointer, "schema");
                            self.schema(&c, bs, hs);
                        }
                        (None, None) => {}
                        _ => self.push(
                            &ctx,
                            Kind::TypeChanged,
                            "schema added or removed".into(),
                            false,
                            type_verdict(&ctx, "schema", "content"),
                            Vec::new(),
                        ),
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn request_body(&mut self, b: &Op, h: &Op) {
        let bb =
            b.op.get("requestBody")
                .and_then(|v| spec::deref(self.base, v, ""))
                .map(|(v, _)| v);
        let hb =
            h.op.get("requestBody")
                .and_then(|v| spec::deref(self.head, v, ""))
                .map(|(v, _)| v);
        let mut ctx = self.part_ctx(
            b,
            h,
            "request body".into(),
            Direction::Request,
            &["body", "body_map"],
            "Body",
        );
        ctx.base_pointer = join(&b.pointer, "requestBody");
        ctx.head_pointer = join(&h.pointer, "requestBody");
        let required = |v: &Value| v.get("required").and_then(Value::as_bool).unwrap_or(false);
        match (bb, hb) {
            (None, None) => {}
            (None, Some(hb)) => {
                let verdict = if required(hb) {
                    (
                        Wire::BreaksCallersAndServers,
                        "new required request body: existing callers send none, and servers that predate it take none".into(),
                    )
                } else {
                    (
                        Wire::BreaksServers,
                        "new optional request body: servers that predate it ignore or reject it"
                            .into(),
                    )
                };
                self.push(
                    &ctx,
                    Kind::RequestBodyAdded,
                    body_label(self.head, hb),
                    false,
                    verdict,
                    Vec::new(),
                );
            }
            (Some(bb), None) => {
                let verdict = if required(bb) {
                    (
                        Wire::BreaksCallersAndServers,
                        "request body removed: existing callers still send one, and servers that predate it require one".into(),
                    )
                } else {
                    (
                        Wire::BreaksCallers,
                        "request body removed: existing callers still send one".into(),
                    )
                };
                self.push(
                    &ctx,
                    Kind::RequestBodyRemoved,
                    body_label(self.base, bb),
                    true,
                    verdict,
                    Vec::new(),
                );
            }
            (Some(bb), Some(hb)) => {
                match (required(bb), required(hb)) {
                    (false, true) => self.push(
                        &ctx,
                        Kind::RequestBodyRequired,
                        "optional → required".into(),
                        false,
                        (Wire::BreaksCallers, "the request body is now required: existing callers may send none".into()),
                        Vec::new(),
                    ),
                    (true, false) => self.push(
                        &ctx,
                        Kind::RequestBodyOptional,
                        "required → optional".into(),
                        false,
                        (Wire::BreaksServers, "the request body is now optional: servers that predate it still require one".into()),
                        Vec::new(),
                    ),
                    _ => {}
                }
                self.content(&ctx, bb, hb);
            }
        }
    }

    fn responses(&mut self, b: &Op, h: &Op) {
        let empty = Map::new();
        let br =
            b.op.get("responses")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
        let hr =
            h.op.get("responses")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
        let bs: Vec<&String> = br.keys().filter(|c| is_success(c)).collect();
        let hs: Vec<&String> = hr.keys().filter(|c| is_success(c)).collect();
        let ctx = self.op_ctx(b, h);
        let send = Anchor::OpMember(h.id.to_pascal_case(), "send".into());
        if bs != hs {
            let list = |v: &[&String]| {
                if v.is_empty() {
                    "none".to_string()
                } else {
                    v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                }
            };
            let mut c = ctx.clone();
            c.base_pointer = join(&b.pointer, "responses");
            c.head_pointer = join(&h.pointer, "responses");
            self.push(
                &c,
                Kind::SuccessCodeChanged,
                format!("{} → {}", list(&bs), list(&hs)),
                false,
                (
                    Wire::BreaksCallersAndServers,
                    format!(
                        "callers that expect {} get {} (servers that predate it still answer {})",
                        list(&bs),
                        list(&hs),
                        list(&bs)
                    ),
                ),
                vec![send.clone()],
            );
        }
        // Success bodies: the first success response of each side.
        if let (Some(bc), Some(hc)) = (bs.first(), hs.first()) {
            let prefix = if bc == hc {
                format!("response `{hc}` body")
            } else {
                "success response body".to_string()
            };
            let mut c = self.part_ctx(b, h, prefix, Direction::Response, &["send"], "Response");
            c.base_pointer = join(&join(&b.pointer, "responses"), bc);
            c.head_pointer = join(&join(&h.pointer, "responses"), hc);
            self.headers(&c, &br[bc.as_str()], &hr[hc.as_str()]);
            self.response(&c, &br[bc.as_str()], &hr[hc.as_str()]);
        }
        // Other responses (errors), by code.
        let codes: BTreeSet<&String> = br
            .keys()
            .chain(hr.keys())
            .filter(|c| !is_success(c))
            .collect();
        for code in codes {
            let mut c = self.part_ctx(
                b,
                h,
                format!("response `{code}` body"),
                Direction::Response,
                &["send"],
                "Response",
            );
            c.base_pointer = join(&join(&b.pointer, "responses"), code);
            c.head_pointer = join(&join(&h.pointer, "responses"), code);
            match (br.get(code.as_str()), hr.get(code.as_str())) {
                (Some(bv), Some(hv)) => self.response(&c, bv, hv),
                (None, Some(_)) => {
                    c.prefix = format!("response `{code}`");
                    self.push(
                        &c,
                        Kind::ResponseAdded,
                        "documented".into(),
                        false,
                        (Wire::Compatible, format!("response `{code}` newly documented: callers treat undocumented codes as errors already")),
                        Vec::new(),
                    )
                }
                (Some(_), None) => {
                    c.prefix = format!("response `{code}`");
                    self.push(
                        &c,
                        Kind::ResponseRemoved,
                        "no longer documented".into(),
                        true,
                        (Wire::Compatible, format!("response `{code}` no longer documented: callers treat undocumented codes as errors")),
                        Vec::new(),
                    )
                }
                (None, None) => {}
            }
        }
    }

    /// The headers of a success response: one that goes leaves callers that read it without.
    fn headers(&mut self, ctx: &Ctx, b: &Value, h: &Value) {
        let b = spec::deref(self.base, b, "").map(|(v, _)| v).unwrap_or(b);
        let h = spec::deref(self.head, h, "").map(|(v, _)| v).unwrap_or(h);
        let names = |v: &Value| -> BTreeSet<String> {
            v.get("headers")
                .and_then(Value::as_object)
                .map(|m| m.keys().map(|k| k.to_ascii_lowercase()).collect())
                .unwrap_or_default()
        };
        let (bn, hn) = (names(b), names(h));
        let mut c = ctx.clone();
        c.base_pointer = join(&ctx.base_pointer, "headers");
        c.head_pointer = join(&ctx.head_pointer, "headers");
        for name in bn.difference(&hn) {
            c.prefix = format!("response header `{name}`");
            self.push(
                &c,
                Kind::HeaderRemoved,
                "no longer documented".into(),
                true,
                (
                    Wire::BreaksCallers,
                    format!("callers that read `{name}` may no longer find it"),
                ),
                Vec::new(),
            );
        }
        for name in hn.difference(&bn) {
            c.prefix = format!("response header `{name}`");
            self.push(
                &c,
                Kind::HeaderAdded,
                "documented".into(),
                false,
                (
                    Wire::Compatible,
                    "a new response header: callers that do not read it are unaffected".into(),
                ),
                Vec::new(),
            );
        }
        // A header on both sides: whether it is always sent, and its schema.
        let header = |doc: &'_ Value, side: &'_ Value, name: &str| -> Option<Value> {
            let (key, value) = side
                .get("headers")?
                .as_object()?
                .iter()
                .find(|(k, _)| k.to_ascii_lowercase() == name)?;
            let value = spec::deref(doc, value, "").map(|(v, _)| v).unwrap_or(value);
            Some(json!({ "key": key, "header": value }))
        };
        for name in bn.intersection(&hn) {
            let (Some(bh), Some(hh)) = (header(self.base, b, name), header(self.head, h, name))
            else {
                continue;
            };
            let mut hc = c.clone();
            hc.prefix = format!("response header `{name}`");
            hc.direction = Direction::Response;
            let required = |v: &Value| v["header"]["required"].as_bool().unwrap_or(false);
            if required(&bh) && !required(&hh) {
                self.push(
                    &hc,
                    Kind::HeaderOptional,
                    "no longer always sent".into(),
                    false,
                    (
                        Wire::BreaksCallers,
                        format!("callers that count on `{name}` may not get it"),
                    ),
                    Vec::new(),
                );
            }
            if let (Some(bs), Some(hs)) = (bh["header"].get("schema"), hh["header"].get("schema")) {
                hc.base_pointer = join(
                    &join(&c.base_pointer, bh["key"].as_str().unwrap_or(name)),
                    "schema",
                );
                hc.head_pointer = join(
                    &join(&c.head_pointer, hh["key"].as_str().unwrap_or(name)),
                    "schema",
                );
                self.schema(&hc, bs, hs);
            }
        }
    }

    fn response(&mut self, ctx: &Ctx, b: &Value, h: &Value) {
        let b = spec::deref(self.base, b, "").map(|(v, _)| v).unwrap_or(b);
        let h = spec::deref(self.head, h, "").map(|(v, _)| v).unwrap_or(h);
        self.content(ctx, b, h);
    }

    /// Compares the `content` of a body (request or response): media types, schemas, examples.
    fn content(&mut self, ctx: &Ctx, b: &Value, h: &Value) {
        let empty = Map::new();
        let bc = b
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let hc = h
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let media: BTreeSet<&String> = bc.keys().chain(hc.keys()).collect();
        let mut c = ctx.clone();
        c.base_pointer = join(&ctx.base_pointer, "content");
        c.head_pointer = join(&ctx.head_pointer, "content");
        // One media type on each side (the usual case): compare them even if renamed.
        if bc.len() == 1 && hc.len() == 1 {
            let (bm, bv) = bc.iter().next().unwrap();
            let (hm, hv) = hc.iter().next().unwrap();
            if bm != hm {
                self.push(
                    ctx,
                    Kind::TypeChanged,
                    format!("content type `{bm}` → `{hm}`"),
                    false,
                    type_verdict(ctx, bm, hm),
                    Vec::new(),
                );
            }
            let mut m = c.clone();
            m.base_pointer = join(&c.base_pointer, bm);
            m.head_pointer = join(&c.head_pointer, hm);
            self.media(&m, bv, hv);
            return;
        }
        for name in media {
            let mut m = c.clone();
            m.base_pointer = join(&c.base_pointer, name);
            m.head_pointer = join(&c.head_pointer, name);
            match (bc.get(name.as_str()), hc.get(name.as_str())) {
                (Some(bv), Some(hv)) => self.media(&m, bv, hv),
                (None, Some(hv)) => self.push(
                    &m,
                    Kind::TypeChanged,
                    format!(
                        "content type `{name}` added ({})",
                        schema_label(self.head, hv.get("schema"))
                    ),
                    false,
                    type_verdict(ctx, "none", name),
                    Vec::new(),
                ),
                (Some(bv), None) => self.push(
                    &m,
                    Kind::TypeChanged,
                    format!(
                        "content type `{name}` removed (was {})",
                        schema_label(self.base, bv.get("schema"))
                    ),
                    true,
                    type_verdict(ctx, name, "none"),
                    Vec::new(),
                ),
                (None, None) => {}
            }
        }
    }

    fn media(&mut self, ctx: &Ctx, b: &Value, h: &Value) {
        self.examples(ctx, b, h);
        match (b.get("schema"), h.get("schema")) {
            (Some(bs), Some(hs)) => {
                let mut c = ctx.clone();
                c.base_pointer = join(&ctx.base_pointer, "schema");
                c.head_pointer = join(&ctx.head_pointer, "schema");
                self.schema(&c, bs, hs);
            }
            (None, None) => {}
            (bs, hs) => {
                let (bl, hl) = (schema_label(self.base, bs), schema_label(self.head, hs));
                self.push(
                    ctx,
                    Kind::TypeChanged,
                    format!("`{bl}` → `{hl}`"),
                    false,
                    type_verdict(ctx, &bl, &hl),
                    Vec::new(),
                );
            }
        }
    }

    /// `example` and named `examples` of a media type or a parameter.
    fn examples(&mut self, ctx: &Ctx, b: &Value, h: &Value) {
        if b.get("example") != h.get("example") {
            let detail = match (b.get("example"), h.get("example")) {
                (None, Some(_)) => "example added",
                (Some(_), None) => "example removed",
                _ => "example changed",
            };
            self.push(
                ctx,
                Kind::ExampleChanged,
                detail.into(),
                false,
                example_verdict(),
                Vec::new(),
            );
        }
        let empty = Map::new();
        let be = b
            .get("examples")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let he = h
            .get("examples")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let names: BTreeSet<&String> = be.keys().chain(he.keys()).collect();
        for name in names {
            let resolve = |doc: &Value, v: Option<&Value>| -> Option<Value> {
                v.and_then(|v| spec::deref(doc, v, ""))
                    .map(|(v, _)| v.clone())
            };
            let (bv, hv) = (
                resolve(self.base, be.get(name.as_str())),
                resolve(self.head, he.get(name.as_str())),
            );
            let detail = match (&bv, &hv) {
                (None, Some(_)) => format!("example `{name}` added"),
                (Some(_), None) => format!("example `{name}` removed"),
                (Some(x), Some(y)) if x.get("value") != y.get("value") => {
                    format!("example `{name}` value changed")
                }
                (Some(x), Some(y)) if x != y => format!("example `{name}` description changed"),
                _ => continue,
            };
            let mut c = ctx.clone();
            c.base_pointer = join(&join(&ctx.base_pointer, "examples"), name);
            c.head_pointer = join(&join(&ctx.head_pointer, "examples"), name);
            self.push(
                &c,
                Kind::ExampleChanged,
                detail,
                hv.is_none(),
                example_verdict(),
                Vec::new(),
            );
        }
    }

    // ---------------------------------------------------------------- schemas

    fn schemas(&mut self) {
        let empty = Map::new();
        let bs = self
            .base
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let hs = self
            .head
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let names: BTreeSet<&String> = bs.keys().chain(hs.keys()).collect();
        for name in names {
            let pointer = join("/components/schemas", name);
            let ctx = Ctx {
                subject: Subject::Schema(name.clone()),
                prefix: String::new(),
                path: Vec::new(),
                direction: self.usage.direction(name),
                base_pointer: pointer.clone(),
                head_pointer: pointer,
                owner: Some(name.to_pascal_case()),
                anchors: Vec::new(),
            };
            match (bs.get(name.as_str()), hs.get(name.as_str())) {
                (Some(b), Some(h)) => self.schema(&ctx, b, h),
                (None, Some(h)) => self.push(
                    &ctx,
                    Kind::SchemaAdded,
                    format!("added ({})", schema_label(self.head, Some(h))),
                    false,
                    (Wire::Compatible, "a schema is not on the wire by itself; its uses are reported where they changed".into()),
                    Vec::new(),
                ),
                (Some(b), None) => self.push(
                    &ctx,
                    Kind::SchemaRemoved,
                    format!("removed (was {})", schema_label(self.base, Some(b))),
                    true,
                    (Wire::Compatible, "a schema is not on the wire by itself; its uses are reported where they changed".into()),
                    Vec::new(),
                ),
                (None, None) => {}
            }
        }
    }

    /// Compares two schema nodes at the same place.
    fn schema(&mut self, ctx: &Ctx, b: &Value, h: &Value) {
        let (Some(bm), Some(hm)) = (normalize(b), normalize(h)) else {
            if b != h {
                self.push(
                    ctx,
                    Kind::TypeChanged,
                    "schema changed".into(),
                    false,
                    type_verdict(ctx, "schema", "schema"),
                    Vec::new(),
                );
            }
            return;
        };
        let (bl, hl) = (label(&bm), label(&hm));
        if bl != hl {
            // A `$ref` on either side: what it stands for decides. A component renamed, or a
            // rule moved into (or out of) a component, is no change on the wire; whatever else
            // changed with it is compared on the resolved schemas.
            if (bm.contains_key("$ref") || hm.contains_key("$ref"))
                && let (Some(br), Some(hr)) = (resolved(self.base, &bm), resolved(self.head, &hm))
                && label(&br) == label(&hr)
            {
                self.push(
                    ctx,
                    Kind::ReferenceChanged,
                    format!("`{bl}` → `{hl}`, the same `{}` either way", label(&hr)),
                    false,
                    (
                        Wire::Compatible,
                        format!(
                            "{} is the same schema by another name: the bytes on the wire cannot differ",
                            ctx.what()
                        ),
                    ),
                    Vec::new(),
                );
                self.schema(ctx, &Value::Object(br), &Value::Object(hr));
                return;
            }
            self.push(
                ctx,
                Kind::TypeChanged,
                format!("`{bl}` → `{hl}`"),
                false,
                type_verdict(ctx, &bl, &hl),
                Vec::new(),
            );
            return;
        }
        self.format(ctx, &bm, &hm);
        self.nullable(ctx, &bm, &hm);
        self.enums(ctx, &bm, &hm);
        self.limits(ctx, &bm, &hm);
        self.pattern(ctx, &bm, &hm);
        self.default(ctx, &bm, &hm);
        if bm.get("example") != hm.get("example") {
            let detail = match (bm.get("example"), hm.get("example")) {
                (None, Some(v)) => format!("example added: {}", short(v)),
                (Some(v), None) => format!("example removed (was {})", short(v)),
                (Some(a), Some(b)) => format!("example {} → {}", short(a), short(b)),
                _ => unreachable!(),
            };
            self.push(
                ctx,
                Kind::ExampleChanged,
                detail,
                false,
                example_verdict(),
                Vec::new(),
            );
        }
        self.secret(ctx, &bm, &hm);
        self.additional(ctx, &bm, &hm);
        self.properties(ctx, &bm, &hm);
        if let (Some(bi), Some(hi)) = (bm.get("items"), hm.get("items")) {
            self.schema(&ctx.child("[]", "items"), bi, hi);
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let (Some(Value::Array(bl)), Some(Value::Array(hl))) = (bm.get(key), hm.get(key))
                && bl.len() == hl.len()
            {
                for (i, (bx, hx)) in bl.iter().zip(hl).enumerate() {
                    let mut c = ctx.clone();
                    c.base_pointer = join(&join(&ctx.base_pointer, key), &i.to_string());
                    c.head_pointer = join(&join(&ctx.head_pointer, key), &i.to_string());
                    self.schema(&c, bx, hx);
                }
            }
        }
    }

    fn format(&mut self, ctx: &Ctx, b: &Map<String, Value>, h: &Map<String, Value>) {
        let (bf, hf) = (
            b.get("format").and_then(Value::as_str),
            h.get("format").and_then(Value::as_str),
        );
        if bf == hf {
            return;
        }
        let what = ctx.what();
        let (detail, verdict) = match (bf, hf) {
            (None, Some(f)) => (
                format!("format `{f}` added"),
                tighten(ctx, format!("{what} now has format `{f}`")),
            ),
            (Some(f), None) => (
                format!("format `{f}` removed"),
                loosen(ctx, format!("{what} no longer has format `{f}`")),
            ),
            (Some(a), Some(z)) => (format!("format `{a}` → `{z}`"), type_verdict(ctx, a, z)),
            _ => return,
        };
        self.push(ctx, Kind::FormatChanged, detail, false, verdict, Vec::new());
    }

    fn nullable(&mut self, ctx: &Ctx, b: &Map<String, Value>, h: &Map<String, Value>) {
        let flag =
            |m: &Map<String, Value>| m.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        let what = ctx.what();
        match (flag(b), flag(h)) {
            (false, true) => {
                let verdict = by_direction(
                    ctx,
                    (
                        Wire::BreaksServers,
                        format!("{what} may now be null: servers that predate it reject null"),
                    ),
                    (
                        Wire::BreaksCallers,
                        format!("{what} may now be null: existing callers do not expect null"),
                    ),
                );
                self.push(
                    ctx,
                    Kind::NullableAdded,
                    "not nullable → nullable".into(),
                    false,
                    verdict,
                    Vec::new(),
                );
            }
            (true, false) => {
                let verdict = by_direction(
                    ctx,
                    (
                        Wire::BreaksCallers,
                        format!(
                            "{what} may no longer be null: callers that send null are rejected"
                        ),
                    ),
                    (
                        Wire::BreaksServers,
                        format!(
                            "{what} is no longer null: servers that predate it may still send null"
                        ),
                    ),
                );
                self.push(
                    ctx,
                    Kind::NullableRemoved,
                    "nullable → not nullable".into(),
                    false,
                    verdict,
                    Vec::new(),
                );
            }
            _ => {}
        }
    }

    fn enums(&mut self, ctx: &Ctx, b: &Map<String, Value>, h: &Map<String, Value>) {
        let values = |m: &Map<String, Value>| -> Option<Vec<Value>> {
            m.get("enum").and_then(Value::as_array).cloned()
        };
        let (bv, hv) = (values(b), values(h));
        if bv == hv {
            return;
        }
        let what = ctx.what();
        let (bv, hv) = match (bv, hv) {
            (Some(bv), Some(hv)) => (bv, hv),
            (None, Some(hv)) => {
                let list = hv.iter().map(short).collect::<Vec<_>>().join(", ");
                let verdict = tighten(ctx, format!("{what} is now limited to {list}"));
                self.push(
                    ctx,
                    Kind::LimitTightened,
                    format!("`enum` added: {list}"),
                    false,
                    verdict,
                    Vec::new(),
                );
                return;
            }
            (Some(bv), None) => {
                let list = bv.iter().map(short).collect::<Vec<_>>().join(", ");
                let verdict = loosen(ctx, format!("{what} is no longer limited to {list}"));
                self.push(
                    ctx,
                    Kind::LimitLoosened,
                    format!("`enum` removed (was {list})"),
                    false,
                    verdict,
                    Vec::new(),
                );
                return;
            }
            (None, None) => return,
        };
        for v in &hv {
            if !bv.contains(v) {
                let s = short(v);
                let verdict = by_direction(
                    ctx,
                    (
                        Wire::BreaksServers,
                        format!(
                            "new request value {s} for {what}: servers that predate it reject it"
                        ),
                    ),
                    (
                        Wire::Compatible,
                        format!(
                            "new response value {s} for {what}: response enums are open, callers must accept values they do not know"
                        ),
                    ),
                );
                self.push(
                    ctx,
                    Kind::EnumValueAdded,
                    format!("value {s} added"),
                    false,
                    verdict,
                    Vec::new(),
                );
            }
        }
        for v in &bv {
            if !hv.contains(v) {
                let s = short(v);
                let verdict = by_direction(
                    ctx,
                    (
                        Wire::BreaksCallers,
                        format!(
                            "request value {s} of {what} removed: callers that send it are rejected"
                        ),
                    ),
                    (
                        Wire::Compatible,
                        format!(
                            "response value {s} of {what} removed: servers stop sending it, and callers accept any value"
                        ),
                    ),
                );
                self.push(
                    ctx,
                    Kind::EnumValueRemoved,
                    format!("value {s} removed"),
                    false,
                    verdict,
                    Vec::new(),
                );
            }
        }
    }

    fn limits(&mut self, ctx: &Ctx, b: &Map<String, Value>, h: &Map<String, Value>) {
        // (keyword, a higher value is tighter)
        const NUMERIC: [(&str, bool); 8] = [
            ("minLength", true),
            ("maxLength", false),
            ("minimum", true),
            ("maximum", false),
            ("minItems", true),
            ("maxItems", false),
            ("minProperties", true),
            ("maxProperties", false),
        ];
        let what = ctx.what();
        for (key, higher_is_tighter) in NUMERIC {
            let (bv, hv) = (
                b.get(key).and_then(Value::as_f64),
                h.get(key).and_then(Value::as_f64),
            );
            if bv == hv {
                continue;
            }
            let (bs, hs) = (b.get(key).map(short), h.get(key).map(short));
            let tighter = match (bv, hv) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(x), Some(y)) => (y > x) == higher_is_tighter,
                (None, None) => continue,
            };
            let detail = match (&bs, &hs) {
                (None, Some(y)) => format!("`{key}` {y} added"),
                (Some(x), None) => format!("`{key}` {x} removed"),
                (Some(x), Some(y)) => format!("`{key}` {x} → {y}"),
                _ => continue,
            };
            self.limit(ctx, &what, tighter, detail);
        }
        for key in ["exclusiveMinimum", "exclusiveMaximum", "uniqueItems"] {
            let flag =
                |m: &Map<String, Value>| m.get(key).and_then(Value::as_bool).unwrap_or(false);
            if flag(b) != flag(h) {
                let detail = format!("`{key}` {} → {}", flag(b), flag(h));
                self.limit(ctx, &what, flag(h), detail);
            }
        }
        if b.get("multipleOf") != h.get("multipleOf") {
            let detail = format!(
                "`multipleOf` {} → {}",
                b.get("multipleOf")
                    .map(short)
                    .unwrap_or_else(|| "none".into()),
                h.get("multipleOf")
                    .map(short)
                    .unwrap_or_else(|| "none".into())
            );
            let verdict = type_verdict(ctx, "multipleOf", "multipleOf");
            self.push(
                ctx,
                Kind::PatternChanged,
                detail,
                false,
                verdict,
                Vec::new(),
            );
        }
    }

    fn limit(&mut self, ctx: &Ctx, what: &str, tighter: bool, detail: String) {
        if tighter {
            let verdict = tighten(ctx, format!("{what}: {detail}"));
            self.push(
                ctx,
                Kind::LimitTightened,
                detail,
                false,
                verdict,
                Vec::new(),
            );
        } else {
            let verdict = loosen(ctx, format!("{what}: {detail}"));
            self.push(ctx, Kind::LimitLoosened, detail, false, verdict, Vec::new());
        }
    }

    fn pattern(&mut self, ctx: &Ctx, b: &Map<String, Value>, h: &Map<String, Value>) {
        let (bp, hp) = (
            b.get("pattern").and_then(Value::as_str),
            h.get("pattern").and_then(Value::as_str),
        );
        let what = ctx.what();
        match (bp, hp) {
            (a, z) if a == z => {}
            (None, Some(p)) => self.limit(ctx, &what, true, format!("`pattern` `{p}` added")),
            (Some(p), None) => self.limit(ctx, &what, false, format!("`pattern` `{p}` removed")),
            (Some(a), Some(z)) => {
                let verdict = by_direction(
                    ctx,
                    (
                        Wire::BreaksCallersAndServers,
                        format!(
                            "pattern of {what} changed: values valid before may be rejected, and new ones rejected by servers that predate it"
                        ),
                    ),
                    (
                        Wire::BreaksCallersAndServers,
                        format!(
                            "pattern of {what} changed: callers that check it may reject new values, and servers that predate it send old ones"
                        ),
                    ),
                );
                self.push(
                    ctx,
                    Kind::PatternChanged,
                    format!("`pattern` `{a}` → `{z}`"),
                    false,
                    verdict,
                    Vec::new(),
                );
            }
            _ => {}
        }
    }

    fn default(&mut self, ctx: &Ctx, b: &Map<String, Value>, h: &Map<String, Value>) {
        let (bd, hd) = (b.get("default"), h.get("default"));
        if bd == hd {
            return;
        }
        let what = ctx.what();
        let (detail, verdict) = match (bd, hd) {
            (Some(x), Some(y)) => (
                format!("default {} → {}", short(x), short(y)),
                by_direction(
                    ctx,
                    (
                        Wire::BreaksCallers,
                        format!(
                            "default of {what} {} → {}: callers that leave it out get a different value",
                            short(x),
                            short(y)
                        ),
                    ),
                    (
                        Wire::Compatible,
                        format!(
                            "default of {what} changed: it documents what an absent value means"
                        ),
                    ),
                ),
            ),
            (None, Some(y)) => (
                format!("default {} added", short(y)),
                (
                    Wire::Compatible,
                    format!("default of {what} now documented as {}", short(y)),
                ),
            ),
            (Some(x), None) => (
                format!("default {} removed", short(x)),
                (
                    Wire::Compatible,
                    format!("default of {what} no longer documented (was {})", short(x)),
                ),
            ),
            (None, None) => return,
        };
        self.push(
            ctx,
            Kind::DefaultChanged,
            detail,
            false,
            verdict,
            Vec::new(),
        );
    }

    fn secret(&mut self, ctx: &Ctx, b: &Map<String, Value>, h: &Map<String, Value>) {
        let flag = |m: &Map<String, Value>| m.get("x-secret") == Some(&Value::Bool(true));
        let what = ctx.what();
        match (flag(b), flag(h)) {
            (false, true) => self.push(
                ctx,
                Kind::SecretAdded,
                "`x-secret` added".into(),
                false,
                (Wire::Compatible, format!("no wire effect; {what} is now a secret: clients and tools must stop logging it")),
                Vec::new(),
            ),
            (true, false) => self.push(
                ctx,
                Kind::SecretRemoved,
                "`x-secret` removed".into(),
                false,
                (Wire::Compatible, format!("no wire effect; {what} is no longer a secret: it will show in logs and debug output")),
                Vec::new(),
            ),
            _ => {}
        }
    }

    fn additional(&mut self, ctx: &Ctx, b: &Map<String, Value>, h: &Map<String, Value>) {
        let (ba, ha) = (b.get("additionalProperties"), h.get("additionalProperties"));
        let closed = |v: Option<&Value>| v == Some(&Value::Bool(false));
        match (ba, ha) {
            (Some(bs), Some(hs)) if bs.is_object() && hs.is_object() => {
                self.schema(&ctx.child("{}", "additionalProperties"), bs, hs);
            }
            _ if closed(ba) == closed(ha) => {}
            _ => {
                let what = ctx.what();
                let verdict = if closed(ha) {
                    by_direction(
                        ctx,
                        (
                            Wire::BreaksCallers,
                            format!(
                                "{what} now rejects unknown fields: callers that send extra fields are rejected"
                            ),
                        ),
                        (
                            Wire::BreaksServers,
                            format!(
                                "{what} may not carry unknown fields: servers that predate it may send some"
                            ),
                        ),
                    )
                } else {
                    by_direction(
                        ctx,
                        (
                            Wire::BreaksServers,
                            format!(
                                "{what} now allows unknown fields: servers that predate it reject them"
                            ),
                        ),
                        (
                            Wire::BreaksCallers,
                            format!(
                                "{what} may now carry unknown fields: callers that reject them break"
                            ),
                        ),
                    )
                };
                let detail = format!(
                    "`additionalProperties` {} → {}",
                    ba.map(short).unwrap_or_else(|| "unset".into()),
                    ha.map(short).unwrap_or_else(|| "unset".into())
                );
                self.push(
                    ctx,
                    Kind::AdditionalPropertiesChanged,
                    detail,
                    false,
                    verdict,
                    Vec::new(),
                );
            }
        }
    }

    fn properties(&mut self, ctx: &Ctx, b: &Map<String, Value>, h: &Map<String, Value>) {
        let empty = Map::new();
        let bp = b
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let hp = h
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required = |m: &Map<String, Value>| -> BTreeSet<String> {
            m.get("required")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (br, hr) = (required(b), required(h));
        let names: BTreeSet<&String> = bp.keys().chain(hp.keys()).collect();
        let base_closed = b.get("additionalProperties") == Some(&Value::Bool(false));
        for name in names {
            let c = ctx.child(name, "properties");
            let what = c.what();
            match (bp.get(name.as_str()), hp.get(name.as_str())) {
                (None, Some(v)) => {
                    let req = hr.contains(name.as_str());
                    let verdict = if req {
                        by_direction(
                            &c,
                            (
                                Wire::BreaksCallers,
                                format!("new required {what}: existing callers do not send it"),
                            ),
                            (
                                Wire::BreaksServers,
                                format!(
                                    "new required {what}: servers that predate it do not send it"
                                ),
                            ),
                        )
                    } else if base_closed {
                        by_direction(
                            &c,
                            (
                                Wire::BreaksServers,
                                format!(
                                    "new optional {what}: servers that predate it reject it (`additionalProperties: false`)"
                                ),
                            ),
                            (
                                Wire::BreaksCallers,
                                format!(
                                    "new optional {what}: callers that enforce `additionalProperties: false` reject it"
                                ),
                            ),
                        )
                    } else {
                        by_direction(
                            &c,
                            (
                                Wire::BreaksServers,
                                format!(
                                    "new optional {what}: servers that predate it ignore or reject it"
                                ),
                            ),
                            (
                                Wire::Compatible,
                                format!(
                                    "new optional {what}: callers ignore fields they do not know"
                                ),
                            ),
                        )
                    };
                    let detail = format!(
                        "added ({}, {})",
                        if req { "required" } else { "optional" },
                        schema_label(self.head, Some(v))
                    );
                    self.push(&c, Kind::PropertyAdded, detail, false, verdict, Vec::new());
                }
                (Some(v), None) => {
                    let req = br.contains(name.as_str());
                    let verdict = by_direction(
                        &c,
                        (
                            Wire::BreaksCallers,
                            format!(
                                "{what} removed: existing callers still send it, and it is ignored or rejected"
                            ),
                        ),
                        (
                            Wire::BreaksCallers,
                            format!("{what} removed: callers that read it no longer get it"),
                        ),
                    );
                    let detail = format!(
                        "removed (was {}, {})",
                        if req { "required" } else { "optional" },
                        schema_label(self.base, Some(v))
                    );
                    self.push(&c, Kind::PropertyRemoved, detail, true, verdict, Vec::new());
                }
                (Some(bv), Some(hv)) => {
                    match (br.contains(name.as_str()), hr.contains(name.as_str())) {
                        (false, true) => {
                            let verdict = by_direction(
                                &c,
                                (
                                    Wire::BreaksCallers,
                                    format!(
                                        "{what} is now required: existing callers may leave it out"
                                    ),
                                ),
                                (
                                    Wire::BreaksServers,
                                    format!(
                                        "{what} is now always present: servers that predate it may leave it out"
                                    ),
                                ),
                            );
                            self.push(
                                &c,
                                Kind::PropertyRequired,
                                "optional → required".into(),
                                false,
                                verdict,
                                Vec::new(),
                            );
                        }
                        (true, false) => {
                            let verdict = by_direction(
                                &c,
                                (
                                    Wire::BreaksServers,
                                    format!(
                                        "{what} is now optional: servers that predate it still require it"
                                    ),
                                ),
                                (
                                    Wire::BreaksCallers,
                                    format!(
                                        "{what} may now be absent: callers that rely on it break"
                                    ),
                                ),
                            );
                            self.push(
                                &c,
                                Kind::PropertyOptional,
                                "required → optional".into(),
                                false,
                                verdict,
                                Vec::new(),
                            );
                        }
                        _ => {}
                    }
                    self.schema(&c, bv, hv);
                }
                (None, None) => {}
            }
        }
    }
}

/// A schema object with a one-element `allOf` merged into it; `None` for a non-object.
fn normalize(schema: &Value) -> Option<Map<String, Value>> {
    let map = schema.as_object()?;
    let mut out = map.clone();
    if let Some(Value::Array(all)) = map.get("allOf")
        && all.len() == 1
        && let Some(inner) = all[0].as_object()
    {
        out.remove("allOf");
        for (k, v) in inner {
            out.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    Some(out)
}

/// The schema a node stands for: a `$ref`'s target (normalized, the node's own keys such as its
/// description kept over the target's), or the node itself.
fn resolved(doc: &Value, m: &Map<String, Value>) -> Option<Map<String, Value>> {
    let Some(reference) = m.get("$ref").and_then(Value::as_str) else {
        return Some(m.clone());
    };
    let target = spec::resolve(doc, reference)?;
    let (target, _) = spec::deref(doc, target, "")?;
    let mut out = normalize(target)?;
    for (key, value) in m {
        if key != "$ref" {
            out.insert(key.clone(), value.clone());
        }
    }
    Some(out)
}

/// What a schema is, for type comparison: a `$ref` target's name, `array of X`, a type.
fn label(m: &Map<String, Value>) -> String {
    if let Some(r) = m.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(list)) = m.get(key) {
            let inner: Vec<String> = list
                .iter()
                .map(|v| {
                    normalize(v)
                        .map(|m| label(&m))
                        .unwrap_or_else(|| "?".into())
                })
                .collect();
            return format!("{key}({})", inner.join(", "));
        }
    }
    match m.get("type").and_then(Value::as_str) {
        Some("array") => {
            let items = m
                .get("items")
                .and_then(normalize)
                .map(|i| label(&i))
                .unwrap_or_else(|| "any".into());
            format!("array of {items}")
        }
        Some(t) => t.to_string(),
        None if m.contains_key("properties") => "object".into(),
        None => "any".into(),
    }
}

fn schema_label(_doc: &Value, schema: Option<&Value>) -> String {
    match schema.and_then(normalize) {
        Some(m) => label(&m),
        None => "no schema".into(),
    }
}

fn body_label(doc: &Value, body: &Value) -> String {
    let schema = body
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.values().next())
        .and_then(|m| m.get("schema"));
    format!("`{}`", schema_label(doc, schema))
}

/// A short rendering of a JSON value for messages (strings in backticks, long values cut).
fn short(v: &Value) -> String {
    let text = match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    };
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}…`")
    } else {
        text
    }
}

/// Chooses by where the node is used; a node used by both gets the union.
fn by_direction(ctx: &Ctx, request: Verdict, response: Verdict) -> Verdict {
    match ctx.direction {
        Direction::Request | Direction::Operation => request,
        Direction::Response => response,
        Direction::Both => {
            let wire = request.0.join(response.0);
            let reason = if request.1 == response.1 {
                request.1
            } else {
                format!("in requests: {}; in responses: {}", request.1, response.1)
            };
            (wire, reason)
        }
        Direction::Unused => (
            Wire::Compatible,
            "the schema is not used by any operation".into(),
        ),
    }
}

fn tighten(ctx: &Ctx, what: String) -> Verdict {
    by_direction(
        ctx,
        (
            Wire::BreaksCallers,
            format!("{what}: values callers could send before are now rejected"),
        ),
        (
            Wire::BreaksServers,
            format!("{what}: servers that predate it may send values outside the new limit"),
        ),
    )
}

fn loosen(ctx: &Ctx, what: String) -> Verdict {
    by_direction(
        ctx,
        (
            Wire::BreaksServers,
            format!("{what}: servers that predate it reject the newly allowed values"),
        ),
        (
            Wire::BreaksCallers,
            format!("{what}: callers that check the old limit may reject values now sent"),
        ),
    )
}

fn type_verdict(ctx: &Ctx, from: &str, to: &str) -> Verdict {
    let what = ctx.what();
    by_direction(
        ctx,
        (
            Wire::BreaksCallersAndServers,
            format!(
                "{what} changed `{from}` → `{to}`: existing callers send the old shape, servers that predate it expect it"
            ),
        ),
        (
            Wire::BreaksCallersAndServers,
            format!(
                "{what} changed `{from}` → `{to}`: existing callers expect the old shape, servers that predate it send it"
            ),
        ),
    )
}

fn example_verdict() -> Verdict {
    (Wire::Compatible, "examples are documentation".into())
}
