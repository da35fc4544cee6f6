//! VPN connections: the style's required fields, CIDR checks, the gateway and customer
//! gateway they reference, policies that start from the gateway's `policy_template`, server
//! defaults, the BGP peer and monitor in views, and the monitor going with the connection.

use serde_json::{Map, Value, json};

use super::Hooks;
use super::util::{
    check_cidrs, copy, eip_ids, gateway_address, only, parse_cidr_v4, random_bytes, s,
};
use crate::call::{Call, Fault};
use crate::engine::merge;
use crate::model::Action;
use crate::store::{Project, Record, name_suffix};

pub(crate) struct VpnConnection;

const AT: &str = "vpn_connection";

/// Fields of every connection view (status, monitor and BGP peer are added per operation).
const FIELDS: &[&str] = &[
    "id",
    "name",
    "vgw_id",
    "vgw_ip",
    "style",
    "cgw_id",
    "peer_subnets",
    "peer_subnets_v6",
    "tunnel_local_address",
    "tunnel_peer_address",
    "enable_nqa",
    "enable_hub",
    "policy_rules",
    "policy_rules_v6",
    "ikepolicy",
    "ipsecpolicy",
    "created_at",
    "updated_at",
    "enterprise_project_id",
    "ha_role",
    "tags",
];

/// A /30 in 169.254.0.0/16 for the tunnel interfaces: (local, peer).
fn tunnel_pair() -> (String, String) {
    let b = random_bytes();
    let third = b[0].max(1);
    let fourth = (b[1] & 0xfc).max(4);
    (
        format!("169.254.{third}.{}/30", fourth + 1),
        format!("169.254.{third}.{}/30", fourth + 2),
    )
}

fn check_input(input: &Map<String, Value>, style: &str) -> Result<(), Fault> {
    check_cidrs(input, "peer_subnets", AT, false)?;
    check_cidrs(input, "peer_subnets_v6", AT, true)?;
    for key in ["tunnel_local_address", "tunnel_peer_address"] {
        if let Some(address) = s(input, key)
            && !parse_cidr_v4(address)
        {
            return Err(Fault::invalid_field(
                &format!("{AT}.{key}"),
                "must be an IPv4 address with a prefix length (169.254.x.y/30)",
            ));
        }
    }
    let non_empty = |key: &str| {
        input
            .get(key)
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
    };
    match style {
        "static" if !non_empty("peer_subnets") && !non_empty("peer_subnets_v6") => {
            Err(Fault::invalid_field(
                &format!("{AT}.peer_subnets"),
                "is required when style is static",
            ))
        }
        "policy" if !non_empty("policy_rules") && !non_empty("policy_rules_v6") => {
            Err(Fault::invalid_field(
                &format!("{AT}.policy_rules"),
                "is required when style is policy",
            ))
        }
        _ => Ok(()),
    }
}

/// The IKE and IPsec policies of a new connection: the service's defaults, then the gateway's
/// policy template, then what the request gives.
fn policies(vgw: &Record, input: &Map<String, Value>) -> (Value, Value) {
    let mut ike = json!({
        "ike_version": "v2",
        "authentication_algorithm": "sha2-256",
        "encryption_algorithm": "aes-128",
        "dh_group": "group15",
        "authentication_method": "pre-share",
        "lifetime_seconds": 86400,
        "local_id_type": "ip",
        "peer_id_type": "ip",
        "dpd": {"timeout": 15, "interval": 30, "msg": "seq-hash-notify"},
    });
    let mut ipsec = json!({
        "authentication_algorithm": "sha2-256",
        "encryption_algorithm": "aes-128",
        "pfs": "group15",
        "transform_protocol": "esp",
        "lifetime_seconds": 3600,
        "encapsulation_mode": "tunnel",
    });
    let template = vgw.fields.get("policy_template");
    for (policy, part, given) in [
        (&mut ike, "ike_policy", "ikepolicy"),
        (&mut ipsec, "ipsec_policy", "ipsecpolicy"),
    ] {
        if let Some(policy) = policy.as_object_mut() {
            if let Some(from_template) = template
                .and_then(|t| t.get(part))
                .and_then(Value::as_object)
            {
                merge(policy, from_template);
            }
            if let Some(given) = input.get(given).and_then(Value::as_object) {
                merge(policy, given);
            }
        }
    }
    (ike, ipsec)
}

