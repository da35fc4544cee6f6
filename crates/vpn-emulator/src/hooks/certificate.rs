//! The certificates of GM VPN gateways: one per gateway, GM gateways only, the certificates
//! and keys kept but never shown, what they "say" (issuer, subject, serial number, expiry)
//! made up from their text, and BINDING until the transition delay has passed, then BOUND.
//!
//! Why a hook: the engine can create and update the nested `certificate` resource, but not
//! know that only GM gateways take one, that there is one per gateway, or what a certificate
//! says. The show is addressed by the gateway (`.../{vgw_id}/certificate`) and the list spans
//! every gateway (`/vpn-gateway-certificates`), so both are operation hooks here.
//!
//! The emulator does not parse certificates: the metadata are stable per text (a hash), and
//! every certificate expires a year after it was uploaded.

use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::{Map, Value, json};

use super::Hooks;
use super::util::{only, s};
use crate::call::{Call, Fault};
use crate::clock::{iso_millis, now_millis};
use crate::model::Action;
use crate::store::{Project, Record, name_suffix};

pub(crate) struct Certificate;

const KIND: &str = "certificate";

/// The certificate texts and keys: kept, never shown.
const SECRETS: [&str; 5] = [
    "certificate",
    "private_key",
    "certificate_chain",
    "enc_certificate",
    "enc_private_key",
];

/// What the answers show (the made-up metadata included).
const SHOWN: &[&str] = &[
    "id",
    "name",
    "vgw_id",
    "issuer",
    "signature_algorithm",
    "certificate_serial_number",
    "certificate_subject",
    "certificate_expire_time",
    "certificate_chain_serial_number",
    "certificate_chain_subject",
    "certificate_chain_expire_time",
    "enc_certificate_serial_number",
    "enc_certificate_subject",
    "enc_certificate_expire_time",
    "created_at",
];

const YEAR_MS: u64 = 365 * 24 * 3600 * 1000;

fn serial(text: &str) -> String {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}

/// The metadata of the certificate texts in `fields`, and BINDING from now for `delay`.
fn describe(fields: &mut Map<String, Value>, call: &Call) {
    let now = now_millis();
    let expiry = json!(iso_millis(now.saturating_add(YEAR_MS)));
    for (text, prefix, subject) in [
        ("certificate", "certificate", "CN=vpn-gateway-sign"),
        (
            "certificate_chain",
            "certificate_chain",
            "CN=emulator SM2 CA",
        ),
        ("enc_certificate", "enc_certificate", "CN=vpn-gateway-enc"),
    ] {
        if let Some(text) = s(fields, text).map(str::to_string) {
            fields.insert(format!("{prefix}_serial_number"), json!(serial(&text)));
            fields.insert(format!("{prefix}_subject"), json!(subject));
            fields.insert(format!("{prefix}_expire_time"), expiry.clone());
        }
    }
    fields.insert("issuer".into(), json!("CN=emulator SM2 CA"));
    fields.insert("signature_algorithm".into(), json!("SM3WITHSM2"));
    let delay = u64::try_from(call.delay.as_millis()).unwrap_or(u64::MAX);
    fields.insert("bound_at_ms".into(), json!(now.saturating_add(delay)));
}

/// A certificate as the answers show it; show and list add the project, status and
/// `updated_at`.
fn render(r: &Record, call: &Call, action: Action) -> Map<String, Value> {
    let mut full = r.fields.clone();
    full.insert("id".into(), json!(r.id));
    full.insert("created_at".into(), json!(iso_millis(r.created_ms)));
    let mut out = only(&full, SHOWN);
    if action == Action::Show {
        let bound = full
            .get("bound_at_ms")
            .and_then(Value::as_u64)
            .is_none_or(|at| now_millis() >= at);
        out.insert(
            "status".into(),
            json!(if bound { "BOUND" } else { "BINDING" }),
        );
        out.insert("project_id".into(), json!(call.project));
        let updated = full
            .get("updated_at")
            .cloned()
            .unwrap_or_else(|| json!(iso_millis(r.created_ms)));
        out.insert("updated_at".into(), updated);
    }
    out
}

