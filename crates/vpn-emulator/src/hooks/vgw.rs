//! VPN gateways: attachment and network rules, EIPs (new or existing, never bound twice),
//! zones of the flavor, defaults, connection counts, and no delete while connections use it.

use std::net::Ipv4Addr;

use serde_json::{Map, Value, json};

use super::Hooks;
use super::info::zones_for_flavor;
use super::util::{
    check_cidrs, copy, eip_ids, is_uuid, new_private_ip, new_public_ip, only, refuse_if_used, s,
    strings,
};
use crate::call::{Call, Fault};
use crate::model::Action;
use crate::store::{Project, Record, name_suffix, new_id};

pub(crate) struct VpnGateway;

const AT: &str = "vpn_gateway";

/// Fields of the create response (per the field reference: no status, EIPs or timestamps).
const CREATE_FIELDS: &[&str] = &[
    "id",
    "name",
    "network_type",
    "attachment_type",
    "er_id",
    "vpc_id",
    "local_subnets",
    "local_subnets_v6",
    "connect_subnet",
    "bgp_asn",
    "flavor",
    "connection_number",
    "used_connection_number",
    "used_connection_group",
    "enterprise_project_id",
    "access_vpc_id",
    "access_subnet_id",
    "ha_mode",
    "ip_version",
    "policy_template",
    "tags",
];

/// Fields of the update response: the create ones plus EIPs, zones, private IPs, timestamps.
const UPDATE_EXTRA: &[&str] = &[
    "availability_zone_ids",
    "eip1",
    "eip2",
    "access_private_ip_1",
    "access_private_ip_2",
    "created_at",
    "updated_at",
];

/// Fields only show and list have.
const SHOW_EXTRA: &[&str] = &["status", "applied_at", "er_attachment_id"];

fn connection_limit(flavor: &str) -> u64 {
    match flavor {
        "Basic" => 100,
        "Professional2" | "Professional2-NonFixedIP" => 400,
        "Professional3" | "Professional3-NonFixedIP" => 800,
        _ => 200,
    }
}

/// The policy template of a new gateway.
fn default_policy_template() -> Value {
    json!({
        "ike_policy": {
            "authentication_algorithm": "sha2-256",
            "dh_group": "group15",
            "encryption_algorithm": "aes-128",
            "lifetime_seconds": 86400,
        },
        "ipsec_policy": {
            "authentication_algorithm": "sha2-256",
            "encryption_algorithm": "aes-128",
            "lifetime_seconds": 3600,
            "pfs": "group15",
        },
    })
}

/// The EIP object stored for `eip1`/`eip2` from the request's description.
fn new_eip(input: &Map<String, Value>, at: &str) -> Result<Value, Fault> {
    let mut eip = Map::new();
    if let Some(id) = s(input, "id") {
        eip.insert("id".into(), json!(id.to_ascii_lowercase()));
        eip.insert("type".into(), json!(s(input, "type").unwrap_or("5_bgp")));
        eip.insert("charge_mode".into(), json!("bandwidth"));
        eip.insert("bandwidth_size".into(), json!(5));
        eip.insert(
            "bandwidth_name".into(),
            json!(format!("bandwidth-{}", name_suffix())),
        );
    } else {
        let Some(kind) = s(input, "type") else {
            return Err(Fault::invalid_field(
                at,
                "needs either id (an existing EIP) or type and bandwidth_size (a new EIP)",
            ));
        };
        let Some(size) = input.get("bandwidth_size").and_then(Value::as_i64) else {
            return Err(Fault::invalid_field(
                &format!("{at}.bandwidth_size"),
                "is required when a new EIP is created",
            ));
        };
        if !(1..=1000).contains(&size) {
            return Err(Fault::invalid_field(
                &format!("{at}.bandwidth_size"),
                "must be between 1 and 1000",
            ));
        }
        eip.insert("id".into(), json!(new_id()));
        eip.insert("type".into(), json!(kind));
        eip.insert(
            "charge_mode".into(),
            json!(s(input, "charge_mode").unwrap_or("bandwidth")),
        );
        eip.insert("bandwidth_size".into(), json!(size));
        let name = s(input, "bandwidth_name")
            .map(str::to_string)
            .unwrap_or_else(|| format!("vpngw-bandwidth-{}", name_suffix()));
        eip.insert("bandwidth_name".into(), json!(name));
    }
    let bandwidth_id = match s(input, "bandwidth_id") {
        Some(id) if is_uuid(id) => id.to_ascii_lowercase(),
        Some(_) => {
            return Err(Fault::invalid_field(
                &format!("{at}.bandwidth_id"),
                "must be the UUID of an existing shared bandwidth",
            ));
        }
        None => new_id(),
    };
    eip.insert("bandwidth_id".into(), json!(bandwidth_id));
    eip.insert("ip_address".into(), json!(new_public_ip()));
    eip.insert("ip_version".into(), json!(4));
    eip.insert("share_type".into(), json!("PER"));
    Ok(Value::Object(eip))
}

