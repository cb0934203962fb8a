//! The `adaptive` retry mode's client-side rate limiter: after a throttling
//! error, every request of the configuration waits for a token from a
//! bucket whose fill rate follows the CUBIC congestion-control curve: cut
//! to 70 % of the measured sending rate at each throttle, then growing back
//! along a cubic towards and past the rate that was throttled. The
//! algorithm and constants are the AWS SDKs' (botocore's
//! `botocore/retries/adaptive.py`, `bucket.py`); a test compares the rates
//! with botocore's for the same events.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Multiplicative decrease at a throttle.
const BETA: f64 = 0.7;
/// How fast the rate grows back.
const SCALE_CONSTANT: f64 = 0.4;
/// The bucket's fill rate never falls below this (requests per second).
const MIN_FILL_RATE: f64 = 0.5;
/// The rate may rise to at most this many times the measured sending rate.
const MAX_RATE_ADJUST_SCALE: f64 = 2.0;
/// Smoothing of the measured sending rate.
const SMOOTHING: f64 = 0.8;
/// The measured rate is updated every half second.
const TIME_BUCKET_SCALE: f64 = 2.0;

/// The limiter's state, as numbers (for tests and logs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateSnapshot {
    /// The smoothed rate of responses received (per second).
    pub measured_rate: f64,
    /// The bucket's fill rate (tokens per second).
    pub fill_rate: f64,
    /// Whether requests wait for tokens (after the first throttle).
    pub enabled: bool,
}

#[derive(Debug)]
struct State {
    // CUBIC.
    w_max: f64,
    k: f64,
    last_fail: f64,
    // The measured rate.
    measured_rate: f64,
    last_bucket: f64,
    count: f64,
    // The token bucket.
    fill_rate: f64,
    max_capacity: f64,
    capacity: f64,
    last_refill: Option<f64>,
    enabled: bool,
}

/// One per configuration built with `RetryMode::Adaptive`, shared by its
/// clients.
#[derive(Debug)]
pub struct ClientRateLimiter {
    start: Instant,
    state: Mutex<State>,
}

impl Default for ClientRateLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientRateLimiter {
    pub fn new() -> Self {
        ClientRateLimiter { start: Instant::now(), state: Mutex::new(State::at(0.0)) }
    }

    fn now(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Before sending: how long to wait for a token (zero until the first
    /// throttle). The token is taken now, so concurrent callers queue.
    pub fn acquire(&self) -> Duration {
        let now = self.now();
        Duration::from_secs_f64(self.state().acquire_at(now))
    }

    /// After a response (`throttled`: a throttling error).
    pub fn on_response(&self, throttled: bool) -> RateSnapshot {
        let now = self.now();
        self.state().response_at(now, throttled)
    }

    /// The limiter's rates, for a sequence of responses at given times
    /// (seconds from the start): what `on_response` would give. For tests.
    pub fn simulate(events: &[(f64, bool)]) -> Vec<RateSnapshot> {
        let mut s = State::at(0.0);
        events.iter().map(|&(t, throttled)| s.response_at(t, throttled)).collect()
    }
}

impl State {
    fn at(t: f64) -> State {
        let mut s = State {
            w_max: 0.0,
            k: 0.0,
            last_fail: t,
            measured_rate: 0.0,
            last_bucket: t.floor(),
            count: 0.0,
            fill_rate: 0.0,
            max_capacity: 0.0,
            capacity: 0.0,
            last_refill: None,
            enabled: false,
        };
        s.k = s.zero_point();
        s.set_max_rate(1.0, t);
        s
    }

    fn zero_point(&self) -> f64 {
        (self.w_max * (1.0 - BETA) / SCALE_CONSTANT).cbrt()
    }

    fn refill(&mut self, t: f64) {
        if let Some(last) = self.last_refill {
            self.capacity = (self.capacity + (t - last) * self.fill_rate).min(self.max_capacity);
        }
        self.last_refill = Some(t);
    }

    fn set_max_rate(&mut self, rate: f64, t: f64) {
        let rate = rate.max(MIN_FILL_RATE);
        self.refill(t);
        self.fill_rate = rate;
        self.max_capacity = rate.max(1.0);
        self.capacity = self.capacity.min(self.max_capacity);
    }

    fn acquire_at(&mut self, t: f64) -> f64 {
        if !self.enabled {
            return 0.0;
        }
        self.refill(t);
        self.capacity -= 1.0;
        if self.capacity >= 0.0 {
            0.0
        } else {
            -self.capacity / self.fill_rate
        }
    }

    fn record(&mut self, t: f64) -> f64 {
        let bucket = (t * TIME_BUCKET_SCALE).floor() / TIME_BUCKET_SCALE;
        self.count += 1.0;
        if bucket > self.last_bucket {
            let current = self.count / (bucket - self.last_bucket);
            self.measured_rate = current * SMOOTHING + self.measured_rate * (1.0 - SMOOTHING);
            self.count = 0.0;
            self.last_bucket = bucket;
        }
        self.measured_rate
    }

    fn response_at(&mut self, t: f64, throttled: bool) -> RateSnapshot {
        let measured = self.record(t);
        let new_rate = if throttled {
            let rate = if self.enabled { measured.min(self.fill_rate) } else { measured };
            self.w_max = rate;
            self.k = self.zero_point();
            self.last_fail = t;
            self.enabled = true;
            rate * BETA
        } else {
            SCALE_CONSTANT * (t - self.last_fail - self.k).powi(3) + self.w_max
        };
        self.set_max_rate(new_rate.min(MAX_RATE_ADJUST_SCALE * measured), t);
        RateSnapshot { measured_rate: self.measured_rate, fill_rate: self.fill_rate, enabled: self.enabled }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_throttle_turns_the_bucket_on_and_cuts_the_rate() {
        let events: Vec<(f64, bool)> = (0..20).map(|i| (f64::from(i) * 0.1, false)).chain([(2.0, true)]).collect();
        let out = ClientRateLimiter::simulate(&events);
        assert!(!out[18].enabled);
        let last = out.last().unwrap();
        assert!(last.enabled);
        assert!(last.fill_rate <= last.measured_rate * BETA + 1e-9, "{last:?}");
    }

    #[test]
    fn waits_grow_when_tokens_run_out() {
        let mut s = State::at(0.0);
        s.enabled = true;
        s.set_max_rate(1.0, 0.0);
        s.capacity = 1.0;
        assert_eq!(s.acquire_at(0.0), 0.0);
        let first = s.acquire_at(0.0);
        let second = s.acquire_at(0.0);
        assert!((first - 1.0).abs() < 1e-9 && (second - 2.0).abs() < 1e-9, "{first} {second}");
    }
}
