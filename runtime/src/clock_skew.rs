//! Clock-skew correction. SigV4 signatures carry the time they were made,
//! and services refuse those more than a few minutes from their own clock
//! (`RequestTimeTooSkewed`, `InvalidSignatureException`: "Signature
//! expired"). A machine whose clock is off would fail every call; as the AWS
//! SDKs do, a refusal of that kind whose response's `Date` header is more
//! than four minutes from the local clock sets the offset from it, the call
//! is retried once at once, and every later request of the configuration is
//! signed with the corrected time.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::timestamp::Timestamp;

/// Error codes a service answers a signature outside its time window with.
const SKEW_CODES: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "RequestInTheFuture",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
];

/// How far the service's clock may be from the signing time before an
/// error of those codes is taken for skew (the services' window is five
/// minutes, S3's fifteen).
const TOLERANCE: Duration = Duration::from_secs(4 * 60);

/// The offset between the local clock and the services', shared by the
/// clients of one configuration.
#[derive(Debug, Default)]
pub struct ClockSkew {
    /// Service time minus local time, in milliseconds.
    offset_ms: AtomicI64,
}

impl ClockSkew {
    /// The time to sign with: the local clock, corrected.
    pub fn now(&self) -> SystemTime {
        shift(SystemTime::now(), self.offset_ms.load(Ordering::Relaxed))
    }

    /// Service time minus local time, in milliseconds (0 until corrected).
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Look at an error response: when its `code` says the signature's time
    /// was refused and its `Date` header is more than four minutes from the
    /// time signed with, the offset is corrected and `true` says to retry.
    pub fn correct(&self, code: Option<&str>, headers: &[(String, String)]) -> bool {
        if !code.is_some_and(|c| SKEW_CODES.contains(&c)) {
            return false;
        }
        let Some(server) = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("date")).and_then(|(_, v)| Timestamp::parse_http_date(v.trim()).ok()) else {
            return false;
        };
        let local = SystemTime::now();
        let server_ms = (server.to_epoch_seconds_f64() * 1000.0) as i64;
        let local_ms = millis(local);
        let signed_ms = local_ms + self.offset_ms();
        if (server_ms - signed_ms).unsigned_abs() <= TOLERANCE.as_millis() as u64 {
            return false;
        }
        let offset = server_ms - local_ms;
        self.offset_ms.store(offset, Ordering::Relaxed);
        tracing::warn!(offset_ms = offset, code, "the service refused the signature's time: correcting the clock skew from its Date header and retrying");
        true
    }
}

fn millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i64,
        Err(e) => -(e.duration().as_millis() as i64),
    }
}

fn shift(t: SystemTime, offset_ms: i64) -> SystemTime {
    if offset_ms >= 0 {
        t + Duration::from_millis(offset_ms as u64)
    } else {
        t - Duration::from_millis(offset_ms.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(offset: i64) -> Vec<(String, String)> {
        let t = shift(SystemTime::now(), offset * 1000);
        let secs = t.duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
        vec![("Date".to_string(), Timestamp::from_epoch_seconds_f64(secs).unwrap().fmt_http_date())]
    }

    #[test]
    fn only_a_time_refusal_with_a_distant_date_corrects() {
        let skew = ClockSkew::default();
        assert!(!skew.correct(Some("RequestTimeTooSkewed"), &date(60)), "within the tolerance");
        assert!(!skew.correct(Some("AccessDenied"), &date(3600)), "not a time refusal");
        assert!(!skew.correct(Some("RequestTimeTooSkewed"), &[]), "no Date");
        assert!(skew.correct(Some("RequestTimeTooSkewed"), &date(3600)));
        assert!((skew.offset_ms() - 3_600_000).abs() < 2_000, "{}", skew.offset_ms());
        let now = skew.now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
        let local = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
        assert!((now - local - 3600).abs() <= 2);
        // Signed with the corrected time now: the same Date is no skew.
        assert!(!skew.correct(Some("InvalidSignatureException"), &date(3600)));
        // Behind, too.
        assert!(skew.correct(Some("InvalidSignatureException"), &date(-900)));
        assert!((skew.offset_ms() + 900_000).abs() < 2_000, "{}", skew.offset_ms());
    }
}
