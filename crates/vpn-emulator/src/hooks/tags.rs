//! Tags changed after creation, and resources selected by their tags.
//!
//! Why a hook: the tag operations address a resource by `{resource_type}/{resource_id}`,
//! which no generic rule maps onto the store. Tags live in the tagged record's own `tags`
//! field, so a gateway created with tags shows the tags added later, and the other way round.

use serde_json::{Value, json};

use crate::call::{Call, Fault};
use crate::store::{Project, Record};

/// Tags one resource may carry.
const MAX_TAGS: usize = 20;

/// The store's kind for a `resource_type` of the path, and the resource in words.
fn kind(resource_type: &str) -> Result<(&'static str, &'static str), Fault> {
    Ok(match resource_type {
        "vpn-gateway" => ("vpn_gateway", "vpn gateway"),
        "customer-gateway" => ("customer_gateway", "customer gateway"),
        "vpn-connection" => ("vpn_connection", "vpn connection"),
        "p2c-vpn-gateways" => ("p2c_vpn_gateway", "p2c vpn gateway"),
        other => {
            return Err(Fault::invalid_field(
                "resource_type",
                &format!(
                    "must be vpn-gateway, customer-gateway, vpn-connection or p2c-vpn-gateways, not `{other}`"
                ),
            ));
        }
    })
}

fn resource_type(call: &Call) -> Result<(&'static str, &'static str), Fault> {
    kind(call.path_param("resource_type").unwrap_or_default())
}

/// The tagged record, or the 404 of its kind.
fn tagged<'a>(p: &'a mut Project, call: &Call) -> Result<&'a mut Record, Fault> {
    let (kind, words) = resource_type(call)?;
    let id = call.path_param("resource_id").unwrap_or_default();
    p.find_mut(kind, id)
        .ok_or_else(|| Fault::not_found(words, id))
}

/// A JSON list of tags as (key, value if given) pairs, in their order.
fn pairs(list: Option<&Value>) -> Vec<(String, Option<String>)> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            let key = t.get("key")?.as_str()?.to_string();
            Some((
                key,
                t.get("value").and_then(Value::as_str).map(str::to_string),
            ))
        })
        .collect()
}

/// A record's tags as (key, value) pairs, in their order.
fn tags_of(r: &Record) -> Vec<(String, String)> {
    pairs(r.fields.get("tags"))
        .into_iter()
        .map(|(key, value)| (key, value.unwrap_or_default()))
        .collect()
}

/// Tags as the API writes them.
fn tag_list(tags: &[(String, String)]) -> Value {
    tags.iter()
        .map(|(key, value)| json!({"key": key, "value": value}))
        .collect()
}

fn set_tags(r: &mut Record, tags: &[(String, String)]) {
    r.fields.insert("tags".into(), tag_list(tags));
}

/// The request's `tags` as (key, value if given).
fn requested(call: &Call) -> Vec<(String, Option<String>)> {
    pairs(call.body.get("tags"))
}

/// BatchCreateResourceTags: a key the resource has gets the new value; at most 20 tags.
pub(crate) fn create(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let record = tagged(p, call)?;
    let mut tags = tags_of(record);
    for (key, value) in requested(call) {
        let value = value.unwrap_or_default();
        match tags.iter_mut().find(|(k, _)| *k == key) {
            Some(existing) => existing.1 = value,
            None => tags.push((key, value)),
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(Fault::invalid_field(
            "tags",
            &format!(
                "a resource has at most {MAX_TAGS} tags, this would give it {}",
                tags.len()
            ),
        ));
    }
    set_tags(record, &tags);
    Ok(Value::Null)
}

/// BatchDeleteResourceTags: a tag given with a value goes only if the value matches.
pub(crate) fn delete(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let gone = requested(call);
    let record = tagged(p, call)?;
    let mut tags = tags_of(record);
    tags.retain(|(key, value)| {
        !gone
            .iter()
            .any(|(k, v)| k == key && v.as_ref().is_none_or(|v| v == value))
    });
    set_tags(record, &tags);
    Ok(Value::Null)
}

/// ShowResourceTags.
pub(crate) fn show(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let record = tagged(p, call)?;
    Ok(json!({ "tags": tag_list(&tags_of(record)) }))
}

/// ListProjectTags: every key on resources of the type, with its values (first seen first).
pub(crate) fn list_project(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let (kind, _) = resource_type(call)?;
    let mut keys: Vec<(String, Vec<String>)> = Vec::new();
    for (key, value) in p.all(kind).iter().flat_map(tags_of) {
        match keys.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) if !values.contains(&value) => values.push(value),
            Some(_) => {}
            None => keys.push((key, vec![value])),
        }
    }
    let tags: Vec<Value> = keys
        .into_iter()
        .map(|(key, values)| json!({"key": key, "values": values}))
        .collect();
    Ok(json!({ "tags": tags }))
}

/// Whether a record meets the query of ListResourcesByTags / CountResourcesByTags.
fn selected(r: &Record, query: &Value) -> bool {
    let tags = tags_of(r);
    if query.get("without_any_tag").and_then(Value::as_bool) == Some(true) {
        if !tags.is_empty() {
            return false;
        }
    } else {
        for wanted in query
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = wanted
                .get("key")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let values: Vec<&str> = wanted
                .get("values")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let has = tags
                .iter()
                .any(|(k, v)| k == key && (values.is_empty() || values.contains(&v.as_str())));
            if !has {
                return false;
            }
        }
    }
    query
        .get("matches")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .all(|m| {
            let field = match m.get("key").and_then(Value::as_str) {
                Some("resource_name") => "name",
                _ => return false,
            };
            let text = m.get("value").and_then(Value::as_str).unwrap_or_default();
            r.str(field).is_some_and(|name| name.contains(text))
        })
}

fn matching<'a>(p: &'a Project, call: &Call) -> Result<Vec<&'a Record>, Fault> {
    let (kind, _) = resource_type(call)?;
    Ok(p.all(kind)
        .iter()
        .filter(|r| selected(r, &call.body))
        .collect())
}

/// A non-negative 32-bit integer query parameter (`int32` in the spec), or `default`.
fn number(call: &Call, name: &str, default: usize) -> Result<usize, Fault> {
    match call.param(name) {
        None => Ok(default),
        Some(text) => text
            .parse::<i32>()
            .ok()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| Fault::invalid_field(name, "must be an integer from 0 to 2147483647")),
    }
}

/// ListResourcesByTags: one page (`offset`, `limit`) and the number over all pages.
pub(crate) fn list_resources(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let offset = number(call, "offset", 0)?;
    let limit = number(call, "limit", 1000)?;
    let all = matching(p, call)?;
    let resources: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|r| {
            json!({
                "resource_id": r.id,
                "resource_name": r.str("name").unwrap_or(""),
                "resource_detail": {},
                "tags": tag_list(&tags_of(r)),
            })
        })
        .collect();
    Ok(json!({ "resources": resources, "total_count": all.len() }))
}

/// CountResourcesByTags.
pub(crate) fn count_resources(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    Ok(json!({ "total_count": matching(p, call)?.len() }))
}