/// `vpc_id`, `local_subnets` and `connect_subnet` for VPC gateways; `er_id` for ER ones.
fn check_attachment(input: &Map<String, Value>, attachment: &str) -> Result<(), Fault> {
    if attachment == "vpc" {
        for key in ["vpc_id", "local_subnets", "connect_subnet"] {
            let missing = match input.get(key) {
                None => true,
                Some(Value::Array(items)) => items.is_empty(),
                Some(_) => false,
            };
            if missing {
                return Err(Fault::invalid_field(
                    &format!("{AT}.{key}"),
                    "is required when attachment_type is vpc",
                ));
            }
        }
    } else if s(input, "er_id").is_none() {
        return Err(Fault::invalid_field(
            &format!("{AT}.er_id"),
            "is required when attachment_type is er",
        ));
    }
    check_cidrs(input, "local_subnets", AT, false)?;
    check_cidrs(input, "local_subnets_v6", AT, true)
}

/// The zones asked for (each offered for the flavor), else the flavor's first two.
fn zones(input: &Map<String, Value>, flavor: &str, attachment: &str) -> Result<Vec<String>, Fault> {
    let offered = zones_for_flavor(flavor, attachment);
    match strings(input, "availability_zone_ids") {
        Some(zones) if !zones.is_empty() => {
            for (i, zone) in zones.iter().enumerate() {
                if !offered.contains(&zone.as_str()) {
                    return Err(Fault::invalid_field(
                        &format!("{AT}.availability_zone_ids[{i}]"),
                        &format!(
                            "is not an availability zone of flavor {flavor} (see ListAvailabilityZones)"
                        ),
                    ));
                }
            }
            Ok(zones)
        }
        _ if offered.is_empty() => Err(Fault::invalid_field(
            &format!("{AT}.flavor"),
            "is not offered for this attachment_type",
        )),
        _ => Ok(offered.iter().take(2).map(|z| z.to_string()).collect()),
    }
}

/// `eip1` and `eip2` of a public gateway: distinct, and not bound to another gateway.
fn public_eips(
    p: &Project,
    input: &Map<String, Value>,
    fields: &mut Map<String, Value>,
) -> Result<(), Fault> {
    let mut ids = Vec::new();
    for key in ["eip1", "eip2"] {
        let Some(eip_input) = input.get(key).and_then(Value::as_object) else {
            return Err(Fault::invalid_field(
                &format!("{AT}.{key}"),
                "is required when network_type is public",
            ));
        };
        let eip = new_eip(eip_input, &format!("{AT}.{key}"))?;
        let id = eip
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if ids.contains(&id) {
            return Err(Fault::invalid_field(
                &format!("{AT}.eip2.id"),
                "must differ from eip1.id",
            ));
        }
        if p.all("vpn_gateway")
            .iter()
            .any(|g| eip_ids(g).contains(&id.as_str()))
        {
            return Err(Fault::in_use(format!(
                "EIP {id} is already bound to another VPN gateway"
            )));
        }
        ids.push(id);
        fields.insert(key.into(), eip);
    }
    Ok(())
}

