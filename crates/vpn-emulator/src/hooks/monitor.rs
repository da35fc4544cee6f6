//! Connection monitors: one per existing VPN connection, addresses taken from the connection's
//! gateways, no status in the create answer.

use std::net::Ipv4Addr;

use serde_json::{Map, Value, json};

use super::Hooks;
use super::util::{gateway_address, only, s};
use crate::call::{Call, Fault};
use crate::model::Action;
use crate::store::{Project, Record};

pub(crate) struct ConnectionMonitor;

const FIELDS: &[&str] = &[
    "id",
    "vpn_connection_id",
    "type",
    "source_ip",
    "destination_ip",
    "proto_type",
    "status",
];

impl Hooks for ConnectionMonitor {
    fn create(
        &self,
        p: &mut Project,
        _: &Call,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        let connection_id = s(fields, "vpn_connection_id")
            .unwrap_or_default()
            .to_string();
        let connection = p
            .find("vpn_connection", &connection_id)
            .ok_or_else(|| Fault::not_found("vpn connection", &connection_id))?;
        if let Some(existing) = p
            .all("connection_monitor")
            .iter()
            .find(|m| m.str("vpn_connection_id") == Some(connection_id.as_str()))
        {
            return Err(Fault::duplicate(format!(
                "vpn connection {connection_id} already has connection monitor {}",
                existing.id
            )));
        }
        let source = connection
            .str("vgw_id")
            .and_then(|id| p.find("vpn_gateway", id))
            .and_then(|vgw| gateway_address(vgw, connection.str("vgw_ip").unwrap_or_default()))
            .unwrap_or_else(|| "192.0.2.1".into());
        let destination = connection
            .str("cgw_id")
            .and_then(|id| p.find("customer_gateway", id))
            .and_then(|cgw| cgw.str("id_value"))
            .filter(|v| v.parse::<Ipv4Addr>().is_ok())
            .map(str::to_string)
            .unwrap_or_else(|| "198.51.100.1".into());
        fields.clear();
        fields.insert("vpn_connection_id".into(), json!(connection_id));
        fields.insert("type".into(), json!("gateway"));
        fields.insert("source_ip".into(), json!(source));
        fields.insert("destination_ip".into(), json!(destination));
        fields.insert("proto_type".into(), json!("icmp"));
        Ok(())
    }

    fn view(
        &self,
        _: &Project,
        _: &Record,
        action: Action,
        _: &Call,
        out: Map<String, Value>,
    ) -> Map<String, Value> {
        let mut out = only(&out, FIELDS);
        if action == Action::Create {
            out.remove("status");
        }
        out
    }

    /// A monitor's enterprise project is its connection's.
    fn filter(
        &self,
        p: &Project,
        view: &Map<String, Value>,
        param: &str,
        values: &[&str],
    ) -> Option<bool> {
        (param == "enterprise_project_id").then(|| {
            let project = s(view, "vpn_connection_id")
                .and_then(|c| p.find("vpn_connection", c))
                .and_then(|c| c.str("enterprise_project_id"))
                .unwrap_or("0");
            values.contains(&project)
        })
    }
}
