//! Point-to-client VPN gateways: the gateway's EIP address, its client connections (listed,
//! disconnected), its connection logging, and what goes with it when it is deleted.
//!
//! Why a hook: the engine stores a P2C gateway like any resource, but cannot know how clients
//! connect or that its connections and logging go with it. A client connection is made by a
//! client, not by the API: tests make one with `Emulator::connect_p2c_client` (a laptop
//! connecting to an ACTIVE gateway's VPN server as one of its users).

use std::net::Ipv4Addr;

use serde_json::{Map, Value, json};

use super::util::s;
use super::{Hooks, vpn_server, vpn_user};
use crate::call::{Call, Fault};
use crate::clock::{iso_millis, now_millis};
use crate::model::Action;
use crate::store::{Project, Record, new_id};

pub(crate) struct P2cVpnGateway;

/// The store's kind of the gateways (the engine's resource).
pub(crate) const GATEWAYS: &str = "p2c_vpn_gateway";
/// The store's kind of the client connections (scoped to their gateway).
pub(crate) const CONNECTIONS: &str = "p2c_connection";
/// The store's kind of the connection logging configurations (id: the gateway's id).
const LOG_CONFIGS: &str = "p2c_log_config";

fn gateway_id(call: &Call) -> &str {
    call.path_param("p2c_vgw_id").unwrap_or_default()
}

fn connections_of<'a>(p: &'a Project, vgw_id: &'a str) -> impl Iterator<Item = &'a Record> {
    p.all(CONNECTIONS)
        .iter()
        .filter(move |c| c.scope.first().map(String::as_str) == Some(vgw_id))
}

impl Hooks for P2cVpnGateway {
    fn create(
        &self,
        p: &mut Project,
        _: &Call,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        // The EIP gets an address (made up, stable per gateway count) and its version.
        let n = p.all(GATEWAYS).len();
        if let Some(Value::Object(eip)) = fields.get_mut("eip") {
            let last = u8::try_from(n % 250 + 2).unwrap_or(2);
            eip.insert(
                "ip_address".into(),
                json!(Ipv4Addr::new(203, 0, 113, last).to_string()),
            );
            eip.insert("ip_version".into(), json!(4));
        }
        Ok(())
    }

    fn delete(&self, p: &mut Project, call: &Call) -> Result<(), Fault> {
        // Its VPN server, with the server's CA certificates, users, groups and policies, go
        // with it; so do its client connections and its logging configuration.
        let vgw_id = call.id.clone();
        let servers: Vec<String> = p
            .all(vpn_server::SERVERS)
            .iter()
            .filter(|r| r.str("p2c_vgw_id") == Some(vgw_id.as_str()))
            .map(|r| r.id.clone())
            .collect();
        for kind in vpn_server::BELOW_SERVER {
            p.remove_where(kind, |r| r.scope.iter().any(|id| servers.contains(id)));
        }
        p.remove_where(vpn_server::SERVERS, |r| servers.contains(&r.id));
        p.remove_where(CONNECTIONS, |r| r.scope.first() == Some(&vgw_id));
        p.remove_where(LOG_CONFIGS, |r| r.id == vgw_id);
        Ok(())
    }

    fn view(
        &self,
        p: &Project,
        r: &Record,
        _: Action,
        _: &Call,
        mut view: Map<String, Value>,
    ) -> Map<String, Value> {
        view.insert(
            "current_connection_number".into(),
            json!(connections_of(p, &r.id).count()),
        );
        view
    }

    fn not_found(&self, id: &str) -> Option<Fault> {
        Some(Fault::not_found("p2c vpn gateway", id))
    }
}