/// The access network and private addresses of a private gateway.
fn private_access(
    input: &Map<String, Value>,
    fields: &mut Map<String, Value>,
) -> Result<(), Fault> {
    let access_vpc = match (s(input, "access_vpc_id"), s(input, "vpc_id")) {
        (Some(v), _) => v.to_string(),
        (None, Some(v)) => v.to_ascii_lowercase(),
        (None, None) => {
            return Err(Fault::invalid_field(
                &format!("{AT}.access_vpc_id"),
                "is required when network_type is private",
            ));
        }
    };
    let Some(access_subnet) = s(input, "access_subnet_id") else {
        return Err(Fault::invalid_field(
            &format!("{AT}.access_subnet_id"),
            "is required when network_type is private",
        ));
    };
    fields.insert("access_vpc_id".into(), json!(access_vpc));
    fields.insert("access_subnet_id".into(), json!(access_subnet));
    for key in ["access_private_ip_1", "access_private_ip_2"] {
        let ip = match s(input, key) {
            Some(ip) if ip.parse::<Ipv4Addr>().is_ok() => ip.to_string(),
            Some(_) => {
                return Err(Fault::invalid_field(
                    &format!("{AT}.{key}"),
                    "must be an IPv4 address",
                ));
            }
            None => new_private_ip(),
        };
        fields.insert(key.into(), json!(ip));
    }
    Ok(())
}

impl Hooks for VpnGateway {
    fn create(
        &self,
        p: &mut Project,
        _: &Call,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        let input = std::mem::take(fields);
        let attachment = s(&input, "attachment_type").unwrap_or("vpc");
        let network = s(&input, "network_type").unwrap_or("public");
        let flavor = s(&input, "flavor").unwrap_or("Professional1");
        check_attachment(&input, attachment)?;
        let zones = zones(&input, flavor, attachment)?;
        copy(
            fields,
            &input,
            &[
                "vpc_id",
                "local_subnets",
                "local_subnets_v6",
                "connect_subnet",
                "er_id",
                "tags",
            ],
        );
        if network == "public" {
            public_eips(p, &input, fields)?;
        } else {
            private_access(&input, fields)?;
        }
        // The gateway's access network: given, or for VPC gateways the VPC and its subnet.
        let lower_uuid = |v: &str| is_uuid(v).then(|| v.to_ascii_lowercase());
        for (key, fallback) in [
            ("access_vpc_id", "vpc_id"),
            ("access_subnet_id", "connect_subnet"),
        ] {
            if !fields.contains_key(key)
                && let Some(v) = s(&input, key)
                    .map(str::to_string)
                    .or_else(|| s(&input, fallback).and_then(lower_uuid))
            {
                fields.insert(key.into(), json!(v));
            }
        }
        if attachment == "er" {
            fields.insert("er_attachment_id".into(), json!(new_id()));
        }
        let name = s(&input, "name")
            .map(str::to_string)
            .unwrap_or_else(|| format!("vpngw-{}", name_suffix()));
        fields.insert("name".into(), json!(name));
        fields.insert("network_type".into(), json!(network));
        fields.insert("attachment_type".into(), json!(attachment));
        fields.insert("flavor".into(), json!(flavor));
        fields.insert("availability_zone_ids".into(), json!(zones));
        fields.insert(
            "bgp_asn".into(),
            input.get("bgp_asn").cloned().unwrap_or(json!(64512)),
        );
        fields.insert(
            "ha_mode".into(),
            json!(s(&input, "ha_mode").unwrap_or("active-active")),
        );
        fields.insert(
            "ip_version".into(),
            json!(s(&input, "ip_version").unwrap_or("ipv4")),
        );
        fields.insert(
            "enterprise_project_id".into(),
            json!(s(&input, "enterprise_project_id").unwrap_or("0")),
        );
        fields.insert("policy_template".into(), default_policy_template());
        Ok(())
    }

