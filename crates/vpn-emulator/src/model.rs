//! What the emulator serves, derived from the specs alone: every operation with its method and
//! path, what it does to which resource (create, list, show, update, delete, or something
//! else), and each resource's wrapper property, list property, status and pagination.
//!
//! A resource is a collection path `P` (POST create, GET list) with an item path `P/{id}`
//! (GET show, PUT/PATCH update, DELETE delete). Its name is the single wrapper property of its
//! bodies (`vpn_connection`). Extensions read: `x-product` (the error shape), `x-pagination`
//! (on lists) and `x-waiter` (on shows: the first `ready` status ends `PENDING_*`).

use axum::http::Method;
use serde_json::Value;

use crate::spec::{object_properties, resolve};

/// Which API family an operation belongs to; the error body shape follows from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Api {
    /// VPN v5 (site-to-site and point-to-client): `{"code", "message", "request_id"}`.
    V5,
    /// Neutron-style VPNaaS under `/v2.0`: `{"NeutronError": {...}}`.
    Legacy,
}

/// What an operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    Create,
    List,
    Show,
    Update,
    Delete,
    /// Anything irregular (singletons, actions): a hook by operation id, else an answer made
    /// from the response schema.
    Other,
}

/// `x-pagination` of a list operation.
#[derive(Clone, Debug)]
pub(crate) struct Pagination {
    pub marker: String,
    pub limit: Option<String>,
    /// JSON pointer of the next marker in the response (`/page_info/next_marker`).
    pub next_marker: String,
}

/// One resource kind.
#[derive(Clone, Debug)]
pub(crate) struct Resource {
    /// The wrapper property (`vpn_connection`), which names its hooks.
    pub name: String,
    /// The store's key: the name, unless another resource (another path) has it already.
    pub key: String,
    /// The list property (`vpn_connections`).
    pub plural: String,
    /// In words (`vpn connection`, or `x-waiter`'s `resource` for legacy error types).
    pub words: String,
    pub api: Api,
    /// The item path template (`/v5/{project_id}/vpn-connection/{vpn_connection_id}`).
    pub item_path: String,
    /// The path parameter naming an item (`vpn_connection_id`).
    pub item_param: String,
    /// Path parameters of the collection that name a parent (not `project_id`).
    pub scope: Vec<String>,
    /// The status after `PENDING_*`; `None`: the resource has no status.
    pub ready: Option<String>,
    /// The property holding the status (`status`, from `x-waiter`'s pointer).
    pub status_key: String,
    /// The statuses of a new and of a changed resource, if its status enum has them
    /// (`PENDING_CREATE`, `PENDING_UPDATE`); `None`: ready at once.
    pub pending_create: Option<String>,
    pub pending_update: Option<String>,
    /// Properties the item schema defines (for generic fields such as `project_id`).
    pub properties: Vec<String>,
}

/// One operation.
#[derive(Clone, Debug)]
pub(crate) struct Op {
    pub id: String,
    pub method: Method,
    pub path: String,
    pub api: Api,
    pub action: Action,
    /// Index into [`Model::resources`] for CRUD actions.
    pub resource: Option<usize>,
    pub pagination: Option<Pagination>,
    /// Query parameters the operation declares.
    pub query: Vec<String>,
    /// The documented success status.
    pub success: u16,
    /// The wrapper of the request body, if it has one.
    pub request_wrapper: Option<String>,
    /// Top-level defaults of the wrapped request object (create only).
    pub defaults: Vec<(String, Value)>,
}

/// Every operation and resource of the specs.
pub(crate) struct Model {
    pub ops: Vec<Op>,
    pub resources: Vec<Resource>,
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
/// Response properties that are never the wrapper.
const ENVELOPE: [&str; 4] = ["request_id", "page_info", "total_count", "links"];

impl Model {
    pub(crate) fn build(docs: &[Value]) -> Model {
        let mut model = Model {
            ops: Vec::new(),
            resources: Vec::new(),
        };
        // Site-to-site first, then legacy, then the rest: where two resources share a name,
        // the first keeps it (and its hooks, written for these products).
        let rank = |doc: &&Value| match doc.get("x-product").and_then(Value::as_str) {
            None | Some("s2c") => 0,
            Some("legacy") => 1,
            Some(_) => 2,
        };
        let mut ordered: Vec<&Value> = docs.iter().collect();
        ordered.sort_by_key(rank);
        for doc in ordered {
            model.add_doc(doc);
        }
        // Store keys: names, made unique in the order resources were found.
        for i in 0..model.resources.len() {
            let name = model.resources[i].name.clone();
            let mut key = name.clone();
            let mut n = 1;
            while model.resources[..i].iter().any(|r| r.key == key) {
                n += 1;
                key = format!("{name}#{n}");
            }
            model.resources[i].key = key;
        }
        model
    }

