//! Running one operation of the table: every subcommand, generic (`hcvpn op ...`) or
//! convenience (`hcvpn connection create ...`), ends here as an [`Invocation`], which is sent
//! with `huaweicloud_vpn::dynamic`, followed across pages (`--all`) or waited on (`--wait`),
//! and printed.

use huaweicloud_vpn::operation::{Operation, Waiter};
use serde_json::{Map, Value};

use crate::context::Context;
use crate::error::CliError;
use crate::{output, poll};

/// One call, ready to send.
#[derive(Debug)]
pub struct Invocation {
    pub op: &'static Operation,
    /// What is being done, for error messages (`show VPN connection abc`).
    pub action: String,
    /// Path parameters by wire name.
    pub path: Vec<(&'static str, String)>,
    /// Query pairs; a list parameter repeats its name.
    pub query: Vec<(&'static str, String)>,
    /// The checked request body (`Body::finish`), if the operation takes one.
    pub body: Option<Value>,
    /// `--wait`: how (the operation's waiter, or one a convenience command supplies) and how
    /// long, in seconds.
    pub wait: Option<(Waiter, u64)>,
    /// `--all`: follow the pages (`op.pagination`).
    pub all: bool,
}

impl Invocation {
    /// An invocation with nothing set but the operation and the action's words.
    pub fn new(op: &'static Operation, action: impl Into<String>) -> Self {
        Invocation {
            op,
            action: action.into(),
            path: Vec::new(),
            query: Vec::new(),
            body: None,
            wait: None,
            all: false,
        }
    }

    /// The default action words: the operation id and its path parameters' values.
    pub fn default_action(op: &Operation, path: &[(&'static str, String)]) -> String {
        let mut action = op.id.to_string();
        for (_, value) in path {
            action.push(' ');
            action.push_str(value);
        }
        action
    }
}

/// The operation with this id, or a usage error naming it.
pub fn find(id: &str) -> Result<&'static Operation, CliError> {
    huaweicloud_vpn::operation::find(id)
        .ok_or_else(|| CliError::usage(format!("this build of hcvpn has no operation {id}")))
}

/// Sends the invocation and prints what it got.
pub async fn run(invocation: Invocation, ctx: &Context) -> Result<(), CliError> {
    let result = answer(&invocation, ctx).await?;
    output::print(ctx.output(), &result)
}

/// Sends the invocation; the answer to print.
async fn answer(inv: &Invocation, ctx: &Context) -> Result<Value, CliError> {
    let client = ctx.client_for(inv.op)?;
    let path: Vec<(&str, &str)> = inv.path.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let query: Vec<(&str, &str)> = inv.query.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let fail = |e| CliError::api(inv.action.clone(), e);
    if inv.all
        && let Some(pages) = &inv.op.pagination
    {
        let items = client
            .all_items(inv.op, &path, &query)
            .await
            .map_err(fail)?;
        let mut all = Map::new();
        all.insert("total_count".into(), Value::from(items.len()));
        all.insert(pages.items.into(), Value::Array(items));
        return Ok(Value::Object(all));
    }
    let response = client
        .call(inv.op, &path, &query, inv.body.as_ref())
        .await
        .map_err(fail)?;
    match &inv.wait {
        None => Ok(response),
        Some((waiter, timeout)) => {
            poll::after(&client, inv.op, waiter, &inv.path, &response, *timeout).await
        }
    }
}
