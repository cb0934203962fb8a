//! Request hooks (`smithy_gen_runtime::hooks`): they run in the order
//! registered, before each attempt is signed (so the signature covers what
//! they add) and after each response (retries included); a hook's refusal
//! stops the call before anything is sent.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aws_generated::sts::{self, types::GetCallerIdentityInput};
use smithy_gen_runtime::error::TransportErrorKind;
use smithy_gen_runtime::hooks::{HookRequest, HookResponse, RequestHook};
use smithy_gen_runtime::request::RawResponse;
use smithy_gen_runtime::transport::{BoxFuture, SendError, Transport};
use smithy_gen_runtime::{Config, Credentials, ErrorKind, OperationError};

/// Throttles the first request, then answers; keeps every request.
#[derive(Debug, Default)]
struct Server {
    requests: Mutex<Vec<http::Request<smithy_gen_runtime::Bytes>>>,
}

impl Transport for Server {
    fn send(&self, request: http::Request<smithy_gen_runtime::Bytes>, _: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        let mut requests = self.requests.lock().unwrap();
        requests.push(request);
        let response = if requests.len() == 1 {
            RawResponse::new(400, vec![], b"<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>".to_vec())
        } else {
            RawResponse::new(200, vec![("x-amzn-requestid".into(), "req-9".into())], b"<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1</Account></GetCallerIdentityResult></GetCallerIdentityResponse>".to_vec())
        };
        Box::pin(std::future::ready(Ok(response)))
    }
}

/// Appends its name to `x-hook-order` and records what it saw.
#[derive(Debug)]
struct Named {
    name: &'static str,
    seen: Arc<Mutex<Vec<String>>>,
}

impl RequestHook for Named {
    fn before_sign(&self, request: &mut HookRequest<'_>) -> Result<(), String> {
        let order = match request.header("x-hook-order") {
            Some(before) => format!("{before},{}", self.name),
            None => self.name.to_string(),
        };
        request.set_header("X-Hook-Order", order);
        self.seen.lock().unwrap().push(format!("{} before {} {} attempt {}", self.name, request.service, request.operation, request.attempt));
        Ok(())
    }

    fn after_response(&self, response: &HookResponse<'_>) {
        self.seen.lock().unwrap().push(format!("{} after {} attempt {} request id {:?}", self.name, response.status, response.attempt, response.header("x-amzn-requestid")));
    }
}

fn config(server: Arc<Server>, hooks: Vec<Arc<dyn RequestHook>>) -> Config {
    let mut b = Config::builder().region("us-east-1").credentials(Credentials::new("AKID", "hook-secret", None)).transport(server).sleep(Arc::new(integration_tests::NoSleep));
    for h in hooks {
        b = b.hook(h);
    }
    b.build().expect("a configuration")
}

#[tokio::test]
async fn hooks_run_in_order_before_signing_and_after_each_response() {
    let server = Arc::new(Server::default());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let hooks: Vec<Arc<dyn RequestHook>> = vec![Arc::new(Named { name: "first", seen: seen.clone() }), Arc::new(Named { name: "second", seen: seen.clone() })];
    sts::Client::new(config(server.clone(), hooks)).get_caller_identity_with(GetCallerIdentityInput::default()).await.expect("after a retry");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "first before STS GetCallerIdentity attempt 1",
            "second before STS GetCallerIdentity attempt 1",
            "first after 400 attempt 1 request id None",
            "second after 400 attempt 1 request id None",
            "first before STS GetCallerIdentity attempt 2",
            "second before STS GetCallerIdentity attempt 2",
            "first after 200 attempt 2 request id Some(\"req-9\")",
            "second after 200 attempt 2 request id Some(\"req-9\")",
        ]
    );
    let requests = server.requests.lock().unwrap();
    for r in requests.iter() {
        assert_eq!(r.headers().get("x-hook-order").unwrap(), "first,second");
        // The signature covers the header the hooks added.
        let auth = r.headers().get("authorization").unwrap().to_str().unwrap();
        let signed = auth.split("SignedHeaders=").nth(1).unwrap().split(',').next().unwrap();
        assert!(signed.split(';').any(|h| h == "x-hook-order"), "{auth}");
    }
}

/// Refuses every request.
#[derive(Debug, Default)]
struct Refusing(AtomicUsize);

impl RequestHook for Refusing {
    fn before_sign(&self, _: &mut HookRequest<'_>) -> Result<(), String> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Err("calls to STS are not allowed from this service".into())
    }
}

#[tokio::test]
async fn a_hook_can_stop_the_call_before_anything_is_sent() {
    let server = Arc::new(Server::default());
    let refusing = Arc::new(Refusing::default());
    let e = sts::Client::new(config(server.clone(), vec![refusing.clone()])).get_caller_identity_with(GetCallerIdentityInput::default()).await.expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Transport);
    let sts::errors::GetCallerIdentityError::Transport(t) = &e else { panic!("{e:?}") };
    assert_eq!(t.kind, TransportErrorKind::Hook);
    assert!(e.to_string().contains("calls to STS are not allowed"), "{e}");
    assert!(server.requests.lock().unwrap().is_empty());
    assert_eq!(refusing.0.load(Ordering::SeqCst), 1, "not retried");
}
