//! The Smithy `timestamp` type and its wire formats.
//!
//! [`Timestamp`] is an instant in time, stored as whole seconds since the Unix
//! epoch (1970-01-01T00:00:00Z, negative before it) plus a nanosecond offset
//! (always `0..1_000_000_000`, always *added* to the seconds, so
//! `-1.5` seconds is stored as `secs = -2, nanos = 500_000_000`). Leap seconds
//! are not counted, exactly as in POSIX time.
//!
//! Smithy defines three serialization formats (the `timestampFormat` trait),
//! each with a formatter and a parser here:
//!
//! | Smithy format   | Format with                        | Parse with                           |
//! |-----------------|------------------------------------|--------------------------------------|
//! | `date-time`     | [`Timestamp::fmt_date_time`]       | [`Timestamp::parse_date_time`]       |
//! | `http-date`     | [`Timestamp::fmt_http_date`]       | [`Timestamp::parse_http_date`]       |
//! | `epoch-seconds` | [`Timestamp::fmt_epoch_seconds`]   | [`Timestamp::parse_epoch_seconds`]   |
//!
//! Parsers never panic, whatever the input; they return a [`TimestampError`]
//! naming the format, the (truncated) input and the reason.
//!
//! # serde
//!
//! `Timestamp` itself serializes as a number of epoch seconds (an integer when
//! there is no fractional part, a float otherwise) and deserializes from any
//! number, which is the default for the AWS JSON protocols. For members with a
//! `timestampFormat` trait use the helper modules with `#[serde(with = "...")]`:
//! [`date_time`], [`http_date`] and [`epoch_seconds`] for `Timestamp` fields,
//! and [`date_time_opt`], [`http_date_opt`] and [`epoch_seconds_opt`] for
//! `Option<Timestamp>` fields (combine those with
//! `#[serde(default, skip_serializing_if = "Option::is_none")]`).

use std::fmt::{self, Write as _};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

/// Nanoseconds in one second.
const NANOS_PER_SEC: u32 = 1_000_000_000;
/// Seconds in one day (leap seconds are not counted).
const SECS_PER_DAY: i64 = 86_400;
/// How many characters of an offending input a [`TimestampError`] keeps.
const MAX_ERROR_INPUT_CHARS: usize = 64;

/// Abbreviated day names, starting with Sunday (IMF-fixdate and asctime).
const SHORT_DAY_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
/// Full day names, starting with Sunday (RFC 850 dates).
const LONG_DAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
/// Abbreviated month names, January first.
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An instant in time with nanosecond precision: seconds since the Unix epoch
/// plus a sub-second offset in nanoseconds.
///
/// The full `i64` range of seconds is representable; formatting never fails or
/// panics, although years outside `0000..=9999` cannot be expressed in the
/// Smithy text formats (see [`Timestamp::fmt_date_time`]).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Whole seconds since 1970-01-01T00:00:00Z (floor of the instant).
    secs: i64,
    /// Nanoseconds added to `secs`; always below one billion.
    nanos: u32,
}

impl Timestamp {
    /// The latest representable instant, used when saturating.
    const MAX: Timestamp = Timestamp {
        secs: i64::MAX,
        nanos: NANOS_PER_SEC - 1,
    };
    /// The earliest representable instant, used when saturating.
    const MIN: Timestamp = Timestamp {
        secs: i64::MIN,
        nanos: 0,
    };

    /// Creates a timestamp from whole seconds since the Unix epoch.
    pub const fn from_secs(secs: i64) -> Self {
        Timestamp { secs, nanos: 0 }
    }

    /// Creates a timestamp from whole seconds since the Unix epoch plus a
    /// nanosecond offset that is added to them (so `(-2, 500_000_000)` is
    /// 1.5 seconds before the epoch).
    ///
    /// Returns `None` if `nanos` is one billion or more.
    pub const fn from_secs_and_nanos(secs: i64, nanos: u32) -> Option<Self> {
        if nanos < NANOS_PER_SEC {
            Some(Timestamp { secs, nanos })
        } else {
            None
        }
    }

    /// Creates a timestamp from milliseconds since the Unix epoch (negative
    /// before it).
    pub const fn from_millis(millis: i64) -> Self {
        let secs = millis.div_euclid(1000);
        // rem_euclid is in 0..1000, so the product is below one billion.
        let nanos = millis.rem_euclid(1000) as u32 * 1_000_000;
        Timestamp { secs, nanos }
    }

    /// Creates a timestamp from a (possibly fractional) number of seconds since
    /// the Unix epoch, rounding to the nearest nanosecond.
    ///
    /// Returns `None` for NaN, infinities and values whose whole seconds do
    /// not fit in an `i64`. Note that an `f64` only has about 15–16
    /// significant decimal digits, so present-day values are only precise to
    /// roughly a microsecond; use [`Timestamp::parse_epoch_seconds`] on the
    /// textual number when exactness matters.
    pub fn from_epoch_seconds_f64(value: f64) -> Option<Self> {
        if !value.is_finite() {
            return None;
        }
        // The shortest decimal that reads back as this f64 is the number the
        // sender wrote (whenever it had at most 15 significant digits), so
        // `946845296.123` is .123 exactly, not the f64's .12299990654.
        let text = value.to_string();
        if text.split_once('.').is_none_or(|(_, fraction)| fraction.len() <= 9) {
            if let Ok(exact) = Self::parse_epoch_seconds(&text) {
                return Some(exact);
            }
        }
        let floor = value.floor();
        // -2^63 is exactly representable and valid; 2^63 is the first value
        // that is out of range.
        const LOWER: f64 = -9_223_372_036_854_775_808.0;
        const UPPER: f64 = 9_223_372_036_854_775_808.0;
        if !(LOWER..UPPER).contains(&floor) {
            return None;
        }
        // In range, so the conversion is exact (floor is an integer).
        let secs = floor as i64;
        let nanos = ((value - floor) * f64::from(NANOS_PER_SEC)).round();
        // The fraction is in [0, 1), so nanos is in [0, 1e9].
        if nanos >= f64::from(NANOS_PER_SEC) {
            Some(Timestamp {
                secs: secs.checked_add(1)?,
                nanos: 0,
            })
        } else if nanos > 0.0 {
            Some(Timestamp {
                secs,
                nanos: nanos as u32,
            })
        } else {
            Some(Timestamp { secs, nanos: 0 })
        }
    }

    /// The current time, from the system clock.
    pub fn now() -> Self {
        Timestamp::from(SystemTime::now())
    }

    /// Whole seconds since the Unix epoch: the floor of the instant, so
    /// 1.5 seconds before the epoch gives `-2`.
    pub const fn secs(&self) -> i64 {
        self.secs
    }

    /// Nanoseconds to add to [`Timestamp::secs`]; always below one billion.
    pub const fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Seconds since the Unix epoch as an `f64` (lossy for large values and
    /// for nanosecond precision).
    pub fn to_epoch_seconds_f64(&self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / f64::from(NANOS_PER_SEC)
    }

    /// Formats as a Smithy `date-time` (RFC 3339 `date-time` in UTC), such as
    /// `1985-04-12T23:20:50.52Z`.
    ///
    /// Fractional seconds are written only when the timestamp has a
    /// sub-second part, with up to nine digits and trailing zeros removed.
    /// Years outside `0000..=9999`, which RFC 3339 cannot express, are written
    /// in the ISO 8601 expanded form (`+10000-01-01T00:00:00Z`,
    /// `-0001-12-31T00:00:00Z`); [`Timestamp::parse_date_time`] rejects those.
    pub fn fmt_date_time(&self) -> String {
        let civil = Civil::from_secs(self.secs);
        let mut out = String::with_capacity(32);
        push_year(&mut out, civil.year);
        out.push('-');
        push_two_digits(&mut out, civil.month);
        out.push('-');
        push_two_digits(&mut out, civil.day);
        out.push('T');
        push_time_of_day(&mut out, &civil);
        if self.nanos != 0 {
            out.push('.');
            out.push_str(&fraction_digits(self.nanos));
        }
        out.push('Z');
        out
    }

    /// [`fmt_date_time`](Self::fmt_date_time) for the wire: a year outside
    /// `0000..=9999`, which RFC 3339 cannot express, is an error instead of
    /// an expanded-form string no service reads.
    pub fn try_fmt_date_time(&self) -> Result<String, TimestampError> {
        self.check_wire_year("date-time")?;
        Ok(self.fmt_date_time())
    }

    /// [`fmt_http_date`](Self::fmt_http_date) for the wire: a year outside
    /// `0000..=9999` is an error.
    pub fn try_fmt_http_date(&self) -> Result<String, TimestampError> {
        self.check_wire_year("http-date")?;
        Ok(self.fmt_http_date())
    }

    fn check_wire_year(&self, format: &'static str) -> Result<(), TimestampError> {
        if (0..=9999).contains(&Civil::from_secs(self.secs).year) {
            Ok(())
        } else {
            Err(TimestampError::convert(format, &self.fmt_date_time(), "the year is outside 0000-9999, which the format cannot express"))
        }
    }

    /// Formats as a Smithy `http-date`: the IMF-fixdate form of RFC 7231
    /// section 7.1.1.1, such as `Tue, 29 Apr 2014 18:30:38 GMT`.
    ///
    /// IMF-fixdate has no fractional seconds, so the sub-second part is
    /// dropped (truncated towards the past). Years outside `0000..=9999` are
    /// written as in [`Timestamp::fmt_date_time`] (`+10000`, `-0001`), which
    /// no HTTP-date parser accepts.
    pub fn fmt_http_date(&self) -> String {
        let days = self.secs.div_euclid(SECS_PER_DAY);
        let civil = Civil::from_secs(self.secs);
        let mut out = String::with_capacity(29);
        out.push_str(short_day_name(days));
        out.push_str(", ");
        push_two_digits(&mut out, civil.day);
        out.push(' ');
        out.push_str(month_name(civil.month));
        out.push(' ');
        push_year(&mut out, civil.year);
        out.push(' ');
        push_time_of_day(&mut out, &civil);
        out.push_str(" GMT");
        out
    }

    /// Formats as a Smithy `epoch-seconds` number: an integer when there is no
    /// sub-second part (`1515531081`), otherwise a decimal carrying the exact
    /// nanoseconds with trailing zeros removed (`1515531081.1234`,
    /// `-1.5`). The output never uses exponent notation and
    /// [`Timestamp::parse_epoch_seconds`] reads it back exactly.
    pub fn fmt_epoch_seconds(&self) -> String {
        if self.nanos == 0 {
            self.secs.to_string()
        } else if self.secs >= 0 {
            format!("{}.{}", self.secs, fraction_digits(self.nanos))
        } else {
            // The value is secs + nanos / 1e9 with secs < 0, which is
            // -(|secs + 1| + (1e9 - nanos) / 1e9). secs + 1 cannot overflow.
            let whole = (self.secs + 1).unsigned_abs();
            let frac = NANOS_PER_SEC - self.nanos;
            format!("-{}.{}", whole, fraction_digits(frac))
        }
    }

    /// Parses a Smithy `date-time`: an RFC 3339 `date-time`.
    ///
    /// Accepted: `YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)` where
    ///
    /// * the year is exactly four digits (`0000`–`9999`), and every other
    ///   field exactly two;
    /// * the date separator is `T` or `t` and the UTC designator `Z` or `z`;
    /// * the fraction is one or more digits of any length: nanosecond
    ///   precision is kept and further digits are truncated;
    /// * a numeric offset (hours `00`–`23`, minutes `00`–`59`) is applied,
    ///   giving the UTC instant;
    /// * month, day (per month, with Gregorian leap years), hour (`00`–`23`)
    ///   and minute (`00`–`59`) are range checked; second may be `00`–`60`,
    ///   where `60` (a leap second) is accepted and counted as the first
    ///   second of the following minute, as POSIX time does.
    ///
    /// Rejected: anything else, including surrounding whitespace, a space
    /// instead of `T`, a missing offset and expanded (signed) years.
    pub fn parse_date_time(input: &str) -> Result<Self, TimestampError> {
        parse_date_time_inner(input.as_bytes())
            .map_err(|reason| TimestampError::parse("date-time", input, reason))
    }

    /// Parses a Smithy `http-date` (an HTTP-date of RFC 7231 section 7.1.1.1).
    ///
    /// Accepted forms:
    ///
    /// * IMF-fixdate, the preferred one: `Sun, 06 Nov 1994 08:49:37 GMT`,
    ///   optionally with fractional seconds of any length
    ///   (`Sun, 02 Jan 2000 20:34:56.456 GMT`), kept to the nanosecond;
    /// * the obsolete RFC 850 form: `Sunday, 06-Nov-94 08:49:37 GMT`, whose
    ///   two-digit year is read, as RFC 7231 requires, as the matching year
    ///   that is at most 50 years after the current one;
    /// * the obsolete asctime form: `Sun Nov  6 08:49:37 1994` (day padded
    ///   with a space or a zero).
    ///
    /// Day and month names are case-sensitive as in RFC 7231. The day name
    /// must be a valid one but is not checked against the date. Fields are
    /// range checked as in [`Timestamp::parse_date_time`] (second `60` is
    /// accepted as the next minute's first second). Whitespace around the
    /// value is rejected.
    pub fn parse_http_date(input: &str) -> Result<Self, TimestampError> {
        let current_year = || Civil::from_secs(Timestamp::now().secs).year;
        parse_http_date_inner(input.as_bytes(), current_year)
            .map_err(|reason| TimestampError::parse("http-date", input, reason))
    }

    /// Parses a Smithy `epoch-seconds` value: a decimal number of seconds
    /// since the Unix epoch.
    ///
    /// Accepted: an optional `+` or `-`, one or more digits, optionally `.`
    /// followed by one or more digits, optionally an exponent (`e` or `E`, an
    /// optional sign, one or more digits), e.g. `1515531081`,
    /// `-1.5`, `1515531081.1234`, `1.5e9`. The value is computed exactly in
    /// decimal, not through `f64`: nanosecond precision is kept and further
    /// digits are truncated towards zero. The whole seconds must fit in an
    /// `i64`.
    ///
    /// Rejected: empty input, whitespace, `NaN`, `inf`, hexadecimal, a bare
    /// `.5` or `5.`, and out-of-range values.
    pub fn parse_epoch_seconds(input: &str) -> Result<Self, TimestampError> {
        parse_epoch_seconds_inner(input.as_bytes())
            .map_err(|reason| TimestampError::parse("epoch-seconds", input, reason))
    }
}

impl fmt::Display for Timestamp {
    /// Writes the timestamp in the `date-time` format.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fmt_date_time())
    }
}

