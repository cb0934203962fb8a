//! Inputs and canned responses for the codec microbenchmarks
//! (`benches/codec.rs`): one realistic request and one response per seed
//! operation, every input valid for its operation's constraints.

use smithy_gen_runtime::request::RawResponse;

/// `json` as an input or output type; panics with the type's name if the fixture is wrong.
pub fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("fixture for {}: {e}", std::any::type_name::<T>()))
}

/// A 200 response with a JSON body, as the services send it.
pub fn ok(content_type: &str, body: &str) -> RawResponse {
    RawResponse::new(
        200,
        vec![
            ("content-type".to_string(), content_type.to_string()),
            ("x-amzn-requestid".to_string(), "4a1b8f0e-5c3d-4e2f-9a6b-7c8d9e0f1a2b".to_string()),
        ],
        body.as_bytes().to_vec(),
    )
}

pub const AWS_JSON: &str = "application/x-amz-json-1.1";
pub const REST_JSON: &str = "application/json";

pub const DESCRIBE_DESTINATIONS_INPUT: &str = r#"{"DestinationNamePrefix":"bench","limit":50}"#;
pub const DESCRIBE_DESTINATIONS_OUTPUT: &str = r#"{"destinations":[
 {"destinationName":"bench-1","targetArn":"arn:aws:kinesis:us-east-1:123456789012:stream/one","roleArn":"arn:aws:iam::123456789012:role/one","accessPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[]}","arn":"arn:aws:logs:us-east-1:123456789012:destination:bench-1","creationTime":1700000000000},
 {"destinationName":"bench-2","targetArn":"arn:aws:kinesis:us-east-1:123456789012:stream/two","roleArn":"arn:aws:iam::123456789012:role/two","arn":"arn:aws:logs:us-east-1:123456789012:destination:bench-2","creationTime":1700000000001},
 {"destinationName":"bench-3","targetArn":"arn:aws:kinesis:us-east-1:123456789012:stream/three","roleArn":"arn:aws:iam::123456789012:role/three","arn":"arn:aws:logs:us-east-1:123456789012:destination:bench-3","creationTime":1700000000002}
],"nextToken":"token-2"}"#;

pub const PUT_DESTINATION_INPUT: &str = r#"{"destinationName":"bench-destination","targetArn":"arn:aws:kinesis:us-east-1:123456789012:stream/bench","roleArn":"arn:aws:iam::123456789012:role/bench","tags":{"team":"logs","env":"prod"}}"#;
pub const PUT_DESTINATION_OUTPUT: &str = r#"{"destination":{"destinationName":"bench-destination","targetArn":"arn:aws:kinesis:us-east-1:123456789012:stream/bench","roleArn":"arn:aws:iam::123456789012:role/bench","arn":"arn:aws:logs:us-east-1:123456789012:destination:bench-destination","creationTime":1700000000000}}"#;

pub const PUT_DESTINATION_POLICY_INPUT: &str = r#"{"destinationName":"bench-destination","accessPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"logs:PutSubscriptionFilter\",\"Resource\":\"arn:aws:logs:us-east-1:123456789012:destination:bench-destination\"}]}","forceUpdate":true}"#;
pub const PUT_DESTINATION_POLICY_OUTPUT: &str = "{}";

pub const PUT_INTEGRATION_INPUT: &str = r#"{"integrationName":"bench-integration","resourceConfig":{"openSearchResourceConfig":{"kmsKeyArn":"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab","dataSourceRoleArn":"arn:aws:iam::123456789012:role/data-source","dashboardViewerPrincipals":["arn:aws:iam::123456789012:role/viewer"],"retentionDays":30}},"integrationType":"OPENSEARCH"}"#;
pub const PUT_INTEGRATION_OUTPUT: &str = r#"{"integrationName":"bench-integration","integrationStatus":"PROVISIONING"}"#;

pub const CREATE_DETECTOR_INPUT: &str = r#"{"enable":true,"clientToken":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","findingPublishingFrequency":"FIFTEEN_MINUTES","tags":{"team":"security"},"features":[{"name":"S3_DATA_EVENTS","status":"ENABLED"},{"name":"EKS_AUDIT_LOGS","status":"DISABLED"}]}"#;
pub const CREATE_DETECTOR_OUTPUT: &str = r#"{"detectorId":"12abc34d567e8fa901bc2d34e56789f0"}"#;

pub const CREATE_PUBLISHING_DESTINATION_INPUT: &str = r#"{"detectorId":"12abc34d567e8fa901bc2d34e56789f0","destinationType":"S3","destinationProperties":{"destinationArn":"arn:aws:s3:::bench-findings","kmsKeyArn":"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},"clientToken":"3f2504e0-4f89-41d3-9a0c-0305e82c3302"}"#;
pub const CREATE_PUBLISHING_DESTINATION_OUTPUT: &str = r#"{"destinationId":"0bb1f9fb12345678901234567890abcd"}"#;
