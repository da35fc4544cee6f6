//! `hcvpn connection ...`: VPN connections (v5).

use futures_util::TryStreamExt;
use huaweicloud_vpn::pagination::Paginate;
use huaweicloud_vpn::vpn_v5::{self, types};
use huaweicloud_vpn::wait;

use crate::body::{self, Body, PskEnv};
use crate::cli::{ConnectionCmd, ConnectionCreate, ConnectionList, ConnectionUpdate, DeleteArgs};
use crate::context::Context;
use crate::error::CliError;
use crate::output::{self, Shape};
use crate::poll::{self, Goal};
use crate::validate;

pub const SHAPE: Shape = Shape {
    item_key: "vpn_connection",
    list_key: "vpn_connections",
    columns: &[
        ("ID", "id"),
        ("NAME", "name"),
        ("STATUS", "status"),
        ("STYLE", "style"),
        ("VGW_ID", "vgw_id"),
        ("VGW_IP", "vgw_ip"),
        ("CGW_ID", "cgw_id"),
        ("PEER_SUBNETS", "peer_subnets"),
        ("CREATED_AT", "created_at"),
    ],
};

pub async fn run(cmd: ConnectionCmd, ctx: &Context) -> Result<(), CliError> {
    match cmd {
        ConnectionCmd::Create(args) => create(args, ctx).await,
        ConnectionCmd::Show(id) => {
            let client = ctx.vpn()?;
            let shown = show(&client, &id.id).await?;
            output::item(ctx.output(), &output::to_value(&shown)?, &SHAPE)
        }
        ConnectionCmd::List(args) => list(args, ctx).await,
        ConnectionCmd::Update(args) => update(args, ctx).await,
        ConnectionCmd::Delete(args) => delete(args, ctx).await,
    }
}

async fn show(client: &vpn_v5::Client, id: &str) -> Result<types::VpnConnectionResponse, CliError> {
    client
        .show_vpn_connection()
        .vpn_connection_id(id)
        .send()
        .await
        .map(|r| r.into_inner())
        .map_err(|e| CliError::api(format!("show VPN connection {id}"), e))
}

async fn create(args: ConnectionCreate, ctx: &Context) -> Result<(), CliError> {
    let body_path = args.body.body.as_deref();
    let mut body = Body::read(body_path, "vpn_connection")?;
    let psk = body::read_psk(
        &args.psk,
        PskEnv::Implicit,
        body::is_stdin(body_path),
        body.has("psk"),
    )?;
    body.set("name", "--name", args.name)?
        .set("vgw_id", "--vgw-id", args.vgw_id)?
        .set("vgw_ip", "--vgw-ip", args.vgw_ip)?
        .set("cgw_id", "--cgw-id", args.cgw_id)?
        .set_list("peer_subnets", "--peer-subnet", &args.peer_subnets)?
        .set("style", "--style", args.style)?
        .set(
            "tunnel_local_address",
            "--tunnel-local-address",
            args.tunnel_local_address,
        )?
        .set(
            "tunnel_peer_address",
            "--tunnel-peer-address",
            args.tunnel_peer_address,
        )?
        .set("psk", "--psk-stdin, --psk-file or HCVPN_PSK", psk)?;
    let request: types::CreateVpnConnectionRequest = body.into_typed()?;
    validate::create_vpn_connection(&request)?;

    let client = ctx.vpn()?;
    let created = client
        .create_vpn_connection()
        .body(request)
        .send()
        .await
        .map_err(|e| CliError::api("create VPN connection", e))?
        .into_inner();
    if !args.wait.wait {
        return output::item(ctx.output(), &output::to_value(&created)?, &SHAPE);
    }
    let id = created
        .vpn_connection
        .as_ref()
        .and_then(|c| c.id.clone())
        .ok_or_else(|| {
            CliError::Wait(
                "the create answer has no vpn_connection.id, so --wait cannot follow it".into(),
            )
        })?;
    let options = poll::announce(
        &format!("VPN connection {id}"),
        Goal::Ready,
        args.wait.wait_timeout,
    );
    // Provisioned: ACTIVE, or DOWN (the tunnel waits for the customer side).
    let connection = wait::vpn_connection_provisioned(&client, &id, &options)
        .await
        .map_err(poll::to_cli)?;
    let shown = types::VpnConnectionResponse {
        request_id: None,
        vpn_connection: Some(connection),
    };
    output::item(ctx.output(), &output::to_value(&shown)?, &SHAPE)
}

