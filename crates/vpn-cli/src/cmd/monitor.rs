//! `hcvpn monitor ...`: connection monitors (v5).

use huaweicloud_vpn::vpn_v5::types;
use huaweicloud_vpn::wait;

use crate::body::Body;
use crate::cli::{DeleteArgs, MonitorCmd, MonitorCreate, MonitorList};
use crate::context::Context;
use crate::error::CliError;
use crate::output::{self, Shape};
use crate::poll::{self, Goal};

pub const SHAPE: Shape = Shape {
    item_key: "connection_monitor",
    list_key: "connection_monitors",
    columns: &[
        ("ID", "id"),
        ("VPN_CONNECTION_ID", "vpn_connection_id"),
        ("STATUS", "status"),
        ("TYPE", "type"),
        ("SOURCE_IP", "source_ip"),
        ("DESTINATION_IP", "destination_ip"),
        ("PROTO_TYPE", "proto_type"),
    ],
};

pub async fn run(cmd: MonitorCmd, ctx: &Context) -> Result<(), CliError> {
    match cmd {
        MonitorCmd::Create(args) => create(args, ctx).await,
        MonitorCmd::Show(id) => {
            let client = ctx.vpn()?;
            let id = id.id;
            let shown = client
                .show_connection_monitor()
                .connection_monitor_id(id.as_str())
                .send()
                .await
                .map_err(|e| CliError::api(format!("show connection monitor {id}"), e))?
                .into_inner();
            output::item(ctx.output(), &output::to_value(&shown)?, &SHAPE)
        }
        MonitorCmd::List(args) => list(args, ctx).await,
        MonitorCmd::Delete(args) => delete(args, ctx).await,
    }
}

async fn create(args: MonitorCreate, ctx: &Context) -> Result<(), CliError> {
    let mut body = Body::read(args.body.body.as_deref(), "connection_monitor")?;
    body.set(
        "vpn_connection_id",
        "--vpn-connection-id",
        args.vpn_connection_id,
    )?;
    let request: types::CreateConnectionMonitorRequest = body.into_typed()?;

    let client = ctx.vpn()?;
    let created = client
        .create_connection_monitor()
        .body(request)
        .send()
        .await
        .map_err(|e| CliError::api("create connection monitor", e))?
        .into_inner();
    if !args.wait.wait {
        return output::item(ctx.output(), &output::to_value(&created)?, &SHAPE);
    }
    let id = created
        .connection_monitor
        .as_ref()
        .and_then(|m| m.id.clone())
        .ok_or_else(|| {
            CliError::Wait(
                "the create answer has no connection_monitor.id, so --wait cannot follow it".into(),
            )
        })?;
    let options = poll::announce(
        &format!("connection monitor {id}"),
        Goal::Ready,
        args.wait.wait_timeout,
    );
    let monitor = wait::connection_monitor_active(&client, &id, &options)
        .await
        .map_err(poll::to_cli)?;
    let shown = types::ConnectionMonitorResponse {
        request_id: None,
        connection_monitor: Some(monitor),
    };
    output::item(ctx.output(), &output::to_value(&shown)?, &SHAPE)
}

async fn list(args: MonitorList, ctx: &Context) -> Result<(), CliError> {
    let client = ctx.vpn()?;
    let mut request = client.list_connection_monitors();
    if let Some(id) = args.vpn_connection_id {
        request = request.vpn_connection_id(id);
    }
    if !args.enterprise_project_id.is_empty() {
        request = request.enterprise_project_id(args.enterprise_project_id);
    }
    let listed = request
        .send()
        .await
        .map_err(|e| CliError::api("list connection monitors", e))?
        .into_inner();
    output::list(ctx.output(), &output::to_value(&listed)?, &SHAPE)
}

async fn delete(args: DeleteArgs, ctx: &Context) -> Result<(), CliError> {
    let client = ctx.vpn()?;
    let id = args.id.id;
    client
        .delete_connection_monitor()
        .connection_monitor_id(id.as_str())
        .send()
        .await
        .map_err(|e| CliError::api(format!("delete connection monitor {id}"), e))?;
    if args.wait.wait {
        let options = poll::announce(
            &format!("connection monitor {id}"),
            Goal::Gone,
            args.wait.wait_timeout,
        );
        wait::connection_monitor_gone(&client, &id, &options)
            .await
            .map_err(poll::to_cli)?;
    }
    Ok(())
}
