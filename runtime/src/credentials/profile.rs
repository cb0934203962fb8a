//! Which provider a profile's credentials come from, in botocore's order:
//! an assumed role (`role_arn` with `source_profile` or
//! `credential_source`, chains followed and loops refused), a web identity
//! token (`AWS_WEB_IDENTITY_TOKEN_FILE` / `AWS_ROLE_ARN` or the profile's
//! `web_identity_token_file` / `role_arn`), IAM Identity Center
//! (`sso_session` or `sso_start_url`), static keys of the credentials file,
//! a `credential_process`, static keys of the config file.

use std::path::PathBuf;
use std::sync::Arc;

use crate::credentials::assume_role::{default_session_name, AssumeRoleProvider, WebIdentityProvider};
use crate::config::{Config, ConfigError};
use crate::credentials::{CredentialsCache, NoCredentials, ProvideCredentials, StaticProvider};
use crate::credentials::identity_services::{AssumeRoleRequest, IdentityServices};
use crate::config::profile_file::{ProfileSet, Section};
use crate::credentials::sso::{SsoProvider, SsoTokenSource};

/// What the resolution works with.
pub(crate) struct Resolver<'a> {
    pub set: &'a ProfileSet,
    /// The configuration being built: transport, retries, endpoint settings
    /// and region of the STS and SSO calls.
    pub base: &'a Config,
    pub services: Option<&'a Arc<dyn IdentityServices>>,
    /// Where the files are, for messages.
    pub files: String,
}

type Provider = Arc<dyn ProvideCredentials>;

/// The most roles one `source_profile` chain assumes, one after the other
/// (each an STS call signed with the credentials of the one before; real
/// chains have a handful). A longer chain is an error naming its start.
pub(crate) const MAX_ROLE_CHAIN: usize = 64;

