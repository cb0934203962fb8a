//! The generated paginators on the wire, through a recording fake transport
//! (the approach of `client_wire.rs`): `DescribeDestinations` of CloudWatch
//! Logs is `@paginated` (inputToken `nextToken`, outputToken `nextToken`,
//! items `destinations`, pageSize `limit`). Checks the token each request
//! sends, the items in order across pages, where paging stops (last page,
//! error, repeated token), and that every page goes through the client's
//! ordinary pipeline (validation, retries).

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_generated::cloudwatch_logs as logs;
use aws_generated::cloudwatch_logs::errors::DescribeDestinationsError;
use aws_generated::cloudwatch_logs::types::DescribeDestinationsInput;
use smithy_gen_runtime::config::{Config, Credentials};
use smithy_gen_runtime::error::{TransportError, TransportErrorKind};
use smithy_gen_runtime::request::RawResponse;
use smithy_gen_runtime::transport::{BoxFuture, SendError, Sleep, Transport};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// Fakes (as in client_wire.rs)

type Answer = Result<RawResponse, SendError>;

/// Records each request body and answers from a queue.
#[derive(Debug, Default)]
struct FakeTransport {
    sent: Mutex<Vec<(http::HeaderMap, Vec<u8>)>>,
    answers: Mutex<VecDeque<Answer>>,
}

impl Transport for FakeTransport {
    fn send(&self, request: http::Request<smithy_gen_runtime::Bytes>, _max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        let (parts, body) = request.into_parts();
        self.sent.lock().unwrap().push((parts.headers, body.to_vec()));
        let answer = self.answers.lock().unwrap().pop_front();
        Box::pin(async move {
            answer.unwrap_or_else(|| {
                Err(SendError::Transport(TransportError::new(
                    TransportErrorKind::Other,
                    "the fake transport has no canned response left",
                )))
            })
        })
    }
}

/// Returns at once (retries do not wait).
#[derive(Debug, Default)]
struct FakeSleep;

impl Sleep for FakeSleep {
    fn sleep(&self, _duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }
}

struct Harness {
    transport: Arc<FakeTransport>,
}

impl Harness {
    fn new(answers: impl IntoIterator<Item = Answer>) -> Harness {
        let transport = Arc::new(FakeTransport::default());
        transport.answers.lock().unwrap().extend(answers);
        Harness { transport }
    }

    fn client(&self) -> logs::Client {
        let config = Config::builder()
            .region("us-east-1")
            .endpoint("http://127.0.0.1:4566")
            .credentials(Credentials::new("AKID", "secret", None))
            .transport(self.transport.clone())
            .sleep(Arc::new(FakeSleep))
            .build()
            .expect("valid config");
        logs::Client::new(config)
    }

    /// The JSON body of every request sent, in order.
    fn bodies(&self) -> Vec<Value> {
        self.transport
            .sent
            .lock()
            .unwrap()
            .iter()
            .map(|(headers, body)| {
                assert_eq!(
                    headers.get("x-amz-target").and_then(|v| v.to_str().ok()),
                    Some("Logs_20140328.DescribeDestinations")
                );
                assert!(headers.contains_key("authorization"), "every page is signed");
                serde_json::from_slice(body).expect("JSON body")
            })
            .collect()
    }

    /// The `nextToken` of every request sent, in order.
    fn tokens(&self) -> Vec<Option<String>> {
        self.bodies().iter().map(|b| b.get("nextToken").and_then(Value::as_str).map(str::to_string)).collect()
    }
}

fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime").block_on(future)
}

fn response(status: u16, body: &str) -> Answer {
    Ok(RawResponse::new(
        status,
        vec![("content-type".into(), "application/x-amz-json-1.1".into())],
        body.as_bytes().to_vec(),
    ))
}

/// A page with destinations named `names` and the given next token.
fn page(names: &[&str], next: Option<&str>) -> Answer {
    let destinations: Vec<Value> = names.iter().map(|n| json!({"destinationName": n})).collect();
    let mut body = json!({"destinations": destinations});
    if let Some(t) = next {
        body["nextToken"] = json!(t);
    }
    response(200, &body.to_string())
}

