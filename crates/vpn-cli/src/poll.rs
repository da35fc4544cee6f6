//! `--wait`: polling a resource through its show operation until it is ready or gone, for any
//! operation with a waiter in the table (`Operation::waiter`: the show operation, the id and
//! status pointers, the ready and failed statuses), on `huaweicloud_vpn::wait::until`.

use std::io::Write;
use std::time::Duration;

use huaweicloud_vpn::operation::{self, Operation, ParamLocation, Waiter};
use huaweicloud_vpn::wait::{self, Probe, WaitError, WaitOptions};
use huaweicloud_vpn::{Error, ErrorExt};
use serde_json::Value;

use crate::context::AnyClient;
use crate::error::CliError;

/// The polling of `--wait --wait-timeout SECS`: the first read at once, then after 1 s,
/// doubling up to 15 s between reads.
fn options(timeout_secs: u64) -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_secs(timeout_secs),
        initial_interval: Duration::from_secs(1),
        max_interval: Duration::from_secs(15),
    }
}

/// Says on stderr what is being waited for (stdout stays the result alone).
fn announce(resource: &str, id: &str, gone: bool, timeout_secs: u64) {
    let target = if gone { "to be deleted" } else { "to be ready" };
    let _ = writeln!(
        std::io::stderr(),
        "waiting up to {timeout_secs}s for {resource} {id} {target}..."
    );
}

/// A failed wait as a CLI error: a failed read keeps its API error (exit 1 with status, code
/// and request id); a failed status and timeouts are wait failures (exit 1).
fn to_cli(error: WaitError) -> CliError {
    match error {
        WaitError::Call {
            resource,
            id,
            error,
        } => CliError::api(format!("--wait: read {resource} {id}"), error),
        WaitError::TimedOut { .. } => CliError::Wait(format!(
            "--wait: {error}; raise --wait-timeout or check later"
        )),
        WaitError::Failed { .. } => CliError::Wait(format!("--wait: {error}")),
    }
}

/// Waits after `op` answered `response`: until gone for a `DELETE`, else until ready. Returns
/// what to print: the last read of the resource, or `null` after a delete.
///
/// The resource's id is the waiter's path parameter of `op` (show, update, delete), else the
/// waiter's id pointer in the answer (create).
pub async fn after(
    client: &AnyClient,
    op: &Operation,
    waiter: &Waiter,
    path: &[(&str, String)],
    response: &Value,
    timeout_secs: u64,
) -> Result<Value, CliError> {
    let from_path = path
        .iter()
        .find(|(name, _)| *name == waiter.id_param)
        .or_else(|| {
            // A delete whose parameter is named differently from the show's: its only one.
            let params: Vec<_> = op
                .params
                .iter()
                .filter(|p| p.location == ParamLocation::Path)
                .collect();
            match params.as_slice() {
                [only] if op.method == "DELETE" => path.iter().find(|(n, _)| *n == only.name),
                _ => None,
            }
        })
        .map(|(_, id)| id.clone());
    let id = match from_path {
        Some(id) => id,
        None => response
            .pointer(waiter.id)
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .ok_or_else(|| {
                CliError::Wait(format!(
                    "the answer has no {}, so --wait cannot follow it",
                    waiter.id.trim_start_matches('/').replace('/', ".")
                ))
            })?,
    };
    let show = operation::find(waiter.show).ok_or_else(|| {
        CliError::Wait(format!(
            "--wait: {} reads the {} back, and this build does not have it",
            op.id, waiter.resource
        ))
    })?;
    if op.method == "DELETE" {
        gone(client, show, waiter, &id, timeout_secs).await?;
        Ok(Value::Null)
    } else {
        ready(client, show, waiter, &id, timeout_secs).await
    }
}

/// The status at the waiter's pointer (none for a waiter with an empty pointer).
fn status_of(waiter: &Waiter, shown: &Value) -> Option<String> {
    if waiter.status.is_empty() {
        return None;
    }
    shown.pointer(waiter.status).and_then(|s| match s {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    })
}

fn is_in(status: &str, set: &[&str]) -> bool {
    set.iter().any(|s| status.eq_ignore_ascii_case(s))
}

/// Until the show answers with a ready status (or at all, for a waiter without a status
/// pointer: a 404 is then "not yet").
pub async fn ready(
    client: &AnyClient,
    show: &Operation,
    waiter: &Waiter,
    id: &str,
    timeout_secs: u64,
) -> Result<Value, CliError> {
    announce(waiter.resource, id, false, timeout_secs);
    let path = [(waiter.id_param, id)];
    wait::until(waiter.resource, id, &options(timeout_secs), || async {
        let read = client.call(show, &path, &[], None).await;
        Ok(match read {
            Err(e) if waiter.status.is_empty() && is_not_found(&e) => Probe::Pending(None),
            Err(e) => return Err(e),
            Ok(shown) if waiter.status.is_empty() => Probe::Done(shown),
            Ok(shown) => match status_of(waiter, &shown) {
                Some(s) if is_in(&s, waiter.ready) => Probe::Done(shown),
                Some(s) if is_in(&s, waiter.failed) => Probe::Failed(s),
                other => Probe::Pending(other),
            },
        })
    })
    .await
    .map_err(to_cli)
}

/// Until the show answers 404. A failed status ends the wait at once.
pub async fn gone(
    client: &AnyClient,
    show: &Operation,
    waiter: &Waiter,
    id: &str,
    timeout_secs: u64,
) -> Result<(), CliError> {
    announce(waiter.resource, id, true, timeout_secs);
    let path = [(waiter.id_param, id)];
    wait::until(waiter.resource, id, &options(timeout_secs), || async {
        match client.call(show, &path, &[], None).await {
            Ok(shown) => Ok(match status_of(waiter, &shown) {
                Some(s) if is_in(&s, waiter.failed) => Probe::Failed(s),
                other => Probe::Pending(other),
            }),
            Err(e) if is_not_found(&e) => Ok(Probe::Done(())),
            Err(e) => Err(e),
        }
    })
    .await
    .map_err(to_cli)
}

/// Whether an API error means "no such resource".
fn is_not_found(error: &Error) -> bool {
    error.http_status() == Some(404)
}
