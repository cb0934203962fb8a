//! The `credential_process` of a profile: a command whose standard output
//! is the credentials as JSON (`{"Version": 1, "AccessKeyId": …,
//! "SecretAccessKey": …, "SessionToken": …, "Expiration": "<RFC 3339>"}`),
//! as the AWS SDKs and tools reference guide defines it. The command runs
//! through the shell (`sh -c`, `cmd /C` on Windows) on a thread of its own,
//! so no executor is blocked. It is stopped, with everything it started (its
//! process group, on unix), when it has not both exited and closed its
//! standard output within the timeout, or once it prints more than
//! [`MAX_OUTPUT`]. Errors say what went wrong without echoing the output (it
//! may hold secrets): the exit status and the first line of standard error,
//! or which field is missing.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::credentials::{from_json, Credentials, CredentialsError, ProvideCredentials};
use crate::transport::BoxFuture;

/// How long the command may run (the AWS CLI has no limit; a hung helper
/// should not hang every call).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The most standard output the command may print (credentials take a few
/// hundred bytes): past it, reading stops, the command is stopped, and the
/// provider fails.
pub const MAX_OUTPUT: usize = 1 << 20;

/// How much of standard error is kept (its first line goes into errors).
const STDERR_KEPT: usize = 4096;

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

    /// Run the command and read its answer (blocking). The deadline holds
    /// for the reading as well as the exit: a process the command leaves
    /// behind holding standard output cannot stretch it. On unix, unless
    /// standard input is a terminal (where a helper may prompt), the
    /// command runs in a process group of its own, stopped whole (with
    /// what it started) on a timeout or an oversized output.
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
        // A group of its own, so a timeout stops what it started too; but
        // not when we run at a terminal, where a helper may prompt on it
        // (an MFA code, a password manager's unlock) and a background group
        // would be stopped reading it.
        #[cfg(unix)]
        if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        }
        let started = Instant::now();
        let deadline = started + self.timeout;
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.error(format!("cannot start it: {e}")))?;
        // Both pipes read on threads of their own, so a chatty command
        // cannot block on a full pipe while we wait for it. Standard output
        // is read up to the bound; of standard error the start is kept
        // (its first line is shown) and the rest drained.
        let (out_tx, out_rx) = mpsc::channel();
        if let Some(mut pipe) = child.stdout.take() {
            std::thread::spawn(move || {
                let _ = out_tx.send(read_bounded(&mut pipe, MAX_OUTPUT));
            });
        }
        let stderr_start = Arc::new(Mutex::new(Vec::new()));
        let (err_done_tx, err_done) = mpsc::channel::<()>();
        if let Some(mut pipe) = child.stderr.take() {
            let keep = stderr_start.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                loop {
                    match pipe.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => {
                            if let Ok(mut kept) = keep.lock() {
                                let room = STDERR_KEPT.saturating_sub(kept.len());
                                kept.extend_from_slice(&buf[..n.min(room)]);
                            }
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(_) => break,
                    }
                }
                drop(err_done_tx);
            });
        }

        let left = || deadline.saturating_duration_since(Instant::now());
        let out = match out_rx.recv_timeout(left()) {
            Ok(Some(out)) => out,
            Ok(None) => {
                stop(&mut child);
                return Err(self.error(format!("it printed more than {} MiB and was stopped (credentials are a few hundred bytes)", MAX_OUTPUT >> 20)));
            }
            Err(RecvTimeoutError::Timeout) => {
                let exited = matches!(child.try_wait(), Ok(Some(_)));
                stop(&mut child);
                let why = if exited { " (it exited, but a process it started kept its standard output open)" } else { "" };
                return Err(self.error(format!("it did not finish within {:?}{why} and was stopped", self.timeout)));
            }
            Err(RecvTimeoutError::Disconnected) => {
                stop(&mut child);
                return Err(self.error("its standard output could not be read"));
            }
        };
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() >= deadline => {
                    stop(&mut child);
                    return Err(self.error(format!("it did not finish within {:?} and was stopped", self.timeout)));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => {
                    stop(&mut child);
                    return Err(self.error(format!("cannot wait for it: {e}")));
                }
            }
        };
        if !status.success() {
            // Its standard error to its end, unless something it left
            // behind holds the pipe: then what came so far.
            let _ = err_done.recv_timeout(left().min(Duration::from_secs(1)));
            let err = stderr_start.lock().map(|e| e.clone()).unwrap_or_default();
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

/// Everything `pipe` gives until its end, or `None` as soon as that is more
/// than `max` bytes (the rest is not read).
fn read_bounded(pipe: &mut impl Read, max: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match pipe.read(&mut buf) {
            Ok(0) => return Some(out),
            Ok(n) if out.len() + n > max => return None,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            // A broken pipe reads as its end: what came is parsed.
            Err(_) => return Some(out),
        }
    }
}