    pub(crate) fn resource(&self, op: &Op) -> Option<&Resource> {
        op.resource.and_then(|i| self.resources.get(i))
    }

    /// The resource whose item path is `path`, if any.
    pub(crate) fn resource_at(&self, item_path: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.item_path == item_path)
    }

    fn add_doc(&mut self, doc: &Value) {
        let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
            return;
        };
        let api = match doc.get("x-product").and_then(Value::as_str) {
            Some("legacy") => Api::Legacy,
            Some(_) => Api::V5,
            None if paths.keys().any(|p| p.starts_with("/v2.0/")) => Api::Legacy,
            None => Api::V5,
        };
        let has = |path: &str, method: &str| {
            paths
                .get(path)
                .is_some_and(|item| item.get(method).is_some())
        };
        // An item path `P/{x}` of a collection `P` that has operations of its own.
        let item_of = |collection: &str| -> Option<String> {
            paths
                .keys()
                .find(|p| {
                    p.strip_prefix(collection)
                        .and_then(|rest| rest.strip_prefix("/{"))
                        .is_some_and(|rest| rest.ends_with('}') && !rest.contains('/'))
                })
                .cloned()
        };
        for (path, item) in paths {
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let (parent, last_is_param) = split_last(path);
                let action = match method {
                    "post" if item_of(path).is_some() => Action::Create,
                    "get" if item_of(path).is_some() || operation.get("x-pagination").is_some() => {
                        Action::List
                    }
                    "get" | "put" | "patch" | "delete"
                        if last_is_param && (has(parent, "post") || has(parent, "get")) =>
                    {
                        match method {
                            "get" => Action::Show,
                            "delete" => Action::Delete,
                            _ => Action::Update,
                        }
                    }
                    _ => Action::Other,
                };
                let request = request_schema(doc, operation);
                let response = success_schema(doc, operation);
                let request_wrapper = request.and_then(|s| wrapper(doc, s));
                let resource = match action {
                    Action::Other => None,
                    _ => {
                        let (collection, item_path) = match action {
                            Action::Create | Action::List => {
                                (path.clone(), item_of(path).unwrap_or_default())
                            }
                            _ => (parent.to_string(), path.clone()),
                        };
                        Some(self.resource_for(api, &collection, &item_path))
                    }
                };
                let defaults = match (action, request, &request_wrapper) {
                    (Action::Create, Some(schema), Some(w)) => defaults(doc, schema, w),
                    _ => Vec::new(),
                };
                let op = Op {
                    id: id.to_string(),
                    method: Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                        .unwrap_or(Method::GET),
                    path: path.clone(),
                    api,
                    action,
                    resource,
                    pagination: pagination(operation),
                    query: query_names(doc, item, operation),
                    success: success_status(operation),
                    request_wrapper: request_wrapper.clone(),
                    defaults,
                };
                if let Some(index) = resource {
                    self.learn(index, doc, &op, operation, request_wrapper, response);
                }
                self.ops.push(op);
            }
        }
    }

    /// The index of the resource at `collection`, created on first sight.
    fn resource_for(&mut self, api: Api, collection: &str, item_path: &str) -> usize {
        if let Some(i) = self
            .resources
            .iter()
            .position(|r| !item_path.is_empty() && r.item_path == item_path)
        {
            return i;
        }
        let (_, item_is_param) = split_last(item_path);
        let item_param = if item_is_param {
            item_path
                .rsplit('/')
                .next()
                .map(|s| s.trim_matches(|c| c == '{' || c == '}').to_string())
                .unwrap_or_default()
        } else {
            String::new()
        };
        let scope = collection
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .filter(|name| *name != "project_id")
            .map(str::to_string)
            .collect();
        let fallback = collection
            .rsplit('/')
            .find(|s| !s.starts_with('{'))
            .unwrap_or("resource")
            .replace('-', "_");
        self.resources.push(Resource {
            key: String::new(),
            name: fallback.clone(),
            plural: fallback.clone(),
            words: fallback.replace('_', " "),
            api,
            item_path: if item_path.is_empty() {
                format!("{collection}/{{}}")
            } else {
                item_path.to_string()
            },
            item_param,
            scope,
            ready: None,
            status_key: "status".into(),
            pending_create: None,
            pending_update: None,
            properties: Vec::new(),
        });
        self.resources.len() - 1
    }

    /// Names, status and properties of a resource, from one of its operations.
    fn learn(
        &mut self,
        index: usize,
        doc: &Value,
        op: &Op,
        operation: &Value,
        request_wrapper: Option<String>,
        response: Option<&Value>,
    ) {
        let r = &mut self.resources[index];
        let response_wrapper = response.and_then(|s| wrapper(doc, s));
        match op.action {
            Action::List => {
                let items = op
                    .pagination
                    .as_ref()
                    .and_then(|_| operation.pointer("/x-pagination/items"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .or_else(|| response.and_then(|s| list_property(doc, s)));
                if let Some(items) = items {
                    r.plural = items;
                }
            }
            _ => {
                if let Some(name) = response_wrapper.clone().or(request_wrapper) {
                    if r.words == r.name.replace('_', " ") {
                        r.words = name.replace('_', " ");
                    }
                    r.name = name;
                }
            }
        }
        if op.action == Action::Show {
            let waiter = operation.get("x-waiter");
            let key = waiter
                .and_then(|w| w.get("status"))
                .and_then(Value::as_str)
                .and_then(|pointer| pointer.rsplit('/').next())
                .unwrap_or("status")
                .to_string();
            let mut values: Option<Vec<String>> = None;
            if let (Some(schema), Some(w)) = (response, &response_wrapper)
                && let Some(item) = property(doc, schema, w)
            {
                let props: Vec<String> = object_properties(doc, item, 0)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(name, _)| name.clone())
                    .collect();
                if props.contains(&key) {
                    values = Some(enum_values(doc, item, &key));
                }
                r.properties = props;
            }
            if let Some(waiter) = waiter {
                values.get_or_insert_with(Vec::new);
                if let Some(words) = waiter.get("resource").and_then(Value::as_str) {
                    r.words = words.to_string();
                }
            }
            if let Some(values) = values {
                let ready = waiter
                    .and_then(|w| w.get("ready"))
                    .and_then(Value::as_array)
                    .and_then(|a| a.first())
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| status_ready(&values));
                let pending = |wanted: &str| {
                    (values.is_empty() || values.iter().any(|v| v == wanted))
                        .then(|| wanted.to_string())
                };
                r.pending_create = pending("PENDING_CREATE");
                r.pending_update = pending("PENDING_UPDATE");
                r.ready = Some(ready);
                r.status_key = key;
            }
        }
    }
}

