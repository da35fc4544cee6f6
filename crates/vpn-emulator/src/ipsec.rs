//! The legacy (Neutron VPNaaS v2.0 style) IPsec site connection operations.

use serde_json::{Map, Value, json};

use crate::clock::neutron_time;
use crate::server::{Call, Fault, Success};
use crate::store::{Record, Store, find, find_mut, new_id};

/// Fields a connection is shown with (the project and timestamps are added).
const FIELDS: &[&str] = &[
    "id",
    "name",
    "description",
    "status",
    "psk",
    "initiator",
    "admin_state_up",
    "mtu",
    "auth_mode",
    "route_mode",
    "ipsecpolicy_id",
    "ikepolicy_id",
    "vpnservice_id",
    "local_ep_group_id",
    "peer_ep_group_id",
    "peer_address",
    "peer_id",
    "peer_cidrs",
    "dpd",
    "project_id",
    "tenant_id",
    "created_at",
];

fn view(r: &Record, call: &Call) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("id".into(), json!(r.id));
    out.insert("status".into(), json!(r.status(call.now)));
    out.insert("created_at".into(), json!(neutron_time(r.created_ms)));
    for key in FIELDS {
        if let Some(value) = r.fields.get(*key) {
            out.insert((*key).to_string(), value.clone());
        }
    }
    out
}

fn not_found(id: &str) -> Fault {
    Fault {
        status: 404,
        code: "VPN.0004",
        neutron_type: "IPsecSiteConnectionNotFound",
        message: format!("IPsec site connection {id} could not be found"),
    }
}

fn input(call: &Call) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    call.body
        .get("ipsec_site_connection")
        .and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

fn merge_dpd(current: Option<&Value>, change: Option<&Value>) -> Value {
    let mut dpd = current
        .cloned()
        .unwrap_or_else(|| json!({"action": "hold", "interval": 30, "timeout": 120}));
    if let (Some(dpd), Some(change)) = (dpd.as_object_mut(), change.and_then(Value::as_object)) {
        for (k, v) in change {
            dpd.insert(k.clone(), v.clone());
        }
    }
    dpd
}

/// DPD timeout must be longer than the interval (as Neutron checks).
fn check_dpd(dpd: &Value) -> Result<(), Fault> {
    let interval = dpd.get("interval").and_then(Value::as_i64).unwrap_or(30);
    let timeout = dpd.get("timeout").and_then(Value::as_i64).unwrap_or(120);
    if interval <= 0 {
        return Err(Fault::invalid(
            "ipsec_site_connection.dpd.interval: must be a positive integer",
        ));
    }
    if timeout <= interval {
        return Err(Fault::invalid(
            "ipsec_site_connection.dpd.timeout: must be greater than dpd.interval",
        ));
    }
    Ok(())
}

pub(crate) fn create(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let input = input(call);
    let dpd = merge_dpd(None, input.get("dpd"));
    check_dpd(&dpd)?;
    let mut fields = Map::new();
    for key in [
        "psk",
        "ipsecpolicy_id",
        "ikepolicy_id",
        "vpnservice_id",
        "local_ep_group_id",
        "peer_ep_group_id",
        "peer_address",
        "peer_id",
    ] {
        if let Some(value) = input.get(key) {
            fields.insert(key.into(), value.clone());
        }
    }
    let text =
        |key: &str, default: &str| json!(input.get(key).and_then(Value::as_str).unwrap_or(default));
    fields.insert("name".into(), text("name", ""));
    fields.insert("description".into(), text("description", ""));
    fields.insert("initiator".into(), text("initiator", "bi-directional"));
    fields.insert("admin_state_up".into(), json!(true));
    fields.insert("mtu".into(), json!(1500));
    fields.insert("auth_mode".into(), json!("psk"));
    fields.insert("route_mode".into(), json!("static"));
    fields.insert(
        "peer_cidrs".into(),
        input.get("peer_cidrs").cloned().unwrap_or(json!([])),
    );
    fields.insert("dpd".into(), dpd);
    fields.insert("project_id".into(), json!(call.project));
    fields.insert("tenant_id".into(), json!(call.project));
    let created = store.stamp();
    let mut record = Record::new(new_id(), created, fields);
    record.transition("PENDING_CREATE", call.now, call.delay);
    let shown = view(&record, call);
    store.project(&call.project).ipsec.push(record);
    Ok(Success::created(json!({ "ipsec_site_connection": shown })))
}

pub(crate) fn show(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    let r = find(&p.ipsec, &call.id).ok_or_else(|| not_found(&call.id))?;
    Ok(Success::ok(
        json!({ "ipsec_site_connection": view(r, call) }),
    ))
}

pub(crate) fn list(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    let fields = call.params("fields");
    let items: Vec<Value> = p
        .ipsec
        .iter()
        .map(|r| view(r, call))
        .filter(|v| {
            ["id", "name", "status", "vpnservice_id"].iter().all(|key| {
                call.param(key)
                    .is_none_or(|wanted| v.get(*key).and_then(Value::as_str) == Some(wanted))
            })
        })
        .map(|mut v| {
            if !fields.is_empty() {
                v.retain(|k, _| fields.contains(&k.as_str()));
            }
            Value::Object(v)
        })
        .collect();
    Ok(Success::ok(json!({ "ipsec_site_connections": items })))
}

pub(crate) fn update(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let input = input(call);
    let p = store.project(&call.project);
    let r = find_mut(&mut p.ipsec, &call.id).ok_or_else(|| not_found(&call.id))?;
    let dpd = merge_dpd(r.fields.get("dpd"), input.get("dpd"));
    check_dpd(&dpd)?;
    for key in [
        "name",
        "description",
        "psk",
        "initiator",
        "peer_address",
        "peer_id",
        "peer_cidrs",
        "local_ep_group_id",
        "peer_ep_group_id",
    ] {
        if let Some(value) = input.get(key) {
            r.fields.insert(key.into(), value.clone());
        }
    }
    r.fields.insert("dpd".into(), dpd);
    r.transition("PENDING_UPDATE", call.now, call.delay);
    Ok(Success::ok(
        json!({ "ipsec_site_connection": view(r, call) }),
    ))
}

pub(crate) fn delete(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    if find(&p.ipsec, &call.id).is_none() {
        return Err(not_found(&call.id));
    }
    p.ipsec.retain(|r| r.id != call.id);
    Ok(Success::no_content())
}
