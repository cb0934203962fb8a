//! Endpoint discovery (`aws.api#clientEndpointDiscovery`): some services
//! (Timestream Query and Write) answer most operations only on an endpoint
//! their discovery operation (`DescribeEndpoints`) names. A client calls
//! that operation, keeps the endpoints it gives for their
//! `CachePeriodInMinutes`, and sends the operations marked
//! `@aws.api#clientDiscoveredEndpoint` there.
//!
//! The rules are botocore's (`botocore/discovery.py`):
//!
//! - the cache is keyed by the operation and its `@clientEndpointDiscoveryId`
//!   members' values when it has any (and the discovery input takes them),
//!   else one entry serves every operation;
//! - an endpoint expires `CachePeriodInMinutes` after it was discovered;
//!   concurrent callers share one discovery;
//! - a failed discovery is not tried again for a minute; meanwhile an
//!   expired endpoint is still used if there is one, an operation that
//!   requires discovery fails (after one more try), and one for which it
//!   is optional goes to the regular endpoint;
//! - a response with the service's invalid-endpoint error (or HTTP 421)
//!   evicts the entry, and the call is made once more with a fresh one;
//! - discovered addresses have no scheme: `https://` is put before them (an
//!   address with `http://` or `https://` is taken as is).
//!
//! Whether discovery is used at all is the configuration's
//! [`EndpointDiscovery`](crate::config::EndpointDiscovery) setting (the
//! [`Handle`](crate::invoke::Handle) decides); an endpoint configured for
//! the service turns it off.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a failed discovery is not retried (botocore's minute).
pub const FAILURE_BACKOFF: Duration = Duration::from_secs(60);

/// One endpoint a discovery operation returned: its address (a host, or a
/// host and port, without a scheme) and for how many minutes it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredEndpoint {
    pub address: String,
    pub cache_period_in_minutes: i64,
}

/// A call of the service's discovery operation, as the generated client
/// makes it: the endpoints, or what went wrong in words.
pub type DiscoveryFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<DiscoveredEndpoint>, String>> + Send + 'a>>;

/// What a generated call of an operation with `@clientDiscoveredEndpoint`
/// tells the pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    /// The operation's name (`WriteRecords`).
    pub operation: &'static str,
    /// `@clientDiscoveredEndpoint(required: true)`.
    pub required: bool,
    /// The input's `@clientEndpointDiscoveryId` members that are set: model
    /// name and value.
    pub identifiers: Vec<(String, String)>,
    /// The code of the service's invalid-endpoint error (the trait's
    /// `error`; empty without one): such a response evicts the endpoint.
    pub invalid_endpoint_error: &'static str,
    /// The discovery operation's input takes `Operation` and `Identifiers`:
    /// the identifiers are sent, and key the cache.
    pub keyed: bool,
}

impl Discovery {
    /// `identifiers` are `(name, value)` pairs; unset ones (`None`) are left out.
    pub fn new(operation: &'static str, required: bool, identifiers: Vec<(&'static str, Option<String>)>, invalid_endpoint_error: &'static str, keyed: bool) -> Discovery {
        let identifiers = identifiers.into_iter().filter_map(|(k, v)| Some((k.to_string(), v?))).collect();
        Discovery { operation, required, identifiers, invalid_endpoint_error, keyed }
    }

    /// The cache entry this call's endpoint lives in.
    pub fn key(&self) -> CacheKey {
        if self.keyed && !self.identifiers.is_empty() {
            let mut identifiers = self.identifiers.clone();
            identifiers.sort();
            CacheKey { operation: Some(self.operation.to_string()), identifiers }
        } else {
            CacheKey::default()
        }
    }
}

/// What a cache entry is for: the operation and its identifiers, or
/// (without identifiers) every operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct CacheKey {
    pub operation: Option<String>,
    pub identifiers: Vec<(String, String)>,
}

#[derive(Debug, Default)]
struct Entry {
    /// Addresses (URLs, scheme included) and when each expires.
    endpoints: Vec<(String, Instant)>,
    /// Discovery failed: not tried again before this.
    failed_until: Option<Instant>,
}

/// What the cache says about a key at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// An endpoint within its cache period.
    Fresh(String),
    /// None fresh: discover (`stale` is the expired endpoint to fall back on).
    Discover { stale: Option<String> },
    /// None fresh and discovery failed less than a minute ago.
    RecentlyFailed { stale: Option<String> },
}

/// The discovered endpoints of one client, shared by its clones.
#[derive(Debug, Default)]
pub struct EndpointCache {
    entries: Mutex<BTreeMap<CacheKey, Entry>>,
    /// Held while discovering: concurrent callers wait for one discovery
    /// and then find its result.
    refreshing: tokio::sync::Mutex<()>,
}

/// `address` as a URL: `https://` before it unless it has a scheme.
pub fn endpoint_url(address: &str) -> String {
    let address = address.trim().trim_end_matches('/');
    if address.starts_with("http://") || address.starts_with("https://") {
        address.to_string()
    } else {
        format!("https://{address}")
    }
}

