//! The generic resource engine: create, show, list (filters, marker pagination), update
//! (merge), delete and irregular operations, for every operation of the model, with the
//! resource's hooks where it has behaviour of its own.

use serde_json::{Map, Value, json};

use crate::call::{Call, Fault, Success};
use crate::clock::{iso_millis, neutron_time};
use crate::hooks::{self, Hooks};
use crate::model::{Action, Api, Model, Op, Resource};
use crate::store::{Project, Record, Store, new_id};

/// Query parameters that never filter a list.
const NOT_FILTERS: [&str; 7] = [
    "limit",
    "marker",
    "offset",
    "fields",
    "sort_key",
    "sort_dir",
    "page_reverse",
];

/// Runs one operation.
pub(crate) fn run(
    model: &Model,
    op: &Op,
    store: &mut Store,
    call: &Call,
) -> Result<Success, Fault> {
    // An operation with a hook of its own is that hook's, whatever its path looks like (a
    // routing table paged like a list is still no stored collection).
    let Some(res) = model
        .resource(op)
        .filter(|_| op.action != Action::Other && hooks::operation(&op.id).is_none())
    else {
        return other(model, op, store, call);
    };
    let hooks = hooks_of(res);
    match op.action {
        Action::Create => create(model, op, res, hooks, store, call),
        Action::List => list(model, op, res, hooks, store, call),
        Action::Show => {
            let p = store.project(&call.project);
            let r = find(res, hooks, p, call)?;
            let view = view(res, hooks, p, r, Action::Show, call);
            Ok(answer(op, Some(wrap(&res.name, view))))
        }
        Action::Update => update(op, res, hooks, store, call),
        Action::Delete => {
            let p = store.project(&call.project);
            find(res, hooks, p, call)?;
            hooks.delete(p, call)?;
            let scope = scope(res, call);
            p.remove_where(&res.key, |r| r.id == call.id && r.scope == scope);
            // Nested resources go with their parent.
            let below = format!("{}/", res.item_path);
            for child in model
                .resources
                .iter()
                .filter(|c| c.item_path.starts_with(&below))
            {
                p.remove_where(&child.key, |r| r.scope.contains(&call.id));
            }
            Ok(answer(op, Some(json!({}))))
        }
        Action::Other => other(model, op, store, call),
    }
}

/// A resource's hooks: those registered under its store key (its name, or `name#2` when
/// another resource of that name came first).
fn hooks_of(res: &Resource) -> &'static dyn Hooks {
    hooks::resource(&res.key)
}

fn answer(op: &Op, body: Option<Value>) -> Success {
    Success {
        status: op.success,
        body: if op.success == 204 { None } else { body },
    }
}

fn wrap(key: &str, value: Map<String, Value>) -> Value {
    let mut map = Map::new();
    map.insert(key.to_string(), Value::Object(value));
    Value::Object(map)
}

/// A time as the API writes it.
pub(crate) fn time(api: Api, millis: u64) -> String {
    match api {
        Api::V5 => iso_millis(millis),
        Api::Legacy => neutron_time(millis),
    }
}

/// The 404 of a resource.
fn not_found(res: &Resource, hooks: &dyn Hooks, id: &str) -> Fault {
    if let Some(fault) = hooks.not_found(id) {
        return fault;
    }
    match res.api {
        Api::V5 => Fault::not_found(&res.name.replace('_', " "), id),
        Api::Legacy => {
            let camel: String = res
                .words
                .split(' ')
                .map(|w| {
                    let mut chars = w.chars();
                    chars
                        .next()
                        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                        .unwrap_or_default()
                })
                .collect();
            Fault {
                status: 404,
                code: "VPN.0004",
                neutron_type: format!("{camel}NotFound"),
                message: format!("{} {id} could not be found", res.words),
            }
        }
    }
}

/// The parent ids of the call's collection, in order.
fn scope(res: &Resource, call: &Call) -> Vec<String> {
    res.scope
        .iter()
        .map(|name| call.path_param(name).unwrap_or_default().to_string())
        .collect()
}

