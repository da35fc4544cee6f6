//! The retry budget: a token bucket that stops retries when many calls fail at once.
//!
//! Why: each call retrying on its own multiplies the load on a service that is already
//! failing (100 concurrent calls with 4 attempts each send 400 requests into an outage). The
//! AWS SDKs' *standard* retry mode bounds this with a per-client bucket of retry tokens, and
//! this is the same scheme with the same default numbers:
//!
//! * the bucket starts full, with [`RetryQuota::capacity`] tokens (500);
//! * a retry after an answer ("throttled", "unavailable") takes [`RetryQuota::retry_cost`]
//!   tokens (5), a retry after a transport failure (timeout, reset, refused connection) takes
//!   [`RetryQuota::timeout_retry_cost`] (10); when the bucket holds fewer, the retry is refused
//!   and the call ends with what it got;
//! * a call that succeeds on its first attempt puts [`RetryQuota::success_refund`] token (1)
//!   back; a call that succeeds after retries gives back the cost of the retry that succeeded
//!   (the tokens of earlier, failed retries stay spent); the bucket never exceeds its capacity.
//!
//! So during an outage at most `capacity / retry_cost` retries (100) go out across every client
//! sharing the bucket, and retries resume as calls succeed again.
//!
//! Sources for the semantics and numbers (facts, not code): the AWS SDKs and Tools reference
//! guide, "Retry behavior" (standard mode: retry quota 500, cost 5, timeout cost 10, success
//! increment 1); smithy-rs `aws-smithy-runtime/src/client/retries/token_bucket.rs`
//! (`DEFAULT_CAPACITY = 500`, `RETRY_COST = 5`, `RETRY_TIMEOUT_COST = RETRY_COST * 2`,
//! `PERMIT_REGENERATION_AMOUNT = 1`); aws-c-io `aws_retry_strategy_new_standard` ("on success
//! [the lease] is released back to the capacity pool; on failure it remains leased; operations
//! that succeed without a retry slowly restore the capacity pool").
//!
//! The bucket is shared: every client built from one [`ClientBuilder`](crate::ClientBuilder)
//! (and its clones) draws from the same [`RetryBudget`], so a program's whole traffic to the
//! service is bounded, not each client's.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// The numbers of a [`RetryBudget`]; the default is the AWS standard mode's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryQuota {
    /// Tokens in a full bucket (and at the start).
    pub capacity: u32,
    /// Tokens a retry after a retryable answer (429, 502, 503, 504, busy codes) takes.
    pub retry_cost: u32,
    /// Tokens a retry after a transport failure (timeout, reset, refused connection) takes.
    pub timeout_retry_cost: u32,
    /// Tokens a call that succeeds on its first attempt gives back.
    pub success_refund: u32,
}

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota {
            capacity: 500,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_refund: 1,
        }
    }
}

/// Why a call wants to retry, which decides the cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetryReason {
    /// A retryable answer.
    Answer,
    /// A transport failure: timeout, reset, refused connection.
    Transport,
}

/// A token bucket of retries shared by clients (see the [module docs](self)).
///
/// ```
/// use huaweicloud_vpn::budget::{RetryBudget, RetryQuota};
/// let budget = RetryBudget::new(RetryQuota { capacity: 20, ..RetryQuota::default() });
/// assert_eq!(budget.available(), 20);
/// assert_eq!(budget.refused(), 0);
/// ```
#[derive(Debug)]
pub struct RetryBudget {
    quota: RetryQuota,
    available: AtomicU32,
    granted: AtomicU64,
    refused: AtomicU64,
    spent: AtomicU64,
    returned: AtomicU64,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget::new(RetryQuota::default())
    }
}

impl RetryBudget {
    /// A full bucket with these numbers.
    pub fn new(quota: RetryQuota) -> Self {
        RetryBudget {
            quota,
            available: AtomicU32::new(quota.capacity),
            granted: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            spent: AtomicU64::new(0),
            returned: AtomicU64::new(0),
        }
    }

    /// The numbers this bucket was made with.
    pub fn quota(&self) -> RetryQuota {
        self.quota
    }

    /// Tokens in the bucket now.
    pub fn available(&self) -> u32 {
        self.available.load(Ordering::Relaxed)
    }

    /// Retries granted so far.
    pub fn granted(&self) -> u64 {
        self.granted.load(Ordering::Relaxed)
    }

    /// Retries refused so far because the bucket held too few tokens.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// Tokens taken by the retries granted so far.
    pub fn spent(&self) -> u64 {
        self.spent.load(Ordering::Relaxed)
    }

    /// Tokens put back so far (refunds and the costs of retries that succeeded), up to the
    /// capacity. `capacity - spent + returned` is always what is [`available`](Self::available).
    pub fn returned(&self) -> u64 {
        self.returned.load(Ordering::Relaxed)
    }

    /// Takes the cost of one retry; `None` (and one more refusal counted) when the bucket
    /// holds fewer tokens. The cost taken is returned, to give back if the retry succeeds.
    pub(crate) fn acquire(&self, reason: RetryReason) -> Option<u32> {
        let cost = match reason {
            RetryReason::Answer => self.quota.retry_cost,
            RetryReason::Transport => self.quota.timeout_retry_cost,
        };
        let taken = self
            .available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                left.checked_sub(cost)
            });
        match taken {
            Ok(_) => {
                self.granted.fetch_add(1, Ordering::Relaxed);
                self.spent.fetch_add(u64::from(cost), Ordering::Relaxed);
                Some(cost)
            }
            Err(_) => {
                self.refused.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// A call succeeded: `held` is the cost of the retry that succeeded (`None` when the first
    /// attempt did), given back in full; a first-attempt success gives back the refund.
    pub(crate) fn succeeded(&self, held: Option<u32>) {
        let back = held.unwrap_or(self.quota.success_refund);
        let capacity = self.quota.capacity;
        if let Ok(before) =
            self.available
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                    Some(left.saturating_add(back).min(capacity))
                })
        {
            let added = before.saturating_add(back).min(capacity) - before;
            self.returned.fetch_add(u64::from(added), Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_refusals_and_refunds() {
        let budget = RetryBudget::new(RetryQuota {
            capacity: 22,
            ..RetryQuota::default()
        });
        assert_eq!(budget.acquire(RetryReason::Transport), Some(10));
        assert_eq!(budget.acquire(RetryReason::Answer), Some(5));
        assert_eq!(budget.acquire(RetryReason::Answer), Some(5));
        assert_eq!(budget.available(), 2);
        assert_eq!(budget.acquire(RetryReason::Answer), None);
        assert_eq!((budget.granted(), budget.refused()), (3, 1));
        // A retry that succeeded gives its cost back; a first-attempt success one token.
        budget.succeeded(Some(5));
        assert_eq!(budget.available(), 7);
        budget.succeeded(None);
        assert_eq!(budget.available(), 8);
        // Never above the capacity.
        for _ in 0..100 {
            budget.succeeded(Some(10));
        }
        assert_eq!(budget.available(), 22);
        assert_eq!(
            u64::from(budget.available()),
            22 - budget.spent() + budget.returned()
        );
    }
}
