//! The VPN v5 operations: VPN gateways, customer gateways, VPN connections, connection
//! monitors, quotas and availability zones.

use std::net::{Ipv4Addr, Ipv6Addr};

use serde_json::{Map, Value, json};

use crate::clock::iso_millis;
use crate::server::{Call, Fault, Success};
use crate::store::{Project, Record, Store, find, find_mut, name_suffix, new_id};

/// Availability zones offered for every flavor (the `er` list is empty for Basic).
pub(crate) const AVAILABILITY_ZONES: [&str; 3] = ["cn-north-4a", "cn-north-4b", "cn-north-4c"];

/// Quotas reported by ShowQuotasInfo (not enforced).
const QUOTAS: [(&str, u64); 3] = [
    ("vpn_gateway", 50),
    ("customer_gateway", 100),
    ("vpn_connection", 500),
];

// ---- small helpers ---------------------------------------------------------------------------

fn obj<'a>(value: &'a Value, key: &str) -> &'a Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    value
        .get(key)
        .and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

fn s<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

fn strings(map: &Map<String, Value>, key: &str) -> Option<Vec<String>> {
    map.get(key).and_then(Value::as_array).map(|items| {
        items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    })
}

/// Copies `keys` that are present in `from` into `to`.
fn copy(to: &mut Map<String, Value>, from: &Map<String, Value>, keys: &[&str]) {
    for key in keys {
        if let Some(value) = from.get(*key) {
            to.insert((*key).to_string(), value.clone());
        }
    }
}

/// `value` with only `keys`.
fn only(value: &Map<String, Value>, keys: &[&str]) -> Value {
    let mut out = Map::new();
    copy(&mut out, value, keys);
    Value::Object(out)
}

/// Deep merge: objects merge key by key, everything else replaces.
fn merge(base: &mut Value, change: &Value) {
    match (base, change) {
        (Value::Object(b), Value::Object(c)) => {
            for (k, v) in c {
                match b.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, c) => *b = c.clone(),
    }
}

fn parse_cidr_v4(text: &str) -> bool {
    match text.split_once('/') {
        Some((addr, len)) => {
            addr.parse::<Ipv4Addr>().is_ok()
                && len.bytes().all(|b| b.is_ascii_digit())
                && len.parse::<u8>().is_ok_and(|l| l <= 32)
        }
        None => false,
    }
}

fn parse_cidr_v6(text: &str) -> bool {
    match text.split_once('/') {
        Some((addr, len)) => {
            addr.parse::<Ipv6Addr>().is_ok()
                && len.bytes().all(|b| b.is_ascii_digit())
                && len.parse::<u8>().is_ok_and(|l| l <= 128)
        }
        None => false,
    }
}

fn check_cidrs(map: &Map<String, Value>, key: &str, at: &str, v6: bool) -> Result<(), Fault> {
    if let Some(items) = strings(map, key) {
        for (i, item) in items.iter().enumerate() {
            let ok = if v6 {
                parse_cidr_v6(item)
            } else {
                parse_cidr_v4(item)
            };
            if !ok {
                let kind = if v6 { "IPv6" } else { "IPv4" };
                return Err(Fault::invalid_field(
                    &format!("{at}.{key}[{i}]"),
                    &format!("must be an {kind} CIDR block"),
                ));
            }
        }
    }
    Ok(())
}

/// Random bytes for addresses.
fn random_bytes() -> [u8; 16] {
    uuid::Uuid::new_v4().into_bytes()
}

/// A made-up public address for a new EIP (in 100.64.0.0/10, never routed on the Internet).
fn new_public_ip() -> String {
    let b = random_bytes();
    format!("100.{}.{}.{}", 64 + (b[0] & 0x3f), b[1], b[2].max(1))
}

fn new_private_ip() -> String {
    let b = random_bytes();
    format!("172.16.{}.{}", b[0], b[1].clamp(2, 254))
}

/// Where the list starts after `marker` and how far it goes: `limit` 0 or absent is 2000.
fn paginate<'a>(records: Vec<&'a Record>, call: &Call) -> (Vec<&'a Record>, Value, usize) {
    let total = records.len();
    let limit = call
        .param("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(2000);
    let marker = call.param("marker").filter(|m| !m.is_empty());
    let after: Vec<&'a Record> = records
        .into_iter()
        .filter(|r| marker.is_none_or(|m| iso_millis(r.created_ms).as_str() > m))
        .collect();
    let more = after.len() > limit;
    let page: Vec<&'a Record> = after.into_iter().take(limit).collect();
    let mut page_info = Map::new();
    page_info.insert("current_count".into(), json!(page.len()));
    if more && let Some(last) = page.last() {
        page_info.insert("next_marker".into(), json!(iso_millis(last.created_ms)));
    }
    (page, Value::Object(page_info), total)
}

fn wrap(key: &str, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(key.to_string(), value);
    Value::Object(map)
}

// ---- availability zones and quotas -----------------------------------------------------------

fn zones_for_flavor(flavor: &str, attachment: &str) -> Vec<&'static str> {
    if flavor == "Basic" && attachment == "er" {
        Vec::new()
    } else {
        AVAILABILITY_ZONES.to_vec()
    }
}

