//! Small helpers the hooks share: reading JSON objects, CIDR and UUID checks, made-up addresses.

use std::net::{Ipv4Addr, Ipv6Addr};

use serde_json::{Map, Value};

use crate::call::{Call, Fault};
use crate::store::{Project, Record};

pub(crate) fn s<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

pub(crate) fn strings(map: &Map<String, Value>, key: &str) -> Option<Vec<String>> {
    map.get(key).and_then(Value::as_array).map(|items| {
        items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    })
}

/// 400 `VPN.0011` while any `user` resource names `id` in its `field` (a gateway that VPN
/// connections still use cannot be deleted).
pub(crate) fn refuse_if_used(
    p: &Project,
    what: &str,
    id: &str,
    user: &str,
    field: &str,
) -> Result<(), Fault> {
    let used = p
        .all(user)
        .iter()
        .filter(|r| r.str(field) == Some(id))
        .count();
    if used > 0 {
        return Err(Fault::in_use(format!(
            "{what} {id} still has {used} VPN connection(s); delete them first"
        )));
    }
    Ok(())
}

/// The legacy API's 409 (Neutron's `neutron_type`, such as `IKEPolicyInUse`, with `message`)
/// while an IPsec site connection names `id` in one of `fields`.
pub(crate) fn refuse_if_connected(
    p: &Project,
    id: &str,
    fields: &[&str],
    neutron_type: &str,
    message: impl FnOnce() -> String,
) -> Result<(), Fault> {
    let used = p
        .all("ipsec_site_connection")
        .iter()
        .any(|r| fields.iter().any(|f| r.str(f) == Some(id)));
    if used {
        return Err(Fault::neutron_conflict(neutron_type, message()));
    }
    Ok(())
}

/// The legacy API's default for a text field left out of a create: the empty string.
pub(crate) fn default_texts(fields: &mut Map<String, Value>, keys: &[&str]) {
    for key in keys {
        fields
            .entry(*key)
            .or_insert_with(|| Value::String(String::new()));
    }
}

/// Copies `keys` that are present in `from` into `to`.
pub(crate) fn copy(to: &mut Map<String, Value>, from: &Map<String, Value>, keys: &[&str]) {
    for key in keys {
        if let Some(value) = from.get(*key) {
            to.insert((*key).to_string(), value.clone());
        }
    }
}

/// `value` with only `keys`.
pub(crate) fn only(value: &Map<String, Value>, keys: &[&str]) -> Map<String, Value> {
    let mut out = Map::new();
    copy(&mut out, value, keys);
    out
}

pub(crate) fn parse_cidr_v4(text: &str) -> bool {
    match text.split_once('/') {
        Some((addr, len)) => {
            addr.parse::<Ipv4Addr>().is_ok()
                && len.bytes().all(|b| b.is_ascii_digit())
                && len.parse::<u8>().is_ok_and(|l| l <= 32)
        }
        None => false,
    }
}

pub(crate) fn parse_cidr_v6(text: &str) -> bool {
    match text.split_once('/') {
        Some((addr, len)) => {
            addr.parse::<Ipv6Addr>().is_ok()
                && len.bytes().all(|b| b.is_ascii_digit())
                && len.parse::<u8>().is_ok_and(|l| l <= 128)
        }
        None => false,
    }
}

/// One page of `items` (oldest first, each with its `id` and `created_at`) as a VPN v5 list
/// answers it: the call's `marker` and `limit` applied (`engine::page_of`), the items under
/// `plural`, `page_info` (with `next_marker` when more follow) and `total_count`.
pub(crate) fn page(call: &Call, plural: &str, items: Vec<Value>) -> Value {
    let total = items.len();
    let text = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (page, next) =
        crate::engine::page_of(items, call.param("limit"), call.param("marker"), |v| {
            (text(v, "id"), text(v, "created_at"))
        });
    let mut info = Map::new();
    info.insert("current_count".into(), Value::from(page.len()));
    if let Some(next) = next {
        info.insert("next_marker".into(), Value::String(next));
    }
    let mut body = Map::new();
    body.insert(plural.to_string(), Value::Array(page));
    body.insert("page_info".into(), Value::Object(info));
    body.insert("total_count".into(), Value::from(total));
    Value::Object(body)
}

pub(crate) fn check_cidrs(
    map: &Map<String, Value>,
    key: &str,
    at: &str,
    v6: bool,
) -> Result<(), Fault> {
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
pub(crate) fn random_bytes() -> [u8; 16] {
    uuid::Uuid::new_v4().into_bytes()
}

/// A made-up public address for a new EIP (in 100.64.0.0/10, never routed on the Internet).
pub(crate) fn new_public_ip() -> String {
    let b = random_bytes();
    format!("100.{}.{}.{}", 64 + (b[0] & 0x3f), b[1], b[2].max(1))
}

pub(crate) fn new_private_ip() -> String {
    let b = random_bytes();
    format!("172.16.{}.{}", b[0], b[1].clamp(2, 254))
}

pub(crate) fn is_uuid(text: &str) -> bool {
    uuid::Uuid::try_parse(text).is_ok() && text.len() == 36
}

/// The ids of a gateway's EIPs (`eip1.id`, `eip2.id`).
pub(crate) fn eip_ids(r: &Record) -> Vec<&str> {
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

/// The address of the gateway side of a connection: the EIP's address, or a private IP.
pub(crate) fn gateway_address(vgw: &Record, vgw_ip: &str) -> Option<String> {
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
        assert!(!is_uuid("0c464dad12344a8d9a86c22bb0eb0bde"));
    }
}
