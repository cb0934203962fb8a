//! EC2 instance metadata (IMDS) credentials: the role attached to the
//! instance, read with IMDSv2 (a session token from `PUT /latest/api/token`,
//! then `GET /latest/meta-data/iam/security-credentials/` for the role's
//! name and `…/<role>` for its credentials). The endpoint is
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else `http://169.254.169.254` (or
//! `http://[fd00:ec2::254]` with `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`);
//! `AWS_EC2_METADATA_DISABLED=true` turns it off. When the token request is
//! refused (`403`, `404`, `405`: an IMDSv1-only service), the reads go without
//! a token, unless `AWS_EC2_METADATA_V1_DISABLED=true`. Each request gives up
//! after one second: off EC2 nothing answers.

use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{fetch, from_json_body, Credentials, CredentialsError, ProvideCredentials};
use crate::request::RawResponse;
use crate::transport::{BoxFuture, Sleep, Transport};

const TIMEOUT: Duration = Duration::from_secs(1);
const TOKEN_TTL_SECONDS: &str = "21600";
const NAME: &str = "the EC2 instance metadata service";

/// Credentials of the instance's role.
pub struct ImdsProvider {
    endpoint: String,
    v1_fallback: bool,
    transport: Arc<dyn Transport>,
    sleep: Arc<dyn Sleep>,
}

impl std::fmt::Debug for ImdsProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImdsProvider").field("endpoint", &self.endpoint).field("v1_fallback", &self.v1_fallback).finish()
    }
}

fn env_true(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v.eq_ignore_ascii_case("true"))
}

impl ImdsProvider {
    /// A provider for the service at `endpoint` (`http://169.254.169.254`).
    pub fn new(endpoint: impl Into<String>, v1_fallback: bool, transport: Arc<dyn Transport>, sleep: Arc<dyn Sleep>) -> Self {
        ImdsProvider { endpoint: endpoint.into().trim_end_matches('/').to_string(), v1_fallback, transport, sleep }
    }

    /// From the environment; `None` when `AWS_EC2_METADATA_DISABLED` is true.
    pub fn from_env(transport: Arc<dyn Transport>, sleep: Arc<dyn Sleep>) -> Option<Self> {
        if env_true("AWS_EC2_METADATA_DISABLED") {
            return None;
        }
        let endpoint = match std::env::var("AWS_EC2_METADATA_SERVICE_ENDPOINT").ok().filter(|v| !v.is_empty()) {
            Some(e) => e,
            None if std::env::var("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").is_ok_and(|m| m.eq_ignore_ascii_case("ipv6")) => {
                "http://[fd00:ec2::254]".to_string()
            }
            None => "http://169.254.169.254".to_string(),
        };
        Some(ImdsProvider::new(endpoint, !env_true("AWS_EC2_METADATA_V1_DISABLED"), transport, sleep))
    }

    async fn call(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Result<RawResponse, CredentialsError> {
        let url = format!("{}{path}", self.endpoint);
        let mut request = http::Request::builder().method(method).uri(&url);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let mut request = request.body(bytes::Bytes::new()).map_err(|e| CredentialsError::new(NAME, format!("cannot build a request to {url}: {e}")))?;
        // The session token, the role's credentials: never recorded.
        crate::transport::mark_sensitive(&mut request);
        fetch(&*self.transport, &*self.sleep, request, TIMEOUT).await.map_err(|e| CredentialsError::new(NAME, format!("{url}: {e}")))
    }

    /// An IMDSv2 session token; `None` to go on without one (IMDSv1, when
    /// the token request is refused and the fallback is allowed).
    async fn token(&self) -> Result<Option<String>, CredentialsError> {
        let token = self.call("PUT", "/latest/api/token", &[("x-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS)]).await?;
        match token.status {
            200 => Ok(Some(String::from_utf8_lossy(&token.body).trim().to_string())),
            403..=405 if self.v1_fallback => Ok(None),
            status => Err(CredentialsError::new(NAME, format!("the session token request answered HTTP {status}"))),
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let err = |m: String| CredentialsError::new(NAME, m);
        let token = self.token().await?;
        let headers: Vec<(&str, &str)> = token.as_deref().map(|t| vec![("x-aws-ec2-metadata-token", t)]).unwrap_or_default();
        let base = "/latest/meta-data/iam/security-credentials/";
        let roles = self.call("GET", base, &headers).await?;
        if roles.status == 404 {
            return Err(err("the instance has no IAM role (instance profile)".into()));
        }
        if !roles.is_success() {
            return Err(err(format!("the role name request answered HTTP {}", roles.status)));
        }
        let text = String::from_utf8_lossy(&roles.body).into_owned();
        let role = text.lines().map(str::trim).find(|l| !l.is_empty()).ok_or_else(|| err("the role name is empty".into()))?;
        if !role.bytes().all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b)) {
            return Err(err("the role name is not an IAM role name".into()));
        }
        let answer = self.call("GET", &format!("{base}{role}"), &headers).await?;
        if !answer.is_success() {
            return Err(err(format!("the credentials of role {role} answered HTTP {}", answer.status)));
        }
        let code = serde_json::from_slice::<serde_json::Value>(&answer.body).ok().and_then(|j| j.get("Code").and_then(|c| c.as_str()).map(str::to_string));
        if let Some(code) = code.filter(|c| c != "Success") {
            return Err(err(format!("the credentials of role {role} came with the code {code}")));
        }
        from_json_body(&answer.body).map_err(|e| err(format!("role {role}: {e}")))
    }
}

impl ImdsProvider {
    /// The instance's region (`/latest/meta-data/placement/region`), with
    /// the same token and fallback as the credentials.
    pub async fn region(&self) -> Result<String, CredentialsError> {
        let err = |m: String| CredentialsError::new(NAME, m);
        let token = self.token().await?;
        let headers: Vec<(&str, &str)> = token.as_deref().map(|t| vec![("x-aws-ec2-metadata-token", t)]).unwrap_or_default();
        let answer = self.call("GET", "/latest/meta-data/placement/region", &headers).await?;
        if !answer.is_success() {
            return Err(err(format!("the region request answered HTTP {}", answer.status)));
        }
        let region = String::from_utf8_lossy(&answer.body).trim().to_string();
        if region.is_empty() || !region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(err("the region answer is not a region name".into()));
        }
        Ok(region)
    }
}

impl ProvideCredentials for ImdsProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }

    fn describe(&self) -> String {
        format!("{NAME} ({})", self.endpoint)
    }
}