pub(crate) fn list_availability_zones(_: &mut Store, _: &Call) -> Result<Success, Fault> {
    let mut zones = Map::new();
    for (key, flavor) in [
        ("basic", "Basic"),
        ("professional1", "Professional1"),
        ("professional2", "Professional2"),
        ("gm", "GM"),
        ("Professional1-NonFixedIP", "Professional1-NonFixedIP"),
        ("Professional2-NonFixedIP", "Professional2-NonFixedIP"),
    ] {
        zones.insert(
            key.into(),
            json!({
                "vpc": zones_for_flavor(flavor, "vpc"),
                "er": zones_for_flavor(flavor, "er"),
            }),
        );
    }
    Ok(Success::ok(json!({ "availability_zones": zones })))
}

pub(crate) fn show_quotas(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    let used = [p.vgws.len(), p.cgws.len(), p.connections.len()];
    let resources: Vec<Value> = QUOTAS
        .iter()
        .zip(used)
        .map(|((kind, quota), used)| json!({"type": kind, "quota": quota, "used": used}))
        .collect();
    Ok(Success::ok(json!({"quotas": {"resources": resources}})))
}

// ---- VPN gateways ----------------------------------------------------------------------------

/// Fields of the create response (per the field reference: no status, EIPs or timestamps).
const VGW_CREATE_FIELDS: &[&str] = &[
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
const VGW_UPDATE_EXTRA: &[&str] = &[
    "availability_zone_ids",
    "eip1",
    "eip2",
    "access_private_ip_1",
    "access_private_ip_2",
    "created_at",
    "updated_at",
];

/// Fields only show and list have.
const VGW_SHOW_EXTRA: &[&str] = &["status", "applied_at", "er_attachment_id"];

fn connection_limit(flavor: &str) -> u64 {
    match flavor {
        "Basic" => 100,
        "Professional2" | "Professional2-NonFixedIP" => 400,
        "Professional3" | "Professional3-NonFixedIP" => 800,
        _ => 200,
    }
}

/// The full view of a gateway (every field show returns).
fn vgw_full(p: &Project, r: &Record, call: &Call) -> Map<String, Value> {
    let mut out = r.fields.clone();
    out.insert("id".into(), json!(r.id));
    out.insert("created_at".into(), json!(iso_millis(r.created_ms)));
    out.insert("applied_at".into(), json!(iso_millis(r.created_ms)));
    out.insert("status".into(), json!(r.status(call.now)));
    let connections: Vec<&Record> = p
        .connections
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
    out
}

fn vgw_view(p: &Project, r: &Record, call: &Call, fields: &[&[&str]]) -> Value {
    let full = vgw_full(p, r, call);
    let keys: Vec<&str> = fields.iter().flat_map(|f| f.iter().copied()).collect();
    only(&full, &keys)
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
        let size = input.get("bandwidth_size").and_then(Value::as_i64);
        let Some(size) = size else {
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

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn eip_ids(r: &Record) -> Vec<&str> {
    ["eip1", "eip2"]
        .iter()
        .filter_map(|k| {
            r.fields
                .get(*k)
                .and_then(|e| e.get("id"))
                .and_then(Value::as_str)
        })
        .collect()
}

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

pub(crate) fn create_vgw(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let input = obj(&call.body, "vpn_gateway");
    let at = "vpn_gateway";
    let attachment = s(input, "attachment_type").unwrap_or("vpc");
    let network = s(input, "network_type").unwrap_or("public");
    let flavor = s(input, "flavor").unwrap_or("Professional1");
    if attachment == "vpc" {
        for key in ["vpc_id", "local_subnets", "connect_subnet"] {
            let missing = match input.get(key) {
                None => true,
                Some(Value::Array(items)) => items.is_empty(),
                Some(_) => false,
            };
            if missing {
                return Err(Fault::invalid_field(
                    &format!("{at}.{key}"),
                    "is required when attachment_type is vpc",
                ));
            }
        }
    } else if s(input, "er_id").is_none() {
        return Err(Fault::invalid_field(
            &format!("{at}.er_id"),
            "is required when attachment_type is er",
        ));
    }
    check_cidrs(input, "local_subnets", at, false)?;
    check_cidrs(input, "local_subnets_v6", at, true)?;
    let offered = zones_for_flavor(flavor, attachment);
    let zones = match strings(input, "availability_zone_ids") {
        Some(zones) if !zones.is_empty() => {
            for (i, zone) in zones.iter().enumerate() {
                if !offered.contains(&zone.as_str()) {
                    return Err(Fault::invalid_field(
                        &format!("{at}.availability_zone_ids[{i}]"),
                        &format!(
                            "is not an availability zone of flavor {flavor} (see ListAvailabilityZones)"
                        ),
                    ));
                }
            }
            zones
        }
        _ => {
            if offered.is_empty() {
                return Err(Fault::invalid_field(
                    &format!("{at}.flavor"),
                    "is not offered for this attachment_type",
                ));
            }
            offered.iter().take(2).map(|z| z.to_string()).collect()
        }
    };

    let p = store.project(&call.project);
    let mut fields = Map::new();
    copy(
        &mut fields,
        input,
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
        let mut ids = Vec::new();
        for key in ["eip1", "eip2"] {
            let Some(eip_input) = input.get(key).and_then(Value::as_object) else {
                return Err(Fault::invalid_field(
                    &format!("{at}.{key}"),
                    "is required when network_type is public",
                ));
            };
            let eip = new_eip(eip_input, &format!("{at}.{key}"))?;
            let id = eip
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if ids.contains(&id) {
                return Err(Fault::invalid_field(
                    &format!("{at}.eip2.id"),
                    "must differ from eip1.id",
                ));
            }
            if p.vgws.iter().any(|g| eip_ids(g).contains(&id.as_str())) {
                return Err(Fault::in_use(format!(
                    "EIP {id} is already bound to another VPN gateway"
                )));
            }
            ids.push(id);
            fields.insert(key.into(), eip);
        }
    } else {
        let access_vpc = match (s(input, "access_vpc_id"), s(input, "vpc_id")) {
            (Some(v), _) => v.to_string(),
            (None, Some(v)) => v.to_ascii_lowercase(),
            (None, None) => {
                return Err(Fault::invalid_field(
                    &format!("{at}.access_vpc_id"),
                    "is required when network_type is private",
                ));
            }
        };
        let Some(access_subnet) = s(input, "access_subnet_id") else {
            return Err(Fault::invalid_field(
                &format!("{at}.access_subnet_id"),
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
                        &format!("{at}.{key}"),
                        "must be an IPv4 address",
                    ));
                }
                None => new_private_ip(),
            };
            fields.insert(key.into(), json!(ip));
        }
    }
    // The gateway's access network: given, or for VPC gateways the VPC and its subnet.
    let lower_uuid = |v: &str| is_uuid(v).then(|| v.to_ascii_lowercase());
    if !fields.contains_key("access_vpc_id")
        && let Some(v) = s(input, "access_vpc_id")
            .map(str::to_string)
            .or_else(|| s(input, "vpc_id").and_then(lower_uuid))
    {
        fields.insert("access_vpc_id".into(), json!(v));
    }
    if !fields.contains_key("access_subnet_id")
        && let Some(v) = s(input, "access_subnet_id")
            .map(str::to_string)
            .or_else(|| s(input, "connect_subnet").and_then(lower_uuid))
    {
        fields.insert("access_subnet_id".into(), json!(v));
    }
    if attachment == "er" {
        fields.insert("er_attachment_id".into(), json!(new_id()));
    }
    let name = s(input, "name")
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
        json!(s(input, "ha_mode").unwrap_or("active-active")),
    );
    fields.insert(
        "ip_version".into(),
        json!(s(input, "ip_version").unwrap_or("ipv4")),
    );
    fields.insert(
        "enterprise_project_id".into(),
        json!(s(input, "enterprise_project_id").unwrap_or("0")),
    );
    fields.insert("policy_template".into(), default_policy_template());

    let created = store.stamp();
    let now_iso = iso_millis(created);
    fields.insert("updated_at".into(), json!(now_iso));
    let mut record = Record::new(new_id(), created, fields);
    record.transition("PENDING_CREATE", call.now, call.delay);
    let p = store.project(&call.project);
    let view = vgw_view(p, &record, call, &[VGW_CREATE_FIELDS]);
    p.vgws.push(record);
    Ok(Success::created(wrap("vpn_gateway", view)))
}

