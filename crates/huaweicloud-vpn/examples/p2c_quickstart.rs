//! Point-to-client VPN from start to end: a P2C gateway waited on until ACTIVE, its VPN
//! server, a client CA certificate checked and imported, a user group with users (one by one
//! and in a batch; passwords are secrets, never printed), an access policy, the client
//! configuration exported to an owner-only file (never to the terminal), the client
//! connections listed and one disconnected, connection logging, an upgrade with its job, and
//! the teardown.
//!
//! ```sh
//! cargo run --example p2c_quickstart --features p2c    # against a local emulator
//! ```
//!
//! Against the cloud (`HUAWEICLOUD_SDK_AK`/`_SK` set; it creates a billed gateway and deletes
//! it at the end): `HCVPN_CLOUD` (`huawei`, the default, or `otc`), `HCVPN_REGION`,
//! `P2C_VPC_ID`, `P2C_SUBNET_ID`, `P2C_EIP_ID` (an unbound EIP), `P2C_SERVER_CERTIFICATE_ID`
//! (the server certificate in Cloud Certificate Manager), `P2C_CA_CERTIFICATE_FILE` (a PEM CA
//! certificate), `P2C_USER_PASSWORD` (8 to 32 characters of two kinds or more),
//! `P2C_LOG_GROUP_ID` and `P2C_LOG_STREAM_ID` (an LTS group and stream); `P2C_UPGRADE=1` also
//! upgrades the gateway. The profile goes to `P2C_PROFILE_OUT` (default `./p2c-client.ovpn`,
//! which must not exist).

#[path = "common/env.rs"]
mod env;

use std::io::Write;
use std::time::Duration;

use env::{cloud_and_region, env, local_emulator, required};
use huaweicloud_vpn::vpn_p2c::{Client, types, waiters};
use huaweicloud_vpn::wait::WaitOptions;
use huaweicloud_vpn::{ClientBuilder, Cloud};
use serde_json::json;

type Failure = Box<dyn std::error::Error>;

/// Where the example runs, and what it needs there.
struct Target {
    client: Client,
    vpc_id: String,
    subnet_id: String,
    eip_id: String,
    server_certificate_id: String,
    ca_certificate: String,
    password: String,
    log: (String, String),
    upgrade: bool,
    wait: WaitOptions,
    emulator: Option<vpn_emulator::Emulator>,
}

async fn target() -> Result<Target, Failure> {
    if env("HUAWEICLOUD_SDK_AK").is_some() {
        let (cloud, region) = cloud_and_region(Cloud::HuaweiCloud)?;
        let client = ClientBuilder::from_env()?.region(cloud, region).vpn_p2c()?;
        println!("Using the cloud ({cloud:?}) with credentials from the environment.");
        let ca_file = required("P2C_CA_CERTIFICATE_FILE", "the client CA certificate (PEM)")?;
        return Ok(Target {
            client,
            vpc_id: required("P2C_VPC_ID", "the VPC the gateway serves")?,
            subnet_id: required("P2C_SUBNET_ID", "the subnet the gateway sits in")?,
            eip_id: required("P2C_EIP_ID", "an unbound EIP for the gateway")?,
            server_certificate_id: required(
                "P2C_SERVER_CERTIFICATE_ID",
                "the SSL server certificate (Cloud Certificate Manager)",
            )?,
            ca_certificate: std::fs::read_to_string(&ca_file)
                .map_err(|e| format!("P2C_CA_CERTIFICATE_FILE {ca_file}: {e}"))?,
            password: required("P2C_USER_PASSWORD", "the VPN users' first password")?,
            log: (
                required(
                    "P2C_LOG_GROUP_ID",
                    "the LTS log group of client connections",
                )?,
                required(
                    "P2C_LOG_STREAM_ID",
                    "the LTS log stream of client connections",
                )?,
            ),
            upgrade: env("P2C_UPGRADE").as_deref() == Some("1"),
            wait: WaitOptions::default(),
            emulator: None,
        });
    }
    let (emulator, builder) = local_emulator(Duration::from_millis(400)).await?;
    let client = builder.vpn_p2c()?;
    Ok(Target {
        client,
        vpc_id: "91a74241-1a17-4d6d-a1b2-c3d4e5f60708".into(),
        subnet_id: "2a9c4e51-8d3b-4f6a-9e20-7b1c5d3f8a64".into(),
        eip_id: "0c464dad-0b7e-4a8d-9a86-c22bb0eb0bde".into(),
        server_certificate_id: "scs1700112233445".into(),
        ca_certificate: "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUUXVpY2tzdGFydA==\n-----END CERTIFICATE-----\n".into(),
        password: format!("Quick-{}", uuid_like()),
        log: (
            "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9".into(),
            "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901".into(),
        ),
        upgrade: true,
        wait: WaitOptions {
            timeout: Duration::from_secs(30),
            initial_interval: Duration::from_millis(100),
            max_interval: Duration::from_millis(500),
        },
        emulator: Some(emulator),
    })
}

