//! Arbitrary responses (status, headers, body) to each of the six seed
//! operations, through the public client and a fake transport: parsing must
//! never panic (errors are fine), a non-2xx response is never `Ok`, and every
//! error displays. Input format: see `smithy_fuzz::FuzzResponse`.
#![no_main]

use std::sync::{Arc, OnceLock};

use aws_generated::cloudwatch_logs as logs;
use aws_generated::cloudwatch_logs::types::{
    DescribeDestinationsInput, IntegrationType, OpenSearchResourceConfig, PutDestinationInput, PutDestinationPolicyInput,
    PutIntegrationInput, ResourceConfig,
};
use aws_generated::guardduty as gd;
use aws_generated::guardduty::types::{
    CreateDetectorInput, CreatePublishingDestinationInput, DestinationProperties, DestinationType,
};
use smithy_gen_runtime::request::RawResponse;
use libfuzzer_sys::fuzz_target;
use smithy_fuzz::{block_on, FuzzResponse};

smithy_fuzz::fakes!(smithy_gen_runtime);
use fakes::FakeTransport;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/r";

struct Clients {
    transport: Arc<FakeTransport>,
    logs: logs::Client,
    gd: gd::Client,
}

/// The clients, made once: endpoint resolution per client is not what is
/// fuzzed here.
fn clients() -> &'static Clients {
    static CLIENTS: OnceLock<Clients> = OnceLock::new();
    CLIENTS.get_or_init(|| {
        let transport = Arc::new(FakeTransport::default());
        let logs = logs::Client::new(fakes::config(transport.clone(), true));
        let gd = gd::Client::new(fakes::config(transport.clone(), true));
        Clients { transport, logs, gd }
    })
}

/// Call operation `op` (0..6) against the canned response; `Ok(())` or the
/// error's `Display` and `Debug`.
fn call(c: &Clients, op: u8) -> Result<(), String> {
    fn done<T, E: std::fmt::Display + std::fmt::Debug>(r: Result<T, E>) -> Result<(), String> {
        r.map(|_| ()).map_err(|e| format!("{e} {e:?}"))
    }
    match op % 6 {
        0 => done(block_on(c.logs.put_destination_with(PutDestinationInput::new(
            "d",
            "arn:aws:kinesis:us-east-1:123456789012:stream/s",
            ROLE_ARN,
        )))),
        1 => done(block_on(c.logs.put_destination_policy_with(PutDestinationPolicyInput::new("d", "{}")))),
        2 => {
            let config = OpenSearchResourceConfig::new(ROLE_ARN, vec![ROLE_ARN.to_string()], 7);
            let input = PutIntegrationInput::new(
                "i",
                ResourceConfig::OpenSearchResourceConfig(config),
                IntegrationType::Opensearch,
            );
            done(block_on(c.logs.put_integration_with(input)))
        }
        3 => done(block_on(c.logs.describe_destinations_with(DescribeDestinationsInput::default()))),
        4 => done(block_on(c.gd.create_detector_with(CreateDetectorInput::new(true)))),
        _ => {
            let properties = DestinationProperties::builder()
                .destination_arn("arn:aws:s3:::bucket")
                .kms_key_arn("arn:aws:kms:us-east-1:123456789012:key/k")
                .build();
            let input = CreatePublishingDestinationInput::new("detector-1", DestinationType::S3, properties);
            done(block_on(c.gd.create_publishing_destination_with(input)))
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let r = FuzzResponse::parse(data);
    let c = clients();
    *c.transport.answer.lock().unwrap() = Some(RawResponse::new(r.status, r.headers, r.body));
    let result = call(c, r.operation);
    assert!(
        c.transport.answer.lock().unwrap().is_none(),
        "the seed input of operation {} was rejected before sending: {result:?}",
        r.operation % 6
    );
    if !(200..300).contains(&r.status) {
        assert!(result.is_err(), "status {} parsed as a success", r.status);
    }
});