fn vgw_not_found(id: &str) -> Fault {
    Fault::not_found("vpn gateway", id)
}

pub(crate) fn show_vgw(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    let r = find(&p.vgws, &call.id).ok_or_else(|| vgw_not_found(&call.id))?;
    let view = vgw_view(
        p,
        r,
        call,
        &[VGW_CREATE_FIELDS, VGW_UPDATE_EXTRA, VGW_SHOW_EXTRA],
    );
    Ok(Success::ok(wrap("vpn_gateway", view)))
}

pub(crate) fn list_vgws(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    let id = call.param("vgw_id");
    let projects = call.params("enterprise_project_id");
    let items: Vec<Value> = p
        .vgws
        .iter()
        .filter(|r| id.is_none_or(|id| r.id == id))
        .filter(|r| {
            projects.is_empty() || projects.contains(&r.str("enterprise_project_id").unwrap_or("0"))
        })
        .map(|r| {
            vgw_view(
                p,
                r,
                call,
                &[VGW_CREATE_FIELDS, VGW_UPDATE_EXTRA, VGW_SHOW_EXTRA],
            )
        })
        .collect();
    Ok(Success::ok(json!({ "vpn_gateways": items })))
}

pub(crate) fn update_vgw(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let input = obj(&call.body, "vpn_gateway");
    let at = "vpn_gateway";
    check_cidrs(input, "local_subnets", at, false)?;
    check_cidrs(input, "local_subnets_v6", at, true)?;
    let updated = store.now_iso();
    let p = store.project(&call.project);
    let Some(index) = p.vgws.iter().position(|r| r.id == call.id) else {
        return Err(vgw_not_found(&call.id));
    };
    // EIP changes: the old EIP must not be used by a connection, the new one by a gateway.
    let mut eip_changes = Vec::new();
    for (key, eip_key) in [("eip_id_1", "eip1"), ("eip_id_2", "eip2")] {
        let Some(new) = s(input, key) else { continue };
        let new = new.to_ascii_lowercase();
        let current = &p.vgws[index];
        let Some(old) = current
            .fields
            .get(eip_key)
            .and_then(|e| e.get("id"))
            .and_then(Value::as_str)
        else {
            return Err(Fault::invalid_field(
                &format!("{at}.{key}"),
                "cannot be set on a gateway without EIPs (network_type private)",
            ));
        };
        if old == new {
            continue;
        }
        if p.connections
            .iter()
            .any(|c| c.str("vgw_id") == Some(call.id.as_str()) && c.str("vgw_ip") == Some(old))
        {
            return Err(Fault::in_use(format!(
                "EIP {old} of VPN gateway {} is used by VPN connections",
                call.id
            )));
        }
        if p.vgws.iter().any(|g| eip_ids(g).contains(&new.as_str())) {
            return Err(Fault::in_use(format!(
                "EIP {new} is already bound to a VPN gateway"
            )));
        }
        eip_changes.push((eip_key, new));
    }
    let r = &mut p.vgws[index];
    for (eip_key, new) in eip_changes {
        if let Some(eip) = r.fields.get_mut(eip_key).and_then(Value::as_object_mut) {
            eip.insert("id".into(), json!(new));
            eip.insert("ip_address".into(), json!(new_public_ip()));
        }
    }
    copy(
        &mut r.fields,
        input,
        &["name", "local_subnets", "local_subnets_v6"],
    );
    if let Some(template) = input.get("policy_template") {
        let mut current = r
            .fields
            .get("policy_template")
            .cloned()
            .unwrap_or_else(default_policy_template);
        merge(&mut current, template);
        r.fields.insert("policy_template".into(), current);
    }
    r.fields.insert("updated_at".into(), json!(updated));
    r.transition("PENDING_UPDATE", call.now, call.delay);
    let r = &p.vgws[index];
    let view = vgw_view(p, r, call, &[VGW_CREATE_FIELDS, VGW_UPDATE_EXTRA]);
    Ok(Success::ok(wrap("vpn_gateway", view)))
}

