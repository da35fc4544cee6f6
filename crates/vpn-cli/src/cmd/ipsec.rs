//! `hcvpn ipsec ...`: legacy IPsec site connections (VPC API v2.0).

use huaweicloud_vpn::ipsec_v2::types;

use crate::body::{self, Body, PskEnv};
use crate::cli::{DeleteArgs, IpsecCmd, IpsecCreate, IpsecList, IpsecUpdate};
use crate::context::Context;
use crate::error::CliError;
use crate::output::{self, Shape};
use crate::poll::{self, Goal};
use crate::validate;

pub const SHAPE: Shape = Shape {
    item_key: "ipsec_site_connection",
    list_key: "ipsec_site_connections",
    columns: &[
        ("ID", "id"),
        ("NAME", "name"),
        ("STATUS", "status"),
        ("PEER_ADDRESS", "peer_address"),
        ("PEER_ID", "peer_id"),
        ("VPNSERVICE_ID", "vpnservice_id"),
        ("ROUTE_MODE", "route_mode"),
        ("CREATED_AT", "created_at"),
    ],
};

pub async fn run(cmd: IpsecCmd, ctx: &Context) -> Result<(), CliError> {
    match cmd {
        IpsecCmd::Create(args) => create(args, ctx).await,
        IpsecCmd::Show(id) => {
            let client = ctx.ipsec()?;
            let id = id.id;
            let shown = client
                .show_ipsec_site_connection()
                .connection_id(id.as_str())
                .send()
                .await
                .map_err(|e| CliError::api(format!("show IPsec site connection {id}"), e))?
                .into_inner();
            output::item(ctx.output(), &output::to_value(&shown)?, &SHAPE)
        }
        IpsecCmd::List(args) => list(args, ctx).await,
        IpsecCmd::Update(args) => update(args, ctx).await,
        IpsecCmd::Delete(args) => delete(args, ctx).await,
    }
}

async fn create(args: IpsecCreate, ctx: &Context) -> Result<(), CliError> {
    let body_path = args.body.body.as_deref();
    let mut body = Body::read(body_path, "ipsec_site_connection")?;
    let psk = body::read_psk(
        &args.psk,
        PskEnv::Implicit,
        body::is_stdin(body_path),
        body.has("psk"),
    )?;
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
        .set("peer_id", "--peer-id", args.peer_id)?
        .set("psk", "--psk-stdin, --psk-file or HCVPN_PSK", psk)?;
    let request: types::CreateIpsecSiteConnectionRequest = body.into_typed()?;
    validate::create_ipsec(&request)?;

    let client = ctx.ipsec()?;
    let created = client
        .create_ipsec_site_connection()
        .body(request)
        .send()
        .await
        .map_err(|e| CliError::api("create IPsec site connection", e))?
        .into_inner();
    if !args.wait.wait {
        return output::item(ctx.output(), &output::to_value(&created)?, &SHAPE);
    }
    let id = created
        .ipsec_site_connection
        .as_ref()
        .and_then(|c| c.id.clone())
        .ok_or_else(|| {
            CliError::Wait(
                "the create answer has no ipsec_site_connection.id, so --wait cannot follow it"
                    .into(),
            )
        })?;
    // Provisioned, as the library's VPN connection waiter has it: ACTIVE, or DOWN (the tunnel
    // waits for the peer). ERROR fails.
    let shown = poll::until(
        "IPsec site connection",
        &id,
        Goal::Ready,
        args.wait.wait_timeout,
        || async {
            let shown = client
                .show_ipsec_site_connection()
                .connection_id(id.as_str())
                .send()
                .await?
                .into_inner();
            let status = status_of(&shown);
            Ok(poll::status_probe(
                status,
                shown,
                &["ACTIVE", "DOWN"],
                &["ERROR"],
            ))
        },
    )
    .await?;
    output::item(ctx.output(), &output::to_value(&shown)?, &SHAPE)
}

fn status_of(shown: &types::IpsecSiteConnectionResponse) -> Option<String> {
    shown
        .ipsec_site_connection
        .as_ref()
        .and_then(|c| c.status.as_ref())
        .map(ToString::to_string)
}

async fn list(args: IpsecList, ctx: &Context) -> Result<(), CliError> {
    let client = ctx.ipsec()?;
    let mut request = client.list_ipsec_site_connections();
    if let Some(v) = args.id {
        request = request.id(v);
    }
    if let Some(v) = args.name {
        request = request.name(v);
    }
    if let Some(v) = args.status {
        request = request.status(v);
    }
    if let Some(v) = args.vpnservice_id {
        request = request.vpnservice_id(v);
    }
    if !args.fields.is_empty() {
        request = request.fields(args.fields);
    }
    let listed = request
        .send()
        .await
        .map_err(|e| CliError::api("list IPsec site connections", e))?
        .into_inner();
    output::list(ctx.output(), &output::to_value(&listed)?, &SHAPE)
}

async fn update(args: IpsecUpdate, ctx: &Context) -> Result<(), CliError> {
    let body_path = args.body.body.as_deref();
    let mut body = Body::read(body_path, "ipsec_site_connection")?;
    let psk = body::read_psk(
        &args.psk,
        PskEnv::Explicit(args.psk_env),
        body::is_stdin(body_path),
        body.has("psk"),
    )?;
    body.set("name", "--name", args.name)?
        .set("description", "--description", args.description)?
        .set("peer_address", "--peer-address", args.peer_address)?
        .set("peer_id", "--peer-id", args.peer_id)?
        .set("psk", "--psk-stdin, --psk-file or --psk-env", psk)?;
    body.require_changes("--name, --description, --peer-address, --peer-id, a PSK source")?;
    let request: types::UpdateIpsecSiteConnectionRequest = body.into_typed()?;
    validate::update_ipsec(&request)?;

    let client = ctx.ipsec()?;
    let id = args.id.id;
    let updated = client
        .update_ipsec_site_connection()
        .connection_id(id.as_str())
        .body(request)
        .send()
        .await
        .map_err(|e| CliError::api(format!("update IPsec site connection {id}"), e))?
        .into_inner();
    output::item(ctx.output(), &output::to_value(&updated)?, &SHAPE)
}

async fn delete(args: DeleteArgs, ctx: &Context) -> Result<(), CliError> {
    let client = ctx.ipsec()?;
    let id = args.id.id;
    client
        .delete_ipsec_site_connection()
        .connection_id(id.as_str())
        .send()
        .await
        .map_err(|e| CliError::api(format!("delete IPsec site connection {id}"), e))?;
    if args.wait.wait {
        poll::until(
            "IPsec site connection",
            &id,
            Goal::Gone,
            args.wait.wait_timeout,
            || async {
                let read = client
                    .show_ipsec_site_connection()
                    .connection_id(id.as_str())
                    .send()
                    .await
                    .map(|r| status_of(&r.into_inner()));
                poll::gone_probe(read, &["ERROR"])
            },
        )
        .await?;
    }
    Ok(())
}
