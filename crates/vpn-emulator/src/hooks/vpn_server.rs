//! VPN servers of P2C VPN gateways, their client CA certificates and the exported client
//! configuration.
//!
//! Why a hook: a VPN server is created under its gateway
//! (`/p2c-vpn-gateways/{p2c_vgw_id}/vpn-servers`) but updated under another path
//! (`/p2c-vpn-gateways/vpn-servers/{vpn_server_id}`) and listed per gateway and per project,
//! so the engine does not see a resource in it: these operation hooks keep it. One server per
//! gateway; the CA certificates given at its creation become client CA certificate records
//! (the engine's `client_ca_certificate` resource, scoped to the server), whose texts are
//! kept but never shown, and whose metadata are made up from the text (a hash) as for the GM
//! gateway certificates. Certificate authentication needs at least one CA certificate: the
//! last one cannot be deleted.

use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::{Map, Value, json};

use super::Hooks;
use super::util::{check_cidrs, page, s, strings};
use crate::call::{Call, Fault};
use crate::clock::{iso_millis, now_millis};
use crate::model::Action;
use crate::store::{Project, Record, new_id};

/// The store's kind of the VPN servers (scoped to their gateway).
pub(crate) const SERVERS: &str = "vpn_server";
/// The store's kind of the client CA certificates (the engine's resource).
pub(crate) const CA_CERTIFICATES: &str = "client_ca_certificate";
/// Everything kept under a server (scoped to it), removed with its gateway.
pub(crate) const BELOW_SERVER: [&str; 4] = [
    CA_CERTIFICATES,
    super::vpn_user::USERS,
    super::vpn_user::GROUPS,
    super::vpn_user::POLICIES,
];

const YEAR_MS: u64 = 365 * 24 * 3600 * 1000;

/// The server of the call's `vpn_server_id`, or its 404.
pub(crate) fn server_id(p: &Project, call: &Call) -> Result<String, Fault> {
    known_server(p, call.path_param("vpn_server_id").unwrap_or_default())
}

/// The server `id`, or its 404.
pub(crate) fn known_server(p: &Project, id: &str) -> Result<String, Fault> {
    p.find(SERVERS, id)
        .map(|r| r.id.clone())
        .ok_or_else(|| Fault::not_found("vpn server", id))
}

