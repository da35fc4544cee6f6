//! `hcvpn gateway ...`: VPN gateways (v5), mapped onto their operations; the availability
//! zones get a table of their own (one row per flavor).

use serde_json::{Value, json};

use crate::cli::{GatewayCmd, GatewayCreate, GatewayList, GatewayUpdate, OutputFormat};
use crate::cmd::{self, Resource};
use crate::context::Context;
use crate::error::CliError;
use crate::invoke::{self, Invocation};
use crate::output;

pub const RESOURCE: Resource = Resource {
    name: "VPN gateway",
    id_param: "vgw_id",
    show: "ShowVgw",
    list: "ListVgws",
    delete: "DeleteVgw",
};

pub async fn run(cmd: GatewayCmd, ctx: &Context) -> Result<(), CliError> {
    match cmd {
        GatewayCmd::Create(args) => create(args, ctx).await,
        GatewayCmd::Show(id) => RESOURCE.show(&id.id, ctx).await,
        GatewayCmd::List(args) => list(args, ctx).await,
        GatewayCmd::Update(args) => update(args, ctx).await,
        GatewayCmd::Delete(args) => RESOURCE.delete(args, ctx).await,
        GatewayCmd::AvailabilityZones => availability_zones(ctx).await,
    }
}

async fn create(args: GatewayCreate, ctx: &Context) -> Result<(), CliError> {
    if args.eip_ids.len() > 2 {
        return Err(CliError::usage(
            "--eip-id: a gateway has two EIPs; give it at most twice",
        ));
    }
    let mut inv = Invocation::new(invoke::find("CreateVgw")?, "create VPN gateway");
    let eip = |i: usize| args.eip_ids.get(i).map(|id| json!({ "id": id }));
    let body = RESOURCE.body(&inv, &args.body, |body| {
        body.set("name", "--name", args.name.clone())?
            .set(
                "attachment_type",
                "--attachment-type",
                args.attachment_type.clone(),
            )?
            .set("vpc_id", "--vpc-id", args.vpc_id.clone())?
            .set("er_id", "--er-id", args.er_id.clone())?
            .set_list("local_subnets", "--local-subnet", &args.local_subnets)?
            .set(
                "connect_subnet",
                "--connect-subnet",
                args.connect_subnet.clone(),
            )?
            .set("flavor", "--flavor", args.flavor.clone())?
            .set_list(
                "availability_zone_ids",
                "--availability-zone",
                &args.availability_zones,
            )?
            .set("eip1", "--eip-id", eip(0))?
            .set("eip2", "--eip-id (twice)", eip(1))?
            .set("bgp_asn", "--bgp-asn", args.bgp_asn)?;
        Ok(())
    })?;
    inv.body = Some(body.finish()?);
    inv.wait = RESOURCE.waiter(inv.op.waiter, &args.wait)?;
    invoke::run(inv, ctx).await
}

async fn list(args: GatewayList, ctx: &Context) -> Result<(), CliError> {
    let mut query = cmd::one("vgw_id", args.vgw_id);
    query.extend(cmd::many(
        "enterprise_project_id",
        args.enterprise_project_id,
    ));
    invoke::run(cmd::list(&RESOURCE, query, false)?, ctx).await
}

async fn update(args: GatewayUpdate, ctx: &Context) -> Result<(), CliError> {
    let mut inv = RESOURCE.on("UpdateVgw", "update", &args.id.id)?;
    let body = RESOURCE.body(&inv, &args.body, |body| {
        body.set("name", "--name", args.name)?
            .set_list("local_subnets", "--local-subnet", &args.local_subnets)?
            .set("eip_id_1", "--eip-id-1", args.eip_id_1)?
            .set("eip_id_2", "--eip-id-2", args.eip_id_2)?;
        body.require_changes("--name, --local-subnet, --eip-id-1, --eip-id-2")
    })?;
    inv.body = Some(body.finish()?);
    invoke::run(inv, ctx).await
}

async fn availability_zones(ctx: &Context) -> Result<(), CliError> {
    let op = invoke::find("ListAvailabilityZones")?;
    if ctx.output() == OutputFormat::Json {
        return invoke::run(Invocation::new(op, "list availability zones"), ctx).await;
    }
    let client = ctx.client_for(op)?;
    let zones = client
        .call(op, &[], &[], None)
        .await
        .map_err(|e| CliError::api("list availability zones", e))?;
    // One row per flavor, as the API names it.
    let rows: Vec<Value> = zones
        .get("availability_zones")
        .and_then(Value::as_object)
        .map(|flavors| {
            flavors
                .iter()
                .map(|(flavor, zones)| {
                    json!({"flavor": flavor, "vpc": zones.get("vpc"), "er": zones.get("er")})
                })
                .collect()
        })
        .unwrap_or_default();
    output::write_out(&output::table(
        &[("FLAVOR", "flavor"), ("VPC", "vpc"), ("ER", "er")],
        &rows,
    ))
}
