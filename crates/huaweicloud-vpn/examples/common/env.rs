//! What the examples read from the environment: a variable's value, a required one (an error
//! naming it and why it is needed), and the cloud to call (`HCVPN_CLOUD`, `HCVPN_REGION`); and
//! where they run without credentials, a local emulator. Shared by every example, the legacy
//! and point-to-client ones included (which have no VPN v5 client to share).

use std::time::Duration;

use huaweicloud_vpn::{ClientBuilder, Cloud};

/// The project of the local emulator's calls.
pub const LOCAL_PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// Without credentials: an emulator started in-process (status changes take `delay`), and a
/// client builder for it. The emulator stops when dropped.
pub async fn local_emulator(
    delay: Duration,
) -> Result<(vpn_emulator::Emulator, ClientBuilder), Box<dyn std::error::Error>> {
    let emulator = vpn_emulator::Emulator::start(vpn_emulator::Config {
        transition_delay: delay,
        ..Default::default()
    })
    .await?;
    println!(
        "No credentials set: using a local emulator at {}.",
        emulator.url()
    );
    let builder = ClientBuilder::new()
        .endpoint(emulator.url())
        .project_id(LOCAL_PROJECT)
        .without_credentials();
    Ok((emulator, builder))
}

/// A set, non-blank variable.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A variable the example cannot run without.
pub fn required(name: &str, why: &str) -> Result<String, Box<dyn std::error::Error>> {
    env(name).ok_or_else(|| format!("{name} is not set: {why}").into())
}

/// The cloud named by `HCVPN_CLOUD` (`huawei` or `otc`, `default` when unset) and the region
/// in `HCVPN_REGION`.
pub fn cloud_and_region(default: Cloud) -> Result<(Cloud, String), Box<dyn std::error::Error>> {
    let cloud = match env("HCVPN_CLOUD").as_deref() {
        None => default,
        Some("huawei") => Cloud::HuaweiCloud,
        Some("otc") => Cloud::OpenTelekomCloud,
        Some(other) => {
            return Err(format!("HCVPN_CLOUD must be `huawei` or `otc`, not `{other}`").into());
        }
    };
    let region = required("HCVPN_REGION", "the region to call, e.g. eu-de")?;
    Ok((cloud, region))
}
