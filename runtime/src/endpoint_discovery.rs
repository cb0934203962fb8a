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
//! - a failed discovery is not tried again for a minute; meanwhile an
//!   expired endpoint is still used if there is one, an operation that
//!   requires discovery fails (after one more try), and one for which it
//!   is optional goes to the regular endpoint;
//! - a response with the service's invalid-endpoint error (or HTTP 421)
//!   evicts the entry (if it still holds the refused endpoint), and the
//!   call is made once more with a fresh one.
//!
//! Beyond botocore (which has no locking): one discovery per key is in
//! flight at a time. A caller without a usable endpoint waits for it (and
//! becomes the discovering caller if that one is cancelled); a caller with
//! an expired endpoint uses it meanwhile; other keys are not held up. The
//! cache keeps at most [`CACHE_LIMIT`] keys (identifiers can come from
//! user input): a new key first drops the entries that expired, then the
//! oldest.
//!
//! Discovered addresses must be `host[:port]` (a DNS name, an IPv4 address
//! or `[IPv6]`), optionally after `https://`; `https://` is put before them.
//! `http://` is accepted only when the service's regular endpoint is
//! itself `http://` (a local emulator): signed requests never go out in
//! cleartext because a response said so. Any other address (user info, a
//! path, a query, another scheme) is a failed discovery, never a request.
//!
//! Whether discovery is used at all is the configuration's
//! [`EndpointDiscovery`](crate::config::EndpointDiscovery) setting (the
//! [`Handle`](crate::invoke::Handle) decides); an endpoint configured for
//! the service turns it off.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a failed discovery is not retried (botocore's minute).
pub const FAILURE_BACKOFF: Duration = Duration::from_secs(60);

/// The most keys a client's cache holds.
pub const CACHE_LIMIT: usize = 1000;

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

#[derive(Debug)]
struct Entry {
    /// Addresses (URLs, scheme included) and when each expires.
    endpoints: Vec<(String, Instant)>,
    /// Discovery failed: not tried again before this.
    failed_until: Option<Instant>,
    /// When the entry was last written (the oldest goes first when the
    /// cache is full).
    written: Instant,
}

