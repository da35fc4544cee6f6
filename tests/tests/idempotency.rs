//! Idempotent creates against an emulator that injects faults: an answer lost after the
//! resource was made is recovered by the idempotency tag (one resource, no error), a create that
//! never got through is sent again with the same tag, and a create without tags (a connection
//! monitor) returns the ambiguous error, marked as such.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use huaweicloud_vpn::idempotency::{RECOVERED_HEADER, TAG_KEY, new_tag};
use huaweicloud_vpn::retry::Sleeper;
use huaweicloud_vpn::vpn_v5::{self, types};
use huaweicloud_vpn::{ClientBuilder, ErrorExt, RetryPolicy};
use serde_json::{Value, json};
use vpn_emulator::{Config, Emulator, Faults};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// Returns at once: the tests check outcomes, not waits.
#[derive(Debug)]
struct NoWait;

impl Sleeper for NoWait {
    fn sleep(&self, _: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(async {})
    }
}

async fn emulator(faults: &[&str]) -> Emulator {
    Emulator::start(Config {
        faults: Faults::parse(5, faults).unwrap(),
        ..Config::default()
    })
    .await
    .unwrap()
}

fn builder(emulator: &Emulator) -> ClientBuilder {
    ClientBuilder::new()
        .endpoint(emulator.url())
        .project_id(PROJECT)
        .without_credentials()
        .retry(RetryPolicy {
            max_attempts: 8,
            ..RetryPolicy::default()
        })
        .sleeper(Arc::new(NoWait))
}

fn cgw_body(name: &str) -> types::CreateCustomerGatewayRequest {
    serde_json::from_value(json!({"customer_gateway": {
        "name": name, "id_type": "ip", "id_value": "203.0.113.7"}}))
    .unwrap()
}

fn held(emulator: &Emulator, kind: &str) -> usize {
    emulator
        .inventory()
        .iter()
        .filter(|(_, k, _)| k == kind)
        .count()
}

fn tag_of(resource: &Value) -> Option<&str> {
    resource["tags"]
        .as_array()?
        .iter()
        .find(|t| t["key"] == TAG_KEY)?["value"]
        .as_str()
}

#[tokio::test]
async fn a_lost_answer_returns_the_one_resource_the_create_made() {
    let emulator = emulator(&["lost@1:CreateCgw"]).await;
    let client = builder(&emulator)
        .idempotent_creates(true)
        .vpn_v5()
        .unwrap();
    let answer = client
        .create_cgw()
        .body(cgw_body("cgw-a"))
        .send()
        .await
        .expect("recovered from the list");
    assert_eq!(answer.status().as_u16(), 201);
    let token = answer.headers()[RECOVERED_HEADER]
        .to_str()
        .unwrap()
        .to_string();
    let created = serde_json::to_value(answer.into_inner()).unwrap();
    let resource = &created["customer_gateway"];
    assert_eq!(resource["name"], "cgw-a");
    assert_eq!(tag_of(resource), Some(token.as_str()));
    assert_eq!(held(&emulator, "customer_gateway"), 1);
    assert_eq!(emulator.fault_counts().lost, 1);

    // The same call without idempotency: an error that says the resource may exist, and it does
    // (the orphan the tag prevents).
    let plain = builder(&emulator).vpn_v5().unwrap();
    let error = plain
        .create_cgw()
        .body(cgw_body("cgw-b"))
        .send()
        .await
        .unwrap_err();
    assert!(error.may_have_taken_effect(), "{error}");
    assert_eq!(held(&emulator, "customer_gateway"), 2);
}

#[tokio::test]
async fn a_create_that_never_got_through_is_sent_again_with_the_same_tag() {
    // Half the creates are reset before they are handled, or answered 503.
    let emulator = emulator(&["reset@0.3:CreateCgw", "503@0.3:CreateCgw"]).await;
    let client = builder(&emulator)
        .idempotent_creates(true)
        .vpn_v5()
        .unwrap();
    let mut ids = Vec::new();
    for n in 0..12 {
        let created = client
            .create_cgw()
            .body(cgw_body(&format!("cgw-{n}")))
            .send()
            .await
            .unwrap_or_else(|e| panic!("create {n}: {e}"));
        ids.push(created.into_inner().customer_gateway.id.unwrap());
    }
    let faults = emulator.fault_counts();
    assert!(faults.resets + faults.server_errors > 0, "{faults:?}");
    assert_eq!(held(&emulator, "customer_gateway"), 12);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12);
}

