//! The service calls some credential providers make: STS `AssumeRole` and
//! `AssumeRoleWithWebIdentity`, IAM Identity Center (SSO)
//! `GetRoleCredentials` and SSO-OIDC `CreateToken`.
//!
//! The runtime holds the providers' logic (which profile, which file, when
//! to refresh) but not the clients: those are generated from the official
//! models. [`IdentityServices`] is what a crate with those clients
//! implements (this workspace's `smithy-gen-config`), and
//! `ConfigBuilder::identity_services` hands it to the credential chain.
//! Without it, a profile that assumes a role, a web identity token or an SSO
//! profile is an error that says so.

use std::fmt;
use std::time::SystemTime;

use crate::config::Config;
use crate::credentials::Credentials;
use crate::transport::BoxFuture;

/// The calls, each with the configuration to make it with: its region,
/// transport, retries and endpoint settings, and for `assume_role` the
/// source credentials (the others are unsigned). An `Err` is the service's
/// or the transport's message; it never holds a token or a secret.
pub trait IdentityServices: Send + Sync + fmt::Debug {
    fn assume_role(&self, sts: Config, request: AssumeRoleRequest) -> BoxFuture<'static, Result<Credentials, String>>;
    fn assume_role_with_web_identity(&self, sts: Config, request: WebIdentityRequest) -> BoxFuture<'static, Result<Credentials, String>>;
    fn sso_role_credentials(&self, sso: Config, request: SsoRoleRequest) -> BoxFuture<'static, Result<Credentials, String>>;
    fn sso_create_token(&self, sso_oidc: Config, request: SsoTokenRequest) -> BoxFuture<'static, Result<SsoToken, String>>;
}

/// STS `AssumeRole`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleRequest {
    pub role_arn: String,
    pub role_session_name: String,
    pub external_id: Option<String>,
    pub duration_seconds: Option<i32>,
}

/// STS `AssumeRoleWithWebIdentity`. `Debug` hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct WebIdentityRequest {
    pub role_arn: String,
    pub role_session_name: String,
    pub web_identity_token: String,
    pub duration_seconds: Option<i32>,
}

impl fmt::Debug for WebIdentityRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityRequest")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("web_identity_token", &"** redacted **")
            .field("duration_seconds", &self.duration_seconds)
            .finish()
    }
}

/// SSO `GetRoleCredentials`. `Debug` hides the access token.
#[derive(Clone, PartialEq, Eq)]
pub struct SsoRoleRequest {
    pub access_token: String,
    pub account_id: String,
    pub role_name: String,
}

impl fmt::Debug for SsoRoleRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoRoleRequest")
            .field("access_token", &"** redacted **")
            .field("account_id", &self.account_id)
            .field("role_name", &self.role_name)
            .finish()
    }
}

/// SSO-OIDC `CreateToken` with the `refresh_token` grant. `Debug` hides
/// the client secret and the refresh token.
#[derive(Clone, PartialEq, Eq)]
pub struct SsoTokenRequest {
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
}

impl fmt::Debug for SsoTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoTokenRequest").field("client_id", &self.client_id).finish_non_exhaustive()
    }
}

/// What `CreateToken` returns. `Debug` hides the tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct SsoToken {
    pub access_token: String,
    pub expires_at: SystemTime,
    /// A new refresh token, when the service rotates it.
    pub refresh_token: Option<String>,
}

impl fmt::Debug for SsoToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoToken").field("expires_at", &self.expires_at).finish_non_exhaustive()
    }
}
