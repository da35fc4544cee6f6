//! BatchCreateVpnConnection: one or two VPN connections on one gateway, both or neither.
//!
//! Why a hook: the engine creates one resource per call. Each item goes through the
//! connection's own create hook (the same checks and defaults as CreateVpnConnection); only
//! when every item passes are the connections stored, PENDING_CREATE for the transition
//! delay, then ACTIVE. The answer names them by id, and the engine renders them as a create
//! answers. A pair without `ha_role` becomes master and slave.

use serde_json::{Value, json};

use super::Hooks;
use super::connection::VpnConnection;
use crate::call::{Call, Fault};
use crate::clock::iso_millis;
use crate::store::{Project, Record, new_id};

const KIND: &str = "vpn_connection";

pub(crate) fn create(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let items: Vec<Value> = call
        .body
        .get("vpn_connections")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let gateway = |item: &Value| {
        item.get("vgw_id")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    if let Some(first) = items.first() {
        for (i, item) in items.iter().enumerate().skip(1) {
            if gateway(item) != gateway(first) {
                return Err(Fault::invalid_field(
                    &format!("vpn_connections[{i}].vgw_id"),
                    "must be the gateway of vpn_connections[0]: a batch is on one VPN gateway",
                ));
            }
        }
    }
    let pair = items.len() == 2;
    let mut made = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let mut fields = item.as_object().cloned().unwrap_or_default();
        let role_given = fields.contains_key("ha_role");
        VpnConnection
            .create(p, call, &mut fields)
            .map_err(|mut fault| {
                // The item's own path, not the single create's wrapper.
                fault.message = fault
                    .message
                    .replace("vpn_connection.", &format!("vpn_connections[{i}]."));
                fault
            })?;
        if pair && !role_given {
            fields.insert(
                "ha_role".into(),
                json!(if i == 0 { "master" } else { "slave" }),
            );
        }
        made.push(fields);
    }
    let first = p.next_created_ms(KIND);
    let mut ids = Vec::with_capacity(made.len());
    for (created, mut fields) in (first..).zip(made) {
        fields
            .entry("updated_at")
            .or_insert_with(|| json!(iso_millis(created)));
        let mut record = Record::new(new_id(), created, fields);
        record.transition(Some("PENDING_CREATE"), "ACTIVE", call.now, call.delay);
        ids.push(json!({ "id": record.id }));
        p.push(KIND, record);
    }
    Ok(json!({ "vpn_connections": ids }))
}