/// A throwaway password part for the emulator (the time's nanoseconds, in hex).
fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(7);
    format!("{nanos:08x}")
}

/// A value as the API writes it (`ACTIVE`), `-` when the answer left it out.
fn text<T: std::fmt::Display>(value: Option<&T>) -> String {
    value.map_or_else(|| "-".to_string(), T::to_string)
}

/// The gateway's VPN server once it is ACTIVE (there is no show operation: it is listed).
async fn server_active(t: &Target, gateway: &str) -> Result<types::VpnServer, Failure> {
    let deadline = tokio::time::Instant::now() + t.wait.timeout;
    loop {
        let listed = t
            .client
            .list_vpn_servers_by_vgw()
            .p2c_vgw_id(gateway)
            .send()
            .await?
            .into_inner();
        if let Some(server) = listed.vpn_servers.into_iter().next()
            && text(server.status.as_ref()) == "ACTIVE"
        {
            return Ok(server);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("the VPN server of {gateway} did not become ACTIVE").into());
        }
        tokio::time::sleep(t.wait.initial_interval).await;
    }
}

/// Writes the client profile to a new file only its owner can read.
fn write_profile(path: &str, profile: &str) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| format!("P2C_PROFILE_OUT {path}: {e} (it must not exist)"))?;
    file.write_all(profile.as_bytes())?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let t = target().await?;
    let p2c = &t.client;

    // 1. The gateway, waited on until ACTIVE.
    let body: types::CreateP2cVgwRequest = serde_json::from_value(json!({
        "p2c_vpn_gateway": {
            "name": "p2c-quickstart",
            "vpc_id": t.vpc_id,
            "connect_subnet": t.subnet_id,
            "flavor": "Professional1",
            "eip": {"id": t.eip_id}
        }
    }))?;
    let created = p2c.create_p2c_vgw().body(body).send().await?.into_inner();
    let gateway = created
        .p2c_vpn_gateway
        .id
        .ok_or("the gateway's create answered no id")?;
    let active = waiters::p2c_vpn_gateway_ready(p2c, &gateway, &t.wait).await?;
    println!(
        "P2C gateway {gateway}: {}, address {}",
        text(active.status.as_ref()),
        text(active.eip.as_ref().and_then(|e| e.ip_address.as_ref()))
    );

    // 2. Its VPN server: SSL, users by password, clients from 172.16.0.0/16.
    let body: types::CreateVpnServerRequest = serde_json::from_value(json!({
        "vpn_server": {
            "client_cidr": "172.16.0.0/16",
            "local_subnets": ["192.168.0.0/24"],
            "client_auth_type": "LOCAL_PASSWORD",
            "server_certificate": {"id": t.server_certificate_id},
            "ssl_options": {"protocol": "TCP", "port": 443}
        }
    }))?;
    p2c.create_vpn_server()
        .p2c_vgw_id(&*gateway)
        .body(body)
        .send()
        .await?;
    let server = server_active(&t, &gateway).await?;
    let server_id = server.id.clone().ok_or("the server is listed without id")?;
    println!(
        "VPN server {server_id}: {}, clients from {}",
        text(server.status.as_ref()),
        text(server.client_cidr.as_ref())
    );

    // 3. A client CA certificate: what it says, then imported.
    let ca =
        json!({"client_ca_certificate": {"name": "quickstart-ca", "content": t.ca_certificate}});
    let checked = p2c
        .check_client_ca_certificate()
        .body(serde_json::from_value::<
            types::CheckClientCaCertificateRequest,
        >(ca.clone())?)
        .send()
        .await?
        .into_inner();
    println!(
        "CA certificate: serial {}, expires {}",
        text(checked.serial_number.as_ref()),
        text(checked.expiration_time.as_ref())
    );
    let imported = p2c
        .import_client_ca()
        .vpn_server_id(&*server_id)
        .body(serde_json::from_value::<types::ImportClientCaRequest>(ca)?)
        .send()
        .await?
        .into_inner();
    let ca_id = imported
        .client_ca_certificate
        .id
        .ok_or("the import answered no id")?;
    println!("Imported client CA certificate {ca_id}.");

    // 4. A user group, a user in it, two more in a batch (passwords: secrets in Debug, never
    // printed here).
    let body: types::CreateVpnUserGroupRequest =
        serde_json::from_value(json!({"user_group": {"name": "engineering"}}))?;
    let group = p2c
        .create_vpn_user_group()
        .vpn_server_id(&*server_id)
        .body(body)
        .send()
        .await?
        .into_inner()
        .user_group
        .id
        .ok_or("the group's create answered no id")?;
    let body: types::CreateVpnUserRequest = serde_json::from_value(json!({"user": {
        "name": "alice", "password": t.password, "user_group_id": group
    }}))?;
    let alice = p2c
        .create_vpn_user()
        .vpn_server_id(&*server_id)
        .body(body)
        .send()
        .await?
        .into_inner()
        .user
        .id
        .ok_or("the user's create answered no id")?;
    let body: types::BatchCreateVpnUsersRequest = serde_json::from_value(json!({"users": [
        {"name": "brian", "password": t.password, "user_group_name": "engineering"},
        {"name": "carol", "password": t.password, "user_group_name": "engineering"}
    ]}))?;
    let batch = p2c
        .batch_create_vpn_users()
        .vpn_server_id(&*server_id)
        .body(body)
        .send()
        .await?
        .into_inner();
    let refused = batch.invalid_users.unwrap_or_default();
    let members = p2c
        .list_vpn_users_in_group()
        .vpn_server_id(&*server_id)
        .group_id(&*group)
        .send()
        .await?
        .into_inner();
    let names: Vec<String> = members
        .users
        .iter()
        .map(|u| text(u.name.as_ref()))
        .collect();
    println!(
        "Group engineering {group}: {} ({} refused in the batch)",
        names.join(", "),
        refused.len()
    );

    // 5. What the group reaches.
    let body: types::CreateVpnAccessPolicyRequest =
        serde_json::from_value(json!({"access_policy": {
            "name": "engineering-net", "user_group_id": group, "dest_ip_cidrs": ["192.168.0.0/24"]
        }}))?;
    let policy = p2c
        .create_vpn_access_policy()
        .vpn_server_id(&*server_id)
        .body(body)
        .send()
        .await?
        .into_inner()
        .access_policy
        .id
        .ok_or("the policy's create answered no id")?;
    println!("Access policy {policy}: engineering reaches 192.168.0.0/24.");

    // 6. The client configuration: a secret, so into an owner-only file.
    let body: types::ExportClientConfigRequest =
        serde_json::from_value(json!({"os_type": "Linux"}))?;
    let profile = p2c
        .export_client_config()
        .vpn_server_id(&*server_id)
        .body(body)
        .send()
        .await?
        .into_inner()
        .client_config;
    let out = match (&t.emulator, env("P2C_PROFILE_OUT")) {
        (_, Some(path)) => path,
        (Some(_), None) => std::env::temp_dir()
            .join(format!("p2c-client-{}.ovpn", uuid_like()))
            .to_string_lossy()
            .into_owned(),
        (None, None) => "p2c-client.ovpn".to_string(),
    };
    write_profile(&out, &profile)?;
    println!(
        "Client configuration ({} bytes) written to {out} (owner-only).",
        profile.len()
    );

    // 7. Client connections: a laptop connects (the emulator plays it), is listed, and is
    // disconnected.
    if let Some(emulator) = &t.emulator {
        emulator.connect_p2c_client(env::LOCAL_PROJECT, &gateway, "alice", "198.51.100.7");
    }
    let connections = p2c
        .list_p2c_vgw_connections()
        .p2c_vgw_id(&*gateway)
        .send()
        .await?
        .into_inner();
    println!(
        "{} client connection(s).",
        text(connections.total_count.as_ref())
    );
    if let Some(first) = connections.connections.first() {
        let id = first.connection_id.clone().unwrap_or_default();
        p2c.delete_p2c_vgw_connection()
            .p2c_vgw_id(&*gateway)
            .connection_id(&*id)
            .send()
            .await?;
        println!(
            "Disconnected {} ({}).",
            text(first.client_user_name.as_ref()),
            text(first.client_virtual_ip.as_ref())
        );
    }

    // 8. Connection logging to LTS, on and off again.
    let body: types::UpdateVpnConnectionsLogConfigRequest = serde_json::from_value(json!({
        "log_config": {"log_group_id": t.log.0, "log_stream_id": t.log.1}
    }))?;
    p2c.update_vpn_connections_log_config()
        .p2c_vgw_id(&*gateway)
        .body(body)
        .send()
        .await?;
    let logging = p2c
        .show_vpn_connections_log_config()
        .p2c_vgw_id(&*gateway)
        .send()
        .await?
        .into_inner()
        .log_config;
    println!(
        "Logging to LTS group {}, stream {}.",
        text(logging.log_group_id.as_ref()),
        text(logging.log_stream_id.as_ref())
    );
    p2c.delete_vpn_connections_log_config()
        .p2c_vgw_id(&*gateway)
        .send()
        .await?;

    // 9. An upgrade: started, confirmed, followed as a job.
    if t.upgrade {
        let step = |action: &str| {
            serde_json::from_value::<types::UpgradeP2cVgwRequest>(json!({"action": action}))
        };
        let job = p2c
            .upgrade_p2c_vpn_gateway()
            .p2c_vgw_id(&*gateway)
            .body(step("start")?)
            .send()
            .await?
            .into_inner()
            .job_id;
        let deadline = tokio::time::Instant::now() + t.wait.timeout;
        loop {
            let shown = p2c.show_p2c_vgw().p2c_vgw_id(&*gateway).send().await?;
            if text(shown.into_inner().p2c_vpn_gateway.status.as_ref()) == "PENDING_UPGRADE_CONFIRM"
            {
                break;
            }
            if tokio::time::Instant::now() > deadline {
                return Err("the upgrade did not reach PENDING_UPGRADE_CONFIRM".into());
            }
            tokio::time::sleep(t.wait.initial_interval).await;
        }
        p2c.upgrade_p2c_vpn_gateway()
            .p2c_vgw_id(&*gateway)
            .body(step("finish")?)
            .send()
            .await?;
        waiters::p2c_vpn_gateway_ready(p2c, &gateway, &t.wait).await?;
        let jobs = p2c
            .list_p2c_vpn_gateway_jobs()
            .resource_id(&*gateway)
            .send()
            .await?
            .into_inner()
            .jobs;
        for listed in &jobs {
            println!(
                "Job {}: {} {}",
                text(listed.id.as_ref()),
                text(listed.job_type.as_ref()),
                text(listed.status.as_ref())
            );
        }
        p2c.delete_p2c_vpn_gateway_job()
            .job_id(&*job)
            .send()
            .await?;
    }

    // 10. The teardown: policy, users, group, CA certificate, then the gateway (its server
    // goes with it).
    p2c.delete_vpn_access_policy()
        .vpn_server_id(&*server_id)
        .policy_id(&*policy)
        .send()
        .await?;
    let everyone: std::collections::BTreeSet<String> = members
        .users
        .iter()
        .filter_map(|u| u.id.clone())
        .chain(std::iter::once(alice))
        .collect();
    let everyone: Vec<serde_json::Value> = everyone.iter().map(|id| json!({"id": id})).collect();
    let body: types::BatchDeleteVpnUsersRequest =
        serde_json::from_value(json!({"users": everyone}))?;
    p2c.batch_delete_vpn_users()
        .vpn_server_id(&*server_id)
        .body(body)
        .send()
        .await?;
    p2c.delete_vpn_user_group()
        .vpn_server_id(&*server_id)
        .group_id(&*group)
        .send()
        .await?;
    p2c.delete_client_ca()
        .vpn_server_id(&*server_id)
        .client_ca_certificate_id(&*ca_id)
        .send()
        .await?;
    p2c.delete_p2c_vgw().p2c_vgw_id(&*gateway).send().await?;
    waiters::p2c_vpn_gateway_gone(p2c, &gateway, &t.wait).await?;
    println!("Deleted the P2C gateway {gateway} and everything on it.");
    if t.emulator.is_some() {
        std::fs::remove_file(&out)?;
    }
    Ok(())
}