#[tokio::test]
async fn a_tag_in_the_body_makes_one_create_idempotent_and_keeps_its_value() {
    let emulator = emulator(&["lost@1:CreateCgw"]).await;
    // The client adds no tags; this call brings its own.
    let client = builder(&emulator).vpn_v5().unwrap();
    let tag = new_tag();
    let mut body = cgw_body("cgw-own");
    body.customer_gateway.tags = Some(vec![tag.clone()]);
    let created = client.create_cgw().body(body).send().await.unwrap();
    assert_eq!(created.headers()[RECOVERED_HEADER], tag.value.as_str());
    assert_eq!(held(&emulator, "customer_gateway"), 1);
}

#[tokio::test]
async fn the_client_adds_a_fresh_tag_to_a_tagged_create() {
    let emulator = emulator(&[]).await;
    let client = builder(&emulator)
        .idempotent_creates(true)
        .vpn_v5()
        .unwrap();
    let created = client
        .create_cgw()
        .body(cgw_body("cgw-tagged"))
        .send()
        .await
        .unwrap();
    let id = created.into_inner().customer_gateway.id.unwrap();
    let shown = client
        .show_cgw()
        .customer_gateway_id(id.as_str())
        .send()
        .await
        .unwrap();
    let shown = serde_json::to_value(shown.into_inner()).unwrap();
    let token = tag_of(&shown["customer_gateway"]).expect("the tag is stored");
    assert_eq!(token.len(), 36, "a UUID: {token}");
}

#[tokio::test]
async fn a_create_without_tags_returns_the_ambiguous_error_marked() {
    let emulator = emulator(&["lost@1:CreateConnectionMonitor"]).await;
    let client = builder(&emulator)
        .idempotent_creates(true)
        .vpn_v5()
        .unwrap();
    let connection = connection(&client).await;
    let error = client
        .create_connection_monitor()
        .body(
            serde_json::from_value::<types::CreateConnectionMonitorRequest>(
                json!({"connection_monitor": {"vpn_connection_id": connection}}),
            )
            .unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert!(error.may_have_taken_effect(), "{error}");
    // Not repeated: one monitor, which listing the connection's monitors finds.
    assert_eq!(held(&emulator, "connection_monitor"), 1);
    assert_eq!(emulator.fault_counts().lost, 1);
    let listed = client
        .list_connection_monitors()
        .vpn_connection_id(connection.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(listed.into_inner().connection_monitors.unwrap().len(), 1);
}

/// A gateway, a customer gateway and a connection between them; the connection's id.
async fn connection(client: &vpn_v5::Client) -> String {
    let eip = |n: u32| json!({"type": "5_bgp", "charge_mode": "bandwidth", "bandwidth_size": 10, "bandwidth_name": format!("bw-{n}")});
    let vgw: types::CreateVpnGatewayRequest = serde_json::from_value(json!({"vpn_gateway": {
        "name": "vgw-i", "vpc_id": "91a74241-1a17-4d6d-a1b2-c3d4e5f60708",
        "local_subnets": ["192.168.0.0/24"],
        "connect_subnet": "2a9c4e51-8d3b-4f6a-9e20-7b1c5d3f8a64",
        "eip1": eip(1), "eip2": eip(2)}}))
    .unwrap();
    let vgw = client.create_vgw().body(vgw).send().await.unwrap();
    let vgw = vgw.into_inner().vpn_gateway.id.unwrap();
    let shown = client.show_vgw().vgw_id(vgw.as_str()).send().await.unwrap();
    let shown = serde_json::to_value(shown.into_inner()).unwrap();
    let eip = shown["vpn_gateway"]["eip1"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let cgw = client
        .create_cgw()
        .body(cgw_body("cgw-i"))
        .send()
        .await
        .unwrap();
    let cgw = cgw.into_inner().customer_gateway.id.unwrap();
    let body: types::CreateVpnConnectionRequest =
        serde_json::from_value(json!({"vpn_connection": {
        "vgw_id": vgw, "vgw_ip": eip, "cgw_id": cgw, "style": "static",
        "peer_subnets": ["10.20.0.0/16"], "psk": "Secret-PSK-123"}}))
        .unwrap();
    let created = client
        .create_vpn_connection()
        .body(body)
        .send()
        .await
        .unwrap();
    created.into_inner().vpn_connection.id.unwrap()
}