impl fmt::Debug for Timestamp {
    /// Writes `Timestamp(<date-time>)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.fmt_date_time())
    }
}

impl From<SystemTime> for Timestamp {
    /// Converts a system time, including times before 1970. Times beyond the
    /// `i64` range of seconds (not possible on common platforms) saturate.
    fn from(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => match i64::try_from(after.as_secs()) {
                Ok(secs) => Timestamp {
                    secs,
                    nanos: after.subsec_nanos(),
                },
                Err(_) => Timestamp::MAX,
            },
            Err(err) => {
                let before = err.duration();
                let whole = -i128::from(before.as_secs());
                let (secs, nanos) = match before.subsec_nanos() {
                    0 => (whole, 0),
                    n => (whole - 1, NANOS_PER_SEC - n),
                };
                match i64::try_from(secs) {
                    Ok(secs) => Timestamp { secs, nanos },
                    Err(_) => Timestamp::MIN,
                }
            }
        }
    }
}

impl TryFrom<Timestamp> for SystemTime {
    type Error = TimestampError;

    /// Converts to a system time; fails if the platform's `SystemTime` cannot
    /// represent the instant.
    fn try_from(ts: Timestamp) -> Result<Self, Self::Error> {
        let converted = if ts.secs >= 0 {
            UNIX_EPOCH.checked_add(Duration::new(ts.secs.unsigned_abs(), ts.nanos))
        } else {
            UNIX_EPOCH
                .checked_sub(Duration::from_secs(ts.secs.unsigned_abs()))
                .and_then(|t| t.checked_add(Duration::from_nanos(u64::from(ts.nanos))))
        };
        converted.ok_or_else(|| {
            TimestampError::convert(
                "SystemTime",
                &ts.fmt_date_time(),
                "out of range for the platform's SystemTime",
            )
        })
    }
}

/// The error returned when a timestamp cannot be parsed or converted.
///
/// Its `Display` names the format, the offending input (at most 64
/// characters, escaped) and the reason, e.g.
/// `invalid date-time timestamp "2019-02-29T00:00:00Z": day out of range for the month`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimestampError {
    /// What was attempted.
    kind: ErrorKind,
    /// The format parsed, or the type converted to.
    format: &'static str,
    /// The input, truncated to [`MAX_ERROR_INPUT_CHARS`] characters.
    input: String,
    /// Whether `input` was truncated.
    truncated: bool,
    /// Why it failed.
    reason: &'static str,
}

/// What a [`TimestampError`] was attempting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ErrorKind {
    /// Parsing text in some format.
    Parse,
    /// Converting a timestamp to another type.
    Convert,
}

impl TimestampError {
    /// A parse failure of `input` in `format`.
    fn parse(format: &'static str, input: &str, reason: &'static str) -> Self {
        Self::new(ErrorKind::Parse, format, input, reason)
    }

    /// A failure to convert the timestamp shown as `input` to `target`.
    fn convert(target: &'static str, input: &str, reason: &'static str) -> Self {
        Self::new(ErrorKind::Convert, target, input, reason)
    }

    /// Builds the error, truncating the input.
    fn new(kind: ErrorKind, format: &'static str, input: &str, reason: &'static str) -> Self {
        let mut chars = input.chars();
        let kept: String = chars.by_ref().take(MAX_ERROR_INPUT_CHARS).collect();
        TimestampError {
            kind,
            format,
            input: kept,
            truncated: chars.next().is_some(),
            reason,
        }
    }

    /// The format that was being parsed (`"date-time"`, `"http-date"` or
    /// `"epoch-seconds"`), or the type a conversion targeted
    /// (`"SystemTime"`).
    pub fn format(&self) -> &'static str {
        self.format
    }

    /// The offending input, truncated to its first 64 characters.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// A short description of what is wrong.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::Parse => write!(f, "invalid {} timestamp \"", self.format)?,
            ErrorKind::Convert => f.write_str("cannot convert timestamp \"")?,
        }
        for c in self.input.chars() {
            write!(f, "{}", c.escape_debug())?;
        }
        if self.truncated {
            f.write_str("...")?;
        }
        match self.kind {
            ErrorKind::Parse => write!(f, "\": {}", self.reason),
            ErrorKind::Convert => write!(f, "\" to {}: {}", self.format, self.reason),
        }
    }
}

impl std::error::Error for TimestampError {}

// ---------------------------------------------------------------------------
// Civil calendar
// ---------------------------------------------------------------------------

/// A UTC calendar date and time of day (proleptic Gregorian calendar).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Civil {
    /// Astronomical year (year 0 is 1 BC, -1 is 2 BC).
    year: i64,
    /// Month, 1–12.
    month: u32,
    /// Day of the month, 1–31.
    day: u32,
    /// Hour, 0–23.
    hour: u32,
    /// Minute, 0–59.
    minute: u32,
    /// Second, 0–59.
    second: u32,
}

impl Civil {
    /// Splits whole epoch seconds into a calendar date and time of day.
    fn from_secs(secs: i64) -> Self {
        let days = secs.div_euclid(SECS_PER_DAY);
        // rem_euclid is in 0..86400, so the casts below are lossless.
        let sod = secs.rem_euclid(SECS_PER_DAY) as u32;
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: sod / 3600,
            minute: sod % 3600 / 60,
            second: sod % 60,
        }
    }
}

/// Whether `year` is a Gregorian leap year.
fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Number of days in `month` (1–12) of `year`; 0 for an invalid month.
fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of the proleptic Gregorian date `year-month-day`.
///
/// Valid for any `month` in 1–12, `day` in 1–31 and `|year|` below about
/// 2.5e13 (far beyond anything the parsers produce); negative years and dates
/// before 1970 are handled. This is the well-known era-based algorithm: years
/// are counted from March so the leap day falls at the end, and each 400-year
/// era has exactly 146,097 days.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400); // 0..=399
    let month = i64::from(month);
    let month_from_march = if month > 2 { month - 3 } else { month + 9 }; // 0..=11
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1; // 0..=365
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian `(year, month, day)` of `days` since 1970-01-01;
/// the inverse of [`days_from_civil`].
///
/// Cannot overflow for any `days` obtained by dividing an `i64` number of
/// seconds by 86,400 (|days| < 1.1e14).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468; // days since 0000-03-01
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097); // 0..=146_096
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365; // 0..=399
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100); // 0..=365
    let month_from_march = (5 * day_of_year + 2) / 153; // 0..=11
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32; // 1..=31
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32; // 1..=12
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Day of the week of `days` since 1970-01-01, 0 being Sunday.
fn weekday(days: i64) -> usize {
    // 1970-01-01 was a Thursday (4). rem_euclid is in 0..7.
    (days.rem_euclid(7) as usize + 4) % 7
}

/// Abbreviated English name of the weekday of `days` since the epoch.
fn short_day_name(days: i64) -> &'static str {
    SHORT_DAY_NAMES.get(weekday(days)).copied().unwrap_or("???")
}

/// Abbreviated English name of `month` (1–12).
fn month_name(month: u32) -> &'static str {
    month
        .checked_sub(1)
        .and_then(|i| MONTH_NAMES.get(i as usize))
        .copied()
        .unwrap_or("???")
}

/// Epoch seconds of a validated local date and time at `offset_secs` east of
/// UTC. `second` may be 60, which lands on the next minute's first second.
fn epoch_secs(date: (i64, u32, u32), time: (u32, u32, u32), offset_secs: i64) -> Option<i64> {
    let (year, month, day) = date;
    let (hour, minute, second) = time;
    let time_of_day = i64::from(hour * 3600 + minute * 60 + second);
    days_from_civil(year, month, day)
        .checked_mul(SECS_PER_DAY)?
        .checked_add(time_of_day)?
        .checked_sub(offset_secs)
}

// ---------------------------------------------------------------------------
// Formatting helpers
// ---------------------------------------------------------------------------

/// Appends `value` (0–99) as two digits.
fn push_two_digits(out: &mut String, value: u32) {
    // Writing to a String cannot fail.
    let _ = write!(out, "{value:02}");
}

