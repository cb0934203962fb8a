//! The `credential_process` of a profile: a command whose standard output
//! is the credentials as JSON (`{"Version": 1, "AccessKeyId": …,
//! "SecretAccessKey": …, "SessionToken": …, "Expiration": "<RFC 3339>"}`),
//! as the AWS SDKs and tools reference guide defines it. The command runs
//! through the shell (`sh -c`, `cmd /C` on Windows) on a thread of its own,
//! so no executor is blocked; one that runs longer than the timeout is
//! killed. Errors say what went wrong without echoing the output (it may
//! hold secrets): the exit status and the first line of standard error, or
//! which field is missing.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::credentials::{from_json, Credentials, CredentialsError, ProvideCredentials};
use super::transport::BoxFuture;

/// How long the command may run (the AWS CLI has no limit; a hung helper
/// should not hang every call).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Credentials from a profile's `credential_process`.
#[derive(Debug, Clone)]
pub struct ProcessProvider {
    /// The command line, as the profile gives it.
    command: String,
    /// Named in errors (`profile dev`).
    source: String,
    timeout: Duration,
}

impl ProcessProvider {
    pub fn new(command: impl Into<String>, source: impl Into<String>) -> Self {
        ProcessProvider { command: command.into(), source: source.into(), timeout: DEFAULT_TIMEOUT }
    }

    /// Kill the command after `timeout` (default [`DEFAULT_TIMEOUT`]).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn error(&self, message: impl Into<String>) -> CredentialsError {
        CredentialsError::new(format!("the credential_process of {}", self.source), message)
    }

    /// Run the command and read its answer (blocking).
    fn run(&self) -> Result<Credentials, CredentialsError> {
        let mut cmd = if cfg!(windows) {
            let mut c = Command::new("cmd");
            c.arg("/C").arg(&self.command);
            c
        } else {
            let mut c = Command::new("sh");
            c.arg("-c").arg(&self.command);
            c
        };
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.error(format!("cannot start it: {e}")))?;
        // Both pipes drained on threads of their own, so a chatty command
        // cannot block on a full pipe while we wait for it.
        let drain = |pipe: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut out = Vec::new();
                if let Some(mut p) = pipe {
                    let _ = p.read_to_end(&mut out);
                }
                out
            })
        };
        let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
        let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() >= self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(self.error(format!("it did not finish within {:?} and was stopped", self.timeout)));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => return Err(self.error(format!("cannot wait for it: {e}"))),
            }
        };
        let out = stdout.join().unwrap_or_default();
        let err = stderr.join().unwrap_or_default();
        if !status.success() {
            let first = String::from_utf8_lossy(&err).lines().next().unwrap_or("").chars().take(200).collect::<String>();
            let said = if first.is_empty() { String::new() } else { format!("; it said: {first}") };
            return Err(self.error(format!("it exited with {status}{said}")));
        }
        self.parse(&out)
    }

    /// The credentials in the command's output.
    fn parse(&self, out: &[u8]) -> Result<Credentials, CredentialsError> {
        let json: serde_json::Value =
            serde_json::from_slice(out).map_err(|e| self.error(format!("its output is not a JSON object ({} bytes; {e})", out.len())))?;
        match json.get("Version").and_then(|v| v.as_i64()) {
            Some(1) => {}
            Some(v) => return Err(self.error(format!("its output has Version {v}; only 1 is defined"))),
            None => return Err(self.error("its output has no Version (1)")),
        }
        from_json(&json, "SessionToken").map_err(|e| self.error(e.replacen("the answer", "its output", 1)))
    }
}

impl ProvideCredentials for ProcessProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let this = self.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let _ = tx.send(this.run());
        });
        Box::pin(async move { rx.await.unwrap_or_else(|_| Err(self.error("its runner thread ended without an answer"))) })
    }

    fn describe(&self) -> String {
        format!("the credential_process of {}", self.source)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn run(command: &str) -> Result<Credentials, CredentialsError> {
        crate::block_on::block_on(ProcessProvider::new(command, "profile test").with_timeout(Duration::from_secs(2)).provide_credentials())
    }

    #[test]
    fn reads_the_commands_credentials() {
        let c = run(r#"echo '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "s3cret", "SessionToken": "tok", "Expiration": "2030-01-01T00:00:00Z"}'"#).unwrap();
        assert_eq!((c.access_key_id(), c.secret_access_key(), c.session_token()), ("AKIDPROC", "s3cret", Some("tok")));
        assert_eq!(c.expiry(), Some(std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_456_000)));
        let long_lived = run(r#"printf '{"Version":1,"AccessKeyId":"A","SecretAccessKey":"B"}'"#).unwrap();
        assert_eq!(long_lived.expiry(), None);
    }

    #[test]
    fn failures_say_why_without_the_output() {
        let cases = [
            ("echo oops >&2; exit 3", "exited with exit status: 3; it said: oops"),
            ("echo 'not json TOPSECRET'", "its output is not a JSON object"),
            (r#"echo '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "TOPSECRET"}'"#, "Version 2"),
            (r#"echo '{"Version": 1, "SecretAccessKey": "TOPSECRET"}'"#, "no AccessKeyId"),
            (r#"echo '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "TOPSECRET", "Expiration": "soon"}'"#, "Expiration is not an RFC 3339 time"),
            ("sleep 10", "did not finish within 2s and was stopped"),
            ("/no/such/helper", "exited with exit status: 127"),
        ];
        for (command, want) in cases {
            let e = run(command).unwrap_err().to_string();
            assert!(e.starts_with("no credentials from the credential_process of profile test: "), "{e}");
            assert!(e.contains(want), "{command}: {e}");
            assert!(!e.contains("TOPSECRET"), "{command}: {e}");
        }
    }
}
