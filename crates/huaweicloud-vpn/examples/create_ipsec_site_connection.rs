//! Seed 004 end to end on the legacy (classic) VPN API: an IKE policy, an IPsec policy, a VPN
//! service, a local (`subnet`) and a peer (`cidr`) endpoint group, then the IPsec site
//! connection with the seed's body and the ids just created; wait until it is provisioned, read
//! it back, and tear everything down in reverse order.
//!
//! ```sh
//! cargo run --example create_ipsec_site_connection
//! ```
//!
//! Without credentials it runs against a local emulator started in-process. With
//! `HUAWEICLOUD_SDK_AK`/`SK`/`PROJECT_ID` set it runs against the cloud named by `HCVPN_CLOUD`
//! (`otc`, the default here, or `huawei`) in `HCVPN_REGION`, and needs the VPC (`VPC_ID`), one
//! of its subnets (`SUBNET_ID`), the peer's public address (`PEER_ADDRESS`), the peer's network
//! (`PEER_CIDR`) and the pre-shared key (`VPN_PSK`, 6 to 128 characters).

use std::time::Duration;

use huaweicloud_vpn::ipsec_v2::{self, types, waiters};
use huaweicloud_vpn::wait::WaitOptions;
use huaweicloud_vpn::{ClientBuilder, Cloud};
use serde_json::json;

/// What the flow needs from where it runs.
struct Site {
    client: ipsec_v2::Client,
    vpc_id: String,
    subnet_id: String,
    peer_address: String,
    peer_cidr: String,
    psk: String,
    wait: WaitOptions,
    /// Runs as long as the flow (stops when dropped); `None` against the cloud.
    _emulator: Option<vpn_emulator::Emulator>,
}

#[path = "common/env.rs"]
mod env;

use env::{cloud_and_region, env, local_emulator, required};

async fn site() -> Result<Site, Box<dyn std::error::Error>> {
    if env("HUAWEICLOUD_SDK_AK").is_some() {
        let (cloud, region) = cloud_and_region(Cloud::OpenTelekomCloud)?;
        let client = ClientBuilder::from_env()?
            .region(cloud, region)
            .ipsec_v2()?;
        println!("Using the cloud ({cloud:?}) with credentials from the environment.");
        return Ok(Site {
            client,
            vpc_id: required("VPC_ID", "the VPC the VPN service belongs to")?,
            subnet_id: required("SUBNET_ID", "a subnet of that VPC to reach")?,
            peer_address: required("PEER_ADDRESS", "the peer gateway's public IPv4 address")?,
            peer_cidr: required("PEER_CIDR", "the peer's network, e.g. 10.2.0.0/24")?,
            psk: required("VPN_PSK", "the pre-shared key (6 to 128 characters)")?,
            wait: WaitOptions::default(),
            _emulator: None,
        });
    }
    let (emulator, builder) = local_emulator(Duration::from_millis(500)).await?;
    let client = builder.ipsec_v2()?;
    Ok(Site {
        client,
        vpc_id: "66e3b16c-8ce5-40fb-bb49-ab6d8dc3f2aa".into(),
        subnet_id: "a3da778c-adfb-46db-88b3-d2ce53290a89".into(),
        // The seed's peer.
        peer_address: "172.24.4.233".into(),
        peer_cidr: "10.2.0.0/24".into(),
        psk: "secret".into(),
        wait: WaitOptions {
            timeout: Duration::from_secs(30),
            initial_interval: Duration::from_millis(200),
            max_interval: Duration::from_secs(1),
        },
        _emulator: Some(emulator),
    })
}