/// A client connection to the gateway `vgw_id` by `user_name` from `client_ip` (what a VPN
/// client does; no API operation makes one). `None` when the gateway is not ACTIVE, has no
/// ACTIVE VPN server, or the server authenticates local users and has no user of that name.
/// Clients get addresses from the server's `client_cidr`.
pub(crate) fn connect(
    p: &mut Project,
    vgw_id: &str,
    user_name: &str,
    client_ip: &str,
    now: std::time::Instant,
) -> Option<String> {
    if p.find(GATEWAYS, vgw_id)?.status(now) != "ACTIVE" {
        return None;
    }
    let server = p
        .all(vpn_server::SERVERS)
        .iter()
        .find(|r| r.str("p2c_vgw_id") == Some(vgw_id) && r.status(now) == "ACTIVE")?;
    let password_users =
        server.str("client_auth_type").unwrap_or("LOCAL_PASSWORD") == "LOCAL_PASSWORD";
    if password_users
        && !p
            .all(vpn_user::USERS)
            .iter()
            .any(|u| u.scope.first() == Some(&server.id) && u.str("name") == Some(user_name))
    {
        return None;
    }
    let cidr = server
        .str("client_cidr")
        .unwrap_or("172.16.0.0/16")
        .to_string();
    let n = connections_of(p, vgw_id).count();
    let virtual_ip = cidr
        .split_once('/')
        .and_then(|(base, _)| base.parse::<Ipv4Addr>().ok())
        .map(|base| Ipv4Addr::from(u32::from(base).wrapping_add(u32::try_from(n).unwrap_or(0) + 2)))
        .unwrap_or(Ipv4Addr::new(172, 16, 0, 2));
    let created = p.next_created_ms(CONNECTIONS);
    let mut fields = Map::new();
    let id = new_id();
    fields.insert("connection_id".into(), json!(id));
    fields.insert("client_user_name".into(), json!(user_name));
    fields.insert("client_ip".into(), json!(client_ip));
    fields.insert("client_virtual_ip".into(), json!(virtual_ip.to_string()));
    fields.insert(
        "connection_established_time".into(),
        json!(iso_millis(created)),
    );
    let mut record = Record::new(id.clone(), created, fields);
    record.scope = vec![vgw_id.to_string()];
    p.push(CONNECTIONS, record);
    Some(id)
}

/// ListP2cVgwConnections: the gateway's client connections, oldest first, `offset` and
/// `limit` applied, with traffic counters that grow with the connection's age.
pub(crate) fn list_connections(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let vgw_id = gateway_id(call);
    let offset = call.count_param("offset")?.unwrap_or(0);
    let limit = call
        .count_param("limit")?
        .filter(|l| *l > 0)
        .unwrap_or(u64::MAX);
    let now = now_millis();
    let all: Vec<&Record> = connections_of(p, vgw_id).collect();
    let items: Vec<Value> = all
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|c| {
            let seconds = now.saturating_sub(c.created_ms) / 1000 + 1;
            let mut view = c.fields.clone();
            view.insert("inbound_packets".into(), json!(seconds * 12));
            view.insert("outbound_packets".into(), json!(seconds * 10));
            view.insert("inbound_bytes".into(), json!(seconds * 12 * 900));
            view.insert("outbound_bytes".into(), json!(seconds * 10 * 700));
            view.insert("timestamp".into(), json!(iso_millis(now)));
            Value::Object(view)
        })
        .collect();
    Ok(json!({ "connections": items, "total_count": all.len() }))
}

/// DeleteP2cVgwConnection: disconnects one client connection of the gateway.
pub(crate) fn disconnect(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let vgw_id = gateway_id(call).to_string();
    let id = call
        .path_param("connection_id")
        .unwrap_or_default()
        .to_string();
    if !connections_of(p, &vgw_id).any(|c| c.id == id) {
        return Err(Fault::not_found("p2c vpn gateway connection", &id));
    }
    p.remove_where(CONNECTIONS, |c| c.id == id);
    Ok(json!({}))
}

/// ShowVpnConnectionsLogConfig: where the gateway logs its client connections; an empty
/// object until it is configured.
pub(crate) fn show_log_config(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let config = p
        .find(LOG_CONFIGS, gateway_id(call))
        .map(|r| r.fields.clone())
        .unwrap_or_default();
    Ok(json!({ "log_config": config }))
}

/// UpdateVpnConnectionsLogConfig: sets the LTS log group and stream (both, together).
pub(crate) fn update_log_config(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let vgw_id = gateway_id(call).to_string();
    let empty = Map::new();
    let change = call
        .body
        .get("log_config")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let (Some(group), Some(stream)) = (s(change, "log_group_id"), s(change, "log_stream_id"))
    else {
        return Err(Fault::invalid_field(
            "log_config",
            "log_group_id and log_stream_id are set together",
        ));
    };
    let mut fields = Map::new();
    fields.insert("log_group_id".into(), json!(group));
    fields.insert("log_stream_id".into(), json!(stream));
    p.remove_where(LOG_CONFIGS, |r| r.id == vgw_id);
    let created = p.next_created_ms(LOG_CONFIGS);
    p.push(LOG_CONFIGS, Record::new(vgw_id, created, fields.clone()));
    Ok(json!({ "log_config": fields }))
}

/// DeleteVpnConnectionsLogConfig: stops the logging; 404 when none is configured.
pub(crate) fn delete_log_config(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let vgw_id = gateway_id(call).to_string();
    if p.find(LOG_CONFIGS, &vgw_id).is_none() {
        return Err(Fault::not_found(
            "connection log configuration of p2c vpn gateway",
            &vgw_id,
        ));
    }
    p.remove_where(LOG_CONFIGS, |r| r.id == vgw_id);
    Ok(json!({}))
}
