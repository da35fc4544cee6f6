//! A VPN connection's troubleshooting operations: reset, its IPsec SAs, its log, and the
//! on-premises device configuration exported for it.
//!
//! Why a hook: these are actions on a connection, not resources; what they answer comes from
//! the connection, its gateway and its customer gateway. The log is kept in the connection's
//! record (`log`, a field no answer shows), so a reset appears in it.

use serde_json::{Map, Value, json};

use super::util::{gateway_address, s, strings};
use crate::call::{Call, Fault};
use crate::clock::now_millis;
use crate::store::{Project, Record};

/// The record field that holds a connection's log lines (`{time, raw_message}`).
const LOG: &str = "log";

/// The devices a configuration can be exported for: the ones the published example lists.
const DEVICES: &[[&str; 4]] = &[
    ["vendor-name-1", "type-1", "model-1", "1.0"],
    ["vendor-name-2", "type-2", "model-2", "1.0"],
];
const DEVICE_FIELDS: [&str; 4] = ["vendor", "type", "model", "version"];

fn connection<'a>(p: &'a Project, call: &Call) -> Result<&'a Record, Fault> {
    let id = call.path_param("vpn_connection_id").unwrap_or_default();
    p.find("vpn_connection", id)
        .ok_or_else(|| Fault::not_found("vpn connection", id))
}

/// A log line as the gateway writes it, at `millis` (Unix time in milliseconds).
fn log_line(millis: u64, process: &str, event: &str) -> Value {
    let micros = humantime::format_rfc3339_micros(
        std::time::UNIX_EPOCH + std::time::Duration::from_millis(millis),
    )
    .to_string();
    let stamp = micros.trim_end_matches('Z');
    json!({
        "time": millis / 1000,
        "raw_message": format!("{stamp}+00:00 host-127-0-0-1 {process}: {event}"),
    })
}

/// A new connection's log: one line.
pub(crate) fn start_log(fields: &mut Map<String, Value>, process: &str, event: &str) {
    fields.insert(LOG.into(), json!([log_line(now_millis(), process, event)]));
}

/// Appends a line to the connection's log.
fn append_log(r: &mut Record, process: &str, event: &str) {
    let line = log_line(now_millis(), process, event);
    match r.fields.get_mut(LOG).and_then(Value::as_array_mut) {
        Some(lines) => lines.push(line),
        None => {
            r.fields.insert(LOG.into(), json!([line]));
        }
    }
}

/// ResetVpnConnection: an ACTIVE or DOWN connection shows PENDING_UPDATE for the transition
/// delay, then its status again; one being created, updated or deleted is refused.
pub(crate) fn reset(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let id = connection(p, call)?.id.clone();
    let Some(r) = p.find_mut("vpn_connection", &id) else {
        return Err(Fault::not_found("vpn connection", &id));
    };
    let status = r.status(call.now).to_string();
    if status != "ACTIVE" && status != "DOWN" {
        return Err(Fault::wrong_status(format!(
            "vpn connection {id} is {status}; only an ACTIVE or DOWN connection can be reset"
        )));
    }
    r.pass_through("PENDING_UPDATE", call.now, call.delay);
    append_log(
        r,
        "ipsec_ike[1001]",
        "The IPSec tunnel is reset by the user. (Reason=[reset])",
    );
    Ok(json!({}))
}

/// ListConnectionIpsecSa: one SA per pair of local and peer CIDR blocks of an ACTIVE
/// connection (policy rules for policy-based ones), counters at zero (no traffic here).
pub(crate) fn ipsec_sa(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let r = connection(p, call)?;
    if r.status(call.now) != "ACTIVE" {
        return Ok(json!({ "sa_infos": [] }));
    }
    let pairs: Vec<(String, String)> = if r.str("style") == Some("POLICY") {
        r.fields
            .get("policy_rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|rule| {
                let source = s(rule, "source").unwrap_or_default().to_string();
                strings(rule, "destination")
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |d| (source.clone(), d))
            })
            .collect()
    } else {
        let local = r
            .str("vgw_id")
            .and_then(|id| p.find("vpn_gateway", id))
            .and_then(|g| strings(&g.fields, "local_subnets"))
            .unwrap_or_default();
        let peer = strings(&r.fields, "peer_subnets").unwrap_or_default();
        local
            .iter()
            .flat_map(|l| peer.iter().map(move |d| (l.clone(), d.clone())))
            .collect()
    };
    let collected = crate::clock::iso_millis(now_millis());
    let sas: Vec<Value> = pairs
        .into_iter()
        .enumerate()
        .map(|(i, (source, dest))| {
            json!({
                "id": format!("{}-sa-{}", r.id, i + 1),
                "source_ip_cidr": source,
                "dest_ip_cidr": dest,
                "packets_sent": 0,
                "packets_recv": 0,
                "traffic_sent": 0,
                "traffic_recv": 0,
                "collected_at": collected,
            })
        })
        .collect();
    Ok(json!({ "sa_infos": sas }))
}

