//! `hcvpn quota show`: the project's VPN quotas (v5), one row per resource type in a table.

use crate::cli::QuotaCmd;
use crate::context::Context;
use crate::error::CliError;
use crate::invoke::{self, Invocation};

pub async fn run(cmd: QuotaCmd, ctx: &Context) -> Result<(), CliError> {
    match cmd {
        QuotaCmd::Show => {
            let op = invoke::find("ShowQuotasInfo")?;
            invoke::run(Invocation::new(op, "show quotas"), ctx).await
        }
    }
}
