//! Point-to-client VPN gateways against the emulator, through the typed client
//! (`ClientBuilder::vpn_p2c()`): a gateway waited on until ACTIVE, a client connecting
//! (`Emulator::connect_p2c_client`), listed with its counters and disconnected, connection
//! logging set, shown and removed, an upgrade with its job, and what goes with a deleted
//! gateway.

mod common;

use common::p2c::*;
use common::*;
use huaweicloud_vpn::vpn_p2c::types;
use serde_json::json;

#[tokio::test]
async fn a_client_connects_is_listed_and_disconnected() {
    let emu = emulator().await;
    let client = p2c(&emu);
    let id = active_gateway(&client, "p2c-connections").await;
    assert_eq!(
        emu.connect_p2c_client(PROJECT, &id, "alice", "198.51.100.7"),
        None,
        "no VPN server yet"
    );
    password_server(&client, &id, &["alice", "brian"]).await;
    assert_eq!(
        emu.connect_p2c_client(PROJECT, "no-such-gateway", "alice", "198.51.100.7"),
        None
    );
    assert_eq!(
        emu.connect_p2c_client(PROJECT, &id, "mallory", "198.51.100.66"),
        None,
        "not a user of the server"
    );
    let first = emu
        .connect_p2c_client(PROJECT, &id, "alice", "198.51.100.7")
        .expect("a client connects to an ACTIVE gateway");
    emu.connect_p2c_client(PROJECT, &id, "brian", "198.51.100.8")
        .expect("a second client");

    let listed = client
        .list_p2c_vgw_connections()
        .p2c_vgw_id(&*id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.total_count, Some(2));
    let alice = &listed.connections[0];
    assert_eq!(alice.connection_id.as_deref(), Some(first.as_str()));
    assert_eq!(alice.client_user_name.as_deref(), Some("alice"));
    assert_eq!(alice.client_virtual_ip.as_deref(), Some("172.16.0.2"));
    assert!(alice.inbound_bytes.unwrap_or(0) > 0);
    // The client's own address is a secret in Debug.
    assert!(!format!("{alice:?}").contains("198.51.100.7"));
    let paged = client
        .list_p2c_vgw_connections()
        .p2c_vgw_id(&*id)
        .offset(1)
        .limit(1)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(paged.connections.len(), 1);
    assert_eq!(
        paged.connections[0].client_user_name.as_deref(),
        Some("brian")
    );
    let gateway = client
        .show_p2c_vgw()
        .p2c_vgw_id(&*id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(gateway.p2c_vpn_gateway.current_connection_number, Some(2));

    client
        .delete_p2c_vgw_connection()
        .p2c_vgw_id(&*id)
        .connection_id(&*first)
        .send()
        .await
        .expect("disconnect");
    let again = client
        .delete_p2c_vgw_connection()
        .p2c_vgw_id(&*id)
        .connection_id(&*first)
        .send()
        .await
        .expect_err("already gone");
    assert_eq!(again.status().map(|s| s.as_u16()), Some(404));
    let listed = client
        .list_p2c_vgw_connections()
        .p2c_vgw_id(&*id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.total_count, Some(1));
}

#[tokio::test]
async fn logging_is_set_shown_and_removed_and_goes_with_the_gateway() {
    let emu = emulator().await;
    let client = p2c(&emu);
    let id = active_gateway(&client, "p2c-logging").await;
    let shown = client
        .show_vpn_connections_log_config()
        .p2c_vgw_id(&*id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(shown.log_config.log_group_id, None, "off until set");
    let missing = client
        .delete_vpn_connections_log_config()
        .p2c_vgw_id(&*id)
        .send()
        .await
        .expect_err("nothing to delete");
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));

    let set = body::<types::UpdateVpnConnectionsLogConfigRequest>(json!({
        "log_config": {"log_group_id": "group-1", "log_stream_id": "stream-1"}
    }));
    client
        .update_vpn_connections_log_config()
        .p2c_vgw_id(&*id)
        .body(set)
        .send()
        .await
        .unwrap();
    let shown = client
        .show_vpn_connections_log_config()
        .p2c_vgw_id(&*id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(shown.log_config.log_stream_id.as_deref(), Some("stream-1"));
    client
        .delete_vpn_connections_log_config()
        .p2c_vgw_id(&*id)
        .send()
        .await
        .unwrap();

    // A deleted gateway takes its server, users, connections and logging along; its pages
    // are 404s.
    password_server(&client, &id, &["carol"]).await;
    emu.connect_p2c_client(PROJECT, &id, "carol", "198.51.100.9")
        .unwrap();
    client
        .delete_p2c_vgw()
        .p2c_vgw_id(&*id)
        .send()
        .await
        .unwrap();
    let gone = client
        .list_p2c_vgw_connections()
        .p2c_vgw_id(&*id)
        .send()
        .await
        .expect_err("the gateway is gone");
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
    assert!(
        !emu.inventory()
            .iter()
            .any(|(_, kind, _)| kind.starts_with("p2c_")
                || ["vpn_server", "user"].contains(&kind.as_str())),
        "{:?}",
        emu.inventory()
    );
}

#[tokio::test]
async fn an_upgrade_is_a_job_of_the_p2c_gateway() {
    let emu = emulator().await;
    let client = p2c(&emu);
    let id = active_gateway(&client, "p2c-upgrade").await;
    let action = |a: &str| body::<types::UpgradeP2cVgwRequest>(json!({"action": a}));
    let started = client
        .upgrade_p2c_vpn_gateway()
        .p2c_vgw_id(&*id)
        .body(action("start"))
        .send()
        .await
        .unwrap()
        .into_inner();
    let early = client
        .delete_p2c_vpn_gateway_job()
        .job_id(&*started.job_id)
        .send()
        .await
        .expect_err("an unfinished job stays");
    assert_eq!(early.status().map(|s| s.as_u16()), Some(400));
    settle().await;
    let shown = client
        .show_p2c_vgw()
        .p2c_vgw_id(&*id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        to_json(&shown.p2c_vpn_gateway.status),
        "PENDING_UPGRADE_CONFIRM"
    );
    client
        .upgrade_p2c_vpn_gateway()
        .p2c_vgw_id(&*id)
        .body(action("finish"))
        .send()
        .await
        .unwrap();
    let jobs = client
        .list_p2c_vpn_gateway_jobs()
        .resource_id(&*id)
        .send()
        .await
        .unwrap()
        .into_inner()
        .jobs;
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].status.as_deref(), Some("success"));
    client
        .delete_p2c_vpn_gateway_job()
        .job_id(&*started.job_id)
        .send()
        .await
        .expect("a finished job is deleted");
}
