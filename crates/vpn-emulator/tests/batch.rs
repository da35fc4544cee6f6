//! BatchCreateVpnConnection against the emulator, through the typed client: an HA pair in
//! one call (master and slave, both listed), and a batch with one bad item creates nothing.

mod common;

use common::*;
use huaweicloud_vpn::vpn_v5::{Client, types};
use serde_json::json;

fn item(vgw: &str, eip: &str, cgw: &str, name: &str) -> serde_json::Value {
    connection_body(vgw, eip, cgw, name)["vpn_connection"].clone()
}

async fn connections(client: &Client) -> usize {
    client
        .list_vpn_connections()
        .send()
        .await
        .unwrap()
        .into_inner()
        .vpn_connections
        .unwrap_or_default()
        .len()
}

#[tokio::test]
async fn a_pair_is_created_in_one_call_or_not_at_all() {
    let emu = emulator().await;
    let client = client(&emu);
    let (vgw, eip1, eip2) = make_vgw(&client, "batch-gw").await;
    let cgw = make_cgw(&client, "batch-cgw", "198.51.100.41").await;

    // The second item names a customer gateway that does not exist: neither is created.
    let bad: types::BatchCreateVpnConnectionRequest = body(json!({"vpn_connections": [
        item(&vgw, &eip1, &cgw, "pair-1"),
        item(&vgw, &eip2, "00000000-0000-4000-8000-000000000000", "pair-2"),
    ]}));
    let refused = client
        .batch_create_vpn_connection()
        .body(bad)
        .send()
        .await
        .expect_err("an unknown customer gateway");
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(connections(&client).await, 0, "nothing was created");

    // Items on two gateways: refused, naming the item.
    let (other, other_eip, _) = make_vgw(&client, "batch-gw-2").await;
    let split: types::BatchCreateVpnConnectionRequest = body(json!({"vpn_connections": [
        item(&vgw, &eip1, &cgw, "pair-1"),
        item(&other, &other_eip, &cgw, "pair-2"),
    ]}));
    let refused = client
        .batch_create_vpn_connection()
        .body(split)
        .send()
        .await
        .expect_err("two gateways");
    assert!(
        refused.to_string().contains("vpn_connections[1].vgw_id"),
        "{refused}"
    );
    assert_eq!(connections(&client).await, 0);

    let good: types::BatchCreateVpnConnectionRequest = body(json!({"vpn_connections": [
        item(&vgw, &eip1, &cgw, "pair-1"),
        item(&vgw, &eip2, &cgw, "pair-2"),
    ]}));
    let pair = client
        .batch_create_vpn_connection()
        .body(good)
        .send()
        .await
        .expect("a pair")
        .into_inner()
        .vpn_connections;
    let roles: Vec<serde_json::Value> = pair.iter().map(|c| to_json(&c.ha_role)).collect();
    assert_eq!(roles, [json!("master"), json!("slave")]);
    let names: Vec<&str> = pair.iter().filter_map(|c| c.name.as_deref()).collect();
    assert_eq!(names, ["pair-1", "pair-2"]);
    assert!(
        pair.iter().all(|c| c.status.is_none()),
        "create answers have no status"
    );
    assert_eq!(connections(&client).await, 2);
    let id = pair[1].id.clone().unwrap();
    let shown = client
        .show_vpn_connection()
        .vpn_connection_id(id.as_str())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        to_json(&shown.vpn_connection.status),
        json!("PENDING_CREATE")
    );
}