impl EndpointCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, BTreeMap<CacheKey, Entry>> {
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What the cache holds for `key` at `now`.
    pub fn lookup(&self, key: &CacheKey, now: Instant) -> Lookup {
        let entries = self.entries();
        let Some(entry) = entries.get(key) else { return Lookup::Discover { stale: None } };
        if let Some((url, _)) = entry.endpoints.iter().find(|(_, expires)| now < *expires) {
            return Lookup::Fresh(url.clone());
        }
        let stale = entry.endpoints.first().map(|(url, _)| url.clone());
        match entry.failed_until {
            Some(until) if now < until => Lookup::RecentlyFailed { stale },
            _ => Lookup::Discover { stale },
        }
    }

    /// Keep what a discovery at `now` gave for `key`: the endpoints with a
    /// usable address, or (when it failed or gave none) the failure, which
    /// holds off the next discovery for [`FAILURE_BACKOFF`] and keeps the
    /// expired endpoints. The first endpoint's URL, if any.
    pub fn store(&self, key: &CacheKey, now: Instant, discovered: Result<Vec<DiscoveredEndpoint>, String>) -> Result<String, String> {
        let mut entries = self.entries();
        let endpoints: Result<Vec<(String, Instant)>, String> = discovered.and_then(|list| {
            let usable: Vec<(String, Instant)> = list
                .into_iter()
                .filter(|e| !e.address.trim().is_empty())
                .map(|e| {
                    let minutes = u64::try_from(e.cache_period_in_minutes).unwrap_or(0);
                    let expires = now.checked_add(Duration::from_secs(minutes.saturating_mul(60))).or_else(|| now.checked_add(Duration::from_secs(86_400 * 365))).unwrap_or(now);
                    (endpoint_url(&e.address), expires)
                })
                .collect();
            if usable.is_empty() {
                Err("the discovery operation returned no endpoint".to_string())
            } else {
                Ok(usable)
            }
        });
        let entry = entries.entry(key.clone()).or_default();
        match endpoints {
            Ok(list) => {
                let first = list[0].0.clone();
                *entry = Entry { endpoints: list, failed_until: None };
                Ok(first)
            }
            Err(e) => {
                entry.failed_until = Some(now.checked_add(FAILURE_BACKOFF).unwrap_or(now));
                Err(e)
            }
        }
    }

    /// Forget the endpoints of `key` (the service said one is invalid).
    pub fn evict(&self, key: &CacheKey) {
        self.entries().remove(key);
    }

