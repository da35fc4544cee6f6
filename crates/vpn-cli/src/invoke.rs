//! Running one operation of the table: every subcommand, generic (`hcvpn op ...`) or
//! convenience (`hcvpn connection create ...`), ends here as an [`Invocation`], which is sent
//! with `huaweicloud_vpn::dynamic`, followed across pages (`--all`) or waited on (`--wait`),
//! and printed.

use std::path::PathBuf;

use huaweicloud_vpn::operation::{Operation, Waiter};
use serde_json::{Map, Value};

use crate::context::Context;
use crate::error::CliError;
use crate::{answer_secrets, output, poll};

/// One call, ready to send. Its `Debug` names the body's fields, never their values (a body
/// may hold a secret).
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
    /// `--secret-out FILE`: where the answer's secret values go (never the terminal).
    pub secret_out: Option<PathBuf>,
}

impl std::fmt::Debug for Invocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body_fields = |value: &Value| -> Vec<String> {
            let Some(root) = value.as_object() else {
                return Vec::new();
            };
            root.iter()
                .flat_map(|(key, inner)| match inner.as_object() {
                    Some(fields) => fields.keys().map(|k| format!("{key}.{k}")).collect(),
                    None => vec![key.clone()],
                })
                .collect()
        };
        f.debug_struct("Invocation")
            .field("op", &self.op.id)
            .field("action", &self.action)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("body_fields", &self.body.as_ref().map(body_fields))
            .field("wait", &self.wait.as_ref().map(|(w, t)| (w.show, t)))
            .field("all", &self.all)
            .field("secret_out", &self.secret_out)
            .finish()
    }
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
            secret_out: None,
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

/// Sends the invocation and prints what it got, its secrets replaced (and written to the
/// `--secret-out` file, if one was named).
pub async fn run(invocation: Invocation, ctx: &Context) -> Result<(), CliError> {
    let mut result = answer(&invocation, ctx).await?;
    // After a wait the answer is the show operation's.
    let mut pointers: Vec<&str> = invocation.op.response_secrets.to_vec();
    if let Some((waiter, _)) = &invocation.wait
        && let Some(show) = huaweicloud_vpn::operation::find(waiter.show)
    {
        pointers.extend(show.response_secrets);
    }
    let placeholder = match &invocation.secret_out {
        Some(path) => format!("<written to {}>", path.display()),
        None => answer_secrets::REDACTED.to_string(),
    };
    let taken = answer_secrets::take(&mut result, &pointers, &placeholder);
    if let Some(path) = &invocation.secret_out {
        if taken.is_empty() {
            return Err(CliError::usage(format!(
                "--secret-out {}: the answer holds no secret; nothing was written",
                path.display()
            )));
        }
        answer_secrets::write_new(path, &answer_secrets::file_text(&taken))?;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_names_body_fields_without_their_values() {
        let mut inv = Invocation::new(find("CreateVpnConnection").unwrap(), "create");
        inv.body = Some(serde_json::json!({"vpn_connection": {"psk": "Never-Shown-77"}}));
        let shown = format!("{inv:?}");
        assert!(shown.contains("vpn_connection.psk"), "{shown}");
        assert!(!shown.contains("Never-Shown-77"), "{shown}");
    }
}
