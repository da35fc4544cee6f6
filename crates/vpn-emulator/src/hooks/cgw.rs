//! Customer gateways: an IPv4 `id_value` for `id_type` ip, a made-up CA certificate, and no
//! delete while connections use it. No status.

use std::net::Ipv4Addr;

use serde_json::{Map, Value, json};

use super::Hooks;
use super::util::{copy, only, refuse_if_used, s};
use crate::call::{Call, Fault};
use crate::clock::iso_millis;
use crate::model::Action;
use crate::store::{Project, Record, name_suffix, new_id};

pub(crate) struct CustomerGateway;

const FIELDS: &[&str] = &[
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

/// What the service makes of an uploaded CA certificate.
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

impl Hooks for CustomerGateway {
    fn create(
        &self,
        _: &mut Project,
        _: &Call,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        let input = std::mem::take(fields);
        let id_type = s(&input, "id_type").unwrap_or("ip");
        let id_value = s(&input, "id_value").unwrap_or_default();
        if id_type == "ip" && id_value.parse::<Ipv4Addr>().is_err() {
            return Err(Fault::invalid_field(
                "customer_gateway.id_value",
                "must be an IPv4 address when id_type is ip",
            ));
        }
        copy(fields, &input, &["bgp_asn", "tags"]);
        let name = s(&input, "name")
            .map(str::to_string)
            .unwrap_or_else(|| format!("cgw-{}", name_suffix()));
        fields.insert("name".into(), json!(name));
        fields.insert("id_type".into(), json!(id_type));
        fields.insert("id_value".into(), json!(id_value));
        if input.get("ca_certificate").is_some() {
            fields.insert(
                "ca_certificate".into(),
                certificate(crate::clock::now_millis()),
            );
        }
        Ok(())
    }

    fn update(
        &self,
        p: &mut Project,
        call: &Call,
        change: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        let created = p
            .find("customer_gateway", &call.id)
            .map(|r| r.created_ms)
            .unwrap_or_default();
        let certificate = change.get("ca_certificate").map(|_| certificate(created));
        change.retain(|k, _| k == "name");
        if let Some(certificate) = certificate {
            change.insert("ca_certificate".into(), certificate);
        }
        Ok(())
    }

    fn delete(&self, p: &mut Project, call: &Call) -> Result<(), Fault> {
        refuse_if_used(p, "customer gateway", &call.id, "vpn_connection", "cgw_id")
    }

    fn view(
        &self,
        _: &Project,
        _: &Record,
        _: Action,
        _: &Call,
        out: Map<String, Value>,
    ) -> Map<String, Value> {
        only(&out, FIELDS)
    }

    fn filter(
        &self,
        _: &Project,
        view: &Map<String, Value>,
        param: &str,
        values: &[&str],
    ) -> Option<bool> {
        (param == "cgw_id").then(|| {
            view.get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| values.contains(&id))
        })
    }
}