/// Appends a year: four digits for `0..=9999`, otherwise the ISO 8601
/// expanded form with an explicit sign.
fn push_year(out: &mut String, year: i64) {
    // Writing to a String cannot fail.
    let _ = if (0..=9999).contains(&year) {
        write!(out, "{year:04}")
    } else if year < 0 {
        write!(out, "-{:04}", year.unsigned_abs())
    } else {
        write!(out, "+{year}")
    };
}

/// Appends `hh:mm:ss`.
fn push_time_of_day(out: &mut String, civil: &Civil) {
    push_two_digits(out, civil.hour);
    out.push(':');
    push_two_digits(out, civil.minute);
    out.push(':');
    push_two_digits(out, civil.second);
}

/// The digits after the decimal point of `nanos` (1..1e9) nanoseconds, with
/// trailing zeros removed.
fn fraction_digits(nanos: u32) -> String {
    let padded = format!("{nanos:09}");
    padded.trim_end_matches('0').to_owned()
}

// ---------------------------------------------------------------------------
// Parsing helpers
// ---------------------------------------------------------------------------

/// A reason why a parse failed.
type Reason = &'static str;

/// A forward-only reader over the input bytes that never panics.
struct Cursor<'a> {
    /// The whole input.
    bytes: &'a [u8],
    /// Index of the next unread byte; never beyond `bytes.len()`.
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// Starts at the beginning of `bytes`.
    fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes, pos: 0 }
    }

    /// The next byte, without consuming it.
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Consumes and returns the next byte.
    fn bump(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        Some(byte)
    }

    /// Consumes `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes `byte`, or fails with `reason`.
    fn expect(&mut self, byte: u8, reason: Reason) -> Result<(), Reason> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(reason)
        }
    }

    /// Consumes `literal`, or fails with `reason`.
    fn expect_literal(&mut self, literal: &str, reason: Reason) -> Result<(), Reason> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        if rest.starts_with(literal.as_bytes()) {
            self.pos += literal.len();
            Ok(())
        } else {
            Err(reason)
        }
    }

    /// Consumes exactly `count` (at most 9) ASCII digits as a number.
    fn digits(&mut self, count: usize, reason: Reason) -> Result<u32, Reason> {
        let mut value: u32 = 0;
        for _ in 0..count {
            match self.peek() {
                Some(b @ b'0'..=b'9') => {
                    value = value
                        .checked_mul(10)
                        .and_then(|v| v.checked_add(u32::from(b - b'0')))
                        .ok_or(reason)?;
                    self.pos += 1;
                }
                _ => return Err(reason),
            }
        }
        Ok(value)
    }

    /// Consumes a run of ASCII digits, returning them (possibly empty).
    fn digit_run(&mut self) -> &'a [u8] {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.bytes.get(start..self.pos).unwrap_or_default()
    }

    /// Consumes one of `names` (tried in order), returning its index.
    fn name(&mut self, names: &[&str], reason: Reason) -> Result<usize, Reason> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        for (index, name) in names.iter().enumerate() {
            if rest.starts_with(name.as_bytes()) {
                self.pos += name.len();
                return Ok(index);
            }
        }
        Err(reason)
    }

    /// Fails with `reason` unless the whole input has been consumed.
    fn expect_end(&self, reason: Reason) -> Result<(), Reason> {
        if self.pos >= self.bytes.len() {
            Ok(())
        } else {
            Err(reason)
        }
    }
}

/// Nanoseconds of the fraction digits after a `.`: at least one digit, any
/// number of them, truncated to nine.
fn parse_fraction(cursor: &mut Cursor<'_>) -> Result<u32, Reason> {
    let digits = cursor.digit_run();
    if digits.is_empty() {
        return Err("expected at least one digit after '.'");
    }
    Ok(nanos_from_digits(digits))
}

/// Nanoseconds of the fraction `0.<digits>`, truncated to nine digits.
fn nanos_from_digits(digits: &[u8]) -> u32 {
    let mut nanos: u32 = 0;
    for place in 0..9 {
        let digit = digits
            .get(place)
            .map_or(0, |d| u32::from(d.wrapping_sub(b'0')));
        // At most nine digits, so this stays below one billion.
        nanos = nanos * 10 + digit % 10;
    }
    nanos
}

/// Range-checks a calendar date.
fn check_date(year: i64, month: u32, day: u32) -> Result<(), Reason> {
    if !(1..=12).contains(&month) {
        return Err("month out of range");
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err("day out of range for the month");
    }
    Ok(())
}

/// Range-checks a time of day (second 60 allowed for leap seconds).
fn check_time(hour: u32, minute: u32, second: u32) -> Result<(), Reason> {
    if hour > 23 {
        return Err("hour out of range");
    }
    if minute > 59 {
        return Err("minute out of range");
    }
    if second > 60 {
        return Err("second out of range");
    }
    Ok(())
}

/// Parses `hh:mm:ss`.
fn parse_hms(cursor: &mut Cursor<'_>) -> Result<(u32, u32, u32), Reason> {
    let hour = cursor.digits(2, "expected a two-digit hour")?;
    cursor.expect(b':', "expected ':' after the hour")?;
    let minute = cursor.digits(2, "expected a two-digit minute")?;
    cursor.expect(b':', "expected ':' after the minute")?;
    let second = cursor.digits(2, "expected a two-digit second")?;
    Ok((hour, minute, second))
}

/// Validates the fields and builds the timestamp.
fn build(
    date: (i64, u32, u32),
    time: (u32, u32, u32),
    nanos: u32,
    offset_secs: i64,
) -> Result<Timestamp, Reason> {
    check_date(date.0, date.1, date.2)?;
    check_time(time.0, time.1, time.2)?;
    let secs = epoch_secs(date, time, offset_secs).ok_or("timestamp out of range")?;
    Timestamp::from_secs_and_nanos(secs, nanos).ok_or("fraction out of range")
}

/// The RFC 3339 parser behind [`Timestamp::parse_date_time`].
fn parse_date_time_inner(bytes: &[u8]) -> Result<Timestamp, Reason> {
    if bytes.is_empty() {
        return Err("empty input");
    }
    let mut c = Cursor::new(bytes);
    let year = c.digits(4, "expected a four-digit year")?;
    c.expect(b'-', "expected '-' after the year")?;
    let month = c.digits(2, "expected a two-digit month")?;
    c.expect(b'-', "expected '-' after the month")?;
    let day = c.digits(2, "expected a two-digit day")?;
    match c.bump() {
        Some(b'T' | b't') => {}
        _ => return Err("expected 'T' between the date and the time"),
    }
    let time = parse_hms(&mut c)?;
    let nanos = if c.eat(b'.') {
        parse_fraction(&mut c)?
    } else {
        0
    };
    let offset_secs = match c.bump() {
        Some(b'Z' | b'z') => 0,
        Some(sign @ (b'+' | b'-')) => {
            let hours = c.digits(2, "expected a two-digit offset hour")?;
            c.expect(b':', "expected ':' in the offset")?;
            let minutes = c.digits(2, "expected a two-digit offset minute")?;
            if hours > 23 || minutes > 59 {
                return Err("offset out of range");
            }
            let offset = i64::from(hours * 3600 + minutes * 60);
            if sign == b'-' {
                -offset
            } else {
                offset
            }
        }
        None => return Err("missing UTC offset ('Z' or '+hh:mm')"),
        Some(_) => return Err("expected 'Z' or a '+hh:mm' / '-hh:mm' offset"),
    };
    c.expect_end("unexpected characters after the offset")?;
    build((i64::from(year), month, day), time, nanos, offset_secs)
}

/// The HTTP-date parser behind [`Timestamp::parse_http_date`]; `current_year`
/// is only called for RFC 850 dates, to expand their two-digit year.
fn parse_http_date_inner(
    bytes: &[u8],
    current_year: impl FnOnce() -> i64,
) -> Result<Timestamp, Reason> {
    if bytes.is_empty() {
        return Err("empty input");
    }
    match bytes.get(3) {
        Some(b',') => parse_imf_fixdate(bytes),
        Some(b' ') => parse_asctime(bytes),
        _ => parse_rfc850(bytes, current_year),
    }
}

/// `Sun, 06 Nov 1994 08:49:37[.fraction] GMT`
fn parse_imf_fixdate(bytes: &[u8]) -> Result<Timestamp, Reason> {
    let mut c = Cursor::new(bytes);
    c.name(&SHORT_DAY_NAMES, "expected a day name such as 'Sun'")?;
    c.expect_literal(", ", "expected ', ' after the day name")?;
    let day = c.digits(2, "expected a two-digit day")?;
    c.expect(b' ', "expected ' ' after the day")?;
    let month = c.name(&MONTH_NAMES, "expected a month name such as 'Nov'")?;
    c.expect(b' ', "expected ' ' after the month")?;
    let year = c.digits(4, "expected a four-digit year")?;
    c.expect(b' ', "expected ' ' after the year")?;
    let time = parse_hms(&mut c)?;
    let nanos = if c.eat(b'.') {
        parse_fraction(&mut c)?
    } else {
        0
    };
    c.expect_literal(" GMT", "expected ' GMT' after the time")?;
    c.expect_end("unexpected characters after 'GMT'")?;
    build((i64::from(year), month_number(month), day), time, nanos, 0)
}

/// `Sunday, 06-Nov-94 08:49:37 GMT`
fn parse_rfc850(bytes: &[u8], current_year: impl FnOnce() -> i64) -> Result<Timestamp, Reason> {
    let mut c = Cursor::new(bytes);
    c.name(
        &LONG_DAY_NAMES,
        "expected a day name such as 'Sun' or 'Sunday'",
    )?;
    c.expect_literal(", ", "expected ', ' after the day name")?;
    let day = c.digits(2, "expected a two-digit day")?;
    c.expect(b'-', "expected '-' after the day")?;
    let month = c.name(&MONTH_NAMES, "expected a month name such as 'Nov'")?;
    c.expect(b'-', "expected '-' after the month")?;
    let short_year = c.digits(2, "expected a two-digit year")?;
    c.expect(b' ', "expected ' ' after the year")?;
    let time = parse_hms(&mut c)?;
    c.expect_literal(" GMT", "expected ' GMT' after the time")?;
    c.expect_end("unexpected characters after 'GMT'")?;
    let year = expand_two_digit_year(short_year, current_year());
    build((year, month_number(month), day), time, 0, 0)
}

/// `Sun Nov  6 08:49:37 1994`
fn parse_asctime(bytes: &[u8]) -> Result<Timestamp, Reason> {
    let mut c = Cursor::new(bytes);
    c.name(&SHORT_DAY_NAMES, "expected a day name such as 'Sun'")?;
    c.expect(b' ', "expected ' ' after the day name")?;
    let month = c.name(&MONTH_NAMES, "expected a month name such as 'Nov'")?;
    c.expect(b' ', "expected ' ' after the month")?;
    let day = if c.eat(b' ') {
        c.digits(1, "expected a day")?
    } else {
        c.digits(2, "expected a day")?
    };
    c.expect(b' ', "expected ' ' after the day")?;
    let time = parse_hms(&mut c)?;
    c.expect(b' ', "expected ' ' after the time")?;
    let year = c.digits(4, "expected a four-digit year")?;
    c.expect_end("unexpected characters after the year")?;
    build((i64::from(year), month_number(month), day), time, 0, 0)
}