impl Entry {
    /// Nothing in it is of use at `now`: every endpoint expired and no
    /// failure holds discovery off.
    fn spent(&self, now: Instant) -> bool {
        self.endpoints.iter().all(|(_, expires)| *expires <= now) && self.failed_until.is_none_or(|until| until <= now)
    }
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

/// One key's discovery in flight: held by the discovering caller.
type Slot = Arc<tokio::sync::Mutex<()>>;

/// The discovered endpoints of one client, shared by its clones.
#[derive(Debug, Default)]
pub struct EndpointCache {
    entries: Mutex<BTreeMap<CacheKey, Entry>>,
    /// Per key being discovered or waited for: the lock its discovering
    /// caller holds (removed when no caller holds or waits for it).
    slots: Mutex<BTreeMap<CacheKey, Slot>>,
    /// `http://` addresses are accepted (the regular endpoint is `http://`).
    allow_http: bool,
}

/// `address` as a URL, or why it is refused: `host[:port]` (a DNS name, an
/// IPv4 address or a bracketed IPv6 one, a port from 1 to 65535), alone
/// (`https://` is put before it) or after `https://` (or `http://` when
/// `allow_http`); one trailing `/` is dropped. User info, a path, a query,
/// a fragment, another scheme or spaces are refused.
pub fn endpoint_url(address: &str, allow_http: bool) -> Result<String, String> {
    let trimmed = address.trim();
    let prefixed = |p: &str| trimmed.get(..p.len()).filter(|head| head.eq_ignore_ascii_case(p)).map(|_| &trimmed[p.len()..]);
    let (scheme, rest) = if let Some(rest) = prefixed("https://") {
        ("https", rest)
    } else if let Some(rest) = prefixed("http://") {
        if !allow_http {
            return Err(format!("`{address}` is a plain-HTTP address and the service's endpoint is HTTPS: signed requests are not sent in cleartext"));
        }
        ("http", rest)
    } else {
        ("https", trimmed)
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if valid_authority(authority) {
        Ok(format!("{scheme}://{authority}"))
    } else {
        Err(format!("`{address}` is not a host[:port] (a DNS name or an IP address, optionally after https://)"))
    }
}

fn valid_authority(authority: &str) -> bool {
    if let Some(rest) = authority.strip_prefix('[') {
        let Some((ip, after)) = rest.split_once(']') else { return false };
        return ip.parse::<std::net::Ipv6Addr>().is_ok() && (after.is_empty() || after.strip_prefix(':').is_some_and(valid_port));
    }
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    port.is_none_or(valid_port) && valid_host(host)
}

fn valid_port(port: &str) -> bool {
    (1..=5).contains(&port.len()) && port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok_and(|p| p > 0)
}

/// A DNS name (labels of letters, digits and inner hyphens, at most 63
/// bytes each and 253 in all, one trailing dot allowed) or an IPv4 address.
fn valid_host(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host);
    let labels_ok = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| (1..=63).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') && !l.starts_with('-') && !l.ends_with('-'));
    // All digits and dots: only as an IPv4 address.
    let numeric = name.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    labels_ok && (!numeric || name.parse::<std::net::Ipv4Addr>().is_ok())
}

/// A discovery error's text without the attempts its `Display` ends with
/// (` (2 attempts)`, ` (request id R, 1 attempt)`: the request id stays),
/// and those attempts (1 when it says none): the error that reports it
/// adds its own.
pub fn split_attempts(text: &str) -> (String, u32) {
    let Some(open) = text.strip_suffix(')').and_then(|t| t.rfind(" (").map(|i| (i, &t[i + 2..]))) else { return (text.to_string(), 1) };
    let (at, inside) = open;
    let (request_id, count) = match inside.rsplit_once(", ") {
        Some((id, count)) if id.starts_with("request id ") => (Some(id), count),
        _ => (None, inside),
    };
    let number = count.strip_suffix(" attempts").or_else(|| count.strip_suffix(" attempt")).and_then(|n| n.parse::<u32>().ok());
    match (number, request_id) {
        (Some(n), Some(id)) => (format!("{} ({id})", &text[..at]), n),
        (Some(n), None) => (text[..at].to_string(), n),
        (None, _) => (text.to_string(), 1),
    }
}

/// A caller's hold on a key's [`Slot`]: dropped (finished, failed or
/// cancelled), it removes the slot when nobody else holds or waits for it.
struct SlotHold<'c> {
    cache: &'c EndpointCache,
    key: CacheKey,
    slot: Slot,
}

impl Drop for SlotHold<'_> {
    fn drop(&mut self) {
        let mut slots = self.cache.slots();
        // The map's reference and this one: nobody else has it.
        if Arc::strong_count(&self.slot) == 2 && slots.get(&self.key).is_some_and(|s| Arc::ptr_eq(s, &self.slot)) {
            slots.remove(&self.key);
        }
    }
}