/// The `id` of a created resource, or an error saying which answer lacked it.
fn id_of(id: Option<String>, what: &str) -> Result<String, Box<dyn std::error::Error>> {
    id.ok_or_else(|| format!("the service created {what} but returned no id").into())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let site = site().await?;
    let client = &site.client;

    // 1. IKE policy and IPsec policy, as OTC's pages create them.
    let ike: types::CreateIkePolicyRequest = serde_json::from_value(json!({"ikepolicy": {
        "name": "ikepolicy1", "auth_algorithm": "sha2-256", "encryption_algorithm": "aes-128",
        "pfs": "group14", "phase1_negotiation_mode": "main", "ike_version": "v1",
        "lifetime": {"units": "seconds", "value": 7200}
    }}))?;
    let ike = client.create_ike_policy().body(ike).send().await?;
    let ike_id = id_of(ike.into_inner().ikepolicy.id, "an IKE policy")?;
    println!("Created IKE policy {ike_id}.");

    let ipsec: types::CreateIpsecPolicyRequest = serde_json::from_value(json!({"ipsecpolicy": {
        "name": "ipsecpolicy1", "transform_protocol": "esp", "auth_algorithm": "sha2-256",
        "encapsulation_mode": "tunnel", "encryption_algorithm": "aes-128", "pfs": "group14",
        "lifetime": {"units": "seconds", "value": 3600}
    }}))?;
    let ipsec = client.create_ipsec_policy().body(ipsec).send().await?;
    let ipsec_id = id_of(ipsec.into_inner().ipsecpolicy.id, "an IPsec policy")?;
    println!("Created IPsec policy {ipsec_id}.");

    // 2. The VPC's VPN service; it must be ACTIVE before connections use it.
    let service = types::CreateVpnService::builder()
        .router_id(site.vpc_id.as_str())
        .name("myservice")
        .admin_state_up(true);
    let service = client
        .create_vpn_service()
        .body(types::CreateVpnServiceRequest::builder().vpnservice(service))
        .send()
        .await?;
    let service_id = id_of(service.into_inner().vpnservice.id, "a VPN service")?;
    let service = waiters::vpn_service_ready(client, &service_id, &site.wait).await?;
    println!(
        "VPN service {service_id} is {} (external address {}).",
        service.status.map(|s| s.to_string()).unwrap_or_default(),
        service.external_v4_ip.as_deref().unwrap_or("not reported")
    );

    // 3. The endpoint groups: the local subnets and the peer's networks.
    let mut group_ids = Vec::new();
    for (name, kind, endpoint) in [
        ("locals", "subnet", &site.subnet_id),
        ("peers", "cidr", &site.peer_cidr),
    ] {
        let group = types::CreateEndpointGroup::builder()
            .name(name)
            .type_(kind)
            .endpoints(vec![endpoint.clone()]);
        let group = client
            .create_endpoint_group()
            .body(types::CreateEndpointGroupRequest::builder().endpoint_group(group))
            .send()
            .await?;
        let id = id_of(group.into_inner().endpoint_group.id, "an endpoint group")?;
        println!("Created endpoint group {id} ({kind}).");
        group_ids.push(id);
    }
    let (local_id, peer_id) = (group_ids[0].clone(), group_ids[1].clone());

    // 4. The site connection: seed 004's body, with the ids just created.
    let mut body = json!({"ipsec_site_connection": {
        "psk": "secret",
        "initiator": "bi-directional",
        "ipsecpolicy_id": "e6e23d0c-9519-4d52-8ea4-5b1f96d857b1",
        "admin_state_up": true,
        "mtu": 1500,
        "peer_ep_group_id": "9ad5a7e0-6dac-41b4-b20d-a7b8645fddf1",
        "ikepolicy_id": "9b00d6b0-6c93-4ca5-9747-b8ade7bb514f",
        "vpnservice_id": "5c561d9d-eaea-45f6-ae3e-08d1a7080828",
        "local_ep_group_id": "3e1815dd-e212-43d0-8f13-b494fa553e68",
        "peer_address": "172.24.4.233",
        "peer_id": "172.24.4.233",
        "name": "vpnconnection1"
    }});
    let fields = &mut body["ipsec_site_connection"];
    fields["ipsecpolicy_id"] = json!(ipsec_id);
    fields["ikepolicy_id"] = json!(ike_id);
    fields["vpnservice_id"] = json!(service_id);
    fields["local_ep_group_id"] = json!(local_id);
    fields["peer_ep_group_id"] = json!(peer_id);
    fields["peer_address"] = json!(site.peer_address);
    fields["peer_id"] = json!(site.peer_address);
    fields["psk"] = json!(site.psk);
    let body: types::CreateIpsecSiteConnectionRequest = serde_json::from_value(body)?;
    let created = client
        .create_ipsec_site_connection()
        .body(body)
        .send()
        .await?;
    let connection_id = id_of(
        created.into_inner().ipsec_site_connection.id,
        "an IPsec site connection",
    )?;
    println!("Created IPsec site connection {connection_id}; waiting until it is provisioned.");
    waiters::ipsec_site_connection_ready(client, &connection_id, &site.wait).await?;

    // 5. Read it back. The service returns the pre-shared key in clear text; the generated
    //    type's Debug output redacts it, so this line prints no secret.
    let shown = client
        .show_ipsec_site_connection()
        .connection_id(&connection_id)
        .send()
        .await?
        .into_inner()
        .ipsec_site_connection;
    println!(
        "Read back {}: status {}, peer {}, psk {}.",
        shown.name.as_deref().unwrap_or(""),
        shown.status.map(|s| s.to_string()).unwrap_or_default(),
        shown.peer_address.as_deref().unwrap_or(""),
        if shown.psk.is_some() {
            "<redacted>"
        } else {
            "not returned"
        }
    );

    // 6. Tear down in reverse order; each delete waits for what depended on it to be gone.
    client
        .delete_ipsec_site_connection()
        .connection_id(&connection_id)
        .send()
        .await?;
    waiters::ipsec_site_connection_gone(client, &connection_id, &site.wait).await?;
    for id in group_ids.iter().rev() {
        client
            .delete_endpoint_group()
            .endpoint_group_id(id)
            .send()
            .await?;
    }
    client
        .delete_vpn_service()
        .service_id(&service_id)
        .send()
        .await?;
    waiters::vpn_service_gone(client, &service_id, &site.wait).await?;
    client
        .delete_ipsec_policy()
        .ipsecpolicy_id(&ipsec_id)
        .send()
        .await?;
    client
        .delete_ike_policy()
        .ikepolicy_id(&ike_id)
        .send()
        .await?;
    println!("Deleted the connection, both endpoint groups, the VPN service and both policies.");
    Ok(())
}
