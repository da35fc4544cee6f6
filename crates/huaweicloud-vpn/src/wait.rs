//! Waiting until a resource reaches a status, or is gone.
//!
//! Creates answer at once with a resource in `PENDING_CREATE`; the service finishes the work in
//! the background. A waiter reads the resource back until it reaches the wanted status, with a
//! backoff between reads (the interval doubles from [`WaitOptions::initial_interval`] up to
//! [`WaitOptions::max_interval`]) and an overall [`WaitOptions::timeout`]. It fails at once when
//! the resource lands in `ERROR`, and a read that fails is an error too (the client has already
//! retried what can be retried).
//!
//! ```no_run
//! use huaweicloud_vpn::wait::{self, WaitOptions};
//! # async fn example(client: &huaweicloud_vpn::vpn_v5::Client, id: &str) -> Result<(), wait::WaitError> {
//! let connection = wait::vpn_connection_provisioned(client, id, &WaitOptions::default()).await?;
//! println!("{:?}", connection.status);
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

use crate::{Error, ErrorExt};

/// How long and how often to poll.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitOptions {
    /// Give up after this long.
    pub timeout: Duration,
    /// The first interval between reads.
    pub initial_interval: Duration,
    /// The longest interval between reads.
    pub max_interval: Duration,
}

impl Default for WaitOptions {
    /// Ten minutes, polling after 2 s, then 4 s, 8 s, at most every 15 s: a gateway can take
    /// several minutes, a connection or monitor usually seconds.
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(600),
            initial_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(15),
        }
    }
}

/// Why a wait ended without the wanted state.
#[derive(Debug)]
pub enum WaitError {
    /// The resource is in `ERROR` (or another failed state).
    Failed {
        /// The resource in words (`VPN connection`).
        resource: &'static str,
        /// Its id.
        id: String,
        /// The failed status it reached.
        status: String,
    },
    /// The timeout passed first.
    TimedOut {
        /// The resource in words (`VPN connection`).
        resource: &'static str,
        /// Its id.
        id: String,
        /// The last status read, if any read succeeded.
        last_status: Option<String>,
        /// How long the wait lasted.
        waited: Duration,
    },
    /// Reading the resource failed.
    Call {
        /// The resource in words (`VPN connection`).
        resource: &'static str,
        /// Its id.
        id: String,
        /// The call's error.
        error: Error,
    },
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failed {
                resource,
                id,
                status,
            } => write!(f, "{resource} {id} is in status {status}"),
            WaitError::TimedOut {
                resource,
                id,
                last_status,
                waited,
            } => write!(
                f,
                "{resource} {id} did not get there within {}s (last status: {})",
                waited.as_secs(),
                last_status.as_deref().unwrap_or("unknown")
            ),
            WaitError::Call {
                resource,
                id,
                error,
            } => write!(f, "reading {resource} {id} failed: {error}"),
        }
    }
}

impl std::error::Error for WaitError {}

/// What one read found.
pub enum Probe<T> {
    /// The wait is over.
    Done(T),
    /// Not yet; the current status, if any.
    Pending(Option<String>),
    /// The resource failed; its status.
    Failed(String),
}

/// Polls `probe` until it says done or failed, or the timeout passes.
pub async fn until<T, F, Fut>(
    resource: &'static str,
    id: &str,
    options: &WaitOptions,
    mut probe: F,
) -> Result<T, WaitError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Probe<T>, Error>>,
{
    let started = Instant::now();
    let mut interval = options.initial_interval;
    loop {
        let last_status = match probe().await {
            Ok(Probe::Done(value)) => return Ok(value),
            Ok(Probe::Failed(status)) => {
                return Err(WaitError::Failed {
                    resource,
                    id: id.to_string(),
                    status,
                });
            }
            Ok(Probe::Pending(status)) => status,
            Err(error) => {
                return Err(WaitError::Call {
                    resource,
                    id: id.to_string(),
                    error,
                });
            }
        };
        let waited = started.elapsed();
        if waited + interval > options.timeout {
            return Err(WaitError::TimedOut {
                resource,
                id: id.to_string(),
                last_status,
                waited,
            });
        }
        tracing::debug!(
            resource,
            id,
            status = last_status.as_deref(),
            interval_ms = interval.as_millis() as u64,
            "waiting"
        );
        tokio::time::sleep(interval).await;
        interval = (interval * 2).min(options.max_interval);
    }
}

fn is_not_found(error: &Error) -> bool {
    error.http_status() == Some(404)
}

/// Polls `read` until the resource's status is one of `done`; a status in `failed` ends the
/// wait at once. The generated waiters call it with their resource's show operation.
pub async fn ready<T, F, Fut>(
    resource: &'static str,
    id: &str,
    options: &WaitOptions,
    done: &[&str],
    failed: &[&str],
    status_of: impl Fn(&T) -> Option<String>,
    mut read: F,
) -> Result<T, WaitError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    until(resource, id, options, || {
        let read = read();
        let status_of = &status_of;
        async move {
            let item = read.await?;
            Ok(match status_of(&item) {
                Some(status) if done.contains(&status.as_str()) => Probe::Done(item),
                Some(status) if failed.contains(&status.as_str()) => Probe::Failed(status),
                status => Probe::Pending(status),
            })
        }
    })
    .await
}

/// Polls `read` until it answers 404. The generated waiters call it with their resource's show
/// operation.
pub async fn gone<T, F, Fut>(
    resource: &'static str,
    id: &str,
    options: &WaitOptions,
    status_of: impl Fn(&T) -> Option<String>,
    mut read: F,
) -> Result<(), WaitError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    until(resource, id, options, || {
        let read = read();
        let status_of = &status_of;
        async move {
            match read.await {
                Ok(item) => Ok(Probe::Pending(status_of(&item))),
                Err(error) if is_not_found(&error) => Ok(Probe::Done(())),
                Err(error) => Err(error),
            }
        }
    })
    .await
}

// The per-resource waiters are generated from each show operation's `x-waiter`
// (`vpn_v5::waiters`, `ipsec_v2::waiters`); these are the names the crate has always had.

/// Until a connection monitor is `ACTIVE`. `ERROR` fails at once.
#[cfg(feature = "s2c")]
pub use crate::vpn_v5::waiters::connection_monitor_ready as connection_monitor_active;
/// Until a VPN connection is provisioned: `ACTIVE`, or `DOWN` (provisioned, tunnel not up —
/// what a connection shows until the customer side answers). `ERROR` fails at once.
#[cfg(feature = "s2c")]
pub use crate::vpn_v5::waiters::vpn_connection_ready as vpn_connection_provisioned;
/// Until a VPN gateway is `ACTIVE` (it can take minutes). `FAULT` fails at once.
#[cfg(feature = "s2c")]
pub use crate::vpn_v5::waiters::vpn_gateway_ready as vpn_gateway_active;
#[cfg(feature = "s2c")]
pub use crate::vpn_v5::waiters::{connection_monitor_gone, vpn_connection_gone, vpn_gateway_gone};
