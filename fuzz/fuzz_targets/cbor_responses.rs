//! Arbitrary rpcv2Cbor responses to the operations of the fixture
//! `tests/fixtures/rpc_v2_cbor/rpc_v2_protocol.json` (scalars, blobs, enums,
//! timestamps, bignums, sparse lists and maps, unions, modeled errors with
//! nested structures), through each operation's `parse_*`: hostile CBOR
//! (truncated, deeply nested, huge claimed lengths, wrong types, tags,
//! indefinite items) must end in an error, never a panic or an allocation
//! the input does not pay for; a non-2xx response is never `Ok`; every
//! error displays. Input: the first byte picks the operation, the second
//! the status (even: 200, odd: 400, 0xff: 500), the rest is the body, sent
//! with `smithy-protocol: rpc-v2-cbor` unless the second byte is 0xfe. The
//! last "operations" read the body as the payload of an event-stream
//! message instead (an event of each type, an exception): CBOR events and
//! `@eventPayload` members.
#![no_main]

use fuzz_fixture_cbor::rpc_v2_protocol::rpc_v2_cbor as p;
use libfuzzer_sys::fuzz_target;
use smithy_gen_runtime::request::RawResponse;
use smithy_gen_runtime::streams::event_stream::{Header, HeaderValue, Message};

/// How many operations the first byte chooses from.
const OPERATIONS: u8 = 11;

/// A message of the fixture's stream carrying `payload`.
fn message(kind: &str, name: &str, payload: &[u8]) -> Message {
    let h = |n: &str, v: &str| Header::new(n.to_string(), HeaderValue::String(v.to_string().into()));
    let type_header = if kind == "event" { ":event-type" } else { ":exception-type" };
    Message::new_from_parts(
        vec![h(":message-type", kind), h(type_header, name), h(":content-type", "application/cbor"), h("id", "n1")],
        payload.to_vec(),
    )
}

fn done<T: std::fmt::Debug, E: std::fmt::Display + std::fmt::Debug>(r: Result<T, E>) -> Result<String, String> {
    r.map(|v| format!("{v:?}")).map_err(|e| format!("{e} {e:?}"))
}

fuzz_target!(|data: &[u8]| {
    let (op, flags, body) = match data {
        [op, flags, body @ ..] => (*op, *flags, body),
        _ => return,
    };
    let status = match flags {
        0xff => 500,
        f if f % 2 == 0 => 200,
        _ => 400,
    };
    let headers = if flags == 0xfe { Vec::new() } else { vec![("smithy-protocol".to_string(), "rpc-v2-cbor".to_string())] };
    let response = RawResponse::new(status, headers, body.to_vec());
    let result = match op % OPERATIONS {
        0 => done(p::parse_simple_scalar_properties(&response)),
        1 => done(p::parse_greeting_with_errors(&response)),
        2 => done(p::parse_sparse_nulls_operation(&response)),
        3 => done(p::parse_union_op(&response)),
        4 => done(p::parse_float16(&response)),
        5 => done(p::parse_fractional_seconds(&response)),
        6 => done(p::parse_empty_input_output(&response)),
        7 => done(p::parse_no_input_output(&response)),
        8 => done(p::event_subscribe_events(&message("event", "message", body))),
        9 => done(p::event_subscribe_events(&message("event", "note", body))),
        _ => {
            assert!(p::event_subscribe_events(&message("exception", "fault", body)).is_err(), "an exception parsed as an event");
            return;
        }
    };
    if status != 200 && op % OPERATIONS < 8 {
        assert!(result.is_err(), "status {status} parsed as a success");
    }
});
