//! When and how long to wait before trying a call again.
//!
//! The policy, and why:
//!
//! * **What is retried.** Answers that say "not now": 429 (throttled), 502, 503 and 504 (a
//!   gateway or the service is briefly unavailable), and the VPN service's own "busy" codes,
//!   `VPN.0030` (system busy, try later) and `VPN.0031` (repeated operation), which come as 400s.
//!   Connection failures and timeouts too. Nothing else: a 400 or 404 will not change by asking
//!   again, and a 500 may mean the operation half happened.
//! * **Creates are special.** A `POST` that creates something is retried only when the request
//!   cannot have reached the server (the connection was never established). After a timeout,
//!   a reset or any answer, the resource may exist already, and a second create would make a
//!   duplicate that costs money; the caller decides (list, then retry). Reads, updates and
//!   deletes are idempotent and are retried on every condition above.
//! * **How long.** Exponential backoff (initial delay doubled per attempt) with a cap, and
//!   "equal jitter" (half the delay fixed, half random) so that many clients that failed
//!   together do not come back together, while each still waits a predictable minimum.
//!   `Retry-After` (seconds or an HTTP date) replaces the computed delay when the server sends
//!   one, unless it asks for longer than [`RetryPolicy::max_retry_after`]: then the call
//!   fails at once rather than hang. An overall deadline bounds the whole call.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// How a client retries failed calls. See the [module docs](self) for what is retried.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (`1` disables retries).
    pub max_attempts: u32,
    /// The delay before the second attempt.
    pub initial_backoff: Duration,
    /// No computed delay is longer than this.
    pub max_backoff: Duration,
    /// Whether delays are jittered (half fixed, half random).
    pub jitter: bool,
    /// The longest `Retry-After` that is honoured; a longer one ends the call.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
            jitter: true,
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The computed delay after failed attempt number `attempt` (1-based), before jitter.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// The delay to wait after failed attempt `attempt`, jittered if the policy says so.
    pub(crate) fn delay(&self, attempt: u32) -> Duration {
        let full = self.backoff(attempt);
        if !self.jitter {
            return full;
        }
        let half = full / 2;
        half + half.mul_f64(random_unit())
    }
}

/// A uniformly distributed number in `[0, 1)`, from a small xorshift generator seeded by the
/// clock; enough for spreading retries, not for anything secret.
fn random_unit() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        x = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
            | 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// Reads `Retry-After`: delay-seconds or an HTTP date (relative to `now`).
pub(crate) fn retry_after(
    headers: &reqwest::header::HeaderMap,
    now: SystemTime,
) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Waits between attempts. The default uses tokio's timer; tests substitute one that records
/// the waits instead of sleeping, so that backoff is checked without slow tests.
pub trait Sleeper: Send + Sync + std::fmt::Debug {
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// [`Sleeper`] on tokio's timer.
#[derive(Debug, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The VPN service's error codes that mean "try again later", although they come as 400s.
pub const RETRYABLE_CODES: [&str; 2] = ["VPN.0030", "VPN.0031"];

/// HTTP statuses that mean "try again later".
pub const RETRYABLE_STATUSES: [u16; 4] = [429, 502, 503, 504];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(700),
            jitter: false,
            ..RetryPolicy::default()
        };
        let delays: Vec<u128> = (1..=5).map(|a| policy.delay(a).as_millis()).collect();
        assert_eq!(delays, vec![100, 200, 400, 700, 700]);
    }

    #[test]
    fn jitter_stays_between_half_and_full() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(1000),
            ..RetryPolicy::default()
        };
        for _ in 0..1000 {
            let d = policy.delay(1);
            assert!(
                d >= Duration::from_millis(500) && d <= Duration::from_millis(1000),
                "{d:?}"
            );
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let mut headers = reqwest::header::HeaderMap::new();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert("retry-after", later.parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        headers.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }
}