/// Month number (1–12) of an index into [`MONTH_NAMES`].
fn month_number(index: usize) -> u32 {
    u32::try_from(index).map_or(0, |i| i.saturating_add(1))
}

/// RFC 7231: a two-digit year that appears to be more than 50 years in the
/// future is the most recent past year with those last two digits. The result
/// is the year with those digits in `current_year - 49 ..= current_year + 50`.
fn expand_two_digit_year(short_year: u32, current_year: i64) -> i64 {
    let candidate = current_year - current_year.rem_euclid(100) + i64::from(short_year);
    if candidate > current_year + 50 {
        candidate - 100
    } else if candidate <= current_year - 50 {
        candidate + 100
    } else {
        candidate
    }
}

/// The decimal parser behind [`Timestamp::parse_epoch_seconds`].
fn parse_epoch_seconds_inner(bytes: &[u8]) -> Result<Timestamp, Reason> {
    if bytes.is_empty() {
        return Err("empty input");
    }
    let mut c = Cursor::new(bytes);
    let negative = match c.peek() {
        Some(b'-') => {
            c.pos += 1;
            true
        }
        Some(b'+') => {
            c.pos += 1;
            false
        }
        _ => false,
    };
    let int_digits = c.digit_run();
    if int_digits.is_empty() {
        return Err("expected a digit");
    }
    let frac_digits = if c.eat(b'.') {
        let digits = c.digit_run();
        if digits.is_empty() {
            return Err("expected at least one digit after '.'");
        }
        digits
    } else {
        &[]
    };
    // Decimal exponent, clamped far beyond anything meaningful so it cannot
    // overflow; the clamp does not change the outcome (zero or out of range).
    const EXPONENT_CLAMP: i128 = 1_000_000_000_000;
    let mut exponent: i128 = 0;
    if matches!(c.peek(), Some(b'e' | b'E')) {
        c.pos += 1;
        let exponent_negative = match c.peek() {
            Some(b'-') => {
                c.pos += 1;
                true
            }
            Some(b'+') => {
                c.pos += 1;
                false
            }
            _ => false,
        };
        let digits = c.digit_run();
        if digits.is_empty() {
            return Err("expected a digit in the exponent");
        }
        for &d in digits {
            exponent = exponent
                .saturating_mul(10)
                .saturating_add(i128::from(d.wrapping_sub(b'0')))
                .min(EXPONENT_CLAMP);
        }
        if exponent_negative {
            exponent = -exponent;
        }
    }
    c.expect_end("unexpected characters after the number")?;

    // The value is the digit string `int_digits ++ frac_digits` with the
    // decimal point after its first `int_digits.len() + exponent` digits
    // (which may lie outside the string).
    let all: Vec<u8> = int_digits
        .iter()
        .chain(frac_digits.iter())
        .map(|d| d.wrapping_sub(b'0'))
        .collect();
    let first_nonzero = match all.iter().position(|&d| d != 0) {
        Some(index) => index,
        None => return Ok(Timestamp::from_secs(0)),
    };
    let significant = all.get(first_nonzero..).unwrap_or_default();
    const TOO_LONG: Reason = "number too long";
    let int_len = i128::try_from(int_digits.len()).map_err(|_| TOO_LONG)?;
    let first = i128::try_from(first_nonzero).map_err(|_| TOO_LONG)?;
    // Position of the decimal point within `significant`.
    let point = int_len
        .checked_sub(first)
        .and_then(|p| p.checked_add(exponent))
        .ok_or(TOO_LONG)?;
    if point > 19 {
        // At least 10^19 seconds: beyond i64.
        return Err("out of range");
    }
    let digit_at = |index: i128| -> u8 {
        usize::try_from(index)
            .ok()
            .and_then(|i| significant.get(i))
            .copied()
            .unwrap_or(0)
    };
    // At most 19 digits, below 10^19: cannot overflow an i128.
    let mut whole: i128 = 0;
    for index in 0..point.max(0) {
        whole = whole
            .checked_mul(10)
            .and_then(|w| w.checked_add(i128::from(digit_at(index))))
            .ok_or("out of range")?;
    }
    // Exactly nine digits: below one billion.
    let mut nanos: u32 = 0;
    for offset in 0..9 {
        let digit = point.checked_add(offset).map_or(0, digit_at);
        nanos = nanos
            .checked_mul(10)
            .and_then(|n| n.checked_add(u32::from(digit)))
            .ok_or("out of range")?;
    }
    let (secs, nanos) = match (negative, NANOS_PER_SEC.checked_sub(nanos)) {
        (true, Some(complement)) if nanos > 0 => (
            whole.checked_neg().and_then(|w| w.checked_sub(1)),
            complement,
        ),
        (true, _) => (whole.checked_neg(), 0),
        (false, _) => (Some(whole), nanos),
    };
    let secs = secs.ok_or("out of range")?;
    let secs = i64::try_from(secs).map_err(|_| "out of range")?;
    Timestamp::from_secs_and_nanos(secs, nanos).ok_or("out of range")
}

// ---------------------------------------------------------------------------
// serde
// ---------------------------------------------------------------------------

/// The wire formats the serde helpers support.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// RFC 3339 string.
    DateTime,
    /// IMF-fixdate string.
    HttpDate,
    /// Number of seconds.
    EpochSeconds,
}

/// Serializes `ts` in `format`.
fn serialize_as<S: Serializer>(
    ts: &Timestamp,
    format: Format,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    // Binary formats (CBOR) carry every timestamp as epoch seconds,
    // whatever `@timestampFormat` says, in a newtype struct of this name,
    // which the CBOR serializer writes under tag 1 (others write the number).
    if !serializer.is_human_readable() {
        return serializer.serialize_newtype_struct(EPOCH_SECONDS_NAME, &EpochSeconds(ts));
    }
    match format {
        Format::DateTime => serializer.serialize_str(&ts.try_fmt_date_time().map_err(serde::ser::Error::custom)?),
        Format::HttpDate => serializer.serialize_str(&ts.try_fmt_http_date().map_err(serde::ser::Error::custom)?),
        Format::EpochSeconds if ts.nanos == 0 => serializer.serialize_i64(ts.secs),
        Format::EpochSeconds => serializer.serialize_f64(ts.to_epoch_seconds_f64()),
    }
}

/// The newtype-struct name a timestamp serializes under in binary formats:
/// the CBOR serializer writes tag 1 (epoch-based date/time) before it.
pub const EPOCH_SECONDS_NAME: &str = "\u{0}smithy-gen-runtime::timestamp::epoch-seconds";

/// A timestamp as epoch seconds: an integer without a sub-second part, a
/// float with one.
struct EpochSeconds<'a>(&'a Timestamp);

impl Serialize for EpochSeconds<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.nanos == 0 {
            serializer.serialize_i64(self.0.secs)
        } else {
            serializer.serialize_f64(self.0.to_epoch_seconds_f64())
        }
    }
}

/// Deserializes a timestamp in `format`.
fn deserialize_as<'de, D: Deserializer<'de>>(
    deserializer: D,
    format: Format,
) -> Result<Timestamp, D::Error> {
    // Binary formats (CBOR): epoch seconds in the newtype struct the
    // serializer writes, so the format can require its tag (tag 1).
    if !deserializer.is_human_readable() {
        return deserializer
            .deserialize_newtype_struct(EPOCH_SECONDS_NAME, TimestampVisitor(Format::EpochSeconds));
    }
    match format {
        Format::EpochSeconds => deserializer.deserialize_any(TimestampVisitor(format)),
        Format::DateTime | Format::HttpDate => {
            deserializer.deserialize_str(TimestampVisitor(format))
        }
    }
}

/// Visits a timestamp in one format.
struct TimestampVisitor(Format);

impl<'de> Visitor<'de> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Format::DateTime => f.write_str("an RFC 3339 date-time string"),
            Format::HttpDate => f.write_str("an HTTP-date string"),
            Format::EpochSeconds => f.write_str("a finite number of epoch seconds"),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
        match self.0 {
            Format::EpochSeconds => Ok(Timestamp::from_secs(v)),
            _ => Err(E::invalid_type(Unexpected::Signed(v), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
        match self.0 {
            Format::EpochSeconds => i64::try_from(v).map(Timestamp::from_secs).map_err(|_| {
                E::invalid_value(
                    Unexpected::Unsigned(v),
                    &"epoch seconds within the i64 range",
                )
            }),
            _ => Err(E::invalid_type(Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
        match self.0 {
            Format::EpochSeconds => Timestamp::from_epoch_seconds_f64(v).ok_or_else(|| {
                E::invalid_value(
                    Unexpected::Float(v),
                    &"finite epoch seconds within the i64 range",
                )
            }),
            _ => Err(E::invalid_type(Unexpected::Float(v), &self)),
        }
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Timestamp, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        match self.0 {
            Format::DateTime => Timestamp::parse_date_time(v).map_err(E::custom),
            Format::HttpDate => Timestamp::parse_http_date(v).map_err(E::custom),
            Format::EpochSeconds => Err(E::invalid_type(Unexpected::Str(v), &self)),
        }
    }
}

/// Visits an optional timestamp in one format (`null` is `None`).
struct OptionVisitor(Format);

impl<'de> Visitor<'de> for OptionVisitor {
    type Value = Option<Timestamp>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        TimestampVisitor(self.0).expecting(f)?;
        f.write_str(" or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserialize_as(deserializer, self.0).map(Some)
    }
}

/// Deserializes an optional timestamp in `format`.
fn deserialize_option_as<'de, D: Deserializer<'de>>(
    deserializer: D,
    format: Format,
) -> Result<Option<Timestamp>, D::Error> {
    deserializer.deserialize_option(OptionVisitor(format))
}

/// Serializes an optional timestamp in `format`.
fn serialize_option_as<S: Serializer>(
    value: &Option<Timestamp>,
    format: Format,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    /// Adapter so `serialize_some` can use the chosen format.
    struct As<'a>(&'a Timestamp, Format);
    impl Serialize for As<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize_as(self.0, self.1, serializer)
        }
    }
    match value {
        Some(ts) => serializer.serialize_some(&As(ts, format)),
        None => serializer.serialize_none(),
    }
}

/// An optional timestamp serialized in a chosen format (a member with
/// `@timestampFormat`, in `json_struct!`).
pub struct Formatted<'a>(pub &'a Option<Timestamp>, pub Format);

impl Serialize for Formatted<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_option_as(self.0, self.1, serializer)
    }
}

/// Reads an optional timestamp in a chosen format (a member with
/// `@timestampFormat`, in `json_struct!`).
pub struct FormatSeed(pub Format);

impl<'de> de::DeserializeSeed<'de> for FormatSeed {
    type Value = Option<Timestamp>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Timestamp>, D::Error> {
        deserialize_option_as(deserializer, self.0)
    }
}

impl Serialize for Timestamp {
    /// Serializes as epoch seconds: an `i64` when there is no sub-second part,
    /// an `f64` otherwise.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_as(self, Format::EpochSeconds, serializer)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    /// Deserializes from a number of epoch seconds (integer or float; NaN,
    /// infinities and out-of-range values are rejected).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_as(deserializer, Format::EpochSeconds)
    }
}

/// `#[serde(with = "date_time")]` for `Timestamp` fields: an RFC 3339
/// `date-time` string.
pub mod date_time {
    use super::{deserialize_as, serialize_as, Format, Timestamp};
    use serde::{Deserializer, Serializer};

