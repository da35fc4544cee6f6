//! Where the examples run: the configured cloud when credentials are set, else a local
//! emulator started in-process (so the flows run on a fresh machine without an account).

use std::time::Duration;

use huaweicloud_vpn::vpn_v5::{self, types};
use huaweicloud_vpn::wait::WaitOptions;
use huaweicloud_vpn::{ClientBuilder, Cloud};
use serde_json::json;

/// A client, the VPN and customer gateways to use, and the emulator if one was started.
pub struct Target {
    pub client: vpn_v5::Client,
    pub vgw_id: String,
    /// The id of the VPN gateway's EIP the connection uses (`vgw_ip` is an EIP id).
    pub vgw_ip: String,
    pub cgw_id: String,
    pub psk: String,
    pub wait: WaitOptions,
    /// Kept so the emulator runs as long as the target (it stops when dropped).
    _emulator: Option<vpn_emulator::Emulator>,
}

mod env;

use env::{cloud_and_region, env, local_emulator, required};

/// With `HUAWEICLOUD_SDK_AK` set: the cloud named by `HCVPN_CLOUD` (`huawei`, the default, or
/// `otc`) and `HCVPN_REGION`, with the existing gateways `VGW_ID`, `VGW_IP` (an EIP id of that
/// gateway) and `CGW_ID`, and the pre-shared key `VPN_PSK` — as the published example assumes.
/// Without: an emulator on loopback, where the example first creates the two gateways.
pub async fn target() -> Result<Target, Box<dyn std::error::Error>> {
    if env("HUAWEICLOUD_SDK_AK").is_some() {
        let (cloud, region) = cloud_and_region(Cloud::HuaweiCloud)?;
        let client = ClientBuilder::from_env()?.region(cloud, region).vpn_v5()?;
        println!("Using the cloud ({cloud:?}) with credentials from the environment.");
        return Ok(Target {
            client,
            vgw_id: required(
                "VGW_ID",
                "the VPN gateway to connect (see the seed's prerequisites)",
            )?,
            vgw_ip: required("VGW_IP", "the id of the gateway's EIP to use")?,
            cgw_id: required("CGW_ID", "the customer gateway to connect")?,
            psk: required("VPN_PSK", "the pre-shared key (8 to 128 characters)")?,
            wait: WaitOptions::default(),
            _emulator: None,
        });
    }

    let (emulator, builder) = local_emulator(Duration::from_millis(800)).await?;
    let client = builder.vpn_v5()?;

    // The published example assumes both gateways exist; here they are created first.
    let gateway: types::CreateVpnGatewayRequest = serde_json::from_value(json!({
        "vpn_gateway": {
            "name": "vpngw-example",
            "attachment_type": "vpc",
            "vpc_id": "91a74241-1a17-4d6d-a1b2-c3d4e5f60708",
            "local_subnets": ["192.168.0.0/24"],
            "connect_subnet": "2a9c4e51-8d3b-4f6a-9e20-7b1c5d3f8a64",
            "eip1": {"id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"},
            "eip2": {"id": "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"}
        }
    }))?;
    let created = client
        .create_vgw()
        .body(gateway)
        .send()
        .await?
        .into_inner()
        .vpn_gateway;
    let wait = WaitOptions {
        timeout: Duration::from_secs(30),
        initial_interval: Duration::from_millis(200),
        max_interval: Duration::from_secs(1),
    };
    // The gateway's EIP ids are known once it is ACTIVE; `vgw_ip` is one of them.
    let gateway = huaweicloud_vpn::wait::vpn_gateway_active(
        &client,
        created.id.as_deref().unwrap_or(""),
        &wait,
    )
    .await?;
    let customer: types::CreateCustomerGatewayRequest = serde_json::from_value(json!({
        "customer_gateway": {"name": "cgw-example", "id_type": "ip", "id_value": "203.0.113.164"}
    }))?;
    let customer = client
        .create_cgw()
        .body(customer)
        .send()
        .await?
        .into_inner()
        .customer_gateway;
    let vgw_id = gateway.id.unwrap_or_default();
    let vgw_ip = gateway.eip1.and_then(|e| e.id).unwrap_or_default();
    println!(
        "Created VPN gateway {vgw_id} (EIP {vgw_ip}) and customer gateway {}.",
        customer.id.as_deref().unwrap_or("")
    );
    Ok(Target {
        client,
        vgw_id,
        vgw_ip,
        cgw_id: customer.id.unwrap_or_default(),
        psk: "example-psk-1234".to_string(),
        wait,
        _emulator: Some(emulator),
    })
}

/// Creates the VPN connection of the published example 3 (static routing, the seed's body).
pub async fn create_connection(target: &Target) -> Result<String, Box<dyn std::error::Error>> {
    let connection = types::CreateVpnConnection::builder()
        .vgw_id(target.vgw_id.as_str())
        .vgw_ip(target.vgw_ip.as_str())
        .cgw_id(target.cgw_id.as_str())
        .peer_subnets(vec!["192.168.44.0/24".to_string()])
        .psk(target.psk.as_str());
    let created = target
        .client
        .create_vpn_connection()
        .body(types::CreateVpnConnectionRequest::builder().vpn_connection(connection))
        .send()
        .await?;
    let request_id = created
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let connection = created.into_inner().vpn_connection;
    let id = connection.id.clone().unwrap_or_default();
    println!(
        "Created VPN connection {id} (style {}, request {request_id}).",
        shown(connection.style.as_ref())
    );
    Ok(id)
}

/// A value the service may leave out, for a person to read: the value, or `(not given)`
/// (never a Rust `Some(..)`/`None`).
pub fn shown<T: std::fmt::Display>(value: Option<&T>) -> String {
    value.map_or_else(|| "(not given)".to_string(), T::to_string)
}
