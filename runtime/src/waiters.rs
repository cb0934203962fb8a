//! Waiters (`smithy.waiters#waitable`): poll an operation until its result
//! matches one of the waiter's acceptors, as the Smithy waiters
//! specification describes.
//!
//! Each generated waiter is a classifier (the model's acceptors, lowered to
//! typed Rust at generation time) and a call of [`run`], which owns the loop:
//!
//! - the first attempt is made at once; each result is classified by the
//!   acceptors in model order, the first match deciding: `success` ends the
//!   wait with [`FinalPoll`], `failure` with [`WaiterError::FailureState`],
//!   `retry` waits and tries again;
//! - an error no acceptor matches ends the wait with
//!   [`WaiterError::UnexpectedError`]; an output no acceptor matches is
//!   retried;
//! - the delay before attempt `n + 1` is [`delay`]: exponential from
//!   `min_delay`, capped at `max_delay`, jittered uniformly between
//!   `min_delay` and that cap, and never past the time left; when less than
//!   `min_delay` is left, the wait ends with [`WaiterError::MaxWaitExceeded`].
//!
//! An attempt runs for at most the time left of the maximum wait (raced
//! against the configuration's `Sleep`); one still running then is dropped
//! and the wait ends with [`WaiterError::MaxWaitExceeded`] without a last
//! result.
//!
//! Time is counted as the delays slept plus the time each attempt took, so a
//! configuration whose `Sleep` does not really sleep (tests) sees the same
//! schedule as a real one. Sleeping goes through the configuration's
//! [`Sleep`](crate::transport::Sleep).

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::OperationError;
use crate::transport::race::{first, First};

/// What an acceptor decides when it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptorState {
    /// The waiter is done: the resource is in the state waited for.
    Success,
    /// The resource will never reach that state: stop with an error.
    Failure,
    /// Not yet: wait and poll again.
    Retry,
}

/// A waiter's delays from the model (`minDelay`, `maxDelay`; 2 and 120
/// seconds unless the model says otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The shortest delay between two attempts (`minDelay`).
    pub min_delay: Duration,
    /// The longest delay between two attempts (`maxDelay`).
    pub max_delay: Duration,
}

impl Schedule {
    /// The model's delays, in seconds.
    pub const fn seconds(min_delay: u64, max_delay: u64) -> Schedule {
        Schedule { min_delay: Duration::from_secs(min_delay), max_delay: Duration::from_secs(max_delay) }
    }
}

/// A random number in `[0, 1)`, for the jitter of delays.
pub type Jitter = Arc<dyn Fn() -> f64 + Send + Sync>;

/// How long to wait, and (optionally) other delays than the model's:
/// `Wait::new(Duration::from_secs(300))`, or a `Duration` where a
/// waiter takes `impl Into<Wait>`.
#[derive(Clone)]
#[non_exhaustive]
pub struct Wait {
    /// The longest the whole wait may take, attempts and delays included.
    pub max_wait: Duration,
    /// Replaces the model's `minDelay`.
    pub min_delay: Option<Duration>,
    /// Replaces the model's `maxDelay`.
    pub max_delay: Option<Duration>,
    /// The source of the delays' jitter (a secure random source unless set).
    pub jitter: Option<Jitter>,
}

impl Wait {
    /// Wait at most `max_wait`, with the model's delays.
    pub fn new(max_wait: Duration) -> Wait {
        Wait { max_wait, min_delay: None, max_delay: None, jitter: None }
    }

    /// The shortest delay between two attempts (instead of the model's `minDelay`).
    pub fn min_delay(mut self, delay: Duration) -> Wait {
        self.min_delay = Some(delay);
        self
    }

    /// The longest delay between two attempts (instead of the model's `maxDelay`).
    pub fn max_delay(mut self, delay: Duration) -> Wait {
        self.max_delay = Some(delay);
        self
    }