impl Hooks for Certificate {
    fn create(
        &self,
        p: &mut Project,
        call: &Call,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        let vgw_id = call.path_param("vgw_id").unwrap_or_default();
        let Some(gateway) = p.find("vpn_gateway", vgw_id) else {
            return Err(Fault::not_found("vpn gateway", vgw_id));
        };
        let flavor = gateway.str("flavor").unwrap_or_default();
        if flavor != "GM" {
            return Err(Fault::invalid_field(
                "vgw_id",
                &format!("certificates are for GM gateways; vpn gateway {vgw_id} is {flavor}"),
            ));
        }
        if let Some(existing) = p
            .all(KIND)
            .iter()
            .find(|c| c.scope.first().map(String::as_str) == Some(vgw_id))
        {
            return Err(Fault::duplicate(format!(
                "vpn gateway {vgw_id} has the certificate {} already; update it instead",
                existing.id
            )));
        }
        if !fields.contains_key("name") {
            fields.insert("name".into(), json!(format!("cert-{:04x}", name_suffix())));
        }
        fields.insert("vgw_id".into(), json!(vgw_id));
        describe(fields, call);
        Ok(())
    }

    fn update(
        &self,
        p: &mut Project,
        call: &Call,
        change: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        if SECRETS.iter().any(|k| change.contains_key(*k)) {
            let mut next = p
                .find(KIND, &call.id)
                .map(|r| r.fields.clone())
                .unwrap_or_default();
            for (k, v) in change.iter() {
                next.insert(k.clone(), v.clone());
            }
            describe(&mut next, call);
            for key in SHOWN.iter().copied().chain(["bound_at_ms", "issuer"]) {
                if let Some(value) = next.get(key).filter(|_| key != "id") {
                    change.insert(key.to_string(), value.clone());
                }
            }
        }
        Ok(())
    }

    fn view(
        &self,
        _: &Project,
        r: &Record,
        action: Action,
        call: &Call,
        _: Map<String, Value>,
    ) -> Map<String, Value> {
        render(r, call, action)
    }

    fn not_found(&self, id: &str) -> Option<Fault> {
        Some(Fault::not_found("vpn gateway certificate", id))
    }
}

/// ShowVpnGatewayCertificate: the gateway's certificate, or 404 naming the gateway.
pub(crate) fn show(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let vgw_id = call.path_param("vgw_id").unwrap_or_default();
    let r = p
        .all(KIND)
        .iter()
        .find(|c| c.scope.first().map(String::as_str) == Some(vgw_id))
        .ok_or_else(|| Fault::not_found("certificate of vpn gateway", vgw_id))?;
    Ok(json!({ "certificate": render(r, call, Action::Show) }))
}

/// ListVpnGatewayCertificates: every gateway's certificate, oldest first; `pre_expire_days`
/// keeps those whose signature certificate expires within that many days; `marker` (a
/// `created_at`) and `limit` page.
pub(crate) fn list(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let within = call.count_param("pre_expire_days")?;
    let limit = call
        .count_param("limit")?
        .filter(|l| *l > 0)
        .unwrap_or(2000);
    let marker = call.param("marker").filter(|m| !m.is_empty());
    let horizon = within
        .map(|days| iso_millis(now_millis().saturating_add(days.saturating_mul(24 * 3600 * 1000))));
    let items: Vec<Value> = p
        .all(KIND)
        .iter()
        .map(|r| render(r, call, Action::Show))
        .filter(|c| {
            horizon
                .as_deref()
                .is_none_or(|h| s(c, "certificate_expire_time").is_some_and(|expiry| expiry <= h))
        })
        .filter(|c| marker.is_none_or(|m| s(c, "created_at").is_some_and(|at| at > m)))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(Value::Object)
        .collect();
    Ok(json!({ "vpn_gateway_certificates": items }))
}