impl EndpointCache {
    /// An empty cache; `allow_http`: the regular endpoint is `http://`, so
    /// discovered `http://` addresses are accepted too.
    pub fn new(allow_http: bool) -> EndpointCache {
        EndpointCache { allow_http, ..EndpointCache::default() }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, BTreeMap<CacheKey, Entry>> {
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, BTreeMap<CacheKey, Slot>> {
        self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn hold(&self, key: &CacheKey) -> SlotHold<'_> {
        let slot = Arc::clone(self.slots().entry(key.clone()).or_default());
        SlotHold { cache: self, key: key.clone(), slot }
    }

    /// The number of keys the cache holds.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// The cache holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
    /// usable address (see [`endpoint_url`]), or (when it failed or gave
    /// none) the failure, which holds off the next discovery for
    /// [`FAILURE_BACKOFF`] and keeps the expired endpoints. The first
    /// endpoint's URL, if any; the error names refused addresses. A new key
    /// in a full cache drops the spent entries, then the oldest.
    pub fn store(&self, key: &CacheKey, now: Instant, discovered: Result<Vec<DiscoveredEndpoint>, String>) -> Result<String, String> {
        let endpoints: Result<Vec<(String, Instant)>, String> = discovered.and_then(|list| {
            let mut refused = Vec::new();
            let mut usable = Vec::new();
            for e in list.into_iter().filter(|e| !e.address.trim().is_empty()) {
                match endpoint_url(&e.address, self.allow_http) {
                    Ok(url) => {
                        let minutes = u64::try_from(e.cache_period_in_minutes).unwrap_or(0);
                        let expires = now.checked_add(Duration::from_secs(minutes.saturating_mul(60))).or_else(|| now.checked_add(Duration::from_secs(86_400 * 365))).unwrap_or(now);
                        usable.push((url, expires));
                    }
                    Err(why) => refused.push(why),
                }
            }
            if !refused.is_empty() {
                tracing::warn!(refused = ?refused, "the discovery operation returned addresses that are not used");
            }
            match (usable.is_empty(), refused.is_empty()) {
                (false, _) => Ok(usable),
                (true, true) => Err("the discovery operation returned no endpoint".to_string()),
                (true, false) => Err(format!("the discovery operation returned no usable endpoint: {}", refused.join("; "))),
            }
        });
        let mut entries = self.entries();
        if !entries.contains_key(key) && entries.len() >= CACHE_LIMIT {
            entries.retain(|_, e| !e.spent(now));
            while entries.len() >= CACHE_LIMIT {
                let Some(oldest) = entries.iter().min_by_key(|(_, e)| e.written).map(|(k, _)| k.clone()) else { break };
                entries.remove(&oldest);
            }
        }
        let entry = entries.entry(key.clone()).or_insert_with(|| Entry { endpoints: Vec::new(), failed_until: None, written: now });
        entry.written = now;
        match endpoints {
            Ok(list) => {
                let first = list[0].0.clone();
                *entry = Entry { endpoints: list, failed_until: None, written: now };
                Ok(first)
            }
            Err(e) => {
                entry.failed_until = Some(now.checked_add(FAILURE_BACKOFF).unwrap_or(now));
                Err(e)
            }
        }
    }

    /// Forget the endpoints of `key` if `url` is among them (the service
    /// said it is invalid); a fresh list another caller stored is kept.
    pub fn evict(&self, key: &CacheKey, url: &str) {
        let mut entries = self.entries();
        if entries.get(key).is_some_and(|e| e.endpoints.iter().any(|(u, _)| u == url)) {
            entries.remove(key);
        }
    }

    /// The endpoint for `discovery`'s call: a fresh cached one, else one
    /// `discover` finds, else an expired one. One discovery per key runs
    /// at a time: a caller with an expired endpoint uses it while another
    /// discovers, one without waits (and takes the result, or discovers
    /// itself when the other was cancelled or failed). `Ok(None)`: discovery
    /// failed and is optional for the operation, use the regular endpoint;
    /// `Err`: it failed and the operation requires it.
    pub async fn endpoint<'a>(&self, discovery: &Discovery, now: impl Fn() -> Instant, discover: impl FnOnce() -> DiscoveryFuture<'a>) -> Result<Option<String>, String> {
        let key = discovery.key();
        let stale = match self.lookup(&key, now()) {
            Lookup::Fresh(url) => return Ok(Some(url)),
            // botocore: within the hold-off, the expired endpoint.
            Lookup::RecentlyFailed { stale: Some(url) } => return Ok(Some(url)),
            Lookup::RecentlyFailed { stale: None } if !discovery.required => return Ok(None),
            Lookup::Discover { stale } | Lookup::RecentlyFailed { stale } => stale,
        };
        let hold = self.hold(&key);
        let _discovering = match (hold.slot.try_lock(), stale) {
            (Ok(guard), _) => guard,
            (Err(_), Some(url)) => {
                tracing::debug!(operation = discovery.operation, endpoint = %url, "another call is discovering: using the expired endpoint meanwhile");
                return Ok(Some(url));
            }
            (Err(_), None) => hold.slot.lock().await,
        };
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
        assert_eq!(endpoint_url("ingest.timestream.us-east-1.amazonaws.com", false).as_deref(), Ok("https://ingest.timestream.us-east-1.amazonaws.com"));
        assert_eq!(endpoint_url("http://127.0.0.1:9/", true).as_deref(), Ok("http://127.0.0.1:9"));
        assert_eq!(endpoint_url("https://a.b", false).as_deref(), Ok("https://a.b"));
        assert_eq!(endpoint_url(" HTTPS://A.b:8443 ", false).as_deref(), Ok("https://A.b:8443"));
        assert_eq!(endpoint_url("10.0.0.1:443", false).as_deref(), Ok("https://10.0.0.1:443"));
        assert_eq!(endpoint_url("[::1]:8443", false).as_deref(), Ok("https://[::1]:8443"));
        assert_eq!(endpoint_url("[2001:db8::1]", false).as_deref(), Ok("https://[2001:db8::1]"));
        assert_eq!(endpoint_url("a.example.", false).as_deref(), Ok("https://a.example."));
    }

    #[test]
    fn addresses_other_than_host_and_port_are_refused() {
        for bad in [
            "user@evil.example",
            "evil.example/x?y#z",
            "evil.example/x",
            "evil.example?y",
            "evil.example#z",
            "ftp://x",
            "https://ftp://x",
            "a b.example",
            "a.example:0",
            "a.example:65536",
            "a.example:",
            "a.example:80:80",
            "-a.example",
            "a..example",
            "a_b.example",
            "999.1.1.1",
            "[::1",
            "[not-v6]:1",
            "[::1]x",
            "::1",
            "https://",
            "//a.example",
            "a.example\\b",
        ] {
            let e = endpoint_url(bad, true).expect_err(bad);
            assert!(e.contains(&format!("`{bad}` is not a host[:port]")), "{bad}: {e}");
        }
        let long = format!("{}.example", "a".repeat(64));
        assert!(endpoint_url(&long, false).is_err());
        // http:// only where the regular endpoint is http:// itself.
        let e = endpoint_url("http://127.0.0.1:9", false).unwrap_err();
        assert!(e.contains("`http://127.0.0.1:9` is a plain-HTTP address"), "{e}");
        assert!(endpoint_url("HTTP://127.0.0.1:9", false).is_err());
    }

    #[test]
    fn refused_addresses_fail_the_discovery_and_are_never_used() {
        let cache = EndpointCache::default();
        let calls = AtomicU32::new(0);
        let evil = || -> DiscoveryFuture<'static> {
            calls.fetch_add(1, Ordering::SeqCst);
            Box::pin(async { found("user@evil.example", 5) })
        };
        // Required: an error naming the address (after the one more try).
        let err = block_on(cache.endpoint(&discovery(true, vec![]), Instant::now, evil)).unwrap_err();
        assert!(err.contains("no usable endpoint: `user@evil.example` is not a host[:port]"), "{err}");
        // Optional: the regular endpoint.
        let other = discovery(false, vec![("TableName", Some("t".into()))]);
        assert_eq!(block_on(cache.endpoint(&other, Instant::now, evil)), Ok(None));
        // http:// is refused by default, taken where the regular endpoint is http://.
        let key = CacheKey::default();
        let t0 = Instant::now();
        let err = EndpointCache::default().store(&key, t0, found("http://127.0.0.1:9", 5)).unwrap_err();
        assert!(err.contains("`http://127.0.0.1:9` is a plain-HTTP address"), "{err}");
        assert_eq!(EndpointCache::new(true).store(&key, t0, found("http://127.0.0.1:9", 5)).as_deref(), Ok("http://127.0.0.1:9"));
        // A usable address beside a refused one is used.
        let list = Ok(vec![
            DiscoveredEndpoint { address: "a.example/x".into(), cache_period_in_minutes: 5 },
            DiscoveredEndpoint { address: "b.example".into(), cache_period_in_minutes: 5 },
        ]);
        assert_eq!(cache.store(&key, t0, list).as_deref(), Ok("https://b.example"));
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
        // Evicted only by the endpoint it holds.
        cache.evict(&key, "https://a.example");
        assert_eq!(cache.lookup(&key, t0), Lookup::Discover { stale: Some("https://b.example".into()) });
        cache.evict(&key, "https://b.example");
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

    fn poll_once<F: Future>(f: Pin<&mut F>) -> std::task::Poll<F::Output> {
        f.poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
    }

    fn answer(address: &'static str) -> impl FnOnce() -> DiscoveryFuture<'static> {
        move || Box::pin(async move { found(address, 10) })
    }

    fn hang() -> DiscoveryFuture<'static> {
        Box::pin(std::future::pending())
    }

    fn unused() -> DiscoveryFuture<'static> {
        panic!("no discovery expected")
    }

