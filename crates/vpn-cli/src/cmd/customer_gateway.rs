//! `hcvpn customer-gateway ...`: customer gateways (v5), mapped onto their operations.
//!
//! Customer gateways have no status (the spec gives them no waiter): `create --wait` reads
//! the new gateway back until the API shows it, and `delete --wait` until it answers 404.

use huaweicloud_vpn::operation::Waiter;

use crate::cli::{CgwCreate, CgwList, CgwUpdate, CustomerGatewayCmd};
use crate::cmd::{self, Resource};
use crate::context::Context;
use crate::error::CliError;
use crate::invoke::{self, Invocation};

pub const RESOURCE: Resource = Resource {
    name: "customer gateway",
    id_param: "customer_gateway_id",
    show: "ShowCgw",
    list: "ListCgws",
    delete: "DeleteCgw",
};

/// Shown means ready: no status pointer.
const SHOWN: Waiter = Waiter {
    resource: "customer gateway",
    show: "ShowCgw",
    id_param: "customer_gateway_id",
    id: "/customer_gateway/id",
    status: "",
    ready: &[],
    failed: &[],
};

pub async fn run(cmd: CustomerGatewayCmd, ctx: &Context) -> Result<(), CliError> {
    match cmd {
        CustomerGatewayCmd::Create(args) => create(args, ctx).await,
        CustomerGatewayCmd::Show(id) => RESOURCE.show(&id.id, ctx).await,
        CustomerGatewayCmd::List(args) => list(args, ctx).await,
        CustomerGatewayCmd::Update(args) => update(args, ctx).await,
        CustomerGatewayCmd::Delete(args) => {
            let mut inv = RESOURCE.on(RESOURCE.delete, "delete", &args.id.id)?;
            inv.wait = args
                .wait
                .wait
                .then(|| (inv.op.waiter.unwrap_or(SHOWN), args.wait.wait_timeout));
            invoke::run(inv, ctx).await
        }
    }
}

async fn create(args: CgwCreate, ctx: &Context) -> Result<(), CliError> {
    let mut inv = Invocation::new(invoke::find("CreateCgw")?, "create customer gateway");
    let body = RESOURCE.body(&inv, &args.body, |body| {
        body.set("name", "--name", args.name)?
            .set("id_type", "--id-type", args.id_type)?
            .set("id_value", "--id-value", args.id_value)?
            .set("bgp_asn", "--bgp-asn", args.bgp_asn)?;
        Ok(())
    })?;
    inv.body = Some(body.finish()?);
    inv.wait = args
        .wait
        .wait
        .then(|| (inv.op.waiter.unwrap_or(SHOWN), args.wait.wait_timeout));
    invoke::run(inv, ctx).await
}

async fn list(args: CgwList, ctx: &Context) -> Result<(), CliError> {
    let mut query = cmd::one("cgw_id", args.cgw_id);
    query.extend(cmd::one("limit", args.limit.map(|l| l.to_string())));
    query.extend(cmd::one("marker", args.marker));
    invoke::run(cmd::list(&RESOURCE, query, args.all)?, ctx).await
}

async fn update(args: CgwUpdate, ctx: &Context) -> Result<(), CliError> {
    let mut inv = RESOURCE.on("UpdateCgw", "update", &args.id.id)?;
    let body = RESOURCE.body(&inv, &args.body, |body| {
        body.set("name", "--name", args.name)?;
        body.require_changes("--name")
    })?;
    inv.body = Some(body.finish()?);
    invoke::run(inv, ctx).await
}
