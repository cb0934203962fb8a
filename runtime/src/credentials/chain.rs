//! The default credential chain, in botocore's order: credentials set in
//! code (the builder's, before this is asked), the environment
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), the
//! selected profile of the shared files (assumed roles, web identity, IAM
//! Identity Center, keys, `credential_process`: see [`profile`](super::profile)),
//! a container's credentials endpoint, then the instance's role from IMDS.
//! The first source that is configured is used; each is in its own module.

use std::sync::Arc;

use super::container::ContainerProvider;
use super::identity_services::IdentityServices;
use super::imds::ImdsProvider;
use super::profile::Resolver;
use super::{Credentials, ProvideCredentials, StaticProvider};
use crate::config::profile_file::ProfileSet;
use crate::config::{Config, ConfigError};
use crate::transport::{Sleep, Transport};

/// What the chain looks at.
pub(crate) struct Sources<'a> {
    /// Credentials from the environment, if it has them.
    pub from_env: Option<Credentials>,
    /// The shared files, loaded (empty when the environment has credentials).
    pub profiles: &'a ProfileSet,
    /// The selected profile's name.
    pub profile: &'a str,
    /// Where the shared files are, for messages.
    pub files: String,
    /// The configuration being built (for the STS and SSO calls).
    pub base: &'a Config,
    pub services: Option<&'a Arc<dyn IdentityServices>>,
    pub transport: Arc<dyn Transport>,
    pub sleep: Arc<dyn Sleep>,
}

/// The first configured source of credentials, or an error naming where
/// the chain looked.
pub(crate) fn default_chain(s: Sources<'_>) -> Result<Arc<dyn ProvideCredentials>, ConfigError> {
    if let Some(c) = s.from_env {
        return Ok(Arc::new(StaticProvider(c)));
    }
    let resolver = Resolver { set: s.profiles, base: s.base, services: s.services, files: s.files.clone() };
    if let Some(p) = resolver.profile(s.profile)? {
        return Ok(p);
    }
    if let Some(container) = ContainerProvider::from_env(s.transport.clone(), s.sleep.clone()) {
        return Ok(Arc::new(container.map_err(|e| ConfigError(e.to_string()))?));
    }
    if let Some(imds) = ImdsProvider::from_env(s.transport, s.sleep) {
        return Ok(Arc::new(imds));
    }
    Err(ConfigError(format!(
        "no credentials: set them on the builder, in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, in the profile `{}` ({}), or in a container's AWS_CONTAINER_CREDENTIALS_* variables (instance metadata is off: AWS_EC2_METADATA_DISABLED)",
        s.profile, s.files
    )))
}
