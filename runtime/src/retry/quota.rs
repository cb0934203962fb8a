//! The retry quota of the standard and adaptive retry modes: a token
//! bucket shared by the clients of one configuration, so that during an
//! outage they stop retrying instead of multiplying the load on the
//! service. The numbers are the AWS SDKs' current ones, as botocore has
//! them (`retries/quota.py`, `RetryQuotaChecker` in `retries/standard.py`;
//! a test compares the two request for request):
//!
//! - the bucket starts with 500 tokens;
//! - a retry takes 5 tokens after a throttling error and 14 after any
//!   other (a server error, a lost connection, a timeout); with too few
//!   left, the call is not retried and ends with the error it got;
//! - a successful response gives back what its call's last retry took, or 1
//!   token when the call needed no retry, up to the 500.
//!
//! So an outage of errors stops retries after about 35 of them, while
//! throttling (the service asking clients to slow down, which backoff
//! already does) may be retried 100 times.

use std::sync::Mutex;

/// Tokens in a full bucket.
pub const CAPACITY: u32 = 500;
/// What a retry after a throttling error takes.
pub const THROTTLING_RETRY_COST: u32 = 5;
/// What a retry after any other error takes.
pub const RETRY_COST: u32 = 14;
/// What a success that needed no retry gives back.
pub const NO_RETRY_INCREMENT: u32 = 1;

/// The shared bucket (see the module's documentation).
#[derive(Debug)]
pub struct RetryQuota {
    available: Mutex<u32>,
}

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota::new()
    }
}

impl RetryQuota {
    /// A full bucket.
    pub fn new() -> Self {
        RetryQuota { available: Mutex::new(CAPACITY) }
    }

    /// The tokens left.
    pub fn available(&self) -> u32 {
        *self.available.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Take the cost of one retry (`throttled`: after a throttling error).
    /// The cost taken, or `None` when too few tokens are left: do not retry.
    pub fn acquire(&self, throttled: bool) -> Option<u32> {
        let cost = if throttled { THROTTLING_RETRY_COST } else { RETRY_COST };
        let mut available = self.available.lock().unwrap_or_else(|e| e.into_inner());
        if *available < cost {
            return None;
        }
        *available -= cost;
        Some(cost)
    }

    /// [`acquire`](Self::acquire), noting the cost in `last_retry_cost`:
    /// whether to retry.
    pub fn take(&self, throttled: bool, last_retry_cost: &mut Option<u32>) -> bool {
        match self.acquire(throttled) {
            Some(cost) => {
                *last_retry_cost = Some(cost);
                true
            }
            None => {
                tracing::warn!("not retrying: the retry quota is spent (too many retries of late; successes refill it)");
                false
            }
        }
    }

    /// A call succeeded: give back what its last retry took
    /// (`last_retry_cost`), or [`NO_RETRY_INCREMENT`] when it took none.
    pub fn release(&self, last_retry_cost: Option<u32>) {
        let mut available = self.available.lock().unwrap_or_else(|e| e.into_inner());
        *available = (*available + last_retry_cost.unwrap_or(NO_RETRY_INCREMENT)).min(CAPACITY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_drain_the_bucket_and_successes_refill_it() {
        let q = RetryQuota::new();
        for _ in 0..35 {
            assert_eq!(q.acquire(false), Some(14));
        }
        assert_eq!((q.available(), q.acquire(false)), (10, None));
        assert_eq!(q.acquire(true), Some(5));
        assert_eq!(q.acquire(true), Some(5));
        assert_eq!((q.available(), q.acquire(true)), (0, None));
        q.release(None);
        q.release(None);
        assert_eq!(q.available(), 2);
        q.release(Some(14));
        assert_eq!(q.acquire(false), Some(14));
        assert_eq!(q.available(), 2);
        // Never above the capacity.
        let q = RetryQuota::new();
        q.release(Some(14));
        assert_eq!(q.available(), CAPACITY);
    }
}
