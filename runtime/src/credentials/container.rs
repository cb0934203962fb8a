//! Container credentials (ECS tasks, EKS Pod Identity): the endpoint named
//! by `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on `http://169.254.170.2`)
//! or `AWS_CONTAINER_CREDENTIALS_FULL_URI` (HTTPS anywhere; plain HTTP only
//! to a loopback address or the ECS and EKS link-local hosts), with the
//! `Authorization` header from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
//! (read on every refresh: the file is rotated) or
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{fetch, from_json_body, Credentials, CredentialsError, ProvideCredentials};
use crate::transport::{BoxFuture, Sleep, Transport};

const ECS_HOST: &str = "http://169.254.170.2";
/// How long the endpoint may take to answer.
const TIMEOUT: Duration = Duration::from_secs(5);
const NAME: &str = "the container credentials endpoint";

/// Where the `Authorization` header's value comes from.
#[derive(Debug, Clone)]
pub enum AuthToken {
    None,
    /// A value that never changes (`AWS_CONTAINER_AUTHORIZATION_TOKEN`).
    Value(String),
    /// A file read on every refresh (`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`).
    File(PathBuf),
}

/// Credentials from a container credentials endpoint.
pub struct ContainerProvider {
    url: String,
    token: AuthToken,
    transport: Arc<dyn Transport>,
    sleep: Arc<dyn Sleep>,
}

impl std::fmt::Debug for ContainerProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token is a secret.
        let token = match &self.token {
            AuthToken::None => "none",
            AuthToken::Value(_) => "** redacted **",
            AuthToken::File(_) => "from a file",
        };
        f.debug_struct("ContainerProvider").field("url", &self.url).field("token", &token).finish()
    }
}

/// Whether `url` may carry credentials: HTTPS anywhere, plain HTTP only to
/// a loopback address or the ECS (`169.254.170.2`) and EKS
/// (`169.254.170.23`, `fd00:ec2::23`) endpoints.
pub fn allowed(url: &str) -> Result<(), String> {
    let uri: http::Uri = url.parse().map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    let host = uri.host().ok_or_else(|| format!("{url:?} has no host"))?;
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") => {
            use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
            const ECS: IpAddr = IpAddr::V4(Ipv4Addr::new(169, 254, 170, 2));
            const EKS: IpAddr = IpAddr::V4(Ipv4Addr::new(169, 254, 170, 23));
            const EKS_V6: IpAddr = IpAddr::V6(Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23));
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            let ok = bare == "localhost"
                || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback() || ip == ECS || ip == EKS || ip == EKS_V6);
            if ok {
                Ok(())
            } else {
                Err(format!("{url:?}: plain HTTP is allowed only to a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23"))
            }
        }
        _ => Err(format!("{url:?}: only http and https URLs")),
    }
}

impl ContainerProvider {
    /// A provider for `url` (checked with [`allowed`]).
    pub fn new(url: impl Into<String>, token: AuthToken, transport: Arc<dyn Transport>, sleep: Arc<dyn Sleep>) -> Result<Self, CredentialsError> {
        let url = url.into();
        allowed(&url).map_err(|e| CredentialsError::new(NAME, e))?;
        Ok(ContainerProvider { url, token, transport, sleep })
    }

    /// From the environment; `None` when neither URI variable is set.
    pub fn from_env(transport: Arc<dyn Transport>, sleep: Arc<dyn Sleep>) -> Option<Result<Self, CredentialsError>> {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
        let url = match (var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), var("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
            (Some(relative), _) => format!("{ECS_HOST}{}{relative}", if relative.starts_with('/') { "" } else { "/" }),
            (None, Some(full)) => full,
            (None, None) => return None,
        };
        let token = match (var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"), var("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
            (Some(file), _) => AuthToken::File(PathBuf::from(file)),
            (None, Some(value)) => AuthToken::Value(value),
            (None, None) => AuthToken::None,
        };
        Some(ContainerProvider::new(url, token, transport, sleep))
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let err = |m: String| CredentialsError::new(NAME, m);
        let token = match &self.token {
            AuthToken::None => None,
            AuthToken::Value(v) => Some(v.clone()),
            AuthToken::File(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| err(format!("cannot read the token file {} (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE): {e}", path.display())))?
                    .trim()
                    .to_string(),
            ),
        };
        let mut request = http::Request::builder().method("GET").uri(&self.url).header("accept", "application/json");
        if let Some(t) = token {
            if t.contains(['\r', '\n']) {
                return Err(err("the authorization token contains a line break".into()));
            }
            request = request.header("authorization", t);
        }
        let mut request = request.body(bytes::Bytes::new()).map_err(|e| err(format!("cannot build the request: {e}")))?;
        // Its token goes out, its credentials come back: never recorded.
        crate::transport::mark_sensitive(&mut request);
        let response = fetch(&*self.transport, &*self.sleep, request, TIMEOUT).await.map_err(|e| err(format!("{}: {e}", self.url)))?;
        if !response.is_success() {
            let message = serde_json::from_slice::<serde_json::Value>(&response.body)
                .ok()
                .and_then(|j| j.get("message").or_else(|| j.get("Message")).and_then(|m| m.as_str()).map(str::to_string))
                .unwrap_or_default();
            return Err(err(format!("{} answered HTTP {} {message}", self.url, response.status)));
        }
        from_json_body(&response.body).map_err(err)
    }
}

impl ProvideCredentials for ContainerProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }

    fn describe(&self) -> String {
        format!("{NAME} ({})", self.url)
    }
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn only_safe_urls_carry_credentials() {
        for ok in [
            "http://169.254.170.2/v2/credentials/abc",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "http://127.0.0.1:8080/creds",
            "http://localhost/creds",
            "http://[::1]:9/creds",
            "https://creds.example.com/x",
        ] {
            assert!(allowed(ok).is_ok(), "{ok}");
        }
        for bad in ["http://example.com/creds", "http://169.254.169.254/latest", "ftp://127.0.0.1/x", "http://[fd00:ec2::24]/x", "not a url"] {
            assert!(allowed(bad).is_err(), "{bad}");
        }
    }
}
