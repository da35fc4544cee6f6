//! A VPN gateway's routing table, derived from its connections.
//!
//! Why a hook: the table is no stored resource; it is what the gateway's route-based
//! connections give. A static connection routes its `peer_subnets` to the tunnel's peer
//! address; a BGP connection's routes are "learned" from its customer gateway (the peer
//! subnets it was given, with the customer gateway's ASN as AS path). Policy-based
//! connections route nothing. Paging: `offset`, then `marker` (`<connection id>:<destination>`
//! of the last route of the previous page: unique, as destinations alone need not be), then
//! `limit`.

use serde_json::{Value, json};

use super::util::strings;
use crate::call::{Call, Fault};
use crate::store::Project;

/// The address part of a tunnel interface address (`169.254.56.226/30`).
fn address(cidr: Option<&str>) -> String {
    cidr.map(|a| a.split('/').next().unwrap_or(a).to_string())
        .unwrap_or_default()
}

pub(crate) fn show(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let vgw_id = call.path_param("vgw_id").unwrap_or_default();
    if p.find("vpn_gateway", vgw_id).is_none() {
        return Err(Fault::not_found("vpn gateway", vgw_id));
    }
    let with_resource = call.param("is_include_nexthop_resource") == Some("true");
    let mut routes: Vec<(String, Value)> = Vec::new();
    for c in p
        .all("vpn_connection")
        .iter()
        .filter(|c| c.str("vgw_id") == Some(vgw_id))
    {
        let style = c.str("style").unwrap_or_default();
        if style != "STATIC" && style != "BGP" {
            continue;
        }
        let asn = c
            .str("cgw_id")
            .and_then(|id| p.find("customer_gateway", id))
            .and_then(|g| g.fields.get("bgp_asn").cloned());
        for destination in strings(&c.fields, "peer_subnets").unwrap_or_default() {
            let mut route = json!({
                "destination": destination,
                "nexthop": address(c.str("tunnel_peer_address")),
                "outbound_interface_ip": address(c.str("tunnel_local_address")),
            });
            if style == "BGP" {
                route["origin"] = json!("IGP");
                route["as_path"] = json!(asn.as_ref().map(Value::to_string).unwrap_or_default());
                route["med"] = json!(0);
            }
            if with_resource {
                route["nexthop_resource"] = json!({"id": c.id, "type": "vpn_connection"});
            }
            routes.push((format!("{}:{destination}", c.id), route));
        }
    }
    let total = routes.len();
    let count = |name: &str| -> Result<Option<usize>, Fault> {
        Ok(call
            .count_param(name)?
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX)))
    };
    let offset = count("offset")?.unwrap_or(0);
    let limit = count("limit")?.filter(|l| *l > 0).unwrap_or(2000);
    let mut rest: Vec<(String, Value)> = routes.into_iter().skip(offset).collect();
    if let Some(marker) = call.param("marker").filter(|m| !m.is_empty()) {
        let start = rest
            .iter()
            .position(|(key, _)| key == marker)
            .map_or(rest.len(), |i| i + 1);
        rest.drain(..start);
    }
    let more = rest.len() > limit;
    rest.truncate(limit);
    let mut page_info = json!({ "current_count": rest.len() });
    if more && let Some((key, _)) = rest.last() {
        page_info["next_marker"] = json!(key);
    }
    let page: Vec<Value> = rest.into_iter().map(|(_, route)| route).collect();
    Ok(json!({
        "routing_table": page,
        "total_count": total,
        "page_info": page_info,
    }))
}
