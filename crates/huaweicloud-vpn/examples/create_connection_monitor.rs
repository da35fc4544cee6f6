//! The published "Example 4: Creating a VPN Connection Monitor" (seeds 000 and 002): create a
//! monitor for a VPN connection and query it back.
//!
//! ```sh
//! cargo run --example create_connection_monitor        # against a local emulator
//! # against the cloud: the variables of create_vpn_connection, or VPN_CONNECTION_ID to
//! # monitor an existing connection
//! ```

mod common;

use huaweicloud_vpn::vpn_v5::types;
use huaweicloud_vpn::wait;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::target().await?;
    // The example's prerequisite: a VPN connection.
    let connection_id = match std::env::var("VPN_CONNECTION_ID") {
        Ok(id) if !id.is_empty() => id,
        _ => {
            let id = common::create_connection(&target).await?;
            wait::vpn_connection_provisioned(&target.client, &id, &target.wait).await?;
            id
        }
    };

    // Step 1: create the monitor.
    let body = types::CreateConnectionMonitorRequest::builder().connection_monitor(
        types::CreateConnectionMonitor::builder().vpn_connection_id(connection_id.as_str()),
    );
    let created = target
        .client
        .create_connection_monitor()
        .body(body)
        .send()
        .await?
        .into_inner();
    let monitor = created.connection_monitor;
    let id = monitor.id.clone().unwrap_or_default();
    println!("Created connection monitor {id} for VPN connection {connection_id}.");

    // Step 2: query it until it is ACTIVE.
    let monitor = wait::connection_monitor_active(&target.client, &id, &target.wait).await?;
    println!(
        "Connection monitor {id}: status {}, {} probes from {} to {}",
        common::shown(monitor.status.as_ref()),
        common::shown(monitor.proto_type.as_ref()),
        common::shown(monitor.source_ip.as_ref()),
        common::shown(monitor.destination_ip.as_ref()),
    );
    println!("{}", serde_json::to_string_pretty(&monitor)?);
    Ok(())
}
