//! `hcvpn monitor ...`: connection monitors (v5), mapped onto their operations.

use crate::cli::{MonitorCmd, MonitorCreate, MonitorList};
use crate::cmd::{self, Resource};
use crate::context::Context;
use crate::error::CliError;
use crate::invoke::{self, Invocation};

pub const RESOURCE: Resource = Resource {
    name: "connection monitor",
    id_param: "connection_monitor_id",
    show: "ShowConnectionMonitor",
    list: "ListConnectionMonitors",
    delete: "DeleteConnectionMonitor",
};

pub async fn run(cmd: MonitorCmd, ctx: &Context) -> Result<(), CliError> {
    match cmd {
        MonitorCmd::Create(args) => create(args, ctx).await,
        MonitorCmd::Show(id) => RESOURCE.show(&id.id, ctx).await,
        MonitorCmd::List(args) => list(args, ctx).await,
        MonitorCmd::Delete(args) => RESOURCE.delete(args, ctx).await,
    }
}

async fn create(args: MonitorCreate, ctx: &Context) -> Result<(), CliError> {
    let mut inv = Invocation::new(
        invoke::find("CreateConnectionMonitor")?,
        "create connection monitor",
    );
    let body = RESOURCE.body(&inv, &args.body, |body| {
        body.set(
            "vpn_connection_id",
            "--vpn-connection-id",
            args.vpn_connection_id,
        )?;
        Ok(())
    })?;
    inv.body = Some(body.finish()?);
    inv.wait = RESOURCE.waiter(inv.op.waiter, &args.wait)?;
    invoke::run(inv, ctx).await
}

async fn list(args: MonitorList, ctx: &Context) -> Result<(), CliError> {
    let mut query = cmd::one("vpn_connection_id", args.vpn_connection_id);
    query.extend(cmd::many(
        "enterprise_project_id",
        args.enterprise_project_id,
    ));
    invoke::run(cmd::list(&RESOURCE, query, false)?, ctx).await
}