fn invalid_parameter() -> Answer {
    response(400, r#"{"__type":"InvalidParameterException","message":"bad token"}"#)
}

fn input() -> DescribeDestinationsInput {
    DescribeDestinationsInput::builder().destination_name_prefix("my-").build()
}

fn three_pages() -> Vec<Answer> {
    vec![page(&["a", "b"], Some("t1")), page(&["c"], Some("t2")), page(&["d", "e"], None)]
}

fn names(destinations: impl IntoIterator<Item = logs::types::Destination>) -> Vec<String> {
    destinations.into_iter().map(|d| d.destination_name.unwrap_or_default()).collect()
}

// ---------------------------------------------------------------------------
// Tests

#[test]
fn items_come_in_order_across_three_pages_and_paging_stops_after_the_last() {
    let h = Harness::new(three_pages());
    let mut pages = h.client().describe_destinations_paginator(input()).page_size(2);
    let mut got = Vec::new();
    run(async {
        while let Some(item) = pages.next_item().await {
            got.push(item.expect("no error"));
        }
        // Exhausted: nothing more is sent.
        assert!(pages.next_item().await.is_none());
        assert!(pages.next_page().await.is_none());
    });
    assert_eq!(names(got), ["a", "b", "c", "d", "e"]);
    assert_eq!(pages.pages_received(), 3);
    assert!(!pages.stopped_on_repeated_token());
    let bodies = h.bodies();
    assert_eq!(
        bodies,
        [
            json!({"DestinationNamePrefix": "my-", "limit": 2}),
            json!({"DestinationNamePrefix": "my-", "limit": 2, "nextToken": "t1"}),
            json!({"DestinationNamePrefix": "my-", "limit": 2, "nextToken": "t2"}),
        ]
    );
}

#[test]
fn next_page_returns_whole_outputs() {
    let h = Harness::new(three_pages());
    let mut pages = h.client().describe_destinations_paginator(DescribeDestinationsInput::default());
    let mut got = Vec::new();
    run(async {
        while let Some(page) = pages.next_page().await {
            let page = page.expect("no error");
            got.push((names(page.destinations.unwrap_or_default()), page.next_token));
        }
    });
    assert_eq!(
        got,
        [
            (vec!["a".to_string(), "b".to_string()], Some("t1".to_string())),
            (vec!["c".to_string()], Some("t2".to_string())),
            (vec!["d".to_string(), "e".to_string()], None),
        ]
    );
    assert_eq!(h.tokens(), [None, Some("t1".into()), Some("t2".into())]);
}

#[test]
fn collect_items_and_collect_pages() {
    let h = Harness::new(three_pages());
    let all = run(h.client().describe_destinations_paginator(input()).collect_items()).expect("no error");
    assert_eq!(names(all), ["a", "b", "c", "d", "e"]);
    let h = Harness::new(three_pages());
    let pages = run(h.client().describe_destinations_paginator(input()).collect_pages()).expect("no error");
    assert_eq!(pages.len(), 3);
    assert_eq!(h.tokens(), [None, Some("t1".into()), Some("t2".into())]);
}

#[test]
fn a_token_in_the_input_is_sent_first_to_resume() {
    let h = Harness::new([page(&["x"], Some("t9")), page(&[], None)]);
    let input = DescribeDestinationsInput::builder().next_token("t8").build();
    let all = run(h.client().describe_destinations_paginator(input).collect_items()).unwrap();
    assert_eq!(names(all), ["x"]);
    assert_eq!(h.tokens(), [Some("t8".into()), Some("t9".into())]);
}

#[test]
fn an_empty_token_ends_paging_and_empty_pages_are_skipped() {
    let h = Harness::new([page(&[], Some("t1")), page(&[], Some("t2")), page(&["only"], Some("")), page(&["never"], None)]);
    let all = run(h.client().describe_destinations_paginator(input()).collect_items()).unwrap();
    assert_eq!(names(all), ["only"]);
    assert_eq!(h.tokens(), [None, Some("t1".into()), Some("t2".into())]);
}

#[test]
fn an_error_on_page_two_is_yielded_once_and_ends_paging() {
    let h = Harness::new([page(&["a", "b"], Some("t1")), invalid_parameter(), page(&["never"], None)]);
    let mut pages = h.client().describe_destinations_paginator(input());
    let mut got = Vec::new();
    run(async {
        while let Some(item) = pages.next_item().await {
            got.push(item);
        }
    });
    assert_eq!(got.len(), 3, "{got:?}");
    let err = got.pop().unwrap().unwrap_err();
    assert!(matches!(err, DescribeDestinationsError::InvalidParameterException(_)), "{err:?}");
    assert_eq!(names(got.into_iter().map(Result::unwrap)), ["a", "b"]);
    assert_eq!(h.tokens(), [None, Some("t1".into())], "nothing is sent after the error");
    assert!(run(pages.next_page()).is_none());
    assert_eq!(h.tokens().len(), 2);

    // `collect_items` returns the error.
    let h = Harness::new([page(&["a"], Some("t1")), invalid_parameter()]);
    let err = run(h.client().describe_destinations_paginator(input()).collect_items()).unwrap_err();
    assert!(matches!(err, DescribeDestinationsError::InvalidParameterException(_)), "{err:?}");
}

#[test]
fn a_repeated_token_stops_instead_of_looping() {
    // The service answers every request with the same token: without the
    // rule, paging would never end.
    let h = Harness::new((0..10).map(|_| page(&["same"], Some("stuck"))));
    let mut pages = h.client().describe_destinations_paginator(input());
    let mut got = Vec::new();
    run(async {
        while let Some(item) = pages.next_item().await {
            got.push(item.expect("a repeated token is not an error"));
        }
    });
    // Page 1 (sent no token, got "stuck"), page 2 (sent "stuck", got "stuck"): stop.
    assert_eq!(names(got), ["same", "same"]);
    assert_eq!(h.tokens(), [None, Some("stuck".into())]);
    assert!(pages.stopped_on_repeated_token());
    assert_eq!(pages.pages_received(), 2);
}

#[test]
fn every_page_goes_through_validation_and_retries() {
    // A page size outside the model's @range 1..=50 fails validation before
    // anything is sent, and ends paging.
    let h = Harness::new(three_pages());
    let mut pages = h.client().describe_destinations_paginator(input()).page_size(0);
    let first = run(pages.next_page()).expect("one result");
    assert!(matches!(first, Err(DescribeDestinationsError::Validation(_))), "{first:?}");
    assert!(run(pages.next_page()).is_none());
    assert!(h.bodies().is_empty());

    // A throttled/unavailable page 2 is retried with the same token, then
    // paging carries on.
    let h = Harness::new([
        page(&["a"], Some("t1")),
        response(503, r#"{"__type":"ServiceUnavailableException","message":"busy"}"#),
        page(&["b"], None),
    ]);
    let all = run(h.client().describe_destinations_paginator(input()).collect_items()).unwrap();
    assert_eq!(names(all), ["a", "b"]);
    assert_eq!(h.tokens(), [None, Some("t1".into()), Some("t1".into())]);
}

/// Paginators and their futures can move between threads (`tokio::spawn`).
#[test]
fn paginators_and_their_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = Harness::new(Vec::new()).client();
    let mut pager = client.describe_destinations_paginator(input());
    assert_send(&pager);
    assert_send(&pager.next_page());
    assert_send(&pager.next_item());
}

#[test]
fn pages_and_items_as_streams_end_at_the_last_page() {
    use futures_util::StreamExt;
    let h = Harness::new(three_pages());
    let client = h.client();
    // The stream is `Send + 'static`: it runs on a spawned task.
    let items = run(async move {
        let stream = client.describe_destinations_paginator(input()).page_size(2).into_item_stream();
        tokio::spawn(stream.collect::<Vec<_>>()).await.expect("the task ran")
    });
    let items: Vec<_> = items.into_iter().map(|i| i.expect("no error")).collect();
    assert_eq!(names(items), ["a", "b", "c", "d", "e"]);
    assert_eq!(h.tokens(), [None, Some("t1".into()), Some("t2".into())]);

    let h = Harness::new(three_pages());
    let pages: Vec<_> = run(h.client().describe_destinations_paginator(input()).into_stream().collect());
    let sizes: Vec<usize> = pages.into_iter().map(|p| p.expect("no error").destinations.unwrap_or_default().len()).collect();
    assert_eq!(sizes, [2, 1, 2]);
}

#[test]
fn a_stream_yields_the_error_once_and_then_ends() {
    use futures_util::StreamExt;
    let h = Harness::new(vec![page(&["a"], Some("t1")), invalid_parameter(), page(&["never"], None)]);
    let mut items = h.client().describe_destinations_paginator(input()).into_item_stream();
    run(async {
        assert_eq!(names([items.next().await.expect("an item").expect("no error")]), ["a"]);
        match items.next().await {
            Some(Err(DescribeDestinationsError::InvalidParameterException(_))) => {}
            other => panic!("expected the modeled error, got {other:?}"),
        }
        assert!(items.next().await.is_none(), "nothing after the error");
        assert!(items.next().await.is_none(), "and the stream stays ended");
    });
    assert_eq!(h.tokens(), [None, Some("t1".into())], "no call after the failed one");
}

#[test]
fn a_fluent_call_pages_with_the_input_set_so_far() {
    let h = Harness::new(three_pages());
    let items = run(h.client().describe_destinations().destination_name_prefix("my-").into_paginator().page_size(2).collect_items());
    assert_eq!(names(items.expect("no error")), ["a", "b", "c", "d", "e"]);
    assert_eq!(h.bodies()[0], json!({"DestinationNamePrefix": "my-", "limit": 2}), "the members set on the call are each page's input");
    assert_eq!(h.tokens(), [None, Some("t1".into()), Some("t2".into())]);
}
