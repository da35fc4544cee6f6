//! The certificate of a GM VPN gateway against the emulator, through the typed client: GM
//! gateways only, one per gateway, BINDING then BOUND, replaced texts change what it says,
//! listed by expiry, and the texts and keys never in Debug output.

mod common;

use common::*;
use huaweicloud_vpn::vpn_v5::{Client, types};
use serde_json::json;

const KEY: &str = "-----BEGIN EC PRIVATE KEY-----secret-sign-key-----END EC PRIVATE KEY-----";

fn upload(sign: &str) -> types::CreateVpnGatewayCertificateRequest {
    body(json!({"certificate": {
        "name": "cert-gm",
        "certificate": sign,
        "private_key": KEY,
        "certificate_chain": "-----BEGIN CERTIFICATE-----ca-----END CERTIFICATE-----",
        "enc_certificate": "-----BEGIN CERTIFICATE-----enc-----END CERTIFICATE-----",
        "enc_private_key": "-----BEGIN EC PRIVATE KEY-----enc-key-----END EC PRIVATE KEY-----",
    }}))
}

async fn gm_gateway(client: &Client) -> String {
    let mut gateway = vgw_body("gm-gw");
    gateway["vpn_gateway"]["flavor"] = json!("GM");
    let created = client
        .create_vgw()
        .body(body::<types::CreateVpnGatewayRequest>(gateway))
        .send()
        .await
        .expect("a GM gateway")
        .into_inner();
    created.vpn_gateway.id.unwrap()
}

async fn status(client: &Client, vgw: &str) -> String {
    let shown = client
        .show_vpn_gateway_certificate()
        .vgw_id(vgw)
        .send()
        .await
        .expect("show certificate")
        .into_inner();
    to_json(&shown.certificate.status)
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_gm_gateway_takes_one_certificate_that_binds_and_can_be_replaced() {
    let emu = emulator().await;
    let client = client(&emu);
    let vgw = gm_gateway(&client).await;

    let request = upload("-----BEGIN CERTIFICATE-----sign-1-----END CERTIFICATE-----");
    let debug = format!("{request:?}");
    assert!(
        !debug.contains("secret-sign-key"),
        "Debug hides keys: {debug}"
    );
    let created = client
        .create_vgw_certificate()
        .vgw_id(vgw.as_str())
        .body(request)
        .send()
        .await
        .expect("upload")
        .into_inner()
        .certificate;
    let id = created.id.clone().unwrap();
    let first_serial = created.certificate_serial_number.clone().unwrap();
    assert_eq!(created.vgw_id.as_deref(), Some(vgw.as_str()));
    assert!(
        created.status.is_none(),
        "create answers leave the status out"
    );
    assert_eq!(status(&client, &vgw).await, "BINDING");
    settle().await;
    assert_eq!(status(&client, &vgw).await, "BOUND");

    let again = client
        .create_vgw_certificate()
        .vgw_id(vgw.as_str())
        .body(upload(
            "-----BEGIN CERTIFICATE-----sign-2-----END CERTIFICATE-----",
        ))
        .send()
        .await
        .expect_err("one certificate per gateway");
    assert!(again.to_string().contains(&id), "{again}");

    // A new name alone: same serial; a new signature certificate: another one, BINDING.
    let renamed = client
        .update_vgw_certificate()
        .vgw_id(vgw.as_str())
        .certificate_id(id.as_str())
        .body(body::<types::UpdateVpnGatewayCertificateRequest>(
            json!({"certificate": {"name": "cert-renamed"}}),
        ))
        .send()
        .await
        .expect("rename")
        .into_inner()
        .certificate;
    assert_eq!(renamed.name.as_deref(), Some("cert-renamed"));
    assert_eq!(
        renamed.certificate_serial_number.as_deref(),
        Some(first_serial.as_str())
    );
    assert_eq!(status(&client, &vgw).await, "BOUND");
    let replaced = client
        .update_vgw_certificate()
        .vgw_id(vgw.as_str())
        .certificate_id(id.as_str())
        .body(body::<types::UpdateVpnGatewayCertificateRequest>(
            json!({"certificate": {
                "certificate": "-----BEGIN CERTIFICATE-----sign-3-----END CERTIFICATE-----",
                "private_key": KEY,
            }}),
        ))
        .send()
        .await
        .expect("replace")
        .into_inner()
        .certificate;
    assert_ne!(
        replaced.certificate_serial_number.as_deref(),
        Some(first_serial.as_str())
    );
    assert_eq!(status(&client, &vgw).await, "BINDING");

    // Listed while it expires within a year and a day, not within 30 days.
    let listed = |days: i32| {
        let client = client.clone();
        async move {
            client
                .list_vpn_gateway_certificates()
                .pre_expire_days(days)
                .send()
                .await
                .unwrap()
                .into_inner()
                .vpn_gateway_certificates
                .len()
        }
    };
    assert_eq!(listed(366).await, 1);
    assert_eq!(listed(30).await, 0);
}

#[tokio::test]
async fn only_gm_gateways_take_certificates() {
    let emu = emulator().await;
    let client = client(&emu);
    let (vgw, _, _) = make_vgw(&client, "plain-gw").await;
    let refused = client
        .create_vgw_certificate()
        .vgw_id(vgw.as_str())
        .body(upload(
            "-----BEGIN CERTIFICATE-----x-----END CERTIFICATE-----",
        ))
        .send()
        .await
        .expect_err("not a GM gateway");
    let message = refused.to_string();
    assert!(
        message.contains("vgw_id") && message.contains("GM"),
        "{message}"
    );
    assert!(!message.contains("secret-sign-key"), "{message}");
    let missing = client
        .show_vpn_gateway_certificate()
        .vgw_id(vgw.as_str())
        .send()
        .await
        .expect_err("no certificate");
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
}