    #[test]
    fn a_hanging_discovery_holds_up_only_the_callers_of_its_key_without_an_endpoint() {
        let cache = EndpointCache::default();
        let keyed = |v: &str| discovery(true, vec![("Table", Some(v.to_string()))]);
        let (a, b, c) = (keyed("a"), keyed("b"), keyed("c"));
        // c has an expired endpoint.
        cache.store(&c.key(), Instant::now(), found("old-c.example", 0)).expect("stored");
        let mut leader_a = Box::pin(cache.endpoint(&a, Instant::now, hang));
        assert!(poll_once(leader_a.as_mut()).is_pending());
        let mut leader_c = Box::pin(cache.endpoint(&c, Instant::now, hang));
        assert!(poll_once(leader_c.as_mut()).is_pending());
        // Another key is not held up.
        assert_eq!(block_on(cache.endpoint(&b, Instant::now, answer("b.example"))), Ok(Some("https://b.example".into())));
        // The expired endpoint serves while its key is being discovered.
        assert_eq!(block_on(cache.endpoint(&c, Instant::now, unused)), Ok(Some("https://old-c.example".into())));
        // A caller with nothing to use waits ...
        let mut waiter = Box::pin(cache.endpoint(&a, Instant::now, answer("a.example")));
        assert!(poll_once(waiter.as_mut()).is_pending());
        let mut second = Box::pin(cache.endpoint(&a, Instant::now, unused));
        assert!(poll_once(second.as_mut()).is_pending());
        // ... and discovers when the discovering call is cancelled; the one
        // after it takes that result.
        drop(leader_a);
        assert_eq!(block_on(waiter), Ok(Some("https://a.example".into())));
        assert_eq!(block_on(second), Ok(Some("https://a.example".into())));
        drop(leader_c);
        assert!(cache.slots().is_empty(), "no slot left behind");
    }