    /// Where the jitter comes from: a function returning numbers in
    /// `[0, 1)` (values outside are clamped). Tests fix it to get exact
    /// delays; `|| 1.0` always takes the longest delay allowed.
    pub fn jitter(mut self, random: impl Fn() -> f64 + Send + Sync + 'static) -> Wait {
        self.jitter = Some(Arc::new(random));
        self
    }
}

impl From<Duration> for Wait {
    fn from(max_wait: Duration) -> Wait {
        Wait::new(max_wait)
    }
}

impl fmt::Debug for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("max_wait", &self.max_wait)
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .field("jitter", &self.jitter.as_ref().map(|_| "custom"))
            .finish()
    }
}

/// The delay before attempt `attempt + 1` (`attempt` ≥ 1 attempts made so
/// far), with `remaining` time left and `random` in `[0, 1)`, as the Smithy
/// waiters specification computes it: the cap `min(max_delay, min_delay ·
/// 2^(attempt-1))`, a delay uniformly between `min_delay` and the cap, and,
/// when that would leave less than `min_delay` for the last attempt,
/// `remaining - min_delay`. `None` when less than `min_delay` is left: no
/// attempt follows.
pub fn delay(schedule: Schedule, attempt: u32, remaining: Duration, random: f64) -> Option<Duration> {
    let Schedule { min_delay, max_delay } = schedule;
    if remaining < min_delay {
        return None;
    }
    let exp = attempt.saturating_sub(1).min(62);
    let cap = min_delay.checked_mul(1u32.checked_shl(exp).unwrap_or(u32::MAX)).unwrap_or(max_delay).min(max_delay).max(min_delay);
    let random = if random.is_finite() { random.clamp(0.0, 1.0) } else { 0.5 };
    let mut delay = min_delay + (cap - min_delay).mul_f64(random);
    if remaining.saturating_sub(delay) <= min_delay {
        delay = remaining - min_delay;
    }
    Some(delay)
}

/// A random number in `[0, 1)`.
fn secure_random() -> f64 {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 8];
    if ring::rand::SystemRandom::new().fill(&mut bytes).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

/// How a wait that reached a success state ended: the result that matched
/// (an output, or an error for waiters that wait for one, such as S3's
/// `BucketNotExists`), how many attempts it took and how long.
#[derive(Debug)]
#[non_exhaustive]
pub struct FinalPoll<O, E> {
    /// The result the success acceptor matched.
    pub result: Result<O, E>,
    /// Attempts made, the last included.
    pub attempts: u32,
    /// The time the attempts took plus the delays slept.
    pub elapsed: Duration,
}

impl<O, E> FinalPoll<O, E> {
    /// The output, when the success state was reached by one.
    pub fn output(&self) -> Option<&O> {
        self.result.as_ref().ok()
    }

    /// The result that matched.
    pub fn into_result(self) -> Result<O, E> {
        self.result
    }
}

