//! When to retry and how long to wait.
//!
//! The rule, for every operation:
//! - throttling errors (HTTP 429 or a throttling error code), `503` and
//!   errors the model marks `@retryable` are retried: the service refused the
//!   request without acting on it;
//! - a connection that could not be made is retried: nothing was sent;
//! - other `5xx` errors, and a connection lost or timed out after the request
//!   was sent, are retried only when a repeat is harmless: the operation is
//!   `@idempotent` or `@readonly`, an `@idempotencyToken` protects it (the
//!   token stays the same across attempts), or it is sent as GET or HEAD
//!   (safe methods by HTTP's definition; the generated client decides);
//! - nothing else is retried.
//!
//! Waits grow exponentially from the initial backoff up to the maximum, with
//! full jitter (a uniformly random wait between zero and the backoff).

pub mod adaptive;
pub mod quota;

use std::time::Duration;

use crate::config::RetryConfig;
use crate::error::{TimeoutKind, TransportErrorKind};
use crate::transport::SendError;

/// What the client knows about an operation when deciding on a retry.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// A repeat is harmless (idempotent, read-only or token-protected).
    pub repeat_safe: bool,
    /// Error codes the model marks `@retryable`.
    pub retryable_codes: &'static [&'static str],
}

impl RetryPolicy {
    /// `repeat_safe` and the `@retryable` codes.
    pub const fn new(repeat_safe: bool, retryable_codes: &'static [&'static str]) -> Self {
        RetryPolicy { repeat_safe, retryable_codes }
    }
}

/// Error codes AWS services use for throttling.
const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Whether an error response is a throttling error (HTTP 429 or a
/// throttling code).
pub fn is_throttling(status: u16, code: Option<&str>) -> bool {
    status == 429 || code.is_some_and(|c| THROTTLING.contains(&c))
}

/// Whether an error response may be retried.
pub fn retry_response(status: u16, code: Option<&str>, policy: &RetryPolicy) -> bool {
    response_reason(status, code, policy).is_some()
}

/// Why an error response is retried (`None`: it is not).
pub fn response_reason(status: u16, code: Option<&str>, policy: &RetryPolicy) -> Option<&'static str> {
    if is_throttling(status, code) {
        Some("throttling")
    } else if code.is_some_and(|c| policy.retryable_codes.contains(&c)) {
        Some("an error the model marks @retryable")
    } else if status == 503 {
        Some("HTTP 503: the service refused the request")
    } else if status >= 500 && policy.repeat_safe {
        Some("a server error, and the operation is safe to repeat")
    } else {
        None
    }
}

/// Whether a request that got no response may be retried.
pub fn retry_send_error(error: &SendError, policy: &RetryPolicy) -> bool {
    send_error_reason(error, policy).is_some()
}

/// Why a request that got no response is retried (`None`: it is not).
pub fn send_error_reason(error: &SendError, policy: &RetryPolicy) -> Option<&'static str> {
    match error {
        SendError::Transport(t) => match t.kind {
            TransportErrorKind::Connect => Some("the connection could not be made (nothing was sent)"),
            TransportErrorKind::Io if policy.repeat_safe => Some("the connection failed, and the operation is safe to repeat"),
            _ => None,
        },
        SendError::Timeout(t) if t.kind == TimeoutKind::Connect => Some("connecting timed out (nothing was sent)"),
        SendError::Timeout(_) if policy.repeat_safe => Some("a timeout, and the operation is safe to repeat"),
        SendError::Timeout(_) => None,
    }
}

/// The wait before retry number `retry` (1 for the first retry).
pub fn backoff(config: &RetryConfig, retry: u32) -> Duration {
    let exp = config.initial_backoff.saturating_mul(1u32 << retry.saturating_sub(1).min(20));
    let cap = exp.min(config.max_backoff);
    cap.mul_f64(unit_random())
}

/// A random number in [0, 1) for jitter.
fn unit_random() -> f64 {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 8];
    if ring::rand::SystemRandom::new().fill(&mut bytes).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAFE: RetryPolicy = RetryPolicy { repeat_safe: true, retryable_codes: &["ConcurrentModification"] };
    const UNSAFE: RetryPolicy = RetryPolicy { repeat_safe: false, retryable_codes: &[] };

    #[test]
    fn throttling_and_503_always_retry() {
        assert!(retry_response(400, Some("ThrottlingException"), &UNSAFE));
        assert!(retry_response(429, None, &UNSAFE));
        assert!(retry_response(503, None, &UNSAFE));
        assert!(retry_response(400, Some("ConcurrentModification"), &SAFE));
    }

    #[test]
    fn other_5xx_only_when_repeat_is_safe() {
        assert!(!retry_response(500, Some("InternalFailure"), &UNSAFE));
        assert!(retry_response(500, Some("InternalFailure"), &SAFE));
        assert!(!retry_response(400, Some("ValidationException"), &SAFE));
    }

    #[test]
    fn backoff_is_bounded() {
        let c = RetryConfig { max_attempts: 10, initial_backoff: Duration::from_millis(100), max_backoff: Duration::from_secs(1) };
        for retry in 1..40 {
            assert!(backoff(&c, retry) <= Duration::from_secs(1));
        }
        assert!(backoff(&c, 1) <= Duration::from_millis(100));
    }
}
