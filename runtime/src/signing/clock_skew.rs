//! Clock-skew correction. SigV4 signatures carry the time they were made,
//! and services refuse those more than a few minutes from their own clock
//! (`RequestTimeTooSkewed`, `InvalidSignatureException`: "Signature
//! expired"). A machine whose clock is off would fail every call; as the AWS
//! SDKs do, a refusal of that kind whose response's `Date` header is more
//! than four minutes from the time signed with sets the offset from it, the
//! call is retried once at once, and every later request of the
//! configuration is signed with the corrected time. The offset is not
//! bounded (a machine whose clock reset to 1970 is the case it is for), but
//! a `Date` before 2020 or after 2200 is not believed.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::types::timestamp::Timestamp;

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

    /// Look at an error response to a request signed with the offset
    /// `signed_offset_ms`: when its `code` says the signature's time was
    /// refused and its `Date` header is more than four minutes from the
    /// time signed with, the offset is corrected (unless another call
    /// already has) and `true` says to retry. A `Date` before 2020 or after
    /// 2200 is not believed.
    pub fn correct(&self, code: Option<&str>, headers: &[(String, String)], signed_offset_ms: i64) -> bool {
        if !code.is_some_and(|c| SKEW_CODES.contains(&c)) {
            return false;
        }
        let Some(server) = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("date")).and_then(|(_, v)| Timestamp::parse_http_date(v.trim()).ok()) else {
            return false;
        };
        let server_ms = server.to_epoch_seconds_f64() * 1000.0;
        if !(EARLIEST_MS..LATEST_MS).contains(&server_ms) {
            return false;
        }
        let server_ms = server_ms as i64;
        let local_ms = millis(SystemTime::now());
        let far = |offset: i64| server_ms.saturating_sub(local_ms.saturating_add(offset)).unsigned_abs() > TOLERANCE.as_millis() as u64;
        if !far(signed_offset_ms) {
            // The time signed with agreed with the service's: not skew.
            return false;
        }
        let current = self.offset_ms();
        if current != signed_offset_ms && !far(current) {
            // Another call has corrected it since this one was signed.
            return true;
        }
        let offset = server_ms.saturating_sub(local_ms);
        self.offset_ms.store(offset, Ordering::Relaxed);
        tracing::warn!(offset_ms = offset, code, "the service refused the signature's time: correcting the clock skew from its Date header and retrying");
        true
    }
}

/// The range of service `Date`s believed: 2020-01-01 to 2200-01-01.
const EARLIEST_MS: f64 = 1_577_836_800_000.0;
const LATEST_MS: f64 = 7_258_118_400_000.0;

fn millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i64,
        Err(e) => -(e.duration().as_millis() as i64),
    }
}

/// `t` moved by the offset (unmoved if that leaves what `SystemTime` holds).
fn shift(t: SystemTime, offset_ms: i64) -> SystemTime {
    let by = Duration::from_millis(offset_ms.unsigned_abs());
    let moved = if offset_ms >= 0 { t.checked_add(by) } else { t.checked_sub(by) };
    moved.unwrap_or(t)
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
        assert!(!skew.correct(Some("RequestTimeTooSkewed"), &date(60), 0), "within the tolerance");
        assert!(!skew.correct(Some("AccessDenied"), &date(3600), 0), "not a time refusal");
        assert!(!skew.correct(Some("RequestTimeTooSkewed"), &[], 0), "no Date");
        assert!(skew.correct(Some("RequestTimeTooSkewed"), &date(3600), 0));
        assert!((skew.offset_ms() - 3_600_000).abs() < 2_000, "{}", skew.offset_ms());
        let now = skew.now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
        let local = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
        assert!((now - local - 3600).abs() <= 2);
        // Signed with the corrected time now: the same Date is no skew.
        assert!(!skew.correct(Some("InvalidSignatureException"), &date(3600), skew.offset_ms()));
        // A call signed before the correction is retried, the offset kept.
        let corrected = skew.offset_ms();
        assert!(skew.correct(Some("InvalidSignatureException"), &date(3600), 0));
        assert_eq!(skew.offset_ms(), corrected);
        // Behind, too.
        assert!(skew.correct(Some("InvalidSignatureException"), &date(-900), corrected));
        assert!((skew.offset_ms() + 900_000).abs() < 2_000, "{}", skew.offset_ms());
    }

    #[test]
    fn absurd_dates_are_not_believed() {
        let skew = ClockSkew::default();
        for d in ["Mon, 01 Jan 1900 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"] {
            let h = vec![("date".to_string(), d.to_string())];
            assert!(!skew.correct(Some("SignatureDoesNotMatch"), &h, 0), "{d}");
        }
        assert_eq!(skew.offset_ms(), 0);
        // Extreme offsets never panic the clock.
        let _ = shift(UNIX_EPOCH, i64::MIN);
        let _ = shift(SystemTime::now(), i64::MAX);
    }
}
