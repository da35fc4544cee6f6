//! Legacy VPN services: one per VPC (a second service on the same `router_id` is a 409), the
//! external address the service makes up, the fields OTC returns beyond its tables, no delete
//! while a site connection uses the service (409 `VPNServiceInUse`), Neutron's 404 type.

use serde_json::{Map, Value, json};

use super::Hooks;
use super::util::{default_texts, new_public_ip, refuse_if_connected, s};
use crate::call::{Call, Fault};
use crate::store::Project;

pub(crate) struct VpnService;

impl Hooks for VpnService {
    fn create(
        &self,
        p: &mut Project,
        _: &Call,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        let router = s(fields, "router_id").unwrap_or_default();
        if let Some(other) = p
            .all("vpnservice")
            .iter()
            .find(|r| r.str("router_id") == Some(router))
        {
            return Err(Fault::neutron_conflict(
                "HTTPConflict",
                format!(
                    "router {router} already has VPN service {}: one VPN service per VPC",
                    other.id
                ),
            ));
        }
        default_texts(
            fields,
            &[
                "name",
                "description",
                "order_id",
                "product_id",
                "resource_speccode",
            ],
        );
        fields.entry("subnet_id").or_insert(Value::Null);
        fields.insert("admin_state_up".into(), json!(true));
        fields
            .entry("external_v4_ip")
            .or_insert_with(|| json!(new_public_ip()));
        fields.insert("external_v6_ip".into(), Value::Null);
        fields.insert("prepay_connection_num".into(), json!(0));
        fields.insert("tags".into(), json!([]));
        Ok(())
    }

    fn delete(&self, p: &mut Project, call: &Call) -> Result<(), Fault> {
        refuse_if_connected(p, &call.id, &["vpnservice_id"], "VPNServiceInUse", || {
            format!("VPNService {} is still in use", call.id)
        })
    }

    fn not_found(&self, id: &str) -> Option<Fault> {
        Some(Fault::neutron_not_found(
            "VPNServiceNotFound",
            format!("VPNService {id} could not be found"),
        ))
    }
}