/// 404 unless every resource named by a path parameter of `path` (but `project_id` and, for
/// item operations, the item itself) exists.
fn check_parents(
    model: &Model,
    path: &str,
    skip: Option<&str>,
    p: &Project,
    call: &Call,
) -> Result<(), Fault> {
    let mut prefix = String::new();
    for segment in path.split('/').skip(1) {
        prefix.push('/');
        prefix.push_str(segment);
        let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
            continue;
        };
        if name == "project_id" || Some(name) == skip {
            continue;
        }
        if let (Some(parent), Some(id)) = (model.resource_at(&prefix), call.path_param(name))
            && p.find(&parent.key, id).is_none()
        {
            return Err(not_found(parent, hooks_of(parent), id));
        }
        // A parent the hooks keep (a P2C gateway's VPN server).
        if let Some(id) = call.path_param(name) {
            hooks::check_parent(p, name, id)?;
        }
    }
    Ok(())
}

fn find<'a>(
    res: &Resource,
    hooks: &dyn Hooks,
    p: &'a Project,
    call: &Call,
) -> Result<&'a Record, Fault> {
    let scope = scope(res, call);
    p.all(&res.key)
        .iter()
        .find(|r| r.id == call.id && r.scope == scope)
        .ok_or_else(|| not_found(res, hooks, &call.id))
}

/// The generic view (fields, `id`, `created_at`, `status`) through the resource's hook.
fn view(
    res: &Resource,
    hooks: &dyn Hooks,
    p: &Project,
    r: &Record,
    action: Action,
    call: &Call,
) -> Map<String, Value> {
    let mut out = r.fields.clone();
    out.insert("id".into(), json!(r.id));
    out.insert("created_at".into(), json!(time(res.api, r.created_ms)));
    if res.ready.is_some() {
        out.insert(res.status_key.clone(), json!(r.status(call.now)));
    }
    hooks.view(p, r, action, call, out)
}

