//! The shared AWS configuration, resolved as the AWS CLI and SDKs resolve
//! it: the equivalent of `aws_config::load_defaults`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! // Region, endpoints, retries and credentials from the environment and
//! // ~/.aws/config and ~/.aws/credentials (AWS_PROFILE, else `default`).
//! let config = smithy_gen_config::load().await?;
//! // Any generated crate's clients take it (here the identity crate's STS).
//! let sts = smithy_gen_identity::sts::Client::new(config.clone());
//! # let _ = sts;
//! // Or start from the builder to set some of it in code.
//! let config = smithy_gen_config::builder().profile_name("dev").region("eu-west-1").build_async().await?;
//! # let _ = config;
//! # Ok(())
//! # }
//! ```
//!
//! The runtime's `ConfigBuilder` holds the rules (which setting wins, the
//! order of the credential chain, caching and refresh); this crate adds what
//! the runtime cannot hold, the STS, SSO and SSO-OIDC clients generated from
//! their official models (the crate `smithy-gen-identity`), which assumed
//! roles, web identity tokens and IAM Identity Center profiles call
//! ([`IdentityClients`]). It depends on no other generated crate: a program
//! with crates of its own generates them and adds this loader.

mod identity_clients;

use std::sync::Arc;

pub use identity_clients::IdentityClients;
pub use smithy_gen_runtime::config::{Config, ConfigError};
pub use smithy_gen_runtime::config::builder::ConfigBuilder;

/// A configuration builder whose credential chain can call STS and SSO:
/// everything else is `Config::builder`'s.
pub fn builder() -> ConfigBuilder {
    Config::builder().identity_services(Arc::new(IdentityClients))
}

/// The configuration from the environment and the shared files, with the
/// full credential chain; the region falls back to the instance's.
pub async fn load() -> Result<Config, ConfigError> {
    builder().build_async().await
}