/// ShowVpnConnectionLog: the connection's log lines, oldest first.
pub(crate) fn log(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let r = connection(p, call)?;
    let lines = r.fields.get(LOG).cloned().unwrap_or_else(|| json!([]));
    Ok(json!({ "logs": lines }))
}

/// ListPeerConfigurationSupportedDevices.
pub(crate) fn supported_devices(_: &mut Project, _: &Call) -> Result<Value, Fault> {
    let devices: Vec<Value> = DEVICES
        .iter()
        .map(|device| {
            let fields: Map<String, Value> = DEVICE_FIELDS
                .iter()
                .zip(device)
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            Value::Object(fields)
        })
        .collect();
    Ok(json!({ "supported_devices": devices }))
}

/// ExportVpnConnectionPeerConfiguration: the device must be a supported one (the first field
/// that no supported device with the fields before it has is named); the configuration
/// carries the gateway address, the subnets, the policies and the pre-shared key.
pub(crate) fn export(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let r = connection(p, call)?;
    let body = call.body.as_object().cloned().unwrap_or_default();
    let given: Vec<&str> = DEVICE_FIELDS
        .iter()
        .map(|k| s(&body, k).unwrap_or_default())
        .collect();
    for depth in 1..=DEVICE_FIELDS.len() {
        if !DEVICES.iter().any(|d| d[..depth] == given[..depth]) {
            let field = DEVICE_FIELDS[depth - 1];
            return Err(Fault::invalid_field(
                field,
                &format!(
                    "`{}` is not a supported device's {field} (see ListPeerConfigurationSupportedDevices)",
                    given[depth - 1]
                ),
            ));
        }
    }
    let gateway = r.str("vgw_id").and_then(|id| p.find("vpn_gateway", id));
    let gateway_ip = gateway
        .and_then(|g| gateway_address(g, r.str("vgw_ip").unwrap_or_default()))
        .unwrap_or_default();
    let local = gateway
        .and_then(|g| strings(&g.fields, "local_subnets"))
        .unwrap_or_default();
    let peer = strings(&r.fields, "peer_subnets").unwrap_or_default();
    let policy = |policy: &str, key: &str| {
        r.fields
            .get(policy)
            .and_then(|v| v.get(key))
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .unwrap_or_default()
    };
    let config = format!(
        "# {vendor} {series} {model} {version}: configuration for VPN connection {id} (vpn-emulator)\n\
         ike proposal 1\n encryption-algorithm {ike_enc}\n authentication-algorithm {ike_auth}\n dh {dh}\n\
         ike peer {id}\n version {ike_version}\n pre-shared-key {psk}\n remote-address {gateway_ip}\n\
         ipsec proposal 1\n esp encryption-algorithm {esp_enc}\n esp authentication-algorithm {esp_auth}\n\
         # cloud subnets: {local}\n# on-premises subnets: {peer}\n",
        vendor = given[0],
        series = given[1],
        model = given[2],
        version = given[3],
        id = r.id,
        ike_enc = policy("ikepolicy", "encryption_algorithm"),
        ike_auth = policy("ikepolicy", "authentication_algorithm"),
        dh = policy("ikepolicy", "dh_group"),
        ike_version = policy("ikepolicy", "ike_version"),
        psk = r.str("psk").unwrap_or_default(),
        esp_enc = policy("ipsecpolicy", "encryption_algorithm"),
        esp_auth = policy("ipsecpolicy", "authentication_algorithm"),
        local = local.join(", "),
        peer = peer.join(", "),
    );
    Ok(json!({ "peer_config": config }))
}