    /// Serializes with [`Timestamp::fmt_date_time`].
    pub fn serialize<S: Serializer>(value: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_as(value, Format::DateTime, serializer)
    }

    /// Deserializes a string with [`Timestamp::parse_date_time`].
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        deserialize_as(deserializer, Format::DateTime)
    }
}

/// `#[serde(with = "http_date")]` for `Timestamp` fields: an HTTP-date
/// (IMF-fixdate) string.
pub mod http_date {
    use super::{deserialize_as, serialize_as, Format, Timestamp};
    use serde::{Deserializer, Serializer};

    /// Serializes with [`Timestamp::fmt_http_date`].
    pub fn serialize<S: Serializer>(value: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_as(value, Format::HttpDate, serializer)
    }

    /// Deserializes a string with [`Timestamp::parse_http_date`].
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        deserialize_as(deserializer, Format::HttpDate)
    }
}

/// `#[serde(with = "epoch_seconds")]` for `Timestamp` fields: a number of
/// epoch seconds (the same as `Timestamp`'s own serde implementation).
pub mod epoch_seconds {
    use super::{deserialize_as, serialize_as, Format, Timestamp};
    use serde::{Deserializer, Serializer};

    /// Serializes as an `i64` when there is no sub-second part, else an `f64`.
    pub fn serialize<S: Serializer>(value: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_as(value, Format::EpochSeconds, serializer)
    }

    /// Deserializes a finite number (integer or float).
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        deserialize_as(deserializer, Format::EpochSeconds)
    }
}

/// `#[serde(with = "date_time_opt")]` for `Option<Timestamp>` fields: an
/// RFC 3339 `date-time` string, or null. Combine with
/// `#[serde(default, skip_serializing_if = "Option::is_none")]`.
pub mod date_time_opt {
    use super::{deserialize_option_as, serialize_option_as, Format, Timestamp};
    use serde::{Deserializer, Serializer};

    /// Serializes `Some` with [`Timestamp::fmt_date_time`], `None` as null.
    pub fn serialize<S: Serializer>(
        value: &Option<Timestamp>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serialize_option_as(value, Format::DateTime, serializer)
    }

    /// Deserializes null as `None` and a string with
    /// [`Timestamp::parse_date_time`].
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Timestamp>, D::Error> {
        deserialize_option_as(deserializer, Format::DateTime)
    }
}

/// `#[serde(with = "http_date_opt")]` for `Option<Timestamp>` fields: an
/// HTTP-date (IMF-fixdate) string, or null. Combine with
/// `#[serde(default, skip_serializing_if = "Option::is_none")]`.
pub mod http_date_opt {
    use super::{deserialize_option_as, serialize_option_as, Format, Timestamp};
    use serde::{Deserializer, Serializer};

    /// Serializes `Some` with [`Timestamp::fmt_http_date`], `None` as null.
    pub fn serialize<S: Serializer>(
        value: &Option<Timestamp>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serialize_option_as(value, Format::HttpDate, serializer)
    }

    /// Deserializes null as `None` and a string with
    /// [`Timestamp::parse_http_date`].
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Timestamp>, D::Error> {
        deserialize_option_as(deserializer, Format::HttpDate)
    }
}

/// `#[serde(with = "epoch_seconds_opt")]` for `Option<Timestamp>` fields: a
/// number of epoch seconds, or null. Combine with
/// `#[serde(default, skip_serializing_if = "Option::is_none")]`.
pub mod epoch_seconds_opt {
    use super::{deserialize_option_as, serialize_option_as, Format, Timestamp};
    use serde::{Deserializer, Serializer};

    /// Serializes `Some` as an `i64` when there is no sub-second part, else an
    /// `f64`; `None` as null.
    pub fn serialize<S: Serializer>(
        value: &Option<Timestamp>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serialize_option_as(value, Format::EpochSeconds, serializer)
    }