fn hash(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// What a CA certificate "says": issuer, subject, serial number, signature algorithm and an
/// expiry a year after `from_ms`, made up from its text. A text that is no PEM certificate is
/// refused, naming `at`.
fn describe(content: &str, at: &str, from_ms: u64) -> Result<Map<String, Value>, Fault> {
    let text = content.trim();
    if !text.starts_with("-----BEGIN CERTIFICATE-----")
        || !text.ends_with("-----END CERTIFICATE-----")
    {
        return Err(Fault::invalid_field(
            at,
            "must be a PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)",
        ));
    }
    let h = hash(text);
    let mut meta = Map::new();
    meta.insert(
        "issuer".into(),
        json!(format!("CN=Client CA {:04x}", h % 0x10000)),
    );
    meta.insert(
        "subject".into(),
        json!(format!("CN=Client CA {:04x}", h % 0x10000)),
    );
    meta.insert("serial_number".into(), json!(format!("{h:016x}")));
    meta.insert(
        "signature_algorithm".into(),
        json!("sha256WithRSAEncryption"),
    );
    meta.insert(
        "expiration_time".into(),
        json!(iso_millis(from_ms.saturating_add(YEAR_MS))),
    );
    Ok(meta)
}

/// The client CA certificate resource: the text checked and described, kept, never shown.
pub(crate) struct ClientCaCertificate;

impl Hooks for ClientCaCertificate {
    fn create(
        &self,
        p: &mut Project,
        call: &Call,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        server_id(p, call)?;
        let content = s(fields, "content").unwrap_or_default().to_string();
        let meta = describe(&content, "client_ca_certificate.content", now_millis())?;
        fields.extend(meta);
        Ok(())
    }

    fn delete(&self, p: &mut Project, call: &Call) -> Result<(), Fault> {
        let server = server_id(p, call)?;
        let certificate_auth = p
            .find(SERVERS, &server)
            .is_some_and(|r| r.str("client_auth_type") == Some("CERT"));
        let left = p
            .all(CA_CERTIFICATES)
            .iter()
            .filter(|c| c.scope.first() == Some(&server))
            .count();
        if certificate_auth && left <= 1 {
            return Err(Fault::in_use(format!(
                "vpn server {server} authenticates clients by certificate; its last client CA \
                 certificate cannot be deleted"
            )));
        }
        Ok(())
    }

    fn view(
        &self,
        _: &Project,
        _: &Record,
        _: Action,
        _: &Call,
        mut view: Map<String, Value>,
    ) -> Map<String, Value> {
        view.remove("content");
        view
    }

    fn not_found(&self, id: &str) -> Option<Fault> {
        Some(Fault::not_found("client ca certificate", id))
    }
}

/// A server as the answers show it, with its client CA certificates.
fn render(p: &Project, r: &Record, call: &Call) -> Value {
    let mut view = r.fields.clone();
    view.insert("id".into(), json!(r.id));
    view.insert("status".into(), json!(r.status(call.now)));
    view.insert("created_at".into(), json!(iso_millis(r.created_ms)));
    let certificates: Vec<Value> = p
        .all(CA_CERTIFICATES)
        .iter()
        .filter(|c| c.scope.first() == Some(&r.id))
        .map(|c| {
            let mut c_view = c.fields.clone();
            c_view.remove("content");
            c_view.insert("id".into(), json!(c.id));
            c_view.insert("created_at".into(), json!(iso_millis(c.created_ms)));
            Value::Object(c_view)
        })
        .collect();
    view.insert("client_ca_certificates".into(), Value::Array(certificates));
    Value::Object(view)
}

fn check_addresses(server: &Map<String, Value>) -> Result<(), Fault> {
    if let Some(cidr) = s(server, "client_cidr")
        && !super::util::parse_cidr_v4(cidr)
    {
        return Err(Fault::invalid_field(
            "vpn_server.client_cidr",
            "must be an IPv4 CIDR block (such as 172.16.0.0/16)",
        ));
    }
    check_cidrs(server, "local_subnets", "vpn_server", false)?;
    if strings(server, "dns_servers").is_some_and(|d| d.len() > 2) {
        return Err(Fault::invalid_field(
            "vpn_server.dns_servers",
            "at most two DNS servers",
        ));
    }
    Ok(())
}

/// CreateVpnServer: the ACTIVE gateway's one server; certificate authentication over SSL needs its
/// client CA certificates in the same request.
pub(crate) fn create(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let vgw_id = call
        .path_param("p2c_vgw_id")
        .unwrap_or_default()
        .to_string();
    let empty = Map::new();
    let mut server = call
        .body
        .get("vpn_server")
        .and_then(Value::as_object)
        .unwrap_or(&empty)
        .clone();
    let gateway_status = p
        .find(super::p2c::GATEWAYS, &vgw_id)
        .map(|g| g.status(call.now).to_string())
        .unwrap_or_default();
    if gateway_status != "ACTIVE" {
        return Err(Fault::wrong_status(format!(
            "p2c vpn gateway {vgw_id} is {gateway_status}; a vpn server is added to an ACTIVE gateway"
        )));
    }
    if let Some(existing) = p
        .all(SERVERS)
        .iter()
        .find(|r| r.str("p2c_vgw_id") == Some(vgw_id.as_str()))
    {
        return Err(Fault::duplicate(format!(
            "p2c vpn gateway {vgw_id} has the vpn server {} already",
            existing.id
        )));
    }
    check_addresses(&server)?;
    let certificates = server
        .remove("client_ca_certificates")
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    if s(&server, "client_auth_type") == Some("CERT") && certificates.is_empty() {
        return Err(Fault::invalid_field(
            "vpn_server.client_ca_certificates",
            "required when client_auth_type is CERT",
        ));
    }
    let created = p.next_created_ms(SERVERS);
    let id = new_id();
    for (i, certificate) in certificates.iter().enumerate() {
        let at = format!("vpn_server.client_ca_certificates[{i}].content");
        let content = certificate
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut fields = describe(content, &at, created)?;
        fields.insert("content".into(), json!(content));
        if let Some(name) = certificate.get("name") {
            fields.insert("name".into(), name.clone());
        }
        fields.insert("updated_at".into(), json!(iso_millis(created)));
        let mut record = Record::new(new_id(), p.next_created_ms(CA_CERTIFICATES), fields);
        record.scope = vec![id.clone()];
        p.push(CA_CERTIFICATES, record);
    }
    server.insert("p2c_vgw_id".into(), json!(vgw_id));
    server.insert("updated_at".into(), json!(iso_millis(created)));
    let mut record = Record::new(id.clone(), created, server);
    record.scope = vec![vgw_id];
    record.transition(Some("PENDING_CREATE"), "ACTIVE", call.now, call.delay);
    p.push(SERVERS, record);
    Ok(json!({ "vpn_server": { "id": id } }))
}

/// ListVpnServersByVgw: the gateway's server (a list of at most one).
pub(crate) fn list_by_gateway(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let vgw_id = call.path_param("p2c_vgw_id").unwrap_or_default();
    let items: Vec<Value> = p
        .all(SERVERS)
        .iter()
        .filter(|r| r.str("p2c_vgw_id") == Some(vgw_id))
        .map(|r| render(p, r, call))
        .collect();
    let total = items.len();
    Ok(json!({ "vpn_servers": items, "total_count": total }))
}

/// ListVpnServersByProject: every server of the project, paged by `created_at`.
pub(crate) fn list_by_project(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let items: Vec<Value> = p.all(SERVERS).iter().map(|r| render(p, r, call)).collect();
    Ok(page(call, "vpn_servers", items))
}

/// UpdateVpnServer: merges the change; the server is PENDING_UPDATE for the delay.
pub(crate) fn update(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let id = server_id(p, call)?;
    let empty = Map::new();
    let change = call
        .body
        .get("vpn_server")
        .and_then(Value::as_object)
        .unwrap_or(&empty)
        .clone();
    check_addresses(&change)?;
    let has_ca = p
        .all(CA_CERTIFICATES)
        .iter()
        .any(|c| c.scope.first() == Some(&id));
    if s(&change, "client_auth_type") == Some("CERT") && !has_ca {
        return Err(Fault::invalid_field(
            "vpn_server.client_auth_type",
            "CERT needs a client CA certificate (ImportClientCa) first",
        ));
    }
    let Some(record) = p.find_mut(SERVERS, &id) else {
        return Err(Fault::not_found("vpn server", &id));
    };
    let status = record.status(call.now).to_string();
    if status != "ACTIVE" {
        return Err(Fault::wrong_status(format!(
            "vpn server {id} is {status}; it can change only when ACTIVE"
        )));
    }
    for (key, value) in change {
        match (record.fields.get_mut(&key), value) {
            (Some(Value::Object(old)), Value::Object(new)) => old.extend(new),
            (_, value) => {
                record.fields.insert(key, value);
            }
        }
    }
    record
        .fields
        .insert("updated_at".into(), json!(iso_millis(now_millis())));
    record.transition(Some("PENDING_UPDATE"), "ACTIVE", call.now, call.delay);
    Ok(json!({}))
}

/// ExportClientConfig: an OpenVPN client profile for the server (its gateway's address, the
/// port and protocol of its SSL options, its CA certificates), a secret in the answer.
pub(crate) fn export(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let id = server_id(p, call)?;
    let Some(server) = p.find(SERVERS, &id) else {
        return Err(Fault::not_found("vpn server", &id));
    };
    let address = server
        .str("p2c_vgw_id")
        .and_then(|g| p.find(super::p2c::GATEWAYS, g))
        .and_then(|g| g.fields.get("eip"))
        .and_then(|e| e.get("ip_address"))
        .and_then(Value::as_str)
        .unwrap_or("203.0.113.1")
        .to_string();
    let ssl = server.fields.get("ssl_options");
    let port = ssl
        .and_then(|o| o.get("port"))
        .and_then(Value::as_u64)
        .unwrap_or(443);
    let protocol = ssl
        .and_then(|o| o.get("protocol"))
        .and_then(Value::as_str)
        .unwrap_or("TCP")
        .to_ascii_lowercase();
    let cas: Vec<&str> = p
        .all(CA_CERTIFICATES)
        .iter()
        .filter(|c| c.scope.first() == Some(&id))
        .filter_map(|c| c.str("content"))
        .collect();
    let mut profile = format!(
        "client\ndev tun\nproto {protocol}\nremote {address} {port}\nresolv-retry infinite\nnobind\npersist-key\npersist-tun\nverb 3\n"
    );
    if server.str("client_auth_type") == Some("LOCAL_PASSWORD") {
        profile.push_str("auth-user-pass\n");
    }
    for ca in cas {
        profile.push_str("<ca>\n");
        profile.push_str(ca.trim());
        profile.push_str("\n</ca>\n");
    }
    Ok(json!({ "client_config": profile }))
}

/// CheckClientCaCertificate: what a CA certificate says, without importing it.
pub(crate) fn check(_: &mut Project, call: &Call) -> Result<Value, Fault> {
    let certificate = call.body.get("client_ca_certificate");
    let content = certificate
        .and_then(|c| c.get("content"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut meta = describe(content, "client_ca_certificate.content", now_millis())?;
    if let Some(name) = certificate.and_then(|c| c.get("name")) {
        meta.insert("name".into(), name.clone());
    }
    Ok(Value::Object(meta))
}
