//! Legacy IPsec site connections: the resources a connection names must exist (policies, VPN
//! service, a `subnet` local and a `cidr` peer endpoint group), Neutron's server defaults and
//! its DPD rule (the timeout is longer than the interval), and its own 404 type.

use serde_json::{Map, Value, json};

use super::util::{copy, s};
use super::{Hooks, endpoint_group, policy, vpnservice};
use crate::call::{Call, Fault};
use crate::store::Project;

pub(crate) struct IpsecSiteConnection;

fn default_dpd() -> Value {
    json!({"action": "hold", "interval": 30, "timeout": 120})
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

/// `current` with the fields of `change` replaced.
fn merged(current: Option<&Value>, change: Option<&Value>) -> Value {
    let mut dpd = current.cloned().unwrap_or_else(default_dpd);
    if let (Some(dpd), Some(change)) = (dpd.as_object_mut(), change.and_then(Value::as_object)) {
        copy(
            dpd,
            change,
            &change.keys().map(String::as_str).collect::<Vec<_>>(),
        );
    }
    dpd
}

/// Every resource `fields` names exists, and the endpoint groups are of the right types.
fn check_references(p: &Project, fields: &Map<String, Value>) -> Result<(), Fault> {
    let named: [(&str, &str, &dyn Hooks); 3] = [
        ("ikepolicy", "ikepolicy_id", &policy::IKE),
        ("ipsecpolicy", "ipsecpolicy_id", &policy::IPSEC),
        ("vpnservice", "vpnservice_id", &vpnservice::VpnService),
    ];
    for (kind, field, hooks) in named {
        if let Some(id) = s(fields, field)
            && p.find(kind, id).is_none()
        {
            return Err(hooks
                .not_found(id)
                .unwrap_or_else(|| Fault::not_found(kind, id)));
        }
    }
    endpoint_group::check_reference(p, fields, "local_ep_group_id", "subnet")?;
    endpoint_group::check_reference(p, fields, "peer_ep_group_id", "cidr")
}

impl Hooks for IpsecSiteConnection {
    fn create(
        &self,
        p: &mut Project,
        call: &Call,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        check_references(p, fields)?;
        let input = std::mem::take(fields);
        let dpd = merged(None, input.get("dpd"));
        check_dpd(&dpd)?;
        copy(
            fields,
            &input,
            &[
                "psk",
                "ipsecpolicy_id",
                "ikepolicy_id",
                "vpnservice_id",
                "local_ep_group_id",
                "peer_ep_group_id",
                "peer_address",
                "peer_id",
            ],
        );
        let text = |key: &str, default: &str| {
            json!(input.get(key).and_then(Value::as_str).unwrap_or(default))
        };
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
        Ok(())
    }

    fn update(
        &self,
        p: &mut Project,
        call: &Call,
        change: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        let current = p
            .find("ipsec_site_connection", &call.id)
            .and_then(|r| r.fields.get("dpd"));
        check_dpd(&merged(current, change.get("dpd")))?;
        check_references(p, change)?;
        change.retain(|k, _| {
            [
                "name",
                "description",
                "psk",
                "initiator",
                "peer_address",
                "peer_id",
                "peer_cidrs",
                "local_ep_group_id",
                "peer_ep_group_id",
                "dpd",
            ]
            .contains(&k.as_str())
        });
        Ok(())
    }

    fn not_found(&self, id: &str) -> Option<Fault> {
        Some(Fault::neutron_not_found(
            "IPsecSiteConnectionNotFound",
            format!("IPsec site connection {id} could not be found"),
        ))
    }
}