pub(crate) fn delete_vgw(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    if find(&p.vgws, &call.id).is_none() {
        return Err(vgw_not_found(&call.id));
    }
    let used = p
        .connections
        .iter()
        .filter(|c| c.str("vgw_id") == Some(call.id.as_str()))
        .count();
    if used > 0 {
        return Err(Fault::in_use(format!(
            "VPN gateway {} still has {used} VPN connection(s); delete them first",
            call.id
        )));
    }
    p.vgws.retain(|r| r.id != call.id);
    Ok(Success::no_content())
}

// ---- customer gateways -----------------------------------------------------------------------

const CGW_FIELDS: &[&str] = &[
    "id",
    "name",
    "id_type",
    "id_value",
    "bgp_asn",
    "ca_certificate",
    "tags",
    "created_at",
    "updated_at",
];

fn cgw_view(r: &Record) -> Value {
    let mut full = r.fields.clone();
    full.insert("id".into(), json!(r.id));
    full.insert("created_at".into(), json!(iso_millis(r.created_ms)));
    only(&full, CGW_FIELDS)
}

fn certificate(created_ms: u64) -> Value {
    let serial = uuid::Uuid::new_v4().simple().to_string();
    json!({
        "id": new_id(),
        "serial_number": serial,
        "signature_algorithm": "sha256WithRSAEncryption",
        "issuer": "C=CN, O=vpn-emulator, CN=vpn-emulator CA",
        "subject": "C=CN, O=vpn-emulator, CN=customer gateway",
        "expire_time": iso_millis(created_ms.saturating_add(365 * 86_400_000)),
        "is_updatable": true,
    })
}