/// Where a role's credentials come from.
enum Source<'s> {
    /// The next role of the chain: its profile's name and section.
    Role(&'s str, &'s Section),
    /// Anything but a role.
    Provider(Provider),
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Resolver<'_> {
    /// The provider of profile `name` (which may not exist: the environment's
    /// web identity still applies); `None` when it configures none.
    pub fn profile(&self, name: &str) -> Result<Option<Provider>, ConfigError> {
        let profile = self.set.profiles.get(name);
        if let Some(p) = profile.filter(|p| p.get("role_arn").is_some() && p.get("web_identity_token_file").is_none()) {
            return self.assume_role(name, p).map(Some);
        }
        if let Some(web) = self.web_identity(name, profile)? {
            return Ok(Some(web));
        }
        let Some(p) = profile else { return Ok(None) };
        if let Some(sso) = self.sso(name, p)? {
            return Ok(Some(sso));
        }
        if self.set.credentials_file_keys.contains(name) {
            return static_keys(name, p);
        }
        if let Some(command) = p.get("credential_process").filter(|c| !c.trim().is_empty()) {
            return Ok(Some(Arc::new(crate::credentials::process::ProcessProvider::new(command, self.process_origin(name)))));
        }
        static_keys(name, p)
    }

    /// What a `credential_process` names in its errors: the profile and
    /// the files.
    fn process_origin(&self, name: &str) -> String {
        format!("profile {name} ({})", self.files)
    }

    fn services(&self, name: &str, key: &str, what: &str) -> Result<&Arc<dyn IdentityServices>, ConfigError> {
        self.services.ok_or_else(|| {
            ConfigError(format!(
                "the profile `{name}` gets its credentials from {what} (`{key}`), which needs the STS and SSO clients: build the configuration with the `smithy-gen-config` crate (`smithy_gen_config::load`), or give `ConfigBuilder::identity_services`"
            ))
        })
    }

    /// A configuration for an STS or SSO call: the base's settings in
    /// `region`, with `credentials` (or none, for the unsigned calls).
    fn call_config(&self, region: Option<&str>, credentials: Option<Provider>) -> Config {
        let mut c = self.base.clone();
        if let Some(r) = region {
            c.region = r.to_string();
        }
        c.endpoint = None;
        let provider = credentials.unwrap_or_else(|| Arc::new(NoCredentials("the STS and SSO calls of credential providers that need none".into())));
        c.credentials = Arc::new(CredentialsCache::new(provider));
        c
    }

    /// The provider of a profile that assumes a role: the chain of
    /// `source_profile` roles followed in a loop (so its length costs no
    /// stack) up to [`MAX_ROLE_CHAIN`] roles, its source resolved, then each
    /// role assumed with the credentials of the one below it.
    fn assume_role(&self, name: &str, p: &Section) -> Result<Provider, ConfigError> {
        let services = self.services(name, "role_arn", "an assumed role")?.clone();
        let mut chain: Vec<(&str, &Section)> = vec![(name, p)];
        let (mut link, mut lp) = (name, p);
        let mut provider = loop {
            match self.role_source(link, lp)? {
                Source::Provider(source) => break source,
                Source::Role(next, np) => {
                    if chain.iter().any(|(n, _)| *n == next) {
                        let names: Vec<String> = chain.iter().map(|(n, _)| *n).chain([next]).map(|n| format!("`{n}`")).collect();
                        return Err(ConfigError(format!("the source_profile settings loop: {} ({})", names.join(" → "), self.files)));
                    }
                    if chain.len() == MAX_ROLE_CHAIN {
                        let first: Vec<String> = chain.iter().take(3).map(|(n, _)| format!("`{n}`")).collect();
                        return Err(ConfigError(format!(
                            "the profile `{name}` ({}): its source_profile chain assumes more than {MAX_ROLE_CHAIN} roles ({} → … → `{link}` → `{next}`); at most {MAX_ROLE_CHAIN} roles are assumed one after the other",
                            self.files,
                            first.join(" → "),
                        )));
                    }
                    chain.push((next, np));
                    (link, lp) = (next, np);
                }
            }
        };
        for (link, lp) in chain.into_iter().rev() {
            provider = self.assume_one_role(&services, link, lp, provider)?;
        }
        Ok(provider)
    }

    /// Where the credentials of the role of profile `name` come from: the
    /// next role of the chain, or a provider that assumes none.
    fn role_source<'s>(&'s self, name: &str, p: &Section) -> Result<Source<'s>, ConfigError> {
        let bad = |m: String| ConfigError(format!("the profile `{name}` ({}): {m}", self.files));
        if p.get("mfa_serial").is_some() {
            return Err(bad("`mfa_serial` asks for an MFA code, which this client cannot prompt for; assume the role with `aws sts assume-role` and use the result, or remove mfa_serial".into()));
        }
        let source: Provider = match (p.get("source_profile"), p.get("credential_source")) {
            (Some(_), Some(_)) => return Err(bad("both `source_profile` and `credential_source` are set; keep one".into())),
            (None, None) => return Err(bad("`role_arn` needs `source_profile` or `credential_source`".into())),
            (Some(source), None) => {
                let (source, sp) = self.set.profiles.get_key_value(source).ok_or_else(|| bad(format!("its source_profile `{source}` does not exist")))?;
                if source == name {
                    // A profile that is its own source: its static keys.
                    static_keys(source, sp)?.ok_or_else(|| bad("it is its own source_profile but has no static keys".into()))?
                } else if sp.get("role_arn").is_some() && sp.get("web_identity_token_file").is_none() {
                    return Ok(Source::Role(source, sp));
                } else if sp.get("web_identity_token_file").is_some() {
                    self.web_identity(source, Some(sp))?.ok_or_else(|| bad(format!("its source_profile `{source}` has no usable web identity")))?
                } else if let Some(sso) = self.sso(source, sp)? {
                    sso
                } else if let Some(keys) = static_keys(source, sp)? {
                    keys
                } else if let Some(command) = sp.get("credential_process").filter(|c| !c.trim().is_empty()) {
                    Arc::new(crate::credentials::process::ProcessProvider::new(command, self.process_origin(source)))
                } else {
                    return Err(bad(format!("its source_profile `{source}` has no credentials")));
                }
            }
            (None, Some(kind)) => match kind {
                "Environment" => match crate::credentials::Credentials::from_env() {
                    Some(c) => Arc::new(StaticProvider(c)),
                    None => return Err(bad("credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set".into())),
                },
                "Ec2InstanceMetadata" => {
                    match crate::credentials::imds::ImdsProvider::from_env(self.base.transport.clone(), self.base.sleep.clone()) {
                        Some(imds) => Arc::new(imds),
                        None => return Err(bad("credential_source = Ec2InstanceMetadata, but AWS_EC2_METADATA_DISABLED is true".into())),
                    }
                }
                "EcsContainer" => match crate::credentials::container::ContainerProvider::from_env(self.base.transport.clone(), self.base.sleep.clone()) {
                    Some(c) => Arc::new(c.map_err(|e| bad(e.to_string()))?),
                    None => return Err(bad("credential_source = EcsContainer, but AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set".into())),
                },
                other => {
                    return Err(bad(format!("credential_source = {other:?}: expected Environment, Ec2InstanceMetadata or EcsContainer")))
                }
            },
        };
        Ok(Source::Provider(source))
    }

    /// The role of profile `name`, assumed with the credentials of `source`.
    fn assume_one_role(&self, services: &Arc<dyn IdentityServices>, name: &str, p: &Section, source: Provider) -> Result<Provider, ConfigError> {
        let bad = |m: String| ConfigError(format!("the profile `{name}` ({}): {m}", self.files));
        let role_arn = p.get("role_arn").unwrap_or_default().to_string();
        let duration_seconds = match p.get("duration_seconds") {
            None => None,
            Some(d) => Some(
                d.trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|s| (900..=43_200).contains(s))
                    .ok_or_else(|| bad(format!("duration_seconds = {d:?}: expected a number of seconds from 900 to 43200")))?,
            ),
        };
        let request = AssumeRoleRequest {
            role_arn,
            role_session_name: p.get("role_session_name").map(str::to_string).unwrap_or_else(default_session_name),
            external_id: p.get("external_id").map(str::to_string),
            duration_seconds,
        };
        let sts = self.call_config(p.get("region"), Some(source));
        Ok(Arc::new(AssumeRoleProvider::new(services.clone(), sts, request, format!("profile {name}"))))
    }

    /// The environment's token file and role, each over the profile's.
    fn web_identity(&self, name: &str, p: Option<&Section>) -> Result<Option<Provider>, ConfigError> {
        let get = |var: &str, key: &str| env(var).map(|v| (v, true)).or_else(|| p.and_then(|p| p.get(key)).map(|v| (v.to_string(), false)));
        let Some((file, from_env)) = get("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file") else { return Ok(None) };
        let origin = if from_env { "the environment".to_string() } else { format!("profile {name}") };
        let Some((role_arn, _)) = get("AWS_ROLE_ARN", "role_arn") else {
            return Err(ConfigError(format!("a web identity token file is set ({origin}) but no role: set AWS_ROLE_ARN or the profile's role_arn")));
        };
        let services = self.services(name, "web_identity_token_file", "a web identity token")?.clone();
        let session = get("AWS_ROLE_SESSION_NAME", "role_session_name").map(|(s, _)| s).unwrap_or_else(default_session_name);
        let sts = self.call_config(p.and_then(|p| p.get("region")), None);
        Ok(Some(Arc::new(WebIdentityProvider::new(services, sts, PathBuf::from(file), role_arn, session, origin))))
    }

    fn sso(&self, name: &str, p: &Section) -> Result<Option<Provider>, ConfigError> {
        let bad = |m: String| ConfigError(format!("the profile `{name}` ({}): {m}", self.files));
        let (source, region) = match (p.get("sso_session"), p.get("sso_start_url")) {
            (None, None) => return Ok(None),
            (Some(session), legacy_url) => {
                let s = self.set.sso_sessions.get(session).ok_or_else(|| bad(format!("its sso_session `{session}` has no [sso-session {session}] section")))?;
                if let (Some(a), Some(b)) = (legacy_url, s.get("sso_start_url")) {
                    if a != b {
                        return Err(bad(format!("its sso_start_url differs from the one of sso-session `{session}`")));
                    }
                }
                let region = s.get("sso_region").ok_or_else(|| bad(format!("the sso-session `{session}` has no sso_region")))?;
                (SsoTokenSource::Session { name: session.to_string() }, region)
            }
            (None, Some(url)) => {
                let region = p.get("sso_region").ok_or_else(|| bad("sso_start_url without sso_region".into()))?;
                (SsoTokenSource::Legacy { start_url: url.to_string() }, region)
            }
        };
        let missing: Vec<&str> = ["sso_account_id", "sso_role_name"].into_iter().filter(|k| p.get(k).is_none()).collect();
        if !missing.is_empty() {
            return Err(bad(format!("IAM Identity Center needs {}", missing.join(" and "))));
        }
        let services = self.services(name, "sso_session", "IAM Identity Center (SSO)")?.clone();
        let cache_dir = SsoProvider::default_cache_dir().ok_or_else(|| bad("no home directory for the SSO token cache (~/.aws/sso/cache)".into()))?;
        let sso = self.call_config(Some(region), None);
        Ok(Some(Arc::new(SsoProvider::new(
            services,
            sso,
            p.get("sso_account_id").unwrap_or_default().to_string(),
            p.get("sso_role_name").unwrap_or_default().to_string(),
            source,
            cache_dir,
            name.to_string(),
        ))))
    }
}

/// The profile's static keys, if it has them.
fn static_keys(name: &str, p: &Section) -> Result<Option<Provider>, ConfigError> {
    match (p.get("aws_access_key_id"), p.get("aws_secret_access_key")) {
        (Some(key), Some(secret)) if !key.is_empty() && !secret.is_empty() => {
            let token = p.get("aws_session_token").filter(|t| !t.is_empty()).map(str::to_string);
            Ok(Some(Arc::new(StaticProvider(crate::credentials::Credentials::new(key, secret, token)))))
        }
        (Some(_), _) => Err(ConfigError(format!("the profile `{name}` has aws_access_key_id but no aws_secret_access_key"))),
        _ => Ok(None),
    }
}
