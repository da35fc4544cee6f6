//! `hcvpn connection ...`: VPN connections (v5), mapped onto their operations.

use crate::cli::{ConnectionCmd, ConnectionCreate, ConnectionList, ConnectionUpdate};
use crate::cmd::{self, Resource};
use crate::context::Context;
use crate::error::CliError;
use crate::invoke::{self, Invocation};

pub const RESOURCE: Resource = Resource {
    name: "VPN connection",
    id_param: "vpn_connection_id",
    show: "ShowVpnConnection",
    list: "ListVpnConnections",
    delete: "DeleteVpnConnection",
};

pub async fn run(cmd: ConnectionCmd, ctx: &Context) -> Result<(), CliError> {
    match cmd {
        ConnectionCmd::Create(args) => create(args, ctx).await,
        ConnectionCmd::Show(id) => RESOURCE.show(&id.id, ctx).await,
        ConnectionCmd::List(args) => list(args, ctx).await,
        ConnectionCmd::Update(args) => update(args, ctx).await,
        ConnectionCmd::Delete(args) => RESOURCE.delete(args, ctx).await,
    }
}

async fn create(args: ConnectionCreate, ctx: &Context) -> Result<(), CliError> {
    let mut inv = Invocation::new(
        invoke::find("CreateVpnConnection")?,
        "create VPN connection",
    );
    let body = RESOURCE.body(&inv, &args.body, |body| {
        cmd::add_psk(body, &args.psk, None)?;
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
            )?;
        Ok(())
    })?;
    inv.body = Some(body.finish()?);
    inv.wait = RESOURCE.waiter(inv.op.waiter, &args.wait)?;
    invoke::run(inv, ctx).await
}

async fn list(args: ConnectionList, ctx: &Context) -> Result<(), CliError> {
    let mut query = cmd::one("limit", args.limit.map(|l| l.to_string()));
    query.extend(cmd::one("marker", args.marker));
    query.extend(cmd::one("vgw_id", args.vgw_id));
    query.extend(cmd::one("vgw_ip", args.vgw_ip));
    query.extend(cmd::one("eip_id", args.eip_id));
    query.extend(cmd::one("vpn_id", args.vpn_id));
    query.extend(cmd::many(
        "enterprise_project_id",
        args.enterprise_project_id,
    ));
    invoke::run(cmd::list(&RESOURCE, query, args.all)?, ctx).await
}

async fn update(args: ConnectionUpdate, ctx: &Context) -> Result<(), CliError> {
    let mut inv = RESOURCE.on("UpdateVpnConnection", "update", &args.id.id)?;
    let body = RESOURCE.body(&inv, &args.body, |body| {
        cmd::add_psk(body, &args.psk, Some(args.psk_env))?;
        body.set("name", "--name", args.name)?
            .set("cgw_id", "--cgw-id", args.cgw_id)?
            .set_list("peer_subnets", "--peer-subnet", &args.peer_subnets)?;
        body.require_changes("--name, --cgw-id, --peer-subnet, a PSK source")
    })?;
    inv.body = Some(body.finish()?);
    invoke::run(inv, ctx).await
}
