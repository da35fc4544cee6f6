//! A VPN connection's troubleshooting operations against the emulator, through the typed
//! client: a reset moves the connection through PENDING_UPDATE and back and is logged; the
//! IPsec SAs follow the connection's status and subnets; the peer configuration is exported
//! only for a supported device and carries the pre-shared key.

mod common;

use common::*;
use huaweicloud_vpn::vpn_v5::types;

async fn status(client: &huaweicloud_vpn::vpn_v5::Client, id: &str) -> String {
    let shown = client
        .show_vpn_connection()
        .vpn_connection_id(id)
        .send()
        .await
        .expect("show connection")
        .into_inner();
    to_json(&shown)["vpn_connection"]["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_reset_passes_through_pending_update_and_is_logged() {
    let emu = emulator().await;
    let client = client(&emu);
    let (vgw, eip1, _) = make_vgw(&client, "ts-gw").await;
    let cgw = make_cgw(&client, "ts-cgw", "198.51.100.21").await;
    let id = make_connection(&client, &vgw, &eip1, &cgw, "ts").await;

    // Being created: no SAs yet, and a reset is refused naming the status.
    let sas = client
        .list_connection_ipsec_sa()
        .vpn_connection_id(id.as_str())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(sas.sa_infos.is_empty(), "{sas:?}");
    let refused = client
        .reset_vpn_connection()
        .vpn_connection_id(id.as_str())
        .send()
        .await
        .expect_err("a connection being created cannot be reset");
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(400));
    let message = refused.to_string();
    assert!(
        message.contains("VPN.0013") && message.contains("PENDING_CREATE"),
        "{message}"
    );

    settle().await;
    assert_eq!(status(&client, &id).await, "ACTIVE");
    let sas = client
        .list_connection_ipsec_sa()
        .vpn_connection_id(id.as_str())
        .send()
        .await
        .unwrap()
        .into_inner();
    let pairs: Vec<(String, String)> = sas
        .sa_infos
        .iter()
        .map(|sa| {
            (
                sa.source_ip_cidr.clone().unwrap(),
                sa.dest_ip_cidr.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [("192.168.0.0/24".to_string(), "10.20.0.0/16".to_string())],
        "the gateway's local subnet with the connection's peer subnet"
    );

    client
        .reset_vpn_connection()
        .vpn_connection_id(id.as_str())
        .send()
        .await
        .expect("an ACTIVE connection can be reset");
    assert_eq!(status(&client, &id).await, "PENDING_UPDATE");
    settle().await;
    assert_eq!(status(&client, &id).await, "ACTIVE");

    let log = client
        .show_vpn_connection_log()
        .vpn_connection_id(id.as_str())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(log.logs.len(), 2, "{log:?}");
    let last = log.logs[1].raw_message.as_deref().unwrap();
    assert!(last.contains("reset by the user"), "{last}");
    assert!(log.logs[0].time <= log.logs[1].time);

    // Another project's or an unknown connection: 404.
    let missing = client
        .reset_vpn_connection()
        .vpn_connection_id("00000000-0000-4000-8000-000000000000")
        .send()
        .await
        .expect_err("unknown connection");
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn the_peer_configuration_needs_a_supported_device_and_holds_the_psk() {
    let emu = emulator().await;
    let client = client(&emu);
    let (vgw, eip1, _) = make_vgw(&client, "export-gw").await;
    let cgw = make_cgw(&client, "export-cgw", "198.51.100.22").await;
    let id = make_connection(&client, &vgw, &eip1, &cgw, "export").await;

    let devices = client
        .list_peer_configuration_supported_devices()
        .send()
        .await
        .unwrap()
        .into_inner()
        .supported_devices;
    assert!(!devices.is_empty());
    let device = &devices[0];
    let request = |model: &str| {
        types::ExportPeerConfigurationRequest::builder()
            .vendor(device.vendor.clone().unwrap())
            .type_(device.type_.clone().unwrap())
            .model(model.to_string())
            .version(device.version.clone().unwrap())
    };

    let exported = client
        .export_vpn_connection_peer_configuration()
        .vpn_connection_id(id.as_str())
        .body(request(device.model.as_deref().unwrap()))
        .send()
        .await
        .expect("a supported device")
        .into_inner();
    assert!(
        exported.peer_config.contains("Secret-PSK-123"),
        "the configuration carries the connection's PSK"
    );
    assert!(exported.peer_config.contains("10.20.0.0/16"));
    let debug = format!("{exported:?}");
    assert!(!debug.contains("Secret-PSK-123"), "Debug hides it: {debug}");

    let refused = client
        .export_vpn_connection_peer_configuration()
        .vpn_connection_id(id.as_str())
        .body(request("model-unknown"))
        .send()
        .await
        .expect_err("an unsupported model");
    let message = refused.to_string();
    assert!(
        message.contains("model") && message.contains("model-unknown"),
        "the error names the field and the value: {message}"
    );
}