/// (parent path, whether the last segment is a `{parameter}`).
fn split_last(path: &str) -> (&str, bool) {
    match path.rsplit_once('/') {
        Some((parent, last)) => (parent, last.starts_with('{') && last.ends_with('}')),
        None => (path, false),
    }
}

fn request_schema<'a>(doc: &'a Value, operation: &'a Value) -> Option<&'a Value> {
    let body = resolve(doc, operation.get("requestBody")?);
    body.pointer("/content/application~1json/schema")
}

fn success_schema<'a>(doc: &'a Value, operation: &'a Value) -> Option<&'a Value> {
    let responses = operation.get("responses")?.as_object()?;
    let (_, response) = responses.iter().find(|(code, _)| code.starts_with('2'))?;
    resolve(doc, response).pointer("/content/application~1json/schema")
}

fn success_status(operation: &Value) -> u16 {
    operation
        .get("responses")
        .and_then(Value::as_object)
        .and_then(|r| {
            r.keys()
                .filter_map(|k| k.parse::<u16>().ok())
                .find(|c| (200..300).contains(c))
        })
        .unwrap_or(200)
}

/// The single object-valued property of a body schema (besides the envelope's).
fn wrapper(doc: &Value, schema: &Value) -> Option<String> {
    let props = object_properties(doc, schema, 0)?;
    let objects: Vec<&String> = props
        .iter()
        .filter(|(name, _)| !ENVELOPE.contains(&name.as_str()))
        .filter(|(_, s)| {
            let s = resolve(doc, s);
            s.get("type").and_then(Value::as_str) == Some("object")
                || s.get("properties").is_some()
                || s.get("allOf").is_some()
        })
        .map(|(name, _)| *name)
        .collect();
    match objects.as_slice() {
        [one] => Some((*one).clone()),
        _ => None,
    }
}

