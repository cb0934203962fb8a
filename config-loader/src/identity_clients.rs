//! [`IdentityClients`]: the runtime's `IdentityServices` through the
//! generated STS, SSO and SSO-OIDC clients.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use smithy_gen_identity::{sso, sso_oidc, sts};
use smithy_gen_runtime::config::Config;
use smithy_gen_runtime::credentials::Credentials;
use smithy_gen_runtime::credentials::identity_services::{AssumeRoleRequest, IdentityServices, SsoRoleRequest, SsoToken, SsoTokenRequest, WebIdentityRequest};
use smithy_gen_runtime::transport::BoxFuture;

/// The generated clients, one per call, on the configuration given.
#[derive(Debug, Clone, Copy, Default)]
pub struct IdentityClients;

/// STS's credentials, all four parts required.
fn sts_credentials(c: Option<sts::types::Credentials>, op: &str) -> Result<Credentials, String> {
    let c = c.ok_or_else(|| format!("the {op} answer has no Credentials"))?;
    let (Some(key), Some(secret)) = (c.access_key_id, c.secret_access_key) else {
        return Err(format!("the {op} answer's Credentials lack AccessKeyId or SecretAccessKey"));
    };
    let mut out = Credentials::new(key, secret, c.session_token);
    if let Some(when) = c.expiration {
        out = out.with_expiry(SystemTime::try_from(when).map_err(|_| format!("the {op} answer's Expiration is out of range"))?);
    }
    Ok(out)
}

impl IdentityServices for IdentityClients {
    fn assume_role(&self, config: Config, request: AssumeRoleRequest) -> BoxFuture<'static, Result<Credentials, String>> {
        Box::pin(async move {
            let mut input = sts::types::AssumeRoleInput::new(request.role_arn, request.role_session_name);
            input.external_id = request.external_id;
            input.duration_seconds = request.duration_seconds;
            let out = sts::Client::new(config).assume_role_with(input).await.map_err(|e| e.to_string())?;
            sts_credentials(out.credentials, "AssumeRole")
        })
    }

    fn assume_role_with_web_identity(&self, config: Config, request: WebIdentityRequest) -> BoxFuture<'static, Result<Credentials, String>> {
        Box::pin(async move {
            let mut input = sts::types::AssumeRoleWithWebIdentityInput::new(request.role_arn, request.role_session_name, request.web_identity_token);
            input.duration_seconds = request.duration_seconds;
            let out = sts::Client::new(config).assume_role_with_web_identity_with(input).await.map_err(|e| e.to_string())?;
            sts_credentials(out.credentials, "AssumeRoleWithWebIdentity")
        })
    }

    fn sso_role_credentials(&self, config: Config, request: SsoRoleRequest) -> BoxFuture<'static, Result<Credentials, String>> {
        Box::pin(async move {
            let input = sso::types::GetRoleCredentialsInput::new(request.role_name, request.account_id, request.access_token);
            let out = sso::Client::new(config).get_role_credentials_with(input).await.map_err(|e| e.to_string())?;
            let c = out.role_credentials.ok_or("the GetRoleCredentials answer has no roleCredentials")?;
            let (Some(key), Some(secret)) = (c.access_key_id, c.secret_access_key) else {
                return Err("the GetRoleCredentials answer lacks accessKeyId or secretAccessKey".to_string());
            };
            let mut out = Credentials::new(key, secret, c.session_token);
            if let Some(ms) = c.expiration {
                let ms = u64::try_from(ms).map_err(|_| "the GetRoleCredentials answer's expiration is negative".to_string())?;
                out = out.with_expiry(UNIX_EPOCH + Duration::from_millis(ms));
            }
            Ok(out)
        })
    }

    fn sso_create_token(&self, config: Config, request: SsoTokenRequest) -> BoxFuture<'static, Result<SsoToken, String>> {
        Box::pin(async move {
            let mut input = sso_oidc::types::CreateTokenInput::new(request.client_id, request.client_secret, "refresh_token");
            input.refresh_token = Some(request.refresh_token);
            let out = sso_oidc::Client::new(config).create_token_with(input).await.map_err(|e| e.to_string())?;
            let access_token = out.access_token.filter(|t| !t.is_empty()).ok_or("the CreateToken answer has no accessToken")?;
            let expires_in = out.expires_in.and_then(|s| u64::try_from(s).ok()).ok_or("the CreateToken answer has no valid expiresIn")?;
            Ok(SsoToken { access_token, expires_at: SystemTime::now() + Duration::from_secs(expires_in), refresh_token: out.refresh_token })
        })
    }
}