async fn list(args: ConnectionList, ctx: &Context) -> Result<(), CliError> {
    let client = ctx.vpn()?;
    let mut request = client.list_vpn_connections();
    if let Some(limit) = args.limit {
        request = request.limit(limit);
    }
    if let Some(marker) = args.marker {
        request = request.marker(marker);
    }
    if let Some(v) = args.vgw_id {
        request = request.vgw_id(v);
    }
    if let Some(v) = args.vgw_ip {
        request = request.vgw_ip(v);
    }
    if let Some(v) = args.eip_id {
        request = request.eip_id(v);
    }
    if let Some(v) = args.vpn_id {
        request = request.vpn_id(v);
    }
    if !args.enterprise_project_id.is_empty() {
        request = request.enterprise_project_id(args.enterprise_project_id);
    }
    let fail = |e| CliError::api("list VPN connections", e);
    if !args.all {
        let page = request.send().await.map_err(fail)?.into_inner();
        return output::list(ctx.output(), &output::to_value(&page)?, &SHAPE);
    }
    // huaweicloud_vpn::pagination follows page_info.next_marker (from --marker, if given).
    let items: Vec<types::VpnConnection> = request.stream().try_collect().await.map_err(fail)?;
    let all = types::ListVpnConnectionsResponse {
        page_info: None,
        request_id: None,
        total_count: Some(items.len() as i64),
        vpn_connections: Some(items),
    };
    output::list(ctx.output(), &output::to_value(&all)?, &SHAPE)
}

async fn update(args: ConnectionUpdate, ctx: &Context) -> Result<(), CliError> {
    let body_path = args.body.body.as_deref();
    let mut body = Body::read(body_path, "vpn_connection")?;
    let psk = body::read_psk(
        &args.psk,
        PskEnv::Explicit(args.psk_env),
        body::is_stdin(body_path),
        body.has("psk"),
    )?;
    body.set("name", "--name", args.name)?
        .set("cgw_id", "--cgw-id", args.cgw_id)?
        .set_list("peer_subnets", "--peer-subnet", &args.peer_subnets)?
        .set("psk", "--psk-stdin, --psk-file or --psk-env", psk)?;
    body.require_changes("--name, --cgw-id, --peer-subnet, a PSK source")?;
    let request: types::UpdateVpnConnectionRequest = body.into_typed()?;
    validate::update_vpn_connection(&request)?;

    let client = ctx.vpn()?;
    let id = args.id.id;
    let updated = client
        .update_vpn_connection()
        .vpn_connection_id(id.as_str())
        .body(request)
        .send()
        .await
        .map_err(|e| CliError::api(format!("update VPN connection {id}"), e))?
        .into_inner();
    output::item(ctx.output(), &output::to_value(&updated)?, &SHAPE)
}

async fn delete(args: DeleteArgs, ctx: &Context) -> Result<(), CliError> {
    let client = ctx.vpn()?;
    let id = args.id.id;
    client
        .delete_vpn_connection()
        .vpn_connection_id(id.as_str())
        .send()
        .await
        .map_err(|e| CliError::api(format!("delete VPN connection {id}"), e))?;
    if args.wait.wait {
        let options = poll::announce(
            &format!("VPN connection {id}"),
            Goal::Gone,
            args.wait.wait_timeout,
        );
        wait::vpn_connection_gone(&client, &id, &options)
            .await
            .map_err(poll::to_cli)?;
    }
    Ok(())
}
