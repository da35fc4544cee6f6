//! The published "Example 3: Creating a VPN Connection" (seed 003): create a VPN connection in
//! static routing mode and query it back.
//!
//! ```sh
//! cargo run --example create_vpn_connection            # against a local emulator
//! HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_PROJECT_ID=... \
//!   HCVPN_CLOUD=otc HCVPN_REGION=eu-de VGW_ID=... VGW_IP=... CGW_ID=... VPN_PSK=... \
//!   cargo run --example create_vpn_connection            # against the cloud
//! ```

mod common;

use huaweicloud_vpn::wait;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::target().await?;
    let id = common::create_connection(&target).await?;

    // Step 2 of the example: query the connection. It is PENDING_CREATE at first; wait until
    // it is provisioned (ACTIVE, or DOWN until the customer side answers).
    let connection = wait::vpn_connection_provisioned(&target.client, &id, &target.wait).await?;
    println!(
        "VPN connection {id}: status {}, IKE {} / {}, IPsec {} / {}",
        connection
            .status
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_default(),
        connection
            .ikepolicy
            .as_ref()
            .and_then(|p| p.ike_version.as_ref())
            .map(|v| v.to_string())
            .unwrap_or_default(),
        connection
            .ikepolicy
            .as_ref()
            .and_then(|p| p.encryption_algorithm.as_ref())
            .map(|v| v.to_string())
            .unwrap_or_default(),
        connection
            .ipsecpolicy
            .as_ref()
            .and_then(|p| p.encryption_algorithm.as_ref())
            .map(|v| v.to_string())
            .unwrap_or_default(),
        connection
            .ipsecpolicy
            .as_ref()
            .and_then(|p| p.pfs.as_deref())
            .unwrap_or_default(),
    );
    println!("{}", serde_json::to_string_pretty(&connection)?);
    Ok(())
}
