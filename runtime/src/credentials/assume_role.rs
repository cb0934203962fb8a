//! Credentials from STS `AssumeRole` (a profile's `role_arn` with
//! `source_profile` or `credential_source`) and `AssumeRoleWithWebIdentity`
//! (`AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN`, as EKS sets them, or a
//! profile's `web_identity_token_file`). The STS calls go through
//! [`IdentityServices`]; the source credentials of `AssumeRole` are the
//! configuration the call is made with.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
use crate::credentials::{Credentials, CredentialsCache, CredentialsError, ProvideCredentials, StaticProvider};
use crate::credentials::identity_services::{AssumeRoleRequest, IdentityServices, WebIdentityRequest};
use crate::transport::BoxFuture;

/// `AssumeRole` with the source credentials of `sts`.
#[derive(Debug)]
pub struct AssumeRoleProvider {
    services: Arc<dyn IdentityServices>,
    sts: Config,
    request: AssumeRoleRequest,
    /// What configured it (`profile dev`).
    origin: String,
}

impl AssumeRoleProvider {
    pub fn new(services: Arc<dyn IdentityServices>, sts: Config, request: AssumeRoleRequest, origin: impl Into<String>) -> Self {
        AssumeRoleProvider { services, sts, request, origin: origin.into() }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        // The source credentials first (their failure is theirs to name),
        // then the call signed with them: in a chain of roles each level
        // then waits on the next only through these small futures, not
        // through a whole call's pipeline, so 64 roles resolve on a 2 MiB
        // stack.
        let source = self.sts.credentials().await?;
        let mut sts = self.sts.clone();
        sts.credentials = Arc::new(CredentialsCache::new(Arc::new(StaticProvider(source))));
        self.services
            .assume_role(sts, self.request.clone())
            .await
            .map_err(|e| CredentialsError::new(format!("assume role ({})", self.origin), format!("STS AssumeRole of {}: {e}", self.request.role_arn)))
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }

    fn describe(&self) -> String {
        format!("assume role {} ({})", self.request.role_arn, self.origin)
    }
}

/// `AssumeRoleWithWebIdentity` with the token in a file, read again for
/// every refresh (Kubernetes rotates it).
#[derive(Debug)]
pub struct WebIdentityProvider {
    services: Arc<dyn IdentityServices>,
    sts: Config,
    token_file: PathBuf,
    role_arn: String,
    role_session_name: String,
    /// What configured it (`the environment`, `profile dev`).
    origin: String,
}

impl WebIdentityProvider {
    pub fn new(
        services: Arc<dyn IdentityServices>,
        sts: Config,
        token_file: PathBuf,
        role_arn: String,
        role_session_name: String,
        origin: impl Into<String>,
    ) -> Self {
        WebIdentityProvider { services, sts, token_file, role_arn, role_session_name, origin: origin.into() }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let provider = format!("web identity ({})", self.origin);
        let file = self.token_file.display();
        let token = std::fs::read_to_string(&self.token_file)
            .map_err(|e| CredentialsError::new(&provider, format!("cannot read the web identity token file {file}: {e}")))?;
        let token = token.trim();
        if token.is_empty() {
            return Err(CredentialsError::new(&provider, format!("the web identity token file {file} is empty")));
        }
        let request = WebIdentityRequest {
            role_arn: self.role_arn.clone(),
            role_session_name: self.role_session_name.clone(),
            web_identity_token: token.to_string(),
            duration_seconds: None,
        };
        self.services
            .assume_role_with_web_identity(self.sts.clone(), request)
            .await
            .map_err(|e| CredentialsError::new(&provider, format!("STS AssumeRoleWithWebIdentity of {}: {e}", self.role_arn)))
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }

    fn describe(&self) -> String {
        format!("web identity {} ({})", self.role_arn, self.origin)
    }
}

/// A session name when none is configured: `smithy-gen-<milliseconds>`, as
/// the AWS SDKs make one up (botocore: `botocore-session-<seconds>`).
pub fn default_session_name() -> String {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default();
    format!("smithy-gen-{ms}")
}
