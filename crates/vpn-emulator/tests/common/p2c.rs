//! Point-to-client helpers: the P2C client, an ACTIVE gateway, a VPN server with local users.

use std::time::Duration;

use huaweicloud_vpn::vpn_p2c::{Client, types, waiters};
use huaweicloud_vpn::wait::WaitOptions;
use serde_json::json;

use super::{body, builder, settle, to_json};

pub fn p2c(emu: &vpn_emulator::Emulator) -> Client {
    builder(emu).vpn_p2c().expect("client")
}

pub fn waiting() -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_secs(10),
        initial_interval: Duration::from_millis(50),
        max_interval: Duration::from_millis(200),
    }
}

/// A new P2C gateway named `name`, waited on until ACTIVE; its id.
pub async fn active_gateway(client: &Client, name: &str) -> String {
    let created = client
        .create_p2c_vgw()
        .body(body::<types::CreateP2cVgwRequest>(json!({
            "p2c_vpn_gateway": {
                "name": name,
                "vpc_id": "91b6d5a8-0c5e-4c4e-9d0b-4a0b1f3e2d11",
                "connect_subnet": "f5b4d3c2-1a09-4e8f-8d7c-6b5a4c3d2e1f",
                "eip": {"id": "0c464dad-0b7e-4a8d-9a86-c22bb0eb0bde"}
            }
        })))
        .send()
        .await
        .expect("create")
        .into_inner();
    let id = created.p2c_vpn_gateway.id.expect("an id");
    let shown = waiters::p2c_vpn_gateway_ready(client, &id, &waiting())
        .await
        .expect("the gateway becomes ACTIVE");
    assert_eq!(to_json(&shown.status), "ACTIVE");
    id
}

/// The gateway's VPN server with password authentication (clients from 172.16.0.0/16),
/// settled to ACTIVE, and one local user per name (password `Passw0rd!<name>`); its id.
pub async fn password_server(client: &Client, gateway: &str, users: &[&str]) -> String {
    let created = client
        .create_vpn_server()
        .p2c_vgw_id(gateway)
        .body(body::<types::CreateVpnServerRequest>(json!({
            "vpn_server": {
                "client_cidr": "172.16.0.0/16",
                "local_subnets": ["10.10.1.0/24"],
                "client_auth_type": "LOCAL_PASSWORD"
            }
        })))
        .send()
        .await
        .expect("create the VPN server")
        .into_inner();
    let server = created.vpn_server.id.expect("an id");
    settle().await;
    for name in users {
        client
            .create_vpn_user()
            .vpn_server_id(&*server)
            .body(body::<types::CreateVpnUserRequest>(json!({
                "user": {"name": name, "password": format!("Passw0rd!{name}")}
            })))
            .send()
            .await
            .expect("create a user");
    }
    server
}
