//! `--wait`, on `huaweicloud_vpn::wait`: the library's waiters where it has one for the
//! resource, and its generic [`wait::until`] with the probes below where it has not yet.

use std::io::Write;
use std::time::Duration;

use huaweicloud_vpn::wait::{self, Probe, WaitError, WaitOptions};
use huaweicloud_vpn::{Error, ErrorExt};

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

/// What `--wait` waits for, for the line on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// ACTIVE (or provisioned, for connections: see the library's waiters).
    Ready,
    Gone,
}

/// Says on stderr what is being waited for (stdout stays the result alone), and returns the
/// polling options of that wait, for one of the library's waiters.
pub fn announce(what: &str, goal: Goal, timeout_secs: u64) -> WaitOptions {
    let target = match goal {
        Goal::Ready => "to be ready",
        Goal::Gone => "to be deleted",
    };
    let _ = writeln!(
        std::io::stderr(),
        "waiting up to {timeout_secs}s for {what} {target}..."
    );
    options(timeout_secs)
}

/// A failed wait as a CLI error: a failed read keeps its API error (exit 1 with status, code
/// and request id); ERROR and timeouts are wait failures (exit 1).
pub fn to_cli(error: WaitError) -> CliError {
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

/// Whether an API error means "no such resource".
pub fn is_not_found(error: &Error) -> bool {
    error.http_status() == Some(404)
}

/// The probe of a resource with `status`: done when it is one of `done`, failed when it is
/// one of `failed`, pending otherwise.
pub fn status_probe<T>(
    status: Option<String>,
    value: T,
    done: &[&str],
    failed: &[&str],
) -> Probe<T> {
    let is = |s: &str, set: &[&str]| set.iter().any(|d| s.eq_ignore_ascii_case(d));
    match status {
        Some(s) if is(&s, done) => Probe::Done(value),
        Some(s) if is(&s, failed) => Probe::Failed(s),
        other => Probe::Pending(other),
    }
}

/// The probe of a delete: done at 404, failed at one of `failed`, pending otherwise.
// The client's error is large (clippy's result_large_err); `wait::until` dictates the type.
#[allow(clippy::result_large_err)]
pub fn gone_probe(
    read: Result<Option<String>, Error>,
    failed: &[&str],
) -> Result<Probe<()>, Error> {
    match read {
        Ok(Some(s)) if failed.iter().any(|f| s.eq_ignore_ascii_case(f)) => Ok(Probe::Failed(s)),
        Ok(status) => Ok(Probe::Pending(status)),
        Err(e) if is_not_found(&e) => Ok(Probe::Done(())),
        Err(e) => Err(e),
    }
}

/// Announces the wait, then runs [`wait::until`] for `resource` `id`.
pub async fn until<T, F, Fut>(
    resource: &'static str,
    id: &str,
    goal: Goal,
    timeout_secs: u64,
    probe: F,
) -> Result<T, CliError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Probe<T>, Error>>,
{
    let options = announce(&format!("{resource} {id}"), goal, timeout_secs);
    wait::until(resource, id, &options, probe)
        .await
        .map_err(to_cli)
}