/// Why a wait ended without reaching a success state.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaiterError<O, E> {
    /// An acceptor in the `failure` state matched: the resource will not
    /// reach the state waited for.
    FailureState {
        /// The waiter's name in the model.
        waiter: &'static str,
        /// The acceptor that matched (its index in the model).
        acceptor: usize,
        /// Attempts made.
        attempts: u32,
        /// What matched.
        last: Box<Result<O, E>>,
    },
    /// The operation failed with an error no acceptor matches (a
    /// validation error, a transport failure, access denied...).
    UnexpectedError {
        /// The waiter's name in the model.
        waiter: &'static str,
        /// Attempts made.
        attempts: u32,
        /// The operation's error.
        error: Box<E>,
    },
    /// The longest wait allowed passed (or too little of it was left for
    /// another attempt) while the acceptors still said to retry.
    MaxWaitExceeded {
        /// The waiter's name in the model.
        waiter: &'static str,
        /// The maximum wait.
        max_wait: Duration,
        /// Attempts made (the last one cut off when `last` is `None`).
        attempts: u32,
        /// The last attempt's result; `None` when the maximum wait passed
        /// while the last attempt was still running.
        last: Option<Box<Result<O, E>>>,
    },
    /// The wait cannot run as asked: its maximum wait is shorter than its
    /// minimum delay, or its minimum delay is zero or over its maximum
    /// delay. Nothing was sent.
    InvalidWait {
        /// The waiter's name in the model.
        waiter: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl<O, E> WaiterError<O, E> {
    /// The waiter's name in the model (`BucketExists`).
    pub fn waiter(&self) -> &'static str {
        match self {
            WaiterError::FailureState { waiter, .. }
            | WaiterError::UnexpectedError { waiter, .. }
            | WaiterError::MaxWaitExceeded { waiter, .. }
            | WaiterError::InvalidWait { waiter, .. } => waiter,
        }
    }

    /// Attempts made (0 for `InvalidWait`).
    pub fn attempts(&self) -> u32 {
        match self {
            WaiterError::FailureState { attempts, .. }
            | WaiterError::UnexpectedError { attempts, .. }
            | WaiterError::MaxWaitExceeded { attempts, .. } => *attempts,
            WaiterError::InvalidWait { .. } => 0,
        }
    }

    /// The last attempt's result, when there was one.
    pub fn last_result(&self) -> Option<Result<&O, &E>> {
        match self {
            WaiterError::FailureState { last, .. } => Some(last.as_ref().as_ref()),
            WaiterError::MaxWaitExceeded { last, .. } => last.as_deref().map(Result::as_ref),
            WaiterError::UnexpectedError { error, .. } => Some(Err(error)),
            WaiterError::InvalidWait { .. } => None,
        }
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

impl<O, E: fmt::Display> fmt::Display for WaiterError<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaiterError::FailureState { waiter, acceptor, attempts, last } => {
                write!(f, "waiter {waiter}: reached a failure state (acceptor {acceptor}) after {attempts} attempt{}", plural(*attempts))?;
                if let Err(e) = last.as_ref() {
                    write!(f, ": {e}")?;
                }
                Ok(())
            }
            WaiterError::UnexpectedError { waiter, attempts, error } => {
                write!(f, "waiter {waiter}: unexpected error on attempt {attempts}: {error}")
            }
            WaiterError::MaxWaitExceeded { waiter, max_wait, attempts, last } => {
                write!(
                    f,
                    "waiter {waiter}: gave up after {attempts} attempt{} within the maximum wait of {:.1} s; the last attempt {}",
                    plural(*attempts),
                    max_wait.as_secs_f64(),
                    match last.as_deref() {
                        Some(Ok(_)) => "returned an output that matched no success or failure acceptor".to_string(),
                        Some(Err(e)) => format!("failed: {e}"),
                        None => "was still running when the maximum wait passed".to_string(),
                    }
                )
            }
            WaiterError::InvalidWait { waiter, message } => write!(f, "waiter {waiter}: {message}; nothing was sent"),
        }
    }
}