pub(crate) fn create_cgw(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let input = obj(&call.body, "customer_gateway");
    let id_type = s(input, "id_type").unwrap_or("ip");
    let id_value = s(input, "id_value").unwrap_or_default();
    if id_type == "ip" && id_value.parse::<Ipv4Addr>().is_err() {
        return Err(Fault::invalid_field(
            "customer_gateway.id_value",
            "must be an IPv4 address when id_type is ip",
        ));
    }
    let created = store.stamp();
    let mut fields = Map::new();
    copy(&mut fields, input, &["bgp_asn", "tags"]);
    fields.insert(
        "name".into(),
        json!(
            s(input, "name")
                .map(str::to_string)
                .unwrap_or_else(|| format!("cgw-{}", name_suffix()))
        ),
    );
    fields.insert("id_type".into(), json!(id_type));
    fields.insert("id_value".into(), json!(id_value));
    if input.get("ca_certificate").is_some() {
        fields.insert("ca_certificate".into(), certificate(created));
    }
    fields.insert("updated_at".into(), json!(iso_millis(created)));
    let record = Record::new(new_id(), created, fields);
    let view = cgw_view(&record);
    store.project(&call.project).cgws.push(record);
    Ok(Success::created(wrap("customer_gateway", view)))
}

fn cgw_not_found(id: &str) -> Fault {
    Fault::not_found("customer gateway", id)
}

pub(crate) fn show_cgw(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    let r = find(&p.cgws, &call.id).ok_or_else(|| cgw_not_found(&call.id))?;
    Ok(Success::ok(wrap("customer_gateway", cgw_view(r))))
}

pub(crate) fn list_cgws(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    let id = call.param("cgw_id").or_else(|| call.param("id"));
    let matching: Vec<&Record> = p
        .cgws
        .iter()
        .filter(|r| id.is_none_or(|id| r.id == id))
        .collect();
    let (page, page_info, total) = paginate(matching, call);
    let items: Vec<Value> = page.into_iter().map(cgw_view).collect();
    Ok(Success::ok(json!({
        "customer_gateways": items,
        "page_info": page_info,
        "total_count": total,
    })))
}

pub(crate) fn update_cgw(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let input = obj(&call.body, "customer_gateway");
    let updated = store.now_iso();
    let p = store.project(&call.project);
    let r = find_mut(&mut p.cgws, &call.id).ok_or_else(|| cgw_not_found(&call.id))?;
    copy(&mut r.fields, input, &["name"]);
    if input.get("ca_certificate").is_some() {
        r.fields
            .insert("ca_certificate".into(), certificate(r.created_ms));
    }
    r.fields.insert("updated_at".into(), json!(updated));
    Ok(Success::ok(wrap("customer_gateway", cgw_view(r))))
}

pub(crate) fn delete_cgw(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    if find(&p.cgws, &call.id).is_none() {
        return Err(cgw_not_found(&call.id));
    }
    let used = p
        .connections
        .iter()
        .filter(|c| c.str("cgw_id") == Some(call.id.as_str()))
        .count();
    if used > 0 {
        return Err(Fault::in_use(format!(
            "customer gateway {} still has {used} VPN connection(s); delete them first",
            call.id
        )));
    }
    p.cgws.retain(|r| r.id != call.id);
    Ok(Success::no_content())
}

// ---- VPN connections -------------------------------------------------------------------------