    #[test]
    fn callers_waiting_for_a_discovery_take_its_result() {
        let cache = EndpointCache::default();
        let d = discovery(true, vec![]);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let slow = move || -> DiscoveryFuture<'static> {
            Box::pin(async move {
                let _ = rx.await;
                found("a.example", 10)
            })
        };
        let mut leader = Box::pin(cache.endpoint(&d, Instant::now, slow));
        assert!(poll_once(leader.as_mut()).is_pending());
        let mut waiters: Vec<_> = (0..3).map(|_| Box::pin(cache.endpoint(&d, Instant::now, unused))).collect();
        for w in &mut waiters {
            assert!(poll_once(w.as_mut()).is_pending());
        }
        tx.send(()).expect("sent");
        assert_eq!(block_on(leader), Ok(Some("https://a.example".into())));
        for w in waiters {
            assert_eq!(block_on(w), Ok(Some("https://a.example".into())));
        }
        assert!(cache.slots().is_empty());
    }

    #[test]
    fn the_cache_keeps_at_most_its_limit_dropping_expired_entries_then_the_oldest() {
        let cache = EndpointCache::default();
        let t0 = Instant::now();
        let key = |i: usize| CacheKey { operation: Some("Op".into()), identifiers: vec![("Table".into(), i.to_string())] };
        for i in 0..CACHE_LIMIT {
            cache.store(&key(i), t0, found("a.example", 0)).expect("stored");
        }
        assert_eq!(cache.len(), CACHE_LIMIT);
        // Full: the expired entries go.
        let t1 = t0 + Duration::from_secs(1);
        cache.store(&key(CACHE_LIMIT), t1, found("a.example", 100)).expect("stored");
        assert_eq!(cache.len(), 1);
        // Full of fresh entries: the oldest goes.
        for i in 1..CACHE_LIMIT {
            cache.store(&key(CACHE_LIMIT + i), t1 + Duration::from_secs(i as u64), found("a.example", 100)).expect("stored");
        }
        assert_eq!(cache.len(), CACHE_LIMIT);
        let t2 = t1 + Duration::from_secs(CACHE_LIMIT as u64);
        cache.store(&key(0), t2, Err("down".into())).expect_err("failed");
        assert_eq!(cache.len(), CACHE_LIMIT);
        assert_eq!(cache.lookup(&key(CACHE_LIMIT), t2), Lookup::Discover { stale: None }, "the oldest went");
        assert_eq!(cache.lookup(&key(CACHE_LIMIT + 1), t2), Lookup::Fresh("https://a.example".into()));
        assert_eq!(cache.lookup(&key(0), t2), Lookup::RecentlyFailed { stale: None });
        // Rewriting a key that is there drops nothing.
        cache.store(&key(CACHE_LIMIT + 1), t2, found("b.example", 10)).expect("stored");
        assert_eq!(cache.len(), CACHE_LIMIT);
    }

    #[test]
    fn a_discovery_error_gives_its_attempts_to_the_error_that_reports_it() {
        assert_eq!(split_attempts("InternalFailure (HTTP 500): down (1 attempt)"), ("InternalFailure (HTTP 500): down".to_string(), 1));
        assert_eq!(split_attempts("X (HTTP 500): down (request id r-1, 3 attempts)"), ("X (HTTP 500): down (request id r-1)".to_string(), 3));
        assert_eq!(split_attempts("no endpoint"), ("no endpoint".to_string(), 1));
        assert_eq!(split_attempts("odd (text)"), ("odd (text)".to_string(), 1));
        assert_eq!(split_attempts("odd (many attempts)"), ("odd (many attempts)".to_string(), 1));
        assert_eq!(split_attempts(")"), (")".to_string(), 1));
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

#[cfg(test)]
mod handle_tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex, OnceLock};
    use std::time::Duration;

    use super::{DiscoveredEndpoint, Discovery, DiscoveryFuture};
    use crate::config::Config;
    use crate::credentials::Credentials;
    use crate::error::{Failure, TimeoutKind};
    use crate::invoke::{Handle, ServiceSpec};
    use crate::protocols::Protocol;
    use crate::request::{PreparedRequest, RawResponse};
    use crate::retry::RetryPolicy;
    use crate::transport::block_on::block_on;
    use crate::transport::{BoxFuture, SendError, Sleep, Transport};

    static LEDGER: ServiceSpec = ServiceSpec {
        protocol: Protocol::AwsJson1_0,
        signing_name: "ledger",
        sdk_id: "Ledger",
        endpoint_prefix: "ledger",
        target_prefix: "Ledger",
        default_headers: &[],
        endpoint_rules: None,
        parsed_rules: OnceLock::new(),
        signing: crate::signing::SigningOptions::DEFAULT,
    };

    /// Answers 200 and notes each URL.
    #[derive(Debug, Default)]
    struct Notes(Mutex<Vec<String>>);

    impl Transport for Notes {
        fn send(&self, request: http::Request<bytes::Bytes>, _max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
            self.0.lock().unwrap().push(request.uri().to_string());
            Box::pin(std::future::ready(Ok(RawResponse::new(200, vec![], &b"{}"[..]))))
        }
    }

    /// Sleeps on a thread of its own.
    #[derive(Debug)]
    struct ThreadSleep;

    impl Sleep for ThreadSleep {
        fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            std::thread::spawn(move || {
                std::thread::sleep(duration);
                let _ = tx.send(());
            });
            Box::pin(async move {
                let _ = rx.await;
            })
        }
    }

    fn handle(notes: &Arc<Notes>, timeout: Option<Duration>) -> Handle {
        let mut b = Config::builder().region("us-east-1").credentials(Credentials::new("AKID", "SECRET", None)).transport(notes.clone()).sleep(Arc::new(ThreadSleep)).max_attempts(1);
        if let Some(t) = timeout {
            b = b.operation_timeout(t);
        }
        Handle::new(b.build().expect("a configuration"), &LEDGER)
    }

    fn call<'a>(handle: &'a Handle, discover: &(dyn Fn(&'static str, Vec<(String, String)>) -> DiscoveryFuture<'a> + Send + Sync)) -> Result<RawResponse, Failure> {
        let request = PreparedRequest::new("POST", "/");
        let discovery = Discovery::new("GetEntry", true, vec![], "InvalidEndpointException", true);
        block_on(handle.send_discovered("GetEntry", &request, &RetryPolicy::new(false, &[]), discovery, discover))
    }

    fn text(e: &Failure) -> String {
        match e {
            Failure::Transport(t) => t.to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn the_operation_timeout_bounds_a_hanging_discovery() {
        let notes = Arc::new(Notes::default());
        let handle = handle(&notes, Some(Duration::from_millis(100)));
        let started = std::time::Instant::now();
        let e = call(&handle, &|_, _| Box::pin(std::future::pending())).expect_err("timed out");
        assert!(matches!(&e, Failure::Timeout(t) if t.kind == TimeoutKind::Operation && t.after == Duration::from_millis(100)), "{e:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(notes.0.lock().unwrap().is_empty(), "nothing sent");
        // The cancelled discovery left nothing held: the next call discovers.
        call(&handle, &|_, _| Box::pin(async { Ok(vec![DiscoveredEndpoint { address: "ops.ledger.test".into(), cache_period_in_minutes: 5 }]) })).expect("sent");
        assert_eq!(*notes.0.lock().unwrap(), ["https://ops.ledger.test/"]);
    }

    #[test]
    fn a_failed_discovery_says_its_attempts_once_and_a_refused_address_gets_no_request() {
        let notes = Arc::new(Notes::default());
        let handle = handle(&notes, None);
        let e = call(&handle, &|_, _| Box::pin(async { Err("InternalFailure (HTTP 500): discovery is down (request id r-1, 2 attempts)".to_string()) })).expect_err("failed");
        assert_eq!(
            text(&e),
            "invalid request: endpoint discovery failed, and `GetEntry` requires a discovered endpoint: InternalFailure (HTTP 500): discovery is down (request id r-1) (2 attempts)"
        );
        let calls = AtomicUsize::new(0);
        let handle = self::handle(&notes, None);
        let e = call(&handle, &|_, _| {
            calls.fetch_add(1, Ordering::SeqCst);
            Box::pin(async { Ok(vec![DiscoveredEndpoint { address: "http://evil.example".into(), cache_period_in_minutes: 5 }]) })
        })
        .expect_err("refused");
        assert!(text(&e).contains("`http://evil.example` is a plain-HTTP address"), "{e:?}");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(notes.0.lock().unwrap().is_empty(), "nothing sent");
    }
}
