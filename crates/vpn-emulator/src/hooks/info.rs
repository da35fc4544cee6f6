//! Singleton reads: quotas and the availability zones of each gateway flavor (v5), and of
//! each zone the gateway specifications it offers (v5.1).

use serde_json::{Map, Value, json};

use crate::call::{Call, Fault};
use crate::store::Project;

/// Availability zones offered for every flavor (the `er` list is empty for Basic).
pub(crate) const AVAILABILITY_ZONES: [&str; 3] = ["cn-north-4a", "cn-north-4b", "cn-north-4c"];

/// Quotas reported by ShowQuotasInfo (not enforced): (quota type, resource, limit).
const QUOTAS: [(&str, &str, u64); 3] = [
    ("vpn_gateway", "vpn_gateway", 50),
    ("customer_gateway", "customer_gateway", 100),
    ("vpn_connection", "vpn_connection", 500),
];

pub(crate) fn zones_for_flavor(flavor: &str, attachment: &str) -> Vec<&'static str> {
    if flavor == "Basic" && attachment == "er" {
        Vec::new()
    } else {
        AVAILABILITY_ZONES.to_vec()
    }
}

pub(crate) fn list_availability_zones(_: &mut Project, _: &Call) -> Result<Value, Fault> {
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
    Ok(json!({ "availability_zones": zones }))
}

pub(crate) fn show_quotas(p: &mut Project, _: &Call) -> Result<Value, Fault> {
    let resources: Vec<Value> = QUOTAS
        .iter()
        .map(|(kind, resource, quota)| {
            json!({"type": kind, "quota": quota, "used": p.all(resource).len()})
        })
        .collect();
    Ok(json!({"quotas": {"resources": resources}}))
}

/// ListExtendedAvailabilityZones: the same zones as ListAvailabilityZones, each with the
/// flavor, attachment type and IP version combinations that ListAvailabilityZones offers there.
pub(crate) fn list_extended_availability_zones(_: &mut Project, _: &Call) -> Result<Value, Fault> {
    const FLAVORS: [&str; 6] = [
        "Basic",
        "Professional1",
        "Professional2",
        "GM",
        "Professional1-NonFixedIP",
        "Professional2-NonFixedIP",
    ];
    let zones: Vec<Value> = AVAILABILITY_ZONES
        .iter()
        .map(|zone| {
            let specs: Vec<Value> = FLAVORS
                .iter()
                .flat_map(|flavor| {
                    ["vpc", "er"]
                        .into_iter()
                        .filter(move |attachment| zones_for_flavor(flavor, attachment).contains(zone))
                        .map(move |attachment| {
                            json!({"flavor": flavor, "attachment_type": attachment, "ip_version": "ipv4"})
                        })
                })
                .collect();
            json!({"name": zone, "public_border_group": "center", "available_specs": specs})
        })
        .collect();
    Ok(json!({ "availability_zones": zones }))
}
