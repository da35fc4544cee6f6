//! `hcvpn quota show`: the project's VPN quotas (v5).

use crate::cli::QuotaCmd;
use crate::context::Context;
use crate::error::CliError;
use crate::output::{self, Shape};

pub const SHAPE: Shape = Shape {
    item_key: "quotas",
    list_key: "quotas.resources",
    columns: &[("TYPE", "type"), ("USED", "used"), ("QUOTA", "quota")],
};

pub async fn run(cmd: QuotaCmd, ctx: &Context) -> Result<(), CliError> {
    match cmd {
        QuotaCmd::Show => {
            let client = ctx.vpn()?;
            let quotas = client
                .show_quotas_info()
                .send()
                .await
                .map_err(|e| CliError::api("show quotas", e))?
                .into_inner();
            // One row per resource type.
            output::list(ctx.output(), &output::to_value(&quotas)?, &SHAPE)
        }
    }
}