impl<O: fmt::Debug, E: std::error::Error + 'static> std::error::Error for WaiterError<O, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaiterError::UnexpectedError { error, .. } => Some(error.as_ref()),
            WaiterError::FailureState { last, .. } => last.as_ref().as_ref().err().map(|e| e as &(dyn std::error::Error + 'static)),
            WaiterError::MaxWaitExceeded { last, .. } => {
                last.as_deref().and_then(|r| r.as_ref().err()).map(|e| e as &(dyn std::error::Error + 'static))
            }
            WaiterError::InvalidWait { .. } => None,
        }
    }
}

/// The acceptor index and state of the first acceptor that matches, as
/// generated classifiers return it.
pub type Matched = Option<(usize, AcceptorState)>;

/// Poll with `call` until `classify` (the waiter's acceptors) reaches a
/// terminal state, sleeping with the configuration's `Sleep` between
/// attempts (see the module's documentation for the rules).
pub async fn run<O, E, F, Fut>(
    config: &Config,
    waiter: &'static str,
    schedule: Schedule,
    wait: Wait,
    mut call: F,
    classify: impl Fn(&Result<O, E>) -> Matched,
) -> Result<FinalPoll<O, E>, WaiterError<O, E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<O, E>>,
{
    let schedule =
        Schedule { min_delay: wait.min_delay.unwrap_or(schedule.min_delay), max_delay: wait.max_delay.unwrap_or(schedule.max_delay) };
    if schedule.min_delay.is_zero() || schedule.min_delay > schedule.max_delay {
        let message = format!(
            "the minimum delay ({:.1} s) must be over zero and at most the maximum delay ({:.1} s)",
            schedule.min_delay.as_secs_f64(),
            schedule.max_delay.as_secs_f64()
        );
        return Err(WaiterError::InvalidWait { waiter, message });
    }
    if wait.max_wait < schedule.min_delay {
        let message = format!(
            "the maximum wait ({:.1} s) is shorter than the minimum delay between attempts ({:.1} s)",
            wait.max_wait.as_secs_f64(),
            schedule.min_delay.as_secs_f64()
        );
        return Err(WaiterError::InvalidWait { waiter, message });
    }
    let jitter = wait.jitter.clone();
    let random = move || jitter.as_ref().map_or_else(secure_random, |j| j());
    let mut elapsed = Duration::ZERO;
    let mut attempts = 0u32;
    loop {
        attempts = attempts.saturating_add(1);
        let started = Instant::now();
        // At most the time left: the timer starts only if the call does not
        // finish at its first poll (an async block is lazy).
        let remaining = wait.max_wait.saturating_sub(elapsed);
        let sleep = &config.sleep;
        let result = match first(call(), async move { sleep.sleep(remaining).await }).await {
            First::Left(result) => result,
            First::Right(()) => {
                tracing::debug!(waiter, attempt = attempts, "waiter attempt cut off at the maximum wait");
                return Err(WaiterError::MaxWaitExceeded { waiter, max_wait: wait.max_wait, attempts, last: None });
            }
        };
        elapsed = elapsed.saturating_add(started.elapsed());
        let matched = classify(&result);
        tracing::debug!(waiter, attempt = attempts, state = ?matched.map(|m| m.1), "waiter attempt");
        match matched {
            Some((_, AcceptorState::Success)) => return Ok(FinalPoll { result, attempts, elapsed }),
            Some((acceptor, AcceptorState::Failure)) => {
                return Err(WaiterError::FailureState { waiter, acceptor, attempts, last: Box::new(result) })
            }
            None => {
                if let Err(error) = result {
                    return Err(WaiterError::UnexpectedError { waiter, attempts, error: Box::new(error) });
                }
            }
            Some((_, AcceptorState::Retry)) => {}
        }
        let remaining = wait.max_wait.saturating_sub(elapsed);
        let Some(delay) = delay(schedule, attempts, remaining, random()) else {
            return Err(WaiterError::MaxWaitExceeded { waiter, max_wait: wait.max_wait, attempts, last: Some(Box::new(result)) });
        };
        config.sleep.sleep(delay).await;
        elapsed = elapsed.saturating_add(delay);
    }
}

/// The `errorType` matcher: the error's code is one of `codes`.
pub fn error_is<E: OperationError>(error: &E, codes: &[&str]) -> bool {
    error.code().is_some_and(|c| codes.contains(&c))
}

/// The `allStringEquals` comparator: a non-empty list whose every value is `expected`.
pub fn all_string_equals(values: Option<&[&str]>, expected: &str) -> bool {
    values.is_some_and(|v| !v.is_empty() && v.iter().all(|s| *s == expected))
}

/// The `anyStringEquals` comparator: a list with a value equal to `expected`.
pub fn any_string_equals(values: Option<&[&str]>, expected: &str) -> bool {
    values.is_some_and(|v| v.contains(&expected))
}

/// `&&` of two booleans as JMESPath has it: the left value unless it is
/// true, else the right one.
pub fn and(l: Option<bool>, r: Option<bool>) -> Option<bool> {
    if l == Some(true) {
        r
    } else {
        l
    }
}

/// `||` of two booleans as JMESPath has it: the left value if it is true,
/// else the right one.
pub fn or(l: Option<bool>, r: Option<bool>) -> Option<bool> {
    if l == Some(true) {
        l
    } else {
        r
    }
}

/// How two numbers order (`<`, `<=`, `>`, `>=`); `None` when either is
/// null (or NaN), which JMESPath makes null.
pub fn order(l: Option<Number>, r: Option<Number>) -> Option<std::cmp::Ordering> {
    l?.partial_cmp(&r?)
}

/// A number a waiter's expression reads: an integer member (`long` and
/// `bigInteger` too, whose values above 2^53 an `f64` would round) or a
/// length stays an integer, a floating-point one a float, and the two
/// compare by their exact values.
#[derive(Debug, Clone, Copy)]
pub enum Number {
    /// An integer.
    Int(i128),
    /// A floating-point number.
    Float(f64),
}

macro_rules! number_from {
    ($($t:ty => $v:ident),*) => {
        $(impl From<$t> for Number {
            fn from(n: $t) -> Number {
                Number::$v(n.into())
            }
        })*
    };
}
number_from!(i8 => Int, i16 => Int, i32 => Int, i64 => Int, i128 => Int, f32 => Float, f64 => Float);

impl From<usize> for Number {
    /// A length.
    fn from(n: usize) -> Number {
        Number::Int(i128::try_from(n).unwrap_or(i128::MAX))
    }
}

/// An integer against a float, exactly (`None` for NaN).
fn int_float(i: i128, f: f64) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering;
    // 2^127: every i128 is below it and at or above its negation.
    const BOUND: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
    if f.is_nan() {
        return None;
    }
    if f >= BOUND {
        return Some(Ordering::Less);
    }
    if f < -BOUND {
        return Some(Ordering::Greater);
    }
    let whole = f.trunc();
    // In range, so the cast is exact.
    #[allow(clippy::cast_possible_truncation)]
    let w = whole as i128;
    Some(i.cmp(&w).then(if f > whole {
        Ordering::Less
    } else if f < whole {
        Ordering::Greater
    } else {
        Ordering::Equal
    }))
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<std::cmp::Ordering> {
        match (*self, *other) {
            (Number::Int(a), Number::Int(b)) => Some(a.cmp(&b)),
            (Number::Float(a), Number::Float(b)) => a.partial_cmp(&b),
            (Number::Int(a), Number::Float(b)) => int_float(a, b),
            (Number::Float(a), Number::Int(b)) => int_float(b, a).map(std::cmp::Ordering::reverse),
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.partial_cmp(other) == Some(std::cmp::Ordering::Equal)
    }
}

/// A waiter's fluent call (`client.wait_until_bucket_exists().bucket("b")
/// .wait(Duration::from_secs(60))`), holding a clone of the client:
/// `Name, Client, InputBuilder, with_fn, Output, Error, { members as for
/// builder! }`. The setters are the operation's fluent setters; `wait` calls
/// `Client::with_fn` with the input and the `Wait`.
#[doc(hidden)]
#[macro_export]
macro_rules! __waiters_waiter {
    ($name:ident, $client:ty, $builder:ty, $with:ident, $output:ty, $error:ty, { $($field:ident ($setter:ident, $set:ident, $get:ident) $wire:literal : $mkind:ident ($($t:ty),+) $req:ident),* $(,)? }) => {
        #[doc = concat!(" The `", stringify!($name), "` waiter being set up: set the operation's input members, then `wait`.")]
        #[derive(Debug, Clone)]
        pub struct $name {
            client: $client,
            input: $builder,
        }

        impl $name {
            #[doc(hidden)]
            pub fn new(client: &$client) -> Self {
                $name { client: ::std::clone::Clone::clone(client), input: ::std::default::Default::default() }
            }

            /// The input as set so far.
            pub fn as_input(&self) -> &$builder {
                &self.input
            }

            $( $crate::types::builders::fluent!(@setter $setter $set $get $mkind ($($t),+)); )*

            /// Poll until the waiter's success state, for at most `wait`
            /// (a `Duration`, or a [`Wait`]($crate::waiters::Wait) with other delays).
            // A deprecated waiter's `with_fn` is deprecated; its entry method says so.
            #[allow(deprecated)]
            pub async fn wait(
                self,
                wait: impl ::std::convert::Into<$crate::waiters::Wait>,
            ) -> ::std::result::Result<$crate::waiters::FinalPoll<$output, $error>, $crate::waiters::WaiterError<$output, $error>> {
                self.client.$with(self.input.unchecked(), wait).await
            }
        }
    };
}
#[doc(hidden)]
pub use __waiters_waiter as waiter;

#[cfg(test)]
mod tests {
    use super::*;

    const S: Schedule = Schedule::seconds(2, 120);

    fn secs(d: Option<Duration>) -> Option<f64> {
        d.map(|d| d.as_secs_f64())
    }

    #[test]
    fn delays_grow_exponentially_up_to_the_cap() {
        let big = Duration::from_secs(10_000);
        // random 1.0: the cap itself.
        let caps: Vec<f64> = (1..=9).map(|a| secs(delay(S, a, big, 1.0)).unwrap()).collect();
        assert_eq!(caps, [2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 120.0, 120.0, 120.0]);
        // random 0.0: the minimum delay.
        assert_eq!(secs(delay(S, 5, big, 0.0)), Some(2.0));
        // random 0.5: halfway between the minimum and the cap.
        assert_eq!(secs(delay(S, 3, big, 0.5)), Some(5.0));
        // a huge attempt number neither overflows nor passes the cap.
        assert_eq!(secs(delay(S, u32::MAX, big, 1.0)), Some(120.0));
        // a bad random value stays in range.
        let d = delay(S, 4, big, f64::NAN).unwrap();
        assert!(d >= Duration::from_secs(2) && d <= Duration::from_secs(16));
        assert_eq!(secs(delay(S, 4, big, 7.0)), Some(16.0));
    }

    #[test]
    fn delays_leave_time_for_one_last_attempt() {
        // 10 s left, a 8 s delay would leave 2 s (= min_delay): 10 - 2 = 8.
        assert_eq!(secs(delay(S, 3, Duration::from_secs(10), 1.0)), Some(8.0));
        // 5 s left, the cap 8 s: shortened to 5 - 2 = 3 s.
        assert_eq!(secs(delay(S, 3, Duration::from_secs(5), 1.0)), Some(3.0));
        // exactly min_delay left: a zero delay, then one more attempt.
        assert_eq!(secs(delay(S, 3, Duration::from_secs(2), 1.0)), Some(0.0));
        // less than min_delay left: no more attempts.
        assert_eq!(delay(S, 3, Duration::from_millis(1999), 0.0), None);
    }

    #[test]
    fn comparators() {
        assert!(all_string_equals(Some(&["a", "a"]), "a"));
        assert!(!all_string_equals(Some(&["a", "b"]), "a"));
        assert!(!all_string_equals(Some(&[]), "a"), "an empty list does not match");
        assert!(!all_string_equals(None, "a"));
        assert!(any_string_equals(Some(&["b", "a"]), "a"));
        assert!(!any_string_equals(Some(&[]), "a"));
        assert!(!any_string_equals(None, "a"));
    }

    /// Finishes at once, recording each duration asked for.
    #[derive(Debug, Default)]
    struct Instant0(std::sync::Mutex<Vec<Duration>>);

    impl crate::transport::Sleep for Instant0 {
        fn sleep(&self, d: Duration) -> crate::transport::BoxFuture<'static, ()> {
            self.0.lock().unwrap().push(d);
            Box::pin(std::future::ready(()))
        }
    }

    fn config_with(sleep: Arc<Instant0>) -> Config {
        Config::builder().region("us-east-1").endpoint("http://127.0.0.1:1").sleep(sleep).build().expect("config")
    }

    #[test]
    fn an_attempt_runs_for_at_most_the_time_left() {
        let sleep = Arc::new(Instant0::default());
        let config = config_with(sleep.clone());
        let wait = Wait::new(Duration::from_secs(30));
        // A call that never finishes is cut off at the maximum wait.
        let r = crate::transport::block_on::block_on(run(
            &config,
            "Slow",
            S,
            wait.clone(),
            std::future::pending::<Result<(), std::io::Error>>,
            |_| None,
        ));
        let Err(e) = r else { panic!("cut off") };
        assert!(matches!(e, WaiterError::MaxWaitExceeded { attempts: 1, last: None, .. }), "{e:?}");
        assert_eq!(e.last_result().map(|r| r.is_ok()), None);
        assert!(e.to_string().ends_with("the last attempt was still running when the maximum wait passed"), "{e}");
        assert_eq!(*sleep.0.lock().unwrap(), [Duration::from_secs(30)], "the attempt's timer is the time left");
        // A call finishing at its first poll starts no timer.
        let sleep = Arc::new(Instant0::default());
        let config = config_with(sleep.clone());
        let mut n = 0;
        let r = crate::transport::block_on::block_on(run(
            &config,
            "Quick",
            S,
            wait,
            || {
                n += 1;
                std::future::ready(Ok::<u32, std::io::Error>(n))
            },
            |r| (r.as_ref().ok() == Some(&2)).then_some((0, AcceptorState::Success)),
        ));
        assert_eq!(r.expect("success").attempts, 2);
        assert_eq!(sleep.0.lock().unwrap().len(), 1, "only the delay between the attempts: {:?}", sleep.0.lock().unwrap());
    }

    #[test]
    fn numbers_compare_exactly() {
        use std::cmp::Ordering::*;
        let big = 9_007_199_254_740_993_i64; // 2^53 + 1, which f64 rounds to 2^53
        assert_ne!(Number::from(big), Number::from(big - 1));
        assert_eq!(order(Some(Number::from(big)), Some(Number::from(big - 1))), Some(Greater));
        assert_ne!(Number::from(big), Number::from(9_007_199_254_740_992.0));
        assert_eq!(Number::from(big - 1), Number::from(9_007_199_254_740_992.0));
        assert_eq!(Number::from(3), Number::from(3.0));
        assert_eq!(order(Some(Number::from(1)), Some(Number::from(1.5))), Some(Less));
        assert_eq!(order(Some(Number::from(-1)), Some(Number::from(-1.5))), Some(Greater));
        assert_eq!(order(Some(Number::from(2.5)), Some(Number::from(2))), Some(Greater));
        assert_eq!(order(Some(Number::from(i128::MAX)), Some(Number::from(f64::MAX))), Some(Less));
        assert_eq!(order(Some(Number::from(i128::MIN)), Some(Number::from(f64::MIN))), Some(Greater));
        assert_eq!(order(Some(Number::from(0)), Some(Number::from(f64::NAN))), None);
        assert_eq!(order(None, Some(Number::from(0))), None);
        assert_eq!(Number::from(2usize), Number::from(2));
    }

    #[test]
    fn errors_say_what_happened() {
        let e: WaiterError<(), std::io::Error> = WaiterError::MaxWaitExceeded {
            waiter: "BucketExists",
            max_wait: Duration::from_secs(5),
            attempts: 2,
            last: Some(Box::new(Err(std::io::Error::other("NotFound (HTTP 404)")))),
        };
        assert_eq!(
            e.to_string(),
            "waiter BucketExists: gave up after 2 attempts within the maximum wait of 5.0 s; the last attempt failed: NotFound (HTTP 404)"
        );
        assert_eq!((e.waiter(), e.attempts()), ("BucketExists", 2));
        assert!(std::error::Error::source(&e).is_some());
        let e: WaiterError<(), std::io::Error> =
            WaiterError::FailureState { waiter: "StackCreateComplete", acceptor: 1, attempts: 1, last: Box::new(Ok(())) };
        assert_eq!(e.to_string(), "waiter StackCreateComplete: reached a failure state (acceptor 1) after 1 attempt");
    }
}
