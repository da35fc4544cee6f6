//! `hcvpn customer-gateway ...`: customer gateways (v5).

use futures_util::TryStreamExt;
use huaweicloud_vpn::pagination::Paginate;
use huaweicloud_vpn::vpn_v5::{self, types};

use crate::body::Body;
use crate::cli::{CgwCreate, CgwList, CgwUpdate, CustomerGatewayCmd, DeleteArgs};
use crate::context::Context;
use crate::error::CliError;
use crate::output::{self, Shape};
use crate::poll::{self, Goal};

pub const SHAPE: Shape = Shape {
    item_key: "customer_gateway",
    list_key: "customer_gateways",
    columns: &[
        ("ID", "id"),
        ("NAME", "name"),
        ("ID_TYPE", "id_type"),
        ("ID_VALUE", "id_value"),
        ("BGP_ASN", "bgp_asn"),
        ("CREATED_AT", "created_at"),
    ],
};

pub async fn run(cmd: CustomerGatewayCmd, ctx: &Context) -> Result<(), CliError> {
    match cmd {
        CustomerGatewayCmd::Create(args) => create(args, ctx).await,
        CustomerGatewayCmd::Show(id) => {
            let client = ctx.vpn()?;
            let shown = show(&client, &id.id).await?;
            output::item(ctx.output(), &output::to_value(&shown)?, &SHAPE)
        }
        CustomerGatewayCmd::List(args) => list(args, ctx).await,
        CustomerGatewayCmd::Update(args) => update(args, ctx).await,
        CustomerGatewayCmd::Delete(args) => delete(args, ctx).await,
    }
}

async fn show(
    client: &vpn_v5::Client,
    id: &str,
) -> Result<types::CustomerGatewayResponse, CliError> {
    client
        .show_cgw()
        .customer_gateway_id(id)
        .send()
        .await
        .map(|r| r.into_inner())
        .map_err(|e| CliError::api(format!("show customer gateway {id}"), e))
}

async fn create(args: CgwCreate, ctx: &Context) -> Result<(), CliError> {
    let mut body = Body::read(args.body.body.as_deref(), "customer_gateway")?;
    body.set("name", "--name", args.name)?
        .set("id_type", "--id-type", args.id_type)?
        .set("id_value", "--id-value", args.id_value)?
        .set("bgp_asn", "--bgp-asn", args.bgp_asn)?;
    let request: types::CreateCustomerGatewayRequest = body.into_typed()?;

    let client = ctx.vpn()?;
    let created = client
        .create_cgw()
        .body(request)
        .send()
        .await
        .map_err(|e| CliError::api("create customer gateway", e))?
        .into_inner();
    if !args.wait.wait {
        return output::item(ctx.output(), &output::to_value(&created)?, &SHAPE);
    }
    let id = created
        .customer_gateway
        .as_ref()
        .and_then(|g| g.id.clone())
        .ok_or_else(|| {
            CliError::Wait(
                "the create answer has no customer_gateway.id, so --wait cannot follow it".into(),
            )
        })?;
    // No status: ready once the API shows it.
    let shown = poll::until(
        "customer gateway",
        &id,
        Goal::Ready,
        args.wait.wait_timeout,
        || async {
            match client
                .show_cgw()
                .customer_gateway_id(id.as_str())
                .send()
                .await
            {
                Ok(shown) => Ok(huaweicloud_vpn::wait::Probe::Done(shown.into_inner())),
                Err(e) if poll::is_not_found(&e) => Ok(huaweicloud_vpn::wait::Probe::Pending(None)),
                Err(e) => Err(e),
            }
        },
    )
    .await?;
    output::item(ctx.output(), &output::to_value(&shown)?, &SHAPE)
}

async fn list(args: CgwList, ctx: &Context) -> Result<(), CliError> {
    let client = ctx.vpn()?;
    let mut request = client.list_cgws();
    if let Some(id) = args.cgw_id {
        request = request.cgw_id(id);
    }
    if let Some(limit) = args.limit {
        request = request.limit(limit);
    }
    if let Some(marker) = args.marker {
        request = request.marker(marker);
    }
    let fail = |e| CliError::api("list customer gateways", e);
    if !args.all {
        let page = request.send().await.map_err(fail)?.into_inner();
        return output::list(ctx.output(), &output::to_value(&page)?, &SHAPE);
    }
    // huaweicloud_vpn::pagination follows page_info.next_marker (from --marker, if given).
    let items: Vec<types::CustomerGateway> = request.stream().try_collect().await.map_err(fail)?;
    let all = types::ListCustomerGatewaysResponse {
        page_info: None,
        request_id: None,
        total_count: Some(items.len() as i64),
        customer_gateways: Some(items),
    };
    output::list(ctx.output(), &output::to_value(&all)?, &SHAPE)
}

async fn update(args: CgwUpdate, ctx: &Context) -> Result<(), CliError> {
    let mut body = Body::read(args.body.body.as_deref(), "customer_gateway")?;
    body.set("name", "--name", args.name)?;
    body.require_changes("--name")?;
    let request: types::UpdateCustomerGatewayRequest = body.into_typed()?;

    let client = ctx.vpn()?;
    let id = args.id.id;
    let updated = client
        .update_cgw()
        .customer_gateway_id(id.as_str())
        .body(request)
        .send()
        .await
        .map_err(|e| CliError::api(format!("update customer gateway {id}"), e))?
        .into_inner();
    output::item(ctx.output(), &output::to_value(&updated)?, &SHAPE)
}

async fn delete(args: DeleteArgs, ctx: &Context) -> Result<(), CliError> {
    let client = ctx.vpn()?;
    let id = args.id.id;
    client
        .delete_cgw()
        .customer_gateway_id(id.as_str())
        .send()
        .await
        .map_err(|e| CliError::api(format!("delete customer gateway {id}"), e))?;
    if args.wait.wait {
        poll::until(
            "customer gateway",
            &id,
            Goal::Gone,
            args.wait.wait_timeout,
            || async {
                let read = client
                    .show_cgw()
                    .customer_gateway_id(id.as_str())
                    .send()
                    .await
                    .map(|_| None);
                poll::gone_probe(read, &[])
            },
        )
        .await?;
    }
    Ok(())
}
