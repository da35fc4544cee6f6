//! Shared helpers of the emulator's tests: start an emulator, make clients, send raw requests
//! and check every answer against the spec.

#![allow(dead_code)]

use std::time::Duration;

use huaweicloud_vpn::vpn_v5::{self, types};
use huaweicloud_vpn::{ClientBuilder, ipsec_v2};
use serde::Serialize;
use serde_json::{Value, json};
use vpn_emulator::{Config, Emulator};

pub mod p2c;

pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub const OTHER_PROJECT: &str = "fedcba9876543210fedcba9876543210";

/// The transition delay the tests use: long enough to see PENDING_*, short enough to wait.
pub const DELAY: Duration = Duration::from_millis(300);

/// Sleeps past the transition delay, so that pending statuses have settled.
pub async fn settle() {
    tokio::time::sleep(DELAY + Duration::from_millis(50)).await;
}

pub async fn emulator() -> Emulator {
    Emulator::start(Config {
        transition_delay: DELAY,
        ..Config::default()
    })
    .await
    .expect("emulator starts")
}

pub fn builder(emu: &Emulator) -> ClientBuilder {
    ClientBuilder::new()
        .endpoint(emu.url())
        .project_id(PROJECT)
        .without_credentials()
}

pub fn client(emu: &Emulator) -> vpn_v5::Client {
    builder(emu).vpn_v5().expect("client")
}

pub fn legacy(emu: &Emulator) -> ipsec_v2::Client {
    builder(emu).ipsec_v2().expect("client")
}

pub fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serializable")
}

/// A typed request body from JSON (the tests write bodies as JSON for readability).
pub fn body<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid typed request body")
}

/// An answer to a raw request.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub request_id: Option<String>,
    pub content_type: Option<String>,
    pub allow: Option<String>,
    pub text: String,
    pub json: Value,
}

/// Sends a raw request to `path` (after the base URL) and reads the answer.
pub async fn raw(emu: &Emulator, method: &str, path: &str, body: Option<&str>) -> Answer {
    let http = huaweicloud_vpn::http_client_builder().build().unwrap();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = http.request(method, format!("{}{path}", emu.url()));
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.expect("the emulator answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (request_id, content_type, allow) = (
        header("x-request-id"),
        header("content-type"),
        header("allow"),
    );
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        request_id,
        content_type,
        allow,
        text,
        json,
    }
}

pub fn v5(path: &str) -> String {
    format!("/v5/{PROJECT}{path}")
}

/// Checks an answer against the spec's schema of `operation` and the request-id rules.
pub fn conforms(operation: &str, answer: &Answer) {
    let id = answer
        .request_id
        .as_deref()
        .expect("X-Request-Id on every answer");
    if answer.status == 204 {
        assert!(answer.text.is_empty(), "204 has no body: {}", answer.text);
        return;
    }
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    if let Err(errors) = vpn_emulator::check_response(operation, answer.status, &answer.json) {
        panic!(
            "{operation} {}: {errors:#?}\n{}",
            answer.status, answer.text
        );
    }
    if let Some(body_id) = answer.json.get("request_id") {
        assert_eq!(body_id, id, "the body's request_id is the header's");
    }
}

pub fn vgw_body(name: &str) -> Value {
    json!({"vpn_gateway": {
        "name": name,
        "vpc_id": "91a74241-1a17-4d6d-a1b2-c3d4e5f60708",
        "local_subnets": ["192.168.0.0/24"],
        "connect_subnet": "2a9c4e51-8d3b-4f6a-9e20-7b1c5d3f8a64",
        "eip1": {"type": "5_bgp", "charge_mode": "bandwidth", "bandwidth_size": 10, "bandwidth_name": "bw-1"},
        "eip2": {"type": "5_bgp", "charge_mode": "bandwidth", "bandwidth_size": 10, "bandwidth_name": "bw-2"},
    }})
}

pub fn cgw_body(name: &str, ip: &str) -> Value {
    json!({"customer_gateway": {"name": name, "id_type": "ip", "id_value": ip, "bgp_asn": 65010}})
}