/// The single array-valued property of a list response.
fn list_property(doc: &Value, schema: &Value) -> Option<String> {
    let props = object_properties(doc, schema, 0)?;
    let arrays: Vec<&String> = props
        .iter()
        .filter(|(_, s)| resolve(doc, s).get("type").and_then(Value::as_str) == Some("array"))
        .map(|(name, _)| *name)
        .collect();
    match arrays.as_slice() {
        [one] => Some((*one).clone()),
        _ => None,
    }
}

fn property<'a>(doc: &'a Value, schema: &'a Value, name: &str) -> Option<&'a Value> {
    object_properties(doc, schema, 0)?
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s)
}

/// The enum values of an item's property (empty: not an enum).
fn enum_values(doc: &Value, item: &Value, key: &str) -> Vec<String> {
    property(doc, item, key)
        .map(|s| resolve(doc, s))
        .and_then(|s| s.get("enum"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Without `x-waiter`: `ACTIVE` if the status enum has it, else its first non-pending value.
fn status_ready(values: &[String]) -> String {
    if values.is_empty() || values.iter().any(|v| v == "ACTIVE") {
        return "ACTIVE".into();
    }
    values
        .iter()
        .find(|v| !v.starts_with("PENDING"))
        .cloned()
        .unwrap_or_else(|| "ACTIVE".into())
}

fn pagination(operation: &Value) -> Option<Pagination> {
    let p = operation.get("x-pagination")?;
    let text = |key: &str| p.get(key).and_then(Value::as_str).map(str::to_string);
    Some(Pagination {
        marker: text("marker").unwrap_or_else(|| "marker".into()),
        limit: text("limit"),
        next_marker: text("next-marker").unwrap_or_else(|| "/page_info/next_marker".into()),
    })
}

fn query_names(doc: &Value, item: &Value, operation: &Value) -> Vec<String> {
    let mut names = Vec::new();
    for list in [item.get("parameters"), operation.get("parameters")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
    {
        for param in list {
            let param = resolve(doc, param);
            if param.get("in").and_then(Value::as_str) == Some("query")
                && let Some(name) = param.get("name").and_then(Value::as_str)
            {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// Top-level scalar `default`s of the wrapped object of a create request.
fn defaults(doc: &Value, schema: &Value, wrapper: &str) -> Vec<(String, Value)> {
    let Some(object) = property(doc, schema, wrapper) else {
        return Vec::new();
    };
    object_properties(doc, object, 0)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(name, s)| {
            let value = resolve(doc, s).get("default")?;
            (!value.is_object() && !value.is_array()).then(|| (name.clone(), value.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_come_from_the_paths() {
        let specs = crate::spec::specs().unwrap();
        let model = Model::build(specs.docs());
        let op = |id: &str| model.ops.iter().find(|o| o.id == id).unwrap();
        assert_eq!(op("CreateVpnConnection").action, Action::Create);
        assert_eq!(op("ListCgws").action, Action::List);
        assert_eq!(op("ShowQuotasInfo").action, Action::Other);
        assert_eq!(op("ListAvailabilityZones").action, Action::Other);
        assert_eq!(op("DeleteIpsecSiteConnection").api, Api::Legacy);
        let connection = model.resource(op("UpdateVpnConnection")).unwrap();
        assert_eq!(connection.name, "vpn_connection");
        assert_eq!(connection.plural, "vpn_connections");
        assert_eq!(connection.item_param, "vpn_connection_id");
        assert_eq!(connection.ready.as_deref(), Some("ACTIVE"));
        assert_eq!(connection.key, "vpn_connection");
        let cgw = model.resource(op("CreateCgw")).unwrap();
        assert_eq!(
            (cgw.name.as_str(), cgw.ready.as_ref()),
            ("customer_gateway", None)
        );
        assert!(op("ListVpnConnections").pagination.is_some());
        assert!(op("ListVgws").pagination.is_none());
    }
}