/// The wrapped object of a request body (or the body itself without a wrapper).
fn input(op: &Op, call: &Call) -> Map<String, Value> {
    let value = match &op.request_wrapper {
        Some(w) => call.body.get(w),
        None => Some(&call.body),
    };
    value
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn create(
    model: &Model,
    op: &Op,
    res: &Resource,
    hooks: &dyn Hooks,
    store: &mut Store,
    call: &Call,
) -> Result<Success, Fault> {
    let created = store.stamp();
    let p = store.project(&call.project);
    check_parents(model, &op.path, None, p, call)?;
    let mut fields = input(op, call);
    for (key, value) in &op.defaults {
        fields.entry(key.clone()).or_insert_with(|| value.clone());
    }
    hooks.create(p, call, &mut fields)?;
    for key in ["project_id", "tenant_id"] {
        if res.properties.iter().any(|p| p == key) && !fields.contains_key(key) {
            fields.insert(key.into(), json!(call.project));
        }
    }
    fields
        .entry("updated_at")
        .or_insert_with(|| json!(time(res.api, created)));
    let mut record = Record::new(new_id(), created, fields);
    record.scope = scope(res, call);
    if let Some(ready) = &res.ready {
        record.transition(res.pending_create.as_deref(), ready, call.now, call.delay);
    }
    let shown = view(res, hooks, p, &record, Action::Create, call);
    p.push(&res.key, record);
    Ok(answer(op, Some(wrap(&res.name, shown))))
}

fn update(
    op: &Op,
    res: &Resource,
    hooks: &dyn Hooks,
    store: &mut Store,
    call: &Call,
) -> Result<Success, Fault> {
    let updated = store.now_ms();
    let p = store.project(&call.project);
    find(res, hooks, p, call)?;
    let mut change = input(op, call);
    hooks.update(p, call, &mut change)?;
    let Some(record) = p.find_mut(&res.key, &call.id) else {
        return Err(not_found(res, hooks, &call.id));
    };
    merge(&mut record.fields, &change);
    record
        .fields
        .insert("updated_at".into(), json!(time(res.api, updated)));
    if let Some(ready) = &res.ready {
        record.transition(res.pending_update.as_deref(), ready, call.now, call.delay);
    }
    let r = find(res, hooks, p, call)?;
    let shown = view(res, hooks, p, r, Action::Update, call);
    Ok(answer(op, Some(wrap(&res.name, shown))))
}

/// Deep merge: objects merge key by key, everything else replaces.
pub(crate) fn merge(base: &mut Map<String, Value>, change: &Map<String, Value>) {
    for (key, value) in change {
        match (base.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(inner)) => merge(existing, inner),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

fn list(
    model: &Model,
    op: &Op,
    res: &Resource,
    hooks: &dyn Hooks,
    store: &mut Store,
    call: &Call,
) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    check_parents(model, &op.path, None, p, call)?;
    let scope = scope(res, call);
    let filters: Vec<(&str, Vec<&str>)> = op
        .query
        .iter()
        .map(String::as_str)
        .filter(|name| !NOT_FILTERS.contains(name))
        .filter(|name| {
            op.pagination
                .as_ref()
                .is_none_or(|pg| pg.marker != *name && pg.limit.as_deref() != Some(*name))
        })
        .map(|name| (name, call.params(name)))
        .filter(|(_, values)| !values.is_empty())
        .collect();
    let matching: Vec<(&Record, Map<String, Value>)> = p
        .all(&res.key)
        .iter()
        .filter(|r| r.scope == scope)
        .map(|r| (r, view(res, hooks, p, r, Action::Show, call)))
        .filter(|(_, v)| {
            filters.iter().all(|(name, values)| {
                hooks
                    .filter(p, v, name, values)
                    .unwrap_or_else(|| generic_filter(res, v, name, values))
            })
        })
        .collect();
    let total = matching.len();
    let mut body = Map::new();
    let mut page_info = None;
    let page: Vec<Map<String, Value>> = match &op.pagination {
        Some(pg) => {
            let limit = pg.limit.as_deref().and_then(|l| call.param(l));
            let marker = call.param(&pg.marker);
            let (page, last) = page_of(matching, limit, marker, |(r, _)| {
                (r.id.clone(), time(res.api, r.created_ms))
            });
            let mut info = Map::new();
            info.insert("current_count".into(), json!(page.len()));
            body.insert("page_info".into(), Value::Object(info));
            page_info = last.map(|last| (pg.next_marker.clone(), last));
            page.into_iter().map(|(_, v)| v).collect()
        }
        None => matching.into_iter().map(|(_, v)| v).collect(),
    };
    let selected = call.params("fields");
    let items: Vec<Value> = page
        .into_iter()
        .map(|mut v| {
            if op.query.iter().any(|q| q == "fields") && !selected.is_empty() {
                v.retain(|k, _| selected.contains(&k.as_str()));
            }
            Value::Object(v)
        })
        .collect();
    body.insert(res.plural.clone(), Value::Array(items));
    body.insert("total_count".into(), json!(total));
    let mut body = Value::Object(body);
    if let Some((pointer, marker)) = page_info {
        set_pointer(&mut body, &pointer, json!(marker));
    }
    Ok(answer(op, Some(body)))
}

/// One page of `items` (oldest first): those after `marker` (an item's id, Neutron style,
/// or a creation time, VPN v5 style), at most `limit` of them (default 2000; 0 or not a
/// number: the default), and the marker of the next page when more follow. `key` gives an
/// item's id and creation time as the API writes it.
pub(crate) fn page_of<T>(
    items: Vec<T>,
    limit: Option<&str>,
    marker: Option<&str>,
    key: impl Fn(&T) -> (String, String),
) -> (Vec<T>, Option<String>) {
    let limit = limit
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(2000);
    let start = match marker.filter(|m| !m.is_empty()) {
        Some(m) => match items.iter().position(|item| key(item).0 == m) {
            Some(i) => i + 1,
            None => items
                .iter()
                .position(|item| key(item).1.as_str() > m)
                .unwrap_or(items.len()),
        },
        None => 0,
    };
    let more = items.len().saturating_sub(start) > limit;
    let page: Vec<T> = items.into_iter().skip(start).take(limit).collect();
    let next = if more {
        page.last().map(|item| key(item).1)
    } else {
        None
    };
    (page, next)
}

/// The generic filter: the field of the parameter's name (the item's id for `id` and the
/// item path's parameter) equals one of the values.
fn generic_filter(res: &Resource, view: &Map<String, Value>, name: &str, values: &[&str]) -> bool {
    let key = if !view.contains_key(name) && (name == "id" || name == res.item_param) {
        "id"
    } else {
        name
    };
    view.get(key).is_some_and(|v| value_is(v, values))
}

/// Whether a field's value is one of `values` (an array: one of its items is).
pub(crate) fn value_is(value: &Value, values: &[&str]) -> bool {
    match value {
        Value::String(s) => values.contains(&s.as_str()),
        Value::Array(items) => items.iter().any(|i| value_is(i, values)),
        Value::Null | Value::Object(_) => false,
        other => values.contains(&other.to_string().as_str()),
    }
}

/// Sets the value at a JSON pointer, making objects on the way (other values are left).
fn set_pointer(target: &mut Value, pointer: &str, value: Value) {
    let keys: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|k| k.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut current = target;
    for (i, key) in keys.iter().enumerate() {
        let Some(map) = current.as_object_mut() else {
            return;
        };
        if i + 1 == keys.len() {
            map.insert(key.clone(), value);
            return;
        }
        current = map.entry(key.clone()).or_insert_with(|| json!({}));
    }
}

/// Irregular operations: the operation's hook, else an answer made from the response
/// schema once the resources named in the path are found.
fn other(model: &Model, op: &Op, store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    check_parents(model, &op.path, None, p, call)?;
    let mut body = match hooks::operation(&op.id) {
        Some(hook) => hook(p, call)?,
        None => json!({}),
    };
    // A create answers as creates do, a read as shows do, anything else as updates do.
    let action = match op.success {
        201 => Action::Create,
        _ if op.method == axum::http::Method::GET => Action::Show,
        _ => Action::Update,
    };
    if let Some(object) = body.as_object_mut() {
        for (name, value) in object.iter_mut() {
            render_references(model, p, call, action, name, value);
        }
    }
    Ok(answer(op, Some(body)))
}

/// An operation hook's answer names resources by reference: `{"<resource>": {"id": ...}}`
/// (a gateway after a change of flavor) or `{"<resources>": [{"id": ...}, ...]}` (the
/// connections of a batch create). The engine renders their views, so the hook does not
/// build them again.
fn render_references(
    model: &Model,
    p: &Project,
    call: &Call,
    action: Action,
    name: &str,
    value: &mut Value,
) {
    let reference = |v: &Value| -> Option<String> {
        let object = v.as_object().filter(|o| o.len() == 1)?;
        object.get("id")?.as_str().map(str::to_string)
    };
    let rendered = |res: &Resource, id: &str| {
        p.find(&res.key, id)
            .map(|r| Value::Object(view(res, hooks_of(res), p, r, action, call)))
    };
    let owned = |r: &&Resource| r.key == r.name;
    if let Some(res) = model
        .resources
        .iter()
        .filter(owned)
        .find(|r| r.name == name)
        && let Some(id) = reference(value)
        && let Some(shown) = rendered(res, &id)
    {
        *value = shown;
    } else if let Some(res) = model
        .resources
        .iter()
        .filter(owned)
        .find(|r| r.plural == name)
        && let Some(items) = value.as_array_mut()
    {
        for item in items {
            if let Some(id) = reference(item)
                && let Some(shown) = rendered(res, &id)
            {
                *item = shown;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// A resource no hook knows, with a nested resource, paging, a status and an action:
    /// what a new spec brings, served by the engine alone.
    const SPEC: &str = r#"
openapi: 3.0.3
x-product: p2c
paths:
  /v5/{project_id}/widgets:
    post:
      operationId: CreateWidget
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {widget: {$ref: '#/components/schemas/Widget'}}}
      responses:
        '201': {content: {application/json: {schema: {$ref: '#/components/schemas/WidgetResponse'}}}}
    get:
      operationId: ListWidgets
      x-pagination: {items: widgets, marker: marker, limit: limit, next-marker: /page_info/next_marker}
      parameters:
        - {name: color, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer}}
        - {name: marker, in: query, schema: {type: string}}
      responses:
        '200': {content: {application/json: {schema: {type: object, properties: {widgets: {type: array, items: {$ref: '#/components/schemas/Widget'}}}}}}}
  /v5/{project_id}/widgets/{widget_id}:
    get:
      operationId: ShowWidget
      x-waiter: {resource: widget, name: widget, id: /widget/id, status: /widget/state, ready: [READY], failed: [BROKEN]}
      responses:
        '200': {content: {application/json: {schema: {$ref: '#/components/schemas/WidgetResponse'}}}}
    delete:
      operationId: DeleteWidget
      responses:
        '204': {description: gone}
  /v5/{project_id}/widgets/{widget_id}/parts:
    post:
      operationId: CreatePart
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {part: {type: object, properties: {name: {type: string}}}}}
      responses:
        '201': {content: {application/json: {schema: {type: object, properties: {part: {type: object}}}}}}
    get:
      operationId: ListParts
      responses:
        '200': {content: {application/json: {schema: {type: object, properties: {parts: {type: array}}}}}}
  /v5/{project_id}/widgets/{widget_id}/parts/{part_id}:
    get:
      operationId: ShowPart
      responses:
        '200': {content: {application/json: {schema: {type: object, properties: {part: {type: object}}}}}}
  /v5/{project_id}/widgets/{widget_id}/reset:
    post:
      operationId: ResetWidget
      responses:
        '202': {content: {application/json: {schema: {type: object, required: [job_id], properties: {job_id: {type: string, format: uuid}}}}}}
components:
  schemas:
    Widget:
      type: object
      properties:
        id: {type: string}
        name: {type: string}
        color: {type: string, default: blue}
        state: {type: string, enum: [PENDING_CREATE, READY, BROKEN]}
    WidgetResponse:
      type: object
      properties:
        widget: {$ref: '#/components/schemas/Widget'}
        request_id: {type: string}
"#;

    struct Emu {
        model: Model,
        store: Store,
    }

    impl Emu {
        fn run(
            &mut self,
            id: &str,
            path: &[(&str, &str)],
            query: &[(&str, &str)],
            body: Value,
            delay: u64,
        ) -> Result<Success, Fault> {
            let op = self.model.ops.iter().find(|o| o.id == id).unwrap();
            let mut params = vec![("project_id".to_string(), "p".to_string())];
            params.extend(path.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            let call = Call {
                project: "p".into(),
                id: params.last().map(|(_, v)| v.clone()).unwrap_or_default(),
                path: params,
                query: query
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                body,
                now: Instant::now(),
                delay: Duration::from_millis(delay),
            };
            run(&self.model, op, &mut self.store, &call)
        }
    }

    #[test]
    fn a_new_resource_needs_no_code() {
        let doc: Value = serde_norway::from_str(SPEC).unwrap();
        let mut emu = Emu {
            model: Model::build(&[doc]),
            store: Store::default(),
        };
        let widget = emu
            .run(
                "CreateWidget",
                &[],
                &[],
                json!({"widget": {"name": "w1"}}),
                60_000,
            )
            .unwrap();
        assert_eq!(widget.status, 201);
        let widget = widget.body.unwrap()["widget"].clone();
        assert_eq!(widget["color"], "blue", "the spec's default");
        assert_eq!(
            widget["state"], "PENDING_CREATE",
            "x-waiter's status property"
        );
        let id = widget["id"].as_str().unwrap().to_string();
        let quick = emu
            .run(
                "CreateWidget",
                &[],
                &[],
                json!({"widget": {"color": "red"}}),
                0,
            )
            .unwrap();
        assert_eq!(
            quick.body.unwrap()["widget"]["state"],
            "READY",
            "x-waiter's first ready"
        );

        // Filters and pages.
        let red = emu
            .run("ListWidgets", &[], &[("color", "red")], json!(null), 0)
            .unwrap();
        assert_eq!(red.body.unwrap()["widgets"].as_array().unwrap().len(), 1);
        let page = emu
            .run("ListWidgets", &[], &[("limit", "1")], json!(null), 0)
            .unwrap()
            .body
            .unwrap();
        assert_eq!(page["widgets"][0]["id"], id.as_str());
        let marker = page["page_info"]["next_marker"]
            .as_str()
            .unwrap()
            .to_string();
        let next = emu
            .run(
                "ListWidgets",
                &[],
                &[("limit", "1"), ("marker", &marker)],
                json!(null),
                0,
            )
            .unwrap()
            .body
            .unwrap();
        assert_eq!(next["widgets"][0]["color"], "red");
        assert!(next["page_info"].get("next_marker").is_none());

        // Nested resources belong to their parent, which must exist.
        let missing = emu.run(
            "CreatePart",
            &[("widget_id", "nope")],
            &[],
            json!({"part": {}}),
            0,
        );
        assert_eq!(missing.err().unwrap().status, 404);
        let part = emu
            .run(
                "CreatePart",
                &[("widget_id", &id)],
                &[],
                json!({"part": {"name": "p"}}),
                0,
            )
            .unwrap();
        let part_id = part.body.unwrap()["part"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let shown = emu.run(
            "ShowPart",
            &[("widget_id", &id), ("part_id", &part_id)],
            &[],
            json!(null),
            0,
        );
        assert_eq!(shown.unwrap().body.unwrap()["part"]["name"], "p");
        let other = emu.run(
            "ShowPart",
            &[("widget_id", "nope"), ("part_id", &part_id)],
            &[],
            json!(null),
            0,
        );
        assert_eq!(other.err().unwrap().status, 404);

        // An action: its documented status once its widget is found.
        let reset = emu
            .run("ResetWidget", &[("widget_id", &id)], &[], json!(null), 0)
            .unwrap();
        assert_eq!(reset.status, 202);
        let fault = emu
            .run("ResetWidget", &[("widget_id", "nope")], &[], json!(null), 0)
            .err()
            .unwrap();
        assert_eq!((fault.status, fault.code), (404, "VPN.0004"));
        assert!(fault.message.contains("widget nope"), "{}", fault.message);

        let deleted = emu
            .run("DeleteWidget", &[("widget_id", &id)], &[], json!(null), 0)
            .unwrap();
        assert_eq!((deleted.status, deleted.body), (204, None));
        let gone = emu.run("ShowWidget", &[("widget_id", &id)], &[], json!(null), 0);
        assert_eq!(gone.err().unwrap().status, 404);
        assert!(
            emu.store.project("p").all("part").is_empty(),
            "parts go with their widget"
        );
    }

    #[test]
    fn pointers_and_values() {
        let mut v = json!({"page_info": {"current_count": 1}});
        set_pointer(&mut v, "/page_info/next_marker", json!("m"));
        assert_eq!(
            v,
            json!({"page_info": {"current_count": 1, "next_marker": "m"}})
        );
        assert!(value_is(&json!(["a", "b"]), &["b"]));
        assert!(value_is(&json!(5), &["5"]));
        assert!(!value_is(&json!({"a": 1}), &["a"]));
    }
}