/// Creates a gateway through the typed client; returns (gateway id, eip1 id, eip2 id) read
/// back with ShowVgw.
pub async fn make_vgw(client: &vpn_v5::Client, name: &str) -> (String, String, String) {
    let created = client
        .create_vgw()
        .body(body::<types::CreateVpnGatewayRequest>(vgw_body(name)))
        .send()
        .await
        .expect("create gateway")
        .into_inner();
    let id = to_json(&created)["vpn_gateway"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let shown = client
        .show_vgw()
        .vgw_id(id.as_str())
        .send()
        .await
        .expect("show gateway")
        .into_inner();
    let shown = to_json(&shown);
    let eip = |k: &str| shown["vpn_gateway"][k]["id"].as_str().unwrap().to_string();
    (id, eip("eip1"), eip("eip2"))
}

pub async fn make_cgw(client: &vpn_v5::Client, name: &str, ip: &str) -> String {
    let created = client
        .create_cgw()
        .body(body::<types::CreateCustomerGatewayRequest>(cgw_body(
            name, ip,
        )))
        .send()
        .await
        .expect("create customer gateway")
        .into_inner();
    to_json(&created)["customer_gateway"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

pub fn connection_body(vgw: &str, eip: &str, cgw: &str, name: &str) -> Value {
    json!({"vpn_connection": {
        "name": name,
        "vgw_id": vgw,
        "vgw_ip": eip,
        "cgw_id": cgw,
        "style": "static",
        "peer_subnets": ["10.20.0.0/16"],
        "psk": "Secret-PSK-123",
    }})
}

/// `CreateConnectionMonitor` for `connection`, through the raw HTTP API (the answer as given).
pub async fn create_monitor(emu: &Emulator, connection: &str) -> Answer {
    let body = serde_json::json!({"connection_monitor": {"vpn_connection_id": connection}});
    raw(
        emu,
        "POST",
        &v5("/connection-monitors"),
        Some(&body.to_string()),
    )
    .await
}

pub async fn make_connection(
    client: &vpn_v5::Client,
    vgw: &str,
    eip: &str,
    cgw: &str,
    name: &str,
) -> String {
    let created = client
        .create_vpn_connection()
        .body(body::<types::CreateVpnConnectionRequest>(connection_body(
            vgw, eip, cgw, name,
        )))
        .send()
        .await
        .expect("create connection")
        .into_inner();
    to_json(&created)["vpn_connection"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The resources a legacy IPsec site connection names, made through raw calls.
pub struct LegacyRefs {
    pub ikepolicy: String,
    pub ipsecpolicy: String,
    pub vpnservice: String,
    /// A `subnet` endpoint group.
    pub local: String,
    /// A `cidr` endpoint group.
    pub peer: String,
}

/// POSTs `body` to the legacy `collection` (`ikepolicies`), checks the 201 against the spec's
/// `operation`, and returns the new id at `/<wrapper>/id`.
pub async fn make_legacy(
    emu: &Emulator,
    operation: &str,
    collection: &str,
    wrapper: &str,
    body: Value,
) -> String {
    let answer = raw(
        emu,
        "POST",
        &format!("/v2.0/vpn/{collection}"),
        Some(&body.to_string()),
    )
    .await;
    conforms(operation, &answer);
    assert_eq!(answer.status, 201, "{operation}: {}", answer.text);
    answer.json[wrapper]["id"].as_str().unwrap().to_string()
}

/// An endpoint group of `kind` (`subnet`, `cidr`) with `endpoints`; its id.
pub async fn make_endpoint_group(emu: &Emulator, kind: &str, endpoints: &[&str]) -> String {
    make_legacy(
        emu,
        "CreateEndpointGroup",
        "endpoint-groups",
        "endpoint_group",
        json!({"endpoint_group": {"type": kind, "endpoints": endpoints}}),
    )
    .await
}

/// Everything a site connection names, the VPN service on the VPC `router`.
pub async fn make_legacy_refs(emu: &Emulator, router: &str) -> LegacyRefs {
    LegacyRefs {
        ikepolicy: make_legacy(
            emu,
            "CreateIkePolicy",
            "ikepolicies",
            "ikepolicy",
            json!({"ikepolicy": {"name": "ike"}}),
        )
        .await,
        ipsecpolicy: make_legacy(
            emu,
            "CreateIpsecPolicy",
            "ipsecpolicies",
            "ipsecpolicy",
            json!({"ipsecpolicy": {"name": "ipsec"}}),
        )
        .await,
        vpnservice: make_legacy(
            emu,
            "CreateVpnService",
            "vpnservices",
            "vpnservice",
            json!({"vpnservice": {"router_id": router}}),
        )
        .await,
        local: make_endpoint_group(emu, "subnet", &["7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f"]).await,
        peer: make_endpoint_group(emu, "cidr", &["10.2.0.0/24", "10.3.0.0/24"]).await,
    }
}

/// A site connection's create body naming `refs`.
pub fn site_connection_body(refs: &LegacyRefs, name: &str) -> Value {
    json!({
        "ipsec_site_connection": {
            "psk": "secret", "initiator": "bi-directional",
            "ikepolicy_id": refs.ikepolicy,
            "ipsecpolicy_id": refs.ipsecpolicy,
            "vpnservice_id": refs.vpnservice,
            "local_ep_group_id": refs.local,
            "peer_ep_group_id": refs.peer,
            "peer_address": "172.24.4.233", "peer_id": "172.24.4.233",
            "name": name,
        }
    })
}
