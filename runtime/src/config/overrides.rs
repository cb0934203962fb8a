//! Changing a built [`Config`] for a call or a few: the `with_*` methods a
//! generated client's `with_config` takes
//! (`client.with_config(|c| c.with_region("eu-west-1")).get_widget()…`).
//!
//! A client made from the changed configuration resolves its endpoint again
//! (region, endpoint, FIPS and dual-stack settings). What the clients of a
//! configuration share stays shared: the retry quota, the clock-skew offset
//! and the connection pool. A region or endpoint that is not valid does not
//! panic and is not dropped silently: every call through the configuration
//! fails before anything is sent, with an error that names the setting.

use std::sync::Arc;
use std::time::Duration;

use super::{check_region, Config, Endpoint, RetryConfig, RetryMode};
use crate::credentials::{CredentialsCache, ProvideCredentials, StaticProvider};

impl Config {
    /// The same configuration for another region (requests go to the
    /// region's endpoint and are signed for it). A name that is not a
    /// region (letters, digits and `-`) makes every call fail, unsent.
    pub fn with_region(mut self, region: impl Into<String>) -> Config {
        let region = region.into();
        self.set_problem("region", check_region(&region).err().map(|e| e.0));
        self.region = region;
        self
    }

    /// The same configuration sending every request to `url` (the rule
    /// sets' `Endpoint` parameter), as
    /// [`ConfigBuilder::endpoint`](crate::config::builder::ConfigBuilder::endpoint) does. A URL
    /// that does not parse makes every call fail, unsent.
    pub fn with_endpoint(mut self, url: impl AsRef<str>) -> Config {
        match Endpoint::parse(url.as_ref()) {
            Ok(endpoint) => {
                self.endpoint = Some(endpoint);
                self.set_problem("endpoint", None);
            }
            Err(e) => self.set_problem("endpoint", Some(format!("the endpoint: {}", e.0))),
        }
        self
    }

    /// The same configuration without the endpoint set in code (the
    /// environment's and the profile's still count).
    pub fn without_endpoint(mut self) -> Config {
        self.endpoint = None;
        self.set_problem("endpoint", None);
        self
    }

    /// The same configuration signing with these credentials.
    pub fn with_credentials(self, credentials: crate::credentials::Credentials) -> Config {
        self.with_credentials_provider(Arc::new(StaticProvider(credentials)))
    }

    /// The same configuration taking its credentials from `provider`,
    /// through a cache of its own (the original configuration's cache and
    /// provider are not touched).
    pub fn with_credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Config {
        self.credentials = Arc::new(CredentialsCache::new(provider));
        self
    }

    /// The same configuration with another retry mode. Switching to
    /// `Adaptive` gives it a client-side rate limiter of its own; switching
    /// away drops the limiter.
    pub fn with_retry_mode(mut self, mode: RetryMode) -> Config {
        if mode != self.retry_mode {
            self.rate_limiter = (mode == RetryMode::Adaptive).then(|| Arc::new(crate::retry::adaptive::ClientRateLimiter::new()));
            self.retry_mode = mode;
        }
        self
    }

    /// The same configuration with other attempts and backoff (at least one
    /// attempt).
    pub fn with_retry(mut self, retry: RetryConfig) -> Config {
        self.retry = RetryConfig { max_attempts: retry.max_attempts.max(1), ..retry };
        self
    }

    /// The same configuration with other limits on whole calls and on each
    /// attempt (`None`: no limit):
    /// `c.with_timeouts(Some(Duration::from_secs(30)), Some(Duration::from_secs(5)))`.
    pub fn with_timeouts(self, operation: Option<Duration>, attempt: Option<Duration>) -> Config {
        self.with_operation_timeout(operation).with_attempt_timeout(attempt)
    }

    /// The same configuration with one more request hook, run after the
    /// configuration's own.
    pub fn with_hook(mut self, hook: Arc<dyn crate::hooks::RequestHook>) -> Config {
        self.hooks.push(hook);
        self
    }

    /// The same configuration without request hooks.
    pub fn without_hooks(mut self) -> Config {
        self.hooks.clear();
        self
    }

    /// Why calls through this configuration cannot be made: a region or
    /// endpoint given to a `with_*` method that is not valid.
    pub fn problem(&self) -> Option<&str> {
        self.problems.first().map(|(_, p)| p.as_str())
    }

    fn set_problem(&mut self, setting: &'static str, problem: Option<String>) {
        self.problems.retain(|(s, _)| *s != setting);
        if let Some(p) = problem {
            self.problems.push((setting, p));
        }
    }
}