/// Fields of every connection view (status, monitor and BGP peer are added per operation).
const CONNECTION_FIELDS: &[&str] = &[
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum ConnectionView {
    Create,
    Update,
    Show,
}

fn connection_view(p: &Project, r: &Record, call: &Call, view: ConnectionView) -> Value {
    let mut full = r.fields.clone();
    full.insert("id".into(), json!(r.id));
    full.insert("created_at".into(), json!(iso_millis(r.created_ms)));
    let mut out = match only(&full, CONNECTION_FIELDS) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    if view == ConnectionView::Create {
        copy(&mut out, &full, &["enable_health_check"]);
    }
    if view != ConnectionView::Create
        && let Some(monitor) = p
            .monitors
            .iter()
            .find(|m| m.str("vpn_connection_id") == Some(r.id.as_str()))
    {
        out.insert("connection_monitor_id".into(), json!(monitor.id));
    }
    if view == ConnectionView::Show {
        let status = r.status(call.now);
        out.insert("status".into(), json!(status));
        if r.str("style") == Some("BGP") {
            let peer_asn = r
                .str("cgw_id")
                .and_then(|id| find(&p.cgws, id))
                .and_then(|c| c.fields.get("bgp_asn").cloned())
                .unwrap_or(json!(65000));
            let peer_ip = r
                .str("tunnel_peer_address")
                .map(|a| a.split('/').next().unwrap_or(a).to_string())
                .unwrap_or_default();
            let established = status == "ACTIVE";
            out.insert(
                "bgp_peer".into(),
                json!({
                    "peer_ip_address": peer_ip,
                    "peer_asn": peer_asn,
                    "state": if established { "Established" } else { "Idle" },
                    "state_duration": "00:00:00",
                    "num_message_received": 0,
                    "num_message_sent": 0,
                    "num_received_routes": 0,
                }),
            );
        }
    }
    Value::Object(out)
}

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

/// The address of the gateway side of a connection: the EIP's address, or a private IP.
fn gateway_address(vgw: &Record, vgw_ip: &str) -> Option<String> {
    for key in ["eip1", "eip2"] {
        if let Some(eip) = vgw.fields.get(key)
            && eip.get("id").and_then(Value::as_str) == Some(vgw_ip)
        {
            return eip
                .get("ip_address")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
    }
    vgw.str("access_private_ip_1").map(str::to_string)
}

fn check_connection_input(input: &Map<String, Value>, style: &str) -> Result<(), Fault> {
    let at = "vpn_connection";
    check_cidrs(input, "peer_subnets", at, false)?;
    check_cidrs(input, "peer_subnets_v6", at, true)?;
    for key in ["tunnel_local_address", "tunnel_peer_address"] {
        if let Some(address) = s(input, key)
            && !parse_cidr_v4(address)
        {
            return Err(Fault::invalid_field(
                &format!("{at}.{key}"),
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
                &format!("{at}.peer_subnets"),
                "is required when style is static",
            ))
        }
        "policy" if !non_empty("policy_rules") && !non_empty("policy_rules_v6") => {
            Err(Fault::invalid_field(
                &format!("{at}.policy_rules"),
                "is required when style is policy",
            ))
        }
        _ => Ok(()),
    }
}

pub(crate) fn create_connection(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let input = obj(&call.body, "vpn_connection");
    let at = "vpn_connection";
    let style = s(input, "style").unwrap_or("static");
    check_connection_input(input, style)?;
    let vgw_id = s(input, "vgw_id").unwrap_or_default();
    let cgw_id = s(input, "cgw_id").unwrap_or_default();
    let vgw_ip = s(input, "vgw_ip").unwrap_or_default();
    let created = store.stamp();
    let p = store.project(&call.project);
    let vgw = find(&p.vgws, vgw_id).ok_or_else(|| vgw_not_found(vgw_id))?;
    let cgw = find(&p.cgws, cgw_id).ok_or_else(|| cgw_not_found(cgw_id))?;
    let eips = eip_ids(vgw);
    if !eips.is_empty() && !eips.contains(&vgw_ip) {
        return Err(Fault::invalid_field(
            &format!("{at}.vgw_ip"),
            &format!("must be the ID of an EIP of VPN gateway {vgw_id} (eip1.id or eip2.id)"),
        ));
    }
    if style == "bgp" && cgw.fields.get("bgp_asn").is_none() {
        return Err(Fault::invalid_field(
            &format!("{at}.cgw_id"),
            "a BGP connection needs a customer gateway with a bgp_asn",
        ));
    }

    let mut fields = Map::new();
    copy(
        &mut fields,
        input,
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
    fields.insert(
        "name".into(),
        json!(
            s(input, "name")
                .map(str::to_string)
                .unwrap_or_else(|| format!("vpn-{}", name_suffix()))
        ),
    );
    fields.insert("style".into(), json!(style.to_ascii_uppercase()));
    if style != "policy" {
        let (local, peer) = tunnel_pair();
        fields.insert(
            "tunnel_local_address".into(),
            json!(
                s(input, "tunnel_local_address")
                    .map(str::to_string)
                    .unwrap_or(local)
            ),
        );
        fields.insert(
            "tunnel_peer_address".into(),
            json!(
                s(input, "tunnel_peer_address")
                    .map(str::to_string)
                    .unwrap_or(peer)
            ),
        );
    } else {
        copy(
            &mut fields,
            input,
            &["tunnel_local_address", "tunnel_peer_address"],
        );
    }
    for key in ["enable_nqa", "enable_hub"] {
        fields.insert(key.into(), input.get(key).cloned().unwrap_or(json!(false)));
    }
    fields.insert(
        "ha_role".into(),
        json!(s(input, "ha_role").unwrap_or("master")),
    );
    fields.insert(
        "enterprise_project_id".into(),
        json!(vgw.str("enterprise_project_id").unwrap_or("0")),
    );

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
    if let Some(given) = input.get("ikepolicy") {
        merge(&mut ike, given);
    }
    if let Some(ike) = ike.as_object_mut() {
        if ike.get("ike_version").and_then(Value::as_str) == Some("v1")
            && !ike.contains_key("phase1_negotiation_mode")
        {
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
    let mut ipsec = json!({
        "authentication_algorithm": "sha2-256",
        "encryption_algorithm": "aes-128",
        "pfs": "group15",
        "transform_protocol": "esp",
        "lifetime_seconds": 3600,
        "encapsulation_mode": "tunnel",
    });
    if let Some(given) = input.get("ipsecpolicy") {
        merge(&mut ipsec, given);
    }
    fields.insert("ipsecpolicy".into(), ipsec);
    fields.insert("updated_at".into(), json!(iso_millis(created)));

    let mut record = Record::new(new_id(), created, fields);
    record.transition("PENDING_CREATE", call.now, call.delay);
    let view = connection_view(p, &record, call, ConnectionView::Create);
    p.connections.push(record);
    Ok(Success::created(wrap("vpn_connection", view)))
}

fn connection_not_found(id: &str) -> Fault {
    Fault::not_found("vpn connection", id)
}

pub(crate) fn show_connection(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    let r = find(&p.connections, &call.id).ok_or_else(|| connection_not_found(&call.id))?;
    let view = connection_view(p, r, call, ConnectionView::Show);
    Ok(Success::ok(wrap("vpn_connection", view)))
}

pub(crate) fn list_connections(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    let id = call.param("vpn_id");
    let vgw_id = call.param("vgw_id");
    let vgw_ip = call.param("vgw_ip");
    let eip_id = call.param("eip_id");
    let cgw_id = call.param("cgw_id");
    let projects = call.params("enterprise_project_id");
    let field_is =
        |r: &Record, key: &str, wanted: Option<&str>| wanted.is_none_or(|w| r.str(key) == Some(w));
    let matching: Vec<&Record> = p
        .connections
        .iter()
        .filter(|r| id.is_none_or(|id| r.id == id))
        .filter(|r| field_is(r, "vgw_id", vgw_id))
        .filter(|r| field_is(r, "vgw_ip", vgw_ip))
        .filter(|r| field_is(r, "vgw_ip", eip_id))
        .filter(|r| field_is(r, "cgw_id", cgw_id))
        .filter(|r| {
            projects.is_empty() || projects.contains(&r.str("enterprise_project_id").unwrap_or("0"))
        })
        .collect();
    let (page, page_info, total) = paginate(matching, call);
    let items: Vec<Value> = page
        .into_iter()
        .map(|r| connection_view(p, r, call, ConnectionView::Show))
        .collect();
    Ok(Success::ok(json!({
        "vpn_connections": items,
        "page_info": page_info,
        "total_count": total,
    })))
}

pub(crate) fn update_connection(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let input = obj(&call.body, "vpn_connection");
    let updated = store.now_iso();
    let p = store.project(&call.project);
    let Some(index) = p.connections.iter().position(|r| r.id == call.id) else {
        return Err(connection_not_found(&call.id));
    };
    let style = p.connections[index]
        .str("style")
        .unwrap_or("STATIC")
        .to_ascii_lowercase();
    // Only the fields sent are checked; the style's requirements apply to what is sent.
    check_connection_input(input, "")?;
    let non_empty_cleared = |key: &str| {
        input
            .get(key)
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
    };
    if style == "static" && non_empty_cleared("peer_subnets") {
        let v6 = p.connections[index]
            .fields
            .get("peer_subnets_v6")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        if !v6 {
            return Err(Fault::invalid_field(
                "vpn_connection.peer_subnets",
                "must not be empty for a static connection",
            ));
        }
    }
    if let Some(cgw_id) = s(input, "cgw_id")
        && find(&p.cgws, cgw_id).is_none()
    {
        return Err(cgw_not_found(cgw_id));
    }
    let r = &mut p.connections[index];
    copy(
        &mut r.fields,
        input,
        &[
            "cgw_id",
            "name",
            "peer_subnets",
            "peer_subnets_v6",
            "tunnel_local_address",
            "tunnel_peer_address",
            "enable_hub",
            "psk",
            "policy_rules",
            "policy_rules_v6",
        ],
    );
    for key in ["ikepolicy", "ipsecpolicy"] {
        if let Some(change) = input.get(key) {
            let mut current = r.fields.get(key).cloned().unwrap_or_else(|| json!({}));
            merge(&mut current, change);
            r.fields.insert(key.into(), current);
        }
    }
    r.fields.insert("updated_at".into(), json!(updated));
    r.transition("PENDING_UPDATE", call.now, call.delay);
    let r = &p.connections[index];
    let view = connection_view(p, r, call, ConnectionView::Update);
    Ok(Success::ok(wrap("vpn_connection", view)))
}

pub(crate) fn delete_connection(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    if find(&p.connections, &call.id).is_none() {
        return Err(connection_not_found(&call.id));
    }
    p.connections.retain(|r| r.id != call.id);
    p.monitors
        .retain(|m| m.str("vpn_connection_id") != Some(call.id.as_str()));
    Ok(Success::no_content())
}

// ---- connection monitors ---------------------------------------------------------------------

const MONITOR_FIELDS: &[&str] = &[
    "id",
    "vpn_connection_id",
    "type",
    "source_ip",
    "destination_ip",
    "proto_type",
];

fn monitor_view(r: &Record, call: &Call, with_status: bool) -> Value {
    let mut full = r.fields.clone();
    full.insert("id".into(), json!(r.id));
    let mut out = match only(&full, MONITOR_FIELDS) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    if with_status {
        out.insert("status".into(), json!(r.status(call.now)));
    }
    Value::Object(out)
}

pub(crate) fn create_monitor(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let input = obj(&call.body, "connection_monitor");
    let connection_id = s(input, "vpn_connection_id").unwrap_or_default();
    let created = store.stamp();
    let p = store.project(&call.project);
    let connection =
        find(&p.connections, connection_id).ok_or_else(|| connection_not_found(connection_id))?;
    if let Some(existing) = p
        .monitors
        .iter()
        .find(|m| m.str("vpn_connection_id") == Some(connection_id))
    {
        return Err(Fault::duplicate(format!(
            "vpn connection {connection_id} already has connection monitor {}",
            existing.id
        )));
    }
    let source = connection
        .str("vgw_id")
        .and_then(|id| find(&p.vgws, id))
        .and_then(|vgw| gateway_address(vgw, connection.str("vgw_ip").unwrap_or_default()))
        .unwrap_or_else(|| "192.0.2.1".into());
    let destination = connection
        .str("cgw_id")
        .and_then(|id| find(&p.cgws, id))
        .and_then(|cgw| cgw.str("id_value"))
        .filter(|v| v.parse::<Ipv4Addr>().is_ok())
        .map(str::to_string)
        .unwrap_or_else(|| "198.51.100.1".into());
    let mut fields = Map::new();
    fields.insert("vpn_connection_id".into(), json!(connection_id));
    fields.insert("type".into(), json!("gateway"));
    fields.insert("source_ip".into(), json!(source));
    fields.insert("destination_ip".into(), json!(destination));
    fields.insert("proto_type".into(), json!("icmp"));
    let mut record = Record::new(new_id(), created, fields);
    record.transition("PENDING_CREATE", call.now, call.delay);
    let view = monitor_view(&record, call, false);
    p.monitors.push(record);
    Ok(Success::created(wrap("connection_monitor", view)))
}

fn monitor_not_found(id: &str) -> Fault {
    Fault::not_found("connection monitor", id)
}

pub(crate) fn show_monitor(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    let r = find(&p.monitors, &call.id).ok_or_else(|| monitor_not_found(&call.id))?;
    Ok(Success::ok(wrap(
        "connection_monitor",
        monitor_view(r, call, true),
    )))
}

pub(crate) fn list_monitors(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    let connection_id = call.param("vpn_connection_id");
    let projects = call.params("enterprise_project_id");
    let items: Vec<Value> = p
        .monitors
        .iter()
        .filter(|m| connection_id.is_none_or(|c| m.str("vpn_connection_id") == Some(c)))
        .filter(|m| {
            projects.is_empty() || {
                let project = m
                    .str("vpn_connection_id")
                    .and_then(|c| find(&p.connections, c))
                    .and_then(|c| c.str("enterprise_project_id"))
                    .unwrap_or("0");
                projects.contains(&project)
            }
        })
        .map(|m| monitor_view(m, call, true))
        .collect();
    Ok(Success::ok(json!({ "connection_monitors": items })))
}

pub(crate) fn delete_monitor(store: &mut Store, call: &Call) -> Result<Success, Fault> {
    let p = store.project(&call.project);
    if find(&p.monitors, &call.id).is_none() {
        return Err(monitor_not_found(&call.id));
    }
    p.monitors.retain(|r| r.id != call.id);
    Ok(Success::no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs() {
        assert!(parse_cidr_v4("192.168.44.0/24"));
        assert!(!parse_cidr_v4("192.168.44.0/33"));
        assert!(!parse_cidr_v4("192.168.44.0"));
        assert!(!parse_cidr_v4("x/1"));
        assert!(!parse_cidr_v4("1.2.3.4/+1"));
        assert!(parse_cidr_v6("fd00::/64"));
        assert!(!parse_cidr_v6("fd00::/129"));
    }

    #[test]
    fn uuids() {
        assert!(is_uuid("0c464dad-1234-4a8d-9a86-c22bb0eb0bde"));
        assert!(!is_uuid("0c464dad-demo-a8df-va86-c22bb0eb0bde"));
    }
}