impl Hooks for VpnConnection {
    fn create(
        &self,
        p: &mut Project,
        _: &Call,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        let input = std::mem::take(fields);
        let style = s(&input, "style").unwrap_or("static");
        check_input(&input, style)?;
        let vgw_id = s(&input, "vgw_id").unwrap_or_default();
        let cgw_id = s(&input, "cgw_id").unwrap_or_default();
        let vgw_ip = s(&input, "vgw_ip").unwrap_or_default();
        let vgw = p
            .find("vpn_gateway", vgw_id)
            .ok_or_else(|| Fault::not_found("vpn gateway", vgw_id))?;
        let cgw = p
            .find("customer_gateway", cgw_id)
            .ok_or_else(|| Fault::not_found("customer gateway", cgw_id))?;
        let eips = eip_ids(vgw);
        if !eips.is_empty() && !eips.contains(&vgw_ip) {
            return Err(Fault::invalid_field(
                &format!("{AT}.vgw_ip"),
                &format!("must be the ID of an EIP of VPN gateway {vgw_id} (eip1.id or eip2.id)"),
            ));
        }
        if style == "bgp" && cgw.fields.get("bgp_asn").is_none() {
            return Err(Fault::invalid_field(
                &format!("{AT}.cgw_id"),
                "a BGP connection needs a customer gateway with a bgp_asn",
            ));
        }
        copy(
            fields,
            &input,
            &[
                "vgw_id",
                "vgw_ip",
                "cgw_id",
                "peer_subnets",
                "peer_subnets_v6",
                "policy_rules",
                "policy_rules_v6",
                "tags",
                "psk",
                "enable_health_check",
            ],
        );
        let name = s(&input, "name")
            .map(str::to_string)
            .unwrap_or_else(|| format!("vpn-{}", name_suffix()));
        fields.insert("name".into(), json!(name));
        fields.insert("style".into(), json!(style.to_ascii_uppercase()));
        if style != "policy" {
            let (local, peer) = tunnel_pair();
            let given =
                |key: &str, made: String| json!(s(&input, key).map(str::to_string).unwrap_or(made));
            fields.insert(
                "tunnel_local_address".into(),
                given("tunnel_local_address", local),
            );
            fields.insert(
                "tunnel_peer_address".into(),
                given("tunnel_peer_address", peer),
            );
        } else {
            copy(
                fields,
                &input,
                &["tunnel_local_address", "tunnel_peer_address"],
            );
        }
        for key in ["enable_nqa", "enable_hub"] {
            fields.insert(key.into(), input.get(key).cloned().unwrap_or(json!(false)));
        }
        fields.insert(
            "ha_role".into(),
            json!(s(&input, "ha_role").unwrap_or("master")),
        );
        fields.insert(
            "enterprise_project_id".into(),
            json!(vgw.str("enterprise_project_id").unwrap_or("0")),
        );
        let (mut ike, ipsec) = policies(vgw, &input);
        if let Some(ike) = ike.as_object_mut() {
            if s(ike, "ike_version") == Some("v1") && !ike.contains_key("phase1_negotiation_mode") {
                ike.insert("phase1_negotiation_mode".into(), json!("main"));
            }
            if !ike.contains_key("local_id")
                && s(ike, "local_id_type") == Some("ip")
                && let Some(address) = gateway_address(vgw, vgw_ip)
            {
                ike.insert("local_id".into(), json!(address));
            }
            if !ike.contains_key("peer_id")
                && s(ike, "peer_id_type") == cgw.str("id_type")
                && let Some(value) = cgw.str("id_value")
            {
                ike.insert("peer_id".into(), json!(value));
            }
        }
        fields.insert("ikepolicy".into(), ike);
        fields.insert("ipsecpolicy".into(), ipsec);
        super::troubleshooting::start_log(
            fields,
            "ipsec_ike[1001]",
            "The IPSec connection is configured. (Reason=[created])",
        );
        Ok(())
    }

    fn update(
        &self,
        p: &mut Project,
        call: &Call,
        change: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        // Only the fields sent are checked; the style's requirements apply to what is sent.
        check_input(change, "")?;
        let current = p.find("vpn_connection", &call.id);
        let style = current
            .and_then(|r| r.str("style"))
            .unwrap_or("STATIC")
            .to_ascii_lowercase();
        let cleared = |key: &str| {
            change
                .get(key)
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
        };
        if style == "static" && cleared("peer_subnets") {
            let v6 = current
                .and_then(|r| r.fields.get("peer_subnets_v6"))
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty());
            if !v6 {
                return Err(Fault::invalid_field(
                    "vpn_connection.peer_subnets",
                    "must not be empty for a static connection",
                ));
            }
        }
        if let Some(cgw_id) = s(change, "cgw_id")
            && p.find("customer_gateway", cgw_id).is_none()
        {
            return Err(Fault::not_found("customer gateway", cgw_id));
        }
        Ok(())
    }

    fn delete(&self, p: &mut Project, call: &Call) -> Result<(), Fault> {
        p.remove_where("connection_monitor", |m| {
            m.str("vpn_connection_id") == Some(call.id.as_str())
        });
        Ok(())
    }

    fn view(
        &self,
        p: &Project,
        r: &Record,
        action: Action,
        call: &Call,
        full: Map<String, Value>,
    ) -> Map<String, Value> {
        let mut out = only(&full, FIELDS);
        if action == Action::Create {
            copy(&mut out, &full, &["enable_health_check"]);
            return out;
        }
        if let Some(monitor) = p
            .all("connection_monitor")
            .iter()
            .find(|m| m.str("vpn_connection_id") == Some(r.id.as_str()))
        {
            out.insert("connection_monitor_id".into(), json!(monitor.id));
        }
        if action == Action::Show {
            let status = r.status(call.now);
            out.insert("status".into(), json!(status));
            if r.str("style") == Some("BGP") {
                let peer_asn = r
                    .str("cgw_id")
                    .and_then(|id| p.find("customer_gateway", id))
                    .and_then(|c| c.fields.get("bgp_asn").cloned())
                    .unwrap_or(json!(65000));
                let peer_ip = r
                    .str("tunnel_peer_address")
                    .map(|a| a.split('/').next().unwrap_or(a).to_string())
                    .unwrap_or_default();
                out.insert(
                    "bgp_peer".into(),
                    json!({
                        "peer_ip_address": peer_ip,
                        "peer_asn": peer_asn,
                        "state": if status == "ACTIVE" { "Established" } else { "Idle" },
                        "state_duration": "00:00:00",
                        "num_message_received": 0,
                        "num_message_sent": 0,
                        "num_received_routes": 0,
                    }),
                );
            }
        }
        out
    }

    fn filter(
        &self,
        _: &Project,
        view: &Map<String, Value>,
        param: &str,
        values: &[&str],
    ) -> Option<bool> {
        let field = match param {
            "vpn_id" => "id",
            "eip_id" => "vgw_ip",
            "enterprise_project_id" => {
                return Some(values.contains(&s(view, "enterprise_project_id").unwrap_or("0")));
            }
            _ => return None,
        };
        Some(s(view, field).is_some_and(|v| values.contains(&v)))
    }
}
