//! One module per resource group.

pub mod connection;
pub mod customer_gateway;
pub mod gateway;
pub mod ipsec;
pub mod monitor;
pub mod quota;

use crate::cli::Command;
use crate::context::Context;
use crate::error::CliError;

/// Runs one command.
pub async fn run(command: Command, ctx: &Context) -> Result<(), CliError> {
    match command {
        Command::Connection(cmd) => connection::run(cmd, ctx).await,
        Command::Monitor(cmd) => monitor::run(cmd, ctx).await,
        Command::Gateway(cmd) => gateway::run(cmd, ctx).await,
        Command::CustomerGateway(cmd) => customer_gateway::run(cmd, ctx).await,
        Command::Quota(cmd) => quota::run(cmd, ctx).await,
        Command::Ipsec(cmd) => ipsec::run(cmd, ctx).await,
    }
}
