//! `hcvpn ipsec ...`: legacy IPsec site connections (VPC API v2.0), mapped onto their
//! operations.

use crate::cli::{IpsecCmd, IpsecCreate, IpsecList, IpsecUpdate};
use crate::cmd::{self, Resource};
use crate::context::Context;
use crate::error::CliError;
use crate::invoke::{self, Invocation};

pub const RESOURCE: Resource = Resource {
    name: "IPsec site connection",
    id_param: "connection_id",
    show: "ShowIpsecSiteConnection",
    list: "ListIpsecSiteConnections",
    delete: "DeleteIpsecSiteConnection",
};

pub async fn run(cmd: IpsecCmd, ctx: &Context) -> Result<(), CliError> {
    match cmd {
        IpsecCmd::Create(args) => create(args, ctx).await,
        IpsecCmd::Show(id) => RESOURCE.show(&id.id, ctx).await,
        IpsecCmd::List(args) => list(args, ctx).await,
        IpsecCmd::Update(args) => update(args, ctx).await,
        IpsecCmd::Delete(args) => RESOURCE.delete(args, ctx).await,
    }
}

async fn create(args: IpsecCreate, ctx: &Context) -> Result<(), CliError> {
    let mut inv = Invocation::new(
        invoke::find("CreateIpsecSiteConnection")?,
        "create IPsec site connection",
    );
    let body = RESOURCE.body(&inv, &args.body, |body| {
        cmd::add_psk(body, &args.psk, None)?;
        body.set("name", "--name", args.name)?
            .set("description", "--description", args.description)?
            .set("vpnservice_id", "--vpnservice-id", args.vpnservice_id)?
            .set("ikepolicy_id", "--ikepolicy-id", args.ikepolicy_id)?
            .set("ipsecpolicy_id", "--ipsecpolicy-id", args.ipsecpolicy_id)?
            .set(
                "local_ep_group_id",
                "--local-ep-group-id",
                args.local_ep_group_id,
            )?
            .set(
                "peer_ep_group_id",
                "--peer-ep-group-id",
                args.peer_ep_group_id,
            )?
            .set("peer_address", "--peer-address", args.peer_address)?
            .set("peer_id", "--peer-id", args.peer_id)?;
        Ok(())
    })?;
    inv.body = Some(body.finish()?);
    inv.wait = RESOURCE.waiter(inv.op.waiter, &args.wait)?;
    invoke::run(inv, ctx).await
}

async fn list(args: IpsecList, ctx: &Context) -> Result<(), CliError> {
    let mut query = cmd::one("id", args.id);
    query.extend(cmd::one("name", args.name));
    query.extend(cmd::one("status", args.status));
    query.extend(cmd::one("vpnservice_id", args.vpnservice_id));
    query.extend(cmd::many("fields", args.fields));
    invoke::run(cmd::list(&RESOURCE, query, false)?, ctx).await
}

async fn update(args: IpsecUpdate, ctx: &Context) -> Result<(), CliError> {
    let mut inv = RESOURCE.on("UpdateIpsecSiteConnection", "update", &args.id.id)?;
    let body = RESOURCE.body(&inv, &args.body, |body| {
        cmd::add_psk(body, &args.psk, Some(args.psk_env))?;
        body.set("name", "--name", args.name)?
            .set("description", "--description", args.description)?
            .set("peer_address", "--peer-address", args.peer_address)?
            .set("peer_id", "--peer-id", args.peer_id)?;
        body.require_changes("--name, --description, --peer-address, --peer-id, a PSK source")
    })?;
    inv.body = Some(body.finish()?);
    invoke::run(inv, ctx).await
}