    /// The endpoint for `discovery`'s call: a fresh cached one, else one
    /// `discover` finds (one discovery at a time; callers that waited
    /// take its result), else an expired one. `Ok(None)`: discovery failed
    /// and is optional for the operation, use the regular endpoint; `Err`:
    /// it failed and the operation requires it.
    pub async fn endpoint<'a>(&self, discovery: &Discovery, now: impl Fn() -> Instant, discover: impl FnOnce() -> DiscoveryFuture<'a>) -> Result<Option<String>, String> {
        let key = discovery.key();
        if let Lookup::Fresh(url) = self.lookup(&key, now()) {
            return Ok(Some(url));
        }
        let _one_at_a_time = self.refreshing.lock().await;
        let (stale, recently_failed) = match self.lookup(&key, now()) {
            Lookup::Fresh(url) => return Ok(Some(url)),
            Lookup::Discover { stale } => (stale, false),
            Lookup::RecentlyFailed { stale } => (stale, true),
        };
        let mut discover = Some(discover);
        let mut failure = None;
        if !recently_failed {
            if let Some(d) = discover.take() {
                tracing::debug!(operation = discovery.operation, identifiers = ?key.identifiers, "discovering the endpoint");
                match self.store(&key, now(), d().await) {
                    Ok(url) => return Ok(Some(url)),
                    Err(e) => failure = Some(e),
                }
            }
        }
        if let Some(url) = stale {
            tracing::warn!(operation = discovery.operation, endpoint = %url, error = failure.as_deref().unwrap_or("failed recently"), "endpoint discovery failed: using an expired endpoint");
            return Ok(Some(url));
        }
        if !discovery.required {
            tracing::warn!(operation = discovery.operation, error = failure.as_deref().unwrap_or("failed recently"), "endpoint discovery failed: using the regular endpoint");
            return Ok(None);
        }
        // Required, and nothing to fall back on: one more try when the
        // last failure was an earlier call's.
        if let Some(d) = discover.take() {
            match self.store(&key, now(), d().await) {
                Ok(url) => return Ok(Some(url)),
                Err(e) => failure = Some(e),
            }
        }
        Err(format!(
            "endpoint discovery failed, and `{}` requires a discovered endpoint: {}",
            discovery.operation,
            failure.unwrap_or_default()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::block_on::block_on;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn found(address: &str, minutes: i64) -> Result<Vec<DiscoveredEndpoint>, String> {
        Ok(vec![DiscoveredEndpoint { address: address.into(), cache_period_in_minutes: minutes }])
    }

    fn discovery(required: bool, ids: Vec<(&'static str, Option<String>)>) -> Discovery {
        Discovery::new("Op", required, ids, "InvalidEndpointException", true)
    }

    #[test]
    fn addresses_get_https_unless_they_have_a_scheme() {
        assert_eq!(endpoint_url("ingest.timestream.us-east-1.amazonaws.com"), "https://ingest.timestream.us-east-1.amazonaws.com");
        assert_eq!(endpoint_url("http://127.0.0.1:9/"), "http://127.0.0.1:9");
        assert_eq!(endpoint_url("https://a.b"), "https://a.b");
    }

    #[test]
    fn endpoints_expire_after_their_cache_period() {
        let cache = EndpointCache::default();
        let key = CacheKey::default();
        let t0 = Instant::now();
        assert_eq!(cache.lookup(&key, t0), Lookup::Discover { stale: None });
        assert_eq!(cache.store(&key, t0, found("a.example", 2)).as_deref(), Ok("https://a.example"));
        assert_eq!(cache.lookup(&key, t0 + Duration::from_secs(119)), Lookup::Fresh("https://a.example".into()));
        assert_eq!(cache.lookup(&key, t0 + Duration::from_secs(120)), Lookup::Discover { stale: Some("https://a.example".into()) });
        // A period of zero expires at once.
        cache.store(&key, t0, found("b.example", 0)).expect("stored");
        assert_eq!(cache.lookup(&key, t0), Lookup::Discover { stale: Some("https://b.example".into()) });
        cache.evict(&key);
        assert_eq!(cache.lookup(&key, t0), Lookup::Discover { stale: None });
    }

    #[test]
    fn a_failure_holds_off_discovery_for_a_minute_and_keeps_the_stale_endpoint() {
        let cache = EndpointCache::default();
        let key = CacheKey::default();
        let t0 = Instant::now();
        cache.store(&key, t0, found("a.example", 1)).expect("stored");
        let t1 = t0 + Duration::from_secs(61);
        assert!(cache.store(&key, t1, Err("down".into())).is_err());
        assert_eq!(cache.lookup(&key, t1 + Duration::from_secs(59)), Lookup::RecentlyFailed { stale: Some("https://a.example".into()) });
        assert_eq!(cache.lookup(&key, t1 + Duration::from_secs(60)), Lookup::Discover { stale: Some("https://a.example".into()) });
        // An empty answer is a failure too, and so is one without an address.
        assert_eq!(cache.store(&key, t1, Ok(vec![])).unwrap_err(), "the discovery operation returned no endpoint");
        assert!(cache.store(&key, t1, found(" ", 5)).is_err());
        // Any period is taken without overflow; a negative one expires at once.
        let other = CacheKey { operation: Some("Op".into()), identifiers: vec![] };
        cache.store(&other, t1, found("far.example", i64::MAX)).expect("stored");
        assert_eq!(cache.lookup(&other, t1 + Duration::from_secs(86_400 * 300)), Lookup::Fresh("https://far.example".into()));
        cache.store(&other, t1, found("past.example", -5)).expect("stored");
        assert_eq!(cache.lookup(&other, t1), Lookup::Discover { stale: Some("https://past.example".into()) });
    }

    #[test]
    fn identifiers_key_the_cache_only_when_the_discovery_input_takes_them() {
        let with = discovery(true, vec![("TableName", Some("t".into())), ("Other", None)]);
        assert_eq!(with.key(), CacheKey { operation: Some("Op".into()), identifiers: vec![("TableName".into(), "t".into())] });
        assert_eq!(discovery(true, vec![("TableName", None)]).key(), CacheKey::default());
        let unkeyed = Discovery::new("Op", true, vec![("TableName", Some("t".into()))], "", false);
        assert_eq!(unkeyed.key(), CacheKey::default());
    }

    #[test]
    fn required_discovery_that_fails_is_an_error_and_optional_falls_back() {
        let cache = EndpointCache::default();
        let calls = AtomicU32::new(0);
        let fail = || -> DiscoveryFuture<'static> {
            calls.fetch_add(1, Ordering::SeqCst);
            Box::pin(async { Err::<Vec<DiscoveredEndpoint>, String>("connection refused".to_string()) })
        };
        let err = block_on(cache.endpoint(&discovery(true, vec![]), Instant::now, fail)).unwrap_err();
        assert!(err.contains("`Op` requires a discovered endpoint: connection refused"), "{err}");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Optional: the regular endpoint, and no new discovery within the minute.
        assert_eq!(block_on(cache.endpoint(&discovery(false, vec![]), Instant::now, fail)), Ok(None));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Required within the minute: tried once more.
        assert!(block_on(cache.endpoint(&discovery(true, vec![]), Instant::now, fail)).is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_fresh_endpoint_is_used_without_discovery() {
        let cache = EndpointCache::default();
        let calls = AtomicU32::new(0);
        let ok = || -> DiscoveryFuture<'static> {
            calls.fetch_add(1, Ordering::SeqCst);
            Box::pin(async { found("a.example", 5) })
        };
        for _ in 0..3 {
            assert_eq!(block_on(cache.endpoint(&discovery(true, vec![]), Instant::now, ok)), Ok(Some("https://a.example".into())));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