/// Stop the command: on unix its whole process group (what it started in
/// the background too; through the shell's `kill`, which takes a group),
/// then the command itself, and reap it.
fn stop(child: &mut Child) {
    // The group's id is the command's process id, which is not reused
    // while the group has members, even after the command is reaped.
    #[cfg(unix)]
    let _ = Command::new("sh")
        .arg("-c")
        .arg(format!("kill -s KILL -- -{}", child.id()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
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
        crate::transport::block_on::block_on(ProcessProvider::new(command, "profile test").with_timeout(Duration::from_secs(2)).provide_credentials())
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
            ("echo failing >&2; head -c 100000 /dev/zero >&2; exit 1", "exit status: 1; it said: failing"),
            ("/no/such/helper", "exited with exit status: 127"),
        ];
        for (command, want) in cases {
            let e = run(command).unwrap_err().to_string();
            assert!(e.starts_with("no credentials from the credential_process of profile test: "), "{e}");
            assert!(e.contains(want), "{command}: {e}");
            assert!(!e.contains("TOPSECRET"), "{command}: {e}");
        }
    }

    /// Standard output is read up to 1 MiB: past it the command is stopped
    /// at once and the error names the profile and the bound. 1 MiB itself
    /// is still read.
    #[test]
    fn output_is_bounded() {
        for command in ["head -c 67108864 /dev/zero", "head -c 2097152 /dev/zero; sleep 30", "yes TOPSECRET"] {
            // Not the timeout's error: stopped at the bound.
            let e = run(command).unwrap_err().to_string();
            assert!(e.starts_with("no credentials from the credential_process of profile test: "), "{e}");
            assert!(e.contains("printed more than 1 MiB and was stopped"), "{command}: {e}");
            assert!(!e.contains("TOPSECRET"), "{command}: {e}");
        }
        let json = r#"{"Version":1,"AccessKeyId":"AKIDBIG","SecretAccessKey":"B"}"#;
        let padded = format!("printf '%s' '{json}'; head -c {} /dev/zero | tr '\\0' ' '", MAX_OUTPUT - json.len());
        assert_eq!(run(&padded).unwrap().access_key_id(), "AKIDBIG");
    }

    /// A background process that keeps standard output open cannot stretch
    /// the timeout: the provider gives up at the deadline and kills the
    /// command's process group, the background process with it.
    #[test]
    fn the_timeout_holds_when_a_background_process_keeps_the_output_open() {
        let dir = std::env::temp_dir().join(format!("smithy-credential-process-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pid_file = dir.join("background.pid");
        let command = format!("sleep 30 & echo $! > '{}'; exit 0", pid_file.display());
        let started = Instant::now();
        let e = crate::transport::block_on::block_on(ProcessProvider::new(command, "profile held").with_timeout(Duration::from_secs(1)).provide_credentials())
            .unwrap_err()
            .to_string();
        assert!(started.elapsed() < Duration::from_secs(10), "waited {:?} for the background process", started.elapsed());
        assert!(e.starts_with("no credentials from the credential_process of profile held: "), "{e}");
        assert!(e.contains("did not finish within 1s") && e.contains("kept its standard output open"), "{e}");
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let gone = || {
            // Gone, or a zombie waiting for a parent that does not reap.
            std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).map_or(true, |stat| stat.rsplit(')').next().is_some_and(|r| r.trim_start().starts_with('Z')))
        };
        // (At a terminal the command keeps the program's process group, so
        // only the command itself is stopped: checked where it is not.)
        if cfg!(target_os = "linux") && !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            let until = Instant::now() + Duration::from_secs(5);
            while !gone() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(20));
            }
            assert!(gone(), "the background process {} still runs", pid.trim());
        }
        let _ = std::fs::remove_dir_all(&dir);

        // One that lets go of standard output is no bother.
        let c = run(r#"sleep 3 >/dev/null 2>&1 & printf '{"Version":1,"AccessKeyId":"AKIDBG","SecretAccessKey":"B"}'"#).unwrap();
        assert_eq!(c.access_key_id(), "AKIDBG");
    }
}
