//! In-process cost of each seed operation's codec: validate + serialize the
//! input into the request the client would sign (`prepare_*`), and parse a
//! canned 200 response into the output (`parse_*`). No I/O, no signing.
//! Run by `cargo xtask bench` (or `cargo bench -p micro` in bench/).

use aws_generated::cloudwatch_logs::{aws_json, types as logs};
use aws_generated::guardduty::{rest_json, types as gd};
use micro::*;

fn main() {
    divan::main();
}

macro_rules! codec {
    ($name:ident, $ty:ty, $input:expr, $prepare:path, $content_type:expr, $output:expr, $parse:path) => {
        mod $name {
            use super::*;

            #[divan::bench]
            fn validate_serialize(bencher: divan::Bencher) {
                let input: $ty = from_json($input);
                assert!($prepare(input.clone(), true).is_ok(), "fixture input is invalid");
                bencher.with_inputs(|| input.clone()).bench_values(|input| $prepare(input, true));
            }

            #[divan::bench]
            fn parse(bencher: divan::Bencher) {
                let response = ok($content_type, $output);
                if let Err(e) = $parse(&response) {
                    panic!("fixture response does not parse: {e}");
                }
                bencher.bench(|| $parse(divan::black_box(&response)));
            }
        }
    };
}

codec!(logs_describe_destinations, logs::DescribeDestinationsInput, DESCRIBE_DESTINATIONS_INPUT,
    aws_json::prepare_describe_destinations, AWS_JSON, DESCRIBE_DESTINATIONS_OUTPUT, aws_json::parse_describe_destinations);
codec!(logs_put_destination, logs::PutDestinationInput, PUT_DESTINATION_INPUT,
    aws_json::prepare_put_destination, AWS_JSON, PUT_DESTINATION_OUTPUT, aws_json::parse_put_destination);
codec!(logs_put_destination_policy, logs::PutDestinationPolicyInput, PUT_DESTINATION_POLICY_INPUT,
    aws_json::prepare_put_destination_policy, AWS_JSON, PUT_DESTINATION_POLICY_OUTPUT, aws_json::parse_put_destination_policy);
codec!(logs_put_integration, logs::PutIntegrationInput, PUT_INTEGRATION_INPUT,
    aws_json::prepare_put_integration, AWS_JSON, PUT_INTEGRATION_OUTPUT, aws_json::parse_put_integration);
codec!(guardduty_create_detector, gd::CreateDetectorInput, CREATE_DETECTOR_INPUT,
    rest_json::prepare_create_detector, REST_JSON, CREATE_DETECTOR_OUTPUT, rest_json::parse_create_detector);
codec!(guardduty_create_publishing_destination, gd::CreatePublishingDestinationInput, CREATE_PUBLISHING_DESTINATION_INPUT,
    rest_json::prepare_create_publishing_destination, REST_JSON, CREATE_PUBLISHING_DESTINATION_OUTPUT, rest_json::parse_create_publishing_destination);
