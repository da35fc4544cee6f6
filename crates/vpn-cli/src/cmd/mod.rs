//! The convenience commands (`connection`, `gateway`, ...): each maps its flags onto one
//! operation of the table and runs it as an [`Invocation`], like `hcvpn op` does. One module
//! per resource group; the helpers here are what they share.

pub mod connection;
pub mod customer_gateway;
pub mod gateway;
pub mod ipsec;
pub mod monitor;
pub mod quota;

use huaweicloud_vpn::operation::Waiter;

use crate::body::{self, Body, EnvUse, SecretSource};
use crate::cli::{BodyArg, Command, DeleteArgs, PskArgs, WaitArgs};
use crate::context::Context;
use crate::error::CliError;
use crate::invoke::{self, Invocation};

/// Runs one command.
pub async fn run(command: Command, ctx: &Context) -> Result<(), CliError> {
    match command {
        Command::Connection(cmd) => connection::run(cmd, ctx).await,
        Command::Monitor(cmd) => monitor::run(cmd, ctx).await,
        Command::Gateway(cmd) => gateway::run(cmd, ctx).await,
        Command::CustomerGateway(cmd) => customer_gateway::run(cmd, ctx).await,
        Command::Quota(cmd) => quota::run(cmd, ctx).await,
        Command::Ipsec(cmd) => ipsec::run(cmd, ctx).await,
    }
}

/// A resource group's operations and words.
pub struct Resource {
    /// In words, for messages (`VPN connection`).
    pub name: &'static str,
    /// The path parameter naming one resource (`vpn_connection_id`).
    pub id_param: &'static str,
    pub show: &'static str,
    pub list: &'static str,
    pub delete: &'static str,
}

impl Resource {
    /// An invocation of `op_id` on the resource `id` (show, update, delete).
    pub fn on(&self, op_id: &str, verb: &str, id: &str) -> Result<Invocation, CliError> {
        let mut inv = Invocation::new(invoke::find(op_id)?, format!("{verb} {} {id}", self.name));
        inv.path.push((self.id_param, id.to_string()));
        Ok(inv)
    }

    /// `show ID`.
    pub async fn show(&self, id: &str, ctx: &Context) -> Result<(), CliError> {
        invoke::run(self.on(self.show, "show", id)?, ctx).await
    }

    /// `delete ID [--wait]`: until the show answers 404.
    pub async fn delete(&self, args: DeleteArgs, ctx: &Context) -> Result<(), CliError> {
        let mut inv = self.on(self.delete, "delete", &args.id.id)?;
        inv.wait = self.waiter(inv.op.waiter, &args.wait)?;
        invoke::run(inv, ctx).await
    }

    /// The waiter of `--wait`: the operation's, else its show operation's.
    pub fn waiter(
        &self,
        own: Option<Waiter>,
        wait: &WaitArgs,
    ) -> Result<Option<(Waiter, u64)>, CliError> {
        if !wait.wait {
            return Ok(None);
        }
        let waiter = own
            .or_else(|| invoke::find(self.show).ok().and_then(|show| show.waiter))
            .ok_or_else(|| {
                CliError::usage(format!(
                    "--wait: the {} has no status to wait on",
                    self.name
                ))
            })?;
        Ok(Some((waiter, wait.wait_timeout)))
    }

    /// A create or update body: `--body`, then the flags `fill` sets.
    pub fn body(
        &self,
        inv: &Invocation,
        arg: &BodyArg,
        fill: impl FnOnce(&mut Body) -> Result<(), CliError>,
    ) -> Result<Body, CliError> {
        let mut body = Body::read(arg.body.as_deref(), inv.op)?;
        fill(&mut body)?;
        Ok(body)
    }
}

/// Puts the pre-shared key into a body from `--psk-stdin`, `--psk-file`, or `HCVPN_PSK`
/// (implicitly on creates; on updates only with `--psk-env`).
pub fn add_psk(body: &mut Body, args: &PskArgs, env: Option<bool>) -> Result<(), CliError> {
    let source = SecretSource {
        stdin: args.psk_stdin,
        file: args.psk_file.clone(),
        env: env.unwrap_or(false),
    };
    let use_env = if env.is_some() {
        EnvUse::Explicit
    } else {
        EnvUse::Implicit
    };
    body::add_secret(body, "psk", "psk", &source, use_env)
}

/// `list` with query pairs, and `--all` where the operation pages.
pub fn list(
    resource: &Resource,
    query: Vec<(&'static str, String)>,
    all: bool,
) -> Result<Invocation, CliError> {
    let op = invoke::find(resource.list)?;
    let mut inv = Invocation::new(op, format!("list {}s", resource.name));
    inv.query = query;
    inv.all = all;
    Ok(inv)
}

/// Query pairs from optional flags: `one("vgw_id", args.vgw_id)`.
pub fn one(name: &'static str, value: Option<String>) -> Vec<(&'static str, String)> {
    value.into_iter().map(|v| (name, v)).collect()
}

/// Query pairs of a repeated flag.
pub fn many(name: &'static str, values: Vec<String>) -> Vec<(&'static str, String)> {
    values.into_iter().map(|v| (name, v)).collect()
}