    fn update(
        &self,
        p: &mut Project,
        call: &Call,
        change: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        check_cidrs(change, "local_subnets", AT, false)?;
        check_cidrs(change, "local_subnets_v6", AT, true)?;
        // EIP changes: the old EIP must not be used by a connection, the new one by a gateway.
        let mut eip_changes = Vec::new();
        for (key, eip_key) in [("eip_id_1", "eip1"), ("eip_id_2", "eip2")] {
            let Some(new) = change.remove(key) else {
                continue;
            };
            let new = new.as_str().unwrap_or_default().to_ascii_lowercase();
            let Some(old) = p
                .find("vpn_gateway", &call.id)
                .and_then(|g| g.fields.get(eip_key))
                .and_then(|e| e.get("id"))
                .and_then(Value::as_str)
            else {
                return Err(Fault::invalid_field(
                    &format!("{AT}.{key}"),
                    "cannot be set on a gateway without EIPs (network_type private)",
                ));
            };
            if old == new {
                continue;
            }
            if p.all("vpn_connection")
                .iter()
                .any(|c| c.str("vgw_id") == Some(call.id.as_str()) && c.str("vgw_ip") == Some(old))
            {
                return Err(Fault::in_use(format!(
                    "EIP {old} of VPN gateway {} is used by VPN connections",
                    call.id
                )));
            }
            if p.all("vpn_gateway")
                .iter()
                .any(|g| eip_ids(g).contains(&new.as_str()))
            {
                return Err(Fault::in_use(format!(
                    "EIP {new} is already bound to a VPN gateway"
                )));
            }
            eip_changes.push((eip_key, new));
        }
        if let Some(r) = p.find_mut("vpn_gateway", &call.id) {
            for (eip_key, new) in eip_changes {
                if let Some(eip) = r.fields.get_mut(eip_key).and_then(Value::as_object_mut) {
                    eip.insert("id".into(), json!(new));
                    eip.insert("ip_address".into(), json!(new_public_ip()));
                }
            }
        }
        // What an update may change; the policy template merges field by field.
        change.retain(|k, _| {
            [
                "name",
                "local_subnets",
                "local_subnets_v6",
                "policy_template",
            ]
            .contains(&k.as_str())
        });
        Ok(())
    }

    fn delete(&self, p: &mut Project, call: &Call) -> Result<(), Fault> {
        refuse_if_used(p, "VPN gateway", &call.id, "vpn_connection", "vgw_id")
    }

    fn view(
        &self,
        p: &Project,
        r: &Record,
        action: Action,
        _: &Call,
        mut out: Map<String, Value>,
    ) -> Map<String, Value> {
        out.insert(
            "applied_at".into(),
            out.get("created_at").cloned().unwrap_or(Value::Null),
        );
        let connections: Vec<&Record> = p
            .all("vpn_connection")
            .iter()
            .filter(|c| c.str("vgw_id") == Some(r.id.as_str()))
            .collect();
        let mut groups: Vec<&str> = connections.iter().filter_map(|c| c.str("cgw_id")).collect();
        groups.sort_unstable();
        groups.dedup();
        out.insert("used_connection_number".into(), json!(connections.len()));
        out.insert("used_connection_group".into(), json!(groups.len()));
        let flavor = r.str("flavor").unwrap_or("Professional1");
        out.insert("connection_number".into(), json!(connection_limit(flavor)));
        let fields: &[&[&str]] = match action {
            Action::Create => &[CREATE_FIELDS],
            Action::Update => &[CREATE_FIELDS, UPDATE_EXTRA],
            _ => &[CREATE_FIELDS, UPDATE_EXTRA, SHOW_EXTRA],
        };
        let keys: Vec<&str> = fields.iter().flat_map(|f| f.iter().copied()).collect();
        only(&out, &keys)
    }
}