    /// Deserializes null as `None` and a finite number (integer or float).
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Timestamp>, D::Error> {
        deserialize_option_as(deserializer, Format::EpochSeconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(secs: i64, nanos: u32) -> Timestamp {
        Timestamp::from_secs_and_nanos(secs, nanos).expect("valid nanos")
    }

    fn dt(input: &str) -> Timestamp {
        Timestamp::parse_date_time(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    fn hd(input: &str) -> Timestamp {
        Timestamp::parse_http_date(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    fn es(input: &str) -> Timestamp {
        Timestamp::parse_epoch_seconds(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    /// Deterministic 64-bit LCG (Knuth's MMIX constants).
    struct Lcg(u64);

    impl Lcg {
        fn next_u64(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 ^ (self.0 >> 33)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next_u64() % n as u64) as usize
        }
    }

    // ----- construction and accessors -----

    #[test]
    fn constructors() {
        assert_eq!(Timestamp::from_secs(5).secs(), 5);
        assert_eq!(Timestamp::from_secs(5).subsec_nanos(), 0);
        assert_eq!(
            Timestamp::from_secs_and_nanos(1, 999_999_999).map(|t| t.subsec_nanos()),
            Some(999_999_999)
        );
        assert_eq!(Timestamp::from_secs_and_nanos(1, 1_000_000_000), None);
        assert_eq!(Timestamp::from_secs_and_nanos(1, u32::MAX), None);
        assert_eq!(Timestamp::from_millis(1_500), ts(1, 500_000_000));
        assert_eq!(Timestamp::from_millis(-1_500), ts(-2, 500_000_000));
        assert_eq!(Timestamp::from_millis(-1_000), ts(-1, 0));
        assert_eq!(Timestamp::from_millis(-1), ts(-1, 999_000_000));
        assert_eq!(Timestamp::from_millis(i64::MIN).secs(), i64::MIN / 1000 - 1);
        assert_eq!(Timestamp::from_millis(i64::MAX).secs(), i64::MAX / 1000);
    }

    #[test]
    fn ordering_follows_time() {
        assert!(ts(-2, 500_000_000) < ts(-1, 0));
        assert!(ts(-1, 0) < ts(-1, 1));
        assert!(ts(0, 999_999_999) < ts(1, 0));
    }

    #[test]
    fn from_f64() {
        assert_eq!(Timestamp::from_epoch_seconds_f64(0.0), Some(ts(0, 0)));
        assert_eq!(Timestamp::from_epoch_seconds_f64(-0.0), Some(ts(0, 0)));
        assert_eq!(
            Timestamp::from_epoch_seconds_f64(1.5),
            Some(ts(1, 500_000_000))
        );
        assert_eq!(
            Timestamp::from_epoch_seconds_f64(-1.5),
            Some(ts(-2, 500_000_000))
        );
        assert_eq!(Timestamp::from_epoch_seconds_f64(-1.0), Some(ts(-1, 0)));
        assert_eq!(
            Timestamp::from_epoch_seconds_f64(1_576_540_098.0),
            Some(ts(1_576_540_098, 0))
        );
        let t = Timestamp::from_epoch_seconds_f64(1_515_531_081.123).expect("finite");
        assert_eq!(t.secs(), 1_515_531_081);
        assert_eq!(t.subsec_nanos(), 123_000_000, "the decimal written, exactly");
        assert_eq!(Timestamp::from_epoch_seconds_f64(946_845_296.123), Some(ts(946_845_296, 123_000_000)));
        // Rounds up to the next whole second.
        assert_eq!(
            Timestamp::from_epoch_seconds_f64(0.999_999_999_9),
            Some(ts(1, 0))
        );
        assert_eq!(Timestamp::from_epoch_seconds_f64(-1e-12), Some(ts(0, 0)));
        assert_eq!(Timestamp::from_epoch_seconds_f64(f64::NAN), None);
        assert_eq!(Timestamp::from_epoch_seconds_f64(f64::INFINITY), None);
        assert_eq!(Timestamp::from_epoch_seconds_f64(f64::NEG_INFINITY), None);
        assert_eq!(Timestamp::from_epoch_seconds_f64(9.3e18), None);
        assert_eq!(
            Timestamp::from_epoch_seconds_f64(9_223_372_036_854_775_808.0),
            None
        );
        assert_eq!(Timestamp::from_epoch_seconds_f64(-9.3e18), None);
        assert_eq!(Timestamp::from_epoch_seconds_f64(f64::MAX), None);
        assert_eq!(Timestamp::from_epoch_seconds_f64(f64::MIN), None);
        assert_eq!(
            Timestamp::from_epoch_seconds_f64(-9_223_372_036_854_775_808.0),
            Some(ts(i64::MIN, 0))
        );
        assert_eq!(
            Timestamp::from_epoch_seconds_f64(f64::MIN_POSITIVE),
            Some(ts(0, 0))
        );
    }

    #[test]
    fn to_f64() {
        assert_eq!(ts(0, 0).to_epoch_seconds_f64(), 0.0);
        assert_eq!(ts(1, 500_000_000).to_epoch_seconds_f64(), 1.5);
        assert_eq!(ts(-2, 500_000_000).to_epoch_seconds_f64(), -1.5);
        assert_eq!(ts(1_576_540_098, 0).to_epoch_seconds_f64(), 1_576_540_098.0);
    }

    #[test]
    fn system_time_conversions() {
        assert_eq!(Timestamp::from(UNIX_EPOCH), ts(0, 0));
        let after = UNIX_EPOCH + Duration::new(1_576_540_098, 123);
        assert_eq!(Timestamp::from(after), ts(1_576_540_098, 123));
        let before = UNIX_EPOCH - Duration::new(1, 500_000_000);
        assert_eq!(Timestamp::from(before), ts(-2, 500_000_000));
        let before_whole = UNIX_EPOCH - Duration::from_secs(86_400);
        assert_eq!(Timestamp::from(before_whole), ts(-86_400, 0));
        for t in [
            ts(0, 0),
            ts(1_576_540_098, 5),
            ts(-2, 500_000_000),
            ts(-86_400, 0),
            ts(-1, 1),
        ] {
            let system = SystemTime::try_from(t).expect("in range");
            assert_eq!(Timestamp::from(system), t);
        }
        // Extremes never panic; whether they convert depends on the platform.
        for t in [
            Timestamp::MAX,
            Timestamp::MIN,
            ts(i64::MAX, 0),
            ts(i64::MIN, 999_999_999),
        ] {
            if let Err(e) = SystemTime::try_from(t) {
                assert!(e.to_string().contains("SystemTime"), "{e}");
                assert_eq!(e.format(), "SystemTime");
            }
        }
        let now = Timestamp::now();
        assert!(now > ts(1_600_000_000, 0), "{now}");
    }

    // ----- civil calendar -----

    #[test]
    fn civil_round_trip_and_continuity() {
        // Walk day by day across ~1600 years on both sides of the epoch and
        // check the algorithms against simple calendar arithmetic.
        let start = days_from_civil(1170, 1, 1);
        let (mut y, mut m, mut d) = (1170_i64, 1_u32, 1_u32);
        for days in start..start + 800 * 366 {
            assert_eq!(civil_from_days(days), (y, m, d), "days {days}");
            assert_eq!(days_from_civil(y, m, d), days);
            d += 1;
            if d > days_in_month(y, m) {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
        // Negative years, spot checks in both directions.
        for &(year, month, day) in &[
            (-1_i64, 12_u32, 31_u32),
            (0, 1, 1),
            (0, 2, 29),
            (-400, 3, 1),
            (-4713, 11, 24),
        ] {
            let days = days_from_civil(year, month, day);
            assert_eq!(civil_from_days(days), (year, month, day));
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(0, 1, 1), -719_528);
        assert_eq!(days_from_civil(0, 3, 1), -719_468);
    }

    #[test]
    fn leap_years() {
        assert!(is_leap_year(2000));
        assert!(!is_leap_year(1900));
        assert!(is_leap_year(2024));
        assert!(!is_leap_year(2023));
        assert!(is_leap_year(0));
        assert!(is_leap_year(-4));
        assert!(!is_leap_year(-100));
        assert!(is_leap_year(-400));
        assert_eq!(
            dt("2000-02-29T00:00:00Z").fmt_date_time(),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(dt("2000-02-29T00:00:00Z").secs(), 951_782_400);
        assert!(Timestamp::parse_date_time("1900-02-29T00:00:00Z").is_err());
        assert!(Timestamp::parse_date_time("2019-02-29T00:00:00Z").is_err());
        assert!(Timestamp::parse_date_time("2100-02-29T00:00:00Z").is_err());
        assert_eq!(
            dt("1900-03-01T00:00:00Z").secs() - dt("1900-02-28T00:00:00Z").secs(),
            86_400
        );
        assert_eq!(
            dt("2000-03-01T00:00:00Z").secs() - dt("2000-02-28T00:00:00Z").secs(),
            2 * 86_400
        );
        assert_eq!(
            ts(951_782_400, 0).fmt_http_date(),
            "Tue, 29 Feb 2000 00:00:00 GMT"
        );
    }

    #[test]
    fn weekdays() {
        assert_eq!(short_day_name(0), "Thu");
        assert_eq!(short_day_name(-1), "Wed");
        assert_eq!(short_day_name(3), "Sun");
        assert_eq!(short_day_name(days_from_civil(2000, 1, 1)), "Sat");
        assert_eq!(short_day_name(days_from_civil(1900, 1, 1)), "Mon");
        assert_eq!(short_day_name(days_from_civil(0, 1, 1)), "Sat");
        for days in -20..20 {
            let today = weekday(days);
            assert_eq!(weekday(days + 1), (today + 1) % 7);
        }
        for days in [i64::MIN / SECS_PER_DAY - 1, i64::MAX / SECS_PER_DAY] {
            assert!(SHORT_DAY_NAMES.contains(&short_day_name(days)));
        }
        assert_eq!(month_name(1), "Jan");
        assert_eq!(month_name(12), "Dec");
        assert_eq!(month_name(0), "???");
        assert_eq!(month_name(13), "???");
    }

    // ----- date-time -----

    #[test]
    fn date_time_known_vectors() {
        assert_eq!(ts(0, 0).fmt_date_time(), "1970-01-01T00:00:00Z");
        assert_eq!(ts(1_576_540_098, 0).fmt_date_time(), "2019-12-16T23:48:18Z");
        assert_eq!(
            ts(482_196_050, 520_000_000).fmt_date_time(),
            "1985-04-12T23:20:50.52Z"
        );
        assert_eq!(ts(1, 1).fmt_date_time(), "1970-01-01T00:00:01.000000001Z");
        assert_eq!(ts(1, 100_000_000).fmt_date_time(), "1970-01-01T00:00:01.1Z");
        assert_eq!(ts(-1, 0).fmt_date_time(), "1969-12-31T23:59:59Z");
        assert_eq!(
            ts(-2, 500_000_000).fmt_date_time(),
            "1969-12-31T23:59:58.5Z"
        );
        assert_eq!(
            ts(-62_167_219_200, 0).fmt_date_time(),
            "0000-01-01T00:00:00Z"
        );
        assert_eq!(
            ts(253_402_300_799, 999_999_999).fmt_date_time(),
            "9999-12-31T23:59:59.999999999Z"
        );
        assert_eq!(
            ts(253_402_300_800, 0).fmt_date_time(),
            "+10000-01-01T00:00:00Z"
        );
        assert_eq!(
            ts(-62_167_219_201, 0).fmt_date_time(),
            "-0001-12-31T23:59:59Z"
        );
        assert_eq!(ts(1_576_540_098, 0).to_string(), "2019-12-16T23:48:18Z");
        assert_eq!(format!("{:?}", ts(0, 0)), "Timestamp(1970-01-01T00:00:00Z)");
    }

    #[test]
    fn date_time_parse_vectors() {
        assert_eq!(dt("1970-01-01T00:00:00Z"), ts(0, 0));
        assert_eq!(dt("2019-12-16T23:48:18Z"), ts(1_576_540_098, 0));
        assert_eq!(dt("2019-12-16t23:48:18z"), ts(1_576_540_098, 0));
        assert_eq!(dt("1985-04-12T23:20:50.52Z"), ts(482_196_050, 520_000_000));
        assert_eq!(dt("2000-01-02T20:34:56.123Z"), ts(946_845_296, 123_000_000));
        assert_eq!(
            dt("2000-01-02T20:34:56.123456789Z"),
            ts(946_845_296, 123_456_789)
        );
        assert_eq!(
            dt("2000-01-02T20:34:56.1234567899999Z"),
            ts(946_845_296, 123_456_789)
        );
        assert_eq!(
            dt("2000-01-02T20:34:56.000000000000000000000000Z"),
            ts(946_845_296, 0)
        );
        assert_eq!(dt("2019-12-16T22:48:18-01:00"), ts(1_576_540_098, 0));
        assert_eq!(dt("2019-12-17T00:48:18+01:00"), ts(1_576_540_098, 0));
        assert_eq!(dt("1996-12-19T16:39:57-08:00"), dt("1996-12-20T00:39:57Z"));
        assert_eq!(dt("1990-12-31T15:59:59-08:00"), dt("1990-12-31T23:59:59Z"));
        assert_eq!(
            dt("2019-12-16T23:48:18+00:00"),
            dt("2019-12-16T23:48:18-00:00")
        );
        assert_eq!(dt("1969-12-31T23:59:59.5Z"), ts(-1, 500_000_000));
        assert_eq!(dt("0000-01-01T00:00:00Z"), ts(-62_167_219_200, 0));
        assert_eq!(
            dt("9999-12-31T23:59:59.999999999Z"),
            ts(253_402_300_799, 999_999_999)
        );
        // Offsets can carry the instant outside 0000..=9999.
        assert_eq!(
            dt("0000-01-01T00:00:00+23:59").secs(),
            -62_167_219_200 - 86_340
        );
        assert_eq!(
            dt("9999-12-31T23:59:59-23:59").secs(),
            253_402_300_799 + 86_340
        );
    }

    #[test]
    fn date_time_leap_second() {
        assert_eq!(dt("1990-12-31T23:59:60Z"), dt("1991-01-01T00:00:00Z"));
        assert_eq!(
            dt("2016-12-31T23:59:60.5Z"),
            ts(dt("2017-01-01T00:00:00Z").secs(), 500_000_000)
        );
        assert!(Timestamp::parse_date_time("1990-12-31T23:59:61Z").is_err());
    }

    #[test]
    fn date_time_rejects() {
        let bad = [
            "",
            "2019",
            "2019-12-16",
            "2019-12-16T",
            "2019-12-16T23:48",
            "2019-12-16T23:48:18",
            "2019-12-16T23:48:18.",
            "2019-12-16T23:48:18.Z",
            "2019-12-16T23:48:18.5",
            "2019-12-16T23:48:18+01",
            "2019-12-16T23:48:18+01:",
            "2019-12-16T23:48:18+0100",
            "2019-12-16T23:48:18+24:00",
            "2019-12-16T23:48:18+01:60",
            "2019-12-16T23:48:18ZZ",
            "2019-12-16T23:48:18Z ",
            " 2019-12-16T23:48:18Z",
            "2019-12-16 23:48:18Z",
            "2019-12-16X23:48:18Z",
            "2019-13-16T23:48:18Z",
            "2019-00-16T23:48:18Z",
            "2019-12-00T23:48:18Z",
            "2019-12-32T23:48:18Z",
            "2019-04-31T23:48:18Z",
            "2019-02-29T00:00:00Z",
            "2019-12-16T24:00:00Z",
            "2019-12-16T23:60:00Z",
            "2019-12-16T23:59:61Z",
            "19-12-16T23:48:18Z",
            "+2019-12-16T23:48:18Z",
            "-2019-12-16T23:48:18Z",
            "20190-12-16T23:48:18Z",
            "2019-1-16T23:48:18Z",
            "2019-12-16T23:48:18.5.5Z",
            "2019-12-16T2３:48:18Z",
            "２019-12-16T23:48:18Z",
            "2019-12-16T23:48:18Ζ",
            "Mon, 16 Dec 2019 23:48:18 GMT",
            "1576540098",
            "\0",
        ];
        for input in bad {
            assert!(
                Timestamp::parse_date_time(input).is_err(),
                "accepted {input:?}"
            );
        }
        let huge = format!("2019-12-16T23:48:18.{}Z", "9".repeat(100_000));
        assert_eq!(dt(&huge), ts(1_576_540_098, 999_999_999));
        let huge_bad = "9".repeat(100_000);
        assert!(Timestamp::parse_date_time(&huge_bad).is_err());
    }

    #[test]
    fn error_messages() {
        let err = Timestamp::parse_date_time("2019-02-29T00:00:00Z").expect_err("invalid");
        assert_eq!(err.format(), "date-time");
        assert_eq!(err.input(), "2019-02-29T00:00:00Z");
        assert_eq!(err.reason(), "day out of range for the month");
        assert_eq!(
            err.to_string(),
            "invalid date-time timestamp \"2019-02-29T00:00:00Z\": day out of range for the month"
        );
        let long = "x".repeat(1000);
        let err = Timestamp::parse_http_date(&long).expect_err("invalid");
        assert_eq!(err.input().chars().count(), 64);
        let shown = err.to_string();
        assert!(
            shown.starts_with("invalid http-date timestamp \"xxxx"),
            "{shown}"
        );
        assert!(shown.contains("...\""), "{shown}");
        assert!(shown.len() < 200, "{shown}");
        let err = Timestamp::parse_epoch_seconds("1\n\"é").expect_err("invalid");
        assert_eq!(
            err.to_string(),
            "invalid epoch-seconds timestamp \"1\\n\\\"é\": unexpected characters after the number"
        );
        // Multi-byte characters are truncated on character boundaries.
        let err = Timestamp::parse_date_time(&"é".repeat(100)).expect_err("invalid");
        assert_eq!(err.input(), "é".repeat(64));
        let boxed: Box<dyn std::error::Error> = Box::new(err);
        assert!(boxed.to_string().contains("date-time"));
        assert!(Timestamp::parse_date_time("")
            .expect_err("empty")
            .to_string()
            .contains("empty input"));
    }

    // ----- http-date -----

    #[test]
    fn http_date_vectors() {
        assert_eq!(
            ts(784_111_777, 0).fmt_http_date(),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(hd("Sun, 06 Nov 1994 08:49:37 GMT"), ts(784_111_777, 0));
        assert_eq!(
            ts(1_398_796_238, 0).fmt_http_date(),
            "Tue, 29 Apr 2014 18:30:38 GMT"
        );
        assert_eq!(hd("Tue, 29 Apr 2014 18:30:38 GMT"), ts(1_398_796_238, 0));
        assert_eq!(ts(0, 0).fmt_http_date(), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            ts(1_576_540_098, 0).fmt_http_date(),
            "Mon, 16 Dec 2019 23:48:18 GMT"
        );
        assert_eq!(ts(-1, 0).fmt_http_date(), "Wed, 31 Dec 1969 23:59:59 GMT");
        assert_eq!(hd("Wed, 31 Dec 1969 23:59:59 GMT"), ts(-1, 0));
        assert_eq!(
            ts(-2_208_988_800, 0).fmt_http_date(),
            "Mon, 01 Jan 1900 00:00:00 GMT"
        );
        // Fractions are dropped (floor) when formatting...
        assert_eq!(
            ts(1_576_540_098, 999_000_000).fmt_http_date(),
            "Mon, 16 Dec 2019 23:48:18 GMT"
        );
        assert_eq!(
            ts(-2, 500_000_000).fmt_http_date(),
            "Wed, 31 Dec 1969 23:59:58 GMT"
        );
        // ...but accepted when parsing.
        assert_eq!(
            hd("Sun, 02 Jan 2000 20:34:56.456 GMT"),
            ts(946_845_296, 456_000_000)
        );
        assert_eq!(hd("Sun, 02 Jan 2000 20:34:56.000 GMT"), ts(946_845_296, 0));
        assert_eq!(
            hd("Sun, 02 Jan 2000 20:34:56.1234567891 GMT"),
            ts(946_845_296, 123_456_789)
        );
        // Leap second.
        assert_eq!(
            hd("Sat, 31 Dec 2016 23:59:60 GMT"),
            hd("Sun, 01 Jan 2017 00:00:00 GMT")
        );
        // The day name is validated but not cross-checked with the date.
        assert_eq!(hd("Mon, 06 Nov 1994 08:49:37 GMT"), ts(784_111_777, 0));
        // Extremes format without panicking.
        assert!(ts(i64::MAX, 0).fmt_http_date().ends_with(" GMT"));
        assert!(ts(i64::MIN, 0).fmt_http_date().ends_with(" GMT"));
    }

    #[test]
    fn http_date_obsolete_forms() {
        assert_eq!(hd("Sun Nov  6 08:49:37 1994"), ts(784_111_777, 0));
        assert_eq!(hd("Sun Nov 06 08:49:37 1994"), ts(784_111_777, 0));
        assert_eq!(hd("Tue Apr 29 18:30:38 2014"), ts(1_398_796_238, 0));
        assert_eq!(hd("Thu Jan  1 00:00:00 1970"), ts(0, 0));
        // RFC 850 with an explicit current year, so the test is deterministic.
        let rfc850 = |input: &str, current_year: i64| {
            parse_http_date_inner(input.as_bytes(), || current_year)
        };
        assert_eq!(
            rfc850("Sunday, 06-Nov-94 08:49:37 GMT", 2026),
            Ok(ts(784_111_777, 0))
        );
        assert_eq!(
            rfc850("Sunday, 06-Nov-94 08:49:37 GMT", 1994),
            Ok(ts(784_111_777, 0))
        );
        assert_eq!(
            rfc850("Thursday, 01-Jan-70 00:00:00 GMT", 2019),
            Ok(ts(0, 0))
        );
        // In 2018, '69' would be 51 years ahead, so it is 1969; in 2019 it is 2069.
        assert_eq!(
            rfc850("Wednesday, 31-Dec-69 23:59:59 GMT", 2018),
            Ok(ts(-1, 0))
        );
        assert_eq!(
            rfc850("Wednesday, 31-Dec-69 23:59:59 GMT", 2019).map(|t| t.fmt_date_time()),
            Ok("2069-12-31T23:59:59Z".to_owned())
        );
        // In 2026, '69' (43 years ahead) is 2069, not 1969.
        assert_eq!(
            rfc850("Monday, 31-Dec-69 23:59:59 GMT", 2026).map(|t| t.fmt_date_time()),
            Ok("2069-12-31T23:59:59Z".to_owned())
        );
        assert!(rfc850("Sunday, 06-Nov-1994 08:49:37 GMT", 2026).is_err());
        assert!(rfc850("Sunday, 06 Nov 94 08:49:37 GMT", 2026).is_err());
        assert!(rfc850("Sunday, 31-Feb-94 08:49:37 GMT", 2026).is_err());
        assert!(rfc850("Funday, 06-Nov-94 08:49:37 GMT", 2026).is_err());
        assert!(rfc850("Sunday, 06-Nov-94 08:49:37 UTC", 2026).is_err());
        // Through the public entry point (today's year): 94 is 1994 until 2044.
        if Civil::from_secs(Timestamp::now().secs()).year < 2044 {
            assert_eq!(hd("Sunday, 06-Nov-94 08:49:37 GMT"), ts(784_111_777, 0));
        }
    }

    #[test]
    fn two_digit_years() {
        assert_eq!(expand_two_digit_year(94, 2026), 1994);
        assert_eq!(expand_two_digit_year(76, 2026), 2076);
        assert_eq!(expand_two_digit_year(77, 2026), 1977);
        assert_eq!(expand_two_digit_year(0, 2026), 2000);
        assert_eq!(expand_two_digit_year(26, 2026), 2026);
        assert_eq!(expand_two_digit_year(0, 2099), 2100);
        assert_eq!(expand_two_digit_year(49, 2099), 2149);
        assert_eq!(expand_two_digit_year(50, 2099), 2050);
        assert_eq!(expand_two_digit_year(99, 2000), 1999);
        assert_eq!(expand_two_digit_year(50, 2000), 2050);
        assert_eq!(expand_two_digit_year(51, 2000), 1951);
        for current in [1950_i64, 1999, 2000, 2026, 2049, 2050, 2099, 9999] {
            for short in 0..100_u32 {
                let year = expand_two_digit_year(short, current);
                assert_eq!(year.rem_euclid(100), i64::from(short));
                assert!(
                    year > current - 50 && year <= current + 50,
                    "{short} {current} {year}"
                );
            }
        }
    }

    #[test]
    fn http_date_rejects() {
        let bad = [
            "",
            "Sun",
            "Sun,",
            "Sun, 06 Nov 1994",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37 gmt",
            "Sun, 06 Nov 1994 08:49:37 GMT ",
            " Sun, 06 Nov 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "sun, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 November 1994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37. GMT",
            "Sun, 06 Nov 1994 08:49:37.x GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 2019 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, 06 Nov 1994 08:60:37 GMT",
            "Sun, 06 Nov 1994 08:49:61 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun,  06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMTGMT",
            "Sun Nov  6 08:49:37 1994 ",
            "Sun Nov 6 08:49:37 1994",
            "Sun Nov  6 08:49:37 94",
            "Sun Nov  6 08:49:37",
            "Sun Nov 31 08:49:37 1994",
            "Sun Nov   6 08:49:37 1994",
            "Sunday, 06-Nov-94 08:49:37",
            "1994-11-06T08:49:37Z",
            "784111777",
            "Sun, 06 Nov 1994 08:49:37 GMT\u{0}",
            "Sun, ０6 Nov 1994 08:49:37 GMT",
            "Sün, 06 Nov 1994 08:49:37 GMT",
        ];
        for input in bad {
            assert!(
                Timestamp::parse_http_date(input).is_err(),
                "accepted {input:?}"
            );
        }
    }

    // ----- epoch-seconds -----

    #[test]
    fn epoch_seconds_format() {
        assert_eq!(ts(0, 0).fmt_epoch_seconds(), "0");
        assert_eq!(ts(1_515_531_081, 0).fmt_epoch_seconds(), "1515531081");
        assert_eq!(
            ts(1_515_531_081, 123_400_000).fmt_epoch_seconds(),
            "1515531081.1234"
        );
        assert_eq!(ts(1, 1).fmt_epoch_seconds(), "1.000000001");
        assert_eq!(ts(-1, 0).fmt_epoch_seconds(), "-1");
        assert_eq!(ts(-2, 500_000_000).fmt_epoch_seconds(), "-1.5");
        assert_eq!(ts(-1, 500_000_000).fmt_epoch_seconds(), "-0.5");
        assert_eq!(ts(-1, 999_999_999).fmt_epoch_seconds(), "-0.000000001");
        assert_eq!(ts(-1, 1).fmt_epoch_seconds(), "-0.999999999");
        assert_eq!(
            ts(i64::MAX, 999_999_999).fmt_epoch_seconds(),
            "9223372036854775807.999999999"
        );
        assert_eq!(ts(i64::MIN, 0).fmt_epoch_seconds(), "-9223372036854775808");
        assert_eq!(
            ts(i64::MIN, 1).fmt_epoch_seconds(),
            "-9223372036854775807.999999999"
        );
    }

    #[test]
    fn epoch_seconds_parse() {
        assert_eq!(es("0"), ts(0, 0));
        assert_eq!(es("-0"), ts(0, 0));
        assert_eq!(es("+0.0"), ts(0, 0));
        assert_eq!(es("1515531081"), ts(1_515_531_081, 0));
        assert_eq!(es("+1515531081"), ts(1_515_531_081, 0));
        assert_eq!(es("1515531081.1234"), ts(1_515_531_081, 123_400_000));
        assert_eq!(es("946845296.456"), ts(946_845_296, 456_000_000));
        assert_eq!(es("1.5"), ts(1, 500_000_000));
        assert_eq!(es("-1.5"), ts(-2, 500_000_000));
        assert_eq!(es("-0.5"), ts(-1, 500_000_000));
        assert_eq!(es("-1"), ts(-1, 0));
        assert_eq!(es("007"), ts(7, 0));
        assert_eq!(es("1.0000000019"), ts(1, 1));
        assert_eq!(es("-1.0000000019"), ts(-2, 999_999_999));
        assert_eq!(es("-0.0000000001"), ts(0, 0));
        assert_eq!(es("1.5e9"), ts(1_500_000_000, 0));
        assert_eq!(es("1.5E+9"), ts(1_500_000_000, 0));
        assert_eq!(es("15e-1"), ts(1, 500_000_000));
        assert_eq!(es("1515531081123e-3"), ts(1_515_531_081, 123_000_000));
        assert_eq!(es("0.000001e6"), ts(1, 0));
        assert_eq!(es("1e-9"), ts(0, 1));
        assert_eq!(es("1e-10"), ts(0, 0));
        assert_eq!(es("1e-99999999999999999999999999"), ts(0, 0));
        assert_eq!(es("0e99999999999999999999999999"), ts(0, 0));
        assert_eq!(es("9223372036854775807"), ts(i64::MAX, 0));
        assert_eq!(
            es("9223372036854775807.999999999999"),
            ts(i64::MAX, 999_999_999)
        );
        assert_eq!(es("-9223372036854775808"), ts(i64::MIN, 0));
        assert_eq!(es("-922337203685477580.8e1"), ts(i64::MIN, 0));
        assert_eq!(
            es("0000000000000000000000000000009223372036854775807"),
            ts(i64::MAX, 0)
        );
        let long_fraction = format!("1.{}", "5".repeat(100_000));
        assert_eq!(es(&long_fraction), ts(1, 555_555_555));
    }

    #[test]
    fn epoch_seconds_rejects() {
        let bad = [
            "",
            "-",
            "+",
            ".",
            ".5",
            "5.",
            "-.5",
            "1.2.3",
            "1e",
            "1e+",
            "1e5.5",
            "e5",
            "1_000",
            "1,5",
            " 1",
            "1 ",
            "0x10",
            "NaN",
            "nan",
            "inf",
            "-inf",
            "Infinity",
            "--1",
            "+-1",
            "١",
            "1\u{0}",
            "9223372036854775808",
            "-9223372036854775809",
            "-9223372036854775808.5",
            "99999999999999999999",
            "1e19",
            "1e99999999999999999999999999",
            "-1e99999999999999999999999999",
            "2019-12-16T23:48:18Z",
        ];
        for input in bad {
            assert!(
                Timestamp::parse_epoch_seconds(input).is_err(),
                "accepted {input:?}"
            );
        }
        let huge = "9".repeat(100_000);
        assert!(Timestamp::parse_epoch_seconds(&huge).is_err());
    }

    // ----- round trips -----

    #[test]
    fn round_trips_random() {
        let mut rng = Lcg(0x5eed);
        // Instants from year 0000 to 9999.
        let lo = dt("0000-01-01T00:00:00Z").secs();
        let hi = dt("9999-12-31T23:59:59Z").secs();
        let span = u64::try_from(hi - lo).expect("positive");
        for i in 0..20_000 {
            let secs = lo + i64::try_from(rng.next_u64() % span).expect("fits");
            let nanos = match i % 4 {
                0 => 0,
                1 => (rng.next_u64() % 1000) as u32 * 1_000_000,
                _ => (rng.next_u64() % 1_000_000_000) as u32,
            };
            let t = ts(secs, nanos);
            assert_eq!(dt(&t.fmt_date_time()), t);
            assert_eq!(es(&t.fmt_epoch_seconds()), t);
            assert_eq!(hd(&t.fmt_http_date()), ts(secs, 0));
            let f = t.to_epoch_seconds_f64();
            let back = Timestamp::from_epoch_seconds_f64(f).expect("finite");
            let diff = (i128::from(back.secs()) * 1_000_000_000 + i128::from(back.subsec_nanos()))
                - (i128::from(secs) * 1_000_000_000 + i128::from(nanos));
            // An f64 has a 52-bit mantissa: allow a couple of ulps.
            let tolerance = 1_000 + i128::from(secs.unsigned_abs() / 1_000_000);
            assert!(diff.abs() <= tolerance, "{t}: {diff}");
        }
        // epoch-seconds covers the whole i64 range.
        for _ in 0..20_000 {
            let t = ts(
                rng.next_u64() as i64,
                (rng.next_u64() % 1_000_000_000) as u32,
            );
            assert_eq!(es(&t.fmt_epoch_seconds()), t);
            // Formatting extreme years never panics.
            assert!(t.fmt_date_time().ends_with('Z'));
            assert!(t.fmt_http_date().ends_with("GMT"));
        }
        for t in [
            Timestamp::MAX,
            Timestamp::MIN,
            ts(0, 0),
            ts(-1, 999_999_999),
        ] {
            assert_eq!(es(&t.fmt_epoch_seconds()), t);
            let _ = t.fmt_date_time();
            let _ = t.fmt_http_date();
        }
    }

    #[test]
    fn no_panic_on_garbage() {
        let mut rng = Lcg(42);
        let alphabet: &[u8] = b"0123456789-+:.TtZzeE ,GMTSunMonNovDec\x00\xff\xc3\xa9";
        let seeds = [
            "2019-12-16T23:48:18.123Z",
            "2019-12-16T22:48:18-01:00",
            "Sun, 06 Nov 1994 08:49:37.5 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "-1515531081.1234e-3",
        ];
        for round in 0..60_000 {
            let mut bytes: Vec<u8> = if round % 2 == 0 {
                let seed = seeds[rng.below(seeds.len())];
                seed.as_bytes().to_vec()
            } else {
                Vec::new()
            };
            // Mutate a seed, or build a random string.
            let edits = 1 + rng.below(6);
            for _ in 0..edits {
                let choice = rng.below(4);
                let byte = if rng.below(3) == 0 {
                    (rng.next_u64() & 0xff) as u8
                } else {
                    alphabet[rng.below(alphabet.len())]
                };
                let at = if bytes.is_empty() {
                    0
                } else {
                    rng.below(bytes.len() + 1)
                };
                match choice {
                    0 if at < bytes.len() => bytes[at] = byte,
                    1 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    2 => bytes.truncate(at),
                    _ => bytes.insert(at, byte),
                }
            }
            if round % 2 == 1 {
                for _ in 0..rng.below(40) {
                    bytes.push(alphabet[rng.below(alphabet.len())]);
                }
            }
            let input = String::from_utf8_lossy(&bytes);
            if let Ok(t) = Timestamp::parse_date_time(&input) {
                // Anything accepted re-formats and re-parses to itself.
                assert_eq!(
                    Timestamp::parse_date_time(&t.fmt_date_time()),
                    Ok(t),
                    "{input:?}"
                );
            }
            if let Ok(t) = Timestamp::parse_http_date(&input) {
                assert_eq!(
                    Timestamp::parse_epoch_seconds(&t.fmt_epoch_seconds()),
                    Ok(t),
                    "{input:?}"
                );
            }
            if let Ok(t) = Timestamp::parse_epoch_seconds(&input) {
                assert_eq!(
                    Timestamp::parse_epoch_seconds(&t.fmt_epoch_seconds()),
                    Ok(t),
                    "{input:?}"
                );
                let _ = t.fmt_date_time();
                let _ = t.fmt_http_date();
            }
        }
    }

    // ----- serde -----

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Shape {
        plain: Timestamp,
        #[serde(with = "date_time")]
        date_time: Timestamp,
        #[serde(with = "http_date")]
        http_date: Timestamp,
        #[serde(with = "epoch_seconds")]
        epoch: Timestamp,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "date_time_opt"
        )]
        date_time_opt: Option<Timestamp>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "http_date_opt"
        )]
        http_date_opt: Option<Timestamp>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "epoch_seconds_opt"
        )]
        epoch_opt: Option<Timestamp>,
    }

    #[test]
    fn serde_default_is_epoch_seconds() {
        assert_eq!(
            serde_json::to_string(&ts(1_576_540_098, 0)).expect("json"),
            "1576540098"
        );
        assert_eq!(serde_json::to_string(&ts(-1, 0)).expect("json"), "-1");
        assert_eq!(
            serde_json::to_string(&ts(1, 500_000_000)).expect("json"),
            "1.5"
        );
        assert_eq!(
            serde_json::to_string(&ts(-2, 500_000_000)).expect("json"),
            "-1.5"
        );
        let parse = |s: &str| serde_json::from_str::<Timestamp>(s);
        assert_eq!(parse("1576540098").expect("int"), ts(1_576_540_098, 0));
        assert_eq!(parse("-1").expect("neg"), ts(-1, 0));
        assert_eq!(parse("1.5").expect("float"), ts(1, 500_000_000));
        assert_eq!(parse("1.5e9").expect("exp"), ts(1_500_000_000, 0));
        assert_eq!(parse("9223372036854775807").expect("max"), ts(i64::MAX, 0));
        assert!(parse("9223372036854775808").is_err());
        assert!(parse("1e300").is_err());
        assert!(parse("\"1576540098\"").is_err());
        assert!(parse("null").is_err());
        assert!(parse("true").is_err());
        assert!(parse("[1]").is_err());
    }

    #[test]
    fn serde_helpers() {
        let value = Shape {
            plain: ts(1_576_540_098, 0),
            date_time: ts(482_196_050, 520_000_000),
            http_date: ts(784_111_777, 0),
            epoch: ts(1, 500_000_000),
            date_time_opt: Some(ts(0, 0)),
            http_date_opt: Some(ts(1_398_796_238, 0)),
            epoch_opt: Some(ts(-1, 0)),
        };
        let json = serde_json::to_string(&value).expect("json");
        assert_eq!(
            json,
            concat!(
                r#"{"plain":1576540098,"date_time":"1985-04-12T23:20:50.52Z","#,
                r#""http_date":"Sun, 06 Nov 1994 08:49:37 GMT","epoch":1.5,"#,
                r#""date_time_opt":"1970-01-01T00:00:00Z","#,
                r#""http_date_opt":"Tue, 29 Apr 2014 18:30:38 GMT","epoch_opt":-1}"#
            )
        );
        assert_eq!(
            serde_json::from_str::<Shape>(&json).expect("round trip"),
            value
        );

        let minimal = r#"{"plain":0,"date_time":"1970-01-01T00:00:00Z","http_date":"Thu, 01 Jan 1970 00:00:00 GMT","epoch":0}"#;
        let parsed: Shape = serde_json::from_str(minimal).expect("minimal");
        assert_eq!(parsed.date_time_opt, None);
        assert_eq!(parsed.http_date_opt, None);
        assert_eq!(parsed.epoch_opt, None);
        assert_eq!(serde_json::to_string(&parsed).expect("json"), minimal);

        let nulls = r#"{"plain":0,"date_time":"1970-01-01T00:00:00Z","http_date":"Thu, 01 Jan 1970 00:00:00 GMT","epoch":0,"date_time_opt":null,"http_date_opt":null,"epoch_opt":null}"#;
        let parsed: Shape = serde_json::from_str(nulls).expect("nulls");
        assert_eq!(parsed.date_time_opt, None);

        let offsets = r#"{"plain":0,"date_time":"2019-12-16T22:48:18-01:00","http_date":"Sun, 02 Jan 2000 20:34:56.456 GMT","epoch":0,"epoch_opt":1.25}"#;
        let parsed: Shape = serde_json::from_str(offsets).expect("offsets");
        assert_eq!(parsed.date_time, ts(1_576_540_098, 0));
        assert_eq!(parsed.http_date, ts(946_845_296, 456_000_000));
        assert_eq!(parsed.epoch_opt, Some(ts(1, 250_000_000)));
    }

    #[test]
    fn serde_helper_errors() {
        let bad_date = r#"{"plain":0,"date_time":"2019-02-29T00:00:00Z","http_date":"Thu, 01 Jan 1970 00:00:00 GMT","epoch":0}"#;
        let err = serde_json::from_str::<Shape>(bad_date)
            .expect_err("bad date")
            .to_string();
        assert!(
            err.contains("invalid date-time timestamp \"2019-02-29T00:00:00Z\""),
            "{err}"
        );
        let wrong_type =
            r#"{"plain":0,"date_time":5,"http_date":"Thu, 01 Jan 1970 00:00:00 GMT","epoch":0}"#;
        let err = serde_json::from_str::<Shape>(wrong_type)
            .expect_err("wrong type")
            .to_string();
        assert!(err.contains("RFC 3339"), "{err}");
        let bad_opt = r#"{"plain":0,"date_time":"1970-01-01T00:00:00Z","http_date":"Thu, 01 Jan 1970 00:00:00 GMT","epoch":0,"http_date_opt":"yesterday"}"#;
        let err = serde_json::from_str::<Shape>(bad_opt)
            .expect_err("bad opt")
            .to_string();
        assert!(err.contains("http-date"), "{err}");
        let string_epoch = r#"{"plain":0,"date_time":"1970-01-01T00:00:00Z","http_date":"Thu, 01 Jan 1970 00:00:00 GMT","epoch":0,"epoch_opt":"1"}"#;
        assert!(serde_json::from_str::<Shape>(string_epoch).is_err());
        let missing = r#"{"plain":0}"#;
        assert!(serde_json::from_str::<Shape>(missing).is_err());
    }
}
