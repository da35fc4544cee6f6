//! `hcvpn gateway ...`: VPN gateways (v5).

use huaweicloud_vpn::vpn_v5::types;
use huaweicloud_vpn::wait;
use serde_json::{Value, json};

use crate::body::Body;
use crate::cli::{DeleteArgs, GatewayCmd, GatewayCreate, GatewayList, GatewayUpdate};
use crate::context::Context;
use crate::error::CliError;
use crate::output::{self, Shape};
use crate::poll::{self, Goal};
use crate::validate;

pub const SHAPE: Shape = Shape {
    item_key: "vpn_gateway",
    list_key: "vpn_gateways",
    columns: &[
        ("ID", "id"),
        ("NAME", "name"),
        ("STATUS", "status"),
        ("FLAVOR", "flavor"),
        ("ATTACHMENT", "attachment_type"),
        ("NETWORK", "network_type"),
        ("VPC_ID", "vpc_id"),
        ("LOCAL_SUBNETS", "local_subnets"),
        ("EIP1", "eip1.ip_address"),
        ("EIP2", "eip2.ip_address"),
        ("CREATED_AT", "created_at"),
    ],
};

const ZONES: Shape = Shape {
    item_key: "",
    list_key: "zones",
    columns: &[("FLAVOR", "flavor"), ("VPC", "vpc"), ("ER", "er")],
};

pub async fn run(cmd: GatewayCmd, ctx: &Context) -> Result<(), CliError> {
    match cmd {
        GatewayCmd::Create(args) => create(args, ctx).await,
        GatewayCmd::Show(id) => {
            let client = ctx.vpn()?;
            let id = id.id;
            let shown = client
                .show_vgw()
                .vgw_id(id.as_str())
                .send()
                .await
                .map_err(|e| CliError::api(format!("show VPN gateway {id}"), e))?
                .into_inner();
            output::item(ctx.output(), &output::to_value(&shown)?, &SHAPE)
        }
        GatewayCmd::List(args) => list(args, ctx).await,
        GatewayCmd::Update(args) => update(args, ctx).await,
        GatewayCmd::Delete(args) => delete(args, ctx).await,
        GatewayCmd::AvailabilityZones => availability_zones(ctx).await,
    }
}

async fn create(args: GatewayCreate, ctx: &Context) -> Result<(), CliError> {
    if args.eip_ids.len() > 2 {
        return Err(CliError::usage(
            "--eip-id: a gateway has two EIPs; give it at most twice",
        ));
    }
    let mut body = Body::read(args.body.body.as_deref(), "vpn_gateway")?;
    let eip = |i: usize| args.eip_ids.get(i).map(|id| json!({ "id": id }));
    body.set("name", "--name", args.name)?
        .set("attachment_type", "--attachment-type", args.attachment_type)?
        .set("vpc_id", "--vpc-id", args.vpc_id)?
        .set("er_id", "--er-id", args.er_id)?
        .set_list("local_subnets", "--local-subnet", &args.local_subnets)?
        .set("connect_subnet", "--connect-subnet", args.connect_subnet)?
        .set("flavor", "--flavor", args.flavor)?
        .set_list(
            "availability_zone_ids",
            "--availability-zone",
            &args.availability_zones,
        )?
        .set("eip1", "--eip-id", eip(0))?
        .set("eip2", "--eip-id (twice)", eip(1))?
        .set("bgp_asn", "--bgp-asn", args.bgp_asn)?;
    let request: types::CreateVpnGatewayRequest = body.into_typed()?;
    validate::create_vpn_gateway(&request)?;

    let client = ctx.vpn()?;
    let created = client
        .create_vgw()
        .body(request)
        .send()
        .await
        .map_err(|e| CliError::api("create VPN gateway", e))?
        .into_inner();
    if !args.wait.wait {
        return output::item(ctx.output(), &output::to_value(&created)?, &SHAPE);
    }
    let id = created
        .vpn_gateway
        .as_ref()
        .and_then(|g| g.id.clone())
        .ok_or_else(|| {
            CliError::Wait(
                "the create answer has no vpn_gateway.id, so --wait cannot follow it".into(),
            )
        })?;
    let options = poll::announce(
        &format!("VPN gateway {id}"),
        Goal::Ready,
        args.wait.wait_timeout,
    );
    // ACTIVE; FAULT fails at once.
    let gateway = wait::vpn_gateway_active(&client, &id, &options)
        .await
        .map_err(poll::to_cli)?;
    let shown = types::VpnGatewayResponse {
        request_id: None,
        vpn_gateway: Some(gateway),
    };
    output::item(ctx.output(), &output::to_value(&shown)?, &SHAPE)
}

async fn list(args: GatewayList, ctx: &Context) -> Result<(), CliError> {
    let client = ctx.vpn()?;
    let mut request = client.list_vgws();
    if let Some(id) = args.vgw_id {
        request = request.vgw_id(id);
    }
    if !args.enterprise_project_id.is_empty() {
        request = request.enterprise_project_id(args.enterprise_project_id);
    }
    let listed = request
        .send()
        .await
        .map_err(|e| CliError::api("list VPN gateways", e))?
        .into_inner();
    output::list(ctx.output(), &output::to_value(&listed)?, &SHAPE)
}

async fn update(args: GatewayUpdate, ctx: &Context) -> Result<(), CliError> {
    let mut body = Body::read(args.body.body.as_deref(), "vpn_gateway")?;
    body.set("name", "--name", args.name)?
        .set_list("local_subnets", "--local-subnet", &args.local_subnets)?
        .set("eip_id_1", "--eip-id-1", args.eip_id_1)?
        .set("eip_id_2", "--eip-id-2", args.eip_id_2)?;
    body.require_changes("--name, --local-subnet, --eip-id-1, --eip-id-2")?;
    let request: types::UpdateVpnGatewayRequest = body.into_typed()?;

    let client = ctx.vpn()?;
    let id = args.id.id;
    let updated = client
        .update_vgw()
        .vgw_id(id.as_str())
        .body(request)
        .send()
        .await
        .map_err(|e| CliError::api(format!("update VPN gateway {id}"), e))?
        .into_inner();
    output::item(ctx.output(), &output::to_value(&updated)?, &SHAPE)
}

async fn delete(args: DeleteArgs, ctx: &Context) -> Result<(), CliError> {
    let client = ctx.vpn()?;
    let id = args.id.id;
    client
        .delete_vgw()
        .vgw_id(id.as_str())
        .send()
        .await
        .map_err(|e| CliError::api(format!("delete VPN gateway {id}"), e))?;
    if args.wait.wait {
        let options = poll::announce(
            &format!("VPN gateway {id}"),
            Goal::Gone,
            args.wait.wait_timeout,
        );
        wait::vpn_gateway_gone(&client, &id, &options)
            .await
            .map_err(poll::to_cli)?;
    }
    Ok(())
}

async fn availability_zones(ctx: &Context) -> Result<(), CliError> {
    let client = ctx.vpn()?;
    let zones = client
        .list_availability_zones()
        .send()
        .await
        .map_err(|e| CliError::api("list availability zones", e))?
        .into_inner();
    let value = output::to_value(&zones)?;
    match ctx.output() {
        crate::cli::OutputFormat::Json => output::json(&value),
        crate::cli::OutputFormat::Table => {
            // One row per flavor, as the API names it.
            let rows: Vec<Value> = value
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
            output::list(ctx.output(), &json!({ "zones": rows }), &ZONES)
        }
    }
}
